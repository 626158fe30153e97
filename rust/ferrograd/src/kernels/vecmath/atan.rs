//! `atan2` for both float types as branch-free arithmetic, with slice kernels for two arrays of
//! one shape and for a constant on either side, and `atan`, `asin`, `acos` on top of it
//! (`atan(x)` is `atan2(x, 1)`; `asin` and `acos` are `atan2` of `x` and `√(1 - x²)`). libm's `atan2f`/`atan2` ran one element at a time:
//! 14 ms forward for 1M float32 against PyTorch's ~1.5.
//!
//! The angle of `(|x|, |y|)` comes from `atan(t)` with `t = min / max` in [0, 1], as
//! `t + t·u·P(u)` (`u = t²`); `P` interpolates `(atan(√u)/√u - 1)/u` at Chebyshev nodes of
//! [0, 1] (computed at 60 digits; 22 coefficients to 2^-56 relative for `f64`, 12 to 2^-34 for
//! `f32`, whose whole computation is in `f64` and rounds once). The quadrant then makes it
//! `c ± atan(t)` with `c` one of 0, π/2, π. For `f64` the quotient's rounding error is carried
//! as the exact residual `max·t - min` (one fused step), and `c`'s two parts and the sum with
//! `t` are added without rounding error (TwoSum), so the result is within about one ulp.

use std::f64::consts::{FRAC_PI_2, PI};

use super::double::two_sum;
use super::{poly_estrin, Lane, Lane2, MulAdd, Rounded};

/// `P(u)` for `f64` results: `atan(t) = t + t·u·P(u)` to 2^-56 relative on `t` in [0, 1].
const ATAN_F64: [f64; 22] = [
    -0.333_333_333_333_333_3,
    0.199_999_999_999_999_2,
    -0.142_857_142_857_012_34,
    0.111_111_111_102_682_97,
    -0.090_909_090_619_352_8,
    0.076_923_070_788_270_29,
    -0.066_666_579_345_737_68,
    0.058_822_644_167_764_49,
    -0.052_624_922_290_256_754,
    0.047_580_800_836_378_21,
    -0.043_306_538_430_670_664,
    0.039_386_875_407_986_32,
    -0.035_271_331_066_871_296,
    0.030_330_719_265_790_507,
    -0.024_191_345_810_140_718,
    0.017_183_981_722_113_35,
    -0.010_412_153_260_359_241,
    0.005_140_912_856_746_939,
    -0.001_961_255_427_168_532_6,
    0.000_537_683_929_739_624_4,
    -9.371_186_345_052_626e-5,
    7.767_624_330_289_919e-6,
];

/// `P(u)` for `f32` results (computed in `f64`): to 2^-34 relative.
const ATAN_F32: [f64; 12] = [
    -0.333_333_333_269_441_4,
    0.199_999_981_540_862_15,
    -0.142_856_248_914_835_25,
    0.111_093_923_083_222_23,
    -0.090_735_531_189_764_09,
    0.075_866_528_336_466_7,
    -0.062_463_151_941_283_17,
    0.047_294_798_621_813_336,
    -0.029_913_111_945_516_96,
    0.014_072_923_344_697_239,
    -0.004_221_657_990_929_647_6,
    0.000_593_043_755_636_528_2,
];

const TWO_200: f64 = 1.606_938_044_258_990_3e60;
const TWO_900: f64 = 8.452_712_498_170_644e270;

/// The parts of π/2 and π below their `f64` roundings.
const FRAC_PI_2_LO: f64 = 6.123_233_995_736_766e-17;
const PI_LO: f64 = 1.224_646_799_147_353_2e-16;

