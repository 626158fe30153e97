"""Handles returned by ``register_hook`` and friends."""

__all__ = ["RemovableHandle"]


class RemovableHandle:
    """Removes the hook it was returned for: ``handle.remove()`` or leaving a ``with`` block."""

    __slots__ = ("_node", "id")

    def __init__(self, node, hook_id: int):
        self._node = node
        self.id = hook_id

    def remove(self) -> None:
        self._node.remove_hook(self.id)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()
