"""``torch.amp``: automatic mixed precision. ``autocast`` and ``GradScaler`` keep PyTorch's
interface; ferrograd has no float16 or bfloat16, so autocast regions run in the tensors' own
dtypes (see ``autocast_mode``), while the gradient scaler is complete and works at any precision."""

from .autocast_mode import autocast, is_autocast_available, is_autocast_enabled
from .grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast", "is_autocast_available", "is_autocast_enabled"]
