//! `_core.TensorImpl`: the engine's tensor as a Python object. The Python `Tensor` facade is a
//! subclass that adds the mixins; every method here is one call into the engine, named with a
//! leading underscore so that the facade's public methods of the same name do not hide it.

use ferrograd::op_table::{Binary, Unary};
use ferrograd::ops::IndexItem;
use ferrograd::{BackwardOptions, Tensor};
use ferrograd_py_macros::catch_panics;
use pyo3::exceptions::{PyIndexError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyEllipsis, PyInt, PyNone, PySlice, PyString, PyTuple};

use numpy::{PyUntypedArray, PyUntypedArrayMethods};

use crate::convert::{self, operand};
use crate::errors::IntoPyResult;
use crate::node::PyNode;
use crate::tensor_type::{view_of, NewTensor};

/// Elements above which an operation releases the GIL while it runs.
const RELEASE_GIL_ABOVE: usize = 1 << 15;

#[pyclass(name = "TensorImpl", module = "ferrograd._core", frozen, subclass)]
pub struct PyTensor {
    pub inner: Tensor,
    /// For a view returned by a view method: the Python object of its base (see
    /// `tensor_type::view_of`). Holding it keeps that object alive, as a PyTorch view does.
    pub(crate) base_object: Option<Py<PyAny>>,
}

impl PyTensor {
    pub fn new(inner: Tensor) -> Self {
        PyTensor {
            inner,
            base_object: None,
        }
    }

    pub(crate) fn with_base_object(inner: Tensor, base_object: Option<Py<PyAny>>) -> Self {
        PyTensor { inner, base_object }
    }
}

fn wrap(result: ferrograd::Result<Tensor>) -> PyResult<NewTensor> {
    result.py().map(NewTensor)
}

/// Runs `f` with the GIL released when the operands are large enough for that to pay off.
pub(crate) fn run<T: Send>(py: Python<'_>, size: usize, f: impl FnOnce() -> T + Send) -> T {
    run_releasing_above(py, size, RELEASE_GIL_ABOVE, f)
}

/// Runs `f`, with the GIL released when `size` elements are more than `threshold`.
pub(crate) fn run_releasing_above<T: Send>(
    py: Python<'_>,
    size: usize,
    threshold: usize,
    f: impl FnOnce() -> T + Send,
) -> T {
    if size > threshold {
        py.allow_threads(f)
    } else {
        f()
    }
}

/// [`run`] for an engine call that may fail: its error is raised as Python's.
pub(crate) fn try_run<T: Send>(
    py: Python<'_>,
    size: usize,
    f: impl FnOnce() -> ferrograd::Result<T> + Send,
) -> PyResult<T> {
    run(py, size, f).py()
}

/// A one-input operation by name: a row of the op table, or one without a gradient.
#[derive(Clone, Copy)]
enum UnaryFn {
    Table(Unary),
    Plain(fn(&Tensor) -> ferrograd::Result<Tensor>),
}

impl UnaryFn {
    fn call(self, t: &Tensor) -> ferrograd::Result<Tensor> {
        match self {
            UnaryFn::Table(f) => t.unary(f),
            UnaryFn::Plain(f) => f(t),
        }
    }
}

fn unary_fn(name: &str) -> PyResult<UnaryFn> {
    if let Some(f) = Unary::from_name(name) {
        return Ok(UnaryFn::Table(f));
    }
    Ok(UnaryFn::Plain(match name {
        "bitwise_not" => Tensor::bitwise_not,
        "logical_not" => Tensor::logical_not,
        _ => {
            return Err(PyValueError::new_err(format!(
                "unknown unary operation '{name}'"
            )))
        }
    }))
}

/// A two-input operation by name: a row of the op table, or one computed otherwise.
#[derive(Clone, Copy)]
enum BinaryFn {
    Table(Binary),
    Plain(fn(&Tensor, &Tensor) -> ferrograd::Result<Tensor>),
}

impl BinaryFn {
    fn call(self, a: &Tensor, b: &Tensor) -> ferrograd::Result<Tensor> {
        match self {
            BinaryFn::Table(f) => a.binary(f, b),
            BinaryFn::Plain(f) => f(a, b),
        }
    }
}

fn binary_fn(name: &str) -> PyResult<BinaryFn> {
    if let Some(f) = Binary::from_name(name) {
        return Ok(BinaryFn::Table(f));
    }
    Ok(BinaryFn::Plain(match name {
        "rsub" => Tensor::rsub,
        "pow" => Tensor::pow,
        "div_scalar" => |a, b| a.div_scalar(b.item()?),
        "floor_divide" => Tensor::floor_divide,
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
        _ => {
            return Err(PyValueError::new_err(format!(
                "unknown binary operation '{name}'"
            )))
        }
    }))
}

