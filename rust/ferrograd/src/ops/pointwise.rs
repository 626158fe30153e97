//! Elementwise operations: unary math, binary arithmetic with broadcasting and promotion,
//! comparisons and logical operations.

use std::borrow::Cow;

use smallvec::smallvec;

use super::result_type;
use crate::array::{DType, NdArray};
use crate::autograd::node_input::{NodeInput, NodeInputs};
use crate::autograd::rules::{ClampBounds, Op};
use crate::autograd::saved::Saved;
use crate::error::{Error, Result};
use crate::kernels::{self, BinaryOp, UnaryOp};
use crate::tensor::{needs_recording, record, record_described, Tensor};

impl Tensor {
    /// The elements cast to `dtype` without recording (the engine casts gradients back).
    pub(crate) fn data_as(&self, dtype: DType) -> Result<NdArray> {
        kernels::cast(&self.read(), dtype)
    }

    fn unary_float(&self, op: UnaryOp, node: Op, save: SaveWhat) -> Result<Tensor> {
        let dtype = if self.dtype().is_floating() {
            self.dtype()
        } else {
            DType::DEFAULT_FLOAT
        };
        let out = kernels::unary(op, &self.data_as(dtype)?)?;
        record(node, &[self], out, |out| match save {
            SaveWhat::Input => smallvec![Saved::input(self)],
            SaveWhat::Output => smallvec![Saved::output(out)],
            SaveWhat::Nothing => smallvec![],
        })
    }

    pub fn exp(&self) -> Result<Tensor> {
        self.unary_float(UnaryOp::Exp, Op::Exp, SaveWhat::Output)
    }
    pub fn log(&self) -> Result<Tensor> {
        self.unary_float(UnaryOp::Log, Op::Log, SaveWhat::Input)
    }
    pub fn sqrt(&self) -> Result<Tensor> {
        self.unary_float(UnaryOp::Sqrt, Op::Sqrt, SaveWhat::Output)
    }
    pub fn rsqrt(&self) -> Result<Tensor> {
        self.unary_float(UnaryOp::Rsqrt, Op::Rsqrt, SaveWhat::Output)
    }
    pub fn sin(&self) -> Result<Tensor> {
        self.unary_float(UnaryOp::Sin, Op::Sin, SaveWhat::Input)
    }
    pub fn cos(&self) -> Result<Tensor> {
        self.unary_float(UnaryOp::Cos, Op::Cos, SaveWhat::Input)
    }
    pub fn tan(&self) -> Result<Tensor> {
        self.unary_float(UnaryOp::Tan, Op::Tan, SaveWhat::Output)
    }
    pub fn tanh(&self) -> Result<Tensor> {
        self.unary_float(UnaryOp::Tanh, Op::Tanh, SaveWhat::Output)
    }
    pub fn sigmoid(&self) -> Result<Tensor> {
        self.unary_float(UnaryOp::Sigmoid, Op::Sigmoid, SaveWhat::Output)
    }
    pub fn log1p(&self) -> Result<Tensor> {
        self.unary_float(UnaryOp::Log1p, Op::Log1p, SaveWhat::Input)
    }
    pub fn expm1(&self) -> Result<Tensor> {
        self.unary_float(UnaryOp::Expm1, Op::Expm1, SaveWhat::Output)
    }
    pub fn erf(&self) -> Result<Tensor> {
        self.unary_float(UnaryOp::Erf, Op::Erf, SaveWhat::Input)
    }
    pub fn reciprocal(&self) -> Result<Tensor> {
        self.unary_float(UnaryOp::Reciprocal, Op::Reciprocal, SaveWhat::Output)
    }

    /// Unary ops that keep integer dtypes.
    fn unary_same(&self, op: UnaryOp, node: Op, save: SaveWhat) -> Result<Tensor> {
        let out = kernels::unary(op, &self.read())?;
        record(node, &[self], out, |out| match save {
            SaveWhat::Input => smallvec![Saved::input(self)],
            SaveWhat::Output => smallvec![Saved::output(out)],
            SaveWhat::Nothing => smallvec![],
        })
    }

    pub fn neg(&self) -> Result<Tensor> {
        self.unary_same(UnaryOp::Neg, Op::Neg, SaveWhat::Nothing)
    }
    pub fn abs(&self) -> Result<Tensor> {
        self.unary_same(UnaryOp::Abs, Op::Abs, SaveWhat::Input)
    }
    pub fn relu(&self) -> Result<Tensor> {
        self.unary_same(UnaryOp::Relu, Op::Relu, SaveWhat::Output)
    }
    pub fn square(&self) -> Result<Tensor> {
        self.mul(self)
    }

