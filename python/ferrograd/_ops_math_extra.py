"""Elementwise math beyond the engine's table (and the surface of its ``atan``, ``asin``,
``acos``, ``log2``, ``log10`` and ``exp2``): hyperbolic and inverse hyperbolic trigonometry,
``erfinv``, ``sinc``, ``logit``, ``xlogy``, ``hypot``, ``fmod``, ``copysign``, ``heaviside``,
``gcd``/``lcm``, ``ldexp``, ``float_power``, ``renorm``, ``diff``, and the predicates
``signbit``/``isreal``/``count_nonzero``.

The differentiable ones are compositions of the engine's operations chosen for accuracy
(``asinh`` through ``log1p``, ``hypot`` scaled by the larger operand), so backward, double
backward, forward-mode AD and device tensors follow. Where a formula has a removable
singularity or an overflow at one end, the other branch is fed a harmless value (the
two-``where`` pattern), so no NaN reaches the gradient. ``erfinv`` has no closed form:
Newton's method on ``erf`` gives the value and a ``Function`` the derivative. Integer
operations without a derivative (``gcd``, ``lcm``, ``nextafter``, ``frexp``, ``signbit``) run
on the host with NumPy.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from . import _core, return_types
from ._base import TensorBase
from ._dtype import get_default_dtype, kernel_not_implemented, scalar_type_name
from ._functional import in_place_signature
from ._mixins.structure import constant, wrap_dim
from ._ops_dtypes import can_cast, result_type_of
from ._ops_out import with_out
from .autograd.forward_ad import make_dual, unpack_dual
from .autograd.function import Function

FrexpResult = return_types.frexp

_LN2 = math.log(2.0)
# Beyond this magnitude x² overflows float32 in the asinh/acosh formulas; there log(2x) is exact
# to the precision of either float type.
_LARGE = 2.0**28


# ----------------------------------------------------------------------------- helpers


def _tensor(value, op: str, name: str = "input"):
    if not isinstance(value, TensorBase):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(value).__name__}")
    return value


def _floating(x):
    """``x`` itself when floating point; integers and bools in the default float dtype (what
    PyTorch's float-valued unary functions return for them)."""
    return x if x.is_floating_point() else x.to(get_default_dtype())


def _not_for(x, op: str, *names: str):
    if x.dtype.name in names:
        raise kernel_not_implemented(f"{op}", x.dtype)


def _safe(x, bad, value: float):
    """``x`` with ``value`` where ``bad``: the input a formula's unused branch gets."""
    return x.where(~bad, value)


def _host(x) -> np.ndarray:
    return x.detach().cpu().numpy()


def _like(array: np.ndarray, x):
    return constant(array, x)  # (np.ascontiguousarray would make a 0-d result 1-d)


def _operands(a, b, op: str):
    """``a`` and ``b`` (tensors or numbers, at least one a tensor) as tensors of their result
    dtype (PyTorch's promotion) on the tensor's device."""
    if not isinstance(a, TensorBase) and not isinstance(b, TensorBase):
        raise TypeError(f"{op}(): expected at least one Tensor argument")
    dtype = result_type_of(a, b)
    like = a if isinstance(a, TensorBase) else b

    def cast(v):
        if isinstance(v, TensorBase):
            return v if v.dtype == dtype else v.to(dtype)
        if not isinstance(v, numbers.Number):
            raise TypeError(f"{op}(): expected a Tensor or a number, got {type(v).__name__}")
        return constant(np.asarray(v, dtype=dtype.numpy), like)

    return cast(a), cast(b)


# ----------------------------------------------------------------------------- trigonometry


def asin(input):
    """Arcsine (NaN outside [-1, 1])."""
    return _floating(_tensor(input, "asin"))._unary("asin")


def acos(input):
    """Arccosine (NaN outside [-1, 1])."""
    return _floating(_tensor(input, "acos"))._unary("acos")


def atan(input):
    """Arctangent."""
    return _floating(_tensor(input, "atan"))._unary("atan")


def sinh(input):
    """Hyperbolic sine ``(expm1(x) - expm1(-x)) / 2`` (no cancellation near 0)."""
    x = _floating(_tensor(input, "sinh"))
    return (x.expm1() - (-x).expm1()) * 0.5


def cosh(input):
    """Hyperbolic cosine ``(exp(x) + exp(-x)) / 2``."""
    x = _floating(_tensor(input, "cosh"))
    return (x.exp() + (-x).exp()) * 0.5


def _odd(x, positive_branch):
    """An odd function from its formula for ``x >= 0``: ``f(|x|)`` with the sign of ``x`` (by
    ``where``, so the gradient at 0 is ``f'(0)``, not the 0 of ``abs``)."""
    negative = x < 0
    magnitude = x.where(~negative, -x)
    value = positive_branch(magnitude)
    return value.where(~negative, -value)


def _asinh_nonnegative(a):
    large = a > _LARGE
    small = _safe(a, large, 1.0)
    near = (small + small * small / (1 + (1 + small * small).sqrt())).log1p()
    far = _safe(a, ~large, 1.0).log() + _LN2
    return near.where(~large, far)


def asinh(input):
    """Inverse hyperbolic sine: ``log1p(x + x²/(1 + sqrt(1 + x²)))`` for ``x >= 0`` (odd),
    ``log(2x)`` where ``x²`` would overflow."""
    return _odd(_floating(_tensor(input, "asinh")), _asinh_nonnegative)


def acosh(input):
    """Inverse hyperbolic cosine: ``log1p(t + sqrt(2t + t²))`` with ``t = x - 1`` (accurate
    near 1), ``log(2x)`` for large ``x``; NaN below 1."""
    x = _floating(_tensor(input, "acosh"))
    large = x > _LARGE
    t = _safe(x, large, 1.0) - 1
    near = (t + (t * (t + 2)).sqrt()).log1p()
    far = _safe(x, ~large, 1.0).log() + _LN2
    return near.where(~large, far)


def atanh(input):
    """Inverse hyperbolic tangent ``log1p(2x / (1 - x)) / 2``."""
    x = _floating(_tensor(input, "atanh"))
    return (x * 2 / (1 - x)).log1p() * 0.5


def deg2rad(input):
    """Degrees to radians."""
    return _floating(_tensor(input, "deg2rad")) * (math.pi / 180.0)


def rad2deg(input):
    """Radians to degrees."""
    return _floating(_tensor(input, "rad2deg")) * (180.0 / math.pi)


def sinc(input):
    """The normalized sinc ``sin(πx) / (πx)``, 1 at 0 (where its gradient is 0)."""
    x = _floating(_tensor(input, "sinc"))
    zero = x == 0
    scaled = _safe(x, zero, 1.0) * math.pi
    return (scaled.sin() / scaled).where(~zero, 1.0)


# ----------------------------------------------------------------------------- exp and log


def log2(input):
    """Base-2 logarithm (exact at powers of 2)."""
    return _floating(_tensor(input, "log2"))._unary("log2")


def log10(input):
    """Base-10 logarithm (exact at the powers of 10 the dtype holds)."""
    return _floating(_tensor(input, "log10"))._unary("log10")


def exp2(input):
    """``2 ** x``."""
    return _floating(_tensor(input, "exp2"))._unary("exp2")


def logit(input, eps=None):
    """``log(p / (1 - p))``; with ``eps``, ``p`` is first clamped to ``[eps, 1 - eps]`` (the
    gradient is 0 outside that interval, as in PyTorch)."""
    p = _floating(_tensor(input, "logit"))
    if eps is not None:
        lo, hi = float(eps), 1.0 - float(eps)
        inside = (p >= lo) & (p <= hi)
        p = p.where(inside, p.detach().clamp(lo, hi))
    return (p / (1 - p)).log()


def xlogy(input, other):
    """``input * log(other)``, 0 where ``input`` is 0 (unless ``other`` is NaN). Either may be
    a number."""
    x, y = _operands(input, other, "xlogy")
    if not x.is_floating_point():
        x, y = x.to(get_default_dtype()), y.to(get_default_dtype())
    # At x == 0 the product must be 0 even where log(y) is -inf or inf: there y is replaced
    # by 1; where log(y) is finite, 0 * log(y) is already 0 and the gradient log(y) stays.
    replace = (x.detach() == 0) & ((y.detach() <= 0) | y.detach().isinf())
    return x * _safe(y, replace, 1.0).log()


# ----------------------------------------------------------------------------- erfinv


def _erfinv_estimate(x):
    """Giles' single-precision approximation of erfinv (relative error below 4e-7)."""
    w = -((1 - x) * (1 + x)).log()
    central = w < 5.0
    wc = _safe(w, ~central, 2.5) - 2.5
    p = wc * 0 + 2.81022636e-08
    for c in (
        3.43273939e-07,
        -3.5233877e-06,
        -4.39150654e-06,
        0.00021858087,
        -0.00125372503,
        -0.00417768164,
        0.246640727,
        1.50140941,
    ):
        p = p * wc + c
    wt = _safe(w, central, 9.0).sqrt() - 3.0
    q = wt * 0 - 0.000200214257
    for c in (
        0.000100950558,
        0.00134934322,
        -0.00367342844,
        0.00573950773,
        -0.0076224613,
        0.00943887047,
        1.00167406,
        2.83297682,
    ):
        q = q * wt + c
    return p.where(central, q) * x


def _erfinv_values(x):
    """erfinv of a tensor without history: the estimate refined by two Newton steps on
    ``erf`` in float64 (near ±1 the float64 result keeps about ``1e-16 / erf'(y)`` absolute
    accuracy, as ``erf(y) - x`` cancels there)."""
    x64 = x.to("float64")
    inside = x64.abs() < 1
    xs = _safe(x64, ~inside, 0.0)
    y = _erfinv_estimate(xs)
    # Newton on erf(y) = x near 0, and on log erfc(|y|) = log(1 - |x|) in the tails, where
    # erf(y) - x cancels to nothing (erfinv(1 - 1e-12) needs erfc's relative accuracy) and
    # the estimate is furthest off (log erfc is nearly linear there, so Newton converges).
    tail = xs.abs() > 0.5
    log_complement = _safe(1 - xs.abs(), ~tail, 1.0).log()
    for _ in range(3):
        slope = (-y * y).exp() * (2 / math.sqrt(math.pi))
        central = (y.erf() - xs) / slope
        tail_erfc = _safe(y.abs(), ~tail, 1.0).erfc()
        tails = (log_complement - tail_erfc.log()) * tail_erfc / slope * y.sign()
        y = y - tails.where(tail, central)
    y = y.where(inside, math.nan)  # |x| > 1 and NaN
    return y.where(x64.abs() != 1, x64.sign() * math.inf).to(x.dtype)


class Erfinv(Function):
    """erfinv with the derivative ``sqrt(π)/2 · exp(erfinv(x)²)`` (from the saved output, so
    double backward works)."""

    @staticmethod
    def forward(ctx, x):
        y = _erfinv_values(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y * y).exp() * (math.sqrt(math.pi) / 2)


def erfinv(input):
    """The inverse error function on (-1, 1); ±inf at ±1, NaN outside."""
    x = _floating(_tensor(input, "erfinv"))
    if x._requires_grad and _core.is_grad_enabled():
        return Erfinv.apply(x)
    primal, tangent = unpack_dual(x)
    if tangent is None:
        return _erfinv_values(x)
    y = _erfinv_values(primal)
    return make_dual(y, tangent * (y * y).exp() * (math.sqrt(math.pi) / 2))


# ----------------------------------------------------------------------------- two operands


def hypot(input, other):
    """``sqrt(input² + other²)`` without overflow or underflow in the squares (scaled by the
    larger magnitude); floating point tensors only."""
    _tensor(input, "hypot")
    _tensor(other, "hypot", "other")
    a, b = _operands(input, other, "hypot")
    _not_for(a, "hypot_cpu", "int32", "int64", "bool")
    a, b = a.abs(), b.abs()
    big, small = a.maximum(b), a.minimum(b)
    zero = big == 0
    ratio = small / _safe(big, zero, 1.0)
    return (big * (1 + ratio * ratio).sqrt()).where(~zero, 0.0)


def fmod(input, other):
    """C's remainder: ``input - other * trunc(input / other)``, with the sign of ``input``
    (``remainder`` has the sign of ``other``)."""
    x, y = _operands(_tensor(input, "fmod"), other, "fmod")
    if x.is_meta:
        return x.remainder(y)  # the same shapes and dtype; the signs below would need values
    if x.is_floating_point():
        # remainder of the magnitudes (of like signs, so exact: no correction by `other`,
        # which would round away a tiny result), with the sign of `input`. The signs are
        # constants, so the gradients are PyTorch's: 1 and -trunc(input / other).
        sx = _like(np.where(np.signbit(_host(x)), -1, 1).astype(_host(x).dtype), x)
        sy = _like(np.where(np.signbit(_host(y)), -1, 1).astype(_host(y).dtype), y)
        return (x * sx).remainder(y * sy) * sx
    r = x.remainder(y)
    # remainder and fmod differ by one `other` where they are nonzero and of unlike signs.
    fix = (r.detach() != 0) & ((r.detach() < 0) != (x.detach() < 0))
    return r.where(~fix, r - y)


def copysign(input, other):
    """``|input|`` with the sign of ``other`` (its sign bit: -0.0 counts as negative)."""
    x, y = _operands(_tensor(input, "copysign"), other, "copysign")
    x = _floating(x)
    negative = _like(np.signbit(_host(y)), x)
    magnitude = x.abs()
    return magnitude.where(~negative, -magnitude)


def heaviside(input, values):
    """The step function: 0 below 0, 1 above, ``values`` at 0 (no gradient)."""
    x = _tensor(input, "heaviside")
    values = _tensor(values, "heaviside", "values")
    if x.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    if _core.is_grad_enabled() and (x.requires_grad or values.requires_grad):
        return Heaviside.apply(x, values)
    return _step(x, values)


def _step(x, values):
    return (x > 0).to(x.dtype).where(x != 0, values)


class Heaviside(Function):
    """A recorded ``heaviside``, whose backward raises as PyTorch's does (it has none)."""

    @staticmethod
    def forward(ctx, x, values):
        return _step(x, values)

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::heaviside is not implemented")


def _integer_op(op: str, np_function):
    def function(input, other):
        a, b = _operands(_tensor(input, op), other, op)
        for t in (a, b):
            _not_for(t, f"{op}_cpu", "float32", "float64", "bool")
        return _like(np_function(_host(a), _host(b)), a)

    function.__name__ = op
    return function


gcd = _integer_op("gcd", np.gcd)
gcd.__doc__ = "Greatest common divisor (non-negative; gcd(0, 0) is 0). Integers only."
lcm = _integer_op("lcm", np.lcm)
lcm.__doc__ = "Least common multiple (non-negative). Integers only."


def ldexp(input, other):
    """``input * 2 ** other``."""
    x = _floating(_tensor(input, "ldexp"))
    return x * _floating(_tensor(other, "ldexp", "other")).__rpow__(2.0)


def float_power(input, exponent):
    """``input ** exponent`` computed in float64."""
    base = input.to("float64") if isinstance(input, TensorBase) else input
    if isinstance(exponent, TensorBase):
        exponent = exponent.to("float64")
    if not isinstance(base, TensorBase):
        return exponent.__rpow__(float(base))
    return base**exponent


def nextafter(input, other):
    """The next floating point value after ``input`` towards ``other`` (no gradient)."""
    a, b = _operands(_tensor(input, "nextafter"), _tensor(other, "nextafter", "other"), "")
    _not_for(a, "nextafter_cpu", "int32", "int64", "bool")
    return _like(np.nextafter(_host(a), _host(b)), a)


def frexp(input):
    """``(mantissa, exponent)`` with ``input = mantissa * 2 ** exponent`` and ``|mantissa|``
    in [0.5, 1); the exponent is int32."""
    x = _tensor(input, "frexp")
    if not x.is_floating_point():
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    mantissa, exponent = np.frexp(_host(x))
    return FrexpResult(_like(mantissa, x), _like(exponent.astype(np.int32), x))


def arctan2(input, other):
    """``atan2``: the angle of the point ``(other, input)``."""
    return _tensor(input, "arctan2").atan2(other)


# ----------------------------------------------------------------------------- predicates


def signbit(input):
    """Whether each element's sign bit is set (true for -0.0 and negative NaNs)."""
    return _like(np.signbit(_host(_tensor(input, "signbit"))), input)


def isreal(input):
    """True everywhere: ferrograd's tensors are real."""
    x = _tensor(input, "isreal")
    return constant(np.ones(x.shape, dtype=bool), x)


def count_nonzero(input, dim=None):
    """The number of nonzero elements, in all or over ``dim`` (an int or a tuple)."""
    x = _tensor(input, "count_nonzero")
    return (x != 0).to("int64").sum(dim)


def sgn(input):
    """The sign of each element (``sign`` for real tensors; bools stay bools)."""
    x = _tensor(input, "sgn")
    return x.clone() if x.dtype.name == "bool" else x.sign()


def positive(input):
    """``input`` itself (``+input``)."""
    x = _tensor(input, "positive")
    if x.dtype.name == "bool":
        raise NotImplementedError("The `+` operator, on a bool tensor is not supported.")
    return x


def angle(input):
    """The argument of each (real) element: π for negative numbers, 0 otherwise (NaN stays
    NaN); zero gradient."""
    x = _floating(_tensor(input, "angle"))
    value = ((x.detach() < 0).to(x.dtype) * math.pi).where(~x.detach().isnan(), math.nan)
    # Taken entirely from the constant, so x's gradient is 0 (and never inf * 0).
    return value.where(constant(np.ones(x.shape, dtype=bool), x), x)


def fix(input):
    """``trunc``: rounds toward zero."""
    x = _tensor(input, "fix")
    _not_for(x, "trunc_vml_cpu", "bool")
    return x.trunc()


# ----------------------------------------------------------------------------- along a dim


def renorm(input, p, dim, maxnorm):
    """Each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` scaled down to norm
    ``maxnorm`` (the factor ``maxnorm / (norm + 1e-7)``, as in PyTorch)."""
    x = _tensor(input, "renorm")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if x.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {x.ndim} dimensions")
    if not x.is_floating_point():
        raise NotImplementedError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{scalar_type_name(x.dtype)}"
        )
    d = wrap_dim(dim, x.ndim, "renorm")
    others = [i for i in range(x.ndim) if i != d]
    norm = x.norm(p, others, keepdim=True)
    factor = (maxnorm / (norm + 1e-7)).where(norm > maxnorm, 1.0)
    return x * factor


