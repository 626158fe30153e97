//! Forward-mode AD functions (`_core.enter_dual_level()`, `_core.make_dual(t, tangent)`, ...):
//! each is one call into the engine's `autograd::forward`.

use ferrograd::autograd::forward;
use ferrograd_py_macros::catch_panics;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::errors::IntoPyResult;
use crate::tensor::PyTensor;
use crate::tensor_type::NewTensor;

/// Checks that `level` (when given) is this thread's open level.
fn check_level(level: Option<usize>, what: &str) -> PyResult<()> {
    match (level, forward::current_dual_level()) {
        (None, _) => Ok(()),
        (Some(l), Some(open)) if l == open => Ok(()),
        (Some(l), open) => Err(PyRuntimeError::new_err(format!(
            "{what}: dual level {l} is not the open level ({})",
            open.map_or("none is open".to_string(), |o| o.to_string())
        ))),
    }
}

/// Opens a dual level on this thread; returns its index.
#[catch_panics]
#[pyfunction]
fn enter_dual_level() -> PyResult<usize> {
    forward::enter_dual_level().py()
}

/// Closes the dual level (the open one when `level` is None), dropping its tangents.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (level=None))]
fn exit_dual_level(level: Option<usize>) -> PyResult<()> {
    let level = match level.or_else(forward::current_dual_level) {
        Some(level) => level,
        None => {
            return Err(PyRuntimeError::new_err(
                "exit_dual_level: no dual level is open",
            ))
        }
    };
    forward::exit_dual_level(level).py()
}

/// The open dual level of this thread, or None.
#[catch_panics]
#[pyfunction]
fn current_dual_level() -> Option<usize> {
    forward::current_dual_level()
}

/// A dual tensor: `primal`'s elements and graph with `tangent`.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (primal, tangent, level=None))]
fn make_dual(
    primal: PyRef<'_, PyTensor>,
    tangent: PyRef<'_, PyTensor>,
    level: Option<usize>,
) -> PyResult<NewTensor> {
    check_level(level, "make_dual")?;
    primal.inner.make_dual(&tangent.inner).py().map(NewTensor)
}

/// `(primal, tangent or None)` at the open level.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (tensor, level=None))]
fn unpack_dual(
    tensor: PyRef<'_, PyTensor>,
    level: Option<usize>,
) -> PyResult<(NewTensor, Option<NewTensor>)> {
    check_level(level, "unpack_dual")?;
    let (primal, tangent) = tensor.inner.unpack_dual();
    Ok((NewTensor(primal), tangent.map(NewTensor)))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(enter_dual_level, m)?)?;
    m.add_function(wrap_pyfunction!(exit_dual_level, m)?)?;
    m.add_function(wrap_pyfunction!(current_dual_level, m)?)?;
    m.add_function(wrap_pyfunction!(make_dual, m)?)?;
    m.add_function(wrap_pyfunction!(unpack_dual, m)?)?;
    Ok(())
}
