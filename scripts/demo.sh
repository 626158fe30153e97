#!/usr/bin/env bash
# Sets up everything on a fresh machine and runs the main job: an MLP and a small convnet
# trained with ferrograd on scikit-learn's handwritten digits (bundled, no download).
# Arguments go to examples/train_digits.py (e.g. `bash scripts/demo.sh --export-onnx`). With
# --ddp, the same training runs data-parallel over DDP_PROCS processes (default 2) through MPI
# (MPICH from PyPI); see docs/DISTRIBUTED.md.
set -euo pipefail
cd "$(dirname "$0")/.."

ddp=false
for arg in "$@"; do
    [[ "$arg" == "--ddp" ]] && ddp=true
done

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# Builds the extension with maturin (release mode) and installs the demo's dependencies
# (with --export-onnx, the onnx extra too: the trained models are also written as ONNX).
extras="demo"
for arg in "$@"; do
    if [[ "$arg" == "--export-onnx" ]]; then
        extras="$extras,onnx"
    fi
done
if $ddp; then
    .venv/bin/python -m pip install --quiet ".[$extras,distributed]"
    .venv/bin/python -m ferrograd.distributed.run --nproc-per-node "${DDP_PROCS:-2}" \
        examples/train_digits.py "$@"
else
    .venv/bin/python -m pip install --quiet ".[$extras]"
    .venv/bin/python examples/train_digits.py "$@"
fi
