//! The backward scheduler. From the roots it walks the graph with an explicit stack and counts,
//! for every node, the edges that lead into it; then it runs nodes from a ready queue ordered by
//! creation sequence number (latest first), summing the gradients that arrive at a node until
//! its count reaches zero. Leaves accumulate into their `AccumulateGrad` slot; `grad()` captures
//! gradients at chosen edges instead. No recursion anywhere, so graph depth is unbounded.

use std::collections::BinaryHeap;
use std::sync::Arc;

use smallvec::SmallVec;

use super::arena::{self, NodeId, NodeKind, NodeRef};
use super::mode::{no_grad, GradModeGuard};
use super::rules::{self, RuleInputs};
use super::saved::Saved;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// Maps keyed by node ids, with the arena's cheap id hasher (several lookups per node).
type HashMap<K, V> = std::collections::HashMap<K, V, arena::NodeIdHash>;

#[derive(Clone, Copy, Debug, Default)]
pub struct BackwardOptions {
    pub retain_graph: bool,
    pub create_graph: bool,
}

/// What the pass does at its targets.
pub enum Mode<'a> {
    /// `backward()`: accumulate into every leaf reached, or only into `inputs` when given.
    Accumulate { inputs: &'a [Tensor] },
    /// `grad()`: return the gradients of `inputs` without touching `.grad`.
    Capture { inputs: &'a [Tensor] },
}

struct Visit {
    seq: u64,
    children: SmallVec<[NodeId; 2]>,
    /// An `AccumulateGrad` node.
    is_sink: bool,
}

type Buffer = SmallVec<[Option<Tensor>; 1]>;

/// Runs one backward pass from `roots` (each output with its gradient).
pub fn run_backward(roots: &[(Tensor, Tensor)], mode: Mode, options: BackwardOptions) -> Result<Vec<Option<Tensor>>> {
    let mut root_edges = Vec::with_capacity(roots.len());
    for (i, (output, grad)) in roots.iter().enumerate() {
        let edge = output.gradient_edge().ok_or_else(|| {
            Error::Autograd(format!("element {i} of tensors does not require grad and does not have a grad_fn"))
        })?;
        if grad.shape() != output.shape() {
            return Err(Error::Shape(format!(
                "Mismatch in shape: grad_output[{i}] has a shape of {:?} and output[{i}] has a shape of {:?}.",
                grad.shape().as_slice(),
                output.shape().as_slice()
            )));
        }
        root_edges.push(edge);
    }
    let (targets, accumulate_all) = match &mode {
        Mode::Accumulate { inputs } => (*inputs, inputs.is_empty()),
        Mode::Capture { inputs } => (*inputs, false),
    };
    let mut target_edges: Vec<(NodeRef, u32)> = Vec::with_capacity(targets.len());
    for (i, t) in targets.iter().enumerate() {
        target_edges.push(t.gradient_edge().ok_or_else(|| {
            Error::Autograd(format!("One of the differentiated Tensors (input {i}) does not require grad"))
        })?);
    }
    let capture_at: HashMap<(NodeId, u32), Vec<usize>> =
        target_edges.iter().enumerate().fold(HashMap::default(), |mut map, (i, (node, nr))| {
            map.entry((node.id(), *nr)).or_default().push(i);
            map
        });

    let visits = discover(&root_edges);
    let run = needed_nodes(&visits, &capture_at, accumulate_all, matches!(mode, Mode::Accumulate { .. }));
    let mut deps: HashMap<NodeId, u32> = HashMap::with_capacity_and_hasher(run.len(), Default::default());
    for (id, visit) in &visits {
        if run.contains_key(id) {
            for child in &visit.children {
                if run.contains_key(child) {
                    *deps.entry(*child).or_default() += 1;
                }
            }
        }
    }

    let mut buffers: HashMap<NodeId, Buffer> = HashMap::default();
    for ((node, nr), (_, grad)) in root_edges.iter().zip(roots) {
        add_to_buffer(&mut buffers, node.id(), *nr, grad.clone(), options.create_graph)?;
    }
    let mut ready: BinaryHeap<(u64, NodeId)> = BinaryHeap::new();
    for (node, _) in &root_edges {
        if deps.get(&node.id()).copied().unwrap_or(0) == 0 && !ready.iter().any(|(_, id)| *id == node.id()) {
            ready.push((visits[&node.id()].seq, node.id()));
        }
    }

    let mut captured: Vec<Option<Tensor>> = vec![None; targets.len()];
    let _mode = GradModeGuard::new(options.create_graph);
    while let Some((_, id)) = ready.pop() {
        let grads = buffers.remove(&id).unwrap_or_default();
        let node_ref = arena::lock().new_ref(id);
        let grads = super::hooks_run::run_pre_hooks(&node_ref, grads)?;
        for (nr, grad) in grads.iter().enumerate() {
            if let (Some(indices), Some(grad)) = (capture_at.get(&(id, nr as u32)), grad) {
                for &i in indices {
                    captured[i] = Some(grad.clone());
                }
            }
        }
        let Some(&execute) = run.get(&id) else { continue };
        let input_grads = if execute { run_node(&node_ref, grads, &mode, accumulate_all, &capture_at, options)? } else { None };
        for (child_nr, child) in visits[&id].children.iter().enumerate() {
            let Some(remaining) = deps.get_mut(child) else { continue };
            if let Some(Some((input_nr, grad))) = input_grads.as_ref().and_then(|g| g.get(child_nr)) {
                add_to_buffer(&mut buffers, *child, *input_nr, grad.clone(), options.create_graph)?;
            }
            *remaining -= 1;
            if *remaining == 0 {
                ready.push((visits[child].seq, *child));
            }
        }
    }
    if let Mode::Accumulate { inputs } = mode {
        // Non-leaf tensors named in `inputs` get their gradient in `.grad` (as `retain_grad`).
        for (i, t) in inputs.iter().enumerate() {
            if let (Some(grad), false) = (&captured[i], t.is_leaf()) {
                t.set_retained_grad(grad.clone());
            }
        }
        return Ok(Vec::new());
    }
    Ok(captured)
}

/// Every node reachable from the roots, with its children (one per input edge, in order).
fn discover(roots: &[(NodeRef, u32)]) -> HashMap<NodeId, Visit> {
    let arena = arena::lock();
    let mut visits: HashMap<NodeId, Visit> = HashMap::default();
    let mut stack: Vec<NodeId> = roots.iter().map(|(n, _)| n.id()).collect();
    while let Some(id) = stack.pop() {
        if visits.contains_key(&id) {
            continue;
        }
        let node = arena.get(id);
        let children: SmallVec<[NodeId; 2]> = node.inputs.iter().filter_map(|i| i.edge.map(|e| e.node)).collect();
        stack.extend(children.iter().filter(|c| !visits.contains_key(c)).copied());
        let is_sink = matches!(node.kind, NodeKind::AccumulateGrad { .. });
        visits.insert(id, Visit { seq: node.seq, children, is_sink });
    }
    visits
}

/// Which discovered nodes take part (value: whether to run the node). With targets, only nodes
/// on a path to a target; a target's `AccumulateGrad` sink runs only when accumulating.
fn needed_nodes(
    visits: &HashMap<NodeId, Visit>,
    capture_at: &HashMap<(NodeId, u32), Vec<usize>>,
    accumulate_all: bool,
    accumulate_targets: bool,
) -> HashMap<NodeId, bool> {
    if accumulate_all {
        return visits.keys().map(|id| (*id, true)).collect();
    }
    let targets: std::collections::HashSet<NodeId, arena::NodeIdHash> = capture_at.keys().map(|(id, _)| *id).collect();
    let mut order: Vec<(&NodeId, &Visit)> = visits.iter().collect();
    order.sort_unstable_by_key(|(_, v)| v.seq);
    let mut needed: HashMap<NodeId, bool> = HashMap::default();
    for (id, visit) in order {
        let leads_to_target = visit.children.iter().any(|c| needed.contains_key(c));
        let is_target = targets.contains(id);
        if leads_to_target || is_target {
            needed.insert(*id, leads_to_target || (is_target && visit.is_sink && accumulate_targets));
        }
    }
    needed
}

fn add_to_buffer(buffers: &mut HashMap<NodeId, Buffer>, id: NodeId, nr: u32, grad: Tensor, create_graph: bool) -> Result<()> {
    let buffer = buffers.entry(id).or_default();
    let nr = nr as usize;
    if buffer.len() <= nr {
        buffer.resize(nr + 1, None);
    }
    buffer[nr] = Some(match buffer[nr].take() {
        None => grad,
        Some(existing) if create_graph => existing.add(&grad)?,
        Some(existing) => no_grad(|| existing.add(&grad))?,
    });
    Ok(())
}

/// Runs one node: accumulates at a leaf sink, or applies the derivative rule. Returns, per
/// input edge, the (input slot, gradient) to pass on.
#[allow(clippy::type_complexity)]
fn run_node(
    node_ref: &NodeRef,
    grads: Buffer,
    mode: &Mode,
    accumulate_all: bool,
    capture_at: &HashMap<(NodeId, u32), Vec<usize>>,
    options: BackwardOptions,
) -> Result<Option<SmallVec<[Option<(u32, Tensor)>; 2]>>> {
    let id = node_ref.id();
    let mut arena = arena::lock();
    let node = arena.get_mut(id);
    let kind = match &node.kind {
        NodeKind::AccumulateGrad { .. } => None,
        NodeKind::Op(op) => Some(Ok(op.clone())),
        NodeKind::Custom(custom) => Some(Err(Arc::clone(custom))),
    };
    let Some(kind) = kind else {
        drop(arena);
        let accumulate = matches!(mode, Mode::Accumulate { .. }) && (accumulate_all || capture_at.contains_key(&(id, 0)));
        if let (true, Some(Some(grad))) = (accumulate, grads.into_iter().next()) {
            accumulate_into_leaf(node_ref, grad, options.create_graph)?;
        }
        return Ok(None);
    };
    let name = node.name();
    if node.released {
        return Err(Error::Autograd(format!(
            "Trying to backward through the graph a second time (or directly access saved tensors after they have \
             already been freed). Saved intermediate values of the graph are freed when you call .backward() or \
             autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or \
             if you need to access saved tensors after calling backward. (node: {name})"
        )));
    }
    let saved: SmallVec<[Saved; 2]> = if options.retain_graph {
        node.saved.clone()
    } else {
        node.released = !node.saved.is_empty();
        std::mem::take(&mut node.saved)
    };
    let metas: SmallVec<[arena::InputMeta; 2]> = node.inputs.iter().map(|i| i.meta.clone()).collect();
    let edges: SmallVec<[Option<arena::Edge>; 2]> = node.inputs.iter().map(|i| i.edge).collect();
    let (num_outputs, trace) = (node.num_outputs as usize, node.trace.clone());
    drop(arena);

    let unpacked: SmallVec<[Option<Tensor>; 2]> = saved.iter().map(|s| s.unpack(&name, node_ref)).collect::<Result<_>>()?;
    drop(saved);
    let needs: SmallVec<[bool; 2]> = edges.iter().map(Option::is_some).collect();
    let output_grads: Vec<Option<Tensor>> = grads.into_vec();
    let input_grads: Vec<Option<Tensor>> = match kind {
        Ok(op) => {
            let Some(Some(grad)) = output_grads.first() else { return Ok(None) };
            let inputs = RuleInputs { saved: &unpacked, inputs: &metas, needs: &needs };
            rules::backward(&op, grad, &inputs).map_err(|e| annotate(e, &name))?.into_vec()
        }
        Err(custom) => {
            let mut grads = output_grads.clone();
            grads.resize(num_outputs, None);
            let result = custom.backward(&unpacked, &grads);
            if !options.retain_graph {
                custom.release();
            }
            result?
        }
    };
    drop(unpacked);
    if input_grads.len() != edges.len() {
        return Err(Error::Autograd(format!(
            "function {name} returned an incorrect number of gradients (expected {}, got {})",
            edges.len(),
            input_grads.len()
        )));
    }
    let input_grads = super::hooks_run::run_post_hooks(node_ref, input_grads, &output_grads)?;
    if super::mode::is_anomaly_enabled() {
        super::anomaly::check_for_nan(&name, &input_grads, trace.as_deref())?;
    }
    let mut out: SmallVec<[Option<(u32, Tensor)>; 2]> = SmallVec::new();
    for ((edge, meta), grad) in edges.iter().zip(&metas).zip(input_grads) {
        let Some(edge) = edge else { continue };
        let grad = match grad {
            Some(g) => Some((edge.input_nr, conform(g, meta, &name)?)),
            None => None,
        };
        out.push(grad);
    }
    Ok(Some(out))
}

/// Reduces a broadcast gradient to its input's shape and casts it to the input's dtype.
fn conform(grad: Tensor, meta: &arena::InputMeta, name: &str) -> Result<Tensor> {
    let grad = if grad.shape() == meta.shape {
        grad
    } else {
        grad.sum_to(&meta.shape).map_err(|_| {
            Error::Shape(format!(
                "Function {name} returned an invalid gradient - got shape {:?} but expected shape compatible with {:?}",
                grad.shape().as_slice(),
                meta.shape.as_slice()
            ))
        })?
    };
    let grad = if grad.dtype() == meta.dtype || !meta.dtype.is_floating() { grad } else { grad.to_dtype(meta.dtype)? };
    if grad.device() != meta.device {
        return Err(Error::Device(format!(
            "Function {name} returned a gradient on {} but the input is on {}",
            grad.device(),
            meta.device
        )));
    }
    Ok(grad)
}

fn annotate(error: Error, name: &str) -> Error {
    match error {
        Error::Autograd(msg) if msg.contains("internal error") => Error::Autograd(format!("{msg} (in {name})")),
        other => other,
    }
}

/// `.grad += grad` in a leaf's slot (out of place under `create_graph`, so `.grad` stays differentiable).
fn accumulate_into_leaf(node_ref: &NodeRef, grad: Tensor, create_graph: bool) -> Result<()> {
    let id = node_ref.id();
    let existing = match &arena::lock().get(id).kind {
        NodeKind::AccumulateGrad { grad } => grad.clone(),
        _ => unreachable!("accumulate_into_leaf on a non-leaf node"),
    };
    let new = match existing {
        None if create_graph => grad,
        None => grad.detach_copy(),
        Some(old) if create_graph => old.add(&grad)?,
        Some(old) => {
            no_grad(|| old.add_(&grad))?;
            old
        }
    };
    let previous = match &mut arena::lock().get_mut(id).kind {
        NodeKind::AccumulateGrad { grad } => grad.replace(new.clone()),
        _ => None,
    };
    drop(previous);
    super::hooks_run::run_post_accumulate_hooks(node_ref, &new)
}
