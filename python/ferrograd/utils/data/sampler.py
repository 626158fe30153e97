"""Samplers: iterables of dataset indices (``Sampler`` and its kinds) and ``BatchSampler``,
which groups another sampler's indices into lists. Every sampler yields its indices lazily, so a
loader's first batch costs the same whatever the sampler's length."""

from __future__ import annotations

import itertools
import math
import numbers
from typing import Generic, TypeVar

from .generator import Generator, _seed_from_global

__all__ = [
    "BatchSampler",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
]


def _check_positive_int(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{name} should be a positive integer value, but got {name}={value}")


def _generator_for_epoch(generator) -> Generator:
    """``generator`` itself, or (when none is given) a new one seeded from the global
    generator, so ``ferrograd.manual_seed`` makes the order reproducible."""
    if generator is not None:
        return generator
    return Generator().manual_seed(_seed_from_global())


T_co = TypeVar("T_co", covariant=True)


class Sampler(Generic[T_co]):
    """Base class: subclasses implement ``__iter__`` (yielding indices or lists of indices)
    and, when they know it, ``__len__``.

    Examples:
        >>> import ferrograd
        >>> class Reversed(ferrograd.utils.data.Sampler):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter(range(self.n - 1, -1, -1))
        ...     def __len__(self):
        ...         return self.n
        >>> list(Reversed(4))
        [3, 2, 1, 0]
    """

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    """``0, 1, ..., len(data_source) - 1``.

    Examples:
        >>> import ferrograd
        >>> list(ferrograd.utils.data.SequentialSampler(['a', 'b', 'c']))
        [0, 1, 2]
    """

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A shuffled order of the indices, a new one each pass. Without ``replacement``,
    ``num_samples`` (default: the dataset's length) may exceed the length: whole permutations
    follow each other. With ``replacement``, indices are drawn independently, 32 at a time, so
    any ``num_samples`` streams.

    Examples:
        >>> import ferrograd
        >>> sampler = ferrograd.utils.data.RandomSampler(range(5))
        >>> sorted(sampler)  # each index once, in a shuffled order
        [0, 1, 2, 3, 4]
    """

    def __init__(
        self, data_source, replacement: bool = False, num_samples=None, generator=None
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={replacement}"
            )
        _check_positive_int("num_samples", self.num_samples)

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        generator = _generator_for_epoch(self.generator)
        rng = generator._rng
        if self.replacement:
            full, rest = divmod(self.num_samples, 32)
            for _ in range(full):
                yield from rng.integers(0, n, 32).tolist()
            yield from rng.integers(0, n, rest).tolist()
        else:
            full, rest = divmod(self.num_samples, n)
            for _ in range(full):
                yield from rng.permutation(n).tolist()
            if rest:
                yield from rng.permutation(n)[:rest].tolist()

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a shuffled order (a new one each pass).

    Examples:
        >>> import ferrograd
        >>> sampler = ferrograd.utils.data.SubsetRandomSampler([2, 5, 7])
        >>> sorted(sampler)
        [2, 5, 7]
    """

    def __init__(self, indices, generator=None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        order = _generator_for_epoch(self.generator)._rng.permutation(len(self.indices))
        for i in order.tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probabilities proportional to ``weights`` (with
    replacement by default; drawn in chunks, so a long run streams).

    Examples:
        >>> import ferrograd
        >>> sampler = ferrograd.utils.data.WeightedRandomSampler([0.0, 1.0, 0.0], num_samples=4)
        >>> list(sampler)  # only index 1 has any weight
        [1, 1, 1, 1]
    """

    _CHUNK = 1 << 16

    def __init__(self, weights, num_samples: int, replacement: bool = True, generator=None) -> None:
        from ... import _creation

        _check_positive_int("num_samples", num_samples)
        if not isinstance(replacement, bool):
            raise ValueError(
                f"replacement should be a boolean value, but got replacement={replacement}"
            )
        weights = _creation.as_tensor(weights, dtype="float64")
        if weights.ndim != 1:
            raise ValueError(
                "weights should be a 1d sequence but given weights have shape "
                f"{tuple(weights.shape)}"
            )
        self.weights = weights
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        from ..._surface import multinomial

        generator = _generator_for_epoch(self.generator)
        if not self.replacement:
            yield from multinomial(
                self.weights, self.num_samples, False, generator=generator
            ).tolist()
            return
        left = self.num_samples
        while left > 0:
            size = min(left, self._CHUNK)
            yield from multinomial(self.weights, size, True, generator=generator).tolist()
            left -= size

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups ``sampler``'s indices into lists of ``batch_size`` (the last one shorter, or
    dropped with ``drop_last``), taking indices from the sampler only as batches are asked
    for.

    Examples:
        >>> import ferrograd
        >>> sampler = ferrograd.utils.data.SequentialSampler(range(5))
        >>> list(ferrograd.utils.data.BatchSampler(sampler, batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler, batch_size: int, drop_last: bool) -> None:
        _check_positive_int("batch_size", batch_size)
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        indices = iter(self.sampler)
        while True:
            batch = list(itertools.islice(indices, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
