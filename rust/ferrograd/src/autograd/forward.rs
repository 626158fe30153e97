//! Forward-mode automatic differentiation: dual levels, tangents, and the tangent (JVP) rule of
//! every recorded operation.
//!
//! Inside a dual level (`enter_dual_level`/`exit_dual_level`, or the `DualLevel` guard) a tensor
//! may carry a tangent (`Tensor::make_dual`). Every operation goes through `tensor::record`;
//! when a level is open and an input has a tangent, `record` hands over to `record_dual`, which
//! wraps the output as usual and then computes the output's tangent with the rule of the
//! operation, `jvp` below. This happens whatever the grad mode, and whether or not an input
//! requires grad. Rules are written with the same differentiable tensor operations as the
//! backward rules in `rules.rs`, so their results are themselves recorded (reverse-over-forward)
//! and, run inside a backward pass, give forward-over-reverse derivatives.
//!
//! One level can be open per thread at a time (as in PyTorch, nesting is refused); it is
//! identified by a process-wide id, so a tangent from an exited level is never read again.
//! Tangents of a level are dropped when it exits.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Weak;

use smallvec::SmallVec;

use super::arena::NodeKind;
use super::rules::Op;
use super::saved::Saved;
use crate::array::{DType, NdArray};
use crate::error::{Error, Result};
use crate::op_table::SavedValue;
use crate::tensor::{record, Tensor, TensorCell};

/// A tangent and the id of the dual level it belongs to (kept in a tensor's autograd metadata).
#[derive(Clone)]
pub(crate) struct Tangent {
    pub value: Tensor,
    pub level: u64,
}

/// Threads with an open dual level: the one check `record` makes when forward AD is unused.
static OPEN_LEVELS: AtomicUsize = AtomicUsize::new(0);
static NEXT_LEVEL_ID: AtomicU64 = AtomicU64::new(1);

struct Level {
    id: u64,
    /// Tensors given a tangent at this level (cleared on exit).
    duals: Vec<Weak<TensorCell>>,
    /// Recorded outputs whose node saved them: kept alive while the level is open, so that a
    /// backward pass inside the level unpacks them with their tangent (forward-over-reverse).
    keep: Vec<Tensor>,
    prune_at: usize,
}

thread_local! {
    static LEVEL: RefCell<Option<Level>> = const { RefCell::new(None) };
    /// Id of this thread's open level, 0 when none.
    static ACTIVE: Cell<u64> = const { Cell::new(0) };
    /// Set while a tangent rule runs: its own operations do not propagate tangents.
    static SUSPENDED: Cell<bool> = const { Cell::new(false) };
}

fn active_id() -> u64 {
    ACTIVE.with(Cell::get)
}

/// Whether operations must propagate tangents now (a dual level is open on this thread).
#[inline]
pub(crate) fn is_active() -> bool {
    OPEN_LEVELS.load(Ordering::Relaxed) != 0 && active_id() != 0 && !SUSPENDED.with(Cell::get)
}

struct Suspend(bool);

impl Suspend {
    fn new() -> Suspend {
        Suspend(SUSPENDED.with(|s| s.replace(true)))
    }
}

impl Drop for Suspend {
    fn drop(&mut self) {
        SUSPENDED.with(|s| s.set(self.0));
    }
}

/// Opens a dual level on this thread and returns its index (always 0: levels do not nest).
pub fn enter_dual_level() -> Result<usize> {
    if active_id() != 0 {
        return Err(Error::Autograd(
            "Nested forward mode AD is not supported at the moment: exit the current dual level before entering a new one"
                .into(),
        ));
    }
    let id = NEXT_LEVEL_ID.fetch_add(1, Ordering::Relaxed);
    LEVEL.with(|l| {
        *l.borrow_mut() = Some(Level {
            id,
            duals: Vec::new(),
            keep: Vec::new(),
            prune_at: 1024,
        })
    });
    ACTIVE.with(|a| a.set(id));
    OPEN_LEVELS.fetch_add(1, Ordering::Relaxed);
    Ok(0)
}

