"""``ferrograd.special``: special functions with their gradients.

The gamma-family functions, the error function's relatives and the incomplete gamma functions
are computed on the host by ``ferrograd._special_math`` (in float64, then cast to the input's
dtype) and wrapped in autograd ``Function``s whose backward is written with the functions of
this module, so gradients of any order exist (``lgamma`` → ``digamma`` → ``polygamma(1)`` → ...).
The rest are compositions of tensor operations.
"""

from __future__ import annotations

import math
import operator

import numpy as np

from . import _ops_math_extra as _math_extra, _special_math as _host_math
from ._base import TensorBase
from ._dtype import get_default_dtype
from ._mixins.structure import constant
from .autograd.function import Function

__all__ = [
    "digamma",
    "entr",
    "erf",
    "erfc",
    "erfcx",
    "erfinv",
    "exp2",
    "expit",
    "expm1",
    "gammainc",
    "gammaincc",
    "gammaln",
    "log1p",
    "log_ndtr",
    "log_softmax",
    "logit",
    "logsumexp",
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "psi",
    "round",
    "sinc",
    "softmax",
    "xlog1py",
    "xlogy",
    "zeta",
]

_SQRT_PI = math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2.0 * math.pi)


def _check_tensor(value, op: str, name: str = "input"):
    if not isinstance(value, TensorBase):
        raise TypeError(
            f"{op}(): argument '{name}' (position 1) must be Tensor, not {type(value).__name__}"
        )
    return value


def _floating(t):
    """``t``, cast to the default float dtype when it is an integer or bool tensor (as
    PyTorch's unary float functions do)."""
    return t if t.is_floating_point() else t.to(get_default_dtype())


def _host(t) -> np.ndarray:
    return t.detach().cpu().numpy().astype(np.float64)


def _as_result(values: np.ndarray, like):
    """Host values as a tensor of ``like``'s dtype, on its device."""
    return constant(np.asarray(values, dtype=np.float64), like).to(like.dtype)


def _function_class(name: str, forward, backward) -> type:
    """A ``Function`` subclass named ``name`` (its grad_fn is ``NAMEBackward``)."""
    methods = {"forward": staticmethod(forward), "backward": staticmethod(backward)}
    return type(name, (Function,), methods)


