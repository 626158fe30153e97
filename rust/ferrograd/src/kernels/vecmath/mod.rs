//! Vectorised transcendentals for `f32` and `f64`: `exp`, `expm1`, `log`, `log1p`, `tanh`,
//! `sigmoid`, `erf`, `sin`, `cos` and `tan` (the trigonometric ones fall back to libm for huge
//! arguments), `atan`, `asin`, `acos`, `log2`, `log10`, `exp2`, and `atan2` and `pow` of two
//! values.
//!
//! Each function is plain branch-free arithmetic on one element (`single.rs`, `double.rs`), and the
//! slice kernels here map it over a slice in a plain loop that LLVM vectorises. That loop is
//! compiled three times on x86-64, for the baseline (SSE2), AVX2 with FMA and AVX-512, and the
//! widest the CPU has is picked at run time, since the wheel targets baseline x86-64.
//!
//! The polynomials' steps `a·b + c` are one fused multiply-add in the AVX2 and AVX-512 loops
//! ([`Fused`]): they are most of the arithmetic, and an FMA does a step in one instruction
//! with one rounding, which made `erf` 35 % and `exp` 25 % faster on a 1M float32 slice. The
//! baseline loop and the one-element path through [`VecMath`] round the product and the sum
//! separately ([`Rounded`]), as a CPU without FMA must (`mul_add` would be a library call
//! there). So the two AVX copies give the same bits as each other, and the baseline copy the
//! same bits as the one-element path; between the two groups results may differ in the last
//! place, each within the ulp bounds that `vecmath/tests.rs` checks for every copy.

pub(crate) mod activation;
pub(crate) mod atan;
pub(crate) mod bases;
mod double;
mod erf;
pub(crate) mod layer_norm;
mod normal;
pub(crate) mod pow;
mod rows;
mod single;
pub(crate) mod softmax;
#[cfg(test)]
mod tests;
mod trig;

use std::mem::MaybeUninit;

use super::cpu::map::Strided;
use super::{parallel, UnaryOp};
use crate::array::{alloc, DType, Element, Layout, NdArray};
use crate::error::Result;

/// How an element function evaluates the steps `a·b + c` of its polynomials.
pub(crate) trait MulAdd: Copy {
    fn f32(a: f32, b: f32, c: f32) -> f32;
    fn f64(a: f64, b: f64, c: f64) -> f64;
    /// `a·b + c` rounded once, in both: for the steps whose error bounds need it (an exact
    /// residual `c - a·b`, a product that must not round twice).
    fn fused_f32(a: f32, b: f32, c: f32) -> f32;
    /// `a·b + c` for `f64` as [`MulAdd::fused_f32`] for `f32`.
    fn fused_f64(a: f64, b: f64, c: f64) -> f64;
    /// `a·b` exactly, as the rounded product and its error `(p, a·b - p)`, barring underflow
    /// (and in [`Rounded`], whose splitting overflows there, operands beyond 1e300).
    fn two_prod_f64(a: f64, b: f64) -> (f64, f64);
}

/// The product rounded, then the sum: the baseline loops and the one-element path.
#[derive(Clone, Copy)]
pub(crate) struct Rounded;

/// One fused multiply-add: only in code compiled with the `fma` target feature (elsewhere
/// `mul_add` is a slow library call).
#[derive(Clone, Copy)]
pub(crate) struct Fused;

