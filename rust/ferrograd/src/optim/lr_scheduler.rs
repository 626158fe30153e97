//! Learning-rate schedules (`torch.optim.lr_scheduler`), driven by the epoch count.

use super::Optimizer;
use crate::error::{Error, Result};

/// A schedule that sets an optimizer's learning rate each time it steps (once per epoch,
/// after the optimizer's steps, as in PyTorch).
pub trait LrScheduler {
    /// Advances one epoch and sets `optimizer`'s learning rate for it.
    fn step(&mut self, optimizer: &mut dyn Optimizer);

    /// The learning rate of the current epoch (`get_last_lr()[0]`).
    fn last_lr(&self) -> f64;

    /// The number of `step` calls so far (`last_epoch`).
    fn last_epoch(&self) -> usize;
}

/// Multiplies the learning rate by `gamma` every `step_size` epochs (`StepLR`):
/// `lr = base_lr · gamma^⌊epoch / step_size⌋`.
///
/// ```
/// use ferrograd::optim::{LrScheduler, Optimizer, Sgd, SgdConfig, StepLR};
///
/// # fn main() -> ferrograd::Result<()> {
/// let mut opt = Sgd::new(vec![], SgdConfig { lr: 1.0, ..Default::default() })?;
/// let mut schedule = StepLR::new(&opt, 2, 0.5)?;
/// let lrs: Vec<f64> = (0..5).map(|_| { schedule.step(&mut opt); opt.lr() }).collect();
/// assert_eq!(lrs, [1.0, 0.5, 0.5, 0.25, 0.25]);
/// # Ok(())
/// # }
/// ```
#[allow(clippy::upper_case_acronyms)]
#[derive(Clone, Debug)]
pub struct StepLR {
    base_lr: f64,
    step_size: usize,
    gamma: f64,
    epoch: usize,
}

impl StepLR {
    /// A schedule starting from `optimizer`'s current learning rate.
    pub fn new(optimizer: &dyn Optimizer, step_size: usize, gamma: f64) -> Result<StepLR> {
        if step_size == 0 {
            return Err(Error::Value("StepLR: step_size must be positive".into()));
        }
        Ok(StepLR {
            base_lr: optimizer.lr(),
            step_size,
            gamma,
            epoch: 0,
        })
    }
}

impl LrScheduler for StepLR {
    fn step(&mut self, optimizer: &mut dyn Optimizer) {
        self.epoch += 1;
        optimizer.set_lr(self.last_lr());
    }

    fn last_lr(&self) -> f64 {
        self.base_lr * self.gamma.powi((self.epoch / self.step_size) as i32)
    }

    fn last_epoch(&self) -> usize {
        self.epoch
    }
}

/// Cosine annealing from the base learning rate to `eta_min` over `t_max` epochs
/// (`CosineAnnealingLR`): `lr = eta_min + (base_lr - eta_min)(1 + cos(π · epoch / t_max)) / 2`.
///
/// PyTorch computes the same values by a recurrence (equal to this closed form up to rounding
/// within the first `t_max` epochs); past `t_max` this form keeps following the cosine.
///
/// ```
/// use ferrograd::optim::{CosineAnnealingLR, LrScheduler, Optimizer, Sgd, SgdConfig};
///
/// # fn main() -> ferrograd::Result<()> {
/// let mut opt = Sgd::new(vec![], SgdConfig { lr: 1.0, ..Default::default() })?;
/// let mut schedule = CosineAnnealingLR::new(&opt, 4, 0.0)?;
/// schedule.step(&mut opt);
/// schedule.step(&mut opt);
/// assert!((opt.lr() - 0.5).abs() < 1e-12);
/// # Ok(())
/// # }
/// ```
#[allow(clippy::upper_case_acronyms)]
#[derive(Clone, Debug)]
pub struct CosineAnnealingLR {
    base_lr: f64,
    t_max: usize,
    eta_min: f64,
    epoch: usize,
}

impl CosineAnnealingLR {
    /// A schedule starting from `optimizer`'s current learning rate.
    pub fn new(optimizer: &dyn Optimizer, t_max: usize, eta_min: f64) -> Result<CosineAnnealingLR> {
        if t_max == 0 {
            return Err(Error::Value(
                "CosineAnnealingLR: T_max must be positive".into(),
            ));
        }
        Ok(CosineAnnealingLR {
            base_lr: optimizer.lr(),
            t_max,
            eta_min,
            epoch: 0,
        })
    }
}

impl LrScheduler for CosineAnnealingLR {
    fn step(&mut self, optimizer: &mut dyn Optimizer) {
        self.epoch += 1;
        optimizer.set_lr(self.last_lr());
    }

    fn last_lr(&self) -> f64 {
        let phase = std::f64::consts::PI * self.epoch as f64 / self.t_max as f64;
        self.eta_min + (self.base_lr - self.eta_min) * (1.0 + phase.cos()) / 2.0
    }

    fn last_epoch(&self) -> usize {
        self.epoch
    }
}
