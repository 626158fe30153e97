"""Indexing that mixes advanced indices (integer/boolean tensors, lists, ranges, arrays, bools)
with ints, slices, None and ``...``, read as PyTorch reads it, and assignment through such an
index. Every expected value, shape, exception class and message was recorded from PyTorch 2.15
(this file does not import torch): each case string was evaluated with ``m = torch`` and
``x = m.arange(24.).reshape(2, 3, 4)``, and is evaluated here with ``m = ferrograd``. Gradients
are checked against finite differences (gradcheck, gradgradcheck), and where PyTorch's
derivative is a convention rather than the numerical one (repeated positions in a write)
against PyTorch's recorded gradients.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import ferrograd as fg
from ferrograd.autograd import gradcheck, gradgradcheck

m = fg  # the case strings name the library `m`


def _x(dtype=fg.float32, requires_grad=False):
    return fg.arange(24.0, dtype=dtype).reshape(2, 3, 4).requires_grad_(requires_grad)


def _eval(expression: str, x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the legacy list-as-tuple reading warns
        return eval(expression, {"m": fg, "np": np, "x": x})


def _flat(t) -> list:
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def _numbers(recorded: str) -> list:
    """Recorded values are written as numbers separated by spaces, to keep the tables short."""
    return [float(v) for v in recorded.split()]


# ----------------------------------------------------------------------------- reading

#: expression -> (shape, values in row-major order)
GET_EXPECTED = {
    "m.arange(18.).reshape(2, 3, 3)[0, :, [0, 1, 2]]": ((3, 3), "0 1 2 3 4 5 6 7 8"),
    "x[0, :, [0, 1]]": ((3, 2), "0 1 4 5 8 9"),
    "x[0, :, [1, 3]]": ((3, 2), "1 3 5 7 9 11"),
    "x[:, 0, [1, 2]]": ((2, 2), "1 2 13 14"),
    "x[1, [0, 2], :]": ((2, 4), "12 13 14 15 20 21 22 23"),
    "x[[0, 1], :, [1, 2]]": ((2, 3), "1 5 9 14 18 22"),
    "x[:, [0, 2], [1, 3]]": ((2, 2), "1 11 13 23"),
    "x[[1, 0], [2, 1]]": ((2, 4), "20 21 22 23 4 5 6 7"),
    "x[[0, 1], 2, [3, 0]]": ((2,), "11 20"),
    "x[[0, 1], 1, [1, 3]]": ((2,), "5 19"),
    "x[1, [0, 1], None, [1, 2]]": ((2, 1), "13 18"),
    "x[[0, 1], None, [1, 2]]": ((2, 1, 4), "4 5 6 7 20 21 22 23"),
    "x[..., [1, 3]]": ((2, 3, 2), "1 3 5 7 9 11 13 15 17 19 21 23"),
    "x[1, ..., [0, 3]]": ((3, 2), "12 15 16 19 20 23"),
    "x[[[0], [1]], :, [1, 2]]": ((2, 2, 3), "1 5 9 2 6 10 13 17 21 14 18 22"),
    "x[None, [0, 1], 1, 1:3]": ((1, 2, 2), "5 6 17 18"),
    "x[:, [0, 2], ::2]": ((2, 2, 2), "0 2 8 10 12 14 20 22"),
    "x[:, None, [1, 2], None]": ((2, 1, 2, 1, 4), "4 5 6 7 8 9 10 11 16 17 18 19 20 21 22 23"),
    "x[None, :, [1, 2], 0]": ((1, 2, 2), "4 8 16 20"),
    "x[0, None, [1, 2], None, [0, 1]]": ((2, 1, 1), "4 9"),
    "x[[0, 1], [[1], [2]], 0]": ((2, 2), "4 16 8 20"),
    "x[[0, 1], ..., [[1], [2]]]": ((2, 2, 3), "1 5 9 13 17 21 2 6 10 14 18 22"),
    "x[m.tensor([[0, 1], [1, 0]]), 0, 1]": ((2, 2), "1 13 13 1"),
    "x[m.tensor(1), :, [1, 3]]": ((3, 2), "13 15 17 19 21 23"),
    "x[:, m.tensor(2), [0, 3]]": ((2, 2), "8 11 20 23"),
    "x[m.tensor([1]), :, [1, 3]]": ((2, 3), "13 17 21 15 19 23"),
    "x[m.tensor(1, dtype=m.int32)]": ((3, 4), "12 13 14 15 16 17 18 19 20 21 22 23"),
    "x[m.tensor([1, 0], dtype=m.int32), :, m.tensor([3, 0], dtype=m.int32)]": (
        (2, 3),
        "15 19 23 0 4 8",
    ),
    "x[np.int64(1), :, [1, 2]]": ((3, 2), "13 14 17 18 21 22"),
    "x[np.array(1), :, [1, 2]]": ((3, 2), "13 14 17 18 21 22"),
    "x[np.array([1, 0])]": (
        (2, 3, 4),
        "12 13 14 15 16 17 18 19 20 21 22 23 0 1 2 3 4 5 6 7 8 9 10 11",
    ),
    "x[(0, 1), 2]": ((2, 4), "8 9 10 11 20 21 22 23"),
    "x[[-1, -2]]": ((2, 3, 4), "12 13 14 15 16 17 18 19 20 21 22 23 0 1 2 3 4 5 6 7 8 9 10 11"),
    "x[m.tensor([-1, 0]), :, m.tensor([-4, 3])]": ((2, 3), "12 16 20 3 7 11"),
    "x[:, -1, [-1, -4]]": ((2, 2), "11 8 23 20"),
    "x[range(0, 2)]": ((2, 3, 4), "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23"),
    "x[:, range(1, 3), 2]": ((2, 2), "6 10 18 22"),
    "x[0, range(2, 0, -1)]": ((2, 4), "8 9 10 11 4 5 6 7"),
    "x[x[:, :, 0] > 10]": ((3, 4), "12 13 14 15 16 17 18 19 20 21 22 23"),
    "x[x[:, :, 0] > 10, 1]": ((3,), "13 17 21"),
    "x[x > 20]": ((3,), "21 22 23"),
    "x[None, x > 20]": ((1, 3), "21 22 23"),
    "x[1, m.tensor([True, False, True])]": ((2, 4), "12 13 14 15 20 21 22 23"),
    "x[:, m.tensor([True, False, True]), [0, 3]]": ((2, 2), "0 11 12 23"),
    "x[[0, 1], m.tensor([True, False, True])]": ((2, 4), "0 1 2 3 20 21 22 23"),
    "x[[0, 1], :, m.tensor([True, False, True, False])]": ((2, 3), "0 4 8 14 18 22"),
    "x[m.tensor([[True, False, True, False]] * 3)[None].expand(2, 3, 4)[:, :, 0], 1:3]": (
        (6, 2),
        "1 2 5 6 9 10 13 14 17 18 21 22",
    ),
    "x[0][m.tensor([[True, False, True, False]] * 3)]": ((6,), "0 2 4 6 8 10"),
    "x[1, m.eye(3, 4, dtype=m.bool)]": ((3,), "12 17 22"),
    "x[[True, False]]": ((1, 3, 4), "0 1 2 3 4 5 6 7 8 9 10 11"),
    "x[[1, True]]": (
        (2, 3, 4),
        "12 13 14 15 16 17 18 19 20 21 22 23 12 13 14 15 16 17 18 19 20 21 22 23",
    ),
    "x[np.array([False, True])]": ((1, 3, 4), "12 13 14 15 16 17 18 19 20 21 22 23"),
    "x[:, np.array([True, False, True])]": ((2, 2, 4), "0 1 2 3 8 9 10 11 12 13 14 15 20 21 22 23"),
    "x[True]": ((1, 2, 3, 4), "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23"),
    "x[False]": ((0, 2, 3, 4), ""),
    "x[1, True, [0, 1]]": ((2, 4), "12 13 14 15 16 17 18 19"),
    "x[m.tensor(True)]": (
        (1, 2, 3, 4),
        "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23",
    ),
    "x[0, m.tensor(True), [1, 2]]": ((2, 4), "4 5 6 7 8 9 10 11"),
    "x[0, [0.0, 2.7]]": ((2, 4), "0 1 2 3 8 9 10 11"),
    "x[[]]": ((0, 3, 4), ""),
    "x[:, []]": ((2, 0, 4), ""),
    "x[..., 0, ...]": ((2, 3), "0 4 8 12 16 20"),
    "x.transpose(0, 2)[[0, 3], 1]": ((2, 2), "4 16 7 19"),
    "x[:, 1:][[1, 0], :, [2, 3]]": ((2, 2), "18 22 7 11"),
    "m.zeros(0, 3)[:, [5]]": ((0, 1), ""),
    "m.zeros(0, 3)[m.zeros(0, dtype=m.bool)]": ((0, 3), ""),
    "m.tensor(5.)[True]": ((1,), "5"),
    "m.tensor(5.)[..., None]": ((1,), "5"),
    "x[[0, [1, 2]]]": ((2, 4), "4 5 6 7 8 9 10 11"),
    "x[[0, slice(1, 3)]]": ((2, 4), "4 5 6 7 8 9 10 11"),
    "x[[0, None]]": ((1, 3, 4), "0 1 2 3 4 5 6 7 8 9 10 11"),
    "x[[m.tensor(0), m.tensor(2)]]": ((4,), "8 9 10 11"),
    "x[[range(2), range(1, 3)]]": ((2, 4), "4 5 6 7 20 21 22 23"),
}
#: expression -> (exception class, message)
GET_ERRORS_EXPECTED = {
    "x[2]": (IndexError, "index 2 is out of bounds for dimension 0 with size 2"),
    "x[-3]": (IndexError, "index -3 is out of bounds for dimension 0 with size 2"),
    "x[0, 3]": (IndexError, "index 3 is out of bounds for dimension 1 with size 3"),
    "x[None, 2]": (IndexError, "index 2 is out of bounds for dimension 1 with size 2"),
    "x[..., 4]": (IndexError, "index 4 is out of bounds for dimension 1 with size 4"),
    "x[0, ..., 4]": (IndexError, "index 4 is out of bounds for dimension 2 with size 4"),
    "x[m.tensor(2)]": (IndexError, "index 2 is out of bounds for dimension 0 with size 2"),
    "x[:, m.tensor(-4)]": (IndexError, "index -4 is out of bounds for dimension 1 with size 3"),
    "x[[0, 2]]": (IndexError, "index 2 is out of bounds for dimension 0 with size 2"),
    "x[[0, -3]]": (IndexError, "index -3 is out of bounds for dimension 0 with size 2"),
    "x[:, [3]]": (IndexError, "index 3 is out of bounds for dimension 0 with size 3"),
    "x[0, :, [4]]": (IndexError, "index 4 is out of bounds for dimension 0 with size 4"),
    "x[[0], :, [4]]": (IndexError, "index 4 is out of bounds for dimension 1 with size 4"),
    "x[[0, 1], [0, 3]]": (IndexError, "index 3 is out of bounds for dimension 1 with size 3"),
    "x[m.tensor([[True, False, True]] * 2), [4]]": (
        IndexError,
        "index 4 is out of bounds for dimension 2 with size 4",
    ),
    "x[0, 0, 0, 0]": (IndexError, "too many indices for tensor of dimension 3"),
    "x[[0], [0], [0], [0]]": (IndexError, "too many indices for tensor of dimension 3"),
    "x[None, 0, 0, 0, 0]": (IndexError, "too many indices for tensor of dimension 3"),
    "x[..., 0, ..., 1]": (IndexError, "index 1 is out of bounds for dimension 3 with size 0"),
    "x[m.tensor([True, False, True])]": (
        IndexError,
        (
            "The shape of the mask [3] at index 0 does not match the shape of the indexed tensor "
            "[2, 3, 4] at index 0"
        ),
    ),
    "x[:, m.tensor([True, False])]": (
        IndexError,
        (
            "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor "
            "[2, 3, 4] at index 1"
        ),
    ),
    "x[m.ones(2, 4, dtype=m.bool)]": (
        IndexError,
        (
            "The shape of the mask [2, 4] at index 1 does not match the shape of the indexed "
            "tensor [2, 3, 4] at index 1"
        ),
    ),
    "x[[True, False, True]]": (
        IndexError,
        (
            "The shape of the mask [3] at index 0 does not match the shape of the indexed tensor "
            "[2, 3, 4] at index 0"
        ),
    ),
    "x[[0, 1], [0, 1, 2]]": (
        IndexError,
        "shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]",
    ),
    "x[::0]": (ValueError, "slice step cannot be zero"),
    "x[::-1]": (ValueError, "step must be greater than zero"),
    "x[1.5]": (
        IndexError,
        (
            "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
            "valid indices (got float)"
        ),
    ),
    "x[{}]": (
        IndexError,
        (
            "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
            "valid indices (got dict)"
        ),
    ),
    "x[m.tensor([0.0])]": (
        IndexError,
        "tensors used as indices must be long, int, byte or bool tensors",
    ),
    "x[m.tensor(1.0)]": (
        IndexError,
        "tensors used as indices must be long, int, byte or bool tensors",
    ),
    "x[0.5:2]": (TypeError, "slice indices must be integers or None or have an __index__ method"),
    "m.zeros(0, 3)[[0]]": (IndexError, "index is out of bounds for dimension with size 0"),
    "m.tensor(5.)[[0]]": (IndexError, "too many indices for tensor of dimension 0"),
    "m.tensor(5.)[None, [0]]": (IndexError, "too many indices for tensor of dimension 0"),
}


LEGACY = [
    "x[[0, [1, 2]]]",
    "x[[0, slice(1, 3)]]",
    "x[[0, None]]",
    "x[[m.tensor(0), m.tensor(2)]]",
    "x[[range(2), range(1, 3)]]",
]


@pytest.mark.parametrize("expression", list(GET_EXPECTED))
def test_reading_matches_pytorch(expression):
    shape, values = GET_EXPECTED[expression]
    result = _eval(expression, _x())
    assert tuple(result.shape) == shape
    assert _flat(result) == _numbers(values)


@pytest.mark.parametrize("expression", LEGACY)
def test_a_short_list_holding_sequences_reads_as_a_tuple_with_a_warning(expression):
    with pytest.warns(UserWarning, match="non-tuple sequence for multidimensional indexing"):
        eval(expression, {"m": fg, "x": _x()})


@pytest.mark.parametrize("expression", list(GET_ERRORS_EXPECTED))
def test_reading_errors_match_pytorch(expression):
    error, message = GET_ERRORS_EXPECTED[expression]
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        _eval(expression, _x())


def test_ints_select_before_the_advanced_indices_are_placed():
    """The issue's example: NumPy would give the transpose (NumPy's int is an advanced index,
    separated from the list by a slice, so the list's dimension would go first)."""
    x = fg.arange(18.0).reshape(2, 3, 3)
    assert x[0, :, [0, 1, 2]].tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]
    assert x[0, :, [0, 1]].shape == (3, 2)
    assert x[0, :, [0, 1]].tolist() == x[0][:, [0, 1]].tolist()


