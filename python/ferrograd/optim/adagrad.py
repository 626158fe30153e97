"""Adagrad, as in PyTorch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _creation
from .optimizer import (
    Optimizer,
    _advance_step,
    _check,
    _check_common,
    _check_fused,
    _fused_step,
    _scalar_state,
    _to_scalar,
    _update_direction,
    _with_grads,
    _with_weight_decay,
)

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .optimizer import ParamsT

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """``s += g²``; ``p -= lr/(1 + (t-1)·lr_decay) · g / (sqrt(s) + eps)``. The state is made
    when the optimizer is (``sum`` starts at ``initial_accumulator_value``)."""

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach=None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused=None,
    ) -> None:
        _check_common(lr=lr)
        _check(lr_decay >= 0.0, f"Invalid lr_decay value: {lr_decay}")
        _check(weight_decay >= 0.0, f"Invalid weight_decay value: {weight_decay}")
        _check(
            initial_accumulator_value >= 0.0,
            f"Invalid initial_accumulator_value value: {initial_accumulator_value}",
        )
        _check(eps >= 0.0, f"Invalid epsilon value: {eps}")
        _check_fused(fused, foreach, differentiable)
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            eps=eps,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            fused=fused,
        )
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = {
                    "step": _scalar_state(0),
                    "sum": _creation.full_like(p, group["initial_accumulator_value"]),
                }

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        return self._step_groups(closure)

    def _update(self, group) -> None:
        lr, lr_decay, eps = _to_scalar(group["lr"]), group["lr_decay"], group["eps"]
        params = _with_grads(group)
        steps = [_advance_step(self.state[p]) for p in params]
        fused = _fused_step(
            group,
            "adagrad",
            params,
            [[self.state[p]["sum"] for p in params]],
            step=steps,
            lr=lr,
            lr_decay=lr_decay,
            eps=eps,
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
        )
        if fused:
            return
        for p, step in zip(params, steps, strict=True):
            g = _with_weight_decay(_update_direction(p, group), p, group["weight_decay"])
            clr = lr / (1 + (step - 1) * lr_decay)
            s = self.state[p]["sum"]
            s.add_(g * g)
            p.add_(g / (s.sqrt() + eps), alpha=-clr)
