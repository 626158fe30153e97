//! Scaled dot-product attention as one op: `softmax(q·kᵀ·scale + mask)·v`, with an optional
//! causal rule and grouped key/value heads. The forward is one fused kernel
//! (`kernels::attention`), which also keeps each score row's log-sum-exp; so is the backward
//! in a first-order pass, recomputing the weights from it. Under `create_graph` (grad mode on
//! while the rule runs) the rule is written with differentiable ops instead, so it is recorded
//! and differentiates again; the tangent rule is written the same way.

use smallvec::smallvec;

use crate::array::{DType, NdArray};
use crate::autograd::calc::Calc;
use crate::autograd::is_grad_enabled;
use crate::autograd::op_rule::{single_grad, Grads, OpRule, RuleInputs, TangentInputs};
use crate::autograd::rules::Op;
use crate::autograd::saved::Saved;
use crate::error::{Error, Result};
use crate::kernels::attention::{self as kernel, AttentionSpec};
use crate::ops::recurrent::unpack;
use crate::tensor::{record, Tensor};

/// The attention node's non-tensor facts.
#[derive(Clone, Debug)]
pub struct AttentionOf {
    pub spec: AttentionSpec,
    /// Query heads per key/value head.
    pub groups: usize,
}

fn shape_error(q: &Tensor, k: &Tensor, v: &Tensor) -> Error {
    Error::Shape(format!(
        "scaled_dot_product_attention: query {:?}, key {:?} and value {:?} do not fit: key \
         needs the query's last dimension and as many rows as value, and all three the same \
         batch dimensions (key and value may have fewer heads, a divisor of the query's)",
        q.shape().as_slice(),
        k.shape().as_slice(),
        v.shape().as_slice()
    ))
}

/// Checks the operands and returns how many query heads share a key/value head.
fn check(q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>) -> Result<usize> {
    let dtype = q.dtype();
    if !matches!(dtype, DType::Float32 | DType::Float64) {
        return Err(Error::DType(format!(
            "scaled_dot_product_attention: expected float32 or float64 operands, got {dtype}"
        )));
    }
    for t in [k, v].into_iter().chain(mask) {
        if t.dtype() != dtype {
            return Err(Error::DType(format!(
                "scaled_dot_product_attention: expected all operands to have dtype {dtype}, got {}",
                t.dtype()
            )));
        }
    }
    let (qs, ks, vs) = (q.shape(), k.shape(), v.shape());
    let nd = qs.len();
    if nd < 2 || ks.len() != nd || vs.len() != nd {
        return Err(shape_error(q, k, v));
    }
    let groups = match nd {
        2 => 1,
        _ if ks[nd - 3] == 0 => 0,
        _ => qs[nd - 3] / ks[nd - 3],
    };
    let batch_fits = nd == 2
        || (qs[..nd - 3] == ks[..nd - 3]
            && groups > 0
            && qs[nd - 3] == groups * ks[nd - 3]
            && ks[..nd - 2] == vs[..nd - 2]);
    if !batch_fits || ks[nd - 1] != qs[nd - 1] || ks[nd - 2] != vs[nd - 2] {
        return Err(shape_error(q, k, v));
    }
    Ok(groups.max(1))
}

/// `(…, L, width)` for a query of shape `(…, L, E)`.
fn rows_of(q: &[usize], width: Option<usize>) -> Vec<usize> {
    let mut shape = q[..q.len() - 1].to_vec();
    shape.extend(width);
    shape
}

impl Tensor {
    /// `softmax(self·keyᵀ·scale + mask)·value` over the last two dimensions: `self` `(…, L, E)`,
    /// `key` `(…, S, E)`, `value` `(…, S, Ev)` -> `(…, L, Ev)`. `mask` is added to the scores
    /// (`-inf` hides a key) and broadcasts to `(…, L, S)`; `causal` hides key `j` from query
    /// `i` when `j > i`. Key and value may have fewer heads (dimension -3) than the query,
    /// each shared by a group of consecutive query heads. A query that sees no key gets zeros.
    /// The mask gets no gradient.
    pub fn scaled_dot_product_attention(
        &self,
        key: &Tensor,
        value: &Tensor,
        mask: Option<&Tensor>,
        causal: bool,
        scale: f64,
    ) -> Result<Tensor> {
        let groups = check(self, key, value, mask)?;
        let spec = AttentionSpec { causal, scale };
        let mask_data = mask.map(Tensor::data);
        let packed = kernel::attention(
            &self.data(),
            &key.data(),
            &value.data(),
            mask_data.as_ref(),
            spec,
        )?;
        let qs = self.shape();
        let out_shape = rows_of(&qs, value.shape().last().copied());
        let lse_shape = rows_of(&qs, None);
        let mut parts = unpack(packed, &[&out_shape, &lse_shape])?.into_iter();
        let (Some(out), Some(lse)) = (parts.next(), parts.next()) else {
            return Err(Error::Autograd(
                "internal error: attention's outputs".into(),
            ));
        };
        let op = Op::rule(AttentionOf { spec, groups });
        record(op, &[self, key, value], out, |out| {
            smallvec![
                Saved::input(self),
                Saved::input(key),
                Saved::input(value),
                Saved::output(out),
                Saved::input(&Tensor::from_array(lse)),
                mask.map_or(Saved::Absent, |m| Saved::input(&m.detach())),
            ]
        })
    }
}

