"""``DataLoader``: batches of a dataset, optionally shuffled with a seeded ``Generator``."""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..._base import TensorBase
from .generator import randperm


def default_collate(batch):
    """Stacks a list of samples: tensors are stacked, numbers become a tensor, and tuples, lists
    and dicts are collated field by field."""
    from ... import _creation
    from ..._tensor_functions import stack

    first = batch[0]
    if isinstance(first, TensorBase):
        return stack(list(batch), 0)
    if isinstance(first, np.ndarray):
        return _creation.tensor(np.stack(batch))
    if isinstance(first, bool):
        return _creation.tensor(list(batch), dtype="bool")
    if isinstance(first, numbers.Integral):
        return _creation.tensor(list(batch), dtype="int64")
    if isinstance(first, numbers.Real):
        return _creation.tensor(list(batch), dtype="float64")
    if isinstance(first, (str, bytes)):
        return list(batch)
    if isinstance(first, dict):
        return {key: default_collate([sample[key] for sample in batch]) for key in first}
    if isinstance(first, tuple) and hasattr(first, "_fields"):
        return type(first)(*(default_collate(list(field)) for field in zip(*batch, strict=True)))
    if isinstance(first, (tuple, list)):
        if any(len(s) != len(first) for s in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(field)) for field in zip(*batch, strict=True)]
    raise TypeError(
        f"default_collate: batch must contain tensors, numbers, dicts or lists; found {type(first)}"
    )


class DataLoader:
    """Iterates over ``dataset`` in batches of ``batch_size`` (``shuffle`` draws a new order
    each epoch from ``generator``, or from the global seed). ``num_workers`` is accepted for
    compatibility; loading runs in the calling thread."""

    def __init__(
        self,
        dataset,
        batch_size=1,
        shuffle: bool = False,
        sampler=None,
        batch_sampler=None,
        num_workers: int = 0,
        collate_fn=None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn=None,
        generator=None,
        *,
        prefetch_factor=None,
        persistent_workers: bool = False,
    ):
        if batch_size is not None and (not isinstance(batch_size, int) or batch_size <= 0):
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        self.dataset, self.batch_size, self.shuffle = dataset, batch_size, shuffle
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.num_workers, self.drop_last, self.generator = num_workers, drop_last, generator
        self.collate_fn = collate_fn

    def _order(self):
        if self.sampler is not None:
            return list(iter(self.sampler))
        n = len(self.dataset)
        return randperm(n, self.generator).tolist() if self.shuffle else list(range(n))

    def _batches(self):
        if self.batch_sampler is not None:
            yield from self.batch_sampler
            return
        order = self._order()
        if self.batch_size is None:
            yield from ([i] for i in order)
            return
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            if len(batch) < self.batch_size and self.drop_last:
                return
            yield batch

    def __iter__(self):
        fast = self.collate_fn is None and hasattr(self.dataset, "_batch")
        for indices in self._batches():
            if self.batch_size is None and self.batch_sampler is None:
                yield self.dataset[indices[0]]
            elif fast:
                yield list(self.dataset._batch(indices))
            else:
                samples = [self.dataset[i] for i in indices]
                yield (self.collate_fn or default_collate)(samples)

    def __len__(self) -> int:
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        n = len(self.sampler) if self.sampler is not None else len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
