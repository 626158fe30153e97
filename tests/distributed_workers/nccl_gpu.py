"""The NCCL backend on real GPUs, through CuPy: collectives on CUDA tensors checked against
NumPy, and DistributedDataParallel on the GPU training like one process on the whole batch on
the CPU. Run under mpiexec (one rank at least; rank r uses cuda:(r mod device count)); prints
``PASS rank R``. ``--stand-in``: against fake_nccl.py and the NumPy test backend instead (CI
runs it so, to keep this script working between GPU sessions)."""

from __future__ import annotations

import sys

import numpy as np

import ferrograd as fg
import ferrograd.distributed as dist
import ferrograd.nn.functional as F
from ferrograd import cuda, nn
from ferrograd.cuda._numpy_backend import NumpyTable
from ferrograd.distributed._nccl import device_pointer
from ferrograd.nn.parallel import DistributedDataParallel as DDP


def data(rank: int, shape=(3, 4), dtype=np.float32) -> np.ndarray:
    n = int(np.prod(shape))
    return ((np.arange(n) % 7 + 1) * (rank + 2) - rank).reshape(shape).astype(dtype)


def host(t) -> np.ndarray:
    return t.detach().cpu().numpy()


def collectives(rank: int, size: int, device: str) -> None:
    everyone = [data(r) for r in range(size)]
    for op, expected in {
        dist.ReduceOp.SUM: np.sum(everyone, axis=0),
        dist.ReduceOp.AVG: np.mean(everyone, axis=0),
        dist.ReduceOp.MAX: np.max(everyone, axis=0),
    }.items():
        t = fg.from_numpy(data(rank)).to(device)
        address = device_pointer(cuda.device_array(t))
        dist.all_reduce(t, op=op)
        np.testing.assert_allclose(host(t), expected, rtol=1e-6)
        assert device_pointer(cuda.device_array(t)) == address  # in place, no copy
    base = fg.from_numpy(data(rank, shape=(4, 3))).to(device)
    dist.all_reduce(base.t())  # non-contiguous: through a device copy
    np.testing.assert_allclose(host(base), np.sum([data(r, (4, 3)) for r in range(size)], axis=0))
    t = fg.from_numpy(data(rank)).to(device)
    dist.broadcast(t, src=0)
    np.testing.assert_array_equal(host(t), data(0))
    outputs = [fg.zeros(3, 4, device=device) for _ in range(size)]
    dist.all_gather(outputs, fg.from_numpy(data(rank)).to(device))
    for out, values in zip(outputs, everyone, strict=True):
        np.testing.assert_array_equal(host(out), values)
    into = fg.zeros(size * 3, 4, device=device)
    dist.all_gather_into_tensor(into, fg.from_numpy(data(rank)).to(device))
    np.testing.assert_array_equal(host(into), np.concatenate(everyone))
    source = fg.from_numpy(data(rank, shape=(size * 2, 3))).to(device)
    out = fg.zeros(2, 3, device=device)
    dist.reduce_scatter_tensor(out, source)
    total = np.sum([data(r, (size * 2, 3)) for r in range(size)], axis=0)
    np.testing.assert_allclose(host(out), total[rank * 2 : rank * 2 + 2], rtol=1e-6)
    t = fg.from_numpy(data(rank)).to(device)
    work = dist.all_reduce(t, async_op=True)
    assert work.wait() and work.is_completed()
    np.testing.assert_allclose(host(t), np.sum(everyone, axis=0), rtol=1e-6)


def build(kind: str):
    if kind == "mlp":
        return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3))
    return nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 3)
    )


def ddp_equivalence(rank, size, device, kind, dtype, tolerance, steps=10, per_rank=4) -> None:
    fg.manual_seed(11 + rank)  # different on every rank: DDP broadcasts rank 0's
    model = build(kind).to(dtype).to(device)
    ddp = DDP(model, bucket_cap_mb=0.0002)
    assert len(ddp.reducer.buckets) > 1
    reference = build(kind).to(dtype)
    reference.load_state_dict({k: v.cpu() for k, v in model.state_dict().items()})
    optimizer = fg.optim.SGD(ddp.parameters(), lr=0.05, momentum=0.9)
    reference_optimizer = fg.optim.SGD(reference.parameters(), lr=0.05, momentum=0.9)
    rng = np.random.default_rng(7)
    shape = (6,) if kind == "mlp" else (2, 8, 8)
    numpy_dtype = np.dtype(dtype.numpy)
    for step in range(steps):
        x = rng.standard_normal((size * per_rank, *shape)).astype(numpy_dtype)
        y = rng.integers(0, 3, size * per_rank)
        mine = slice(rank * per_rank, (rank + 1) * per_rank)
        optimizer.zero_grad()
        loss = F.cross_entropy(
            ddp(fg.from_numpy(x[mine]).to(device)), fg.tensor(y[mine]).to(device)
        )
        loss.backward()
        optimizer.step()
        reference_optimizer.zero_grad()
        F.cross_entropy(reference(fg.from_numpy(x)), fg.tensor(y)).backward()
        reference_optimizer.step()
        for p, q in zip(model.parameters(), reference.parameters(), strict=True):
            np.testing.assert_allclose(
                host(p), host(q), rtol=tolerance, atol=tolerance, err_msg=f"{kind} step {step}"
            )


def main() -> None:
    if "--stand-in" in sys.argv:
        import os

        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import fake_nccl

        fake_nccl.install()
        cuda.use_backend(NumpyTable())
    dist.init_process_group("nccl")
    rank, size = dist.get_rank(), dist.get_world_size()
    assert dist.is_nccl_available() and dist.get_backend() == "nccl"
    device = f"cuda:{rank % cuda.device_count()}"
    collectives(rank, size, device)
    ddp_equivalence(rank, size, device, "mlp", fg.float64, 1e-10)
    ddp_equivalence(rank, size, device, "convnet", fg.float64, 1e-10)
    ddp_equivalence(rank, size, device, "mlp", fg.float32, 1e-5)
    dist.destroy_process_group()
    print(f"PASS rank {rank}", flush=True)


if __name__ == "__main__":
    main()
