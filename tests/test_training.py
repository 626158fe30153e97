"""End-to-end training loops: the loss falls and the fitted parameters are right."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import ferrograd as fg
from helpers import T, to_np


def test_training_iteration_linear_regression():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3)).astype(np.float32)
    true_w = np.array([1.5, -2.0, 0.5], dtype=np.float32)
    y = X @ true_w + 0.3

    Xt, yt = T(X), T(y)
    w = fg.zeros(3, requires_grad=True)
    b = fg.zeros((), requires_grad=True)
    w_id, b_id = w, b
    lr = 0.1
    losses = []
    for _ in range(200):
        pred = Xt @ w + b
        loss = ((pred - yt) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with fg.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad.zero_()
        b.grad = None

    assert w is w_id and b is b_id
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    assert losses[-1] < 1e-4 * losses[0]
    assert all(l2 <= l1 + 1e-6 for l1, l2 in itertools.pairwise(losses)), "loss must not go up"
    np.testing.assert_allclose(to_np(w), true_w, atol=1e-2)
    assert b.item() == pytest.approx(0.3, abs=1e-2)


def test_cubic_fit_of_sin():
    """PyTorch's 'learning PyTorch with examples' polynomial fit, with autograd."""
    x = fg.linspace(-math.pi, math.pi, 2000)
    y = fg.sin(x)
    a = fg.zeros((), requires_grad=True)
    b = fg.zeros((), requires_grad=True)
    c = fg.zeros((), requires_grad=True)
    d = fg.zeros((), requires_grad=True)
    lr = 1e-6
    losses = []
    for t in range(2000):
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = (y_pred - y).pow(2).sum()
        if t % 100 == 99 or t == 0:
            losses.append(loss.item())
        loss.backward()
        with fg.no_grad():
            a -= lr * a.grad
            b -= lr * b.grad
            c -= lr * c.grad
            d -= lr * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None

    # float32 NumPy replay of the same loop: 999.5 at start, ~517.7 at t=99, ~9.01 at the end
    assert losses[0] == pytest.approx(999.5, rel=1e-3)
    assert losses[1] == pytest.approx(517.7, rel=2e-2)
    assert losses[-1] < 10.0
    assert all(l2 < l1 for l1, l2 in itertools.pairwise(losses))
    assert abs(a.item()) < 0.02
    assert b.item() == pytest.approx(0.843, abs=0.01)
    assert abs(c.item()) < 0.02
    assert d.item() == pytest.approx(-0.0914, abs=0.005)


def test_cubic_fit_random_init_loss_falls():
    fg.manual_seed(0)
    x = fg.linspace(-math.pi, math.pi, 2000)
    y = fg.sin(x)
    a, b, c, d = (fg.randn((), requires_grad=True) for _ in range(4))
    first = None
    for _ in range(500):
        loss = (a + b * x + c * x**2 + d * x**3 - y).pow(2).sum()
        if first is None:
            first = loss.item()
        loss.backward()
        with fg.no_grad():
            for p in (a, b, c, d):
                p -= 1e-6 * p.grad
                p.grad = None
    assert loss.item() < first / 5


def test_mlp_learns_xor():
    rng = np.random.default_rng(3)
    X = T(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32))
    Y = T(np.array([[0], [1], [1], [0]], dtype=np.float32))
    W1 = T((rng.standard_normal((2, 8)) * 1.0).astype(np.float32), requires_grad=True)
    b1 = fg.zeros(8, requires_grad=True)
    W2 = T((rng.standard_normal((8, 1)) * 1.0).astype(np.float32), requires_grad=True)
    b2 = fg.zeros(1, requires_grad=True)
    params = [W1, b1, W2, b2]
    first = None
    for _ in range(2000):
        h = (X @ W1 + b1).tanh()
        p = (h @ W2 + b2).sigmoid()
        loss = ((p - Y) ** 2).mean()
        if first is None:
            first = loss.item()
        loss.backward()
        with fg.no_grad():
            for q in params:
                q -= 1.0 * q.grad
                q.grad = None
    assert loss.item() < 0.02
    assert loss.item() < first / 5
    pred = to_np((X @ W1 + b1).tanh() @ W2 + b2).ravel()
    assert (pred > 0).tolist() == [False, True, True, False]


def test_relu_regression_with_grad_accumulation_over_minibatches():
    rng = np.random.default_rng(7)
    X = rng.uniform(-1, 1, (128, 1)).astype(np.float32)
    y = np.abs(X).astype(np.float32)  # |x| = relu(x) + relu(-x)
    W = T(rng.standard_normal((1, 16)).astype(np.float32) * 0.5, requires_grad=True)
    b = fg.zeros(16, requires_grad=True)
    V = T(rng.standard_normal((16, 1)).astype(np.float32) * 0.5, requires_grad=True)
    params = [W, b, V]
    Xt, yt = T(X), T(y)
    losses = []
    for _ in range(300):
        # two half-batches, gradients accumulated before one step
        total = 0.0
        for s in (slice(0, 64), slice(64, 128)):
            pred = (Xt[s] @ W + b).relu() @ V
            loss = ((pred - yt[s]) ** 2).mean() * 0.5
            loss.backward()
            total += loss.item()
        losses.append(total)
        with fg.no_grad():
            for q in params:
                q -= 0.1 * q.grad
        for q in params:
            q.grad.zero_()
    assert losses[-1] < losses[0] / 10
    assert losses[-1] < 0.01
