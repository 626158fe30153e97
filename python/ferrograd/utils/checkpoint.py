"""Activation checkpointing: trade compute for memory by recomputing a segment in backward."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._base import TensorBase
from .._random import get_rng_state, set_rng_state
from ..autograd import backward as _backward
from ..autograd.function import Function
from ..autograd.grad_mode import enable_grad
from ..random import fork_rng

__all__ = ["checkpoint"]


class _Checkpoint(Function):
    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function = run_function
        # The recomputation must draw the same random numbers (dropout masks) as this run.
        ctx.rng_state = get_rng_state() if preserve_rng_state else None
        ctx.save_for_backward(*[a for a in args if isinstance(a, TensorBase)])
        ctx.arg_is_tensor = [isinstance(a, TensorBase) for a in args]
        ctx.non_tensor_args = [None if isinstance(a, TensorBase) else a for a in args]
        return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        saved = iter(ctx.saved_tensors)
        inputs = []
        for is_tensor, value in zip(ctx.arg_is_tensor, ctx.non_tensor_args, strict=True):
            if is_tensor:
                t = next(saved)
                inputs.append(t.detach().requires_grad_(t.requires_grad))
            else:
                inputs.append(value)
        with fork_rng(enabled=ctx.rng_state is not None), enable_grad():
            if ctx.rng_state is not None:
                set_rng_state(ctx.rng_state)
            outputs = ctx.run_function(*inputs)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        # backward receives one gradient per output (None for a non-tensor one, as PyTorch)
        pairs = [
            (o, g)
            for o, g in zip(outputs, grads, strict=True)
            if isinstance(o, TensorBase) and o.requires_grad and g is not None
        ]
        if pairs:
            _backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None, *[x.grad if isinstance(x, TensorBase) else None for x in inputs])


def checkpoint(
    function: Callable[..., Any],
    *args: Any,
    use_reentrant: bool = True,
    preserve_rng_state: bool = True,
    **kwargs: Any,
) -> Any:
    """Runs ``function(*args)`` without keeping its intermediate values; backward runs it again
    (from the random-number state of the first run unless ``preserve_rng_state=False``).
    Parameters that ``function`` uses receive their gradients during that recomputation."""
    if kwargs:
        raise ValueError(f"unexpected keyword arguments {sorted(kwargs)}")
    return _Checkpoint.apply(function, preserve_rng_state, *args)
