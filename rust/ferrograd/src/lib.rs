//! ferrograd: define-by-run reverse-mode automatic differentiation.
//!
//! Operations on [`Tensor`]s that require gradients record nodes in a graph arena as they run;
//! [`Tensor::backward`] walks that graph from the output back to the leaves and accumulates
//! gradients in the arena. The crate has no Python dependency; `ferrograd-py` binds it.
//!
//! ```
//! use ferrograd::{DType, Tensor};
//!
//! # fn main() -> ferrograd::Result<()> {
//! let x = Tensor::scalar(3.0f64).requires_grad_()?;
//! let y = x.mul(&x)?.add(&x)?; // y = x² + x
//! assert_eq!(y.grad_fn().unwrap().name(), "AddBackward0");
//! y.backward()?;
//! assert_eq!(x.grad().unwrap().item()?, 7.0); // dy/dx = 2x + 1
//!
//! let w = Tensor::randn(&[3, 2], DType::Float32)?.requires_grad_()?;
//! let loss = Tensor::ones(&[4, 3], DType::Float32).matmul(&w)?.relu()?.sum()?;
//! loss.backward()?;
//! assert_eq!(w.grad().unwrap().shape().as_slice(), &[3, 2]);
//! # Ok(())
//! # }
//! ```

pub mod array;
pub mod error;
pub mod kernels;
pub mod linalg;

pub use array::{DType, Device, NdArray};
pub use error::{Error, Result};
pub mod autograd;
pub mod ops;
pub mod tensor;

pub use autograd::{no_grad, BackwardOptions, NodeHandle};
pub use tensor::Tensor;
