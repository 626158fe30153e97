//! Vectorised transcendentals for `f32` and `f64`: `exp`, `expm1`, `log`, `log1p`, `tanh`,
//! `sigmoid`, `erf`, `sin` and `cos` (the last two fall back to libm for huge arguments).
//!
//! Each function is plain branch-free arithmetic on one element (`single.rs`, `double.rs`), and the
//! slice kernels here map it over a slice in a plain loop that LLVM vectorises. That loop is
//! compiled three times on x86-64, for the baseline (SSE2), AVX2 and AVX-512, and the widest the
//! CPU has is picked at run time, since the wheel targets baseline x86-64. No fused
//! multiply-add is used, so every copy (and every other architecture: NEON is baseline on
//! aarch64) gives the same bits, and so does the one-element path through [`VecMath`].

pub(crate) mod activation;
mod double;
mod erf;
pub(crate) mod layer_norm;
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

/// The element functions, one element at a time, for the scalar paths of the kernels (and
/// code that must compute exactly as they do).
pub(crate) trait VecMath: Sized {
    fn exp(self) -> Self;
    fn expm1(self) -> Self;
    fn log(self) -> Self;
    fn log1p(self) -> Self;
    fn tanh(self) -> Self;
    fn sigmoid(self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn erf(self) -> Self;
}

impl VecMath for f32 {
    #[inline(always)]
    fn exp(self) -> Self {
        single::exp(self)
    }
    #[inline(always)]
    fn expm1(self) -> Self {
        single::expm1(self)
    }
    #[inline(always)]
    fn log(self) -> Self {
        single::log(self)
    }
    #[inline(always)]
    fn log1p(self) -> Self {
        single::log1p(self)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        single::tanh(self)
    }
    #[inline(always)]
    fn sigmoid(self) -> Self {
        single::sigmoid(self)
    }
    #[inline(always)]
    fn sin(self) -> Self {
        single::sin(self)
    }
    #[inline(always)]
    fn cos(self) -> Self {
        single::cos(self)
    }
    #[inline(always)]
    fn erf(self) -> Self {
        erf::erf_f32(self)
    }
}

impl VecMath for f64 {
    #[inline(always)]
    fn exp(self) -> Self {
        double::exp(self)
    }
    #[inline(always)]
    fn expm1(self) -> Self {
        double::expm1(self)
    }
    #[inline(always)]
    fn log(self) -> Self {
        double::log(self)
    }
    #[inline(always)]
    fn log1p(self) -> Self {
        double::log1p(self)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        double::tanh(self)
    }
    #[inline(always)]
    fn sigmoid(self) -> Self {
        double::sigmoid(self)
    }
    #[inline(always)]
    fn sin(self) -> Self {
        trig::sin(self)
    }
    #[inline(always)]
    fn cos(self) -> Self {
        trig::cos(self)
    }
    #[inline(always)]
    fn erf(self) -> Self {
        erf::erf_f64(self)
    }
}

#[cfg(test)]
pub(super) use self::single::exp as exp_f32;

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
            if is_x86_feature_detected!("avx2") {
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
pub(crate) trait Lane<T>: Copy {
    fn apply(self, x: T) -> T;
}

/// A zero-sized [`Lane`] that calls `$f` on a `$t`.
macro_rules! lane {
    ($t:ty, $f:path) => {{
        #[derive(Clone, Copy)]
        struct Call;
        impl Lane<$t> for Call {
            #[inline(always)]
            fn apply(self, x: $t) -> $t {
                $f(x)
            }
        }
        Call
    }};
}

#[inline(always)]
fn map_plain<T: Copy>(x: &[T], out: &mut [MaybeUninit<T>], f: impl Lane<T>) {
    for (o, &v) in out.iter_mut().zip(x) {
        o.write(f.apply(v));
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn map_avx2<T: Copy>(x: &[T], out: &mut [MaybeUninit<T>], f: impl Lane<T>) {
    map_plain(x, out, f)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn map_avx512<T: Copy>(x: &[T], out: &mut [MaybeUninit<T>], f: impl Lane<T>) {
    map_plain(x, out, f)
}

/// `out[i] = f(x[i])` compiled for `isa`, which the CPU must run.
#[inline(always)]
fn map_with<T: Copy>(isa: Isa, x: &[T], out: &mut [MaybeUninit<T>], f: impl Lane<T>) {
    match isa {
        Isa::Baseline => map_plain(x, out, f),
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

/// The slice kernel of `op` for `f32`, when it has one.
pub(crate) fn kernel_f32(op: UnaryOp) -> Option<SliceKernel<f32>> {
    use self::single as m;
    macro_rules! plain {
        ($f:path) => {
            Some(|isa, x, out| map_with(isa, x, out, lane!(f32, $f)))
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
        UnaryOp::Sin => Some(|isa, x, out| {
            map_with_fixup(
                isa,
                x,
                out,
                lane!(f32, m::sin_reduced),
                |v| v.abs() >= m::TRIG_LIMIT,
                m::sin,
            )
        }),
        UnaryOp::Cos => Some(|isa, x, out| {
            map_with_fixup(
                isa,
                x,
                out,
                lane!(f32, m::cos_reduced),
                |v| v.abs() >= m::TRIG_LIMIT,
                m::cos,
            )
        }),
        _ => None,
    }
}

/// The slice kernel of `op` for `f64`, when it has one.
pub(crate) fn kernel_f64(op: UnaryOp) -> Option<SliceKernel<f64>> {
    use self::double as m;
    macro_rules! plain {
        ($f:path) => {
            Some(|isa, x, out| map_with(isa, x, out, lane!(f64, $f)))
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
        UnaryOp::Sin => Some(|isa, x, out| {
            let beyond = |v: f64| v.abs() >= trig::TRIG_LIMIT;
            map_with_fixup(
                isa,
                x,
                out,
                lane!(f64, trig::sin_reduced),
                beyond,
                trig::sin,
            )
        }),
        UnaryOp::Cos => Some(|isa, x, out| {
            let beyond = |v: f64| v.abs() >= trig::TRIG_LIMIT;
            map_with_fixup(
                isa,
                x,
                out,
                lane!(f64, trig::cos_reduced),
                beyond,
                trig::cos,
            )
        }),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Arrays
// ---------------------------------------------------------------------------------------------

/// `kernel` over `x` into a new vector, in parallel chunks when large.
fn map_slices<T: Element>(x: &[T], kernel: SliceKernel<T>) -> Result<Vec<T>> {
    let n = x.len();
    let isa = Isa::best();
    let mut out: Vec<T> = alloc::with_capacity(n)?;
    parallel::for_each_chunk(&mut out.spare_capacity_mut()[..n], 1, |s, o| {
        kernel(isa, &x[s..s + o.len()], o)
    });
    // SAFETY: the chunks cover `0..n` and a slice kernel writes every element of its chunk.
    unsafe { out.set_len(n) };
    Ok(out)
}

/// `kernel` over the elements of `a`, as a new array laid out as `cpu::map::map_array`
/// lays out its results: elements that fill their span are mapped in storage order, keeping
/// `a`'s strides; any other view is first gathered row-major.
fn map_array<T: Element>(a: &NdArray, kernel: SliceKernel<T>) -> Result<NdArray> {
    let x = Strided::<T>::of(a)?;
    if let Some(dense) = x.dense() {
        return NdArray::from_vec(map_slices(dense, kernel)?, a.shape());
    }
    if x.dense_order().is_some() {
        let layout = Layout::new(x.shape.into(), x.strides.into(), x.offset as usize);
        return NdArray::from_buffer_strided(T::into_buffer(map_slices(x.data, kernel)?), layout);
    }
    map_array(&super::cpu::index::materialize(a)?, kernel)
}

/// `op(a)` through a vector kernel, or `None` where `op` has none for `a`'s dtype.
pub(super) fn unary(op: UnaryOp, a: &NdArray) -> Result<Option<NdArray>> {
    match a.dtype() {
        DType::Float32 => kernel_f32(op).map(|k| map_array(a, k)).transpose(),
        DType::Float64 => kernel_f64(op).map(|k| map_array(a, k)).transpose(),
        _ => Ok(None),
    }
}
