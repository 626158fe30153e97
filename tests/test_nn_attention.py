"""``F.scaled_dot_product_attention``, ``nn.MultiheadAttention`` and the transformer modules
against PyTorch.

Outputs, attention weights and the gradients of every input and parameter are compared with
values recorded from PyTorch 2.15 (``tests/sequence_cases.py`` defines the cases,
``tests/data/sequence_reference.json`` holds PyTorch's results). The other expected values
below were also taken from PyTorch.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
import ferrograd.nn.functional as F
import sequence_cases
from ferrograd.autograd import gradcheck, gradgradcheck

inf = math.inf


# a boolean padding mask next to a float attention mask warns, as in PyTorch
@pytest.mark.filterwarnings("ignore:Support for mismatched")
@pytest.mark.parametrize("name", sorted(sequence_cases.ATTENTION))
def test_attention_matches_pytorch(name):
    sequence_cases.check_against_reference(name, fg)


@pytest.mark.filterwarnings("ignore:Support for mismatched")
@pytest.mark.parametrize("name", sorted(sequence_cases.TRANSFORMER))
def test_transformer_matches_pytorch(name):
    sequence_cases.check_against_reference(name, fg)


def test_mixed_mask_types_warn_as_pytorch():
    mha = nn.MultiheadAttention(4, 2)
    x = fg.randn(3, 1, 4)
    with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask"):
        mha(x, x, x, key_padding_mask=fg.zeros(1, 3, dtype=fg.bool), attn_mask=fg.zeros(3, 3))


def f64(*shape, requires_grad=True):
    return fg.randn(*shape, dtype=fg.float64, requires_grad=requires_grad)


# --- scaled_dot_product_attention -----------------------------------------------------------------


def test_sdpa_bool_mask_keeps_where_true_and_float_mask_adds():
    fg.manual_seed(0)
    q, k, v = f64(2, 3, 4), f64(2, 5, 4), f64(2, 5, 2)
    keep = fg.tensor([[True, False, True, True, False]] * 3)
    additive = fg.zeros(3, 5, dtype=fg.float64).masked_fill(keep.logical_not(), -inf)
    np.testing.assert_allclose(
        F.scaled_dot_product_attention(q, k, v, attn_mask=keep).detach().numpy(),
        F.scaled_dot_product_attention(q, k, v, attn_mask=additive).detach().numpy(),
    )
    # keeping only key 0 returns value 0
    only_first = fg.tensor([[True, False, False, False, False]] * 3)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=only_first)
    np.testing.assert_allclose(out.detach().numpy(), v[:, :1].expand(2, 3, 2).detach().numpy())


def test_sdpa_fully_masked_row_gives_zeros_and_zero_gradient():
    fg.manual_seed(0)
    q, k, v = f64(3, 4), f64(5, 4), f64(5, 2)
    keep = fg.ones(3, 5, dtype=fg.bool)
    keep[1] = False
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
    np.testing.assert_array_equal(out[1].detach().numpy(), [0.0, 0.0])
    gq, gk, gv = fg.autograd.grad(out.sum(), (q, k, v))
    assert np.isfinite(gk.numpy()).all() and np.isfinite(gv.numpy()).all()
    np.testing.assert_array_equal(gq[1].numpy(), np.zeros(4))


def test_sdpa_dropout_one_zeros_everything():
    q = f64(2, 3, 4)
    out = F.scaled_dot_product_attention(q, q, q, dropout_p=1.0)
    assert float(out.abs().sum()) == 0.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"is_causal": True},
        {"scale": 0.25},
        {"attn_mask": fg.tensor([[True, False, True], [True, True, False]])},
        {"attn_mask": fg.tensor([[0.5, -1.0, 0.0], [-inf, 0.2, 0.1]], dtype=fg.float64)},
    ],
)
def test_sdpa_gradcheck_and_gradgradcheck(kwargs):
    fg.manual_seed(0)
    q, k, v = f64(2, 2, 3), f64(2, 3, 3), f64(2, 3, 2)

    def attention(q, k, v):
        return F.scaled_dot_product_attention(q, k, v, **kwargs)

    assert gradcheck(attention, (q, k, v))
    assert gradgradcheck(attention, (q, k, v))


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda q: F.scaled_dot_product_attention(
                q, q, q, attn_mask=fg.ones(3, 3, dtype=fg.bool), is_causal=True
            ),
            "Explicit attn_mask should not be set when is_causal=True",
        ),
        (
            lambda q: F.scaled_dot_product_attention(q, q[..., :2], q),
            "do not fit",
        ),
        (
            lambda q: F.scaled_dot_product_attention(q, q.double(), q),
            "Expected query, key, and value to have the same dtype",
        ),
        (
            lambda q: F.scaled_dot_product_attention(q[0, 0, 0], q[0, 0], q[0, 0]),
            "at least 2 dimensional",
        ),
        (
            lambda q: F.scaled_dot_product_attention(
                q, q, q, attn_mask=fg.zeros(3, 3, dtype=fg.int64)
            ),
            "Expected attn_mask dtype to be bool or float",
        ),
        (
            lambda q: F.scaled_dot_product_attention(q, q, q, dropout_p=1.5),
            "dropout probability has to be between 0 and 1",
        ),
        (
            lambda q: F.scaled_dot_product_attention(
                fg.randn(1, 3, 3, 4), fg.randn(1, 2, 3, 4), fg.randn(1, 2, 3, 4), enable_gqa=True
            ),
            "Number of heads in key and value must divide the number of heads in query",
        ),
    ],
)
def test_sdpa_bad_input(call, message):
    with pytest.raises(RuntimeError, match=message):
        call(fg.randn(2, 2, 3, 4))


# --- MultiheadAttention ------------------------------------------------------------------------


def test_mha_parameters_as_pytorch():
    same = nn.MultiheadAttention(8, 2)
    assert [(k, tuple(v.shape)) for k, v in same.state_dict().items()] == [
        ("in_proj_weight", (24, 8)),
        ("in_proj_bias", (24,)),
        ("out_proj.weight", (8, 8)),
        ("out_proj.bias", (8,)),
    ]
    assert same.q_proj_weight is None and same.bias_k is None
    assert float(same.in_proj_bias.abs().sum()) == 0.0
    assert float(same.out_proj.bias.abs().sum()) == 0.0
    bound = math.sqrt(6 / (24 + 8))  # xavier_uniform_ of the (24, 8) packed weight
    w = same.in_proj_weight.detach().numpy()
    assert w.max() <= bound and w.min() >= -bound and w.max() > 0.8 * bound
    other = nn.MultiheadAttention(8, 2, add_bias_kv=True, kdim=3, vdim=5, bias=False)
    assert [(k, tuple(v.shape)) for k, v in other.state_dict().items()] == [
        ("q_proj_weight", (8, 8)),
        ("k_proj_weight", (8, 3)),
        ("v_proj_weight", (8, 5)),
        ("bias_k", (1, 1, 8)),
        ("bias_v", (1, 1, 8)),
        ("out_proj.weight", (8, 8)),
    ]
    assert other.head_dim == 4 and not other._qkv_same_embed_dim
    assert repr(same) == (
        "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, "
        "out_features=8, bias=True)\n)"
    )


def test_mha_weights_and_padding():
    fg.manual_seed(0)
    mha = nn.MultiheadAttention(8, 2).double()
    x = f64(4, 2, 8)
    padding = fg.zeros(2, 4, dtype=fg.bool)
    padding[0, 1:] = True
    out, weights = mha(x, x, x, key_padding_mask=padding)
    # batch 0 may only attend to key 0
    np.testing.assert_allclose(weights[0].detach().numpy(), np.tile([1.0, 0, 0, 0], (4, 1)))
    np.testing.assert_allclose(weights.sum(-1).detach().numpy(), np.ones((2, 4)))
    _, per_head = mha(x, x, x, average_attn_weights=False)
    assert tuple(per_head.shape) == (2, 2, 4, 4)
    out_fast, none = mha(x, x, x, key_padding_mask=padding, need_weights=False)
    assert none is None
    np.testing.assert_allclose(out_fast.detach().numpy(), out.detach().numpy(), atol=1e-12)


def test_mha_fully_padded_batch_as_pytorch():
    """PyTorch: NaN when the weights are asked for, zeros through the attention kernel."""
    fg.manual_seed(0)
    mha = nn.MultiheadAttention(4, 2)
    x = fg.randn(3, 2, 4)
    padding = fg.zeros(2, 3, dtype=fg.bool)
    padding[0] = True
    out, weights = mha(x, x, x, key_padding_mask=padding)
    assert np.isnan(weights[0].detach().numpy()).all()
    assert np.isnan(out[:, 0].detach().numpy()).all()
    assert np.isfinite(out[:, 1].detach().numpy()).all()
    out, _ = mha(x, x, x, key_padding_mask=padding, need_weights=False)
    np.testing.assert_array_equal(out[:, 0].detach().numpy(), np.zeros((3, 4)))


def test_mha_batch_first_matches_sequence_first():
    fg.manual_seed(0)
    seq_first = nn.MultiheadAttention(6, 3).double()
    batch_first = nn.MultiheadAttention(6, 3, batch_first=True).double()
    batch_first.load_state_dict(seq_first.state_dict())
    x, memory = f64(4, 2, 6), f64(5, 2, 6)
    for q, kv in ((x, x), (x, memory)):
        a, wa = seq_first(q, kv, kv)
        b, wb = batch_first(q.transpose(0, 1), kv.transpose(0, 1), kv.transpose(0, 1))
        np.testing.assert_allclose(b.transpose(0, 1).detach().numpy(), a.detach().numpy())
        np.testing.assert_allclose(wb.detach().numpy(), wa.detach().numpy())


def test_mha_dropout_only_in_training():
    fg.manual_seed(0)
    mha = nn.MultiheadAttention(4, 2, dropout=0.9)
    x = fg.randn(5, 1, 4)
    mha.eval()
    a, _ = mha(x, x, x)
    b, _ = mha(x, x, x)
    assert fg.equal(a, b)
    mha.train()
    c, _ = mha(x, x, x)
    assert not np.allclose(c.detach().numpy(), a.detach().numpy())


def test_mha_gradcheck():
    fg.manual_seed(0)
    mha = nn.MultiheadAttention(4, 2, kdim=3, vdim=2, add_bias_kv=True).double()
    q, k, v = f64(3, 2, 4), f64(2, 2, 3), f64(2, 2, 2)
    padding = fg.tensor([[False, True], [False, False]])

    def attend(q, k, v):
        return mha(q, k, v, key_padding_mask=padding)

    assert gradcheck(attend, (q, k, v))


def test_multi_head_attention_forward_with_static_kv():
    """``static_k``/``static_v`` replace the projected key and value (already per head)."""
    fg.manual_seed(0)
    mha = nn.MultiheadAttention(4, 2).double()
    q, k = f64(3, 1, 4), f64(5, 1, 4)
    out, weights = mha(q, k, k)
    w_k, w_v = mha.in_proj_weight.chunk(3)[1:]
    b_k, b_v = mha.in_proj_bias.chunk(3)[1:]
    static_k = F.linear(k, w_k, b_k).reshape(5, 2, 2).transpose(0, 1)
    static_v = F.linear(k, w_v, b_v).reshape(5, 2, 2).transpose(0, 1)
    out2, weights2 = F.multi_head_attention_forward(
        q,
        fg.zeros(5, 1, 4, dtype=fg.float64),
        fg.zeros(5, 1, 4, dtype=fg.float64),
        4,
        2,
        mha.in_proj_weight,
        mha.in_proj_bias,
        None,
        None,
        False,
        0.0,
        mha.out_proj.weight,
        mha.out_proj.bias,
        static_k=static_k,
        static_v=static_v,
    )
    np.testing.assert_allclose(out2.detach().numpy(), out.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(weights2.detach().numpy(), weights.detach().numpy(), atol=1e-12)


MHA = nn.MultiheadAttention(8, 2)
X = fg.randn(4, 2, 8)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: nn.MultiheadAttention(8, 3), AssertionError, "divisible by num_heads"),
        (lambda: nn.MultiheadAttention(0, 3), ValueError, "must be greater than 0"),
        (lambda: MHA(X, X, X, is_causal=True), RuntimeError, "Need attn_mask if specifying"),
        (lambda: MHA(X, X, fg.randn(5, 2, 8)), AssertionError, "does not match value shape"),
        (
            lambda: MHA(X, X, X, attn_mask=fg.zeros(3, 4)),
            RuntimeError,
            "The shape of the 2D attn_mask is \\(3, 4\\), but should be \\(4, 4\\)",
        ),
        (
            lambda: MHA(X, X, X, attn_mask=fg.zeros(2, 4, 4)),
            RuntimeError,
            "The shape of the 3D attn_mask is \\(2, 4, 4\\), but should be \\(4, 4, 4\\)",
        ),
        (
            lambda: MHA(X, X, X, key_padding_mask=fg.zeros(2, 5)),
            AssertionError,
            "Expected key_padded_mask.shape\\[1\\] to be 4, but got 5",
        ),
        (
            lambda: MHA(X, X, X, key_padding_mask=fg.zeros(2, 4, dtype=fg.int64)),
            AssertionError,
            "only bool and floating types of key_padding_mask are supported",
        ),
        (
            lambda: MHA(fg.randn(4, 2, 7), X, X),
            AssertionError,
            "was expecting embedding dimension of 8, but got 7",
        ),
        (
            lambda: MHA(fg.randn(4, 8), X, X),
            AssertionError,
            "expected `key` and `value` to be 2-D",
        ),
        (
            lambda: MHA(fg.randn(4, 2, 2, 8), X, X),
            AssertionError,
            "query should be unbatched 2D or batched 3D tensor",
        ),
    ],
)
def test_mha_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- transformer ---------------------------------------------------------------------------------


def test_generate_square_subsequent_mask():
    mask = nn.Transformer.generate_square_subsequent_mask(3)
    np.testing.assert_array_equal(mask.numpy(), [[0, -inf, -inf], [0, 0, -inf], [0, 0, 0]])
    assert mask.dtype == fg.float32
    assert nn.Transformer.generate_square_subsequent_mask(2, dtype=fg.float64).dtype == fg.float64


def test_encoder_layer_state_dict_keys():
    layer = nn.TransformerEncoderLayer(8, 2, 16, activation="gelu", norm_first=True, bias=False)
    assert list(layer.state_dict()) == [
        "self_attn.in_proj_weight",
        "self_attn.out_proj.weight",
        "linear1.weight",
        "linear2.weight",
        "norm1.weight",
        "norm2.weight",
    ]
    encoder = nn.TransformerEncoder(layer, 2)
    keys = list(encoder.state_dict())
    assert keys[:6] == [f"layers.0.{k}" for k in layer.state_dict()]
    assert keys[6] == "layers.1.self_attn.in_proj_weight" and len(keys) == 12
    # the layers are copies with their own parameters
    assert encoder.layers[0].linear1.weight is not encoder.layers[1].linear1.weight
    assert encoder.layers[0].linear1.weight is not layer.linear1.weight


def test_transformer_defaults_and_init():
    model = nn.Transformer(
        d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16
    )
    keys = list(model.state_dict())
    assert len(keys) == 34
    assert keys[:2] == [
        "encoder.layers.0.self_attn.in_proj_weight",
        "encoder.layers.0.self_attn.in_proj_bias",
    ]
    assert "encoder.norm.weight" in keys and "decoder.layers.0.norm3.bias" in keys
    assert "decoder.layers.0.multihead_attn.out_proj.weight" in keys
    layer = model.encoder.layers[0]
    assert layer.linear1.in_features == 8 and layer.dropout.p == 0.1
    assert layer.activation is F.relu
    bound = math.sqrt(6 / (16 + 8))  # xavier_uniform_ of linear1's (16, 8) weight
    w = layer.linear1.weight.detach().numpy()
    assert w.max() <= bound and w.min() >= -bound


def test_encoder_detects_causal_mask():
    """A causal mask without the hint is recognized: the stack then runs the layers with
    ``is_causal`` (the answers are the same either way)."""
    fg.manual_seed(0)
    seen = []
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0)
    encoder = nn.TransformerEncoder(layer, 1)
    original = encoder.layers[0].forward

    def spy(src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        seen.append(is_causal)
        return original(src, src_mask, src_key_padding_mask, is_causal)

    encoder.layers[0].forward = spy
    x = fg.randn(3, 1, 4)
    causal = nn.Transformer.generate_square_subsequent_mask(3)
    encoder(x, mask=causal)
    encoder(x, mask=fg.zeros(3, 3))
    encoder(x, mask=causal, is_causal=False)
    assert seen == [True, False, False]


def test_encoder_layer_custom_activation_and_unbatched():
    fg.manual_seed(0)
    calls = []

    def activation(x):
        calls.append(tuple(x.shape))
        return x.tanh()

    layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, activation=activation)
    out = layer(fg.randn(3, 4))
    assert tuple(out.shape) == (3, 4)
    assert calls == [(3, 6)]


def test_small_gpt_block_trains():
    """A causal encoder stack learns to copy the previous token."""
    fg.manual_seed(0)
    vocab, length = 6, 8
    embed = nn.Embedding(vocab, 16)
    layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True)
    encoder = nn.TransformerEncoder(layer, 1)
    head = nn.Linear(16, vocab)
    params = [*embed.parameters(), *encoder.parameters(), *head.parameters()]
    opt = fg.optim.Adam(params, lr=0.01)
    position = nn.Embedding(length, 16)
    params += list(position.parameters())
    opt = fg.optim.Adam(params, lr=0.01)
    mask = nn.Transformer.generate_square_subsequent_mask(length)
    losses = []
    for _ in range(40):
        tokens = fg.randint(0, vocab, (16, length))
        x = embed(tokens) + position(fg.arange(length))
        logits = head(encoder(x, mask=mask, is_causal=True))
        loss = F.cross_entropy(logits[:, 1:].reshape(-1, vocab), tokens[:, :-1].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.6 * math.log(vocab)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: nn.TransformerEncoderLayer(8, 2, activation="tanh"),
            RuntimeError,
            "activation should be relu/gelu, not tanh",
        ),
        (
            lambda: nn.TransformerEncoderLayer(8, 2)(fg.randn(3, 2, 8), is_causal=True),
            RuntimeError,
            "Need attn_mask if specifying the is_causal hint",
        ),
        (
            lambda: nn.Transformer(8, 2, 1, 1, 16)(fg.randn(3, 2, 8), fg.randn(4, 3, 8)),
            RuntimeError,
            "the batch number of src and tgt must be equal",
        ),
        (
            lambda: nn.Transformer(8, 2, 1, 1, 16)(fg.randn(3, 2, 8), fg.randn(4, 2, 7)),
            RuntimeError,
            "the feature number of src and tgt must be equal to d_model",
        ),
    ],
)
def test_transformer_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.filterwarnings("ignore:Support for mismatched")
def test_device_path_through_the_numpy_backend():
    from ferrograd import cuda
    from ferrograd.cuda._numpy_backend import NumpyTable

    fg.manual_seed(0)
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0), 2)
    x = fg.randn(3, 2, 4)
    padding = fg.tensor([[False, True, False], [False, False, False]])
    mask = nn.Transformer.generate_square_subsequent_mask(3)
    expected = encoder(x, mask=mask, src_key_padding_mask=padding)
    previous = cuda.use_backend(NumpyTable())
    try:
        encoder.to("cuda")
        got = encoder(x.to("cuda"), mask=mask.to("cuda"), src_key_padding_mask=padding.to("cuda"))
        assert got.device.type == "cuda"
        np.testing.assert_allclose(
            got.detach().cpu().numpy(), expected.detach().numpy(), rtol=1e-5, atol=1e-6
        )
        q = x.to("cuda")
        out = F.scaled_dot_product_attention(q, q, q, is_causal=True)
        assert out.device.type == "cuda"
        for module in (
            nn.MultiheadAttention(4, 2, device="cuda"),
            nn.TransformerDecoderLayer(4, 2, 8, device="cuda"),
            nn.Transformer(4, 2, 1, 1, 8, device="cuda"),
        ):
            assert {p.device.type for p in module.parameters()} == {"cuda"}
    finally:
        cuda.use_backend(previous)
