//! `layer_norm` as one op (`NativeLayerNormBackward0`): one row kernel forward, which also
//! returns each row's mean and `rstd`, and one backward for the input, weight and bias
//! (`kernels::layer_norm_kernels`). Under `create_graph` (grad mode on while the rule runs,
//! with an operand that requires grad) or with tangents, the rule is written with
//! differentiable ops instead, the statistics recomputed from the input so that they
//! differentiate too; so is the tangent rule. Operands the kernel does not take (other
//! dtypes, devices, mixed dtypes) run the composed form.

use smallvec::smallvec;

use crate::array::NdArray;
use crate::autograd::calc::Calc;
use crate::autograd::op_rule::{single_grad, Grads, OpRule, RuleInputs, TangentInputs};
use crate::autograd::rules::Op;
use crate::autograd::saved::Saved;
use crate::error::{Error, Result};
use crate::kernels::layer_norm_kernels as kernel;
use crate::tensor::{record, Tensor};

/// The layer-norm node's non-tensor facts. Its inputs are the input, then the weight and the
/// bias where given.
#[derive(Clone, Debug)]
pub struct LayerNormOf {
    /// How many trailing dimensions are normalized.
    pub dims: usize,
    pub eps: f64,
    pub weight: bool,
    pub bias: bool,
}

impl LayerNormOf {
    /// The normalized axes, counted from the end.
    fn axes(&self) -> Vec<isize> {
        (1..=self.dims as isize).rev().map(|i| -i).collect()
    }

    /// The input index of the bias.
    fn bias_input(&self) -> usize {
        1 + usize::from(self.weight)
    }
}

/// Checks that `x` ends in `normalized_shape` (PyTorch's error otherwise).
pub(crate) fn check_normalized_shape(x: &Tensor, normalized_shape: &[usize]) -> Result<()> {
    let shape = x.shape();
    let k = normalized_shape.len();
    if k == 0 || shape.len() < k || shape[shape.len() - k..] != *normalized_shape {
        return Err(Error::Shape(format!(
            "Given normalized_shape={normalized_shape:?}, expected input with shape [*, {}], but \
             got input of size{:?}",
            normalized_shape
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            shape.as_slice()
        )));
    }
    Ok(())
}

fn check(
    x: &Tensor,
    normalized_shape: &[usize],
    weight: Option<&Tensor>,
    bias: Option<&Tensor>,
) -> Result<()> {
    check_normalized_shape(x, normalized_shape)?;
    for (name, t) in [("weight", weight), ("bias", bias)] {
        if let Some(t) = t {
            if t.shape().as_slice() != normalized_shape {
                return Err(Error::Shape(format!(
                    "Expected {name} to be of same shape as normalized_shape, but got {name} of \
                     shape {:?} and normalized_shape = {normalized_shape:?}",
                    t.shape().as_slice()
                )));
            }
        }
    }
    Ok(())
}

/// `(x - mean) · rstd` over the normalized axes, as differentiable ops; and `rstd`.
fn normalized(x: &Tensor, a: &LayerNormOf) -> Result<(Tensor, Tensor)> {
    let axes = a.axes();
    let centered = x.sub(&x.mean_dims(&axes, true)?)?;
    let variance = centered.square()?.mean_dims(&axes, true)?;
    let rstd = variance.add(&x.constant(a.eps)?)?.rsqrt()?;
    Ok((centered.mul(&rstd)?, rstd))
}

/// `y · w + b`, each where given.
fn affine(y: Tensor, weight: Option<&Tensor>, bias: Option<&Tensor>) -> Result<Tensor> {
    let y = match weight {
        Some(w) => y.mul(w)?,
        None => y,
    };
    match bias {
        Some(b) => y.add(b),
        None => Ok(y),
    }
}

impl Tensor {
    /// Layer normalization over the trailing `normalized_shape` (`F.layer_norm`): each slice
    /// minus its mean, divided by `sqrt(biased variance + eps)`, then times `weight` and plus
    /// `bias` (each of shape `normalized_shape`) where given.
    pub fn layer_norm(
        &self,
        normalized_shape: &[usize],
        weight: Option<&Tensor>,
        bias: Option<&Tensor>,
        eps: f64,
    ) -> Result<Tensor> {
        check(self, normalized_shape, weight, bias)?;
        let a = LayerNormOf {
            dims: normalized_shape.len(),
            eps,
            weight: weight.is_some(),
            bias: bias.is_some(),
        };
        let size: usize = normalized_shape.iter().product();
        let x = self.data();
        let x = match x.device().is_cpu() {
            true => x.contiguous()?,
            false => x,
        };
        let (w, b) = (weight.map(Tensor::data), bias.map(Tensor::data));
        if !kernel::applies(&x, size, w.as_ref(), b.as_ref()) {
            return affine(normalized(self, &a)?.0, weight, bias);
        }
        let n = kernel::forward(&x, size, w.as_ref(), b.as_ref(), eps)?;
        let inputs: Vec<&Tensor> = [Some(self), weight, bias].into_iter().flatten().collect();
        record(Op::rule(a), &inputs, n.out, |_| {
            smallvec![
                Saved::input(self),
                weight.map_or(Saved::Absent, Saved::input),
                Saved::input(&Tensor::from_array(n.mean)),
                Saved::input(&Tensor::from_array(n.rstd)),
            ]
        })
    }
}

/// The saved tensors the rules read.
struct LayerNormSaved<'a> {
    pub x: &'a Tensor,
    pub weight: Option<&'a Tensor>,
    pub mean: &'a Tensor,
    pub rstd: &'a Tensor,
}

