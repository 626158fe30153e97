//! The smooth activations of `nn.functional` as one kernel each way: GELU (exact and tanh
//! approximation), SiLU and softplus map their input in one pass, and their backward kernels
//! map `(gradient, input)` to the input's gradient in one pass, with the vector `erf`, `tanh`,
//! `sigmoid`, `exp` and `log1p` of this module.

use std::mem::MaybeUninit;
use std::ops::{Add, Div, Mul, Neg, Sub};

use super::{Isa, VecMath};
use crate::array::{alloc, DType, Element, NdArray};
use crate::error::{Error, Result};
use crate::kernels::parallel;

/// A smooth activation with a fused kernel pair.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Activation {
    /// `x Φ(x)` (`F.gelu(x)`).
    Gelu,
    /// `x/2 · (1 + tanh(√(2/π) (x + 0.044715 x³)))` (`F.gelu(x, approximate='tanh')`).
    GeluTanh,
    /// `x · sigmoid(x)` (`F.silu`).
    Silu,
    /// `log(1 + exp(βx)) / β`, and `x` where `βx > threshold` (`F.softplus`).
    Softplus {
        /// The `β` of the formula.
        beta: f64,
        /// Above this, `βx` gives `x` itself.
        threshold: f64,
    },
}

/// `√(2/π)` and the cubic coefficient of the tanh approximation.
const GELU_TANH_SCALE: f64 = 0.797_884_560_802_865_4;
const GELU_TANH_CUBIC: f64 = 0.044715;
/// `1/√(2π)`, the standard normal density at 0.
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

trait Real:
    VecMath
    + Element
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
}
impl Real for f32 {}
impl Real for f64 {}

/// The activations' constants, rounded to `T` once.
#[derive(Clone, Copy)]
struct Constants<T> {
    half: T,
    one: T,
    zero: T,
    k: T,
    c: T,
    three_c: T,
    inv_sqrt2: T,
    inv_sqrt_2pi: T,
    beta: T,
    threshold: T,
}

impl<T: Real> Constants<T> {
    fn new(f: Activation) -> Self {
        let (beta, threshold) = match f {
            Activation::Softplus { beta, threshold } => (beta, threshold),
            _ => (1.0, 20.0),
        };
        let t = T::from_f64;
        Constants {
            half: t(0.5),
            one: t(1.0),
            zero: t(0.0),
            k: t(GELU_TANH_SCALE),
            c: t(GELU_TANH_CUBIC),
            three_c: t(3.0 * GELU_TANH_CUBIC),
            inv_sqrt2: t(std::f64::consts::FRAC_1_SQRT_2),
            inv_sqrt_2pi: t(INV_SQRT_2PI),
            beta: t(beta),
            threshold: t(threshold),
        }
    }

    #[inline(always)]
    fn gelu(&self, x: T) -> T {
        self.half * x * (self.one + (x * self.inv_sqrt2).erf())
    }

    #[inline(always)]
    fn gelu_tanh(&self, x: T) -> T {
        let inner = self.k * (x + self.c * x * x * x);
        self.half * x * (self.one + inner.tanh())
    }

    /// PyTorch's formula, one division: `x · sigmoid(x)` through the two-sided sigmoid divided
    /// twice per element (both sides are computed for the vector select), which made SiLU
    /// division-bound. Below -88 `exp(-x)` is infinite and the result -0, as PyTorch's.
    #[inline(always)]
    fn silu(&self, x: T) -> T {
        x / (self.one + (-x).exp())
    }

    #[inline(always)]
    fn softplus(&self, x: T) -> T {
        let z = x * self.beta;
        let above = z > self.threshold;
        // `exp` of a value above the threshold is not used (nor may it overflow).
        let y = (if above { self.zero } else { z }).exp().log1p() / self.beta;
        if above {
            x
        } else {
            y
        }
    }

