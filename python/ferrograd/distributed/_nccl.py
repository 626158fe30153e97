"""The NCCL side of a process group, through CuPy's bindings (``cupy.cuda.nccl``): CuPy is
imported only when a group asks for NCCL, so ``import ferrograd.distributed`` and the MPI
backend never touch it.

A group holds one ``NcclCommunicator`` per CUDA device it has been used on, made at the first
collective on that device: rank 0 of the group asks NCCL for a unique id, MPI broadcasts it (MPI
stays the bootstrap and the CPU side), and every rank joins. Collectives hand NCCL the device
pointers of the CuPy arrays behind ferrograd's CUDA tensors (a non-contiguous tensor goes
through a contiguous copy on the device) and are enqueued on the device's current CuPy stream,
followed, on the same stream, by what finishes them (``AVG``'s division where NCCL has no
average, copies back into non-contiguous tensors). A CUDA event recorded after them is the
operation's ``Work``: waiting polls ``event.done`` against the group's timeout and, when the
timeout passes first, aborts the communicator (``ncclCommAbort``, NCCL's way out of a hang) and
raises ``DistBackendError`` naming the collective. Blocking collectives (``async_op=False``)
wait the same way before returning, so that a rank that died surfaces as an error, not as a
hang at the next synchronisation."""

from __future__ import annotations

import importlib
import time

import numpy as np

from . import _liveness
from ._group import ProcessGroup, mark_broken, world
from ._reduce_op import RedOpType
from ._work import Work

__all__ = [
    "DeviceBuffer",
    "NcclWork",
    "P2PBatch",
    "array_module",
    "communicator",
    "cupy_module",
    "datatype",
    "device_index",
    "device_pointer",
    "is_nccl_available",
    "reduction",
    "release_communicators",
    "require_nccl",
    "run",
]

_MISSING = (
    "Distributed package doesn't have NCCL built in: ferrograd's NCCL backend needs CuPy with "
    "its NCCL bindings and the NCCL library, on a machine with an NVIDIA GPU (pip install "
    "'ferrograd[cuda12]' or 'ferrograd[cuda13]' installs CuPy). backend='mpi' runs CUDA "
    "tensors through host memory instead."
)
SPIN_SECONDS = 0.1
LONGEST_PAUSE = 0.001
_ID_BYTES = 128  # NCCL_UNIQUE_ID_BYTES


def cupy_module():
    """CuPy, with ``cupy.cuda.nccl`` imported (RuntimeError with what to install if not)."""
    try:
        cupy = importlib.import_module("cupy")
        nccl = importlib.import_module("cupy.cuda.nccl")
    except Exception as error:  # ImportError, or CuPy failing to load its CUDA libraries
        raise RuntimeError(f"{_MISSING} ({type(error).__name__}: {error})") from error
    if not getattr(nccl, "available", True):
        raise RuntimeError(f"{_MISSING} (cupy.cuda.nccl.available is False)")
    return cupy


def is_nccl_available() -> bool:
    """Whether CuPy and its NCCL bindings import (this imports CuPy)."""
    try:
        cupy_module()
    except RuntimeError:
        return False
    return True


def require_nccl() -> None:
    """Raises PyTorch's error when a group asks for NCCL and there is none."""
    cupy_module()


def _nccl():
    return cupy_module().cuda.nccl


# ------------------------------------------------------------------------- element types, ops

# NCCL's element type per NumPy dtype name; bool travels as uint8 (reduced with MIN/MAX, as
# PyTorch does), complex as pairs of reals (for SUM and AVG only).
_TYPES = {
    "int8": "NCCL_INT8", "uint8": "NCCL_UINT8", "bool": "NCCL_UINT8", "int32": "NCCL_INT32",
    "uint32": "NCCL_UINT32", "int64": "NCCL_INT64", "uint64": "NCCL_UINT64",
    "float16": "NCCL_FLOAT16", "float32": "NCCL_FLOAT32", "float64": "NCCL_FLOAT64",
    "bfloat16": "NCCL_BFLOAT16", "complex64": "NCCL_FLOAT32", "complex128": "NCCL_FLOAT64",
}  # fmt: skip


