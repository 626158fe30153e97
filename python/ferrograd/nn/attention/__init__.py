"""``ferrograd.nn.attention``: choosing a kernel for ``scaled_dot_product_attention``.

ferrograd has two: the fused Rust kernel (``FLASH_ATTENTION``, used when allowed and it
applies) and the form composed of tensor ops (``MATH``, every other case); the other names are
accepted and recorded. Both give the same results."""

from __future__ import annotations

import contextlib
import enum

__all__ = ["SDPBackend", "sdpa_kernel"]


class SDPBackend(enum.IntEnum):
    """PyTorch's attention kernels, by name and number."""

    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


_active: list[SDPBackend] = list(SDPBackend)


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority: bool = False):
    """Within the block, attention may use only ``backends`` (one or a list of
    :class:`SDPBackend`)."""
    del set_priority
    chosen = list(backends) if isinstance(backends, (list, tuple, set)) else [backends]
    for b in chosen:
        if not isinstance(b, SDPBackend):
            raise AssertionError("Backend must be an instance of SDPBackend")
    global _active
    previous = _active
    _active = chosen
    try:
        yield
    finally:
        _active = previous
