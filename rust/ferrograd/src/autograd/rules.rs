//! Every derivative rule, in one table. A rule takes the gradient of the node's output and
//! returns one gradient per input (`None` where no gradient is needed). Rules are written with
//! the same differentiable tensor operations as user code, so under `create_graph` the backward
//! pass is itself recorded and can be differentiated again. Gradients may come back in a
//! broadcast shape or another floating dtype: the engine reduces and casts them to each input.

use std::sync::Arc;

use smallvec::{smallvec, SmallVec};

use super::calc::Calc;
use super::node_input::NodeInput;
use super::op_rule::OpRule;
use crate::array::shape::Dims;
use crate::array::{DType, StridedView};
use crate::error::{Error, Result};
use crate::kernels::nn::Window2d;
use crate::kernels::Transposed;
use crate::op_table::{Binary, Unary};
use crate::tensor::Tensor;

/// A recorded operation and the non-tensor facts its rule needs: the engine's own rules (short
/// ones, written in their arm below) and the op families that register theirs (`Rule`).
#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// A one-input pointwise op of the table (`op_table::Unary`).
    Unary(Unary),
    /// A two-input pointwise op of the table (`op_table::Binary`).
    Binary(Binary),
    /// An op family whose rules live beside its forward (`op_rule`): softmax, gather, the
    /// scans, the recurrent cells, attention, layer norm, the fused activations, ...
    /// `Arc<Box<..>>` is one thin pointer, so `Op` stays 16 bytes.
    Rule(Arc<Box<dyn OpRule>>),
    Clamp(Box<ClampBounds>),
    Where,
    Sum(Box<Reduction>),
    /// `sum` with NaNs counted as 0; saves its input (where the NaNs were).
    NanSum(Box<Reduction>),
    Mean(Box<Reduction>),
    MaxAll,
    MinAll,
    ExtremeDim {
        max: bool,
        axis: usize,
        keepdim: bool,
    },
    Reshape {
        name: ClassName,
    },
    Strided(Box<StridedOf>),
    StridedScatter(Box<StridedView>),
    CopySlices(Box<StridedView>),
    ToCopy,
    /// A move between devices; `from` is the input's device (the gradient goes back there).
    ToDevice {
        from: crate::array::Device,
    },
    Clone,
    Matmul {
        name: ClassName,
    },
    /// `bias + op(a) @ op(b)` (`Tensor::matmul_transposed`); inputs a, b and, if given, bias.
    MatmulTransposed {
        name: ClassName,
        trans: crate::kernels::Transposed,
    },
    // Neural-network operations (ops/nn.rs).
    LogSumExp {
        axis: usize,
        keepdim: bool,
    },
    IndexSelect {
        axis: usize,
    },
    IndexAdd {
        axis: u32,
        size: usize,
    },
    Im2col(Box<Window2d>),
    Col2im(Box<(Window2d, [usize; 2])>),
    // Scans along an axis (ops/scan.rs).
    /// The running sum, from the end when `reverse` (each direction is the other's adjoint).
    Cumsum {
        axis: usize,
        reverse: bool,
    },
}

// The variants with large payloads keep them boxed, so that `Op` (and with it every graph node)
// stays small: they are rare next to the pointwise operations that make up long graphs.

/// A node's class name behind a thin pointer (`&"ViewBackward0"`): a `&'static str` is two
/// words, which would make `Op` 24 bytes instead of 16.
pub type ClassName = &'static &'static str;

#[derive(Clone, Debug)]
pub struct ClampBounds {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl ClampBounds {
    /// Where the gradient of a clamp by numbers passes: strictly between the bounds, as
    /// PyTorch's (not at a bound, nor at NaN).
    pub(crate) fn strictly_inside(&self, a: &Tensor) -> Result<Tensor> {
        let above = self.min.map(|lo| a.gt(&a.constant(lo)?)).transpose()?;
        let below = self.max.map(|hi| a.lt(&a.constant(hi)?)).transpose()?;
        match (above, below) {
            (Some(above), Some(below)) => above.logical_and(&below),
            (Some(one), None) | (None, Some(one)) => Ok(one),
            (None, None) => a.eq(a), // no bounds: everywhere but NaN
        }
    }
}

/// A sum or mean over `axes`; `count` is the number of elements averaged (1 for a sum).
#[derive(Clone, Debug)]
pub struct Reduction {
    pub axes: Dims,
    pub keepdim: bool,
    pub count: usize,
    pub all: bool,
}

#[derive(Clone, Debug)]
pub struct StridedOf {
    pub name: &'static str,
    pub view: StridedView,
    pub input_shape: Dims,
}

impl Op {
    /// An op family's node (its rules are `rule`'s `OpRule` methods).
    pub(crate) fn rule(rule: impl OpRule) -> Op {
        Op::Rule(Arc::new(Box::new(rule)))
    }

