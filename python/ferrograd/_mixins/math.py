"""Named elementwise math: ``exp``, ``log``, ``sigmoid``, ``clamp``, ``pow``, ``add(alpha=)``,
... and their in-place forms.

Where the engine's derivative rule differs from PyTorch's at a boundary point (clamp at its
bounds, atan2 at the origin), the methods here compose recorded operations so the gradient is
PyTorch's. They do so only when
the call is recorded for backward (``_recording``): without a graph the engine op runs alone.
"""

import operator

import numpy as np

from .. import _core
from .._base import TensorBase, is_operand
from .._dtype import (
    _by_name,
    bool_,
    check_fits,
    get_default_dtype,
    kernel_not_implemented,
    scalar_type_name,
)
from .._errors import ShapeError
from .._opmath import computes_in_float32


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
            from .._complex import real_method_with_complex

            result = real_method_with_complex(name, self, other)
            if result is not None:
                return result
            _check_operand(name, other)
        return self._binary(name, other)

    method.__doc__ = doc
    method.__name__ = name
    return method


# name: (what each element of the result is, an example input, its result as PyTorch prints it)
_UNARY = {
    "exp": ("the exponential ``e ** x``", "[0.0, 1.0, -1.0]", "[1.0000, 2.7183, 0.3679]"),
    "log": ("the natural logarithm ``ln(x)``", "[1.0, 2.0, 0.5]", "[ 0.0000,  0.6931, -0.6931]"),
    "sqrt": ("the square root", "[4.0, 2.0, 0.0]", "[2.0000, 1.4142, 0.0000]"),
    "rsqrt": (
        "the reciprocal of the square root ``1 / sqrt(x)``",
        "[4.0, 0.25]",
        "[0.5000, 2.0000]",
    ),
    "sin": ("the sine (of radians)", "[0.0, 0.5, -1.0]", "[ 0.0000,  0.4794, -0.8415]"),
    "cos": ("the cosine (of radians)", "[0.0, 0.5, -1.0]", "[1.0000, 0.8776, 0.5403]"),
    "tan": ("the tangent (of radians)", "[0.0, 0.5, -1.0]", "[ 0.0000,  0.5463, -1.5574]"),
    "tanh": ("the hyperbolic tangent", "[0.0, 0.5, -3.0]", "[ 0.0000,  0.4621, -0.9951]"),
    "sigmoid": (
        "the logistic sigmoid ``1 / (1 + exp(-x))``",
        "[0.0, 2.0, -2.0]",
        "[0.5000, 0.8808, 0.1192]",
    ),
    "relu": ("``max(x, 0)``", "[-1.0, 0.0, 2.5]", "[0.0000, 0.0000, 2.5000]"),
    "abs": ("the absolute value", "[-1, 2, -3]", "[1, 2, 3]"),
    "neg": ("the negation ``-x``", "[1.0, -2.0]", "[-1.,  2.]"),
    "log1p": ("``ln(1 + x)``, accurate for small x", "[1e-10, 1.0]", "[1.0000e-10, 6.9315e-01]"),
    "expm1": ("``exp(x) - 1``, accurate for small x", "[1e-10, 1.0]", "[1.0000e-10, 1.7183e+00]"),
    "erf": ("the error function", "[0.0, 0.5, -1.0]", "[ 0.0000,  0.5205, -0.8427]"),
    "reciprocal": ("``1 / x``", "[2.0, -0.5]", "[ 0.5000, -2.0000]"),
}
#: Those of _UNARY whose result keeps an integer input's dtype (the others give the default
#: floating dtype for integer and bool inputs).
_KEEPS_INTEGERS = {"relu", "abs", "neg"}

_BINARY = {
    "pow": "self ** exponent.",
    "mul": "self * other.",
    "remainder": "Python-style remainder (sign of the divisor).",
    "floor_divide": "Floor division (no gradient).",
}

#: Piecewise-constant functions: zero gradient (the engine's rows), as in PyTorch.
_STEPWISE = {
    "floor": ("rounded down", "[1.5, -1.5]", "[ 1., -2.]"),
    "ceil": ("rounded up", "[1.5, -1.5]", "[ 2., -1.]"),
    "round": ("rounded to the nearest integer, halves to even", "[0.5, 1.5, 2.5]", "[0., 2., 2.]"),
    "trunc": ("rounded toward zero", "[1.7, -1.7]", "[ 1., -1.]"),
}