def diff(input, n: int = 1, dim: int = -1, prepend=None, append=None):
    """The ``n``-th forward difference along ``dim`` (``out[i] = x[i+1] - x[i]``, repeated;
    for bools, ``!=``), after joining ``prepend`` and ``append`` to ``input`` along ``dim``."""
    x = _tensor(input, "diff")
    if x.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = wrap_dim(dim, x.ndim, "diff")
    pieces = []
    for extra, name in ((prepend, "prepend"), (None, ""), (append, "append")):
        if name == "":
            pieces.append(x)
            continue
        if extra is None:
            continue
        _tensor(extra, "diff", name)
        if extra.ndim != x.ndim:
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        pieces.append(extra)
    if len(pieces) > 1:
        x = _core.cat(pieces, d)
    for _ in range(n):
        length = x.shape[d]
        if length == 0:
            break
        later, earlier = x.narrow(d, 1, length - 1), x.narrow(d, 0, length - 1)
        x = (later != earlier) if x.dtype.name == "bool" else later - earlier
    return x


# ----------------------------------------------------------------------------- the surface

_FLOAT_UNARY = {
    "asin": asin,
    "arcsin": asin,
    "acos": acos,
    "arccos": acos,
    "atan": atan,
    "arctan": atan,
    "sinh": sinh,
    "cosh": cosh,
    "asinh": asinh,
    "arcsinh": asinh,
    "acosh": acosh,
    "arccosh": acosh,
    "atanh": atanh,
    "arctanh": atanh,
    "deg2rad": deg2rad,
    "rad2deg": rad2deg,
    "sinc": sinc,
    "log2": log2,
    "log10": log10,
    "exp2": exp2,
    "erfinv": erfinv,
    "logit": logit,
}

