"""The node each `nn.functional` call records, by PyTorch's class name (`grad_fn`).

Programs print and test `loss.grad_fn`, and tools walk `next_functions` by name, so a loss or a
layer records the node PyTorch records. The names were read from PyTorch 2.15 with the same
calls.
"""

import pytest

import ferrograd as fg
import ferrograd.nn.functional as F


def _inputs():
    fg.manual_seed(0)
    x = fg.randn(4, 3, requires_grad=True)
    t, p = fg.randn(4, 3), fg.rand(4, 3)
    classes = fg.tensor([0, 2, 1, 2])
    return x, t, p, classes


# name: (call, PyTorch 2.15's node)
RECORDED = {
    "mse_loss": (lambda x, t, p, c: F.mse_loss(x, t), "MseLossBackward0"),
    "mse_loss none": (lambda x, t, p, c: F.mse_loss(x, t, reduction="none"), "MseLossBackward0"),
    "l1_loss": (lambda x, t, p, c: F.l1_loss(x, t), "MeanBackward0"),
    "smooth_l1_loss": (lambda x, t, p, c: F.smooth_l1_loss(x, t), "SmoothL1LossBackward0"),
    "huber_loss": (lambda x, t, p, c: F.huber_loss(x, t), "HuberLossBackward0"),
    "soft_margin_loss": (
        lambda x, t, p, c: F.soft_margin_loss(x, t.sign()),
        "SoftMarginLossBackward0",
    ),
    "binary_cross_entropy": (
        lambda x, t, p, c: F.binary_cross_entropy(fg.sigmoid(x), p),
        "BinaryCrossEntropyBackward0",
    ),
    "binary_cross_entropy_with_logits": (
        lambda x, t, p, c: F.binary_cross_entropy_with_logits(x, p),
        "BinaryCrossEntropyWithLogitsBackward0",
    ),
    "nll_loss": (lambda x, t, p, c: F.nll_loss(F.log_softmax(x, 1), c), "NllLossBackward0"),
    "cross_entropy": (lambda x, t, p, c: F.cross_entropy(x, c), "NllLossBackward0"),
    "cross_entropy weighted": (
        lambda x, t, p, c: F.cross_entropy(x, c, weight=fg.rand(3)),
        "NllLossBackward0",
    ),
    "cross_entropy label_smoothing": (
        lambda x, t, p, c: F.cross_entropy(x, c, label_smoothing=0.1),
        "AddBackward0",
    ),
    "nll_loss 3-D": (
        lambda x, t, p, c: F.nll_loss(
            x.reshape(2, 3, 2).log_softmax(1), fg.tensor([[0, 1], [2, 0]])
        ),
        "NllLoss2DBackward0",
    ),
    "kl_div batchmean": (
        lambda x, t, p, c: F.kl_div(F.log_softmax(x, 1), p, reduction="batchmean"),
        "DivBackward0",
    ),
    "poisson_nll_loss": (lambda x, t, p, c: F.poisson_nll_loss(x, p), "MeanBackward0"),
    "hinge_embedding_loss": (
        lambda x, t, p, c: F.hinge_embedding_loss(x, t.sign()),
        "MeanBackward0",
    ),
    "cosine_embedding_loss": (
        lambda x, t, p, c: F.cosine_embedding_loss(x, t, t[:, 0].sign()),
        "MeanBackward0",
    ),
    "triplet_margin_loss": (lambda x, t, p, c: F.triplet_margin_loss(x, t, p), "MeanBackward0"),
    "gaussian_nll_loss": (lambda x, t, p, c: F.gaussian_nll_loss(x, t, p + 0.1), "MeanBackward0"),
    "linear": (lambda x, t, p, c: F.linear(x, fg.randn(2, 3), fg.randn(2)), "AddmmBackward0"),
    "layer_norm": (lambda x, t, p, c: F.layer_norm(x, (3,)), "NativeLayerNormBackward0"),
    "gelu": (lambda x, t, p, c: F.gelu(x), "GeluBackward0"),
    "silu": (lambda x, t, p, c: F.silu(x), "SiluBackward0"),
    "softplus": (lambda x, t, p, c: F.softplus(x), "SoftplusBackward0"),
    "elu": (lambda x, t, p, c: F.elu(x), "EluBackward0"),
    "selu": (lambda x, t, p, c: F.selu(x), "EluBackward0"),
    "celu": (lambda x, t, p, c: F.celu(x), "CeluBackward0"),
    "leaky_relu": (lambda x, t, p, c: F.leaky_relu(x), "LeakyReluBackward0"),
    "hardtanh": (lambda x, t, p, c: F.hardtanh(x), "HardtanhBackward0"),
    "relu6": (lambda x, t, p, c: F.relu6(x), "HardtanhBackward0"),
    "hardswish": (lambda x, t, p, c: F.hardswish(x), "HardswishBackward0"),
    "hardsigmoid": (lambda x, t, p, c: F.hardsigmoid(x), "HardsigmoidBackward0"),
    "mish": (lambda x, t, p, c: F.mish(x), "MishBackward0"),
    "logsigmoid": (lambda x, t, p, c: F.logsigmoid(x), "LogSigmoidBackward0"),
    "softshrink": (lambda x, t, p, c: F.softshrink(x), "SoftshrinkBackward0"),
    "hardshrink": (lambda x, t, p, c: F.hardshrink(x), "HardshrinkBackward0"),
    "threshold": (lambda x, t, p, c: F.threshold(x, 0.1, 0.0), "ThresholdBackward0"),
    "nn.LeakyReLU": (lambda x, t, p, c: fg.nn.LeakyReLU(0.1)(x), "LeakyReluBackward0"),
    "nn.ReLU6": (lambda x, t, p, c: fg.nn.ReLU6()(x), "HardtanhBackward0"),
    "amax over a dim": (lambda x, t, p, c: x.amax(1), "AmaxBackward0"),
    "clamp by numbers": (lambda x, t, p, c: x.clamp(-0.5, 0.5), "ClampBackward1"),
    "clamp min only": (lambda x, t, p, c: x.clamp(min=0.0), "ClampBackward1"),
    "amin over a dim": (lambda x, t, p, c: x.amin(1), "AminBackward0"),
    "multi_margin_loss": (lambda x, t, p, c: F.multi_margin_loss(x, c), "MultiMarginLossBackward0"),
    "multilabel_margin_loss": (
        lambda x, t, p, c: F.multilabel_margin_loss(
            x, fg.tensor([[0, 1, -1], [2, -1, 0], [1, 2, -1], [0, -1, 1]])
        ),
        "MultilabelMarginLossBackward0",
    ),
    # PyTorch divides by the sample count as a C++ number (div.Scalar)
    "cross_entropy probabilities": (
        lambda x, t, p, c: F.cross_entropy(x, F.softmax(t, 1)),
        "DivBackward1",
    ),
}


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_records_pytorchs_node(name):
    call, node = RECORDED[name]
    assert call(*_inputs()).grad_fn.name() == node
