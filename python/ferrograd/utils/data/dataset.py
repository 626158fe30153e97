"""Datasets: ``Dataset`` (map-style base), ``IterableDataset`` (stream base), ``TensorDataset``,
``StackDataset``, ``Subset``, ``ConcatDataset``, ``ChainDataset`` and ``random_split``."""

from __future__ import annotations

import bisect
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..._base import TensorBase
from .generator import randperm

if TYPE_CHECKING:
    from ..._random import Generator
    from ..._tensor import Tensor

__all__ = [
    "ChainDataset",
    "ConcatDataset",
    "Dataset",
    "IterableDataset",
    "StackDataset",
    "Subset",
    "TensorDataset",
    "random_split",
]

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """Base class of map-style datasets: a subclass implements ``__getitem__(index)`` returning
    one sample (and usually ``__len__``), which ``DataLoader`` reads by index. A dataset may
    also implement ``__getitems__(indices)`` returning a list of samples, which the loader
    then calls once per batch. ``a + b`` concatenates two datasets.

    Examples:
        >>> from ferrograd.utils.data import Dataset
        >>> class Squares(Dataset):
        ...     def __len__(self):
        ...         return 4
        ...
        ...     def __getitem__(self, index):
        ...         return index, index ** 2
        >>> Squares()[3], len(Squares() + Squares())
        ((3, 9), 8)
    """

    def __getitem__(self, index: Any) -> T_co:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset[Any]) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co]):
    """A dataset read as a stream: implement ``__iter__``. With several loader workers each
    worker iterates its own copy; split the work with ``get_worker_info()`` inside
    ``__iter__``, or every worker yields every sample. ``a + b`` chains.

    Examples:
        >>> import ferrograd
        >>> class Count(ferrograd.utils.data.IterableDataset):
        ...     def __iter__(self):
        ...         return iter(range(3))
        >>> list(Count())
        [0, 1, 2]
    """

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other: Dataset[Any]) -> ChainDataset:
        return ChainDataset([self, other])


class TensorDataset(Dataset[tuple["Tensor", ...]]):
    """A dataset whose samples are the rows of tensors that share their first dimension: sample
    ``i`` is ``tuple(t[i] for t in tensors)``.

    Args:
        *tensors: tensors with the same size of their first dimension.

    Raises:
        ValueError: the first dimensions differ.

    Examples:
        >>> import ferrograd
        >>> from ferrograd.utils.data import TensorDataset
        >>> features = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> dataset = TensorDataset(features, ferrograd.tensor([0, 1]))
        >>> len(dataset), dataset[1]
        (2, (tensor([3., 4.]), tensor(1)))
    """

    def __init__(self, *tensors: Tensor) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        n = tensors[0].shape[0] if tensors[0].ndim else None
        for t in tensors:
            if not isinstance(t, TensorBase):
                raise TypeError(f"TensorDataset expects tensors, got {type(t).__name__}")
            if t.ndim == 0 or t.shape[0] != n:
                raise ValueError(
                    "Size mismatch between tensors: all tensors need the same size in the first "
                    "dimension"
                )
        self.tensors = tuple(tensors)

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def _batch(self, indices):
        """The samples at ``indices`` already collated (one ``index_select`` per tensor): what
        ``default_collate`` makes of them, without a tensor per sample."""
        from ... import _creation

        idx = _creation.tensor(list(indices), dtype="int64")
        return tuple(t.index_select(0, idx.to(t.device)) for t in self.tensors)


