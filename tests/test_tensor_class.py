"""How ``Tensor`` is put together from the engine class and the mixins."""

from __future__ import annotations

import copy

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


def test_tensors_take_attributes_as_in_pytorch():
    x = fg.ones(3, requires_grad=True)
    x.name = "weights"
    assert x.name == "weights" and x.__dict__ == {"name": "weights"}
    y = x * 2
    assert not hasattr(y, "name")  # a result is a new object
    p = fg.nn.Parameter(fg.zeros(2))
    p.no_decay = True
    assert p.no_decay is True
    del p.no_decay
    assert not hasattr(p, "no_decay")


def test_operators_are_the_engine_slots():
    a, b = fg.tensor([1.0, 2.0]), fg.tensor([3.0, 4.0])
    assert fg.Tensor.__add__ is TensorImpl.__add__
    assert (a + b).tolist() == [4.0, 6.0] and (-a).tolist() == [-1.0, -2.0]
    assert (2 - a).tolist() == [1.0, 0.0] and (a @ b).item() == 11.0


def test_deepcopy_copies_the_attributes():
    # PyTorch 2.15: a tensor's copy has copies of its attributes; a Parameter's has none.
    x = fg.ones(2, requires_grad=True)
    x.tags = ["kept"]
    y = copy.deepcopy(x)
    assert y.requires_grad and y.tolist() == [1.0, 1.0]
    assert y.tags == ["kept"] and y.tags is not x.tags
    p = fg.nn.Parameter(fg.zeros(2))
    p.no_decay = True
    assert not hasattr(copy.deepcopy(p), "no_decay")
