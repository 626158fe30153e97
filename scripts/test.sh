#!/usr/bin/env bash
# Sets up everything on a fresh machine and runs every test: the Rust workspace's tests and
# the Python suites against the built package (the pytest benchmarks run once, untimed).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# Builds the extension with maturin (release mode) and installs it with the test tools.
.venv/bin/python -m pip install --quiet ".[test]"

cargo test --workspace --quiet
.venv/bin/python -m pytest tests benches/python --benchmark-disable -q -p no:cacheprovider "$@"
