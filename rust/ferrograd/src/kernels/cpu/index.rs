//! Strided views and index selection: `gather` (a contiguous copy of a strided view),
//! `scatter_add` (its adjoint), `strided_assign` (writing into a view), `index_select` and
//! `index_add` (its adjoint).
//!
//! A view is `(shape, strides, offset)` in elements over a contiguous buffer; strides may be 0
//! (expand) or negative (flip). Views are walked row by row with `StridedWalk`, whose inner
//! loop is a slice copy, a fill or a reversed copy when the strides allow.

use std::ops::Range;

use super::scalar::Scalar;
use super::strided::{at, StridedWalk};
use crate::array::shape::{broadcast_shapes, contiguous_strides, numel, Dims};
use crate::array::{alloc, DType, Element, NdArray};
use crate::error::{Error, Result};
use crate::kernels::parallel;

/// Checks that the view `(shape, strides, offset)` stays inside a buffer of `len` elements.
fn check_view(len: usize, shape: &[usize], strides: &[isize], offset: isize) -> Result<()> {
    if shape.len() != strides.len() {
        return Err(Error::Shape(format!(
            "a view needs one stride per dimension, got shape {shape:?} and strides {strides:?}"
        )));
    }
    if numel(shape) == 0 {
        return Ok(());
    }
    let (mut lo, mut hi) = (offset as i128, offset as i128);
    for (&d, &s) in shape.iter().zip(strides) {
        let span = (d as i128 - 1) * s as i128;
        if span < 0 {
            lo += span;
        } else {
            hi += span;
        }
    }
    if lo < 0 || hi >= len as i128 {
        return Err(Error::Index(format!(
            "view of shape {shape:?} with strides {strides:?} and offset {offset} is out of bounds for storage of size {len}"
        )));
    }
    Ok(())
}

/// Rows and columns of the square tiles that a transposing view is walked by.
const TILE: usize = 32;

/// Elements from which a transposing copy is split across threads. A transpose is bound by
/// memory, not arithmetic: on 2 cores a 256x784 `.t()` took 80 us on one thread and 151 us
/// split in two (docs/PERFORMANCE.md).
const TRANSPOSE_PARALLEL_THRESHOLD: usize = 1 << 22;

/// True when the view is better walked by tiles: its rows step far through the buffer (each
/// element in another cache line) while the dimension above steps less, as in a transpose.
fn is_transposing(walk: &StridedWalk<1>) -> bool {
    let [sc] = walk.inner_strides();
    match walk.last_outer() {
        Some((r, [sr])) => {
            sr != 0 && sr.abs() < sc.abs() && sc.abs() >= 16 && r >= 8 && walk.inner() >= 8
        }
        None => false,
    }
}

/// Calls `f(k, pos)` for the view's elements in `rows` (whole rows of the walk), where `k` is
/// the row-major index into the view and `pos` the buffer position, tile by tile: `TILE` rows
/// at a time, `TILE` columns each, so the cache lines a tile reads are reused across its rows.
fn for_each_tiled(walk: &StridedWalk<1>, rows: Range<usize>, mut f: impl FnMut(usize, usize)) {
    let (c, [sc]) = (walk.inner(), walk.inner_strides());
    let Some((r, [sr])) = walk.last_outer() else {
        return;
    };
    let mut row = rows.start;
    while row < rows.end {
        let len = TILE.min(rows.end - row).min(r - row % r);
        let mut base = 0;
        walk.for_rows(row..row + 1, |_, [p]| base = p);
        for j0 in (0..c).step_by(TILE) {
            let j1 = (j0 + TILE).min(c);
            for ii in 0..len {
                let (p, k) = (base + ii as isize * sr, (row + ii) * c);
                for j in j0..j1 {
                    f(k + j, at(p, sc, j));
                }
            }
        }
        row += len;
    }
}

