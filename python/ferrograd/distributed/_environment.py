"""The ``torchrun`` environment variables (``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``,
``LOCAL_WORLD_SIZE``) from what MPI launchers set, so that scripts written for ``torchrun``,
which read them before (or instead of) calling ``init_process_group``, run unchanged."""

from __future__ import annotations

import os

__all__ = ["launcher_ranks", "set_torchrun_variables"]

# (rank, size, local rank, local size) as each launcher names them
_LAUNCHERS = (
    ("PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID", "MPI_LOCALNRANKS"),  # MPICH (Hydra)
    (  # Open MPI
        "OMPI_COMM_WORLD_RANK",
        "OMPI_COMM_WORLD_SIZE",
        "OMPI_COMM_WORLD_LOCAL_RANK",
        "OMPI_COMM_WORLD_LOCAL_SIZE",
    ),
    ("SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID", "SLURM_NTASKS_PER_NODE"),  # srun
)


def launcher_ranks(environ=None) -> tuple[int, int, int, int] | None:
    """``(rank, world_size, local_rank, local_world_size)`` from the MPI launcher's variables,
    or None when no launcher set them. A missing local size counts the whole world."""
    environ = os.environ if environ is None else environ
    for rank, size, local_rank, local_size in _LAUNCHERS:
        if rank in environ and size in environ:
            try:
                world = int(environ[size])
                local = environ.get(local_size, str(world)).split("(")[0].split(",")[0]
                return (
                    int(environ[rank]),
                    world,
                    int(environ.get(local_rank, environ[rank])),
                    int(local),
                )
            except ValueError:
                continue
    return None


def set_torchrun_variables(rank: int, world_size: int, local_rank: int, local_size: int) -> None:
    """Sets the variables that are not set already."""
    os.environ.setdefault("RANK", str(rank))
    os.environ.setdefault("WORLD_SIZE", str(world_size))
    os.environ.setdefault("LOCAL_RANK", str(local_rank))
    os.environ.setdefault("LOCAL_WORLD_SIZE", str(local_size))
    os.environ.setdefault("GROUP_RANK", str(rank // max(local_size, 1)))
