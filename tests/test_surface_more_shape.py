"""Splitting, stacking and rearranging (``ferrograd._ops_shape_extra``): ``tensor_split``,
``hsplit``/``vsplit``/``dsplit``, the ``*stack`` functions, ``atleast_*d``, ``rot90``,
``broadcast_*``, ``cartesian_prod``, ``combinations``, multi-dimension ``squeeze``. Values and
errors recorded from PyTorch (see more_cases.py); gradients against finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
from more_cases import assert_matches, check_error, check_forward, check_grads


def f32(m, values):
    return m.tensor(np.asarray(values, dtype=np.float32))


def ints(m, values):
    return m.tensor(np.asarray(values, dtype=np.int64))


def grid(m):
    return m.arange(12.0).reshape(3, 4)


CASES = {
    "tensor_split_sections": lambda m: m.tensor_split(m.arange(7), 3),
    "tensor_split_indices": lambda m: m.tensor_split(grid(m), [1, 3], dim=1),
    "tensor_split_indices_clipped": lambda m: grid(m).tensor_split((-1, 10), dim=1),
    "tensor_split_tensor_0d": lambda m: m.tensor_split(grid(m), ints(m, 2)),
    "tensor_split_tensor_1d": lambda m: m.tensor_split(grid(m), ints(m, [1])),
    "hsplit": lambda m: m.hsplit(grid(m), 2),
    "hsplit_vector": lambda m: m.hsplit(m.arange(6), [2]),
    "vsplit": lambda m: grid(m).vsplit([1]),
    "dsplit": lambda m: m.dsplit(m.arange(16.0).reshape(2, 2, 4), 2),
    "split_with_sizes": lambda m: m.arange(5).split_with_sizes([2, 3]),
    "split_with_sizes_fn": lambda m: m.split_with_sizes(grid(m), [1, 3], 1),
    "unsafe_split": lambda m: m.unsafe_split(grid(m), 2, 1),
    "unsafe_chunk": lambda m: m.unsafe_chunk(grid(m), 2, 1),
    "narrow_copy": lambda m: m.narrow_copy(grid(m), 1, 1, 2),
    "hstack": lambda m: m.hstack([ints(m, [1, 2]), ints(m, [3])]),
    "hstack_0d": lambda m: m.hstack([ints(m, 1), ints(m, 2)]),
    "hstack_2d": lambda m: m.hstack((grid(m), grid(m)[:, :1])),
    "hstack_promotes": lambda m: m.hstack([ints(m, [1, 2]), f32(m, [3.0])]),
    "vstack": lambda m: m.vstack([ints(m, [1, 2]), ints(m, [[3, 4], [5, 6]])]),
    "vstack_0d": lambda m: m.vstack([ints(m, 1), ints(m, 2)]),
    "row_stack": lambda m: m.row_stack([ints(m, [1, 2]), ints(m, [3, 4])]),
    "dstack": lambda m: m.dstack([ints(m, [1, 2]), ints(m, [3, 4])]),
    "dstack_2d": lambda m: m.dstack([grid(m), grid(m)]),
    "column_stack": lambda m: m.column_stack(
        [ints(m, [1, 2]), ints(m, [[3], [4]]), ints(m, [5, 6])]
    ),
    "column_stack_0d": lambda m: m.column_stack([ints(m, 1), ints(m, 2)]),
    "atleast_1d": lambda m: m.atleast_1d(f32(m, 1.0)),
    "atleast_1d_many": lambda m: m.atleast_1d(f32(m, 1.0), f32(m, [2.0])),
    "atleast_2d_list": lambda m: m.atleast_2d([f32(m, 1.0), f32(m, [1.0, 2.0]), grid(m)]),
    "atleast_3d": lambda m: m.atleast_3d(f32(m, 1.0), f32(m, [1.0, 2.0]), m.zeros(2, 3)),
    "rot90": lambda m: m.rot90(grid(m), 1, [0, 1]),
    "rot90_negative": lambda m: m.rot90(grid(m), -1),
    "rot90_twice": lambda m: grid(m).rot90(2, (1, 0)),
    "rot90_three_3d": lambda m: m.rot90(m.arange(12.0).reshape(2, 3, 2), 3, [2, 0]),
    "rot90_zero": lambda m: m.rot90(grid(m), 4),
    "squeeze_dims": lambda m: m.zeros(1, 2, 1, 3).squeeze((0, 2, 1)),
    "squeeze_dims_negative": lambda m: m.zeros(1, 2, 1, 3).squeeze((-2,)),
    "broadcast_tensors": lambda m: m.broadcast_tensors(m.zeros(2, 1), m.arange(3.0)),
    "broadcast_shapes": lambda m: m.broadcast_shapes((2, 1), (3,), (1, 1, 1)),
    "broadcast_shapes_ints": lambda m: m.broadcast_shapes(3, (2, 1)),
    "cartesian_prod": lambda m: m.cartesian_prod(ints(m, [1, 2]), ints(m, [3, 4, 5])),
    "cartesian_prod_one": lambda m: m.cartesian_prod(ints(m, [1, 2])),
    "combinations": lambda m: m.combinations(ints(m, [1, 2, 3])),
    "combinations_replacement": lambda m: m.combinations(ints(m, [1, 2, 3]), 3, True),
    "combinations_r0": lambda m: m.combinations(ints(m, [1, 2, 3]), 0),
    "combinations_too_many": lambda m: m.combinations(f32(m, [1.0, 2.0, 3.0]), 4),
    "movedim": lambda m: m.movedim(m.zeros(1, 2, 3), 0, -1).shape,
    "moveaxis": lambda m: m.moveaxis(m.zeros(1, 2, 3), (0, 1), (2, 0)).shape,
    "vstack_out": lambda m: m.vstack([f32(m, [1.0]), f32(m, [2.0])], out=m.zeros(0)),
}

EXPECTED = {
    "tensor_split_sections": [("int64", [0, 1, 2]), ("int64", [3, 4]), ("int64", [5, 6])],
    "tensor_split_indices": [
        ("float32", [[0.0], [4.0], [8.0]]),
        ("float32", [[1.0, 2.0], [5.0, 6.0], [9.0, 10.0]]),
        ("float32", [[3.0], [7.0], [11.0]]),
    ],
    "tensor_split_indices_clipped": [
        ("float32", [[0.0, 1.0, 2.0], [4.0, 5.0, 6.0], [8.0, 9.0, 10.0]]),
        ("float32", [[3.0], [7.0], [11.0]]),
        ("float32", [], [3, 0]),
    ],
    "tensor_split_tensor_0d": [
        ("float32", [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]),
        ("float32", [[8.0, 9.0, 10.0, 11.0]]),
    ],
    "tensor_split_tensor_1d": [
        ("float32", [[0.0, 1.0, 2.0, 3.0]]),
        ("float32", [[4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]]),
    ],
    "hsplit": [
        ("float32", [[0.0, 1.0], [4.0, 5.0], [8.0, 9.0]]),
        ("float32", [[2.0, 3.0], [6.0, 7.0], [10.0, 11.0]]),
    ],
    "hsplit_vector": [("int64", [0, 1]), ("int64", [2, 3, 4, 5])],
    "vsplit": [
        ("float32", [[0.0, 1.0, 2.0, 3.0]]),
        ("float32", [[4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]]),
    ],
    "dsplit": [
        ("float32", [[[0.0, 1.0], [4.0, 5.0]], [[8.0, 9.0], [12.0, 13.0]]]),
        ("float32", [[[2.0, 3.0], [6.0, 7.0]], [[10.0, 11.0], [14.0, 15.0]]]),
    ],
    "split_with_sizes": [("int64", [0, 1]), ("int64", [2, 3, 4])],
    "split_with_sizes_fn": [
        ("float32", [[0.0], [4.0], [8.0]]),
        ("float32", [[1.0, 2.0, 3.0], [5.0, 6.0, 7.0], [9.0, 10.0, 11.0]]),
    ],
    "unsafe_split": [
        ("float32", [[0.0, 1.0], [4.0, 5.0], [8.0, 9.0]]),
        ("float32", [[2.0, 3.0], [6.0, 7.0], [10.0, 11.0]]),
    ],
    "unsafe_chunk": [
        ("float32", [[0.0, 1.0], [4.0, 5.0], [8.0, 9.0]]),
        ("float32", [[2.0, 3.0], [6.0, 7.0], [10.0, 11.0]]),
    ],
    "narrow_copy": ("float32", [[1.0, 2.0], [5.0, 6.0], [9.0, 10.0]]),
    "hstack": ("int64", [1, 2, 3]),
    "hstack_0d": ("int64", [1, 2]),
    "hstack_2d": (
        "float32",
        [[0.0, 1.0, 2.0, 3.0, 0.0], [4.0, 5.0, 6.0, 7.0, 4.0], [8.0, 9.0, 10.0, 11.0, 8.0]],
    ),
    "hstack_promotes": ("float32", [1.0, 2.0, 3.0]),
    "vstack": ("int64", [[1, 2], [3, 4], [5, 6]]),
    "vstack_0d": ("int64", [[1], [2]]),
    "row_stack": ("int64", [[1, 2], [3, 4]]),
    "dstack": ("int64", [[[1, 3], [2, 4]]]),
    "dstack_2d": (
        "float32",
        [
            [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]],
            [[4.0, 4.0], [5.0, 5.0], [6.0, 6.0], [7.0, 7.0]],
            [[8.0, 8.0], [9.0, 9.0], [10.0, 10.0], [11.0, 11.0]],
        ],
    ),
    "column_stack": ("int64", [[1, 3, 5], [2, 4, 6]]),
    "column_stack_0d": ("int64", [[1, 2]]),
    "atleast_1d": ("float32", [1.0]),
    "atleast_1d_many": [("float32", [1.0]), ("float32", [2.0])],
    "atleast_2d_list": [
        ("float32", [[1.0]]),
        ("float32", [[1.0, 2.0]]),
        ("float32", [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]]),
    ],
    "atleast_3d": [
        ("float32", [[[1.0]]]),
        ("float32", [[[1.0], [2.0]]]),
        ("float32", [[[0.0], [0.0], [0.0]], [[0.0], [0.0], [0.0]]]),
    ],
    "rot90": ("float32", [[3.0, 7.0, 11.0], [2.0, 6.0, 10.0], [1.0, 5.0, 9.0], [0.0, 4.0, 8.0]]),
    "rot90_negative": (
        "float32",
        [[8.0, 4.0, 0.0], [9.0, 5.0, 1.0], [10.0, 6.0, 2.0], [11.0, 7.0, 3.0]],
    ),
    "rot90_twice": (
        "float32",
        [[11.0, 10.0, 9.0, 8.0], [7.0, 6.0, 5.0, 4.0], [3.0, 2.0, 1.0, 0.0]],
    ),
    "rot90_three_3d": (
        "float32",
        [[[1.0, 7.0], [3.0, 9.0], [5.0, 11.0]], [[0.0, 6.0], [2.0, 8.0], [4.0, 10.0]]],
    ),
    "rot90_zero": ("float32", [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]]),
    "squeeze_dims": ("float32", [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
    "squeeze_dims_negative": ("float32", [[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]),
    "broadcast_tensors": [
        ("float32", [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        ("float32", [[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]]),
    ],
    "broadcast_shapes": [1, 2, 3],
    "broadcast_shapes_ints": [2, 3],
    "cartesian_prod": ("int64", [[1, 3], [1, 4], [1, 5], [2, 3], [2, 4], [2, 5]]),
    "cartesian_prod_one": ("int64", [1, 2]),
    "combinations": ("int64", [[1, 2], [1, 3], [2, 3]]),
    "combinations_replacement": (
        "int64",
        [
            [1, 1, 1],
            [1, 1, 2],
            [1, 1, 3],
            [1, 2, 2],
            [1, 2, 3],
            [1, 3, 3],
            [2, 2, 2],
            [2, 2, 3],
            [2, 3, 3],
            [3, 3, 3],
        ],
    ),
    "combinations_r0": ("int64", [], [0]),
    "combinations_too_many": ("float32", [], [0, 4]),
    "movedim": [2, 3, 1],
    "moveaxis": [2, 3, 1],
    "vstack_out": ("float32", [[1.0], [2.0]]),
}

ERRORS = {
    "tensor_split_zero": (
        lambda m: m.tensor_split(grid(m), 0),
        "RuntimeError",
        "number of sections must be larger than 0, got 0",
    ),
    "tensor_split_float": (
        lambda m: m.tensor_split(grid(m), f32(m, [1.0])),
        "RuntimeError",
        "tensor_split expected tensor_indices_or_sections to have dtype of long, but got Float",
    ),
    "tensor_split_0d": (
        lambda m: m.tensor_split(f32(m, 1.0), 1),
        "RuntimeError",
        "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims",
    ),
    "hsplit_divisible": (
        lambda m: m.hsplit(grid(m), 3),
        "RuntimeError",
        "torch.hsplit attempted to split along dimension 1, but the size of the dimension 4 is "
        "not divisible by the split_size 3!",
    ),
    "hsplit_0d": (
        lambda m: m.hsplit(f32(m, 1.0), 1),
        "RuntimeError",
        "torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with 0",
    ),
    "vsplit_1d": (
        lambda m: m.vsplit(m.arange(6), 2),
        "RuntimeError",
        "torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with 1",
    ),
    "dsplit_2d": (
        lambda m: m.dsplit(grid(m), 2),
        "RuntimeError",
        "torch.dsplit requires a tensor with at least 3 dimension, but got a tensor with 2",
    ),
    "split_with_sizes_sum": (
        lambda m: m.split_with_sizes(m.arange(3), [1, 1]),
        "RuntimeError",
        r"split_with_sizes expects split_sizes to sum exactly to 3 \(input tensor's size at "
        r"dimension 0\), but got split_sizes=\[1, 1\]",
    ),
    "rot90_dims": (
        lambda m: m.rot90(grid(m), 1, [0]),
        "RuntimeError",
        "expected total rotation dims == 2, but got dims = 1",
    ),
    "rot90_rank": (
        lambda m: m.rot90(m.arange(3), 1),
        "RuntimeError",
        "expected total dims >= 2, but got total dims = 1",
    ),
    "rot90_same_dims": (
        lambda m: m.rot90(grid(m), 1, [0, -2]),
        "RuntimeError",
        "expected rotation dims to be different, but got dim0 = 0 and dim1 = -2",
    ),
    "rot90_dim_range": (
        lambda m: m.rot90(grid(m), 1, [0, 2]),
        "IndexError",
        r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)",
    ),
    "broadcast_tensors": (
        lambda m: m.broadcast_tensors(m.zeros(2, 1), m.zeros(2, 3, 4)),
        "RuntimeError",
        "The size of tensor a \\(2\\) must match the size of tensor b \\(3\\) at non-singleton "
        "dimension 1",
    ),
    "cartesian_prod_2d": (
        lambda m: m.cartesian_prod(ints(m, [[1, 2]])),
        "RuntimeError",
        r"Expect a 1D vector, but got shape \[1, 2\]",
    ),
    "combinations_negative": (
        lambda m: m.combinations(ints(m, [1, 2, 3]), -1),
        "RuntimeError",
        "Expect a non-negative number, but got -1",
    ),
    "hstack_tensor": (
        lambda m: m.hstack(f32(m, [1.0])),
        "TypeError",
        "must be (a )?tuple of Tensors, not Tensor|must be a sequence of Tensors, not Tensor",
    ),
}

RNG = np.random.default_rng(5)
X = RNG.uniform(-1, 1, (3, 4))
Y = RNG.uniform(-1, 1, (3, 4))
V = RNG.uniform(-1, 1, 4)

GRADS = {
    "tensor_split": (lambda x: fg.tensor_split(x, 3, dim=1), [X]),
    "hsplit": (lambda x: x.hsplit([1, 3]), [X]),
    "vstack": (lambda x, v: fg.vstack([x, v]), [X, V]),
    "dstack": (lambda x, y: fg.dstack([x, y]), [X, Y]),
    "column_stack": (lambda x, v: fg.column_stack([x.t(), v]), [X, V]),
    "rot90": (lambda x: fg.rot90(x, 3), [X]),
    "atleast_3d": (lambda v: fg.atleast_3d(v), [V]),
    "broadcast_tensors": (lambda x, v: fg.broadcast_tensors(x, v), [X, V]),
    "cartesian_prod": (lambda v, w: fg.cartesian_prod(v, w), [V, V[:2]]),
    "combinations": (lambda v: fg.combinations(v, 2, with_replacement=True), [V]),
    "squeeze_dims": (lambda x: x.reshape(1, 3, 1, 4).squeeze((0, 2)), [X]),
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


def test_splits_and_atleast_are_views():
    x = fg.zeros(3, 4)
    first = fg.tensor_split(x, 2, dim=1)[0]
    lifted = fg.atleast_3d(x)
    copied = fg.narrow_copy(x, 0, 0, 1)
    x.add_(1.0)
    assert first.sum().item() == 6.0
    assert lifted.sum().item() == 12.0
    assert copied.sum().item() == 0.0


def test_in_place_view_methods():
    x = fg.zeros(2, 3)
    row = x[0]
    assert x.unsqueeze_(0) is x and x.shape == (1, 2, 3)
    assert x.squeeze_(0).shape == (2, 3)
    assert x.t_().shape == (3, 2) and x.stride() == (1, 3)
    assert x.transpose_(0, 1).shape == (2, 3)
    assert x.swapaxes_(0, 1).swapdims_(0, 1).shape == (2, 3)
    x.add_(1.0)
    assert row.tolist() == [1.0, 1.0, 1.0]  # earlier views still share the elements
    assert fg.arange(6.0).as_strided_((2, 2), (1, 2)).tolist() == [[0.0, 2.0], [1.0, 3.0]]


def test_in_place_view_methods_under_autograd():
    # PyTorch 2.15: x.grad == 2 * w.T, y.grad_fn is the transpose's
    x = fg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    y = x * 2
    y.t_()
    assert y.shape == (3, 2) and y.grad_fn is not None
    w = fg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    (y * w).sum().backward()
    assert x.grad.tolist() == [[2.0, 6.0, 10.0], [4.0, 8.0, 12.0]]
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used"):
        fg.zeros(2, 3, requires_grad=True).t_()