/// `for_each_tiled` specialised to a copy (`out[k - start] = src[pos]`), the transpose that
/// every `.t()` and matmul gradient materialises: bounds are checked once per tile (the read
/// positions are affine in the tile's row and column, so the four corners bound them) and the
/// inner loop is a plain strided load, contiguous store.
fn copy_tiled<T: Copy>(
    walk: &StridedWalk<1>,
    rows: Range<usize>,
    out: &mut [T],
    start: usize,
    src: &[T],
) {
    let (c, [sc]) = (walk.inner(), walk.inner_strides());
    let Some((r, [sr])) = walk.last_outer() else {
        return;
    };
    let mut row = rows.start;
    while row < rows.end {
        let len = TILE.min(rows.end - row).min(r - row % r);
        let mut base = 0;
        walk.for_rows(row..row + 1, |_, [p]| base = p);
        let (last_i, last_j) = (len as isize - 1, c as isize - 1);
        let corners = [
            base,
            base + last_i * sr,
            base + last_j * sc,
            base + last_i * sr + last_j * sc,
        ];
        assert!(
            corners.iter().all(|&p| p >= 0 && (p as usize) < src.len()),
            "tile inside the source"
        );
        let o0 = row * c - start;
        assert!(o0 + len * c <= out.len(), "tile inside the output");
        for j0 in (0..c).step_by(TILE) {
            let j1 = (j0 + TILE).min(c);
            for ii in 0..len {
                let p = base + ii as isize * sr;
                // SAFETY: `p + j * sc` for `ii < len`, `j < c` lies between the corners checked
                // above, and `o0 + ii * c + j < o0 + len * c <= out.len()`.
                unsafe {
                    let s = src.as_ptr().offset(p);
                    let d = out.as_mut_ptr().add(o0 + ii * c);
                    for j in j0..j1 {
                        *d.add(j) = *s.offset(j as isize * sc);
                    }
                }
            }
        }
        row += len;
    }
}

/// True when the view reads the whole buffer of `len` elements in row-major order.
fn is_whole(len: usize, shape: &[usize], strides: &[isize], offset: isize) -> bool {
    offset == 0
        && numel(shape) == len
        && shape
            .iter()
            .zip(strides)
            .zip(contiguous_strides(shape).iter())
            .all(|((&d, &s), &c)| d == 1 || s == c)
}

/// A contiguous copy of the strided view `a.flat[offset + Σ i_k·strides_k]` of `shape`.
pub fn gather(a: &NdArray, shape: &[usize], strides: &[isize], offset: isize) -> Result<NdArray> {
    check_view(a.numel(), shape, strides, offset)?;
    if is_whole(a.numel(), shape, strides, offset) {
        return a.contiguous()?.reshaped(shape);
    }
    crate::with_dtype!(a.dtype(), T => NdArray::from_vec(gather_from(a.as_slice::<T>()?, shape, strides, offset)?, shape))
}

/// The elements of the view `a` in row-major order, in storage of their own.
pub fn materialize(a: &NdArray) -> Result<NdArray> {
    let (shape, strides, offset) = (a.shape(), a.strides(), a.offset() as isize);
    crate::with_dtype!(a.dtype(), T => NdArray::from_vec(gather_from(a.storage_slice::<T>()?, shape, strides, offset)?, shape))
}

