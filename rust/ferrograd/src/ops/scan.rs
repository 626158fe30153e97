//! Scans along a dimension: `cumsum`, `cumprod`, `logcumsumexp`, `cummax` and `cummin`, and the
//! linear recurrence `h_i = a_i·h_(i-1) + b_i` (`linear_scan`) that their derivatives are
//! written with. Each records one node; the rules (here, `cumsum`'s in `autograd::rules`) use
//! these same operations, so derivatives of any order exist.
//!
//! Why a linear recurrence: the gradient of `cumprod` at `x_i` is `E_i·R_i`, with `E_i` the
//! product of the elements before `i` (the output shifted by one) and `R_i = g_i + x_(i+1)·R_(i+1)`
//! (a recurrence from the end). Written that way it divides by nothing, so it is exact where
//! the input has zeros; and the recurrence's own derivatives are recurrences again. The
//! derivatives of `logcumsumexp` are recurrences with weights `exp(y_(i-1) - y_i)` in `[0, 1]`,
//! which stay finite for any input.

use smallvec::smallvec;

use crate::array::shape::normalize_dim;
use crate::array::DType;
use crate::autograd::op_rule::{single_grad, Grads, OpRule, RuleInputs, TangentInputs};
use crate::autograd::rules::Op;
use crate::autograd::saved::Saved;
use crate::error::{require_float, Error, Result};
use crate::kernels::nn as nn_kernels;
use crate::kernels::scan as k;
use crate::kernels::ScanOp;
use crate::tensor::{record, Tensor};

/// The axis `dim` names (`0` for a 0-d tensor, which scans as one element).
fn scan_axis(t: &Tensor, dim: isize) -> Result<usize> {
    let ndim = t.ndim();
    let axis = normalize_dim(dim, ndim)?;
    Ok(if ndim == 0 { 0 } else { axis })
}

impl Tensor {
    /// Integer and bool tensors accumulate in int64, as in PyTorch.
    fn accumulation_dtype(&self) -> DType {
        let dtype = self.dtype();
        if dtype.is_floating() {
            dtype
        } else {
            DType::Int64
        }
    }

    /// The running sum along `dim` (integer and bool tensors give int64).
    pub fn cumsum(&self, dim: isize) -> Result<Tensor> {
        let axis = scan_axis(self, dim)?;
        self.cumsum_along(axis, false)
    }

    /// The running sum along `axis`, from the end when `reverse` (the adjoint of the other way).
    pub(crate) fn cumsum_along(&self, axis: usize, reverse: bool) -> Result<Tensor> {
        let input = self.data_as(self.accumulation_dtype())?;
        let out = k::scan(ScanOp::Sum, &input, axis, reverse)?;
        record(Op::Cumsum { axis, reverse }, &[self], out, |_| smallvec![])
    }

    /// The running product along `dim` (integer and bool tensors give int64).
    pub fn cumprod(&self, dim: isize) -> Result<Tensor> {
        let axis = scan_axis(self, dim)?;
        let input = self.data_as(self.accumulation_dtype())?;
        let out = k::scan(ScanOp::Prod, &input, axis, false)?;
        record(Op::rule(CumprodOf { axis }), &[self], out, |out| {
            smallvec![Saved::input(self), Saved::output(out)]
        })
    }

    /// `log(cumsum(exp(x)))` along `dim`, computed without overflow (floating tensors only).
    pub fn logcumsumexp(&self, dim: isize) -> Result<Tensor> {
        let axis = scan_axis(self, dim)?;
        require_float("logcumsumexp", self.dtype())?;
        let out = k::scan(ScanOp::LogSumExp, &self.read(), axis, false)?;
        record(Op::rule(LogCumSumExpOf { axis }), &[self], out, |out| {
            smallvec![Saved::input(self), Saved::output(out)]
        })
    }

    /// The running maximum along `dim` and the index of each (the last of equal values; NaN
    /// propagates): `(values, indices)`.
    pub fn cummax(&self, dim: isize) -> Result<(Tensor, Tensor)> {
        self.cum_extreme(dim, true)
    }

    /// The running minimum along `dim` and the index of each: `(values, indices)`.
    pub fn cummin(&self, dim: isize) -> Result<(Tensor, Tensor)> {
        self.cum_extreme(dim, false)
    }

