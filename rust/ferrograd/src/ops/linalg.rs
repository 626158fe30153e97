//! Matrix products.

use smallvec::smallvec;

use crate::autograd::rules::{ClassName, Op};
use crate::autograd::saved::Saved;
use crate::error::{Error, Result};
use crate::kernels::{self, Transposed};
use crate::tensor::{record, Tensor};

/// Matrix products take operands of one dtype, as PyTorch's do (no promotion: a float32 weight
/// meeting float64 data is a bug to report, not to hide).
fn same_dtype(a: &Tensor, b: &Tensor) -> Result<()> {
    if a.dtype() != b.dtype() {
        return Err(Error::Unsupported(format!(
            "expected m1 and m2 to have the same dtype, but got: {} != {}",
            a.dtype(),
            b.dtype()
        )));
    }
    Ok(())
}

/// The dimensions of a matmul operand in front of its matrices (none for a vector or a matrix).
fn batch_dims(shape: &[usize]) -> &[usize] {
    &shape[..shape.len().saturating_sub(2)]
}

/// Refuses batch dimensions that do not broadcast with PyTorch's message: the first mismatch
/// from the last dimension, numbered in the broadcast batch shape.
fn check_batches_broadcast(a: &[usize], b: &[usize]) -> Result<()> {
    let ndim = a.len().max(b.len());
    let size = |dims: &[usize], i: usize| (i + dims.len()).checked_sub(ndim).map_or(1, |j| dims[j]);
    for i in (0..ndim).rev() {
        let (x, y) = (size(a, i), size(b, i));
        if x != y && x != 1 && y != 1 {
            return Err(Error::Shape(format!(
                "The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton dimension {i}"
            )));
        }
    }
    Ok(())
}

impl Tensor {
    /// `self @ other` with NumPy's `matmul` semantics: 1-D operands are promoted to a row
    /// (left) or column (right) and the added dimension removed again; batch dimensions broadcast.
    pub fn matmul(&self, other: &Tensor) -> Result<Tensor> {
        let (sa, sb) = (self.shape(), other.shape());
        if sa.is_empty() || sb.is_empty() {
            return Err(Error::Shape(format!(
                "both arguments to matmul need to be at least 1D, but they are {}D and {}D",
                sa.len(),
                sb.len()
            )));
        }
        same_dtype(self, other)?;
        check_batches_broadcast(batch_dims(&sa), batch_dims(&sb))?;
        let (a, b) = (self.data(), other.data());
        let a2 = if sa.len() == 1 {
            a.reshaped(&[1, sa[0]])?
        } else {
            a
        };
        let b2 = if sb.len() == 1 {
            b.reshaped(&[sb[0], 1])?
        } else {
            b
        };
        let out = kernels::matmul(&a2, &b2).map_err(|e| match e {
            Error::Shape(m) if !m.starts_with("Storage size calculation overflowed") => Error::Shape(format!(
                "matmul: shapes {:?} and {:?} cannot be multiplied (inner dimensions {} and {} differ)",
                sa.as_slice(),
                sb.as_slice(),
                sa[sa.len() - 1],
                sb[sb.len().saturating_sub(2)]
            )),
            other => other,
        })?;
        let mut out_shape: Vec<usize> = out.shape().to_vec();
        if sb.len() == 1 {
            out_shape.pop();
        }
        if sa.len() == 1 {
            // The row added to a 1-D left operand: last when `b` was 1-D too, else second to last.
            let row = if sb.len() == 1 {
                out_shape.len() - 1
            } else {
                out_shape.len() - 2
            };
            out_shape.remove(row);
        }
        let out = out.reshaped(&out_shape)?;
        let name: ClassName = match (sa.len(), sb.len()) {
            (1, 1) => &"DotBackward0",
            (2, 1) => &"MvBackward0",
            (2, 2) => &"MmBackward0",
            (3, 3) => &"BmmBackward0",
            _ => &"MatmulBackward0",
        };
        record(Op::Matmul { name }, &[self, other], out, |_| {
            smallvec![Saved::input(self), Saved::input(other)]
        })
    }

    /// Product of two matrices (both must be 2-D).
    pub fn mm(&self, other: &Tensor) -> Result<Tensor> {
        if self.ndim() != 2 || other.ndim() != 2 {
            return Err(Error::Shape(format!(
                "mm: both arguments must be matrices, got shapes {:?} and {:?}",
                self.shape().as_slice(),
                other.shape().as_slice()
            )));
        }
        self.matmul(other)
    }

    /// `bias + op(self) @ op(other)`, where `op` swaps the last two axes of the operands that
    /// `trans` names (read through strides, not copied) and `bias` broadcasts to the product's
    /// shape. Both operands are at least 2-D; batch dimensions broadcast. `F.linear` is
    /// `input.matmul_transposed(weight, {b: true}, bias)`; matmul's gradients use it too.
    pub fn matmul_transposed(
        &self,
        other: &Tensor,
        trans: Transposed,
        bias: Option<&Tensor>,
    ) -> Result<Tensor> {
        let (sa, sb) = (self.shape(), other.shape());
        if sa.len() < 2 || sb.len() < 2 {
            return Err(Error::Shape(format!(
                "matmul with transposed operands needs two operands of at least 2 dimensions, got shapes {:?} and {:?}",
                sa.as_slice(),
                sb.as_slice()
            )));
        }
        same_dtype(self, other)?;
        if let Some(c) = bias {
            same_dtype(c, self)?;
        }
        let (a, b) = (self.data(), other.data());
        let c = bias.map(|c| c.data());
        let out = kernels::matmul_transposed(&a, &b, trans, c.as_ref())?;
        let name: ClassName = match (bias.is_some(), sa.len(), sb.len()) {
            (true, _, _) => &"AddmmBackward0",
            (false, 2, 2) => &"MmBackward0",
            (false, 3, 3) => &"BmmBackward0",
            _ => &"MatmulBackward0",
        };
        let op = Op::MatmulTransposed { name, trans };
        let save = |_: &Tensor| smallvec![Saved::input(self), Saved::input(other)];
        match bias {
            Some(c) => record(op, &[self, other, c], out, save),
            None => record(op, &[self, other], out, save),
        }
    }
}
