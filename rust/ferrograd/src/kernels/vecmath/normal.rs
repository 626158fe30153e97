//! GELU (`x Φ(x)`, with `Φ` the standard normal CDF) and its derivative
//! (`Φ(x) + x φ(x)`, `φ` the density), as branch-free arithmetic (see `single.rs`).
//!
//! Both come from the tail `Φ(-a) = e^(-a²/2) erfcx(a/√2) / 2` at `a = |x|`, with
//! `Φ(x) = 1 - Φ(-a)` for `x > 0`. Against `(1 + erf(x/√2)) / 2` this keeps the relative
//! accuracy of the left tail, where `1 + erf` cancels (GELU is `x Φ(x)`, so its negative side
//! is that tail): that form was 40 ulp off at `x = -2` in `f32` and returned 0 from -6; in
//! `f64` it was up to 5.9e5 ulp off on `[-5, -1)` and returned 0 from -8.5. And the density
//! is the exponential the CDF needs anyway, so the derivative takes one transcendental where
//! it took two. The `f64` functions carry the steps that `f32` rounds as double-doubles, to
//! stay within 2 ulp.

use super::{double, poly, single, MulAdd};

/// `t = K / (K + a)` maps `a` in `[0, 14.5]` into `(0, 1]`.
const TAIL_K: f32 = 4.0;
/// `erfcx(a/√2) = t G(t)`, `G` a polynomial in `t - TAIL_CENTRE` (the middle of `t`'s range).
const TAIL_CENTRE: f32 = 0.608_108_1;
const TAIL_G: [f32; 10] = [
    0.453_420_6,
    0.803_980_2,
    1.051_397_4,
    0.965_833_1,
    0.524_446_3,
    0.025_042_284,
    -0.177_322_58,
    -0.066_412_33,
    0.055_780_113,
    0.033_794_675,
];
/// `-2 d(ln S)/da` for `S = erfcx(a/√2)`, a quadratic in `t` (relative error 1 %, which
/// is plenty for a first-order correction).
const TAIL_LOG_SLOPE: [f32; 3] = [0.053_093_873, 0.079_518_005, 1.449_995_6];
const SQRT_2_OVER_PI: f32 = 0.797_884_6;

/// The normal tail at `a = min(|x|, 14.5)` in pieces: `Φ(-a) = e^(-a²/2) S / 2` with
/// `S = erfcx(a/√2) = t G(t)`, returned as `(t, G(t), δa)` (past 14.5 the tail is below the
/// smallest subnormal times `a`).
///
/// `G` was fitted by `scripts/fit_vecmath_polynomials.py` (relative error 1e-8, its
/// coefficients rounded to `f32` one at a time, each rounding compensated by refitting the
/// higher ones). Rounding `t` moves it off the point that `a` maps to, and `erfcx` in `t`
/// amplifies that (3 times at `a = 0` for this `K`), so the callers correct `S` to first order
/// along `a` by `δa = a - (K/t - K)`, which is exact from the rounding `ε` of `K + a` and the
/// residual `ρ = K - t (K + a)`: `δa = ε - ρ (K + a) / K`. The correction is what lets `K` be
/// chosen for the shortest `G` (4 gives in 10 terms what 2.5 gave in 11).
#[inline(always)]
fn tail_f32<M: MulAdd>(a: f32) -> (f32, f32, f32) {
    let sum = TAIL_K + a;
    let t = TAIL_K / sum;
    let s = t - TAIL_CENTRE;
    // The last two steps rounded once even without FMA: rounding their products apart cost
    // the one-element path 0.9 ulp.
    let g = poly::<M, f32>(s, &TAIL_G[2..]);
    let g = M::fused_f32(M::fused_f32(g, s, TAIL_G[1]), s, TAIL_G[0]);
    // Exact: `sum - K` by Sterbenz's lemma below 2K, and above it both are multiples of
    // `sum`'s ulp; then `a` and `sum - K` differ by that rounding only.
    let sum_error = a - (sum - TAIL_K);
    let delta_a = M::f32(
        -M::fused_f32(-t, sum, TAIL_K),
        sum * (1.0 / TAIL_K),
        sum_error,
    );
    (t, g, delta_a)
}

