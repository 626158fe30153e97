//! The smooth activations of `nn.functional` as one kernel each way: GELU (exact and tanh
//! approximation), SiLU and softplus map their input in one pass, and their backward kernels
//! map `(gradient, input)` to the input's gradient in one pass, with the vector `tanh`,
//! `sigmoid`, `exp` and `log1p` of this module (`erf` is libm's).

use std::mem::MaybeUninit;
use std::ops::{Add, Div, Mul, Neg, Sub};

use super::{map_with, Isa, VecMath};
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

    #[inline(always)]
    fn silu(&self, x: T) -> T {
        x * x.sigmoid()
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
        let s = x.sigmoid();
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

#[inline(always)]
fn zip_plain<T: Copy>(a: &[T], b: &[T], out: &mut [MaybeUninit<T>], f: impl Fn(T, T) -> T) {
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        o.write(f(x, y));
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn zip_avx2<T: Copy>(a: &[T], b: &[T], out: &mut [MaybeUninit<T>], f: impl Fn(T, T) -> T) {
    zip_plain(a, b, out, f)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn zip_avx512<T: Copy>(a: &[T], b: &[T], out: &mut [MaybeUninit<T>], f: impl Fn(T, T) -> T) {
    zip_plain(a, b, out, f)
}

/// `out[i] = f(a[i], b[i])` compiled for `isa`, which the CPU must run.
#[inline(always)]
fn zip_with<T: Copy>(
    isa: Isa,
    a: &[T],
    b: &[T],
    out: &mut [MaybeUninit<T>],
    f: impl Fn(T, T) -> T,
) {
    match isa {
        Isa::Baseline => zip_plain(a, b, out, f),
        // SAFETY: `Isa::best` only names instruction sets the CPU has.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => unsafe { zip_avx2(a, b, out, f) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { zip_avx512(a, b, out, f) },
    }
}

/// `f` over chunks of a new vector of `n` elements, in parallel when large.
fn fill<T: Element>(n: usize, f: impl Fn(usize, &mut [MaybeUninit<T>]) + Sync) -> Result<Vec<T>> {
    let mut out: Vec<T> = alloc::with_capacity(n)?;
    parallel::for_each_chunk(&mut out.spare_capacity_mut()[..n], 1, f);
    // SAFETY: the chunks cover `0..n` and `f` writes every element of its chunk.
    unsafe { out.set_len(n) };
    Ok(out)
}

fn forward_typed<T: Real>(f: Activation, x: &NdArray) -> Result<NdArray> {
    let (k, isa, x_) = (Constants::<T>::new(f), Isa::best(), x.as_slice::<T>()?);
    // One loop per activation (a `match` inside the element function would not vectorise).
    macro_rules! map {
        ($method:ident) => {
            fill(x_.len(), |s, o| {
                map_with(isa, &x_[s..s + o.len()], o, |v| k.$method(v))
            })?
        };
    }
    let out = match f {
        Activation::Gelu => map!(gelu),
        Activation::GeluTanh => map!(gelu_tanh),
        Activation::Silu => map!(silu),
        Activation::Softplus { .. } => map!(softplus),
    };
    NdArray::from_vec(out, x.shape())
}

fn backward_typed<T: Real>(f: Activation, g: &NdArray, x: &NdArray) -> Result<NdArray> {
    let k = Constants::<T>::new(f);
    let (isa, g_, x_) = (Isa::best(), g.as_slice::<T>()?, x.as_slice::<T>()?);
    macro_rules! zip {
        ($method:ident) => {
            fill(x_.len(), |s, o| {
                let end = s + o.len();
                zip_with(isa, &g_[s..end], &x_[s..end], o, |gv, xv| k.$method(gv, xv))
            })?
        };
    }
    let out = match f {
        Activation::Gelu => zip!(gelu_backward),
        Activation::GeluTanh => zip!(gelu_tanh_backward),
        Activation::Silu => zip!(silu_backward),
        Activation::Softplus { .. } => zip!(softplus_backward),
    };
    NdArray::from_vec(out, x.shape())
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
