"""Layers and losses: values against NumPy references and PyTorch's published formulas,
gradcheck in float64 for every layer and loss, and clear errors for bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
import ferrograd.nn.functional as F
from ferrograd.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(1)


def t64(a, requires_grad=True):
    return fg.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def rand64(*shape, requires_grad=True):
    return t64(RNG.standard_normal(shape), requires_grad)


def np_conv2d(x, w, b, stride, padding, dilation, groups):
    n = x.shape[0]
    o, cg, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    oh = (x.shape[2] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (x.shape[3] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, oh, ow))
    og = o // groups
    for oc in range(o):
        g = oc // og
        for i in range(oh):
            for j in range(ow):
                patch = x[
                    :,
                    g * cg : (g + 1) * cg,
                    i * stride[0] : i * stride[0] + dilation[0] * (kh - 1) + 1 : dilation[0],
                    j * stride[1] : j * stride[1] + dilation[1] * (kw - 1) + 1 : dilation[1],
                ]
                out[:, oc, i, j] = (patch * w[oc]).sum(axis=(1, 2, 3))
    if b is not None:
        out += b[None, :, None, None]
    return out


def as_layer_f64(layer):
    return layer.double()


# --- convolution -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stride,padding,dilation,groups",
    [
        ((1, 1), (0, 0), (1, 1), 1),
        ((2, 1), (1, 2), (1, 1), 1),
        ((1, 1), (1, 1), (2, 1), 1),
        ((1, 2), (0, 1), (1, 1), 2),
    ],
)
def test_conv2d_matches_reference(stride, padding, dilation, groups):
    x = RNG.standard_normal((2, 4, 7, 6))
    w = RNG.standard_normal((6, 4 // groups, 3, 2))
    b = RNG.standard_normal(6)
    got = F.conv2d(
        t64(x, False), t64(w, False), t64(b, False), stride, padding, dilation, groups
    ).numpy()
    np.testing.assert_allclose(
        got, np_conv2d(x, w, b, stride, padding, dilation, groups), rtol=1e-10, atol=1e-12
    )


def test_conv_gradcheck_and_double_backward():
    x, w, b = rand64(2, 2, 5, 4), rand64(3, 2, 3, 2), rand64(3)

    def f(x, w, b):
        return F.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2))

    assert gradcheck(f, (x, w, b))
    assert gradgradcheck(f, (x, w, b))
    assert gradcheck(
        lambda x, w: F.conv2d(x, w, groups=2), (rand64(1, 4, 4, 4), rand64(4, 2, 2, 2))
    )
    assert gradcheck(
        lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1),
        (rand64(2, 3, 7), rand64(4, 3, 3), rand64(4)),
    )
    assert gradcheck(
        lambda x, w: F.conv2d(x, w, padding="same"), (rand64(1, 1, 4, 4), rand64(2, 1, 2, 3))
    )


def test_conv_layers_and_errors():
    fg.manual_seed(0)
    conv = nn.Conv2d(3, 5, 3, padding=1).double()
    x = rand64(2, 3, 6, 6)
    assert conv(x).shape == (2, 5, 6, 6)
    assert conv(rand64(3, 6, 6)).shape == (5, 6, 6)
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, padding=1), (x, conv.weight, conv.bias))
    bound = 1 / math.sqrt(3 * 9)
    assert (
        float(conv.weight.abs().max()) <= bound + 1e-12
        and float(conv.bias.abs().max()) <= bound + 1e-12
    )
    with pytest.raises(ValueError, match="channels"):
        conv(rand64(2, 4, 6, 6))
    with pytest.raises(ValueError, match="4D"):
        conv(rand64(6, 6))
    with pytest.raises(ValueError, match=r"Kernel size can't be greater than actual input size"):
        nn.Conv2d(1, 1, 5)(fg.randn(1, 1, 3, 3))
    c1 = nn.Conv1d(2, 4, 3, stride=2).double()
    assert c1(rand64(5, 2, 9)).shape == (5, 4, 4)
    assert repr(conv) == "Conv2d(3, 5, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"


# --- pooling ---------------------------------------------------------------------------------


def test_pooling_values():
    x = RNG.standard_normal((2, 3, 6, 4))
    t = t64(x, False)
    mp = F.max_pool2d(t, 2).numpy()
    np.testing.assert_array_equal(mp, x.reshape(2, 3, 3, 2, 2, 2).max(axis=(3, 5)))
    ap = F.avg_pool2d(t, 2).numpy()
    np.testing.assert_allclose(ap, x.reshape(2, 3, 3, 2, 2, 2).mean(axis=(3, 5)))
    ad = F.adaptive_avg_pool2d(t, (4, 3)).numpy()
    # PyTorch's bins: start = floor(i*H/oh), end = ceil((i+1)*H/oh)
    expected = np.zeros((2, 3, 4, 3))
    for i in range(4):
        for j in range(3):
            h0, h1 = (i * 6) // 4, -((-(i + 1) * 6) // 4)
            w0, w1 = (j * 4) // 3, -((-(j + 1) * 4) // 3)
            expected[:, :, i, j] = x[:, :, h0:h1, w0:w1].mean(axis=(2, 3))
    np.testing.assert_allclose(ad, expected, rtol=1e-12)
    np.testing.assert_allclose(
        F.adaptive_avg_pool2d(t, 1).numpy(), x.mean(axis=(2, 3), keepdims=True)
    )
    values, indices = F.max_pool2d(t, 3, stride=1, padding=1, return_indices=True)
    flat = x.reshape(2, 3, -1)
    np.testing.assert_array_equal(
        np.take_along_axis(flat, indices.numpy().reshape(2, 3, -1), 2),
        values.numpy().reshape(2, 3, -1),
    )
    padded = F.avg_pool2d(t, 3, stride=1, padding=1, count_include_pad=False).numpy()
    np.testing.assert_allclose(padded[0, 0, 0, 0], x[0, 0, :2, :2].mean())


def test_pooling_gradcheck():
    x = rand64(2, 2, 5, 6)
    assert gradcheck(lambda a: F.max_pool2d(a, 2), (x,))
    assert gradgradcheck(lambda a: F.max_pool2d(a, (2, 3), stride=1, padding=1), (x,))
    assert gradcheck(lambda a: F.avg_pool2d(a, 3, stride=2, padding=1), (x,))
    assert gradcheck(lambda a: F.adaptive_avg_pool2d(a, (3, 4)), (x,))
    assert gradcheck(lambda a: nn.MaxPool2d(2, 1)(a) + nn.AvgPool2d(2, 1)(a), (x,))
    assert gradcheck(lambda a: F.max_pool1d(a, 2) + F.avg_pool1d(a, 2), (rand64(2, 3, 6),))
    with pytest.raises(ValueError, match="3D or 4D"):
        nn.MaxPool2d(2)(fg.randn(4, 4))


# --- every layer passes gradcheck ------------------------------------------------------------


LAYERS = [
    ("Linear", lambda: nn.Linear(4, 3), (2, 4)),
    ("Linear-nobias", lambda: nn.Linear(4, 3, bias=False), (5, 2, 4)),
    ("Bilinear", None, None),
    ("Conv2d", lambda: nn.Conv2d(2, 3, 2, stride=2, padding=1), (2, 2, 4, 4)),
    ("Conv1d", lambda: nn.Conv1d(2, 3, 3, padding=1, groups=1), (2, 2, 5)),
    ("MaxPool2d", lambda: nn.MaxPool2d(2), (1, 2, 4, 4)),
    ("AvgPool2d", lambda: nn.AvgPool2d(2, stride=1), (1, 2, 3, 3)),
    ("AdaptiveAvgPool2d", lambda: nn.AdaptiveAvgPool2d((2, 3)), (1, 2, 5, 5)),
    ("Flatten", lambda: nn.Flatten(1, 2), (2, 3, 2, 2)),
    ("BatchNorm1d", lambda: nn.BatchNorm1d(3), (4, 3)),
    ("BatchNorm1d-3d", lambda: nn.BatchNorm1d(3), (4, 3, 2)),
    ("BatchNorm2d", lambda: nn.BatchNorm2d(2), (3, 2, 2, 2)),
    ("LayerNorm", lambda: nn.LayerNorm((3, 2)), (2, 3, 2)),
    ("ReLU", lambda: nn.ReLU(), (3, 4)),
    ("LeakyReLU", lambda: nn.LeakyReLU(0.2), (3, 4)),
    ("GELU", lambda: nn.GELU(), (3, 4)),
    ("GELU-tanh", lambda: nn.GELU("tanh"), (3, 4)),
    ("SiLU", lambda: nn.SiLU(), (3, 4)),
    ("ELU", lambda: nn.ELU(0.7), (3, 4)),
    ("Tanh", lambda: nn.Tanh(), (3, 4)),
    ("Sigmoid", lambda: nn.Sigmoid(), (3, 4)),
    ("Softmax", lambda: nn.Softmax(dim=1), (3, 4)),
    ("LogSoftmax", lambda: nn.LogSoftmax(dim=0), (3, 4)),
    ("Softplus", lambda: nn.Softplus(), (3, 4)),
    ("Identity", lambda: nn.Identity(7, a=1), (3, 4)),
    ("Sequential", lambda: nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 2)), (3, 4)),
]


@pytest.mark.parametrize(
    "name,make,shape",
    [layer for layer in LAYERS if layer[1] is not None],
    ids=[layer[0] for layer in LAYERS if layer[1] is not None],
)
def test_layer_gradcheck(name, make, shape):
    fg.manual_seed(0)
    layer = make().double()
    params = list(layer.parameters())
    x = rand64(*shape)

    names = [n for n, _ in layer.named_parameters()]

    def f(x, *ps):
        # Run the layer with the given tensors as its parameters, so gradcheck checks their
        # gradients too.
        return _functional_call(layer, dict(zip(names, ps, strict=True)), x)

    assert gradcheck(f, (x, *[p.detach().clone().requires_grad_() for p in params]))


def _functional_call(module, params: dict, x):
    """Runs ``module`` with its parameters temporarily replaced by the given tensors."""
    originals = {}
    for name, value in params.items():
        path, _, leaf = name.rpartition(".")
        owner = module.get_submodule(path)
        originals[name] = owner._parameters[leaf]
        owner._parameters[leaf] = value
    try:
        return module(x)
    finally:
        for name, value in originals.items():
            path, _, leaf = name.rpartition(".")
            module.get_submodule(path)._parameters[leaf] = value


def test_embedding_and_dropout_gradcheck():
    fg.manual_seed(0)
    emb = nn.Embedding(5, 3, padding_idx=0).double()
    assert emb.weight[0].abs().sum().item() == 0
    idx = fg.tensor([[1, 0, 4], [4, 2, 0]])
    out = emb(idx)
    assert out.shape == (2, 3, 3)
    out.sum().backward()
    assert emb.weight.grad[0].abs().sum().item() == 0
    assert emb.weight.grad[4].tolist() == [2.0, 2.0, 2.0]
    assert gradcheck(lambda w: F.embedding(idx, w), (rand64(5, 3),))
    with pytest.raises(TypeError, match="Long, Int"):
        emb(fg.tensor([0.0]))
    x = rand64(4, 5)
    fg.manual_seed(3)
    mask = (F.dropout(fg.ones(4, 5, dtype=fg.float64), 0.4) != 0).to(fg.float64)

    def f(a):
        fg.manual_seed(3)
        return F.dropout(a, 0.4)

    assert gradcheck(f, (x,))
    np.testing.assert_allclose(f(x).detach().numpy(), (x.detach().numpy() * mask.numpy() / 0.6))


def test_activation_values():
    x = np.linspace(-3, 3, 13)
    t = t64(x, False)
    from math import erf

    np.testing.assert_allclose(
        F.gelu(t).numpy(), [0.5 * v * (1 + erf(v / math.sqrt(2))) for v in x], rtol=1e-12
    )
    np.testing.assert_allclose(F.silu(t).numpy(), x / (1 + np.exp(-x)), rtol=1e-12)
    np.testing.assert_allclose(
        F.elu(t, 0.5).numpy(), np.where(x > 0, x, 0.5 * (np.exp(x) - 1)), rtol=1e-12
    )
    np.testing.assert_allclose(F.leaky_relu(t, 0.1).numpy(), np.where(x > 0, x, 0.1 * x))
    np.testing.assert_allclose(F.softplus(t).numpy(), np.log1p(np.exp(x)), rtol=1e-12)
    np.testing.assert_allclose(F.logsigmoid(t).numpy(), -np.log1p(np.exp(-x)), rtol=1e-12)
    big = fg.tensor([1000.0, -1000.0])
    assert F.elu(big).tolist() == [1000.0, -1.0]


# --- losses ----------------------------------------------------------------------------------


def test_regression_losses_values_and_gradcheck():
    a, b = RNG.standard_normal((3, 4)) * 2, RNG.standard_normal((3, 4))
    x, y = t64(a), t64(b, False)
    d = a - b
    np.testing.assert_allclose(F.mse_loss(x, y).item(), (d**2).mean())
    np.testing.assert_allclose(F.l1_loss(x, y, reduction="sum").item(), np.abs(d).sum())
    ad = np.abs(d)
    np.testing.assert_allclose(
        nn.SmoothL1Loss(beta=0.5, reduction="none")(x, y).detach().numpy(),
        np.where(ad < 0.5, 0.5 * ad**2 / 0.5, ad - 0.25),
    )
    np.testing.assert_allclose(
        nn.HuberLoss(delta=0.7)(x, y).item(),
        np.where(ad < 0.7, 0.5 * ad**2, 0.7 * (ad - 0.35)).mean(),
    )
    for loss in (
        nn.MSELoss(),
        nn.L1Loss(reduction="sum"),
        nn.SmoothL1Loss(),
        nn.HuberLoss(reduction="none", delta=2.0),
    ):
        assert gradcheck(loss, (x, t64(b)))


def test_classification_losses_values():
    logits = RNG.standard_normal((5, 4))
    target = np.array([0, 3, 1, 1, 2])
    x, t = t64(logits), fg.tensor(target)
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    nll = -logp[np.arange(5), target]
    np.testing.assert_allclose(F.cross_entropy(x, t).item(), nll.mean())
    np.testing.assert_allclose(F.nll_loss(fg.tensor(logp), t, reduction="sum").item(), nll.sum())
    w = np.array([1.0, 2.0, 0.5, 3.0])
    np.testing.assert_allclose(
        F.cross_entropy(x, t, weight=t64(w, False)).item(),
        (w[target] * nll).sum() / w[target].sum(),
    )
    t_ign = fg.tensor([0, -100, 1, 1, 2])
    keep = np.array([1, 0, 1, 1, 1], bool)
    np.testing.assert_allclose(F.cross_entropy(x, t_ign).item(), nll[keep].mean())
    np.testing.assert_allclose(
        F.cross_entropy(x, fg.tensor([0, 7, 1, 1, 2]), ignore_index=7).item(), nll[keep].mean()
    )
    # label smoothing: (1 - eps) * nll + eps / C * (-sum_c logp)
    eps = 0.2
    smooth = (1 - eps) * nll + eps / 4 * (-logp.sum(1))
    np.testing.assert_allclose(F.cross_entropy(x, t, label_smoothing=eps).item(), smooth.mean())
    # probabilities as target
    p = np_softmax_rows(RNG.standard_normal((5, 4)))
    np.testing.assert_allclose(
        F.cross_entropy(x, t64(p, False)).item(), (-(p * logp).sum(1)).mean()
    )
    np.testing.assert_allclose(
        F.cross_entropy(x, t64(p, False), label_smoothing=eps, reduction="sum").item(),
        (-((p * (1 - eps) + eps / 4) * logp).sum(1)).sum(),
    )
    # spatial (N, C, d) input
    logits3 = RNG.standard_normal((2, 4, 3))
    target3 = np.array([[0, 1, 3], [2, 2, 0]])
    lp3 = logits3 - np.log(np.exp(logits3).sum(1, keepdims=True))
    ref = -np.take_along_axis(lp3, target3[:, None, :], 1)[:, 0, :]
    np.testing.assert_allclose(
        F.cross_entropy(t64(logits3, False), fg.tensor(target3), reduction="none").numpy(), ref
    )
    # unbatched
    np.testing.assert_allclose(
        F.cross_entropy(t64(logits[0], False), fg.tensor(2)).item(), -logp[0, 2]
    )


def np_softmax_rows(a):
    e = np.exp(a - a.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def test_classification_losses_gradcheck():
    x = rand64(4, 3)
    t = fg.tensor([2, 0, 1, 2])
    w = t64([0.5, 1.0, 2.0], False)
    assert gradcheck(lambda a: F.cross_entropy(a, t), (x,))
    assert gradgradcheck(lambda a: F.cross_entropy(a, t), (x,))
    assert gradcheck(
        lambda a: nn.CrossEntropyLoss(weight=w, label_smoothing=0.1, ignore_index=0)(a, t), (x,)
    )
    assert gradcheck(lambda a, p: F.cross_entropy(a, p.softmax(1)), (x, rand64(4, 3)))
    assert gradcheck(lambda a: nn.NLLLoss(reduction="none")(a.log_softmax(1), t), (x,))
    assert gradcheck(lambda a: F.cross_entropy(a, fg.tensor([[0, 1], [2, 2]])), (rand64(2, 3, 2),))
    prob = t64(RNG.uniform(0.1, 0.9, (3, 2)))
    target = t64(RNG.uniform(0, 1, (3, 2)))
    assert gradcheck(lambda p, q: nn.BCELoss()(p, q), (prob, target))
    assert gradcheck(
        lambda z, q: nn.BCEWithLogitsLoss(pos_weight=t64([2.0, 0.5], False))(z, q),
        (rand64(3, 2), target),
    )


def test_bce_values():
    z = RNG.standard_normal((4, 3)) * 3
    y = (RNG.uniform(size=(4, 3)) > 0.5).astype(float)
    s = 1 / (1 + np.exp(-z))
    ref = -(y * np.log(s) + (1 - y) * np.log(1 - s))
    np.testing.assert_allclose(
        F.binary_cross_entropy(t64(s, False), t64(y, False)).item(), ref.mean()
    )
    np.testing.assert_allclose(
        F.binary_cross_entropy_with_logits(t64(z, False), t64(y, False), reduction="sum").item(),
        ref.sum(),
    )
    pw = np.array([1.5, 1.0, 0.3])
    ref_pw = -(pw * y * np.log(s) + (1 - y) * np.log(1 - s))
    np.testing.assert_allclose(
        F.binary_cross_entropy_with_logits(
            t64(z, False), t64(y, False), pos_weight=t64(pw, False), reduction="none"
        ).numpy(),
        ref_pw,
        rtol=1e-10,
    )
    big = F.binary_cross_entropy_with_logits(
        fg.tensor([100.0, -100.0]), fg.tensor([0.0, 1.0]), reduction="none"
    )
    np.testing.assert_allclose(big.numpy(), [100.0, 100.0], rtol=1e-6)


def test_loss_errors():
    x = fg.randn(3, 4)
    # PyTorch 2.15's types and words (tests/test_loss_nodes.py has the rest)
    with pytest.raises(RuntimeError, match="target dtype to be Long or Byte, but got Bool"):
        F.cross_entropy(x, fg.tensor([True, False, True]))
    with pytest.raises(RuntimeError, match="target dtype to be Long or Byte, but got Float"):
        nn.NLLLoss()(x, fg.tensor([0.0, 1.0, 2.0]))
    # a float target not of the input's shape is read as class indices, and refused for its rank
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected"):
        F.cross_entropy(x, fg.randn(3, 5))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target"):
        F.cross_entropy(x, fg.tensor([0, 1]))
    with pytest.raises(IndexError, match=r"^Target 4 is out of bounds\.$"):
        F.cross_entropy(x, fg.tensor([0, 1, 4]))
    with pytest.raises(TypeError, match="floating point target"):
        nn.BCELoss()(fg.rand(3), fg.tensor([1, 0, 1]))
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.BCELoss()(fg.tensor([1.5]), fg.tensor([1.0]))
    with pytest.raises(ValueError, match="size"):
        nn.BCEWithLogitsLoss()(fg.randn(3), fg.rand(2))
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="avg")
    with pytest.raises(ValueError, match="does not match weight"):
        nn.Linear(3, 2)(fg.randn(2, 4))
