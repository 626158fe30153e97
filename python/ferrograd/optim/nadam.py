"""NAdam: Adam with Nesterov momentum and a momentum schedule, as in PyTorch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _creation
from .optimizer import (
    Optimizer,
    _adam_hyperparameters,
    _adam_keywords,
    _buffers,
    _check,
    _check_common,
    _decayed_direction,
    _fused_step,
    _scalar_state,
    _start_steps,
    _update_moments,
    _with_grads,
)

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .optimizer import ParamsT

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """Adam's moments with a momentum schedule ``μₜ = β1·(1 - 0.96^(t·ψ)/2)``
    (``ψ = momentum_decay``): ``p -= lr·(1-μₜ)/(1-Πμ)·g/d + lr·μₜ₊₁/(1-Πμ·μₜ₊₁)·m/d`` with
    ``d = sqrt(v/(1-β2ᵗ)) + eps`` and ``Πμ`` the product of the ``μ`` so far (kept in
    ``state['mu_product']``). ``weight_decay`` adds ``wd·p`` to ``g``, or with
    ``decoupled_weight_decay`` scales ``p`` by ``1 - lr·wd``."""

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 2e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach=None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_common(lr=lr, eps=eps, weight_decay=weight_decay, betas=betas)
        _check(momentum_decay >= 0.0, f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        return self._step_groups(closure)

    def _update(self, group) -> None:
        lr, (beta1, beta2), eps, wd = _adam_hyperparameters(group)
        psi, decoupled = group["momentum_decay"], group["decoupled_weight_decay"]
        params = _with_grads(group)
        steps = _start_steps(
            self,
            params,
            mu_product=lambda p: _scalar_state(1),
            exp_avg=_creation.zeros_like,
            exp_avg_sq=_creation.zeros_like,
        )
        # The product is kept as a 0-d tensor of the scalar dtype, as PyTorch does, so its
        # rounding (float32) matches.
        mu_products = [
            self.state[p]["mu_product"].mul_(_momentum(beta1, psi, step)).item()
            for p, step in zip(params, steps, strict=True)
        ]
        if _fused_step(
            group,
            "nadam",
            params,
            _buffers(self, params, "exp_avg", "exp_avg_sq"),
            step=steps,
            mu_product=mu_products,
            **_adam_keywords(lr, beta1, beta2, eps, wd),
            momentum_decay=psi,
            maximize=group["maximize"],
            decoupled=decoupled,
        ):
            return
        for p, step, mu_product in zip(params, steps, mu_products, strict=True):
            g = _decayed_direction(p, group, lr, wd, decoupled)
            mu, mu_next = _momentum(beta1, psi, step), _momentum(beta1, psi, step + 1)
            m, v = _update_moments(self.state[p], g, beta1, beta2)
            denom = v.div(1 - beta2**step).sqrt_().add_(eps)
            p.add_(g / denom, alpha=-lr * (1.0 - mu) / (1.0 - mu_product))
            p.add_(m / denom, alpha=-lr * mu_next / (1.0 - mu_product * mu_next))


def _momentum(beta1: float, momentum_decay: float, step: float) -> float:
    """NAdam's momentum at ``step``: ``β1·(1 - 0.96^(t·ψ)/2)``."""
    return beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
