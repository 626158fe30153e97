"""dtype objects and PyTorch's type-promotion rules."""

from __future__ import annotations

import pytest

import ferrograd as fg

ALL = ["float32", "float64", "int64", "int32", "bool"]


@pytest.mark.parametrize("name", ALL)
def test_str(name):
    assert str(getattr(fg, name)) == f"ferrograd.{name}"


@pytest.mark.parametrize("name", ALL)
def test_repr_names_dtype(name):
    assert f"ferrograd.{name}" in repr(getattr(fg, name))


@pytest.mark.parametrize(
    "name, floating",
    [
        ("float32", True),
        ("float64", True),
        ("int64", False),
        ("int32", False),
        ("bool", False),
    ],
)
def test_is_floating_point(name, floating):
    assert getattr(fg, name).is_floating_point is floating


@pytest.mark.parametrize(
    "alias, name",
    [
        ("float", "float32"),
        ("double", "float64"),
        ("long", "int64"),
        ("int", "int32"),
    ],
)
def test_aliases(alias, name):
    assert getattr(fg, alias) == getattr(fg, name)
    assert str(getattr(fg, alias)) == f"ferrograd.{name}"


def test_equality_and_hash():
    assert fg.float32 == fg.float32
    assert fg.float32 != fg.float64
    assert fg.int32 != fg.int64
    d = {fg.float32: "f", fg.int64: "i"}
    assert d[fg.float] == "f"
    assert d[fg.long] == "i"
    assert len({fg.float32, fg.float64, fg.int64, fg.int32, fg.bool, fg.float}) == 5


def test_tensor_is_floating_point_method():
    assert fg.tensor([1.0]).is_floating_point()
    assert not fg.tensor([1]).is_floating_point()


def test_defaults():
    assert fg.tensor(1.0).dtype == fg.float32
    assert fg.tensor(1).dtype == fg.int64
    assert fg.zeros(1).dtype == fg.float32
    assert fg.arange(3).dtype == fg.int64


# ----------------------------------------------------------------------------- promotion


def _t(dtype, dims=1):
    if dims == 0:
        return fg.tensor(1, dtype=dtype)
    return fg.tensor([1, 2], dtype=dtype)


# (left dtype, right operand, expected result dtype); right is a dtype (1-d tensor) or a
# Python scalar.
PROMOTION = [
    # int tensor + float scalar -> default float
    ("int64", 2.5, "float32"),
    ("int32", 2.5, "float32"),
    ("bool", 2.5, "float32"),
    # float tensor + python scalars keeps the tensor's dtype
    ("float32", 2.5, "float32"),
    ("float32", 2, "float32"),
    ("float64", 2.5, "float64"),
    ("float64", 2, "float64"),
    # int tensor + int scalar keeps the tensor's dtype
    ("int64", 2, "int64"),
    ("int32", 2, "int32"),
    ("bool", 2, "int64"),
    # tensor + tensor
    ("int32", "int64", "int64"),
    ("int64", "int32", "int64"),
    ("float32", "float64", "float64"),
    ("int64", "float32", "float32"),
    ("int32", "float64", "float64"),
    ("bool", "int32", "int32"),
    ("bool", "float32", "float32"),
    ("int64", "int64", "int64"),
]


# Subtraction involving a bool tensor is an error in PyTorch (see test_errors.py).
PROMOTION_CASES = [
    (op, left, right, expected)
    for op in ("add", "sub", "mul")
    for (left, right, expected) in PROMOTION
    if not (op == "sub" and "bool" in (left, right))
]


@pytest.mark.parametrize("op, left, right, expected", PROMOTION_CASES)
def test_binary_promotion(op, left, right, expected):
    a = _t(getattr(fg, left))
    b = _t(getattr(fg, right)) if isinstance(right, str) else right
    if op == "add":
        r1, r2 = a + b, b + a
    elif op == "sub":
        r1, r2 = a - b, b - a
    else:
        r1, r2 = a * b, b * a
    assert r1.dtype == getattr(fg, expected), f"{left} {op} {right}"
    assert r2.dtype == getattr(fg, expected), f"{right} {op} {left}"


def test_promotion_values():
    r = fg.tensor([1, 2]) + 0.5
    assert r.tolist() == [1.5, 2.5]
    r = fg.tensor([1, 2], dtype=fg.int32) + fg.tensor([10, 20])
    assert r.dtype == fg.int64 and r.tolist() == [11, 22]


def test_square_keeps_integer_dtypes_and_widens_bool_as_pytorch():
    # PyTorch squares as pow(x, 2): bool with an integer exponent promotes to int64.
    squared = fg.square(fg.tensor([True, False]))
    assert squared.dtype == fg.int64 and squared.tolist() == [1, 0]
    assert fg.tensor([3, -2], dtype=fg.int8).square().dtype == fg.int8
    with pytest.raises(RuntimeError, match="result type Long can't be cast to the desired output"):
        fg.tensor([True]).square_()


