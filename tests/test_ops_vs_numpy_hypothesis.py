"""Property tests: pointwise unary and binary ops and reductions against NumPy, over random
shapes (0-d, empty, broadcast), dtypes (bool, int32, int64, float32, float64) and values
(NaN, ±inf, -0.0, subnormals, extremes).

NumPy computes the reference; where PyTorch's semantics differ from NumPy's, the reference
follows PyTorch (each such place is commented): the result dtype (PyTorch's promotion, in which
a dimensioned operand outranks a 0-d one of the same category, and integers become float32 for
floating results), ``sign(nan) == 0``, ``var`` of one element, integer sums in int64, errors for
what PyTorch refuses. The examples are seeded (the suite's profile); set
FERROGRAD_HYPOTHESIS_EXAMPLES for a longer run.
"""

from __future__ import annotations

import os
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import ferrograd as fg

EXAMPLES = int(os.environ.get("FERROGRAD_HYPOTHESIS_EXAMPLES", "25"))

BOOL, I32, I64, F32, F64 = (np.dtype(t) for t in ("bool", "int32", "int64", "float32", "float64"))
INTS = (I32, I64)
FLOATS = (F32, F64)
ALL = (BOOL, *INTS, *FLOATS)
_CATEGORY = {BOOL: 0, I32: 1, I64: 1, F32: 2, F64: 2}


def result_dtype(*operands: np.ndarray) -> np.dtype:
    """PyTorch's promotion of tensor operands: the highest category wins; within it the widest
    dtype of the dimensioned operands, unless only 0-d operands reach that category."""
    dimensioned = [a.dtype for a in operands if a.ndim > 0]
    zero_dim = [a.dtype for a in operands if a.ndim == 0]

    def widest(dtypes):
        top = max(_CATEGORY[d] for d in dtypes)
        return top, max((d for d in dtypes if _CATEGORY[d] == top), key=lambda d: d.itemsize)

    if not dimensioned:
        return widest(zero_dim)[1]
    category, dtype = widest(dimensioned)
    if zero_dim and widest(zero_dim)[0] > category:
        return widest(zero_dim)[1]
    return dtype


def floating(dtype: np.dtype) -> np.dtype:
    """The dtype of a floating result: integers and bools give float32 (the default dtype)."""
    return dtype if dtype in FLOATS else F32


# ----------------------------------------------------------------------------- data

SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0]


def _elements(dtype: np.dtype, bound: float | None):
    if dtype == BOOL:
        return st.booleans()
    if dtype in INTS:
        info = np.iinfo(dtype)
        lo, hi = (info.min, info.max) if bound is None else (-int(bound), int(bound))
        return st.integers(lo, hi)
    width = 32 if dtype == F32 else 64
    if bound is None:
        return st.floats(width=width)
    finite = st.floats(-bound, bound, width=width)
    return st.one_of(finite, st.sampled_from(SPECIAL))


def _array(draw, dtype, shape, bound=None) -> np.ndarray:
    return draw(hnp.arrays(dtype, shape, elements=_elements(dtype, bound)))


def _tensor(a: np.ndarray):
    return fg.from_numpy(np.array(a, order="C", copy=True))


#: Ops whose zero has no specified sign: which of -0.0 and 0.0 a tie returns is up to the
#: library (PyTorch's maximum(-0.0, 0.0) is -0.0, NumPy's 0.0); and ``sign``, whose -0.0 is
#: a known engine difference (test_sign_of_negative_zero_is_positive_zero below).
ZERO_SIGN_UNSPECIFIED = {"maximum", "minimum", "fmax", "fmin", "amax", "amin", "sign"}


def _assert_matches(
    actual, expected: np.ndarray, rtol: float = 0.0, atol: float = 0.0, zero_sign: bool = True
):
    """Same dtype and shape; equal values (NaN where NumPy has NaN, same infinities, the sign
    of zero when exact and ``zero_sign``), within the tolerances for rounding."""
    got = actual.numpy()
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    if expected.dtype in FLOATS:
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
        if rtol == 0.0 and atol == 0.0 and zero_sign:
            zeros = expected == 0
            np.testing.assert_array_equal(np.signbit(got[zeros]), np.signbit(expected[zeros]))
    else:
        np.testing.assert_array_equal(got, expected)


