"""``ferrograd.profiler``: where the time of a program goes, op by op, with PyTorch's API.

Inside ``profile``, every call of a ferrograd function (through a ``TorchFunctionMode``: the
calls the user's code makes, not the ones those make in turn), every ``Tensor`` method and
operator (wrapped for the profile's duration only, so profiling costs nothing when off) and
every ``record_function`` block is timed. Events nest by time: an op inside a
``record_function`` block is its child, and an event's self time is its time less its
children's. The Rust kernels and the backward pass run inside the calls that start them
(``backward`` is one event). ``key_averages().table()`` prints PyTorch's table,
``export_chrome_trace`` writes a trace for chrome://tracing or Perfetto.
"""

from __future__ import annotations

import enum
import json
import os
import threading
import time
from collections.abc import Callable, Iterable

from ..overrides import TorchFunctionMode

__all__ = [
    "EventList",
    "FunctionEvent",
    "ProfilerAction",
    "ProfilerActivity",
    "profile",
    "record_function",
    "schedule",
    "tensorboard_trace_handler",
]


class ProfilerActivity(enum.Enum):
    CPU = 0
    CUDA = 1


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(
    *,
    wait: int,
    warmup: int,
    active: int,
    repeat: int = 0,
    skip_first: int = 0,
    skip_first_wait: int = 0,
) -> Callable[[int], ProfilerAction]:
    """The action for each step: ``skip_first`` steps off, then cycles of ``wait`` off,
    ``warmup`` warming up and ``active`` recording (the last of which saves), ``repeat`` cycles
    (0: forever). ``skip_first_wait`` leaves out the first cycle's wait."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError("Invalid profiler schedule arguments")
    cycle = wait + warmup + active

    def action(step: int) -> ProfilerAction:
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait:
            step += wait
        if repeat and step // cycle >= repeat:
            return ProfilerAction.NONE
        position = step % cycle
        if position < wait:
            return ProfilerAction.NONE
        if position < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD_AND_SAVE if position == cycle - 1 else ProfilerAction.RECORD

    return action


class FunctionEvent:
    """One timed call: ``name``, start and end (µs since the profile began), its children."""

    def __init__(self, name: str, start_us: float, input_shapes: list, annotation: bool):
        self.name = self.key = name
        self.start_us = start_us
        self.end_us = start_us
        self.input_shapes = input_shapes
        self.is_user_annotation = annotation
        self.cpu_children: list[FunctionEvent] = []
        self.cpu_parent: FunctionEvent | None = None
        self.thread = threading.get_ident()

    @property
    def cpu_time_total(self) -> float:
        return self.end_us - self.start_us

    @property
    def self_cpu_time_total(self) -> float:
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    def __repr__(self) -> str:
        return f"<FunctionEvent name={self.name} cpu_time_total={self.cpu_time_total:.3f}us>"


class FunctionEventAvg:
    """The events of one name (and input shapes, when grouped by them), summed."""

    def __init__(self, key: str, input_shapes: list | None):
        self.key = key
        self.input_shapes = input_shapes
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0

    def add(self, event: FunctionEvent) -> None:
        self.count += 1
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total / self.count if self.count else 0.0


def _format_us(us: float) -> str:
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


_SORT_KEYS = {
    "cpu_time_total": "cpu_time_total",
    "self_cpu_time_total": "self_cpu_time_total",
    "cpu_time": "cpu_time",
    "count": "count",
}


class EventList(list):
    """A list of events (or of averages) that prints as PyTorch's profiler table."""

    def table(self, sort_by: str | None = None, row_limit: int = 100, **kwargs) -> str:
        del kwargs
        rows = list(self)
        if sort_by is not None:
            if sort_by not in _SORT_KEYS:
                raise ValueError(
                    f"sort_by must be one of {sorted(_SORT_KEYS)} on the CPU, got {sort_by!r}"
                )
            rows.sort(key=lambda e: getattr(e, _SORT_KEYS[sort_by]), reverse=True)
        if row_limit is not None and row_limit > 0:
            rows = rows[:row_limit]
        total_self = sum(e.self_cpu_time_total for e in self) or 1.0
        headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
        headers.append("# of Calls")
        show_shapes = any(getattr(e, "input_shapes", None) for e in rows)
        if show_shapes:
            headers.append("Input Shapes")
        body = []
        for e in rows:
            count = getattr(e, "count", 1)
            row = [
                e.key,
                f"{100 * e.self_cpu_time_total / total_self:.2f}%",
                _format_us(e.self_cpu_time_total),
                f"{100 * e.cpu_time_total / total_self:.2f}%",
                _format_us(e.cpu_time_total),
                _format_us(e.cpu_time_total / count),
                str(count),
            ]
            if show_shapes:
                row.append(str(e.input_shapes or []))
            body.append(row)
        widths = [
            max(len(h), *(len(r[i]) for r in body)) if body else len(h)
            for i, h in enumerate(headers)
        ]
        line = "  ".join("-" * w for w in widths)

        def fmt(cells):
            return "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))

        out = [line, fmt(headers), line, *(fmt(r) for r in body), line]
        out.append(f"Self CPU time total: {_format_us(sum(e.self_cpu_time_total for e in self))}")
        return "\n".join(out) + "\n"

    @property
    def self_cpu_time_total(self) -> float:
        return sum(e.self_cpu_time_total for e in self)


