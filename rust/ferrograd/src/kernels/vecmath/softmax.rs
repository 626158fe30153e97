//! `softmax` and `log_softmax` along the last axis of a contiguous float32/float64 array, and
//! their backward rules, one row at a time: the row's maximum, then `exp(x - max)` written and
//! summed in the same pass with the vector `exp`, then the scaling (or the shift by the log of
//! the sum). The reductions keep `LANES` partial results, so that they vectorise too (the sum's
//! order differs from a sequential one by rounding only).

use std::mem::MaybeUninit;

use super::rows::{by_chunks, sum_of, Real, LANES};
use super::Isa;
use crate::array::{DType, NdArray};
use crate::error::Result;

/// Elements a step of a long float32 row's maximum and exponentials: four AVX-512 vectors, so
/// that four independent chains are in flight. One vector a step waited on the previous step's
/// `vmaxps` in the maximum and on each vector `exp`'s own latency (some twenty dependent
/// instructions): a (4096, 1024) float32 softmax took 2.3 ms forward, now 1.9.
const WIDE: usize = 4 * LANES;

/// The elements a step for `T`: [`WIDE`] for float32; `LANES` for float64, where wider steps
/// (four or eight vectors) made `log_softmax` ~5 % slower.
#[inline(always)]
fn wide<T>() -> usize {
    if std::mem::size_of::<T>() == 4 {
        WIDE
    } else {
        LANES
    }
}