def _elementwise_doc(name: str, result: str, example: str, printed: str) -> str:
    """The docstring of the elementwise function ``name``, in PyTorch's shape."""
    if name in _STEPWISE:
        rules = "Integer tensors are returned as they are. The gradient is zero, as in PyTorch."
    elif name in _KEEPS_INTEGERS:
        rules = "The result has the input's dtype. Differentiable."
    else:
        rules = "Integer and bool inputs give the default floating dtype. Differentiable."
    return f"""Returns a new tensor with {result} of each element of ``input``.

    {rules}

    Examples:
        >>> import ferrograd
        >>> ferrograd.{name}(ferrograd.tensor({example}))
        tensor({printed})
    """


def _recording(*operands) -> bool:
    """Whether an operation on ``operands`` is recorded for backward."""
    return _core.is_grad_enabled() and any(
        isinstance(t, TensorBase) and t._requires_grad for t in operands
    )


def _check_operand(name: str, other) -> None:
    if not is_operand(other):
        raise TypeError(f"{name}(): expected a Tensor or a number, got {type(other).__name__}")


def _nan_ignoring(name: str, doc: str):
    """``fmax`` / ``fmin``: like ``maximum`` / ``minimum`` but a NaN operand gives way to the
    other one (NaN only where both are), with the gradient going to the operand chosen."""

    def method(self, other):
        _check_operand("f" + name[:3], other)
        out = self._binary(name, other)
        if not out.is_floating_point():
            return out
        a = self.to(out.dtype)
        if isinstance(other, TensorBase):
            b = other.to(out.dtype)
        else:
            b = _core.full([], float(other), out.dtype.name, self._device)
        return a.where(b.isnan(), b.where(a.isnan(), out))

    method.__doc__ = doc
    method.__name__ = "f" + name[:3]
    return method


_FLOAT_SCALARS = (float, np.floating)


def clamp_scalars(x, lo, hi, *, nan_passes: bool = False):
    """``x`` clamped into ``[lo, hi]`` (numbers or None) in PyTorch's result dtype (an integer
    tensor with a float bound gives the default float dtype), with PyTorch's gradient: 1
    strictly inside, 0 at the bounds and beyond; at NaN 0 for ``clamp`` (the engine's
    ``ClampBackward1``) and 1 for ``hardtanh`` (``nan_passes``, composed: the engine's fused
    hardtanh covers float CPU tensors)."""
    float_bound = isinstance(lo, _FLOAT_SCALARS) or isinstance(hi, _FLOAT_SCALARS)
    if float_bound and not _by_name(x._dtype).is_floating_point:
        x = x.to(get_default_dtype())
    if not nan_passes or not (x._requires_grad and _core.is_grad_enabled()):
        return x._clamp(lo, hi)
    value = x.detach()._clamp(lo, hi)  # raises when both bounds are None
    # blocked at and beyond a bound, never at NaN
    blocked = [x <= lo] if lo is not None else []
    blocked += [x >= hi] if hi is not None else []
    keep = ~(blocked[0] | blocked[1] if len(blocked) == 2 else blocked[0])
    return x.where(keep, value)


_sign = _unary("sign", "-1, 0 or 1 by sign (zero gradient).")


@computes_in_float32
def _lerp(start, end, weight):
    """PyTorch's lerp: from ``start`` for ``|weight| < 0.5``, from ``end`` otherwise (exact at
    both ends), in float32 for the 16-bit floats as its kernel computes."""
    diff = end - start
    if isinstance(weight, TensorBase):
        return (start + weight * diff).where(weight.abs() < 0.5, end - diff * (1 - weight))
    return start + weight * diff if abs(weight) < 0.5 else end - diff * (1 - weight)


