//! The backward scheduler. From the roots it walks the graph with an explicit stack and counts,
//! for every node, the edges that lead into it; then it runs nodes from a ready queue ordered by
//! creation sequence number (latest first), summing the gradients that arrive at a node until
//! its count reaches zero. Leaves accumulate into their `AccumulateGrad` slot; `grad()` captures
//! gradients at chosen edges instead. No recursion anywhere, so graph depth is unbounded.

use std::borrow::Cow;
use std::collections::BinaryHeap;
use std::sync::Arc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use smallvec::SmallVec;

use super::arena::{self, NodeId, NodeKind, NodeRef};
use super::mode::{no_grad, GradModeGuard};
use super::rules::{self, RuleInputs};
use super::saved::Saved;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

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

type Buffer = SmallVec<[Option<Tensor>; 1]>;

/// Everything one pass keeps about one node, in a single map entry.
struct NodeState {
    seq: u64,
    /// The node each input edge leads to, in input order (edges without a node are skipped).
    children: SmallVec<[NodeId; 2]>,
    /// An `AccumulateGrad` node.
    is_sink: bool,
    has_hooks: bool,
    /// Whether to run the node (or only pass through it, e.g. a capture point in `grad()`).
    execute: bool,
    /// Edges from nodes of this pass not yet processed.
    deps: u32,
    /// The gradients arrived so far, one slot per output.
    buffer: Buffer,
}

/// What the pass needs to know at each node besides its own state.
struct Pass<'a> {
    mode: &'a Mode<'a>,
    accumulate_all: bool,
    capture_at: HashMap<(NodeId, u32), Vec<usize>>,
    options: BackwardOptions,
}

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
    let mut capture_at: HashMap<(NodeId, u32), Vec<usize>> = HashMap::default();
    for (i, (node, nr)) in target_edges.iter().enumerate() {
        capture_at.entry((node.id(), *nr)).or_default().push(i);
    }
    let pass = Pass { mode: &mode, accumulate_all, capture_at, options };

    let mut states = discover(&root_edges);
    if !accumulate_all {
        keep_paths_to_targets(&mut states, &pass);
    }
    count_dependencies(&mut states);
    for ((node, nr), (_, grad)) in root_edges.iter().zip(roots) {
        if let Some(state) = states.get_mut(&node.id()) {
            add_to_buffer(&mut state.buffer, *nr, grad.clone(), options.create_graph)?;
        }
    }
    let mut ready: BinaryHeap<(u64, NodeId)> = BinaryHeap::new();
    let mut seeded: SmallVec<[NodeId; 2]> = SmallVec::new();
    for (node, _) in &root_edges {
        if let Some(state) = states.get(&node.id()) {
            if state.deps == 0 && !seeded.contains(&node.id()) {
                seeded.push(node.id());
                ready.push((state.seq, node.id()));
            }
        }
    }

    let mut captured: Vec<Option<Tensor>> = vec![None; targets.len()];
    let _mode = GradModeGuard::new(options.create_graph);
    while let Some((_, id)) = ready.pop() {
        let state = states.get_mut(&id).expect("only nodes of this pass are queued");
        let grads = std::mem::take(&mut state.buffer);
        let (execute, has_hooks, children) = (state.execute, state.has_hooks, state.children.clone());
        let grads = if has_hooks { super::hooks_run::run_pre_hooks(id, grads)? } else { grads };
        for (nr, grad) in grads.iter().enumerate() {
            if let (Some(indices), Some(grad)) = (pass.capture_at.get(&(id, nr as u32)), grad) {
                for &i in indices {
                    captured[i] = Some(grad.clone());
                }
            }
        }
        let input_grads = if execute { run_node(id, grads, has_hooks, &pass)? } else { None };
        for (child_nr, child) in children.iter().enumerate() {
            let Some(child_state) = states.get_mut(child) else { continue };
            if let Some(Some((input_nr, grad))) = input_grads.as_ref().and_then(|g| g.get(child_nr)) {
                add_to_buffer(&mut child_state.buffer, *input_nr, grad.clone(), options.create_graph)?;
            }
            child_state.deps -= 1;
            if child_state.deps == 0 {
                ready.push((child_state.seq, *child));
            }
        }
    }
    if let Mode::Accumulate { inputs } = mode {
        // Non-leaf tensors named in `inputs` get their gradient in `.grad` (as `retain_grad`).
        for (i, t) in inputs.iter().enumerate() {
            if let (Some(grad), false) = (&captured[i], t.is_leaf()) {
                t.set_retained_grad(grad.clone())?;
            }
        }
        return Ok(Vec::new());
    }
    Ok(captured)
}

