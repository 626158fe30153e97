//! The leaf tensor behind each `AccumulateGrad` node (PyTorch's `AccumulateGrad.variable`), for
//! graph drawings. Weak links in a side table: a node never keeps its leaf alive.

use std::collections::HashMap;
use std::sync::{Arc, Weak};

use parking_lot::Mutex;

use super::arena::{NodeId, NodeRef};
use super::NodeHandle;
use crate::tensor::{Tensor, TensorCell};

struct Table {
    leaves: HashMap<NodeId, Weak<TensorCell>>,
    prune_at: usize,
}

static TABLE: Mutex<Option<Table>> = Mutex::new(None);

/// Remembers that `node` is the `AccumulateGrad` of `leaf` (called with the leaf's metadata
/// locked: only the `Arc` is touched here).
pub(crate) fn register(node: &NodeRef, leaf: &Tensor) {
    let mut table = TABLE.lock();
    let table = table.get_or_insert_with(|| Table {
        leaves: HashMap::new(),
        prune_at: 1024,
    });
    table.leaves.insert(node.id(), Arc::downgrade(&leaf.0));
    if table.leaves.len() >= table.prune_at {
        table.leaves.retain(|_, leaf| leaf.strong_count() > 0);
        table.prune_at = (2 * table.leaves.len()).max(1024);
    }
}

impl NodeHandle {
    /// The leaf whose gradient this `AccumulateGrad` node accumulates (`None` for other nodes,
    /// or once the leaf is gone).
    pub fn variable(&self) -> Option<Tensor> {
        let table = TABLE.lock();
        let cell = table.as_ref()?.leaves.get(&self.0.id())?.upgrade()?;
        drop(table);
        Some(Tensor(cell))
    }
}
