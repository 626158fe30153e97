//! The pointwise step of the LSTM and GRU cells as one op each (the matrix products that make
//! the gates are ordinary `matmul`s before it). The forward is one kernel; so is the backward
//! in a first-order pass, from the activations the forward kept. Under `create_graph` (grad
//! mode on while the rule runs) the rule is written with differentiable ops instead, so it is
//! recorded and differentiates again. The GRU cell has one output and a tangent rule; the LSTM
//! cell has two outputs (`h'`, `c'`), and multi-output nodes have no tangent rule, so the
//! facade composes the step from pointwise ops while a dual level is open.

use smallvec::smallvec;

use crate::array::shape::contiguous_strides;
use crate::array::{Layout, NdArray};
use crate::autograd::arena::NodeKind;
use crate::autograd::forward::refuse_dual_inputs;
use crate::autograd::is_grad_enabled;
use crate::autograd::op_rule::{
    no_multi_output_tangent, single_grad, Grads, OpRule, RuleInputs, TangentInputs,
};
use crate::autograd::rules::Op;
use crate::autograd::saved::Saved;
use crate::error::{require_float, Error, Result};
use crate::kernels::nn as k;
use crate::ops::IndexItem;
use crate::tensor::{needs_recording, record, record_many, Tensor};

/// Checks a cell's operands: `state` is `(B, H)`, each of `gates` is `(B, chunks·H)`, all one
/// floating dtype.
fn check_cell(op: &str, gates: &[&Tensor], chunks: usize, state: &Tensor) -> Result<()> {
    let shape = state.shape();
    let dtype = state.dtype();
    require_float(op, dtype)?;
    if shape.len() != 2 {
        return Err(Error::Shape(format!(
            "{op}: expected a 2-D state (batch, hidden), got shape {:?}",
            shape.as_slice()
        )));
    }
    for g in gates {
        let wanted = [shape[0], chunks * shape[1]];
        if g.shape().as_slice() != wanted {
            return Err(Error::Shape(format!(
                "{op}: expected gates of shape {wanted:?}, got {:?}",
                g.shape().as_slice()
            )));
        }
        if g.dtype() != dtype {
            return Err(Error::DType(format!(
                "{op}: expected all operands to have dtype {dtype}, got {}",
                g.dtype()
            )));
        }
    }
    Ok(())
}

/// The contiguous arrays of the given shapes laid one after the other in `packed` (views).
pub(crate) fn unpack(mut packed: NdArray, shapes: &[&[usize]]) -> Result<Vec<NdArray>> {
    packed.share_elements();
    let mut offset = packed.offset();
    shapes
        .iter()
        .map(|shape| {
            let layout = Layout::new((*shape).into(), contiguous_strides(shape), offset);
            offset += shape.iter().product::<usize>();
            packed.view(layout)
        })
        .collect()
}

/// A cell kernel's flat result for a `(B, H)` state: its `outputs` states as `(B, H)` views,
/// then, where it was asked to keep them, the `kept` elements of activations for the backward
/// pass (one flat view).
fn cell_outputs(
    packed: NdArray,
    (b, h): (usize, usize),
    outputs: usize,
    kept: Option<usize>,
) -> Result<(Vec<NdArray>, Option<NdArray>)> {
    let (state, kept_shape) = ([b, h], [kept.unwrap_or(0)]);
    let mut shapes: Vec<&[usize]> = vec![&state; outputs];
    if kept.is_some() {
        shapes.push(&kept_shape);
    }
    let mut parts = unpack(packed, &shapes)?;
    let kept = kept.and_then(|_| parts.pop());
    Ok((parts, kept))
}

