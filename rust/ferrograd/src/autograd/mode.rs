//! Thread-local grad mode: whether operations record nodes.

use std::cell::Cell;

thread_local! {
    static GRAD_ENABLED: Cell<bool> = const { Cell::new(true) };
}

pub fn is_grad_enabled() -> bool {
    GRAD_ENABLED.with(Cell::get)
}

/// Sets grad mode for this thread and returns the previous mode.
pub fn set_grad_enabled(enabled: bool) -> bool {
    GRAD_ENABLED.with(|mode| mode.replace(enabled))
}

/// Restores the previous grad mode when dropped.
#[must_use = "grad mode is restored when the guard is dropped"]
pub struct GradModeGuard {
    previous: bool,
}

impl GradModeGuard {
    pub fn new(enabled: bool) -> Self {
        GradModeGuard {
            previous: set_grad_enabled(enabled),
        }
    }
}

impl Drop for GradModeGuard {
    fn drop(&mut self) {
        set_grad_enabled(self.previous);
    }
}

/// Runs `f` with gradient recording off (like `torch.no_grad()`).
pub fn no_grad<R>(f: impl FnOnce() -> R) -> R {
    let _guard = GradModeGuard::new(false);
    f()
}

thread_local! {
    static INFERENCE_MODE: Cell<bool> = const { Cell::new(false) };
    static ANOMALY_MODE: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread is in inference mode: nothing is recorded, and tensors made here are
/// inference tensors that can never be saved for backward.
pub fn is_inference_mode_enabled() -> bool {
    INFERENCE_MODE.with(Cell::get)
}

/// Enters (or leaves) inference mode for this thread; returns the previous state. Grad mode is
/// switched with it.
pub fn set_inference_mode(enabled: bool) -> bool {
    let previous = INFERENCE_MODE.with(|mode| mode.replace(enabled));
    if enabled {
        set_grad_enabled(false);
    }
    previous
}

/// Whether anomaly detection is on for this thread: nodes remember where they were created and
/// a backward that produces NaN raises.
pub fn is_anomaly_enabled() -> bool {
    ANOMALY_MODE.with(Cell::get)
}

pub fn set_anomaly_enabled(enabled: bool) -> bool {
    ANOMALY_MODE.with(|mode| mode.replace(enabled))
}
