"""Fits the polynomials of ``rust/ferrograd/src/kernels/vecmath/erf.rs`` and ``normal.rs`` (and
``single.rs``'s ``expm1_minus_half``, the normal tail's exponential) and prints them.

Lawson's iteration (iteratively reweighted least squares, which tends to the minimax
polynomial) at 50 digits on Chebyshev nodes, with mpmath (``pip install mpmath``; PyTorch
installs it too). Prints each polynomial's coefficients, lowest power first, rounded to the
element type, and the fit's maximum relative error: before that rounding for ``erf.rs``'s
polynomials and the tail's ``d(ln S)/da`` (which needs only a few digits), after it for the
others, whose coefficients are rounded as they are fitted (``fit_rounded``).

    python scripts/fit_vecmath_polynomials.py
"""

from __future__ import annotations

import struct

import mpmath as mp

mp.mp.dps = 50


def nodes(a, b, m):
    return [(a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * (2 * k + 1) / (2 * m)) for k in range(m)]


def fit(f, a, b, degree, m, shift=0, iterations=25, fixed=()):
    """Coefficients of ``sum c_k (s - shift)^k`` close to ``f(s)`` on ``[a, b]`` in relative
    error (from ``m`` nodes), and that error's maximum on a dense grid. The first coefficients
    may be given (``fixed``); the others are fitted around them."""
    a, b = mp.mpf(a), mp.mpf(b)
    xs = nodes(a, b, m)
    ys = [f(x) for x in xs]
    known = [mp.polyval(list(fixed)[::-1], x - shift) if fixed else 0 for x in xs]
    free = degree + 1 - len(fixed)
    weights = [mp.mpf(1)] * m
    for _ in range(iterations):
        lhs, rhs = mp.matrix(m, free), mp.matrix(m, 1)
        for i, x in enumerate(xs):
            scale = mp.sqrt(weights[i]) / abs(ys[i])
            for k in range(free):
                lhs[i, k] = (x - shift) ** (len(fixed) + k) * scale
            rhs[i] = (ys[i] - known[i]) * scale
        c = list(fixed) + list(mp.qr_solve(lhs, rhs)[0])
        errors = [abs(mp.polyval(c[::-1], x - shift) / y - 1) for x, y in zip(xs, ys, strict=True)]
        total = sum(w * e for w, e in zip(weights, errors, strict=True))
        weights = [w * e / total for w, e in zip(weights, errors, strict=True)]
    coefficients = [c[k] for k in range(degree + 1)]
    grid = [a + (b - a) * k / 2000 for k in range(2001)]
    worst = max(abs(mp.polyval(coefficients[::-1], x - shift) / f(x) - 1) for x in grid)
    return coefficients, worst


def to_f32(v) -> float:
    return struct.unpack("f", struct.pack("f", float(v)))[0]


def fit_rounded(f, a, b, degree, m, shift=0, single=True, split_first=False):
    """``fit``, its coefficients rounded to ``f32`` (or ``f64``) one at a time from the lowest
    power, each rounding compensated by refitting the higher ones (rounding them all at once
    afterwards cost the ``f32`` normal tail's polynomial 3 of its 4 ulp). With
    ``split_first``, the constant is kept to 50 digits, for use as a sum of two floats: the
    others cannot compensate its rounding where ``x - shift`` is near 0."""
    rounded = to_f32 if single else float
    fixed = []
    while len(fixed) <= degree:
        coefficients, _ = fit(f, a, b, degree, m, shift, fixed=fixed)
        value = coefficients[len(fixed)]
        fixed.append(value if split_first and not fixed else mp.mpf(rounded(value)))
    grid = [a + (b - a) * k / 2000 for k in range(2001)]
    worst = max(abs(mp.polyval(fixed[::-1], x - shift) / f(x) - 1) for x in grid)
    return fixed, worst


def show(name, coefficients, worst, single):
    print(f"{name}: relative error {mp.nstr(worst, 3)}")
    for c in coefficients:
        print("   ", repr(to_f32(c) if single else float(c)) + ",")