    fn cum_extreme(&self, dim: isize, max: bool) -> Result<(Tensor, Tensor)> {
        let axis = scan_axis(self, dim)?;
        let data = self.data();
        let indices = k::scan_arg_extreme(&data, axis, max)?;
        // The values are the input at the indices (for a 0-d tensor, the input itself).
        let values = if data.ndim() == 0 {
            crate::kernels::materialize(&data)?
        } else {
            nn_kernels::gather_dim(&data, axis, &indices)?
        };
        let indices = Tensor::from_array(indices);
        let values = record(
            Op::rule(CumExtremeOf { max, axis }),
            &[self],
            values,
            |_| smallvec![Saved::input(&indices)],
        )?;
        Ok((values, indices))
    }

    /// `h_i = a_i·h_(i-1) + b_i` along `axis` with `h_(-1) = 0` (from the end, `h_i =
    /// a_i·h_(i+1) + b_i`, when `reverse`); `a` and `b` have one shape. The multiplier of each
    /// lane's first element is not read (its gradient is 0).
    pub(crate) fn linear_scan(
        a: &Tensor,
        b: &Tensor,
        axis: usize,
        reverse: bool,
    ) -> Result<Tensor> {
        let dtype = DType::promote(a.dtype(), b.dtype());
        let dtype = if dtype.is_floating() {
            dtype
        } else {
            DType::DEFAULT_FLOAT
        };
        let out = k::linear_scan(&a.data_as(dtype)?, &b.data_as(dtype)?, axis, reverse)?;
        let op = Op::rule(LinearScanOf { axis, reverse });
        record(op, &[a, b], out, |out| {
            smallvec![Saved::input(a), Saved::output(out)]
        })
    }

    /// `len` elements along `axis` from `start` (a view; its gradient lands at those places).
    pub(crate) fn narrow_axis(&self, axis: usize, start: usize, len: usize) -> Result<Tensor> {
        self.strided_view("SliceBackward0", |l| l.sliced(axis, start, len, 1))
    }

    /// This tensor moved one step along `axis`: towards the end (`later`: element `i` of the
    /// result is element `i - 1`) or towards the start (element `i` is element `i + 1`), the
    /// place left empty holding `fill`. Differentiable (a slice and a `cat`).
    pub(crate) fn shifted(&self, axis: usize, later: bool, fill: f64) -> Result<Tensor> {
        let shape = self.shape();
        let n = shape[axis];
        if n == 0 {
            return Ok(self.clone());
        }
        let mut edge_shape = shape.clone();
        edge_shape[axis] = 1;
        let edge = Tensor::try_full(&edge_shape, fill, self.dtype(), self.device())?;
        let pieces = if later {
            [edge, self.narrow_axis(axis, 0, n - 1)?]
        } else {
            [self.narrow_axis(axis, 1, n - 1)?, edge]
        };
        Tensor::cat(&pieces, axis as isize)
    }
}

/// `cumprod`, `logcumsumexp` and `linear_scan` nodes save their first input and their output:
/// `(x, y)` (`(a, h)` for the linear scan).
fn saved_input_output<'a>(r: &'a RuleInputs) -> Result<(&'a Tensor, &'a Tensor)> {
    Ok((r.saved(0)?, r.saved(1)?))
}

/// A `cumprod` node along `axis`.
#[derive(Debug)]
struct CumprodOf {
    axis: usize,
}

impl OpRule for CumprodOf {
    fn name(&self) -> &'static str {
        "CumprodBackward0"
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        let g = single_grad(grads)?;
        r.one_input(|| {
            let (x, y) = saved_input_output(r)?;
            cumprod_backward(g, x, y, self.axis)
        })
    }

    fn tangent(&self, cx: &TangentInputs) -> Result<Tensor> {
        cumprod_tangent(cx.t0()?, cx.x(0), cx.out(), self.axis)
    }
}

/// A `logcumsumexp` node along `axis`.
#[derive(Debug)]
struct LogCumSumExpOf {
    axis: usize,
}