/// `(…, H/G, S, E)` -> `(…, H, S, E)`: each key/value head repeated for its group.
fn expand_heads(t: &Tensor, groups: usize) -> Result<Tensor> {
    if groups == 1 {
        return Ok(t.clone());
    }
    let shape: Vec<isize> = t.shape().iter().map(|&s| s as isize).collect();
    let nd = shape.len();
    let mut grouped = shape[..nd - 2].to_vec();
    grouped.extend([groups as isize, shape[nd - 2], shape[nd - 1]]);
    let mut merged = shape.clone();
    merged[nd - 3] *= groups as isize;
    t.unsqueeze(nd as isize - 2)?
        .expand(&grouped)?
        .reshape(&merged)
}

/// The adjoint of `expand_heads`: `(…, H, S, E)` -> `(…, H/G, S, E)`, summing each group.
fn sum_heads(t: &Tensor, groups: usize) -> Result<Tensor> {
    if groups == 1 {
        return Ok(t.clone());
    }
    let shape: Vec<isize> = t.shape().iter().map(|&s| s as isize).collect();
    let nd = shape.len();
    let mut grouped = shape[..nd - 3].to_vec();
    grouped.extend([
        shape[nd - 3] / groups as isize,
        groups as isize,
        shape[nd - 2],
        shape[nd - 1],
    ]);
    t.reshape(&grouped)?.sum_dims(&[-3], false)
}

/// `(L, S)`: 0 where key `j` is visible to query `i` (`j <= i`), `-inf` elsewhere.
fn causal_mask(l: usize, s: usize, like: &Tensor) -> Result<Tensor> {
    let values = (0..l)
        .flat_map(|i| (0..s).map(move |j| if j <= i { 0.0 } else { f64::NEG_INFINITY }))
        .collect::<Vec<f64>>();
    let mask = NdArray::from_vec(values, &[l, s])?.to_device(like.device())?;
    Tensor::from_array(mask).to_dtype(like.dtype())
}

/// The saved tensors the composed rules read.
struct AttentionSaved<'a> {
    pub q: &'a Tensor,
    pub k: &'a Tensor,
    pub v: &'a Tensor,
    pub lse: &'a Tensor,
    pub mask: Option<&'a Tensor>,
}

impl AttentionSaved<'_> {
    /// The attention weights `(…, L, S)` as differentiable ops (rows that see no key: zeros).
    fn weights(&self, a: &AttentionOf) -> Result<Tensor> {
        let (q, k) = (self.q, self.k);
        let kt = expand_heads(k, a.groups)?.transpose(-2, -1)?;
        let mut scores = q.matmul(&kt)?.mul(&q.constant(a.spec.scale)?)?;
        if let Some(m) = self.mask {
            scores = scores.add(m)?;
        }
        if a.spec.causal {
            let (l, s) = (q.shape()[q.ndim() - 2], k.shape()[k.ndim() - 2]);
            scores = scores.add(&causal_mask(l, s, q)?)?;
        }
        let lse = self.lse;
        let alive = lse.gt(&lse.constant(f64::NEG_INFINITY)?)?.unsqueeze(-1)?;
        let zero = scores.constant(0.0)?;
        scores
            .where_(&alive, &zero)?
            .softmax(-1)?
            .where_(&alive, &zero)
    }
}

