"""``torch.distributed``: ferrograd has no process groups (no ``init_process_group``, no
collectives), so ``is_available()`` is false and nothing is ever initialized. The queries exist so
that code guarding its distributed path (``dist.is_available() and dist.is_initialized()``) runs
unchanged; asking for a rank or world size raises PyTorch's error for an uninitialized group."""

_NOT_INITIALIZED = (
    "Default process group has not been initialized, please make sure to call init_process_group."
)

__all__ = ["get_rank", "get_world_size", "is_available", "is_initialized"]


def is_available() -> bool:
    """False: ferrograd cannot run process groups."""
    return False


def is_initialized() -> bool:
    """False: no process group is ever initialized."""
    return False


def get_rank(group=None) -> int:
    raise ValueError(_NOT_INITIALIZED)


def get_world_size(group=None) -> int:
    raise ValueError(_NOT_INITIALIZED)
