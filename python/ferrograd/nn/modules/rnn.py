"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` (stacked, optionally bidirectional, over padded
or packed batches) and the single-step ``RNNCell``, ``LSTMCell``, ``GRUCell``.

A padded batch is run as a packed one whose batch never shrinks: the time steps' rows one after
the other. Each direction of a layer makes one matrix product for the input projection of the
whole sequence (``x @ W_ih^T``, every time step at once); each time step then makes one product
for the hidden projection (which adds that step's rows of the input projection in the same
pass) and the cell's pointwise gate math, which for the LSTM and GRU is one engine op
(``_core.lstm_cell``, ``_core.gru_cell``: one kernel forward, one backward, recorded ops under
``create_graph``), and for the Elman network the ``tanh``/``relu`` op itself. While
``__torch_function__`` takes calls over (a mode such as the ONNX recorder, vmap's batched
tensors) the gate math is composed of public ops instead, so that they see it; so is the LSTM's
while a forward-mode level is open (its two-output node has no tangent rule).
"""

from __future__ import annotations

import math
import numbers
import warnings

from ... import _core, _creation
from ..._tensor_functions import cat, stack
from ...autograd.function import Function
from ...overrides import handle_torch_function, has_torch_function, has_torch_function_unary
from .. import functional as F, init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNBase", "RNNCell", "RNNCellBase"]


class _Split(Function):
    """``x.split(sizes, dim)`` with one backward node, which concatenates the pieces'
    gradients. Each piece of the plain ``split`` is a slice whose gradient is scattered into a
    zero tensor the size of ``x``, so splitting a sequence into its T time steps would cost
    O(T^2) in the backward pass."""

    @staticmethod
    def forward(ctx, x, sizes, dim):
        ctx.dim = dim
        return tuple(x.split(sizes, dim))

    @staticmethod
    def backward(ctx, *grads):
        return cat(grads, ctx.dim), None, None


def _split(x, sizes, dim: int):
    """``x.split(sizes, dim)``, as one node when a backward pass may run through it. Under an
    open forward-mode level, the plain split, whose slices carry tangents (custom nodes
    cannot), or for a tensor that overrides ``__torch_function__`` (vmap's batched tensors
    split by their own rule)."""
    if x.requires_grad and _core.current_dual_level() is None and not has_torch_function_unary(x):
        return _Split.apply(x, list(sizes), dim)
    return x.split(sizes, dim)


# --- one time step of each kind of cell --------------------------------------------------------
# A step takes the input's projection for this step `gx` (batch, gates), the state (a tuple:
# (h,) or (h, c)), the hidden weights and whether its gate math may be the engine's fused cell
# (`_fusable`), and returns the new state; the output is its first element. `gx` already holds
# b_hh for every cell but the GRU, which needs b_hn inside its reset gate (see `_input_bias`).


def _fusable(mode: str, tensors) -> bool:
    """Whether a step's gate math may run as the engine's one-op cell: not while
    ``__torch_function__`` takes calls over (a mode such as the ONNX recorder, vmap's batched
    tensors: they must see the pointwise ops), nor for the LSTM while a forward-mode level is
    open (its two-output node has no tangent rule). Asked once per sequence, of the tensors every
    step's operands derive from."""
    if has_torch_function([t for t in tensors if t is not None]):
        return False
    return mode != "LSTM" or _core.current_dual_level() is None


def _tanh_step(gx, state, w_hh, b_hh, w_hr, fused):
    return (_core.linear(state[0], w_hh, gx).tanh(),)


def _relu_step(gx, state, w_hh, b_hh, w_hr, fused):
    return (_core.linear(state[0], w_hh, gx).relu(),)


def _lstm_gates(gates, c, fused):
    """The LSTM's gate math on the summed projections ``gates`` (batch, 4·hidden): ``(h, c)``."""
    if fused:
        return _core.lstm_cell(gates, c)
    size = gates.shape[1] // 4
    input_gate, forget_gate, cell_gate, output_gate = _split(gates, [size] * 4, 1)
    c = forget_gate.sigmoid() * c + input_gate.sigmoid() * cell_gate.tanh()
    return output_gate.sigmoid() * c.tanh(), c


