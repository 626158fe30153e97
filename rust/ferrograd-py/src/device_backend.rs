//! The CUDA device backend, implemented by a Python kernel table (`ferrograd.cuda._table`).
//!
//! Arrays on the device are Python objects (CuPy arrays; NumPy arrays in the test backend) held
//! through the engine's `ForeignArray` seam. Every `Kernel` the engine dispatches to the device
//! becomes one call `table.<name>(*inputs, **params)`; a table without that method, or one that
//! returns `None`, makes the engine compute on the host instead. A Python exception raised by the
//! table reaches the caller unchanged (`errors::from_py`).

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use ferrograd::__binding::DeviceBackend;
use ferrograd::__binding::{BinaryOp, Kernel, Number, UnaryOp};
use ferrograd::array::{DType, Device, ForeignArray, NdArray, Storage};
use ferrograd::{Error, Result};
use ferrograd_py_macros::catch_panics;
use pyo3::exceptions::{PyAttributeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyDict, PyString, PyTuple};
use pyo3::IntoPyObjectExt;

use crate::convert;
use crate::errors::{from_py, IntoPyResult};
use crate::tensor::PyTensor;
use crate::tensor_type::NewTensor;

/// An array held by the Python backend: the storage of engine arrays, which view it through
/// their layouts (row-major from its first element). `shape` is the shape the object was made
/// with (C-contiguous, see `wrap_object`), `numel` its element count.
pub struct PyForeignArray {
    object: Py<PyAny>,
    device: Device,
    shape: Vec<usize>,
    numel: usize,
}

impl fmt::Debug for PyForeignArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PyForeignArray(device={}, shape={:?})",
            self.device, self.shape
        )
    }
}

impl ForeignArray for PyForeignArray {
    fn device(&self) -> Device {
        self.device
    }

