//! The backward scheduler. From the roots it walks the graph with an explicit stack and counts,
//! for every node, the edges that lead into it; then it runs nodes from a ready queue ordered by
//! creation sequence number (latest first), summing the gradients that arrive at a node until
//! its count reaches zero. Leaves accumulate into their `AccumulateGrad` slot; `grad()` captures
//! gradients at chosen edges instead. No recursion anywhere, so graph depth is unbounded.
//! A first-order pass carries 0-d gradients between pointwise nodes as bare numbers (see
//! `gradient`).

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BinaryHeap;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;
use smallvec::SmallVec;

use super::arena::{self, NodeId, NodeKind, NodeRef};
use super::gradient::{run_scalar_node, EdgeGrads, Gradient};
use super::mode::{no_grad, GradModeGuard};
use super::node_input::{NodeInput, NodeInputs};
use super::prefault;
use super::rules::{self, RuleInputs};
use super::saved::{LastRead, Saved};
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// How [`Tensor::backward_with`](crate::Tensor::backward_with) and [`grad`](crate::autograd::grad) run; the
/// default frees the graph and records nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct BackwardOptions {
    /// Keep the graph's saved values, so that a second backward through it works.
    pub retain_graph: bool,
    /// Record the backward pass itself, so that the gradients can be differentiated again
    /// (implies keeping the graph).
    pub create_graph: bool,
}

