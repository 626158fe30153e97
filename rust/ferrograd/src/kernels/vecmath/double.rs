//! `f64` transcendentals as branch-free arithmetic (see `single.rs`): `exp`, `expm1`, `log`,
//! `log1p`, `tanh` and `sigmoid`, plus the reduction by π/2 that the `f32` sine and cosine use.
//! The polynomials are Taylor series taken far enough that the first term left out is below
//! 2^-60 of the result on the reduced range.

/// 1.5·2^52: adding it rounds an `f64` of magnitude below 2^51 to an integer, which then sits
/// in the low mantissa bits.
use super::{poly, Madd, MulAdd};

const ROUND: f64 = 6_755_399_441_055_744.0;
const ROUND_BITS: i64 = 0x4338_0000_0000_0000;
/// ln 2 in two parts: the first has 32 significant bits, so its product with any exponent is
/// exact.
pub(super) const LN2_HI: f64 = 0.693_147_180_369_123_8;
pub(super) const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;

/// `2^n` for `n` in the normal exponent range.
#[inline(always)]
fn pow2(n: i64) -> f64 {
    f64::from_bits((n.wrapping_add(1023) << 52) as u64)
}

/// A small integer as `f64`, through the rounding constant: packed `i64` to `f64` conversion
/// needs AVX-512DQ, so `as` would leave the loop scalar elsewhere.
#[inline(always)]
pub(super) fn int_to_f64(n: i64) -> f64 {
    f64::from_bits(n.wrapping_add(ROUND_BITS) as u64) - ROUND
}

/// `x = n ln2 + r_hi + r_lo` with `|r_hi| <= ln2 / 2`: `(n, n as f64, r_hi)`, where `r_hi` is
/// exact and `r_lo = -n LN2_LO`.
#[inline(always)]
fn reduce_ln2_hi(x: f64) -> (i64, f64, f64) {
    let t = x * std::f64::consts::LOG2_E + ROUND;
    let n = t - ROUND;
    let ni = (t.to_bits() as i64).wrapping_sub(ROUND_BITS);
    (ni, n, x - n * LN2_HI)
}

/// `x = n ln2 + r` with `|r| <= ln2 / 2`: `(n, r)`.
#[inline(always)]
pub(super) fn reduce_ln2(x: f64) -> (i64, f64) {
    let (ni, n, r) = reduce_ln2_hi(x);
    (ni, r - n * LN2_LO)
}

/// `a + b` exactly, as the rounded sum and its error (Knuth's TwoSum).
#[inline(always)]
pub fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let b_part = s - a;
    (s, (a - (s - b_part)) + (b - b_part))
}

/// `a + b` exactly for `|a| >= |b|` (Dekker's Fast2Sum).
#[inline(always)]
pub fn fast_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (s, b - (s - a))
}

/// `(e^r - 1 - r - r²/2) / r³` for `|r| <= ln2 / 2`, Taylor to `r^13`.
#[inline(always)]
fn expm1_tail<M: MulAdd>(r: f64) -> f64 {
    const C: [f64; 11] = {
        let mut c = [0.0; 11];
        let mut fact = 6.0;
        let mut k = 0;
        while k < 11 {
            c[k] = 1.0 / fact;
            fact *= (k + 4) as f64;
            k += 1;
        }
        c
    };
    poly::<M, f64>(r, &C)
}

/// `e^r - 1` for the reduced argument `|r| <= ln2 / 2` (a little more is fine).
#[inline(always)]
fn expm1_reduced<M: MulAdd>(r: f64) -> f64 {
    r + r * r * expm1_tail::<M>(r).madd::<M>(r, 0.5)
}

/// `v 2^n` for `n` down to -2044, in two halves, so that a subnormal result is rounded once and
/// a large one overflows to inf.
#[inline(always)]
pub fn times_pow2(v: f64, n: i64) -> f64 {
    let n1 = n >> 1;
    v * pow2(n1) * pow2(n - n1)
}

/// `e^(hi + lo) = 2^n (1 + q)` as `((q, q_lo), n)`, `q` a double-double good to about 2^-65
/// relative to `1 + q`, for `hi + lo` in `[-770, 0]` given in two parts, `|lo| <= |hi|` (see
/// the `f32` version: rounding the argument to one `f64` would cost up to `|hi| 2^-53` of
/// relative error, 380 ulp near -760). The reduced argument keeps what its rounding lost, and
/// `q = r + r² P(r)` is summed exactly.
#[inline(always)]
pub fn exp_split<M: MulAdd>(hi: f64, lo: f64) -> ((f64, f64), i64) {
    let sum = hi + lo;
    let (n, nf, r_exact) = reduce_ln2_hi(sum);
    let (r, r_lo) = fast_two_sum(r_exact, (lo - (sum - hi)) - nf * LN2_LO);
    let (q, q_lo) = fast_two_sum(r, r * r * expm1_tail::<M>(r).madd::<M>(r, 0.5));
    ((q, M::f64(r_lo, 1.0 + q, q_lo)), n)
}

/// `e^x`, scaled by 2^n in two halves so that subnormal results are rounded once and large
/// ones overflow to inf.
#[inline(always)]
pub fn exp<M: MulAdd>(x: f64) -> f64 {
    // Below -746 the result is 0, computed without the subnormal scaling (see the `f32`
    // version: -inf inputs were 10x slower).
    let zero = x < -746.0;
    let (n, r) = reduce_ln2(if zero { 0.0 } else { x.clamp(-746.0, 710.0) });
    let y = times_pow2(1.0 + expm1_reduced::<M>(r), n);
    if x.is_nan() {
        x
    } else if zero {
        0.0
    } else {
        y
    }
}

