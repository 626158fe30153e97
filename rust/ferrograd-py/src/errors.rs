//! The one place where engine errors become Python exceptions, and Python exceptions raised by
//! user callbacks (hooks, custom Functions, device kernels) travel back through the engine;
//! and where a Rust panic stops (`guard`), so that none reaches Python.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Mutex, Once};

use ferrograd::Error;
use pyo3::exceptions::{
    PyIndexError, PyMemoryError, PyNotImplementedError, PyRuntimeError, PyTypeError, PyValueError,
};
use pyo3::sync::GILOnceCell;
use pyo3::types::PyType;
use pyo3::{Py, PyErr, PyResult, Python};

thread_local! {
    /// A Python exception raised inside a callback, kept until the engine's error reaches Python.
    static PENDING: RefCell<Option<PyErr>> = const { RefCell::new(None) };
    /// How many `guard`s this thread is inside (a callback may call back into the binding).
    static GUARD_DEPTH: Cell<usize> = const { Cell::new(0) };
    /// Where the last panic on this thread happened, when it happened inside a `guard`.
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// An instance of the class `name` of `ferrograd._errors` (classes that are two built-in
/// exceptions at once), kept in `class`; `fallback` should that module not import.
fn two_class_error(
    class: &'static GILOnceCell<Py<PyType>>,
    name: &str,
    msg: String,
    fallback: fn(String) -> PyErr,
) -> PyErr {
    Python::with_gil(|py| match class.import(py, "ferrograd._errors", name) {
        Ok(class) => PyErr::from_type(class.clone(), msg),
        Err(_) => fallback(msg),
    })
}

/// `ferrograd._errors.ShapeError`: a `ValueError` that is also a `RuntimeError`.
fn shape_error(msg: String) -> PyErr {
    static SHAPE_ERROR: GILOnceCell<Py<PyType>> = GILOnceCell::new();
    two_class_error(&SHAPE_ERROR, "ShapeError", msg, PyValueError::new_err)
}

/// `ferrograd._errors.OutOfMemoryError`: a `MemoryError` that is also a `RuntimeError`.
fn out_of_memory_error(msg: String) -> PyErr {
    static OOM_ERROR: GILOnceCell<Py<PyType>> = GILOnceCell::new();
    two_class_error(&OOM_ERROR, "OutOfMemoryError", msg, PyMemoryError::new_err)
}

pub fn to_py(error: Error) -> PyErr {
    match error {
        Error::Shape(msg) => shape_error(msg),
        Error::Value(msg) => PyValueError::new_err(msg),
        Error::DType(msg) => PyTypeError::new_err(msg),
        Error::NotImplemented(msg) => PyNotImplementedError::new_err(msg),
        Error::Index(msg) => PyIndexError::new_err(msg),
        Error::OutOfMemory(msg) => out_of_memory_error(msg),
        Error::Arithmetic(msg)
        | Error::Unsupported(msg)
        | Error::Autograd(msg)
        | Error::Device(msg) => PyRuntimeError::new_err(msg),
        Error::External(msg) => PENDING
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| PyRuntimeError::new_err(msg)),
    }
}

/// Parks a Python exception raised by a callback and returns the engine error that carries it.
pub fn from_py(error: PyErr) -> Error {
    let message = error.to_string();
    PENDING.with(|p| *p.borrow_mut() = Some(error));
    Error::External(message)
}

/// `Result<T, ferrograd::Error>` → `PyResult<T>`.
pub trait IntoPyResult<T> {
    fn py(self) -> pyo3::PyResult<T>;
}

impl<T> IntoPyResult<T> for ferrograd::Result<T> {
    fn py(self) -> pyo3::PyResult<T> {
        self.map_err(to_py)
    }
}

/// Runs the body of a binding entry point (`#[catch_panics]` puts every `#[pyfunction]` and
/// `#[pymethods]` body here): a Rust panic in it becomes a `RuntimeError` that says it is a bug
/// in ferrograd, instead of PyO3's `PanicException` (a `BaseException` that `except Exception`
/// misses). A panic whose payload is an engine `Error` (an allocation that failed where no
/// `Result` could carry it) raises that error's exception (`OutOfMemoryError`). Locks held
/// when the panic started are released as it unwinds, and none of the engine's locks
/// poisons (they are `parking_lot`'s), so later calls work.
pub fn guard<T, E: From<PyErr>>(body: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    GUARD_DEPTH.with(|d| d.set(d.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(body));
    GUARD_DEPTH.with(|d| d.set(d.get() - 1));
    result.unwrap_or_else(|payload| Err(from_panic(payload).into()))
}

/// `guard` for a body that cannot fail otherwise.
pub fn guard_value<T>(body: impl FnOnce() -> T) -> PyResult<T> {
    guard(|| Ok(body()))
}

/// Where the last panic on a kernel thread happened: rayon carries the panic itself to the
/// thread that called the kernel, which is inside a `guard`.
static POOL_PANIC_LOCATION: Mutex<Option<String>> = Mutex::new(None);

fn from_panic(payload: Box<dyn Any + Send>) -> PyErr {
    let location = PANIC_LOCATION.with(|l| l.borrow_mut().take()).or_else(|| {
        POOL_PANIC_LOCATION
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    });
    let payload = match payload.downcast::<Error>() {
        Ok(error) => return to_py(*error),
        Err(payload) => payload,
    };
    let message = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_string()
    };
    let at = location.map(|l| format!(" at {l}")).unwrap_or_default();
    PyRuntimeError::new_err(format!(
        "internal error in ferrograd (a bug; please report it): {message}{at}"
    ))
}

/// Installs the process's panic hook (once): a panic inside a `guard` on this thread, or on a
/// kernel (rayon) thread, whose panics rayon hands to the calling thread, only records where it
/// happened, for the exception's message, since the exception reports it; any other panic (or
/// any panic at all when `RUST_BACKTRACE` is set) goes to the previous hook, which prints it.
pub fn install_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        let verbose = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
        panic::set_hook(Box::new(move |info| {
            let location = info.location().map(|l| l.to_string());
            if GUARD_DEPTH.with(|d| d.get()) > 0 {
                PANIC_LOCATION.with(|l| *l.borrow_mut() = location);
                if !verbose {
                    return;
                }
            } else if rayon::current_thread_index().is_some() {
                *POOL_PANIC_LOCATION
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) = location;
                if !verbose {
                    return;
                }
            }
            previous(info);
        }));
    });
}
