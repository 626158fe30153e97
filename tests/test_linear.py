"""``F.linear`` as one product with the weight read transposed in place and the bias added in the
same pass (``AddmmBackward0``), in both orientations it picks; matmul's gradients, which use the
same transposed products: values against NumPy, gradcheck and gradgradcheck in float64, and
clear errors for operands that do not fit."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn.functional as F
from ferrograd.autograd.gradcheck import gradcheck, gradgradcheck
from helpers import t64, to_np

RNG = np.random.default_rng(7)

# (input shape, weight shape, bias shape or None). Batches below and above the weight's row
# count take the two orientations; (20, 30) x (40, 30) is large enough for the gemm kernel.
SHAPES = [
    ((3, 4), (5, 4), (5,)),
    ((6, 4), (2, 4), (2,)),
    ((3, 4), (5, 4), None),
    ((6, 4), (2, 4), None),
    ((4,), (3, 4), (3,)),
    ((2, 3, 4), (5, 4), (5,)),
    ((2, 2, 3, 4), (5, 4), None),
    ((0, 3, 4), (5, 4), (5,)),
    ((3, 4), (5, 4), ()),
    ((20, 30), (40, 30), (40,)),
    ((50, 30), (20, 30), (20,)),
]
# Biases PyTorch adds with broadcasting (one per row, per column, per position of a sequence).
BROADCAST_BIAS = [
    ((4, 3), (5, 3), (4, 5)),
    ((4, 3), (5, 3), (4, 1)),
    ((6, 3), (2, 3), (1, 2)),
    ((2, 4, 3), (5, 3), (4, 5)),
    ((2, 4, 3), (5, 3), (2, 1, 5)),
    ((3,), (5, 3), (1, 5)),
]
SHAPES += BROADCAST_BIAS
IDS = [f"{x}x{w}+{b}" for x, w, b in SHAPES]


def arrays(x_shape, w_shape, b_shape, dtype=np.float64):
    x = RNG.uniform(-2, 2, x_shape).astype(dtype)
    w = RNG.uniform(-2, 2, w_shape).astype(dtype)
    b = None if b_shape is None else RNG.uniform(-2, 2, b_shape).astype(dtype)
    return x, w, b


def tensors(x, w, b, requires_grad=True):
    return [None if a is None else t64(a, requires_grad=requires_grad) for a in (x, w, b)]


@pytest.mark.parametrize("x_shape, w_shape, b_shape", SHAPES, ids=IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_match_numpy(x_shape, w_shape, b_shape, dtype):
    x, w, b = arrays(x_shape, w_shape, b_shape, dtype)
    fg_dtype = fg.float32 if dtype == np.float32 else fg.float64
    args = [None if a is None else fg.tensor(a, dtype=fg_dtype) for a in (x, w, b)]
    out = F.linear(*args)
    expected = x @ w.T + (0 if b is None else b)
    if x.ndim == 1:
        # PyTorch multiplies a vector as a single row, then drops the row: (out,) for any bias.
        expected = expected.reshape(w.shape[:1])
    assert tuple(out.shape) == expected.shape
    assert out.dtype == fg_dtype
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(to_np(out), expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("x_shape, w_shape, b_shape", SHAPES, ids=IDS)
def test_gradients_match_the_formulas(x_shape, w_shape, b_shape):
    x, w, b = arrays(x_shape, w_shape, b_shape)
    xt, wt, bt = tensors(x, w, b)
    g = RNG.uniform(-1, 1, x_shape[:-1] + w_shape[:1])
    F.linear(xt, wt, bt).backward(t64(g, requires_grad=False))
    g2, x2 = g.reshape(-1, w_shape[0]), x.reshape(-1, x_shape[-1])
    np.testing.assert_allclose(to_np(xt.grad), g @ w, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(to_np(wt.grad), g2.T @ x2, rtol=1e-12, atol=1e-12)
    if b is not None:
        bias_grad = reduce_to(g.reshape((1, *g.shape)) if x.ndim == 1 else g, b.shape)
        np.testing.assert_allclose(to_np(bt.grad), bias_grad, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "x_shape, w_shape, b_shape",
    SHAPES[:7] + BROADCAST_BIAS,
    ids=IDS[:7] + IDS[-len(BROADCAST_BIAS) :],
)
def test_gradcheck_and_gradgradcheck(x_shape, w_shape, b_shape):
    inputs = [a for a in tensors(*arrays(x_shape, w_shape, b_shape)) if a is not None]
    assert gradcheck(F.linear, inputs)
    assert gradgradcheck(F.linear, inputs)


def reduce_to(grad, shape):
    """``grad`` summed over the axes along which ``shape`` was broadcast to it."""
    grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))
    return grad.sum(axis=tuple(i for i, n in enumerate(shape) if n == 1), keepdims=True)


def test_linear_records_one_product_node():
    x, w, b = tensors(*arrays((6, 4), (2, 4), (2,)))
    assert F.linear(x, w, b).grad_fn.name() == "AddmmBackward0"
    assert F.linear(x, w).grad_fn.name() == "MmBackward0"


@pytest.mark.parametrize(
    "a_shape, b_shape",
    [
        ((3, 4), (4, 2)),
        ((20, 30), (30, 40)),
        ((2, 3, 4), (4, 2)),
        ((2, 2, 3, 4), (4, 2)),
        ((0, 3, 4), (4, 2)),
        ((2, 1, 3, 4), (3, 4, 2)),
        ((4,), (4, 3)),
    ],
)
def test_matmul_gradients_through_transposed_products(a_shape, b_shape):
    a, b = RNG.uniform(-2, 2, a_shape), RNG.uniform(-2, 2, b_shape)
    at, bt = t64(a), t64(b)
    out = at @ bt
    g = RNG.uniform(-1, 1, out.shape)
    grads = fg.autograd.grad(out, [at, bt], t64(g, requires_grad=False), create_graph=True)
    a2 = a.reshape((1, *a.shape)) if a.ndim == 1 else a
    g2 = g.reshape((*g.shape[:-1], 1, *g.shape[-1:])) if a.ndim == 1 else g
    ga = g2 @ np.swapaxes(b, -1, -2)
    gb = np.swapaxes(a2, -1, -2) @ g2
    ga, gb = reduce_to(ga, a2.shape).reshape(a.shape), reduce_to(gb, b.shape)
    np.testing.assert_allclose(to_np(grads[0]), ga, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(to_np(grads[1]), gb, rtol=1e-12, atol=1e-12)
    # The gradients were recorded (create_graph): differentiable again.
    assert grads[0].requires_grad and grads[1].requires_grad


def test_mismatched_shapes_raise():
    x, w = fg.randn(3, 4), fg.randn(5, 4)
    with pytest.raises(ValueError, match="does not match weight"):
        F.linear(fg.randn(3, 5), w)
    with pytest.raises(ValueError, match="does not match weight"):
        F.linear(fg.randn(6, 5), w)
    with pytest.raises(ValueError, match="weight must be 2-D"):
        F.linear(x, fg.randn(4))
    with pytest.raises(ValueError, match="weight must be 2-D"):
        F.linear(x, fg.randn(2, 5, 4))
    with pytest.raises(ValueError, match="bias of shape"):
        F.linear(x, w, fg.randn(4))
    with pytest.raises(ValueError, match="bias of shape"):
        F.linear(fg.randn(8, 4), w, fg.randn(5, 1))
    # A bias that would grow the output (PyTorch adds it in place).
    with pytest.raises(RuntimeError, match=r"bias of shape \(1, 3, 5\) does not broadcast"):
        F.linear(x, w, fg.randn(1, 3, 5))
    with pytest.raises(ValueError, match="does not match weight"):
        F.linear(fg.tensor(1.0), w)


def test_non_tensor_arguments_raise():
    x, w = fg.randn(3, 4), fg.randn(5, 4)
    with pytest.raises(TypeError, match="argument 'weight' must be Tensor"):
        F.linear(x, np.zeros((5, 4)))
    with pytest.raises(TypeError, match="argument 'bias' must be Tensor"):
        F.linear(x, w, [0.0] * 5)


def test_mixed_dtypes_raise_like_matmul():
    # PyTorch refuses a product of two dtypes ("expected m1 and m2 to have the same dtype, but
    # got: float != double"; RuntimeError) instead of promoting: so do F.linear and `@`.
    x = fg.tensor(RNG.uniform(-1, 1, (3, 4)), dtype=fg.float32)
    w = fg.tensor(RNG.uniform(-1, 1, (5, 4)), dtype=fg.float64)
    b = fg.tensor(RNG.uniform(-1, 1, (5,)), dtype=fg.float32)
    for call in (lambda: F.linear(x, w, b), lambda: F.linear(x, w), lambda: x @ w.t()):
        with pytest.raises(RuntimeError, match="same dtype"):
            call()
    with pytest.raises(RuntimeError, match="same dtype"):
        F.linear(x, w.float(), b.double())
    out = F.linear(x, w.float(), b)
    assert out.dtype == fg.float32
    np.testing.assert_allclose(to_np(out), to_np(x) @ to_np(w.float()).T + to_np(b), rtol=1e-5)
