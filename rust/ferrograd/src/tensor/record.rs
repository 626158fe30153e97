//! Recording a node for an operation's outputs when grad mode is on and an input requires grad.

use smallvec::SmallVec;

use super::{Meta, Tensor};
use crate::array::NdArray;
use crate::autograd::arena::{self, Edge, Node, NodeExtras, NodeKind, NodeRef};
use crate::autograd::mode::is_grad_enabled;
use crate::autograd::node_input::{NodeInput, NodeInputs};
use crate::autograd::rules::Op;
use crate::autograd::saved::Saved;
use crate::error::{Error, Result};

/// Whether an operation on `inputs` must be recorded now.
pub(crate) fn needs_recording(inputs: &[&Tensor]) -> bool {
    is_grad_enabled() && inputs.iter().any(|t| t.requires_grad())
}

/// Wraps `output` as the result of `op` on `inputs`; records a node when needed. `save` picks
/// the values the rule needs, given the output tensor.
pub(crate) fn record(
    op: Op,
    inputs: &[&Tensor],
    output: NdArray,
    save: impl FnOnce(&Tensor) -> SmallVec<[Saved; 2]>,
) -> Result<Tensor> {
    let recording = needs_recording(inputs);
    record_with(op, inputs, output, save, || describe(inputs), recording)
}

/// Like `record`, for an operation that described its inputs (`NodeInput::describe`) because
/// `needs_recording` said so, while it held their arrays: the node is built without locking
/// them again or asking again.
pub(crate) fn record_described(
    op: Op,
    inputs: &[&Tensor],
    described: NodeInputs,
    output: NdArray,
    save: impl FnOnce(&Tensor) -> SmallVec<[Saved; 2]>,
) -> Result<Tensor> {
    record_with(op, inputs, output, save, || described, true)
}

fn describe(inputs: &[&Tensor]) -> NodeInputs {
    inputs
        .iter()
        .map(|t| NodeInput::describe(&t.read()))
        .collect()
}

fn record_with(
    op: Op,
    inputs: &[&Tensor],
    output: NdArray,
    save: impl FnOnce(&Tensor) -> SmallVec<[Saved; 2]>,
    node_inputs: impl FnOnce() -> NodeInputs,
    recording: bool,
) -> Result<Tensor> {
    // Forward-mode AD: with a dual level open and a dual input, the output gets a tangent
    // (whatever the grad mode). One atomic load when forward AD is not in use.
    if crate::autograd::forward::is_active() {
        if let Some(tangents) = crate::autograd::forward::input_tangents(inputs) {
            return crate::autograd::forward::record_dual(op, inputs, output, save, tangents);
        }
    }
    if !recording {
        return Ok(Tensor::from_array(output));
    }
    // One output: no temporary vectors (this runs for every recorded operation).
    let kind = NodeKind::Op(op);
    crate::autograd::forward::refuse_node(&kind, inputs)?;
    let mut tensor = output_tensor(output, 0);
    let saved = save(&tensor);
    let node = insert_node(kind, inputs, node_inputs(), saved, 1)?;
    match std::sync::Arc::get_mut(&mut tensor.0) {
        // Not shared (the node saved no weak link to it): set without taking the lock.
        Some(cell) => cell.meta.get_mut().grad_fn = Some(node),
        None => tensor.meta().grad_fn = Some(node),
    }
    Ok(tensor)
}

/// Like `record` for a node with several outputs (all differentiable); the caller has checked
/// `needs_recording`.
pub(crate) fn record_many(
    kind: NodeKind,
    inputs: &[&Tensor],
    outputs: Vec<NdArray>,
    save: impl FnOnce(&[Tensor]) -> SmallVec<[Saved; 2]>,
) -> Result<Vec<Tensor>> {
    crate::autograd::forward::refuse_node(&kind, inputs)?;
    let tensors: Vec<Tensor> = outputs
        .into_iter()
        .enumerate()
        .map(|(nr, array)| output_tensor(array, nr as u32))
        .collect();
    let saved = save(&tensors);
    let node = insert_node(kind, inputs, describe(inputs), saved, tensors.len() as u32)?;
    for tensor in tensors.iter().skip(1) {
        tensor.meta().grad_fn = Some(node.clone());
    }
    if let Some(first) = tensors.first() {
        first.meta().grad_fn = Some(node);
    }
    Ok(tensors)
}

fn output_tensor(array: NdArray, output_nr: u32) -> Tensor {
    Tensor::with_meta(
        array,
        Meta {
            requires_grad: true,
            output_nr,
            ..Meta::default()
        },
    )
}

/// Adds the node of an operation on `inputs` (described by `node_inputs`, edges still unset)
/// to the graph.
fn insert_node(
    kind: NodeKind,
    inputs: &[&Tensor],
    mut node_inputs: NodeInputs,
    saved: SmallVec<[Saved; 2]>,
    num_outputs: u32,
) -> Result<NodeRef> {
    let saves_inference_tensor = saved
        .iter()
        .any(|s| matches!(s, Saved::Input { tensor, .. } if tensor.is_inference()));
    if saves_inference_tensor {
        return Err(Error::Autograd(
            "Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd."
                .into(),
        ));
    }
    // Saved-tensor hooks pack the values now, before the arena lock (they may run operations).
    let saved = match crate::autograd::mode::saved_tensor_hooks() {
        None => saved,
        Some(hooks) => {
            let _off = crate::autograd::mode::SavedTensorHooksOff::new();
            saved
                .into_iter()
                .map(|s| s.packed(hooks.as_ref()))
                .collect::<Result<_>>()?
        }
    };
    for (input, tensor) in node_inputs.iter_mut().zip(inputs) {
        // The node id without a new reference (no arena lock): the borrowed input keeps its
        // node alive until `insert` below takes the node's own reference.
        input.set_edge(
            tensor
                .gradient_edge_id()
                .map(|(node, input_nr)| Edge { node, input_nr }),
        );
    }
    let node = Node {
        kind,
        inputs: node_inputs,
        saved,
        seq: 0,
        num_outputs,
        released: false,
        extras: NodeExtras::traced(crate::autograd::anomaly::creation_trace()),
    };
    Ok(arena::lock().insert(node))
}
