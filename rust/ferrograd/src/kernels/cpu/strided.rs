//! [`StridedWalk`], a row-by-row walk over strided operands, and the gathering of a strided
//! row into a contiguous block, shared by the kernels that read views in place.

use std::mem::MaybeUninit;
use std::ops::Range;

use smallvec::SmallVec;

use crate::array::shape::{numel, Dims, Strides};
use crate::kernels::parallel;

/// A row-major walk over `shape` that reads `N` operands through their own element strides.
/// Dimensions of size 1 are dropped and neighbours that every operand can step through as one
/// are merged, so the innermost row is as long as possible; callers run a tight loop per row
/// (choosing it by the operands' inner strides) and pay for the multi-index once per row.
pub(in crate::kernels) struct StridedWalk<const N: usize> {
    outer: Dims,
    outer_strides: [Strides; N],
    inner: usize,
    inner_strides: [isize; N],
    start: [isize; N],
    rows: usize,
}

impl<const N: usize> StridedWalk<N> {
    pub(in crate::kernels) fn new(
        shape: &[usize],
        strides: [&[isize]; N],
        start: [isize; N],
    ) -> Self {
        let mut outer = Dims::new();
        let mut outer_strides: [Strides; N] = std::array::from_fn(|_| Strides::new());
        for (d, &size) in shape.iter().enumerate() {
            if size == 1 {
                continue;
            }
            let merge = !outer.is_empty()
                && outer_strides
                    .iter()
                    .zip(&strides)
                    .all(|(own, s)| own[own.len() - 1] == s[d] * size as isize);
            if merge {
                *outer.last_mut().expect("non-empty") *= size;
            } else {
                outer.push(size);
            }
            for (own, s) in outer_strides.iter_mut().zip(&strides) {
                if merge {
                    *own.last_mut().expect("non-empty") = s[d];
                } else {
                    own.push(s[d]);
                }
            }
        }
        let total = numel(shape);
        let (inner, inner_strides) = match outer.pop() {
            Some(n) => (
                n,
                std::array::from_fn(|k| outer_strides[k].pop().unwrap_or(0)),
            ),
            None => (1, [0; N]),
        };
        let rows = total.checked_div(inner).unwrap_or(0);
        StridedWalk {
            outer,
            outer_strides,
            inner,
            inner_strides,
            start,
            rows,
        }
    }

    /// The length of one row.
    pub(in crate::kernels) fn inner(&self) -> usize {
        self.inner
    }

    /// Each operand's stride along a row.
    pub(in crate::kernels) fn inner_strides(&self) -> [isize; N] {
        self.inner_strides
    }

    /// The size of the innermost outer dimension and each operand's stride along it.
    pub(in crate::kernels) fn last_outer(&self) -> Option<(usize, [isize; N])> {
        let size = *self.outer.last()?;
        Some((
            size,
            std::array::from_fn(|k| self.outer_strides[k][self.outer.len() - 1]),
        ))
    }

    pub(in crate::kernels) fn rows(&self) -> usize {
        self.rows
    }

    /// Calls `f(row, starts)` for each row in `rows`, with each operand's position of the row's
    /// first element.
    pub(in crate::kernels) fn for_rows(
        &self,
        rows: Range<usize>,
        mut f: impl FnMut(usize, [isize; N]),
    ) {
        if rows.is_empty() {
            return;
        }
        let nd = self.outer.len();
        let mut index: Dims = SmallVec::from_elem(0, nd);
        let mut pos = self.start;
        let mut rest = rows.start;
        for d in (0..nd).rev() {
            index[d] = rest % self.outer[d];
            rest /= self.outer[d];
            for (p, s) in pos.iter_mut().zip(&self.outer_strides) {
                *p += index[d] as isize * s[d];
            }
        }
        for row in rows {
            f(row, pos);
            for d in (0..nd).rev() {
                index[d] += 1;
                for (p, s) in pos.iter_mut().zip(&self.outer_strides) {
                    *p += s[d];
                }
                if index[d] < self.outer[d] {
                    break;
                }
                index[d] = 0;
                for (p, s) in pos.iter_mut().zip(&self.outer_strides) {
                    *p -= s[d] * self.outer[d] as isize;
                }
            }
        }
    }

