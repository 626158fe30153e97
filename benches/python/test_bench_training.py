"""The MLP train step (784-256-10, batch 64) as compare_torch.py builds it, and the helpers its
child processes run, at small sizes."""

import json

import compare_torch


def test_bench_mlp_step(benchmark, fg_lib):
    step = compare_torch.mlp_setup(fg_lib)
    first = step().item()
    benchmark(step)
    last = step().item()
    assert last < first  # SGD on one fixed batch lowers the loss


def test_deep_child_small(fg_lib):
    result = compare_torch.child_deep(fg_lib, 1000)
    assert abs(result["grad"] - 0.999999**1000) < 1e-4
    assert result["time"] > 0


def test_steps_child_small(fg_lib):
    result = compare_torch.child_steps(fg_lib, 20)
    assert len(result["rss_trace"]) == 10


def test_table_and_json(tmp_path, capsys):
    libs = [type("L", (), {"name": "ferrograd"})(), type("L", (), {"name": "torch"})()]
    measured = {"small": {"ferrograd": [1e-6, 2e-6], "torch": [3e-6, 5e-6]},
                "matmul": {"ferrograd": [90.0], "torch": [100.0]}}
    rows = compare_torch.build_table(libs, measured, "cpu")
    assert [r["case"] for r in rows] == ["small", "matmul"]
    assert rows[0]["pass"] is False and abs(rows[0]["ratio"] - 1.5 / 4) < 1e-9
    assert rows[1]["pass"] is False and abs(rows[1]["ratio"] - 0.9) < 1e-9
    compare_torch.print_table(rows, has_torch=True)
    assert "miss" in capsys.readouterr().out
    json.dumps(rows)
