"""``ferrograd.nn``: modules, layers, losses, ``functional``, ``init`` and ``utils``, with
PyTorch's names."""

from . import functional, init, modules, utils
from .modules import *  # noqa: F403
from .parameter import Parameter

__all__ = ["Parameter", "functional", "init", "utils"]
__all__ += modules.__all__
