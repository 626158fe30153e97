"""The example programs run end to end (shortened): the README's main job, the raw-autograd
sine fit, the two character-level language models and the graph convolutional network."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fit_sine_loss_falls():
    fit_sine = load("fit_sine")
    short = fit_sine.main(steps=50)
    longer = fit_sine.main(steps=400)
    assert longer < short


def test_digits_demo_trains_saves_and_plots(tmp_path):
    os.environ.setdefault("MPLBACKEND", "Agg")
    demo = load("train_digits")
    results = demo.main(["--epochs", "4", "--quiet", "--out", str(tmp_path)])
    assert results[("ferrograd", "mlp")][0] > 0.9
    assert results[("ferrograd", "cnn")][0] > 0.9
    assert (tmp_path / "train_digits.png").stat().st_size > 10_000
    for kind in ("mlp", "cnn"):
        assert (tmp_path / f"digits_{kind}.safetensors").exists()


def test_digits_demo_on_the_device_path(tmp_path):
    """--device cuda through the NumPy-backed test backend (the real GPU path needs CuPy)."""
    from ferrograd import cuda
    from ferrograd.cuda._numpy_backend import NumpyTable

    os.environ.setdefault("MPLBACKEND", "Agg")
    demo = load("train_digits")
    previous = cuda.use_backend(NumpyTable())
    try:
        results = demo.main(
            [
                "--epochs",
                "2",
                "--models",
                "mlp",
                "--quiet",
                "--device",
                "cuda",
                "--out",
                str(tmp_path),
            ]
        )
    finally:
        cuda.use_backend(previous)
    assert results[("ferrograd", "mlp")][0] > 0.8


def test_digits_demo_refuses_cuda_without_a_backend(tmp_path):
    from ferrograd import cuda

    demo = load("train_digits")
    previous = cuda.use_backend(None)
    try:
        with pytest.raises(SystemExit):
            demo.main(["--device", "cuda", "--out", str(tmp_path)])
    finally:
        cuda.use_backend(previous)


@pytest.mark.parametrize("name", ["char_lstm", "tiny_gpt"])
def test_language_model_quick_run(name, monkeypatch, capsys):
    """``--quick``: a tiny model trains a few steps on the shipped text, the loss falls from
    uniform guessing, and the sample is text of the requested length in the text's alphabet."""
    monkeypatch.syspath_prepend(str(EXAMPLES))  # the examples import char_corpus beside them
    example = load(name)
    results = example.main(["--quick", "--steps", "30", "--sample-length", "50"])
    losses = results["losses"]
    assert len(losses) == 30
    assert sum(losses[-5:]) / 5 < 0.85 * losses[0]
    assert results["sample"].startswith("Anne ")
    assert len(results["sample"]) == len("Anne ") + 50
    assert set(results["sample"]) <= set(results["chars"])
    printed = capsys.readouterr().out
    assert "held-out" in printed and "the model writes" in printed


def test_gcn_quick_run(capsys):
    """``--quick``: the two-layer GCN (sparse adjacency, ``torch.spmm``) recovers the
    communities of the block model from 20 labels each, far better than the same network
    reading each node alone."""
    results = load("gcn").main(["--quick", "--quiet"])
    assert results["gcn"] > 0.9
    assert results["gcn"] > results["mlp"] + 0.2
    assert "GCN test accuracy" in capsys.readouterr().out
