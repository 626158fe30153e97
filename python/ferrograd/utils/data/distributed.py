"""``DistributedSampler``: each of ``num_replicas`` processes reads its own share of a
dataset, as ``torch.utils.data.distributed.DistributedSampler`` does."""

from __future__ import annotations

import math

from .generator import Generator
from .sampler import Sampler

__all__ = ["DistributedSampler"]


def _process_group_value(name: str) -> int:
    """``num_replicas`` or ``rank`` from the default process group (PyTorch's ``ValueError``
    when there is none)."""
    from ... import distributed

    return distributed.get_world_size() if name == "num_replicas" else distributed.get_rank()


class DistributedSampler(Sampler):
    """Replica ``rank`` of ``num_replicas`` gets every ``num_replicas``-th index from position
    ``rank`` of an order that is the same on every replica (shuffled with ``seed + epoch``;
    call ``set_epoch`` each epoch). The order is padded by repeating its start so that each
    replica gets as many indices, or with ``drop_last`` cut to a multiple of the replicas.

    Examples:
        >>> import ferrograd
        >>> sampler = ferrograd.utils.data.DistributedSampler(
        ...     range(10), num_replicas=3, rank=1, shuffle=False
        ... )
        >>> list(sampler)  # padded to 12 indices, 4 a replica
        [1, 4, 7, 0]
    """

    def __init__(
        self,
        dataset,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        if num_replicas is None:
            num_replicas = _process_group_value("num_replicas")
        if rank is None:
            rank = _process_group_value("rank")
        if rank >= num_replicas or rank < 0:
            raise ValueError(
                f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]"
            )
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            order = Generator().manual_seed(self.seed + self.epoch).permutation(n).tolist()
        else:
            order = list(range(n))
        if self.drop_last:
            order = order[: self.total_size]
        else:
            missing = self.total_size - len(order)
            order += (order * math.ceil(missing / len(order)))[:missing] if missing else []
        return iter(order[self.rank : self.total_size : self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Sets the epoch, which (with ``seed``) decides the shuffled order."""
        self.epoch = epoch
