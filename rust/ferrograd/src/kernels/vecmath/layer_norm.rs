//! `layer_norm` over the trailing `size` elements of a contiguous float32/float64 array, and its
//! backward, one row at a time while the row is in L1: the row's mean, then the sum of squared
//! deviations from it (two passes over the cached row, which keeps the variance accurate where
//! a one-pass sum of squares would cancel), then `(x - mean) · rstd · w + b` written. Each
//! row's mean and `rstd = 1/sqrt(var + eps)` (biased variance) are returned for the backward,
//! as PyTorch's `native_layer_norm` saves them.
//!
//! The backward of one row, with `x̂ = (x - mean) · rstd` and `ĝ = g · w` (or `g`):
//! `dx = rstd · (ĝ - mean(ĝ) - x̂ · mean(ĝ · x̂))`; `dw` sums `g · x̂` and `db` sums `g` over
//! the rows, each parallel chunk of rows into partial sums of its own, added in chunk order
//! (so the result does not depend on which thread ran what).

use std::mem::MaybeUninit;
use std::sync::Mutex;

use super::rows::{by_chunks, by_rows, sum_of, with_isa, Real};
use super::Isa;
use crate::array::{DType, Element, NdArray};
use crate::error::{Error, Result};

/// The forward's results: the output, and each row's mean and `rstd` (flat, one per row).
pub(crate) struct Normalized {
    pub out: NdArray,
    pub mean: NdArray,
    pub rstd: NdArray,
}

/// The backward's results (`None` where not asked for); `weight` and `bias` are flat.
pub(crate) struct NormGrads {
    pub input: Option<NdArray>,
    pub weight: Option<NdArray>,
    pub bias: Option<NdArray>,
}

/// Writes the per-row statistics from the parallel row tasks; each row is written by exactly
/// one task, so the writes never overlap.
struct RowStats<T> {
    mean: *mut T,
    rstd: *mut T,
}

// SAFETY: the pointers are only written at distinct row indices, one task each (see `write`).
unsafe impl<T: Send> Sync for RowStats<T> {}

impl<T: Copy> RowStats<T> {
    /// # Safety
    /// `row` is in bounds of both vectors and no other task writes it.
    unsafe fn write(&self, row: usize, mean: T, rstd: T) {
        *self.mean.add(row) = mean;
        *self.rstd.add(row) = rstd;
    }
}

/// One row: writes `out`, returns `(mean, rstd)`.
#[inline(always)]
fn row_forward<T: Real>(
    x: &[T],
    w: Option<&[T]>,
    b: Option<&[T]>,
    eps: f64,
    out: &mut [MaybeUninit<T>],
) -> (T, T) {
    let inv_n = T::from_f64(1.0 / x.len() as f64);
    let mean = sum_of(x, x, |a, _| a) * inv_n;
    let var = sum_of(x, x, |a, _| (a - mean) * (a - mean)) * inv_n;
    let rstd = T::from_f64(1.0 / (var.to_f64() + eps).sqrt());
    let normal = x.iter().map(|&v| (v - mean) * rstd);
    match (w, b) {
        (Some(w), Some(b)) => {
            for (((o, v), &w), &b) in out.iter_mut().zip(normal).zip(w).zip(b) {
                o.write(v * w + b);
            }
        }
        (Some(w), None) => {
            for ((o, v), &w) in out.iter_mut().zip(normal).zip(w) {
                o.write(v * w);
            }
        }
        (None, Some(b)) => {
            for ((o, v), &b) in out.iter_mut().zip(normal).zip(b) {
                o.write(v + b);
            }
        }
        (None, None) => {
            for (o, v) in out.iter_mut().zip(normal) {
                o.write(v);
            }
        }
    }
    (mean, rstd)
}

/// One row of the input's gradient into `dx`, which first holds `ĝ`.
#[inline(always)]
fn row_input_grad<T: Real>(
    g: &[T],
    x: &[T],
    w: Option<&[T]>,
    mean: T,
    rstd: T,
    dx: &mut [MaybeUninit<T>],
) {
    match w {
        Some(w) => {
            for ((o, &g), &w) in dx.iter_mut().zip(g).zip(w) {
                o.write(g * w);
            }
        }
        None => {
            for (o, &g) in dx.iter_mut().zip(g) {
                o.write(g);
            }
        }
    }
    // SAFETY: the loop above wrote every element of `dx`.
    let gw: &mut [T] = unsafe { &mut *(dx as *mut [MaybeUninit<T>] as *mut [T]) };
    let inv_n = T::from_f64(1.0 / x.len() as f64);
    let mean_gw = sum_of(gw, gw, |a, _| a) * inv_n;
    let mean_gw_xhat = sum_of(gw, x, |a, v| a * ((v - mean) * rstd)) * inv_n;
    for (o, &v) in gw.iter_mut().zip(x) {
        let xhat = (v - mean) * rstd;
        *o = rstd * (*o - mean_gw - xhat * mean_gw_xhat);
    }
}

