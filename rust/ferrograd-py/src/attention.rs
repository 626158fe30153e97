//! `_core.scaled_dot_product_attention`: the engine's fused attention op, one call, and
//! `_core.attention_dropout_factors`, the mask its dropout draws, held whole (for tests).

use ferrograd::__binding::attention_dropout_factors as dropout_factors;
use ferrograd::ops::AttentionDropout;
use ferrograd::Tensor;
use ferrograd_py_macros::catch_panics;
use pyo3::prelude::*;

use crate::tensor::{try_run as run, PyTensor};
use crate::tensor_type::NewTensor;

/// Dropout with probability `p` and mask `(seed, offset)`; none when `p` is 0.
fn dropout_of(p: f64, seed: u64, offset: u32) -> Option<AttentionDropout> {
    (p != 0.0).then_some(AttentionDropout { p, seed, offset })
}

/// `softmax(query·keyᵀ·scale + attn_mask)·value` as one fused op (see
/// `Tensor::scaled_dot_product_attention`); `attn_mask` is additive, in the query's dtype.
/// With `dropout_p` in (0, 1), weights are dropped by the mask `(seed, offset)` picks.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (query, key, value, attn_mask, is_causal, scale, dropout_p = 0.0, seed = 0, offset = 0))]
#[allow(clippy::too_many_arguments)]
fn scaled_dot_product_attention(
    py: Python<'_>,
    query: PyRef<'_, PyTensor>,
    key: PyRef<'_, PyTensor>,
    value: PyRef<'_, PyTensor>,
    attn_mask: Option<PyRef<'_, PyTensor>>,
    is_causal: bool,
    scale: f64,
    dropout_p: f64,
    seed: u64,
    offset: u32,
) -> PyResult<NewTensor> {
    let (q, k, v) = (&query.inner, &key.inner, &value.inner);
    let mask = attn_mask.as_ref().map(|m| &m.inner);
    let size = q.numel().max(k.numel());
    let dropout = dropout_of(dropout_p, seed, offset);
    run(py, size, || {
        q.scaled_dot_product_attention(k, v, mask, (is_causal, scale), dropout)
    })
    .map(NewTensor)
}

/// The factors the fused op's dropout multiplies weights of `shape` `(..., L, S)` by (`1/(1-p)`
/// kept, 0 dropped), in `like`'s dtype and on its device.
#[catch_panics]
#[pyfunction]
fn attention_dropout_factors(
    py: Python<'_>,
    like: PyRef<'_, PyTensor>,
    shape: Vec<usize>,
    dropout_p: f64,
    seed: u64,
    offset: u32,
) -> PyResult<NewTensor> {
    let like = &like.inner;
    let size = shape.iter().product();
    let dropout = AttentionDropout {
        p: dropout_p,
        seed,
        offset,
    };
    run(py, size, || {
        let factors = dropout_factors(&dropout, &shape, like.dtype())?;
        Ok(Tensor::from_array(factors.to_device(like.device())?))
    })
    .map(NewTensor)
}

/// Adds this file's functions to `_core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scaled_dot_product_attention, m)?)?;
    m.add_function(wrap_pyfunction!(attention_dropout_factors, m)?)?;
    Ok(())
}
