"""Graph nodes as Python objects (``tensor.grad_fn``): ``name()``, ``next_functions``. Each node
type shows as its PyTorch class name, e.g. ``type(z.grad_fn).__name__ == "MulBackward0"``."""

from __future__ import annotations


class Node:
    """A node of the backward graph."""

    __slots__ = ("_n",)

    def name(self) -> str:
        return self._n.name()

    @property
    def next_functions(self) -> tuple:
        """``((node or None, input slot), ...)``: where this node sends each input's gradient."""
        return tuple((node_from_handle(n), nr) for n, nr in self._n.next_functions)

    def register_hook(self, hook):
        """Calls ``hook(grad_inputs, grad_outputs)`` after this node ran; a returned tuple
        replaces ``grad_inputs``."""
        from .._base import wrap_optional
        from ..utils.hooks import RemovableHandle

        def call(grad_inputs, grad_outputs):
            result = hook(tuple(map(wrap_optional, grad_inputs)), tuple(map(wrap_optional, grad_outputs)))
            return None if result is None else [None if g is None else g._c for g in result]

        return RemovableHandle(self._n, self._n.register_hook(call))

    def register_prehook(self, hook):
        """Calls ``hook(grad_outputs)`` before this node runs; a returned tuple replaces them."""
        from .._base import wrap_optional
        from ..utils.hooks import RemovableHandle

        def call(grad_outputs):
            result = hook(tuple(map(wrap_optional, grad_outputs)))
            return None if result is None else [None if g is None else g._c for g in result]

        return RemovableHandle(self._n, self._n.register_prehook(call))

    def __eq__(self, other) -> bool:
        return isinstance(other, Node) and self._n.key() == other._n.key()

    def __hash__(self) -> int:
        return hash(self._n.key())

    def __repr__(self) -> str:
        return f"<{self.name()} object at {hex(id(self))}>"


_NODE_TYPES: dict[str, type] = {}


def node_from_handle(handle):
    """Wraps an engine node in the ``Node`` subclass named after its operation."""
    if handle is None:
        return None
    name = handle.name()
    cls = _NODE_TYPES.get(name)
    if cls is None:
        cls = _NODE_TYPES[name] = type(name, (Node,), {"__slots__": ()})
    node = object.__new__(cls)
    node._n = handle
    return node