def _host_function(name: str, kernel, derivative, doc: str):
    """A unary autograd Function (grad_fn ``NAMEBackward``) computing ``kernel`` on the host;
    ``derivative(x, y)`` gives dy/dx from the input and (recomputed, differentiable) output
    functions of this module."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(all="ignore"):  # infinities and NaNs are results here, not accidents
            return _as_result(kernel(_host(x)), x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * derivative(x)

    cls = type(
        name, (Function,), {"forward": staticmethod(forward), "backward": staticmethod(backward)}
    )

    def apply(input, *, out=None):
        _check_tensor(input, name.lower())
        return _write(cls.apply(_floating(input)), out)

    apply.__name__ = name.lower()
    apply.__doc__ = doc
    return apply


def erfinv(input, *, out=None):
    """The inverse of ``erf`` on [-1, 1] (±inf at ±1, NaN outside)."""
    return _write(_math_extra.erfinv(input), out)


def _write(result, out):
    if out is None:
        return result
    from ._random import write_out

    return write_out(result, out)


gammaln = _host_function(
    "Lgamma",
    _host_math.lgamma,
    lambda x: digamma(x),
    "``log |Γ(x)|``; its gradient is ``digamma``.",
)
digamma = _host_function(
    "Digamma",
    _host_math.digamma,
    lambda x: polygamma(1, x),
    "``ψ(x)``, the derivative of ``lgamma`` (-inf at +0 and +inf at -0, NaN at the negative "
    "integers, as PyTorch).",
)
erfc = _host_function(
    "Erfc",
    _host_math.erfc,
    lambda x: (x * x).neg().exp() * (-2.0 / _SQRT_PI),
    "``1 - erf(x)``, accurate where it is small.",
)
erfcx = _host_function(
    "Erfcx",
    _host_math.erfcx,
    lambda x: x * erfcx(x) * 2.0 - 2.0 / _SQRT_PI,
    "``exp(x**2) * erfc(x)``, finite where ``erfc`` underflows.",
)
log_ndtr = _host_function(
    "LogNdtr",
    _host_math.log_ndtr,
    lambda x: (x * x * -0.5 - log_ndtr(x)).exp() / _SQRT_2PI,
    "``log Φ(x)``, Φ the standard normal CDF, accurate in both tails.",
)
ndtri = _host_function(
    "Ndtri",
    _host_math.ndtri,
    lambda x: (ndtri(x).square() * 0.5).exp() * _SQRT_2PI,
    "The standard normal quantile ``Φ⁻¹(p)``.",
)
psi = digamma


class Polygamma(Function):
    """ψ⁽ⁿ⁾(x): the gradient is ψ⁽ⁿ⁺¹⁾(x)."""

    @staticmethod
    def forward(ctx, n, x):
        ctx.n = n
        ctx.save_for_backward(x)
        with np.errstate(all="ignore"):
            return _as_result(_host_math.polygamma(n, _host(x)), x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return None, grad * polygamma(ctx.n + 1, x)


def polygamma(n: int, input, *, out=None):
    """The ``n``-th derivative of ``digamma`` (``n >= 0``)."""
    n = operator.index(n)
    _check_tensor(input, "polygamma")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return _write(Polygamma.apply(n, _floating(input)), out)


def multigammaln(input, p: int, *, out=None):
    """``log Γ_p(x)``, the multivariate gamma function's logarithm:
    ``p (p - 1) / 4 · log π + Σ_{j<p} lgamma(x - j / 2)``."""
    _check_tensor(input, "multigammaln")
    p = operator.index(p)
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = _floating(input)
    total = gammaln(x)
    for j in range(1, p):
        total = total + gammaln(x - j / 2.0)
    return _write(total + p * (p - 1) / 4.0 * math.log(math.pi), out)


# ----------------------------------------------------------------------------- incomplete gamma


def _incomplete_gamma(upper: bool):
    sign = -1.0 if upper else 1.0
    kernel = _host_math.gammaincc if upper else _host_math.gammainc

    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        with np.errstate(all="ignore"):
            return _as_result(kernel(_host(a), _host(x)), a + x)

    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'igamma: input' is not implemented.")
        density = (x.log() * (a - 1.0) - x - gammaln(a)).exp()
        return None, grad * density * sign

    name = "Igammac" if upper else "Igamma"
    return type(
        name, (Function,), {"forward": staticmethod(forward), "backward": staticmethod(backward)}
    )


_Igamma = _incomplete_gamma(upper=False)
_Igammac = _incomplete_gamma(upper=True)


def _tensor_pair(a, b, op: str):
    """Two operands, at least one a tensor, as floating tensors of one dtype on one device (a
    number takes the tensor's dtype, as Python scalars do in PyTorch's promotion)."""
    if not isinstance(a, TensorBase) and not isinstance(b, TensorBase):
        raise TypeError(f"{op}(): expected at least one Tensor argument")
    like = _floating(a if isinstance(a, TensorBase) else b)
    a, b = (
        _floating(v) if isinstance(v, TensorBase) else _as_result(np.float64(v), like)
        for v in (a, b)
    )
    if a.dtype != b.dtype:
        wide = a.dtype if a.dtype.itemsize >= b.dtype.itemsize else b.dtype
        a, b = a.to(wide), b.to(wide)
    return a, b


def gammainc(input, other, *, out=None):
    """The regularized lower incomplete gamma function ``P(a, x)`` (a = ``input``, x =
    ``other``); differentiable in ``x`` only, as in PyTorch."""
    a, x = _tensor_pair(input, other, "gammainc")
    return _write(_Igamma.apply(a, x), out)


def gammaincc(input, other, *, out=None):
    """The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``."""
    a, x = _tensor_pair(input, other, "gammaincc")
    return _write(_Igammac.apply(a, x), out)


class Zeta(Function):
    @staticmethod
    def forward(ctx, x, q):
        with np.errstate(all="ignore"):
            return _as_result(_host_math.zeta(_host(x), _host(q)), x + q)

    @staticmethod
    def backward(ctx, grad):
        raise NotImplementedError("the derivative for 'zeta' is not implemented.")


def zeta(input, other, *, out=None):
    """The Hurwitz zeta function ``ζ(x, q) = Σ_k (q + k)^-x`` (not differentiable, as in
    PyTorch)."""
    x, q = _tensor_pair(input, other, "zeta")
    return _write(Zeta.apply(x, q), out)


# ----------------------------------------------------------------------------- compositions


def ndtr(input, *, out=None):
    """``Φ(x)``, the standard normal CDF."""
    x = _floating(_check_tensor(input, "ndtr"))
    return _write(erfc(x * (-1.0 / math.sqrt(2.0))) * 0.5, out)


def _mask(condition, like):
    return constant(np.asarray(condition), like)


def _x_times_log(x, y, log, pole: float, neutral: float):
    """``x * log(y)`` that is 0 wherever ``x == 0`` (unless ``y`` is NaN), even where ``log(y)``
    is infinite or NaN (``y <= pole`` or ``y == inf``; there ``y`` is replaced by ``neutral``,
    whose log is 0). The gradient in ``x`` is ``log(y)`` as in PyTorch, also at ``x == 0``."""
    xs, ys = _host(x), _host(y)
    shape = np.broadcast_shapes(xs.shape, ys.shape)
    replace = np.broadcast_to((xs == 0) & ((ys <= pole) | np.isposinf(ys)), shape)
    return x * log(y.where(~_mask(replace, y), neutral))


def xlogy(input, other, *, out=None):
    """``x * log(y)``, 0 where ``x == 0`` (unless ``y`` is NaN)."""
    return _write(_math_extra.xlogy(input, other), out)


def xlog1py(input, other, *, out=None):
    """``x * log1p(y)``, 0 where ``x == 0`` (unless ``y`` is NaN)."""
    x, y = _tensor_pair(input, other, "xlog1py")
    return _write(_x_times_log(x, y, lambda v: v.log1p(), -1.0, 0.0), out)


def entr(input, *, out=None):
    """Elementwise entropy ``-x log x`` (0 at 0, -inf for x < 0)."""
    x = _floating(_check_tensor(input, "entr"))
    values = _host(x)
    positive = _mask(values > 0, x)
    safe = x.where(positive, 1.0)
    result = (safe * safe.log()).neg().where(positive, 0.0)
    return _write(result.where(~_mask(values < 0, x), -math.inf), out)


def logit(input, eps=None, *, out=None):
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when ``eps`` is given."""
    return _write(_math_extra.logit(input, eps), out)


