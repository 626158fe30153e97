"""The optimizers against PyTorch's own first steps, and the ``Optimizer`` machinery they share
(``maximize``, ``state_dict`` in PyTorch's layout, parameter groups, step hooks, argument checks).

Each case of ``REFERENCE`` (bottom of the file) was run once with PyTorch 2.15 on the problem
``loss`` defines (float64 parameters ``w`` (2×3) and ``b`` (2,)); the recorded numbers are the
parameters, flattened, after each step (10 significant digits). The tests do not import torch.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import ferrograd as fg
from ferrograd import nn, optim
from reference_optim_steps import REFERENCE

W0 = [[1.0, -2.0, 0.5], [0.3, -0.7, 1.5]]
B0 = [0.2, -0.1]
TARGET = [[0.5, 0.5, -1.0], [2.0, 0.0, 1.0]]
WEIGHTS = [[1.0, 2.0, 0.5], [1.5, 1.0, 3.0]]
# SparseAdam's problem: only the masked entries of ``w`` get a nonzero gradient at step k.
MASKS = [[[1, 0, 1], [0, 1, 0]], [[0, 0, 1], [1, 1, 0]], [[1, 1, 1], [0, 0, 0]]]


def f64(values):
    return fg.tensor(values, dtype=fg.float64)


def loss(w, b, k, sparse=False):
    t = f64(TARGET)
    if sparse:
        return ((w - t) ** 2 * f64(MASKS[k % 3])).sum() + 0.0 * b.sum()
    value = ((w - t) ** 2 * f64(WEIGHTS)).sum() + 0.05 * (w**4).sum()
    return value + ((b - 1) ** 2).sum() + (w.sum(1) * b).sum() * 0.3


def trajectory(name, kwargs, steps):
    """The parameters (flattened) after each of ``steps`` steps of ``optim.<name>``."""
    w, b = nn.Parameter(f64(W0)), nn.Parameter(f64(B0))
    opt = getattr(optim, name)([w, b], **kwargs)
    sign = -1.0 if kwargs.get("maximize") else 1.0
    out = []
    for k in range(steps):

        def closure(k=k):
            opt.zero_grad()
            value = sign * loss(w, b, k, sparse=name == "SparseAdam")
            value.backward()
            return value

        if name == "LBFGS":
            opt.step(closure)
        else:
            closure()
            opt.step()
        out.append(w.detach().numpy().ravel().tolist() + b.detach().numpy().tolist())
    return out


@pytest.mark.parametrize(
    "name,kwargs,expected", REFERENCE, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(REFERENCE)]
)
def test_first_steps_match_pytorch(name, kwargs, expected):
    got = trajectory(name, kwargs, len(expected))
    np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-9)


ALL = [
    "SGD",
    "Adam",
    "AdamW",
    "Adagrad",
    "RMSprop",
    "Adadelta",
    "Adamax",
    "NAdam",
    "RAdam",
    "ASGD",
    "Rprop",
    "LBFGS",
    "SparseAdam",
    "Adafactor",
]
# A configuration of each that uses most of its options (and moves the parameters every step).
BUSY = {
    "SGD": dict(lr=0.05, momentum=0.9, weight_decay=0.01),
    "Adam": dict(lr=0.1, amsgrad=True, weight_decay=0.1),
    "AdamW": dict(lr=0.1),
    "Adagrad": dict(lr=0.1, lr_decay=0.01),
    "RMSprop": dict(lr=0.01, centered=True, momentum=0.5),
    "Adadelta": dict(weight_decay=0.1),
    "Adamax": dict(lr=0.1),
    "NAdam": dict(lr=0.1),
    "RAdam": dict(lr=0.1, betas=(0.9, 0.9)),
    "ASGD": dict(lr=0.1, t0=1),
    "Rprop": dict(lr=0.1),
    "LBFGS": dict(max_iter=3, history_size=2, line_search_fn="strong_wolfe"),
    "SparseAdam": dict(lr=0.1),
    "Adafactor": dict(lr=0.1, weight_decay=0.1),
}


@pytest.mark.parametrize("name", ALL)
def test_maximize_climbs_what_minimize_descends(name):
    """``maximize=True`` on ``-loss`` takes exactly the steps plain descent takes on ``loss``."""
    descent = trajectory(name, BUSY[name], 7 if name == "RAdam" else 3)
    ascent = trajectory(name, {**BUSY[name], "maximize": True}, len(descent))
    np.testing.assert_allclose(ascent, descent, rtol=1e-12, atol=1e-12)
    assert not np.allclose(descent[-1], np.concatenate([np.ravel(W0), B0]))


@pytest.mark.parametrize("name", ALL)
def test_performance_flags_are_accepted_and_change_nothing(name):
    """``foreach``, ``fused``, ``capturable`` and ``differentiable`` exist where PyTorch's
    constructor has them; the update is the same one."""
    import inspect

    accepted = inspect.signature(getattr(optim, name)).parameters
    flags = {"foreach": False, "fused": True, "capturable": True, "differentiable": False}
    extra = {k: v for k, v in flags.items() if k in accepted}
    expected = {
        "SGD": {"foreach", "fused", "differentiable"},
        "Adam": set(flags),
        "AdamW": set(flags),
        "Adagrad": {"foreach", "fused", "differentiable"},
        "LBFGS": set(),
        "SparseAdam": set(),
        "Adafactor": {"foreach"},
    }.get(name, {"foreach", "capturable", "differentiable"})
    assert set(extra) == expected
    np.testing.assert_array_equal(
        trajectory(name, {**BUSY[name], **extra}, 2), trajectory(name, BUSY[name], 2)
    )


def test_fused_conflicts_raise_as_in_pytorch():
    p = [nn.Parameter(f64([1.0]))]
    for cls in (optim.SGD, optim.Adam, optim.AdamW, optim.Adagrad):
        with pytest.raises(RuntimeError, match="`fused` and `foreach` cannot be `True` together"):
            cls(p, lr=0.1, fused=True, foreach=True)
        with pytest.raises(RuntimeError, match="`fused` does not support `differentiable`"):
            cls(p, lr=0.1, fused=True, differentiable=True)


PYTORCH_DEFAULTS = {
    "SGD": {
        "lr": 0.001,
        "momentum": 0,
        "dampening": 0,
        "weight_decay": 0,
        "nesterov": False,
        "maximize": False,
        "foreach": None,
        "differentiable": False,
        "fused": None,
    },
    "Adam": {
        "lr": 0.001,
        "betas": (0.9, 0.999),
        "eps": 1e-08,
        "weight_decay": 0,
        "amsgrad": False,
        "maximize": False,
        "foreach": None,
        "capturable": False,
        "differentiable": False,
        "fused": None,
        "decoupled_weight_decay": False,
    },
    "AdamW": {
        "lr": 0.001,
        "betas": (0.9, 0.999),
        "eps": 1e-08,
        "weight_decay": 0.01,
        "amsgrad": False,
        "maximize": False,
        "foreach": None,
        "capturable": False,
        "differentiable": False,
        "fused": None,
        "decoupled_weight_decay": True,
    },
    "Adagrad": {
        "lr": 0.01,
        "lr_decay": 0,
        "eps": 1e-10,
        "weight_decay": 0,
        "initial_accumulator_value": 0,
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "fused": None,
    },
    "RMSprop": {
        "lr": 0.01,
        "momentum": 0,
        "alpha": 0.99,
        "eps": 1e-08,
        "centered": False,
        "weight_decay": 0,
        "capturable": False,
        "foreach": None,
        "maximize": False,
        "differentiable": False,
    },
    "Adadelta": {
        "lr": 1.0,
        "rho": 0.9,
        "eps": 1e-06,
        "weight_decay": 0,
        "maximize": False,
        "capturable": False,
        "foreach": None,
        "differentiable": False,
    },
    "Adamax": {
        "lr": 0.002,
        "betas": (0.9, 0.999),
        "eps": 1e-08,
        "weight_decay": 0,
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "capturable": False,
    },
    "NAdam": {
        "lr": 0.002,
        "betas": (0.9, 0.999),
        "eps": 1e-08,
        "weight_decay": 0,
        "momentum_decay": 0.004,
        "decoupled_weight_decay": False,
        "maximize": False,
        "foreach": None,
        "capturable": False,
        "differentiable": False,
    },
    "RAdam": {
        "lr": 0.001,
        "betas": (0.9, 0.999),
        "eps": 1e-08,
        "weight_decay": 0,
        "maximize": False,
        "foreach": None,
        "capturable": False,
        "decoupled_weight_decay": False,
        "differentiable": False,
    },
    "ASGD": {
        "lr": 0.01,
        "lambd": 0.0001,
        "alpha": 0.75,
        "t0": 1000000.0,
        "weight_decay": 0,
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "capturable": False,
    },
    "Rprop": {
        "lr": 0.01,
        "etas": (0.5, 1.2),
        "step_sizes": (1e-06, 50),
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "capturable": False,
    },
    "LBFGS": {
        "lr": 1,
        "max_iter": 20,
        "max_eval": 25,
        "tolerance_grad": 1e-07,
        "tolerance_change": 1e-09,
        "history_size": 100,
        "line_search_fn": None,
        "maximize": False,
    },
    "SparseAdam": {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-08, "maximize": False},
    "Adafactor": {
        "lr": 0.01,
        "beta2_decay": -0.8,
        "eps": (None, 0.001),
        "d": 1.0,
        "weight_decay": 0.0,
        "foreach": None,
        "maximize": False,
    },
}
# The state each keeps per parameter after one step (with BUSY's options), as PyTorch names it.
PYTORCH_STATE_KEYS = {
    "SGD": ["momentum_buffer"],
    "Adam": ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
    "AdamW": ["step", "exp_avg", "exp_avg_sq"],
    "Adagrad": ["step", "sum"],
    "RMSprop": ["step", "square_avg", "momentum_buffer", "grad_avg"],
    "Adadelta": ["step", "square_avg", "acc_delta"],
    "Adamax": ["step", "exp_avg", "exp_inf"],
    "NAdam": ["step", "mu_product", "exp_avg", "exp_avg_sq"],
    "RAdam": ["step", "exp_avg", "exp_avg_sq"],
    "ASGD": ["step", "eta", "mu", "ax"],
    "Rprop": ["step", "prev", "step_size"],
    "LBFGS": [
        "func_evals",
        "n_iter",
        "al",
        "d",
        "t",
        "old_dirs",
        "old_stps",
        "ro",
        "H_diag",
        "prev_flat_grad",
        "prev_loss",
    ],
    "SparseAdam": ["step", "exp_avg", "exp_avg_sq"],
    "Adafactor": ["step", "row_var", "col_var"],
}


def stepped(name, kwargs, steps=1):
    w, b = nn.Parameter(f64(W0)), nn.Parameter(f64(B0))
    opt = getattr(optim, name)([w, b], **kwargs)
    for k in range(steps):

        def closure(k=k):
            opt.zero_grad()
            value = loss(w, b, k, sparse=name == "SparseAdam")
            value.backward()
            return value

        opt.step(closure)
    return opt, (w, b)


@pytest.mark.parametrize("name", ALL)
def test_state_dict_layout_is_pytorchs(name):
    opt, _ = stepped(name, {}, 0)
    groups = opt.state_dict()["param_groups"]
    assert len(groups) == 1 and groups[0]["params"] == [0, 1]
    assert {k: v for k, v in groups[0].items() if k != "params"} == PYTORCH_DEFAULTS[name]
    opt, _ = stepped(name, BUSY[name], 1)
    state = opt.state_dict()["state"]
    assert sorted(state) == ([0] if name == "LBFGS" else [0, 1])
    assert set(state[0]) == set(PYTORCH_STATE_KEYS[name])
    step = state[0].get("step")
    if name == "SparseAdam":
        assert step == 1 and isinstance(step, int)
    elif step is not None:
        assert isinstance(step, fg.Tensor) and step.dtype == fg.float32 and step.shape == ()
        assert step.item() == 1.0


@pytest.mark.parametrize("name", ALL)
def test_state_dict_round_trip_continues_identically(name, tmp_path):
    """Two steps, then the state goes through ``state_dict`` (and a file) into a fresh
    optimizer over copies of the parameters: the next steps agree exactly."""
    steps = 4 if name == "RAdam" else 2
    opt, (w, b) = stepped(name, BUSY[name], steps)
    w2, b2 = nn.Parameter(w.detach().clone()), nn.Parameter(b.detach().clone())
    twin = getattr(optim, name)([w2, b2], **{**BUSY[name], "lr": 0.5})
    saved = opt.state_dict()
    fg.save(saved, tmp_path / "opt.safetensors")
    saved = fg.load(tmp_path / "opt.safetensors")
    twin.load_state_dict(saved)
    assert twin.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    assert twin.param_groups[0]["params"][0] is w2
    for o, params in ((opt, (w, b)), (twin, (w2, b2))):
        for k in range(steps, steps + 2):

            def closure(o=o, params=params, k=k):
                o.zero_grad()
                value = loss(*params, k, sparse=name == "SparseAdam")
                value.backward()
                return value

            o.step(closure)
    # NAdam's mu_product and ASGD's eta are float32 scalars that loading casts to the
    # parameter's dtype, as PyTorch's load_state_dict does: later steps round differently.
    rtol = 1e-7 if name in ("NAdam", "ASGD") else 0
    np.testing.assert_allclose(w.detach().numpy(), w2.detach().numpy(), rtol=rtol, atol=0)
    np.testing.assert_allclose(b.detach().numpy(), b2.detach().numpy(), rtol=rtol, atol=0)
    # the loaded state is a copy, cast to each parameter's dtype
    some = next(v for v in twin.state[w2].values() if isinstance(v, fg.Tensor) and v.ndim)
    assert some.dtype == fg.float64 and some is not saved["state"][0].get("exp_avg")


def test_loading_a_plain_number_step_and_float32_state_into_float64_params():
    """Checkpoints from older PyTorch keep ``step`` as a number; state is cast to the
    parameter's dtype."""
    _, (w, b) = stepped("Adam", dict(lr=0.1), 0)
    ref, (rw, rb) = stepped("Adam", dict(lr=0.1), 2)
    opt = optim.Adam([w, b], lr=0.1)
    saved = ref.state_dict()
    old_style = {
        "param_groups": saved["param_groups"],
        "state": {
            i: {
                "step": int(s["step"].item()),
                "exp_avg": s["exp_avg"].float(),
                "exp_avg_sq": s["exp_avg_sq"],
            }
            for i, s in saved["state"].items()
        },
    }
    opt.load_state_dict(old_style)
    assert opt.state[w]["exp_avg"].dtype == fg.float64
    w.data.copy_(rw.detach())
    b.data.copy_(rb.detach())
    for o, (p, q) in ((ref, (rw, rb)), (opt, (w, b))):
        o.zero_grad()
        loss(p, q, 2).backward()
        o.step()
    np.testing.assert_allclose(w.detach().numpy(), rw.detach().numpy(), rtol=1e-6)
    assert isinstance(opt.state[w]["step"], fg.Tensor) and opt.state[w]["step"].item() == 3