impl MulAdd for Rounded {
    #[inline(always)]
    fn f32(a: f32, b: f32, c: f32) -> f32 {
        a * b + c
    }
    #[inline(always)]
    fn f64(a: f64, b: f64, c: f64) -> f64 {
        a * b + c
    }
    /// Through `f64`, where the product of two `f32` is exact: only the rare double rounding of
    /// the sum can differ from a fused step (an exact residual cannot).
    #[inline(always)]
    fn fused_f32(a: f32, b: f32, c: f32) -> f32 {
        (f64::from(a) * f64::from(b) + f64::from(c)) as f32
    }
    /// From the exact product and the exact error of its sum with `c` (Knuth's TwoSum): an
    /// exact residual stays exact, and otherwise the result is within a hair of half an ulp.
    #[inline(always)]
    fn fused_f64(a: f64, b: f64, c: f64) -> f64 {
        let (p, e) = Self::two_prod_f64(a, b);
        let (s, sum_error) = double::two_sum(p, c);
        s + (e + sum_error)
    }
    /// Dekker's product: each factor split into halves of 26 bits (Veltkamp), whose products
    /// are exact.
    #[inline(always)]
    fn two_prod_f64(a: f64, b: f64) -> (f64, f64) {
        let split = |v: f64| {
            let t = 134_217_729.0 * v;
            let hi = t - (t - v);
            (hi, v - hi)
        };
        let p = a * b;
        let ((ah, al), (bh, bl)) = (split(a), split(b));
        (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
    }
}

impl MulAdd for Fused {
    #[inline(always)]
    fn f32(a: f32, b: f32, c: f32) -> f32 {
        a.mul_add(b, c)
    }
    #[inline(always)]
    fn f64(a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
    #[inline(always)]
    fn fused_f32(a: f32, b: f32, c: f32) -> f32 {
        a.mul_add(b, c)
    }
    #[inline(always)]
    fn fused_f64(a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
    #[inline(always)]
    fn two_prod_f64(a: f64, b: f64) -> (f64, f64) {
        let p = a * b;
        (p, a.mul_add(b, -p))
    }
}

/// `self·b + c` the way `M` computes it, for either float type.
pub(crate) trait Madd: Copy {
    fn madd<M: MulAdd>(self, b: Self, c: Self) -> Self;
}

impl Madd for f32 {
    #[inline(always)]
    fn madd<M: MulAdd>(self, b: f32, c: f32) -> f32 {
        M::f32(self, b, c)
    }
}

impl Madd for f64 {
    #[inline(always)]
    fn madd<M: MulAdd>(self, b: f64, c: f64) -> f64 {
        M::f64(self, b, c)
    }
}

/// `c[0] + c[1] x + ... + c[n] x^n` by Horner's rule, each step `M`'s `a·b + c`.
#[inline(always)]
pub(crate) fn poly<M: MulAdd, T: Madd>(x: T, c: &[T]) -> T {
    let (last, rest) = c.split_last().expect("a polynomial has a coefficient");
    rest.iter().rev().fold(*last, |acc, &k| acc.madd::<M>(x, k))
}

/// `c[0] + c[1] x + ... + c[n] x^n` for `f64` by Estrin's scheme (neighbours paired by `x`,
/// then the pairs by `x²`, and so on): the same value as [`poly`] but for rounding, with a
/// dependency chain of about `log2 n` steps rather than `n`, for loops whose latency shows. At
/// most 32 coefficients; the loops unroll for a constant slice.
#[inline(always)]
pub(crate) fn poly_estrin<M: MulAdd>(x: f64, c: &[f64]) -> f64 {
    let mut terms = [0.0; 16];
    let mut n = c.len().div_ceil(2);
    for (i, t) in terms.iter_mut().enumerate().take(n) {
        *t = match c.get(2 * i + 1) {
            Some(&odd) => M::f64(odd, x, c[2 * i]),
            None => c[2 * i],
        };
    }
    let mut power = x * x;
    while n > 1 {
        let half = n.div_ceil(2);
        for i in 0..half {
            terms[i] = if 2 * i + 1 < n {
                M::f64(terms[2 * i + 1], power, terms[2 * i])
            } else {
                terms[2 * i]
            };
        }
        n = half;
        power *= power;
    }
    terms[0]
}

/// The element functions, one element at a time, for the scalar paths of the kernels (and
/// code that must compute exactly as they do): [`Rounded`] steps, as the baseline loop. The
/// `_with` forms take the step, for loops compiled per instruction set.
pub(crate) trait VecMath: Sized {
    fn exp_with<M: MulAdd>(self) -> Self;
    fn expm1_with<M: MulAdd>(self) -> Self;
    fn log_with<M: MulAdd>(self) -> Self;
    fn log1p_with<M: MulAdd>(self) -> Self;
    fn tanh_with<M: MulAdd>(self) -> Self;
    fn sigmoid_with<M: MulAdd>(self) -> Self;
    fn sin_with<M: MulAdd>(self) -> Self;
    fn cos_with<M: MulAdd>(self) -> Self;
    fn tan_with<M: MulAdd>(self) -> Self;
    fn erf_with<M: MulAdd>(self) -> Self;
    /// GELU, `x Φ(x)` with `Φ` the standard normal CDF.
    fn gelu_with<M: MulAdd>(self) -> Self;
    /// GELU's derivative, `Φ(x) + x φ(x)` with `φ` the standard normal density.
    fn gelu_slope_with<M: MulAdd>(self) -> Self;

    #[inline(always)]
    fn exp(self) -> Self {
        self.exp_with::<Rounded>()
    }
    #[inline(always)]
    fn expm1(self) -> Self {
        self.expm1_with::<Rounded>()
    }
    #[inline(always)]
    fn log(self) -> Self {
        self.log_with::<Rounded>()
    }
    #[inline(always)]
    fn log1p(self) -> Self {
        self.log1p_with::<Rounded>()
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        self.tanh_with::<Rounded>()
    }
    #[inline(always)]
    fn sigmoid(self) -> Self {
        self.sigmoid_with::<Rounded>()
    }
    #[inline(always)]
    fn sin(self) -> Self {
        self.sin_with::<Rounded>()
    }
    #[inline(always)]
    fn cos(self) -> Self {
        self.cos_with::<Rounded>()
    }
    #[inline(always)]
    fn tan(self) -> Self {
        self.tan_with::<Rounded>()
    }
    #[inline(always)]
    fn erf(self) -> Self {
        self.erf_with::<Rounded>()
    }
}

/// `VecMath` for a float type from its module's functions.
macro_rules! vec_math {
    ($t:ty, $m:ident, $trig:ident, $($erf:ident)::+, $($gelu:ident)::+, $($gelu_slope:ident)::+) => {
        impl VecMath for $t {
            #[inline(always)]
            fn exp_with<M: MulAdd>(self) -> Self {
                $m::exp::<M>(self)
            }
            #[inline(always)]
            fn expm1_with<M: MulAdd>(self) -> Self {
                $m::expm1::<M>(self)
            }
            #[inline(always)]
            fn log_with<M: MulAdd>(self) -> Self {
                $m::log::<M>(self)
            }
            #[inline(always)]
            fn log1p_with<M: MulAdd>(self) -> Self {
                $m::log1p::<M>(self)
            }
            #[inline(always)]
            fn tanh_with<M: MulAdd>(self) -> Self {
                $m::tanh::<M>(self)
            }
            #[inline(always)]
            fn sigmoid_with<M: MulAdd>(self) -> Self {
                $m::sigmoid::<M>(self)
            }
            #[inline(always)]
            fn sin_with<M: MulAdd>(self) -> Self {
                $trig::sin::<M>(self)
            }
            #[inline(always)]
            fn cos_with<M: MulAdd>(self) -> Self {
                $trig::cos::<M>(self)
            }
            #[inline(always)]
            fn tan_with<M: MulAdd>(self) -> Self {
                $trig::tan::<M>(self)
            }
            #[inline(always)]
            fn erf_with<M: MulAdd>(self) -> Self {
                $($erf)::+::<M>(self)
            }
            #[inline(always)]
            fn gelu_with<M: MulAdd>(self) -> Self {
                $($gelu)::+::<M>(self)
            }
            #[inline(always)]
            fn gelu_slope_with<M: MulAdd>(self) -> Self {
                $($gelu_slope)::+::<M>(self)
            }
        }
    };
}

vec_math!(
    f32,
    single,
    single,
    erf::erf_f32,
    normal::gelu_f32,
    normal::gelu_slope_f32
);
vec_math!(
    f64,
    double,
    trig,
    erf::erf_f64,
    normal::gelu_f64,
    normal::gelu_slope_f64
);

#[cfg(test)]
pub(super) fn exp_f32(x: f32) -> f32 {
    single::exp::<Rounded>(x)
}

// ---------------------------------------------------------------------------------------------
// Slice loops, compiled per instruction set
// ---------------------------------------------------------------------------------------------

/// The instruction sets a slice loop is compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Isa {
    Baseline,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Isa {
    /// The widest this CPU runs (the detection is cached by the standard library).
    #[inline]
    pub(crate) fn best() -> Isa {
        #[cfg(target_arch = "x86_64")]
        {
            if !is_x86_feature_detected!("fma") {
                return Isa::Baseline; // the vector copies use fused multiply-adds
            }
            if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512dq") {
                return Isa::Avx512;
            }
            if is_x86_feature_detected!("avx2") {
                return Isa::Avx2;
            }
        }
        Isa::Baseline
    }

    /// Every instruction set this CPU runs (for tests that compare them).
    #[cfg(test)]
    pub(crate) fn available() -> Vec<Isa> {
        let mut all = vec![Isa::Baseline];
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                all.push(Isa::Avx2);
            }
            if Isa::best() == Isa::Avx512 {
                all.push(Isa::Avx512);
            }
        }
        all
    }
}

