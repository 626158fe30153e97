"""Sparse COO tensors: construction, coalescing, conversion, products with gradients to the
dense operand and to the values, the sparse reductions and arithmetic, printing, errors, and
a graph of 100,000 nodes and 1,000,000 edges. Expected numbers were recorded from PyTorch 2.x
(``torch.sparse_coo_tensor`` with the same arguments)."""

from __future__ import annotations

import re
import resource
import time

import numpy as np
import pytest

import ferrograd as fg
from ferrograd.autograd import gradcheck, gradgradcheck
from helpers import assert_close

# An uncoalesced 3x3 matrix: (0, 2) is stored twice (3 and 1).
INDICES = [[0, 1, 1, 0, 2], [2, 0, 2, 2, 1]]
VALUES = [3.0, 4.0, 5.0, 1.0, -2.0]
DENSE = [[0.0, 0.0, 4.0], [4.0, 0.0, 5.0], [0.0, -2.0, 0.0]]
D = [[0.5, -1.0], [2.0, 0.25], [-1.5, 3.0]]


def sparse(dtype=fg.float32, **kwargs):
    return fg.sparse_coo_tensor(INDICES, fg.tensor(VALUES, dtype=dtype), (3, 3), **kwargs)


def other():
    return fg.sparse_coo_tensor([[0, 2, 1], [0, 1, 1]], [10.0, 20.0, 30.0], (3, 3))


def hybrid():
    """Sparse along dimension 0, each value a row of 2."""
    return fg.sparse_coo_tensor([[0, 2, 0]], [[1.0, 2.0], [3.0, 4.0], [5.0, -6.0]], (3, 2))


def indices_of(s) -> list:
    return s._indices().tolist()


# ----------------------------------------------------------------------------- construction


def test_a_sparse_tensor_is_a_tensor_in_the_sparse_layout():
    s = sparse()
    assert isinstance(s, fg.Tensor) and fg.is_tensor(s)
    assert s.is_sparse and s.layout is fg.sparse_coo
    assert s.shape == fg.Size([3, 3]) and s.size() == (3, 3) and s.size(-1) == 3
    assert (s.dim(), s.ndim, s.numel(), len(s)) == (2, 2, 9, 3)
    assert (s.sparse_dim(), s.dense_dim(), s._nnz()) == (2, 0, 5)
    assert s.dtype == fg.float32 and s.device == fg.device("cpu")
    assert not s.is_coalesced()
    assert indices_of(s) == INDICES and s._values().tolist() == VALUES
    assert s.type() == "torch.sparse.FloatTensor" and s.double().type() == (
        "torch.sparse.DoubleTensor"
    )
    dense = fg.ones(2, 3)
    assert not dense.is_sparse and dense.layout is fg.strided
    assert (dense.sparse_dim(), dense.dense_dim()) == (0, 2)


