"""Reductions: ``sum``, ``mean``, ``max``, ``min``, ``argmax``, ``argmin``, ``prod``-free set of
the core (statistics such as ``var`` and ``norm`` live in the statistics mixin)."""

from collections import namedtuple

#: What ``max(dim=...)`` and ``min(dim=...)`` return, like ``torch.return_types.max``.
ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])


def _dims(dim):
    if dim is None:
        return None
    if isinstance(dim, int):
        return [dim]
    return list(dim)


class ReductionMixin:
    __slots__ = ()

    def sum(self, dim=None, keepdim: bool = False, *, dtype=None):
        """Sum of all elements, or over ``dim`` (an int or a tuple of ints)."""
        source = self if dtype is None else self.to(dtype)
        return source._sum(_dims(dim), keepdim)

    def mean(self, dim=None, keepdim: bool = False, *, dtype=None):
        """Mean of all elements, or over ``dim``; floating tensors only."""
        source = self if dtype is None else self.to(dtype)
        return source._mean(_dims(dim), keepdim)

    def _extreme(self, which: str, dim, keepdim: bool):
        if dim is None:
            return getattr(self, "_" + which + "_all")()
        if not isinstance(dim, int):
            from .._base import TensorBase

            if isinstance(dim, TensorBase):
                return self.maximum(dim) if which == "max" else self.minimum(dim)
            raise TypeError(f"{which}(): dim must be an int, got {type(dim).__name__}")
        values, indices = getattr(self, "_" + which + "_dim")(dim, keepdim)
        return ValuesIndices(values, indices)

    def max(self, dim=None, keepdim: bool = False):
        """The largest element; with ``dim``, ``(values, indices)`` along it; with a tensor,
        the elementwise maximum."""
        return self._extreme("max", dim, keepdim)

    def min(self, dim=None, keepdim: bool = False):
        """The smallest element; with ``dim``, ``(values, indices)`` along it."""
        return self._extreme("min", dim, keepdim)

    def amax(self, dim=None, keepdim: bool = False):
        return self.max() if dim is None else self.max(dim, keepdim).values

    def amin(self, dim=None, keepdim: bool = False):
        return self.min() if dim is None else self.min(dim, keepdim).values

    def argmax(self, dim=None, keepdim: bool = False):
        return self._argmax(dim, keepdim)

    def argmin(self, dim=None, keepdim: bool = False):
        return self._argmin(dim, keepdim)
