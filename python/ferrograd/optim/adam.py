"""Adam and AdamW (with AMSGrad), as in PyTorch."""

import math

from ..autograd import no_grad
from .optimizer import Optimizer


class Adam(Optimizer):
    """``m = β1·m + (1-β1)·g``, ``v = β2·v + (1-β2)·g²``,
    ``p -= lr/(1-β1ᵗ) · m / (sqrt(v)/sqrt(1-β2ᵗ) + eps)`` (``v`` replaced by its running max with
    ``amsgrad``). ``weight_decay`` adds ``wd·p`` to ``g`` (Adam) or decays ``p`` directly
    (AdamW)."""

    _decoupled = False

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach=None,
        capturable: bool = False,
        differentiable: bool = False,
        fused=None,
    ):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if eps < 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                lr, (beta1, beta2), eps, wd = (
                    group["lr"],
                    group["betas"],
                    group["eps"],
                    group["weight_decay"],
                )
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    g = p.grad.detach()
                    if group["maximize"]:
                        g = -g
                    state = self.state[p]
                    if not state:
                        from .. import _creation

                        state["step"] = 0
                        state["exp_avg"] = _creation.zeros_like(p)
                        state["exp_avg_sq"] = _creation.zeros_like(p)
                        if group["amsgrad"]:
                            state["max_exp_avg_sq"] = _creation.zeros_like(p)
                    state["step"] = step = int(state["step"]) + 1
                    if wd != 0:
                        if self._decoupled:
                            p.mul_(1 - lr * wd)
                        else:
                            g = g + p.detach() * wd
                    m, v = state["exp_avg"], state["exp_avg_sq"]
                    m.mul_(beta1).add_(g * (1 - beta1))
                    v.mul_(beta2).add_(g * g * (1 - beta2))
                    bias1 = 1 - beta1**step
                    bias2 = 1 - beta2**step
                    if group["amsgrad"]:
                        vmax = state["max_exp_avg_sq"]
                        vmax.copy_(vmax.maximum(v))
                        denom = vmax.sqrt() / math.sqrt(bias2) + eps
                    else:
                        denom = v.sqrt() / math.sqrt(bias2) + eps
                    p.sub_(m / denom * (lr / bias1))
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay: ``p *= 1 - lr·wd`` before the Adam update."""

    _decoupled = True

    def __init__(
        self,
        params,
        lr=1e-3,
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
    ):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