def _tolerance(dtype: np.dtype, exact: bool) -> dict:
    if exact:
        return {}
    return {"rtol": 2e-6, "atol": 1e-37} if dtype == F32 else {"rtol": 1e-13, "atol": 1e-300}


# ----------------------------------------------------------------------------- unary


def _sign(a):
    return np.where(np.isnan(a), 0, np.sign(a)).astype(a.dtype)  # PyTorch: sign(nan) == 0


def _sigmoid(a):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-a))


def _rsqrt(a):
    return 1.0 / np.sqrt(a)


#: name -> (reference, input dtypes, result: False (same dtype), True (floating) or a dtype,
#: exact, bound on the finite inputs)
UNARY = {
    "neg": (np.negative, (*INTS, *FLOATS), False, True, None),
    "abs": (np.abs, (*INTS, *FLOATS), False, True, None),
    "sign": (_sign, (*INTS, *FLOATS), False, True, None),
    "floor": (np.floor, (*INTS, *FLOATS), False, True, None),
    "ceil": (np.ceil, (*INTS, *FLOATS), False, True, None),
    "trunc": (np.trunc, (*INTS, *FLOATS), False, True, None),
    "round": (np.round, (*INTS, *FLOATS), False, True, None),
    "square": (np.square, FLOATS, False, True, None),
    "reciprocal": (np.reciprocal, ALL, True, True, None),
    "sqrt": (np.sqrt, ALL, True, False, None),
    "rsqrt": (_rsqrt, FLOATS, True, False, None),
    "exp": (np.exp, ALL, True, False, 80.0),
    "expm1": (np.expm1, FLOATS, True, False, 80.0),
    "log": (np.log, ALL, True, False, None),
    "log1p": (np.log1p, FLOATS, True, False, None),
    "log2": (np.log2, FLOATS, True, False, None),
    "sin": (np.sin, ALL, True, False, 1e3),
    "cos": (np.cos, ALL, True, False, 1e3),
    "tanh": (np.tanh, ALL, True, False, None),
    "atan": (np.arctan, FLOATS, True, False, None),
    "sinh": (np.sinh, FLOATS, True, False, 80.0),
    "sigmoid": (_sigmoid, ALL, True, False, None),
    "signbit": (np.signbit, (*INTS, *FLOATS), BOOL, True, None),
}


@pytest.mark.parametrize("name", list(UNARY))
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_unary_ops_match_numpy(name, data):
    reference, dtypes, float_result, exact, bound = UNARY[name]
    dtype = data.draw(st.sampled_from(dtypes), label="dtype")
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    a = _array(data.draw, dtype, shape, bound)
    out_dtype = float_result if isinstance(float_result, np.dtype) else dtype
    out_dtype = floating(dtype) if float_result is True else out_dtype
    with np.errstate(all="ignore"):
        # computed in float64 and rounded once, as a correctly rounded float32 op would
        wide = a.astype(F64) if out_dtype in FLOATS else a
        given_dtype = out_dtype if out_dtype != BOOL else dtype
        expected = np.asarray(reference(wide.astype(given_dtype).astype(wide.dtype)))
        expected = expected.astype(out_dtype)
    actual = getattr(fg, name)(_tensor(a))
    zero_sign = name not in ZERO_SIGN_UNSPECIFIED
    _assert_matches(actual, expected, **_tolerance(out_dtype, exact), zero_sign=zero_sign)


# ----------------------------------------------------------------------------- binary


def _floor_divide(a, b):
    with np.errstate(all="ignore"):
        return np.floor_divide(a, b)


def _power(a, b):
    """PyTorch's integer power with a negative integer tensor exponent is 1 / a**-b truncated
    (NumPy raises): 1 for 1, ±1 for -1, else 0."""
    if a.dtype in FLOATS:
        return np.power(a, b)
    negative = b < 0
    positive = np.power(a, np.where(negative, 0, b))
    reciprocal = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0))
    return np.where(negative, reciprocal, positive).astype(a.dtype)


