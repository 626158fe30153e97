//! The graph arena: every backward node lives in one slab, addressed by `NodeId`
//! (index + generation). Nodes are reference counted by the tensors whose `grad_fn` they are
//! and by the edges of later nodes; freeing one whose count drops to zero walks its edges with
//! a work list, so a ten-million-node chain is freed in a loop, never by recursion.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::{Mutex, MutexGuard};
use smallvec::SmallVec;

use super::hooks::NodeHooks;
use super::rules::Op;
use super::saved::Saved;
use crate::array::{DType, Device, Dims};
use crate::tensor::Tensor;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    index: u32,
    generation: u32,
}

impl NodeId {
    pub fn index(self) -> u32 {
        self.index
    }

    pub fn generation(self) -> u32 {
        self.generation
    }
}

/// Where a gradient goes: input slot `input_nr` of `node`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Edge {
    pub node: NodeId,
    pub input_nr: u32,
}

/// What a gradient flowing to an input must look like.
#[derive(Clone, Debug)]
pub struct InputMeta {
    pub shape: Dims,
    pub dtype: DType,
    pub device: Device,
}

/// One input of a node: the edge to follow (`None` when that input needs no gradient) and the
/// input's metadata, used to reduce broadcast gradients and cast them to the input's dtype.
pub struct NodeInput {
    pub edge: Option<Edge>,
    pub meta: InputMeta,
}

pub enum NodeKind {
    /// A recorded operation; its derivative rule is in `rules`.
    Op(Op),
    /// The sink of a leaf that requires grad: its `.grad` slot.
    AccumulateGrad { grad: Option<Tensor> },
    /// A user-defined backward (a custom `Function` in Python).
    Custom(std::sync::Arc<dyn super::custom::CustomBackward>),
}

pub struct Node {
    pub kind: NodeKind,
    pub inputs: SmallVec<[NodeInput; 2]>,
    pub saved: SmallVec<[Saved; 2]>,
    pub seq: u64,
    pub num_outputs: u32,
    /// Set once `saved` has been freed by a backward without `retain_graph`.
    pub released: bool,
    pub hooks: Option<Box<NodeHooks>>,
    /// Where the node was created, kept in anomaly-detection mode for error messages.
    pub trace: Option<std::sync::Arc<str>>,
}

impl Node {
    pub fn name(&self) -> String {
        match &self.kind {
            NodeKind::Op(op) => op.name().to_string(),
            NodeKind::AccumulateGrad { .. } => "AccumulateGrad".to_string(),
            NodeKind::Custom(c) => c.name(),
        }
    }
}

struct Slot {
    generation: u32,
    refs: u32,
    node: Option<Node>,
}

pub struct Arena {
    slots: Vec<Slot>,
    free: Vec<u32>,
}

static ARENA: Mutex<Arena> = Mutex::new(Arena { slots: Vec::new(), free: Vec::new() });
static NEXT_SEQ: AtomicU64 = AtomicU64::new(0);

pub fn lock() -> MutexGuard<'static, Arena> {
    ARENA.lock()
}

impl Arena {
    /// Adds `node` with one reference (returned as the `NodeRef`) and takes a reference to
    /// every node its edges point at.
    pub fn insert(&mut self, mut node: Node) -> NodeRef {
        node.seq = NEXT_SEQ.fetch_add(1, Ordering::Relaxed);
        for input in &node.inputs {
            if let Some(edge) = input.edge {
                self.slot_mut(edge.node).refs += 1;
            }
        }
        let id = match self.free.pop() {
            Some(index) => {
                let slot = &mut self.slots[index as usize];
                slot.refs = 1;
                slot.node = Some(node);
                NodeId { index, generation: slot.generation }
            }
            None => {
                let index = u32::try_from(self.slots.len()).expect("fewer than 2^32 live nodes");
                self.slots.push(Slot { generation: 0, refs: 1, node: Some(node) });
                NodeId { index, generation: 0 }
            }
        };
        NodeRef(id)
    }

