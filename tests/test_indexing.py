"""Basic indexing: ints, slices (with steps), None and Ellipsis; values and gradients."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import ferrograd as fg
from helpers import T, assert_close, assert_equal, t64, to_np

A = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


INDICES = [
    np.s_[0],
    np.s_[1],
    np.s_[-1],
    np.s_[-2],
    np.s_[1, 2],
    np.s_[1, 2, 3],
    np.s_[-1, -1, -1],
    np.s_[0, -3],
    np.s_[:],
    np.s_[1:],
    np.s_[:1],
    np.s_[0:2],
    np.s_[-1:],
    np.s_[5:10],
    np.s_[1:1],
    np.s_[:, 1],
    np.s_[:, -1],
    np.s_[:, :, 2],
    np.s_[:, 1:3],
    np.s_[:, ::2],
    np.s_[:, :, ::3],
    np.s_[::2, ::2, ::2],
    np.s_[:, 1:, 1::2],
    np.s_[0, :, 1:3],
    np.s_[1, ::2, -1],
    np.s_[:, 0:3:2, 3:0:1],
    np.s_[None],
    np.s_[:, None],
    np.s_[None, None],
    np.s_[..., None],
    np.s_[None, ..., None],
    np.s_[0, None],
    np.s_[:, None, 1],
    np.s_[1, None, :, None, 2],
    np.s_[...],
    np.s_[..., 1],
    np.s_[0, ...],
    np.s_[..., 1:3],
    np.s_[0, ..., 2],
    np.s_[..., ::2, 1],
    np.s_[..., 0, :],
    np.s_[None, ..., 1, None],
    np.s_[1, 2, ...],
    np.s_[:, -2:],
    np.s_[-5:2],
    np.s_[:, :100],
    np.s_[::5],
    np.s_[:, ::10],
]


@pytest.mark.parametrize("idx", INDICES, ids=[repr(i) for i in INDICES])
def test_values_match_numpy(idx):
    expected = A[idx]
    r = T(A)[idx]
    assert isinstance(r, fg.Tensor)
    assert r.shape == expected.shape
    assert r.dtype == fg.float32
    np.testing.assert_array_equal(to_np(r), expected)


@pytest.mark.parametrize("idx", INDICES, ids=[repr(i) for i in INDICES])
def test_gradient_lands_in_place(idx):
    x = t64(A.astype(np.float64))
    w = np.random.default_rng(0).standard_normal(A[idx].shape)
    (x[idx] * t64(w, False)).sum().backward()
    expected = np.zeros_like(A, dtype=np.float64)
    expected[idx] = w
    assert x.grad.shape == A.shape
    assert_close(x.grad, expected, rtol=0, atol=0)


def test_index_int_tensor_values():
    x = fg.tensor([[1, 2, 3], [4, 5, 6]])
    assert x[1, 2].item() == 6
    assert x[1].tolist() == [4, 5, 6]
    assert x[:, 0].dtype == fg.int64


def test_index_bool_tensor_values():
    x = fg.tensor([True, False, True])
    assert x[1:].tolist() == [False, True]
    assert x[0].item() is True


def test_index_0d():
    t = fg.tensor(5.0)
    assert t[None].shape == (1,)
    assert t[...].shape == ()
    assert t[...].item() == 5.0


def test_chained_indexing_and_grad():
    x = t64(np.arange(12.0).reshape(3, 4))
    y = x[1:][:, ::2][0]  # row 1, columns 0 and 2
    assert y.tolist() == [4.0, 6.0]
    y.sum().backward()
    expected = np.zeros((3, 4))
    expected[1, [0, 2]] = 1.0
    assert_close(x.grad, expected)


def test_index_of_transposed():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert_equal(T(a).T[1], a.T[1])
    assert_equal(T(a).T[::2, 1:], a.T[::2, 1:])


def test_index_result_independent_of_later_inplace_on_result():
    # whatever the view semantics, ops on the indexed result give the right values
    x = fg.tensor([1.0, 2.0, 3.0, 4.0])
    y = x[1:3] * 10
    assert y.tolist() == [20.0, 30.0]


def test_len_and_iteration():
    x = fg.tensor([[1, 2], [3, 4], [5, 6]])
    assert len(x) == 3
    rows = [r.tolist() for r in x]
    assert rows == [[1, 2], [3, 4], [5, 6]]


def test_python_int_like_index():
    x = fg.tensor([10, 20, 30])
    assert x[np.int64(1)].item() == 20


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "idx",
    [
        np.s_[2],
        np.s_[-3],
        np.s_[0, 3],
        np.s_[0, -4],
        np.s_[0, 0, 4],
        np.s_[1, 2, -5],
        np.s_[..., 4],
        np.s_[None, 2],
    ],
)
def test_out_of_range_raises_index_error(idx):
    with pytest.raises(IndexError):
        T(A)[idx]


def test_too_many_indices_raises_index_error():
    with pytest.raises(IndexError):
        T(A)[0, 0, 0, 0]


def test_two_ellipses_each_stand_for_the_unindexed_dims():
    """Unlike NumPy, PyTorch takes several ``...``: each covers the dimensions the other items
    do not index (values recorded from PyTorch 2.15)."""
    assert T(A)[..., 0, ...].tolist() == [[0.0, 4.0, 8.0], [12.0, 16.0, 20.0]]
    assert T(A)[0, ..., ...].shape == (3, 4)
    assert T(A)[..., ...].shape == (2, 3, 4)


def test_index_0d_with_int_raises_index_error():
    with pytest.raises(IndexError):
        fg.tensor(5.0)[0]


def test_iteration_over_0d_raises_type_error():
    with pytest.raises(TypeError):
        iter(fg.tensor(5.0))
        list(fg.tensor(5.0))


@pytest.mark.parametrize("bad", ["a", 1.5, {}])
def test_bad_index_type_raises(bad):
    with pytest.raises((TypeError, IndexError)):
        T(A)[bad]


def test_negative_slice_step_raises_value_error():
    with pytest.raises(ValueError):
        T(A)[::-1]


# ----------------------------------------------------------------------------- hypothesis


@st.composite
def basic_index(draw):
    parts = []
    dims_left = 3
    used_ellipsis = False
    n = draw(st.integers(0, 4))
    for _ in range(n):
        kind = draw(st.sampled_from(["int", "slice", "none", "ellipsis"]))
        if kind in ("int", "slice") and dims_left == 0:
            kind = "none"
        if kind == "ellipsis" and used_ellipsis:
            kind = "none"
        if kind == "int":
            size = A.shape[3 - dims_left] if not used_ellipsis else 2
            parts.append(draw(st.integers(-size, size - 1)))
            dims_left -= 1
        elif kind == "slice":
            start = draw(st.none() | st.integers(-5, 5))
            stop = draw(st.none() | st.integers(-5, 5))
            step = draw(st.none() | st.integers(1, 3))
            parts.append(slice(start, stop, step))
            dims_left -= 1
        elif kind == "none":
            parts.append(None)
        else:
            parts.append(Ellipsis)
            used_ellipsis = True
    return tuple(parts)


@given(basic_index())
def test_hypothesis_indexing(idx):
    try:
        expected = A[idx]
    except IndexError:
        with pytest.raises(IndexError):
            T(A)[idx]
        return
    x = t64(A.astype(np.float64))
    r = x[idx]
    assert r.shape == expected.shape
    np.testing.assert_array_equal(to_np(r), expected)
    if r.numel() > 0:
        r.sum().backward()
        g = np.zeros(A.shape)
        g[idx] = 1.0
        np.testing.assert_array_equal(to_np(x.grad), g)
