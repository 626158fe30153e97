//! The fused optimizer updates: one call updates every parameter of a group, one pass over
//! each parameter's elements (`kernels/cpu/optim.rs` has the per-element rules). Python's
//! optimizers (through `ferrograd._core.fused_step`) and this crate's [`Adam`](super::Adam),
//! [`Sgd`](super::Sgd) and [`RMSprop`](super::RMSprop) call these same functions.
//!
//! A call applies only to plain host tensors: every parameter, gradient and state buffer
//! contiguous, on the CPU, of one floating dtype (float32 or float64) and one shape, the
//! gradients not requiring grad, the written tensors sharing no elements. Otherwise it changes
//! nothing and returns `Ok(false)`, and the caller takes the unfused path. Each written tensor's
//! version counter is bumped, as an in-place operation bumps it.

use crate::array::{DType, NdArray};
use crate::error::Result;
use crate::kernels::cpu::optim::{self as cpu_optim, Real, Rule};
use crate::tensor::Tensor;

pub use crate::kernels::cpu::optim::{
    AdadeltaScalars, AdagradScalars, AdamScalars, AdamaxScalars, AsgdScalars, NadamScalars,
    RadamScalars, RmspropScalars, RpropScalars, SgdScalars,
};

/// One parameter's tensors: the parameter, its gradient and the state buffers the rule
/// updates (in the rule's order).
pub struct Slot<'a> {
    /// The parameter, updated in place.
    pub param: &'a Tensor,
    /// Its gradient (read only).
    pub grad: &'a Tensor,
    /// Its state buffers, updated in place.
    pub buffers: Vec<&'a Tensor>,
}

fn plain(t: &Tensor, dtype: DType, shape: &[usize]) -> bool {
    let data = t.read();
    data.dtype() == dtype && data.device().is_cpu() && data.is_contiguous() && data.shape() == shape
}

/// Whether every slot can be updated by a fused kernel.
fn fusable(slots: &[Slot]) -> bool {
    let Some(first) = slots.first() else {
        return true;
    };
    let dtype = first.param.dtype();
    if !matches!(dtype, DType::Float32 | DType::Float64) {
        return false;
    }
    slots.iter().all(|s| {
        let shape = s.param.shape();
        let written = || std::iter::once(s.param).chain(s.buffers.iter().copied());
        plain(s.param, dtype, &shape)
            && plain(s.grad, dtype, &shape)
            && !s.grad.requires_grad()
            && s.buffers.iter().all(|b| plain(b, dtype, &shape))
            && written()
                .enumerate()
                .all(|(i, a)| written().skip(i + 1).all(|b| !a.shares_data(b)))
    })
}

/// Runs `rule_of(slot index)`'s update over every slot whose tensors are `T`.
fn run<T: Real, R: Rule>(slots: &[Slot], rule_of: &(impl Fn(usize) -> R + Sync)) -> Result<()> {
    for (i, s) in slots.iter().enumerate() {
        // The gradient is read through its own handle: it may share the parameter's storage.
        let grad: NdArray = s.grad.data();
        let mut param = s.param.write();
        // A gradient in the parameter's own storage is copied, so no slice read here aliases
        // the one written.
        let grad = match grad.shares_storage_with(&param) {
            true => crate::kernels::materialize(&grad)?,
            false => grad,
        };
        let mut guards: Vec<_> = s.buffers.iter().map(|b| b.write()).collect();
        let mut buffers: Vec<&mut [T]> = guards
            .iter_mut()
            // SAFETY: nothing in the engine holds a slice of these elements during the step
            // (another thread reading them through a view races, as in PyTorch: RELIABILITY.md).
            .map(|g| unsafe { g.as_mut_slice_shared::<T>() })
            .collect::<Result<_>>()?;
        // SAFETY: as for the buffers; `grad` was copied if it shared the parameter's storage.
        let p = unsafe { param.as_mut_slice_shared::<T>() }?;
        let rule = rule_of(i);
        cpu_optim::for_each_chunk(p, grad.as_slice::<T>()?, &mut buffers, |p, g, b| {
            rule.update(p, g, b)
        });
        drop(buffers);
        drop(guards);
        drop(param);
        s.param.bump_version();
        s.buffers.iter().for_each(|b| b.bump_version());
    }
    Ok(())
}

