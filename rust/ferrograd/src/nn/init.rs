//! Initial values of parameters, as `torch.nn.init` draws them (from this crate's generator,
//! seeded by [`crate::ops::manual_seed`]; the numbers differ from PyTorch's, the distributions
//! do not).

use crate::array::DType;
use crate::autograd::no_grad;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// `fan_in` of a weight of shape `(out, in, *kernel)`: `in × prod(kernel)`.
///
/// ```
/// assert_eq!(ferrograd::nn::init::fan_in(&[16, 3, 5, 5]).unwrap(), 75);
/// ```
pub fn fan_in(shape: &[usize]) -> Result<usize> {
    if shape.len() < 2 {
        return Err(Error::Value(format!(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got shape {shape:?})"
        )));
    }
    Ok(shape[1] * shape[2..].iter().product::<usize>())
}

/// Values drawn uniformly from `[low, high)` (`nn.init.uniform_`).
///
/// ```
/// use ferrograd::{nn::init, DType};
/// let t = init::uniform(&[1000], -0.5, 0.5, DType::Float32).unwrap();
/// assert!(t.to_vec::<f32>().unwrap().iter().all(|v| (-0.5..0.5).contains(v)));
/// ```
pub fn uniform(shape: &[usize], low: f64, high: f64, dtype: DType) -> Result<Tensor> {
    no_grad(|| {
        Tensor::rand(shape, dtype)?
            .mul(&Tensor::scalar(high - low))?
            .add(&Tensor::scalar(low))
    })
}

/// Values drawn from a normal distribution (`nn.init.normal_`).
pub fn normal(shape: &[usize], mean: f64, std: f64, dtype: DType) -> Result<Tensor> {
    no_grad(|| {
        Tensor::randn(shape, dtype)?
            .mul(&Tensor::scalar(std))?
            .add(&Tensor::scalar(mean))
    })
}

/// He uniform initialisation with leaky-ReLU slope `a` for `mode='fan_in'`
/// (`nn.init.kaiming_uniform_`): bound `sqrt(6 / ((1 + a²) fan_in))`. With `a = √5`, the
/// default of PyTorch's `Linear` and `Conv` weights, the bound is `1 / sqrt(fan_in)`.
pub fn kaiming_uniform(shape: &[usize], a: f64, dtype: DType) -> Result<Tensor> {
    let fan = fan_in(shape)?;
    if fan == 0 {
        return Ok(Tensor::zeros(shape, dtype));
    }
    let gain = (2.0 / (1.0 + a * a)).sqrt();
    let bound = 3f64.sqrt() * gain / (fan as f64).sqrt();
    uniform(shape, -bound, bound, dtype)
}

/// The default weight and bias of a `Linear` or `Conv` layer: `kaiming_uniform(a=√5)` for the
/// weight, uniform in `±1/sqrt(fan_in)` for the bias.
pub(crate) fn default_weight_and_bias(
    weight_shape: &[usize],
    bias: bool,
    dtype: DType,
) -> Result<(Tensor, Option<Tensor>)> {
    let weight = kaiming_uniform(weight_shape, 5f64.sqrt(), dtype)?;
    let fan = fan_in(weight_shape)?;
    let bias = if bias {
        let bound = if fan > 0 {
            1.0 / (fan as f64).sqrt()
        } else {
            0.0
        };
        Some(uniform(&[weight_shape[0]], -bound, bound, dtype)?)
    } else {
        None
    };
    Ok((weight, bias))
}
