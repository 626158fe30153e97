//! When and how the CPU kernels go parallel. Below [`PARALLEL_THRESHOLD`] elements everything runs
//! on the calling thread with no allocation beyond the output; above it, contiguous chunks of the
//! output are handed to rayon. Built without the `rayon` feature, the pool is the calling
//! thread alone: the same chunks run one after the other.

use std::sync::atomic::{AtomicUsize, Ordering};

#[cfg(feature = "rayon")]
use rayon::prelude::*;

/// The number of threads in the pool kernels run on (rayon's global pool; 1 without rayon, and
/// in a process forked after the pool started).
#[inline]
pub fn pool_threads() -> usize {
    #[cfg(feature = "rayon")]
    return if forked_child() {
        1
    } else {
        rayon::current_num_threads()
    };
    #[cfg(not(feature = "rayon"))]
    return 1;
}

/// Set in the child of a `fork`: it has only the thread that forked, not the pool's threads,
/// so a kernel that handed them work would wait forever for it; the child runs every kernel on
/// its calling thread instead.
#[cfg(feature = "rayon")]
static FORKED_CHILD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[cfg(feature = "rayon")]
static WATCH_FORKS: std::sync::Once = std::sync::Once::new();

/// Whether this process is a fork of one that may have started the pool. The first call (made
/// before rayon builds its pool, since every kernel asks `pool_threads` first; the binding asks
/// right after building it) registers the handler that marks a forked child.
#[cfg(feature = "rayon")]
#[inline]
fn forked_child() -> bool {
    WATCH_FORKS.call_once(|| {
        #[cfg(unix)]
        {
            extern "C" fn mark_forked_child() {
                FORKED_CHILD.store(true, Ordering::Relaxed);
            }
            // SAFETY: the handler only stores to an atomic, which is async-signal-safe as a
            // fork handler must be; registering has no other effect.
            unsafe {
                libc::pthread_atfork(None, None, Some(mark_forked_child));
            }
        }
    });
    FORKED_CHILD.load(Ordering::Relaxed)
}

/// The number of elements from which a kernel splits its work across rayon's threads.
/// Measured on 2 cores (docs/PERFORMANCE.md): a split 32K-element product took 11.6 us against
/// 5.3 us on one thread, and although a lone 200K-element update gains a little from the split,
/// the woken workers then spin (`sched_yield`) against the calling thread: an MLP train step
/// with two such updates ran at 1.5 ms with the pool and 0.97 ms without it.
pub const PARALLEL_THRESHOLD: usize = 1 << 20;

/// The work of one element of a vector-math kernel (a transcendental, an activation and its
/// slope, a softmax or normalisation row), in elements of [`PARALLEL_THRESHOLD`]'s plain
/// arithmetic: such kernels split from a quarter of the threshold. A 1M-element `silu`
/// forward + backward ran on one thread below the threshold, at 1.18x PyTorch's time with
/// both libraries' default two threads (docs/PERFORMANCE.md).
pub const VECTOR_MATH_COST: usize = 4;

/// The smallest chunk one task gets (in elements), so that scheduling stays cheap next to work.
const MIN_CHUNK: usize = 1 << 13;

/// The most threads a kernel may keep busy at once; 0: the default, [`default_threads`].
static THREAD_LIMIT: AtomicUsize = AtomicUsize::new(0);

/// Limits how many threads of the pool one kernel keeps busy (`torch.set_num_threads`). The
/// pool's size is fixed when it is built, so `n` above it means the whole pool; 0 restores the
/// default (one thread per physical core). A kernel never runs more concurrent tasks than the
/// limit, so 1 runs everything on the calling thread.
pub fn set_thread_limit(n: usize) {
    THREAD_LIMIT.store(n, Ordering::Relaxed);
}

/// How many threads a kernel started now may use: the limit, capped by the pool's size.
#[inline]
pub fn num_threads() -> usize {
    let pool = pool_threads();
    match THREAD_LIMIT.load(Ordering::Relaxed) {
        0 => pool.min(default_threads()),
        limit => limit.min(pool),
    }
}

