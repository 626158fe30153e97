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
use crate::op_table::{Binary, ResultDtype, SavedValue, Unary};
use crate::tensor::{needs_recording, record, record_described, Tensor};

impl Tensor {
    /// The elements cast to `dtype` without recording (the engine casts gradients back).
    pub(crate) fn data_as(&self, dtype: DType) -> Result<NdArray> {
        kernels::cast(&self.read(), dtype)
    }

    /// `f` of each element (`t.exp()` is `t.unary(Unary::Exp)`).
    pub fn unary(&self, f: Unary) -> Result<Tensor> {
        let dtype = match f.result_dtype() {
            ResultDtype::Float if !self.dtype().is_floating() => DType::DEFAULT_FLOAT,
            _ => self.dtype(),
        };
        let out = {
            let data = self.read();
            let data = cast_if_needed(&data, dtype)?;
            kernels::unary(f.kernel(), &data)?
        };
        record(Op::Unary(f), &[self], out, |out| match f.saves() {
            SavedValue::Input => smallvec![Saved::input(self)],
            SavedValue::Output => smallvec![Saved::output(out)],
            SavedValue::Nothing => smallvec![],
        })
    }

    /// `self * self`, recorded as a product.
    pub fn square(&self) -> Result<Tensor> {
        self.mul(self)
    }

