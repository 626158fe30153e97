//! `_core.Node`: a graph node (`grad_fn`) as a Python object.

use ferrograd::NodeHandle;
use ferrograd_py_macros::catch_panics;
use pyo3::prelude::*;

#[pyclass(name = "Node", module = "ferrograd._core", frozen)]
pub struct PyNode {
    pub inner: NodeHandle,
}

impl PyNode {
    pub fn new(inner: NodeHandle) -> Self {
        PyNode { inner }
    }
}

#[catch_panics]
#[pymethods]
impl PyNode {
    fn name(&self) -> String {
        self.inner.name()
    }

    /// `((node or None, input slot), ...)`, one per input of the operation.
    #[getter]
    fn next_functions(&self) -> Vec<(Option<PyNode>, u32)> {
        self.inner
            .next_functions()
            .into_iter()
            .map(|edge| match edge {
                Some((node, nr)) => (Some(PyNode::new(node)), nr),
                None => (None, 0),
            })
            .collect()
    }

    /// Equal for two handles to the same node.
    fn key(&self) -> (u32, u32) {
        self.inner.id()
    }

    fn saved_shapes(&self) -> Vec<Vec<usize>> {
        self.inner.saved_shapes()
    }

    /// The values saved for the node's backward, one per slot (None where it saved none).
    fn saved_tensors(&self) -> PyResult<Vec<Option<crate::tensor_type::NewTensor>>> {
        use crate::errors::IntoPyResult;

        let saved = self.inner.saved_tensors().py()?;
        Ok(saved
            .into_iter()
            .map(|t| t.map(crate::tensor_type::NewTensor))
            .collect())
    }

    /// The leaf of an `AccumulateGrad` node (None for other nodes): the leaf's own Python object
    /// while it is alive.
    fn variable<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .variable()
            .map(|leaf| crate::tensor_objects::object_for(py, leaf))
            .transpose()
    }

    fn is_released(&self) -> bool {
        self.inner.is_released()
    }
}
