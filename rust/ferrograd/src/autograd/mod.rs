//! Reverse-mode automatic differentiation: the node arena, the backward scheduler, the
//! derivative rules and grad mode.

pub mod anomaly;
pub(crate) mod arena;
pub(crate) mod calc;
pub mod custom;
pub(crate) mod engine;
pub mod forward;
mod gradient;
pub mod hooks;
mod hooks_run;
mod leaves;
pub mod mode;
pub(crate) mod node_input;
pub(crate) mod op_rule;
mod prefault;
pub(crate) mod rules;
pub(crate) mod saved;
mod scalar_rules;
mod slab;

use smallvec::SmallVec;

pub use arena::{live_nodes, slots as graph_slots};
pub use engine::BackwardOptions;
pub use mode::{is_grad_enabled, no_grad, set_grad_enabled, GradModeGuard};
pub use saved::{PackedTensor, SavedTensorHooks};

use arena::{NodeKind, NodeRef};
use engine::Mode;

use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// A node of the graph, as seen from outside (`grad_fn`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeHandle(pub(crate) NodeRef);

impl NodeHandle {
    /// PyTorch's class name of the node, e.g. `MulBackward0` or `AccumulateGrad`.
    pub fn name(&self) -> String {
        arena::lock().get(self.0.id()).name()
    }

    /// For each input: the node its gradient goes to and that node's input slot.
    pub fn next_functions(&self) -> Vec<Option<(NodeHandle, u32)>> {
        let mut arena = arena::lock();
        let edges: SmallVec<[_; 2]> = arena
            .get(self.0.id())
            .inputs
            .iter()
            .map(|i| i.edge())
            .collect();
        edges
            .into_iter()
            .map(|e| e.map(|e| (NodeHandle(arena.new_ref(e.node)), e.input_nr)))
            .collect()
    }

    /// An identifier that is equal for handles to the same node.
    pub fn id(&self) -> (u32, u32) {
        let id = self.0.id();
        (id.index(), id.generation())
    }

    /// Attaches hooks to this node (see `hooks::NodeHooks`). `f` runs under the arena lock, so
    /// it only edits the hook lists: it must not run user code.
    pub(crate) fn with_hooks<R>(&self, f: impl FnOnce(&mut hooks::NodeHooks) -> R) -> R {
        let mut arena = arena::lock();
        let node = arena.get_mut(self.0.id());
        f(node.hooks_mut())
    }

    /// Whether the node's saved values were freed by a backward pass.
    pub fn is_released(&self) -> bool {
        arena::lock().get(self.0.id()).released
    }

    /// The shapes of the node's saved values (for graph drawings).
    pub fn saved_shapes(&self) -> Vec<Vec<usize>> {
        let saved: Vec<saved::Saved> = arena::lock()
            .get(self.0.id())
            .saved
            .iter()
            .cloned()
            .collect();
        saved
            .iter()
            .filter_map(|s| match s {
                saved::Saved::Input { tensor, .. } => Some(tensor.shape().to_vec()),
                saved::Saved::Output(output) => Some(output.data.shape().to_vec()),
                saved::Saved::Absent | saved::Saved::Packed(_) => None,
            })
            .collect()
    }

    /// The node's saved values, one per slot (None for a slot it does not need), each
    /// checked against in-place changes (packed ones unpacked by their hook); an error once a
    /// backward pass has freed them.
    pub fn saved_tensors(&self) -> Result<Vec<Option<Tensor>>> {
        let (saved, released, name) = {
            let arena = arena::lock();
            let node = arena.get(self.0.id());
            let saved: Vec<saved::Saved> = node.saved.iter().cloned().collect();
            (saved, node.released, node.name())
        };
        if released {
            return Err(crate::Error::Autograd(
                "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."
                    .into(),
            ));
        }
        saved.iter().map(|s| s.unpack(&name, self.0.id())).collect()
    }
}