/// The limit until one is set: one thread per physical core, as PyTorch (the pool has one per
/// logical core, and two threads sharing a core's vector units only slow each other's
/// kernels), unless `RAYON_NUM_THREADS` sized the pool, which then counts as the user's choice.
#[cfg(feature = "rayon")]
fn default_threads() -> usize {
    static DEFAULT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *DEFAULT.get_or_init(|| {
        let sized_by_user = std::env::var("RAYON_NUM_THREADS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .is_some_and(|n| n > 0);
        if sized_by_user {
            usize::MAX
        } else {
            num_cpus::get_physical().max(1)
        }
    })
}

#[cfg(not(feature = "rayon"))]
fn default_threads() -> usize {
    1
}

/// How one `gemm` product may use `threads` threads: rayon's, when built with it.
pub(crate) fn gemm_parallelism(threads: usize) -> gemm::Parallelism {
    #[cfg(feature = "rayon")]
    if threads > 1 {
        return gemm::Parallelism::Rayon(threads);
    }
    let _ = threads;
    gemm::Parallelism::None
}

/// True when work over `n` elements is worth splitting across the pool's threads. This decides
/// how the work is cut, which the thread limit does not change (it decides how many threads
/// work through the pieces), so results do not depend on the limit.
#[inline]
pub fn should_parallelize(n: usize) -> bool {
    n >= PARALLEL_THRESHOLD && pool_threads() > 1
}

/// Runs `a` and `b`, in parallel when `threads` (the threads this call may use) is above 1;
/// each half is then given its share of them, to pass on to the joins it makes itself.
pub fn join_within<A, B>(
    threads: usize,
    a: impl FnOnce(usize) -> A + Send,
    b: impl FnOnce(usize) -> B + Send,
) -> (A, B)
where
    A: Send,
    B: Send,
{
    #[cfg(feature = "rayon")]
    if threads > 1 {
        let half = threads / 2;
        return rayon::join(|| a(threads - half), || b(half));
    }
    let _ = threads;
    (a(1), b(1))
}

/// The chunk length for `n` outputs that cost `cost` elements of work each: a multiple of `unit`
/// (at least one unit), about four chunks per thread of the pool and never below `MIN_CHUNK`
/// elements of work. It depends on the pool's size, not on the thread limit, so a kernel's
/// chunks (and a reduction's partial results) are the same whatever the limit.
pub fn chunk_len(n: usize, unit: usize, cost: usize) -> usize {
    let unit = unit.max(1);
    let tasks = pool_threads() * 4;
    let len = n.div_ceil(tasks).max(MIN_CHUNK.div_ceil(cost.max(1)));
    len.div_ceil(unit) * unit
}

/// The length of the runs of consecutive chunks (of `len` elements, over `n`) that one task
/// works through in turn: one chunk when every thread of the pool may be used, else as many as
/// make one run per allowed thread, so that no more threads than the limit are busy at once.
fn run_len(n: usize, len: usize) -> usize {
    let threads = num_threads();
    if threads >= pool_threads() {
        return len;
    }
    len * n.div_ceil(len).div_ceil(threads)
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
    let run = run_len(n, len);
    let work_through = |r: usize, chunks: &mut [T]| {
        for (i, chunk) in chunks.chunks_mut(len).enumerate() {
            f(r * run + i * len, chunk)
        }
    };
    if run >= n {
        work_through(0, out);
        return;
    }
    #[cfg(feature = "rayon")]
    let runs = out.par_chunks_mut(run);
    #[cfg(not(feature = "rayon"))]
    let runs = out.chunks_mut(run);
    runs.enumerate()
        .for_each(|(r, chunks)| work_through(r, chunks));
}

/// Maps consecutive chunks of `data` (multiples of `unit` elements) with `f`, in parallel when
/// `data` is large; the results come back in order.
pub fn map_chunks<'a, T: Sync, R: Send>(
    data: &'a [T],
    unit: usize,
    f: impl Fn(usize, &[T]) -> R + Sync,
) -> Vec<R> {
    if !should_parallelize(data.len()) {
        return vec![f(0, data)];
    }
    let len = chunk_len(data.len(), unit, 1);
    let run = run_len(data.len(), len);
    let f = &f;
    let work_through = move |r: usize, chunks: &'a [T]| {
        chunks
            .chunks(len)
            .enumerate()
            .map(move |(i, chunk)| f(r * run + i * len, chunk))
    };
    if run >= data.len() {
        return work_through(0, data).collect();
    }
    #[cfg(feature = "rayon")]
    return data
        .par_chunks(run)
        .enumerate()
        .flat_map_iter(|(r, chunks)| work_through(r, chunks))
        .collect();
    #[cfg(not(feature = "rayon"))]
    return data
        .chunks(run)
        .enumerate()
        .flat_map(|(r, chunks)| work_through(r, chunks))
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "rayon")]
    #[test]
    fn kernels_use_one_thread_per_physical_core_by_default() {
        // RAYON_NUM_THREADS, when set, makes the pool's size the default instead.
        if std::env::var_os("RAYON_NUM_THREADS").is_none() {
            assert_eq!(num_threads(), pool_threads().min(num_cpus::get_physical()));
        }
    }

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
    fn a_limit_of_one_thread_runs_large_work_on_the_calling_thread() {
        let caller = std::thread::current().id();
        let mut out = vec![0u8; PARALLEL_THRESHOLD * 2];
        set_thread_limit(1);
        for_each_chunk(&mut out, 1, |_, chunk| {
            assert_eq!(std::thread::current().id(), caller);
            chunk.fill(1);
        });
        let (limited, joined) = (num_threads(), join_within(num_threads(), |t| t, |t| t));
        set_thread_limit(0);
        assert!(out.iter().all(|&v| v == 1));
        assert_eq!((limited, joined), (1, (1, 1)));
        assert_eq!(num_threads(), pool_threads());
    }

    #[test]
    fn a_thread_limit_keeps_the_chunks_and_their_order() {
        let data: Vec<u64> = (0..(PARALLEL_THRESHOLD as u64 * 3)).collect();
        let chunked = || map_chunks(&data, 1, |start, c| (start, c.len()));
        let unlimited = chunked();
        for limit in [1, 2] {
            set_thread_limit(limit);
            let limited = chunked();
            set_thread_limit(0);
            assert_eq!(limited, unlimited);
        }
    }

    #[test]
    fn join_within_shares_the_threads_out() {
        assert_eq!(join_within(5, |t| t, |t| t), (3, 2));
        assert_eq!(join_within(2, |t| t, |t| t), (1, 1));
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
