//! User Python callables run by the engine: tensor and node hooks, custom Function backwards
//! and the anomaly-mode trace provider. Each takes the GIL for the call; a Python exception
//! travels through the engine and is re-raised as itself.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ferrograd::autograd::custom::CustomBackward;
use ferrograd::autograd::hooks::{
    GradHook, HookInfo, HostObject, PostAccumulateHook, PostHook, PreHook,
};
use ferrograd::Tensor;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::PyList;
use pyo3::PyTraverseError;

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

/// A Python callable behind a hook: the engine keeps it as the hook's host object
/// (`HookInfo::host`), where `TensorImpl.__traverse__` finds it for Python's cycle collector.
pub struct PyCallable(pub Py<PyAny>);

/// How many `PyCallable`s exist: while none does, a traversal has nothing to look for.
static LIVE: AtomicUsize = AtomicUsize::new(0);

impl PyCallable {
    fn new(callable: Py<PyAny>) -> Arc<PyCallable> {
        LIVE.fetch_add(1, Ordering::Relaxed);
        Arc::new(PyCallable(callable))
    }

    /// `__traverse__` of an object whose engine handle may own hooks: `owned` calls its
    /// argument with the host object of each hook the handle alone keeps alive, and the
    /// callables behind them are reported. While no hook holds a callable this costs one
    /// atomic read.
    pub fn traverse(
        visit: PyVisit<'_>,
        owned: impl FnOnce(
            &mut dyn FnMut(&HostObject) -> Result<(), PyTraverseError>,
        ) -> Result<(), PyTraverseError>,
    ) -> Result<(), PyTraverseError> {
        if LIVE.load(Ordering::Relaxed) == 0 {
            return Ok(());
        }
        owned(&mut |host| match host.downcast_ref::<PyCallable>() {
            Some(callable) => visit.call(&callable.0),
            None => Ok(()),
        })
    }
}

impl Drop for PyCallable {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The hook's name for errors (its `__name__`, as PyTorch names it) and its host object.
fn hook_info(py: Python<'_>, callable: &Arc<PyCallable>) -> HookInfo {
    let name = callable
        .0
        .getattr(py, "__name__")
        .and_then(|n| n.extract::<String>(py))
        .ok();
    let host: HostObject = callable.clone();
    HookInfo {
        name,
        host: Some(host),
    }
}

/// `callable(grad) -> grad or None`.
pub fn grad_hook(py: Python<'_>, callable: Py<PyAny>) -> (GradHook, HookInfo) {
    let callable = PyCallable::new(callable);
    let info = hook_info(py, &callable);
    let hook: GradHook = Arc::new(move |grad: &Tensor| {
        Python::with_gil(|py| {
            let out = callable.0.call1(py, (NewTensor(grad.clone()),))?;
            let out = out.bind(py);
            if out.is_none() {
                Ok(None)
            } else {
                PyTensor::from_any(out).map(Some)
            }
        })
        .map_err(from_py)
    });
    (hook, info)
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
pub fn pre_hook(py: Python<'_>, callable: Py<PyAny>) -> (PreHook, HookInfo) {
    let callable = PyCallable::new(callable);
    let info = hook_info(py, &callable);
    let hook: PreHook = Arc::new(move |grads: &[Option<Tensor>]| {
        Python::with_gil(|py| {
            replacement(callable.0.call1(py, (to_py_list(py, grads)?,))?.bind(py))
        })
        .map_err(from_py)
    });
    (hook, info)
}

/// `callable(grad_inputs, grad_outputs) -> list or None`.
pub fn post_hook(py: Python<'_>, callable: Py<PyAny>) -> (PostHook, HookInfo) {
    let callable = PyCallable::new(callable);
    let info = hook_info(py, &callable);
    let hook: PostHook = Arc::new(
        move |inputs: &[Option<Tensor>], outputs: &[Option<Tensor>]| {
            Python::with_gil(|py| {
                let lists = (to_py_list(py, inputs)?, to_py_list(py, outputs)?);
                replacement(callable.0.call1(py, lists)?.bind(py))
            })
            .map_err(from_py)
        },
    );
    (hook, info)
}

/// `callable()`, after a leaf's gradient was accumulated.
pub fn post_accumulate_hook(py: Python<'_>, callable: Py<PyAny>) -> (PostAccumulateHook, HookInfo) {
    let callable = PyCallable::new(callable);
    let info = hook_info(py, &callable);
    let hook: PostAccumulateHook =
        Arc::new(move || Python::with_gil(|py| callable.0.call0(py).map(|_| ())).map_err(from_py));
    (hook, info)
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

/// `torch.autograd.graph.saved_tensors_hooks`: `pack(tensor) -> object` when a value is saved,
/// `unpack(object) -> tensor` when backward reads it.
pub struct PySavedTensorHooks {
    pub pack: Py<PyAny>,
    pub unpack: Py<PyAny>,
}

/// What `pack` returned, with the `unpack` to call on it.
struct PyPacked {
    object: Py<PyAny>,
    unpack: Py<PyAny>,
}

impl ferrograd::autograd::SavedTensorHooks for PySavedTensorHooks {
    fn pack(
        &self,
        tensor: &Tensor,
    ) -> ferrograd::Result<Arc<dyn ferrograd::autograd::PackedTensor>> {
        Python::with_gil(|py| {
            let object = self.pack.call1(py, (NewTensor(tensor.clone()),))?;
            let packed: Arc<dyn ferrograd::autograd::PackedTensor> = Arc::new(PyPacked {
                object,
                unpack: self.unpack.clone_ref(py),
            });
            Ok(packed)
        })
        .map_err(from_py)
    }
}

impl ferrograd::autograd::PackedTensor for PyPacked {
    fn unpack(&self) -> ferrograd::Result<Tensor> {
        Python::with_gil(|py| {
            let out = self.unpack.call1(py, (self.object.clone_ref(py),))?;
            PyTensor::from_any(out.bind(py)).map_err(|_| {
                pyo3::exceptions::PyTypeError::new_err(format!(
                    "Output of saved tensor unpack_hook expected to be a Tensor but got result of type {}",
                    out.bind(py).get_type().name().map(|n| n.to_string()).unwrap_or_default()
                ))
            })
        })
        .map_err(from_py)
    }
}
