"""Dropout inside the fused ``F.scaled_dot_product_attention``: the mask is never stored but
drawn from a counter-based generator keyed on a seed and offset taken from the default
generator, and replayed by the backward pass.

Checked: the fused output and gradients against the composed form multiplied by the same mask
(``_core.attention_dropout_factors``, which the composed form itself uses on the CPU), on shapes
that span several tiles; the mask read back
independently (value = the identity makes the output the dropped weights themselves); the
fraction dropped; reproducibility under ``manual_seed``; float64 finite differences (first and
second order, forward mode) with the generator re-seeded before each evaluation; the modules
that reach it in training; ``dropout_p == 1``; bad probabilities (PyTorch 2.15's errors); and
device tensors on the NumPy test backend (the engine's op runs the host kernel with the same
mask, the functional stays on the device).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn.functional as F
from attention_checks import (
    FUSED,
    assert_fully_masked_rows_give_zeros,
    assert_same_values_and_gradients,
)
from ferrograd import _core, cuda, nn
from ferrograd.autograd import gradcheck, gradgradcheck
from ferrograd.cuda._numpy_backend import NumpyTable
from ferrograd.nn import _attention
from ferrograd.nn.attention import SDPBackend, sdpa_kernel


def _key(seed):
    """The dropout key a call right after ``manual_seed(seed)`` draws."""
    fg.manual_seed(seed)
    return _attention._dropout_key()


def _factors(like, shape, p, seed):
    return _core.attention_dropout_factors(like, list(shape), p, *_key(seed))


def _weights(q, k, mask=None, is_causal=False, groups=1):
    """The attention weights ``softmax(q·kᵀ/√E + mask)`` from plain ops."""
    if groups > 1:
        k = k.repeat_interleave(groups, -3)
    scores = q @ k.transpose(-2, -1) * (1 / math.sqrt(q.shape[-1]))
    if is_causal:
        keep = fg.ones(q.shape[-2], k.shape[-2], dtype=fg.bool).tril()
        scores = scores.masked_fill(keep.logical_not(), -math.inf)
    if mask is not None:
        scores = scores + mask
    return scores.softmax(-1)


@pytest.mark.parametrize(
    "shapes, kwargs",
    [
        (((2, 3, 150, 16), (2, 3, 300, 16), (2, 3, 300, 8)), {}),
        (((2, 3, 150, 16), (2, 3, 300, 16), (2, 3, 300, 8)), {"is_causal": True}),
        (((1, 4, 130, 8), (1, 2, 200, 8), (1, 2, 200, 4)), {"groups": 2}),
        (((2, 2, 70, 8), (2, 2, 260, 8), (2, 2, 260, 8)), {"mask": (2, 1, 70, 260)}),
    ],
)
@pytest.mark.parametrize("p", [0.1, 0.6])
def test_fused_dropout_agrees_with_the_composed_form_under_the_same_mask(shapes, kwargs, p):
    fg.manual_seed(0)
    q, k, v = (fg.randn(*s, dtype=fg.float64, requires_grad=True) for s in shapes)
    kwargs = dict(kwargs)
    groups = kwargs.pop("groups", 1)
    mask = fg.randn(*kwargs.pop("mask"), dtype=fg.float64) if "mask" in kwargs else None
    fg.manual_seed(11)
    out = F.scaled_dot_product_attention(
        q, k, v, attn_mask=mask, dropout_p=p, enable_gqa=groups > 1, **kwargs
    )
    weights = _weights(q, k, mask, groups=groups, **kwargs)
    factors = _factors(q, weights.shape, p, 11)
    vv = v.repeat_interleave(groups, -3) if groups > 1 else v
    want = (weights * factors) @ vv
    assert_same_values_and_gradients(out, want, (q, k, v))


def test_the_mask_read_back_through_an_identity_value_is_the_drawn_one():
    """With value = the identity, the output row ``i`` is the dropped weights of query ``i``:
    zero exactly where the mask drops, ``P·1/(1-p)`` elsewhere."""
    p, rows, s = 0.3, 70, 140
    fg.manual_seed(1)
    q, k = fg.randn(3, rows, 8, dtype=fg.float64), fg.randn(3, s, 8, dtype=fg.float64)
    eye = fg.eye(s, dtype=fg.float64).expand(3, s, s)
    fg.manual_seed(5)
    out = F.scaled_dot_product_attention(q, k, eye, dropout_p=p).numpy()
    factors = _factors(q, (3, rows, s), p, 5).numpy()
    weights = _weights(q, k).numpy()
    np.testing.assert_array_equal(out == 0, factors == 0)
    np.testing.assert_allclose(out, weights * factors, rtol=1e-10, atol=0)
    assert set(np.unique(factors)) == {0.0, 1 / (1 - p)}


def test_the_math_kernel_draws_the_same_mask():
    fg.manual_seed(2)
    q, k, v = (fg.randn(2, 3, 20, 8, dtype=fg.float64) for _ in range(3))
    fg.manual_seed(9)
    fused = F.scaled_dot_product_attention(q, k, v, dropout_p=0.4, is_causal=True)
    fg.manual_seed(9)
    with sdpa_kernel(SDPBackend.MATH):
        composed = F.scaled_dot_product_attention(q, k, v, dropout_p=0.4, is_causal=True)
    np.testing.assert_allclose(fused.numpy(), composed.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_the_fraction_dropped_is_p(p):
    s = 256
    q, k = fg.zeros(8, s, 4), fg.zeros(8, s, 4)  # uniform weights: none is zero by itself
    eye = fg.eye(s).expand(8, s, s)
    out = F.scaled_dot_product_attention(q, k, eye, dropout_p=p).numpy()
    dropped = float((out == 0).mean())
    # 524288 independent draws: the standard error is below 7e-4
    assert abs(dropped - p) < 0.004, dropped
    np.testing.assert_allclose(out[out != 0], 1 / (s * (1 - p)), rtol=1e-6)


def test_masks_are_reproducible_and_differ_between_calls():
    q, k, v = (fg.randn(2, 3, 40, 8) for _ in range(3))
    fg.manual_seed(4)
    first = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    second = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    fg.manual_seed(4)
    again = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    np.testing.assert_array_equal(first.numpy(), again.numpy())
    assert not np.array_equal(first.numpy(), second.numpy())
    # the heads and the batch get masks of their own
    eye = fg.eye(40).expand(2, 3, 40, 40)
    dropped = F.scaled_dot_product_attention(q, k, eye, dropout_p=0.5).numpy() == 0
    assert not np.array_equal(dropped[0, 0], dropped[0, 1])
    assert not np.array_equal(dropped[0, 0], dropped[1, 0])


def _ramp(shape, phase):
    n = int(np.prod(shape))
    return fg.tensor(
        (np.sin(np.arange(n) * 0.913 + phase) * 1.5).reshape(shape),
        dtype=fg.float64,
        requires_grad=True,
    )


GRAD_CASES = {
    "plain": (((2, 2, 3, 3), (2, 2, 4, 3), (2, 2, 4, 2)), {}),
    "causal": (((2, 4, 2), (2, 4, 2), (2, 4, 2)), {"is_causal": True}),
    "float_mask": (
        ((2, 3, 2), (2, 4, 2), (2, 4, 2)),
        {"attn_mask": fg.tensor(np.cos(np.arange(12.0)).reshape(3, 4), dtype=fg.float64)},
    ),
    "bool_mask_dead_row": (
        ((2, 3, 2), (2, 3, 2), (2, 3, 2)),
        {"attn_mask": fg.tensor([[True, False, True], [False, False, False], [True, True, True]])},
    ),
    "gqa": (((1, 4, 3, 2), (1, 2, 3, 2), (1, 2, 3, 2)), {"enable_gqa": True}),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_gradcheck_forward_ad_and_gradgradcheck_with_dropout(name):
    shapes, kwargs = GRAD_CASES[name]
    q, k, v = (_ramp(s, phase) for s, phase in zip(shapes, (0.0, 1.0, 2.0), strict=True))

    def attention(q, k, v):
        fg.manual_seed(3)  # the same mask at every evaluation
        return F.scaled_dot_product_attention(q, k, v, dropout_p=0.4, **kwargs)

    out = attention(q, k, v)
    assert type(out.grad_fn).__name__ == FUSED
    # the mask drops something here, or the case would not test it
    assert not np.allclose(
        out.detach().numpy(), F.scaled_dot_product_attention(q, k, v, **kwargs).detach().numpy()
    )
    assert gradcheck(attention, (q, k, v), check_forward_ad=True)
    assert gradgradcheck(attention, (q, k, v))


def test_fully_masked_rows_stay_zero_with_dropout():
    assert_fully_masked_rows_give_zeros(0.5)


def test_dropout_p_one_gives_zeros():
    q = fg.randn(2, 3, 4, requires_grad=True)
    out = F.scaled_dot_product_attention(q, q, q, dropout_p=1.0)
    np.testing.assert_array_equal(out.detach().numpy(), np.zeros((2, 3, 4)))
    (grad,) = fg.autograd.grad(out.sum(), q)
    np.testing.assert_array_equal(grad.numpy(), np.zeros((2, 3, 4)))


@pytest.mark.parametrize(
    "p, message",
    [
        # PyTorch 2.15's words, on the CPU
        (1.5, "dropout probability has to be between 0 and 1, but got 1.5"),
        (-0.1, "scaled_dot_product_attention_flash_attention: Currently do not support dropout"),
        (math.nan, "scaled_dot_product_attention_flash_attention: Currently do not support"),
    ],
)
def test_bad_probabilities(p, message):
    q = fg.randn(2, 3, 4)
    with pytest.raises(RuntimeError, match=message):
        F.scaled_dot_product_attention(q, q, q, dropout_p=p)


def _node_names(t):
    """The names of every node in ``t``'s graph (nodes compare equal, not identical: each
    access makes a new Python object)."""
    names, stack, seen = set(), [t.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        names.add(type(node).__name__)
        stack.extend(fn for fn, _ in node.next_functions)
    return names


def test_modules_training_with_dropout_use_the_fused_op():
    fg.manual_seed(0)
    x = fg.randn(5, 2, 8)
    attention = nn.MultiheadAttention(8, 2, dropout=0.3)
    out, _ = attention(x, x, x, need_weights=False)
    assert FUSED in _node_names(out)
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.3)
    out = layer(x)
    assert FUSED in _node_names(out)
    # in eval mode nothing is dropped: two calls agree
    layer.eval()
    np.testing.assert_array_equal(layer(x).detach().numpy(), layer(x).detach().numpy())


class _AttentionProbe(NumpyTable):
    """The NumPy test backend with an attention kernel that notes each offer (forward or
    backward) and declines it, so that the host kernel runs."""

    def __init__(self):
        super().__init__()
        self.offers: list[bool] = []

    def attention(self, *arrays, causal, scale, backward):
        self.offers.append(backward)
        return None


def test_the_engine_op_on_device_tensors_runs_the_host_kernel_with_the_same_mask():
    """A backend's attention kernel takes no dropout, so the engine never offers it a call with
    dropout: the host kernel runs it (inputs copied over), drawing the mask it draws for CPU
    tensors. Without dropout the backend is asked first."""
    fg.manual_seed(0)
    q, k, v = (fg.randn(2, 3, 20, 8, dtype=fg.float64, requires_grad=True) for _ in range(3))
    key = (0.5, 0x1234_5678_9ABC_DEF0, 7)
    want = _core.scaled_dot_product_attention(q, k, v, None, True, 0.4, *key)
    g = fg.randn(2, 3, 20, 8, dtype=fg.float64)
    want_grads = fg.autograd.grad(want, (q, k, v), g)
    table = _AttentionProbe()
    previous = cuda.use_backend(table)
    try:
        qd, kd, vd = (t.detach().to("cuda").requires_grad_() for t in (q, k, v))
        out = _core.scaled_dot_product_attention(qd, kd, vd, None, True, 0.4, *key)
        assert out.device.type == "cuda" and type(out.grad_fn).__name__ == FUSED
        grads = fg.autograd.grad(out, (qd, kd, vd), g.to("cuda"))
        assert table.offers == []
        np.testing.assert_array_equal(out.detach().cpu().numpy(), want.detach().numpy())
        for got, expected in zip(grads, want_grads, strict=True):
            assert got.device.type == "cuda"
            np.testing.assert_allclose(got.cpu().numpy(), expected.numpy(), rtol=1e-12, atol=0)
        plain = _core.scaled_dot_product_attention(qd, kd, vd, None, True, 0.4)
        fg.autograd.grad(plain.sum(), qd)
        assert table.offers == [False, True]
    finally:
        cuda.use_backend(previous)


def test_the_functional_on_device_tensors_drops_on_the_device():
    """``F.scaled_dot_product_attention`` keeps device tensors on their device: the composed
    form, its weights dropped by ``F.dropout`` there."""
    p, s = 0.5, 64
    previous = cuda.use_backend(NumpyTable())
    try:
        q = fg.zeros(8, s, 4, device="cuda", requires_grad=True)  # uniform weights
        eye = fg.eye(s, device="cuda").expand(8, s, s)
        out = F.scaled_dot_product_attention(q, q, eye, dropout_p=p)
        assert out.device.type == "cuda" and type(out.grad_fn).__name__ != FUSED
        got = out.detach().cpu().numpy()
        # 32768 independent draws: the standard error is below 3e-3
        assert abs(float((got == 0).mean()) - p) < 0.015
        np.testing.assert_allclose(got[got != 0], 1 / (s * (1 - p)), rtol=1e-6)
        (grad,) = fg.autograd.grad(out.sum(), q)
        assert grad.device.type == "cuda"
    finally:
        cuda.use_backend(previous)
