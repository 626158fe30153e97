"""``torch.amp``: automatic mixed precision. ``autocast`` regions run PyTorch's lower-precision
ops (matrix products, linear maps, convolutions) in float16 or bfloat16 and its float32 ops
(losses) in float32 (see ``ferrograd._autocast``); ``GradScaler`` scales losses and unscales
gradients as PyTorch's."""

from .autocast_mode import (
    autocast,
    get_autocast_dtype,
    is_autocast_available,
    is_autocast_enabled,
)
from .grad_scaler import GradScaler

__all__ = [
    "GradScaler",
    "autocast",
    "get_autocast_dtype",
    "is_autocast_available",
    "is_autocast_enabled",
]