/// One row's contribution to the weight's and the bias's gradients.
#[inline(always)]
fn row_affine_grads<T: Real>(
    g: &[T],
    x: &[T],
    mean: T,
    rstd: T,
    dw: Option<&mut [T]>,
    db: Option<&mut [T]>,
) {
    if let Some(dw) = dw {
        for ((s, &g), &v) in dw.iter_mut().zip(g).zip(x) {
            *s = *s + g * ((v - mean) * rstd);
        }
    }
    if let Some(db) = db {
        for (s, &g) in db.iter_mut().zip(g) {
            *s = *s + g;
        }
    }
}

fn slice_of<T: Element>(a: Option<&NdArray>) -> Result<Option<&[T]>> {
    a.map(|a| a.as_slice::<T>()).transpose()
}

/// The weight and the bias, each where given.
type Affine<'a> = (Option<&'a NdArray>, Option<&'a NdArray>);

fn forward_typed<T: Real>(
    x: &NdArray,
    size: usize,
    (weight, bias): Affine,
    eps: f64,
) -> Result<Normalized> {
    let (isa, xs) = (Isa::best(), x.as_slice::<T>()?);
    let (w, b) = (slice_of::<T>(weight)?, slice_of::<T>(bias)?);
    let rows = xs.len() / size;
    let zero = T::from_f64(0.0);
    let (mut mean, mut rstd) = (vec![zero; rows], vec![zero; rows]);
    let stats = RowStats {
        mean: mean.as_mut_ptr(),
        rstd: rstd.as_mut_ptr(),
    };
    let out = by_rows(xs.len(), size, |s, o| {
        let (m, r) = with_isa(isa, || row_forward(&xs[s..s + size], w, b, eps, o));
        // SAFETY: `s / size` is this row's index, below `rows`; `by_rows` hands each row to
        // one call.
        unsafe { stats.write(s / size, m, r) };
    })?;
    Ok(Normalized {
        out: NdArray::from_vec(out, x.shape())?,
        mean: NdArray::from_vec(mean, &[rows])?,
        rstd: NdArray::from_vec(rstd, &[rows])?,
    })
}

/// One chunk's partial sums for the weight's and the bias's gradients.
type Partial<T> = (usize, Option<Vec<T>>, Option<Vec<T>>);

/// Adds the chunks' partial sums in chunk order.
fn total<T: Real>(
    mut partials: Vec<Partial<T>>,
    size: usize,
    pick: impl Fn(&Partial<T>) -> Option<&Vec<T>>,
) -> Result<Option<NdArray>> {
    partials.sort_by_key(|p| p.0);
    let mut sum: Option<Vec<T>> = None;
    for part in partials.iter().filter_map(&pick) {
        match sum.as_mut() {
            None => sum = Some(part.clone()),
            Some(s) => s.iter_mut().zip(part).for_each(|(s, &p)| *s = *s + p),
        }
    }
    let sum = sum.unwrap_or_else(|| vec![T::from_f64(0.0); size]);
    NdArray::from_vec(sum, &[size]).map(Some)
}

fn backward_typed<T: Real>(b: &Backward, size: usize, needs: [bool; 3]) -> Result<NormGrads> {
    let isa = Isa::best();
    let Backward {
        g,
        x,
        mean,
        rstd,
        weight,
    } = *b;
    let (gs, xs) = (g.as_slice::<T>()?, x.as_slice::<T>()?);
    let (ms, rs) = (mean.as_slice::<T>()?, rstd.as_slice::<T>()?);
    let w = slice_of::<T>(weight)?;
    let [need_x, need_w, need_b] = needs;
    let partials: Mutex<Vec<Partial<T>>> = Mutex::new(Vec::new());
    let dx = by_chunks(xs.len(), size, |s, o| {
        let zero = T::from_f64(0.0);
        let mut dw = need_w.then(|| vec![zero; size]);
        let mut db = need_b.then(|| vec![zero; size]);
        with_isa(isa, || {
            for (i, dx) in o.chunks_mut(size).enumerate() {
                let start = s + i * size;
                let (g, x) = (&gs[start..start + size], &xs[start..start + size]);
                let (m, r) = (ms[start / size], rs[start / size]);
                if need_x {
                    row_input_grad(g, x, w, m, r, dx);
                } else {
                    dx.iter_mut().for_each(|o| {
                        o.write(zero);
                    });
                }
                row_affine_grads(g, x, m, r, dw.as_deref_mut(), db.as_deref_mut());
            }
        });
        if need_w || need_b {
            if let Ok(mut p) = partials.lock() {
                p.push((s, dw, db));
            }
        }
    })?;
    let partials = partials
        .into_inner()
        .map_err(|_| Error::Autograd("layer_norm backward: a row task panicked".into()))?;
    let dw = match need_w {
        true => total(partials.clone(), size, |p| p.1.as_ref())?,
        false => None,
    };
    let db = match need_b {
        true => total(partials, size, |p| p.2.as_ref())?,
        false => None,
    };
    Ok(NormGrads {
        input: need_x
            .then(|| NdArray::from_vec(dx, x.shape()))
            .transpose()?,
        weight: dw,
        bias: db,
    })
}