# ----------------------------------------------------------------------------- views


def test_a_0d_integer_tensor_index_is_a_view_like_an_int():
    x = _x().clone()  # a tensor that is not itself a view, to be the views' base
    for index in (
        fg.tensor(1),
        (fg.tensor(1), slice(1, 3)),
        np.int64(1),
        (slice(None), fg.tensor(2)),
    ):
        y = x[index]
        assert y._base is x
    y = x[fg.tensor(1)]
    y.add_(100)
    assert x[1, 0, 0].item() == 112.0


def test_advanced_indexing_returns_a_copy():
    x = _x().clone()
    for index in ([1], ([0, 1], [1, 2]), (0, slice(None), [1, 2]), x > 20, True, ([[0], [1]], 0)):
        y = x[index]
        assert y._base is None
        y.fill_(-1.0)
    assert _flat(x) == [float(v) for v in range(24)]


# ----------------------------------------------------------------------------- gradients of reads


def _differentiable_reads():
    return [
        e
        for e in GET_EXPECTED
        if e.startswith("x") and "transpose" not in e and GET_EXPECTED[e][1].strip()
    ]


@pytest.mark.parametrize("expression", _differentiable_reads())
def test_reading_gradients(expression):
    """Values off the integers, so masks made from x do not flip as gradcheck perturbs it."""
    x = (fg.arange(24.0, dtype=fg.float64) + 0.5).reshape(2, 3, 4).requires_grad_()
    assert gradcheck(lambda t: _eval(expression, t), (x,))
    assert gradgradcheck(lambda t: _eval(expression, t), (x,))


