#!/usr/bin/env bash
# Fuzzes ferrograd.load for a bounded time: runs the mutation property tests of
# tests/test_serialization_robustness.py (random byte edits and JSON edits of a valid file, and
# of one holding whole modules, must load to a valid result or raise SerializationError, or
# UnpicklingError for the second, never anything else) round after round,
# each with a fresh seed and FERROGRAD_FUZZ_EXAMPLES examples, until FERROGRAD_FUZZ_SECONDS
# have passed. Stops at the first failure, printing Hypothesis's shrunk example and the seed.
#
#   FERROGRAD_FUZZ_SECONDS=3600 scripts/fuzz_serialization.sh
#
# PYTHON picks the interpreter (default .venv/bin/python, as scripts/test.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-.venv/bin/python}
seconds=${FERROGRAD_FUZZ_SECONDS:-600}
export FERROGRAD_FUZZ_EXAMPLES=${FERROGRAD_FUZZ_EXAMPLES:-5000}
end=$((SECONDS + seconds))
round=0
while ((SECONDS < end)); do
    round=$((round + 1))
    seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
    echo "round $round: seed $seed, $FERROGRAD_FUZZ_EXAMPLES examples, $((end - SECONDS)) s left"
    status=0
    timeout $((end - SECONDS + 1)) "$python" -m pytest tests/test_serialization_robustness.py \
        -q -p no:cacheprovider -k test_mutated_files --hypothesis-seed="$seed" || status=$?
    if ((status == 124)); then
        break # the time ran out inside a round: no failure was found in it
    elif ((status != 0)); then
        echo "fuzz_serialization: failed in round $round (rerun with --hypothesis-seed=$seed)" >&2
        exit "$status"
    fi
done
echo "fuzz_serialization: $round round(s), no failure in $seconds s"
