//! `_core.TensorImpl`: the engine's tensor as a Python object. The Python `Tensor` facade holds
//! one and adds the operator protocol; every method here is one call into the engine.

use ferrograd::ops::IndexItem;
use ferrograd::{BackwardOptions, Tensor};
use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyEllipsis, PyInt, PyNone, PySlice, PyTuple};

use crate::convert::{self, operand};
use crate::errors::IntoPyResult;
use crate::node::PyNode;

/// Elements above which an operation releases the GIL while it runs.
const RELEASE_GIL_ABOVE: usize = 1 << 15;

#[pyclass(name = "TensorImpl", module = "ferrograd._core", frozen)]
pub struct PyTensor {
    pub inner: Tensor,
}

impl PyTensor {
    pub fn new(inner: Tensor) -> Self {
        PyTensor { inner }
    }
}

fn wrap(result: ferrograd::Result<Tensor>) -> PyResult<PyTensor> {
    result.py().map(PyTensor::new)
}

/// Runs `f` with the GIL released when the operands are large enough for that to pay off.
fn run<T: Send>(py: Python<'_>, size: usize, f: impl FnOnce() -> T + Send) -> T {
    if size > RELEASE_GIL_ABOVE {
        py.allow_threads(f)
    } else {
        f()
    }
}

type UnaryFn = fn(&Tensor) -> ferrograd::Result<Tensor>;

fn unary_fn(name: &str) -> PyResult<UnaryFn> {
    Ok(match name {
        "neg" => Tensor::neg,
        "abs" => Tensor::abs,
        "exp" => Tensor::exp,
        "log" => Tensor::log,
        "sqrt" => Tensor::sqrt,
        "rsqrt" => Tensor::rsqrt,
        "sin" => Tensor::sin,
        "cos" => Tensor::cos,
        "tan" => Tensor::tan,
        "tanh" => Tensor::tanh,
        "sigmoid" => Tensor::sigmoid,
        "relu" => Tensor::relu,
        "log1p" => Tensor::log1p,
        "expm1" => Tensor::expm1,
        "erf" => Tensor::erf,
        "reciprocal" => Tensor::reciprocal,
        "sign" => Tensor::sign,
        "floor" => Tensor::floor,
        "ceil" => Tensor::ceil,
        "round" => Tensor::round,
        "trunc" => Tensor::trunc,
        "bitwise_not" => Tensor::bitwise_not,
        "logical_not" => Tensor::logical_not,
        _ => return Err(PyValueError::new_err(format!("unknown unary operation '{name}'"))),
    })
}

type BinaryFn = fn(&Tensor, &Tensor) -> ferrograd::Result<Tensor>;

fn binary_fn(name: &str) -> PyResult<BinaryFn> {
    Ok(match name {
        "add" => Tensor::add,
        "sub" => Tensor::sub,
        "rsub" => Tensor::rsub,
        "mul" => Tensor::mul,
        "div" => Tensor::div,
        "pow" => Tensor::pow,
        "remainder" => Tensor::remainder,
        "floor_divide" => Tensor::floor_divide,
        "atan2" => Tensor::atan2,
        "maximum" => Tensor::maximum,
        "minimum" => Tensor::minimum,
        "matmul" => Tensor::matmul,
        "eq" => Tensor::eq,
        "ne" => Tensor::ne,
        "lt" => Tensor::lt,
        "le" => Tensor::le,
        "gt" => Tensor::gt,
        "ge" => Tensor::ge,
        "bitwise_and" => Tensor::bitwise_and,
        "bitwise_or" => Tensor::bitwise_or,
        "bitwise_xor" => Tensor::bitwise_xor,
        "logical_and" => Tensor::logical_and,
        "logical_or" => Tensor::logical_or,
        "logical_xor" => Tensor::logical_xor,
        _ => return Err(PyValueError::new_err(format!("unknown binary operation '{name}'"))),
    })
}

type InplaceFn = fn(&Tensor, &Tensor) -> ferrograd::Result<()>;

fn inplace_fn(name: &str) -> PyResult<InplaceFn> {
    Ok(match name {
        "add" => Tensor::add_,
        "sub" => Tensor::sub_,
        "mul" => Tensor::mul_,
        "div" => Tensor::div_,
        "pow" => Tensor::pow_,
        "remainder" => Tensor::remainder_,
        "floor_divide" => Tensor::floor_divide_,
        "bitwise_and" => Tensor::bitwise_and_,
        "bitwise_or" => Tensor::bitwise_or_,
        "bitwise_xor" => Tensor::bitwise_xor_,
        "copy" => Tensor::copy_,
        _ => return Err(PyValueError::new_err(format!("unknown in-place operation '{name}'"))),
    })
}

