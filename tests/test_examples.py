"""The example programs run end to end (shortened): the README's main job and the raw-autograd
sine fit."""

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
