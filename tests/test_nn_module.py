"""Module bookkeeping: registration, traversal, state_dict round trips, train/eval, dtype
conversion, containers, repr, and load_state_dict errors."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.bn = nn.BatchNorm1d(8)
        self.drop = nn.Dropout(0.5)
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(8, 3))
        self.scale = nn.Parameter(fg.ones(1))
        self.register_buffer("steps", fg.zeros(1))
        self.register_buffer("scratch", fg.zeros(2), persistent=False)
        self.note = "not registered"

    def forward(self, x):
        return self.head(self.drop(self.bn(self.fc1(x)))) * self.scale


def test_registration_and_traversal():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == [
        "scale",
        "fc1.weight",
        "fc1.bias",
        "bn.weight",
        "bn.bias",
        "head.1.weight",
        "head.1.bias",
    ]
    assert all(
        p.requires_grad and isinstance(p, nn.Parameter) and isinstance(p, fg.Tensor)
        for p in net.parameters()
    )
    assert [n for n, _ in net.named_buffers()] == [
        "steps",
        "scratch",
        "bn.running_mean",
        "bn.running_var",
        "bn.num_batches_tracked",
    ]
    assert [n for n, _ in net.named_children()] == ["fc1", "bn", "drop", "head"]
    assert [n for n, _ in net.named_modules()] == [
        "",
        "fc1",
        "bn",
        "drop",
        "head",
        "head.0",
        "head.1",
    ]
    assert len(list(net.modules())) == 7 and len(list(net.children())) == 4
    assert net.note == "not registered" and "note" not in dict(net.named_parameters())
    shared = nn.Linear(2, 2)
    twice = nn.Sequential(shared, shared)
    assert len(list(twice.parameters())) == 2
    del net.scale
    assert "scale" not in dict(net.named_parameters())
    with pytest.raises(AttributeError, match="has no attribute 'missing'"):
        net.missing  # noqa: B018 - the access is what raises
    with pytest.raises(TypeError, match="cannot assign"):
        net.fc1 = fg.zeros(1)  # a plain tensor cannot replace a module
    with pytest.raises(AttributeError, match=r"before Module\.__init__"):

        class Broken(nn.Module):
            def __init__(self):
                self.fc = nn.Linear(1, 1)

        Broken()


def test_state_dict_round_trip_and_strict_errors():
    fg.manual_seed(0)
    a, b = Net(), Net()
    sd = a.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == [
        "scale",
        "steps",
        "fc1.weight",
        "fc1.bias",
        "bn.weight",
        "bn.bias",
        "bn.running_mean",
        "bn.running_var",
        "bn.num_batches_tracked",
        "head.1.weight",
        "head.1.bias",
    ]
    assert not sd["fc1.weight"].requires_grad
    result = b.load_state_dict(sd)
    assert result.missing_keys == [] and result.unexpected_keys == []
    for (n1, t1), (n2, t2) in zip(a.state_dict().items(), b.state_dict().items(), strict=True):
        assert n1 == n2 and np.array_equal(t1.numpy(), t2.numpy())
    x = fg.randn(5, 4)
    a.eval(), b.eval()
    assert np.array_equal(a(x).detach().numpy(), b(x).detach().numpy())

    missing = OrderedDict((k, v) for k, v in sd.items() if k != "fc1.bias")
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "fc1.bias"'):
        b.load_state_dict(missing)
    extra = OrderedDict(sd, extra=fg.zeros(1))
    with pytest.raises(RuntimeError, match=r'Unexpected key\(s\) in state_dict: "extra"'):
        b.load_state_dict(extra)
    result = b.load_state_dict(extra, strict=False)
    assert result.unexpected_keys == ["extra"]
    bad = OrderedDict(sd)
    bad["fc1.weight"] = fg.zeros(2, 2)
    with pytest.raises(RuntimeError, match=r"size mismatch for fc1.weight.*\[2, 2\].*\[8, 4\]"):
        b.load_state_dict(bad)


def test_train_eval_switches_dropout_and_batchnorm():
    fg.manual_seed(0)
    net = Net()
    assert net.training and net.head[1].training
    x = fg.randn(16, 4)
    net.train()
    out1, out2 = net(x), net(x)
    assert not np.allclose(out1.detach().numpy(), out2.detach().numpy())  # dropout differs
    assert net.bn.num_batches_tracked.item() == 2
    assert not np.allclose(net.bn.running_mean.numpy(), 0)
    net.eval()
    assert not net.training and not net.drop.training and not net.head[0].training
    running = net.bn.running_mean.numpy().copy()
    e1, e2 = net(x), net(x)
    assert np.array_equal(e1.detach().numpy(), e2.detach().numpy())
    assert np.array_equal(net.bn.running_mean.numpy(), running)
    drop = nn.Dropout(0.3).eval()
    assert drop(x) is x


def test_batchnorm_statistics_match_formula():
    bn = nn.BatchNorm1d(3, momentum=0.1).double()
    data = np.random.default_rng(0).standard_normal((6, 3)) * 2 + 1
    out = bn(fg.tensor(data)).detach().numpy()
    np.testing.assert_allclose(out, (data - data.mean(0)) / np.sqrt(data.var(0) + 1e-5), rtol=1e-10)
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.1 * data.mean(0))
    np.testing.assert_allclose(bn.running_var.numpy(), 0.9 + 0.1 * data.var(0, ddof=1))
    bn.eval()
    np.testing.assert_allclose(
        bn(fg.tensor(data)).detach().numpy(),
        (data - bn.running_mean.numpy()) / np.sqrt(bn.running_var.numpy() + 1e-5),
        rtol=1e-10,
    )
    with pytest.raises(ValueError, match="expected 4D input"):
        nn.BatchNorm2d(3)(fg.randn(2, 3))
    with pytest.raises(ValueError, match="running_mean should contain 4 elements not 3"):
        nn.BatchNorm1d(3)(fg.randn(2, 4))
    ln = nn.LayerNorm(4)
    with pytest.raises(ValueError, match="normalized_shape"):
        ln(fg.randn(2, 3))


def test_zero_grad_requires_grad_to_apply():
    net = Net()
    net(fg.randn(3, 4)).sum().backward()
    assert net.fc1.weight.grad is not None
    net.zero_grad(set_to_none=False)
    assert net.fc1.weight.grad.abs().sum().item() == 0
    net.zero_grad()
    assert net.fc1.weight.grad is None
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    net.double()
    assert all(p.dtype == fg.float64 for p in net.parameters())
    assert net.bn.running_mean.dtype == fg.float64 and net.bn.num_batches_tracked.dtype == fg.int64
    assert net(fg.randn(3, 4, dtype=fg.float64)).dtype == fg.float64
    net.to(fg.float32)
    assert net.fc1.weight.dtype == fg.float32
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen[-1] == "Net" and "Linear" in seen

    def init(m):
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.weight)

    net.apply(init)
    assert net.fc1.weight.abs().sum().item() == 0


def test_containers_and_repr():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert isinstance(seq[0], nn.Linear) and isinstance(seq[-1], nn.Linear)
    assert len(seq[1:]) == 2 and isinstance(seq[1:], nn.Sequential)
    assert len(seq) == 3 and [type(m).__name__ for m in seq] == ["Linear", "ReLU", "Linear"]
    named = nn.Sequential(OrderedDict(a=nn.Linear(2, 2), b=nn.Tanh()))
    assert list(dict(named.named_children())) == ["a", "b"]
    ml = nn.ModuleList([nn.Linear(1, 1) for _ in range(3)])
    ml.append(nn.Linear(1, 2))
    assert len(ml) == 4 and len(list(ml.parameters())) == 8
    md = nn.ModuleDict({"x": nn.Linear(1, 1), "y": nn.ReLU()})
    assert "x" in md and list(md.keys()) == ["x", "y"] and len(list(md.parameters())) == 2
    assert repr(seq) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Linear(in_features=3, out_features=1, bias=True)\n"
        ")"
    )
    assert repr(Net()).startswith(
        "Net(\n  (fc1): Linear(in_features=4, out_features=8, bias=True)\n  (bn): BatchNorm1d(8, "
        "eps=1e-05"
    )
    assert repr(nn.Dropout(0.2)) == "Dropout(p=0.2, inplace=False)"
    with pytest.raises(IndexError):
        seq[5]


def test_init_functions():
    fg.manual_seed(0)
    w = fg.empty(200, 100)
    nn.init.kaiming_uniform_(w, nonlinearity="relu")
    bound = np.sqrt(2.0) * np.sqrt(3.0 / 100)
    assert w.abs().max().item() <= bound and w.abs().max().item() > 0.9 * bound
    nn.init.kaiming_normal_(w, mode="fan_out")
    assert abs(w.std().item() - np.sqrt(2.0 / (1 + 0.0)) / np.sqrt(200)) < 0.01
    nn.init.xavier_uniform_(w, gain=2.0)
    assert w.abs().max().item() <= 2.0 * np.sqrt(6.0 / 300)
    nn.init.xavier_normal_(w)
    assert abs(w.std().item() - np.sqrt(2.0 / 300)) < 0.005
    nn.init.normal_(w, 3.0, 0.5)
    assert abs(w.mean().item() - 3.0) < 0.02
    nn.init.uniform_(w, -1, 2)
    assert w.min().item() >= -1 and w.max().item() <= 2
    nn.init.constant_(w, 0.25)
    assert w.sum().item() == 0.25 * 20000
    nn.init.ones_(w)
    nn.init.zeros_(w)
    assert w.abs().sum().item() == 0
    p = nn.Parameter(fg.empty(3, 3))
    nn.init.eye_(p)
    assert p.requires_grad and p.is_leaf and p.tolist() == np.eye(3).tolist()
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(np.sqrt(2 / 1.04))