    /// PyTorch's name for this node's class.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Unary(f) => f.node_name(),
            Op::Binary(f) => f.node_name(),
            Op::Rule(rule) => rule.name(),
            Op::Clamp(_) => "ClampBackward1",
            Op::Where => "WhereBackward0",
            Op::Sum(r) if r.all => "SumBackward0",
            Op::Sum(_) => "SumBackward1",
            Op::NanSum(_) => "NansumBackward0",
            Op::Mean(r) if r.all => "MeanBackward0",
            Op::Mean(_) => "MeanBackward1",
            Op::MaxAll => "MaxBackward1",
            Op::MinAll => "MinBackward1",
            Op::ExtremeDim { max: true, .. } => "MaxBackward0",
            Op::ExtremeDim { max: false, .. } => "MinBackward0",
            Op::Reshape { name } | Op::Matmul { name } | Op::MatmulTransposed { name, .. } => name,
            Op::Strided(s) => s.name,
            Op::StridedScatter(_) => "AsStridedScatterBackward0",
            Op::CopySlices(_) => "CopySlices",
            Op::ToCopy | Op::ToDevice { .. } => "ToCopyBackward0",
            Op::Clone => "CloneBackward0",
            Op::LogSumExp { .. } => "LogsumexpBackward0",
            Op::IndexSelect { .. } => "IndexSelectBackward0",
            Op::IndexAdd { .. } => "IndexAddBackward0",
            Op::Im2col(_) => "Im2ColBackward0",
            Op::Col2im(_) => "Col2ImBackward0",
            Op::Cumsum { .. } => "CumsumBackward0",
        }
    }
}

/// What a rule sees besides the incoming gradient.
pub struct RuleInputs<'a> {
    /// The saved values, in the order the forward saved them (`None`: not saved).
    pub saved: &'a [Option<Tensor>],
    pub inputs: &'a [NodeInput],
    /// Which inputs need a gradient in this backward pass.
    pub needs: &'a [bool],
}

impl RuleInputs<'_> {
    /// Saved value `i`, which the rule needs.
    pub(crate) fn saved(&self, i: usize) -> Result<&Tensor> {
        self.saved_if_any(i).ok_or_else(|| {
            Error::Autograd(
                "internal error: a value the derivative rule needs was not saved".into(),
            )
        })
    }

    /// Saved value `i`, where the forward saved one (an optional operand).
    pub(crate) fn saved_if_any(&self, i: usize) -> Option<&Tensor> {
        self.saved.get(i).and_then(Option::as_ref)
    }

    /// Whether input `i` needs a gradient.
    pub(crate) fn need(&self, i: usize) -> bool {
        self.needs.get(i).copied().unwrap_or(false)
    }

    /// The gradients of a one-input op: `f()` where the input needs one.
    pub(crate) fn one_input(&self, f: impl FnOnce() -> Result<Tensor>) -> Result<Grads> {
        Ok(smallvec![when(self.need(0), f)?])
    }

    fn shape(&self, i: usize) -> Vec<isize> {
        self.inputs[i].shape().iter().map(|&s| s as isize).collect()
    }
}

/// One gradient per input (`None`: the input needs none, or it is zero).
pub(crate) type Grads = SmallVec<[Option<Tensor>; 2]>;

/// `g` masked by a boolean tensor, in `g`'s dtype (backward and tangent rules both use it).
pub(crate) fn masked(g: &Tensor, mask: &Tensor) -> Result<Tensor> {
    g.mul(&mask.to_dtype(g.dtype())?)
}

/// Computes `f` only for inputs that need it.
pub(crate) fn when(need: bool, f: impl FnOnce() -> Result<Tensor>) -> Result<Option<Tensor>> {
    if need {
        f().map(Some)
    } else {
        Ok(None)
    }
}

/// The gradients of `op`'s inputs, given the gradients of its outputs (one per output; `None`:
/// that output got none).
pub(crate) fn backward(op: &Op, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
    if let Op::Rule(rule) = op {
        return rule.backward(grads, r);
    }
    match grads.first() {
        Some(Some(g)) => engine_rule(op, g, r),
        _ => Ok(smallvec![None; r.inputs.len()]),
    }
}