#: name -> (reference, input dtypes, result: "promote" | "float" | "bool", exact, bound)
BINARY = {
    "add": (np.add, ALL, "promote", True, None),
    "sub": (np.subtract, ALL, "promote", True, None),
    "mul": (np.multiply, ALL, "promote", True, None),
    "div": (np.true_divide, ALL, "float", True, None),
    "maximum": (np.maximum, ALL, "promote", True, None),
    "minimum": (np.minimum, ALL, "promote", True, None),
    "fmax": (np.fmax, (*INTS, *FLOATS), "promote", True, None),
    "fmin": (np.fmin, (*INTS, *FLOATS), "promote", True, None),
    "eq": (np.equal, ALL, "bool", True, None),
    "ne": (np.not_equal, ALL, "bool", True, None),
    "lt": (np.less, ALL, "bool", True, None),
    "le": (np.less_equal, ALL, "bool", True, None),
    "gt": (np.greater, ALL, "bool", True, None),
    "ge": (np.greater_equal, ALL, "bool", True, None),
    "logical_and": (np.logical_and, ALL, "bool", True, None),
    "logical_or": (np.logical_or, ALL, "bool", True, None),
    "logical_xor": (np.logical_xor, ALL, "bool", True, None),
    "bitwise_and": (np.bitwise_and, (BOOL, *INTS), "promote", True, None),
    "bitwise_or": (np.bitwise_or, (BOOL, *INTS), "promote", True, None),
    "bitwise_xor": (np.bitwise_xor, (BOOL, *INTS), "promote", True, None),
    "remainder": (np.remainder, (*INTS, *FLOATS), "promote", False, 1e6),
    "fmod": (np.fmod, (*INTS, *FLOATS), "promote", False, 1e6),
    "floor_divide": (_floor_divide, (*INTS, *FLOATS), "promote", True, 1e6),
    "pow": (_power, (*INTS, *FLOATS), "promote", False, 8.0),
    "atan2": (np.arctan2, ALL, "float", False, None),
    "copysign": (np.copysign, ALL, "float", True, None),
}


def _refused(name: str, a: np.ndarray, b: np.ndarray, out_dtype: np.dtype) -> bool:
    """What PyTorch raises for (tested on its own below), left out of the value checks."""
    if name == "sub" and BOOL in (a.dtype, b.dtype):
        return True
    integral = out_dtype not in FLOATS
    return integral and name in ("remainder", "fmod", "floor_divide") and bool((b == 0).any())


@pytest.mark.parametrize("name", list(BINARY))
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_binary_ops_match_numpy(name, data):
    reference, dtypes, result, exact, bound = BINARY[name]
    shapes = data.draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=0)
    )
    a_dtype = data.draw(st.sampled_from(dtypes), label="a dtype")
    b_dtype = data.draw(st.sampled_from(dtypes), label="b dtype")
    a = _array(data.draw, a_dtype, shapes.input_shapes[0], bound)
    b = _array(data.draw, b_dtype, shapes.input_shapes[1], bound)
    common = result_dtype(a, b)
    out_dtype = {"promote": common, "float": floating(common), "bool": BOOL}[result]
    if _refused(name, a, b, common):
        return
    compute = common if result != "float" else out_dtype
    with np.errstate(all="ignore"):
        if compute in FLOATS and not exact:
            # transcendental: the float64 value rounded once to the result dtype
            wide_a, wide_b = a.astype(compute).astype(F64), b.astype(compute).astype(F64)
            expected = np.asarray(reference(wide_a, wide_b)).astype(out_dtype)
        else:
            expected = np.asarray(reference(a.astype(compute), b.astype(compute)))
            expected = expected.astype(out_dtype)
    actual = getattr(fg, name)(_tensor(a), _tensor(b))
    zero_sign = name not in ZERO_SIGN_UNSPECIFIED
    _assert_matches(actual, expected, **_tolerance(out_dtype, exact), zero_sign=zero_sign)


def test_a_negative_python_exponent_of_an_integer_tensor_raises():
    """PyTorch's message (2.15); a negative exponent in a tensor is computed instead (below)."""
    with pytest.raises(
        RuntimeError, match=r"^Integers to negative integer powers are not allowed\.$"
    ):
        fg.pow(fg.tensor([3]), -1)


