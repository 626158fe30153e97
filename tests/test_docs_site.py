"""The documentation site (mkdocs.yml, docs/) builds with warnings as errors: every page of the
navigation exists, every link between pages resolves, and the API reference's docstrings parse.
mkdocs-material and mkdocstrings come with the `test` extra. The guides' Python snippets run."""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
# The ferrograd under test, as tests/test_programs.py finds it: the API reference is read by
# importing it, and a plain `pip install .` leaves python/ without its extension.
GUIDES = sorted((REPOSITORY / "docs" / "guides").glob("*.md"))
PACKAGE_ROOT = str(Path(importlib.util.find_spec("ferrograd").origin).resolve().parents[1])


def test_site_builds_strictly(tmp_path):
    environment = {**os.environ, "PYTHONPATH": PACKAGE_ROOT, "NO_MKDOCS_2_WARNING": "1"}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(REPOSITORY / "mkdocs.yml"),
            "--site-dir",
            str(tmp_path / "site"),
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    exp_page = (tmp_path / "site" / "api" / "functions" / "index.html").read_text()
    # The function forms of tensor methods show their real signature.
    assert "exp" in exp_page and "*args" not in exp_page


@pytest.mark.parametrize("page", GUIDES, ids=[page.stem for page in GUIDES])
def test_guide_snippets_run(page):
    """Each ```python block of a guide runs, in a namespace of its own, as a reader would paste
    it (they import ferrograd as torch)."""
    snippets = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    for number, snippet in enumerate(snippets):
        code = compile(snippet, f"{page.name}, snippet {number + 1}", "exec")
        exec(code, {"__name__": f"guide_{page.stem}_{number}"})
