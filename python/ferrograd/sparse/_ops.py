"""Operations on sparse COO tensors. Each is a composition of the engine's differentiable ops on
the values (``index_select`` to gather, ``index_add`` to scatter-sum, arithmetic), with the
index bookkeeping done on the host (``_indices``), so gradients, double backward and device
tensors need nothing of their own. No loop runs over the stored entries in Python."""

from __future__ import annotations

import math
import numbers
import operator

import numpy as np

from .. import _core
from .._base import TensorBase
from .._dtype import to_dtype
from . import _coo, _indices

# Methods of one tensor that map zero to zero, so they apply to the stored values of the
# coalesced tensor (as in PyTorch, which coalesces first: f(a + b) is not f(a) + f(b)).
ZERO_PRESERVING = """
    abs sqrt sin tan tanh asin atan sinh asinh atanh expm1 log1p ceil floor round trunc sign
    sgn relu square erf erfinv frac deg2rad rad2deg signbit isnan isinf isposinf isneginf
    nan_to_num positive conj
""".split()


def elementwise_method(name: str):
    def method(self, *args, **kwargs):
        coalesced = coalesce(self)
        values = getattr(_coo.plain(coalesced), name)(*args, **kwargs)
        return _coo.make(values, coalesced._indices(), coalesced.shape, True)

    method.__name__ = name
    method.__doc__ = f"``{name}`` of each stored value of the coalesced tensor (sparse result)."
    return method


def _sparse_sizes(s) -> tuple:
    return tuple(s.shape[: s.sparse_dim()])


def _index_tensor(array: np.ndarray, like):
    return _indices.to_device(array, like.device)


def _require_sparse(t, op: str) -> None:
    if not isinstance(t, _coo.SparseCooTensor):
        raise RuntimeError(f"{op} expected sparse coordinate tensor layout but got Strided")


# ---------------------------------------------------------------------- layout changes


def coalesce(s):
    """Duplicate positions summed into one entry, entries sorted by position (row-major)."""
    _require_sparse(s, "coalesce")
    if s.is_coalesced():
        return s
    distinct, inverse = _indices.unique_positions(_indices.host(s._indices()), _sparse_sizes(s))
    values = _core.index_add_zeros(_coo.plain(s), 0, _index_tensor(inverse, s), distinct.shape[1])
    return _coo.make(values, _index_tensor(distinct, s), s.shape, True)


def to_dense(s):
    """The dense tensor: each stored value added at its position (duplicates sum)."""
    sizes = _sparse_sizes(s)
    positions = _indices.linear(_indices.host(s._indices()), sizes)
    if positions is None:
        raise RuntimeError(f"to_dense: a dense tensor of size {list(s.shape)} is too large")
    flat = _core.index_add_zeros(_coo.plain(s), 0, _index_tensor(positions, s), math.prod(sizes))
    return flat.reshape(s.shape)


def sparse_mask(dense, mask):
    """``dense``'s elements at the positions ``mask`` (sparse) stores, as a sparse tensor with
    ``mask``'s indices; differentiable in ``dense``."""
    if not isinstance(mask, _coo.SparseCooTensor):
        raise NotImplementedError(
            "sparse_mask(): the mask must be a sparse COO tensor, got a strided tensor"
        )
    if tuple(dense.shape) != tuple(mask.shape):
        raise RuntimeError(
            "sparse_mask(): operands have incompatible sizes; self has size "
            f"{list(dense.shape)} but mask has size {list(mask.shape)}"
        )
    sizes = _sparse_sizes(mask)
    positions = _indices.linear(_indices.host(mask._indices()), sizes)
    rows = dense.reshape(math.prod(sizes), *mask.shape[mask.sparse_dim() :])
    values = rows.index_select(0, _index_tensor(positions, mask))
    return _coo.make(values, mask._indices(), mask.shape, mask.is_coalesced())


def _wrap(dim: int, ndim: int) -> int:
    from .._mixins.structure import wrap_dim

    return wrap_dim(dim, ndim)


