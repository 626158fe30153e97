#!/usr/bin/env bash
# Sets up everything on a fresh machine and runs every test: the Rust workspace's tests and
# the Python suites against the built package (the pytest benchmarks run once, untimed).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# Builds the extension with maturin (release mode) and installs it with the test tools.
.venv/bin/python -m pip install --quiet ".[test]"

# FERROGRAD_LINT=1 (CI): the house rules between the build and the tests, since the stub check
# imports the built extension and clippy compiles what the Rust tests reuse.
if [[ "${FERROGRAD_LINT:-0}" == 1 ]]; then
    bash scripts/lint.sh
fi

cargo test --workspace --quiet
.venv/bin/python -m pytest tests benches/python --benchmark-disable -q -p no:cacheprovider "$@"
