//! Module functions for autograd features beyond backward: custom Functions, grad modes
//! (inference, anomaly) and hook registration on tensors and nodes.

use std::sync::Arc;

use ferrograd::autograd::custom::{apply_custom, SaveSpec};
use ferrograd::autograd::{anomaly, mode};
use ferrograd::Tensor;
use ferrograd_py_macros::catch_panics;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::PyTraverseError;

use crate::callbacks::{self, PyCallable, PyFunctionBackward};
use crate::errors::IntoPyResult;
use crate::node::PyNode;
use crate::tensor::PyTensor;
use crate::tensor_type::NewTensor;

/// Records a custom Function: `outputs` are its forward's results; `saved` holds tensors or
/// (ints) indices of outputs to keep for `backward(saved, grad_outputs)`.
#[catch_panics]
#[pyfunction]
pub fn apply_function(
    name: String,
    backward: Py<PyAny>,
    inputs: Vec<PyRef<'_, PyTensor>>,
    outputs: Vec<PyRef<'_, PyTensor>>,
    saved: Vec<Bound<'_, PyAny>>,
    non_differentiable: Vec<bool>,
) -> PyResult<Vec<NewTensor>> {
    let inputs: Vec<Tensor> = inputs.iter().map(|t| t.inner.clone()).collect();
    let input_refs: Vec<&Tensor> = inputs.iter().collect();
    let outputs = outputs.iter().map(|t| t.inner.data()).collect();
    let save = saved
        .iter()
        .map(|s| match s.extract::<usize>() {
            Ok(i) => Ok(SaveSpec::Output(i)),
            Err(_) => PyTensor::from_any(s).map(SaveSpec::Tensor),
        })
        .collect::<PyResult<Vec<_>>>()?;
    let node = Arc::new(PyFunctionBackward {
        name,
        callable: backward,
    });
    let recorded = apply_custom(node, &input_refs, outputs, save, &non_differentiable).py()?;
    Ok(recorded.into_iter().map(NewTensor).collect())
}

#[catch_panics]
#[pyfunction]
pub fn set_inference_mode(enabled: bool) -> bool {
    mode::set_inference_mode(enabled)
}

#[catch_panics]
#[pyfunction]
pub fn is_inference_mode_enabled() -> bool {
    mode::is_inference_mode_enabled()
}

#[catch_panics]
#[pyfunction]
pub fn set_anomaly_enabled(enabled: bool) -> bool {
    mode::set_anomaly_enabled(enabled)
}

#[catch_panics]
#[pyfunction]
pub fn is_anomaly_enabled() -> bool {
    mode::is_anomaly_enabled()
}

/// Sets whether anomaly mode checks backward's gradients for NaN; returns the previous setting.
#[catch_panics]
#[pyfunction]
pub fn set_anomaly_check_nan(check_nan: bool) -> bool {
    mode::set_anomaly_check_nan(check_nan)
}

#[catch_panics]
#[pyfunction]
pub fn is_anomaly_check_nan_enabled() -> bool {
    mode::is_anomaly_check_nan_enabled()
}

/// Installs the function that formats the Python stack for nodes made in anomaly mode.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (provider=None))]
pub fn set_trace_provider(provider: Option<Py<PyAny>>) {
    anomaly::set_trace_provider(provider.map(callbacks::trace_provider));
}

#[catch_panics]
#[pymethods]
impl PyTensor {
    /// Registers `hook(grad) -> grad or None`; returns `(node, hook id)` for removal.
    #[pyo3(name = "_register_hook")]
    fn register_hook(&self, py: Python<'_>, hook: Py<PyAny>) -> PyResult<(PyNode, u64)> {
        let (hook, info) = callbacks::grad_hook(py, hook);
        let handle = self.inner.register_hook_with(hook, info).py()?;
        Ok((PyNode::new(handle.node().clone()), handle.id()))
    }