    /// Results that never require grad (their derivative is zero or undefined).
    fn unary_constant(&self, op: UnaryOp) -> Result<Tensor> {
        Ok(Tensor::from_array(kernels::unary(op, &self.read())?))
    }
    pub fn sign(&self) -> Result<Tensor> {
        self.unary_constant(UnaryOp::Sign)
    }
    pub fn floor(&self) -> Result<Tensor> {
        self.unary_constant(UnaryOp::Floor)
    }
    pub fn ceil(&self) -> Result<Tensor> {
        self.unary_constant(UnaryOp::Ceil)
    }
    pub fn round(&self) -> Result<Tensor> {
        self.unary_constant(UnaryOp::Round)
    }
    pub fn trunc(&self) -> Result<Tensor> {
        self.unary_constant(UnaryOp::Trunc)
    }
    /// Logical not on bool, bitwise not on integers (`~x`).
    pub fn bitwise_not(&self) -> Result<Tensor> {
        self.unary_constant(UnaryOp::Not)
    }
    pub fn logical_not(&self) -> Result<Tensor> {
        self.to_dtype(DType::Bool)?.bitwise_not()
    }

    /// Both operands' elements in their common dtype.
    fn promoted(&self, other: &Tensor, dtype: DType) -> Result<(NdArray, NdArray)> {
        Ok((self.data_as(dtype)?, other.data_as(dtype)?))
    }

    /// `op` on both operands in PyTorch's result dtype (the default float instead of an
    /// integer one when `floating`), reading both arrays once and copying only an operand
    /// that needs a cast.
    fn promoted_binary(&self, other: &Tensor, op: BinaryOp, floating: bool) -> Result<NdArray> {
        self.described_binary(other, op, floating, false)
            .map(|(out, _)| out)
    }

    /// `promoted_binary`, also describing both operands for a graph node when `describe`
    /// (while their arrays are held anyway).
    fn described_binary(
        &self,
        other: &Tensor,
        op: BinaryOp,
        floating: bool,
        describe: bool,
    ) -> Result<(NdArray, NodeInputs)> {
        let (a, b) = Tensor::read_pair(self, other);
        let described = if describe {
            smallvec![NodeInput::describe(&a), NodeInput::describe(&b)]
        } else {
            NodeInputs::new()
        };
        if op == BinaryOp::Sub && (a.dtype() == DType::Bool || b.dtype() == DType::Bool) {
            return Err(Error::DType(
                "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
                    .into(),
            ));
        }
        let mut dtype = DType::result_type(a.dtype(), a.ndim() == 0, b.dtype(), b.ndim() == 0);
        if floating && !dtype.is_floating() {
            dtype = DType::DEFAULT_FLOAT;
        }
        let (a, b) = (cast_if_needed(&a, dtype)?, cast_if_needed(&b, dtype)?);
        Ok((kernels::binary(op, &a, &b)?, described))
    }

    fn arithmetic(&self, other: &Tensor, op: BinaryOp, node: Op, floating: bool) -> Result<Tensor> {
        let inputs = [self, other];
        let (out, described) =
            self.described_binary(other, op, floating, needs_recording(&inputs))?;
        let (needs_a, needs_b) = (self.requires_grad(), other.requires_grad());
        let saves = node.clone();
        let save = |out: &Tensor| match saves {
            Op::Mul => smallvec![
                if needs_b {
                    Saved::input(self)
                } else {
                    Saved::Absent
                },
                if needs_a {
                    Saved::input(other)
                } else {
                    Saved::Absent
                }
            ],
            Op::Div | Op::Pow { .. } | Op::Remainder | Op::Atan2 | Op::Maximum | Op::Minimum => {
                smallvec![Saved::input(self), Saved::input(other)]
            }
            _ => {
                let _ = out;
                smallvec![]
            }
        };
        if described.is_empty() {
            record(node, &inputs, out, save)
        } else {
            record_described(node, &inputs, described, out, save)
        }
    }

