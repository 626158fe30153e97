"""Adadelta, as in PyTorch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _creation
from ..autograd import no_grad
from .optimizer import (
    Optimizer,
    _advance_step,
    _check,
    _check_common,
    _moving_average,
    _scalar_state,
    _to_scalar,
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
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                lr, rho, eps = _to_scalar(group["lr"]), group["rho"], group["eps"]
                for p, g in self._grads(group):
                    state = self.state[p]
                    if not state:
                        state["step"] = _scalar_state(0)
                        state["square_avg"] = _creation.zeros_like(p)
                        state["acc_delta"] = _creation.zeros_like(p)
                    _advance_step(state)
                    g = _with_weight_decay(g, p, group["weight_decay"])
                    square_avg, acc_delta = state["square_avg"], state["acc_delta"]
                    _moving_average(square_avg, g * g, rho)
                    delta = acc_delta.add(eps).sqrt_().div_(square_avg.add(eps).sqrt_()).mul_(g)
                    _moving_average(acc_delta, delta * delta, rho)
                    p.add_(delta, alpha=-lr)
        return loss