    #[inline(always)]
    fn gelu_backward(&self, g: T, x: T) -> T {
        let cdf = self.half * (self.one + (x * self.inv_sqrt2).erf());
        let pdf = (-(self.half * x * x)).exp() * self.inv_sqrt_2pi;
        g * (cdf + x * pdf)
    }

    #[inline(always)]
    fn gelu_tanh_backward(&self, g: T, x: T) -> T {
        let x2 = x * x;
        let t = (self.k * (x + self.c * x2 * x)).tanh();
        let inner_d = self.k * (self.one + self.three_c * x2);
        g * (self.half * (self.one + t) + self.half * x * (self.one - t * t) * inner_d)
    }

    #[inline(always)]
    fn silu_backward(&self, g: T, x: T) -> T {
        let s = self.one / (self.one + (-x).exp());
        g * (s * (self.one + x * (self.one - s)))
    }

    #[inline(always)]
    fn softplus_backward(&self, g: T, x: T) -> T {
        let z = x * self.beta;
        let slope = (if z > self.threshold { self.zero } else { z }).sigmoid();
        if z > self.threshold {
            g
        } else {
            g * slope
        }
    }
}

/// One activation's element functions, with its constants: the loops below are generic over
/// it and call it with `#[inline(always)]` methods, so each is inlined into the loop compiled
/// for each instruction set (a closure holding the constants was not, and stayed scalar).
trait Pointwise<T>: Copy {
    fn forward(&self, x: T) -> T;
    fn backward(&self, g: T, x: T) -> T;
}

const GELU: u8 = 0;
const GELU_TANH: u8 = 1;
const SILU: u8 = 2;
const SOFTPLUS: u8 = 3;

/// The activation `KIND` (one of the constants above) for `T`.
#[derive(Clone, Copy)]
struct Kind<T, const KIND: u8>(Constants<T>);

impl<T: Real, const KIND: u8> Pointwise<T> for Kind<T, KIND> {
    #[inline(always)]
    fn forward(&self, x: T) -> T {
        match KIND {
            GELU => self.0.gelu(x),
            GELU_TANH => self.0.gelu_tanh(x),
            SILU => self.0.silu(x),
            _ => self.0.softplus(x),
        }
    }

    #[inline(always)]
    fn backward(&self, g: T, x: T) -> T {
        match KIND {
            GELU => self.0.gelu_backward(g, x),
            GELU_TANH => self.0.gelu_tanh_backward(g, x),
            SILU => self.0.silu_backward(g, x),
            _ => self.0.softplus_backward(g, x),
        }
    }
}

#[inline(always)]
fn forward_plain<T: Copy, P: Pointwise<T>>(p: P, x: &[T], out: &mut [MaybeUninit<T>]) {
    for (o, &v) in out.iter_mut().zip(x) {
        o.write(p.forward(v));
    }
}

