"""Datasets: ``Dataset`` (map-style base), ``TensorDataset``, ``Subset``, ``ConcatDataset`` and
``random_split``."""

from __future__ import annotations

import bisect
import math

from ..._base import TensorBase
from .generator import randperm


class Dataset:
    """A map-style dataset: implement ``__getitem__`` (and ``__len__``)."""

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """Samples are the rows of tensors that share their first dimension."""

    def __init__(self, *tensors):
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

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def _batch(self, indices):
        """The samples at ``indices`` already stacked (one ``index_select`` per tensor)."""
        from ... import _creation

        idx = _creation.tensor(list(indices), dtype="int64")
        return tuple(t.index_select(0, idx.to(t.device)) for t in self.tensors)


class Subset(Dataset):
    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, list(indices)

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)

    def _batch(self, indices):
        if hasattr(self.dataset, "_batch"):
            return self.dataset._batch([self.indices[i] for i in indices])
        raise AttributeError("_batch")


class ConcatDataset(Dataset):
    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("datasets should not be an empty iterable")
        self.cumulative_sizes = []
        total = 0
        for d in self.datasets:
            total += len(d)
            self.cumulative_sizes.append(total)

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


def random_split(dataset, lengths, generator=None):
    """Splits ``dataset`` into non-overlapping ``Subset``s of the given lengths (or fractions
    summing to 1), in a random order drawn from ``generator``."""
    n = len(dataset)
    lengths = list(lengths)
    if (
        math.isclose(sum(lengths), 1)
        and sum(lengths) <= 1
        and any(isinstance(x, float) for x in lengths)
    ):
        counts = [math.floor(n * frac) for frac in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = randperm(n, generator).tolist()
    out, offset = [], 0
    for length in lengths:
        out.append(Subset(dataset, order[offset : offset + length]))
        offset += length
    return out
