//! The layout of a tensor and the views that PyTorch exposes beyond shape and indexing
//! (`stride()`, `storage_offset()`, `_base`, `data_ptr()`, `view`, `diagonal`, `unfold`,
//! `as_strided`).

use ferrograd_py_macros::catch_panics;
use pyo3::prelude::*;

use crate::errors::IntoPyResult;
use crate::tensor::PyTensor;
use crate::tensor_type::{view_of, NewTensor};

#[catch_panics]
#[pymethods]
impl PyTensor {
    #[getter(_strides)]
    fn strides(&self) -> Vec<isize> {
        self.inner.strides().to_vec()
    }

    #[getter(_storage_offset)]
    fn storage_offset(&self) -> usize {
        self.inner.storage_offset()
    }

    #[pyo3(name = "_is_contiguous")]
    fn is_contiguous(&self) -> bool {
        self.inner.is_contiguous()
    }

    #[pyo3(name = "_contiguous")]
    fn contiguous(&self) -> PyResult<NewTensor> {
        self.inner.contiguous_tensor().py().map(NewTensor)
    }

    /// The tensor this one is a view of (the Python object the view was made from, when it is
    /// known), or `None`.
    #[getter(_base)]
    fn base(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let Some(base) = self.inner.base() else {
            return Ok(None);
        };
        if let Some(object) = &self.base_object {
            return Ok(Some(object.clone_ref(py)));
        }
        Ok(Some(NewTensor(base).into_pyobject(py)?.unbind()))
    }

    /// The addresses of the first element and of the storage's start, and the storage's size
    /// in bytes (host tensors; 0 for device tensors): enough to compare aliasing.
    #[pyo3(name = "_memory")]
    fn memory(&self) -> (usize, usize, usize) {
        let data = self.inner.shared_data();
        let itemsize = data.dtype().size_in_bytes();
        match data.host_ptr() {
            Ok(first) => {
                let start = first as usize - data.offset() * itemsize;
                (first as usize, start, data.storage_len() * itemsize)
            }
            Err(_) => (0, 0, data.storage_len() * itemsize),
        }
    }

    #[pyo3(name = "_view")]
    fn view<'py>(slf: &Bound<'py, Self>, shape: Vec<isize>) -> PyResult<Bound<'py, PyAny>> {
        view_of(slf, slf.get().inner.view_shape(&shape))
    }

    #[pyo3(name = "_diagonal")]
    fn diagonal<'py>(
        slf: &Bound<'py, Self>,
        offset: isize,
        dim1: isize,
        dim2: isize,
    ) -> PyResult<Bound<'py, PyAny>> {
        view_of(slf, slf.get().inner.diagonal(offset, dim1, dim2))
    }

    #[pyo3(name = "_unfold")]
    fn unfold<'py>(
        slf: &Bound<'py, Self>,
        dim: isize,
        size: usize,
        step: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        view_of(slf, slf.get().inner.unfold(dim, size, step))
    }

    #[pyo3(name = "_as_strided", signature = (size, stride, storage_offset=None))]
    fn as_strided<'py>(
        slf: &Bound<'py, Self>,
        size: Vec<usize>,
        stride: Vec<isize>,
        storage_offset: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        view_of(
            slf,
            slf.get().inner.as_strided(&size, &stride, storage_offset),
        )
    }
}