    fn numel(&self) -> usize {
        self.numel
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The backend object registered with the engine for `cuda` devices.
pub struct PyDeviceBackend {
    table: Py<PyAny>,
    /// The `op=` keyword arguments of the elementwise kernels, made once per op: building them
    /// per call (a formatted name, two new strings, a dict) was a visible part of a small op.
    op_kwargs: Mutex<HashMap<OpKey, Py<PyDict>>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum OpKey {
    Unary(UnaryOp),
    Binary(BinaryOp),
}

fn foreign(array: &NdArray) -> Result<&PyForeignArray> {
    match array.storage() {
        Storage::Foreign(f) => f.as_any().downcast_ref::<PyForeignArray>().ok_or_else(|| {
            Error::Device(format!(
                "an array on {} is held by another backend than ferrograd.cuda",
                f.device()
            ))
        }),
        Storage::Cpu(_) | Storage::Inline(_) => Err(Error::Device(
            "expected a device array but this one is on cpu".into(),
        )),
    }
}

/// The Python object of a device array: the backend's array itself, reshaped, or a strided
/// view of it that shares its memory (so writes through it reach every view).
fn payload<'py>(py: Python<'py>, array: &NdArray) -> Result<Bound<'py, PyAny>> {
    let f = foreign(array)?;
    let object = f.object.bind(py).clone();
    let whole = array.is_contiguous() && array.offset() == 0 && array.numel() == f.numel;
    if whole && f.shape.as_slice() == array.shape() {
        return Ok(object);
    }
    if whole {
        return object
            .call_method1(
                "reshape",
                (PyTuple::new(py, array.shape()).map_err(from_py)?,),
            )
            .map_err(from_py);
    }
    static STRIDED_VIEW: GILOnceCell<Py<PyAny>> = GILOnceCell::new();
    let view = STRIDED_VIEW
        .import(py, "ferrograd.cuda._views", "strided_view")
        .map_err(from_py)?;
    let shape = PyTuple::new(py, array.shape()).map_err(from_py)?;
    let strides = PyTuple::new(py, array.strides()).map_err(from_py)?;
    view.call1((object, shape, strides, array.offset()))
        .map_err(from_py)
}

/// Wraps an array returned by the table, reading its shape and dtype; an array that is not
/// C-contiguous (a kernel that kept its input's strides) is copied to one that is, since engine
/// layouts address the storage from its first element in row-major order.
fn wrap_object(object: Bound<'_, PyAny>, device: Device) -> Result<NdArray> {
    let py = object.py();
    let c_contiguous = object
        .getattr(intern!(py, "flags"))
        .and_then(|f| f.getattr(intern!(py, "c_contiguous")))
        .and_then(|c| c.extract::<bool>())
        .map_err(from_py)?;
    let object = if c_contiguous {
        object
    } else {
        object.call_method0(intern!(py, "copy")).map_err(from_py)?
    };
    let shape: Vec<usize> = object
        .getattr(intern!(py, "shape"))
        .and_then(|s| s.extract())
        .map_err(from_py)?;
    // `dtype.str` ("<f4") is a C getter; `dtype.name` runs Python code in NumPy (~2 µs).
    let typestr = object
        .getattr(intern!(py, "dtype"))
        .and_then(|d| d.getattr(intern!(py, "str")))
        .map_err(from_py)?;
    let typestr = typestr
        .downcast::<PyString>()
        .map_err(|e| from_py(e.into()))?
        .to_cow()
        .map_err(from_py)?;
    let dtype = dtype_of_typestr(&typestr).ok_or_else(|| {
        Error::DType(format!(
            "the {device} backend returned an array of dtype {typestr}; supported are float64, float32, float16, int64, int32, int16, int8, uint8 and bool"
        ))
    })?;
    let numel = shape.iter().product();
    let array = PyForeignArray {
        object: object.unbind(),
        device,
        shape: shape.clone(),
        numel,
    };
    Ok(NdArray::from_foreign(Arc::new(array), &shape, dtype))
}

/// The dtype of an array-interface type string (little-endian, as on every CUDA host).
fn dtype_of_typestr(typestr: &str) -> Option<DType> {
    Some(match typestr {
        "<f4" => DType::Float32,
        "<f8" => DType::Float64,
        "<i8" => DType::Int64,
        "<i4" => DType::Int32,
        "|b1" => DType::Bool,
        "|u1" => DType::UInt8,
        "|i1" => DType::Int8,
        "<i2" => DType::Int16,
        "<f2" => DType::Float16,
        _ => return None,
    })
}

fn index_of(device: Device) -> Result<u32> {
    match device {
        Device::Cuda(i) => Ok(i),
        Device::Meta => Ok(0),
        Device::Cpu => Err(Error::Device(
            "the CUDA backend cannot hold arrays on cpu".into(),
        )),
    }
}

/// `FloorDiv` → `floor_div`: the names the kernel table uses for an op's `Debug` name.
/// A kernel as the name of a table method and its keyword arguments; `None` for a kernel the
/// binding does not describe (the engine then computes it on the host). The elementwise kernels
/// are described by `PyDeviceBackend::op_kwargs`.
fn describe<'py>(
    py: Python<'py>,
    kernel: &Kernel,
    device: Device,
) -> PyResult<Option<(&'static str, Bound<'py, PyDict>)>> {
    let kw = PyDict::new(py);
    let window = |w: &ferrograd::ops::Window2d| -> PyResult<()> {
        kw.set_item("kernel", (w.kernel[0], w.kernel[1]))?;
        kw.set_item("stride", (w.stride[0], w.stride[1]))?;
        kw.set_item("padding", (w.padding[0], w.padding[1]))?;
        kw.set_item("dilation", (w.dilation[0], w.dilation[1]))
    };
    let name = match kernel {
        // Described with cached keyword arguments by `PyDeviceBackend::op_kwargs`.
        Kernel::Unary(_) | Kernel::Binary(_) => return Ok(None),
        Kernel::Where => "where",
        Kernel::Cast(dtype) => {
            kw.set_item("dtype", dtype.name())?;
            "cast"
        }
        Kernel::Reduce { op, axes, keepdim } => {
            kw.set_item("op", op.name())?;
            kw.set_item("axes", PyTuple::new(py, axes.iter())?)?;
            kw.set_item("keepdim", *keepdim)?;
            "reduce"
        }
        Kernel::ArgReduce { op, axis, keepdim } => {
            kw.set_item("op", op.name())?;
            kw.set_item("axis", *axis)?;
            kw.set_item("keepdim", *keepdim)?;
            "arg_reduce"
        }
        Kernel::Matmul => "matmul",
        Kernel::Contiguous => "copy",
        Kernel::CopyInto => "copy_into",
        Kernel::MatmulTransposed { trans } => {
            kw.set_item("transpose_a", trans.a)?;
            kw.set_item("transpose_b", trans.b)?;
            "matmul_transposed"
        }
        Kernel::Gather {
            shape,
            strides,
            offset,
        } => {
            kw.set_item("shape", PyTuple::new(py, shape.iter())?)?;
            kw.set_item("strides", PyTuple::new(py, strides.iter())?)?;
            kw.set_item("offset", *offset)?;
            "gather"
        }
        Kernel::ScatterAdd {
            out_shape,
            shape,
            strides,
            offset,
        } => {
            kw.set_item("out_shape", PyTuple::new(py, out_shape.iter())?)?;
            kw.set_item("shape", PyTuple::new(py, shape.iter())?)?;
            kw.set_item("strides", PyTuple::new(py, strides.iter())?)?;
            kw.set_item("offset", *offset)?;
            "scatter_add"
        }
        Kernel::IndexSelect { axis } => {
            kw.set_item("axis", *axis)?;
            "index_select"
        }
        Kernel::IndexAdd { axis, size } => {
            kw.set_item("axis", *axis)?;
            kw.set_item("size", *size)?;
            "index_add"
        }
        Kernel::Softmax { axis, log } => {
            kw.set_item("axis", *axis)?;
            kw.set_item("log", *log)?;
            "softmax"
        }
        Kernel::LogSumExp { axis, keepdim } => {
            kw.set_item("axis", *axis)?;
            kw.set_item("keepdim", *keepdim)?;
            "logsumexp"
        }
        Kernel::GatherDim { axis } => {
            kw.set_item("axis", *axis)?;
            "gather_dim"
        }
        Kernel::ScatterAddDim { axis } => {
            kw.set_item("axis", *axis)?;
            "scatter_add_dim"
        }
        Kernel::Cat { axis } => {
            kw.set_item("axis", *axis)?;
            "cat"
        }
        Kernel::Sort { axis, descending } => {
            kw.set_item("axis", *axis)?;
            kw.set_item("descending", *descending)?;
            "argsort"
        }
        Kernel::Im2col { window: w } => {
            window(w)?;
            "im2col"
        }
        Kernel::Col2im { window: w, size } => {
            window(w)?;
            kw.set_item("size", (size[0], size[1]))?;
            "col2im"
        }
        // The ops run the fused convolution on the host only.
        Kernel::Conv2d { .. } => return Ok(None),
        Kernel::MaxPool2dIndices { window: w } => {
            window(w)?;
            "max_pool2d_indices"
        }
        Kernel::Scan { op, axis, reverse } => {
            kw.set_item("op", op.name())?;
            kw.set_item("axis", *axis)?;
            kw.set_item("reverse", *reverse)?;
            "scan"
        }
        Kernel::ScanArgExtreme { max, axis } => {
            kw.set_item("op", if *max { "max" } else { "min" })?;
            kw.set_item("axis", *axis)?;
            "scan_arg_extreme"
        }
        Kernel::LinearScan { axis, reverse } => {
            kw.set_item("axis", *axis)?;
            kw.set_item("reverse", *reverse)?;
            "linear_scan"
        }
        Kernel::RecurrentCell {
            cell,
            backward,
            keep_activations,
        } => {
            kw.set_item("cell", cell.name())?;
            kw.set_item("backward", *backward)?;
            kw.set_item("keep_activations", *keep_activations)?;
            "recurrent_cell"
        }
        // The ops run the fused LSTM layer on the host only.
        Kernel::LstmLayer { .. } => return Ok(None),
        // A backend's attention takes no dropout: the host kernel draws the mask.
        Kernel::Attention { spec, .. } if spec.dropout.is_some() => return Ok(None),
        Kernel::Attention { spec, backward } => {
            kw.set_item("causal", spec.causal)?;
            kw.set_item("scale", spec.scale)?;
            kw.set_item("backward", *backward)?;
            "attention"
        }
        Kernel::Full {
            shape,
            value,
            dtype,
        } => {
            kw.set_item("shape", PyTuple::new(py, shape.iter())?)?;
            kw.set_item("value", number(py, *value)?)?;
            kw.set_item("dtype", dtype.name())?;
            kw.set_item("device", index_of(device).py()?)?;
            "full"
        }
        Kernel::Arange {
            start,
            step,
            len,
            dtype,
        } => {
            kw.set_item("start", number(py, *start)?)?;
            kw.set_item("step", number(py, *step)?)?;
            kw.set_item("length", *len)?;
            kw.set_item("dtype", dtype.name())?;
            kw.set_item("device", index_of(device).py()?)?;
            "arange"
        }
    };
    Ok(Some((name, kw)))
}

