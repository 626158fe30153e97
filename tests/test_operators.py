"""Every Python operator: tensor-tensor, with Python scalars on either side, and in place."""

from __future__ import annotations

import operator

import numpy as np
import pytest

import ferrograd as fg
from helpers import T, assert_close, assert_equal, to_np


def _float_operands(rng, op):
    if op == "pow":
        a = rng.uniform(0.5, 2.0, (3, 4)).astype(np.float32)
        b = rng.uniform(-2.0, 2.0, (3, 4)).astype(np.float32)
    else:
        a = rng.uniform(-3.0, 3.0, (3, 4)).astype(np.float32)
        # divisors away from zero
        b = (rng.uniform(0.5, 2.0, (3, 4)) * rng.choice([-1, 1], (3, 4))).astype(np.float32)
    return a, b


BINOPS = {
    "add": (operator.add, operator.iadd, np.add),
    "sub": (operator.sub, operator.isub, np.subtract),
    "mul": (operator.mul, operator.imul, np.multiply),
    "truediv": (operator.truediv, operator.itruediv, np.true_divide),
    "floordiv": (operator.floordiv, operator.ifloordiv, np.floor_divide),
    "mod": (operator.mod, operator.imod, np.remainder),
    "pow": (operator.pow, operator.ipow, np.power),
}

FLOAT_SCALARS = {
    "add": [2.5, -1, 0],
    "sub": [2.5, -1, 0],
    "mul": [2.5, -1, 0],
    "truediv": [2.5, -1.5, 4],
    "floordiv": [2.5, -1.5, 2],
    "mod": [2.5, -1.5, 2],
    "pow": [2, 0.5, -1.5, 3],
}


# ----------------------------------------------------------------------------- float ops


@pytest.mark.parametrize("op", list(BINOPS))
class TestFloatBinary:
    def test_tensor_tensor(self, op, rng):
        f, _, npf = BINOPS[op]
        a, b = _float_operands(rng, op)
        r = f(T(a), T(b))
        assert r.dtype == fg.float32
        assert_close(r, npf(a, b), rtol=1e-5, atol=1e-5)

    def test_tensor_scalar(self, op, rng):
        f, _, npf = BINOPS[op]
        a, _ = _float_operands(rng, op)
        for s in FLOAT_SCALARS[op]:
            r = f(T(a), s)
            assert r.dtype == fg.float32, f"x {op} {s!r}"
            assert_close(r, npf(a, np.float32(s)), rtol=1e-5, atol=1e-5)

    def test_scalar_tensor(self, op, rng):
        f, _, npf = BINOPS[op]
        _, b = _float_operands(rng, op)
        if op == "pow":
            b = rng.uniform(-2, 2, (3, 4)).astype(np.float32)
            scalars = [2, 0.5, 3.5]
        else:
            scalars = [2.5, -1, 7]
        for s in scalars:
            r = f(s, T(b))
            assert r.dtype == fg.float32, f"{s!r} {op} x"
            assert_close(r, npf(np.float32(s), b), rtol=1e-5, atol=1e-5)

    def test_inplace_tensor(self, op, rng):
        _, fi, npf = BINOPS[op]
        a, b = _float_operands(rng, op)
        x = T(a)
        ident = x
        x = fi(x, T(b))
        assert x is ident, "in-place operator must keep the object's identity"
        assert x.dtype == fg.float32
        assert_close(x, npf(a, b), rtol=1e-5, atol=1e-5)

    def test_inplace_scalar(self, op, rng):
        _, fi, npf = BINOPS[op]
        a, _ = _float_operands(rng, op)
        s = FLOAT_SCALARS[op][0]
        x = T(a)
        ident = x
        x = fi(x, s)
        assert x is ident
        assert_close(x, npf(a, np.float32(s)), rtol=1e-5, atol=1e-5)

    def test_inplace_broadcast(self, op, rng):
        _, fi, npf = BINOPS[op]
        a, b = _float_operands(rng, op)
        x = T(a)
        ident = x
        x = fi(x, T(b[0]))
        assert x is ident
        assert x.shape == (3, 4)
        assert_close(x, npf(a, b[0]), rtol=1e-5, atol=1e-5)

    def test_float64(self, op, rng):
        f, _, npf = BINOPS[op]
        a, b = _float_operands(rng, op)
        a, b = a.astype(np.float64), b.astype(np.float64)
        r = f(T(a), T(b))
        assert r.dtype == fg.float64
        assert_close(r, npf(a, b), rtol=1e-12, atol=1e-12)


