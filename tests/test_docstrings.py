"""Every public name of the audited namespaces (tools/docstring_audit.py) has a docstring in
PyTorch's shape, with an example that runs, except the names still listed in
tests/docstring_allowlist.txt; that list may only shrink."""

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


def test_undocumented_names_are_all_allowed():
    short = docstring_audit.undocumented()
    allowed = docstring_audit.read_allowlist()
    new = sorted(f"{name} ({problem})" for name, problem in short.items() if name not in allowed)
    assert not new, "document these (PyTorch's shape, with an example):\n" + "\n".join(new)


def test_allowlist_only_names_still_undocumented():
    """A name documented since, or gone, leaves the list: it can only get shorter."""
    short = docstring_audit.undocumented()
    stale = sorted(docstring_audit.read_allowlist() - set(short))
    assert not stale, "remove from tests/docstring_allowlist.txt:\n" + "\n".join(stale)


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
