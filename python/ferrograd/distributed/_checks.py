"""What every operation does before it starts: refuse to run on a broken job, finish async
work seen complete, number the collective, and (in debug mode) check that every rank called the
same collective with tensors of the same shape and dtype.

The debug check is one small all-gather of a fixed-size row of integers per rank (operation,
reduce op, root, dtype, shape), compared on every rank, so that every rank raises the same
``RuntimeError`` describing what each rank passed. It runs on every collective when
``FERROGRAD_DISTRIBUTED_DEBUG`` (or PyTorch's ``TORCH_DISTRIBUTED_DEBUG``) is ``DETAIL`` when
``init_process_group`` runs, and
``DistributedDataParallel`` always runs its own check on the model when it is built. Without
it, ranks that disagree make MPI hang (reported by the timeout), fail, or read the wrong
amount."""

from __future__ import annotations

import os
import time

import numpy as np

from . import _liveness
from ._group import ProcessGroup, world
from ._mpi import mpi

__all__ = ["begin", "detail_enabled"]

OPERATIONS = (
    "all_reduce", "broadcast", "reduce", "all_gather", "all_gather_into_tensor",
    "reduce_scatter", "reduce_scatter_tensor", "gather", "scatter", "all_to_all_single",
    "all_to_all", "barrier", "broadcast_object_list", "all_gather_object", "gather_object",
    "scatter_object_list",
)  # fmt: skip
DTYPES = ("bool", "int32", "int64", "float32", "float64", "float16", "bfloat16", "uint8", "int8",
          "int16", "complex64", "complex128")  # fmt: skip
_DIMS = 10
_ROW = 6 + _DIMS  # operation, reduce op, root, dtype, ndim, numel, the first _DIMS sizes


def detail_from_environment() -> bool:
    for name in ("FERROGRAD_DISTRIBUTED_DEBUG", "TORCH_DISTRIBUTED_DEBUG"):
        if os.environ.get(name, "").strip().upper() == "DETAIL":
            return True
    return False


def detail_enabled() -> bool:
    """The debug mode, as the environment said when ``init_process_group`` ran."""
    return world.detail


def begin(pg: ProcessGroup, operation: str, tensor=None, reduce_op: int = -1, root: int = -1,
          shape_matters: bool = True) -> int:  # fmt: skip
    """Starts ``operation`` on ``pg``: returns its sequence number."""
    if world.broken is not None:
        raise RuntimeError(
            f"ferrograd.distributed: the job cannot communicate after an earlier failure: "
            f"{world.broken}"
        )
    if pg.inflight:
        for work in list(pg.inflight):
            work.is_completed()
    sequence = pg.next_sequence()
    if world.detail and operation in OPERATIONS and pg.size() > 1:
        check_same_call(pg, operation, sequence, tensor, reduce_op, root, shape_matters)
    return sequence


def _row(operation: str, tensor, reduce_op: int, root: int, shape_matters: bool) -> np.ndarray:
    row = np.full(_ROW, -1, dtype=np.int64)
    row[0] = OPERATIONS.index(operation)
    row[1] = reduce_op
    row[2] = root
    if tensor is not None:
        name = str(tensor.dtype).rsplit(".", 1)[-1]
        row[3] = DTYPES.index(name) if name in DTYPES else 99
        if shape_matters:
            shape = tuple(tensor.shape)
            row[4] = len(shape)
            row[5] = tensor.numel()
            row[6 : 6 + min(len(shape), _DIMS)] = shape[:_DIMS]
    return row


def _describe(row: np.ndarray) -> str:
    from ._reduce_op import RedOpType

    text = OPERATIONS[row[0]] if 0 <= row[0] < len(OPERATIONS) else "?"
    if row[1] >= 0:
        text += f"({RedOpType(int(row[1])).name})"
    if row[2] >= 0:
        text += f" with root {row[2]}"
    if row[3] >= 0:
        dtype = DTYPES[row[3]] if row[3] < len(DTYPES) else "?"
        if row[4] >= 0:
            dims = [str(int(d)) for d in row[6 : 6 + min(int(row[4]), _DIMS)]]
            dims += ["..."] if row[4] > _DIMS else []
            text += f" of {dtype}[{', '.join(dims)}]"
        else:
            text += f" of {dtype}"
    return text


def check_same_call(pg, operation, sequence, tensor, reduce_op, root, shape_matters) -> None:
    MPI = mpi()
    row = _row(operation, tensor, reduce_op, root, shape_matters)
    table = np.empty((pg.size(), _ROW), dtype=np.int64)
    request = pg.comm.Iallgather([row, MPI.INT64_T], [table, MPI.INT64_T])
    deadline = time.monotonic() + pg.timeout.total_seconds()
    _liveness.wait([request], pg, f"{operation} (debug check)", sequence, deadline)
    if (table == table[0]).all():
        return
    calls = "; ".join(f"rank {pg.global_rank(r)}: {_describe(table[r])}" for r in range(pg.size()))
    raise RuntimeError(
        f"ferrograd.distributed: collective #{sequence} on {pg.description} was called "
        f"differently on different ranks (each rank must call the same collective with a "
        f"tensor of the same shape and dtype, the same op and root): {calls}"
    )
