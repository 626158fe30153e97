//! Scans along one axis: the cumulative sum, product and log-sum-exp, the position of the
//! running maximum or minimum, and the first-order linear recurrence `h_i = a_i·h_(i-1) + b_i`
//! that the derivatives of the others are written with.
//!
//! Inputs are read through their strides in place (a transpose or a stepped slice is not
//! copied first); the output is row-major. The output splits into one block per index of the
//! dimensions before the axis (`n·inner` elements, `inner` the size of the dimensions after it),
//! blocks are spread over the thread pool, and within a block the lanes that lie next to each
//! other in the output are advanced together, one step of the axis at a time, so the inner loop
//! runs along memory. Floating sums, products and log-sum-exps accumulate in `f64` (PyTorch's
//! CPU kernels accumulate float32 in double too); integers wrap in their own type.

use std::array::from_fn;

use super::map::Strided;
use super::scalar::Scalar;
use super::strided::StridedWalk;
use crate::array::shape::numel;
use crate::array::{alloc, DType, Element, NdArray};
use crate::error::{Error, Result};
use crate::kernels::parallel;
use crate::kernels::ScanOp;

/// Where each operand's elements are: its strides and the position of its first element in
/// the data the step functions read.
type Operand<'a> = (&'a [isize], isize);

/// Runs a scan along `axis` over arrays of `shape`, writing `emit(state)` for every element
/// into the row-major `out`. The state of a lane starts as `first(positions, j)` at its first
/// element (index `j` along the axis: `0`, or `n - 1` when `reverse`) and becomes
/// `next(state, positions, j)` at each further one; `positions` are the element's positions in
/// the operands.
#[allow(clippy::too_many_arguments)]
fn scan_lanes<const N: usize, S, U>(
    shape: &[usize],
    axis: usize,
    operands: [Operand<'_>; N],
    reverse: bool,
    out: &mut [U],
    first: impl Fn([usize; N], usize) -> S + Sync,
    next: impl Fn(S, [usize; N], usize) -> S + Sync,
    emit: impl Fn(S) -> U + Sync,
) where
    S: Copy + Default,
    U: Send,
{
    if out.is_empty() {
        return;
    }
    let n = shape[axis];
    let inner = numel(&shape[axis + 1..]);
    let block = n * inner;
    let along: [isize; N] = from_fn(|k| operands[k].0[axis]);
    // The dimensions after the axis, walked as rows of lanes that are neighbours in the output.
    let walk = StridedWalk::new(
        &shape[axis + 1..],
        from_fn(|k| &operands[k].0[axis + 1..]),
        [0; N],
    );
    let (row_len, row_strides) = (walk.inner(), walk.inner_strides());
    parallel::for_each_chunk_costed(out, block, 1, |start, chunk| {
        let mut state = vec![S::default(); row_len];
        for (b, block_out) in chunk.chunks_mut(block).enumerate() {
            // The block's first element in each operand: its index unravelled over the
            // dimensions before the axis.
            let mut base: [isize; N] = from_fn(|k| operands[k].1);
            let mut rest = start / block + b;
            for d in (0..axis).rev() {
                let i = (rest % shape[d]) as isize;
                rest /= shape[d];
                for (p, (strides, _)) in base.iter_mut().zip(&operands) {
                    *p += i * strides[d];
                }
            }
            walk.for_rows(0..walk.rows(), |r, row| {
                for step in 0..n {
                    let j = if reverse { n - 1 - step } else { step };
                    let at: [isize; N] = from_fn(|k| base[k] + row[k] + j as isize * along[k]);
                    let outs = &mut block_out[j * inner + r * row_len..][..row_len];
                    for (i, (s, o)) in state.iter_mut().zip(outs).enumerate() {
                        let p = from_fn(|k| (at[k] + i as isize * row_strides[k]) as usize);
                        *s = if step == 0 {
                            first(p, j)
                        } else {
                            next(*s, p, j)
                        };
                        *o = emit(*s);
                    }
                }
            });
        }
    });
}

/// The shape and layout a scan reads `a` with: a 0-d array is a lane of one element.
fn scan_shape(a: &NdArray) -> (Vec<usize>, Vec<isize>) {
    if a.ndim() == 0 {
        (vec![1], vec![1])
    } else {
        (a.shape().to_vec(), a.strides().to_vec())
    }
}

fn check_axis(op: &str, a: &NdArray, axis: usize) -> Result<()> {
    if axis >= a.ndim().max(1) {
        return Err(Error::Index(format!(
            "{op}: axis {axis} is out of range for an array of {} dimensions",
            a.ndim()
        )));
    }
    Ok(())
}

/// `log(exp(a) + exp(b))` without overflow; NaN propagates, and two infinities of one sign
/// give that infinity (their difference would be NaN).
#[inline(always)]
fn log_add_exp(a: f64, b: f64) -> f64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if lo == hi && hi.is_infinite() {
        return hi;
    }
    hi + (lo - hi).exp().ln_1p()
}

