"""The fused optimizer updates (``_core.fused_step`` with each optimizer's rule): one call per
parameter group and step, giving the same bits as the update written with tensor operations
(the path taken when the kernel declines), for every option combination over 20 steps, in
float32 and float64; version counters bumped; the tensor path still taken for tensors the
kernels do not take."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
from ferrograd import _core, optim

KERNELS = {
    optim.Adam: "adam",
    optim.AdamW: "adam",
    optim.SGD: "sgd",
    optim.RMSprop: "rmsprop",
    optim.Adagrad: "adagrad",
    optim.Adadelta: "adadelta",
    optim.Adamax: "adamax",
    optim.NAdam: "nadam",
    optim.RAdam: "radam",
    optim.ASGD: "asgd",
    optim.Rprop: "rprop",
}

SHAPES = [(3, 4), (5,), (), (1,)]


def option_grid(**choices):
    keys = list(choices)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*choices.values())]


CASES = (
    [
        (optim.Adam, dict(lr=0.01, **o))
        for o in option_grid(
            amsgrad=[False, True],
            maximize=[False, True],
            weight_decay=[0.0, 0.1],
            decoupled_weight_decay=[False, True],
        )
    ]
    + [
        (optim.AdamW, dict(lr=0.02, betas=(0.8, 0.95), eps=1e-6, **o))
        for o in option_grid(amsgrad=[False, True], maximize=[False, True])
    ]
    + [
        (optim.SGD, dict(lr=0.05, **o))
        for o in option_grid(
            momentum=[0.0, 0.9],
            dampening=[0.0, 0.3],
            weight_decay=[0.0, 0.01],
            maximize=[False, True],
        )
    ]
    + [
        (optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, **o))
        for o in option_grid(weight_decay=[0.0, 0.01], maximize=[False, True])
    ]
    + [
        (optim.RMSprop, dict(lr=0.01, **o))
        for o in option_grid(
            momentum=[0.0, 0.5],
            centered=[False, True],
            weight_decay=[0.0, 0.1],
            maximize=[False, True],
        )
    ]
    + [
        (optim.Adagrad, dict(lr=0.1, **o))
        for o in option_grid(
            lr_decay=[0.0, 0.01],
            weight_decay=[0.0, 0.1],
            initial_accumulator_value=[0.0, 0.5],
            maximize=[False, True],
        )
    ]
    + [
        (optim.Adadelta, dict(**o))
        for o in option_grid(
            lr=[1.0, 0.3], rho=[0.9, 0.5], weight_decay=[0.0, 0.1], maximize=[False, True]
        )
    ]
    + [
        (optim.Adamax, dict(lr=0.01, **o))
        for o in option_grid(
            betas=[(0.9, 0.999), (0.5, 0.8)], weight_decay=[0.0, 0.1], maximize=[False, True]
        )
    ]
    + [
        (optim.NAdam, dict(lr=0.01, **o))
        for o in option_grid(
            momentum_decay=[4e-3, 0.1],
            weight_decay=[0.0, 0.1],
            decoupled_weight_decay=[False, True],
            maximize=[False, True],
        )
    ]
    + [
        # betas (0.9, 0.9): the rectified step starts at step 6, so both branches run
        (optim.RAdam, dict(lr=0.01, **o))
        for o in option_grid(
            betas=[(0.9, 0.999), (0.9, 0.9)],
            weight_decay=[0.0, 0.1],
            decoupled_weight_decay=[False, True],
            maximize=[False, True],
        )
    ]
    + [
        # t0=5: the average moves from a copy to a running mean at step 6
        (optim.ASGD, dict(lr=0.05, **o))
        for o in option_grid(
            lambd=[1e-4, 0.1], t0=[1e6, 5], weight_decay=[0.0, 0.1], maximize=[False, True]
        )
    ]
    + [
        (optim.Rprop, dict(lr=0.01, **o))
        for o in option_grid(
            etas=[(0.5, 1.2), (0.3, 1.5)],
            step_sizes=[(1e-6, 50), (5e-3, 0.02)],
            maximize=[False, True],
        )
    ]
)


def make_params(dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [nn.Parameter(fg.tensor(rng.normal(size=s), dtype=dtype)) for s in SHAPES]


def gradients(step, dtype):
    rng = np.random.default_rng(100 + step)
    return [fg.tensor(rng.normal(size=s), dtype=dtype) for s in SHAPES]


def train(opt_cls, options, dtype, steps=20):
    """The parameters and optimizer state (as NumPy arrays) after ``steps`` steps; every
    fourth step leaves one parameter without a gradient (its state must not advance)."""
    params = make_params(dtype)
    opt = opt_cls(params, **options)
    for step in range(steps):
        for i, (p, g) in enumerate(zip(params, gradients(step, dtype), strict=True)):
            p.grad = None if (step % 4 == 3 and i == 1) else g
        opt.step()
    state = {
        (i, k): v.numpy().copy()
        for i, p in enumerate(params)
        for k, v in opt.state[p].items()
        if isinstance(v, fg.Tensor)
    }
    return [p.detach().numpy().copy() for p in params], state


def without_kernel(monkeypatch):
    """Makes the fused kernels decline, so that the update runs as tensor operations."""
    monkeypatch.setattr(_core, "fused_step", lambda *args, **kwargs: False)


@pytest.mark.parametrize("dtype", [fg.float32, fg.float64], ids=["float32", "float64"])
@pytest.mark.parametrize(
    ("opt_cls", "options"),
    CASES,
    ids=[f"{c.__name__}-{'-'.join(f'{k}={v}' for k, v in o.items())}" for c, o in CASES],
)
def test_fused_update_matches_the_tensor_operations_bit_for_bit(
    monkeypatch, opt_cls, options, dtype
):
    fused_params, fused_state = train(opt_cls, options, dtype)
    without_kernel(monkeypatch)
    plain_params, plain_state = train(opt_cls, options, dtype)
    for a, b in zip(fused_params, plain_params, strict=True):
        np.testing.assert_array_equal(a, b)
    assert fused_state.keys() == plain_state.keys()
    for key, value in fused_state.items():
        np.testing.assert_array_equal(value, plain_state[key], err_msg=str(key))


@pytest.mark.parametrize("opt_cls", list(KERNELS))
def test_one_kernel_call_per_group_and_step(monkeypatch, opt_cls):
    kernel, calls = _core.fused_step, []

    def counting(rule, params, *args, **kwargs):
        calls.append((rule, len(params)))
        done = kernel(rule, params, *args, **kwargs)
        assert done
        return done

    monkeypatch.setattr(_core, "fused_step", counting)
    a, b = make_params(fg.float32), make_params(fg.float32, seed=1)
    options = {"momentum": 0.9} if opt_cls is optim.SGD else {}
    opt = opt_cls([{"params": a}, {"params": b, "lr": 1e-4}], lr=0.01, **options)
    for step in range(3):
        for p, g in zip(a + b, gradients(step, fg.float32) * 2, strict=True):
            p.grad = g
        opt.step()
    assert calls == [(KERNELS[opt_cls], len(SHAPES))] * 6


def test_parameters_versions_are_bumped():
    p = nn.Parameter(fg.tensor([1.0, 2.0]))
    saved = p * 1.0
    y = p.detach()
    y_version = y._version
    opt = optim.Adam([p], lr=0.1)
    p.grad = fg.tensor([0.5, -0.5])
    opt.step()
    assert y._version > y_version
    assert opt.state[p]["exp_avg"]._version > 0
    # a graph that saved the old value refuses the modified one
    z = (saved * p).sum()
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward()


def test_tensors_the_kernels_do_not_take_use_tensor_operations():
    # float16 parameters, a gradient that requires grad, a non-contiguous parameter view:
    # the kernel declines and the update still happens, as tensor operations
    half = nn.Parameter(fg.tensor([1.0, -1.0], dtype=fg.float16))
    half.grad = fg.tensor([0.5, 0.5], dtype=fg.float16)
    optim.SGD([half], lr=0.5).step()
    assert half.detach().float().tolist() == [0.75, -1.25]

    p = nn.Parameter(fg.tensor([1.0, 2.0]))
    p.grad = fg.tensor([1.0, 1.0], requires_grad=True)
    assert not _core.fused_step(
        "sgd",
        [p],
        [p.grad],
        [],
        first=[False],
        lr=0.1,
        momentum=0.0,
        dampening=0.0,
        weight_decay=0.0,
        nesterov=False,
        maximize=False,
    )
    optim.SGD([p], lr=0.5).step()
    assert p.detach().tolist() == [0.5, 1.5]

    base = fg.zeros(2, 3)
    view = base.t()
    assert not _core.fused_step(
        "sgd",
        [view],
        [fg.ones(3, 2)],
        [],
        first=[False],
        lr=0.1,
        momentum=0.0,
        dampening=0.0,
        weight_decay=0.0,
        nesterov=False,
        maximize=False,
    )


def test_sparse_gradients_decline_the_kernel():
    p = nn.Parameter(fg.zeros(3))
    sparse = fg.tensor([0.0, 2.0, 0.0]).to_sparse()
    assert not _core.fused_step(
        "sgd",
        [p],
        [sparse],
        [],
        first=[False],
        lr=0.1,
        momentum=0.0,
        dampening=0.0,
        weight_decay=0.0,
        nesterov=False,
        maximize=False,
    )


def test_mismatched_lists_are_a_value_error():
    p = nn.Parameter(fg.zeros(3))
    with pytest.raises(ValueError, match="one entry per parameter"):
        _core.fused_step(
            "adagrad",
            [p],
            [fg.zeros(3)],
            [[]],
            step=[1.0],
            lr=0.1,
            lr_decay=0.0,
            eps=1e-10,
            weight_decay=0.0,
            maximize=False,
        )


# float32 parameters after `steps` steps on test_optim_more's problem, recorded with PyTorch
# 2.15 (foreach=False): (optimizer, options, steps, w (row-major) then b).
FLOAT32_REFERENCE = [
    ("Adadelta", {"lr": 0.5, "rho": 0.5, "weight_decay": 0.1, "maximize": True}, 3,
     [0.9975779056549072, -1.9975770711898804, 0.49757707118988037, 0.3024229109287262,
      -0.6975778937339783, 1.4975779056549072, 0.2024226188659668, -0.09757755696773529]),
    ("Adamax", {"lr": 0.1, "betas": (0.5, 0.9), "weight_decay": 0.1}, 3,
     [0.7077342867851257, -1.6943610906600952, 0.19448861479759216, 0.6070941090583801,
      -0.40736013650894165, 1.2113606929779053, 0.508198618888855, 0.2024247944355011]),
    ("NAdam",
     {"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True, "momentum_decay": 0.1},
     3,
     [0.737385630607605, -1.6929219961166382, 0.2362251877784729, 0.5390952229499817,
      -0.4442882835865021, 1.225817322731018, 0.4387674629688263, 0.14475670456886292]),
    ("RAdam",
     {"lr": 0.1, "betas": (0.9, 0.9), "weight_decay": 0.1, "decoupled_weight_decay": True}, 8,
     [0.38079023361206055, 1.1917349100112915, -0.3232914209365845, 1.9103325605392456,
      -0.05261998996138573, 0.6991391181945801, 0.8151524066925049, 0.6416717171669006]),
    ("ASGD", {"lr": 0.1, "lambd": 0.01, "alpha": 0.5, "t0": 1, "weight_decay": 0.1}, 4,
     [0.6090291142463684, 0.19318632781505585, -0.07076594978570938, 1.4716700315475464,
      -0.27948299050331116, 0.9471771121025085, 0.6203489899635315, 0.39955273270606995]),
    ("Rprop", {"lr": 0.3, "etas": (0.3, 1.5), "step_sizes": (0.01, 0.5), "maximize": True}, 4,
     [0.38499999046325684, -0.25, -1.25, 2.0500001907348633, -0.08499996364116669,
      0.8849999904632568, 1.4500000476837158, 1.1500000953674316]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "options", "steps", "expected"),
    FLOAT32_REFERENCE,
    ids=[name for name, *_ in FLOAT32_REFERENCE],
)
def test_fused_float32_steps_match_pytorch(monkeypatch, name, options, steps, expected):
    from test_optim_more import B0, TARGET, W0, WEIGHTS

    def loss(w, b):
        target, weights = fg.tensor(TARGET), fg.tensor(WEIGHTS)
        value = ((w - target) ** 2 * weights).sum() + 0.05 * (w**4).sum()
        return value + ((b - 1) ** 2).sum() + (w.sum(1) * b).sum() * 0.3

    rules = []
    kernel = _core.fused_step
    monkeypatch.setattr(
        _core, "fused_step", lambda rule, *a, **k: rules.append(rule) or kernel(rule, *a, **k)
    )
    w = nn.Parameter(fg.tensor(W0, dtype=fg.float32))
    b = nn.Parameter(fg.tensor(B0, dtype=fg.float32))
    opt = getattr(optim, name)([w, b], **options)
    sign = -1.0 if options.get("maximize") else 1.0
    for _ in range(steps):
        opt.zero_grad()
        (sign * loss(w, b)).backward()
        opt.step()
    assert rules == [name.lower()] * steps
    got = w.detach().numpy().ravel().tolist() + b.detach().numpy().tolist()
    np.testing.assert_allclose(got, expected, rtol=2e-6, atol=2e-7)


def test_missing_hyperparameters_and_unknown_rules_raise():
    p = nn.Parameter(fg.zeros(3))
    with pytest.raises(TypeError, match="missing keyword argument 'rho'"):
        _core.fused_step("adadelta", [p], [fg.zeros(3)], [[fg.zeros(3)], [fg.zeros(3)]], lr=1.0)
    with pytest.raises(ValueError, match="unknown optimizer rule 'adamw2'"):
        _core.fused_step("adamw2", [p], [fg.zeros(3)], [])
