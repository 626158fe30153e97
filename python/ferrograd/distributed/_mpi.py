"""mpi4py, imported when a process group is first made: importing ferrograd never starts MPI."""

from __future__ import annotations

import importlib.util

__all__ = ["mpi", "mpi_installed"]

_INSTALL_HINT = (
    "the MPI backend needs mpi4py and an MPI library: pip install 'ferrograd[distributed]' "
    "(mpi4py with MPICH from PyPI)"
)


def mpi_installed() -> bool:
    """Whether mpi4py can be imported (without importing it, which would start MPI)."""
    return importlib.util.find_spec("mpi4py") is not None


_module = None


def mpi():
    """The ``mpi4py.MPI`` module (importing it initializes MPI, with ``MPI_THREAD_MULTIPLE``
    as mpi4py asks by default)."""
    global _module
    if _module is None:
        try:
            from mpi4py import MPI
        except ImportError as error:
            raise RuntimeError(_INSTALL_HINT) from error
        _module = MPI
    return _module