/// PyTorch refuses a negative Python integer as the exponent of an integer (or bool) tensor; a
/// negative exponent held in a tensor is computed instead (1 / a**-b truncated toward zero).
fn refuse_negative_integer_exponent(
    name: &str,
    base: &Tensor,
    exponent: &Bound<'_, PyAny>,
) -> PyResult<()> {
    if name == "pow"
        && !base.dtype().is_floating()
        && exponent.is_instance_of::<PyInt>()
        && exponent.extract::<i64>().is_ok_and(|e| e < 0)
    {
        return Err(PyRuntimeError::new_err(
            "Integers to negative integer powers are not allowed.",
        ));
    }
    Ok(())
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
        _ => {
            return Err(PyValueError::new_err(format!(
                "unknown in-place operation '{name}'"
            )))
        }
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
                let py = slice.py();
                // every `split`, `narrow` and `x[:, -k:]` comes here: interned names, and a
                // plain int read without the `__index__` protocol
                let field = |name: &Bound<'_, PyString>| -> PyResult<Option<i64>> {
                    let v = slice.getattr(name)?;
                    if v.is_none() {
                        Ok(None)
                    } else if v.is_exact_instance_of::<PyInt>() {
                        v.extract().map(Some)
                    } else if !v.hasattr(intern!(py, "__index__"))? {
                        // Python's own wording and class (a float bound is no index).
                        Err(PyTypeError::new_err(
                            "slice indices must be integers or None or have an __index__ method",
                        ))
                    } else {
                        v.call_method0(intern!(py, "__index__"))?.extract().map(Some)
                    }
                };
                Ok(IndexItem::Slice {
                    start: field(intern!(py, "start"))?,
                    stop: field(intern!(py, "stop"))?,
                    step: field(intern!(py, "step"))?.unwrap_or(1),
                })
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

#[catch_panics]
#[pymethods]
impl PyTensor {
    /// `TensorImpl(source)`: another Python object (of the class called) for `source`'s engine
    /// tensor; the constructors of `Tensor` and `Parameter` build on it.
    #[new]
    fn from_source(source: PyRef<'_, PyTensor>) -> PyTensor {
        PyTensor::new(source.inner.clone())
    }

