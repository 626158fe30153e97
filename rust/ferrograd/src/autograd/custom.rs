//! User-defined derivative rules (custom autograd Functions).

use crate::error::Result;
use crate::tensor::Tensor;

/// The backward of a node defined outside the crate, e.g. a Python `autograd.Function`.
pub trait CustomBackward: Send + Sync {
    fn name(&self) -> String;
    /// One gradient per output in, one per input out (`None` where there is none).
    fn backward(&self, grad_outputs: &[Option<Tensor>]) -> Result<Vec<Option<Tensor>>>;
    /// Called when backward frees the graph (without `retain_graph`).
    fn release(&self) {}
}
