//! The differentiable operations on `Tensor`. Each checks its operands, runs a kernel, and
//! records a node (see `autograd::rules` for the derivative of each).

pub(crate) mod activation;
pub(crate) mod attention;
mod conv;
mod creation;
mod device;
mod index;
mod inplace;
mod linalg;
pub mod loss;
mod margin_loss;
pub mod nn;
pub(crate) mod norm;
mod pointwise;
pub(crate) mod recurrent;
mod recurrent_layer;
mod reduce;
pub(crate) mod scan;
mod shape;

pub use crate::array::StridedView;
pub use crate::kernels::attention::AttentionDropout;
pub use crate::kernels::nn::Window2d;
pub use crate::kernels::{Activation, Transposed};
pub use creation::manual_seed;
pub use index::IndexItem;

use crate::array::DType;
use crate::tensor::Tensor;

/// The dtype two operands compute in (PyTorch's `result_type`: 0-d tensors count only when
/// their category is higher).
pub fn result_type(a: &Tensor, b: &Tensor) -> DType {
    let (da, db) = (a.read(), b.read());
    DType::result_type(da.dtype(), da.ndim() == 0, db.dtype(), db.ndim() == 0)
}
