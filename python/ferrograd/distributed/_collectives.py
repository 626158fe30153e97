"""The collectives on tensors, each one MPI nonblocking collective on the group's communicator
(so that every wait has a deadline, see ``_liveness``), with PyTorch's signatures. CUDA tensors
on a group whose CUDA backend is NCCL go to ``_nccl_collectives`` instead (see ``route``).

Ranks are global ranks (``src``, ``dst``); ``group_src``/``group_dst`` give them as ranks in
``group`` instead. In-place collectives (``all_reduce``, ``broadcast``, ``reduce``, and the
``*_into_tensor``/``*_tensor`` forms) hand MPI the tensors' own storage when it is contiguous
(see ``_buffers``). ``all_gather``, ``gather``, ``scatter``, ``reduce_scatter`` and
``all_to_all`` take lists of tensors, which MPI cannot address as one buffer: they go through
one contiguous array, copied from or to the list."""

from __future__ import annotations

import math

import numpy as np

from . import _nccl_collectives as nccl
from ._buffers import Buffer, check_tensor, host_array
from ._checks import begin, detail_enabled
from ._group import ProcessGroup, resolve
from ._mpi import mpi
from ._nccl_collectives import route
from ._reduce_op import RedOpType, ReduceOp, mpi_op, normalize
from ._work import launch

__all__ = [
    "all_gather",
    "all_gather_into_tensor",
    "all_reduce",
    "all_to_all",
    "all_to_all_single",
    "barrier",
    "broadcast",
    "gather",
    "group_root",
    "monitored_barrier",
    "reduce",
    "reduce_scatter",
    "reduce_scatter_tensor",
    "scatter",
]


def _dtype(tensor) -> np.dtype:
    return np.dtype(tensor.dtype.numpy)


def group_root(pg: ProcessGroup, rank, group_rank, name: str) -> int:
    """The root's rank in ``pg``, from a global ``rank`` or a ``group_rank`` (default: global
    rank 0)."""
    if rank is not None and group_rank is not None:
        raise ValueError(f"Can not specify both {name} and group_{name}")
    if group_rank is not None:
        if not 0 <= group_rank < pg.size():
            raise ValueError(f"Group rank {group_rank} is not part of group {pg}")
        return int(group_rank)
    rank = 0 if rank is None else rank
    if rank not in pg.ranks:
        raise ValueError(f"Global rank {rank} is not part of group {pg}")
    return pg.ranks.index(rank)


def _write(tensor, array: np.ndarray) -> None:
    """Copies ``array`` (in ``tensor``'s element order) into ``tensor``."""
    buffer = Buffer(tensor, write=True)
    np.copyto(buffer.array, array.reshape(buffer.array.shape))
    buffer.finish()


def _reducing(buffers: list, op: RedOpType, divisor: int):
    """What finishes a reducing collective: the division of ``AVG``, then the copies back."""

    def finish():
        for buffer in buffers:
            if op == RedOpType.AVG:
                np.divide(buffer.array, divisor, out=buffer.array)
            buffer.finish()

    return finish