/// One accumulation (`Sum`, `Prod`, `LogSumExp`) of elements of type `T` in the type `A`,
/// starting from `identity` (so a running sum of `-0.0` is `0.0`, as PyTorch's).
#[allow(clippy::too_many_arguments)]
fn accumulate<T: Scalar, A: Scalar>(
    x: Strided<T>,
    shape: &[usize],
    strides: &[isize],
    axis: usize,
    reverse: bool,
    identity: A,
    combine: impl Fn(A, A) -> A + Sync,
) -> Result<NdArray> {
    let mut out = alloc::zeroed::<T>(numel(shape))?;
    let data = x.data;
    scan_lanes(
        shape,
        axis,
        [(strides, x.offset)],
        reverse,
        &mut out,
        |[p], _| combine(identity, data[p].cast::<A>()),
        |s, [p], _| combine(s, data[p].cast::<A>()),
        |s: A| s.cast::<T>(),
    );
    NdArray::from_vec(out, x.shape)
}

/// The scan `op` of `a` along `axis` (from the end when `reverse`), in `a`'s dtype.
pub fn scan(op: ScanOp, a: &NdArray, axis: usize, reverse: bool) -> Result<NdArray> {
    check_axis(op.name(), a, axis)?;
    let (shape, strides) = scan_shape(a);
    macro_rules! run {
        ($T:ty, $A:ty) => {{
            let x = Strided::<$T>::of(a)?;
            let (s, reverse) = (&shape[..], reverse);
            match op {
                ScanOp::Sum => {
                    accumulate::<$T, $A>(x, s, &strides, axis, reverse, <$A>::zero(), |s, v| {
                        s.add(v)
                    })
                }
                ScanOp::Prod => {
                    accumulate::<$T, $A>(x, s, &strides, axis, reverse, <$A>::one(), |s, v| {
                        s.mul(v)
                    })
                }
                ScanOp::LogSumExp => accumulate::<$T, f64>(
                    x,
                    s,
                    &strides,
                    axis,
                    reverse,
                    f64::NEG_INFINITY,
                    log_add_exp,
                ),
            }
        }};
    }
    match (a.dtype(), op) {
        (dtype, ScanOp::LogSumExp) if !dtype.is_floating() => {
            Err(Error::expected_float("logcumsumexp", dtype))
        }
        (DType::Float32, _) => run!(f32, f64),
        (DType::Float64, _) => run!(f64, f64),
        (DType::Int64, _) => run!(i64, i64),
        (DType::Int32, _) => run!(i32, i32),
        (DType::Bool, _) => run!(bool, bool),
        // The engine promotes these to int64 (and computes 16-bit floats in float32) before
        // scanning; a direct caller gets the same arithmetic.
        (DType::UInt8 | DType::Int8 | DType::Int16, _) => {
            scan(op, &crate::kernels::cast(a, DType::Int64)?, axis, reverse)
        }
        (DType::Float16 | DType::BFloat16, _) => crate::kernels::cast(
            &scan(op, &crate::kernels::cast(a, DType::Float32)?, axis, reverse)?,
            a.dtype(),
        ),
    }
}

/// The index (`Int64`) of the running maximum (`max`) or minimum along `axis`: the last of equal
/// values, and a NaN once one is met (the last NaN), as PyTorch's `cummax`/`cummin`.
pub fn scan_arg_extreme(a: &NdArray, axis: usize, max: bool) -> Result<NdArray> {
    check_axis(if max { "cummax" } else { "cummin" }, a, axis)?;
    let (shape, strides) = scan_shape(a);
    crate::with_dtype!(a.dtype(), T => {
        let x = Strided::<T>::of(a)?;
        let data = x.data;
        // Whether `v` takes the place of the best value so far, `best`.
        let replaces = |v: T, best: T| {
            v.is_nan() || (!best.is_nan() && if max { v >= best } else { v <= best })
        };
        let mut out = alloc::zeroed::<i64>(numel(&shape))?;
        scan_lanes(
            &shape,
            axis,
            [(&strides, x.offset)],
            false,
            &mut out,
            |[p], j| (data[p], j as i64),
            |(best, at), [p], j| {
                let v = data[p];
                if replaces(v, best) {
                    (v, j as i64)
                } else {
                    (best, at)
                }
            },
            |(_, at)| at,
        );
        NdArray::from_vec(out, a.shape())
    })
}

