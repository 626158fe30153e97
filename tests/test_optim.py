"""Optimizers against their published update formulas on hand-computed steps, schedulers,
gradient clipping, and optimizer state round trips."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
from ferrograd import optim
from ferrograd.optim import lr_scheduler


def param(values):
    return nn.Parameter(fg.tensor(values, dtype=fg.float64))


def run(opt_cls, grads, **kw):
    """Applies the given gradient sequence to p = [1, -2]; returns the values after each step."""
    p = param([1.0, -2.0])
    opt = opt_cls([p], **kw)
    out = []
    for g in grads:
        p.grad = fg.tensor(g, dtype=fg.float64)
        opt.step()
        out.append(p.detach().numpy().copy())
    return out, opt


G = [[0.5, -1.0], [0.25, 2.0], [-1.0, 0.5]]


def test_sgd_plain_momentum_dampening_nesterov_weight_decay():
    out, _ = run(optim.SGD, G[:1], lr=0.1)
    np.testing.assert_allclose(out[0], [1 - 0.05, -2 + 0.1])
    # momentum 0.9, dampening 0.1, weight decay 0.01 by hand
    p = np.array([1.0, -2.0])
    buf = None
    for g in G:
        g = np.array(g) + 0.01 * p
        buf = g.copy() if buf is None else 0.9 * buf + 0.9 * g
        p = p - 0.1 * buf
    out, _ = run(optim.SGD, G, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)
    np.testing.assert_allclose(out[-1], p)
    p = np.array([1.0, -2.0])
    buf = None
    for g in G:
        g = np.array(g)
        buf = g.copy() if buf is None else 0.5 * buf + g
        p = p - 0.2 * (g + 0.5 * buf)
    out, _ = run(optim.SGD, G, lr=0.2, momentum=0.5, nesterov=True)
    np.testing.assert_allclose(out[-1], p)
    out, _ = run(optim.SGD, G[:1], lr=0.1, maximize=True)
    np.testing.assert_allclose(out[0], [1.05, -2.1])
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([param([1.0])], lr=0.1, nesterov=True)


def adam_reference(grads, lr, b1, b2, eps, wd=0.0, amsgrad=False, decoupled=False):
    p = np.array([1.0, -2.0])
    m = np.zeros(2)
    v = np.zeros(2)
    vmax = np.zeros(2)
    for t, g in enumerate(grads, 1):
        g = np.array(g, dtype=float)
        if wd and decoupled:
            p = p * (1 - lr * wd)
        elif wd:
            g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mhat = m / (1 - b1**t)
        if amsgrad:
            vmax = np.maximum(vmax, v)
            vhat = vmax / (1 - b2**t)
        else:
            vhat = v / (1 - b2**t)
        p = p - lr * mhat / (np.sqrt(vhat) + eps)
    return p


def test_adam_adamw_amsgrad():
    # first Adam step moves each coordinate by -lr * sign(g)
    out, _ = run(optim.Adam, G[:1], lr=0.1)
    np.testing.assert_allclose(out[0], [0.9, -1.9], rtol=1e-6)
    for kw in (
        {},
        dict(weight_decay=0.1),
        dict(amsgrad=True),
        dict(amsgrad=True, weight_decay=0.05),
    ):
        out, _ = run(optim.Adam, G, lr=0.01, betas=(0.8, 0.9), eps=1e-6, **kw)
        np.testing.assert_allclose(
            out[-1],
            adam_reference(
                G, 0.01, 0.8, 0.9, 1e-6, kw.get("weight_decay", 0), kw.get("amsgrad", False)
            ),
        )
    out, _ = run(optim.AdamW, G, lr=0.01, weight_decay=0.5)
    np.testing.assert_allclose(
        out[-1], adam_reference(G, 0.01, 0.9, 0.999, 1e-8, 0.5, decoupled=True)
    )
    out, _ = run(optim.AdamW, G, lr=0.01, weight_decay=0.5, amsgrad=True)
    np.testing.assert_allclose(
        out[-1], adam_reference(G, 0.01, 0.9, 0.999, 1e-8, 0.5, amsgrad=True, decoupled=True)
    )


def test_rmsprop_and_adagrad():
    for centered, momentum in ((False, 0.0), (True, 0.0), (False, 0.9), (True, 0.5)):
        p = np.array([1.0, -2.0])
        sq, ga, buf = np.zeros(2), np.zeros(2), np.zeros(2)
        for g in G:
            g = np.array(g) + 0.01 * p
            sq = 0.9 * sq + 0.1 * g * g
            if centered:
                ga = 0.9 * ga + 0.1 * g
                avg = np.sqrt(sq - ga * ga) + 1e-8
            else:
                avg = np.sqrt(sq) + 1e-8
            if momentum:
                buf = momentum * buf + g / avg
                p = p - 0.01 * buf
            else:
                p = p - 0.01 * g / avg
        out, _ = run(
            optim.RMSprop,
            G,
            lr=0.01,
            alpha=0.9,
            weight_decay=0.01,
            centered=centered,
            momentum=momentum,
        )
        np.testing.assert_allclose(out[-1], p)
    p = np.array([1.0, -2.0])
    s = np.full(2, 0.1)
    for t, g in enumerate(G, 1):
        g = np.array(g)
        s = s + g * g
        p = p - 0.5 / (1 + (t - 1) * 0.1) * g / (np.sqrt(s) + 1e-10)
    out, _ = run(optim.Adagrad, G, lr=0.5, lr_decay=0.1, initial_accumulator_value=0.1)
    np.testing.assert_allclose(out[-1], p)


def test_param_groups_zero_grad_and_errors():
    a, b = param([1.0]), param([2.0])
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1, momentum=0.9)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 1.0
    assert opt.param_groups[1]["momentum"] == 0.9
    a.grad, b.grad = fg.tensor([1.0], dtype=fg.float64), fg.tensor([1.0], dtype=fg.float64)
    opt.step()
    assert a.item() == pytest.approx(0.9) and b.item() == pytest.approx(1.0)
    opt.zero_grad(set_to_none=False)
    assert a.grad.item() == 0.0
    opt.zero_grad()
    assert a.grad is None
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam([])
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [a]}, {"params": [a]}], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        optim.Adam([a], lr=-1)

    def closure():
        opt.zero_grad()
        loss = (a * a).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == pytest.approx(0.81)


def test_optimizer_state_dict_round_trip_is_exact(tmp_path):
    fg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    twin = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    twin.load_state_dict(model.state_dict())
    opt = optim.Adam(model.parameters(), lr=0.01, amsgrad=True)
    x = fg.randn(8, 3)
    for _ in range(3):
        opt.zero_grad()
        model(x).pow(2).mean().backward()
        opt.step()
    twin.load_state_dict(model.state_dict())
    path = tmp_path / "opt.safetensors"
    fg.save({"model": model.state_dict(), "optimizer": opt.state_dict()}, path)
    loaded = fg.load(path)
    twin.load_state_dict(loaded["model"])
    opt2 = optim.Adam(twin.parameters(), lr=0.5)
    opt2.load_state_dict(loaded["optimizer"])
    assert opt2.param_groups[0]["lr"] == 0.01 and opt2.param_groups[0]["amsgrad"] is True
    assert opt2.param_groups[0]["betas"] == (0.9, 0.999)
    assert opt2.state_dict()["state"][0]["step"] == 3
    for o, m in ((opt, model), (opt2, twin)):
        o.zero_grad()
        m(x).pow(2).mean().backward()
        o.step()
    for p, q in zip(model.parameters(), twin.parameters(), strict=True):
        assert np.array_equal(p.detach().numpy(), q.detach().numpy())
    with pytest.raises(ValueError, match="doesn't match the size"):
        optim.Adam([nn.Parameter(fg.zeros(1))]).load_state_dict(opt.state_dict())


def test_lr_schedulers():
    def lrs(make, steps=7, lr=1.0):
        opt = optim.SGD([param([1.0])], lr=lr)
        sched = make(opt)
        out = [opt.param_groups[0]["lr"]]
        for _ in range(steps):
            opt.step()
            sched.step()
            out.append(sched.get_last_lr()[0])
        return out

    np.testing.assert_allclose(
        lrs(lambda o: lr_scheduler.StepLR(o, 3, gamma=0.5)), [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]
    )
    np.testing.assert_allclose(
        lrs(lambda o: lr_scheduler.MultiStepLR(o, [2, 5], 0.1)),
        [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01],
    )
    np.testing.assert_allclose(
        lrs(lambda o: lr_scheduler.ExponentialLR(o, 0.9)), [0.9**i for i in range(8)]
    )
    np.testing.assert_allclose(
        lrs(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.1)),
        [0.1 + 0.9 * (1 + math.cos(math.pi * i / 4)) / 2 for i in range(8)],
    )
    np.testing.assert_allclose(
        lrs(lambda o: lr_scheduler.LambdaLR(o, lambda e: 1 / (e + 1))),
        [1 / (i + 1) for i in range(8)],
    )
    opt = optim.SGD([param([1.0])], lr=1.0)
    sched = lr_scheduler.StepLR(opt, 2)
    sched.step()
    state = sched.state_dict()
    assert state["last_epoch"] == 1 and "optimizer" not in state


def test_clip_grad():
    a, b = param([3.0, 0.0]), param([4.0])
    a.grad, b.grad = fg.tensor([3.0, 0.0], dtype=fg.float64), fg.tensor([4.0], dtype=fg.float64)
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(
        np.concatenate([a.grad.numpy(), b.grad.numpy()]), np.array([3.0, 0.0, 4.0]) / (5.0 + 1e-6)
    )
    a.grad = fg.tensor([3.0, -10.0], dtype=fg.float64)
    assert nn.utils.clip_grad_norm_(a, 100.0, norm_type=float("inf")).item() == 10.0
    assert a.grad.tolist() == [3.0, -10.0]
    nn.utils.clip_grad_value_([a, b], 2.5)
    assert a.grad.tolist() == [2.5, -2.5]
    a.grad = fg.tensor([float("nan"), 1.0], dtype=fg.float64)
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_(a, 1.0, error_if_nonfinite=True)