def _check_list(tensors, name: str, length: int, like, operation: str) -> list:
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{operation}: {name} must be a list of tensors")
    for t in tensors:
        check_tensor(t, name)
    if len(tensors) != length:
        raise RuntimeError(
            f"{operation}: {name} must hold one tensor per rank of the group ({length}), got "
            f"{len(tensors)}"
        )
    for i, t in enumerate(tensors):
        if t.dtype != like.dtype or t.numel() != like.numel():
            raise RuntimeError(
                f"{operation}: invalid tensor at index {i} of {name} (expected "
                f"{like.numel()} elements of {like.dtype}, got {t.numel()} of {t.dtype})"
            )
    return list(tensors)


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Reduces ``tensor`` across the group's ranks with ``op``; every rank gets the result in
    ``tensor``."""
    check_tensor(tensor, "tensor")
    op = normalize(op)
    pg = resolve(group, "all_reduce")
    if pg is None:
        return None
    if route(pg, [tensor], "all_reduce"):
        sequence = begin(pg, "all_reduce", tensor, reduce_op=int(op))
        return nccl.all_reduce(pg, sequence, tensor, op, async_op)
    MPI = mpi()
    buffer = Buffer(tensor, write=True)
    reduction = mpi_op(MPI, op, buffer.array.dtype)
    sequence = begin(pg, "all_reduce", tensor, reduce_op=int(op))
    request = pg.comm.Iallreduce(MPI.IN_PLACE, buffer.array, reduction)
    finish = _reducing([buffer], op, pg.size())
    return launch(pg, "all_reduce", sequence, [request], async_op, finish, [tensor])


def broadcast(tensor, src=None, group=None, async_op: bool = False, group_src=None):
    """Copies ``tensor`` of rank ``src`` into ``tensor`` on every rank."""
    check_tensor(tensor, "tensor")
    pg = resolve(group, "broadcast")
    if pg is None:
        return None
    root = group_root(pg, src, group_src, "src")
    on_nccl = route(pg, [tensor], "broadcast")
    sequence = begin(pg, "broadcast", tensor, root=root)
    if on_nccl:
        return nccl.broadcast(pg, sequence, tensor, root, async_op)
    buffer = Buffer(tensor, write=pg.rank() != root)
    request = pg.comm.Ibcast(buffer.array, root=root)
    return launch(pg, "broadcast", sequence, [request], async_op, buffer.finish, [tensor])


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op: bool = False,
           group_dst=None):  # fmt: skip
    """Reduces ``tensor`` across the group's ranks into ``tensor`` of rank ``dst`` (the other
    ranks' tensors are left as they were)."""
    check_tensor(tensor, "tensor")
    op = normalize(op)
    pg = resolve(group, "reduce")
    if pg is None:
        return None
    root = group_root(pg, dst, group_dst, "dst")
    if route(pg, [tensor], "reduce"):
        sequence = begin(pg, "reduce", tensor, reduce_op=int(op), root=root)
        return nccl.reduce(pg, sequence, tensor, root, op, async_op)
    MPI = mpi()
    reduction = mpi_op(MPI, op, _dtype(tensor))
    sequence = begin(pg, "reduce", tensor, reduce_op=int(op), root=root)
    if pg.rank() == root:
        buffer = Buffer(tensor, write=True)
        request = pg.comm.Ireduce(MPI.IN_PLACE, buffer.array, reduction, root=root)
        finish = _reducing([buffer], op, pg.size())
    else:
        buffer = Buffer(tensor, write=False)
        request = pg.comm.Ireduce(buffer.array, None, reduction, root=root)
        finish = None
    return launch(pg, "reduce", sequence, [request], async_op, finish, [tensor])


