"""``out=``: the result of a function written into a tensor the caller gives, as PyTorch does.

* The result is computed as usual, then copied into ``out`` (cast to ``out``'s dtype when
  PyTorch's casting rules allow it; the matrix products and the index outputs of ``sort``,
  ``max(dim)``, ... need the exact dtype, as in PyTorch).
* An ``out`` of another shape is resized: silently when it has no elements, otherwise with
  PyTorch's deprecation warning. A resized ``out`` gets new elements (views of its old ones no
  longer see it).
* ``out=`` is not differentiable: under grad mode, an input or ``out`` that requires grad is
  an error.
* Functions returning several tensors (``sort``, ``max(dim)``, ...) take a tuple of outputs.
"""

from __future__ import annotations

import functools
import warnings

from . import _core
from ._base import TensorBase
from ._dtype import scalar_type_name
from ._ops_dtypes import can_cast

#: Functions whose ``out`` must have the result's dtype exactly (PyTorch checks them outside
#: its elementwise machinery).
_EXACT_DTYPE = frozenset(
    "mm bmm matmul mv dot vdot addmm addmv addbmm baddbmm addr outer ger inner kron".split()
)


def _check_dtype(op: str, result, out, exact: bool) -> None:
    if exact and out.dtype != result.dtype:
        raise RuntimeError(
            f"Expected out tensor to have dtype {_long_name(result.dtype)}, but got "
            f"{_long_name(out.dtype)} instead"
        )
    if not can_cast(result.dtype, out.dtype):
        raise RuntimeError(
            f"result type {scalar_type_name(result.dtype)} can't be cast to the desired output "
            f"type {scalar_type_name(out.dtype)}"
        )


def _long_name(d) -> str:
    return "long int" if d.name == "int64" else scalar_type_name(d, True)


def _write_one(op: str, result, out, exact: bool):
    if not isinstance(out, TensorBase):
        raise TypeError(f"{op}(): argument 'out' must be Tensor, not {type(out).__name__}")
    _check_dtype(op, result, out, exact)
    value = result.detach()
    if value.dtype != out.dtype:
        value = value.to(out.dtype)
    if tuple(out.shape) != tuple(value.shape):
        if out.numel() != 0:
            warnings.warn(
                "An output with one or more elements was resized since it had shape "
                f"{list(out.shape)}, which does not match the required output shape "
                f"{list(value.shape)}. This behavior is deprecated, and in a future PyTorch "
                "release outputs will not be resized unless they have zero elements. You can "
                "explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
                "t.resize_(0).",
                UserWarning,
                stacklevel=4,
            )
        out.data = value.clone() if value.device == out.device else value.to(out.device)
    else:
        out.copy_(value)
    return out


def write_out(op: str, result, out):
    """``result`` (a tensor or a tuple of tensors) copied into ``out``; returns ``out`` (for a
    tuple, a result of the same type holding the outputs)."""
    results = result if isinstance(result, tuple) else (result,)
    if _core.is_grad_enabled() and any(
        isinstance(t, TensorBase) and t.requires_grad
        for t in (*results, *(out if isinstance(out, (tuple, list)) else (out,)))
    ):
        raise RuntimeError(
            f"{op}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    if not isinstance(result, tuple):
        return _write_one(op, result, out, op in _EXACT_DTYPE)
    if not isinstance(out, (tuple, list)) or len(out) != len(result):
        raise TypeError(
            f"{op}(): argument 'out' must be tuple of {len(result)} Tensors, not "
            f"{type(out).__name__}"
        )
    # The index outputs (int64) of sort, max(dim), ... must be int64.
    written = [
        _write_one(op, r, o, op in _EXACT_DTYPE or r.dtype.name == "int64")
        for r, o in zip(result, out, strict=True)
    ]
    return type(result)(*written) if hasattr(result, "_fields") else tuple(written)


def with_out(function):
    """``function`` with an ``out=`` keyword (see the module's docstring)."""

    @functools.wraps(function)
    def wrapper(*args, out=None, **kwargs):
        result = function(*args, **kwargs)
        return result if out is None else write_out(function.__name__, result, out)

    return wrapper
