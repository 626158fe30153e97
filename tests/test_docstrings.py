"""Every public name of the audited namespaces (tools/docstring_audit.py) has a docstring in
PyTorch's shape, and every example runs and prints what it shows."""

from __future__ import annotations

import doctest
import importlib
import sys
from pathlib import Path

import pytest

import ferrograd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
docstring_audit = importlib.import_module("docstring_audit")

ENTRIES = docstring_audit.entries()
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def test_every_public_name_is_documented():
    short = docstring_audit.undocumented()
    missing = sorted(f"{name} ({problem})" for name, problem in short.items())
    assert not missing, "document these (PyTorch's shape, with an example):\n" + "\n".join(missing)


def _with_examples():
    """One entry a docstring: names that are aliases of one object run its examples once."""
    seen, chosen = set(), []
    for entry in ENTRIES:
        if entry.doc and ">>>" in entry.doc and entry.doc not in seen:
            seen.add(entry.doc)
            chosen.append(entry)
    return chosen


@pytest.mark.parametrize("entry", _with_examples(), ids=lambda entry: entry.name)
def test_example_runs(entry):
    parser = doctest.DocTestParser()
    test = parser.get_doctest(entry.doc, {"ferrograd": ferrograd}, entry.name, None, 0)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    # the random draws of one example do not depend on those run before it
    ferrograd.manual_seed(0)
    runner.run(test)
    assert runner.failures == 0, f"{entry.name}'s example failed (output above)"