_active: list[profile] = []


def _shapes(args) -> list:
    from .._base import TensorBase

    return [list(a.shape) if isinstance(a, TensorBase) else [] for a in args]


class _OpTimer(TorchFunctionMode):
    def __init__(self, profiler: profile):
        self.profiler = profiler

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", None) or repr(func)
        shapes = _shapes(args) if self.profiler.record_shapes else []
        with self.profiler._event(name, shapes, annotation=False):
            return func(*args, **(kwargs or {}))


_OPERATORS = (
    "__add__", "__radd__", "__iadd__", "__sub__", "__rsub__", "__isub__", "__mul__", "__rmul__",
    "__imul__", "__truediv__", "__rtruediv__", "__itruediv__", "__floordiv__", "__mod__",
    "__matmul__", "__rmatmul__", "__pow__", "__rpow__", "__neg__", "__abs__", "__lt__", "__le__",
    "__gt__", "__ge__", "__eq__", "__ne__", "__and__", "__or__", "__xor__", "__invert__",
    "__getitem__", "__setitem__",
)  # fmt: skip


def _timed_method(profiler: profile, name: str, method: Callable) -> Callable:
    def timed(self, *args, **kwargs):
        shapes = _shapes((self, *args)) if profiler.record_shapes else []
        with profiler._event(name, shapes, annotation=False):
            return method(self, *args, **kwargs)

    timed.__name__ = getattr(method, "__name__", name)
    timed.__doc__ = getattr(method, "__doc__", None)
    timed.__wrapped__ = method
    return timed


class _MethodTimer:
    """Wraps the ``Tensor`` methods and operators with timers, and puts them back."""

    def __init__(self, profiler: profile):
        self.profiler = profiler
        self.replaced: dict[str, object] = {}

    def __enter__(self):
        from .._tensor import Tensor
        from ..overrides import tensor_methods

        names = [n for n in tensor_methods(Tensor) if not n.startswith("_")]
        names += [n for n in _OPERATORS if hasattr(Tensor, n)]
        for name in names:
            method = getattr(Tensor, name)
            if not callable(method) or isinstance(method, property):
                continue
            self.replaced[name] = Tensor.__dict__.get(name, _INHERITED)
            setattr(Tensor, name, _timed_method(self.profiler, name, method))
        return self

    def __exit__(self, *exc) -> None:
        from .._tensor import Tensor

        for name, previous in self.replaced.items():
            if previous is _INHERITED:
                delattr(Tensor, name)
            else:
                setattr(Tensor, name, previous)
        self.replaced.clear()


_INHERITED = object()


