"""``torch.distributed`` on MPI (through mpi4py): process groups, collectives on tensors and on
objects, point-to-point messages, with PyTorch's names and signatures.

Launch the processes with ``python -m ferrograd.distributed.run --nproc-per-node N script.py``
(or ``mpiexec -n N python script.py``, or ``srun``); each calls
``init_process_group(backend="mpi")`` (``"gloo"`` and None mean the same here), which takes the
rank and world size from MPI. Collectives hand MPI the tensors' own memory when they are
contiguous; every wait has a deadline (``init_process_group(timeout=...)``) after which the
rank names the ranks that are missing; ``FERROGRAD_DISTRIBUTED_DEBUG=DETAIL`` checks that the
ranks agree on every collective's shapes and dtypes. ``backend="nccl"`` (or
``"cpu:mpi,cuda:nccl"``) runs the collectives of CUDA tensors on NCCL through CuPy, with MPI
as the bootstrap (and the CPU side). See docs/DISTRIBUTED.md."""

from __future__ import annotations

import os

from ._collectives import (
    all_gather,
    all_gather_into_tensor,
    all_reduce,
    all_to_all,
    all_to_all_single,
    barrier,
    broadcast,
    gather,
    monitored_barrier,
    reduce,
    reduce_scatter,
    reduce_scatter_tensor,
    scatter,
)
from ._errors import DistBackendError, DistError, DistNetworkError, DistStoreError
from ._group import (
    Backend,
    GroupMember,
    ProcessGroup,
    destroy_process_group,
    get_backend,
    get_global_rank,
    get_group_rank,
    get_process_group_ranks,
    get_rank,
    get_world_size,
    group,
    init_process_group,
    is_initialized,
    new_group,
)
from ._mpi import mpi_installed
from ._object_collectives import (
    all_gather_object,
    broadcast_object_list,
    gather_object,
    scatter_object_list,
)
from ._p2p import P2POp, batch_isend_irecv, irecv, isend, recv, send
from ._reduce_op import ReduceOp
from ._work import Work

__all__ = [
    "Backend",
    "DistBackendError",
    "DistError",
    "DistNetworkError",
    "DistStoreError",
    "GroupMember",
    "P2POp",
    "ProcessGroup",
    "ReduceOp",
    "Work",
    "all_gather",
    "all_gather_into_tensor",
    "all_gather_object",
    "all_reduce",
    "all_to_all",
    "all_to_all_single",
    "barrier",
    "batch_isend_irecv",
    "broadcast",
    "broadcast_object_list",
    "destroy_process_group",
    "gather",
    "gather_object",
    "get_backend",
    "get_global_rank",
    "get_group_rank",
    "get_node_local_rank",
    "get_process_group_ranks",
    "get_rank",
    "get_world_size",
    "group",
    "init_process_group",
    "irecv",
    "is_available",
    "is_gloo_available",
    "is_initialized",
    "is_mpi_available",
    "is_nccl_available",
    "is_torchelastic_launched",
    "isend",
    "monitored_barrier",
    "new_group",
    "recv",
    "reduce",
    "reduce_scatter",
    "reduce_scatter_tensor",
    "scatter",
    "scatter_object_list",
    "send",
]


def is_available() -> bool:
    """Whether process groups can be made: mpi4py (and so an MPI library) is installed."""
    return mpi_installed()


def is_mpi_available() -> bool:
    return mpi_installed()


def is_nccl_available() -> bool:
    """Whether the NCCL backend can be used: CuPy and its NCCL bindings (``cupy.cuda.nccl``)
    import. Calling it imports CuPy; ``import ferrograd.distributed`` does not."""
    from ._nccl import is_nccl_available as available

    return available()


def is_gloo_available() -> bool:
    """False: there is no Gloo; ``backend="gloo"`` is served by MPI."""
    return False


def is_torchelastic_launched() -> bool:
    """Whether the process was started by ``torchrun`` (PyTorch's test: its run id is set)."""
    return os.environ.get("TORCHELASTIC_RUN_ID") is not None


def get_node_local_rank(fallback_rank: int | None = None) -> int:
    """``LOCAL_RANK`` from the environment (set by ``ferrograd.distributed.run``), else
    ``fallback_rank``."""
    if "LOCAL_RANK" in os.environ:
        return int(os.environ["LOCAL_RANK"])
    if fallback_rank is not None:
        return int(fallback_rank)
    raise RuntimeError(
        "LOCAL_RANK is not in the environment. Consider passing fallback_rank to allow "
        "`get_node_local_rank` to work, assuming you are not running in a multi-device context "
        "and want the code to run locally instead."
    )