def test_augmented_assignment_statements():
    """The statement forms, as users write them."""
    x = fg.tensor([4.0, 9.0])
    ident = x
    x += 1
    x -= 2
    x *= 3
    x /= 2
    x **= 2
    x //= 5
    x %= 4
    assert x is ident
    expected = np.array([4.0, 9.0], dtype=np.float32)
    expected = ((((((expected + 1) - 2) * 3) / 2) ** 2) // 5) % 4
    assert_close(x, expected)

    y = fg.tensor([12, 10])
    yid = y
    y &= 6
    y |= 1
    y ^= 3
    assert y is yid
    assert y.tolist() == [((12 & 6) | 1) ^ 3, ((10 & 6) | 1) ^ 3]


class TestFloatSemantics:
    def test_floor_division_floors(self):
        x = fg.tensor([-7.0, 7.0, -7.5, 7.5])
        assert (x // 2).tolist() == [-4.0, 3.0, -4.0, 3.0]
        assert (x // -2).tolist() == [3.0, -4.0, 3.0, -4.0]

    def test_remainder_sign_of_divisor(self):
        x = fg.tensor([-7.0, 7.0, -7.5, 7.5])
        assert (x % 3).tolist() == [2.0, 1.0, 1.5, 1.5]
        assert (x % -3).tolist() == [-1.0, -2.0, -1.5, -1.5]
        assert (7.5 % fg.tensor([-2.0, 2.0])).tolist() == [-0.5, 1.5]

    def test_true_division_by_zero(self):
        r = fg.tensor([1.0, -1.0, 0.0]) / 0.0
        a = to_np(r)
        assert a[0] == np.inf and a[1] == -np.inf and np.isnan(a[2])

    def test_rdiv(self):
        assert_close(1 / fg.tensor([2.0, 4.0, -0.5]), [0.5, 0.25, -2.0])

    def test_rsub(self):
        assert (1 - fg.tensor([2.0, -3.0])).tolist() == [-1.0, 4.0]

    def test_rpow(self):
        assert (2 ** fg.tensor([0.0, 1.0, 3.0, -1.0])).tolist() == [1.0, 2.0, 8.0, 0.5]

    def test_pow_zero_exponent(self):
        assert (fg.tensor([0.0, 5.0]) ** 0).tolist() == [1.0, 1.0]


# ----------------------------------------------------------------------------- integer ops

INT_BINOPS = {
    "add": (operator.add, operator.iadd, np.add),
    "sub": (operator.sub, operator.isub, np.subtract),
    "mul": (operator.mul, operator.imul, np.multiply),
    "floordiv": (operator.floordiv, operator.ifloordiv, np.floor_divide),
    "mod": (operator.mod, operator.imod, np.remainder),
    "pow": (operator.pow, operator.ipow, np.power),
    "and": (operator.and_, operator.iand, np.bitwise_and),
    "or": (operator.or_, operator.ior, np.bitwise_or),
    "xor": (operator.xor, operator.ixor, np.bitwise_xor),
}


def _int_operands(rng, op, np_dtype):
    a = rng.integers(-20, 20, (3, 4)).astype(np_dtype)
    if op == "pow":
        b = rng.integers(0, 4, (3, 4)).astype(np_dtype)
    elif op in ("floordiv", "mod"):
        b = (rng.integers(1, 6, (3, 4)) * rng.choice([-1, 1], (3, 4))).astype(np_dtype)
    else:
        b = rng.integers(-20, 20, (3, 4)).astype(np_dtype)
    return a, b


@pytest.mark.parametrize("np_dtype", [np.int64, np.int32], ids=["int64", "int32"])
@pytest.mark.parametrize("op", list(INT_BINOPS))
class TestIntBinary:
    def test_tensor_tensor(self, op, np_dtype, rng):
        f, _, npf = INT_BINOPS[op]
        a, b = _int_operands(rng, op, np_dtype)
        r = f(T(a), T(b))
        assert_equal(r, npf(a, b), dtype=T(a).dtype)

    def test_scalars_both_sides(self, op, np_dtype, rng):
        f, _, npf = INT_BINOPS[op]
        a, b = _int_operands(rng, op, np_dtype)
        s = 3
        assert_equal(f(T(a), s), npf(a, np_dtype(s)), dtype=T(a).dtype)
        rhs = b if op in ("floordiv", "mod", "pow") else a
        if op == "pow":
            rhs = np.abs(rhs)
        assert_equal(f(s, T(rhs)), npf(np_dtype(s), rhs), dtype=T(a).dtype)

    def test_inplace(self, op, np_dtype, rng):
        _, fi, npf = INT_BINOPS[op]
        a, b = _int_operands(rng, op, np_dtype)
        x = T(a)
        ident = x
        x = fi(x, T(b))
        assert x is ident
        assert_equal(x, npf(a, b), dtype=T(a).dtype)
        x = fi(x, 2)
        assert x is ident
        assert_equal(x, npf(npf(a, b), np_dtype(2)), dtype=T(a).dtype)


def test_int_floor_division_and_remainder_semantics():
    x = fg.tensor([-7, 7, -7, 7])
    d = fg.tensor([2, 2, -2, -2])
    assert (x // d).tolist() == [-4, 3, 3, -4]
    assert (x % d).tolist() == [1, 1, -1, -1]
    assert (x % 3).tolist() == [2, 1, 2, 1]
    assert (-7 % fg.tensor([3, -3])).tolist() == [2, -1]


@pytest.mark.parametrize("np_dtype", [np.int64, np.int32], ids=["int64", "int32"])
def test_int_invert(np_dtype):
    a = np.array([0, 5, -6, 127], dtype=np_dtype)
    assert_equal(~T(a), np.invert(a), dtype=T(a).dtype)


def test_int_neg_abs():
    a = np.array([0, 5, -6], dtype=np.int64)
    assert_equal(-T(a), -a)
    assert_equal(abs(T(a)), np.abs(a))


# ----------------------------------------------------------------------------- bool ops


class TestBool:
    A = (True, True, False, False)
    B = (True, False, True, False)

    @pytest.mark.parametrize(
        "f, npf",
        [
            (operator.and_, np.logical_and),
            (operator.or_, np.logical_or),
            (operator.xor, np.logical_xor),
        ],
    )
    def test_logical_binary(self, f, npf):
        r = f(fg.tensor(self.A), fg.tensor(self.B))
        assert_equal(r, npf(self.A, self.B), dtype=fg.bool)
        assert_equal(f(fg.tensor(self.A), True), npf(self.A, True), dtype=fg.bool)
        assert_equal(f(False, fg.tensor(self.A)), npf(False, self.A), dtype=fg.bool)

    @pytest.mark.parametrize(
        "fi, npf",
        [
            (operator.iand, np.logical_and),
            (operator.ior, np.logical_or),
            (operator.ixor, np.logical_xor),
        ],
    )
    def test_logical_inplace(self, fi, npf):
        x = fg.tensor(self.A)
        ident = x
        x = fi(x, fg.tensor(self.B))
        assert x is ident
        assert_equal(x, npf(self.A, self.B), dtype=fg.bool)

    def test_invert(self):
        assert_equal(~fg.tensor(self.A), np.logical_not(self.A), dtype=fg.bool)

    def test_masks_from_comparisons(self):
        x = fg.tensor([-2.0, -0.5, 0.5, 2.0])
        m = (x > -1) & (x < 1)
        assert m.tolist() == [False, True, True, False]
        assert (~m).tolist() == [True, False, False, True]
        assert ((x < -1) | (x > 1)).tolist() == [True, False, False, True]
        assert ((x > 0) ^ (x > 1)).tolist() == [False, False, True, False]


# ----------------------------------------------------------------------------- unary


def test_neg(rng):
    a = rng.standard_normal((2, 3)).astype(np.float32)
    assert_equal(-T(a), -a, dtype=fg.float32)


def test_abs_builtin(rng):
    a = rng.standard_normal((2, 3)).astype(np.float32)
    assert_equal(abs(T(a)), np.abs(a), dtype=fg.float32)


# ----------------------------------------------------------------------------- comparisons

CMP = {
    "eq": (operator.eq, np.equal),
    "ne": (operator.ne, np.not_equal),
    "lt": (operator.lt, np.less),
    "le": (operator.le, np.less_equal),
    "gt": (operator.gt, np.greater),
    "ge": (operator.ge, np.greater_equal),
}


@pytest.mark.parametrize("op", list(CMP))
@pytest.mark.parametrize("np_dtype", [np.float32, np.float64, np.int64, np.int32])
def test_comparison(op, np_dtype, rng):
    f, npf = CMP[op]
    a = rng.integers(0, 3, (3, 4)).astype(np_dtype)
    b = rng.integers(0, 3, (3, 4)).astype(np_dtype)
    assert_equal(f(T(a), T(b)), npf(a, b), dtype=fg.bool)
    assert_equal(f(T(a), 1), npf(a, 1), dtype=fg.bool)
    # scalar on the left: Python reflects (2 < x  ->  x > 2)
    assert_equal(f(1, T(a)), npf(1, a), dtype=fg.bool)
    assert_equal(f(T(a), 1.5), npf(a, 1.5), dtype=fg.bool)
    # broadcast
    assert_equal(f(T(a), T(b[0])), npf(a, b[0]), dtype=fg.bool)


def test_comparison_mixed_dtypes():
    a = fg.tensor([1, 2, 3])
    b = fg.tensor([1.0, 2.5, 3.0])
    assert (a == b).tolist() == [True, False, True]
    assert (a < b).tolist() == [False, True, False]


def test_comparison_with_nan():
    x = fg.tensor([float("nan"), 1.0])
    # a tensor compared with itself, elementwise: NaN is not equal to itself (no identity shortcut)
    assert (x == x).tolist() == [False, True]  # noqa: PLR0124
    assert (x != x).tolist() == [True, False]  # noqa: PLR0124


# ----------------------------------------------------------------------------- matmul

MATMUL_SHAPES = [
    ((4,), (4,)),
    ((3, 4), (4, 5)),
    ((4,), (4, 5)),
    ((3, 4), (4,)),
    ((2, 3, 4), (2, 4, 5)),
    ((2, 3, 4), (4, 5)),
    ((3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (5, 4, 2)),
    ((4,), (2, 4, 5)),
    ((2, 3, 4), (4,)),
    ((1, 1), (1, 1)),
]


@pytest.mark.parametrize("sa, sb", MATMUL_SHAPES, ids=[f"{a}@{b}" for a, b in MATMUL_SHAPES])
def test_matmul_shapes_and_values(sa, sb, rng):
    a = rng.standard_normal(sa).astype(np.float32)
    b = rng.standard_normal(sb).astype(np.float32)
    expected = np.matmul(a, b)
    for r in (T(a) @ T(b), fg.matmul(T(a), T(b)), T(a).matmul(T(b))):
        assert r.dtype == fg.float32
        assert_close(r, expected, rtol=1e-4, atol=1e-5)


def test_matmul_float64_precision(rng):
    a = rng.standard_normal((5, 7))
    b = rng.standard_normal((7, 3))
    assert_close(T(a) @ T(b), a @ b, rtol=1e-12, atol=1e-12)


def test_matmul_larger(rng):
    a = rng.standard_normal((64, 130)).astype(np.float32)
    b = rng.standard_normal((130, 70)).astype(np.float32)
    assert_close(T(a) @ T(b), a @ b, rtol=1e-4, atol=1e-4)


def test_matmul_of_transposed_and_sliced(rng):
    a = rng.standard_normal((6, 4)).astype(np.float32)
    b = rng.standard_normal((6, 5)).astype(np.float32)
    assert_close(T(a).T @ T(b), a.T @ b, rtol=1e-4, atol=1e-5)
    assert_close(T(a)[::2] @ T(b)[::2].T[:4], a[::2] @ b[::2].T[:4], rtol=1e-4, atol=1e-5)


def test_mm(rng):
    a = rng.standard_normal((3, 4)).astype(np.float32)
    b = rng.standard_normal((4, 2)).astype(np.float32)
    assert_close(fg.mm(T(a), T(b)), a @ b, rtol=1e-4, atol=1e-5)
    assert_close(T(a).mm(T(b)), a @ b, rtol=1e-4, atol=1e-5)


def test_matmul_1d_gives_0d():
    r = fg.tensor([1.0, 2.0, 3.0]) @ fg.tensor([4.0, 5.0, 6.0])
    assert r.shape == ()
    assert r.item() == 32.0


# ----------------------------------------------------------------------------- named forms


@pytest.mark.parametrize(
    "name, npf",
    [
        ("add", np.add),
        ("sub", np.subtract),
        ("mul", np.multiply),
        ("div", np.true_divide),
        ("pow", np.power),
        ("remainder", np.remainder),
        ("floor_divide", np.floor_divide),
    ],
)
def test_named_binary(name, npf, rng):
    a = rng.uniform(0.5, 2.0, (2, 3)).astype(np.float32)
    b = rng.uniform(0.5, 2.0, (2, 3)).astype(np.float32)
    expected = npf(a, b)
    assert_close(getattr(fg, name)(T(a), T(b)), expected, rtol=1e-5)
    assert_close(getattr(T(a), name)(T(b)), expected, rtol=1e-5)
    assert_close(getattr(fg, name)(T(a), 2.0), npf(a, np.float32(2.0)), rtol=1e-5)
    assert_close(getattr(T(a), name)(2.0), npf(a, np.float32(2.0)), rtol=1e-5)


@pytest.mark.parametrize("name", list(CMP))
def test_named_comparisons(name, rng):
    a = rng.integers(0, 3, (2, 3)).astype(np.float32)
    b = rng.integers(0, 3, (2, 3)).astype(np.float32)
    npf = CMP[name][1]
    assert_equal(getattr(fg, name)(T(a), T(b)), npf(a, b), dtype=fg.bool)
    assert_equal(getattr(T(a), name)(T(b)), npf(a, b), dtype=fg.bool)
    assert_equal(getattr(T(a), name)(1.0), npf(a, 1.0), dtype=fg.bool)


def test_named_unary(rng):
    a = rng.standard_normal((2, 3)).astype(np.float32)
    assert_equal(fg.neg(T(a)), -a)
    assert_equal(T(a).neg(), -a)
    assert_equal(fg.abs(T(a)), np.abs(a))
    assert_equal(T(a).abs(), np.abs(a))


@pytest.mark.parametrize(
    "name, npf",
    [
        ("logical_and", np.logical_and),
        ("logical_or", np.logical_or),
        ("logical_xor", np.logical_xor),
    ],
)
def test_named_logical(name, npf):
    a = [True, True, False, False]
    b = [True, False, True, False]
    assert_equal(getattr(fg, name)(fg.tensor(a), fg.tensor(b)), npf(a, b), dtype=fg.bool)
    assert_equal(getattr(fg.tensor(a), name)(fg.tensor(b)), npf(a, b), dtype=fg.bool)
    # logical ops accept any dtype (nonzero is True) and return bool
    x = fg.tensor([1.5, 0.0, -2.0, 0.0])
    y = fg.tensor([1, 1, 0, 0])
    assert_equal(getattr(fg, name)(x, y), npf([1.5, 0, -2, 0], [1, 1, 0, 0]), dtype=fg.bool)


def test_logical_not():
    assert_equal(fg.logical_not(fg.tensor([True, False])), [False, True], dtype=fg.bool)
    assert_equal(fg.tensor([0.0, 2.0]).logical_not(), [True, False], dtype=fg.bool)
    assert_equal(fg.logical_not(fg.tensor([0, 3])), [True, False], dtype=fg.bool)


@pytest.mark.parametrize(
    "name, npf",
    [
        ("bitwise_and", np.bitwise_and),
        ("bitwise_or", np.bitwise_or),
        ("bitwise_xor", np.bitwise_xor),
    ],
)
def test_named_bitwise(name, npf):
    a = np.array([12, 10, -3], dtype=np.int64)
    b = np.array([6, 3, 5], dtype=np.int64)
    assert_equal(getattr(fg, name)(T(a), T(b)), npf(a, b), dtype=fg.int64)
    assert_equal(getattr(T(a), name)(T(b)), npf(a, b), dtype=fg.int64)


def test_bitwise_not():
    assert_equal(fg.bitwise_not(fg.tensor([0, 5, -6])), [-1, -6, 5], dtype=fg.int64)
    assert_equal(fg.tensor([True, False]).bitwise_not(), [False, True], dtype=fg.bool)


# ----------------------------------------------------------------------------- unknown types


def test_unknown_operand_type_raises_type_error():
    x = fg.tensor([1.0, 2.0])
    for bad in (object(), "abc", {"a": 1}):
        with pytest.raises(TypeError):
            x + bad
        with pytest.raises(TypeError):
            bad + x
        with pytest.raises(TypeError):
            x * bad
        with pytest.raises(TypeError):
            x @ bad


def test_operator_does_not_mutate_operands(rng):
    a = rng.standard_normal((2, 3)).astype(np.float32)
    b = rng.standard_normal((2, 3)).astype(np.float32)
    x, y = T(a), T(b)
    for f in (operator.add, operator.sub, operator.mul, operator.truediv, operator.pow):
        f(x, y)
    np.testing.assert_array_equal(to_np(x), a)
    np.testing.assert_array_equal(to_np(y), b)