@pytest.mark.parametrize("dtype", ["int64", "int32"])
def test_true_division_of_ints_is_float(dtype):
    a = fg.tensor([7, 2], dtype=getattr(fg, dtype))
    r = a / fg.tensor([2, 4], dtype=getattr(fg, dtype))
    assert r.dtype == fg.float32
    assert r.tolist() == [3.5, 0.5]


def test_true_division_of_bool_is_float():
    r = fg.tensor([True, False]) / fg.tensor([2, 4])
    assert r.dtype == fg.float32
    assert r.tolist() == [0.5, 0.0]


def test_int_div_int_scalar_is_float():
    r = fg.tensor([7, 3]) / 2
    assert r.dtype == fg.float32
    assert r.tolist() == [3.5, 1.5]
    r = 3 / fg.tensor([2, 4])
    assert r.dtype == fg.float32
    assert r.tolist() == [1.5, 0.75]


def test_float64_div_keeps_float64():
    assert (fg.tensor([1.0], dtype=fg.float64) / 3).dtype == fg.float64


@pytest.mark.parametrize("dtype", ["int64", "int32"])
def test_int_floor_div_and_mod_stay_int(dtype):
    dt = getattr(fg, dtype)
    a = fg.tensor([7, -7], dtype=dt)
    assert (a // 2).dtype == dt
    assert (a % 2).dtype == dt
    assert (a // 2).tolist() == [3, -4]
    assert (a % 2).tolist() == [1, 1]


def test_int_pow():
    a = fg.tensor([2, 3])
    assert (a**2).dtype == fg.int64
    assert (a**2).tolist() == [4, 9]
    r = a**0.5
    assert r.dtype == fg.float32
    assert r.tolist() == pytest.approx([2**0.5, 3**0.5], rel=1e-6)


@pytest.mark.parametrize("dtype", ALL)
def test_comparisons_are_bool(dtype):
    a = fg.tensor([0, 1, 2], dtype=getattr(fg, dtype))
    # `a == a`: a tensor-tensor comparison is bool too
    for r in (a == 1, a != 1, a < 1, a <= 1, a > 1, a >= 1, a == a):  # noqa: PLR0124
        assert r.dtype == fg.bool


@pytest.mark.parametrize("fn", ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid"])
def test_float_unary_of_int_promotes_to_default_float(fn):
    a = fg.tensor([1, 2, 3])
    r = getattr(a, fn)()
    assert r.dtype == fg.float32


@pytest.mark.parametrize("dtype", ["int64", "int32", "float32", "float64"])
def test_dtype_preserving_unary(dtype):
    dt = getattr(fg, dtype)
    a = fg.tensor([-2, 3], dtype=dt)
    assert (-a).dtype == dt
    assert abs(a).dtype == dt
    assert a.abs().tolist() == [2, 3]
    assert a.relu().dtype == dt
    assert a.clamp(-1, 1).dtype == dt


@pytest.mark.parametrize(
    "dtype, expected",
    [
        ("int32", "int64"),
        ("int64", "int64"),
        ("bool", "int64"),
        ("float32", "float32"),
        ("float64", "float64"),
    ],
)
def test_sum_dtype(dtype, expected):
    a = fg.tensor([1, 0, 1], dtype=getattr(fg, dtype))
    s = a.sum()
    assert s.dtype == getattr(fg, expected)
    assert s.item() == 2


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_mean_keeps_float_dtype(dtype):
    a = fg.tensor([1.0, 2.0], dtype=getattr(fg, dtype))
    assert a.mean().dtype == getattr(fg, dtype)
    assert a.mean().item() == 1.5


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32"])
def test_max_min_keep_dtype(dtype):
    dt = getattr(fg, dtype)
    a = fg.tensor([[0, 1], [1, 0]], dtype=dt)
    assert a.max().dtype == dt
    assert a.min(dim=0).values.dtype == dt
    assert a.min(dim=0).indices.dtype == fg.int64


def test_matmul_float64():
    a = fg.ones(2, 3, dtype=fg.float64)
    b = fg.ones(3, 2, dtype=fg.float64)
    assert (a @ b).dtype == fg.float64


def test_matmul_int():
    a = fg.tensor([[1, 2], [3, 4]])
    r = a @ a
    assert r.dtype == fg.int64
    assert r.tolist() == [[7, 10], [15, 22]]


def test_inplace_keeps_dtype():
    a = fg.tensor([1.0, 2.0])
    a += fg.tensor([1.0, 1.0], dtype=fg.float64)
    assert a.dtype == fg.float32
    b = fg.tensor([1.0, 2.0], dtype=fg.float64)
    b *= 2
    assert b.dtype == fg.float64
    c = fg.tensor([1, 2], dtype=fg.int32)
    c += fg.tensor([1, 1])
    assert c.dtype == fg.int32
    assert c.tolist() == [2, 3]


def test_inplace_int_with_float_result_raises_type_error():
    a = fg.tensor([1, 2])
    with pytest.raises(TypeError):
        a /= 2
    with pytest.raises(TypeError):
        a += 1.5
    with pytest.raises(TypeError):
        a *= fg.tensor([1.0, 1.0])
    assert a.tolist() == [1, 2]
