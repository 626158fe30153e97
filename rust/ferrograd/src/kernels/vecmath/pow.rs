//! `pow` for `f32` and `f64` as branch-free arithmetic, and its slice kernels for a constant
//! exponent (`x ** 2.5`) or a constant base (`2 ** x`).
//!
//! `|x|^y` is `e^(y ln|x|)`; the signs, zeros, infinities and NaNs of C99's `pow` (which
//! PyTorch follows) are settled afterwards by selects ([`settle`]). An `f32` power is computed
//! in `f64` to about 2^-40, so that only the final rounding shows. An `f64` power needs `ln|x|`
//! to about 2^-64 relative (the product with `y` may reach 745, and its error becomes the
//! result's relative error), so [`log_split`] gives it as a double-double and
//! `double::exp_split` takes the product as one. Measured against libm's `f64` `pow`: at most
//! 0.5 ulp for `f32` (the rounding), 1 ulp for `f64` (`vecmath/tests/pow.rs`).
//!
//! The exponents PyTorch computes by cheaper means (2 as `x·x`, 3, -1, -2, 0.5 as `sqrt`, -0.5
//! as `1/sqrt`) are computed the same way here ([`Power`]), so `x ** 2` gives the bits of
//! `x * x` (and `(-0.0) ** 0.5` is PyTorch's `-0.0`, as `sqrt`).
//!
//! The gradient for the base, `g·y·x^(y-1)`, has its own one-pass kernel ([`times_slope`]),
//! rounded as the chain rule op by op.

use std::mem::MaybeUninit;
use std::ops::{Mul, Sub};

use super::double::{self, fast_two_sum, two_sum};
use super::{map_array, parallel, poly_estrin, Isa, Lane, Lane2, MulAdd, Rounded};
use crate::array::{DType, Element, NdArray};
use crate::error::Result;
use crate::kernels::cpu::map::Strided;

/// The exponents with a cheaper exact form, as PyTorch picks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Power {
    Identity,
    Square,
    Cube,
    Reciprocal,
    ReciprocalSquare,
    Sqrt,
    ReciprocalSqrt,
    /// Any other exponent: `e^(y ln|x|)` with C99's special values.
    General,
}

impl Power {
    pub(crate) fn of(y: f64) -> Power {
        match y {
            1.0 => Power::Identity,
            2.0 => Power::Square,
            3.0 => Power::Cube,
            -1.0 => Power::Reciprocal,
            -2.0 => Power::ReciprocalSquare,
            0.5 => Power::Sqrt,
            -0.5 => Power::ReciprocalSqrt,
            _ => Power::General,
        }
    }
}

/// An element type with a vector `pow`.
pub(crate) trait PowFloat: Copy + Send + Sync + 'static {
    fn to_f64(self) -> f64;
    /// `self^y` by one of the cheaper forms (never [`Power::General`]).
    fn power(self, p: Power) -> Self;
    /// `self^y` through `e^(y ln|self|)`, with C99's special values.
    fn general<M: MulAdd>(self, y: Self) -> Self;
}

macro_rules! pow_float {
    ($t:ty, $general:ident) => {
        impl PowFloat for $t {
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn power(self, p: Power) -> Self {
                match p {
                    Power::Identity => self,
                    Power::Square => self * self,
                    Power::Cube => self * self * self,
                    Power::Reciprocal => 1.0 / self,
                    Power::ReciprocalSquare => 1.0 / (self * self),
                    Power::Sqrt => self.sqrt(),
                    Power::ReciprocalSqrt => 1.0 / self.sqrt(),
                    Power::General => unreachable!("the general power has its own path"),
                }
            }
            #[inline(always)]
            fn general<M: MulAdd>(self, y: Self) -> Self {
                $general::<M>(self, y)
            }
        }
    };
}

pow_float!(f32, pow_f32);
pow_float!(f64, pow_f64);