def test_reading_gradient_through_a_transposed_view():
    x = fg.randn(2, 3, 4, dtype=fg.float64, requires_grad=True)
    assert gradcheck(lambda t: t.transpose(0, 2)[[0, 3], 1], (x,))
    assert gradcheck(lambda t: t[:, 1:][[1, 0], :, [2, 3]], (x,))


def test_reading_repeated_positions_sums_their_gradients():
    x = fg.arange(4.0, dtype=fg.float64).requires_grad_()
    x[[0, 0, 3, 0]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 0.0, 1.0]


# ----------------------------------------------------------------------------- writing

#: (index, value) -> x's values after ``x[index] = value``
SET_EXPECTED = {
    (
        "(0, slice(None), [0, 1])",
        "m.tensor([[-1., -2.], [-3., -4.], [-5., -6.]])",
    ): "-1 -2 2 3 -3 -4 6 7 -5 -6 10 11 12 13 14 15 16 17 18 19 20 21 22 23",
    (
        "(0, slice(None), [0, 1])",
        "m.tensor([-1., -2.])",
    ): "-1 -2 2 3 -1 -2 6 7 -1 -2 10 11 12 13 14 15 16 17 18 19 20 21 22 23",
    (
        "(0, slice(None), [0, 1])",
        "-m.ones(1, 1, 3, 2)",
    ): "-1 -1 2 3 -1 -1 6 7 -1 -1 10 11 12 13 14 15 16 17 18 19 20 21 22 23",
    (
        "(slice(None), 1, [3, 0])",
        "m.tensor([[10.], [20.]])",
    ): "0 1 2 3 10 5 6 10 8 9 10 11 12 13 14 15 20 17 18 20 20 21 22 23",
    (
        "([0, 1], slice(None), [1, 2])",
        "m.tensor([[-1., -2., -3.], [-4., -5., -6.]])",
    ): "0 -1 2 3 4 -2 6 7 8 -3 10 11 12 13 -4 15 16 17 -5 19 20 21 -6 23",
    (
        "([1, 0], [2, 1])",
        "0.5",
    ): "0 1 2 3 0.5 0.5 0.5 0.5 8 9 10 11 12 13 14 15 16 17 18 19 0.5 0.5 0.5 0.5",
    (
        "([[1], [0]], [0, 2], 3)",
        "m.tensor([[-1., -2.], [-3., -4.]])",
    ): "0 1 2 -3 4 5 6 7 8 9 10 -4 12 13 14 -1 16 17 18 19 20 21 22 -2",
    (
        "(Ellipsis, [0, 3])",
        "m.tensor([7., 8.])",
    ): "7 1 2 8 7 5 6 8 7 9 10 8 7 13 14 8 7 17 18 8 7 21 22 8",
    (
        "(m.tensor(1), slice(None), [1, 3])",
        "m.tensor(9.)",
    ): "0 1 2 3 4 5 6 7 8 9 10 11 12 9 14 9 16 9 18 9 20 9 22 9",
    (
        "x > 20",
        "m.tensor([-1., -2., -3.])",
    ): "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 -1 -2 -3",
    ("x > 20", "0.5"): "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 0.5 0.5 0.5",
    (
        "(1, m.tensor([True, False, True]))",
        "m.tensor([-1., -2., -3., -4.])",
    ): "0 1 2 3 4 5 6 7 8 9 10 11 -1 -2 -3 -4 16 17 18 19 -1 -2 -3 -4",
    ("range(1, 2)", "-1.0"): "0 1 2 3 4 5 6 7 8 9 10 11 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1",
    (
        "([-1, 0], -1, [-1, 0])",
        "m.tensor([5., 6.])",
    ): "0 1 2 3 4 5 6 7 6 9 10 11 12 13 14 15 16 17 18 19 20 21 22 5",
    (
        "([0, 0, 0], 1, 2)",
        "m.tensor([5., 6., 7.])",
    ): "0 1 2 3 4 5 7 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23",
    (
        "([1, 0, 1], [2, 2, 2], 3)",
        "m.tensor([5., 6., 7.])",
    ): "0 1 2 3 4 5 6 7 8 9 10 6 12 13 14 15 16 17 18 19 20 21 22 7",
    ("(0, [0, 1])", "True"): "1 1 1 1 1 1 1 1 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23",
    (
        "((0, 0), [0, 1])",
        "np.float64(3.5)",
    ): "3.5 3.5 3.5 3.5 3.5 3.5 3.5 3.5 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23",
    ("True", "1.0"): "1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
    ("False", "1.0"): "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23",
    ("m.tensor(1)", "9.0"): "0 1 2 3 4 5 6 7 8 9 10 11 9 9 9 9 9 9 9 9 9 9 9 9",
    ("0", "m.ones(1, 1, 3, 4)"): "1 1 1 1 1 1 1 1 1 1 1 1 12 13 14 15 16 17 18 19 20 21 22 23",
    (
        "(slice(None), 1, slice(1, None))",
        "m.tensor([[1., 2., 3.]])",
    ): "0 1 2 3 4 1 2 3 8 9 10 11 12 13 14 15 16 1 2 3 20 21 22 23",
    (
        "(Ellipsis, 0, Ellipsis)",
        "m.tensor([-1., -2., -3.])",
    ): "-1 1 2 3 -2 5 6 7 -3 9 10 11 -1 13 14 15 -2 17 18 19 -3 21 22 23",
    (
        "([0, 1], slice(None), [1, 2])",
        "m.tensor([[[-1., -2., -3.]]])",
    ): "0 -1 2 3 4 -2 6 7 8 -3 10 11 12 13 -1 15 16 17 -2 19 20 21 -3 23",
    ("(slice(None), [5])", "1.0"): "",
}
#: (index, value) -> (exception class, message) of ``x[index] = value``
SET_ERRORS_EXPECTED = {
    ("(0, slice(None), [0, 1])", "m.tensor([[-1., -2., -3.], [-4., -5., -6.]])"): (
        RuntimeError,
        (
            "shape mismatch: value tensor of shape [2, 3] cannot be broadcast to indexing result "
            "of shape [3, 2]"
        ),
    ),
    ("(0, slice(None), [0, 1])", "m.tensor([-1., -2., -3.])"): (
        RuntimeError,
        (
            "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of "
            "shape [3, 2]"
        ),
    ),
    ("(0, slice(None), [0, 1])", "-m.ones(2, 3, 2)"): (
        RuntimeError,
        (
            "shape mismatch: value tensor of shape [2, 3, 2] cannot be broadcast to indexing "
            "result of shape [3, 2]"
        ),
    ),
    ("x > 20", "m.tensor([-1., -2.])"): (
        RuntimeError,
        (
            "shape mismatch: value tensor of shape [2] cannot be broadcast to indexing result of "
            "shape [3]"
        ),
    ),
    ("0", "m.tensor([1., 2., 3.])"): (
        RuntimeError,
        (
            "The expanded size of the tensor (4) must match the existing size (3) at "
            "non-singleton dimension 1.  Target sizes: [3, 4].  Tensor sizes: [3]"
        ),
    ),
    ("0", "m.ones(2, 3, 4)"): (
        RuntimeError,
        (
            "expand(torch.FloatTensor{[2, 3, 4]}, size=[3, 4]): the number of sizes provided (2) "
            "must be greater or equal to the number of dimensions in the tensor (3)"
        ),
    ),
    ("(slice(None), 0)", "m.ones(3)"): (
        RuntimeError,
        (
            "The expanded size of the tensor (4) must match the existing size (3) at "
            "non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [3]"
        ),
    ),
    ("(0, [0, 1])", "m.tensor(7)"): (
        RuntimeError,
        (
            "Index put requires the source and destination dtypes match, got Float for the "
            "destination and Long for the source."
        ),
    ),
    ("(0, [0, 1])", "m.tensor([1, 2], dtype=m.float64)"): (
        RuntimeError,
        (
            "shape mismatch: value tensor of shape [2] cannot be broadcast to indexing result of "
            "shape [2, 4]"
        ),
    ),
    ("(0, [0, 1])", "m.tensor([[1.], [2.]], dtype=m.float64)"): (
        RuntimeError,
        (
            "Index put requires the source and destination dtypes match, got Float for the "
            "destination and Double for the source."
        ),
    ),
    ("(slice(None), slice(None), [5])", "1.0"): (
        IndexError,
        "index 5 is out of bounds for dimension 2 with size 4",
    ),
    ("(0, slice(None), [5])", "1.0"): (
        IndexError,
        "index 5 is out of bounds for dimension 1 with size 4",
    ),
    ("(None, slice(None), [5])", "1.0"): (
        IndexError,
        "index 5 is out of bounds for dimension 2 with size 3",
    ),
    ("(slice(None), [-4])", "1.0"): (
        IndexError,
        "index -4 is out of bounds for dimension 1 with size 3",
    ),
    ("(m.ones(2, 3, dtype=m.bool), [7])", "1.0"): (
        IndexError,
        "index 7 is out of bounds for dimension 2 with size 4",
    ),
    ("(slice(None), [0, 3])", "m.tensor([1., 2.])"): (
        RuntimeError,
        (
            "shape mismatch: value tensor of shape [2] cannot be broadcast to indexing result of "
            "shape [2, 2, 4]"
        ),
    ),
    ("([0, 1], slice(None), [1, 2])", "m.tensor([[[1.], [-2.], [-3.]]])"): (
        RuntimeError,
        (
            "shape mismatch: value tensor of shape [3, 1] cannot be broadcast to indexing result "
            "of shape [2, 3]"
        ),
    ),
    ("0", "[1., 2., 3., 4.]"): (TypeError, "can't assign a list to a torch.FloatTensor"),
    ("(0, 0)", "np.array([1., 2., 3., 4.])"): (
        TypeError,
        "can't assign a numpy.ndarray to a torch.FloatTensor",
    ),
    ("0", "'a'"): (TypeError, "can't assign a str to a torch.FloatTensor"),
    ("0", "None"): (TypeError, "can't assign a NoneType to a torch.FloatTensor"),
    ("[0, 2]", "1.0"): (IndexError, "index 2 is out of bounds for dimension 0 with size 2"),
    ("(slice(None), [0, 3])", "1.0"): (
        IndexError,
        "index 3 is out of bounds for dimension 1 with size 3",
    ),
}
#: (index, value shape) -> (y, x.grad, v.grad) for ``y = x * 1; y[index] = v`` and the
#: loss ``(y * w).sum()``, x = 0..23 and w = 1..24 as (2, 3, 4), v = 100, 101, ...
SET_GRADS_EXPECTED = {
    ("([0, 0, 0], 1, 2)", (3,)): (
        "0 1 2 3 4 5 102 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23",
        "1 2 3 4 5 6 0 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24",
        "7 7 7",
    ),
    ("([1, 0, 1], [2, 2, 2], 3)", (3,)): (
        "0 1 2 3 4 5 6 7 8 9 10 101 12 13 14 15 16 17 18 19 20 21 22 102",
        "1 2 3 4 5 6 7 8 9 10 11 0 13 14 15 16 17 18 19 20 21 22 23 0",
        "24 12 24",
    ),
    ("(0, slice(None), [1, 1])", (3, 2)): (
        "0 101 2 3 4 103 6 7 8 105 10 11 12 13 14 15 16 17 18 19 20 21 22 23",
        "1 0 3 4 5 0 7 8 9 0 11 12 13 14 15 16 17 18 19 20 21 22 23 24",
        "2 2 6 6 10 10",
    ),
    ("([[0, 0], [0, 0]], 0, 0)", ()): (
        "100 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23",
        "0 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24",
        "4",
    ),
    ("([0, 1, 0], slice(None), [3, 3, 3])", (3, 3)): (
        "0 1 2 106 4 5 6 107 8 9 10 108 12 13 14 103 16 17 18 104 20 21 22 105",
        "1 2 3 0 5 6 7 0 9 10 11 0 13 14 15 0 17 18 19 0 21 22 23 0",
        "4 8 12 16 20 24 4 8 12",
    ),
}
#: op -> (out, x.grad, v.grad) for ``out = op(x * 1)`` writing v = [1, 2, 3] at [0, 0, 2],
#: x = zeros(5), and the loss ``(out * [1, 2, 3, 4, 5]).sum()``
REPEATED_WRITE_GRADS_EXPECTED = {
    "scatter": ("2 0 3 0 0", "0 2 0 4 5", "1 1 3"),
    "index_copy": ("2 0 3 0 0", "0 2 0 4 5", "1 1 3"),
    "index_put": ("2 0 3 0 0", "0 2 0 4 5", "1 1 3"),
    "put": ("2 0 3 0 0", "0 2 0 4 5", "1 1 3"),
    "index_fill": ("1 0 1 0 0", "0 2 0 4 5", "4 0 0"),
}


