"""Ranks that disagree get a clear ``RuntimeError`` on every rank, not a hang or garbage.

Run with ``FERROGRAD_DISTRIBUTED_DEBUG=DETAIL``: collectives called with different shapes,
dtypes, operations or split sizes on different ranks must each raise on every rank, with a
message that shows what every rank passed, and leave the group usable. DDP compares the models
on construction whatever the debug setting. Prints ``PASS rank R``."""

from __future__ import annotations

import ferrograd as fg
import ferrograd.distributed as dist
from ferrograd import nn
from ferrograd.nn.parallel import DistributedDataParallel as DDP


def expect_error(call, *patterns: str) -> None:
    try:
        call()
    except RuntimeError as error:
        message = str(error)
        for pattern in patterns:
            assert pattern in message, (pattern, message)
        print(f"rank {dist.get_rank()}: {message}", flush=True)
    else:
        raise AssertionError("expected a RuntimeError")


def main() -> None:
    dist.init_process_group("mpi")
    rank, size = dist.get_rank(), dist.get_world_size()
    # shape
    expect_error(
        lambda: dist.all_reduce(fg.ones(rank + 1)),
        "called differently on different ranks",
        "rank 0: all_reduce(SUM) of float32[1]",
        "rank 1: all_reduce(SUM) of float32[2]",
    )
    # dtype
    dtype = fg.float64 if rank == 0 else fg.float32
    expect_error(
        lambda: dist.broadcast(fg.ones(3, dtype=dtype), src=0),
        "rank 0: broadcast with root 0 of float64[3]",
        "rank 1: broadcast with root 0 of float32[3]",
    )
    # a different collective, and a different reduce op
    if rank == 0:
        expect_error(lambda: dist.all_reduce(fg.ones(2)), "rank 1: broadcast")
        expect_error(lambda: dist.all_reduce(fg.ones(2), op=dist.ReduceOp.MAX), "all_reduce(MAX)")
    else:
        expect_error(lambda: dist.broadcast(fg.ones(2), src=0), "rank 0: all_reduce(SUM)")
        expect_error(lambda: dist.all_reduce(fg.ones(2)), "all_reduce(SUM)")
    # all_to_all_single: each rank expects one row from every rank, rank 0 sends rank 1 two
    splits = [1, 2] + [1] * (size - 2) if rank == 0 else [1] * size
    expect_error(
        lambda: dist.all_to_all_single(fg.zeros(size), fg.zeros(sum(splits)), [1] * size, splits),
        "split sizes do not match",
    )
    # the group still works
    t = fg.ones(2)
    dist.all_reduce(t)
    assert t.tolist() == [float(size)] * 2
    # DDP: a different model on one rank
    width = 5 if rank == size - 1 else 4
    expect_error(
        lambda: DDP(nn.Sequential(nn.Linear(3, width), nn.Linear(width, 2))),
        "expects the same model",
        f"rank {size - 1} differs from rank 0",
        "'0.weight' float32[4, 3]",
        "float32[5, 3]",
    )
    dist.destroy_process_group()
    print(f"PASS rank {rank}", flush=True)


if __name__ == "__main__":
    main()