/// Every node reachable from the roots, walked with an explicit stack.
fn discover(roots: &[(NodeRef, u32)]) -> HashMap<NodeId, NodeState> {
    let arena = arena::lock();
    let mut states: HashMap<NodeId, NodeState> = HashMap::default();
    let mut stack: Vec<NodeId> = roots.iter().map(|(n, _)| n.id()).collect();
    while let Some(id) = stack.pop() {
        if states.contains_key(&id) {
            continue;
        }
        let node = arena.get(id);
        let children: SmallVec<[NodeId; 2]> = node.inputs.iter().filter_map(|i| i.edge.map(|e| e.node)).collect();
        stack.extend(children.iter().filter(|c| !states.contains_key(c)).copied());
        states.insert(
            id,
            NodeState {
                seq: node.seq,
                children,
                is_sink: matches!(node.kind, NodeKind::AccumulateGrad { .. }),
                has_hooks: node.hooks.as_ref().is_some_and(|h| !h.is_empty()),
                execute: true,
                deps: 0,
                buffer: Buffer::new(),
            },
        );
    }
    states
}

/// With targets, keeps only the nodes on a path to a target (children before parents, by
/// sequence number); a target's `AccumulateGrad` sink runs only when accumulating.
fn keep_paths_to_targets(states: &mut HashMap<NodeId, NodeState>, pass: &Pass) {
    let targets: HashSet<NodeId> = pass.capture_at.keys().map(|(id, _)| *id).collect();
    let accumulate_targets = matches!(pass.mode, Mode::Accumulate { .. });
    let mut order: Vec<(u64, NodeId)> = states.iter().map(|(id, s)| (s.seq, *id)).collect();
    order.sort_unstable();
    let mut needed: HashSet<NodeId> = HashSet::default();
    for (_, id) in order {
        let state = states.get_mut(&id).expect("discovered");
        let leads_to_target = state.children.iter().any(|c| needed.contains(c));
        let is_target = targets.contains(&id);
        if leads_to_target || is_target {
            needed.insert(id);
            state.execute = leads_to_target || (is_target && state.is_sink && accumulate_targets);
        }
    }
    states.retain(|id, _| needed.contains(id));
}

/// Counts, for every kept node, the edges that lead into it from kept nodes.
fn count_dependencies(states: &mut HashMap<NodeId, NodeState>) {
    let edges: Vec<NodeId> = states.values().flat_map(|s| s.children.iter().copied()).collect();
    for child in edges {
        if let Some(state) = states.get_mut(&child) {
            state.deps += 1;
        }
    }
}

fn add_to_buffer(buffer: &mut Buffer, nr: u32, grad: Tensor, create_graph: bool) -> Result<()> {
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

fn released_error(name: &str) -> Error {
    Error::Autograd(format!(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have \
         already been freed). Saved intermediate values of the graph are freed when you call .backward() or \
         autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or \
         if you need to access saved tensors after calling backward. (node: {name})"
    ))
}

/// Runs one node: accumulates at a leaf sink, or applies the derivative rule. Returns, per
/// input edge, the (input slot, gradient) to pass on.
#[allow(clippy::type_complexity)]
fn run_node(id: NodeId, grads: Buffer, has_hooks: bool, pass: &Pass) -> Result<Option<SmallVec<[Option<(u32, Tensor)>; 2]>>> {
    let options = pass.options;
    let mut arena = arena::lock();
    let node = arena.get_mut(id);
    let (kind, name): (Result<rules::Op, Arc<dyn super::custom::CustomBackward>>, Cow<'static, str>) = match &node.kind {
        NodeKind::AccumulateGrad { .. } => {
            drop(arena);
            let accumulate = matches!(pass.mode, Mode::Accumulate { .. })
                && (pass.accumulate_all || pass.capture_at.contains_key(&(id, 0)));
            if let (true, Some(Some(grad))) = (accumulate, grads.into_iter().next()) {
                accumulate_into_leaf(id, grad, options.create_graph, has_hooks)?;
            }
            return Ok(None);
        }
        NodeKind::Op(op) => (Ok(op.clone()), Cow::Borrowed(op.name())),
        NodeKind::Custom(custom) => (Err(Arc::clone(custom)), Cow::Owned(custom.name())),
    };
    if node.released {
        return Err(released_error(&name));
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

    let unpacked: SmallVec<[Option<Tensor>; 2]> = saved.iter().map(|s| s.unpack(&name, id)).collect::<Result<_>>()?;
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
    let input_grads =
        if has_hooks { super::hooks_run::run_post_hooks(id, input_grads, &output_grads)? } else { input_grads };
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
fn accumulate_into_leaf(id: NodeId, grad: Tensor, create_graph: bool, has_hooks: bool) -> Result<()> {
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
    if has_hooks {
        super::hooks_run::run_post_accumulate_hooks(id)?;
    }
    Ok(())
}