fn index_items(index: &Bound<'_, PyAny>) -> PyResult<Vec<IndexItem>> {
    let items: Vec<Bound<'_, PyAny>> = match index.downcast::<PyTuple>() {
        Ok(tuple) => tuple.iter().collect(),
        Err(_) => vec![index.clone()],
    };
    items
        .iter()
        .map(|item| {
            if item.is_instance_of::<PyInt>() {
                Ok(IndexItem::Int(item.extract()?))
            } else if let Ok(slice) = item.downcast::<PySlice>() {
                let field = |name: &str| -> PyResult<Option<i64>> {
                    let v = slice.getattr(name)?;
                    if v.is_none() {
                        Ok(None)
                    } else {
                        v.call_method0("__index__")?.extract().map(Some)
                    }
                };
                Ok(IndexItem::Slice { start: field("start")?, stop: field("stop")?, step: field("step")?.unwrap_or(1) })
            } else if item.is_instance_of::<PyNone>() {
                Ok(IndexItem::NewAxis)
            } else if item.is_instance_of::<PyEllipsis>() {
                Ok(IndexItem::Ellipsis)
            } else if let Ok(i) = item.call_method0("__index__") {
                Ok(IndexItem::Int(i.extract()?))
            } else {
                Err(PyIndexError::new_err(format!(
                    "only integers, slices (`:`), ellipsis (`...`), None and integer or boolean tensors are valid indices (got {})",
                    item.get_type().name()?
                )))
            }
        })
        .collect()
}

