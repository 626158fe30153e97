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

from . import (
    _ops_math_extra as _math_extra,
    _special_bessel as _bessel,
    _special_math as _host_math,
    _special_polynomials as _polynomials,
)
from ._base import TensorBase
from ._dtype import get_default_dtype, kernel_not_implemented
from ._mixins.structure import constant
from .autograd.function import Function

__all__ = [
    "airy_ai",
    "bessel_j0",
    "bessel_j1",
    "bessel_y0",
    "bessel_y1",
    "chebyshev_polynomial_t",
    "chebyshev_polynomial_u",
    "chebyshev_polynomial_v",
    "chebyshev_polynomial_w",
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
    "hermite_polynomial_h",
    "hermite_polynomial_he",
    "i0",
    "i0e",
    "i1",
    "i1e",
    "laguerre_polynomial_l",
    "legendre_polynomial_p",
    "log1p",
    "log_ndtr",
    "log_softmax",
    "logit",
    "logsumexp",
    "modified_bessel_i0",
    "modified_bessel_i1",
    "modified_bessel_k0",
    "modified_bessel_k1",
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "psi",
    "round",
    "scaled_modified_bessel_k0",
    "scaled_modified_bessel_k1",
    "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u",
    "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w",
    "sinc",
    "softmax",
    "spherical_bessel_j0",
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
    t = t.detach().cpu()
    if t.dtype.name == "bfloat16":  # NumPy has no bfloat16
        t = t.float()
    return t.numpy().astype(np.float64)


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


# ----------------------------------------------------------------------------- Bessel, Airy
#
# The derivatives (all twice differentiable, as in PyTorch): I₀' = I₁, I₁' = I₀ - I₁/x,
# (e^-|x| I₀)' = i1e - sign(x) i0e, (e^-|x| I₁)' = i0e - (sign(x) + 1/x) i1e, J₀' = -J₁,
# J₁' = J₀ - J₁/x, Y₀' = -Y₁, Y₁' = Y₀ - Y₁/x, K₀' = -K₁, K₁' = -K₀ - K₁/x; where x = 0 the
# quotients I₁/x and J₁/x take their limit 1/2.


def _full_precision_only(name: str, function):
    """``function`` (``torch.special.<name>``), refusing float16 and bfloat16 inputs as
    PyTorch's kernel does."""

    def apply(input, *, out=None):
        if isinstance(input, TensorBase) and input.dtype.name in ("float16", "bfloat16"):
            raise kernel_not_implemented(f"{name}_cpu", input.dtype)
        return function(input, out=out)

    apply.__name__ = name
    apply.__doc__ = function.__doc__
    return apply


def _over_x(value, x):
    """``value / x`` for an odd function ``value`` with slope 1/2 at 0 (``I₁``, ``J₁``): 1/2
    where ``x == 0``."""
    nonzero = x != 0
    return (value / x.where(nonzero, 1.0)).where(nonzero, 0.5)


i0 = _host_function(
    "I0",
    lambda v: _bessel.bessel_i(0, v),
    lambda x: i1(x),
    "The modified Bessel function of the first kind of order 0, ``I₀(x)``.",
)
i1 = _host_function(
    "SpecialI1",
    lambda v: _bessel.bessel_i(1, v),
    lambda x: i0(x) - _over_x(i1(x), x),
    "The modified Bessel function of the first kind of order 1, ``I₁(x)``.",
)
i0e = _host_function(
    "SpecialI0E",
    lambda v: _bessel.bessel_i_scaled(0, v),
    lambda x: i1e(x) - x.sign() * i0e(x),
    "The exponentially scaled ``I₀``: ``exp(-|x|) I₀(x)``, finite where ``I₀`` overflows.",
)
i1e = _host_function(
    "SpecialI1E",
    lambda v: _bessel.bessel_i_scaled(1, v),
    lambda x: i0e(x) - x.sign() * i1e(x) - _over_x(i1e(x), x),
    "The exponentially scaled ``I₁``: ``exp(-|x|) I₁(x)``.",
)
modified_bessel_i0 = _full_precision_only(
    "modified_bessel_i0",
    _host_function(
        "SpecialModifiedBesselI0",
        lambda v: _bessel.bessel_i(0, v),
        lambda x: modified_bessel_i1(x),
        "``I₀(x)`` (the same function as ``i0``).",
    ),
)
modified_bessel_i1 = _full_precision_only(
    "modified_bessel_i1",
    _host_function(
        "SpecialModifiedBesselI1",
        lambda v: _bessel.bessel_i(1, v),
        lambda x: modified_bessel_i0(x) - _over_x(modified_bessel_i1(x), x),
        "``I₁(x)`` (the same function as ``i1``).",
    ),
)
modified_bessel_k0 = _full_precision_only(
    "modified_bessel_k0",
    _host_function(
        "SpecialModifiedBesselK0",
        lambda v: _bessel.bessel_k(0, v),
        lambda x: -modified_bessel_k1(x),
        "The modified Bessel function of the second kind of order 0, ``K₀(x)`` (inf at 0, NaN "
        "for x < 0).",
    ),
)
modified_bessel_k1 = _full_precision_only(
    "modified_bessel_k1",
    _host_function(
        "SpecialModifiedBesselK1",
        lambda v: _bessel.bessel_k(1, v),
        lambda x: -modified_bessel_k0(x) - modified_bessel_k1(x) / x,
        "The modified Bessel function of the second kind of order 1, ``K₁(x)``.",
    ),
)
bessel_j0 = _full_precision_only(
    "bessel_j0",
    _host_function(
        "SpecialBesselJ0",
        lambda v: _bessel.bessel_j(0, v),
        lambda x: -bessel_j1(x),
        "The Bessel function of the first kind of order 0, ``J₀(x)``.",
    ),
)
bessel_j1 = _full_precision_only(
    "bessel_j1",
    _host_function(
        "SpecialBesselJ1",
        lambda v: _bessel.bessel_j(1, v),
        lambda x: bessel_j0(x) - _over_x(bessel_j1(x), x),
        "The Bessel function of the first kind of order 1, ``J₁(x)``.",
    ),
)
bessel_y0 = _full_precision_only(
    "bessel_y0",
    _host_function(
        "SpecialBesselY0",
        lambda v: _bessel.bessel_y(0, v),
        lambda x: -bessel_y1(x),
        "The Bessel function of the second kind of order 0, ``Y₀(x)`` (-inf at 0, NaN for x < 0).",
    ),
)
bessel_y1 = _full_precision_only(
    "bessel_y1",
    _host_function(
        "SpecialBesselY1",
        lambda v: _bessel.bessel_y(1, v),
        lambda x: bessel_y0(x) - bessel_y1(x) / x,
        "The Bessel function of the second kind of order 1, ``Y₁(x)``.",
    ),
)


def _constant_function(name: str, kernel, doc: str):
    """A unary function computed on the host whose result, as in PyTorch, is not part of the
    graph (PyTorch defines no derivative for it: calling backward through it raises)."""

    def apply(input, *, out=None):
        x = _floating(_check_tensor(input, name))
        with np.errstate(all="ignore"):
            return _write(_as_result(kernel(_host(x)), x), out)

    apply.__name__ = name
    apply.__doc__ = doc
    return apply


scaled_modified_bessel_k0 = _full_precision_only(
    "scaled_modified_bessel_k0",
    _constant_function(
        "scaled_modified_bessel_k0",
        lambda v: _bessel.bessel_k_scaled(0, v),
        "``exp(x) K₀(x)``, finite where ``K₀`` underflows (not differentiable, as in PyTorch).",
    ),
)
scaled_modified_bessel_k1 = _full_precision_only(
    "scaled_modified_bessel_k1",
    _constant_function(
        "scaled_modified_bessel_k1",
        lambda v: _bessel.bessel_k_scaled(1, v),
        "``exp(x) K₁(x)`` (not differentiable, as in PyTorch).",
    ),
)
spherical_bessel_j0 = _full_precision_only(
    "spherical_bessel_j0",
    _constant_function(
        "spherical_bessel_j0",
        _bessel.spherical_bessel_j0,
        "The spherical Bessel function of the first kind of order 0, ``sin(x) / x`` (not "
        "differentiable, as in PyTorch).",
    ),
)
airy_ai = _full_precision_only(
    "airy_ai",
    _constant_function(
        "airy_ai",
        _bessel.airy_ai,
        "The Airy function ``Ai(x)`` (not differentiable, as in PyTorch).",
    ),
)


def i0_(input):
    """``torch.i0_``: ``input`` replaced by ``I₀(input)``."""
    return input.copy_(i0(input))


def erfc_(input):
    """``torch.erfc_``: ``input`` replaced by ``erfc(input)``."""
    return input.copy_(erfc(input))


# ---------------------------------------------------------------------------- polynomials


def _polynomial_operands(x, n, op: str):
    """``x`` and ``n`` (a tensor or a number each, not both numbers) as host arrays, and the
    tensor whose dtype and device the result takes: PyTorch's promotion of the two, a float
    dtype (the default one for integers)."""
    x_tensor, n_tensor = isinstance(x, TensorBase), isinstance(n, TensorBase)
    if not (x_tensor or n_tensor):
        raise TypeError(
            f"special_{op}() received an invalid combination of arguments - got "
            f"({type(x).__name__}, {type(n).__name__}), but expected one of: (Tensor input, "
            "Tensor n), (Number input, Tensor n), (Tensor input, Number n)"
        )
    tensor = x if x_tensor else n
    if x_tensor and n_tensor:
        from ._ops_dtypes import result_type

        tensor = tensor.to(result_type(x, n))
    like = _floating(tensor.detach())
    if like.dtype.name in ("float16", "bfloat16"):
        raise kernel_not_implemented(f"{op}_cpu", like.dtype)
    xs = _host(x) if x_tensor else np.float64(x)
    ns = n.detach().cpu().numpy() if n_tensor else np.asarray(n)
    return np.asarray(xs, dtype=np.float64), ns, like


def _polynomial(name: str, kernel, doc: str):
    """``torch.special.<name>(input, n)``: ``kernel(x, n)`` on the host; no gradient (PyTorch
    defines none)."""

    def apply(input, n, *, out=None):
        x, degrees, like = _polynomial_operands(input, n, name)
        with np.errstate(all="ignore"):
            values = kernel(x, degrees)
        shape = np.broadcast_shapes(np.shape(x), np.shape(degrees))
        return _write(_as_result(np.broadcast_to(values, shape), like), out)

    apply.__name__ = name
    apply.__doc__ = doc
    return apply


chebyshev_polynomial_t = _polynomial(
    "chebyshev_polynomial_t", _polynomials.chebyshev_t, "The Chebyshev polynomial ``T_n(x)``."
)
chebyshev_polynomial_u = _polynomial(
    "chebyshev_polynomial_u", _polynomials.chebyshev_u, "The Chebyshev polynomial ``U_n(x)``."
)
chebyshev_polynomial_v = _polynomial(
    "chebyshev_polynomial_v", _polynomials.chebyshev_v, "The Chebyshev polynomial ``V_n(x)``."
)
chebyshev_polynomial_w = _polynomial(
    "chebyshev_polynomial_w", _polynomials.chebyshev_w, "The Chebyshev polynomial ``W_n(x)``."
)
shifted_chebyshev_polynomial_t = _polynomial(
    "shifted_chebyshev_polynomial_t",
    _polynomials.shifted(_polynomials.chebyshev_t),
    "``T*_n(x) = T_n(2x - 1)``.",
)
shifted_chebyshev_polynomial_u = _polynomial(
    "shifted_chebyshev_polynomial_u",
    _polynomials.shifted(_polynomials.chebyshev_u),
    "``U*_n(x) = U_n(2x - 1)``.",
)
shifted_chebyshev_polynomial_v = _polynomial(
    "shifted_chebyshev_polynomial_v",
    _polynomials.shifted(_polynomials.chebyshev_v),
    "``V*_n(x) = V_n(2x - 1)``.",
)
shifted_chebyshev_polynomial_w = _polynomial(
    "shifted_chebyshev_polynomial_w",
    _polynomials.shifted(_polynomials.chebyshev_w),
    "``W*_n(x) = W_n(2x - 1)``.",
)
hermite_polynomial_h = _polynomial(
    "hermite_polynomial_h", _polynomials.hermite_h, "The physicists' Hermite polynomial ``H_n``."
)
hermite_polynomial_he = _polynomial(
    "hermite_polynomial_he",
    _polynomials.hermite_he,
    "The probabilists' Hermite polynomial ``He_n``.",
)
laguerre_polynomial_l = _polynomial(
    "laguerre_polynomial_l", _polynomials.laguerre_l, "The Laguerre polynomial ``L_n``."
)
legendre_polynomial_p = _polynomial(
    "legendre_polynomial_p", _polynomials.legendre_p, "The Legendre polynomial ``P_n``."
)