/// The `AccumulateGrad` sink of a leaf that requires grad.
pub(crate) fn new_accumulator(leaf: &Tensor) -> NodeRef {
    let node = arena::lock().insert(arena::Node {
        kind: NodeKind::AccumulateGrad { grad: None },
        inputs: SmallVec::new(),
        saved: SmallVec::new(),
        seq: 0,
        num_outputs: 1,
        released: false,
        extras: None,
    });
    leaves::register(&node, leaf);
    node
}

/// The gradient `backward()` starts from when none is given: ones for a one-element output.
fn implicit_gradient(output: &Tensor) -> Result<Tensor> {
    if output.numel() != 1 {
        return Err(Error::Autograd(
            "grad can be implicitly created only for scalar outputs".into(),
        ));
    }
    Tensor::try_full(&output.shape(), 1.0, output.dtype(), output.device())
}

fn seeds(outputs: &[Tensor], grad_outputs: &[Option<Tensor>]) -> Result<Vec<(Tensor, Tensor)>> {
    if !grad_outputs.is_empty() && grad_outputs.len() != outputs.len() {
        return Err(Error::Value(format!(
            "grad_outputs has {} entries but there are {} outputs",
            grad_outputs.len(),
            outputs.len()
        )));
    }
    outputs
        .iter()
        .enumerate()
        .map(|(i, out)| {
            if !out.requires_grad() {
                return Err(Error::Autograd(format!(
                    "element {i} of tensors does not require grad and does not have a grad_fn"
                )));
            }
            let grad = match grad_outputs.get(i).cloned().flatten() {
                Some(g) => g,
                None => implicit_gradient(out)?,
            };
            Ok((out.clone(), grad))
        })
        .collect()
}

/// Accumulates the gradients of `outputs` into the `.grad` of the leaves (or only of `inputs`).
pub fn backward(
    outputs: &[Tensor],
    grad_outputs: &[Option<Tensor>],
    inputs: &[Tensor],
    options: BackwardOptions,
) -> Result<()> {
    let roots = seeds(outputs, grad_outputs)?;
    engine::run_backward(&roots, Mode::Accumulate { inputs }, options).map(|_| ())
}

/// The gradients of `outputs` with respect to `inputs`, leaving `.grad` untouched. An input
/// the outputs do not depend on gives `None` when `allow_unused`, else an error.
pub fn grad(
    outputs: &[Tensor],
    inputs: &[Tensor],
    grad_outputs: &[Option<Tensor>],
    options: BackwardOptions,
    allow_unused: bool,
) -> Result<Vec<Option<Tensor>>> {
    let roots = seeds(outputs, grad_outputs)?;
    let grads = engine::run_backward(&roots, Mode::Capture { inputs }, options)?;
    if !allow_unused && grads.iter().any(Option::is_none) {
        return Err(Error::Autograd(
            "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior."
                .into(),
        ));
    }
    Ok(grads)
}

impl Tensor {
    /// Accumulates the gradient of this tensor into the `.grad` of every leaf it depends on.
    /// `gradient` may be omitted for a one-element tensor.
    pub fn backward_with(&self, gradient: Option<Tensor>, options: BackwardOptions) -> Result<()> {
        backward(std::slice::from_ref(self), &[gradient], &[], options)
    }

    /// `backward()` from a one-element tensor.
    pub fn backward(&self) -> Result<()> {
        self.backward_with(None, BackwardOptions::default())
    }

    /// Keeps this non-leaf tensor's gradient in `.grad` during backward.
    pub fn retain_grad(&self) -> Result<()> {
        if !self.requires_grad() {
            return Err(Error::Autograd(
                "can't retain_grad on Tensor that has requires_grad=False".into(),
            ));
        }
        let Some(node) = self.grad_fn() else {
            return Ok(());
        };
        if self.retains_grad() {
            return Ok(());
        }
        self.mark_retains_grad();
        let nr = self.output_nr();
        let cell = std::sync::Arc::downgrade(&self.0);
        node.with_hooks(|h| h.retain.push((nr, cell)));
        Ok(())
    }
}
