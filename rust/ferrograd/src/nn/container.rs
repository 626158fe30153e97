//! `Sequential` and `Dropout`.

use super::{functional, visit_child, Module, TensorKind};
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// Layers applied in order (`nn.Sequential`); the tensors of layer `i` are named `"i.<name>"`.
///
/// ```
/// use ferrograd::nn::{self, Module};
///
/// # fn main() -> ferrograd::Result<()> {
/// let model = nn::Sequential::new()
///     .add(nn::Linear::new(2, 2, true)?)
///     .add(nn::Tanh)
///     .add(nn::Linear::new(2, 1, false)?);
/// assert_eq!(model.len(), 3);
/// assert_eq!(model.state_dict().keys(), ["0.weight", "0.bias", "2.weight"]);
/// # Ok(())
/// # }
/// ```
#[derive(Default)]
pub struct Sequential {
    layers: Vec<Box<dyn Module>>,
}

impl Sequential {
    /// An empty sequence (the identity).
    pub fn new() -> Sequential {
        Sequential::default()
    }

    /// This sequence with `layer` appended.
    #[allow(clippy::should_implement_trait)]
    pub fn add(mut self, layer: impl Module + 'static) -> Sequential {
        self.layers.push(Box::new(layer));
        self
    }

    /// Appends `layer`.
    pub fn push(&mut self, layer: impl Module + 'static) {
        self.layers.push(Box::new(layer));
    }

    /// The number of layers.
    pub fn len(&self) -> usize {
        self.layers.len()
    }

    /// Whether there are no layers.
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// Layer `index`.
    pub fn get(&self, index: usize) -> Option<&dyn Module> {
        self.layers.get(index).map(|layer| &**layer)
    }
}

impl Module for Sequential {
    fn forward(&self, input: &Tensor) -> Result<Tensor> {
        let mut x = input.clone();
        for layer in &self.layers {
            x = layer.forward(&x)?;
        }
        Ok(x)
    }

    fn visit(&self, f: &mut dyn FnMut(&str, &Tensor, TensorKind)) {
        for (i, layer) in self.layers.iter().enumerate() {
            visit_child(f, &i.to_string(), &**layer);
        }
    }

    fn train(&mut self, mode: bool) {
        for layer in &mut self.layers {
            layer.train(mode);
        }
    }
}

/// Zeroes elements with probability `p` in training and scales the rest by `1 / (1 - p)`
/// (`nn.Dropout`); the identity in evaluation.
///
/// ```
/// use ferrograd::nn::{Dropout, Module};
/// use ferrograd::{DType, Tensor};
///
/// # fn main() -> ferrograd::Result<()> {
/// let mut dropout = Dropout::new(0.5)?;
/// let x = Tensor::ones(&[1000], DType::Float32);
/// let kept = dropout.forward(&x)?.to_vec::<f32>()?;
/// assert!(kept.iter().all(|&v| v == 0.0 || v == 2.0));
/// dropout.eval();
/// assert_eq!(dropout.forward(&x)?.to_vec::<f32>()?, x.to_vec::<f32>()?);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Dropout {
    /// The probability of zeroing an element.
    pub p: f64,
    /// Whether the layer is in training mode.
    pub training: bool,
}

impl Dropout {
    /// A dropout layer in training mode; `p` must be in `[0, 1]`.
    pub fn new(p: f64) -> Result<Dropout> {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::Value(format!(
                "dropout probability has to be between 0 and 1, but got {p}"
            )));
        }
        Ok(Dropout { p, training: true })
    }
}

impl Module for Dropout {
    fn forward(&self, input: &Tensor) -> Result<Tensor> {
        functional::dropout(input, self.p, self.training)
    }

    fn visit(&self, _: &mut dyn FnMut(&str, &Tensor, TensorKind)) {}

    fn train(&mut self, mode: bool) {
        self.training = mode;
    }
}
