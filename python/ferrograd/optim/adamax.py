"""Adamax: Adam with the infinity norm in place of the second moment, as in PyTorch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _creation
from .optimizer import (
    Optimizer,
    _buffers,
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
        return self._step_groups(closure)

    def _update(self, group) -> None:
        lr, (beta1, beta2), eps = _to_scalar(group["lr"]), group["betas"], group["eps"]
        params = _with_grads(group)
        steps = _start_steps(
            self, params, exp_avg=_creation.zeros_like, exp_inf=_creation.zeros_like
        )
        if _fused_step(
            group,
            "adamax",
            params,
            _buffers(self, params, "exp_avg", "exp_inf"),
            step=steps,
            lr=lr,
            beta1=beta1,
            beta2=beta2,
            eps=eps,
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
        ):
            return
        for p, step in zip(params, steps, strict=True):
            g = _with_weight_decay(_update_direction(p, group), p, group["weight_decay"])
            m, u = self.state[p]["exp_avg"], self.state[p]["exp_inf"]
            _moving_average(m, g, beta1)
            u.copy_(u.mul_(beta2).maximum(g.abs().add_(eps)))
            p.add_(m / u, alpha=-lr / (1 - beta1**step))
