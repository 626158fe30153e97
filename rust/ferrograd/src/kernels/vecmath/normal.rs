//! GELU (`x Φ(x)`, with `Φ` the standard normal CDF) and its derivative
//! (`Φ(x) + x φ(x)`, `φ` the density), as branch-free arithmetic (see `single.rs`).
//!
//! For `f32` both come from the tail `Φ(-a) = e^(-a²/2) erfcx(a/√2) / 2` at `a = |x|`, with
//! `Φ(x) = 1 - Φ(-a)` for `x > 0`. Against `(1 + erf(x/√2)) / 2` this keeps the relative
//! accuracy of the left tail, where `1 + erf` cancels (that form was 40 ulp off at `x = -2`
//! and returned 0 from `x = -6`; GELU is `x Φ(x)`, so its negative side is that tail), and
//! the density is the exponential the CDF needs anyway, so the derivative takes one
//! transcendental where it took two.

use super::{double, erf, poly, single, MulAdd};

/// `t = K / (K + a)` maps `a` in `[0, 14.5]` into `(0, 1]`.
const TAIL_K: f32 = 2.5;
/// `erfcx(a/√2) = t G(t)`, `G` a polynomial in `t - TAIL_CENTRE` (the middle of `t`'s range).
const TAIL_CENTRE: f32 = 0.573_529_4;
const TAIL_G: [f32; 11] = [
    0.618_601_9,
    0.754_734_04,
    0.402_730_8,
    -0.117_633_42,
    -0.185_244_72,
    0.088_841_416,
    0.085_000_66,
    -0.095_001_07,
    -0.016_822_021,
    0.064_529_36,
    -0.009_707_057,
];
const SQRT_2_OVER_PI: f32 = 0.797_884_6;
const INV_SQRT_2PI: f32 = 0.398_942_3;

/// The normal tail at `a = min(|x|, 14.5)` in pieces: `Φ(-a) = 2^n (1 + q) S / 2`, where
/// `2^n (1 + q) = e^(-a²/2)` and `S = erfcx(a/√2)`, returned as `(q, n, S)`. Past 14.5 the
/// tail is below the smallest subnormal times `a`.
///
/// `S = t G(t)`; `G` was fitted by `scripts/fit_vecmath_polynomials.py` (relative error
/// 1.1e-8, its coefficients rounded to `f32` one at a time, each rounding compensated by
/// refitting the higher ones). Rounding `t` moves it off the point that `a` maps to, and
/// `erfcx` in `t` amplifies that up to 2.5 times, so `S` is corrected to first order along its
/// derivative `dS/da = a S - √(2/π)` by `δa = a - (K/t - K)`, which is exact from the
/// rounding `ε` of `K + a` and the residual `ρ = K - t (K + a)`: `δa = ε - ρ (K + a) / K`.
/// `t G` itself is rounded once, in the same multiply-add as the correction. `e^(-a²/2)`
/// takes its argument as `-h²/2 - (a² - h²)/2` with `h` the top 12 bits of `a`, so that `h²/2`
/// is exact and the rest small (`single::exp_split`): rounding `a²` itself would cost up to
/// 100 ulp where `a²/2` nears 100. Together with the exponential left as `1 + q` for the
/// caller's product, this took GELU from 5.4 to 3.4 ulp (`vecmath/tests.rs`).
#[inline(always)]
fn tail_f32<M: MulAdd>(x: f32) -> (f32, i32, f32) {
    let a = x.abs().min(14.5);
    let sum = TAIL_K + a;
    let t = TAIL_K / sum;
    let g = poly::<M, f32>(t - TAIL_CENTRE, &TAIL_G);
    // Exact: `sum - K` by Sterbenz's lemma below 2K, and above it both are multiples of
    // `sum`'s ulp; then `a` and `sum - K` differ by that rounding only.
    let sum_error = a - (sum - TAIL_K);
    let delta_a = M::f32(
        -M::fused_f32(-t, sum, TAIL_K),
        sum * (1.0 / TAIL_K),
        sum_error,
    );
    // `(a g t - √(2/π)) δa`, its parts without `g` made while `g` is computed: the kernel is
    // bound by this chain's latency (computed as `a g t` rounded first, GELU was 17 % slower).
    let correction = M::f32(g, t * a * delta_a, -SQRT_2_OVER_PI * delta_a);
    let scaled_tail = M::fused_f32(g, t, correction);
    let h = f32::from_bits(a.to_bits() & 0xFFFF_F000);
    let (q, n) = single::exp_split::<M>(-0.5 * (h * h), -0.5 * ((a - h) * (a + h)));
    (q, n, scaled_tail)
}

/// `x Φ(x)` for `f32`. NaN comes through `x`.
#[inline(always)]
pub fn gelu_f32<M: MulAdd>(x: f32) -> f32 {
    let (q, n, scaled_tail) = tail_f32::<M>(x);
    // `n - 1`: the tail's `/ 2`, folded into the power of two.
    let tail = single::times_pow2(M::fused_f32(q, scaled_tail, scaled_tail), n - 1);
    x * if x > 0.0 { 1.0 - tail } else { tail }
}

/// `Φ(x) + x φ(x)` for `f32`: the exponential rounded once and shared by both terms, which
/// cancel on the left, so its accuracy is relative to the larger of them.
#[inline(always)]
pub fn gelu_slope_f32<M: MulAdd>(x: f32) -> f32 {
    let (q, n, scaled_tail) = tail_f32::<M>(x);
    let gauss = single::times_pow2(q + 1.0, n);
    let tail = 0.5 * gauss * scaled_tail;
    let cdf = if x > 0.0 { 1.0 - tail } else { tail };
    M::f32(x, gauss * INV_SQRT_2PI, cdf)
}

/// `(Φ(x), φ(x))` for `f64`: `(1 + erf(x/√2)) / 2` and `e^(-x²/2) / √(2π)` (the left tail
/// loses its relative accuracy as `1 + erf` cancels; PyTorch computes GELU so too).
#[inline(always)]
fn normal_f64<M: MulAdd>(x: f64) -> (f64, f64) {
    const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;
    let cdf = 0.5 * (1.0 + erf::erf_f64::<M>(x * std::f64::consts::FRAC_1_SQRT_2));
    let pdf = double::exp::<M>(-(0.5 * x * x)) * INV_SQRT_2PI;
    (cdf, pdf)
}

/// `x Φ(x)` for `f64`.
#[inline(always)]
pub fn gelu_f64<M: MulAdd>(x: f64) -> f64 {
    x * normal_f64::<M>(x).0
}

/// `Φ(x) + x φ(x)` for `f64`.
#[inline(always)]
pub fn gelu_slope_f64<M: MulAdd>(x: f64) -> f64 {
    let (cdf, pdf) = normal_f64::<M>(x);
    cdf + x * pdf
}
