"""``ferrograd.nn``: modules, layers, losses, ``functional``, ``init`` and ``utils``, with
PyTorch's names.

``nn.parallel.DistributedDataParallel`` trains one model copy per process (see
``ferrograd.distributed``). ``nn.DataParallel`` is deliberately absent: on CPU it could only be a
pass-through wrapper that pretends to parallelize; use ``DistributedDataParallel``."""

from . import _functional_docs, attention, functional, init, modules, parallel, utils
from .modules import *  # noqa: F403
from .modules import _docs as _layer_docs
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter

_layer_docs.complete(globals())
_functional_docs.complete(functional)

__all__ = [
    "Buffer",
    "Parameter",
    "UninitializedBuffer",
    "UninitializedParameter",
    "attention",
    "functional",
    "init",
    "parallel",
    "utils",
]
__all__ += modules.__all__