def _gru_gates(gx, gh, h, fused):
    """The GRU's gate math on the input's and the hidden state's projections (each with its
    bias): the new hidden state."""
    if fused:
        return _core.gru_cell(gx, gh, h)
    size = h.shape[1]
    x_rz, x_n = _split(gx, [2 * size, size], 1)
    h_rz, h_n = _split(gh, [2 * size, size], 1)
    reset, update = _split((x_rz + h_rz).sigmoid(), [size, size], 1)
    new = (x_n + reset * h_n).tanh()
    return new + update * (h - new)


def _lstm_step(gx, state, w_hh, b_hh, w_hr, fused):
    h, c = _lstm_gates(_core.linear(state[0], w_hh, gx), state[1], fused)
    if w_hr is not None:
        h = _core.linear(h, w_hr)
    return h, c


def _gru_step(gx, state, w_hh, b_hh, w_hr, fused):
    (h,) = state
    return (_gru_gates(gx, _core.linear(h, w_hh, b_hh), h, fused),)


_STEPS = {"RNN_TANH": _tanh_step, "RNN_RELU": _relu_step, "LSTM": _lstm_step, "GRU": _gru_step}
_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _cell_gates(mode: str, gx, gh, state):
    """A cell's new state from the input's projection ``gx`` and the hidden state's ``gh``
    (each with its own bias)."""
    fused = _fusable(mode, (gx, gh, *state))
    if mode == "LSTM":
        return _lstm_gates(gx + gh, state[1], fused)
    if mode == "GRU":
        return (_gru_gates(gx, gh, state[0], fused),)
    return ((gx + gh).tanh() if mode == "RNN_TANH" else (gx + gh).relu(),)


def _vmapped(tensors) -> bool:
    """Whether any of ``tensors`` is one of vmap's batched tensors."""
    from ...func._batching_rules import find_level

    return find_level(tensors) is not None


def _cell(mode: str, x, state, w_ih, w_hh, b_ih, b_hh):
    """One step of a cell on a 2-D input ``x`` (batch, input) from ``state`` (a tuple of
    (batch, hidden) tensors): the new state. Under ``vmap`` (an operand is a batched tensor)
    the batching rule ``_recurrent_cell`` runs it once with the vmapped dimension folded into
    the cell's batch (``vmap``'s table finds it by ``_overridable_name``; other modes and
    tensor types see the public operations it is made of)."""
    tensors = (x, *state, w_ih, w_hh, b_ih, b_hh)
    if has_torch_function([t for t in tensors if t is not None]) and _vmapped(tensors):
        return handle_torch_function(_cell, tensors, mode, x, state, w_ih, w_hh, b_ih, b_hh)
    gx = F.linear(x, w_ih, _input_bias(mode, b_ih, b_hh))
    fused = _fusable(mode, (gx, *state, w_hh, b_hh))
    return _STEPS[mode](gx, state, w_hh, b_hh, None, fused)


_cell._overridable_name = "ferrograd.nn.modules.rnn._cell"


def _input_bias(mode: str, b_ih, b_hh):
    """The bias of the input projection: ``b_ih + b_hh`` (added once for the whole sequence
    rather than at every step), except for the GRU, whose ``b_hn`` sits inside the reset gate's
    product and so stays with the hidden projection."""
    if b_ih is None or mode == "GRU":
        return b_ih
    return b_ih + b_hh


def _run_direction(mode, projected, state, weights, batch_sizes, reverse: bool):
    """Runs one direction of one layer over the input projection ``projected``: the rows of
    every time step in turn, ``batch_sizes[t]`` rows at step ``t``. ``state`` is the initial
    state (a tuple of ``(B, size)`` tensors). Returns the outputs (rows in the same order) and
    the final state.

    The batch may shrink as sequences end (they are sorted longest first): going forwards, the
    rows of sequences that have ended are set aside as their final state; going backwards,
    sequences join with their initial state as the batch grows."""
    step = _STEPS[mode]
    _, w_hh, _, b_hh, w_hr = weights
    fused = _fusable(mode, (projected, *state, w_hh, b_hh, w_hr))
    if fused and mode == "LSTM" and w_hr is None and _uniform_host(projected, batch_sizes):
        # The whole loop as one op: one kernel each way and one node for the sequence.
        steps = projected.reshape(len(batch_sizes), batch_sizes[0], projected.shape[1])
        outputs, h, c = _core.lstm_layer(steps, *state, w_hh, reverse)
        return outputs.reshape(projected.shape[0], outputs.shape[2]), (h, c)
    inputs = _split(projected, batch_sizes, 0)
    if fused and len(inputs) > 1 and w_hh.device.type == "cpu":
        # Every step multiplies by the transpose of `w_hh`: laid out once as that transpose,
        # the product kernel reads it as it is instead of repacking it at every step.
        w_hh = w_hh.t().contiguous().t()
    order = range(len(inputs) - 1, -1, -1) if reverse else range(len(inputs))
    outputs = [None] * len(inputs)
    finished = []
    current = batch_sizes[order[0]]
    hidden = tuple(s[:current] for s in state) if current < state[0].shape[0] else state
    for t in order:
        size = batch_sizes[t]
        if size < current:
            finished.append(tuple(s[size:] for s in hidden))
            hidden = tuple(s[:size] for s in hidden)
        elif size > current:
            hidden = tuple(cat([h, s[current:size]]) for h, s in zip(hidden, state, strict=True))
        current = size
        hidden = step(inputs[t], hidden, w_hh, b_hh, w_hr, fused)
        outputs[t] = hidden[0]
    if finished:
        hidden = tuple(cat(parts) for parts in zip(hidden, *reversed(finished), strict=True))
    return cat(outputs), hidden


