//! `ferrograd._core`: the Python binding of the ferrograd engine. Conversions and error mapping
//! only; the math lives in the `ferrograd` crate.

mod activation;
mod attention;
mod autograd_api;
mod callbacks;
mod convert;
mod device_backend;
mod dtypes;
mod errors;
mod exchange;
mod final_callbacks;
mod forward_ad;
mod linalg;
mod nn;
mod node;
mod op_table;
mod operators;
mod optim;
mod scan;
mod tensor;
mod tensor_objects;
mod tensor_type;
mod threads;
mod views;

use ferrograd::{BackwardOptions, Error, Tensor};
use ferrograd_py_macros::catch_panics;
use pyo3::prelude::*;

use convert::{dtype_from_name, shape_arg};
use errors::IntoPyResult;
use node::PyNode;
use tensor::PyTensor;
use tensor_type::NewTensor;

/// A made tensor handed to Python (`requires_grad` is set by the facade after the tensor is on
/// its device, so that it is a leaf there).
fn creation(tensor: ferrograd::Result<Tensor>) -> PyResult<NewTensor> {
    Ok(NewTensor(tensor.py()?))
}

/// A tensor from a NumPy array; `share` keeps the array's memory when its layout allows.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (array, share=false))]
fn from_numpy(array: &Bound<'_, PyAny>, share: bool) -> PyResult<NewTensor> {
    let array = convert::array_from_numpy(array, share)?;
    creation(Ok(Tensor::from_array(array)))
}

/// A tensor of `shape` filled with `value`, made on `device` (by its backend there).
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (shape, value, dtype, device="cpu"))]
fn full(
    shape: Vec<isize>,
    value: &Bound<'_, PyAny>,
    dtype: &str,
    device: &str,
) -> PyResult<NewTensor> {
    let (shape, dtype) = (shape_arg(shape)?, dtype_from_name(dtype)?);
    let device = device_backend::parse_device(device)?;
    let made = match convert::exact_integer(value) {
        Some(v) => Tensor::try_full_int(&shape, v, dtype, device),
        None => Tensor::try_full(&shape, value.extract()?, dtype, device),
    };
    creation(made)
}

/// `arange`, made on `device` (by its backend there).
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (start, end, step, dtype, device="cpu"))]
fn arange(
    start: &Bound<'_, PyAny>,
    end: &Bound<'_, PyAny>,
    step: &Bound<'_, PyAny>,
    dtype: &str,
    device: &str,
) -> PyResult<NewTensor> {
    let (dtype, device) = (
        dtype_from_name(dtype)?,
        device_backend::parse_device(device)?,
    );
    let made = match (
        convert::exact_integer(start),
        convert::exact_integer(end),
        convert::exact_integer(step),
    ) {
        (Some(start), Some(end), Some(step)) => Tensor::arange_int(start, end, step, dtype, device),
        _ => Tensor::arange(
            start.extract()?,
            end.extract()?,
            step.extract()?,
            dtype,
            device,
        ),
    };
    creation(made)
}

#[catch_panics]
#[pyfunction]
fn linspace(start: f64, end: f64, steps: i64, dtype: &str) -> PyResult<NewTensor> {
    let steps = usize::try_from(steps)
        .map_err(|_| errors::to_py(Error::Shape("number of steps must be non-negative".into())))?;
    creation(Tensor::linspace(start, end, steps, dtype_from_name(dtype)?))
}

#[catch_panics]
#[pyfunction]
fn eye(n: i64, m: i64, dtype: &str) -> PyResult<NewTensor> {
    let size = |v: i64, name: &str| {
        usize::try_from(v).map_err(|_| {
            errors::to_py(Error::Shape(format!(
                "{name} must be greater or equal to 0, got {v}"
            )))
        })
    };
    creation(Tensor::eye(
        size(n, "n")?,
        size(m, "m")?,
        dtype_from_name(dtype)?,
    ))
}

#[catch_panics]
#[pyfunction]
fn rand(shape: Vec<isize>, dtype: &str) -> PyResult<NewTensor> {
    creation(Tensor::rand(&shape_arg(shape)?, dtype_from_name(dtype)?))
}

#[catch_panics]
#[pyfunction]
fn randn(shape: Vec<isize>, dtype: &str) -> PyResult<NewTensor> {
    creation(Tensor::randn(&shape_arg(shape)?, dtype_from_name(dtype)?))
}

#[catch_panics]
#[pyfunction]
fn randint(low: i64, high: i64, shape: Vec<isize>, dtype: &str) -> PyResult<NewTensor> {
    creation(Tensor::randint(
        low,
        high,
        &shape_arg(shape)?,
        dtype_from_name(dtype)?,
    ))
}

#[catch_panics]
#[pyfunction]
fn bernoulli(shape: Vec<isize>, p: f64, dtype: &str) -> PyResult<NewTensor> {
    creation(Tensor::bernoulli(
        &shape_arg(shape)?,
        p,
        dtype_from_name(dtype)?,
    ))
}

#[catch_panics]
#[pyfunction]
fn manual_seed(seed: u64) {
    ferrograd::ops::manual_seed(seed);
}

#[catch_panics]
#[pyfunction]
fn is_grad_enabled() -> bool {
    ferrograd::autograd::is_grad_enabled()
}

/// Sets this thread's grad mode; returns the previous one.
#[catch_panics]
#[pyfunction]
fn set_grad_enabled(enabled: bool) -> bool {
    ferrograd::autograd::set_grad_enabled(enabled)
}

