"""Kernel throughput: matrix product and a large elementwise product (small sizes here;
compare_torch.py runs 1024x1024 and 4,000,000 elements)."""

import numpy as np

import ferrograd as fg


def test_bench_matmul_256(benchmark):
    a = fg.rand(256, 256)
    b = fg.rand(256, 256)
    out = benchmark(lambda: a @ b)
    np.testing.assert_allclose(out.numpy(), a.numpy() @ b.numpy(), rtol=1e-4, atol=1e-3)


def test_bench_elementwise_mul_262144(benchmark):
    # Above the size at which kernels go parallel and release the GIL.
    a = fg.rand(1 << 18)
    b = fg.rand(1 << 18)
    out = benchmark(lambda: a * b)
    np.testing.assert_allclose(out.numpy(), a.numpy() * b.numpy(), rtol=1e-6)
