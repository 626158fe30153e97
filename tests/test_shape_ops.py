"""Shape ops: reshape/view, transpose, permute, .T, unsqueeze, squeeze, expand, flatten."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import ferrograd as fg
from helpers import T, assert_close, assert_equal, t64, to_np

A = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


@pytest.mark.parametrize(
    "shape", [(24,), (4, 6), (2, 12), (3, 2, 4), (-1,), (4, -1), (2, -1, 3), (1, 24, 1), (2, 3, 4)]
)
def test_reshape_and_view(shape):
    expected = A.reshape(shape)
    for r in (
        T(A).reshape(*shape),
        T(A).reshape(shape),
        T(A).view(*shape),
        T(A).view(shape),
        fg.reshape(T(A), shape),
    ):
        assert r.shape == expected.shape
        assert_equal(r, expected)


def test_reshape_0d():
    assert fg.tensor([5.0]).reshape(()).shape == ()
    assert fg.tensor(5.0).reshape(1, 1).shape == (1, 1)
    assert fg.tensor(5.0).reshape(-1).shape == (1,)


def test_reshape_of_transposed_is_row_major():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert_equal(T(a).T.reshape(-1), a.T.reshape(-1))
    assert_equal(T(a).T.reshape(2, 6), a.T.reshape(2, 6))
    assert_equal(T(a)[:, ::2].reshape(-1), a[:, ::2].reshape(-1))
    assert_equal(T(A).permute(2, 0, 1).reshape(4, 6), A.transpose(2, 0, 1).reshape(4, 6))


@pytest.mark.parametrize("d0, d1", [(0, 1), (1, 0), (0, 2), (1, 2), (-1, 0), (-1, -2), (1, 1)])
def test_transpose(d0, d1):
    expected = np.swapaxes(A, d0, d1)
    assert_equal(T(A).transpose(d0, d1), expected)
    assert_equal(fg.transpose(T(A), d0, d1), expected)


@pytest.mark.parametrize("perm", [(0, 1, 2), (2, 0, 1), (1, 2, 0), (2, 1, 0), (-1, 0, 1)])
def test_permute(perm):
    expected = np.transpose(A, perm)
    assert_equal(T(A).permute(*perm), expected)
    assert_equal(T(A).permute(perm), expected)
    assert_equal(fg.permute(T(A), perm), expected)


def test_T():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    assert_equal(T(a).T, a.T)
    assert_equal(T(a).T.T, a)
    v = fg.tensor([1.0, 2.0])
    assert v.T.shape == (2,)
    assert fg.tensor(2.0).T.shape == ()


def test_elementwise_on_transposed_views():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.arange(6, dtype=np.float32).reshape(3, 2) * 10
    assert_equal(T(a).T + T(b), a.T + b)
    assert_close(T(a).T.exp(), np.exp(a.T), rtol=1e-6)
    assert_equal(T(a).T.sum(0), a.T.sum(0))
    assert_equal((T(a).T * 2)[1], (a.T * 2)[1])


@pytest.mark.parametrize("dim", [0, 1, 2, 3, -1, -2, -4])
def test_unsqueeze(dim):
    expected = np.expand_dims(A, dim)
    assert_equal(T(A).unsqueeze(dim), expected)
    assert_equal(fg.unsqueeze(T(A), dim), expected)


def test_squeeze():
    a = np.zeros((1, 3, 1, 2), dtype=np.float32)
    assert T(a).squeeze().shape == (3, 2)
    assert T(a).squeeze(0).shape == (3, 1, 2)
    assert T(a).squeeze(2).shape == (1, 3, 2)
    assert T(a).squeeze(-2).shape == (1, 3, 2)
    assert T(a).squeeze(1).shape == (1, 3, 1, 2)  # size != 1: no-op, as in PyTorch
    assert fg.squeeze(T(a)).shape == (3, 2)
    assert fg.ones(1, 1).squeeze().shape == ()


def test_squeeze_values():
    a = np.arange(6, dtype=np.float32).reshape(1, 2, 1, 3)
    assert_equal(T(a).squeeze(), a.squeeze())


@pytest.mark.parametrize(
    "src, target",
    [
        ((3, 1), (3, 4)),
        ((3, 1), (-1, 4)),
        ((1,), (5,)),
        ((4,), (2, 3, 4)),
        ((1, 4), (2, 3, 4)),
        ((2, 1, 1), (2, 3, 4)),
        ((3, 4), (3, 4)),
        ((), (2, 2)),
    ],
)
def test_expand(src, target):
    a = np.arange(int(np.prod(src)), dtype=np.float32).reshape(src)
    tgt = tuple(
        s if t == -1 else t
        for s, t in zip((None,) * (len(target) - len(src)) + src, target, strict=True)
    )
    expected = np.broadcast_to(a, tgt)
    assert_equal(T(a).expand(*target), expected)
    assert_equal(T(a).expand(target), expected)


def test_expand_then_compute():
    a = T(np.array([[1.0], [2.0]], dtype=np.float32))
    e = a.expand(2, 3)
    assert_equal(e * fg.tensor([1.0, 2.0, 3.0]), [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]])
    assert_equal(e.reshape(-1), [1.0, 1.0, 1.0, 2.0, 2.0, 2.0])


@pytest.mark.parametrize(
    "args, expected_shape",
    [
        ((), (24,)),
        ((0,), (24,)),
        ((1,), (2, 12)),
        ((0, 1), (6, 4)),
        ((1, 2), (2, 12)),
        ((-2, -1), (2, 12)),
        ((2,), (2, 3, 4)),
        ((0, -1), (24,)),
    ],
)
def test_flatten(args, expected_shape):
    r = T(A).flatten(*args)
    assert r.shape == expected_shape
    assert_equal(r, A.reshape(expected_shape))
    assert_equal(fg.flatten(T(A), *args), A.reshape(expected_shape))


def test_flatten_0d():
    assert fg.tensor(3.0).flatten().shape == (1,)


def test_flatten_kwargs():
    assert T(A).flatten(start_dim=1).shape == (2, 12)
    assert T(A).flatten(start_dim=0, end_dim=1).shape == (6, 4)


def test_shape_ops_keep_dtype():
    x = fg.tensor([[1, 2], [3, 4]])
    for r in (
        x.T,
        x.reshape(4),
        x.unsqueeze(0),
        x.flatten(),
        x.permute(1, 0),
        x.expand(2, 2),
        x.transpose(0, 1),
        x.view(-1),
    ):
        assert r.dtype == fg.int64


def test_shape_ops_do_not_modify_source():
    x = T(A)
    x.reshape(6, 4)
    x.transpose(0, 2)
    x.permute(2, 1, 0)
    x.unsqueeze(1)
    x.flatten()
    assert x.shape == (2, 3, 4)
    assert_equal(x, A)


# ----------------------------------------------------------------------------- gradients


def test_shape_chain_gradient():
    a = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    x = t64(a)
    w = np.random.default_rng(1).standard_normal((4, 6, 1, 1))
    y = x.permute(2, 0, 1).reshape(4, 6).unsqueeze(-1).unsqueeze(-1)
    assert y.shape == (4, 6, 1, 1)
    (y * t64(w, False)).sum().backward()
    expected = w.reshape(4, 6).reshape(4, 2, 3).transpose(1, 2, 0)
    assert_close(x.grad, expected, rtol=1e-12)


def test_expand_gradient_through_transpose():
    x = t64([[1.0, 2.0, 3.0]])
    y = x.expand(2, 3).T  # (3, 2)
    (y * t64([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], False)).sum().backward()
    assert_close(x.grad, [[3.0, 7.0, 11.0]])


@given(data=st.data())
def test_hypothesis_reshape_permute(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4))
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    perm = data.draw(st.permutations(range(len(shape))))
    x = t64(a)
    y = x.permute(*perm)
    np.testing.assert_array_equal(to_np(y), a.transpose(perm))
    flat = y.reshape(-1)
    np.testing.assert_array_equal(to_np(flat), a.transpose(perm).reshape(-1))
    w = np.arange(flat.numel(), dtype=np.float64)
    (flat * t64(w, False)).sum().backward()
    inv = np.argsort(perm)
    expected = w.reshape(a.transpose(perm).shape).transpose(inv)
    np.testing.assert_array_equal(to_np(x.grad), expected)


@pytest.mark.parametrize(
    ("call", "shape"),
    [
        (lambda x: x.reshape(shape=(4,)), (4,)),
        (lambda x: x.view(size=(1, 4)), (1, 4)),
        (lambda x: x.permute(dims=(1, 0)), (2, 2)),
        (lambda x: x.expand(size=(3, 2, 2)), (3, 2, 2)),
        (lambda x: x.flip(dims=(0,)), (2, 2)),
        (lambda x: x.repeat(repeats=(1, 2)), (2, 4)),
        (lambda x: x.tile(dims=(2,)), (2, 4)),
        (lambda x: fg.reshape(x, shape=(4,)), (4,)),
        (lambda x: fg.permute(x, dims=(1, 0)), (2, 2)),
        (lambda x: fg.flip(x, dims=[0]), (2, 2)),
        (lambda x: fg.tile(x, dims=(1, 2)), (2, 4)),
    ],
)
def test_sizes_taken_as_pytorchs_keyword(call, shape):
    # PyTorch's parser takes the sizes of `f(*sizes)` methods as one keyword too
    x = fg.arange(4.0).reshape(2, 2)
    assert call(x).shape == shape


def test_sizes_keyword_checks_as_pytorch():
    x = fg.arange(4.0)
    assert fg.flip(x, dims=[0]).tolist() == [3.0, 2.0, 1.0, 0.0]
    with pytest.raises(TypeError, match="unexpected keyword argument 'sizes'"):
        x.reshape(sizes=(4,))
    with pytest.raises(TypeError, match="multiple values for argument 'shape'"):
        x.reshape(4, shape=(4,))
