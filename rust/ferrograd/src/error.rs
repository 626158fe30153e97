//! The one error type of the crate; the Python binding maps each variant to one exception class.

use thiserror::Error;

use crate::array::DType;

/// Every error the crate returns. Each variant carries PyTorch's message for the case; the
/// Python binding raises the exception class named on the variant. Implements
/// [`std::error::Error`], so `?` converts it into `Box<dyn std::error::Error>` or `anyhow::Error`.
///
/// ```
/// use ferrograd::{Error, Tensor};
/// let a = Tensor::from(vec![1.0f32, 2.0]);
/// let b = Tensor::from(vec![1.0f32, 2.0, 3.0]);
/// let err = a.add(&b).unwrap_err();
/// assert!(matches!(err, Error::Shape(_)));
/// let _: Box<dyn std::error::Error> = Box::new(err);
/// ```
#[derive(Debug, Error, Clone, PartialEq)]
pub enum Error {
    /// Incompatible shapes (maps to `ValueError`).
    #[error("{0}")]
    Shape(String),
    /// A dtype that the operation does not accept (maps to `TypeError`).
    #[error("{0}")]
    DType(String),
    /// An index or dimension out of range (maps to `IndexError`).
    #[error("{0}")]
    Index(String),
    /// A bad value, such as an integer division by zero (maps to `ValueError`).
    #[error("{0}")]
    Value(String),
    /// A value the arithmetic cannot take, such as an integer division by zero (maps to
    /// `RuntimeError`, as PyTorch raises).
    #[error("{0}")]
    Arithmetic(String),
    /// Operands an operation refuses where PyTorch raises `RuntimeError` and no other variant
    /// fits, such as a matrix product of two dtypes (maps to `RuntimeError`).
    #[error("{0}")]
    Unsupported(String),
    /// An operation PyTorch defines but refuses for these operands, such as subtraction of
    /// bool tensors (maps to `NotImplementedError`, as PyTorch raises).
    #[error("{0}")]
    NotImplemented(String),
    /// Misuse of autograd, such as a second backward through a freed graph (maps to `RuntimeError`).
    #[error("{0}")]
    Autograd(String),
    /// Operands on different devices, or a device without a backend (maps to `RuntimeError`).
    #[error("{0}")]
    Device(String),
    /// Memory for a tensor's elements could not be allocated (maps to `MemoryError`, through
    /// `ferrograd.OutOfMemoryError`, which is also a `RuntimeError` as PyTorch raises).
    #[error("{0}")]
    OutOfMemory(String),
    /// An error raised by user code called back from the engine (a hook, a custom Function,
    /// a device backend); the binding re-raises the original Python exception.
    #[error("{0}")]
    External(String),
}

impl Error {
    /// The error for an allocation of `bytes` bytes that failed, worded as PyTorch's.
    pub fn out_of_memory(bytes: usize) -> Error {
        Error::OutOfMemory(format!(
            "can't allocate memory: you tried to allocate {bytes} bytes"
        ))
    }
}

/// The crate's `Result`: `Ok(T)` or an [`Error`](enum@Error).
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The error of an operation defined only for floating dtypes (`op`'s name leads the
    /// message) given a tensor of `dtype`.
    pub(crate) fn expected_float(op: &str, dtype: DType) -> Error {
        Error::DType(format!(
            "{op}: expected a floating point tensor, got {dtype}"
        ))
    }
}

/// `Ok` when `dtype` is a floating dtype, else [`Error::expected_float`]: the one check of
/// the operations defined only for floating tensors.
pub(crate) fn require_float(op: &str, dtype: DType) -> Result<()> {
    if dtype.is_floating() {
        Ok(())
    } else {
        Err(Error::expected_float(op, dtype))
    }
}
