"""Adamax: Adam with the infinity norm in place of the second moment, as in PyTorch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _creation
from ..autograd import no_grad
from .optimizer import (
    Optimizer,
    _advance_step,
    _check_common,
    _moving_average,
    _scalar_state,
    _to_scalar,
    _with_weight_decay,
)

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .optimizer import ParamsT

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """``m = β1·m + (1-β1)·g``, ``u = max(β2·u, |g| + eps)``, ``p -= lr/(1-β1ᵗ) · m/u``;
    ``weight_decay`` adds ``wd·p`` to ``g``."""

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 2e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach=None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_common(lr=lr, eps=eps, weight_decay=weight_decay, betas=betas)
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            capturable=capturable,
        )
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                lr, (beta1, beta2), eps = _to_scalar(group["lr"]), group["betas"], group["eps"]
                for p, g in self._grads(group):
                    state = self.state[p]
                    if not state:
                        state["step"] = _scalar_state(0)
                        state["exp_avg"] = _creation.zeros_like(p)
                        state["exp_inf"] = _creation.zeros_like(p)
                    step = _advance_step(state)
                    g = _with_weight_decay(g, p, group["weight_decay"])
                    m, u = state["exp_avg"], state["exp_inf"]
                    _moving_average(m, g, beta1)
                    u.copy_(u.mul_(beta2).maximum(g.abs().add_(eps)))
                    p.add_(m / u, alpha=-lr / (1 - beta1**step))
        return loss
