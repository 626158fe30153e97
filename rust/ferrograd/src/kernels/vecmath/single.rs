//! `f32` transcendentals as branch-free arithmetic: every special case is a select, so a loop
//! over a slice compiles to vector code. `exp`, `expm1`, `log`, `log1p`, `tanh` and `sigmoid`
//! work in `f32`; `sin` and `cos` work in `f64` internally (an exact range reduction). The
//! polynomials' steps are `M`'s `a·b + c` (fused in the FMA loops, see `vecmath/mod.rs`).
//! Error bounds are in `vecmath/tests.rs`.

use super::{double, poly, Madd, MulAdd};

/// 1.5·2^23: adding it rounds an `f32` of magnitude below 2^22 to an integer, which then sits
/// in the low mantissa bits.
const ROUND: f32 = 12_582_912.0;
/// ln 2 in two parts: the first has 9 significant bits, so its product with any exponent is
/// exact.
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;

/// `2^n` for `n` in the normal exponent range.
#[inline(always)]
fn pow2(n: i32) -> f32 {
    f32::from_bits((n.wrapping_add(127) << 23) as u32)
}

/// The integer `n` that adding [`ROUND`] left in `shifted`'s low mantissa bits, as
/// `(n as f32, n)`.
#[inline(always)]
fn rounded_integer(shifted: f32) -> (f32, i32) {
    (
        shifted - ROUND,
        (shifted.to_bits() as i32).wrapping_sub(0x4B40_0000),
    )
}

/// `x = n ln2 + r` with `|r| <= ln2 / 2`: `(n as f32, n, r)`.
#[inline(always)]
fn reduce_ln2(x: f32) -> (f32, i32, f32) {
    let (n, ni) = rounded_integer(x * std::f32::consts::LOG2_E + ROUND);
    (n, ni, x - n * LN2_HI - n * LN2_LO)
}

/// `e^x` (Cephes' `expf` polynomial on the reduced argument). The result is scaled by 2^n in
/// two halves, so that subnormal results are rounded once and large ones overflow to inf.
#[inline(always)]
pub fn exp<M: MulAdd>(x: f32) -> f32 {
    // Below -104 the result is 0, but scaling it there passes through a subnormal, and x86
    // takes a microcode assist for each vector holding one: a slice of -inf (masked scores)
    // ran 10x slower. Those lanes compute `exp(0)` instead and are replaced by 0, the value
    // the scaling gave them.
    let zero = x < -104.0;
    let (_, n, r) = reduce_ln2(if zero { 0.0 } else { x.clamp(-104.0, 88.8) });
    let y = exp_reduced::<M>(n, r);
    if x.is_nan() {
        x
    } else if zero {
        0.0
    } else {
        y
    }
}

/// `e^(-a²/2) = 2^n e^(-u/2)` as `(u, n)`, for `a` in `[0, 14.5]`, with `|u| <= ln 2` (a hair
/// more after rounding): `u = a² + 2n ln2`, where `a²` enters as its rounded value plus that
/// rounding's exact error (a fused multiply-add), so the argument keeps its accuracy where
/// `a²/2` nears 100 (rounding `a²` alone cost up to 100 ulp there). The caller may correct `u`
/// before [`expm1_minus_half`] turns it into `e^(-u/2) - 1`.
#[inline(always)]
pub fn exp_minus_half_square<M: MulAdd>(a: f32) -> (f32, i32) {
    let square = a * a;
    let square_error = M::fused_f32(a, a, -square);
    let (n, ni) = rounded_integer(M::f32(square, -0.5 * std::f32::consts::LOG2_E, ROUND));
    // Exact: `2n ln2_hi` is, and `a²` lies within a factor of two of it unless `n` is 0.
    let u = M::f32(n, 2.0 * LN2_HI, square);
    (M::f32(n, 2.0 * LN2_LO, u) + square_error, ni)
}

/// `e^(-u/2) - 1` for `|u| <= 0.7`, as `u H(u)`: `H` fitted by
/// `scripts/fit_vecmath_polynomials.py` (relative error 1.5e-8, coefficients rounded as
/// fitted), its leading coefficient the exact -1/2.
#[inline(always)]
pub fn expm1_minus_half<M: MulAdd>(u: f32) -> f32 {
    const H: [f32; 6] = [
        -0.5,
        0.124_999_99,
        -0.020_833_176,
        0.002_604_215_4,
        -0.000_261_469_1,
        2.167_272_8e-5,
    ];
    u * poly::<M, f32>(u, &H)
}

/// `v 2^n` for `n` in `[-189, 64]`: a product by a normal power of two and one by `2^-64`,
/// which is exact unless the result is subnormal, and then its only rounding.
#[inline(always)]
pub fn scale_down(v: f32, n: i32) -> f32 {
    v * pow2(n + 64) * pow2(-64)
}