/// Closes this thread's dual level `level` and drops every tangent it holds.
pub fn exit_dual_level(level: usize) -> Result<()> {
    if active_id() == 0 || level != 0 {
        return Err(Error::Autograd(format!(
            "Trying to exit a forward AD level that was not the last one that was created (level {level}, {})",
            if active_id() == 0 { "no level is open".to_string() } else { "the open level is 0".to_string() }
        )));
    }
    let state = LEVEL
        .with(|l| l.borrow_mut().take())
        .expect("an open level has its state");
    ACTIVE.with(|a| a.set(0));
    OPEN_LEVELS.fetch_sub(1, Ordering::Relaxed);
    let mut dropped: Vec<Tangent> = Vec::new();
    for weak in &state.duals {
        if let Some(cell) = weak.upgrade() {
            let tensor = Tensor(cell);
            let mut meta = tensor.meta();
            if meta.tangent.as_ref().is_some_and(|t| t.level == state.id) {
                dropped.extend(meta.tangent.take());
            }
        }
    }
    // Dropped outside the metadata locks: freeing a tangent may free graph nodes.
    drop(dropped);
    drop(state);
    Ok(())
}

/// The index of this thread's open dual level, if any.
pub fn current_dual_level() -> Option<usize> {
    (active_id() != 0).then_some(0)
}

/// Keeps a dual level open for its lifetime (`let _level = DualLevel::new()?;`).
#[must_use = "the dual level exits when the guard is dropped"]
pub struct DualLevel {
    level: usize,
}

impl DualLevel {
    /// Enters a new dual level.
    ///
    /// # Errors
    ///
    /// [`Error::Autograd`] when a level is already open on this thread
    /// (forward mode does not nest).
    pub fn new() -> Result<DualLevel> {
        Ok(DualLevel {
            level: enter_dual_level()?,
        })
    }

    /// The id of the open level (what tangents are tagged with).
    pub fn level(&self) -> usize {
        self.level
    }
}

impl Drop for DualLevel {
    fn drop(&mut self) {
        let _ = exit_dual_level(self.level);
    }
}

/// Runs `f` inside a new dual level.
pub fn dual_level<R>(f: impl FnOnce() -> R) -> Result<R> {
    let _level = DualLevel::new()?;
    Ok(f())
}

/// The tangent of `t` at the open level (whatever the suspension).
fn tangent_of(t: &Tensor) -> Option<Tensor> {
    let id = active_id();
    if id == 0 {
        return None;
    }
    let meta = t.meta();
    meta.tangent
        .as_ref()
        .filter(|g| g.level == id)
        .map(|g| g.value.clone())
}

/// Gives `t` the tangent `value` at the open level (`keep`: hold `t` until the level exits).
fn attach(t: &Tensor, value: Option<Tensor>, keep: bool) {
    let id = active_id();
    if id == 0 {
        return;
    }
    let old = std::mem::replace(
        &mut t.meta().tangent,
        value.map(|value| Tangent { value, level: id }),
    );
    drop(old);
    LEVEL.with(|l| {
        let mut l = l.borrow_mut();
        let Some(level) = l.as_mut() else { return };
        level.duals.push(std::sync::Arc::downgrade(&t.0));
        if level.duals.len() >= level.prune_at {
            level.duals.retain(|w| w.strong_count() > 0);
            level.prune_at = (2 * level.duals.len()).max(1024);
        }
        if keep {
            level.keep.push(t.clone());
        }
    });
}

/// Whether any of `tensors` has a tangent at the open level.
pub(crate) fn any_dual(tensors: &[&Tensor]) -> bool {
    OPEN_LEVELS.load(Ordering::Relaxed) != 0 && tensors.iter().any(|t| tangent_of(t).is_some())
}

type Tangents = SmallVec<[Option<Tensor>; 2]>;

/// The tangents of `inputs`, or `None` when none has one.
pub(crate) fn input_tangents(inputs: &[&Tensor]) -> Option<Tangents> {
    let tangents: Tangents = inputs.iter().map(|t| tangent_of(t)).collect();
    tangents.iter().any(Option::is_some).then_some(tangents)
}

/// An error for nodes without a tangent rule (multi-output and custom nodes) when an input is dual.
pub(crate) fn refuse_dual_inputs(inputs: &[&Tensor], what: impl FnOnce() -> String) -> Result<()> {
    if is_active() && input_tangents(inputs).is_some() {
        return Err(Error::Autograd(format!(
            "forward-mode AD is not implemented for {}: an input has a tangent (multi-output and custom nodes have no tangent rule)",
            what()
        )));
    }
    Ok(())
}

/// `record_many`'s refusal, naming the node.
pub(crate) fn refuse_node(kind: &NodeKind, inputs: &[&Tensor]) -> Result<()> {
    refuse_dual_inputs(inputs, || match kind {
        NodeKind::Op(op) => op.name().to_string(),
        NodeKind::AccumulateGrad { .. } => super::arena::ACCUMULATE_GRAD_NAME.to_string(),
        NodeKind::Custom(c) => c.name(),
    })
}