def datatype(nccl, dtype: np.dtype) -> tuple[int, int]:
    """``(NCCL element type, NCCL elements per array element)`` for ``dtype``."""
    name = _TYPES.get(np.dtype(dtype).name)
    code = None if name is None else getattr(nccl, name, None)
    if code is None:
        raise TypeError(f"Unsupported dtype {np.dtype(dtype).name} for the NCCL backend")
    return code, 2 if np.dtype(dtype).kind == "c" else 1


_ARITHMETIC = {RedOpType.SUM: "NCCL_SUM", RedOpType.PRODUCT: "NCCL_PROD",
               RedOpType.MIN: "NCCL_MIN", RedOpType.MAX: "NCCL_MAX"}  # fmt: skip
_LOGICAL = {RedOpType.SUM: "NCCL_MAX", RedOpType.MAX: "NCCL_MAX", RedOpType.BOR: "NCCL_MAX",
            RedOpType.PRODUCT: "NCCL_MIN", RedOpType.MIN: "NCCL_MIN",
            RedOpType.BAND: "NCCL_MIN"}  # fmt: skip


def reduction(nccl, op: RedOpType, dtype: np.dtype) -> tuple[int, bool]:
    """``(NCCL reduction, whether the result is divided by the group's size afterwards)``:
    ``AVG`` is NCCL's average where CuPy exposes ``NCCL_AVG``, else a sum then a division."""
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        if op == RedOpType.AVG:
            raise RuntimeError("Cannot use ReduceOp.AVG with boolean inputs")
        name = _LOGICAL.get(op)
    elif op == RedOpType.AVG:
        if dtype.kind not in "fc":
            raise RuntimeError("ReduceOp.AVG is only supported for floating-point tensors")
        if _has_average(nccl):
            return nccl.NCCL_AVG, False
        return nccl.NCCL_SUM, True
    elif dtype.kind == "c" and op != RedOpType.SUM:
        raise RuntimeError(f"ReduceOp.{op.name} is not supported on complex tensors")
    else:
        name = _ARITHMETIC.get(op)
    if name is None:
        raise RuntimeError(f"Cannot use ReduceOp.{op.name} with NCCL")
    return getattr(nccl, name), False


def _has_average(nccl) -> bool:
    """Whether NCCL's own average can be used: CuPy names ``NCCL_AVG`` and the NCCL library
    loaded is 2.10 or later (``ncclAvg`` appeared there; versions are coded
    ``major * 10000 + minor * 100 + patch`` since 2.9)."""
    if getattr(nccl, "NCCL_AVG", None) is None:
        return False
    version = getattr(nccl, "get_version", None)
    try:
        return version is not None and version() >= 21000
    except RuntimeError:  # NcclError: the library cannot say
        return False


# ------------------------------------------------------------------------- device memory


def device_index(tensor) -> int:
    return tensor.device.index or 0


def array_module(array):
    """The array library of ``array`` (``cupy``; ``numpy`` for the test backend's arrays)."""
    return importlib.import_module(type(array).__module__.split(".")[0])


def device_pointer(array) -> int:
    """The address of ``array``'s first element: CuPy's ``data.ptr`` (the NumPy test backend's
    arrays give their host address, which the tests' stand-in for NCCL reads)."""
    pointer = getattr(array.data, "ptr", None)
    return array.__array_interface__["data"][0] if pointer is None else pointer


class DeviceBuffer:
    """``array``: contiguous device memory holding ``tensor``'s elements, for NCCL. A tensor that
    is not contiguous is copied into a contiguous array; with ``write``, :meth:`finish` enqueues
    the copy back (call it after the NCCL call, on the same stream)."""

    __slots__ = ("_view", "array", "pointer")

    def __init__(self, tensor, write: bool):
        from .. import cuda

        view = cuda.device_array(tensor)
        self._view = None
        if view.flags.c_contiguous:
            self.array = view
        else:
            self.array = array_module(view).ascontiguousarray(view)
            if write:
                self._view = view
        self.pointer = device_pointer(self.array)

    @property
    def size(self) -> int:
        return int(self.array.size)

    def finish(self) -> None:
        if self._view is not None:
            self._view[...] = self.array