@pytest.mark.parametrize("name", ["remainder", "fmod", "floor_divide"])
def test_integer_division_by_zero_raises(name):
    """PyTorch's message is exactly "ZeroDivisionError"."""
    with pytest.raises(RuntimeError, match=r"^ZeroDivisionError$"):
        getattr(fg, name)(fg.tensor([3]), fg.tensor([0]))


# ---------------------------------------------------------------- found by the property tests
# Engine differences from PyTorch that the property tests above found, each fixed in the engine and
# pinned here with PyTorch's values.


def test_sign_of_negative_zero_is_positive_zero():
    assert not np.signbit(fg.sign(fg.tensor([-0.0])).numpy()[0])


def test_integer_power_with_negative_tensor_exponents():
    """PyTorch refuses only a negative Python exponent; with a tensor exponent it gives
    1 / a**-b truncated (values recorded from PyTorch 2.15)."""
    base = fg.tensor([0, 1, -1, 2, -2, 3, 0, -1])
    exponent = fg.tensor([-1, -1, -1, -1, -2, -3, -2, -2])
    assert fg.pow(base, exponent).tolist() == [0, 1, -1, 0, 0, 0, 0, 1]


def test_logical_ops_see_values_in_the_common_dtype():
    """float32 and a 0-d float64 compute in float32, where 1e-308 is 0."""
    out = fg.logical_and(fg.tensor([1.0]), fg.tensor(1e-308, dtype=fg.float64))
    assert out.tolist() == [False]


@pytest.mark.parametrize(
    ("other", "message"),
    [
        (
            [False],
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
            "or `logical_xor()` operator instead.",
        ),
        (
            [1],
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead.",
        ),
    ],
)
def test_bool_subtraction_raises_not_implemented_error(other, message):
    """Messages recorded from PyTorch 2.15."""
    with pytest.raises(NotImplementedError, match="^" + re.escape(message) + "$"):
        fg.sub(fg.tensor([True]), fg.tensor(other))


# ----------------------------------------------------------------------------- reductions


def _var(a, axis, keepdims):
    count = a.size if axis is None else int(np.prod([a.shape[d] for d in axis]))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's "Degrees of freedom <= 0"
        out = np.var(a, axis=axis, ddof=1, keepdims=keepdims)
    # PyTorch: NaN when there are no degrees of freedom (NumPy gives inf for one element)
    return np.where(count <= 1, np.nan, out) if np.ndim(out) else (np.nan if count <= 1 else out)


def _std(a, axis, keepdims):
    return np.sqrt(_var(a, axis, keepdims))


def _logsumexp(a, axis, keepdims):
    if a.size == 0:  # PyTorch: -inf over nothing
        shape = np.sum(np.zeros(a.shape), axis=axis, keepdims=keepdims).shape
        return np.full(shape, -np.inf, dtype=a.dtype)
    return np.logaddexp.reduce(a, axis=axis, keepdims=keepdims)


def _sum(a, axis, keepdims):
    return np.sum(a, axis=axis, keepdims=keepdims, dtype=F64 if a.dtype in FLOATS else I64)


def _prod(a, axis, keepdims):
    return np.prod(a, axis=axis, keepdims=keepdims, dtype=F64 if a.dtype in FLOATS else I64)


#: name -> (reference(a, axis tuple or None, keepdims), input dtypes, result dtype rule,
#: non-empty slices needed, exact, bound, whether PyTorch takes only one dim)
REDUCTIONS = {
    "sum": (_sum, ALL, "int64", False, False, None, False),
    "prod": (_prod, ALL, "int64", False, False, 4.0, True),
    "mean": (np.mean, FLOATS, "same", False, False, None, False),
    "amax": (np.amax, ALL, "same", True, True, None, False),
    "amin": (np.amin, ALL, "same", True, True, None, False),
    "var": (_var, FLOATS, "same", False, False, 1e6, False),
    "std": (_std, FLOATS, "same", False, False, 1e6, False),
    "logsumexp": (_logsumexp, FLOATS, "same", False, False, 1e3, False),
    "all": (np.all, ALL, "bool", False, True, None, False),
    "any": (np.any, ALL, "bool", False, True, None, False),
}


