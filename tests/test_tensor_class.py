"""How ``Tensor`` is put together from the engine class and the mixins."""

from __future__ import annotations

import copy

import pytest

import ferrograd as fg
from ferrograd._base import TensorBase
from ferrograd._core import TensorImpl


def test_the_engine_class_comes_right_after_tensor():
    # Every native method checks `self`'s type by scanning the MRO up to TensorImpl: with the
    # engine classes first that is three entries, not the whole list of mixins (~40 ns per
    # operation on a 16-element `a + b`).
    assert fg.Tensor.__mro__[1:3] == (TensorBase, TensorImpl)


def test_no_mixin_defines_a_name_the_engine_classes_hide():
    # A mixin's method of the same name as TensorBase's or TensorImpl's would never be reached.
    engine = set(vars(TensorBase)) | set(vars(TensorImpl))
    ignored = {"__module__", "__doc__", "__slots__", "__qualname__", "__firstlineno__"}
    for klass in fg.Tensor.__mro__[3:-1]:
        hidden = (set(vars(klass)) & engine) - ignored
        assert not hidden, f"{klass.__name__} defines {sorted(hidden)}, hidden by the engine"


def test_every_mixin_declares_slots():
    # Instance storage is declared once, on Tensor itself.
    for klass in fg.Tensor.__mro__[:-1]:
        assert "__slots__" in vars(klass) or klass is TensorImpl, klass


def test_parameters_and_buffers_take_attributes():
    # Programs tag parameters (`p.no_decay = True`, `p._is_hf_initialized = True`). PyTorch's
    # plain tensors take attributes too; ours do not, to keep every result free of a __dict__.
    p = fg.nn.Parameter(fg.zeros(2))
    p.no_decay = True
    assert p.no_decay is True and p.__dict__ == {"no_decay": True}
    del p.no_decay
    assert not hasattr(p, "no_decay")
    b = fg.nn.Buffer(fg.zeros(2))
    b.tag = "running"
    assert b.tag == "running"
    x = fg.ones(3, requires_grad=True)
    with pytest.raises(AttributeError, match="'Tensor' object has no attribute 'name'"):
        x.name = "weights"
    assert not hasattr(p * 2, "no_decay")  # a result is a new, plain tensor


def test_a_parameters_copy_has_none_of_its_attributes():
    # As PyTorch 2.15's `copy.deepcopy` of a Parameter.
    p = fg.nn.Parameter(fg.zeros(2))
    p.no_decay = True
    q = copy.deepcopy(p)
    assert isinstance(q, fg.nn.Parameter) and not hasattr(q, "no_decay")


def test_operators_are_the_engine_slots():
    a, b = fg.tensor([1.0, 2.0]), fg.tensor([3.0, 4.0])
    assert fg.Tensor.__add__ is TensorImpl.__add__
    assert (a + b).tolist() == [4.0, 6.0] and (-a).tolist() == [-1.0, -2.0]
    assert (2 - a).tolist() == [1.0, 0.0] and (a @ b).item() == 11.0