impl Tensor {
    /// The LSTM cell's pointwise step: `self` holds the gates' pre-activations `(B, 4H)` (input,
    /// forget, cell, output), `c` the cell state `(B, H)`. Returns `(h', c')`, with
    /// `c' = σ(f)·c + σ(i)·tanh(g)` and `h' = σ(o)·tanh(c')`.
    pub fn lstm_cell(&self, c: &Tensor) -> Result<(Tensor, Tensor)> {
        check_cell("lstm_cell", &[self], 4, c)?;
        let inputs = [self, c];
        refuse_dual_inputs(&inputs, || LstmCellOf.name().to_string())?;
        let recording = needs_recording(&inputs);
        let packed = k::lstm_cell(&self.data(), &c.data(), recording)?;
        let (b, h) = (c.shape()[0], c.shape()[1]);
        let (states, kept) = cell_outputs(packed, (b, h), 2, recording.then_some(5 * b * h))?;
        let [h1, c1]: [NdArray; 2] = states
            .try_into()
            .map_err(|_| Error::Autograd("internal error: lstm_cell's outputs".into()))?;
        let Some(kept) = kept else {
            return Ok((Tensor::from_array(h1), Tensor::from_array(c1)));
        };
        let node = NodeKind::Op(Op::rule(LstmCellOf));
        let mut outputs = record_many(node, &inputs, vec![h1, c1], |_| {
            smallvec![
                Saved::input(self),
                Saved::input(c),
                Saved::input(&Tensor::from_array(kept)),
            ]
        })?
        .into_iter();
        match (outputs.next(), outputs.next()) {
            (Some(h1), Some(c1)) => Ok((h1, c1)),
            _ => Err(Error::Autograd(
                "internal error: lstm_cell's outputs".into(),
            )),
        }
    }

    /// The GRU cell's pointwise step, PyTorch's formula: `self` is the input's projection
    /// `(B, 3H)` (reset, update, new; with `b_ih`), `gh` the state's (with `b_hh`), `h` the
    /// state `(B, H)`. `r = σ(x_r + h_r)`, `z = σ(x_z + h_z)`, `n = tanh(x_n + r·h_n)`,
    /// `h' = n + z·(h - n)`.
    pub fn gru_cell(&self, gh: &Tensor, h: &Tensor) -> Result<Tensor> {
        check_cell("gru_cell", &[self, gh], 3, h)?;
        let inputs = [self, gh, h];
        let recording = needs_recording(&inputs);
        let packed = k::gru_cell(&self.data(), &gh.data(), &h.data(), recording)?;
        let (b, w) = (h.shape()[0], h.shape()[1]);
        let (states, kept) = cell_outputs(packed, (b, w), 1, recording.then_some(3 * b * w))?;
        let Some(out) = states.into_iter().next() else {
            return Err(Error::Autograd("internal error: gru_cell's output".into()));
        };
        record(Op::rule(GruCellOf), &inputs, out, |_| {
            smallvec![
                Saved::input(self),
                Saved::input(gh),
                Saved::input(h),
                kept.map_or(Saved::Absent, |a| Saved::input(&Tensor::from_array(a))),
            ]
        })
    }
}

/// The LSTM cell's node: inputs gates, c; saved gates, c and the activations the kernel kept;
/// two outputs h', c'.
#[derive(Debug)]
struct LstmCellOf;

impl OpRule for LstmCellOf {
    fn name(&self) -> &'static str {
        "ThnnFusedLstmCellBackward0"
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        let grads = [grads.first(), grads.get(1)].map(|g| g.and_then(Option::as_ref));
        lstm_cell_backward(r, grads)
    }

    fn tangent(&self, _: &TangentInputs) -> Result<Tensor> {
        // Two outputs: `lstm_cell` refuses dual inputs before a tangent is asked for.
        Err(no_multi_output_tangent())
    }
}

/// The GRU cell's node: inputs gx, gh, h; saved gx, gh, h and the activations the kernel kept.
#[derive(Debug)]
struct GruCellOf;

impl OpRule for GruCellOf {
    fn name(&self) -> &'static str {
        "ThnnFusedGruCellBackward0"
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        gru_cell_backward(r, single_grad(grads)?)
    }

    fn tangent(&self, cx: &TangentInputs) -> Result<Tensor> {
        let tangents = [cx.t(0), cx.t(1), cx.t(2)];
        gru_cell_tangent(cx.x(0), cx.x(1), cx.x(2), tangents)
    }
}

