//! The graph arena: every backward node lives in one slab, addressed by `NodeId`
//! (index + generation). Nodes are reference counted by the tensors whose `grad_fn` they are
//! and by the edges of later nodes; freeing one whose count drops to zero walks its edges with
//! a work list, so a ten-million-node chain is freed in a loop, never by recursion.

use std::cell::{Cell, RefCell};

use parking_lot::{Mutex, MutexGuard};
use smallvec::SmallVec;

use super::hooks::NodeHooks;
use super::node_input::NodeInputs;
use super::rules::Op;
use super::saved::Saved;
use super::slab::{Slab, CHUNK};
use crate::tensor::Tensor;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    index: u32,
    generation: u32,
}

impl NodeId {
    /// An id no live node has (the node of an input without an edge).
    pub(crate) const DANGLING: NodeId = NodeId {
        index: u32::MAX,
        generation: u32::MAX,
    };

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

/// What `name()` says for a leaf's node: PyTorch's C++ class name (its Python type is
/// `AccumulateGrad`).
pub const ACCUMULATE_GRAD_NAME: &str = "torch::autograd::AccumulateGrad";

pub enum NodeKind {
    /// A recorded operation; its derivative rule is in `rules`.
    Op(Op),
    /// The sink of a leaf that requires grad: its `.grad` slot.
    AccumulateGrad { grad: Option<Tensor> },
    /// A user-defined backward (a custom `Function` in Python); boxed to a thin pointer so that
    /// `NodeKind` stays as small as `Op`.
    Custom(Box<std::sync::Arc<dyn super::custom::CustomBackward>>),
}

pub struct Node {
    pub kind: NodeKind,
    pub inputs: NodeInputs,
    pub saved: SmallVec<[Saved; 2]>,
    pub seq: u64,
    pub num_outputs: u32,
    /// Set once `saved` has been freed by a backward without `retain_graph`.
    pub released: bool,
    /// Hooks and the creation trace: most nodes have neither.
    pub extras: Option<Box<NodeExtras>>,
}

/// What few nodes carry, in one optional box so that every other node is a word smaller.
#[derive(Default)]
pub struct NodeExtras {
    pub hooks: NodeHooks,
    /// Where the node was created, kept in anomaly-detection mode for error messages.
    pub trace: Option<std::sync::Arc<String>>,
}

impl NodeExtras {
    /// The extras of a new node: none unless anomaly mode recorded a trace.
    pub fn traced(trace: Option<std::sync::Arc<String>>) -> Option<Box<NodeExtras>> {
        trace.map(|trace| {
            Box::new(NodeExtras {
                hooks: NodeHooks::default(),
                trace: Some(trace),
            })
        })
    }
}

impl Node {
    /// Whether dropping this node only frees memory: no tensors (which may free nodes, taking
    /// the arena lock), no user backward, no hooks. Such a node may be dropped under the lock.
    fn owns_only_plain_data(&self) -> bool {
        matches!(self.kind, NodeKind::Op(_)) && self.saved.is_empty() && self.extras.is_none()
    }

    pub fn hooks(&self) -> Option<&NodeHooks> {
        self.extras.as_deref().map(|extras| &extras.hooks)
    }

    pub fn hooks_mut(&mut self) -> &mut NodeHooks {
        &mut self.extras.get_or_insert_with(Default::default).hooks
    }

    pub fn trace(&self) -> Option<&std::sync::Arc<String>> {
        self.extras.as_deref()?.trace.as_ref()
    }

