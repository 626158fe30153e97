"""Reductions: ``sum``, ``mean``, ``max``, ``min``, ``argmax``, ``argmin``, ``prod``-free set of
the core (statistics such as ``var`` and ``norm`` live in the statistics mixin)."""

from .. import _core, return_types
from .._autocast import float32_op
from .._dtype import scalar_type_name
from ..autograd.function import Function

#: What ``max(dim=...)`` and ``min(dim=...)`` return, like ``torch.return_types.max``.


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
        if _core.current_dual_level() is not None:
            # `saved_tensors` is empty where nothing requires grad; `jvp` needs them anyway.
            ctx.jvp_inputs = (x, kept)
        return kept if keepdim else _drop(kept, dims)

    @staticmethod
    def backward(ctx, grad):
        x, kept = ctx.saved_tensors
        if not ctx.keepdim:
            grad = grad.reshape(kept.shape)
        ties = (x == kept).to(grad.dtype)
        return grad / ties.sum(ctx.dims, keepdim=True) * ties, None, None, None

    @staticmethod
    def jvp(ctx, tangent, *_):
        # The mean of the tied elements' tangents, as PyTorch's forward-mode formula.
        x, kept = ctx.jvp_inputs
        ties = (x == kept).to(tangent.dtype)
        out = (tangent * ties).sum(ctx.dims, keepdim=True) / ties.sum(ctx.dims, keepdim=True)
        return out if ctx.keepdim else _drop(out, ctx.dims)


class Amax(_SplitExtreme):
    _grad_fn_name = "AmaxBackward0"


class Amin(_SplitExtreme):
    _grad_fn_name = "AminBackward0"