/// Columns `[k·w, (k+1)·w)` of a 2-D tensor (a differentiable view).
fn chunk(t: &Tensor, k: usize, w: usize) -> Result<Tensor> {
    let all = IndexItem::Slice {
        start: None,
        stop: None,
        step: 1,
    };
    let cols = IndexItem::Slice {
        start: Some((k * w) as i64),
        stop: Some(((k + 1) * w) as i64),
        step: 1,
    };
    t.index(&[all, cols])
}

/// `s·(1 - s)`, the logistic function's derivative from its value.
fn logistic_slope(s: &Tensor) -> Result<Tensor> {
    s.mul(&one_minus(s)?)
}

fn one_minus(t: &Tensor) -> Result<Tensor> {
    use crate::autograd::calc::Calc;
    t.constant(1.0)?.sub(t)
}

/// `1 - t²`, `tanh`'s derivative from its value.
fn tanh_slope(t: &Tensor) -> Result<Tensor> {
    one_minus(&t.mul(t)?)
}

pub(super) fn zeros_like(t: &Tensor) -> Result<Tensor> {
    use crate::autograd::calc::Calc;
    Calc::zeros_like(t)
}

/// The gradients of the LSTM cell's inputs (gates, c) given those of its outputs (`None`:
/// that output got no gradient): one kernel on the kept activations, or, while grad mode is on
/// (`create_graph`), differentiable ops on the saved inputs.
fn lstm_cell_backward(r: &RuleInputs, grads: [Option<&Tensor>; 2]) -> Result<Grads> {
    let (gates, c) = (r.saved(0)?, r.saved(1)?);
    let [gh, gc] = match grads {
        [Some(a), Some(b)] => [a.clone(), b.clone()],
        [Some(a), None] => [a.clone(), zeros_like(c)?],
        [None, Some(b)] => [zeros_like(c)?, b.clone()],
        [None, None] => return Ok(smallvec![None, None]),
    };
    if !is_grad_enabled() {
        let (b, h) = (c.shape()[0], c.shape()[1]);
        let kept = r.saved(2)?;
        let packed = k::lstm_cell_backward(&kept.data(), &c.data(), &gh.data(), &gc.data())?;
        let parts = unpack(packed, &[&[b, 4 * h], &[b, h]])?;
        return Ok(parts
            .into_iter()
            .map(|a| Some(Tensor::from_array(a)))
            .collect());
    }
    let (grad_gates, grad_c) = lstm_cell_grads(gates, c, &gh, &gc)?;
    Ok(smallvec![Some(grad_gates), Some(grad_c)])
}

/// The gradients of an LSTM cell's gates and cell state `c` given those of its outputs, `gh`
/// and `gc`, as differentiable ops (recorded while grad mode is on: for double backward).
pub(super) fn lstm_cell_grads(
    gates: &Tensor,
    c: &Tensor,
    gh: &Tensor,
    gc: &Tensor,
) -> Result<(Tensor, Tensor)> {
    let h = c.shape()[1];
    let i = chunk(gates, 0, h)?.sigmoid()?;
    let f = chunk(gates, 1, h)?.sigmoid()?;
    let z = chunk(gates, 2, h)?.tanh()?;
    let o = chunk(gates, 3, h)?.sigmoid()?;
    let t = f.mul(c)?.add(&i.mul(&z)?)?.tanh()?;
    let d1 = gc.add(&gh.mul(&o)?.mul(&tanh_slope(&t)?)?)?;
    let grad_gates = Tensor::cat(
        &[
            d1.mul(&z)?.mul(&logistic_slope(&i)?)?,
            d1.mul(c)?.mul(&logistic_slope(&f)?)?,
            d1.mul(&i)?.mul(&tanh_slope(&z)?)?,
            gh.mul(&t)?.mul(&logistic_slope(&o)?)?,
        ],
        1,
    )?;
    Ok((grad_gates, d1.mul(&f)?))
}

