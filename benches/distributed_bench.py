#!/usr/bin/env python
"""ferrograd.distributed on this machine: what the wrapper costs, and what data parallelism gains.

    python benches/distributed_bench.py                       # the tables
    python benches/distributed_bench.py --json benches/results/distributed.json

It starts its own MPI jobs (``mpiexec`` beside the interpreter, one kernel thread per process):

* all_reduce bus bandwidth, 2 ranks, float32 tensors of 1 to 64 MB: ``dist.all_reduce`` on a
  ferrograd tensor next to mpi4py's ``Allreduce`` on a NumPy array (the wrapper adds the
  deadline-polled wait and nothing else: the ratio should be about 1). Bus bandwidth is
  ``2 (n - 1) / n * bytes / time``, NCCL's convention. Each library also runs on the other's
  buffer (shared, not copied), and the "same-memory ratio" compares the two on the same memory:
  that is the wrapper's cost, while the plain ratio also carries where each buffer happens to
  lie. They alternate (in both orders); each figure is the best repetition (the undisturbed
  cost: on a shared machine the median mostly measures the other jobs), the medians are in the
  JSON record.
* DDP on a compute-bound convnet (32x32 RGB, 32 samples per rank per step, SGD): samples per
  second (best step of ``--steps``) with 1 process (the plain model) and with 2 processes (DDP),
  and how much of the gradient all-reduce backward hides:
  ``1 - (DDP step - no_sync step) / all-reduce alone``, where the ``no_sync`` step is the same
  step without communication (the slowest rank's, since a syncing step waits for it) and
  "all-reduce alone" reduces the same buckets with nothing else running. On a machine with as
  many cores as processes, the speed-up is bounded by the cores the other load leaves free: the
  load average is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

SIZES_MB = (1, 2, 4, 8, 16, 32, 64)
PER_RANK = 32


def mpiexec() -> str:
    import shutil

    beside = Path(sys.executable).parent / "mpiexec"
    found = str(beside) if beside.is_file() else shutil.which("mpiexec")
    if found is None:
        raise SystemExit("no mpiexec: pip install 'ferrograd[distributed]'")
    return found


def run_part(part: str, ranks: int, steps: int) -> dict:
    env = {**os.environ, "FERROGRAD_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    command = [mpiexec(), "-n", str(ranks), sys.executable, __file__, "--part", part]
    command += ["--steps", str(steps)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise SystemExit(f"{part} on {ranks} ranks failed:\n{done.stdout}\n{done.stderr}")


# ----------------------------------------------------------------------------- parts (in MPI)


def part_all_reduce(steps: int) -> dict:
    import numpy as np
    from mpi4py import MPI

    import ferrograd as fg
    import ferrograd.distributed as dist

    dist.init_process_group("mpi")
    comm = MPI.COMM_WORLD.Dup()
    n = comm.Get_size()
    rows = []
    for mb in SIZES_MB:
        elements = mb * 1024 * 1024 // 4
        tensor = fg.ones(elements)
        array = np.ones(elements, dtype=np.float32)
        # Each library also runs on the other's memory (the tensor's elements seen as a NumPy
        # array, the array's seen as a tensor; both share, neither copies): where a buffer lies
        # (page alignment, huge pages, which was touched last) moves a large all-reduce by up to
        # 2x for either library, so only the same-memory pairs measure what the wrapper costs.
        runs = {
            ("ours", "tensor"): lambda t=tensor: dist.all_reduce(t),
            ("raw", "array"): lambda a=array: comm.Allreduce(MPI.IN_PLACE, a),
            ("ours", "array"): lambda a=array: dist.all_reduce(fg.from_numpy(a)),
            ("raw", "tensor"): lambda t=tensor: comm.Allreduce(MPI.IN_PLACE, t.numpy()),
        }
        times: dict = {key: [] for key in runs}
        repetitions = max(5, steps * 8 // mb)
        for repetition in range(repetitions):
            order = list(runs) if repetition % 2 else list(reversed(runs))
            for key in order:
                tensor.fill_(1.0)  # the same values every time (sums must not overflow)
                array.fill(1.0)
                comm.Barrier()
                start = time.perf_counter()
                runs[key]()
                times[key].append(time.perf_counter() - start)
        best = {key: min(v) for key, v in times.items()}
        factor = 2 * (n - 1) / n * elements * 4 / 1e9
        same_memory = [best["raw", m] / best["ours", m] for m in ("tensor", "array")]
        rows.append(
            {
                "megabytes": mb,
                "ferrograd_busbw_GBps": factor / best["ours", "tensor"],
                "mpi4py_busbw_GBps": factor / best["raw", "array"],
                "ratio": best["raw", "array"] / best["ours", "tensor"],
                "median_ratio": statistics.median(times["raw", "array"])
                / statistics.median(times["ours", "tensor"]),
                "same_memory_ratios": same_memory,
                "same_memory_ratio": statistics.mean(same_memory),
            }
        )
    dist.destroy_process_group()
    return {"ranks": n, "all_reduce": rows}


def convnet(fg):
    nn = fg.nn
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(32, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 8 * 8, 256),
        nn.ReLU(),
        nn.Linear(256, 10),
    )


def part_ddp(steps: int) -> dict:
    import ferrograd as fg
    import ferrograd.distributed as dist
    import ferrograd.nn.functional as F

    dist.init_process_group("mpi")
    world = dist.get_world_size()
    fg.manual_seed(0)
    model = convnet(fg)
    x = fg.randn(PER_RANK, 3, 32, 32)
    y = fg.randint(0, 10, (PER_RANK,))
    trained = fg.nn.parallel.DistributedDataParallel(model) if world > 1 else model
    optimizer = fg.optim.SGD(trained.parameters(), lr=0.01)

    def step():
        optimizer.zero_grad()
        F.cross_entropy(trained(x), y).backward()
        optimizer.step()

    def timed(fn) -> float:
        """The best of ``steps`` timed calls, each started together on every rank."""
        for _ in range(2):
            fn()
        times = []
        for _ in range(steps):
            dist.barrier()
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    result = {"ranks": world, "per_rank_batch": PER_RANK, "step_s": timed(step)}
    result["samples_per_s"] = world * PER_RANK / result["step_s"]
    if world > 1:
        with trained.no_sync():
            # the slowest rank's: a syncing step waits for it whatever the communication costs
            slowest = fg.tensor([timed(step)], dtype=fg.float64)
            dist.all_reduce(slowest, op=dist.ReduceOp.MAX)
            result["no_sync_step_s"] = slowest.item()
        result["all_reduce_alone_s"] = timed(lambda: all_reduce_buckets(trained))
        exposed = max(0.0, result["step_s"] - result["no_sync_step_s"])
        result["hidden_fraction"] = max(0.0, 1 - exposed / result["all_reduce_alone_s"])
        result["gradient_megabytes"] = sum(b.array.nbytes for b in trained.reducer.buckets) / 2**20
        result["buckets"] = len(trained.reducer.buckets)
    dist.destroy_process_group()
    return result


def all_reduce_buckets(ddp) -> None:
    """The gradient all-reduces of one step, with nothing else running."""
    from mpi4py import MPI

    comm = ddp.process_group.comm
    requests = [comm.Iallreduce(MPI.IN_PLACE, b.array, MPI.SUM) for b in ddp.reducer.buckets]
    MPI.Request.Waitall(requests)


# ----------------------------------------------------------------------------- driver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["all_reduce", "ddp"], help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, default=10, help="timed steps per DDP figure")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if args.part is not None:
        result = part_all_reduce(args.steps) if args.part == "all_reduce" else part_ddp(args.steps)
        import ferrograd.distributed  # noqa: F401 - rank 0 reports

        if os.environ.get("PMI_RANK", "0") == "0":
            print("RESULT " + json.dumps(result), flush=True)
        return

    load_before = os.getloadavg()[0]
    all_reduce = run_part("all_reduce", 2, args.steps)
    one = run_part("ddp", 1, args.steps)
    two = run_part("ddp", 2, args.steps)
    record = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg()[0],
        },
        "all_reduce": all_reduce["all_reduce"],
        "ddp_1_rank": one,
        "ddp_2_ranks": two,
        "speedup_2_ranks": two["samples_per_s"] / one["samples_per_s"],
    }
    print(f"all_reduce, 2 ranks, float32 (bus bandwidth, best of the repetitions; load "
          f"{load_before:.1f} on {os.cpu_count()} CPUs)")  # fmt: skip
    print(f"{'MB':>4s} {'ferrograd GB/s':>15s} {'mpi4py GB/s':>12s} {'ratio':>6s} "
          f"{'same-memory ratio':>18s}")  # fmt: skip
    for row in record["all_reduce"]:
        print(
            f"{row['megabytes']:4d} {row['ferrograd_busbw_GBps']:15.2f} "
            f"{row['mpi4py_busbw_GBps']:12.2f} {row['ratio']:6.2f} "
            f"{row['same_memory_ratio']:18.2f}"
        )
    print()
    print(f"DDP convnet, {PER_RANK} samples per rank per step, 1 thread per process")
    for name, result in (("1 process  ", one), ("2 processes", two)):
        print(
            f"  {name}: {result['samples_per_s']:8.1f} samples/s "
            f"({result['step_s'] * 1e3:.1f} ms/step)"
        )
    print(f"  speed-up x{record['speedup_2_ranks']:.2f}")
    print(
        f"  no_sync step {two['no_sync_step_s'] * 1e3:.1f} ms; all-reduce of "
        f"{two['gradient_megabytes']:.1f} MB in {two['buckets']} buckets alone "
        f"{two['all_reduce_alone_s'] * 1e3:.2f} ms; hidden behind backward: "
        f"{two['hidden_fraction']:.0%}"
    )
    if args.json:
        args.json.write_text(json.dumps(record, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
