"""ferrograd.distributed, DistributedDataParallel, DistributedSampler and the launcher.

Under ``mpiexec`` with 2 and 4 ranks on this machine (MPICH runs more ranks than cores): the
worker scripts in tests/distributed_workers/, each checking its results on every rank against
NumPy or against training without DDP, and printing ``PASS rank R``; a failed check raises,
which aborts the job with a non-zero status. The children run this interpreter and import the
ferrograd under test (the source tree's or the installed one, found as
test_bad_input_subprocess.py finds it), one kernel thread each.

In this process, without MPI: the object encoding, the tensor buffers handed to MPI, ReduceOp,
the final callbacks of backward that DDP waits in, the sampler's shares (recorded from
PyTorch), the launcher's command lines and the errors raised before any process group exists.
"""

from __future__ import annotations

import datetime
import importlib.util
import os
import pickle
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.distributed as dist
from ferrograd.autograd import Variable
from ferrograd.distributed import _object_codec, run
from ferrograd.distributed._buffers import Buffer
from ferrograd.distributed._environment import launcher_ranks
from ferrograd.distributed._reduce_op import RedOpType, mpi_op
from ferrograd.utils.data.distributed import DistributedSampler

ROOT = Path(__file__).resolve().parents[1]
WORKERS = ROOT / "tests" / "distributed_workers"
PACKAGE_ROOT = str(Path(importlib.util.find_spec("ferrograd").origin).resolve().parents[1])


def mpiexec() -> str:
    """The mpiexec of the MPI that mpi4py uses: beside this interpreter (``pip install mpich``
    puts it there), else on PATH."""
    beside = Path(sys.executable).parent / "mpiexec"
    found = str(beside) if beside.is_file() else shutil.which("mpiexec")
    assert found, "no mpiexec: pip install '.[test]' installs MPICH (mpich and mpi4py)"
    return found