def transpose(s, dim0: int, dim1: int):
    """Two sparse dimensions swapped (the index rows exchanged), or two dense ones (the
    values' dimensions)."""
    ndim, sparse_dim = s.ndim, s.sparse_dim()
    dim0, dim1 = _wrap(dim0, ndim), _wrap(dim1, ndim)
    size = list(s.shape)
    size[dim0], size[dim1] = size[dim1], size[dim0]
    values = _coo.plain(s)
    if dim0 < sparse_dim and dim1 < sparse_dim:
        order = list(range(sparse_dim))
        order[dim0], order[dim1] = order[dim1], order[dim0]
        indices = s._indices().index_select(0, _index_tensor(np.array(order), s))
        coalesced = s.is_coalesced() and dim0 == dim1
        return _coo.make(_coo.own(values), indices, size, coalesced)
    if dim0 >= sparse_dim and dim1 >= sparse_dim:
        shift = 1 - sparse_dim
        values = values.transpose(dim0 + shift, dim1 + shift)
        return _coo.make(values, s._indices(), size, s.is_coalesced())
    raise RuntimeError(
        "sparse transpose: transposed dimensions must be sparse Got sparse_dim: "
        f"{sparse_dim}, d0: {dim0}, d1: {dim1}"
    )


def t(s):
    if s.ndim > 2 or s.dense_dim() != 0:
        raise RuntimeError(
            "t() expects a tensor with <= 2 sparse and 0 dense dimensions, but got "
            f"{s.sparse_dim()} sparse and {s.dense_dim()} dense dimensions"
        )
    if s.ndim < 2:
        return _coo.make(_coo.own(_coo.plain(s)), s._indices(), s.shape, s.is_coalesced())
    return transpose(s, 0, 1)


def select(s, dim: int, index: int):
    """The slice at ``index`` along ``dim`` (a sparse tensor of one dimension fewer)."""
    dim = _wrap(dim, s.ndim)
    size = s.shape[dim]
    index = operator.index(index)
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
    index %= size
    rest = list(s.shape[:dim]) + list(s.shape[dim + 1 :])
    sparse_dim = s.sparse_dim()
    if dim >= sparse_dim:
        values = _coo.plain(s).select(dim - sparse_dim + 1, index)
        return _coo.make(values, s._indices(), rest, s.is_coalesced())
    host = _indices.host(s._indices())
    kept = np.flatnonzero(host[dim] == index)
    indices = np.delete(host, dim, axis=0)[:, kept]
    values = _coo.plain(s).index_select(0, _index_tensor(kept, s))
    return _coo.make(values, _index_tensor(indices, s), rest, s.is_coalesced())


def unsqueeze(s, dim: int):
    """A dimension of size 1 at ``dim``: a sparse one (a row of zero indices) when it falls
    among or right after the sparse dimensions, else a dense one of the values."""
    dim = _wrap(dim, s.ndim + 1)
    size = list(s.shape)
    size.insert(dim, 1)
    sparse_dim = s.sparse_dim()
    if dim > sparse_dim:
        values = _coo.plain(s).unsqueeze(dim - sparse_dim + 1)
        return _coo.make(values, s._indices(), size, s.is_coalesced())
    host = _indices.host(s._indices())
    indices = np.insert(host, dim, 0, axis=0)
    return _coo.make(_coo.own(_coo.plain(s)), _index_tensor(indices, s), size, s.is_coalesced())


