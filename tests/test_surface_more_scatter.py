"""Writing at computed places (``ferrograd._ops_scatter``): ``scatter`` (tensor, value,
``reduce=``), ``scatter_reduce`` (every reduction, ``include_self``), ``index_put`` (with
``accumulate``), ``index_fill``/``index_copy``/``index_reduce``, ``masked_scatter``,
``take``/``put`` and ``slice_scatter``/``select_scatter``/``diagonal_scatter``, in-place forms
included. Values and errors recorded from PyTorch (see more_cases.py); gradients against finite
differences, and the tie and zero gradients PyTorch defines for ``amax`` and ``prod``."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
from more_cases import assert_matches, check_error, check_forward, check_grads


def f32(m, values):
    return m.tensor(np.asarray(values, dtype=np.float32))


def f64(m, values):
    return m.tensor(np.asarray(values, dtype=np.float64), dtype=m.float64)


def ints(m, values):
    return m.tensor(np.asarray(values, dtype=np.int64))


IDX = [[0, 1, 2, 0], [2, 0, 0, 1]]
SRC = np.arange(1.0, 9.0).reshape(2, 4)
BASE = [1.0, 2.0, 3.0, 4.0]
TARGETS = [0, 1, 0, 1, 2, 0]
VALUES = [5.0, -1.0, 2.0, 7.0, 0.5, 3.0]


def _reduce(reduction, include_self):
    return lambda m: m.scatter_reduce(
        f32(m, BASE), 0, ints(m, TARGETS), f32(m, VALUES), reduction, include_self=include_self
    )


CASES = {
    "scatter": lambda m: m.scatter(m.zeros(3, 4), 0, ints(m, IDX), f32(m, SRC)),
    "scatter_dim1": lambda m: m.zeros(2, 5).scatter(1, ints(m, [[4, 0], [1, 2]]), f32(m, SRC)),
    "scatter_duplicates": lambda m: m.scatter(m.zeros(3), 0, ints(m, [1, 1, 1]), f32(m, [1, 2, 3])),
    "scatter_value": lambda m: m.zeros(3, 4).scatter(1, ints(m, IDX), 7.5),
    "scatter_value_keyword": lambda m: m.scatter(m.zeros(3, 4), 1, ints(m, IDX), value=-2.0),
    "scatter_larger_src": lambda m: m.scatter(m.zeros(3, 4), 0, ints(m, [[1, 2]]), f32(m, SRC)),
    "scatter_int32_index": lambda m: m.scatter(
        m.zeros(3, 4), 0, m.tensor(IDX, dtype=m.int32), f32(m, SRC)
    ),
    "scatter_int": lambda m: m.scatter(ints(m, [0, 0, 0]), 0, ints(m, [2, 0]), ints(m, [5, 6])),
    "scatter_add_reduce": lambda m: m.scatter(
        m.ones(3), 0, ints(m, [1, 1, 0]), f32(m, [1, 2, 3]), reduce="add"
    ),
    "scatter_multiply_reduce": lambda m: m.scatter(
        m.full((3,), 2.0), 0, ints(m, [1, 1, 0]), f32(m, [1, 2, 3]), reduce="multiply"
    ),
    "scatter_value_multiply": lambda m: m.scatter(
        m.ones(3), 0, ints(m, [1, 1, 0]), 2.0, reduce="multiply"
    ),
    "scatter_inplace": lambda m: m.zeros(3, 4).scatter_(0, ints(m, IDX), f32(m, SRC)),
    **{
        f"scatter_reduce_{r}_{inc}": _reduce(r, inc)
        for r in ("sum", "prod", "mean", "amax", "amin")
        for inc in (True, False)
    },
    "scatter_reduce_mean_int": lambda m: m.scatter_reduce(
        ints(m, [1, 2, 3, 4]), 0, ints(m, TARGETS), ints(m, [5, -1, 2, 7, 0, 3]), "mean"
    ),
    "scatter_reduce_amax_int": lambda m: ints(m, [1, 2, 3, 4]).scatter_reduce(
        0, ints(m, TARGETS), ints(m, [5, -1, 2, 7, 0, 3]), "amax", include_self=False
    ),
    "scatter_reduce_2d": lambda m: m.scatter_reduce(
        m.ones(2, 3), 1, ints(m, [[0, 0], [2, 2]]), f32(m, [[2, 3], [4, 5]]), "prod"
    ),
    "scatter_reduce_inplace": lambda m: f32(m, BASE).scatter_reduce_(
        0, ints(m, TARGETS), f32(m, VALUES), "amin"
    ),
    "index_put": lambda m: m.zeros(3, 3).index_put_(
        (ints(m, [0, 2, 0]), ints(m, [1, 1, 1])), f32(m, [1, 2, 3])
    ),
    "index_put_accumulate": lambda m: m.zeros(3, 3).index_put_(
        (ints(m, [0, 2, 0]), ints(m, [1, 1, 1])), f32(m, [1, 2, 3]), accumulate=True
    ),
    "index_put_mask": lambda m: m.index_put(
        m.zeros(3), (m.tensor([True, False, True]),), m.tensor(5.0)
    ),
    "index_put_list_rows": lambda m: m.zeros(3, 2).index_put([ints(m, [2])], f32(m, [1.0, 2.0])),
    "torch_index_put_": lambda m: m.index_put_(m.zeros(4), (ints(m, [3, -1]),), f32(m, [1, 2])),
    "index_fill": lambda m: m.zeros(3, 4).index_fill(1, ints(m, [0, 2]), -1.5),
    "index_fill_tensor_value": lambda m: m.zeros(3, 4).index_fill(0, ints(m, [2]), f32(m, 3.0)),
    "index_fill_negative": lambda m: m.index_fill(m.zeros(3, 4), 0, ints(m, [-1]), 1.0),
    "index_fill_int": lambda m: ints(m, [0, 0, 0]).index_fill(0, ints(m, [1]), 1.7),
    "index_fill_inplace": lambda m: m.zeros(2, 2).index_fill_(1, ints(m, [1]), 4.0),
    "index_copy": lambda m: m.index_copy(
        m.zeros(3, 2), 0, ints(m, [2, 0]), f32(m, [[1.0, 2.0], [3.0, 4.0]])
    ),
    "index_copy_dim1": lambda m: m.zeros(2, 3).index_copy_(1, ints(m, [1]), f32(m, [[5.0], [6.0]])),
    "index_reduce_prod": lambda m: m.ones(3, 2).index_reduce(
        0, ints(m, [2, 0, 2]), f32(m, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), "prod"
    ),
    "index_reduce_mean_noself": lambda m: m.ones(3, 2).index_reduce(
        0,
        ints(m, [2, 0, 2]),
        f32(m, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
        "mean",
        include_self=False,
    ),
    "index_reduce_amax": lambda m: m.index_reduce(
        m.ones(2, 3), 1, ints(m, [0, 0]), f32(m, [[0.5, 3.0], [4.0, -1.0]]), "amax"
    ),
    "masked_scatter": lambda m: m.zeros(2, 3).masked_scatter(
        m.tensor([[True, False, True], [False, True, False]]), m.arange(1.0, 10.0)
    ),
    "masked_scatter_broadcast": lambda m: m.masked_scatter(
        m.zeros(2, 3), m.tensor([True, False, True]), m.arange(1.0, 10.0).reshape(3, 3)
    ),
    "masked_scatter_inplace": lambda m: ints(m, [1, 2, 3]).masked_scatter_(
        m.tensor([False, True, True]), ints(m, [7, 8])
    ),
    "take": lambda m: m.take(m.arange(6.0).reshape(2, 3), ints(m, [[0, 5], [-1, 2]])),
    "take_method": lambda m: ints(m, [[4, 5], [6, 7]]).take(ints(m, [3, 0])),
    "put_accumulate": lambda m: (
        m.arange(6.0)
        .reshape(2, 3)
        .put(ints(m, [0, 5, 0]), f32(m, [10.0, 11.0, 12.0]), accumulate=True)
    ),
    "put_inplace": lambda m: m.arange(6.0).reshape(2, 3).put_(ints(m, [0, -1]), f32(m, [10, 11])),
    "slice_scatter": lambda m: m.slice_scatter(m.zeros(4, 3), m.ones(2, 3), 0, 1, 4, 2),
    "slice_scatter_dim1": lambda m: m.slice_scatter(m.zeros(4, 3), m.ones(4, 1), dim=1, start=-1),
    "slice_scatter_default": lambda m: m.zeros(2, 2).slice_scatter(m.ones(2, 2)),
    "select_scatter": lambda m: m.select_scatter(m.zeros(2, 3), m.ones(3), 0, -1),
    "select_scatter_dim1": lambda m: m.zeros(2, 3).select_scatter(f32(m, [4.0, 5.0]), 1, 1),
    "diagonal_scatter": lambda m: m.diagonal_scatter(m.zeros(3, 3), m.ones(2), 1),
    "diagonal_scatter_3d": lambda m: m.zeros(2, 2, 3).diagonal_scatter(
        f32(m, [[1.0, 2.0], [3.0, 4.0]]), 0, 1, 2
    ),
    "as_strided_scatter": lambda m: m.as_strided_scatter(m.zeros(6), m.ones(2, 2), (2, 2), (1, 2)),
    "as_strided_scatter_offset": lambda m: m.as_strided_scatter(
        m.zeros(3, 3), m.arange(4.0).reshape(2, 2), (2, 2), (3, 1), 1
    ),
    "take_out": lambda m: m.take(f32(m, [1.0, 2.0]), ints(m, [1]), out=m.zeros(0)),
}

EXPECTED = {
    "scatter": ("float32", [[1.0, 6.0, 7.0, 4.0], [0.0, 2.0, 0.0, 8.0], [5.0, 0.0, 3.0, 0.0]]),
    "scatter_dim1": ("float32", [[2.0, 0.0, 0.0, 0.0, 1.0], [0.0, 5.0, 6.0, 0.0, 0.0]]),
    "scatter_duplicates": ("float32", [0.0, 3.0, 0.0]),
    "scatter_value": (
        "float32",
        [[7.5, 7.5, 7.5, 0.0], [7.5, 7.5, 7.5, 0.0], [0.0, 0.0, 0.0, 0.0]],
    ),
    "scatter_value_keyword": (
        "float32",
        [[-2.0, -2.0, -2.0, 0.0], [-2.0, -2.0, -2.0, 0.0], [0.0, 0.0, 0.0, 0.0]],
    ),
    "scatter_larger_src": (
        "float32",
        [[0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 2.0, 0.0, 0.0]],
    ),
    "scatter_int32_index": (
        "float32",
        [[1.0, 6.0, 7.0, 4.0], [0.0, 2.0, 0.0, 8.0], [5.0, 0.0, 3.0, 0.0]],
    ),
    "scatter_int": ("int64", [6, 0, 5]),
    "scatter_add_reduce": ("float32", [4.0, 4.0, 1.0]),
    "scatter_multiply_reduce": ("float32", [6.0, 4.0, 2.0]),
    "scatter_value_multiply": ("float32", [2.0, 4.0, 1.0]),
    "scatter_inplace": (
        "float32",
        [[1.0, 6.0, 7.0, 4.0], [0.0, 2.0, 0.0, 8.0], [5.0, 0.0, 3.0, 0.0]],
    ),
    "scatter_reduce_sum_True": ("float32", [11.0, 8.0, 3.5, 4.0]),
    "scatter_reduce_sum_False": ("float32", [10.0, 6.0, 0.5, 4.0]),
    "scatter_reduce_prod_True": ("float32", [30.0, -14.0, 1.5, 4.0]),
    "scatter_reduce_prod_False": ("float32", [30.0, -7.0, 0.5, 4.0]),
    "scatter_reduce_mean_True": ("float32", [2.75, 2.6666667, 1.75, 4.0]),
    "scatter_reduce_mean_False": ("float32", [3.3333333, 3.0, 0.5, 4.0]),
    "scatter_reduce_amax_True": ("float32", [5.0, 7.0, 3.0, 4.0]),
    "scatter_reduce_amax_False": ("float32", [5.0, 7.0, 0.5, 4.0]),
    "scatter_reduce_amin_True": ("float32", [1.0, -1.0, 0.5, 4.0]),
    "scatter_reduce_amin_False": ("float32", [2.0, -1.0, 0.5, 4.0]),
    "scatter_reduce_mean_int": ("int64", [2, 2, 1, 4]),
    "scatter_reduce_amax_int": ("int64", [5, 7, 0, 4]),
    "scatter_reduce_2d": ("float32", [[6.0, 1.0, 1.0], [1.0, 1.0, 20.0]]),
    "scatter_reduce_inplace": ("float32", [1.0, -1.0, 0.5, 4.0]),
    "index_put": ("float32", [[0.0, 3.0, 0.0], [0.0, 0.0, 0.0], [0.0, 2.0, 0.0]]),
    "index_put_accumulate": ("float32", [[0.0, 4.0, 0.0], [0.0, 0.0, 0.0], [0.0, 2.0, 0.0]]),
    "index_put_mask": ("float32", [5.0, 0.0, 5.0]),
    "index_put_list_rows": ("float32", [[0.0, 0.0], [0.0, 0.0], [1.0, 2.0]]),
    "torch_index_put_": ("float32", [0.0, 0.0, 0.0, 2.0]),
    "index_fill": (
        "float32",
        [[-1.5, 0.0, -1.5, 0.0], [-1.5, 0.0, -1.5, 0.0], [-1.5, 0.0, -1.5, 0.0]],
    ),
    "index_fill_tensor_value": (
        "float32",
        [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [3.0, 3.0, 3.0, 3.0]],
    ),
    "index_fill_negative": (
        "float32",
        [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]],
    ),
    "index_fill_int": ("int64", [0, 1, 0]),
    "index_fill_inplace": ("float32", [[0.0, 4.0], [0.0, 4.0]]),
    "index_copy": ("float32", [[3.0, 4.0], [0.0, 0.0], [1.0, 2.0]]),
    "index_copy_dim1": ("float32", [[0.0, 5.0, 0.0], [0.0, 6.0, 0.0]]),
    "index_reduce_prod": ("float32", [[3.0, 4.0], [1.0, 1.0], [5.0, 12.0]]),
    "index_reduce_mean_noself": ("float32", [[3.0, 4.0], [1.0, 1.0], [3.0, 4.0]]),
    "index_reduce_amax": ("float32", [[3.0, 1.0, 1.0], [4.0, 1.0, 1.0]]),
    "masked_scatter": ("float32", [[1.0, 0.0, 2.0], [0.0, 3.0, 0.0]]),
    "masked_scatter_broadcast": ("float32", [[1.0, 0.0, 2.0], [3.0, 0.0, 4.0]]),
    "masked_scatter_inplace": ("int64", [1, 7, 8]),
    "take": ("float32", [[0.0, 5.0], [5.0, 2.0]]),
    "take_method": ("int64", [7, 4]),
    "put_accumulate": ("float32", [[22.0, 1.0, 2.0], [3.0, 4.0, 16.0]]),
    "put_inplace": ("float32", [[10.0, 1.0, 2.0], [3.0, 4.0, 11.0]]),
    "slice_scatter": (
        "float32",
        [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]],
    ),
    "slice_scatter_dim1": (
        "float32",
        [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0]],
    ),
    "slice_scatter_default": ("float32", [[1.0, 1.0], [1.0, 1.0]]),
    "select_scatter": ("float32", [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]),
    "select_scatter_dim1": ("float32", [[0.0, 4.0, 0.0], [0.0, 5.0, 0.0]]),
    "diagonal_scatter": ("float32", [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]),
    "diagonal_scatter_3d": (
        "float32",
        [[[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]], [[3.0, 0.0, 0.0], [0.0, 4.0, 0.0]]],
    ),
    "as_strided_scatter": ("float32", [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]),
    "as_strided_scatter_offset": ("float32", [[0.0, 0.0, 1.0], [0.0, 2.0, 3.0], [0.0, 0.0, 0.0]]),
    "take_out": ("float32", [2.0]),
}

ERRORS = {
    "scatter_out_of_range": (
        lambda m: m.scatter(m.zeros(3, 4), 0, ints(m, [[5]]), f32(m, SRC)),
        "RuntimeError",
        "index 5 is out of bounds for dimension 0 with size 3",
    ),
    "scatter_negative": (
        lambda m: m.scatter(m.zeros(3, 4), 0, ints(m, [[-1]]), f32(m, SRC)),
        "RuntimeError",
        "index -1 is out of bounds for dimension 0 with size 3",
    ),
    "scatter_dtype": (
        lambda m: m.scatter(m.zeros(3, 4), 0, ints(m, IDX), f64(m, SRC)),
        "RuntimeError",
        r"scatter\(\): Expected self.dtype to be equal to src.dtype",
    ),
    "scatter_float_index": (
        lambda m: m.scatter(m.zeros(3, 4), 0, f32(m, IDX), f32(m, SRC)),
        "RuntimeError",
        r"scatter\(\): Expected dtype int32/int64 for index",
    ),
    "scatter_index_rank": (
        lambda m: m.scatter(m.zeros(3, 4), 0, ints(m, [0]), f32(m, SRC)),
        "RuntimeError",
        "Index tensor must have the same number of dimensions as self tensor",
    ),
    "scatter_index_too_big": (
        lambda m: m.scatter(m.zeros(3, 4), 0, m.zeros(3, 5, dtype=m.int64), f32(m, SRC)),
        "RuntimeError",
        r"Expected index \[3, 5\] to be no larger than self \[3, 4\] apart from dimension 0 "
        r"and to be no larger size than src \[2, 4\]",
    ),
    "scatter_reduce_argument": (
        lambda m: m.scatter(m.ones(3), 0, ints(m, [1]), f32(m, [1.0]), reduce="sum"),
        "RuntimeError",
        "reduce argument must be either add or multiply",
    ),
    "index_put_dtype": (
        lambda m: m.zeros(3).index_put_((ints(m, [1]),), f64(m, 5.0)),
        "RuntimeError",
        "Index put requires the source and destination dtypes match, got Float for the "
        "destination and Double for the source",
    ),
    "index_put_not_tuple": (
        lambda m: m.zeros(3).index_put_(ints(m, [1]), f32(m, 5.0)),
        "TypeError",
        r"index_put_\(\): argument 'indices' \(position 1\) must be tuple of Tensors, not Tensor",
    ),
    "index_fill_value_1d": (
        lambda m: m.zeros(3, 4).index_fill(0, ints(m, [2]), f32(m, [3.0])),
        "RuntimeError",
        "index_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dim",
    ),
    "index_fill_out_of_range": (
        lambda m: m.zeros(3, 4).index_fill(0, ints(m, [3]), 1.0),
        "IndexError",
        "index 3 is out of bounds for dimension 0 with size 3",
    ),
    "index_copy_count": (
        lambda m: m.zeros(3, 2).index_copy(0, ints(m, [2, 0]), f32(m, [[1.0, 2.0]])),
        "IndexError",
        r"index_copy_\(\): Number of indices \(2\) should be equal to source.size\(dim\) \(1\)",
    ),
    "index_copy_negative": (
        lambda m: m.zeros(3, 2).index_copy(0, ints(m, [-1]), f32(m, [[1.0, 2.0]])),
        "IndexError",
        r"index_copy_\(\): index -1 is out of bounds for dimension 0 with size 3",
    ),
    "index_reduce_sum": (
        lambda m: m.ones(3, 2).index_reduce(0, ints(m, [0]), f32(m, [[1.0, 2.0]]), "sum"),
        "RuntimeError",
        r"index_reduce\(\): Expected reduce to be one of prod, mean, amax or amin but got sum",
    ),
    "masked_scatter_short": (
        lambda m: m.zeros(2, 3).masked_scatter(m.tensor([True, False, True]), f32(m, [1.0, 2.0])),
        "RuntimeError",
        "Number of elements of source < number of ones in mask",
    ),
    "masked_scatter_mask_dtype": (
        lambda m: m.zeros(2, 3).masked_scatter(ints(m, [1, 0, 1]), f32(m, [1.0, 2.0])),
        "RuntimeError",
        "masked_scatter_ only supports boolean masks, but got mask with dtype Long",
    ),
    "masked_scatter_dtype": (
        lambda m: m.zeros(2, 3).masked_scatter(m.tensor([True, False, True]), m.arange(1, 10)),
        "RuntimeError",
        "masked_scatter: expected self and source to have same dtypes but gotFloat and Long",
    ),
    "take_out_of_range": (
        lambda m: m.take(m.arange(6.0).reshape(2, 3), ints(m, [6])),
        "IndexError",
        "out of range: tried to access index 6 on a tensor of 6 elements",
    ),
    "put_sizes": (
        lambda m: m.arange(6.0).put_(ints(m, [0, -1]), f32(m, [10.0])),
        "IndexError",
        r"put_\(\): Expected source and index to have the same number of elements, but got "
        r"source.numel\(\) = 1, index.numel\(\) = 2",
    ),
    "slice_scatter_shape": (
        lambda m: m.slice_scatter(m.zeros(4, 3), m.ones(3, 3), 0, 1, 4, 2),
        "RuntimeError",
        r"expected src to have a size equal to the slice of self. src size = \[3, 3\], slice "
        r"size = \[2, 3\]",
    ),
    "select_scatter_shape": (
        lambda m: m.select_scatter(m.zeros(2, 3), m.ones(2), 0, 0),
        "RuntimeError",
        r"src size = \[2\], slice size = \[3\]",
    ),
    "diagonal_scatter_shape": (
        lambda m: m.diagonal_scatter(m.zeros(3, 3), m.ones(3), 1),
        "RuntimeError",
        r"src size = \[3\], slice size = \[2\]",
    ),
}

RNG = np.random.default_rng(11)
X34 = RNG.uniform(-1, 1, (3, 4))
S24 = RNG.uniform(-1, 1, (2, 4))
B4 = RNG.uniform(0.5, 1.5, 4)
V6 = RNG.uniform(0.5, 1.5, 6)
T6 = fg.tensor(TARGETS)


def _scatter_reduce(reduction, include_self=True):
    return lambda x, s: fg.scatter_reduce(x, 0, T6, s, reduction, include_self=include_self)


GRADS = {
    "scatter": (lambda x, s: fg.scatter(x, 0, fg.tensor(IDX), s), [X34, S24]),
    "scatter_value": (lambda x: x.scatter(1, fg.tensor(IDX), 2.0), [X34]),
    "scatter_add_reduce": (
        lambda x, s: x.scatter(0, fg.tensor(IDX), s, reduce="add"),
        [X34, S24],
    ),
    **{
        f"scatter_reduce_{r}_{inc}": (_scatter_reduce(r, inc), [B4, V6])
        for r in ("sum", "prod", "mean", "amax", "amin")
        for inc in (True, False)
    },
    "index_put": (
        lambda x, v: x.index_put((fg.tensor([0, 2]), fg.tensor([1, 3])), v),
        [X34, B4[:2]],
    ),
    "index_put_accumulate": (
        lambda x, v: fg.index_put(x, (fg.tensor([0, 0]), fg.tensor([1, 1])), v, accumulate=True),
        [X34, B4[:2]],
    ),
    "index_fill": (lambda x, v: x.index_fill(1, fg.tensor([0, 3]), v[0]), [X34, B4[:1]]),
    "index_copy": (lambda x, s: fg.index_copy(x, 0, fg.tensor([2, 0]), s), [X34, S24]),
    "index_reduce_prod": (
        lambda x, s: x.index_reduce(0, fg.tensor([2, 2]), s, "prod"),
        [X34, S24],
    ),
    "index_reduce_amin": (
        lambda x, s: x.index_reduce(0, fg.tensor([1, 0]), s, "amin", include_self=False),
        [X34, S24],
    ),
    "masked_scatter": (
        lambda x, s: x.masked_scatter(fg.tensor([True, False, True, False]), s),
        [X34, S24],
    ),
    "take": (lambda x: fg.take(x, fg.tensor([[0, 11], [-2, 5]])), [X34]),
    "put_accumulate": (
        lambda x, s: x.put(fg.tensor([0, 5, 0]), s[0, :3], accumulate=True),
        [X34, S24],
    ),
    "slice_scatter": (lambda x, s: fg.slice_scatter(x, s, 0, 0, 3, 2), [X34, S24]),
    "select_scatter": (lambda x, s: fg.select_scatter(x, s[0], 0, 1), [X34, S24]),
    "diagonal_scatter": (lambda x, s: fg.diagonal_scatter(x, s[0, :3], 1), [X34, S24]),
    "as_strided_scatter": (
        lambda x, s: fg.as_strided_scatter(x, s[:, :2], (2, 2), (4, 1), 1),
        [X34, S24],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_value_matches_pytorch(name):
    assert_matches(CASES[name](fg), EXPECTED[name], name)


def test_every_case_has_a_recorded_value():
    assert set(CASES) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_matches_pytorch(name):
    check_error(*ERRORS[name])


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradients(name):
    check_grads(*GRADS[name])


@pytest.mark.parametrize("name", sorted(GRADS))
def test_forward_mode(name):
    check_forward(*GRADS[name])


def _reduce_grads(reduction, base, values, targets):
    x = fg.tensor(base, requires_grad=True)
    s = fg.tensor(values, requires_grad=True)
    out = fg.scatter_reduce(x, 0, fg.tensor(targets), s, reduction)
    out.sum().backward()
    return x.grad.tolist(), s.grad.tolist()


def test_amax_shares_the_gradient_among_ties_as_pytorch():
    # PyTorch 2.15: x.grad [0, 0, 1, 0.5], src.grad [0.5, 0, 0, 1, 0.5, 0.5]
    assert _reduce_grads(
        "amax", [1.0, 2.0, 3.0, 4.0], [5.0, -1.0, 2.0, 7.0, 4.0, 5.0], [0, 1, 0, 1, 3, 0]
    ) == ([0.0, 0.0, 1.0, 0.5], [0.5, 0.0, 0.0, 1.0, 0.5, 0.5])


def test_prod_gradient_is_exact_with_zeros_as_pytorch():
    # PyTorch 2.15: x.grad [10, 0, 5, 4], src.grad [2, 14, 5, 0, 4, 0]
    assert _reduce_grads(
        "prod", [1.0, 2.0, 0.0, 4.0], [5.0, 0.0, 2.0, 7.0, 4.0, 5.0], [0, 1, 0, 1, 3, 2]
    ) == ([10.0, 0.0, 5.0, 4.0], [2.0, 14.0, 5.0, 0.0, 4.0, 0.0])


def test_out_of_another_shape_is_resized_with_pytorchs_warning():
    out = fg.zeros(3)
    with pytest.warns(UserWarning, match=r"had shape \[3\], which does not match the required"):
        result = fg.take(fg.tensor([1.0, 2.0]), fg.tensor([1]), out=out)
    assert result is out
    assert out.tolist() == [2.0]
