"""Complex tensors in ``autograd.grad``/``backward``: the engine differentiates their parts."""

from __future__ import annotations

from ._tensor import ComplexTensor, make


def engine_tensors(tensors: list) -> list:
    """``tensors`` as the engine takes them: a complex tensor as its real parts."""
    return [t._parts if isinstance(t, ComplexTensor) else t for t in tensors]


def gradient_for(t, gradient):
    """The gradient the engine computed for ``t``'s parts, as a complex tensor."""
    if gradient is None or not isinstance(t, ComplexTensor):
        return gradient
    return make(gradient)
