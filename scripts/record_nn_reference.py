"""Runs the nn reference cases (tests/nn_cases_*.py) with PyTorch and writes what it computes
to tests/nn_reference_values.py, the numbers the tests compare ferrograd with.

Run it with a Python that has PyTorch (CPU), from the repository root:
    python scripts/record_nn_reference.py
Only the cases change the recorded values; rerun it after adding or changing a case."""

from __future__ import annotations

import importlib
import pathlib
import sys

import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from nn_reference import evaluate  # noqa: E402

AREAS = ("nn_cases_activation_loss", "nn_cases_conv_pool", "nn_cases_norm_embed")


def _rounded(value):
    """Numbers to 12 significant digits (the tests compare to 1e-6): a smaller file."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def main() -> None:
    torch.manual_seed(0)
    lines = [
        '"""PyTorch {}\'s results for the cases in tests/nn_cases_*.py, written by'.format(
            torch.__version__.split("+")[0]
        ),
        'scripts/record_nn_reference.py (do not edit by hand)."""',
        "",
        'inf, nan = float("inf"), float("nan")',
        "",
        "# fmt: off",
        "VALUES = {",
    ]
    for area in AREAS:
        cases = importlib.import_module(area).CASES
        for name, case in cases.items():
            lines.append(f"    {area + ':' + name!r}: {_rounded(evaluate(torch, case))!r},")
    lines += ["}", "# fmt: on", ""]
    (ROOT / "tests" / "nn_reference_values.py").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
