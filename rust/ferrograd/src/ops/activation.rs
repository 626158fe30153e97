//! The activations PyTorch records as one node (`kernels::Activation`: GELU, SiLU, softplus,
//! the ELU family, leaky ReLU, hardtanh, hardswish, hardsigmoid, mish, logsigmoid, the shrinks,
//! threshold) as one recorded node each here too, with PyTorch's name: one kernel pass
//! forward, and a backward rule that is one kernel pass too, unless its result must itself be
//! differentiable (a backward pass that records, for double backward, or a tangent): then the
//! same derivative is computed with recorded operations.

use smallvec::smallvec;

use crate::array::{DType, NdArray};
use crate::autograd::calc::Calc;
use crate::autograd::mode::is_grad_enabled;
use crate::autograd::op_rule::{single_grad, Grads, OpRule, RuleInputs, TangentInputs};
use crate::autograd::rules::Op;
use crate::autograd::saved::Saved;
use crate::error::{Error, Result};
use crate::kernels::{activation_kernels, Activation};
use crate::tensor::{record, Tensor};

/// `√(2/π)` and the cubic coefficient of GELU's tanh approximation, `1/√(2π)`.
const GELU_TANH_SCALE: f64 = 0.797_884_560_802_865_4;
const GELU_TANH_CUBIC: f64 = 0.044715;
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

fn host_float(a: &NdArray) -> bool {
    matches!(a.dtype(), DType::Float32 | DType::Float64) && a.device().is_cpu()
}

fn dense(a: NdArray) -> Result<NdArray> {
    if a.is_contiguous() {
        Ok(a)
    } else {
        crate::kernels::materialize(&a)
    }
}

impl Tensor {
    /// `f(self)` for a float32 or float64 host tensor.
    pub fn activation(&self, f: Activation) -> Result<Tensor> {
        let x = self.data();
        if !host_float(&x) {
            return Err(Error::DType(format!(
                "the fused activations take float32 or float64 CPU tensors, got {} on {:?}",
                x.dtype(),
                x.device()
            )));
        }
        let out = activation_kernels::forward(f, &dense(x)?)?;
        record(Op::rule(f), &[self], out, |_| smallvec![Saved::input(self)])
    }

    /// `x Φ(x)`, or its tanh approximation.
    pub fn gelu(&self, tanh_approximation: bool) -> Result<Tensor> {
        self.activation(if tanh_approximation {
            Activation::GeluTanh
        } else {
            Activation::Gelu
        })
    }

    /// `x · sigmoid(x)`.
    pub fn silu(&self) -> Result<Tensor> {
        self.activation(Activation::Silu)
    }

    /// `log(1 + exp(beta·x)) / beta`, and `x` where `beta·x > threshold`.
    pub fn softplus(&self, beta: f64, threshold: f64) -> Result<Tensor> {
        self.activation(Activation::Softplus { beta, threshold })
    }

    /// `x` above 0, `alpha·(exp(x) - 1)` at and below it.
    pub fn elu(&self, alpha: f64) -> Result<Tensor> {
        self.activation(Activation::Elu {
            alpha,
            scale: 1.0,
            input_scale: 1.0,
        })
    }

    /// ELU with Klambauer et al.'s `alpha` and `scale` (self-normalising).
    pub fn selu(&self) -> Result<Tensor> {
        self.activation(Activation::Elu {
            alpha: SELU_ALPHA,
            scale: SELU_SCALE,
            input_scale: 1.0,
        })
    }

    /// `max(0, x) + min(0, alpha·(exp(x/alpha) - 1))`.
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for `alpha = 0`.
    pub fn celu(&self, alpha: f64) -> Result<Tensor> {
        if alpha == 0.0 {
            return Err(Error::Value(
                "ZeroDivisionError: celu's alpha must not be 0".into(),
            ));
        }
        self.activation(Activation::Celu { alpha })
    }

    /// `x` above 0, `slope·x` at and below it.
    pub fn leaky_relu(&self, slope: f64) -> Result<Tensor> {
        self.activation(Activation::LeakyRelu { slope })
    }

