"""Which public names have a docstring in PyTorch's shape: more than one line, with an example.

    PYTHONPATH=python python tools/docstring_audit.py [--namespace NAME]

Lists, per namespace, the public functions, classes, modules and ``Tensor`` methods and
properties whose docstring is missing, is one line only, or (but for modules) has no ``>>>``
example, then counts them. ``tests/test_docstrings.py`` fails for any such name and runs every
example.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import inspect
import sys
import types

#: The namespaces whose public names are audited, as users reach them.
NAMESPACES = (
    "ferrograd",
    "ferrograd.Tensor",
    "ferrograd.nn",
    "ferrograd.nn.functional",
    "ferrograd.optim",
    "ferrograd.linalg",
    "ferrograd.special",
    "ferrograd.fft",
    "ferrograd.func",
    "ferrograd.utils.data",
    "ferrograd.distributions",
    "ferrograd.autograd",
)


@dataclasses.dataclass(frozen=True)
class Entry:
    name: str  # as a user writes it: "ferrograd.nn.Linear", "ferrograd.Tensor.sum"
    obj: object
    doc: str | None

    @property
    def problem(self) -> str | None:
        """Why the docstring falls short, or None when it has the expected shape."""
        return docstring_problem(self.doc, isinstance(self.obj, types.ModuleType))


def docstring_problem(doc: str | None, is_module: bool = False) -> str | None:
    """A module's docstring describes it (more than one line); any other docstring also shows
    an example."""
    if not doc or not doc.strip():
        return "missing"
    lines = [line for line in doc.strip().splitlines() if line.strip()]
    if len(lines) == 1:
        return "one line"
    if ">>>" not in doc and not is_module:
        return "no example"
    return None


def _resolve(path: str):
    module_name, _, attribute = path.rpartition(".")
    if attribute and attribute[0].isupper() and module_name:
        return getattr(importlib.import_module(module_name), attribute)
    return importlib.import_module(path)


def _documentable(obj) -> bool:
    """Functions, classes, modules and properties: what carries a docstring of its own (not
    dtype objects, constants or instances)."""
    return (
        inspect.isroutine(obj)
        or inspect.isclass(obj)
        or isinstance(obj, (types.ModuleType, property))
        or (callable(obj) and hasattr(obj, "__wrapped__"))
    )


def _public_names(namespace) -> list[str]:
    if isinstance(namespace, type):
        names = set()
        for klass in namespace.__mro__:
            if klass is object:
                continue
            names.update(name for name in vars(klass) if not name.startswith("_"))
        return sorted(names)
    declared = getattr(namespace, "__all__", None)
    if declared is not None:
        return sorted(set(declared))
    return sorted(name for name in dir(namespace) if not name.startswith("_"))


def _member(namespace, name: str):
    if isinstance(namespace, type):
        for klass in namespace.__mro__:
            if name in vars(klass):
                return vars(klass)[name]
    return getattr(namespace, name)


def _doc(obj) -> str | None:
    if isinstance(obj, property):
        return obj.__doc__ or (obj.fget.__doc__ if obj.fget else None)
    if isinstance(obj, (staticmethod, classmethod)):
        return obj.__func__.__doc__
    # a class's own docstring (inspect.getdoc would show its base class's)
    return obj.__doc__


def entries(namespaces=NAMESPACES) -> list[Entry]:
    """Every public documentable name of ``namespaces`` (the namespace itself included)."""
    found = []
    for path in namespaces:
        namespace = _resolve(path)
        found.append(Entry(path, namespace, _doc(namespace)))
        for name in _public_names(namespace):
            try:
                obj = _member(namespace, name)
            except AttributeError:
                continue
            if isinstance(obj, (staticmethod, classmethod)) or _documentable(obj):
                if isinstance(obj, types.ModuleType) and not obj.__name__.startswith("ferrograd"):
                    continue  # a module imported for its use (numpy, math), not ferrograd's
                found.append(Entry(f"{path}.{name}", obj, _doc(obj)))
    return found


def undocumented(namespaces=NAMESPACES) -> dict[str, str]:
    """Name -> problem, for each entry whose docstring falls short."""
    return {e.name: e.problem for e in entries(namespaces) if e.problem is not None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--namespace", action="append", help="audit only these namespaces")
    args = parser.parse_args()
    namespaces = tuple(args.namespace) if args.namespace else NAMESPACES
    all_entries = entries(namespaces)
    short = {e.name: e.problem for e in all_entries if e.problem is not None}
    for name, problem in sorted(short.items()):
        print(f"{problem:10}  {name}")
    by_namespace = {}
    for entry in all_entries:
        space = max((s for s in namespaces if (entry.name + ".").startswith(s + ".")), key=len)
        total, bad = by_namespace.get(space, (0, 0))
        by_namespace[space] = (total + 1, bad + (entry.problem is not None))
    for space, (total, bad) in by_namespace.items():
        print(f"# {space}: {total - bad} of {total} documented", file=sys.stderr)
    print(
        f"# all: {len(all_entries) - len(short)} of {len(all_entries)} documented", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