/// `atan2(y + y_lo, x + x_lo)` in `f64` with the polynomial `coefficients` (`y_lo`, `x_lo`
/// below half an ulp of `y`, `x`: an operand known more precisely than one `f64`); `exact_quotient` carries the rounding error of `t` and the low parts, and adds the
/// quadrant's constant without rounding (for `f64` results).
#[inline(always)]
fn atan2_with<M: MulAdd>(
    (y, y_lo): (f64, f64),
    (x, x_lo): (f64, f64),
    coefficients: &[f64],
    exact_quotient: bool,
) -> f64 {
    let (ax, ay) = (x.abs(), y.abs());
    let steep = ay > ax;
    let (small, large) = if steep { (ax, ay) } else { (ay, ax) };
    // the low parts of `|x|` and `|y|`
    let (ax_lo, ay_lo) = (
        if x < 0.0 { -x_lo } else { x_lo },
        if y < 0.0 { -y_lo } else { y_lo },
    );
    let (small_lo, large_lo) = if steep {
        (ax_lo, ay_lo)
    } else {
        (ay_lo, ax_lo)
    };
    // Two infinities make the angle a quadrant's diagonal (t = 1); two zeros, or an infinite
    // larger side, make t = 0. The substitutes keep every step below finite.
    let both_infinite = small == f64::INFINITY;
    let degenerate = both_infinite | (large == f64::INFINITY) | (large == 0.0);
    let num = if both_infinite {
        1.0
    } else if degenerate {
        0.0
    } else {
        small
    };
    let den = if degenerate { 1.0 } else { large };
    // For the residual below, both are brought near 1 when far from it: exact (powers of two),
    // and it keeps the exact product of [`Rounded`] from overflowing and the residual of two
    // subnormals from underflowing. A quotient that this makes subnormal was below 2^-1700.
    let scale = if !exact_quotient {
        1.0
    } else if den > TWO_900 {
        1.0 / TWO_200
    } else if den < 1.0 / TWO_900 {
        TWO_200
    } else {
        1.0
    };
    let (num, den) = (num * scale, den * scale);
    let (num_lo, den_lo) = if degenerate {
        (0.0, 0.0)
    } else {
        (small_lo * scale, large_lo * scale)
    };
    let t = num / den;
    let u = t * t;
    let mut tail = t * (u * poly_estrin::<M>(u, coefficients));
    if exact_quotient {
        // atan(t + d) = atan(t) + d / (1 + t²) to first order, d = (num - den·t) / den.
        let residual = M::fused_f64(-t, den, num) + (num_lo - t * den_lo);
        tail += residual / den / (1.0 + u);
    }
    // The angle in [0, π] is `c + s·atan(t)`: steep, the complement of π/2; x < 0, the
    // supplement of the result so far.
    let left = x.is_sign_negative();
    let s = if steep ^ left { -1.0 } else { 1.0 };
    let (c, c_lo) = match (steep, left) {
        (true, _) => (FRAC_PI_2, FRAC_PI_2_LO),
        (false, true) => (PI, PI_LO),
        (false, false) => (0.0, 0.0),
    };
    let angle = if exact_quotient {
        let (head, error) = two_sum(c, s * t);
        head + (error + (c_lo + s * tail))
    } else {
        c + s * (t + tail)
    };
    if x.is_nan() | y.is_nan() {
        x + y
    } else {
        angle.copysign(y)
    }
}

/// `√(1 - x²)`, the cosine of `asin(x)` (NaN outside [-1, 1]), as a value and the part of the
/// exact root below it when `precise` (else 0): `1 - x²` is taken exactly in two parts, and
/// the root's residual corrects it to first order. Without it the root's two roundings cost
/// `f64`'s `acos` up to 2 ulp.
#[inline(always)]
fn cosine_of_asin<M: MulAdd>(x: f64, precise: bool) -> (f64, f64) {
    if !precise {
        // for `f32` inputs, `x²` is exact in `f64`
        return ((1.0 - x * x).sqrt(), 0.0);
    }
    let (square, square_lo) = M::two_prod_f64(x, x);
    let (head, tail) = two_sum(1.0, -square);
    let w = head + (tail - square_lo);
    let w_lo = (head - w) + (tail - square_lo);
    let s = w.sqrt();
    let s_lo = (M::fused_f64(-s, s, w) + w_lo) / (2.0 * s);
    (s, if s == 0.0 { 0.0 } else { s_lo })
}

/// `atan2` and the inverse functions built on it, for one float type.
pub(crate) trait Atan2Float: Copy {
    fn atan2_with<M: MulAdd>(self, x: Self) -> Self;
    /// `atan(x) = atan2(x, 1)`.
    fn atan_with<M: MulAdd>(self) -> Self;
    /// `asin(x) = atan2(x, √(1 - x²))`.
    fn asin_with<M: MulAdd>(self) -> Self;
    /// `acos(x) = atan2(√(1 - x²), x)`.
    fn acos_with<M: MulAdd>(self) -> Self;
}

