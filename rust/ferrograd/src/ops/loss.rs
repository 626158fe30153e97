//! The losses PyTorch implements as one node each (`MseLossBackward0`, `NllLossBackward0`, ...),
//! as one op family: `LossOf`, whose `OpRule` impl is below its forward. The forward computes the value on the operands'
//! elements without recording anything, then records one node; `backward` and `tangent` are
//! written with differentiable tensor operations, so the node's gradient can be differentiated
//! again (`create_graph`) and forward mode works. The losses PyTorch composes of other
//! operations (`l1_loss`, `kl_div`, label smoothing, ...) stay composed in the Python facade.
//!
//! A loss's inputs are `input`, `target`, then `weight` and `pos_weight` where given; it saves
//! them all. Weights and class-index targets take no gradient (PyTorch refuses a weight that
//! requires one).

use smallvec::smallvec;

use crate::array::{DType, Device};
use crate::autograd::calc::Calc;
use crate::autograd::op_rule::{single_grad, Grads, OpRule, RuleInputs, TangentInputs};
use crate::autograd::rules::Op;
use crate::autograd::saved::Saved;
use crate::error::{Error, Result};
use crate::tensor::{record, Tensor};

use super::margin_loss;
pub use super::margin_loss::MarginKind;

/// How per-sample losses are reduced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduction {
    /// One loss per sample, same shape as the batch.
    None,
    /// The mean over samples (weighted, where the loss takes weights).
    Mean,
    /// The sum over samples.
    Sum,
}

impl Reduction {
    /// PyTorch's `reduction=` strings: `"none"`, `"mean"`, `"sum"`.
    ///
    /// # Errors
    ///
    /// [`Error::Value`] for any other string.
    pub fn parse(name: &str) -> Result<Reduction> {
        match name {
            "none" => Ok(Reduction::None),
            "mean" => Ok(Reduction::Mean),
            "sum" => Ok(Reduction::Sum),
            _ => Err(Error::Value(format!(
                "{name} is not a valid value for reduction"
            ))),
        }
    }
}

/// Which loss a node computes, with its scalar parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LossKind {
    /// `(x - t)²`.
    Mse,
    /// `0.5 (x - t)² / beta` where `|x - t| < beta`, else `|x - t| - 0.5 beta`.
    SmoothL1 {
        /// Where the quadratic part ends (positive; `beta = 0` is `l1_loss`).
        beta: f64,
    },
    /// `0.5 (x - t)²` where `|x - t| < delta`, else `delta (|x - t| - 0.5 delta)`.
    Huber {
        /// Where the quadratic part ends (positive).
        delta: f64,
    },
    /// `log(1 + exp(-t x))` with targets of ±1.
    SoftMargin,
    /// `-w (t log(x) + (1 - t) log(1 - x))`, the logs clamped at -100.
    BinaryCrossEntropy,
    /// `w ((1 - t) x + (1 + (p - 1) t) softplus(-x))` with `p` the `pos_weight` (else 1).
    BinaryCrossEntropyWithLogits,
    /// `-w[t] x[t]` over the class axis 1 (axis 0 of a 1-D input), 0 where `t` is
    /// `ignore_index`; the mean divides by the summed weights of the targets counted.
    Nll {
        /// The target value that marks a sample to leave out.
        ignore_index: i64,
    },
    /// A hinge loss over each row of class scores (`ops/margin_loss.rs`).
    Margin(MarginKind),
}

impl LossKind {
    /// PyTorch's kernel name, in its "not implemented for" errors.
    fn kernel_name(self) -> &'static str {
        match self {
            LossKind::Mse => "mse_cpu",
            LossKind::SmoothL1 { .. } => "smooth_l1_cpu",
            LossKind::Huber { .. } => "huber_cpu",
            LossKind::SoftMargin => "soft_margin_loss",
            LossKind::BinaryCrossEntropy => "binary_cross_entropy",
            LossKind::BinaryCrossEntropyWithLogits => "binary_cross_entropy_with_logits",
            LossKind::Nll { .. } => "nll_loss_out_frame",
            LossKind::Margin(MarginKind::MultiMargin { .. }) => "multi_margin_loss_cpu_kernel",
            LossKind::Margin(MarginKind::MultilabelMargin) => {
                "multilabel_margin_loss_forward_out_frame"
            }
        }
    }

    /// PyTorch's function name, in its "not differentiable with respect to" errors.
    fn function_name(self) -> &'static str {
        match self {
            LossKind::Nll { .. } => "nll_loss_forward",
            LossKind::Margin(MarginKind::MultiMargin { .. }) => "multi_margin_loss",
            LossKind::Margin(MarginKind::MultilabelMargin) => "multilabel_margin_loss_forward",
            _ => self.kernel_name(),
        }
    }
}

