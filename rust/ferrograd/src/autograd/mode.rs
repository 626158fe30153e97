//! Thread-local grad mode: whether operations record nodes.

use std::cell::Cell;

thread_local! {
    static GRAD_ENABLED: Cell<bool> = const { Cell::new(true) };
}

/// Whether operations on this thread record the graph (on by default).
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
    /// Sets grad mode to `enabled` on this thread until the guard drops.
    ///
    /// ```
    /// use ferrograd::{is_grad_enabled, GradModeGuard};
    /// {
    ///     let _guard = GradModeGuard::new(false);
    ///     assert!(!is_grad_enabled());
    /// }
    /// assert!(is_grad_enabled());
    /// ```
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
    static ANOMALY_CHECK_NAN: Cell<bool> = const { Cell::new(true) };
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

/// Turns anomaly detection on or off for this thread; returns the previous setting.
pub fn set_anomaly_enabled(enabled: bool) -> bool {
    ANOMALY_MODE.with(|mode| mode.replace(enabled))
}

/// Whether anomaly mode, when on, checks each gradient computed in backward for NaN (on by
/// default, as in PyTorch; nodes remember where they were created either way).
pub fn is_anomaly_check_nan_enabled() -> bool {
    ANOMALY_CHECK_NAN.with(Cell::get)
}

/// Sets whether anomaly mode checks for NaN; returns the previous setting.
pub fn set_anomaly_check_nan(check_nan: bool) -> bool {
    ANOMALY_CHECK_NAN.with(|check| check.replace(check_nan))
}

thread_local! {
    // The saved-tensor hooks installed on this thread, innermost last; the count is read on
    // every recorded node, the stack only when it is not 0.
    static SAVED_TENSOR_HOOKS: std::cell::RefCell<Vec<std::sync::Arc<dyn super::saved::SavedTensorHooks>>> =
        const { std::cell::RefCell::new(Vec::new()) };
    static SAVED_TENSOR_HOOK_COUNT: Cell<u32> = const { Cell::new(0) };
}

/// Installs hooks that pack every value saved for backward on this thread (the innermost
/// hooks apply), until `pop_saved_tensor_hooks`.
pub fn push_saved_tensor_hooks(hooks: std::sync::Arc<dyn super::saved::SavedTensorHooks>) {
    SAVED_TENSOR_HOOKS.with(|stack| stack.borrow_mut().push(hooks));
    SAVED_TENSOR_HOOK_COUNT.with(|count| count.set(count.get() + 1));
}

/// Removes the innermost hooks; false when none were installed.
pub fn pop_saved_tensor_hooks() -> bool {
    let popped = SAVED_TENSOR_HOOKS
        .with(|stack| stack.borrow_mut().pop())
        .is_some();
    if popped {
        SAVED_TENSOR_HOOK_COUNT.with(|count| count.set(count.get() - 1));
    }
    popped
}

/// Turns this thread's saved-tensor hooks off until dropped: a hook that runs operations (a
/// copy, a device move) does not pack the values they save, as in PyTorch.
pub(crate) struct SavedTensorHooksOff(u32);

impl SavedTensorHooksOff {
    pub(crate) fn new() -> Self {
        SavedTensorHooksOff(SAVED_TENSOR_HOOK_COUNT.with(|count| count.replace(0)))
    }
}

impl Drop for SavedTensorHooksOff {
    fn drop(&mut self) {
        SAVED_TENSOR_HOOK_COUNT.with(|count| count.set(self.0));
    }
}

/// The innermost saved-tensor hooks of this thread, if any.
pub(crate) fn saved_tensor_hooks() -> Option<std::sync::Arc<dyn super::saved::SavedTensorHooks>> {
    if SAVED_TENSOR_HOOK_COUNT.with(Cell::get) == 0 {
        return None;
    }
    SAVED_TENSOR_HOOKS.with(|stack| stack.borrow().last().cloned())
}