#[pymethods]
impl PyTensor {
    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.shape().iter())
    }

    #[getter]
    fn dtype(&self) -> &'static str {
        self.inner.dtype().name()
    }

    #[getter]
    fn device(&self) -> String {
        self.inner.device().to_string()
    }

    #[getter]
    fn ndim(&self) -> usize {
        self.inner.ndim()
    }

    fn numel(&self) -> usize {
        self.inner.numel()
    }

    #[getter]
    fn requires_grad(&self) -> bool {
        self.inner.requires_grad()
    }

    #[setter]
    fn set_requires_grad(&self, value: bool) -> PyResult<()> {
        self.inner.set_requires_grad(value).py().map(|_| ())
    }

    #[getter]
    fn is_leaf(&self) -> bool {
        self.inner.is_leaf()
    }

    #[getter]
    fn grad(&self) -> Option<PyTensor> {
        self.inner.grad().map(PyTensor::new)
    }

    #[setter]
    fn set_grad(&self, grad: Option<PyRef<'_, PyTensor>>) -> PyResult<()> {
        self.inner.set_grad(grad.map(|g| g.inner.clone())).py()
    }

    #[getter]
    fn grad_fn(&self) -> Option<PyNode> {
        self.inner.grad_fn().map(PyNode::new)
    }

    #[getter]
    fn version(&self) -> u32 {
        self.inner.version()
    }

    #[getter]
    fn output_nr(&self) -> u32 {
        self.inner.output_nr()
    }

    #[getter]
    fn retains_grad(&self) -> bool {
        self.inner.retains_grad()
    }

    fn retain_grad(&self) -> PyResult<()> {
        self.inner.retain_grad().py()
    }

    /// Same tensor (not just equal values).
    fn same(&self, other: PyRef<'_, PyTensor>) -> bool {
        self.inner.same(&other.inner)
    }

    fn shares_data(&self, other: PyRef<'_, PyTensor>) -> bool {
        self.inner.shares_data(&other.inner)
    }

    fn detach(&self) -> PyTensor {
        PyTensor::new(self.inner.detach())
    }

    fn detach_(&self) {
        self.inner.detach_();
    }

    fn set_data(&self, other: PyRef<'_, PyTensor>) {
        self.inner.set_data(&other.inner);
    }

    fn numpy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::array_to_numpy(py, &self.inner.data())
    }

    fn item(&self, py: Python<'_>) -> PyResult<PyObject> {
        let value = self.inner.item().py()?;
        Ok(match self.inner.dtype() {
            ferrograd::DType::Bool => (value != 0.0).into_pyobject(py)?.to_owned().into_any().unbind(),
            d if d.is_floating() => value.into_pyobject(py)?.into_any().unbind(),
            _ => (self.inner.to_vec_i64().py()?[0]).into_pyobject(py)?.into_any().unbind(),
        })
    }

    fn unary(&self, py: Python<'_>, name: &str) -> PyResult<PyTensor> {
        let (t, f) = (&self.inner, unary_fn(name)?);
        wrap(run(py, t.numel(), || f(t)))
    }

    fn binary(&self, py: Python<'_>, name: &str, other: &Bound<'_, PyAny>) -> PyResult<PyTensor> {
        let (a, b, f) = (&self.inner, operand(&self.inner, other)?, binary_fn(name)?);
        wrap(run(py, a.numel().max(b.numel()), || f(a, &b)))
    }

    /// `other <op> self`, for the reflected operators (`2 - x`, `2 ** x`).
    fn rbinary(&self, py: Python<'_>, name: &str, other: &Bound<'_, PyAny>) -> PyResult<PyTensor> {
        let (a, b, f) = (operand(&self.inner, other)?, &self.inner, binary_fn(name)?);
        wrap(run(py, b.numel(), || f(&a, b)))
    }

    fn add(&self, other: &Bound<'_, PyAny>) -> PyResult<PyTensor> {
        wrap(self.inner.add(&operand(&self.inner, other)?))
    }

    fn mul(&self, other: &Bound<'_, PyAny>) -> PyResult<PyTensor> {
        wrap(self.inner.mul(&operand(&self.inner, other)?))
    }

    fn sub(&self, other: &Bound<'_, PyAny>) -> PyResult<PyTensor> {
        wrap(self.inner.sub(&operand(&self.inner, other)?))
    }

    fn matmul(&self, py: Python<'_>, other: PyRef<'_, PyTensor>) -> PyResult<PyTensor> {
        let (a, b) = (&self.inner, &other.inner);
        wrap(run(py, a.numel().max(b.numel()), || a.matmul(b)))
    }

    fn inplace(&self, py: Python<'_>, name: &str, other: &Bound<'_, PyAny>) -> PyResult<()> {
        let (a, b, f) = (&self.inner, operand(&self.inner, other)?, inplace_fn(name)?);
        run(py, a.numel(), || f(a, &b)).py()
    }

    /// `self.<name>_()`: the unary operation applied in place.
    fn inplace_unary(&self, name: &str) -> PyResult<()> {
        let f = unary_fn(name)?;
        self.inner.apply_inplace(f).py()
    }

    #[pyo3(signature = (min=None, max=None))]
    fn inplace_clamp(&self, min: Option<f64>, max: Option<f64>) -> PyResult<()> {
        self.inner.apply_inplace(|snapshot| snapshot.clamp(min, max)).py()
    }

    /// `self += alpha * other` in place (one pass when nothing is recorded).
    fn add_scaled_(&self, py: Python<'_>, other: &Bound<'_, PyAny>, alpha: f64) -> PyResult<()> {
        let (a, b) = (&self.inner, operand(&self.inner, other)?);
        run(py, a.numel(), || a.add_scaled_(&b, alpha)).py()
    }

    fn fill_(&self, value: f64) -> PyResult<()> {
        self.inner.fill_(value).py()
    }

    #[pyo3(signature = (min=None, max=None))]
    fn clamp(&self, min: Option<f64>, max: Option<f64>) -> PyResult<PyTensor> {
        wrap(self.inner.clamp(min, max))
    }

    fn where_(&self, condition: PyRef<'_, PyTensor>, other: &Bound<'_, PyAny>) -> PyResult<PyTensor> {
        wrap(self.inner.where_(&condition.inner, &operand(&self.inner, other)?))
    }

    fn reshape(&self, shape: Vec<isize>) -> PyResult<PyTensor> {
        wrap(self.inner.reshape(&shape))
    }

    fn flatten(&self, start_dim: isize, end_dim: isize) -> PyResult<PyTensor> {
        wrap(self.inner.flatten(start_dim, end_dim))
    }

    fn unsqueeze(&self, dim: isize) -> PyResult<PyTensor> {
        wrap(self.inner.unsqueeze(dim))
    }

    #[pyo3(signature = (dim=None))]
    fn squeeze(&self, dim: Option<isize>) -> PyResult<PyTensor> {
        wrap(self.inner.squeeze(dim))
    }

    fn transpose(&self, dim0: isize, dim1: isize) -> PyResult<PyTensor> {
        wrap(self.inner.transpose(dim0, dim1))
    }

    fn permute(&self, dims: Vec<isize>) -> PyResult<PyTensor> {
        wrap(self.inner.permute(&dims))
    }

    fn t_all(&self) -> PyResult<PyTensor> {
        wrap(self.inner.t_all())
    }

    fn expand(&self, shape: Vec<isize>) -> PyResult<PyTensor> {
        wrap(self.inner.expand(&shape))
    }

    fn to_dtype(&self, dtype: &str) -> PyResult<PyTensor> {
        wrap(self.inner.to_dtype(convert::dtype_from_name(dtype)?))
    }

    fn clone_tensor(&self) -> PyResult<PyTensor> {
        wrap(self.inner.clone_tensor())
    }

    #[pyo3(signature = (dims=None, keepdim=false))]
    fn sum(&self, py: Python<'_>, dims: Option<Vec<isize>>, keepdim: bool) -> PyResult<PyTensor> {
        let t = &self.inner;
        wrap(run(py, t.numel(), || match &dims {
            None => t.sum(),
            Some(d) => t.sum_dims(d, keepdim),
        }))
    }

    #[pyo3(signature = (dims=None, keepdim=false))]
    fn mean(&self, py: Python<'_>, dims: Option<Vec<isize>>, keepdim: bool) -> PyResult<PyTensor> {
        let t = &self.inner;
        wrap(run(py, t.numel(), || match &dims {
            None => t.mean(),
            Some(d) => t.mean_dims(d, keepdim),
        }))
    }

    fn max_all(&self) -> PyResult<PyTensor> {
        wrap(self.inner.max())
    }

    fn min_all(&self) -> PyResult<PyTensor> {
        wrap(self.inner.min())
    }

    fn max_dim(&self, dim: isize, keepdim: bool) -> PyResult<(PyTensor, PyTensor)> {
        let (v, i) = self.inner.max_dim(dim, keepdim).py()?;
        Ok((PyTensor::new(v), PyTensor::new(i)))
    }

    fn min_dim(&self, dim: isize, keepdim: bool) -> PyResult<(PyTensor, PyTensor)> {
        let (v, i) = self.inner.min_dim(dim, keepdim).py()?;
        Ok((PyTensor::new(v), PyTensor::new(i)))
    }

    #[pyo3(signature = (dim=None, keepdim=false))]
    fn argmax(&self, dim: Option<isize>, keepdim: bool) -> PyResult<PyTensor> {
        wrap(self.inner.argmax(dim, keepdim))
    }

    #[pyo3(signature = (dim=None, keepdim=false))]
    fn argmin(&self, dim: Option<isize>, keepdim: bool) -> PyResult<PyTensor> {
        wrap(self.inner.argmin(dim, keepdim))
    }

    fn getitem(&self, index: &Bound<'_, PyAny>) -> PyResult<PyTensor> {
        wrap(self.inner.index(&index_items(index)?))
    }

    fn setitem(&self, index: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let value = operand(&self.inner, value)?;
        self.inner.index_put(&index_items(index)?, &value).py()
    }

    #[pyo3(signature = (gradient=None, retain_graph=false, create_graph=false, inputs=None))]
    fn backward(
        &self,
        py: Python<'_>,
        gradient: Option<PyRef<'_, PyTensor>>,
        retain_graph: bool,
        create_graph: bool,
        inputs: Option<Vec<PyRef<'_, PyTensor>>>,
    ) -> PyResult<()> {
        let gradient = gradient.map(|g| g.inner.clone());
        let inputs: Vec<Tensor> = inputs.unwrap_or_default().iter().map(|t| t.inner.clone()).collect();
        let options = BackwardOptions { retain_graph, create_graph };
        let outputs = [self.inner.clone()];
        py.allow_threads(|| ferrograd::autograd::backward(&outputs, &[gradient], &inputs, options)).py()
    }
}

impl PyTensor {
    pub fn from_any(obj: &Bound<'_, PyAny>) -> PyResult<Tensor> {
        obj.downcast::<PyTensor>()
            .map(|t| t.get().inner.clone())
            .map_err(|_| PyTypeError::new_err(format!("expected a Tensor, got {}", obj.get_type())))
    }
}
