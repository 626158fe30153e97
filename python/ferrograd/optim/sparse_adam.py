"""SparseAdam: Adam that updates only the entries a sparse gradient holds, as in PyTorch.

ferrograd has no sparse tensors yet, so a dense gradient is taken as the sparse gradient it
would convert to (``grad.to_sparse()``): its nonzero entries are the ones updated. Entries whose
gradient is exactly zero keep their moments and value, where PyTorch's ``nn.Embedding(sparse=True)``
gradient would also update a looked-up row's zero entries.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _creation
from .._functional import where
from ..autograd import no_grad
from .optimizer import Optimizer, _check_common, _to_scalar

if TYPE_CHECKING:
    from .optimizer import ParamsT

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    """Adam's moments and step, applied only where the gradient is nonzero; ``state['step']``
    is a plain count, as in PyTorch."""

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        maximize: bool = False,
    ) -> None:
        _check_common(lr=lr, eps=eps, betas=betas)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                lr, (beta1, beta2), eps = _to_scalar(group["lr"]), group["betas"], group["eps"]
                for p, g in self._grads(group):
                    state = self.state[p]
                    if not state:
                        state["step"] = 0
                        state["exp_avg"] = _creation.zeros_like(p)
                        state["exp_avg_sq"] = _creation.zeros_like(p)
                    state["step"] = step = int(state["step"]) + 1
                    held = g != 0
                    m, v = state["exp_avg"], state["exp_avg_sq"]
                    new_m = m + (g - m) * (1 - beta1)
                    new_v = v + (g * g - v) * (1 - beta2)
                    m.copy_(where(held, new_m, m))
                    v.copy_(where(held, new_v, v))
                    step_size = lr * math.sqrt(1 - beta2**step) / (1 - beta1**step)
                    update = new_m / new_v.sqrt().add_(eps) * step_size
                    p.sub_(update.masked_fill_(~held, 0))
        return loss
