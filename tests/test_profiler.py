"""``ferrograd.profiler``: op-level timings with PyTorch's API (values that depend on time are
checked by their relations only)."""

from __future__ import annotations

import json

import pytest

import ferrograd as fg
from ferrograd.profiler import ProfilerAction, ProfilerActivity, profile, record_function, schedule


def small_step():
    fg.manual_seed(0)
    model = fg.nn.Linear(4, 3)
    x = fg.randn(2, 4)
    return model, x


def test_ops_and_blocks_are_timed_and_nested():
    model, x = small_step()
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        with record_function("forward"):
            loss = (model(x).relu() * 2).sum()
        loss.backward()
    names = [e.name for e in prof.events()]
    for expected in ("forward", "linear", "relu", "__mul__", "sum", "backward"):
        assert expected in names
    forward = next(e for e in prof.events() if e.name == "forward")
    children = {c.name for c in forward.cpu_children}
    assert {"linear", "relu", "__mul__", "sum"} <= children
    assert "backward" not in children
    for e in prof.events():
        assert 0 <= e.self_cpu_time_total <= e.cpu_time_total
    linear = next(e for e in prof.events() if e.name == "linear")
    assert linear.input_shapes[0] == [2, 4]
    averages = prof.key_averages()
    table = averages.table(sort_by="cpu_time_total", row_limit=3)
    assert table.splitlines()[1].split()[:3] == ["Name", "Self", "CPU"]
    assert len(table.splitlines()) == 3 + 3 + 2  # rules and header, three rows, rule and total
    assert table.splitlines()[3].split()[0] == "forward"  # the block contains the rest
    with pytest.raises(ValueError, match="sort_by"):
        averages.table(sort_by="cuda_memory_usage")


def test_methods_are_restored_and_profiling_twice_at_once_is_refused():
    relu, mul = fg.Tensor.relu, fg.Tensor.__mul__
    with profile() as prof, pytest.raises(RuntimeError, match="already enabled"):
        profile().__enter__()
    assert fg.Tensor.relu is relu and fg.Tensor.__mul__ is mul
    assert prof.events() == []


def test_schedule_gives_pytorchs_actions():
    # recorded from torch.profiler.schedule(wait=1, warmup=1, active=2, repeat=1, skip_first=1)
    s = schedule(wait=1, warmup=1, active=2, repeat=1, skip_first=1)
    assert [s(i).value for i in range(8)] == [0, 0, 1, 2, 3, 0, 0, 0]
    forever = schedule(wait=0, warmup=0, active=2)
    assert [forever(i) for i in range(4)] == [
        ProfilerAction.RECORD,
        ProfilerAction.RECORD_AND_SAVE,
    ] * 2


def test_a_schedule_keeps_only_the_active_steps_and_hands_them_over(tmp_path):
    model, x = small_step()
    traces = []

    def ready(prof):
        traces.append(sorted({e.name for e in prof.events()}))
        prof.export_chrome_trace(str(tmp_path / f"trace{len(traces)}.json"))

    with profile(schedule=schedule(wait=1, warmup=0, active=1), on_trace_ready=ready) as prof:
        for step in range(4):
            if step % 2:
                model(x)
            else:
                x.exp()
            prof.step()
    assert len(traces) == 2  # steps 1 and 3 record; steps 0 and 2 wait
    assert all("exp" not in t for t in traces) and all("linear" in t for t in traces)
    trace = json.loads((tmp_path / "trace1.json").read_text())
    assert {e["ph"] for e in trace["traceEvents"]} == {"X"}


def test_record_function_as_a_decorator_and_the_old_autograd_profiler():
    @record_function("helper")
    def helper(t):
        return t.exp()

    with fg.autograd.profiler.profile(use_cuda=False) as prof:
        helper(fg.ones(2))
    helper_event = next(e for e in prof.events() if e.name == "helper")
    assert [c.name for c in helper_event.cpu_children] == ["exp"]
    with fg.autograd.profiler.profile(enabled=False) as off:
        helper(fg.ones(2))
    assert off.events() == []
