//! Optimizers and learning-rate schedules with PyTorch's update rules and defaults.
//!
//! An optimizer owns handles to the parameters (they share data with the model) and updates
//! them in place, without recording gradients, from the gradients `backward` left on them:
//!
//! ```
//! use ferrograd::nn::{self, functional as F, Module};
//! use ferrograd::optim::{Optimizer, Sgd, SgdConfig};
//! use ferrograd::{DType, Tensor};
//!
//! # fn main() -> ferrograd::Result<()> {
//! let model = nn::Linear::new(3, 1, true)?;
//! let mut opt = Sgd::new(model.parameters(), SgdConfig { lr: 0.1, momentum: 0.9, ..Default::default() })?;
//! let (x, y) = (Tensor::randn(&[8, 3], DType::Float32)?, Tensor::zeros(&[8, 1], DType::Float32));
//! let before = F::mse_loss(&model.forward(&x)?, &y, F::Reduction::Mean)?.item()?;
//! for _ in 0..20 {
//!     opt.zero_grad()?;
//!     F::mse_loss(&model.forward(&x)?, &y, F::Reduction::Mean)?.backward()?;
//!     opt.step()?;
//! }
//! assert!(F::mse_loss(&model.forward(&x)?, &y, F::Reduction::Mean)?.item()? < before);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod adam;
pub mod fused;
mod lr_scheduler;
mod rmsprop;
mod sgd;

pub use adam::{Adam, AdamConfig, AdamW};
pub use lr_scheduler::{CosineAnnealingLR, LrScheduler, StepLR};
pub use rmsprop::{RMSprop, RMSpropConfig};
pub use sgd::{Sgd, SgdConfig};

use crate::error::{Error, Result};
use crate::nn::StateDict;
use crate::tensor::Tensor;

/// An optimizer over one group of parameters.
pub trait Optimizer {
    /// Updates every parameter that has a gradient, once.
    fn step(&mut self) -> Result<()>;

    /// The parameters this optimizer updates.
    fn params(&self) -> &[Tensor];

    /// The current learning rate.
    fn lr(&self) -> f64;

    /// Sets the learning rate (what a scheduler does).
    fn set_lr(&mut self, lr: f64);

    /// Clears every parameter's gradient (`zero_grad(set_to_none=True)`, PyTorch's default).
    fn zero_grad(&mut self) -> Result<()> {
        self.params().iter().try_for_each(|p| p.set_grad(None))
    }

    /// The per-parameter state (moment buffers, step counts) under the keys Python's
    /// `ferrograd.save(optimizer.state_dict(), path)` gives its tensors: `state.<i>.<name>`,
    /// `i` the parameter's position and `name` PyTorch's (`step` as a 0-d float32 tensor,
    /// `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`, `momentum_buffer`, `square_avg`, `grad_avg`).
    /// Parameters that have not been stepped have no entries. The tensors are detached aliases
    /// of the optimizer's (save them before the next step). Hyperparameters are not included:
    /// they are the configuration the optimizer is made with (and, in Python's files, JSON
    /// metadata that [`crate::serialize`] does not read).
    ///
    /// ```
    /// use ferrograd::optim::{Adam, AdamConfig, Optimizer};
    /// use ferrograd::{serialize, Tensor};
    ///
    /// # fn main() -> ferrograd::Result<()> {
    /// let p = Tensor::from(vec![1.0f32, -1.0]).requires_grad_()?;
    /// let mut opt = Adam::new(vec![p.clone()], AdamConfig::default())?;
    /// p.mul(&p)?.sum()?.backward()?;
    /// opt.step()?;
    /// let state = opt.state_dict();
    /// assert_eq!(state.keys(), ["state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq"]);
    ///
    /// // resume from the saved state
    /// let bytes = serialize::state_dict_to_bytes(&state)?;
    /// let mut resumed = Adam::new(vec![p.clone()], AdamConfig::default())?;
    /// resumed.load_state_dict(&serialize::state_dict_from_bytes(&bytes)?)?;
    /// assert_eq!(resumed.state_dict().get("state.0.step").unwrap().item()?, 1.0);
    /// # Ok(())
    /// # }
    /// ```
    fn state_dict(&self) -> StateDict;

    /// Replaces the per-parameter state with copies of `state`'s (as [`Optimizer::state_dict`]
    /// names it), cast to each parameter's dtype. Every key must name a parameter of this
    /// optimizer and a buffer it keeps, of the parameter's shape; nothing changes unless every
    /// check passes.
    fn load_state_dict(&mut self, state: &StateDict) -> Result<()>;
}

