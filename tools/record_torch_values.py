"""Records PyTorch's results for a test module's cases, to paste into the module.

The tests do not import torch: a module such as ``tests/test_surface_more_math.py`` defines
``CASES = {name: lambda m: ...}`` written against a module ``m`` that is ferrograd in the tests
and torch here, and ``EXPECTED`` with what PyTorch returned. This script runs the cases with
torch and prints ``EXPECTED``; with ``--errors`` it runs ``ERRORS = {name: (lambda m: ...,
exception name, message pattern)}`` and reports each case whose exception differs from what
the test expects of ferrograd (type or message).

    PYTHONPATH=python:tests /path/to/python-with-torch tools/record_torch_values.py \
        tests/test_surface_more_math.py [--errors]
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import re
import sys
from pathlib import Path

import numpy as np
import torch


def plain(value):
    """A result as ``(dtype name, nested lists)`` for tensors (``(dtype name, [], shape)`` when
    empty), recursively for sequences."""
    if isinstance(value, torch.Tensor):
        data = value.detach().cpu()
        dtype = str(data.dtype).removeprefix("torch.")
        if data.numel() == 0:  # the nested list would not keep the shape
            return (dtype, [], list(data.shape))
        return (dtype, _rounded(data.tolist()))
    if isinstance(value, torch.Size):
        return list(value)
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, torch.dtype):
        return str(value).removeprefix("torch.")
    if isinstance(value, float):
        return _rounded(value)
    return value


def _rounded(value):
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, float) and math.isfinite(value):
        return float(f"{value:.8g}")
    return value


def _literal(value) -> str:
    text = repr(value)
    return re.sub(r"\b(nan|inf)\b", r"\1", text)


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def record(module) -> str:
    lines = ["EXPECTED = {"]
    for name, case in module.CASES.items():
        lines.append(f"    {name!r}: {_literal(plain(case(torch)))},")
    lines.append("}")
    return "\n".join(lines)


def check_errors(module) -> int:
    failures = 0
    for name, (case, kind, pattern) in module.ERRORS.items():
        try:
            case(torch)
        except Exception as e:  # noqa: BLE001 - any exception is compared with the expected one
            if type(e).__name__ != kind and kind not in [c.__name__ for c in type(e).__mro__]:
                print(f"{name}: torch raises {type(e).__name__}: {e}")
                failures += 1
            elif not re.search(pattern, str(e)):
                print(f"{name}: torch's message {str(e)!r} does not match {pattern!r}")
                failures += 1
        else:
            print(f"{name}: torch raises nothing")
            failures += 1
    print(f"{len(module.ERRORS) - failures} of {len(module.ERRORS)} error cases agree with torch")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("test_module", type=Path)
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    np.set_printoptions(precision=8)
    module = _load(args.test_module)
    if args.errors:
        return 1 if check_errors(module) else 0
    print(record(module))
    return 0


if __name__ == "__main__":
    sys.exit(main())
