"""The ``__torch_function__`` protocol (``ferrograd.overrides``): objects and Tensor subclasses
that take over the public functions and methods they are passed to, and modes that see every
call, as ``torch.overrides`` defines them."""

from __future__ import annotations

import typing

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn.functional as F
from ferrograd import overrides


class Logged:
    """Not a tensor: records the calls it takes over and answers with a marker."""

    def __init__(self):
        self.calls = []

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        values = [*args, *(kwargs or {}).values()]
        values += [item for v in values if isinstance(v, list) for item in v]
        found = [v for v in values if isinstance(v, Logged)]
        found[0].calls.append((overrides.resolve_name(func), types))
        return "handled"


def test_an_object_with_torch_function_takes_over_functions():
    duck, t = Logged(), fg.ones(2)
    assert fg.add(t, duck) == "handled"
    assert F.linear(duck, fg.ones(2, 2)) == "handled"
    assert fg.cat([t, duck]) == "handled"  # found inside the list
    assert F.cross_entropy(t, target=duck) == "handled"  # and among keyword arguments
    names = [name for name, _ in duck.calls]
    assert names == [
        "ferrograd.add",
        "ferrograd.nn.functional.linear",
        "ferrograd.cat",
        "ferrograd.nn.functional.cross_entropy",
    ]
    assert all(types == (Logged,) for _, types in duck.calls)


def test_plain_lists_and_tuples_among_star_args_take_the_fast_path(monkeypatch):
    # cat and layer_norm are decorated (``*args``): a tuple of ints or a list of plain tensors
    # there must not send every call through the dispatcher (one per LayerNorm call before)
    def no_dispatch(*args, **kwargs):
        raise AssertionError("the slow path was taken")

    x = fg.ones(2, 3)
    monkeypatch.setattr(overrides, "_dispatch", no_dispatch)
    assert F.layer_norm(x, (3,), fg.ones(3), fg.zeros(3)).shape == (2, 3)
    assert fg.cat([x, x], dim=1).shape == (2, 6)
    assert fg.cat((x, x)).shape == (4, 3)
    with pytest.raises(AssertionError, match="slow path"):
        fg.cat([x, Logged()])


def test_handlers_returning_notimplemented_raise_typeerror():
    class Declines:
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return NotImplemented

    with pytest.raises(TypeError, match=r"Multiple dispatch failed for 'ferrograd\.add'"):
        fg.add(fg.ones(1), Declines())


def test_protocol_helpers():
    duck = Logged()
    assert overrides.has_torch_function((fg.ones(1), duck))
    assert not overrides.has_torch_function((fg.ones(1), 2, [fg.ones(1)]))
    assert overrides.has_torch_function_unary(duck)
    assert overrides.has_torch_function_variadic(1, duck)
    assert overrides.is_tensor_like(duck) and overrides.is_tensor_like(fg.ones(1))
    assert not overrides.is_tensor_like(3)
    assert overrides.handle_torch_function(fg.exp, (duck,), duck) == "handled"
    functions = overrides.get_overridable_functions()
    assert fg.add in functions["ferrograd"]
    assert F.linear in functions["ferrograd.nn.functional"]
    assert overrides.resolve_name(F.conv2d) == "ferrograd.nn.functional.conv2d"
    # functions that configure rather than compute are left as they are
    assert fg.manual_seed.__module__ == "ferrograd._creation"
    assert not hasattr(fg.manual_seed, "__wrapped__")


def test_wrapped_functions_keep_their_signatures_and_behaviour():
    import inspect

    assert str(inspect.signature(F.linear)) == "(input, weight, bias=None)"
    assert F.linear.__wrapped__.__name__ == "linear"
    x = fg.tensor([[1.0, -2.0]])
    np.testing.assert_allclose(F.linear(x, fg.eye(2), bias=fg.ones(2)).numpy(), [[2.0, -1.0]])
    np.testing.assert_allclose(fg.cat((x, x), dim=1).numpy(), [[1.0, -2.0, 1.0, -2.0]])
    np.testing.assert_allclose(fg.exp(0.0).numpy(), 1.0)  # a number is made a tensor first
    with pytest.raises(TypeError):
        F.relu()


class Recording(overrides.TorchFunctionMode):
    def __init__(self):
        self.seen = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.seen.append(overrides.resolve_name(func))
        return func(*args, **(kwargs or {}))


def test_a_mode_sees_every_function_call_and_runs_it():
    x = fg.ones(2)
    with Recording() as mode:
        y = fg.exp(fg.zeros(2))
        z = F.relu(x - 2)
        noise = fg.randn(3)
        x.sum()  # a Tensor method: not seen (modes see the namespaces' functions)
    assert mode.seen == [
        "ferrograd.zeros",
        "ferrograd.exp",
        "ferrograd.nn.functional.relu",
        "ferrograd.randn",
    ]
    np.testing.assert_allclose(y.numpy(), [1.0, 1.0])
    np.testing.assert_allclose(z.numpy(), [0.0, 0.0])
    assert noise.shape == (3,)
    fg.exp(x)  # after the block: no mode
    assert len(mode.seen) == 4


def test_modes_nest_innermost_first():
    with Recording() as outer, Recording() as inner:
        fg.exp(fg.ones(1))
    assert inner.seen == ["ferrograd.ones", "ferrograd.exp"]
    assert outer.seen == inner.seen  # the inner handler's func(...) reaches the outer mode


class Tagged(fg.Tensor):
    """A Tensor subclass whose handler counts calls and keeps results tagged."""

    calls: typing.ClassVar[list] = []

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        cls.calls.append(overrides.resolve_name(func))
        return super().__torch_function__(func, types, args, kwargs)


def test_a_tensor_subclass_sees_methods_operators_and_functions():
    Tagged.calls.clear()
    t = fg._core.TensorImpl.__new__(Tagged, fg.tensor([1.0, 2.0]))
    results = [t + 1, 1 + t, fg.ones(2) * t, t.sum(), fg.exp(t), F.relu(t), t[0]]
    assert all(type(r) is Tagged for r in results)
    assert Tagged.calls == [
        "Tensor.__add__",
        "Tensor.__radd__",
        "Tensor.__rmul__",
        "Tensor.sum",
        "ferrograd.exp",
        "ferrograd.nn.functional.relu",
        "Tensor.__getitem__",
    ]
    np.testing.assert_allclose(results[0].numpy(), [2.0, 3.0])
    # a subclass without a handler of its own is plain to the protocol
    assert fg.nn.Parameter in overrides._PLAIN_TENSORS


def test_tensor_methods_route_only_while_vmap_runs():
    gather = fg.Tensor.gather
    seen = []

    def probe(x):
        seen.append(fg.Tensor.gather is not gather)
        return fg.ones(3).gather(0, x)  # a plain tensor's method with a batched argument

    out = fg.vmap(probe)(fg.tensor([[0, 1], [2, 2]]))
    np.testing.assert_allclose(out.numpy(), [[1.0, 1.0], [1.0, 1.0]])
    assert seen == [True]
    assert fg.Tensor.gather is gather