/// The elements of the view `(shape, strides, offset)` of `src`, in row-major order; the view
/// was checked to lie inside `src`.
fn gather_from<T: Element>(
    src: &[T],
    shape: &[usize],
    strides: &[isize],
    offset: isize,
) -> Result<Vec<T>> {
    let mut out = alloc::zeroed::<T>(numel(shape))?;
    let walk = StridedWalk::new(shape, [strides], [offset]);
    if is_transposing(&walk) {
        let c = walk.inner();
        if out.len() < TRANSPOSE_PARALLEL_THRESHOLD {
            copy_tiled(&walk, 0..walk.rows(), &mut out, 0, src);
            return Ok(out);
        }
        parallel::for_each_chunk(&mut out, c * TILE, |start, chunk| {
            let rows = start / c..(start + chunk.len()) / c;
            copy_tiled(&walk, rows, chunk, start, src);
        });
        return Ok(out);
    }
    let [s] = walk.inner_strides();
    walk.fill_rows(&mut out, |o, [p]| {
        let (n, u) = (o.len(), p as usize);
        match s {
            1 => o.copy_from_slice(&src[u..u + n]),
            0 => o.fill(src[u]),
            -1 => {
                for (o, &v) in o.iter_mut().zip(src[u + 1 - n..=u].iter().rev()) {
                    *o = v;
                }
            }
            _ => {
                for (i, o) in o.iter_mut().enumerate() {
                    *o = src[at(p, s, i)];
                }
            }
        }
    });
    Ok(out)
}

/// When the view `(shape, strides, offset)` over a buffer of `out_shape` is a permutation of its
/// axes (every element visited once, as `t()`, `transpose` and `permute` make), the strides of
/// the inverse view: reading a contiguous array of `shape` with them gives the array of
/// `out_shape` whose view it was.
fn permutation_inverse(
    len: usize,
    out_shape: &[usize],
    shape: &[usize],
    strides: &[isize],
    offset: isize,
) -> Option<crate::array::shape::Strides> {
    if offset != 0 || shape.len() != out_shape.len() || numel(shape) != len || len == 0 {
        return None;
    }
    let (out_contiguous, view_contiguous) =
        (contiguous_strides(out_shape), contiguous_strides(shape));
    let mut used: Dims = shape.iter().map(|_| 0).collect();
    let mut inverse = crate::array::shape::Strides::new();
    for (&d, &c) in out_shape.iter().zip(out_contiguous.iter()) {
        if d == 1 {
            inverse.push(0);
            continue;
        }
        let j = (0..shape.len()).find(|&j| used[j] == 0 && shape[j] == d && strides[j] == c)?;
        used[j] = 1;
        inverse.push(view_contiguous[j]);
    }
    Some(inverse)
}

/// The adjoint of [`gather`]: zeros of `out_shape` with `src` (of `shape`) added at the view's
/// positions; positions that repeat (stride 0) accumulate.
pub fn scatter_add(
    src: &NdArray,
    out_shape: &[usize],
    shape: &[usize],
    strides: &[isize],
    offset: isize,
) -> Result<NdArray> {
    if src.numel() != numel(shape) {
        return Err(Error::Shape(format!(
            "scatter_add: source of shape {:?} does not fill a view of shape {shape:?}",
            src.shape()
        )));
    }
    let len = numel(out_shape);
    check_view(len, shape, strides, offset)?;
    if is_whole(len, shape, strides, offset) {
        return src.reshaped(out_shape);
    }
    if let Some(inverse) = permutation_inverse(len, out_shape, shape, strides, offset) {
        // Every position is written exactly once (a transpose or permute): the adjoint is the
        // inverse permutation, a plain copy with no zeroed buffer to add into.
        return gather(src, out_shape, &inverse, 0);
    }
    crate::with_dtype!(src.dtype(), T => {
        let x = src.as_slice::<T>()?;
        let mut out = alloc::zeroed::<T>(len)?;
        let walk = StridedWalk::new(shape, [strides], [offset]);
        if is_transposing(&walk) {
            for_each_tiled(&walk, 0..walk.rows(), |k, pos| out[pos] = out[pos].add(x[k]));
            return NdArray::from_vec(out, out_shape);
        }
        let (inner, [s]) = (walk.inner(), walk.inner_strides());
        walk.for_rows(0..walk.rows(), |row, [p]| {
            let vals = &x[row * inner..(row + 1) * inner];
            let u = p as usize;
            match s {
                1 => {
                    for (o, &v) in out[u..u + inner].iter_mut().zip(vals) {
                        *o = o.add(v);
                    }
                }
                0 => out[u] = vals.iter().fold(out[u], |acc, &v| acc.add(v)),
                _ => {
                    for (i, &v) in vals.iter().enumerate() {
                        let o = &mut out[at(p, s, i)];
                        *o = o.add(v);
                    }
                }
            }
        });
        NdArray::from_vec(out, out_shape)
    })
}

