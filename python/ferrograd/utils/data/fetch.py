"""Fetchers: turn what the loader's index sampler yields into a batch, in the main process or
in a worker. Map-style datasets are indexed (``__getitems__`` when the dataset has it);
iterable ones are read from the dataset's own iterator."""

from __future__ import annotations

from .collate import default_collate

__all__: list[str] = []


class _MapFetcher:
    def __init__(self, dataset, auto_collation: bool, collate_fn, drop_last: bool) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        # TensorDataset (and Subsets of one) gather a batch with one index_select per tensor:
        # the same result default_collate would build from per-sample tensors.
        self.gathers = (
            auto_collation and collate_fn is default_collate and hasattr(dataset, "_batch")
        )

    def fetch(self, index):
        if not self.auto_collation:
            return self.collate_fn(self.dataset[index])
        if self.gathers:
            return list(self.dataset._batch(index))
        getitems = getattr(self.dataset, "__getitems__", None)
        samples = getitems(index) if getitems else [self.dataset[i] for i in index]
        return self.collate_fn(samples)


class _IterableFetcher:
    def __init__(self, dataset, auto_collation: bool, collate_fn, drop_last: bool) -> None:
        self.iterator = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.ended = False

    def fetch(self, index):
        """The next batch of ``len(index)`` samples (or the next sample without batching);
        raises ``StopIteration`` once the stream has nothing (or, with ``drop_last``, too
        little) left."""
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.iterator))
        samples = []
        for _ in index:
            try:
                samples.append(next(self.iterator))
            except StopIteration:
                self.ended = True
                break
        if not samples or (self.drop_last and len(samples) < len(index)):
            raise StopIteration
        return self.collate_fn(samples)


def make_fetcher(iterable: bool, dataset, auto_collation: bool, collate_fn, drop_last: bool):
    kind = _IterableFetcher if iterable else _MapFetcher
    return kind(dataset, auto_collation, collate_fn, drop_last)