def test_param_groups_named_parameters_and_add_param_group():
    model = nn.Linear(3, 2)
    opt = optim.SGD(model.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]
    with pytest.raises(ValueError, match="with/without names"):
        opt.add_param_group({"params": [nn.Parameter(f64([1.0]))]})
    a, b, c = (nn.Parameter(f64([v])) for v in (1.0, 2.0, 3.0))
    opt = optim.Adam([a], lr=0.1, betas=(0.5, 0.6))
    opt.add_param_group({"params": b, "lr": 0.2})
    assert opt.param_groups[1]["params"] == [b] and opt.param_groups[1]["lr"] == 0.2
    assert opt.param_groups[1]["betas"] == (0.5, 0.6)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(TypeError, match="ordered collections"):
        opt.add_param_group({"params": {c}})
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([c])
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        opt.add_param_group({"params": [1.0]})
    with pytest.raises(ValueError, match="non-leaf"):
        opt.add_param_group({"params": [c * 2]})
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([c, c], lr=0.1)
    with pytest.raises(ValueError, match="required optimization parameter lr"):
        optim.SGD([{"params": [c]}], lr=optim.optimizer.required)
    opt = optim.SGD([{"params": [c], "lr": 0.5}], lr=optim.optimizer.required)
    assert opt.param_groups[0]["lr"] == 0.5
    assert "<required parameter>" in repr(optim.optimizer.required)
    with pytest.raises(TypeError, match="iterable of Tensors"):
        optim.SGD(c, lr=0.1)
    # a state dict from a different layout is refused
    two = optim.Adam([a, b])
    with pytest.raises(ValueError, match="different number of parameter groups"):
        two.load_state_dict(optim.Adam([{"params": [a]}, {"params": [b]}]).state_dict())


