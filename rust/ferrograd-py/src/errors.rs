//! The one place where engine errors become Python exceptions, and Python exceptions raised by
//! user callbacks (hooks, custom Functions, device kernels) travel back through the engine.

use std::cell::RefCell;

use ferrograd::Error;
use pyo3::exceptions::{PyIndexError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::sync::GILOnceCell;
use pyo3::types::PyType;
use pyo3::{Py, PyErr, Python};

thread_local! {
    /// A Python exception raised inside a callback, kept until the engine's error reaches Python.
    static PENDING: RefCell<Option<PyErr>> = const { RefCell::new(None) };
}

/// `ferrograd._errors.ShapeError`: a `ValueError` that is also a `RuntimeError`.
fn shape_error(msg: String) -> PyErr {
    static SHAPE_ERROR: GILOnceCell<Py<PyType>> = GILOnceCell::new();
    Python::with_gil(
        |py| match SHAPE_ERROR.import(py, "ferrograd._errors", "ShapeError") {
            Ok(class) => PyErr::from_type(class.clone(), msg),
            Err(_) => PyValueError::new_err(msg),
        },
    )
}

pub fn to_py(error: Error) -> PyErr {
    match error {
        Error::Shape(msg) => shape_error(msg),
        Error::Value(msg) => PyValueError::new_err(msg),
        Error::DType(msg) => PyTypeError::new_err(msg),
        Error::Index(msg) => PyIndexError::new_err(msg),
        Error::Arithmetic(msg) | Error::Autograd(msg) | Error::Device(msg) => {
            PyRuntimeError::new_err(msg)
        }
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
