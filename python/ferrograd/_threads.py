"""How many threads the CPU kernels use: ``set_num_threads``, ``get_num_threads`` and the
``FERROGRAD_NUM_THREADS`` environment variable; and PyTorch's inter-op count,
``set_num_interop_threads`` and ``get_num_interop_threads``.

The kernels run on one rayon pool, built when ferrograd is imported, with
``FERROGRAD_NUM_THREADS`` threads when that is set (else ``RAYON_NUM_THREADS``, else one per
logical CPU); the importing thread, when it is the main thread, is one of them (see
``rust/ferrograd-py/src/threads.rs``). Unless one of those variables is set, a kernel uses one
thread per physical core, as PyTorch does by default. A rayon pool cannot be resized once built, so
``set_num_threads(n)`` limits how many of the pool's threads one kernel keeps busy: any ``n``
up to the pool's size takes effect at once (1: every kernel on the calling thread); a larger
``n`` uses the whole pool and warns, since only the environment variable, read at import, can
make the pool larger.
"""

from __future__ import annotations

import os
import threading
import warnings

from . import _core

__all__ = [
    "get_num_interop_threads",
    "get_num_threads",
    "set_num_interop_threads",
    "set_num_threads",
]

ENVIRONMENT_VARIABLE = "FERROGRAD_NUM_THREADS"


def _threads_from_environment() -> int:
    """``FERROGRAD_NUM_THREADS`` as a positive count; 0 when it is unset or not one (warned)."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return 0
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count <= 0:
        warnings.warn(
            f"{ENVIRONMENT_VARIABLE}={value!r} is not a positive integer; ignored",
            RuntimeWarning,
            stacklevel=3,
        )
        return 0
    return count


def _start_pool() -> None:
    """Builds the kernels' pool (once: this module is imported first by ``ferrograd``)."""
    count = _threads_from_environment()
    if threading.current_thread() is threading.main_thread():
        _core.join_thread_pool(count)
    if count:
        # The kernels' default is one thread per physical core; the variable asks for `count`.
        # (Imported on another thread, the pool is built on first use at its default size: the
        # limit keeps kernels to `count` threads of it all the same, and warns if it has fewer.)
        set_num_threads(count)


def set_num_threads(num_threads: int) -> None:
    """Sets how many threads the CPU kernels use (intra-op parallelism), at most the size of the
    pool built at import (``FERROGRAD_NUM_THREADS``); a larger ``num_threads`` uses the whole
    pool and warns.

    >>> import ferrograd
    >>> ferrograd.set_num_threads(1)
    >>> ferrograd.get_num_threads()
    1
    """
    if isinstance(num_threads, bool) or not isinstance(num_threads, int):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(num_threads).__name__}")
    if num_threads <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    used = _core.set_num_threads(num_threads)
    if used < num_threads:
        warnings.warn(
            f"set_num_threads({num_threads}): the kernels' pool has {used} threads, so {used} "
            f"are used; set {ENVIRONMENT_VARIABLE}={num_threads} before importing ferrograd "
            "for a larger pool",
            UserWarning,
            stacklevel=2,
        )


def get_num_threads() -> int:
    """The number of threads the CPU kernels use (see ``set_num_threads``)."""
    return _core.get_num_threads()


_interop_threads: int | None = None


def set_num_interop_threads(num_threads: int) -> None:
    """Sets the number of inter-op threads, once, as PyTorch allows (a second call raises).
    ferrograd runs operations one after another on the calling thread and parallelises inside
    kernels only (``set_num_threads``), so it has no inter-op pool: the count is kept for
    ``get_num_interop_threads`` and changes nothing else.

    >>> import ferrograd
    >>> ferrograd.get_num_interop_threads() >= 1
    True
    """
    global _interop_threads
    if isinstance(num_threads, bool) or not isinstance(num_threads, int):
        raise RuntimeError(
            f"set_num_interop_threads expects an int, but got {type(num_threads).__name__}"
        )
    if num_threads <= 0:
        raise RuntimeError("set_num_interop_threads expects a positive integer")
    if _interop_threads is not None:
        raise RuntimeError(
            "Error: cannot set number of interop threads after parallel work has started or "
            "set_num_interop_threads called"
        )
    _interop_threads = num_threads


def get_num_interop_threads() -> int:
    """The number of inter-op threads: what ``set_num_interop_threads`` set, else one per CPU
    (PyTorch's default; see there for what it does in ferrograd).

    >>> import ferrograd
    >>> ferrograd.get_num_interop_threads() >= 1
    True
    """
    return _interop_threads if _interop_threads is not None else os.cpu_count() or 1


_start_pool()