impl OpRule for LogCumSumExpOf {
    fn name(&self) -> &'static str {
        "LogcumsumexpBackward0"
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        let g = single_grad(grads)?;
        r.one_input(|| {
            let (x, y) = saved_input_output(r)?;
            logcumsumexp_backward(g, x, y, self.axis)
        })
    }

    fn tangent(&self, cx: &TangentInputs) -> Result<Tensor> {
        logcumsumexp_tangent(cx.t0()?, cx.x(0), cx.out(), self.axis)
    }
}

/// The values of a `cummax` (`max`) or `cummin` node along `axis`; it saves the indices.
#[derive(Debug)]
struct CumExtremeOf {
    max: bool,
    axis: usize,
}

impl OpRule for CumExtremeOf {
    fn name(&self) -> &'static str {
        match self.max {
            true => "CummaxBackward0",
            false => "CumminBackward0",
        }
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        let g = single_grad(grads)?;
        r.one_input(|| {
            if g.ndim() == 0 {
                return Ok(g.clone());
            }
            let indices = r.saved(0)?;
            super::nn::gather_backward(g, self.axis, indices, &r.inputs[0].shape())
        })
    }

    fn tangent(&self, cx: &TangentInputs) -> Result<Tensor> {
        let t = cx.t0()?;
        if t.ndim() == 0 {
            return Ok(t.clone());
        }
        t.gather(self.axis as isize, cx.saved(0)?)
    }
}

/// A `linear_scan` node (`h_i = a_i·h_(i-1) + b_i`, from the end when `reverse`); inputs a, b.
#[derive(Debug)]
struct LinearScanOf {
    axis: usize,
    reverse: bool,
}

impl OpRule for LinearScanOf {
    fn name(&self) -> &'static str {
        "LinearScanBackward0"
    }

    fn backward(&self, grads: &[Option<Tensor>], r: &RuleInputs) -> Result<Grads> {
        let g = single_grad(grads)?;
        let (a, h) = saved_input_output(r)?;
        let needs = [r.need(0), r.need(1)];
        let [grad_a, grad_b] = linear_scan_backward(g, a, h, self.axis, self.reverse, needs)?;
        Ok(smallvec![grad_a, grad_b.filter(|_| r.need(1))])
    }

    fn tangent(&self, cx: &TangentInputs) -> Result<Tensor> {
        let tangents = [cx.t(0), cx.t(1)];
        linear_scan_tangent(tangents, cx.x(0), cx.out(), self.axis, self.reverse)
    }
}

/// The weight `exp(y_(k-1) - y_k)` (in `[0, 1]`) that step `k = 1..n` of a running
/// log-sum-exp `y` gives the value before it, along `axis` (`n - 1` of them): 0 where both are
/// the same infinity (no finite weight exists there; the masked difference keeps NaN out of
/// the derivatives of this expression).
fn carried_weights(y: &Tensor, axis: usize) -> Result<Tensor> {
    let n = y.shape()[axis];
    let step = y
        .narrow_axis(axis, 0, n - 1)?
        .sub(&y.narrow_axis(axis, 1, n - 1)?)?;
    let defined = step.eq(&step)?;
    let zero = Tensor::from_array(y.scalar_on(0.0, y.dtype())?);
    step.where_(&defined, &zero)?.exp()?.where_(&defined, &zero)
}

/// `t` with one element of `fill` added along `axis`, after its elements or before them.
fn padded(t: &Tensor, axis: usize, at_end: bool, fill: f64) -> Result<Tensor> {
    let mut edge_shape = t.shape();
    edge_shape[axis] = 1;
    let edge = Tensor::try_full(&edge_shape, fill, t.dtype(), t.device())?;
    let pieces = if at_end {
        [t.clone(), edge]
    } else {
        [edge, t.clone()]
    };
    Tensor::cat(&pieces, axis as isize)
}

/// The gradient of `y = cumprod(x)` along `axis`: `E_i·R_i`, with `E_i = y_(i-1)` the product
/// before `i` (1 at the start) and `R_i = g_i + x_(i+1)·R_(i+1)`; no division, so zeros in `x`
/// (one or several) get their exact gradient.
fn cumprod_backward(g: &Tensor, x: &Tensor, y: &Tensor, axis: usize) -> Result<Tensor> {
    if x.ndim() == 0 || x.numel() == 0 {
        return Ok(g.clone());
    }
    let before = y.shifted(axis, true, 1.0)?;
    let following = Tensor::linear_scan(&x.shifted(axis, false, 0.0)?, g, axis, true)?;
    before.mul(&following)
}

