"""Every differentiable op passes gradcheck in float64 (and gradgradcheck where smooth),
plus derivatives at known points."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest
from hypothesis import given, strategies as st

import ferrograd as fg
from ferrograd.autograd.gradcheck import gradcheck, gradgradcheck
from helpers import assert_close, t64, to_np


# An input spec is (shape, kind): kind picks the sampled domain.
def _sample(rng, shape, kind):
    if kind == "any":
        return rng.uniform(-2.0, 2.0, shape)
    if kind == "pos":  # log, sqrt, pow base
        return rng.uniform(0.5, 2.0, shape)
    if kind == "nonzero":  # abs, division; away from the kink/pole at 0
        return rng.uniform(0.3, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    if kind == "distinct":  # max/min: values far from ties
        n = int(np.prod(shape, dtype=np.int64))
        return (rng.permutation(n).reshape(shape) - n / 2.0) * 0.37 + rng.uniform(0, 0.1, shape)
    if kind == "clampable":  # away from the clamp bounds -0.5, 0.5
        return rng.choice([-1.5, -1.0, -0.2, 0.1, 0.25, 0.9, 1.3], shape) + rng.uniform(
            -0.05, 0.05, shape
        )
    if kind == "rem":  # remainder(x, 1.5): x/1.5 away from integers
        base = rng.integers(-3, 3, shape) * 1.5
        return base + rng.uniform(0.2, 1.3, shape)
    raise ValueError(kind)


def _rem_pair(rng, y_shape):
    """x of shape (3, 4) and divisor y (broadcastable) with x / y away from integers."""
    y = rng.uniform(1.1, 1.9, y_shape) * rng.choice([-1.0, 1.0], y_shape)
    q = rng.integers(-3, 3, (3, 4)) + rng.uniform(0.2, 0.8, (3, 4))
    return [q * y, y]


def _inplace_mul(a, b):
    y = a * 1.0
    y *= b
    return y


def _inplace_chain(a, b):
    y = a + 0.0
    y += b
    y *= a
    y -= b
    y /= 2.0
    y **= 2
    return y


def _mlp(x, w1, b1, w2):
    return ((x @ w1 + b1).tanh() @ w2).sigmoid()


def _softplus(x):
    return (1.0 + x.exp()).log()


# (id, func, [input specs], gradgradcheck too?)
CASES = [
    # arithmetic
    ("add", lambda a, b: a + b, [((3, 4), "any"), ((3, 4), "any")], True),
    ("add_bcast", lambda a, b: a + b, [((3, 1), "any"), ((1, 4), "any")], True),
    ("add_bcast_rank", lambda a, b: a + b, [((2, 3, 4), "any"), ((4,), "any")], True),
    ("add_scalar", lambda a: a + 2.5, [((3,), "any")], True),
    ("radd_scalar", lambda a: 2.5 + a, [((3,), "any")], True),
    ("add_named", lambda a, b: fg.add(a, b), [((2, 3), "any"), ((3,), "any")], True),
    ("add_0d", lambda a, b: a + b, [((), "any"), ((2, 2), "any")], True),
    ("sub", lambda a, b: a - b, [((3, 4), "any"), ((3, 4), "any")], True),
    ("sub_bcast", lambda a, b: a - b, [((2, 3), "any"), ((3,), "any")], True),
    ("rsub_scalar", lambda a: 1 - a, [((3,), "any")], True),
    ("sub_named", lambda a, b: a.sub(b), [((2, 3), "any"), ((2, 1), "any")], True),
    ("mul", lambda a, b: a * b, [((3, 4), "any"), ((3, 4), "any")], True),
    ("mul_bcast", lambda a, b: a * b, [((4, 1, 3), "any"), ((2, 1), "any")], True),
    ("rmul_scalar", lambda a: 2 * a, [((3,), "any")], True),
    ("mul_self", lambda a: a * a, [((3,), "any")], True),
    ("mul_named", lambda a, b: fg.mul(a, b), [((3,), "any"), ((), "any")], True),
    ("div", lambda a, b: a / b, [((3, 4), "any"), ((3, 4), "nonzero")], True),
    ("div_bcast", lambda a, b: a / b, [((3, 4), "any"), ((4,), "nonzero")], True),
    ("rdiv_scalar", lambda a: 1 / a, [((3,), "nonzero")], True),
    ("div_scalar", lambda a: a / 4.0, [((3,), "any")], True),
    ("div_named", lambda a, b: a.div(b), [((3,), "any"), ((3,), "nonzero")], True),
    ("neg", lambda a: -a, [((3, 2), "any")], True),
    ("neg_named", lambda a: fg.neg(a), [((3, 2), "any")], True),
    # pow, in base and exponent
    ("pow_int", lambda a: a**3, [((3, 2), "any")], True),
    ("pow_2", lambda a: a**2, [((3, 2), "any")], True),
    ("pow_frac", lambda a: a**2.5, [((3, 2), "pos")], True),
    ("pow_neg", lambda a: a**-2, [((3, 2), "nonzero")], True),
    ("pow_tensor", lambda a, b: a**b, [((3, 2), "pos"), ((3, 2), "any")], True),
    ("pow_tensor_bcast", lambda a, b: a**b, [((3, 2), "pos"), ((2,), "any")], True),
    ("rpow_scalar", lambda b: 2.0**b, [((3,), "any")], True),
    ("pow_named", lambda a, b: fg.pow(a, b), [((4,), "pos"), ((4,), "any")], True),
    ("pow_method_scalar", lambda a: a.pow(3), [((4,), "any")], True),
    # matmul
    ("matmul_1d_1d", lambda a, b: a @ b, [((4,), "any"), ((4,), "any")], True),
    ("matmul_2d_2d", lambda a, b: a @ b, [((3, 4), "any"), ((4, 2), "any")], True),
    ("matmul_1d_2d", lambda a, b: a @ b, [((4,), "any"), ((4, 2), "any")], True),
    ("matmul_2d_1d", lambda a, b: a @ b, [((3, 4), "any"), ((4,), "any")], True),
    ("matmul_batched", lambda a, b: a @ b, [((2, 3, 4), "any"), ((2, 4, 2), "any")], True),
    ("matmul_batch_2d", lambda a, b: a @ b, [((2, 3, 4), "any"), ((4, 2), "any")], True),
    ("matmul_2d_batch", lambda a, b: a @ b, [((3, 4), "any"), ((2, 4, 2), "any")], True),
    ("matmul_bcast_batch", lambda a, b: a @ b, [((2, 1, 2, 3), "any"), ((3, 3, 2), "any")], False),
    ("matmul_1d_3d", lambda a, b: a @ b, [((3,), "any"), ((2, 3, 2), "any")], True),
    ("matmul_3d_1d", lambda a, b: a @ b, [((2, 2, 3), "any"), ((3,), "any")], True),
    ("matmul_named", lambda a, b: fg.matmul(a, b), [((2, 3), "any"), ((3, 2), "any")], True),
    ("mm", lambda a, b: fg.mm(a, b), [((2, 3), "any"), ((3, 4), "any")], True),
    ("mm_method", lambda a, b: a.mm(b), [((2, 3), "any"), ((3, 4), "any")], True),
    ("matmul_transposed", lambda a, b: a.T @ b, [((3, 2), "any"), ((3, 2), "any")], True),
    # unary math
    ("abs", lambda a: abs(a), [((3, 4), "nonzero")], True),
    ("abs_method", lambda a: a.abs(), [((3, 4), "nonzero")], True),
    ("exp", lambda a: a.exp(), [((3, 4), "any")], True),
    ("exp_fn", lambda a: fg.exp(a), [((3, 4), "any")], True),
    ("log", lambda a: a.log(), [((3, 4), "pos")], True),
    ("log_fn", lambda a: fg.log(a), [((3, 4), "pos")], True),
    ("sqrt", lambda a: a.sqrt(), [((3, 4), "pos")], True),
    ("sqrt_fn", lambda a: fg.sqrt(a), [((3, 4), "pos")], True),
    ("sin", lambda a: a.sin(), [((3, 4), "any")], True),
    ("sin_fn", lambda a: fg.sin(a), [((3, 4), "any")], True),
    ("cos", lambda a: a.cos(), [((3, 4), "any")], True),
    ("cos_fn", lambda a: fg.cos(a), [((3, 4), "any")], True),
    ("tanh", lambda a: a.tanh(), [((3, 4), "any")], True),
    ("tanh_fn", lambda a: fg.tanh(a), [((3, 4), "any")], True),
    ("sigmoid", lambda a: a.sigmoid(), [((3, 4), "any")], True),
    ("sigmoid_fn", lambda a: fg.sigmoid(a), [((3, 4), "any")], True),
    ("relu", lambda a: a.relu(), [((3, 4), "nonzero")], True),
    ("relu_fn", lambda a: fg.relu(a), [((3, 4), "nonzero")], True),
    ("clamp", lambda a: a.clamp(-0.5, 0.5), [((4, 4), "clampable")], True),
    ("clamp_min", lambda a: a.clamp(min=-0.5), [((4, 4), "clampable")], True),
    ("clamp_max", lambda a: a.clamp(max=0.5), [((4, 4), "clampable")], True),
    ("clamp_fn", lambda a: fg.clamp(a, min=-0.5, max=0.5), [((4, 4), "clampable")], True),
    ("remainder_scalar", lambda a: a % 1.5, [((3, 4), "rem")], True),
    ("remainder_fn", lambda a: fg.remainder(a, 1.5), [((3, 4), "rem")], True),
    (
        "remainder_tensor",
        lambda a, b: fg.remainder(a, b),
        lambda rng: _rem_pair(rng, (3, 4)),
        False,
    ),
    ("remainder_method", lambda a, b: a.remainder(b), lambda rng: _rem_pair(rng, (4,)), False),
    # reductions
    ("sum", lambda a: a.sum(), [((3, 4), "any")], True),
    ("sum_fn", lambda a: fg.sum(a), [((3, 4), "any")], True),
    ("sum_dim0", lambda a: a.sum(0), [((3, 4), "any")], True),
    ("sum_dim_neg", lambda a: a.sum(dim=-1), [((2, 3, 4), "any")], True),
    ("sum_tuple", lambda a: a.sum(dim=(0, 2)), [((2, 3, 4), "any")], True),
    ("sum_keepdim", lambda a: a.sum(1, keepdim=True), [((2, 3, 4), "any")], True),
    ("sum_0d", lambda a: a.sum(), [((), "any")], True),
    ("mean", lambda a: a.mean(), [((3, 4), "any")], True),
    ("mean_fn", lambda a: fg.mean(a), [((3, 4), "any")], True),
    ("mean_dim", lambda a: a.mean(1), [((3, 4), "any")], True),
    ("mean_tuple_keepdim", lambda a: a.mean(dim=(0, 1), keepdim=True), [((2, 3, 4), "any")], True),
    ("max_all", lambda a: a.max(), [((3, 4), "distinct")], True),
    ("min_all", lambda a: a.min(), [((3, 4), "distinct")], True),
    ("max_fn", lambda a: fg.max(a), [((3, 4), "distinct")], True),
    ("max_dim", lambda a: a.max(dim=1).values, [((3, 4), "distinct")], True),
    ("max_dim0_keepdim", lambda a: a.max(0, keepdim=True)[0], [((3, 4), "distinct")], True),
    ("min_dim", lambda a: a.min(dim=-1).values, [((2, 3, 4), "distinct")], True),
    ("min_dim_keepdim", lambda a: a.min(1, keepdim=True).values, [((2, 3, 4), "distinct")], True),
    # shape ops
    ("reshape", lambda a: a.reshape(4, 3), [((3, 4), "any")], True),
    ("reshape_tuple_neg", lambda a: a.reshape((-1, 2)), [((3, 4), "any")], True),
    ("reshape_fn", lambda a: fg.reshape(a, (2, 6)), [((3, 4), "any")], True),
    ("view", lambda a: a.view(2, 6), [((3, 4), "any")], True),
    ("view_neg", lambda a: a.view(-1), [((3, 4), "any")], True),
    ("transpose", lambda a: a.transpose(0, 1), [((3, 4), "any")], True),
    ("transpose_3d", lambda a: a.transpose(0, 2), [((2, 3, 4), "any")], True),
    ("transpose_fn", lambda a: fg.transpose(a, 1, -1), [((2, 3, 4), "any")], True),
    ("permute", lambda a: a.permute(2, 0, 1), [((2, 3, 4), "any")], True),
    ("permute_tuple", lambda a: a.permute((1, 2, 0)), [((2, 3, 4), "any")], True),
    ("T", lambda a: a.T, [((3, 4), "any")], True),
    ("unsqueeze", lambda a: a.unsqueeze(1), [((3, 4), "any")], True),
    ("unsqueeze_neg", lambda a: a.unsqueeze(-1), [((3, 4), "any")], True),
    ("squeeze_all", lambda a: a.squeeze(), [((3, 1, 4, 1), "any")], True),
    ("squeeze_dim", lambda a: a.squeeze(1), [((3, 1, 4, 1), "any")], True),
    ("expand", lambda a: a.expand(3, 4), [((3, 1), "any")], True),
    ("expand_new_dims", lambda a: a.expand(2, 3, 4), [((4,), "any")], True),
    ("expand_neg1", lambda a: a.expand(-1, 5), [((3, 1), "any")], True),
    ("flatten", lambda a: a.flatten(), [((2, 3, 4), "any")], True),
    ("flatten_start", lambda a: a.flatten(1), [((2, 3, 4), "any")], True),
    ("flatten_range", lambda a: a.flatten(0, 1), [((2, 3, 4), "any")], True),
    ("flatten_fn", lambda a: fg.flatten(a), [((2, 3), "any")], True),
    ("clone", lambda a: a.clone(), [((2, 3), "any")], True),
    # indexing
    ("index_int", lambda a: a[1], [((3, 4), "any")], True),
    ("index_neg_int", lambda a: a[-1], [((3, 4), "any")], True),
    ("index_two_ints", lambda a: a[1, 2], [((3, 4), "any")], True),
    ("index_slice", lambda a: a[1:3], [((4, 3), "any")], True),
    ("index_step", lambda a: a[::2], [((5, 3), "any")], True),
    ("index_slice_step_2d", lambda a: a[1:, ::3], [((4, 7), "any")], True),
    ("index_col", lambda a: a[:, 1], [((3, 4), "any")], True),
    ("index_none", lambda a: a[None], [((3, 4), "any")], True),
    ("index_none_mid", lambda a: a[:, None, 1:], [((3, 4), "any")], True),
    ("index_ellipsis", lambda a: a[..., 1], [((2, 3, 4), "any")], True),
    ("index_ellipsis_mid", lambda a: a[0, ..., ::2], [((2, 3, 4), "any")], True),
    ("index_mixed", lambda a: a[1, None, ..., 1:3], [((2, 3, 4), "any")], True),
    ("index_mixed2", lambda a: a[-1, 1:, None, -2], [((2, 3, 4), "any")], True),
    ("index_of_expr", lambda a, b: (a * b)[:, 1:3].sum(1), [((3, 4), "any"), ((4,), "any")], True),
    # in place on graph tensors
    ("inplace_mul", _inplace_mul, [((3,), "any"), ((3,), "any")], True),
    ("inplace_chain", _inplace_chain, [((3, 2), "any"), ((2,), "any")], True),
    # composites
    ("mlp", _mlp, [((4, 3), "any"), ((3, 5), "any"), ((5,), "any"), ((5, 2), "any")], True),
    ("softplus", _softplus, [((3, 3), "any")], True),
    ("multi_use", lambda a: a.exp() * a.sin() + a / (1 + a * a), [((5,), "any")], True),
    ("mse", lambda p, y: ((p - y) ** 2).mean(), [((6,), "any"), ((6,), "any")], True),
    (
        "tuple_outputs",
        lambda a, b: (a * b, a.exp(), (a + b).sum()),
        [((3,), "any"), ((3,), "any")],
        True,
    ),
    (
        "normalize",
        lambda a: (a - a.mean(1, keepdim=True)) / (a * a).sum(1, keepdim=True).sqrt(),
        [((3, 4), "nonzero")],
        True,
    ),
]

# 0-d inputs whose op gets its gradient from a later node: a first-order backward carries it
# there as a number and runs the op's scalar rule (autograd/scalar_rules.rs).
_SCALAR_UNARY = [
    ("neg", "any"),
    ("exp", "any"),
    ("log", "pos"),
    ("sqrt", "pos"),
    ("rsqrt", "pos"),
    ("sin", "any"),
    ("cos", "any"),
    ("tan", "any"),
    ("tanh", "any"),
    ("sigmoid", "any"),
    ("relu", "nonzero"),
    ("log1p", "pos"),
    ("expm1", "any"),
    ("reciprocal", "nonzero"),
]
CASES += [
    (f"scalar_path_{name}", lambda a, name=name: getattr(a, name)() * 1.5, [((), kind)], True)
    for name, kind in _SCALAR_UNARY
]
CASES += [
    ("scalar_path_add", lambda a, b: (a + b) * 1.5, [((), "any"), ((), "any")], True),
    ("scalar_path_sub", lambda a, b: (a - b) * 1.5, [((), "any"), ((), "any")], True),
    ("scalar_path_rsub", lambda a: (1 - a) * 1.5, [((), "any")], True),
    ("scalar_path_mul", lambda a, b: (a * b).sin(), [((), "any"), ((), "any")], True),
    ("scalar_path_div", lambda a, b: (a / b).sin(), [((), "any"), ((), "nonzero")], True),
    ("scalar_path_pow", lambda a, b: (a**b).sin(), [((), "pos"), ((), "any")], True),
    (
        "scalar_path_chain",
        lambda a, b: ((a * b).sin() / b + a.exp() * a).tanh() ** 2,
        [((), "pos"), ((), "nonzero")],
        True,
    ),
]

IDS = [c[0] for c in CASES]
assert len(set(IDS)) == len(IDS), "duplicate case ids"


def _inputs(case_id, specs):
    rng = np.random.default_rng(zlib.crc32(case_id.encode()))
    if callable(specs):
        return tuple(t64(a) for a in specs(rng))
    return tuple(t64(_sample(rng, shape, kind)) for shape, kind in specs)


@pytest.mark.parametrize("case_id, func, specs, gg", CASES, ids=IDS)
def test_gradcheck(case_id, func, specs, gg):
    inputs = _inputs(case_id, specs)
    assert gradcheck(func, inputs, eps=1e-6, atol=1e-5, rtol=1e-3)


GG_CASES = [c for c in CASES if c[3]]


@pytest.mark.parametrize("case_id, func, specs, gg", GG_CASES, ids=[c[0] for c in GG_CASES])
def test_gradgradcheck(case_id, func, specs, gg):
    inputs = _inputs(case_id, specs)
    assert gradgradcheck(func, inputs, eps=1e-6, atol=1e-5, rtol=1e-3)


# ----------------------------------------------------------------------------- known values


def _grad(f, x):
    x = t64(x)
    y = f(x)
    y.backward()
    return to_np(x.grad)


@pytest.mark.parametrize(
    "f, x, expected",
    [
        (lambda x: x**2, 3.0, 6.0),
        (lambda x: x**3, -2.0, 12.0),
        (lambda x: x**0.5, 4.0, 0.25),
        (lambda x: x**0, 5.0, 0.0),
        (lambda x: 2.0**x, 3.0, 8.0 * math.log(2.0)),
        (lambda x: x.sqrt(), 4.0, 0.25),
        (lambda x: x.exp(), 1.0, math.e),
        (lambda x: x.log(), 4.0, 0.25),
        (lambda x: x.sin(), 0.0, 1.0),
        (lambda x: x.cos(), math.pi / 2, -1.0),
        (lambda x: x.tanh(), 0.0, 1.0),
        (lambda x: x.sigmoid(), 0.0, 0.25),
        (lambda x: x.relu(), 2.0, 1.0),
        (lambda x: x.relu(), -2.0, 0.0),
        (lambda x: x.relu(), 0.0, 0.0),
        (lambda x: abs(x), -3.0, -1.0),
        (lambda x: abs(x), 0.0, 0.0),
        (lambda x: 1 / x, 2.0, -0.25),
        (lambda x: 1 - x, 2.0, -1.0),
        (lambda x: x % 3.0, 7.5, 1.0),
        (lambda x: x.clamp(0.0, 1.0), 0.5, 1.0),
        (lambda x: x.clamp(0.0, 1.0), 2.0, 0.0),
        (lambda x: x.clamp(0.0, 1.0), -1.0, 0.0),
        # at a bound itself PyTorch's clamp passes no gradient (clamp_min: `self > min`)
        (lambda x: x.clamp(min=1.0), 1.0, 0.0),
        (lambda x: x.clamp(max=1.0), 1.0, 0.0),
        (lambda x: x * x * x, 2.0, 12.0),
        (lambda x: (x * 2 + 1) ** 2, 1.0, 12.0),
    ],
)
def test_known_derivative(f, x, expected):
    assert _grad(f, x) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_remainder_grad_wrt_divisor():
    x = t64([7.5, -7.5])
    y = t64([2.0, 2.0])
    fg.remainder(x, y).sum().backward()
    assert_close(x.grad, [1.0, 1.0])
    # d/dy (x - floor(x/y) * y) = -floor(x/y)
    assert_close(y.grad, [-3.0, 4.0])


def test_pow_grad_wrt_exponent():
    x = t64([2.0, 3.0])
    y = t64([3.0, 2.0])
    (x**y).sum().backward()
    assert_close(x.grad, [3.0 * 4.0, 2.0 * 3.0])
    assert_close(y.grad, [8.0 * math.log(2.0), 9.0 * math.log(3.0)])


def test_matmul_known_grads():
    a = t64([[1.0, 2.0], [3.0, 4.0]])
    b = t64([[5.0, 6.0], [7.0, 8.0]])
    (a @ b).sum().backward()
    # d/dA sum(AB) = 1 B^T ; d/dB = A^T 1
    assert_close(a.grad, [[11.0, 15.0], [11.0, 15.0]])
    assert_close(b.grad, [[4.0, 4.0], [6.0, 6.0]])


def test_mean_grad():
    x = t64(np.ones((2, 5)))
    x.mean().backward()
    assert_close(x.grad, np.full((2, 5), 0.1))
    x.grad = None
    x.mean(dim=1).sum().backward()
    assert_close(x.grad, np.full((2, 5), 0.2))


def test_sum_keepdim_grad():
    x = t64(np.ones((2, 3)))
    y = x.sum(1, keepdim=True)
    assert y.shape == (2, 1)
    (y * t64([[2.0], [3.0]], False)).sum().backward()
    assert_close(x.grad, [[2.0] * 3, [3.0] * 3])


def test_max_dim_grad_goes_to_argmax():
    x = t64([[1.0, 5.0, 3.0], [9.0, 2.0, 4.0]])
    v, i = x.max(dim=1)
    assert i.tolist() == [1, 0]
    (v * t64([10.0, 100.0], False)).sum().backward()
    assert_close(x.grad, [[0.0, 10.0, 0.0], [100.0, 0.0, 0.0]])


def test_min_dim_keepdim_grad():
    x = t64([[1.0, 5.0, 3.0], [9.0, 2.0, 4.0]])
    v = x.min(dim=0, keepdim=True).values
    assert v.shape == (1, 3)
    v.sum().backward()
    assert_close(x.grad, [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])


def test_max_all_with_ties_sends_gradient_only_to_maxima():
    x = t64([1.0, 3.0, 3.0, 2.0])
    x.max().backward()
    g = to_np(x.grad)
    assert g[0] == 0.0 and g[3] == 0.0
    assert g.sum() == pytest.approx(1.0)
    assert (g >= 0).all()


def test_getitem_grad_placement():
    x = t64(np.zeros((3, 4)))
    x[1, ::2].sum().backward()
    expected = np.zeros((3, 4))
    expected[1, ::2] = 1.0
    assert_close(x.grad, expected)


def test_getitem_overlapping_uses_accumulate():
    x = t64(np.zeros(5))
    (x[1:4].sum() + x[2:].sum() * 2 + x[-1] * 10).backward()
    assert_close(x.grad, [0.0, 1.0, 3.0, 3.0, 12.0])


def test_expand_grad_sums():
    x = t64([[1.0], [2.0]])
    x.expand(2, 4).sum().backward()
    assert_close(x.grad, [[4.0], [4.0]])


def test_second_derivatives():
    x = t64(2.0)
    (g,) = fg.autograd.grad(x**3, x, create_graph=True)
    assert g.item() == pytest.approx(12.0)
    (g2,) = fg.autograd.grad(g, x, create_graph=True)
    assert g2.item() == pytest.approx(12.0)
    (g3,) = fg.autograd.grad(g2, x)
    assert g3.item() == pytest.approx(6.0)


def test_second_derivative_tanh():
    x = t64(0.5)
    (g,) = fg.autograd.grad(x.tanh(), x, create_graph=True)
    g.backward()
    t = math.tanh(0.5)
    assert x.grad.item() == pytest.approx(-2 * t * (1 - t * t), rel=1e-10)


# ----------------------------------------------------------------------------- random programs

_UNARY_SAFE = {
    "exp": lambda t: (t * 0.5).exp(),
    "sin": lambda t: t.sin(),
    "cos": lambda t: t.cos(),
    "tanh": lambda t: t.tanh(),
    "sigmoid": lambda t: t.sigmoid(),
    "square": lambda t: t * t,
    "log1p_sq": lambda t: (1.0 + t * t).log(),
    "sqrt1p_sq": lambda t: (1.0 + t * t).sqrt(),
    "recip": lambda t: 1.0 / (2.0 + t.sin()),
    "neg": lambda t: -t,
    "pow3": lambda t: t**3,
    "T": lambda t: t.T if t.ndim == 2 else t,
    "sum0_keep": lambda t: t.sum(0, keepdim=True) if t.ndim >= 1 else t,
    "mean_last_keep": lambda t: t.mean(-1, keepdim=True) if t.ndim >= 1 else t,
}
_BINARY_SAFE = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (1.5 + b.tanh()),
    "pow": lambda a, b: (1.0 + a * a) ** b.sin(),
}


@given(
    shape=st.sampled_from([(3,), (2, 3), (3, 1), (1, 3), ()]),
    program=st.lists(
        st.one_of(
            st.tuples(st.just("u"), st.sampled_from(sorted(_UNARY_SAFE))),
            st.tuples(st.just("b"), st.sampled_from(sorted(_BINARY_SAFE))),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_hypothesis_random_program_gradcheck(shape, program):
    """Random chains of smooth ops over two inputs (with broadcasting) pass gradcheck."""
    rng = np.random.default_rng(len(program) * 31 + len(shape))
    x = t64(rng.uniform(-1.5, 1.5, shape))
    y = t64(rng.uniform(-1.5, 1.5, (3,)))

    def f(a, b):
        h = a
        for kind, name in program:
            h = _UNARY_SAFE[name](h) if kind == "u" else _BINARY_SAFE[name](h, b)
        return h

    assert gradcheck(f, (x, y))
