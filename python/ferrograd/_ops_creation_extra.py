"""More factories: the ``Tensor.new_*`` family (the dtype and device of an existing tensor),
``empty_strided``, ``scalar_tensor``, ``logspace``, ``vander`` and the signal windows
(``hann_window``, ``hamming_window``, ``blackman_window``, ``bartlett_window``,
``kaiser_window``).

The windows are computed with tensor operations in the requested dtype, in the order PyTorch's
kernels use, so float32 windows round as PyTorch's do; a periodic window is the symmetric
window one longer, without its last element.
"""

from __future__ import annotations

import math
import operator

import numpy as np

from . import _core
from ._base import TensorBase
from ._creation import _place, arange, full, tensor, zeros
from ._dtype import get_default_dtype, to_dtype
from ._mixins.shape import _sizes

__all__ = [
    "asarray",
    "bartlett_window",
    "blackman_window",
    "empty_permuted",
    "empty_strided",
    "frombuffer",
    "hamming_window",
    "hann_window",
    "kaiser_window",
    "logspace",
    "scalar_tensor",
    "to_dlpack",
    "vander",
]


def empty_strided(
    size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False
):
    """A tensor of ``size`` whose elements are laid out with ``stride`` (zero-filled)."""
    size = [operator.index(s) for s in size]
    stride = [operator.index(s) for s in stride]
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape: {len(size)} != {len(stride)}")
    extent = 1 + sum((n - 1) * s for n, s in zip(size, stride, strict=True)) if all(size) else 0
    storage = zeros(extent, dtype=dtype, device=device)
    out = storage.as_strided(size, stride, 0)
    if requires_grad:
        out.requires_grad_(True)
    return out