def all_gather(tensor_list, tensor, group=None, async_op: bool = False):
    """``tensor_list[i]`` receives ``tensor`` of the group's rank ``i``."""
    check_tensor(tensor, "tensor")
    pg = resolve(group, "all_gather")
    if pg is None:
        return None
    outputs = _check_list(tensor_list, "tensor_list", pg.size(), tensor, "all_gather")
    on_nccl = route(pg, [tensor, *outputs], "all_gather")
    sequence = begin(pg, "all_gather", tensor)
    if on_nccl:
        return nccl.all_gather(pg, sequence, outputs, tensor, async_op)
    send = Buffer(tensor, write=False)
    received = np.empty((pg.size(), *send.array.shape), dtype=send.array.dtype)
    request = pg.comm.Iallgather(send.array, received)

    def finish():
        for out, block in zip(outputs, received, strict=True):
            _write(out, block)

    return launch(pg, "all_gather", sequence, [request], async_op, finish, outputs)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op: bool = False):
    """``output_tensor`` (``world_size`` times ``input_tensor``'s size: the inputs
    concatenated along dimension 0, or stacked) receives every rank's ``input_tensor`` in rank
    order."""
    check_tensor(output_tensor, "output_tensor")
    check_tensor(input_tensor, "input_tensor")
    pg = resolve(group, "all_gather_into_tensor")
    if pg is None:
        return None
    if output_tensor.dtype != input_tensor.dtype:
        raise RuntimeError(
            f"all_gather_into_tensor: output_tensor has dtype {output_tensor.dtype} but "
            f"input_tensor has {input_tensor.dtype}"
        )
    if output_tensor.numel() != pg.size() * input_tensor.numel():
        raise RuntimeError(
            f"all_gather_into_tensor: output tensor size must be equal to world_size times "
            f"input tensor size (world_size {pg.size()}, input {tuple(input_tensor.shape)}, "
            f"output {tuple(output_tensor.shape)})"
        )
    on_nccl = route(pg, [output_tensor, input_tensor], "all_gather_into_tensor")
    sequence = begin(pg, "all_gather_into_tensor", input_tensor)
    if on_nccl:
        return nccl.all_gather_into_tensor(pg, sequence, output_tensor, input_tensor, async_op)
    send = Buffer(input_tensor, write=False)
    out = Buffer(output_tensor, write=True)
    request = pg.comm.Iallgather(send.array, out.array)
    return launch(
        pg, "all_gather_into_tensor", sequence, [request], async_op, out.finish, [output_tensor]
    )


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Reduces ``input`` (``world_size`` blocks along its elements) across ranks with ``op``;
    rank ``i`` gets block ``i`` of the result in ``output``."""
    check_tensor(output, "output")
    check_tensor(input, "input")
    op = normalize(op)
    pg = resolve(group, "reduce_scatter_tensor")
    if pg is None:
        return None
    if output.dtype != input.dtype:
        raise RuntimeError(
            f"reduce_scatter_tensor: output has dtype {output.dtype} but input has {input.dtype}"
        )
    if input.numel() != pg.size() * output.numel():
        raise RuntimeError(
            f"reduce_scatter_tensor: input tensor must be the same size as output size times "
            f"world size (world_size {pg.size()}, input {tuple(input.shape)}, output "
            f"{tuple(output.shape)})"
        )
    if route(pg, [output, input], "reduce_scatter_tensor"):
        sequence = begin(pg, "reduce_scatter_tensor", input, reduce_op=int(op))
        return nccl.reduce_scatter(
            pg, sequence, output, [input], op, async_op, "reduce_scatter_tensor"
        )
    MPI = mpi()
    reduction = mpi_op(MPI, op, _dtype(input))
    sequence = begin(pg, "reduce_scatter_tensor", input, reduce_op=int(op))
    send = Buffer(input, write=False)
    out = Buffer(output, write=True)
    request = pg.comm.Ireduce_scatter_block(send.array, out.array, reduction)
    finish = _reducing([out], op, pg.size())
    return launch(pg, "reduce_scatter_tensor", sequence, [request], async_op, finish, [output])


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Reduces the lists ``input_list`` across ranks with ``op``; rank ``i`` gets the reduced
    ``input_list[i]`` in ``output``."""
    check_tensor(output, "output")
    op = normalize(op)
    pg = resolve(group, "reduce_scatter")
    if pg is None:
        return None
    inputs = _check_list(input_list, "input_list", pg.size(), output, "reduce_scatter")
    if route(pg, [output, *inputs], "reduce_scatter"):
        sequence = begin(pg, "reduce_scatter", output, reduce_op=int(op))
        return nccl.reduce_scatter(pg, sequence, output, inputs, op, async_op, "reduce_scatter")
    MPI = mpi()
    reduction = mpi_op(MPI, op, _dtype(output))
    sequence = begin(pg, "reduce_scatter", output, reduce_op=int(op))
    send = np.concatenate([host_array(t).reshape(-1) for t in inputs])
    out = Buffer(output, write=True)
    request = pg.comm.Ireduce_scatter_block(send, out.array, reduction)
    finish = _reducing([out], op, pg.size())
    return launch(pg, "reduce_scatter", sequence, [request], async_op, finish, [output])


def _root_only_list(items, name: str, is_root: bool, role: str) -> None:
    if is_root and not items:
        raise ValueError(f"Argument ``{name}`` must be specified on {role} rank.")
    if not is_root and items:
        raise ValueError(f"Argument ``{name}`` must NOT be specified on non-{role} ranks.")


