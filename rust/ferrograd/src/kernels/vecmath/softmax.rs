//! `softmax` and `log_softmax` along the last axis of a contiguous float32/float64 array, and
//! their backward rules, one row at a time: the row's maximum, then `exp(x - max)` written and
//! summed in the same pass with the vector `exp`, then the scaling (or the shift by the log of
//! the sum). The reductions keep `LANES` partial results, so that they vectorise too (the sum's
//! order differs from a sequential one by rounding only).

use std::mem::MaybeUninit;

use super::rows::{by_rows, sum_of, Real, LANES};
use super::Isa;
use crate::array::{DType, NdArray};
use crate::error::Result;

/// The largest element of `x` (`-inf` when empty; a NaN may or may not be seen: the caller's
/// sum of exponentials turns it into a NaN row anyway).
#[inline(always)]
fn max_of<T: Real>(x: &[T]) -> T {
    let neg_inf = T::from_f64(f64::NEG_INFINITY);
    let mut max = [neg_inf; LANES];
    let chunks = x.chunks_exact(LANES);
    let rest = chunks.remainder();
    for c in chunks {
        for (m, &v) in max.iter_mut().zip(c) {
            *m = if v > *m { v } else { *m };
        }
    }
    for (m, &v) in max.iter_mut().zip(rest) {
        *m = if v > *m { v } else { *m };
    }
    max.iter().fold(neg_inf, |a, &b| if b > a { b } else { a })
}

/// One row of `softmax` (or `log_softmax`), `x` and `out` of one length. A NaN makes the row
/// NaN (through the sum), and so does a row of -inf (0/0, as in PyTorch).
#[inline(always)]
fn row<T: Real>(x: &[T], out: &mut [MaybeUninit<T>], log: bool) {
    let m = max_of(x);
    let shift = if m == T::from_f64(f64::NEG_INFINITY) {
        T::from_f64(0.0)
    } else {
        m
    };
    for (o, &v) in out.iter_mut().zip(x) {
        o.write((v - shift).exp());
    }
    // SAFETY: the loop above wrote every element of `out`.
    let e: &mut [T] = unsafe { &mut *(out as *mut [MaybeUninit<T>] as *mut [T]) };
    let total = sum_of(e, e, |a, _| a);
    if log {
        let log_total = total.log();
        for (o, &v) in e.iter_mut().zip(x) {
            *o = (v - shift) - log_total;
        }
    } else {
        let inv = T::from_f64(1.0 / total.to_f64());
        for o in e.iter_mut() {
            *o = *o * inv;
        }
    }
}

/// One row of the backward rule: `y (g - Σ g y)` for `softmax`, `g - exp(y) Σ g` for
/// `log_softmax` (`y` the forward result).
#[inline(always)]
fn row_backward<T: Real>(g: &[T], y: &[T], out: &mut [MaybeUninit<T>], log: bool) {
    if log {
        let s = sum_of(g, g, |a, _| a);
        for ((o, &g), &y) in out.iter_mut().zip(g).zip(y) {
            o.write(g - y.exp() * s);
        }
    } else {
        let s = sum_of(g, y, |a, b| a * b);
        for ((o, &g), &y) in out.iter_mut().zip(g).zip(y) {
            o.write(y * g - y * s);
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn row_avx2<T: Real>(x: &[T], out: &mut [MaybeUninit<T>], log: bool) {
    row(x, out, log)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn row_avx512<T: Real>(x: &[T], out: &mut [MaybeUninit<T>], log: bool) {
    row(x, out, log)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn row_backward_avx2<T: Real>(g: &[T], y: &[T], out: &mut [MaybeUninit<T>], log: bool) {
    row_backward(g, y, out, log)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn row_backward_avx512<T: Real>(g: &[T], y: &[T], out: &mut [MaybeUninit<T>], log: bool) {
    row_backward(g, y, out, log)
}

fn forward_typed<T: Real>(a: &NdArray, size: usize, log: bool) -> Result<NdArray> {
    let (isa, x) = (Isa::best(), a.as_slice::<T>()?);
    let out = by_rows(x.len(), size, |s, o| {
        let x = &x[s..s + o.len()];
        match isa {
            Isa::Baseline => row(x, o, log),
            // SAFETY: `Isa::best` only names instruction sets the CPU has.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => unsafe { row_avx2(x, o, log) },
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe { row_avx512(x, o, log) },
        }
    })?;
    NdArray::from_vec(out, a.shape())
}

fn backward_typed<T: Real>(g: &NdArray, y: &NdArray, size: usize, log: bool) -> Result<NdArray> {
    let (isa, g_, y_) = (Isa::best(), g.as_slice::<T>()?, y.as_slice::<T>()?);
    let out = by_rows(y_.len(), size, |s, o| {
        let end = s + o.len();
        let (g, y) = (&g_[s..end], &y_[s..end]);
        match isa {
            Isa::Baseline => row_backward(g, y, o, log),
            // SAFETY: `Isa::best` only names instruction sets the CPU has.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => unsafe { row_backward_avx2(g, y, o, log) },
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe { row_backward_avx512(g, y, o, log) },
        }
    })?;
    NdArray::from_vec(out, y.shape())
}

/// The row length when `axis` is the last of a contiguous, non-empty float32/float64 host
/// array (the case these kernels take).
fn rows_of(a: &NdArray, axis: usize) -> Option<usize> {
    let shape = a.shape();
    let size = *shape.last()?;
    let float = matches!(a.dtype(), DType::Float32 | DType::Float64);
    (float && axis + 1 == shape.len() && size > 0 && a.is_contiguous() && a.device().is_cpu())
        .then_some(size)
}

/// `softmax` (`log_softmax` when `log`) of `a` along `axis`, or `None` where these kernels do
/// not apply.
pub(crate) fn forward(a: &NdArray, axis: usize, log: bool) -> Result<Option<NdArray>> {
    let Some(size) = rows_of(a, axis) else {
        return Ok(None);
    };
    match a.dtype() {
        DType::Float32 => forward_typed::<f32>(a, size, log).map(Some),
        _ => forward_typed::<f64>(a, size, log).map(Some),
    }
}

/// The gradient of `softmax` (`log_softmax` when `log`) along `axis` given the output's
/// gradient `g` and the output `y`, or `None` where these kernels do not apply.
pub(crate) fn backward(
    g: &NdArray,
    y: &NdArray,
    axis: usize,
    log: bool,
) -> Result<Option<NdArray>> {
    let Some(size) = rows_of(y, axis) else {
        return Ok(None);
    };
    if g.dtype() != y.dtype()
        || g.shape() != y.shape()
        || !g.is_contiguous()
        || !g.device().is_cpu()
    {
        return Ok(None);
    }
    match y.dtype() {
        DType::Float32 => backward_typed::<f32>(g, y, size, log).map(Some),
        _ => backward_typed::<f64>(g, y, size, log).map(Some),
    }
}
