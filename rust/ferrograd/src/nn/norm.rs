//! Normalisation layers: `LayerNorm`, `RMSNorm`, and `BatchNorm` (PyTorch's `BatchNorm1d` and
//! `BatchNorm2d` in one type: statistics over every dimension but the channels, dimension 1).

use super::{functional, parameter, Module, TensorKind};
use crate::array::DType;
use crate::autograd::no_grad;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// Layer normalisation over the trailing `normalized_shape` (`nn.LayerNorm`), with learnable
/// elementwise `weight` (ones) and `bias` (zeros).
///
/// ```
/// use ferrograd::nn::{LayerNorm, Module};
/// use ferrograd::Tensor;
///
/// # fn main() -> ferrograd::Result<()> {
/// let norm = LayerNorm::new(&[2], 1e-5)?;
/// let y = norm.forward(&Tensor::from([[1.0f64, 3.0]]))?.to_vec::<f64>()?;
/// assert!((y[0] + 1.0).abs() < 1e-4 && (y[1] - 1.0).abs() < 1e-4);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct LayerNorm {
    /// The trailing dimensions normalised over.
    pub normalized_shape: Vec<usize>,
    /// Added to the variance before the square root.
    pub eps: f64,
    /// The elementwise scale (`elementwise_affine`), of `normalized_shape`.
    pub weight: Option<Tensor>,
    /// The elementwise shift, of `normalized_shape`.
    pub bias: Option<Tensor>,
}

impl LayerNorm {
    /// A float32 layer with elementwise affine weight (ones) and bias (zeros).
    pub fn new(normalized_shape: &[usize], eps: f64) -> Result<LayerNorm> {
        Ok(LayerNorm {
            normalized_shape: normalized_shape.to_vec(),
            eps,
            weight: Some(parameter(Tensor::ones(normalized_shape, DType::Float32))?),
            bias: Some(parameter(Tensor::zeros(normalized_shape, DType::Float32))?),
        })
    }
}

impl Module for LayerNorm {
    fn forward(&self, input: &Tensor) -> Result<Tensor> {
        functional::layer_norm(
            input,
            &self.normalized_shape,
            self.weight.as_ref(),
            self.bias.as_ref(),
            self.eps,
        )
    }

    fn visit(&self, f: &mut dyn FnMut(&str, &Tensor, TensorKind)) {
        if let Some(w) = &self.weight {
            f("weight", w, TensorKind::Parameter);
        }
        if let Some(b) = &self.bias {
            f("bias", b, TensorKind::Parameter);
        }
    }
}

/// Root-mean-square normalisation over the trailing `normalized_shape` (`nn.RMSNorm`), with a
/// learnable elementwise `weight` (ones); `eps` `None` is the input dtype's machine epsilon.
#[derive(Clone, Debug)]
pub struct RMSNorm {
    /// The trailing dimensions normalised over.
    pub normalized_shape: Vec<usize>,
    /// Added to the mean square; `None` for the dtype's epsilon.
    pub eps: Option<f64>,
    /// The elementwise scale, of `normalized_shape`.
    pub weight: Option<Tensor>,
}

impl RMSNorm {
    /// A float32 layer with an elementwise weight of ones.
    pub fn new(normalized_shape: &[usize], eps: Option<f64>) -> Result<RMSNorm> {
        Ok(RMSNorm {
            normalized_shape: normalized_shape.to_vec(),
            eps,
            weight: Some(parameter(Tensor::ones(normalized_shape, DType::Float32))?),
        })
    }
}

impl Module for RMSNorm {
    fn forward(&self, input: &Tensor) -> Result<Tensor> {
        functional::rms_norm(
            input,
            &self.normalized_shape,
            self.weight.as_ref(),
            self.eps,
        )
    }

    fn visit(&self, f: &mut dyn FnMut(&str, &Tensor, TensorKind)) {
        if let Some(w) = &self.weight {
            f("weight", w, TensorKind::Parameter);
        }
    }
}

