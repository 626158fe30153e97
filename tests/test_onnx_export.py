"""``ferrograd.onnx.export``: exported graphs run in ONNX Runtime and give ferrograd's outputs
(within 1e-5, float32) at the traced sizes and at other sizes of the dynamic axes; what cannot
be exported stops with an error naming the operation and the module; the arguments are checked
as PyTorch checks them. The round trips need ``onnx`` and ``onnxruntime`` (the ``onnx`` extra)
and are skipped without them."""

from __future__ import annotations

import importlib.util
import io
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import ferrograd as torch
import ferrograd.nn.functional as F
from ferrograd import nn

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def onnx():
    return pytest.importorskip("onnx")


@pytest.fixture(scope="module")
def ort(onnx):
    return pytest.importorskip("onnxruntime")


@pytest.fixture(scope="module")
def opset(onnx, ort) -> int:
    """The newest opset both the installed onnx and ONNX Runtime know (ONNX Runtime can lag a
    release behind onnx, whose newest opset is export's default)."""
    helper = onnx.helper
    x = helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [x], [])
    graph.output.append(helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1]))
    for version in range(onnx.defs.onnx_opset_version(), 16, -1):
        ids = [helper.make_opsetid("", version)]
        model = helper.make_model(
            graph, opset_imports=ids, ir_version=helper.find_min_ir_version_for(ids)
        )
        try:
            ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        except Exception:  # noqa: BLE001 - any refusal means: not this opset
            continue
        return version
    pytest.skip("this ONNX Runtime runs no opset from 17 on")


class Runtime:
    """ONNX Runtime, and the opset to export for it."""

    def __init__(self, ort, opset: int):
        self.ort, self.opset = ort, opset

    def export(self, model, args, **options) -> bytes:
        options.setdefault("opset_version", self.opset)
        return _export_bytes(model, args, **options)

    def session(self, data: bytes):
        return self.ort.InferenceSession(data, providers=["CPUExecutionProvider"])


@pytest.fixture(scope="module")
def rt(ort, opset) -> Runtime:
    return Runtime(ort, opset)


def _example(name: str):
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))  # tiny_gpt imports its neighbour char_corpus
    spec = importlib.util.spec_from_file_location(f"onnx_test_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tensors(value) -> list:
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in _tensors(item)]
    return []


def _export_bytes(model, args, **options) -> bytes:
    buffer = io.BytesIO()
    torch.onnx.export(model, args, buffer, **options)
    return buffer.getvalue()


def round_trip(rt, model, args, names, dynamic_axes=None, others=(), **options):
    """Exports ``model`` on ``args``, then checks ONNX Runtime's outputs against ferrograd's
    for ``args`` and for each argument tuple in ``others``. Returns the model's bytes."""
    data = rt.export(model, args, input_names=names, dynamic_axes=dynamic_axes or {}, **options)
    session = rt.session(data)
    model.eval()
    for inputs in (args, *others):
        feeds = {n: t.numpy() for n, t in zip(names, _tensors(inputs), strict=True)}
        got = session.run(None, feeds)
        with torch.no_grad():
            expected = _tensors(model(*inputs))
        assert len(got) == len(expected)
        for actual, want in zip(got, expected, strict=True):
            want = want.numpy()
            assert actual.shape == want.shape
            assert actual.dtype == want.dtype
            np.testing.assert_allclose(actual, want, rtol=1e-5, atol=1e-5)
    return data


# --- the models of the issue ---------------------------------------------------------------------


def test_digits_mlp(rt):
    torch.manual_seed(0)
    model = _example("train_digits").build(torch, "mlp")
    x = torch.rand(5, 64)
    round_trip(rt, model, (x,), ["x"], {"x": {0: "batch"}}, [(torch.rand(2, 64),)])


