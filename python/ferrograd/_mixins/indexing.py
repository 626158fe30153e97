"""Indexing: ``t[...]`` with ints, slices (with steps), ``None`` and ``...``, and assignment
``t[...] = value``; advanced indexing with integer tensors / lists and boolean masks (NumPy's
rules, which PyTorch follows), differentiable through ``index_select`` / ``index_add``."""

import warnings

import numpy as np

from .. import _core
from .._base import TensorBase, is_operand
from .._dtype import check_fits


def _is_advanced(item) -> bool:
    return isinstance(item, (TensorBase, list, np.ndarray, bool, range))


def _check_basic(index) -> bool:
    """True when ``index`` needs advanced indexing."""
    items = index if isinstance(index, tuple) else (index,)
    return any(_is_advanced(item) for item in items)


def _numpy_item(item):
    if isinstance(item, TensorBase):
        if item.dtype.is_floating_point or item.dtype.name in ("int8", "int16"):
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if item.dtype.name == "uint8":  # a mask, as PyTorch still reads it
            warnings.warn(
                "indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                "torch.bool instead.",
                stacklevel=3,
            )
            return item.detach().cpu().numpy().astype(bool)
        return item.detach().cpu().numpy()
    if isinstance(item, range):  # a sequence of ints, as PyTorch takes it
        return np.arange(item.start, item.stop, item.step, dtype=np.int64)
    if isinstance(item, list):
        array = np.asarray([i.item() if isinstance(i, TensorBase) else i for i in item])
        if array.dtype.kind not in "iub" and array.size:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return array.astype(np.int64) if array.size == 0 else array
    return item


def _positions(shape, index) -> np.ndarray:
    """The flat positions that ``index`` selects from a tensor of ``shape``, in the result's
    shape."""
    items = index if isinstance(index, tuple) else (index,)
    flat = np.arange(int(np.prod(shape, dtype=np.int64)), dtype=np.int64).reshape(shape)
    try:
        return np.asarray(flat[tuple(_numpy_item(i) for i in items)], dtype=np.int64)
    except IndexError as e:
        raise IndexError(f"{e} (indexing a tensor of shape {tuple(shape)})") from None


def _as_index_tensor(positions: np.ndarray, device=None):
    index = _core.from_numpy(np.ascontiguousarray(positions.reshape(-1)), False, False)
    return index if device is None else index.to(device)


def _advanced_get(t, index):
    positions = _positions(tuple(t.shape), index)
    picked = t.reshape(-1).index_select(0, _as_index_tensor(positions, t.device))
    return picked.reshape(positions.shape)


def _advanced_set(t, index, value):
    shape = tuple(t.shape)
    positions = _positions(shape, index)
    flat_positions = positions.reshape(-1)
    if isinstance(value, TensorBase):
        v = (
            value
            if value.dtype == t.dtype
            else (value.to(t.dtype) if t.is_floating_point() else value._to_dtype(t.dtype.name))
        )
        try:
            v = v.expand(positions.shape) if tuple(v.shape) != positions.shape else v
        except ValueError:
            raise ValueError(
                f"shape mismatch: value tensor of shape {tuple(value.shape)} cannot be broadcast "
                f"to indexing result of shape {positions.shape}"
            ) from None
        v = v.reshape(-1)
    else:
        if not is_operand(value):
            raise TypeError(f"can't assign a {type(value).__name__} to a tensor")
        v = _core.full([flat_positions.size], float(value), t.dtype.name).to(t.device)
    # Repeated positions: the last write wins, as for a sequence of assignments.
    reversed_unique, first_in_reversed = np.unique(flat_positions[::-1], return_index=True)
    if reversed_unique.size != flat_positions.size:
        last = flat_positions.size - 1 - first_in_reversed
        v = v.index_select(0, _as_index_tensor(last, t.device))
        flat_positions = reversed_unique
    numel = int(np.prod(shape, dtype=np.int64))
    keep = np.ones(numel, dtype=bool)
    keep[flat_positions] = False
    written = _core.index_add_zeros(v, 0, _as_index_tensor(flat_positions, t.device), numel)
    updated = t.reshape(-1).where(_core.from_numpy(keep, False, False).to(t.device), written)
    t.copy_(updated.reshape(shape))


class IndexingMixin:
    __slots__ = ()

    def __getitem__(self, index):
        if _check_basic(index):
            return _advanced_get(self, index)
        return self._getitem(index)

    def __setitem__(self, index, value):
        if isinstance(value, (int, float)):
            check_fits(value, self.dtype)
        if _check_basic(index):
            return _advanced_set(self, index, value)
        if not is_operand(value):
            raise TypeError(f"can't assign a {type(value).__name__} to a tensor")
        self._setitem(index, value)

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self)))

    def __contains__(self, element) -> bool:
        return bool((self == element).any())