/// A loss node's non-tensor facts.
#[derive(Clone, Debug)]
pub struct LossOf {
    /// Which loss.
    pub kind: LossKind,
    /// How the per-element (or per-sample) losses are reduced.
    pub reduction: Reduction,
    /// Whether the node's inputs include a `weight` (third) ...
    pub weight: bool,
    /// ... and a `pos_weight` (after the weight, if any).
    pub pos_weight: bool,
    /// The input's rank (`nll_loss` of a 4-D input is PyTorch's `NllLoss2DBackward0`).
    pub input_rank: u8,
}

impl OpRule for LossOf {
    fn name(&self) -> &'static str {
        match self.kind {
            LossKind::Mse => "MseLossBackward0",
            LossKind::SmoothL1 { .. } => "SmoothL1LossBackward0",
            LossKind::Huber { .. } => "HuberLossBackward0",
            LossKind::SoftMargin => "SoftMarginLossBackward0",
            LossKind::BinaryCrossEntropy => "BinaryCrossEntropyBackward0",
            LossKind::BinaryCrossEntropyWithLogits => "BinaryCrossEntropyWithLogitsBackward0",
            LossKind::Nll { .. } if self.input_rank == 4 => "NllLoss2DBackward0",
            LossKind::Nll { .. } => "NllLossBackward0",
            LossKind::Margin(MarginKind::MultiMargin { .. }) => "MultiMarginLossBackward0",
            LossKind::Margin(MarginKind::MultilabelMargin) => "MultilabelMarginLossBackward0",
        }
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        backward(self, single_grad(grads)?, r.saved, r.needs)
    }

    fn tangent(&self, cx: &TangentInputs) -> Result<Tensor> {
        tangent(self, cx)
    }
}

/// The operands of a loss, as the forward, backward and tangent see them.
struct Operands<'a> {
    x: &'a Tensor,
    t: &'a Tensor,
    weight: Option<&'a Tensor>,
    pos_weight: Option<&'a Tensor>,
    /// `x - t` of the regression losses, as the forward computed it (not recorded): a
    /// first-order backward reads it instead of computing it again.
    difference: Option<&'a Tensor>,
}