def _uniform_host(projected, batch_sizes) -> bool:
    """Whether a direction's steps may run as one layer op: on the host, every step as wide
    (no packed sequence ending early)."""
    return projected.device.type == "cpu" and batch_sizes.count(batch_sizes[0]) == len(batch_sizes)


def _check_size(name: str, value) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")


class RNNBase(Module):
    """The machinery shared by ``RNN``, ``LSTM`` and ``GRU``; ``mode`` is one of ``"RNN_TANH"``,
    ``"RNN_RELU"``, ``"LSTM"``, ``"GRU"``.

    Parameters are named ``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``,
    ``bias_hh_l{k}`` and, for an LSTM with ``proj_size > 0``, ``weight_hr_l{k}``, with the suffix
    ``_reverse`` for the backward direction; all are initialized from
    ``U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))``.
    """

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + str(mode))
        if (
            not isinstance(dropout, numbers.Number)
            or isinstance(dropout, bool)
            or not 0 <= dropout <= 1
        ):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an "
                "element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                stacklevel=2,
            )
        _check_size("input_size", input_size)
        _check_size("hidden_size", hidden_size)
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first = bias, batch_first
        self.dropout, self.bidirectional = float(dropout), bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        output_size = proj_size or hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            layer_input_size = input_size if layer == 0 else output_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                shapes = {"weight_ih": (gate_size, layer_input_size)}
                shapes["weight_hh"] = (gate_size, output_size)
                if bias:
                    shapes["bias_ih"] = (gate_size,)
                    shapes["bias_hh"] = (gate_size,)
                if proj_size:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                names = []
                for stem, shape in shapes.items():
                    name = stem + suffix
                    setattr(self, name, Parameter(_creation.empty(*shape, dtype=dtype)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()
        if device is not None:
            self.to(device)

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        """The parameters, one list per layer and direction."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """Does nothing: PyTorch packs the weights into one buffer for cuDNN; here each weight
        is used where it lies. Kept so code written for PyTorch runs unchanged."""

    def _weights(self, index: int):
        """``(w_ih, w_hh, b_ih, b_hh, w_hr)`` of one layer and direction (``None`` where
        absent)."""
        names = self._all_weights[index]
        suffix = names[0][len("weight_ih") :]
        return tuple(
            getattr(self, stem + suffix, None)
            for stem in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
        )

    # -- forward ---------------------------------------------------------------------------

    def _state_shapes(self, batch: int):
        directions = 2 if self.bidirectional else 1
        layers = self.num_layers * directions
        shapes = [(layers, batch, self.proj_size or self.hidden_size)]
        if self.mode == "LSTM":
            shapes.append((layers, batch, self.hidden_size))
        return shapes

    def _split_state(self, hx, batched: bool):
        """The initial state as a tuple of 3-D tensors, checking its dimensions as PyTorch does
        (an unbatched input takes an unbatched state)."""
        parts = (hx[0], hx[1]) if self.mode == "LSTM" else (hx,)
        wanted = 3 if batched else 2
        if any(p.ndim != wanted for p in parts):
            kind = "batched 3-D" if batched else "unbatched 2-D"
            if self.mode == "LSTM":
                raise RuntimeError(
                    f"For {kind} input, hx and cx should also be {wanted}-D but got "
                    f"({parts[0].ndim}-D, {parts[1].ndim}-D) tensors"
                )
            raise RuntimeError(
                f"For {kind} input, hx should also be {wanted}-D but got {parts[0].ndim}-D tensor"
            )
        return parts if batched else tuple(p.unsqueeze(1) for p in parts)

    def _check_input(self, input, batch: int, state) -> None:
        weight = self.weight_ih_l0
        if input.dtype != weight.dtype:
            raise ValueError(
                f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
                f"Convert input: input.to({weight.dtype}), or convert model: "
                f"model.to({input.dtype})"
            )
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                "input.size(-1) must be equal to input_size. Expected "
                f"{self.input_size}, got {input.shape[-1]}"
            )
        for i, (part, shape) in enumerate(zip(state, self._state_shapes(batch), strict=True)):
            if tuple(part.shape) != shape:
                which = f"hidden[{i}]" if self.mode == "LSTM" else "hidden"
                raise RuntimeError(f"Expected {which} size {shape}, got {list(part.shape)}")

    def forward(self, input, hx=None):
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes, sorted_indices, unsorted_indices = input
            batch_sizes = batch_sizes.tolist()
            batch, batched = batch_sizes[0], True
        else:
            if input.ndim not in (2, 3):
                name = type(self).__name__
                tail = " tensor" if self.mode.startswith("RNN") else ""
                raise ValueError(
                    f"{name}: Expected input to be 2D or 3D, got {input.ndim}D{tail} instead"
                )
            batched = input.ndim == 3
            if not batched:
                data = input.unsqueeze(1)
            else:
                data = input.transpose(0, 1) if self.batch_first else input
            steps, batch = data.shape[0], data.shape[1]
            if steps == 0:
                raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
            # the time steps' rows one after the other, as in a packed batch that never shrinks
            data = data.reshape(steps * batch, data.shape[2])
            batch_sizes, sorted_indices, unsorted_indices = [batch] * steps, None, None
        if hx is None:
            state = tuple(
                _creation.zeros(*shape, dtype=data.dtype, device=data.device)
                for shape in self._state_shapes(batch)
            )
        else:
            state = self._split_state(hx, batched)
            if sorted_indices is not None:
                state = tuple(s.index_select(1, sorted_indices) for s in state)
        self._check_input(data, batch, state)

        output, final = self._run_layers(data, state, batch_sizes)

        if unsorted_indices is not None:
            final = tuple(s.index_select(1, unsorted_indices) for s in final)
        if packed:
            output = PackedSequence(output, input.batch_sizes, sorted_indices, unsorted_indices)
        else:
            output = output.reshape(steps, batch, output.shape[1])
            if not batched:
                output, final = output.squeeze(1), tuple(s.squeeze(1) for s in final)
            elif self.batch_first:
                output = output.transpose(0, 1)
        return output, (final if self.mode == "LSTM" else final[0])

    def _run_layers(self, data, state, batch_sizes):
        directions = 2 if self.bidirectional else 1
        finals = []
        layer_input = data
        for layer in range(self.num_layers):
            results = []
            for direction in range(directions):
                index = layer * directions + direction
                weights = self._weights(index)
                w_ih, _, b_ih, b_hh, _ = weights
                projected = F.linear(layer_input, w_ih, _input_bias(self.mode, b_ih, b_hh))
                outputs, final = _run_direction(
                    self.mode,
                    projected,
                    tuple(s[index] for s in state),
                    weights,
                    batch_sizes,
                    reverse=direction == 1,
                )
                results.append(outputs)
                finals.append(final)
            layer_input = results[0] if directions == 1 else cat(results, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, tuple(stack(parts) for parts in zip(*finals, strict=True))

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


def _refuse_extra(kwargs) -> None:
    if "proj_size" in kwargs:
        raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
    if kwargs:
        raise TypeError(f"unexpected keyword argument '{next(iter(kwargs))}'")


class RNN(RNNBase):
    """An Elman network: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or ``relu``
    with ``nonlinearity="relu"``), stacked ``num_layers`` deep.

    Input ``(T, B, input_size)`` (``(B, T, input_size)`` with ``batch_first``), ``(T,
    input_size)`` unbatched, or a ``PackedSequence``; ``hx`` ``(num_layers * directions, B,
    hidden_size)``. Returns ``(output, h_n)``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device=None,
        dtype=None,
        **kwargs,
    ) -> None:
        _refuse_extra(kwargs)
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if nonlinearity not in modes:
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        super().__init__(
            modes[nonlinearity],
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device=device,
            dtype=dtype,
        )
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory: gates ``i, f, g, o`` (in that order in the weights),
    ``c_t = f * c_{t-1} + i * g`` and ``h_t = o * tanh(c_t)``, projected by ``weight_hr`` to
    ``proj_size`` features when ``proj_size > 0``.

    ``hx`` is ``(h_0, c_0)``; returns ``(output, (h_n, c_n))``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(
            "LSTM",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            proj_size,
            device=device,
            dtype=dtype,
        )