def launch(ranks: int, *command: str, debug: bool = False, timeout: float = 120,
           extra_env: dict | None = None):  # fmt: skip
    env = {
        **os.environ,
        "PYTHONPATH": PACKAGE_ROOT,
        "FERROGRAD_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        **(extra_env or {}),
    }
    for name in ("FERROGRAD_DISTRIBUTED_DEBUG", "TORCH_DISTRIBUTED_DEBUG", "RANK", "WORLD_SIZE"):
        env.pop(name, None)
    if debug:
        env["FERROGRAD_DISTRIBUTED_DEBUG"] = "DETAIL"
    return subprocess.run(
        [mpiexec(), "-n", str(ranks), sys.executable, *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
        cwd=ROOT,
    )


def assert_passed(result, ranks: int) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for rank in range(ranks):
        assert f"PASS rank {rank}" in result.stdout, output


# ----------------------------------------------------------------------------- under mpiexec


@pytest.mark.parametrize(("ranks", "debug"), [(2, False), (4, True)])
def test_collectives(ranks, debug):
    """Every collective, p2p operation and object collective, on every rank (with 4 ranks,
    under the debug check too, which must not object to correct calls)."""
    assert_passed(launch(ranks, str(WORKERS / "collectives.py"), debug=debug), ranks)


@pytest.mark.parametrize("ranks", [2, 4])
def test_ddp_matches_one_process_on_the_whole_batch(ranks):
    """Every model, dtype and option with 2 ranks; with 4, two of them (time)."""
    options = [] if ranks == 2 else ["--quick"]
    assert_passed(launch(ranks, str(WORKERS / "ddp_equivalence.py"), *options), ranks)


@pytest.mark.parametrize("ranks", [2, 4])
def test_ddp_options(ranks):
    assert_passed(launch(ranks, str(WORKERS / "ddp_features.py")), ranks)


@pytest.mark.parametrize("ranks", [2, 4])
def test_mismatched_calls_raise_on_every_rank(ranks):
    result = launch(ranks, str(WORKERS / "mismatch.py"), debug=True)
    assert_passed(result, ranks)
    for rank in range(ranks):  # each rank printed the error it caught, naming every rank
        assert f"rank {rank}: DistributedDataParallel expects the same model" in result.stdout


def dead_rank(mode: str, ranks: int):
    started = time.monotonic()
    result = launch(ranks, str(WORKERS / "dead_rank.py"), mode, timeout=60)
    return result, result.stdout + result.stderr, time.monotonic() - started


@pytest.mark.parametrize(("mode", "ranks"), [("hang", 3), ("exit", 2)])
def test_a_silent_rank_is_named_within_the_timeout(mode, ranks):
    """Rank 1 stops (stuck in a computation, or gone): the other ranks fail after the 1 s
    timeout and a 1 s roll call, naming rank 1 and where the others wait; the error, uncaught,
    ends the whole job."""
    result, output, elapsed = dead_rank(mode, ranks)
    assert result.returncode != 0
    assert re.search(r"rank [02] after [0-9.]+ s: ferrograd.distributed: rank [02]: all_reduce "
                     r"\(collective #2 on default_pg", output), output  # fmt: skip
    assert "Rank 1 did not answer" in output, output
    if ranks == 3:
        assert re.search(r"Rank [02] is waiting in all_reduce #2 on default_pg", output), output
    assert f"aborting all {ranks} ranks of the job" in output, output
    assert elapsed < 30, elapsed


def test_a_rank_in_another_collective_is_named():
    """Both ranks time out and take the roll call; the first to raise ends the job."""
    result, output, _ = dead_rank("other", 2)
    assert result.returncode != 0
    from_rank_0 = "rank 0: all_reduce (collective #2 on default_pg"
    from_rank_1 = "rank 1: broadcast (collective #2 on default_pg"
    assert (
        from_rank_0 in output and "Rank 1 is waiting in broadcast #2 on default_pg" in output
    ) or (from_rank_1 in output and "Rank 0 is waiting in all_reduce #2 on default_pg" in output), (
        output
    )


def test_an_uncaught_exception_ends_every_rank_at_once():
    """Rank 1 raises while rank 0 waits with a 10-minute timeout: the job ends now."""
    result, output, elapsed = dead_rank("raise", 2)
    assert result.returncode != 0
    assert "ValueError: rank 1 failed" in output, output
    assert "rank 1 stopped on an uncaught ValueError; aborting all 2 ranks" in output, output
    assert elapsed < 30, elapsed


def test_launcher_runs_a_script_with_the_torchrun_variables():
    result = subprocess.run(
        [sys.executable, "-m", "ferrograd.distributed.run", "--nproc-per-node", "2",
         "--mpiexec", mpiexec(), str(WORKERS / "launched.py"), "--flag", "value"],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": PACKAGE_ROOT},
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for rank in range(2):
        line = f"rank {rank}: RANK={rank} WORLD_SIZE=2 LOCAL_RANK={rank} LOCAL_WORLD_SIZE=2 "
        line += "threads=1 argv=['--flag', 'value'] sum=3.0"
        assert line in result.stdout, output


def test_digits_demo_trains_data_parallel(tmp_path):
    """``mpiexec -n 2 python examples/train_digits.py --ddp``, shortened: both processes end
    with the same model (the demo checks), which learns."""
    result = launch(
        2, "examples/train_digits.py", "--ddp", "--models", "mlp", "--epochs", "2", "--quiet",
        "--out", str(tmp_path), timeout=180,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    accuracy = float(re.search(r"final ferrograd mlp accuracy: ([0-9.]+) \(2 processes", output)[1])
    assert accuracy > 0.85, output
    assert (tmp_path / "digits_mlp.safetensors").exists()


# ----------------------------------------------------------------------------- in this process


def test_no_process_group_yet():
    assert not dist.is_initialized()
    for call in (
        lambda: dist.all_reduce(fg.ones(1)),
        lambda: dist.get_rank(),
        lambda: dist.new_group([0]),
        lambda: fg.nn.parallel.DistributedDataParallel(fg.nn.Linear(1, 1)),
    ):
        with pytest.raises(ValueError, match="Default process group has not been initialized"):
            call()
    with pytest.raises(AssertionError, match="Process group cannot be None"):
        dist.destroy_process_group()
    with pytest.raises(ValueError, match="Invalid backend: 'ucc'"):
        dist.init_process_group("ucc")
    with pytest.raises(TypeError, match=r"datetime\.timedelta"):
        dist.init_process_group("mpi", timeout=30)
    assert dist.Backend("MPI") == dist.Backend.MPI == "mpi"
    assert not dist.is_initialized()


def test_reduce_op():
    assert dist.ReduceOp.SUM == RedOpType.SUM == 0 and dist.ReduceOp.AVG == 1
    assert repr(dist.ReduceOp.MAX) == "<RedOpType.MAX: 4>"
    assert dist.ReduceOp(dist.ReduceOp.MIN) == dist.ReduceOp.MIN
    mpi = SimpleNamespace(**{n: n for n in "SUM PROD MIN MAX BAND BOR BXOR LAND LOR LXOR".split()})
    assert mpi_op(mpi, RedOpType.AVG, np.dtype("float32")) == "SUM"
    assert mpi_op(mpi, RedOpType.SUM, np.dtype("bool")) == "LOR"
    assert mpi_op(mpi, RedOpType.PRODUCT, np.dtype("bool")) == "LAND"
    with pytest.raises(RuntimeError, match=r"Cannot use ReduceOp\.BAND with non-integral dtype"):
        mpi_op(mpi, RedOpType.BAND, np.dtype("float64"))
    with pytest.raises(RuntimeError, match="AVG is only supported for floating-point"):
        mpi_op(mpi, RedOpType.AVG, np.dtype("int64"))
    with pytest.raises(NotImplementedError):
        dist.all_reduce(fg.ones(1), op=dist.ReduceOp.PREMUL_SUM)
    with pytest.raises(TypeError, match="op must be a ReduceOp"):
        dist.all_reduce(fg.ones(1), op="sum")


def test_buffers_are_the_tensors_own_memory():
    t = fg.arange(6.0).reshape(2, 3)
    buffer = Buffer(t, write=True)
    assert np.shares_memory(buffer.array, t.numpy())  # no copy for a contiguous tensor
    buffer.array[...] = 7
    assert t.tolist() == [[7.0] * 3] * 2
    weight = fg.nn.Parameter(fg.zeros(4))
    assert np.shares_memory(Buffer(weight, write=True).array, weight.detach().numpy())
    # a non-contiguous tensor: a contiguous copy, written back through its strides
    base = fg.zeros(3, 2)
    view = base.t()
    buffer = Buffer(view, write=True)
    assert buffer.array.flags.c_contiguous and not np.shares_memory(buffer.array, base.numpy())
    buffer.array[...] = np.arange(6.0).reshape(2, 3)
    buffer.finish()
    assert base.tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]


def roundtrip(obj):
    return _object_codec.decode(_object_codec.encode(obj))


def test_object_encoding_roundtrip():
    value = {
        "none": None,
        "flags": [True, False],
        "big": -(2**100),
        "floats": (0.1, float("inf"), -0.0, 1e-320),
        "complex": 1.5 - 2j,
        "text": "ü\n\x00",
        b"bytes": bytearray(b"\x00\xff"),
        (1, "key"): {"nested": [[], (), {}]},
        "array": np.arange(6, dtype=np.float32).reshape(2, 3)[:, ::2],
        "scalar": np.int16(-3),
    }
    got = roundtrip(value)
    assert got["none"] is None and got["flags"] == [True, False] and got["big"] == -(2**100)
    assert got["floats"][:3] == (0.1, float("inf"), -0.0) and got["floats"][3] == 1e-320
    assert str(got["floats"][2]) == "-0.0"
    assert got["complex"] == 1.5 - 2j and got["text"] == "ü\n\x00"
    assert got[b"bytes"] == b"\x00\xff" and got[(1, "key")] == {"nested": [[], (), {}]}
    assert got["array"].dtype == np.float32 and got["array"].tolist() == [[0, 2], [3, 5]]
    assert type(got["scalar"]) is np.int16 and got["scalar"] == -3
    assert np.isnan(roundtrip(float("nan")))
    tensor = fg.tensor([[1, 2], [3, 4]], dtype=fg.int64).t()
    back = roundtrip(tensor)
    assert back.dtype == fg.int64 and back.tolist() == [[1, 3], [2, 4]]
    weight = roundtrip(fg.nn.Parameter(fg.ones(2, dtype=fg.float64)))
    assert weight.requires_grad and weight.dtype == fg.float64
    assert roundtrip(fg.tensor(True)).tolist() is True


def test_object_encoding_refuses_what_it_cannot_send_safely():
    for bad in (object(), {1, 2}, lambda: 0, np.array(["text"]), np.array([None], dtype=object)):
        with pytest.raises(TypeError, match="cannot send"):
            _object_codec.encode(bad)
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="contains itself"):
        _object_codec.encode(loop)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x05\x00\x00\x00\x00\x00\x00\x00[",
        pickle.dumps({"a": 1}),
        _object_codec.encode([1])[:-1] + b"x",
        b'\x0c\x00\x00\x00\x00\x00\x00\x00["x",1,2,3]',
        b'\x16\x00\x00\x00\x00\x00\x00\x00["a","|O8",[1],0,8]' + b"\x00" * 8,
        b'\x15\x00\x00\x00\x00\x00\x00\x00["a","<f8",[2],0,8]' + b"\x00" * 8,
        b'\x10\x00\x00\x00\x00\x00\x00\x00["y",0,99999999]',
        b'\x1b\x00\x00\x00\x00\x00\x00\x00["d",[[["l",[]],["n"]]]]  ',
        b'\x1c\x00\x00\x00\x00\x00\x00\x00["T","object",[1],false,0,8]' + b"\x00" * 8,
        b"\x0f\x00\x00\x00\x00\x00\x00\x00" + b"[" * 15,
    ],
)
def test_object_decoding_rejects_malformed_bytes(data):
    """Broken, hostile or pickled bytes raise ValueError; nothing else is built or run."""
    with pytest.raises(ValueError, match="malformed object message"):
        _object_codec.decode(data)


