"""``Variable``: kept for old code. PyTorch 0.4 merged Variable into Tensor."""

import warnings

from .._graph_task import ExecutionEngine

__all__ = ["Variable"]


class _VariableMeta(type):
    def __instancecheck__(cls, instance) -> bool:
        from .._tensor import Tensor

        return isinstance(instance, Tensor)


class Variable(metaclass=_VariableMeta):
    """Deprecated: ``Variable(t, requires_grad=...)`` returns a plain tensor (and warns).
    ``Variable._execution_engine.queue_callback`` is still how code asks for a callback at the
    end of the running backward pass."""

    _execution_engine = ExecutionEngine()

    def __new__(cls, data, requires_grad: bool = False, volatile: bool = False):
        warnings.warn(
            "The Variable API is deprecated: Variables are no longer necessary to use autograd "
            "with tensors. Use tensors directly (with requires_grad=True).",
            DeprecationWarning,
            stacklevel=2,
        )
        from .._creation import tensor
        from .._tensor import Tensor

        t = data.detach() if isinstance(data, Tensor) else tensor(data)
        if requires_grad:
            t.requires_grad_(True)
        return t