/// `x Φ(x)` for `f32`. NaN comes through `x`.
///
/// The correction of `S` goes into the exponent: `S(a) = S(t) e^(δa d(ln S)/da)` to first
/// order, and `d(ln S)/da` needs only a few digits, from a quadratic in `t`, where correcting
/// `S` itself takes its exact slope `a S - √(2/π)` (this made the kernel 2 % faster; the
/// kernel is bound by its multiplies and multiply-adds, about one per cycle). The exponential
/// is left as `1 + q` for one rounding of `(1 + q) S`, and scaled in two exact steps.
#[inline(always)]
pub fn gelu_f32<M: MulAdd>(x: f32) -> f32 {
    let a = x.abs().min(14.5);
    let (t, g, delta_a) = tail_f32::<M>(a);
    let (u, n) = single::exp_minus_half_square::<M>(a);
    let log_slope = poly::<M, f32>(t, &TAIL_LOG_SLOPE);
    let q = single::expm1_minus_half::<M>(M::f32(log_slope, delta_a, u));
    let scaled_tail = g * t;
    // `n - 1`: the tail's `/ 2`, folded into the power of two.
    let tail = single::scale_down(M::fused_f32(q, scaled_tail, scaled_tail), n - 1);
    x * if x > 0.0 { 1.0 - tail } else { tail }
}

/// `Φ(x) + x φ(x)` for `f32`, as `e^(-a²/2) (S ± x √(2/π)) / 2`, plus 1 for `x > 0`: the
/// exponential rounded once and shared by both terms, which cancel on the left, so its
/// accuracy is relative to the larger of them. `S` is corrected itself, by its slope
/// `a S - √(2/π)` (the density must not be). The factored form is one multiply fewer than
/// summing the two terms (the kernel's worst error went from 3.2 to 2.9 ulp).
#[inline(always)]
pub fn gelu_slope_f32<M: MulAdd>(x: f32) -> f32 {
    let a = x.abs().min(14.5);
    let (t, g, delta_a) = tail_f32::<M>(a);
    // `(a g t - √(2/π)) δa`, its parts without `g` made while `g` is computed.
    let correction = M::f32(g, t * a * delta_a, -SQRT_2_OVER_PI * delta_a);
    let scaled_tail = M::fused_f32(g, t, correction);
    let (u, n) = single::exp_minus_half_square::<M>(a);
    // `x` unclamped: past 14.5 the exponential is 0, and infinite `x` gives NaN, as in PyTorch.
    let half_gauss = single::scale_down(single::expm1_minus_half::<M>(u) + 1.0, n - 1);
    let sum = M::f32(
        x,
        SQRT_2_OVER_PI,
        if x > 0.0 { -scaled_tail } else { scaled_tail },
    );
    // Adding 0 on the left makes an underflowed product +0, as PyTorch's `0 + x φ(x)`.
    (if x > 0.0 { 1.0 } else { 0.0 }) + half_gauss * sum
}

