#!/usr/bin/env python
"""ferrograd next to PyTorch, measured in the same run (issue 5's table).

    python benches/compare_torch.py                # every case: the table
    python benches/compare_torch.py --json benches/results/latest.json   # and the tracked record
    python benches/compare_torch.py --quick        # fewer repetitions (a minute or two)
    python benches/compare_torch.py --cases small,chain --json /tmp/out.json
    python benches/compare_torch.py --device cuda  # on the GPU where ferrograd.cuda is available
                                                   # (matmul 8192, a * b on 64M; both libraries in
                                                   # one process; deep/steps only with --cases)

Repetitions of the two libraries are interleaved (ferrograd, torch, torch, ferrograd, ...) and
each figure is the median over repetitions. The peak-memory cases (deep chain, 1,000 MLP steps)
run each repetition in a fresh child process that imports only one of the two libraries and
runs only that case, and read the child's ``ru_maxrss``. The cases that run on thread pools
(MLP step, matmul, a * b) run their repetitions in child processes too, a few per child, the
children of the two libraries interleaved: in one process, PyTorch's OpenMP workers keep
spinning for milliseconds after each of its kernels, holding one of the two cores while the
next library's repetition runs (``--in-process`` measures them that way anyway; see
docs/PERFORMANCE.md). Without PyTorch installed the script
prints ferrograd's figures alone. It installs nothing: ``pip install torch`` (see the README).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

# NumPy is only used to make inputs; keep its OpenBLAS worker threads from spinning on the
# two cores the measured libraries share.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# ---------------------------------------------------------------------------------------------
# Library adapters: the same few calls spelled for each library.
# ---------------------------------------------------------------------------------------------


class Lib:
    """One library under test. ``m`` is the module (``ferrograd`` or ``torch``)."""

    name = ""

    def __init__(self, device: str = "cpu"):
        self.device = device

    def sync(self):
        pass


class FerroLib(Lib):
    name = "ferrograd"

    def __init__(self, device="cpu"):
        super().__init__(device)
        import ferrograd

        self.m = ferrograd
        self.mlp_impl = _ferro_mlp_impl(ferrograd)

    def available(self) -> bool:
        if self.device == "cpu":
            return True
        try:
            return bool(self.m.cuda.is_available())
        except AttributeError:  # a ferrograd without ferrograd.cuda
            return False

    def sync(self):
        if self.device != "cpu":
            self.m.cuda.synchronize()

    def version(self):
        return getattr(self.m, "__version__", "?")

    def no_grad(self):
        return self.m.no_grad()


class TorchLib(Lib):
    name = "torch"

    def __init__(self, device="cpu"):
        super().__init__(device)
        import torch

        self.m = torch
        self.mlp_impl = "nn"

    def available(self) -> bool:
        return self.device == "cpu" or self.m.cuda.is_available()

    def sync(self):
        if self.device != "cpu":
            self.m.cuda.synchronize()

    def version(self):
        return f"{self.m.__version__} ({self.m.get_num_threads()} threads)"

    def no_grad(self):
        return self.m.no_grad()


def _ferro_mlp_impl(fg) -> str:
    """``nn`` when ferrograd's nn.Linear, cross_entropy and optim.SGD are importable, else
    ``raw``."""
    try:
        import ferrograd.nn.functional as F
        from ferrograd import nn, optim

        nn.Linear, nn.ReLU, nn.Sequential, F.cross_entropy, optim.SGD  # noqa: B018
        return "nn"
    except (ImportError, AttributeError):  # an older ferrograd: no nn, optim or one of these
        return "raw"


def load_libs(device: str, only: str | None = None):
    libs = []
    for cls in (FerroLib, TorchLib):
        if only and cls.name != only:
            continue
        try:
            lib = cls(device)
        except ImportError:
            continue
        if lib.available():
            libs.append(lib)
    return libs


# ---------------------------------------------------------------------------------------------
# Cases. Each `make_*` returns a callable running one repetition and returning its figure.
# ---------------------------------------------------------------------------------------------


def tensor(lib, values, requires_grad=False, dtype="float32"):
    m = lib.m
    t = m.tensor(values, dtype=getattr(m, dtype), device=lib.device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def rand(lib, *shape, requires_grad=False):
    m = lib.m
    t = m.rand(*shape, device=lib.device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def make_small(lib, n_ops):
    a = rand(lib, 16, requires_grad=True)
    b = rand(lib, 16, requires_grad=True)

    def rep():
        t0 = time.perf_counter()
        for _ in range(n_ops):
            a + b
        lib.sync()
        return (time.perf_counter() - t0) / n_ops

    return rep


def make_chain(lib, n_chains, length=50):
    """``y = y * b + a`` repeated ``length`` times (2 * length = 100 ops), then ``backward()``."""
    a = rand(lib, 16, requires_grad=True)
    b = rand(lib, 16, requires_grad=True)
    x = rand(lib, 16, requires_grad=True)
    ops = 2 * length

    def rep():
        t0 = time.perf_counter()
        for _ in range(n_chains):
            y = x
            for _ in range(length):
                y = y * b + a
            y.sum().backward()
        lib.sync()
        return (time.perf_counter() - t0) / (n_chains * ops)

    return rep


def make_scalar(lib, n_iter):
    x = tensor(lib, 1.5, requires_grad=True)
    y = tensor(lib, 2.5, requires_grad=True)

    def rep():
        t0 = time.perf_counter()
        for _ in range(n_iter):
            z = x * y
            z.backward()
        lib.sync()
        return (time.perf_counter() - t0) / n_iter

    return rep


# Sizes that fill the device: a 1024 product already keeps two CPU cores busy; a GPU needs
# 8192 (issue 6's case) and far more than 4M elements to leave launch latency behind.
MATMUL_N = {"cpu": 1024, "cuda": 8192}
ELEMENTWISE_N = {"cpu": 4_000_000, "cuda": 64_000_000}


def make_matmul(lib, n_iter):
    n = MATMUL_N[lib.device]
    a = rand(lib, n, n)
    b = rand(lib, n, n)
    a @ b  # warm the kernel's thread pool / packing buffers
    lib.sync()

    def rep():
        t0 = time.perf_counter()
        for _ in range(n_iter):
            a @ b
        lib.sync()
        return 2.0 * n**3 * n_iter / (time.perf_counter() - t0) / 1e9

    return rep


def make_elementwise(lib, n_iter):
    n = ELEMENTWISE_N[lib.device]
    a = rand(lib, n)
    b = rand(lib, n)
    a * b
    lib.sync()

    def rep():
        t0 = time.perf_counter()
        for _ in range(n_iter):
            a * b
        lib.sync()
        return 3 * 4 * n * n_iter / (time.perf_counter() - t0) / 1e9

    return rep


def make_matmul_t(lib, n_iter):
    """``x.t() @ y``: the transposed operand is a view that the product reads by its strides."""
    n = MATMUL_N[lib.device]
    x = rand(lib, n, n)
    y = rand(lib, n, n)
    x.t() @ y
    lib.sync()

    def rep():
        t0 = time.perf_counter()
        for _ in range(n_iter):
            x.t() @ y
        lib.sync()
        return 2.0 * n**3 * n_iter / (time.perf_counter() - t0) / 1e9

    return rep


def make_strided_sum(lib, n_iter, n=2048):
    """``x[:, ::2].sum()``: a reduction over a strided view (every other column)."""
    x = rand(lib, n, n)
    x[:, ::2].sum()
    lib.sync()

    def rep():
        t0 = time.perf_counter()
        for _ in range(n_iter):
            x[:, ::2].sum()
        lib.sync()
        return (time.perf_counter() - t0) / n_iter

    return rep


def make_linear(lib, n_iter, batch=64, fan_in=784, fan_out=256):
    """A ``Linear`` layer's forward and backward (the weight's transpose in both)."""
    m = lib.m
    m.manual_seed(0)
    layer = m.nn.Linear(fan_in, fan_out).to(lib.device)
    x = rand(lib, batch, fan_in, requires_grad=True)

    def rep():
        t0 = time.perf_counter()
        for _ in range(n_iter):
            layer(x).sum().backward()
        lib.sync()
        return (time.perf_counter() - t0) / n_iter

    rep()
    return rep


def mlp_setup(lib, batch=64, sizes=(784, 256, 10), seed=0):
    """Model, data and a ``step()`` doing forward, cross-entropy, backward and SGD."""
    import numpy as np

    m = lib.m
    rng = np.random.default_rng(seed)
    x_np = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    y_np = rng.integers(0, sizes[-1], size=batch).astype(np.int64)
    x = m.tensor(x_np, device=lib.device)
    y = m.tensor(y_np, device=lib.device)
    lr = 0.01
    impl = lib.mlp_impl
    if impl == "nn":
        nn, F = m.nn, m.nn.functional
        model = nn.Sequential(
            nn.Linear(sizes[0], sizes[1]), nn.ReLU(), nn.Linear(sizes[1], sizes[2])
        )
        if lib.device != "cpu":
            model = model.to(lib.device)
        opt = m.optim.SGD(model.parameters(), lr=lr)

        def step():
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss

        return step

    # Raw tensors: matmul + bias + relu, log-softmax cross-entropy, manual SGD.
    def param(*shape, fan_in):
        bound = 1.0 / fan_in**0.5
        w = rng.uniform(-bound, bound, size=shape).astype(np.float32)
        return m.tensor(w, device=lib.device).requires_grad_(True)

    w1, b1 = param(sizes[0], sizes[1], fan_in=sizes[0]), param(sizes[1], fan_in=sizes[0])
    w2, b2 = param(sizes[1], sizes[2], fan_in=sizes[1]), param(sizes[2], fan_in=sizes[1])
    params = [w1, b1, w2, b2]
    target = y.reshape(batch, 1)

    def step():
        h = (x @ w1 + b1).relu()
        logits = h @ w2 + b2
        loss = -logits.log_softmax(1).gather(1, target).mean()
        loss.backward()
        with lib.no_grad():
            for p in params:
                p.sub_(p.grad * lr)
                p.grad = None
        return loss

    return step


def make_mlp(lib, n_steps):
    step = mlp_setup(lib)
    for _ in range(3):
        step()
    lib.sync()

    def rep():
        t0 = time.perf_counter()
        for _ in range(n_steps):
            step()
        lib.sync()
        return (time.perf_counter() - t0) / n_steps

    return rep


def timed_steps(step, n_steps, warmup=2):
    """``step`` run ``warmup`` times, then a function timing ``n_steps`` of it (seconds each)."""
    for _ in range(warmup):
        step()

    def rep():
        t0 = time.perf_counter()
        for _ in range(n_steps):
            step()
        return (time.perf_counter() - t0) / n_steps

    return rep


#: Set by ``--threads default`` (children inherit it): the workload cases keep each library's
#: default thread count instead of one thread.
THREADS_ENV = "FERROGRAD_BENCH_THREADS"


def set_workload_threads(m) -> None:
    """One thread for a workload case, unless the run asked for the libraries' defaults."""
    if os.environ.get(THREADS_ENV) != "default":
        m.set_num_threads(1)


