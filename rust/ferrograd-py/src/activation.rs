//! The fused activations (`_core.gelu`, `_core.silu`, `_core.softplus`): one engine node each,
//! with the GIL released for large operands.

use ferrograd_py_macros::catch_panics;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::tensor::try_run as run;
use crate::tensor::PyTensor;
use crate::tensor_type::NewTensor;

#[catch_panics]
#[pyfunction]
#[pyo3(signature = (input, approximate="none"))]
fn gelu(py: Python<'_>, input: PyRef<'_, PyTensor>, approximate: &str) -> PyResult<NewTensor> {
    let tanh = match approximate {
        "none" => false,
        "tanh" => true,
        other => {
            return Err(PyValueError::new_err(format!(
                "approximate argument must be either none or tanh, got '{other}'"
            )))
        }
    };
    let t = &input.inner;
    run(py, t.numel(), || t.gelu(tanh)).map(NewTensor)
}

#[catch_panics]
#[pyfunction]
fn silu(py: Python<'_>, input: PyRef<'_, PyTensor>) -> PyResult<NewTensor> {
    let t = &input.inner;
    run(py, t.numel(), || t.silu()).map(NewTensor)
}

#[catch_panics]
#[pyfunction]
#[pyo3(signature = (input, beta=1.0, threshold=20.0))]
fn softplus(
    py: Python<'_>,
    input: PyRef<'_, PyTensor>,
    beta: f64,
    threshold: f64,
) -> PyResult<NewTensor> {
    let t = &input.inner;
    run(py, t.numel(), || t.softplus(beta, threshold)).map(NewTensor)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(gelu, m)?)?;
    m.add_function(wrap_pyfunction!(silu, m)?)?;
    m.add_function(wrap_pyfunction!(softplus, m)?)?;
    Ok(())
}
