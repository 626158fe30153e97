//! `Calc`: the arithmetic a pointwise derivative is written in, for the two kinds of values it is
//! evaluated on. On tensors it gives the backward rule (`g` the output's gradient) and the tangent
//! rule (`g` the input's tangent), both recorded as ordinary operations so they can be
//! differentiated again; on the bare numbers of a 0-d gradient it gives the scalar fast path of
//! the backward pass. One expression, three rules: they agree by construction, and the scalar
//! path computes each element operation as the tensor kernels do (through their element
//! arithmetic), so the two paths give identical bits.

use crate::array::DType;
use crate::autograd::forward::any_dual;
use crate::error::Result;
use crate::kernels::activation_kernels::{self, OutputSlope};
use crate::kernels::pow_kernels;
use crate::kernels::ElementMath;
use crate::tensor::{needs_recording, Tensor};

/// Values a derivative expression computes with. Every method mirrors the tensor operation of
/// the same name; `constant` makes a number in the value's own dtype (and on its device).
pub(crate) trait Calc: Sized + Clone {
    /// The result of a comparison (a bool tensor, or a `bool`).
    type Mask;

    fn constant(&self, value: f64) -> Result<Self>;
    /// Zeros in this value's shape (the gradient of a piecewise-constant function).
    fn zeros_like(&self) -> Result<Self>;

    fn add(&self, other: &Self) -> Result<Self>;
    fn sub(&self, other: &Self) -> Result<Self>;
    fn mul(&self, other: &Self) -> Result<Self>;
    fn div(&self, other: &Self) -> Result<Self>;
    fn pow(&self, exponent: &Self) -> Result<Self>;
    fn floor_divide(&self, other: &Self) -> Result<Self>;
    fn neg(&self) -> Result<Self>;
    fn exp(&self) -> Result<Self>;
    fn log(&self) -> Result<Self>;
    fn sin(&self) -> Result<Self>;
    fn cos(&self) -> Result<Self>;
    fn sign(&self) -> Result<Self>;

    fn gt(&self, other: &Self) -> Result<Self::Mask>;
    fn lt(&self, other: &Self) -> Result<Self::Mask>;
    fn ge(&self, other: &Self) -> Result<Self::Mask>;
    fn eq(&self, other: &Self) -> Result<Self::Mask>;
    fn ne(&self, other: &Self) -> Result<Self::Mask>;
    fn and(a: &Self::Mask, b: &Self::Mask) -> Result<Self::Mask>;
    /// `mask ? self : other`.
    fn select(&self, mask: &Self::Mask, other: &Self) -> Result<Self>;

    /// `self` times the slope `slope` written from the op's output `y` (for relu, `self` where
    /// `y > 0`, else 0: a select, not a product, so a NaN gradient stays out of the zeroed
    /// places, as PyTorch's `threshold_backward`).
    fn times_output_slope(&self, slope: OutputSlope, y: &Self) -> Result<Self> {
        output_chain(slope, self, y)
    }
    /// `self · b · a^(b-1)`, zero where `b == 0` (as PyTorch, so `0 ** 0` does not give NaN):
    /// `pow`'s chain rule for its base `a`.
    fn times_power_slope(&self, a: &Self, b: &Self) -> Result<Self> {
        power_chain(self, a, b)
    }
}

fn power_chain<C: Calc>(g: &C, a: &C, b: &C) -> Result<C> {
    let zero = g.constant(0.0)?;
    let value = g.mul(b)?.mul(&a.pow(&b.sub(&b.constant(1.0)?)?)?)?;
    value.select(&b.ne(&zero)?, &zero)
}

/// The chain rule `slope` from the output `y`, op by op (the fused kernel of
/// `activation_kernels::backward_from_output` rounds each element alike).
fn output_chain<C: Calc>(slope: OutputSlope, g: &C, y: &C) -> Result<C> {
    let one = || g.constant(1.0);
    match slope {
        OutputSlope::Logistic => g.mul(&y.mul(&one()?.sub(y)?)?),
        OutputSlope::Tanh => g.mul(&one()?.sub(&y.mul(y)?)?),
        OutputSlope::Relu => g.select(&y.gt(&y.constant(0.0)?)?, &g.constant(0.0)?),
        OutputSlope::Sqrt => g.div(&y.mul(&g.constant(2.0)?)?),
        OutputSlope::Rsqrt => g.mul(&y.mul(y)?.mul(y)?)?.mul(&g.constant(-0.5)?),
        OutputSlope::Reciprocal => g.mul(&y.mul(y)?)?.neg(),
        OutputSlope::Tan => g.mul(&y.mul(y)?.add(&one()?)?),
        OutputSlope::Expm1 => g.mul(&y.add(&one()?)?),
    }
}

/// Whether none of `values` is recorded by a graph or carries a tangent: a rule may then run a
/// fused kernel in place of its expression op by op.
fn nothing_recorded(values: &[&Tensor]) -> bool {
    !(needs_recording(values) || any_dual(values))
}

/// `g` times the slope `kind` at `y` in one kernel when nothing is recorded and both are
/// float32/float64 host tensors of one shape; else the same expression op by op.
fn fused_or(g: &Tensor, y: &Tensor, kind: OutputSlope) -> Result<Tensor> {
    let (gd, yd) = (g.data(), y.data());
    let host_float = matches!(yd.dtype(), DType::Float32 | DType::Float64) && yd.device().is_cpu();
    if !nothing_recorded(&[g, y])
        || !host_float
        || gd.dtype() != yd.dtype()
        || gd.shape() != yd.shape()
    {
        return output_chain(kind, g, y);
    }
    let out = activation_kernels::backward_from_output(kind, &gd.contiguous()?, &yd.contiguous()?)?;
    Ok(Tensor::from_array(out))
}

