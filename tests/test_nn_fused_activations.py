"""The activations PyTorch records as one node (GELU exact and tanh, SiLU, softplus, the ELU
family, leaky ReLU, hardtanh, hardswish, hardsigmoid, mish, logsigmoid, the shrinks, threshold)
as fused engine nodes (one kernel forward, one backward) with PyTorch's node names: values and
first derivatives against the formulas in NumPy, gradcheck and gradgradcheck in float64 (double
backward runs the derivative as recorded operations), tangents (forward mode), float32 against
float64, strided inputs and broadcast gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.autograd.forward_ad as fwAD
import ferrograd.nn.functional as F
from ferrograd.autograd import gradcheck, gradgradcheck

SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
ERF = np.vectorize(math.erf)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def gelu_ref(x):
    return 0.5 * x * (1.0 + ERF(x / math.sqrt(2.0))), 0.5 * (
        1.0 + ERF(x / math.sqrt(2.0))
    ) + x * np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def gelu_tanh_ref(x):
    t = np.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x**3))
    slope = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
    return 0.5 * x * (1.0 + t), slope


def silu_ref(x):
    s = sigmoid(x)
    return x * s, s * (1 + x * (1 - s))


def softplus_ref(beta, threshold):
    def ref(x):
        z = beta * x
        soft = z <= threshold
        value = np.where(soft, np.log1p(np.exp(np.where(soft, z, 0.0))) / beta, x)
        return value, np.where(soft, sigmoid(z), 1.0)

    return ref


def elu_ref(alpha, scale=1.0, input_scale=1.0):
    def ref(x):
        below = np.minimum(x, 0.0) * input_scale
        value = scale * np.where(x > 0, x, alpha * np.expm1(below))
        return value, scale * np.where(x <= 0, alpha * input_scale * np.exp(below), 1.0)

    return ref


def leaky_relu_ref(x):
    return np.where(x > 0, x, 0.2 * x), np.where(x > 0, 1.0, 0.2)


def hardtanh_ref(low, high):
    def ref(x):
        return np.clip(x, low, high), np.where((x <= low) | (x >= high), 0.0, 1.0)

    return ref


def hardswish_ref(x):
    slope = np.where(x <= -3, 0.0, np.where(x < 3, x / 3 + 0.5, 1.0))
    return x * np.clip(x + 3, 0, 6) / 6, slope


def hardsigmoid_ref(x):
    return np.clip(x + 3, 0, 6) / 6, np.where((x > -3) & (x < 3), 1 / 6, 0.0)


def mish_ref(x):
    t = np.tanh(np.log1p(np.exp(x)))
    return x * t, t + x * sigmoid(x) * (1 - t * t)


def logsigmoid_ref(x):
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x))), sigmoid(-x)


def shrink_ref(lambd, soft):
    def ref(x):
        band = np.abs(x) <= lambd
        value = np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0.0))
        return (value if soft else np.where(band, 0.0, x)), np.where(band, 0.0, 1.0)

    return ref


def threshold_ref(x):
    return np.where(x <= 0.3, -2.0, x), np.where(x <= 0.3, 0.0, 1.0)


SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

CASES = {
    "elu": (lambda x: F.elu(x, 0.7), elu_ref(0.7), "EluBackward0"),
    "selu": (F.selu, elu_ref(SELU_ALPHA, SELU_SCALE), "EluBackward0"),
    "celu": (lambda x: F.celu(x, 0.5), elu_ref(0.5, 1.0, 2.0), "CeluBackward0"),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), leaky_relu_ref, "LeakyReluBackward0"),
    "hardtanh": (lambda x: F.hardtanh(x, -1.0, 0.5), hardtanh_ref(-1.0, 0.5), "HardtanhBackward0"),
    "relu6": (F.relu6, hardtanh_ref(0.0, 6.0), "HardtanhBackward0"),
    "hardswish": (F.hardswish, hardswish_ref, "HardswishBackward0"),
    "hardsigmoid": (F.hardsigmoid, hardsigmoid_ref, "HardsigmoidBackward0"),
    "mish": (F.mish, mish_ref, "MishBackward0"),
    "logsigmoid": (F.logsigmoid, logsigmoid_ref, "LogSigmoidBackward0"),
    "softshrink": (F.softshrink, shrink_ref(0.5, True), "SoftshrinkBackward0"),
    "hardshrink": (F.hardshrink, shrink_ref(0.5, False), "HardshrinkBackward0"),
    "threshold": (lambda x: F.threshold(x, 0.3, -2.0), threshold_ref, "ThresholdBackward0"),
    "gelu": (lambda x: F.gelu(x), gelu_ref, "GeluBackward0"),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), gelu_tanh_ref, "GeluBackward0"),
    "silu": (F.silu, silu_ref, "SiluBackward0"),
    "softplus": (F.softplus, softplus_ref(1.0, 20.0), "SoftplusBackward0"),
    "softplus_beta": (
        lambda x: F.softplus(x, beta=2.0, threshold=3.0),
        softplus_ref(2.0, 3.0),
        "SoftplusBackward0",
    ),
}

# Around zero, in the tails, on both sides of softplus's thresholds (3/2 and 20) and on the
# other activations' breakpoints (-3, -1, -0.5, 0, 0.3, 0.5, 3, 6), where the gradient is the
# side PyTorch's kernel takes.
POINTS = np.array(
    [
        -30.0,
        -8.0,
        -3.0,
        -1.2,
        -1.0,
        -0.5,
        -0.4,
        0.0,
        0.3,
        0.5,
        1.0,
        1.4,
        1.6,
        2.5,
        3.0,
        6.0,
        7.0,
        19.0,
        21.0,
    ]
)


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_against_the_formulas(name):
    f, ref, node = CASES[name]
    x = fg.tensor(POINTS, requires_grad=True, dtype=fg.float64)
    y = f(x)
    assert type(y.grad_fn).__name__ == node
    value, slope = ref(POINTS)
    np.testing.assert_allclose(y.detach().numpy(), value, rtol=1e-13, atol=1e-13)
    g = np.linspace(-1.0, 2.0, POINTS.size)
    (grad,) = fg.autograd.grad(y, x, fg.tensor(g))
    np.testing.assert_allclose(grad.numpy(), g * slope, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck_and_gradgradcheck(name):
    f = CASES[name][0]
    x = fg.tensor(
        np.random.default_rng(3).uniform(-3, 3, size=(3, 4)), dtype=fg.float64, requires_grad=True
    )
    assert gradcheck(f, (x,))
    assert gradgradcheck(f, (x,))


@pytest.mark.parametrize("name", sorted(CASES))
def test_forward_mode_tangent_is_the_derivative_times_the_tangent(name):
    f, ref, _ = CASES[name]
    x = np.random.default_rng(4).uniform(-3, 3, size=5)
    t = np.random.default_rng(5).normal(size=5)
    with fwAD.dual_level():
        out = f(fwAD.make_dual(fg.tensor(x), fg.tensor(t)))
        tangent = fwAD.unpack_dual(out).tangent.numpy()
    np.testing.assert_allclose(tangent, t * ref(x)[1], rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("name", sorted(CASES))
def test_float32_agrees_with_float64(name):
    f = CASES[name][0]
    x64 = fg.tensor(POINTS, dtype=fg.float64, requires_grad=True)
    x32 = fg.tensor(POINTS, dtype=fg.float32, requires_grad=True)
    y64, y32 = f(x64), f(x32)
    assert y32.dtype is fg.float32
    np.testing.assert_allclose(y32.detach().numpy(), y64.detach().numpy(), rtol=2e-6, atol=1e-7)
    y64.sum().backward()
    y32.sum().backward()
    np.testing.assert_allclose(x32.grad.numpy(), x64.grad.numpy(), rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(CASES))
def test_strided_input_and_broadcast_gradient(name):
    f, ref, _ = CASES[name]
    base = np.random.default_rng(6).uniform(-3, 3, size=(4, 3))
    x = fg.tensor(base, requires_grad=True)
    y = f(x.t())  # a transposed (non-contiguous) input
    np.testing.assert_allclose(y.detach().numpy(), ref(base.T)[0], rtol=1e-13, atol=1e-13)
    y.sum().backward()  # the gradient reaching the node is an expanded scalar
    np.testing.assert_allclose(x.grad.numpy(), ref(base)[1], rtol=1e-13, atol=1e-13)


def test_large_tensor_runs_in_parallel_chunks_with_the_same_values():
    x = fg.tensor(np.linspace(-6, 6, 1 << 21), dtype=fg.float32)
    y = F.gelu(x)
    pieces = [F.gelu(x[i : i + 4096]) for i in (0, 1 << 20, (1 << 21) - 4096)]
    for start, piece in zip((0, 1 << 20, (1 << 21) - 4096), pieces, strict=True):
        np.testing.assert_array_equal(y[start : start + 4096].numpy(), piece.numpy())


def test_invalid_approximate_is_a_value_error():
    with pytest.raises(ValueError, match="approximate argument must be either none or tanh"):
        F.gelu(fg.zeros(2), approximate="fast")