def cat(tensors: list, dim: int):
    """Sparse tensors joined along ``dim``: along a sparse dimension the indices of each are
    shifted past the ones before; along a dense one each value is padded with zeros to the
    joined width. The entries of all are kept (uncoalesced)."""
    first = tensors[0]
    for i, t in enumerate(tensors):
        if not isinstance(t, _coo.SparseCooTensor):
            raise RuntimeError(
                f"cat(): all tensors must be sparse to join sparse tensors, but tensor {i} is "
                "strided"
            )
        if t.ndim != first.ndim or t.sparse_dim() != first.sparse_dim():
            raise RuntimeError(
                "cat(): sparse tensors must have the same number of sparse and dense "
                f"dimensions, but tensor {i} has {t.sparse_dim()} and {t.dense_dim()}"
            )
    dim = _wrap(dim, first.ndim)
    for i, t in enumerate(tensors):
        others = [d for d in range(first.ndim) if d != dim]
        if any(t.shape[d] != first.shape[d] for d in others):
            raise RuntimeError(
                f"cat(): sizes of tensors must match except in dimension {dim}, but tensor {i} "
                f"has size {list(t.shape)} and tensor 0 has size {list(first.shape)}"
            )
    from .._ops_dtypes import result_type_of

    dtype = result_type_of(*tensors)
    widths = [t.shape[dim] for t in tensors]
    size = list(first.shape)
    size[dim] = int(np.sum(widths))
    sparse_dim = first.sparse_dim()
    values = [_coo.plain(t).to(dtype) for t in tensors]
    if dim < sparse_dim:
        starts = np.cumsum([0, *widths[:-1]])
        hosts = [_indices.host(t._indices()).copy() for t in tensors]
        for host, start in zip(hosts, starts, strict=True):
            host[dim] += start
        indices = _index_tensor(np.concatenate(hosts, axis=1), first)
    else:
        from .._creation import zeros

        axis = dim - sparse_dim + 1
        padded = []
        before = 0
        for v, width in zip(values, widths, strict=True):
            shape = list(v.shape)
            pieces = []
            for count in (before, size[dim] - before - width):
                shape[axis] = count
                pieces.append(zeros(*shape, dtype=dtype, device=v.device))
            padded.append(_core.cat([pieces[0], v, pieces[1]], axis))
            before += width
        values = padded
        indices = _core.cat([t._indices() for t in tensors], 1)
    return _coo.make(
        _core.cat(values, 0), indices, size, len(tensors) == 1 and first.is_coalesced()
    )


def stack(tensors: list, dim: int):
    """Sparse tensors of one size joined along a new dimension ``dim``."""
    dim = _wrap(dim, tensors[0].ndim + 1)
    return cat(
        [unsqueeze(t, dim) if isinstance(t, _coo.SparseCooTensor) else t for t in tensors], dim
    )


# ---------------------------------------------------------------------- arithmetic


def scale(s, factor):
    """Every stored value times a number (or a 0-d tensor); no coalescing needed."""
    return _coo.make(_coo.plain(s) * factor, s._indices(), s.shape, s.is_coalesced())


def _is_number_like(other) -> bool:
    return isinstance(other, numbers.Number) or (
        isinstance(other, TensorBase)
        and not isinstance(other, _coo.SparseCooTensor)
        and other.ndim == 0
    )


def add(s, other, alpha):
    """``s + alpha * other`` for a sparse ``other`` of the same size and sparse dimensions:
    the entries of both, summed where they share a position (a coalesced result; PyTorch's
    holds the same entries but may keep an uncoalesced order)."""
    if not isinstance(other, _coo.SparseCooTensor):
        if isinstance(other, (TensorBase, numbers.Number)):
            raise RuntimeError(
                "add(sparse, dense) is not supported. Use add(dense, sparse) instead."
            )
        return NotImplemented
    if other.shape != s.shape:
        raise RuntimeError(
            f"add: expected sizes of 'self' and 'other' to match, but {list(s.shape)} != "
            f"{list(other.shape)}"
        )
    if other.sparse_dim() != s.sparse_dim():
        raise RuntimeError(
            "add: expected 'self' and 'other' to have same density, but 'self' has "
            f"{s.sparse_dim()} sparse dimensions while 'other' has {other.sparse_dim()} sparse "
            "dimensions"
        )
    if other is s:
        return scale(s, 1 + alpha)
    from .._ops_dtypes import result_type

    dtype = result_type(s, other)
    theirs = _coo.plain(other).to(dtype)
    values = _core.cat([_coo.plain(s).to(dtype), theirs * alpha if alpha != 1 else theirs], 0)
    indices = _core.cat([s._indices(), other._indices()], 1)
    return coalesce(_coo.make(values, indices, s.shape, False))


def add_to_dense(dense, s, sign: int):
    """``dense + sign * s`` (dense result), for ``dense`` of exactly ``s``'s size."""
    if not isinstance(dense, TensorBase):
        if isinstance(dense, numbers.Number):
            raise RuntimeError(
                "add(sparse, dense) is not supported. Use add(dense, sparse) instead."
            )
        return NotImplemented
    if tuple(dense.shape) != tuple(s.shape):
        raise RuntimeError(
            f"add: expected 'self' and 'other' to have same size, but self has size "
            f"{list(dense.shape)} while other has size {list(s.shape)} (FYI: dense-sparse "
            "addition does not currently support broadcasting)"
        )
    return dense + s.to_dense() if sign == 1 else dense - s.to_dense()