    #[getter(_shape)]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.shape().iter())
    }

    #[getter(_dtype)]
    fn dtype(&self) -> &'static str {
        self.inner.dtype().name()
    }

    #[getter(_device)]
    fn device(&self) -> String {
        self.inner.device().to_string()
    }

    #[getter(_ndim)]
    fn ndim(&self) -> usize {
        self.inner.ndim()
    }

    #[pyo3(name = "_numel")]
    fn numel(&self) -> usize {
        self.inner.numel()
    }

    #[getter(_requires_grad)]
    fn requires_grad(&self) -> bool {
        self.inner.requires_grad()
    }

    #[setter(_requires_grad)]
    fn set_requires_grad(slf: &Bound<'_, Self>, value: bool) -> PyResult<()> {
        let inner = &slf.get().inner;
        inner.set_requires_grad(value).py()?;
        if value && inner.is_leaf() {
            crate::tensor_objects::remember(slf);
        }
        Ok(())
    }

    #[getter(_is_leaf)]
    fn is_leaf(&self) -> bool {
        self.inner.is_leaf()
    }

    /// The same Python object as long as the stored gradient is the same engine tensor (an
    /// in-place accumulation keeps it), as in PyTorch.
    #[getter(_grad)]
    fn grad<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .grad()
            .map(|grad| crate::tensor_objects::object_for(py, grad))
            .transpose()
    }

    #[setter(_grad)]
    fn set_grad(&self, grad: Option<&Bound<'_, PyTensor>>) -> PyResult<()> {
        self.inner
            .set_grad(grad.map(|g| g.get().inner.clone()))
            .py()?;
        if let Some(grad) = grad {
            // `w.grad = g` then `w.grad is g`
            crate::tensor_objects::remember(grad);
        }
        Ok(())
    }

    #[getter(_grad_fn)]
    fn grad_fn(&self) -> Option<PyNode> {
        self.inner.grad_fn().map(PyNode::new)
    }

    #[getter(_version_counter)]
    fn version(&self) -> u32 {
        self.inner.version()
    }

    #[getter(_output_nr)]
    fn output_nr(&self) -> u32 {
        self.inner.output_nr()
    }

    #[getter(_retains_grad)]
    fn retains_grad(&self) -> bool {
        self.inner.retains_grad()
    }

    #[pyo3(name = "_retain_grad")]
    fn retain_grad(&self) -> PyResult<()> {
        self.inner.retain_grad().py()
    }

    /// Same tensor (not just equal values).
    #[pyo3(name = "_same")]
    fn same(&self, other: PyRef<'_, PyTensor>) -> bool {
        self.inner.same(&other.inner)
    }

    #[pyo3(name = "_shares_data")]
    fn shares_data(&self, other: PyRef<'_, PyTensor>) -> bool {
        self.inner.shares_data(&other.inner)
    }

    #[pyo3(name = "_detach")]
    fn detach(&self) -> NewTensor {
        NewTensor(self.inner.detach())
    }

    #[pyo3(name = "_detach_")]
    fn detach_(&self) {
        self.inner.detach_();
    }

    #[pyo3(name = "_set_data")]
    fn set_data(&self, other: PyRef<'_, PyTensor>) {
        self.inner.set_data(&other.inner);
    }

    /// Moves this tensor's storage (shared with its base and views) into `memory`, a writeable
    /// C-contiguous NumPy array of exactly the storage's bytes, which the storage then keeps
    /// alive (shared memory, for `share_memory_`); false when it was moved already.
    #[pyo3(name = "_move_storage")]
    fn move_storage(&self, memory: &Bound<'_, PyUntypedArray>) -> PyResult<bool> {
        let writeable: bool = memory.getattr("flags")?.getattr("writeable")?.extract()?;
        if !writeable || !memory.is_c_contiguous() {
            return Err(PyValueError::new_err(
                "share_memory_: the new memory must be a writeable C-contiguous array",
            ));
        }
        let bytes: usize = memory.getattr("nbytes")?.extract()?;
        // SAFETY: a live NumPy array's struct pointer; `data` is its first element.
        let ptr = unsafe { (*memory.as_array_ptr()).data } as *mut u8;
        let owner = Box::new(memory.clone().unbind());
        // SAFETY: the array is writeable and C-contiguous, so `bytes` bytes from `ptr` are its
        // elements, valid while the array (the owner) lives.
        unsafe { self.inner.move_storage_to(ptr, bytes, owner) }.py()
    }

    #[pyo3(name = "_numpy")]
    fn numpy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::array_to_numpy(py, &self.inner.data())
    }

    #[pyo3(name = "_item")]
    fn item(&self, py: Python<'_>) -> PyResult<PyObject> {
        let value = self.inner.item().py()?;
        Ok(match self.inner.dtype() {
            ferrograd::DType::Bool => (value != 0.0)
                .into_pyobject(py)?
                .to_owned()
                .into_any()
                .unbind(),
            d if d.is_floating() => value.into_pyobject(py)?.into_any().unbind(),
            _ => (self.inner.to_vec_i64().py()?[0])
                .into_pyobject(py)?
                .into_any()
                .unbind(),
        })
    }

    #[pyo3(name = "_unary")]
    fn unary(&self, py: Python<'_>, name: &str) -> PyResult<NewTensor> {
        let (t, f) = (&self.inner, unary_fn(name)?);
        wrap(run(py, t.numel(), || f.call(t)))
    }

    #[pyo3(name = "_binary")]
    fn binary(&self, py: Python<'_>, name: &str, other: &Bound<'_, PyAny>) -> PyResult<NewTensor> {
        refuse_negative_integer_exponent(name, &self.inner, other)?;
        let (a, b, f) = (&self.inner, operand(&self.inner, other)?, binary_fn(name)?);
        wrap(run(py, a.numel().max(b.numel()), || f.call(a, &b)))
    }

    /// `other <op> self`, for the reflected operators (`2 - x`, `2 ** x`).
    #[pyo3(name = "_rbinary")]
    fn rbinary(&self, py: Python<'_>, name: &str, other: &Bound<'_, PyAny>) -> PyResult<NewTensor> {
        let (a, b, f) = (operand(&self.inner, other)?, &self.inner, binary_fn(name)?);
        wrap(run(py, b.numel(), || f.call(&a, b)))
    }

    #[pyo3(name = "_matmul")]
    fn matmul(&self, py: Python<'_>, other: PyRef<'_, PyTensor>) -> PyResult<NewTensor> {
        let (a, b) = (&self.inner, &other.inner);
        wrap(run(py, a.numel().max(b.numel()), || a.matmul(b)))
    }

    #[pyo3(name = "_inplace")]
    fn inplace(&self, py: Python<'_>, name: &str, other: &Bound<'_, PyAny>) -> PyResult<()> {
        refuse_negative_integer_exponent(name, &self.inner, other)?;
        let (a, b, f) = (&self.inner, operand(&self.inner, other)?, inplace_fn(name)?);
        run(py, a.numel(), || f(a, &b)).py()
    }

    /// `self.<name>_()`: the unary operation applied in place.
    #[pyo3(name = "_inplace_unary")]
    fn inplace_unary(&self, name: &str) -> PyResult<()> {
        let f = unary_fn(name)?;
        self.inner.apply_inplace(|t| f.call(t)).py()
    }

    #[pyo3(name = "_inplace_clamp", signature = (min=None, max=None))]
    fn inplace_clamp(&self, min: Option<f64>, max: Option<f64>) -> PyResult<()> {
        self.inner
            .apply_inplace(|snapshot| snapshot.clamp(min, max))
            .py()
    }

    /// `self += alpha * other` in place (one pass when nothing is recorded).
    #[pyo3(name = "_add_scaled_")]
    fn add_scaled_(&self, py: Python<'_>, other: &Bound<'_, PyAny>, alpha: f64) -> PyResult<()> {
        let (a, b) = (&self.inner, operand(&self.inner, other)?);
        run(py, a.numel(), || a.add_scaled_(&b, alpha)).py()
    }

    #[pyo3(name = "_fill_")]
    fn fill_(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        match convert::exact_integer(value) {
            Some(v) => self.inner.fill_int_(v),
            None => self.inner.fill_(value.extract()?),
        }
        .py()
    }

    #[pyo3(name = "_clamp", signature = (min=None, max=None))]
    fn clamp(&self, min: Option<f64>, max: Option<f64>) -> PyResult<NewTensor> {
        wrap(self.inner.clamp(min, max))
    }

    #[pyo3(name = "_where_")]
    fn where_(
        &self,
        condition: PyRef<'_, PyTensor>,
        other: &Bound<'_, PyAny>,
    ) -> PyResult<NewTensor> {
        wrap(
            self.inner
                .where_(&condition.inner, &*operand(&self.inner, other)?),
        )
    }

    #[pyo3(name = "_reshape")]
    fn reshape<'py>(slf: &Bound<'py, Self>, shape: Vec<isize>) -> PyResult<Bound<'py, PyAny>> {
        view_of(slf, slf.get().inner.reshape(&shape))
    }

    #[pyo3(name = "_flatten")]
    fn flatten<'py>(
        slf: &Bound<'py, Self>,
        start_dim: isize,
        end_dim: isize,
    ) -> PyResult<Bound<'py, PyAny>> {
        view_of(slf, slf.get().inner.flatten(start_dim, end_dim))
    }

    #[pyo3(name = "_unsqueeze")]
    fn unsqueeze<'py>(slf: &Bound<'py, Self>, dim: isize) -> PyResult<Bound<'py, PyAny>> {
        view_of(slf, slf.get().inner.unsqueeze(dim))
    }

    #[pyo3(name = "_squeeze", signature = (dim=None))]
    fn squeeze<'py>(slf: &Bound<'py, Self>, dim: Option<isize>) -> PyResult<Bound<'py, PyAny>> {
        view_of(slf, slf.get().inner.squeeze(dim))
    }

    #[pyo3(name = "_transpose")]
    fn transpose<'py>(
        slf: &Bound<'py, Self>,
        dim0: isize,
        dim1: isize,
    ) -> PyResult<Bound<'py, PyAny>> {
        view_of(slf, slf.get().inner.transpose(dim0, dim1))
    }

    #[pyo3(name = "_permute")]
    fn permute<'py>(slf: &Bound<'py, Self>, dims: Vec<isize>) -> PyResult<Bound<'py, PyAny>> {
        view_of(slf, slf.get().inner.permute(&dims))
    }

    #[pyo3(name = "_t_all")]
    fn t_all<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        view_of(slf, slf.get().inner.t_all())
    }

    #[pyo3(name = "_expand")]
    fn expand<'py>(slf: &Bound<'py, Self>, shape: Vec<isize>) -> PyResult<Bound<'py, PyAny>> {
        view_of(slf, slf.get().inner.expand(&shape))
    }

    #[pyo3(name = "_to_dtype")]
    fn to_dtype(&self, dtype: &str) -> PyResult<NewTensor> {
        wrap(self.inner.to_dtype(convert::dtype_from_name(dtype)?))
    }

    #[pyo3(name = "_clone_tensor")]
    fn clone_tensor(&self) -> PyResult<NewTensor> {
        wrap(self.inner.clone_tensor())
    }

    #[pyo3(name = "_sum", signature = (dims=None, keepdim=false))]
    fn sum(&self, py: Python<'_>, dims: Option<Vec<isize>>, keepdim: bool) -> PyResult<NewTensor> {
        let t = &self.inner;
        wrap(run(py, t.numel(), || match &dims {
            None => t.sum(),
            Some(d) => t.sum_dims(d, keepdim),
        }))
    }

    #[pyo3(name = "_nansum", signature = (dims=None, keepdim=false))]
    fn nansum(
        &self,
        py: Python<'_>,
        dims: Option<Vec<isize>>,
        keepdim: bool,
    ) -> PyResult<NewTensor> {
        let t = &self.inner;
        wrap(run(py, t.numel(), || match &dims {
            None => t.nansum(),
            Some(d) => t.nansum_dims(d, keepdim),
        }))
    }

    #[pyo3(name = "_mean", signature = (dims=None, keepdim=false))]
    fn mean(&self, py: Python<'_>, dims: Option<Vec<isize>>, keepdim: bool) -> PyResult<NewTensor> {
        let t = &self.inner;
        wrap(run(py, t.numel(), || match &dims {
            None => t.mean(),
            Some(d) => t.mean_dims(d, keepdim),
        }))
    }

    #[pyo3(name = "_max_all")]
    fn max_all(&self) -> PyResult<NewTensor> {
        wrap(self.inner.max())
    }

    #[pyo3(name = "_min_all")]
    fn min_all(&self) -> PyResult<NewTensor> {
        wrap(self.inner.min())
    }

    #[pyo3(name = "_max_dim")]
    fn max_dim(&self, dim: isize, keepdim: bool) -> PyResult<(NewTensor, NewTensor)> {
        let (v, i) = self.inner.max_dim(dim, keepdim).py()?;
        Ok((NewTensor(v), NewTensor(i)))
    }

    #[pyo3(name = "_min_dim")]
    fn min_dim(&self, dim: isize, keepdim: bool) -> PyResult<(NewTensor, NewTensor)> {
        let (v, i) = self.inner.min_dim(dim, keepdim).py()?;
        Ok((NewTensor(v), NewTensor(i)))
    }

    #[pyo3(name = "_argmax", signature = (dim=None, keepdim=false))]
    fn argmax(&self, dim: Option<isize>, keepdim: bool) -> PyResult<NewTensor> {
        wrap(self.inner.argmax(dim, keepdim))
    }

    #[pyo3(name = "_argmin", signature = (dim=None, keepdim=false))]
    fn argmin(&self, dim: Option<isize>, keepdim: bool) -> PyResult<NewTensor> {
        wrap(self.inner.argmin(dim, keepdim))
    }

    #[pyo3(name = "_getitem")]
    fn getitem<'py>(
        slf: &Bound<'py, Self>,
        index: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        view_of(slf, slf.get().inner.index(&index_items(index)?))
    }

    #[pyo3(name = "_setitem")]
    fn setitem(&self, index: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let value = operand(&self.inner, value)?;
        self.inner.index_put(&index_items(index)?, &value).py()
    }

    #[pyo3(name = "_backward", signature = (gradient=None, retain_graph=false, create_graph=false, inputs=None))]
    fn backward(
        &self,
        py: Python<'_>,
        gradient: Option<PyRef<'_, PyTensor>>,
        retain_graph: bool,
        create_graph: bool,
        inputs: Option<Vec<PyRef<'_, PyTensor>>>,
    ) -> PyResult<()> {
        let gradient = gradient.map(|g| g.inner.clone());
        let inputs: Vec<Tensor> = inputs
            .unwrap_or_default()
            .iter()
            .map(|t| t.inner.clone())
            .collect();
        let options = BackwardOptions {
            retain_graph,
            create_graph,
        };
        let outputs = [self.inner.clone()];
        crate::final_callbacks::run_pass(py, || {
            py.allow_threads(|| {
                ferrograd::autograd::backward(&outputs, &[gradient], &inputs, options)
            })
            .py()
        })
    }
}

impl PyTensor {
    pub fn from_any(obj: &Bound<'_, PyAny>) -> PyResult<Tensor> {
        crate::tensor_type::as_tensor(obj)
            .map(|t| t.get().inner.clone())
            .ok_or_else(|| {
                PyTypeError::new_err(format!("expected a Tensor, got {}", obj.get_type()))
            })
    }
}