/// What the pass does at its targets.
pub enum Mode<'a> {
    /// `backward()`: accumulate into every leaf reached, or only into `inputs` when given.
    Accumulate { inputs: &'a [Tensor] },
    /// `grad()`: return the gradients of `inputs` without touching `.grad`.
    Capture { inputs: &'a [Tensor] },
}

/// The gradients of a node's outputs (most nodes have one).
pub(super) type Buffer = SmallVec<[Option<Tensor>; 1]>;
/// The gradients a node computes for its inputs.
pub(super) type Grads = SmallVec<[Option<Tensor>; 2]>;

// `Local::flags`.
const SINK: u8 = 1;
const HOOKS: u8 = 2;
/// Run the node (otherwise only pass through it, e.g. a capture point in `grad()`).
const EXECUTE: u8 = 4;
/// On a path the pass follows (all discovered nodes unless the pass has targets).
const KEPT: u8 = 8;
/// A target of the pass (`inputs=`).
const TARGET: u8 = 16;
/// Has received a gradient for an output other than the first: all its gradients are in
/// `Graph::more`.
const MORE: u8 = 32;

/// What one pass keeps about one node. Nodes get dense numbers in discovery order, and the
/// pass state is a vector indexed by them: no hashing, no allocation per node.
struct Local {
    id: NodeId,
    seq: u64,
    /// End of this node's children in `Graph::children` (they start at the previous node's end).
    children_end: u32,
    /// Edges from kept nodes not yet processed.
    deps: u32,
    /// The gradient of the node's first output, summed so far.
    grad: Option<Gradient>,
    flags: u8,
}

#[derive(Default)]
struct Graph {
    nodes: Vec<Local>,
    /// The number of the node each input edge leads to, per node in input order (inputs
    /// without an edge are skipped).
    children: Vec<u32>,
    /// Gradients of nodes flagged `MORE`, one slot per output.
    more: HashMap<u32, Buffer>,
    /// (node number, output, index in `inputs`) of each target reached.
    targets: Vec<(u32, u32, usize)>,
    /// The saved input the scalar path read last.
    last_read: LastRead,
}

thread_local! {
    /// The vectors of this thread's previous pass, emptied, for the next one: a pass over a
    /// long graph would otherwise fault in fresh pages for its state every time.
    static SPARE: Cell<Option<Graph>> = const { Cell::new(None) };
    /// Whether this thread's previous pass was larger than `SPARE_NODES`.
    static LAST_WAS_LARGE: Cell<bool> = const { Cell::new(false) };
}

/// The state of a pass over at most this many nodes (~50 MB) is always kept for the next pass;
/// a larger one only when the pass before was large too (a loop of large passes), so that one
/// large pass does not leave its state resident for good.
const SPARE_NODES: usize = 1 << 20;

impl Graph {
    fn new() -> Graph {
        SPARE.with(Cell::take).unwrap_or_default()
    }

    fn recycle(mut self) {
        let large = self.nodes.capacity() > SPARE_NODES;
        let last_was_large = LAST_WAS_LARGE.with(|last| last.replace(large));
        if large && !last_was_large {
            return;
        }
        self.nodes.clear();
        self.children.clear();
        self.more.clear();
        self.targets.clear();
        self.last_read = LastRead::default();
        SPARE.with(|spare| spare.set(Some(self)));
    }

    fn children(&self, n: usize) -> std::ops::Range<usize> {
        let start = if n == 0 {
            0
        } else {
            self.nodes[n - 1].children_end as usize
        };
        start..self.nodes[n].children_end as usize
    }

    fn kept(&self, n: u32) -> bool {
        self.nodes[n as usize].flags & KEPT != 0
    }

    fn add(&mut self, n: u32, nr: u32, grad: Gradient, create_graph: bool) -> Result<()> {
        let node = &mut self.nodes[n as usize];
        if nr == 0 && node.flags & MORE == 0 {
            node.grad = Some(match node.grad.take() {
                None => grad,
                Some(existing) => existing.add(grad, create_graph)?,
            });
            return Ok(());
        }
        let grad = grad.into_tensor();
        if node.flags & MORE == 0 {
            node.flags |= MORE;
            self.more.insert(
                n,
                smallvec::smallvec![node.grad.take().map(Gradient::into_tensor)],
            );
        }
        let buffer = self.more.entry(n).or_default();
        let nr = nr as usize;
        if buffer.len() <= nr {
            buffer.resize(nr + 1, None);
        }
        accumulate(&mut buffer[nr], grad, create_graph)
    }

    /// The gradients that arrived at node `n`, one slot per output up to the last that got one.
    fn take_grads(&mut self, n: u32) -> Buffer {
        let node = &mut self.nodes[n as usize];
        if node.flags & MORE != 0 {
            node.flags &= !MORE;
            return self.more.remove(&n).unwrap_or_default();
        }
        node.grad
            .take()
            .map(|g| smallvec::smallvec![Some(g.into_tensor())])
            .unwrap_or_default()
    }

    /// Runs node `n` on the scalar path when its gradient is a lone scalar and the node has a
    /// scalar rule (`None`: not taken, nothing changed).
    fn try_scalar(&mut self, n: u32, retain_graph: bool) -> Option<EdgeGrads> {
        let node = &mut self.nodes[n as usize];
        let g = node.grad.as_ref()?.as_scalar()?;
        let out = run_scalar_node(node.id, g, retain_graph, &mut self.last_read)?;
        node.grad = None;
        Some(out)
    }

    fn is_target(&self, n: u32, nr: u32) -> bool {
        self.targets
            .iter()
            .any(|&(t, t_nr, _)| t == n && t_nr == nr)
    }
}

/// What the pass needs to know at each node besides its own state.
struct Pass<'a> {
    mode: &'a Mode<'a>,
    accumulate_all: bool,
    options: BackwardOptions,
}

