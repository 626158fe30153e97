"""Named elementwise math: ``exp``, ``log``, ``sigmoid``, ``clamp``, ``pow``, ``add(alpha=)``,
... and their in-place forms.

Where the engine's derivative rule differs from PyTorch's at a boundary point (clamp at its
bounds, atan2 at the origin), the methods here compose recorded operations so the gradient is
PyTorch's. They do so only when
the call is recorded for backward (``_recording``): without a graph the engine op runs alone.
"""

import numpy as np

from .. import _core
from .._base import TensorBase, is_operand
from .._dtype import (
    _by_name,
    check_fits,
    get_default_dtype,
    kernel_not_implemented,
    scalar_type_name,
)
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
        _check_operand(name, other)
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
}

#: Piecewise-constant functions: zero gradient (the engine's rows), as in PyTorch.
_STEPWISE = {
    "floor": "Round down (zero gradient).",
    "ceil": "Round up (zero gradient).",
    "round": "Round half to even (zero gradient).",
    "trunc": "Round toward zero (zero gradient).",
}


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
            b = _core.full([], float(other), out.dtype.name).to(self.device)
        return a.where(b.isnan(), b.where(a.isnan(), out))

    method.__doc__ = doc
    method.__name__ = "f" + name[:3]
    return method


_FLOAT_SCALARS = (float, np.floating)


def clamp_scalars(x, lo, hi, *, nan_passes: bool = False):
    """``x`` clamped into ``[lo, hi]`` (numbers or None) in PyTorch's result dtype (an integer
    tensor with a float bound gives the default float dtype), with PyTorch's gradient: 1
    strictly inside, 0 at the bounds and beyond; at NaN 0 for ``clamp`` and 1 for ``hardtanh``
    (``nan_passes``). The engine's rule also passes the gradient at the bounds, so a recorded
    clamp selects ``x`` where it passes and the clamped value elsewhere."""
    float_bound = isinstance(lo, _FLOAT_SCALARS) or isinstance(hi, _FLOAT_SCALARS)
    if float_bound and not _by_name(x._dtype).is_floating_point:
        x = x.to(get_default_dtype())
    if not (x._requires_grad and _core.is_grad_enabled()):
        return x._clamp(lo, hi)
    value = x.detach()._clamp(lo, hi)  # raises when both bounds are None
    if nan_passes:  # blocked at and beyond a bound, never at NaN
        blocked = [x <= lo] if lo is not None else []
        blocked += [x >= hi] if hi is not None else []
        keep = ~(blocked[0] | blocked[1] if len(blocked) == 2 else blocked[0])
    else:  # passes strictly inside, never at NaN
        passes = [x > lo] if lo is not None else []
        passes += [x < hi] if hi is not None else []
        keep = passes[0] & passes[1] if len(passes) == 2 else passes[0]
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
        """Four-quadrant arctangent of self / other. Where ``self² + other²`` is 0 the engine's
        rule divides 0 by 0; PyTorch's gradient there is 0, so a recorded call takes those
        points from a constant and the rest from ``atan2`` of operands set to 1 there."""
        _check_operand("atan2", other)
        if not _recording(self, other):
            return self._binary("atan2", other)
        a = self.detach()
        b = other.detach() if isinstance(other, TensorBase) else other
        regular = a * a + b * b != 0
        if isinstance(other, TensorBase):
            other = other.where(regular, 1.0)
        smooth = self.where(regular, 1.0)._binary("atan2", other)
        return smooth.where(regular, a._binary("atan2", b))

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
        """Limits each element to ``[min, max]``; the gradient passes strictly inside the
        interval (tensor bounds: ties split it, as ``maximum`` / ``minimum`` do)."""
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
        return self @ other

    def mm(self, other):
        if self.ndim != 2 or other.ndim != 2:
            raise ValueError(
                f"mm: both arguments must be matrices, got shapes {tuple(self.shape)} and "
                f"{tuple(other.shape)}"
            )
        return self @ other

    def bmm(self, other):
        if self.ndim != 3 or other.ndim != 3:
            raise ValueError(
                f"bmm: both arguments must be 3-D, got shapes {tuple(self.shape)} and "
                f"{tuple(other.shape)}"
            )
        return self @ other

    def mv(self, vec):
        return self @ vec

    def dot(self, other):
        if self.ndim != 1 or other.ndim != 1:
            raise ValueError(
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
        return _logaddexp(self, other, "logaddexp", 1.0)

    def logaddexp2(self, other):
        """``log2(2**self + 2**other)`` without overflow."""
        return _logaddexp(self, other, "logaddexp2", np.log(2.0))

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


def _logaddexp(a, b, op: str, scale: float):
    """``logaddexp`` (``scale`` 1) or ``logaddexp2`` (``scale`` log 2). Where both operands are
    the same infinity the smooth formula would give NaN (inf - inf); there the result is that
    infinity, and the formula runs on zeros so no NaN reaches the gradient."""
    if not isinstance(b, TensorBase):
        raise TypeError(f"{op}(): argument 'other' must be Tensor, not {type(b).__name__}")
    for t in (a, b):
        if not t.is_floating_point():
            raise kernel_not_implemented(f"{op}_cpu", t.dtype)
    same_inf = a.detach().isinf() & (a.detach() == b.detach())
    regular = ~same_inf
    sa, sb = a.where(regular, 0.0), b.where(regular, 0.0)
    gap = (sa - sb).abs()
    tail = (gap * -scale).exp().log1p()
    smooth = sa.maximum(sb) + (tail if scale == 1.0 else tail / scale)
    return smooth.where(regular, a)


for _name, _doc in _UNARY.items():
    setattr(MathMixin, _name, _unary(_name, _doc))
    setattr(MathMixin, _name + "_", _unary_inplace(_name))
for _name, _doc in _STEPWISE.items():
    setattr(MathMixin, _name, _unary(_name, _doc))
    setattr(MathMixin, _name + "_", _unary_inplace(_name))
for _name, _doc in _BINARY.items():
    setattr(MathMixin, _name, _binary(_name, _doc))
del _name, _doc
