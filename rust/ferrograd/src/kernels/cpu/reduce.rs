//! Reductions (sum, prod, max, min over any set of axes) and arg-reductions (argmax, argmin
//! over one axis).
//!
//! The reduced and kept axes are first merged into alternating groups (the array is
//! contiguous, so neighbouring axes of one kind act as one). Then: everything reduced → one
//! pairwise reduction of the whole slice; `[kept, reduced]` → one pairwise reduction per row;
//! `[reduced, kept]` → whole rows combined into the output row (column sums such as a bias
//! gradient), pairwise over blocks of rows; anything else → a row-by-row walk. Pairwise
//! reduction keeps float32 sums accurate (error grows with log n, not n) at full SIMD speed.

use std::ops::Range;

use smallvec::SmallVec;

use super::map::Strided;
use super::scalar::Scalar;
use super::strided::{at, for_gathered, gather_row, StridedWalk};
use crate::array::shape::{numel, Dims, StridedOffsets, Strides};
use crate::array::{alloc, Element, NdArray};
use crate::error::{Error, Result};
use crate::kernels::parallel;
use crate::kernels::{ArgReduceOp, ReduceOp};

/// Independent accumulators per slice, so the loop vectorises without reassociating a float sum
/// and several vector accumulators hide the latency of the combining op (a power of two).
const LANES: usize = 16;
/// Slices up to this length are reduced with `LANES` accumulators; longer ones are halved.
const PAIRWISE_BLOCK: usize = 256;
/// Rows combined directly into one partial row before partial rows are combined pairwise.
const ROW_BLOCK: usize = 64;

/// `f`-reduction of a slice, starting from `init` (`f`'s identity): pairwise over halves, with
/// `LANES` accumulators at the leaves.
pub(in crate::kernels) fn reduce_slice<T: Copy, F: Fn(T, T) -> T>(x: &[T], f: &F, init: T) -> T {
    if x.len() > PAIRWISE_BLOCK {
        let mid = (x.len() / 2).next_multiple_of(LANES);
        return f(
            reduce_slice(&x[..mid], f, init),
            reduce_slice(&x[mid..], f, init),
        );
    }
    let mut acc = [init; LANES];
    let chunks = x.chunks_exact(LANES);
    let tail = chunks.remainder();
    for c in chunks {
        for (a, &v) in acc.iter_mut().zip(c) {
            *a = f(*a, v);
        }
    }
    for (a, &v) in acc.iter_mut().zip(tail) {
        *a = f(*a, v);
    }
    let mut width = LANES;
    while width > 1 {
        width /= 2;
        for i in 0..width {
            acc[i] = f(acc[i], acc[i + width]);
        }
    }
    acc[0]
}

/// `out[j] = f(out[j], row[j])`.
#[inline(always)]
fn combine_into<T: Copy, F: Fn(T, T) -> T>(out: &mut [T], row: &[T], f: &F) {
    for (o, &v) in out.iter_mut().zip(row) {
        *o = f(*o, v);
    }
}

/// Reduces the `r` rows of `m` elements in `x` into `out` (overwritten): rows are added in order
/// within blocks of `ROW_BLOCK`, and block results pairwise, in parallel when large (on at most
/// `threads` threads).
fn reduce_columns<T: Scalar, F: Fn(T, T) -> T + Sync>(
    out: &mut [T],
    x: &[T],
    m: usize,
    f: &F,
    threads: usize,
) {
    let r = x.len() / m;
    if r <= ROW_BLOCK {
        out.copy_from_slice(&x[..m]);
        for row in x[m..].chunks_exact(m) {
            combine_into(out, row, f);
        }
        return;
    }
    let half = (r / 2).next_multiple_of(ROW_BLOCK).min(r - 1);
    let (top, bottom) = x.split_at(half * m);
    let mut partial = vec![T::zero(); m];
    let threads = if parallel::should_parallelize(x.len()) {
        threads
    } else {
        1
    };
    parallel::join_within(
        threads,
        |t| reduce_columns(out, top, m, f, t),
        |t| reduce_columns(&mut partial, bottom, m, f, t),
    );
    combine_into(out, &partial, f);
}

