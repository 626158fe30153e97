"""Every collective, point-to-point operation and object collective of ferrograd.distributed,
with the values each rank must end with computed by NumPy from every rank's inputs (each rank
can make any other rank's input: they depend only on the rank). Run under mpiexec with any
number of ranks; prints ``PASS rank R`` on success (a failed check raises, which aborts the
job)."""

from __future__ import annotations

import datetime
import warnings

import numpy as np

import ferrograd as fg
import ferrograd.distributed as dist


def data(rank: int, shape=(3, 4), dtype=np.float64) -> np.ndarray:
    """Rank ``rank``'s input: distinct per rank and per element."""
    n = int(np.prod(shape))
    return ((np.arange(n) % 7 + 1) * (rank + 2) - rank).reshape(shape).astype(dtype)


def same(tensor, expected) -> None:
    got = tensor.detach().numpy()
    assert got.shape == np.shape(expected), (got.shape, np.shape(expected))
    assert got.dtype == np.asarray(expected).dtype, (got.dtype, np.asarray(expected).dtype)
    np.testing.assert_allclose(got, expected, rtol=1e-6 if got.dtype == np.float32 else 0)


def check_all_reduce(rank, size, ranks) -> None:
    everyone = [data(r) for r in ranks]
    cases = {
        dist.ReduceOp.SUM: np.sum(everyone, axis=0),
        dist.ReduceOp.PRODUCT: np.prod(everyone, axis=0),
        dist.ReduceOp.MIN: np.min(everyone, axis=0),
        dist.ReduceOp.MAX: np.max(everyone, axis=0),
        dist.ReduceOp.AVG: np.mean(everyone, axis=0),
    }
    for op, expected in cases.items():
        for dtype in (np.float64, np.float32):
            t = fg.from_numpy(data(rank, dtype=dtype))
            view = t.numpy()
            dist.all_reduce(t, op=op)
            same(t, expected.astype(dtype))
            assert np.shares_memory(view, t.numpy())
    ints = [data(r, dtype=np.int64) for r in ranks]
    for op, expected in {
        dist.ReduceOp.SUM: np.sum(ints, axis=0),
        dist.ReduceOp.BAND: np.bitwise_and.reduce(ints),
        dist.ReduceOp.BOR: np.bitwise_or.reduce(ints),
        dist.ReduceOp.BXOR: np.bitwise_xor.reduce(ints),
    }.items():
        t = fg.tensor(data(rank, dtype=np.int64))
        dist.all_reduce(t, op)
        same(t, expected)
    flags = [np.array([r == 0, True, r % 2 == 1, False]) for r in ranks]
    for op, expected in {
        dist.ReduceOp.SUM: np.logical_or.reduce(flags),
        dist.ReduceOp.MIN: np.logical_and.reduce(flags),
    }.items():
        t = fg.tensor(flags[ranks.index(rank) if rank in ranks else 0])
        dist.all_reduce(t, op)
        same(t, expected)
    # a non-contiguous tensor (a transposed view) is reduced in place through its strides
    base = fg.tensor(data(rank, (4, 3)))
    view = base.t()
    assert not view.is_contiguous()
    dist.all_reduce(view)
    same(base, np.sum([data(r, (4, 3)) for r in ranks], axis=0))
    # a 0-d tensor and a parameter that requires grad
    scalar = fg.tensor(float(rank + 1))
    dist.all_reduce(scalar)
    same(scalar, np.array(sum(r + 1 for r in ranks), dtype=np.float32))
    weight = fg.nn.Parameter(fg.tensor(data(rank)))
    dist.all_reduce(weight, op=dist.ReduceOp.MAX)
    same(weight, np.max(everyone, axis=0))
    # async: the work handle
    t = fg.tensor(data(rank))
    work = dist.all_reduce(t, async_op=True)
    assert isinstance(work, dist.Work)
    assert work.wait() is True and work.is_completed() and work.is_success()
    same(t, np.sum(everyone, axis=0))
    assert work.result()[0] is t