/// Writes `src`, broadcast to `shape`, into the view `(shape, strides, offset)` of `dst`'s
/// storage, in place: every array sharing that storage sees the new values. The caller makes
/// sure `src` does not share the written range (see `kernels::copy_into`).
pub fn strided_assign(
    dst: &mut NdArray,
    src: &NdArray,
    shape: &[usize],
    strides: &[isize],
    offset: isize,
) -> Result<()> {
    let target = broadcast_shapes(src.shape(), shape)?;
    if target.as_slice() != shape {
        return Err(Error::Shape(format!(
            "shape mismatch: value tensor of shape {:?} cannot be broadcast to indexing result of shape {shape:?}",
            src.shape()
        )));
    }
    check_view(dst.storage_len(), shape, strides, offset)?;
    // A source in the same storage as `dst` is copied first: it may read what is written.
    let own = if src.shares_storage_with(dst) {
        Some(materialize(src)?)
    } else {
        None
    };
    let src = own.as_ref().unwrap_or(src);
    let src_strides = broadcast_view_strides(src, shape);
    let src_offset = src.offset() as isize;
    crate::with_dtype!(dst.dtype(), T => {
        let x = src.storage_slice::<T>()?;
        // SAFETY: a source sharing `dst`'s storage was copied above, so `x` borrows other memory.
        let d = unsafe { dst.storage_mut_slice::<T>() }?;
        let walk = StridedWalk::new(shape, [strides, &src_strides], [offset, src_offset]);
        let (inner, [sd, ss]) = (walk.inner(), walk.inner_strides());
        walk.for_rows(0..walk.rows(), |_, [pd, ps]| {
            let (ud, us) = (pd as usize, ps as usize);
            match (sd, ss) {
                (1, 1) => d[ud..ud + inner].copy_from_slice(&x[us..us + inner]),
                (1, 0) => d[ud..ud + inner].fill(x[us]),
                _ => {
                    for i in 0..inner {
                        d[at(pd, sd, i)] = x[at(ps, ss, i)];
                    }
                }
            }
        });
        Ok(())
    })
}

/// The strides that read the view `a` as if broadcast to `shape` (stride 0 on the new and the
/// stretched dimensions).
pub(in crate::kernels) fn broadcast_view_strides(
    a: &NdArray,
    shape: &[usize],
) -> crate::array::shape::Strides {
    let lead = shape.len() - a.ndim();
    (0..shape.len())
        .map(|i| {
            if i < lead || a.shape()[i - lead] != shape[i] {
                0
            } else {
                a.strides()[i - lead]
            }
        })
        .collect()
}

/// `indices` (Int64 or Int32, at most 1-D) checked against a dimension of `size`: entries
/// outside `0..size`, negative ones included, are an `Index` error (PyTorch's `index_select`,
/// `index_add` and `embedding` do not wrap negative indices; indexing with `t[idx]` wraps
/// them before it gets here).
fn resolve_indices(indices: &NdArray, axis: usize, size: usize, op: &str) -> Result<Vec<usize>> {
    if indices.ndim() > 1 {
        return Err(Error::Shape(format!(
            "{op}(): Index is supposed to be a vector, got shape {:?}",
            indices.shape()
        )));
    }
    fn resolve<I: Copy + Into<i64>>(idx: &[I], axis: usize, size: usize) -> Result<Vec<usize>> {
        idx.iter()
            .map(|&i| {
                let i: i64 = i.into();
                if i < 0 || i >= size as i64 {
                    return Err(Error::Index(format!(
                        "index {i} is out of bounds for dimension {axis} with size {size}"
                    )));
                }
                Ok(i as usize)
            })
            .collect()
    }
    match indices.dtype() {
        DType::Int64 => resolve(indices.as_slice::<i64>()?, axis, size),
        DType::Int32 => resolve(indices.as_slice::<i32>()?, axis, size),
        other => Err(Error::DType(format!(
            "{op}(): Expected dtype int32 or int64 for index, got {other}"
        ))),
    }
}

