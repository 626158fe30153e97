//! RMSprop.

use super::fused::{self, RmspropScalars, Slot};
use super::{
    check_non_negative, check_params, flatten_state, scalar, step_tensor, Optimizer, ParamState,
    StateReader,
};
use crate::autograd::no_grad;
use crate::error::Result;
use crate::nn::StateDict;
use crate::tensor::Tensor;

/// The hyperparameters of [`RMSprop`] (`torch.optim.RMSprop`'s arguments and defaults).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RMSpropConfig {
    /// Learning rate (default `1e-2`).
    pub lr: f64,
    /// Smoothing constant of the squared-gradient average (default 0.99).
    pub alpha: f64,
    /// Added to the denominator (default `1e-8`).
    pub eps: f64,
    /// L2 penalty added to the gradient (default 0).
    pub weight_decay: f64,
    /// Momentum factor (default 0).
    pub momentum: f64,
    /// Normalise by the estimated variance (subtracting the squared mean gradient).
    pub centered: bool,
    /// Maximise the objective instead of minimising it.
    pub maximize: bool,
}

impl Default for RMSpropConfig {
    fn default() -> RMSpropConfig {
        RMSpropConfig {
            lr: 1e-2,
            alpha: 0.99,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum: 0.0,
            centered: false,
            maximize: false,
        }
    }
}

struct Averages {
    step: i32,
    square_avg: Tensor,
    grad_avg: Option<Tensor>,
    momentum_buffer: Option<Tensor>,
}

/// `torch.optim.RMSprop`: `v ← αv + (1-α)g²`, then `p ← p - lr · g / (√v + eps)` (with
/// `v - ḡ²` under the root when centered, and through a momentum buffer when `momentum > 0`).
///
/// ```
/// use ferrograd::optim::{Optimizer, RMSprop, RMSpropConfig};
/// use ferrograd::Tensor;
///
/// # fn main() -> ferrograd::Result<()> {
/// let p = Tensor::from(vec![1.0f64]).requires_grad_()?;
/// let mut opt = RMSprop::new(vec![p.clone()], RMSpropConfig::default())?;
/// p.mul(&p)?.sum()?.backward()?; // g = 2, v = 0.01 · 4
/// opt.step()?;
/// assert!((p.item()? - (1.0 - 0.01 * 2.0 / (0.04f64.sqrt() + 1e-8))).abs() < 1e-12);
/// # Ok(())
/// # }
/// ```
#[allow(clippy::upper_case_acronyms)]
pub struct RMSprop {
    params: Vec<Tensor>,
    config: RMSpropConfig,
    state: Vec<Option<Averages>>,
}

impl RMSprop {
    /// An optimizer over `params` (floating-point leaves).
    pub fn new(params: Vec<Tensor>, config: RMSpropConfig) -> Result<RMSprop> {
        check_params(&params)?;
        check_non_negative("learning rate", config.lr)?;
        check_non_negative("epsilon value", config.eps)?;
        check_non_negative("momentum value", config.momentum)?;
        check_non_negative("weight_decay value", config.weight_decay)?;
        check_non_negative("alpha value", config.alpha)?;
        let state = params.iter().map(|_| None).collect();
        Ok(RMSprop {
            params,
            config,
            state,
        })
    }

    /// The hyperparameters.
    pub fn config(&self) -> &RMSpropConfig {
        &self.config
    }
}

impl Optimizer for RMSprop {
    fn step(&mut self) -> Result<()> {
        let c = self.config;
        no_grad(|| {
            let mut active = Vec::new();
            for (i, (p, state)) in self.params.iter().zip(&mut self.state).enumerate() {
                let Some(grad) = p.grad() else { continue };
                let zeros = || Tensor::zeros(&p.shape(), p.dtype());
                let averages = state.get_or_insert_with(|| Averages {
                    step: 0,
                    square_avg: zeros(),
                    grad_avg: c.centered.then(zeros),
                    momentum_buffer: (c.momentum > 0.0).then(zeros),
                });
                averages.step += 1;
                active.push((i, grad));
            }
            let averages = |i: usize| self.state[i].as_ref().expect("state made above");
            let slots: Vec<Slot> = active
                .iter()
                .map(|(i, grad)| {
                    let s = averages(*i);
                    let mut buffers = vec![&s.square_avg];
                    buffers.extend(&s.momentum_buffer);
                    buffers.extend(&s.grad_avg);
                    Slot {
                        param: &self.params[*i],
                        grad,
                        buffers,
                    }
                })
                .collect();
            let scalars = RmspropScalars {
                lr: c.lr,
                alpha: c.alpha,
                eps: c.eps,
                weight_decay: c.weight_decay,
                momentum: c.momentum,
                centered: c.centered,
                maximize: c.maximize,
            };
            if fused::rmsprop(&slots, &scalars)? {
                return Ok(());
            }
            for (i, mut grad) in active {
                let (p, s) = (&self.params[i], averages(i));
                if c.maximize {
                    grad = grad.neg()?;
                }
                if c.weight_decay != 0.0 {
                    grad = grad.add(&p.mul(&scalar(c.weight_decay))?)?;
                }
                s.square_avg.mul_(&scalar(c.alpha))?;
                s.square_avg.add_scaled_(&grad.mul(&grad)?, 1.0 - c.alpha)?;
                let variance = match &s.grad_avg {
                    Some(mean) => {
                        mean.mul_(&scalar(c.alpha))?;
                        mean.add_scaled_(&grad, 1.0 - c.alpha)?;
                        s.square_avg.sub(&mean.mul(mean)?)?
                    }
                    None => s.square_avg.clone(),
                };
                let denom = variance.sqrt()?.add(&scalar(c.eps))?;
                match &s.momentum_buffer {
                    Some(buffer) => {
                        buffer.mul_(&scalar(c.momentum))?;
                        buffer.add_(&grad.div(&denom)?)?;
                        p.add_scaled_(buffer, -c.lr)?;
                    }
                    None => p.add_scaled_(&grad.div(&denom)?, -c.lr)?,
                }
            }
            Ok(())
        })
    }

    fn state_dict(&self) -> StateDict {
        flatten_state(self.state.iter().map(|s| {
            s.as_ref().map(|s| {
                let mut entries: ParamState = vec![
                    ("step", step_tensor(s.step)),
                    ("square_avg", s.square_avg.clone()),
                ];
                entries.extend(s.momentum_buffer.clone().map(|t| ("momentum_buffer", t)));
                entries.extend(s.grad_avg.clone().map(|t| ("grad_avg", t)));
                entries
            })
        }))
    }

    fn load_state_dict(&mut self, state: &StateDict) -> Result<()> {
        let names = ["step", "square_avg", "momentum_buffer", "grad_avg"];
        let reader = StateReader::new(state, &self.params, &names)?;
        let c = self.config;
        self.state = (0..self.params.len())
            .map(|i| {
                if !reader.has(i) {
                    return Ok(None);
                }
                let p = &self.params[i];
                let zeros = || Tensor::zeros(&p.shape(), p.dtype());
                let kept = |name, wanted: bool| -> Result<Option<Tensor>> {
                    Ok(match wanted {
                        true => Some(reader.buffer(i, name)?.unwrap_or_else(zeros)),
                        false => None,
                    })
                };
                Ok(Some(Averages {
                    step: reader.step(i)?,
                    square_avg: reader.required(i, "square_avg")?,
                    momentum_buffer: kept("momentum_buffer", c.momentum > 0.0)?,
                    grad_avg: kept("grad_avg", c.centered)?,
                }))
            })
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
