"""Cases for the recurrent, attention and transformer tests, written once against PyTorch's API
so that the same code runs with ``lib = torch`` (``scripts/record_sequence_reference.py`` records
PyTorch's results into ``tests/data/sequence_reference.json``) and with ``lib = ferrograd`` (the
tests compare against that file). This module imports neither library.

Every case builds its module in float64, fills each state_dict entry with deterministic
pseudo-random values (``values``), runs it on deterministic inputs, takes a weighted sum of its
outputs as the loss and returns the outputs, the gradients of the inputs and of every
parameter, and the state_dict's keys and shapes.
"""

from __future__ import annotations

import numpy as np


def values(shape, seed: int, scale: float = 1.0) -> np.ndarray:
    """Numbers in ``[-scale, scale)`` from a fixed hash of their index and ``seed``: the same
    on every machine (no random generator involved)."""
    n = int(np.prod(shape))
    x = np.sin(np.arange(n, dtype=np.float64) * 12.9898 + (seed + 1) * 78.233) * 43758.5453
    return ((x - np.floor(x)) * 2.0 - 1.0).reshape(shape) * scale


class Case:
    """What one case run records: arrays by name, and the module's state_dict layout."""

    def __init__(self, lib):
        self.lib = lib
        self.results: dict[str, np.ndarray] = {}
        self.layout: list = []
        self.inputs: dict = {}

    def tensor(self, name: str, shape, seed: int, scale: float = 1.0, grad: bool = True):
        t = self.lib.tensor(values(shape, seed, scale), dtype=self.lib.float64)
        if grad:
            t.requires_grad_(True)
            self.inputs[name] = t
        return t

    def module(self, factory, seed: int = 100, scale: float = 0.5):
        """``factory(nn)`` in float64 with every state_dict entry filled by ``values``."""
        module = factory(self.lib.nn).double()
        state = module.state_dict()
        self.layout = [[key, list(value.shape)] for key, value in state.items()]
        filled = {
            key: self.lib.tensor(values(tuple(v.shape), seed + i, scale), dtype=self.lib.float64)
            for i, (key, v) in enumerate(state.items())
        }
        module.load_state_dict(filled)
        self.params = dict(module.named_parameters())
        return module

    def finish(self, outputs: dict):
        """Records ``outputs`` and the gradients of a fixed weighted sum of them."""
        lib = self.lib
        loss = None
        for i, (name, out) in enumerate(outputs.items()):
            self.results[name] = out.detach().numpy().copy()
            weights = lib.tensor(np.cos(np.arange(out.numel()) * 0.7 + i).reshape(tuple(out.shape)))
            term = (out * weights).sum()
            loss = term if loss is None else loss + term
        loss.backward()
        for name, t in self.inputs.items():
            self.results[f"grad:{name}"] = t.grad.numpy().copy()
        for name, p in self.params.items():
            self.results[f"grad:{name}"] = p.grad.numpy().copy()
        return self


# --- recurrent --------------------------------------------------------------------------------


def _recurrent(lib, factory, x_shape, state_shapes=(), packed=None):
    """Runs a recurrent module on ``x`` (optionally with initial states and packed input with
    lengths ``packed``); records the output (padded back if packed) and final states."""
    case = Case(lib)
    module = case.module(factory)
    x = case.tensor("x", x_shape, 1)
    states = [case.tensor(f"h{i}", shape, 2 + i) for i, shape in enumerate(state_shapes)]
    batch_first = getattr(module, "batch_first", False)
    rnn = lib.nn.utils.rnn
    source = x
    if packed is not None:
        source = rnn.pack_padded_sequence(
            x, packed["lengths"], batch_first=batch_first, enforce_sorted=packed["sorted"]
        )
    hx = None
    if states:
        hx = tuple(states) if len(states) == 2 else states[0]
    out, final = module(source) if hx is None else module(source, hx)
    if packed is not None:
        out, lengths = rnn.pad_packed_sequence(out, batch_first=batch_first)
        case.results["lengths"] = lengths.numpy().copy()
    finals = final if isinstance(final, tuple) else (final,)
    outputs = {"out": out}
    outputs.update({f"final{i}": f for i, f in enumerate(finals)})
    return case.finish(outputs)


def _cell(lib, factory, x_shape, state_shapes=()):
    case = Case(lib)
    module = case.module(factory)
    x = case.tensor("x", x_shape, 1)
    states = [case.tensor(f"h{i}", shape, 2 + i) for i, shape in enumerate(state_shapes)]
    if not states:
        result = module(x)
    else:
        result = module(x, tuple(states) if len(states) == 2 else states[0])
    results = result if isinstance(result, tuple) else (result,)
    return case.finish({f"out{i}": r for i, r in enumerate(results)})