/// `shape` (a 0-d array counts as `[1]`) split around `axis`: (outer, size, inner), or an
/// `Index` error for an axis out of range.
fn split_at_axis(shape: &[usize], axis: usize) -> Result<(Dims, usize, usize, usize)> {
    let shape: Dims = if shape.is_empty() {
        Dims::from_slice(&[1])
    } else {
        shape.into()
    };
    if axis >= shape.len() {
        return Err(Error::Index(format!(
            "Dimension out of range (expected to be in range of [{}, {}], but got {axis})",
            -(shape.len() as isize),
            shape.len() - 1
        )));
    }
    let (outer, size, inner) = (
        numel(&shape[..axis]),
        shape[axis],
        numel(&shape[axis + 1..]),
    );
    Ok((shape, outer, size, inner))
}

/// The entries of `a` at `indices` along `axis`.
pub fn index_select(a: &NdArray, axis: usize, indices: &NdArray) -> Result<NdArray> {
    let (mut out_shape, outer, size, inner) = split_at_axis(a.shape(), axis)?;
    let idx = resolve_indices(indices, axis, size, "index_select")?;
    out_shape[axis] = idx.len();
    crate::with_dtype!(a.dtype(), T => {
        let src = a.as_slice::<T>()?;
        let mut out = alloc::zeroed::<T>(outer * idx.len() * inner)?;
        if !out.is_empty() {
            parallel::for_each_chunk(&mut out, inner, |start, chunk| {
                for (r, row) in chunk.chunks_exact_mut(inner).enumerate() {
                    let r = start / inner + r;
                    let (o, i) = (r / idx.len(), r % idx.len());
                    let from = (o * size + idx[i]) * inner;
                    row.copy_from_slice(&src[from..from + inner]);
                }
            });
        }
        NdArray::from_vec(out, &out_shape)
    })
}

