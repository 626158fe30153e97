//! The activations of `nn.functional` that PyTorch records as one node, as one kernel each
//! way: GELU (exact and tanh approximation), SiLU, softplus, the ELU family, mish and
//! logsigmoid, and the piecewise-linear ones (leaky ReLU, hardtanh, hardswish, hardsigmoid,
//! the shrinks, threshold). Each maps its input in one pass, and its backward kernel maps
//! `(gradient, input)` to the input's gradient in one pass, with the vector `erf`, `tanh`,
//! `sigmoid`, `exp`, `expm1` and `log1p` of this module. Where a piece ends, each takes the
//! side PyTorch's kernel takes (and NaN the branch PyTorch's comparison sends it to).

use std::mem::MaybeUninit;

use super::rows::Real;
use super::{map2_with, map_with, Isa, Lane, Lane2, MulAdd};
use crate::array::{DType, Element, NdArray};
use crate::error::{Error, Result};
use crate::kernels::parallel;

/// An activation with a fused kernel pair.
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
    /// `scale·x` above 0, `scale·alpha·(exp(input_scale·x) - 1)` at and below it (`F.elu`;
    /// `F.selu` with its constants).
    Elu {
        /// The negative side's limit, `-alpha` (before `scale`).
        alpha: f64,
        /// Both sides' factor.
        scale: f64,
        /// The factor of `x` inside the exponential.
        input_scale: f64,
    },
    /// `F.celu`: ELU with `scale = 1`, `input_scale = 1/alpha` (PyTorch's `CeluBackward0`).
    Celu {
        /// The negative side's limit, `-alpha`; not 0.
        alpha: f64,
    },
    /// `x` above 0, `slope·x` at and below it (`F.leaky_relu`).
    LeakyRelu {
        /// The negative side's slope.
        slope: f64,
    },
    /// `x` clamped to `[min, max]`, with gradient 0 at and beyond the bounds (`F.hardtanh`,
    /// `F.relu6`).
    Hardtanh {
        /// The lower bound.
        min: f64,
        /// The upper bound.
        max: f64,
    },
    /// `x · relu6(x + 3) / 6` (`F.hardswish`).
    Hardswish,
    /// `relu6(x + 3) / 6` (`F.hardsigmoid`).
    Hardsigmoid,
    /// `x · tanh(softplus(x))` (`F.mish`).
    Mish,
    /// `log(sigmoid(x))`, as `min(x, 0) - log1p(exp(-|x|))` (`F.logsigmoid`).
    LogSigmoid,
    /// `x - lambda` above `lambda`, `x + lambda` below `-lambda`, 0 between (`F.softshrink`).
    Softshrink {
        /// The half-width of the band set to 0.
        lambda: f64,
    },
    /// `x` outside `[-lambda, lambda]`, 0 inside (`F.hardshrink`).
    Hardshrink {
        /// The half-width of the band set to 0.
        lambda: f64,
    },
    /// `x` above `threshold`, `value` at and below it (`F.threshold`).
    Threshold {
        /// Where the input is replaced.
        threshold: f64,
        /// What replaces it.
        value: f64,
    },
}

impl Activation {
    /// An ELU's `(alpha, scale, input_scale)`, CELU's in ELU's terms; `None` for the others.
    pub(crate) fn elu_form(self) -> Option<(f64, f64, f64)> {
        match self {
            Activation::Elu {
                alpha,
                scale,
                input_scale,
            } => Some((alpha, scale, input_scale)),
            Activation::Celu { alpha } => Some((alpha, 1.0, 1.0 / alpha)),
            _ => None,
        }
    }
}

/// `√(2/π)` and the cubic coefficient of the tanh approximation.
const GELU_TANH_SCALE: f64 = 0.797_884_560_802_865_4;
const GELU_TANH_CUBIC: f64 = 0.044715;

/// The activations' constants and parameters, rounded to `T` once.
#[derive(Clone, Copy)]
struct Constants<T> {
    half: T,
    one: T,
    zero: T,
    three: T,
    six: T,
    k: T,
    c: T,
    three_c: T,
    /// The activation's parameters (which ones: `Constants::new`).
    p: [T; 3],
}