def check_rooted(rank, size) -> None:
    for root in range(size):
        t = fg.tensor(data(rank))
        dist.broadcast(t, src=root)
        same(t, data(root))
        t = fg.tensor(data(rank)).t()  # non-contiguous receiver
        dist.broadcast(t, src=root)
        same(t, data(root).T)
        t = fg.tensor(data(rank))
        dist.reduce(t, dst=root, op=dist.ReduceOp.MAX)
        same(t, np.max([data(r) for r in range(size)], axis=0) if rank == root else data(rank))
        t = fg.tensor(data(rank))
        dist.reduce(t, dst=root, op=dist.ReduceOp.AVG)
        if rank == root:
            same(t, np.mean([data(r) for r in range(size)], axis=0))
        # gather / scatter
        mine = fg.tensor(data(rank, (2, 3), np.float32))
        gathered = [fg.zeros(2, 3) for _ in range(size)] if rank == root else None
        dist.gather(mine, gathered, dst=root)
        if rank == root:
            for r in range(size):
                same(gathered[r], data(r, (2, 3), np.float32))
        parts = [fg.tensor(data(r + 10, (5,))) for r in range(size)] if rank == root else None
        out = fg.zeros(5, dtype=fg.float64)
        dist.scatter(out, parts, src=root)
        same(out, data(rank + 10, (5,)))
    t = fg.tensor(data(rank))
    dist.broadcast(t, group_src=size - 1)
    same(t, data(size - 1))
    # argument errors are found before any communication (so only the rank at fault calls)
    bad = (None, "must be specified") if rank == 0 else ([fg.zeros(1)], "must NOT be specified")
    try:
        dist.gather(fg.zeros(1), bad[0], dst=0)
    except ValueError as error:
        assert bad[1] in str(error), error
    else:
        raise AssertionError("gather with a wrong gather_list must raise")


def check_gathers(rank, size) -> None:
    mine = fg.tensor(data(rank, (2, 3)))
    outs = [fg.zeros(2, 3, dtype=fg.float64) for _ in range(size)]
    dist.all_gather(outs, mine)
    for r in range(size):
        same(outs[r], data(r, (2, 3)))
    flat = fg.zeros(2 * size, 3, dtype=fg.float64)
    dist.all_gather_into_tensor(flat, mine)
    same(flat, np.concatenate([data(r, (2, 3)) for r in range(size)]))
    stacked = fg.zeros(size, 2, 3, dtype=fg.float64)
    work = dist.all_gather_into_tensor(stacked, mine, async_op=True)
    work.wait()
    same(stacked, np.stack([data(r, (2, 3)) for r in range(size)]))
    # reduce_scatter_tensor: rank i gets block i of the sum
    big = fg.tensor(data(rank, (size * 2, 3)))
    out = fg.zeros(2, 3, dtype=fg.float64)
    dist.reduce_scatter_tensor(out, big)
    total = np.sum([data(r, (size * 2, 3)) for r in range(size)], axis=0)
    same(out, total[2 * rank : 2 * rank + 2])
    dist.reduce_scatter_tensor(out, big, op=dist.ReduceOp.AVG)
    same(out, total[2 * rank : 2 * rank + 2] / size)
    pieces = [fg.tensor(data(rank * 10 + i, (4,))) for i in range(size)]
    out = fg.zeros(4, dtype=fg.float64)
    dist.reduce_scatter(out, pieces)
    same(out, np.sum([data(r * 10 + rank, (4,)) for r in range(size)], axis=0))
    try:
        dist.all_gather_into_tensor(fg.zeros(3), fg.zeros(2))
    except RuntimeError as error:
        assert "world_size" in str(error)
    else:
        raise AssertionError("a wrong output size must raise")


