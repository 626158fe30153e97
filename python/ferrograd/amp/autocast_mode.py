"""``autocast``: regions whose ops PyTorch runs in a lower precision (float16 / bfloat16).

ferrograd has neither dtype, so it does what PyTorch does when asked to autocast to a dtype the
device does not support: it warns once and disables autocast, and the region runs in the
tensors' own dtypes. ``enabled=False`` (``enabled=use_amp`` in scripts run without AMP) is
silent. The context manager is also a decorator, as PyTorch's is."""

from __future__ import annotations

import functools
import warnings

__all__ = ["autocast", "is_autocast_available", "is_autocast_enabled"]

_DEVICE_TYPES = ("cpu", "cuda")


def is_autocast_available(device_type: str) -> bool:
    """Whether ``device_type`` takes autocast regions (cpu and cuda; in ferrograd they run at
    full precision)."""
    return device_type in _DEVICE_TYPES


def is_autocast_enabled(device_type=None) -> bool:
    """False: ferrograd never runs a region in a lower precision."""
    return False


class autocast:
    """``with autocast(device_type, dtype=None, enabled=True, cache_enabled=None):``"""

    def __init__(self, device_type: str, dtype=None, enabled: bool = True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(
                f"Expected `device_type` of type `str`, got: `{type(device_type).__name__}`"
            )
        if not is_autocast_available(device_type):
            raise RuntimeError(
                f"User specified an unsupported autocast device_type '{device_type}'"
            )
        self.device = device_type
        self.fast_dtype = dtype
        self._cache_enabled = cache_enabled
        if enabled:
            warnings.warn(
                f"In {device_type.upper()} autocast, but the target dtype is not supported: "
                "ferrograd has no float16 or bfloat16. Disabling autocast (the region runs "
                "in its tensors' own dtypes).",
                stacklevel=2,
            )
        self._enabled = False

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        return False

    def __call__(self, function):
        @functools.wraps(function)
        def run_in_region(*args, **kwargs):
            with self:
                return function(*args, **kwargs)

        return run_in_region
