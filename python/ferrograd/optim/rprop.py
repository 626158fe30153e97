"""Rprop (resilient backpropagation), as in PyTorch."""

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
    _start_steps,
    _to_scalar,
    _update_direction,
    _with_grads,
)

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .optimizer import ParamsT

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Each element keeps its own step size: multiplied by ``etas[1]`` while its gradient keeps
    its sign, by ``etas[0]`` when the sign flips (that step is then skipped), clamped to
    ``step_sizes``; ``p -= sign(g)·step_size``."""

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-2,
        etas=(0.5, 1.2),
        step_sizes=(1e-6, 50),
        *,
        capturable: bool = False,
        foreach=None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_common(lr=lr)
        _check(0.0 < etas[0] < 1.0 < etas[1], f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(
            lr=lr,
            etas=tuple(etas),
            step_sizes=tuple(step_sizes),
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            capturable=capturable,
        )
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        return self._step_groups(closure)

    def _update(self, group) -> None:
        (eta_minus, eta_plus), (size_min, size_max) = group["etas"], group["step_sizes"]
        lr, params = _to_scalar(group["lr"]), _with_grads(group)
        _start_steps(
            self,
            params,
            prev=_creation.zeros_like,
            step_size=lambda p: _creation.full_like(p.grad, lr),
        )
        if _fused_step(
            group,
            "rprop",
            params,
            _buffers(self, params, "prev", "step_size"),
            eta_minus=eta_minus,
            eta_plus=eta_plus,
            step_size_min=size_min,
            step_size_max=size_max,
            maximize=group["maximize"],
        ):
            return
        for p in params:
            g, state = _update_direction(p, group), self.state[p]
            agreement = g * state["prev"]
            flipped = agreement < 0
            factor = _creation.ones_like(g).masked_fill_(agreement > 0, eta_plus)
            factor.masked_fill_(flipped, eta_minus)
            step_size = state["step_size"]
            step_size.mul_(factor).clamp_(size_min, size_max)
            g = g.masked_fill(flipped, 0)
            p.sub_(g.sign() * step_size)
            state["prev"].copy_(g)
