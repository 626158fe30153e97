"""The package as installed: one version, defined in the Cargo workspace, reported by
``ferrograd.__version__`` and the distribution's metadata; the typing marker shipped."""

import importlib.metadata
import re
from pathlib import Path

import ferrograd as fg

ROOT = Path(__file__).resolve().parents[1]


def _workspace_version() -> str:
    text = (ROOT / "Cargo.toml").read_text()
    table = text.split("[workspace.package]", 1)[1].split("\n[", 1)[0]
    return re.search(r'^version\s*=\s*"([^"]+)"', table, re.MULTILINE).group(1)


def test_version_is_the_cargo_workspaces():
    assert fg.__version__ == _workspace_version()
    pyproject = (ROOT / "pyproject.toml").read_text()
    project = pyproject.split("[project]", 1)[1].split("\n[", 1)[0]
    assert re.search(r"^version\s*=", project, re.MULTILINE) is None  # not a second copy
    assert re.search(r'^dynamic\s*=\s*\[[^]]*"version"', project, re.MULTILINE)


def test_installed_metadata_agrees_with_the_imported_package():
    try:
        distribution = importlib.metadata.distribution("ferrograd")
    except importlib.metadata.PackageNotFoundError:
        distribution = None
    imported = Path(fg.__file__).resolve()
    if distribution is not None and (
        Path(distribution.locate_file("ferrograd/__init__.py")).resolve() == imported
    ):
        assert distribution.version == fg.__version__
        assert distribution.metadata["License-Expression"] == "MIT OR Apache-2.0"
    # Installed or not, the typed-package marker sits beside the code.
    assert (imported.parent / "py.typed").is_file()
