#!/usr/bin/env bash
# The house rules: formatting and lints of the Rust workspace and of the Python code, and the
# type stub of the compiled extension against the built module.
#
#     bash scripts/lint.sh
#
# Also `cargo doc` of the engine crate with warnings as errors (missing docs, broken links).
#
# Runs in the environment scripts/test.sh sets up (PYTHON, default .venv/bin/python, has ruff
# from the `test` extra and ferrograd built and installed; `pip install -e ".[test]"` or
# `maturin develop` work too). Every check runs; the script fails if any of them failed.
set -uo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
PY_DIRS=(python tests benches examples scripts)
failed=()

check() {
    echo "+ $*"
    if ! "$@"; then
        failed+=("$*")
    fi
}

for tool in fmt clippy; do
    if ! cargo "$tool" --version >/dev/null 2>&1; then
        echo "cargo $tool is not installed (rustup component add rustfmt clippy)" >&2
        exit 1
    fi
done
if ! "$PYTHON" -m ruff --version >/dev/null 2>&1; then
    echo "ruff is not installed in $PYTHON's environment (pip install -e \".[test]\")" >&2
    exit 1
fi

# The quick checks first.
check cargo fmt --all --check
check "$PYTHON" -m ruff format --check "${PY_DIRS[@]}"
check "$PYTHON" -m ruff check "${PY_DIRS[@]}"
check "$PYTHON" scripts/check_core_stub.py
# The profile of `cargo test --workspace` (dev), so the build scripts and proc-macros it
# compiles are shared with the tests.
check cargo clippy --workspace --all-targets --quiet -- -D warnings
# The engine crate's documentation: every public item documented (`#![deny(missing_docs)]`),
# no broken intra-doc links. Only that crate (--no-deps), so it costs one rustdoc pass.
check env RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p ferrograd --quiet

if ((${#failed[@]})); then
    echo "lint: ${#failed[@]} check(s) failed:" >&2
    printf '  %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "lint: all checks passed"