/// The gradients of (query, key, value) given the output's gradient `g`.
fn attention_backward(
    a: &AttentionOf,
    x: &AttentionSaved,
    out: &Tensor,
    g: &Tensor,
    needs: [bool; 3],
) -> Result<Grads> {
    let g = if g.dtype() == out.dtype() {
        g.clone()
    } else {
        g.to_dtype(out.dtype())?
    };
    if !is_grad_enabled() {
        let mask = x.mask.map(Tensor::data);
        let packed = kernel::attention_backward(
            &x.q.data(),
            &x.k.data(),
            &x.v.data(),
            mask.as_ref(),
            &out.data(),
            &x.lse.data(),
            &g.data(),
            a.spec,
        )?;
        let shapes = [x.q.shape(), x.k.shape(), x.v.shape()];
        let parts = unpack(packed, &[&shapes[0], &shapes[1], &shapes[2]])?;
        return Ok(parts
            .into_iter()
            .zip(needs)
            .map(|(p, need)| need.then(|| Tensor::from_array(p)))
            .collect());
    }
    // Recorded, for double backward.
    let p = x.weights(a)?;
    let dv = match needs[2] {
        true => Some(sum_heads(&p.transpose(-2, -1)?.matmul(&g)?, a.groups)?),
        false => None,
    };
    if !needs[0] && !needs[1] {
        return Ok(smallvec![None, None, dv]);
    }
    let dp = g.matmul(&expand_heads(x.v, a.groups)?.transpose(-2, -1)?)?;
    let ds = p
        .mul(&dp.sub(&dp.mul(&p)?.sum_dims(&[-1], true)?)?)?
        .mul(&p.constant(a.spec.scale)?)?;
    let dq = match needs[0] {
        true => Some(ds.matmul(&expand_heads(x.k, a.groups)?)?),
        false => None,
    };
    let dk = match needs[1] {
        true => Some(sum_heads(&ds.transpose(-2, -1)?.matmul(x.q)?, a.groups)?),
        false => None,
    };
    Ok(smallvec![dq, dk, dv])
}

/// The output's tangent given the tangents of (query, key, value) (`None`: zero).
fn attention_tangent(
    a: &AttentionOf,
    x: &AttentionSaved,
    out: &Tensor,
    [tq, tk, tv]: [Option<&Tensor>; 3],
) -> Result<Tensor> {
    let p = x.weights(a)?;
    let sum = |acc: Option<Tensor>, term: Tensor| match acc {
        Some(t) => t.add(&term),
        None => Ok(term),
    };
    let mut ds: Option<Tensor> = None;
    if let Some(tq) = tq {
        let kt = expand_heads(x.k, a.groups)?.transpose(-2, -1)?;
        ds = Some(sum(ds, tq.matmul(&kt)?)?);
    }
    if let Some(tk) = tk {
        let tkt = expand_heads(tk, a.groups)?.transpose(-2, -1)?;
        ds = Some(sum(ds, x.q.matmul(&tkt)?)?);
    }
    let mut result: Option<Tensor> = None;
    if let Some(ds) = ds {
        let ds = ds.mul(&p.constant(a.spec.scale)?)?;
        let dp = p.mul(&ds.sub(&ds.mul(&p)?.sum_dims(&[-1], true)?)?)?;
        result = Some(dp.matmul(&expand_heads(x.v, a.groups)?)?);
    }
    if let Some(tv) = tv {
        result = Some(sum(result, p.matmul(&expand_heads(tv, a.groups)?)?)?);
    }
    match result {
        Some(t) => Ok(t),
        None => out.zeros_like(),
    }
}

/// The node saves q, k, v (its inputs), its output, each row's log-sum-exp and the mask (if
/// any), in that order (`scaled_dot_product_attention`'s `record`).
impl OpRule for AttentionOf {
    fn name(&self) -> &'static str {
        "ScaledDotProductFlashAttentionForCpuBackward0"
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        let saved = AttentionSaved {
            q: r.saved(0)?,
            k: r.saved(1)?,
            v: r.saved(2)?,
            lse: r.saved(4)?,
            mask: r.saved_if_any(5),
        };
        let needs = [r.need(0), r.need(1), r.need(2)];
        attention_backward(self, &saved, r.saved(3)?, single_grad(grads)?, needs)
    }

    fn tangent(&self, cx: &TangentInputs) -> Result<Tensor> {
        let saved = AttentionSaved {
            q: cx.x(0),
            k: cx.x(1),
            v: cx.x(2),
            lse: cx.saved(4)?,
            mask: cx.saved(5).ok(),
        };
        attention_tangent(self, &saved, cx.out(), [cx.t(0), cx.t(1), cx.t(2)])
    }
}
