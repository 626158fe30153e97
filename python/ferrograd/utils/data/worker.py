"""The worker-process side of ``DataLoader(num_workers > 0)``: ``get_worker_info``, the loop
each worker runs, and the messages it exchanges with the main process.

A worker takes ``(task index, sampler output)`` pairs from its own index queue and puts
``(task index, batch)`` on the shared result queue; ``None`` asks it to exit and a
``_ResumeIteration`` restarts its stream (persistent workers, next epoch). An exception in the
dataset or ``collate_fn`` is sent back as an ``_ExceptionWrapper`` and raised again in the main
process with the worker's traceback.
"""

from __future__ import annotations

import os
import pickle
import queue
import random
import sys
import traceback
from multiprocessing.reduction import ForkingPickler

import numpy as np

__all__ = ["WorkerInfo", "get_worker_info"]

# How often a waiting worker checks that its parent is alive and the loader still wants it.
_POLL_SECONDS = 0.25


class WorkerInfo:
    """What a worker knows about itself: ``id`` (0 .. ``num_workers``-1), ``num_workers``,
    ``seed`` (``base_seed + id``) and ``dataset`` (this worker's copy). Read-only.

    Examples:
        >>> import ferrograd
        >>> loader = ferrograd.utils.data.DataLoader(range(2), num_workers=0)
        >>> ferrograd.utils.data.get_worker_info() is None  # in the main process
        True
    """

    def __init__(self, **kwargs) -> None:
        for key, value in kwargs.items():
            object.__setattr__(self, key, value)
        object.__setattr__(self, "_keys", tuple(kwargs))

    def __setattr__(self, key, value):
        raise RuntimeError(f"Cannot assign attributes to {type(self).__name__} objects")

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)}" for k in self._keys)
        return f"{type(self).__name__}({fields})"


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """This worker's ``WorkerInfo`` inside a loader's worker process; ``None`` in the main
    process. An ``IterableDataset`` uses it to split its stream between workers.

    Examples:
        >>> import ferrograd
        >>> ferrograd.utils.data.get_worker_info() is None  # in the main process
        True
    """
    return _worker_info


class _ExceptionWrapper:
    """An exception caught in a worker, with its formatted traceback."""

    def __init__(self, where: str) -> None:
        exc_type, exc, tb = sys.exc_info()
        self.exc_msg = "".join(traceback.format_exception(exc_type, exc, tb))
        self.where = where
        try:  # a class defined inside a function cannot be sent: say RuntimeError then
            pickle.dumps(exc_type)
            self.exc_type = exc_type
        except Exception:  # noqa: BLE001 - any failure means "cannot be sent"
            self.exc_type = RuntimeError

    def reraise(self):
        message = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            message = _KeyErrorMessage(message)  # KeyError shows the repr of its argument
        try:
            error = self.exc_type(message)
        except Exception:  # noqa: BLE001 - a constructor that takes no message
            raise RuntimeError(message) from None
        try:
            raise error
        finally:
            del error  # no cycle through this frame keeps the loader iterator alive


class _KeyErrorMessage(str):
    def __repr__(self) -> str:
        return self


class _IterableDatasetStopIteration:
    """A worker's stream of an ``IterableDataset`` is exhausted."""

    def __init__(self, worker_id: int) -> None:
        self.worker_id = worker_id


class _ResumeIteration:
    """Start the stream again (a persistent worker's next epoch); acknowledged in kind."""


def _send(result_queue, task, payload, where: str) -> None:
    """Puts ``(task, pickled payload)`` on the result queue. Pickling here, not in the queue's
    feeder thread, means a batch that cannot be sent becomes an error the main process
    raises, instead of a result that silently never arrives."""
    try:
        data = ForkingPickler.dumps(payload)
    except Exception:  # noqa: BLE001 - sent to the main process
        data = ForkingPickler.dumps(_ExceptionWrapper(f"{where} while sending its batch"))
    result_queue.put((task, bytes(data)))


def _seed_worker(seed: int, base_seed: int, worker_id: int) -> None:
    from ... import _creation

    random.seed(seed)
    _creation.manual_seed(seed)
    np.random.seed(np.random.SeedSequence([worker_id, base_seed % (1 << 64)]).generate_state(4))  # noqa: NPY002 - the global generator user code draws from


def _worker_loop(
    iterable: bool,
    dataset,
    index_queue,
    result_queue,
    done_event,
    auto_collation: bool,
    collate_fn,
    drop_last: bool,
    base_seed: int,
    init_fn,
    worker_id: int,
    num_workers: int,
    parent_pid: int,
) -> None:
    global _worker_info
    from .fetch import make_fetcher

    try:
        seed = base_seed + worker_id
        _seed_worker(seed, base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        where = f"in DataLoader worker process {worker_id}"
        pending_error = None
        fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = make_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
        except Exception:  # noqa: BLE001 - sent to the main process
            pending_error = _ExceptionWrapper(where)
        stream_ended = False
        while os.getppid() == parent_pid:
            try:
                message = index_queue.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if done_event.is_set():
                    break  # shut down even if the exit message was lost
                continue
            if isinstance(message, _ResumeIteration):
                _send(result_queue, None, message, where)
                stream_ended = False
                try:
                    fetcher = make_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
                except Exception:  # noqa: BLE001 - sent to the main process
                    pending_error = _ExceptionWrapper(where)
                continue
            if message is None:
                break
            if done_event.is_set() or stream_ended:
                continue  # the main process no longer wants results
            task, index = message
            if pending_error is not None:
                batch, pending_error = pending_error, None
            else:
                try:
                    batch = fetcher.fetch(index)
                except StopIteration:
                    if not iterable:
                        batch = _ExceptionWrapper(where)
                    else:
                        batch = _IterableDatasetStopIteration(worker_id)
                        stream_ended = True
                except Exception:  # noqa: BLE001 - sent to the main process
                    batch = _ExceptionWrapper(where)
            _send(result_queue, task, batch, where)
            del batch
    except KeyboardInterrupt:
        pass  # the main process gets it too and shuts the workers down
    if done_event.is_set():
        # Results nobody will read must not keep this process alive.
        result_queue.cancel_join_thread()
        result_queue.close()
