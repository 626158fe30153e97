//! Running the hooks attached to a node during backward. Hooks are cloned out of the arena
//! and called with the lock released, since they may run tensor operations themselves.
//! What a hook returns is checked as PyTorch checks it: a replacement gradient keeps the
//! original's shape, dtype and device, and a node hook returns one value per gradient.

use super::arena::{self, NodeId};
use super::engine::{Buffer, Grads};
use super::hooks::{HookInfo, NodeHooks};
use crate::array::{DType, Device};
use crate::error::{Error, Result};
use crate::tensor::Tensor;

fn with_hooks<R: Default>(node: NodeId, f: impl FnOnce(&NodeHooks, u32) -> R) -> R {
    let arena = arena::lock();
    let node = arena.get(node);
    match node.hooks() {
        Some(hooks) => f(hooks, node.num_outputs),
        None => R::default(),
    }
}

/// The type name PyTorch prints in hook errors: the legacy class (`torch.FloatTensor`,
/// `torch.cuda.DoubleTensor`) as `Tensor.type()` gives it, or `MetaFloatType` on meta.
fn type_name(device: Device, dtype: DType) -> String {
    let name = dtype.scalar_type_name();
    match device {
        Device::Cpu => format!("torch.{name}Tensor"),
        Device::Cuda(_) => format!("torch.cuda.{name}Tensor"),
        // PyTorch 2.15 has no legacy class for meta and prints the backend's type instead
        Device::Meta => format!("Meta{name}Type"),
    }
}

/// Checks that the gradient a hook returned may replace `original` (PyTorch's
/// `check_variable_result`): same dtype, same kind of device, same shape.
fn check_replacement(original: &Tensor, result: &Tensor, hook: &HookInfo) -> Result<()> {
    let name = hook.name();
    let (original_device, result_device) = (original.device(), result.device());
    if original.dtype() != result.dtype()
        || std::mem::discriminant(&original_device) != std::mem::discriminant(&result_device)
    {
        return Err(Error::Autograd(format!(
            "hook '{name}' has changed the type of value (was {} got {})",
            type_name(original_device, original.dtype()),
            type_name(result_device, result.dtype())
        )));
    }
    if original_device != result_device {
        return Err(Error::Autograd(format!(
            "hook '{name}' has changed the device of value (was {original_device} got {result_device})"
        )));
    }
    if original.shape() != result.shape() {
        return Err(Error::Autograd(format!(
            "hook '{name}' has changed the size of value"
        )));
    }
    Ok(())
}

/// Checks a node hook's replacement list against the gradients it was given (PyTorch's
/// `check_result`): as many values, and each a valid replacement of its original.
fn check_replacements(
    original: &[Option<Tensor>],
    result: &[Option<Tensor>],
    hook: &HookInfo,
) -> Result<()> {
    if original.len() != result.len() {
        return Err(Error::Autograd(format!(
            "hook '{}' has returned an incorrect number of values (got {}, but expected {})",
            hook.name(),
            result.len(),
            original.len()
        )));
    }
    for (original, result) in original.iter().zip(result) {
        match (original, result) {
            (None, Some(_)) => {
                return Err(Error::Autograd(
                    "can't replace a None gradient with a non-None value".into(),
                ));
            }
            (Some(original), Some(result)) => check_replacement(original, result, hook)?,
            _ => {}
        }
    }
    Ok(())
}

/// Tensor hooks (which may replace a gradient), `retain_grad` captures, then `grad_fn` pre-hooks.
/// The gradients come back with one slot per output of the node.
pub fn run_pre_hooks(node: NodeId, mut grads: Buffer) -> Result<Buffer> {
    let (tensor_hooks, retain, pre, num_outputs) = with_hooks(node, |h, num_outputs| {
        (
            h.tensor_pre
                .iter()
                .map(|(nr, r)| (*nr, r.to_call()))
                .collect::<Vec<_>>(),
            h.retain.clone(),
            h.pre.iter().map(|r| r.to_call()).collect::<Vec<_>>(),
            num_outputs as usize,
        )
    });
    if grads.len() < num_outputs {
        grads.resize(num_outputs, None);
    }
    for (nr, (hook, info)) in tensor_hooks {
        if let Some(Some(grad)) = grads.get(nr as usize) {
            if let Some(replacement) = hook(grad)? {
                check_replacement(grad, &replacement, &info)?;
                grads[nr as usize] = Some(replacement);
            }
        }
    }
    for (nr, cell) in retain {
        if let (Some(Some(grad)), Some(cell)) = (grads.get(nr as usize), cell.upgrade()) {
            Tensor(cell).set_retained_grad(grad.clone())?;
        }
    }
    for (hook, info) in pre {
        if let Some(replacement) = hook(&grads)? {
            check_replacements(&grads, &replacement, &info)?;
            grads = replacement.into_iter().collect();
        }
    }
    Ok(grads)
}

/// `grad_fn` hooks, called with the gradients the node produced for its inputs and the
/// gradients of its outputs.
pub fn run_post_hooks(node: NodeId, mut grads: Grads, outputs: &[Option<Tensor>]) -> Result<Grads> {
    let post = with_hooks(node, |h, _| {
        h.post.iter().map(|r| r.to_call()).collect::<Vec<_>>()
    });
    for (hook, info) in post {
        if let Some(replacement) = hook(&grads, outputs)? {
            check_replacements(&grads, &replacement, &info)?;
            grads = Grads::from_vec(replacement);
        }
    }
    Ok(grads)
}

pub fn run_post_accumulate_hooks(node: NodeId) -> Result<()> {
    let hooks = with_hooks(node, |h, _| {
        h.post_accumulate
            .iter()
            .map(|r| r.hook.clone())
            .collect::<Vec<_>>()
    });
    for hook in hooks {
        hook()?;
    }
    Ok(())
}