    pub fn add(&self, other: &Tensor) -> Result<Tensor> {
        self.arithmetic(other, BinaryOp::Add, Op::Add, false)
    }
    pub fn sub(&self, other: &Tensor) -> Result<Tensor> {
        self.arithmetic(other, BinaryOp::Sub, Op::Sub, false)
    }
    /// `other - self`, recorded as `RsubBackward1` (the reflected `scalar - tensor`).
    pub fn rsub(&self, other: &Tensor) -> Result<Tensor> {
        other.arithmetic(self, BinaryOp::Sub, Op::Rsub, false)
    }
    /// Multiplication; `mul(&self, &self)` is recorded once with both edges to `self`.
    pub fn mul(&self, other: &Tensor) -> Result<Tensor> {
        self.arithmetic(other, BinaryOp::Mul, Op::Mul, false)
    }
    /// True division: integer operands give the default float dtype.
    pub fn div(&self, other: &Tensor) -> Result<Tensor> {
        self.arithmetic(other, BinaryOp::Div, Op::Div, true)
    }
    pub fn pow(&self, exponent: &Tensor) -> Result<Tensor> {
        let scalar_exponent = exponent.ndim() == 0 && !exponent.requires_grad();
        self.arithmetic(exponent, BinaryOp::Pow, Op::Pow { scalar_exponent }, false)
    }
    /// Python-style remainder (the sign of the divisor).
    pub fn remainder(&self, other: &Tensor) -> Result<Tensor> {
        self.arithmetic(other, BinaryOp::Rem, Op::Remainder, false)
    }
    pub fn atan2(&self, other: &Tensor) -> Result<Tensor> {
        self.arithmetic(other, BinaryOp::Atan2, Op::Atan2, true)
    }
    pub fn maximum(&self, other: &Tensor) -> Result<Tensor> {
        self.arithmetic(other, BinaryOp::Maximum, Op::Maximum, false)
    }
    pub fn minimum(&self, other: &Tensor) -> Result<Tensor> {
        self.arithmetic(other, BinaryOp::Minimum, Op::Minimum, false)
    }

    /// Results without a gradient: floor division, comparisons, logical and bitwise ops.
    fn constant_binary(&self, other: &Tensor, op: BinaryOp) -> Result<Tensor> {
        Ok(Tensor::from_array(self.promoted_binary(other, op, false)?))
    }

    pub fn floor_divide(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::FloorDiv)
    }
    pub fn eq(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Eq)
    }
    pub fn ne(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Ne)
    }
    pub fn lt(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Lt)
    }
    pub fn le(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Le)
    }
    pub fn gt(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Gt)
    }
    pub fn ge(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Ge)
    }
    /// `&`: logical on bool, bitwise on integers.
    pub fn bitwise_and(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::And)
    }
    pub fn bitwise_or(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Or)
    }
    pub fn bitwise_xor(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Xor)
    }
    pub fn logical_and(&self, other: &Tensor) -> Result<Tensor> {
        self.to_dtype(DType::Bool)?
            .bitwise_and(&other.to_dtype(DType::Bool)?)
    }
    pub fn logical_or(&self, other: &Tensor) -> Result<Tensor> {
        self.to_dtype(DType::Bool)?
            .bitwise_or(&other.to_dtype(DType::Bool)?)
    }
    pub fn logical_xor(&self, other: &Tensor) -> Result<Tensor> {
        self.to_dtype(DType::Bool)?
            .bitwise_xor(&other.to_dtype(DType::Bool)?)
    }

    /// Clamps into `[min, max]`; the gradient passes where the input is inside the interval.
    pub fn clamp(&self, min: Option<f64>, max: Option<f64>) -> Result<Tensor> {
        if min.is_none() && max.is_none() {
            return Err(Error::Value(
                "torch.clamp: At least one of 'min' or 'max' must not be None".into(),
            ));
        }
        let data = self.data();
        let dtype = data.dtype();
        let mut out = data;
        if let Some(lo) = min {
            out = kernels::binary(BinaryOp::Maximum, &out, &self.scalar_on(lo, dtype)?)?;
        }
        if let Some(hi) = max {
            out = kernels::binary(BinaryOp::Minimum, &out, &self.scalar_on(hi, dtype)?)?;
        }
        record(
            Op::Clamp(Box::new(ClampBounds { min, max })),
            &[self],
            out,
            |_| smallvec![Saved::input(self)],
        )
    }

    /// `cond ? self : other`, differentiable in both branches.
    pub fn where_(&self, condition: &Tensor, other: &Tensor) -> Result<Tensor> {
        let dtype = result_type(self, other);
        let (a, b) = self.promoted(other, dtype)?;
        let cond = condition.data_as(DType::Bool)?;
        let out = kernels::where_(&cond, &a, &b)?;
        record(Op::Where, &[self, other], out, |_| {
            smallvec![Saved::input(&condition.detach())]
        })
    }
}

/// `x` itself when it already has `dtype`, else a cast copy.
fn cast_if_needed(x: &NdArray, dtype: DType) -> Result<Cow<'_, NdArray>> {
    if x.dtype() == dtype {
        Ok(Cow::Borrowed(x))
    } else {
        kernels::cast(x, dtype).map(Cow::Owned)
    }
}

#[derive(Clone, Copy)]
enum SaveWhat {
    Input,
    Output,
    Nothing,
}
