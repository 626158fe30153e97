"""Automatic differentiation: ``backward``, ``grad``, grad modes, graph nodes and gradient
checks."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from typing import TypeAlias

    from .._tensor import Tensor

    _TensorOrTensors: TypeAlias = Tensor | Sequence[Tensor]


def _as_list(tensors) -> list:
    if tensors is None:
        return []
    if isinstance(tensors, TensorBase):
        return [tensors]
    return list(tensors)


def _batched(tensors: list) -> bool:
    """Whether one of ``tensors`` is a batched tensor of ``vmap`` (its class poses as Tensor;
    sparse tensors are not engine tensors either, so the class itself is compared)."""
    untyped = [t for t in tensors if t is not None and not issubclass(type(t), _core.TensorImpl)]
    if not untyped:
        return False
    from ..func._batched import BatchedTensor

    return any(type(t) is BatchedTensor for t in untyped)


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
    tensors: _TensorOrTensors,
    grad_tensors: _TensorOrTensors | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: _TensorOrTensors | None = None,
) -> None:
    """Computes the sum of the gradients of ``tensors`` with respect to the graph's leaves and
    accumulates it into their ``.grad``.

    ``tensors[i].backward(grad_tensors[i])`` for every ``i``, in one pass over the graph: the
    nodes shared by several outputs run once. Gradients add to what ``.grad`` holds.

    Args:
        tensors: a tensor or a sequence of tensors to differentiate.
        grad_tensors: the gradient with respect to each of ``tensors`` (a tensor of its shape);
            ``None`` for an output of one element (1 is used). A single tensor or a sequence.
        retain_graph: keep the graph for a further backward pass; defaults to
            ``create_graph``.
        create_graph: record the backward pass, for higher-order derivatives.
        inputs: accumulate only into these tensors' ``.grad`` (by default every leaf that
            requires gradients).

    Raises:
        RuntimeError: an output does not require gradients, a gradient is missing for an output
            of several elements, the graph was freed, or a saved tensor was modified in place.

    Examples:
        >>> import ferrograd
        >>> x = ferrograd.tensor([1.0, 2.0], requires_grad=True)
        >>> ferrograd.autograd.backward([x.sum(), (x * x).sum()])
        >>> x.grad
        tensor([3., 5.])
    """
    outputs = _as_list(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    from .._complex._autograd import engine_tensors
    from ..sparse._coo import autograd_inputs

    _core.backward(
        engine_tensors(outputs),
        engine_tensors(_grad_handles(grad_tensors, outputs)),
        autograd_inputs(engine_tensors(_as_list(inputs))),
        bool(retain_graph),
        bool(create_graph),
    )


def grad(
    outputs: _TensorOrTensors,
    inputs: _TensorOrTensors,
    grad_outputs: _TensorOrTensors | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple[Tensor, ...]:
    """Computes and returns the gradients of ``outputs`` with respect to ``inputs``, without
    touching any ``.grad``.

    Each result is the sum over ``outputs`` of the vector-Jacobian product of ``grad_outputs[i]``
    with the Jacobian of ``outputs[i]`` with respect to that input.

    Args:
        outputs: a tensor or a sequence of tensors to differentiate.
        inputs: a tensor or a sequence of tensors to differentiate with respect to (they need not
            be leaves).
        grad_outputs: the gradient with respect to each output; ``None`` for an output of one
            element (1 is used).
        retain_graph: keep the graph for a further pass; defaults to ``create_graph``.
        create_graph: record the computation of the gradients, so that they can be
            differentiated again (Hessians, gradient penalties).
        only_inputs: deprecated and ignored, as in PyTorch.
        allow_unused: when an input is not reached from the outputs, return ``None`` for it
            instead of raising.
        is_grads_batched: each ``grad_outputs`` tensor has a leading batch dimension; the result
            stacks one vector-Jacobian product per batch entry.
        materialize_grads: return zeros instead of ``None`` for unused inputs.

    Returns:
        A tuple with one gradient (or ``None``) per input.

    Raises:
        RuntimeError: an input was not used (without ``allow_unused``), or as for ``backward``.

    Examples:
        >>> import ferrograd
        >>> x = ferrograd.tensor(2.0, requires_grad=True)
        >>> (dy,) = ferrograd.autograd.grad(x ** 3, x, create_graph=True)
        >>> dy
        tensor(12., grad_fn=<...>)
        >>> ferrograd.autograd.grad(dy, x)
        (tensor(12.),)
    """
    if not only_inputs:
        warnings.warn(
            "only_inputs argument is deprecated and is ignored now (defaults to True). To "
            "accumulate gradient for other parts of the graph, please use "
            "ferrograd.autograd.backward.",
            FutureWarning,
            stacklevel=2,
        )
    outs = _as_list(outputs)
    ins = _as_list(inputs)
    if is_grads_batched:
        return _grad_per_batch_entry(
            outs, ins, grad_outputs, retain_graph, create_graph, allow_unused, materialize_grads
        )
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    from ..sparse._coo import autograd_inputs, gradient_for

    if _batched(outs) or _batched(ins) or _batched(_as_list(grad_outputs)):
        from ..func._autodiff import batched_autograd_grad

        return batched_autograd_grad(
            outs, ins, _as_list(grad_outputs), retain_graph, create_graph, allow_unused,
            materialize_grads,
        )  # fmt: skip
    from .._complex._autograd import engine_tensors, gradient_for as complex_gradient_for

    grads = _core.grad(
        engine_tensors(outs),
        autograd_inputs(engine_tensors(ins)),
        engine_tensors(_grad_handles(grad_outputs, outs)),
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
            result.append(complex_gradient_for(x, gradient_for(x, g)))
    return tuple(result)


def _grad_per_batch_entry(
    outs, ins, grad_outputs, retain_graph, create_graph, allow_unused, materialize_grads
):
    """``grad(..., is_grads_batched=True)``: one backward pass per entry of the grad_outputs'
    leading dimension (the graph is kept until the last), the gradients stacked."""
    from .._tensor_functions import stack

    batched = _as_list(grad_outputs)
    if len(batched) != len(outs) or any(g is None for g in batched):
        raise RuntimeError(
            "grad requires grad_outputs to be a tensor per output when is_grads_batched=True"
        )
    sizes = {g.shape[0] if g.dim() else None for g in batched}
    if len(sizes) != 1 or None in sizes:
        raise RuntimeError(
            "grad with is_grads_batched=True expects every grad_outputs tensor to have the same "
            f"leading (batch) dimension, got shapes {[tuple(g.shape) for g in batched]}"
        )
    (count,) = sizes
    keep = create_graph if retain_graph is None else retain_graph
    per_entry = [
        grad(
            outs,
            ins,
            [g[k] for g in batched],
            retain_graph=True if k + 1 < count else keep,
            create_graph=create_graph,
            allow_unused=allow_unused,
            materialize_grads=materialize_grads,
        )
        for k in range(count)
    ]
    return tuple(
        None if column[0] is None else stack(list(column))
        for column in zip(*per_entry, strict=True)
    )


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