/// A kernel's number as a Python `bool`, `int` or `float`.
fn number(py: Python<'_>, value: Number) -> PyResult<Bound<'_, PyAny>> {
    match value {
        Number::Bool(v) => v.into_bound_py_any(py),
        Number::Int(v) => v.into_bound_py_any(py),
        Number::Float(v) => v.into_bound_py_any(py),
    }
}

impl PyDeviceBackend {
    fn new(table: Py<PyAny>) -> Self {
        PyDeviceBackend {
            table,
            op_kwargs: Mutex::new(HashMap::new()),
        }
    }

    /// `{"op": name}` for an elementwise kernel, shared between calls (callees never keep it).
    fn op_kwargs<'py>(&self, py: Python<'py>, key: OpKey) -> PyResult<Bound<'py, PyDict>> {
        let mut cache = self
            .op_kwargs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(kwargs) = cache.get(&key) {
            return Ok(kwargs.bind(py).clone());
        }
        let name = match key {
            OpKey::Unary(op) => op.name(),
            OpKey::Binary(op) => op.name(),
        };
        let kwargs = PyDict::new(py);
        kwargs.set_item(intern!(py, "op"), PyString::intern(py, name))?;
        cache.insert(key, kwargs.clone().unbind());
        Ok(kwargs)
    }
}