def check_all_to_all(rank, size) -> None:
    # even: rank r sends row block j to rank j
    inp = fg.tensor(data(rank, (size * 2, 3)))
    out = fg.zeros(size * 2, 3, dtype=fg.float64)
    dist.all_to_all_single(out, inp)
    same(
        out, np.concatenate([data(r, (size * 2, 3))[2 * rank : 2 * rank + 2] for r in range(size)])
    )

    # uneven: rank r sends (j + r) % 3 + 1 rows to rank j
    def split(r, j):
        return (j + r) % 3 + 1

    in_splits = [split(rank, j) for j in range(size)]
    out_splits = [split(r, rank) for r in range(size)]
    inp = fg.tensor(data(rank, (sum(in_splits), 2)))
    out = fg.zeros(sum(out_splits), 2, dtype=fg.float64)
    dist.all_to_all_single(out, inp, out_splits, in_splits)
    expected = []
    for r in range(size):
        splits = [split(r, j) for j in range(size)]
        start = sum(splits[:rank])
        expected.append(data(r, (sum(splits), 2))[start : start + splits[rank]])
    same(out, np.concatenate(expected))
    # the list form, with a different size per pair
    inputs = [fg.tensor(data(rank * 10 + j, (j + 1,))) for j in range(size)]
    outputs = [fg.zeros(rank + 1, dtype=fg.float64) for _ in range(size)]
    dist.all_to_all(outputs, inputs)
    for r in range(size):
        same(outputs[r], data(r * 10 + rank, (rank + 1,)))


def check_point_to_point(rank, size) -> None:
    right, left = (rank + 1) % size, (rank - 1) % size
    # a ring: even ranks send first, odd ranks receive first
    got = fg.zeros(3, 4, dtype=fg.float64)
    if rank % 2 == 0:
        dist.send(fg.tensor(data(rank)), dst=right, tag=7)
        assert dist.recv(got, src=left, tag=7) == left
    else:
        assert dist.recv(got, src=left, tag=7) == left
        dist.send(fg.tensor(data(rank)), dst=right, tag=7)
    same(got, data(left))
    # nonblocking both ways at once, into a non-contiguous receiver
    got = fg.zeros(4, 3, dtype=fg.float64).t()
    receive = dist.irecv(got, src=left)
    sending = dist.isend(fg.tensor(data(rank)), dst=right)
    sending.wait()
    receive.wait()
    same(got, data(left))
    # batched, and a receive from any source
    ops = [
        dist.P2POp(dist.isend, fg.tensor(data(rank, (2,))), right),
        dist.P2POp(dist.irecv, got_b := fg.zeros(2, dtype=fg.float64), left),
    ]
    for work in dist.batch_isend_irecv(ops):
        work.wait()
    same(got_b, data(left, (2,)))
    if rank == 0:
        senders = set()
        for _ in range(size - 1):
            buf = fg.zeros(1, dtype=fg.int64)
            source = dist.recv(buf, tag=3)
            assert buf.item() == source * 100, (buf.item(), source)
            senders.add(source)
        assert senders == set(range(1, size))
    else:
        dist.send(fg.tensor([rank * 100]), dst=0, tag=3)
    try:
        dist.send(fg.zeros(1), dst=rank)
    except ValueError as error:
        assert "destination" in str(error)
    else:
        raise AssertionError("sending to oneself must raise")


def check_objects(rank, size) -> None:
    message = {
        "step": 3,
        "lr": 0.1,
        "nan": float("nan"),
        "names": ("a", "b"),
        b"raw": [None, True, 2**70, 1 + 2j],
        5: fg.tensor([[1.5, 2.5]], dtype=fg.float32),
        "array": np.arange(4, dtype=np.int32),
        "scalar": np.float32(0.25),
    }
    objects = [message, "second"] if rank == 0 else [None, None]
    dist.broadcast_object_list(objects, src=0)
    got, second = objects
    assert second == "second"
    assert got["step"] == 3 and got["lr"] == 0.1 and np.isnan(got["nan"])
    assert got["names"] == ("a", "b") and got[b"raw"] == [None, True, 2**70, 1 + 2j]
    assert got[5].dtype == fg.float32 and got[5].tolist() == [[1.5, 2.5]]
    assert got["array"].dtype == np.int32 and got["array"].tolist() == [0, 1, 2, 3]
    assert got["scalar"] == np.float32(0.25) and isinstance(got["scalar"], np.float32)
    gathered = [None] * size
    dist.all_gather_object(gathered, {"rank": rank, "word": "x" * rank})
    assert gathered == [{"rank": r, "word": "x" * r} for r in range(size)]
    dst = size - 1
    collected = [None] * size if rank == dst else None
    dist.gather_object(("from", rank), collected, dst=dst)
    if rank == dst:
        assert collected == [("from", r) for r in range(size)]
    out = [None]
    dist.scatter_object_list(out, [[r] * r for r in range(size)] if rank == 0 else None, src=0)
    assert out == [[rank] * rank]

    class Custom:
        pass

    try:
        dist.all_gather_object([None] * size, Custom())
    except TypeError as error:
        assert "Custom" in str(error) and "no pickle" in str(error)
    else:
        raise AssertionError("an arbitrary object must be refused")


