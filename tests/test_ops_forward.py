"""Forward values of the math, reduction and activation ops, against NumPy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import ferrograd as fg
from helpers import T, assert_close, assert_equal, to_np


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


UNARY = {
    "exp": (np.exp, (-5, 5)),
    "log": (np.log, (0.01, 10)),
    "sqrt": (np.sqrt, (0.0, 10)),
    "sin": (np.sin, (-6, 6)),
    "cos": (np.cos, (-6, 6)),
    "tanh": (np.tanh, (-5, 5)),
    "sigmoid": (_sigmoid, (-10, 10)),
    "relu": (lambda a: np.maximum(a, 0), (-3, 3)),
    "abs": (np.abs, (-3, 3)),
    "neg": (np.negative, (-3, 3)),
}


@pytest.mark.parametrize("name", list(UNARY))
@pytest.mark.parametrize("np_dtype", [np.float32, np.float64], ids=["f32", "f64"])
def test_unary_method_and_function(name, np_dtype, rng):
    npf, (lo, hi) = UNARY[name]
    a = rng.uniform(lo, hi, (4, 5)).astype(np_dtype)
    expected = npf(a).astype(np_dtype)
    tol = {"rtol": 1e-5, "atol": 1e-6} if np_dtype == np.float32 else {"rtol": 1e-12, "atol": 1e-14}
    r1 = getattr(T(a), name)()
    r2 = getattr(fg, name)(T(a))
    for r in (r1, r2):
        assert r.dtype == T(a).dtype
        assert_close(r, expected, **tol)


@pytest.mark.parametrize("name", ["exp", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "neg"])
@given(data=st.data())
def test_unary_hypothesis(name, data):
    npf, (lo, hi) = UNARY[name]
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=5))
    a = data.draw(
        hnp.arrays(
            np.float64, shape, elements=st.floats(lo, hi, allow_nan=False, allow_infinity=False)
        )
    )
    assert_close(getattr(T(a), name)(), npf(a), rtol=1e-12, atol=1e-14)


def test_special_values():
    x = fg.tensor([0.0, -1.0, 4.0])
    lg = to_np(x.log())
    assert lg[0] == -np.inf and np.isnan(lg[1]) and lg[2] == pytest.approx(np.log(4.0))
    sq = to_np(x.sqrt())
    assert sq[0] == 0.0 and np.isnan(sq[1]) and sq[2] == 2.0
    assert fg.tensor([1000.0]).exp().tolist() == [float("inf")]
    s = to_np(fg.tensor([-1000.0, 0.0, 1000.0]).sigmoid())
    np.testing.assert_allclose(s, [0.0, 0.5, 1.0])
    assert not np.isnan(s).any()


def test_relu_of_zero_and_negative_zero():
    assert fg.tensor([-0.0, 0.0, -1e-30]).relu().tolist() == [0.0, 0.0, 0.0]


# ----------------------------------------------------------------------------- clamp


def test_clamp(rng):
    a = rng.uniform(-3, 3, (4, 5)).astype(np.float32)
    assert_equal(T(a).clamp(-1, 1), np.clip(a, -1, 1))
    assert_equal(T(a).clamp(min=-0.5, max=2.0), np.clip(a, -0.5, 2.0))
    assert_equal(fg.clamp(T(a), min=0.0), np.maximum(a, 0))
    assert_equal(T(a).clamp(max=0.5), np.minimum(a, 0.5))
    assert_equal(fg.clamp(T(a), -2, 2), np.clip(a, -2, 2))


def test_clamp_int():
    x = fg.tensor([-5, 0, 5])
    assert x.clamp(-2, 2).tolist() == [-2, 0, 2]
    assert x.clamp(-2, 2).dtype == fg.int64


# ----------------------------------------------------------------------------- pow / remainder


def test_pow_forms(rng):
    a = rng.uniform(0.5, 2, (3, 3)).astype(np.float32)
    b = rng.uniform(-2, 2, (3, 3)).astype(np.float32)
    assert_close(fg.pow(T(a), T(b)), np.power(a, b))
    assert_close(T(a).pow(2), a**2)
    assert_close(T(a).pow(0.5), np.sqrt(a))
    assert_close(fg.pow(2.0, T(b)), np.power(np.float32(2.0), b))


def test_remainder_floor_divide_functions():
    a = np.array([-7.5, -3.0, 0.0, 2.5, 7.0], dtype=np.float32)
    assert_equal(fg.remainder(T(a), 2.0), np.remainder(a, np.float32(2.0)))
    assert_equal(fg.remainder(T(a), -2.0), np.remainder(a, np.float32(-2.0)))
    assert_equal(fg.floor_divide(T(a), 2.0), np.floor_divide(a, np.float32(2.0)))
    assert_equal(T(a).remainder(T(np.full(5, 3.0, np.float32))), np.remainder(a, 3.0))


# ----------------------------------------------------------------------------- reductions

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4) * 0.5 - 3.0


@pytest.mark.parametrize("name, npf", [("sum", np.sum), ("mean", np.mean)])
class TestSumMean:
    def test_all(self, name, npf):
        r = getattr(T(X), name)()
        assert r.shape == ()
        assert r.item() == pytest.approx(float(npf(X)), rel=1e-6, abs=1e-6)
        assert getattr(fg, name)(T(X)).item() == pytest.approx(float(npf(X)), abs=1e-6)

    @pytest.mark.parametrize("dim", [0, 1, 2, -1, -3, (0, 2), (1, -1), (0, 1, 2)])
    @pytest.mark.parametrize("keepdim", [False, True])
    def test_dims(self, name, npf, dim, keepdim):
        expected = npf(X, axis=dim, keepdims=keepdim)
        r = getattr(T(X), name)(dim=dim, keepdim=keepdim)
        assert_close(r, expected, rtol=1e-6, atol=1e-6)
        r2 = getattr(fg, name)(T(X), dim, keepdim=keepdim)
        assert_close(r2, expected, rtol=1e-6, atol=1e-6)

    def test_positional_dim(self, name, npf):
        assert_close(getattr(T(X), name)(1), npf(X, axis=1), rtol=1e-6, atol=1e-6)
        assert_close(
            getattr(T(X), name)(1, True), npf(X, axis=1, keepdims=True), rtol=1e-6, atol=1e-6
        )

    def test_of_transposed(self, name, npf):
        r = getattr(T(X).transpose(0, 2), name)(dim=1)
        assert_close(r, npf(X.transpose(2, 1, 0), axis=1), rtol=1e-6, atol=1e-6)


def test_sum_int():
    x = fg.tensor([[1, 2], [3, 4]])
    assert x.sum().item() == 10
    assert x.sum(0).tolist() == [4, 6]
    assert x.sum(dim=1, keepdim=True).tolist() == [[3], [7]]


def test_sum_bool_counts():
    assert (fg.tensor([1.0, -1.0, 2.0]) > 0).sum().item() == 2


def test_sum_empty():
    assert fg.zeros(0).sum().item() == 0.0
    assert fg.zeros(0, 3).sum(0).tolist() == [0.0, 0.0, 0.0]


def test_sum_large_float32_accuracy():
    x = fg.ones(1_000_000)
    assert x.sum().item() == 1_000_000.0
    assert x.mean().item() == pytest.approx(1.0, abs=1e-6)


def test_mean_float64():
    a = np.random.default_rng(0).standard_normal((7, 9))
    assert T(a).mean().item() == pytest.approx(a.mean(), rel=1e-12)


# ----------------------------------------------------------------------------- max / min

M = np.array(
    [[3.0, -1.0, 7.5, 2.0], [0.5, 9.0, -4.0, 1.0], [6.0, 2.5, 8.0, -7.0]], dtype=np.float32
)


@pytest.mark.parametrize(
    "name, npf, argf", [("max", np.max, np.argmax), ("min", np.min, np.argmin)]
)
class TestMaxMin:
    def test_all(self, name, npf, argf):
        r = getattr(T(M), name)()
        assert r.shape == ()
        assert r.item() == float(npf(M))
        assert getattr(fg, name)(T(M)).item() == float(npf(M))

    @pytest.mark.parametrize("dim", [0, 1, -1])
    @pytest.mark.parametrize("keepdim", [False, True])
    def test_dim(self, name, npf, argf, dim, keepdim):
        r = getattr(T(M), name)(dim=dim, keepdim=keepdim)
        values, indices = r  # unpackable like a namedtuple
        exp_v = npf(M, axis=dim, keepdims=keepdim)
        exp_i = argf(M, axis=dim)
        if keepdim:
            exp_i = np.expand_dims(exp_i, dim)
        assert_equal(values, exp_v, dtype=fg.float32)
        assert_equal(indices, exp_i, dtype=fg.int64)
        assert_equal(r.values, exp_v)
        assert_equal(r.indices, exp_i)
        assert_equal(r[0], exp_v)
        assert_equal(r[1], exp_i)

    def test_positional_dim(self, name, npf, argf):
        v, i = getattr(T(M), name)(1)
        assert_equal(v, npf(M, axis=1))
        assert_equal(i, argf(M, axis=1))
        v, i = getattr(fg, name)(T(M), 0)
        assert_equal(v, npf(M, axis=0))
        assert_equal(i, argf(M, axis=0))

    def test_3d(self, name, npf, argf, rng):
        a = rng.permutation(60).reshape(3, 4, 5).astype(np.float64)
        v, i = getattr(T(a), name)(dim=1)
        assert_equal(v, npf(a, axis=1))
        assert_equal(i, argf(a, axis=1))

    def test_int(self, name, npf, argf):
        a = np.array([[3, -1, 7], [0, 9, -4]], dtype=np.int64)
        v, i = getattr(T(a), name)(dim=1)
        assert_equal(v, npf(a, axis=1), dtype=fg.int64)
        assert_equal(i, argf(a, axis=1))


def test_max_with_nan_propagates():
    assert np.isnan(fg.tensor([1.0, float("nan"), 3.0]).max().item())


# ---------------------------------------------------------------------------- hypothesis reductions


@given(data=st.data())
def test_sum_mean_hypothesis(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=5))
    a = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-100, 100, allow_nan=False)))
    dims = data.draw(
        st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True)
    )
    keepdim = data.draw(st.booleans())
    dim = tuple(dims) if len(dims) > 1 else dims[0]
    assert_close(
        T(a).sum(dim=dim, keepdim=keepdim),
        a.sum(axis=dim, keepdims=keepdim),
        rtol=1e-10,
        atol=1e-10,
    )
    assert_close(
        T(a).mean(dim=dim, keepdim=keepdim),
        a.mean(axis=dim, keepdims=keepdim),
        rtol=1e-10,
        atol=1e-10,
    )


@given(data=st.data())
def test_matmul_hypothesis(data):
    n = data.draw(st.integers(1, 6))
    k = data.draw(st.integers(1, 6))
    m = data.draw(st.integers(1, 6))
    batch = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3))
    elems = st.floats(-10, 10, allow_nan=False)
    a = data.draw(hnp.arrays(np.float64, (*batch, n, k), elements=elems))
    b = data.draw(hnp.arrays(np.float64, (k, m), elements=elems))
    assert_close(T(a) @ T(b), a @ b, rtol=1e-10, atol=1e-9)