/// `x^y` one element at a time, as the slice kernels compute it with [`Rounded`] steps.
#[inline(always)]
pub(crate) fn pow<T: PowFloat>(x: T, y: T) -> T {
    match Power::of(y.to_f64()) {
        Power::General => x.general::<Rounded>(y),
        p => x.power(p),
    }
}

/// 2^52: adding it to a non-negative `f64` below it rounds to an integer in the low bits.
const TWO_52: f64 = 4_503_599_627_370_496.0;

/// `x^y` given `magnitude`, `|x|^y` as `e^(y ln|x|)` computed with `ln 0 = -inf` and
/// `ln inf = inf` (so zeros and infinities of `x` already give the right magnitude): the signs,
/// the NaN of a negative base to a non-integer power, and C99's ones (`x^0`, `1^y`, `(-1)^±inf`).
#[inline(always)]
fn settle(x: f64, y: f64, magnitude: f64) -> f64 {
    let a = y.abs();
    let small = a < TWO_52;
    // Below 2^52 the sum is `a` rounded to an integer, whose parity is its last bit; from 2^52
    // on `a` is an integer already, and from 2^53 on an even one.
    let t = if small { a + TWO_52 } else { a };
    let integer = t - if small { TWO_52 } else { 0.0 } == a;
    let odd = integer & (a < 2.0 * TWO_52) & (t.to_bits() & 1 == 1);
    let unit = x.abs() == 1.0;
    // `|x| = 1` with an infinite or huge `y` makes `y ln|x|` a NaN or loses it.
    let v = if unit { 1.0 } else { magnitude };
    let v = if x.is_sign_negative() & odd { -v } else { v };
    let v = if (x < 0.0) & (x > f64::NEG_INFINITY) & !integer {
        f64::NAN
    } else {
        v
    };
    if (y == 0.0) | (x == 1.0) {
        1.0
    } else {
        v
    }
}

/// `x^y` for `f32`, in `f64`: `ln|x|` and `e^(y ln|x|)` to about 2^-40 relative (polynomials
/// shorter than `f64`'s own, by Estrin's scheme: the two in a row are a long dependency chain
/// otherwise), an error far below an `f32` ulp even after the product with `y` (at most 104 in
/// `f32`'s range).
#[inline(always)]
pub(crate) fn pow_f32<M: MulAdd>(x: f32, y: f32) -> f32 {
    /// `1/(2j+1)` for `j = 1..=7`: `ln m = 2s (1 + z/3 + z²/5 + ...)`, `z = s²`, to `z^7`.
    const LOG: [f64; 7] = [
        1.0 / 3.0,
        1.0 / 5.0,
        1.0 / 7.0,
        1.0 / 9.0,
        1.0 / 11.0,
        1.0 / 13.0,
        1.0 / 15.0,
    ];
    /// `1/k!` for `k = 0..=10`: `e^r` on `|r| <= ln2 / 2`.
    const EXP: [f64; 11] = {
        let mut c = [1.0; 11];
        let mut k = 1;
        while k < 11 {
            c[k] = c[k - 1] / k as f64;
            k += 1;
        }
        c
    };
    let (x, y) = (f64::from(x), f64::from(y));
    let a = x.abs();
    let (e, m) = double::split_exponent(a);
    let s = (m - 1.0) / (m + 1.0);
    let z = s * s;
    let ln = M::f64(
        double::int_to_f64(e),
        std::f64::consts::LN_2,
        2.0 * s + 2.0 * s * (z * poly_estrin::<M>(z, &LOG)),
    );
    let ln = if a == 0.0 { f64::NEG_INFINITY } else { ln };
    let ln = if a < f64::INFINITY { ln } else { a };
    let (n, r) = double::reduce_ln2((y * ln).clamp(-1000.0, 1000.0));
    let magnitude = double::times_pow2(poly_estrin::<M>(r, &EXP), n);
    settle(x, y, magnitude) as f32
}