/// The adjoint of [`index_select`]: zeros with `size` entries along `axis`, with the slices of
/// `src` added at `indices` (repeated indices accumulate).
pub fn index_add(src: &NdArray, axis: usize, indices: &NdArray, size: usize) -> Result<NdArray> {
    let (mut out_shape, outer, len, inner) = split_at_axis(src.shape(), axis)?;
    let idx = resolve_indices(indices, axis, size, "index_add")?;
    if idx.len() != len {
        return Err(Error::Shape(format!(
            "index_add(): Number of indices ({}) should be equal to source.size(dim) ({len})",
            idx.len()
        )));
    }
    out_shape[axis] = size;
    crate::with_dtype!(src.dtype(), T => {
        let x = src.as_slice::<T>()?;
        let mut out = alloc::zeroed::<T>(outer * size * inner)?;
        // No rows to add when `src` is empty along `axis` (`chunks_exact` takes no size 0).
        if inner > 0 && len > 0 {
            for (o, block) in x.chunks_exact(len * inner).enumerate() {
                for (&j, row) in idx.iter().zip(block.chunks_exact(inner)) {
                    let to = (o * size + j) * inner;
                    for (d, &v) in out[to..to + inner].iter_mut().zip(row) {
                        *d = d.add(v);
                    }
                }
            }
        }
        NdArray::from_vec(out, &out_shape)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iota(shape: &[usize]) -> NdArray {
        NdArray::from_vec((0..numel(shape) as i64).collect::<Vec<_>>(), shape).unwrap()
    }
    fn vals(a: &NdArray) -> Vec<i64> {
        a.as_slice::<i64>().unwrap().to_vec()
    }

    #[test]
    fn gather_transpose_slice_flip_expand() {
        let a = iota(&[2, 3]);
        let t = gather(&a, &[3, 2], &[1, 3], 0).unwrap();
        assert_eq!(
            (t.shape().to_vec(), vals(&t)),
            (vec![3, 2], vec![0, 3, 1, 4, 2, 5])
        );
        let whole = gather(&a, &[6], &[1], 0).unwrap();
        assert!(whole.shares_storage_with(&a));
        let row = gather(&a, &[3], &[1], 3).unwrap();
        assert_eq!(vals(&row), vec![3, 4, 5]);
        let flip = gather(&a, &[2, 3], &[3, -1], 2).unwrap();
        assert_eq!(vals(&flip), vec![2, 1, 0, 5, 4, 3]);
        let flip_both = gather(&a, &[6], &[-1], 5).unwrap();
        assert_eq!(vals(&flip_both), vec![5, 4, 3, 2, 1, 0]);
        let expand = gather(&iota(&[3]), &[2, 3], &[0, 1], 0).unwrap();
        assert_eq!(vals(&expand), vec![0, 1, 2, 0, 1, 2]);
        let col = gather(&iota(&[3]), &[3, 2], &[1, 0], 0).unwrap();
        assert_eq!(vals(&col), vec![0, 0, 1, 1, 2, 2]);
        let step = gather(&iota(&[10]), &[3], &[3], 1).unwrap();
        assert_eq!(vals(&step), vec![1, 4, 7]);
        let empty = gather(&a, &[0, 3], &[3, 1], 0).unwrap();
        assert_eq!(empty.shape(), &[0, 3]);
        assert!(matches!(gather(&a, &[3], &[1], 4), Err(Error::Index(_))));
        assert!(matches!(gather(&a, &[2], &[-1], 0), Err(Error::Index(_))));
        assert!(matches!(gather(&a, &[2], &[1, 1], 0), Err(Error::Shape(_))));
        let f = NdArray::from_vec(
            (0..70_000).map(|i| i as f32).collect::<Vec<_>>(),
            &[700, 100],
        )
        .unwrap();
        let ft = gather(&f, &[100, 700], &[1, 100], 0).unwrap();
        let v = ft.as_slice::<f32>().unwrap();
        assert!((0..70_000).all(|i| v[i] == ((i % 700) * 100 + i / 700) as f32));
    }

    #[test]
    fn tiled_transposes_of_odd_sizes() {
        for &(b, r, c) in &[(1, 33, 70), (3, 40, 17), (2, 100, 65)] {
            let a = iota(&[b, r, c]);
            // [b, r, c] -> [b, c, r]
            let t = gather(&a, &[b, c, r], &[(r * c) as isize, 1, c as isize], 0).unwrap();
            let v = vals(&t);
            for (k, &x) in v.iter().enumerate() {
                let (bi, ci, ri) = (k / (c * r), k / r % c, k % r);
                assert_eq!(x, (bi * r * c + ri * c + ci) as i64);
            }
            // the adjoint puts every element back
            let back = scatter_add(
                &t,
                &[b, r, c],
                &[b, c, r],
                &[(r * c) as isize, 1, c as isize],
                0,
            )
            .unwrap();
            assert_eq!(vals(&back), vals(&a));
            // flipped rows of the transpose
            let f = gather(
                &a,
                &[b, c, r],
                &[(r * c) as isize, -1, c as isize],
                (c - 1) as isize,
            )
            .unwrap();
            let v = vals(&f);
            for (k, &x) in v.iter().enumerate() {
                let (bi, ci, ri) = (k / (c * r), c - 1 - k / r % c, k % r);
                assert_eq!(x, (bi * r * c + ri * c + ci) as i64);
            }
        }
    }

    #[test]
    fn scatter_add_is_the_adjoint_of_gather() {
        let g = NdArray::from_vec(vec![1i64, 2, 3, 4, 5, 6], &[2, 3]).unwrap();
        // expand [3] -> [2, 3]: the adjoint sums over the expanded dim.
        let s = scatter_add(&g, &[3], &[2, 3], &[0, 1], 0).unwrap();
        assert_eq!((s.shape().to_vec(), vals(&s)), (vec![3], vec![5, 7, 9]));
        // expand [2, 1] -> [2, 3] (inner stride 0).
        let s = scatter_add(&g, &[2, 1], &[2, 3], &[1, 0], 0).unwrap();
        assert_eq!(vals(&s), vec![6, 15]);
        // transpose and flip.
        let s = scatter_add(&g, &[3, 2], &[2, 3], &[1, 2], 0).unwrap();
        assert_eq!(vals(&s), vec![1, 4, 2, 5, 3, 6]);
        let s = scatter_add(&g.reshaped(&[6]).unwrap(), &[6], &[6], &[-1], 5).unwrap();
        assert_eq!(vals(&s), vec![6, 5, 4, 3, 2, 1]);
        // slice with step into a bigger zero array.
        let s = scatter_add(&iota(&[3]), &[7], &[3], &[3], 0).unwrap();
        assert_eq!(vals(&s), vec![0, 0, 0, 1, 0, 0, 2]);
        let whole = scatter_add(&g, &[6], &[2, 3], &[3, 1], 0).unwrap();
        assert_eq!(
            (whole.shape().to_vec(), vals(&whole)),
            (vec![6], vec![1, 2, 3, 4, 5, 6])
        );
        assert!(matches!(
            scatter_add(&g, &[3], &[4], &[1], 0),
            Err(Error::Shape(_))
        ));
        assert!(matches!(
            scatter_add(&g, &[3], &[2, 3], &[1, 1], 0),
            Err(Error::Index(_))
        ));
    }

    #[test]
    fn strided_assign_writes_a_view() {
        let mut d = iota(&[3, 4]);
        let keep = d.clone();
        // d[:, 1] = [0, 1, 2]
        strided_assign(&mut d, &iota(&[3]), &[3], &[4], 1).unwrap();
        assert_eq!(vals(&d), vec![0, 0, 2, 3, 4, 1, 6, 7, 8, 2, 10, 11]);
        assert_eq!(
            vals(&keep),
            vals(&d),
            "a clone shares the storage and sees the write"
        );
        // d[1:, ::2] = -1 (broadcast scalar)
        strided_assign(&mut d, &NdArray::scalar(-1i64), &[2, 2], &[4, 2], 4).unwrap();
        assert_eq!(vals(&d), vec![0, 0, 2, 3, -1, 1, -1, 7, -1, 2, -1, 11]);
        // d[0] = row broadcast over a flipped view
        strided_assign(
            &mut d,
            &NdArray::from_vec(vec![7i64, 8, 9, 10], &[4]).unwrap(),
            &[4],
            &[-1],
            3,
        )
        .unwrap();
        assert_eq!(&vals(&d)[..4], &[10, 9, 8, 7]);
        // a whole contiguous block
        strided_assign(&mut d, &iota(&[2, 4]), &[2, 4], &[4, 1], 4).unwrap();
        assert_eq!(&vals(&d)[4..], &[0, 1, 2, 3, 4, 5, 6, 7]);
        // a view that shares the destination's buffer reads the old values
        let src = gather(&d, &[4], &[1], 4).unwrap();
        strided_assign(&mut d, &src, &[4], &[1], 8).unwrap();
        assert_eq!(&vals(&d)[8..], &[0, 1, 2, 3]);
        assert!(matches!(
            strided_assign(&mut d, &iota(&[3]), &[2, 2], &[4, 1], 0),
            Err(Error::Shape(_))
        ));
        assert!(matches!(
            strided_assign(&mut d, &iota(&[2]), &[2], &[4], 8),
            Err(Error::Index(_))
        ));
    }

    #[test]
    fn index_select_and_index_add() {
        let a = iota(&[3, 2]);
        let idx = NdArray::from_vec(vec![2i64, 0, 2], &[3]).unwrap();
        let s = index_select(&a, 0, &idx).unwrap();
        assert_eq!(
            (s.shape().to_vec(), vals(&s)),
            (vec![3, 2], vec![4, 5, 0, 1, 4, 5])
        );
        let idx32 = NdArray::from_vec(vec![1i32, 1], &[2]).unwrap();
        let s = index_select(&a, 1, &idx32).unwrap();
        assert_eq!(
            (s.shape().to_vec(), vals(&s)),
            (vec![3, 2], vec![1, 1, 3, 3, 5, 5])
        );
        let bad = NdArray::from_vec(vec![5i64], &[1]).unwrap();
        assert!(
            matches!(index_select(&a, 0, &bad), Err(Error::Index(m)) if m == "index 5 is out of bounds for dimension 0 with size 3")
        );
        assert!(matches!(index_select(&a, 2, &idx), Err(Error::Index(_))));
        assert!(matches!(
            index_select(&a, 0, &NdArray::from_vec(vec![0.0f32], &[1]).unwrap()),
            Err(Error::DType(_))
        ));
        assert!(matches!(
            index_select(&a, 0, &iota(&[1, 1])),
            Err(Error::Shape(_))
        ));
        let none =
            index_select(&a, 0, &NdArray::from_vec(Vec::<i64>::new(), &[0]).unwrap()).unwrap();
        assert_eq!(none.shape(), &[0, 2]);
        // Negative indices do not wrap (PyTorch's index_select, index_add, embedding).
        let negative = NdArray::from_vec(vec![-1i64], &[1]).unwrap();
        assert!(
            matches!(index_select(&a, 0, &negative), Err(Error::Index(m)) if m == "index -1 is out of bounds for dimension 0 with size 3")
        );
        assert!(matches!(
            index_add(&iota(&[1, 2]), 0, &negative, 3),
            Err(Error::Index(_))
        ));
        // Nothing to add: zeros (this used to panic in `chunks_exact(0)`).
        let empty = NdArray::from_vec(Vec::<i64>::new(), &[0]).unwrap();
        let z = index_add(&iota(&[2, 0, 3]), 1, &empty, 4).unwrap();
        assert_eq!((z.shape().to_vec(), vals(&z)), (vec![2, 4, 3], vec![0; 24]));

        let src = iota(&[3, 2]);
        let idx = NdArray::from_vec(vec![2i64, 0, 3], &[3]).unwrap();
        let g = index_add(&src, 0, &idx, 4).unwrap();
        assert_eq!(
            (g.shape().to_vec(), vals(&g)),
            (vec![4, 2], vec![2, 3, 0, 0, 0, 1, 4, 5])
        );
        let g = index_add(&src, 1, &idx32, 3).unwrap();
        assert_eq!(vals(&g), vec![0, 1, 0, 0, 5, 0, 0, 9, 0]);
        assert!(matches!(
            index_add(&src, 0, &idx32, 4),
            Err(Error::Shape(_))
        ));
        assert!(matches!(index_add(&src, 0, &idx, 2), Err(Error::Index(_))));
        let f = NdArray::from_vec(vec![0.5f32; 6], &[3, 2]).unwrap();
        let idx = NdArray::from_vec(vec![2i64, 0, 2], &[3]).unwrap();
        let g = index_add(&f, 0, &idx, 3).unwrap();
        assert_eq!(
            g.as_slice::<f32>().unwrap(),
            &[0.5, 0.5, 0.0, 0.0, 1.0, 1.0]
        );
    }
}