def test_zero_grad_to_none_or_zeros():
    a = nn.Parameter(f64([1.0, 2.0]))
    opt = optim.SGD([a], lr=0.1)
    (a * a).sum().backward()
    grad = a.grad
    opt.zero_grad(set_to_none=False)
    assert a.grad is not None and a.grad.tolist() == [0.0, 0.0] and grad.tolist() == [0.0, 0.0]
    opt.step()  # a zero gradient still steps (SGD leaves the value)
    assert a.tolist() == [1.0, 2.0]
    opt.zero_grad()
    assert a.grad is None


def test_step_hooks_state_dict_hooks_and_their_removal():
    a = nn.Parameter(f64([1.0]))
    opt = optim.SGD([a], lr=0.1)
    calls = []

    def pre(o, args, kwargs):
        calls.append(("pre", args, dict(kwargs)))

    def post(o, args, kwargs):
        calls.append(("post", o is opt))

    h1, h2 = opt.register_step_pre_hook(pre), opt.register_step_post_hook(post)
    g1 = optim.optimizer.register_optimizer_step_pre_hook(lambda o, a_, k: calls.append("global"))
    a.grad = f64([1.0])
    opt.step()
    assert calls == ["global", ("pre", (), {}), ("post", True)]
    h1.remove()
    h2.remove()
    g1.remove()
    calls.clear()
    opt.step()
    assert calls == [] and a.item() == pytest.approx(0.8)

    # a pre-hook may replace the arguments: here it supplies a closure
    def closure():
        return fg.tensor(7.0)

    with opt.register_step_pre_hook(lambda o, args, kwargs: ((closure,), {})):
        assert opt.step().item() == 7.0
    assert opt.step() is None
    with (
        opt.register_step_pre_hook(lambda o, args, kwargs: "wrong"),
        pytest.raises(RuntimeError, match="must return None or a tuple"),
    ):
        opt.step()

    # a subclass whose step calls its parent's runs the hooks once
    class Logged(optim.SGD):
        def step(self, closure=None):
            return super().step(closure)

    logged = Logged([a], lr=0.1)
    logged.register_step_post_hook(lambda o, args, kwargs: calls.append("once"))
    logged.step()
    assert calls == ["once"]

    seen = []
    opt.register_state_dict_pre_hook(lambda o: seen.append("sd-pre"))
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
    assert opt.state_dict()["extra"] == 1 and seen == ["sd-pre"]
    opt.register_load_state_dict_pre_hook(lambda o, sd: seen.append("load-pre"))
    opt.register_load_state_dict_post_hook(lambda o: seen.append("load-post"), prepend=True)
    opt.load_state_dict(opt.state_dict())
    assert seen == ["sd-pre", "sd-pre", "load-pre", "load-post"]


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda p: optim.Adadelta(p, rho=1.5), "Invalid rho value: 1.5"),
        (lambda p: optim.Adadelta(p, lr=-1), "Invalid learning rate: -1"),
        (lambda p: optim.Adamax(p, betas=(0.9, 1.0)), "Invalid beta parameter at index 1"),
        (lambda p: optim.NAdam(p, momentum_decay=-1), "Invalid momentum_decay value"),
        (lambda p: optim.RAdam(p, eps=-1), "Invalid epsilon value"),
        (lambda p: optim.ASGD(p, lambd=-1), "Invalid lambd value"),
        (lambda p: optim.ASGD(p, alpha=-1), "Invalid alpha value"),
        (lambda p: optim.Rprop(p, etas=(1.1, 1.2)), "Invalid eta values: 1.1, 1.2"),
        (lambda p: optim.SparseAdam(p, betas=(-0.1, 0.9)), "Invalid beta parameter at index 0"),
        (lambda p: optim.Adagrad(p, lr_decay=-1), "Invalid lr_decay value"),
        (lambda p: optim.RMSprop(p, alpha=-1), "Invalid alpha value"),
        (lambda p: optim.SGD(p, momentum=-1), "Invalid momentum value"),
        (lambda p: optim.Adam(p, weight_decay=-1), "Invalid weight_decay value"),
        (lambda p: optim.LBFGS(p, lr=-1), "Invalid learning rate"),
        (lambda p: optim.Adafactor(p, d=0.5), "Clipping threshold d should be >= 1"),
        (lambda p: optim.Adafactor(p, beta2_decay=0.5), "beta2_decay should be <= 0"),
        (lambda p: optim.Adam(p, lr=fg.tensor([0.1, 0.2])), "Tensor lr must be 1-element"),
    ],
)
def test_bad_hyperparameters_raise_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make([nn.Parameter(f64([1.0]))])


