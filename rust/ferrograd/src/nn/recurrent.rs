//! Recurrent layers `LSTM` and `GRU`: stacked, optionally bidirectional, over the engine's fused
//! ops ([`Tensor::lstm_layer`], [`Tensor::gru_cell`]).
//!
//! Each direction of a layer projects the whole sequence through `weight_ih` with one matrix
//! product. The LSTM then runs the whole sequence as one op. The GRU splits the projection into
//! its time steps with one node (slicing step by step would scatter each step's gradient into a
//! zero tensor of the whole sequence: quadratic in its length), then runs one product with
//! `weight_hh` and the fused cell per step.

use std::sync::Arc;

use super::{functional, init, parameter, Module, TensorKind};
use crate::array::DType;
use crate::autograd::custom::{apply_custom, CustomBackward};
use crate::autograd::no_grad;
use crate::error::{Error, Result};
use crate::ops::IndexItem;
use crate::tensor::Tensor;

/// The constructor arguments `LSTM` and `GRU` share after the sizes, with PyTorch's defaults
/// (one layer, biases, time-major `(T, N, *)` tensors, no dropout, one direction, float32).
///
/// ```
/// use ferrograd::nn::{RecurrentConfig, GRU};
///
/// # fn main() -> ferrograd::Result<()> {
/// let gru = GRU::with_config(8, 16, RecurrentConfig { num_layers: 2, batch_first: true, ..Default::default() })?;
/// assert_eq!(gru.config().num_layers, 2);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecurrentConfig {
    /// Stacked layers; layer `k > 0` reads the outputs of layer `k - 1`.
    pub num_layers: usize,
    /// Whether each layer has `bias_ih` and `bias_hh`.
    pub bias: bool,
    /// Inputs and outputs are `(N, T, *)` rather than `(T, N, *)` (states stay `(L·D, N, H)`).
    pub batch_first: bool,
    /// Dropout probability on the outputs of every layer but the last, in training mode.
    pub dropout: f64,
    /// A second direction per layer runs the sequence backwards; outputs concatenate both.
    pub bidirectional: bool,
    /// The parameters' dtype.
    pub dtype: DType,
}

