"""User classes that overload operators work alongside tensors: Tensor's operators return
NotImplemented for unknown types, so Python falls back to the user's reflected method."""

from __future__ import annotations

import operator

import pytest

import ferrograd as fg


class Meters:
    """A user type that knows how to combine with tensors from either side."""

    def __init__(self, value):
        self.value = value
        self.calls = []

    def __add__(self, other):
        self.calls.append("add")
        if isinstance(other, fg.Tensor):
            return Meters(other + self.value)
        return NotImplemented

    def __radd__(self, other):
        self.calls.append("radd")
        if isinstance(other, fg.Tensor):
            return Meters(other + self.value)
        return NotImplemented

    def __mul__(self, other):
        self.calls.append("mul")
        return Meters(other * self.value)

    def __rmul__(self, other):
        self.calls.append("rmul")
        return Meters(other * self.value)

    def __rsub__(self, other):
        self.calls.append("rsub")
        return Meters(other - self.value)

    def __rtruediv__(self, other):
        self.calls.append("rtruediv")
        return Meters(other / self.value)

    def __rmatmul__(self, other):
        self.calls.append("rmatmul")
        return "rmatmul called"

    def __rpow__(self, other):
        self.calls.append("rpow")
        return "rpow called"

    def __rand__(self, other):
        self.calls.append("rand")
        return "rand called"

    def __eq__(self, other):
        self.calls.append("eq")
        return "eq called"

    def __lt__(self, other):
        self.calls.append("lt")
        return "lt called"

    def __gt__(self, other):
        self.calls.append("gt")
        return "gt called"

    __hash__ = None


def test_tensor_add_returns_not_implemented_for_unknown_type():
    t = fg.tensor([1.0, 2.0])
    m = Meters(10.0)
    assert fg.Tensor.__add__(t, m) is NotImplemented
    assert fg.Tensor.__radd__(t, m) is NotImplemented
    assert fg.Tensor.__mul__(t, m) is NotImplemented
    assert fg.Tensor.__sub__(t, m) is NotImplemented
    assert fg.Tensor.__truediv__(t, m) is NotImplemented
    assert fg.Tensor.__matmul__(t, m) is NotImplemented


def test_tensor_plus_user_object_calls_radd():
    t = fg.tensor([1.0, 2.0])
    m = Meters(10.0)
    r = t + m
    assert m.calls == ["radd"]
    assert isinstance(r, Meters)
    assert isinstance(r.value, fg.Tensor)
    assert r.value.tolist() == [11.0, 12.0]


def test_user_object_plus_tensor_calls_add():
    t = fg.tensor([1.0, 2.0])
    m = Meters(10.0)
    r = m + t
    assert m.calls == ["add"]
    assert r.value.tolist() == [11.0, 12.0]


@pytest.mark.parametrize(
    "op, name, expected",
    [
        (operator.mul, "rmul", [10.0, 20.0]),
        (operator.sub, "rsub", [-9.0, -8.0]),
        (operator.truediv, "rtruediv", [0.1, 0.2]),
    ],
)
def test_other_reflected_arithmetic(op, name, expected):
    t = fg.tensor([1.0, 2.0])
    m = Meters(10.0)
    r = op(t, m)
    assert m.calls == [name]
    assert r.value.tolist() == pytest.approx(expected)


def test_reflected_matmul_pow_and():
    t = fg.tensor([1.0, 2.0])
    m = Meters(3.0)
    assert t @ m == "rmatmul called"
    assert t**m == "rpow called"
    assert fg.tensor([1, 2]) & m == "rand called"
    assert m.calls == ["rmatmul", "rpow", "rand"]


def test_reflected_comparisons():
    t = fg.tensor([1.0, 2.0])
    m = Meters(3.0)
    assert (t == m) == "eq called"  # reflected __eq__
    assert (t < m) == "gt called"  # t < m  ->  m > t
    assert (t > m) == "lt called"  # t > m  ->  m < t


def test_inplace_with_user_object_falls_back():
    t = fg.tensor([1.0, 2.0])
    m = Meters(5.0)
    t += m  # __iadd__ -> NotImplemented -> t + m -> m.__radd__
    assert isinstance(t, Meters)
    assert t.value.tolist() == [6.0, 7.0]


class Wrapped:
    """A tensor wrapper that unwraps itself when combined with a tensor; gradients flow."""

    def __init__(self, t):
        self.t = t

    def __radd__(self, other):
        return other + self.t

    def __rmul__(self, other):
        return other * self.t


def test_gradient_flows_through_user_reflected_op():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    w = fg.tensor([3.0, 4.0], requires_grad=True)
    y = (x * Wrapped(w)) + Wrapped(x)
    assert isinstance(y, fg.Tensor)
    y.sum().backward()
    assert x.grad.tolist() == [4.0, 5.0]
    assert w.grad.tolist() == [1.0, 2.0]


def test_unrelated_object_still_type_error():
    class Nothing:
        pass

    with pytest.raises(TypeError):
        fg.tensor([1.0]) + Nothing()
    with pytest.raises(TypeError):
        Nothing() + fg.tensor([1.0])


def test_python_numbers_still_work_after_user_types():
    t = fg.tensor([1.0, 2.0])
    assert (t + 1).tolist() == [2.0, 3.0]
    assert (1 + t).tolist() == [2.0, 3.0]
    assert (t + True).tolist() == [2.0, 3.0]