@pytest.mark.parametrize(("index", "value"), list(SET_EXPECTED))
def test_writing_matches_pytorch(index, value):
    x = fg.zeros(0, 3) if index == "(slice(None), [5])" else _x()
    x[_eval(index, _x())] = _eval(value, x)
    assert _flat(x) == _numbers(SET_EXPECTED[index, value])


@pytest.mark.parametrize(("index", "value"), list(SET_ERRORS_EXPECTED))
def test_writing_errors_match_pytorch(index, value):
    error, message = SET_ERRORS_EXPECTED[index, value]
    x = _x()
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        x[_eval(index, x)] = _eval(value, x)
    # PyTorch may have written part of it before meeting a bad index; ferrograd checks first
    assert _flat(x) == [float(v) for v in range(24)]


#: index -> whether PyTorch writes through a view of a leaf (else into the leaf itself)
LEAF_WRITES = {
    "[0]": False,
    "(0, [1, 2])": True,
    "0": True,
    "(slice(None), 1)": True,
    "...": False,
    "None": True,
    "slice(None)": False,
    "slice(0, 2)": False,
    "slice(0, 1)": True,
    "(slice(None), slice(0, 3))": False,
    "True": True,
    "m.tensor(True)": True,
    "m.tensor([True, False])": False,
    "(Ellipsis, [0])": False,
    "(None, [0])": True,
}


