//! The fused optimizer updates (`_core.fused_adam`, ...): one call per parameter group, with the
//! GIL released while the kernels run. Each returns False, having changed nothing, when the
//! tensors are not plain float32/float64 host tensors (the optimizer then updates them with
//! tensor operations); see `ferrograd::optim::fused`.

use ferrograd::optim::fused::{
    self, AdagradScalars, AdamScalars, RmspropScalars, SgdScalars, Slot,
};
use ferrograd::Tensor;
use ferrograd_py_macros::catch_panics;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::IntoPyResult;
use crate::tensor::PyTensor;

/// A parameter group's tensors: the parameters, their gradients, and one list per kind of
/// state buffer (each as long as `params`).
struct Group {
    params: Vec<Tensor>,
    grads: Vec<Tensor>,
    buffers: Vec<Vec<Tensor>>,
}

fn owned(list: &[PyRef<'_, PyTensor>]) -> Vec<Tensor> {
    list.iter().map(|t| t.inner.clone()).collect()
}

impl Group {
    /// The group, or `None` when a gradient is not a dense tensor (a sparse gradient).
    fn new(
        params: Vec<PyRef<'_, PyTensor>>,
        grads: Vec<Bound<'_, PyAny>>,
        buffers: Vec<Vec<PyRef<'_, PyTensor>>>,
        scalars: usize,
    ) -> PyResult<Option<Group>> {
        let n = params.len();
        if grads.len() != n || scalars != n || buffers.iter().any(|b| b.len() != n) {
            return Err(PyValueError::new_err(
                "fused optimizer step: every list must have one entry per parameter",
            ));
        }
        let Ok(grads) = grads
            .iter()
            .map(|g| g.downcast::<PyTensor>().map(|t| t.borrow().inner.clone()))
            .collect::<Result<Vec<Tensor>, _>>()
        else {
            return Ok(None);
        };
        Ok(Some(Group {
            params: owned(&params),
            grads,
            buffers: buffers.iter().map(|b| owned(b)).collect(),
        }))
    }

    fn slots(&self) -> Vec<Slot<'_>> {
        (0..self.params.len())
            .map(|i| Slot {
                param: &self.params[i],
                grad: &self.grads[i],
                buffers: self.buffers.iter().map(|b| &b[i]).collect(),
            })
            .collect()
    }
}

/// Adam/AdamW over a group; `buffers` are `[exp_avgs, exp_avg_sqs]` plus `max_exp_avg_sqs` with
/// AMSGrad, `steps` each parameter's step count after this step.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (params, grads, buffers, steps, *, lr, beta1, beta2, eps, weight_decay, maximize, decoupled))]
#[allow(clippy::too_many_arguments)]
fn fused_adam(
    py: Python<'_>,
    params: Vec<PyRef<'_, PyTensor>>,
    grads: Vec<Bound<'_, PyAny>>,
    buffers: Vec<Vec<PyRef<'_, PyTensor>>>,
    steps: Vec<f64>,
    lr: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    maximize: bool,
    decoupled: bool,
) -> PyResult<bool> {
    let Some(group) = Group::new(params, grads, buffers, steps.len())? else {
        return Ok(false);
    };
    let scalars: Vec<AdamScalars> = steps
        .iter()
        .map(|&step| AdamScalars {
            lr,
            beta1,
            beta2,
            eps,
            weight_decay,
            maximize,
            decoupled,
            step,
        })
        .collect();
    py.allow_threads(|| fused::adam(&group.slots(), &scalars))
        .py()
}

/// SGD over a group; `buffers` is `[momentum_buffers]` when `momentum != 0`, else empty;
/// `first[i]`: parameter `i`'s buffer is new and takes the gradient.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (params, grads, buffers, first, *, lr, momentum, dampening, weight_decay, nesterov, maximize))]
#[allow(clippy::too_many_arguments)]
fn fused_sgd(
    py: Python<'_>,
    params: Vec<PyRef<'_, PyTensor>>,
    grads: Vec<Bound<'_, PyAny>>,
    buffers: Vec<Vec<PyRef<'_, PyTensor>>>,
    first: Vec<bool>,
    lr: f64,
    momentum: f64,
    dampening: f64,
    weight_decay: f64,
    nesterov: bool,
    maximize: bool,
) -> PyResult<bool> {
    let Some(group) = Group::new(params, grads, buffers, first.len())? else {
        return Ok(false);
    };
    let scalars = SgdScalars {
        lr,
        momentum,
        dampening,
        weight_decay,
        nesterov,
        maximize,
        first: false,
    };
    py.allow_threads(|| fused::sgd(&group.slots(), &scalars, &first))
        .py()
}

/// RMSprop over a group; `buffers` are `[square_avgs]`, then `momentum_buffers` when
/// `momentum > 0`, then `grad_avgs` when centered.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (params, grads, buffers, *, lr, alpha, eps, weight_decay, momentum, centered, maximize))]
#[allow(clippy::too_many_arguments)]
fn fused_rmsprop(
    py: Python<'_>,
    params: Vec<PyRef<'_, PyTensor>>,
    grads: Vec<Bound<'_, PyAny>>,
    buffers: Vec<Vec<PyRef<'_, PyTensor>>>,
    lr: f64,
    alpha: f64,
    eps: f64,
    weight_decay: f64,
    momentum: f64,
    centered: bool,
    maximize: bool,
) -> PyResult<bool> {
    let n = params.len();
    let Some(group) = Group::new(params, grads, buffers, n)? else {
        return Ok(false);
    };
    let scalars = RmspropScalars {
        lr,
        alpha,
        eps,
        weight_decay,
        momentum,
        centered,
        maximize,
    };
    py.allow_threads(|| fused::rmsprop(&group.slots(), &scalars))
        .py()
}

/// Adagrad over a group; `buffers` is `[sums]`, `steps` each parameter's step count after this
/// step.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (params, grads, buffers, steps, *, lr, lr_decay, eps, weight_decay, maximize))]
#[allow(clippy::too_many_arguments)]
fn fused_adagrad(
    py: Python<'_>,
    params: Vec<PyRef<'_, PyTensor>>,
    grads: Vec<Bound<'_, PyAny>>,
    buffers: Vec<Vec<PyRef<'_, PyTensor>>>,
    steps: Vec<f64>,
    lr: f64,
    lr_decay: f64,
    eps: f64,
    weight_decay: f64,
    maximize: bool,
) -> PyResult<bool> {
    let Some(group) = Group::new(params, grads, buffers, steps.len())? else {
        return Ok(false);
    };
    let scalars: Vec<AdagradScalars> = steps
        .iter()
        .map(|&step| AdagradScalars {
            lr,
            lr_decay,
            eps,
            weight_decay,
            maximize,
            step,
        })
        .collect();
    py.allow_threads(|| fused::adagrad(&group.slots(), &scalars))
        .py()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fused_adam, m)?)?;
    m.add_function(wrap_pyfunction!(fused_sgd, m)?)?;
    m.add_function(wrap_pyfunction!(fused_rmsprop, m)?)?;
    m.add_function(wrap_pyfunction!(fused_adagrad, m)?)?;
    Ok(())
}
