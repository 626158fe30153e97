//! The fused optimizer updates (`_core.fused_step(rule, ...)`): one call per parameter group,
//! with the GIL released while the kernels run. A call returns False, having changed nothing,
//! when the tensors are not plain float32/float64 host tensors (the optimizer then updates them
//! with tensor operations); see `ferrograd::optim::fused`.
//!
//! Every rule takes the same positional lists and its hyperparameters as keywords, read by
//! name from one dict ([`Hyper`]), so the rules share one entry point instead of each
//! repeating a signature.

use ferrograd::optim::fused::{
    self, AdadeltaScalars, AdagradScalars, AdamScalars, AdamaxScalars, AsgdScalars, NadamScalars,
    RadamScalars, RmspropScalars, RpropScalars, SgdScalars, Slot,
};
use ferrograd::Tensor;
use ferrograd_py_macros::catch_panics;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::IntoPyResult;
use crate::tensor::PyTensor;

const PER_PARAMETER: &str = "fused optimizer step: every list must have one entry per parameter";

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
    ) -> PyResult<Option<Group>> {
        let n = params.len();
        if grads.len() != n || buffers.iter().any(|b| b.len() != n) {
            return Err(PyValueError::new_err(PER_PARAMETER));
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

    /// Runs `kernel` on the group's slots with the GIL released.
    fn run(
        &self,
        py: Python<'_>,
        kernel: impl FnOnce(&[Slot]) -> ferrograd::Result<bool> + Send,
    ) -> PyResult<bool> {
        py.allow_threads(|| kernel(&self.slots())).py()
    }
}

/// A rule's keyword arguments: hyperparameters (numbers, flags) and per-parameter lists.
struct Hyper<'py> {
    given: Bound<'py, PyDict>,
    params: usize,
}

impl<'py> Hyper<'py> {
    /// The keyword `name`; a `TypeError` when it was not given.
    fn get<T: FromPyObject<'py>>(&self, name: &str) -> PyResult<T> {
        match self.given.get_item(name)? {
            Some(value) => value.extract(),
            None => Err(PyTypeError::new_err(format!(
                "fused_step(): missing keyword argument '{name}'"
            ))),
        }
    }

    /// `base` made once per parameter, `with(base, i)` giving parameter `i`'s copy its own
    /// values from the per-parameter lists.
    fn each<S: Copy>(&self, base: S, with: impl Fn(S, usize) -> S) -> Vec<S> {
        (0..self.params).map(|i| with(base, i)).collect()
    }

    /// `base` made once per parameter with that parameter's entry of the `step` list.
    fn each_step<S: Copy, R>(&self, base: S, with: impl Fn(S, f64) -> R) -> PyResult<Vec<R>> {
        let steps: Vec<f64> = self.list("step")?;
        Ok(steps.into_iter().map(|step| with(base, step)).collect())
    }

    /// The per-parameter list `name`, one entry per parameter.
    fn list<T: FromPyObject<'py>>(&self, name: &str) -> PyResult<Vec<T>> {
        let values: Vec<T> = self.get(name)?;
        if values.len() != self.params {
            return Err(PyValueError::new_err(PER_PARAMETER));
        }
        Ok(values)
    }
}

/// `Scalars { a, b; c: value }`: fields `a`, `b` read from the keywords of their names,
/// `c` set to `value`.
macro_rules! keywords {
    (
        $h:expr,
        $scalars:ident { $($field:ident),* $(,)? $(; $($fixed:ident: $value:expr),* $(,)?)? }
    ) => {
        $scalars {
            $($field: $h.get(stringify!($field))?,)*
            $($($fixed: $value,)*)?
        }
    };
}

/// The hyperparameters Adam, NAdam and RAdam share (the step count left at 0).
fn adam_keywords(h: &Hyper) -> PyResult<AdamScalars> {
    Ok(keywords!(h, AdamScalars {
        lr, beta1, beta2, eps, weight_decay, maximize, decoupled;
        step: 0.0
    }))
}

