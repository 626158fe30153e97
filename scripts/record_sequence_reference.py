"""Records PyTorch's results for the cases in tests/sequence_cases.py into
tests/data/sequence_reference.json (the recurrent, attention and transformer tests compare
ferrograd against it without importing torch).

    python scripts/record_sequence_reference.py      # with PyTorch installed
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import sequence_cases  # noqa: E402


def _numbers(array: np.ndarray):
    """Nested lists of floats at 12 significant digits (ints stay ints)."""
    if array.dtype.kind in "biu":
        return array.tolist()
    return np.vectorize(lambda v: float(f"{v:.12g}"), otypes=[object])(array).tolist()


def main() -> None:
    torch.manual_seed(0)
    record = {"torch_version": torch.__version__, "cases": {}}
    for name, run in sequence_cases.ALL.items():
        case = run(torch)
        record["cases"][name] = {
            "layout": case.layout,
            "results": {
                key: {"shape": list(value.shape), "values": _numbers(value)}
                for key, value in case.results.items()
            },
        }
    path = ROOT / "tests" / "data" / "sequence_reference.json"
    path.write_text(json.dumps(record, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes, {len(record['cases'])} cases)")


if __name__ == "__main__":
    main()
