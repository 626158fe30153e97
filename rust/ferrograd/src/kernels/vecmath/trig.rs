//! `f64` sine and cosine as branch-free arithmetic (see `single.rs`) for `|x| <` [`TRIG_LIMIT`];
//! the slice kernels recompute larger arguments (and infinities) with libm's.
//!
//! `x = j π/2 + r` with π/2 in four parts, the first three of 33 bits (so `j p_k` is exact
//! for `|j| < 2^20`) and the reduced argument kept as a double-double `r_hi + r_lo`: its
//! absolute error is near 2^-130, and the smallest `|r|` of an `f64` below 2^20 is far above
//! 2^-80, so the reduction adds nothing visible to the result's error. `sin` and `cos` of `r`
//! are their Taylor series to `r^21` and `r^20`, plus `r_lo` times the derivative.

use super::double::{fast_two_sum, two_sum};
use super::{poly, MulAdd};

/// Below this magnitude the vector sine and cosine reduce their argument exactly enough.
pub const TRIG_LIMIT: f64 = 1_048_576.0;

/// 1.5·2^52: adding it rounds an `f64` of magnitude below 2^51 to an integer, which then sits
/// in the low mantissa bits.
const ROUND: f64 = 6_755_399_441_055_744.0;

/// `x = j π/2 + r_hi + r_lo` for `|x| < TRIG_LIMIT`: `(r_hi, r_lo, j mod 2^51)`.
#[inline(always)]
fn reduce(x: f64) -> (f64, f64, u64) {
    const P1: f64 = 1.570_796_326_734_125_6;
    const P2: f64 = 6.077_100_506_303_966e-11;
    const P3: f64 = 2.022_266_248_711_166_5e-21;
    const P4: f64 = 8.478_427_660_368_9e-32;
    let t = x * std::f64::consts::FRAC_2_PI + ROUND;
    let j = t - ROUND;
    // Exact: `x` and `j P1` are within a factor of 2 of each other (or `j` is 0).
    let u = x - j * P1;
    let (h1, l1) = two_sum(u, -(j * P2));
    let (h2, l2) = two_sum(h1, -(j * P3));
    let (hi, lo) = two_sum(h2, (l1 + l2) - j * P4);
    (hi, lo, t.to_bits())
}

/// The Taylor coefficients `c[k] = ±1/(first + 2k)!` of `sin` (`first` 3) and `cos` (`first` 4)
/// after their leading terms, with the series' alternating signs.
const fn taylor<const N: usize>(first: usize) -> [f64; N] {
    let mut c = [0.0; N];
    let mut fact = 1.0;
    let mut n = 1;
    while n < first {
        n += 1;
        fact *= n as f64;
    }
    let mut k = 0;
    while k < N {
        c[k] = if k % 2 == 0 { -1.0 / fact } else { 1.0 / fact };
        fact *= ((n + 1) * (n + 2)) as f64;
        n += 2;
        k += 1;
    }
    c
}

/// `sin r = r + r³ S(r²)` to `r^21`, `cos r = 1 - r²/2 + r⁴ C(r²)` to `r^20`.
const S: [f64; 10] = taylor(3);
const C: [f64; 9] = {
    let mut c = taylor::<9>(4);
    let mut k = 0;
    while k < 9 {
        c[k] = -c[k];
        k += 1;
    }
    c
};

/// `x = j π/2 + r` for `|x| < TRIG_LIMIT`: `sin r` and `cos r` each as a leading part and the
/// rest (which is not below the leading part's ulp: `sin r = r + (r³ terms)`), and `j`.
#[inline(always)]
fn sin_cos_parts<M: MulAdd>(x: f64) -> ((f64, f64), (f64, f64), u64) {
    let (r, r_lo, q) = reduce(x);
    let z = r * r;
    let s = poly::<M, f64>(z, &S);
    let sin = (r, r * z * s + r_lo * (1.0 - 0.5 * z));
    let c = poly::<M, f64>(z, &C);
    // `1 - r²/2` rounded, and its rounding error added back.
    let half = 0.5 * z;
    let w = 1.0 - half;
    let cos = (w, ((1.0 - w) - half) + (z * z * c - r * r_lo));
    (sin, cos, q)
}

/// `sin(x)` or, with `shift` 1, `cos(x)`, for `|x| < TRIG_LIMIT`.
#[inline(always)]
fn sin_quadrant<M: MulAdd>(x: f64, shift: u64) -> f64 {
    let ((s, s_rest), (w, c_rest), q) = sin_cos_parts::<M>(x);
    let (sin, cos) = (s + s_rest, w + c_rest);
    let q = q.wrapping_add(shift);
    let v = if q & 1 == 0 { sin } else { cos };
    let v = if q & 2 == 0 { v } else { -v };
    // The sine of -0 is -0, which `r + ...` turns into +0.
    if (shift == 0) & (x == 0.0) {
        x
    } else {
        v
    }
}

/// The branch-free tangent, for `|x| < TRIG_LIMIT`: `sin r / cos r` (or `-cos r / sin r`),
/// each side a double-double, divided with the first quotient's residual (one fused step) so
/// that the result rounds once, not three times.
#[inline(always)]
pub fn tan_reduced<M: MulAdd>(x: f64) -> f64 {
    let ((s, s_rest), (w, c_rest), q) = sin_cos_parts::<M>(x);
    // `|r| >= |r³ terms|` and `w >= |its rest|`: Fast2Sum normalises each pair.
    let (sin, cos) = (fast_two_sum(s, s_rest), fast_two_sum(w, c_rest));
    let ((num, num_lo), (den, den_lo)) = if q & 1 == 0 { (sin, cos) } else { (cos, sin) };
    let t = num / den;
    let residual = M::fused_f64(-t, den, num) + (num_lo - t * den_lo);
    let v = t + residual / den;
    let v = if q & 1 == 0 { v } else { -v };
    // The tangent of -0 is -0, which `r + ...` turns into +0.
    if x == 0.0 {
        x
    } else {
        v
    }
}

/// `tan(x)` for any `x`: libm's beyond [`TRIG_LIMIT`].
#[inline(always)]
pub fn tan<M: MulAdd>(x: f64) -> f64 {
    if x.abs() < TRIG_LIMIT {
        tan_reduced::<M>(x)
    } else {
        x.tan()
    }
}

/// The branch-free sine, for `|x| < TRIG_LIMIT`.
#[inline(always)]
pub fn sin_reduced<M: MulAdd>(x: f64) -> f64 {
    sin_quadrant::<M>(x, 0)
}

/// The branch-free cosine, for `|x| < TRIG_LIMIT`.
#[inline(always)]
pub fn cos_reduced<M: MulAdd>(x: f64) -> f64 {
    sin_quadrant::<M>(x, 1)
}

/// `sin(x)` for any `x`: libm's at and beyond [`TRIG_LIMIT`].
#[inline(always)]
pub fn sin<M: MulAdd>(x: f64) -> f64 {
    if x.abs() < TRIG_LIMIT {
        sin_reduced::<M>(x)
    } else {
        x.sin()
    }
}

/// `cos(x)` for any `x`: libm's at and beyond [`TRIG_LIMIT`].
#[inline(always)]
pub fn cos<M: MulAdd>(x: f64) -> f64 {
    if x.abs() < TRIG_LIMIT {
        cos_reduced::<M>(x)
    } else {
        x.cos()
    }
}
