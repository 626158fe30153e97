//! Adam and AdamW (decoupled weight decay).

use super::fused::{self, AdamScalars, Slot};
use super::{
    check_non_negative, check_params, flatten_state, scalar, step_tensor, Optimizer, ParamState,
    StateReader,
};
use crate::autograd::no_grad;
use crate::error::{Error, Result};
use crate::nn::StateDict;
use crate::tensor::Tensor;

/// The hyperparameters of [`Adam`] and [`AdamW`] (`torch.optim.Adam`'s arguments).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    /// Learning rate (default `1e-3`).
    pub lr: f64,
    /// Decay rates of the first and second moment averages (default `(0.9, 0.999)`).
    pub betas: (f64, f64),
    /// Added to the denominator (default `1e-8`).
    pub eps: f64,
    /// Weight decay: an L2 term in the gradient for Adam, a decay of the weights for AdamW
    /// (defaults 0 for [`AdamConfig::default`], `1e-2` for [`AdamConfig::adamw`]).
    pub weight_decay: f64,
    /// Use the running maximum of the second moment (AMSGrad).
    pub amsgrad: bool,
    /// Maximise the objective instead of minimising it.
    pub maximize: bool,
}

impl Default for AdamConfig {
    fn default() -> AdamConfig {
        AdamConfig {
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            amsgrad: false,
            maximize: false,
        }
    }
}

impl AdamConfig {
    /// `torch.optim.AdamW`'s defaults: Adam's, with `weight_decay = 1e-2`.
    pub fn adamw() -> AdamConfig {
        AdamConfig {
            weight_decay: 1e-2,
            ..AdamConfig::default()
        }
    }
}

struct Moments {
    step: i32,
    exp_avg: Tensor,
    exp_avg_sq: Tensor,
    max_exp_avg_sq: Option<Tensor>,
}

/// The shared update of Adam and AdamW; `decoupled` picks AdamW's weight decay.
struct AdamCore {
    params: Vec<Tensor>,
    config: AdamConfig,
    decoupled: bool,
    moments: Vec<Option<Moments>>,
}

impl AdamCore {
    fn new(params: Vec<Tensor>, config: AdamConfig, decoupled: bool) -> Result<AdamCore> {
        check_params(&params)?;
        check_non_negative("learning rate", config.lr)?;
        check_non_negative("epsilon value", config.eps)?;
        check_non_negative("weight_decay value", config.weight_decay)?;
        for (i, beta) in [config.betas.0, config.betas.1].into_iter().enumerate() {
            if !(0.0..1.0).contains(&beta) {
                return Err(Error::Value(format!(
                    "Invalid beta parameter at index {i}: {beta}"
                )));
            }
        }
        let moments = params.iter().map(|_| None).collect();
        Ok(AdamCore {
            params,
            config,
            decoupled,
            moments,
        })
    }

    fn step(&mut self) -> Result<()> {
        let c = self.config;
        no_grad(|| {
            // Steps are counted per parameter, as PyTorch's `state['step']`: one that had
            // no gradient for a while still gets its first bias correction right.
            let mut active = Vec::new();
            for (i, (p, state)) in self.params.iter().zip(&mut self.moments).enumerate() {
                let Some(grad) = p.grad() else { continue };
                let m = state.get_or_insert_with(|| Moments {
                    step: 0,
                    exp_avg: Tensor::zeros(&p.shape(), p.dtype()),
                    exp_avg_sq: Tensor::zeros(&p.shape(), p.dtype()),
                    max_exp_avg_sq: c.amsgrad.then(|| Tensor::zeros(&p.shape(), p.dtype())),
                });
                m.step += 1;
                active.push((i, grad));
            }
            let moments = |i: usize| self.moments[i].as_ref().expect("state made above");
            let slots: Vec<Slot> = active
                .iter()
                .map(|(i, grad)| {
                    let m = moments(*i);
                    let mut buffers = vec![&m.exp_avg, &m.exp_avg_sq];
                    buffers.extend(&m.max_exp_avg_sq);
                    Slot {
                        param: &self.params[*i],
                        grad,
                        buffers,
                    }
                })
                .collect();
            let scalars: Vec<AdamScalars> = active
                .iter()
                .map(|(i, _)| AdamScalars {
                    lr: c.lr,
                    beta1: c.betas.0,
                    beta2: c.betas.1,
                    eps: c.eps,
                    weight_decay: c.weight_decay,
                    maximize: c.maximize,
                    decoupled: self.decoupled,
                    step: f64::from(moments(*i).step),
                })
                .collect();
            if fused::adam(&slots, &scalars)? {
                return Ok(());
            }
            for (i, grad) in active {
                self.unfused_step(i, grad)?;
            }
            Ok(())
        })
    }

    fn state_dict(&self) -> StateDict {
        flatten_state(self.moments.iter().map(|m| {
            m.as_ref().map(|m| {
                let mut entries: ParamState = vec![
                    ("step", step_tensor(m.step)),
                    ("exp_avg", m.exp_avg.clone()),
                    ("exp_avg_sq", m.exp_avg_sq.clone()),
                ];
                entries.extend(m.max_exp_avg_sq.clone().map(|t| ("max_exp_avg_sq", t)));
                entries
            })
        }))
    }