    /// `x` clamped to `[min, max]`, with no gradient at or beyond the bounds.
    ///
    /// # Errors
    ///
    /// [`Error::Value`] when `min > max`.
    pub fn hardtanh(&self, min: f64, max: f64) -> Result<Tensor> {
        if min > max {
            return Err(Error::Value(
                "min_val cannot be greater than max_val".into(),
            ));
        }
        self.activation(Activation::Hardtanh { min, max })
    }

    /// `min(max(x, 0), 6)` (hardtanh's node, as PyTorch's).
    pub fn relu6(&self) -> Result<Tensor> {
        self.hardtanh(0.0, 6.0)
    }

    /// `x · relu6(x + 3) / 6`.
    pub fn hardswish(&self) -> Result<Tensor> {
        self.activation(Activation::Hardswish)
    }

    /// `relu6(x + 3) / 6`.
    pub fn hardsigmoid(&self) -> Result<Tensor> {
        self.activation(Activation::Hardsigmoid)
    }

    /// `x · tanh(softplus(x))`.
    pub fn mish(&self) -> Result<Tensor> {
        self.activation(Activation::Mish)
    }

    /// `log(sigmoid(x))`, finite for every finite `x`.
    pub fn log_sigmoid(&self) -> Result<Tensor> {
        self.activation(Activation::LogSigmoid)
    }

    /// `x - lambda` above `lambda`, `x + lambda` below `-lambda`, 0 between.
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for a negative `lambda`.
    pub fn softshrink(&self, lambda: f64) -> Result<Tensor> {
        if lambda < 0.0 {
            return Err(Error::Value(format!(
                "lambda must be greater or equal to 0, but found to be {lambda}."
            )));
        }
        self.activation(Activation::Softshrink { lambda })
    }

    /// `x` outside `[-lambda, lambda]`, 0 inside.
    pub fn hardshrink(&self, lambda: f64) -> Result<Tensor> {
        self.activation(Activation::Hardshrink { lambda })
    }

    /// `x` above `threshold`, `value` at and below it.
    pub fn threshold(&self, threshold: f64, value: f64) -> Result<Tensor> {
        self.activation(Activation::Threshold { threshold, value })
    }
}

/// SELU's constants (Klambauer et al., 2017), as PyTorch has them.
const SELU_ALPHA: f64 = 1.673_263_242_354_377_3;
const SELU_SCALE: f64 = 1.050_700_987_355_480_5;

/// The node saves its input `x`.
fn saved_x<'a>(r: &'a RuleInputs) -> Result<&'a Tensor> {
    r.saved(0)
}

impl OpRule for Activation {
    fn name(&self) -> &'static str {
        match self {
            Activation::Gelu | Activation::GeluTanh => "GeluBackward0",
            Activation::Silu => "SiluBackward0",
            Activation::Softplus { .. } => "SoftplusBackward0",
            Activation::Elu { .. } => "EluBackward0",
            Activation::Celu { .. } => "CeluBackward0",
            Activation::LeakyRelu { .. } => "LeakyReluBackward0",
            Activation::Hardtanh { .. } => "HardtanhBackward0",
            Activation::Hardswish => "HardswishBackward0",
            Activation::Hardsigmoid => "HardsigmoidBackward0",
            Activation::Mish => "MishBackward0",
            Activation::LogSigmoid => "LogSigmoidBackward0",
            Activation::Softshrink { .. } => "SoftshrinkBackward0",
            Activation::Hardshrink { .. } => "HardshrinkBackward0",
            Activation::Threshold { .. } => "ThresholdBackward0",
        }
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        let g = single_grad(grads)?;
        r.one_input(|| derivative(*self, g, saved_x(r)?))
    }

    fn tangent(&self, cx: &TangentInputs) -> Result<Tensor> {
        derivative(*self, cx.t0()?, cx.x(0))
    }
}

/// `g · f'(x)`: the input's gradient given the output's (or the output's tangent given the
/// input's).
fn derivative(f: Activation, g: &Tensor, x: &Tensor) -> Result<Tensor> {
    let recorded = (is_grad_enabled() && (g.requires_grad() || x.requires_grad()))
        || crate::autograd::forward::any_dual(&[g, x]);
    if !recorded {
        let (gd, xd) = (g.data(), x.data());
        if host_float(&gd) && gd.dtype() == xd.dtype() && gd.shape() == xd.shape() {
            let out = activation_kernels::backward(f, &dense(gd)?, &dense(xd)?)?;
            return Ok(Tensor::from_array(out));
        }
    }
    g.mul(&slope(f, x)?)
}

