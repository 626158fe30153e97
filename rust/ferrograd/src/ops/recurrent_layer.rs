//! One direction of an LSTM layer over a whole sequence as one op: one kernel forward, one
//! node, one kernel backward (see `kernels/cpu/recurrent_layer.rs`). The step-by-step form,
//! a product and an `lstm_cell` per step, records two nodes per step and runs twice as many
//! kernel calls; the modules use this op where it applies (host tensors, an LSTM without
//! projections, every sequence of the batch as long).
//!
//! Under `create_graph` (grad mode on while the rule runs) the rule recomputes the steps with
//! differentiable ops from the saved inputs and writes the gradients with them, so they are
//! recorded and differentiate again. Like the cells, the node has several outputs and so no
//! tangent rule: under a forward-mode level the modules run the steps composed.

use smallvec::smallvec;

use super::recurrent::{lstm_cell_grads, unpack, zeros_like};
use crate::autograd::arena::NodeKind;
use crate::autograd::forward::refuse_dual_inputs;
use crate::autograd::is_grad_enabled;
use crate::autograd::op_rule::{no_multi_output_tangent, Grads, OpRule, RuleInputs, TangentInputs};
use crate::autograd::rules::Op;
use crate::autograd::saved::Saved;
use crate::error::{require_float, Error, Result};
use crate::kernels::nn as k;
use crate::ops::IndexItem;
use crate::tensor::{needs_recording, record_many, Tensor};

/// Checks the layer's operands: `projected` `(T, B, 4H)` with `T ≥ 1`, `h0` and `c0` `(B, H)`,
/// `w_hh` `(4H, H)`, all one floating dtype.
fn check_layer(projected: &Tensor, h0: &Tensor, c0: &Tensor, w_hh: &Tensor) -> Result<()> {
    let shape = projected.shape();
    require_float("lstm_layer", projected.dtype())?;
    let &[steps, batch, gates] = shape.as_slice() else {
        return Err(Error::Shape(format!(
            "lstm_layer: expected a 3-D projection (steps, batch, 4*hidden), got shape {:?}",
            shape.as_slice()
        )));
    };
    if steps == 0 || gates % 4 != 0 {
        return Err(Error::Shape(format!(
            "lstm_layer: expected a projection of at least one step and 4*hidden columns, got shape {:?}",
            shape.as_slice()
        )));
    }
    let hidden = gates / 4;
    for (name, operand, wanted) in [
        ("h0", h0, [batch, hidden]),
        ("c0", c0, [batch, hidden]),
        ("w_hh", w_hh, [gates, hidden]),
    ] {
        if operand.shape().as_slice() != wanted {
            return Err(Error::Shape(format!(
                "lstm_layer: expected {name} of shape {wanted:?}, got {:?}",
                operand.shape().as_slice()
            )));
        }
        if operand.dtype() != projected.dtype() {
            return Err(Error::DType(format!(
                "lstm_layer: expected all operands to have dtype {}, got {} for {name}",
                projected.dtype(),
                operand.dtype()
            )));
        }
    }
    Ok(())
}

impl Tensor {
    /// One direction of an LSTM layer over a sequence: `self` is the input's projection
    /// `x W_ihᵀ + b_ih + b_hh` `(T, B, 4H)` (gates in PyTorch's order: input, forget, cell,
    /// output), `h0` and `c0` the initial state `(B, H)`, `w_hh` the hidden weights `(4H, H)`;
    /// with `reverse` the steps run from the last to the first. Each step is
    /// `gates = projected[t] + h W_hhᵀ`, then [`Tensor::lstm_cell`]. Returns the hidden state
    /// of every step `(T, B, H)` (in time order) and the final `h` and `c`.
    pub fn lstm_layer(
        &self,
        h0: &Tensor,
        c0: &Tensor,
        w_hh: &Tensor,
        reverse: bool,
    ) -> Result<(Tensor, Tensor, Tensor)> {
        check_layer(self, h0, c0, w_hh)?;
        let (steps, batch, hidden) = (self.shape()[0], h0.shape()[0], h0.shape()[1]);
        let parts = k::lstm_layer_parts(steps, batch, hidden);
        let rule = LstmLayerOf { reverse, parts };
        let inputs = [self, h0, c0, w_hh];
        refuse_dual_inputs(&inputs, || rule.name().to_string())?;
        let recording = needs_recording(&inputs);
        let data = [self, h0, c0, w_hh].map(Tensor::data);
        let operands = [&data[0], &data[1], &data[2], &data[3]];
        let packed = k::lstm_layer(operands, reverse, recording, parts)?;
        let (out, state, kept) = (
            [steps, batch, hidden],
            [batch, hidden],
            [k::lstm_layer_kept_len(steps, batch, hidden)],
        );
        let mut shapes: Vec<&[usize]> = vec![&out, &state, &state];
        if recording {
            shapes.push(&kept);
        }
        let mut parts = unpack(packed, &shapes)?.into_iter();
        let (Some(out), Some(h), Some(c)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(Error::Autograd(
                "internal error: lstm_layer's outputs".into(),
            ));
        };
        let Some(kept) = parts.next() else {
            return Ok((
                Tensor::from_array(out),
                Tensor::from_array(h),
                Tensor::from_array(c),
            ));
        };
        let node = NodeKind::Op(Op::rule(rule));
        let outputs = record_many(node, &inputs, vec![out, h, c], |outputs| {
            smallvec![
                Saved::input(self),
                Saved::input(h0),
                Saved::input(c0),
                Saved::input(w_hh),
                Saved::output(&outputs[0]),
                Saved::input(&Tensor::from_array(kept)),
            ]
        })?;
        match <[Tensor; 3]>::try_from(outputs) {
            Ok([out, h, c]) => Ok((out, h, c)),
            Err(_) => Err(Error::Autograd(
                "internal error: lstm_layer's outputs".into(),
            )),
        }
    }
}

