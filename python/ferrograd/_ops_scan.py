"""Scans along a dimension: ``cumsum``, ``cumprod``, ``logcumsumexp``, ``cummax``, ``cummin``
and the in-place ``cumsum_``/``cumprod_``.

Each is one engine operation (``rust/ferrograd/src/ops/scan.rs``): the kernels read strided
inputs in place, and the derivative rules are recorded operations (``cumprod``'s divides by
nothing, so it is exact where the input has zeros), so gradients of every order and
forward-mode tangents work. Integer and bool inputs to ``cumsum``/``cumprod`` accumulate in
int64 unless ``dtype`` says otherwise, as in PyTorch.
"""

from __future__ import annotations

from . import _core, return_types
from ._base import TensorBase
from ._dtype import kernel_not_implemented, scalar_type_name, to_dtype
from ._ops_out import write_out

cummax_result = return_types.cummax
cummin_result = return_types.cummin


def _tensor(value, op: str):
    if not isinstance(value, TensorBase):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(value).__name__}")
    return value


def _accumulated(x, op: str, dim, dtype):
    """``cumsum``/``cumprod`` of ``x`` (cast to ``dtype`` first when given)."""
    if dtype is None:
        return getattr(_core, op)(x, dim)
    dtype = to_dtype(dtype)
    if dtype.name == "bool":
        raise kernel_not_implemented(f"{op}_out_cpu", dtype)
    # The engine accumulates integers in int64; wrapping arithmetic makes the narrower
    # result the same as accumulating in it.
    return getattr(_core, op)(x.to(dtype), dim).to(dtype)


def cumsum(input, dim, *, dtype=None, out=None):
    """The running sum of ``input`` along ``dim``: ``out[i] = input[0] + ... + input[i]``.
    Integer and bool inputs give int64 unless ``dtype`` is given (the input is cast to it
    before summing); with ``out`` and no ``dtype``, the sum is computed in ``out``'s dtype."""
    x = _tensor(input, "cumsum")
    if out is not None and dtype is None and isinstance(out, TensorBase):
        dtype = out.dtype
    result = _accumulated(x, "cumsum", dim, dtype)
    return result if out is None else write_out("cumsum", result, out)


def cumprod(input, dim, *, dtype=None, out=None):
    """The running product of ``input`` along ``dim``: ``out[i] = input[0] * ... * input[i]``.
    Integer and bool inputs give int64 unless ``dtype`` is given. The gradient is exact where
    the input has zeros (it divides by nothing)."""
    x = _tensor(input, "cumprod")
    if out is not None and dtype is None and isinstance(out, TensorBase):
        dtype = out.dtype
    result = _accumulated(x, "cumprod", dim, dtype)
    return result if out is None else write_out("cumprod", result, out)


def logcumsumexp(input, dim, *, out=None):
    """``log(cumsum(exp(input), dim))``, computed without overflow (floating point only)."""
    x = _tensor(input, "logcumsumexp")
    if not x.is_floating_point():
        raise kernel_not_implemented("logcumsumexp_out_cpu", x.dtype)
    result = _core.logcumsumexp(x, dim)
    return result if out is None else write_out("logcumsumexp", result, out)


def cummax(input, dim, *, out=None):
    """``(values, indices)``: the running maximum of ``input`` along ``dim`` and where each was
    found (the last of equal values; once a NaN is met it is the maximum). The gradient goes
    to the element each value came from."""
    values, indices = _core.cum_extreme(_tensor(input, "cummax"), dim, True)
    result = cummax_result(values, indices)
    return result if out is None else write_out("cummax", result, out)


def cummin(input, dim, *, out=None):
    """``(values, indices)``: the running minimum of ``input`` along ``dim`` and where each was
    found (the last of equal values; NaN propagates as in ``cummax``)."""
    values, indices = _core.cum_extreme(_tensor(input, "cummin"), dim, False)
    result = cummin_result(values, indices)
    return result if out is None else write_out("cummin", result, out)


def _accumulate_in_place(self, op: str, dim, dtype):
    """``self`` replaced by its ``cumsum``/``cumprod``, accumulated in its own dtype."""
    if dtype is not None and to_dtype(dtype) != self.dtype:
        raise RuntimeError(
            f"Bad in-place call: input tensor dtype {scalar_type_name(self.dtype, True)} and "
            f"output tensor dtype {scalar_type_name(to_dtype(dtype), True)} should match"
        )
    if self.dtype.name == "bool":
        raise kernel_not_implemented(f"{op}_out_cpu", self.dtype)
    # The product's node keeps its input: under autograd it gets a copy, since the write
    # below changes this tensor.
    recording = op == "cumprod" and _core.is_grad_enabled() and self.requires_grad
    source = self.clone() if recording else self
    return self.copy_(getattr(_core, op)(source, dim))


class ScanMixin:
    __slots__ = ()

    def cumsum(self, dim, *, dtype=None):
        """The running sum along ``dim`` (see ``ferrograd.cumsum``)."""
        return cumsum(self, dim, dtype=dtype)

    def cumprod(self, dim, *, dtype=None):
        """The running product along ``dim`` (see ``ferrograd.cumprod``)."""
        return cumprod(self, dim, dtype=dtype)

    def logcumsumexp(self, dim):
        """``log(cumsum(exp(self), dim))``, computed without overflow."""
        return logcumsumexp(self, dim)

    def cummax(self, dim):
        """``(values, indices)`` of the running maximum along ``dim``."""
        return cummax(self, dim)

    def cummin(self, dim):
        """``(values, indices)`` of the running minimum along ``dim``."""
        return cummin(self, dim)

    def cumsum_(self, dim, *, dtype=None):
        """In-place ``cumsum``, in this tensor's dtype."""
        return _accumulate_in_place(self, "cumsum", dim, dtype)

    def cumprod_(self, dim, *, dtype=None):
        """In-place ``cumprod``, in this tensor's dtype."""
        return _accumulate_in_place(self, "cumprod", dim, dtype)


__all__ = ["cummax", "cummin", "cumprod", "cumsum", "logcumsumexp"]
