"""``autocast``: regions whose ops run in a lower precision, as PyTorch's.

Inside ``with autocast(device_type, dtype=...)`` the ops of PyTorch's lower-precision list
(matrix products, ``linear``, convolutions, ``prelu``, attention) cast their floating point
inputs to the region's dtype (bfloat16 by default on the CPU, float16 on CUDA), and the ops of
its float32 list (the losses, ``prod``, ``cdist``) cast reduced-precision inputs up to float32;
every other op runs in its inputs' dtypes. The casts are ordinary differentiable ``to`` calls,
so gradients flow back to the float32 parameters in float32.

Each listed op calls ``lower_precision`` / ``full_precision`` (or is decorated with
``float32_op``) on its inputs; these return them unchanged at the cost of one list lookup when
no region is active. The ``@`` operator is native, so while any region is active the Tensor
class's ``__matmul__`` / ``__rmatmul__`` are replaced by forms that cast first (restored when
the last region exits). A dtype the device cannot autocast to (anything but float16 and
bfloat16) warns and disables the region, as PyTorch does. The context manager is also a
decorator."""

from __future__ import annotations

import functools
import threading
import warnings

__all__ = [
    "autocast",
    "get_autocast_dtype",
    "is_autocast_available",
    "is_autocast_enabled",
]

_DEVICE_TYPES = ("cpu", "cuda")
#: What a region casts to when no dtype is given (PyTorch's defaults).
_DEFAULT_DTYPES = {"cpu": "bfloat16", "cuda": "float16"}
_LOWER_DTYPES = ("float16", "bfloat16")


class _State(threading.local):
    def __init__(self):
        # device type -> the dtype its active region casts to (absent: no region active)
        self.regions: dict[str, object] = {}


_state = _State()
#: Regions active on any thread: the listed ops skip every check while it is zero.
_active = [0]
_operators_lock = threading.Lock()
_shadowed_operators: dict[str, object] = {}


def is_autocast_available(device_type: str) -> bool:
    """Whether ``device_type`` takes autocast regions (cpu and cuda)."""
    return device_type in _DEVICE_TYPES


def is_autocast_enabled(device_type=None) -> bool:
    """Whether an autocast region is active on this thread for ``device_type`` (``"cuda"``
    when not given, as PyTorch's default)."""
    return (device_type or "cuda") in _state.regions


def get_autocast_dtype(device_type: str):
    """The dtype regions on ``device_type`` cast to (the active region's, else the default)."""
    from . import _dtype

    region = _state.regions.get(device_type)
    return region if region is not None else _dtype.to_dtype(_DEFAULT_DTYPES[device_type])


def _cuda_available() -> bool:
    from . import cuda

    return cuda.is_available()


def _device_type(t) -> str:
    return "cpu" if t.device.type == "cpu" else "cuda"


def _cast_floats(values, target_of):
    """``values`` with each floating point, non-float64 tensor cast to ``target_of(tensor)``
    (None: left as it is); anything else is passed through."""
    from ._base import TensorBase

    out = []
    for v in values:
        if isinstance(v, TensorBase) and v.is_floating_point() and v.dtype.name != "float64":
            target = target_of(v)
            if target is not None and v.dtype is not target:
                v = v.to(target)
        out.append(v)
    return out


def lower_precision(*values):
    """The inputs of an op on PyTorch's lower-precision list, cast to the active region's dtype
    (their device's region); a tuple of them, unchanged when no region is active."""
    if not _active[0] or not _state.regions:
        return values
    regions = _state.regions
    return tuple(_cast_floats(values, lambda t: regions.get(_device_type(t))))


def full_precision(*values):
    """The inputs of an op on PyTorch's float32 list: float16 and bfloat16 tensors cast to
    float32 while their device's region is active."""
    if not _active[0] or not _state.regions:
        return values
    from ._dtype import float32

    regions = _state.regions

    def target(t):
        return float32 if _device_type(t) in regions else None

    return tuple(_cast_floats(values, target))


def float32_op(function):
    """Decorates an op of the float32 list: its tensor arguments are cast by
    ``full_precision`` inside a region."""

    @functools.wraps(function)
    def op(*args, **kwargs):
        if _active[0] and _state.regions:
            args = full_precision(*args)
            kwargs = dict(zip(kwargs, full_precision(*kwargs.values()), strict=True))
        return function(*args, **kwargs)

    return op


def _shadow_operators() -> None:
    """Replaces ``Tensor.__matmul__`` / ``__rmatmul__`` by forms that cast their operands."""
    from ._tensor import Tensor

    for name in ("__matmul__", "__rmatmul__"):
        native = Tensor.__dict__.get(name) or getattr(Tensor, name)
        _shadowed_operators[name] = Tensor.__dict__.get(name)

        def operator(self, other, _native=native):
            self, other = lower_precision(self, other)
            return _native(self, other)

        operator.__name__ = name
        setattr(Tensor, name, operator)


def _restore_operators() -> None:
    from ._tensor import Tensor

    for name, previous in _shadowed_operators.items():
        if previous is None:
            delattr(Tensor, name)
        else:
            setattr(Tensor, name, previous)
    _shadowed_operators.clear()


class autocast:
    """``with autocast(device_type, dtype=None, enabled=True, cache_enabled=None):``"""

    def __init__(self, device_type: str, dtype=None, enabled: bool = True, cache_enabled=None):
        from ._dtype import to_dtype

        if not isinstance(device_type, str):
            raise ValueError(
                f"Expected `device_type` of type `str`, got: `{type(device_type).__name__}`"
            )
        if not is_autocast_available(device_type):
            raise RuntimeError(
                f"User specified an unsupported autocast device_type '{device_type}'"
            )
        self.device = device_type
        self.fast_dtype = to_dtype(_DEFAULT_DTYPES[device_type] if dtype is None else dtype)
        self._cache_enabled = cache_enabled
        if enabled and device_type == "cuda" and not _cuda_available():
            warnings.warn(
                "CUDA is not available or torch_xla is imported. Disabling autocast.",
                stacklevel=2,
            )
            enabled = False
        if enabled and self.fast_dtype.name not in _LOWER_DTYPES:
            warnings.warn(
                f"In {device_type.upper()} autocast, but the target dtype is not supported. "
                "Disabling autocast.\n"
                f"{device_type.upper()} Autocast only supports dtypes of "
                f"{', '.join('torch.' + d for d in _LOWER_DTYPES)} currently.",
                stacklevel=2,
            )
            enabled = False
        self._enabled = bool(enabled)
        self._previous = []

    def __enter__(self):
        regions = _state.regions
        self._previous.append(regions.get(self.device, _NONE))
        if self._enabled:
            regions[self.device] = self.fast_dtype
        else:
            regions.pop(self.device, None)
        with _operators_lock:
            if _active[0] == 0:
                _shadow_operators()
            _active[0] += 1
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        previous = self._previous.pop()
        if previous is _NONE:
            _state.regions.pop(self.device, None)
        else:
            _state.regions[self.device] = previous
        with _operators_lock:
            _active[0] -= 1
            if _active[0] == 0:
                _restore_operators()
        return False

    def __call__(self, function):
        @functools.wraps(function)
        def run_in_region(*args, **kwargs):
            with self:
                return function(*args, **kwargs)

        return run_in_region


_NONE = object()