/// One step of the optimizer `rule` (`"adam"`, `"sgd"`, `"rmsprop"`, `"adagrad"`,
/// `"adadelta"`, `"adamax"`, `"nadam"`, `"radam"`, `"asgd"`, `"rprop"`) over a parameter
/// group: `buffers` holds one list per state buffer of the rule, in its order (see
/// `ferrograd::optim::fused`); the keywords are its hyperparameters, and lists with one entry
/// per parameter for the state it keeps per parameter (`step`, `first`, `mu_product`, `eta`,
/// `mu`). False, with nothing changed, when the kernel does not take the tensors.
#[catch_panics]
#[pyfunction]
#[pyo3(signature = (rule, params, grads, buffers, **hyper))]
fn fused_step(
    py: Python<'_>,
    rule: &str,
    params: Vec<PyRef<'_, PyTensor>>,
    grads: Vec<Bound<'_, PyAny>>,
    buffers: Vec<Vec<PyRef<'_, PyTensor>>>,
    hyper: Option<Bound<'_, PyDict>>,
) -> PyResult<bool> {
    let h = Hyper {
        params: params.len(),
        given: hyper.unwrap_or_else(|| PyDict::new(py)),
    };
    let Some(group) = Group::new(params, grads, buffers)? else {
        return Ok(false);
    };
    match rule {
        "adam" => {
            let scalars = h.each_step(adam_keywords(&h)?, |s, step| AdamScalars { step, ..s })?;
            group.run(py, |slots| fused::adam(slots, &scalars))
        }
        "sgd" => {
            let first: Vec<bool> = h.list("first")?;
            let scalars = keywords!(h, SgdScalars {
                lr, momentum, dampening, weight_decay, nesterov, maximize;
                first: false
            });
            group.run(py, |slots| fused::sgd(slots, &scalars, &first))
        }
        "rmsprop" => {
            let scalars = keywords!(
                h,
                RmspropScalars {
                    lr,
                    alpha,
                    eps,
                    weight_decay,
                    momentum,
                    centered,
                    maximize
                }
            );
            group.run(py, |slots| fused::rmsprop(slots, &scalars))
        }
        "adagrad" => {
            let base = keywords!(h, AdagradScalars {
                lr, lr_decay, eps, weight_decay, maximize;
                step: 0.0
            });
            let scalars = h.each_step(base, |s, step| AdagradScalars { step, ..s })?;
            group.run(py, |slots| fused::adagrad(slots, &scalars))
        }
        "adadelta" => {
            let scalars = keywords!(
                h,
                AdadeltaScalars {
                    lr,
                    rho,
                    eps,
                    weight_decay,
                    maximize
                }
            );
            group.run(py, |slots| fused::adadelta(slots, &scalars))
        }
        "adamax" => {
            let base = keywords!(h, AdamaxScalars {
                lr, beta1, beta2, eps, weight_decay, maximize;
                step: 0.0
            });
            let scalars = h.each_step(base, |s, step| AdamaxScalars { step, ..s })?;
            group.run(py, |slots| fused::adamax(slots, &scalars))
        }
        "nadam" => {
            let (adam, momentum_decay) = (adam_keywords(&h)?, h.get("momentum_decay")?);
            let steps = h.list::<f64>("step")?.into_iter();
            let scalars: Vec<_> = (steps.zip(h.list::<f64>("mu_product")?))
                .map(|(step, mu_product)| NadamScalars {
                    adam: AdamScalars { step, ..adam },
                    momentum_decay,
                    mu_product,
                })
                .collect();
            group.run(py, |slots| fused::nadam(slots, &scalars))
        }
        "radam" => {
            let scalars = h.each_step(adam_keywords(&h)?, |adam, step| {
                RadamScalars(AdamScalars { step, ..adam })
            })?;
            group.run(py, |slots| fused::radam(slots, &scalars))
        }
        "asgd" => {
            let (eta, mu): (Vec<f64>, Vec<f64>) = (h.list("eta")?, h.list("mu")?);
            let base =
                keywords!(h, AsgdScalars { lambd, weight_decay, maximize; eta: 0.0, mu: 1.0 });
            let scalars = h.each(base, |s, i| AsgdScalars {
                eta: eta[i],
                mu: mu[i],
                ..s
            });
            group.run(py, |slots| fused::asgd(slots, &scalars))
        }
        "rprop" => {
            let scalars = keywords!(
                h,
                RpropScalars {
                    eta_minus,
                    eta_plus,
                    step_size_min,
                    step_size_max,
                    maximize
                }
            );
            group.run(py, |slots| fused::rprop(slots, &scalars))
        }
        other => Err(PyValueError::new_err(format!(
            "fused_step(): unknown optimizer rule '{other}'"
        ))),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fused_step, m)?)?;
    Ok(())
}