impl<T: Real> Constants<T> {
    fn new(f: Activation) -> Self {
        let p = match f {
            Activation::Softplus { beta, threshold } => [beta, threshold, 0.0],
            // `[scale·alpha, scale, input_scale]`: the negative side's factor first
            Activation::Elu { .. } | Activation::Celu { .. } => {
                let (alpha, scale, input_scale) = f.elu_form().expect("an ELU");
                [alpha * scale, scale, input_scale]
            }
            Activation::LeakyRelu { slope } => [slope, 0.0, 0.0],
            Activation::Hardtanh { min, max } => [min, max, 0.0],
            Activation::Softshrink { lambda } | Activation::Hardshrink { lambda } => {
                [lambda, 0.0, 0.0]
            }
            Activation::Threshold { threshold, value } => [threshold, value, 0.0],
            Activation::Gelu
            | Activation::GeluTanh
            | Activation::Silu
            | Activation::Hardswish
            | Activation::Hardsigmoid
            | Activation::Mish
            | Activation::LogSigmoid => [0.0; 3],
        };
        let t = T::from_f64;
        Constants {
            half: t(0.5),
            one: t(1.0),
            zero: t(0.0),
            three: t(3.0),
            six: t(6.0),
            k: t(GELU_TANH_SCALE),
            c: t(GELU_TANH_CUBIC),
            three_c: t(3.0 * GELU_TANH_CUBIC),
            p: p.map(t),
        }
    }

    #[inline(always)]
    fn gelu<M: MulAdd>(&self, x: T) -> T {
        x.gelu_with::<M>()
    }

    #[inline(always)]
    fn gelu_tanh<M: MulAdd>(&self, x: T) -> T {
        let inner = self.k * (x + self.c * x * x * x);
        self.half * x * (self.one + inner.tanh_with::<M>())
    }

    /// PyTorch's formula, one division: `x · sigmoid(x)` through the two-sided sigmoid divided
    /// twice per element (both sides are computed for the vector select), which made SiLU
    /// division-bound. Below -88 `exp(-x)` is infinite and the result -0, as PyTorch's.
    #[inline(always)]
    fn silu<M: MulAdd>(&self, x: T) -> T {
        x / (self.one + (-x).exp_with::<M>())
    }

    #[inline(always)]
    fn softplus<M: MulAdd>(&self, x: T) -> T {
        let [beta, threshold, _] = self.p;
        let z = x * beta;
        let above = z > threshold;
        // `exp` of a value above the threshold is not used (nor may it overflow).
        let y = (if above { self.zero } else { z })
            .exp_with::<M>()
            .log1p_with::<M>()
            / beta;
        if above {
            x
        } else {
            y
        }
    }

    #[inline(always)]
    fn gelu_backward<M: MulAdd>(&self, g: T, x: T) -> T {
        g * x.gelu_slope_with::<M>()
    }

    #[inline(always)]
    fn gelu_tanh_backward<M: MulAdd>(&self, g: T, x: T) -> T {
        let x2 = x * x;
        let t = (self.k * (x + self.c * x2 * x)).tanh_with::<M>();
        let inner_d = self.k * (self.one + self.three_c * x2);
        g * (self.half * (self.one + t) + self.half * x * (self.one - t * t) * inner_d)
    }

    #[inline(always)]
    fn silu_backward<M: MulAdd>(&self, g: T, x: T) -> T {
        let s = self.one / (self.one + (-x).exp_with::<M>());
        g * (s * (self.one + x * (self.one - s)))
    }

    #[inline(always)]
    fn softplus_backward<M: MulAdd>(&self, g: T, x: T) -> T {
        let [beta, threshold, _] = self.p;
        let z = x * beta;
        let slope = (if z > threshold { self.zero } else { z }).sigmoid_with::<M>();
        if z > threshold {
            g
        } else {
            g * slope
        }
    }

    /// `x` at and below 0 (NaN too), else 0: the exponential's argument, which cannot
    /// overflow on the side not taken.
    #[inline(always)]
    fn non_positive(&self, x: T) -> T {
        if x > self.zero {
            self.zero
        } else {
            x
        }
    }

    #[inline(always)]
    fn elu<M: MulAdd>(&self, x: T) -> T {
        let [negative, scale, input_scale] = self.p;
        let below = negative * (self.non_positive(x) * input_scale).expm1_with::<M>();
        if x > self.zero {
            scale * x
        } else {
            below
        }
    }

    /// PyTorch's branch: the exponential's side at and below 0, the linear side else (NaN).
    #[inline(always)]
    fn elu_backward<M: MulAdd>(&self, g: T, x: T) -> T {
        let [negative, scale, input_scale] = self.p;
        let below =
            g * (negative * input_scale) * (self.non_positive(x) * input_scale).exp_with::<M>();
        if x <= self.zero {
            below
        } else {
            g * scale
        }
    }

    #[inline(always)]
    fn leaky_relu<M: MulAdd>(&self, x: T) -> T {
        if x > self.zero {
            x
        } else {
            x * self.p[0]
        }
    }

