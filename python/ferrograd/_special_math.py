"""Special functions on NumPy float64 arrays: the values behind ``ferrograd.special`` (whose
functions add the gradients). NumPy has none of these, and the package does not depend on SciPy.

Methods (each accurate to a few units in the last place of float64 on the ranges tested in
``tests/test_special.py``):

* ``lgamma``: Lanczos' approximation (g = 671/128, 14 terms) for x >= 0.5, the Taylor series
  of log Γ around 1 and 2 (where log Γ vanishes and the Lanczos sum would lose its relative
  accuracy), and the reflection formula below 0.5.
* ``digamma``: the recurrence ψ(x) = ψ(x + 1) - 1/x up to x >= 10, then the asymptotic series;
  reflection for x < 0.
* ``zeta`` (Hurwitz) and ``polygamma``: Euler-Maclaurin summation after 12 direct terms.
* ``erf``/``erfc``: the Maclaurin series of erf for |x| < 1.5, a continued fraction for erfc
  beyond.
* ``gammainc``/``gammaincc``: the series of P(a, x) for x < a + 1, the continued fraction of
  Q(a, x) beyond.
"""

from __future__ import annotations

import math

import numpy as np

_LOG_PI = math.log(math.pi)
_EULER = 0.57721566490153286061

# B_2, B_4, ..., B_20 (Bernoulli numbers).
_BERNOULLI = np.array(
    [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
     -174611 / 330]
)  # fmt: skip


