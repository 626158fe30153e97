"""One MLP training step from Rust and from Python, in one run: the gap is the binding's cost.

    .venv/bin/python benches/rust_vs_python_step.py            # builds and runs the criterion bench
    .venv/bin/python benches/rust_vs_python_step.py --python-only

The step is the same on both sides: 784-256-10 `nn.Sequential` (Linear, ReLU, Linear), batch
64, float32, cross-entropy, SGD with lr 0.01 (`rust/ferrograd/benches/nn_train_step.rs`, and
`benches/compare_torch.py`'s MLP case with ferrograd's `nn` and `optim`). Rust's figure is
criterion's median time per iteration; Python's is the median over repetitions of a timed loop
of steps. The load average is printed before and after each side, since on a shared machine it
moves the figures more than anything else.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_ID = "nn_train_step_784_256_10_batch64"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def rust_median_ms(measurement_s: int) -> float:
    """Runs the criterion bench and returns its median time per step in milliseconds."""
    command = [
        "cargo",
        "bench",
        "-p",
        "ferrograd",
        "--bench",
        "nn_train_step",
        "--",
        "--noplot",
        "--measurement-time",
        str(measurement_s),
    ]
    subprocess.run(command, cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    estimates = json.loads((target / "criterion" / BENCH_ID / "new" / "estimates.json").read_text())
    return estimates["median"]["point_estimate"] / 1e6


def python_median_ms(repetitions: int, steps: int) -> float:
    """compare_torch.py's MLP case (the PERFORMANCE.md row's step) with ferrograd: the median
    over ``repetitions`` of the mean time of ``steps`` steps."""
    sys.path.insert(0, str(ROOT / "benches"))
    from compare_torch import FerroLib, make_mlp

    rep = make_mlp(FerroLib(), steps)
    return statistics.median(rep() for _ in range(repetitions)) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python-only", action="store_true", help="skip the Rust bench")
    parser.add_argument("--measurement-time", type=int, default=5, help="criterion seconds")
    parser.add_argument("--repetitions", type=int, default=30)
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args()

    rust_ms = None
    if not args.python_only:
        print(f"rust:   before, {load()}", flush=True)
        rust_ms = rust_median_ms(args.measurement_time)
        print(f"rust:   after,  {load()}", flush=True)
    print(f"python: before, {load()}", flush=True)
    python_ms = python_median_ms(args.repetitions, args.steps)
    print(f"python: after,  {load()}", flush=True)

    print("\nMLP train step 784-256-10, batch 64, ReLU, cross-entropy, SGD (median per step)")
    if rust_ms is not None:
        print(f"  Rust (criterion)         {rust_ms:.3f} ms")
    print(f"  Python (ferrograd)       {python_ms:.3f} ms")
    if rust_ms is not None:
        gap = python_ms - rust_ms
        print(
            f"  binding's cost           {gap * 1e3:.0f} us per step ({python_ms / rust_ms:.2f}x)"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