impl Calc for Tensor {
    type Mask = Tensor;

    fn constant(&self, value: f64) -> Result<Tensor> {
        Ok(Tensor::from_array(self.scalar_on(value, self.dtype())?))
    }
    fn zeros_like(&self) -> Result<Tensor> {
        Tensor::try_full(&self.shape(), 0.0, self.dtype(), self.device())
    }
    fn add(&self, other: &Tensor) -> Result<Tensor> {
        Tensor::add(self, other)
    }
    fn sub(&self, other: &Tensor) -> Result<Tensor> {
        Tensor::sub(self, other)
    }
    fn mul(&self, other: &Tensor) -> Result<Tensor> {
        Tensor::mul(self, other)
    }
    fn div(&self, other: &Tensor) -> Result<Tensor> {
        Tensor::div(self, other)
    }
    fn pow(&self, exponent: &Tensor) -> Result<Tensor> {
        Tensor::pow(self, exponent)
    }
    fn floor_divide(&self, other: &Tensor) -> Result<Tensor> {
        Tensor::floor_divide(self, other)
    }
    fn neg(&self) -> Result<Tensor> {
        Tensor::neg(self)
    }
    fn exp(&self) -> Result<Tensor> {
        Tensor::exp(self)
    }
    fn log(&self) -> Result<Tensor> {
        Tensor::log(self)
    }
    fn sin(&self) -> Result<Tensor> {
        Tensor::sin(self)
    }
    fn cos(&self) -> Result<Tensor> {
        Tensor::cos(self)
    }
    fn sign(&self) -> Result<Tensor> {
        Tensor::sign(self)
    }
    fn gt(&self, other: &Tensor) -> Result<Tensor> {
        Tensor::gt(self, other)
    }
    fn lt(&self, other: &Tensor) -> Result<Tensor> {
        Tensor::lt(self, other)
    }
    fn ge(&self, other: &Tensor) -> Result<Tensor> {
        Tensor::ge(self, other)
    }
    fn eq(&self, other: &Tensor) -> Result<Tensor> {
        Tensor::eq(self, other)
    }
    fn ne(&self, other: &Tensor) -> Result<Tensor> {
        Tensor::ne(self, other)
    }
    fn and(a: &Tensor, b: &Tensor) -> Result<Tensor> {
        a.bitwise_and(b)
    }
    fn select(&self, mask: &Tensor, other: &Tensor) -> Result<Tensor> {
        self.where_(mask, other)
    }
    fn times_output_slope(&self, slope: OutputSlope, y: &Tensor) -> Result<Tensor> {
        fused_or(self, y, slope)
    }
    fn times_power_slope(&self, a: &Tensor, b: &Tensor) -> Result<Tensor> {
        if nothing_recorded(&[self, a, b]) {
            if let Some(out) = pow_kernels::times_slope(&self.data(), &a.data(), &b.data())? {
                return Ok(Tensor::from_array(out));
            }
        }
        power_chain(self, a, b)
    }
}

/// One element of a 0-d gradient or saved value, computed with the kernels' element arithmetic.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Num<T>(pub T);

impl<T: ElementMath> Calc for Num<T> {
    type Mask = bool;

    fn constant(&self, value: f64) -> Result<Self> {
        Ok(Num(T::from_f64(value)))
    }
    fn zeros_like(&self) -> Result<Self> {
        Ok(Num(T::zero()))
    }
    fn add(&self, o: &Self) -> Result<Self> {
        Ok(Num(self.0.add(o.0)))
    }
    fn sub(&self, o: &Self) -> Result<Self> {
        Ok(Num(self.0.sub(o.0)))
    }
    fn mul(&self, o: &Self) -> Result<Self> {
        Ok(Num(self.0.mul(o.0)))
    }
    fn div(&self, o: &Self) -> Result<Self> {
        Ok(Num(self.0.div(o.0)))
    }
    fn pow(&self, o: &Self) -> Result<Self> {
        Ok(Num(self.0.pow(o.0)))
    }
    fn floor_divide(&self, o: &Self) -> Result<Self> {
        Ok(Num(self.0.floor_div(o.0)))
    }
    fn neg(&self) -> Result<Self> {
        Ok(Num(self.0.neg()))
    }
    fn exp(&self) -> Result<Self> {
        Ok(Num(self.0.exp()))
    }
    fn log(&self) -> Result<Self> {
        Ok(Num(self.0.log()))
    }
    fn sin(&self) -> Result<Self> {
        Ok(Num(self.0.sin()))
    }
    fn cos(&self) -> Result<Self> {
        Ok(Num(self.0.cos()))
    }
    fn sign(&self) -> Result<Self> {
        Ok(Num(self.0.sign()))
    }
    fn gt(&self, o: &Self) -> Result<bool> {
        Ok(self.0 > o.0)
    }
    fn lt(&self, o: &Self) -> Result<bool> {
        Ok(self.0 < o.0)
    }
    fn ge(&self, o: &Self) -> Result<bool> {
        Ok(self.0 >= o.0)
    }
    fn eq(&self, o: &Self) -> Result<bool> {
        Ok(self.0 == o.0)
    }
    fn ne(&self, o: &Self) -> Result<bool> {
        Ok(self.0 != o.0)
    }
    fn and(a: &bool, b: &bool) -> Result<bool> {
        Ok(*a && *b)
    }
    fn select(&self, mask: &bool, other: &Self) -> Result<Self> {
        Ok(if *mask { *self } else { *other })
    }
}
