#!/usr/bin/env bash
# Sets up everything on a fresh machine and runs the main job: training a model with ferrograd.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet ".[demo]"
.venv/bin/python examples/fit_sine.py "$@"
