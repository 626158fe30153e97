"""The two hooks every mixin builds on: the engine handle ``_c`` of a tensor, and ``wrap``,
which turns an engine handle back into a ``Tensor``."""

from __future__ import annotations

import numpy as np

from . import _core

_new = object.__new__
_SCALARS = (int, float, bool)


class TensorBase:
    """Root of ``Tensor``: holds the engine handle."""

    __slots__ = ("_c",)


class _Registry:
    tensor_type: type = TensorBase


def wrap(handle: _core.TensorImpl):
    """A ``Tensor`` around an engine handle."""
    t = _new(_Registry.tensor_type)
    t._c = handle
    return t


def wrap_optional(handle):
    return None if handle is None else wrap(handle)


def operand(other):
    """The engine-side form of a binary operation's other operand (a handle or a Python
    number), or ``None`` for a type tensors do not combine with."""
    if isinstance(other, TensorBase):
        return other._c
    if isinstance(other, _SCALARS):
        return other
    if isinstance(other, np.generic):
        return other.item()
    if isinstance(other, np.ndarray):
        return _core.from_numpy(np.asarray(other, order="C"))
    return None