/// `record` for an operation with a dual input: wraps (and maybe records) the output, then
/// gives it the tangent computed by the operation's rule.
/// A node's `save` callback behind a pointer.
type BoxedSave<'a> = Box<dyn FnOnce(&Tensor) -> SmallVec<[Saved; 2]> + 'a>;

pub(crate) fn record_dual(
    op: Op,
    inputs: &[&Tensor],
    output: NdArray,
    save: impl FnOnce(&Tensor) -> SmallVec<[Saved; 2]>,
    tangents: Tangents,
) -> Result<Tensor> {
    let rule = op.clone();
    let mut save = Some(save);
    let mut saved: SmallVec<[Saved; 2]> = SmallVec::new();
    let out = {
        let _suspend = Suspend::new();
        // Boxed, so that `record` -> `record_dual` -> `record` instantiates a finite set of types.
        let save_once: BoxedSave<'_> = Box::new(|out| {
            let values = (save.take().expect("save runs once"))(out);
            saved = values.clone();
            values
        });
        record(op, inputs, output, save_once)?
    };
    if let Some(save) = save.take() {
        // Not recorded: the rule may still need what the node would have saved (indices).
        saved = save(&out);
    }
    let tangent = {
        let _suspend = Suspend::new();
        let cx = TangentInputs {
            inputs,
            tangents: &tangents,
            out: &out,
            saved: &saved,
        };
        jvp(&rule, &cx)
            .and_then(|t| conform(t, &out))
            .map_err(|e| match e {
                Error::Autograd(msg) if msg.contains("internal error") => {
                    Error::Autograd(format!("{msg} (in the tangent rule of {})", rule.name()))
                }
                other => other,
            })?
    };
    let keep = out.grad_fn().is_some() && saved.iter().any(|s| matches!(s, Saved::Output(_)));
    attach(&out, Some(tangent), keep);
    Ok(out)
}

/// A tangent in its output's shape and dtype (a rule may return it broadcastable or promoted).
fn conform(t: Tensor, out: &Tensor) -> Result<Tensor> {
    let shape = out.shape();
    let t = if t.shape() == shape {
        t
    } else {
        t.expand(&shape.iter().map(|&s| s as isize).collect::<Vec<_>>())?
    };
    if t.dtype() != out.dtype() && out.dtype().is_floating() {
        t.to_dtype(out.dtype())
    } else {
        Ok(t)
    }
}

impl Tensor {
    /// A dual tensor at the open level: this tensor's elements and graph, with `tangent`
    /// (same shape; cast to this tensor's dtype). This tensor itself is left as it is.
    pub fn make_dual(&self, tangent: &Tensor) -> Result<Tensor> {
        if active_id() == 0 {
            return Err(Error::Autograd(
                "make_dual: no dual level is open; enter one first (forward_ad.dual_level() / enter_dual_level())"
                    .into(),
            ));
        }
        if !self.dtype().is_floating() {
            return Err(Error::DType(format!(
                "Expected primal to be floating point, but got: {}",
                self.dtype()
            )));
        }
        if !tangent.dtype().is_floating() {
            return Err(Error::DType(format!(
                "Expected tangent to be floating point, but got: {}",
                tangent.dtype()
            )));
        }
        if tangent.shape() != self.shape() {
            return Err(Error::Shape(format!(
                "Trying to set a forward gradient that has a different size than that of the original Tensor, this is not supported. Tensor is of size {:?} while the given forward gradient is of size {:?}.",
                self.shape().as_slice(),
                tangent.shape().as_slice()
            )));
        }
        if tangent.device() != self.device() {
            return Err(Error::Device(format!(
                "make_dual: the tangent is on {} but the primal is on {}",
                tangent.device(),
                self.device()
            )));
        }
        let tangent = {
            let _suspend = Suspend::new();
            tangent.to_dtype(self.dtype())?
        };
        let dual = self.alias();
        attach(&dual, Some(tangent), false);
        Ok(dual)
    }

    /// The tangent of this tensor at the open dual level.
    pub fn tangent(&self) -> Option<Tensor> {
        tangent_of(self)
    }

    /// `(primal, tangent)`: the primal shares this tensor's elements and graph but has no
    /// tangent; it is this tensor itself when it has none.
    pub fn unpack_dual(&self) -> (Tensor, Option<Tensor>) {
        match tangent_of(self) {
            None => (self.clone(), None),
            Some(t) => (self.alias(), Some(t)),
        }
    }

