"""Comparison operators: ``< <= > >= == !=``, giving bool tensors that do not require grad."""

from ._operators import binary


class ComparisonMixin:
    __slots__ = ()

    __lt__ = binary("lt", "self < other, elementwise")
    __le__ = binary("le", "self <= other, elementwise")
    __gt__ = binary("gt", "self > other, elementwise")
    __ge__ = binary("ge", "self >= other, elementwise")
    __eq__ = binary("eq", "self == other, elementwise")
    __ne__ = binary("ne", "self != other, elementwise")
    # Tensors stay hashable by identity although == is elementwise, as in PyTorch.
    __hash__ = object.__hash__

    eq = binary("eq", "Elementwise ==.")
    ne = binary("ne", "Elementwise !=.")
    lt = binary("lt", "Elementwise <.")
    le = binary("le", "Elementwise <=.")
    gt = binary("gt", "Elementwise >.")
    ge = binary("ge", "Elementwise >=.")
    greater = gt
    greater_equal = ge
    less = lt
    less_equal = le
    not_equal = ne

    def isnan(self):
        """True where an element is NaN (the one value unequal to itself)."""
        return self._binary("ne", self)

    def equal(self, other) -> bool:
        """True when both tensors have the same shape and elements."""
        return tuple(self.shape) == tuple(other.shape) and bool((self == other).all())