RECURRENT = {
    "lstm_2layer_bidirectional": lambda lib: _recurrent(
        lib, lambda nn: nn.LSTM(3, 3, num_layers=2, bidirectional=True), (4, 2, 3)
    ),
    "lstm_proj_batch_first_hx": lambda lib: _recurrent(
        lib,
        lambda nn: nn.LSTM(3, 4, proj_size=2, batch_first=True),
        (2, 4, 3),
        [(1, 2, 2), (1, 2, 4)],
    ),
    "lstm_proj_2layer_bidirectional": lambda lib: _recurrent(
        lib,
        lambda nn: nn.LSTM(2, 3, num_layers=2, bidirectional=True, proj_size=1),
        (3, 2, 2),
    ),
    "gru_2layer_bidirectional_hx": lambda lib: _recurrent(
        lib,
        lambda nn: nn.GRU(3, 3, num_layers=2, bidirectional=True),
        (4, 2, 3),
        [(4, 2, 3)],
    ),
    "gru_no_bias_batch_first": lambda lib: _recurrent(
        lib, lambda nn: nn.GRU(2, 3, bias=False, batch_first=True), (2, 3, 2)
    ),
    "rnn_tanh_2layer_batch_first": lambda lib: _recurrent(
        lib, lambda nn: nn.RNN(3, 4, num_layers=2, batch_first=True), (2, 4, 3)
    ),
    "rnn_relu_unbatched_hx": lambda lib: _recurrent(
        lib,
        lambda nn: nn.RNN(3, 4, nonlinearity="relu", bias=False),
        (5, 3),
        [(1, 4)],
    ),
    "lstm_unbatched_bidirectional_hx": lambda lib: _recurrent(
        lib,
        lambda nn: nn.LSTM(2, 3, bidirectional=True),
        (3, 2),
        [(2, 3), (2, 3)],
    ),
    "lstm_packed_unsorted_bidirectional": lambda lib: _recurrent(
        lib,
        lambda nn: nn.LSTM(2, 3, num_layers=2, bidirectional=True, batch_first=True),
        (3, 5, 2),
        [(4, 3, 3), (4, 3, 3)],
        packed={"lengths": [2, 5, 3], "sorted": False},
    ),
    "gru_packed_sorted": lambda lib: _recurrent(
        lib,
        lambda nn: nn.GRU(2, 3, bidirectional=True),
        (4, 3, 2),
        [(2, 3, 3)],
        packed={"lengths": [4, 2, 1], "sorted": True},
    ),
    "rnn_packed_proj_free": lambda lib: _recurrent(
        lib,
        lambda nn: nn.RNN(2, 3, num_layers=2),
        (3, 4, 2),
        packed={"lengths": [1, 3, 3, 2], "sorted": False},
    ),
    "rnn_cell_tanh": lambda lib: _cell(lib, lambda nn: nn.RNNCell(3, 4), (2, 3), [(2, 4)]),
    "rnn_cell_relu_no_bias": lambda lib: _cell(
        lib, lambda nn: nn.RNNCell(3, 4, bias=False, nonlinearity="relu"), (2, 3)
    ),
    "lstm_cell": lambda lib: _cell(lib, lambda nn: nn.LSTMCell(3, 2), (2, 3), [(2, 2), (2, 2)]),
    "lstm_cell_unbatched": lambda lib: _cell(lib, lambda nn: nn.LSTMCell(3, 2), (3,)),
    "gru_cell": lambda lib: _cell(lib, lambda nn: nn.GRUCell(3, 2), (2, 3), [(2, 2)]),
    "gru_cell_unbatched": lambda lib: _cell(lib, lambda nn: nn.GRUCell(3, 2), (3,), [(2,)]),
}


# --- attention ----------------------------------------------------------------------------------


def _bool_mask(lib, shape, seed: int):
    return lib.tensor(values(shape, seed) > -0.3)


def _float_mask(lib, shape, seed: int):
    mask = values(shape, seed)
    mask[mask < -0.6] = -np.inf
    return lib.tensor(mask, dtype=lib.float64)


def _sdpa(lib, q_shape, k_shape, v_shape, mask=None, **kwargs):
    case = Case(lib)
    q, k, v = (
        case.tensor(name, shape, seed)
        for seed, (name, shape) in enumerate((("q", q_shape), ("k", k_shape), ("v", v_shape)))
    )
    attn_mask = None
    if mask == "bool":
        attn_mask = _bool_mask(lib, (q_shape[-2], k_shape[-2]), 7)
    elif mask == "float":
        attn_mask = _float_mask(lib, (q_shape[-2], k_shape[-2]), 8)
    elif mask == "dead_row":
        keep = values((q_shape[-2], k_shape[-2]), 9) > 0
        keep[1] = False
        attn_mask = lib.tensor(keep)
    out = lib.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, **kwargs)
    case.params = {}
    return case.finish({"out": out})


