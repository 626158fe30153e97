"""Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _creation
from .optimizer import (
    Optimizer,
    _check,
    _check_common,
    _check_fused,
    _fused_step,
    _to_scalar,
    _update_direction,
    _with_grads,
    _with_weight_decay,
    required,
)

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .optimizer import ParamsT

__all__ = ["SGD"]


class SGD(Optimizer):
    """``v = μ·v + (1-τ)·g`` (``v = g`` on the first step); ``p -= lr·(g + μ·v)`` with Nesterov,
    else ``p -= lr·v``; ``g`` includes ``weight_decay·p``. ``foreach`` and ``fused`` are
    accepted and give the same update."""

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach=None,
        differentiable: bool = False,
        fused=None,
    ) -> None:
        if lr is not required:
            _check_common(lr=lr)
        _check(momentum >= 0.0, f"Invalid momentum value: {momentum}")
        _check(weight_decay >= 0.0, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
            foreach=foreach,
            differentiable=differentiable,
            fused=fused,
        )
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        _check_fused(fused, foreach, differentiable)
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        return self._step_groups(closure)

    def _update(self, group) -> None:
        lr, momentum, dampening = (
            _to_scalar(group["lr"]),
            group["momentum"],
            group["dampening"],
        )
        params = _with_grads(group)
        # A new momentum buffer takes the (decayed) gradient itself on its first step.
        first = [momentum != 0 and self.state[p].get("momentum_buffer") is None for p in params]
        for p, new in zip(params, first, strict=True):
            if new:
                self.state[p]["momentum_buffer"] = _creation.zeros_like(p)
        buffers = [[self.state[p]["momentum_buffer"] for p in params]] if momentum != 0 else []
        fused = _fused_step(
            group,
            "sgd",
            params,
            buffers,
            first=first,
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=group["weight_decay"],
            nesterov=group["nesterov"],
            maximize=group["maximize"],
        )
        if fused:
            return
        for p, new in zip(params, first, strict=True):
            g = _with_weight_decay(_update_direction(p, group), p, group["weight_decay"])
            if momentum != 0:
                buf = self.state[p]["momentum_buffer"]
                if new:
                    buf.copy_(g)
                else:
                    buf.mul_(momentum).add_(g, alpha=1 - dampening)
                g = g.add(buf, alpha=momentum) if group["nesterov"] else buf
            p.add_(g, alpha=-lr)
