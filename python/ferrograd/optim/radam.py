"""RAdam: Adam with the variance of its adaptive learning rate rectified, as in PyTorch."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _creation
from .optimizer import (
    Optimizer,
    _adam_hyperparameters,
    _adam_keywords,
    _buffers,
    _check_common,
    _decayed_direction,
    _fused_step,
    _start_steps,
    _update_moments,
    _with_grads,
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
        return self._step_groups(closure)

    def _update(self, group) -> None:
        lr, (beta1, beta2), eps, wd = _adam_hyperparameters(group)
        decoupled = group["decoupled_weight_decay"]
        params = _with_grads(group)
        steps = _start_steps(
            self, params, exp_avg=_creation.zeros_like, exp_avg_sq=_creation.zeros_like
        )
        if _fused_step(
            group,
            "radam",
            params,
            _buffers(self, params, "exp_avg", "exp_avg_sq"),
            step=steps,
            **_adam_keywords(lr, beta1, beta2, eps, wd),
            maximize=group["maximize"],
            decoupled=decoupled,
        ):
            return
        rho_inf = 2 / (1 - beta2) - 1
        for p, step in zip(params, steps, strict=True):
            m, v = _update_moments(
                self.state[p], _decayed_direction(p, group, lr, wd, decoupled), beta1, beta2
            )
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