def check_groups(rank, size) -> None:
    members = list(range(0, size, 2))  # the even ranks
    sub = dist.new_group(members)
    if rank in members:
        assert dist.get_rank(sub) == members.index(rank)
        assert dist.get_world_size(sub) == len(members)
        assert dist.get_process_group_ranks(sub) == members
        t = fg.tensor(data(rank))
        dist.all_reduce(t, group=sub)
        same(t, np.sum([data(r) for r in members], axis=0))
        t = fg.tensor(data(rank))
        dist.broadcast(t, src=members[-1], group=sub)
        same(t, data(members[-1]))
        gathered = [None] * len(members)
        dist.all_gather_object(gathered, rank, group=sub)
        assert gathered == members
        dist.barrier(group=sub)
        dist.destroy_process_group(sub)
    else:
        assert sub is dist.GroupMember.NON_GROUP_MEMBER
        assert dist.get_rank(sub) == -1 and dist.get_world_size(sub) == -1
        t = fg.tensor(data(rank))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert dist.all_reduce(t, group=sub) is None
        assert "does not belong to the given group" in str(caught[0].message)
        same(t, data(rank))  # untouched
    # a group made by its members only
    odd = list(range(1, size, 2))
    if rank in odd:
        local = dist.new_group(odd, use_local_synchronization=True)
        t = fg.tensor([float(rank)])
        dist.all_reduce(t, group=local)
        same(t, np.array([sum(odd)], dtype=np.float32))


def check_device_tensors(rank: int, size: int) -> None:
    """Tensors on another device (here the NumPy-backed test backend standing for CUDA) go
    through host copies, in and out."""
    from ferrograd import cuda
    from ferrograd.cuda._numpy_backend import NumpyTable

    previous = cuda.use_backend(NumpyTable())
    try:
        t = fg.tensor(data(rank), device="cuda")
        dist.all_reduce(t)
        assert t.device.type == "cuda"
        same(t.cpu(), np.sum([data(r) for r in range(size)], axis=0))
        t = fg.tensor(data(rank), device="cuda").t()  # and not contiguous
        dist.broadcast(t, src=size - 1)
        same(t.cpu(), data(size - 1).T)
        parts = [fg.zeros(2, dtype=fg.float64, device="cuda") for _ in range(size)]
        dist.all_gather(parts, fg.tensor([rank, -rank], dtype=fg.float64, device="cuda"))
        assert [p.cpu().tolist() for p in parts] == [[r, -r] for r in range(size)]
    finally:
        cuda.use_backend(previous)


def main() -> None:
    dist.init_process_group(backend="mpi", timeout=datetime.timedelta(seconds=60))
    rank, size = dist.get_rank(), dist.get_world_size()
    assert dist.is_initialized() and dist.get_backend() == "mpi"
    assert dist.group.WORLD is dist.GroupMember.WORLD and dist.group.WORLD.size() == size
    check_all_reduce(rank, size, list(range(size)))
    check_rooted(rank, size)
    check_gathers(rank, size)
    check_all_to_all(rank, size)
    if size > 1:
        check_point_to_point(rank, size)
    check_objects(rank, size)
    check_groups(rank, size)
    check_device_tensors(rank, size)
    dist.barrier()
    work = dist.barrier(async_op=True)
    work.wait()
    dist.monitored_barrier(timeout=30)
    dist.destroy_process_group()
    assert not dist.is_initialized()
    # and again, after tearing down
    dist.init_process_group("gloo")
    t = fg.ones(2)
    dist.all_reduce(t)
    same(t, np.full(2, float(size), dtype=np.float32))
    dist.destroy_process_group()
    print(f"PASS rank {rank}", flush=True)


if __name__ == "__main__":
    main()
