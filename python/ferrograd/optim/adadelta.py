"""Adadelta, as in PyTorch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _creation
from .optimizer import (
    Optimizer,
    _buffers,
    _check,
    _check_common,
    _fused_step,
    _moving_average,
    _start_steps,
    _to_scalar,
    _update_direction,
    _with_grads,
    _with_weight_decay,
)

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .optimizer import ParamsT

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """``s = rho·s + (1-rho)·g²``; ``Δ = sqrt(a + eps)/sqrt(s + eps)·g``;
    ``a = rho·a + (1-rho)·Δ²``; ``p -= lr·Δ``. ``weight_decay`` adds ``wd·p`` to ``g``."""

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach=None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_common(lr=lr)
        _check(0.0 <= rho <= 1.0, f"Invalid rho value: {rho}")
        _check_common(eps=eps, weight_decay=weight_decay)
        defaults = dict(
            lr=lr,
            rho=rho,
            eps=eps,
            weight_decay=weight_decay,
            maximize=maximize,
            capturable=capturable,
            foreach=foreach,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        return self._step_groups(closure)

    def _update(self, group) -> None:
        lr, rho, eps = _to_scalar(group["lr"]), group["rho"], group["eps"]
        params = _with_grads(group)
        _start_steps(self, params, square_avg=_creation.zeros_like, acc_delta=_creation.zeros_like)
        if _fused_step(
            group,
            "adadelta",
            params,
            _buffers(self, params, "square_avg", "acc_delta"),
            lr=lr,
            rho=rho,
            eps=eps,
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
        ):
            return
        for p in params:
            g = _with_weight_decay(_update_direction(p, group), p, group["weight_decay"])
            square_avg, acc_delta = self.state[p]["square_avg"], self.state[p]["acc_delta"]
            _moving_average(square_avg, g * g, rho)
            delta = acc_delta.add(eps).sqrt_().div_(square_avg.add(eps).sqrt_()).mul_(g)
            _moving_average(acc_delta, delta * delta, rho)
            p.add_(delta, alpha=-lr)