def test_digits_convnet(rt, onnx):
    torch.manual_seed(0)
    model = _example("train_digits").build(torch, "cnn")
    model.train()
    data = round_trip(
        rt, model, (torch.rand(4, 1, 8, 8),), ["x"], {"x": {0: "batch"}},
        [(torch.rand(9, 1, 8, 8),)],
    )  # fmt: skip
    graph = onnx.load_from_string(data).graph
    ops = [n.op_type for n in graph.node]
    assert ops.count("Conv") == 2 and "BatchNormalization" in ops and ops.count("Gemm") == 2
    assert "Dropout" not in ops
    # parameters are initializers named by their state-dict keys
    assert {"0.weight", "0.bias", "8.weight"} <= {i.name for i in graph.initializer}
    assert graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"


class WordLanguageModel(nn.Module):
    """pytorch/examples' word language model: embedding, a 2-layer LSTM over (sequence, batch),
    a linear decoder; the hidden state goes in and comes out."""

    def __init__(self, tokens: int = 40, size: int = 12, hidden: int = 16):
        super().__init__()
        self.drop = nn.Dropout(0.2)
        self.encoder = nn.Embedding(tokens, size)
        self.rnn = nn.LSTM(size, hidden, 2, dropout=0.2)
        self.decoder = nn.Linear(hidden, tokens)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        decoded = self.decoder(self.drop(output)).view(-1, self.decoder.out_features)
        return F.log_softmax(decoded, dim=1), hidden


def test_lstm_language_model(rt, onnx):
    torch.manual_seed(0)
    model = WordLanguageModel()

    def inputs(steps, batch):
        ids = torch.randint(0, 40, (steps, batch))
        return ids, (torch.randn(2, batch, 16), torch.randn(2, batch, 16))

    axes = {"ids": {0: "seq", 1: "batch"}, "h0": {1: "batch"}, "c0": {1: "batch"}}
    data = round_trip(
        rt, model, inputs(5, 3), ["ids", "h0", "c0"], axes, [inputs(9, 2), inputs(1, 4)]
    )
    ops = [n.op_type for n in onnx.load_from_string(data).graph.node]
    assert ops.count("LSTM") == 2  # one ONNX LSTM per layer, not an unrolled loop


def test_two_block_gpt(rt):
    torch.manual_seed(0)
    gpt = _example("tiny_gpt").TinyGPT(30, 16, 2, 2, 16, 0.1)
    ids = torch.randint(0, 30, (2, 7))
    round_trip(
        rt, gpt, (ids,), ["ids"], {"ids": {0: "batch", 1: "sequence"}},
        [(torch.randint(0, 30, (3, 12)),), (torch.randint(0, 30, (1, 1)),)],
    )  # fmt: skip


class CausalSelfAttention(nn.Module):
    """nanoGPT's attention: a causal-mask buffer sliced to the sequence's length, heads made
    with view/transpose from sizes read off the input."""

    def __init__(self, width: int = 16, heads: int = 2, block: int = 12):
        super().__init__()
        self.qkv, self.proj, self.heads = (
            nn.Linear(width, 3 * width),
            nn.Linear(width, width),
            heads,
        )
        self.register_buffer("mask", torch.tril(torch.ones(block, block)).view(1, 1, block, block))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = F.softmax(att.masked_fill(self.mask[:, :, :T, :T] == 0, float("-inf")), dim=-1)
        return self.proj((att @ v).transpose(1, 2).contiguous().view(B, T, C))


def test_attention_written_by_hand(rt):
    torch.manual_seed(0)
    round_trip(
        rt, CausalSelfAttention(), (R(2, 5, 16),), ["x"], {"x": {0: "batch", 1: "time"}},
        [(R(3, 12, 16),), (R(1, 1, 16),)],
    )  # fmt: skip


class ResidualBlock(nn.Module):
    def __init__(self, channels: int = 4):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.norm = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        out = self.norm(self.conv(x))
        out += x
        return self.relu(out)