def test_size_is_inferred_from_the_indices_and_the_values():
    s = fg.sparse_coo_tensor([[0, 4], [1, 0]], [1.0, 2.0])
    assert s.shape == (5, 2)
    h = fg.sparse_coo_tensor([[1, 3]], [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert h.shape == (4, 3) and (h.sparse_dim(), h.dense_dim()) == (1, 1)
    empty = fg.sparse_coo_tensor(fg.zeros(2, 0, dtype=fg.int64), fg.zeros(0))
    assert empty.shape == (0, 0) and empty._nnz() == 0


def test_indices_of_any_integer_type_and_values_dtype():
    s = fg.sparse_coo_tensor(fg.tensor([[0, 1]], dtype=fg.int32), [1, 2])
    assert s._indices().dtype == fg.int64 and s.dtype == fg.int64
    s = fg.sparse_coo_tensor([[0, 1]], [1, 2], dtype=fg.float64)
    assert s.dtype == fg.float64 and s.to_dense().tolist() == [1.0, 2.0]
    s = fg.sparse_coo_tensor(fg.tensor([[True, False]]), [1.0, 2.0])
    assert indices_of(s) == [[1, 0]]


def test_the_size_alone_makes_an_empty_tensor():
    s = fg.sparse_coo_tensor((2, 3))
    assert s.shape == (2, 3) and s._nnz() == 0 and indices_of(s) == [[], []]
    assert s.to_dense().tolist() == [[0.0] * 3] * 2


def test_at_most_one_entry_is_coalesced_and_is_coalesced_is_checked():
    assert fg.sparse_coo_tensor([[1]], [1.0], (3,)).is_coalesced()
    assert fg.sparse_coo_tensor(fg.zeros(1, 0, dtype=fg.int64), fg.zeros(0), (3,)).is_coalesced()
    s = fg.sparse_coo_tensor([[0, 2]], [1.0, 2.0], (3,), is_coalesced=True)
    assert s.is_coalesced()
    for unsorted in ([[1, 0]], [[0, 0]]):
        with pytest.raises(RuntimeError, match="cannot set is_coalesced to true"):
            fg.sparse_coo_tensor(unsorted, [1.0, 2.0], (3,), is_coalesced=True)


def test_values_are_shared_not_copied():
    values = fg.tensor(VALUES)
    s = fg.sparse_coo_tensor(INDICES, values, (3, 3))
    values.mul_(2)
    assert s._values().tolist() == [2 * v for v in VALUES]


@pytest.mark.parametrize(
    "make, error, message",
    [
        (
            lambda: fg.sparse_coo_tensor([[0, 5]], [1.0, 2.0], (3,)),
            RuntimeError,
            "size is inconsistent with indices: for dim 0, size is 3 but found index 5",
        ),
        (
            lambda: fg.sparse_coo_tensor([[0, -1]], [1.0, 2.0], (3,)),
            RuntimeError,
            "found negative index -1 for dim 0",
        ),
        (
            lambda: fg.sparse_coo_tensor([[0, -1]], [1.0, 2.0]),
            RuntimeError,
            "found negative index -1 for dim 0",
        ),
        (
            lambda: fg.sparse_coo_tensor([[0, 1]], [1.0, 2.0, 3.0], (3,)),
            RuntimeError,
            "indices and values must have same nnz, but got nnz from indices: 2, nnz from "
            "values: 3",
        ),
        (lambda: fg.sparse_coo_tensor([[0, 1]], 5.0), RuntimeError, "nnz from values: 1"),
        (
            lambda: fg.sparse_coo_tensor([0, 1], [1.0, 2.0]),
            RuntimeError,
            "indices must be sparse_dim x nnz, but got: [2]",
        ),
        (
            lambda: fg.sparse_coo_tensor([[0, 1]], [1.0, 2.0], (3, 3)),
            RuntimeError,
            "'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = 2, "
            "sparse_dim = 1, dense_dim = 0",
        ),
        (
            lambda: fg.sparse_coo_tensor([[0, 1]], [[1.0, 2.0], [3.0, 4.0]], (3, 3)),
            RuntimeError,
            "values has incorrect size, expected [2, 3], got [2, 2]",
        ),
        (
            lambda: fg.sparse_coo_tensor([[0, 1]], [1, 2], requires_grad=True),
            RuntimeError,
            "Only Tensors of floating point and complex dtype can require gradients",
        ),
        (
            lambda: fg.sparse_coo_tensor([[0, 1]], sparse()),
            RuntimeError,
            "values must be a dense tensor",
        ),
    ],
)
def test_construction_errors(make, error, message):
    with pytest.raises(error, match=re.escape(message)):
        make()


# ----------------------------------------------------------------------------- printing


def test_printing_follows_pytorch():
    s = sparse(fg.float64, requires_grad=True)
    assert repr(s) == (
        "tensor(indices=tensor([[0, 1, 1, 0, 2],\n"
        "                       [2, 0, 2, 2, 1]]),\n"
        "       values=tensor([ 3.,  4.,  5.,  1., -2.]),\n"
        "       size=(3, 3), nnz=5, dtype=ferrograd.float64, layout=ferrograd.sparse_coo,\n"
        "       requires_grad=True)"
    )
    assert repr(hybrid()) == (
        "tensor(indices=tensor([[0, 2, 0]]),\n"
        "       values=tensor([[ 1.,  2.],\n"
        "                      [ 3.,  4.],\n"
        "                      [ 5., -6.]]),\n"
        "       size=(3, 2), nnz=3, layout=ferrograd.sparse_coo)"
    )
    empty = fg.sparse_coo_tensor(fg.zeros(2, 0, dtype=fg.int64), fg.zeros(0, 3), (2, 4, 3))
    assert repr(empty) == (
        "tensor(indices=tensor([], size=(2, 0)),\n"
        "       values=tensor([], size=(0, 3)),\n"
        "       size=(2, 4, 3), nnz=0, layout=ferrograd.sparse_coo)"
    )
    ints = fg.sparse_coo_tensor(INDICES, fg.tensor([1, 2, 3, 4, 5], dtype=fg.int32), (3, 3))
    assert repr(ints).endswith(
        "size=(3, 3), nnz=5, dtype=ferrograd.int32, layout=ferrograd.sparse_coo)"
    )
    assert str(s) == repr(s)


# ----------------------------------------------------------------------------- layout changes


def test_coalesce_sums_duplicates_and_sorts_by_position():
    s = sparse()
    c = s.coalesce()
    assert c.is_coalesced() and c.coalesce() is c
    assert indices_of(c) == [[0, 1, 1, 2], [2, 0, 2, 1]]
    assert c.values().tolist() == [4.0, 4.0, 5.0, -2.0]
    assert c.indices().tolist() == indices_of(c)
    assert s._nnz() == 5, "coalesce makes a new tensor"


def test_coalesce_of_bool_hybrid_and_dimensionless_tensors():
    b = fg.sparse_coo_tensor([[0, 0], [1, 1]], [True, True]).coalesce()
    assert indices_of(b) == [[0], [1]] and b.values().tolist() == [True]
    h = fg.sparse_coo_tensor([[2, 0, 2]], [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], (3, 2))
    assert h.coalesce().values().tolist() == [[3.0, 4.0], [6.0, 8.0]]
    scalar = fg.sparse_coo_tensor(fg.zeros(0, 2, dtype=fg.int64), fg.ones(2, 3))
    assert scalar.shape == (3,) and scalar.to_dense().tolist() == [2.0, 2.0, 2.0]
    assert scalar.coalesce()._nnz() == 1


def test_indices_and_values_need_a_coalesced_tensor():
    with pytest.raises(RuntimeError, match="Cannot get values on an uncoalesced tensor"):
        sparse().values()
    with pytest.raises(RuntimeError, match="Cannot get indices on an uncoalesced tensor"):
        sparse().indices()
    with pytest.raises(RuntimeError, match="coalesce expected sparse coordinate tensor layout"):
        fg.ones(2).coalesce()


def test_to_dense_sums_duplicates():
    assert sparse().to_dense().tolist() == DENSE
    assert hybrid().to_dense().tolist() == [[6.0, -4.0], [0.0, 0.0], [3.0, 4.0]]
    assert sparse().int().to_dense().dtype == fg.int32
    both = fg.sparse_coo_tensor([[0, 0], [1, 1]], [True, True]).to_dense()
    assert both.tolist() == [[False, True]]
    assert fg.tensor(2.0).to_sparse().to_dense().item() == 2.0
    with pytest.raises(RuntimeError, match="dtype argument is not supported"):
        sparse().to_dense(fg.float64)


def test_to_sparse_of_a_dense_tensor():
    x = fg.tensor([[0.0, 1.5, 0.0], [2.0, 0.0, -3.0]])
    s = x.to_sparse()
    assert s.is_coalesced() and indices_of(s) == [[0, 1, 1], [1, 0, 2]]
    assert s._values().tolist() == [1.5, 2.0, -3.0]
    rows = x.to_sparse(1)
    assert indices_of(rows) == [[0, 1]] and rows.values().tolist() == x.tolist()
    assert x.to_sparse(dense_dim=1).shape == (2, 3)
    assert x.to_sparse(layout=fg.strided) is x and s.to_sparse() is s and x.to_dense() is x
    nan = fg.tensor([[1.0, float("nan")], [0.0, 2.0]]).to_sparse()
    assert indices_of(nan) == [[0, 0, 1], [0, 1, 1]]
    assert fg.tensor(0.0).to_sparse()._nnz() == 0 and fg.tensor(2.0).to_sparse()._nnz() == 1
    with pytest.raises(RuntimeError, match=r"sparse_dim argument must be in \[0,2\] range"):
        x.to_sparse(3)
    with pytest.raises(RuntimeError, match="sparse_dim argument must be in >0"):
        x.to_sparse(0)
    with pytest.raises(RuntimeError, match="conversion from Sparse to Sparse"):
        s.to_sparse(1)


def test_sparse_mask_reads_a_dense_tensor_at_the_stored_positions():
    mask = sparse().coalesce()
    picked = fg.arange(9.0).reshape(3, 3).sparse_mask(mask)
    assert picked._values().tolist() == [2.0, 3.0, 5.0, 7.0]
    assert indices_of(picked) == indices_of(mask)
    with pytest.raises(RuntimeError, match="operands have incompatible sizes"):
        fg.ones(2, 2).sparse_mask(mask)


def test_transpose_select_and_indexing():
    s = sparse()
    assert indices_of(s.t()) == [[2, 0, 2, 2, 1], [0, 1, 1, 0, 2]]
    assert s.T.to_dense().tolist() == np.array(DENSE).T.tolist()
    assert s.mT.shape == (3, 3) and not s.coalesce().t().is_coalesced()
    row = s[1]
    assert row.shape == (3,) and indices_of(row) == [[0, 2]] and row._values().tolist() == [4, 5]
    column = s.select(1, 2)
    assert indices_of(column) == [[0, 1, 0]] and column._values().tolist() == [3.0, 5.0, 1.0]
    assert s[-1].to_dense().tolist() == [0.0, -2.0, 0.0]
    assert hybrid().select(1, 0).to_dense().tolist() == [6.0, 0.0, 3.0]
    assert hybrid().transpose(0, 0).shape == (3, 2)
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        s[5]
    with pytest.raises(NotImplementedError, match="as_strided"):
        s[0:1]
    with pytest.raises(RuntimeError, match="sparse transpose: transposed dimensions must be"):
        hybrid().transpose(0, 1)
    with pytest.raises(RuntimeError, match="t\\(\\) expects a tensor with <= 2 sparse and 0 dense"):
        hybrid().t()


def test_cat_stack_and_unsqueeze():
    joined = fg.cat([sparse(), other()])
    assert joined.shape == (6, 3)
    assert indices_of(joined) == [[0, 1, 1, 0, 2, 3, 5, 4], [2, 0, 2, 2, 1, 0, 1, 1]]
    side = fg.cat([sparse(), other()], 1)
    assert side.shape == (3, 6)
    assert indices_of(side) == [[0, 1, 1, 0, 2, 0, 2, 1], [2, 0, 2, 2, 1, 3, 4, 4]]
    stacked = fg.stack([sparse(), other()])
    assert stacked.shape == (2, 3, 3) and indices_of(stacked)[0] == [0] * 5 + [1] * 3
    assert stacked.to_dense()[1].tolist() == other().to_dense().tolist()
    wide = fg.cat([hybrid(), hybrid()], 1)
    assert wide.to_dense().tolist() == [[6.0, -4.0, 6.0, -4.0], [0.0] * 4, [3.0, 4.0, 3.0, 4.0]]
    assert hybrid().unsqueeze(2).to_dense().shape == (3, 2, 1)
    with pytest.raises(RuntimeError, match="all tensors must be sparse"):
        fg.cat([sparse(), fg.ones(3, 3)])


# ----------------------------------------------------------------------------- products

PRODUCT = [[-6.0, 12.0], [-5.5, 11.0], [-4.0, -0.5]]


@pytest.mark.parametrize(
    "multiply",
    [
        lambda s, d: fg.sparse.mm(s, d),
        lambda s, d: fg.mm(s, d),
        lambda s, d: fg.spmm(s, d),
        lambda s, d: fg.matmul(s, d),
        lambda s, d: s @ d,
        lambda s, d: s.mm(d),
        lambda s, d: s.matmul(d),
    ],
)
def test_sparse_times_dense(multiply):
    out = multiply(sparse(), fg.tensor(D))
    assert not out.is_sparse
    assert_close(out, PRODUCT)


def test_products_with_vectors_dense_left_operands_and_addmm():
    s = sparse()
    vector = fg.tensor([1.0, -2.0, 0.5])
    assert_close(s @ vector, [2.0, 6.5, 4.0])
    assert_close(vector @ s, [-8.0, -1.0, -6.0])
    assert_close(fg.tensor(D).t() @ s, [[8.0, 3.0, 12.0], [1.0, -6.0, -2.75]])
    assert_close(fg.mm(fg.tensor(D).t(), s), [[8.0, 3.0, 12.0], [1.0, -6.0, -2.75]])
    expected = [[-11.5, 24.5], [-10.5, 22.5], [-7.5, -0.5]]
    assert_close(fg.sparse.addmm(fg.ones(3, 2), s, fg.tensor(D), beta=0.5, alpha=2.0), expected)
    assert_close(fg.addmm(fg.ones(3, 2), s, fg.tensor(D), beta=0.5, alpha=2.0), expected)
    row = fg.sparse_coo_tensor([[0, 1]], [1.0, 2.0])
    assert_close(row @ fg.ones(2, 2), [3.0, 3.0])


def test_sparse_times_sparse_is_sparse():
    square = sparse() @ sparse().t()
    assert square.is_sparse and square.is_coalesced()
    assert indices_of(square) == [[0, 0, 1, 1, 2], [0, 1, 0, 1, 2]]
    assert square.values().tolist() == [16.0, 20.0, 20.0, 41.0, 4.0]


@pytest.mark.parametrize(
    "multiply, error, message",
    [
        (
            lambda: fg.sparse.mm(sparse(), fg.ones(2, 2)),
            RuntimeError,
            r"mat1 and mat2 shapes cannot be multiplied \(3x3 and 2x2\)",
        ),
        (
            lambda: fg.sparse.mm(sparse(), fg.ones(3, 2, dtype=fg.float64)),
            RuntimeError,
            "expected mat1 and mat2 to have the same dtype",
        ),
        (
            lambda: fg.sparse.mm(hybrid(), fg.ones(2, 4)),
            RuntimeError,
            "addmm: matrices expected, got 1D tensor",
        ),
        (
            lambda: fg.sparse.mm(
                fg.sparse_coo_tensor([[0, 1], [1, 0]], fg.ones(2, 2)), fg.ones(2, 2)
            ),
            RuntimeError,
            "addmm: scalar values expected, got 1D values",
        ),
        (lambda: sparse() @ fg.ones(2, 3, 3), RuntimeError, "batched products are not supported"),
        (
            lambda: fg.sparse_coo_tensor([[0, 1]], [1.0, 2.0]) @ fg.ones(2),
            NotImplementedError,
            "aten::dot",
        ),
        (
            lambda: fg.sparse.mm(sparse(), fg.ones(3, 2), reduce="sum"),
            NotImplementedError,
            "only supported for sparse CSR tensors",
        ),
        (lambda: sparse().matmul(3), TypeError, "must be Tensor"),
    ],
)
def test_product_errors(multiply, error, message):
    with pytest.raises(error, match=message):
        multiply()


# ----------------------------------------------------------------------------- gradients


def test_mm_gradients_match_pytorch():
    values = fg.tensor(VALUES, requires_grad=True)
    dense = fg.tensor(D, requires_grad=True)
    out = fg.sparse.mm(fg.sparse_coo_tensor(INDICES, values, (3, 3)), dense)
    out.backward(fg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    assert_close(values.grad, [4.5, -2.5, 7.5, 4.5, 11.5])
    assert_close(dense.grad, [[12.0, 16.0], [-10.0, -12.0], [19.0, 28.0]])


def test_a_sparse_leaf_gets_a_sparse_gradient_on_its_own_indices():
    s = sparse(requires_grad=True)
    assert s.is_leaf and s.requires_grad and s.grad is None
    fg.sparse.mm(s, fg.tensor(D)).backward(fg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    grad = s.grad
    assert grad.is_sparse and indices_of(grad) == INDICES
    assert grad._values().tolist() == [4.5, -2.5, 7.5, 4.5, 11.5]
    (found,) = fg.autograd.grad(fg.sparse.mm(s, fg.tensor(D)).sum(), s)
    assert found.is_sparse and found._values().tolist() == [1.5, -0.5, 1.5, 1.5, 2.25]
    fg.sparse.mm(s, fg.tensor(D)).sum().backward(inputs=[s])
    assert s.grad._values().tolist() == [6.0, -3.0, 9.0, 6.0, 13.75]
    s.grad = None
    assert s.grad is None
    with pytest.raises(RuntimeError, match="must be a sparse tensor with its size and indices"):
        s.grad = fg.ones(3, 3)


def test_values_given_to_sparse_coo_tensor_are_differentiable():
    values = fg.tensor(VALUES, requires_grad=True)
    s = fg.sparse_coo_tensor(INDICES, values, (3, 3))
    assert s.requires_grad and not s.is_leaf and s.grad_fn is not None
    (s.to_dense() * fg.arange(9.0).reshape(3, 3)).sum().backward()
    assert values.grad.tolist() == [2.0, 3.0, 5.0, 2.0, 7.0]
    values.grad = None
    coalesced = fg.sparse_coo_tensor(INDICES, values, (3, 3)).coalesce()
    (coalesced.values() * fg.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert values.grad.tolist() == [1.0, 2.0, 3.0, 1.0, 4.0]


def _v64():
    return fg.tensor(VALUES, dtype=fg.float64, requires_grad=True)


def _d64():
    return fg.tensor(D, dtype=fg.float64, requires_grad=True)


def _s(values):
    return fg.sparse_coo_tensor(INDICES, values, (3, 3))


@pytest.mark.parametrize(
    "function, inputs",
    [
        (lambda v, d: fg.sparse.mm(_s(v), d), lambda: (_v64(), _d64())),
        (lambda v, d: d.t() @ _s(v), lambda: (_v64(), _d64())),
        (lambda v, d: fg.sparse.addmm(d, _s(v), d, beta=0.5, alpha=2.0), lambda: (_v64(), _d64())),
        (lambda v: (_s(v) @ _s(v).t()).to_dense(), lambda: (_v64(),)),
        (lambda v: _s(v).to_dense(), lambda: (_v64(),)),
        (lambda v: _s(v).coalesce().values(), lambda: (_v64(),)),
        (lambda v: fg.sparse.sum(_s(v), 1).to_dense(), lambda: (_v64(),)),
        (lambda v: fg.sparse.softmax(_s(v), 1).to_dense(), lambda: (_v64(),)),
        (lambda v: fg.sparse.log_softmax(_s(v), 0).to_dense(), lambda: (_v64(),)),
        (lambda v: (_s(v) * _s(v).t() + _s(v) * 3.0).to_dense(), lambda: (_v64(),)),
        (lambda v, d: (_s(v) * d[:, :1]).to_dense(), lambda: (_v64(), _d64())),
        (
            lambda x: x.to_sparse().to_dense() * 2.0,
            lambda: (fg.tensor(D, dtype=fg.float64, requires_grad=True),),
        ),
    ],
)
def test_gradcheck(function, inputs):
    assert gradcheck(function, inputs())
    assert gradgradcheck(function, inputs())


def test_forward_mode_tangents_pass_through_the_values():
    import ferrograd.autograd.forward_ad as fwAD

    tangent = fg.tensor([1.0, 0.0, 0.5, -1.0, 2.0], dtype=fg.float64)
    dense = fg.tensor(D, dtype=fg.float64)
    with fwAD.dual_level():
        values = fwAD.make_dual(fg.tensor(VALUES, dtype=fg.float64), tangent)
        out = fg.sparse.mm(_s(values).coalesce(), dense)
        found = fwAD.unpack_dual(out).tangent
    # the product is linear in the values: its tangent is the product of the tangent
    assert_close(found, fg.sparse.mm(_s(tangent), dense).numpy())


# ----------------------------------------------------------------------------- arithmetic


def test_sums_of_sparse_tensors_are_coalesced():
    total = sparse() + other()
    assert total.is_sparse and total.is_coalesced()
    assert_close(total.to_dense(), np.array(DENSE) + other().to_dense().numpy())
    difference = sparse().add(other(), alpha=-2)
    assert_close(difference.to_dense(), np.array(DENSE) - 2 * other().to_dense().numpy())
    assert_close((sparse() - other()).to_dense(), np.array(DENSE) - other().to_dense().numpy())
    s = sparse()
    assert (s + s)._nnz() == 5 and (s + s)._values().tolist() == [2 * v for v in VALUES]
    mixed = fg.sparse_coo_tensor(INDICES, [1, 2, 3, 4, 5], (3, 3)) + sparse()
    assert mixed.dtype == fg.float32


def test_dense_plus_sparse_is_dense():
    assert_close(fg.ones(3, 3) + sparse(), np.array(DENSE) + 1)
    assert_close(fg.ones(3, 3) - sparse(), 1 - np.array(DENSE))
    assert (fg.ones(3, 3, dtype=fg.float64) + sparse()).dtype == fg.float64


def test_scaling_and_products_with_dense_and_sparse_operands():
    s = sparse()
    for scaled in (s * 2, 2 * s, s.mul(2), s * fg.tensor(2.0)):
        assert scaled.is_sparse and scaled._values().tolist() == [2 * v for v in VALUES]
    assert (s / 2)._values().tolist() == [v / 2 for v in VALUES]
    assert (-s)._values().tolist() == [-v for v in VALUES]
    assert (fg.sparse_coo_tensor([[0, 1]], [3, 4]) // 2)._values().tolist() == [1, 2]
    by_column = s * fg.tensor([1.0, 10.0, 100.0])
    assert by_column.is_sparse and by_column._values().tolist() == [300.0, 4.0, 500.0, 100.0, -20.0]
    assert_close((s * other()).to_dense(), [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, -40.0, 0.0]])
    assert (s * s).is_coalesced()


def test_zero_preserving_functions_apply_to_the_coalesced_values():
    s = sparse()
    absolute = s.abs()
    assert absolute.is_coalesced() and indices_of(absolute) == [[0, 1, 1, 2], [2, 0, 2, 1]]
    assert absolute.values().tolist() == [4.0, 4.0, 5.0, 2.0]
    assert_close(abs(s).sqrt().values(), [2.0, 2.0, 2.2360680103302, 1.4142135381698608])
    assert s.pow(2).values().tolist() == [16.0, 16.0, 25.0, 4.0]
    assert s.relu().values().tolist() == [4.0, 4.0, 5.0, 0.0]
    with pytest.raises(RuntimeError, match="cannot raise to zeroth power"):
        s.pow(0)


@pytest.mark.parametrize(
    "operation, error, message",
    [
        (lambda: sparse() + 1, RuntimeError, r"add\(sparse, dense\) is not supported"),
        (lambda: sparse() + fg.ones(3, 3), RuntimeError, r"add\(sparse, dense\) is not supported"),
        (lambda: fg.ones(2, 3) + sparse(), RuntimeError, "dense-sparse addition does not"),
        (
            lambda: sparse() + fg.sparse_coo_tensor([[0], [0]], [1.0], (3, 2)),
            RuntimeError,
            r"expected sizes of 'self' and 'other' to match, but \[3, 3\] != \[3, 2\]",
        ),
        (
            lambda: sparse() + fg.sparse_coo_tensor([[0]], [[1.0, 2.0, 3.0]], (3, 3)),
            RuntimeError,
            "to have same density",
        ),
        (
            lambda: sparse() / sparse(),
            RuntimeError,
            "Sparse division requires a scalar or zero-dim dense tensor divisor",
        ),
        (lambda: 2 / sparse(), NotImplementedError, "is not implemented for sparse tensors"),
        (lambda: sparse() * fg.ones(4, 3), RuntimeError, "must match the size"),
        (lambda: sparse().mul("a"), TypeError, "must be Tensor or Number"),
    ],
)
def test_arithmetic_errors(operation, error, message):
    with pytest.raises(error, match=message):
        operation()


# ----------------------------------------------------------------------------- reductions


def test_sum_over_all_or_some_dimensions():
    s = sparse()
    assert s.sum().item() == 11.0 and not s.sum().is_sparse
    assert fg.sparse.sum(s).item() == 11.0
    assert fg.sparse.sum(s, dtype=fg.float64).dtype == fg.float64
    rows = fg.sparse.sum(s, 1)
    assert rows.is_sparse and rows.is_coalesced() and rows.to_dense().tolist() == [4.0, 9.0, -2.0]
    assert s.sum(0).to_dense().tolist() == [4.0, -2.0, 9.0]
    assert s.sum(-1).to_dense().tolist() == [4.0, 9.0, -2.0]
    both = fg.sparse.sum(s, [0, 1])
    assert not both.is_sparse and both.item() == 11.0
    assert s.sum(1, keepdim=True).shape == (3, 1)
    assert fg.sparse_coo_tensor([[0, 1]], [1.0, 2.0]).sum((0,), keepdim=True).tolist() == [3.0]
    h = hybrid()
    assert fg.sparse.sum(h, 0).tolist() == [9.0, 0.0]
    assert fg.sparse.sum(h, 1).to_dense().tolist() == [2.0, 0.0, 7.0]
    with pytest.raises(IndexError, match="Dimension out of range"):
        fg.sparse.sum(s, 2)
    with pytest.raises(RuntimeError, match="dim 0 appears multiple times"):
        fg.sparse.sum(s, (0, 0))
    with pytest.raises(RuntimeError, match="expected sparse coordinate tensor layout"):
        fg.sparse.sum(fg.ones(2))


def test_softmax_over_the_stored_entries():
    s = sparse()
    assert_close(
        fg.sparse.softmax(s, 1).values(), [1.0, 0.2689414322376251, 0.7310585975646973, 1.0]
    )
    assert_close(
        fg.sparse.softmax(s, 0).values(), [0.2689414322376251, 1.0, 0.7310585975646973, 1.0]
    )
    assert_close(
        fg.sparse.log_softmax(s, 1).values(), [0.0, -1.31326162815094, -0.3132616877555847, 0.0]
    )
    h = hybrid()
    assert_close(
        fg.sparse.softmax(h, 1).values(),
        [[0.9999545812606812, 4.539786823443137e-05], [0.2689414322376251, 0.7310585975646973]],
    )
    assert_close(
        fg.sparse.softmax(h, 0).values(),
        [[0.9525741338729858, 0.00033535013790242374], [0.04742587357759476, 0.9996646642684937]],
    )
    assert fg.sparse.softmax(s, 1, dtype=fg.float64).dtype == fg.float64


# ----------------------------------------------------------------------------- conversions


def test_conversions_keep_the_indices():
    s = sparse()
    assert s.to(fg.float32) is s and s.float() is s and s.cpu() is s
    double = s.double()
    assert double.is_sparse and double.dtype == fg.float64 and indices_of(double) == INDICES
    assert s.to(fg.float64).dtype == fg.float64 and s.long()._values().dtype == fg.int64
    c = s.coalesce()
    assert c.double().is_coalesced() and c.detach().is_coalesced() and c.clone().is_coalesced()
    assert s.clone()._indices() is not s._indices()
    detached = sparse(requires_grad=True).detach()
    assert not detached.requires_grad and detached.is_sparse


def test_moving_to_a_device_moves_indices_and_values():
    from ferrograd import cuda
    from ferrograd.cuda._numpy_backend import NumpyTable

    previous = cuda.use_backend(NumpyTable())
    try:
        values = fg.tensor(VALUES, requires_grad=True)
        s = fg.sparse_coo_tensor(INDICES, values, (3, 3)).to("cuda")
        assert s.is_cuda and s._indices().is_cuda and s.type() == "torch.cuda.sparse.FloatTensor"
        assert "device='cuda:0'" in repr(s)
        out = fg.sparse.mm(s, fg.tensor(D, device="cuda"))
        assert out.is_cuda
        out.backward(fg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], device="cuda"))
        assert values.grad.tolist() == [4.5, -2.5, 7.5, 4.5, 11.5]
        assert s.coalesce().to_dense().cpu().tolist() == DENSE
        assert s.cpu().device == fg.device("cpu")
    finally:
        cuda.use_backend(previous)


# ----------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "operation",
    [
        lambda s: s.exp(),
        lambda s: s.view(9),
        lambda s: s.reshape(9),
        lambda s: s.mean(),
        lambda s: fg.exp(s),
        lambda s: s == s.clone(),
        lambda s: s < 1,
        lambda s: s.real,
        lambda s: s._clamp(0, 1),
        lambda s: s.add_(s),
    ],
)
def test_dense_only_operations_raise_not_implemented(operation):
    with pytest.raises(NotImplementedError, match="SparseCPU"):
        operation(sparse())


@pytest.mark.parametrize(
    "operation",
    [
        lambda s: fg.ones(3, 3).mul(s),
        lambda s: fg.where(fg.ones(3, 3) > 0, fg.ones(3, 3), s),
        lambda s: fg.maximum(fg.ones(3, 3), s),
        lambda s: fg.nn.functional.linear(fg.ones(2, 3), s),
        lambda s: fg.nn.functional.relu6(s),
    ],
)
def test_dense_operations_refuse_a_sparse_operand(operation):
    """The engine does not take a sparse tensor for a dense one (it would see only the
    values): a TypeError or NotImplementedError, never a result."""
    with pytest.raises((TypeError, NotImplementedError)):
        operation(sparse())


def test_what_has_no_dense_storage_says_so():
    s = sparse()
    with pytest.raises(TypeError, match="can't convert Sparse layout tensor to numpy"):
        s.numpy()
    with pytest.raises(TypeError, match="can't convert Sparse layout tensor to numpy"):
        np.asarray(s)
    with pytest.raises(RuntimeError, match="nbytes is not defined for sparse tensors"):
        _ = s.nbytes
    with pytest.raises(RuntimeError, match="doesn't have storage"):
        s.data_ptr()
    with pytest.raises(RuntimeError, match="a Tensor with 9 elements cannot be converted"):
        s.item()
    assert fg.sparse_coo_tensor([[0]], [2.0], (1,)).item() == 2.0
    assert not s.is_contiguous()
    with pytest.raises(AttributeError):
        _ = s.no_such_attribute
    with pytest.raises(TypeError, match=r"ferrograd\.sparse_coo_tensor"):
        type(s)()


# ----------------------------------------------------------------------------- scale


@pytest.mark.slow
def test_a_gcn_layer_on_a_graph_of_a_million_edges(capsys):
    """``sparse.mm(A, X @ W)`` forward and backward on 100,000 nodes and 1,000,000 edges: the
    product never densifies (A dense would take 40 GB), and its values check against NumPy."""
    nodes, edges, width = 100_000, 1_000_000, 16
    rng = np.random.default_rng(0)
    rows, cols = rng.integers(0, nodes, edges), rng.integers(0, nodes, edges)
    weights = rng.random(edges).astype(np.float32)
    features = rng.standard_normal((nodes, width)).astype(np.float32)
    start = time.perf_counter()
    adjacency = fg.sparse_coo_tensor(
        fg.from_numpy(np.stack([rows, cols])), fg.from_numpy(weights), (nodes, nodes)
    )
    weight = fg.tensor(rng.standard_normal((width, width)).astype(np.float32), requires_grad=True)
    hidden = fg.from_numpy(features) @ weight
    out = fg.sparse.mm(adjacency, hidden)
    out.sum().backward()
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with capsys.disabled():
        print(
            f"\nGCN layer, 1e5 nodes / 1e6 edges: forward+backward {elapsed:.2f} s, "
            f"peak RSS {peak_mb:.0f} MB"
        )
    assert out.shape == (nodes, width)
    projected = features.astype(np.float64) @ weight.detach().numpy().astype(np.float64)
    # summed over the rows, each edge (i, j, w) contributes w * projected[j]
    in_weight = np.bincount(cols, weights=weights, minlength=nodes)
    np.testing.assert_allclose(out.detach().numpy().sum(0), in_weight @ projected, rtol=1e-3)
    for node in rng.integers(0, nodes, 20):
        mine = rows == node
        expected = weights[mine] @ projected[cols[mine]]
        np.testing.assert_allclose(out[int(node)].detach().numpy(), expected, rtol=1e-3, atol=1e-3)
    # d(sum(A X W))/dW = X^T (A^T 1) 1^T: every column the same
    expected_grad = np.outer(features.astype(np.float64).T @ in_weight, np.ones(width))
    np.testing.assert_allclose(weight.grad.numpy(), expected_grad, rtol=1e-3)


def test_assigning_data_keeps_indices_and_values_consistent():
    s = sparse()
    alias = s.detach()
    alias.data = sparse() * 2
    assert s._values().tolist() == [2 * v for v in VALUES], "aliases share the values"
    with pytest.raises(RuntimeError, match="with the same size and indices"):
        alias.data = other()
    assert s.to_dense().tolist() == [[2 * v for v in row] for row in DENSE]


def test_printing_a_large_sparse_tensor_formats_only_what_shows():
    nnz = 1_000_000
    positions = fg.from_numpy(np.stack([np.arange(nnz) % 1000, np.arange(nnz) % 777]))
    values = fg.from_numpy(np.full(nnz, 0.5, dtype=np.float32))
    values[nnz // 2] = 1e9  # not shown: does not switch the format to scientific
    text = repr(fg.sparse_coo_tensor(positions, values, (1000, 777)))
    assert "values=tensor([0.5000, 0.5000, 0.5000," in text and "e+" not in text
    assert "nnz=1000000" in text
