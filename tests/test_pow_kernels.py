"""``pow`` with a constant exponent or base: PyTorch's values at the special points (recorded
from PyTorch 2.15.0, CPU; these tests never import torch), the exponents PyTorch computes by
cheaper forms giving those forms' bits, accuracy against NumPy in float64, and the fused
first-order backward rounding as the chain rule evaluated op by op."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg

inf, nan = math.inf, math.nan

BASES = [-0.0, 0.0, -inf, inf, nan, -2.0, 4.0, -1.0, 1.0]
# exponent -> PyTorch's `x ** exponent` for each of BASES
TORCH_POWERS = {
    0.5: [-0.0, 0.0, nan, inf, nan, nan, 2.0, nan, 1.0],
    -0.5: [-inf, inf, nan, 0.0, nan, nan, 0.5, nan, 1.0],
    2: [0.0, 0.0, inf, inf, nan, 4.0, 16.0, 1.0, 1.0],
    3: [-0.0, 0.0, -inf, inf, nan, -8.0, 64.0, -1.0, 1.0],
    -1: [-inf, inf, -0.0, 0.0, nan, -0.5, 0.25, -1.0, 1.0],
    -2: [inf, inf, 0.0, 0.0, nan, 0.25, 0.0625, 1.0, 1.0],
    1: [-0.0, 0.0, -inf, inf, nan, -2.0, 4.0, -1.0, 1.0],
    0: [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    2.5: [0.0, 0.0, inf, inf, nan, nan, 32.0, nan, 1.0],
    -3: [-inf, inf, -0.0, 0.0, nan, -0.125, 0.015625, -1.0, 1.0],
    4: [0.0, 0.0, inf, inf, nan, 16.0, 256.0, 1.0, 1.0],
    1.5: [0.0, 0.0, inf, inf, nan, nan, 8.0, nan, 1.0],
    inf: [0.0, 0.0, inf, inf, nan, inf, inf, 1.0, 1.0],
    -inf: [inf, inf, 0.0, 0.0, nan, 0.0, 0.0, 1.0, 1.0],
    nan: [nan, nan, nan, nan, nan, nan, nan, nan, 1.0],
}


def _same(got, want):
    """Equal values, NaN matching NaN and the sign of a zero counted."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    number = ~np.isnan(want)
    np.testing.assert_array_equal(np.signbit(got)[number], np.signbit(want)[number])
    np.testing.assert_array_equal(np.nan_to_num(got), np.nan_to_num(want))


@pytest.mark.parametrize("dtype", [fg.float32, fg.float64])
@pytest.mark.parametrize("exponent", list(TORCH_POWERS))
def test_special_points_are_pytorchs(exponent, dtype):
    # padded past one element so that the vector kernel, not the one-element path, runs
    x = fg.tensor(BASES * 3, dtype=dtype)
    _same((x**exponent).numpy(), TORCH_POWERS[exponent] * 3)
    for base, want in zip(BASES, TORCH_POWERS[exponent], strict=True):
        # one element: the scalar path
        _same((fg.tensor([base], dtype=dtype) ** exponent).numpy(), [want])


@pytest.mark.parametrize("dtype", [fg.float32, fg.float64])
def test_cheap_exponents_give_the_bits_of_their_forms(dtype):
    x = fg.tensor(np.random.default_rng(0).uniform(-3, 3, 4097), dtype=dtype)
    a = x.abs()
    np.testing.assert_array_equal((x**2).numpy(), (x * x).numpy())
    np.testing.assert_array_equal((x**3).numpy(), (x * x * x).numpy())
    np.testing.assert_array_equal((x**-1).numpy(), (1 / x).numpy())
    np.testing.assert_array_equal((x**-2).numpy(), (1 / (x * x)).numpy())
    np.testing.assert_array_equal((a**0.5).numpy(), a.sqrt().numpy())
    np.testing.assert_array_equal((a**-0.5).numpy(), (1 / a.sqrt()).numpy())
    np.testing.assert_array_equal((x**1).numpy(), x.numpy())


