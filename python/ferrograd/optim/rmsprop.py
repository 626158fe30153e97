"""RMSprop and Adagrad, as in PyTorch."""

from ..autograd import no_grad
from .optimizer import Optimizer, _grad


class RMSprop(Optimizer):
    """``s = α·s + (1-α)·g²``; ``avg = sqrt(s - ḡ²) + eps`` (centered, ``ḡ = α·ḡ + (1-α)·g``)
    or ``sqrt(s) + eps``; with momentum ``b = μ·b + g/avg, p -= lr·b``, else ``p -= lr·g/avg``."""

    def __init__(
        self,
        params,
        lr=1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach=None,
        maximize: bool = False,
        differentiable: bool = False,
    ):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if eps < 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if alpha < 0.0:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def step(self, closure=None):
        from .. import _creation

        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                lr, alpha, eps, momentum = (
                    group["lr"],
                    group["alpha"],
                    group["eps"],
                    group["momentum"],
                )
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    g = _grad(p, group["maximize"], group["weight_decay"])
                    state = self.state[p]
                    if not state:
                        state["step"] = 0
                        state["square_avg"] = _creation.zeros_like(p)
                        if momentum > 0:
                            state["momentum_buffer"] = _creation.zeros_like(p)
                        if group["centered"]:
                            state["grad_avg"] = _creation.zeros_like(p)
                    state["step"] = int(state["step"]) + 1
                    sq = state["square_avg"]
                    sq.mul_(alpha).add_(g * g * (1 - alpha))
                    if group["centered"]:
                        ga = state["grad_avg"]
                        ga.mul_(alpha).add_(g * (1 - alpha))
                        avg = (sq - ga * ga).sqrt() + eps
                    else:
                        avg = sq.sqrt() + eps
                    if momentum > 0:
                        buf = state["momentum_buffer"]
                        buf.mul_(momentum).add_(g / avg)
                        p.sub_(buf * lr)
                    else:
                        p.sub_(g / avg * lr)
        return loss


class Adagrad(Optimizer):
    """``s += g²``; ``p -= lr/(1 + (t-1)·lr_decay) · g / (sqrt(s) + eps)``."""

    def __init__(
        self,
        params,
        lr=1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach=None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused=None,
    ):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if lr_decay < 0.0:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if initial_accumulator_value < 0.0:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}"
            )
        if eps < 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            eps=eps,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            maximize=maximize,
        )
        super().__init__(params, defaults)
        from .. import _creation

        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = {
                    "step": 0,
                    "sum": _creation.full_like(p, group["initial_accumulator_value"]),
                }

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    g = _grad(p, group["maximize"], group["weight_decay"])
                    state = self.state[p]
                    state["step"] = step = int(state["step"]) + 1
                    clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
                    s = state["sum"]
                    s.add_(g * g)
                    p.sub_(g / (s.sqrt() + group["eps"]) * clr)
        return loss
