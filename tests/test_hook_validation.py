"""What a hook returns is checked as PyTorch checks it (torch/csrc/autograd/python_hook.cpp,
`check_single_result` / `check_result`, and `check_variable_result`): a tensor hook's
replacement keeps the gradient's shape, dtype and device, and a `grad_fn` hook returns one
value per gradient. The expected messages are PyTorch 2.x's, word for word.
"""

from __future__ import annotations

import pytest

import ferrograd as fg


def _leaf(dtype=fg.float32):
    return fg.ones(3, dtype=dtype, requires_grad=True)


def test_leaf_hook_changing_the_size_raises():
    x = _leaf()

    def hook(g):
        return g.sum()

    x.register_hook(hook)
    with pytest.raises(RuntimeError, match=r"^hook 'hook' has changed the size of value$"):
        (x * 2).sum().backward()
    assert x.grad is None


def test_leaf_hook_returning_a_broadcastable_shape_raises():
    """A shape [1] gradient would broadcast into `.grad`: silently wrong without the check."""
    x = _leaf()
    x.register_hook(lambda g: g[:1])
    with pytest.raises(RuntimeError, match=r"^hook '<lambda>' has changed the size of value$"):
        (x * 2).sum().backward()


def test_leaf_hook_changing_the_dtype_raises():
    x = _leaf()

    def hook(g):
        return g.double()

    x.register_hook(hook)
    with pytest.raises(
        RuntimeError,
        match=r"^hook 'hook' has changed the type of value \(was CPUFloatType got CPUDoubleType\)$",
    ):
        (x * 2).sum().backward()


def test_non_leaf_tensor_hook_is_checked_too():
    x = _leaf(fg.float64)
    y = x * 2

    def double_it(g):
        return fg.cat([g, g])

    y.register_hook(double_it)
    with pytest.raises(RuntimeError, match=r"^hook 'double_it' has changed the size of value$"):
        y.sum().backward()


def test_a_callable_without_a_name_is_unknown():
    class Hook:
        def __call__(self, g):
            return g.float()

    x = _leaf(fg.float64)
    x.register_hook(Hook())
    with pytest.raises(
        RuntimeError,
        match=r"^hook '<unknown>' has changed the type of value "
        r"\(was CPUDoubleType got CPUFloatType\)$",
    ):
        (x * 2).sum().backward()


def test_valid_replacements_still_work():
    x = _leaf(fg.float64)
    x.register_hook(lambda g: g * 10)
    y = x * 2
    y.register_hook(lambda g: g + 1)
    y.sum().backward()
    assert x.grad.tolist() == [40.0, 40.0, 40.0]


def _backward_through_mul_with_post_hook(hook):
    """`x * w` (MulBackward0: two inputs, the second needs no gradient) with `hook` on it."""
    x = _leaf(fg.float64)
    y = x * fg.ones(3, dtype=fg.float64)
    y.grad_fn.register_hook(hook)
    y.sum().backward()


def test_grad_fn_hook_returning_too_many_values_raises():
    def hook(grad_inputs, grad_outputs):
        return (grad_inputs[0], None, None)

    with pytest.raises(
        RuntimeError,
        match=r"^hook 'hook' has returned an incorrect number of values \(got 3, but expected 2\)$",
    ):
        _backward_through_mul_with_post_hook(hook)


def test_grad_fn_prehook_returning_too_few_values_raises():
    x = _leaf(fg.float64)
    y = x * 2

    def prehook(grad_outputs):
        return ()

    y.grad_fn.register_prehook(prehook)
    with pytest.raises(
        RuntimeError,
        match=r"^hook 'prehook' has returned an incorrect number of values "
        r"\(got 0, but expected 1\)$",
    ):
        y.sum().backward()


def test_grad_fn_hook_values_are_checked_one_by_one():
    def hook(grad_inputs, grad_outputs):
        return (grad_inputs[0][:2], None)

    with pytest.raises(RuntimeError, match=r"^hook 'hook' has changed the size of value$"):
        _backward_through_mul_with_post_hook(hook)


def test_grad_fn_hook_cannot_fill_a_none_gradient():
    def hook(grad_inputs, grad_outputs):
        assert grad_inputs[1] is None
        return (grad_inputs[0], grad_inputs[0])

    with pytest.raises(
        RuntimeError, match=r"^can't replace a None gradient with a non-None value$"
    ):
        _backward_through_mul_with_post_hook(hook)


def test_grad_fn_hook_sees_gradients_shaped_as_the_inputs():
    """Broadcast inputs: the hook gets (and must return) gradients of the inputs' shapes."""
    x = fg.ones(3, dtype=fg.float64, requires_grad=True)
    b = fg.ones(2, 1, dtype=fg.float64, requires_grad=True)
    y = x + b
    shapes = []

    def hook(grad_inputs, grad_outputs):
        shapes.append([tuple(g.shape) for g in grad_inputs])
        return (grad_inputs[0] * 2, grad_inputs[1])

    y.grad_fn.register_hook(hook)
    y.sum().backward()
    assert shapes == [[(3,), (2, 1)]]
    assert x.grad.tolist() == [4.0, 4.0, 4.0]
    assert b.grad.tolist() == [[3.0], [3.0]]