/// Runs one backward pass from `roots` (each output with its gradient).
pub fn run_backward(
    roots: &[(Tensor, Tensor)],
    mode: Mode,
    options: BackwardOptions,
) -> Result<Vec<Option<Tensor>>> {
    let mut root_edges = Vec::with_capacity(roots.len());
    for (i, (output, grad)) in roots.iter().enumerate() {
        let edge = output.gradient_edge().ok_or_else(|| {
            Error::Autograd(format!(
                "element {i} of tensors does not require grad and does not have a grad_fn"
            ))
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
            Error::Autograd(format!(
                "One of the differentiated Tensors (input {i}) does not require grad"
            ))
        })?);
    }
    let pass = Pass {
        mode: &mode,
        accumulate_all,
        options,
    };

    // Root and target edges hold references to their nodes, and so keep every node of the
    // pass alive (the numbers stay valid) until the pass ends.
    let (mut graph, root_numbers) = discover(&root_edges, &target_edges);
    if !accumulate_all {
        keep_paths_to_targets(&mut graph, matches!(mode, Mode::Accumulate { .. }));
        count_dependencies(&mut graph);
    }
    for ((&n, (_, nr)), (_, grad)) in root_numbers.iter().zip(&root_edges).zip(roots) {
        if graph.kept(n) {
            graph.add(n, *nr, Gradient::Tensor(grad.clone()), options.create_graph)?;
        }
    }
    let mut ready: BinaryHeap<(u64, u32)> = BinaryHeap::new();
    for (i, &n) in root_numbers.iter().enumerate() {
        let node = &graph.nodes[n as usize];
        if graph.kept(n) && node.deps == 0 && !root_numbers[..i].contains(&n) {
            ready.push((node.seq, n));
        }
    }

    let mut captured: Vec<Option<Tensor>> = vec![None; targets.len()];
    let _mode = GradModeGuard::new(options.create_graph);
    while let Some((_, n)) = ready.pop() {
        let (id, flags) = (graph.nodes[n as usize].id, graph.nodes[n as usize].flags);
        let scalar_path = flags & (SINK | HOOKS | TARGET | MORE) == 0 && !options.create_graph;
        let mut input_grads = if scalar_path {
            graph.try_scalar(n, options.retain_graph)
        } else {
            None
        };
        if input_grads.is_none() {
            input_grads = run_general(&mut graph, n, id, flags, &pass, &mut captured)?;
        }
        let children = graph.children(n as usize);
        for (k, c) in children.clone().zip(0..) {
            let child = graph.children[k];
            if !graph.kept(child) {
                continue;
            }
            if let Some(Some((input_nr, grad))) = input_grads
                .as_mut()
                .and_then(|g| g.get_mut(c))
                .map(Option::take)
            {
                graph.add(child, input_nr, grad, options.create_graph)?;
            }
            let node = &mut graph.nodes[child as usize];
            node.deps -= 1;
            if node.deps == 0 {
                ready.push((node.seq, child));
            }
        }
    }
    graph.recycle();
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

/// Runs node `n` with tensor gradients: hooks, capture at a target, then its derivative.
fn run_general(
    graph: &mut Graph,
    n: u32,
    id: NodeId,
    flags: u8,
    pass: &Pass,
    captured: &mut [Option<Tensor>],
) -> Result<Option<EdgeGrads>> {
    let has_hooks = flags & HOOKS != 0;
    let mut grads = graph.take_grads(n);
    if has_hooks {
        grads = super::hooks_run::run_pre_hooks(id, grads)?;
    }
    if flags & TARGET != 0 {
        for &(t, nr, i) in &graph.targets {
            if let (true, Some(Some(grad))) = (t == n, grads.get(nr as usize)) {
                captured[i] = Some(grad.clone());
            }
        }
    }
    if flags & EXECUTE == 0 {
        return Ok(None);
    }
    let accumulate = pass.accumulate_all || graph.is_target(n, 0);
    run_node(id, grads, has_hooks, accumulate, pass)
}

/// Numbers every node reachable from the roots, breadth first (the node vector is the queue),
/// under one arena lock. Returns the graph and the roots' numbers.
fn discover(roots: &[(NodeRef, u32)], targets: &[(NodeRef, u32)]) -> (Graph, Vec<u32>) {
    let mut arena = arena::lock();
    let mut numbering = arena.numbering();
    let mut graph = Graph::new();
    let root_numbers: Vec<u32> = roots
        .iter()
        .map(|(node, _)| number(&mut graph, &mut numbering, node.id()))
        .collect();
    let mut next = 0;
    while next < graph.nodes.len() {
        let node = numbering.get(graph.nodes[next].id);
        let mut flags = EXECUTE | KEPT;
        if matches!(node.kind, NodeKind::AccumulateGrad { .. }) {
            flags |= SINK;
        }
        if node.hooks().is_some_and(|h| !h.is_empty()) {
            flags |= HOOKS;
        }
        let seq = node.seq;
        let edges: SmallVec<[NodeId; 4]> = node
            .inputs
            .iter()
            .filter_map(|i| i.edge().map(|e| e.node))
            .collect();
        for child in edges {
            // Every node is kept until `keep_paths_to_targets` says otherwise: count the edge.
            let c = number(&mut graph, &mut numbering, child);
            graph.nodes[c as usize].deps += 1;
            prefault::push(&mut graph.children, c, usize::MAX);
        }
        let local = &mut graph.nodes[next];
        (local.seq, local.flags, local.children_end) = (seq, flags, graph.children.len() as u32);
        next += 1;
    }
    for (i, (node, nr)) in targets.iter().enumerate() {
        if let Some(n) = numbering.lookup(node.id()) {
            graph.targets.push((n, *nr, i));
            graph.nodes[n as usize].flags |= TARGET;
        }
    }
    (graph, root_numbers)
}

