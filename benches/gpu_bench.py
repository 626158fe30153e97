"""GPU benchmark functions (ferrograd on CuPy vs PyTorch on CUDA), for ``compare_torch.py
--device cuda`` to call, or to run on their own:

    python benches/gpu_bench.py                       # on a machine with a GPU, CuPy (and torch)
    FERROGRAD_CUDA_BACKEND=numpy python benches/gpu_bench.py --n 256   # smoke test, no GPU

Each function takes the library module (``ferrograd`` or ``torch``) and returns one figure.
Timings synchronise the device before reading the clock.
"""

from __future__ import annotations

import argparse
import json
import time


def _sync(m):
    m.cuda.synchronize()


def matmul_tflops(m, n: int = 8192, iters: int = 10, dtype: str = "float32") -> float:
    """Throughput of an ``n × n`` matrix product on ``cuda`` (TFLOP/s, best of ``iters``)."""
    a = m.rand(n, n, device="cuda", dtype=getattr(m, dtype))
    b = m.rand(n, n, device="cuda", dtype=getattr(m, dtype))
    a @ b
    _sync(m)
    best = float("inf")
    for _ in range(iters):
        t0 = time.perf_counter()
        a @ b
        _sync(m)
        best = min(best, time.perf_counter() - t0)
    return 2.0 * n**3 / best / 1e12


def mlp_step_ms(m, batch: int = 256, sizes=(784, 1024, 1024, 10), steps: int = 50) -> float:
    """One training step of an MLP (forward, cross-entropy, backward, SGD) on ``cuda``, in ms."""
    nn, F = m.nn, m.nn.functional
    m.manual_seed(0)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers).to("cuda")
    opt = m.optim.SGD(model.parameters(), lr=0.01)
    x = m.randn(batch, sizes[0], device="cuda")
    y = m.randint(0, sizes[-1], (batch,), device="cuda")

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    _sync(m)
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    _sync(m)
    return (time.perf_counter() - t0) / steps * 1e3


def small_op_us(m, size: int = 16, ops: int = 2000) -> float:
    """Per-operation overhead on small ``cuda`` tensors (recorded ``a * b + a``), in µs."""
    a = m.rand(size, device="cuda").requires_grad_(True)
    b = m.rand(size, device="cuda")
    for _ in range(10):
        a * b + a
    _sync(m)
    t0 = time.perf_counter()
    for _ in range(ops):
        a * b + a
    _sync(m)
    return (time.perf_counter() - t0) / (2 * ops) * 1e6


def run_all(m, n: int = 8192) -> dict:
    return {
        f"matmul_{n}_tflops": matmul_tflops(m, n),
        "mlp_step_ms": mlp_step_ms(m),
        "small_op_us": small_op_us(m),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8192, help="matrix size for the matmul case")
    args = parser.parse_args()
    results = {}
    import ferrograd

    if ferrograd.cuda.is_available():
        results["ferrograd"] = run_all(ferrograd, args.n)
    else:
        results["ferrograd"] = "CUDA not available (no GPU with CuPy)"
    try:
        import torch

        if torch.cuda.is_available():
            results["torch"] = run_all(torch, args.n)
    except ImportError:
        pass
    if isinstance(results.get("torch"), dict) and isinstance(results["ferrograd"], dict):
        f, t = results["ferrograd"], results["torch"]
        results["ratios"] = {
            "matmul_throughput_vs_torch": f[f"matmul_{args.n}_tflops"]
            / t[f"matmul_{args.n}_tflops"],
            "mlp_step_time_vs_torch": f["mlp_step_ms"] / t["mlp_step_ms"],
            "small_op_overhead_vs_torch": f["small_op_us"] / t["small_op_us"],
        }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