def make_lstm_train(lib, n_steps, seq=32, batch=32, features=64, hidden=128, classes=10):
    """One LSTM training step: ``nn.LSTM(64, 128)`` over 32 steps of a batch of 32, a linear
    head on the last step, cross-entropy, backward, ``optim.Adam``."""
    import numpy as np

    m = lib.m
    set_workload_threads(m)
    m.manual_seed(0)
    rng = np.random.default_rng(0)
    x = m.tensor(rng.standard_normal((seq, batch, features)).astype(np.float32))
    y = m.tensor(rng.integers(0, classes, size=batch).astype(np.int64))
    lstm, head = m.nn.LSTM(features, hidden), m.nn.Linear(hidden, classes)
    opt = m.optim.Adam([*lstm.parameters(), *head.parameters()], lr=1e-3)

    def step():
        opt.zero_grad()
        out, _ = lstm(x)
        m.nn.functional.cross_entropy(head(out[-1]), y).backward()
        opt.step()

    return timed_steps(step, n_steps)


def make_convnet_train(lib, n_steps, batch=64):
    """Issue 18's convnet step: ``Conv2d(1, 32, 3)``, ``Conv2d(32, 64, 3)`` (each with ReLU),
    ``max_pool2d(2)``, ``Linear(9216, 10)``, cross-entropy, SGD with momentum, on a batch of 64
    28x28 images; one thread."""
    m = lib.m
    set_workload_threads(m)
    m.manual_seed(0)
    nn, F = m.nn, m.nn.functional
    conv1, conv2, fc = nn.Conv2d(1, 32, 3), nn.Conv2d(32, 64, 3), nn.Linear(9216, 10)
    params = [*conv1.parameters(), *conv2.parameters(), *fc.parameters()]
    opt = m.optim.SGD(params, lr=0.01, momentum=0.9)
    x, y = m.randn(batch, 1, 28, 28), m.randint(0, 10, (batch,))

    def step():
        opt.zero_grad()
        h = F.max_pool2d(F.relu(conv2(F.relu(conv1(x)))), 2)
        F.cross_entropy(fc(m.flatten(h, 1)), y).backward()
        opt.step()

    return timed_steps(step, n_steps)


