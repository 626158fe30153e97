"""Logical and bitwise operators: ``& | ^ ~`` (logical on bool tensors, bitwise on integers)."""

from ._operators import binary, inplace, reflected


class LogicalMixin:
    __slots__ = ()

    __and__ = binary("bitwise_and", "self & other")
    __rand__ = reflected("bitwise_and", "other & self")
    __iand__ = inplace("bitwise_and", "self &= other")
    __or__ = binary("bitwise_or", "self | other")
    __ror__ = reflected("bitwise_or", "other | self")
    __ior__ = inplace("bitwise_or", "self |= other")
    __xor__ = binary("bitwise_xor", "self ^ other")
    __rxor__ = reflected("bitwise_xor", "other ^ self")
    __ixor__ = inplace("bitwise_xor", "self ^= other")

    bitwise_and = binary("bitwise_and", "Elementwise & (logical on bool).")
    bitwise_or = binary("bitwise_or", "Elementwise | (logical on bool).")
    bitwise_xor = binary("bitwise_xor", "Elementwise ^ (logical on bool).")
    logical_and = binary("logical_and", "Elementwise logical and (nonzero is true).")
    logical_or = binary("logical_or", "Elementwise logical or (nonzero is true).")
    logical_xor = binary("logical_xor", "Elementwise logical xor (nonzero is true).")

    def __invert__(self):
        return self._unary("bitwise_not")

    def bitwise_not(self):
        return self._unary("bitwise_not")

    def logical_not(self):
        return self._unary("logical_not")

    def all(self, dim=None, keepdim: bool = False):
        """True where every element (along ``dim``) is nonzero."""
        return self.logical_not().long().sum(dim=dim, keepdim=keepdim) == 0

    def any(self, dim=None, keepdim: bool = False):
        """True where some element (along ``dim``) is nonzero."""
        return self.bool().long().sum(dim=dim, keepdim=keepdim) > 0
