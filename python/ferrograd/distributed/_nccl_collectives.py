"""The collectives and point-to-point operations that NCCL runs on CUDA tensors, called by
``_collectives`` and ``_p2p`` once the arguments are checked and the operation numbered: each
one builds the NCCL call (pointers, element count and type, reduction) and what finishes it on
the same stream, and hands them to ``_nccl.run``.

Which operations go to NCCL is decided by :func:`route`: on a group whose CUDA backend is NCCL,
``all_reduce``, ``broadcast``, ``reduce``, ``all_gather``, ``all_gather_into_tensor``,
``reduce_scatter``, ``reduce_scatter_tensor`` and the point-to-point operations of CUDA tensors.
``gather``, ``scatter`` and the all-to-alls stay on MPI through host copies (correct, slow)."""

from __future__ import annotations

import numpy as np

from ._group import ProcessGroup
from ._nccl import (
    DeviceBuffer,
    array_module,
    cupy_module,
    datatype,
    device_index,
    device_pointer,
    reduction,
    run,
)
from ._reduce_op import RedOpType

__all__ = [
    "all_gather",
    "all_gather_into_tensor",
    "all_reduce",
    "broadcast",
    "point_to_point",
    "reduce",
    "reduce_scatter",
    "route",
]

NO_CPU_BACKEND = "No backend type associated with device type cpu"


def route(pg: ProcessGroup, tensors: list, operation: str) -> bool:
    """Whether ``operation`` on ``tensors`` goes to NCCL (else MPI). CPU tensors on a group
    without a CPU backend (``init_process_group("nccl")``) raise PyTorch's error; tensors of one
    NCCL operation must be on one CUDA device."""
    devices = {(t.device.type, t.device.index or 0) for t in tensors}
    if pg.backends.cpu is None and any(kind == "cpu" for kind, _ in devices):
        raise RuntimeError(NO_CPU_BACKEND)
    if pg.backends.cuda != "nccl" or not any(kind == "cuda" for kind, _ in devices):
        return False
    if len(devices) > 1:
        where = ", ".join(f"{kind}:{index}" for kind, index in sorted(devices))
        raise RuntimeError(
            f"{operation}: the NCCL backend needs every tensor of a collective on the same CUDA "
            f"device, got tensors on {where}"
        )
    return True


def _types(tensor) -> tuple[int, int]:
    """``(NCCL element type, NCCL element count)`` of ``tensor``."""
    code, per_element = datatype(cupy_module().cuda.nccl, _dtype(tensor))
    return code, tensor.numel() * per_element


def _dtype(tensor) -> np.dtype:
    return np.dtype(tensor.dtype.numpy)


def _divide(buffer: DeviceBuffer, divide: bool, size: int) -> None:
    if divide:
        buffer.array /= size


# Each ``enqueue`` below runs inside the tensor's CUDA device (``_nccl.run``), so that the
# staging arrays it makes are allocated there.


def all_reduce(pg, sequence, tensor, op: RedOpType, async_op: bool):
    kind, count = _types(tensor)
    red, divide = reduction(cupy_module().cuda.nccl, op, _dtype(tensor))

    def enqueue(comm, stream):
        buffer = DeviceBuffer(tensor, write=True)
        comm.allReduce(buffer.pointer, buffer.pointer, count, kind, red, stream)
        _divide(buffer, divide, pg.size())
        buffer.finish()

    return run(pg, "all_reduce", sequence, device_index(tensor), enqueue, async_op, [tensor])


def broadcast(pg, sequence, tensor, root: int, async_op: bool):
    kind, count = _types(tensor)

    def enqueue(comm, stream):
        buffer = DeviceBuffer(tensor, write=pg.rank() != root)
        comm.broadcast(buffer.pointer, buffer.pointer, count, kind, root, stream)
        buffer.finish()

    return run(pg, "broadcast", sequence, device_index(tensor), enqueue, async_op, [tensor])


def reduce(pg, sequence, tensor, root: int, op: RedOpType, async_op: bool):
    kind, count = _types(tensor)
    red, divide = reduction(cupy_module().cuda.nccl, op, _dtype(tensor))
    is_root = pg.rank() == root

    def enqueue(comm, stream):
        buffer = DeviceBuffer(tensor, write=is_root)
        comm.reduce(buffer.pointer, buffer.pointer, count, kind, red, root, stream)
        if is_root:
            _divide(buffer, divide, pg.size())
            buffer.finish()

    return run(pg, "reduce", sequence, device_index(tensor), enqueue, async_op, [tensor])


def all_gather(pg, sequence, outputs: list, tensor, async_op: bool):
    """Gathers into one device array, then copies its blocks into ``outputs``."""
    from .. import cuda

    kind, count = _types(tensor)

    def enqueue(comm, stream):
        send = DeviceBuffer(tensor, write=False)
        received = array_module(send.array).empty((pg.size(), send.size), send.array.dtype)
        comm.allGather(send.pointer, device_pointer(received), count, kind, stream)
        for out, block in zip(outputs, received, strict=True):
            target = cuda.device_array(out)
            target[...] = block.reshape(target.shape)

    return run(pg, "all_gather", sequence, device_index(tensor), enqueue, async_op, outputs)


def all_gather_into_tensor(pg, sequence, output, input, async_op: bool):
    kind, count = _types(input)

    def enqueue(comm, stream):
        send = DeviceBuffer(input, write=False)
        out = DeviceBuffer(output, write=True)
        comm.allGather(send.pointer, out.pointer, count, kind, stream)
        out.finish()

    return run(
        pg, "all_gather_into_tensor", sequence, device_index(input), enqueue, async_op, [output]
    )


def reduce_scatter(pg, sequence, output, inputs: list, op: RedOpType, async_op: bool,
                   operation: str):  # fmt: skip
    """``inputs``: the one tensor of ``reduce_scatter_tensor`` or the list of
    ``reduce_scatter`` (concatenated on the device)."""
    from .. import cuda

    kind, count = _types(output)
    red, divide = reduction(cupy_module().cuda.nccl, op, _dtype(output))

    def enqueue(comm, stream):
        out = DeviceBuffer(output, write=True)
        if len(inputs) == 1:
            send = DeviceBuffer(inputs[0], write=False).array
        else:
            parts = [cuda.device_array(t).reshape(-1) for t in inputs]
            send = array_module(parts[0]).concatenate(parts)
        comm.reduceScatter(device_pointer(send), out.pointer, count, kind, red, stream)
        _divide(out, divide, pg.size())
        out.finish()

    return run(pg, operation, sequence, device_index(output), enqueue, async_op, [output])


def point_to_point(pg, sequence, tensor, peer: int, operation: str, receive: bool):
    """``ncclRecv`` into ``tensor`` from group rank ``peer`` (``receive``), else ``ncclSend``."""
    kind, count = _types(tensor)

    def enqueue(comm, stream):
        buffer = DeviceBuffer(tensor, write=receive)
        if receive:
            comm.recv(buffer.pointer, count, kind, peer, stream)
            buffer.finish()
        else:
            comm.send(buffer.pointer, count, kind, peer, stream)

    source = pg.global_rank(peer) if receive else None
    index = device_index(tensor)
    return run(pg, operation, sequence, index, enqueue, True, [tensor], source)
