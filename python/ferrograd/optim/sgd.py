"""Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay."""

from ..autograd import no_grad
from .optimizer import Optimizer, _grad, required


class SGD(Optimizer):
    """``v = μ·v + (1-τ)·g`` (``v = g`` on the first step); ``p -= lr·(g + μ·v)`` with Nesterov,
    else ``p -= lr·v``; ``g`` includes ``weight_decay·p``."""

    def __init__(
        self,
        params,
        lr=1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach=None,
        differentiable: bool = False,
        fused=None,
    ):
        if lr is not required and lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    g = _grad(p, group["maximize"], group["weight_decay"])
                    if momentum != 0:
                        state = self.state[p]
                        buf = state.get("momentum_buffer")
                        if buf is None:
                            buf = g.clone()
                            state["momentum_buffer"] = buf
                        else:
                            buf.mul_(momentum).add_(g * (1 - dampening))
                        g = g + buf * momentum if group["nesterov"] else buf
                    p.add_(g, alpha=-lr)
        return loss