    #[inline(always)]
    fn leaky_relu_backward<M: MulAdd>(&self, g: T, x: T) -> T {
        if x > self.zero {
            g
        } else {
            g * self.p[0]
        }
    }

    #[inline(always)]
    fn hardtanh<M: MulAdd>(&self, x: T) -> T {
        let [min, max, _] = self.p;
        if x < min {
            min
        } else if x > max {
            max
        } else {
            x
        }
    }

    #[inline(always)]
    fn hardtanh_backward<M: MulAdd>(&self, g: T, x: T) -> T {
        let [min, max, _] = self.p;
        if x <= min || x >= max {
            self.zero
        } else {
            g
        }
    }

    /// `relu6(x + 3)`, NaN for NaN.
    #[inline(always)]
    fn relu6_of_x_plus_3(&self, x: T) -> T {
        let r = x + self.three;
        if r < self.zero {
            self.zero
        } else if r > self.six {
            self.six
        } else {
            r
        }
    }

    #[inline(always)]
    fn hardswish<M: MulAdd>(&self, x: T) -> T {
        x * self.relu6_of_x_plus_3(x) / self.six
    }

    #[inline(always)]
    fn hardswish_backward<M: MulAdd>(&self, g: T, x: T) -> T {
        if x <= -self.three {
            self.zero
        } else if x < self.three {
            g * (x / self.three + self.half)
        } else {
            g
        }
    }

    #[inline(always)]
    fn hardsigmoid<M: MulAdd>(&self, x: T) -> T {
        self.relu6_of_x_plus_3(x) / self.six
    }

    #[inline(always)]
    fn hardsigmoid_backward<M: MulAdd>(&self, g: T, x: T) -> T {
        if x > -self.three && x < self.three {
            g / self.six
        } else {
            self.zero
        }
    }

    /// `tanh(log1p(exp(x)))`; past 20 the softplus is `x` and its tanh 1 (and `exp` is not
    /// taken where it would overflow).
    #[inline(always)]
    fn tanh_softplus<M: MulAdd>(&self, x: T) -> T {
        let large = x > T::from_f64(20.0);
        let softplus = (if large { self.zero } else { x })
            .exp_with::<M>()
            .log1p_with::<M>();
        (if large { x } else { softplus }).tanh_with::<M>()
    }

    #[inline(always)]
    fn mish<M: MulAdd>(&self, x: T) -> T {
        x * self.tanh_softplus::<M>(x)
    }

    #[inline(always)]
    fn mish_backward<M: MulAdd>(&self, g: T, x: T) -> T {
        let t = self.tanh_softplus::<M>(x);
        g * (t + x * x.sigmoid_with::<M>() * (self.one - t * t))
    }

    #[inline(always)]
    fn log_sigmoid<M: MulAdd>(&self, x: T) -> T {
        let negative_abs = if x > self.zero { -x } else { x };
        let below = if x < self.zero { x } else { self.zero };
        // `x` itself for NaN: `below - log1p(exp(NaN))` is NaN
        below - negative_abs.exp_with::<M>().log1p_with::<M>()
    }

    #[inline(always)]
    fn log_sigmoid_backward<M: MulAdd>(&self, g: T, x: T) -> T {
        g * (-x).sigmoid_with::<M>()
    }

    /// Whether `x` is in the band `[-lambda, lambda]` (never for NaN).
    #[inline(always)]
    fn in_band(&self, x: T) -> bool {
        x >= -self.p[0] && x <= self.p[0]
    }

    #[inline(always)]
    fn softshrink<M: MulAdd>(&self, x: T) -> T {
        let lambda = self.p[0];
        if x > lambda {
            x - lambda
        } else if x < -lambda {
            x + lambda
        } else {
            x * self.zero // -0 below 0 and NaN for NaN, as PyTorch
        }
    }

    #[inline(always)]
    fn hardshrink<M: MulAdd>(&self, x: T) -> T {
        if self.in_band(x) {
            self.zero
        } else {
            x
        }
    }

    /// The shrinks' gradient: none inside the band.
    #[inline(always)]
    fn shrink_backward<M: MulAdd>(&self, g: T, x: T) -> T {
        if self.in_band(x) {
            self.zero
        } else {
            g
        }
    }

    #[inline(always)]
    fn threshold<M: MulAdd>(&self, x: T) -> T {
        let [threshold, value, _] = self.p;
        if x <= threshold {
            value
        } else {
            x
        }
    }

    #[inline(always)]
    fn threshold_backward<M: MulAdd>(&self, g: T, x: T) -> T {
        if x <= self.p[0] {
            self.zero
        } else {
            g
        }
    }
}

