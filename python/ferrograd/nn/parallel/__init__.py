"""``torch.nn.parallel``: ``DistributedDataParallel`` (on ``ferrograd.distributed``).
``DataParallel`` (one process driving several devices) is not provided; see ``ferrograd.nn``."""

from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
