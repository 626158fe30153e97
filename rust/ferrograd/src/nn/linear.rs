//! `Linear` and `Embedding`.

use super::{functional, init, parameter, Module, TensorKind};
use crate::array::DType;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// `y = x Wᵀ + b` (`nn.Linear`), weight `(out_features, in_features)`.
///
/// ```
/// use ferrograd::nn::{Linear, Module};
/// use ferrograd::Tensor;
///
/// # fn main() -> ferrograd::Result<()> {
/// let layer = Linear::from_parameters(
///     Tensor::from([[1.0f32, 2.0], [0.0, -1.0]]),
///     Some(Tensor::from(vec![0.5f32, 0.0])),
/// )?;
/// let y = layer.forward(&Tensor::from([[1.0f32, 1.0]]))?;
/// assert_eq!(y.to_vec::<f32>()?, [3.5, -1.0]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Linear {
    /// `(out_features, in_features)`.
    pub weight: Tensor,
    /// `(out_features,)`, if the layer has a bias.
    pub bias: Option<Tensor>,
}

impl Linear {
    /// A float32 layer initialised as PyTorch's: weight and bias uniform in
    /// `±1/sqrt(in_features)`.
    pub fn new(in_features: usize, out_features: usize, bias: bool) -> Result<Linear> {
        Linear::with_dtype(in_features, out_features, bias, DType::Float32)
    }

    /// [`Linear::new`] with parameters of `dtype`.
    pub fn with_dtype(
        in_features: usize,
        out_features: usize,
        bias: bool,
        dtype: DType,
    ) -> Result<Linear> {
        let (weight, bias) =
            init::default_weight_and_bias(&[out_features, in_features], bias, dtype)?;
        Linear::from_parameters(weight, bias)
    }

    /// A layer holding copies of the given values as its (new, trainable) parameters.
    pub fn from_parameters(weight: Tensor, bias: Option<Tensor>) -> Result<Linear> {
        if weight.ndim() != 2 {
            return Err(Error::Shape(format!(
                "Linear: expected a 2-D weight (out_features, in_features), got shape {:?}",
                weight.shape().as_slice()
            )));
        }
        if let Some(b) = &bias {
            if b.shape().as_slice() != [weight.shape()[0]] {
                return Err(Error::Shape(format!(
                    "Linear: expected a bias of shape [{}], got {:?}",
                    weight.shape()[0],
                    b.shape().as_slice()
                )));
            }
        }
        Ok(Linear {
            weight: parameter(weight)?,
            bias: bias.map(parameter).transpose()?,
        })
    }
}

impl Module for Linear {
    fn forward(&self, input: &Tensor) -> Result<Tensor> {
        functional::linear(input, &self.weight, self.bias.as_ref())
    }

    fn visit(&self, f: &mut dyn FnMut(&str, &Tensor, TensorKind)) {
        f("weight", &self.weight, TensorKind::Parameter);
        if let Some(b) = &self.bias {
            f("bias", b, TensorKind::Parameter);
        }
    }
}

/// A lookup table of `num_embeddings` vectors of size `embedding_dim` (`nn.Embedding`): maps
/// integer indices of any shape to their rows, adding a trailing dimension.
///
/// ```
/// use ferrograd::nn::{Embedding, Module};
/// use ferrograd::Tensor;
///
/// # fn main() -> ferrograd::Result<()> {
/// let table = Embedding::from_weight(Tensor::from([[0.0f32, 1.0], [2.0, 3.0], [4.0, 5.0]]))?;
/// let rows = table.forward(&Tensor::from([[2i64, 0]]))?;
/// assert_eq!(rows.shape().as_slice(), &[1, 2, 2]);
/// assert_eq!(rows.to_vec::<f32>()?, [4.0, 5.0, 0.0, 1.0]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Embedding {
    /// `(num_embeddings, embedding_dim)`.
    pub weight: Tensor,
}

impl Embedding {
    /// A float32 table drawn from the standard normal distribution, as PyTorch's.
    pub fn new(num_embeddings: usize, embedding_dim: usize) -> Result<Embedding> {
        Embedding::from_weight(init::normal(
            &[num_embeddings, embedding_dim],
            0.0,
            1.0,
            DType::Float32,
        )?)
    }

    /// A table holding a copy of `weight` as its (trainable) parameter.
    pub fn from_weight(weight: Tensor) -> Result<Embedding> {
        if weight.ndim() != 2 {
            return Err(Error::Shape(format!(
                "Embedding: expected a 2-D weight (num_embeddings, embedding_dim), got shape {:?}",
                weight.shape().as_slice()
            )));
        }
        Ok(Embedding {
            weight: parameter(weight)?,
        })
    }
}

impl Module for Embedding {
    fn forward(&self, input: &Tensor) -> Result<Tensor> {
        let rows = self.weight.index_select(0, &input.reshape(&[-1])?)?;
        let mut shape: Vec<isize> = input.shape().iter().map(|&s| s as isize).collect();
        shape.push(self.weight.shape()[1] as isize);
        rows.reshape(&shape)
    }

    fn visit(&self, f: &mut dyn FnMut(&str, &Tensor, TensorKind)) {
        f("weight", &self.weight, TensorKind::Parameter);
    }
}
