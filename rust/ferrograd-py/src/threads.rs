//! The kernels' thread pool, seen from Python.

use ferrograd_py_macros::catch_panics;
use pyo3::prelude::*;

/// Makes the calling thread worker 0 of the global rayon pool (the kernels' pool), with the
/// usual number of threads in all (`RAYON_NUM_THREADS` or the core count). `ferrograd` calls
/// it once, from Python's main thread, at import. A parallel kernel called from that thread
/// then computes a share of the work itself instead of handing everything to the pool and
/// sleeping until the pool's threads wake it: on the 2-core test machine that hand-off cost
/// about 5% of a 4M-element `a * b`. Returns false (and changes nothing) when the pool was
/// already built.
#[catch_panics]
#[pyfunction]
pub fn join_thread_pool() -> bool {
    rayon::ThreadPoolBuilder::new()
        .use_current_thread()
        .build_global()
        .is_ok()
}
