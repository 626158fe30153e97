"""The pytest-benchmark suite: issue 5's cases at small sizes. ``pytest benches/python`` times them;
``pytest benches/python --benchmark-disable`` (part of the normal test run) runs each once, so
the benchmarks and ``compare_torch.py``'s helpers cannot rot. No timing assertions."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="session")
def fg_lib():
    """compare_torch's ferrograd adapter (CPU)."""
    import compare_torch

    return compare_torch.FerroLib("cpu")
