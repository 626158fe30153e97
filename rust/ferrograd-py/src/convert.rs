//! Conversions between Python values (NumPy arrays, numbers, dtype names) and engine values.

use std::borrow::Cow;

use ferrograd::array::{Category, CpuBuffer, DType, Element, Layout, NdArray};
use ferrograd::Tensor;
use numpy::{PyArrayDyn, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyBool, PyFloat, PyInt, PyType};

use crate::errors::IntoPyResult;
use crate::tensor_type::as_tensor;

pub fn dtype_from_name(name: &str) -> PyResult<DType> {
    DType::from_name(name)
        .ok_or_else(|| PyTypeError::new_err(format!("unsupported dtype '{name}'")))
}

/// A NumPy array as an engine array: zero-copy when the array is C-contiguous and writeable
/// (the tensor then shares its memory, as `torch.from_numpy` does), else copied.
pub fn array_from_numpy(obj: &Bound<'_, PyAny>, share: bool) -> PyResult<NdArray> {
    fn import<T: Element + numpy::Element>(
        obj: &Bound<'_, PyAny>,
        share: bool,
    ) -> Option<PyResult<NdArray>> {
        let array = obj.downcast::<PyArrayDyn<T>>().ok()?;
        let shape: Vec<usize> = array.shape().to_vec();
        let writeable = obj
            .getattr("flags")
            .and_then(|f| f.getattr("writeable"))
            .and_then(|w| w.extract::<bool>())
            .unwrap_or(false);
        if share && writeable {
            if let Some(shared) = shared_view(array) {
                return Some(shared.py());
            }
        }
        let data: Vec<T> = match array.try_readonly() {
            Ok(view) => {
                let view = view.as_array();
                match ferrograd::array::alloc::collect(view.len(), view.iter().copied()) {
                    Ok(data) => data,
                    Err(e) => return Some(Err(crate::errors::to_py(e))),
                }
            }
            Err(e) => return Some(Err(PyValueError::new_err(e.to_string()))),
        };
        Some(NdArray::from_vec(data, &shape).py())
    }
    import::<f32>(obj, share)
        .or_else(|| import::<f64>(obj, share))
        .or_else(|| import::<i64>(obj, share))
        .or_else(|| import::<i32>(obj, share))
        .or_else(|| import::<bool>(obj, share))
        .or_else(|| import::<u8>(obj, share))
        .or_else(|| import::<i8>(obj, share))
        .or_else(|| import::<i16>(obj, share))
        .or_else(|| import::<ferrograd::array::f16>(obj, share))
        .unwrap_or_else(|| {
            let dtype = obj
                .downcast::<PyUntypedArray>()
                .map(|a| a.dtype().to_string())
                .unwrap_or_else(|_| obj.get_type().to_string());
            Err(PyTypeError::new_err(format!(
                "can't convert np.ndarray of type {dtype}. The only supported types are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
            )))
        })
}

/// The memory of a writeable NumPy array as a tensor's storage, viewed with the array's
/// shape and strides (`None` when a stride is negative or not a whole number of elements:
/// the caller copies then).
fn shared_view<T: Element + numpy::Element>(
    array: &Bound<'_, PyArrayDyn<T>>,
) -> Option<ferrograd::Result<NdArray>> {
    let itemsize = std::mem::size_of::<T>() as isize;
    let shape: Vec<usize> = array.shape().to_vec();
    let strides = array.strides();
    if strides.iter().any(|&s| s < 0 || s % itemsize != 0) {
        return None;
    }
    let strides: Vec<isize> = strides.iter().map(|&s| s / itemsize).collect();
    let empty = shape.contains(&0);
    let span = if empty {
        0
    } else {
        1 + shape
            .iter()
            .zip(&strides)
            .map(|(&d, &s)| (d - 1) * s as usize)
            .sum::<usize>()
    };
    let owner = Box::new(array.clone().unbind());
    // SAFETY: NumPy keeps `span` elements of `T` from `data()` alive while the array (the
    // owner) lives, and the array is writeable: writes through the tensor are shared with it.
    let buffer =
        unsafe { CpuBuffer::from_external(array.data() as *mut u8, span, T::DTYPE, owner) };
    let layout = Layout::new(shape.as_slice().into(), strides.as_slice().into(), 0);
    Some(NdArray::from_buffer_strided(buffer, layout))
}

/// NumPy has every dtype but bfloat16: a bfloat16 tensor is refused as PyTorch refuses it.
pub fn check_numpy_dtype(dtype: DType) -> PyResult<()> {
    match dtype {
        DType::BFloat16 => Err(PyTypeError::new_err(format!(
            "Got unsupported ScalarType {}",
            dtype.scalar_type_name()
        ))),
        _ => Ok(()),
    }
}