def gather(tensor, gather_list=None, dst=None, group=None, async_op: bool = False,
           group_dst=None):  # fmt: skip
    """``gather_list[i]`` on rank ``dst`` receives ``tensor`` of the group's rank ``i``."""
    check_tensor(tensor, "tensor")
    pg = resolve(group, "gather")
    if pg is None:
        return None
    root = group_root(pg, dst, group_dst, "dst")
    is_root = pg.rank() == root
    _root_only_list(gather_list, "gather_list", is_root, "destination")
    outputs = []
    if is_root:
        outputs = _check_list(gather_list, "gather_list", pg.size(), tensor, "gather")
    route(pg, [tensor, *outputs], "gather")  # CUDA tensors: MPI through host memory
    sequence = begin(pg, "gather", tensor, root=root)
    send = Buffer(tensor, write=False)
    received = np.empty((pg.size(), *send.array.shape), dtype=send.array.dtype) if is_root else None
    request = pg.comm.Igather(send.array, received, root=root)

    def finish():
        for out, block in zip(outputs, received if is_root else [], strict=True):
            _write(out, block)

    return launch(pg, "gather", sequence, [request], async_op, finish, outputs)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op: bool = False,
            group_src=None):  # fmt: skip
    """``tensor`` on the group's rank ``i`` receives ``scatter_list[i]`` of rank ``src``."""
    check_tensor(tensor, "tensor")
    pg = resolve(group, "scatter")
    if pg is None:
        return None
    root = group_root(pg, src, group_src, "src")
    is_root = pg.rank() == root
    _root_only_list(scatter_list, "scatter_list", is_root, "source")
    sending = None
    if is_root:
        inputs = _check_list(scatter_list, "scatter_list", pg.size(), tensor, "scatter")
        route(pg, inputs, "scatter")  # CUDA tensors: MPI through host memory
        sending = np.stack([host_array(t).reshape(-1) for t in inputs])
    route(pg, [tensor], "scatter")
    sequence = begin(pg, "scatter", tensor, root=root)
    out = Buffer(tensor, write=True)
    request = pg.comm.Iscatter(sending, out.array, root=root)
    return launch(pg, "scatter", sequence, [request], async_op, out.finish, [tensor])


def _splits(sizes, rows: int, world_size: int, name: str) -> list[int]:
    if sizes is None or len(sizes) == 0:
        if rows % world_size:
            raise ValueError(
                f"all_to_all_single: dimension 0 of {name} ({rows}) must be divisible by the "
                f"world size ({world_size}) when no split sizes are given"
            )
        return [rows // world_size] * world_size
    sizes = [int(s) for s in sizes]
    if len(sizes) != world_size or any(s < 0 for s in sizes) or sum(sizes) != rows:
        raise ValueError(
            f"all_to_all_single: {name} split sizes {sizes} must be {world_size} non-negative "
            f"numbers adding up to dimension 0 of {name} ({rows})"
        )
    return sizes


def _counts(sizes: list[int], row_elements: int) -> tuple[list[int], list[int]]:
    counts = [s * row_elements for s in sizes]
    offsets = [0, *np.cumsum(counts)[:-1].tolist()]
    return counts, offsets


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None,
                      group=None, async_op: bool = False):  # fmt: skip
    """Splits ``input`` along dimension 0 (evenly, or by ``input_split_sizes``) and sends
    part ``i`` to rank ``i``; ``output`` receives, along dimension 0, the parts the ranks
    sent to this one (sizes ``output_split_sizes``)."""
    check_tensor(output, "output")
    check_tensor(input, "input")
    pg = resolve(group, "all_to_all_single")
    if pg is None:
        return None
    if output.dtype != input.dtype:
        raise RuntimeError(
            f"all_to_all_single: output has dtype {output.dtype} but input has {input.dtype}"
        )
    size = pg.size()
    in_rows = input.shape[0] if input.dim() else 1
    out_rows = output.shape[0] if output.dim() else 1
    in_row = input.numel() // in_rows if in_rows else math.prod(input.shape[1:])
    out_row = output.numel() // out_rows if out_rows else math.prod(output.shape[1:])
    if in_row != out_row:
        raise RuntimeError(
            f"all_to_all_single: input and output must have the same size beyond dimension 0, "
            f"got {tuple(input.shape)} and {tuple(output.shape)}"
        )
    in_splits = _splits(input_split_sizes, in_rows, size, "input")
    out_splits = _splits(output_split_sizes, out_rows, size, "output")
    route(pg, [output, input], "all_to_all_single")  # CUDA tensors: MPI through host memory
    sequence = begin(pg, "all_to_all_single", input, shape_matters=False)
    if detail_enabled() and size > 1:
        _check_splits(pg, sequence, in_splits, out_splits)
    send = Buffer(input, write=False)
    out = Buffer(output, write=True)
    request = pg.comm.Ialltoallv(
        [send.array, _counts(in_splits, in_row)], [out.array, _counts(out_splits, out_row)]
    )
    return launch(pg, "all_to_all_single", sequence, [request], async_op, out.finish, [output])


