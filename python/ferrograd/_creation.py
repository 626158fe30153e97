"""Factories: ``tensor``, ``zeros``, ``ones``, ``full``, ``empty``, ``arange``, ``linspace``,
``eye``, ``rand``, ``randn``, ``randint``, the ``*_like`` forms and ``from_numpy``."""

from __future__ import annotations

import math as _math

import numpy as np

from . import _core, _meta, _random
from ._base import TensorBase
from ._device import device as _device
from ._dtype import check_fits, get_default_dtype, to_dtype
from ._mixins.shape import _sizes


def _place(t, device, requires_grad: bool):
    if device is None:
        from ._device import get_default_device

        device = get_default_device()
    if _device(device) != _device("cpu"):
        t = t.to(device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _dtype_name(dtype, default=None) -> str:
    if dtype is None:
        return (default or get_default_dtype()).name
    return to_dtype(dtype).name


#: NumPy dtypes a tensor can share (the engine's dtypes but bfloat16, which NumPy lacks).
_NUMPY_NAMES = ("float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool")


def _infer_numpy(data, dtype):
    """A NumPy array of ``data`` in the dtype PyTorch would pick (``dtype`` when given and NumPy
    has it; ``tensor`` casts to bfloat16 itself)."""
    if isinstance(data, TensorBase):
        data = data.detach().cpu()
        data = data.numpy() if data.dtype.name != "bfloat16" else data.float().numpy()
    given_array = isinstance(data, (np.ndarray, np.generic))
    array = np.asarray(data)
    if not given_array and _integers_beyond_int64(data, array, dtype):
        raise ValueError("Overflow when unpacking long long")
    if array.dtype == object:
        raise TypeError(
            f"can't build a tensor from {type(data).__name__} holding non-numeric or ragged data"
        )
    kind = array.dtype.kind
    if kind not in "fiub":
        raise TypeError(f"can't convert data of dtype {array.dtype} to a tensor")
    if dtype is not None:
        target = to_dtype(dtype)
        if not given_array:
            check_fits(array, target)
        return _numpy_for_cast(array, target)
    if given_array and array.dtype.name in _NUMPY_NAMES:
        target = array.dtype
    elif kind == "f":
        target = get_default_dtype().numpy
    elif kind in "iu":
        target = np.int64
    else:
        target = np.bool_
    return np.asarray(array, dtype=target, order="C")


def _integers_beyond_int64(data, array: np.ndarray, dtype) -> bool:
    """Whether Python ints in the data leave int64's range where PyTorch reads them as int64:
    NumPy then picks uint64 (up to 2**64) or object. A float among them, or a float dtype,
    makes every number a double instead."""
    if dtype is not None and to_dtype(dtype).is_floating_point:
        return False
    if array.dtype.kind == "u":
        return True
    if array.dtype == object:
        values = array.ravel().tolist()
    elif array.dtype.kind == "f" and array.size and float(np.nanmax(np.abs(array))) >= 2.0**63:
        # NumPy turns ints that fit int64 beside ones that need uint64 into float64
        values = list(_leaves(data))
    else:
        return False
    return all(isinstance(v, int) for v in values) and any(
        not -(2**63) <= v < 2**63 for v in values
    )


def _leaves(data):
    """The numbers of nested lists and tuples, in order."""
    if isinstance(data, (list, tuple)):
        for item in data:
            yield from _leaves(item)
    else:
        yield data


def _numpy_for_cast(array: np.ndarray, target) -> np.ndarray:
    """``array`` in ``target``'s NumPy dtype where NumPy converts as PyTorch does; else in
    float64 or int64, which the engine then casts with PyTorch's rules (a double becomes a 16-bit
    float through float32; a float becomes an integer through int64 and wraps)."""
    float_to_int = array.dtype.kind == "f" and not target.is_floating_point
    if target.name in ("bfloat16", "float16") or (float_to_int and target.name != "bool"):
        return np.asarray(array, dtype=np.float64 if array.dtype.kind == "f" else np.int64)
    return np.asarray(array, dtype=target.numpy, order="C")


def tensor(data, dtype=None, device=None, requires_grad: bool = False):
    """A new tensor with a copy of ``data`` (a number, nested lists, or an array)."""
    if dtype is None and isinstance(data, TensorBase):
        dtype = data.dtype  # kept, bfloat16 included (which NumPy cannot carry)
    array = _infer_numpy(data, dtype)
    t = _core.from_numpy(array, False, False)
    if dtype is not None and t.dtype is not to_dtype(dtype):
        t = t._to_dtype(to_dtype(dtype).name)
    return _place(t, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    if isinstance(data, TensorBase) and dtype is None and device is None:
        return data
    if (
        isinstance(data, np.ndarray)
        and dtype is None
        and device is None
        and data.dtype.name in _NUMPY_NAMES
    ):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array: np.ndarray):
    """A tensor sharing ``array``'s memory (when it is C-contiguous and writeable)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return _core.from_numpy(array, True, False)


def _size_arg(sizes: tuple, size, op: str) -> list:
    """The shape given positionally (``zeros(2, 3)``, ``zeros((2, 3))``) or as ``size=``."""
    if size is not None:
        if sizes:
            raise TypeError(f"{op}() received the size both positionally and as size=")
        sizes = (size,)
    return _sizes(sizes)


def _number(value):
    """A Python int as it is (the engine keeps int64 values exact past 2**53), else a float."""
    return value if isinstance(value, int) else float(value)


def full(size, fill_value, *, dtype=None, device=None, requires_grad: bool = False):
    if dtype is None:
        dtype = (
            "bool"
            if isinstance(fill_value, bool)
            else ("int64" if isinstance(fill_value, int) else None)
        )
    elif isinstance(fill_value, (int, float)):
        check_fits(fill_value, to_dtype(dtype))
    if _meta.requested(device):
        return _meta.empty(_sizes((size,)), _dtype_name(dtype), requires_grad)
    return _place(
        _core.full(_sizes((size,)), _number(fill_value), _dtype_name(dtype)), device, requires_grad
    )


def zeros(*sizes, size=None, dtype=None, device=None, requires_grad: bool = False):
    # Through `full`, whose meta path allocates nothing.
    return full(
        _size_arg(sizes, size, "zeros"),
        0.0,
        dtype=dtype,
        device=device,
        requires_grad=requires_grad,
    )


def ones(*sizes, size=None, dtype=None, device=None, requires_grad: bool = False):
    return full(
        _size_arg(sizes, size, "ones"), 1.0, dtype=dtype, device=device, requires_grad=requires_grad
    )


def empty(*sizes, size=None, dtype=None, device=None, requires_grad: bool = False):
    """A tensor of the given size (its elements are zero here, unlike PyTorch's arbitrary ones)."""
    shape = _size_arg(sizes, size, "empty")
    return zeros(shape, dtype=dtype, device=device, requires_grad=requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad: bool = False):
    if end is None:
        start, end = 0, start
    values = (start, end, step)
    if dtype is None:
        dtype = "int64" if all(isinstance(v, int) for v in values) else None
    if _meta.requested(device):
        if step == 0:
            raise RuntimeError("step must be nonzero")
        count = max(0, _math.ceil((end - start) / step))
        return _meta.empty((count,), _dtype_name(dtype), requires_grad)
    return _place(
        _core.arange(_number(start), _number(end), _number(step), _dtype_name(dtype)),
        device,
        requires_grad,
    )


def linspace(start, end, steps: int, *, dtype=None, device=None, requires_grad: bool = False):
    if _meta.requested(device):
        return _meta.empty((int(steps),), _dtype_name(dtype), requires_grad)
    return _place(
        _core.linspace(float(start), float(end), int(steps), _dtype_name(dtype)),
        device,
        requires_grad,
    )


def eye(n: int, m: int | None = None, *, dtype=None, device=None, requires_grad: bool = False):
    if _meta.requested(device):
        return _meta.empty((n, n if m is None else m), _dtype_name(dtype), requires_grad)
    return _place(_core.eye(n, n if m is None else m, _dtype_name(dtype)), device, requires_grad)


def rand(*sizes, size=None, dtype=None, device=None, requires_grad: bool = False, generator=None):
    """Samples uniform on [0, 1), from ``generator`` or the default generator."""
    shape = _size_arg(sizes, size, "rand")
    return _random.rand(shape, dtype, device, requires_grad, generator)


def randn(*sizes, size=None, dtype=None, device=None, requires_grad: bool = False, generator=None):
    """Standard normal samples, from ``generator`` or the default generator."""
    shape = _size_arg(sizes, size, "randn")
    return _random.randn(shape, dtype, device, requires_grad, generator)


def randint(
    low, high=None, size=None, *, dtype=None, device=None, requires_grad=False, generator=None
):
    """Integers uniform on ``[low, high)`` (``randint(high, size)``: on ``[0, high)``)."""
    if size is None:
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    return _random.randint(low, high, _sizes((size,)), dtype, device, requires_grad, generator)


def manual_seed(seed: int):
    """Seeds the default generator (behind ``rand``, ``randn``, dropout, shuffling, ...)."""
    return _random.manual_seed(seed)


def _like(factory):
    def make(input, *, dtype=None, device=None, requires_grad: bool = False, **kwargs):
        return factory(
            input.shape,
            dtype=dtype or input.dtype,
            device=device or input.device,
            requires_grad=requires_grad,
            **kwargs,
        )

    make.__name__ = factory.__name__ + "_like"
    make.__doc__ = f"``{factory.__name__}`` with the shape, dtype and device of ``input``."
    return make


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad: bool = False):
    return full(
        input.shape,
        fill_value,
        dtype=dtype or input.dtype,
        device=device or input.device,
        requires_grad=requires_grad,
    )


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)
rand_like = _like(rand)
randn_like = _like(randn)


def randint_like(input, low, high=None, *, generator=None, dtype=None, device=None):
    if high is None:
        low, high = 0, low
    return randint(
        low,
        high,
        input.shape,
        dtype=dtype or input.dtype,
        device=device or input.device,
        generator=generator,
    )


def numel(input) -> int:
    return _math.prod(input.shape)
