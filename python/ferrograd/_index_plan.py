"""PyTorch's reading of an index ``t[index]``: which items select, slice or add dimensions
(a view), and which are advanced (integer or boolean tensors, lists, ranges, arrays), with
PyTorch's errors. The plan describes the view as sizes and strides over the row-major
elements of the indexed tensor, so the flat positions that advanced indexing reads or writes
come out directly, in the result's shape, at a cost proportional to the result.

PyTorch's rules, which differ from NumPy's where ints meet advanced indices:

* Ints (and 0-d integer tensors, NumPy integers, objects with ``__index__``) select first, as
  basic indexing does; they are not advanced indices. ``x[0, :, [1, 2]]`` is ``x[0][:, [1, 2]]``.
* The advanced indices then index the view: broadcast together, their dimensions replace the
  indexed ones in place when those are next to each other in the view, and go first otherwise.
* A boolean mask stands for the ``nonzero()`` columns over as many dimensions as it has; a
  Python ``True``/``False`` (or 0-d bool tensor) adds a dimension of size 1 indexed by ``[0]``
  or ``[]``.
* A list (or range, or array) becomes an int64 index (floats truncated) unless all its items
  are bools, which make a mask. A short list that holds a sequence, slice, tensor, ``None`` or
  ``...`` is read as a tuple (PyTorch's legacy rule, deprecated there with a warning).
* Each ``...`` stands for the dimensions that the other items do not index, even when there
  are several of them.
"""

from __future__ import annotations

import collections.abc
import operator
import warnings
from dataclasses import dataclass, field

import numpy as np

from ._base import TensorBase
from ._meta import data_dependent

_INVALID_INDEX = (
    "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
    "indices (got {})"
)
_INDEX_DTYPE_ERROR = "tensors used as indices must be long, int, byte or bool tensors"
#: PyTorch reads a non-tuple sequence as a tuple only when it is shorter than this.
_SEQUENCE_AS_TUPLE_LIMIT = 32


@dataclass
class _Mask:
    """A boolean mask item, checked against the view's shape once the view is known."""

    mask: np.ndarray
    dim: int


