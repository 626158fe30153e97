"""`cat`/`stack` backward splits the gradient in one pass: its time grows linearly with the
number of inputs. It used to sum the sizes of all earlier inputs for each one (quadratic:
256k inputs took 6 s, 1M over 180 s)."""

from __future__ import annotations

import time

import ferrograd as fg


def _cat_backward_seconds(n: int) -> float:
    xs = [fg.ones(1, requires_grad=True) for _ in range(n)]
    y = fg.cat(xs).sum()
    start = time.perf_counter()
    y.backward()
    elapsed = time.perf_counter() - start
    assert xs[0].grad.item() == 1.0 and xs[-1].grad.item() == 1.0
    return elapsed


def test_cat_backward_is_linear_in_the_number_of_inputs():
    _cat_backward_seconds(1000)
    small = min(_cat_backward_seconds(16_384) for _ in range(3))
    large = _cat_backward_seconds(131_072)
    # 8x the inputs: ~8x the time when linear, up to 64x when quadratic (it was ~40x).
    assert large < 24 * small, f"16k inputs: {small:.3f} s, 128k inputs: {large:.3f} s"


def test_cat_backward_pieces_of_different_sizes_and_needs():
    a = fg.tensor([[1.0, 2.0]], dtype=fg.float64, requires_grad=True)
    b = fg.tensor([[3.0, 4.0], [5.0, 6.0]], dtype=fg.float64)  # needs no gradient
    c = fg.tensor([[7.0, 8.0], [9.0, 10.0], [11.0, 12.0]], dtype=fg.float64, requires_grad=True)
    weights = fg.arange(12, dtype=fg.float64).reshape(6, 2)
    (fg.cat([a, b, c]) * weights).sum().backward(create_graph=True)
    assert a.grad.tolist() == [[0.0, 1.0]]
    assert b.grad is None
    assert c.grad.tolist() == [[6.0, 7.0], [8.0, 9.0], [10.0, 11.0]]
    s = fg.stack([a[0], c[1]], dim=1)
    (g,) = fg.autograd.grad((s * fg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=fg.float64)).sum(), [c])
    assert g.tolist() == [[0.0, 0.0], [2.0, 4.0], [0.0, 0.0]]