def test_tensor_learning_rate_is_used_as_its_value():
    np.testing.assert_array_equal(
        trajectory("Adam", dict(lr=f64(0.1)), 2), trajectory("Adam", dict(lr=0.1), 2)
    )


def test_lbfgs_requirements_and_convergence():
    a, b = nn.Parameter(f64([1.0])), nn.Parameter(f64([2.0]))
    with pytest.raises(ValueError, match="parameter groups"):
        optim.LBFGS([{"params": [a]}, {"params": [b]}])
    opt = optim.LBFGS([a, b], line_search_fn="strong_wolfe")
    with pytest.raises(TypeError, match="closure"):
        opt.step()
    with pytest.raises(RuntimeError, match="requires a closure"):
        opt.step(None)
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        optim.LBFGS([a], line_search_fn="armijo").step(lambda: fg.tensor(0.0))
    # The Rosenbrock function from (1, 2): PyTorch's strong-Wolfe L-BFGS stops its first step
    # after 24 evaluations at the point below; each later step then stops at once (the loss no
    # longer changes) after one evaluation.
    calls = []

    def rosenbrock():
        opt.zero_grad()
        value = ((1 - a) ** 2 + 100 * (b - a**2) ** 2).sum()
        value.backward()
        calls.append(1)
        return value

    assert opt.step(rosenbrock).item() == 100.0
    assert len(calls) == 24
    assert a.item() == pytest.approx(1.0000015300426874, rel=1e-12)
    assert b.item() == pytest.approx(1.0000031454702019, rel=1e-12)
    for _ in range(10):
        opt.step(rosenbrock)
    assert len(calls) == 34 and a.item() == pytest.approx(1.0000015300426874, rel=1e-12)
    assert opt.state[a]["func_evals"] == 34 and opt.state[a]["n_iter"] == 29
    # a parameter that gets no gradient counts as zero
    c = nn.Parameter(f64([5.0]))
    lone = optim.LBFGS([a, c])

    def only_a():
        lone.zero_grad()
        value = ((a - 3) ** 2).sum()
        value.backward()
        return value

    lone.step(only_a)
    assert c.item() == 5.0 and a.item() != 1.0