    /// Results that never require grad (bitwise and logical operations).
    fn unary_constant(&self, op: UnaryOp) -> Result<Tensor> {
        Ok(Tensor::from_array(kernels::unary(op, &self.read())?))
    }
    /// Logical not on bool, bitwise not on integers (`~x`).
    pub fn bitwise_not(&self) -> Result<Tensor> {
        self.unary_constant(UnaryOp::Not)
    }
    /// Elementwise `!(x != 0)`, as a bool tensor.
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
        self.described_binary(other, op, floating, false, true)
            .map(|(out, _)| out)
    }

    /// `promoted_binary`, also describing both operands for a graph node when `describe`
    /// (while their arrays are held anyway). `exact_scalars`: whether the op reads a 0-d operand
    /// at its own precision (see `reads_scalar_in_opmath`).
    fn described_binary(
        &self,
        other: &Tensor,
        op: BinaryOp,
        floating: bool,
        describe: bool,
        exact_scalars: bool,
    ) -> Result<(NdArray, NodeInputs)> {
        let (a, b) = Tensor::read_pair(self, other);
        let described = if describe {
            smallvec![NodeInput::describe(&a), NodeInput::describe(&b)]
        } else {
            NodeInputs::new()
        };
        if op == BinaryOp::Sub && (a.dtype() == DType::Bool) != (b.dtype() == DType::Bool) {
            // two bools are refused by the kernel check, with its own message
            return Err(Error::NotImplemented(
                "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
                    .into(),
            ));
        }
        let same_device = a.device() == b.device();
        if same_device && a.dtype() == b.dtype() && (!floating || a.dtype().is_floating()) {
            // Nothing to move or convert (the common case, kept free of copies).
            return Ok((kernels::binary(op, &a, &b)?, described));
        }
        let (a, b) = (scalar_on_device_of(&a, &b)?, scalar_on_device_of(&b, &a)?);
        let mut dtype = DType::result_type(a.dtype(), a.ndim() == 0, b.dtype(), b.ndim() == 0);
        if floating && !dtype.is_floating() {
            dtype = DType::DEFAULT_FLOAT;
        }
        if exact_scalars && reads_scalar_in_opmath(op, dtype, [&a, &b]) {
            let (a, b) = (opmath_operand(&a, dtype)?, opmath_operand(&b, dtype)?);
            let out = kernels::cast(&kernels::binary(op, &a, &b)?, dtype)?;
            return Ok((out, described));
        }
        let (a, b) = (cast_if_needed(&a, dtype)?, cast_if_needed(&b, dtype)?);
        Ok((kernels::binary(op, &a, &b)?, described))
    }

    /// `f(self, other)` elementwise, broadcasting (`a.mul(&b)` is `a.binary(Binary::Mul, &b)`).
    pub fn binary(&self, f: Binary, other: &Tensor) -> Result<Tensor> {
        let inputs = [self, other];
        let floating = f.result_dtype() == ResultDtype::Float;
        // `scalar - tensor` (PyTorch's rsub kernel) converts the scalar to the tensor's dtype.
        let exact_scalars = !matches!(f, Binary::Rsub);
        let (out, described) = self.described_binary(
            other,
            f.kernel(),
            floating,
            needs_recording(&inputs),
            exact_scalars,
        )?;
        let needs = [self.requires_grad(), other.requires_grad()];
        let reads = f.reads();
        // An operand is saved only when the derivative of an input that needs a gradient reads it.
        let kept = [0, 1].map(|j| (0..2).any(|i| needs[i] && reads[i][j]));
        let save = |_: &Tensor| match kept {
            [false, false] => smallvec![],
            _ => smallvec![
                if kept[0] {
                    Saved::input(self)
                } else {
                    Saved::Absent
                },
                if kept[1] {
                    Saved::input(other)
                } else {
                    Saved::Absent
                }
            ],
        };
        if described.is_empty() {
            record(Op::Binary(f), &inputs, out, save)
        } else {
            record_described(Op::Binary(f), &inputs, described, out, save)
        }
    }

    /// `other - self`, recorded as `RsubBackward1` (the reflected `scalar - tensor`).
    pub fn rsub(&self, other: &Tensor) -> Result<Tensor> {
        other.binary(Binary::Rsub, self)
    }
    /// `self ** exponent`; a constant 0-d exponent is recorded as PyTorch's `PowBackward0`.
    pub fn pow(&self, exponent: &Tensor) -> Result<Tensor> {
        let constant = exponent.ndim() == 0
            && !exponent.requires_grad()
            && !crate::autograd::forward::any_dual(&[exponent]);
        let f = if constant {
            Binary::PowScalar
        } else {
            Binary::Pow
        };
        self.binary(f, exponent)
    }

    /// `self / divisor` for a number, recorded as PyTorch's `div.Scalar` (`DivBackward1`), as
    /// composite functions divide (a mean over a count); integer tensors give the default float.
    pub fn div_scalar(&self, divisor: f64) -> Result<Tensor> {
        let dtype = if self.dtype().is_floating() {
            self.dtype()
        } else {
            DType::Float64 // a 0-d float promotes an integer tensor to the default float
        };
        let divisor = Tensor::from_array(self.scalar_on(divisor, dtype)?);
        self.binary(Binary::DivScalar, &divisor)
    }

    /// Results without a gradient: floor division, comparisons, logical and bitwise ops.
    fn constant_binary(&self, other: &Tensor, op: BinaryOp) -> Result<Tensor> {
        Ok(Tensor::from_array(self.promoted_binary(other, op, false)?))
    }

    /// `floor(self / other)` elementwise, broadcast, in the promoted dtype (no gradient).
    ///
    /// # Errors
    ///
    /// [`Error::Shape`] when the shapes do not broadcast; integer division by zero is
    /// [`Error::Arithmetic`].
    pub fn floor_divide(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::FloorDiv)
    }
    /// `self == other` elementwise (broadcast, compared in the promoted dtype), as a bool tensor.
    ///
    /// ```
    /// use ferrograd::Tensor;
    /// let a = Tensor::from(vec![1i64, 2, 3]);
    /// let mask = a.eq(&Tensor::from(2i64)).unwrap();
    /// assert_eq!(mask.to_vec::<bool>().unwrap(), vec![false, true, false]);
    /// ```
    pub fn eq(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Eq)
    }
    /// `self != other` elementwise (broadcast, compared in the promoted dtype), as a bool tensor.
    pub fn ne(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Ne)
    }
    /// `self < other` elementwise (broadcast, compared in the promoted dtype), as a bool tensor.
    pub fn lt(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Lt)
    }
    /// `self <= other` elementwise (broadcast, compared in the promoted dtype), as a bool tensor.
    pub fn le(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Le)
    }
    /// `self > other` elementwise (broadcast, compared in the promoted dtype), as a bool tensor.
    pub fn gt(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Gt)
    }
    /// `self >= other` elementwise (broadcast, compared in the promoted dtype), as a bool tensor.
    pub fn ge(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Ge)
    }
    /// `&`: logical on bool, bitwise on integers.
    pub fn bitwise_and(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::And)
    }
    /// `|`: logical on bool, bitwise on integers.
    pub fn bitwise_or(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Or)
    }
    /// `^`: logical on bool, bitwise on integers.
    pub fn bitwise_xor(&self, other: &Tensor) -> Result<Tensor> {
        self.constant_binary(other, BinaryOp::Xor)
    }
    /// Elementwise `(self != 0) && (other != 0)`, as a bool tensor.
    pub fn logical_and(&self, other: &Tensor) -> Result<Tensor> {
        let (a, b) = self.truth_in_common_dtype(other)?;
        a.bitwise_and(&b)
    }
    /// Elementwise `(self != 0) || (other != 0)`, as a bool tensor.
    pub fn logical_or(&self, other: &Tensor) -> Result<Tensor> {
        let (a, b) = self.truth_in_common_dtype(other)?;
        a.bitwise_or(&b)
    }
    /// Elementwise `(self != 0) != (other != 0)`, as a bool tensor.
    pub fn logical_xor(&self, other: &Tensor) -> Result<Tensor> {
        let (a, b) = self.truth_in_common_dtype(other)?;
        a.bitwise_xor(&b)
    }

    /// Both operands as bool after casting to their promoted dtype, as PyTorch's logical ops
    /// read them: a float64 1e-308 beside a float32 tensor is float32's 0, hence false.
    fn truth_in_common_dtype(&self, other: &Tensor) -> Result<(Tensor, Tensor)> {
        let common = DType::result_type(
            self.dtype(),
            self.ndim() == 0,
            other.dtype(),
            other.ndim() == 0,
        );
        let truth = |t: &Tensor| t.to_dtype(common)?.to_dtype(DType::Bool);
        Ok((truth(self)?, truth(other)?))
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
        // An integer tensor's bound beyond its dtype's range bounds nothing (uint8 clamped at
        // min=-1 is unchanged, as in PyTorch) rather than wrapping into the range.
        let bound = |v: f64| match dtype.integer_range() {
            Some((lowest, highest)) => v.clamp(lowest, highest),
            None => v,
        };
        let mut out = data;
        if let Some(lo) = min {
            out = kernels::binary(BinaryOp::Maximum, &out, &self.scalar_on(bound(lo), dtype)?)?;
        }
        if let Some(hi) = max {
            out = kernels::binary(BinaryOp::Minimum, &out, &self.scalar_on(bound(hi), dtype)?)?;
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

/// Whether `op` with a float16/bfloat16 result reads a 0-d operand of another dtype at that
/// operand's own precision, as PyTorch's CPU kernels for these ops do (they take a scalar
/// operand's original value in float32): `half_tensor * 0.1` multiplies by float32's 0.1,
/// not by float16's.
fn reads_scalar_in_opmath(op: BinaryOp, dtype: DType, operands: [&NdArray; 2]) -> bool {
    use BinaryOp::*;
    dtype.is_reduced_float()
        && matches!(op, Add | Sub | Mul | Div | FloorDiv)
        && operands.iter().any(|x| x.ndim() == 0 && x.dtype() != dtype)
}

/// An operand of `reads_scalar_in_opmath`'s ops in float32: a 0-d one from its own value, any
/// other converted to the result dtype first (as PyTorch converts it).
fn opmath_operand(x: &NdArray, dtype: DType) -> Result<NdArray> {
    if x.ndim() == 0 {
        return kernels::cast(x, dtype.compute_dtype());
    }
    kernels::cast(&*cast_if_needed(x, dtype)?, dtype.compute_dtype())
}

/// `x` itself when it already has `dtype`, else a cast copy.
fn cast_if_needed(x: &NdArray, dtype: DType) -> Result<Cow<'_, NdArray>> {
    if x.dtype() == dtype {
        Ok(Cow::Borrowed(x))
    } else {
        kernels::cast(x, dtype).map(Cow::Owned)
    }
}

/// `array`, moved to `other`'s device when it is a 0-d CPU array next to an array on another
/// device: PyTorch lets such a tensor take part as a number (`cuda_x * torch.tensor(2.0)`).
/// Its gradient goes back to the CPU in the engine's `conform`.
fn scalar_on_device_of<'a>(array: &'a NdArray, other: &NdArray) -> Result<Cow<'a, NdArray>> {
    if array.ndim() == 0 && array.device().is_cpu() && !other.device().is_cpu() {
        Ok(Cow::Owned(array.to_device(other.device())?))
    } else {
        Ok(Cow::Borrowed(array))
    }
}