impl Tensor {
    /// The loss `kind` of this input against `target` (`F.mse_loss`, `F.nll_loss`, ... without
    /// their argument checks), recorded as one node. `weight` is the per-element weight of the
    /// binary cross-entropies or the per-class weight of `Nll`; `pos_weight` only for
    /// `BinaryCrossEntropyWithLogits`.
    ///
    /// # Errors
    ///
    /// [`Error::NotImplemented`] for a non-floating input, [`Error::Shape`] for operands that
    /// do not broadcast (or an `Nll` target not shaped as the input without its class axis),
    /// [`Error::Index`] for a class index out of range, [`Error::Autograd`] for a weight (or a
    /// soft-margin target) that requires grad.
    pub fn loss(
        &self,
        kind: LossKind,
        target: &Tensor,
        weight: Option<&Tensor>,
        pos_weight: Option<&Tensor>,
        reduction: Reduction,
    ) -> Result<Tensor> {
        if !self.dtype().is_floating() {
            return Err(Error::NotImplemented(format!(
                "\"{}\" not implemented for '{}'",
                kind.kernel_name(),
                self.dtype().scalar_type_name()
            )));
        }
        match kind {
            LossKind::SmoothL1 { beta } if beta.is_nan() || beta <= 0.0 => {
                return Err(Error::Value(format!(
                    "smooth_l1_loss: beta must be positive here, got {beta} (beta 0 is l1_loss)"
                )))
            }
            LossKind::Huber { delta } if delta.is_nan() || delta <= 0.0 => {
                return Err(Error::Value(format!(
                    "huber_loss does not support non-positive values for delta, got {delta}"
                )))
            }
            _ => {}
        }
        if pos_weight.is_some() && kind != LossKind::BinaryCrossEntropyWithLogits {
            return Err(Error::Value(format!(
                "{}: pos_weight is only taken by binary_cross_entropy_with_logits",
                kind.function_name()
            )));
        }
        let no_gradient = [
            ("weight", weight),
            ("pos_weight", pos_weight),
            ("target", (kind == LossKind::SoftMargin).then_some(target)),
        ];
        for (name, t) in no_gradient {
            if t.is_some_and(|t| crate::autograd::is_grad_enabled() && t.requires_grad()) {
                return Err(Error::Autograd(format!(
                    "The function '{}' is not differentiable with respect to argument '{name}'. \
                     This input cannot have requires_grad True.",
                    kind.function_name()
                )));
            }
        }
        match kind {
            LossKind::Nll { ignore_index } => check_nll(self, target, weight, ignore_index)?,
            LossKind::Margin(margin) => margin_loss::check(margin, self, target, weight)?,
            _ => {}
        }
        let of = LossOf {
            kind,
            reduction,
            weight: weight.is_some(),
            pos_weight: pos_weight.is_some(),
            input_rank: self.ndim().min(u8::MAX as usize) as u8,
        };
        // The value from the elements alone: nothing below records or carries tangents.
        let plain = |t: &Tensor| Tensor::from_array(t.data());
        let (x, t) = (plain(self), plain(target));
        let (w, pw) = (weight.map(plain), pos_weight.map(plain));
        let difference = match kind {
            LossKind::Mse | LossKind::SmoothL1 { .. } | LossKind::Huber { .. } => Some(x.sub(&t)?),
            _ => None,
        };
        let operands = Operands {
            x: &x,
            t: &t,
            weight: w.as_ref(),
            pos_weight: pw.as_ref(),
            difference: difference.as_ref(),
        };
        let value = forward_value(&of, &operands)?;
        let inputs: Vec<&Tensor> = [Some(self), Some(target), weight, pos_weight]
            .into_iter()
            .flatten()
            .collect();
        record(Op::rule(of), &inputs, value.data(), |_| {
            smallvec![
                Saved::input(self),
                Saved::input(target),
                weight.map_or(Saved::Absent, Saved::input),
                pos_weight.map_or(Saved::Absent, Saved::input),
                difference.as_ref().map_or(Saved::Absent, Saved::input),
            ]
        })
    }

    /// Mean squared error `(self - target)²`, reduced (`F.mse_loss`; `MseLossBackward0`).
    pub fn mse_loss(&self, target: &Tensor, reduction: Reduction) -> Result<Tensor> {
        self.loss(LossKind::Mse, target, None, None, reduction)
    }

    /// Negative log-likelihood of the class indices `target` under the log-probabilities
    /// `self`: `(C)` with a 0-d target, or `(N, C, ...)` with a target `(N, ...)`;
    /// `-self[i, target[i]]` per sample, zero where the target is `ignore_index`; `Mean`
    /// divides the sum by the number of samples not ignored.
    pub fn nll_loss(
        &self,
        target: &Tensor,
        ignore_index: i64,
        reduction: Reduction,
    ) -> Result<Tensor> {
        self.loss(
            LossKind::Nll { ignore_index },
            target,
            None,
            None,
            reduction,
        )
    }

    /// `log_softmax` over the classes (axis 1, or 0 for a 1-D input) followed by `nll_loss`.
    pub fn cross_entropy(
        &self,
        target: &Tensor,
        ignore_index: i64,
        reduction: Reduction,
    ) -> Result<Tensor> {
        if self.ndim() == 0 {
            return Err(Error::Shape(
                "cross_entropy: expected an input of 1 or more dimensions, got a 0-d one".into(),
            ));
        }
        let class_axis = usize::from(self.ndim() > 1);
        self.log_softmax(class_axis as isize)?
            .nll_loss(target, ignore_index, reduction)
    }
}

