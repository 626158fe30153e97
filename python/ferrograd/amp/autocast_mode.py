"""``torch.amp.autocast_mode``: the autocast region and its queries (implemented in
``ferrograd._autocast``, where the ops it lists find it without importing this package)."""

from .._autocast import autocast, get_autocast_dtype, is_autocast_available, is_autocast_enabled

__all__ = ["autocast", "get_autocast_dtype", "is_autocast_available", "is_autocast_enabled"]
