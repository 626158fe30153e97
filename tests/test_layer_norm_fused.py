"""``F.layer_norm`` as one engine op (``NativeLayerNormBackward0``): values and gradients
against numbers recorded from PyTorch 2.15, float64 gradcheck / gradgradcheck / forward-mode
checks of every weight-and-bias combination, the row kernel against a NumPy float64 reference on
inputs large enough to be split across threads, and the errors PyTorch raises."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
import ferrograd.nn.functional as F
from ferrograd.autograd import gradcheck, gradgradcheck

X = [[0.5, -1.25, 2.0, 3.5], [1.0, 1.0, -4.0, 0.25], [10.0, 10.5, 9.75, 10.25]]
W = [1.5, -0.5, 2.0, 0.75]
B = [0.1, 0.2, -0.3, 0.4]
G = [[1.0, -2.0, 0.5, 0.25], [0.0, 1.0, 3.0, -1.0], [2.0, 2.0, -1.5, 0.5]]

# Recorded from PyTorch 2.15: F.layer_norm(x, (4,), w, b, eps=1e-5).backward(g), float64.
TORCH_Y = [
    [-0.4851937520608377, 0.891592616071899, 0.6221234880958655, 1.384189492102318],
    [1.1369188809015127, -0.14563962696717087, -3.726340649935433, 0.6479588628242747],
    [-0.57077746486585, -0.47077746486585, -2.9831098594634, 0.735388732432925],
]
TORCH_GX = [
    [0.2582572578068739, -0.2031608075283048, 0.1268307491822468, -0.18192719946081592],
    [0.33253741402780607, 0.09209245613760025, 0.07494059908577183, -0.4995704692511784],
    [11.895043113280202, -4.8293659560115145, -8.362590853016869, 1.2969136957481737],
]
TORCH_GW = [-1.284499121195025, 6.140759577685338, -2.896647708281633, 0.22104383522368964]
TORCH_GB = [3.0, 1.0, 2.0, -0.25]
# The same in float32 (PyTorch 2.15), where it differs from float64 in the printed digits.
TORCH_GX_F32_ROW2 = [11.89504623413086, -4.829368591308594, -8.362594604492188, 1.2969131469726562]
# PyTorch 2.15: F.layer_norm(x.reshape(1, 3, 4), (3, 4), eps=1e-3).backward(g), float64.
TORCH_Y2 = [
    [-0.6369768218291783, -0.9936838420535181, -0.3312279473511727, -0.02547907287316713],
    [-0.5350605303365098, -0.5350605303365098, -1.554223445263195, -0.6879349675755125],
    [1.2994327165315236, 1.4013490080241922, 1.2484745707851894, 1.350390862277858],
]
TORCH_GX2 = [
    [0.11560472085247761, -0.49060555446353604, 0.009156309096954099, -0.04633395691223516],
    [-0.08973856888714443, 0.11409401409819261, 0.5368662476117168, -0.291305091741054],
    [0.29073387550639973, 0.28922316875211473, -0.42192481156513745, -0.01577035234874835],
]


@pytest.mark.parametrize("dtype", [fg.float32, fg.float64])
def test_values_and_gradients_match_pytorch(dtype):
    x = fg.tensor(X, dtype=dtype, requires_grad=True)
    w = fg.tensor(W, dtype=dtype, requires_grad=True)
    b = fg.tensor(B, dtype=dtype, requires_grad=True)
    y = F.layer_norm(x, (4,), w, b, eps=1e-5)
    assert y.grad_fn.name() == "NativeLayerNormBackward0"
    y.backward(fg.tensor(G, dtype=dtype))
    tol = {"rtol": 1e-5, "atol": 1e-5} if dtype == fg.float32 else {"rtol": 1e-12, "atol": 1e-12}
    np.testing.assert_allclose(y.detach().numpy(), TORCH_Y, **tol)
    np.testing.assert_allclose(x.grad.numpy(), TORCH_GX, **tol)
    np.testing.assert_allclose(w.grad.numpy(), TORCH_GW, **tol)
    np.testing.assert_allclose(b.grad.numpy(), TORCH_GB, **tol)
    if dtype == fg.float32:
        np.testing.assert_allclose(x.grad.numpy()[2], TORCH_GX_F32_ROW2, rtol=1e-5)


def test_two_normalized_dims_without_affine_match_pytorch():
    x = fg.tensor(X, dtype=fg.float64).reshape(1, 3, 4).requires_grad_(True)
    y = F.layer_norm(x, (3, 4), eps=1e-3)
    assert y.grad_fn.name() == "NativeLayerNormBackward0"
    y.backward(fg.tensor(G, dtype=fg.float64).reshape(1, 3, 4))
    np.testing.assert_allclose(y.detach().numpy()[0], TORCH_Y2, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.grad.numpy()[0], TORCH_GX2, rtol=1e-12, atol=1e-12)


RNG = np.random.default_rng(7)


def rand64(*shape):
    return fg.tensor(RNG.standard_normal(shape), dtype=fg.float64, requires_grad=True)


AFFINE = {
    "weight_and_bias": (True, True),
    "weight": (True, False),
    "bias": (False, True),
    "none": (False, False),
}


def operands(weight: bool, bias: bool, shape=(3, 2, 5), normalized=(5,)):
    x = rand64(*shape)
    w = rand64(*normalized) if weight else None
    b = rand64(*normalized) if bias else None
    inputs = tuple(t for t in (x, w, b) if t is not None)

    def f(*args):
        it = iter(args)
        x = next(it)
        ww = next(it) if weight else None
        bb = next(it) if bias else None
        return F.layer_norm(x, normalized, ww, bb, eps=1e-4)

    return f, inputs


@pytest.mark.parametrize("name", list(AFFINE))
def test_gradcheck_gradgradcheck_and_forward_mode(name):
    f, inputs = operands(*AFFINE[name])
    assert f(*inputs).grad_fn.name() == "NativeLayerNormBackward0"
    assert gradcheck(f, inputs, check_forward_ad=True)
    assert gradgradcheck(f, inputs)


def test_gradchecks_over_two_dims_and_a_transposed_input():
    f, inputs = operands(True, True, shape=(2, 3, 4), normalized=(3, 4))
    assert gradcheck(f, inputs, check_forward_ad=True)
    assert gradgradcheck(f, inputs)
    x = rand64(5, 3)

    def transposed(x, w, b):
        return F.layer_norm(x.t(), (5,), w, b)

    assert gradcheck(transposed, (x, rand64(5), rand64(5)), check_forward_ad=True)


def test_gradients_of_only_the_weight_and_bias():
    x = fg.tensor(X, dtype=fg.float64)
    w = fg.tensor(W, dtype=fg.float64, requires_grad=True)
    b = fg.tensor(B, dtype=fg.float64, requires_grad=True)
    F.layer_norm(x, (4,), w, b).backward(fg.tensor(G, dtype=fg.float64))
    np.testing.assert_allclose(w.grad.numpy(), TORCH_GW, rtol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), TORCH_GB, rtol=1e-12)


def reference(x, w, b, g, eps):
    """Layer norm over the last axis and its gradients, in NumPy float64."""
    mean = x.mean(-1, keepdims=True)
    rstd = 1 / np.sqrt(((x - mean) ** 2).mean(-1, keepdims=True) + eps)
    xhat = (x - mean) * rstd
    gw = g * w
    dx = rstd * (gw - gw.mean(-1, keepdims=True) - xhat * (gw * xhat).mean(-1, keepdims=True))
    return xhat * w + b, dx, (g * xhat).sum(0), g.sum(0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_large_input_split_across_threads_matches_numpy(dtype):
    # 1100 rows of 1024: above the kernels' parallel threshold (2^20 elements).
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1100, 1024)) * 3 + 5
    w, b = rng.standard_normal(1024), rng.standard_normal(1024)
    g = rng.standard_normal((1100, 1024))
    tx, tw, tb = (fg.tensor(a.astype(dtype), requires_grad=True) for a in (x, w, b))
    y = F.layer_norm(tx, (1024,), tw, tb)
    y.backward(fg.tensor(g.astype(dtype)))
    want = reference(*(a.astype(dtype).astype(np.float64) for a in (x, w, b, g)), 1e-5)
    tol = 2e-4 if dtype == "float32" else 1e-10
    for got, expected in zip((y.detach(), tx.grad, tw.grad, tb.grad), want, strict=True):
        scale = np.abs(expected).max()
        np.testing.assert_allclose(got.numpy(), expected, rtol=0, atol=tol * scale)


def test_double_backward_through_the_weight_is_recorded():
    x, w = rand64(4, 6), rand64(6)
    y = F.layer_norm(x, (6,), w)
    (gx,) = fg.autograd.grad((y * y).sum(), x, create_graph=True)
    assert gx.requires_grad
    (gw,) = fg.autograd.grad(gx.pow(2).sum(), w)
    assert gw.shape == (6,) and np.isfinite(gw.numpy()).all()


def test_module_uses_the_fused_op_and_constant_rows_give_zeros():
    layer = nn.LayerNorm(3)
    y = layer(fg.tensor([[5.0, 5.0, 5.0]]))
    assert y.grad_fn.name() == "NativeLayerNormBackward0"
    assert y.tolist() == [[0.0, 0.0, 0.0]]
    assert F.layer_norm(fg.zeros(0, 4), (4,)).shape == (0, 4)


def test_mixed_dtypes_still_normalize():
    # PyTorch raises for mixed float dtypes on the CPU; the composed form here promotes.
    y = F.layer_norm(fg.tensor(X, dtype=fg.float64), (4,), fg.tensor(W), fg.tensor(B))
    np.testing.assert_allclose(y.numpy(), TORCH_Y, rtol=1e-6)


def test_bad_weight_and_bias_shapes_raise_as_pytorch():
    x = fg.tensor(X)
    with pytest.raises(
        RuntimeError,
        match=r"Expected weight to be of same shape as "
        r"normalized_shape, but got weight of shape \[3\] and "
        r"normalized_shape = \[4\]",
    ):
        F.layer_norm(x, (4,), fg.ones(3))
    with pytest.raises(
        RuntimeError,
        match=r"Expected bias to be of same shape as "
        r"normalized_shape, but got bias of shape \[2, 2\]",
    ):
        F.layer_norm(x, (4,), None, fg.ones(2, 2))
