"""Where the time of a small op goes on CUDA: the per-call cost of each layer under ferrograd's
``a + b`` (CuPy's ufunc, a hand-launched ``RawKernel``, the memory pool, an upload) next to
PyTorch's, and a cProfile of ferrograd's MLP train step. For a GPU machine:

    python benches/gpu_overhead.py [--json out.json]

Each figure is the median over repetitions of a timed loop, in µs per call; the loops end with a
device synchronisation.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import time


def per_call_us(fn, sync, calls: int = 2000, reps: int = 7) -> float:
    for _ in range(50):
        fn()
    sync()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        sync()
        times.append((time.perf_counter() - t0) / calls * 1e6)
    return statistics.median(times)


_ADD_SOURCE = r"""
extern "C" __global__ void add_f32(const float* a, const float* b, float* out, long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = a[i] + b[i];
}
"""


def cupy_layers(size: int) -> dict:
    import cupy
    import numpy as np

    sync = cupy.cuda.Device().synchronize
    a = cupy.random.rand(size, dtype=cupy.float32)
    b = cupy.random.rand(size, dtype=cupy.float32)
    add = cupy.RawKernel(_ADD_SOURCE, "add_f32")
    elementwise = cupy.ElementwiseKernel("T x, T y", "T z", "z = x + y", "ferrograd_bench_add")
    n = np.int64(size)
    blocks = ((size + 255) // 256,)

    def raw():
        out = cupy.empty_like(a)
        add(blocks, (256,), (a, b, out, n))
        return out

    host0 = np.float32(2.0)
    return {
        "cupy.add": per_call_us(lambda: cupy.add(a, b), sync),
        "ElementwiseKernel": per_call_us(lambda: elementwise(a, b), sync),
        "RawKernel + empty_like": per_call_us(raw, sync),
        "cupy.empty_like": per_call_us(lambda: cupy.empty_like(a), sync),
        "upload 0-d (cupy.asarray)": per_call_us(lambda: cupy.asarray(host0), sync),
        "a.shape + a.dtype.str": per_call_us(lambda: (a.shape, a.dtype.str), sync),
    }


def torch_layers(size: int) -> dict:
    import torch

    sync = torch.cuda.synchronize
    a = torch.rand(size, device="cuda")
    b = torch.rand(size, device="cuda")
    ag, bg = a.clone().requires_grad_(True), b.clone().requires_grad_(True)
    return {
        "torch a + b": per_call_us(lambda: a + b, sync),
        "torch a + b (requires grad)": per_call_us(lambda: ag + bg, sync),
    }


def ferrograd_layers(size: int) -> dict:
    import ferrograd as fg

    sync = fg.cuda.synchronize
    a = fg.rand(size, device="cuda")
    b = fg.rand(size, device="cuda")
    ag, bg = a.clone().requires_grad_(True), b.clone().requires_grad_(True)
    table = fg.cuda._backend()
    da, db = fg.cuda.device_array(a), fg.cuda.device_array(b)
    return {
        "ferrograd a + b": per_call_us(lambda: a + b, sync),
        "ferrograd a + b (requires grad)": per_call_us(lambda: ag + bg, sync),
        "table.binary(op='add')": per_call_us(lambda: table.binary(da, db, op="add"), sync),
    }


def mlp_profile(lib_name: str, steps: int = 200) -> str:
    import sys

    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    import compare_torch

    (lib,) = compare_torch.load_libs("cuda", only=lib_name)
    step = compare_torch.mlp_setup(lib)
    for _ in range(5):
        step()
    lib.sync()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        step()
    lib.sync()
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(30)
    return text.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=16)
    parser.add_argument("--json")
    args = parser.parse_args()
    figures = {}
    figures.update(cupy_layers(args.size))
    figures.update(torch_layers(args.size))
    figures.update(ferrograd_layers(args.size))
    width = max(map(len, figures))
    for name, us in figures.items():
        print(f"{name:<{width}}  {us:7.2f} us")
    print(mlp_profile("ferrograd"))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=1)


if __name__ == "__main__":
    main()
