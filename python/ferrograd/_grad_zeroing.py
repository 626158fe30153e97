"""Clearing parameters' gradients, for ``Module.zero_grad`` and ``Optimizer.zero_grad``."""

from __future__ import annotations


def zero_grads(params, set_to_none: bool) -> None:
    """Sets each parameter's ``.grad`` to ``None``, or zeroes it in place as PyTorch does (the
    gradient stays the same object, cut from any graph it was recorded in)."""
    for p in params:
        grad = p.grad
        if grad is None:
            continue
        if set_to_none:
            p.grad = None
            continue
        if grad.grad_fn is not None:
            grad.detach_()
        else:
            grad.requires_grad_(False)
        grad.zero_()