/// The engine tensors of a list of Python ones.
pub(crate) fn tensors(list: &[PyRef<'_, PyTensor>]) -> Vec<Tensor> {
    list.iter().map(|t| t.inner.clone()).collect()
}

fn optional_tensors(list: Vec<Option<PyRef<'_, PyTensor>>>) -> Vec<Option<Tensor>> {
    list.iter()
        .map(|t| t.as_ref().map(|t| t.inner.clone()))
        .collect()
}

#[catch_panics]
#[pyfunction]
#[pyo3(signature = (outputs, grad_outputs, inputs, retain_graph, create_graph))]
fn backward(
    py: Python<'_>,
    outputs: Vec<PyRef<'_, PyTensor>>,
    grad_outputs: Vec<Option<PyRef<'_, PyTensor>>>,
    inputs: Vec<PyRef<'_, PyTensor>>,
    retain_graph: bool,
    create_graph: bool,
) -> PyResult<()> {
    let (outputs, grad_outputs, inputs) = (
        tensors(&outputs),
        optional_tensors(grad_outputs),
        tensors(&inputs),
    );
    let options = BackwardOptions {
        retain_graph,
        create_graph,
    };
    final_callbacks::run_pass(py, || {
        py.allow_threads(|| {
            ferrograd::autograd::backward(&outputs, &grad_outputs, &inputs, options)
        })
        .py()
    })
}

#[catch_panics]
#[pyfunction]
#[pyo3(signature = (outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused))]
fn grad(
    py: Python<'_>,
    outputs: Vec<PyRef<'_, PyTensor>>,
    inputs: Vec<PyRef<'_, PyTensor>>,
    grad_outputs: Vec<Option<PyRef<'_, PyTensor>>>,
    retain_graph: bool,
    create_graph: bool,
    allow_unused: bool,
) -> PyResult<Vec<Option<NewTensor>>> {
    let (outputs, inputs, grad_outputs) = (
        tensors(&outputs),
        tensors(&inputs),
        optional_tensors(grad_outputs),
    );
    let options = BackwardOptions {
        retain_graph,
        create_graph,
    };
    let grads = final_callbacks::run_pass(py, || {
        py.allow_threads(|| {
            ferrograd::autograd::grad(&outputs, &inputs, &grad_outputs, options, allow_unused)
        })
        .py()
    })?;
    Ok(grads.into_iter().map(|g| g.map(NewTensor)).collect())
}

/// Number of live nodes in the graph arena (diagnostics and leak tests).
#[catch_panics]
#[pyfunction]
fn live_nodes() -> usize {
    ferrograd::autograd::live_nodes()
}

/// Panics on purpose, to test the panic boundary (`errors::guard`): `here`, on this thread;
/// `arena`, while holding the autograd arena's lock; `pool`, in a kernel thread-pool task.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (message, place="here"))]
fn _debug_panic(message: &str, place: &str) -> PyResult<()> {
    match place {
        "here" => panic!("{message}"),
        "arena" => ferrograd::__binding::panic_holding_lock(message),
        "pool" => {
            use rayon::prelude::*;
            (0..64usize).into_par_iter().for_each(|i| {
                if i == 63 {
                    panic!("{message}")
                }
            });
            Ok(())
        }
        _ => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "unknown place '{place}' (here, arena, pool)"
        ))),
    }
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::install_panic_hook();
    m.add_class::<PyTensor>()?;
    m.add_class::<PyNode>()?;
    m.add_function(wrap_pyfunction!(from_numpy, m)?)?;
    m.add_function(wrap_pyfunction!(full, m)?)?;
    m.add_function(wrap_pyfunction!(arange, m)?)?;
    m.add_function(wrap_pyfunction!(linspace, m)?)?;
    m.add_function(wrap_pyfunction!(eye, m)?)?;
    m.add_function(wrap_pyfunction!(rand, m)?)?;
    m.add_function(wrap_pyfunction!(randn, m)?)?;
    m.add_function(wrap_pyfunction!(randint, m)?)?;
    m.add_function(wrap_pyfunction!(bernoulli, m)?)?;
    m.add_function(wrap_pyfunction!(manual_seed, m)?)?;
    m.add_function(wrap_pyfunction!(is_grad_enabled, m)?)?;
    m.add_function(wrap_pyfunction!(set_grad_enabled, m)?)?;
    m.add_function(wrap_pyfunction!(backward, m)?)?;
    m.add_function(wrap_pyfunction!(grad, m)?)?;
    m.add_function(wrap_pyfunction!(final_callbacks::queue_callback, m)?)?;
    m.add_function(wrap_pyfunction!(live_nodes, m)?)?;
    m.add_function(wrap_pyfunction!(_debug_panic, m)?)?;
    m.add_function(wrap_pyfunction!(tensor_type::register_tensor_type, m)?)?;
    // The Cargo workspace's version: the package's, which maturin reads from the same field.
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(dtypes::dtype_table, m)?)?;
    m.add_function(wrap_pyfunction!(dtypes::promote_types, m)?)?;
    m.add_function(wrap_pyfunction!(dtypes::result_type, m)?)?;
    m.add_function(wrap_pyfunction!(threads::join_thread_pool, m)?)?;
    m.add_function(wrap_pyfunction!(threads::set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(threads::get_num_threads, m)?)?;
    activation::register(m)?;
    attention::register(m)?;
    autograd_api::register(m)?;
    device_backend::register(m)?;
    forward_ad::register(m)?;
    linalg::register(m)?;
    nn::register(m)?;
    op_table::register(m)?;
    optim::register(m)?;
    scan::register(m)?;
    Ok(())
}
