"""The NCCL backend of ferrograd.distributed (``init_process_group("nccl")``, CuPy's NCCL
bindings).

Without a GPU these tests check the dispatch, not NCCL: tests/distributed_workers/
nccl_dispatch.py runs under mpiexec (1 and 2 ranks) against fake_nccl.py, a stand-in for
``cupy.cuda.nccl`` that records every call and performs it on the NumPy test backend's "CUDA"
arrays (host memory; over MPI between ranks). They check which NCCL calls are made, with which
pointers, counts, element types, reductions, roots, stream and device; AVG's division where
NCCL has no average; events, NCCL groups of sends and receives, the timeout's abort; DDP's
buckets on the device. In this process: backend strings, the type and reduction tables, and
the errors without CuPy.

Marked ``gpu`` (skipped without a GPU with CuPy): nccl_gpu.py on the real NCCL, one rank: the
collectives against NumPy and DDP on the GPU against one process on the CPU
(benches/gpu_check.sh runs them)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import ferrograd.distributed as dist
from ferrograd.distributed import _nccl
from ferrograd.distributed._group import devices_backends
from ferrograd.distributed._reduce_op import RedOpType
from helpers import cupy_table_or_skip
from test_distributed import PACKAGE_ROOT, WORKERS, assert_passed, launch

sys.path.insert(0, str(WORKERS))
import fake_nccl

STAND_IN = {"FERROGRAD_CUDA_BACKEND": "numpy"}


@pytest.fixture
def stand_in(monkeypatch):
    """The fake ``cupy.cuda.nccl`` in ``sys.modules`` for one test."""
    for name in ("cupy", "cupy.cuda", "cupy.cuda.nccl"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    state = fake_nccl.install()
    yield sys.modules["cupy.cuda.nccl"], state
    fake_nccl.uninstall()


@pytest.fixture
def no_cupy(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy raises ImportError


# ----------------------------------------------------------------------------- in this process


def test_importing_the_package_does_not_import_cupy():
    code = (
        "import sys, ferrograd.distributed as d, ferrograd.nn.parallel; "
        "assert d.is_available(); assert 'cupy' not in sys.modules, 'cupy imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": PACKAGE_ROOT, "PATH": ""},
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_without_nccl(no_cupy):
    assert not dist.is_nccl_available()
    for backend in ("nccl", "cpu:gloo,cuda:nccl", "cuda:nccl"):
        with pytest.raises(RuntimeError, match="Distributed package doesn't have NCCL built in"):
            dist.init_process_group(backend)
        assert not dist.is_initialized()
    with pytest.raises(RuntimeError, match="backend='mpi' runs CUDA tensors through host"):
        _nccl.require_nccl()


def test_nccl_available_with_the_stand_in(stand_in):
    assert dist.is_nccl_available()
    nccl, _ = stand_in
    nccl.available = False  # what CuPy says when it was built without NCCL
    assert not dist.is_nccl_available()


@pytest.mark.parametrize(
    ("backend", "cpu", "cuda", "name"),
    [
        (None, "mpi", "mpi", "mpi"),
        ("gloo", "mpi", "mpi", "mpi"),
        ("MPI", "mpi", "mpi", "mpi"),
        ("nccl", None, "nccl", "nccl"),
        ("cuda:nccl", None, "nccl", "nccl"),
        ("cpu:gloo,cuda:nccl", "mpi", "nccl", "cpu:mpi,cuda:nccl"),
        ("cpu:mpi, cuda:nccl", "mpi", "nccl", "cpu:mpi,cuda:nccl"),
        ("cpu:gloo,cuda:gloo", "mpi", "mpi", "mpi"),
    ],
)
def test_backend_strings(stand_in, backend, cpu, cuda, name):
    backends = devices_backends(backend)
    assert (backends.cpu, backends.cuda, backends.name) == (cpu, cuda, name)


@pytest.mark.parametrize(
    ("backend", "error", "words"),
    [
        ("cpu:nccl", ValueError, "The NCCL backend does not support device type cpu"),
        ("xpu:mpi", ValueError, "device type 'xpu' is not 'cpu' or 'cuda'"),
        ("ucc", ValueError, "Invalid backend: 'ucc'"),
        (3, ValueError, "Invalid backend: '3'"),
    ],
)
def test_bad_backend_strings(stand_in, backend, error, words):
    with pytest.raises(error, match=words):
        devices_backends(backend)


@pytest.mark.parametrize(
    ("dtype", "name", "per_element"),
    [
        ("float32", "NCCL_FLOAT32", 1),
        ("float64", "NCCL_FLOAT64", 1),
        ("float16", "NCCL_FLOAT16", 1),
        ("int64", "NCCL_INT64", 1),
        ("int32", "NCCL_INT32", 1),
        ("int8", "NCCL_INT8", 1),
        ("uint8", "NCCL_UINT8", 1),
        ("bool", "NCCL_UINT8", 1),
        ("complex64", "NCCL_FLOAT32", 2),
        ("complex128", "NCCL_FLOAT64", 2),
    ],
)
def test_nccl_element_types(stand_in, dtype, name, per_element):
    nccl, _ = stand_in
    assert _nccl.datatype(nccl, np.dtype(dtype)) == (getattr(nccl, name), per_element)


def test_nccl_element_types_missing(stand_in):
    nccl, _ = stand_in
    with pytest.raises(TypeError, match="Unsupported dtype int16 for the NCCL backend"):
        _nccl.datatype(nccl, np.dtype("int16"))


@pytest.mark.parametrize(
    ("op", "dtype", "name", "divide"),
    [
        (RedOpType.SUM, "float32", "NCCL_SUM", False),
        (RedOpType.PRODUCT, "int64", "NCCL_PROD", False),
        (RedOpType.MIN, "float64", "NCCL_MIN", False),
        (RedOpType.MAX, "int32", "NCCL_MAX", False),
        (RedOpType.AVG, "float32", "NCCL_AVG", False),
        (RedOpType.AVG, "complex64", "NCCL_AVG", False),
        (RedOpType.SUM, "complex128", "NCCL_SUM", False),
        (RedOpType.SUM, "bool", "NCCL_MAX", False),  # logical or, as PyTorch
        (RedOpType.BOR, "bool", "NCCL_MAX", False),
        (RedOpType.PRODUCT, "bool", "NCCL_MIN", False),  # logical and
        (RedOpType.BAND, "bool", "NCCL_MIN", False),
    ],
)
def test_nccl_reductions(stand_in, op, dtype, name, divide):
    nccl, _ = stand_in
    assert _nccl.reduction(nccl, op, np.dtype(dtype)) == (getattr(nccl, name), divide)


def test_average_without_ncclavg_is_a_sum_then_a_division(stand_in):
    nccl, state = stand_in
    state.version = 20907  # NCCL 2.9.7: no ncclAvg
    assert _nccl.reduction(nccl, RedOpType.AVG, np.dtype("float32")) == (nccl.NCCL_SUM, True)
    state.version = 21000
    del nccl.NCCL_AVG  # a CuPy that does not name it
    assert _nccl.reduction(nccl, RedOpType.AVG, np.dtype("float64")) == (nccl.NCCL_SUM, True)


@pytest.mark.parametrize(
    ("op", "dtype", "words"),
    [
        (RedOpType.AVG, "int64", "ReduceOp.AVG is only supported for floating-point tensors"),
        (RedOpType.AVG, "bool", "Cannot use ReduceOp.AVG with boolean inputs"),
        (RedOpType.BAND, "int64", "Cannot use ReduceOp.BAND with NCCL"),
        (RedOpType.BXOR, "bool", "Cannot use ReduceOp.BXOR with NCCL"),
        (RedOpType.MAX, "complex64", "ReduceOp.MAX is not supported on complex tensors"),
    ],
)
def test_nccl_reductions_refused(stand_in, op, dtype, words):
    nccl, _ = stand_in
    with pytest.raises(RuntimeError, match=words):
        _nccl.reduction(nccl, op, np.dtype(dtype))


# ----------------------------------------------------------------------------- under mpiexec


@pytest.mark.parametrize("ranks", [1, 2])
def test_dispatch_to_the_stand_in(ranks):
    worker = str(WORKERS / "nccl_dispatch.py")
    assert_passed(launch(ranks, worker, extra_env=STAND_IN), ranks)


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("sync", "waited 0.3 s, timeout 0:00:00.300000"),
        ("async", "waited 0.3 s, timeout 0:00:00.300000"),
        ("error", "NCCL reported an error: RuntimeError: NCCL_ERROR_REMOTE_ERROR"),
    ],
)
def test_a_hung_collective_aborts_the_communicator(mode, reason):
    result = launch(1, str(WORKERS / "nccl_dispatch.py"), "timeout", mode, extra_env=STAND_IN)
    output = result.stdout + result.stderr
    assert "PASS rank 0" in result.stdout, output
    assert (
        "rank 0 caught: ferrograd.distributed: rank 0: all_reduce (collective #2 on default_pg, "
        f"NCCL on cuda:0) did not complete: {reason}"
    ) in result.stdout, output
    assert "The NCCL communicator was aborted" in result.stdout, output
    assert result.returncode != 0  # the broken group ends the job at exit, as on MPI


def test_the_gpu_script_runs_on_the_stand_in():
    """Keeps nccl_gpu.py (run by benches/gpu_check.sh on a GPU) working between GPU sessions."""
    assert_passed(launch(2, str(WORKERS / "nccl_gpu.py"), "--stand-in"), 2)


# ----------------------------------------------------------------------------- on a GPU


@pytest.mark.gpu
def test_nccl_on_one_gpu():
    """One rank on the real NCCL: the collectives and DDP on the GPU (nccl_gpu.py)."""
    cupy_table_or_skip()
    assert_passed(launch(1, str(WORKERS / "nccl_gpu.py"), timeout=300), 1)


@pytest.mark.gpu
def test_nccl_on_two_gpus():
    """Two ranks on two GPUs, when the machine has them."""
    table = cupy_table_or_skip()
    if table.device_count() < 2:
        pytest.skip("needs two GPUs")
    assert_passed(launch(2, str(WORKERS / "nccl_gpu.py"), timeout=300), 2)
