"""Long graphs and memory: a 1,000,000-op chain runs forward, backward and is freed without
crashing (no recursion anywhere), and resident memory stays flat over many small iterations.

These tests are meant for a release build (maturin develop --release); with a debug build
the 1M-op chains take much longer but must still pass.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap

import pytest

import ferrograd as fg

MB = 1024 * 1024
CHAIN = 1_000_000


def rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # pragma: no cover - not Linux
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _measure(step, warmup: int, iters: int) -> int:
    for _ in range(warmup):
        step()
    gc.collect()
    before = rss_bytes()
    for _ in range(iters):
        step()
    gc.collect()
    return rss_bytes() - before


# ----------------------------------------------------------------------------- long chains


def test_million_op_chain_forward_backward_free():
    x = fg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(CHAIN):
        y = y + 1.0
    assert y.item() == float(CHAIN + 1)
    y.backward()
    assert x.grad.item() == 1.0
    del y
    gc.collect()
    # the engine still works afterwards
    z = (x * 3).sum()
    z.backward()
    assert x.grad.item() == 4.0


def test_million_op_chain_freed_without_backward():
    x = fg.tensor([1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(CHAIN):
        y = y * 1.0
    assert y.tolist() == [1.0, 2.0]
    del y  # dropping the head must free the chain iteratively
    gc.collect()
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_million_op_chain_in_subprocess_with_small_stack():
    """Freeing or walking a long chain must not recurse: run it with a small C stack
    (ulimit -s 1024 KiB) so that recursion would crash where it would not otherwise."""
    script = textwrap.dedent(f"""
        import resource, sys
        import ferrograd as fg
        x = fg.tensor(1.0, requires_grad=True)
        y = x
        for _ in range({CHAIN}):
            y = y * 1.0
        y.backward()
        assert x.grad.item() == 1.0, x.grad
        y2 = x
        for _ in range({CHAIN}):
            y2 = y2 - 0.0
        del y, y2
        print("OK")
    """)
    p = subprocess.run(
        ["bash", "-c", f'ulimit -s 1024 && exec "{sys.executable}" -c "$0"', script],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,  # the return code is asserted below, with the stderr
    )
    assert p.returncode == 0, f"rc={p.returncode}\n{p.stderr[-3000:]}"
    assert "OK" in p.stdout


def test_long_chain_with_retain_graph_and_autograd_grad():
    x = fg.tensor(2.0, dtype=fg.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    (g,) = fg.autograd.grad(y, x, retain_graph=True)
    assert g.item() == 1.0
    y.backward()
    assert x.grad.item() == 1.0


# ----------------------------------------------------------------------------- RSS flat

N = 1024  # elements per tensor: a leaked float32 tensor per iteration = 4 KiB * 10k = 40 MiB
LIMIT = 24 * MB


def test_rss_flat_forward_backward():
    w = fg.randn(N, requires_grad=True)
    b = fg.zeros(N, requires_grad=True)
    x = fg.randn(N)

    def step():
        h = (x * w + b).tanh()
        loss = (h * h).mean() + (w.exp() * 0.001).sum()
        loss.backward()
        w.grad = None
        b.grad = None

    growth = _measure(step, warmup=1000, iters=10_000)
    assert growth < LIMIT, f"RSS grew by {growth / MB:.1f} MiB over 10,000 iterations"


def test_rss_flat_with_grad_accumulation_and_zero():
    w = fg.randn(N, requires_grad=True)

    def step():
        nonlocal w
        ident = w
        loss = (w * w).sum()
        loss.backward()
        with fg.no_grad():
            w -= 1e-6 * w.grad
        assert w is ident
        w.grad.zero_()

    growth = _measure(step, warmup=1000, iters=10_000)
    assert growth < LIMIT, f"RSS grew by {growth / MB:.1f} MiB over 10,000 iterations"


def test_rss_flat_forward_only_graphs_dropped():
    w = fg.randn(N, requires_grad=True)

    def step():
        y = (w * 2.0).sin() * w  # graph built, never backwarded, then dropped
        del y

    growth = _measure(step, warmup=1000, iters=10_000)
    assert growth < LIMIT, f"RSS grew by {growth / MB:.1f} MiB over 10,000 iterations"


def test_rss_flat_autograd_grad_create_graph():
    x = fg.randn(N, dtype=fg.float64, requires_grad=True)

    def step():
        y = (x**3).sum()
        (g,) = fg.autograd.grad(y, x, create_graph=True)
        g.sum().backward()
        x.grad = None

    growth = _measure(step, warmup=500, iters=5_000)
    # float64: a leaked tensor per iteration = 8 KiB * 5k = 40 MiB
    assert growth < LIMIT, f"RSS grew by {growth / MB:.1f} MiB over 5,000 iterations"


def test_rss_flat_retain_graph_then_drop():
    w = fg.randn(N, requires_grad=True)

    def step():
        loss = (w.sigmoid() * w).sum()
        loss.backward(retain_graph=True)
        loss.backward()
        w.grad = None

    growth = _measure(step, warmup=500, iters=5_000)
    assert growth < LIMIT, f"RSS grew by {growth / MB:.1f} MiB over 5,000 iterations"


def test_rss_flat_no_grad():
    w = fg.randn(N, requires_grad=True)

    def step():
        with fg.no_grad():
            y = (w * 2.0).exp().sum()
        y.item()

    growth = _measure(step, warmup=1000, iters=10_000)
    assert growth < LIMIT, f"RSS grew by {growth / MB:.1f} MiB over 10,000 iterations"


@pytest.mark.parametrize("size", [1, 1_000_000])
def test_big_tensor_freed(size):
    """Creating and dropping big tensors does not keep their memory."""

    def step():
        a = fg.ones(4_000_000 // size, size)  # 16 MB
        b = (a * 2).sum()
        del a, b

    growth = _measure(step, warmup=3, iters=30)  # 30 * 32 MB allocated in all
    assert growth < 64 * MB, f"RSS grew by {growth / MB:.1f} MiB"