/// The largest element of `x` (`-inf` when empty; a NaN may or may not be seen: the caller's
/// sum of exponentials turns it into a NaN row anyway).
#[inline(always)]
fn max_of<T: Real>(x: &[T]) -> T {
    let neg_inf = T::from_f64(f64::NEG_INFINITY);
    let mut lanes = [neg_inf; WIDE];
    let max = &mut lanes[..wide::<T>()];
    let chunks = x.chunks_exact(max.len());
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

/// Rows shorter than this are computed a block of rows at a time ([`short_rows`]): the vector
/// `exp` of a row of 10 ran in its scalar remainder loop, and a (64, 10) `log_softmax` took
/// 11.5 µs against 4.6 µs for the libm loop it replaced.
const SHORT_ROW: usize = 64;

/// Elements per block of short rows: a block's three passes stay in the L1 cache.
const SHORT_BLOCK: usize = 2048;

/// `x` with its elements in place, after a loop wrote every one of them.
///
/// # Safety
///
/// Every element of `out` must have been written.
#[inline(always)]
unsafe fn written<T>(out: &mut [MaybeUninit<T>]) -> &mut [T] {
    // SAFETY: as the caller guarantees; `MaybeUninit<T>` has the layout of `T`.
    unsafe { &mut *(out as *mut [MaybeUninit<T>] as *mut [T]) }
}

/// The shift that keeps a row's exponentials finite: its maximum, or 0 for a row of -inf.
#[inline(always)]
fn shift_of<T: Real>(x: &[T]) -> T {
    shift_from(max_of(x))
}

/// `shift_of` for a short row: one running maximum (`LANES` of them cost more than the row).
#[inline(always)]
fn short_shift_of<T: Real>(x: &[T]) -> T {
    let neg_inf = T::from_f64(f64::NEG_INFINITY);
    shift_from(x.iter().fold(neg_inf, |m, &v| if v > m { v } else { m }))
}

/// The shift for a row of maximum `m`.
#[inline(always)]
fn shift_from<T: Real>(m: T) -> T {
    if m == T::from_f64(f64::NEG_INFINITY) {
        T::from_f64(0.0)
    } else {
        m
    }
}

/// The sum of a short row, in order.
#[inline(always)]
fn short_sum<T: Real>(x: &[T]) -> T {
    x.iter().fold(T::from_f64(0.0), |a, &b| a + b)
}

/// Rows of `size < SHORT_ROW` elements of `softmax` (or `log_softmax`), a block at a time: the
/// shifted values of every row of the block, one vector `exp` pass over the whole block, then
/// each row's sum (in order) and scaling.
#[inline(always)]
fn short_rows<T: Real>(x: &[T], out: &mut [MaybeUninit<T>], size: usize, log: bool) {
    let block = (SHORT_BLOCK / size).max(1) * size;
    for (xb, ob) in x.chunks(block).zip(out.chunks_mut(block)) {
        for (xr, or) in xb.chunks(size).zip(ob.chunks_mut(size)) {
            let shift = short_shift_of(xr);
            for (o, &v) in or.iter_mut().zip(xr) {
                o.write(v - shift);
            }
        }
        // SAFETY: the loop above wrote every element of the block.
        let e = unsafe { written(ob) };
        for v in e.iter_mut() {
            *v = v.exp();
        }
        for (xr, er) in xb.chunks(size).zip(e.chunks_mut(size)) {
            let total = short_sum(er);
            if log {
                let (shift, log_total) = (short_shift_of(xr), total.log());
                for (o, &v) in er.iter_mut().zip(xr) {
                    *o = (v - shift) - log_total;
                }
            } else {
                let inv = T::from_f64(1.0 / total.to_f64());
                for o in er.iter_mut() {
                    *o = *o * inv;
                }
            }
        }
    }
}

/// Rows of `size < SHORT_ROW` elements of the backward rule (see [`row_backward`]), a block at
/// a time, with `log_softmax`'s `exp(y)` as one vector pass over the block.
#[inline(always)]
fn short_rows_backward<T: Real>(
    g: &[T],
    y: &[T],
    out: &mut [MaybeUninit<T>],
    size: usize,
    log: bool,
) {
    if !log {
        for ((g, y), o) in g.chunks(size).zip(y.chunks(size)).zip(out.chunks_mut(size)) {
            row_backward(g, y, o, false);
        }
        return;
    }
    let block = (SHORT_BLOCK / size).max(1) * size;
    for ((gb, yb), ob) in g
        .chunks(block)
        .zip(y.chunks(block))
        .zip(out.chunks_mut(block))
    {
        for (o, &y) in ob.iter_mut().zip(yb) {
            o.write(y.exp());
        }
        // SAFETY: the loop above wrote every element of the block.
        let e = unsafe { written(ob) };
        for (gr, er) in gb.chunks(size).zip(e.chunks_mut(size)) {
            let s = short_sum(gr);
            for (o, &g) in er.iter_mut().zip(gr) {
                *o = g - *o * s;
            }
        }
    }
}

/// `softmax` (or `log_softmax`) of the rows of `size` elements in `x` into `out`.
#[inline(always)]
fn rows_forward<T: Real>(x: &[T], out: &mut [MaybeUninit<T>], size: usize, log: bool) {
    if size < SHORT_ROW {
        return short_rows(x, out, size, log);
    }
    for (xr, or) in x.chunks(size).zip(out.chunks_mut(size)) {
        row(xr, or, log);
    }
}

/// The backward rule over the rows of `size` elements of `g` and `y`, into `out`.
#[inline(always)]
fn rows_backward<T: Real>(g: &[T], y: &[T], out: &mut [MaybeUninit<T>], size: usize, log: bool) {
    if size < SHORT_ROW {
        return short_rows_backward(g, y, out, size, log);
    }
    for ((g, y), o) in g.chunks(size).zip(y.chunks(size)).zip(out.chunks_mut(size)) {
        row_backward(g, y, o, log);
    }
}

/// One row of `softmax` (or `log_softmax`), `x` and `out` of one length. A NaN makes the row
/// NaN (through the sum), and so does a row of -inf (0/0, as in PyTorch).
#[inline(always)]
fn row<T: Real>(x: &[T], out: &mut [MaybeUninit<T>], log: bool) {
    let shift = shift_of(x);
    let total = write_exp_shifted(x, shift, out);
    // SAFETY: `write_exp_shifted` wrote every element of `out`.
    let e = unsafe { written(out) };
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

/// Writes `exp(x - shift)` into `out` and returns the sum of what it wrote, [`wide`] elements
/// (and partial sums) a step.
#[inline(always)]
fn write_exp_shifted<T: Real>(x: &[T], shift: T, out: &mut [MaybeUninit<T>]) -> T {
    let zero = T::from_f64(0.0);
    let mut lanes = [zero; WIDE];
    let sums = &mut lanes[..wide::<T>()];
    let step = |o: &mut MaybeUninit<T>, s: &mut T, v: T| {
        let e = (v - shift).exp();
        o.write(e);
        *s = *s + e;
    };
    let (mut xs, mut os) = (x.chunks_exact(sums.len()), out.chunks_exact_mut(sums.len()));
    for (xc, oc) in (&mut xs).zip(&mut os) {
        for ((o, s), &v) in oc.iter_mut().zip(sums.iter_mut()).zip(xc) {
            step(o, s, v);
        }
    }
    let rest = os.into_remainder().iter_mut().zip(sums.iter_mut());
    for ((o, s), &v) in rest.zip(xs.remainder()) {
        step(o, s, v);
    }
    sums.iter().fold(zero, |a, &b| a + b)
}

/// One row of the backward rule: `y (g - Σ g y)` for `softmax`, `g - exp(y) Σ g` for
/// `log_softmax` (`y` the forward result).
#[inline(always)]
fn row_backward<T: Real>(g: &[T], y: &[T], out: &mut [MaybeUninit<T>], log: bool) {
    if log {
        let s = sum_of(g, g, |a, _| a);
        let step = |o: &mut MaybeUninit<T>, g: T, y: T| {
            o.write(g - y.exp() * s);
        };
        // [`wide`] elements a step, as the forward's exponentials (their latency).
        let w = wide::<T>();
        let (mut gs, mut ys, mut os) = (
            g.chunks_exact(w),
            y.chunks_exact(w),
            out.chunks_exact_mut(w),
        );
        for ((oc, gc), yc) in (&mut os).zip(&mut gs).zip(&mut ys) {
            for ((o, &g), &y) in oc.iter_mut().zip(gc).zip(yc) {
                step(o, g, y);
            }
        }
        let rest = os.into_remainder().iter_mut().zip(gs.remainder());
        for ((o, &g), &y) in rest.zip(ys.remainder()) {
            step(o, g, y);
        }
    } else {
        let s = sum_of(g, y, |a, b| a * b);
        for ((o, &g), &y) in out.iter_mut().zip(g).zip(y) {
            o.write(y * g - y * s);
        }
    }
}

// Named `target_feature` copies rather than `rows::with_isa`: through its closure the row loops
// compiled for the baseline, and (64, 1000) softmax ran 2.5x slower (122 against 48 us).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn rows_avx2<T: Real>(x: &[T], out: &mut [MaybeUninit<T>], size: usize, log: bool) {
    rows_forward(x, out, size, log)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn rows_avx512<T: Real>(x: &[T], out: &mut [MaybeUninit<T>], size: usize, log: bool) {
    rows_forward(x, out, size, log)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn rows_backward_avx2<T: Real>(
    g: &[T],
    y: &[T],
    out: &mut [MaybeUninit<T>],
    size: usize,
    log: bool,
) {
    rows_backward(g, y, out, size, log)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn rows_backward_avx512<T: Real>(
    g: &[T],
    y: &[T],
    out: &mut [MaybeUninit<T>],
    size: usize,
    log: bool,
) {
    rows_backward(g, y, out, size, log)
}

fn forward_typed<T: Real>(a: &NdArray, size: usize, log: bool) -> Result<NdArray> {
    let (isa, x) = (Isa::best(), a.as_slice::<T>()?);
    let out = by_chunks(x.len(), size, |s, o| {
        let x = &x[s..s + o.len()];
        match isa {
            Isa::Baseline => rows_forward(x, o, size, log),
            // SAFETY: `Isa::best` only names instruction sets the CPU has.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => unsafe { rows_avx2(x, o, size, log) },
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe { rows_avx512(x, o, size, log) },
        }
    })?;
    NdArray::from_vec(out, a.shape())
}

fn backward_typed<T: Real>(g: &NdArray, y: &NdArray, size: usize, log: bool) -> Result<NdArray> {
    let (isa, g_, y_) = (Isa::best(), g.as_slice::<T>()?, y.as_slice::<T>()?);
    let out = by_chunks(y_.len(), size, |s, o| {
        let end = s + o.len();
        let (g, y) = (&g_[s..end], &y_[s..end]);
        match isa {
            Isa::Baseline => rows_backward(g, y, o, size, log),
            // SAFETY: `Isa::best` only names instruction sets the CPU has.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => unsafe { rows_backward_avx2(g, y, o, size, log) },
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => unsafe { rows_backward_avx512(g, y, o, size, log) },
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