/// The number of node `id`; a node seen for the first time is added to the queue.
fn number(graph: &mut Graph, numbering: &mut arena::Numbering, id: NodeId) -> u32 {
    let (n, new) = numbering.number(id, graph.nodes.len() as u32);
    if new {
        let local = Local {
            id,
            seq: 0,
            children_end: 0,
            deps: 0,
            grad: None,
            flags: 0,
        };
        prefault::push(&mut graph.nodes, local, numbering.live_nodes());
    }
    n
}

/// With targets, keeps only the nodes on a path to a target (children before parents, by
/// sequence number); a target's `AccumulateGrad` sink runs only when accumulating.
fn keep_paths_to_targets(graph: &mut Graph, accumulate_targets: bool) {
    for node in &mut graph.nodes {
        node.flags &= !KEPT;
    }
    let mut order: Vec<u32> = (0..graph.nodes.len() as u32).collect();
    order.sort_unstable_by_key(|&n| graph.nodes[n as usize].seq);
    for n in order {
        let n = n as usize;
        let leads_to_target = graph
            .children(n)
            .any(|k| graph.nodes[graph.children[k] as usize].flags & KEPT != 0);
        let flags = graph.nodes[n].flags & !(KEPT | EXECUTE);
        let is_target = flags & TARGET != 0;
        let kept = if leads_to_target || is_target {
            KEPT
        } else {
            0
        };
        let execute = leads_to_target || (is_target && flags & SINK != 0 && accumulate_targets);
        graph.nodes[n].flags = flags | kept | if execute { EXECUTE } else { 0 };
    }
}

/// Counts, for every kept node, the edges that lead into it from kept nodes (again, after
/// `keep_paths_to_targets`: `discover` counted the edges of all nodes).
fn count_dependencies(graph: &mut Graph) {
    for node in &mut graph.nodes {
        node.deps = 0;
    }
    for n in 0..graph.nodes.len() {
        if graph.nodes[n].flags & KEPT == 0 {
            continue;
        }
        for k in graph.children(n) {
            let child = graph.children[k] as usize;
            graph.nodes[child].deps += 1;
        }
    }
}

