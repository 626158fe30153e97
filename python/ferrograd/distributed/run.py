"""``python -m ferrograd.distributed.run``: starts a training script on several processes, the
way ``torchrun`` does, through ``mpiexec``.

    python -m ferrograd.distributed.run --nproc-per-node 4 train.py --lr 0.1
    python -m ferrograd.distributed.run --nproc-per-node 8 --hostfile hosts train.py  # 2+ machines
    python -m ferrograd.distributed.run --nproc-per-node 2 -m my_package.train

Each process gets ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK`` and ``LOCAL_WORLD_SIZE`` in its
environment (as under ``torchrun``) before the script starts, and, unless they are set already,
``FERROGRAD_NUM_THREADS`` and ``OMP_NUM_THREADS`` so that the processes of one machine share its
cores instead of each taking all of them. The exit status is ``mpiexec``'s: when one process
fails, ``mpiexec`` stops the others. ``mpiexec`` is looked for beside the Python interpreter
(``pip install mpich`` puts it there), then on ``PATH``; ``--mpiexec`` names another one. MPICH's
``mpiexec`` (Hydra) and Open MPI's are supported; with a hostfile, each host runs
``--nproc-per-node`` processes."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["build_command", "find_mpiexec", "main", "parse_args"]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m ferrograd.distributed.run",
        description="Start a training script on several processes through mpiexec.",
        allow_abbrev=False,
    )
    parser.add_argument(
        "--nproc-per-node",
        "--nproc_per_node",
        default="1",
        help="processes per machine: a number, or 'auto'/'cpu' (one per CPU core)",
    )
    parser.add_argument(
        "--nnodes",
        type=int,
        default=None,
        help="number of machines (default: the hosts of --hostfile, else 1)",
    )
    parser.add_argument(
        "--hostfile",
        type=Path,
        default=None,
        help="the machines to run on, one per line (MPICH's or Open MPI's hostfile format)",
    )
    parser.add_argument("--mpiexec", default=None, help="the mpiexec program to use")
    parser.add_argument(
        "--mpiexec-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="an extra argument for mpiexec (repeat for several)",
    )
    parser.add_argument(
        "--standalone", action="store_true", help="accepted for torchrun compatibility"
    )
    parser.add_argument(
        "-m",
        "--module",
        action="store_true",
        help="run the script as a Python module, like python -m",
    )
    parser.add_argument(
        "--no-python",
        "--no_python",
        action="store_true",
        help="run the script as a program, without the Python interpreter",
    )
    parser.add_argument("training_script", help="the script (or module, or program) to run")
    parser.add_argument("training_script_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.module and args.no_python:
        parser.error("--module and --no-python cannot be used together")
    value = str(args.nproc_per_node)
    if value in ("auto", "cpu"):
        args.nproc_per_node = os.cpu_count() or 1
    else:
        try:
            args.nproc_per_node = int(value)
        except ValueError:
            parser.error(f"--nproc-per-node must be a number, 'auto' or 'cpu', got {value!r}")
        if args.nproc_per_node < 1:
            parser.error("--nproc-per-node must be at least 1")
    if args.hostfile is not None and not args.hostfile.is_file():
        parser.error(f"--hostfile {args.hostfile}: no such file")
    hosts = _hosts(args.hostfile) if args.hostfile is not None else 1
    if args.nnodes is None:
        args.nnodes = hosts
    elif args.nnodes > 1 and args.hostfile is None:
        parser.error(
            "--nnodes above 1 needs --hostfile (or start the job with srun or mpiexec directly)"
        )
    elif args.nnodes < 1 or args.nnodes > hosts:
        parser.error(f"--nnodes {args.nnodes}: the hostfile lists {hosts} host(s)")
    return args


def _hosts(hostfile: Path) -> int:
    lines = [line.split("#")[0].strip() for line in hostfile.read_text().splitlines()]
    return max(1, sum(1 for line in lines if line))


def find_mpiexec(explicit: str | None = None) -> str:
    """``explicit``, else the ``mpiexec`` beside this interpreter, else the one on ``PATH``."""
    if explicit:
        found = shutil.which(explicit)
        if found is None:
            raise SystemExit(f"ferrograd.distributed.run: --mpiexec {explicit}: not found")
        return found
    beside = Path(sys.executable).parent / "mpiexec"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("mpiexec")
    if found is None:
        raise SystemExit(
            "ferrograd.distributed.run: no mpiexec found; pip install 'ferrograd[distributed]' "
            "(MPICH from PyPI) or put an MPI's mpiexec on PATH"
        )
    return found


def _is_open_mpi(mpiexec: str) -> bool:
    try:
        version = subprocess.run(
            [mpiexec, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    text = version.stdout + version.stderr
    return "Open MPI" in text or "OpenRTE" in text


def build_command(args: argparse.Namespace, mpiexec: str, open_mpi: bool) -> list[str]:
    """The mpiexec command line that runs ``args``' script on every process."""
    total = args.nproc_per_node * args.nnodes
    command = [mpiexec, "-n", str(total)]
    if args.hostfile is not None:
        if open_mpi:
            command += ["--hostfile", str(args.hostfile), "--map-by",
                        f"ppr:{args.nproc_per_node}:node"]  # fmt: skip
        else:
            command += ["-f", str(args.hostfile), "-ppn", str(args.nproc_per_node)]
    elif open_mpi:
        command.append("--oversubscribe")  # MPICH allows more processes than cores already
    command += args.mpiexec_arg
    if args.no_python:
        command.append(args.training_script)
    else:
        command += [sys.executable, "-m", "ferrograd.distributed._rank"]
        command += ["-m", args.training_script] if args.module else [args.training_script]
    return command + list(args.training_script_args)


def _threads_per_process(nproc_per_node: int) -> None:
    threads = str(max(1, (os.cpu_count() or 1) // nproc_per_node))
    for name in ("FERROGRAD_NUM_THREADS", "OMP_NUM_THREADS"):
        if name not in os.environ and nproc_per_node > 1:
            os.environ[name] = threads
            print(
                f"ferrograd.distributed.run: {name}={threads} for each of the "
                f"{nproc_per_node} processes per machine (set it to choose another value)",
                file=sys.stderr,
            )


def main(argv=None) -> None:
    args = parse_args(argv)
    mpiexec = find_mpiexec(args.mpiexec)
    command = build_command(args, mpiexec, _is_open_mpi(mpiexec))
    _threads_per_process(args.nproc_per_node)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
