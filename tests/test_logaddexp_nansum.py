"""``logaddexp``/``logaddexp2`` (rows of the engine's pointwise table) and ``nansum`` (an
engine reduction): PyTorch's node names, values and gradients at the special values, recorded
once from PyTorch 2.15 (the tests do not import torch)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.autograd.forward_ad as fwAD

inf, nan = math.inf, math.nan

A = [inf, -inf, nan, inf, -inf, 1e30, -3.0, 0.5, 100.0]
B = [inf, -inf, 1.0, -inf, 2.0, 1e30, -3.0, -0.25, -100.0]

# name: (node, value, gradient of a, gradient of b), PyTorch 2.15 in float64
EXPECTED = {
    "logaddexp": (
        "LogaddexpBackward0",
        [inf, -inf, nan, inf, 2.0, 1e30, -2.3068528194400546, 0.8868710061148999, 100.0],
        [nan, nan, nan, 1.0, 0.0, 0.5, 0.5, 0.679178699175393, 1.0],
        [nan, nan, nan, 0.0, 1.0, 0.5, 0.5, 0.320821300824607, 1.3838965267367376e-87],
    ),
    "logaddexp2": (
        "Logaddexp2Backward0",
        [inf, -inf, nan, inf, 2.0, 1e30, -2.0, 1.173197792818954, 100.0],
        [nan, nan, nan, 1.0, 0.0, 0.5, 0.5, 0.627115119175411, 1.0],
        [nan, nan, nan, 0.0, 1.0, 0.5, 0.5, 0.3728848808245891, 6.223015277861142e-61],
    ),
}


@pytest.mark.parametrize("name", EXPECTED)
def test_values_gradients_and_node_at_special_values(name):
    node, value, grad_a, grad_b = EXPECTED[name]
    a = fg.tensor(A, dtype=fg.float64, requires_grad=True)
    b = fg.tensor(B, dtype=fg.float64, requires_grad=True)
    y = getattr(fg, name)(a, b)
    assert y.grad_fn.name() == node
    np.testing.assert_allclose(y.detach().numpy(), value, rtol=1e-14)
    ga, gb = fg.autograd.grad(y.sum(), (a, b))
    np.testing.assert_allclose(ga.numpy(), grad_a, rtol=1e-13)
    np.testing.assert_allclose(gb.numpy(), grad_b, rtol=1e-13)


@pytest.mark.parametrize("name", EXPECTED)
def test_float32_error_is_a_few_ulp_of_the_larger_operand(name):
    # ``max + log1p(...)`` cancels where the result is near 0 (NumPy's and PyTorch's float32
    # formula too), so the error is bounded against the operands' scale, not the result's.
    rng = np.random.default_rng(0)
    a = rng.uniform(-60, 60, 20_000).astype(np.float32)
    b = (a + rng.normal(0, 3, a.size)).astype(np.float32)
    got = getattr(fg, name)(fg.tensor(a), fg.tensor(b)).numpy()
    ref = getattr(np, name)(a.astype(np.float64), b.astype(np.float64))
    scale = np.maximum(np.abs(ref), np.maximum(np.abs(a), np.abs(b))).astype(np.float32)
    assert (np.abs(got.astype(np.float64) - ref) / np.spacing(scale)).max() <= 4


def test_logaddexp_broadcasts_and_promotes():
    y = fg.logaddexp(fg.tensor([1.0, 3.0]), fg.tensor([2.0], dtype=fg.float64))
    assert y.dtype == fg.float64
    np.testing.assert_allclose(y.numpy(), np.logaddexp([1.0, 3.0], 2.0), rtol=1e-15)


def test_logaddexp_refuses_numbers_and_integers_as_pytorch():
    with pytest.raises(TypeError, match="must be Tensor, not float"):
        fg.logaddexp(fg.tensor([1.0]), 1.0)
    with pytest.raises(NotImplementedError, match="logaddexp"):
        fg.logaddexp(fg.tensor([1]), fg.tensor([2]))


def test_nansum_counts_nans_as_zero_with_zero_gradient():
    x = fg.tensor([[1.0, nan, 2.0], [nan, nan, 3.0]], requires_grad=True)
    s = x.nansum(1)
    assert s.grad_fn.name() == "NansumBackward0"
    assert s.tolist() == [3.0, 3.0]
    s.sum().backward()
    assert x.grad.tolist() == [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]
    assert fg.nansum(x).item() == 6.0
    assert x.nansum((0, 1), keepdim=True).shape == (1, 1)


def test_nansum_of_integers_and_bools_is_int64():
    assert fg.tensor([1, 2, 3], dtype=fg.int32).nansum().dtype == fg.int64
    assert fg.tensor([True, True]).nansum().item() == 2


def test_nansum_forward_mode_ignores_the_tangent_at_nans():
    x = fg.tensor([[1.0, nan], [2.0, 4.0]], dtype=fg.float64)
    tangent = fg.tensor([[10.0, 100.0], [1.0, 0.5]], dtype=fg.float64)
    with fwAD.dual_level():
        _, t = fwAD.unpack_dual(fwAD.make_dual(x, tangent).nansum(0))
    assert t.tolist() == [11.0, 0.5]