impl Default for RecurrentConfig {
    fn default() -> RecurrentConfig {
        RecurrentConfig {
            num_layers: 1,
            bias: true,
            batch_first: false,
            dropout: 0.0,
            bidirectional: false,
            dtype: DType::Float32,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cell {
    Lstm,
    Gru,
}

impl Cell {
    fn gates(self) -> usize {
        match self {
            Cell::Lstm => 4,
            Cell::Gru => 3,
        }
    }

    /// How many state tensors the cell carries: `h` (and `c`).
    fn states(self) -> usize {
        match self {
            Cell::Lstm => 2,
            Cell::Gru => 1,
        }
    }
}

/// The parameters of one direction of one layer.
#[derive(Clone, Debug)]
struct DirectionWeights {
    weight_ih: Tensor,
    weight_hh: Tensor,
    bias_ih: Option<Tensor>,
    bias_hh: Option<Tensor>,
}

/// What `LSTM` and `GRU` share: the sizes, the configuration and the weights, layer by layer
/// and within a layer forward direction first.
#[derive(Clone, Debug)]
struct Recurrent {
    cell: Cell,
    input_size: usize,
    hidden_size: usize,
    config: RecurrentConfig,
    training: bool,
    weights: Vec<DirectionWeights>,
}

impl Recurrent {
    fn new(
        cell: Cell,
        input_size: usize,
        hidden_size: usize,
        config: RecurrentConfig,
    ) -> Result<Recurrent> {
        if hidden_size == 0 || config.num_layers == 0 {
            return Err(Error::Value(format!(
                "hidden_size and num_layers must be greater than 0 (got {hidden_size} and {})",
                config.num_layers
            )));
        }
        if !(0.0..=1.0).contains(&config.dropout) {
            return Err(Error::Value(
                "dropout should be a number in range [0, 1] representing the probability of an element being zeroed".into(),
            ));
        }
        if !config.dtype.is_floating() {
            return Err(Error::DType(format!(
                "recurrent layers need floating point parameters, got {}",
                config.dtype
            )));
        }
        let bound = 1.0 / (hidden_size as f64).sqrt();
        let draw = |shape: &[usize]| init::uniform(shape, -bound, bound, config.dtype);
        let rows = cell.gates() * hidden_size;
        let directions = if config.bidirectional { 2 } else { 1 };
        let mut weights = Vec::new();
        for layer in 0..config.num_layers {
            let layer_input = if layer == 0 {
                input_size
            } else {
                hidden_size * directions
            };
            for _ in 0..directions {
                let bias = || -> Result<Option<Tensor>> {
                    match config.bias {
                        true => Ok(Some(parameter(draw(&[rows])?)?)),
                        false => Ok(None),
                    }
                };
                weights.push(DirectionWeights {
                    weight_ih: parameter(draw(&[rows, layer_input])?)?,
                    weight_hh: parameter(draw(&[rows, hidden_size])?)?,
                    bias_ih: bias()?,
                    bias_hh: bias()?,
                });
            }
        }
        Ok(Recurrent {
            cell,
            input_size,
            hidden_size,
            config,
            training: true,
            weights,
        })
    }

    fn directions(&self) -> usize {
        if self.config.bidirectional {
            2
        } else {
            1
        }
    }

    fn visit(&self, f: &mut dyn FnMut(&str, &Tensor, TensorKind)) {
        let directions = self.directions();
        for (k, w) in self.weights.iter().enumerate() {
            let layer = k / directions;
            let suffix = if k % directions == 1 { "_reverse" } else { "" };
            let mut put = |kind: &str, t: &Tensor| {
                f(
                    &format!("{kind}_l{layer}{suffix}"),
                    t,
                    TensorKind::Parameter,
                )
            };
            put("weight_ih", &w.weight_ih);
            put("weight_hh", &w.weight_hh);
            if let Some(b) = &w.bias_ih {
                put("bias_ih", b);
            }
            if let Some(b) = &w.bias_hh {
                put("bias_hh", b);
            }
        }
    }

    /// Runs every layer over `input` from the initial states `initial` (each `(L·D, N, H)`,
    /// or `(L·D, H)` for an unbatched input; zeros when empty). Returns the last layer's
    /// outputs and the final states, shaped as the initial ones.
    fn run(&self, input: &Tensor, initial: &[&Tensor]) -> Result<(Tensor, Vec<Tensor>)> {
        let name = match self.cell {
            Cell::Lstm => "LSTM",
            Cell::Gru => "GRU",
        };
        let unbatched = match input.ndim() {
            2 => true,
            3 => false,
            _ => {
                return Err(Error::Shape(format!(
                    "{name}: Expected input to be 2D or 3D, got {}D instead",
                    input.ndim()
                )))
            }
        };
        let x = if unbatched {
            input.unsqueeze(1)?
        } else if self.config.batch_first {
            input.transpose(0, 1)?
        } else {
            input.clone()
        };
        let (steps, batch, features) = (x.shape()[0], x.shape()[1], x.shape()[2]);
        if features != self.input_size {
            return Err(Error::Shape(format!(
                "input.size(-1) must be equal to input_size. Expected {}, got {features}",
                self.input_size
            )));
        }
        if steps == 0 {
            return Err(Error::Shape(format!(
                "{name}: expected a sequence of at least one time step"
            )));
        }
        let slots = self.config.num_layers * self.directions();
        let states: Vec<Tensor> = match initial {
            [] => (0..self.cell.states())
                .map(|_| Tensor::zeros(&[slots, batch, self.hidden_size], x.dtype()))
                .collect(),
            given => given
                .iter()
                .map(|s| {
                    let s = if unbatched {
                        s.unsqueeze(1)?
                    } else {
                        (*s).clone()
                    };
                    let wanted = [slots, batch, self.hidden_size];
                    if s.shape().as_slice() != wanted {
                        return Err(Error::Shape(format!(
                            "Expected hidden size {wanted:?}, got {:?}",
                            s.shape().as_slice()
                        )));
                    }
                    Ok(s)
                })
                .collect::<Result<_>>()?,
        };
        let mut layer_input = x;
        let mut finals: Vec<Vec<Tensor>> = vec![Vec::new(); self.cell.states()];
        for layer in 0..self.config.num_layers {
            if layer > 0 {
                layer_input =
                    functional::dropout(&layer_input, self.config.dropout, self.training)?;
            }
            let mut outputs = Vec::new();
            for direction in 0..self.directions() {
                let slot = layer * self.directions() + direction;
                let start = states
                    .iter()
                    .map(|s| s.index(&[IndexItem::Int(slot as i64)]))
                    .collect::<Result<Vec<_>>>()?;
                let (out, last) =
                    self.run_direction(&layer_input, &self.weights[slot], start, direction == 1)?;
                outputs.push(out);
                for (kept, state) in finals.iter_mut().zip(last) {
                    kept.push(state);
                }
            }
            layer_input = match outputs.len() {
                1 => outputs.remove(0),
                _ => Tensor::cat(&outputs, 2)?,
            };
        }
        let output = if unbatched {
            layer_input.squeeze(Some(1))?
        } else if self.config.batch_first {
            layer_input.transpose(0, 1)?
        } else {
            layer_input
        };
        let finals = finals
            .iter()
            .map(|parts| {
                let s = Tensor::stack(parts, 0)?;
                if unbatched {
                    s.squeeze(Some(1))
                } else {
                    Ok(s)
                }
            })
            .collect::<Result<_>>()?;
        Ok((output, finals))
    }

    /// One direction of one layer over `x` `(T, N, I)` from `state` (`(N, H)` each): the
    /// outputs `(T, N, H)` and the final state.
    fn run_direction(
        &self,
        x: &Tensor,
        w: &DirectionWeights,
        mut state: Vec<Tensor>,
        reverse: bool,
    ) -> Result<(Tensor, Vec<Tensor>)> {
        let (steps, batch, features) = (x.shape()[0], x.shape()[1], x.shape()[2]);
        let rows = self.cell.gates() * self.hidden_size;
        // The LSTM adds both biases once for the whole sequence; the GRU's b_hh stays with the
        // hidden projection, since its `n` part sits inside the reset gate's product.
        let input_bias = match (self.cell, &w.bias_ih, &w.bias_hh) {
            (Cell::Lstm, Some(b_ih), Some(b_hh)) => Some(b_ih.add(b_hh)?),
            (_, b_ih, _) => b_ih.clone(),
        };
        let projected = functional::linear(
            &x.reshape(&[(steps * batch) as isize, features as isize])?,
            &w.weight_ih,
            input_bias.as_ref(),
        )?
        .reshape(&[steps as isize, batch as isize, rows as isize])?;
        if let Cell::Lstm = self.cell {
            let (out, h, c) = projected.lstm_layer(&state[0], &state[1], &w.weight_hh, reverse)?;
            return Ok((out, vec![h, c]));
        }
        let projected = unbind_steps(&projected)?;
        let mut outputs = vec![None; steps];
        for t in 0..steps {
            let t = if reverse { steps - 1 - t } else { t };
            let hidden = functional::linear(&state[0], &w.weight_hh, w.bias_hh.as_ref())?;
            state = vec![projected[t].gru_cell(&hidden, &state[0])?];
            outputs[t] = Some(state[0].clone());
        }
        let outputs: Vec<Tensor> = outputs.into_iter().flatten().collect();
        Ok((Tensor::stack(&outputs, 0)?, state))
    }
}

/// The backward of [`unbind_steps`]: the steps' gradients stacked back (zeros for a step that
/// got none).
struct UnbindBackward;

impl CustomBackward for UnbindBackward {
    fn name(&self) -> String {
        "UnbindBackward0".into()
    }

    fn backward(
        &self,
        _saved: &[Option<Tensor>],
        grad_outputs: &[Option<Tensor>],
    ) -> Result<Vec<Option<Tensor>>> {
        let Some(like) = grad_outputs.iter().flatten().next() else {
            return Ok(vec![None]);
        };
        let parts: Vec<Tensor> = grad_outputs
            .iter()
            .map(|g| {
                g.clone()
                    .unwrap_or_else(|| Tensor::zeros(&like.shape(), like.dtype()))
            })
            .collect();
        Ok(vec![Some(Tensor::stack(&parts, 0)?)])
    }
}

/// `x`'s slices along dimension 0 (views), recorded as one node.
fn unbind_steps(x: &Tensor) -> Result<Vec<Tensor>> {
    let count = x.shape()[0];
    let views = no_grad(|| {
        (0..count)
            .map(|i| Ok(x.index(&[IndexItem::Int(i as i64)])?.data()))
            .collect::<Result<Vec<_>>>()
    })?;
    apply_custom(
        Arc::new(UnbindBackward),
        &[x],
        views,
        Vec::new(),
        &vec![false; count],
    )
}

/// Long short-term memory (`nn.LSTM`): for each time step,
/// `i, f, g, o = x Wᵢₕᵀ + bᵢₕ + h Wₕₕᵀ + bₕₕ` (the gates in PyTorch's order),
/// `c' = σ(f)·c + σ(i)·tanh(g)`, `h' = σ(o)·tanh(c')`.
///
/// Parameters are named as PyTorch's (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`,
/// `bias_hh_l0`, ..., `_reverse` for the backward direction) and initialised uniform in
/// `±1/sqrt(hidden_size)`, so a Python `state_dict` loads. [`Module::forward`] returns the
/// outputs only; [`LSTM::forward_with_state`] takes and returns `(h, c)`.
///
/// ```
/// use ferrograd::nn::{Module, LSTM};
/// use ferrograd::{DType, Tensor};
///
/// # fn main() -> ferrograd::Result<()> {
/// let lstm = LSTM::new(3, 5)?;
/// assert_eq!(lstm.state_dict().keys(), ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]);
/// let x = Tensor::randn(&[7, 2, 3], DType::Float32)?; // (T, N, input_size)
/// let (y, (h, c)) = lstm.forward_with_state(&x, None)?;
/// assert_eq!(y.shape().as_slice(), &[7, 2, 5]);
/// assert_eq!(h.shape().as_slice(), &[1, 2, 5]);
/// assert_eq!(c.shape().as_slice(), &[1, 2, 5]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct LSTM(Recurrent);

/// Gated recurrent unit (`nn.GRU`): for each time step, with the gates in PyTorch's order,
/// `r = σ(xᵣ + hᵣ)`, `z = σ(x_z + h_z)`, `n = tanh(xₙ + r·hₙ)`, `h' = (1 - z)·n + z·h`, where
/// `x = x Wᵢₕᵀ + bᵢₕ` and `h = h Wₕₕᵀ + bₕₕ`.
///
/// Parameters are named and initialised as PyTorch's (see [`LSTM`]).
///
/// ```
/// use ferrograd::nn::{Module, GRU, RecurrentConfig};
/// use ferrograd::{DType, Tensor};
///
/// # fn main() -> ferrograd::Result<()> {
/// let config = RecurrentConfig { bidirectional: true, batch_first: true, ..Default::default() };
/// let gru = GRU::with_config(3, 4, config)?;
/// let x = Tensor::randn(&[2, 6, 3], DType::Float32)?; // (N, T, input_size)
/// let (y, h) = gru.forward_with_state(&x, None)?;
/// assert_eq!(y.shape().as_slice(), &[2, 6, 8]); // both directions' outputs
/// assert_eq!(h.shape().as_slice(), &[2, 2, 4]); // (layers · directions, N, hidden)
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct GRU(Recurrent);

macro_rules! recurrent_accessors {
    ($layer:ident, $cell:expr) => {
        impl $layer {
            /// A one-layer, one-direction float32 layer with biases, over `(T, N, input_size)`
            /// inputs.
            pub fn new(input_size: usize, hidden_size: usize) -> Result<$layer> {
                $layer::with_config(input_size, hidden_size, RecurrentConfig::default())
            }

            /// A layer with the given configuration, in training mode.
            pub fn with_config(
                input_size: usize,
                hidden_size: usize,
                config: RecurrentConfig,
            ) -> Result<$layer> {
                Ok($layer(Recurrent::new(
                    $cell,
                    input_size,
                    hidden_size,
                    config,
                )?))
            }

            /// The number of features of each input step.
            pub fn input_size(&self) -> usize {
                self.0.input_size
            }

            /// The number of features of the state (and of each direction's output).
            pub fn hidden_size(&self) -> usize {
                self.0.hidden_size
            }

            /// The configuration the layer was made with.
            pub fn config(&self) -> RecurrentConfig {
                self.0.config
            }
        }

        impl Module for $layer {
            fn forward(&self, input: &Tensor) -> Result<Tensor> {
                Ok(self.0.run(input, &[])?.0)
            }

            fn visit(&self, f: &mut dyn FnMut(&str, &Tensor, TensorKind)) {
                self.0.visit(f)
            }

            fn train(&mut self, mode: bool) {
                self.0.training = mode;
            }
        }
    };
}

recurrent_accessors!(LSTM, Cell::Lstm);
recurrent_accessors!(GRU, Cell::Gru);

impl LSTM {
    /// The outputs of the last layer (`(T, N, D·H)`, or batch first) and the final `(h, c)`,
    /// each `(L·D, N, H)` (`L` layers, `D` directions), from the initial `(h₀, c₀)` (zeros when
    /// `None`). An unbatched `(T, input_size)` input takes and returns states without `N`.
    pub fn forward_with_state(
        &self,
        input: &Tensor,
        state: Option<(&Tensor, &Tensor)>,
    ) -> Result<(Tensor, (Tensor, Tensor))> {
        let initial = match state {
            Some((h, c)) => vec![h, c],
            None => Vec::new(),
        };
        let (output, finals) = self.0.run(input, &initial)?;
        match <[Tensor; 2]>::try_from(finals) {
            Ok([h, c]) => Ok((output, (h, c))),
            Err(_) => Err(Error::Autograd("internal error: LSTM states".into())),
        }
    }
}

impl GRU {
    /// The outputs of the last layer (`(T, N, D·H)`, or batch first) and the final `h`
    /// `(L·D, N, H)`, from the initial `h₀` (zeros when `None`). An unbatched
    /// `(T, input_size)` input takes and returns a state without `N`.
    pub fn forward_with_state(
        &self,
        input: &Tensor,
        state: Option<&Tensor>,
    ) -> Result<(Tensor, Tensor)> {
        let initial: Vec<&Tensor> = state.into_iter().collect();
        let (output, mut finals) = self.0.run(input, &initial)?;
        Ok((output, finals.remove(0)))
    }
}
