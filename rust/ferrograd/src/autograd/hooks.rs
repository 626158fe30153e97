//! Hooks attached to nodes: functions called with gradients as backward runs.

use std::sync::Arc;

use crate::error::Result;
use crate::tensor::Tensor;

/// Called with the gradient of one output of a node before the node runs; may return a
/// replacement gradient.
pub type GradHook = Arc<dyn Fn(&Tensor) -> Result<Option<Tensor>> + Send + Sync>;
/// Called with all gradients flowing into (pre) or out of (post) a node.
pub type NodeGradsHook = Arc<dyn Fn(&[Option<Tensor>]) -> Result<Option<Vec<Option<Tensor>>>> + Send + Sync>;
/// Called after a leaf's gradient was accumulated (the closure knows its leaf).
pub type PostAccumulateHook = Arc<dyn Fn() -> Result<()> + Send + Sync>;

#[derive(Default)]
pub struct NodeHooks {
    /// Tensor hooks: (handle id, output number, hook), run in registration order.
    pub tensor_pre: Vec<(u64, u32, GradHook)>,
    /// `grad_fn.register_prehook`: called with the gradients of the node's outputs.
    pub pre: Vec<(u64, NodeGradsHook)>,
    /// `grad_fn.register_hook`: called with (grads of inputs) after the node ran.
    pub post: Vec<(u64, NodeGradsHook)>,
    /// Post-accumulate hooks of a leaf.
    pub post_accumulate: Vec<(u64, PostAccumulateHook)>,
    /// Outputs whose gradient is kept in `retained` (`retain_grad()` on non-leaf tensors).
    pub retain: Vec<(u32, std::sync::Weak<crate::tensor::TensorCell>)>,
}

impl NodeHooks {
    pub fn is_empty(&self) -> bool {
        self.tensor_pre.is_empty()
            && self.pre.is_empty()
            && self.post.is_empty()
            && self.post_accumulate.is_empty()
            && self.retain.is_empty()
    }
}