/// `x^y` for `f64`: `y ln|x|` as a double-double, then `e` to that with the low part kept.
#[inline(always)]
pub(crate) fn pow_f64<M: MulAdd>(x: f64, y: f64) -> f64 {
    let a = x.abs();
    let (l, l_lo) = log_split::<M>(a);
    let l = if a == 0.0 { f64::NEG_INFINITY } else { l };
    // an infinite or NaN base keeps its `ln`
    let l = if a < f64::INFINITY { l } else { a };
    let (p, p_lo) = M::two_prod_f64(y, l);
    // Past ±1000 the result is 0 or inf either way; the clamp keeps the scaling in range and
    // drops the low part, a NaN when the product overflowed.
    let in_range = p.abs() < 1000.0;
    let p_lo = if in_range { M::f64(y, l_lo, p_lo) } else { 0.0 };
    let ((q, q_lo), n) = double::exp_split::<M>(p.clamp(-1000.0, 1000.0), p_lo);
    settle(x, y, double::times_pow2(1.0 + (q + q_lo), n))
}

/// `ln a` for finite `a > 0` as a double-double `(hi, lo)`, good to about 2^-66 relative.
///
/// `a = 2^e m` with `m` in `[√½, √2)`, and `ln m = 2 atanh(s) = 2s + t` with `s = (m-1)/(m+1)`,
/// `|s| < 0.172`, and `t = s³ (2/3 + 2s²/5 + ...)` (about `s²/3` of `2s`). `s` is taken as a
/// double-double, and so is `t` up to its polynomial's higher terms, whose rounding is then
/// far below 2^-66 of the whole. `|ln m| <= ln 2 / 2 <= |ln a|` for `e != 0`, so the sum with
/// `e ln 2` never cancels.
#[inline(always)]
pub(crate) fn log_split<M: MulAdd>(a: f64) -> (f64, f64) {
    /// `2/3` in two parts.
    const TWO_THIRDS: (f64, f64) = (0.666_666_666_666_666_6, 3.700_743_415_417_188e-17);
    /// `2/(2j+3)` for `j = 1..=11`: the terms after `2/3`, taken until `z^12` is below 2^-66.
    const REST: [f64; 11] = {
        let mut r = [0.0; 11];
        let mut j = 0;
        while j < 11 {
            r[j] = 2.0 / (2 * j + 5) as f64;
            j += 1;
        }
        r
    };
    let (e, m) = double::split_exponent(a);
    // `m - 1` is exact (Sterbenz); `m + 1` is kept in two parts.
    let f = m - 1.0;
    let (d, d_lo) = fast_two_sum(2.0, f);
    let inverse = 1.0 / d;
    let s = f * inverse;
    let s_lo = (M::fused_f64(-s, d, f) - s * d_lo) * inverse;
    let (z, z_lo) = M::two_prod_f64(s, s);
    let (q, q_lo) = fast_two_sum(TWO_THIRDS.0, z * poly_estrin::<M>(z, &REST));
    let q_lo = q_lo + TWO_THIRDS.1;
    let (sz, sz_lo) = M::two_prod_f64(s, z);
    let sz_lo = M::f64(s, z_lo, sz_lo);
    let (t, t_lo) = M::two_prod_f64(sz, q);
    let t_lo = t_lo + (sz * q_lo + sz_lo * q);
    // `2 atanh` has slope `2 / (1 - s²)` at `s`: that carries `s_lo` into the sum.
    let ef = double::int_to_f64(e);
    let (h, h_lo) = two_sum(ef * double::LN2_HI, 2.0 * s);
    let (h, h_lo2) = two_sum(h, t);
    let lo = (h_lo + h_lo2) + t_lo + 2.0 * s_lo * (1.0 + z) + ef * double::LN2_LO;
    fast_two_sum(h, lo)
}

// ---------------------------------------------------------------------------------------------
// Slice kernels
// ---------------------------------------------------------------------------------------------

