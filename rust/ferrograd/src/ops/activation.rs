//! GELU, SiLU and softplus (`kernels::Activation`) as one recorded node each: one kernel pass
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
}

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
    }
}
