"""``optim.Muon`` (momentum orthogonalized by Newton-Schulz, in bfloat16 as PyTorch) against
PyTorch 2.15's first steps, its checks and state; ``optim.swap_in_optimizer_params_and_state``."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
from ferrograd import optim

# Parameters (w then v, row-major) after three steps on ``loss`` below, recorded with PyTorch
# 2.15's Muon.
REFERENCE = [
    (
        {"lr": 0.1},
        [0.8972663, -1.6358534, 0.5689021, 0.3874171, -0.6640893, 1.2342651,
         0.1071948, 0.9669678, -0.2359397, 0.5512047, 0.9524527, -0.1153722],
    ),
    (
        {"lr": 0.05, "weight_decay": 0.0, "momentum": 0.9, "nesterov": False,
         "adjust_lr_fn": "match_rms_adamw"},
        [0.9873818, -1.9477679, 0.5140391, 0.3162042, -0.6985876, 1.4610288,
         0.1822735, 0.9925998, -0.3648854, 0.6117049, 1.0945197, -0.2603523],
    ),
    (
        {"lr": 0.02, "ns_steps": 3, "adjust_lr_fn": "spectral_unclamped"},
        [0.9832854, -1.9433342, 0.5091182, 0.3121455, -0.6944754, 1.4575955,
         0.1798021, 0.9919642, -0.3581244, 0.5986232, 1.0748588, -0.254857],
    ),
]  # fmt: skip


def problem():
    w = nn.Parameter(fg.tensor([[1.0, -2.0, 0.5], [0.3, -0.7, 1.5]]))
    v = nn.Parameter(fg.tensor([[0.2, 1.0], [-0.4, 0.6], [1.1, -0.3]]))
    return w, v


def loss(w, v):
    return ((w @ v - fg.eye(2)) ** 2).sum() + (w**4).sum() * 0.1


def run(opt, w, v, steps):
    for _ in range(steps):
        opt.zero_grad()
        loss(w, v).backward()
        opt.step()


@pytest.mark.parametrize(("options", "expected"), REFERENCE)
def test_first_steps_match_pytorch(options, expected):
    w, v = problem()
    run(optim.Muon([w, v], **options), w, v, 3)
    got = w.detach().numpy().ravel().tolist() + v.detach().numpy().ravel().tolist()
    np.testing.assert_allclose(got, expected, rtol=0, atol=2e-7)


def test_state_dict_layout_and_round_trip():
    w, v = problem()
    opt = optim.Muon([w, v], lr=0.1)
    run(opt, w, v, 2)
    saved = opt.state_dict()
    (group,) = saved["param_groups"]
    assert group == {
        "lr": 0.1,
        "weight_decay": 0.1,
        "momentum": 0.95,
        "nesterov": True,
        "ns_coefficients": (3.4445, -4.775, 2.0315),
        "eps": 1e-07,
        "ns_steps": 5,
        "adjust_lr_fn": None,
        "params": [0, 1],
    }
    assert set(saved["state"][0]) == {"momentum_buffer"}
    w2, v2 = (nn.Parameter(p.detach().clone()) for p in (w, v))
    twin = optim.Muon([w2, v2], lr=0.5)
    twin.load_state_dict(saved)
    run(opt, w, v, 2)
    run(twin, w2, v2, 2)
    np.testing.assert_array_equal(w.detach().numpy(), w2.detach().numpy())
    np.testing.assert_array_equal(v.detach().numpy(), v2.detach().numpy())


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: optim.Muon([nn.Parameter(fg.ones(3))]), "only supports 2D parameters"),
        (lambda p: optim.Muon([p], lr=-1.0), "Learning rate should be >= 0"),
        (lambda p: optim.Muon([p], momentum=-0.1), "momentum should be >= 0"),
        (lambda p: optim.Muon([p], adjust_lr_fn="cosine"), "cosine is not supported"),
    ],
)
def test_bad_arguments_raise_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make(nn.Parameter(fg.ones(2, 2)))


def test_too_many_newton_schulz_steps_raise():
    w, _ = problem()
    opt = optim.Muon([w], ns_steps=100)
    w.grad = fg.ones(2, 3)
    with pytest.raises(ValueError, match="less than 100"):
        opt.step()


def test_swap_in_parameters_and_state_for_a_block():
    # the numbers below are what PyTorch 2.15 gives for the same calls
    w = nn.Parameter(fg.tensor([[1.0, 2.0]]))
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    w.grad = fg.tensor([[1.0, 1.0]])
    opt.step()
    group = {**opt.state_dict()["param_groups"][0], "lr": 1.0}
    swapped_state = {
        "state": {0: {"momentum_buffer": fg.tensor([[5.0, 5.0]])}},
        "param_groups": [group],
    }
    w2 = fg.tensor([[0.0, 0.0]])
    w2.grad = fg.tensor([[1.0, -1.0]])
    with optim.swap_in_optimizer_params_and_state(opt, {"w": w2}, swapped_state):
        assert opt.param_groups[0]["lr"] == 1.0 and opt.param_groups[0]["params"][0] is w2
        opt.step()
    assert w2.tolist() == [[-5.5, -3.5]]
    assert swapped_state["state"][0]["momentum_buffer"].tolist() == [[5.5, 3.5]]
    assert w.detach()[0].tolist() == pytest.approx([0.9, 1.9])
    assert opt.state[w]["momentum_buffer"].tolist() == [[1.0, 1.0]]
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[0]["params"][0] is w


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda sd: {**sd, "param_groups": []}, "a different number of parameter groups"),
        (lambda sd: {**sd, "param_groups": [{**sd["param_groups"][0], "extra": 1}]},
         r"Keys only in swap-in: \['extra'\]"),
        (lambda sd: {**sd, "state": {5: {}}}, r"got extra keys \[5\]"),
    ],
)  # fmt: skip
def test_swap_in_checks_raise_pytorchs_runtime_errors(change, message):
    # messages as PyTorch 2.15 words them
    w = nn.Parameter(fg.ones(2))
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    swap_in = optim.swap_in_optimizer_params_and_state

    def enter(params, state):
        with swap_in(opt, params, state):
            pass

    with pytest.raises(RuntimeError, match="requires initialized optimizer state"):
        enter({"w": fg.ones(2)}, opt.state_dict())
    w.grad = fg.ones(2)
    opt.step()
    with pytest.raises(RuntimeError, match=message):
        enter({"w": fg.ones(2)}, change(opt.state_dict()))
    with pytest.raises(RuntimeError, match=r"match optimizer\.param_groups ordering"):
        enter({}, opt.state_dict())
    assert opt.param_groups[0]["params"][0] is w
    assert opt.param_groups[0]["lr"] == 0.1
