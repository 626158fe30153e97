"""Gradients meeting at a node are summed in place when nothing else holds the first one (the
engine's `Gradient::add`): the sums must equal the out-of-place ones, and a gradient someone
else can see (the caller's `backward(g)`, a tensor hook's argument, a view) must never change."""

import numpy as np

import ferrograd as fg


def test_fan_in_sums_match_the_chain_rule():
    x = fg.tensor([0.5, -1.0, 2.0], dtype=fg.float64, requires_grad=True)
    a = x * 1.5
    z = a.tanh() + a.sin() + a * a + a.exp()
    z.sum().backward()
    v = 1.5 * np.array([0.5, -1.0, 2.0])
    want = 1.5 * ((1 - np.tanh(v) ** 2) + np.cos(v) + 2 * v + np.exp(v))
    np.testing.assert_allclose(x.grad.numpy(), want, rtol=1e-12)


def test_the_callers_gradient_is_left_as_it_was():
    x = fg.ones(3, requires_grad=True)
    y = x * 1.0
    z = y + y  # both edges of the add get the caller's `g` itself
    g = fg.tensor([1.0, 2.0, 3.0])
    z.backward(g)
    np.testing.assert_array_equal(g.numpy(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0, 6.0])


def test_a_gradient_a_hook_kept_is_left_as_it_was():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    a = x * 1.0
    passed = a + 0.0  # its gradient goes on to `a` unchanged (the same tensor)
    seen = []
    passed.register_hook(lambda grad: seen.append(grad))
    (passed * 3.0 + a * 5.0).sum().backward()
    np.testing.assert_array_equal(seen[0].numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(x.grad.numpy(), [8.0, 8.0])


def test_split_parts_gather_into_one_gradient():
    x = fg.arange(12.0).reshape(2, 6).requires_grad_(True)
    q, k, v = (x * 1.0).split(2, dim=1)
    (q * 1.0 + k * 2.0 + v * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1, 1, 2, 2, 3, 3]] * 2)


def test_sums_under_create_graph_stay_differentiable():
    x = fg.tensor([0.3, 0.7], dtype=fg.float64, requires_grad=True)
    a = x * 2.0
    y = (a * a + a.sin()).sum()
    (g,) = fg.autograd.grad(y, x, create_graph=True)
    (gg,) = fg.autograd.grad(g.sum(), x)
    v = 2.0 * np.array([0.3, 0.7])
    np.testing.assert_allclose(g.detach().numpy(), 2.0 * (2 * v + np.cos(v)), rtol=1e-12)
    np.testing.assert_allclose(gg.numpy(), 4.0 * (2.0 - np.sin(v)), rtol=1e-12)
