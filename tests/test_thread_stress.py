"""Backward passes from several threads into shared leaves: no contribution may be lost.

Each thread runs its own graph (the binding releases the GIL for the whole backward), and all
graphs end in the same leaves, so their gradients race into the same `.grad` slots. Values are
small integers in float64, so every sum is exact and the expected `.grad` is known exactly.
Before the per-leaf accumulation lock, the first accumulation into a fresh leaf lost a
contribution in about 1 of 500 repetitions, and `create_graph=True` into a leaf that already
had `.grad` in about 5 % of them.
"""

from __future__ import annotations

import threading

import pytest

import ferrograd as fg

THREADS = 8
LEAVES = 32


def _leaves():
    return [fg.tensor([1.0, 2.0, 3.0], dtype=fg.float64, requires_grad=True) for _ in range(LEAVES)]


def _race(prepare, repetitions: int, between=None):
    """On `THREADS` threads at once, `repetitions` times: `prepare(k)` builds thread k's graph
    and returns its backward call; all threads start their backward together, and `between()`
    runs alone after every round (all threads wait for it). Returns the errors raised."""
    errors = []
    start = threading.Barrier(THREADS)
    barrier = threading.Barrier(THREADS, action=between)

    def worker(k):
        try:
            for _ in range(repetitions):
                run = prepare(k)
                start.wait()
                run()
                barrier.wait()
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)
            start.abort()
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _backward(k, leaves, create_graph=False):
    """Thread k's graph: it sends (k + 1) * (i + 1) to every element of leaf i."""
    loss = sum(((k + 1) * (i + 1) * leaf).sum() for i, leaf in enumerate(leaves))
    return lambda: loss.backward(create_graph=create_graph)


def _expected(i, rounds):
    # sum over k of (k + 1) * (i + 1), per round.
    return float(rounds * (i + 1) * THREADS * (THREADS + 1) // 2)


@pytest.mark.parametrize("create_graph", [False, True], ids=["plain", "create_graph"])
def test_first_accumulation_into_fresh_leaves_loses_nothing(create_graph):
    rounds = 800
    state = {"leaves": _leaves(), "wrong": []}

    def check_and_renew():
        for i, leaf in enumerate(state["leaves"]):
            grad = leaf.grad.tolist() if leaf.grad is not None else None
            if grad != [_expected(i, 1)] * 3:
                state["wrong"].append((i, grad))
        state["leaves"] = _leaves()

    errors = _race(
        lambda k: _backward(k, state["leaves"], create_graph), rounds, between=check_and_renew
    )
    assert not errors, errors
    assert not state["wrong"], (
        f"{len(state['wrong'])} of {rounds * LEAVES} leaves lost contributions: "
        f"{state['wrong'][:5]}"
    )


@pytest.mark.parametrize("create_graph", [False, True], ids=["plain", "create_graph"])
def test_accumulation_into_existing_grad_loses_nothing(create_graph):
    leaves = _leaves()
    for leaf in leaves:
        leaf.grad = fg.tensor([5.0, 5.0, 5.0], dtype=fg.float64)
    rounds = 300
    errors = _race(lambda k: _backward(k, leaves, create_graph), rounds)
    assert not errors, errors
    for i, leaf in enumerate(leaves):
        assert leaf.grad.tolist() == [5.0 + _expected(i, rounds)] * 3


def test_create_graph_gradients_stay_differentiable_under_threads():
    """`.grad` built out of place by several threads is one differentiable sum of all their
    contributions: its own gradient counts every thread."""
    rounds = 400
    state = {"x": None, "wrong": []}
    total = sum(k + 1 for k in range(THREADS))

    def check_and_renew():
        x = state["x"]
        if x is not None:
            (g,) = fg.autograd.grad(x.grad.sum(), [x])
            if x.grad.tolist() != [2.0 * 2.0 * total] or g.tolist() != [2.0 * total]:
                state["wrong"].append((x.grad.tolist(), g.tolist()))
        state["x"] = fg.tensor([2.0], dtype=fg.float64, requires_grad=True)

    check_and_renew()

    def body(k):
        loss = (state["x"] ** 2 * (k + 1)).sum()
        return lambda: loss.backward(create_graph=True)

    errors = _race(body, rounds, between=check_and_renew)
    assert not errors, errors
    assert not state["wrong"], state["wrong"][:5]


def test_first_gradient_does_not_alias_the_incoming_one():
    """The first gradient stored in an empty slot owns its elements: a later in-place
    accumulation must not write through into a tensor the graph handed over."""
    x = fg.ones(3, dtype=fg.float64, requires_grad=True)
    g = fg.tensor([1.0, 2.0, 3.0], dtype=fg.float64)
    x.backward(g)
    x.backward(g)
    assert x.grad.tolist() == [2.0, 4.0, 6.0]
    assert g.tolist() == [1.0, 2.0, 3.0]
