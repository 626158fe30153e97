"""Adam and AdamW (with AMSGrad), as in PyTorch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _creation
from .optimizer import (
    Optimizer,
    _adam_hyperparameters,
    _adam_keywords,
    _advance_step,
    _check_common,
    _check_fused,
    _decayed_direction,
    _fused_step,
    _scalar_state,
    _to_scalar,
    _update_moments,
    _with_grads,
)

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .optimizer import ParamsT

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """``m = β1·m + (1-β1)·g``, ``v = β2·v + (1-β2)·g²``,
    ``p -= lr/(1-β1ᵗ) · m / (sqrt(v)/sqrt(1-β2ᵗ) + eps)`` (``v`` replaced by its running max with
    ``amsgrad``). ``weight_decay`` adds ``wd·p`` to ``g``, or with ``decoupled_weight_decay``
    (AdamW) scales ``p`` by ``1 - lr·wd`` first. ``foreach``, ``fused`` and ``capturable`` are
    accepted and give the same update."""

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach=None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused=None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        betas = tuple(_to_scalar(b) for b in betas)
        _check_common(lr=lr, eps=eps, weight_decay=weight_decay, betas=betas)
        _check_fused(fused, foreach, differentiable)
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        return self._step_groups(closure)

    def _update(self, group) -> None:
        lr, (beta1, beta2), eps, wd = _adam_hyperparameters(group)
        amsgrad, decoupled = group["amsgrad"], group["decoupled_weight_decay"]
        params = _with_grads(group)
        steps = []
        for p in params:
            state = self.state[p]
            if not state:
                state["step"] = _scalar_state(0)
                state["exp_avg"] = _creation.zeros_like(p)
                state["exp_avg_sq"] = _creation.zeros_like(p)
                if amsgrad:
                    state["max_exp_avg_sq"] = _creation.zeros_like(p)
            steps.append(_advance_step(state))
        names = ["exp_avg", "exp_avg_sq"] + ["max_exp_avg_sq"] * amsgrad
        buffers = [[self.state[p][name] for p in params] for name in names]
        fused = _fused_step(
            group,
            "adam",
            params,
            buffers,
            step=steps,
            **_adam_keywords(lr, beta1, beta2, eps, wd),
            maximize=group["maximize"],
            decoupled=decoupled,
        )
        if fused:
            return
        for p, step in zip(params, steps, strict=True):
            state = self.state[p]
            m, v = _update_moments(
                state, _decayed_direction(p, group, lr, wd, decoupled), beta1, beta2
            )
            if amsgrad:
                vmax = state["max_exp_avg_sq"]
                vmax.copy_(vmax.maximum(v))
                v = vmax
            denom = (v.sqrt() / (1 - beta2**step) ** 0.5).add_(eps)
            p.add_(m / denom, alpha=-lr / (1 - beta1**step))


class AdamW(Adam):
    """Adam with decoupled weight decay (``p *= 1 - lr·wd`` before the Adam update); its
    ``weight_decay`` defaults to 0.01."""

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach=None,
        capturable: bool = False,
        differentiable: bool = False,
        fused=None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )
