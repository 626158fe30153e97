"""Splitting, stacking and rearranging beyond the core views: ``tensor_split``,
``hsplit``/``vsplit``/``dsplit``, ``split_with_sizes``, ``hstack``/``vstack``/``dstack``/
``column_stack``/``row_stack``, ``atleast_1d/2d/3d``, ``rot90``, ``narrow_copy``,
``broadcast_tensors``/``broadcast_shapes``, ``cartesian_prod`` and ``combinations``.

All are views, ``cat`` and ``index_select`` of the engine (differentiable), arranged with
PyTorch's rules for ranks below what the function works on.
"""

from __future__ import annotations

import itertools
import operator

import numpy as np

from . import _core
from ._base import TensorBase
from ._mixins.structure import constant, wrap_dim

__all__ = [
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "broadcast_shapes",
    "broadcast_tensors",
    "cartesian_prod",
    "column_stack",
    "combinations",
    "dsplit",
    "dstack",
    "hsplit",
    "hstack",
    "narrow_copy",
    "rot90",
    "row_stack",
    "split_with_sizes",
    "tensor_split",
    "unsafe_chunk",
    "unsafe_split",
    "unsafe_split_with_sizes",
    "vsplit",
    "vstack",
]


def _tensor(value, op: str, name: str = "input"):
    if not isinstance(value, TensorBase):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(value).__name__}")
    return value


def _tensors(items, op: str) -> list:
    if isinstance(items, TensorBase):
        raise TypeError(f"{op}(): argument 'tensors' must be a sequence of Tensors, not Tensor")
    items = list(items)
    for i, t in enumerate(items):
        _tensor(t, op, f"tensors[{i}]")
    if not items:
        raise RuntimeError(f"{op} expects a non-empty TensorList")
    return items


def _cat(items: list, dim: int):
    """``cat`` after promoting the pieces to their common dtype (as PyTorch's ``cat`` does)."""
    from ._ops_dtypes import result_type_of

    dtype = result_type_of(*items) if len({t.dtype for t in items}) > 1 else items[0].dtype
    return _core.cat([t if t.dtype == dtype else t.to(dtype) for t in items], dim)


# ----------------------------------------------------------------------------- splitting


def tensor_split(input, indices_or_sections, dim: int = 0):
    """Views of ``input`` split along ``dim``: into ``sections`` pieces as equal as they can
    be (the first ``size % sections`` one longer), or at the given indices."""
    x = _tensor(input, "tensor_split")
    if x.ndim == 0:
        raise RuntimeError(
            "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims"
        )
    d = wrap_dim(dim, x.ndim, "tensor_split")
    size = x.shape[d]
    split = indices_or_sections
    if isinstance(split, TensorBase):
        if split.dtype.name != "int64":
            from ._dtype import scalar_type_name

            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                f"{scalar_type_name(split.dtype)}"
            )
        if split.ndim > 1:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                f"one-dimensional tensor, but got a tensor with {split.ndim} dims"
            )
        split = split.item() if split.ndim == 0 else split.tolist()
    if isinstance(split, int):
        if split <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {split}")
        base, extra = divmod(size, split)
        bounds = np.cumsum([0] + [base + (i < extra) for i in range(split)])
    else:
        points = [min(max(p + size if p < 0 else p, 0), size) for p in map(operator.index, split)]
        bounds = [0, *points, size]
    return tuple(
        x.narrow(d, int(start), max(int(stop) - int(start), 0))
        for start, stop in itertools.pairwise(bounds)
    )


def _directional_split(x, split, dim: int, least: int, op: str):
    _tensor(x, op)
    if x.ndim < least:
        raise RuntimeError(
            f"torch.{op} requires a tensor with at least {least} dimension, but got a tensor with "
            f"{x.ndim} dimensions!"
        )
    if isinstance(split, int):
        size = x.shape[dim]
        if split == 0 or size % split:
            raise RuntimeError(
                f"torch.{op} attempted to split along dimension {dim}, but the size of the "
                f"dimension {size} is not divisible by the split_size {split}!"
            )
    return tensor_split(x, split, dim)


