"""`cat`/`stack` backward splits the gradient in one pass (it used to sum the sizes of all
earlier inputs for each one, quadratic: 256k inputs took 6 s, 1M over 180 s). The time is
measured in the benchmarks; these tests check the values."""

from __future__ import annotations

import ferrograd as fg


def test_cat_backward_of_many_inputs_gives_each_its_slice():
    # 131,072 one-element inputs: every input gets exactly its own element of the gradient.
    # (How the time grows with the number of inputs is measured in
    # benches/python/test_bench_ops.py::test_bench_cat_backward_131072, not asserted here.)
    n = 131_072
    xs = [fg.ones(1, requires_grad=True) for _ in range(n)]
    weights = fg.arange(n, dtype=fg.float32)
    (fg.cat(xs) * weights).sum().backward()
    assert [xs[i].grad.item() for i in (0, 1, n // 2, n - 1)] == [0.0, 1.0, n // 2, n - 1]


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
