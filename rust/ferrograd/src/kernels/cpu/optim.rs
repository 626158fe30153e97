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
    + PartialOrd
{
}

impl Real for f32 {}
impl Real for f64 {}

/// An optimizer's update of one chunk of a parameter, its gradient and its state buffers, for
/// either element type: the scalars of one parameter's step implement it.
pub(crate) trait Rule: Sync {
    /// Updates `p` and `buffers` in place from `g`.
    fn update<T: Real>(&self, p: &mut [T], g: &[T], buffers: &mut [&mut [T]]);
}

/// Makes each scalars type a [`Rule`] through its update function.
macro_rules! rules {
    ($($scalars:ty => $update:ident),* $(,)?) => {
        $(impl Rule for $scalars {
            fn update<T: Real>(&self, p: &mut [T], g: &[T], buffers: &mut [&mut [T]]) {
                $update(self, p, g, buffers)
            }
        })*
    };
}

rules!(
    AdamScalars => adam,
    SgdScalars => sgd,
    RmspropScalars => rmsprop,
    AdagradScalars => adagrad,
    AdadeltaScalars => adadelta,
    AdamaxScalars => adamax,
    NadamScalars => nadam,
    RadamScalars => radam,
    AsgdScalars => asgd,
    RpropScalars => rprop,
);

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

/// Weight decay as `(shrink, l2)`: decoupled (AdamW's), the weights scaled by
/// `1 - lr · weight_decay` before the update; otherwise `weight_decay · p` added to the gradient.
fn weight_decay_terms<T: Real>(
    lr: f64,
    weight_decay: f64,
    decoupled: bool,
) -> (Option<T>, Option<T>) {
    match (decoupled, weight_decay != 0.0) {
        (_, false) => (None, None),
        (true, true) => (Some(T::from_f64(1.0 - lr * weight_decay)), None),
        (false, true) => (None, Some(T::from_f64(weight_decay))),
    }
}

/// The parameter after decoupled weight decay, and the gradient as the rules use it (see
/// [`weight_decay_terms`] and [`decayed`]).
#[inline(always)]
fn shrunk_and_decayed<T: Real>(
    p: T,
    g: T,
    shrink: Option<T>,
    maximize: bool,
    l2: Option<T>,
) -> (T, T) {
    let p = match shrink {
        Some(shrink) => p * shrink,
        None => p,
    };
    (p, decayed(g, p, maximize, l2))
}