    pub fn name(&self) -> String {
        match &self.kind {
            NodeKind::Op(op) => op.name().to_string(),
            NodeKind::AccumulateGrad { .. } => ACCUMULATE_GRAD_NAME.to_string(),
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
    slots: Slab<Slot>,
    free: Vec<u32>,
    /// Scratch for `numbering`, one per slot (grown when a pass starts).
    marks: Vec<Mark>,
    /// The stamp of the latest numbering; marks with another stamp are stale.
    stamp: u32,
    /// The sequence number of the next node (creation order). A plain counter: it is only
    /// advanced under the arena lock, which `insert` holds anyway.
    next_seq: u64,
    /// Live nodes in each chunk of slots (`slab::CHUNK`): empty chunks at the end are given
    /// back (`trim`).
    chunk_live: Vec<u32>,
    /// The highest generation a freed slot has had.
    max_generation: u32,
    /// The generation of a slot pushed at the end: above every generation of the slots `trim`
    /// dropped, so no id of a freed node can name a node in a slot made again.
    fresh_generation: u32,
    /// How many chunks `trim` keeps. It grows to the slab's size when chunks given back are
    /// needed again: a training loop that builds a large graph every step keeps its slots.
    reserve_chunks: usize,
    /// The slab's chunk count before the last trim.
    trimmed_from: usize,
}

/// Which numbering last reached a slot, and the number its node got there.
#[derive(Clone, Copy, Default)]
struct Mark {
    stamp: u32,
    number: u32,
}

/// Chunks of slots kept after a large graph is freed (~21 MB): small graphs never give
/// theirs back, so a steady state of them allocates nothing.
const RESERVE_CHUNKS: usize = 4;

static ARENA: Mutex<Arena> = Mutex::new(Arena {
    slots: Slab::new(),
    free: Vec::new(),
    marks: Vec::new(),
    stamp: 0,
    next_seq: 0,
    chunk_live: Vec::new(),
    max_generation: 0,
    fresh_generation: 0,
    reserve_chunks: RESERVE_CHUNKS,
    trimmed_from: 0,
});

pub fn lock() -> MutexGuard<'static, Arena> {
    ARENA.lock()
}

/// The arena lock if no other thread holds it (for callers that must not block, such as a
/// garbage collector's traversal).
pub fn try_lock() -> Option<MutexGuard<'static, Arena>> {
    ARENA.try_lock()
}

impl Arena {
    /// Adds `node` with one reference (returned as the `NodeRef`) and takes a reference to
    /// every node its edges point at.
    pub fn insert(&mut self, mut node: Node) -> NodeRef {
        node.seq = self.next_seq;
        self.next_seq += 1;
        for input in &node.inputs {
            if let Some(edge) = input.edge() {
                self.slot_mut(edge.node).refs += 1;
            }
        }
        let id = match self.free.pop() {
            Some(index) => {
                let slot = &mut self.slots[index as usize];
                slot.refs = 1;
                slot.node = Some(node);
                NodeId {
                    index,
                    generation: slot.generation,
                }
            }
            None => {
                let index = u32::try_from(self.slots.len()).expect("fewer than 2^32 live nodes");
                if (index as usize).is_multiple_of(CHUNK) {
                    self.start_chunk(index as usize / CHUNK);
                }
                let generation = self.fresh_generation;
                self.slots.push(Slot {
                    generation,
                    refs: 1,
                    node: Some(node),
                });
                NodeId { index, generation }
            }
        };
        self.chunk_live[id.index as usize / CHUNK] += 1;
        NodeRef(id)
    }

    /// Counts a new chunk; growing back into chunks a trim gave back makes the reserve cover
    /// them from now on.
    #[cold]
    fn start_chunk(&mut self, chunk: usize) {
        self.chunk_live.push(0);
        if chunk < self.trimmed_from {
            self.reserve_chunks = self.reserve_chunks.max(chunk + 1);
        }
    }

    /// Gives back the empty chunks at the end of the slab beyond the reserve: after a large
    /// graph is freed, its slots' memory goes back to the allocator (the caller drops the
    /// returned chunks after the lock). Ids in the free list that pointed into them go too.
    fn trim(&mut self) -> Vec<Vec<Slot>> {
        let mut keep = self.slots.chunk_count();
        while keep > self.reserve_chunks && self.chunk_live[keep - 1] == 0 {
            keep -= 1;
        }
        if keep == self.slots.chunk_count() {
            return Vec::new();
        }
        self.trimmed_from = self.slots.chunk_count();
        let cut = self.slots.truncate_chunks(keep);
        self.chunk_live.truncate(keep);
        let len = self.slots.len();
        self.free.retain(|&index| (index as usize) < len);
        self.free.shrink_to(2 * self.free.len());
        self.marks.truncate(len);
        self.marks.shrink_to_fit();
        self.fresh_generation = self.max_generation.wrapping_add(1);
        cut
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

    /// How many references the node has (tensors whose `grad_fn` it is, edges, handles).
    pub fn refs(&self, id: NodeId) -> u32 {
        let slot = &self.slots[id.index as usize];
        debug_assert_eq!(slot.generation, id.generation, "stale node id");
        slot.refs
    }

    /// A new reference to a node already referenced by the caller.
    pub fn new_ref(&mut self, id: NodeId) -> NodeRef {
        self.slot_mut(id).refs += 1;
        NodeRef(id)
    }

    /// Drops one reference; frees every node that becomes unreferenced. What the freed nodes
    /// owned (saved tensors, gradients, hooks) is returned to be dropped outside the lock.
    ///
    /// `work` holds the references still to drop. At most `GARBAGE_BATCH` nodes are queued and
    /// `FREE_BATCH` freed per call (what is left stays in `work`, its references not yet
    /// dropped), so freeing a long chain never holds more than a batch of freed nodes at once
    /// next to the slab, nor the lock for long.
    ///
    /// Once every reference is dropped, empty chunks at the end of the slab are given back
    /// (`trim`): they are returned, to be dropped after the lock.
    fn release(
        &mut self,
        work: &mut SmallVec<[NodeId; 8]>,
        garbage: &mut Garbage,
    ) -> Vec<Vec<Slot>> {
        let mut freed = 0;
        while let Some(id) = work.pop() {
            let slot = self.slot_mut(id);
            slot.refs -= 1;
            if slot.refs > 0 {
                continue;
            }
            slot.generation = slot.generation.wrapping_add(1);
            let generation = slot.generation;
            let node = slot.node.as_ref().expect("live node");
            work.extend(
                node.inputs
                    .iter()
                    .filter_map(|input| input.edge().map(|e| e.node)),
            );
            if node.owns_only_plain_data() {
                // Dropped in place: nothing in it can reach the arena, and the node is not
                // copied out of its (cold) slot. The common case after a backward pass.
                slot.node = None;
            } else {
                garbage.push(slot.node.take().expect("live node"));
            }
            self.free.push(id.index);
            self.chunk_live[id.index as usize / CHUNK] -= 1;
            self.max_generation = self.max_generation.max(generation);
            freed += 1;
            if garbage.len() >= GARBAGE_BATCH || freed >= FREE_BATCH {
                return Vec::new();
            }
        }
        if freed > 0
            && self.slots.chunk_count() > self.reserve_chunks
            && self.chunk_live.last() == Some(&0)
        {
            return self.trim();
        }
        Vec::new()
    }

    /// Number of slots, live or free (for tests and diagnostics).
    pub fn slots(&self) -> usize {
        self.slots.len()
    }

    /// Number of live nodes (for tests and diagnostics).
    pub fn live_nodes(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// Starts numbering nodes for a backward pass: a dense number per node, kept in the slots,
    /// so a pass indexes its state by number instead of hashing node ids. The numbers are only
    /// meaningful while the returned value (and so the arena lock) is held.
    pub fn numbering(&mut self) -> Numbering<'_> {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            // Wrapped around: no mark may look current by accident.
            self.marks.fill(Mark::default());
            self.stamp = 1;
        }
        self.marks.resize(self.slots.len(), Mark::default());
        Numbering { arena: self }
    }
}

/// Dense numbers for the nodes of one backward pass (see `Arena::numbering`).
pub struct Numbering<'a> {
    arena: &'a mut Arena,
}

