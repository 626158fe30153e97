//! The optimizers' update rules as one pass over each parameter's elements (PyTorch's "fused"
//! optimizers): the parameter, its gradient and its state buffers are read and written element
//! by element, instead of a dozen whole-tensor operations each making a temporary.
//!
//! Every rule computes with the same operations, in the same order and at the same precision
//! (scalars rounded to the element type first) as the chain of tensor operations it replaces
//! (`python/ferrograd/optim/*.py`), so the fused and the unfused update give the same bits.

use std::ops::{Add, Div, Mul, Neg, Sub};

use super::scalar::Scalar;
use crate::kernels::parallel;

/// The element types a fused update runs on (`f32`, `f64`).
pub(crate) trait Real:
    Scalar
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
}

impl Real for f32 {}
impl Real for f64 {}

/// A mutable slice that chunks of a parallel loop each take a disjoint range of.
struct Disjoint<T>(*mut T, usize);

// SAFETY: the loop hands every task its own range (see `Disjoint::range`).
unsafe impl<T: Send> Send for Disjoint<T> {}
unsafe impl<T: Send> Sync for Disjoint<T> {}

impl<T> Disjoint<T> {
    /// # Safety
    /// No two live ranges may overlap.
    #[allow(clippy::mut_from_ref)]
    unsafe fn range(&self, start: usize, len: usize) -> &mut [T] {
        assert!(start + len <= self.1);
        std::slice::from_raw_parts_mut(self.0.add(start), len)
    }
}

/// Calls `f(param, grad, buffers)` on matching chunks of the parameter, its gradient and its
/// state buffers (all of the parameter's length), chunked and run in parallel as the
/// elementwise kernels are (`parallel::for_each_chunk`).
pub(crate) fn for_each_chunk<T: Real>(
    param: &mut [T],
    grad: &[T],
    buffers: &mut [&mut [T]],
    f: impl Fn(&mut [T], &[T], &mut [&mut [T]]) + Sync,
) {
    let n = param.len();
    assert!(grad.len() == n && buffers.iter().all(|b| b.len() == n));
    let shared: Vec<Disjoint<T>> = buffers
        .iter_mut()
        .map(|b| Disjoint(b.as_mut_ptr(), n))
        .collect();
    parallel::for_each_chunk(param, 1, |start, p| {
        // SAFETY: `for_each_chunk` gives each call a disjoint range of the parameter, and the
        // buffers are split at the same ranges.
        let mut chunk: Vec<&mut [T]> = shared
            .iter()
            .map(|b| unsafe { b.range(start, p.len()) })
            .collect();
        f(p, &grad[start..start + p.len()], &mut chunk)
    });
}

/// The gradient as the update rules use it: negated when maximizing, plus `weight_decay · p`
/// (L2 regularisation) when that is given.
#[inline(always)]
fn decayed<T: Real>(g: T, p: T, maximize: bool, weight_decay: Option<T>) -> T {
    let g = if maximize { -g } else { g };
    match weight_decay {
        Some(wd) => g + p * wd,
        None => g,
    }
}

fn nonzero<T: Real>(value: f64) -> Option<T> {
    (value != 0.0).then(|| T::from_f64(value))
}

/// Adam's and AdamW's hyperparameters with this step's bias corrections.
#[derive(Clone, Copy, Debug)]
pub struct AdamScalars {
    /// The learning rate.
    pub lr: f64,
    /// The decay of the running mean of gradients.
    pub beta1: f64,
    /// The decay of the running mean of squared gradients.
    pub beta2: f64,
    /// Added to the denominator, for stability.
    pub eps: f64,
    /// The L2 penalty (Adam) or decoupled decay (AdamW) factor.
    pub weight_decay: f64,
    /// Ascend the gradient instead of descending it.
    pub maximize: bool,
    /// AdamW: the weights shrink by `1 - lr · weight_decay` instead of the L2 term.
    pub decoupled: bool,
    /// The parameter's step count (after this step).
    pub step: f64,
}

/// Adam's per-element constants, rounded to `T` as the tensor operations round them.
struct AdamConstants<T> {
    shrink: Option<T>,
    l2: Option<T>,
    maximize: bool,
    beta1: T,
    one_minus_beta1: T,
    beta2: T,
    one_minus_beta2: T,
    bias_correction2_sqrt: T,
    step_size: T,
    eps: T,
}