def _mha(lib, factory, shapes, call=None, masks=None):
    """``shapes``: query, key, value shapes (``None`` for key/value: the query itself)."""
    case = Case(lib)
    module = case.module(factory, scale=0.4)
    query = case.tensor("query", shapes[0], 1)
    key = query if shapes[1] is None else case.tensor("key", shapes[1], 2)
    value = key if shapes[2] is None else case.tensor("value", shapes[2], 3)
    kwargs = dict(call or {})
    for name, (kind, shape, seed) in (masks or {}).items():
        if kind == "bool":
            kwargs[name] = _bool_mask(lib, shape, seed).logical_not()
        elif kind == "causal":
            kwargs[name] = lib.nn.Transformer.generate_square_subsequent_mask(
                shape, dtype=lib.float64
            )
        else:
            kwargs[name] = _float_mask(lib, shape, seed)
    out, weights = module(query, key, value, **kwargs)
    outputs = {"out": out}
    if weights is not None:
        outputs["weights"] = weights
    return case.finish(outputs)


ATTENTION = {
    "sdpa_plain": lambda lib: _sdpa(lib, (2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 4)),
    "sdpa_bool_mask": lambda lib: _sdpa(lib, (2, 4, 3), (2, 5, 3), (2, 5, 2), mask="bool"),
    "sdpa_float_mask_scale": lambda lib: _sdpa(
        lib, (2, 4, 3), (2, 5, 3), (2, 5, 2), mask="float", scale=0.3
    ),
    "sdpa_causal_rectangular": lambda lib: _sdpa(
        lib, (1, 2, 4, 3), (1, 2, 6, 3), (1, 2, 6, 3), is_causal=True
    ),
    "sdpa_fully_masked_row": lambda lib: _sdpa(
        lib, (3, 4, 2), (3, 5, 2), (3, 5, 3), mask="dead_row"
    ),
    "sdpa_gqa": lambda lib: _sdpa(lib, (1, 4, 3, 2), (1, 2, 5, 2), (1, 2, 5, 3), enable_gqa=True),
    "sdpa_unbatched": lambda lib: _sdpa(lib, (3, 4), (5, 4), (5, 2)),
    "mha_self_attention_weights": lambda lib: _mha(
        lib, lambda nn: nn.MultiheadAttention(6, 2), ((4, 2, 6), None, None)
    ),
    "mha_per_head_weights_masks": lambda lib: _mha(
        lib,
        lambda nn: nn.MultiheadAttention(6, 3),
        ((4, 2, 6), (5, 2, 6), (5, 2, 6)),
        call={"average_attn_weights": False},
        masks={"key_padding_mask": ("bool", (2, 5), 11), "attn_mask": ("float", (4, 5), 12)},
    ),
    "mha_kdim_vdim_bias_kv_zero_attn": lambda lib: _mha(
        lib,
        lambda nn: nn.MultiheadAttention(
            4, 2, kdim=3, vdim=5, add_bias_kv=True, add_zero_attn=True
        ),
        ((3, 2, 4), (5, 2, 3), (5, 2, 5)),
        masks={"key_padding_mask": ("bool", (2, 5), 13)},
    ),
    "mha_batch_first_no_weights": lambda lib: _mha(
        lib,
        lambda nn: nn.MultiheadAttention(6, 2, batch_first=True, bias=False),
        ((2, 4, 6), (2, 3, 6), None),
        call={"need_weights": False},
        masks={"attn_mask": ("bool", (4, 3), 14)},
    ),
    "mha_causal_hint_no_weights": lambda lib: _mha(
        lib,
        lambda nn: nn.MultiheadAttention(4, 2),
        ((5, 2, 4), None, None),
        call={"need_weights": False, "is_causal": True},
        masks={"attn_mask": ("causal", 5, 0)},
    ),
    "mha_unbatched_3d_mask": lambda lib: _mha(
        lib,
        lambda nn: nn.MultiheadAttention(4, 2),
        ((3, 4), (5, 4), (5, 4)),
        masks={"attn_mask": ("float", (2, 3, 5), 15)},
    ),
}


# --- transformer --------------------------------------------------------------------------------


def _encoder_layer(nn, **kwargs):
    return nn.TransformerEncoderLayer(6, 2, dim_feedforward=8, dropout=0.0, **kwargs)


