//! When and how the CPU kernels go parallel. Below [`PARALLEL_THRESHOLD`] elements everything runs
//! on the calling thread with no allocation beyond the output; above it, contiguous chunks of the
//! output are handed to rayon.

use rayon::prelude::*;

/// The number of elements from which a kernel splits its work across rayon's threads.
/// Measured on 2 cores (docs/PERFORMANCE.md): a split 32K-element product took 11.6 us against
/// 5.3 us on one thread, and although a lone 200K-element update gains a little from the split,
/// the woken workers then spin (`sched_yield`) against the calling thread: an MLP train step
/// with two such updates ran at 1.5 ms with the pool and 0.97 ms without it.
pub const PARALLEL_THRESHOLD: usize = 1 << 20;

/// The smallest chunk one task gets (in elements), so that scheduling stays cheap next to work.
const MIN_CHUNK: usize = 1 << 13;

/// True when work over `n` elements is worth splitting across threads.
#[inline]
pub fn should_parallelize(n: usize) -> bool {
    n >= PARALLEL_THRESHOLD && rayon::current_num_threads() > 1
}

/// The chunk length for `n` outputs that cost `cost` elements of work each: a multiple of `unit`
/// (at least one unit), about four chunks per thread and never below `MIN_CHUNK` elements of work.
pub fn chunk_len(n: usize, unit: usize, cost: usize) -> usize {
    let unit = unit.max(1);
    let tasks = rayon::current_num_threads() * 4;
    let len = n.div_ceil(tasks).max(MIN_CHUNK.div_ceil(cost.max(1)));
    len.div_ceil(unit) * unit
}

/// Calls `f(start, chunk)` on consecutive chunks of `out`, where `start` is the chunk's first
/// index in `out` and every chunk but the last holds a multiple of `unit` elements (so a kernel
/// that works row by row gets whole rows). Runs on rayon when `out` is large, else in one call.
pub fn for_each_chunk<T: Send>(out: &mut [T], unit: usize, f: impl Fn(usize, &mut [T]) + Sync) {
    for_each_chunk_costed(out, unit, 1, f)
}

/// [`for_each_chunk`] for outputs that cost `cost` elements of work each (a row reduction, a
/// small matrix product per output block).
pub fn for_each_chunk_costed<T: Send>(
    out: &mut [T],
    unit: usize,
    cost: usize,
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    let n = out.len();
    if n <= unit.max(1) || !should_parallelize(n.saturating_mul(cost.max(1))) {
        f(0, out);
        return;
    }
    let len = chunk_len(n, unit, cost);
    out.par_chunks_mut(len)
        .enumerate()
        .for_each(|(i, chunk)| f(i * len, chunk));
}

/// Maps consecutive chunks of `data` (multiples of `unit` elements) with `f`, in parallel when
/// `data` is large; the results come back in order.
pub fn map_chunks<T: Sync, R: Send>(
    data: &[T],
    unit: usize,
    f: impl Fn(usize, &[T]) -> R + Sync,
) -> Vec<R> {
    if !should_parallelize(data.len()) {
        return vec![f(0, data)];
    }
    let len = chunk_len(data.len(), unit, 1);
    data.par_chunks(len)
        .enumerate()
        .map(|(i, chunk)| f(i * len, chunk))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_the_output_in_whole_units() {
        let mut out = vec![0usize; PARALLEL_THRESHOLD * 3 + 7];
        for_each_chunk(&mut out, 7, |start, chunk| {
            assert!(start % 7 == 0);
            for (i, o) in chunk.iter_mut().enumerate() {
                *o = start + i;
            }
        });
        assert!(out.iter().enumerate().all(|(i, &v)| i == v));
    }

    #[test]
    fn small_work_runs_in_one_chunk() {
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let mut out = [0u8; 16];
        for_each_chunk(&mut out, 1, |start, chunk| {
            assert_eq!((start, chunk.len()), (0, 16));
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        assert_eq!(calls.into_inner(), 1);
        let sums = map_chunks(&[1, 2, 3], 1, |_, c| c.iter().sum::<i32>());
        assert_eq!(sums, vec![6]);
    }

    #[test]
    fn map_chunks_keeps_order() {
        let data: Vec<u64> = (0..(PARALLEL_THRESHOLD as u64 * 2)).collect();
        let parts = map_chunks(&data, 1, |start, c| (start, c.iter().sum::<u64>()));
        let total: u64 = parts.iter().map(|p| p.1).sum();
        assert_eq!(total, data.iter().sum::<u64>());
        assert!(parts.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