/// One element's Adam update (`vmax`: AMSGrad's running maximum).
#[inline(always)]
fn adam_element<T: Real>(
    k: &AdamConstants<T>,
    p: &mut T,
    g: T,
    m: &mut T,
    v: &mut T,
    vmax: Option<&mut T>,
) {
    let pi = match k.shrink {
        Some(shrink) => *p * shrink,
        None => *p,
    };
    let gi = decayed(g, pi, k.maximize, k.l2);
    let mi = *m * k.beta1 + k.one_minus_beta1 * gi;
    let vi = *v * k.beta2 + k.one_minus_beta2 * (gi * gi);
    *m = mi;
    *v = vi;
    let second = match vmax {
        Some(vmax) => {
            let most = vmax.maximum(vi);
            *vmax = most;
            most
        }
        None => vi,
    };
    let denom = second.sqrt() / k.bias_correction2_sqrt + k.eps;
    *p = pi + k.step_size * (mi / denom);
}

/// One Adam step over a chunk; `buffers` are `exp_avg`, `exp_avg_sq` and, with AMSGrad,
/// `max_exp_avg_sq`.
pub(crate) fn adam<T: Real>(s: &AdamScalars, p: &mut [T], g: &[T], buffers: &mut [&mut [T]]) {
    let k = AdamConstants {
        shrink: (s.decoupled && s.weight_decay != 0.0)
            .then(|| T::from_f64(1.0 - s.lr * s.weight_decay)),
        l2: if s.decoupled {
            None
        } else {
            nonzero::<T>(s.weight_decay)
        },
        maximize: s.maximize,
        beta1: T::from_f64(s.beta1),
        one_minus_beta1: T::from_f64(1.0 - s.beta1),
        beta2: T::from_f64(s.beta2),
        one_minus_beta2: T::from_f64(1.0 - s.beta2),
        bias_correction2_sqrt: T::from_f64((1.0 - s.beta2.powf(s.step)).powf(0.5)),
        step_size: T::from_f64(-s.lr / (1.0 - s.beta1.powf(s.step))),
        eps: T::from_f64(s.eps),
    };
    // One loop per buffer layout, each over zipped slices, so that it vectorises.
    match buffers {
        [m, v] => {
            for (((p, &g), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                adam_element(&k, p, g, m, v, None);
            }
        }
        [m, v, vmax] => {
            let lanes = p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut());
            for ((((p, &g), m), v), vmax) in lanes.zip(vmax.iter_mut()) {
                adam_element(&k, p, g, m, v, Some(vmax));
            }
        }
        _ => unreachable!("Adam's buffers are exp_avg, exp_avg_sq[, max_exp_avg_sq]"),
    }
}

/// SGD's hyperparameters.
#[derive(Clone, Copy, Debug)]
pub struct SgdScalars {
    /// The learning rate.
    pub lr: f64,
    /// The momentum factor (0 for none).
    pub momentum: f64,
    /// The momentum buffer adds `(1 - dampening)` times the gradient.
    pub dampening: f64,
    /// The L2 penalty.
    pub weight_decay: f64,
    /// Nesterov momentum.
    pub nesterov: bool,
    /// Ascend the gradient instead of descending it.
    pub maximize: bool,
    /// The momentum buffer is new: it takes the gradient itself.
    pub first: bool,
}

/// One SGD step over a chunk; `buffers` holds the momentum buffer when `momentum != 0`.
pub(crate) fn sgd<T: Real>(s: &SgdScalars, p: &mut [T], g: &[T], buffers: &mut [&mut [T]]) {
    let (l2, maximize) = (nonzero::<T>(s.weight_decay), s.maximize);
    let neg_lr = T::from_f64(-s.lr);
    let (momentum, damped) = (T::from_f64(s.momentum), T::from_f64(1.0 - s.dampening));
    let (first, nesterov) = (s.first, s.nesterov);
    match buffers {
        [] => {
            for (p, &g) in p.iter_mut().zip(g) {
                *p = *p + neg_lr * decayed(g, *p, maximize, l2);
            }
        }
        [buf] => {
            for ((p, &g), buf) in p.iter_mut().zip(g).zip(buf.iter_mut()) {
                let d = decayed(g, *p, maximize, l2);
                let b = if first {
                    d
                } else {
                    *buf * momentum + damped * d
                };
                *buf = b;
                let d = if nesterov { d + b * momentum } else { b };
                *p = *p + neg_lr * d;
            }
        }
        _ => unreachable!("SGD has at most a momentum buffer"),
    }
}

/// RMSprop's hyperparameters.
#[derive(Clone, Copy, Debug)]
pub struct RmspropScalars {
    /// The learning rate.
    pub lr: f64,
    /// The decay of the running mean of squared gradients.
    pub alpha: f64,
    /// Added to the denominator, for stability.
    pub eps: f64,
    /// The L2 penalty.
    pub weight_decay: f64,
    /// The momentum factor (0 for none).
    pub momentum: f64,
    /// Divide by the estimated variance instead of the mean square.
    pub centered: bool,
    /// Ascend the gradient instead of descending it.
    pub maximize: bool,
}

