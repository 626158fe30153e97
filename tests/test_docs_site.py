"""The documentation site (mkdocs.yml, docs/) builds with warnings as errors: every page of the
navigation exists, every link between pages resolves, and the API reference's docstrings parse.
mkdocs-material and mkdocstrings come with the `test` extra."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
# The ferrograd under test, as tests/test_programs.py finds it: the API reference is read by
# importing it, and a plain `pip install .` leaves python/ without its extension.
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