/// The layer's node: inputs projected, h0, c0, w_hh; saved those, the outputs and the
/// activations the kernel kept; outputs the hidden states, the final h and c.
#[derive(Debug)]
struct LstmLayerOf {
    reverse: bool,
    /// Into how many parts the forward pass cut the batch (the kept activations' layout).
    parts: usize,
}

impl OpRule for LstmLayerOf {
    fn name(&self) -> &'static str {
        // PyTorch's name for its one-node CPU LSTM layer.
        "MkldnnRnnLayerBackward0"
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        let grads = [0, 1, 2].map(|i| grads.get(i).and_then(Option::as_ref));
        if grads.iter().all(Option::is_none) {
            return Ok(smallvec![None, None, None, None]);
        }
        if is_grad_enabled() {
            return self.recorded_backward(r, grads);
        }
        let (h0, c0) = (r.saved(1)?, r.saved(2)?);
        let out = r.saved(4)?;
        let present = |g: Option<&Tensor>, like: &Tensor| match g {
            Some(g) => Ok(g.clone()),
            None => zeros_like(like),
        };
        let [g_out, g_h, g_c] = [
            present(grads[0], out)?,
            present(grads[1], h0)?,
            present(grads[2], c0)?,
        ];
        let forward = [r.saved(5)?, out, h0, c0, r.saved(3)?].map(Tensor::data);
        let adjoint = [g_out, g_h, g_c].map(|g| g.data());
        let operands = [
            &forward[0],
            &forward[1],
            &forward[2],
            &forward[3],
            &forward[4],
            &adjoint[0],
            &adjoint[1],
            &adjoint[2],
        ];
        let packed = k::lstm_layer_backward(operands, self.reverse, self.parts)?;
        let shape = out.shape();
        let (steps, batch, hidden) = (shape[0], shape[1], shape[2]);
        let shapes: [&[usize]; 4] = [
            &[steps, batch, 4 * hidden],
            &[batch, hidden],
            &[batch, hidden],
            &[4 * hidden, hidden],
        ];
        Ok(unpack(packed, &shapes)?
            .into_iter()
            .map(|a| Some(Tensor::from_array(a)))
            .collect())
    }

    fn tangent(&self, _: &TangentInputs) -> Result<Tensor> {
        // Three outputs: `lstm_layer` refuses dual inputs before a tangent is asked for.
        Err(no_multi_output_tangent())
    }
}

impl LstmLayerOf {
    /// The gradients as differentiable ops: the steps recomputed from the saved inputs, then
    /// backpropagation through them a step at a time.
    fn recorded_backward(&self, r: &RuleInputs, grads: [Option<&Tensor>; 3]) -> Result<Grads> {
        let (projected, h0, c0, w_hh) = (r.saved(0)?, r.saved(1)?, r.saved(2)?, r.saved(3)?);
        let steps = projected.shape()[0];
        let order: Vec<usize> = if self.reverse {
            (0..steps).rev().collect()
        } else {
            (0..steps).collect()
        };
        let at = |t: &Tensor, step: usize| t.index(&[IndexItem::Int(step as i64)]);
        let w_t = w_hh.transpose(0, 1)?;
        // Each step's gates and the state it started from.
        let mut inputs = Vec::with_capacity(steps);
        let (mut h, mut c) = (h0.clone(), c0.clone());
        for &t in &order {
            let gates = at(projected, t)?.add(&h.matmul(&w_t)?)?;
            let (h1, c1) = gates.lstm_cell(&c)?;
            inputs.push((gates, h, c));
            (h, c) = (h1, c1);
        }
        let mut d_h_next = grads[1].cloned().map_or_else(|| zeros_like(h0), Ok)?;
        let mut d_c = grads[2].cloned().map_or_else(|| zeros_like(c0), Ok)?;
        let mut d_gates = vec![None; steps];
        let mut d_w: Option<Tensor> = None;
        for (&t, (gates, h_prev, c_prev)) in order.iter().zip(inputs).rev() {
            let d_h = match grads[0] {
                Some(g) => at(g, t)?.add(&d_h_next)?,
                None => d_h_next,
            };
            let (d_g, d_c_prev) = lstm_cell_grads(&gates, &c_prev, &d_h, &d_c)?;
            d_h_next = d_g.matmul(w_hh)?;
            let term = d_g.transpose(0, 1)?.matmul(&h_prev)?;
            d_w = Some(match d_w {
                Some(sum) => sum.add(&term)?,
                None => term,
            });
            d_gates[t] = Some(d_g);
            d_c = d_c_prev;
        }
        let d_gates: Vec<Tensor> = d_gates.into_iter().flatten().collect();
        Ok(smallvec![
            Some(Tensor::stack(&d_gates, 0)?),
            Some(d_h_next),
            Some(d_c),
            d_w
        ])
    }
}
