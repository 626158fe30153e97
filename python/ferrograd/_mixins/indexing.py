"""Indexing: ``t[...]`` with ints, slices (with steps), ``None`` and ``...``, and assignment
``t[...] = value``."""

from .._base import TensorBase, operand, wrap


def _check_basic(index):
    items = index if isinstance(index, tuple) else (index,)
    for item in items:
        if isinstance(item, (TensorBase, list)):
            raise IndexError(
                "indexing with tensors or lists (advanced indexing) is not supported yet; "
                "use ints, slices, None and Ellipsis"
            )


class IndexingMixin:
    __slots__ = ()

    def __getitem__(self, index):
        _check_basic(index)
        return wrap(self._c.getitem(index))

    def __setitem__(self, index, value):
        _check_basic(index)
        o = operand(value)
        if o is None:
            raise TypeError(f"can't assign a {type(value).__name__} to a tensor")
        self._c.setitem(index, o)

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self)))

    def __contains__(self, element) -> bool:
        return bool((self == element).any())
