"""A leaf's ``AccumulateGrad`` node and the identity of the tensors it hands out, as in PyTorch:
``name()`` is the C++ class name, hooks registered on the node run after the accumulation, and
``acc.variable is leaf`` and ``w.grad is w.grad`` hold (tools such as torchviz map
``id(fn.variable)`` to parameter names). Every expected value was recorded from PyTorch 2.15.
"""

from __future__ import annotations

import gc
import weakref

import pytest

import ferrograd as fg


def _accumulator(leaf):
    """The ``AccumulateGrad`` node of ``leaf``, reached through a graph that uses it."""
    out = leaf * 1
    return out.grad_fn.next_functions[0][0], out


# ----------------------------------------------------------------------------- the node's name


def test_name_is_the_cpp_class_and_the_type_is_accumulate_grad():
    acc, _ = _accumulator(fg.tensor([1.0, 2.0], requires_grad=True))
    assert acc.name() == "torch::autograd::AccumulateGrad"
    assert type(acc).__name__ == "AccumulateGrad"
    assert repr(acc).startswith("<AccumulateGrad object at 0x")


def test_variable_on_another_node_raises_attribute_error_naming_its_type():
    x = fg.tensor([1.0], requires_grad=True)
    with pytest.raises(
        AttributeError, match=r"^'MulBackward0' object has no attribute 'variable'$"
    ):
        _ = (x * 2).grad_fn.variable


def test_graph_drawing_still_labels_leaves_accumulate_grad():
    from ferrograd.autograd.graph import to_dot

    w = fg.ones(3, requires_grad=True)
    assert '"AccumulateGrad\\n(3)"' in to_dot((w * 2).sum())


# ----------------------------------------------------------------------------- hooks on the node


def test_node_hook_runs_after_the_post_accumulate_hook_with_the_incoming_gradient():
    w = fg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (w * w).sum()
    acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
    calls = []
    w.register_post_accumulate_grad_hook(lambda t: calls.append(("post_acc", t.grad.tolist())))
    acc.register_hook(lambda gi, go: calls.append(("node", gi, [g.tolist() for g in go])))
    w.register_hook(lambda g: g * 10)
    y.backward()
    # PyTorch 2.15: the tensor hook's replacement is what is accumulated and what the node's
    # hook sees as its output gradient; it has no input gradients
    assert calls == [("post_acc", [20.0, 40.0, 60.0]), ("node", (), [[20.0, 40.0, 60.0]])]


def test_node_hook_runs_on_every_accumulation_and_stops_once_removed():
    w = fg.tensor([1.0, 2.0], requires_grad=True)
    y = (w * 3).sum()
    acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
    seen = []
    handle = acc.register_hook(lambda gi, go: seen.append(go[0].tolist()))
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    handle.remove()
    y.backward()
    assert seen == [[3.0, 3.0], [3.0, 3.0]]
    assert w.grad.tolist() == [9.0, 9.0]


def test_node_hook_is_not_run_by_autograd_grad():
    w = fg.tensor([1.0, 2.0], requires_grad=True)
    z = (w * 3).sum()
    acc = z.grad_fn.next_functions[0][0].next_functions[0][0]
    calls = []
    acc.register_hook(lambda gi, go: calls.append("ran"))
    fg.autograd.grad(z, w, retain_graph=True)
    assert calls == []
    z.backward()
    assert calls == ["ran"]


def test_node_hook_returning_a_gradient_raises_pytorchs_error():
    w = fg.tensor([1.0, 2.0], requires_grad=True)
    y = (w * 2).sum()
    acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
    acc.register_hook(lambda gi, go: (go[0],))
    with pytest.raises(
        RuntimeError,
        match=r"^hook '<lambda>' has returned an incorrect number of values "
        r"\(got 1, but expected 0\)$",
    ):
        y.backward()


# ----------------------------------------------------------------------------- variable is the leaf


