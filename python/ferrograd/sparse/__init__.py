"""``ferrograd.sparse``: sparse COO tensors and the functions PyTorch keeps in ``torch.sparse``.

A sparse tensor (``ferrograd.sparse_coo_tensor``, ``Tensor.to_sparse()``) is a ``Tensor`` in
the ``sparse_coo`` layout; see ``_coo.py`` for how it is held and ``_ops.py`` for how its
operations are composed of differentiable dense ops."""

from __future__ import annotations

from ._coo import SparseCooTensor
from ._ops import mm as _sparse_mm, softmax as _softmax, sum as _sum

__all__ = ["addmm", "log_softmax", "mm", "softmax", "sum"]


def mm(mat1, mat2, reduce=None):
    """The matrix product ``mat1 @ mat2``: sparse COO by dense gives dense, sparse by sparse
    gives sparse, dense by dense is ``ferrograd.mm``. Differentiable in the dense operand and
    in the sparse operand's values. ``reduce`` (for CSR tensors in PyTorch) is not
    supported."""
    if reduce is not None:
        raise NotImplementedError(
            f"sparse.mm: reduce={reduce!r} is only supported for sparse CSR tensors, which "
            "ferrograd does not have"
        )
    if isinstance(mat1, SparseCooTensor):
        return _sparse_mm(mat1, mat2)
    return mat1.mm(mat2)


def addmm(mat, mat1, mat2, *, beta=1.0, alpha=1.0):
    """``beta * mat + alpha * (mat1 @ mat2)`` with ``mat1`` sparse and ``mat`` dense."""
    return mat.addmm(mat1, mat2, beta=beta, alpha=alpha)


def sum(input, dim=None, dtype=None):
    """The sum of a sparse tensor's elements: a dense 0-d tensor without ``dim``; over ``dim``
    (an int or a sequence), sparse while sparse dimensions remain, dense once all are summed."""
    return _sum(input, dim, dtype=dtype)


def softmax(input, dim, *, dtype=None):
    """Softmax along ``dim`` over the stored entries (unstored ones count as ``-inf``, so they
    stay unstored), a sparse tensor with the coalesced input's indices."""
    return _softmax(input, dim, log=False, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """``log(softmax(input, dim))`` over the stored entries, computed stably."""
    return _softmax(input, dim, log=True, dtype=dtype)