# ------------------------------------------------------------------------- communicators


def _unique_id(pg: ProcessGroup, nccl, sequence: int):
    """Rank 0's NCCL unique id, broadcast over the group's MPI communicator. CuPy gives it as
    a tuple of 128 signed chars (older versions) or as 128 bytes; the first byte sent says
    which."""
    payload = np.zeros(1 + _ID_BYTES, dtype=np.uint8)
    if pg.rank() == 0:
        unique = nccl.get_unique_id()
        is_tuple = isinstance(unique, (tuple, list))
        raw = np.array(unique, dtype=np.int8).view(np.uint8) if is_tuple else unique
        payload[0] = int(is_tuple)
        payload[1:] = np.frombuffer(bytes(raw), dtype=np.uint8)
    request = pg.comm.Ibcast(payload, root=0)
    deadline = time.monotonic() + pg.timeout.total_seconds()
    _liveness.wait([request], pg, "NCCL communicator setup", sequence, deadline)
    raw = payload[1:].tobytes()
    return tuple(np.frombuffer(raw, dtype=np.int8).tolist()) if payload[0] else raw


def communicator(pg: ProcessGroup, index: int, sequence: int):
    """``pg``'s NCCL communicator on CUDA device ``index``, made on first use (every rank of
    the group gets here in the same collective)."""
    comm = pg.nccl.get(index)
    if comm is None:
        cupy = cupy_module()
        nccl = cupy.cuda.nccl
        unique = _unique_id(pg, nccl, sequence)
        with cupy.cuda.Device(index):
            try:
                comm = nccl.NcclCommunicator(pg.size(), unique, pg.rank())
            except Exception as error:
                raise mark_broken(
                    f"ferrograd.distributed: rank {_me()}: NCCL could not make the communicator "
                    f"of {pg.description} on cuda:{index}: {error}"
                ) from error
        pg.nccl[index] = comm
    return comm


def release_communicators(pg: ProcessGroup, abort: bool) -> None:
    """Frees ``pg``'s NCCL communicators (aborts them when the job is broken: a destroy would
    wait for the operations that hung)."""
    for comm in pg.nccl.values():
        if abort:
            comm.abort()
        else:
            comm.destroy()
    pg.nccl.clear()


def _me():
    return world.default.rank() if world.default is not None else "?"


# ------------------------------------------------------------------------- waiting


def wait_for_event(event, comm, pg: ProcessGroup, operation: str, sequence: int, index: int,
                   deadline: float, started: float) -> None:  # fmt: skip
    """Polls ``event`` until the device has passed it; NCCL's asynchronous errors and the
    deadline abort ``comm`` and raise ``DistBackendError``."""
    pause = 0.0
    _liveness._where.update(op=operation, seq=sequence, group=pg.description)
    try:
        while not event.done:
            now = time.monotonic()
            failure = _async_error(comm)
            if failure is not None or now >= deadline:
                comm.abort()
                pg.nccl = {k: c for k, c in pg.nccl.items() if c is not comm}
                what = (
                    f"NCCL reported an error: {failure}"
                    if failure is not None
                    else f"waited {now - started:.1f} s, timeout {pg.timeout}"
                )
                raise mark_broken(
                    f"ferrograd.distributed: rank {_me()}: {operation} (collective #{sequence} "
                    f"on {pg.description}, NCCL on cuda:{index}) did not complete: {what}. The "
                    "NCCL communicator was aborted; a rank of the group may have exited, "
                    "crashed or stopped calling collectives."
                )
            if now - started >= SPIN_SECONDS:
                _liveness.answer_roll_calls()
                pause = min(max(pause * 2, 5e-5), LONGEST_PAUSE)
                time.sleep(pause)
    finally:
        _liveness._where.clear()


