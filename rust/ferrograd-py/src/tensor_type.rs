//! The Python class that engine results are returned as.
//!
//! `ferrograd.Tensor` is a Python subclass of `_core.TensorImpl` (it adds the mixins), and it
//! registers itself here at import. Every tensor the binding returns is created directly as an
//! instance of that class, so an operation crosses the Python/Rust boundary once: no wrapper
//! object is built around the engine handle afterwards.

use ferrograd::Tensor;
use ferrograd_py_macros::catch_panics;
use pyo3::exceptions::PyTypeError;
use pyo3::impl_::pyclass_init::PyObjectInit;
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::PyType;
use pyo3::PyTypeInfo;

use crate::tensor::PyTensor;

static TENSOR_TYPE: GILOnceCell<Py<PyType>> = GILOnceCell::new();

/// Makes `cls` (a subclass of `TensorImpl` without extra instance state beyond `__weakref__`)
/// the class of every tensor returned from now on. Called once, by `ferrograd._tensor`.
#[catch_panics]
#[pyfunction]
pub fn register_tensor_type(py: Python<'_>, cls: Bound<'_, PyType>) -> PyResult<()> {
    if !cls.is_subclass_of::<PyTensor>()? {
        return Err(PyTypeError::new_err(format!(
            "{cls} is not a subclass of TensorImpl"
        )));
    }
    TENSOR_TYPE
        .set(py, cls.unbind())
        .map_err(|_| PyTypeError::new_err("the tensor class is already registered"))
}

/// A tensor on its way to Python: converts into an instance of the registered `Tensor` class
/// (or of `TensorImpl` itself before registration).
pub struct NewTensor(pub Tensor);

impl<'py> IntoPyObject<'py> for NewTensor {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let init = PyClassInitializer::from(PyTensor::new(self.0));
        let class = match TENSOR_TYPE.get(py) {
            Some(class) => class.as_ptr().cast(),
            None => PyTensor::type_object_raw(py),
        };
        // PyO3's public constructors only build the base class; this is the initializer
        // `#[new]` itself uses for a subclass. Safety: `class` is `TensorImpl` or a subclass
        // of it (checked at registration), so its layout starts with `TensorImpl`'s.
        let object = unsafe { init.into_new_object(py, class)? };
        Ok(unsafe { Bound::from_owned_ptr(py, object) })
    }
}
