"""``python -m ferrograd.distributed._rank [-m] script [args]``: what each process started by
``ferrograd.distributed.run`` runs. Sets the ``torchrun`` variables from the MPI launcher's,
then runs the script (or module) as ``__main__``, as ``python script`` would."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from ._environment import launcher_ranks, set_torchrun_variables


def main() -> None:
    argv = sys.argv[1:]
    as_module = bool(argv) and argv[0] == "-m"
    if as_module:
        argv = argv[1:]
    if not argv:
        raise SystemExit("usage: python -m ferrograd.distributed._rank [-m] script [args]")
    ranks = launcher_ranks()
    if ranks is not None:
        set_torchrun_variables(*ranks)
    sys.argv = argv
    if as_module:
        runpy.run_module(argv[0], run_name="__main__", alter_sys=True)
    else:
        sys.path[0] = str(Path(argv[0]).resolve().parent)  # as `python script` sets it
        runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
