"""Final callbacks of a backward pass: PyTorch's
``torch.autograd.Variable._execution_engine.queue_callback(callback)``.

A callback queued while a backward pass runs (from a tensor hook, a post-accumulate-grad hook, a
custom ``Function``'s backward) is called once that pass has finished computing and accumulating
every gradient, before ``backward()`` / ``autograd.grad()`` returns, in the order queued; a
callback may queue further callbacks, which run in the same pass. ``DistributedDataParallel``
waits for its gradient all-reduces this way.

The Rust engine knows nothing of these: every way into it (``Tensor.backward``,
``autograd.backward``, ``autograd.grad``) runs inside :func:`graph_task`, which keeps one list
of callbacks per pass on a per-thread stack (a backward pass started inside a hook is a pass of
its own, as in PyTorch; the engine runs hooks on the thread that called backward). Callbacks do
not run when the pass raised."""

from __future__ import annotations

import threading

__all__ = ["ExecutionEngine", "graph_task"]

_local = threading.local()


def _passes() -> list:
    try:
        return _local.passes
    except AttributeError:
        _local.passes = []
        return _local.passes


def graph_task(run, *args):
    """``run(*args)`` (one backward pass of the engine), then the callbacks queued during it."""
    passes = _passes()
    callbacks: list = []
    passes.append(callbacks)
    try:
        result = run(*args)
        index = 0
        while index < len(callbacks):  # a callback may queue more
            callbacks[index]()
            index += 1
        return result
    finally:
        passes.pop()


class ExecutionEngine:
    """The object behind ``Variable._execution_engine``."""

    def queue_callback(self, callback) -> None:
        """Calls ``callback()`` when the backward pass now running on this thread finishes."""
        if not callable(callback):
            raise TypeError(f"queue_callback expects a callable, got {type(callback).__name__}")
        passes = _passes()
        if not passes:
            raise RuntimeError("Final callbacks can only be installed during backward pass.")
        passes[-1].append(callback)
