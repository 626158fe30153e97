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

use crate::errors::IntoPyResult;
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

/// `obj` as a tensor, if it is one. An instance of the registered `Tensor` class is recognised
/// by its exact type: pyo3's downcast calls `PyType_IsSubtype`, which scans that class's whole
/// MRO (37 classes, the mixins first) on every operand of every op.
pub fn as_tensor<'a, 'py>(obj: &'a Bound<'py, PyAny>) -> Option<&'a Bound<'py, PyTensor>> {
    let py = obj.py();
    if TENSOR_TYPE
        .get(py)
        .is_some_and(|cls| obj.get_type().is(cls.bind(py)))
    {
        // SAFETY: the registered class is a subclass of `TensorImpl` (checked when registered).
        return Some(unsafe { obj.downcast_unchecked::<PyTensor>() });
    }
    obj.downcast::<PyTensor>().ok()
}

/// A tensor on its way to Python: converts into an instance of the registered `Tensor` class
/// (or of `TensorImpl` itself before registration).
pub struct NewTensor(pub Tensor);

impl<'py> IntoPyObject<'py> for NewTensor {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        instance(py, PyTensor::new(self.0))
    }
}

/// The result of a view method called on `source`. When it is a view whose base is `source`
/// (or `source`'s own base), its Python object keeps the base's Python object, so that `_base`
/// answers with that very object (`x.t()._base is x`, as in PyTorch).
pub fn view_of<'py>(
    source: &Bound<'py, PyTensor>,
    result: ferrograd::Result<Tensor>,
) -> PyResult<Bound<'py, PyAny>> {
    let tensor = result.py()?;
    let base_object = base_object_of(&tensor, source);
    instance(source.py(), PyTensor::with_base_object(tensor, base_object))
}

fn base_object_of(view: &Tensor, source: &Bound<'_, PyTensor>) -> Option<Py<PyAny>> {
    let base = view.base()?;
    let this = source.get();
    if this.inner.same(&base) {
        return Some(source.clone().into_any().unbind());
    }
    let inherited = this.base_object.as_ref()?;
    let inherited_inner = &inherited
        .bind(source.py())
        .downcast::<PyTensor>()
        .ok()?
        .get()
        .inner;
    inherited_inner
        .same(&base)
        .then(|| inherited.clone_ref(source.py()))
}

fn instance(py: Python<'_>, tensor: PyTensor) -> PyResult<Bound<'_, PyAny>> {
    let init = PyClassInitializer::from(tensor);
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
