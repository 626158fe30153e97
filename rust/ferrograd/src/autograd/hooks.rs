//! Hooks attached to nodes: user functions called with gradients as backward runs. Each hook
//! gets an id when registered; `HookHandle::remove` takes it off again.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use super::NodeHandle;
use crate::error::{Error, Result};
use crate::tensor::{Tensor, TensorCell};

/// Called with the gradient of one output of a node before the node runs; may return a
/// replacement gradient (`Tensor.register_hook`).
pub type GradHook = Arc<dyn Fn(&Tensor) -> Result<Option<Tensor>> + Send + Sync>;
/// Called with the gradients of a node's outputs before it runs; may replace them
/// (`grad_fn.register_prehook`).
pub type PreHook =
    Arc<dyn Fn(&[Option<Tensor>]) -> Result<Option<Vec<Option<Tensor>>>> + Send + Sync>;
/// Called with the gradients a node computed for its inputs and the gradients of its
/// outputs; may replace the former (`grad_fn.register_hook`).
pub type PostHook = Arc<
    dyn Fn(&[Option<Tensor>], &[Option<Tensor>]) -> Result<Option<Vec<Option<Tensor>>>>
        + Send
        + Sync,
>;
/// Called after a leaf's gradient was accumulated (the closure knows its leaf).
pub type PostAccumulateHook = Arc<dyn Fn() -> Result<()> + Send + Sync>;

#[derive(Default)]
pub struct NodeHooks {
    /// Tensor hooks: (id, output number, hook), run in registration order.
    pub tensor_pre: Vec<(u64, u32, GradHook)>,
    pub pre: Vec<(u64, PreHook)>,
    pub post: Vec<(u64, PostHook)>,
    pub post_accumulate: Vec<(u64, PostAccumulateHook)>,
    /// Outputs whose gradient is kept in their tensor's `.grad` (`retain_grad()`).
    pub retain: Vec<(u32, Weak<TensorCell>)>,
}

impl NodeHooks {
    pub fn is_empty(&self) -> bool {
        self.tensor_pre.is_empty()
            && self.pre.is_empty()
            && self.post.is_empty()
            && self.post_accumulate.is_empty()
            && self.retain.is_empty()
    }

    fn remove(&mut self, id: u64) -> bool {
        let before =
            self.tensor_pre.len() + self.pre.len() + self.post.len() + self.post_accumulate.len();
        self.tensor_pre.retain(|(i, _, _)| *i != id);
        self.pre.retain(|(i, _)| *i != id);
        self.post.retain(|(i, _)| *i != id);
        self.post_accumulate.retain(|(i, _)| *i != id);
        before
            != self.tensor_pre.len() + self.pre.len() + self.post.len() + self.post_accumulate.len()
    }
}

static NEXT_HOOK_ID: AtomicU64 = AtomicU64::new(1);

fn next_id() -> u64 {
    NEXT_HOOK_ID.fetch_add(1, Ordering::Relaxed)
}

/// A registered hook; `remove()` unregisters it.
#[derive(Clone, Debug)]
pub struct HookHandle {
    node: NodeHandle,
    id: u64,
}

impl HookHandle {
    pub fn remove(&self) -> bool {
        self.node.with_hooks(|h| h.remove(self.id))
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn node(&self) -> &NodeHandle {
        &self.node
    }
}

impl NodeHandle {
    fn register(&self, add: impl FnOnce(&mut NodeHooks, u64)) -> HookHandle {
        let id = next_id();
        self.with_hooks(|h| add(h, id));
        HookHandle {
            node: self.clone(),
            id,
        }
    }

    /// Runs `hook` with the gradients of this node's outputs before the node runs.
    pub fn register_prehook(&self, hook: PreHook) -> HookHandle {
        self.register(|h, id| h.pre.push((id, hook)))
    }

    /// Runs `hook` with (input gradients, output gradients) after this node ran.
    pub fn register_hook(&self, hook: PostHook) -> HookHandle {
        self.register(|h, id| h.post.push((id, hook)))
    }

    /// Removes the hook with this id, wherever it was registered on this node.
    pub fn remove_hook(&self, id: u64) -> bool {
        self.with_hooks(|h| h.remove(id))
    }
}

impl Tensor {
    /// Runs `hook` with this tensor's gradient each time one is computed; a returned tensor
    /// replaces the gradient.
    pub fn register_hook(&self, hook: GradHook) -> Result<HookHandle> {
        let (node, nr) = self.gradient_edge().ok_or_else(|| {
            Error::Autograd(
                "cannot register a hook on a tensor that doesn't require gradient".into(),
            )
        })?;
        let node = NodeHandle(node);
        Ok(node.register(|h, id| h.tensor_pre.push((id, nr, hook))))
    }

    /// Runs `hook` after a gradient was accumulated into this leaf's `.grad`.
    pub fn register_post_accumulate_grad_hook(
        &self,
        hook: PostAccumulateHook,
    ) -> Result<HookHandle> {
        if !self.is_leaf() {
            return Err(Error::Autograd(
                "post accumulate grad hooks cannot be registered on non-leaf tensors".into(),
            ));
        }
        let (node, _) = self.gradient_edge().ok_or_else(|| {
            Error::Autograd(
                "cannot register a hook on a tensor that doesn't require gradient".into(),
            )
        })?;
        Ok(NodeHandle(node).register(|h, id| h.post_accumulate.push((id, hook))))
    }
}
