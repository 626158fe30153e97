"""Arithmetic operators: ``+ - * / // % ** @`` and unary ``-``, ``+``, ``abs``, each reflected
and in place."""

from .._base import TensorBase, wrap
from ._operators import binary, inplace, reflected


class ArithmeticMixin:
    __slots__ = ()

    __add__ = binary("add", "self + other")
    __radd__ = reflected("add", "other + self")
    __iadd__ = inplace("add", "self += other")
    __sub__ = binary("sub", "self - other")
    __rsub__ = binary("rsub", "other - self")
    __isub__ = inplace("sub", "self -= other")
    __mul__ = binary("mul", "self * other")
    __rmul__ = reflected("mul", "other * self")
    __imul__ = inplace("mul", "self *= other")
    __truediv__ = binary("div", "self / other (true division)")
    __rtruediv__ = reflected("div", "other / self")
    __itruediv__ = inplace("div", "self /= other")
    __floordiv__ = binary("floor_divide", "self // other (floor division; no gradient)")
    __rfloordiv__ = reflected("floor_divide", "other // self")
    __ifloordiv__ = inplace("floor_divide", "self //= other")
    __mod__ = binary("remainder", "self % other (Python's remainder: the sign of the divisor)")
    __rmod__ = reflected("remainder", "other % self")
    __imod__ = inplace("remainder", "self %= other")
    __pow__ = binary("pow", "self ** other")
    __rpow__ = reflected("pow", "other ** self")
    __ipow__ = inplace("pow", "self **= other")

    def __matmul__(self, other):
        """``self @ other``: matrix product (1-D, 2-D and batched)."""
        if not isinstance(other, TensorBase):
            return NotImplemented
        return wrap(self._c.matmul(other._c))

    def __rmatmul__(self, other):
        if not isinstance(other, TensorBase):
            return NotImplemented
        return wrap(other._c.matmul(self._c))

    def __neg__(self):
        return wrap(self._c.unary("neg"))

    def __pos__(self):
        return self

    def __abs__(self):
        return wrap(self._c.unary("abs"))