_BINARY = {
    "xlogy": xlogy,
    "hypot": hypot,
    "fmod": fmod,
    "copysign": copysign,
    "heaviside": heaviside,
    "gcd": gcd,
    "lcm": lcm,
    "ldexp": ldexp,
    "nextafter": nextafter,
    "float_power": float_power,
}

_OTHER = {
    "frexp": frexp,
    "signbit": signbit,
    "isreal": isreal,
    "count_nonzero": count_nonzero,
    "sgn": sgn,
    "positive": positive,
    "fix": fix,
    "angle": angle,
    "renorm": renorm,
    "diff": diff,
    "arctan2": arctan2,
}

#: Functions without an ``out=`` in PyTorch.
_NO_OUT = {"positive", "isreal", "count_nonzero"}

#: Functions with an in-place method in PyTorch (``x.asin_()``); ``float_power_`` has its own.
_IN_PLACE = (set(_FLOAT_UNARY) | set(_BINARY) | {"sgn", "fix", "renorm", "arctan2"}) - {
    "float_power"
}
#: Those PyTorch also has as functions (``torch.asin_(x)``).
_TORCH_IN_PLACE = set(_FLOAT_UNARY) - {"erfinv"} | {"xlogy", "gcd", "lcm", "ldexp", "fix"}