class profile:
    """Profiles the ops run inside it (see the module docstring). With ``schedule``, only the
    steps it marks as recording are kept (advance with :meth:`step`), and ``on_trace_ready``
    is called with the profiler when a recording cycle ends."""

    def __init__(
        self,
        *,
        activities: Iterable[ProfilerActivity] | None = None,
        schedule: Callable[[int], ProfilerAction] | None = None,
        on_trace_ready: Callable | None = None,
        record_shapes: bool = False,
        profile_memory: bool = False,
        with_stack: bool = False,
        with_flops: bool = False,
        with_modules: bool = False,
        experimental_config=None,
        execution_trace_observer=None,
        acc_events: bool = False,
        **kwargs,
    ):
        del profile_memory, with_stack, with_flops, with_modules, experimental_config
        del execution_trace_observer, kwargs
        self.activities = set(activities) if activities is not None else {ProfilerActivity.CPU}
        for activity in self.activities:
            if not isinstance(activity, ProfilerActivity):
                raise TypeError(f"activities must be ProfilerActivity values, got {activity!r}")
        self.schedule = schedule
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
        self.acc_events = acc_events
        self.step_num = 0
        self._events: list[FunctionEvent] = []
        self._open: list[FunctionEvent] = []
        self._origin = time.perf_counter_ns()
        self._mode: _OpTimer | None = None
        self._methods: _MethodTimer | None = None

    # -- recording
    def _recording(self) -> bool:
        if self.schedule is None:
            return True
        return self.schedule(self.step_num) in (
            ProfilerAction.RECORD,
            ProfilerAction.RECORD_AND_SAVE,
        )

    def _now_us(self) -> float:
        return (time.perf_counter_ns() - self._origin) / 1e3

    def _event(self, name: str, shapes: list, annotation: bool):
        return _EventScope(self, name, shapes, annotation)

    def start(self) -> None:
        if _active:
            raise RuntimeError("Profiler is already enabled on this thread")
        self._methods = _MethodTimer(self).__enter__()
        self._mode = _OpTimer(self)
        self._mode.__enter__()
        _active.append(self)

    def stop(self) -> None:
        if self._mode is not None:
            self._mode.__exit__(None, None, None)
            self._mode = None
        if self._methods is not None:
            self._methods.__exit__(None, None, None)
            self._methods = None
        if self in _active:
            _active.remove(self)
        if self.schedule is None and self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def step(self) -> None:
        """Ends a step of the schedule."""
        action = self.schedule(self.step_num) if self.schedule is not None else None
        self.step_num += 1
        if action is ProfilerAction.RECORD_AND_SAVE and self.on_trace_ready is not None:
            self.on_trace_ready(self)
            if not self.acc_events:
                self._events = []
        elif action is ProfilerAction.WARMUP:
            self._events = [] if not self.acc_events else self._events

    # -- results
    def events(self) -> EventList:
        return EventList(self._events)

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0):
        del group_by_stack_n
        groups: dict = {}
        for e in self._events:
            key = (e.name, str(e.input_shapes)) if group_by_input_shape else e.name
            if key not in groups:
                groups[key] = FunctionEventAvg(
                    e.name, e.input_shapes if group_by_input_shape else None
                )
            groups[key].add(e)
        return EventList(groups.values())

    def export_chrome_trace(self, path) -> None:
        events = [
            {
                "name": e.name,
                "ph": "X",
                "cat": "user_annotation" if e.is_user_annotation else "cpu_op",
                "ts": e.start_us,
                "dur": e.cpu_time_total,
                "pid": os.getpid(),
                "tid": e.thread,
                "args": {"Input Dims": e.input_shapes} if e.input_shapes else {},
            }
            for e in self._events
        ]
        with open(path, "w") as f:
            json.dump({"traceEvents": events, "displayTimeUnit": "ms"}, f)


class _EventScope:
    def __init__(self, profiler: profile, name: str, shapes: list, annotation: bool):
        self.profiler, self.name, self.shapes, self.annotation = profiler, name, shapes, annotation
        self.event: FunctionEvent | None = None

    def __enter__(self):
        p = self.profiler
        if not p._recording():
            return self
        event = FunctionEvent(self.name, p._now_us(), self.shapes, self.annotation)
        if p._open:
            event.cpu_parent = p._open[-1]
            p._open[-1].cpu_children.append(event)
        p._open.append(event)
        p._events.append(event)
        self.event = event
        return self

    def __exit__(self, *exc) -> None:
        if self.event is not None:
            self.event.end_us = self.profiler._now_us()
            self.profiler._open.remove(self.event)


class record_function:
    """A named block (``with record_function("forward"):``) or function (as a decorator) that
    shows in the profile as one event containing the ops inside it."""

    def __init__(self, name: str, args: str | None = None):
        if not isinstance(name, str):
            raise TypeError(f"record_function(): name must be a string, got {type(name).__name__}")
        self.name = name
        self.args = args
        self._scopes: list = []

    def __enter__(self):
        scopes = [p._event(self.name, [], annotation=True) for p in _active]
        for s in scopes:
            s.__enter__()
        self._scopes.append(scopes)
        return self

    def __exit__(self, *exc) -> None:
        for s in reversed(self._scopes.pop()):
            s.__exit__(*exc)

    def __call__(self, fn):
        def wrapped(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)

        wrapped.__name__ = getattr(fn, "__name__", "wrapped")
        wrapped.__doc__ = fn.__doc__
        return wrapped


def tensorboard_trace_handler(
    dir_name: str, worker_name: str | None = None, use_gzip: bool = False
):
    """An ``on_trace_ready`` that writes each trace as a Chrome trace file into ``dir_name``."""
    if use_gzip:
        raise NotImplementedError("tensorboard_trace_handler(use_gzip=True) is not supported")
    worker = worker_name or f"{os.uname().nodename}_{os.getpid()}"

    def handler(prof: profile) -> None:
        os.makedirs(dir_name, exist_ok=True)
        stamp = time.time_ns() // 1_000_000
        prof.export_chrome_trace(os.path.join(dir_name, f"{worker}.{stamp}.pt.trace.json"))

    return handler