#[inline(always)]
fn backward_plain<T: Copy, P: Pointwise<T>>(p: P, g: &[T], x: &[T], out: &mut [MaybeUninit<T>]) {
    for ((o, &gv), &xv) in out.iter_mut().zip(g).zip(x) {
        o.write(p.backward(gv, xv));
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn forward_avx2<T: Copy, P: Pointwise<T>>(p: P, x: &[T], out: &mut [MaybeUninit<T>]) {
    forward_plain(p, x, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn forward_avx512<T: Copy, P: Pointwise<T>>(p: P, x: &[T], out: &mut [MaybeUninit<T>]) {
    forward_plain(p, x, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn backward_avx2<T: Copy, P: Pointwise<T>>(p: P, g: &[T], x: &[T], out: &mut [MaybeUninit<T>]) {
    backward_plain(p, g, x, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn backward_avx512<T: Copy, P: Pointwise<T>>(p: P, g: &[T], x: &[T], out: &mut [MaybeUninit<T>]) {
    backward_plain(p, g, x, out)
}

/// `f` over chunks of a new vector of `n` elements, in parallel when large.
fn fill<T: Element>(n: usize, f: impl Fn(usize, &mut [MaybeUninit<T>]) + Sync) -> Result<Vec<T>> {
    let mut out: Vec<T> = alloc::with_capacity(n)?;
    parallel::for_each_chunk(&mut out.spare_capacity_mut()[..n], 1, f);
    // SAFETY: the chunks cover `0..n` and `f` writes every element of its chunk.
    unsafe { out.set_len(n) };
    Ok(out)
}

fn forward_kind<T: Real, P: Pointwise<T> + Send + Sync>(p: P, x: &NdArray) -> Result<NdArray> {
    let (isa, x_) = (Isa::best(), x.as_slice::<T>()?);
    let out = fill(x_.len(), |s, o| {
        let x = &x_[s..s + o.len()];
        match isa {
            Isa::Baseline => forward_plain(p, x, o),
            // SAFETY: `Isa::best` only names instruction sets the CPU has.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => unsafe { forward_avx2(p, x, o) },
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe { forward_avx512(p, x, o) },
        }
    })?;
    NdArray::from_vec(out, x.shape())
}

fn backward_kind<T: Real, P: Pointwise<T> + Send + Sync>(
    p: P,
    g: &NdArray,
    x: &NdArray,
) -> Result<NdArray> {
    let (isa, g_, x_) = (Isa::best(), g.as_slice::<T>()?, x.as_slice::<T>()?);
    let out = fill(x_.len(), |s, o| {
        let end = s + o.len();
        let (g, x) = (&g_[s..end], &x_[s..end]);
        match isa {
            Isa::Baseline => backward_plain(p, g, x, o),
            // SAFETY: `Isa::best` only names instruction sets the CPU has.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => unsafe { backward_avx2(p, g, x, o) },
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe { backward_avx512(p, g, x, o) },
        }
    })?;
    NdArray::from_vec(out, x.shape())
}

/// Calls `$run::<T, _>(Kind::<T, KIND>(constants), args...)` for `f`'s kind.
macro_rules! by_kind {
    ($f:expr, $T:ty, $run:ident($($arg:expr),*)) => {{
        let k = Constants::<$T>::new($f);
        match $f {
            Activation::Gelu => $run::<$T, _>(Kind::<$T, GELU>(k), $($arg),*),
            Activation::GeluTanh => $run::<$T, _>(Kind::<$T, GELU_TANH>(k), $($arg),*),
            Activation::Silu => $run::<$T, _>(Kind::<$T, SILU>(k), $($arg),*),
            Activation::Softplus { .. } => $run::<$T, _>(Kind::<$T, SOFTPLUS>(k), $($arg),*),
        }
    }};
}

fn forward_typed<T: Real>(f: Activation, x: &NdArray) -> Result<NdArray> {
    by_kind!(f, T, forward_kind(x))
}

fn backward_typed<T: Real>(f: Activation, g: &NdArray, x: &NdArray) -> Result<NdArray> {
    by_kind!(f, T, backward_kind(g, x))
}

fn unsupported(a: &NdArray) -> Error {
    Error::DType(format!(
        "fused activation kernels take contiguous float32 or float64 host arrays, got {} on {:?}",
        a.dtype(),
        a.device()
    ))
}

/// `f(x)` for a contiguous float32/float64 host array.
pub(crate) fn forward(f: Activation, x: &NdArray) -> Result<NdArray> {
    match x.dtype() {
        DType::Float32 => forward_typed::<f32>(f, x),
        DType::Float64 => forward_typed::<f64>(f, x),
        _ => Err(unsupported(x)),
    }
}

/// `g · f'(x)` for contiguous host arrays of one float dtype and shape.
pub(crate) fn backward(f: Activation, g: &NdArray, x: &NdArray) -> Result<NdArray> {
    if g.dtype() != x.dtype() || g.shape() != x.shape() {
        return Err(unsupported(g));
    }
    match x.dtype() {
        DType::Float32 => backward_typed::<f32>(f, g, x),
        DType::Float64 => backward_typed::<f64>(f, g, x),
        _ => Err(unsupported(x)),
    }
}