/// `e^r - 1` for the reduced argument `|r| <= ln2 / 2` (a little more is fine).
#[inline(always)]
fn expm1_reduced<M: MulAdd>(r: f32) -> f32 {
    const P: [f32; 6] = [
        0.5,
        1.666_666_5e-1,
        4.166_579_6e-2,
        8.333_452e-3,
        1.398_199_9e-3,
        1.987_569_2e-4,
    ];
    poly::<M, f32>(r, &P).madd::<M>(r * r, r)
}

/// `v 2^n` for `n` down to -252, in two halves, so that a subnormal result is rounded once and
/// a large one overflows to inf.
#[inline(always)]
fn times_pow2(v: f32, n: i32) -> f32 {
    let n1 = n >> 1;
    v * pow2(n1) * pow2(n - n1)
}

/// `2^n e^r` for the reduced argument `|r| <= ln2 / 2` (a little more is fine).
#[inline(always)]
fn exp_reduced<M: MulAdd>(n: i32, r: f32) -> f32 {
    times_pow2(expm1_reduced::<M>(r) + 1.0, n)
}

/// `e^x - 1`, accurate near 0: `2^n (expm1(r) + 1 - 2^-n)`, where `1 - 2^-n` is exact for the
/// exponents at which it matters and `expm1(r)` is its Taylor series to `r^8`.
#[inline(always)]
pub fn expm1<M: MulAdd>(x: f32) -> f32 {
    let (_, n, r) = reduce_ln2(x.clamp(-20.0, 88.8));
    const Q: [f32; 6] = [
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5040.0,
        1.0 / 40320.0,
    ];
    let em = r + r * r * poly::<M, f32>(r, &Q).madd::<M>(r, 0.5);
    let n1 = n >> 1;
    let y = (em + (1.0 - pow2(-n.min(30)))) * pow2(n1) * pow2(n - n1);
    // `x == 0` keeps the sign of zero, which `em + 0` would lose.
    if x.is_nan() | (x == 0.0) {
        x
    } else {
        y
    }
}

/// `log(u) + c`, for `u > 0` (its special values are settled here too): `u = 2^e m` with `m`
/// in `[sqrt(1/2), sqrt(2))`, and `log m = f - f²/2 + s (f²/2 + R(s²))` with `f = m - 1`,
/// `s = f / (2 + f)` and `R` the series of `2 atanh(s) - 2s` over `s`, so that the leading
/// term `f` is exact.
#[inline(always)]
fn log_plus<M: MulAdd>(u: f32, c: f32) -> f32 {
    const SQRT_HALF_BITS: i32 = 0x3F35_04F3;
    let subnormal = u < f32::MIN_POSITIVE;
    let us = if subnormal { u * 8_388_608.0 } else { u };
    let k = (us.to_bits() as i32).wrapping_sub(SQRT_HALF_BITS);
    let e = (k >> 23) - if subnormal { 23 } else { 0 };
    let m = f32::from_bits(((k & 0x007F_FFFF) + SQRT_HALF_BITS) as u32);
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let r = z * poly::<M, f32>(z, &[2.0 / 3.0, 2.0 / 5.0, 2.0 / 7.0, 2.0 / 9.0, 2.0 / 11.0]);
    let hfsq = 0.5 * f * f;
    let ef = e as f32;
    let y = ef * LN2_HI + (f - (hfsq - (s * (hfsq + r) + (ef * LN2_LO + c))));
    let y = if u == f32::INFINITY { u } else { y };
    let y = if u == 0.0 { f32::NEG_INFINITY } else { y };
    if u < 0.0 {
        f32::NAN
    } else if u.is_nan() {
        u
    } else {
        y
    }
}

/// The natural logarithm.
#[inline(always)]
pub fn log<M: MulAdd>(x: f32) -> f32 {
    log_plus::<M>(x, 0.0)
}

/// `log(1 + x)`: the log of `u = 1 + x` rounded, plus `(x - (u - 1)) / u`, the first-order
/// correction for that rounding.
#[inline(always)]
pub fn log1p<M: MulAdd>(x: f32) -> f32 {
    let u = 1.0 + x;
    let c = (x - (u - 1.0)) / u;
    let c = if u == 0.0 { 0.0 } else { c };
    let y = log_plus::<M>(u, c);
    if x == 0.0 {
        x
    } else {
        y
    }
}