def test_residual_convnet_with_in_place_adds_at_other_image_sizes(rt):
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, stride=2, padding=1), ResidualBlock(), ResidualBlock(),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(4, 2),
    )  # fmt: skip
    model[1].norm.running_mean.uniform_(-0.5, 0.5)
    model[1].norm.running_var.uniform_(0.5, 2.0)
    axes = {"images": {0: "batch", 2: "height", 3: "width"}}
    round_trip(rt, model, (R(2, 3, 8, 8),), ["images"], axes, [(R(3, 3, 12, 10),)])


def test_opset_17(rt, onnx):
    torch.manual_seed(0)
    gpt = _example("tiny_gpt").TinyGPT(20, 8, 2, 2, 8, 0.0)
    data = round_trip(
        rt, gpt, (torch.randint(0, 20, (2, 5)),), ["ids"], {"ids": {0: "b", 1: "t"}},
        [(torch.randint(0, 20, (1, 8)),)], opset_version=17,
    )  # fmt: skip
    assert onnx.load_from_string(data).opset_import[0].version == 17


# --- operations -----------------------------------------------------------------------------------


class Lambda(nn.Module):
    def __init__(self, fn, **modules):
        super().__init__()
        self.fn = fn
        for name, module in modules.items():
            setattr(self, name, module)

    def forward(self, *args):
        return self.fn(self, *args)


R = torch.randn


def _ints(*shape):
    return torch.randint(-9, 9, shape)