/// `x ↦ x^y` by one of the cheaper forms, `P` a [`Power`] as `u8` (so the form is fixed
/// when the loop is compiled).
#[derive(Clone, Copy)]
struct Cheap<const P: u8>;

impl<T: PowFloat, const P: u8> Lane<T> for Cheap<P> {
    #[inline(always)]
    fn apply<M: MulAdd>(self, x: T) -> T {
        x.power(CHEAP[P as usize])
    }
}

/// The cheaper forms by their `u8` value (their place in `Power`'s declaration).
const CHEAP: [Power; 7] = [
    Power::Identity,
    Power::Square,
    Power::Cube,
    Power::Reciprocal,
    Power::ReciprocalSquare,
    Power::Sqrt,
    Power::ReciprocalSqrt,
];

const _: () = {
    let mut p = 0;
    while p < CHEAP.len() {
        assert!(
            CHEAP[p] as usize == p,
            "CHEAP follows Power's declaration order"
        );
        p += 1;
    }
};

/// `x ↦ x^y` for a constant `y`.
#[derive(Clone, Copy)]
pub(super) struct ToThe<T>(pub(super) T);

impl<T: PowFloat> Lane<T> for ToThe<T> {
    #[inline(always)]
    fn apply<M: MulAdd>(self, x: T) -> T {
        x.general::<M>(self.0)
    }
}

/// `y ↦ b^y` for a constant base `b`.
#[derive(Clone, Copy)]
pub(crate) struct Of<T>(pub(crate) T);

impl<T: PowFloat> Lane<T> for Of<T> {
    #[inline(always)]
    fn apply<M: MulAdd>(self, y: T) -> T {
        self.0.general::<M>(y)
    }
}

/// `(g, x) ↦ g·y·x^(y-1)`, the gradient of `x^y` for a constant `y != 0`, rounded as the
/// expression op by op: `(g·y)·x^(y-1)`, the power by `Cheap::<P>` or `ToThe`.
#[derive(Clone, Copy)]
struct Slope<T, L> {
    y: T,
    power: L,
}

impl<T: PowFloat + Mul<Output = T>, L: Lane<T>> Lane2<T> for Slope<T, L> {
    #[inline(always)]
    fn apply<M: MulAdd>(self, g: T, x: T) -> T {
        (g * self.y) * self.power.apply::<M>(x)
    }
}

/// A computation over the elements that a [`Lane`] for `x ↦ x^y` (of the form [`Power::of`]
/// picks for `y`) is plugged into, and the work per element (`parallel`'s cost) of that lane.
trait WithPower<T> {
    type Out;
    fn run<L: Lane<T>>(self, power: L, cost: usize) -> Self::Out;
}

/// `w` with the lane of `x ↦ x^y`: a `match` of the forms, each arm compiling `w`'s loop with
/// its form inlined.
fn with_power<T: PowFloat, W: WithPower<T>>(y: T, w: W) -> W::Out {
    macro_rules! arms {
        ($($p:ident)*) => {
            match Power::of(PowFloat::to_f64(y)) {
                Power::General => w.run(ToThe(y), parallel::VECTOR_MATH_COST),
                $(Power::$p => w.run(Cheap::<{ Power::$p as u8 }>, 1),)*
            }
        };
    }
    arms!(Identity Square Cube Reciprocal ReciprocalSquare Sqrt ReciprocalSqrt)
}

/// `a^y` for every element of `a`.
struct Powers<'a>(&'a NdArray);

impl<T: PowFloat + Element> WithPower<T> for Powers<'_> {
    type Out = Result<NdArray>;
    fn run<L: Lane<T>>(self, power: L, cost: usize) -> Result<NdArray> {
        map_array(
            self.0,
            cost,
            move |isa, x: &[T], out: &mut [MaybeUninit<T>]| super::map_with(isa, x, out, power),
        )
    }
}