/// PyTorch's checks of `nll_loss`'s operands.
fn check_nll(x: &Tensor, t: &Tensor, weight: Option<&Tensor>, ignore_index: i64) -> Result<()> {
    // PyTorch checks the target's rank first (a float target of another shape than the input
    // reaches here from cross_entropy)
    if x.ndim() <= 2 && t.ndim() > 1 {
        return Err(Error::Unsupported(
            "0D or 1D target tensor expected, multi-target not supported".into(),
        ));
    }
    // PyTorch takes Long or Byte; int32 class indices are accepted here as well.
    if !matches!(t.dtype(), DType::Int64 | DType::Int32 | DType::UInt8) {
        return Err(Error::Unsupported(format!(
            "expected target dtype to be Long or Byte, but got {}",
            t.dtype().scalar_type_name()
        )));
    }
    let (xs, ts) = (x.shape(), t.shape());
    let fits = match xs.len() {
        0 => false,
        1 => ts.is_empty(),
        _ => ts.len() + 1 == xs.len() && ts[0] == xs[0] && ts[1..] == xs[2..],
    };
    if !fits {
        if xs.len() >= 2 && !ts.is_empty() && ts[0] != xs[0] {
            return Err(Error::Value(format!(
                "Expected input batch_size ({}) to match target batch_size ({}).",
                xs[0], ts[0]
            )));
        }
        return Err(Error::Shape(format!(
            "nll_loss: expected a target of shape {:?} for an input of shape {:?}, got {:?}",
            expected_target_shape(&xs),
            xs.as_slice(),
            ts.as_slice()
        )));
    }
    let classes = xs[usize::from(xs.len() > 1)];
    if let Some(w) = weight {
        if w.shape().as_slice() != [classes] {
            return Err(Error::Shape(format!(
                "weight tensor should be defined either for all {classes} classes or no classes \
                 but got weight tensor of shape: {:?}",
                w.shape().as_slice()
            )));
        }
    }
    if t.device() == Device::Meta {
        return Ok(()); // a meta target has no values to check (its loss is only a shape)
    }
    let host = t
        .to_dtype(DType::Int64)?
        .data()
        .to_device(Device::Cpu)?
        .contiguous()?;
    let wrong = host
        .as_slice::<i64>()?
        .iter()
        .find(|&&c| c != ignore_index && (c < 0 || c >= classes as i64));
    match wrong {
        Some(c) => Err(Error::Index(format!("Target {c} is out of bounds."))),
        None => Ok(()),
    }
}

fn expected_target_shape(input: &[usize]) -> Vec<usize> {
    match input.len() {
        0 | 1 => vec![],
        _ => [&input[..1], &input[2..]].concat(),
    }
}

/// The value of the loss, from operands that record nothing.
fn forward_value(of: &LossOf, o: &Operands) -> Result<Tensor> {
    if let LossKind::Margin(margin) = of.kind {
        return margin_loss::value(margin, of.reduction, o.x, o.t, o.weight);
    }
    if let LossKind::Nll { ignore_index } = of.kind {
        let nll = NllTerms::new(o, ignore_index)?;
        let losses = nll.per_sample(&nll.picked(o.x)?)?;
        return nll.reduce(losses, of.reduction);
    }
    let per_element = pointwise_value(of.kind, o)?;
    match of.reduction {
        Reduction::None => Ok(per_element),
        Reduction::Sum => per_element.sum(),
        Reduction::Mean => per_element.mean(),
    }
}

