"""Making sparse COO tensors: ``sparse_coo_tensor`` (with PyTorch's argument checks, the
invariant checks always on) and ``Tensor.to_sparse()`` of a dense tensor."""

from __future__ import annotations

import math
import operator

import numpy as np

from .._base import TensorBase
from .._ops_attributes import sparse_coo, strided
from . import _coo, _indices


def check_layout(layout) -> None:
    if layout not in (None, sparse_coo, strided):
        raise NotImplementedError(
            f"to_sparse: layout {layout} is not supported (ferrograd has the sparse COO layout "
            "only)"
        )


def _size_list(size) -> list:
    try:
        sizes = [operator.index(n) for n in size]
    except TypeError:
        raise TypeError(
            f"sparse_coo_tensor(): argument 'size' must be a sequence of ints, got {size!r}"
        ) from None
    for n in sizes:
        if n < 0:
            raise RuntimeError(f"sparse_coo_tensor(): negative dimension size {n} in {sizes}")
    return sizes


def _refuse_sparse(t, argument: str) -> None:
    if isinstance(t, _coo.SparseCooTensor):
        raise RuntimeError(
            f"sparse_coo_tensor(): {argument} must be a dense tensor, got a sparse one"
        )


def _index_tensor(indices):
    from .._creation import tensor

    _refuse_sparse(indices, "indices")
    if not isinstance(indices, TensorBase):
        indices = tensor(indices)
    if indices.ndim != 2:
        raise RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(indices.shape)}")
    return indices.detach().long()


def _empty(size, dtype, device, requires_grad):
    from .._creation import zeros

    indices = zeros(len(size), 0, dtype="int64", device=device)
    values = zeros(0, dtype=dtype, device=device)
    s = _coo.make(values, indices, size, True)
    return s.requires_grad_() if requires_grad else s


def sparse_coo_tensor(
    indices,
    values=None,
    size=None,
    *,
    dtype=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
    check_invariants=None,
    is_coalesced=None,
):
    """A sparse COO tensor with ``values[k]`` stored at the position in column ``k`` of
    ``indices`` (``(sparse_dim, nnz)``, any integer type; converted to int64). ``values`` is
    ``(nnz, *dense sizes)``; ``size`` defaults to one past the largest index in each sparse
    dimension followed by the dense sizes. The values are shared, not copied, and the result is
    differentiable in them. ``sparse_coo_tensor(size)`` is an empty tensor of that size.

    The index checks PyTorch makes with ``check_invariants=True`` (no negative index, each
    below its size, ``is_coalesced=True`` only for sorted distinct indices) are always made:
    they cost one pass over the indices and stop bad indices from reaching the kernels."""
    from .._creation import tensor
    from .._dtype import to_dtype

    if dtype is not None:
        dtype = to_dtype(dtype)
    if values is None:
        return _empty(_size_list(indices), dtype, device, requires_grad)
    indices = _index_tensor(indices)
    _refuse_sparse(values, "values")
    if not isinstance(values, TensorBase):
        values = tensor(values, dtype=dtype)
    if dtype is not None:
        values = values.to(dtype)
    if device is not None:
        values = values.to(device)
    sparse_dim, nnz = indices.shape
    if values.ndim == 0 or values.shape[0] != nnz:
        raise RuntimeError(
            f"indices and values must have same nnz, but got nnz from indices: {nnz}, nnz from "
            f"values: {values.shape[0] if values.ndim else 1}"
        )
    host = _indices.host(indices)
    dense_sizes = list(values.shape[1:])
    if size is None:
        smallest = host.min(axis=1) if nnz else np.zeros(sparse_dim, dtype=np.int64)
        for d, low in enumerate(smallest):
            if low < 0:
                raise RuntimeError(f"found negative index {low} for dim {d}")
        sizes = [int(n) + 1 for n in host.max(axis=1)] if nnz else [0] * sparse_dim
        sizes += dense_sizes
    else:
        sizes = _size_list(size)
        if len(sizes) != sparse_dim + len(dense_sizes):
            raise RuntimeError(
                "'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = "
                f"{len(sizes)}, sparse_dim = {sparse_dim}, dense_dim = {len(dense_sizes)}"
            )
        if sizes[sparse_dim:] != dense_sizes:
            raise RuntimeError(
                f"values has incorrect size, expected {[nnz, *sizes[sparse_dim:]]}, got "
                f"{list(values.shape)}"
            )
    _indices.check_bounds(host, sizes[:sparse_dim])
    if is_coalesced and not _indices.is_sorted_unique(host, sizes[:sparse_dim]):
        raise RuntimeError(
            "cannot set is_coalesced to true if indices correspond to uncoalesced COO tensor"
        )
    if indices.device != values.device:
        indices = indices.to(values.device)
    s = _coo.make(_coo.own(values), indices, sizes, bool(is_coalesced))
    if requires_grad:
        if not s.dtype.is_floating_point:
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        s.requires_grad_()
    return s


def dense_to_sparse(t, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    """The sparse COO form of a dense tensor: its first ``sparse_dim`` dimensions (all by
    default) indexed, an entry stored wherever any element of its slice is nonzero (NaN
    counts as nonzero); coalesced, and differentiable in ``t``."""
    check_layout(layout)
    if layout is strided:
        return t
    ndim = t.ndim
    if sparse_dim is None:
        sparse_dim = ndim if dense_dim is None else ndim - dense_dim
    sparse_dim = operator.index(sparse_dim)
    if not 0 <= sparse_dim <= ndim:
        raise RuntimeError(
            f"dense_to_sparse: sparse_dim argument must be in [0,{ndim}] range, but "
            f"{sparse_dim} is given"
        )
    if sparse_dim == 0 and ndim > 0:
        raise RuntimeError("dense_to_sparse: sparse_dim argument must be in >0 when self.dim()>0")
    sizes = tuple(t.shape[:sparse_dim])
    slots = math.prod(sizes)
    elements = t.detach().cpu().numpy()
    stored = (elements != 0).reshape(slots, math.prod(t.shape[sparse_dim:])).any(axis=1)
    positions = np.flatnonzero(stored)
    rows = t.reshape(slots, *t.shape[sparse_dim:])
    values = rows.index_select(0, _indices.to_device(positions, t.device))
    indices = _indices.to_device(_indices.unravel(positions, sizes), t.device)
    return _coo.make(values, indices, t.shape, True)