def _async_error(comm):
    """NCCL's asynchronous error on ``comm`` (a peer that failed), as text, or None."""
    check = getattr(comm, "check_async_error", None)
    if check is None:
        return None
    try:
        check()
    except RuntimeError as error:  # CuPy's NcclError
        return f"{type(error).__name__}: {error}"
    return None


class NcclWork(Work):
    """An operation enqueued on a CUDA stream: complete once the device has passed the event
    recorded after it. ``wait()`` polls the event against the group's timeout (see
    :func:`wait_for_event`)."""

    def __init__(self, pg: ProcessGroup, operation: str, sequence: int, comm, index: int,
                 result=None, timeout=None, source: int | None = None):  # fmt: skip
        super().__init__(pg, operation, sequence, [], None, result, None, timeout)
        self._source = source
        self._comm = comm
        self._index = index
        self._event = None

    def _recorded(self, event) -> None:
        self._event = event

    def is_completed(self) -> bool:
        if not self._done and self._event is not None and self._event.done:
            self._complete()
        return self._done

    def wait(self, timeout=None) -> bool:
        if not self._done:
            if self._event is None:
                raise RuntimeError(
                    f"{self._operation}: wait() inside the batch that started it (NCCL runs the "
                    "batch when batch_isend_irecv has posted all of it)"
                )
            wait_for_event(self._event, self._comm, self._pg, self._operation,
                           self._sequence, self._index, self._deadline(timeout),
                           self._started)  # fmt: skip
            self._complete()
        return True

    def source_rank(self) -> int:
        """For a receive: the global rank it receives from (NCCL receives name it)."""
        self.wait()
        if self._source is None:
            raise RuntimeError("source_rank() is only available for receive operations")
        return self._source


def _record(cupy, stream):
    event = cupy.cuda.Event(block=False, disable_timing=True)
    event.record(stream)
    return event


_batch: list | None = None  # the works of the batch_isend_irecv being posted, if any


def run(pg: ProcessGroup, operation: str, sequence: int, index: int, enqueue, async_op: bool,
        result=None, source: int | None = None):  # fmt: skip
    """Enqueues ``enqueue(comm, stream_pointer)`` (the NCCL call and what finishes it) on device
    ``index``'s current stream, records the event that ends it, and returns its ``NcclWork``
    (with ``async_op``; the group tracks it until seen complete) or waits for it."""
    cupy = cupy_module()
    comm = communicator(pg, index, sequence)
    work = NcclWork(pg, operation, sequence, comm, index, result, source=source)
    with cupy.cuda.Device(index):
        stream = cupy.cuda.get_current_stream()
        try:
            enqueue(comm, stream.ptr)
        except Exception as error:
            if type(error).__name__ != "NcclError":
                raise
            raise mark_broken(
                f"ferrograd.distributed: rank {_me()}: NCCL failed in {operation} (collective "
                f"#{sequence} on {pg.description}, cuda:{index}): {error}"
            ) from error
        if _batch is not None:
            _batch.append((work, stream))
        else:
            work._recorded(_record(cupy, stream))
    if async_op:
        pg.inflight.append(work)
        return work
    work.wait()
    return None


class P2PBatch:
    """Posts the NCCL sends and receives made inside it as one NCCL group
    (``groupStart``/``groupEnd``: sends and receives between the same ranks then cannot
    deadlock), then records one event after the group for every work it started."""

    def __init__(self, groups: list[tuple[ProcessGroup, int]]):
        self.groups = groups

    def __enter__(self):
        global _batch
        for pg, index in self.groups:  # communicators are made outside the NCCL group
            communicator(pg, index, pg.sequence)
        _batch = []
        cupy_module().cuda.nccl.groupStart()
        return self

    def __exit__(self, *exc):
        global _batch
        cupy = cupy_module()
        posted, _batch = _batch, None
        cupy.cuda.nccl.groupEnd()
        for work, stream in posted:
            work._recorded(_record(cupy, stream))
        return False
