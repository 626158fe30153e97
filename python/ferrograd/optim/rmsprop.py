"""RMSprop, as in PyTorch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _creation
from .optimizer import (
    Optimizer,
    _advance_step,
    _check,
    _check_common,
    _fused_step,
    _moving_average,
    _scalar_state,
    _to_scalar,
    _update_direction,
    _with_grads,
    _with_weight_decay,
)

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .optimizer import ParamsT

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """``s = α·s + (1-α)·g²``; ``avg = sqrt(s - ḡ²) + eps`` (centered, ``ḡ = α·ḡ + (1-α)·g``)
    or ``sqrt(s) + eps``; with momentum ``b = μ·b + g/avg, p -= lr·b``, else ``p -= lr·g/avg``."""

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach=None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_common(lr=lr, eps=eps)
        _check(momentum >= 0.0, f"Invalid momentum value: {momentum}")
        _check(weight_decay >= 0.0, f"Invalid weight_decay value: {weight_decay}")
        _check(alpha >= 0.0, f"Invalid alpha value: {alpha}")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            alpha=alpha,
            eps=eps,
            centered=centered,
            weight_decay=weight_decay,
            capturable=capturable,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        return self._step_groups(closure)

    def _update(self, group) -> None:
        lr, alpha, eps, momentum = (
            _to_scalar(group["lr"]),
            group["alpha"],
            group["eps"],
            group["momentum"],
        )
        centered = group["centered"]
        params = _with_grads(group)
        for p in params:
            state = self.state[p]
            if not state:
                state["step"] = _scalar_state(0)
                state["square_avg"] = _creation.zeros_like(p)
                if momentum > 0:
                    state["momentum_buffer"] = _creation.zeros_like(p)
                if centered:
                    state["grad_avg"] = _creation.zeros_like(p)
            _advance_step(state)
        names = ["square_avg"] + ["momentum_buffer"] * (momentum > 0) + ["grad_avg"] * centered
        fused = _fused_step(
            group,
            "rmsprop",
            params,
            [[self.state[p][name] for p in params] for name in names],
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=group["weight_decay"],
            momentum=momentum,
            centered=centered,
            maximize=group["maximize"],
        )
        if fused:
            return
        for p in params:
            state = self.state[p]
            g = _with_weight_decay(_update_direction(p, group), p, group["weight_decay"])
            sq = state["square_avg"]
            _moving_average(sq, g * g, alpha)
            if centered:
                ga = state["grad_avg"]
                _moving_average(ga, g, alpha)
                avg = (sq - ga * ga).sqrt_()
            else:
                avg = sq.sqrt()
            avg.add_(eps)
            if momentum > 0:
                buf = state["momentum_buffer"]
                buf.mul_(momentum).add_(g / avg)
                p.add_(buf, alpha=-lr)
            else:
                p.add_(g / avg, alpha=-lr)