    /// After an in-place operation recorded as `result`, this tensor takes `result`'s tangent.
    pub(crate) fn take_tangent_of(&self, result: &Tensor) {
        if OPEN_LEVELS.load(Ordering::Relaxed) != 0 && active_id() != 0 && !self.same(result) {
            attach(self, tangent_of(result), false);
        }
    }
}

/// What a tangent rule sees: the inputs, their tangents (`None`: zero), the output and the
/// values the node saved (or would have saved).
pub(crate) struct TangentInputs<'a> {
    inputs: &'a [&'a Tensor],
    tangents: &'a [Option<Tensor>],
    out: &'a Tensor,
    saved: &'a [Saved],
}

impl TangentInputs<'_> {
    /// Input `i`.
    pub(crate) fn x(&self, i: usize) -> &Tensor {
        self.inputs[i]
    }

    /// The number of inputs.
    pub(crate) fn num_inputs(&self) -> usize {
        self.inputs.len()
    }

    /// The output (its value; its tangent is what the rule computes).
    pub(crate) fn out(&self) -> &Tensor {
        self.out
    }

    /// Input `i`'s tangent (`None`: zero).
    pub(crate) fn t(&self, i: usize) -> Option<&Tensor> {
        self.tangents.get(i).and_then(Option::as_ref)
    }

    /// The tangent of a one-input operation.
    pub(crate) fn t0(&self) -> Result<&Tensor> {
        self.t(0).ok_or_else(|| {
            Error::Autograd("internal error: a tangent rule ran without a tangent".into())
        })
    }

    /// A tensor the node saved as an input (an index, a condition).
    pub(crate) fn saved(&self, i: usize) -> Result<&Tensor> {
        match self.saved.get(i) {
            Some(Saved::Input { tensor, .. }) => Ok(tensor),
            _ => Err(Error::Autograd(
                "internal error: a value the tangent rule needs was not saved".into(),
            )),
        }
    }

    /// `f` of input `i`'s tangent, `None` when it has none.
    fn term(&self, i: usize, f: impl FnOnce(&Tensor) -> Result<Tensor>) -> Result<Option<Tensor>> {
        self.t(i).map(f).transpose()
    }

    fn zeros(&self, shape: &[usize]) -> Result<Tensor> {
        let out = self.out;
        Tensor::try_full(shape, 0.0, out.dtype(), out.device())
    }

    /// Input `i`'s tangent, or zeros of its shape.
    pub(crate) fn t_or_zeros(&self, i: usize) -> Result<Tensor> {
        match self.t(i) {
            Some(t) => Ok(t.clone()),
            None => self.zeros(&self.x(i).shape()),
        }
    }
}

fn scalar(value: f64, like: &Tensor) -> Result<Tensor> {
    let dtype = if like.dtype().is_floating() {
        like.dtype()
    } else {
        DType::DEFAULT_FLOAT
    };
    Ok(Tensor::from_array(like.scalar_on(value, dtype)?))
}

/// The sum of the terms that are present (at least one is: some input has a tangent).
fn sum(terms: [Option<Tensor>; 2]) -> Result<Tensor> {
    match terms {
        [Some(a), Some(b)] => a.add(&b),
        [Some(a), None] | [None, Some(a)] => Ok(a),
        [None, None] => Err(Error::Autograd(
            "internal error: a tangent rule ran without a tangent".into(),
        )),
    }
}

fn isize_dims(dims: &[usize]) -> Vec<isize> {
    dims.iter().map(|&d| d as isize).collect()
}