@dataclass
class IndexPlan:
    """An index read as PyTorch reads it, for a tensor of ``shape``.

    ``basic`` is the index without its advanced items (ints checked and made non-negative,
    slices made explicit, ``...`` written out as slices), for the engine's view indexing.
    ``sizes``/``strides``/``offset`` describe that view over the tensor's row-major elements;
    ``advanced`` pairs each advanced index with the view dimension it indexes, in order."""

    shape: tuple
    basic: list = field(default_factory=list)
    sizes: list = field(default_factory=list)
    strides: list = field(default_factory=list)
    offset: int = 0
    advanced: list = field(default_factory=list)
    masks: list = field(default_factory=list)
    #: whether the basic part is more than the identity (an int, a None, a bool, or a slice
    #: that leaves something out), so that PyTorch makes a view before writing
    makes_view: bool = False

    @property
    def is_basic(self) -> bool:
        return not self.advanced and not self.masks

    _resolved: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def _indices(self) -> tuple[list, list, list]:
        """The advanced indices as integer arrays (masks as their nonzero columns), the view
        dimension each indexes, and whether each came from a mask (so is in range); masks are
        checked against the view here."""
        return self._resolve()[:3]

    @property
    def _layout(self) -> tuple[list, list, bool]:
        """``(broadcast shape of the indices, result layout, adjacent)``: the layout lists the
        view dimensions that the result keeps, in order, with None where the broadcast index
        dimensions go (in place when the indexed dimensions are adjacent, else first)."""
        return self._resolve()[3:]

    def _resolve(self) -> tuple:
        if self._resolved is None:
            items = [(dim, array, False) for dim, array in self.advanced]
            for m in self.masks:
                _check_mask(m, self.sizes)
                columns = np.nonzero(m.mask)
                items.extend((m.dim + j, column, True) for j, column in enumerate(columns))
            items.sort(key=lambda item: item[0])
            arrays = [a for _, a, _ in items]
            dims = [d for d, _, _ in items]
            broadcast = _broadcast_shape(arrays)
            adjacent = dims == list(range(dims[0], dims[-1] + 1))
            rest = [d for d in range(len(self.sizes)) if d not in dims]
            if adjacent:
                before = [d for d in rest if d < dims[0]]
                layout = [*before, None, *(d for d in rest if d > dims[-1])]
            else:
                layout = [None, *rest]
            self._resolved = (arrays, dims, [f for _, _, f in items], broadcast, layout, adjacent)
        return self._resolved

    def layout(self) -> tuple[bool, int, int]:
        """``(adjacent, first, rank)``: whether the indexed view dimensions are next to each
        other, the first of them, and the rank of the indices' broadcast shape."""
        broadcast, _, adjacent = self._layout
        return adjacent, self._indices[1][0], len(broadcast)

    def result_shape(self) -> list:
        broadcast, layout, _ = self._layout
        shape = []
        for item in layout:
            shape.extend(broadcast if item is None else [self.sizes[item]])
        return shape

    def check_bounds(self, writing: bool = False) -> None:
        """PyTorch's checks of the index values: an index into an empty dimension, then (only
        when the result has elements, as the kernel checks as it goes) the first index out of
        range in the result's order. Reading names the index's place among the advanced
        indices, writing names the view dimension (PyTorch's two kernels differ)."""
        arrays, dims, from_mask = self._indices
        for array, dim in zip(arrays, dims, strict=True):
            if self.sizes[dim] == 0 and array.size:
                raise IndexError("index is out of bounds for dimension with size 0")
        if not all(self.result_shape()):
            return
        suspects = [
            k
            for k, (a, d, masked) in enumerate(zip(arrays, dims, from_mask, strict=True))
            if not masked and a.size and not -self.sizes[d] <= a.min() <= a.max() < self.sizes[d]
        ]
        if not suspects:
            return
        shape = self._layout[0]
        bad = {
            k: np.broadcast_to(
                (arrays[k] < -self.sizes[dims[k]]) | (arrays[k] >= self.sizes[dims[k]]), shape
            ).reshape(-1)
            for k in suspects
        }
        first = min(int(np.argmax(b)) for b in bad.values())
        k = min(k for k, b in bad.items() if b[first])
        value = int(np.broadcast_to(arrays[k], shape).reshape(-1)[first])
        raise IndexError(
            f"index {value} is out of bounds for dimension {dims[k] if writing else k} with "
            f"size {self.sizes[dims[k]]}"
        )

    def single_vector(self):
        """``(view dimension, index array made non-negative)`` when the advanced index is one
        vector (a 1-D index or mask): the result is the view's ``index_select`` along it.
        The bounds are checked."""
        if len(self.advanced) + sum(m.mask.ndim for m in self.masks) != 1:
            return None
        (array,), (dim,), _ = self._indices
        if array.ndim != 1:
            return None
        self.check_bounds()
        if not all(self.result_shape()):  # nothing is read, and no index was checked
            return dim, np.zeros_like(array)
        return dim, _non_negative(array, self.sizes[dim])

    def positions(self) -> np.ndarray:
        """The flat (row-major) positions in the tensor that the advanced index reaches, in
        the result's shape; call ``check_bounds`` first."""
        arrays, dims, _ = self._indices
        broadcast, layout, _ = self._layout
        result_shape = self.result_shape()
        ndim = len(result_shape)
        block = layout.index(None)  # where the index dimensions start in the result
        positions = np.full([1] * ndim, self.offset, dtype=np.int64)
        for array, dim in zip(arrays, dims, strict=True):
            term = _non_negative(array, self.sizes[dim]) * self.strides[dim]
            lead = block + len(broadcast) - term.ndim
            positions = positions + term.reshape(
                [1] * lead + list(term.shape) + [1] * (ndim - lead - term.ndim)
            )
        axis = 0
        for item in layout:
            if item is None:
                axis += len(broadcast)
                continue
            shape = [1] * ndim
            shape[axis] = self.sizes[item]
            line = np.arange(self.sizes[item], dtype=np.int64) * self.strides[item]
            positions = positions + line.reshape(shape)
            axis += 1
        return np.broadcast_to(positions, result_shape)


def _non_negative(array: np.ndarray, size: int) -> np.ndarray:
    return np.where(array < 0, array + size, array).astype(np.int64, copy=False)


