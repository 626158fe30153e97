"""Real PyTorch programs (tests/programs/, see its README) run unchanged on ferrograd.

Each program is written with ``import torch``; ``tests/programs/ferrograd_as_torch.py`` runs it
in a subprocess with every ``torch`` import answered by ferrograd. A program passes when it exits
cleanly and the numbers on its ``final k=v ...`` line meet the checks below (thresholds taken from
runs under PyTorch 2.15 and ferrograd, with margins: the two draw different random numbers, so
only learning outcomes are compared, not exact values).

A program that stops on a feature ferrograd lacks is an expected failure that names the feature
and the error text showing it is missing; should it fail any other way the test fails, and once
the feature lands the strict xfail turns into a failure, asking for the mark to be removed.
"""

from __future__ import annotations

import importlib.util
import operator
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PROGRAMS = Path(__file__).resolve().parent / "programs"
RUNNER = PROGRAMS / "ferrograd_as_torch.py"
# Where the ferrograd under test is installed: python/ in a development build, site-packages
# after a plain `pip install .` (python/ then has no extension, so children must not use it).
PACKAGE_ROOT = str(Path(importlib.util.find_spec("ferrograd").origin).resolve().parents[1])


@dataclass(frozen=True)
class Gap:
    """Features ferrograd lacks, and texts in the program's output that show one is missing (a
    program that needs two missing features shows the second once the first lands)."""

    feature: str
    shows_as: tuple[str, ...]

    def shown_in(self, output: str) -> bool:
        return any(text in output for text in self.shows_as)


@dataclass(frozen=True)
class Program:
    name: str
    checks: dict[str, str] = field(default_factory=dict)  # final-line key -> "<x", ">x", "==x"
    gap: Gap | None = None
    timeout: int = 300


# The gaps, each named once (several programs share some).
CASES = [
    Program("quickstart_mlp", {"accuracy": ">0.5", "reloaded_accuracy": ">0.5"}),
    Program(
        "polynomial_autograd",
        {"autograd_loss": "<20", "legendre_loss": "<20", "nn_loss": "<20", "dynamic_loss": "<400"},
    ),
    Program("mnist_convnet", {"accuracy": ">0.5", "test_loss": "<1.6", "lr": "==0.3430"}),
    Program("mnist_hogwild", {"accuracy": ">0.55", "failed_processes": "==0"}),
    Program("cifar_classifier", {"accuracy": ">0.35"}),
    Program("names_char_rnn", {"last_avg_loss": "<0.8", "train_accuracy": ">0.75"}),
    Program("makemore_bigram", {"counting_nll": "<2.6", "net_loss": "<2.8"}),
    Program("makemore_mlp", {"train_loss": "<2.1", "val_loss": "<3.0"}),
    Program("nanogpt_tiny", {"train_loss": "<0.8", "val_loss": "<0.9"}),
    Program("mingpt_sort", {"loss": "<0.15", "test_score": ">0.8"}),
    Program("word_language_model", {"test_ppl": "<3.0", "vocab": "==20"}),
    Program("transformer_lm", {"val_ppl": "<3.0", "vocab": "==20"}),
    Program("seq2seq_attention", {"loss": "<0.25", "exact_match": ">0.1"}),
    Program("time_sequence_prediction", {"test_loss": "<0.005", "pred_shape": "==(3, 149)"}),
    Program("vae", {"test_loss": "<300"}),
    Program("dcgan", {"D_x": ">0.5", "loss_D": "<1.5", "fake_shape": "==(32, 1, 16, 16)"}),
    Program("reinforce", {"last20_mean": ">9"}),
    Program("actor_critic", {"last20_mean": ">8"}),
    Program("dqn", {"episodes": "==30", "mean_duration": ">8", "last_loss": "<2"}),
    Program("pinn_oscillator", {"loss": "<0.05", "mean_abs_error": "<0.25"}),
    Program("pinn_heat_lbfgs", {"loss": "<1e-3", "rel_l2": "<0.05"}),
    Program("per_sample_grads", {"max_diff": "<1e-4"}),
    Program("model_ensembling", {"max_diff": "<1e-4"}),
    Program("jacobians_hessians", {"hessian": "==(16, 16, 16)"}),
    Program("text_classification", {"test_accuracy": ">0.8"}),
    Program("spatial_transformer", {"test_loss": "<2.3", "transformed": "==(64, 1, 28, 28)"}),
    Program("neural_style", {"best_ratio": "<0.2"}),
    Program("sklearn_regression", {"r2": ">0.95"}),
    Program("sklearn_classification", {"circles_acc": ">75", "blobs_acc": ">90"}),
    Program("training_utilities", {"val_loss": "<0.4", "val_acc": ">0.85"}),
    Program("gcn_message_passing", {"gcn_test_acc": ">0.8", "sage_test_acc": ">0.8"}),
    Program("pygcn_sparse", {"test_acc": ">0.7"}),
    Program("custom_autograd_function", {"loss": "<0.05", "checks": "==1"}),
    Program("finetune_resnet", {"finetune_acc": ">0.6", "trainable": "==34"}),
    Program("lstm_tagger", {"loss": "<0.2", "correct_tags": "==5/5"}),
    Program("nn_tutorial", {"raw_acc": ">0.9", "linear_val_loss": "<0.1", "cnn_val_loss": "<2.4"}),
    Program("tensor_autograd_basics", {"grad_sum": "==48.0", "agg": "==12.0"}),
    Program("llama_style_lm", {"loss": "<0.5"}),
    Program("amp_training", {"last_loss": "<1.3"}),
    Program("packed_sequence_classifier", {"test_acc": ">0.85"}),
    Program("wgan_gp", {"mean_radius": ">0.5", "gp": "<5"}),
    Program("vit_tiny", {"loss": "<1.38"}),
    Program("mixture_density_network", {"nll": "<0.3", "kl": "==0.9544"}),
    Program("ddpm_2d", {"loss": "<0.8", "median_nn_dist": "<0.2"}),
    Program("tabular_embeddings", {"auc": ">0.85"}),
    Program(
        "hooks_saliency",
        {"accuracy": ">0.55", "hooks_left": "==0", "trainable_after_freeze": "==34"},
    ),
    Program("siamese_triplet", {"knn_acc": ">0.8", "cos_acc": ">0.8"}),
    Program("makemore_backprop", {"checks": "==28", "loss_diff": "<1e-5"}),
    Program("gat_attention", {"test_acc": ">0.85"}),
    Program("forward_forward", {"train_error": "<0.2"}),
    Program(
        "super_resolution_pixelshuffle", {"psnr": ">15", "reloaded": "==Net", "same": "==True"}
    ),
    Program("ppo_clip", {"disc_last": ">45", "cont_gain": ">0"}),
    Program("realnvp_flow", {"loss": "<1.3", "sample_shape": "==(1000, 1, 2)"}),
    Program("polynomial_regression", {"loss": "<1e-3", "max_weight_error": "<0.5"}),
    Program(
        "neural_tangent_kernels",
        {"full": "==(6, 4, 10, 10)", "max_diff": "<1e-4", "trace_diff": "<1e-3", "psd": "==True"},
    ),
    Program("char_rnn_generation", {"last_loss": "<2.0"}),
    Program("mnist_rnn", {"accuracy": ">0.25", "test_loss": "<2.2"}),
    Program("language_translation", {"val_loss": "<0.7", "exact_of_40": ">10"}),
]

