"""Automatic differentiation: ``backward``, ``grad``, grad modes, graph nodes and gradient
checks."""

from __future__ import annotations

from .. import _core
from .._base import TensorBase
from . import forward_ad, functional  # torch.autograd.forward_ad / .functional
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import (
    detect_anomaly,
    enable_grad,
    inference_mode,
    is_anomaly_enabled,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_detect_anomaly,
    set_grad_enabled,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .graph import Node
from .variable import Variable


def _as_list(tensors) -> list:
    if tensors is None:
        return []
    if isinstance(tensors, TensorBase):
        return [tensors]
    return list(tensors)


def _grad_handles(grads, outputs: list) -> list:
    grads = _as_list(grads)
    if not grads:
        return [None] * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(
            f"grad_tensors has {len(grads)} entries but there are {len(outputs)} outputs"
        )
    return list(grads)


def backward(
    tensors, grad_tensors=None, retain_graph=None, create_graph: bool = False, inputs=None
) -> None:
    """Accumulates the gradients of ``tensors`` into the ``.grad`` of the leaves (or of
    ``inputs``)."""
    outputs = _as_list(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    _core.backward(
        outputs,
        _grad_handles(grad_tensors, outputs),
        _as_list(inputs),
        bool(retain_graph),
        bool(create_graph),
    )


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
):
    """The gradients of ``outputs`` with respect to ``inputs``, as a tuple (``.grad`` is not
    touched)."""
    outs = _as_list(outputs)
    ins = _as_list(inputs)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    grads = _core.grad(
        outs,
        ins,
        _grad_handles(grad_outputs, outs),
        bool(retain_graph),
        bool(create_graph),
        bool(allow_unused),
    )
    result = []
    for g, x in zip(grads, ins, strict=True):
        if g is None and materialize_grads:
            from .._creation import zeros_like

            result.append(zeros_like(x))
        else:
            result.append(g)
    return tuple(result)


__all__ = [
    "Function",
    "FunctionCtx",
    "GradcheckError",
    "Node",
    "Variable",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "forward_ad",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    "no_grad",
    "once_differentiable",
    "set_detect_anomaly",
    "set_grad_enabled",
]