/// Applies the rule `rule_of(i)` to every slot `i` when they are all fusable; `Ok(false)`
/// (nothing changed) otherwise.
fn apply<R: Rule>(slots: &[Slot], rule_of: impl Fn(usize) -> R + Sync) -> Result<bool> {
    if !fusable(slots) {
        return Ok(false);
    }
    match slots.first().map(|s| s.param.dtype()) {
        Some(DType::Float32) => run::<f32, R>(slots, &rule_of)?,
        Some(DType::Float64) => run::<f64, R>(slots, &rule_of)?,
        _ => {}
    }
    Ok(true)
}

/// Adam/AdamW on every slot (buffers `exp_avg`, `exp_avg_sq`[, `max_exp_avg_sq`]);
/// `scalars[i]` holds slot `i`'s step count.
pub fn adam(slots: &[Slot], scalars: &[AdamScalars]) -> Result<bool> {
    apply(slots, |i| scalars[i])
}

/// SGD on every slot (buffer: the momentum buffer when `momentum != 0`); `first[i]`: slot
/// `i`'s buffer is new and takes the gradient.
pub fn sgd(slots: &[Slot], scalars: &SgdScalars, first: &[bool]) -> Result<bool> {
    apply(slots, |i| SgdScalars {
        first: first.get(i).copied().unwrap_or(false),
        ..*scalars
    })
}

/// RMSprop on every slot (buffers `square_avg`[, `momentum_buffer`][, `grad_avg`]).
pub fn rmsprop(slots: &[Slot], scalars: &RmspropScalars) -> Result<bool> {
    apply(slots, |_| *scalars)
}

/// Adagrad on every slot (buffer `sum`); `scalars[i]` holds slot `i`'s step count.
pub fn adagrad(slots: &[Slot], scalars: &[AdagradScalars]) -> Result<bool> {
    apply(slots, |i| scalars[i])
}

/// Adadelta on every slot (buffers `square_avg`, `acc_delta`).
pub fn adadelta(slots: &[Slot], scalars: &AdadeltaScalars) -> Result<bool> {
    apply(slots, |_| *scalars)
}

/// Adamax on every slot (buffers `exp_avg`, `exp_inf`); `scalars[i]` holds slot `i`'s step
/// count.
pub fn adamax(slots: &[Slot], scalars: &[AdamaxScalars]) -> Result<bool> {
    apply(slots, |i| scalars[i])
}

/// NAdam on every slot (buffers `exp_avg`, `exp_avg_sq`); `scalars[i]` holds slot `i`'s step
/// count and momentum product.
pub fn nadam(slots: &[Slot], scalars: &[NadamScalars]) -> Result<bool> {
    apply(slots, |i| scalars[i])
}

/// RAdam on every slot (buffers `exp_avg`, `exp_avg_sq`); `scalars[i]` holds slot `i`'s step
/// count.
pub fn radam(slots: &[Slot], scalars: &[RadamScalars]) -> Result<bool> {
    apply(slots, |i| scalars[i])
}

/// ASGD on every slot (buffer `ax`); `scalars[i]` holds slot `i`'s `eta` and `mu`.
pub fn asgd(slots: &[Slot], scalars: &[AsgdScalars]) -> Result<bool> {
    apply(slots, |i| scalars[i])
}

/// Rprop on every slot (buffers `prev`, `step_size`).
pub fn rprop(slots: &[Slot], scalars: &RpropScalars) -> Result<bool> {
    apply(slots, |_| *scalars)
}
