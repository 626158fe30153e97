"""ferrograd is typed for its users: the user-style program in tests/typing/ passes
``mypy --strict`` and ``pyright`` (strict) with no error, its ``assert_type`` lines included; the
generated stubs themselves pass both checkers; and an editor's completion engine (jedi) lists
Tensor's methods after ``x = ferrograd.randn(3)``."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import jedi

TYPING = Path(__file__).resolve().parent / "typing"
ROOT = TYPING.parents[1]
# The ferrograd under test: python/ in a development build, site-packages after `pip install .`.
PACKAGE_ROOT = str(Path(importlib.util.find_spec("ferrograd").origin).resolve().parents[1])
sys.path.insert(0, str(ROOT / "tools"))
STUBS = [
    ROOT / "python" / "ferrograd" / relative
    for relative in importlib.import_module("generate_stubs").generated_stubs()
]


def run_checker(
    args: list[str], cwd: Path, package_root: str = PACKAGE_ROOT
) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": package_root}
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_user_program_passes_mypy_strict(tmp_path):
    result = run_checker(
        ["mypy", "--strict", "--cache-dir", str(tmp_path), "user_program.py"], TYPING
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_generated_stubs_pass_mypy_strict(tmp_path):
    config = TYPING / "mypy_stubs.ini"
    stubs = [str(s) for s in STUBS]
    result = run_checker(
        ["mypy", "--config-file", str(config), "--cache-dir", str(tmp_path), *stubs],
        ROOT,
        package_root=str(ROOT / "python"),  # the stubs checked are the repository's
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_user_program_and_stubs_pass_pyright():
    config = TYPING / "pyrightconfig.json"
    result = run_checker(["pyright", "--pythonpath", sys.executable, "-p", str(config)], TYPING)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout


def completions(source: str) -> set[str]:
    """What jedi offers at the end of ``source``, as an editor would."""
    project = jedi.Project(str(TYPING), sys_path=[PACKAGE_ROOT, *sys.path])
    lines = source.split("\n")
    script = jedi.Script(source, project=project)
    return {c.name for c in script.complete(len(lines), len(lines[-1]))}


def test_editor_completes_tensor_methods_after_randn():
    offered = completions("import ferrograd\nx = ferrograd.randn(3)\nx.")
    assert {"sum", "backward", "grad", "shape", "item"} <= offered


def test_editor_completes_through_a_named_result():
    """``max(dim=...)`` returns a named tuple whose fields are tensors: only the stubs say so."""
    offered = completions("import ferrograd\nx = ferrograd.randn(3)\nx.max(dim=0).values.")
    assert {"sum", "backward", "grad"} <= offered
