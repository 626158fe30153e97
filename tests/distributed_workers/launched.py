"""Started by ``python -m ferrograd.distributed.run``: prints the torchrun variables the
launcher set, the thread count it chose, the arguments it passed on, and an all-reduce."""

from __future__ import annotations

import os
import sys

import ferrograd as fg
import ferrograd.distributed as dist

variables = " ".join(
    f"{name}={os.environ.get(name)}"
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE")
)
dist.init_process_group("gloo")
total = fg.tensor([dist.get_rank() + 1.0])
dist.all_reduce(total)
print(
    f"rank {dist.get_rank()}: {variables} threads={fg.get_num_threads()} argv={sys.argv[1:]} "
    f"sum={total.item()}",
    flush=True,
)
dist.destroy_process_group()