/// `b^a` for every element of `a`, a constant base `b`.
fn of_base<T: PowFloat + Element>(b: T, a: &NdArray) -> Result<NdArray> {
    map_array(
        a,
        parallel::VECTOR_MATH_COST,
        |isa: Isa, x: &[T], out: &mut [MaybeUninit<T>]| super::map_with(isa, x, out, Of(b)),
    )
}

/// `(g·y)·x^(y-1)` for the elements of contiguous `g` and `x` (`y - 1` the lane's exponent).
struct Slopes<'a, T> {
    g: &'a [T],
    x: &'a [T],
    y: T,
}

impl<T: PowFloat + Element + Mul<Output = T>> WithPower<T> for Slopes<'_, T> {
    type Out = Result<Vec<T>>;
    fn run<L: Lane<T>>(self, power: L, cost: usize) -> Result<Vec<T>> {
        let (isa, lane) = (Isa::best(), Slope { y: self.y, power });
        // the chain's two products on top of the power
        super::fill(self.x.len(), cost + 1, |s, o| {
            let end = s + o.len();
            super::map2_with(isa, &self.g[s..end], &self.x[s..end], o, lane)
        })
    }
}

/// `g·y·a^(y-1)` (zero for `y = 0`), `pow`'s gradient for its base `a` given the output's
/// gradient `g`, in one pass where `g` and `a` are host float arrays of one dtype and shape and
/// `y` a single element of it (else `None`): the same bits as the expression op by op.
pub(crate) fn times_slope(g: &NdArray, a: &NdArray, y: &NdArray) -> Result<Option<NdArray>> {
    fn typed<T: PowFloat + Element + Mul<Output = T> + Sub<Output = T>>(
        g: &NdArray,
        a: &NdArray,
        y: &NdArray,
    ) -> Result<NdArray> {
        let y = Strided::<T>::of(y)?.first();
        if PowFloat::to_f64(y) == 0.0 {
            return NdArray::try_full(a.shape(), 0.0, a.dtype());
        }
        let (g, a) = (g.contiguous()?, a.contiguous()?);
        let (g_all, x) = (g.as_slice::<T>()?, a.as_slice::<T>()?);
        let out = with_power(y - T::from_f64(1.0), Slopes { g: g_all, x, y })?;
        NdArray::from_vec(out, a.shape())
    }
    let host = g.device().is_cpu() && a.device().is_cpu() && y.device().is_cpu();
    let fits = g.shape() == a.shape() && y.numel() == 1 && y.ndim() <= a.ndim();
    let dtypes = [g.dtype(), y.dtype()];
    if !(host && fits) || dtypes.iter().any(|&d| d != a.dtype()) {
        return Ok(None);
    }
    match a.dtype() {
        DType::Float32 => typed::<f32>(g, a, y).map(Some),
        DType::Float64 => typed::<f64>(g, a, y).map(Some),
        _ => Ok(None),
    }
}

/// `a ** b` through a vector kernel where one side is a single float (the other's shape is the
/// result's), else `None`.
pub(crate) fn pow_arrays(a: &NdArray, b: &NdArray) -> Result<Option<NdArray>> {
    fn typed<T: PowFloat + Element>(a: &NdArray, b: &NdArray) -> Result<Option<NdArray>> {
        let full = |one: &NdArray, other: &NdArray| {
            one.numel() == 1 && one.ndim() <= other.ndim() && other.numel() > 1
        };
        if full(b, a) {
            return with_power(Strided::<T>::of(b)?.first(), Powers(a)).map(Some);
        }
        if full(a, b) {
            return of_base(Strided::<T>::of(a)?.first(), b).map(Some);
        }
        Ok(None)
    }
    match (a.dtype(), b.dtype()) {
        (DType::Float32, DType::Float32) => typed::<f32>(a, b),
        (DType::Float64, DType::Float64) => typed::<f64>(a, b),
        _ => Ok(None),
    }
}
