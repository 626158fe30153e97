"""Factories of ``ferrograd._ops_creation_extra``: the ``Tensor.new_*`` family,
``empty_strided``, ``scalar_tensor``, ``logspace``, ``vander`` and the signal windows. Values
and errors recorded from PyTorch (see more_cases.py)."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
from more_cases import assert_matches, check_error, check_forward, check_grads


def i32(m):
    return m.tensor([1, 2], dtype=m.int32)


WINDOWS = ["bartlett_window", "blackman_window", "hamming_window", "hann_window", "kaiser_window"]


def window(name, *args, **kwargs):
    return lambda m: getattr(m, name)(*args, **{k: getattr(m, v) for k, v in kwargs.items()})


CASES = {
    "new_tensor": lambda m: i32(m).new_tensor([1.5, 2.0]),
    "new_tensor_dtype": lambda m: i32(m).new_tensor([1.5], dtype=m.float64),
    "new_zeros": lambda m: i32(m).new_zeros(2, 3),
    "new_zeros_tuple": lambda m: i32(m).new_zeros((2,)),
    "new_ones_dtype": lambda m: i32(m).new_ones(2, dtype=m.float64),
    "new_full": lambda m: i32(m).new_full((2,), 3.7),
    "new_empty_shape": lambda m: m.ones(2).new_empty(0, 3).shape,
    "new_empty_strided": lambda m: m.ones(2).new_empty_strided((2, 3), (1, 2)).stride(),
    "new_sizes": lambda m: i32(m).new(2, 3).shape,
    "new_data": lambda m: i32(m).new([1, 2]),
    "new_nothing": lambda m: m.ones(1).new().shape,
    "empty_strided": lambda m: m.empty_strided((2, 3), (1, 2)).stride(),
    "empty_strided_dtype": lambda m: m.empty_strided((2,), (1,), dtype=m.int64).dtype,
    "scalar_tensor": lambda m: m.scalar_tensor(3),
    "scalar_tensor_bool": lambda m: m.scalar_tensor(True),
    "scalar_tensor_dtype": lambda m: m.scalar_tensor(2, dtype=m.int64),
    "logspace": lambda m: m.logspace(0, 2, 3),
    "logspace_base": lambda m: m.logspace(0, 3, 4, base=2.0, dtype=m.float64),
    "logspace_int": lambda m: m.logspace(0, 2, 3, dtype=m.int64),
    "logspace_fraction": lambda m: m.logspace(-1.5, 1.0, 6),
    "vander": lambda m: m.vander(m.tensor([1, 2, 3])),
    "vander_n_increasing": lambda m: m.vander(m.tensor([1.0, 2.0, 3.0]), N=2, increasing=True),
    "vander_zero": lambda m: m.vander(m.tensor([0.0, 2.0]), N=4),
    **{f"{w}": window(w, 7) for w in WINDOWS},
    **{f"{w}_symmetric": window(w, 6, False) for w in WINDOWS},
    **{f"{w}_1": window(w, 1) for w in WINDOWS},
    **{f"{w}_0": window(w, 0) for w in WINDOWS},
    **{f"{w}_float64": window(w, 5, dtype="float64") for w in WINDOWS},
    "hamming_alpha_beta": lambda m: m.hamming_window(5, False, 0.5, 0.5),
    "kaiser_beta": lambda m: m.kaiser_window(4, True, beta=5.0, dtype=m.float64),
}

EXPECTED = {
    "new_tensor": ("int32", [1, 2]),
    "new_tensor_dtype": ("float64", [1.5]),
    "new_zeros": ("int32", [[0, 0, 0], [0, 0, 0]]),
    "new_zeros_tuple": ("int32", [0, 0]),
    "new_ones_dtype": ("float64", [1.0, 1.0]),
    "new_full": ("int32", [3, 3]),
    "new_empty_shape": [0, 3],
    "new_empty_strided": [1, 2],
    "new_sizes": [2, 3],
    "new_data": ("int32", [1, 2]),
    "new_nothing": [0],
    "empty_strided": [1, 2],
    "empty_strided_dtype": "int64",
    "scalar_tensor": ("float32", 3.0),
    "scalar_tensor_bool": ("float32", 1.0),
    "scalar_tensor_dtype": ("int64", 2),
    "logspace": ("float32", [1.0, 10.0, 100.0]),
    "logspace_base": ("float64", [1.0, 2.0, 4.0, 8.0]),
    "logspace_int": ("int64", [1, 10, 100]),
    "logspace_fraction": ("float32", [0.031622775, 0.1, 0.31622776, 1.0, 3.1622777, 10.0]),
    "vander": ("int64", [[1, 1, 1], [4, 2, 1], [9, 3, 1]]),
    "vander_n_increasing": ("float32", [[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]]),
    "vander_zero": ("float32", [[0.0, 0.0, 0.0, 1.0], [8.0, 4.0, 2.0, 1.0]]),
    "bartlett_window": (
        "float32",
        [0.0, 0.2857143, 0.5714286, 0.85714293, 0.85714281, 0.57142854, 0.28571415],
    ),
    "blackman_window": (
        "float32",
        [-2.9802322e-08, 0.090453416, 0.45918295, 0.92036366, 0.92036355, 0.45918298, 0.090453327],
    ),
    "hamming_window": (
        "float32",
        [0.080000013, 0.25319472, 0.64235967, 0.95444572, 0.95444572, 0.64235967, 0.2531946],
    ),
    "hann_window": (
        "float32",
        [0.0, 0.1882551, 0.61126047, 0.95048445, 0.9504844, 0.61126053, 0.18825498],
    ),
    "kaiser_window": (
        "float32",
        [5.2773437e-05, 0.03276829, 0.33089852, 0.88886839, 0.88886839, 0.33089852, 0.03276829],
    ),
    "bartlett_window_symmetric": (
        "float32",
        [0.0, 0.40000001, 0.80000001, 0.79999995, 0.39999998, 0.0],
    ),
    "blackman_window_symmetric": (
        "float32",
        [-2.9802322e-08, 0.20077014, 0.84922981, 0.84922981, 0.20077008, -2.9802322e-08],
    ),
    "hamming_window_symmetric": (
        "float32",
        [0.080000013, 0.39785221, 0.91214788, 0.91214782, 0.39785212, 0.080000013],
    ),
    "hann_window_symmetric": (
        "float32",
        [0.0, 0.34549153, 0.90450847, 0.90450847, 0.34549144, 0.0],
    ),
    "kaiser_window_symmetric": (
        "float32",
        [5.2773437e-05, 0.10171971, 0.79293942, 0.79293942, 0.10171971, 5.2773437e-05],
    ),
    "bartlett_window_1": ("float32", [1.0]),
    "blackman_window_1": ("float32", [1.0]),
    "hamming_window_1": ("float32", [1.0]),
    "hann_window_1": ("float32", [1.0]),
    "kaiser_window_1": ("float32", [1.0]),
    "bartlett_window_0": ("float32", [], [0]),
    "blackman_window_0": ("float32", [], [0]),
    "hamming_window_0": ("float32", [], [0]),
    "hann_window_0": ("float32", [], [0]),
    "kaiser_window_0": ("float32", [], [0]),
    "bartlett_window_float64": ("float64", [0.0, 0.4, 0.8, 0.8, 0.4]),
    "blackman_window_float64": ("float64", [0.0, 0.20077014, 0.84922986, 0.84922986, 0.20077014]),
    "hamming_window_float64": ("float64", [0.08, 0.39785218, 0.91214782, 0.91214782, 0.39785218]),
    "hann_window_float64": ("float64", [0.0, 0.3454915, 0.9045085, 0.9045085, 0.3454915]),
    "kaiser_window_float64": (
        "float64",
        [5.2773441e-05, 0.10171969, 0.79293983, 0.79293983, 0.10171969],
    ),
    "hamming_alpha_beta": ("float32", [0.0, 0.5, 1.0, 0.5, 0.0]),
    "kaiser_beta": ("float64", [0.036710892, 0.55285177, 1.0, 0.55285177]),
}

ERRORS = {
    "window_negative": (
        lambda m: m.hann_window(-1),
        "RuntimeError",
        "hann_window requires non-negative window_length, got window_length=-1",
    ),
    "window_int_dtype": (
        lambda m: m.blackman_window(3, dtype=m.int64),
        "RuntimeError",
        "blackman_window expects floating point dtypes",
    ),
    "vander_2d": (
        lambda m: m.vander(m.zeros(2, 2)),
        "RuntimeError",
        "x must be a one-dimensional tensor.",
    ),
    "empty_strided_lengths": (
        lambda m: m.empty_strided((2, 3), (1,)),
        "RuntimeError",
        "mismatch in length of strides and shape",
    ),
}

GRADS = {
    "vander": (lambda x: fg.vander(x, 4), [np.array([0.5, -1.2, 0.0])]),
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


def test_new_factories_keep_device_and_take_requires_grad():
    x = fg.zeros(2, dtype=fg.float64)
    made = x.new_tensor([1.0], requires_grad=True)
    assert made.requires_grad and made.is_leaf and made.dtype == fg.float64
    assert x.new_zeros(3, requires_grad=True).requires_grad
    assert x.new_full((1,), 2).device == x.device