/// The gradients of the GRU cell's inputs (gx, gh, h) given the output's gradient `g`: one
/// kernel on the kept activations, or, while grad mode is on (`create_graph`), differentiable
/// ops on the saved inputs.
fn gru_cell_backward(r: &RuleInputs, g: &Tensor) -> Result<Grads> {
    let (gx, gh, h) = (r.saved(0)?, r.saved(1)?, r.saved(2)?);
    if !is_grad_enabled() {
        let (b, w) = (h.shape()[0], h.shape()[1]);
        let kept = r.saved(3)?;
        let packed = k::gru_cell_backward(&kept.data(), &gh.data(), &h.data(), &g.data())?;
        let parts = unpack(packed, &[&[b, 3 * w], &[b, 3 * w], &[b, w]])?;
        return Ok(parts
            .into_iter()
            .map(|a| Some(Tensor::from_array(a)))
            .collect());
    }
    let w = h.shape()[1];
    let (r, z, n, hn) = gru_gates(gx, gh, w)?;
    let dn = g.mul(&one_minus(&z)?)?.mul(&tanh_slope(&n)?)?;
    let dr = dn.mul(&hn)?.mul(&logistic_slope(&r)?)?;
    let dz = g.mul(&h.sub(&n)?)?.mul(&logistic_slope(&z)?)?;
    Ok(smallvec![
        Some(Tensor::cat(&[dr.clone(), dz.clone(), dn.clone()], 1)?),
        Some(Tensor::cat(&[dr, dz, dn.mul(&r)?], 1)?),
        Some(g.mul(&z)?)
    ])
}

/// `(r, z, n, h_n)` of a GRU step, as differentiable ops.
fn gru_gates(gx: &Tensor, gh: &Tensor, w: usize) -> Result<(Tensor, Tensor, Tensor, Tensor)> {
    let r = chunk(gx, 0, w)?.add(&chunk(gh, 0, w)?)?.sigmoid()?;
    let z = chunk(gx, 1, w)?.add(&chunk(gh, 1, w)?)?.sigmoid()?;
    let hn = chunk(gh, 2, w)?;
    let n = chunk(gx, 2, w)?.add(&r.mul(&hn)?)?.tanh()?;
    Ok((r, z, n, hn))
}

/// The tangent of the GRU cell's output given its inputs' tangents (`None`: zero).
fn gru_cell_tangent(
    gx: &Tensor,
    gh: &Tensor,
    h: &Tensor,
    tangents: [Option<&Tensor>; 3],
) -> Result<Tensor> {
    let w = h.shape()[1];
    let (r, z, n, hn) = gru_gates(gx, gh, w)?;
    let [tx, ty, th] = tangents;
    // The tangent of the pre-activation in chunk `k`: the sum of the present tangents' chunks.
    let pre = |k: usize, scale_gh: Option<&Tensor>| -> Result<Option<Tensor>> {
        let x = tx.map(|t| chunk(t, k, w)).transpose()?;
        let y = ty
            .map(|t| {
                let part = chunk(t, k, w)?;
                match scale_gh {
                    Some(s) => s.mul(&part),
                    None => Ok(part),
                }
            })
            .transpose()?;
        match (x, y) {
            (Some(a), Some(b)) => a.add(&b).map(Some),
            (a, b) => Ok(a.or(b)),
        }
    };
    let dr = pre(0, None)?
        .map(|t| t.mul(&logistic_slope(&r)?))
        .transpose()?;
    let dz = pre(1, None)?
        .map(|t| t.mul(&logistic_slope(&z)?))
        .transpose()?;
    let mut dn_pre = pre(2, Some(&r))?;
    if let Some(dr) = &dr {
        let term = dr.mul(&hn)?;
        dn_pre = Some(match dn_pre {
            Some(d) => d.add(&term)?,
            None => term,
        });
    }
    let mut out = match dn_pre {
        Some(d) => Some(d.mul(&tanh_slope(&n)?)?.mul(&one_minus(&z)?)?),
        None => None,
    };
    let mut add = |term: Tensor| -> Result<()> {
        out = Some(match out.take() {
            Some(o) => o.add(&term)?,
            None => term,
        });
        Ok(())
    };
    if let Some(dz) = dz {
        add(dz.mul(&h.sub(&n)?)?)?;
    }
    if let Some(th) = th {
        add(th.mul(&z)?)?;
    }
    match out {
        Some(o) => Ok(o),
        None => zeros_like(h),
    }
}
