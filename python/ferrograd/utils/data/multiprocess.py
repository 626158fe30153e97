"""The main-process side of ``DataLoader(num_workers > 0)``.

Tasks (``(task index, sampler output)``) go round-robin to the workers' index queues, at most
``prefetch_factor`` per worker outstanding; results come back on one queue in any order and are
handed out in task order (results that arrive early wait in ``_task_info``). While waiting, the
iterator checks every ``_POLL_SECONDS`` that its workers are alive, and gives up after
``timeout`` seconds when one is set.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import pickle
import queue
import time

from .dataloader import _BaseIter
from .worker import (
    _ExceptionWrapper,
    _IterableDatasetStopIteration,
    _ResumeIteration,
    _worker_loop,
)

__all__: list[str] = []

_POLL_SECONDS = 0.5
_JOIN_SECONDS = 5.0
_STUCK_JOIN_SECONDS = 0.5  # after a timeout or a dead worker: the others may be stuck too


class _MultiProcessIter(_BaseIter):
    def __init__(self, loader) -> None:
        super().__init__(loader)
        loader.check_worker_number_rationality()
        context = loader.multiprocessing_context or multiprocessing.get_context()
        self._num_workers = loader.num_workers
        self._prefetch = loader.prefetch_factor * loader.num_workers
        self._timeout = loader.timeout
        self._in_order = loader.in_order
        self._persistent = loader.persistent_workers
        self._shutdown = False
        self._owner_pid = os.getpid()
        self._result_queue = context.Queue()
        self._done_event = context.Event()
        self._index_queues = []
        self._workers = []
        for worker_id in range(self._num_workers):
            index_queue = context.Queue()
            index_queue.cancel_join_thread()  # never block this process's exit on it
            worker = context.Process(
                target=_worker_loop,
                args=(
                    self._iterable,
                    self._dataset,
                    index_queue,
                    self._result_queue,
                    self._done_event,
                    self._auto_collation,
                    self._collate_fn,
                    self._drop_last,
                    self._base_seed,
                    loader.worker_init_fn,
                    worker_id,
                    self._num_workers,
                    os.getpid(),
                ),
                daemon=True,
            )
            worker.start()
            self._index_queues.append(index_queue)
            self._workers.append(worker)
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter: bool = False) -> None:
        """Starts an epoch: a fresh pass over the index sampler with the same workers."""
        self._sampler_iter = iter(self._index_sampler)
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_info: dict = {}  # task -> [worker] while pending, [worker, data] once here
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            for index_queue in self._index_queues:
                index_queue.put(_ResumeIteration())
            acknowledgements = self._num_workers
            while acknowledgements > 0:
                _, message = self._get_data()
                if isinstance(message, _ResumeIteration):
                    acknowledgements -= 1
        for _ in range(self._prefetch):
            self._try_put_index()

    def _try_put_index(self) -> None:
        if self._tasks_outstanding >= self._prefetch:
            return
        try:
            index = next(self._sampler_iter)
        except StopIteration:
            return
        for _ in range(self._num_workers):
            worker = next(self._worker_cycle)
            if self._workers_status[worker]:
                break
        else:
            return  # every worker's stream has ended
        self._index_queues[worker].put((self._send_idx, index))
        self._task_info[self._send_idx] = [worker]
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _get_data(self):
        """The next ``(task, payload)`` from the workers, unpickled."""
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        while True:
            wait = _POLL_SECONDS
            if deadline is not None:
                wait = min(wait, max(0.0, deadline - time.monotonic()))
            try:
                task, data = self._result_queue.get(timeout=wait)
                return task, pickle.loads(data)
            except queue.Empty:
                pass
            dead = [
                w.pid
                for i, w in enumerate(self._workers)
                if self._workers_status[i] and not w.is_alive()
            ]
            if dead:
                self._shutdown_workers(join_seconds=_STUCK_JOIN_SECONDS)
                pids = ", ".join(str(pid) for pid in dead)
                raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly")
            if deadline is not None and time.monotonic() >= deadline:
                self._shutdown_workers(join_seconds=_STUCK_JOIN_SECONDS)
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")

    def __next__(self):
        while True:
            # Skip tasks sent to a worker whose stream ended before answering them.
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info is not None and (len(info) == 2 or self._workers_status[info[0]]):
                    break
                self._task_info.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
            else:
                if not self._persistent:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:
                data = self._task_info.pop(self._rcvd_idx)[1]
                self._rcvd_idx += 1
                return self._process(data)
            task, data = self._get_data()
            self._tasks_outstanding -= 1
            if isinstance(data, _IterableDatasetStopIteration):
                self._retire(data.worker_id)
                self._try_put_index()
                continue
            if task == self._rcvd_idx or not self._in_order:
                self._task_info.pop(task, None)
                if task == self._rcvd_idx:
                    self._rcvd_idx += 1
                return self._process(data)
            self._task_info[task].append(data)

    def _process(self, data):
        self._try_put_index()
        if isinstance(data, _ExceptionWrapper):
            data.reraise()
        return data

    def _retire(self, worker_id: int) -> None:
        """A worker's stream has ended: no more tasks for it (a non-persistent one exits)."""
        self._workers_status[worker_id] = False
        if not self._persistent:
            self._index_queues[worker_id].put(None)

    def _shutdown_workers(self, join_seconds: float = _JOIN_SECONDS) -> None:
        """Asks every worker to exit, waits up to ``join_seconds`` for each, then terminates
        those still running."""
        # A worker forked while this iterator existed holds a copy of it: only the process
        # that started the workers shuts them down.
        if self._shutdown or os.getpid() != self._owner_pid:
            return
        self._shutdown = True
        try:
            self._done_event.set()
            for index_queue in self._index_queues:
                index_queue.put(None)
            for worker in self._workers:
                worker.join(timeout=join_seconds)
            for index_queue in self._index_queues:
                index_queue.close()
            self._result_queue.cancel_join_thread()
            self._result_queue.close()
        finally:
            for worker in self._workers:
                if worker.is_alive():
                    worker.terminate()

    def __del__(self):
        if not getattr(self, "_shutdown", True):
            self._shutdown_workers()
