//! Running the hooks attached to a node during backward. Hooks are cloned out of the arena
//! and called with the lock released, since they may run tensor operations themselves.

use super::arena::{self, NodeId};
use super::engine::{Buffer, Grads};
use super::hooks::NodeHooks;
use crate::error::Result;
use crate::tensor::Tensor;

fn with_hooks<R: Default>(node: NodeId, f: impl FnOnce(&NodeHooks) -> R) -> R {
    match arena::lock().get(node).hooks() {
        Some(hooks) => f(hooks),
        None => R::default(),
    }
}

/// Tensor hooks (which may replace a gradient), `retain_grad` captures, then `grad_fn` pre-hooks.
pub fn run_pre_hooks(node: NodeId, mut grads: Buffer) -> Result<Buffer> {
    let (tensor_hooks, retain, pre) = with_hooks(node, |h| {
        (
            h.tensor_pre
                .iter()
                .map(|(_, nr, f)| (*nr, f.clone()))
                .collect::<Vec<_>>(),
            h.retain.clone(),
            h.pre.iter().map(|(_, f)| f.clone()).collect::<Vec<_>>(),
        )
    });
    for (nr, hook) in tensor_hooks {
        if let Some(Some(grad)) = grads.get(nr as usize) {
            if let Some(replacement) = hook(grad)? {
                grads[nr as usize] = Some(replacement);
            }
        }
    }
    for (nr, cell) in retain {
        if let (Some(Some(grad)), Some(cell)) = (grads.get(nr as usize), cell.upgrade()) {
            Tensor(cell).set_retained_grad(grad.clone())?;
        }
    }
    for hook in pre {
        if let Some(replacement) = hook(&grads)? {
            grads = replacement.into_iter().collect();
        }
    }
    Ok(grads)
}

/// `grad_fn` hooks, called with the gradients the node produced for its inputs and the
/// gradients of its outputs.
pub fn run_post_hooks(node: NodeId, mut grads: Grads, outputs: &[Option<Tensor>]) -> Result<Grads> {
    let post = with_hooks(node, |h| {
        h.post.iter().map(|(_, f)| f.clone()).collect::<Vec<_>>()
    });
    for hook in post {
        if let Some(replacement) = hook(&grads, outputs)? {
            grads = Grads::from_vec(replacement);
        }
    }
    Ok(grads)
}

pub fn run_post_accumulate_hooks(node: NodeId) -> Result<()> {
    let hooks = with_hooks(node, |h| {
        h.post_accumulate
            .iter()
            .map(|(_, f)| f.clone())
            .collect::<Vec<_>>()
    });
    for hook in hooks {
        hook()?;
    }
    Ok(())
}
