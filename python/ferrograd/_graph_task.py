"""Final callbacks of a backward pass: PyTorch's
``torch.autograd.Variable._execution_engine.queue_callback(callback)``.

The binding keeps the passes and their callbacks (``rust/ferrograd-py/src/final_callbacks.rs``):
every way into the engine (``Tensor.backward``, ``autograd.backward``, ``autograd.grad``) runs
as one pass of this thread, and a callback queued during it is called once it has finished
computing and accumulating every gradient, before the call returns, in the order queued; a
callback may queue further callbacks, which run in the same pass, and a backward pass started
inside a hook is a pass of its own. Callbacks do not run when the pass raised."""

from __future__ import annotations

from . import _core

__all__ = ["ExecutionEngine"]


class ExecutionEngine:
    """The object behind ``Variable._execution_engine``."""

    def queue_callback(self, callback) -> None:
        """Calls ``callback()`` when the backward pass now running on this thread finishes."""
        if not callable(callback):
            raise TypeError(f"queue_callback expects a callable, got {type(callback).__name__}")
        _core.queue_callback(callback)