def mul(s, other):
    """``s * other``: a number or 0-d tensor scales the values; a dense tensor that broadcasts
    to ``s``'s size is read at the stored positions; a sparse tensor multiplies at the
    positions both store. The result is sparse."""
    if _is_number_like(other):
        return scale(s, other)
    if isinstance(other, _coo.SparseCooTensor):
        return _mul_sparse(s, other)
    if isinstance(other, TensorBase):
        return _mul_dense(s, other)
    return NotImplemented


def _mul_dense(s, dense):
    from .._broadcast import common_shape

    if tuple(common_shape([tuple(dense.shape), tuple(s.shape)], True)) != tuple(s.shape):
        raise RuntimeError(
            f"mul: a dense operand of size {list(dense.shape)} does not broadcast to the sparse "
            f"tensor's size {list(s.shape)}"
        )
    sparse_dim = s.sparse_dim()
    aligned = dense.reshape([1] * (s.ndim - dense.ndim) + list(dense.shape))
    dense_sizes = aligned.shape[:sparse_dim]
    host = _indices.host(s._indices())
    # a dimension the dense operand broadcasts (size 1) is read at index 0
    rows = host * (np.array(dense_sizes, dtype=np.int64) != 1)[:, None]
    positions = _indices.linear(rows, dense_sizes)
    gathered = aligned.reshape(math.prod(dense_sizes), *aligned.shape[sparse_dim:]).index_select(
        0, _index_tensor(positions, s)
    )
    return _coo.make(_coo.plain(s) * gathered, s._indices(), s.shape, s.is_coalesced())


def _mul_sparse(s, other):
    if other.shape != s.shape:
        raise RuntimeError(
            f"mul: expected sizes of 'self' and 'other' to match, but {list(s.shape)} != "
            f"{list(other.shape)}"
        )
    a, b = coalesce(s), coalesce(other)
    sizes = _sparse_sizes(a)
    ours = _indices.host(a._indices())
    theirs = _indices.host(b._indices())
    if ours.shape[0] != theirs.shape[0]:
        raise RuntimeError("mul: both sparse operands must have the same sparse dimensions")
    key_a, key_b = _indices.linear(ours, sizes), _indices.linear(theirs, sizes)
    if key_a is None:
        raise RuntimeError(f"mul: sparse tensors of size {list(s.shape)} are too large")
    _, in_a, in_b = np.intersect1d(key_a, key_b, assume_unique=True, return_indices=True)
    values = _coo.plain(a).index_select(0, _index_tensor(in_a, a)) * _coo.plain(b).index_select(
        0, _index_tensor(in_b, b)
    )
    return _coo.make(values, _index_tensor(ours[:, in_a], a), s.shape, True)


def div(s, other, rounding_mode):
    if isinstance(other, _coo.SparseCooTensor) or (
        isinstance(other, TensorBase) and other.ndim != 0
    ):
        raise RuntimeError(
            "Sparse division requires a scalar or zero-dim dense tensor divisor (got shape "
            f"{list(other.shape)} for divisor)"
        )
    if not _is_number_like(other):
        return NotImplemented
    values = _coo.plain(s).div(other, rounding_mode=rounding_mode)
    return _coo.make(values, s._indices(), s.shape, s.is_coalesced())


def pow(s, exponent):
    if not _is_number_like(exponent):
        raise NotImplementedError(
            "pow of a sparse tensor takes a scalar exponent (a dense or sparse exponent is not "
            "supported)"
        )
    if exponent == 0:
        raise RuntimeError(
            "pow: cannot raise to zeroth power on sparse tensor; it would make the result "
            "tensor dense"
        )
    coalesced = coalesce(s)
    values = _coo.plain(coalesced).pow(exponent)
    return _coo.make(values, coalesced._indices(), s.shape, True)


# ---------------------------------------------------------------------- products


