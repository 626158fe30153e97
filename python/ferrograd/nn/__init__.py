"""``ferrograd.nn``: modules, layers, losses, ``functional``, ``init`` and ``utils``, with
PyTorch's names.

``nn.DataParallel`` (and ``nn.parallel``) is deliberately absent: on CPU it could only be a
pass-through wrapper that pretends to parallelize. The distributed work brings the real thing;
until then a model runs as it is."""

from . import attention, functional, init, modules, utils
from .modules import *  # noqa: F403
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter

__all__ = [
    "Buffer",
    "Parameter",
    "UninitializedBuffer",
    "UninitializedParameter",
    "attention",
    "functional",
    "init",
    "utils",
]
__all__ += modules.__all__
