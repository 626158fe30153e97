"""Factories for the operator methods that are not native (see ``ArithmeticMixin``), shared by the
arithmetic, comparison and logical mixins."""

from .._base import is_operand


def binary(name: str, doc: str):
    """``self <op> other``; ``NotImplemented`` for operand types tensors do not handle, so
    Python can try the other operand's reflected method."""

    def method(self, other):
        if not is_operand(other):
            return NotImplemented
        return self._binary(name, other)

    method.__doc__ = doc
    return method


def reflected(name: str, doc: str):
    """``other <op> self`` for a non-tensor ``other`` (``2 - x``, ``2 ** x``)."""

    def method(self, other):
        if not is_operand(other):
            return NotImplemented
        return self._rbinary(name, other)

    method.__doc__ = doc
    return method


def inplace(name: str, doc: str):
    """``self <op>= other``: updates ``self`` in place and returns it (identity is kept)."""

    def method(self, other):
        if not is_operand(other):
            return NotImplemented
        self._inplace(name, other)
        return self

    method.__doc__ = doc
    return method