class GRU(RNNBase):
    """Gated recurrent unit: gates ``r, z, n`` (in that order in the weights),
    ``n_t = tanh(W_in x_t + b_in + r * (W_hn h_{t-1} + b_hn))`` and
    ``h_t = (1 - z) * n_t + z * h_{t-1}``. Returns ``(output, h_n)``."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device=None,
        dtype=None,
        **kwargs,
    ) -> None:
        _refuse_extra(kwargs)
        super().__init__(
            "GRU",
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            device=device,
            dtype=dtype,
        )


# --- cells ------------------------------------------------------------------------------------


class RNNCellBase(Module):
    """Parameters ``weight_ih`` ``(chunks * hidden, input)``, ``weight_hh`` ``(chunks * hidden,
    hidden)``, ``bias_ih``, ``bias_hh``, initialized from ``U(-1/sqrt(hidden), 1/sqrt(hidden))``."""

    _mode = ""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool,
        num_chunks: int,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(
            _creation.empty(num_chunks * hidden_size, input_size, dtype=dtype)
        )
        self.weight_hh = Parameter(
            _creation.empty(num_chunks * hidden_size, hidden_size, dtype=dtype)
        )
        if bias:
            self.bias_ih = Parameter(_creation.empty(num_chunks * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(_creation.empty(num_chunks * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()
        if device is not None:
            self.to(device)

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _step(self, input, state):
        """One step from ``state`` (a tuple of ``(B, hidden)`` tensors, or of 1-D ones with a
        1-D input), checked as PyTorch checks it."""
        if input.ndim not in (1, 2):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 1D or 2D, got {input.ndim}D instead"
            )
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        if x.shape[1] != self.input_size:
            raise RuntimeError(
                f"input has inconsistent input_size: got {x.shape[1]} expected {self.input_size}"
            )
        if state is None:
            state = tuple(
                _creation.zeros(x.shape[0], self.hidden_size, dtype=x.dtype, device=x.device)
                for _ in range(2 if self._mode == "LSTM" else 1)
            )
        elif not batched:
            state = tuple(s.unsqueeze(0) for s in state)
        for i, s in enumerate(state):
            if s.ndim != 2:
                raise RuntimeError(
                    f"Expected 2D hidden{i} (batch x hidden_size), but got {s.ndim}D tensor"
                )
            if s.shape[0] != x.shape[0]:
                raise RuntimeError(
                    f"Input batch size {x.shape[0]} doesn't match hidden{i} batch size {s.shape[0]}"
                )
            if s.shape[1] != self.hidden_size:
                raise RuntimeError(
                    f"hidden{i} has inconsistent hidden_size: got {s.shape[1]}, expected "
                    f"{self.hidden_size}"
                )
        weights = (self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        state = _cell(self._mode, x, state, *weights)
        return state if batched else tuple(s.squeeze(0) for s in state)


class RNNCell(RNNCellBase):
    """One step of ``RNN``: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or ``relu``)."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    @property
    def _mode(self):
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if self.nonlinearity not in modes:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return modes[self.nonlinearity]

    def forward(self, input, hx=None):
        (h,) = self._step(input, None if hx is None else (hx,))
        return h


class LSTMCell(RNNCellBase):
    """One step of ``LSTM``; ``hx`` is ``(h, c)`` and the result ``(h', c')``."""

    _mode = "LSTM"

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None
    ) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        return self._step(input, None if hx is None else (hx[0], hx[1]))


class GRUCell(RNNCellBase):
    """One step of ``GRU``."""

    _mode = "GRU"

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None
    ) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        (h,) = self._step(input, None if hx is None else (hx,))
        return h