/// The tangent of `op`'s output, given the tangents of its inputs (J·v).
fn jvp(op: &Op, cx: &TangentInputs) -> Result<Tensor> {
    let out = cx.out;
    Ok(match op {
        Op::Unary(f) => {
            let saved = match f.saves() {
                SavedValue::Nothing => None,
                SavedValue::Input => Some(cx.x(0)),
                SavedValue::Output => Some(out),
            };
            f.derivative(cx.t0()?, saved)?
        }
        Op::Rule(rule) => rule.tangent(cx)?,
        Op::Binary(f) => {
            let saved = [Some(cx.x(0)), Some(cx.x(1))];
            // An input without a derivative (a constant exponent) contributes nothing.
            let differentiable = f.differentiable();
            let term = |i: usize| match differentiable[i] {
                true => cx.term(i, |t| f.derivative(i, t, saved)),
                false => Ok(None),
            };
            sum([term(0)?, term(1)?])?
        }
        Op::Clamp(bounds) => super::rules::masked(cx.t0()?, &bounds.strictly_inside(cx.x(0))?)?,
        Op::Where => {
            let cond = cx.saved(0)?;
            let zero = scalar(0.0, out)?;
            let a = cx.t(0).cloned().unwrap_or_else(|| zero.clone());
            let b = cx.t(1).cloned().unwrap_or(zero);
            a.where_(cond, &b)?
        }
        Op::Sum(s) => {
            if s.all {
                cx.t0()?.sum()?
            } else {
                cx.t0()?.sum_dims(&isize_dims(&s.axes), s.keepdim)?
            }
        }
        Op::NanSum(s) => {
            let x = cx.saved(0)?;
            let tangent = super::rules::masked(cx.t0()?, &x.eq(x)?)?;
            tangent.sum_dims(&isize_dims(&s.axes), s.keepdim)?
        }
        Op::Mean(m) => {
            if m.all {
                cx.t0()?.mean()?
            } else {
                cx.t0()?.mean_dims(&isize_dims(&m.axes), m.keepdim)?
            }
        }
        Op::MaxAll | Op::MinAll => {
            // The even split among ties that the backward rule uses.
            let mask = super::rules::extremum_mask(cx.x(0), out)?.to_dtype(cx.t0()?.dtype())?;
            cx.t0()?.mul(&mask)?.sum()?.div(&mask.sum()?)?
        }
        Op::ExtremeDim { axis, keepdim, .. } => {
            let indices = cx.saved(0)?;
            let axis = *axis as isize;
            if *keepdim {
                cx.t0()?.gather(axis, indices)?
            } else {
                cx.t0()?
                    .gather(axis, &indices.unsqueeze(axis)?)?
                    .squeeze(Some(axis))?
            }
        }
        Op::Reshape { .. } => cx.t0()?.reshape(&isize_dims(&out.shape()))?,
        Op::Strided(s) => cx.t0()?.strided(s.view.clone(), s.name)?,
        Op::StridedScatter(view) => cx.t0()?.strided_scatter((**view).clone(), &out.shape())?,
        Op::CopySlices(view) => {
            let src = cx.t(1).cloned().map_or_else(|| scalar(0.0, out), Ok)?;
            cx.t_or_zeros(0)?.strided_assigned((**view).clone(), &src)?
        }
        Op::ToCopy => cx.t0()?.to_dtype(out.dtype())?,
        Op::ToDevice { .. } => cx.t0()?.to_device(out.device())?,
        Op::Clone => cx.t0()?.clone_tensor()?,
        Op::Matmul { .. } => sum([
            cx.term(0, |t| t.matmul(cx.x(1)))?,
            cx.term(1, |t| cx.x(0).matmul(t))?,
        ])?,
        Op::MatmulTransposed { trans, .. } => {
            let (a, b) = (cx.x(0), cx.x(1));
            let product = [
                cx.term(0, |t| t.matmul_transposed(b, *trans, None))?,
                cx.term(1, |t| a.matmul_transposed(t, *trans, None))?,
            ];
            match cx.t(2) {
                None => sum(product)?,
                Some(bias) if product.iter().any(Option::is_some) => sum(product)?.add(bias)?,
                Some(bias) => bias.expand(&isize_dims(&out.shape()))?,
            }
        }
        Op::LogSumExp { axis, keepdim } => {
            // sum(t * exp(x - out)) over the axis
            let (x, t) = (cx.x(0), cx.t0()?);
            if x.ndim() == 0 {
                t.clone()
            } else {
                let kept = if *keepdim {
                    out.clone()
                } else {
                    out.unsqueeze(*axis as isize)?
                };
                t.mul(&x.sub(&kept)?.exp()?)?
                    .sum_dims(&[*axis as isize], *keepdim)?
            }
        }
        Op::IndexSelect { axis } => cx.t0()?.index_select(*axis as isize, cx.saved(0)?)?,
        Op::IndexAdd { axis, size } => {
            cx.t0()?
                .index_add_zeros(*axis as isize, cx.saved(0)?, *size)?
        }
        Op::Im2col(window) => cx.t0()?.im2col(**window)?,
        Op::Col2im(w) => cx.t0()?.col2im(w.0, w.1)?,
        Op::Cumsum { axis, reverse } => cx.t0()?.cumsum_along(*axis, *reverse)?,
    })
}
