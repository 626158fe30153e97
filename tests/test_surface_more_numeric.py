"""Numerical routines of ``ferrograd._ops_numeric``: ``dist``, ``inner``, ``vdot``,
``trapezoid``/``trapz``, ``cumulative_trapezoid``, ``gradient``, ``isin``, ``unravel_index``;
and ``chain_matmul``. Values and errors recorded from PyTorch (see more_cases.py); gradients
against finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
from more_cases import assert_matches, check_error, check_forward, check_grads

# chain_matmul warns that it is deprecated, as PyTorch does (checked once, below).
pytestmark = pytest.mark.filterwarnings("ignore:torch.chain_matmul is deprecated")


def f32(m, values):
    return m.tensor(np.asarray(values, dtype=np.float32))


def f64(m, values):
    return m.tensor(np.asarray(values, dtype=np.float64), dtype=m.float64)


def ints(m, values):
    return m.tensor(np.asarray(values, dtype=np.int64))


Y = [1.0, 2.0, 4.0, 8.0, 10.0]
COORDS = [0.0, 1.0, 1.5, 3.5, 4.0]
M = [[1.0, 2.0, 4.0], [8.0, 10.0, 20.0]]

CASES = {
    "dist": lambda m: m.dist(f32(m, [1.0, 2.0]), f32(m, [3.0, 5.0]), 3),
    "dist_default": lambda m: f32(m, [[1.0, 2.0]]).dist(f32(m, [3.0, 5.0])),
    "dist_inf": lambda m: m.dist(f32(m, [1.0, 2.0]), f32(m, [3.0, 5.0]), float("inf")),
    "dist_0": lambda m: m.dist(f32(m, [1.0, 2.0]), f32(m, [3.0, 2.0]), 0),
    "inner": lambda m: m.inner(m.arange(6.0).reshape(2, 3), m.arange(3.0)),
    "inner_matrices": lambda m: m.arange(6.0).reshape(2, 3).inner(m.arange(9.0).reshape(3, 3)),
    "inner_0d": lambda m: m.inner(f32(m, 2.0), m.arange(3.0)),
    "vdot": lambda m: m.vdot(f32(m, [1.0, 2.0]), f32(m, [3.0, 5.0])),
    "trapezoid": lambda m: m.trapezoid(f32(m, [1.0, 2.0, 4.0])),
    "trapezoid_x": lambda m: m.trapezoid(f32(m, [1.0, 2.0, 4.0]), f32(m, [0.0, 1.0, 3.0])),
    "trapezoid_dx_dim": lambda m: m.trapezoid(f32(m, M), dx=0.5, dim=1),
    "trapezoid_x_2d": lambda m: m.trapezoid(f32(m, M), f32(m, [[0.0, 1.0, 3.0], [0.0, 2.0, 3.0]])),
    "trapezoid_int": lambda m: m.trapezoid(ints(m, [1, 2, 4])),
    "trapezoid_empty": lambda m: m.trapezoid(f32(m, [])),
    "cumulative_trapezoid": lambda m: m.cumulative_trapezoid(f32(m, [1.0, 2.0, 4.0])),
    "cumulative_trapezoid_x": lambda m: m.cumulative_trapezoid(
        f32(m, [1.0, 2.0, 4.0]), f32(m, [0.0, 1.0, 3.0])
    ),
    "cumulative_trapezoid_dx_dim": lambda m: m.cumulative_trapezoid(f32(m, M), dx=0.5, dim=1),
    "cumulative_trapezoid_x_2d": lambda m: m.cumulative_trapezoid(
        f32(m, M), f32(m, [[0.0, 1.0, 3.0], [0.0, 2.0, 3.0]])
    ),
    "cumulative_trapezoid_dim0": lambda m: m.cumulative_trapezoid(f32(m, M), dim=0),
    "cumulative_trapezoid_int": lambda m: m.cumulative_trapezoid(ints(m, [1, 2, 4])),
    "cumulative_trapezoid_one": lambda m: m.cumulative_trapezoid(f32(m, [3.0])),
    "cumulative_trapezoid_spacing": lambda m: m.cumulative_trapezoid(
        f32(m, [1.0, 2.0, 4.0]), dx=2.0
    ),
    "chain_matmul": lambda m: m.chain_matmul(m.ones(2, 3), m.ones(3, 4), m.ones(4, 1)),
    "chain_matmul_one": lambda m: m.chain_matmul(m.ones(2, 3)),
    "trapz": lambda m: m.trapz(f32(m, [1.0, 2.0, 4.0]), f32(m, [0.0, 1.0, 3.0])),
    "trapz_dx": lambda m: m.trapz(f32(m, [1.0, 2.0, 4.0]), dx=2.0),
    "gradient": lambda m: m.gradient(f32(m, Y)),
    "gradient_spacing": lambda m: m.gradient(f32(m, Y), spacing=2.0),
    "gradient_coordinates": lambda m: m.gradient(f32(m, Y), spacing=(f32(m, COORDS),)),
    "gradient_coordinates_edge2": lambda m: m.gradient(
        f64(m, Y), spacing=(f64(m, COORDS),), edge_order=2
    ),
    "gradient_2d": lambda m: m.gradient(f32(m, M)),
    "gradient_2d_dim_edge2": lambda m: m.gradient(f32(m, M), dim=1, edge_order=2),
    "gradient_int": lambda m: m.gradient(ints(m, [1, 2, 4, 8])),
    "gradient_spacing_list": lambda m: m.gradient(f32(m, M), spacing=[2.0, 0.5]),
    "isin": lambda m: m.isin(ints(m, [[1, 2], [3, 4]]), ints(m, [2, 3])),
    "isin_invert": lambda m: m.isin(ints(m, [1, 2]), ints(m, [2]), invert=True),
    "isin_scalar_test": lambda m: m.isin(ints(m, [1, 2]), 2),
    "isin_scalar_element": lambda m: m.isin(2, ints(m, [1, 2])),
    "isin_nan": lambda m: m.isin(f32(m, [float("nan"), 1.0]), f32(m, [float("nan"), 1.0])),
    "unravel_index": lambda m: m.unravel_index(ints(m, [4, 1, 7]), (2, 4)),
    "unravel_index_2d": lambda m: m.unravel_index(ints(m, [[5], [0]]), (2, 3)),
    "unravel_index_wraps": lambda m: m.unravel_index(ints(m, [9]), (2, 4)),
}

EXPECTED = {
    "dist": ("float32", 3.2710664),
    "dist_default": ("float32", 3.6055512),
    "dist_inf": ("float32", 3.0),
    "dist_0": ("float32", 1.0),
    "inner": ("float32", [5.0, 14.0]),
    "inner_matrices": ("float32", [[5.0, 14.0, 23.0], [14.0, 50.0, 86.0]]),
    "inner_0d": ("float32", [0.0, 2.0, 4.0]),
    "vdot": ("float32", 13.0),
    "trapezoid": ("float32", 4.5),
    "trapezoid_x": ("float32", 7.5),
    "trapezoid_dx_dim": ("float32", [2.25, 12.0]),
    "trapezoid_x_2d": ("float32", [7.5, 33.0]),
    "trapezoid_int": ("float32", 4.5),
    "trapezoid_empty": ("float32", 0.0),
    "cumulative_trapezoid": ("float32", [1.5, 4.5]),
    "cumulative_trapezoid_x": ("float32", [1.5, 7.5]),
    "cumulative_trapezoid_dx_dim": ("float32", [[0.75, 2.25], [4.5, 12.0]]),
    "cumulative_trapezoid_x_2d": ("float32", [[1.5, 7.5], [18.0, 33.0]]),
    "cumulative_trapezoid_dim0": ("float32", [[4.5, 6.0, 12.0]]),
    "cumulative_trapezoid_int": ("float32", [1.5, 4.5]),
    "cumulative_trapezoid_one": ("float32", []),
    "cumulative_trapezoid_spacing": ("float32", [3.0, 9.0]),
    "chain_matmul": ("float32", [[12.0], [12.0]]),
    "chain_matmul_one": ("float32", [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]),
    "trapz": ("float32", 7.5),
    "trapz_dx": ("float32", 9.0),
    "gradient": [("float32", [1.0, 1.5, 3.0, 3.0, 2.0])],
    "gradient_spacing": [("float32", [0.5, 0.75, 1.5, 1.5, 1.0])],
    "gradient_coordinates": [("float32", [1.0, 3.0000002, 3.5999999, 3.6000004, 4.0])],
    "gradient_coordinates_edge2": [("float64", [-1.0, 3.0, 3.6, 3.6, 4.4])],
    "gradient_2d": [
        ("float32", [[7.0, 8.0, 16.0], [7.0, 8.0, 16.0]]),
        ("float32", [[1.0, 1.5, 2.0], [2.0, 6.0, 10.0]]),
    ],
    "gradient_2d_dim_edge2": [("float32", [[0.5, 1.5, 2.5], [-2.0, 6.0, 14.0]])],
    "gradient_int": [("float32", [1.0, 1.5, 3.0, 4.0])],
    "gradient_spacing_list": [
        ("float32", [[3.5, 4.0, 8.0], [3.5, 4.0, 8.0]]),
        ("float32", [[2.0, 3.0, 4.0], [4.0, 12.0, 20.0]]),
    ],
    "isin": ("bool", [[False, True], [True, False]]),
    "isin_invert": ("bool", [True, False]),
    "isin_scalar_test": ("bool", [False, True]),
    "isin_scalar_element": ("bool", True),
    "isin_nan": ("bool", [False, True]),
    "unravel_index": [("int64", [1, 0, 1]), ("int64", [0, 1, 3])],
    "unravel_index_2d": [("int64", [[1], [0]]), ("int64", [[2], [0]])],
    "unravel_index_wraps": [("int64", [0]), ("int64", [1])],
}

ERRORS = {
    "inner_sizes": (
        lambda m: m.inner(m.arange(6.0).reshape(2, 3), m.arange(2.0)),
        "RuntimeError",
        r"inner\(\) the last dimension must match on both input tensors but got shapes \[2, 3\] "
        r"and \[2\]",
    ),
    "vdot_sizes": (
        lambda m: m.vdot(f32(m, [1.0, 2.0]), f32(m, [3.0, 5.0, 1.0])),
        "RuntimeError",
        r"inconsistent tensor size, expected tensor \[2\] and src \[3\] to have the same number "
        "of elements, but got 2 and 3 elements respectively",
    ),
    "vdot_2d": (
        lambda m: m.vdot(m.ones(2, 2), m.ones(2, 2)),
        "RuntimeError",
        "1D tensors expected, but got 2D and 2D tensors",
    ),
    "gradient_too_short": (
        lambda m: m.gradient(f32(m, [1.0])),
        "RuntimeError",
        "torch.gradient expected each dimension size to be at least edge_order\\+1",
    ),
    "cumulative_trapezoid_x_size": (
        lambda m: m.cumulative_trapezoid(f32(m, [1.0, 2.0, 4.0]), f32(m, [0.0, 1.0])),
        "RuntimeError",
        "cumulative_trapezoid: There must be one `x` value for each sample point",
    ),
    "trapezoid_0d": (
        lambda m: m.trapezoid(f32(m, 1.0)),
        "IndexError",
        "Dimension specified as -1 but tensor has no dimensions",
    ),
    "chain_matmul_none": (
        lambda m: m.chain_matmul(),
        "RuntimeError",
        r"chain_matmul\(\): Expected one or more matrices",
    ),
    "chain_matmul_vector": (
        lambda m: m.chain_matmul(m.ones(3)),
        "RuntimeError",
        "Tensor dimension is 1, expected 2 instead.",
    ),
    "unravel_index_float": (
        lambda m: m.unravel_index(f32(m, [1.0]), (2, 4)),
        "TypeError",
        "expected 'indices' to be integer dtype",
    ),
}

RNG = np.random.default_rng(3)
A = RNG.uniform(-1, 1, (2, 3))
B = RNG.uniform(-1, 1, (2, 3))
V = RNG.uniform(-1, 1, 3)

GRADS = {
    "dist": (lambda a, b: fg.dist(a, b, 3), [A, B]),
    "inner": (fg.inner, [A, B]),
    "vdot": (fg.vdot, [V, V[::-1].copy()]),
    "trapezoid": (lambda y: fg.trapezoid(y, dim=1), [A]),
    "trapezoid_x": (lambda y, x: fg.trapezoid(y, x), [A, np.array([0.0, 0.5, 2.0])]),
    "cumulative_trapezoid": (lambda y: fg.cumulative_trapezoid(y, dx=0.5), [A]),
    "cumulative_trapezoid_x": (
        lambda y, x: fg.cumulative_trapezoid(y, x, dim=0),
        [A, np.array([0.0, 0.5])],
    ),
    "chain_matmul": (lambda a, b: fg.chain_matmul(a, b.T, a), [A, B]),
    "gradient": (lambda y: fg.gradient(y, spacing=0.5, dim=1, edge_order=2), [A]),
    "gradient_coordinates": (
        lambda y: fg.gradient(y, spacing=(fg.tensor([0.0, 0.5, 2.0], dtype=fg.float64),), dim=1),
        [A],
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


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradients(name):
    check_grads(*GRADS[name])


@pytest.mark.parametrize("name", sorted(GRADS))
def test_forward_mode(name):
    check_forward(*GRADS[name])


def test_chain_matmul_warns_that_it_is_deprecated():
    with pytest.warns(UserWarning, match="Use torch.linalg.multi_dot instead"):
        fg.chain_matmul(fg.ones(2, 2))
