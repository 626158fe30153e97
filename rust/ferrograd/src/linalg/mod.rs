//! Dense linear algebra kernels: factorizations and solvers over batches of matrices.
//!
//! An array of shape `[..., m, n]` is a batch of `m × n` row-major matrices. Every kernel runs
//! faer on one matrix at a time and spreads a large batch over rayon's pool (`batch.rs`).
//! These are plain array kernels without autograd: the Python package `ferrograd.linalg`
//! records the nodes and writes their gradients with differentiable tensor operations, so
//! derivatives of any order come from the engine's existing rules.
//!
//! Failures that PyTorch reports per matrix (a singular matrix, a matrix that is not positive
//! definite, an iteration that did not converge) are returned as an `int32` `info` array, as
//! LAPACK and PyTorch's `*_ex` functions do, so the caller decides whether to raise.

mod batch;
pub mod cholesky;
pub mod eigen;
pub mod lu;
pub mod qr;
pub mod svd;
pub mod triangular;

use crate::array::{DType, Element, NdArray};
use crate::error::{Error, Result};

/// The element types the kernels compute in: `f32` and `f64`.
pub trait Real: Element + faer::traits::RealField + std::ops::MulAssign {
    fn is_finite(self) -> bool;
}

impl Real for f32 {
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
}

impl Real for f64 {
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
}

/// Runs `$body` with `$T` bound to `f32` or `f64` after `$array`'s dtype; other dtypes are a
/// `DType` error naming the function.
macro_rules! with_real {
    ($array:expr, $name:expr, $T:ident => $body:expr) => {
        match $array.dtype() {
            $crate::DType::Float32 => {
                type $T = f32;
                $body
            }
            $crate::DType::Float64 => {
                type $T = f64;
                $body
            }
            other => Err($crate::linalg::unsupported_dtype($name, other)),
        }
    };
}
pub(crate) use with_real;

pub(crate) fn unsupported_dtype(name: &str, dtype: DType) -> Error {
    Error::DType(format!(
        "{name}: Expected a floating point tensor (float32 or float64) as input. Got {}",
        dtype.name()
    ))
}

/// Checks that two operands of a kernel have the same dtype.
pub(crate) fn same_dtype(name: &str, a: &NdArray, b: &NdArray) -> Result<()> {
    if a.dtype() != b.dtype() {
        return Err(Error::DType(format!(
            "{name}: Expected both inputs to have the same dtype. Got {} and {}",
            a.dtype().name(),
            b.dtype().name()
        )));
    }
    Ok(())
}