/// `beta · average + (1 - beta) · value`, as `mul_(beta).add_(value, alpha=1 - beta)` computes
/// it (`one_minus_beta` rounded to the element type on its own).
#[inline(always)]
fn moving_average<T: Real>(average: T, value: T, beta: T, one_minus_beta: T) -> T {
    average * beta + one_minus_beta * value
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
    let (pi, gi) = shrunk_and_decayed(*p, g, k.shrink, k.maximize, k.l2);
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
    let (shrink, l2) = weight_decay_terms(s.lr, s.weight_decay, s.decoupled);
    let k = AdamConstants {
        shrink,
        l2,
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

/// Adadelta's hyperparameters.
#[derive(Clone, Copy, Debug)]
pub struct AdadeltaScalars {
    /// The learning rate scaling each step.
    pub lr: f64,
    /// The decay of both running averages.
    pub rho: f64,
    /// Added inside both square roots.
    pub eps: f64,
    /// The L2 penalty added to the gradient.
    pub weight_decay: f64,
    /// Ascend instead of descending.
    pub maximize: bool,
}

/// One Adadelta step over a chunk; `buffers` are `square_avg` and `acc_delta`.
pub(crate) fn adadelta<T: Real>(
    s: &AdadeltaScalars,
    p: &mut [T],
    g: &[T],
    buffers: &mut [&mut [T]],
) {
    let (l2, maximize) = (nonzero::<T>(s.weight_decay), s.maximize);
    let (rho, one_minus_rho) = (T::from_f64(s.rho), T::from_f64(1.0 - s.rho));
    let (eps, neg_lr) = (T::from_f64(s.eps), T::from_f64(-s.lr));
    let [square_avg, acc_delta] = buffers else {
        unreachable!("Adadelta's buffers are square_avg, acc_delta")
    };
    let lanes = p.iter_mut().zip(g).zip(square_avg.iter_mut());
    for (((p, &g), sq), acc) in lanes.zip(acc_delta.iter_mut()) {
        let gi = decayed(g, *p, maximize, l2);
        let si = moving_average(*sq, gi * gi, rho, one_minus_rho);
        *sq = si;
        let delta = (*acc + eps).sqrt() / (si + eps).sqrt() * gi;
        *acc = moving_average(*acc, delta * delta, rho, one_minus_rho);
        *p = *p + neg_lr * delta;
    }
}

/// Adamax's hyperparameters with the parameter's step count.
#[derive(Clone, Copy, Debug)]
pub struct AdamaxScalars {
    /// The learning rate.
    pub lr: f64,
    /// The decay of the first moment.
    pub beta1: f64,
    /// The decay of the infinity norm.
    pub beta2: f64,
    /// Added to `|g|` before the maximum.
    pub eps: f64,
    /// The L2 penalty added to the gradient.
    pub weight_decay: f64,
    /// Ascend instead of descending.
    pub maximize: bool,
    /// The parameter's step count (after this step).
    pub step: f64,
}

/// One Adamax step over a chunk; `buffers` are `exp_avg` and `exp_inf`.
pub(crate) fn adamax<T: Real>(s: &AdamaxScalars, p: &mut [T], g: &[T], buffers: &mut [&mut [T]]) {
    let (l2, maximize) = (nonzero::<T>(s.weight_decay), s.maximize);
    let (beta1, one_minus_beta1) = (T::from_f64(s.beta1), T::from_f64(1.0 - s.beta1));
    let (beta2, eps) = (T::from_f64(s.beta2), T::from_f64(s.eps));
    let step_size = T::from_f64(-s.lr / (1.0 - s.beta1.powf(s.step)));
    let [exp_avg, exp_inf] = buffers else {
        unreachable!("Adamax's buffers are exp_avg, exp_inf")
    };
    let lanes = p.iter_mut().zip(g).zip(exp_avg.iter_mut());
    for (((p, &g), m), u) in lanes.zip(exp_inf.iter_mut()) {
        let gi = decayed(g, *p, maximize, l2);
        let mi = moving_average(*m, gi, beta1, one_minus_beta1);
        *m = mi;
        let ui = (*u * beta2).maximum(gi.abs() + eps);
        *u = ui;
        *p = *p + step_size * (mi / ui);
    }
}

/// NAdam's hyperparameters: Adam's (with the parameter's step count), the momentum schedule
/// and the parameter's momentum product.
#[derive(Clone, Copy, Debug)]
pub struct NadamScalars {
    /// Adam's hyperparameters and step count.
    pub adam: AdamScalars,
    /// The momentum schedule's `ψ`: `μₜ = β1 · (1 - 0.96^(t·ψ) / 2)`.
    pub momentum_decay: f64,
    /// The product of the `μ` up to this step's, as the state keeps it.
    pub mu_product: f64,
}

/// One NAdam step over a chunk; `buffers` are `exp_avg` and `exp_avg_sq`.
pub(crate) fn nadam<T: Real>(n: &NadamScalars, p: &mut [T], g: &[T], buffers: &mut [&mut [T]]) {
    let (s, mu_product) = (&n.adam, n.mu_product);
    let (shrink, l2) = weight_decay_terms::<T>(s.lr, s.weight_decay, s.decoupled);
    let mu_at = |t: f64| s.beta1 * (1.0 - 0.5 * 0.96f64.powf(t * n.momentum_decay));
    let (mu, mu_next) = (mu_at(s.step), mu_at(s.step + 1.0));
    let grad_step = T::from_f64(-s.lr * (1.0 - mu) / (1.0 - mu_product));
    let momentum_step = T::from_f64(-s.lr * mu_next / (1.0 - mu_product * mu_next));
    let (beta1, one_minus_beta1) = (T::from_f64(s.beta1), T::from_f64(1.0 - s.beta1));
    let (beta2, one_minus_beta2) = (T::from_f64(s.beta2), T::from_f64(1.0 - s.beta2));
    let bias_correction2 = T::from_f64(1.0 - s.beta2.powf(s.step));
    let eps = T::from_f64(s.eps);
    let [exp_avg, exp_avg_sq] = buffers else {
        unreachable!("NAdam's buffers are exp_avg, exp_avg_sq")
    };
    let lanes = p.iter_mut().zip(g).zip(exp_avg.iter_mut());
    for (((p, &g), m), v) in lanes.zip(exp_avg_sq.iter_mut()) {
        let (pi, gi) = shrunk_and_decayed(*p, g, shrink, s.maximize, l2);
        let mi = moving_average(*m, gi, beta1, one_minus_beta1);
        let vi = moving_average(*v, gi * gi, beta2, one_minus_beta2);
        *m = mi;
        *v = vi;
        let denom = (vi / bias_correction2).sqrt() + eps;
        let pi = pi + grad_step * (gi / denom);
        *p = pi + momentum_step * (mi / denom);
    }
}

/// RAdam's hyperparameters with the parameter's step count: Adam's.
#[derive(Clone, Copy, Debug)]
pub struct RadamScalars(pub AdamScalars);

impl RadamScalars {
    /// The rectification term once the variance is tractable (`rho_t > 5`), else `None` (the
    /// step is then plain momentum).
    fn rectification(&self) -> Option<f64> {
        let AdamScalars { beta2, step, .. } = self.0;
        let bias_correction2 = 1.0 - beta2.powf(step);
        let rho_inf = 2.0 / (1.0 - beta2) - 1.0;
        let rho = rho_inf - 2.0 * step * beta2.powf(step) / bias_correction2;
        (rho > 5.0).then(|| {
            ((rho - 4.0) * (rho - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho)).sqrt()
        })
    }
}

/// One RAdam step over a chunk; `buffers` are `exp_avg` and `exp_avg_sq`.
pub(crate) fn radam<T: Real>(r: &RadamScalars, p: &mut [T], g: &[T], buffers: &mut [&mut [T]]) {
    let s = &r.0;
    let (shrink, l2) = weight_decay_terms::<T>(s.lr, s.weight_decay, s.decoupled);
    let (beta1, one_minus_beta1) = (T::from_f64(s.beta1), T::from_f64(1.0 - s.beta1));
    let (beta2, one_minus_beta2) = (T::from_f64(s.beta2), T::from_f64(1.0 - s.beta2));
    let bias_correction1 = T::from_f64(1.0 - s.beta1.powf(s.step));
    let bias_correction2_sqrt = T::from_f64((1.0 - s.beta2.powf(s.step)).sqrt());
    let (lr, eps) = (T::from_f64(s.lr), T::from_f64(s.eps));
    let rect = r.rectification().map(T::from_f64);
    let [exp_avg, exp_avg_sq] = buffers else {
        unreachable!("RAdam's buffers are exp_avg, exp_avg_sq")
    };
    let lanes = p.iter_mut().zip(g).zip(exp_avg.iter_mut());
    for (((p, &g), m), v) in lanes.zip(exp_avg_sq.iter_mut()) {
        let (pi, gi) = shrunk_and_decayed(*p, g, shrink, s.maximize, l2);
        let mi = moving_average(*m, gi, beta1, one_minus_beta1);
        let vi = moving_average(*v, gi * gi, beta2, one_minus_beta2);
        *m = mi;
        *v = vi;
        let scaled = mi / bias_correction1 * lr;
        *p = pi
            - match rect {
                Some(rect) => scaled * (bias_correction2_sqrt / (vi.sqrt() + eps)) * rect,
                None => scaled,
            };
    }
}

/// ASGD's hyperparameters with the parameter's current `eta` and `mu`.
#[derive(Clone, Copy, Debug)]
pub struct AsgdScalars {
    /// The decay term `λ`.
    pub lambd: f64,
    /// The L2 penalty added to the gradient.
    pub weight_decay: f64,
    /// Ascend instead of descending.
    pub maximize: bool,
    /// This step's learning rate `η` (the parameter's state).
    pub eta: f64,
    /// This step's averaging weight `μ` (the parameter's state).
    pub mu: f64,
}

/// One ASGD step over a chunk; `buffers` holds the running average `ax`.
pub(crate) fn asgd<T: Real>(s: &AsgdScalars, p: &mut [T], g: &[T], buffers: &mut [&mut [T]]) {
    let (l2, maximize) = (nonzero::<T>(s.weight_decay), s.maximize);
    let (shrink, neg_eta) = (T::from_f64(1.0 - s.lambd * s.eta), T::from_f64(-s.eta));
    let mu = (s.mu != 1.0).then(|| T::from_f64(s.mu));
    let [ax] = buffers else {
        unreachable!("ASGD's one buffer is the average ax")
    };
    for ((p, &g), ax) in p.iter_mut().zip(g).zip(ax.iter_mut()) {
        let gi = decayed(g, *p, maximize, l2);
        let pi = *p * shrink + neg_eta * gi;
        *p = pi;
        *ax = match mu {
            Some(mu) => *ax + (pi - *ax) * mu,
            None => pi,
        };
    }
}

/// Rprop's hyperparameters.
#[derive(Clone, Copy, Debug)]
pub struct RpropScalars {
    /// The step size's factor when the gradient's sign flips.
    pub eta_minus: f64,
    /// The step size's factor while the gradient keeps its sign.
    pub eta_plus: f64,
    /// The smallest step size.
    pub step_size_min: f64,
    /// The largest step size.
    pub step_size_max: f64,
    /// Ascend instead of descending.
    pub maximize: bool,
}

/// One Rprop step over a chunk; `buffers` are `prev` (the last gradient) and `step_size`.
pub(crate) fn rprop<T: Real>(s: &RpropScalars, p: &mut [T], g: &[T], buffers: &mut [&mut [T]]) {
    let (eta_minus, eta_plus) = (T::from_f64(s.eta_minus), T::from_f64(s.eta_plus));
    let (lowest, highest) = (T::from_f64(s.step_size_min), T::from_f64(s.step_size_max));
    let (zero, one) = (T::from_f64(0.0), T::from_f64(1.0));
    let [prev, step_size] = buffers else {
        unreachable!("Rprop's buffers are prev, step_size")
    };
    let lanes = p.iter_mut().zip(g).zip(prev.iter_mut());
    for (((p, &g), prev), size) in lanes.zip(step_size.iter_mut()) {
        let gi = decayed(g, *p, s.maximize, None);
        let agreement = gi * *prev;
        let (flipped, kept) = (agreement < zero, agreement > zero);
        let factor = if flipped {
            eta_minus
        } else if kept {
            eta_plus
        } else {
            one
        };
        let si = (*size * factor).maximum(lowest).minimum(highest);
        *size = si;
        let gi = if flipped { zero } else { gi };
        *p = *p - gi.sign() * si;
        *prev = gi;
    }
}
