//! Neural-network building blocks with PyTorch's names, defaults and initialisation.
//!
//! A model is a value implementing [`Module`]: it maps an input tensor to an output tensor and
//! lists its tensors (parameters, and buffers such as a batch norm's running statistics) under
//! the dotted names PyTorch's `state_dict()` uses (`"0.weight"`, `"fc1.bias"`), so a state dict
//! saved from Python loads into the Rust model and back (see [`crate::serialize`]).
//!
//! ```
//! use ferrograd::nn::{self, Module};
//! use ferrograd::{DType, Tensor};
//!
//! # fn main() -> ferrograd::Result<()> {
//! let model = nn::Sequential::new()
//!     .add(nn::Linear::new(4, 8, true)?)
//!     .add(nn::ReLU)
//!     .add(nn::Linear::new(8, 3, true)?);
//! let names: Vec<String> = model.named_parameters().into_iter().map(|(n, _)| n).collect();
//! assert_eq!(names, ["0.weight", "0.bias", "2.weight", "2.bias"]);
//! let logits = model.forward(&Tensor::randn(&[5, 4], DType::Float32)?)?;
//! assert_eq!(logits.shape().as_slice(), &[5, 3]);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod activation;
mod attention;
mod container;
mod conv;
pub mod functional;
pub mod init;
mod linear;
mod norm;
mod recurrent;
mod state;

pub use activation::{Flatten, Identity, ReLU, Sigmoid, Tanh, GELU};
pub use attention::{AttentionConfig, AttentionOptions, MultiheadAttention};
pub use container::{Dropout, Sequential};
pub use conv::{AvgPool2d, Conv1d, Conv2d, ConvTranspose2d, MaxPool2d};
pub use linear::{Embedding, Linear};
pub use norm::{BatchNorm, LayerNorm, RMSNorm};
pub use recurrent::{RecurrentConfig, GRU, LSTM};
pub use state::StateDict;

use crate::autograd::no_grad;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// What a tensor of a module is to PyTorch: a trained parameter or a buffer (state that
/// `state_dict()` saves but optimizers do not update, such as running statistics).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TensorKind {
    /// A tensor the optimizer updates (`nn.Parameter`).
    Parameter,
    /// A tensor saved with the model but not trained (`register_buffer`).
    Buffer,
}

/// A layer or a model: a forward computation and the named tensors it owns.
///
/// Implementors write [`forward`](Module::forward) and [`visit`](Module::visit) (and
/// [`train`](Module::train) when they behave differently in training); names, parameter lists
/// and state dicts follow from `visit`. A composite model visits its children with
/// [`visit_child`]:
///
/// ```
/// use ferrograd::nn::{self, Module, TensorKind};
/// use ferrograd::{Result, Tensor};
///
/// struct Mlp {
///     fc1: nn::Linear,
///     fc2: nn::Linear,
/// }
///
/// impl Module for Mlp {
///     fn forward(&self, x: &Tensor) -> Result<Tensor> {
///         self.fc2.forward(&nn::functional::relu(&self.fc1.forward(x)?)?)
///     }
///     fn visit(&self, f: &mut dyn FnMut(&str, &Tensor, TensorKind)) {
///         nn::visit_child(f, "fc1", &self.fc1);
///         nn::visit_child(f, "fc2", &self.fc2);
///     }
/// }
///
/// # fn main() -> Result<()> {
/// let mlp = Mlp { fc1: nn::Linear::new(2, 4, true)?, fc2: nn::Linear::new(4, 1, false)? };
/// assert_eq!(mlp.state_dict().keys(), ["fc1.weight", "fc1.bias", "fc2.weight"]);
/// # Ok(())
/// # }
/// ```
pub trait Module {
    /// The output for `input`.
    fn forward(&self, input: &Tensor) -> Result<Tensor>;

    /// Calls `f` with each tensor this module owns, its name relative to the module, and its
    /// kind, in PyTorch's `state_dict()` order (a module's own parameters, then its buffers,
    /// then its children's).
    fn visit(&self, f: &mut dyn FnMut(&str, &Tensor, TensorKind));

