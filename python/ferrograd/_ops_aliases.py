"""Other names and in-place forms of existing operations: the in-place comparisons
(``eq_``, ``lt_``, ...), logical and bitwise operations (``logical_and_``, ``bitwise_or_``),
the named arithmetic (``multiply_``, ``divide_``, ``subtract_``, ...), ``clamp_min_``/
``clamp_max_``/``clip_``, the bit shifts (``bitwise_left_shift``, ``<<``) and ``rsub``/``fill``.

An in-place form computes the operation out of place and writes the result with ``copy_``,
after PyTorch's check that the result's dtype can be stored in the tensor (so
``int_tensor.divide_(x)`` raises instead of truncating).
"""

from __future__ import annotations

import numpy as np

from ._base import TensorBase
from ._dtype import kernel_not_implemented, scalar_type_name
from ._mixins.structure import constant
from ._ops_dtypes import can_cast

__all__ = ["bitwise_left_shift", "bitwise_right_shift", "fill", "rsub"]


def _in_place(name: str, method: str | None = None):
    """The in-place form of the method ``method`` (default: ``name``)."""
    target = method or name

    def in_place(self, *args, **kwargs):
        result = getattr(self, target)(*args, **kwargs)
        if result.dtype != self.dtype and not can_cast(result.dtype, self.dtype):
            raise RuntimeError(
                f"result type {scalar_type_name(result.dtype)} can't be cast to the desired "
                f"output type {scalar_type_name(self.dtype)}"
            )
        return self.copy_(result)

    in_place.__name__ = name + "_"
    in_place.__doc__ = f"In-place ``{target}``."
    return in_place


def _shift(a, b, left: bool):
    name = "lshift" if left else "rshift"
    if not isinstance(a, TensorBase):
        a = constant(np.asarray(a), b)
    for t in (a, b):
        if isinstance(t, TensorBase) and (t.is_floating_point() or t.dtype.name == "bool"):
            raise kernel_not_implemented(f"{name}_cpu", t.dtype)
    x = a.detach().cpu().numpy()
    s = b.detach().cpu().numpy() if isinstance(b, TensorBase) else np.asarray(b)
    dtype = np.result_type(x, s) if isinstance(b, TensorBase) else x.dtype
    x, s = x.astype(dtype), s.astype(dtype)
    bits = 8 * dtype.itemsize
    # Shifts by the width or more give 0 (left) or the sign (right), as PyTorch's kernels.
    count = np.clip(s, 0, bits - 1)
    if left:
        out = np.where((s >= bits) | (s < 0), 0, np.left_shift(x, count))
    else:
        out = np.where(s < 0, 0, np.right_shift(x, count))
    return constant(np.ascontiguousarray(out.astype(dtype)), a)


def bitwise_left_shift(input, other):
    """``input << other`` (integers)."""
    return _shift(input, other, True)


def bitwise_right_shift(input, other):
    """``input >> other``, arithmetic (integers)."""
    return _shift(input, other, False)


def rsub(input, other, *, alpha=1):
    """``other - alpha * input``."""
    return other - (input * alpha if alpha != 1 else input)


def fill(input, value):
    """A tensor like ``input`` filled with ``value`` (a number or a 0-d tensor)."""
    if isinstance(value, TensorBase):
        if value.ndim != 0:
            raise RuntimeError(
                "fill_ only supports 0-dimension value tensor but got tensor with "
                f"{value.ndim} dimensions."
            )
        return value.to(input.dtype).expand(input.shape).clone()
    return input.detach().clone().fill_(value)


class AliasesMixin:
    __slots__ = ()

    bitwise_left_shift = bitwise_left_shift
    bitwise_right_shift = bitwise_right_shift
    bitwise_left_shift_ = _in_place("bitwise_left_shift")
    bitwise_right_shift_ = _in_place("bitwise_right_shift")

    def __lshift__(self, other):
        return _shift(self, other, True)

    def __rlshift__(self, other):
        return _shift(other, self, True)

    def __rshift__(self, other):
        return _shift(self, other, False)

    def __rrshift__(self, other):
        return _shift(other, self, False)

    def __ilshift__(self, other):
        return self.bitwise_left_shift_(other)

    def __irshift__(self, other):
        return self.bitwise_right_shift_(other)

    def divide_(self, other, *, rounding_mode=None):
        return _in_place("divide", "div")(self, other, rounding_mode=rounding_mode)

    true_divide_ = _in_place("true_divide", "div")
    multiply_ = _in_place("multiply", "mul")
    subtract_ = _in_place("subtract", "sub")
    absolute_ = _in_place("absolute", "abs")
    negative_ = _in_place("negative", "neg")
    clamp_min_ = _in_place("clamp_min")
    clamp_max_ = _in_place("clamp_max")
    clip_ = _in_place("clip", "clamp")


for _name in """
    eq ne lt le gt ge greater greater_equal less less_equal not_equal
    logical_and logical_or logical_xor logical_not
    bitwise_and bitwise_or bitwise_xor bitwise_not
    floor_divide remainder atan2 square
""".split():
    setattr(AliasesMixin, _name + "_", _in_place(_name))
del _name
