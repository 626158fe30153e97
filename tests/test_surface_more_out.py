"""``out=`` (``ferrograd._ops_out``): the result written into the given tensor (cast when
PyTorch's casting rules allow, resized with PyTorch's warning when its shape differs, a tuple
of outputs for functions returning several tensors), and PyTorch's errors: dtypes that cannot
be cast, exact dtypes for the matrix products and index outputs, and no autograd."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
from more_cases import assert_matches, check_error


def f32(m, values):
    return m.tensor(np.asarray(values, dtype=np.float32))


def ints(m, values):
    return m.tensor(np.asarray(values, dtype=np.int64))


def written(function, out_factory):
    """``function(m, out)`` run with a fresh ``out``; returns ``(result is out, out)``."""

    def case(m):
        out = out_factory(m)
        result = function(m, out)
        same = (
            all(r is o for r, o in zip(result, out, strict=True))
            if isinstance(out, tuple)
            else result is out
        )
        return [same, out]

    return case


CASES = {
    "add": written(lambda m, o: m.add(f32(m, [1, 2]), f32(m, [3, 4]), out=o), lambda m: m.zeros(2)),
    "add_into_float64": written(
        lambda m, o: m.add(f32(m, [1, 2]), 0.5, out=o), lambda m: m.zeros(2, dtype=m.float64)
    ),
    "add_ints_into_float": written(
        lambda m, o: m.add(ints(m, [1, 2]), ints(m, [3, 4]), out=o), lambda m: m.zeros(2)
    ),
    "exp_into_empty": written(lambda m, o: m.exp(f32(m, [0, 1]), out=o), lambda m: m.zeros(0)),
    "sum_dim": written(
        lambda m, o: m.sum(f32(m, [[1, 2], [3, 4]]), 1, out=o), lambda m: m.zeros(2)
    ),
    "cat": written(
        lambda m, o: m.cat([f32(m, [1]), f32(m, [2, 3])], out=o),
        lambda m: m.zeros(3, dtype=m.float64),
    ),
    "stack": written(
        lambda m, o: m.stack([f32(m, [1]), f32(m, [2])], 1, out=o), lambda m: m.zeros(0)
    ),
    "matmul": written(
        lambda m, o: m.matmul(f32(m, [[1, 2]]), f32(m, [[3], [4]]), out=o), lambda m: m.zeros(1, 1)
    ),
    "sort": written(
        lambda m, o: m.sort(f32(m, [3, 1, 2]), out=o),
        lambda m: (m.zeros(3), m.zeros(3, dtype=m.int64)),
    ),
    "max_dim": written(
        lambda m, o: m.max(f32(m, [[3, 1], [2, 5]]), 1, out=o),
        lambda m: (m.zeros(2), m.zeros(2, dtype=m.int64)),
    ),
    "tensordot": written(
        lambda m, o: m.tensordot(m.ones(2, 3), m.ones(3, 2), 1, out=o), lambda m: m.zeros(2, 2)
    ),
    "searchsorted": written(
        lambda m, o: m.searchsorted(f32(m, [1, 3, 5]), f32(m, [4, 0]), out=o),
        lambda m: m.zeros(2, dtype=m.int64),
    ),
    "where": written(
        lambda m, o: m.where(m.tensor([True, False]), f32(m, [1, 2]), f32(m, [3, 4]), out=o),
        lambda m: m.zeros(2),
    ),
    "hypot": written(lambda m, o: m.hypot(f32(m, [3]), f32(m, [4]), out=o), lambda m: m.zeros(1)),
    "quantile": written(
        lambda m, o: m.quantile(f32(m, [1, 2, 3]), 0.5, out=o), lambda m: m.zeros(())
    ),
}

EXPECTED = {
    "add": [True, ("float32", [4.0, 6.0])],
    "add_into_float64": [True, ("float64", [1.5, 2.5])],
    "add_ints_into_float": [True, ("float32", [4.0, 6.0])],
    "exp_into_empty": [True, ("float32", [1.0, 2.7182817])],
    "sum_dim": [True, ("float32", [3.0, 7.0])],
    "cat": [True, ("float64", [1.0, 2.0, 3.0])],
    "stack": [True, ("float32", [[1.0, 2.0]])],
    "matmul": [True, ("float32", [[11.0]])],
    "sort": [True, [("float32", [1.0, 2.0, 3.0]), ("int64", [1, 2, 0])]],
    "max_dim": [True, [("float32", [3.0, 5.0]), ("int64", [0, 1])]],
    "tensordot": [True, ("float32", [[3.0, 3.0], [3.0, 3.0]])],
    "searchsorted": [True, ("int64", [2, 0])],
    "where": [True, ("float32", [1.0, 4.0])],
    "hypot": [True, ("float32", [5.0])],
    "quantile": [True, ("float32", 2.0)],
}

ERRORS = {
    "float_into_long": (
        lambda m: m.add(f32(m, [1]), f32(m, [2]), out=ints(m, [0])),
        "RuntimeError",
        "result type Float can't be cast to the desired output type Long",
    ),
    "into_bool": (
        lambda m: m.add(ints(m, [1]), ints(m, [2]), out=m.tensor([False])),
        "RuntimeError",
        "result type Long can't be cast to the desired output type Bool",
    ),
    "matmul_exact_dtype": (
        lambda m: m.mm(f32(m, [[1]]), f32(m, [[2]]), out=m.zeros(1, 1, dtype=m.float64)),
        "RuntimeError",
        "Expected out tensor to have dtype float, but got double instead",
    ),
    "index_output_dtype": (
        lambda m: m.max(f32(m, [[3, 1]]), 1, out=(m.zeros(1), m.tensor([0], dtype=m.int32))),
        "RuntimeError",
        "Expected out tensor to have dtype long int, but got int instead",
    ),
    "input_requires_grad": (
        lambda m: m.add(f32(m, [1]).requires_grad_(), f32(m, [2]), out=m.zeros(1)),
        "RuntimeError",
        r"add\(\): functions with out=... arguments don't support automatic differentiation, "
        "but one of the arguments requires grad.",
    ),
    "out_requires_grad": (
        lambda m: m.add(f32(m, [1]), f32(m, [2]), out=m.zeros(1, requires_grad=True)),
        "RuntimeError",
        "don't support automatic differentiation",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_value_matches_pytorch(name):
    assert_matches(CASES[name](fg), EXPECTED[name], name)


def test_every_case_has_a_recorded_value():
    assert set(CASES) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_matches_pytorch(name):
    check_error(*ERRORS[name])


def test_resizing_a_nonempty_out_warns_as_pytorch():
    out = fg.zeros(3)
    with pytest.warns(UserWarning, match=r"An output with one or more elements was resized since"):
        fg.add(fg.ones(2), 1, out=out)
    assert out.tolist() == [2.0, 2.0]


def test_out_keeps_its_storage_when_the_shape_fits():
    base = fg.zeros(2, 2)
    row = base[0]
    fg.add(fg.ones(2), 1, out=row)
    assert base.tolist() == [[2.0, 2.0], [0.0, 0.0]]


def test_out_is_allowed_without_grad_mode():
    x = fg.ones(1, requires_grad=True)
    with fg.no_grad():
        out = fg.zeros(1)
        fg.mul(x, 3, out=out)
    assert out.tolist() == [3.0]
