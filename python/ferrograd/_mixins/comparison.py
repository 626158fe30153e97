"""Comparison operators: ``< <= > >= == !=``, giving bool tensors that do not require grad;
``isnan``/``isinf``/``isfinite``/``isposinf``/``isneginf`` and ``isclose``/``allclose``/
``equal``."""

import math

from .._base import TensorBase
from .._dtype import scalar_type_name
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

    def isinf(self):
        """True where an element is +inf or -inf (never for integer tensors)."""
        if not self.is_floating_point():
            return self._binary("ne", self)
        return self.abs()._binary("eq", math.inf)

    def isposinf(self):
        """True where an element is +inf."""
        if not self.is_floating_point():
            return self._binary("ne", self)
        return self._binary("eq", math.inf)

    def isneginf(self):
        """True where an element is -inf."""
        if not self.is_floating_point():
            return self._binary("ne", self)
        return self._binary("eq", -math.inf)

    def isfinite(self):
        """True where an element is neither NaN nor infinite (always for integer tensors)."""
        if not self.is_floating_point():
            return self._binary("eq", self)
        return self._binary("eq", self)._binary("logical_and", self.abs()._binary("ne", math.inf))

    def isclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
        """Elementwise ``|self - other| <= atol + rtol * |other|`` (equal values, infinities
        included, are close; NaNs only with ``equal_nan``). Both tensors have one dtype."""
        if not isinstance(other, TensorBase):
            raise TypeError(
                f"isclose(): argument 'other' must be Tensor, not {type(other).__name__}"
            )
        if self.dtype != other.dtype:
            raise RuntimeError(
                f"{scalar_type_name(self.dtype)} did not match {scalar_type_name(other.dtype)}"
            )
        if rtol < 0:
            raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
        if atol < 0:
            raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
        a, b = self.detach(), other.detach()
        close = a == b
        if self.dtype.name == "bool":
            return close
        if not self.is_floating_point():
            a, b = a.double(), b.double()
        within = (a - b).abs() <= (b.abs() * rtol + atol)
        close = close | (within & a.isfinite() & b.isfinite())
        if equal_nan:
            close = close | (a.isnan() & b.isnan())
        return close

    def allclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
        """Whether ``isclose`` holds everywhere (the tensors broadcast)."""
        return bool(self.isclose(other, rtol, atol, equal_nan).all())

    def equal(self, other) -> bool:
        """True when both tensors have the same shape and elements."""
        return tuple(self.shape) == tuple(other.shape) and bool((self == other).all())