/// The engine's own rules (every `Op` but `Rule`), given the gradient `g` of the one output.
fn engine_rule(op: &Op, g: &Tensor, r: &RuleInputs) -> Result<Grads> {
    let need = |i: usize| r.needs.get(i).copied().unwrap_or(false);
    let one_input =
        |f: &dyn Fn() -> Result<Tensor>| -> Result<Grads> { Ok(smallvec![when(need(0), f)?]) };
    Ok(match op {
        Op::Unary(f) => one_input(&|| f.derivative(g, r.saved.first().and_then(Option::as_ref)))?,
        Op::Binary(f) => {
            let saved = [0, 1].map(|i| r.saved.get(i).and_then(Option::as_ref));
            let differentiable = f.differentiable();
            let grad = |i: usize| when(need(i) && differentiable[i], || f.derivative(i, g, saved));
            smallvec![grad(0)?, grad(1)?]
        }
        Op::Clamp(bounds) => one_input(&|| masked(g, &bounds.strictly_inside(r.saved(0)?)?))?,
        Op::Where => {
            let cond = r.saved(0)?;
            let zero = g.constant(0.0)?;
            smallvec![
                when(need(0), || g.where_(cond, &zero))?,
                when(need(1), || zero.where_(cond, g))?
            ]
        }
        Op::Sum(s) => one_input(&|| expand_reduced(g, &s.axes, s.keepdim, &r.shape(0)))?,
        Op::NanSum(s) => one_input(&|| {
            let x = r.saved(0)?;
            masked(
                &expand_reduced(g, &s.axes, s.keepdim, &r.shape(0))?,
                &x.eq(x)?,
            )
        })?,
        Op::Mean(m) => one_input(&|| {
            expand_reduced(
                &g.div(&g.constant(m.count as f64)?)?,
                &m.axes,
                m.keepdim,
                &r.shape(0),
            )
        })?,
        Op::MaxAll | Op::MinAll => one_input(&|| {
            let mask = extremum_mask(r.saved(0)?, r.saved(1)?)?.to_dtype(g.dtype())?;
            g.mul(&mask)?.div(&mask.sum()?)
        })?,
        Op::ExtremeDim { axis, keepdim, .. } => one_input(&|| {
            let indices = r.saved(0)?;
            let (g, indices) = if *keepdim {
                (g.clone(), indices.clone())
            } else {
                (
                    g.unsqueeze(*axis as isize)?,
                    indices.unsqueeze(*axis as isize)?,
                )
            };
            let input_shape = r.inputs[0].shape();
            let size = input_shape[*axis];
            let mut position_shape = vec![1isize; input_shape.len()];
            position_shape[*axis] = size as isize;
            let positions = Tensor::arange_int(0, size as i64, 1, DType::Int64, g.device())?
                .reshape(&position_shape)?;
            masked(&g, &positions.eq(&indices)?)
        })?,
        Op::Reshape { .. } => one_input(&|| g.reshape(&r.shape(0)))?,
        Op::Strided(s) => one_input(&|| g.strided_scatter(s.view.clone(), &s.input_shape))?,
        Op::StridedScatter(view) => {
            one_input(&|| g.strided((**view).clone(), "AsStridedBackward0"))?
        }
        Op::CopySlices(view) => smallvec![
            when(need(0), || g
                .strided_assigned((**view).clone(), &g.constant(0.0)?))?,
            when(need(1), || g
                .strided((**view).clone(), "AsStridedBackward0"))?
        ],
        Op::ToCopy | Op::Clone => smallvec![Some(g.clone())],
        Op::ToDevice { from } => smallvec![Some(g.to_device(*from)?)],
        Op::Matmul { .. } => matmul_backward(g, r)?,
        Op::MatmulTransposed { trans, .. } => {
            let [grad_a, grad_b] =
                product_grads(g, r.saved(0)?, r.saved(1)?, *trans, [need(0), need(1)])?;
            let mut grads: Grads = smallvec![grad_a, grad_b];
            if r.inputs.len() == 3 {
                // The bias's gradient: `g` itself, which the engine sums over the broadcast axes.
                grads.push(when(need(2), || Ok(g.clone()))?);
            }
            grads
        }
        Op::LogSumExp { axis, keepdim } => one_input(&|| {
            // g * exp(x - out), with the reduced axis restored
            let (x, out) = (r.saved(0)?, r.saved(1)?);
            let (g, out) = if *keepdim || x.ndim() == 0 {
                (g.clone(), out.clone())
            } else {
                (g.unsqueeze(*axis as isize)?, out.unsqueeze(*axis as isize)?)
            };
            g.mul(&x.sub(&out)?.exp()?)
        })?,
        Op::IndexSelect { axis } => one_input(&|| {
            g.index_add_zeros(
                *axis as isize,
                r.saved(0)?,
                r.inputs[0].shape().get(*axis).copied().unwrap_or(1),
            )
        })?,
        Op::IndexAdd { axis, .. } => one_input(&|| g.index_select(*axis as isize, r.saved(0)?))?,
        Op::Im2col(window) => one_input(&|| {
            let s = r.inputs[0].shape();
            g.col2im(**window, [s[2], s[3]])
        })?,
        Op::Col2im(w) => one_input(&|| g.im2col(w.0))?,
        Op::Cumsum { axis, reverse } => one_input(&|| g.cumsum_along(*axis, !*reverse))?,
        Op::Rule(rule) => rule.backward(&[Some(g.clone())], r)?,
    })
}

