//! Module functions for the scans along a dimension (`_core.cumsum(t, dim)`, ...): each is one
//! call into the engine's `ops::scan`, with the GIL released for large operands.

use ferrograd_py_macros::catch_panics;
use pyo3::prelude::*;

use crate::tensor::try_run as run;
use crate::tensor::PyTensor;
use crate::tensor_type::NewTensor;

#[catch_panics]
#[pyfunction]
fn cumsum(py: Python<'_>, input: PyRef<'_, PyTensor>, dim: isize) -> PyResult<NewTensor> {
    let t = &input.inner;
    run(py, t.numel(), || t.cumsum(dim)).map(NewTensor)
}

#[catch_panics]
#[pyfunction]
fn cumprod(py: Python<'_>, input: PyRef<'_, PyTensor>, dim: isize) -> PyResult<NewTensor> {
    let t = &input.inner;
    run(py, t.numel(), || t.cumprod(dim)).map(NewTensor)
}

#[catch_panics]
#[pyfunction]
fn logcumsumexp(py: Python<'_>, input: PyRef<'_, PyTensor>, dim: isize) -> PyResult<NewTensor> {
    let t = &input.inner;
    run(py, t.numel(), || t.logcumsumexp(dim)).map(NewTensor)
}

/// `(values, indices)` of the running maximum (`max`) or minimum along `dim`.
#[catch_panics]
#[pyfunction]
fn cum_extreme(
    py: Python<'_>,
    input: PyRef<'_, PyTensor>,
    dim: isize,
    max: bool,
) -> PyResult<(NewTensor, NewTensor)> {
    let t = &input.inner;
    let (values, indices) = run(py, t.numel(), || {
        if max {
            t.cummax(dim)
        } else {
            t.cummin(dim)
        }
    })?;
    Ok((NewTensor(values), NewTensor(indices)))
}

/// Adds this file's functions to `_core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(cumsum, m)?)?;
    m.add_function(wrap_pyfunction!(cumprod, m)?)?;
    m.add_function(wrap_pyfunction!(logcumsumexp, m)?)?;
    m.add_function(wrap_pyfunction!(cum_extreme, m)?)?;
    Ok(())
}