/// Axes merged into groups of one kind: `(size, reduced)`, dimensions of size 1 dropped.
fn group_axes(shape: &[usize], axes: &[usize]) -> SmallVec<[(usize, bool); 4]> {
    let mut groups: SmallVec<[(usize, bool); 4]> = SmallVec::new();
    for (d, &size) in shape.iter().enumerate() {
        if size == 1 {
            continue;
        }
        let reduced = axes.contains(&d);
        match groups.last_mut() {
            Some((s, r)) if *r == reduced => *s *= size,
            _ => groups.push((size, reduced)),
        }
    }
    groups
}

fn reduce_typed<T: Scalar, F: Fn(T, T) -> T + Sync>(
    x: &[T],
    shape: &[usize],
    axes: &[usize],
    f: F,
    init: T,
) -> Vec<T> {
    let out_len: usize = shape
        .iter()
        .enumerate()
        .filter(|(d, _)| !axes.contains(d))
        .map(|(_, &s)| s)
        .product();
    if x.is_empty() {
        return alloc::must(alloc::filled(init, out_len));
    }
    let groups = group_axes(shape, axes);
    match groups.as_slice() {
        [] | [(_, false)] => alloc::must(alloc::copied(x)),
        [(_, true)] => {
            let parts = parallel::map_chunks(x, LANES, |_, c| reduce_slice(c, &f, init));
            vec![parts.into_iter().fold(init, &f)]
        }
        &[(rows, false), (n, true)] => {
            let mut out = alloc::must(alloc::filled(init, rows));
            parallel::for_each_chunk_costed(&mut out, 1, n, |s, o| {
                for (o, row) in o.iter_mut().zip(x[s * n..].chunks_exact(n)) {
                    *o = reduce_slice(row, &f, init);
                }
            });
            out
        }
        &[(_, true), (m, false)] => {
            let mut out = alloc::must(alloc::filled(init, m));
            reduce_columns(&mut out, x, m, &f, parallel::num_threads());
            out
        }
        groups => reduce_general(x, groups, out_len, &f, init),
    }
}

/// Any pattern of reduced and kept groups: walks the input by its innermost group. A kept
/// innermost group of `m` is combined row by row into the output row it belongs to; a reduced
/// one reduces to one value per row, combined into its output element.
fn reduce_general<T: Scalar, F: Fn(T, T) -> T>(
    x: &[T],
    groups: &[(usize, bool)],
    out_len: usize,
    f: &F,
    init: T,
) -> Vec<T> {
    let mut out = alloc::must(alloc::filled(init, out_len));
    let (&(inner, inner_reduced), outer) = groups.split_last().expect("at least three groups");
    let sizes: Dims = outer.iter().map(|g| g.0).collect();
    // Output strides of the outer groups, in elements: 0 for reduced groups.
    let mut out_strides: Strides = SmallVec::from_elem(0, outer.len());
    let mut step = if inner_reduced { 1 } else { inner as isize };
    for (st, &(size, reduced)) in out_strides.iter_mut().zip(outer).rev() {
        if !reduced {
            *st = step;
            step *= size as isize;
        }
    }
    let rows = x.chunks_exact(inner);
    for (row, o) in rows.zip(StridedOffsets::new(&sizes, &out_strides, 0)) {
        if inner_reduced {
            out[o] = f(out[o], reduce_slice(row, f, init));
        } else {
            combine_into(&mut out[o..o + inner], row, f);
        }
    }
    out
}

/// `f`-reduction of the `n` elements of `data` at `start`, `start + stride`, ...: pairwise, as
/// `reduce_slice`, with each leaf block gathered into a buffer on the stack first.
fn reduce_strided_line<T: Copy, F: Fn(T, T) -> T>(
    data: &[T],
    [start, stride]: [isize; 2],
    n: usize,
    f: &F,
    init: T,
) -> T {
    if stride == 1 {
        let start = start as usize;
        return reduce_slice(&data[start..start + n], f, init);
    }
    if n > PAIRWISE_BLOCK {
        let mid = (n / 2).next_multiple_of(LANES);
        let second = start + stride * mid as isize;
        return f(
            reduce_strided_line(data, [start, stride], mid, f, init),
            reduce_strided_line(data, [second, stride], n - mid, f, init),
        );
    }
    let mut block = [std::mem::MaybeUninit::<T>::uninit(); PAIRWISE_BLOCK];
    reduce_slice(gather_row(data, start, stride, &mut block[..n]), f, init)
}

