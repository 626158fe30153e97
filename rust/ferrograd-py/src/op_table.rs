//! `_core._op_table()`: the engine's op table as data, for the test that walks every row
//! (gradients, forward mode, the device table's kernels) and for documentation.

use ferrograd::op_table::{Binary, ResultDtype, SavedValue, Unary};
use ferrograd_py_macros::catch_panics;
use pyo3::prelude::*;
use pyo3::types::PyDict;

fn result_name(result: ResultDtype) -> &'static str {
    match result {
        ResultDtype::Same => "same",
        ResultDtype::Float => "float",
    }
}

/// One dict per row: `name` (the Python name), `picked` (whether a hand-written method of that
/// name picks the row, as `pow` picks `PowBackward0` or `PowBackward1`), `inputs`, `node` (the `grad_fn` class), `kernel`, `result`, `differentiable`
/// (one flag per input) and, for a unary row, `saves` (`"input"`, `"output"` or `"nothing"`:
/// its node's one saved slot; a binary row's node has two, its operands).
#[catch_panics]
#[pyfunction]
fn _op_table(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    let mut rows = Vec::new();
    for &f in Unary::ALL {
        let row = PyDict::new(py);
        row.set_item("name", f.name())?;
        row.set_item("picked", false)?;
        row.set_item("inputs", 1)?;
        row.set_item("node", f.node_name())?;
        row.set_item("kernel", f.kernel().name())?;
        row.set_item("result", result_name(f.result_dtype()))?;
        row.set_item("differentiable", vec![true])?;
        let saves = match f.saves() {
            SavedValue::Nothing => "nothing",
            SavedValue::Input => "input",
            SavedValue::Output => "output",
        };
        row.set_item("saves", saves)?;
        rows.push(row);
    }
    for &f in Binary::ALL {
        let row = PyDict::new(py);
        row.set_item("name", f.name())?;
        row.set_item("picked", Binary::from_name(f.name()) != Some(f))?;
        row.set_item("inputs", 2)?;
        row.set_item("node", f.node_name())?;
        row.set_item("kernel", f.kernel().name())?;
        row.set_item("result", result_name(f.result_dtype()))?;
        row.set_item("differentiable", f.differentiable().to_vec())?;
        rows.push(row);
    }
    Ok(rows)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_op_table, m)?)
}