def test_sparse_adam_leaves_entries_without_gradient_alone():
    p = nn.Parameter(f64([1.0, 2.0, 3.0]))
    opt = optim.SparseAdam([p], lr=0.1)
    p.grad = f64([0.5, 0.0, -1.0])
    opt.step()
    assert p.tolist()[1] == 2.0 and opt.state[p]["exp_avg"].tolist()[1] == 0.0
    assert p.tolist()[0] == pytest.approx(0.9) and p.tolist()[2] == pytest.approx(3.1)


def test_every_optimizer_trains_a_small_model():
    """A smoke test of the whole loop on float32 modules: every optimizer lowers the loss."""
    fg.manual_seed(0)
    x = fg.randn(32, 4)
    y = x @ fg.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.1
    for name in ALL:
        model = nn.Linear(4, 1)
        kwargs = {"lr": 0.05} if name not in ("LBFGS", "Adadelta", "Rprop") else {}
        opt = getattr(optim, name)(model.parameters(), **kwargs)

        def closure(model=model, opt=opt):
            opt.zero_grad()
            value = ((model(x) - y) ** 2).mean()
            value.backward()
            return value

        with warnings.catch_warnings():
            warnings.simplefilter("error")
            start = closure().item()
            for _ in range(20):
                opt.step(closure)
        assert closure().item() < start, name
        assert all(math.isfinite(v) for v in model.weight.detach().numpy().ravel()), name
