"""Broadcasting, forward (vs NumPy) and backward (gradients summed back to each input's shape)."""

from __future__ import annotations

import operator

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import ferrograd as fg
from helpers import T, assert_close, assert_names_shape, reduce_to_shape, t64, to_np

PAIRS = [
    ((3, 1), (1, 4)),
    ((2, 3), (3,)),
    ((3,), (2, 3)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((5, 1, 4), (3, 1)),
    ((1,), (3, 2)),
    ((2, 1, 3), (2, 4, 1)),
    ((4, 1, 1, 2), (3, 1)),
    ((1, 1), (1,)),
    ((0, 3), (3,)),
    ((0, 3), (1, 1)),
]

OPS = {
    "add": (operator.add, np.add),
    "sub": (operator.sub, np.subtract),
    "mul": (operator.mul, np.multiply),
    "div": (operator.truediv, np.true_divide),
    "pow": (operator.pow, np.power),
    "eq": (operator.eq, np.equal),
    "lt": (operator.lt, np.less),
}


def _operands(rng, sa, sb):
    a = rng.uniform(0.5, 2.0, sa)
    b = rng.uniform(0.5, 2.0, sb)
    return a, b


@pytest.mark.parametrize("sa, sb", PAIRS, ids=[f"{a}+{b}" for a, b in PAIRS])
@pytest.mark.parametrize("op", list(OPS))
def test_forward(op, sa, sb, rng):
    f, npf = OPS[op]
    a, b = _operands(rng, sa, sb)
    r = f(t64(a, False), t64(b, False))
    expected = npf(a, b)
    assert r.shape == expected.shape
    assert_close(r, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("sa, sb", PAIRS, ids=[f"{a}+{b}" for a, b in PAIRS])
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow"])
def test_backward_reduces_to_input_shape(op, sa, sb, rng):
    f, _ = OPS[op]
    a, b = _operands(rng, sa, sb)
    x, y = t64(a), t64(b)
    out = f(x, y)
    up = rng.standard_normal(out.shape)
    out.backward(t64(up, False))
    assert x.grad.shape == sa
    assert y.grad.shape == sb
    A, B = np.broadcast_arrays(a, b)
    if op == "add":
        ga, gb = up, up
    elif op == "sub":
        ga, gb = up, -up
    elif op == "mul":
        ga, gb = up * B, up * A
    elif op == "div":
        ga, gb = up / B, -up * A / B**2
    else:
        ga, gb = up * B * A ** (B - 1), up * A**B * np.log(A)
    assert_close(x.grad, reduce_to_shape(ga, sa), rtol=1e-10, atol=1e-10)
    assert_close(y.grad, reduce_to_shape(gb, sb), rtol=1e-10, atol=1e-10)


def test_broadcast_same_tensor_both_sides():
    x = t64([[1.0], [2.0]])
    y = x * x.T  # (2,1) * (1,2)
    y.sum().backward()
    # d/dx_i sum_jk x_j x_k = 2 * sum(x)
    assert_close(x.grad, [[6.0], [6.0]])


def test_scalar_tensor_grad_is_0d():
    x = t64(2.0)
    w = t64(np.ones((3, 4)))
    (x * w).sum().backward()
    assert x.grad.shape == ()
    assert x.grad.item() == 12.0


# ----------------------------------------------------------------------------- hypothesis


@st.composite
def broadcastable_pair(draw):
    shapes, _ = draw(
        hnp.mutually_broadcastable_shapes(
            num_shapes=2, min_dims=0, max_dims=4, min_side=1, max_side=4
        )
    )
    elems = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=32)
    a = draw(hnp.arrays(np.float32, shapes[0], elements=elems))
    b = draw(hnp.arrays(np.float32, shapes[1], elements=elems))
    return a, b


@given(broadcastable_pair(), st.sampled_from(["add", "sub", "mul", "eq", "lt"]))
def test_hypothesis_forward_matches_numpy(pair, op):
    a, b = pair
    f, npf = OPS[op]
    r = f(T(a), T(b))
    expected = npf(a, b)
    assert tuple(r.shape) == expected.shape
    if expected.dtype == np.bool_:
        np.testing.assert_array_equal(to_np(r), expected)
    else:
        np.testing.assert_allclose(to_np(r), expected, rtol=1e-6, atol=1e-6)


@given(broadcastable_pair())
def test_hypothesis_mul_backward_matches_numpy(pair):
    a, b = (p.astype(np.float64) for p in pair)
    x, y = t64(a), t64(b)
    (x * y).sum().backward()
    A, B = np.broadcast_arrays(a, b)
    np.testing.assert_allclose(
        to_np(x.grad), reduce_to_shape(B.copy(), a.shape), rtol=1e-9, atol=1e-9
    )
    np.testing.assert_allclose(
        to_np(y.grad), reduce_to_shape(A.copy(), b.shape), rtol=1e-9, atol=1e-9
    )


@st.composite
def incompatible_pair(draw):
    nd = draw(st.integers(1, 3))
    sa = list(draw(st.lists(st.integers(1, 4), min_size=nd, max_size=nd)))
    sb = list(sa)
    ax = draw(st.integers(0, nd - 1))
    # make dimension ax incompatible: both != 1 and different
    da = draw(st.integers(2, 5))
    db = draw(st.integers(2, 5).filter(lambda v: v != da))
    sa[ax], sb[ax] = da, db
    return tuple(sa), tuple(sb)


@given(incompatible_pair(), st.sampled_from(["add", "mul", "lt"]))
def test_hypothesis_incompatible_shapes_raise_value_error(shapes, op):
    sa, sb = shapes
    f, _ = OPS[op]
    with pytest.raises(ValueError) as ei:
        f(fg.zeros(sa), fg.zeros(sb))
    msg = str(ei.value)
    assert_names_shape(msg, sa)
    assert_names_shape(msg, sb)


# ----------------------------------------------------------------------------- in place


def test_inplace_broadcast_rhs_ok():
    x = fg.zeros(2, 3)
    x += fg.tensor([1.0, 2.0, 3.0])
    assert x.tolist() == [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]
    x *= fg.tensor([[2.0], [3.0]])
    assert x.tolist() == [[2.0, 4.0, 6.0], [3.0, 6.0, 9.0]]


def test_inplace_cannot_grow_lhs():
    x = fg.zeros(3)
    with pytest.raises(ValueError):
        x += fg.ones(2, 3)
    assert x.shape == (3,)
    assert x.tolist() == [0.0, 0.0, 0.0]


def test_inplace_on_graph_tensor_with_broadcast_grad():
    w = t64(np.array([1.0, 2.0, 3.0]))
    b = t64(np.array([[1.0], [2.0]]))
    y = w * 1.0  # (3,)
    z = y + fg.zeros(2, 3, dtype=fg.float64)  # (2,3)
    z *= b  # in place, b broadcast (2,1)
    z.sum().backward()
    assert_close(w.grad, [3.0, 3.0, 3.0])
    assert_close(b.grad, [[6.0], [6.0]])


def test_comparison_broadcast():
    r = fg.tensor([[1], [2], [3]]) < fg.tensor([2, 3])
    assert r.shape == (3, 2)
    assert r.tolist() == [[True, True], [False, True], [False, False]]


def test_expand_then_broadcast_grad():
    x = t64(np.array([[1.0], [2.0]]))
    y = x.expand(2, 3) * t64(np.arange(3.0), False)
    y.sum().backward()
    assert_close(x.grad, [[3.0], [3.0]])


@given(
    hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=3),
    st.sampled_from(["add", "sub", "mul", "div", "pow"]),
)
def test_hypothesis_broadcast_gradcheck(shapes, op):
    from ferrograd.autograd.gradcheck import gradcheck

    (sa, sb), _ = shapes
    rng = np.random.default_rng(len(sa) * 7 + len(sb))
    a, b = _operands(rng, sa, sb)
    f, _ = OPS[op]
    assert gradcheck(lambda x, y: f(x, y), (t64(a), t64(b)))