/// `h_i = a_i·h_(i-1) + b_i` along `axis` with `h_(-1) = 0` (from the end, `h_i = a_i·h_(i+1) +
/// b_i`, when `reverse`), for floating `a` and `b` of one shape and dtype. The multiplier of
/// the lane's first element is never read.
pub fn linear_scan(a: &NdArray, b: &NdArray, axis: usize, reverse: bool) -> Result<NdArray> {
    check_axis("linear_scan", b, axis)?;
    if a.shape() != b.shape() || a.dtype() != b.dtype() {
        return Err(Error::Shape(format!(
            "linear_scan: expected operands of one shape and dtype, got {:?} ({}) and {:?} ({})",
            a.shape(),
            a.dtype(),
            b.shape(),
            b.dtype()
        )));
    }
    fn run<T: Scalar>(a: &NdArray, b: &NdArray, axis: usize, reverse: bool) -> Result<NdArray> {
        let (shape, a_strides) = scan_shape(a);
        let (_, b_strides) = scan_shape(b);
        let (x, y) = (Strided::<T>::of(a)?, Strided::<T>::of(b)?);
        let (ad, bd) = (x.data, y.data);
        let mut out = alloc::zeroed::<T>(numel(&shape))?;
        scan_lanes(
            &shape,
            axis,
            [(&a_strides, x.offset), (&b_strides, y.offset)],
            reverse,
            &mut out,
            |[_, q], _| bd[q].to_f64(),
            |h, [p, q], _| ad[p].to_f64() * h + bd[q].to_f64(),
            T::from_f64,
        );
        NdArray::from_vec(out, b.shape())
    }
    match b.dtype() {
        DType::Float32 => run::<f32>(a, b, axis, reverse),
        DType::Float64 => run::<f64>(a, b, axis, reverse),
        other => Err(Error::DType(format!(
            "linear_scan: expected floating point operands, got {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::array::Layout;

    fn arr(v: Vec<f64>, shape: &[usize]) -> NdArray {
        NdArray::from_vec(v, shape).unwrap()
    }

    fn vals<T: Element>(a: &NdArray) -> Vec<T> {
        a.contiguous().unwrap().as_slice::<T>().unwrap().to_vec()
    }

    /// The scan of each lane of a row-major `[outer, n, inner]` array, one element at a time.
    fn reference(
        x: &[f64],
        [outer, n, inner]: [usize; 3],
        reverse: bool,
        f: impl Fn(f64, f64) -> f64,
    ) -> Vec<f64> {
        let mut out = vec![0.0; x.len()];
        for o in 0..outer {
            for i in 0..inner {
                let mut acc = None;
                for step in 0..n {
                    let j = if reverse { n - 1 - step } else { step };
                    let k = (o * n + j) * inner + i;
                    let v = acc.map_or(x[k], |s| f(s, x[k]));
                    out[k] = v;
                    acc = Some(v);
                }
            }
        }
        out
    }

    #[test]
    fn sums_and_products_along_every_axis() {
        let shape = [2, 3, 4];
        let x: Vec<f64> = (0..24).map(|v| (v as f64 * 0.37).sin() + 1.1).collect();
        let a = arr(x.clone(), &shape);
        for axis in 0..3 {
            let split = [
                numel(&shape[..axis]),
                shape[axis],
                numel(&shape[axis + 1..]),
            ];
            for reverse in [false, true] {
                let sum = scan(ScanOp::Sum, &a, axis, reverse).unwrap();
                assert_eq!(
                    vals::<f64>(&sum),
                    reference(&x, split, reverse, |s, v| s + v)
                );
                let prod = scan(ScanOp::Prod, &a, axis, reverse).unwrap();
                assert_eq!(
                    vals::<f64>(&prod),
                    reference(&x, split, reverse, |s, v| s * v)
                );
            }
        }
    }

    #[test]
    fn strided_inputs_are_read_in_place() {
        let x: Vec<f64> = (0..24).map(|v| v as f64).collect();
        let a = arr(x, &[4, 6]);
        // The transpose, then every other column of it: shape [3, 4], strides [2, 6].
        let view = a
            .view(Layout::new(
                (&[3usize, 4][..]).into(),
                (&[2isize, 6][..]).into(),
                0,
            ))
            .unwrap();
        let dense = view.contiguous().unwrap();
        for axis in 0..2 {
            assert_eq!(
                vals::<f64>(&scan(ScanOp::Sum, &view, axis, false).unwrap()),
                vals::<f64>(&scan(ScanOp::Sum, &dense, axis, false).unwrap())
            );
        }
    }

    #[test]
    fn log_sum_exp_is_stable_and_handles_infinities() {
        let a = arr(vec![1000.0, 1000.0, f64::NEG_INFINITY, -1000.0], &[4]);
        let got = vals::<f64>(&scan(ScanOp::LogSumExp, &a, 0, false).unwrap());
        let l2 = 1000.0 + 2f64.ln();
        assert_eq!(got, vec![1000.0, l2, l2, l2]);
        let ninf = arr(vec![f64::NEG_INFINITY, f64::NEG_INFINITY, 0.0], &[3]);
        let got = vals::<f64>(&scan(ScanOp::LogSumExp, &ninf, 0, false).unwrap());
        assert_eq!(got, vec![f64::NEG_INFINITY, f64::NEG_INFINITY, 0.0]);
        let inf = arr(vec![f64::INFINITY, f64::INFINITY, 1.0], &[3]);
        let got = vals::<f64>(&scan(ScanOp::LogSumExp, &inf, 0, false).unwrap());
        assert_eq!(got, vec![f64::INFINITY; 3]);
        let int = NdArray::from_vec(vec![1i64, 2], &[2]).unwrap();
        assert!(scan(ScanOp::LogSumExp, &int, 0, false).is_err());
    }

    #[test]
    fn integers_wrap_and_bools_or() {
        let a = NdArray::from_vec(vec![i64::MAX, 1, 2], &[3]).unwrap();
        assert_eq!(
            vals::<i64>(&scan(ScanOp::Sum, &a, 0, false).unwrap()),
            vec![i64::MAX, i64::MIN, i64::MIN + 2]
        );
        let b = NdArray::from_vec(vec![false, true, false], &[3]).unwrap();
        assert_eq!(
            vals::<bool>(&scan(ScanOp::Sum, &b, 0, false).unwrap()),
            vec![false, true, true]
        );
    }

    #[test]
    fn running_extreme_indices_take_the_last_tie_and_nan() {
        let nan = f64::NAN;
        let a = arr(vec![1.0, 3.0, 3.0, 2.0, 3.0, nan, 1.0, nan, 5.0], &[9]);
        assert_eq!(
            vals::<i64>(&scan_arg_extreme(&a, 0, true).unwrap()),
            vec![0, 1, 2, 2, 4, 5, 5, 7, 7]
        );
        assert_eq!(
            vals::<i64>(&scan_arg_extreme(&a, 0, false).unwrap()),
            vec![0, 0, 0, 0, 0, 5, 5, 7, 7]
        );
    }

    #[test]
    fn zero_dimensional_and_empty_arrays() {
        let s = arr(vec![2.5], &[]);
        let out = scan(ScanOp::Prod, &s, 0, false).unwrap();
        assert_eq!(out.shape(), &[] as &[usize]);
        assert_eq!(vals::<f64>(&out), vec![2.5]);
        let negative_zero = arr(vec![-0.0], &[1]);
        let sum = vals::<f64>(&scan(ScanOp::Sum, &negative_zero, 0, false).unwrap());
        assert!(sum[0] == 0.0 && sum[0].is_sign_positive());
        let e = arr(vec![], &[2, 0, 3]);
        for axis in 0..3 {
            assert_eq!(
                scan(ScanOp::Sum, &e, axis, false).unwrap().shape(),
                &[2, 0, 3]
            );
            assert_eq!(
                scan_arg_extreme(&e, axis, true).unwrap().shape(),
                &[2, 0, 3]
            );
        }
    }

    #[test]
    fn linear_recurrence_both_ways() {
        let a = arr(vec![9.0, 2.0, 3.0, 4.0], &[4]);
        let b = arr(vec![1.0, 1.0, 1.0, 1.0], &[4]);
        // h = 1, 2·1+1, 3·3+1, 4·10+1
        assert_eq!(
            vals::<f64>(&linear_scan(&a, &b, 0, false).unwrap()),
            vec![1.0, 3.0, 10.0, 41.0]
        );
        // from the end: h3 = 1, h2 = 3·1+1, h1 = 2·4+1, h0 = 9·9+1
        assert_eq!(
            vals::<f64>(&linear_scan(&a, &b, 0, true).unwrap()),
            vec![82.0, 9.0, 4.0, 1.0]
        );
    }
}
