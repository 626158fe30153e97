"""``torch.multiprocessing``: the standard ``multiprocessing`` module, whose pickler sends
ferrograd tensors in shared memory as references to that memory.

Every name of ``multiprocessing`` is here (``Process``, ``Queue``, ``Pool``, ``get_context``,
``set_start_method``, ...), plus ``spawn``/``start_processes`` and the sharing-strategy
functions. A tensor moved to shared memory (``Tensor.share_memory_()``, or
``Module.share_memory()`` for a model's parameters) and passed to a child process, through its
arguments or a queue, is the same memory in both processes: in-place updates in one are seen
by the other (Hogwild training). A tensor not in shared memory is sent as a copy (PyTorch
would move it to shared memory first).

Examples:
    >>> import ferrograd
    >>> import ferrograd.multiprocessing as mp
    >>> def train(rank, model):  # each process updates the shared parameters in place
    ...     ...
    >>> if __name__ == "__main__":  # doctest: +SKIP
    ...     model = ferrograd.nn.Linear(4, 1)
    ...     model.share_memory()
    ...     workers = [mp.Process(target=train, args=(r, model)) for r in range(2)]
    ...     for p in workers:
    ...         p.start()
    ...     for p in workers:
    ...         p.join()
"""

from __future__ import annotations

import multiprocessing
import sys
from multiprocessing import *  # noqa: F403 - PyTorch's module re-exports the standard one

from ..utils.data import _transfer
from .spawn import (
    ProcessContext,
    ProcessExitedException,
    ProcessRaisedException,
    SpawnContext,
    spawn,
    start_processes,
)

__all__ = [
    "ProcessContext",
    "ProcessExitedException",
    "ProcessRaisedException",
    "SpawnContext",
    "get_all_sharing_strategies",
    "get_sharing_strategy",
    "init_reductions",
    "set_sharing_strategy",
    "spawn",
    "start_processes",
]
__all__ += multiprocessing.__all__

# Tensors cross processes by sharing a descriptor of their memory; naming files in a shared
# folder (PyTorch's "file_system") is not offered.
_all_sharing_strategies = {"file_descriptor"} if sys.platform != "win32" else set()
_sharing_strategy = "file_descriptor"


def set_sharing_strategy(new_strategy: str) -> None:
    """Sets how CPU tensors are shared: ``"file_descriptor"`` is the one strategy there is."""
    global _sharing_strategy
    if new_strategy not in _all_sharing_strategies:
        raise AssertionError(
            f"invalid sharing strategy {new_strategy!r}, expected one of {_all_sharing_strategies}"
        )
    _sharing_strategy = new_strategy


def get_sharing_strategy() -> str:
    """How CPU tensors are shared between processes (``"file_descriptor"``)."""
    return _sharing_strategy


def get_all_sharing_strategies() -> set[str]:
    """The sharing strategies this system supports."""
    return set(_all_sharing_strategies)


def init_reductions() -> None:
    """Teaches ``multiprocessing``'s pickler to send tensors (done on import; idempotent)."""
    _transfer.register()


init_reductions()
