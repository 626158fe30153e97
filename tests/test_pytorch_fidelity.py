"""Details where ferrograd differed from PyTorch, one group each: PyTorch 2.15's answers are
written here as literals (values, signs of zero, node names, messages)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn.functional as F


def signed(values) -> list[tuple[float, bool]]:
    """Each value with its sign bit, so that -0.0 and 0.0 differ."""
    return [(float(v), math.copysign(1.0, v) < 0) for v in values]


# ----------------------------------------------------------------------------- round(decimals=)

ROUND_INPUT = [1.2345, -2.5678, 0.125, 1.5, 2.5, -0.5, 123.456, -0.001]
# torch.round(torch.tensor(ROUND_INPUT).to(dtype), decimals=d).tolist() under PyTorch 2.15.
ROUNDED = {
    ("float32", 2): [1.2300000190734863, -2.569999933242798, 0.11999999731779099, 1.5, 2.5,
                     -0.5, 123.45999908447266, -0.0],
    ("float16", 2): [1.23046875, -2.5703125, 0.1199951171875, 1.5, 2.5, -0.5, 123.4375, -0.0],
    ("bfloat16", 2): [1.2265625, -2.5625, 0.1201171875, 1.5, 2.5, -0.5, 123.5, -0.0],
    ("float64", 2): [1.23, -2.57, 0.12, 1.5, 2.5, -0.5, 123.46, -0.0],
    ("float32", -1): [0.0, -0.0, 0.0, 0.0, 0.0, -0.0, 120.0, -0.0],
    ("float16", -1): [0.0, -0.0, 0.0, 0.0, 0.0, -0.0, 120.0, -0.0],
}  # fmt: skip


@pytest.mark.parametrize(("dtype", "decimals"), sorted(ROUNDED))
def test_round_to_decimals_gives_pytorchs_floats(dtype, decimals):
    x = fg.tensor(ROUND_INPUT).to(getattr(fg, dtype))
    expected = signed(ROUNDED[dtype, decimals])
    assert signed(fg.round(x, decimals=decimals).tolist()) == expected
    assert signed(x.round(decimals=decimals).tolist()) == expected
    y = x.clone()
    assert y.round_(decimals=decimals) is y and signed(y.tolist()) == expected
    out = fg.empty(len(ROUND_INPUT), dtype=x.dtype)
    fg.round(x, decimals=decimals, out=out)
    assert signed(out.tolist()) == expected


def test_round_to_decimals_has_a_zero_gradient_through_its_own_node():
    x = fg.tensor(ROUND_INPUT, requires_grad=True)
    y = x.round(decimals=2)
    assert type(y.grad_fn).__name__ == "RoundBackward1"
    # decimals given, even 0, is PyTorch's other overload (its node is RoundBackward1 too).
    assert type(x.round(decimals=0).grad_fn).__name__ == "RoundBackward1"
    assert type(x.round().grad_fn).__name__ == "RoundBackward0"
    (y * fg.arange(8.0)).sum().backward()
    assert x.grad.tolist() == [0.0] * 8


def test_round_to_decimals_refuses_integers_as_pytorch():
    ints = fg.tensor([15, 25])
    assert fg.round(ints).tolist() == [15, 25]  # plain round keeps integers
    with pytest.raises(NotImplementedError, match="\"round_cpu\" not implemented for 'Long'"):
        fg.round(ints, decimals=1)
    with pytest.raises(NotImplementedError, match="\"round_vml_cpu\" not implemented for 'Bool'"):
        fg.round(fg.tensor([True]), decimals=0)


def test_round_to_decimals_under_vmap():
    rows = fg.tensor([[1.25, 2.35], [0.05, -0.15]])
    assert fg.func.vmap(lambda r: r.round(decimals=1))(rows).tolist() == [
        pytest.approx([1.2, 2.4]),
        pytest.approx([0.0, -0.2]),
    ]


# ----------------------------------------------------------------------------- matmul batches

# (shapes, PyTorch 2.15's message) for batch dimensions that do not broadcast.
MATMUL_BATCH_MISMATCHES = [
    ((2, 3, 4), (5, 4, 6), "The size of tensor a (2) must match the size of tensor b (5) at "
     "non-singleton dimension 0"),
    ((2, 1, 3, 4), (5, 3, 4, 6), "The size of tensor a (2) must match the size of tensor b (5) "
     "at non-singleton dimension 0"),
    ((3, 2, 3, 4), (5, 4, 6), "The size of tensor a (2) must match the size of tensor b (5) at "
     "non-singleton dimension 1"),
    ((4, 3, 4), (2, 3, 4, 6), "The size of tensor a (4) must match the size of tensor b (3) at "
     "non-singleton dimension 1"),
    ((7, 2, 3), (4, 3, 5), "The size of tensor a (7) must match the size of tensor b (4) at "
     "non-singleton dimension 0"),
    ((6, 2, 3, 4), (5, 1, 4, 6), "The size of tensor a (6) must match the size of tensor b (5) "
     "at non-singleton dimension 0"),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b", "message"), MATMUL_BATCH_MISMATCHES)
def test_matmul_batch_mismatch_names_the_batch_dimension(a, b, message):
    with pytest.raises(RuntimeError) as caught:
        fg.matmul(fg.ones(a), fg.ones(b))
    assert str(caught.value) == message
    with pytest.raises(RuntimeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        fg.ones(a) @ fg.ones(b)


# ----------------------------------------------------------------------------- anomaly mode


def _nan_backward():
    x = fg.tensor([0.0], requires_grad=True)
    (x / x).sum().backward()


def test_set_detect_anomaly_works_as_a_call_and_as_a_context_manager():
    assert not fg.is_anomaly_enabled() and fg.is_anomaly_check_nan_enabled()
    try:
        fg.autograd.set_detect_anomaly(True)
        assert fg.is_anomaly_enabled() and fg.is_anomaly_check_nan_enabled()
        with pytest.raises(RuntimeError, match="returned nan values"):
            _nan_backward()
    finally:
        fg.autograd.set_detect_anomaly(False)
    assert not fg.is_anomaly_enabled() and fg.is_anomaly_check_nan_enabled()
    with fg.autograd.set_detect_anomaly(True, check_nan=False):
        assert fg.is_anomaly_enabled() and not fg.is_anomaly_check_nan_enabled()
        _nan_backward()  # no NaN check
    assert not fg.is_anomaly_enabled() and fg.is_anomaly_check_nan_enabled()


def test_detect_anomaly_warns_and_restores_both_settings():
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        mode = fg.autograd.detect_anomaly(check_nan=False)
    with mode:
        assert fg.is_anomaly_enabled() and not fg.is_anomaly_check_nan_enabled()
        _nan_backward()
    assert not fg.is_anomaly_enabled() and fg.is_anomaly_check_nan_enabled()
    fg.set_anomaly_enabled(True, check_nan=False)
    try:
        assert not fg.is_anomaly_check_nan_enabled()
    finally:
        fg.set_anomaly_enabled(False)


# ----------------------------------------------------------------------------- torch.func.hessian


def test_hessian_of_a_plain_input_is_not_part_of_a_graph():
    def f(t):
        return (t**3).sum()

    x = fg.tensor([1.0, 2.0])
    h = fg.func.hessian(f)(x)
    assert h.tolist() == [[6.0, 0.0], [0.0, 12.0]]
    assert h.grad_fn is None and not h.requires_grad
    # Something outside may differentiate it: a closed-over parameter, or the input itself.
    w = fg.tensor([1.0, 2.0], requires_grad=True)
    assert fg.func.hessian(lambda t: (t**3 * w).sum())(x).requires_grad
    assert fg.func.hessian(f)(x.clone().requires_grad_()).requires_grad
    # Nested inside another transform the graph is kept, so the third derivative exists.
    third = fg.func.jacrev(fg.func.hessian(f))(x)
    assert third[1, 1, 1].item() == 6.0


# ----------------------------------------------------------------------------- signs of zero


def test_softshrink_keeps_the_sign_of_zero_as_pytorch():
    x = fg.tensor([-1.0, -0.5, -0.0, 0.0, 0.3, 0.5, 1.0])
    # F.softshrink(x, 0.5) under PyTorch 2.15: x * 0 between the thresholds.
    assert signed(F.softshrink(x, 0.5).tolist()) == signed([-0.5, -0.0, -0.0, 0.0, 0.0, 0.0, 0.5])
    assert math.isnan(F.softshrink(fg.tensor([float("nan")])).item())


def test_nll_loss_gives_ignored_samples_a_positive_zero():
    logp = fg.tensor([[[[0.0, -1.0], [0.0, 2.0]], [[-0.0, 0.0], [1.0, 0.0]]]], requires_grad=True)
    target = fg.tensor([[[0, 1], [1, 0]]])
    losses = F.nll_loss(logp, target, reduction="none", ignore_index=1)
    # PyTorch 2.15: [[[-0.0, 0.0], [0.0, -2.0]]]
    assert signed(losses.flatten().tolist()) == signed([-0.0, 0.0, 0.0, -2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        loss2d = fg.nn.NLLLoss2d(reduction="none", ignore_index=1)(logp, target)
    assert signed(loss2d.flatten().tolist()) == signed([-0.0, 0.0, 0.0, -2.0])
    nan_input = fg.tensor([[float("nan"), 0.0], [-1.0, -2.0]])
    assert F.nll_loss(nan_input, fg.tensor([0, 1]), reduction="none", ignore_index=0).tolist() == [
        0.0,
        2.0,
    ]
    losses.sum().backward()
    assert np.array_equal(
        logp.grad.numpy(), np.array([[[[-1.0, 0.0], [0.0, -1.0]], [[0.0, 0.0], [0.0, 0.0]]]])
    )


# (A, tau, PyTorch 2.15's householder_product(A, tau) flattened): LAPACK's orgqr leaves -0 where
# it scales a zero by -tau, and +0 where it writes a zero.
HOUSEHOLDER_CASES = [
    ([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]], [0.0, 0.0], [1.0, 0.0, -0.0, 1.0, -0.0, -0.0]),
    ([[1.0, 2.0], [3.0, 4.0]], [1.0, 0.0], [0.0, -3.0, -3.0, -8.0]),
    ([[1.0, 0.0], [0.0, 1.0]], [2.0, 0.0], [-1.0, 0.0, -0.0, 1.0]),
    (np.eye(4, 3).tolist(), [1.5, 0.0, 2.0],
     [-0.5, 0.0, 0.0, -0.0, 1.0, 0.0, -0.0, -0.0, -1.0, -0.0, -0.0, -0.0]),
    ([[1.0, 0, 0], [0.5, 1, 0], [0, 0, 1], [0, -0.0, 0.0]], [1.2, 0.7, 0.0],
     [-0.2, -0.18, 0.0, -0.6, 0.21, 0.0, -0.0, -0.0, 1.0, -0.0, 0.0, -0.0]),
    ([[1.0, 0, 0], [0.0, 1, 0], [0, 0.3, 1], [0, 0.0, -0.0]], [1.0, 2.0, 1.0],
     [0.0, 0.0, 0.0, -0.0, -1.0, 0.0, -0.0, -0.6, 0.0, -0.0, -0.0, 0.0]),
]  # fmt: skip


@pytest.mark.parametrize(("A", "tau", "expected"), HOUSEHOLDER_CASES)
def test_householder_product_gives_lapacks_signs_of_zero(A, tau, expected):
    Q = fg.linalg.householder_product(fg.tensor(A), fg.tensor(tau))
    got = signed(Q.flatten().tolist())
    assert [s for _, s in got] == [s for _, s in signed(expected)]
    assert np.allclose([v for v, _ in got], expected, atol=1e-6)


def test_householder_product_gradient_where_lapack_skips_a_reflector():
    # A zero tau skips its reflector's update; the gradient is still that of the formula.
    rng = np.random.default_rng(0)
    A = fg.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    tau = fg.tensor([0.7, 0.0, 1.3], dtype=fg.float64, requires_grad=True)
    assert fg.autograd.gradcheck(fg.linalg.householder_product, (A, tau))