/// One parameter's state as `(PyTorch name, tensor)` entries.
pub(crate) type ParamState = Vec<(&'static str, Tensor)>;

/// The state dict of per-parameter states (`None`: not stepped yet).
pub(crate) fn flatten_state(states: impl Iterator<Item = Option<ParamState>>) -> StateDict {
    let mut out = StateDict::new();
    for (i, entries) in states.enumerate() {
        for (name, tensor) in entries.into_iter().flatten() {
            out.insert(format!("state.{i}.{name}"), tensor.detach());
        }
    }
    out
}

/// A step count as PyTorch keeps it: a 0-d float32 tensor.
pub(crate) fn step_tensor(step: i32) -> Tensor {
    Tensor::scalar(step as f32)
}

/// Reads a state dict of per-parameter states back, checking it against the parameters.
pub(crate) struct StateReader<'a> {
    state: &'a StateDict,
    params: &'a [Tensor],
}

impl<'a> StateReader<'a> {
    /// Checks that every key is `state.<i>.<name>` with `i` a parameter and `name` one of
    /// `names`.
    pub(crate) fn new(
        state: &'a StateDict,
        params: &'a [Tensor],
        names: &[&str],
    ) -> Result<StateReader<'a>> {
        for key in state.keys() {
            let known = key
                .strip_prefix("state.")
                .and_then(|rest| rest.split_once('.'))
                .and_then(|(i, name)| Some((i.parse::<usize>().ok()?, name)))
                .is_some_and(|(i, name)| i < params.len() && names.contains(&name));
            if !known {
                return Err(Error::Value(format!(
                    "loaded state dict has an entry this optimizer does not keep: {key:?} (it has {} parameters and keeps {names:?})",
                    params.len()
                )));
            }
        }
        Ok(StateReader { state, params })
    }

    /// Whether parameter `i` has any state.
    pub(crate) fn has(&self, i: usize) -> bool {
        let prefix = format!("state.{i}.");
        self.state.keys().iter().any(|k| k.starts_with(&prefix))
    }

    /// Parameter `i`'s step count (an error if absent).
    pub(crate) fn step(&self, i: usize) -> Result<i32> {
        let value = self.entry(i, "step")?.item()?;
        if value < 0.0 || value.fract() != 0.0 || value > f64::from(i32::MAX) {
            return Err(Error::Value(format!(
                "loaded state dict has step {value} for parameter {i}; expected a count"
            )));
        }
        Ok(value as i32)
    }

    fn entry(&self, i: usize, name: &str) -> Result<&'a Tensor> {
        self.state.get(&format!("state.{i}.{name}")).ok_or_else(|| {
            Error::Value(format!(
                "loaded state dict lacks state.{i}.{name}, which parameter {i}'s state needs"
            ))
        })
    }

    /// A copy of buffer `name` of parameter `i` in the parameter's dtype, `None` if absent.
    pub(crate) fn buffer(&self, i: usize, name: &str) -> Result<Option<Tensor>> {
        let Some(t) = self.state.get(&format!("state.{i}.{name}")) else {
            return Ok(None);
        };
        let p = &self.params[i];
        if t.shape() != p.shape() {
            return Err(Error::Shape(format!(
                "loaded state dict has {name} of shape {:?} for parameter {i} of shape {:?}",
                t.shape().as_slice(),
                p.shape().as_slice()
            )));
        }
        Ok(Some(t.detach().to_dtype(p.dtype())?.clone_tensor()?))
    }

    /// [`StateReader::buffer`], an error if absent.
    pub(crate) fn required(&self, i: usize, name: &str) -> Result<Tensor> {
        self.entry(i, name)?;
        Ok(self.buffer(i, name)?.expect("present"))
    }
}

/// A 0-d float64 tensor: it takes the dtype of the tensor it meets (0-d operands do not
/// promote within a category).
pub(crate) fn scalar(value: f64) -> Tensor {
    Tensor::scalar(value)
}

pub(crate) fn check_non_negative(name: &str, value: f64) -> Result<()> {
    if value.is_nan() || value < 0.0 {
        return Err(Error::Value(format!("Invalid {name}: {value}")));
    }
    Ok(())
}

/// The parameters must be floating-point leaves (what an optimizer can update in place).
pub(crate) fn check_params(params: &[Tensor]) -> Result<()> {
    for (i, p) in params.iter().enumerate() {
        if !p.dtype().is_floating() {
            return Err(Error::DType(format!(
                "optimizer parameter {i} has dtype {}; only floating point parameters can be optimized",
                p.dtype()
            )));
        }
        if !p.is_leaf() {
            return Err(Error::Value(format!(
                "can't optimize a non-leaf Tensor (parameter {i})"
            )));
        }
    }
    Ok(())
}
