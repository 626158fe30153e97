"""Per-op and per-node overhead: the small op, the 100-op chain, the 0-d case and a deep chain."""

import ferrograd as fg


def test_bench_small_op(benchmark):
    a = fg.rand(16).requires_grad_()
    b = fg.rand(16).requires_grad_()
    out = benchmark(lambda: a + b)
    assert out.requires_grad and out.shape == (16,)


def test_bench_chain_100_ops_backward(benchmark):
    a = fg.rand(16).requires_grad_()
    b = fg.rand(16).requires_grad_()
    x = fg.rand(16).requires_grad_()

    def chain():
        y = x
        for _ in range(50):
            y = y * b + a
        y.sum().backward()
        return y

    y = benchmark(chain)
    assert y.shape == (16,) and x.grad is not None


def test_bench_scalar_mul_backward(benchmark):
    x = fg.tensor(1.5, requires_grad=True)
    y = fg.tensor(2.5, requires_grad=True)

    def step():
        x.grad = y.grad = None  # timed, the step runs many times: each starts from no gradient
        z = x * y
        z.backward()

    benchmark(step)
    assert x.grad.item() == 2.5 and y.grad.item() == 1.5


def test_bench_deep_chain_10000(benchmark):
    x = fg.tensor(1.0, requires_grad=True)
    b = fg.tensor(0.5)

    def deep():
        x.grad = None
        y = x
        for _ in range(10_000):
            y = y * b
        y.backward()
        del y

    benchmark(deep)
    assert x.grad.item() == 0.0  # 0.5 ** 10000 underflows float32


def test_bench_no_grad_small_op(benchmark):
    a = fg.rand(16)
    b = fg.rand(16)
    out = benchmark(lambda: a * b)
    assert not out.requires_grad


def test_bench_cat_backward_131072(benchmark):
    # cat's backward splits the gradient in one pass: linear in the number of inputs (it was
    # quadratic; tests/test_cat_scaling.py checks the values).
    xs = [fg.ones(1, requires_grad=True) for _ in range(131_072)]

    def step():
        fg.cat(xs).sum().backward()

    benchmark(step)
    assert xs[-1].grad.item() >= 1.0
