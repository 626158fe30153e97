//! Parameterless layers for [`Sequential`](super::Sequential): activations, `Flatten`,
//! `Identity`.

use super::functional::{self, GeluApproximate};
use super::{Module, TensorKind};
use crate::error::Result;
use crate::tensor::Tensor;

macro_rules! activation {
    ($(#[$doc:meta])* $name:ident, |$x:ident| $body:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;

        impl Module for $name {
            fn forward(&self, $x: &Tensor) -> Result<Tensor> {
                $body
            }

            fn visit(&self, _: &mut dyn FnMut(&str, &Tensor, TensorKind)) {}
        }
    };
}

activation!(
    /// `max(x, 0)` (`nn.ReLU`).
    ReLU, |x| functional::relu(x)
);
activation!(
    /// The hyperbolic tangent (`nn.Tanh`).
    Tanh, |x| functional::tanh(x)
);
activation!(
    /// The logistic sigmoid (`nn.Sigmoid`).
    Sigmoid, |x| functional::sigmoid(x)
);
activation!(
    /// The input unchanged (`nn.Identity`).
    Identity, |x| Ok(x.clone())
);

/// `x · Φ(x)` (`nn.GELU`), exact or with the tanh approximation.
#[derive(Clone, Copy, Debug, Default)]
pub struct GELU {
    /// How Φ is computed.
    pub approximate: GeluApproximate,
}

impl Module for GELU {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        functional::gelu(x, self.approximate)
    }

    fn visit(&self, _: &mut dyn FnMut(&str, &Tensor, TensorKind)) {}
}

/// Flattens dimensions `start_dim..=end_dim` into one (`nn.Flatten`, by default all but the
/// batch dimension).
#[derive(Clone, Copy, Debug)]
pub struct Flatten {
    /// The first dimension flattened.
    pub start_dim: isize,
    /// The last dimension flattened.
    pub end_dim: isize,
}

impl Default for Flatten {
    fn default() -> Flatten {
        Flatten {
            start_dim: 1,
            end_dim: -1,
        }
    }
}

impl Module for Flatten {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        x.flatten(self.start_dim, self.end_dim)
    }

    fn visit(&self, _: &mut dyn FnMut(&str, &Tensor, TensorKind)) {}
}
