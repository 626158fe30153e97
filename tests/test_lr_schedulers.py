"""Learning-rate schedulers against the sequences PyTorch produces (recorded in
``reference_lr_schedules.py``): the chainable per-step forms, the closed forms ``step(epoch)``
uses, momentum cycling, composites, ``ReduceLROnPlateau``, ``state_dict`` round trips and the
usage warnings; plus ``optim.swa_utils``."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import ferrograd as fg
from ferrograd import nn, optim
from ferrograd.optim import lr_scheduler as S, swa_utils
from reference_lr_schedules import CLOSED_FORMS, PLATEAU, SCHEDULES, STATE_KEYS


def make_opt(kind="sgd"):
    a, b = nn.Parameter(fg.zeros(1)), nn.Parameter(fg.zeros(1))
    groups = [{"params": [a]}, {"params": [b], "lr": 0.5}]
    if kind == "adam":
        return optim.Adam(groups, lr=1.0)
    return optim.SGD(groups, lr=1.0, momentum=0.9)


def build(code, opt):
    return eval(code, {"S": S, "opt": opt})  # the same expression PyTorch's run evaluated


def snapshot(opt, kind):
    lrs = [g["lr"] for g in opt.param_groups]
    momenta = [g["betas"][0] if kind == "adam" else g["momentum"] for g in opt.param_groups]
    return [lrs, momenta]


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_sequence_matches_pytorch(name):
    code, kind, expected = SCHEDULES[name]
    opt = make_opt(kind)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # used as documented: no warning
        sched = build(code, opt)
        got = [snapshot(opt, kind)]
        last = [sched.get_last_lr()]
        for _ in range(len(expected) - 1):
            opt.step()
            sched.step()
            got.append(snapshot(opt, kind))
            last.append(sched.get_last_lr())
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert last == [g[0] for g in got]


@pytest.mark.parametrize("code,epochs,expected", CLOSED_FORMS)
def test_step_with_epoch_uses_the_closed_form(code, epochs, expected):
    opt = make_opt()
    sched = build(code, opt)
    got = []
    for epoch in epochs:
        opt.step()
        if "WarmRestarts" in code:  # stepping by (fractional) epoch is its documented use
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                sched.step(epoch)
        else:
            with pytest.warns(UserWarning, match="epoch parameter in `scheduler.step\\(\\)`"):
                sched.step(epoch)
        got.append([g["lr"] for g in opt.param_groups])
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("kwargs,metrics,expected", PLATEAU)
def test_reduce_on_plateau_matches_pytorch(kwargs, metrics, expected):
    opt = make_opt()
    sched = S.ReduceLROnPlateau(opt, **kwargs)
    got = []
    for metric in metrics:
        sched.step(fg.tensor(float(metric), dtype=fg.float64))
        got.append([g["lr"] for g in opt.param_groups])
        assert sched.get_last_lr() == got[-1]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("name", list(STATE_KEYS))
def test_state_dict_keys_are_pytorchs(name):
    opt = make_opt(SCHEDULES[name][1] if name in SCHEDULES else "sgd")
    sched = S.ReduceLROnPlateau(opt) if name == "plateau" else build(SCHEDULES[name][0], opt)
    assert sorted(sched.state_dict()) == STATE_KEYS[name]


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_state_dict_round_trip_resumes_the_sequence(name):
    """Half the steps, then the scheduler's and optimizer's state go into fresh ones that
    continue exactly where the originals would."""
    code, kind, expected = SCHEDULES[name]
    half = (len(expected) - 1) // 2
    opt = make_opt(kind)
    sched = build(code, opt)
    for _ in range(half):
        opt.step()
        sched.step()
    opt2 = make_opt(kind)
    sched2 = build(code, opt2)
    sched2.load_state_dict(sched.state_dict())
    opt2.load_state_dict(opt.state_dict())
    got = []
    for _ in range(half, len(expected) - 1):
        opt2.step()
        sched2.step()
        got.append(snapshot(opt2, kind))
    np.testing.assert_allclose(got, expected[half + 1 :], rtol=1e-12, atol=1e-15)


def test_lambda_state_keeps_callable_objects_attributes_only():
    class Decay:
        def __init__(self):
            self.rate = 0.5

        def __call__(self, epoch):
            return self.rate**epoch

    opt = make_opt()
    fn = Decay()
    sched = S.LambdaLR(opt, [fn, lambda e: 1.0])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [{"rate": 0.5}, None]
    other = Decay()
    other.rate = 0.1
    twin = S.LambdaLR(make_opt(), [other, lambda e: 1.0])
    twin.load_state_dict(state)
    assert other.rate == 0.5 and "lr_lambdas" in state
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        S.LambdaLR(opt, [fn])
    with pytest.raises(TypeError, match="lr_lambda should be a function"):
        S.MultiplicativeLR(opt, 0.5)


def test_warnings_for_misuse():
    opt = make_opt()
    sched = S.StepLR(opt, 2)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()
    with pytest.warns(UserWarning, match="use `get_last_lr\\(\\)`"):
        sched.get_lr()
    opt = make_opt()
    sched = S.StepLR(opt, 2)
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step()
        sched.step()


def test_bad_arguments_raise_like_pytorch():
    opt = make_opt()
    with pytest.raises(TypeError, match="is not an Optimizer"):
        S.StepLR(object(), 2)
    with pytest.raises(KeyError, match="initial_lr"):
        S.StepLR(make_opt(), 2, last_epoch=3)
    with pytest.raises(ValueError, match="between 0 and 1"):
        S.ConstantLR(opt, factor=2)
    with pytest.raises(ValueError, match="greater than 0"):
        S.LinearLR(opt, start_factor=0)
    with pytest.raises(ValueError, match="positive integer T_0"):
        S.CosineAnnealingWarmRestarts(opt, T_0=0)
    with pytest.raises(ValueError, match="T_mult >= 1"):
        S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=0)
    with pytest.raises(ValueError, match="non-negative epoch"):
        S.CosineAnnealingWarmRestarts(opt, T_0=2).step(-1)
    with pytest.raises(ValueError, match="mode is invalid"):
        S.CyclicLR(opt, 0.1, 1.0, mode="sawtooth")
    with pytest.raises(ValueError, match="must support momentum"):
        S.CyclicLR(optim.Adagrad([nn.Parameter(fg.zeros(1))]), 0.1, 1.0)
    with pytest.raises(ValueError, match="base_lr must have the same length"):
        S.CyclicLR(opt, [0.1], 1.0)
    with pytest.raises(ValueError, match="total_steps OR"):
        S.OneCycleLR(opt, 1.0)
    with pytest.raises(ValueError, match="pct_start"):
        S.OneCycleLR(opt, 1.0, total_steps=10, pct_start=1.5)
    with pytest.raises(ValueError, match="anneal_strategy"):
        S.OneCycleLR(opt, 1.0, total_steps=10, anneal_strategy="step")
    cycle = S.OneCycleLR(opt, 1.0, total_steps=2)
    opt.step()
    cycle.step()
    cycle.step()
    with pytest.raises(ValueError, match="Tried to step 3 times"):
        cycle.step()
    with pytest.raises(ValueError, match=r"Factor should be < 1\.0"):
        S.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode avg is unknown"):
        S.ReduceLROnPlateau(opt, mode="avg")
    with pytest.raises(ValueError, match="expected 2 min_lrs"):
        S.ReduceLROnPlateau(opt, min_lr=[0.1])
    plateau = S.ReduceLROnPlateau(opt)
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        S.ChainedScheduler([plateau])
    with pytest.raises(ValueError, match="same optimizer"):
        S.SequentialLR(opt, [S.StepLR(opt, 2), S.StepLR(make_opt(), 2)], milestones=[2])
    with pytest.raises(ValueError, match="one more than the number of milestone"):
        S.SequentialLR(opt, [S.StepLR(opt, 2)], milestones=[2])
    with pytest.raises(ValueError, match="at least one scheduler"):
        S.ChainedScheduler([])


def test_tensor_learning_rates_are_updated_in_place():
    p = nn.Parameter(fg.zeros(1))
    lr = fg.tensor(1.0, dtype=fg.float64)
    opt = optim.Adam([p], lr=lr)
    sched = S.ExponentialLR(opt, 0.5)
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] is lr and lr.item() == 0.5
    assert sched.get_last_lr()[0].item() == 0.5 and sched.get_last_lr()[0] is not lr


def test_warm_restarts_per_batch_fractions():
    """``step(epoch + i/iters)`` inside an epoch follows the cosine between restarts."""
    opt = make_opt()
    sched = S.CosineAnnealingWarmRestarts(opt, T_0=2, eta_min=0.0)
    for epoch in range(2):
        for i in range(4):
            sched.step(epoch + i / 4)
            t_cur = (epoch + i / 4) % 2
            assert opt.param_groups[0]["lr"] == pytest.approx(
                (1 + math.cos(math.pi * t_cur / 2)) / 2
            )


# -- optim.swa_utils ------------------------------------------------------------------------------

SWALR_SEQUENCES = [  # recorded from PyTorch 2.15 (groups start at lr 1.0 and 0.5)
    (
        {"swa_lr": 0.05, "anneal_epochs": 3},
        [[1.0, 0.5], [0.7625, 0.3875], [0.2875000000000001, 0.16250000000000006]]
        + [[0.05, 0.05]] * 4,
    ),
    (
        {"swa_lr": [0.05, 0.2], "anneal_epochs": 4, "anneal_strategy": "linear"},
        [[1.0, 0.5], [0.7625, 0.425], [0.525, 0.35], [0.2875, 0.275]] + [[0.05, 0.2]] * 3,
    ),
    ({"swa_lr": 0.05, "anneal_epochs": 0}, [[0.05, 0.05]] * 7),
]


@pytest.mark.parametrize("kwargs,expected", SWALR_SEQUENCES)
def test_swalr_matches_pytorch(kwargs, expected):
    opt = make_opt()
    sched = swa_utils.SWALR(opt, **kwargs)
    got = [[g["lr"] for g in opt.param_groups]]
    for _ in range(len(expected) - 1):
        opt.step()
        sched.step()
        got.append([g["lr"] for g in opt.param_groups])
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert sorted(sched.state_dict()) == [
        "_anneal_strategy",
        "_get_lr_called_within_step",
        "_is_initial",
        "_last_lr",
        "_step_count",
        "anneal_epochs",
        "base_lrs",
        "last_epoch",
    ]
    with pytest.raises(ValueError, match="anneal_strategy"):
        swa_utils.SWALR(opt, 0.1, anneal_strategy="step")
    with pytest.raises(ValueError, match="anneal_epochs"):
        swa_utils.SWALR(opt, 0.1, anneal_epochs=-1)


def weights_model(values):
    model = nn.Sequential(nn.Linear(2, 1), nn.BatchNorm1d(1))
    with fg.no_grad():
        model[0].weight.copy_(fg.tensor([values]))
        model[0].bias.fill_(values[0])
        model[1].running_mean.fill_(values[1])
    return model


def test_averaged_model_running_mean_ema_and_buffers():
    snapshots = [[1.0, 2.0], [3.0, -2.0], [5.0, 6.0]]
    source = weights_model(snapshots[0])
    swa = swa_utils.AveragedModel(source)
    assert swa.module is not source and "n_averaged" in dict(swa.named_buffers())
    for values in snapshots:
        swa.update_parameters(weights_model(values))
    assert swa.n_averaged.item() == 3 and swa.n_averaged.dtype == fg.int64
    assert swa.module[0].weight.tolist() == [[3.0, 2.0]]  # the mean of the three
    assert swa.module[1].running_mean.tolist() == [6.0]  # buffers copied, not averaged
    x = fg.tensor([[1.0, 1.0]])
    swa.eval()
    np.testing.assert_allclose(swa(x).detach().numpy(), swa.module(x).detach().numpy())

    for make in (
        lambda m: swa_utils.AveragedModel(m, avg_fn=swa_utils.get_ema_avg_fn(0.5)),
        lambda m: swa_utils.AveragedModel(m, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.5)),
    ):
        ema = make(source)
        for values in snapshots:
            ema.update_parameters(weights_model(values))
        # copy of the first, then (e + x)/2 twice: ((1 + 3)/2 + 5)/2 = 3.5, ((2 - 2)/2 + 6)/2 = 3
        assert ema.module[0].weight.tolist() == [[3.5, 3.0]]

    averaged_buffers = swa_utils.AveragedModel(
        source, multi_avg_fn=swa_utils.get_swa_multi_avg_fn(), use_buffers=True
    )
    for values in snapshots:
        averaged_buffers.update_parameters(weights_model(values))
    assert averaged_buffers.module[1].running_mean.tolist() == [2.0]
    assert averaged_buffers.module[0].weight.tolist() == [[3.0, 2.0]]
    with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):
        swa_utils.AveragedModel(
            source, avg_fn=swa_utils.get_swa_avg_fn(), multi_avg_fn=lambda *a: None
        )
    with pytest.raises(ValueError, match="Invalid decay value"):
        swa_utils.get_ema_avg_fn(1.5)


def test_update_bn_recomputes_statistics_as_a_plain_average():
    fg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2, momentum=0.3))
    batches = [fg.randn(4, 3) for _ in range(3)]
    with fg.no_grad():
        means = [model[0](b).mean(0) for b in batches]
    model.eval()
    swa_utils.update_bn([(b, 0) for b in batches], model)
    expected = (means[0] + means[1] + means[2]) / 3
    np.testing.assert_allclose(model[1].running_mean.numpy(), expected.numpy(), rtol=1e-5)
    assert model[1].momentum == 0.3 and not model.training
    swa_utils.update_bn(batches, nn.Linear(3, 2))  # no batch norm: nothing to do
