//! Double-double arithmetic (a value as an unevaluated sum `hi + lo` of two `f64`, about 32
//! digits) and the references built on it: `erf`, and the normal distribution's CDF and
//! density, for the `f64` kernels' ulp tests.

use crate::kernels::vecmath::{MulAdd, Rounded};

/// `hi + lo`, `|lo|` at most half an ulp of `hi`.
pub(super) type Dd = (f64, f64);

/// `a · b` exactly, as `(product, error)`: Dekker's, as the kernels' no-FMA paths use it.
fn two_prod(a: f64, b: f64) -> Dd {
    Rounded::two_prod_f64(a, b)
}

pub(super) fn dd_add((ah, al): Dd, (bh, bl): Dd) -> Dd {
    let s = ah + bh;
    let v = s - ah;
    let e = (ah - (s - v)) + (bh - v) + al + bl;
    let h = s + e;
    (h, e - (h - s))
}

pub(super) fn dd_mul((ah, al): Dd, (bh, bl): Dd) -> Dd {
    let (p, e) = two_prod(ah, bh);
    let e = e + (ah * bl + al * bh);
    let h = p + e;
    (h, e - (h - p))
}

/// `a / n` for a small integer `n`.
fn dd_div_int(a: Dd, n: f64) -> Dd {
    let q1 = a.0 / n;
    let (p, e) = two_prod(q1, n);
    let q2 = ((a.0 - p) - e + a.1) / n;
    let h = q1 + q2;
    (h, q2 - (h - q1))
}

/// `erf(x)` as a double-double: its Maclaurin series for `|x| <= 4.5` (where the terms' growth
/// to `e^(x²)` costs 9 of the 32 digits), else `1 - erfc(x)` with `erfc` from Laplace's
/// continued fraction in `f64` (below 2e-10 there, so its relative error does not show).
pub(super) fn erf_reference(x: f64) -> Dd {
    const TWO_OVER_SQRT_PI: Dd = (std::f64::consts::FRAC_2_SQRT_PI, 1.533_545_961_316_588e-17);
    let a = x.abs();
    let (h, l) = if a <= 4.5 {
        let z = two_prod(x, x);
        let mut term = (x, 0.0);
        let mut sum = term;
        for n in 1..400 {
            term = dd_div_int(dd_mul(term, z), n as f64);
            let t = dd_div_int(term, (2 * n + 1) as f64);
            sum = dd_add(sum, if n % 2 == 0 { t } else { (-t.0, -t.1) });
            if t.0.abs() < 1e-40 * sum.0.abs() {
                break;
            }
        }
        dd_mul(sum, TWO_OVER_SQRT_PI)
    } else {
        let mut f = a;
        for k in (1..=60).rev() {
            f = a + (k as f64 / 2.0) / f;
        }
        let erfc = (-a * a).exp() / (std::f64::consts::PI.sqrt() * f);
        let v = dd_add((1.0, 0.0), (-erfc, 0.0));
        if x < 0.0 {
            (-v.0, -v.1)
        } else {
            v
        }
    };
    (h, l)
}

fn dd_neg((h, l): Dd) -> Dd {
    (-h, -l)
}

/// `a / b`: the quotient of the leading parts, corrected once by the remainder.
fn dd_div(a: Dd, b: Dd) -> Dd {
    let q1 = a.0 / b.0;
    let r = dd_add(a, dd_neg(dd_mul(b, (q1, 0.0))));
    let q2 = r.0 / b.0;
    let h = q1 + q2;
    (h, q2 - (h - q1))
}

/// `v 2^k`, in two steps so that `2^k` need not be a normal float.
pub(super) fn scale((h, l): Dd, k: i32) -> Dd {
    let (k1, k2) = (k / 2, k - k / 2);
    let f = |u: f64| u * 2f64.powi(k1) * 2f64.powi(k2);
    (f(h), f(l))
}

/// `e^x` for `x` in the `f64` range as `(m, k)`, the value `m 2^k`: `x = k ln2 + r`, then
/// `e^(r/1024)` by its Taylor series, squared ten times.
fn dd_exp(x: Dd) -> (Dd, i32) {
    const LN2: Dd = (std::f64::consts::LN_2, 2.319_046_813_846_299_6e-17);
    let k = (x.0 / LN2.0).round();
    let (p, e) = two_prod(k, LN2.0);
    let r = dd_add(x, dd_neg(dd_add((p, e), (k * LN2.1, 0.0))));
    let r = (r.0 / 1024.0, r.1 / 1024.0);
    let mut term = (1.0, 0.0);
    let mut sum = term;
    for n in 1..24 {
        term = dd_div_int(dd_mul(term, r), n as f64);
        sum = dd_add(sum, term);
    }
    for _ in 0..10 {
        sum = dd_mul(sum, sum);
    }
    (sum, k as i32)
}

/// `(Φ(x), φ(x), k)`, the standard normal CDF and density, as double-doubles whose values
/// are `2^k` times those given (so that products with them are exact before they are scaled
/// into the subnormals; `k` is 0 but on the far left). `Φ` is
/// `1/2 + φ(0) Σ (-1)^n x^(2n+1) / (2^n n! (2n+1))` for `|x| <= 3` (its terms grow to at most
/// `e^4.5`), else `φ(a) / CF(a)` at `a = |x|` from Laplace's continued fraction for the Mills
/// ratio, taken deep enough to converge to 1e-32 (200 terms at `a = 3`).
pub(super) fn normal_reference(x: f64) -> (Dd, Dd, i32) {
    const INV_SQRT_2PI: Dd = (0.398_942_280_401_432_7, -2.492_327_202_277_73e-17);
    let square = two_prod(x, x);
    let (gauss, k) = dd_exp((-0.5 * square.0, -0.5 * square.1));
    let density = dd_mul(gauss, INV_SQRT_2PI);
    let a = x.abs();
    if a <= 3.0 {
        let half_square = (0.5 * square.0, 0.5 * square.1);
        let mut term = (x, 0.0);
        let mut sum = term;
        for n in 1..200 {
            term = dd_neg(dd_div_int(dd_mul(term, half_square), n as f64));
            let t = dd_div_int(term, (2 * n + 1) as f64);
            sum = dd_add(sum, t);
            if t.0.abs() < 1e-40 * sum.0.abs() {
                break;
            }
        }
        let cdf = dd_add((0.5, 0.0), dd_mul(sum, INV_SQRT_2PI));
        return (cdf, scale(density, k), 0);
    }
    let mut fraction = (a, 0.0);
    for n in (1..=(1800.0 / (a * a)) as usize + 20).rev() {
        fraction = dd_add((a, 0.0), dd_div((n as f64, 0.0), fraction));
    }
    let tail = dd_div(density, fraction);
    if x < 0.0 {
        (tail, density, k)
    } else {
        (
            dd_add((1.0, 0.0), dd_neg(scale(tail, k))),
            scale(density, k),
            0,
        )
    }
}
