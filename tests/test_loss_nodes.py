"""The losses as PyTorch records them: the ones PyTorch computes as one node (``MseLossBackward0``,
``NllLossBackward0``, ``NllLoss2DBackward0``, ...) are one node here too (``ops/loss.rs``), the
composed ones are composed the same way. Against PyTorch 2.15's ``grad_fn`` chains, values and
gradients (tests/loss_nodes_reference.py), then each native loss through gradcheck,
gradgradcheck and forward mode in float64, and its errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn.functional as F
from ferrograd.autograd.gradcheck import gradcheck, gradgradcheck
from loss_nodes_cases import CLASS_W, POS_W, W, cases, chain, cotangent
from loss_nodes_reference import REFERENCE

CASES = cases(fg)

#: PyTorch's nodes for an operation with a Python number (``tensor * 0.8`` inside its C++
#: composition records ``MulBackward1``, the scalar overload); ferrograd's Python numbers
#: become 0-d tensors, so the same step is the tensor overload's node (division by a number
#: has its own row, ``DivBackward1``, as cross_entropy's mean divides by a count).
SCALAR_OVERLOADS = {"MulBackward1": "MulBackward0"}


def test_every_case_was_recorded():
    assert sorted(CASES) == sorted(REFERENCE)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_chain_value_and_gradients_match_pytorch(name):
    expected = REFERENCE[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loss, leaves = CASES[name]()
    assert chain(loss.grad_fn) == [SCALAR_OVERLOADS.get(n, n) for n in expected["chain"]]
    np.testing.assert_allclose(
        loss.detach().numpy().reshape(-1), expected["value"], rtol=1e-10, atol=1e-13
    )
    total = (loss * cotangent(fg, loss)).sum()
    grads = fg.autograd.grad(total, leaves)
    for got, want in zip(grads, expected["grads"], strict=True):
        np.testing.assert_allclose(got.numpy().reshape(-1), want, rtol=1e-10, atol=1e-13)


RNG = np.random.default_rng(17)


def f64(shape, low=-2.0, high=2.0, grad=True):
    return fg.tensor(RNG.uniform(low, high, shape), dtype=fg.float64, requires_grad=grad)


def probabilities(shape, grad=True):
    return f64(shape, 0.05, 0.95, grad)


def weights(values):
    return fg.tensor(values, dtype=fg.float64)


def native(reduction):
    """Each native loss as ``(name, function of its differentiable tensors, those tensors)``."""
    t_classes = fg.tensor([2, 0, 3])
    t_spatial = fg.tensor(RNG.integers(0, 4, (2, 3, 2)))
    signs = weights(np.sign(RNG.uniform(-1, 1, (3, 4))))
    label_lists = fg.tensor([[1, 3, -1, 0], [0, 1, 2, 3], [2, -1, 1, 1]])
    return [
        (
            "mse_loss",
            lambda x, y: F.mse_loss(x, y, reduction=reduction),
            (f64((3, 4)), f64((3, 4))),
        ),
        (
            "smooth_l1_loss",
            lambda x, y: F.smooth_l1_loss(x, y, beta=0.7, reduction=reduction),
            (f64((3, 4)), f64((3, 4))),
        ),
        (
            "huber_loss",
            lambda x, y: F.huber_loss(x, y, delta=0.6, reduction=reduction),
            (f64((3, 4)), f64((3, 4))),
        ),
        (
            "soft_margin_loss",
            lambda x: F.soft_margin_loss(x, signs, reduction=reduction),
            (f64((3, 4)),),
        ),
        (
            "binary_cross_entropy",
            lambda p, q: F.binary_cross_entropy(p, q, weight=weights(W), reduction=reduction),
            (probabilities((3, 4)), probabilities((3, 4))),
        ),
        (
            "binary_cross_entropy_with_logits",
            lambda x, q: F.binary_cross_entropy_with_logits(
                x, q, weight=weights(W), pos_weight=weights(POS_W), reduction=reduction
            ),
            (f64((3, 4)), probabilities((3, 4))),
        ),
        (
            "nll_loss",
            lambda x: F.nll_loss(
                x, t_classes, weight=weights(CLASS_W), ignore_index=0, reduction=reduction
            ),
            (f64((3, 4)),),
        ),
        (
            "nll_loss 4-D",
            lambda x: F.nll_loss(x, t_spatial, weight=weights(CLASS_W), reduction=reduction),
            (f64((2, 4, 3, 2)),),
        ),
        (
            "cross_entropy",
            lambda x: F.cross_entropy(x, t_classes, ignore_index=3, reduction=reduction),
            (f64((3, 4)),),
        ),
        (
            "multi_margin_loss",
            lambda x: F.multi_margin_loss(x, t_classes, margin=0.8, reduction=reduction),
            (f64((3, 4)),),
        ),
        (
            "multi_margin_loss p=2",
            lambda x: F.multi_margin_loss(
                x, t_classes, p=2, weight=weights(CLASS_W), reduction=reduction
            ),
            (f64((3, 4)),),
        ),
        (
            "multilabel_margin_loss",
            lambda x: F.multilabel_margin_loss(x, label_lists, reduction=reduction),
            (f64((3, 4)),),
        ),
        (
            "cross_entropy probabilities",
            lambda x, q: F.cross_entropy(x, q, weight=weights(CLASS_W), reduction=reduction),
            (f64((3, 4)), probabilities((3, 4))),
        ),
    ]


def _native_ids():
    return [name for name, _, _ in native("mean")]


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("which", _native_ids())
def test_native_losses_pass_gradcheck_gradgradcheck_and_forward_mode(which, reduction):
    (f, inputs) = next((f, i) for name, f, i in native(reduction) if name == which)
    assert gradcheck(f, inputs, check_forward_ad=True)
    assert gradgradcheck(f, inputs)


def test_mean_over_only_ignored_targets_is_nan_with_zero_gradient():
    # PyTorch 2.15: nan, and a zero gradient (the ignored rows take none)
    x = f64((2, 3))
    loss = F.cross_entropy(x, fg.tensor([-100, -100]))
    assert np.isnan(loss.item())
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((2, 3)))


def test_errors_are_pytorchs():
    x = fg.randn(3, 5)
    with pytest.raises(IndexError, match=r"^Target 5 is out of bounds\.$"):
        F.nll_loss(x, fg.tensor([0, 5, 1]))
    with pytest.raises(IndexError, match=r"^Target -1 is out of bounds\.$"):
        F.cross_entropy(x, fg.tensor([0, -1, 1]))
    with pytest.raises(IndexError, match="Target 7 is out of bounds"):
        F.nll_loss(fg.randn(2, 5, 3, 3), fg.full((2, 3, 3), 7, dtype=fg.int64))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target"):
        F.nll_loss(x, fg.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got"):
        F.cross_entropy(x, fg.tensor([0.0, 1.0, 1.0]))
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        F.nll_loss(fg.tensor([[0, 1], [1, 0]]), fg.tensor([0, 1]))
    with pytest.raises(NotImplementedError, match="\"mse_cpu\" not implemented for 'Long'"):
        F.mse_loss(fg.tensor([1, 2]), fg.tensor([1, 2]))
    # PyTorch's words: "The size of tensor a (3) must match the size of tensor b (4)"; the
    # engine's broadcasting error names both shapes
    with (
        pytest.warns(UserWarning, match="different to the input size"),
        pytest.raises(RuntimeError, match=r"3 vs 4|size of tensor a \(3\)"),
    ):
        F.smooth_l1_loss(fg.randn(3), fg.randn(4))
    with pytest.raises(ValueError, match="Weights and input must have the same size"):
        F.mse_loss(fg.randn(3, 4), fg.randn(3, 4), weight=fg.rand(4))
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'weight'"):
        F.binary_cross_entropy(fg.rand(3), fg.rand(3), weight=fg.rand(3, requires_grad=True))
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'target'"):
        F.soft_margin_loss(fg.randn(3), fg.ones(3, requires_grad=True))
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        F.huber_loss(fg.randn(3), fg.randn(3), reduction="avg")
