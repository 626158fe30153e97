//! NOT API. The engine internals that the Python binding (`ferrograd-py`) reaches: kernels and
//! their descriptions for device backends, the device-backend seam, the linear-algebra
//! factorizations the binding wraps, and a hook for testing the binding's panic boundary.
//!
//! Nothing here is part of ferrograd's Rust API (docs/RUST_PUBLIC_API.md lists that) and
//! nothing here has any stability guarantee: it changes whenever the binding's needs do.
//! Rust programs use [`crate::Tensor`] and the public modules instead.

pub use crate::autograd::arena::panic_holding_lock;
pub use crate::kernels::attention::dropout_factors as attention_dropout_factors;
pub use crate::kernels::device::{register_cuda_backend, register_meta_backend, DeviceBackend};
pub use crate::kernels::{cast, fill_on, BinaryOp, Kernel, Number, UnaryOp};
pub use crate::linalg::{cholesky, eigen, lu, qr, svd, triangular};
