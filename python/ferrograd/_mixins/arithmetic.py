"""Arithmetic operators: ``+ - * / // % ** @`` and unary ``-``, ``+``, ``abs``, each reflected
and in place."""

from ._operators import binary, inplace, reflected


class ArithmeticMixin:
    """The operators the engine does not provide as number slots. The hot ones (``+ - * / @``
    and unary ``-``, plain and reflected) are ``TensorImpl``'s own slots, found ahead of every
    mixin (``TensorBase`` is ``Tensor``'s first base): CPython calls the engine directly for
    ``a + b``, with no Python frame in between."""

    __slots__ = ()

    __iadd__ = inplace("add", "self += other")
    __isub__ = inplace("sub", "self -= other")
    __imul__ = inplace("mul", "self *= other")
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

    def __pos__(self):
        return self

    def __abs__(self):
        return self._unary("abs")
