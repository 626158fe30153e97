//! The Python object remembered for an engine tensor, so that the binding answers with that
//! object again instead of a new wrapper: a leaf's `AccumulateGrad.variable is leaf` and
//! `w.grad is w.grad`, as in PyTorch (tools such as torchviz map `id(fn.variable)` to names).
//!
//! Only the tensors those answers can return are remembered (leaves when they are made to
//! require grad, gradients when `.grad` hands them out or is assigned), never every op's
//! output. Entries hold weak references, so remembering keeps nothing alive; dead entries are
//! dropped when the table has doubled since the last sweep.

use std::collections::HashMap;
use std::sync::Mutex;

use ferrograd::Tensor;
use pyo3::prelude::*;
use pyo3::types::{PyWeakrefMethods, PyWeakrefReference};

use crate::tensor::PyTensor;
use crate::tensor_type::NewTensor;

struct Table {
    /// `Tensor::id` (the engine tensor's address) -> a weak reference to its Python object.
    objects: HashMap<usize, Py<PyWeakrefReference>>,
    sweep_at: usize,
}

const FIRST_SWEEP: usize = 1024;

static TABLE: Mutex<Option<Table>> = Mutex::new(None);

fn table() -> std::sync::MutexGuard<'static, Option<Table>> {
    TABLE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Remembers `object` (a Python tensor) as the object of its engine tensor. A class without
/// weak reference support is not remembered.
pub fn remember(object: &Bound<'_, PyTensor>) {
    let Ok(weak) = PyWeakrefReference::new(object.as_any()) else {
        return;
    };
    let key = object.get().inner.id();
    let replaced;
    {
        let mut guard = table();
        let table = guard.get_or_insert_with(|| Table {
            objects: HashMap::new(),
            sweep_at: FIRST_SWEEP,
        });
        replaced = table.objects.insert(key, weak.unbind());
        if table.objects.len() >= table.sweep_at {
            let py = object.py();
            table
                .objects
                .retain(|_, weak| weak.bind(py).upgrade().is_some());
            table.sweep_at = (2 * table.objects.len()).max(FIRST_SWEEP);
        }
    }
    drop(replaced);
}

/// The Python object remembered for `tensor` while it is alive; otherwise a new wrapper, which
/// is remembered in turn.
pub fn object_for(py: Python<'_>, tensor: Tensor) -> PyResult<Bound<'_, PyAny>> {
    let weak = table()
        .as_ref()
        .and_then(|t| t.objects.get(&tensor.id()).map(|w| w.clone_ref(py)));
    // upgraded with the table unlocked: dropping the strong reference may free an object
    if let Some(object) = weak.and_then(|w| w.bind(py).upgrade()) {
        // a live object keeps its engine tensor (and so the address) alive: this holds
        if let Ok(wrapper) = object.downcast::<PyTensor>() {
            if wrapper.get().inner.same(&tensor) {
                return Ok(object);
            }
        }
    }
    let object = NewTensor(tensor).into_pyobject(py)?;
    if let Ok(wrapper) = object.downcast::<PyTensor>() {
        remember(wrapper);
    }
    Ok(object)
}

/// A new leaf's Python object, remembered when it requires grad (so that its `AccumulateGrad`
/// node's `variable` is this object).
pub fn new_leaf(tensor: Tensor) -> PyResult<Py<PyAny>> {
    Python::with_gil(|py| {
        let requires_grad = tensor.requires_grad();
        let object = NewTensor(tensor).into_pyobject(py)?;
        if let (true, Ok(wrapper)) = (requires_grad, object.downcast::<PyTensor>()) {
            remember(wrapper);
        }
        Ok(object.unbind())
    })
}
