//! The fused activations (`_core.gelu`, `_core.silu`, `_core.softplus`, `_core.activation`):
//! one engine node each, with the GIL released for large operands.

use ferrograd::Tensor;
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

/// An activation PyTorch records as one node, by its functional name, with its parameters in
/// PyTorch's order (`elu`: alpha; `celu`: alpha; `leaky_relu`: negative_slope; `hardtanh`:
/// min_val, max_val; `softshrink`/`hardshrink`: lambd; `threshold`: threshold, value).
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (name, input, *params))]
fn activation(
    py: Python<'_>,
    name: &str,
    input: PyRef<'_, PyTensor>,
    params: Vec<f64>,
) -> PyResult<NewTensor> {
    let t = &input.inner;
    let f: fn(&Tensor, &[f64]) -> ferrograd::Result<Tensor> = match (name, params.len()) {
        ("elu", 1) => |t, p| t.elu(p[0]),
        ("selu", 0) => |t, _| t.selu(),
        ("celu", 1) => |t, p| t.celu(p[0]),
        ("leaky_relu", 1) => |t, p| t.leaky_relu(p[0]),
        ("hardtanh", 2) => |t, p| t.hardtanh(p[0], p[1]),
        ("relu6", 0) => |t, _| t.relu6(),
        ("hardswish", 0) => |t, _| t.hardswish(),
        ("hardsigmoid", 0) => |t, _| t.hardsigmoid(),
        ("mish", 0) => |t, _| t.mish(),
        ("logsigmoid", 0) => |t, _| t.log_sigmoid(),
        ("softshrink", 1) => |t, p| t.softshrink(p[0]),
        ("hardshrink", 1) => |t, p| t.hardshrink(p[0]),
        ("threshold", 2) => |t, p| t.threshold(p[0], p[1]),
        _ => {
            return Err(PyValueError::new_err(format!(
                "no fused activation '{name}' taking {} parameters",
                params.len()
            )))
        }
    };
    run(py, t.numel(), || f(t, &params)).map(NewTensor)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(activation, m)?)?;
    m.add_function(wrap_pyfunction!(gelu, m)?)?;
    m.add_function(wrap_pyfunction!(silu, m)?)?;
    m.add_function(wrap_pyfunction!(softplus, m)?)?;
    Ok(())
}