@pytest.mark.parametrize("index", list(LEAF_WRITES))
@pytest.mark.parametrize("leaf_is_view", [False, True])
def test_writing_into_a_leaf_that_requires_grad_raises(index, leaf_is_view):
    """Also when the leaf is itself a view of a tensor that needs no gradient."""
    x = _x(requires_grad=True) if leaf_is_view else fg.zeros(2, 3, 4, requires_grad=True)
    place = _eval(index, x.detach())
    view = "a view of " if leaf_is_view or LEAF_WRITES[index] else ""
    with pytest.raises(
        RuntimeError,
        match=f"^{view}a leaf Variable that requires grad is being used in an in-place "
        r"operation\.$",
    ):
        x[place] = 1.0
    assert x.is_leaf
    with fg.no_grad():
        x[place] = 1.0
    assert x.is_leaf


def test_writing_keeps_int64_exact():
    x = fg.zeros(3, dtype=fg.int64)
    x[[0, 2]] = 2**62 + 1
    x[fg.tensor([1])] = fg.tensor([-(2**62) - 3])
    assert x.tolist() == [2**62 + 1, -(2**62) - 3, 2**62 + 1]


#: (index, value shape) of writes without repeated positions, for gradcheck
DISTINCT_WRITES = [
    ("(0, slice(None), [0, 1])", (3, 2)),
    ("(0, slice(None), [0, 1])", (2,)),
    ("(0, slice(None), [0, 1])", (1, 1, 3, 2)),
    ("(slice(None), 1, [3, 0])", (2, 1)),
    ("([0, 1], slice(None), [1, 2])", (2, 3)),
    ("([[1], [0]], [0, 2], 3)", (2, 2)),
    ("(Ellipsis, [0, 3])", (2,)),
    ("(m.tensor(1), slice(None), [1, 3])", ()),
    ("x > 20", (3,)),
    ("(1, m.tensor([True, False, True]))", (4,)),
    ("([-1, 0], -1, [-1, 0])", (2,)),
    ("(None, 1, [0, 2], None)", (1, 2, 1, 4)),
    ("0", (1, 1, 3, 4)),
    ("(slice(None), 1, slice(1, None))", (1, 3)),
]


