"""DistributedDataParallel trains exactly like one process on the whole batch.

Each rank runs DDP on its share (``B`` samples) of a batch of ``world_size * B``; each rank also
trains a reference copy of the model (same starting values, those of rank 0 after DDP's
broadcast) on the whole batch, in one process. After every SGD step the parameters must be
bit-identical across ranks and match the reference (float64: 1e-10, float32: 1e-5), for an MLP
and a small convnet. The ranks start from different random weights, so DDP's initial broadcast
is checked too, and a tiny ``bucket_cap_mb`` makes several buckets. ``--quick``: two of the
cases. Prints ``PASS rank R``."""

from __future__ import annotations

import sys

import numpy as np

import ferrograd as fg
import ferrograd.distributed as dist
import ferrograd.nn.functional as F
from ferrograd import nn
from ferrograd.nn.parallel import DistributedDataParallel as DDP

STEPS = 20
PER_RANK = 4


def build(kind: str):
    if kind == "mlp":
        return nn.Sequential(
            nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3)
        )
    return nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),  # 4 x 4 x 4
        nn.Conv2d(4, 4, 3),  # 4 x 2 x 2
        nn.Tanh(),
        nn.Flatten(),
        nn.Linear(16, 3),
    )


def flat_parameters(model) -> np.ndarray:
    return np.concatenate([p.detach().numpy().reshape(-1) for p in model.parameters()])


def check(kind: str, dtype, tolerance: float, rank: int, size: int, **ddp_options) -> None:
    fg.manual_seed(100 + rank)  # different on every rank: DDP must broadcast rank 0's
    model = build(kind).to(dtype)
    ddp = DDP(model, bucket_cap_mb=0.0005, **ddp_options)
    assert len(ddp.reducer.buckets) > 1
    reference = build(kind).to(dtype)
    reference.load_state_dict(model.state_dict())
    optimizer = fg.optim.SGD(ddp.parameters(), lr=0.05, momentum=0.9)
    reference_optimizer = fg.optim.SGD(reference.parameters(), lr=0.05, momentum=0.9)
    rng = np.random.default_rng(7)  # the same batches on every rank
    shape = (6,) if kind == "mlp" else (2, 8, 8)
    numpy_dtype = np.dtype(dtype.numpy)
    for step in range(STEPS):
        x = fg.tensor(rng.standard_normal((size * PER_RANK, *shape)).astype(numpy_dtype))
        y = fg.tensor(rng.integers(0, 3, size * PER_RANK))
        mine = slice(rank * PER_RANK, (rank + 1) * PER_RANK)
        optimizer.zero_grad()
        F.cross_entropy(ddp(x[mine]), y[mine]).backward()
        optimizer.step()
        reference_optimizer.zero_grad()
        F.cross_entropy(reference(x), y).backward()
        reference_optimizer.step()
        ours = flat_parameters(model)
        everyone = fg.zeros(size, ours.size, dtype=dtype)
        dist.all_gather_into_tensor(everyone, fg.from_numpy(ours))
        table = everyone.numpy()
        assert (table == table[0]).all(), f"{kind} {dtype}: ranks differ after step {step}"
        np.testing.assert_allclose(
            ours,
            flat_parameters(reference),
            rtol=tolerance,
            atol=tolerance,
            err_msg=f"{kind} {dtype} step {step}",
        )


def main(quick: bool) -> None:
    dist.init_process_group("mpi")
    rank, size = dist.get_rank(), dist.get_world_size()
    if quick:
        check("mlp", fg.float64, 1e-10, rank, size)
        check("cnn", fg.float32, 1e-5, rank, size)
        print(f"PASS rank {rank}", flush=True)
        return
    for kind in ("mlp", "cnn"):
        check(kind, fg.float64, 1e-10, rank, size)
        check(kind, fg.float32, 1e-5, rank, size)
    check("mlp", fg.float64, 1e-10, rank, size, gradient_as_bucket_view=True)
    check("cnn", fg.float64, 1e-10, rank, size, find_unused_parameters=True)
    dist.destroy_process_group()
    print(f"PASS rank {rank}", flush=True)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
