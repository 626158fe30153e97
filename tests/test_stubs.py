"""The type stubs tools/generate_stubs.py writes (``_tensor.pyi``, ``__init__.pyi`` and the
plain-function modules ``nn.functional``, ``special``, ``linalg``) agree with the runtime: the
same public names both ways, and the parameter names the runtime's signatures have. A method or
function added without regenerating the stubs fails here."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import pkgutil
import sys
from pathlib import Path

import pytest

import ferrograd

ROOT = Path(__file__).resolve().parents[1]
STUBS = ROOT / "python" / "ferrograd"
sys.path.insert(0, str(ROOT / "tools"))
generate_stubs = importlib.import_module("generate_stubs")

VAR_KINDS = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def stub_tree(relative: str) -> ast.Module:
    return ast.parse((STUBS / relative).read_text())


def stub_class(tree: ast.Module, name: str) -> ast.ClassDef:
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)


def defined_names(body: list[ast.stmt]) -> dict[str, list[ast.FunctionDef]]:
    """Public names a stub body defines: functions (each overload), annotated values and
    ``import x as x`` re-exports (functions map to their definitions, the others to [])."""
    names: dict[str, list[ast.FunctionDef]] = {}
    for node in body:
        if isinstance(node, ast.FunctionDef):
            names.setdefault(node.name, []).append(node)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.setdefault(node.target.id, [])
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.asname == alias.name:
                    names.setdefault(alias.name, [])
    return {name: defs for name, defs in names.items() if not name.startswith("_")}


def stub_parameters(function: ast.FunctionDef, method: bool) -> list[tuple[str, str]]:
    """(name, kind) of a stub's parameters, ``self`` left out of methods; positional-only
    ones have no name a caller could use, and are left out."""
    a = function.args
    params = [(p.arg, "positional") for p in a.args]
    if a.vararg:
        params.append((a.vararg.arg, "var"))
    params += [(p.arg, "keyword") for p in a.kwonlyargs]
    if a.kwarg:
        params.append((a.kwarg.arg, "var"))
    return params[1:] if method and not a.posonlyargs else params


def runtime_parameters(obj, method: bool) -> list[tuple[str, str]]:
    kinds = {
        inspect.Parameter.POSITIONAL_ONLY: "positional",
        inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional",
        inspect.Parameter.KEYWORD_ONLY: "keyword",
    }
    params = [
        (p.name, kinds.get(p.kind, "var")) for p in inspect.signature(obj).parameters.values()
    ]
    return params[1:] if method else params


def disagreements(name: str, runtime, stubs: list[ast.FunctionDef], method: bool) -> list[str]:
    """How a stub's overloads differ from the runtime's parameters. A runtime signature that
    passes arguments on unnamed (``*args, **kwargs``) admits any further stub parameter; each
    named runtime parameter must appear in some overload, of the same kind, and no overload may
    name a parameter the runtime lacks or reorder the ones it has."""
    expected = runtime_parameters(runtime, method)
    named = [p for p in expected if p[1] != "var"]
    hides = any(kind == "var" for _, kind in expected)
    problems, seen = [], set()
    for stub in stubs:
        given = [p for p in stub_parameters(stub, method) if p[1] != "var"]
        seen.update(given)
        if not hides:
            extra = [p for p, _ in given if p not in {n for n, _ in named}]
            if extra:
                problems.append(f"{name}: the stub names {extra}, the runtime does not")
        order = [p for p in given if p in named]
        if order != [p for p in named if p in order]:
            problems.append(f"{name}: the stub's {order} are in another order than {named}")
    missing = [p for p in named if p not in seen]
    if missing:
        problems.append(f"{name}: runtime parameters {missing} are not in the stub")
    return problems


@pytest.mark.parametrize("relative", sorted(generate_stubs.generated_stubs()))
def test_stub_is_what_the_generator_writes_now(relative):
    """Regenerating changes nothing (run ``python tools/generate_stubs.py`` if this fails)."""
    render = generate_stubs.generated_stubs()[relative]
    assert (STUBS / relative).read_text() == render(), f"{relative} is out of date"


def public_tensor_names() -> set[str]:
    return {n for n in dir(ferrograd.Tensor) if not n.startswith("_")}


def test_tensor_stub_has_every_public_name_and_no_other():
    names = defined_names(stub_class(stub_tree("_tensor.pyi"), "Tensor").body)
    assert set(names) == public_tensor_names()


def test_tensor_stub_properties_are_the_runtime_properties():
    body = stub_class(stub_tree("_tensor.pyi"), "Tensor").body
    stub_properties = {
        n.name
        for n in body
        if isinstance(n, ast.FunctionDef)
        and any(ast.unparse(d) == "property" for d in n.decorator_list)
    }
    runtime = {
        n
        for n in public_tensor_names()
        if isinstance(inspect.getattr_static(ferrograd.Tensor, n), property)
    }
    assert stub_properties == runtime


def test_tensor_stub_dunders_exist_at_runtime():
    body = stub_class(stub_tree("_tensor.pyi"), "Tensor").body
    dunders = {n.name for n in body if isinstance(n, ast.FunctionDef) and n.name[:2] == "__"}
    assert dunders, "the stub declares Tensor's operators"
    assert {d for d in dunders if not hasattr(ferrograd.Tensor, d)} == set()


def test_tensor_method_parameters_agree():
    methods = defined_names(stub_class(stub_tree("_tensor.pyi"), "Tensor").body)
    problems = []
    for name, stubs in sorted(methods.items()):
        static = inspect.getattr_static(ferrograd.Tensor, name)
        if isinstance(static, property):
            continue
        is_method = not isinstance(static, staticmethod)
        problems += disagreements(name, getattr(ferrograd.Tensor, name), stubs, is_method)
    assert problems == []


NAMESPACES = [("__init__.pyi", "ferrograd")] + [
    (spec.stub, spec.name) for spec in generate_stubs.FUNCTION_MODULES
]
# Public functions a module keeps out of its __all__, by module.
UNLISTED = {spec.name: set(spec.unlisted) for spec in generate_stubs.FUNCTION_MODULES}


@pytest.mark.parametrize(("relative", "module_name"), NAMESPACES)
def test_namespace_stub_has_every_public_name_and_no_other(relative, module_name):
    module = importlib.import_module(module_name)
    unlisted = UNLISTED.get(module_name, set())
    assert all(callable(getattr(module, name)) for name in unlisted)
    assert set(defined_names(stub_tree(relative).body)) == set(module.__all__) | unlisted


@pytest.mark.parametrize(("relative", "module_name"), NAMESPACES)
def test_function_parameters_agree(relative, module_name):
    module = importlib.import_module(module_name)
    problems = []
    for name, stubs in sorted(defined_names(stub_tree(relative).body).items()):
        if stubs:
            problems += disagreements(name, getattr(module, name), stubs, method=False)
    assert problems == []


def test_the_check_catches_a_renamed_parameter():
    """The comparison itself can fail: a stub whose parameter is misnamed is reported."""
    stub = ast.parse("def transpose(self, dim0: int, dimension1: int) -> None: ...").body[0]
    problems = disagreements("transpose", ferrograd.Tensor.transpose, [stub], method=True)
    assert any("dimension1" in p for p in problems)
    assert any("dim1" in p for p in problems)


# What a stub's return annotation promises, as a class to test a result against (annotations
# not listed here, such as Any or unions, are not checked).
def promised_class(annotation: str) -> type | None:
    classes = {
        "Tensor": ferrograd.Tensor,
        "Size": ferrograd.Size,
        "_bool": bool,
        "_int": int,
        "_float": float,
        "_str": str,
        "None": type(None),
    }
    if annotation in classes:
        return classes[annotation]
    if annotation.startswith("tuple[") or annotation[:2] in {f"_{c}" for c in "VMFHSQ"}:
        return tuple  # a tuple of tensors, or one of the stub's named tuples
    return None


def required_parameters(function: ast.FunctionDef) -> list[ast.arg]:
    a = function.args
    positional = a.posonlyargs + a.args
    required = positional[: len(positional) - len(a.defaults)]
    return required + [p for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d is None]


def call_results(calls) -> list[str]:
    """``(name, annotation, call)`` for each call: the calls whose result is not of the
    promised class (calls that raise, e.g. for want of a GPU, say nothing either way)."""
    wrong = []
    for name, annotation, call in calls:
        expected = promised_class(annotation)
        if expected is None:
            continue
        try:
            result = call()
        except Exception:  # noqa: BLE001 - a call a sample cannot make checks nothing
            continue
        if not isinstance(result, expected):
            wrong.append(f"{name}: stub says {annotation}, got {type(result).__name__}")
    return wrong


def sample() -> ferrograd.Tensor:
    return ferrograd.randn(3, 3, dtype=ferrograd.float64)


def test_methods_without_arguments_return_what_the_stub_says(recwarn):
    body = stub_class(stub_tree("_tensor.pyi"), "Tensor").body
    calls = [
        (n.name, ast.unparse(n.returns), lambda name=n.name: getattr(sample(), name)())
        for n in body
        if isinstance(n, ast.FunctionDef)
        and not n.name.startswith("_")
        and not n.decorator_list
        and required_parameters(n)[1:] == []
        and not n.args.posonlyargs
    ]
    assert len(calls) > 200
    assert call_results(calls) == []


def test_functions_of_one_tensor_return_what_the_stub_says(recwarn):
    calls = [
        (n.name, ast.unparse(n.returns), lambda name=n.name: getattr(ferrograd, name)(sample()))
        for n in stub_tree("__init__.pyi").body
        if isinstance(n, ast.FunctionDef)
        and [ast.unparse(p.annotation) for p in required_parameters(n)] == ["Tensor"]
    ]
    assert len(calls) > 150
    assert call_results(calls) == []


def public_modules() -> list[str]:
    """Every module of the package whose dotted path has no private part."""
    found = []
    for info in pkgutil.walk_packages(ferrograd.__path__, "ferrograd."):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            found.append(info.name)
    return found


def test_every_public_module_declares_its_public_names():
    """``__all__`` in every public module, naming only what the module has."""
    assert len(public_modules()) > 50
    for name in public_modules():
        module = importlib.import_module(name)
        assert hasattr(module, "__all__"), f"{name} has no __all__"
        assert [n for n in module.__all__ if not hasattr(module, n)] == [], name
