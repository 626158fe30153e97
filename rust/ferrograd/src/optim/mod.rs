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