impl Numbering<'_> {
    pub fn get(&self, id: NodeId) -> &Node {
        self.arena.get(id)
    }

    /// The most nodes a pass can number: every live one.
    pub fn live_nodes(&self) -> usize {
        self.arena.live_nodes()
    }

    /// The number `id` already has, or `next` given to it now (then `true`).
    pub fn number(&mut self, id: NodeId, next: u32) -> (u32, bool) {
        let stamp = self.arena.stamp;
        let mark = &mut self.arena.marks[id.index as usize];
        if mark.stamp == stamp {
            return (mark.number, false);
        }
        *mark = Mark {
            stamp,
            number: next,
        };
        (next, true)
    }

    /// The number of `id`, if it was numbered.
    pub fn lookup(&self, id: NodeId) -> Option<u32> {
        let mark = self.arena.marks.get(id.index as usize)?;
        (mark.stamp == self.arena.stamp).then_some(mark.number)
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

/// The most nodes one `release` call queues to be dropped after the lock is released.
const GARBAGE_BATCH: usize = 256;
/// The most nodes one `release` call frees in all, so that freeing a long chain lets other
/// threads take the lock now and then.
const FREE_BATCH: usize = 4096;

impl Drop for NodeRef {
    fn drop(&mut self) {
        let mut work: SmallVec<[NodeId; 8]> = SmallVec::new();
        work.push(self.0);
        while !work.is_empty() {
            let mut garbage = Garbage::new();
            let trimmed = lock().release(&mut work, &mut garbage);
            drop_outside_lock(garbage);
            if !trimmed.is_empty() {
                give_back(trimmed);
            }
        }
    }
}

/// Drops chunks of slots `trim` cut off, and asks the C allocator to return free memory to the
/// system: chunks of a few megabytes can come from its heap, which it keeps otherwise.
#[cold]
fn give_back(chunks: Vec<Vec<Slot>>) {
    drop(chunks);
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory of the C allocator to the system.
    unsafe {
        libc::malloc_trim(0);
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

/// Number of slots the arena keeps, live or free (memory diagnostics).
pub fn slots() -> usize {
    lock().slots()
}

/// Panics while holding the arena's lock (the binding's test of its panic boundary).
pub fn panic_holding_lock(message: &str) -> ! {
    let _arena = lock();
    panic!("{message}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long graph is mostly nodes: every byte here is a megabyte per million operations.
    #[test]
    fn node_stays_small() {
        let (node, slot) = (std::mem::size_of::<Node>(), std::mem::size_of::<Slot>());
        println!(
            "size_of::<Node>() = {node}, size_of::<Slot>() = {slot}, size_of::<Op>() = {}",
            std::mem::size_of::<Op>()
        );
        assert!(
            std::mem::size_of::<Op>() <= 16,
            "Op grew to {} bytes",
            std::mem::size_of::<Op>()
        );
        assert!(
            std::mem::size_of::<NodeKind>() <= 16,
            "NodeKind grew to {} bytes",
            std::mem::size_of::<NodeKind>()
        );
        assert!(node <= 152, "Node grew to {node} bytes");
        assert!(
            slot <= node + 8,
            "Slot adds {} bytes to a node",
            slot - node
        );
    }
}
