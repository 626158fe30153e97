//! `_core.scaled_dot_product_attention`: the engine's fused attention op, one call.

use ferrograd_py_macros::catch_panics;
use pyo3::prelude::*;

use crate::tensor::{try_run as run, PyTensor};
use crate::tensor_type::NewTensor;

/// `softmax(query·keyᵀ·scale + attn_mask)·value` as one fused op (see
/// `Tensor::scaled_dot_product_attention`); `attn_mask` is additive, in the query's dtype.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (query, key, value, attn_mask, is_causal, scale))]
fn scaled_dot_product_attention(
    py: Python<'_>,
    query: PyRef<'_, PyTensor>,
    key: PyRef<'_, PyTensor>,
    value: PyRef<'_, PyTensor>,
    attn_mask: Option<PyRef<'_, PyTensor>>,
    is_causal: bool,
    scale: f64,
) -> PyResult<NewTensor> {
    let (q, k, v) = (&query.inner, &key.inner, &value.inner);
    let mask = attn_mask.as_ref().map(|m| &m.inner);
    let size = q.numel().max(k.numel());
    run(py, size, || {
        q.scaled_dot_product_attention(k, v, mask, is_causal, scale)
    })
    .map(NewTensor)
}

/// Adds this file's functions to `_core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scaled_dot_product_attention, m)?)?;
    Ok(())
}
