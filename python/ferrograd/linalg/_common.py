"""What every ``linalg`` function shares: input checks with PyTorch's messages, the calls into
the Rust factorizations (``_core.linalg_*``, run on the host), raising ``LinAlgError`` from
their ``info`` results, and recording a node whose rule is written with differentiable ops."""

from __future__ import annotations

import math

from .. import _core
from .._base import TensorBase
from .._broadcast import common_shape
from .._dtype import scalar_type_name
from ..autograd.grad_mode import is_grad_enabled, no_grad


class LinAlgError(RuntimeError):
    """A matrix for which a linear algebra function has no (finite) answer: singular for
    ``inv``/``solve``, not positive definite for ``cholesky``, a non-finite or unconverged
    decomposition. A ``RuntimeError``, as in PyTorch."""


def dtype_name(dtype) -> str:
    """PyTorch's short name of a dtype in messages (``Float``, ``Long``, ...)."""
    return scalar_type_name(dtype)


def check_tensor(name: str, value, argument: str = "A"):
    if not isinstance(value, TensorBase):
        raise TypeError(
            f"{name}(): argument '{argument}' must be Tensor, not {type(value).__name__}"
        )
    return value


def check_float(name: str, A) -> None:
    if not A.is_floating_point():
        # PyTorch raises NotImplementedError here, which is a RuntimeError.
        raise NotImplementedError(
            f"{name}: Expected a floating point or complex tensor as input. "
            f"Got {dtype_name(A.dtype)}"
        )


def check_matrix(name: str, A, argument: str = "A"):
    """``A`` is a floating tensor of at least two dimensions (a batch of matrices)."""
    check_tensor(name.split(".")[-1], A, argument)
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor {argument} must have at least 2 dimensions.")
    check_float(name, A)
    return A


def check_square(name: str, A, argument: str = "A"):
    check_matrix(name, A, argument)
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            f"{name}: {argument} must be batches of square matrices, but they are "
            f"{A.shape[-2]} by {A.shape[-1]} matrices"
        )
    return A


def check_same_dtype(name: str, A, B) -> None:
    if A.dtype != B.dtype:
        raise RuntimeError(
            f"{name}: Expected A and B to have the same dtype, but found A of type "
            f"{dtype_name(A.dtype)} and B of type {dtype_name(B.dtype)} instead"
        )


def broadcast_batch(A, B):
    """``A`` and ``B`` expanded to their common batch shape (all but the last two dims)."""
    batch = broadcast_shapes(tuple(A.shape[:-2]), tuple(B.shape[:-2]))
    return A.expand(*batch, *A.shape[-2:]), B.expand(*batch, *B.shape[-2:])


def broadcast_shapes(*shapes) -> tuple:
    """The shape ``shapes`` broadcast to, with the message of tensor operations on a mismatch."""
    return tuple(common_shape([tuple(s) for s in shapes], tensor_message=True))


# ---------------------------------------------------------------------------------- kernels


def kernel(function: str, *args, **options):
    """Calls ``_core.<function>`` with the host copies of its tensor arguments (detached: the
    kernels know nothing of autograd) and moves the results back to the first one's device."""
    device = args[0].device
    on_host = device.type == "cpu"
    args = [
        a if not isinstance(a, TensorBase) else a.detach() if on_host else a.detach().cpu()
        for a in args
    ]
    results = getattr(_core, function)(*args, **options)
    if on_host:
        return results
    if isinstance(results, tuple):
        return tuple(r.to(device) for r in results)
    return results.to(device)


def raise_for_info(name: str, info, message) -> None:
    """Raises ``LinAlgError`` for the first matrix whose ``info`` is not 0, with
    ``message(code)`` and, for a batch, the matrix's (flat) index as PyTorch writes it."""
    codes = info.reshape(-1).tolist()
    for index, code in enumerate(codes):
        if code != 0:
            where = f"(Batch element {index}): " if info.ndim > 0 else ""
            raise LinAlgError(f"{name}: {where}{message(code)}")


def float_eps(dtype) -> float:
    return 1.1920928955078125e-07 if "32" in str(dtype) else 2.220446049250313e-16


def is_inf(value) -> bool:
    return isinstance(value, (int, float)) and math.isinf(value)


# -------------------------------------------------------------------------------- recording


class _Rule:
    """What the engine calls to run a linalg node's backward: ``(saved, grads) -> grads``."""

    __slots__ = ("backward",)

    def __init__(self, backward):
        self.backward = backward

    def __call__(self, saved, grad_outputs):
        return list(self.backward(tuple(saved), tuple(grad_outputs)))

    def release(self) -> None:
        self.backward = None


def _refuse_tangents(name: str, inputs) -> None:
    """These nodes have no forward-mode rule: a dual input raises rather than losing its
    tangent (the kernels see detached values)."""
    if _core.current_dual_level() is None:
        return
    if any(_core.unpack_dual(t)[1] is not None for t in inputs):
        raise RuntimeError(
            f"{name}: forward-mode AD (a dual tensor's tangent) is not supported by "
            "ferrograd.linalg; use reverse mode (backward, autograd.grad, func.jacrev)"
        )


def needs_full_decomposition(A) -> bool:
    """Whether a values-only function (``svdvals``, ``eigvalsh``, ``eigvals``) must go through
    the full decomposition's node: for a gradient, or to refuse a tangent that the values-only
    kernel would drop."""
    return (is_grad_enabled() and A.requires_grad) or carries_tangent(A)


def carries_tangent(t) -> bool:
    """Whether ``t`` is a dual tensor of the open forward-mode level."""
    return _core.current_dual_level() is not None and _core.unpack_dual(t)[1] is not None


def record(name: str, backward, inputs, outputs, saved=(), non_differentiable=None):
    """Puts ``outputs`` (computed without a graph) into the graph as the outputs of one node
    ``name`` over ``inputs``, when grad mode is on and an input requires grad.

    ``backward(saved, grads)`` returns one gradient (or None) per input; ``grads`` has one entry
    per output (None for an output no gradient reached). ``saved`` lists input tensors, or ints
    naming outputs, given back to ``backward`` in that order: an output comes back as the
    recorded tensor, with this node as its ``grad_fn``, so a rule written with differentiable
    operations can be differentiated again. ``non_differentiable`` flags outputs (integer
    results such as ``info``) that get no gradient."""
    outputs = tuple(outputs)
    _refuse_tangents(name, inputs)
    if not (is_grad_enabled() and any(t.requires_grad for t in inputs)):
        return outputs
    if non_differentiable is None:
        non_differentiable = [not o.is_floating_point() for o in outputs]
    return tuple(
        _core.apply_function(
            name,
            _Rule(backward),
            list(inputs),
            list(outputs),
            list(saved),
            list(non_differentiable),
        )
    )


__all__ = ["LinAlgError", "no_grad"]