def _decoder_layer(nn, **kwargs):
    return nn.TransformerDecoderLayer(6, 2, dim_feedforward=8, dropout=0.0, **kwargs)


def _transformer(lib, factory, args, masks=None, call=None):
    """``args``: shapes of the positional tensor arguments (src, or tgt and memory)."""
    case = Case(lib)
    module = case.module(factory, scale=0.4)
    tensors = [case.tensor(f"arg{i}", shape, 1 + i) for i, shape in enumerate(args)]
    kwargs = dict(call or {})
    for name, (kind, shape, seed) in (masks or {}).items():
        if kind == "bool":
            kwargs[name] = _bool_mask(lib, shape, seed).logical_not()
        elif kind == "causal":
            kwargs[name] = lib.nn.Transformer.generate_square_subsequent_mask(
                shape, dtype=lib.float64
            )
        else:
            kwargs[name] = _float_mask(lib, shape, seed)
    return case.finish({"out": module(*tensors, **kwargs)})


TRANSFORMER = {
    "encoder_layer_post_norm": lambda lib: _transformer(
        lib, lambda nn: _encoder_layer(nn), [(4, 2, 6)]
    ),
    "encoder_layer_norm_first_gelu_masks": lambda lib: _transformer(
        lib,
        lambda nn: _encoder_layer(nn, norm_first=True, activation="gelu"),
        [(4, 2, 6)],
        masks={"src_key_padding_mask": ("bool", (2, 4), 21), "src_mask": ("float", (4, 4), 22)},
    ),
    "encoder_layer_batch_first_no_bias": lambda lib: _transformer(
        lib, lambda nn: _encoder_layer(nn, batch_first=True, bias=False), [(2, 3, 6)]
    ),
    "encoder_stack_causal": lambda lib: _transformer(
        lib,
        lambda nn: nn.TransformerEncoder(_encoder_layer(nn), 2, norm=nn.LayerNorm(6)),
        [(5, 2, 6)],
        masks={"mask": ("causal", 5, 0)},
    ),
    "encoder_stack_causal_padding": lambda lib: _transformer(
        lib,
        lambda nn: nn.TransformerEncoder(_encoder_layer(nn, batch_first=True), 2),
        [(2, 5, 6)],
        masks={"mask": ("causal", 5, 0), "src_key_padding_mask": ("bool", (2, 5), 23)},
    ),
    "decoder_layer_masks": lambda lib: _transformer(
        lib,
        lambda nn: _decoder_layer(nn),
        [(4, 2, 6), (3, 2, 6)],
        masks={
            "tgt_mask": ("causal", 4, 0),
            "memory_key_padding_mask": ("bool", (2, 3), 24),
        },
    ),
    "decoder_stack_norm_first": lambda lib: _transformer(
        lib,
        lambda nn: nn.TransformerDecoder(
            _decoder_layer(nn, norm_first=True), 2, norm=nn.LayerNorm(6)
        ),
        [(3, 2, 6), (4, 2, 6)],
        masks={"memory_mask": ("float", (3, 4), 25)},
    ),
    "transformer_batch_first": lambda lib: _transformer(
        lib,
        lambda nn: nn.Transformer(
            d_model=6,
            nhead=2,
            num_encoder_layers=1,
            num_decoder_layers=2,
            dim_feedforward=8,
            dropout=0.0,
            batch_first=True,
        ),
        [(2, 4, 6), (2, 3, 6)],
        masks={"tgt_mask": ("causal", 3, 0), "src_key_padding_mask": ("bool", (2, 4), 26)},
    ),
}

ALL = {**RECURRENT, **ATTENTION, **TRANSFORMER}


# --- comparison with the recorded reference -------------------------------------------------------

_REFERENCE_PATH = (
    __import__("pathlib").Path(__file__).resolve().parent / "data" / "sequence_reference.json"
)
_reference = None


def reference(name: str) -> dict:
    global _reference
    if _reference is None:
        import json

        _reference = json.loads(_REFERENCE_PATH.read_text())["cases"]
    return _reference[name]


def check_against_reference(name: str, lib, rtol: float = 1e-9, atol: float = 1e-10) -> None:
    """Runs case ``name`` with ``lib`` and compares the state_dict layout, every output and
    every gradient with PyTorch's recorded values."""
    expected = reference(name)
    case = ALL[name](lib)
    assert case.layout == expected["layout"], "state_dict keys or shapes differ from PyTorch's"
    assert sorted(case.results) == sorted(expected["results"])
    for key, recorded in expected["results"].items():
        want = np.array(recorded["values"], dtype=np.float64).reshape(recorded["shape"])
        got = case.results[key]
        assert got.shape == want.shape, f"{key}: shape {got.shape} != {want.shape}"
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=key)