/// Whether these kernels take `x` normalized over its trailing `size` elements with the given
/// weight and bias: contiguous float32/float64 host arrays of one dtype, `size > 0`, the
/// weight and bias `size` elements each.
pub(crate) fn applies(
    x: &NdArray,
    size: usize,
    weight: Option<&NdArray>,
    bias: Option<&NdArray>,
) -> bool {
    let dtype = x.dtype();
    let fits = |a: &NdArray| {
        a.dtype() == dtype && a.device().is_cpu() && a.is_contiguous() && a.numel() == size
    };
    matches!(dtype, DType::Float32 | DType::Float64)
        && size > 0
        && x.numel().is_multiple_of(size)
        && x.is_contiguous()
        && x.device().is_cpu()
        && weight.is_none_or(fits)
        && bias.is_none_or(fits)
}

/// `layer_norm` of `x` over its trailing `size` elements (`applies` must hold).
pub(crate) fn forward(
    x: &NdArray,
    size: usize,
    weight: Option<&NdArray>,
    bias: Option<&NdArray>,
    eps: f64,
) -> Result<Normalized> {
    match x.dtype() {
        DType::Float32 => forward_typed::<f32>(x, size, (weight, bias), eps),
        _ => forward_typed::<f64>(x, size, (weight, bias), eps),
    }
}

/// What the backward reads: the output's gradient `g` (shaped as `x`, same dtype), the
/// input, the forward's row statistics and the weight.
#[derive(Clone, Copy)]
pub(crate) struct Backward<'a> {
    pub g: &'a NdArray,
    pub x: &'a NdArray,
    pub mean: &'a NdArray,
    pub rstd: &'a NdArray,
    pub weight: Option<&'a NdArray>,
}

/// The gradients of `layer_norm`'s input, weight and bias (those `needs` asks for).
pub(crate) fn backward(b: &Backward, size: usize, needs: [bool; 3]) -> Result<NormGrads> {
    match b.x.dtype() {
        DType::Float32 => backward_typed::<f32>(b, size, needs),
        _ => backward_typed::<f64>(b, size, needs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of `x` normalized in plain float64 arithmetic, and the backward of `Σ g·y`.
    fn reference(x: &[f64], w: &[f64], g: &[f64], eps: f64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let n = w.len();
        let (mut y, mut dx, mut dw) = (vec![], vec![], vec![0.0; n]);
        for (row, grow) in x.chunks(n).zip(g.chunks(n)) {
            let mean = row.iter().sum::<f64>() / n as f64;
            let var = row.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
            let rstd = 1.0 / (var + eps).sqrt();
            let xhat: Vec<f64> = row.iter().map(|v| (v - mean) * rstd).collect();
            let gw: Vec<f64> = grow.iter().zip(w).map(|(g, w)| g * w).collect();
            let a = gw.iter().sum::<f64>() / n as f64;
            let b = gw.iter().zip(&xhat).map(|(g, h)| g * h).sum::<f64>() / n as f64;
            for j in 0..n {
                y.push(xhat[j] * w[j]);
                dx.push(rstd * (gw[j] - a - xhat[j] * b));
                dw[j] += grow[j] * xhat[j];
            }
        }
        (y, dx, dw)
    }

    #[test]
    fn rows_match_a_float64_reference() {
        // 37 elements a row: the lane loops' remainders are exercised.
        let (rows, n) = (5, 37);
        let x: Vec<f64> = (0..rows * n)
            .map(|i| ((i * 7919) % 101) as f64 / 7.0 - 3.0)
            .collect();
        let w: Vec<f64> = (0..n).map(|j| 0.5 + j as f64 / 10.0).collect();
        let g: Vec<f64> = (0..rows * n)
            .map(|i| ((i * 31) % 17) as f64 / 5.0 - 1.5)
            .collect();
        let (y, dx, dw) = reference(&x, &w, &g, 1e-5);
        let arr = |v: &[f64], shape: &[usize]| NdArray::from_vec(v.to_vec(), shape).unwrap();
        let (xa, wa, ga) = (arr(&x, &[rows, n]), arr(&w, &[n]), arr(&g, &[rows, n]));
        assert!(applies(&xa, n, Some(&wa), None));
        let f = forward(&xa, n, Some(&wa), None, 1e-5).unwrap();
        let b = Backward {
            g: &ga,
            x: &xa,
            mean: &f.mean,
            rstd: &f.rstd,
            weight: Some(&wa),
        };
        let grads = backward(&b, n, [true, true, true]).unwrap();
        let close = |got: &NdArray, want: &[f64]| {
            let got = got.as_slice::<f64>().unwrap();
            assert_eq!(got.len(), want.len());
            for (a, b) in got.iter().zip(want) {
                assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
            }
        };
        close(&f.out, &y);
        close(grads.input.as_ref().unwrap(), &dx);
        close(grads.weight.as_ref().unwrap(), &dw);
        let db: Vec<f64> = (0..n)
            .map(|j| (0..rows).map(|r| g[r * n + j]).sum())
            .collect();
        close(grads.bias.as_ref().unwrap(), &db);
    }
}