def _check_matrix(s) -> None:
    if s.ndim != 2 or s.sparse_dim() != 2:
        if s.dense_dim() and s.sparse_dim() == 2:
            raise RuntimeError(f"addmm: scalar values expected, got {s.dense_dim()}D values")
        raise RuntimeError(f"addmm: matrices expected, got {s.sparse_dim()}D tensor")


def mm(s, dense):
    """``s @ dense`` for a sparse matrix ``s`` (2 sparse dimensions, scalar values) and a
    dense matrix: each stored ``(i, j, v)`` adds ``v * dense[j]`` to row ``i``."""
    _check_matrix(s)
    if isinstance(dense, _coo.SparseCooTensor):
        return _sparse_sparse_mm(s, dense)
    if not isinstance(dense, TensorBase):
        raise TypeError(f"mm(): argument 'mat2' must be Tensor, not {type(dense).__name__}")
    if dense.ndim != 2:
        raise RuntimeError(f"mm: mat2 must be a matrix, got a {dense.ndim}-D tensor")
    rows, inner = s.shape
    if dense.shape[0] != inner:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{inner} and "
            f"{dense.shape[0]}x{dense.shape[1]})"
        )
    if dense.dtype != s.dtype:
        raise RuntimeError(
            f"expected mat1 and mat2 to have the same dtype, but got: {s.dtype.name} != "
            f"{dense.dtype.name}"
        )
    if dense.device != s.device:
        raise RuntimeError(
            "Expected all tensors to be on the same device, but found at least two devices, "
            f"{s.device} and {dense.device}!"
        )
    indices = s._indices()
    gathered = _core.index_select(dense, 0, indices[1])
    weighted = gathered * _coo.plain(s).unsqueeze(1)
    return _core.index_add_zeros(weighted, 0, indices[0], rows)


def _sparse_sparse_mm(a, b):
    """The product of two sparse matrices, as a coalesced sparse matrix: every pair of stored
    entries ``a[i, k]``, ``b[k, j]`` contributes ``a[i, k] * b[k, j]`` at ``(i, j)``."""
    _check_matrix(b)
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
            f"{b.shape[0]}x{b.shape[1]})"
        )
    ours, theirs = _indices.host(a._indices()), _indices.host(b._indices())
    by_row = np.argsort(theirs[0], kind="stable")
    sorted_rows = theirs[0][by_row]
    start = np.searchsorted(sorted_rows, ours[1], side="left")
    count = np.searchsorted(sorted_rows, ours[1], side="right") - start
    left = np.repeat(np.arange(ours.shape[1]), count)
    offset = np.arange(left.size) - np.repeat(np.cumsum(count) - count, count)
    right = by_row[np.repeat(start, count) + offset]
    values = _coo.plain(a).index_select(0, _index_tensor(left, a)) * _coo.plain(b).index_select(
        0, _index_tensor(right, b)
    )
    indices = np.stack([ours[0][left], theirs[1][right]])
    product = _coo.make(values, _index_tensor(indices, a), (a.shape[0], b.shape[1]), False)
    return coalesce(product)


def _as_matrix_row(s):
    """A 1-D sparse tensor as a ``(1, n)`` sparse matrix."""
    host = _indices.host(s._indices())
    indices = np.concatenate([np.zeros_like(host), host])
    return _coo.make(
        _coo.own(_coo.plain(s)), _index_tensor(indices, s), (1, s.shape[0]), s.is_coalesced()
    )


def matmul(s, other):
    if not isinstance(other, TensorBase):
        return NotImplemented
    if s.ndim == 1 and other.ndim == 1:
        raise _coo.refusal(s, "dot")
    if other.ndim > 2 or s.ndim > 2:
        raise RuntimeError(
            "matmul: a sparse tensor multiplies only vectors and matrices (batched products "
            f"are not supported), got sizes {list(s.shape)} and {list(other.shape)}"
        )
    if s.ndim == 1:
        return mm(_as_matrix_row(s), other).squeeze(0)
    if other.ndim == 1 and not isinstance(other, _coo.SparseCooTensor):
        return mm(s, other.unsqueeze(1)).squeeze(1)
    return mm(s, other)