/// The reduction of a strided `x` over `axes`, its output in row-major order of the kept axes.
/// A permuted contiguous array is reduced in storage order by the contiguous kernels and only
/// the (smaller) output is reordered; anything else is walked row by row in place.
fn reduce_view<T: Scalar, F: Fn(T, T) -> T + Sync>(
    x: Strided<T>,
    axes: &[usize],
    f: F,
    init: T,
) -> Vec<T> {
    if let Some(dense) = x.dense() {
        return reduce_typed(dense, x.shape, axes, f, init);
    }
    if let Some(order) = x.dense_order() {
        let shape: Dims = order.iter().map(|&d| x.shape[d]).collect();
        let permuted_axes: Dims = (0..order.len())
            .filter(|&j| axes.contains(&order[j]))
            .collect();
        let start = x.offset as usize;
        let data = &x.data[start..start + numel(x.shape)];
        let out = reduce_typed(data, &shape, &permuted_axes, f, init);
        // `out` is row-major over the kept axes in storage order; read it back in their own.
        let kept: Dims = order
            .iter()
            .copied()
            .filter(|d| !axes.contains(d))
            .collect();
        let mut strides: Strides = SmallVec::from_elem(0, x.shape.len());
        let mut step = 1isize;
        for &d in kept.iter().rev() {
            strides[d] = step;
            step *= x.shape[d] as isize;
        }
        let (sizes, strides): (Dims, Strides) = (0..x.shape.len())
            .filter(|d| !axes.contains(d))
            .map(|d| (x.shape[d], strides[d]))
            .unzip();
        return StridedOffsets::new(&sizes, &strides, 0)
            .map(|o| out[o])
            .collect();
    }
    reduce_walk(x, axes, &f, init)
}

/// Any strided `x`: walks it in storage order (largest stride outermost) with the output
/// position alongside, so each row is either reduced to one value or combined into an output
/// row. Large inputs with a small output are split, each half into an output of its own.
fn reduce_walk<T: Scalar, F: Fn(T, T) -> T + Sync>(
    x: Strided<T>,
    axes: &[usize],
    f: &F,
    init: T,
) -> Vec<T> {
    let nd = x.shape.len();
    let mut out_strides: Strides = SmallVec::from_elem(0, nd);
    let mut out_len = 1usize;
    for d in (0..nd).rev() {
        if !axes.contains(&d) {
            out_strides[d] = out_len as isize;
            out_len *= x.shape[d];
        }
    }
    let mut order: Dims = (0..nd).collect();
    order.sort_by_key(|&d| std::cmp::Reverse(x.strides[d]));
    let shape: Dims = order.iter().map(|&d| x.shape[d]).collect();
    let in_strides: Strides = order.iter().map(|&d| x.strides[d]).collect();
    let out_strides: Strides = order.iter().map(|&d| out_strides[d]).collect();
    let walk = StridedWalk::new(&shape, [&in_strides, &out_strides], [x.offset, 0]);
    let (inner, [si, so]) = (walk.inner(), walk.inner_strides());
    let reduce_rows = |rows: Range<usize>, out: &mut [T]| {
        walk.for_rows(rows, |_, [pi, po]| {
            if so == 0 {
                let o = po as usize;
                out[o] = f(
                    out[o],
                    reduce_strided_line(x.data, [pi, si], inner, f, init),
                );
            } else {
                for_gathered(x.data, pi, si, inner, |done, row| {
                    for (i, &v) in row.iter().enumerate() {
                        let o = at(po, so, done + i);
                        out[o] = f(out[o], v);
                    }
                });
            }
        })
    };
    fn split<T: Scalar, F: Fn(T, T) -> T + Sync>(
        rows: Range<usize>,
        out: &mut [T],
        cost: usize,
        f: &F,
        init: T,
        run: &(impl Fn(Range<usize>, &mut [T]) + Sync),
        threads: usize,
    ) {
        let work = rows.len() * cost;
        if rows.len() < 2 || !parallel::should_parallelize(work) || out.len() * 16 > work {
            return run(rows, out);
        }
        let mid = rows.start + rows.len() / 2;
        let mut partial = vec![init; out.len()];
        parallel::join_within(
            threads,
            |t| split(rows.start..mid, out, cost, f, init, run, t),
            |t| split(mid..rows.end, &mut partial, cost, f, init, run, t),
        );
        combine_into(out, &partial, f);
    }
    let mut out = alloc::must(alloc::filled(init, out_len));
    split(
        0..walk.rows(),
        &mut out,
        inner,
        f,
        init,
        &reduce_rows,
        parallel::num_threads(),
    );
    out
}

