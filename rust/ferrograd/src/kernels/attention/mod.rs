//! Fused scaled dot-product attention kernels (`softmax(q·kᵀ·scale + mask)·v` and its adjoint),
//! one call each for forward and backward. The CPU implementation is in `cpu`; a device backend
//! gets the call as `Kernel::Attention` and, lacking it, runs it on the host.

mod cpu;
mod dropout;

pub use dropout::AttentionDropout;

use super::{dispatch, Kernel};
use crate::array::{DType, NdArray};
use crate::error::{Error, Result};

/// What an attention call computes besides its operands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AttentionSpec {
    /// Query `i` sees keys `0..=i` only.
    pub causal: bool,
    /// The factor the scores `q·kᵀ` are multiplied by.
    pub scale: f64,
    /// Dropout on the weights (`softmax(…)`), its mask regenerated rather than stored.
    pub dropout: Option<AttentionDropout>,
}

/// The operands: `q` `(..., L, E)`, `k` `(..., S, E)`, `v` `(..., S, Ev)` (float32/float64,
/// equal batch dimensions but for the head dimension (-3), where `k` and `v` may have a
/// divisor of `q`'s heads), and an optional additive `mask` broadcastable to `(..., L, S)`.
fn operands<'a>(
    q: &'a NdArray,
    k: &'a NdArray,
    v: &'a NdArray,
    mask: Option<&'a NdArray>,
) -> Vec<&'a NdArray> {
    let mut inputs = vec![q, k, v];
    inputs.extend(mask);
    inputs
}

/// The forward pass: `[out (…, L, Ev) | log-sum-exp of each score row (…, L)]` as one flat
/// array (a row nothing is visible to gets zeros and a log-sum-exp of `-inf`).
pub fn attention(
    q: &NdArray,
    k: &NdArray,
    v: &NdArray,
    mask: Option<&NdArray>,
    spec: AttentionSpec,
) -> Result<NdArray> {
    let kernel = Kernel::Attention {
        spec,
        backward: false,
    };
    dispatch(kernel, &operands(q, k, v, mask), |x| {
        cpu::forward([x[0], x[1], x[2]], x.get(3).copied(), spec)
    })
}

/// The backward pass, given the forward's output `out`, its log-sum-exp `lse` and the output's
/// gradient `grad`: `[dq | dk | dv]` as one flat array.
#[allow(clippy::too_many_arguments)]
pub fn attention_backward(
    q: &NdArray,
    k: &NdArray,
    v: &NdArray,
    mask: Option<&NdArray>,
    out: &NdArray,
    lse: &NdArray,
    grad: &NdArray,
    spec: AttentionSpec,
) -> Result<NdArray> {
    let kernel = Kernel::Attention {
        spec,
        backward: true,
    };
    let mut inputs = vec![out, lse, grad, q, k, v];
    inputs.extend(mask);
    dispatch(kernel, &inputs, |x| {
        let saved = cpu::Saved {
            out: x[0],
            lse: x[1],
            grad: x[2],
        };
        cpu::backward([x[3], x[4], x[5]], x.get(6).copied(), saved, spec)
    })
}

/// The dropout factors of `dropout` for weights of shape `(…, L, S)` in `dtype`: `1 / (1 - p)`
/// where a weight is kept, 0 where dropped (the mask the fused kernels draw, held whole).
pub fn dropout_factors(
    dropout: &AttentionDropout,
    shape: &[usize],
    dtype: DType,
) -> Result<NdArray> {
    let nd = shape.len();
    if nd < 2 || !(dropout.p > 0.0 && dropout.p < 1.0) {
        return Err(Error::Shape(format!(
            "attention dropout: needs a shape (..., L, S) and 0 < p < 1, got {shape:?} and {}",
            dropout.p
        )));
    }
    let (l, s) = (shape[nd - 2], shape[nd - 1]);
    let heads = shape[..nd - 2].iter().product();
    let kept = dropout.keep_scale();
    let factors = dropout
        .mask(heads, l, s)
        .into_iter()
        .map(|k| if k { kept } else { 0.0 });
    super::cast(
        &NdArray::from_vec(factors.collect::<Vec<f64>>(), shape)?,
        dtype,
    )
}
