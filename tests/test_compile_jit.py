"""``ferrograd.compile``, ``ferrograd.compiler``, ``ferrograd.jit`` and ``nn.attention``: the
compiler entry points run programs eagerly, with PyTorch's argument checks."""

from __future__ import annotations

import io

import pytest

import ferrograd as fg
from ferrograd import nn
from ferrograd.nn.attention import SDPBackend, sdpa_kernel


def test_compile_returns_the_module_and_its_results_are_the_eager_ones():
    fg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.GELU(), nn.Linear(8, 2))
    x = fg.randn(3, 4)
    compiled = fg.compile(model, mode="max-autotune", fullgraph=True, dynamic=False)
    assert compiled is model
    assert compiled(x).tolist() == model(x).tolist()
    assert list(compiled.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_compile_as_a_decorator_with_and_without_arguments():
    @fg.compile
    def double(t):
        return t * 2

    @fg.compile(backend="eager")
    def triple(t):
        return t * 3

    assert double(fg.tensor([1.0])).item() == 2.0
    assert triple(fg.tensor([1.0])).item() == 3.0


def test_compile_checks_its_arguments_as_pytorch():
    model = nn.Linear(2, 2)
    with pytest.raises(RuntimeError, match="Unrecognized mode=fastest"):
        fg.compile(model, mode="fastest")
    with pytest.raises(RuntimeError, match="Either mode or options can be specified"):
        fg.compile(model, mode="default", options={"trace.enabled": True})
    with pytest.raises(ValueError, match="Invalid backend: 'warp'"):
        fg.compile(model, backend="warp")
    assert "inductor" in fg.compiler.list_backends()
    assert fg.compiler.is_compiling() is False


def test_jit_script_and_trace_run_eagerly_and_saving_says_what_to_use():
    model = nn.Linear(2, 1)
    assert fg.jit.script(model) is model
    assert fg.jit.trace(model, fg.randn(1, 2)) is model
    assert fg.jit.is_scripting() is False and fg.jit.is_tracing() is False

    @fg.jit.ignore
    def helper(t):
        return t + 1

    assert helper(fg.tensor(1.0)).item() == 2.0
    with pytest.raises(NotImplementedError, match="state_dict"):
        fg.jit.save(model, io.BytesIO())
    with pytest.raises(NotImplementedError, match="TorchScript"):
        fg.jit.load(io.BytesIO())
    with pytest.raises(RuntimeError, match="expected a module or a function"):
        fg.jit.script(3)


def test_sdpa_kernel_accepts_backends_and_attention_gives_the_same_result():
    fg.manual_seed(1)
    q, k, v = (fg.randn(1, 2, 4, 8) for _ in range(3))
    plain = fg.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
    with sdpa_kernel([SDPBackend.MATH, SDPBackend.FLASH_ATTENTION]):
        chosen = fg.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert chosen.tolist() == plain.tolist()
    assert int(SDPBackend.EFFICIENT_ATTENTION) == 2
    with pytest.raises(AssertionError, match="SDPBackend"), sdpa_kernel("math"):
        pass


def test_utils_checkpoint_is_reachable_from_the_package():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    y = fg.utils.checkpoint.checkpoint(lambda t: (t * t).sum(), x, use_reentrant=False)
    y.backward()
    assert x.grad.tolist() == [2.0, 4.0]
