//! User Python callables run by the engine: tensor and node hooks, custom Function backwards
//! and the anomaly-mode trace provider. Each takes the GIL for the call; a Python exception
//! travels through the engine and is re-raised as itself.

use std::sync::Arc;

use ferrograd::autograd::custom::CustomBackward;
use ferrograd::autograd::hooks::{GradHook, PostAccumulateHook, PostHook, PreHook};
use ferrograd::Tensor;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::errors::from_py;
use crate::tensor::PyTensor;
use crate::tensor_type::NewTensor;

fn to_py_list(py: Python<'_>, tensors: &[Option<Tensor>]) -> PyResult<Py<PyList>> {
    let items: Vec<Option<NewTensor>> = tensors.iter().map(|t| t.clone().map(NewTensor)).collect();
    Ok(PyList::new(py, items)?.unbind())
}

fn from_py_list(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Option<Tensor>>> {
    obj.try_iter()?
        .map(|item| {
            let item = item?;
            if item.is_none() {
                Ok(None)
            } else {
                PyTensor::from_any(&item).map(Some)
            }
        })
        .collect()
}

/// `callable(grad) -> grad or None`.
pub fn grad_hook(callable: Py<PyAny>) -> GradHook {
    Arc::new(move |grad: &Tensor| {
        Python::with_gil(|py| {
            let out = callable.call1(py, (NewTensor(grad.clone()),))?;
            let out = out.bind(py);
            if out.is_none() {
                Ok(None)
            } else {
                PyTensor::from_any(out).map(Some)
            }
        })
        .map_err(from_py)
    })
}

/// A hook's answer: `None` keeps the gradients, a list replaces them.
fn replacement(out: &Bound<'_, PyAny>) -> PyResult<Option<Vec<Option<Tensor>>>> {
    if out.is_none() {
        Ok(None)
    } else {
        from_py_list(out).map(Some)
    }
}

/// `callable(grad_outputs) -> list or None`.
pub fn pre_hook(callable: Py<PyAny>) -> PreHook {
    Arc::new(move |grads: &[Option<Tensor>]| {
        Python::with_gil(|py| replacement(callable.call1(py, (to_py_list(py, grads)?,))?.bind(py)))
            .map_err(from_py)
    })
}

/// `callable(grad_inputs, grad_outputs) -> list or None`.
pub fn post_hook(callable: Py<PyAny>) -> PostHook {
    Arc::new(
        move |inputs: &[Option<Tensor>], outputs: &[Option<Tensor>]| {
            Python::with_gil(|py| {
                let lists = (to_py_list(py, inputs)?, to_py_list(py, outputs)?);
                replacement(callable.call1(py, lists)?.bind(py))
            })
            .map_err(from_py)
        },
    )
}

/// `callable()`, after a leaf's gradient was accumulated.
pub fn post_accumulate_hook(callable: Py<PyAny>) -> PostAccumulateHook {
    Arc::new(move || Python::with_gil(|py| callable.call0(py).map(|_| ())).map_err(from_py))
}

/// The backward of a Python `autograd.Function`: `callable(saved, grad_outputs) -> grads`,
/// with `callable.release()` called when backward frees the graph.
pub struct PyFunctionBackward {
    pub name: String,
    pub callable: Py<PyAny>,
}

impl CustomBackward for PyFunctionBackward {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn backward(
        &self,
        saved: &[Option<Tensor>],
        grad_outputs: &[Option<Tensor>],
    ) -> ferrograd::Result<Vec<Option<Tensor>>> {
        Python::with_gil(|py| {
            let out = self
                .callable
                .call1(py, (to_py_list(py, saved)?, to_py_list(py, grad_outputs)?))?;
            from_py_list(out.bind(py))
        })
        .map_err(from_py)
    }

    fn release(&self) {
        Python::with_gil(|py| {
            if let Err(e) = self.callable.call_method0(py, "release") {
                e.write_unraisable(py, None);
            }
        });
    }
}

/// Formats the Python stack for anomaly mode: `callable() -> str`.
pub fn trace_provider(callable: Py<PyAny>) -> Arc<dyn Fn() -> String + Send + Sync> {
    Arc::new(move || {
        Python::with_gil(|py| callable.call0(py).and_then(|s| s.extract::<String>(py)))
            .unwrap_or_else(|e| format!("(the forward trace could not be formatted: {e})"))
    })
}
