"""Indexing: ``t[...]`` and ``t[...] = value`` as PyTorch does them (the rules are in
``_index_plan``). Basic indexing (ints, slices with steps, ``None``, ``...``, 0-d integer
tensors) is a view made by the engine. Advanced indexing (integer/boolean tensors, lists,
ranges, arrays) reads with one ``index_select`` of the flat positions, and writes through
``index_put``'s write (the last of repeated positions wins, as PyTorch's CPU kernel does),
both differentiable."""

from __future__ import annotations

import numbers

import numpy as np

from .. import _core
from .._base import TensorBase
from .._dtype import check_fits, scalar_type_name
from .._index_plan import plan


def _is_plain_basic(item) -> bool:
    """Items the engine indexes as PyTorch does: the fast path, with no planning."""
    return (
        (isinstance(item, int) and not isinstance(item, bool))
        or isinstance(item, slice)
        or item is None
        or item is Ellipsis
    )


def _plain_basic(index) -> bool:
    if type(index) is tuple:
        # the common items by exact type first: `x[:, -1, :]` and `x[:, -k:]` each token
        for item in index:
            kind = type(item)
            if kind is not slice and kind is not int and not _is_plain_basic(item):
                return False
        return True
    if isinstance(index, tuple):
        return all(_is_plain_basic(item) for item in index)
    return _is_plain_basic(index)


def _strip_leading_ones(value):
    """PyTorch drops a value's leading dimensions of size 1 before broadcasting it into the
    indexed place, so a ``(1, 1, 3)`` value fills a ``(3,)`` place."""
    shape = list(value.shape)
    lead = 0
    while lead < len(shape) and shape[lead] == 1:
        lead += 1
    return value.reshape(shape[lead:]) if lead else value


def _type_name(value) -> str:
    cls = type(value)
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__name__}"


def _check_value(t, value):
    """A tensor or a number, as PyTorch takes (not a list or an array)."""
    if not isinstance(value, (TensorBase, numbers.Number, np.number, np.bool_)):
        raise TypeError(f"can't assign a {_type_name(value)} to a {t.type()}")


def _check_rank(t, value, target: list) -> None:
    """A value with more (non-leading-1) dimensions than its place: PyTorch's expand error."""
    if value.ndim > len(target):
        raise RuntimeError(
            f"expand({t.type()}{{{list(value.shape)}}}, size={target}): the number of sizes "
            f"provided ({len(target)}) must be greater or equal to the number of dimensions in "
            f"the tensor ({value.ndim})"
        )


def _index_tensor(array: np.ndarray, device):
    index = _core.from_numpy(np.ascontiguousarray(array, dtype=np.int64), False)
    return index if device.type == "cpu" else index.to(device)


def _advanced_get(t, p):
    """A new tensor (never a view, as in PyTorch): one ``index_select``, along the indexed
    dimension of the basic view when a single vector indexes it, else of the flat positions."""
    single = p.single_vector()
    if single is not None:
        dim, index = single
        return t._getitem(tuple(p.basic)).index_select(dim, _index_tensor(index, t.device))
    p.check_bounds()
    positions = p.positions()
    picked = t.reshape(-1).index_select(0, _index_tensor(positions.reshape(-1), t.device))
    if positions.ndim == 1:
        return picked
    # reshape makes a view of the picked elements; PyTorch's result is no view
    return picked.reshape(list(positions.shape)).clone()


def _advanced_set(t, p, value) -> None:
    from .._creation import tensor
    from .._ops_scatter import overwrite

    shape = p.result_shape()
    if isinstance(value, TensorBase):
        value = _strip_leading_ones(value)  # PyTorch checks the value in this order
        if value.ndim > len(shape) or not _broadcasts(tuple(value.shape), shape):
            raise RuntimeError(
                f"shape mismatch: value tensor of shape {list(value.shape)} cannot be "
                f"broadcast to indexing result of shape {shape}"
            )
        if value.dtype != t.dtype:
            raise RuntimeError(
                "Index put requires the source and destination dtypes match, got "
                f"{scalar_type_name(t.dtype)} for the destination and "
                f"{scalar_type_name(value.dtype)} for the source."
            )
        values = value.to(t.device).expand(shape)
    else:
        values = tensor(value, dtype=t.dtype, device=t.device).expand(shape)
    p.check_bounds(writing=True)
    t.copy_(overwrite(t, p.positions(), values))


def _broadcasts(shape: tuple, target: list) -> bool:
    try:
        return list(np.broadcast_shapes(shape, tuple(target))) == target
    except ValueError:
        return False


def _refuse_leaf_write(t, index) -> None:
    """PyTorch's error for writing into a leaf that requires grad, checked here because the
    engine misses a leaf that is itself a view. PyTorch names a view when the index's basic
    part makes one (or the leaf is a view), and checks the basic part's ints first."""
    view = t._base is not None or plan(t.shape, index).makes_view
    raise RuntimeError(
        f"a {'view of a ' if view else ''}leaf Variable that requires grad is being used in an "
        "in-place operation."
    )


def _meta_integer_index(index) -> bool:
    return (
        isinstance(index, TensorBase)
        and index.is_meta
        and not index.is_floating_point()
        and index.dtype.name not in ("bool", "uint8")
    )


class IndexingMixin:
    __slots__ = ()

    def __getitem__(self, index):
        if _plain_basic(index):
            try:
                return self._getitem(index)
            except (IndexError, ValueError):
                pass  # the plan below raises PyTorch's error (or reads what PyTorch reads)
        if _meta_integer_index(index) and self.ndim:
            # The rows a meta index picks are unknown, but not how many: index_select's shape.
            picked = self.index_select(0, index.reshape(-1))
            return picked.reshape(*index.shape, *self.shape[1:])
        p = plan(self.shape, index)
        if p.is_basic:
            return self._getitem(tuple(p.basic))
        return _advanced_get(self, p)

    def __setitem__(self, index, value):
        _check_value(self, value)
        if isinstance(value, (int, float)):
            check_fits(value, self.dtype)
        if self._requires_grad and self.is_leaf and _core.is_grad_enabled():
            _refuse_leaf_write(self, index)
        if isinstance(value, TensorBase):
            value = _strip_leading_ones(value)
        if _plain_basic(index):
            try:
                return self._setitem(index, value)
            except (IndexError, ValueError):
                pass  # the plan below raises PyTorch's error
        p = plan(self.shape, index)
        if not p.is_basic:
            return _advanced_set(self, p, value)
        if isinstance(value, TensorBase):
            _check_rank(self, value, p.sizes)
        self._setitem(tuple(p.basic), value)
        return None

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self)))

    def __contains__(self, element) -> bool:
        return bool((self == element).any())