# (id, forward(module, *inputs), traced inputs, dynamic axes per input, other inputs, modules)
CASES = [
    ("arithmetic", lambda m, x, y: (x + y * 2 - 1, x / y, 3 - x, 2 / (y.abs() + 1), x**2,
     x.pow(y.abs()), -x, torch.sub(x, y, alpha=2), x.abs()),
     (R(2, 3), R(2, 3)), ({0: "b"}, {0: "b"}), [(R(4, 3), R(4, 3))], {}),
    ("broadcasting", lambda m, x, y: (x + y, x * y[0]), (R(2, 3), R(3)), ({0: "b"}, None),
     [(R(5, 3), R(3))], {}),
    ("unary math", lambda m, x: (x.exp(), x.sigmoid(), x.tanh(), x.relu(), torch.sin(x), x.cos(),
     x.abs().sqrt(), x.abs().rsqrt(), x.abs().log1p(), x.expm1(), x.floor(), x.ceil(), x.round(),
     x.sign(), x.square(), x.abs().log2(), x.trunc(), x.frac(), x.reciprocal(), x.erf()),
     (R(2, 3),), ({0: "b"},), [(R(4, 3),)], {}),
    ("comparisons and where", lambda m, x, y: (x > y, x <= 0.5, x == y, x != y,
     torch.where(x > 0, x, y), x.masked_fill(x < 0, 0.0), (x > 0) & (y > 0), (x > 0) | (y > 0),
     ~(x > 0), torch.maximum(x, y), x.clamp(-0.5, 0.5), x.clamp(min=0), x.isnan()),
     (R(2, 3), R(2, 3)), ({0: "b"}, {0: "b"}), [(R(4, 3), R(4, 3))], {}),
    ("reductions", lambda m, x: (x.sum(), x.sum(1), x.mean(-1, keepdim=True), x.max(),
     x.max(1)[0], x.max(1)[1], x.argmax(-1), x.amin(0), x.prod(1), x.var(1), x.std(),
     x.logsumexp(1), x.norm(dim=1), (x > 0).all(1), (x > 0).any(), x.min(dim=0).indices,
     x.argmax()), (R(3, 4),), ({0: "b"},), [(R(5, 4),)], {}),
    ("integer arithmetic", lambda m, x: (x // 3, x % 3, x * 2, x + 1.5, x.float() / 2, x.sum(),
     torch.div(x, 3, rounding_mode="floor"), torch.div(x, 3, rounding_mode="trunc")),
     (_ints(2, 5),), ({0: "b"},), [(_ints(4, 5),)], {}),
    ("reshaping", lambda m, x: (x.view(x.shape[0], -1), x.reshape(-1), x.flatten(1),
     x.permute(2, 0, 1), x.transpose(0, 1), x.unsqueeze(1), x.mT, x.unflatten(2, (2, 2)),
     x.contiguous(), x.expand(2, -1, -1, -1), x.repeat(1, 2, 1), x.flip(1), x.movedim(0, -1)),
     (R(2, 3, 4),), ({0: "b"},), [(R(5, 3, 4),)], {}),
    ("indexing and slicing", lambda m, x: (x[0], x[:, 1], x[:, -1, :], x[..., 1:3], x[:, ::2],
     x[1:], x[:, [0, 2]], x[:, torch.tensor([1, 0])], x[-1, 1:, None], x.narrow(2, 1, 2),
     x.index_select(1, torch.tensor([2, 0])), x[:, : x.shape[1] - 1]),
     (R(3, 3, 4),), ({0: "b"},), [(R(5, 3, 4),)], {}),
    ("sizes of dynamic axes", lambda m, x: (x[:, : x.shape[1] // 2], x[:, x.shape[1] - 1],
     x.view(x.size(0) * x.size(1), -1), x.new_zeros(x.shape[0], 2), torch.zeros(x.shape[:2]),
     torch.ones_like(x), torch.full((x.shape[1],), 2.0), torch.arange(x.shape[1]) * 2,
     torch.arange(1, x.shape[1], 2).float()),
     (R(2, 6, 4),), ({0: "b", 1: "t"},), [(R(3, 10, 4),)], {}),
    ("joining and splitting", lambda m, x, y: (torch.cat([x, y], 0), torch.cat([x, y], 1),
     torch.stack([x, y], 1), *x.split(1, 1), *x.chunk(3, 1), *x.unbind(1)),
     (R(2, 3), R(2, 3)), ({0: "b"}, {0: "b"}), [(R(4, 3), R(4, 3))], {}),
    ("products and softmax", lambda m, x, i: (x.gather(1, i), torch.tril(x), x.triu(1),
     torch.einsum("ij,kj->ik", x, x), x @ x.t(), torch.matmul(x, x.t()).softmax(-1),
     x.log_softmax(1), F.softmax(x, dim=0)),
     (R(3, 3), torch.randint(0, 3, (3, 2))), ({0: "b"}, {0: "b"}),
     [(R(3, 3), torch.randint(0, 3, (3, 2)))], {}),
    ("activations", lambda m, x: (F.gelu(x), F.gelu(x, approximate="tanh"), F.silu(x), F.elu(x),
     F.leaky_relu(x, 0.2), F.softplus(x), F.softplus(x, beta=2, threshold=1), F.hardtanh(x),
     F.relu6(x * 4), F.hardsigmoid(x), F.hardswish(x), F.mish(x), F.selu(x), F.celu(x),
     F.logsigmoid(x), F.softsign(x), F.tanhshrink(x), F.threshold(x, 0.1, 20.0), F.glu(x, -1),
     F.softmin(x, 1), F.hardshrink(x), F.softshrink(x), F.normalize(x, dim=1), m.prelu(x)),
     (R(2, 4),), ({0: "b"},), [(R(5, 4),)], {"prelu": nn.PReLU()}),
    ("convolutions 1-d", lambda m, x: m.net(x), (R(2, 3, 10),), ({0: "b", 2: "length"},),
     [(R(3, 3, 13),)], {"net": nn.Sequential(nn.Conv1d(3, 4, 3, padding=1), nn.ReLU(),
     nn.Conv1d(4, 2, 3, padding="same", dilation=2), nn.AvgPool1d(2),
     nn.MaxPool1d(2, ceil_mode=True))}),
    ("convolutions 2-d", lambda m, x: m.net(x), (R(2, 3, 8, 8),), ({0: "b"},), [(R(3, 3, 8, 8),)],
     {"net": nn.Sequential(nn.Conv2d(3, 4, 3, stride=2, padding=1), nn.GroupNorm(2, 4),
     nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1),
     nn.InstanceNorm2d(2, affine=True), nn.AdaptiveAvgPool2d(1), nn.Flatten())}),
    ("pooling and padding", lambda m, x: (F.avg_pool2d(x, 2), F.avg_pool2d(x, 3, 2, 1,
     count_include_pad=False), F.max_pool2d(x, 3, 2, 1), F.adaptive_avg_pool2d(x, 2),
     F.adaptive_max_pool2d(x, 1), F.pad(x, (1, 2)), F.pad(x, (1, 1, 2, 0), mode="reflect"),
     F.pad(x, (1, 1, 0, 2), mode="replicate"), F.pad(x, (1, 1, 1, 1), mode="circular"),
     F.pixel_shuffle(x, 2), F.max_pool2d(x, 3, 2, 1, ceil_mode=True),
     F.avg_pool2d(x, 3, 2, 1, ceil_mode=True), F.max_pool2d(x[..., :5, :5], 2, 3, 1,
     ceil_mode=True)), (R(2, 4, 6, 6),), ({0: "b"},), [(R(3, 4, 6, 6),)], {}),
    ("normalization", lambda m, x: (m.bn(x), m.ln(x), F.rms_norm(x, (6,)),
     F.layer_norm(x, (6,))), (R(2, 4, 6),), ({0: "b"},), [(R(3, 4, 6),)],
     {"bn": nn.BatchNorm1d(4), "ln": nn.LayerNorm(6)}),
    ("embedding", lambda m, i: (m.e(i), F.one_hot(i, 10), m.e(i).sum(1)),
     (torch.randint(0, 10, (2, 5)),), ({0: "b", 1: "t"},), [(torch.randint(0, 10, (3, 2)),)],
     {"e": nn.Embedding(10, 4)}),
    ("gru, bidirectional", lambda m, x: m.rnn(x), (R(5, 2, 3),), ({0: "t", 1: "b"},),
     [(R(7, 4, 3),)], {"rnn": nn.GRU(3, 4, num_layers=2, bidirectional=True)}),
    ("rnn, unbatched", lambda m, x: m.rnn(x), (R(5, 3),), ({0: "t"},), [(R(2, 3),)],
     {"rnn": nn.RNN(3, 4, nonlinearity="relu")}),
    ("scaled_dot_product_attention", lambda m, q, k, v, mask: (
     F.scaled_dot_product_attention(q, k, v), F.scaled_dot_product_attention(q, k, v,
     is_causal=True), F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
     F.scaled_dot_product_attention(q, k, v, attn_mask=mask.float().log())),
     (R(2, 2, 5, 4), R(2, 2, 5, 4), R(2, 2, 5, 4), torch.ones(5, 5).tril().bool()),
     ({0: "b", 2: "t"}, {0: "b", 2: "t"}, {0: "b", 2: "t"}, {0: "t", 1: "t"}),
     [(R(3, 2, 7, 4), R(3, 2, 7, 4), R(3, 2, 7, 4), torch.ones(7, 7).tril().bool())], {}),
    ("attention built by hand", lambda m, x: (
     (x @ x.transpose(-2, -1) / math.sqrt(x.shape[-1])).masked_fill(
     torch.ones(x.shape[1], x.shape[1]).triu(1).bool(), float("-inf")).softmax(-1) @ x),
     (R(2, 5, 4),), ({0: "b", 1: "t"},), [(R(3, 8, 4),)], {}),
    ("multi-head attention, padding mask", lambda m, x, pad: m.attn(x, x, x,
     key_padding_mask=pad), (R(2, 5, 8), torch.zeros(2, 5).bool()),
     ({0: "b", 1: "t"}, {0: "b", 1: "t"}),
     [(R(3, 4, 8), torch.tensor([[False] * 4, [False, False, True, True], [False] * 3 + [True]]))],
     {"attn": nn.MultiheadAttention(8, 2, batch_first=True)}),
    ("numpy keywords", lambda m, x, y: (torch.sum(x, axis=1, keepdims=True), x.mean(axis=0),
     x.sum(1, keepdims=True), torch.cat([x, y], axis=1), torch.max(x, axis=1).values),
     (R(2, 3), R(2, 3)), ({0: "b"}, {0: "b"}), [(R(4, 3), R(4, 3))], {}),
    ("in-place operations", lambda m, x: (F.relu(x * 2, inplace=True).add_(1),
     (x * 1).masked_fill_(x > 0, 2.0), (x + 1).zero_(), (x * 2).fill_(3.0), x.clone().mul_(x)),
     (R(2, 3),), ({0: "b"},), [(R(4, 3),)], {}),
    ("methods of constants given traced tensors", lambda m, x: (m.table.where(x > 0, x),
     m.table.gather(1, (x > 0).long()), m.table @ x.t()), (R(2, 3),), ({0: "b"},), [(R(2, 3),)],
     {"table": torch.arange(6.0).reshape(2, 3)}),
    ("float64", lambda m, x: (x * 2).sum(1), (torch.randn(2, 3, dtype=torch.float64),),
     ({0: "b"},), [(torch.randn(4, 3, dtype=torch.float64),)], {}),
]  # fmt: skip