def in_place(function, name: str):
    """The in-place form of ``function``: its result written into the first argument, which
    must be able to hold the result's dtype (PyTorch's error otherwise)."""

    def method(self, *args, **kwargs):
        result = function(self, *args, **kwargs)
        if result.dtype != self.dtype and not can_cast(result.dtype, self.dtype):
            raise RuntimeError(
                f"result type {scalar_type_name(result.dtype)} can't be cast to the desired "
                f"output type {scalar_type_name(self.dtype)}"
            )
        return self.copy_(result)

    method.__name__ = name + "_"
    method.__doc__ = f"In-place ``{name}``."
    method.__signature__ = in_place_signature(function)
    return method


def _float_power_(self, exponent):
    if self.dtype.name != "float64":
        raise RuntimeError(
            f"the base given to float_power_ has dtype {scalar_type_name(self.dtype)} but the "
            "operation's result requires dtype Double"
        )
    return self.copy_(float_power(self, exponent))


FUNCTIONS = {**_FLOAT_UNARY, **_BINARY, **_OTHER}


class MathExtraMixin:
    __slots__ = ()

    float_power_ = _float_power_


for _name, _function in FUNCTIONS.items():
    setattr(MathExtraMixin, _name, _function)
    if _name in _IN_PLACE:
        setattr(MathExtraMixin, _name + "_", in_place(_function, _name))

__all__ = [*FUNCTIONS, *(name + "_" for name in sorted(_TORCH_IN_PLACE))]  # noqa: PLE0604
for _name, _function in FUNCTIONS.items():
    globals()[_name] = _function if _name in _NO_OUT else with_out(_function)
for _name in _TORCH_IN_PLACE:
    globals()[_name + "_"] = in_place(FUNCTIONS[_name], _name)
del _name, _function
