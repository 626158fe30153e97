"""A rank stops taking part: the others must fail within the timeout with a message that names
it. ``mode``: ``hang`` (rank 1 is stuck in a computation), ``exit`` (rank 1 leaves the program
early), ``other`` (rank 1 calls a different collective), ``raise`` (an exception nobody
catches on rank 1, with a 10-minute timeout: the job must end at once all the same). The waiting
ranks print the error they get, then let it go uncaught, which aborts the job."""

from __future__ import annotations

import datetime
import sys
import time

import ferrograd as fg
import ferrograd.distributed as dist


def main(mode: str) -> None:
    seconds = 600 if mode == "raise" else 1
    dist.init_process_group("mpi", timeout=datetime.timedelta(seconds=seconds))
    rank = dist.get_rank()
    dist.all_reduce(fg.ones(4))  # everyone is up
    if rank == 1:
        if mode == "hang":
            time.sleep(120)
        elif mode == "exit":
            sys.exit(0)
        elif mode == "other":
            dist.broadcast(fg.ones(4), src=1)
        elif mode == "raise":
            raise ValueError("rank 1 failed")
    started = time.monotonic()
    try:
        dist.all_reduce(fg.ones(4))
    except dist.DistBackendError as error:
        print(f"rank {rank} after {time.monotonic() - started:.1f} s: {error}", flush=True)
        raise
    raise AssertionError("the all_reduce must not complete")


if __name__ == "__main__":
    main(sys.argv[1])