def make_mlp_adam(lib, n_steps, batch=256, width=512, classes=10):
    """The workloads suite's training step, on one thread: Linear 512->512, Tanh, Linear
    512->512, GELU, Linear 512->10, cross-entropy, backward, Adam."""
    import numpy as np

    m = lib.m
    set_workload_threads(m)
    m.manual_seed(0)
    nn, F = m.nn, m.nn.functional
    rng = np.random.default_rng(0)
    x = m.tensor(rng.standard_normal((batch, width)).astype(np.float32))
    y = m.tensor(rng.integers(0, classes, size=batch).astype(np.int64))
    model = nn.Sequential(
        nn.Linear(width, width),
        nn.Tanh(),
        nn.Linear(width, width),
        nn.GELU(),
        nn.Linear(width, classes),
    )
    opt = m.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    return timed_steps(step, n_steps, warmup=3)


GPT_VOCAB, GPT_WIDTH, GPT_HEADS, GPT_CONTEXT, GPT_BLOCKS = 65, 128, 4, 64, 2


def gpt_mini(m):
    """A small GPT (issue 18's GPT-mini): token and position embeddings, 2 pre-norm blocks of
    causal self-attention (``F.scaled_dot_product_attention``, 4 heads) and a GELU MLP, 128
    wide, a final LayerNorm and a linear head over 65 tokens."""
    nn, F = m.nn, m.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(GPT_WIDTH), nn.LayerNorm(GPT_WIDTH)
            self.qkv = nn.Linear(GPT_WIDTH, 3 * GPT_WIDTH)
            self.proj = nn.Linear(GPT_WIDTH, GPT_WIDTH)
            self.mlp = nn.Sequential(
                nn.Linear(GPT_WIDTH, 4 * GPT_WIDTH), nn.GELU(), nn.Linear(4 * GPT_WIDTH, GPT_WIDTH)
            )

        def forward(self, x):
            b, t, c = x.shape
            q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
            q, k, v = (z.view(b, t, GPT_HEADS, c // GPT_HEADS).transpose(1, 2) for z in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.proj(y.transpose(1, 2).reshape(b, t, c))
            return x + self.mlp(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(GPT_VOCAB, GPT_WIDTH)
            self.pos = nn.Embedding(GPT_CONTEXT, GPT_WIDTH)
            self.blocks = nn.Sequential(*[Block() for _ in range(GPT_BLOCKS)])
            self.ln = nn.LayerNorm(GPT_WIDTH)
            self.head = nn.Linear(GPT_WIDTH, GPT_VOCAB)

        def forward(self, idx):
            t = idx.shape[1]
            x = self.tok(idx) + self.pos(m.arange(t))
            return self.head(self.ln(self.blocks(x)))

    return GPT()


def make_gpt_train(lib, n_steps, batch=16):
    """One GPT-mini training step on one thread: batch 16 of 64 tokens, cross-entropy, AdamW."""
    import numpy as np

    m = lib.m
    set_workload_threads(m)
    m.manual_seed(0)
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, GPT_VOCAB, size=(batch, GPT_CONTEXT + 1)).astype(np.int64)
    x, y = m.tensor(tokens[:, :-1]), m.tensor(tokens[:, 1:])
    model = gpt_mini(m)
    opt = m.optim.AdamW(model.parameters(), lr=3e-4)

    def step():
        opt.zero_grad()
        logits = model(x)
        m.nn.functional.cross_entropy(logits.reshape(-1, GPT_VOCAB), y.reshape(-1)).backward()
        opt.step()

    return timed_steps(step, n_steps)


def make_gpt_generate(lib, n_steps, new_tokens=32):
    """GPT-mini generating 32 tokens greedily under ``no_grad`` from a 1-token prompt (the
    whole window re-read each step, as a small GPT without a key/value cache does); 1 thread."""
    m = lib.m
    set_workload_threads(m)
    m.manual_seed(0)
    model = gpt_mini(m)
    model.eval()

    def step():
        with m.no_grad():
            idx = m.zeros(1, 1, dtype=m.int64)
            for _ in range(new_tokens):
                logits = model(idx[:, -GPT_CONTEXT:])
                nxt = logits[:, -1, :].argmax(dim=-1, keepdim=True)
                idx = m.cat([idx, nxt], dim=1)

    return timed_steps(step, n_steps, warmup=1)


def make_sdpa(shape, causal=True, dropout_p=0.0):
    """``F.scaled_dot_product_attention`` forward + backward on query, key and value of
    ``shape`` (float32, one thread), with attention dropout ``dropout_p``."""

    def make(lib, n_steps):
        import numpy as np

        m = lib.m
        set_workload_threads(m)
        rng = np.random.default_rng(0)
        q, k, v = (
            m.tensor(rng.standard_normal(shape).astype(np.float32), requires_grad=True)
            for _ in range(3)
        )
        g = m.tensor(rng.standard_normal(shape).astype(np.float32))

        def step():
            out = m.nn.functional.scaled_dot_product_attention(
                q, k, v, dropout_p=dropout_p, is_causal=causal
            )
            out.backward(g)

        return timed_steps(step, n_steps)

    return make


ACTIVATION_N = 1_000_000


ROWS_SHAPE = (4096, 1024)


def make_op(build, shape=(ACTIVATION_N,), dtype="float32", low=-4.0):
    """``build(m)(x)`` forward + backward (one thread) on ``shape`` of ``dtype`` drawn from
    [low, 4]; ``build`` gets the library's module once, to set up what the call needs."""

    def make(lib, n_iter):
        import numpy as np

        m = lib.m
        set_workload_threads(m)
        f = build(m)
        values = np.random.default_rng(0).uniform(low, 4, shape).astype(dtype)
        x = m.tensor(values).requires_grad_(True)
        g = m.ones(shape, dtype=getattr(m, dtype))

        def once():
            y = f(x)
            y.backward(g if y.ndim else None)
            x.grad = None

        once()

        def rep():
            t0 = time.perf_counter()
            for _ in range(n_iter):
                once()
            return (time.perf_counter() - t0) / n_iter

        return rep

    return make


def cross_entropy_of(m):
    import numpy as np

    rows, classes = ROWS_SHAPE
    target = m.tensor(np.random.default_rng(1).integers(0, classes, rows))
    return lambda x: m.nn.functional.cross_entropy(x, target)


def mse_loss_of(m):
    import numpy as np

    values = np.random.default_rng(2).uniform(-4, 4, ROWS_SHAPE).astype("float32")
    target = m.tensor(values)
    return lambda x: m.nn.functional.mse_loss(x, target)


# Children: one case, one library, one process; print one JSON line.


def maxrss_bytes() -> int:
    """Peak resident memory of this process. On Linux, VmHWM: ``ru_maxrss`` of a child started
    with vfork/exec (as ``subprocess`` does) starts at the parent's resident size, which would
    charge the parent's memory (both libraries loaded) to the child."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def current_rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return maxrss_bytes()


def child_deep(lib, n):
    x = tensor(lib, 1.0, requires_grad=True)
    b = tensor(lib, 0.999999)
    base = current_rss_bytes()
    gc.disable()
    t0 = time.perf_counter()
    y = x
    for _ in range(n):
        y = y * b
    lib.sync()
    t1 = time.perf_counter()
    y.backward()
    lib.sync()
    t2 = time.perf_counter()
    del y
    t3 = time.perf_counter()
    gc.enable()
    return {
        "forward_s": t1 - t0,
        "backward_s": t2 - t1,
        "free_s": t3 - t2,
        "time": t3 - t0,
        "base_rss": base,
        "grad": float(x.grad.item()),
    }


def child_steps(lib, n):
    step = mlp_setup(lib)
    base = current_rss_bytes()
    rss = []
    t0 = time.perf_counter()
    for i in range(n):
        step()
        if (i + 1) % max(1, n // 10) == 0:
            rss.append(current_rss_bytes())
    lib.sync()
    return {"time": (time.perf_counter() - t0) / n, "base_rss": base, "rss_trace": rss}


def child_kernel(lib, n, case=None, reps=1):
    """``reps`` timed repetitions of a thread-pool case, after one untimed one."""
    make = MAKERS[case](lib, n)
    make()
    return {"figures": [make() for _ in range(reps)]}


CHILDREN = {"deep": child_deep, "steps": child_steps, "kernel": child_kernel}


def run_child(case, libname, n, device, kernel=None, reps=1):
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--child",
        case,
        "--lib",
        libname,
        "--n",
        str(n),
        "--device",
        device,
    ]
    if kernel:
        cmd += ["--kernel", kernel, "--reps", str(reps)]
    # check=False: a failed child is reported with its stderr below
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"child {case}/{libname} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# The table.
# ---------------------------------------------------------------------------------------------

# name, description, figure, unit, better ("lower"/"higher"), target ratio (ferrograd / torch)
CASES = [
    (
        "small",
        "small op: a + b, 16 elements, both require grad",
        "time per op",
        "us",
        "lower",
        0.33,
    ),
    (
        "chain",
        "chain: y = y * b + a x50 (100 ops) on 16 elements, then backward()",
        "time per op",
        "us",
        "lower",
        0.25,
    ),
    ("scalar", "scalar: z = x * y on 0-d tensors, then z.backward()", "time", "us", "lower", 0.15),
    (
        "deep_time",
        "deep: 1,000,000-op scalar chain, forward + backward + free",
        "time",
        "s",
        "lower",
        0.10,
    ),
    ("deep_mem", "deep: 1,000,000-op scalar chain", "peak memory", "MB", "lower", 0.25),
    (
        "mlp",
        "MLP train step: 784-256-10, batch 64, ReLU, cross-entropy, SGD",
        "time per step",
        "ms",
        "lower",
        0.90,
    ),
    ("matmul", "matmul {matmul_n}x{matmul_n} (float32)", "GFLOP/s", "GFLOP/s", "higher", 0.95),
    (
        "elementwise",
        "elementwise a * b, {elementwise_n:,} elements",
        "GB/s",
        "GB/s",
        "higher",
        0.95,
    ),
    ("steps_mem", "1,000 MLP train steps", "peak resident memory", "MB", "lower", 1.0),
    (
        "matmul_t",
        "x.t() @ y, {matmul_n}x{matmul_n} (float32)",
        "GFLOP/s",
        "GFLOP/s",
        "higher",
        None,
    ),
    ("strided_sum", "x[:, ::2].sum(), x 2048x2048 (float32)", "time", "us", "lower", None),
    ("linear", "Linear 784->256 forward + backward, batch 64", "time", "us", "lower", None),
    (
        "mlp_adam",
        "MLP train step: 512-512-512-10, Tanh + GELU, cross-entropy, Adam, batch 256, 1 thread",
        "time per step",
        "ms",
        "lower",
        None,
    ),
    (
        "convnet_train",
        "convnet step: 2 conv 3x3 + ReLU, max pool 2, linear, batch 64 of 28x28, SGD; 1 thread",
        "time per step",
        "ms",
        "lower",
        1.0,
    ),
    (
        "lstm_train",
        "LSTM train step: 64->128, seq 32, batch 32, linear head, cross-entropy, Adam; 1 thread",
        "time per step",
        "ms",
        "lower",
        None,
    ),
    (
        "gpt_train",
        "GPT-mini train step: 2 blocks, 128 wide, 4 heads, context 64, batch 16, AdamW; 1 thread",
        "time per step",
        "ms",
        "lower",
        0.9,
    ),
    (
        "gpt_generate",
        "GPT-mini: generate 32 tokens under no_grad (batch 1, no kv cache); 1 thread",
        "time",
        "ms",
        "lower",
        0.8,
    ),
    (
        "sdpa",
        "F.scaled_dot_product_attention fwd + bwd, causal, (16, 4, 64, 32) float32, 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    (
        "sdpa_dropout",
        "F.scaled_dot_product_attention fwd + bwd, causal, dropout_p=0.1, (16, 4, 64, 32) "
        "float32, 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    (
        "sdpa_long",
        "F.scaled_dot_product_attention fwd + bwd, causal, (2, 4, 1024, 64) float32, 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    ("gelu", "F.gelu forward + backward, 1M float32, 1 thread", "time", "ms", "lower", None),
    ("silu", "F.silu forward + backward, 1M float32, 1 thread", "time", "ms", "lower", None),
    (
        "softplus",
        "F.softplus forward + backward, 1M float32, 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    (
        "gelu_tanh",
        "F.gelu(approximate='tanh') forward + backward, 1M float32, 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    ("erf", "torch.erf forward + backward, 1M float32, 1 thread", "time", "ms", "lower", None),
    ("gelu_f64", "F.gelu forward + backward, 1M float64, 1 thread", "time", "ms", "lower", None),
    ("sin_f64", "torch.sin forward + backward, 1M float64, 1 thread", "time", "ms", "lower", None),
    ("square", "x ** 2 forward + backward, 1M float32, 1 thread", "time", "ms", "lower", None),
    (
        "pow",
        "x ** 2.5 forward + backward, 1M float32 in [0.1, 4], 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    (
        "pow_f64",
        "x ** 2.5 forward + backward, 1M float64 in [0.1, 4], 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    (
        "rsqrt",
        "torch.rsqrt forward + backward, 1M float32 in [0.1, 4], 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    (
        "tan",
        "torch.tan forward + backward, 1M float32 in [-4, 4], 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    ("atan", "torch.atan forward + backward, 1M float32, 1 thread", "time", "ms", "lower", None),
    (
        "asin",
        "torch.asin(0.2 x) forward + backward, 1M float32, 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    (
        "atan2",
        "torch.atan2(x, x + 1) forward + backward, 1M float32, 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    (
        "atan2_f64",
        "torch.atan2(x, x + 1) forward + backward, 1M float64, 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    ("cos_f64", "torch.cos forward + backward, 1M float64, 1 thread", "time", "ms", "lower", None),
    (
        "softmax",
        "F.softmax(dim=1) forward + backward, (4096, 1024) float32, 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    (
        "log_softmax",
        "F.log_softmax(dim=1) forward + backward, (4096, 1024) float32, 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    (
        "layer_norm",
        "F.layer_norm over 1024 forward + backward, (4096, 1024) float32, 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    (
        "cross_entropy",
        "F.cross_entropy forward + backward, (4096, 1024) float32 logits, 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
    (
        "mse_loss",
        "F.mse_loss forward + backward, (4096, 1024) float32, 1 thread",
        "time",
        "ms",
        "lower",
        None,
    ),
]
# `--suite workloads`: real training work rather than per-op overhead (issues 17 and 18).
SUITES = {
    "workloads": [
        "mlp_adam",
        "convnet_train",
        "lstm_train",
        "gpt_train",
        "gpt_generate",
        "sdpa",
        "sdpa_dropout",
        "sdpa_long",
        "gelu",
        "silu",
        "softplus",
        "gelu_tanh",
        "erf",
        "gelu_f64",
        "sin_f64",
        "cos_f64",
        "square",
        "pow",
        "pow_f64",
        "rsqrt",
        "tan",
        "atan",
        "asin",
        "atan2",
        "atan2_f64",
        "softmax",
        "log_softmax",
        "layer_norm",
        "cross_entropy",
        "mse_loss",
    ]
}
MAKERS = {
    "small": make_small,
    "chain": make_chain,
    "scalar": make_scalar,
    "mlp": make_mlp,
    "matmul": make_matmul,
    "elementwise": make_elementwise,
    "matmul_t": make_matmul_t,
    "strided_sum": make_strided_sum,
    "linear": make_linear,
    "mlp_adam": make_mlp_adam,
    "convnet_train": make_convnet_train,
    "lstm_train": make_lstm_train,
    "gpt_train": make_gpt_train,
    "gpt_generate": make_gpt_generate,
    "sdpa": make_sdpa((16, 4, 64, 32)),
    "sdpa_dropout": make_sdpa((16, 4, 64, 32), dropout_p=0.1),
    "sdpa_long": make_sdpa((2, 4, 1024, 64)),
    "gelu": make_op(lambda m: m.nn.functional.gelu),
    "silu": make_op(lambda m: m.nn.functional.silu),
    "softplus": make_op(lambda m: m.nn.functional.softplus),
    "gelu_tanh": make_op(lambda m: lambda x: m.nn.functional.gelu(x, approximate="tanh")),
    "erf": make_op(lambda m: m.erf),
    "gelu_f64": make_op(lambda m: m.nn.functional.gelu, dtype="float64"),
    "sin_f64": make_op(lambda m: m.sin, dtype="float64"),
    "cos_f64": make_op(lambda m: m.cos, dtype="float64"),
    "square": make_op(lambda m: lambda x: x**2),
    "pow": make_op(lambda m: lambda x: x**2.5, low=0.1),
    "pow_f64": make_op(lambda m: lambda x: x**2.5, dtype="float64", low=0.1),
    "rsqrt": make_op(lambda m: m.rsqrt, low=0.1),
    "tan": make_op(lambda m: m.tan),
    "atan": make_op(lambda m: m.atan),
    "asin": make_op(lambda m: lambda x: m.asin(x * 0.2)),
    "atan2": make_op(lambda m: lambda x: m.atan2(x, x + 1)),
    "atan2_f64": make_op(lambda m: lambda x: m.atan2(x, x + 1), dtype="float64"),
    "softmax": make_op(lambda m: lambda x: m.nn.functional.softmax(x, dim=1), ROWS_SHAPE),
    "log_softmax": make_op(lambda m: lambda x: m.nn.functional.log_softmax(x, dim=1), ROWS_SHAPE),
    "layer_norm": make_op(
        lambda m: lambda x: m.nn.functional.layer_norm(x, ROWS_SHAPE[1:]), ROWS_SHAPE
    ),
    "cross_entropy": make_op(cross_entropy_of, ROWS_SHAPE),
    "mse_loss": make_op(mse_loss_of, ROWS_SHAPE),
}
# Issue 6's targets on CUDA: matmul at 0.9 of PyTorch's throughput and per-op overhead no worse
# than PyTorch's; the other rows are reported without one.
CUDA_TARGETS = {"small": 1.0, "chain": 1.0, "scalar": 1.0, "matmul": 0.9}
SCALE = {"us": 1e6, "ms": 1e3, "s": 1.0, "MB": 1e-6, "GFLOP/s": 1.0, "GB/s": 1.0}

# (inner iterations, repetitions) per case: normal / --quick
PLAN = {
    "small": ((20_000, 15), (5_000, 7)),
    "chain": ((40, 15), (10, 7)),
    "scalar": ((5_000, 15), (1_000, 7)),
    "mlp": ((30, 11), (10, 5)),
    "matmul": ((3, 9), (2, 5)),
    "elementwise": ((20, 11), (10, 5)),
    "matmul_t": ((3, 9), (2, 5)),
    "strided_sum": ((50, 11), (20, 5)),
    "linear": ((100, 11), (30, 5)),
    "mlp_adam": ((20, 9), (10, 3)),
    "convnet_train": ((3, 9), (2, 3)),
    "lstm_train": ((10, 9), (5, 3)),
    "gpt_train": ((10, 9), (5, 3)),
    "gpt_generate": ((3, 9), (2, 3)),
    "sdpa": ((20, 9), (10, 3)),
    "sdpa_dropout": ((20, 9), (10, 3)),
    "sdpa_long": ((3, 9), (2, 3)),
    "gelu": ((10, 9), (5, 3)),
    "silu": ((10, 9), (5, 3)),
    "softplus": ((10, 9), (5, 3)),
    "gelu_tanh": ((10, 9), (5, 3)),
    "erf": ((10, 9), (5, 3)),
    "gelu_f64": ((10, 9), (5, 3)),
    "sin_f64": ((10, 9), (5, 3)),
    "cos_f64": ((10, 9), (5, 3)),
    "square": ((10, 9), (5, 3)),
    "pow": ((10, 9), (5, 3)),
    "pow_f64": ((10, 9), (5, 3)),
    "rsqrt": ((10, 9), (5, 3)),
    "tan": ((10, 9), (5, 3)),
    "atan": ((10, 9), (5, 3)),
    "asin": ((10, 9), (5, 3)),
    "atan2": ((10, 9), (5, 3)),
    "atan2_f64": ((10, 9), (5, 3)),
    "softmax": ((5, 9), (3, 3)),
    "log_softmax": ((5, 9), (3, 3)),
    "layer_norm": ((5, 9), (3, 3)),
    "cross_entropy": ((5, 9), (3, 3)),
    "mse_loss": ((5, 9), (3, 3)),
    "deep": ((1_000_000, 3), (1_000_000, 1)),
    "steps": ((1_000, 1), (1_000, 1)),
}


# Seconds to sleep before each repetition (none by default). Measured on the 2-core machine:
# ferrograd's first kernel calls after an idle pause run far slower (matmul 300 -> 214 GFLOP/s,
# a * b 51 -> 24 GB/s) while PyTorch's do not, so a pause is not neutral; see PERFORMANCE.md.
PAUSE_S: dict = {}


def interleave(libs, makers, reps, pause=0.0):
    """Runs the repetitions alternately (A B B A A B ...) and returns each library's figures."""
    results = {lib.name: [] for lib in libs}
    for r in range(reps):
        order = libs if r % 2 == 0 else list(reversed(libs))
        for lib in order:
            if pause:
                time.sleep(pause)
            results[lib.name].append(makers[lib.name]())
    return results


# Cases whose kernels run on thread pools: measured in child processes, one library each.
ISOLATED = ("mlp", "matmul", "elementwise", "matmul_t", "linear", *SUITES["workloads"])
REPS_PER_CHILD = 3


def isolated(libs, case, inner, reps, device):
    """``reps`` repetitions of ``case`` per library, run by interleaved child processes."""
    rounds = -(-reps // REPS_PER_CHILD)
    runs = interleave(
        libs,
        {
            lib.name: (
                lambda lib=lib: run_child("kernel", lib.name, inner, device, case, REPS_PER_CHILD)
            )
            for lib in libs
        },
        rounds,
    )
    return {name: [f for run in v for f in run["figures"]] for name, v in runs.items()}


def measure(libs, cases, quick, device, log, in_process=False):
    measured = {}  # case -> lib -> list of figures (in base units)
    extra = {}
    pick = 1 if quick else 0
    for case in [
        "small",
        "chain",
        "scalar",
        "mlp",
        "matmul",
        "elementwise",
        "matmul_t",
        "strided_sum",
        "linear",
        *SUITES["workloads"],
    ]:
        if case not in cases:
            continue
        inner, reps = PLAN[case][pick]
        if case in ISOLATED and not in_process and len(libs) > 1:
            log(f"  {case}: {reps} reps x {inner}, {REPS_PER_CHILD} reps per child process ...")
            measured[case] = isolated(libs, case, inner, reps, device)
            continue
        log(f"  {case}: {reps} reps x {inner} ...")
        makers = {lib.name: MAKERS[case](lib, inner) for lib in libs}
        for lib in libs:  # warm-up, untimed
            makers[lib.name]()
        measured[case] = interleave(
            libs, makers, reps, PAUSE_S.get(case, 0.0) if len(libs) > 1 else 0.0
        )
        gc.collect()
    for child, names in (("deep", ("deep_time", "deep_mem")), ("steps", ("steps_mem",))):
        if not any(n in cases for n in names) and child not in cases:
            continue
        n, reps = PLAN[child][pick]
        log(f"  {child}: {reps} reps x child processes ...")
        runs = interleave(
            libs,
            {
                lib.name: (lambda lib=lib, child=child, n=n: run_child(child, lib.name, n, device))
                for lib in libs
            },
            reps,
        )
        if child == "deep":
            measured["deep_time"] = {k: [r["time"] for r in v] for k, v in runs.items()}
            measured["deep_mem"] = {k: [r["maxrss"] for r in v] for k, v in runs.items()}
            extra["deep"] = {
                k: {
                    "forward_s": statistics.median(r["forward_s"] for r in v),
                    "backward_s": statistics.median(r["backward_s"] for r in v),
                    "free_s": statistics.median(r["free_s"] for r in v),
                    "rss_after_import_MB": statistics.median(r["base_rss"] for r in v) / 1e6,
                }
                for k, v in runs.items()
            }
        else:
            measured["steps_mem"] = {k: [r["maxrss"] for r in v] for k, v in runs.items()}
            extra["steps"] = {
                k: {
                    "time_per_step_ms": statistics.median(r["time"] for r in v) * 1e3,
                    "rss_after_import_MB": statistics.median(r["base_rss"] for r in v) / 1e6,
                    "rss_every_100_steps_MB": [round(x / 1e6, 1) for x in v[-1]["rss_trace"]],
                }
                for k, v in runs.items()
            }
    return measured, extra


def machine_info():
    model = platform.processor() or "?"
    try:
        # best effort: without lscpu (or if it fails) the model stays platform.processor()'s
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_at_start": load,
    }


def build_table(libs, measured, device):
    rows = []
    names = [lib.name for lib in libs]
    for key, desc, figure, unit, better, target in CASES:
        if key not in measured:
            continue
        desc = desc.format(matmul_n=MATMUL_N[device], elementwise_n=ELEMENTWISE_N[device])
        if device != "cpu":
            target = CUDA_TARGETS.get(key)
        med = {
            n: statistics.median(measured[key][n]) * SCALE[unit]
            for n in names
            if measured[key].get(n)
        }
        row = {
            "case": key,
            "description": desc,
            "figure": figure,
            "unit": unit,
            "device": device,
            "ferrograd": med.get("ferrograd"),
            "torch": med.get("torch"),
            "target": "-" if target is None else f"{'<=' if better == 'lower' else '>='} {target}",
        }
        if "ferrograd" in med and "torch" in med and med["torch"]:
            ratio = med["ferrograd"] / med["torch"]
            row["ratio"] = ratio
            if target is not None:
                row["pass"] = ratio <= target if better == "lower" else ratio >= target
        rows.append(row)
    return rows


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


def print_table(rows, has_torch):
    header = (
        ["case", "figure", "ferrograd", "torch", "ratio", "target", "result"]
        if has_torch
        else ["case", "figure", "ferrograd"]
    )
    lines = []
    for r in rows:
        fig = f"{r['figure']} [{r['unit']}]"
        if has_torch:
            ratio = "-" if r.get("ratio") is None else f"{r['ratio']:.3f}"
            result = "-" if r.get("pass") is None else ("PASS" if r["pass"] else "miss")
            lines.append(
                [r["case"], fig, fmt(r["ferrograd"]), fmt(r["torch"]), ratio, r["target"], result]
            )
        else:
            lines.append([r["case"], fig, fmt(r["ferrograd"])])
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines, strict=True)]
    out = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    out += [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        for line in lines
    ]
    print("\n".join(out))