impl<'a> LayerNormSaved<'a> {
    /// What `layer_norm`'s `record` saved, in its order.
    fn of(r: &'a RuleInputs) -> Result<LayerNormSaved<'a>> {
        Ok(LayerNormSaved {
            x: r.saved(0)?,
            weight: r.saved_if_any(1),
            mean: r.saved(2)?,
            rstd: r.saved(3)?,
        })
    }
}

impl OpRule for LayerNormOf {
    fn name(&self) -> &'static str {
        "NativeLayerNormBackward0"
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        layer_norm_backward(self, &LayerNormSaved::of(r)?, single_grad(grads)?, r.needs)
    }

    fn tangent(&self, cx: &TangentInputs) -> Result<Tensor> {
        let weight = self.weight.then(|| cx.x(1));
        let tw = if self.weight { cx.t(1) } else { None };
        let tb = if self.bias {
            cx.t(self.bias_input())
        } else {
            None
        };
        layer_norm_tangent(self, cx.x(0), weight, [cx.t(0), tw, tb])
    }
}

/// Whether a rule on these operands must be recorded (or carry tangents), and so be written
/// with differentiable ops.
fn differentiated(operands: &[&Tensor]) -> bool {
    (crate::autograd::is_grad_enabled() && operands.iter().any(|t| t.requires_grad()))
        || crate::autograd::forward::any_dual(operands)
}

/// The gradients of (input, weight, bias), the last two only where given, given the output's
/// gradient `g`; `needs` lists the node's inputs in that order.
fn layer_norm_backward(
    a: &LayerNormOf,
    s: &LayerNormSaved,
    g: &Tensor,
    needs: &[bool],
) -> Result<Grads> {
    let need = |i: usize| needs.get(i).copied().unwrap_or(false);
    let (need_x, need_w, need_b) = (need(0), a.weight && need(1), a.bias && need(a.bias_input()));
    let operands: Vec<&Tensor> = [Some(g), Some(s.x), s.weight]
        .into_iter()
        .flatten()
        .collect();
    let g = if g.dtype() == s.x.dtype() {
        g.clone()
    } else {
        g.to_dtype(s.x.dtype())?
    };
    let mut grads: Grads = smallvec![];
    if !differentiated(&operands) {
        let size: usize = s.x.shape()[s.x.ndim() - a.dims..].iter().product();
        let (x, g) = (s.x.data().contiguous()?, g.data().contiguous()?);
        let w = s.weight.map(Tensor::data);
        let (mean, rstd) = (s.mean.data(), s.rstd.data());
        let operands = kernel::Backward {
            g: &g,
            x: &x,
            mean: &mean,
            rstd: &rstd,
            weight: w.as_ref(),
        };
        let r = kernel::backward(&operands, size, [need_x, need_w, need_b])?;
        let normalized_shape = &s.x.shape()[s.x.ndim() - a.dims..];
        let shaped = |p: Option<NdArray>| -> Result<Option<Tensor>> {
            p.map(|p| p.reshaped(normalized_shape).map(Tensor::from_array))
                .transpose()
        };
        grads.push(r.input.map(Tensor::from_array));
        if a.weight {
            grads.push(shaped(r.weight)?);
        }
        if a.bias {
            grads.push(shaped(r.bias)?);
        }
        return Ok(grads);
    }
    // Recorded, for double backward: the statistics recomputed from `x`.
    let axes = a.axes();
    let (xhat, rstd) = normalized(s.x, a)?;
    grads.push(match need_x {
        true => {
            let gw = match s.weight {
                Some(w) => g.mul(w)?,
                None => g.clone(),
            };
            let mean_gw = gw.mean_dims(&axes, true)?;
            let mean_gw_xhat = gw.mul(&xhat)?.mean_dims(&axes, true)?;
            Some(rstd.mul(&gw.sub(&mean_gw)?.sub(&xhat.mul(&mean_gw_xhat)?)?)?)
        }
        false => None,
    });
    // The engine sums these over the broadcast (leading) axes.
    if a.weight {
        grads.push(need_w.then(|| g.mul(&xhat)).transpose()?);
    }
    if a.bias {
        grads.push(need_b.then(|| g.clone()));
    }
    Ok(grads)
}

/// The output's tangent given the tangents of (input, weight, bias) (`None`: zero):
/// `w · rstd · (tx - mean(tx) - x̂ · mean(x̂ · tx)) + tw · x̂ + tb`.
fn layer_norm_tangent(
    a: &LayerNormOf,
    x: &Tensor,
    weight: Option<&Tensor>,
    [tx, tw, tb]: [Option<&Tensor>; 3],
) -> Result<Tensor> {
    let axes = a.axes();
    let (xhat, rstd) = normalized(x, a)?;
    let mut result = match tx {
        Some(tx) => {
            let mean_tx = tx.mean_dims(&axes, true)?;
            let mean_xhat_tx = xhat.mul(tx)?.mean_dims(&axes, true)?;
            let d = rstd.mul(&tx.sub(&mean_tx)?.sub(&xhat.mul(&mean_xhat_tx)?)?)?;
            match weight {
                Some(w) => d.mul(w)?,
                None => d,
            }
        }
        None => xhat.zeros_like()?,
    };
    if let Some(tw) = tw {
        result = result.add(&tw.mul(&xhat)?)?;
    }
    if let Some(tb) = tb {
        result = result.add(tb)?;
    }
    Ok(result)
}