/// `e^x - 1`, accurate near 0: `2^n (expm1(r) + 1 - 2^-n)` (see the `f32` version).
#[inline(always)]
pub fn expm1<M: MulAdd>(x: f64) -> f64 {
    let (n, r) = reduce_ln2(x.clamp(-40.0, 710.0));
    let y = times_pow2(expm1_reduced::<M>(r) + (1.0 - pow2(-n.min(60))), n);
    if x.is_nan() | (x == 0.0) {
        x
    } else {
        y
    }
}

/// `a = 2^e m` for finite `a > 0` (subnormals too; other values give garbage for the caller to
/// replace), `m` in `[√½, √2)`: `(e, m)`.
#[inline(always)]
pub(super) fn split_exponent(a: f64) -> (i64, f64) {
    const SQRT_HALF_BITS: i64 = 0x3FE6_A09E_667F_3BCD;
    let subnormal = a < f64::MIN_POSITIVE;
    let scaled = if subnormal {
        a * 18_014_398_509_481_984.0
    } else {
        a
    };
    let k = (scaled.to_bits() as i64).wrapping_sub(SQRT_HALF_BITS);
    let e = (k >> 52) - if subnormal { 54 } else { 0 };
    (
        e,
        f64::from_bits(((k & 0x000F_FFFF_FFFF_FFFF) + SQRT_HALF_BITS) as u64),
    )
}

/// `log(u) + c` for `u > 0`, with the special values of `u` settled (see the `f32` version);
/// `R` is taken to `s^20`.
#[inline(always)]
fn log_plus<M: MulAdd>(u: f64, c: f64) -> f64 {
    const R: [f64; 10] = {
        let mut r = [0.0; 10];
        let mut k = 0;
        while k < 10 {
            r[k] = 2.0 / (2 * k + 3) as f64;
            k += 1;
        }
        r
    };
    let (e, m) = split_exponent(u);
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let r = z * poly::<M, f64>(z, &R);
    let hfsq = 0.5 * f * f;
    let ef = int_to_f64(e);
    let y = ef * LN2_HI + (f - (hfsq - (s * (hfsq + r) + (ef * LN2_LO + c))));
    let y = if u == f64::INFINITY { u } else { y };
    let y = if u == 0.0 { f64::NEG_INFINITY } else { y };
    if u < 0.0 {
        f64::NAN
    } else if u.is_nan() {
        u
    } else {
        y
    }
}

/// The natural logarithm.
#[inline(always)]
pub fn log<M: MulAdd>(x: f64) -> f64 {
    log_plus::<M>(x, 0.0)
}

/// `log(1 + x)` (see the `f32` version).
#[inline(always)]
pub fn log1p<M: MulAdd>(x: f64) -> f64 {
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

/// Below 0.625, `x + x³ P(x²)` with `P` a least-squares fit (relative error 4e-17) of
/// `(tanh(x) - x) / x³`; above, `expm1(2|x|) / (expm1(2|x|) + 2)` with `x`'s sign, where the
/// quotient damps the error of `expm1` (past 22 `tanh` rounds to 1).
#[inline(always)]
pub fn tanh<M: MulAdd>(x: f64) -> f64 {
    const P: [f64; 11] = [
        -0.333_333_333_333_333_2,
        0.133_333_333_333_268_52,
        -0.053_968_253_961_558_42,
        0.021_869_488_265_869_36,
        -0.008_863_229_918_927_299,
        0.003_592_059_815_601_187_6,
        -0.001_455_314_159_225_995,
        0.000_587_454_746_361_262_2,
        -0.000_230_814_068_521_818_92,
        7.964_512_900_990_1e-5,
        -1.726_816_441_732_339_6e-5,
    ];
    let z = x * x;
    let p = poly::<M, f64>(z, &P);
    // `tanh` is odd: the sign of `x` also keeps -0, which `x + x (z p)` would lose.
    let small = (x + x * (z * p)).copysign(x);
    let a = x.abs();
    let a = if a > 22.0 { 22.0 } else { a };
    let em = expm1::<M>(a + a);
    let large = (em / (em + 2.0)).copysign(x);
    if a < 0.625 {
        small
    } else {
        large
    }
}

/// The logistic function, stable for either sign: `exp` only sees `-|x|`.
#[inline(always)]
pub fn sigmoid<M: MulAdd>(x: f64) -> f64 {
    let e = exp::<M>(-x.abs());
    if x >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}

/// `x = j π/2 + r` for `|x| < 2^20`: `(r, j mod 2^51)`. π/2 is taken in two parts, the first of
/// 33 bits (its product with `j` is exact), so `r` is good to about 2^-85 absolute: enough for
/// any `f32` argument in range.
#[inline(always)]
pub fn reduce_half_pi(x: f64) -> (f64, u64) {
    const PIO2_HI: f64 = 1.570_796_326_734_125_6;
    const PIO2_LO: f64 = 6.077_100_506_506_192e-11;
    let t = x * std::f64::consts::FRAC_2_PI + ROUND;
    let j = t - ROUND;
    ((x - j * PIO2_HI) - j * PIO2_LO, t.to_bits())
}