def test_final_callbacks_run_when_backward_ends():
    events = []
    x = fg.ones(3, requires_grad=True)

    def on_grad(tensor):
        events.append(("hook", tensor.grad.tolist()))
        Variable._execution_engine.queue_callback(lambda: events.append("first"))
        Variable._execution_engine.queue_callback(
            lambda: Variable._execution_engine.queue_callback(lambda: events.append("queued late"))
        )

    handle = x.register_post_accumulate_grad_hook(on_grad)
    (x * 2).sum().backward()
    assert events == [("hook", [2.0, 2.0, 2.0]), "first", "queued late"]
    events.clear()
    fg.autograd.backward([(x * 3).sum()])
    assert events == [("hook", [5.0, 5.0, 5.0]), "first", "queued late"]
    handle.remove()
    with pytest.raises(RuntimeError, match="only be installed during backward pass"):
        Variable._execution_engine.queue_callback(lambda: None)
    # a pass that raises runs none of its callbacks, and leaves nothing queued behind
    y = fg.ones(2, requires_grad=True)

    def failing(grad):
        Variable._execution_engine.queue_callback(lambda: events.append("not run"))
        raise ValueError("hook failed")

    y.register_hook(failing)
    events.clear()
    with pytest.raises(ValueError, match="hook failed"):
        (y * 2).sum().backward()
    assert events == []
    # autograd.grad is a backward pass too
    z = fg.ones(2, requires_grad=True)
    z.register_hook(lambda g: Variable._execution_engine.queue_callback(lambda: events.append(1)))
    fg.autograd.grad((z * z).sum(), z)
    assert events == [1]