def rmatmul(s, other):
    """``other @ s`` for a dense ``other``, as ``(s.T @ other.T).T``."""
    if not isinstance(other, TensorBase):
        return NotImplemented
    if other.ndim == 1:
        return matmul(t(s), other)
    if s.ndim == 1 and other.ndim == 2:
        return mm(_as_matrix_row(s), other.t()).squeeze(0)
    if other.ndim != 2 or s.ndim != 2:
        raise RuntimeError(
            "matmul: a sparse tensor multiplies only vectors and matrices (batched products "
            f"are not supported), got sizes {list(other.shape)} and {list(s.shape)}"
        )
    return mm(t(s), other.t()).t()


# ---------------------------------------------------------------------- reductions


def _reduced_dims(dim, ndim: int) -> list:
    dims = [dim] if isinstance(dim, numbers.Integral) else list(dim)
    wrapped = [_wrap(d, ndim) for d in dims]
    for d in wrapped:
        if wrapped.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return wrapped


def sum(s, dim=None, keepdim: bool = False, dtype=None):
    """Sum over ``dim`` (all dimensions when None: a dense 0-d tensor). Summing sparse
    dimensions merges entries that then share a position; the result is sparse (coalesced)
    while sparse dimensions remain, dense otherwise."""
    _require_sparse(s, "coalesce")
    values = _coo.plain(s)
    if dtype is not None:
        values = values.to(to_dtype(dtype))
    if dim is None:
        return values.sum()
    dims = _reduced_dims(dim, s.ndim)
    sparse_dim = s.sparse_dim()
    dense_dims = [d - sparse_dim + 1 for d in dims if d >= sparse_dim]
    if dense_dims:
        values = values.sum(dense_dims, keepdim=keepdim)
    kept = [d for d in range(sparse_dim) if d not in dims]
    if not kept and len(dims) != 0 and sparse_dim:
        total = values.sum(0)
        if keepdim:
            total = total.reshape([1] * sparse_dim + list(total.shape))
        return total
    host = _indices.host(s._indices())
    rows = [d for d in range(sparse_dim) if keepdim or d in kept]
    sizes = [s.shape[d] if d in kept else 1 for d in rows]
    # a dimension summed with keepdim stays, of size 1: every entry at index 0
    grouped = host[rows] * np.array([d in kept for d in rows], dtype=np.int64)[:, None]
    distinct, inverse = _indices.unique_positions(grouped, sizes)
    summed = _core.index_add_zeros(values, 0, _index_tensor(inverse, s), distinct.shape[1])
    dense_sizes = list(values.shape[1:])
    return _coo.make(summed, _index_tensor(distinct, s), sizes + dense_sizes, True)


def softmax(s, dim: int, log: bool, dtype=None):
    """Softmax along ``dim`` over the stored entries only (missing entries count as -inf and
    stay missing), as ``torch.sparse.softmax``; over a dense dimension, of the values."""
    from .._creation import tensor

    _require_sparse(s, "_sparse_softmax")
    dim = _wrap(dim, s.ndim)
    coalesced = coalesce(s)
    values = _coo.plain(coalesced)
    if dtype is not None:
        values = values.to(to_dtype(dtype))
    sparse_dim = s.sparse_dim()
    if dim >= sparse_dim:
        along = dim - sparse_dim + 1
        out = values.log_softmax(along) if log else values.softmax(along)
        return _coo.make(out, coalesced._indices(), s.shape, True)
    host = _indices.host(coalesced._indices())
    others = [d for d in range(sparse_dim) if d != dim]
    _, group = _indices.unique_positions(host[others], [s.shape[d] for d in others])
    groups = int(group.max()) + 1 if group.size else 0
    # the largest value of each group, held constant: it only keeps exp() in range
    peaks = np.full((groups, *values.shape[1:]), -np.inf)
    np.maximum.at(peaks, group, values.detach().cpu().numpy())
    group_index = _index_tensor(group, s)
    shift = tensor(peaks, dtype=values.dtype, device=values.device)
    shifted = values - shift.index_select(0, group_index)
    exps = shifted.exp()
    totals = _core.index_add_zeros(exps, 0, group_index, groups)
    if log:
        out = shifted - totals.log().index_select(0, group_index)
    else:
        out = exps / totals.index_select(0, group_index)
    return _coo.make(out, coalesced._indices(), s.shape, True)