class ReductionMixin:
    __slots__ = ()

    def sum(self, dim=None, keepdim: bool = False, *, dtype=None):
        """Returns the sum of all elements, or over the dimensions ``dim``.

        Integer and bool tensors are summed in ``int64`` unless ``dtype`` says otherwise; floating
        tensors keep their dtype. The gradient of each element is the gradient of its sum.

        Args:
            dim: a dimension or a tuple of dimensions to reduce; all of them when ``None``.
            keepdim: keep each reduced dimension with size 1, so that the result broadcasts
                against this tensor.
            dtype: convert to this dtype before summing.

        Examples:
            >>> import ferrograd
            >>> a = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])
            >>> a.sum()
            tensor(10.)
            >>> a.sum(dim=0)
            tensor([4., 6.])
            >>> a.sum(1, keepdim=True)
            tensor([[3.],
                    [7.]])
            >>> ferrograd.tensor([1, 2, 3]).sum().dtype
            ferrograd.int64
        """
        source = self if dtype is None else self.to(dtype)
        return source._sum(_dims(dim, keepdim, source.ndim), keepdim)

    def mean(self, dim=None, keepdim: bool = False, *, dtype=None):
        """Returns the mean of all elements, or over the dimensions ``dim``.

        Args:
            dim: a dimension or a tuple of dimensions to reduce; all of them when ``None``.
            keepdim: keep each reduced dimension with size 1.
            dtype: convert to this (floating) dtype first.

        Raises:
            NotImplementedError: the tensor is not floating and no floating ``dtype`` is given
                (PyTorch's error: the mean of integers has no integer dtype).

        Examples:
            >>> import ferrograd
            >>> a = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])
            >>> a.mean()
            tensor(2.5000)
            >>> a.mean(dim=1)
            tensor([1.5000, 3.5000])
        """
        source = self if dtype is None else self.to(dtype)
        if not source.is_floating_point():
            raise NotImplementedError(
                "mean(): could not infer output dtype. Input dtype must be either a floating "
                f"point or complex dtype. Got: {scalar_type_name(source.dtype)}"
            )
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
        return getattr(return_types, which)(values, indices)

    def max(self, dim=None, keepdim: bool = False):
        """Returns the largest element; along ``dim``, the largest values and their indices; given a
        tensor, the elementwise maximum (as ``maximum``).

        With ``dim``, the result is a named tuple ``(values, indices)``; where several elements
        are largest, the index is the first one's. The gradient goes to the element chosen (the
        whole-tensor maximum shares it among ties, as PyTorch does).

        Args:
            dim: the dimension to reduce (an int), or a tensor to compare with.
            keepdim: keep the reduced dimension with size 1.

        Examples:
            >>> import ferrograd
            >>> a = ferrograd.tensor([[1.0, 5.0], [3.0, 4.0]])
            >>> a.max()
            tensor(5.)
            >>> values, indices = a.max(dim=1)
            >>> values, indices
            (tensor([5., 4.]), tensor([1, 1]))
        """
        return self._extreme("max", dim, keepdim)

    def min(self, dim=None, keepdim: bool = False):
        """Returns the smallest element; along ``dim``, the smallest values and their indices (a
        named tuple ``(values, indices)``); given a tensor, the elementwise minimum.

        Args:
            dim: the dimension to reduce (an int), or a tensor to compare with.
            keepdim: keep the reduced dimension with size 1.

        Examples:
            >>> import ferrograd
            >>> a = ferrograd.tensor([[1.0, 5.0], [3.0, 4.0]])
            >>> a.min()
            tensor(1.)
            >>> a.min(dim=0).indices
            tensor([0, 1])
        """
        return self._extreme("min", dim, keepdim)

    def amax(self, dim=None, keepdim: bool = False):
        """The largest values over ``dim`` (an int, a tuple, or all); ties share the gradient."""
        return _amax_amin(self, "max", dim, keepdim)

    def amin(self, dim=None, keepdim: bool = False):
        """The smallest values over ``dim``; ties share the gradient."""
        return _amax_amin(self, "min", dim, keepdim)

    @float32_op
    def prod(self, dim=None, keepdim: bool = False, *, dtype=None):
        """Product of all elements, or along ``dim`` (an int). Integer and bool tensors give
        int64, as in PyTorch. Computed as a tree of elementwise products (halves multiplied
        pairwise), so the gradient is exact where elements are 0 (no division by the input)."""
        source = self if dtype is None else self.to(dtype)
        if dtype is None and not source.is_floating_point():
            source = source.to("int64")
        if dim is None:
            return _tree_product(source.reshape(-1))
        if not isinstance(dim, int):
            raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
        from .structure import wrap_dim

        d = wrap_dim(dim, source.ndim, "prod")
        if source.ndim == 0:
            return source.clone()
        out = _tree_product(source.movedim(d, -1))
        return out.unsqueeze(d) if keepdim else out

    def nansum(self, dim=None, keepdim: bool = False, *, dtype=None):
        """``sum`` with NaNs counted as 0 (their gradient is 0)."""
        source = self if dtype is None else self.to(dtype)
        return source._nansum(_dims(dim, keepdim, source.ndim), keepdim)

    def nanmean(self, dim=None, keepdim: bool = False, *, dtype=None):
        """``mean`` of the elements that are not NaN (NaN where all are)."""
        source = self if dtype is None else self.to(dtype)
        if not source.is_floating_point():
            from .._dtype import scalar_type_name

            raise NotImplementedError(
                "nanmean(): expected input to have floating point or complex dtype but got "
                f"{scalar_type_name(source.dtype)}"
            )
        present = ~source.isnan()
        count = present.to(source.dtype).sum(dim, keepdim)
        return source.where(present, 0.0).sum(dim, keepdim) / count

    def argmax(self, dim=None, keepdim: bool = False):
        """Returns the index of the largest element: in the flattened tensor, or along ``dim``. The
        first index wins among equal elements. The result is ``int64`` and not differentiable.

        Args:
            dim: the dimension to reduce; the flattened tensor when ``None``.
            keepdim: keep the reduced dimension with size 1.

        Examples:
            >>> import ferrograd
            >>> a = ferrograd.tensor([[1.0, 5.0], [3.0, 4.0]])
            >>> a.argmax()
            tensor(1)
            >>> a.argmax(dim=1)
            tensor([1, 1])
        """
        return self._argmax(dim, keepdim)

    def argmin(self, dim=None, keepdim: bool = False):
        """Returns the index of the smallest element: in the flattened tensor, or along ``dim``
        (``int64``, the first among equal elements).

        Args:
            dim: the dimension to reduce; the flattened tensor when ``None``.
            keepdim: keep the reduced dimension with size 1.

        Examples:
            >>> import ferrograd
            >>> ferrograd.tensor([[1.0, 5.0], [3.0, 0.5]]).argmin(dim=0)
            tensor([0, 1])
        """
        return self._argmin(dim, keepdim)


def _tree_product(x):
    """The product along the last dimension of ``x`` by ``ceil(log2(n))`` rounds of pairwise
    products (an odd element out waits for the next round); 1 for an empty dimension."""
    n = x.shape[-1]
    if n == 1:
        return x.squeeze(-1).clone()
    if n == 0:
        from .. import _core

        return _core.full(list(x.shape[:-1]), 1.0, x._dtype, x._device)
    while n > 1:
        pairs = x[..., 0 : n - 1 : 2] * x[..., 1:n:2]
        if n % 2:
            from .. import _core

            pairs = _core.cat([pairs, x[..., n - 1 :]], x.ndim - 1)
        x, n = pairs, pairs.shape[-1]
    return x.squeeze(-1)


def _amax_amin(x, which: str, dim, keepdim: bool):
    dims = reduced_dims(dim, x.ndim)
    partial = 0 < len(dims) < x.ndim
    recorded = x._requires_grad and _core.is_grad_enabled()
    if partial and (recorded or _core.current_dual_level() is not None):
        return (Amax if which == "max" else Amin).apply(x, which, tuple(dims), keepdim)
    return _extreme_values(x, which, dims, keepdim)
