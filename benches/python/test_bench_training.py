"""The MLP train step (784-256-10, batch 64) as compare_torch.py builds it, and the helpers its
child processes run, at small sizes."""

import json

import compare_torch
import pytest


def test_bench_mlp_step(benchmark, fg_lib):
    step = compare_torch.mlp_setup(fg_lib)
    first = step().item()
    benchmark(step)
    last = step().item()
    assert last < first  # SGD on one fixed batch lowers the loss


@pytest.fixture
def keep_thread_count():
    """The workload makers set one thread, as compare_torch measures them; later tests get
    the count they had."""
    import ferrograd

    threads = ferrograd.get_num_threads()
    yield
    ferrograd.set_num_threads(threads)


@pytest.mark.parametrize(
    "case", ["mlp_adam", "convnet_train", "lstm_train", "gpt_train", "gpt_generate"]
)
def test_bench_workload(benchmark, fg_lib, keep_thread_count, case):
    """Issue 18's training workloads, one step (or one generation) a round, as compare_torch's
    workloads suite builds them."""
    rep = compare_torch.MAKERS[case](fg_lib, 1)
    assert benchmark(rep) > 0


def test_deep_child_small(fg_lib):
    result = compare_torch.child_deep(fg_lib, 1000)
    assert abs(result["grad"] - 0.999999**1000) < 1e-4
    assert result["time"] > 0


def test_steps_child_small(fg_lib):
    result = compare_torch.child_steps(fg_lib, 20)
    assert len(result["rss_trace"]) == 10


def test_table_and_json(tmp_path, capsys):
    libs = [type("L", (), {"name": "ferrograd"})(), type("L", (), {"name": "torch"})()]
    measured = {
        "small": {"ferrograd": [1e-6, 2e-6], "torch": [3e-6, 5e-6]},
        "matmul": {"ferrograd": [90.0], "torch": [100.0]},
    }
    rows = compare_torch.build_table(libs, measured, "cpu")
    assert [r["case"] for r in rows] == ["small", "matmul"]
    assert rows[0]["pass"] is False and abs(rows[0]["ratio"] - 1.5 / 4) < 1e-9
    assert rows[1]["pass"] is False and abs(rows[1]["ratio"] - 0.9) < 1e-9
    compare_torch.print_table(rows, has_torch=True)
    assert "miss" in capsys.readouterr().out
    json.dumps(rows)


def test_kernel_child_and_isolated_interleaving():
    result = compare_torch.child_kernel(
        compare_torch.load_libs("cpu", only="ferrograd")[0], 2, case="elementwise", reps=2
    )
    assert len(result["figures"]) == 2 and all(f > 0 for f in result["figures"])
    # Through a real child process: 3 repetitions are one child's REPS_PER_CHILD.
    lib = type("L", (), {"name": "ferrograd"})()
    measured = compare_torch.isolated([lib], "matmul", 1, 3, "cpu")
    assert len(measured["ferrograd"]) == compare_torch.REPS_PER_CHILD
    assert all(f > 0 for f in measured["ferrograd"])


def test_cuda_table_uses_issue_6s_sizes_and_targets():
    libs = [type("L", (), {"name": "ferrograd"})(), type("L", (), {"name": "torch"})()]
    measured = {
        "small": {"ferrograd": [9e-6], "torch": [8e-6]},
        "matmul": {"ferrograd": [46.0], "torch": [50.0]},
        "elementwise": {"ferrograd": [3000.0], "torch": [4000.0]},
    }
    small, matmul, elementwise = compare_torch.build_table(libs, measured, "cuda")
    assert (
        small["target"] == "<= 1.0" and small["pass"] is False
    )  # per-op overhead no worse than PyTorch's
    assert (
        "8192x8192" in matmul["description"]
        and matmul["target"] == ">= 0.9"
        and matmul["pass"] is True
    )
    assert "64,000,000" in elementwise["description"]
    assert elementwise["target"] == "-" and "pass" not in elementwise  # no target on CUDA
    cpu_matmul = compare_torch.build_table(libs, {"matmul": measured["matmul"]}, "cpu")[0]
    assert "1024x1024" in cpu_matmul["description"] and cpu_matmul["pass"] is False  # 0.92 < 0.95
