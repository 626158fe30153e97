"""Arithmetic operators: ``+ - * / // % ** @`` and unary ``-``, ``+``, ``abs``, each reflected
and in place."""

from .._core import TensorImpl as _Engine
from ._operators import binary, inplace, reflected


class ArithmeticMixin:
    """The hot operators (``+ - * / @`` and unary ``-``, plain and reflected) are the engine's
    own number slots, re-exported here: CPython then calls the engine directly for ``a + b``,
    with no Python frame in between. The rest go through the operator factories."""

    __slots__ = ()

    __add__ = _Engine.__add__
    __radd__ = _Engine.__radd__
    __iadd__ = inplace("add", "self += other")
    __sub__ = _Engine.__sub__
    __rsub__ = _Engine.__rsub__
    __isub__ = inplace("sub", "self -= other")
    __mul__ = _Engine.__mul__
    __rmul__ = _Engine.__rmul__
    __imul__ = inplace("mul", "self *= other")
    __truediv__ = _Engine.__truediv__
    __rtruediv__ = _Engine.__rtruediv__
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
    __matmul__ = _Engine.__matmul__
    __rmatmul__ = _Engine.__rmatmul__
    __neg__ = _Engine.__neg__

    def __pos__(self):
        return self

    def __abs__(self):
        return self._unary("abs")