/// Broadcasts the gradient of a reduction back over the reduced axes.
fn expand_reduced(
    g: &Tensor,
    axes: &[usize],
    keepdim: bool,
    input_shape: &[isize],
) -> Result<Tensor> {
    let g = if keepdim || input_shape.is_empty() {
        g.clone()
    } else {
        let mut kept: Vec<isize> = input_shape.to_vec();
        for &a in axes {
            kept[a] = 1;
        }
        g.reshape(&kept)?
    };
    g.expand(input_shape)
}

fn matmul_backward(g: &Tensor, r: &RuleInputs) -> Result<Grads> {
    let (a, b) = (r.saved(0)?, r.saved(1)?);
    let (a_vec, b_vec) = (a.ndim() == 1, b.ndim() == 1);
    let a2 = if a_vec { a.unsqueeze(0)? } else { a.clone() };
    let b2 = if b_vec { b.unsqueeze(1)? } else { b.clone() };
    let mut g2 = g.clone();
    if a_vec {
        g2 = g2.unsqueeze(if b_vec { 0 } else { -2 })?;
    }
    if b_vec {
        g2 = g2.unsqueeze(-1)?;
    }
    let [grad_a, grad_b] = product_grads(
        &g2,
        &a2,
        &b2,
        Transposed::default(),
        [r.needs[0], r.needs[1]],
    )?;
    let grad_a = if a_vec {
        grad_a.map(|t| t.squeeze(Some(-2))).transpose()?
    } else {
        grad_a
    };
    let grad_b = if b_vec {
        grad_b.map(|t| t.squeeze(Some(-1))).transpose()?
    } else {
        grad_b
    };
    Ok(smallvec![grad_a, grad_b])
}

/// The gradients of `a` and `b` in `op(a) @ op(b)`, given the product's gradient `g`: with
/// `A = op(a)` and `B = op(b)`, `dA = g @ Bᵀ` and `dB = Aᵀ @ g`, transposed back where `op`
/// transposed, each one transposed product without copies (and differentiable again).
fn product_grads(
    g: &Tensor,
    a: &Tensor,
    b: &Tensor,
    t: Transposed,
    need: [bool; 2],
) -> Result<[Option<Tensor>; 2]> {
    let tr = |a, b| Transposed { a, b };
    let grad_a = when(need[0], || {
        if t.a {
            b.matmul_transposed(g, tr(t.b, true), None)
        } else {
            g.matmul_transposed(b, tr(false, !t.b), None)
        }
    })?;
    let grad_b = when(need[1], || {
        if !t.a && b.ndim() == 2 && a.ndim() > 2 {
            // A 2-D `b` shared by every batch entry of `a` (a linear layer over a sequence):
            // its gradient sums `aᵀ @ g` over the batch, which is one product over the batch's
            // rows stacked, without the per-entry products and their sum.
            let (a, g) = (a.flatten(0, -2)?, g.flatten(0, -2)?);
            return if t.b {
                g.matmul_transposed(&a, tr(true, false), None)
            } else {
                a.matmul_transposed(&g, tr(true, false), None)
            };
        }
        if t.b {
            g.matmul_transposed(a, tr(true, t.a), None)
        } else {
            a.matmul_transposed(g, tr(!t.a, false), None)
        }
    })?;
    Ok([grad_a, grad_b])
}

/// Where `a` holds its extremum `out` (a max or min over all elements): the elements the
/// gradient is split among evenly. A NaN extremum is held by the NaN elements, as in PyTorch
/// (`NaN == NaN` is false, so equality alone would give an empty mask and a NaN gradient).
pub(crate) fn extremum_mask(a: &Tensor, out: &Tensor) -> Result<Tensor> {
    let both_nan = a.ne(a)?.bitwise_and(&out.ne(out)?)?;
    a.eq(out)?.bitwise_or(&both_nan)
}
