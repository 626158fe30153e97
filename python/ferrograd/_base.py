"""The root every mixin builds on: ``TensorBase``, the engine's tensor class ``_core.TensorImpl``
as seen from Python. Its methods are the engine's, named with a leading underscore; the mixins
build the public API on them."""

from __future__ import annotations

import numpy as np

from . import _core

_SCALARS = (int, float, bool)


class TensorBase(_core.TensorImpl):
    """Root of ``Tensor``. Engine results come back as instances of the registered ``Tensor``
    class directly (see ``_tensor.py``), so no Python object wraps another."""

    __slots__ = ()


def operand(other):
    """The form of a binary operation's other operand that the engine takes (a tensor or a
    Python number), or ``None`` for a type tensors do not combine with."""
    if isinstance(other, (TensorBase, *_SCALARS)):
        return other
    if isinstance(other, (np.generic, np.ndarray)):
        return other  # converted by the engine (a NumPy scalar as a number, an array copied)
    return None
