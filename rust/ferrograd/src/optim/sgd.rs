//! Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.

use super::fused::{self, SgdScalars, Slot};
use super::{check_non_negative, check_params, flatten_state, scalar, Optimizer, StateReader};
use crate::autograd::no_grad;
use crate::error::{Error, Result};
use crate::nn::StateDict;
use crate::tensor::Tensor;

/// The hyperparameters of [`Sgd`] (`torch.optim.SGD`'s arguments and defaults).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SgdConfig {
    /// Learning rate (default `1e-3`).
    pub lr: f64,
    /// Momentum factor (default 0: plain gradient descent).
    pub momentum: f64,
    /// Dampening of the momentum (default 0).
    pub dampening: f64,
    /// L2 penalty added to the gradient (default 0).
    pub weight_decay: f64,
    /// Nesterov momentum (needs `momentum > 0` and `dampening == 0`).
    pub nesterov: bool,
    /// Maximise the objective instead of minimising it.
    pub maximize: bool,
}

impl Default for SgdConfig {
    fn default() -> SgdConfig {
        SgdConfig {
            lr: 1e-3,
            momentum: 0.0,
            dampening: 0.0,
            weight_decay: 0.0,
            nesterov: false,
            maximize: false,
        }
    }
}

/// `torch.optim.SGD`. With gradient `g` (plus `weight_decay · p`), momentum buffer `b` (set
/// to `g` on the first step, then `momentum · b + (1 - dampening) · g`) and `d = g +
/// momentum · b` (Nesterov) or `b`: `p ← p - lr · d`.
///
/// ```
/// use ferrograd::optim::{Optimizer, Sgd, SgdConfig};
/// use ferrograd::Tensor;
///
/// # fn main() -> ferrograd::Result<()> {
/// let p = Tensor::from(vec![1.0f64]).requires_grad_()?;
/// let mut opt = Sgd::new(vec![p.clone()], SgdConfig { lr: 0.1, ..Default::default() })?;
/// p.mul(&p)?.sum()?.backward()?; // gradient 2p = 2
/// opt.step()?;
/// assert!((p.item()? - 0.8).abs() < 1e-12);
/// # Ok(())
/// # }
/// ```
pub struct Sgd {
    params: Vec<Tensor>,
    config: SgdConfig,
    momentum_buffers: Vec<Option<Tensor>>,
}

impl Sgd {
    /// An optimizer over `params` (floating-point leaves).
    pub fn new(params: Vec<Tensor>, config: SgdConfig) -> Result<Sgd> {
        check_params(&params)?;
        check_non_negative("learning rate", config.lr)?;
        check_non_negative("momentum value", config.momentum)?;
        check_non_negative("weight_decay value", config.weight_decay)?;
        if config.nesterov && (config.momentum <= 0.0 || config.dampening != 0.0) {
            return Err(Error::Value(
                "Nesterov momentum requires a momentum and zero dampening".into(),
            ));
        }
        let momentum_buffers = vec![None; params.len()];
        Ok(Sgd {
            params,
            config,
            momentum_buffers,
        })
    }

    /// The hyperparameters.
    pub fn config(&self) -> &SgdConfig {
        &self.config
    }

    /// The update as tensor operations, for parameters the fused kernel does not take (another
    /// device, a 16-bit float).
    fn unfused_step(&self, i: usize, mut grad: Tensor, first: bool) -> Result<()> {
        let (c, p) = (self.config, &self.params[i]);
        if c.maximize {
            grad = grad.neg()?;
        }
        if c.weight_decay != 0.0 {
            grad = grad.add(&p.mul(&scalar(c.weight_decay))?)?;
        }
        if let Some(b) = &self.momentum_buffers[i] {
            if first {
                b.copy_(&grad)?;
            } else {
                b.mul_(&scalar(c.momentum))?;
                b.add_scaled_(&grad, 1.0 - c.dampening)?;
            }
            grad = if c.nesterov {
                grad.add(&b.mul(&scalar(c.momentum))?)?
            } else {
                b.clone()
            };
        }
        p.add_scaled_(&grad, -c.lr)
    }
}

impl Optimizer for Sgd {
    fn step(&mut self) -> Result<()> {
        let c = self.config;
        no_grad(|| {
            let mut active = Vec::new();
            for (i, (p, buffer)) in self
                .params
                .iter()
                .zip(&mut self.momentum_buffers)
                .enumerate()
            {
                let Some(grad) = p.grad() else { continue };
                // A new momentum buffer takes the gradient itself (`first`).
                let first = c.momentum != 0.0 && buffer.is_none();
                if first {
                    *buffer = Some(Tensor::zeros(&p.shape(), p.dtype()));
                }
                active.push((i, grad, first));
            }
            let slots: Vec<Slot> = active
                .iter()
                .map(|(i, grad, _)| Slot {
                    param: &self.params[*i],
                    grad,
                    buffers: self.momentum_buffers[*i].iter().collect(),
                })
                .collect();
            let first: Vec<bool> = active.iter().map(|a| a.2).collect();
            let scalars = SgdScalars {
                lr: c.lr,
                momentum: c.momentum,
                dampening: c.dampening,
                weight_decay: c.weight_decay,
                nesterov: c.nesterov,
                maximize: c.maximize,
                first: false,
            };
            if fused::sgd(&slots, &scalars, &first)? {
                return Ok(());
            }
            for (i, grad, first) in active {
                self.unfused_step(i, grad, first)?;
            }
            Ok(())
        })
    }

    fn state_dict(&self) -> StateDict {
        flatten_state(
            self.momentum_buffers
                .iter()
                .map(|b| b.clone().map(|b| vec![("momentum_buffer", b)])),
        )
    }

    fn load_state_dict(&mut self, state: &StateDict) -> Result<()> {
        // without momentum SGD keeps no state
        let names: &[&str] = match self.config.momentum {
            0.0 => &[],
            _ => &["momentum_buffer"],
        };
        let reader = StateReader::new(state, &self.params, names)?;
        self.momentum_buffers = (0..self.params.len())
            .map(|i| reader.buffer(i, "momentum_buffer"))
            .collect::<Result<_>>()?;
        Ok(())
    }

    fn params(&self) -> &[Tensor] {
        &self.params
    }

    fn lr(&self) -> f64 {
        self.config.lr
    }

    fn set_lr(&mut self, lr: f64) {
        self.config.lr = lr;
    }
}
