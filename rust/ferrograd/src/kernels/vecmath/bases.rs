//! `log2`, `log10` and `exp2` for both float types. They were compositions in Python: `log2` a
//! log, a scaling and five more passes to snap results at powers of 2 to integers (9 ms for 1M
//! float32), `exp2` a power whose gradient took four kernels.
//!
//! The logarithms are `ln x` times `1/ln b`. For `f32` that is `f64`'s `ln` and one product:
//! about 2^-51 relative, so a power of the base (exact in `f32`) rounds to its integer. For
//! `f64`, `ln x` is a double-double (`pow`'s `log_split`) and `1/ln b` too, so the product is
//! good to about 2^-64 and rounds once: within an ulp, and exact at the powers of the base.
//! `exp2` is `f64`'s `exp(x ln 2)` for `f32` and `pow`'s general power with the constant base
//! 2 for `f64`.

use super::pow::{log_split, Of, PowFloat};
use super::{double, Lane, MulAdd};

/// `1/ln 2` and `1/ln 10`, each in two parts.
const INV_LN2: (f64, f64) = (std::f64::consts::LOG2_E, 2.035_527_374_093_103_3e-17);
const INV_LN10: (f64, f64) = (std::f64::consts::LOG10_E, 1.098_319_650_216_765e-17);

/// `ln x / ln b` for `f64` `x`, `inverse` the two parts of `1/ln b`: C99's values at 0
/// (-inf), below 0 (NaN), at +inf and NaN.
#[inline(always)]
fn log_base_f64<M: MulAdd>(x: f64, (c, c_lo): (f64, f64)) -> f64 {
    let finite_positive = (x > 0.0) & (x < f64::INFINITY);
    let (hi, lo) = log_split::<M>(if finite_positive { x } else { 1.0 });
    let (p, p_lo) = M::two_prod_f64(hi, c);
    let v = p + (p_lo + (lo * c + hi * c_lo));
    if finite_positive {
        v
    } else if x == 0.0 {
        f64::NEG_INFINITY
    } else if x > 0.0 {
        x // +inf
    } else {
        f64::NAN // below 0, or NaN
    }
}

/// A float type's base-2 and base-10 logarithms and base-2 exponential.
pub(crate) trait BaseFloat: PowFloat {
    fn log2_with<M: MulAdd>(self) -> Self;
    fn log10_with<M: MulAdd>(self) -> Self;
    fn exp2_with<M: MulAdd>(self) -> Self;
}

impl BaseFloat for f32 {
    #[inline(always)]
    fn log2_with<M: MulAdd>(self) -> f32 {
        (double::log::<M>(f64::from(self)) * INV_LN2.0) as f32
    }
    #[inline(always)]
    fn log10_with<M: MulAdd>(self) -> f32 {
        (double::log::<M>(f64::from(self)) * INV_LN10.0) as f32
    }
    #[inline(always)]
    fn exp2_with<M: MulAdd>(self) -> f32 {
        // `x ln 2` rounds in `f64` by at most 2^-53 of 104: 2^-46 of the result
        double::exp::<M>(f64::from(self) * std::f64::consts::LN_2) as f32
    }
}

impl BaseFloat for f64 {
    #[inline(always)]
    fn log2_with<M: MulAdd>(self) -> f64 {
        log_base_f64::<M>(self, INV_LN2)
    }
    #[inline(always)]
    fn log10_with<M: MulAdd>(self) -> f64 {
        log_base_f64::<M>(self, INV_LN10)
    }
    #[inline(always)]
    fn exp2_with<M: MulAdd>(self) -> f64 {
        Of(2.0f64).apply::<M>(self)
    }
}

/// Which function a [`Base`] lane computes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum BaseFunction {
    Log2,
    Log10,
    Exp2,
}

/// `log2`, `log10` or `exp2` of each element (`K` a [`BaseFunction`] as `u8`).
#[derive(Clone, Copy)]
pub(crate) struct Base<const K: u8>;

impl<T: BaseFloat, const K: u8> Lane<T> for Base<K> {
    #[inline(always)]
    fn apply<M: MulAdd>(self, x: T) -> T {
        if K == BaseFunction::Log2 as u8 {
            x.log2_with::<M>()
        } else if K == BaseFunction::Log10 as u8 {
            x.log10_with::<M>()
        } else {
            x.exp2_with::<M>()
        }
    }
}

/// `f(x)` one element at a time, as the slice kernels compute it with `Rounded` steps.
#[inline(always)]
pub(crate) fn one<T: BaseFloat>(f: BaseFunction, x: T) -> T {
    use super::Rounded;
    match f {
        BaseFunction::Log2 => x.log2_with::<Rounded>(),
        BaseFunction::Log10 => x.log10_with::<Rounded>(),
        BaseFunction::Exp2 => x.exp2_with::<Rounded>(),
    }
}
