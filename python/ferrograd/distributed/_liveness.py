"""Waiting for MPI requests with a deadline, and finding out who is missing when it passes.

Every collective and point-to-point operation is started as a nonblocking MPI request and
waited for here: ``MPI_Testall`` in a loop (which is also what drives MPI's progress), first
spinning as MPI's blocking calls do (a syscall on a busy machine can hand the core to another
process in the middle of a transfer), then yielding the CPU with growing pauses, so that a rank
waiting long for a slower one does not take the CPU from it (the tests run four ranks on two
cores). mpi4py releases the GIL inside each MPI call, and the pauses release it too.

When a wait passes its deadline (the group's ``timeout``), the rank takes a roll call on the
world's control communicator: it sends every other member a request, and each rank that is
itself waiting in this loop answers with the operation it is waiting in. After a short grace
period the rank raises ``DistBackendError`` naming the ranks that did not answer (exited,
crashed, stuck in a computation, or blocked outside ferrograd's collectives) and where the
others are waiting; uncaught, that aborts the job (see ``_group``).

What this covers: a rank that hangs, exits early, deadlocks, or calls a different collective.
A rank killed by a signal or exiting with an error status is noticed by MPI's launcher
(``mpiexec`` stops every rank at once, naming the process that died), before any timeout."""

from __future__ import annotations

import json
import time

import numpy as np

from ._group import ProcessGroup, mark_broken, world
from ._mpi import mpi

__all__ = ["answer_roll_calls", "wait"]

_ROLL_CALL = 1
_ANSWER = 2
SPIN_SECONDS = 0.1  # pure spinning first (as MPI does), so a transfer keeps its core
YIELD_SECONDS = 1.0  # then sleep(0) (gives up the GIL and the CPU) until this
LONGEST_PAUSE = 0.001
ROLL_CALL_INTERVAL = 0.05
ROLL_CALL_GRACE = 1.0

_where: dict = {}  # the operation this rank is waiting in, for roll-call answers
_sends: list = []  # control messages in flight, with their buffers


def wait(requests: list, pg: ProcessGroup, operation: str, sequence: int, deadline: float,
         statuses: list | None = None) -> None:  # fmt: skip
    """Waits until every request of ``requests`` is complete, or raises ``DistBackendError``
    once ``deadline`` (``time.monotonic()``) has passed."""
    MPI = mpi()
    try:
        if MPI.Request.Testall(requests, statuses):
            return
        start = time.monotonic()
        next_roll_call = start + SPIN_SECONDS
        pause = 0.0
        _where.update(op=operation, seq=sequence, group=pg.description)
        try:
            while not MPI.Request.Testall(requests, statuses):
                now = time.monotonic()
                if now >= deadline:
                    raise _timed_out(pg, operation, sequence, now - start)
                if now - start < SPIN_SECONDS:
                    continue
                if now >= next_roll_call:
                    answer_roll_calls()
                    next_roll_call = now + ROLL_CALL_INTERVAL
                if now - start > YIELD_SECONDS:
                    pause = min(max(pause * 2, 5e-5), LONGEST_PAUSE)
                time.sleep(pause)
        finally:
            _where.clear()
    except MPI.Exception as error:
        raise mark_broken(
            f"ferrograd.distributed: rank {world.default.rank() if world.default else '?'}: "
            f"MPI failed in {operation} #{sequence} on {pg.description}: {error}"
        ) from error


def _send(dest: int, tag: int, payload: bytes) -> None:
    MPI = mpi()
    data = np.frombuffer(payload, dtype=np.uint8).copy()
    _sends.append((world.control.Isend([data, MPI.BYTE], dest, tag), data))


def _receive(tag: int):
    """``(source, payload)`` of a waiting control message with ``tag``, or None."""
    MPI = mpi()
    status = MPI.Status()
    if not world.control.Iprobe(MPI.ANY_SOURCE, tag, status):
        return None
    data = np.empty(status.Get_count(MPI.BYTE), dtype=np.uint8)
    world.control.Recv([data, MPI.BYTE], status.Get_source(), tag)
    return status.Get_source(), data.tobytes()


def answer_roll_calls() -> None:
    """Tells every rank that asked where this rank is waiting."""
    if world.control is None:
        return
    while (message := _receive(_ROLL_CALL)) is not None:
        _send(message[0], _ANSWER, json.dumps(_where).encode())
    _sends[:] = [(r, d) for r, d in _sends if not r.Test()]


def _roll_call(pg: ProcessGroup) -> dict[int, dict]:
    """Where each other member of ``pg`` that answers within the grace period is waiting."""
    me = world.default.rank()
    others = [r for r in pg.ranks if r != me]
    for rank in others:
        _send(rank, _ROLL_CALL, b"")
    answers: dict[int, dict] = {}
    give_up = time.monotonic() + ROLL_CALL_GRACE
    while len(answers) < len(others) and time.monotonic() < give_up:
        answer_roll_calls()
        while (message := _receive(_ANSWER)) is not None:
            answers[message[0]] = json.loads(message[1].decode())
        time.sleep(0.001)
    return answers


def _ranks(ranks) -> str:
    ranks = sorted(ranks)
    return ("rank " if len(ranks) == 1 else "ranks ") + ", ".join(str(r) for r in ranks)


def _timed_out(pg: ProcessGroup, operation: str, sequence: int, waited: float):
    me = world.default.rank()
    answers = _roll_call(pg)
    missing = [r for r in pg.ranks if r != me and r not in answers]
    lines = [
        f"ferrograd.distributed: rank {me}: {operation} (collective #{sequence} on "
        f"{pg.description}, ranks {list(pg.ranks)}) did not complete: waited {waited:.1f} s, "
        f"timeout {pg.timeout}."
    ]
    if missing:
        lines.append(
            f"{_ranks(missing).capitalize()} did not answer: exited, crashed, stuck in a "
            "computation, or blocked outside ferrograd.distributed."
        )
    places: dict[tuple, list[int]] = {}
    for rank, where in answers.items():
        key = (where.get("op"), where.get("seq"), where.get("group"))
        places.setdefault(key, []).append(rank)
    for (op, seq, group_name), ranks in sorted(places.items(), key=lambda kv: min(kv[1])):
        verb = "is" if len(ranks) == 1 else "are"
        lines.append(f"{_ranks(ranks).capitalize()} {verb} waiting in {op} #{seq} on {group_name}.")
    if not missing and all(key == (operation, sequence, pg.description) for key in places):
        lines.append(
            "Every rank is in this collective: the transfer itself is stuck or slower than the "
            "timeout."
        )
    return mark_broken(" ".join(lines))
