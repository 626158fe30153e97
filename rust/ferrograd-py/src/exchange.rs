//! Zero-copy export of host tensors as NumPy arrays (behind `Tensor.__dlpack__` on the CPU).

use ferrograd::NdArray;
use ferrograd_py_macros::catch_panics;
use numpy::ndarray::{ArrayViewD, IxDyn, ShapeBuilder};
use numpy::PyArrayDyn;
use pyo3::prelude::*;

use crate::errors::IntoPyResult;
use crate::tensor::PyTensor;

/// Keeps a host buffer alive while a NumPy array borrows it.
#[pyclass(frozen, module = "ferrograd._core")]
struct HostBufferOwner {
    _array: NdArray,
}

/// A NumPy array over the tensor's elements, without a copy: it has the tensor's shape and
/// strides and shares its storage, so writes on either side are seen by the other (as
/// `torch.Tensor.numpy()`).
#[catch_panics]
#[pyfunction]
pub fn numpy_view<'py>(
    py: Python<'py>,
    tensor: PyRef<'_, PyTensor>,
) -> PyResult<Bound<'py, PyAny>> {
    crate::convert::check_numpy_dtype(tensor.inner.dtype())?;
    let data = tensor.inner.shared_data();
    let ptr = data.host_ptr().py()?;
    let shape = data.shape().to_vec();
    let strides: Vec<usize> = data.strides().iter().map(|&s| s.max(0) as usize).collect();
    let dtype = data.dtype();
    let owner = Bound::new(py, HostBufferOwner { _array: data })?.into_any();
    ferrograd::with_dtype!(dtype, T => {
        // SAFETY: the view's elements (`ptr` plus non-negative strides in elements, checked to
        // lie inside the storage when the layout was made) are `T`s in a buffer that `owner`
        // keeps alive and never reallocates; the NumPy array holds `owner` as its base.
        let view = unsafe { ArrayViewD::<T>::from_shape_ptr(IxDyn(&shape).strides(IxDyn(&strides)), ptr as *const T) };
        let array = unsafe { PyArrayDyn::<T>::borrow_from_array(&view, owner) };
        Ok(array.into_any())
    })
}
