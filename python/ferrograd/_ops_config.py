"""Process-wide settings that PyTorch programs set while starting up:
``use_deterministic_algorithms`` and ``set_deterministic_debug_mode``,
``set_float32_matmul_precision``, ``set_warn_always`` and ``set_flush_denormal``.

What each setting means here: ferrograd's CPU kernels give the same result on every run (they
split their work by output element, each computed by one thread in a fixed order), so
deterministic mode changes nothing on the CPU and the setting is recorded and reported
(ferrograd does not check the CUDA device's kernels for determinism); float32 matrix products
always run in float32 ("highest"); warnings are Python's; flushing denormals is not available
(reported as such).
"""

from __future__ import annotations

import warnings

__all__ = [
    "are_deterministic_algorithms_enabled",
    "get_deterministic_debug_mode",
    "get_float32_matmul_precision",
    "is_anomaly_check_nan_enabled",
    "is_anomaly_enabled",
    "is_deterministic_algorithms_warn_only_enabled",
    "is_warn_always_enabled",
    "set_anomaly_enabled",
    "set_deterministic_debug_mode",
    "set_float32_matmul_precision",
    "set_flush_denormal",
    "set_warn_always",
    "use_deterministic_algorithms",
]

_STATE = {"deterministic": False, "warn_only": False, "precision": "highest", "warn_always": False}
_DEBUG_MODES = ("default", "warn", "error")


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Asks for deterministic algorithms (see the module's docstring for what that means
    here)."""
    if not isinstance(mode, bool):
        raise TypeError(
            "use_deterministic_algorithms(): argument 'mode' must be bool, not "
            f"{type(mode).__name__}"
        )
    _STATE["deterministic"] = mode
    _STATE["warn_only"] = bool(warn_only) and mode


def are_deterministic_algorithms_enabled() -> bool:
    return _STATE["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _STATE["warn_only"]


def set_deterministic_debug_mode(debug_mode) -> None:
    """``'default'``/0 (off), ``'warn'``/1 or ``'error'``/2: ``use_deterministic_algorithms``
    by another name."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(
                "invalid value of debug_mode, expected one of `default`, `warn`, `error`, but "
                f"got {debug_mode}"
            )
        debug_mode = _DEBUG_MODES.index(debug_mode)
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(
            f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}"
        )
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    if not _STATE["deterministic"]:
        return 0
    return 1 if _STATE["warn_only"] else 2


def set_float32_matmul_precision(precision: str) -> None:
    """Accepts ``'highest'``, ``'high'`` or ``'medium'``; ferrograd's float32 products are
    always computed in float32, which every level allows."""
    if precision not in ("highest", "high", "medium"):
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
            "setFloat32MatmulPrecision call has no effect.",
            UserWarning,
            stacklevel=2,
        )
        return
    _STATE["precision"] = precision


def get_float32_matmul_precision() -> str:
    return _STATE["precision"]


def set_warn_always(b: bool) -> None:
    """Whether warnings PyTorch gives once are given every time (recorded; ferrograd's
    warnings follow Python's ``warnings`` filters)."""
    _STATE["warn_always"] = bool(b)


def is_warn_always_enabled() -> bool:
    return _STATE["warn_always"]


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Anomaly detection on or off for this thread, and whether it checks backward for NaN
    (``autograd.set_detect_anomaly``)."""
    from .autograd.grad_mode import _set_anomaly

    _set_anomaly(enabled, check_nan)


def is_anomaly_enabled() -> bool:
    from .autograd import is_anomaly_enabled as enabled

    return enabled()


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly mode checks backward for NaN (True by default, as in PyTorch)."""
    from .autograd.grad_mode import is_anomaly_check_nan_enabled as enabled

    return enabled()


def set_flush_denormal(mode: bool) -> bool:
    """False: ferrograd cannot switch the CPU to flushing denormal numbers to zero."""
    return False
