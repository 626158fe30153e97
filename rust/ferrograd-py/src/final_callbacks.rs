//! Final callbacks of a backward pass: PyTorch's
//! `torch.autograd.Variable._execution_engine.queue_callback(callback)`.
//!
//! A callback queued while a backward pass runs (from a tensor hook, a post-accumulate-grad
//! hook, a custom `Function`'s backward) is called once that pass has computed and accumulated
//! every gradient, before `backward()` / `autograd.grad()` returns, in the order queued; a
//! callback may queue more, which run in the same pass. `DistributedDataParallel` waits for its
//! gradient all-reduces this way. Callbacks do not run when the pass failed.
//!
//! Each thread keeps a stack of its passes (a backward started inside a hook is a pass of its
//! own, as in PyTorch; the engine runs hooks on the thread that called backward). The stack is
//! here rather than in Python because every backward pass enters it: as a Python wrapper it
//! cost 0.45 µs of a 3 µs scalar backward.

use std::cell::RefCell;

use ferrograd_py_macros::catch_panics;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

thread_local! {
    /// This thread's backward passes, innermost last, each with the callbacks queued during it
    /// (an empty `Vec` allocates nothing, and most passes queue none).
    static PASSES: RefCell<Vec<Vec<PyObject>>> = const { RefCell::new(Vec::new()) };
}

/// Ends the innermost pass, however `run_pass` leaves.
struct EndPass;

impl Drop for EndPass {
    fn drop(&mut self) {
        let callbacks = PASSES.with(|p| p.borrow_mut().pop());
        drop(callbacks);
    }
}

/// `pass()` (one backward pass of the engine) as this thread's innermost pass, then the
/// callbacks queued during it, in order. The stack is not borrowed while Python code runs, so
/// a callback may queue more or start a backward pass of its own.
pub fn run_pass<T>(py: Python<'_>, pass: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    PASSES.with(|p| p.borrow_mut().push(Vec::new()));
    let _end = EndPass;
    let result = pass()?;
    for index in 0.. {
        let next = PASSES.with(|p| {
            let passes = p.borrow();
            passes
                .last()
                .and_then(|callbacks| callbacks.get(index))
                .map(|c| c.clone_ref(py))
        });
        let Some(callback) = next else { break };
        callback.call0(py)?;
    }
    Ok(result)
}

/// Queues `callback` (a callable) to run when the backward pass now running on this thread
/// finishes.
#[catch_panics]
#[pyfunction]
pub fn queue_callback(callback: PyObject) -> PyResult<()> {
    PASSES.with(|p| match p.borrow_mut().last_mut() {
        Some(callbacks) => {
            callbacks.push(callback);
            Ok(())
        }
        None => Err(PyRuntimeError::new_err(
            "Final callbacks can only be installed during backward pass.",
        )),
    })
}
