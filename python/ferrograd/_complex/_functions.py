"""The public functions that make and unmake complex tensors (``view_as_real``,
``view_as_complex``, ``polar``, ``complex``), and the ``__torch_function__`` handler through
which the namespace functions (``ferrograd.exp(z)``, ``ferrograd.cat([z, w])``) reach the
complex tensor's methods."""

from __future__ import annotations

import builtins

from .._dtype import kernel_not_implemented
from .._tensor import Tensor
from ._tensor import ComplexTensor, make

__all__ = ["complex", "polar", "view_as_complex", "view_as_real"]


def view_as_real(input):
    """A real view of a complex tensor: its shape with a last dimension of size 2 holding the
    real and imaginary parts. Writes through either are seen by the other.

    Args:
        input: a complex tensor.

    Examples:
        >>> import ferrograd
        >>> z = ferrograd.tensor([1 + 2j, 3 - 4j])
        >>> ferrograd.view_as_real(z)
        tensor([[ 1.,  2.],
                [ 3., -4.]])
    """
    if not isinstance(input, ComplexTensor):
        if isinstance(input, Tensor):
            raise TypeError("view_as_real is only supported for complex tensors")
        raise TypeError(
            f"view_as_real(): argument 'input' (position 1) must be Tensor, not "
            f"{type(input).__name__}"
        )
    return input._parts.view_as(input._parts)