def hsplit(input, indices_or_sections):
    """``tensor_split`` along the columns (dimension 1; 0 for a vector), equal parts only."""
    dim = 1 if isinstance(input, TensorBase) and input.ndim > 1 else 0
    return _directional_split(input, indices_or_sections, dim, 1, "hsplit")


def vsplit(input, indices_or_sections):
    """``tensor_split`` along the rows (dimension 0) of an at least 2-D tensor."""
    return _directional_split(input, indices_or_sections, 0, 2, "vsplit")


def dsplit(input, indices_or_sections):
    """``tensor_split`` along the depth (dimension 2) of an at least 3-D tensor."""
    return _directional_split(input, indices_or_sections, 2, 3, "dsplit")


def split_with_sizes(input, split_sizes, dim: int = 0):
    """Views of the given sizes along ``dim`` (they must add up to its size)."""
    return _tensor(input, "split_with_sizes").split(list(split_sizes), dim)


def unsafe_split(input, split_size, dim: int = 0):
    """``split`` (PyTorch's version skips a view check; here they are the same)."""
    return _tensor(input, "unsafe_split").split(split_size, dim)


def unsafe_split_with_sizes(input, split_sizes, dim: int = 0):
    return split_with_sizes(input, split_sizes, dim)


def unsafe_chunk(input, chunks: int, dim: int = 0):
    return _tensor(input, "unsafe_chunk").chunk(chunks, dim)


def narrow_copy(input, dim: int, start: int, length: int):
    """``narrow`` into new memory."""
    return _tensor(input, "narrow_copy").narrow(dim, start, length).clone()


# ----------------------------------------------------------------------------- rank


def _at_least(rank: int, shape_of):
    def function(*tensors):
        items = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else None
        single = items is None and len(tensors) == 1
        out = []
        for i, t in enumerate(items if items is not None else tensors):
            _tensor(t, f"atleast_{rank}d", f"tensors[{i}]")
            out.append(t if t.ndim >= rank else t.reshape(shape_of(list(t.shape))))
        return out[0] if single else tuple(out)

    function.__name__ = f"atleast_{rank}d"
    function.__doc__ = f"Each tensor as a view with at least {rank} dimensions."
    return function


def _shape_3d(shape: list) -> list:
    """NumPy's rule: a number is ``(1, 1, 1)``, a vector ``(1, n, 1)``, a matrix ``(m, n, 1)``."""
    if len(shape) == 1:
        return [1, shape[0], 1]
    return shape + [1] * (3 - len(shape)) if shape else [1, 1, 1]


atleast_1d = _at_least(1, lambda shape: [1])
atleast_2d = _at_least(2, lambda shape: [1] * (2 - len(shape)) + shape)
atleast_3d = _at_least(3, _shape_3d)


# ----------------------------------------------------------------------------- stacking


def hstack(tensors, *, out=None):
    """Joined along the columns (dimension 1; 0 for vectors), after ``atleast_1d``."""
    items = [atleast_1d(t) for t in _tensors(tensors, "hstack")]
    return _with_out("hstack", _cat(items, 0 if items[0].ndim == 1 else 1), out)


def vstack(tensors, *, out=None):
    """Joined along the rows (dimension 0), after ``atleast_2d``."""
    items = [atleast_2d(t) for t in _tensors(tensors, "vstack")]
    return _with_out("vstack", _cat(items, 0), out)


row_stack = vstack


def dstack(tensors, *, out=None):
    """Joined along the depth (dimension 2), after ``atleast_3d``."""
    items = [atleast_3d(t) for t in _tensors(tensors, "dstack")]
    return _with_out("dstack", _cat(items, 2), out)


def column_stack(tensors, *, out=None):
    """Vectors (and numbers) as columns, matrices as they are, joined along dimension 1."""
    items = [
        t.reshape(t.numel(), 1) if t.ndim <= 1 else t for t in _tensors(tensors, "column_stack")
    ]
    return _with_out("column_stack", _cat(items, 1), out)


def _with_out(op: str, result, out):
    if out is None:
        return result
    from ._ops_out import write_out

    return write_out(op, result, out)


