//! The engine's dtypes and its promotion rules, seen from Python: `ferrograd._dtype` builds its
//! dtype objects from `dtype_table`, and `promote_types` / `result_type` answer from the same
//! rules the engine's operations use.

use ferrograd::array::Priority;
use ferrograd::DType;
use ferrograd_py_macros::catch_panics;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::convert::dtype_from_name;

/// Every dtype as `(name, is_floating_point, itemsize, is_signed, scalar type name)`.
#[catch_panics]
#[pyfunction]
pub fn dtype_table() -> Vec<(&'static str, bool, usize, bool, &'static str)> {
    DType::ALL
        .iter()
        .map(|d| {
            let name = d.name();
            (
                name,
                d.is_floating(),
                d.size_in_bytes(),
                d.is_signed(),
                d.scalar_type_name(),
            )
        })
        .collect()
}

/// PyTorch's `promote_types` of two dtype names.
#[catch_panics]
#[pyfunction]
pub fn promote_types(a: &str, b: &str) -> PyResult<&'static str> {
    Ok(DType::promote(dtype_from_name(a)?, dtype_from_name(b)?).name())
}

/// PyTorch's `result_type` of operands given as `(dtype name, priority)`, the priority 0 for a
/// tensor with dimensions, 1 for a 0-d tensor, 2 for a Python number (named by the dtype it
/// counts as: the default float dtype, int64 or bool).
#[catch_panics]
#[pyfunction]
pub fn result_type(operands: Vec<(String, u8)>) -> PyResult<&'static str> {
    let operands = operands
        .iter()
        .map(|(name, priority)| {
            let priority = match priority {
                0 => Priority::Dimensioned,
                1 => Priority::ZeroDim,
                2 => Priority::Number,
                other => {
                    return Err(PyValueError::new_err(format!(
                        "result_type: unknown operand priority {other}"
                    )))
                }
            };
            Ok((dtype_from_name(name)?, priority))
        })
        .collect::<PyResult<Vec<_>>>()?;
    DType::result_type_of(operands)
        .map(DType::name)
        .ok_or_else(|| PyValueError::new_err("result_type: expected at least one operand"))
}
