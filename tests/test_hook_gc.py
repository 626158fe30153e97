"""Hooks and Python's cycle collector.

A hook that closes over its own tensor (``y.register_hook(lambda g: use(y))``) makes a cycle
that runs through the engine: tensor -> node -> hook -> closure -> tensor. The engine reports
the hook callables of a node that a tensor alone keeps alive to the collector
(``TensorImpl.__traverse__``), so ``gc.collect()`` frees such graphs. Before that, every
iteration below leaked its graph nodes (and ~10 KB).
"""

from __future__ import annotations

import gc
import os
import weakref

import ferrograd as fg

ITERATIONS = 300


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _nodes_after(step, iterations=ITERATIONS) -> int:
    """Live graph nodes added by `iterations` calls of `step`, after a collection."""
    step()
    gc.collect()
    before = fg._core.live_nodes()
    for _ in range(iterations):
        step()
    gc.collect()
    return fg._core.live_nodes() - before


def test_tensor_hook_closing_over_its_tensor_is_collected():
    seen = []

    def step():
        x = fg.ones(4, requires_grad=True)
        y = x * 2
        y.register_hook(lambda g: seen.append(y.shape) or g)
        y.sum().backward()

    assert _nodes_after(step) == 0
    assert len(seen) == ITERATIONS + 1


def test_leaf_hook_closing_over_its_leaf_is_collected():
    def step():
        x = fg.ones(4, requires_grad=True)
        x.register_hook(lambda g: g * x.detach())
        (x * 3).sum().backward()

    assert _nodes_after(step) == 0


def test_grad_fn_hooks_closing_over_their_tensor_are_collected():
    def step():
        x = fg.ones(4, requires_grad=True)
        y = x * 2
        y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: y.shape and None)
        y.grad_fn.register_prehook(lambda grad_outputs: y.shape and None)
        y.sum().backward()

    assert _nodes_after(step) == 0


def test_hook_cycle_without_backward_is_collected():
    def step():
        x = fg.ones(4, requires_grad=True)
        y = (x * 2).exp()
        y.register_hook(lambda g: y.shape and g)

    assert _nodes_after(step) == 0


def test_collected_tensor_is_really_gone():
    def make():
        x = fg.ones(3, requires_grad=True)
        y = x * 2
        y.register_hook(lambda g: y and g)
        return weakref.ref(y)

    ref = make()
    gc.collect()
    assert ref() is None


def test_memory_stays_flat_with_self_referencing_hooks():
    def step():
        x = fg.ones(256, requires_grad=True)
        y = (x * 2).sin()
        y.register_hook(lambda g: y.shape and g)
        y.sum().backward()

    for _ in range(200):
        step()
    gc.collect()
    before = rss_bytes()
    for _ in range(2000):
        step()
    gc.collect()
    grown = rss_bytes() - before
    # Leaking ~10 KB an iteration would be ~20 MB here.
    assert grown < 4 * 1024 * 1024, f"grew {grown / 1024:.0f} KB over 2000 iterations"


def test_reachable_hooks_survive_collections():
    """A collection must not clear the hooks of a tensor that is still reachable."""
    calls = []
    x = fg.ones(2, requires_grad=True)

    def make():
        y = x * 3
        y.register_hook(lambda g: calls.append(y.shape) or g * 2)
        return [y]  # reachable only through this list (and the cycle)

    holder = make()
    gc.collect()
    gc.collect()
    holder[0].sum().backward()
    assert calls == [(2,)]
    assert x.grad.tolist() == [6.0, 6.0]


def test_hooks_kept_by_a_handle_survive_collections():
    """While a hook's handle is held, the hook stays registered (and runs)."""
    calls = []
    x = fg.ones(2, requires_grad=True)
    y = x * 3
    handle = y.register_hook(lambda g: calls.append(1))
    gc.collect()
    y.sum().backward(retain_graph=True)
    handle.remove()
    y.sum().backward()
    assert calls == [1]


def test_leaf_hooks_survive_collections_of_other_garbage():
    calls = []
    w = fg.ones(2, requires_grad=True)
    w.register_hook(lambda g: calls.append(w.shape))
    for _ in range(3):
        junk = [fg.ones(1) for _ in range(100)]
        junk.append(junk)
        del junk
        gc.collect()
        (w * 2).sum().backward()
    assert len(calls) == 3
    assert w.grad.tolist() == [6.0, 6.0]


def test_removing_a_hook_that_holds_the_last_reference_to_a_graph():
    """Removing the hook drops its callable and, with it, a graph only the callable kept:
    freeing those nodes takes the arena lock, so the hook must be dropped after it."""
    x = fg.ones(2, requires_grad=True)
    y = x * 2
    kept = [(x * 3).exp()]
    handle = y.register_hook(lambda g, kept=kept: g)
    del kept
    nodes = fg._core.live_nodes()
    handle.remove()
    assert fg._core.live_nodes() == nodes - 2