class MathMixin:
    __slots__ = ()

    absolute = _unary("abs", "Absolute value.")
    negative = _unary("neg", "Negation.")
    multiply = _binary("mul", "self * other.")
    maximum = _binary(
        "maximum", "Elementwise maximum (ties split the gradient; at NaN both operands get it)."
    )
    minimum = _binary(
        "minimum", "Elementwise minimum (ties split the gradient; at NaN both operands get it)."
    )
    fmax = _nan_ignoring("maximum", "Elementwise maximum ignoring NaN.")
    fmin = _nan_ignoring("minimum", "Elementwise minimum ignoring NaN.")

    def sign(self):
        """-1, 0 or 1 by sign, and 0 at NaN as in PyTorch (zero gradient)."""
        out = _sign(self)
        if not self.is_floating_point():
            return out
        return out.where(self._binary("eq", self), 0.0)  # x == x: false only at NaN

    def sign_(self):
        return self.copy_(self.sign())

    def frac(self):
        """The fractional part ``self - trunc(self)`` (gradient 1)."""
        return self - self.trunc()

    def frac_(self):
        return self.copy_(self.frac())

    def atan2(self, other):
        """Four-quadrant arctangent of self / other (gradient 0 where both are 0, as PyTorch)."""
        _check_operand("atan2", other)
        return self._binary("atan2", other)

    def square(self):
        if self.dtype is bool_:
            # PyTorch squares as `pow(x, 2)`, which promotes bool with an integer to int64.
            wide = self.long()
            return wide._binary("mul", wide)
        return self._binary("mul", self)

    def add(self, other, *, alpha=1):
        """Returns ``input + alpha * other``, elementwise.

        ``input`` and ``other`` broadcast to a common shape, and the result takes their promoted
        dtype (PyTorch's type promotion: a Python number does not widen a tensor's dtype category).

        Args:
            other: a tensor or a number.
            alpha: the multiplier of ``other``.

        Examples:
            >>> import ferrograd
            >>> ferrograd.add(ferrograd.tensor([1, 2]), ferrograd.tensor([10, 20]), alpha=2)
            tensor([21, 42])
            >>> ferrograd.tensor([1.0, 2.0]) + 1
            tensor([2., 3.])
        """
        return self + (other * alpha if alpha != 1 else other)

    def sub(self, other, *, alpha=1):
        """Returns ``input - alpha * other``, elementwise.

        ``input`` and ``other`` broadcast to a common shape, and the result takes their promoted
        dtype (PyTorch's type promotion: a Python number does not widen a tensor's dtype category).

        Args:
            other: a tensor or a number.
            alpha: the multiplier of ``other``.

        Examples:
            >>> import ferrograd
            >>> ferrograd.sub(ferrograd.tensor([1.0, 2.0]), 0.5)
            tensor([0.5000, 1.5000])
        """
        return self - (other * alpha if alpha != 1 else other)

    subtract = sub

    def div(self, other, *, rounding_mode=None):
        """Divides ``input`` by ``other``, elementwise.

        Without ``rounding_mode`` this is true division: integer inputs give the default floating
        dtype. ``"trunc"`` rounds the quotient toward zero and ``"floor"`` down, keeping integer
        dtypes. ``input`` and ``other`` broadcast to a common shape.

        Args:
            other: a tensor or a number.
            rounding_mode: ``None``, ``"trunc"`` or ``"floor"``.

        Raises:
            ValueError: ``rounding_mode`` is another string.

        Examples:
            >>> import ferrograd
            >>> ferrograd.div(ferrograd.tensor([5, 3]), 2)
            tensor([2.5000, 1.5000])
            >>> ferrograd.div(ferrograd.tensor([5.0, -5.0]), 2, rounding_mode="floor")
            tensor([ 2., -3.])
        """
        if rounding_mode is None:
            return self / other
        if rounding_mode == "floor":
            return self // other
        if rounding_mode == "trunc":
            floored = self // other
            if floored.is_floating_point():
                return (self / other).trunc()
            # Integers stay integers (exact past 2**53): the floor moved one toward zero where
            # the exact quotient is negative and not whole.
            negative = (self < 0) != (other < 0)
            return floored + (((self - floored * other) != 0) & negative)
        raise ValueError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )

    divide = div
    true_divide = div

    def rsub(self, other):
        return other - self

    def clamp(self, min=None, max=None):
        """Limits each element of ``input`` to the interval ``[min, max]``.

        Either bound may be omitted; bounds may be numbers or tensors (which broadcast). An
        integer tensor with a floating bound gives the default floating dtype. The gradient
        passes where ``min < input < max`` and is zero elsewhere, as in PyTorch.

        Args:
            min: the lower bound, or ``None``.
            max: the upper bound, or ``None``.

        Raises:
            RuntimeError: both bounds are ``None``.

        Examples:
            >>> import ferrograd
            >>> ferrograd.clamp(ferrograd.tensor([-2.0, 0.5, 3.0]), min=-1.0, max=1.0)
            tensor([-1.0000,  0.5000,  1.0000])
        """
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        if isinstance(min, TensorBase) or isinstance(max, TensorBase):
            out = self
            if min is not None:
                out = out.maximum(min)
            if max is not None:
                out = out.minimum(max)
            return out
        return clamp_scalars(self, min, max)

    clip = clamp

    def clamp_(self, min=None, max=None):
        promotes = isinstance(min, _FLOAT_SCALARS) or isinstance(max, _FLOAT_SCALARS)
        if promotes and not self.is_floating_point():
            raise RuntimeError(
                f"result type Float can't be cast to the desired output type {self.dtype}"
            )
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
        """Returns the matrix product of ``input`` and ``other``, by their numbers of dimensions as
        in NumPy and PyTorch:

        - 1-D and 1-D: the dot product (a 0-d tensor);
        - 2-D and 2-D: the matrix product;
        - 1-D and 2-D (or 2-D and 1-D): the vector is taken as a row (column) and the added
          dimension removed from the result;
        - more dimensions: batches of matrices, the batch dimensions broadcast, e.g.
          ``(j, 1, n, m) @ (k, m, p)`` is ``(j, k, n, p)``.

        Both operands must have one dtype. The ``@`` operator calls it.

        Args:
            other: the second operand.

        Raises:
            RuntimeError: the inner dimensions differ, or the batch dimensions do not broadcast.

        Examples:
            >>> import ferrograd
            >>> a = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])
            >>> ferrograd.matmul(a, ferrograd.tensor([1.0, 1.0]))
            tensor([3., 7.])
            >>> ferrograd.matmul(ferrograd.ones(10, 3, 4), ferrograd.ones(4, 5)).shape
            ferrograd.Size([10, 3, 5])
        """
        return self @ other

    def mm(self, other):
        if self.ndim != 2 or other.ndim != 2:
            raise ShapeError(
                f"mm: both arguments must be matrices, got shapes {tuple(self.shape)} and "
                f"{tuple(other.shape)}"
            )
        return self @ other

    def bmm(self, other):
        if self.ndim != 3 or other.ndim != 3:
            raise ShapeError(
                f"bmm: both arguments must be 3-D, got shapes {tuple(self.shape)} and "
                f"{tuple(other.shape)}"
            )
        return self @ other

    def mv(self, vec):
        return self @ vec

    def dot(self, other):
        if self.ndim != 1 or other.ndim != 1:
            raise ShapeError(
                f"dot: 1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors"
            )
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
        if isinstance(value, (int, float)):
            check_fits(value, self.dtype)
        # an int goes as it is: the engine fills int64 exactly past 2**53
        self._fill_(value if isinstance(value, int) else float(value))
        return self

    def nan_to_num(self, nan: float = 0.0, posinf=None, neginf=None):
        """NaN, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (by default 0 and
        the dtype's largest and lowest finite values); the gradient is 0 where an element was
        replaced, as in PyTorch."""
        if not self.is_floating_point():
            return self.clone()
        from .._ops_attributes import finfo as finfo_of

        finfo = finfo_of(self.dtype)
        posinf = float(finfo.max) if posinf is None else posinf
        neginf = float(finfo.min) if neginf is None else neginf
        out = self.where(~self.isnan(), float(nan))
        out = out.where(~self.isposinf(), float(posinf))
        return out.where(~self.isneginf(), float(neginf))

    def nan_to_num_(self, nan: float = 0.0, posinf=None, neginf=None):
        return self.copy_(self.nan_to_num(nan, posinf, neginf))

    def lerp(self, end, weight):
        """Linear interpolation ``self + weight * (end - self)`` (``weight`` a number or a
        tensor; all broadcast)."""
        if not isinstance(end, TensorBase):
            raise TypeError(f"lerp(): argument 'end' must be Tensor, not {type(end).__name__}")
        if end.dtype != self.dtype:
            raise RuntimeError(
                f"expected dtype {scalar_type_name(self.dtype, True)} for `end` but got dtype "
                f"{scalar_type_name(end.dtype, True)}"
            )
        if isinstance(weight, TensorBase) and weight.dtype != self.dtype:
            raise RuntimeError(
                f"expected dtype {scalar_type_name(self.dtype, True)} for `weight` but got dtype "
                f"{scalar_type_name(weight.dtype, True)}"
            )
        return _lerp(self, end, weight)

    def lerp_(self, end, weight):
        return self.copy_(self.lerp(end, weight))

    def logaddexp(self, other):
        """``log(exp(self) + exp(other))`` without overflow: ``max + log1p(exp(-|self -
        other|))`` (equal infinities give themselves)."""
        return _logaddexp(self, other, "logaddexp")

    def logaddexp2(self, other):
        """``log2(2**self + 2**other)`` without overflow."""
        return _logaddexp(self, other, "logaddexp2")

    def addcmul(self, tensor1, tensor2, *, value=1):
        """``self + value * tensor1 * tensor2`` (broadcast)."""
        product = tensor1 * tensor2
        return self + (product * value if value != 1 else product)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        """``self + value * tensor1 / tensor2`` (broadcast; floating tensors only)."""
        if not (tensor1.is_floating_point() or tensor2.is_floating_point()):
            raise RuntimeError(
                "Integer division with addcdiv is no longer supported, and in a future release "
                "addcdiv will perform a true division of tensor1 and tensor2. The historic "
                "addcdiv behavior can be implemented as (input + value * "
                "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
                "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv "
                "behavior is just the latter implementation: (input + value * tensor1 / "
                "tensor2), for all dtypes."
            )
        quotient = tensor1 / tensor2
        return self + (quotient * value if value != 1 else quotient)

    def addcmul_(self, tensor1, tensor2, *, value=1):
        return self.copy_(self.addcmul(tensor1, tensor2, value=value))

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        return self.copy_(self.addcdiv(tensor1, tensor2, value=value))

    def copy_(self, src):
        """Copies ``src`` (broadcast and cast) into this tensor's elements."""
        if not is_operand(src):
            raise TypeError(f"copy_(): expected a Tensor, got {type(src).__name__}")
        self._inplace("copy", src)
        return self


