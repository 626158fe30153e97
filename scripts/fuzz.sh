#!/usr/bin/env bash
# Fuzzes the engine's input parsing with libFuzzer for a bounded time per target (not part of
# CI; the same properties run as regular tests in rust/ferrograd/tests/fuzz_properties.rs).
#   bash scripts/fuzz.sh [seconds per target, default 60] [target ...]
# Needs a nightly toolchain (`rustup toolchain install nightly`); installs cargo-fuzz if absent.
# Crashes are written to fuzz/artifacts/<target>/; new inputs go to fuzz/corpus/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    targets=(weights_file view_chain)
fi

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo +nightly install --locked cargo-fuzz
fi
for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target"
    echo "== $target for ${seconds}s"
    (cd fuzz && cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10)
done
