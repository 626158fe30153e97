"""A stand-in for CuPy's NCCL bindings, to test ferrograd's NCCL dispatch on machines without a
GPU. It tests which calls ferrograd makes (pointers, counts, NCCL types and ops, stream,
events, groups, aborts), not NCCL.

``install()`` puts modules ``cupy``, ``cupy.cuda`` and ``cupy.cuda.nccl`` into ``sys.modules``
with what ferrograd's NCCL backend uses: ``cuda.Device``, ``cuda.get_current_stream``,
``cuda.Event`` and ``nccl`` (``get_unique_id``, ``NcclCommunicator``, ``groupStart``/
``groupEnd``, the ``NCCL_*`` constants, with nccl.h's values). CUDA tensors come from
ferrograd's NumPy test backend (``FERROGRAD_CUDA_BACKEND=numpy``), whose "device" arrays are
host memory, so the fake communicator reads and writes the pointers it is given as host
addresses and performs each operation at once: alone for a group of one rank, over MPI
(``COMM_WORLD``: world groups only) for more. Every call is recorded in ``STATE.calls``;
``STATE.hang = True`` makes events never complete (a collective that hangs), and
``STATE.async_error`` the error NCCL then reports (a peer that failed);
``STATE.version`` is the NCCL version ``get_version`` reports."""

from __future__ import annotations

import ctypes
import sys
import types

import numpy as np

# nccl.h's ncclDataType_t and ncclRedOp_t
TYPES = {0: np.int8, 1: np.uint8, 2: np.int32, 3: np.uint32, 4: np.int64, 5: np.uint64,
         6: np.float16, 7: np.float32, 8: np.float64}  # fmt: skip
NAMES = {"NCCL_INT8": 0, "NCCL_UINT8": 1, "NCCL_INT32": 2, "NCCL_UINT32": 3, "NCCL_INT64": 4,
         "NCCL_UINT64": 5, "NCCL_FLOAT16": 6, "NCCL_FLOAT32": 7, "NCCL_FLOAT64": 8,
         "NCCL_SUM": 0, "NCCL_PROD": 1, "NCCL_MAX": 2, "NCCL_MIN": 3, "NCCL_AVG": 4}  # fmt: skip
OPS = {0: "SUM", 1: "PROD", 2: "MAX", 3: "MIN", 4: "AVG"}
STREAM_POINTER = 0x5EED


class State:
    def __init__(self):
        self.calls: list[tuple] = []
        self.hang = False
        self.async_error: str | None = None  # what check_async_error raises
        self.version = 22703  # NCCL 2.27.3: has ncclAvg
        self.device_stack: list[int] = []
        self.in_group = False
        self.pending: list = []  # MPI requests of a group's sends and receives

    def named(self, name: str) -> list[dict]:
        return [args for call, args in self.calls if call == name]


STATE = State()


def memory(pointer: int, count: int, nccl_type: int) -> np.ndarray:
    """``count`` elements of NCCL type ``nccl_type`` at host address ``pointer``."""
    dtype = np.dtype(TYPES[nccl_type])
    if count == 0:
        return np.empty(0, dtype=dtype)
    raw = np.ctypeslib.as_array(
        ctypes.cast(pointer, ctypes.POINTER(ctypes.c_uint8)), shape=(count * dtype.itemsize,)
    )
    return raw.view(dtype)


def _combine(arrays: list[np.ndarray], op: int) -> np.ndarray:
    stacked = np.stack(arrays)
    name = OPS[op]
    if name == "SUM":
        return stacked.sum(axis=0).astype(stacked.dtype)
    if name == "AVG":
        return (stacked.sum(axis=0) / len(arrays)).astype(stacked.dtype)
    if name == "PROD":
        return stacked.prod(axis=0).astype(stacked.dtype)
    return (stacked.max if name == "MAX" else stacked.min)(axis=0)