    #[pyo3(name = "_register_post_accumulate_grad_hook")]
    fn register_post_accumulate_grad_hook(
        &self,
        py: Python<'_>,
        hook: Py<PyAny>,
    ) -> PyResult<(PyNode, u64)> {
        let (hook, info) = callbacks::post_accumulate_hook(py, hook);
        let handle = self
            .inner
            .register_post_accumulate_grad_hook_with(hook, info)
            .py()?;
        Ok((PyNode::new(handle.node().clone()), handle.id()))
    }

    /// Python's cycle collector: the hook callables this tensor alone keeps alive, through
    /// the node it alone references (`Tensor::visit_owned_hook_objects`). A hook that closes
    /// over its own tensor is then a cycle the collector can see, and free.
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        PyCallable::traverse(visit, |each| self.inner.visit_owned_hook_objects(each))
    }

    /// Breaks a cycle found by the collector: drops the hook callables `__traverse__` reported.
    fn __clear__(&self) {
        self.inner.clear_owned_hooks();
    }

    /// Makes this tensor the output `result` of a recorded in-place operation.
    #[pyo3(name = "_rebase_onto")]
    fn rebase_onto(&self, result: PyRef<'_, PyTensor>) {
        self.inner.rebase_onto(result.inner.clone());
    }

    #[pyo3(name = "_is_inference")]
    fn is_inference(&self) -> bool {
        self.inner.is_inference()
    }
}

#[catch_panics]
#[pymethods]
impl PyNode {
    fn register_hook(&self, py: Python<'_>, hook: Py<PyAny>) -> u64 {
        let (hook, info) = callbacks::post_hook(py, hook);
        self.inner.register_hook_with(hook, info).id()
    }

    fn register_prehook(&self, py: Python<'_>, hook: Py<PyAny>) -> u64 {
        let (hook, info) = callbacks::pre_hook(py, hook);
        self.inner.register_prehook_with(hook, info).id()
    }

    fn remove_hook(&self, id: u64) -> bool {
        self.inner.remove_hook(id)
    }

    /// As `TensorImpl.__traverse__`, for a node this handle alone keeps alive.
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        PyCallable::traverse(visit, |each| self.inner.visit_owned_hook_objects(each))
    }

    fn __clear__(&self) {
        self.inner.clear_owned_hooks();
    }
}

/// Installs saved-tensor hooks on this thread: `pack(tensor)` runs for every value an
/// operation saves for backward, `unpack(packed)` when backward (or `_saved_*`) reads it.
#[catch_panics]
#[pyfunction]
pub fn push_saved_tensor_hooks(pack: Py<PyAny>, unpack: Py<PyAny>) {
    mode::push_saved_tensor_hooks(Arc::new(callbacks::PySavedTensorHooks { pack, unpack }));
}

/// Removes the innermost saved-tensor hooks of this thread; false when there were none.
#[catch_panics]
#[pyfunction]
pub fn pop_saved_tensor_hooks() -> bool {
    mode::pop_saved_tensor_hooks()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(apply_function, m)?)?;
    m.add_function(wrap_pyfunction!(push_saved_tensor_hooks, m)?)?;
    m.add_function(wrap_pyfunction!(pop_saved_tensor_hooks, m)?)?;
    m.add_function(wrap_pyfunction!(set_inference_mode, m)?)?;
    m.add_function(wrap_pyfunction!(is_inference_mode_enabled, m)?)?;
    m.add_function(wrap_pyfunction!(set_anomaly_enabled, m)?)?;
    m.add_function(wrap_pyfunction!(is_anomaly_enabled, m)?)?;
    m.add_function(wrap_pyfunction!(set_anomaly_check_nan, m)?)?;
    m.add_function(wrap_pyfunction!(is_anomaly_check_nan_enabled, m)?)?;
    m.add_function(wrap_pyfunction!(set_trace_provider, m)?)?;
    Ok(())
}