@pytest.mark.parametrize(("forward", "inputs", "axes", "others", "modules"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])  # fmt: skip
def test_operations(rt, forward, inputs, axes, others, modules):
    torch.manual_seed(0)
    names = [f"x{i}" for i in range(len(inputs))]
    dynamic = {n: a for n, a in zip(names, axes, strict=True) if a}
    round_trip(rt, Lambda(forward, **modules), inputs, names, dynamic, others)


# --- what cannot be exported ----------------------------------------------------------------------


class Sorts(nn.Module):
    def forward(self, x):
        return x.sort(-1).values


def test_an_operation_without_translation_names_itself_and_its_module(onnx):
    model = nn.Sequential(nn.Linear(3, 3), nn.Sequential(nn.ReLU(), Sorts()))
    with pytest.raises(torch.onnx.errors.UnsupportedOperatorError) as info:
        _export_bytes(model, (R(2, 3),))
    message = str(info.value)
    assert "'Tensor.sort'" in message and "'1.1' (Sorts)" in message
    assert isinstance(info.value, torch.onnx.OnnxExporterError)


def _view_then_write(m, x):
    x = x * 1
    flat = x.view(-1)
    x.add_(1)
    return flat


@pytest.mark.parametrize(
    ("forward", "axes", "message"),
    [
        (lambda m, x: x * 2 if x.sum() > 0 else x, None, "bool()"),
        (lambda m, x: x * x.max().item(), None, "Tensor.item()"),
        (lambda m, x: torch.from_numpy(x.numpy() * 2), None, "Tensor.numpy()"),
        (lambda m, x: x / math.sqrt(x.shape[1]), {1: "n"}, "dynamic dimension 'n'"),
        (lambda m, x: x.squeeze(0), {0: "b"}, "dimension 0, which is dynamic"),
        (lambda m, x: sum(row for row in x), {0: "b"}, "iterating"),
        (_view_then_write, None, "shares memory"),
        (lambda m, x: torch._core.linear(x, m.w, None) + 1, None, "without passing through"),
        (lambda m, x: F.dropout(x, 0.5, training=True), None, "dropout in training mode"),
    ],
    ids=["branch", "item", "numpy", "float size", "squeeze", "iterate", "view", "core", "dropout"],
)
def test_what_the_graph_could_not_follow_is_refused(onnx, forward, axes, message):
    model = Lambda(forward)
    model.w = nn.Parameter(R(3, 3))
    with pytest.raises(torch.onnx.OnnxExporterError, match=re.escape(message)):
        _export_bytes(model, (R(1, 3),), input_names=["x"], dynamic_axes={"x": axes or {}})