/// `Atan2Float` for `$t`, computed in `f64` with the coefficients `$c`; `$exact`: whether the
/// quotient's error is carried.
macro_rules! atan2_float {
    ($t:ty, $c:expr, $exact:expr) => {
        impl Atan2Float for $t {
            #[inline(always)]
            fn atan2_with<M: MulAdd>(self, x: $t) -> $t {
                let (y, x) = ((f64::from(self), 0.0), (f64::from(x), 0.0));
                atan2_with::<M>(y, x, &$c, $exact) as $t
            }
            #[inline(always)]
            fn atan_with<M: MulAdd>(self) -> $t {
                atan2_with::<M>((f64::from(self), 0.0), (1.0, 0.0), &$c, $exact) as $t
            }
            #[inline(always)]
            fn asin_with<M: MulAdd>(self) -> $t {
                let x = f64::from(self);
                atan2_with::<M>((x, 0.0), cosine_of_asin::<M>(x, $exact), &$c, $exact) as $t
            }
            #[inline(always)]
            fn acos_with<M: MulAdd>(self) -> $t {
                let x = f64::from(self);
                atan2_with::<M>(cosine_of_asin::<M>(x, $exact), (x, 0.0), &$c, $exact) as $t
            }
        }
    };
}

// `f32` computes in `f64` and rounds once.
atan2_float!(f32, ATAN_F32, false);
atan2_float!(f64, ATAN_F64, true);

/// `atan2(y, x)` one element at a time, as the slice kernels compute it with [`Rounded`] steps.
#[inline(always)]
pub(crate) fn atan2<T: Atan2Float>(y: T, x: T) -> T {
    y.atan2_with::<Rounded>(x)
}

/// `atan(x)` one element at a time (see [`atan2`]).
#[inline(always)]
pub(crate) fn atan<T: Atan2Float>(x: T) -> T {
    x.atan_with::<Rounded>()
}

/// `asin(x)` one element at a time (see [`atan2`]).
#[inline(always)]
pub(crate) fn asin<T: Atan2Float>(x: T) -> T {
    x.asin_with::<Rounded>()
}

/// `acos(x)` one element at a time (see [`atan2`]).
#[inline(always)]
pub(crate) fn acos<T: Atan2Float>(x: T) -> T {
    x.acos_with::<Rounded>()
}

/// The inverse tangent, sine or cosine of each element (`K` an [`Inverse`] as `u8`).
#[derive(Clone, Copy)]
pub(crate) struct Arc<const K: u8>;

/// Which function an [`Arc`] lane computes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Inverse {
    Tangent,
    Sine,
    Cosine,
}

impl<T: Atan2Float + Send + Sync, const K: u8> Lane<T> for Arc<K> {
    #[inline(always)]
    fn apply<M: MulAdd>(self, x: T) -> T {
        if K == Inverse::Tangent as u8 {
            x.atan_with::<M>()
        } else if K == Inverse::Sine as u8 {
            x.asin_with::<M>()
        } else {
            x.acos_with::<M>()
        }
    }
}

/// `(y, x) ↦ atan2(y, x)` over two slices.
#[derive(Clone, Copy)]
pub(super) struct Angle;

impl<T: Atan2Float + Send + Sync> Lane2<T> for Angle {
    #[inline(always)]
    fn apply<M: MulAdd>(self, y: T, x: T) -> T {
        y.atan2_with::<M>(x)
    }
}

/// `y ↦ atan2(y, x)` for a constant `x`.
#[derive(Clone, Copy)]
pub(super) struct Over<T>(pub(super) T);

impl<T: Atan2Float + Send + Sync> Lane<T> for Over<T> {
    #[inline(always)]
    fn apply<M: MulAdd>(self, y: T) -> T {
        y.atan2_with::<M>(self.0)
    }
}

/// `x ↦ atan2(y, x)` for a constant `y`.
#[derive(Clone, Copy)]
pub(super) struct Under<T>(pub(super) T);

impl<T: Atan2Float + Send + Sync> Lane<T> for Under<T> {
    #[inline(always)]
    fn apply<M: MulAdd>(self, x: T) -> T {
        self.0.atan2_with::<M>(x)
    }
}