def test_final_callbacks_of_a_pass_started_in_a_hook_run_when_it_ends():
    """A backward pass started inside a hook is a pass of its own, with its own callbacks."""
    events = []
    inner = fg.ones(2, requires_grad=True)
    inner.register_hook(
        lambda g: Variable._execution_engine.queue_callback(lambda: events.append("inner done"))
    )
    x = fg.ones(2, requires_grad=True)

    def hook(grad):
        Variable._execution_engine.queue_callback(lambda: events.append("outer done"))
        with fg.enable_grad():  # hooks run without grad mode, as PyTorch's
            (inner * 2).sum().backward()
        events.append("inner returned")

    x.register_hook(hook)
    (x * 2).sum().backward()
    assert events == ["inner done", "inner returned", "outer done"]
    # a callback that raises makes backward() raise it
    y = fg.ones(2, requires_grad=True)

    def broken():
        raise KeyError("callback failed")

    y.register_hook(lambda g: Variable._execution_engine.queue_callback(broken))
    with pytest.raises(KeyError, match="callback failed"):
        (y * 2).sum().backward()
    with pytest.raises(RuntimeError, match="only be installed during backward pass"):
        Variable._execution_engine.queue_callback(lambda: None)


# The shares PyTorch 2.15 gives, without shuffling: {(len, replicas, drop_last): shares}.
SAMPLER_SHARES = {
    (1, 2, False): [[0], [0]], (1, 2, True): [[], []], (1, 3, False): [[0], [0], [0]],
    (5, 2, False): [[0, 2, 4], [1, 3, 0]], (5, 2, True): [[0, 2], [1, 3]],
    (5, 3, False): [[0, 3], [1, 4], [2, 0]], (5, 3, True): [[0], [1], [2]],
    (5, 4, False): [[0, 4], [1, 0], [2, 1], [3, 2]], (5, 4, True): [[0], [1], [2], [3]],
    (7, 2, False): [[0, 2, 4, 6], [1, 3, 5, 0]], (7, 2, True): [[0, 2, 4], [1, 3, 5]],
    (7, 3, False): [[0, 3, 6], [1, 4, 0], [2, 5, 1]], (7, 3, True): [[0, 3], [1, 4], [2, 5]],
    (7, 4, False): [[0, 4], [1, 5], [2, 6], [3, 0]], (7, 4, True): [[0], [1], [2], [3]],
}  # fmt: skip