/// The per-element loss of a pointwise kind (weighted where it takes a weight).
fn pointwise_value(kind: LossKind, o: &Operands) -> Result<Tensor> {
    let Operands { x, t, .. } = *o;
    let difference = || match o.difference {
        Some(d) => Ok(d.clone()),
        None => x.sub(t),
    };
    let value = match kind {
        LossKind::Mse => difference()?.square()?,
        LossKind::SmoothL1 { beta } => {
            let d = difference()?.abs()?;
            let inside = d.square()?.mul(&d.constant(0.5 / beta)?)?;
            inside.where_(
                &d.lt(&d.constant(beta)?)?,
                &d.sub(&d.constant(0.5 * beta)?)?,
            )?
        }
        LossKind::Huber { delta } => {
            let d = difference()?.abs()?;
            let inside = d.square()?.mul(&d.constant(0.5)?)?;
            let outside = d.sub(&d.constant(0.5 * delta)?)?.mul(&d.constant(delta)?)?;
            inside.where_(&d.lt(&d.constant(delta)?)?, &outside)?
        }
        LossKind::SoftMargin => t.neg()?.mul(x)?.exp()?.log1p()?,
        LossKind::BinaryCrossEntropy => {
            let floor = |v: Tensor| v.clamp(Some(-100.0), None);
            let log_x = floor(x.log()?)?;
            let log_1mx = floor(x.neg()?.log1p()?)?;
            t.sub(&t.constant(1.0)?)?
                .mul(&log_1mx)?
                .sub(&t.mul(&log_x)?)?
        }
        LossKind::BinaryCrossEntropyWithLogits => {
            // softplus(-x) = max(-x, 0) + log(1 + exp(-|x|)), finite for every x
            let softplus_neg = x.neg()?.relu()?.add(&x.abs()?.neg()?.exp()?.log1p()?)?;
            let log_weight = positive_log_weight(o)?;
            let term = match &log_weight {
                Some(lw) => lw.mul(&softplus_neg)?,
                None => softplus_neg,
            };
            t.constant(1.0)?.sub(t)?.mul(x)?.add(&term)?
        }
        LossKind::Nll { .. } | LossKind::Margin(_) => {
            unreachable!("{kind:?} is not pointwise")
        }
    };
    match o.weight {
        Some(w) => value.mul(w),
        None => Ok(value),
    }
}

/// `1 + (pos_weight - 1) t`, the factor of the positive term, when a `pos_weight` is given.
fn positive_log_weight(o: &Operands) -> Result<Option<Tensor>> {
    o.pos_weight
        .map(|p| p.sub(&p.constant(1.0)?)?.mul(o.t)?.add(&o.t.constant(1.0)?))
        .transpose()
}

/// A constant factor of a kind's partial derivatives, applied to the (often 0-d) gradient
/// rather than to every element.
fn gradient_factor(kind: LossKind) -> f64 {
    match kind {
        LossKind::Mse => 2.0,
        _ => 1.0,
    }
}

/// `∂loss/∂input` and `∂loss/∂target` per element (weighted) divided by `gradient_factor`,
/// written with recorded ops; only those asked for.
fn pointwise_partials(
    kind: LossKind,
    o: &Operands,
    need: [bool; 2],
) -> Result<[Option<Tensor>; 2]> {
    let Operands { x, t, .. } = *o;
    let [dx, dt] = match kind {
        LossKind::Mse | LossKind::SmoothL1 { .. } | LossKind::Huber { .. } => {
            let d = match o.difference {
                Some(d) => d.clone(),
                None => x.sub(t)?,
            };
            let slope = match kind {
                LossKind::Mse => d, // its factor 2 is `gradient_factor`
                LossKind::SmoothL1 { beta } => {
                    d.div(&d.constant(beta)?)?.clamp(Some(-1.0), Some(1.0))?
                }
                LossKind::Huber { delta } => d.clamp(Some(-delta), Some(delta))?,
                _ => unreachable!("a regression loss"),
            };
            let negated = need[1].then(|| slope.neg()).transpose()?;
            [Some(slope), negated]
        }
        LossKind::SoftMargin => {
            let neg_t = t.neg()?;
            [Some(neg_t.mul(&neg_t.mul(x)?.sigmoid()?)?), None]
        }
        LossKind::BinaryCrossEntropy => {
            let dx = need[0]
                .then(|| {
                    let one = x.constant(1.0)?;
                    let spread = one.sub(x)?.mul(x)?.clamp(Some(BCE_EPSILON), None)?;
                    x.sub(t)?.div(&spread)
                })
                .transpose()?;
            let dt = need[1]
                .then(|| x.neg()?.log1p()?.sub(&x.log()?))
                .transpose()?;
            [dx, dt]
        }
        LossKind::BinaryCrossEntropyWithLogits => {
            let one = x.constant(1.0)?;
            let log_weight = positive_log_weight(o)?;
            let dx = need[0]
                .then(|| {
                    let below = x.neg()?.sigmoid()?;
                    let below = match &log_weight {
                        Some(lw) => lw.mul(&below)?,
                        None => below,
                    };
                    one.sub(t)?.sub(&below)
                })
                .transpose()?;
            let dt = need[1]
                .then(|| match o.pos_weight {
                    Some(p) => {
                        let softplus_neg = x.neg()?.softplus(1.0, 20.0)?;
                        p.sub(&one)?.mul(&softplus_neg)?.sub(x)
                    }
                    None => x.neg(),
                })
                .transpose()?;
            [dx, dt]
        }
        LossKind::Nll { .. } | LossKind::Margin(_) => {
            unreachable!("{kind:?} is not pointwise")
        }
    };
    let weighted = |p: Option<Tensor>| -> Result<Option<Tensor>> {
        match (p, o.weight) {
            (Some(p), Some(w)) => p.mul(w).map(Some),
            (p, _) => Ok(p),
        }
    };
    Ok([weighted(dx)?, weighted(dt)?])
}

