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
        match=r"^hook 'hook' has changed the type of value "
        r"\(was torch\.FloatTensor got torch\.DoubleTensor\)$",
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
        r"\(was torch\.DoubleTensor got torch\.FloatTensor\)$",
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


# ----------------------------------------------------------------------------- Python types
# What a hook returns must be of the right Python type; the messages are PyTorch 2.x's
# (torch/csrc/autograd/python_hook.cpp), recorded from torch.


@pytest.mark.parametrize(
    ("returned", "type_name"),
    [(1, "int"), (1.5, "float"), ("s", "str"), ([1.0, 2.0, 3.0], "list"), ((1,), "tuple")],
)
def test_tensor_hook_returning_a_non_tensor_raises_type_error(returned, type_name):
    x = _leaf()
    x.register_hook(lambda g: returned)
    with pytest.raises(TypeError, match=rf"^expected Variable, but hook returned '{type_name}'$"):
        (x * 2).sum().backward()
    assert x.grad is None


def test_non_leaf_tensor_hook_returning_a_non_tensor_raises_type_error():
    x = _leaf()
    y = x * 2
    y.register_hook(lambda g: None)
    y.register_hook(lambda g: "x")
    with pytest.raises(TypeError, match=r"^expected Variable, but hook returned 'str'$"):
        y.sum().backward()


def test_tensor_hook_returning_a_parameter_replaces_the_gradient():
    x = _leaf()
    x.register_hook(lambda g: fg.nn.Parameter(g * 3))
    (x * 2).sum().backward()
    assert x.grad.tolist() == [6.0, 6.0, 6.0]


def test_post_accumulate_grad_hook_returning_a_tensor_raises():
    x = _leaf()
    x.register_post_accumulate_grad_hook(lambda t: fg.ones(3))
    with pytest.raises(
        RuntimeError, match=r"^Tensor post accumulate grad hooks should return None\.$"
    ):
        (x * 2).sum().backward()


@pytest.mark.parametrize(("returned", "type_name"), [(1, "int"), ("s", "str")])
def test_post_accumulate_grad_hook_returning_a_non_tensor_raises_type_error(returned, type_name):
    """PyTorch checks the type first, so this is its TypeError, not the RuntimeError above.
    The gradient was accumulated before the hook ran."""
    x = _leaf()
    x.register_post_accumulate_grad_hook(lambda t: returned)
    with pytest.raises(TypeError, match=rf"^expected Variable, but hook returned '{type_name}'$"):
        (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_post_accumulate_grad_hook_may_return_its_tensor():
    x = _leaf()
    seen = []
    x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()) or t)
    (x * 2).sum().backward()
    assert seen == [[2.0, 2.0, 2.0]]


@pytest.mark.parametrize("register", ["register_hook", "register_prehook"])
@pytest.mark.parametrize(
    ("returned", "type_name"),
    [
        (1, "int"),
        ("s", "str"),
        ([None], "list"),
        (fg.ones(3), "Tensor"),
        ({}, "dict"),
    ],
)
def test_grad_fn_hook_returning_a_non_tuple_raises_type_error(register, returned, type_name):
    x = _leaf()
    y = x * 2
    if register == "register_hook":
        y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: returned)
    else:
        y.grad_fn.register_prehook(lambda grad_outputs: returned)
    with pytest.raises(TypeError, match=rf"^expected tuple, but hook returned '{type_name}'$"):
        y.sum().backward()


def test_grad_fn_hook_items_must_be_tensors_or_none():
    x = _leaf()
    w = fg.ones(3, requires_grad=True)
    y = x * w

    def hook(grad_inputs, grad_outputs):
        return (1, None)

    y.grad_fn.register_hook(hook)
    with pytest.raises(TypeError, match=r"^expected Variable, but hook returned 'int'$"):
        y.sum().backward()


def test_grad_fn_hook_count_is_checked_before_its_items():
    """`(1,)` from a hook of a two-input node: PyTorch names the count, not the int."""
    x = _leaf()
    y = x * fg.ones(3)

    def hook(grad_inputs, grad_outputs):
        return ("a",)

    y.grad_fn.register_hook(hook)
    with pytest.raises(
        RuntimeError,
        match=r"^hook 'hook' has returned an incorrect number of values \(got 1, but expected 2\)$",
    ):
        y.sum().backward()


def test_grad_fn_prehook_count_is_checked_before_its_items():
    x = _leaf()
    y = x * 2

    def h(grad_outputs):
        return (1, 2)

    y.grad_fn.register_prehook(h)
    with pytest.raises(
        RuntimeError,
        match=r"^hook 'h' has returned an incorrect number of values \(got 2, but expected 1\)$",
    ):
        y.sum().backward()


