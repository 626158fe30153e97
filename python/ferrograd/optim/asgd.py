"""ASGD (averaged stochastic gradient descent), as in PyTorch."""

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
    _scalar_state,
    _to_scalar,
    _with_weight_decay,
)

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .optimizer import ParamsT

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """``p = p·(1 - λ·η) - η·g``, then the running average ``ax += μ·(p - ax)``; after step
    ``t``, ``η = lr/(1 + λ·lr·t)^α`` and ``μ = 1/max(1, t - t0)`` (both 0-d tensors in the
    state, as in PyTorch; the average ``ax`` is what ASGD returns as its estimate)."""

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach=None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_common(lr=lr)
        _check(lambd >= 0.0, f"Invalid lambd value: {lambd}")
        _check(alpha >= 0.0, f"Invalid alpha value: {alpha}")
        _check(weight_decay >= 0.0, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr,
            lambd=lambd,
            alpha=alpha,
            t0=t0,
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
                lr, lambd = _to_scalar(group["lr"]), group["lambd"]
                for p, g in self._grads(group):
                    state = self.state[p]
                    if not state:
                        state["step"] = _scalar_state(0)
                        state["eta"] = _scalar_state(lr)
                        state["mu"] = _scalar_state(1)
                        state["ax"] = _creation.zeros_like(p)
                    step = _advance_step(state)
                    g = _with_weight_decay(g, p, group["weight_decay"])
                    eta = state["eta"].item()
                    p.mul_(1 - lambd * eta).add_(g, alpha=-eta)
                    mu, ax = state["mu"].item(), state["ax"]
                    if mu != 1:
                        ax.add_(p.sub(ax).mul_(mu))
                    else:
                        ax.copy_(p)
                    state["eta"].fill_(lr / (1 + lambd * lr * step) ** group["alpha"])
                    state["mu"].fill_(1 / max(1, step - group["t0"]))
        return loss
