"""ASGD (averaged stochastic gradient descent), as in PyTorch."""

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
    _scalar_state,
    _start_steps,
    _to_scalar,
    _update_direction,
    _with_grads,
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
        return self._step_groups(closure)

    def _update(self, group) -> None:
        lr, lambd = _to_scalar(group["lr"]), group["lambd"]
        params = _with_grads(group)
        steps = _start_steps(
            self,
            params,
            eta=lambda p: _scalar_state(lr),
            mu=lambda p: _scalar_state(1),
            ax=_creation.zeros_like,
        )
        etas = [self.state[p]["eta"].item() for p in params]
        mus = [self.state[p]["mu"].item() for p in params]
        if not _fused_step(
            group,
            "asgd",
            params,
            _buffers(self, params, "ax"),
            eta=etas,
            mu=mus,
            lambd=lambd,
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
        ):
            for p, eta, mu in zip(params, etas, mus, strict=True):
                g = _with_weight_decay(_update_direction(p, group), p, group["weight_decay"])
                p.mul_(1 - lambd * eta).add_(g, alpha=-eta)
                ax = self.state[p]["ax"]
                if mu != 1:
                    ax.add_(p.sub(ax).mul_(mu))
                else:
                    ax.copy_(p)
        for p, step in zip(params, steps, strict=True):
            self.state[p]["eta"].fill_(lr / (1 + lambd * lr * step) ** group["alpha"])
            self.state[p]["mu"].fill_(1 / max(1, step - group["t0"]))