def test_values_of_parameters_may_steer_python(rt):
    model = Lambda(lambda m, x: x * 2 if m.w.sum() > -100 else x)
    model.w = nn.Parameter(torch.ones(3))
    round_trip(rt, model, (R(2, 3),), ["x"])


# --- export's own behaviour -----------------------------------------------------------------------


class RecordsExport(nn.Module):
    def __init__(self):
        super().__init__()
        self.seen = []
        self.linear = nn.Linear(3, 2)

    def forward(self, x):
        self.seen.append(torch.onnx.is_in_onnx_export())
        return self.linear(x)


def test_is_in_onnx_export_only_while_exporting(onnx):
    model = RecordsExport()
    assert not torch.onnx.is_in_onnx_export()
    model(R(2, 3))
    _export_bytes(model, (R(2, 3),))
    assert model.seen == [False, True]
    assert not torch.onnx.is_in_onnx_export()
    with pytest.raises((ValueError, RuntimeError), match="linear"):
        _export_bytes(model, (R(2, 4),))  # the forward itself fails
    assert not torch.onnx.is_in_onnx_export()


def test_exports_in_eval_mode_and_restores_the_modes(rt):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5), nn.BatchNorm1d(4))
    model.train()
    model[2].eval()
    data = rt.export(model, (R(3, 4),), input_names=["x"])
    assert model.training and model[0].training and not model[2].training
    x = R(3, 4)
    got = rt.session(data).run(None, {"x": x.numpy()})[0]
    model.eval()
    np.testing.assert_allclose(got, model(x).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_file_path_options_and_program(onnx, rt, tmp_path):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh())
    x = R(2, 4)
    path = tmp_path / "model.onnx"
    newest = onnx.defs.onnx_opset_version()
    torch.onnx.export(model, x, path, input_names=["x"], output_names=["y"])
    loaded = onnx.load(path)
    onnx.checker.check_model(loaded)
    assert [o.name for o in loaded.graph.output] == ["y"]
    assert loaded.opset_import[0].version == newest  # the default
    assert loaded.producer_name == "ferrograd"
    program = torch.onnx.export(model, x, None, opset_version=rt.opset)  # written nowhere
    np.testing.assert_allclose(program(x)[0].numpy(), model(x).detach().numpy(), rtol=1e-5)
    # a str path, and the outputs compared by export itself
    torch.onnx.export(model, (x,), str(path), opset_version=rt.opset, verify=True)

    kept = onnx.load_from_string(
        _export_bytes(model, (x,), input_names=["x"], keep_initializers_as_inputs=True)
    )
    assert {"0.weight", "0.bias"} <= {i.name for i in kept.graph.input}


