#!/usr/bin/env bash
# Issue 6's checks on a machine with an NVIDIA GPU, CuPy and PyTorch but no network (the lent
# device machine): installs the abi3 wheel built here (`maturin build --release`, carried in
# target/wheels), runs the `gpu`-marked tests, the GPU benchmarks next to PyTorch and the demo
# on CUDA, and the NCCL backend of ferrograd.distributed (one rank; two when there are two GPUs).
# Full logs go to $OUT (./gpu-out without it); each step's tail is printed. Every step runs; the
# script exits non-zero if any of them failed (or could not start). The NCCL step needs mpi4py
# and an MPI: without network, carry their wheels in target/wheels
# (`pip download mpi4py mpich -d target/wheels` on a machine with the same Python).
#
#   bash benches/gpu_check.sh [steps...]   # steps: tests nccl bench compare demo cpu_suite
#                                          # overhead (default: all but overhead, a profile)
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-gpu-out}
mkdir -p "$out"
export PYTHONUNBUFFERED=1 OPENBLAS_NUM_THREADS=1

site=$(mktemp -d)
python3 -m pip install -q --no-index --no-deps --no-compile --target "$site" target/wheels/ferrograd-*.whl || exit 1
# This tree's Python sources over the wheel's (the compiled extension stays): Python-only fixes
# need no new wheel.
cp -r python/ferrograd/. "$site/ferrograd/"
export PYTHONPATH=$site
if ! python3 -c "import mpi4py" 2>/dev/null; then
    for wheel in target/wheels/mpi4py-*.whl target/wheels/mpich-*.whl; do
        [[ -e $wheel ]] && python3 -m pip install -q --no-index --no-deps --target "$site" "$wheel"
    done
fi
export PATH=$site/bin:$PATH # mpich's mpiexec, when installed above

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm --format=csv,noheader || exit 1
python3 - <<'EOF' || exit 1
import sys, numpy, cupy, torch, ferrograd as fg
print("python", sys.version.split()[0], "| numpy", numpy.__version__, "| cupy", cupy.__version__, "| torch", torch.__version__)
print("ferrograd.cuda:", fg.cuda.is_available(), fg.cuda.device_count(), fg.cuda.get_device_name())
# The creation kernels (CuPy's full/arange, exact in the dtype); tests/test_device_constants.py
# checks them in full in the tests step.
assert fg.arange(2**62, 2**62 + 3, device="cuda").tolist() == [2**62 + i for i in range(3)]
assert fg.full((2,), 0.1, device="cuda").tolist() == fg.full((2,), 0.1).tolist()
assert (fg.ones(3, device="cuda") * 2.5).tolist() == [2.5] * 3
EOF

failed=()
step() {
    local name=$1 limit=$2
    shift 2
    local t0=$SECONDS
    timeout "$limit" "$@" >"$out/$name.log" 2>&1
    local rc=$?
    echo "== $name: exit $rc after $((SECONDS - t0)) s"
    tail -n "${TAIL:-20}" "$out/$name.log"
    if ((rc != 0)); then
        failed+=("$name (exit $rc)")
    fi
}

steps=${*:-tests nccl bench compare demo cpu_suite}
for s in $steps; do
    case $s in
    tests) step gpu_tests 200 python3 -m pytest tests -m gpu -q -rfE -p no:cacheprovider --timeout 120 \
        --ignore tests/test_distributed_nccl.py ;;
    nccl) step nccl 360 python3 -m pytest tests/test_distributed_nccl.py -m gpu -v -rfEs -p no:cacheprovider --timeout 320 ;;
    bench) step gpu_bench 90 python3 benches/gpu_bench.py ;;
    compare) step compare_cuda 180 python3 benches/compare_torch.py --device cuda --json "$out/compare_cuda.json" ;;
    demo) step demo_cuda 90 python3 examples/train_digits.py --device cuda --quiet --out "$out/demo" ;;
    cpu_suite) TAIL=4 step cpu_suite 90 python3 -m pytest tests -m "not gpu" -q -x -p no:cacheprovider -n 8 ;;
    overhead) TAIL=60 step gpu_overhead 120 python3 benches/gpu_overhead.py --json "$out/gpu_overhead.json" ;;
    *)
        echo "unknown step $s" >&2
        failed+=("$s (unknown step)")
        ;;
    esac
done

if ((${#failed[@]})); then
    echo "gpu_check: ${#failed[@]} step(s) failed: ${failed[*]}" >&2
    exit 1
fi
echo "gpu_check: all steps passed"