class StackDataset(Dataset[Any]):
    """Zips datasets of one length: ``StackDataset(a, b)[i] == (a[i], b[i])``;
    ``StackDataset(x=a, y=b)[i] == {'x': a[i], 'y': b[i]}``.

    Examples:
        >>> import ferrograd
        >>> images = ferrograd.utils.data.TensorDataset(ferrograd.arange(3))
        >>> ds = ferrograd.utils.data.StackDataset(x=images, y=[10, 20, 30])
        >>> ds[1]
        {'x': (tensor(1),), 'y': 20}
    """

    def __init__(self, *args, **kwargs) -> None:
        if args and kwargs:
            raise ValueError(
                "Supported either ``tuple``- (via ``args``) or``dict``- (via ``kwargs``) like "
                "input/output, but both types are given."
            )
        datasets = list(args) or list(kwargs.values())
        if not datasets:
            raise ValueError("At least one dataset should be passed")
        self._length = len(datasets[0])
        if any(len(d) != self._length for d in datasets):
            raise ValueError("Size mismatch between datasets")
        self.datasets = tuple(args) if args else dict(kwargs)

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {key: d[index] for key, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __getitems__(self, indices: list) -> list:
        named = isinstance(self.datasets, dict)
        columns = {}
        for key, d in self.datasets.items() if named else enumerate(self.datasets):
            if hasattr(d, "__getitems__"):
                column = d.__getitems__(indices)
                if len(column) != len(indices):
                    raise ValueError(
                        "Nested dataset's output size mismatch. "
                        f"Expected {len(indices)}, got {len(column)}"
                    )
            else:
                column = [d[i] for i in indices]
            columns[key] = column
        if named:
            return [{key: columns[key][j] for key in columns} for j in range(len(indices))]
        return [tuple(columns[k][j] for k in columns) for j in range(len(indices))]

    def __len__(self) -> int:
        return self._length


class Subset(Dataset[T_co]):
    """The samples of ``dataset`` at ``indices``, in that order.

    Examples:
        >>> import ferrograd
        >>> ds = ferrograd.utils.data.TensorDataset(ferrograd.arange(5))
        >>> sub = ferrograd.utils.data.Subset(ds, [4, 0])
        >>> len(sub), sub[0]
        (2, (tensor(4),))
    """

    def __init__(self, dataset: Dataset[T_co], indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list) -> list:
        mapped = [self.indices[i] for i in indices]
        if hasattr(self.dataset, "__getitems__"):
            return self.dataset.__getitems__(mapped)
        return [self.dataset[i] for i in mapped]

    def __len__(self) -> int:
        return len(self.indices)

    def _batch(self, indices):
        if hasattr(self.dataset, "_batch"):
            return self.dataset._batch([self.indices[i] for i in indices])
        raise AttributeError("_batch")


class ConcatDataset(Dataset[Any]):
    """The samples of several map-style datasets, one after another.

    Examples:
        >>> import ferrograd
        >>> a = ferrograd.utils.data.TensorDataset(ferrograd.arange(2))
        >>> b = ferrograd.utils.data.TensorDataset(ferrograd.arange(10, 13))
        >>> both = ferrograd.utils.data.ConcatDataset([a, b])
        >>> len(both), both[2]
        (5, (tensor(10),))
    """

    def __init__(self, datasets: Iterable[Dataset[Any]]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(_running_sums(len(d) for d in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][idx - start]

    @property
    def cummulative_sizes(self):
        warnings.warn(
            "cummulative_sizes attribute is renamed to cumulative_sizes",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.cumulative_sizes


def _running_sums(values):
    total = 0
    for value in values:
        total += value
        yield total


class ChainDataset(IterableDataset[Any]):
    """The samples of several iterable datasets, one stream after another (no copy; built as
    it is iterated).

    Examples:
        >>> import ferrograd
        >>> class Count(ferrograd.utils.data.IterableDataset):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter(range(self.n))
        >>> list(ferrograd.utils.data.ChainDataset([Count(2), Count(3)]))
        [0, 1, 0, 1, 2]
    """

    def __init__(self, datasets: Iterable[Dataset[Any]]) -> None:
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self) -> int:
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            total += len(d)
        return total


def random_split(
    dataset: Dataset[T_co],
    lengths: Sequence[int | float],
    generator: Generator | None = None,
) -> list[Subset[T_co]]:
    """Splits a dataset into non-overlapping random subsets.

    Args:
        dataset: the dataset to split.
        lengths: the lengths of the subsets, summing to ``len(dataset)``; or fractions summing
            to 1, whose lengths are ``floor(fraction * len(dataset))`` with the remainder
            distributed one by one to the first subsets.
        generator: the random number generator of the permutation (the global one otherwise).

    Returns:
        A list of ``Subset``s.

    Raises:
        ValueError: the lengths do not add up to the dataset's length (or the fractions to 1).

    Examples:
        >>> import ferrograd
        >>> from ferrograd.utils.data import random_split
        >>> generator = ferrograd.Generator().manual_seed(0)
        >>> train, test = random_split(range(10), [0.7, 0.3], generator=generator)
        >>> len(train), len(test), sorted(list(train) + list(test)) == list(range(10))
        (7, 3, True)
    """
    n = len(dataset)
    lengths = list(lengths)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = []
        for i, fraction in enumerate(lengths):
            if not 0 <= fraction <= 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            counts.append(math.floor(n * fraction))
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, count in enumerate(counts):
            if count == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in an empty dataset.",
                    stacklevel=2,
                )
        lengths = counts
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = randperm(sum(lengths), generator).tolist()
    out, offset = [], 0
    for length in lengths:
        out.append(Subset(dataset, order[offset : offset + length]))
        offset += length
    return out