@pytest.mark.parametrize("dtype", [fg.float32, fg.float64])
def test_in_place_powers_give_the_out_of_place_bits(dtype):
    x = fg.tensor(np.random.default_rng(4).uniform(0.1, 4, 10007), dtype=dtype)
    for y in (2.5, 2, -0.75, 1 / 3):
        want = (x**y).numpy()
        inplace = x.clone()
        inplace **= y
        np.testing.assert_array_equal(inplace.numpy(), want)
        np.testing.assert_array_equal(x.clone().pow_(y).numpy(), want)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_general_powers_match_numpy(dtype):
    rng = np.random.default_rng(1)
    base = rng.uniform(0, 6, (300, 41)).astype(dtype)
    exponents = rng.uniform(-20, 20, (300, 41)).astype(dtype)
    # ulp tolerance: float32 results are nearly correctly rounded, float64 within 2 ulp
    rtol = 1.2e-7 if dtype == "float32" else 5e-16
    x = fg.tensor(base)
    for y in (2.5, -1.75, 1 / 3, 7.0, -11.0, 0.1):
        want = np.power(base.astype(np.float64), np.float64(np.asarray(y, dtype=dtype)))
        np.testing.assert_allclose((x**y).numpy(), want.astype(dtype), rtol=rtol, atol=0)
        # a strided view takes the same kernel
        np.testing.assert_allclose((x.t() ** y).numpy(), want.T.astype(dtype), rtol=rtol, atol=0)
    for b in (2.0, 0.5, 10.0, 1.0001):
        want = np.power(np.float64(np.asarray(b, dtype=dtype)), exponents.astype(np.float64))
        got = (b ** fg.tensor(exponents)).numpy()
        np.testing.assert_allclose(got, want.astype(dtype), rtol=rtol, atol=1e-300)
    # negative bases: integer exponents keep the sign, others are NaN
    neg = fg.tensor(-base)
    np.testing.assert_allclose(
        (neg**7.0).numpy(), -(base.astype(np.float64) ** 7).astype(dtype), rtol=rtol
    )
    assert np.isnan((neg**2.5).numpy()[base > 0]).all()


@pytest.mark.parametrize("dtype", [fg.float32, fg.float64])
@pytest.mark.parametrize("exponent", [2.5, 2, 3, 0.5, -0.5, -1, -2, 1, 0, -2.5, 1 / 3])
def test_fused_backward_rounds_as_the_chain_rule_op_by_op(exponent, dtype):
    """``x ** y``'s first-order gradient is one pass over ``(g, x)``; it gives the bits of
    ``(g * y) * x ** (y - 1)`` (zero for ``y == 0``), also for a gradient that is a view,
    and the same values as the recorded rule under ``create_graph``."""
    rng = np.random.default_rng(2)
    x = fg.tensor(rng.uniform(0.1, 3, (64, 33)), dtype=dtype, requires_grad=True)
    out = x**exponent
    y = fg.tensor(exponent, dtype=dtype)
    for g in (
        fg.tensor(rng.normal(0, 1, (64, 33)), dtype=dtype),
        fg.tensor(rng.normal(0, 1, (33, 64)), dtype=dtype).t(),
    ):
        (got,) = fg.autograd.grad(out, x, g, retain_graph=True)
        # zero for `y == 0`, where the expression would give 0 * x^-1
        chain = (g * y) * x.detach() ** (y - 1)
        want = np.zeros((64, 33)) if exponent == 0 else chain.numpy()
        np.testing.assert_array_equal(got.numpy(), want)
        (recorded,) = fg.autograd.grad(out, x, g, retain_graph=True, create_graph=True)
        np.testing.assert_array_equal(recorded.detach().numpy(), want)


def test_gradients_at_zero_are_pytorchs():
    x = fg.tensor([0.0, -0.0, 2.0], requires_grad=True)
    expected = {
        0.5: [inf, -inf, 0.3535533845424652],
        2: [0.0, -0.0, 4.0],
        0: [0.0, 0.0, 0.0],
        1: [1.0, 1.0, 1.0],
        -1: [-inf, -inf, -0.25],
        2.5: [0.0, 0.0, 7.071067810058594],
    }
    for exponent, want in expected.items():
        x.grad = None
        (x**exponent).sum().backward()
        _same(x.grad.numpy(), np.array(want, dtype=np.float32))
