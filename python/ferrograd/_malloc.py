"""Keeps glibc's malloc from handing large freed buffers back to the system at once.

By default glibc serves allocations above a threshold (128 KiB, raised as such buffers are
freed, up to 32 MiB) with fresh ``mmap`` pages and returns free memory at the top of its heap
once more than twice that is free. A training loop frees and allocates tensors of the same
sizes every step, so each step faulted its buffers in again: on a (4096, 1024) float32
``layer_norm`` forward and backward, 75 ms in a fresh process against 13 ms once the
thresholds are raised (docs/PERFORMANCE.md). Raising them keeps up to ``TRIM`` bytes of freed
memory in the process for reuse. Set ``FERROGRAD_MALLOC_TUNING=0`` (or any ``MALLOC_*``
variable or ``GLIBC_TUNABLES``, which then decide) to leave the allocator as it is."""

from __future__ import annotations

import ctypes
import os
import sys

MMAP_THRESHOLD = 64 << 20
TRIM_THRESHOLD = 256 << 20
# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def tune() -> bool:
    """Raises the thresholds where the C library is glibc and the user has not set them;
    True when they were raised."""
    if not sys.platform.startswith("linux") or os.environ.get("FERROGRAD_MALLOC_TUNING") == "0":
        return False
    if "GLIBC_TUNABLES" in os.environ or any(k.startswith("MALLOC_") for k in os.environ):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # absent from musl
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(
        mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )


tune()
