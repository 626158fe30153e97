"""The root every mixin builds on: ``TensorBase``, the engine's tensor class ``_core.TensorImpl``
as seen from Python. Its methods are the engine's, named with a leading underscore; the mixins
build the public API on them."""

from __future__ import annotations

import numpy as np

from . import _core

# What a binary operation takes as its other operand; the engine converts it (`convert.rs`:
# a NumPy scalar as a number, a NumPy array copied).
_OPERAND_TYPES = (int, float, bool, np.generic, np.ndarray)


class TensorBase(_core.TensorImpl):
    """Root of ``Tensor``. Engine results come back as instances of the registered ``Tensor``
    class directly (see ``_tensor.py``), so no Python object wraps another."""

    __slots__ = ()


def is_operand(other) -> bool:
    """Whether tensors combine with ``other`` in a binary operation (else an operator returns
    ``NotImplemented``, so Python can try ``other``'s reflected method)."""
    # By type, not isinstance: objects that only pose as tensors through __class__ (vmap's
    # batched tensors) get NotImplemented, so their reflected operator runs.
    return issubclass(type(other), (TensorBase, *_OPERAND_TYPES))
