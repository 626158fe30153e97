"""``vmap`` over ``nn.RNNCell``/``LSTMCell``/``GRUCell``: the batching rule folds the vmapped
dimension into the cell's batch, so a step stays one fused gate kernel for the whole batch
(no per-sample loop); per-sample gradients through ``functional_call`` match PyTorch's."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
from ferrograd import _core
from ferrograd.func import functional_call, grad, vmap
from reference_vmap_rnn_cells import PER_SAMPLE_GRADIENTS

CELLS = ["RNNCell", "LSTMCell", "GRUCell"]


def fill(shape, k):
    """Deterministic values (the same formula made the PyTorch reference)."""
    n = math.prod(shape)
    return ((fg.arange(n, dtype=fg.float64) * 0.7 + k).sin() * 0.5).reshape(shape)


class Net(nn.Module):
    """A cell over the time steps of ``x`` (T, 2), then a linear head: one number."""

    def __init__(self, kind):
        super().__init__()
        self.cell = getattr(nn, kind)(2, 2, dtype=fg.float64)
        self.head = nn.Linear(2, 1, dtype=fg.float64)

    def forward(self, x):
        z = x[0].unsqueeze(0) * 0
        state = (z, z) if isinstance(self.cell, nn.LSTMCell) else z
        for t in range(x.shape[0]):
            state = self.cell(x[t].unsqueeze(0), state)
        h = state[0] if isinstance(state, tuple) else state
        return self.head(h)[0, 0]


def made(kind):
    net = Net(kind)
    with fg.no_grad():
        for i, (_, p) in enumerate(net.named_parameters()):
            p.copy_(fill(p.shape, i))
    return net, {n: p.detach() for n, p in net.named_parameters()}


def per_sample_gradients(net, params, X, Y):
    def loss(p, x, y):
        return (functional_call(net, p, (x,)) - y) ** 2

    return vmap(grad(loss), in_dims=(None, 0, 0))(params, X, Y)


@pytest.mark.parametrize("kind", sorted(PER_SAMPLE_GRADIENTS))
def test_per_sample_gradients_match_pytorch(kind):
    net, params = made(kind)
    got = per_sample_gradients(net, params, fill((3, 2, 2), 10), fill((3,), 20))
    expected = PER_SAMPLE_GRADIENTS[kind]
    assert sorted(got) == sorted(expected)
    for name, values in expected.items():
        assert got[name].shape == (3, *params[name].shape)
        np.testing.assert_allclose(
            got[name].numpy().ravel(), values, rtol=1e-9, atol=1e-12, err_msg=name
        )


@pytest.mark.parametrize("kind", CELLS)
def test_per_sample_gradients_equal_one_gradient_per_sample(kind):
    net, params = made(kind)
    X, Y = fill((4, 3, 2), 1), fill((4,), 2)
    batched = per_sample_gradients(net, params, X, Y)

    def loss(p, x, y):
        return (functional_call(net, p, (x,)) - y) ** 2

    for i in range(4):
        one = grad(loss)(params, X[i], Y[i])
        for name, g in one.items():
            np.testing.assert_allclose(batched[name][i].numpy(), g.numpy(), rtol=1e-12)


def counting(monkeypatch, name):
    calls = []
    kernel = getattr(_core, name)

    def counted(*args):
        calls.append(args[0].shape)
        return kernel(*args)

    monkeypatch.setattr(_core, name, counted)
    return calls


@pytest.mark.parametrize(("kind", "kernel"), [("LSTMCell", "lstm_cell"), ("GRUCell", "gru_cell")])
def test_vmapped_cell_is_one_fused_kernel_call_on_the_folded_batch(monkeypatch, kind, kernel):
    cell = getattr(nn, kind)(3, 4)
    x = fg.randn(5, 2, 3)  # 5 vmapped samples of a batch of 2
    hidden = fg.randn(5, 2, 4)
    state = (hidden, fg.randn(5, 2, 4)) if kind == "LSTMCell" else hidden
    calls = counting(monkeypatch, kernel)
    out = vmap(cell)(x, state)
    assert calls == [(10, cell.weight_ih.shape[0])]
    merged = cell(
        x.flatten(0, 1),
        tuple(s.flatten(0, 1) for s in state) if kind == "LSTMCell" else state.flatten(0, 1),
    )
    for a, b in zip(
        out if isinstance(out, tuple) else (out,),
        merged if isinstance(merged, tuple) else (merged,),
        strict=True,
    ):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().unflatten(0, (5, 2)).numpy())


def test_per_sample_weights_still_run_the_fused_gates(monkeypatch):
    net, params = made("LSTMCell")
    calls = counting(monkeypatch, "lstm_cell")
    per_sample_gradients(net, params, fill((3, 2, 2), 10), fill((3,), 20))
    assert calls == [(3, 8)] * 2  # one call per time step, the three samples' rows together


@pytest.mark.parametrize("kind", CELLS)
def test_unbatched_input_state_defaults_and_nested_vmap(kind):
    cell = getattr(nn, kind)(3, 4, dtype=fg.float64)
    x = fg.randn(2, 5, 3, dtype=fg.float64)
    # 1-D samples and no state given: each sample is one unbatched step from zeros
    out = vmap(vmap(cell))(x)
    first = out[0] if isinstance(out, tuple) else out
    plain = cell(x.flatten(0, 1))
    plain = plain[0] if isinstance(plain, tuple) else plain
    assert first.shape == (2, 5, 4)
    np.testing.assert_allclose(first.detach().numpy(), plain.unflatten(0, (2, 5)).detach().numpy())
