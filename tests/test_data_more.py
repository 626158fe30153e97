"""``utils.data`` beyond the basics: samplers, the other datasets, ``default_collate`` /
``default_convert`` over nested structures, the loader's options and errors, streaming a huge
sampler, and worker processes (order, seeds, ``get_worker_info``, persistence, errors with the
worker's traceback, timeouts, dead workers, shutdown, tensors crossing processes).

The expected behaviour is PyTorch's (its rules and messages); random draws are checked for
their properties (permutations, frequencies, reproducibility), since the generators differ.
Worker tests use small datasets and two workers, so they stay short on a busy 2-core machine.
"""

from __future__ import annotations

import collections
import itertools
import math
import os
import pickle
import random
import time
from multiprocessing.reduction import ForkingPickler

import numpy as np
import pytest

import ferrograd as fg
from ferrograd import nn
from ferrograd.utils.data import (
    BatchSampler,
    ChainDataset,
    ConcatDataset,
    DataLoader,
    Dataset,
    DistributedSampler,
    IterableDataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    StackDataset,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    default_convert,
    get_worker_info,
    random_split,
)


def gen(seed):
    return fg.Generator().manual_seed(seed)


# -- samplers -----------------------------------------------------------------------------------


def test_sequential_and_random_samplers():
    data = list(range(7))
    assert list(SequentialSampler(data)) == data and len(SequentialSampler(data)) == 7
    order = list(RandomSampler(data, generator=gen(0)))
    assert sorted(order) == data and order != data
    assert order == list(RandomSampler(data, generator=gen(0)))
    sampler = RandomSampler(data, generator=gen(1))
    assert list(sampler) != list(sampler)  # a new order each pass
    # more samples than items without replacement: whole permutations, then part of one
    long = list(RandomSampler(data, num_samples=17, generator=gen(2)))
    assert len(long) == 17 and sorted(long[:7]) == data and sorted(long[7:14]) == data
    assert len(set(long[14:])) == 3
    drawn = list(RandomSampler(data, replacement=True, num_samples=100, generator=gen(3)))
    assert len(drawn) == 100 and set(drawn) <= set(data) and len(set(drawn)) == 7
    assert len(RandomSampler(data, replacement=True, num_samples=100)) == 100
    fg.manual_seed(4)
    first = list(RandomSampler(data))
    fg.manual_seed(4)
    assert list(RandomSampler(data)) == first  # the global seed decides without a generator
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        RandomSampler(data, replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        RandomSampler(data, num_samples=0)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        RandomSampler([])


def test_subset_weighted_and_batch_samplers():
    indices = [10, 20, 30, 40]
    shuffled = list(SubsetRandomSampler(indices, generator=gen(0)))
    assert sorted(shuffled) == indices and len(SubsetRandomSampler(indices)) == 4

    weights = [1.0, 0.0, 3.0, 4.0]
    draws = list(WeightedRandomSampler(weights, 40000, generator=gen(1)))
    counts = collections.Counter(draws)
    assert 1 not in counts and len(draws) == 40000
    for index, weight in ((0, 1 / 8), (2, 3 / 8), (3, 4 / 8)):
        assert abs(counts[index] / 40000 - weight) < 0.015
    unique = list(WeightedRandomSampler(weights, 3, replacement=False, generator=gen(2)))
    assert sorted(unique) == [0, 2, 3]
    assert unique == list(WeightedRandomSampler(weights, 3, False, gen(2)))
    with pytest.raises(ValueError, match="weights should be a 1d sequence"):
        WeightedRandomSampler([[1.0, 2.0]], 2)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        WeightedRandomSampler(weights, 0)
    with pytest.raises(RuntimeError, match="without replacement"):
        list(WeightedRandomSampler(weights, 5, replacement=False))

    assert list(BatchSampler(range(7), 3, False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(range(7), 3, True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(BatchSampler(range(7), 3, False)) == 3 and len(BatchSampler(range(7), 3, True)) == 2
    for bad in (0, -1, 2.0, True):
        with pytest.raises(ValueError, match="batch_size should be a positive integer"):
            BatchSampler(range(3), bad, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean"):
        BatchSampler(range(3), 2, 1)


def test_distributed_sampler_shares_out_the_dataset():
    """The splits PyTorch makes (without shuffling, whose order depends on the generator)."""
    shares = [list(DistributedSampler(range(5), 3, r, shuffle=False)) for r in range(3)]
    assert shares == [[0, 3], [1, 4], [2, 0]]  # padded with the first indices
    shares = [list(DistributedSampler(range(5), 3, r, False, drop_last=True)) for r in range(3)]
    assert shares == [[0], [1], [2]] and len(DistributedSampler(range(5), 3, 0)) == 2
    replicas = [DistributedSampler(range(10), 2, r, seed=3) for r in range(2)]
    first = [list(s) for s in replicas]
    assert sorted(first[0] + first[1]) == list(range(10))
    for s in replicas:
        s.set_epoch(1)
    second = [list(s) for s in replicas]
    assert sorted(second[0] + second[1]) == list(range(10)) and second != first
    with pytest.raises(ValueError, match="Invalid rank 2, rank should be in the interval"):
        DistributedSampler(range(5), num_replicas=2, rank=2)
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        DistributedSampler(range(5))


class Endless(Sampler[int]):
    """10**10 indices, made one at a time (a list of them would not fit in memory)."""

    def __iter__(self):
        return (i % 5 for i in range(10**10))

    def __len__(self):
        return 10**10


SQUARES = TensorDataset(fg.arange(5, dtype=fg.float32) ** 2)


class Counted(Sampler[int]):
    """Another sampler's indices, counting how many were taken from it."""

    def __init__(self, inner):
        self.inner, self.taken = inner, 0

    def __iter__(self):
        for index in self.inner:
            self.taken += 1
            yield index

    def __len__(self):
        return len(self.inner)


@pytest.mark.parametrize("workers", [0, 2])
def test_loader_streams_a_huge_sampler(workers):
    """The first batches cost a few batches, not the sampler's length (PyTorch streams too)."""
    for inner in (Endless(), RandomSampler(SQUARES, replacement=True, num_samples=10**10)):
        sampler = Counted(inner)
        loader = DataLoader(SQUARES, batch_size=4, sampler=sampler, num_workers=workers)
        batches = iter(loader)
        (first,) = next(batches)
        second = next(batches)
        assert first.shape == (4,) and second[0].shape == (4,)
        # the batches read plus what the workers prefetch (2 each), not 1e10 indices
        assert 8 <= sampler.taken <= 4 * (2 + 2 * workers)
        assert len(loader) == 10**10 // 4
        del batches
    assert len(DataLoader(SQUARES, batch_size=3, sampler=Endless(), drop_last=False)) == math.ceil(
        10**10 / 3
    )
    if workers:  # each worker is at most prefetch_factor batches ahead
        batches = iter(DataLoader(SQUARES, sampler=Endless(), num_workers=2, prefetch_factor=3))
        next(batches)
        # 6 sent up front, 1 more for the batch returned; batches that arrived out of order wait
        # in _task_info, so how many are still in flight depends on timing, but not the total
        assert batches._send_idx == 7 and len(batches._task_info) == 6
        assert batches._tasks_outstanding <= 6


# -- datasets -----------------------------------------------------------------------------------


class Numbers(Dataset[int]):  # subscriptable, as PyTorch's generic base is
    def __init__(self, n, offset=0):
        self.n, self.offset = n, offset

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self.offset + i


class Counting(IterableDataset[int]):
    def __init__(self, n, start=0):
        self.n, self.start = n, start

    def __iter__(self):
        return iter(range(self.start, self.start + self.n))

    def __len__(self):
        return self.n


class Batched(Numbers):
    """Records the index lists its ``__getitems__`` gets."""

    def __init__(self, n):
        super().__init__(n)
        self.calls = []

    def __getitems__(self, indices):
        self.calls.append(list(indices))
        return [self[i] * 10 for i in indices]


def test_stack_subset_concat_and_chain_datasets():
    a, b = Numbers(3), Numbers(3, offset=100)
    assert StackDataset(a, b)[1] == (1, 101) and len(StackDataset(a, b)) == 3
    assert StackDataset(x=a, y=b)[2] == {"x": 2, "y": 102}
    batched = Batched(3)
    assert StackDataset(a, batched).__getitems__([0, 2]) == [(0, 0), (2, 20)]
    assert StackDataset(x=a, y=batched).__getitems__([1]) == [{"x": 1, "y": 10}]
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        StackDataset(a, Numbers(4))
    with pytest.raises(ValueError, match="both types are given"):
        StackDataset(a, y=b)

    subset = Subset(batched, [2, 0])
    assert subset[0] == 2 and len(subset) == 2
    assert subset.__getitems__([0, 1]) == [20, 0] and batched.calls[-1] == [2, 0]
    assert Subset(a, [2, 1]).__getitems__([1, 0]) == [1, 2]

    both = a + b
    assert isinstance(both, ConcatDataset) and len(both) == 6
    assert [both[i] for i in range(6)] == [0, 1, 2, 100, 101, 102]
    assert both[-1] == 102 and both[-6] == 0 and both.cumulative_sizes == [3, 6]
    with pytest.raises(ValueError, match="absolute value of index"):
        both[-7]
    with pytest.raises(AssertionError, match="does not support IterableDataset"):
        ConcatDataset([a, Counting(2)])
    with pytest.raises(AssertionError, match="should not be an empty iterable"):
        ConcatDataset([])
    with pytest.warns(DeprecationWarning, match="renamed to cumulative_sizes"):
        assert both.cummulative_sizes == [3, 6]

    chain = Counting(2) + Counting(3, start=10)
    assert isinstance(chain, ChainDataset) and list(chain) == [0, 1, 10, 11, 12]
    assert len(chain) == 5
    with pytest.raises(AssertionError, match="only supports IterableDataset"):
        list(ChainDataset([Counting(1), a]))


def test_random_split_lengths_fractions_and_generator():
    data = Numbers(11)
    parts = random_split(data, [0.5, 0.5], generator=gen(0))
    assert [len(p) for p in parts] == [6, 5]  # the remainder goes to the first split
    assert sorted(parts[0].indices + parts[1].indices) == list(range(11))
    again = random_split(data, [0.5, 0.5], generator=gen(0))
    assert again[0].indices == parts[0].indices
    assert [len(p) for p in random_split(Numbers(10), [0.3, 0.3, 0.4])] == [3, 3, 4]
    assert [len(p) for p in random_split(data, [4, 7])] == [4, 7]
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(Numbers(2), [1.0, 0.0])
    with pytest.raises(ValueError, match="Fraction at index 2 is not between 0 and 1"):
        random_split(data, [0.5, 0.7, -0.2])
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(data, [4, 4])


# -- collation ----------------------------------------------------------------------------------

Point = collections.namedtuple("Point", "x y")


def test_default_collate_nested_structures():
    batch = default_collate(
        [
            {"a": fg.tensor([1.0, 2.0]), "b": (1, "s0"), "c": [np.float32(0.5), b"x"]},
            {"a": fg.tensor([3.0, 4.0]), "b": (2, "s1"), "c": [np.float32(1.5), b"y"]},
        ]
    )
    assert batch["a"].tolist() == [[1.0, 2.0], [3.0, 4.0]]
    numbers, names = batch["b"]  # a tuple of fields becomes a list, as in PyTorch
    assert isinstance(batch["b"], list) and numbers.tolist() == [1, 2]
    assert numbers.dtype == fg.int64 and names == ("s0", "s1")
    assert batch["c"][0].dtype == fg.float32 and batch["c"][0].tolist() == [0.5, 1.5]
    assert batch["c"][1] == (b"x", b"y")

    points = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(points, Point) and points.x.tolist() == [1, 3]
    assert points.y.dtype == fg.float64
    ordered = default_collate([collections.OrderedDict(k=1), collections.OrderedDict(k=2)])
    assert type(ordered) is collections.OrderedDict and ordered["k"].tolist() == [1, 2]
    arrays = default_collate([np.array([1, 2], np.int32), np.array([3, 4], np.int32)])
    assert arrays.dtype == fg.int32 and arrays.tolist() == [[1, 2], [3, 4]]
    assert default_collate([True, False]).dtype == fg.bool
    assert default_collate([1.5, 2]).dtype == fg.float64
    assert default_collate([np.int32(1), np.int32(2)]).dtype == fg.int32
    assert default_collate([[1, 2], [3, 4]])[1].tolist() == [2, 4]
    assert default_collate(["a", "b"]) == ["a", "b"]
    assert default_collate([np.str_("a"), np.str_("b")]) == ["a", "b"]

    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal"):
        default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        default_collate([fg.zeros(2), fg.zeros(3)])
    with pytest.raises(TypeError, match="batch must contain tensors, numpy arrays, numbers"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="batch must contain tensors"):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_default_convert():
    converted = default_convert([np.array([1.0]), {"a": np.int64(2)}, (np.float32(3),), "s"])
    assert converted[0].dtype == fg.float64 and converted[0].tolist() == [1.0]
    assert converted[1]["a"].item() == 2 and isinstance(converted[2], list)
    assert converted[2][0].dtype == fg.float32 and converted[3] == "s"
    strings = np.array(["a"])
    assert default_convert(strings) is strings
    assert default_convert(range(3)) == [0, 1, 2]
    assert isinstance(default_convert(Point(np.int64(1), 2)), Point)


# -- the loader's options -----------------------------------------------------------------------


def test_loader_options_in_one_process():
    data = Numbers(7)
    assert [b.tolist() for b in DataLoader(data, batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert len(DataLoader(data, batch_size=3, drop_last=True)) == 2
    singles = list(DataLoader([np.array([1.0, 2.0]), np.array([3.0, 4.0])], batch_size=None))
    assert singles[0].dtype == fg.float64 and singles[1].tolist() == [3.0, 4.0]
    assert len(DataLoader(data, batch_size=None)) == 7
    grouped = DataLoader(data, batch_sampler=[[6, 0], [3]])
    assert [b.tolist() for b in grouped] == [[6, 0], [3]] and len(grouped) == 2
    joined = DataLoader(data, batch_size=4, collate_fn=lambda s: "".join(map(str, s)))
    assert list(joined) == ["0123", "456"]
    batched = Batched(5)
    assert [b.tolist() for b in DataLoader(batched, batch_size=2)] == [[0, 10], [20, 30], [40]]
    assert batched.calls == [[0, 1], [2, 3], [4]]  # __getitems__ fetches whole batches
    stream = DataLoader(Counting(7), batch_size=3, drop_last=True)
    assert [b.tolist() for b in stream] == [[0, 1, 2], [3, 4, 5]] and len(stream) == 2
    assert len(DataLoader(Counting(7), batch_size=3)) == 3
    assert list(DataLoader(Counting(2), batch_size=None)) == [0, 1]  # ints stay ints
    shuffled = DataLoader(data, batch_size=7, shuffle=True, generator=gen(0))
    assert sorted(next(iter(shuffled)).tolist()) == list(range(7))


@pytest.mark.parametrize(
    "kwargs,error,message",
    [
        (dict(num_workers=-1), ValueError, "num_workers option should be non-negative"),
        (dict(timeout=-1), ValueError, "timeout option should be non-negative"),
        (dict(prefetch_factor=2), ValueError, "prefetch_factor option could only be specified"),
        (dict(persistent_workers=True), ValueError, "persistent_workers option needs"),
        (dict(sampler=[0], shuffle=True), ValueError, "mutually exclusive with shuffle"),
        (dict(batch_sampler=[[0]], batch_size=2), ValueError, "batch_sampler option is mutually"),
        (dict(batch_sampler=[[0]], drop_last=True), ValueError, "batch_sampler option is mutually"),
        (dict(batch_size=None, drop_last=True), ValueError, "disables auto-batching"),
        (dict(batch_size=0), ValueError, "batch_size should be a positive integer"),
        (dict(multiprocessing_context="fork"), ValueError, "can only be used with multi-process"),
        (
            dict(num_workers=1, multiprocessing_context="teleport"),
            ValueError,
            "should specify a valid start method",
        ),
        (dict(num_workers=1, multiprocessing_context=3), TypeError, "valid context object"),
    ],
)
def test_loader_argument_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        DataLoader(Numbers(3), **kwargs)


def test_loader_iterable_dataset_errors_and_fixed_attributes():
    for kwargs in (dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])):
        with pytest.raises(ValueError, match="DataLoader with IterableDataset: expected"):
            DataLoader(Counting(3), **kwargs)
    loader = DataLoader(Numbers(3))
    for name in ("batch_size", "sampler", "dataset", "drop_last", "persistent_workers"):
        with pytest.raises(ValueError, match=f"{name} attribute should not be set"):
            setattr(loader, name, None)
    loader.num_workers = 0  # other attributes may change
    with pytest.raises(AssertionError, match="requires timeout == 0"):
        iter(DataLoader(Numbers(3), timeout=1))
    with pytest.warns(UserWarning, match="'pin_memory' argument is set as true"):
        pinned = DataLoader(Numbers(3), batch_size=3, pin_memory=True)
    assert next(iter(pinned)).tolist() == [0, 1, 2]


# -- worker processes ---------------------------------------------------------------------------


class Slow(Dataset):
    """Even items take longer, so workers answer out of order."""

    def __len__(self):
        return 12

    def __getitem__(self, i):
        if i % 4 == 0:
            time.sleep(0.03)
        return fg.tensor([float(i), float(i) ** 2], dtype=fg.float64)


def test_workers_keep_sampler_order_and_send_tensors():
    expected = [b.tolist() for b in DataLoader(Slow(), batch_size=2)]
    got = DataLoader(Slow(), batch_size=2, num_workers=2)
    batches = list(got)
    assert [b.tolist() for b in batches] == expected and batches[0].dtype == fg.float64
    shuffled = DataLoader(Slow(), batch_size=3, shuffle=True, generator=gen(5), num_workers=2)
    reference = DataLoader(Slow(), batch_size=3, shuffle=True, generator=gen(5))
    assert [b.tolist() for b in shuffled] == [b.tolist() for b in reference]
    unordered = DataLoader(Slow(), batch_size=2, num_workers=2, in_order=False)
    assert sorted(b.tolist() for b in unordered) == sorted(expected)
    singles = list(DataLoader(Slow(), batch_size=None, num_workers=2))
    assert [s.tolist() for s in singles] == [[float(i), float(i) ** 2] for i in range(12)]
    tensors = TensorDataset(fg.arange(6).reshape(3, 2), fg.ones(3, dtype=fg.float32))
    x, w = next(iter(DataLoader(tensors, batch_size=3, num_workers=2)))
    assert x.dtype == fg.int64 and x.tolist() == [[0, 1], [2, 3], [4, 5]]
    assert w.dtype == fg.float32 and w.tolist() == [1.0, 1.0, 1.0]
    # rows of a parameter carry autograd history, which cannot cross processes (PyTorch too)
    history = TensorDataset(nn.Parameter(fg.ones(3)))
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor"):
        next(iter(DataLoader(history, batch_size=3, num_workers=1)))


class WhoAmI(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        info = get_worker_info()
        return {
            "id": info.id,
            "workers": info.num_workers,
            "seed": info.seed,
            "pid": os.getpid(),
            "torch": fg.rand(1).item(),
            "random": random.random(),
            "numpy": float(np.random.rand()),  # noqa: NPY002 - the generator workers seed
            "init": INIT_MARK,
        }


INIT_MARK = -1


def mark_worker(worker_id):
    global INIT_MARK
    INIT_MARK = 100 + worker_id
    assert get_worker_info().id == worker_id


def test_worker_info_seeds_and_worker_init_fn():
    assert get_worker_info() is None
    loader = DataLoader(
        WhoAmI(), batch_size=None, num_workers=2, generator=gen(7), worker_init_fn=mark_worker
    )
    samples = list(loader)
    ids = {s["id"] for s in samples}
    assert ids == {0, 1} and {s["workers"] for s in samples} == {2}
    assert all(s["init"] == 100 + s["id"] for s in samples)
    base = {s["seed"] - s["id"] for s in samples}
    assert len(base) == 1  # seed = base_seed + worker id
    assert len({s["pid"] for s in samples}) == 2 and os.getpid() not in {s["pid"] for s in samples}
    again = list(
        DataLoader(
            WhoAmI(), batch_size=None, num_workers=2, generator=gen(7), worker_init_fn=mark_worker
        )
    )
    for key in ("seed", "torch", "random", "numpy"):  # the same generator: the same draws
        assert [s[key] for s in again] == [s[key] for s in samples]
    for key in ("torch", "random", "numpy"):  # workers draw different numbers
        first = [s[key] for s in samples if s["id"] == 0]
        second = [s[key] for s in samples if s["id"] == 1]
        assert first != second
    other = list(DataLoader(WhoAmI(), batch_size=None, num_workers=2, generator=gen(8)))
    assert {s["seed"] - s["id"] for s in other} != base


class Sharded(IterableDataset):
    """Splits its stream between workers when ``split``; else every worker yields it all."""

    def __init__(self, n, split):
        self.n, self.split = n, split

    def __iter__(self):
        info = get_worker_info()
        if not self.split or info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


def test_iterable_dataset_in_workers_sharding_is_the_users():
    split = [b.tolist() for b in DataLoader(Sharded(9, True), batch_size=2, num_workers=2)]
    assert sorted(itertools.chain(*split)) == list(range(9))
    assert split[0] == [0, 2] and split[1] == [1, 3]  # batches alternate between workers
    both = [b.tolist() for b in DataLoader(Sharded(5, False), batch_size=5, num_workers=2)]
    assert both == [[0, 1, 2, 3, 4], [0, 1, 2, 3, 4]]  # as in PyTorch: duplicated
    dropped = DataLoader(Sharded(9, True), batch_size=2, num_workers=2, drop_last=True)
    assert sorted(itertools.chain(*(b.tolist() for b in dropped))) == [0, 1, 2, 3, 4, 5, 6, 7]


class PidDataset(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return os.getpid()


def test_persistent_workers_serve_every_epoch():
    loader = DataLoader(PidDataset(), batch_size=2, num_workers=2, persistent_workers=True)
    epochs = [set(itertools.chain(*(b.tolist() for b in loader))) for _ in range(3)]
    assert len(epochs[0]) == 2 and epochs[0] == epochs[1] == epochs[2]
    workers = loader._iterator._workers
    assert all(w.is_alive() for w in workers)
    stream = DataLoader(Sharded(6, True), batch_size=2, num_workers=2, persistent_workers=True)
    for _ in range(2):
        assert sorted(itertools.chain(*(b.tolist() for b in stream))) == list(range(6))
    shuffled = DataLoader(
        Slow(), batch_size=12, shuffle=True, num_workers=2, persistent_workers=True
    )
    assert next(iter(shuffled)).tolist() != next(iter(shuffled)).tolist()
    loader._iterator._shutdown_workers()
    assert not any(w.is_alive() for w in workers)


class Failing(Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        if i == 4:
            raise ValueError(f"item {i} is broken")
        return i


def failing_init(worker_id):
    raise KeyError(f"no config for worker {worker_id}")


def bad_collate(samples):
    return lambda: samples  # a lambda cannot be sent back


def test_worker_errors_are_raised_here_with_the_workers_traceback():
    with pytest.raises(ValueError) as caught:
        list(DataLoader(Failing(), batch_size=2, num_workers=2))
    text = str(caught.value)
    assert "Caught ValueError in DataLoader worker process 0" in text
    assert "Original Traceback" in text and "item 4 is broken" in text
    assert 'raise ValueError(f"item {i} is broken")' in text  # the worker's source line
    with pytest.raises(KeyError, match="no config for worker"):
        list(DataLoader(Failing(), batch_size=2, num_workers=2, worker_init_fn=failing_init))
    with pytest.raises(Exception, match="while sending its batch"):
        list(DataLoader(Failing(), batch_size=2, num_workers=1, collate_fn=bad_collate))
    # the batches before the failing one are delivered
    loader = iter(DataLoader(Failing(), batch_size=2, num_workers=2))
    assert next(loader).tolist() == [0, 1] and next(loader).tolist() == [2, 3]
    with pytest.raises(ValueError, match="item 4 is broken"):
        next(loader)


class Sleepy(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 2:
            time.sleep(30)
        return i


class Dying(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 2:
            os._exit(3)
        return i


def test_timeout_and_dead_workers_raise_instead_of_hanging():
    start = time.perf_counter()
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0\.5 seconds"):
        list(DataLoader(Sleepy(), batch_size=1, num_workers=2, timeout=0.5))
    with pytest.raises(
        RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited unexpectedly"
    ):
        list(DataLoader(Dying(), batch_size=1, num_workers=2))
    assert time.perf_counter() - start < 20


def test_workers_shut_down_after_an_epoch_or_when_dropped():
    it = iter(DataLoader(Slow(), batch_size=2, num_workers=2))
    workers = it._workers
    assert len(list(it)) == 6
    assert not any(w.is_alive() for w in workers)
    it = iter(DataLoader(Slow(), batch_size=2, num_workers=2))
    next(it)
    workers = it._workers
    del it  # stopped mid-epoch
    deadline = time.monotonic() + 10
    while any(w.is_alive() for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(w.is_alive() for w in workers)


def test_spawned_workers_receive_the_dataset_and_send_tensors():
    data = TensorDataset(fg.arange(8, dtype=fg.float64).reshape(4, 2))
    loader = DataLoader(data, batch_size=2, num_workers=1, multiprocessing_context="spawn")
    assert [b[0].tolist() for b in loader] == [[[0.0, 1.0], [2.0, 3.0]], [[4.0, 5.0], [6.0, 7.0]]]


def test_tensors_pickle_only_through_the_process_channel():
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(fg.zeros(1))
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(nn.Parameter(fg.zeros(1)))
    leaf = fg.tensor([1.0, 2.0], requires_grad=True)
    back = pickle.loads(ForkingPickler.dumps({"t": leaf, "p": nn.Parameter(fg.ones(2))}))
    assert back["t"].tolist() == [1.0, 2.0] and back["t"].requires_grad
    assert isinstance(back["p"], nn.Parameter) and back["p"].requires_grad
    strided = fg.arange(12, dtype=fg.int32).reshape(3, 4).t()
    copied = pickle.loads(ForkingPickler.dumps(strided))
    assert copied.dtype == fg.int32 and copied.tolist() == strided.tolist()
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor"):
        ForkingPickler.dumps(leaf * 2)