/// Adds `grad` to a gradient slot (out of place, recorded, under `create_graph`).
fn accumulate(slot: &mut Option<Tensor>, grad: Tensor, create_graph: bool) -> Result<()> {
    *slot = Some(match slot.take() {
        None => grad,
        Some(existing) => Gradient::Tensor(existing)
            .add(Gradient::Tensor(grad), create_graph)?
            .into_tensor(),
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

/// The derivative of a node, copied out of the arena so that it runs without the lock (a rule
/// records operations under `create_graph`; a custom backward may call anything).
enum Derivative {
    Rule(rules::Op),
    Custom(Arc<dyn super::custom::CustomBackward>),
}

impl Derivative {
    fn name(&self) -> Cow<'static, str> {
        match self {
            Derivative::Rule(op) => Cow::Borrowed(op.name()),
            Derivative::Custom(custom) => Cow::Owned(custom.name()),
        }
    }
}

/// Runs one node: accumulates at a leaf sink (when `accumulate`), or applies the derivative.
/// Takes the arena lock once (twice at a leaf).
fn run_node(
    id: NodeId,
    grads: Buffer,
    has_hooks: bool,
    accumulate: bool,
    pass: &Pass,
) -> Result<Option<EdgeGrads>> {
    let options = pass.options;
    let mut arena = arena::lock();
    let node = arena.get_mut(id);
    let derivative = match &node.kind {
        NodeKind::AccumulateGrad { .. } => {
            drop(arena);
            let accumulate = accumulate && matches!(pass.mode, Mode::Accumulate { .. });
            if let (true, Some(Some(grad))) = (accumulate, grads.into_iter().next()) {
                accumulate_into_leaf(id, grad, options.create_graph, has_hooks)?;
            }
            return Ok(None);
        }
        NodeKind::Op(op) => Derivative::Rule(op.clone()),
        NodeKind::Custom(custom) => Derivative::Custom(Arc::clone(custom)),
    };
    if node.released {
        return Err(released_error(&derivative.name()));
    }
    let saved: SmallVec<[Saved; 2]> = if options.retain_graph {
        node.saved.clone()
    } else {
        node.released = !node.saved.is_empty();
        std::mem::take(&mut node.saved)
    };
    let inputs: NodeInputs = node.inputs.clone();
    let (num_outputs, trace) = (node.num_outputs as usize, node.trace().cloned());
    drop(arena);

    let name = derivative.name();
    let unpacked: SmallVec<[Option<Tensor>; 2]> = saved
        .iter()
        .map(|s| s.unpack(&name, id))
        .collect::<Result<_>>()?;
    drop(saved);
    let needs: SmallVec<[bool; 2]> = inputs.iter().map(|i| i.edge().is_some()).collect();
    let input_grads: Grads = match derivative {
        Derivative::Rule(op) => {
            let rule_inputs = RuleInputs {
                saved: &unpacked,
                inputs: &inputs,
                needs: &needs,
            };
            let result = if num_outputs > 1 {
                if grads.iter().all(Option::is_none) {
                    return Ok(None);
                }
                let mut all: Vec<Option<Tensor>> = grads.to_vec();
                all.resize(num_outputs, None);
                rules::backward(&op, &all, &rule_inputs)
            } else {
                let Some(first @ Some(_)) = grads.first() else {
                    return Ok(None);
                };
                rules::backward(&op, std::slice::from_ref(first), &rule_inputs)
            };
            result.map_err(|e| annotate(e, &name))?
        }
        Derivative::Custom(custom) => {
            let mut all: Vec<Option<Tensor>> = grads.to_vec();
            all.resize(num_outputs, None);
            let result = custom.backward(&unpacked, &all);
            if !options.retain_graph {
                custom.release();
            }
            Grads::from_vec(result?)
        }
    };
    drop(unpacked);
    if input_grads.len() != inputs.len() {
        return Err(Error::Autograd(format!(
            "function {name} returned an incorrect number of gradients (expected {}, got {})",
            inputs.len(),
            input_grads.len()
        )));
    }
    let input_grads = if has_hooks {
        // Hooks see (and must return) gradients shaped as their inputs, as in PyTorch.
        let conformed = inputs
            .iter()
            .zip(input_grads)
            .map(|(input, grad)| match (grad, input.edge()) {
                (Some(g), Some(_)) => conform(g, input, &name).map(Some),
                (grad, _) => Ok(grad),
            })
            .collect::<Result<Grads>>()?;
        super::hooks_run::run_post_hooks(id, conformed, &grads)?
    } else {
        input_grads
    };
    if super::mode::is_anomaly_enabled() && super::mode::is_anomaly_check_nan_enabled() {
        super::anomaly::check_for_nan(&name, &input_grads, trace.as_deref().map(String::as_str))?;
    }
    let mut out = EdgeGrads::new();
    for (input, grad) in inputs.iter().zip(input_grads) {
        let Some(edge) = input.edge() else { continue };
        let grad = match grad {
            Some(g) => Some((edge.input_nr, Gradient::Tensor(conform(g, input, &name)?))),
            None => None,
        };
        out.push(grad);
    }
    Ok(Some(out))
}

/// Reduces a broadcast gradient to its input's shape and casts it to the input's dtype.
fn conform(grad: Tensor, input: &NodeInput, name: &str) -> Result<Tensor> {
    let (same_shape, dtype, device) = {
        let array = grad.read();
        (input.shape_is(array.shape()), array.dtype(), array.device())
    };
    let grad = if same_shape {
        grad
    } else {
        let shape = input.shape();
        grad.sum_to(&shape).map_err(|_| {
            Error::Shape(format!(
                "Function {name} returned an invalid gradient - got shape {:?} but expected shape compatible with {:?}",
                grad.shape().as_slice(),
                shape.as_slice()
            ))
        })?
    };
    let wanted = input.dtype();
    let grad = if dtype == wanted || !wanted.is_floating() {
        grad
    } else {
        grad.to_dtype(wanted)?
    };
    if device != input.device() {
        // a 0-d CPU input that took part next to tensors on another device (see
        // `ops::pointwise`) gets its gradient back on the CPU, as in PyTorch
        if input.device().is_cpu() && input.shape_is(&[]) {
            return grad.to_device(input.device());
        }
        return Err(Error::Device(format!(
            "Function {name} returned a gradient on {device} but the input is on {}",
            input.device()
        )));
    }
    Ok(grad)
}

fn annotate(error: Error, name: &str) -> Error {
    match error {
        Error::Autograd(msg) if msg.contains("internal error") => {
            Error::Autograd(format!("{msg} (in {name})"))
        }
        other => other,
    }
}

/// Locks that make each leaf's accumulation atomic: a leaf's `AccumulateGrad` node index picks
/// one. Held from reading `.grad` to storing the sum, so that backward passes on several threads
/// into one leaf each add their gradient (a read, an add and a store with no lock held lost
/// whichever store came first). Not the arena lock: the add may be a large kernel, or (under
/// `create_graph`) a recorded operation that takes the arena lock itself. Nothing run under a
/// leaf lock takes a leaf lock (hooks run after it is released), so they cannot deadlock; two
/// leaves that share a lock only wait for each other.
static LEAF_LOCKS: [LeafLock; LEAF_LOCK_COUNT] =
    [const { LeafLock(parking_lot::Mutex::new(())) }; LEAF_LOCK_COUNT];
const LEAF_LOCK_COUNT: usize = 64;

/// One leaf lock, alone in its cache line.
#[repr(align(64))]
struct LeafLock(parking_lot::Mutex<()>);

/// `.grad += grad` in a leaf's slot (out of place under `create_graph`, so `.grad` stays
/// differentiable), atomically per leaf. The first gradient stored in an empty slot is an
/// independent copy (`detach_copy`) outside `create_graph`, so later in-place additions never
/// write into a tensor the pass (or a hook) handed over.
fn accumulate_into_leaf(
    id: NodeId,
    grad: Tensor,
    create_graph: bool,
    has_hooks: bool,
) -> Result<()> {
    // the node's post hooks see the incoming gradient (a handle, taken only when there are hooks)
    let incoming = has_hooks.then(|| grad.clone());
    let leaf_lock = LEAF_LOCKS[id.index() as usize % LEAF_LOCK_COUNT].0.lock();
    let existing = match &arena::lock().get(id).kind {
        NodeKind::AccumulateGrad { grad } => grad.clone(),
        _ => unreachable!("accumulate_into_leaf on a non-leaf node"),
    };
    let new = match existing {
        None if create_graph => grad,
        None => grad.detach_copy(),
        Some(old) if create_graph => old.add(&grad)?,
        Some(old) => {
            // In place: the slot keeps this very tensor, so nothing is stored.
            no_grad(|| old.add_(&grad))?;
            drop(leaf_lock);
            return run_post_accumulate(id, incoming);
        }
    };
    let previous = match &mut arena::lock().get_mut(id).kind {
        NodeKind::AccumulateGrad { grad } => grad.replace(new),
        _ => None,
    };
    drop(leaf_lock);
    drop(previous);
    run_post_accumulate(id, incoming)
}

/// After a leaf's accumulation: the tensor's post-accumulate-grad hooks, then the
/// `AccumulateGrad` node's own post hooks with no input gradients and the incoming gradient as
/// its output gradient, in PyTorch's order. `incoming` is `None` when the node has no hooks.
fn run_post_accumulate(id: NodeId, incoming: Option<Tensor>) -> Result<()> {
    if let Some(grad) = incoming {
        super::hooks_run::run_post_accumulate_hooks(id)?;
        super::hooks_run::run_post_hooks(id, Grads::new(), &[Some(grad)])?;
    }
    Ok(())
}
