"""Bad input, each case in a child interpreter: an abort or a segfault fails that case, not the
test run.

Every case must end in PyTorch's behaviour (a result, or an exception of PyTorch's class; the
values and classes PyTorch gives are written next to each case, checked with PyTorch 2.x when
the case was written: the tests do not import torch), and the child must stay usable afterwards
(a small graph is built and differentiated after every case). The cases cover the panics, the
aborts on running out of memory, the unchecked shape sizes and the wrong exception classes of
issue 15.

The cases run in batches: one child runs case after case, printing each outcome as it goes, with
its address space bounded (``RLIMIT_AS``: what it uses after importing ferrograd plus 2 GiB) so
that allocations too large for memory fail instead of being overcommitted. Should a child die
(an abort, a signal) or hang, the case it was running fails and a new child carries on with the
next case. ``FERROGRAD_BAD_INPUT_ISOLATE=1`` runs every case in a child of its own instead.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Where the ferrograd under test is (the source tree's python/, or an installed package's
# site-packages): the children import that one.
PACKAGE_ROOT = str(Path(importlib.util.find_spec("ferrograd").origin).resolve().parents[1])


@dataclass(frozen=True)
class Case:
    """``code`` runs with ``fg`` (ferrograd), ``F`` (``ferrograd.nn.functional``), ``nn`` and
    ``np`` imported. It must raise an exception that is an instance of the built-in class
    ``raises`` (with a message matching ``match``) or, when ``raises`` is None, finish without one;
    ``check`` (an expression, evaluated after ``code``) must then be true."""

    code: str
    raises: str | None = None
    match: str = ""
    check: str = "True"


OOM = ("MemoryError", "can't allocate memory")

CASES: dict[str, Case] = {
    # --- panics that reached Python as pyo3_runtime.PanicException -------------------------
    # PyTorch: x.grad == [0, 0, 0] (masked_select of nothing, then backward)
    "masked_select_no_match_backward": Case(
        "x = fg.ones(3, requires_grad=True)\nx.masked_select(x > 5).sum().backward()",
        check="x.grad.tolist() == [0.0, 0.0, 0.0]",
    ),
    # PyTorch: x[[]] has shape (0,); its backward gives zeros
    "empty_list_index_backward": Case(
        "x = fg.ones(3, requires_grad=True)\ny = x[[]]\ny.sum().backward()",
        check="tuple(y.shape) == (0,) and x.grad.tolist() == [0.0, 0.0, 0.0]",
    ),
    # PyTorch: shape (3, 0); gradient zeros
    "index_select_empty_index_backward": Case(
        "x = fg.ones(3, 4, requires_grad=True)\n"
        "y = x.index_select(1, fg.tensor([], dtype=fg.int64))\ny.sum().backward()",
        check="tuple(y.shape) == (3, 0) and x.grad.tolist() == [[0.0] * 4] * 3",
    ),
    # PyTorch: shape (0, 4); gradient zeros
    "embedding_empty_index_backward": Case(
        "w = fg.ones(3, 4, requires_grad=True)\n"
        "y = F.embedding(fg.tensor([], dtype=fg.int64), w)\ny.sum().backward()",
        check="tuple(y.shape) == (0, 4) and w.grad.tolist() == [[0.0] * 4] * 3",
    ),
    # PyTorch: nothing is written
    "setitem_empty_list": Case(
        "x = fg.zeros(3)\nx[[]] = 1.0", check="x.tolist() == [0.0, 0.0, 0.0]"
    ),
    # PyTorch: RuntimeError: unsupported range: 0 -> inf
    "arange_to_inf": Case("fg.arange(0, float('inf'))", "RuntimeError", "unsupported range"),
    "arange_from_nan": Case("fg.arange(float('nan'), 1.0)", "RuntimeError", "unsupported range"),
    # PyTorch: RuntimeError: invalid size, possible overflow?
    "arange_1e30": Case("fg.arange(1e30)", "RuntimeError", "invalid size"),
    # PyTorch: RuntimeError: Storage size calculation overflowed with sizes=[4611686018427387904]
    "linspace_2_62": Case(
        "fg.linspace(0, 2, 2**62)", "RuntimeError", "Storage size calculation overflowed"
    ),
    # Any other panic: a RuntimeError that says it is a bug, never PanicException (a
    # BaseException that `except Exception` misses).
    "panic_is_a_runtime_error": Case(
        "fg._core._debug_panic('boom')", "RuntimeError", r"internal error in ferrograd.*boom"
    ),
    # A panic while the autograd arena's lock is held: the lock is released (it does not
    # poison), so graphs still record and differentiate (the usability check after each case).
    "panic_holding_the_arena_lock": Case(
        "fg._core._debug_panic('held', 'arena')", "RuntimeError", "internal error.*held"
    ),
    "panic_in_a_thread_pool_task": Case(
        "fg._core._debug_panic('pooled', 'pool')", "RuntimeError", "internal error.*pooled"
    ),
    # --- sizes that overflow -------------------------------------------------------------
    # PyTorch: RuntimeError: Storage size calculation overflowed with sizes=[4294967296, ...]
    "ones_2_32_squared": Case(
        "fg.ones(2**32, 2**32)", "RuntimeError", "Storage size calculation overflowed"
    ),
    # The element count fits, the bytes do not (2^62 float32 elements).
    "zeros_bytes_overflow": Case(
        "fg.zeros(2**31, 2**31)", "RuntimeError", "Storage size calculation overflowed"
    ),
    "full_overflow": Case(
        "fg.full((2**32, 2**32), 1.5)", "RuntimeError", "Storage size calculation overflowed"
    ),
    "empty_overflow": Case(
        "fg.empty(2**40, 2**40)", "RuntimeError", "Storage size calculation overflowed"
    ),
    "rand_overflow": Case(
        "fg.rand(2**32, 2**32)", "RuntimeError", "Storage size calculation overflowed"
    ),
    "randn_overflow": Case(
        "fg.randn(2**32, 2**32)", "RuntimeError", "Storage size calculation overflowed"
    ),
    "randint_overflow": Case(
        "fg.randint(0, 3, (2**32, 2**32))", "RuntimeError", "Storage size calculation overflowed"
    ),
    "eye_overflow": Case(
        "fg.eye(2**32, 2**32)", "RuntimeError", "Storage size calculation overflowed"
    ),
    # PyTorch: RuntimeError (numel: integer multiplication overflow); a wrapped product used to
    # match the element count 0
    "view_of_empty_overflow": Case(
        "fg.ones(0).view(2**32, 2**32)", "RuntimeError", "is invalid for input of size 0"
    ),
    "reshape_of_empty_overflow": Case(
        "fg.ones(0).reshape(2**32, 2**32, 0)", "RuntimeError", "is invalid for input of size 0"
    ),
    # PyTorch: RuntimeError: numel: integer multiplication overflow
    "expand_overflow": Case("fg.ones(1, 1).expand(2**32, 2**32)", "RuntimeError"),
    # PyTorch: RuntimeError: Storage size calculation overflowed with sizes=[4294967296, ...]
    "broadcast_overflow": Case(
        "fg.ones(1, 1).expand(2**32, 1) + fg.ones(1, 1).expand(1, 2**32)", "RuntimeError"
    ),
    "matmul_output_overflow": Case(
        "fg.ones(1, 1).expand(2**32, 1) @ fg.ones(1, 1).expand(1, 2**32)",
        "RuntimeError",
        "Storage size calculation overflowed",
    ),
    # PyTorch returns a tensor of size 0 here (its sum wraps around); ferrograd refuses.
    "cat_overflow": Case("fg.cat([fg.ones(1).expand(2**62)] * 4)", "RuntimeError", "cat"),
    # PyTorch: RuntimeError: numel: integer multiplication overflow
    "stack_overflow": Case("fg.stack([fg.ones(1).expand(2**62)] * 4)", "RuntimeError"),
    # PyTorch: RuntimeError (padding at most 2^62 - 1); the output size is checked here
    "conv2d_padding_overflow": Case(
        "F.conv2d(fg.ones(1, 1, 1, 1), fg.ones(1, 1, 1, 1), padding=2**62)", "RuntimeError"
    ),
    # --- out of memory: MemoryError (OutOfMemoryError, also a RuntimeError as PyTorch raises:
    # "DefaultCPUAllocator: can't allocate memory: you tried to allocate ... bytes") ---------
    "zeros_1e12": Case("fg.zeros(10**12)", *OOM),
    "randn_1e10": Case("fg.randn(10**10)", *OOM),
    "arange_1e12": Case("fg.arange(10**12)", *OOM),
    "eye_1e7": Case("fg.eye(10**7)", *OOM),
    "expand_then_contiguous": Case("fg.ones(1).expand(10**12).contiguous()", *OOM),
    "matmul_huge_output": Case("fg.ones(10**6, 1) @ fg.ones(1, 10**6)", *OOM),
    "linear_huge_output": Case("F.linear(fg.ones(10**6, 1), fg.ones(10**6, 1))", *OOM),
    "broadcast_huge_output": Case("fg.ones(10**6, 1) + fg.ones(1, 10**6)", *OOM),
    "compare_huge_output": Case("fg.ones(10**6, 1) < fg.ones(1, 10**6)", *OOM),
    "where_huge_output": Case("fg.ones(10**6, 1).where(fg.ones(1, 10**6) > 0, 0.0)", *OOM),
    "reduce_huge_output": Case("fg.ones(1, 1).expand(10**12, 2).sum(1)", *OOM),
    "nn_linear_huge_weight": Case("nn.Linear(10**6, 10**6)", *OOM),
    "one_hot_huge": Case("F.one_hot(fg.tensor([0]), 10**12)", *OOM),
    "pad_huge": Case("F.pad(fg.ones(1), (10**12, 0))", *OOM),
    "conv2d_huge_padding": Case(
        "F.conv2d(fg.ones(1, 1, 1, 1), fg.ones(1, 1, 1, 1), padding=10**6)", *OOM
    ),
    "oom_is_also_a_runtime_error": Case(
        "fg.zeros(10**12)", "RuntimeError", "can't allocate memory"
    ),
    # --- exception classes ----------------------------------------------------------------
    # PyTorch: IndexError: Dimension specified as 0 but tensor has no dimensions
    "unbind_0d": Case("fg.tensor(1.0).unbind(0)", "IndexError", "no dimensions"),
    # PyTorch: IndexError: select() cannot be applied to a 0-dim tensor.
    "select_0d": Case("fg.tensor(1.0).select(0, 0)", "IndexError", "0-dim"),
    # PyTorch: RuntimeError: narrow() cannot be applied to a 0-dim tensor.
    "narrow_0d": Case("fg.tensor(1.0).narrow(0, 0, 1)", "RuntimeError", "0-dim"),
    # PyTorch: RuntimeError: chunk expects at least a 1-dimensional tensor
    "chunk_0d": Case("fg.tensor(1.0).chunk(2)", "RuntimeError", "1-dimensional"),
    "split_0d": Case("fg.tensor(1.0).split(1)", "RuntimeError", "1-dimensional"),
    # PyTorch: IndexError: Dimension out of range (...); a dimension used to wrap around
    "narrow_dim_out_of_range": Case(
        "fg.ones(2, 3).narrow(5, 0, 1)", "IndexError", "Dimension out of range"
    ),
    "unbind_dim_out_of_range": Case(
        "fg.ones(2, 3).unbind(2)", "IndexError", "Dimension out of range"
    ),
    # PyTorch: RuntimeError: narrow(): length must be non-negative.
    "narrow_negative_length": Case("fg.ones(4).narrow(0, 0, -1)", "RuntimeError", "non-negative"),
    # PyTorch: RuntimeError: chunk expects `chunks` to be greater than 0, got: -1
    "chunk_negative": Case("fg.ones(4).chunk(-1)", "RuntimeError", "greater than 0"),
    # PyTorch: RuntimeError: split expects split_size be non-negative, but got split_size=-1
    "split_negative": Case("fg.ones(4).split(-1)", "RuntimeError", "non-negative"),
    # PyTorch: an empty result of shape (1, 1, 0, 0) (and (1, 1, 0, 2)); was ZeroDivisionError
    "adaptive_avg_pool2d_0": Case(
        "y = F.adaptive_avg_pool2d(fg.ones(1, 1, 4, 4), 0)\n"
        "z = F.adaptive_avg_pool2d(fg.ones(1, 1, 4, 4), (0, 2))",
        check="tuple(y.shape) == (1, 1, 0, 0) and tuple(z.shape) == (1, 1, 0, 2)",
    ),
    # PyTorch: RuntimeError: adaptive_avg_pool2d: elements of output_size must be greater than
    # or equal to 0 ...
    "adaptive_avg_pool2d_negative": Case(
        "F.adaptive_avg_pool2d(fg.ones(1, 1, 4, 4), -1)", "RuntimeError", "greater than or equal"
    ),
    # PyTorch: RuntimeError: non-positive stride is not supported (was OverflowError)
    "conv2d_negative_stride": Case(
        "F.conv2d(fg.ones(1, 1, 4, 4), fg.ones(1, 1, 2, 2), stride=-1)",
        "RuntimeError",
        "non-positive stride",
    ),
    # PyTorch: RuntimeError: negative padding is not supported
    "conv2d_negative_padding": Case(
        "F.conv2d(fg.ones(1, 1, 4, 4), fg.ones(1, 1, 2, 2), padding=-1)",
        "RuntimeError",
        "negative padding",
    ),
    # PyTorch: RuntimeError: dilation should be greater than zero
    "conv2d_zero_dilation": Case(
        "F.conv2d(fg.ones(1, 1, 4, 4), fg.ones(1, 1, 2, 2), dilation=0)",
        "RuntimeError",
        "dilation should be greater than zero",
    ),
    # PyTorch: RuntimeError: non-positive groups is not supported
    "conv2d_zero_groups": Case(
        "F.conv2d(fg.ones(1, 1, 4, 4), fg.ones(1, 1, 2, 2), groups=0)",
        "RuntimeError",
        "non-positive groups",
    ),
    "conv1d_negative_stride": Case(
        "F.conv1d(fg.ones(1, 1, 4), fg.ones(1, 1, 2), stride=-1)", "RuntimeError", "stride"
    ),
    # PyTorch: RuntimeError: stride should be greater than zero, but got dH: -1 dW: -1
    "max_pool2d_negative_stride": Case(
        "F.max_pool2d(fg.ones(1, 1, 4, 4), 2, stride=-1)", "RuntimeError", "stride should be"
    ),
    # PyTorch: RuntimeError: pad must be non-negative, but got pad: -1
    "max_pool2d_negative_padding": Case(
        "F.max_pool2d(fg.ones(1, 1, 4, 4), 2, padding=-1)", "RuntimeError", "non-negative"
    ),
    # PyTorch: RuntimeError (its message talks of the padding); the kernel size is refused here
    "max_pool2d_negative_kernel": Case("F.max_pool2d(fg.ones(1, 1, 4, 4), -2)", "RuntimeError"),
    # PyTorch: RuntimeError: stride should not be zero
    "avg_pool2d_zero_stride": Case(
        "F.avg_pool2d(fg.ones(1, 1, 4, 4), 2, stride=0)", "RuntimeError", "stride should not"
    ),
    "avg_pool2d_negative_stride": Case(
        "F.avg_pool2d(fg.ones(1, 1, 4, 4), 2, stride=-1)", "RuntimeError", "stride should be"
    ),
    "avg_pool1d_negative_padding": Case(
        "F.avg_pool1d(fg.ones(1, 1, 4), 2, padding=-1)", "RuntimeError", "non-negative"
    ),
    # PyTorch: RuntimeError: kernel size should be greater than zero, ...
    "unfold_negative_kernel": Case(
        "F.unfold(fg.ones(1, 1, 4, 4), -1)", "RuntimeError", "kernel size should be"
    ),
    # PyTorch: RuntimeError: n must be greater or equal to 0, got -1 (was OverflowError)
    "eye_negative": Case("fg.eye(-1)", "RuntimeError", "greater or equal to 0"),
    # PyTorch: RuntimeError: number of steps must be non-negative
    "linspace_negative": Case("fg.linspace(0, 1, -1)", "RuntimeError", "non-negative"),
    # PyTorch: RuntimeError: Trying to create tensor with negative dimension -1: [-1]
    "ones_negative": Case("fg.ones(-1)", "RuntimeError", "negative dimension -1"),
    "randn_negative": Case("fg.randn(2, -3)", "RuntimeError", "negative dimension -3"),
    # PyTorch: RuntimeError: invalid shape dimension -2 at index 0 of shape [-2, 2]
    "reshape_negative": Case("fg.ones(4).reshape(-2, 2)", "RuntimeError", "invalid shape"),
    # PyTorch: RuntimeError; -2 used to be taken for -1
    "expand_negative": Case("fg.ones(1).expand(-2)", "RuntimeError", "expanded size"),
    # PyTorch: TypeError: slice indices must be integers or None or have an __index__ method
    # (was AttributeError)
    "slice_with_float_start": Case("fg.ones(3)[0.5:2]", "TypeError", "slice indices"),
    "slice_with_float_stop": Case("fg.ones(3)[0:2.5]", "TypeError", "slice indices"),
    "slice_with_float_step": Case("fg.ones(3)[::1.5]", "TypeError", "slice indices"),
    "setitem_slice_with_float": Case(
        "x = fg.ones(3)\nx[0.5:2] = 0.0", "TypeError", "slice indices"
    ),
    # Negative indices do not wrap. PyTorch: IndexError: index out of range in self
    "index_select_negative_index": Case(
        "fg.arange(4.0).index_select(0, fg.tensor([-1]))", "IndexError", "out of bounds"
    ),
    "embedding_negative_index": Case(
        "F.embedding(fg.tensor([-1]), fg.ones(3, 2))", "IndexError", "out of bounds"
    ),
    "index_add_negative_index": Case(
        "fg.zeros(4).index_add(0, fg.tensor([-1]), fg.ones(1))", "IndexError", "out of bounds"
    ),
    # PyTorch raises RuntimeError ("index -1 is out of bounds for dimension 0 with size 4") for
    # gather and scatter_add; ferrograd raises IndexError for every index out of range.
    "gather_negative_index": Case(
        "fg.arange(4.0).gather(0, fg.tensor([-1]))", "IndexError", "out of bounds"
    ),
    "scatter_add_negative_index": Case(
        "fg.zeros(4).scatter_add(0, fg.tensor([-1]), fg.ones(1))", "IndexError", "out of bounds"
    ),
    # PyTorch wraps these: tensor([3.]) and [[1.], [2.]]
    "indexing_with_negative_tensor_wraps": Case(
        "y = fg.arange(4.0)[fg.tensor([-1])]", check="y.tolist() == [3.0]"
    ),
    "take_along_dim_negative_wraps": Case(
        "y = fg.arange(4.0).reshape(2, 2).take_along_dim(fg.tensor([[-1], [0]]), 1)\n"
        "z = fg.arange(4.0).take_along_dim(fg.tensor([-1]))",
        check="y.tolist() == [[1.0], [2.0]] and z.tolist() == [3.0]",
    ),
    # PyTorch: RuntimeError: expected m1 and m2 to have the same dtype, but got: float != double
    # (bmm: "expected scalar type Float but found Double"; mv, dot: likewise RuntimeError)
    "matmul_mixed_dtypes": Case(
        "fg.ones(2, 2) @ fg.ones(2, 2, dtype=fg.float64)", "RuntimeError", "same dtype"
    ),
    "mm_mixed_dtypes": Case(
        "fg.ones(2, 2).mm(fg.ones(2, 2, dtype=fg.int64))", "RuntimeError", "same dtype"
    ),
    "bmm_mixed_dtypes": Case(
        "fg.ones(1, 2, 2).bmm(fg.ones(1, 2, 2, dtype=fg.float64))", "RuntimeError", "same dtype"
    ),
    "mv_mixed_dtypes": Case(
        "fg.ones(2, 2).mv(fg.ones(2, dtype=fg.float64))", "RuntimeError", "same dtype"
    ),
    "dot_mixed_dtypes": Case(
        "fg.ones(2).dot(fg.ones(2, dtype=fg.float64))", "RuntimeError", "same dtype"
    ),
    "linear_mixed_dtypes": Case(
        "F.linear(fg.ones(2, 2), fg.ones(2, 2, dtype=fg.float64))", "RuntimeError", "same dtype"
    ),
}

# One child runs cases in a loop; each outcome is a JSON line on stdout.
CHILD = textwrap.dedent(
    """
    import json, resource, sys, traceback

    import numpy as np

    import ferrograd as fg
    import ferrograd.nn as nn
    import ferrograd.nn.functional as F

    def vm_size():
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
        return 0

    # Room for the cases, not for a terabyte: allocations that large fail instead of being
    # overcommitted (and then killed by the OOM killer).
    limit = vm_size() + (2 << 30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def usable():
        x = fg.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (x * x).sum().backward()
        return x.grad.tolist() == [2.0, 4.0, 6.0] and fg.zeros(1000).sum().item() == 0.0

    for name, code, check in json.loads(sys.stdin.read()):
        print(json.dumps({"start": name}), flush=True)
        scope = {"fg": fg, "F": F, "nn": nn, "np": np}
        out = {"name": name}
        try:
            exec(code, scope)
        except BaseException as e:
            out["raised"] = [c.__name__ for c in type(e).__mro__]
            out["message"] = str(e)
        else:
            try:
                out["check"] = bool(eval(check, scope))
            except BaseException:
                out["check"] = False
                out["message"] = traceback.format_exc()
        scope.clear()
        out["usable"] = usable()
        print(json.dumps(out), flush=True)
    """
)

# The outcome of each case, filled by the first test that needs it.
_OUTCOMES: dict[str, dict] = {}


def _run_children(names: list[str]) -> None:
    pending = list(names)
    while pending:
        batch = [[n, CASES[n].code, CASES[n].check] for n in pending]
        env = {**os.environ, "PYTHONPATH": PACKAGE_ROOT}
        try:
            proc = subprocess.run(
                [sys.executable, "-c", CHILD],
                input=json.dumps(batch),
                check=False,
                capture_output=True,
                text=True,
                timeout=120 + 10 * len(batch),
                env=env,
                cwd=ROOT,
            )
            stdout, stderr, rc = proc.stdout, proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as e:
            stdout = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            stderr = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
            rc = "timeout"
        started = None
        for line in stdout.splitlines():
            record = json.loads(line)
            if "start" in record:
                started = record["start"]
            else:
                _OUTCOMES[record["name"]] = record
                started = None
        done = [n for n in pending if n in _OUTCOMES]
        if started is None and len(done) < len(pending):
            # The child died before it started the next case: report the rest as its failure.
            started = pending[len(done)]
        if started is not None:
            _OUTCOMES[started] = {"crashed": rc, "stderr": stderr[-3000:]}
        pending = [n for n in pending if n not in _OUTCOMES]


def _outcome(name: str) -> dict:
    if name not in _OUTCOMES:
        if os.environ.get("FERROGRAD_BAD_INPUT_ISOLATE") == "1":
            _run_children([name])
        else:
            _run_children([n for n in CASES if n not in _OUTCOMES])
    return _OUTCOMES[name]


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(name):
    case, out = CASES[name], _outcome(name)
    assert "crashed" not in out, (
        f"the child interpreter died (exit status {out.get('crashed')}) running {name}:\n"
        f"{out.get('stderr')}"
    )
    if case.raises is None:
        assert "raised" not in out, f"raised {out['raised'][0]}: {out.get('message')}"
        assert out["check"], f"the result is wrong: {case.check}\n{out.get('message', '')}"
    else:
        assert "raised" in out, f"expected {case.raises}, but nothing was raised"
        assert case.raises in out["raised"], (
            f"expected {case.raises}, got {out['raised'][0]} (a subclass of "
            f"{', '.join(out['raised'][1:])}): {out['message']}"
        )
        assert "PanicException" not in out["raised"]
        assert re.search(case.match, out["message"]), out["message"]
    assert out["usable"], "the process does not work any more after this case"


BINDING = ROOT / "rust" / "ferrograd-py" / "src"


def test_every_binding_entry_point_catches_panics():
    """Every ``#[pyfunction]`` and ``#[pymethods]`` block of the binding carries
    ``#[catch_panics]`` (which must come before PyO3's attribute, to rewrite the functions
    before PyO3 sees them): no Rust panic reaches Python as ``PanicException``."""
    missing = []
    for path in sorted(BINDING.glob("*.rs")):
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            guarded = number > 0 and lines[number - 1].strip() == "#[catch_panics]"
            if line.strip() in ("#[pyfunction]", "#[pymethods]") and not guarded:
                missing.append(f"{path.name}:{number + 1}: {line.strip()}")
    assert not missing, "entry points without #[catch_panics]:\n" + "\n".join(missing)


def test_panics_are_reported_by_the_exception_alone():
    """A panic caught at the boundary prints nothing (the exception carries its message and
    location), on the calling thread and on a kernel thread alike; ``RUST_BACKTRACE`` brings
    the printed report and backtrace back."""
    code = textwrap.dedent(
        """
        import ferrograd as fg
        for place in ("here", "arena", "pool"):
            try:
                fg._core._debug_panic("boom", place)
            except RuntimeError as e:
                print(e)
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "RUST_BACKTRACE"}
    env["PYTHONPATH"] = PACKAGE_ROOT
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    lines = proc.stdout.splitlines()
    assert len(lines) == 3, proc.stdout
    for line in lines:
        assert re.fullmatch(
            r"internal error in ferrograd \(a bug; please report it\): boom at \S+", line
        )
    assert "panicked" not in proc.stderr, proc.stderr
