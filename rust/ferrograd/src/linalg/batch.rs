//! Reading an array as a batch of matrices, mapping a per-matrix function over the batch (on
//! rayon's pool when the work is large), and gathering the per-matrix results into arrays.

use faer::MatRef;
#[cfg(feature = "rayon")]
use rayon::prelude::*;

use super::Real;
use crate::array::{alloc, shape, Element, NdArray};
use crate::error::{Error, Result};

/// Work (about `rows · cols · min(rows, cols)` multiply-adds a matrix) from which a batch is
/// split across threads: below it, waking the pool costs more than it saves.
const PARALLEL_WORK: usize = 1 << 18;

/// The matrices of a contiguous host array of shape `[..., rows, cols]`.
pub(crate) struct Matrices<'a, T> {
    data: &'a [T],
    pub batch: Vec<usize>,
    pub rows: usize,
    pub cols: usize,
}

impl<'a, T: Real> Matrices<'a, T> {
    /// `array` (contiguous, on the host, of element type `T`) as a batch of matrices; `name`
    /// is the function that reports an array of fewer than two dimensions.
    pub fn new(array: &'a NdArray, name: &str) -> Result<Self> {
        let dims = array.shape();
        if dims.len() < 2 {
            return Err(Error::Shape(format!(
                "{name}: The input tensor A must have at least 2 dimensions."
            )));
        }
        let (batch, tail) = dims.split_at(dims.len() - 2);
        Ok(Matrices {
            data: array.as_slice::<T>()?,
            batch: batch.to_vec(),
            rows: tail[0],
            cols: tail[1],
        })
    }

    pub fn count(&self) -> usize {
        self.batch.iter().product()
    }

    pub fn get(&self, i: usize) -> MatRef<'a, T> {
        let len = self.rows * self.cols;
        MatRef::from_row_major_slice(&self.data[i * len..(i + 1) * len], self.rows, self.cols)
    }

    /// `f` of every matrix, in order; `work` is one matrix's cost (see `PARALLEL_WORK`).
    pub fn map<R: Send>(&self, work: usize, f: impl Fn(MatRef<'a, T>) -> R + Sync) -> Vec<R> {
        map_indices(self.count(), work, |i| f(self.get(i)))
    }
}

/// `f(0), ..., f(count - 1)`, in parallel when `count · work` is large.
pub(crate) fn map_indices<R: Send>(
    count: usize,
    work: usize,
    f: impl Fn(usize) -> R + Sync,
) -> Vec<R> {
    let parallel = count > 1
        && count.saturating_mul(work) >= PARALLEL_WORK
        && crate::kernels::parallel::pool_threads() > 1;
    #[cfg(feature = "rayon")]
    if parallel {
        return (0..count).into_par_iter().map(&f).collect();
    }
    let _ = parallel;
    (0..count).map(f).collect()
}

/// The work of one factorization of a `rows × cols` matrix, for `map`.
pub(crate) fn cubic_work(rows: usize, cols: usize) -> usize {
    rows.saturating_mul(cols)
        .saturating_mul(rows.min(cols).max(1))
}

/// An array of shape `batch + tail` holding `part` of each result, one after the other.
pub(crate) fn gather<R, X: Element>(
    results: &[R],
    batch: &[usize],
    tail: &[usize],
    part: impl Fn(&R) -> &[X],
) -> Result<NdArray> {
    let dims: Vec<usize> = batch.iter().chain(tail).copied().collect();
    let len = shape::check_storage(&dims, std::mem::size_of::<X>())?;
    let mut out = alloc::with_capacity(len)?;
    for r in results {
        out.extend_from_slice(part(r));
    }
    NdArray::from_vec(out, &dims)
}

/// The elements of `m` in row-major order.
pub(crate) fn row_major<T: Real>(m: MatRef<'_, T>) -> Vec<T> {
    let mut out = Vec::with_capacity(m.nrows() * m.ncols());
    for i in 0..m.nrows() {
        for j in 0..m.ncols() {
            out.push(m[(i, j)]);
        }
    }
    out
}

/// The elements of `m`ᵀ in row-major order (`m`'s elements in column-major order).
pub(crate) fn transposed_row_major<T: Real>(m: MatRef<'_, T>) -> Vec<T> {
    row_major(m.transpose())
}

/// `array` made contiguous, with the check that it is on the host: the Python layer moves
/// device tensors to the host before calling a factorization.
pub(crate) fn host_contiguous(array: &NdArray, name: &str) -> Result<NdArray> {
    if !array.device().is_cpu() {
        return Err(Error::Device(format!(
            "{name}: expected a tensor on the CPU, got one on {}",
            array.device()
        )));
    }
    array.contiguous()
}