/// The floor of `x (1 - x)` in binary cross-entropy's gradient: PyTorch's float32 `1e-12`.
const BCE_EPSILON: f64 = 1e-12f32 as f64;

/// What `nll_loss` reads: the target as indices along the class axis (the ignored ones replaced
/// by 0), which targets count, and their weights.
struct NllTerms {
    /// The class axis of the input: 0 for a 1-D input, else 1.
    axis: isize,
    /// The target with a class axis of 1 at `axis`, ignored entries set to 0 (gather indices).
    index: Tensor,
    /// Where the target is not `ignore_index`.
    counted: Tensor,
    /// Each target's class weight (1 without weights), 0 where ignored.
    weights: Tensor,
}

impl NllTerms {
    fn new(o: &Operands, ignore_index: i64) -> Result<NllTerms> {
        let t = o.t.to_dtype(DType::Int64)?;
        let counted = t.ne(&t.constant(ignore_index as f64)?)?;
        let safe = t.where_(&counted, &t.constant(0.0)?)?;
        let axis = isize::from(o.x.ndim() > 1);
        let zero = o.x.constant(0.0)?;
        let weights = match o.weight {
            Some(w) => w
                .to_dtype(o.x.dtype())?
                .index_select(0, &safe.reshape(&[-1])?)?
                .reshape(&shape_of(&safe))?,
            None => counted.to_dtype(o.x.dtype())?,
        };
        let weights = weights.where_(&counted, &zero)?;
        Ok(NllTerms {
            axis,
            index: safe.unsqueeze(axis)?,
            counted,
            weights,
        })
    }

    /// `v[t]` along the class axis, in the target's shape.
    fn picked(&self, v: &Tensor) -> Result<Tensor> {
        v.gather(self.axis, &self.index)?.squeeze(Some(self.axis))
    }

    /// `-w[t] picked`, 0 where ignored (PyTorch's 0, not `-0` or a NaN input's NaN).
    fn per_sample(&self, picked: &Tensor) -> Result<Tensor> {
        let zero = picked.constant(0.0)?;
        picked
            .neg()?
            .mul(&self.weights)?
            .where_(&self.counted, &zero)
    }

    fn reduce(&self, losses: Tensor, reduction: Reduction) -> Result<Tensor> {
        match reduction {
            Reduction::None => Ok(losses),
            Reduction::Sum => losses.sum(),
            Reduction::Mean => losses.sum()?.div(&self.weights.sum()?),
        }
    }
}

fn shape_of(t: &Tensor) -> Vec<isize> {
    t.shape().iter().map(|&s| s as isize).collect()
}

/// The saved operands of a loss node, by position (`Saved` order of `Tensor::loss`); the
/// forward's difference only for a backward that records nothing (`first_order`).
fn saved_operands(saved: &[Option<Tensor>], first_order: bool) -> Result<Operands<'_>> {
    let at = |i: usize| saved.get(i).and_then(Option::as_ref);
    let missing =
        || Error::Autograd("internal error: a value the loss's rule needs was not saved".into());
    Ok(Operands {
        x: at(0).ok_or_else(missing)?,
        t: at(1).ok_or_else(missing)?,
        weight: at(2),
        pos_weight: at(3),
        difference: at(4).filter(|_| first_order),
    })
}

