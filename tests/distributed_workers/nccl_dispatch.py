"""ferrograd's NCCL backend against the stand-in of fake_nccl.py: this tests the dispatch (which
NCCL calls are made, with which pointers, counts, element types, reductions, root, stream and
device; what runs after them on the stream, such as AVG's division; events, NCCL groups and
the timeout's abort), not NCCL. CUDA tensors come from the NumPy test backend. Run under
mpiexec with 1 or 2 ranks (the fake reduces over MPI), with ``FERROGRAD_CUDA_BACKEND=numpy``.

``python nccl_dispatch.py``: every check, then ``PASS rank R``. ``python nccl_dispatch.py
timeout sync|async|error``: a collective that never completes (``error``: and NCCL reports an
asynchronous error), with a 0.3 s timeout; prints the error and ``PASS rank R`` (the process
then exits non-zero: the group is broken)."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fake_nccl

STATE = fake_nccl.install()

import ferrograd as fg  # noqa: E402
import ferrograd.distributed as dist  # noqa: E402
import ferrograd.nn.functional as F  # noqa: E402
from ferrograd import cuda, nn  # noqa: E402
from ferrograd.distributed._nccl import device_pointer  # noqa: E402
from ferrograd.nn.parallel import DistributedDataParallel as DDP  # noqa: E402

NCCL = sys.modules["cupy.cuda.nccl"]


def data(rank: int, shape=(3, 4), dtype=np.float64) -> np.ndarray:
    n = int(np.prod(shape))
    return ((np.arange(n) % 7 + 1) * (rank + 2) - rank).reshape(shape).astype(dtype)


def on_cuda(array: np.ndarray):
    return fg.from_numpy(np.ascontiguousarray(array)).to("cuda")


def pointer(t) -> int:
    return device_pointer(cuda.device_array(t))


def host(t) -> np.ndarray:
    return t.detach().cpu().numpy()


def last(name: str) -> dict:
    calls = STATE.named(name)
    assert calls, f"no {name} call"
    return calls[-1]


def expect_error(kind, words: str, call) -> None:
    try:
        call()
    except kind as error:
        assert words in str(error), (words, str(error))
        return
    raise AssertionError(f"expected {kind.__name__}: {words}")


def check_all_reduce(rank: int, size: int) -> None:
    everyone = [data(r) for r in range(size)]
    expected = {
        dist.ReduceOp.SUM: (np.sum(everyone, axis=0), NCCL.NCCL_SUM),
        dist.ReduceOp.PRODUCT: (np.prod(everyone, axis=0), NCCL.NCCL_PROD),
        dist.ReduceOp.MIN: (np.min(everyone, axis=0), NCCL.NCCL_MIN),
        dist.ReduceOp.MAX: (np.max(everyone, axis=0), NCCL.NCCL_MAX),
        dist.ReduceOp.AVG: (np.mean(everyone, axis=0), NCCL.NCCL_AVG),
    }
    for op, (values, nccl_op) in expected.items():
        for dtype, nccl_type in ((np.float64, NCCL.NCCL_FLOAT64), (np.float32, NCCL.NCCL_FLOAT32)):
            t = on_cuda(data(rank, dtype=dtype))
            dist.all_reduce(t, op=op)
            np.testing.assert_allclose(host(t), values.astype(dtype), rtol=1e-6)
            call = last("allReduce")
            # in place, on the tensor's own device memory (no staging copy)
            assert call["send"] == call["recv"] == pointer(t), call
            assert (call["count"], call["type"], call["op"]) == (12, nccl_type, nccl_op), call
            assert call["device"] == 0, call
            assert STATE.calls[-1][0] == "record", STATE.calls[-3:]  # the event after the call


def check_average_without_nccl_avg(rank: int, size: int) -> None:
    """A CuPy without NCCL_AVG, or an NCCL older than 2.10: a sum, then a division on the
    stream."""
    average = NCCL.NCCL_AVG
    for make_old in (lambda: delattr(NCCL, "NCCL_AVG"), lambda: setattr(STATE, "version", 2708)):
        make_old()
        try:
            t = on_cuda(data(rank))
            dist.all_reduce(t, op=dist.ReduceOp.AVG)
            assert last("allReduce")["op"] == NCCL.NCCL_SUM
            np.testing.assert_allclose(host(t), np.mean([data(r) for r in range(size)], axis=0))
        finally:
            NCCL.NCCL_AVG = average
            STATE.version = 22703


def check_types_and_refusals(rank: int, size: int) -> None:
    flags = on_cuda(np.array([rank == 0, True, False]))
    dist.all_reduce(flags)  # bool SUM: logical or, as MAX over uint8
    call = last("allReduce")
    assert (call["type"], call["op"]) == (NCCL.NCCL_UINT8, NCCL.NCCL_MAX), call
    np.testing.assert_array_equal(host(flags), [True, True, False])
    ints = on_cuda(data(rank, dtype=np.int64))
    dist.all_reduce(ints, op=dist.ReduceOp.MAX)
    assert last("allReduce")["type"] == NCCL.NCCL_INT64
    np.testing.assert_array_equal(
        host(ints), np.max([data(r, dtype=np.int64) for r in range(size)], axis=0)
    )
    before = len(STATE.calls)
    expect_error(
        RuntimeError,
        "ReduceOp.AVG is only supported for floating-point",
        lambda: dist.all_reduce(ints, op=dist.ReduceOp.AVG),
    )
    expect_error(
        RuntimeError,
        "Cannot use ReduceOp.BAND with NCCL",
        lambda: dist.all_reduce(on_cuda(data(rank)), op=dist.ReduceOp.BAND),
    )
    expect_error(
        RuntimeError,
        "Cannot use ReduceOp.AVG with boolean inputs",
        lambda: dist.all_reduce(flags, op=dist.ReduceOp.AVG),
    )
    assert len(STATE.calls) == before, "a refused call reached NCCL"
    # a group without a CPU backend refuses CPU tensors, with PyTorch's words
    expect_error(
        RuntimeError,
        "No backend type associated with device type cpu",
        lambda: dist.all_reduce(fg.ones(2)),
    )


def check_non_contiguous(rank: int, size: int) -> None:
    base = on_cuda(data(rank, shape=(4, 3)))
    view = base.t()  # a transpose: staged through a contiguous copy, written back
    dist.all_reduce(view)
    assert last("allReduce")["send"] != pointer(base)
    np.testing.assert_allclose(
        host(base), np.sum([data(r, shape=(4, 3)) for r in range(size)], axis=0)
    )


def check_rooted(rank: int, size: int) -> None:
    root = size - 1
    t = on_cuda(data(rank))
    dist.broadcast(t, src=root)
    call = last("broadcast")
    assert (call["root"], call["count"], call["send"]) == (root, 12, pointer(t)), call
    np.testing.assert_array_equal(host(t), data(root))
    t = on_cuda(data(rank))
    dist.reduce(t, dst=root, op=dist.ReduceOp.AVG)
    call = last("reduce")
    assert (call["root"], call["op"]) == (root, NCCL.NCCL_AVG), call
    wanted = np.mean([data(r) for r in range(size)], axis=0) if rank == root else data(rank)
    np.testing.assert_allclose(host(t), wanted)


def check_gathers(rank: int, size: int) -> None:
    everyone = [data(r) for r in range(size)]
    mine = on_cuda(data(rank))
    outputs = [on_cuda(np.zeros((3, 4))) for _ in range(size)]
    dist.all_gather(outputs, mine)
    assert last("allGather")["count"] == 12
    for out, values in zip(outputs, everyone, strict=True):
        np.testing.assert_array_equal(host(out), values)
    into = on_cuda(np.zeros((size * 3, 4)))
    dist.all_gather_into_tensor(into, mine)
    call = last("allGather")
    assert (call["send"], call["recv"], call["count"]) == (pointer(mine), pointer(into), 12)
    np.testing.assert_array_equal(host(into), np.concatenate(everyone))
    source = on_cuda(data(rank, shape=(size * 2, 3)))
    out = on_cuda(np.zeros((2, 3)))
    dist.reduce_scatter_tensor(out, source, op=dist.ReduceOp.SUM)
    call = last("reduceScatter")
    assert (call["count"], call["recv"]) == (6, pointer(out)), call
    total = np.sum([data(r, shape=(size * 2, 3)) for r in range(size)], axis=0)
    np.testing.assert_allclose(host(out), total[rank * 2 : rank * 2 + 2])
    pieces = [on_cuda(data(rank + 10 * k, shape=(2,))) for k in range(size)]
    out = on_cuda(np.zeros(2))
    dist.reduce_scatter(out, pieces, op=dist.ReduceOp.MAX)
    assert last("reduceScatter")["op"] == NCCL.NCCL_MAX
    wanted = np.max([data(r + 10 * rank, shape=(2,)) for r in range(size)], axis=0)
    np.testing.assert_allclose(host(out), wanted)
    # gather stays on MPI (through host memory): no NCCL call
    before = len(STATE.calls)
    listing = [on_cuda(np.zeros((3, 4))) for _ in range(size)] if rank == 0 else None
    dist.gather(mine, listing, dst=0)
    assert len(STATE.calls) == before
    if rank == 0:
        np.testing.assert_array_equal(host(listing[-1]), everyone[-1])


def check_async(rank: int, size: int) -> None:
    t = on_cuda(data(rank))
    work = dist.all_reduce(t, async_op=True)
    assert type(work).__name__ == "NcclWork", work
    assert work.is_completed() and work.wait()
    assert work.result()[0] is t
    np.testing.assert_allclose(host(t), np.sum([data(r) for r in range(size)], axis=0))


def check_point_to_point(rank: int, size: int) -> None:
    if size < 2:
        return
    peer = 1 - rank if rank < 2 else None
    if peer is None:
        return
    t = on_cuda(data(rank))
    if rank == 0:
        dist.send(t, dst=1)
        assert last("send")["peer"] == 1
    else:
        assert dist.recv(t, src=0) == 0
        assert last("recv")["peer"] == 0
        np.testing.assert_array_equal(host(t), data(0))
    expect_error(RuntimeError, "cannot receive from any source", lambda: dist.irecv(t))
    mine, theirs = on_cuda(data(rank + 5)), on_cuda(np.zeros((3, 4)))
    start = len(STATE.calls)
    works = dist.batch_isend_irecv(
        [dist.P2POp(dist.isend, mine, peer), dist.P2POp(dist.irecv, theirs, peer)]
    )
    names = [name for name, _ in STATE.calls[start:]]
    assert names == ["groupStart", "send", "recv", "groupEnd", "record", "record"], names
    for work in works:
        work.wait()
    np.testing.assert_array_equal(host(theirs), data(peer + 5))


def check_ddp(rank: int, size: int, as_view: bool) -> None:
    """DDP on CUDA parameters of an NCCL group: buckets on the device, all-reduced by NCCL,
    the same training as one process on the whole batch."""
    fg.manual_seed(3 + rank)
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)).to(fg.float64).to("cuda")
    start = len(STATE.calls)
    ddp = DDP(model, bucket_cap_mb=0.0002, gradient_as_bucket_view=as_view)
    assert len(ddp.reducer.buckets) > 1
    assert all(type(b).__name__ == "_DeviceBucket" for b in ddp.reducer.buckets)
    assert any(name == "broadcast" for name, _ in STATE.calls[start:])  # rank 0's weights
    reference = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)).to(fg.float64)
    reference.load_state_dict({k: v.cpu() for k, v in model.state_dict().items()})
    optimizer = fg.optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9)
    reference_optimizer = fg.optim.SGD(reference.parameters(), lr=0.1, momentum=0.9)
    rng = np.random.default_rng(5)
    for _step in range(5):
        x = rng.standard_normal((size * 4, 5))
        y = rng.integers(0, 3, size * 4)
        mine = slice(rank * 4, rank * 4 + 4)
        before = len(STATE.named("allReduce"))
        optimizer.zero_grad()
        F.cross_entropy(ddp(on_cuda(x[mine])), on_cuda(y[mine])).backward()
        reduced = STATE.named("allReduce")[before:]
        counts = sorted(c["count"] for c in reduced)
        wanted = sorted(int(b.flat.numel()) for b in ddp.reducer.buckets)
        assert counts == wanted, (counts, wanted)  # one NCCL all-reduce per bucket
        assert all(c["op"] == NCCL.NCCL_SUM for c in reduced)  # divided before: a sum
        optimizer.step()
        reference_optimizer.zero_grad()
        F.cross_entropy(reference(fg.from_numpy(x)), fg.from_numpy(y)).backward()
        reference_optimizer.step()
        for p, q in zip(model.parameters(), reference.parameters(), strict=True):
            np.testing.assert_allclose(host(p), host(q), rtol=1e-10, atol=1e-10)
            assert p.grad.is_cuda
    if as_view:
        slots = [s for b in ddp.reducer.buckets for s in b.slots.values()]
        assert {pointer(p.grad) for p in model.parameters()} == {pointer(s) for s in slots}


def check_communicators(rank: int) -> None:
    inits = STATE.named("init")
    assert len(inits) == 1, inits  # one communicator for the group, on cuda:0
    assert inits[0]["id"] == tuple(range(-64, 64)), "the unique id did not survive MPI"
    assert inits[0]["device"] == 0
    assert len(STATE.named("get_unique_id")) == (1 if rank == 0 else 0)


def check_subgroup(rank: int, size: int) -> None:
    """A group made by new_group takes its parent's backends and a communicator of its own."""
    group = dist.new_group(list(range(size)))
    assert dist.get_backend(group) == "nccl"
    t = on_cuda(data(rank))
    dist.all_reduce(t, group=group)
    np.testing.assert_allclose(host(t), np.sum([data(r) for r in range(size)], axis=0))
    assert len(STATE.named("init")) == 2
    dist.destroy_process_group(group)
    assert STATE.calls[-1][0] == "destroy"