/// Batch normalisation of `(N, C, *)` inputs per channel (`nn.BatchNorm1d` / `BatchNorm2d`).
///
/// In training it normalises with the batch's statistics (biased variance) and moves the
/// running statistics toward them by `momentum` (the running variance with the unbiased
/// estimate); in evaluation it uses the running statistics.
///
/// ```
/// use ferrograd::nn::{BatchNorm, Module};
/// use ferrograd::Tensor;
///
/// # fn main() -> ferrograd::Result<()> {
/// let bn = BatchNorm::new(1)?;
/// bn.forward(&Tensor::from([[1.0f32], [3.0]]))?;
/// assert_eq!(bn.running_mean.to_vec::<f32>()?, [0.2]); // 0.9 · 0 + 0.1 · 2
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct BatchNorm {
    /// The per-channel scale (ones).
    pub weight: Tensor,
    /// The per-channel shift (zeros).
    pub bias: Tensor,
    /// Buffer: the running mean per channel.
    pub running_mean: Tensor,
    /// Buffer: the running (unbiased) variance per channel.
    pub running_var: Tensor,
    /// Buffer: how many training batches have updated the running statistics (int64).
    pub num_batches_tracked: Tensor,
    /// Added to the variance before the square root.
    pub eps: f64,
    /// The weight of the newest batch in the running statistics.
    pub momentum: f64,
    /// Whether the layer is in training mode.
    pub training: bool,
}

impl BatchNorm {
    /// A float32 layer for `num_features` channels with PyTorch's defaults (`eps=1e-5`,
    /// `momentum=0.1`, affine, tracking running statistics), in training mode.
    pub fn new(num_features: usize) -> Result<BatchNorm> {
        let dtype = DType::Float32;
        Ok(BatchNorm {
            weight: parameter(Tensor::ones(&[num_features], dtype))?,
            bias: parameter(Tensor::zeros(&[num_features], dtype))?,
            running_mean: Tensor::zeros(&[num_features], dtype),
            running_var: Tensor::ones(&[num_features], dtype),
            num_batches_tracked: Tensor::scalar(0i64),
            eps: 1e-5,
            momentum: 0.1,
            training: true,
        })
    }
}

impl Module for BatchNorm {
    fn forward(&self, input: &Tensor) -> Result<Tensor> {
        let shape = input.shape();
        let channels = self.weight.shape()[0];
        if shape.len() < 2 || shape[1] != channels {
            return Err(Error::Shape(format!(
                "batch_norm: expected an input of shape (N, {channels}, *), got {:?}",
                shape.as_slice()
            )));
        }
        let mut stat_shape = vec![1isize; shape.len()];
        stat_shape[1] = channels as isize;
        let per_channel = |t: &Tensor| t.reshape(&stat_shape);
        let (mean, variance) = if self.training {
            let dims: Vec<isize> = (0..shape.len() as isize).filter(|&d| d != 1).collect();
            let count = shape.iter().product::<usize>() / channels;
            if count <= 1 {
                return Err(Error::Value(format!(
                    "Expected more than 1 value per channel when training, got input size {:?}",
                    shape.as_slice()
                )));
            }
            let mean = input.mean_dims(&dims, false)?;
            let variance = input
                .sub(&per_channel(&mean)?)?
                .square()?
                .mean_dims(&dims, false)?;
            no_grad(|| -> Result<()> {
                let m = self.momentum;
                let unbiased = variance.mul(&Tensor::scalar(count as f64 / (count - 1) as f64))?;
                self.running_mean.mul_(&Tensor::scalar(1.0 - m))?;
                self.running_mean.add_scaled_(&mean, m)?;
                self.running_var.mul_(&Tensor::scalar(1.0 - m))?;
                self.running_var.add_scaled_(&unbiased, m)?;
                self.num_batches_tracked.add_(&Tensor::scalar(1i64))
            })?;
            (mean, variance)
        } else {
            (self.running_mean.clone(), self.running_var.clone())
        };
        let scale = variance
            .add(&Tensor::scalar(self.eps))?
            .rsqrt()?
            .mul(&self.weight)?;
        input
            .sub(&per_channel(&mean)?)?
            .mul(&per_channel(&scale)?)?
            .add(&per_channel(&self.bias)?)
    }

    fn visit(&self, f: &mut dyn FnMut(&str, &Tensor, TensorKind)) {
        f("weight", &self.weight, TensorKind::Parameter);
        f("bias", &self.bias, TensorKind::Parameter);
        f("running_mean", &self.running_mean, TensorKind::Buffer);
        f("running_var", &self.running_var, TensorKind::Buffer);
        f(
            "num_batches_tracked",
            &self.num_batches_tracked,
            TensorKind::Buffer,
        );
    }

    fn train(&mut self, mode: bool) {
        self.training = mode;
    }
}