@pytest.mark.parametrize(("index", "value_shape"), DISTINCT_WRITES)
def test_writing_gradients(index, value_shape):
    place = _eval(index, _x())

    def written(x, v):
        y = x * 1
        y[place] = v
        return y

    x = fg.randn(2, 3, 4, dtype=fg.float64, requires_grad=True)
    v = fg.randn(value_shape, dtype=fg.float64, requires_grad=True)
    assert gradcheck(written, (x, v))
    assert gradgradcheck(written, (x, v))


@pytest.mark.parametrize(("index", "value_shape"), list(SET_GRADS_EXPECTED))
def test_repeated_positions_last_write_wins_with_pytorch_gradients(index, value_shape):
    """PyTorch's derivative of a write gives every value the gradient at its position, the
    overwritten ones included (not the numerical derivative, so no gradcheck here)."""
    expected_y, expected_x_grad, expected_v_grad = SET_GRADS_EXPECTED[index, value_shape]
    x = fg.arange(24.0, dtype=fg.float64).reshape(2, 3, 4).requires_grad_()
    count = int(np.prod(value_shape, dtype=np.int64))
    v = (fg.arange(float(count), dtype=fg.float64) + 100).reshape(value_shape).requires_grad_()
    y = x * 1
    y[_eval(index, x.detach())] = v
    (y * fg.arange(1.0, 25.0, dtype=fg.float64).reshape(2, 3, 4)).sum().backward()
    assert _flat(y) == _numbers(expected_y)
    assert _flat(x.grad) == _numbers(expected_x_grad)
    assert _flat(v.grad) == _numbers(expected_v_grad)