def test_grad_fn_prehook_may_return_a_namedtuple():
    from collections import namedtuple

    Grads = namedtuple("Grads", "out")
    x = _leaf()
    y = x * 2
    y.grad_fn.register_prehook(lambda grad_outputs: Grads(grad_outputs[0] * 5))
    y.sum().backward()
    assert x.grad.tolist() == [10.0, 10.0, 10.0]


def test_sparse_tensor_hooks_check_their_results_too():
    s = fg.tensor([[0.0, 2.0], [3.0, 0.0]]).to_sparse().requires_grad_()
    s.register_hook(lambda g: 3)
    with pytest.raises(TypeError, match=r"^expected Variable, but hook returned 'int'$"):
        fg.sparse.sum(s).backward()
    s = fg.tensor([[0.0, 2.0], [3.0, 0.0]]).to_sparse().requires_grad_()
    s.register_post_accumulate_grad_hook(lambda t: 3)
    with pytest.raises(TypeError, match=r"^expected Variable, but hook returned 'int'$"):
        fg.sparse.sum(s).backward()


# ----------------------------------------------------------------------------- module hooks


class _Product(fg.nn.Module):
    def forward(self, a, b):
        return a * b


def _module_backward(module, n_inputs: int):
    inputs = [fg.ones(2, 3, requires_grad=True) for _ in range(n_inputs)]
    module(*inputs).sum().backward()
    return inputs


def _with_full_backward_hook(returned, module=None):
    module = module if module is not None else fg.nn.Linear(3, 2)
    module.register_full_backward_hook(lambda m, grad_input, grad_output: returned)
    return module


@pytest.mark.parametrize(
    ("module", "n_inputs", "returned", "got", "expected"),
    [
        (fg.nn.Linear(3, 2), 1, (), 0, 1),
        (fg.nn.Linear(3, 2), 1, (fg.ones(2, 3), fg.ones(2, 3)), 2, 1),
        # a tensor counts as the sequence of its rows, as in PyTorch
        (fg.nn.Linear(3, 2), 1, fg.ones(2, 3), 2, 1),
        (_Product(), 2, (fg.ones(2, 3),), 1, 2),
        (_Product(), 2, [fg.ones(2, 3)], 1, 2),
    ],
)
def test_full_backward_hook_returning_the_wrong_count_raises(
    module, n_inputs, returned, got, expected
):
    _with_full_backward_hook(returned, module)
    with pytest.raises(
        RuntimeError,
        match=rf"^Backward hook returned an invalid number of grad_input, got {got}, "
        rf"but expected {expected}$",
    ):
        _module_backward(module, n_inputs)


@pytest.mark.parametrize("returned", [(), (fg.ones(2, 2), fg.ones(2, 2))])
def test_full_backward_pre_hook_returning_the_wrong_count_raises(returned):
    module = fg.nn.Linear(3, 2)
    module.register_full_backward_pre_hook(lambda m, grad_output: returned)
    with pytest.raises(
        RuntimeError,
        match=r"^Backward pre hook returned an invalid number of grad_output, "
        rf"got {len(returned)}, but expected 1$",
    ):
        _module_backward(module, 1)


def test_full_backward_hook_may_return_a_list():
    module = _with_full_backward_hook([fg.full((2, 3), 5.0)])
    (x,) = _module_backward(module, 1)
    assert x.grad.tolist() == [[5.0] * 3] * 2


def test_full_backward_hook_returning_a_non_sequence_raises_type_error():
    module = _with_full_backward_hook(1)
    with pytest.raises(TypeError, match=r"^object of type 'int' has no len\(\)$"):
        _module_backward(module, 1)


def test_full_backward_hook_items_must_be_tensors_or_none():
    module = _with_full_backward_hook((1,))
    with pytest.raises(TypeError, match=r"^expected Variable, but hook returned 'int'$"):
        _module_backward(module, 1)


def test_full_backward_hook_replacement_of_the_wrong_size_names_hook():
    """PyTorch's wrapper on the module's node is called `hook`, and the size error names it."""
    module = _with_full_backward_hook((fg.ones(3), None), _Product())
    with pytest.raises(RuntimeError, match=r"^hook 'hook' has changed the size of value$"):
        _module_backward(module, 2)


def test_full_backward_hook_replacement_of_the_right_count_is_used():
    module = _with_full_backward_hook((fg.full((2, 3), 4.0), None), _Product())
    a, b = _module_backward(module, 2)
    assert a.grad.tolist() == [[4.0] * 3] * 2
    assert b.grad is None