/// The gradients of a loss node's inputs given its output's gradient `g` (`needs`: which
/// inputs want one). Only the input and a floating target get gradients.
fn backward(of: &LossOf, g: &Tensor, saved: &[Option<Tensor>], needs: &[bool]) -> Result<Grads> {
    let first_order = {
        let operands: Vec<&Tensor> = saved.iter().flatten().chain([g]).collect();
        let recorded =
            crate::autograd::is_grad_enabled() && operands.iter().any(|t| t.requires_grad());
        !recorded && !crate::autograd::forward::any_dual(&operands)
    };
    let o = saved_operands(saved, first_order)?;
    let need = |i: usize| needs.get(i).copied().unwrap_or(false);
    let mut grads: Grads = smallvec![None; needs.len()];
    if let LossKind::Nll { ignore_index } = of.kind {
        if need(0) {
            let nll = NllTerms::new(&o, ignore_index)?;
            let g = match of.reduction {
                Reduction::Mean => g.div(&nll.weights.sum()?)?,
                _ => g.clone(),
            };
            // -w[t] g at the target's class, 0 where ignored (even when the mean divided by 0)
            let zero = g.constant(0.0)?;
            let coefficient = nll
                .weights
                .neg()?
                .mul(&g)?
                .where_(&nll.counted, &zero)?
                .unsqueeze(nll.axis)?;
            let shape = o.x.shape();
            grads[0] = Some(crate::ops::nn::gather_backward(
                &coefficient,
                nll.axis as usize,
                &nll.index,
                &shape,
            )?);
        }
        return Ok(grads);
    }
    if let LossKind::Margin(margin) = of.kind {
        if need(0) {
            let (x, t, w) = (o.x, o.t, o.weight);
            grads[0] = Some(margin_loss::input_grad(margin, of.reduction, g, x, t, w)?);
        }
        return Ok(grads);
    }
    let [dx, dt] = pointwise_partials(of.kind, &o, [need(0), need(1)])?;
    let count = match of.reduction {
        Reduction::Mean => dx.as_ref().or(dt.as_ref()).map_or(1, Tensor::numel).max(1),
        _ => 1,
    };
    let factor = gradient_factor(of.kind) / count as f64;
    let g = if factor == 1.0 {
        g.clone()
    } else {
        g.mul(&g.constant(factor)?)?
    };
    // The engine sums these over any broadcast axes of their input.
    grads[0] = dx.filter(|_| need(0)).map(|d| d.mul(&g)).transpose()?;
    grads[1] = dt.filter(|_| need(1)).map(|d| d.mul(&g)).transpose()?;
    Ok(grads)
}