/// `f'(x)` as recorded operations (differentiable again).
fn slope(f: Activation, x: &Tensor) -> Result<Tensor> {
    let c = |v: f64| x.constant(v);
    match f {
        Activation::Gelu => {
            let cdf = x
                .mul(&c(std::f64::consts::FRAC_1_SQRT_2)?)?
                .erf()?
                .add(&c(1.0)?)?
                .mul(&c(0.5)?)?;
            let pdf = x.mul(x)?.mul(&c(-0.5)?)?.exp()?.mul(&c(INV_SQRT_2PI)?)?;
            cdf.add(&x.mul(&pdf)?)
        }
        Activation::GeluTanh => {
            let x2 = x.mul(x)?;
            let t = x2
                .mul(x)?
                .mul(&c(GELU_TANH_CUBIC)?)?
                .add(x)?
                .mul(&c(GELU_TANH_SCALE)?)?
                .tanh()?;
            let inner_slope = x2
                .mul(&c(3.0 * GELU_TANH_CUBIC)?)?
                .add(&c(1.0)?)?
                .mul(&c(GELU_TANH_SCALE)?)?;
            let outer = t.add(&c(1.0)?)?.mul(&c(0.5)?)?;
            let inner = x
                .mul(&c(0.5)?)?
                .mul(&c(1.0)?.sub(&t.mul(&t)?)?)?
                .mul(&inner_slope)?;
            outer.add(&inner)
        }
        Activation::Silu => {
            let s = x.sigmoid()?;
            s.mul(&x.mul(&c(1.0)?.sub(&s)?)?.add(&c(1.0)?)?)
        }
        Activation::Softplus { beta, threshold } => {
            let z = x.mul(&c(beta)?)?;
            let soft = z.le(&c(threshold)?)?;
            z.sigmoid()?.where_(&soft, &c(1.0)?)
        }
        Activation::Elu { .. } | Activation::Celu { .. } => {
            let (alpha, scale, input_scale) = f.elu_form().expect("an ELU");
            let zero = c(0.0)?;
            let at_or_below = x.le(&zero)?;
            let below = x
                .where_(&at_or_below, &zero)?
                .mul(&c(input_scale)?)?
                .exp()?;
            below
                .mul(&c(alpha * scale * input_scale)?)?
                .where_(&at_or_below, &c(scale)?)
        }
        Activation::LeakyRelu { slope } => c(1.0)?.where_(&x.gt(&c(0.0)?)?, &c(slope)?),
        Activation::Hardtanh { min, max } => {
            let outside = x.le(&c(min)?)?.logical_or(&x.ge(&c(max)?)?)?;
            c(0.0)?.where_(&outside, &c(1.0)?)
        }
        Activation::Hardswish => {
            let middle = x.mul(&c(1.0 / 3.0)?)?.add(&c(0.5)?)?;
            let upper = middle.where_(&x.lt(&c(3.0)?)?, &c(1.0)?)?;
            c(0.0)?.where_(&x.le(&c(-3.0)?)?, &upper)
        }
        Activation::Hardsigmoid => {
            let inside = x.gt(&c(-3.0)?)?.logical_and(&x.lt(&c(3.0)?)?)?;
            c(1.0 / 6.0)?.where_(&inside, &c(0.0)?)
        }
        Activation::Mish => {
            let t = x.softplus(1.0, 20.0)?.tanh()?;
            let bend = c(1.0)?.sub(&t.mul(&t)?)?;
            t.add(&x.mul(&x.sigmoid()?)?.mul(&bend)?)
        }
        Activation::LogSigmoid => x.neg()?.sigmoid(),
        Activation::Softshrink { lambda } | Activation::Hardshrink { lambda } => {
            let band = x.ge(&c(-lambda)?)?.logical_and(&x.le(&c(lambda)?)?)?;
            c(0.0)?.where_(&band, &c(1.0)?)
        }
        Activation::Threshold { threshold, .. } => c(0.0)?.where_(&x.le(&c(threshold)?)?, &c(1.0)?),
    }
}
