//! The kernels' thread pool, seen from Python.

use ferrograd_py_macros::catch_panics;
use pyo3::prelude::*;

/// Makes the calling thread worker 0 of the global rayon pool (the kernels' pool), with the
/// usual number of threads in all (`RAYON_NUM_THREADS` or the core count). `ferrograd` calls
/// it once, from Python's main thread, at import. A parallel kernel called from that thread
/// then computes a share of the work itself instead of handing everything to the pool and
/// sleeping until the pool's threads wake it: on the 2-core test machine that hand-off cost
/// about 5% of a 4M-element `a * b`. `num_threads` other than 0 sizes the pool instead
/// (`FERROGRAD_NUM_THREADS`); its size is fixed from then on. Returns false (and changes
/// nothing) when the pool was already built.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (num_threads=0))]
pub fn join_thread_pool(num_threads: usize) -> bool {
    let built = rayon::ThreadPoolBuilder::new()
        .num_threads(num_threads)
        .use_current_thread()
        .build_global()
        .is_ok();
    // The first look at the pool's size also makes a process forked from now on run its
    // kernels on one thread (the pool's threads are not copied into it).
    ferrograd::num_threads();
    built
}

/// Limits how many of the pool's threads one kernel keeps busy (`torch.set_num_threads`);
/// returns the number now used, which is below `num_threads` when the pool is smaller.
#[catch_panics]
#[pyfunction]
pub fn set_num_threads(num_threads: usize) -> usize {
    ferrograd::set_thread_limit(num_threads);
    ferrograd::num_threads()
}

/// How many threads a kernel started now may use.
#[catch_panics]
#[pyfunction]
pub fn get_num_threads() -> usize {
    ferrograd::num_threads()
}