/// `expm1(2|x|) / (expm1(2|x|) + 2)` with `x`'s sign: no cancellation at any size, and `|x|`
/// stops at 9.1, past which `tanh` rounds to 1.
#[inline(always)]
pub fn tanh<M: MulAdd>(x: f32) -> f32 {
    let a = x.abs();
    let a = if a > 9.1 { 9.1 } else { a };
    let em = expm1::<M>(a + a);
    (em / (em + 2.0)).copysign(x)
}

/// The logistic function, stable for either sign: `exp` only sees `-|x|`.
#[inline(always)]
pub fn sigmoid<M: MulAdd>(x: f32) -> f32 {
    let e = exp::<M>(-x.abs());
    if x >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}

/// Below this magnitude the vector sine and cosine reduce their argument exactly enough; the
/// slice kernels recompute larger arguments with [`sin`] and [`cos`].
pub const TRIG_LIMIT: f32 = 1_048_576.0;

/// `x = j π/2 + r` with `|r| <= π/4` (`|x| < TRIG_LIMIT`): `(sin r, cos r, j)` in `f64`.
#[inline(always)]
fn sin_cos_of_reduced<M: MulAdd>(x: f32) -> (f64, f64, u64) {
    let (r, q) = double::reduce_half_pi(x as f64);
    let r2 = r * r;
    const S: [f64; 5] = [
        -1.0 / 6.0,
        1.0 / 120.0,
        -1.0 / 5040.0,
        1.0 / 362_880.0,
        -1.0 / 39_916_800.0,
    ];
    const C: [f64; 5] = [
        1.0 / 24.0,
        -1.0 / 720.0,
        1.0 / 40320.0,
        -1.0 / 3_628_800.0,
        1.0 / 479_001_600.0,
    ];
    let s = r + r * r2 * poly::<M, f64>(r2, &S);
    let c = 1.0 - 0.5 * r2 + r2 * r2 * poly::<M, f64>(r2, &C);
    (s, c, q)
}

/// `sin(x)` and `cos(x)` for `|x| < TRIG_LIMIT`, computed in `f64`: `x = j π/2 + r` with
/// `|r| <= π/4`, then both Taylor series of `r` and the quadrant's pick. `shift` is 0 for the
/// sine and 1 for the cosine (a quarter turn on).
#[inline(always)]
fn sin_quadrant<M: MulAdd>(x: f32, shift: u64) -> f32 {
    let (s, c, q) = sin_cos_of_reduced::<M>(x);
    let q = q.wrapping_add(shift);
    let v = if q & 1 == 0 { s } else { c };
    let v = if q & 2 == 0 { v } else { -v };
    // The sine of -0 is -0, which the series' `r + ...` turns into +0.
    if (shift == 0) & (x == 0.0) {
        x
    } else {
        v as f32
    }
}

/// The branch-free sine, exact below [`TRIG_LIMIT`].
#[inline(always)]
pub fn sin_reduced<M: MulAdd>(x: f32) -> f32 {
    sin_quadrant::<M>(x, 0)
}

/// The branch-free cosine, exact below [`TRIG_LIMIT`].
#[inline(always)]
pub fn cos_reduced<M: MulAdd>(x: f32) -> f32 {
    sin_quadrant::<M>(x, 1)
}

/// The branch-free tangent below [`TRIG_LIMIT`]: `sin r / cos r`, or `-cos r / sin r` an odd
/// number of quarter turns on, divided in `f64` and rounded once.
#[inline(always)]
pub fn tan_reduced<M: MulAdd>(x: f32) -> f32 {
    let (s, c, q) = sin_cos_of_reduced::<M>(x);
    let v = if q & 1 == 0 { s / c } else { -c / s };
    // The tangent of -0 is -0, which the series' `r + ...` turns into +0.
    if x == 0.0 {
        x
    } else {
        v as f32
    }
}

/// `tan(x)` for any `x`: the libm tangent of the `f64` value beyond [`TRIG_LIMIT`].
#[inline(always)]
pub fn tan<M: MulAdd>(x: f32) -> f32 {
    if x.abs() < TRIG_LIMIT {
        tan_reduced::<M>(x)
    } else {
        (x as f64).tan() as f32
    }
}

/// `sin(x)` for any `x`: the libm sine of the `f64` value beyond [`TRIG_LIMIT`].
#[inline(always)]
pub fn sin<M: MulAdd>(x: f32) -> f32 {
    if x.abs() < TRIG_LIMIT {
        sin_reduced::<M>(x)
    } else {
        (x as f64).sin() as f32
    }
}

/// `cos(x)` for any `x`: the libm cosine of the `f64` value beyond [`TRIG_LIMIT`].
#[inline(always)]
pub fn cos<M: MulAdd>(x: f32) -> f32 {
    if x.abs() < TRIG_LIMIT {
        cos_reduced::<M>(x)
    } else {
        (x as f64).cos() as f32
    }
}
