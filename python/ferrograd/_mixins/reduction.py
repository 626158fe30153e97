"""Reductions: ``sum``, ``mean``, ``max``, ``min``, ``argmax``, ``argmin``, ``prod``-free set of
the core (statistics such as ``var`` and ``norm`` live in the statistics mixin)."""

from collections import namedtuple

from .. import _core
from ..autograd.function import Function

#: What ``max(dim=...)`` and ``min(dim=...)`` return, like ``torch.return_types.max``.
ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])


def _dims(dim, keepdim: bool = False, ndim: int = 0):
    """``dim`` as a list; ``None`` (every dimension) stays ``None`` unless the reduced
    dimensions are to be kept, which needs them named."""
    if dim is None:
        return list(range(ndim)) if keepdim and ndim else None
    if isinstance(dim, int):
        return [dim]
    return list(dim)


def reduced_dims(dim, ndim: int) -> list:
    """The dimensions ``dim`` names (an int, a sequence, or None / () for all), as sorted
    non-negative ints."""
    if dim is None or (not isinstance(dim, int) and len(dim) == 0):
        return list(range(ndim))
    dims = [dim] if isinstance(dim, int) else list(dim)
    return sorted({d % max(ndim, 1) for d in dims})


def _extreme_values(x, which: str, dims: list, keepdim: bool):
    """``amax`` / ``amin`` over ``dims`` by the engine's ops: one ``max`` over all elements, or
    one ``max(dim)`` per dimension (the values are exact either way)."""
    if len(dims) == x.ndim:
        out = getattr(x, which)()
        return out.reshape([1] * x.ndim) if keepdim else out
    for d in dims:
        x = getattr(x, which)(d, True).values
    return x if keepdim else _drop(x, dims)


def _drop(kept, dims):
    """``kept`` (reduced with ``keepdim=True``) without the size-1 dimensions ``dims``."""
    return kept.reshape([s for i, s in enumerate(kept.shape) if i not in dims])


class _SplitExtreme(Function):
    """``amax`` / ``amin`` over some dimensions with PyTorch's gradient: shared evenly by the
    elements equal to the result (the engine's ``max(dim)`` gives it all to one index; its
    ``max()`` over every element already shares it)."""

    @staticmethod
    def forward(ctx, x, which: str, dims: tuple, keepdim: bool):
        kept = _extreme_values(x, which, list(dims), True)
        ctx.dims, ctx.keepdim = list(dims), keepdim
        ctx.save_for_backward(x, kept)
        return kept if keepdim else _drop(kept, dims)

    @staticmethod
    def backward(ctx, grad):
        x, kept = ctx.saved_tensors
        if not ctx.keepdim:
            grad = grad.reshape(kept.shape)
        ties = (x == kept).to(grad.dtype)
        return grad / ties.sum(ctx.dims, keepdim=True) * ties, None, None, None


class Amax(_SplitExtreme):
    pass


class Amin(_SplitExtreme):
    pass


class ReductionMixin:
    __slots__ = ()

    def sum(self, dim=None, keepdim: bool = False, *, dtype=None):
        """Sum of all elements, or over ``dim`` (an int or a tuple of ints)."""
        source = self if dtype is None else self.to(dtype)
        return source._sum(_dims(dim, keepdim, source.ndim), keepdim)

    def mean(self, dim=None, keepdim: bool = False, *, dtype=None):
        """Mean of all elements, or over ``dim``; floating tensors only."""
        source = self if dtype is None else self.to(dtype)
        return source._mean(_dims(dim, keepdim, source.ndim), keepdim)

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
        """The largest values over ``dim`` (an int, a tuple, or all); ties share the gradient."""
        return _amax_amin(self, "max", dim, keepdim)

    def amin(self, dim=None, keepdim: bool = False):
        """The smallest values over ``dim``; ties share the gradient."""
        return _amax_amin(self, "min", dim, keepdim)

    def argmax(self, dim=None, keepdim: bool = False):
        return self._argmax(dim, keepdim)

    def argmin(self, dim=None, keepdim: bool = False):
        return self._argmin(dim, keepdim)


def _amax_amin(x, which: str, dim, keepdim: bool):
    dims = reduced_dims(dim, x.ndim)
    partial = 0 < len(dims) < x.ndim
    if partial and x._requires_grad and _core.is_grad_enabled():
        return (Amax if which == "max" else Amin).apply(x, which, tuple(dims), keepdim)
    return _extreme_values(x, which, dims, keepdim)