@pytest.mark.parametrize(("key", "shares"), SAMPLER_SHARES.items())
def test_distributed_sampler_shares_as_pytorch(key, shares):
    size, replicas, drop_last = key
    samplers = [
        DistributedSampler(range(size), replicas, r, shuffle=False, drop_last=drop_last)
        for r in range(replicas)
    ]
    assert [list(s) for s in samplers] == shares
    assert [len(s) for s in samplers] == [len(s) for s in shares]


def test_distributed_sampler_shuffles_alike_on_every_replica():
    def shares(epoch: int, seed: int = 0, drop_last: bool = False) -> list:
        result = []
        for rank in range(3):
            sampler = DistributedSampler(range(10), 3, rank, seed=seed, drop_last=drop_last)
            sampler.set_epoch(epoch)
            result.append(list(sampler))
        return result

    first = shares(0)
    flat = [i for share in first for i in share]
    assert set(flat) == set(range(10)) and len(flat) == 12  # padded with two repeats
    assert len({i for share in shares(0, drop_last=True) for i in share}) == 9
    assert shares(0) == first  # the same epoch and seed: the same order
    assert shares(1) != first and shares(0, seed=5) != first


def test_launcher_command_lines(tmp_path):
    args = run.parse_args(["--nproc-per-node", "3", "train.py", "--lr", "0.1"])
    command = run.build_command(args, "/x/mpiexec", open_mpi=False)
    assert command == [
        "/x/mpiexec", "-n", "3", sys.executable, "-m", "ferrograd.distributed._rank",
        "train.py", "--lr", "0.1",
    ]  # fmt: skip
    hosts = tmp_path / "hosts"
    hosts.write_text("node1:4\n# a comment\nnode2:4\n\n")
    args = run.parse_args(["--nproc_per_node=4", "--hostfile", str(hosts), "-m", "pkg.train"])
    assert args.nnodes == 2
    command = run.build_command(args, "mpiexec", open_mpi=False)
    assert command[:7] == ["mpiexec", "-n", "8", "-f", str(hosts), "-ppn", "4"]
    assert command[-2:] == ["-m", "pkg.train"]
    command = run.build_command(args, "mpirun", open_mpi=True)
    assert command[:7] == ["mpirun", "-n", "8", "--hostfile", str(hosts), "--map-by", "ppr:4:node"]
    args = run.parse_args(["--no-python", "--mpiexec-arg=-bind-to", "--mpiexec-arg=core", "app"])
    assert run.build_command(args, "mpiexec", open_mpi=False) == [
        "mpiexec", "-n", "1", "-bind-to", "core", "app",
    ]  # fmt: skip
    for bad in (["--nproc-per-node", "0", "t.py"], ["--nnodes", "2", "t.py"],
                ["--hostfile", str(tmp_path / "missing"), "t.py"]):  # fmt: skip
        with pytest.raises(SystemExit):
            run.parse_args(bad)


def test_launcher_variables():
    assert launcher_ranks({"PMI_RANK": "3", "PMI_SIZE": "8", "MPI_LOCALRANKID": "1",
                           "MPI_LOCALNRANKS": "4"}) == (3, 8, 1, 4)  # fmt: skip
    assert launcher_ranks({"OMPI_COMM_WORLD_RANK": "2", "OMPI_COMM_WORLD_SIZE": "4"}) == (
        2, 4, 2, 4,
    )  # fmt: skip
    assert launcher_ranks({"SLURM_PROCID": "5", "SLURM_NTASKS": "6", "SLURM_LOCALID": "1",
                           "SLURM_NTASKS_PER_NODE": "3(x2)"}) == (5, 6, 1, 3)  # fmt: skip
    assert launcher_ranks({}) is None


def test_work_timeout_arguments():
    from ferrograd.distributed._work import _seconds

    assert _seconds(datetime.timedelta(seconds=3)) == 3.0 and _seconds(2) == 2.0
    with pytest.raises(TypeError):
        _seconds("soon")