ALL_CASES = [
    "small",
    "chain",
    "scalar",
    "deep",
    "mlp",
    "matmul",
    "elementwise",
    "steps",
    "matmul_t",
    "strided_sum",
    "linear",
]
# On a GPU a million-op chain measures a million kernel launches (about ten seconds per library
# and repetition) and host memory says little: ask for deep/steps with --cases there.
CUDA_CASES = ["small", "chain", "scalar", "mlp", "matmul", "elementwise"]


def main(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--json",
        metavar="PATH",
        help="also write the results, in full, to PATH (the recorded run in the repository is "
        "benches/results/latest.json; nothing is written without --json)",
    )
    p.add_argument(
        "--cases",
        help=f"comma-separated subset of {','.join(ALL_CASES)} "
        f"(default: all; on cuda {','.join(CUDA_CASES)})",
    )
    p.add_argument(
        "--suite",
        choices=sorted(SUITES),
        help="a named set of cases: workloads = "
        + ",".join(SUITES["workloads"])
        + " (training work measured one library per child process)",
    )
    p.add_argument("--quick", action="store_true", help="fewer repetitions")
    p.add_argument(
        "--threads",
        choices=["1", "default"],
        default="1",
        help="threads of the workload cases: one (default) or each library's default",
    )
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--no-torch", action="store_true", help="measure ferrograd alone")
    p.add_argument(
        "--in-process",
        action="store_true",
        help="measure the thread-pool cases (mlp, matmul, elementwise) in this process, "
        "both libraries together",
    )
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--lib", help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, help=argparse.SUPPRESS)
    p.add_argument("--kernel", help=argparse.SUPPRESS)
    p.add_argument("--reps", type=int, default=1, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child:
        (lib,) = load_libs(args.device, only=args.lib)
        kwargs = {"case": args.kernel, "reps": args.reps} if args.kernel else {}
        result = CHILDREN[args.child](lib, args.n, **kwargs)
        result["maxrss"] = maxrss_bytes()
        print(json.dumps(result))
        return 0

    os.environ[THREADS_ENV] = args.threads
    cases = set()
    default = CUDA_CASES if args.device == "cuda" else ALL_CASES
    chosen = args.cases or ",".join(SUITES[args.suite] if args.suite else default)
    for c in chosen.split(","):
        c = c.strip()
        if c == "deep":
            cases |= {"deep", "deep_time", "deep_mem"}
        elif c == "steps":
            cases |= {"steps", "steps_mem"}
        elif c:
            cases.add(c)
    libs = load_libs(args.device, only="ferrograd" if args.no_torch else None)
    if not libs or libs[0].name != "ferrograd":
        print(
            f"ferrograd is not available on device '{args.device}': nothing to measure (skipped)."
        )
        return 0
    has_torch = any(lib.name == "torch" for lib in libs)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    info = machine_info()
    log(f"machine: {info['cpu']}, {info['cores']} cores; device {args.device}")
    for lib in libs:
        log(f"{lib.name} {lib.version()}")
    if not has_torch:
        log("PyTorch is not importable: measuring ferrograd alone (pip install torch to compare).")
    mlp_impl = libs[0].mlp_impl
    step = (
        "nn.Sequential/Linear + F.cross_entropy + optim.SGD"
        if mlp_impl == "nn"
        else "raw tensors (matmul + bias + relu, log_softmax/gather cross-entropy, manual SGD)"
    )
    log(f"ferrograd MLP step uses {step}")
    # No OpenMP workers spin on a GPU's queue: there, both libraries share one process.
    in_process = args.in_process or args.device != "cpu"
    measured, extra = measure(libs, cases, args.quick, args.device, log, in_process)
    rows = build_table(libs, measured, args.device)
    print(
        f"\nferrograd vs PyTorch on {info['cpu']} ({info['cores']} cores), device {args.device}; "
        "medians of interleaved repetitions"
    )
    if info.get("loadavg_at_start"):
        load = " ".join(f"{x:.2f}" for x in info["loadavg_at_start"])
        print(
            f"load average at start: {load} "
            "(other processes distort the figures, PyTorch's OpenMP most)"
        )
    print(f"ferrograd MLP step: {mlp_impl}; workload cases' threads: {args.threads}")
    print_table(rows, has_torch)
    for k, v in extra.items():
        print(f"{k}: {json.dumps(v)}")
    report = {
        "machine": info,
        "device": args.device,
        "quick": args.quick,
        "versions": {lib.name: lib.version() for lib in libs},
        "ferrograd_mlp_impl": mlp_impl,
        "rows": rows,
        "details": extra,
        "raw": dict(measured),
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