    /// Switches training mode (dropout, batch norm statistics) on or off, in this module and
    /// its children. Modules that behave the same either way keep the default, which does
    /// nothing.
    fn train(&mut self, mode: bool) {
        let _ = mode;
    }

    /// Evaluation mode: `train(false)`.
    fn eval(&mut self) {
        self.train(false)
    }

    /// The parameters with their dotted names (PyTorch's `named_parameters()`).
    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        let mut out = Vec::new();
        self.visit(&mut |name, t, kind| {
            if kind == TensorKind::Parameter {
                out.push((name.to_string(), t.clone()));
            }
        });
        out
    }

    /// The parameters, in the order of [`named_parameters`](Module::named_parameters); hand
    /// them to an optimizer.
    fn parameters(&self) -> Vec<Tensor> {
        self.named_parameters()
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    }

    /// The buffers with their dotted names (PyTorch's `named_buffers()`).
    fn named_buffers(&self) -> Vec<(String, Tensor)> {
        let mut out = Vec::new();
        self.visit(&mut |name, t, kind| {
            if kind == TensorKind::Buffer {
                out.push((name.to_string(), t.clone()));
            }
        });
        out
    }

    /// Parameters and buffers by name, detached (sharing their data with the module), in
    /// PyTorch's order: what `model.state_dict()` returns.
    fn state_dict(&self) -> StateDict {
        let mut out = StateDict::new();
        self.visit(&mut |name, t, _| {
            out.insert(name, t.detach());
        });
        out
    }

    /// Copies the values of `state` into this module's tensors (without recording gradients).
    /// With `strict`, every key of the module must be in `state` and no other; a tensor of
    /// another shape is an error either way, and nothing is copied unless every check passes.
    fn load_state_dict(&self, state: &StateDict, strict: bool) -> Result<()> {
        let mut targets = Vec::new();
        self.visit(&mut |name, t, _| targets.push((name.to_string(), t.clone())));
        let mut missing = Vec::new();
        let mut pairs = Vec::new();
        for (name, target) in &targets {
            match state.get(name) {
                Some(source) => {
                    if source.shape() != target.shape() {
                        return Err(Error::Shape(format!(
                            "Error(s) in loading state_dict: size mismatch for {name}: copying a param with shape {:?} from checkpoint, the shape in current model is {:?}.",
                            source.shape().as_slice(),
                            target.shape().as_slice()
                        )));
                    }
                    pairs.push((target, source));
                }
                None => missing.push(name.clone()),
            }
        }
        if strict {
            let unexpected: Vec<&str> = state
                .keys()
                .into_iter()
                .filter(|k| !targets.iter().any(|(name, _)| name == k))
                .collect();
            if !missing.is_empty() || !unexpected.is_empty() {
                return Err(Error::Value(format!(
                    "Error(s) in loading state_dict: Missing key(s) in state_dict: {missing:?}. Unexpected key(s) in state_dict: {unexpected:?}."
                )));
            }
        }
        no_grad(|| {
            pairs
                .into_iter()
                .try_for_each(|(target, source)| target.copy_(source))
        })
    }

    /// Clears the gradient of every parameter (PyTorch's `zero_grad(set_to_none=True)`).
    fn zero_grad(&self) -> Result<()> {
        self.parameters().iter().try_for_each(|p| p.set_grad(None))
    }
}

/// Visits `child`'s tensors as `name.<their name>`: how a composite module implements
/// [`Module::visit`] for a field named `name`.
pub fn visit_child(f: &mut dyn FnMut(&str, &Tensor, TensorKind), name: &str, child: &dyn Module) {
    child.visit(&mut |inner, t, kind| f(&format!("{name}.{inner}"), t, kind));
}

impl<M: Module + ?Sized> Module for Box<M> {
    fn forward(&self, input: &Tensor) -> Result<Tensor> {
        (**self).forward(input)
    }
    fn visit(&self, f: &mut dyn FnMut(&str, &Tensor, TensorKind)) {
        (**self).visit(f)
    }
    fn train(&mut self, mode: bool) {
        (**self).train(mode)
    }
}

/// A new leaf parameter holding `value`'s data (`nn.Parameter(value)`).
pub(crate) fn parameter(value: Tensor) -> Result<Tensor> {
    value.detach().requires_grad_()
}
