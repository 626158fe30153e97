"""``ferrograd.testing.assert_close`` against ``torch.testing.assert_close``: the default
tolerances per dtype, what passes, and PyTorch's exact failure reports (checked against
PyTorch by tools/record_torch_values.py --errors; see more_cases.py)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import ferrograd as fg
from more_cases import check_error

NAN, INF = float("nan"), float("inf")


def close(m):
    return m.testing.assert_close


def f32(m, values):
    return m.tensor(np.asarray(values, dtype=np.float32))


def f64(m, values):
    return m.tensor(np.asarray(values, dtype=np.float64), dtype=m.float64)


def exactly(text: str) -> str:
    return "^" + re.escape(text) + "$"


PASSES = {
    "float32_default": lambda m: close(m)(f32(m, [1.0, 2.0]), f32(m, [1.0, 2.000001])),
    "float64_default": lambda m: close(m)(f64(m, [1.0]), f64(m, [1.0 + 5e-8])),
    "dtype_unchecked": lambda m: close(m)(
        m.zeros(2), m.zeros(2, dtype=m.float64), check_dtype=False
    ),
    "nan_equal": lambda m: close(m)(f32(m, [NAN]), f32(m, [NAN]), equal_nan=True),
    "infinities": lambda m: close(m)(f32(m, [INF, -INF]), f32(m, [INF, -INF])),
    "given_tolerances": lambda m: close(m)(f32(m, [1.0]), f32(m, [1.1]), rtol=0, atol=0.2),
    "requires_grad": lambda m: close(m)(f32(m, [1.0]).requires_grad_(), f32(m, [1.0])),
    "containers": lambda m: close(m)(
        {"a": [f32(m, [1.0]), 2.0], "b": None}, {"a": [f32(m, [1.0]), 2.0], "b": None}
    ),
    "numpy": lambda m: close(m)(np.array([1.0, 2.0]), np.array([1.0, 2.0])),
    "ints": lambda m: close(m)(m.tensor([1, 2]), m.tensor([1, 2])),
}

ERRORS = {
    "float32": (
        lambda m: close(m)(f32(m, [1.0, 2.0, 3.0]), f32(m, [1.0, 2.5, 3.0])),
        "AssertionError",
        exactly(
            "Tensor-likes are not close!\n\nMismatched elements: 1 / 3 (33.3%)\nGreatest absolute "
            "difference: 0.5 at index (1,) (up to 1e-05 allowed)\nGreatest relative difference: "
            "0.20000000298023224 at index (1,) (up to 1.3e-06 allowed)"
        ),
    ),
    "matrix": (
        lambda m: close(m)(f32(m, [[1.0, 2.0], [3.0, 4.0]]), f32(m, [[1.0, 2.5], [3.0, -4.0]])),
        "AssertionError",
        exactly(
            "Tensor-likes are not close!\n\nMismatched elements: 2 / 4 (50.0%)\nGreatest absolute "
            "difference: 8.0 at index (1, 1) (up to 1e-05 allowed)\nGreatest relative "
            "difference: 2.0 at index (1, 1) (up to 1.3e-06 allowed)"
        ),
    ),
    "only_mismatches_count": (
        lambda m: close(m)(m.arange(100.0), m.arange(100.0) + m.arange(100.0) % 7 * 1e-3),
        "AssertionError",
        exactly(
            "Tensor-likes are not close!\n\nMismatched elements: 85 / 100 (85.0%)\nGreatest "
            "absolute difference: 0.006000518798828125 at index (20,) (up to 1e-05 allowed)\n"
            "Greatest relative difference: 0.0009990476537495852 at index (1,) (up to 1.3e-06 "
            "allowed)"
        ),
    ),
    "integers": (
        lambda m: close(m)(m.tensor([1, 2, 3]), m.tensor([1, 4, 3])),
        "AssertionError",
        exactly(
            "Tensor-likes are not equal!\n\nMismatched elements: 1 / 3 (33.3%)\nGreatest absolute "
            "difference: 2 at index (1,)\nGreatest relative difference: 0.5 at index (1,)"
        ),
    ),
    "bools": (
        lambda m: close(m)(m.tensor([True, False]), m.tensor([True, True])),
        "AssertionError",
        "Tensor-likes are not equal!\n\nMismatched elements: 1 / 2 \\(50.0%\\)",
    ),
    "nan": (
        lambda m: close(m)(f32(m, [NAN]), f32(m, [NAN])),
        "AssertionError",
        "Greatest absolute difference: nan at index \\(0,\\)",
    ),
    "opposite_infinities": (
        lambda m: close(m)(f32(m, [INF]), f32(m, [-INF])),
        "AssertionError",
        "Greatest absolute difference: inf at index \\(0,\\) \\(up to 1e-05 allowed\\)\n"
        "Greatest relative difference: nan",
    ),
    "float64_scalars": (
        lambda m: close(m)(1.0, 1.5),
        "AssertionError",
        exactly(
            "Scalars are not close!\n\nExpected 1.5 but got 1.0.\nAbsolute difference: 0.5 (up to "
            "1e-07 allowed)\nRelative difference: 0.3333333333333333 (up to 1e-07 allowed)"
        ),
    ),
    "int_scalars": (
        lambda m: close(m)(1, 2),
        "AssertionError",
        exactly(
            "Scalars are not equal!\n\nExpected 2 but got 1.\nAbsolute difference: 1\nRelative "
            "difference: 0.5"
        ),
    ),
    "zero_dim": (
        lambda m: close(m)(f32(m, 1.0), f32(m, 2.0)),
        "AssertionError",
        exactly(
            "Scalars are not close!\n\nExpected 2.0 but got 1.0.\nAbsolute difference: 1.0 (up to "
            "1e-05 allowed)\nRelative difference: 0.5 (up to 1.3e-06 allowed)"
        ),
    ),
    "shape": (
        lambda m: close(m)(m.zeros(2), m.zeros(3)),
        "AssertionError",
        r"The values for attribute 'shape' do not match: (torch|ferrograd).Size\(\[2\]\) != "
        r"(torch|ferrograd).Size\(\[3\]\).",
    ),
    "dtype": (
        lambda m: close(m)(m.tensor([1]), m.tensor([1.0])),
        "AssertionError",
        r"The values for attribute 'dtype' do not match: (torch|ferrograd).int64 != "
        r"(torch|ferrograd).float32.",
    ),
    "types": (
        lambda m: close(m)(m.zeros(2), 0),
        "TypeError",
        "No comparison pair was able to handle inputs of type <class '.*Tensor'> and <class "
        "'int'>.",
    ),
    "rtol_without_atol": (
        lambda m: close(m)(m.zeros(2), m.zeros(2), rtol=1e-3),
        "ValueError",
        "Both 'rtol' and 'atol' must be either specified or omitted, but got no atol.",
    ),
    "sequence_item": (
        lambda m: close(m)([f32(m, 1.0), 2.0], [f32(m, 1.0), 2.5]),
        "AssertionError",
        "Relative difference: 0.2 \\(up to 1e-07 allowed\\)\n\nThe failure occurred for item "
        "\\[1\\]$",
    ),
    "sequence_length": (
        lambda m: close(m)([1, 2], [1]),
        "AssertionError",
        "The length of the sequences mismatch: 2 != 1",
    ),
    "mapping_item": (
        lambda m: close(m)({"a": f32(m, [1.0])}, {"a": f32(m, [2.0])}),
        "AssertionError",
        "The failure occurred for item \\['a'\\]$",
    ),
    "mapping_keys": (
        lambda m: close(m)({"a": 1}, {"b": 1}),
        "AssertionError",
        exactly(
            "The keys of the mappings do not match:\nMissing keys in the actual mapping: ['b']\n"
            "Additional keys in the actual mapping: ['a']"
        ),
    ),
    "msg": (
        lambda m: close(m)(f32(m, [1.0]), f32(m, [2.0]), msg="custom"),
        "AssertionError",
        "^custom$",
    ),
    "msg_callable": (
        lambda m: close(m)(f32(m, [1.0]), f32(m, [2.0]), msg=lambda s: "X" + s[:10]),
        "AssertionError",
        "^XTensor-lik$",
    ),
    "numpy": (
        lambda m: close(m)(np.array([1.0, 2.0]), np.array([1.0, 3.0])),
        "AssertionError",
        "Greatest relative difference: 0.3333333333333333 at index \\(1,\\) \\(up to 1e-07",
    ),
    "bool_scalars": (
        lambda m: close(m)(True, False),
        "AssertionError",
        "Booleans mismatch: True is not False",
    ),
    "none": (lambda m: close(m)(None, 1), "AssertionError", "None mismatch: None is not 1"),
}


@pytest.mark.parametrize("name", sorted(PASSES))
def test_close_inputs_pass(name):
    PASSES[name](fg)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_failure_report_matches_pytorch(name):
    check_error(*ERRORS[name])


def test_make_tensor():
    t = fg.testing.make_tensor(2, 3, dtype=fg.float64, low=-1, high=1, requires_grad=True)
    assert t.shape == (2, 3) and t.dtype == fg.float64 and t.requires_grad
    assert ((t >= -1) & (t < 1)).all()
    i = fg.testing.make_tensor((4,), dtype=fg.int64, low=0, high=3, exclude_zero=True)
    assert ((i >= 1) & (i <= 3)).all()