@pytest.mark.parametrize(
    "make",
    [
        lambda: fg.tensor([1.0, 2.0], requires_grad=True),
        lambda: fg.randn(2, requires_grad=True),
        lambda: fg.ones(2).requires_grad_(),
        lambda: fg.nn.Parameter(fg.ones(2)),
    ],
    ids=["tensor", "randn", "requires_grad_", "Parameter"],
)
def test_variable_is_the_leafs_own_object(make):
    leaf = make()
    acc, _ = _accumulator(leaf)
    assert acc.variable is leaf
    assert acc.variable is acc.variable


def test_variable_maps_to_module_parameter_names():
    model = fg.nn.Linear(2, 1)
    names = {id(p): name for name, p in model.named_parameters()}
    out = model(fg.ones(1, 2)).sum()
    stack, found = [out.grad_fn], set()
    while stack:
        node = stack.pop()
        if type(node).__name__ == "AccumulateGrad":
            found.add(names[id(node.variable)])
        stack.extend(n for n, _ in node.next_functions if n is not None)
    assert found == {"weight", "bias"}


def test_remembered_leaf_and_grad_are_freed_with_the_leaf():
    leaf = fg.ones(2, requires_grad=True)
    (leaf * 2).sum().backward()
    acc, out = _accumulator(leaf)
    assert acc.variable is leaf
    leaf_alive, grad_alive = weakref.ref(leaf), weakref.ref(leaf.grad)
    del leaf, acc, out
    gc.collect()
    assert leaf_alive() is None
    assert grad_alive() is None


# ----------------------------------------------------------------------------- .grad's identity


def test_grad_is_the_same_object_across_in_place_accumulation():
    w = fg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (w * w).sum()
    y.backward(retain_graph=True)
    g = w.grad
    assert w.grad is w.grad
    y.backward(retain_graph=True)
    assert w.grad is g
    assert g.tolist() == [4.0, 8.0, 12.0]
    w.grad = None
    y.backward()
    assert w.grad is not g
    assert w.grad.tolist() == [2.0, 4.0, 6.0]


def test_assigned_grad_is_returned_as_that_object():
    w = fg.zeros(2, requires_grad=True)
    g = fg.ones(2)
    w.grad = g
    assert w.grad is g


def test_retained_grad_of_a_non_leaf_is_one_object():
    x = fg.ones(2, requires_grad=True)
    m = x * 2
    m.retain_grad()
    m.sum().backward()
    assert m.grad is m.grad


def test_create_graph_replaces_the_grad_object():
    v = fg.tensor([2.0], requires_grad=True)
    (v**2).sum().backward(create_graph=True)
    first = v.grad
    (v**2).sum().backward(create_graph=True)
    # out-of-place accumulation under create_graph: a new tensor, as in PyTorch 2.15
    assert v.grad is not first
    assert v.grad.tolist() == [8.0]


def test_optimizer_step_and_zero_grad_keep_working():
    p = fg.nn.Parameter(fg.tensor([1.0, 2.0]))
    opt = fg.optim.SGD([p], lr=0.1)
    (p * p).sum().backward()
    g = p.grad
    opt.step()
    opt.zero_grad(set_to_none=False)
    assert p.grad is g
    assert p.grad.tolist() == [0.0, 0.0]
    assert p.tolist() == pytest.approx([0.8, 1.6])
    (p * p).sum().backward()
    assert p.grad is g
    assert p.grad.tolist() == pytest.approx([1.6, 3.2])
    opt.zero_grad()
    assert p.grad is None


def test_module_zero_grad_zeroes_the_same_object():
    model = fg.nn.Linear(2, 1)
    model(fg.ones(1, 2)).sum().backward()
    g = model.weight.grad
    model.zero_grad(set_to_none=False)
    assert model.weight.grad is g
    assert g.tolist() == [[0.0, 0.0]]
    model.zero_grad()
    assert model.weight.grad is None


def test_zero_grad_cuts_a_recorded_grad_from_its_graph():
    p = fg.nn.Parameter(fg.tensor([2.0]))
    opt = fg.optim.SGD([p], lr=0.1)
    (p**3).sum().backward(create_graph=True)
    g = p.grad
    assert g.grad_fn is not None
    opt.zero_grad(set_to_none=False)
    assert p.grad is g
    assert g.grad_fn is None
    assert not g.requires_grad
    assert g.tolist() == [0.0]