def _logaddexp(a, b, op: str):
    """``logaddexp`` or ``logaddexp2``, the engine's rows, after PyTorch's argument checks: the
    other operand must be a tensor, and neither may be an integer tensor."""
    if not isinstance(b, TensorBase):
        raise TypeError(f"{op}(): argument 'other' must be Tensor, not {type(b).__name__}")
    for t in (a, b):
        if not t.is_floating_point():
            raise kernel_not_implemented(f"{op}_cpu", t.dtype)
    return a._binary(op, b)


for _name, _example in (_UNARY | _STEPWISE).items():
    setattr(MathMixin, _name, _unary(_name, _elementwise_doc(_name, *_example)))
    setattr(MathMixin, _name + "_", _unary_inplace(_name))
for _name, _doc in _BINARY.items():
    setattr(MathMixin, _name, _binary(_name, _doc))
del _name, _doc, _example


class _Rounding:
    # ``decimals`` given, even 0, is PyTorch's other overload: its node is RoundBackward1 and it
    # refuses integer tensors, which plain ``round`` returns as they are.
    def round(self, *, decimals: int | None = None):
        if decimals is None:
            return self._unary("round")
        from .._round_decimals import round_decimals

        return round_decimals(self, operator.index(decimals))

    def round_(self, *, decimals: int | None = None):
        if decimals is None:
            self._inplace_unary("round")
            return self
        return self.copy_(self.round(decimals=decimals))


_round, _round_ = _Rounding.round, _Rounding.round_
_round.__doc__ = MathMixin.round.__doc__.replace(
    "halves to even", "halves to even (with ``decimals``: to that many decimal places)"
)
_round_.__doc__ = "In-place round (``decimals`` as in ``round``)."
MathMixin.round, MathMixin.round_ = _round, _round_