def _check_splits(pg: ProcessGroup, sequence: int, in_splits, out_splits) -> None:
    """Debug mode: what each rank will send here must be what this rank expects, checked on
    every rank (each rank learns every other rank's splits)."""
    import time

    from . import _liveness

    everyone = np.empty((pg.size(), pg.size()), dtype=np.int64)
    request = pg.comm.Iallgather(np.asarray(in_splits, dtype=np.int64), everyone)
    deadline = time.monotonic() + pg.timeout.total_seconds()
    _liveness.wait([request], pg, "all_to_all_single (debug check)", sequence, deadline)
    everyone_out = np.empty_like(everyone)
    request = pg.comm.Iallgather(np.asarray(out_splits, dtype=np.int64), everyone_out)
    _liveness.wait([request], pg, "all_to_all_single (debug check)", sequence, deadline)
    if (everyone_out == everyone.T).all():
        return
    raise RuntimeError(
        f"ferrograd.distributed: all_to_all_single #{sequence} on {pg.description}: the split "
        f"sizes do not match across ranks (rank i's input_split_sizes[j] must equal rank j's "
        f"output_split_sizes[i]): input_split_sizes per rank {everyone.tolist()}, "
        f"output_split_sizes per rank {everyone_out.tolist()}"
    )


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op: bool = False):
    """Sends ``input_tensor_list[i]`` to rank ``i``; ``output_tensor_list[i]`` receives what
    rank ``i`` sent to this one."""
    pg = resolve(group, "all_to_all")
    if pg is None:
        return None
    size = pg.size()
    for name, tensors in (("output_tensor_list", output_tensor_list),
                          ("input_tensor_list", input_tensor_list)):  # fmt: skip
        if not isinstance(tensors, (list, tuple)) or len(tensors) != size:
            raise RuntimeError(f"all_to_all: {name} must be a list of {size} tensors")
        for t in tensors:
            check_tensor(t, name)
    dtypes = {t.dtype for t in [*output_tensor_list, *input_tensor_list]}
    if len(dtypes) != 1:
        raise RuntimeError("all_to_all: every tensor must have the same dtype")
    route(pg, [*output_tensor_list, *input_tensor_list], "all_to_all")  # CUDA: MPI via host
    sequence = begin(pg, "all_to_all", input_tensor_list[0], shape_matters=False)
    send = np.concatenate([host_array(t).reshape(-1) for t in input_tensor_list])
    out_counts = [t.numel() for t in output_tensor_list]
    received = np.empty(sum(out_counts), dtype=send.dtype)
    in_counts = [t.numel() for t in input_tensor_list]
    request = pg.comm.Ialltoallv([send, _counts(in_counts, 1)], [received, _counts(out_counts, 1)])

    def finish():
        for out, block in zip(output_tensor_list, np.split(received, np.cumsum(out_counts)[:-1]),
                              strict=True):  # fmt: skip
            _write(out, block)

    return launch(pg, "all_to_all", sequence, [request], async_op, finish, list(output_tensor_list))


def barrier(group=None, async_op: bool = False, device_ids=None, timeout=None):
    """Waits until every rank of the group has reached the barrier."""
    pg = resolve(group, "barrier")
    if pg is None:
        return None
    sequence = begin(pg, "barrier")
    request = pg.comm.Ibarrier()
    return launch(pg, "barrier", sequence, [request], async_op, timeout=timeout)


def monitored_barrier(group=None, timeout=None, wait_all_ranks: bool = False) -> None:
    """A barrier that fails after ``timeout`` (a ``timedelta`` or seconds; default the
    group's), naming the ranks that did not reach it (every such rank: the roll call of
    ``_liveness`` asks all of them, so ``wait_all_ranks`` changes nothing)."""
    import datetime

    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        timeout = datetime.timedelta(seconds=timeout)
    barrier(group, timeout=timeout)
