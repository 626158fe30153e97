"""Muon: momentum orthogonalized by a Newton-Schulz iteration, for 2-D weights, as in PyTorch."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import _creation
from .._dtype import to_dtype
from .optimizer import Optimizer, _check, _to_scalar, _with_grads

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .optimizer import ParamsT

__all__ = ["Muon"]

#: The learning-rate scalings by the weight's shape ``(A, B)`` that ``adjust_lr_fn`` names
#: (None is ``"original"``).
_LR_SCALES = {
    "original": lambda a, b: math.sqrt(max(1, a / b)),
    "match_rms_adamw": lambda a, b: 0.2 * math.sqrt(max(a, b)),
    "spectral_unclamped": lambda a, b: math.sqrt(a / b),
}


def _orthogonalized(update, coefficients, steps: int, eps: float):
    """The quintic Newton-Schulz iteration ``X ← a·X + (b·G + c·G²)·X`` with ``G = X·Xᵀ``, from
    ``update`` normalized to unit Frobenius norm (on the wide side, so ``G`` is the smaller Gram
    matrix): roughly ``U·Vᵀ`` of the SVD ``U·S·Vᵀ``, as a bfloat16 tensor. PyTorch runs it in
    bfloat16, each product and ``addmm`` accumulated in float32 and rounded once; here each of
    those results is computed in float32 and rounded to bfloat16 at the same places, which
    gives PyTorch's values (the iteration amplifies any other rounding)."""
    if steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if update.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = coefficients
    bfloat16, float32 = to_dtype("bfloat16"), to_dtype("float32")

    def rounded(t):
        return t.to(bfloat16).to(float32)

    tall = update.shape[0] > update.shape[1]
    x = rounded(update.T if tall else update)
    x = rounded(x / rounded(x.norm()).clamp(min=eps))
    for _ in range(steps):
        gram = rounded(x @ x.T)
        x = rounded(x * a + rounded(gram * b + (gram @ gram) * c) @ x)
    return (x.T if tall else x).to(bfloat16)


class Muon(Optimizer):
    """For each 2-D parameter: ``B = μ·B + g`` as a running average (``B.lerp_(g, 1-μ)``), the
    update ``g.lerp(B, μ)`` (Nesterov) or ``B``, orthogonalized by ``ns_steps`` Newton-Schulz
    iterations; then ``p *= 1 - lr·weight_decay`` and ``p -= lr·s·O`` with ``s`` the shape's
    scaling (``adjust_lr_fn``: ``sqrt(max(1, A/B))`` by default). Only for 2-D parameters
    (biases and embeddings belong with another optimizer)."""

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-3,
        weight_decay: float = 0.1,
        momentum: float = 0.95,
        nesterov: bool = True,
        ns_coefficients: tuple[float, float, float] = (3.4445, -4.775, 2.0315),
        eps: float = 1e-7,
        ns_steps: int = 5,
        adjust_lr_fn: str | None = None,
    ) -> None:
        value = _to_scalar(lr)
        _check(value >= 0.0, f"Learning rate should be >= 0 but is: {value}")
        _check(momentum >= 0.0, f"momentum should be >= 0 but is: {momentum}")
        _check(weight_decay >= 0.0, f"weight decay should be >= 0 but is: {weight_decay}")
        _check(
            adjust_lr_fn is None or adjust_lr_fn in _LR_SCALES,
            f"Adjust learning rate function {adjust_lr_fn} is not supported",
        )
        defaults = dict(
            lr=lr,
            weight_decay=weight_decay,
            momentum=momentum,
            nesterov=nesterov,
            ns_coefficients=ns_coefficients,
            eps=eps,
            ns_steps=ns_steps,
            adjust_lr_fn=adjust_lr_fn,
        )
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                _check(
                    p.ndim == 2,
                    "Muon only supports 2D parameters whereas we found a parameter with size: "
                    f"{p.size()}",
                )

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        return self._step_groups(closure)

    def _update(self, group) -> None:
        lr, momentum = _to_scalar(group["lr"]), group["momentum"]
        scale = _LR_SCALES[group["adjust_lr_fn"] or "original"]
        for p in _with_grads(group):
            g = p.grad.detach()
            if g.is_sparse:
                raise RuntimeError("Muon does not support sparse gradients")
            state = self.state[p]
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = _creation.zeros_like(g)
            buf = state["momentum_buffer"].lerp_(g, 1 - momentum)
            update = g.lerp(buf, momentum) if group["nesterov"] else buf
            update = _orthogonalized(
                update, group["ns_coefficients"], group["ns_steps"], group["eps"]
            )
            p.mul_(1 - lr * group["weight_decay"])
            p.add_(update, alpha=-lr * scale(*p.shape[:2]))
