"""Activations and losses of ``nn`` and ``nn.functional``: values, gradients, state_dict keys
and reprs against numbers recorded from PyTorch (nn_cases_activation_loss.py), float64
gradchecks, ``inplace=`` and errors for bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
import ferrograd.nn.functional as F
import nn_cases_activation_loss as cases
from ferrograd.autograd import gradcheck, gradgradcheck
from nn_reference import compare, evaluate
from nn_reference_values import VALUES

RNG = np.random.default_rng(7)


def rand64(*shape, scale=1.0, requires_grad=True):
    return fg.tensor(RNG.standard_normal(shape) * scale, requires_grad=requires_grad)


@pytest.mark.parametrize("name", list(cases.CASES))
def test_matches_pytorch(name):
    compare(evaluate(fg, cases.CASES[name]), VALUES[f"nn_cases_activation_loss:{name}"])


# --- gradients ----------------------------------------------------------------------------------

# Inputs stay away from the breakpoints, where finite differences are meaningless.
ACTIVATIONS = [
    lambda x: F.threshold(x, 0.05, -1.0),
    F.relu6,
    lambda x: F.hardtanh(x, -0.7, 0.9),
    F.hardswish,
    F.hardsigmoid,
    lambda x: F.elu(x, 0.5),
    F.selu,
    lambda x: F.celu(x, 2.0),
    lambda x: F.leaky_relu(x, 0.1),
    lambda x: F.rrelu(x, 0.2, 0.4),
    lambda x: F.glu(x, 0),
    F.gelu,
    lambda x: F.gelu(x, approximate="tanh"),
    F.logsigmoid,
    lambda x: F.hardshrink(x, 0.3),
    lambda x: F.softshrink(x, 0.3),
    F.tanhshrink,
    F.softsign,
    lambda x: F.softplus(x, 2.0, 1.5),
    lambda x: F.softmin(x, 1),
    lambda x: F.log_softmax(x, 0),
    F.silu,
    F.mish,
]


@pytest.mark.parametrize("index", range(len(ACTIVATIONS)))
def test_activation_gradcheck(index):
    x = fg.tensor([[-2.3, -1.1, -0.2, 0.45], [0.8, 1.7, 2.6, -3.9]], dtype=fg.float64)
    x.requires_grad_(True)
    fn = ACTIVATIONS[index]
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_prelu_gradcheck():
    x, w = rand64(2, 3, 4), rand64(3, scale=0.3)
    assert gradcheck(F.prelu, (x, w))
    assert gradgradcheck(F.prelu, (x, w))


def _loss_inputs():
    x, y = rand64(3, 4), rand64(3, 4)
    return x, y


LOSSES = {
    "l1": lambda: (F.l1_loss, _loss_inputs()),
    "mse": lambda: (F.mse_loss, _loss_inputs()),
    "smooth_l1": lambda: (lambda x, y: F.smooth_l1_loss(x, y, beta=0.5), _loss_inputs()),
    "huber": lambda: (lambda x, y: F.huber_loss(x, y, delta=0.5), _loss_inputs()),
    "kl_div": lambda: (
        lambda x, t: F.kl_div(x, t, reduction="batchmean"),
        (rand64(3, 4).log_softmax(1), rand64(3, 4).softmax(1)),
    ),
    "kl_div_log_target": lambda: (
        lambda x, t: F.kl_div(x, t, reduction="sum", log_target=True),
        (rand64(3, 4), rand64(3, 4)),
    ),
    "poisson": lambda: (
        lambda x: F.poisson_nll_loss(
            x, fg.tensor([[0.0, 1.0], [3.0, 2.0]], dtype=fg.float64), full=True
        ),
        (rand64(2, 2),),
    ),
    "poisson_rate": lambda: (
        lambda x: F.poisson_nll_loss(x, fg.tensor([1.0, 4.0], dtype=fg.float64), log_input=False),
        (fg.tensor([0.5, 2.0], dtype=fg.float64, requires_grad=True),),
    ),
    "gaussian": lambda: (
        lambda x, y, v: F.gaussian_nll_loss(x, y, v, full=True),
        (rand64(3, 2), rand64(3, 2), rand64(3, 1).abs() + 0.5),
    ),
    "bce": lambda: (
        lambda x: F.binary_cross_entropy(x, fg.tensor([0.2, 0.9, 0.5], dtype=fg.float64)),
        (fg.tensor([0.3, 0.6, 0.1], dtype=fg.float64, requires_grad=True),),
    ),
    "bce_logits": lambda: (
        lambda x: F.binary_cross_entropy_with_logits(
            x,
            fg.tensor([0.2, 0.9, 0.5], dtype=fg.float64),
            pos_weight=fg.tensor([2.0, 1.0, 0.5], dtype=fg.float64),
        ),
        (rand64(3),),
    ),
    "cross_entropy_smoothing": lambda: (
        lambda x: F.cross_entropy(x, fg.tensor([0, 2, 1]), label_smoothing=0.2),
        (rand64(3, 4),),
    ),
    "cross_entropy_probabilities": lambda: (
        lambda x, t: F.cross_entropy(x, t),
        (rand64(3, 4), rand64(3, 4).softmax(1).detach()),
    ),
    "margin_ranking": lambda: (
        lambda a, b: F.margin_ranking_loss(
            a, b, fg.tensor([1.0, -1.0, 1.0], dtype=fg.float64), margin=0.1
        ),
        (rand64(3), rand64(3)),
    ),
    "hinge": lambda: (
        lambda x: F.hinge_embedding_loss(x, fg.tensor([1.0, -1.0, -1.0], dtype=fg.float64)),
        (fg.tensor([0.3, 0.2, 1.7], dtype=fg.float64, requires_grad=True),),
    ),
    "cosine_embedding": lambda: (
        lambda a, b: F.cosine_embedding_loss(
            a, b, fg.tensor([1.0, -1.0], dtype=fg.float64), margin=-0.9
        ),
        (rand64(2, 3), rand64(2, 3)),
    ),
    "triplet": lambda: (
        lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=3.0, swap=True),
        (rand64(3, 4), rand64(3, 4), rand64(3, 4)),
    ),
    "multi_margin": lambda: (
        lambda x: F.multi_margin_loss(
            x,
            fg.tensor([1, 0]),
            p=2,
            margin=3.0,
            weight=fg.tensor([1.0, 0.5, 2.0], dtype=fg.float64),
        ),
        (rand64(2, 3),),
    ),
    "multilabel_margin": lambda: (
        lambda x: F.multilabel_margin_loss(x * 0.1, fg.tensor([[2, 0, -1], [1, -1, 0]])),
        (rand64(2, 3),),
    ),
    "multilabel_soft_margin": lambda: (
        lambda x: F.multilabel_soft_margin_loss(x, fg.tensor([[1.0, 0.0, 1.0]], dtype=fg.float64)),
        (rand64(1, 3),),
    ),
    "soft_margin": lambda: (
        lambda x: F.soft_margin_loss(x, fg.tensor([1.0, -1.0], dtype=fg.float64)),
        (rand64(2),),
    ),
    "ctc": lambda: (
        lambda x: F.ctc_loss(x.log_softmax(2), fg.tensor([[1, 2], [1, 1]]), [4, 4], [2, 2]),
        (rand64(4, 2, 3),),
    ),
}


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_gradcheck(name):
    fn, inputs = LOSSES[name]()
    inputs = tuple(t.detach().requires_grad_(t.requires_grad) for t in inputs)
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize("name", ["mse", "kl_div", "gaussian", "bce_logits", "cosine_embedding"])
def test_loss_gradgradcheck(name):
    fn, inputs = LOSSES[name]()
    inputs = tuple(t.detach().requires_grad_(t.requires_grad) for t in inputs)
    assert gradgradcheck(fn, inputs)


# --- inplace, randomness, legacy arguments ------------------------------------------------------

INPLACE = [
    (nn.ReLU, F.relu),
    (nn.ReLU6, F.relu6),
    (nn.Hardtanh, F.hardtanh),
    (nn.ELU, F.elu),
    (nn.CELU, F.celu),
    (nn.SELU, F.selu),
    (nn.LeakyReLU, F.leaky_relu),
    (nn.SiLU, F.silu),
    (nn.Mish, F.mish),
    (nn.Hardswish, F.hardswish),
    (nn.Hardsigmoid, F.hardsigmoid),
    (nn.RReLU, F.rrelu),
]


@pytest.mark.parametrize("module,function", INPLACE, ids=[m.__name__ for m, _ in INPLACE])
def test_inplace_writes_the_input_and_keeps_gradients(module, function):
    base = fg.tensor([-2.5, -0.7, 0.4, 1.9, 4.0], dtype=fg.float64, requires_grad=True)
    expected = function(base * 1.0).detach()
    x = base * 1.0
    out = module(inplace=True).eval()(x)
    assert out is x
    np.testing.assert_allclose(x.detach().numpy(), expected.numpy())
    out.sum().backward()
    reference = fg.tensor([-2.5, -0.7, 0.4, 1.9, 4.0], dtype=fg.float64, requires_grad=True)
    function(reference * 1.0).sum().backward()
    np.testing.assert_allclose(base.grad.numpy(), reference.grad.numpy())
    assert module().eval()(x) is not x


def test_functional_inplace_forms():
    x = fg.tensor([-1.0, 2.0, 0.5])
    assert F.threshold_(x, 1.0, 0.0) is x and x.tolist() == [0.0, 2.0, 0.0]
    y = fg.tensor([-2.0, 0.5])
    F.hardtanh_(y)
    assert y.tolist() == [-1.0, 0.5]
    z = fg.tensor([-1.0, 1.0])
    F.leaky_relu_(z, 0.5)
    assert z.tolist() == [-0.5, 1.0]
    w = fg.tensor([-1.0, 1.0], dtype=fg.float64)
    F.elu_(w)
    assert w.tolist() == pytest.approx([math.expm1(-1.0), 1.0])
    with pytest.raises(RuntimeError):
        F.relu(fg.ones(2, requires_grad=True), inplace=True)  # a leaf that requires grad


def test_rrelu_training_draws_slopes_in_range():
    fg.manual_seed(3)
    x = -fg.ones(2000, dtype=fg.float64)
    out = F.rrelu(x, 0.1, 0.3, training=True)
    slopes = -out.numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.03
    assert nn.RReLU(0.1, 0.3).train()(x).tolist() != nn.RReLU(0.1, 0.3).eval()(x).tolist()


def test_gumbel_softmax():
    fg.manual_seed(5)
    logits = rand64(4, 5)
    soft = F.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.sum(-1).detach().numpy(), np.ones(4))
    hard = F.gumbel_softmax(logits, hard=True)
    assert sorted(set(hard.detach().numpy().ravel().tolist())) == [0.0, 1.0]
    np.testing.assert_allclose(hard.sum(-1).detach().numpy(), np.ones(4))
    hard.sum().backward()  # straight through: the soft sample's gradient reaches the logits
    assert logits.grad is not None


def test_legacy_size_average_and_reduce():
    x, y = rand64(3, 4, requires_grad=False), rand64(3, 4, requires_grad=False)
    total = F.mse_loss(x, y, reduction="sum").item()
    assert F.mse_loss(x, y, size_average=False).item() == pytest.approx(total)
    assert F.mse_loss(x, y, reduce=False).shape == (3, 4)
    assert F.l1_loss(x, y, size_average=True, reduce=True).item() == pytest.approx(
        F.l1_loss(x, y).item()
    )
    with pytest.warns(UserWarning):
        assert nn.L1Loss(size_average=False)(x, y).item() == pytest.approx(
            F.l1_loss(x, y, reduction="sum").item()
        )
    assert nn.NLLLoss(reduce=False).reduction == "none"


def test_loss_weights_are_buffers():
    loss = nn.CrossEntropyLoss(weight=fg.ones(3))
    assert list(loss.state_dict()) == ["weight"]
    loss.double()
    assert loss.weight.dtype == fg.float64
    assert list(nn.BCEWithLogitsLoss(pos_weight=fg.ones(2)).state_dict()) == ["pos_weight"]


def test_kl_div_mean_warns():
    with pytest.warns(UserWarning, match="batchmean"):
        F.kl_div(rand64(2, 3), rand64(2, 3).softmax(1))


# --- bad input ----------------------------------------------------------------------------------


def test_activation_errors():
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        F.glu(fg.ones(2, 3))
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers"):
        F.prelu(fg.ones(2, 3), fg.ones(2))
    with pytest.raises(RuntimeError, match="lambda must be greater or equal to 0"):
        F.softshrink(fg.ones(2), -1.0)
    with pytest.raises(RuntimeError, match="alpha"):
        F.celu(fg.ones(2), 0.0)
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(fg.ones(2), 1.0, -1.0)
    with pytest.raises(ValueError, match="max_val must be greater than min_val"):
        nn.Hardtanh(1.0, 0.0)
    with pytest.raises(ValueError, match="approximate"):
        F.gelu(fg.ones(2), approximate="fast")
    with pytest.raises(TypeError):
        F.prelu([1.0], fg.ones(1))


def test_loss_errors():
    x = fg.ones(3, 4)
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.mse_loss(x, x, reduction="avg")
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        nn.KLDivLoss(reduction="average")
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(x, x, fg.ones(2))
    with pytest.raises(ValueError, match="var has negative"):
        F.gaussian_nll_loss(x, x, -fg.ones(3, 4))
    with pytest.raises(RuntimeError, match="same dimension"):
        F.margin_ranking_loss(fg.ones(3), fg.ones(3), fg.ones(1, 3))
    with pytest.raises(RuntimeError, match="1D target tensor expects 2D input"):
        F.cosine_embedding_loss(x, x, fg.ones(3, 1))
    with pytest.raises(ValueError, match="margin must be greater than 0"):
        F.triplet_margin_with_distance_loss(x, x, x, margin=0.0)
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        F.triplet_margin_loss(x, x, fg.ones(4))
    with pytest.raises(ValueError, match="only p == 1 and p == 2"):
        F.multi_margin_loss(x, fg.tensor([0, 1, 2]), p=3)
    with pytest.raises(RuntimeError, match="out of range"):
        F.multi_margin_loss(x, fg.tensor([0, 1, 4]))
    with pytest.raises(RuntimeError, match="out of range"):
        F.multilabel_margin_loss(x, fg.tensor([[0, 5, -1, 0]] * 3))
    with pytest.raises(TypeError, match="integer"):
        F.multilabel_margin_loss(x, x)


def test_ctc_loss_errors():
    lp = fg.randn(5, 2, 4).log_softmax(2)
    targets = fg.tensor([[1, 2], [1, 1]])
    with pytest.raises(RuntimeError, match="input_lengths to have value at most 5"):
        F.ctc_loss(lp, targets, [6, 5], [2, 2])
    with pytest.raises(RuntimeError, match="blank must be in label range"):
        F.ctc_loss(lp, targets, [5, 5], [2, 2], blank=4)
    with pytest.raises(RuntimeError, match="size at least 3"):
        F.ctc_loss(lp, targets, [5, 5], [3, 2])
    with pytest.raises(RuntimeError, match="target_lengths"):
        F.ctc_loss(lp, targets, [5, 5], [2, 2, 2])
    with pytest.raises(TypeError, match="integer"):
        F.ctc_loss(lp, targets.double(), [5, 5], [2, 2])


def _gelu_exact(x):
    """``x Φ(x)`` and ``Φ(x) + x φ(x)`` in float64 from ``erfc``, exact on the left tail."""
    cdf = 0.5 * math.erfc(-x / math.sqrt(2.0))
    return x * cdf, cdf + x * math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def test_gelu_float32_keeps_its_relative_accuracy_on_the_left_tail():
    # `(1 + erf(x/√2)) / 2` cancels there: it was 4 % off at -5 and 0 from -6 on.
    xs = [-12.0, -9.0, -6.0, -5.0, -3.0, -2.0, -0.5, 0.25, 2.0, 7.0]
    x = fg.tensor(xs, dtype=fg.float32, requires_grad=True)
    y = F.gelu(x)
    y.sum().backward()
    for v, got, slope in zip(xs, y.tolist(), x.grad.tolist(), strict=True):
        want, want_slope = _gelu_exact(v)
        assert got == pytest.approx(want, rel=1e-6), v
        assert slope == pytest.approx(want_slope, rel=1e-5), v


# PyTorch 2.15: these raise `"<kernel>" not implemented for 'Long'` on integer tensors.
FLOAT_ONLY = {
    "elu": (F.elu, "elu_cpu"),
    "selu": (F.selu, "elu_cpu"),
    "celu": (F.celu, "elu_cpu"),
    "leaky_relu": (F.leaky_relu, "leaky_relu_cpu"),
    "hardswish": (F.hardswish, "hardswish_cpu"),
    "hardsigmoid": (F.hardsigmoid, "hardsigmoid_cpu"),
    "logsigmoid": (F.logsigmoid, "log_sigmoid_cpu"),
    "hardshrink": (F.hardshrink, "hardshrink_cpu"),
    "softshrink": (F.softshrink, "softshrink_check"),
    "mish": (F.mish, "mish_cpu"),
    "gelu": (F.gelu, "GeluKernelImpl"),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), "GeluKernelImpl"),
    "silu": (F.silu, "silu_cpu"),
    "softplus": (F.softplus, "softplus_cpu"),
}


@pytest.mark.parametrize("name", list(FLOAT_ONLY))
def test_float_only_activations_reject_integer_tensors(name):
    fn, kernel = FLOAT_ONLY[name]
    with pytest.raises(NotImplementedError, match=f"\"{kernel}\" not implemented for 'Long'"):
        fn(fg.tensor([1, -2, 3]))
    with pytest.raises(NotImplementedError, match="'Bool'"):
        fn(fg.tensor([True, False]))


def test_hardtanh_relu6_threshold_keep_an_integer_dtype():
    # PyTorch 2.15's values and dtypes.
    x = fg.tensor([1, -2, 3], dtype=fg.int32)
    for out, want in [
        (F.hardtanh(x), [1, -1, 1]),
        (F.relu6(x), [1, 0, 3]),
        (F.threshold(x, 0.5, 5.7), [1, 5, 3]),
    ]:
        assert out.dtype == fg.int32
        assert out.tolist() == want
    b = fg.tensor([True, False])
    with pytest.raises(NotImplementedError, match="Bool inputs not supported for hardtanh"):
        F.hardtanh(b)
    with pytest.raises(NotImplementedError, match="\"threshold_cpu\" not implemented for 'Bool'"):
        F.threshold(b, 0.5, 1.0)
