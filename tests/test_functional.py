"""``ferrograd.autograd.functional``: vjp, jvp, jacobian, hessian, hvp and vhp against finite
differences and closed forms, with PyTorch's argument handling (tuples, ``v=None``,
``create_graph``, ``strict``, strategies)."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.autograd.forward_ad as fwAD
from ferrograd.autograd import functional as AF

RNG = np.random.default_rng(7)


def t64(a, requires_grad=False):
    return fg.tensor(np.asarray(a, dtype=np.float64), dtype=fg.float64, requires_grad=requires_grad)


def as_np(t):
    return np.array(t.detach().numpy(), dtype=np.float64, copy=True)


def numerical_jacobian(f, arrays, j, eps=1e-6):
    base = [np.array(a, dtype=np.float64, copy=True) for a in arrays]
    cols = []
    for k in range(base[j].size):
        plus, minus = [a.copy() for a in base], [a.copy() for a in base]
        plus[j].reshape(-1)[k] += eps
        minus[j].reshape(-1)[k] -= eps
        cols.append(
            (as_np(f(*[t64(a) for a in plus])) - as_np(f(*[t64(a) for a in minus]))).reshape(-1)
            / (2 * eps)
        )
    return np.stack(cols, axis=1)


def f_vec(x, y):
    """R^3 x R^3 -> R^2 (a small nonlinear map)."""
    return fg.stack([(x * y).sum(), (x.sin() * y.exp()).sum() + (x @ x)])


def f_scalar(x, y):
    return (x**3).sum() * y.sum() + (x * y).exp().sum()


def hessian_closed_form(x, y):
    """Blocks of the Hessian of f_scalar."""
    e = np.exp(x * y)
    hxx = np.diag(6 * x * y.sum() + y * y * e)
    hxy = np.outer(3 * x**2, np.ones_like(y)) + np.diag(e + x * y * e)
    hyy = np.diag(x * x * e)
    return hxx, hxy, hxy.T, hyy


X, Y = RNG.standard_normal(3), RNG.standard_normal(3)


# ----------------------------------------------------------------------------- vjp / jvp


def test_vjp_matches_the_transposed_jacobian():
    v = RNG.standard_normal(2)
    out, (gx, gy) = AF.vjp(f_vec, (t64(X), t64(Y)), t64(v))
    np.testing.assert_allclose(as_np(out), as_np(f_vec(t64(X), t64(Y))))
    np.testing.assert_allclose(
        as_np(gx), numerical_jacobian(f_vec, [X, Y], 0).T @ v, rtol=1e-6, atol=1e-8
    )
    np.testing.assert_allclose(
        as_np(gy), numerical_jacobian(f_vec, [X, Y], 1).T @ v, rtol=1e-6, atol=1e-8
    )
    assert not gx.requires_grad and not out.requires_grad


def test_vjp_with_a_scalar_output_needs_no_v_and_unpacks_a_single_input():
    x = t64(X)
    _, g = AF.vjp(lambda x: (x**2).sum(), x)
    assert isinstance(g, fg.Tensor)
    np.testing.assert_allclose(as_np(g), 2 * X)
    with pytest.raises(RuntimeError, match="v can only be None"):
        AF.vjp(lambda x: x**2, x)
    assert not x.requires_grad  # the caller's tensor is left alone


def test_jvp_matches_the_jacobian_and_forward_ad():
    vx, vy = RNG.standard_normal(3), RNG.standard_normal(3)
    out, jv = AF.jvp(f_vec, (t64(X), t64(Y)), (t64(vx), t64(vy)))
    expected = numerical_jacobian(f_vec, [X, Y], 0) @ vx + numerical_jacobian(f_vec, [X, Y], 1) @ vy
    np.testing.assert_allclose(as_np(jv), expected, rtol=1e-6, atol=1e-8)
    with fwAD.dual_level():
        dual = f_vec(fwAD.make_dual(t64(X), t64(vx)), fwAD.make_dual(t64(Y), t64(vy)))
        direct = as_np(fwAD.unpack_dual(dual).tangent)
    np.testing.assert_allclose(as_np(jv), direct, rtol=1e-12)
    np.testing.assert_allclose(as_np(out), as_np(f_vec(t64(X), t64(Y))))


def test_jvp_with_several_outputs_and_a_scalar_input():
    out, jv = AF.jvp(lambda x: (x.sin(), x * x), t64(0.5))
    assert isinstance(out, tuple) and isinstance(jv, tuple)
    np.testing.assert_allclose([as_np(j) for j in jv], [np.cos(0.5), 1.0])
    with pytest.raises(RuntimeError, match="v can only be None"):
        AF.jvp(lambda x: x, t64([1.0, 2.0]))


def test_vjp_and_jvp_agree_as_transposes():
    u, v = RNG.standard_normal(2), RNG.standard_normal(3)
    _, jv = AF.jvp(lambda x: f_vec(x, t64(Y)), t64(X), t64(v))
    _, vj = AF.vjp(lambda x: f_vec(x, t64(Y)), t64(X), t64(u))
    assert np.dot(u, as_np(jv)) == pytest.approx(np.dot(as_np(vj), v), rel=1e-10)


def test_create_graph_makes_the_results_differentiable():
    x = t64(X, requires_grad=True)
    _, g = AF.vjp(lambda x: (x**3).sum(), x, create_graph=True)
    assert g.requires_grad
    (gg,) = fg.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(as_np(gg), 6 * X)
    v = t64(np.ones(3), requires_grad=True)
    _, jv = AF.jvp(lambda x: x**3, x, v, create_graph=True)
    gx, gv = fg.autograd.grad(jv.sum(), (x, v))
    np.testing.assert_allclose(as_np(gx), 6 * X)
    np.testing.assert_allclose(as_np(gv), 3 * X**2)


def test_strict_mode_raises_for_independent_inputs():
    f = lambda x, y: x * 2  # noqa: E731 - independent of y
    ins = (t64(X), t64(Y))
    _, (_, gy) = AF.vjp(f, ins, t64(np.ones(3)))
    np.testing.assert_array_equal(as_np(gy), 0.0)
    with pytest.raises(RuntimeError, match="independent of input 1"):
        AF.vjp(f, ins, t64(np.ones(3)), strict=True)
    with pytest.raises(RuntimeError, match="independent"):
        AF.jvp(lambda x: t64(X), t64(X), t64(np.ones(3)), strict=True)
    _, jv = AF.jvp(lambda x: t64(X), t64(X), t64(np.ones(3)))
    np.testing.assert_array_equal(as_np(jv), 0.0)
    with pytest.raises(RuntimeError, match="does not require gradients"):
        AF.vjp(lambda x: t64(X), t64(X), t64(np.ones(3)), strict=True)


def test_argument_validation():
    with pytest.raises(TypeError, match="must be either a Tensor or a tuple of Tensors"):
        AF.vjp(lambda x: x, [1.0, 2.0])
    with pytest.raises(RuntimeError, match="v has invalid size"):
        AF.vjp(lambda x: x * 2, t64(X), t64(np.ones(2)))
    with pytest.raises(RuntimeError, match="v is a tuple of invalid length"):
        AF.jvp(f_vec, (t64(X), t64(Y)), (t64(X),))


# ----------------------------------------------------------------------------- jacobian


@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode"])
def test_jacobian_matches_finite_differences(strategy):
    (jx, jy) = AF.jacobian(f_vec, (t64(X), t64(Y)), strategy=strategy)
    assert tuple(jx.shape) == (2, 3) and tuple(jy.shape) == (2, 3)
    np.testing.assert_allclose(
        as_np(jx), numerical_jacobian(f_vec, [X, Y], 0), rtol=1e-6, atol=1e-8
    )
    np.testing.assert_allclose(
        as_np(jy), numerical_jacobian(f_vec, [X, Y], 1), rtol=1e-6, atol=1e-8
    )


@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode"])
def test_jacobian_shapes_follow_inputs_and_outputs(strategy):
    a = RNG.standard_normal((2, 3))
    j = AF.jacobian(lambda x: x.exp(), t64(a), strategy=strategy)
    assert tuple(j.shape) == (2, 3, 2, 3)
    np.testing.assert_allclose(as_np(j).reshape(6, 6), np.diag(np.exp(a).reshape(-1)))
    jac = AF.jacobian(lambda x, y: (x.sum(), x * y), (t64(X), t64(Y)), strategy=strategy)
    assert len(jac) == 2 and len(jac[0]) == 2
    assert tuple(jac[0][0].shape) == (3,) and tuple(jac[1][1].shape) == (3, 3)
    np.testing.assert_allclose(as_np(jac[1][1]), np.diag(X))
    np.testing.assert_array_equal(as_np(jac[0][1]), 0.0)
    vectorized = AF.jacobian(lambda x: x.exp(), t64(a), vectorize=True, strategy=strategy)
    np.testing.assert_allclose(as_np(vectorized), as_np(j))


def test_jacobian_strict_create_graph_and_strategy_errors():
    with pytest.raises(
        RuntimeError, match="Output 0 of the user-provided function is independent of input 1"
    ):
        AF.jacobian(lambda x, y: x * 2, (t64(X), t64(Y)), strict=True)
    x = t64(X, requires_grad=True)
    j = AF.jacobian(lambda x: x**2, x, create_graph=True)
    assert j.requires_grad
    (g,) = fg.autograd.grad(j.sum(), x)
    np.testing.assert_allclose(as_np(g), 2.0 * np.ones(3))
    with pytest.raises(ValueError, match="strategy"):
        AF.jacobian(lambda x: x, t64(X), strategy="sideways")
    with pytest.raises(NotImplementedError, match="create_graph"):
        AF.jacobian(lambda x: x, t64(X), create_graph=True, strategy="forward-mode")
    with pytest.raises(RuntimeError, match="strict"):
        AF.jacobian(lambda x: x, t64(X), strict=True, strategy="forward-mode")
    with pytest.raises(RuntimeError, match="vectorize"):
        AF.jacobian(lambda x: x, t64(X), strict=True, vectorize=True)


# ----------------------------------------------------------------------------- hessian, hvp, vhp


@pytest.mark.parametrize("outer", ["reverse-mode", "forward-mode"])
def test_hessian_matches_the_closed_form(outer):
    hxx, hxy, hyx, hyy = hessian_closed_form(X, Y)
    (h00, h01), (h10, h11) = AF.hessian(f_scalar, (t64(X), t64(Y)), outer_jacobian_strategy=outer)
    for got, want in [(h00, hxx), (h01, hxy), (h10, hyx), (h11, hyy)]:
        np.testing.assert_allclose(as_np(got), want, rtol=1e-10, atol=1e-12)
    h = AF.hessian(lambda x: (x**3).sum(), t64(X), outer_jacobian_strategy=outer)
    np.testing.assert_allclose(as_np(h), np.diag(6 * X))


def test_hessian_errors_and_strict():
    with pytest.raises(RuntimeError, match="single element"):
        AF.hessian(lambda x: x**2, t64(X))
    with pytest.raises(RuntimeError, match="jacobian"):
        AF.hessian(lambda x: x.sum(), t64(X), strict=True)  # linear: the jacobian is constant


@pytest.mark.parametrize("name", ["hvp", "vhp"])
def test_hvp_and_vhp_match_the_hessian(name):
    fn = getattr(AF, name)
    vx, vy = RNG.standard_normal(3), RNG.standard_normal(3)
    hxx, hxy, hyx, hyy = hessian_closed_form(X, Y)
    out, (px, py) = fn(f_scalar, (t64(X), t64(Y)), (t64(vx), t64(vy)))
    np.testing.assert_allclose(as_np(out), as_np(f_scalar(t64(X), t64(Y))))
    np.testing.assert_allclose(as_np(px), hxx @ vx + hxy @ vy, rtol=1e-10)
    np.testing.assert_allclose(as_np(py), hyx @ vx + hyy @ vy, rtol=1e-10)
    assert not px.requires_grad


@pytest.mark.parametrize("name", ["hvp", "vhp"])
def test_hvp_vhp_create_graph_and_strict(name):
    fn = getattr(AF, name)
    x = t64(X, requires_grad=True)
    _, hv = fn(lambda x: (x**3).sum(), x, t64(np.ones(3)), create_graph=True)
    np.testing.assert_allclose(as_np(hv), 6 * X)
    (g,) = fg.autograd.grad(hv.sum(), x)
    np.testing.assert_allclose(as_np(g), 6.0 * np.ones(3))
    with pytest.raises(RuntimeError):
        fn(lambda x, y: (x**2).sum(), (t64(X), t64(Y)), (t64(X), t64(Y)), strict=True)
    _, (hx, hy) = fn(
        lambda x, y: (x**2).sum(), (t64(X), t64(Y)), (t64(np.ones(3)), t64(np.ones(3)))
    )
    np.testing.assert_allclose(as_np(hx), 2.0 * np.ones(3))
    np.testing.assert_array_equal(as_np(hy), 0.0)
    with pytest.raises(RuntimeError, match="single Tensor"):
        fn(lambda x: (x.sum(), x.sum()), t64(X), t64(X))


def test_hvp_agrees_with_forward_over_reverse():
    v = RNG.standard_normal(3)
    _, hv = AF.hvp(lambda x: f_scalar(x, t64(Y)), t64(X), t64(v))
    with fwAD.dual_level():
        x = fwAD.make_dual(t64(X, requires_grad=True), t64(v))
        (g,) = fg.autograd.grad(f_scalar(x, t64(Y)), x)
        fwd = as_np(fwAD.unpack_dual(g).tangent)
    np.testing.assert_allclose(as_np(hv), fwd, rtol=1e-10)