class NcclCommunicator:
    def __init__(self, ndev: int, commId, rank: int):
        STATE.calls.append(
            ("init", {"ndev": ndev, "id": commId, "rank": rank, "device": _current_device()})
        )
        self.size = ndev
        self.rank = rank
        self.mpi = None
        self.aborted = False
        if ndev > 1:
            from mpi4py import MPI

            assert MPI.COMM_WORLD.Get_size() == ndev, "the fake supports world groups only"
            self.mpi = MPI.COMM_WORLD.Dup()

    def _record(self, name: str, **args) -> None:
        assert not self.aborted, f"{name} on an aborted communicator"
        assert args.pop("stream") == STREAM_POINTER, "not on the current stream"
        STATE.calls.append((name, {**args, "device": _current_device()}))

    def _everyone(self, data: np.ndarray) -> list[np.ndarray]:
        if self.mpi is None:
            return [data.copy()]
        gathered = np.empty((self.size, data.size), dtype=data.dtype)
        self.mpi.Allgather(np.ascontiguousarray(data), gathered)
        return list(gathered)

    def allReduce(self, sendbuf, recvbuf, count, datatype, op, stream):
        self._record("allReduce", send=sendbuf, recv=recvbuf, count=count, type=datatype, op=op,
                     stream=stream)  # fmt: skip
        result = _combine(self._everyone(memory(sendbuf, count, datatype)), op)
        memory(recvbuf, count, datatype)[...] = result

    def reduce(self, sendbuf, recvbuf, count, datatype, op, root, stream):
        self._record("reduce", send=sendbuf, recv=recvbuf, count=count, type=datatype, op=op,
                     root=root, stream=stream)  # fmt: skip
        result = _combine(self._everyone(memory(sendbuf, count, datatype)), op)
        if self.rank == root:
            memory(recvbuf, count, datatype)[...] = result

    def broadcast(self, sendbuff, recvbuff, count, datatype, root, stream):
        self._record("broadcast", send=sendbuff, recv=recvbuff, count=count, type=datatype,
                     root=root, stream=stream)  # fmt: skip
        everyone = self._everyone(memory(sendbuff, count, datatype))
        memory(recvbuff, count, datatype)[...] = everyone[root]

    def allGather(self, sendbuf, recvbuf, count, datatype, stream):
        self._record("allGather", send=sendbuf, recv=recvbuf, count=count, type=datatype,
                     stream=stream)  # fmt: skip
        everyone = self._everyone(memory(sendbuf, count, datatype))
        memory(recvbuf, count * self.size, datatype)[...] = np.concatenate(everyone)

    def reduceScatter(self, sendbuf, recvbuf, recvcount, datatype, op, stream):
        self._record("reduceScatter", send=sendbuf, recv=recvbuf, count=recvcount,
                     type=datatype, op=op, stream=stream)  # fmt: skip
        everyone = self._everyone(memory(sendbuf, recvcount * self.size, datatype))
        result = _combine(everyone, op)
        block = slice(self.rank * recvcount, (self.rank + 1) * recvcount)
        memory(recvbuf, recvcount, datatype)[...] = result[block]

    def send(self, sendbuf, count, datatype, peer, stream):
        self._record("send", send=sendbuf, count=count, type=datatype, peer=peer,
                     stream=stream)  # fmt: skip
        request = self.mpi.Isend(memory(sendbuf, count, datatype).copy(), dest=peer, tag=77)
        self._finish_p2p(request)

    def recv(self, recvbuf, count, datatype, peer, stream):
        self._record("recv", recv=recvbuf, count=count, type=datatype, peer=peer,
                     stream=stream)  # fmt: skip
        request = self.mpi.Irecv(memory(recvbuf, count, datatype), source=peer, tag=77)
        self._finish_p2p(request)

    def _finish_p2p(self, request) -> None:
        if STATE.in_group:
            STATE.pending.append(request)
        else:
            request.Wait()

    def abort(self):
        STATE.calls.append(("abort", {}))
        self.aborted = True

    def destroy(self):
        STATE.calls.append(("destroy", {}))

    def check_async_error(self):
        if STATE.async_error is not None:
            raise RuntimeError(STATE.async_error)  # CuPy raises NcclError, a RuntimeError


def get_unique_id():
    STATE.calls.append(("get_unique_id", {}))
    return tuple(range(-64, 64))  # 128 signed chars, as CuPy's tuple form


def get_version() -> int:
    return STATE.version


def groupStart():
    STATE.calls.append(("groupStart", {}))
    STATE.in_group = True


def groupEnd():
    STATE.calls.append(("groupEnd", {}))
    STATE.in_group = False
    from mpi4py import MPI

    MPI.Request.Waitall(STATE.pending)
    STATE.pending = []


def _current_device() -> int | None:
    return STATE.device_stack[-1] if STATE.device_stack else None


class Device:
    def __init__(self, index: int = 0):
        self.index = index

    def __enter__(self):
        STATE.device_stack.append(self.index)
        return self

    def __exit__(self, *exc):
        STATE.device_stack.pop()
        return False


class Stream:
    ptr = STREAM_POINTER


def get_current_stream():
    return Stream()


class Event:
    def __init__(self, block=False, disable_timing=False, interprocess=False):
        self.stream = None

    def record(self, stream=None):
        STATE.calls.append(("record", {"stream": stream.ptr, "device": _current_device()}))
        self.stream = stream

    @property
    def done(self) -> bool:
        return not STATE.hang


def install() -> State:
    """Puts the fake into ``sys.modules`` (a fresh record); returns its state."""
    global STATE
    STATE = State()
    nccl = types.ModuleType("cupy.cuda.nccl")
    for name, value in NAMES.items():
        setattr(nccl, name, value)
    functions = {"NcclCommunicator": NcclCommunicator, "get_unique_id": get_unique_id,
                 "get_version": get_version, "groupStart": groupStart, "groupEnd": groupEnd,
                 "available": True}  # fmt: skip
    for name, value in functions.items():
        setattr(nccl, name, value)
    cuda = types.ModuleType("cupy.cuda")
    for name, value in {"nccl": nccl, "Device": Device, "Event": Event,
                        "get_current_stream": get_current_stream}.items():  # fmt: skip
        setattr(cuda, name, value)
    cupy = types.ModuleType("cupy")
    cupy.cuda = cuda
    sys.modules.update({"cupy": cupy, "cupy.cuda": cuda, "cupy.cuda.nccl": nccl})
    return STATE


def uninstall() -> None:
    for name in ("cupy.cuda.nccl", "cupy.cuda", "cupy"):
        sys.modules.pop(name, None)