/// A scalar function that the vector loops below inline into their bodies.
///
/// Not a closure or a function item: those are called through an `Fn::call` shim that LLVM
/// may keep out of line in the `target_feature` loop when the body is large, leaving the loop
/// scalar (the f64 sine ran at libm's speed that way: 28 ms per 1M, 10 ms inlined). A trait
/// method marked `#[inline(always)]` is always inlined.
pub(crate) trait Lane<T>: Copy + Send + Sync {
    fn apply<M: MulAdd>(self, x: T) -> T;
}

/// A zero-sized [`Lane`] that calls `$f` on a `$t`.
macro_rules! lane {
    ($t:ty, $($f:ident)::+) => {{
        #[derive(Clone, Copy)]
        struct Call;
        impl Lane<$t> for Call {
            #[inline(always)]
            fn apply<M: MulAdd>(self, x: $t) -> $t {
                $($f)::+::<M>(x)
            }
        }
        Call
    }};
}

#[inline(always)]
fn map_plain<T: Copy, M: MulAdd>(x: &[T], out: &mut [MaybeUninit<T>], f: impl Lane<T>) {
    for (o, &v) in out.iter_mut().zip(x) {
        o.write(f.apply::<M>(v));
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn map_avx2<T: Copy>(x: &[T], out: &mut [MaybeUninit<T>], f: impl Lane<T>) {
    map_plain::<T, Fused>(x, out, f)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,fma")]
fn map_avx512<T: Copy>(x: &[T], out: &mut [MaybeUninit<T>], f: impl Lane<T>) {
    map_plain::<T, Fused>(x, out, f)
}

/// A scalar function of two values (a gradient and an input), inlined as [`Lane`] is.
pub(crate) trait Lane2<T>: Copy + Send + Sync {
    fn apply<M: MulAdd>(self, g: T, x: T) -> T;
}

#[inline(always)]
fn map2_plain<T: Copy, M: MulAdd>(g: &[T], x: &[T], out: &mut [MaybeUninit<T>], f: impl Lane2<T>) {
    for ((o, &gv), &xv) in out.iter_mut().zip(g).zip(x) {
        o.write(f.apply::<M>(gv, xv));
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn map2_avx2<T: Copy>(g: &[T], x: &[T], out: &mut [MaybeUninit<T>], f: impl Lane2<T>) {
    map2_plain::<T, Fused>(g, x, out, f)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,fma")]
fn map2_avx512<T: Copy>(g: &[T], x: &[T], out: &mut [MaybeUninit<T>], f: impl Lane2<T>) {
    map2_plain::<T, Fused>(g, x, out, f)
}

/// `out[i] = f(g[i], x[i])` compiled for `isa`, which the CPU must run.
#[inline(always)]
pub(super) fn map2_with<T: Copy>(
    isa: Isa,
    g: &[T],
    x: &[T],
    out: &mut [MaybeUninit<T>],
    f: impl Lane2<T>,
) {
    match isa {
        Isa::Baseline => map2_plain::<T, Rounded>(g, x, out, f),
        // SAFETY: `Isa::best` and `Isa::available` only name instruction sets the CPU has.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => unsafe { map2_avx2(g, x, out, f) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { map2_avx512(g, x, out, f) },
    }
}

/// `out[i] = f(x[i])` compiled for `isa`, which the CPU must run.
#[inline(always)]
pub(super) fn map_with<T: Copy>(isa: Isa, x: &[T], out: &mut [MaybeUninit<T>], f: impl Lane<T>) {
    match isa {
        Isa::Baseline => map_plain::<T, Rounded>(x, out, f),
        // SAFETY: `Isa::best` and `Isa::available` only name instruction sets the CPU has.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => unsafe { map_avx2(x, out, f) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { map_avx512(x, out, f) },
    }
}

/// How many elements a trigonometric kernel maps before it looks for arguments beyond the
/// vector reduction's range (while they are still in L1).
const TRIG_BLOCK: usize = 1024;

/// The vector loop of `lane` over blocks of `x`, then `exact` for the elements where `beyond`
/// holds (rare: the check is a vectorised pass over the block).
fn map_with_fixup<T: Copy>(
    isa: Isa,
    x: &[T],
    out: &mut [MaybeUninit<T>],
    lane: impl Lane<T>,
    beyond: impl Fn(T) -> bool + Copy,
    exact: fn(T) -> T,
) {
    for (xb, ob) in x.chunks(TRIG_BLOCK).zip(out.chunks_mut(TRIG_BLOCK)) {
        map_with(isa, xb, ob, lane);
        if xb.iter().fold(false, |any, &v| any | beyond(v)) {
            for (o, &v) in ob.iter_mut().zip(xb) {
                if beyond(v) {
                    o.write(exact(v));
                }
            }
        }
    }
}

/// A slice kernel: writes `op(x[i])` to every `out[i]` with the given instruction set.
pub(crate) type SliceKernel<T> = fn(Isa, &[T], &mut [MaybeUninit<T>]);

/// The slice kernel of `atan`, `asin` or `acos`.
pub(super) fn inverse<T: atan::Atan2Float + Send + Sync>(
    f: atan::Inverse,
) -> Option<SliceKernel<T>> {
    use atan::{Arc, Inverse};
    Some(match f {
        Inverse::Tangent => |isa, x, out| map_with(isa, x, out, Arc::<{ Inverse::Tangent as u8 }>),
        Inverse::Sine => |isa, x, out| map_with(isa, x, out, Arc::<{ Inverse::Sine as u8 }>),
        Inverse::Cosine => |isa, x, out| map_with(isa, x, out, Arc::<{ Inverse::Cosine as u8 }>),
    })
}

/// The slice kernel of `log2`, `log10` or `exp2`.
pub(super) fn in_base<T: bases::BaseFloat>(f: bases::BaseFunction) -> Option<SliceKernel<T>> {
    use bases::{Base, BaseFunction as F};
    Some(match f {
        F::Log2 => |isa, x, out| map_with(isa, x, out, Base::<{ F::Log2 as u8 }>),
        F::Log10 => |isa, x, out| map_with(isa, x, out, Base::<{ F::Log10 as u8 }>),
        F::Exp2 => |isa, x, out| map_with(isa, x, out, Base::<{ F::Exp2 as u8 }>),
    })
}

/// The slice kernel of `op` for `f32`, when it has one.
pub(crate) fn kernel_f32(op: UnaryOp) -> Option<SliceKernel<f32>> {
    use self::single as m;
    macro_rules! plain {
        ($($f:ident)::+) => {
            Some(|isa, x, out| map_with(isa, x, out, lane!(f32, $($f)::+)))
        };
    }
    // the vector reduction below `TRIG_LIMIT`, libm's through `f64` beyond
    macro_rules! trig {
        ($reduced:ident, $full:ident) => {
            Some(|isa, x, out| {
                let beyond = |v: f32| v.abs() >= m::TRIG_LIMIT;
                map_with_fixup(
                    isa,
                    x,
                    out,
                    lane!(f32, m::$reduced),
                    beyond,
                    m::$full::<Rounded>,
                )
            })
        };
    }
    match op {
        UnaryOp::Exp => plain!(m::exp),
        UnaryOp::Expm1 => plain!(m::expm1),
        UnaryOp::Log => plain!(m::log),
        UnaryOp::Log1p => plain!(m::log1p),
        UnaryOp::Tanh => plain!(m::tanh),
        UnaryOp::Sigmoid => plain!(m::sigmoid),
        UnaryOp::Erf => plain!(erf::erf_f32),
        UnaryOp::Atan => inverse(atan::Inverse::Tangent),
        UnaryOp::Log2 => in_base(bases::BaseFunction::Log2),
        UnaryOp::Log10 => in_base(bases::BaseFunction::Log10),
        UnaryOp::Exp2 => in_base(bases::BaseFunction::Exp2),
        UnaryOp::Asin => inverse(atan::Inverse::Sine),
        UnaryOp::Acos => inverse(atan::Inverse::Cosine),
        UnaryOp::Sin => trig!(sin_reduced, sin),
        UnaryOp::Cos => trig!(cos_reduced, cos),
        UnaryOp::Tan => trig!(tan_reduced, tan),
        _ => None,
    }
}

/// The slice kernel of `op` for `f64`, when it has one.
pub(crate) fn kernel_f64(op: UnaryOp) -> Option<SliceKernel<f64>> {
    use self::double as m;
    macro_rules! plain {
        ($($f:ident)::+) => {
            Some(|isa, x, out| map_with(isa, x, out, lane!(f64, $($f)::+)))
        };
    }
    // the vector reduction below `TRIG_LIMIT`, libm's beyond
    macro_rules! trig {
        ($reduced:ident, $full:ident) => {
            Some(|isa, x, out| {
                let beyond = |v: f64| v.abs() >= trig::TRIG_LIMIT;
                map_with_fixup(
                    isa,
                    x,
                    out,
                    lane!(f64, trig::$reduced),
                    beyond,
                    trig::$full::<Rounded>,
                )
            })
        };
    }
    match op {
        UnaryOp::Exp => plain!(m::exp),
        UnaryOp::Expm1 => plain!(m::expm1),
        UnaryOp::Log => plain!(m::log),
        UnaryOp::Log1p => plain!(m::log1p),
        UnaryOp::Tanh => plain!(m::tanh),
        UnaryOp::Sigmoid => plain!(m::sigmoid),
        UnaryOp::Erf => plain!(erf::erf_f64),
        UnaryOp::Atan => inverse(atan::Inverse::Tangent),
        UnaryOp::Log2 => in_base(bases::BaseFunction::Log2),
        UnaryOp::Log10 => in_base(bases::BaseFunction::Log10),
        UnaryOp::Exp2 => in_base(bases::BaseFunction::Exp2),
        UnaryOp::Asin => inverse(atan::Inverse::Sine),
        UnaryOp::Acos => inverse(atan::Inverse::Cosine),
        UnaryOp::Sin => trig!(sin_reduced, sin),
        UnaryOp::Cos => trig!(cos_reduced, cos),
        UnaryOp::Tan => trig!(tan_reduced, tan),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Arrays
// ---------------------------------------------------------------------------------------------

/// A slice kernel that may carry values (a constant exponent): writes `out[i]` for every `x[i]`.
pub(crate) trait SliceMap<T>: Fn(Isa, &[T], &mut [MaybeUninit<T>]) + Sync + Copy {}
impl<T, K: Fn(Isa, &[T], &mut [MaybeUninit<T>]) + Sync + Copy> SliceMap<T> for K {}

/// A new vector of `n` elements, each chunk written by `f(start, chunk)`, the chunks in
/// parallel when large; `cost` is the work of one element as
/// `parallel::for_each_chunk_costed` counts it. `f` must write every element of its chunk.
pub(super) fn fill<T: Element>(
    n: usize,
    cost: usize,
    f: impl Fn(usize, &mut [MaybeUninit<T>]) + Sync,
) -> Result<Vec<T>> {
    let mut out: Vec<T> = alloc::with_capacity(n)?;
    parallel::for_each_chunk_costed(&mut out.spare_capacity_mut()[..n], 1, cost, f);
    // SAFETY: the chunks cover `0..n` and `f` writes every element of its chunk.
    unsafe { out.set_len(n) };
    Ok(out)
}

/// `kernel` over `x` into a new vector (see [`fill`] for `cost`).
fn map_slices<T: Element>(x: &[T], cost: usize, kernel: impl SliceMap<T>) -> Result<Vec<T>> {
    let isa = Isa::best();
    fill(x.len(), cost, |s, o| kernel(isa, &x[s..s + o.len()], o))
}

/// `kernel` over the elements of `a`, as a new array laid out as `cpu::map::map_array`
/// lays out its results: elements that fill their span are mapped in storage order, keeping
/// `a`'s strides; any other view is first gathered row-major.
fn map_array<T: Element>(a: &NdArray, cost: usize, kernel: impl SliceMap<T>) -> Result<NdArray> {
    let x = Strided::<T>::of(a)?;
    if let Some(dense) = x.dense() {
        return NdArray::from_vec(map_slices(dense, cost, kernel)?, a.shape());
    }
    if x.dense_order().is_some() {
        let layout = Layout::new(x.shape.into(), x.strides.into(), x.offset as usize);
        let values = map_slices(x.data, cost, kernel)?;
        return NdArray::from_buffer_strided(T::into_buffer(values), layout);
    }
    map_array(&super::cpu::index::materialize(a)?, cost, kernel)
}

/// `op(a)` through a vector kernel, or `None` where `op` has none for `a`'s dtype.
pub(super) fn unary(op: UnaryOp, a: &NdArray) -> Result<Option<NdArray>> {
    match a.dtype() {
        DType::Float32 => kernel_f32(op)
            .map(|k| map_array(a, parallel::VECTOR_MATH_COST, k))
            .transpose(),
        DType::Float64 => kernel_f64(op)
            .map(|k| map_array(a, parallel::VECTOR_MATH_COST, k))
            .transpose(),
        _ => Ok(None),
    }
}

/// `atan2(a, b)` through a vector kernel where both are float arrays of one dtype and either
/// of one row-major shape or one side a single element (the other's shape is the result's);
/// else `None`.
pub(crate) fn atan2_arrays(a: &NdArray, b: &NdArray) -> Result<Option<NdArray>> {
    fn typed<T: atan::Atan2Float + Element>(a: &NdArray, b: &NdArray) -> Result<Option<NdArray>> {
        let full = |one: &NdArray, other: &NdArray| {
            one.numel() == 1 && one.ndim() <= other.ndim() && other.numel() > 1
        };
        let cost = parallel::VECTOR_MATH_COST;
        if full(b, a) {
            let x = Strided::<T>::of(b)?.first();
            let kernel = move |isa, y: &[T], out: &mut [MaybeUninit<T>]| {
                map_with(isa, y, out, atan::Over(x))
            };
            return map_array(a, cost, kernel).map(Some);
        }
        if full(a, b) {
            let y = Strided::<T>::of(a)?.first();
            let kernel = move |isa, x: &[T], out: &mut [MaybeUninit<T>]| {
                map_with(isa, x, out, atan::Under(y))
            };
            return map_array(b, cost, kernel).map(Some);
        }
        let (ys, xs) = (Strided::<T>::of(a)?, Strided::<T>::of(b)?);
        let (Some(y), Some(x)) = (ys.dense(), xs.dense()) else {
            return Ok(None);
        };
        if a.shape() != b.shape() {
            return Ok(None);
        }
        let isa = Isa::best();
        let out = fill(y.len(), cost, |s, o| {
            let end = s + o.len();
            map2_with(isa, &y[s..end], &x[s..end], o, atan::Angle)
        })?;
        NdArray::from_vec(out, a.shape()).map(Some)
    }
    match (a.dtype(), b.dtype()) {
        (DType::Float32, DType::Float32) => typed::<f32>(a, b),
        (DType::Float64, DType::Float64) => typed::<f64>(a, b),
        _ => Ok(None),
    }
}
