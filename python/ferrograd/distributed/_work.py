"""``Work``: the handle of an operation in flight (what ``async_op=True``, ``isend`` and
``irecv`` return)."""

from __future__ import annotations

import datetime
import time

from . import _liveness
from ._group import ProcessGroup
from ._mpi import mpi

__all__ = ["Work", "launch"]


class Work:
    """An operation started on MPI. ``wait()`` blocks until it is complete (raising
    ``DistBackendError`` if the group's timeout passes first, see ``_liveness``) and returns
    True; ``is_completed()`` asks without blocking. The tensors the operation writes hold its
    result only once one of them has reported completion."""

    def __init__(self, pg: ProcessGroup, operation: str, sequence: int, requests: list,
                 finish=None, result=None, statuses: list | None = None,
                 timeout: datetime.timedelta | None = None):  # fmt: skip
        self._pg = pg
        self._timeout = pg.timeout if timeout is None else timeout
        self._operation = operation
        self._sequence = sequence
        self._requests = requests
        self._finish = finish
        self._result = result if result is not None else []
        self._statuses = statuses
        self._started = time.monotonic()
        self._done = False

    def _complete(self) -> None:
        self._done = True
        self._requests = []
        if self._finish is not None:
            finish, self._finish = self._finish, None
            finish()
        if self in self._pg.inflight:
            self._pg.inflight.remove(self)

    def _deadline(self, timeout) -> float:
        """When a wait gives up (``time.monotonic()``): the group's timeout from the start, or
        ``timeout`` from now."""
        if timeout is None:
            return self._started + _seconds(self._timeout)
        return time.monotonic() + _seconds(timeout)

    def is_completed(self) -> bool:
        if not self._done and mpi().Request.Testall(self._requests, self._statuses):
            self._complete()
        return self._done

    def wait(self, timeout: datetime.timedelta | None = None) -> bool:
        if not self._done:
            _liveness.wait(
                self._requests,
                self._pg,
                self._operation,
                self._sequence,
                self._deadline(timeout),
                self._statuses,
            )
            self._complete()
        return True

    def synchronize(self) -> None:
        self.wait()

    def is_success(self) -> bool:
        return self.is_completed()

    def exception(self):
        return None

    def result(self) -> list:
        """The output tensors of the operation."""
        self.wait()
        return list(self._result)

    def source_rank(self) -> int:
        """For a receive from any source: the global rank the message came from."""
        self.wait()
        if not self._statuses:
            raise RuntimeError("source_rank() is only available for receive operations")
        return self._pg.global_rank(self._statuses[0].Get_source())

    def get_future(self):
        raise NotImplementedError(
            "Work.get_future() is not supported by ferrograd.distributed; call wait()"
        )

    def __repr__(self) -> str:
        state = "completed" if self._done else "in flight"
        return f"<Work {self._operation} #{self._sequence} on {self._pg.description}: {state}>"


def _seconds(timeout) -> float:
    if isinstance(timeout, datetime.timedelta):
        return timeout.total_seconds()
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        return float(timeout)
    raise TypeError(f"timeout must be a datetime.timedelta, got {type(timeout).__name__}")


def launch(pg: ProcessGroup, operation: str, sequence: int, requests: list, async_op: bool,
           finish=None, result=None, statuses: list | None = None,
           timeout: datetime.timedelta | None = None):  # fmt: skip
    """The ``Work`` of an operation just started: returned with ``async_op`` (and tracked by
    the group until seen complete, so that its buffers outlive it), else waited for here."""
    if async_op:
        work = Work(pg, operation, sequence, requests, finish, result, statuses, timeout)
        pg.inflight.append(work)
        return work
    seconds = _seconds(pg.timeout if timeout is None else timeout)
    _liveness.wait(requests, pg, operation, sequence, time.monotonic() + seconds, statuses)
    if finish is not None:
        finish()
    return None