    /// Fills the contiguous `out` (of `numel(shape)` elements) row by row with `f(out_row, starts)`,
    /// in parallel when large.
    pub(in crate::kernels) fn fill_rows<U: Send>(
        &self,
        out: &mut [U],
        f: impl Fn(&mut [U], [isize; N]) + Sync,
    ) {
        if self.rows == 0 {
            return;
        }
        let inner = self.inner;
        parallel::for_each_chunk(out, inner, |start, chunk| {
            let first = start / inner;
            let count = chunk.len() / inner;
            let mut rows = chunk.chunks_exact_mut(inner);
            self.for_rows(first..first + count, |_, pos| {
                if let Some(row) = rows.next() {
                    f(row, pos)
                }
            });
        });
    }
}

/// The position of element `i` of a row that starts at `start` and steps by `stride`.
#[inline(always)]
pub(in crate::kernels) fn at(start: isize, stride: isize, i: usize) -> usize {
    (start + stride * i as isize) as usize
}

/// Elements of a strided row handled per step: gathered into a buffer this long on the stack,
/// then run through the same loop as contiguous elements (so it vectorises).
pub(in crate::kernels) const GATHER_BLOCK: usize = 256;

/// Copies the `out.len()` elements at `start`, `start + stride`, ... of `data` into `out` (whose
/// slots may be uninitialised) and returns them.
#[inline(always)]
pub(in crate::kernels) fn gather_row<'o, T: Copy>(
    data: &[T],
    start: isize,
    stride: isize,
    out: &'o mut [MaybeUninit<T>],
) -> &'o [T] {
    debug_assert!(stride >= 0, "views have no negative strides");
    let (start, n) = (start as usize, out.len());
    match stride {
        0 => {
            let x = data[start];
            out.iter_mut().for_each(|o| {
                o.write(x);
            });
        }
        1 => {
            for (o, &x) in out.iter_mut().zip(&data[start..start + n]) {
                o.write(x);
            }
        }
        s => {
            let s = s as usize;
            let last = start + s * n.saturating_sub(1);
            assert!(last < data.len(), "a strided row reaches past its storage");
            for (i, o) in out.iter_mut().enumerate() {
                // SAFETY: positions grow with `i` and the last one was checked above. (Indexing
                // with a check per element, or `step_by`, ran at a third of this speed.)
                o.write(unsafe { *data.get_unchecked(start + s * i) });
            }
        }
    }
    // SAFETY: every slot of `out` was written above; `MaybeUninit<T>` has `T`'s layout.
    unsafe { &*(out as *const [MaybeUninit<T>] as *const [T]) }
}

/// Calls `f(done, block)` for the row of `n` elements at `start` with `stride`, `block` holding
/// the next (up to) `GATHER_BLOCK` of them and `done` the number handled before.
#[inline(always)]
pub(in crate::kernels) fn for_gathered<T: Copy>(
    data: &[T],
    start: isize,
    stride: isize,
    n: usize,
    mut f: impl FnMut(usize, &[T]),
) {
    let mut block = [MaybeUninit::<T>::uninit(); GATHER_BLOCK];
    let mut done = 0;
    while done < n {
        let len = GATHER_BLOCK.min(n - done);
        f(
            done,
            gather_row(
                data,
                start + stride * done as isize,
                stride,
                &mut block[..len],
            ),
        );
        done += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strided_walk_merges_and_drops_dims() {
        let walk = StridedWalk::new(&[2, 1, 3, 4], [&[12, 0, 4, 1]], [0]);
        assert_eq!(
            (walk.rows(), walk.inner(), walk.inner_strides()),
            (1, 24, [1])
        );
        let walk = StridedWalk::new(&[3, 2], [&[1, 3]], [0]);
        let mut starts = vec![];
        walk.for_rows(0..walk.rows(), |r, [p]| starts.push((r, p)));
        assert_eq!(starts, vec![(0, 0), (1, 1), (2, 2)]);
        let walk = StridedWalk::new(&[2, 3, 2], [&[6, 2, 1], &[0, 1, 0]], [0, 0]);
        let mut starts = vec![];
        walk.for_rows(1..4, |r, p| starts.push((r, p)));
        assert_eq!(starts, vec![(1, [2, 1]), (2, [4, 2]), (3, [6, 0])]);
        assert_eq!(StridedWalk::new(&[3, 0], [&[1, 1]], [0]).rows(), 0);
    }
}
