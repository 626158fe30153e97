//! The optimizers' update rules as one pass over each parameter's elements (PyTorch's "fused"
//! optimizers): the parameter, its gradient and its state buffers are read and written element
//! by element, instead of a dozen whole-tensor operations each making a temporary.
//!
//! Every rule computes with the same operations, in the same order and at the same precision
//! (scalars rounded to the element type first) as the chain of tensor operations it replaces
//! (`python/ferrograd/optim/*.py`), so the fused and the unfused update give the same bits.

use std::ops::{Add, Div, Mul, Neg, Sub};

use super::cpu_elementwise::Scalar;
use super::parallel;

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
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub maximize: bool,
    /// AdamW: the weights shrink by `1 - lr · weight_decay` instead of the L2 term.
    pub decoupled: bool,
    /// The parameter's step count (after this step).
    pub step: f64,
}

/// One Adam step over a chunk; `buffers` are `exp_avg`, `exp_avg_sq` and, with AMSGrad,
/// `max_exp_avg_sq`.
pub(crate) fn adam<T: Real>(s: &AdamScalars, p: &mut [T], g: &[T], buffers: &mut [&mut [T]]) {
    let shrink =
        (s.decoupled && s.weight_decay != 0.0).then(|| T::from_f64(1.0 - s.lr * s.weight_decay));
    let l2 = if s.decoupled {
        None
    } else {
        nonzero::<T>(s.weight_decay)
    };
    let (beta1, one_minus_beta1) = (T::from_f64(s.beta1), T::from_f64(1.0 - s.beta1));
    let (beta2, one_minus_beta2) = (T::from_f64(s.beta2), T::from_f64(1.0 - s.beta2));
    let bias_correction2_sqrt = T::from_f64((1.0 - s.beta2.powf(s.step)).powf(0.5));
    let step_size = T::from_f64(-s.lr / (1.0 - s.beta1.powf(s.step)));
    let eps = T::from_f64(s.eps);
    let (m, rest) = buffers.split_first_mut().expect("exp_avg");
    let (v, rest) = rest.split_first_mut().expect("exp_avg_sq");
    let mut vmax = rest.first_mut();
    for i in 0..p.len() {
        let mut pi = p[i];
        if let Some(shrink) = shrink {
            pi = pi * shrink;
        }
        let gi = decayed(g[i], pi, s.maximize, l2);
        let mi = m[i] * beta1 + one_minus_beta1 * gi;
        let vi = v[i] * beta2 + one_minus_beta2 * (gi * gi);
        m[i] = mi;
        v[i] = vi;
        let second = match vmax.as_deref_mut() {
            Some(vmax) => {
                let most = vmax[i].maximum(vi);
                vmax[i] = most;
                most
            }
            None => vi,
        };
        let denom = second.sqrt() / bias_correction2_sqrt + eps;
        p[i] = pi + step_size * (mi / denom);
    }
}

/// SGD's hyperparameters.
#[derive(Clone, Copy, Debug)]
pub struct SgdScalars {
    pub lr: f64,
    pub momentum: f64,
    pub dampening: f64,
    pub weight_decay: f64,
    pub nesterov: bool,
    pub maximize: bool,
    /// The momentum buffer is new: it takes the gradient itself.
    pub first: bool,
}

/// One SGD step over a chunk; `buffers` holds the momentum buffer when `momentum != 0`.
pub(crate) fn sgd<T: Real>(s: &SgdScalars, p: &mut [T], g: &[T], buffers: &mut [&mut [T]]) {
    let l2 = nonzero::<T>(s.weight_decay);
    let neg_lr = T::from_f64(-s.lr);
    let (momentum, damped) = (T::from_f64(s.momentum), T::from_f64(1.0 - s.dampening));
    let mut buf = buffers.first_mut();
    for i in 0..p.len() {
        let mut d = decayed(g[i], p[i], s.maximize, l2);
        if let Some(buf) = buf.as_deref_mut() {
            let b = if s.first {
                d
            } else {
                buf[i] * momentum + damped * d
            };
            buf[i] = b;
            d = if s.nesterov { d + b * momentum } else { b };
        }
        p[i] = p[i] + neg_lr * d;
    }
}

/// RMSprop's hyperparameters.
#[derive(Clone, Copy, Debug)]
pub struct RmspropScalars {
    pub lr: f64,
    pub alpha: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub momentum: f64,
    pub centered: bool,
    pub maximize: bool,
}

/// One RMSprop step over a chunk; `buffers` are `square_avg`, then `momentum_buffer` when
/// `momentum > 0`, then `grad_avg` when centered.
pub(crate) fn rmsprop<T: Real>(s: &RmspropScalars, p: &mut [T], g: &[T], buffers: &mut [&mut [T]]) {
    let l2 = nonzero::<T>(s.weight_decay);
    let (alpha, one_minus_alpha) = (T::from_f64(s.alpha), T::from_f64(1.0 - s.alpha));
    let (eps, neg_lr, momentum) = (
        T::from_f64(s.eps),
        T::from_f64(-s.lr),
        T::from_f64(s.momentum),
    );
    let (sq, rest) = buffers.split_first_mut().expect("square_avg");
    let (mut buf, rest) = if s.momentum > 0.0 {
        let (b, rest) = rest.split_first_mut().expect("momentum_buffer");
        (Some(b), rest)
    } else {
        (None, rest)
    };
    let mut grad_avg = if s.centered { rest.first_mut() } else { None };
    for i in 0..p.len() {
        let gi = decayed(g[i], p[i], s.maximize, l2);
        let si = sq[i] * alpha + one_minus_alpha * (gi * gi);
        sq[i] = si;
        let avg = match grad_avg.as_deref_mut() {
            Some(ga) => {
                let a = ga[i] * alpha + one_minus_alpha * gi;
                ga[i] = a;
                (si - a * a).sqrt()
            }
            None => si.sqrt(),
        } + eps;
        let d = match buf.as_deref_mut() {
            Some(b) => {
                let bi = b[i] * momentum + gi / avg;
                b[i] = bi;
                bi
            }
            None => gi / avg,
        };
        p[i] = p[i] + neg_lr * d;
    }
}

/// Adagrad's hyperparameters.
#[derive(Clone, Copy, Debug)]
pub struct AdagradScalars {
    pub lr: f64,
    pub lr_decay: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub maximize: bool,
    /// The parameter's step count (after this step).
    pub step: f64,
}

/// One Adagrad step over a chunk; `buffers` holds the running sum of squares.
pub(crate) fn adagrad<T: Real>(s: &AdagradScalars, p: &mut [T], g: &[T], buffers: &mut [&mut [T]]) {
    let l2 = nonzero::<T>(s.weight_decay);
    let neg_lr = T::from_f64(-(s.lr / (1.0 + (s.step - 1.0) * s.lr_decay)));
    let eps = T::from_f64(s.eps);
    let sum = &mut buffers[0];
    for i in 0..p.len() {
        let gi = decayed(g[i], p[i], s.maximize, l2);
        let si = sum[i] + gi * gi;
        sum[i] = si;
        p[i] = p[i] + neg_lr * (gi / (si.sqrt() + eps));
    }
}
