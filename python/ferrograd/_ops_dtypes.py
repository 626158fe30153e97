"""Type promotion as PyTorch defines it, in Python: ``promote_types``, ``result_type`` and
``can_cast``, for every dtype ``ferrograd._dtype`` knows (the rules are written on a dtype's
kind and width, so dtypes added later follow them).

The engine promotes its own operands in Rust; these functions answer the same question for
programs that ask it (and for ``out=``, which must know whether a result fits its output)."""

from __future__ import annotations

import numbers

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


def _kind(d: dtype) -> int:
    """0 for bool, 1 for integers, 2 for floating point: the categories of promotion."""
    if d.name == "bool":
        return 0
    return 2 if d.is_floating_point else 1


def _promote(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    ka, kb = _kind(a), _kind(b)
    if ka != kb:
        return a if ka > kb else b
    if ka == 1 and a.is_signed != b.is_signed:
        unsigned, signed = (a, b) if not a.is_signed else (b, a)
        if signed.itemsize > unsigned.itemsize:
            return signed
        return _by_name(f"int{8 * 2 * unsigned.itemsize}")  # uint8 with int8: int16
    if a.itemsize == b.itemsize:  # float16 with bfloat16
        return _by_name(f"float{16 * a.itemsize}")
    return a if a.itemsize > b.itemsize else b


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
    if from_.is_floating_point and not to.is_floating_point and to.name != "bool":
        return False
    return not (from_.name != "bool" and to.name == "bool")


def _scalar_dtype(value) -> dtype:
    if isinstance(value, bool):
        return _by_name("bool")
    if isinstance(value, numbers.Integral):
        return _by_name("int64")
    return get_default_dtype()


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    """The result of a priority level (tensors with dimensions, then 0-d tensors, then Python
    numbers) with the levels below it: a lower level counts only when its category is higher."""
    if higher is None:
        return lower
    if lower is None or higher.is_floating_point:
        return higher
    if higher.name == "bool" or lower.is_floating_point:
        return _promote(higher, lower)
    return higher


def _result_of(operands) -> dtype:
    levels: list[dtype | None] = [None, None, None]
    for value in operands:
        if isinstance(value, TensorBase):
            level, d = (0 if value.ndim else 1), value.dtype
        elif isinstance(value, numbers.Number):
            level, d = 2, _scalar_dtype(value)
        else:
            raise TypeError(
                f"result_type(): expected Tensors or Python numbers, got {type(value).__name__}"
            )
        levels[level] = d if levels[level] is None else _promote(levels[level], d)
    return _combine(levels[0], _combine(levels[1], levels[2]))


def result_type(tensor, other) -> dtype:
    """The dtype an arithmetic operation on ``tensor`` and ``other`` (tensors or numbers)
    gives: tensors with dimensions decide, 0-d tensors and numbers only raise the category."""
    return _result_of((tensor, other))


def result_type_of(*operands) -> dtype:
    """``result_type`` of any number of operands (what the n-ary operations here use)."""
    return _result_of(operands)