    fn load_state_dict(&mut self, state: &StateDict) -> Result<()> {
        let names = ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"];
        let reader = StateReader::new(state, &self.params, &names)?;
        let moments = (0..self.params.len())
            .map(|i| {
                if !reader.has(i) {
                    return Ok(None);
                }
                let exp_avg_sq = reader.required(i, "exp_avg_sq")?;
                let max_exp_avg_sq = match self.config.amsgrad {
                    true => Some(match reader.buffer(i, "max_exp_avg_sq")? {
                        Some(t) => t,
                        None => exp_avg_sq.clone_tensor()?,
                    }),
                    false => None,
                };
                Ok(Some(Moments {
                    step: reader.step(i)?,
                    exp_avg: reader.required(i, "exp_avg")?,
                    exp_avg_sq,
                    max_exp_avg_sq,
                }))
            })
            .collect::<Result<_>>()?;
        self.moments = moments;
        Ok(())
    }

    /// The update as tensor operations, for parameters the fused kernel does not take (another
    /// device, a 16-bit float).
    fn unfused_step(&self, i: usize, mut grad: Tensor) -> Result<()> {
        let c = self.config;
        let (beta1, beta2) = c.betas;
        let (p, m) = (
            &self.params[i],
            self.moments[i].as_ref().expect("state made"),
        );
        if c.maximize {
            grad = grad.neg()?;
        }
        if c.weight_decay != 0.0 {
            if self.decoupled {
                p.mul_(&scalar(1.0 - c.lr * c.weight_decay))?;
            } else {
                grad = grad.add(&p.mul(&scalar(c.weight_decay))?)?;
            }
        }
        let bias_correction1 = 1.0 - beta1.powi(m.step);
        let bias_correction2_sqrt = (1.0 - beta2.powi(m.step)).sqrt();
        m.exp_avg.mul_(&scalar(beta1))?;
        m.exp_avg.add_scaled_(&grad, 1.0 - beta1)?;
        m.exp_avg_sq.mul_(&scalar(beta2))?;
        m.exp_avg_sq.add_scaled_(&grad.mul(&grad)?, 1.0 - beta2)?;
        let second = match &m.max_exp_avg_sq {
            Some(max) => {
                max.copy_(&max.maximum(&m.exp_avg_sq)?)?;
                max
            }
            None => &m.exp_avg_sq,
        };
        let denom = second
            .sqrt()?
            .div(&scalar(bias_correction2_sqrt))?
            .add(&scalar(c.eps))?;
        p.add_scaled_(&m.exp_avg.div(&denom)?, -c.lr / bias_correction1)
    }
}

/// `torch.optim.Adam`: moment averages `m ← β₁m + (1-β₁)g`, `v ← β₂v + (1-β₂)g²` of the
/// gradient (plus `weight_decay · p`), then `p ← p - lr/(1-β₁ᵗ) · m / (√v / √(1-β₂ᵗ) + eps)`.
///
/// ```
/// use ferrograd::optim::{Adam, AdamConfig, Optimizer};
/// use ferrograd::Tensor;
///
/// # fn main() -> ferrograd::Result<()> {
/// let p = Tensor::from(vec![1.0f64]).requires_grad_()?;
/// let mut opt = Adam::new(vec![p.clone()], AdamConfig { lr: 0.1, ..Default::default() })?;
/// p.mul(&p)?.sum()?.backward()?;
/// opt.step()?; // the first step moves each element by about lr
/// assert!((p.item()? - 0.9).abs() < 1e-6);
/// # Ok(())
/// # }
/// ```
pub struct Adam(AdamCore);

impl Adam {
    /// An optimizer over `params` (floating-point leaves).
    pub fn new(params: Vec<Tensor>, config: AdamConfig) -> Result<Adam> {
        Ok(Adam(AdamCore::new(params, config, false)?))
    }

    /// The hyperparameters.
    pub fn config(&self) -> &AdamConfig {
        &self.0.config
    }
}

/// `torch.optim.AdamW`: Adam whose weight decay shrinks the weights directly,
/// `p ← p · (1 - lr · weight_decay)`, before the Adam update of the plain gradient.
///
/// ```
/// use ferrograd::optim::{AdamConfig, AdamW, Optimizer};
/// use ferrograd::Tensor;
///
/// # fn main() -> ferrograd::Result<()> {
/// let p = Tensor::from(vec![1.0f64]).requires_grad_()?;
/// let mut opt = AdamW::new(vec![p.clone()], AdamConfig { lr: 0.1, ..AdamConfig::adamw() })?;
/// p.mul(&p)?.sum()?.backward()?;
/// opt.step()?;
/// assert!((p.item()? - (1.0 * (1.0 - 0.1 * 0.01) - 0.1)).abs() < 1e-6);
/// # Ok(())
/// # }
/// ```
#[allow(clippy::upper_case_acronyms)]
pub struct AdamW(AdamCore);

impl AdamW {
    /// An optimizer over `params` (floating-point leaves); see [`AdamConfig::adamw`] for
    /// PyTorch's defaults.
    pub fn new(params: Vec<Tensor>, config: AdamConfig) -> Result<AdamW> {
        Ok(AdamW(AdamCore::new(params, config, true)?))
    }

    /// The hyperparameters.
    pub fn config(&self) -> &AdamConfig {
        &self.0.config
    }
}

macro_rules! delegate_optimizer {
    ($ty:ty) => {
        impl Optimizer for $ty {
            fn step(&mut self) -> Result<()> {
                self.0.step()
            }
            fn params(&self) -> &[Tensor] {
                &self.0.params
            }
            fn lr(&self) -> f64 {
                self.0.config.lr
            }
            fn set_lr(&mut self, lr: f64) {
                self.0.config.lr = lr;
            }
            fn state_dict(&self) -> StateDict {
                self.0.state_dict()
            }
            fn load_state_dict(&mut self, state: &StateDict) -> Result<()> {
                self.0.load_state_dict(state)
            }
        }
    };
}

delegate_optimizer!(Adam);
delegate_optimizer!(AdamW);