/// `t = K / (K + a)` maps `a` in `[0, 39]` into `(0, 1]` for `f64`.
const TAIL_K_F64: f64 = 6.0;
const TAIL_CENTRE_F64: f64 = 0.566_666_666_666_666_7;
/// `erfcx(a/√2) = t G(t)` as for `f32`, relative error 4e-18 with the constant term's low
/// part [`TAIL_G0_LO_F64`] (the `f32` fit's method, the constant kept to 50 digits: the other
/// coefficients cannot make up for its rounding near the centre).
const TAIL_G_F64: [f64; 23] = [
    0.294_002_441_152_692_7,
    0.585_074_185_173_247_8,
    1.022_825_011_638_988_5,
    1.567_726_579_334_267_2,
    2.093_923_989_683_134_8,
    2.408_551_538_232_431_6,
    2.336_147_348_092_559,
    1.836_215_456_683_712_3,
    1.069_486_516_235_401_5,
    0.335_310_717_538_546_6,
    -0.104_951_822_482_395_78,
    -0.191_088_503_891_216_73,
    -0.073_735_754_301_354_73,
    0.038_709_982_273_704_736,
    0.049_188_704_538_123_05,
    0.002_185_133_395_029_469,
    -0.022_121_670_205_497_622,
    -0.007_166_634_742_717_78,
    0.009_222_583_341_611_84,
    0.004_875_852_849_783_012,
    -0.003_630_260_077_392_216,
    -0.001_881_738_745_210_594_8,
    0.000_975_827_995_911_691_2,
];
const TAIL_G0_LO_F64: f64 = 2.081_912_433_225_573_7e-17;
/// Past 39, `x Φ(x)` is below half the smallest subnormal and `Φ(x)` rounds to 1.
const TAIL_END_F64: f64 = 39.0;
/// `√(2/π)` as a double-double.
const SQRT_2_OVER_PI_F64: f64 = 0.797_884_560_802_865_4;
const SQRT_2_OVER_PI_LO_F64: f64 = -4.984_654_404_555_46e-17;

/// `G(s)` as a double-double. Near the left end its terms alternate in sign and sum to a
/// seventh of their magnitudes, so plain Horner lost up to 7·2^-53 there: the last four steps
/// carry their rounding errors (compensated Horner, after Graillat, Langlois and Louvet), the
/// constant's low part added with them. The rest is taken in four parts side by side,
/// `A + s^5 B + s^10 (C + s^5 D)`, as the kernel is bound by this chain's latency: Horner's
/// rule over all of it made `f64` GELU on 1M elements 12.2 ms where this takes 8.1 (Zen 3).
/// GELU is within 1.3 ulp so; with three compensated steps it was 1.6, with one 2.6.
#[inline(always)]
fn tail_polynomial<M: MulAdd>(s: f64) -> (f64, f64) {
    const COMPENSATED: usize = 4;
    const _: () = assert!(TAIL_G_F64.len() - COMPENSATED > 15);
    let (low, high) = TAIL_G_F64.split_at(COMPENSATED);
    let quarter = |k: usize| poly::<M, f64>(s, &high[5 * k..(5 * k + 5).min(high.len())]);
    let s5 = (s * s) * (s * s) * s;
    let s10 = s5 * s5;
    let mut hi = M::f64(
        M::f64(quarter(3), s5, quarter(2)),
        s10,
        M::f64(quarter(1), s5, quarter(0)),
    );
    let mut lo = 0.0;
    for &c in low.iter().rev() {
        let (p, p_error) = M::two_prod_f64(hi, s);
        let (h, h_error) = double::two_sum(p, c);
        lo = M::f64(lo, s, p_error + h_error);
        hi = h;
    }
    (hi, lo + TAIL_G0_LO_F64)
}

/// The `f64` normal tail at `a` in `[0, 39]`, `Φ(-a) = 2^n (1 + q) S / 2`, as double-doubles
/// `q` and `S` and the power `n`: `S` corrected by `δa` as the `f32` derivative does it, and
/// `e^(-a²/2)` from `a`'s top 26 bits and the rest, with every step that `f32` rounds kept
/// exact or carried in a low part, so that the callers round once.
#[inline(always)]
fn tail_f64<M: MulAdd>(a: f64) -> ((f64, f64), i64, (f64, f64)) {
    let sum = TAIL_K_F64 + a;
    let t = TAIL_K_F64 / sum;
    let (g, g_lo) = tail_polynomial::<M>(t - TAIL_CENTRE_F64);
    let sum_error = a - (sum - TAIL_K_F64);
    let delta_a = M::f64(
        -M::fused_f64(-t, sum, TAIL_K_F64),
        sum * (1.0 / TAIL_K_F64),
        sum_error,
    );
    let correction = M::f64(g, t * a * delta_a, -SQRT_2_OVER_PI_F64 * delta_a);
    let (scaled_tail, product_error) = M::two_prod_f64(g, t);
    let scaled_tail_lo = M::f64(g_lo, t, product_error + correction);
    let h = f64::from_bits(a.to_bits() & 0xFFFF_FFFF_F800_0000);
    let (q, n) = double::exp_split::<M>(-0.5 * (h * h), -0.5 * ((a - h) * (a + h)));
    (q, n, (scaled_tail, scaled_tail_lo))
}

