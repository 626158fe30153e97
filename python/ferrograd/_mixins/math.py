"""Named elementwise math: ``exp``, ``log``, ``sigmoid``, ``clamp``, ``pow``, ``add(alpha=)``,
... and their in-place forms."""

from .._base import TensorBase, is_operand


def _unary(name: str, doc: str):
    def method(self):
        return self._unary(name)

    method.__doc__ = doc
    method.__name__ = name
    return method


def _unary_inplace(name: str):
    def method(self):
        self._inplace_unary(name)
        return self

    method.__doc__ = f"In-place {name}."
    method.__name__ = name + "_"
    return method


def _binary(name: str, doc: str):
    def method(self, other):
        if not is_operand(other):
            raise TypeError(f"{name}(): expected a Tensor or a number, got {type(other).__name__}")
        return self._binary(name, other)

    method.__doc__ = doc
    method.__name__ = name
    return method


_UNARY = {
    "exp": "e to the power of each element.",
    "log": "Natural logarithm.",
    "sqrt": "Square root.",
    "rsqrt": "Reciprocal of the square root.",
    "sin": "Sine.",
    "cos": "Cosine.",
    "tan": "Tangent.",
    "tanh": "Hyperbolic tangent.",
    "sigmoid": "Logistic sigmoid 1 / (1 + exp(-x)).",
    "relu": "max(x, 0).",
    "abs": "Absolute value.",
    "neg": "Negation.",
    "sign": "-1, 0 or 1 by sign (no gradient).",
    "floor": "Round down (no gradient).",
    "ceil": "Round up (no gradient).",
    "round": "Round half to even (no gradient).",
    "trunc": "Round toward zero (no gradient).",
    "log1p": "log(1 + x), accurate near 0.",
    "expm1": "exp(x) - 1, accurate near 0.",
    "erf": "Error function.",
    "reciprocal": "1 / x.",
}

_BINARY = {
    "pow": "self ** exponent.",
    "mul": "self * other.",
    "remainder": "Python-style remainder (sign of the divisor).",
    "floor_divide": "Floor division (no gradient).",
    "atan2": "Four-quadrant arctangent of self / other.",
    "maximum": "Elementwise maximum (ties split the gradient).",
    "minimum": "Elementwise minimum (ties split the gradient).",
}


class MathMixin:
    __slots__ = ()

    absolute = _unary("abs", "Absolute value.")
    negative = _unary("neg", "Negation.")
    multiply = _binary("mul", "self * other.")
    fmax = _binary("maximum", "Elementwise maximum.")
    fmin = _binary("minimum", "Elementwise minimum.")

    def square(self):
        return self._binary("mul", self)

    def add(self, other, *, alpha=1):
        """``self + alpha * other``."""
        return self + (other * alpha if alpha != 1 else other)

    def sub(self, other, *, alpha=1):
        """``self - alpha * other``."""
        return self - (other * alpha if alpha != 1 else other)

    subtract = sub

    def div(self, other, *, rounding_mode=None):
        """True division, or floor/trunc division with ``rounding_mode``."""
        if rounding_mode is None:
            return self / other
        if rounding_mode == "floor":
            return self // other
        if rounding_mode == "trunc":
            quotient = (self / other).trunc()
            return quotient if self.is_floating_point() else quotient.to(self.dtype)
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")

    divide = div
    true_divide = div

    def rsub(self, other):
        return other - self

    def clamp(self, min=None, max=None):
        """Limits each element to ``[min, max]``; the gradient passes inside the interval."""
        if isinstance(min, TensorBase) or isinstance(max, TensorBase):
            out = self
            if min is not None:
                out = out.maximum(min)
            if max is not None:
                out = out.minimum(max)
            return out
        return self._clamp(min, max)

    clip = clamp

    def clamp_(self, min=None, max=None):
        self._inplace_clamp(min, max)
        return self

    def clamp_min(self, min):
        return self.clamp(min=min)

    def clamp_max(self, max):
        return self.clamp(max=max)

    def where(self, condition, other):
        """``self`` where ``condition`` holds, else ``other``."""
        return self._where_(condition, other)

    def matmul(self, other):
        return self @ other

    def mm(self, other):
        if self.ndim != 2 or other.ndim != 2:
            raise ValueError(f"mm: both arguments must be matrices, got shapes {tuple(self.shape)} and {tuple(other.shape)}")
        return self @ other

    def bmm(self, other):
        if self.ndim != 3 or other.ndim != 3:
            raise ValueError(f"bmm: both arguments must be 3-D, got shapes {tuple(self.shape)} and {tuple(other.shape)}")
        return self @ other

    def mv(self, vec):
        return self @ vec

    def dot(self, other):
        if self.ndim != 1 or other.ndim != 1:
            raise ValueError(f"dot: 1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors")
        return self @ other

    # In-place arithmetic by name (``x.add_(y)``), as in PyTorch.
    def add_(self, other, *, alpha=1):
        """``self += alpha * other`` in place (one pass over the elements when not recorded)."""
        if alpha == 1:
            self += other
            return self
        if not is_operand(other):
            raise TypeError(f"add_(): expected a Tensor or a number, got {type(other).__name__}")
        self._add_scaled_(other, float(alpha))
        return self

    def sub_(self, other, *, alpha=1):
        """``self -= alpha * other`` in place."""
        return self.add_(other, alpha=-alpha)

    def mul_(self, other):
        self *= other
        return self

    def div_(self, other):
        self /= other
        return self

    def pow_(self, other):
        self **= other
        return self

    def zero_(self):
        self._fill_(0.0)
        return self

    def fill_(self, value):
        self._fill_(float(value))
        return self

    def copy_(self, src):
        """Copies ``src`` (broadcast and cast) into this tensor's elements."""
        if not is_operand(src):
            raise TypeError(f"copy_(): expected a Tensor, got {type(src).__name__}")
        self._inplace("copy", src)
        return self


for _name, _doc in _UNARY.items():
    setattr(MathMixin, _name, _unary(_name, _doc))
    setattr(MathMixin, _name + "_", _unary_inplace(_name))
for _name, _doc in _BINARY.items():
    setattr(MathMixin, _name, _binary(_name, _doc))
del _name, _doc
