//! The standard normal distribution's CDF `Φ` and density `φ` together, for GELU (`x Φ(x)`)
//! and its derivative (`Φ(x) + x φ(x)`), as branch-free arithmetic (see `single.rs`).
//!
//! For `f32` both come from the tail `Φ(-a) = φ(a) √(π/2) erfcx(a/√2)` at `a = |x|`, with
//! `Φ(x) = 1 - Φ(-a)` for `x > 0`. Against `(1 + erf(x/√2)) / 2` this keeps the relative
//! accuracy of the left tail, where `1 + erf` cancels (that form was 40 ulp off at `x = -2`
//! and returned 0 from `x = -6`; GELU is `x Φ(x)`, so its negative side is that tail), and
//! the density is the exponential the CDF needs anyway, so the backward takes one
//! transcendental where it took two.

use super::{double, erf, poly, single, MulAdd};

/// `(Φ(x), φ(x))` for `f32`. `erfcx(a/√2) = t G(t)` with `t = 3 / (3 + a)` and `G` a
/// polynomial in `t - 0.5857` (fitted here by Lawson's iteration towards the minimax
/// polynomial, on Chebyshev nodes of `a` in `[0, 14.5]`: relative error 2e-8 before the
/// coefficients' rounding). `e^(-a²/2)` takes its argument as `-h²/2 - (a² - h²)/2` with `h`
/// the top 12 bits of `a`, so that `h²/2` is exact and the rest small
/// (`single::exp_split`): rounding `a²` itself would cost up to 100 ulp where `a²/2` nears
/// 100.
/// Past `a = 14.5` the tail is below the smallest subnormal times `a`. Measured errors:
/// `vecmath/tests.rs`.
#[inline(always)]
pub fn normal_f32<M: MulAdd>(x: f32) -> (f32, f32) {
    const G: [f32; 10] = [
        0.548_923_7,
        0.789_496_1,
        0.672_382_9,
        0.203_597_22,
        -0.168_606_22,
        -0.114_563_46,
        0.083_776_25,
        0.052_245_818,
        -0.048_453_38,
        -0.017_700_365,
    ];
    const CENTRE: f32 = 0.585_714_3;
    const INV_SQRT_2PI: f32 = 0.398_942_3;
    let a = x.abs().min(14.5);
    let t = 3.0 / (3.0 + a);
    let scaled_tail = poly::<M, f32>(t - CENTRE, &G) * t;
    let h = f32::from_bits(a.to_bits() & 0xFFFF_F000);
    let gauss = single::exp_split::<M>(-0.5 * (h * h), -0.5 * ((a - h) * (a + h)));
    let tail = 0.5 * gauss * scaled_tail;
    let cdf = if x > 0.0 { 1.0 - tail } else { tail };
    // NaN has `a = 14.5` from `min`: put it back.
    if x.is_nan() {
        (x, x)
    } else {
        (cdf, gauss * INV_SQRT_2PI)
    }
}

/// `(Φ(x), φ(x))` for `f64`: `(1 + erf(x/√2)) / 2` and `e^(-x²/2) / √(2π)` (the left tail
/// loses its relative accuracy as `1 + erf` cancels; PyTorch computes GELU so too).
#[inline(always)]
pub fn normal_f64<M: MulAdd>(x: f64) -> (f64, f64) {
    const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;
    let cdf = 0.5 * (1.0 + erf::erf_f64::<M>(x * std::f64::consts::FRAC_1_SQRT_2));
    let pdf = double::exp::<M>(-(0.5 * x * x)) * INV_SQRT_2PI;
    (cdf, pdf)
}