_REPEATED = fg.tensor([0, 0, 2])
_WRITES = {
    "scatter": lambda x, v: x.scatter(0, _REPEATED, v),
    "index_copy": lambda x, v: x.index_copy(0, _REPEATED, v),
    "index_put": lambda x, v: x.index_put((_REPEATED,), v),
    "put": lambda x, v: x.put(_REPEATED, v),
    "index_fill": lambda x, v: x.index_fill(0, _REPEATED, v[0]),
}


@pytest.mark.parametrize("op", list(REPEATED_WRITE_GRADS_EXPECTED))
def test_other_writes_with_repeated_positions_have_pytorch_gradients(op):
    """The same rule as assignment; ``index_fill`` fills a repeated place once."""
    expected_out, expected_x_grad, expected_v_grad = REPEATED_WRITE_GRADS_EXPECTED[op]
    v = fg.tensor([1.0, 2.0, 3.0], dtype=fg.float64, requires_grad=True)
    x = fg.zeros(5, dtype=fg.float64, requires_grad=True)
    out = _WRITES[op](x * 1, v)
    (out * fg.arange(1.0, 6.0, dtype=fg.float64)).sum().backward()
    assert out.tolist() == _numbers(expected_out)
    assert x.grad.tolist() == _numbers(expected_x_grad)
    assert v.grad.tolist() == _numbers(expected_v_grad)


def test_forward_mode_through_a_write_follows_the_last_write():
    """The tangent of a write is the write of the tangents (the same last-wins rule)."""
    place = ([0, 0, 1], 1, [2, 2, 3])

    def written(x, v):
        y = x * 1
        y[place] = v
        return y

    x, tx = fg.randn(2, 3, 4, dtype=fg.float64), fg.randn(2, 3, 4, dtype=fg.float64)
    v, tv = fg.randn(3, dtype=fg.float64), fg.randn(3, dtype=fg.float64)
    out, tangent = fg.func.jvp(written, (x, v), (tx, tv))
    assert _flat(out) == _flat(written(x, v))
    assert _flat(tangent) == _flat(written(tx, tv))