/// One activation's element functions, with its constants: the loops below are generic over
/// it and call it with `#[inline(always)]` methods, so each is inlined into the loop compiled
/// for each instruction set (a closure holding the constants was not, and stayed scalar).
trait Pointwise<T>: Copy + Send + Sync {
    fn forward<M: MulAdd>(&self, x: T) -> T;
    fn backward<M: MulAdd>(&self, g: T, x: T) -> T;
}

const GELU: u8 = 0;
const GELU_TANH: u8 = 1;
const SILU: u8 = 2;
const SOFTPLUS: u8 = 3;
const ELU: u8 = 4;
const LEAKY_RELU: u8 = 5;
const HARDTANH: u8 = 6;
const HARDSWISH: u8 = 7;
const HARDSIGMOID: u8 = 8;
const MISH: u8 = 9;
const LOG_SIGMOID: u8 = 10;
const SOFTSHRINK: u8 = 11;
const HARDSHRINK: u8 = 12;
const THRESHOLD: u8 = 13;

/// The activation `KIND` (one of the constants above) for `T`.
#[derive(Clone, Copy)]
struct Kind<T, const KIND: u8>(Constants<T>);

impl<T: Real, const KIND: u8> Pointwise<T> for Kind<T, KIND> {
    #[inline(always)]
    fn forward<M: MulAdd>(&self, x: T) -> T {
        let k = &self.0;
        match KIND {
            GELU => k.gelu::<M>(x),
            GELU_TANH => k.gelu_tanh::<M>(x),
            SILU => k.silu::<M>(x),
            SOFTPLUS => k.softplus::<M>(x),
            ELU => k.elu::<M>(x),
            LEAKY_RELU => k.leaky_relu::<M>(x),
            HARDTANH => k.hardtanh::<M>(x),
            HARDSWISH => k.hardswish::<M>(x),
            HARDSIGMOID => k.hardsigmoid::<M>(x),
            MISH => k.mish::<M>(x),
            LOG_SIGMOID => k.log_sigmoid::<M>(x),
            SOFTSHRINK => k.softshrink::<M>(x),
            HARDSHRINK => k.hardshrink::<M>(x),
            _ => k.threshold::<M>(x),
        }
    }

    #[inline(always)]
    fn backward<M: MulAdd>(&self, g: T, x: T) -> T {
        let k = &self.0;
        match KIND {
            GELU => k.gelu_backward::<M>(g, x),
            GELU_TANH => k.gelu_tanh_backward::<M>(g, x),
            SILU => k.silu_backward::<M>(g, x),
            SOFTPLUS => k.softplus_backward::<M>(g, x),
            ELU => k.elu_backward::<M>(g, x),
            LEAKY_RELU => k.leaky_relu_backward::<M>(g, x),
            HARDTANH => k.hardtanh_backward::<M>(g, x),
            HARDSWISH => k.hardswish_backward::<M>(g, x),
            HARDSIGMOID => k.hardsigmoid_backward::<M>(g, x),
            MISH => k.mish_backward::<M>(g, x),
            LOG_SIGMOID => k.log_sigmoid_backward::<M>(g, x),
            SOFTSHRINK | HARDSHRINK => k.shrink_backward::<M>(g, x),
            _ => k.threshold_backward::<M>(g, x),
        }
    }
}

/// A [`Pointwise`]'s forward as a vector-loop lane.
#[derive(Clone, Copy)]
struct Forward<P>(P);

impl<T, P: Pointwise<T>> Lane<T> for Forward<P> {
    #[inline(always)]
    fn apply<M: MulAdd>(self, x: T) -> T {
        self.0.forward::<M>(x)
    }
}

/// A [`Pointwise`]'s backward, `(g, x) ↦ g · f'(x)`, as a vector-loop lane.
#[derive(Clone, Copy)]
struct Backward<P>(P);

impl<T, P: Pointwise<T>> Lane2<T> for Backward<P> {
    #[inline(always)]
    fn apply<M: MulAdd>(self, g: T, x: T) -> T {
        self.0.backward::<M>(g, x)
    }
}

/// `f` over chunks of a new vector of `n` elements, in parallel when large.
fn fill<T: Element>(n: usize, f: impl Fn(usize, &mut [MaybeUninit<T>]) + Sync) -> Result<Vec<T>> {
    super::fill(n, parallel::VECTOR_MATH_COST, f)
}

