"""Helpers shared by the test modules (imported as ``from helpers import ...``)."""

from __future__ import annotations

import re

import numpy as np

import ferrograd as fg

# ----------------------------------------------------------------------------- builders


def T(data, dtype=None, requires_grad=False):
    """A ferrograd tensor from a nested list, scalar or NumPy array (via tolist)."""
    if isinstance(data, np.ndarray):
        if dtype is None:
            dtype = np_to_fg(data.dtype)
        if data.size == 0:  # tolist() would lose the shape
            return fg.zeros(data.shape, dtype=dtype, requires_grad=requires_grad)
        data = data.tolist()
    return fg.tensor(data, dtype=dtype, requires_grad=requires_grad)


def t64(data, requires_grad=True):
    """A float64 tensor (requires grad by default): what gradcheck wants."""
    return T(np.asarray(data, dtype=np.float64), dtype=fg.float64, requires_grad=requires_grad)


def t32(data, requires_grad=False):
    return T(np.asarray(data, dtype=np.float32), dtype=fg.float32, requires_grad=requires_grad)


def to_np(t) -> np.ndarray:
    """NumPy copy of a tensor's values, whatever its requires_grad."""
    return np.array(t.detach().numpy(), copy=True)


# Pairs rather than dicts, so that these helpers do not depend on dtypes being hashable
# (that is tested on its own in test_dtypes.py).
DTYPE_PAIRS = [
    (np.float32, fg.float32),
    (np.float64, fg.float64),
    (np.int64, fg.int64),
    (np.int32, fg.int32),
    (np.bool_, fg.bool),
]


def np_to_fg(np_type):
    np_type = np.dtype(np_type).type
    for n, f in DTYPE_PAIRS:
        if n is np_type:
            return f
    raise KeyError(np_type)


def fg_to_np(dtype):
    for n, f in DTYPE_PAIRS:
        if f == dtype:
            return n
    raise KeyError(dtype)


# ----------------------------------------------------------------------------- asserts


def assert_close(actual, expected, rtol=1e-5, atol=1e-6, check_shape=True, dtype=None):
    """``actual`` is a ferrograd tensor; ``expected`` an array-like."""
    assert isinstance(actual, fg.Tensor), f"expected a Tensor, got {type(actual).__name__}"
    exp = np.asarray(expected)
    got = to_np(actual)
    if check_shape:
        assert tuple(actual.shape) == exp.shape, f"shape {tuple(actual.shape)} != {exp.shape}"
        assert got.shape == exp.shape, f"numpy() shape {got.shape} != {exp.shape}"
    if dtype is not None:
        assert actual.dtype == dtype, f"dtype {actual.dtype} != {dtype}"
    if exp.dtype == np.bool_ or got.dtype == np.bool_:
        np.testing.assert_array_equal(got, exp)
    else:
        np.testing.assert_allclose(
            got.astype(np.float64), exp.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True
        )


def assert_equal(actual, expected, dtype=None):
    assert isinstance(actual, fg.Tensor), f"expected a Tensor, got {type(actual).__name__}"
    exp = np.asarray(expected)
    assert tuple(actual.shape) == exp.shape, f"shape {tuple(actual.shape)} != {exp.shape}"
    if dtype is not None:
        assert actual.dtype == dtype, f"dtype {actual.dtype} != {dtype}"
    np.testing.assert_array_equal(to_np(actual), exp)


def shape_pattern(shape) -> str:
    """Regex matching a shape written as a tuple ``(2, 3)``/``(4,)`` or a list ``[2, 3]``."""
    inner = r",\s*".join(str(int(d)) for d in shape)
    return r"[\[(]\s*" + inner + r"\s*,?\s*[\])]"


def assert_names_shape(msg: str, shape):
    assert re.search(shape_pattern(shape), msg), f"shape {shape} not named in message: {msg!r}"


def reduce_to_shape(grad: np.ndarray, shape) -> np.ndarray:
    """Sum a broadcast gradient back to ``shape`` (what backward must do)."""
    shape = tuple(shape)
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for ax, d in enumerate(shape):
        if d == 1 and grad.shape[ax] != 1:
            grad = grad.sum(axis=ax, keepdims=True)
    return grad


# ----------------------------------------------------------------------------- GPU


def cupy_table_or_skip():
    """The CuPy kernel table, or a skip when there is no GPU with CuPy (the ``gpu`` tests)."""
    import pytest

    from ferrograd.cuda._cupy_backend import load

    table = load()
    if table is None:
        pytest.skip("no GPU with CuPy")
    return table
