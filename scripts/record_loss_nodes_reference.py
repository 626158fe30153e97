"""Runs tests/loss_nodes_cases.py under PyTorch and writes tests/loss_nodes_reference.py.

/path/to/torch/python scripts/record_loss_nodes_reference.py
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from loss_nodes_cases import cases, chain, cotangent  # noqa: E402


def record() -> dict:
    results = {}
    warnings.simplefilter("ignore")
    for name, build in cases(torch).items():
        loss, leaves = build()
        total = (loss * cotangent(torch, loss)).sum()
        grads = torch.autograd.grad(total, leaves)
        results[name] = {
            "chain": chain(loss.grad_fn),
            "value": [round(v, 15) for v in loss.detach().reshape(-1).tolist()],
            "grads": [[round(v, 15) for v in g.reshape(-1).tolist()] for g in grads],
        }
    return results


def main() -> None:
    lines = [
        f'"""PyTorch {torch.__version__.split("+")[0]}\'s results for tests/loss_nodes_cases.py, '
        "written by",
        'scripts/record_loss_nodes_reference.py (do not edit by hand)."""',
        "",
        'nan = float("nan")',
        "",
        "# fmt: off",
        "REFERENCE = {",
        *(f"    {name!r}: {result!r}," for name, result in sorted(record().items())),
        "}",
        "# fmt: on",
        "",
    ]
    (ROOT / "tests" / "loss_nodes_reference.py").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