/// The tangent of a loss node's output given its inputs and their tangents (`None`: zero; a
/// weight's tangent is not followed, as the weight takes no gradient).
fn tangent(of: &LossOf, cx: &TangentInputs) -> Result<Tensor> {
    let weight = of.weight.then(|| cx.x(2));
    let pos_weight = of.pos_weight.then(|| cx.x(2 + usize::from(of.weight)));
    let tangents = [cx.t(0), cx.t(1)];
    let o = Operands {
        x: cx.x(0),
        t: cx.x(1),
        weight,
        pos_weight,
        difference: None,
    };
    if let LossKind::Nll { ignore_index } = of.kind {
        let nll = NllTerms::new(&o, ignore_index)?;
        let losses = match tangents[0] {
            Some(tx) => nll.per_sample(&nll.picked(tx)?)?,
            None => nll.weights.zeros_like()?,
        };
        return nll.reduce(losses, of.reduction);
    }
    if let LossKind::Margin(margin) = of.kind {
        return match tangents[0] {
            Some(tx) => margin_loss::tangent(margin, of.reduction, o.x, o.t, o.weight, tx),
            None => margin_loss::value(margin, of.reduction, o.x, o.t, o.weight)?.zeros_like(),
        };
    }
    let [tx, tt] = tangents;
    let tt = tt.filter(|_| of.kind != LossKind::SoftMargin);
    let [dx, dt] = pointwise_partials(of.kind, &o, [tx.is_some(), tt.is_some()])?;
    let term = |d: Option<Tensor>, t: Option<&Tensor>| -> Result<Option<Tensor>> {
        match (d, t) {
            (Some(d), Some(t)) => d.mul(t).map(Some),
            _ => Ok(None),
        }
    };
    let per_element = match (term(dx, tx)?, term(dt, tt)?) {
        (Some(a), Some(b)) => a.add(&b)?,
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => pointwise_value(of.kind, &o)?.zeros_like()?,
    };
    let reduced = match of.reduction {
        Reduction::None => per_element,
        Reduction::Sum => per_element.sum()?,
        Reduction::Mean => per_element.mean()?,
    };
    let factor = gradient_factor(of.kind);
    if factor == 1.0 {
        Ok(reduced)
    } else {
        reduced.mul(&reduced.constant(factor)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_probs() -> Tensor {
        let x = Tensor::from_vec(vec![0.5f64, -1.0, 2.0, 0.0, 1.5, -0.5], &[2, 3]).unwrap();
        x.log_softmax(1).unwrap()
    }

    fn value(t: Result<Tensor>) -> Vec<f64> {
        t.unwrap().data().to_f64_vec().unwrap()
    }

    #[test]
    fn picks_and_averages_over_the_samples_not_ignored() {
        let lp = log_probs();
        let values = lp.data().to_f64_vec().unwrap();
        let target = Tensor::from_vec(vec![2i64, -100], &[2]).unwrap();
        let mean = value(lp.nll_loss(&target, -100, Reduction::Mean));
        assert_eq!(mean, vec![-values[2]]);
        let target = Tensor::from_vec(vec![2i64, 0], &[2]).unwrap();
        let none = value(lp.nll_loss(&target, -100, Reduction::None));
        assert_eq!(none, vec![-values[2], -values[3]]);
        let sum = value(lp.nll_loss(&target, -100, Reduction::Sum));
        assert_eq!(sum, vec![-values[2] - values[3]]);
    }

    #[test]
    fn nodes_carry_pytorchs_names() {
        let x = Tensor::from_vec(vec![0.5f64, -1.0, 2.0, 0.0], &[2, 2])
            .unwrap()
            .requires_grad_()
            .unwrap();
        let t = Tensor::from_vec(vec![0.0f64, 1.0, 1.0, 0.0], &[2, 2]).unwrap();
        let mse = x.mse_loss(&t, Reduction::Mean).unwrap();
        assert_eq!(mse.grad_fn().unwrap().name(), "MseLossBackward0");
        let classes = Tensor::from_vec(vec![1i64, 0], &[2]).unwrap();
        let nll = x.nll_loss(&classes, -100, Reduction::Sum).unwrap();
        assert_eq!(nll.grad_fn().unwrap().name(), "NllLossBackward0");
    }

    #[test]
    fn mse_gradient_is_twice_the_difference_over_the_count() {
        let x = Tensor::from_vec(vec![1.0f64, 3.0], &[2])
            .unwrap()
            .requires_grad_()
            .unwrap();
        let t = Tensor::from_vec(vec![0.0f64, 1.0], &[2]).unwrap();
        let loss = x.mse_loss(&t, Reduction::Mean).unwrap();
        assert_eq!(value(Ok(loss.clone())), vec![2.5]);
        let grads =
            crate::autograd::grad(&[loss], &[x], &[None], Default::default(), false).unwrap();
        let g = grads[0].as_ref().unwrap().data().to_f64_vec().unwrap();
        assert_eq!(g, vec![1.0, 2.0]);
    }

    #[test]
    fn bad_targets_are_errors() {
        let lp = log_probs();
        let out_of_range = Tensor::from_vec(vec![3i64, 0], &[2]).unwrap();
        assert!(matches!(
            lp.nll_loss(&out_of_range, -100, Reduction::Mean),
            Err(Error::Index(m)) if m == "Target 3 is out of bounds."
        ));
        let short = Tensor::from_vec(vec![0i64], &[1]).unwrap();
        assert!(matches!(
            lp.nll_loss(&short, -100, Reduction::Mean),
            Err(Error::Value(_))
        ));
        let float = Tensor::from_vec(vec![0.0f64, 1.0], &[2]).unwrap();
        assert!(matches!(
            lp.nll_loss(&float, -100, Reduction::Mean),
            Err(Error::Unsupported(_))
        ));
        let ints = Tensor::from_vec(vec![1i64, 2], &[2]).unwrap();
        assert!(matches!(
            ints.mse_loss(&ints, Reduction::Mean),
            Err(Error::NotImplemented(_))
        ));
        assert!(matches!(Reduction::parse("avg"), Err(Error::Value(_))));
    }
}