fn check_axes(axes: &[usize], ndim: usize) -> Result<()> {
    for (i, &ax) in axes.iter().enumerate() {
        if ax >= ndim.max(1) {
            return Err(Error::Index(format!(
                "Dimension out of range (expected to be in range of [{}, {}], but got {ax})",
                -(ndim.max(1) as isize),
                ndim.max(1) - 1
            )));
        }
        if i > 0 && axes[i - 1] >= ax {
            return Err(Error::Value(format!(
                "reduction axes must be sorted and distinct, got {axes:?}"
            )));
        }
    }
    Ok(())
}

/// `op` over `axes` (sorted, distinct); the result has `a`'s dtype.
pub fn reduce(op: ReduceOp, a: &NdArray, axes: &[usize], keepdim: bool) -> Result<NdArray> {
    let shape = a.shape();
    check_axes(axes, shape.len())?;
    if axes.is_empty() || shape.is_empty() {
        // A new array, never an alias of the input (the result may be written in place).
        return super::index::materialize(a);
    }
    let out_shape: Dims = shape
        .iter()
        .enumerate()
        .filter_map(|(d, &s)| match (axes.contains(&d), keepdim) {
            (false, _) => Some(s),
            (true, true) => Some(1),
            (true, false) => None,
        })
        .collect();
    if matches!(op, ReduceOp::Max | ReduceOp::Min) {
        let name = if op == ReduceOp::Max { "max" } else { "min" };
        if axes.len() == shape.len() && a.numel() == 0 {
            return Err(Error::Value(format!(
                "{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument."
            )));
        }
        if let Some(&d) = axes.iter().find(|&&d| shape[d] == 0) {
            return Err(Error::Value(format!(
                "{name}(): Expected reduction dim {d} to have non-zero size."
            )));
        }
    }
    crate::with_dtype!(a.dtype(), T => {
        let x = Strided::<T>::of(a)?;
        let out = match op {
            ReduceOp::Sum => reduce_view(x, axes, <T as Scalar>::add, T::zero()),
            ReduceOp::Prod => reduce_view(x, axes, <T as Scalar>::mul, T::one()),
            ReduceOp::Max => reduce_view(x, axes, <T as Scalar>::maximum, T::LOWEST),
            ReduceOp::Min => reduce_view(x, axes, <T as Scalar>::minimum, T::HIGHEST),
        };
        NdArray::from_vec(out, &out_shape)
    })
}

/// Index of the first best element of each length-`n` line of `x` (`outer` blocks of `n` × `inner`).
/// `better(x, best)` says whether `x` replaces the best so far; `pick` is the matching
/// NaN-propagating `maximum` or `minimum` (with identity `init`).
fn arg_typed<T: Scalar>(
    x: &[T],
    [n, inner]: [usize; 2],
    better: impl Fn(T, T) -> bool + Sync,
    pick: impl Fn(T, T) -> T + Sync,
    init: T,
) -> Vec<i64> {
    let outer = x.len() / (n * inner);
    let mut out = alloc::must(alloc::zeroed::<i64>(outer * inner));
    if inner == 1 {
        // Two vectorised passes beat one branchy one: the best value, then its first position.
        parallel::for_each_chunk_costed(&mut out, 1, n, |s, o| {
            for (o, line) in o.iter_mut().zip(x[s * n..].chunks_exact(n)) {
                let best = reduce_slice(line, &pick, init);
                let nan = best.is_nan();
                let k = line.iter().position(|&v| v == best || (nan && v.is_nan()));
                *o = k.unwrap_or(0) as i64;
            }
        });
        return out;
    }
    parallel::for_each_chunk_costed(&mut out, inner, n, |s, o| {
        let mut best: Vec<T> = Vec::with_capacity(inner);
        for (o, block) in o
            .chunks_exact_mut(inner)
            .zip(x[s * n..].chunks_exact(n * inner))
        {
            best.clear();
            best.extend_from_slice(&block[..inner]);
            for (k, row) in block.chunks_exact(inner).enumerate().skip(1) {
                for ((b, i), &v) in best.iter_mut().zip(o.iter_mut()).zip(row) {
                    if better(v, *b) {
                        *b = v;
                        *i = k as i64;
                    }
                }
            }
        }
    });
    out
}

