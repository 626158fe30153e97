#!/usr/bin/env bash
# Sets up everything on a fresh machine and runs the main job: an MLP and a small convnet
# trained with ferrograd on scikit-learn's handwritten digits (bundled, no download).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# Builds the extension with maturin (release mode) and installs the demo's dependencies.
.venv/bin/python -m pip install --quiet ".[demo]"
.venv/bin/python examples/train_digits.py "$@"