def _broadcast_shape(arrays) -> list:
    if all(a.shape == arrays[0].shape for a in arrays):
        return list(arrays[0].shape)
    try:
        return list(np.broadcast_shapes(*(a.shape for a in arrays)))
    except ValueError:
        shapes = ", ".join(str(list(a.shape)) for a in arrays)
        raise IndexError(
            f"shape mismatch: indexing tensors could not be broadcast together with shapes {shapes}"
        ) from None


def _check_mask(m: _Mask, sizes: list) -> None:
    mask_shape = list(m.mask.shape)
    for j, size in enumerate(mask_shape):
        dim = m.dim + j
        if dim >= len(sizes) or sizes[dim] != size:
            raise IndexError(
                f"The shape of the mask {mask_shape} at index {j} does not match the shape of "
                f"the indexed tensor {list(sizes)} at index {dim}"
            )


# ----------------------------------------------------------------------------- items


def _is_sequence(obj) -> bool:
    return isinstance(obj, (list, tuple, range, np.ndarray, str)) or (
        isinstance(obj, collections.abc.Sequence) and not isinstance(obj, TensorBase)
    )


def _sequence_as_tuple(index) -> bool:
    """PyTorch's legacy rule for a non-tuple sequence index (see the module's docstring)."""
    if isinstance(index, (TensorBase, np.ndarray, str)) or not _is_sequence(index):
        return False
    if len(index) >= _SEQUENCE_AS_TUPLE_LIMIT:
        return False
    return any(
        isinstance(item, (TensorBase, slice))
        or item is None
        or item is Ellipsis
        or _is_sequence(item)
        for item in index
    )


def index_items(index) -> tuple:
    """The items of ``index`` as PyTorch reads them."""
    if isinstance(index, tuple):
        return index
    if _sequence_as_tuple(index):
        warnings.warn(
            "Using a non-tuple sequence for multidimensional indexing is deprecated (as in "
            "PyTorch); use x[tuple(seq)] instead of x[seq]",
            UserWarning,
            stacklevel=4,
        )
        return tuple(index)
    return (index,)


def _array_from_sequence(item) -> np.ndarray:
    """A list, range, tuple or array index as PyTorch converts it: bool if every element is,
    int64 otherwise (floats truncated toward zero)."""
    if isinstance(item, range):
        return np.arange(item.start, item.stop, item.step, dtype=np.int64)
    if isinstance(item, str):
        raise TypeError("new(): invalid data type 'str'")
    if isinstance(item, np.ndarray):
        array = item
    else:
        from ._creation import tensor

        try:
            array = np.asarray(item)
        except ValueError:
            array = None
        if array is None or array.dtype == object:
            # ragged or of objects NumPy cannot read: the tensor constructor says what is wrong
            array = tensor(item).numpy()
    if array.dtype.kind == "b" or array.dtype == np.uint8:
        return array.astype(bool)  # uint8 arrays are masks, as PyTorch's byte tensors
    if array.dtype.kind not in "iuf":
        raise TypeError(f"new(): invalid data type '{array.dtype}'")
    return array.astype(np.int64)


def _tensor_item(item: TensorBase):
    """An index tensor as an int (0-d integer), a bool (0-d bool) or an array."""
    if item.dtype.is_floating_point or item.dtype.name in ("int8", "int16"):
        raise IndexError(_INDEX_DTYPE_ERROR)
    if item.is_meta:
        # A mask's selection (its nonzero columns) and an integer index's bounds need values.
        raise data_dependent("nonzero" if item.dtype.name in ("bool", "uint8") else "index")
    array = item.detach().cpu().numpy()
    if item.dtype.name == "uint8":  # a mask, as PyTorch still reads byte tensors
        warnings.warn(
            "indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool "
            "instead.",
            stacklevel=4,
        )
        array = array.astype(bool)
    if array.ndim == 0:
        return array.item()
    return array


