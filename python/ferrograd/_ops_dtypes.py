"""Type promotion as PyTorch defines it: ``promote_types``, ``result_type`` and ``can_cast``.

The rules live in the engine (``DType::promote`` and ``DType::result_type_of`` in Rust), which
promotes the operands of its own operations with them; these functions ask it the same question
for programs (and for ``out=``, which must know whether a result fits its output)."""

from __future__ import annotations

import numbers

from . import _core
from ._base import TensorBase
from ._dtype import _by_name, dtype, get_default_dtype

__all__ = ["can_cast", "promote_types", "result_type"]


def _check_dtype(value, op: str, position: int, name: str) -> dtype:
    if not isinstance(value, dtype):
        raise TypeError(
            f"{op}(): argument '{name}' (position {position}) must be torch.dtype, not "
            f"{type(value).__name__}"
        )
    return value


def _promote(a: dtype, b: dtype) -> dtype:
    # A complex dtype promotes as its real parts' dtype does, and makes the result complex.
    real = _by_name(_core.promote_types(a.to_real().name, b.to_real().name))
    return _complex_if(real, a.is_complex or b.is_complex)


def _complex_if(real: dtype, complex_: bool) -> dtype:
    if not complex_ or real.is_complex:
        return real
    if not real.is_floating_point or real.itemsize < 4:
        # bool/integer results cannot occur; float16/bfloat16 would be PyTorch's complex32
        real = get_default_dtype() if not real.is_floating_point else real
        if real.itemsize < 4:
            raise TypeError(f"ferrograd has no complex dtype with {real} parts (complex32)")
    return real.to_complex()


def promote_types(type1, type2) -> dtype:
    """The smallest dtype that both ``type1`` and ``type2`` convert to without leaving their
    category (bool < integer < floating point)."""
    return _promote(
        _check_dtype(type1, "promote_types", 1, "type1"),
        _check_dtype(type2, "promote_types", 2, "type2"),
    )


def can_cast(from_, to) -> bool:
    """Whether PyTorch's casting rules allow ``from_`` into ``to``: not floating point into
    an integer type, not anything but bool into bool."""
    from_ = _check_dtype(from_, "can_cast", 1, "from_")
    to = _check_dtype(to, "can_cast", 2, "to")
    if from_.is_complex and not to.is_complex and to.name != "bool":
        return False
    if (
        from_.is_floating_point
        and not (to.is_floating_point or to.is_complex)
        and to.name != "bool"
    ):
        return False
    return not (from_.name != "bool" and to.name == "bool")


def _scalar_dtype(value) -> dtype:
    if isinstance(value, bool):
        return _by_name("bool")
    if isinstance(value, numbers.Integral):
        return _by_name("int64")
    return get_default_dtype()


def _result_of(operands) -> dtype:
    described = []
    complex_ = False
    for value in operands:
        if isinstance(value, TensorBase):
            complex_ = complex_ or value.dtype.is_complex
            described.append((value.dtype.to_real().name, 0 if value.ndim else 1))
        elif isinstance(value, numbers.Number):
            complex_ = complex_ or isinstance(value, complex)
            described.append((_scalar_dtype(value).name, 2))
        else:
            raise TypeError(
                f"result_type(): expected Tensors or Python numbers, got {type(value).__name__}"
            )
    return _complex_if(_by_name(_core.result_type(described)), complex_)


def result_type(tensor, other) -> dtype:
    """The dtype an arithmetic operation on ``tensor`` and ``other`` (tensors or numbers)
    gives: tensors with dimensions decide, 0-d tensors and numbers only raise the category."""
    return _result_of((tensor, other))


def result_type_of(*operands) -> dtype:
    """``result_type`` of any number of operands (what the n-ary operations here use)."""
    return _result_of(operands)