def view_as_complex(input):
    """A complex view of a real tensor whose last dimension (size 2, stride 1) holds real and
    imaginary parts. Writes through either are seen by the other.

    Args:
        input: a float32 or float64 tensor of shape ``(..., 2)``.

    Examples:
        >>> import ferrograd
        >>> x = ferrograd.tensor([[1.0, 2.0], [3.0, -4.0]])
        >>> ferrograd.view_as_complex(x)
        tensor([1.+2.j, 3.-4.j])
    """
    if not isinstance(input, Tensor) or isinstance(input, ComplexTensor):
        if isinstance(input, ComplexTensor):
            raise RuntimeError(
                "view_as_complex is only supported for float and double tensors, but got a "
                f"tensor of scalar type: {input.dtype}"
            )
        raise TypeError(
            f"view_as_complex(): argument 'input' (position 1) must be Tensor, not "
            f"{type(input).__name__}"
        )
    if input.dtype.name not in ("float32", "float64"):
        raise RuntimeError(
            "view_as_complex is only supported for float and double tensors, but got a tensor "
            f"of scalar type: {_scalar(input)}"
        )
    if input.ndim == 0 or input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if input.stride(-1) != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % 2 for s in input.stride()[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    if input.storage_offset() % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    return make(input.view_as(input))


def _scalar(t) -> str:
    from .._dtype import scalar_type_name

    return scalar_type_name(t.dtype)


def complex(real, imag):
    """The complex tensor ``real + i imag`` (a new tensor; both float32 or both float64).

    Args:
        real: the real parts.
        imag: the imaginary parts, of ``real``'s dtype (broadcast with it).

    Examples:
        >>> import ferrograd
        >>> ferrograd.complex(ferrograd.tensor([1.0, 2.0]), ferrograd.tensor([0.5, 1.0]))
        tensor([1.+0.5000j, 2.+1.0000j])
    """
    from ._math import join

    return _from_parts(join, real, imag, "complex", "real", "imag")


def polar(abs, angle):
    """The complex tensor with magnitudes ``abs`` and phases ``angle``:
    ``abs * (cos(angle) + i sin(angle))``.

    Args:
        abs: the magnitudes.
        angle: the phases in radians, of ``abs``'s dtype (broadcast with it).

    Examples:
        >>> import ferrograd
        >>> ferrograd.polar(ferrograd.tensor([1.0, 2.0]), ferrograd.tensor([0.5, 1.0]))
        tensor([0.8776+0.4794j, 1.0806+1.6829j])
    """
    from ._math import polar as from_polar

    return _from_parts(from_polar, abs, angle, "polar", "abs", "angle")


def _from_parts(build, first, second, op: str, first_name: str, second_name: str):
    """The complex tensor ``build`` makes of two real tensors of one float dtype, checked as
    PyTorch checks ``complex``'s and ``polar``'s arguments."""
    for position, (name, value) in enumerate(((first_name, first), (second_name, second)), 1):
        if not isinstance(value, Tensor) or isinstance(value, ComplexTensor):
            kind = "complex" if isinstance(value, Tensor) else type(value).__name__
            raise TypeError(
                f"{op}(): argument '{name}' (position {position}) must be Tensor of float or "
                f"double, not {kind}"
            )
    if first.dtype != second.dtype:
        raise RuntimeError(
            f"Expected object of scalar type {_scalar(first)} but got scalar type "
            f"{_scalar(second)} for second argument"
        )
    if first.dtype.name not in ("float32", "float64"):
        raise RuntimeError(
            f"Expected both inputs to be Half, Float or Double tensors but got {_scalar(first)} "
            f"and {_scalar(second)}"
        )
    return make(build(first, second))


def as_complex(value, dtype=None):
    """``value`` (a real or complex tensor) as a complex tensor (``dtype``'s, or the complex
    dtype of its floating dtype)."""
    from ._math import from_real

    if isinstance(value, ComplexTensor):
        return value if dtype is None else value.to(dtype)
    if dtype is None:
        from .._dtype import get_default_dtype

        real = value.dtype if value.dtype.is_floating_point else get_default_dtype()
        dtype = real.to_complex()
    return make(from_real(value.to(dtype.to_real())))


def _cat(name: str):
    def join_tensors(tensors, dim: int = 0, *, out=None):
        if out is not None:
            raise RuntimeError(f"{name}(): out= is not supported for complex tensors")
        from .._ops_dtypes import result_type_of
        from .._tensor_functions import cat, stack

        tensors = list(tensors)
        dtype = result_type_of(*tensors)
        parts = [as_complex(t, dtype)._parts for t in tensors]
        from .._mixins.structure import wrap_dim

        ndim = parts[0].ndim - 1
        if name == "cat":
            return make(cat(parts, wrap_dim(dim, ndim)))
        return make(stack(parts, wrap_dim(dim, ndim + 1)))

    return join_tensors


# Functions whose complex form is not a method of the first argument.
def _where(condition, input=None, other=None, *, out=None):
    """``where`` with a complex ``input`` or ``other``: chosen on the parts."""
    if input is None or out is not None:
        raise RuntimeError("where(): only where(condition, input, other) takes complex tensors")
    from .._functional import where
    from .._ops_dtypes import result_type

    dtype = result_type(input, other)
    ours, theirs = as_complex_operand(input, dtype), as_complex_operand(other, dtype)
    return make(where(condition.unsqueeze(-1), ours._parts, theirs._parts))


def real_with_complex_number(name: str, tensor, number, reflected: bool):
    """``tensor <name> number`` (``number <name> tensor`` when ``reflected``) for a real tensor
    and a Python complex number, which the engine's operators hand over here: the tensor becomes
    complex first (float64 gives complex128, anything else the default complex dtype), as
    PyTorch promotes ``x * 1j``."""
    return getattr(as_complex(tensor), f"__{'r' if reflected else ''}{name}__")(number)


_COMPLEX_OPERATOR_OF_METHOD = {
    "add": "add",
    "sub": "sub",
    "subtract": "sub",
    "mul": "mul",
    "multiply": "mul",
    "div": "truediv",
    "divide": "truediv",
    "true_divide": "truediv",
}


def real_method_with_complex(name: str, tensor, other):
    """The method ``tensor.<name>(other)`` of a real tensor given a complex tensor or number, as
    the complex operator (``x.mul(z)`` is ``x * z``); None for another kind of operand."""
    if not isinstance(other, (ComplexTensor, builtins.complex)):
        return None
    operator = _COMPLEX_OPERATOR_OF_METHOD.get(name)
    if operator is None:
        return None
    return getattr(as_complex(tensor), f"__{operator}__")(other)


def as_complex_operand(value, dtype):
    """A tensor or Python number as a complex tensor of ``dtype``."""
    if isinstance(value, Tensor):
        return as_complex(value, dtype)
    from .._creation import tensor

    return as_complex(tensor(builtins.complex(value), dtype=dtype))


_FUNCTIONS = {"cat": _cat("cat"), "concat": _cat("cat"), "concatenate": _cat("cat"),
              "stack": _cat("stack"), "where": _where}  # fmt: skip
# Functions of the namespace written for complex tensors themselves.
_OWN = {"view_as_real", "view_as_complex", "complex", "polar", "is_complex", "is_tensor",
        "numel", "result_type", "promote_types", "can_cast", "zeros_like", "ones_like",
        "empty_like", "full_like", "randn_like", "rand_like", "save", "stft", "istft", "real",
        "imag"}  # fmt: skip
# Binary functions that also take a real tensor first and a complex one second.
_BINARY = {"add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide",
           "matmul", "mm", "bmm", "eq", "ne"}  # fmt: skip


def apply_function(func, args: tuple, kwargs: dict):
    """``func(*args, **kwargs)`` with complex tensors among the arguments."""
    from ..overrides import resolve_name

    name = resolve_name(func) or getattr(func, "__name__", "")
    namespace, _, short = name.rpartition(".")
    if namespace == "ferrograd.fft":
        return func.__wrapped__(*args, **kwargs)
    if namespace == "ferrograd":
        if short in _OWN:
            return func.__wrapped__(*args, **kwargs)
        if short in _FUNCTIONS:
            return _FUNCTIONS[short](*args, **kwargs)
        if args and short in _BINARY and not isinstance(args[0], ComplexTensor):
            args = (as_complex(args[0]), *args[1:])
        if args and isinstance(args[0], ComplexTensor) and short in ComplexTensor.__dict__:
            return getattr(args[0], short)(*args[1:], **kwargs)
    raise kernel_not_implemented(name.removeprefix("ferrograd."), _first_complex(args, kwargs))


def _first_complex(args: tuple, kwargs: dict):
    for value in (*args, *kwargs.values()):
        for item in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(item, ComplexTensor):
                return item.dtype
    from .._dtype import complex64

    return complex64
