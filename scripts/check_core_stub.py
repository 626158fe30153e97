"""Checks that python/ferrograd/_core.pyi declares what the compiled ``ferrograd._core`` has.

    python scripts/check_core_stub.py          # with the built extension importable

Compared, by name: the module's public functions and classes, and each class's methods and
attributes (a ``TensorImpl``'s ``_``-prefixed methods are the binding's interface to the Python
layer, so they count; of the dunder names, the operator methods it defines). A name the binding
has and the stub lacks is *missing*, one the stub declares and the binding lacks is *extra*.
For every name both have, the kind must agree (method or attribute/property) and so must the
parameters the binding's text signature gives (names, unless positional-only; kind; whether
they have a default). Exits with 1 and lists every difference, else prints a one-line summary.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import sys
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_STUB = Path(__file__).resolve().parent.parent / "python" / "ferrograd" / "_core.pyi"

# Class attributes every class has, or that the stub spells as a constructor of its own.
IMPLICIT = {
    "__doc__",
    "__module__",
    "__dict__",
    "__weakref__",
    "__qualname__",
    "__new__",
    "__init__",
    "__text_signature__",
}


@dataclass
class Param:
    name: str
    kind: str  # "positional-only", "positional", "keyword-only", "*args", "**kwargs"
    has_default: bool

    def shown(self) -> str:
        prefix = {"*args": "*", "**kwargs": "**"}.get(self.kind, "")
        suffix = "=..." if self.has_default else ""
        return f"{prefix}{self.name}{suffix}"


@dataclass
class Member:
    kind: str  # "function", "class", "method", "attribute"
    params: list[Param] | None = None  # None: not known
    members: dict[str, Member] = field(default_factory=dict)


# ------------------------------------------------------------------------------- the binding

_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional-only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional",
    inspect.Parameter.KEYWORD_ONLY: "keyword-only",
    inspect.Parameter.VAR_POSITIONAL: "*args",
    inspect.Parameter.VAR_KEYWORD: "**kwargs",
}


def runtime_params(obj, method: bool) -> list[Param] | None:
    """The parameters of a builtin from its text signature (``None`` when it has none)."""
    if not getattr(obj, "__text_signature__", None):
        return None
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    params = [
        Param(p.name, _KINDS[p.kind], p.default is not inspect.Parameter.empty)
        for p in signature.parameters.values()
    ]
    # an unbound method descriptor's signature starts with `self`
    if method and params and params[0].name in ("self", "$self"):
        params = params[1:]
    return params


def is_attribute(member) -> bool:
    return (
        inspect.isgetsetdescriptor(member)
        or inspect.ismemberdescriptor(member)
        or (isinstance(member, property))
    )


def runtime_module(module) -> dict[str, Member]:
    found = {}
    for name, obj in vars(module).items():
        if name.startswith("_"):
            continue
        if inspect.isclass(obj):
            cls = Member("class")
            for attr, member in vars(obj).items():
                if attr in IMPLICIT:
                    continue
                if is_attribute(member):
                    cls.members[attr] = Member("attribute")
                elif callable(member):
                    cls.members[attr] = Member("method", runtime_params(member, method=True))
            found[name] = cls
        elif callable(obj):
            found[name] = Member("function", runtime_params(obj, method=False))
    return found


# -------------------------------------------------------------------------------- the stub


def stub_params(args: ast.arguments, method: bool) -> list[Param]:
    params = []
    positional = [(a, "positional-only") for a in args.posonlyargs]
    positional += [(a, "positional") for a in args.args]
    first_default = len(positional) - len(args.defaults)
    for i, (arg, kind) in enumerate(positional):
        params.append(Param(arg.arg, kind, i >= first_default))
    if args.vararg:
        params.append(Param(args.vararg.arg, "*args", False))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(Param(arg.arg, "keyword-only", default is not None))
    if args.kwarg:
        params.append(Param(args.kwarg.arg, "**kwargs", False))
    if method and params and params[0].name in ("self", "cls"):
        params = params[1:]
    return params


def is_property(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Name) and decorator.id == "property":
            return True
        # `@name.setter` / `@name.deleter` belong to a property declared above
        if isinstance(decorator, ast.Attribute) and decorator.attr in ("setter", "deleter"):
            return True
    return False


def stub_class(node: ast.ClassDef) -> Member:
    cls = Member("class")
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if item.name in IMPLICIT:
                continue
            if is_property(item):
                cls.members[item.name] = Member("attribute")
            elif item.name not in cls.members:  # the first of several @overload
                cls.members[item.name] = Member("method", stub_params(item.args, method=True))
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            cls.members[item.target.id] = Member("attribute")
        elif isinstance(item, ast.Assign):
            for target in item.targets:
                if isinstance(target, ast.Name):
                    cls.members[target.id] = Member("attribute")
    return cls


def stub_module(path: Path) -> dict[str, Member]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = {}
    for node in tree.body:
        name = getattr(node, "name", None)
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            found[node.name] = stub_class(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not node.name.startswith("_") and node.name not in found:
                found[node.name] = Member("function", stub_params(node.args, method=False))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name = node.target.id
            # `Name: TypeAlias = ...` is the stub's own helper, not a declaration of the module
            is_alias = isinstance(node.annotation, ast.Name) and node.annotation.id == "TypeAlias"
            if not name.startswith("_") and not is_alias:
                found[name] = Member("attribute")
    return found


# ------------------------------------------------------------------------------ comparison


def suggestion(name: str, member: Member, indent: str = "") -> str:
    """A declaration to start from for a missing name (types left to the writer)."""
    if member.kind == "class":
        return f"{indent}class {name}: ..."
    if member.kind == "attribute":
        return f"{indent}@property\n{indent}def {name}(self) -> Any: ..."
    shown = [p.shown() for p in member.params or []]
    if member.kind == "method":
        shown.insert(0, "self")
    if any(p.kind == "positional-only" for p in member.params or []):
        last = max(i for i, p in enumerate(member.params or []) if p.kind == "positional-only")
        shown.insert(last + 1 + (member.kind == "method"), "/")
    return f"{indent}def {name}({', '.join(shown)}) -> Any: ..."


def article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def compare_params(where: str, runtime: list[Param] | None, stub: list[Param] | None) -> list:
    if runtime is None or stub is None:
        return []

    def key(p: Param):
        return (None if p.kind == "positional-only" else p.name, p.kind, p.has_default)

    if [key(p) for p in runtime] == [key(p) for p in stub]:
        return []
    return [
        f"{where}: parameters ({', '.join(p.shown() for p in runtime)}) in the binding, "
        f"({', '.join(p.shown() for p in stub)}) in the stub"
    ]


def compare(runtime: dict[str, Member], stub: dict[str, Member]):
    missing, extra, mismatched = [], [], []
    for name in sorted(runtime.keys() - stub.keys()):
        missing.append((name, suggestion(name, runtime[name])))
    for name in sorted(stub.keys() - runtime.keys()):
        extra.append(name)
    for name in sorted(runtime.keys() & stub.keys()):
        have, declared = runtime[name], stub[name]
        if have.kind != declared.kind:
            mismatched.append(
                f"{name}: a {have.kind} in the binding, a {declared.kind} in the stub"
            )
            continue
        if have.kind == "class":
            for attr in sorted(have.members.keys() - declared.members.keys()):
                missing.append(
                    (f"{name}.{attr}", suggestion(attr, have.members[attr], indent="    "))
                )
            for attr in sorted(declared.members.keys() - have.members.keys()):
                extra.append(f"{name}.{attr}")
            for attr in sorted(have.members.keys() & declared.members.keys()):
                a, b = have.members[attr], declared.members[attr]
                if a.kind != b.kind:
                    mismatched.append(
                        f"{name}.{attr}: {article(a.kind)} in the binding, "
                        f"{article(b.kind)} in the stub"
                    )
                else:
                    mismatched += compare_params(f"{name}.{attr}", a.params, b.params)
        else:
            mismatched += compare_params(name, have.params, declared.params)
    return missing, extra, mismatched


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stub", type=Path, default=DEFAULT_STUB)
    parser.add_argument("--module", default="ferrograd._core")
    args = parser.parse_args(argv)

    module = importlib.import_module(args.module)
    runtime = runtime_module(module)
    stub = stub_module(args.stub)
    missing, extra, mismatched = compare(runtime, stub)

    if not (missing or extra or mismatched):
        methods = sum(len(m.members) for m in runtime.values() if m.kind == "class")
        print(
            f"{args.stub.name} is up to date with {args.module}: {len(runtime)} names, "
            f"{methods} class members"
        )
        return 0
    print(f"{args.stub} does not match {args.module} ({module.__file__}):", file=sys.stderr)
    if missing:
        print(f"\nmissing from the stub ({len(missing)}):", file=sys.stderr)
        for name, declaration in missing:
            print(f"  {name}, to start from:", file=sys.stderr)
            print("      " + declaration.strip().replace("\n", "\n      "), file=sys.stderr)
    if extra:
        print(f"\nin the stub but not in the binding ({len(extra)}):", file=sys.stderr)
        for name in extra:
            print(f"  {name}", file=sys.stderr)
    if mismatched:
        print(f"\ndeclared differently ({len(mismatched)}):", file=sys.stderr)
        for line in mismatched:
            print(f"  {line}", file=sys.stderr)
    print(
        "\nUpdate python/ferrograd/_core.pyi (with the types the binding in "
        "rust/ferrograd-py/src takes and returns).",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
