"""NAdam: Adam with Nesterov momentum and a momentum schedule, as in PyTorch."""

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
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                lr, (beta1, beta2), eps, wd = (
                    _to_scalar(group["lr"]),
                    group["betas"],
                    group["eps"],
                    group["weight_decay"],
                )
                psi = group["momentum_decay"]
                for p, g in self._grads(group):
                    state = self.state[p]
                    if not state:
                        state["step"] = _scalar_state(0)
                        state["mu_product"] = _scalar_state(1)
                        state["exp_avg"] = _creation.zeros_like(p)
                        state["exp_avg_sq"] = _creation.zeros_like(p)
                    step = _advance_step(state)
                    if wd != 0:
                        if group["decoupled_weight_decay"]:
                            p.mul_(1 - lr * wd)
                        else:
                            g = g.add(p, alpha=wd)
                    mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * psi))
                    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * psi))
                    # The product is kept as a 0-d tensor of the scalar dtype, as PyTorch does,
                    # so its rounding (float32) matches.
                    mu_product = state["mu_product"].mul_(mu).item()
                    m, v = state["exp_avg"], state["exp_avg_sq"]
                    _moving_average(m, g, beta1)
                    _moving_average(v, g * g, beta2)
                    denom = v.div(1 - beta2**step).sqrt_().add_(eps)
                    p.add_(g / denom, alpha=-lr * (1.0 - mu) / (1.0 - mu_product))
                    p.add_(m / denom, alpha=-lr * mu_next / (1.0 - mu_product * mu_next))
        return loss
