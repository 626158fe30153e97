//! ferrograd: define-by-run reverse-mode automatic differentiation.
//!
//! Operations on [`Tensor`]s that require gradients record nodes in a graph arena as they run;
//! [`Tensor::backward`] walks that graph from the output back to the leaves and accumulates
//! gradients in the arena. The crate has no Python dependency; `ferrograd-py` binds it.

pub mod array;
pub mod error;
pub mod kernels;

pub use array::{DType, Device, NdArray};
pub use error::{Error, Result};
pub mod autograd;
pub mod ops;
pub mod tensor;

pub use autograd::{no_grad, BackwardOptions, NodeHandle};
pub use tensor::Tensor;