def log_erfc_over_x(x):
    return -2 / mp.sqrt(mp.pi) if x == 0 else mp.log(mp.erfc(x)) / x


def erf_over_x(z):
    """erf(√z) / √z, as a function of z = x²."""
    return 2 / mp.sqrt(mp.pi) if z == 0 else mp.erf(mp.sqrt(z)) / mp.sqrt(z)


def erfcx(x):
    """e^(x²) erfc(x) (mpmath has no scaled erfc; at 50 digits the product is accurate)."""
    return mp.erfc(x) * mp.exp(x * x)


def erfcx_of_t(t):
    """e^(x²) erfc(x) at x = 3/t - 3."""
    return erfcx(3 / t - 3)


def normal_tail_g(k):
    """erfcx(a/√2) / t at a = K/t - K, as a function of `t = K / (K + a)` (which maps the
    normal tail's `a = |x|` into (0, 1]): the tail Φ(-a) is e^(-a²/2) t G(t) / 2."""
    k = mp.mpf(k)

    def g(t):
        return erfcx((k / t - k) / mp.sqrt(2)) / t

    return g


def normal_tail_log_slope(k):
    """`-2 d(ln S)/da = -2 (a - √(2/π) / S)` with `S = erfcx(a/√2)`, as a function of `t`: the
    first-order correction that moves the `f32` GELU's exponent from the rounded `t` to `a`."""
    k = mp.mpf(k)

    def d(t):
        a = k / t - k
        return -2 * (a - mp.sqrt(2 / mp.pi) / erfcx(a / mp.sqrt(2)))

    return d


def expm1_of_minus_half_over(u):
    """`(e^(-u/2) - 1) / u`, the `f32` normal tail's exponential in `u = -2r`."""
    return mp.mpf(-0.5) if u == 0 else mp.expm1(-u / 2) / u


def show_normal_tail(k, a_max, degree, single):
    """The normal tail's `G` for `K = k` over `a` in `[0, a_max]`; for `f64` its constant
    as two parts."""
    low = k / (k + mp.mpf(a_max))
    centre = to_f32((1 + low) / 2) if single else float((1 + low) / 2)
    name = "f32" if single else "f64"
    print(f"{name} G (normal tail, K = {k}): centre {centre!r}")
    coefficients, worst = fit_rounded(
        normal_tail_g(k),
        low,
        1,
        degree,
        100,
        shift=mp.mpf(centre),
        single=single,
        split_first=not single,
    )
    show(f"{name} G, t in [K/(K + {a_max}), 1]", coefficients, worst, single=single)
    if not single:
        print(f"    constant's low part {float(coefficients[0] - float(coefficients[0]))!r}")


def main():
    show("f32 R (log(erfc(x)) / x on [0, 4])", *fit(log_erfc_over_x, 0, 4, 10, 100), single=True)
    hi = to_f32(-2 / mp.sqrt(mp.pi))
    print(f"    R(0) = {hi!r} + {to_f32(-2 / mp.sqrt(mp.pi) - hi)!r}")
    show("f64 P (erf(x) / x in x² on [0, 1])", *fit(erf_over_x, 0, 1, 11, 100), single=False)
    third, half = mp.mpf(3) / 9, mp.mpf(3) / 4
    show(
        "f64 H (erfcx in t - 1/2)", *fit(erfcx_of_t, third, half, 16, 120, shift=0.5), single=False
    )
    show_normal_tail(4, 14.5, 9, single=True)
    low = 4 / mp.mpf(4 + 14.5)
    show(
        "f32 -2 d(ln S)/da in t (K = 4)", *fit(normal_tail_log_slope(4), low, 1, 2, 60), single=True
    )
    show(
        "f32 H ((e^(-u/2) - 1) / u on [-0.7, 0.7])",
        *fit_rounded(expm1_of_minus_half_over, -0.7, 0.7, 5, 60),
        single=True,
    )
    show_normal_tail(6, 39, 22, single=False)


if __name__ == "__main__":
    main()