/// `c + u (1 + q) 2^m` for double-doubles `u` and `q` (`|q| < 1/2`), where `c` is 0 or at
/// least `|u (1 + q) 2^m|`: rounded once but for terms below 2^-100 of the result (and where
/// `u (1 + q) 2^m` is subnormal).
#[inline(always)]
fn add_scaled<M: MulAdd>(c: f64, u: (f64, f64), q: (f64, f64), m: i64) -> f64 {
    let (uq, uq_error) = M::two_prod_f64(u.0, q.0);
    let (s, s_error) = double::fast_two_sum(u.0, uq);
    let low = s_error + uq_error + M::f64(u.0, q.1, M::f64(u.1, q.0, u.1));
    let (v, v_error) = double::fast_two_sum(c, double::times_pow2(s, m));
    v + (v_error + double::times_pow2(low, m))
}

/// `x Φ(x)` for `f64`: on the left `x Φ(-a)`, on the right `x - a Φ(-a)`, each rounded once.
/// NaN comes through `x`; `-inf` gives NaN, as `-inf · 0` does in PyTorch.
#[inline(always)]
pub fn gelu_f64<M: MulAdd>(x: f64) -> f64 {
    let a = x.abs().min(TAIL_END_F64);
    let (q, n, scaled_tail) = tail_f64::<M>(a);
    let factor = if x > 0.0 { -a } else { x.max(-TAIL_END_F64) };
    let (u, u_error) = M::two_prod_f64(factor, scaled_tail.0);
    let u_lo = M::f64(factor, scaled_tail.1, u_error);
    let y = add_scaled::<M>(if x > 0.0 { x } else { 0.0 }, (u, u_lo), q, n - 1);
    // `x Φ(x)` has the sign of `x`, also where it is zero, which the sum can lose; the sum's
    // error terms are NaN at inf.
    if x.is_finite() {
        y.copysign(x)
    } else if x > 0.0 {
        x
    } else {
        x * 0.0
    }
}

/// `Φ(x) + x φ(x)` for `f64`: on the left `Φ(-a) - a φ(a) = 2^(n-1) (1 + q) (S - a √(2/π))`,
/// on the right one minus that, with `S - a √(2/π)` a double-double. Infinities give NaN, as
/// `±inf · 0` does in PyTorch.
#[inline(always)]
pub fn gelu_slope_f64<M: MulAdd>(x: f64) -> f64 {
    let a = x.abs().min(TAIL_END_F64);
    let (q, n, scaled_tail) = tail_f64::<M>(a);
    let (m, m_error) = M::two_prod_f64(a, SQRT_2_OVER_PI_F64);
    let (d, d_error) = double::two_sum(scaled_tail.0, -m);
    let d_lo = d_error + (scaled_tail.1 - M::f64(a, SQRT_2_OVER_PI_LO_F64, m_error));
    let (u, c) = if x > 0.0 {
        ((-d, -d_lo), 1.0)
    } else {
        ((d, d_lo), 0.0)
    };
    let y = add_scaled::<M>(c, u, q, n - 1);
    if x.is_finite() {
        y
    } else {
        x * 0.0
    }
}