/// RMSprop's per-element constants.
struct RmspropConstants<T> {
    l2: Option<T>,
    maximize: bool,
    alpha: T,
    one_minus_alpha: T,
    eps: T,
    neg_lr: T,
    momentum: T,
}

/// One element's RMSprop update.
#[inline(always)]
fn rmsprop_element<T: Real>(
    k: &RmspropConstants<T>,
    p: &mut T,
    g: T,
    sq: &mut T,
    buf: Option<&mut T>,
    grad_avg: Option<&mut T>,
) {
    let gi = decayed(g, *p, k.maximize, k.l2);
    let si = *sq * k.alpha + k.one_minus_alpha * (gi * gi);
    *sq = si;
    let avg = match grad_avg {
        Some(ga) => {
            let a = *ga * k.alpha + k.one_minus_alpha * gi;
            *ga = a;
            (si - a * a).sqrt()
        }
        None => si.sqrt(),
    } + k.eps;
    let d = match buf {
        Some(b) => {
            let bi = *b * k.momentum + gi / avg;
            *b = bi;
            bi
        }
        None => gi / avg,
    };
    *p = *p + k.neg_lr * d;
}

/// One RMSprop step over a chunk; `buffers` are `square_avg`, then `momentum_buffer` when
/// `momentum > 0`, then `grad_avg` when centered.
pub(crate) fn rmsprop<T: Real>(s: &RmspropScalars, p: &mut [T], g: &[T], buffers: &mut [&mut [T]]) {
    let k = RmspropConstants {
        l2: nonzero::<T>(s.weight_decay),
        maximize: s.maximize,
        alpha: T::from_f64(s.alpha),
        one_minus_alpha: T::from_f64(1.0 - s.alpha),
        eps: T::from_f64(s.eps),
        neg_lr: T::from_f64(-s.lr),
        momentum: T::from_f64(s.momentum),
    };
    let lanes = p.iter_mut().zip(g);
    match (buffers, s.momentum > 0.0) {
        ([sq], _) => {
            for ((p, &g), sq) in lanes.zip(sq.iter_mut()) {
                rmsprop_element(&k, p, g, sq, None, None);
            }
        }
        ([sq, buf], true) => {
            for (((p, &g), sq), b) in lanes.zip(sq.iter_mut()).zip(buf.iter_mut()) {
                rmsprop_element(&k, p, g, sq, Some(b), None);
            }
        }
        ([sq, ga], false) => {
            for (((p, &g), sq), ga) in lanes.zip(sq.iter_mut()).zip(ga.iter_mut()) {
                rmsprop_element(&k, p, g, sq, None, Some(ga));
            }
        }
        ([sq, buf, ga], _) => {
            let lanes = lanes.zip(sq.iter_mut()).zip(buf.iter_mut());
            for ((((p, &g), sq), b), ga) in lanes.zip(ga.iter_mut()) {
                rmsprop_element(&k, p, g, sq, Some(b), Some(ga));
            }
        }
        _ => unreachable!("RMSprop's buffers are square_avg[, momentum_buffer][, grad_avg]"),
    }
}

/// Adagrad's hyperparameters.
#[derive(Clone, Copy, Debug)]
pub struct AdagradScalars {
    /// The learning rate.
    pub lr: f64,
    /// How fast the learning rate decays with the step count.
    pub lr_decay: f64,
    /// Added to the denominator, for stability.
    pub eps: f64,
    /// The L2 penalty.
    pub weight_decay: f64,
    /// Ascend the gradient instead of descending it.
    pub maximize: bool,
    /// The parameter's step count (after this step).
    pub step: f64,
}

/// One Adagrad step over a chunk; `buffers` holds the running sum of squares.
pub(crate) fn adagrad<T: Real>(s: &AdagradScalars, p: &mut [T], g: &[T], buffers: &mut [&mut [T]]) {
    let (l2, maximize) = (nonzero::<T>(s.weight_decay), s.maximize);
    let neg_lr = T::from_f64(-(s.lr / (1.0 + (s.step - 1.0) * s.lr_decay)));
    let eps = T::from_f64(s.eps);
    let [sum] = buffers else {
        unreachable!("Adagrad's one buffer is the sum of squares")
    };
    for ((p, &g), sum) in p.iter_mut().zip(g).zip(sum.iter_mut()) {
        let gi = decayed(g, *p, maximize, l2);
        let si = *sum + gi * gi;
        *sum = si;
        *p = *p + neg_lr * (gi / (si.sqrt() + eps));
    }
}