_FINAL_VALUE = re.compile(r"(\w+)=(\([^)]*\)|\[[^\]]*\]|\S+)")
_COMPARISONS = {"<": operator.lt, ">": operator.gt}


class ExpectedGap(Exception):
    """The program stopped on the feature its Gap names."""


def final_values(output: str) -> dict[str, str]:
    """The ``key=value`` pairs of the last line that starts with ``final ``."""
    lines = [line for line in output.splitlines() if line.startswith("final ")]
    if not lines:
        return {}
    return dict(_FINAL_VALUE.findall(lines[-1]))


def check(value: str, expectation: str) -> bool:
    if expectation.startswith("=="):
        return value == expectation[2:]
    return _COMPARISONS[expectation[0]](float(value), float(expectation[1:]))


def run_program(name: str, timeout: int) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
    env.setdefault("MPLBACKEND", "Agg")
    return subprocess.run(
        [sys.executable, str(RUNNER), str(PROGRAMS / f"{name}.py")],
        check=False,
        cwd=PROGRAMS,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _param(case: Program):
    marks = ()
    if case.gap is not None:
        marks = pytest.mark.xfail(strict=True, raises=ExpectedGap, reason=case.gap.feature)
    return pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_program_runs_unchanged(case: Program):
    result = run_program(case.name, case.timeout)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        if case.gap is not None and case.gap.shown_in(output):
            raise ExpectedGap(case.gap.feature)
        pytest.fail(f"{case.name} exited with {result.returncode}:\n{output[-4000:]}")
    values = final_values(result.stdout)
    failed = [
        f"{key}={values.get(key)!r} (wanted {expected})"
        for key, expected in case.checks.items()
        if key not in values or not check(values[key], expected)
    ]
    assert not failed, f"{case.name}: " + ", ".join(failed) + "\n" + result.stdout[-2000:]


def test_every_program_has_a_case():
    helpers = {RUNNER.stem, "tiny_envs"}
    on_disk = {p.stem for p in PROGRAMS.glob("*.py")} - helpers
    assert on_disk == {c.name for c in CASES}


def test_final_values_parse_tuples_and_lists():
    line = "noise\nfinal loss=0.12 shape=(3, 149) ids=[1, 2] tags=5/5\n"
    assert final_values(line) == {
        "loss": "0.12",
        "shape": "(3, 149)",
        "ids": "[1, 2]",
        "tags": "5/5",
    }
    assert check("0.12", "<0.2") and not check("0.12", ">0.2") and check("5/5", "==5/5")


def test_the_import_hook_answers_torch_with_ferrograd(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import sys\n"
        "import torch\n"
        "import torch.nn.functional as F\n"
        "from torch.utils.data import DataLoader\n"
        "import ferrograd\n"
        "assert torch is ferrograd and F is ferrograd.nn.functional\n"
        "assert DataLoader is ferrograd.utils.data.DataLoader\n"
        "assert ferrograd.nn.__spec__.name == 'ferrograd.nn'\n"
        "assert sys.path[0] == sys.argv[1]\n"
        "try:\n"
        "    import torch.no_such_module\n"
        "except ModuleNotFoundError as error:\n"
        "    print(error)\n"
    )
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT)
    result = subprocess.run(
        [sys.executable, str(RUNNER), str(probe), str(tmp_path)],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "No module named 'torch.no_such_module'" in result.stdout