/// A host array as a new NumPy array (a copy).
pub fn array_to_numpy<'py>(py: Python<'py>, array: &NdArray) -> PyResult<Bound<'py, PyAny>> {
    let host = array
        .to_device(ferrograd::Device::Cpu)
        .py()?
        .contiguous()
        .py()?;
    check_numpy_dtype(host.dtype())?;
    ferrograd::with_dtype!(host.dtype(), T => {
        let flat = numpy::PyArray1::<T>::from_slice(py, host.as_slice::<T>().py()?);
        Ok(flat.reshape(host.shape().to_vec())?.into_any())
    })
}

/// The other operand of a binary operation: a tensor, or a Python number converted to a 0-d
/// tensor of the dtype PyTorch would give it next to `this`.
pub fn operand<'a>(this: &Tensor, other: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, Tensor>> {
    operand_or_none(this, other)?.ok_or_else(|| match other.get_type().name() {
        Ok(name) => PyTypeError::new_err(format!("unsupported operand type: '{name}'")),
        Err(e) => e,
    })
}

/// A Python `int` (not a `bool`) that fits int64, to be used exactly rather than through an
/// `f64` (which holds integers only up to 2**53); `None` for any other value.
pub fn exact_integer(value: &Bound<'_, PyAny>) -> Option<i64> {
    if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
        value.extract().ok()
    } else {
        None
    }
}

/// `operand`, or `None` for a type tensors do not combine with (an operator then returns
/// `NotImplemented`). NumPy scalars count as Python numbers; NumPy arrays are copied. A
/// tensor operand is borrowed (no reference count taken: this runs for every operator).
pub fn operand_or_none<'a>(
    this: &Tensor,
    other: &'a Bound<'_, PyAny>,
) -> PyResult<Option<Cow<'a, Tensor>>> {
    if let Some(t) = as_tensor(other) {
        return Ok(Some(Cow::Borrowed(&t.get().inner)));
    }
    let converted = if other.is_instance_of::<PyBool>()
        || other.is_instance_of::<PyInt>()
        || other.is_instance_of::<PyFloat>()
    {
        scalar_operand(this, other)?
    } else if other.downcast::<PyUntypedArray>().is_ok() {
        Tensor::from_array(array_from_numpy(other, false)?)
    } else if other.is_instance(numpy_generic(other.py())?)? {
        scalar_operand(this, &other.call_method0("item")?)?
    } else {
        return Ok(None);
    };
    Ok(Some(Cow::Owned(converted)))
}

fn numpy_generic(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static GENERIC: GILOnceCell<Py<PyType>> = GILOnceCell::new();
    GENERIC.import(py, "numpy", "generic")
}

/// A Python number as the 0-d operand PyTorch makes of it next to `this`. Next to a float16 or
/// bfloat16 tensor with dimensions, a number is kept as float64 (the tensor's dtype still wins
/// the promotion): the arithmetic ops read it at float32 precision, as PyTorch's do.
pub fn scalar_operand(this: &Tensor, other: &Bound<'_, PyAny>) -> PyResult<Tensor> {
    let (device, mut dtype) = (this.device(), this.dtype());
    if dtype.is_reduced_float() && this.ndim() > 0 {
        dtype = DType::Float64;
    }
    // A Python bool stays a bool operand: it never raises the result's category, and operations
    // that reject bool operands (subtraction) see it as one.
    if other.is_instance_of::<PyBool>() {
        return finish_scalar(
            NdArray::scalar(other.extract::<bool>()?),
            DType::Bool,
            device,
        );
    }
    if other.is_instance_of::<PyInt>() {
        let v: i64 = other
            .extract()
            .map_err(|_| PyValueError::new_err("integer operand out of the int64 range"))?;
        return finish_scalar(
            NdArray::scalar(v),
            dtype.with_python_scalar(Category::Integer),
            device,
        );
    }
    if other.is_instance_of::<PyFloat>() {
        let v: f64 = other.extract()?;
        return finish_scalar(
            NdArray::scalar(v),
            dtype.with_python_scalar(Category::Floating),
            device,
        );
    }
    Err(PyTypeError::new_err(format!(
        "unsupported operand type: '{}'",
        other.get_type().name()?
    )))
}

fn finish_scalar(value: NdArray, dtype: DType, device: ferrograd::Device) -> PyResult<Tensor> {
    let cast = ferrograd::__binding::cast(&value, dtype).py()?;
    Ok(Tensor::from_array(
        ferrograd::__binding::fill_on(&[], &cast, device).py()?,
    ))
}

/// A shape given by the user: a negative size is refused as PyTorch refuses it (a `ShapeError`,
/// which is a `RuntimeError`); the size is checked for overflow where the tensor is made.
pub fn shape_arg(shape: Vec<isize>) -> PyResult<Vec<usize>> {
    match shape.iter().find(|&&s| s < 0) {
        Some(s) => Err(crate::errors::to_py(ferrograd::Error::Shape(format!(
            "Trying to create tensor with negative dimension {s}: {shape:?}"
        )))),
        None => Ok(shape.into_iter().map(|s| s as usize).collect()),
    }
}