    fn slot_mut(&mut self, id: NodeId) -> &mut Slot {
        let slot = &mut self.slots[id.index as usize];
        debug_assert_eq!(slot.generation, id.generation, "stale node id");
        slot
    }

    pub fn get(&self, id: NodeId) -> &Node {
        let slot = &self.slots[id.index as usize];
        assert_eq!(slot.generation, id.generation, "stale node id");
        slot.node.as_ref().expect("live node")
    }

    pub fn get_mut(&mut self, id: NodeId) -> &mut Node {
        self.slot_mut(id).node.as_mut().expect("live node")
    }

    /// A new reference to a node already referenced by the caller.
    pub fn new_ref(&mut self, id: NodeId) -> NodeRef {
        self.slot_mut(id).refs += 1;
        NodeRef(id)
    }

    /// Drops one reference; frees every node that becomes unreferenced. What the freed nodes
    /// owned (saved tensors, gradients, hooks) is returned to be dropped outside the lock.
    ///
    /// `work` holds the references still to drop. At most `GARBAGE_BATCH` nodes are freed per
    /// call (what is left stays in `work`, its references not yet dropped), so freeing a long
    /// chain never holds more than a batch of freed nodes at once next to the slab.
    fn release(&mut self, work: &mut SmallVec<[NodeId; 8]>, garbage: &mut Garbage) {
        while let Some(id) = work.pop() {
            let slot = self.slot_mut(id);
            slot.refs -= 1;
            if slot.refs > 0 {
                continue;
            }
            let node = slot.node.take().expect("live node");
            slot.generation = slot.generation.wrapping_add(1);
            self.free.push(id.index);
            work.extend(node.inputs.iter().filter_map(|input| input.edge.map(|e| e.node)));
            garbage.push(node);
            if garbage.len() >= GARBAGE_BATCH {
                return;
            }
        }
    }

    /// Number of live nodes (for tests and diagnostics).
    pub fn live_nodes(&self) -> usize {
        self.slots.len() - self.free.len()
    }
}

/// A counted reference to a node; the node is freed when the last one goes.
#[derive(Debug, PartialEq, Eq)]
pub struct NodeRef(NodeId);

impl NodeRef {
    pub fn id(&self) -> NodeId {
        self.0
    }
}

impl Clone for NodeRef {
    fn clone(&self) -> Self {
        lock().new_ref(self.0)
    }
}

thread_local! {
    static DRAINING: Cell<bool> = const { Cell::new(false) };
    static PENDING: RefCell<Vec<Node>> = const { RefCell::new(Vec::new()) };
}

/// Nodes freed under the lock, dropped after it. Inline room for one node: dropping the result
/// of a small operation frees exactly one, with no heap allocation.
type Garbage = SmallVec<[Node; 1]>;

/// The most nodes one `release` call frees before the lock is released and they are dropped.
const GARBAGE_BATCH: usize = 256;

impl Drop for NodeRef {
    fn drop(&mut self) {
        let mut work: SmallVec<[NodeId; 8]> = SmallVec::new();
        work.push(self.0);
        while !work.is_empty() {
            let mut garbage = Garbage::new();
            lock().release(&mut work, &mut garbage);
            drop_outside_lock(garbage);
        }
    }
}

/// Drops freed nodes after the arena lock is released. Dropping a node drops its saved
/// tensors, which may free more nodes; those are queued rather than dropped recursively, so the
/// stack stays flat however long the chain.
fn drop_outside_lock(garbage: Garbage) {
    if garbage.is_empty() {
        return;
    }
    if DRAINING.with(Cell::get) {
        PENDING.with(|p| p.borrow_mut().extend(garbage));
        return;
    }
    DRAINING.with(|d| d.set(true));
    drop(garbage);
    while let Some(node) = PENDING.with(|p| p.borrow_mut().pop()) {
        drop(node);
    }
    DRAINING.with(|d| d.set(false));
}

/// Number of live nodes in the arena.
pub fn live_nodes() -> usize {
    lock().live_nodes()
}