def _classify(item):
    """``(kind, value)``: kind is one of int, slice, none, ellipsis, bool, index, mask."""
    if item is None:
        return "none", None
    if item is Ellipsis:
        return "ellipsis", None
    if isinstance(item, slice):
        return "slice", item
    if isinstance(item, (bool, np.bool_)):
        return "bool", bool(item)
    if isinstance(item, TensorBase):
        value = _tensor_item(item)
        if isinstance(value, bool):
            return "bool", value
        if isinstance(value, int):
            return "int", value
        return ("mask" if value.dtype == bool else "index"), value
    if isinstance(item, np.ndarray) and item.ndim == 0:
        item = item.item() if item.dtype.kind in "biu" else item
        if isinstance(item, bool):
            return "bool", item
    if _is_sequence(item):
        array = _array_from_sequence(item)
        return ("mask" if array.dtype == bool else "index"), array
    try:
        return "int", operator.index(item)
    except TypeError:
        raise IndexError(_INVALID_INDEX.format(type(item).__name__)) from None


def _specified_dims(kind: str, value) -> int:
    """How many of the tensor's dimensions an item indexes (PyTorch's count, which decides
    how many ``...`` stands for)."""
    if kind in ("int", "slice", "index"):
        return 1
    if kind == "mask":
        return value.ndim
    return 0


def plan(shape, index) -> IndexPlan:
    """Reads ``index`` for a tensor of ``shape`` (see the module's docstring)."""
    shape = tuple(int(s) for s in shape)
    items = [_classify(item) for item in index_items(index)]
    ndim = len(shape)
    specified = sum(_specified_dims(kind, value) for kind, value in items)
    if specified > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    strides = [int(np.prod(shape[d + 1 :], dtype=np.int64)) for d in range(ndim)]
    p = IndexPlan(shape=shape, sizes=list(shape), strides=strides)
    dim = 0
    for position, (kind, value) in enumerate(items):
        if kind == "int":
            size = p.sizes[dim] if dim < len(p.sizes) else 0
            if not -size <= value < size:
                raise IndexError(
                    f"index {value} is out of bounds for dimension {position} with size {size}"
                )
            value %= size
            p.makes_view = True
            p.offset += value * p.strides[dim]
            del p.sizes[dim], p.strides[dim]
            p.basic.append(value)
        elif kind == "slice":
            if dim >= len(p.sizes):
                raise IndexError(f"too many indices for tensor of dimension {ndim}")
            if value.step is not None and operator.index(value.step) <= 0:
                if operator.index(value.step) == 0:
                    raise ValueError("slice step cannot be zero")
                raise ValueError("step must be greater than zero")
            start, stop, step = value.indices(p.sizes[dim])
            p.makes_view |= len(range(start, stop, step)) != p.sizes[dim]
            p.offset += start * p.strides[dim] if start < p.sizes[dim] else 0
            p.sizes[dim] = len(range(start, stop, step))
            p.strides[dim] *= step
            p.basic.append(slice(start, max(start, stop), step))
            dim += 1
        elif kind == "ellipsis":
            covered = min(ndim - specified, len(p.sizes) - dim)
            p.basic.extend([slice(None)] * covered)
            dim += ndim - specified
        elif kind in ("none", "bool"):
            p.makes_view = True
            p.sizes.insert(dim, 1)
            p.strides.insert(dim, 0)
            p.basic.append(None)
            if kind == "bool":
                p.advanced.append((dim, np.zeros(1 if value else 0, dtype=np.int64)))
            dim += 1
        elif kind == "index":
            if dim >= len(p.sizes):
                raise IndexError(f"too many indices for tensor of dimension {ndim}")
            p.advanced.append((dim, value))
            p.basic.append(slice(None))
            dim += 1
        else:  # mask
            p.masks.append(_Mask(value, dim))
            covered = min(value.ndim, len(p.sizes) - dim)
            p.basic.extend([slice(None)] * covered)
            dim += value.ndim
    return p


def positions(shape, index) -> np.ndarray:
    """The flat positions that ``tensor[index]`` reads from a tensor of ``shape``, in the
    result's shape (for an index with advanced items)."""
    p = plan(shape, index)
    if p.is_basic:
        flat = np.arange(int(np.prod(shape, dtype=np.int64)), dtype=np.int64).reshape(shape)
        return np.asarray(flat[tuple(p.basic)])
    p.check_bounds(writing=True)
    return p.positions()