/// The tangent of `y = cumprod(x)`: `dy_i = x_i·dy_(i-1) + t_i·y_(i-1)`.
fn cumprod_tangent(t: &Tensor, x: &Tensor, y: &Tensor, axis: usize) -> Result<Tensor> {
    if x.ndim() == 0 || x.numel() == 0 {
        return Ok(t.clone());
    }
    let before = y.shifted(axis, true, 1.0)?;
    Tensor::linear_scan(x, &t.mul(&before)?, axis, false)
}

/// The gradient of `y = logcumsumexp(x)`: `exp(x_i - y_i)·S_i` with `S_i = g_i +
/// exp(y_i - y_(i+1))·S_(i+1)`, every factor at most 1.
fn logcumsumexp_backward(g: &Tensor, x: &Tensor, y: &Tensor, axis: usize) -> Result<Tensor> {
    let own = x.sub(y)?.exp()?;
    if x.ndim() == 0 || x.numel() == 0 {
        return g.mul(&own);
    }
    let carried = padded(&carried_weights(y, axis)?, axis, true, 0.0)?;
    Tensor::linear_scan(&carried, g, axis, true)?.mul(&own)
}

/// The tangent of `y = logcumsumexp(x)`: `dy_i = exp(y_(i-1) - y_i)·dy_(i-1) + exp(x_i - y_i)·t_i`.
fn logcumsumexp_tangent(t: &Tensor, x: &Tensor, y: &Tensor, axis: usize) -> Result<Tensor> {
    let own = t.mul(&x.sub(y)?.exp()?)?;
    if x.ndim() == 0 || x.numel() == 0 {
        return Ok(own);
    }
    let carried = padded(&carried_weights(y, axis)?, axis, false, 0.0)?;
    Tensor::linear_scan(&carried, &own, axis, false)
}

/// The gradients of `a` and `b` in `h = linear_scan(a, b)` (`need` says which are wanted): the
/// adjoint `λ` is the recurrence run the other way with each multiplier moved to the element it
/// now follows, `b`'s gradient is `λ` and `a`'s is `λ` times the previous `h` (0 at the start).
fn linear_scan_backward(
    g: &Tensor,
    a: &Tensor,
    h: &Tensor,
    axis: usize,
    reverse: bool,
    need: [bool; 2],
) -> Result<[Option<Tensor>; 2]> {
    if h.ndim() == 0 || h.numel() == 0 {
        let zero = Tensor::from_array(g.scalar_on(0.0, g.dtype())?);
        return Ok([need[0].then(|| g.mul(&zero)).transpose()?, Some(g.clone())]);
    }
    let adjoint = Tensor::linear_scan(&a.shifted(axis, reverse, 0.0)?, g, axis, !reverse)?;
    let grad_a = need[0]
        .then(|| adjoint.mul(&h.shifted(axis, !reverse, 0.0)?))
        .transpose()?;
    Ok([grad_a, Some(adjoint)])
}

/// The tangent of `h = linear_scan(a, b)` given the tangents of `a` and `b` (`None`: zero):
/// the same recurrence over `t_a·h_prev + t_b`.
fn linear_scan_tangent(
    [ta, tb]: [Option<&Tensor>; 2],
    a: &Tensor,
    h: &Tensor,
    axis: usize,
    reverse: bool,
) -> Result<Tensor> {
    let from_a = match ta {
        Some(ta) if h.ndim() == 0 => {
            Some(ta.mul(&Tensor::from_array(h.scalar_on(0.0, h.dtype())?))?)
        }
        Some(ta) => Some(ta.mul(&h.shifted(axis, !reverse, 0.0)?)?),
        None => None,
    };
    let driven = match (from_a, tb) {
        (Some(x), Some(y)) => x.add(y)?,
        (Some(x), None) => x,
        (None, Some(y)) => y.clone(),
        (None, None) => {
            return Err(Error::Autograd(
                "internal error: a tangent rule ran without a tangent".into(),
            ))
        }
    };
    Tensor::linear_scan(a, &driven, axis, reverse)
}