impl DeviceBackend for PyDeviceBackend {
    fn to_device(&self, host: &NdArray, device: Device) -> Result<NdArray> {
        let index = index_of(device)?;
        Python::with_gil(|py| {
            let array = convert::array_to_numpy(py, host).map_err(from_py)?;
            let object = self
                .table
                .bind(py)
                .call_method1("to_device", (array, index))
                .map_err(from_py)?;
            let out = wrap_object(object, device)?;
            if out.shape() != host.shape() || out.dtype() != host.dtype() {
                return Err(Error::Device(format!(
                    "the {device} backend's to_device gave shape {:?} and dtype {} for an array of shape {:?} and dtype {}",
                    out.shape(),
                    out.dtype(),
                    host.shape(),
                    host.dtype()
                )));
            }
            Ok(out)
        })
    }

    fn to_host(&self, array: &NdArray) -> Result<NdArray> {
        Python::with_gil(|py| {
            let object = payload(py, array)?;
            let host = self
                .table
                .bind(py)
                .call_method1("to_host", (object,))
                .map_err(from_py)?;
            // The table returns a fresh host array: borrow its memory instead of copying it again.
            let host = convert::array_from_numpy(&host, true).map_err(from_py)?;
            if host.dtype() != array.dtype() {
                return Err(Error::Device(format!(
                    "the device backend's to_host gave dtype {} for an array of dtype {}",
                    host.dtype(),
                    array.dtype()
                )));
            }
            host.reshaped(array.shape())
        })
    }

