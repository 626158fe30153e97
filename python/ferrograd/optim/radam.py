"""RAdam: Adam with the variance of its adaptive learning rate rectified, as in PyTorch."""

from __future__ import annotations

import math
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
)

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .optimizer import ParamsT

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """Adam's moments; with ``rho_inf = 2/(1-β2) - 1`` and
    ``rho_t = rho_inf - 2t·β2ᵗ/(1-β2ᵗ)``, the step is ``lr·m̂·r·sqrt(1-β2ᵗ)/(sqrt(v) + eps)``
    (``r`` the rectification term) once ``rho_t > 5``, and plain momentum ``lr·m̂`` before.
    ``weight_decay`` adds ``wd·p`` to ``g``, or with ``decoupled_weight_decay`` scales ``p`` by
    ``1 - lr·wd``."""

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach=None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_common(lr=lr, eps=eps, weight_decay=weight_decay, betas=betas)
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            decoupled_weight_decay=decoupled_weight_decay,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                lr, (beta1, beta2), eps, wd = (
                    _to_scalar(group["lr"]),
                    group["betas"],
                    group["eps"],
                    group["weight_decay"],
                )
                rho_inf = 2 / (1 - beta2) - 1
                for p, g in self._grads(group):
                    state = self.state[p]
                    if not state:
                        state["step"] = _scalar_state(0)
                        state["exp_avg"] = _creation.zeros_like(p)
                        state["exp_avg_sq"] = _creation.zeros_like(p)
                    step = _advance_step(state)
                    if wd != 0:
                        if group["decoupled_weight_decay"]:
                            p.mul_(1 - lr * wd)
                        else:
                            g = g.add(p, alpha=wd)
                    m, v = state["exp_avg"], state["exp_avg_sq"]
                    _moving_average(m, g, beta1)
                    _moving_average(v, g * g, beta2)
                    bias2 = 1 - beta2**step
                    m_hat = m / (1 - beta1**step)
                    rho = rho_inf - 2 * step * beta2**step / bias2
                    if rho > 5.0:
                        rect = math.sqrt(
                            (rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho)
                        )
                        adaptive = math.sqrt(bias2) / v.sqrt().add_(eps)
                        p.sub_(m_hat * lr * adaptive * rect)
                    else:
                        p.sub_(m_hat * lr)
        return loss
