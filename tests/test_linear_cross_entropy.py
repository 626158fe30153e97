"""``F.linear_cross_entropy``, ``nn.LinearCrossEntropyLoss`` and
``nn.LinearCrossEntropyOptions`` (PyTorch 2.15's names): values and gradients equal to
``cross_entropy`` of the linear logits, PyTorch's checks and messages."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn.functional as F
from ferrograd import nn
from ferrograd.autograd import gradcheck, gradgradcheck

X = [[1.0, 2.0], [0.5, -1.0]]
W = [[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]]


def test_value_recorded_from_pytorch():
    loss = F.linear_cross_entropy(fg.tensor(X), fg.tensor(W), fg.tensor([1, 2]))
    assert loss.item() == pytest.approx(0.36027, abs=5e-5)  # PyTorch 2.15: tensor(0.3603)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_k_dimensional_weighted_smoothed_loss_equals_the_reference(reduction):
    fg.manual_seed(1)
    x = fg.randn(5, 2, dtype=fg.float64, requires_grad=True)
    w = fg.randn(3, 4, 2, dtype=fg.float64, requires_grad=True)
    b = fg.randn(3, 4, dtype=fg.float64, requires_grad=True)
    target = fg.randint(0, 3, (5, 4))
    classes = fg.tensor([1.0, 2.0, 3.0], dtype=fg.float64)
    options = dict(weight=classes, reduction=reduction, label_smoothing=0.1)
    got = F.linear_cross_entropy(x, w, target, linear_bias=b, **options)
    logits = (x @ w.reshape(12, 2).T + b.reshape(12)).reshape(5, 3, 4)
    expected = F.cross_entropy(logits, target, **options)
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=1e-12)

    def f(x, w, b):
        return F.linear_cross_entropy(x, w, target, linear_bias=b, **options)

    assert gradcheck(f, (x, w, b))
    assert gradgradcheck(f, (x, w, b))


def test_probability_targets_and_unbatched_input():
    x = fg.tensor(X, dtype=fg.float64)
    probabilities = fg.tensor([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]], dtype=fg.float64)
    w = fg.tensor(W, dtype=fg.float64)
    got = F.linear_cross_entropy(x, w, probabilities)
    assert got.item() == pytest.approx(F.cross_entropy(x @ w.T, probabilities).item())
    one = F.linear_cross_entropy(x[0], w, fg.tensor(1))
    assert one.item() == pytest.approx(F.cross_entropy(x[0] @ w.T, fg.tensor(1)).item())


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: F.linear_cross_entropy(fg.ones(2, 2, 2), fg.tensor(W), fg.tensor([1, 2])),
         "expected input with dimensionality 1 or 2, got 3"),
        (lambda: F.linear_cross_entropy(fg.tensor(X), fg.ones(3), fg.tensor([1, 2])),
         "expected linear_weight with dimensionality at least 2, got 1"),
        (lambda: F.linear_cross_entropy(fg.tensor(X), fg.ones(3, 5), fg.tensor([1, 2])),
         r"expected equal input and linear_weight last dimensions \(in_features\), got 2 and 5"),
        (lambda: F.linear_cross_entropy(
            fg.tensor(X), fg.tensor(W), fg.tensor([1, 2]), linear_bias=fg.ones(2)),
         r"expected linear_bias shape \(3,\), got \(2,\)"),
        (lambda: F.linear_cross_entropy(fg.ones(2), fg.ones(3, 4, 2), fg.tensor([1])),
         "requires batched input"),
        (lambda: F.linear_cross_entropy(
            fg.tensor(X), fg.tensor(W), fg.ones(2, 3) / 3, ignore_index=0),
         "ignore_index cannot be specified when target contains probabilities"),
        (lambda: nn.LinearCrossEntropyLoss(2, 3, weight=fg.ones(2)),
         r"expected weight shape to be \(3,\), got \(2,\)"),
        (lambda: nn.LinearCrossEntropyLoss(2, 3, label_smoothing=2.0),
         r"expected label_smoothing to be in range \[0, 1\], got 2.0"),
    ],
)  # fmt: skip
def test_bad_input_raises_pytorchs_runtime_error(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (dict(acc_policy="x"), "invalid acc_policy: 'x'"),
        (dict(batch_chunk_size=0), "batch_chunk_size must be positive int or None, got 0"),
        (dict(chunking_method="foo"), "invalid chunking_method: 'foo'"),
        (dict(acc_dtype=fg.int32), "acc_dtype must be one of"),
    ],
)
def test_options_are_checked_as_pytorch_checks_them(options, message):
    with pytest.raises(ValueError, match=message):
        nn.LinearCrossEntropyOptions(**options)
    assert nn.LinearCrossEntropyOptions(chunking_method="aspect_ratio:2").batch_chunk_size is None


def test_module_state_dict_repr_and_forward():
    loss = nn.LinearCrossEntropyLoss(2, 3, out_features=(4,), bias=True, dtype=fg.float64)
    assert {k: tuple(v.shape) for k, v in loss.state_dict().items()} == {
        "linear.weight": (12, 2),
        "linear.bias": (12,),
    }
    assert repr(nn.LinearCrossEntropyLoss(2, 3)) == (
        "LinearCrossEntropyLoss(\n  in_features=2, num_classes=3, out_features=(), bias=False, "
        "reduction=mean, ignore_index=None, label_smoothing=0.0, options=None\n"
        "  (linear): Linear(in_features=2, out_features=3, bias=False)\n)"
    )
    x, target = fg.randn(5, 2, dtype=fg.float64), fg.randint(0, 3, (5, 4))
    options = nn.LinearCrossEntropyOptions(batch_chunk_size=2)
    chunked = nn.LinearCrossEntropyLoss(2, 3, out_features=(4,), bias=True, options=options)
    chunked = chunked.double()
    chunked.load_state_dict(loss.state_dict())
    expected = F.cross_entropy(loss.linear(x).reshape(5, 3, 4), target)
    assert loss(x, target).item() == pytest.approx(expected.item(), rel=1e-12)
    assert chunked(x, target).item() == pytest.approx(expected.item(), rel=1e-12)