def main() -> None:
    assert not dist.is_initialized()
    assert dist.is_nccl_available()
    if sys.argv[1:2] == ["timeout"]:
        return timeout(sys.argv[2])
    dist.init_process_group("nccl")
    rank, size = dist.get_rank(), dist.get_world_size()
    assert dist.get_backend() == "nccl"
    check_all_reduce(rank, size)
    check_average_without_nccl_avg(rank, size)
    check_types_and_refusals(rank, size)
    check_non_contiguous(rank, size)
    check_rooted(rank, size)
    check_gathers(rank, size)
    check_async(rank, size)
    check_point_to_point(rank, size)
    check_communicators(rank)
    check_subgroup(rank, size)
    dist.destroy_process_group()
    assert STATE.calls[-1][0] == "destroy"
    # the mixed form: CPU tensors on MPI, CUDA tensors on NCCL
    dist.init_process_group("cpu:gloo,cuda:nccl")
    assert dist.get_backend() == "cpu:mpi,cuda:nccl"
    cpu = fg.from_numpy(data(rank))
    before = len(STATE.calls)
    dist.all_reduce(cpu)
    assert len(STATE.calls) == before  # MPI
    np.testing.assert_allclose(host(cpu), np.sum([data(r) for r in range(size)], axis=0))
    check_ddp(rank, size, as_view=False)
    check_ddp(rank, size, as_view=True)
    dist.destroy_process_group()
    print(f"PASS rank {rank}", flush=True)


def timeout(mode: str) -> None:
    dist.init_process_group("nccl", timeout=datetime.timedelta(seconds=0.3))
    rank = dist.get_rank()
    t = on_cuda(data(rank))
    dist.all_reduce(t)  # makes the communicator
    STATE.hang = True
    if mode == "error":
        STATE.async_error = (
            "NCCL_ERROR_REMOTE_ERROR: remote process exited or there was a network error"
        )
    try:
        if mode == "async":
            work = dist.all_reduce(t, async_op=True)
            assert not work.is_completed()
            work.wait()
        else:
            dist.all_reduce(t)
    except dist.DistBackendError as error:
        print(f"rank {rank} caught: {error}", flush=True)
    else:
        raise AssertionError("the hung collective did not time out")
    assert STATE.calls[-1][0] == "abort", STATE.calls[-3:]
    print(f"PASS rank {rank}", flush=True)


if __name__ == "__main__":
    main()