fn forward_kind<T: Real, P: Pointwise<T> + Send + Sync>(p: P, x: &NdArray) -> Result<NdArray> {
    let (isa, x_) = (Isa::best(), x.as_slice::<T>()?);
    let out = fill(x_.len(), |s, o| {
        map_with(isa, &x_[s..s + o.len()], o, Forward(p))
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
        map2_with(isa, &g_[s..end], &x_[s..end], o, Backward(p))
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
            Activation::Elu { .. } | Activation::Celu { .. } => {
                $run::<$T, _>(Kind::<$T, ELU>(k), $($arg),*)
            }
            Activation::LeakyRelu { .. } => $run::<$T, _>(Kind::<$T, LEAKY_RELU>(k), $($arg),*),
            Activation::Hardtanh { .. } => $run::<$T, _>(Kind::<$T, HARDTANH>(k), $($arg),*),
            Activation::Hardswish => $run::<$T, _>(Kind::<$T, HARDSWISH>(k), $($arg),*),
            Activation::Hardsigmoid => $run::<$T, _>(Kind::<$T, HARDSIGMOID>(k), $($arg),*),
            Activation::Mish => $run::<$T, _>(Kind::<$T, MISH>(k), $($arg),*),
            Activation::LogSigmoid => $run::<$T, _>(Kind::<$T, LOG_SIGMOID>(k), $($arg),*),
            Activation::Softshrink { .. } => $run::<$T, _>(Kind::<$T, SOFTSHRINK>(k), $($arg),*),
            Activation::Hardshrink { .. } => $run::<$T, _>(Kind::<$T, HARDSHRINK>(k), $($arg),*),
            Activation::Threshold { .. } => $run::<$T, _>(Kind::<$T, THRESHOLD>(k), $($arg),*),
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

/// A chain rule written from an op's output `y`, for ops that save their output. Each is
/// `autograd::calc`'s expression for the slope, which the fused kernel below rounds alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OutputSlope {
    /// `g·(y·(1 - y))`: the logistic sigmoid's.
    Logistic,
    /// `g·(1 - y·y)`: tanh's.
    Tanh,
    /// `g` where `y > 0`, else 0: relu's.
    Relu,
    /// `g / (2y)`: the square root's.
    Sqrt,
    /// `(g·(y·y·y))·(-1/2)`: `rsqrt`'s.
    Rsqrt,
    /// `-(g·(y·y))`: the reciprocal's.
    Reciprocal,
    /// `g·(y·y + 1)`: the tangent's.
    Tan,
    /// `g·(y + 1)`: `expm1`'s.
    Expm1,
}

/// `g` times the slope `kind` at the outputs `y` (for relu: `g` passed where `y > 0`) in one
/// pass, for contiguous host arrays of one float dtype and shape. Each element is rounded as
/// the expression evaluated op by op rounds it (no fused multiply-add), so both give the same
/// bits.
pub(crate) fn backward_from_output(kind: OutputSlope, g: &NdArray, y: &NdArray) -> Result<NdArray> {
    if g.dtype() != y.dtype() || g.shape() != y.shape() {
        return Err(unsupported(g));
    }
    match y.dtype() {
        DType::Float32 => from_output_typed::<f32>(kind, g, y),
        DType::Float64 => from_output_typed::<f64>(kind, g, y),
        _ => Err(unsupported(y)),
    }
}

fn from_output_typed<T: Real>(kind: OutputSlope, g: &NdArray, y: &NdArray) -> Result<NdArray> {
    let (g_all, y_all) = (g.as_slice::<T>()?, y.as_slice::<T>()?);
    let (one, zero, two) = (T::from_f64(1.0), T::from_f64(0.0), T::from_f64(2.0));
    let minus_half = T::from_f64(-0.5);
    let out = fill(y_all.len(), |s, out| {
        let (g, y) = (&g_all[s..s + out.len()], &y_all[s..s + out.len()]);
        let pairs = out.iter_mut().zip(g.iter().zip(y));
        macro_rules! each {
            (|$g:ident, $y:ident| $slope:expr) => {
                pairs.for_each(|(o, (&$g, &$y))| {
                    o.write($slope);
                })
            };
        }
        match kind {
            OutputSlope::Logistic => each!(|g, y| g * (y * (one - y))),
            OutputSlope::Tanh => each!(|g, y| g * (one - y * y)),
            OutputSlope::Relu => each!(|g, y| if y > zero { g } else { zero }),
            OutputSlope::Sqrt => each!(|g, y| g / (y * two)),
            OutputSlope::Rsqrt => each!(|g, y| (g * (y * y * y)) * minus_half),
            OutputSlope::Reciprocal => each!(|g, y| -(g * (y * y))),
            OutputSlope::Tan => each!(|g, y| g * (y * y + one)),
            OutputSlope::Expm1 => each!(|g, y| g * (y + one)),
        }
    })?;
    NdArray::from_vec(out, y.shape())
}
