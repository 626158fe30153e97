"""Adafactor, as in PyTorch: Adam-like steps whose second moment is kept factored (one running
mean per row and per column of each matrix), so it costs memory in the rows plus the columns."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _creation, _ops_attributes
from ..autograd import no_grad
from .optimizer import Optimizer, _advance_step, _check, _scalar_state, _to_scalar

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .optimizer import ParamsT

__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    """At step ``t`` the second-moment averages move by ``t^beta2_decay``. For a parameter of
    two or more dimensions the variance estimate is the outer product of the row and column
    means of ``g²`` over the mean of the row means; for a vector it is the mean of ``g²``. The
    update ``g/sqrt(variance)`` is scaled down to an RMS of at most ``d`` and applied with step
    ``max(eps[1], RMS(p))·min(lr, 1/sqrt(t))``; ``eps[0]`` (default: the dtype's machine
    epsilon) floors the estimates. ``weight_decay`` scales ``p`` by ``1 - lr·wd`` first."""

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-2,
        beta2_decay: float = -0.8,
        eps=(None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        foreach=None,
        maximize: bool = False,
    ) -> None:
        lr_value = _to_scalar(lr)
        _check(lr_value >= 0.0, f"Learning rate should be >= 0 but is: {lr}")
        _check(beta2_decay <= 0.0, f"beta2_decay should be <= 0 but is: {beta2_decay}")
        _check(eps[0] is None or eps[0] >= 0.0, f"epsilon1 should be >= 0 but is: {eps[0]}")
        _check(eps[1] >= 0.0, f"epsilon2 should be >= 0 but is: {eps[1]}")
        _check(d >= 1.0, f"Clipping threshold d should be >= 1 but is: {d}")
        _check(weight_decay >= 0.0, f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(
            lr=lr,
            beta2_decay=beta2_decay,
            eps=eps,
            d=d,
            weight_decay=weight_decay,
            foreach=foreach,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                lr, wd, clip = _to_scalar(group["lr"]), group["weight_decay"], group["d"]
                eps1, eps2 = group["eps"]
                for p, g in self._grads(group):
                    state = self.state[p]
                    if not state:
                        state["step"] = _scalar_state(0)
                        if g.ndim > 1:
                            state["row_var"] = _creation.zeros(
                                *g.shape[:-1], 1, dtype=g.dtype, device=g.device
                            )
                            state["col_var"] = _creation.zeros(
                                *g.shape[:-2], 1, g.shape[-1], dtype=g.dtype, device=g.device
                            )
                        else:
                            state["variance"] = _creation.zeros_like(g)
                    step = _advance_step(state)
                    floor = eps1 if eps1 is not None else _ops_attributes.finfo(p.dtype).eps
                    rate = step ** group["beta2_decay"]  # the averages' 1 - beta2 at this step
                    size = max(eps2, p.norm().item() / p.numel() ** 0.5) * min(lr, step**-0.5)
                    if wd != 0:
                        p.mul_(1 - lr * wd)
                    squared = g * g
                    if g.ndim > 1:
                        row_var, col_var = state["row_var"], state["col_var"]
                        row_var.lerp_(squared.mean(-1, keepdim=True), rate)
                        col_var.lerp_(squared.mean(-2, keepdim=True), rate)
                        scale = row_var.mean(-2, keepdim=True).clamp_(min=floor)
                        variance = (row_var @ col_var) / scale
                    else:
                        state["variance"].lerp_(squared, rate)
                        variance = state["variance"].clone()
                    update = variance.clamp_(min=floor * floor).rsqrt_().mul_(g)
                    shrink = max(1.0, update.norm().item() / (update.numel() ** 0.5 * clip))
                    p.add_(update, alpha=-size / shrink)
        return loss