def sinc(input, *, out=None):
    """``sin(πx) / (πx)``, 1 at 0."""
    return _write(_math_extra.sinc(input), out)


def exp2(input, *, out=None):
    """``2 ** x``."""
    return _write(_math_extra.exp2(input), out)


def expit(input, *, out=None):
    """The logistic sigmoid ``1 / (1 + exp(-x))``."""
    return _write(_floating(_check_tensor(input, "expit")).sigmoid(), out)


def erf(input, *, out=None):
    return _write(_floating(_check_tensor(input, "erf")).erf(), out)


def expm1(input, *, out=None):
    return _write(_floating(_check_tensor(input, "expm1")).expm1(), out)


def log1p(input, *, out=None):
    return _write(_floating(_check_tensor(input, "log1p")).log1p(), out)


def round(input, *, decimals: int = 0, out=None):
    t = _check_tensor(input, "round")
    if decimals == 0:
        return _write(t.round(), out)
    scale = 10.0**decimals
    return _write((t * scale).round() / scale, out)


def logsumexp(input, dim, keepdim: bool = False, *, out=None):
    return _write(_check_tensor(input, "logsumexp").logsumexp(dim, keepdim), out)


def softmax(input, dim, *, dtype=None):
    t = _check_tensor(input, "softmax")
    return (t if dtype is None else t.to(dtype)).softmax(dim)


def log_softmax(input, dim, *, dtype=None):
    t = _check_tensor(input, "log_softmax")
    return (t if dtype is None else t.to(dtype)).log_softmax(dim)