def empty_permuted(
    size,
    physical_layout,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    """A tensor of ``size`` whose dimensions lie in memory in the order ``physical_layout``
    (outermost first); zero-filled."""
    size = [operator.index(s) for s in size]
    order = [operator.index(d) for d in physical_layout]
    if len(size) != len(order):
        raise RuntimeError(
            "Number of dimensions in size does not match the length of the physical_layout; "
            f"i.e. len(size) = {len(size)} is not equal to len(physical_layout) = {len(order)}"
        )
    if len(set(order)) != len(order):
        raise RuntimeError("Duplicate dim not allowed")
    stride, running = [0] * len(size), 1
    for d in reversed(order):
        stride[d] = running
        running *= max(size[d], 1)
    return empty_strided(size, stride, dtype=dtype, device=device, requires_grad=requires_grad)


def frombuffer(buffer, *, dtype, count: int = -1, offset: int = 0, requires_grad=False):
    """A 1-D tensor sharing the memory of a Python buffer (``bytearray``, ``memoryview``,
    ``array.array``, ...), read as ``dtype`` from byte ``offset``, ``count`` elements (all by
    default)."""
    d = to_dtype(dtype)
    if d.name == "bfloat16":
        raise TypeError(
            "frombuffer: bfloat16 is not supported (NumPy, through which ferrograd shares the "
            "buffer, has no bfloat16); read it as int16 or float32"
        )
    size = memoryview(buffer).nbytes
    if count < 0 and (size - offset) % d.itemsize:
        raise ValueError(
            f"buffer length ({size - offset} bytes) after offset ({offset} bytes) must be a "
            f"multiple of element size ({d.itemsize})"
        )
    array = np.frombuffer(buffer, dtype=d.numpy, count=count, offset=offset)
    out = _core.from_numpy(array, True)
    if requires_grad:
        out.requires_grad_(True)
    return out


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """``obj`` as a tensor, sharing its memory when it can (a tensor, a NumPy array, a DLPack
    object) unless ``copy=True``; ``copy=False`` raises where sharing is impossible."""
    from ._device import device as as_device
    from ._dlpack import from_dlpack

    target = None if dtype is None else to_dtype(dtype)
    if isinstance(obj, TensorBase):
        out = obj
    elif isinstance(obj, np.ndarray) and obj.dtype.name in (
        "float32",
        "float64",
        "int32",
        "int64",
        "bool",
    ):
        out = _core.from_numpy(obj, True)
    elif hasattr(obj, "__dlpack__") and not isinstance(obj, np.generic):
        out = from_dlpack(obj)
    else:
        if copy is False:
            raise ValueError("can't alias arbitrary sequence into a tensor.")
        out = tensor(obj, dtype=target, device=device)
        copy = False  # already new memory
    if target is not None and out.dtype != target:
        if copy is False:
            raise ValueError(f"can't alias tensor with dtype '{out.dtype}' into dtype '{target}'.")
        out, copy = out.to(target), False
    if device is not None and out.device != as_device(device):
        if copy is False:
            raise ValueError(f"can't alias tensor from device '{out.device}' to '{device}'.")
        out, copy = out.to(device), False
    if copy:
        out = out.clone()
    if requires_grad:
        out.requires_grad_(True)
    return out


def to_dlpack(tensor):
    """A DLPack capsule sharing ``tensor``'s memory (``tensor.__dlpack__()``)."""
    return tensor.__dlpack__()


def scalar_tensor(
    s, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False
):
    """A 0-d tensor of the number ``s`` (default dtype unless ``dtype`` says otherwise)."""
    return tensor(
        float(s), dtype=dtype or get_default_dtype(), device=device, requires_grad=requires_grad
    )


def logspace(
    start,
    end,
    steps: int,
    base: float = 10.0,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    out=None,
):
    """``steps`` values from ``base ** start`` to ``base ** end``, evenly spaced in the
    exponent."""
    steps = operator.index(steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    exponents = np.linspace(float(start), float(end), steps)
    target = to_dtype(dtype) if dtype is not None else get_default_dtype()
    values = np.power(float(base), exponents)
    if not target.is_floating_point:
        values = np.trunc(values)
    result = _place(
        _core.from_numpy(values.astype(target.numpy), False).to(target),
        device,
        requires_grad,
    )
    if out is not None:
        from ._ops_out import write_out

        return write_out("logspace", result, out)
    return result


def vander(x, N=None, increasing: bool = False):
    """The Vandermonde matrix of a 1-D ``x``: columns ``x ** (N-1), ..., x, 1`` (increasing:
    the other way), built by repeated products (differentiable, exact at 0)."""
    if not isinstance(x, TensorBase):
        raise TypeError(f"vander(): argument 'x' must be Tensor, not {type(x).__name__}")
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else operator.index(N)
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    base = x if x.is_floating_point() else x.to("int64")
    columns = []
    power = None
    for _ in range(n):
        power = base * 0 + 1 if power is None else power * base
        columns.append(power)
    if not columns:
        return zeros(x.shape[0], 0, dtype=base.dtype, device=x.device)
    if not increasing:
        columns.reverse()
    return _core.stack(columns, 1)


# ----------------------------------------------------------------------------- windows


def _window(name: str, length: int, periodic: bool, dtype, device, requires_grad, symmetric):
    length = operator.index(length)
    if length < 0:
        raise RuntimeError(
            f"{name} requires non-negative window_length, got window_length={length}"
        )
    target = to_dtype(dtype) if dtype is not None else get_default_dtype()
    if not target.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: {target}")
    if length <= 1:
        out = full([length], 1.0, dtype=target)
    else:
        n = length + 1 if periodic else length
        out = symmetric(arange(n, dtype=target), n)
        if periodic:
            out = out.narrow(0, 0, length)
    return _place(out.contiguous(), device, requires_grad)


def _raised_cosine(alpha: float, beta: float):
    def symmetric(k, n):
        return (k * (2.0 * math.pi / (n - 1))).cos() * -beta + alpha

    return symmetric


def hamming_window(
    window_length: int,
    periodic: bool = True,
    alpha: float = 0.54,
    beta: float = 0.46,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    """``alpha - beta * cos(2πk / (N - 1))``."""
    return _window(
        "hamming_window",
        window_length,
        periodic,
        dtype,
        device,
        requires_grad,
        _raised_cosine(alpha, beta),
    )


def hann_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    """``0.5 - 0.5 * cos(2πk / (N - 1))``."""
    return _window(
        "hann_window",
        window_length,
        periodic,
        dtype,
        device,
        requires_grad,
        _raised_cosine(0.5, 0.5),
    )


def blackman_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    """``0.42 - 0.5 cos(2πk / (N - 1)) + 0.08 cos(4πk / (N - 1))``."""

    def symmetric(k, n):
        w = k * (math.pi / (n - 1))
        return (w * 4).cos() * 0.08 - (w * 2).cos() * 0.5 + 0.42

    return _window(
        "blackman_window", window_length, periodic, dtype, device, requires_grad, symmetric
    )


def bartlett_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    """The triangle ``1 - |2k / (N - 1) - 1|``."""

    def symmetric(k, n):
        w = k * (2.0 / (n - 1))
        first = ((n - 1) >> 1) + 1
        return _core.cat([w.narrow(0, 0, first), 2 - w.narrow(0, first, n - first)], 0)

    return _window(
        "bartlett_window", window_length, periodic, dtype, device, requires_grad, symmetric
    )


def kaiser_window(
    window_length: int,
    periodic: bool = True,
    beta: float = 12.0,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    """``I0(beta * sqrt(1 - ((k - a) / a)²)) / I0(beta)`` with ``a = (N - 1) / 2`` (``I0``
    the modified Bessel function of order 0, from NumPy)."""

    def symmetric(k, n):
        alpha = (n - 1) / 2.0
        ratio = (np.arange(n, dtype=np.float64) - alpha) / alpha
        values = np.i0(beta * np.sqrt(np.clip(1 - ratio * ratio, 0, None))) / np.i0(beta)
        return _core.from_numpy(values.astype(k.dtype.numpy), False)

    return _window(
        "kaiser_window", window_length, periodic, dtype, device, requires_grad, symmetric
    )


# ----------------------------------------------------------------------------- new_*


def _options(self, dtype, device):
    return {
        "dtype": self.dtype if dtype is None else dtype,
        "device": self.device if device is None else device,
    }


class CreationMixin:
    __slots__ = ()

    def new_tensor(
        self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False
    ):
        """A new tensor of ``data`` with this tensor's dtype and device by default."""
        if isinstance(data, TensorBase):
            data = data.detach()
        return tensor(data, requires_grad=requires_grad, **_options(self, dtype, device))

    def new_zeros(
        self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False
    ):
        return zeros(_sizes(size), requires_grad=requires_grad, **_options(self, dtype, device))

    def new_ones(
        self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False
    ):
        return full(_sizes(size), 1, requires_grad=requires_grad, **_options(self, dtype, device))

    def new_empty(
        self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False
    ):
        """Zero-filled (PyTorch leaves the elements unset)."""
        return self.new_zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)

    def new_full(
        self,
        size,
        fill_value,
        *,
        dtype=None,
        device=None,
        requires_grad=False,
        layout=None,
        pin_memory=False,
    ):
        return full(
            _sizes((size,)),
            fill_value,
            requires_grad=requires_grad,
            **_options(self, dtype, device),
        )

    def new_empty_strided(
        self,
        size,
        stride,
        *,
        dtype=None,
        device=None,
        requires_grad=False,
        layout=None,
        pin_memory=False,
    ):
        return empty_strided(
            size, stride, requires_grad=requires_grad, **_options(self, dtype, device)
        )

    def new(self, *args, **kwargs):
        """The legacy constructor: ``new()`` is empty, ``new(2, 3)`` of those sizes,
        ``new(data)`` of the data; this tensor's dtype and device."""
        device = kwargs.pop("device", None)
        if kwargs:
            raise TypeError(f"new() got unexpected keyword arguments {sorted(kwargs)}")
        if not args:
            return self.new_zeros(0, device=device)
        if all(isinstance(a, int) for a in args) or (
            len(args) == 1 and type(args[0]).__name__ == "Size"
        ):
            return self.new_zeros(*args, device=device)
        if len(args) == 1:
            return self.new_tensor(args[0], device=device)
        raise TypeError("new(): expected sizes or one sequence of data")
