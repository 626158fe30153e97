"""The unweighted ``nll_loss`` / ``cross_entropy`` of class indices, computed in one engine call
(``ops/loss.rs``): values against NumPy for every reduction and ``ignore_index``, first and
second derivatives, and the errors it raises."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn.functional as F
from ferrograd.autograd.gradcheck import gradcheck, gradgradcheck
from helpers import t64, to_np

RNG = np.random.default_rng(11)


def log_softmax(a):
    shifted = a - a.max(1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(1, keepdims=True))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("target_dtype", [fg.int64, fg.int32])
def test_values_with_ignored_samples(reduction, target_dtype):
    logits = RNG.standard_normal((6, 5))
    target = np.array([4, -1, 0, 2, -1, 3])
    picked = -log_softmax(logits)[np.arange(6), np.where(target == -1, 0, target)] * (target != -1)
    expected = {"mean": picked.sum() / (target != -1).sum(), "sum": picked.sum(), "none": picked}[
        reduction
    ]
    t = fg.tensor(target, dtype=target_dtype)
    got = F.cross_entropy(t64(logits, False), t, ignore_index=-1, reduction=reduction)
    np.testing.assert_allclose(to_np(got), expected, rtol=1e-12, atol=1e-12)
    got = F.nll_loss(t64(log_softmax(logits), False), t, ignore_index=-1, reduction=reduction)
    np.testing.assert_allclose(to_np(got), expected, rtol=1e-12, atol=1e-12)


def test_float32_gradient_matches_softmax_minus_one_hot():
    logits = RNG.standard_normal((8, 10)).astype(np.float32)
    target = RNG.integers(0, 10, 8)
    x = fg.tensor(logits, requires_grad=True)
    F.cross_entropy(x, fg.tensor(target)).backward()
    e = np.exp(logits - logits.max(1, keepdims=True))
    expected = (e / e.sum(1, keepdims=True) - np.eye(10)[target]) / 8
    np.testing.assert_allclose(to_np(x.grad), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_gradcheck_and_gradgradcheck_with_ignore_index(reduction):
    x = t64(RNG.standard_normal((4, 3)))
    t = fg.tensor([2, 7, 0, 1])

    def loss(a):
        return F.cross_entropy(a, t, ignore_index=7, reduction=reduction)

    assert gradcheck(loss, (x,))
    assert gradgradcheck(loss, (x,))
    assert gradgradcheck(
        lambda a: F.nll_loss(a.log_softmax(1), t, ignore_index=7, reduction=reduction), (x,)
    )


def test_errors():
    x = fg.randn(3, 4)
    with pytest.raises(IndexError, match="Target -2 is out of bounds"):
        F.cross_entropy(x, fg.tensor([0, -2, 1]))
    with pytest.raises(IndexError, match="Target 4 is out of bounds"):
        F.nll_loss(x, fg.tensor([4, 0, 1]))
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        F.cross_entropy(x, fg.tensor([0, 1, 2]), reduction="avg")
    # PyTorch 2.15: NotImplementedError '"nll_loss_out_frame" not implemented for 'Long''
    with pytest.raises(NotImplementedError, match="nll_loss_out_frame"):
        F.nll_loss(fg.tensor([[0, 1], [1, 0]]), fg.tensor([0, 1]))
