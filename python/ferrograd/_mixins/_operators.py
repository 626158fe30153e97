"""Factories for operator methods, shared by the arithmetic, comparison and logical mixins."""

from .._base import TensorBase, _new, _Registry, operand, wrap


def binary(name: str, doc: str):
    """``self <op> other``; ``NotImplemented`` for operand types tensors do not handle, so
    Python can try the other operand's reflected method."""

    # The tensor-tensor case inlines `operand` and `wrap`: this is the per-op hot path.
    def method(self, other, _new=_new, _registry=_Registry, _tensor=TensorBase):
        if isinstance(other, _tensor):
            t = _new(_registry.tensor_type)
            t._c = self._c.binary(name, other._c)
            return t
        o = operand(other)
        if o is None:
            return NotImplemented
        return wrap(self._c.binary(name, o))

    method.__doc__ = doc
    return method


def reflected(name: str, doc: str):
    """``other <op> self`` for a non-tensor ``other`` (``2 - x``, ``2 ** x``)."""

    def method(self, other):
        o = operand(other)
        if o is None:
            return NotImplemented
        return wrap(self._c.rbinary(name, o))

    method.__doc__ = doc
    return method


def inplace(name: str, doc: str):
    """``self <op>= other``: updates ``self`` in place and returns it (identity is kept)."""

    def method(self, other):
        o = operand(other)
        if o is None:
            return NotImplemented
        self._c.inplace(name, o)
        return self

    method.__doc__ = doc
    return method
