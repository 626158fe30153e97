"""``nn.LSTM``, ``nn.GRU`` and ``nn.RNN`` as ONNX's ``LSTM``, ``GRU`` and ``RNN`` operators,
one per layer (both directions in one node when bidirectional).

These modules are recorded whole rather than traced through: ferrograd runs them as a Python
loop over time steps, and tracing that loop would unroll it, fixing the sequence length in the
graph. The ONNX operators loop over whatever length they are given. Their weights are the
module's own parameters, reordered into ONNX's gate order by ``Split``/``Concat`` nodes, which
constant folding turns into initializers."""

from __future__ import annotations

from ..nn.modules.rnn import GRU, LSTM, RNN
from ..nn.utils.rnn import PackedSequence
from ._registry import translates_module
from .errors import UnsupportedOperatorError

# PyTorch's gate blocks, in the order ONNX wants them: LSTM (i, f, g, o) -> (i, o, f, c),
# GRU (r, z, n) -> (z, r, h).
_GATE_ORDER = {"LSTM": (0, 3, 1, 2), "GRU": (1, 0, 2), "RNN_TANH": (0,), "RNN_RELU": (0,)}


def _reordered(g, weight: str, hidden: int, order) -> str:
    if len(order) == 1:
        return weight
    blocks = g.op("Split", weight, g.int64s([hidden] * len(order)), axis=0, outputs=len(order))
    return g.op("Concat", *(blocks[i] for i in order), axis=0)


def _stacked(g, parts: list[str]) -> str:
    """``parts`` (one per direction) stacked along a new first axis."""
    lifted = [g.op("Unsqueeze", p, g.int64s([0])) for p in parts]
    return lifted[0] if len(lifted) == 1 else g.op("Concat", *lifted, axis=0)


def _layer_weights(recorder, module, layer: int, directions: int):
    g = recorder.graph
    order = _GATE_ORDER[module.mode]
    hidden = module.hidden_size
    w, r, b = [], [], []
    for direction in range(directions):
        w_ih, w_hh, b_ih, b_hh, _ = module._weights(layer * directions + direction)
        w.append(_reordered(g, recorder.value(w_ih), hidden, order))
        r.append(_reordered(g, recorder.value(w_hh), hidden, order))
        if b_ih is not None:
            b.append(
                g.op(
                    "Concat",
                    _reordered(g, recorder.value(b_ih), hidden, order),
                    _reordered(g, recorder.value(b_hh), hidden, order),
                    axis=0,
                )
            )
    return _stacked(g, w), _stacked(g, r), (_stacked(g, b) if b else None)


@translates_module(LSTM, GRU, RNN)
def record_rnn(recorder, module, forward, args, kwargs):
    """Records one call of ``module`` (see the module docs); returns its result as traced
    tensors."""
    input = args[0] if args else kwargs.get("input")
    hx = args[1] if len(args) > 1 else kwargs.get("hx")
    name = f"{type(module).__name__}{recorder.where()}"
    if isinstance(input, PackedSequence):
        raise UnsupportedOperatorError(f"{name}: a PackedSequence input cannot be exported")
    if getattr(module, "proj_size", 0):
        raise UnsupportedOperatorError(f"{name}: proj_size > 0 cannot be exported")
    if module.training and module.dropout and module.num_layers > 1:
        raise UnsupportedOperatorError(
            f"{name}: dropout between layers in training mode (export the model in eval mode)"
        )
    with recorder.suspended():
        result = forward(*recorder.unwrap(args), **recorder.unwrap(kwargs))

    g = recorder.graph
    mode = module.mode
    directions = 2 if module.bidirectional else 1
    batched = input.ndim == 3
    dims = list(recorder.dims(input))
    x = recorder.value(input)
    if not batched:
        x = g.op("Unsqueeze", x, g.int64s([1]))
        steps, batch = dims[0], None
    elif module.batch_first:
        x = g.op("Transpose", x, perm=[1, 0, 2])
        batch, steps = dims[0], dims[1]
    else:
        steps, batch = dims[0], dims[1]

    states = []
    if hx is not None:
        parts = (hx[0], hx[1]) if mode == "LSTM" else (hx,)
        for part in parts:
            value = recorder.value(part)
            states.append(value if batched else g.op("Unsqueeze", value, g.int64s([1])))
            if batched and batch is None:
                batch = recorder.dims(part)[1]

    attrs = {"hidden_size": module.hidden_size}
    attrs["direction"] = "bidirectional" if directions == 2 else "forward"
    op, outputs = {"LSTM": ("LSTM", 3), "GRU": ("GRU", 2)}.get(mode, ("RNN", 2))
    if mode == "GRU":
        attrs["linear_before_reset"] = 1  # PyTorch applies the reset gate after the product
    if mode.startswith("RNN"):
        attrs["activations"] = ["Relu" if mode == "RNN_RELU" else "Tanh"] * directions
    finals: list[list[str]] = [[] for _ in range(2 if mode == "LSTM" else 1)]
    for layer in range(module.num_layers):
        w, r, b = _layer_weights(recorder, module, layer, directions)
        initial = [
            g.op(
                "Slice",
                s,
                g.int64s([layer * directions]),
                g.int64s([(layer + 1) * directions]),
                g.int64s([0]),
            )
            for s in states
        ]
        inputs = [x, w, r, b, None, *initial] if initial else [x, w, r, b]
        produced = g.op(op, *inputs, outputs=outputs, **attrs)
        y = produced[0]
        for kept, final in zip(finals, produced[1:], strict=True):
            kept.append(final)
        # (T, directions, B, H) -> (T, B, directions * H)
        if directions == 1:
            x = g.op("Squeeze", y, g.int64s([1]))
        else:
            x = g.op("Reshape", g.op("Transpose", y, perm=[0, 2, 1, 3]), g.int64s([0, 0, -1]))

    if not batched:
        out = g.op("Squeeze", x, g.int64s([1]))
        out_dims = [steps, None]
    elif module.batch_first:
        out = g.op("Transpose", x, perm=[1, 0, 2])
        out_dims = [batch, steps, None]
    else:
        out = x
        out_dims = [steps, batch, None]
    state_names = []
    for kept in finals:
        joined = kept[0] if len(kept) == 1 else g.op("Concat", *kept, axis=0)
        if not batched:
            joined = g.op("Squeeze", joined, g.int64s([1]))
        state_names.append(joined)
    state_dims = [None, batch, None] if batched else [None, None]

    dep = recorder.depends([input, hx])
    plain_out, plain_state = result
    traced_out = recorder.wrap(plain_out, out, out_dims, dep)
    if mode == "LSTM":
        states_out = tuple(
            recorder.wrap(p, n, state_dims, dep)
            for p, n in zip(plain_state, state_names, strict=True)
        )
        return traced_out, states_out
    return traced_out, recorder.wrap(plain_state, state_names[0], state_dims, dep)