def _as_float(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _sinpi(x: np.ndarray) -> np.ndarray:
    """sin(πx), exact at integers and accurate for large |x| (reduced to [-1, 1] first)."""
    r = x - 2.0 * np.round(x / 2.0)
    return np.sin(np.pi * r)


def _tanpi(x: np.ndarray) -> np.ndarray:
    r = x - np.round(x)
    return np.tan(np.pi * r)


# ----------------------------------------------------------------------------- zeta, polygamma


def _zeta_positive(s: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Hurwitz ζ(s, q) for s > 1, q > 0 (broadcast arrays)."""
    s, q = np.broadcast_arrays(s, q)
    direct = 12
    total = np.zeros(s.shape)
    for k in range(direct):
        total += (q + k) ** -s
    a = q + direct
    total += a ** (1.0 - s) / (s - 1.0) + 0.5 * a**-s
    # Euler-Maclaurin: B_2j / (2j)! · s (s+1) ... (s+2j-2) · a^(-s-2j+1)
    rising = s.copy()  # s (s+1) ... (s+2j-2)
    power = a ** (-s - 1.0)
    factorial = 2.0
    for j, b in enumerate(_BERNOULLI, start=1):
        total += b / factorial * rising * power
        rising = rising * (s + 2 * j - 1) * (s + 2 * j)
        power = power / (a * a)
        factorial *= (2 * j + 1) * (2 * j + 2)
    return total


def zeta(s, q) -> np.ndarray:
    """Hurwitz zeta ζ(s, q) = Σ_k (q + k)^-s: inf at s = 1 or at a non-positive integer q,
    NaN for s < 1; a negative non-integer q (integer s) by the shift ζ(s, q) = ζ(s, q + m) +
    Σ_{k<m} (q + k)^-s."""
    s, q = np.broadcast_arrays(_as_float(s), _as_float(q))
    out = np.full(s.shape, np.nan)
    ok = (s > 1) & (q > 0)
    out[ok] = _zeta_positive(s[ok], q[ok])
    out[s == 1] = np.inf
    pole = (s > 1) & (q <= 0) & (q == np.floor(q))
    out[pole] = np.inf
    shifted = (s > 1) & (q < 0) & (q != np.floor(q)) & (s == np.floor(s))
    if shifted.any():
        ss, qq = s[shifted], q[shifted]
        steps = np.ceil(-qq)
        value = _zeta_positive(ss, qq + steps)
        for k in range(int(steps.max())):
            active = k < steps
            value = value + np.where(active, (qq + k) ** -ss, 0.0)
        out[shifted] = value
    return out


_ZETA_INTEGERS = _zeta_positive(np.arange(2.0, 32.0), np.ones(30))  # ζ(2) ... ζ(31)


def polygamma(n: int, x) -> np.ndarray:
    """ψ⁽ⁿ⁾(x), n >= 0 (n = 0 is digamma)."""
    if n == 0:
        return digamma(x)
    x = _as_float(x)
    sign = -1.0 if n % 2 == 0 else 1.0
    return sign * math.factorial(n) * zeta(np.full(x.shape, n + 1.0), x)


# ----------------------------------------------------------------------------- gamma


_LANCZOS = np.array(
    [57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199,
     0.339946499848118887e-4, 0.465236289270485756e-4, -0.983744753048795646e-4,
     0.158088703224912494e-3, -0.210264441724104883e-3, 0.217439618115212643e-3,
     -0.164318106536763890e-3, 0.844182239838527433e-4, -0.261908384015814087e-4,
     0.368991826595316234e-5]
)  # fmt: skip


def _lgamma_lanczos(x: np.ndarray) -> np.ndarray:
    """log Γ(x) for x >= 0.5."""
    tmp = x + 671.0 / 128.0
    tmp = (x + 0.5) * np.log(tmp) - tmp
    series = np.full(x.shape, 0.999999999999997092)
    y = x.copy()
    for c in _LANCZOS:
        y = y + 1.0
        series += c / y
    return tmp + np.log(2.5066282746310005 * series / x)


def _lgamma_near_one(e: np.ndarray) -> np.ndarray:
    """log Γ(1 + e) for |e| <= 1/4: -(Euler's constant) e + Σ_k (-1)^k ζ(k) e^k / k."""
    total = np.zeros(e.shape)
    power = e * e
    for k, z in enumerate(_ZETA_INTEGERS, start=2):
        total += (z / k if k % 2 == 0 else -z / k) * power
        power = power * e
    return total - _EULER * e


def lgamma(x) -> np.ndarray:
    """log |Γ(x)|: +inf at 0 and the negative integers."""
    x = _as_float(x)
    out = np.empty(x.shape)
    near1, near2 = np.abs(x - 1.0) <= 0.25, np.abs(x - 2.0) <= 0.25
    out[near1] = _lgamma_near_one(x[near1] - 1.0)
    e = x[near2] - 2.0
    out[near2] = _lgamma_near_one(e) + np.log1p(e)
    big = (x >= 0.5) & ~near1 & ~near2
    out[big] = _lgamma_lanczos(x[big])
    small = x < 0.5
    xs = x[small]
    if xs.size:
        with np.errstate(divide="ignore"):
            out[small] = _LOG_PI - np.log(np.abs(_sinpi(xs))) - lgamma(1.0 - xs)
    out[small & (x == np.floor(x))] = np.inf
    out[np.isnan(x)] = np.nan
    out[np.isinf(x)] = np.inf
    return out


def digamma(x) -> np.ndarray:
    """ψ(x) = d/dx log Γ(x): -inf at 0 (PyTorch's choice), NaN at the negative integers."""
    x = _as_float(x)
    out = np.empty(x.shape)
    negative = x < 0
    xn = x[negative]
    if xn.size:
        with np.errstate(divide="ignore", invalid="ignore"):
            out[negative] = digamma(1.0 - xn) - np.pi / _tanpi(xn)
    out[negative & (x == np.floor(x))] = np.nan
    positive = x > 0
    xp = x[positive]
    shift = np.zeros(xp.shape)
    for _ in range(10):
        low = xp < 10.0
        shift -= np.where(low, 1.0 / xp, 0.0)
        xp = np.where(low, xp + 1.0, xp)
    inv2 = 1.0 / (xp * xp)
    # Σ_{k=1..7} B_2k / (2k x^2k) in Horner form; the coefficients B_2k / 2k from k = 7 down.
    tail = np.zeros(xp.shape)
    for c in (1 / 12, -691 / 32760, 1 / 132, -1 / 240, 1 / 252, -1 / 120, 1 / 12):
        tail = c + inv2 * tail
    tail = inv2 * tail
    out[positive] = np.log(xp) - 0.5 / xp - tail + shift
    zero = x == 0
    out[zero] = np.copysign(np.inf, -x[zero])  # -inf at +0, +inf at -0
    out[np.isnan(x)] = np.nan
    out[np.isposinf(x)] = np.inf
    out[np.isneginf(x)] = np.nan
    return out


def multigammaln(a, p: int) -> np.ndarray:
    """log of the multivariate gamma function Γ_p(a)."""
    a = _as_float(a)
    total = np.full(a.shape, p * (p - 1) / 4.0 * _LOG_PI)
    for j in range(p):
        total += lgamma(a - j / 2.0)
    return total


# ----------------------------------------------------------------------------- erf


def _erf_series(x: np.ndarray) -> np.ndarray:
    """erf(x) for |x| < 1.5 (Maclaurin series; the terms fall below 1e-17 by n = 40)."""
    term = x.copy()
    total = x.copy()
    x2 = x * x
    for n in range(1, 40):
        term = -term * x2 / n
        total += term / (2 * n + 1)
    return total * (2.0 / math.sqrt(math.pi))


def erfcx_large(x: np.ndarray) -> np.ndarray:
    """exp(x²) erfc(x) for x >= 1.5 (the continued fraction, 100 terms, evaluated backwards)."""
    t = np.zeros(x.shape)
    for k in range(100, 0, -1):
        t = (k / 2.0) / (x + t)
    return 1.0 / (math.sqrt(math.pi) * (x + t))


def erfcx(x) -> np.ndarray:
    """exp(x²) erfc(x): finite where erfc underflows (inf for very negative x)."""
    x = _as_float(x)
    large = x >= 1.5
    with np.errstate(over="ignore"):
        direct = np.exp(x * x) * erfc(np.where(large, 0.0, x))
    return np.where(large, erfcx_large(np.maximum(x, 1.5)), direct)


def erfc(x) -> np.ndarray:
    x = _as_float(x)
    out = np.empty(x.shape)
    a = np.abs(x)
    small = a < 1.5
    out[small] = 1.0 - _erf_series(x[small])
    large = ~small & ~np.isnan(x)
    xl = a[large]
    with np.errstate(under="ignore"):
        tail = np.exp(-xl * xl) * erfcx_large(xl)
    out[large] = np.where(x[large] > 0, tail, 2.0 - tail)
    out[np.isnan(x)] = np.nan
    return out


def erf(x) -> np.ndarray:
    x = _as_float(x)
    out = np.empty(x.shape)
    small = np.abs(x) < 1.5
    out[small] = _erf_series(x[small])
    out[~small] = np.sign(x[~small]) * (1.0 - erfc(np.abs(x[~small])))
    return out


def log_erfc(x) -> np.ndarray:
    """log erfc(x), finite for large x where erfc underflows."""
    x = _as_float(x)
    out = np.empty(x.shape)
    large = x >= 1.5
    out[large] = -(x[large] ** 2) + np.log(erfcx_large(x[large]))
    out[~large] = np.log(erfc(x[~large]))
    return out


def log_ndtr(x) -> np.ndarray:
    """log Φ(x), Φ the standard normal CDF, accurate in both tails."""
    x = _as_float(x)
    t = np.abs(x) / math.sqrt(2.0)
    # Φ(x) = erfc(-x/√2) / 2: for x > 0, 1 - erfc(x/√2) / 2.
    return np.where(x > 0, np.log1p(-0.5 * erfc(t)), log_erfc(t) - math.log(2.0))


def ndtri(p) -> np.ndarray:
    """Φ⁻¹(p): the standard normal quantile (±inf at 1 and 0, NaN outside [0, 1])."""
    p = _as_float(p)
    lower = np.minimum(p, 1.0 - p)  # exact for p >= 0.5
    inner = (lower > 0) & (lower < 0.5)
    q = np.where(inner, lower, 0.25)
    # Abramowitz & Stegun 26.2.23 (error below 4.5e-4), then Newton on log Φ, which keeps its
    # relative accuracy for tiny p.
    t = np.sqrt(-2.0 * np.log(q))
    numerator = 2.515517 + t * (0.802853 + t * 0.010328)
    denominator = 1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308))
    x = numerator / denominator - t
    log_q = np.log(q)
    for _ in range(4):
        log_cdf = log_ndtr(x)
        log_pdf = -0.5 * x * x - 0.5 * math.log(2 * math.pi)
        x = x - (log_cdf - log_q) * np.exp(log_cdf - log_pdf)
    out = np.where(p > 0.5, -x, x)
    out = np.where(lower == 0, np.where(p > 0.5, np.inf, -np.inf), out)
    out = np.where(p == 0.5, 0.0, out)
    return np.where((p < 0) | (p > 1) | np.isnan(p), np.nan, out)


# ----------------------------------------------------------------------------- incomplete gamma


def _gammainc_series(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(a, x) by its series, for x < a + 1."""
    term = 1.0 / a
    total = term.copy()
    ap = a.copy()
    for _ in range(2000):
        ap = ap + 1.0
        term = term * x / ap
        total += term
        if (np.abs(term) <= np.abs(total) * 1e-17).all():
            break
    return total * np.exp(-x + a * np.log(x) - lgamma(a))


def _gammaincc_fraction(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Q(a, x) by its continued fraction (modified Lentz), for x >= a + 1."""
    tiny = 1e-300
    b = x + 1.0 - a
    c = np.full(a.shape, 1.0 / tiny)
    d = 1.0 / b
    h = d.copy()
    for i in range(1, 2000):
        an = -i * (i - a)
        b = b + 2.0
        d = an * d + b
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        delta = d * c
        h = h * delta
        if (np.abs(delta - 1.0) <= 1e-16).all():
            break
    return np.exp(-x + a * np.log(x) - lgamma(a)) * h


def _incomplete_gamma(a, x, upper: bool) -> np.ndarray:
    a, x = np.broadcast_arrays(_as_float(a), _as_float(x))
    out = np.full(a.shape, np.nan)
    valid = (a >= 0) & (x >= 0)
    regular = valid & (a > 0) & (x > 0) & np.isfinite(x)
    series = regular & (x < a + 1.0)
    fraction = regular & ~series
    p = _gammainc_series(a[series], x[series])
    q = _gammaincc_fraction(a[fraction], x[fraction])
    out[series] = 1.0 - p if upper else p
    out[fraction] = q if upper else 1.0 - q
    # P(a, 0) = 0; P(0, x) = 1 for x > 0; P(a, inf) = 1.
    out[valid & (x == 0) & (a > 0)] = 1.0 if upper else 0.0
    out[valid & (a == 0) & (x > 0)] = 0.0 if upper else 1.0
    out[valid & np.isposinf(x)] = 0.0 if upper else 1.0
    return out


def gammainc(a, x) -> np.ndarray:
    """The regularized lower incomplete gamma function P(a, x)."""
    return _incomplete_gamma(a, x, upper=False)


def gammaincc(a, x) -> np.ndarray:
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    return _incomplete_gamma(a, x, upper=True)


# ----------------------------------------------------------------------------- d/da P(a, x)
#
# Both expansions have the form P (or Q) = e(a, x) · S(a, x), e = exp(-x + a log x - lgamma(a))
# (x times the Gamma(a) density at x). The helpers return ∂(P or Q)/∂a divided by e, which
# is ∂S/∂a + S (log x - ψ(a)): finite where e underflows, as it does far in the tails.


def _series_da_scaled(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(∂P/∂a) / e from the series, each term carried with its derivative in ``a``."""
    term, dterm = 1.0 / a, -1.0 / (a * a)
    total, dtotal = term.copy(), dterm.copy()
    ap = a.copy()
    for _ in range(2000):
        ap = ap + 1.0
        dterm = (dterm - term / ap) * x / ap
        term = term * x / ap
        total += term
        dtotal += dterm
        if (np.abs(term) <= np.abs(total) * 1e-17).all():
            break
    return dtotal + total * (np.log(x) - digamma(a))


def _fraction_da_scaled(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(∂Q/∂a) / e from the continued fraction (the Lentz recurrence differentiated)."""
    tiny = 1e-300
    b, db = x + 1.0 - a, -np.ones(a.shape)
    c, dc = np.full(a.shape, 1.0 / tiny), np.zeros(a.shape)
    d = 1.0 / b
    dd = -db * d * d
    h, dh = d.copy(), dd.copy()
    for i in range(1, 2000):
        an, dan = -i * (i - a), float(i)
        b = b + 2.0
        d_next = an * d + b
        dd = dan * d + an * dd + db
        d_next = np.where(np.abs(d_next) < tiny, tiny, d_next)
        c_next = b + an / c
        dc = db + (dan - an * dc / c) / c
        c = np.where(np.abs(c_next) < tiny, tiny, c_next)
        d = 1.0 / d_next
        dd = -dd * d * d
        delta = d * c
        ddelta = dd * c + d * dc
        dh = dh * delta + h * ddelta
        h = h * delta
        # Both the fraction and its derivative must have converged.
        if (np.abs(delta - 1.0) <= 1e-16).all() and (
            np.abs(h * ddelta) <= 1e-16 * np.abs(dh)
        ).all():
            break
    return dh + h * (np.log(x) - digamma(a))


def _gammainc_da_scaled(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    a, x = np.broadcast_arrays(_as_float(a), _as_float(x))
    out = np.zeros(a.shape)
    series = x < a + 1.0
    out[series] = _series_da_scaled(a[series], x[series])
    out[~series] = -_fraction_da_scaled(a[~series], x[~series])
    return out


def gammainc_da(a, x) -> np.ndarray:
    """∂P(a, x)/∂a for a > 0, x > 0 (the series below x = a + 1, the continued fraction of
    Q = 1 - P above, both differentiated exactly)."""
    a, x = np.broadcast_arrays(_as_float(a), _as_float(x))
    return _gammainc_da_scaled(a, x) * np.exp(-x + a * np.log(x) - lgamma(a))


def standard_gamma_grad(x, alpha) -> np.ndarray:
    """dx/dα of a standard Gamma(α) sample x at fixed CDF value (implicit reparameterisation):
    -(∂P(α, x)/∂α) / p(x; α), p the density, which is x e(α, x)."""
    x, alpha = np.broadcast_arrays(_as_float(x), _as_float(alpha))
    return -x * _gammainc_da_scaled(alpha, x)