    fn run(&self, kernel: &Kernel, inputs: &[&NdArray], device: Device) -> Result<Option<NdArray>> {
        Python::with_gil(|py| {
            let described = match kernel {
                Kernel::Unary(op) => Some((
                    "unary",
                    self.op_kwargs(py, OpKey::Unary(*op)).map_err(from_py)?,
                )),
                Kernel::Binary(op) => Some((
                    "binary",
                    self.op_kwargs(py, OpKey::Binary(*op)).map_err(from_py)?,
                )),
                _ => describe(py, kernel, device).map_err(from_py)?,
            };
            let Some((name, kwargs)) = described else {
                return Ok(None);
            };
            let method = match self.table.bind(py).getattr(PyString::intern(py, name)) {
                Ok(method) => method,
                Err(e) if e.is_instance_of::<PyAttributeError>(py) => return Ok(None),
                Err(e) => return Err(from_py(e)),
            };
            let args: Vec<Bound<'_, PyAny>> = inputs
                .iter()
                .map(|a| payload(py, a))
                .collect::<Result<_>>()?;
            let args = PyTuple::new(py, args).map_err(from_py)?;
            let out = method.call(args, Some(&kwargs)).map_err(from_py)?;
            if out.is_none() {
                return Ok(None);
            }
            wrap_object(out, device).map(Some)
        })
    }
}

/// Installs `table` as the backend for `cuda` devices (`None` removes it).
#[catch_panics]
#[pyfunction]
pub fn register_cuda_backend(table: Option<Py<PyAny>>) {
    let backend =
        table.map(|table| Arc::new(PyDeviceBackend::new(table)) as Arc<dyn DeviceBackend>);
    ferrograd::__binding::register_cuda_backend(backend);
}

/// Installs `table` as the backend for the `meta` device (`None` removes it): its arrays hold a
/// shape and a dtype, and its kernels compute only those (`ferrograd._meta`).
#[catch_panics]
#[pyfunction]
pub fn register_meta_backend(table: Option<Py<PyAny>>) {
    let backend =
        table.map(|table| Arc::new(PyDeviceBackend::new(table)) as Arc<dyn DeviceBackend>);
    ferrograd::__binding::register_meta_backend(backend);
}

pub(crate) fn parse_device(device: &str) -> PyResult<Device> {
    Device::parse(device).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// `tensor` on `device` (differentiable: the gradient goes back to the tensor's device).
#[catch_panics]
#[pyfunction]
pub fn to_device(py: Python<'_>, tensor: PyRef<'_, PyTensor>, device: &str) -> PyResult<NewTensor> {
    let device = parse_device(device)?;
    let t = tensor.inner.clone();
    drop(tensor);
    // The backend takes the GIL back when it needs it; large copies run without it.
    py.allow_threads(|| t.to_device(device)).py().map(NewTensor)
}

/// A tensor around an array of the device backend (no copy), e.g. a CuPy array.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (array, device, requires_grad=false))]
pub fn from_device_array(
    array: &Bound<'_, PyAny>,
    device: &str,
    requires_grad: bool,
) -> PyResult<Py<PyAny>> {
    let device = parse_device(device)?;
    if device.is_cpu() {
        return Err(PyValueError::new_err(
            "from_device_array: use from_numpy for host arrays",
        ));
    }
    let tensor = ferrograd::Tensor::from_array(wrap_object(array.clone(), device).py()?);
    if requires_grad {
        tensor.set_requires_grad(true).py()?;
    }
    crate::tensor_objects::new_leaf(tensor)
}

/// The backend's array behind a device tensor, under the tensor's shape (no copy); `None` for
/// a host tensor.
#[catch_panics]
#[pyfunction]
pub fn device_array<'py>(
    py: Python<'py>,
    tensor: PyRef<'_, PyTensor>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let data = tensor.inner.data();
    if data.device().is_cpu() {
        return Ok(None);
    }
    payload(py, &data).py().map(Some)
}

/// Adds the device and exchange functions to `_core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(register_cuda_backend, m)?)?;
    m.add_function(wrap_pyfunction!(register_meta_backend, m)?)?;
    m.add_function(wrap_pyfunction!(to_device, m)?)?;
    m.add_function(wrap_pyfunction!(from_device_array, m)?)?;
    m.add_function(wrap_pyfunction!(device_array, m)?)?;
    m.add_function(wrap_pyfunction!(crate::exchange::numpy_view, m)?)?;
    Ok(())
}
