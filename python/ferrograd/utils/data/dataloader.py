"""``DataLoader``: batches of a dataset, in the calling process or from worker processes.

The loader turns its options into an *index sampler* (a ``BatchSampler`` over the sampler when
batching, else the sampler itself) and reads it lazily, one batch ahead at a time (or
``prefetch_factor`` batches per worker), so a sampler of any length costs nothing up front.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic

from .collate import default_collate, default_convert
from .dataset import IterableDataset, T_co
from .fetch import make_fetcher
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

if TYPE_CHECKING:
    from ..._random import Generator
    from .dataset import Dataset

__all__ = ["DataLoader"]


class _InfiniteConstantSampler(Sampler):
    """``None`` forever: the index sampler of an ``IterableDataset`` (only the count of
    samples per batch matters)."""

    def __iter__(self):
        return itertools.repeat(None)


_FIXED_AFTER_INIT = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset")


class DataLoader(Generic[T_co]):
    """Iterates over a dataset in batches.

    Each epoch (each ``iter(loader)``) takes the sample indices from the sampler (in order,
    or a new random permutation each epoch with ``shuffle=True``), groups them into batches
    of ``batch_size`` and collates each batch's samples with ``collate_fn``: by default
    tensors, NumPy arrays and numbers are stacked into one tensor per field, and tuples,
    lists and dicts keep their structure.

    Args:
        dataset: a map-style dataset (``__getitem__`` and ``__len__``) or an iterable one.
        batch_size: the samples per batch; ``None`` yields samples one at a time (converted
            by ``default_convert``, not stacked).
        shuffle: draw a new order of the samples each epoch.
        sampler: the order of the indices (a ``Sampler`` or an iterable); excludes
            ``shuffle``.
        batch_sampler: yields whole batches of indices; excludes ``batch_size``, ``shuffle``,
            ``sampler`` and ``drop_last``.
        num_workers: load in this many worker processes (0: in this process). Worker ``i`` is
            seeded with ``base_seed + i`` (``random``, ferrograd's and NumPy's generators),
            then runs ``worker_init_fn(i)``; ``get_worker_info()`` describes it. Batches come
            back in sampler order, and an exception in a worker is raised again here with the
            worker's traceback.
        collate_fn: merges a list of samples into a batch (``default_collate`` by default).
        pin_memory: accepted; on the CPU there is nothing to pin.
        drop_last: drop the last batch when it is smaller than ``batch_size``.
        timeout: the most seconds to wait for a batch from the workers (0: no limit).
        worker_init_fn: called in each worker with its id, after seeding.
        multiprocessing_context: the start method of the workers (the platform's default
            otherwise).
        generator: the random number generator behind ``shuffle`` and the workers' base seed
            (the global one otherwise).
        prefetch_factor: the batches each worker loads ahead (2 by default; workers only).
        persistent_workers: keep the workers alive between epochs.
        pin_memory_device: accepted for compatibility.
        in_order: return batches in sampler order (always the case here).

    Raises:
        ValueError: conflicting or out-of-range options (as PyTorch's messages say).

    Examples:
        >>> import ferrograd
        >>> from ferrograd.utils.data import DataLoader, TensorDataset
        >>> dataset = TensorDataset(ferrograd.arange(10.0).reshape(5, 2), ferrograd.arange(5))
        >>> loader = DataLoader(dataset, batch_size=2)
        >>> for features, labels in loader:
        ...     print(tuple(features.shape), labels)
        (2, 2) tensor([0, 1])
        (2, 2) tensor([2, 3])
        (1, 2) tensor([4])
        >>> len(loader), len(DataLoader(dataset, batch_size=2, drop_last=True))
        (3, 2)
    """

    def __init__(
        self,
        dataset: Dataset[T_co],
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler[Any] | Iterable[Any] | None = None,
        batch_sampler: Sampler[list[Any]] | Iterable[list[Any]] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing.let "
                "num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to "
                "None."
            )
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if batch_size is not None and (
            isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0
        ):
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.in_order = in_order
        self._iterable = isinstance(dataset, IterableDataset)

        if self._iterable:
            if shuffle not in (None, False):
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified shuffle option, but "
                    f"got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified sampler option, but "
                    f"got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified batch_sampler "
                    f"option, but got batch_sampler={batch_sampler}"
                )
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with "
                "drop_last"
            )
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.multiprocessing_context = multiprocessing_context
        self._iterator = None
        if pin_memory:
            from ... import cuda

            if not cuda.is_available():
                warnings.warn(
                    "'pin_memory' argument is set as true but no accelerator is found, then "
                    "device pinned memory won't be used.",
                    stacklevel=2,
                )
        self.__initialized = True

    def __setattr__(self, name, value):
        if self.__dict__.get("_DataLoader__initialized") and name in (
            *_FIXED_AFTER_INIT,
            "persistent_workers",
        ):
            raise ValueError(
                f"{name} attribute should not be set after {type(self).__name__} is initialized"
            )
        super().__setattr__(name, value)

    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context) -> None:
        if context is not None:
            if self.num_workers == 0:
                raise ValueError(
                    "multiprocessing_context can only be used with multi-process loading "
                    f"(num_workers > 0), but got num_workers={self.num_workers}"
                )
            if isinstance(context, str):
                methods = multiprocessing.get_all_start_methods()
                if context not in methods:
                    raise ValueError(
                        "multiprocessing_context option should specify a valid start method in "
                        f"{methods!r}, but got multiprocessing_context={context!r}"
                    )
                context = multiprocessing.get_context(context)
            elif not isinstance(context, multiprocessing.context.BaseContext):
                raise TypeError(
                    "multiprocessing_context option should be a valid context object or a "
                    "string specifying the start method, but got "
                    f"multiprocessing_context={context}"
                )
        self.__multiprocessing_context = context

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        """What the loader iterates: lists of indices when batching, single indices if not."""
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self) -> Iterator[Any]:
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        from .multiprocess import _MultiProcessIter

        if not self.persistent_workers:
            return _MultiProcessIter(self)
        if self._iterator is None:
            self._iterator = _MultiProcessIter(self)
        else:
            self._iterator._reset(self)
        return self._iterator

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
            return n
        return len(self._index_sampler)

    def check_worker_number_rationality(self) -> None:
        """Warns when more workers are asked for than this process may run on CPUs."""
        if self.num_workers == 0:
            return
        try:
            cpus = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            cpus = os.cpu_count()
        if cpus is not None and self.num_workers > cpus:
            warnings.warn(
                f"This DataLoader will create {self.num_workers} worker processes in total. Our "
                f"suggested max number of worker in current system is {cpus}, which is smaller "
                "than what this DataLoader is going to create. Please be aware that excessive "
                "worker creation might get DataLoader running slow or even freeze, lower the "
                "worker number to avoid potential slowness/freeze if necessary.",
                stacklevel=3,
            )


def _draw_base_seed(generator) -> int:
    """The workers' base seed, from the loader's generator or the global one."""
    from .generator import _seed_from_global

    if generator is not None:
        return int(generator._rng.integers(0, 2**63 - 1))
    return _seed_from_global()


class _BaseIter:
    """What every loader iterator shares: the index sampler's iterator and ``len``."""

    def __init__(self, loader: DataLoader) -> None:
        self._dataset = loader.dataset
        self._iterable = loader._iterable
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._collate_fn = loader.collate_fn
        self._index_sampler = loader._index_sampler
        self._sampler_iter = iter(self._index_sampler)
        # Drawn whether or not there are workers, as PyTorch does, so a seeded generator gives
        # the same shuffle with and without them.
        self._base_seed = _draw_base_seed(loader.generator)
        self._loader_len = loader.__len__

    def __iter__(self):
        return self

    def __len__(self) -> int:
        return self._loader_len()

    def _next_index(self):
        return next(self._sampler_iter)


class _SingleProcessIter(_BaseIter):
    def __init__(self, loader: DataLoader) -> None:
        super().__init__(loader)
        if loader.timeout != 0:
            raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
        self._fetcher = make_fetcher(
            self._iterable, self._dataset, self._auto_collation, self._collate_fn, self._drop_last
        )

    def __next__(self):
        return self._fetcher.fetch(self._next_index())
