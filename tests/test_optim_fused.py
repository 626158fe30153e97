"""The fused optimizer updates (``_core.fused_adam``, ``fused_sgd``, ``fused_rmsprop``,
``fused_adagrad``): one call per parameter group and step, giving the same bits as the update
written with tensor operations (the path taken when the kernel declines), for every option
combination over 20 steps, in float32 and float64; version counters bumped; the tensor path
still taken for tensors the kernels do not take."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
from ferrograd import _core, optim

KERNELS = {
    optim.Adam: "fused_adam",
    optim.AdamW: "fused_adam",
    optim.SGD: "fused_sgd",
    optim.RMSprop: "fused_rmsprop",
    optim.Adagrad: "fused_adagrad",
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


def without_kernel(monkeypatch, name):
    """Makes the fused kernel decline, so that the update runs as tensor operations."""
    monkeypatch.setattr(_core, name, lambda *args, **kwargs: False)


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
    without_kernel(monkeypatch, KERNELS[opt_cls])
    plain_params, plain_state = train(opt_cls, options, dtype)
    for a, b in zip(fused_params, plain_params, strict=True):
        np.testing.assert_array_equal(a, b)
    assert fused_state.keys() == plain_state.keys()
    for key, value in fused_state.items():
        np.testing.assert_array_equal(value, plain_state[key], err_msg=str(key))


@pytest.mark.parametrize("opt_cls", list(KERNELS))
def test_one_kernel_call_per_group_and_step(monkeypatch, opt_cls):
    name = KERNELS[opt_cls]
    kernel, calls = getattr(_core, name), []

    def counting(params, *args, **kwargs):
        calls.append(len(params))
        done = kernel(params, *args, **kwargs)
        assert done
        return done

    monkeypatch.setattr(_core, name, counting)
    a, b = make_params(fg.float32), make_params(fg.float32, seed=1)
    options = {"momentum": 0.9} if opt_cls is optim.SGD else {}
    opt = opt_cls([{"params": a}, {"params": b, "lr": 1e-4}], lr=0.01, **options)
    for step in range(3):
        for p, g in zip(a + b, gradients(step, fg.float32) * 2, strict=True):
            p.grad = g
        opt.step()
    assert calls == [len(SHAPES)] * 6


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
    assert not _core.fused_sgd(
        [p],
        [p.grad],
        [],
        [False],
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
    assert not _core.fused_sgd(
        [view],
        [fg.ones(3, 2)],
        [],
        [False],
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
    assert not _core.fused_sgd(
        [p],
        [sparse],
        [],
        [False],
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
        _core.fused_adagrad(
            [p],
            [fg.zeros(3)],
            [[]],
            [1.0],
            lr=0.1,
            lr_decay=0.0,
            eps=1e-10,
            weight_decay=0.0,
            maximize=False,
        )
