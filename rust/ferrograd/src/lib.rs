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
//!
//! # Guide
//!
//! ## Tensors
//!
//! A [`Tensor`] is an n-dimensional array of one [`DType`] (`bool`, `int32`, `int64`,
//! `float32`, `float64`) on a [`Device`]. Make one from Rust values with `From`
//! ([`Tensor::from`] on scalars, vectors, slices, arrays and arrays of arrays), from a vector and
//! a shape ([`Tensor::from_vec`]), or with the creation functions ([`Tensor::zeros`],
//! [`Tensor::randn`], [`Tensor::arange`] ...; seed with [`ops::manual_seed`]). Operations are
//! methods returning [`Result`]; the `+ - * /` and unary `-` operators work on `Tensor`,
//! `&Tensor` and `f64` scalars and return a `Result` as well. `Display` prints what
//! PyTorch's `repr` prints:
//!
//! ```
//! use ferrograd::Tensor;
//! # fn main() -> ferrograd::Result<()> {
//! let x = Tensor::from([[1.0f32, 2.0], [3.0, 4.0]]);
//! let y = ((&x * 2.0)? + 1.0)?;
//! assert_eq!(y.to_string(), "tensor([[3., 5.],\n        [7., 9.]])");
//! # Ok(())
//! # }
//! ```
//!
//! ## Autograd
//!
//! Mark leaves with [`Tensor::requires_grad_`]; operations on them record a graph, and
//! [`Tensor::backward`] fills each leaf's [`Tensor::grad`]. Run code without recording with the
//! [`no_grad`] closure, or hold a [`GradModeGuard`] for a scope:
//!
//! ```
//! use ferrograd::{GradModeGuard, Tensor};
//! # fn main() -> ferrograd::Result<()> {
//! let w = Tensor::from(vec![1.0f64, 2.0]).requires_grad_()?;
//! {
//!     let _no_grad = GradModeGuard::new(false);
//!     assert!(!(&w * 2.0)?.requires_grad());
//! }
//! assert!((&w * 2.0)?.requires_grad());
//! # Ok(())
//! # }
//! ```
//!
//! ## Models, training and saving
//!
//! [`nn`] has layers implementing [`nn::Module`] (with PyTorch's parameter names and default
//! initialisation), [`nn::functional`] the activations and losses, [`optim`] the optimizers and
//! learning-rate schedules, and [`serialize`] reads and writes state dicts as safetensors files
//! that Python's `ferrograd.load`/`ferrograd.save` share. A training loop:
//!
//! ```
//! use ferrograd::nn::{self, functional as F, Module};
//! use ferrograd::optim::{Adam, AdamConfig, Optimizer};
//! use ferrograd::{DType, Tensor};
//!
//! # fn main() -> ferrograd::Result<()> {
//! ferrograd::ops::manual_seed(0);
//! let model = nn::Sequential::new()
//!     .add(nn::Linear::new(2, 16, true)?)
//!     .add(nn::ReLU)
//!     .add(nn::Linear::new(16, 2, true)?);
//! let mut opt = Adam::new(model.parameters(), AdamConfig { lr: 0.05, ..Default::default() })?;
//! // class 1 where x0 + x1 > 0
//! let x = Tensor::randn(&[64, 2], DType::Float32)?;
//! let y = x.sum_dims(&[1], false)?.gt(&Tensor::from(0.0f32))?.to_dtype(DType::Int64)?;
//! for _ in 0..100 {
//!     opt.zero_grad()?;
//!     let loss = F::cross_entropy(&model.forward(&x)?, &y, F::Reduction::Mean)?;
//!     loss.backward()?;
//!     opt.step()?;
//! }
//! let predicted = model.forward(&x)?.argmax(Some(1), false)?;
//! let accuracy = predicted.eq(&y)?.to_dtype(DType::Float32)?.mean()?.item()?;
//! assert!(accuracy > 0.9);
//! # Ok(())
//! # }
//! ```
//!
//! ## Threads and devices
//!
//! CPU kernels split large tensors across a rayon thread pool (limit it with
//! [`set_thread_limit`]); grad mode is per thread. Tensors live on [`Device::Cpu`] unless a
//! device backend is registered (the Python package registers CuPy's); operands of one
//! operation must share a device.
//!
//! ## Cargo features
//!
//! * `rayon` (on by default): large kernels, batches of matrix factorizations and large matrix
//!   products run on rayon's thread pool. Without it (`default-features = false`) everything
//!   runs on the calling thread (reductions over more than a million elements may then round
//!   differently, as they do under another pool size).
//!
//! ## What is not public
//!
//! The public API is listed in docs/RUST_PUBLIC_API.md. The kernels, the graph arena and the
//! backward rules are internal, and so is the `__binding` module (what the Python binding
//! reaches; hidden, with no stability guarantee). These do not compile:
//!
//! ```compile_fail
//! let _arena = ferrograd::autograd::arena::lock(); // the arena's lock is internal
//! ```
//!
//! ```compile_fail
//! let a = ferrograd::NdArray::scalar(1.0f32);
//! ferrograd::kernels::unary(ferrograd::kernels::UnaryOp::Exp, &a); // kernels are internal
//! ```
//!
//! ```compile_fail
//! // An array over memory the engine does not own is made only in `unsafe` code.
//! let mut v = vec![0u8; 4];
//! let b = ferrograd::array::CpuBuffer::from_external(
//!     v.as_mut_ptr(), 4, ferrograd::DType::UInt8, Box::new(()));
//! ```
//!
//! ```compile_fail
//! let a = ferrograd::NdArray::from_slice(&[1u8, 2], &[2]).unwrap();
//! if let ferrograd::array::Storage::Inline(e) = a.storage() {
//!     e.slice::<bool>(2); // reading elements as another type is internal (and unsafe)
//! }
//! ```

#![deny(missing_docs)]

pub mod array;
pub mod error;
pub(crate) mod kernels;
pub(crate) mod linalg;
pub mod nn;
pub mod optim;
pub mod serialize;

mod display;
mod operators;

pub use array::{DType, Device, NdArray};
pub use error::{Error, Result};
pub use kernels::parallel::{num_threads, set_thread_limit};
pub mod autograd;
pub mod op_table;
pub mod ops;
pub mod tensor;

pub use autograd::{
    is_grad_enabled, no_grad, set_grad_enabled, BackwardOptions, GradModeGuard, NodeHandle,
};
pub use tensor::Tensor;

#[doc(hidden)]
pub mod __binding;
