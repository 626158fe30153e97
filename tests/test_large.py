"""Tensors above the kernels' parallel threshold (32768 elements): the chunked / rayon paths,
with odd sizes, strided and broadcast operands, against NumPy."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
from helpers import T, assert_close, assert_equal, t64

N = 300_007  # odd, not a multiple of any chunk size


@pytest.fixture(scope="module")
def big():
    rng = np.random.default_rng(2024)
    return {
        "a32": rng.uniform(0.5, 2.0, N).astype(np.float32),
        "b32": rng.uniform(-2.0, 2.0, N).astype(np.float32),
        "a64": rng.uniform(0.5, 2.0, N),
        "b64": rng.uniform(-2.0, 2.0, N),
        "i64": rng.integers(-1000, 1000, N),
        "m64": rng.standard_normal((701, 613)),
    }


@pytest.mark.parametrize(
    "name, npf",
    [
        ("exp", np.exp),
        ("log", np.log),
        ("sqrt", np.sqrt),
        ("sin", np.sin),
        ("tanh", np.tanh),
        ("sigmoid", lambda a: 1 / (1 + np.exp(-a))),
        ("relu", lambda a: np.maximum(a, 0)),
        ("abs", np.abs),
        ("neg", np.negative),
    ],
)
def test_unary(big, name, npf):
    a = big["b64"] if name not in ("log", "sqrt") else big["a64"]
    assert_close(getattr(T(a), name)(), npf(a), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    "op, npf",
    [
        ("__add__", np.add),
        ("__sub__", np.subtract),
        ("__mul__", np.multiply),
        ("__truediv__", np.true_divide),
        ("__pow__", np.power),
        ("__mod__", np.remainder),
        ("__floordiv__", np.floor_divide),
    ],
)
def test_binary_float32(big, op, npf):
    a, b = big["a32"], big["b32"]
    if op in ("__truediv__", "__mod__", "__floordiv__"):
        b = np.where(np.abs(b) < 0.1, np.float32(0.5), b)
    r = getattr(T(a), op)(T(b))
    assert r.shape == (N,)
    assert_close(r, npf(a, b), rtol=1e-5, atol=1e-5)


def test_comparison_and_count(big):
    a, b = big["a64"], big["b64"]
    m = T(a) > T(b)
    assert_equal(m, a > b, dtype=fg.bool)
    assert m.sum().item() == int((a > b).sum())


def test_int_ops(big):
    x = big["i64"]
    d = np.where(x == 0, 7, x)
    assert_equal(T(x) // 7, x // 7)
    assert_equal(T(x) % -7, x % -7)
    assert_equal(T(x) * T(d), x * d)
    assert_equal(T(x) & 0xF0, x & 0xF0)
    assert T(x).sum().item() == int(x.sum())


def test_broadcast_large():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((1001, 1))
    b = rng.standard_normal((1, 333))
    assert_close(T(a) * T(b), a * b, rtol=1e-12)
    assert_close(T(a) + T(b[0]), a + b[0], rtol=1e-12)


def test_strided_and_transposed_large(big):
    m = big["m64"]
    assert_close(T(m).T + 1.0, m.T + 1.0, rtol=1e-12)
    assert_close(T(m).T.exp(), np.exp(m.T), rtol=1e-12)
    assert_close(T(m)[::3, 1::2] * 2.0, m[::3, 1::2] * 2.0, rtol=1e-12)
    assert_close(T(m).T.reshape(-1), m.T.reshape(-1), rtol=0, atol=0)
    assert_close(T(m).T * T(m.T), m.T * m.T, rtol=1e-12)


@pytest.mark.parametrize("dim", [None, 0, 1, -1, (0, 1)])
def test_reductions(big, dim):
    m = big["m64"]
    if dim is None:
        assert T(m).sum().item() == pytest.approx(m.sum(), rel=1e-9, abs=1e-9)
        assert T(m).mean().item() == pytest.approx(m.mean(), rel=1e-9, abs=1e-12)
        assert T(m).max().item() == m.max()
        assert T(m).min().item() == m.min()
    else:
        assert_close(T(m).sum(dim=dim), m.sum(axis=dim), rtol=1e-9, atol=1e-9)
        assert_close(
            T(m).mean(dim=dim, keepdim=True), m.mean(axis=dim, keepdims=True), rtol=1e-9, atol=1e-12
        )


@pytest.mark.parametrize("dim", [0, 1])
def test_max_min_indices(big, dim):
    m = big["m64"]
    v, i = T(m).max(dim=dim)
    assert_equal(v, m.max(axis=dim))
    assert_equal(i, m.argmax(axis=dim))
    v, i = T(m).min(dim=dim)
    assert_equal(v, m.min(axis=dim))
    assert_equal(i, m.argmin(axis=dim))


def test_reduction_of_transposed(big):
    m = big["m64"]
    assert_close(T(m).T.sum(dim=1), m.T.sum(axis=1), rtol=1e-9, atol=1e-9)


def test_float32_sum_accuracy(big):
    a = big["a32"]
    exact = a.astype(np.float64).sum()
    assert T(a).sum().item() == pytest.approx(exact, rel=1e-5)


def test_matmul_large():
    rng = np.random.default_rng(5)
    a = rng.standard_normal((257, 190))
    b = rng.standard_normal((190, 263))
    assert_close(T(a) @ T(b), a @ b, rtol=1e-10, atol=1e-10)
    c = rng.standard_normal((3, 101, 130)).astype(np.float32)
    d = rng.standard_normal((130, 99)).astype(np.float32)
    assert_close(T(c) @ T(d), c @ d, rtol=1e-4, atol=1e-4)


def test_backward_large_broadcast():
    rng = np.random.default_rng(9)
    a = rng.standard_normal((1000, 1))
    b = rng.standard_normal((1, 400))
    x, y = t64(a), t64(b)
    ((x * y).tanh()).sum().backward()
    g = 1 - np.tanh(a * b) ** 2
    assert_close(x.grad, (g * b).sum(axis=1, keepdims=True), rtol=1e-9, atol=1e-9)
    assert_close(y.grad, (g * a).sum(axis=0, keepdims=True), rtol=1e-9, atol=1e-9)


def test_backward_large_matmul_and_index():
    rng = np.random.default_rng(11)
    a = rng.standard_normal((200, 300))
    w = rng.standard_normal((300, 150))
    x, W = t64(a), t64(w)
    out = (x[::2] @ W).relu()
    out.sum().backward()
    mask = (a[::2] @ w > 0).astype(np.float64)
    gx = np.zeros_like(a)
    gx[::2] = mask @ w.T
    assert_close(x.grad, gx, rtol=1e-9, atol=1e-9)
    assert_close(W.grad, a[::2].T @ mask, rtol=1e-9, atol=1e-9)


def test_inplace_large(big):
    a, b = big["a64"].copy(), big["b64"]
    x = T(a)
    ident = x
    x += T(b)
    x *= 2.0
    assert x is ident
    assert_close(x, (a + b) * 2.0, rtol=1e-12)
