"""``ferrograd.nn``: modules, layers, losses, ``functional``, ``init`` and ``utils``, with
PyTorch's names."""

from . import functional, init, utils
from .modules import *  # noqa: F403
from .modules import __all__ as _modules_all
from .parameter import Parameter

__all__ = [*_modules_all, "Parameter", "functional", "init", "utils"]