def test_export_params_false_takes_the_weights_as_inputs(onnx, rt):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    x = R(5, 4)
    data = rt.export(model, (x,), input_names=["x"], export_params=False)
    graph = onnx.load_from_string(data).graph
    assert not graph.initializer or all("weight" not in i.name for i in graph.initializer)
    feeds = {"x": x.numpy()} | {k: v.numpy() for k, v in model.state_dict().items()}
    assert {i.name for i in graph.input} == set(feeds)
    got = rt.session(data).run(None, feeds)[0]
    np.testing.assert_allclose(got, model(x).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_keyword_arguments_become_inputs(rt):
    class Scale(nn.Module):
        def forward(self, x, *, scale):
            return x * scale

    x, scale = R(2, 3), R(3)
    session = rt.session(rt.export(Scale(), (x, {"scale": scale})))
    assert [i.name for i in session.get_inputs()] == ["x", "scale"]
    got = session.run(None, {"x": x.numpy(), "scale": scale.numpy()})[0]
    np.testing.assert_allclose(got, (x * scale).numpy(), rtol=1e-6)


# --- arguments checked as PyTorch checks them -----------------------------------------------------


def test_bad_arguments(onnx):
    model = nn.Linear(3, 2)
    x = R(4, 3)
    with pytest.raises(TypeError, match="f must be a file path"):
        torch.onnx.export(model, (x,), 123)
    with pytest.raises(TypeError, match="model must be"):
        torch.onnx.export(lambda t: t, (x,), io.BytesIO())
    with pytest.raises(RuntimeError, match=r"number of input names provided \(2\) exceeded"):
        _export_bytes(model, (x,), input_names=["a", "b"])
    with pytest.raises(RuntimeError, match=r"number of output names provided \(2\) exceeded"):
        _export_bytes(model, (x,), output_names=["a", "b"])
    with pytest.raises(TypeError, match="input_names must be a list of strings"):
        _export_bytes(model, (x,), input_names="x")
    with pytest.raises(RuntimeError, match="Unsupported onnx_opset_version: 3"):
        _export_bytes(model, (x,), opset_version=3)
    with pytest.raises(RuntimeError, match="Unsupported onnx_opset_version"):
        _export_bytes(model, (x,), opset_version=onnx.defs.onnx_opset_version() + 1)
    with pytest.raises(TypeError, match="opset_version must be an int"):
        _export_bytes(model, (x,), opset_version="17")
    with pytest.raises(RuntimeError, match="Dynamic shape axis should be no more"):
        _export_bytes(model, (x,), input_names=["x"], dynamic_axes={"x": {2: "n"}})
    with pytest.raises(TypeError, match="dynamic_axes must be a dict"):
        _export_bytes(model, (x,), input_names=["x"], dynamic_axes=[0])
    with pytest.raises(TypeError, match="must be a list of axes"):
        _export_bytes(model, (x,), input_names=["x"], dynamic_axes={"x": 0})
    with pytest.warns(UserWarning, match="Provided key y for dynamic axes is not a valid"):
        _export_bytes(model, (x,), input_names=["x"], dynamic_axes={"y": [0]})
    with pytest.raises(NotImplementedError, match="dynamic_axes"):
        _export_bytes(model, (x,), dynamic_shapes={"input": {0: "b"}})


def test_importing_ferrograd_does_not_need_onnx():
    code = (
        "import sys\n"
        "sys.modules['onnx'] = None\n"  # as if not installed
        "import ferrograd as torch\n"
        "assert not torch.onnx.is_in_onnx_export()\n"
        "try:\n"
        "    torch.onnx.export(torch.nn.Linear(2, 2), (torch.randn(1, 2),), None)\n"
        "except torch.onnx.OnnxExporterError as error:\n"
        "    assert 'pip install' in str(error)\n"
        "else:\n"
        "    raise AssertionError('export ran without onnx')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_digits_demo_exports_the_trained_models(rt, tmp_path, capsys, monkeypatch):
    pytest.importorskip("sklearn")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    demo = _example("train_digits")
    monkeypatch.setattr(demo.ferrograd.onnx, "export", _with_opset(rt.opset))
    arguments = ["--epochs", "1", "--models", "cnn", "--quiet", "--export-onnx"]
    results = demo.main([*arguments, "--out", str(tmp_path)])
    assert (tmp_path / "digits_cnn.onnx").is_file()
    accuracy = results[("ferrograd", "cnn")][0]
    assert f"digits_cnn.onnx (ONNX Runtime: {accuracy:.2%})" in capsys.readouterr().out


def _with_opset(opset: int):
    export = torch.onnx.export

    def pinned(*args, **kwargs):
        kwargs.setdefault("opset_version", opset)
        return export(*args, **kwargs)

    return pinned