@st.composite
def _reduction_args(draw, dtypes, bound, nonempty: bool, single_dim: bool):
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0 if not nonempty else 1))
    a = _array(draw, dtype, shape, bound)
    ndim = max(a.ndim, 1)  # a 0-d tensor takes dim 0 and -1
    if single_dim:
        dim = draw(st.none() | st.integers(-ndim, ndim - 1))
    else:
        dim = draw(
            st.none()
            | st.integers(-ndim, ndim - 1)
            | st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple)
        )
    return a, dim, draw(st.booleans(), label="keepdim")


def _reduce_reference(reference, a, dim, keepdim):
    """NumPy's reduction over PyTorch's ``dim`` (a 0-d tensor reduces as one element)."""
    if dim is None:
        return np.asarray(reference(a, None, keepdim if a.ndim else False)).reshape(
            [1] * a.ndim if keepdim else []
        )
    axes = tuple(d % max(a.ndim, 1) for d in ((dim,) if isinstance(dim, int) else dim))
    if a.ndim == 0:
        return np.asarray(reference(a.reshape(1), (0,), False))
    return np.asarray(reference(a, axes, keepdim))


@pytest.mark.parametrize("name", list(REDUCTIONS))
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_reductions_match_numpy(name, data):
    reference, dtypes, rule, nonempty, exact, bound, single_dim = REDUCTIONS[name]
    a, dim, keepdim = data.draw(_reduction_args(dtypes, bound, nonempty, single_dim))
    if single_dim and dim is None:
        keepdim = False  # prod(input) has no keepdim
    out_dtype = {
        "int64": a.dtype if a.dtype in FLOATS else I64,  # PyTorch sums integers in int64
        "same": a.dtype,
        "bool": BOOL,
    }[rule]
    with np.errstate(all="ignore"):
        expected = _reduce_reference(
            lambda x, axis, keepdims: (
                reference(x, axis=axis, keepdims=keepdims)
                if reference in (np.mean, np.amax, np.amin, np.all, np.any)
                else reference(x, axis, keepdims)
            ),
            a,
            dim,
            keepdim,
        ).astype(out_dtype)
    t = _tensor(a)
    if name == "logsumexp" and dim is None:
        dim = tuple(range(a.ndim)) or 0  # PyTorch's logsumexp needs dims
    actual = getattr(fg, name)(t) if dim is None else getattr(fg, name)(t, dim, keepdim=keepdim)
    if dim is None and keepdim:  # all dims, kept: the dims named
        actual = getattr(fg, name)(t, tuple(range(a.ndim)) or 0, keepdim=True)
    tolerance = _tolerance(out_dtype, exact)
    if not exact and out_dtype in FLOATS:
        # summation order differs between libraries: tolerate rounding of the magnitudes
        finite = np.abs(a.astype(F64))
        scale = np.sum(finite[np.isfinite(finite)]) + 1.0  # + 1: log(1 + tiny) in logsumexp
        tolerance["atol"] = max(tolerance["atol"], 64 * np.finfo(out_dtype).eps * scale)
        tolerance["rtol"] = max(tolerance["rtol"], 64 * np.finfo(out_dtype).eps)
    _assert_matches(actual, expected, **tolerance, zero_sign=name not in ZERO_SIGN_UNSPECIFIED)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_argmax_argmin_match_numpy(name, data):
    """The first extreme (NaN counts as the extreme, as in both libraries)."""
    a, dim, keepdim = data.draw(_reduction_args((*INTS, *FLOATS), None, True, True))
    reference = np.argmax if name == "argmax" else np.argmin
    if dim is None:
        expected = np.asarray(reference(a))
        if keepdim:
            expected = expected.reshape([1] * a.ndim)
        actual = getattr(fg, name)(_tensor(a), keepdim=keepdim)
    else:
        axis = dim % max(a.ndim, 1)
        expected = np.asarray(reference(a.reshape(a.shape or (1,)), axis=axis, keepdims=keepdim))
        expected = expected.reshape(expected.shape if a.ndim else ())
        actual = getattr(fg, name)(_tensor(a), dim, keepdim=keepdim)
    _assert_matches(actual, expected.astype(I64))
