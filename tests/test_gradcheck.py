"""The gradcheck / gradgradcheck utilities themselves: they pass correct gradients and catch
wrong ones."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ferrograd as fg
from ferrograd.autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck
from helpers import t64


def test_exported_from_autograd():
    assert fg.autograd.gradcheck is gradcheck
    assert fg.autograd.gradgradcheck is gradgradcheck
    assert fg.autograd.GradcheckError is GradcheckError
    assert issubclass(GradcheckError, RuntimeError)


def test_passes_on_correct_gradient():
    x = t64([0.5, -1.0, 2.0])
    assert gradcheck(lambda a: a * a.sin(), (x,)) is True
    assert gradcheck(lambda a: a * a.sin(), x) is True  # a bare tensor is accepted


def test_detects_wrong_gradient():
    # analytical gradient of x.detach() * x is x; the true derivative is 2x
    x = t64([0.5, -1.0, 2.0])
    with pytest.raises(GradcheckError) as ei:
        gradcheck(lambda a: a.detach() * a, (x,))
    msg = str(ei.value)
    assert "output 0" in msg and "input 0" in msg
    assert "max difference" in msg


def test_detects_wrong_gradient_second_input():
    x = t64([0.5, 1.0])
    y = t64([2.0, 3.0])
    with pytest.raises(GradcheckError) as ei:
        gradcheck(lambda a, b: a * b * b.detach(), (x, y))
    assert "input 1" in str(ei.value)


def test_raise_exception_false_returns_false():
    x = t64([0.5, -1.0])
    assert gradcheck(lambda a: a.detach() * a, (x,), raise_exception=False) is False
    assert gradcheck(lambda a: a * a, (x,), raise_exception=False) is True


def test_gradcheck_error_is_runtime_error():
    x = t64([1.0])
    with pytest.raises(RuntimeError):
        gradcheck(lambda a: a.detach() * a, x)


def test_hook_that_scales_gradient_is_caught():
    def f(a):
        y = a * 2
        y.register_hook(lambda g: g * 1.5)
        return y

    with pytest.raises(GradcheckError):
        gradcheck(f, t64([1.0, 2.0]))


def test_non_differentiable_and_non_tensor_inputs_are_passed_through():
    x = t64([0.5, 1.5])
    c = t64([2.0, 3.0], requires_grad=False)
    assert gradcheck(lambda a, k, s: a * k * s, (x, c, 3.0))


def test_multiple_outputs():
    x = t64([0.5, 1.5])
    y = t64([[1.0, 2.0], [3.0, 4.0]])
    assert gradcheck(lambda a, b: (a @ b, b.exp().sum(), a.sin()), (x, y))


def test_output_independent_of_input():
    x = t64([0.5, 1.5])
    assert gradcheck(lambda a: (a * 2, fg.ones(2, dtype=fg.float64)), (x,))


def test_no_input_requires_grad():
    with pytest.raises(ValueError):
        gradcheck(lambda a: a * 2, (t64([1.0], requires_grad=False),))


def test_warns_on_float32_input():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="double precision"):
        gradcheck(lambda a: a * 2, (x,), eps=1e-3, atol=1e-2, rtol=1e-2)


def test_no_warning_for_float64():
    x = t64([1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gradcheck(lambda a: a * 2, (x,))


def test_does_not_modify_inputs_or_grads():
    a = np.array([0.3, -0.7, 1.1])
    x = t64(a)
    gradcheck(lambda t: t.exp() * t, (x,))
    np.testing.assert_array_equal(x.detach().numpy(), a)
    assert x.grad is None
    assert x.requires_grad and x.is_leaf


def test_atol_rtol_respected():
    # A deliberately loose check passes what a strict one rejects.
    x = t64([1.0, 2.0])

    def f(a):
        return a * a + a.detach() * 1e-4  # analytic 2a, numeric 2a + 1e-4

    assert gradcheck(f, (x,), atol=1e-5, rtol=1e-3) is True  # 1e-4 < atol+rtol*|2a|
    with pytest.raises(GradcheckError):
        gradcheck(lambda a: a * a + a.detach() * a * 0.01, (x,), atol=1e-5, rtol=1e-3)


def test_gradgradcheck_passes():
    x = t64([0.5, -1.0, 2.0])
    assert gradgradcheck(lambda a: a**3, (x,)) is True
    assert gradgradcheck(lambda a: (a.sin() * a).sum(), x) is True
    y = t64([[0.5, 1.0], [1.5, -0.5]])
    assert gradgradcheck(lambda a, b: a @ b, (t64([0.5, -1.0]), y))


def test_gradgradcheck_explicit_grad_outputs():
    x = t64([0.5, -1.0])
    go = t64([1.0, 2.0])
    assert gradgradcheck(lambda a: a.exp(), (x,), (go,))


def test_gradgradcheck_detects_wrong_second_derivative():
    # first derivative is x.detach()**2 (wrong, but gradgradcheck checks its derivative):
    # the analytic second derivative is then 0 while the numerical one is 2x * go
    x = t64([0.5, -1.0, 2.0])
    with pytest.raises(GradcheckError):
        gradgradcheck(lambda a: a * a.detach() ** 2, (x,))
    assert gradgradcheck(lambda a: a * a.detach() ** 2, (x,), raise_exception=False) is False
