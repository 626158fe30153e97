"""``spawn``/``start_processes``: run ``fn(i, *args)`` in ``nprocs`` processes and wait for
them, raising in the parent what made one of them fail.

A child that raises writes its formatted traceback (plain text, never a pickle) to a file
only it and the parent know, then exits with status 1; the parent, seeing a process end with
a non-zero status, stops the others and raises ``ProcessRaisedException`` with that text, or
``ProcessExitedException`` when the process died without one (a signal, ``sys.exit``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import tempfile
import traceback
import warnings

__all__ = [
    "ProcessContext",
    "ProcessException",
    "ProcessExitedException",
    "ProcessRaisedException",
    "SpawnContext",
    "spawn",
    "start_processes",
]


class ProcessException(Exception):
    """A process started by ``spawn`` failed: ``error_index`` (its index ``i``) and
    ``error_pid``."""

    def __init__(self, msg: str, error_index: int, error_pid: int) -> None:
        super().__init__(msg)
        self.msg = msg
        self.error_index = error_index
        self.error_pid = error_pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid)


class ProcessRaisedException(ProcessException):
    """A process failed because ``fn`` raised; the message holds the child's traceback."""


class ProcessExitedException(ProcessException):
    """A process ended with a non-zero status without raising (``exit_code``; negative with
    ``signal_name`` when a signal ended it)."""

    def __init__(
        self,
        msg: str,
        error_index: int,
        error_pid: int,
        exit_code: int,
        signal_name: str | None = None,
    ) -> None:
        super().__init__(msg, error_index, error_pid)
        self.exit_code = exit_code
        self.signal_name = signal_name

    def __reduce__(self):
        arguments = (self.msg, self.error_index, self.error_pid, self.exit_code, self.signal_name)
        return type(self), arguments


def _run(fn, i: int, args: tuple, error_file: str) -> None:
    """A child's entry point: ``fn(i, *args)``, its exception's traceback to ``error_file``."""
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass  # the parent is stopping the processes
    except Exception:  # noqa: BLE001 - any failure of ``fn`` is reported to the parent
        with open(error_file, "w", encoding="utf-8") as file:
            file.write(traceback.format_exc())
        sys.exit(1)


class ProcessContext:
    """The processes ``start_processes(..., join=False)`` started; ``join()`` waits for them."""

    def __init__(self, processes, error_files) -> None:
        self.processes = processes
        self.error_files = error_files
        self.sentinels = {process.sentinel: index for index, process in enumerate(processes)}

    def pids(self) -> list[int]:
        return [int(process.pid) for process in self.processes]

    def join(self, timeout: float | None = None, grace_period: float | None = None) -> bool:
        """Waits up to ``timeout`` seconds for a process to end. True once every process ended
        well, False while some still run; raises when one failed, after stopping the others
        (SIGTERM, then SIGKILL after ``grace_period`` seconds, 30 by default)."""
        if not self.sentinels:
            return True
        ready = multiprocessing.connection.wait(list(self.sentinels), timeout=timeout)
        failed = None
        for sentinel in ready:
            index = self.sentinels.pop(sentinel)
            self.processes[index].join()
            if self.processes[index].exitcode != 0:
                failed = index
                break
        if failed is None:
            return not self.sentinels
        self._stop_all(30.0 if grace_period is None else grace_period)
        raise self._failure(failed)

    def _stop_all(self, grace_period: float) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join(grace_period)
            if process.is_alive():
                process.kill()
                process.join()
        self.sentinels.clear()

    def _failure(self, index: int) -> ProcessException:
        process = self.processes[index]
        try:
            with open(self.error_files[index], encoding="utf-8") as file:
                trace = file.read()
        except OSError:
            trace = None
        if trace:
            message = f"\n\n-- Process {index:d} terminated with the following error:\n{trace}"
            return ProcessRaisedException(message, index, process.pid)
        code = process.exitcode
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"<Unknown signal {-code}>"
            message = f"process {index:d} terminated with signal {name}"
            return ProcessExitedException(message, index, process.pid, code, name)
        message = f"process {index:d} terminated with exit code {code:d}"
        return ProcessExitedException(message, index, process.pid, code)

    def __del__(self) -> None:
        for name in getattr(self, "error_files", ()):
            with contextlib.suppress(OSError):
                os.unlink(name)


SpawnContext = ProcessContext


def _error_file() -> str:
    handle, name = tempfile.mkstemp(prefix="ferrograd-errorfile-", suffix=".txt")
    os.close(handle)
    return name


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Starts ``nprocs`` processes of ``start_method`` running ``fn(i, *args)`` for ``i`` in
    ``range(nprocs)``; with ``join``, waits for all of them (see ``ProcessContext.join``),
    else returns their ``ProcessContext``."""
    context = multiprocessing.get_context(start_method)
    processes, error_files = [], []
    for i in range(nprocs):
        error_files.append(_error_file())
        process = context.Process(target=_run, args=(fn, i, args, error_files[-1]), daemon=daemon)
        process.start()
        processes.append(process)
    started = ProcessContext(processes, error_files)
    if not join:
        return started
    while not started.join():
        pass
    return None


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Runs ``fn(i, *args)`` in ``nprocs`` new processes (``i`` = 0 .. ``nprocs`` - 1), started
    with the ``spawn`` method, as ``torch.multiprocessing.spawn`` does.

    If a process raises, the others are stopped and the parent raises
    ``ProcessRaisedException`` with the child's traceback; a process that dies otherwise gives
    ``ProcessExitedException``. ``fn`` must be importable (defined at a module's top level).

    Args:
        fn: called as ``fn(i, *args)`` in each process.
        args: the arguments after the index.
        nprocs: how many processes.
        join: wait for them (returns None); False returns a ``ProcessContext``.
        daemon: the processes' daemon flag.
        start_method: only ``"spawn"``; another warns (FutureWarning) and ``spawn`` is used.

    Examples:
        >>> import ferrograd.multiprocessing as mp
        >>> def work(rank, shared):
        ...     shared[rank] += 1
        >>> if __name__ == "__main__":  # doctest: +SKIP
        ...     t = ferrograd.zeros(2).share_memory_()
        ...     mp.spawn(work, args=(t,), nprocs=2)
        ...     print(t)  # tensor([1., 1.])
    """
    if start_method != "spawn":
        warnings.warn(
            f"This method only supports start_method=spawn (got: {start_method}).\n"
            "To use a different start_method use:\n\t\t"
            " ferrograd.multiprocessing.start_processes(...)",
            FutureWarning,
            stacklevel=2,
        )
    return start_processes(fn, args, nprocs, join, daemon, start_method="spawn")
