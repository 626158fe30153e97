//! The hot arithmetic operators (`+ - * / @`, unary `-`) as native methods of `TensorImpl`.
//! `ferrograd.Tensor`'s arithmetic mixin re-exports them, so CPython calls them straight
//! from the number slots: `a + b` is one call into the engine, with no Python frame.
//!
//! An operand of a type tensors do not combine with gives `NotImplemented`, so Python can
//! try the other operand's reflected method. A Python `complex` is the exception: neither the
//! engine (whose tensors are real) nor `complex` itself can combine it with a real tensor, so it
//! goes to the complex layer (`ferrograd._complex`), which makes the tensor complex first, as
//! PyTorch promotes `x * 1j`.

use ferrograd::Tensor;
use ferrograd_py_macros::catch_panics;
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::PyComplex;

use crate::convert::operand_or_none;
use crate::errors::IntoPyResult;
use crate::tensor::{run, PyTensor};
use crate::tensor_type::NewTensor;

type Binary = fn(&Tensor, &Tensor) -> ferrograd::Result<Tensor>;

/// An operator: the engine's function, and the name the complex layer knows it by (`"sub"`
/// with `reflected` for `other - self`).
struct Operator {
    op: Binary,
    name: &'static str,
}

const ADD: Operator = Operator {
    op: Tensor::add,
    name: "add",
};
const SUB: Operator = Operator {
    op: Tensor::sub,
    name: "sub",
};
const MUL: Operator = Operator {
    op: Tensor::mul,
    name: "mul",
};
const DIV: Operator = Operator {
    op: Tensor::div,
    name: "truediv",
};

/// `slf <op> other`, or `other <op> slf` when `reflected`.
fn operator(
    slf: &Bound<'_, PyTensor>,
    other: &Bound<'_, PyAny>,
    operator: Operator,
    reflected: bool,
) -> PyResult<PyObject> {
    let py = other.py();
    let this = slf.borrow();
    let Some(operand) = operand_or_none(&this.inner, other)? else {
        if other.is_instance_of::<PyComplex>() {
            static WITH_COMPLEX: GILOnceCell<Py<PyAny>> = GILOnceCell::new();
            let with_complex =
                WITH_COMPLEX.import(py, "ferrograd._complex", "real_with_complex_number")?;
            return Ok(with_complex
                .call1((operator.name, slf, other, reflected))?
                .unbind());
        }
        return Ok(py.NotImplemented());
    };
    let operand: &Tensor = &operand;
    let (a, b) = if reflected {
        (operand, &this.inner)
    } else {
        (&this.inner, operand)
    };
    let result = run(py, a.numel().max(b.numel()), || (operator.op)(a, b)).py()?;
    Ok(NewTensor(result).into_pyobject(py)?.unbind())
}

/// `self @ other` (`other @ self` when `reflected`): tensors only.
fn matmul_operator(
    slf: &Bound<'_, PyTensor>,
    other: &Bound<'_, PyAny>,
    reflected: bool,
) -> PyResult<PyObject> {
    if crate::tensor_type::as_tensor(other).is_none() {
        return Ok(other.py().NotImplemented());
    }
    let matmul = Operator {
        op: Tensor::matmul,
        name: "matmul",
    };
    operator(slf, other, matmul, reflected)
}

#[catch_panics]
#[pymethods]
impl PyTensor {
    fn __add__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        operator(slf, other, ADD, false)
    }

    fn __radd__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        operator(slf, other, ADD, true)
    }

    fn __sub__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        operator(slf, other, SUB, false)
    }

    /// `other - self`, recorded as PyTorch records it (`RsubBackward1`).
    fn __rsub__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        let rsub = Operator {
            op: Tensor::rsub,
            ..SUB
        };
        if other.is_instance_of::<PyComplex>() {
            return operator(slf, other, SUB, true);
        }
        operator(slf, other, rsub, false)
    }

    fn __mul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        operator(slf, other, MUL, false)
    }

    fn __rmul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        operator(slf, other, MUL, true)
    }

    fn __truediv__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        operator(slf, other, DIV, false)
    }

    fn __rtruediv__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        operator(slf, other, DIV, true)
    }

    fn __matmul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        matmul_operator(slf, other, false)
    }

    fn __rmatmul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<PyObject> {
        matmul_operator(slf, other, true)
    }

    fn __neg__(&self) -> PyResult<NewTensor> {
        self.inner.neg().py().map(NewTensor)
    }
}