/// The index of the max (or min) along `axis`, as `Int64`; the first on ties, and NaN wins.
pub fn arg_reduce(op: ArgReduceOp, a: &NdArray, axis: usize, keepdim: bool) -> Result<NdArray> {
    let shape = a.shape();
    check_axes(&[axis], shape.len())?;
    if shape.is_empty() {
        return NdArray::from_vec(vec![0i64], &[]);
    }
    let n = shape[axis];
    let name = if op == ArgReduceOp::ArgMax {
        "argmax"
    } else {
        "argmin"
    };
    if n == 0 {
        return Err(Error::Value(format!(
            "{name}(): Expected reduction dim {axis} to have non-zero size."
        )));
    }
    let inner = numel(&shape[axis + 1..]);
    let out_shape: Dims = shape
        .iter()
        .enumerate()
        .filter_map(|(d, &s)| {
            if d != axis {
                Some(s)
            } else if keepdim {
                Some(1)
            } else {
                None
            }
        })
        .collect();
    if numel(&out_shape) == 0 {
        return NdArray::from_vec(Vec::<i64>::new(), &out_shape);
    }
    crate::with_dtype!(a.dtype(), T => {
        let x = a.as_slice::<T>()?;
        let out = match op {
            ArgReduceOp::ArgMax => arg_typed(
                x,
                [n, inner],
                |v: T, b: T| v.gt(&b) || (v.is_nan() && !b.is_nan()),
                <T as Scalar>::maximum,
                T::LOWEST,
            ),
            ArgReduceOp::ArgMin => arg_typed(
                x,
                [n, inner],
                |v: T, b: T| v.lt(&b) || (v.is_nan() && !b.is_nan()),
                <T as Scalar>::minimum,
                T::HIGHEST,
            ),
        };
        NdArray::from_vec(out, &out_shape)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arr<T: Element>(v: Vec<T>, shape: &[usize]) -> NdArray {
        NdArray::from_vec(v, shape).unwrap()
    }
    fn red<T: Element>(
        op: ReduceOp,
        a: &NdArray,
        axes: &[usize],
        keepdim: bool,
    ) -> (Vec<usize>, Vec<T>) {
        let r = reduce(op, a, axes, keepdim).unwrap();
        (r.shape().to_vec(), r.as_slice::<T>().unwrap().to_vec())
    }
    /// Reference: the reduction by brute force over multi-indices, in f64.
    fn reference(
        x: &[f64],
        shape: &[usize],
        axes: &[usize],
        f: fn(f64, f64) -> f64,
        init: f64,
    ) -> Vec<f64> {
        let out_shape: Vec<usize> = shape
            .iter()
            .enumerate()
            .map(|(d, &s)| if axes.contains(&d) { 1 } else { s })
            .collect();
        let mut out = vec![init; numel(&out_shape)];
        for (i, &v) in x.iter().enumerate() {
            let mut rest = i;
            let mut o = 0;
            let mut step = 1;
            for d in (0..shape.len()).rev() {
                let idx = rest % shape[d];
                rest /= shape[d];
                if !axes.contains(&d) {
                    o += idx * step;
                }
                step *= out_shape[d];
            }
            out[o] = f(out[o], v);
        }
        out
    }

    #[test]
    fn every_axis_pattern_matches_the_reference() {
        let shape = [3, 4, 2, 5];
        let x: Vec<f64> = (0..120).map(|i| ((i * 37) % 23) as f64 - 11.0).collect();
        let a = arr(x.clone(), &shape);
        for mask in 1u32..16 {
            let axes: Vec<usize> = (0..4).filter(|d| mask & (1 << d) != 0).collect();
            let (s, v) = red::<f64>(ReduceOp::Sum, &a, &axes, true);
            assert_eq!(
                v,
                reference(&x, &shape, &axes, |p, q| p + q, 0.0),
                "sum {axes:?}"
            );
            assert_eq!(s.len(), 4);
            let (_, v) = red::<f64>(ReduceOp::Max, &a, &axes, false);
            assert_eq!(
                v,
                reference(&x, &shape, &axes, f64::max, f64::NEG_INFINITY),
                "max {axes:?}"
            );
            let (_, v) = red::<f64>(ReduceOp::Min, &a, &axes, false);
            assert_eq!(
                v,
                reference(&x, &shape, &axes, f64::min, f64::INFINITY),
                "min {axes:?}"
            );
            let (_, v) = red::<f64>(ReduceOp::Prod, &a, &axes, false);
            let want = reference(&x, &shape, &axes, |p, q| p * q, 1.0);
            assert!(
                v.iter()
                    .zip(&want)
                    .all(|(p, q)| (p - q).abs() <= 1e-12 * q.abs()),
                "prod {axes:?}"
            );
        }
    }

    #[test]
    fn shapes_keepdim_and_size_one_axes() {
        let a = arr((0..6).map(|i| i as f32).collect(), &[2, 1, 3]);
        assert_eq!(
            red::<f32>(ReduceOp::Sum, &a, &[0], false),
            (vec![1, 3], vec![3.0, 5.0, 7.0])
        );
        assert_eq!(
            red::<f32>(ReduceOp::Sum, &a, &[2], true),
            (vec![2, 1, 1], vec![3.0, 12.0])
        );
        assert_eq!(
            red::<f32>(ReduceOp::Sum, &a, &[1], false),
            (vec![2, 3], vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
        );
        assert_eq!(
            red::<f32>(ReduceOp::Sum, &a, &[0, 1, 2], false),
            (vec![], vec![15.0])
        );
        assert_eq!(red::<f32>(ReduceOp::Sum, &a, &[], false).0, vec![2, 1, 3]);
        assert!(matches!(
            reduce(ReduceOp::Sum, &a, &[3], false),
            Err(Error::Index(_))
        ));
        assert!(matches!(
            reduce(ReduceOp::Sum, &a, &[1, 0], false),
            Err(Error::Value(_))
        ));
    }

    #[test]
    fn large_reductions_take_the_fast_paths_accurately() {
        // Reduce-all over 2^20 values of 0.1 in f32: a naive running sum drifts by ~1e-2 relative.
        let n = 1 << 20;
        let a = arr(vec![0.1f32; n], &[n]);
        let total = red::<f32>(ReduceOp::Sum, &a, &[0], false).1[0];
        assert!(
            (total as f64 - 0.1f32 as f64 * n as f64).abs() < 1e-3 * n as f64 * 1e-2,
            "{total}"
        );
        // Column sums over many rows (bias gradient pattern), parallel and pairwise.
        let (r, m) = (5000, 64);
        let b = arr(vec![0.1f32; r * m], &[r, m]);
        let cols = red::<f32>(ReduceOp::Sum, &b, &[0], false).1;
        assert!(
            cols.iter().all(|&c| (c - 500.0).abs() < 1e-3),
            "{:?}",
            &cols[..4]
        );
        // Row sums.
        let rows = red::<f32>(ReduceOp::Sum, &b, &[1], false).1;
        assert!(rows.iter().all(|&c| (c - 6.4).abs() < 1e-4));
        let ints = arr((0..r as i64 * m as i64).collect::<Vec<_>>(), &[r, m]);
        let cols = red::<i64>(ReduceOp::Sum, &ints, &[0], false).1;
        assert_eq!(
            cols[3],
            (0..r as i64).map(|i| i * m as i64 + 3).sum::<i64>()
        );
        let mx = red::<i64>(ReduceOp::Max, &ints, &[0, 1], false).1;
        assert_eq!(mx, vec![r as i64 * m as i64 - 1]);
    }

    #[test]
    fn bias_gradient_pattern() {
        let (r, m) = (64, 256);
        let x: Vec<f32> = (0..r * m).map(|i| (i % 7) as f32).collect();
        let got = red::<f32>(ReduceOp::Sum, &arr(x.clone(), &[r, m]), &[0], false).1;
        let want: Vec<f32> = (0..m).map(|j| (0..r).map(|i| x[i * m + j]).sum()).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn nan_propagates_and_empty_extents() {
        let a = arr(vec![1.0f32, f32::NAN, 3.0, 4.0], &[2, 2]);
        let (_, mx) = red::<f32>(ReduceOp::Max, &a, &[1], false);
        assert!(mx[0].is_nan() && mx[1] == 4.0);
        let (_, mn) = red::<f32>(ReduceOp::Min, &a, &[0], false);
        assert!(mn[0] == 1.0 && mn[1].is_nan());
        let e = arr(Vec::<f32>::new(), &[0, 3]);
        assert_eq!(
            red::<f32>(ReduceOp::Sum, &e, &[0], false),
            (vec![3], vec![0.0; 3])
        );
        assert_eq!(
            red::<f32>(ReduceOp::Prod, &e, &[0, 1], false),
            (vec![], vec![1.0])
        );
        assert_eq!(
            red::<f32>(ReduceOp::Max, &e, &[1], false),
            (vec![0], vec![])
        );
        assert!(
            matches!(reduce(ReduceOp::Max, &e, &[0], false), Err(Error::Value(m)) if m.contains("dim 0"))
        );
        assert!(
            matches!(reduce(ReduceOp::Min, &e, &[0, 1], false), Err(Error::Value(m)) if m.contains("numel() == 0"))
        );
    }

    #[test]
    fn bool_and_int_reductions() {
        let b = arr(vec![true, false, false, false], &[2, 2]);
        assert_eq!(
            red::<bool>(ReduceOp::Sum, &b, &[1], false).1,
            vec![true, false]
        );
        assert_eq!(
            red::<bool>(ReduceOp::Prod, &b, &[0], false).1,
            vec![false, false]
        );
        assert_eq!(red::<bool>(ReduceOp::Max, &b, &[0, 1], false).1, vec![true]);
        let i = arr(vec![3i32, -1, 7, 2], &[4]);
        assert_eq!(red::<i32>(ReduceOp::Min, &i, &[0], false).1, vec![-1]);
        assert_eq!(red::<i32>(ReduceOp::Prod, &i, &[0], false).1, vec![-42]);
    }

    #[test]
    fn arg_reductions() {
        let a = arr(vec![1.0f32, 5.0, 5.0, 0.0, -2.0, 3.0], &[2, 3]);
        let arg = |op, axis, keep| {
            let r = arg_reduce(op, &a, axis, keep).unwrap();
            (r.shape().to_vec(), r.as_slice::<i64>().unwrap().to_vec())
        };
        assert_eq!(arg(ArgReduceOp::ArgMax, 1, false), (vec![2], vec![1, 2]));
        assert_eq!(arg(ArgReduceOp::ArgMin, 1, true), (vec![2, 1], vec![0, 1]));
        assert_eq!(arg(ArgReduceOp::ArgMax, 0, false), (vec![3], vec![0, 0, 0]));
        assert_eq!(arg(ArgReduceOp::ArgMin, 0, false), (vec![3], vec![1, 1, 1]));
        let n = arr(vec![1.0f64, f64::NAN, 9.0, f64::NAN], &[4]);
        assert_eq!(
            arg_reduce(ArgReduceOp::ArgMax, &n, 0, false)
                .unwrap()
                .as_slice::<i64>()
                .unwrap(),
            &[1]
        );
        assert_eq!(
            arg_reduce(ArgReduceOp::ArgMin, &n, 0, false)
                .unwrap()
                .as_slice::<i64>()
                .unwrap(),
            &[1]
        );
        let i = arr(vec![2i64, 7, 7, 1, 0, 9], &[3, 2]);
        assert_eq!(
            arg_reduce(ArgReduceOp::ArgMax, &i, 0, false)
                .unwrap()
                .as_slice::<i64>()
                .unwrap(),
            &[1, 2]
        );
        let e = arr(Vec::<f32>::new(), &[2, 0]);
        assert!(matches!(
            arg_reduce(ArgReduceOp::ArgMax, &e, 1, false),
            Err(Error::Value(_))
        ));
        assert_eq!(
            arg_reduce(ArgReduceOp::ArgMax, &e, 0, false)
                .unwrap()
                .shape(),
            &[0]
        );
        assert!(matches!(
            arg_reduce(ArgReduceOp::ArgMax, &a, 2, false),
            Err(Error::Index(_))
        ));
        let big = arr(
            (0..100_000)
                .map(|i| ((i * 7919) % 100_003) as f32)
                .collect(),
            &[100, 1000],
        );
        let r = arg_reduce(ArgReduceOp::ArgMax, &big, 1, false).unwrap();
        let x = big.as_slice::<f32>().unwrap();
        for (row, &k) in r.as_slice::<i64>().unwrap().iter().enumerate() {
            let line = &x[row * 1000..(row + 1) * 1000];
            assert!(line.iter().all(|&v| v <= line[k as usize]));
        }
    }
}
