//! The hot arithmetic operators (`+ - * / @`, unary `-`) as native methods of `TensorImpl`.
//! `ferrograd.Tensor`'s arithmetic mixin re-exports them, so CPython calls them straight
//! from the number slots: `a + b` is one call into the engine, with no Python frame.
//!
//! An operand of a type tensors do not combine with gives `NotImplemented`, so Python can
//! try the other operand's reflected method.

use ferrograd::Tensor;
use ferrograd_py_macros::catch_panics;
use pyo3::prelude::*;

use crate::convert::operand_or_none;
use crate::errors::IntoPyResult;
use crate::tensor::{run, PyTensor};
use crate::tensor_type::NewTensor;

type Binary = fn(&Tensor, &Tensor) -> ferrograd::Result<Tensor>;

impl PyTensor {
    /// `self <op> other`, or `other <op> self` when `reflected`.
    fn operator(
        &self,
        other: &Bound<'_, PyAny>,
        op: Binary,
        reflected: bool,
    ) -> PyResult<PyObject> {
        let py = other.py();
        let Some(other) = operand_or_none(&self.inner, other)? else {
            return Ok(py.NotImplemented());
        };
        let other: &Tensor = &other;
        let (a, b) = if reflected {
            (other, &self.inner)
        } else {
            (&self.inner, other)
        };
        let result = run(py, a.numel().max(b.numel()), || op(a, b)).py()?;
        Ok(NewTensor(result).into_pyobject(py)?.unbind())
    }
}

#[catch_panics]
#[pymethods]
impl PyTensor {
    fn __add__(&self, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        self.operator(other, Tensor::add, false)
    }

    fn __radd__(&self, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        self.operator(other, Tensor::add, true)
    }

    fn __sub__(&self, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        self.operator(other, Tensor::sub, false)
    }

    /// `other - self`, recorded as PyTorch records it (`RsubBackward1`).
    fn __rsub__(&self, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        self.operator(other, Tensor::rsub, false)
    }

    fn __mul__(&self, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        self.operator(other, Tensor::mul, false)
    }

    fn __rmul__(&self, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        self.operator(other, Tensor::mul, true)
    }

    fn __truediv__(&self, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        self.operator(other, Tensor::div, false)
    }

    fn __rtruediv__(&self, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        self.operator(other, Tensor::div, true)
    }

    fn __matmul__(&self, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        match other.downcast::<PyTensor>() {
            Ok(_) => self.operator(other, Tensor::matmul, false),
            Err(_) => Ok(other.py().NotImplemented()),
        }
    }

    fn __rmatmul__(&self, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        match other.downcast::<PyTensor>() {
            Ok(_) => self.operator(other, Tensor::matmul, true),
            Err(_) => Ok(other.py().NotImplemented()),
        }
    }

    fn __neg__(&self) -> PyResult<NewTensor> {
        self.inner.neg().py().map(NewTensor)
    }
}
