"""autograd.grad's less common options: is_grads_batched (one vector-Jacobian product per
batch entry of grad_outputs) and the deprecated only_inputs (accepted, ignored, warned for
False), with PyTorch's values for the same calls."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ferrograd as fg


def test_is_grads_batched_gives_the_jacobian_rows():
    x = fg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (jacobian,) = fg.autograd.grad(x**2, x, fg.eye(3), is_grads_batched=True)
    np.testing.assert_allclose(jacobian.numpy(), np.diag([2.0, 4.0, 6.0]))


def test_is_grads_batched_with_create_graph_is_differentiable():
    w = fg.tensor([1.0, 2.0], requires_grad=True)
    z = fg.stack([w[0] * w[1], w[0] ** 3])
    (jacobian,) = fg.autograd.grad(z, w, fg.eye(2), is_grads_batched=True, create_graph=True)
    np.testing.assert_allclose(jacobian.detach().numpy(), [[2.0, 1.0], [3.0, 0.0]])
    (second,) = fg.autograd.grad(jacobian.sum(), w)
    np.testing.assert_allclose(second.numpy(), [7.0, 1.0])  # PyTorch: tensor([7., 1.])


def test_is_grads_batched_frees_the_graph_unless_retained():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    fg.autograd.grad(y, x, fg.eye(2), is_grads_batched=True)
    with pytest.raises(RuntimeError, match="second time"):
        fg.autograd.grad(y, x, fg.ones(2))


def test_is_grads_batched_needs_one_batched_tensor_per_output():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="same leading"):
        fg.autograd.grad([x * 2, x * 3], [x], [fg.ones(2, 2), fg.ones(3, 2)], is_grads_batched=True)
    with pytest.raises(RuntimeError, match="a tensor per output"):
        fg.autograd.grad(x * 2, x, None, is_grads_batched=True)


def test_only_inputs_is_accepted_and_false_warns():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (g,) = fg.autograd.grad((x * x).sum(), x, only_inputs=True)
    np.testing.assert_allclose(g.numpy(), [2.0, 4.0])
    with pytest.warns(FutureWarning, match="only_inputs argument is deprecated"):
        fg.autograd.grad((x * x).sum(), x, only_inputs=False)