# ----------------------------------------------------------------------------- rearranging


def rot90(input, k: int = 1, dims=(0, 1)):
    """Rotated by 90° ``k`` times in the plane of ``dims``, from the first axis towards the
    second."""
    x = _tensor(input, "rot90")
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if x.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {x.ndim}")
    d0, d1 = (wrap_dim(d, x.ndim, "rot90") for d in dims)
    if d0 == d1:
        raise RuntimeError(
            f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}"
        )
    k = operator.index(k) % 4
    if k == 1:
        return x.flip(d1).transpose(d0, d1)
    if k == 2:
        return x.flip(d0, d1)
    if k == 3:
        return x.flip(d0).transpose(d0, d1)
    return x.clone()


def _broadcast(shapes: list) -> list:
    ndim = max((len(s) for s in shapes), default=0)
    out = [1] * ndim
    for shape in shapes:
        padded = [1] * (ndim - len(shape)) + list(shape)
        for i, (have, new) in enumerate(zip(out, padded, strict=True)):
            if new != have and 1 not in (have, new):
                raise RuntimeError(
                    f"The size of tensor a ({have}) must match the size of tensor b ({new}) at "
                    f"non-singleton dimension {i}"
                )
            out[i] = have if new == 1 else new
    return out


def broadcast_shapes(*shapes):
    """The shape that tensors of ``shapes`` (ints or sequences) broadcast to."""
    from ._size import Size

    listed = [[operator.index(s)] if not isinstance(s, (list, tuple)) else list(s) for s in shapes]
    return Size(_broadcast(listed))


def broadcast_tensors(*tensors):
    """The tensors expanded to their common shape (views)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    for i, t in enumerate(tensors):
        _tensor(t, "broadcast_tensors", f"tensors[{i}]")
    shape = _broadcast([list(t.shape) for t in tensors])
    return tuple(t.expand(shape) for t in tensors)


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-D tensor, as rows (the first tensor
    varies slowest); a single tensor is returned as it is."""
    for t in tensors:
        _tensor(t, "cartesian_prod")
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    from ._surface import meshgrid

    grids = meshgrid(*tensors, indexing="ij")
    return _core.stack([g.reshape(-1) for g in grids], 1)


def combinations(input, r: int = 2, with_replacement: bool = False):
    """The ``r``-element combinations of a 1-D tensor's elements, as rows in lexicographic
    order of positions (with ``with_replacement``, positions may repeat)."""
    x = _tensor(input, "combinations")
    if x.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")
    r = operator.index(r)
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return x.narrow(0, 0, 0).clone()
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = np.asarray(list(pick(range(x.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return x.index_select(0, constant(rows.reshape(-1), x)).reshape(rows.shape[0], r)


def _view_in_place(method: str):
    """The in-place form of a view method: this tensor takes the view's shape and strides
    over the same elements (views made before keep seeing them), and its place in the graph."""

    def in_place(self, *args, **kwargs):
        recording = _core.is_grad_enabled() and self.requires_grad
        if recording and self.is_leaf:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            )
        view = getattr(self, method)(*args, **kwargs)
        self.data = view
        if recording:
            self._rebase_onto(view)
        return self

    in_place.__name__ = method + "_"
    in_place.__doc__ = f"In-place ``{method}``: changes this tensor's shape, not its elements."
    return in_place


class ShapeExtraMixin:
    __slots__ = ()

    squeeze_ = _view_in_place("squeeze")
    unsqueeze_ = _view_in_place("unsqueeze")
    t_ = _view_in_place("t")
    transpose_ = _view_in_place("transpose")
    swapaxes_ = _view_in_place("swapaxes")
    swapdims_ = _view_in_place("swapdims")
    as_strided_ = _view_in_place("as_strided")

    tensor_split = tensor_split
    hsplit = hsplit
    vsplit = vsplit
    dsplit = dsplit
    split_with_sizes = split_with_sizes
    unsafe_split = unsafe_split
    unsafe_split_with_sizes = unsafe_split_with_sizes
    unsafe_chunk = unsafe_chunk
    narrow_copy = narrow_copy
    rot90 = rot90
