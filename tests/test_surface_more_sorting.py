"""Order statistics, uniqueness and counting (``ferrograd._ops_sorting``,
``ferrograd._ops_statistics``): ``median``/``nanmedian``/``kthvalue``/``mode`` (values and
indices, NaN and ties as PyTorch), ``quantile``/``nanquantile`` (every interpolation),
``unique``/``unique_consecutive``, ``histc``/``histogram``/``bincount``, ``aminmax``, ``cov``,
``corrcoef``. Values and errors recorded from PyTorch (see more_cases.py); gradients against
finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
from more_cases import assert_matches, check_error, check_forward, check_grads, inf, nan

NAN = np.nan


def f32(m, values):
    return m.tensor(np.asarray(values, dtype=np.float32))


def f64(m, values):
    return m.tensor(np.asarray(values, dtype=np.float64), dtype=m.float64)


def ints(m, values):
    return m.tensor(np.asarray(values, dtype=np.int64))


ROWS = [[3.0, 1.0, 2.0, 1.0], [NAN, 5.0, 4.0, 4.0], [2.0, NAN, 0.5, NAN]]
DATA = [[1.0, 7.0, 3.0, 4.0, -2.0], [2.0, 0.0, 5.0, 1.0, 2.5]]
Q = [0.0, 0.1, 0.5, 0.625, 0.75, 1.0]
POINTS = [[0.0, 1.0], [1.0, 2.0], [2.0, 2.0], [3.0, 0.5]]

CASES = {
    "median_all": lambda m: m.median(f32(m, DATA)),
    "median_all_nan": lambda m: f32(m, ROWS).median(),
    "median_all_empty": lambda m: m.median(f32(m, [])),
    "median_dim": lambda m: m.median(f32(m, ROWS), 1),
    "median_dim0_keepdim": lambda m: f32(m, DATA).median(0, keepdim=True),
    "median_ties": lambda m: m.median(f32(m, [1.0, 2.0, 1.0, 2.0, 1.0, 2.0]), 0),
    "median_int": lambda m: m.median(ints(m, [[3, 1, 2, 4], [9, 9, 0, 0]]), dim=-1),
    "median_0d": lambda m: m.median(f32(m, 3.0), 0),
    "nanmedian_dim": lambda m: m.nanmedian(f32(m, ROWS), 1),
    "nanmedian_all": lambda m: m.nanmedian(f32(m, ROWS)),
    "nanmedian_all_nan": lambda m: m.nanmedian(f32(m, [[NAN, NAN], [1.0, NAN]]), 1),
    "kthvalue": lambda m: m.kthvalue(f32(m, [3.0, 1.0, 2.0, 1.0]), 2),
    "kthvalue_dim0": lambda m: f32(m, DATA).kthvalue(2, 0, True),
    "kthvalue_nan": lambda m: m.kthvalue(f32(m, [1.0, NAN, 2.0, NAN]), 3),
    "kthvalue_0d": lambda m: m.kthvalue(f32(m, 3.0), 1),
    "mode": lambda m: m.mode(ints(m, [[1, 2, 2, 3, 3], [4, 4, 1, 1, 0]]), 1),
    "mode_float_nan": lambda m: m.mode(f32(m, [1.0, NAN, NAN, 2.0])),
    "mode_dim0": lambda m: ints(m, [[1, 2], [3, 2], [1, 0]]).mode(0, keepdim=True),
    "mode_0d": lambda m: m.mode(f32(m, 4.0)),
    "msort": lambda m: m.msort(f32(m, DATA)),
    "quantile": lambda m: m.quantile(f32(m, [1.0, 2.0, 3.0, 4.0]), 0.4),
    "quantile_t": lambda m: m.quantile(f64(m, [1.0, 2.0, 3.0, 4.0]), f64(m, [0.1, 0.5])),
    "quantile_linear": lambda m: m.quantile(f32(m, DATA), f32(m, Q), dim=1, keepdim=True),
    "quantile_lower": lambda m: m.quantile(f32(m, DATA), f32(m, Q), 1, interpolation="lower"),
    "quantile_higher": lambda m: m.quantile(f32(m, DATA), f32(m, Q), 0, interpolation="higher"),
    "quantile_midpoint": lambda m: f32(m, DATA).quantile(f32(m, Q), interpolation="midpoint"),
    "quantile_nearest": lambda m: m.quantile(f32(m, DATA), f32(m, Q), 1, interpolation="nearest"),
    "quantile_nan": lambda m: m.quantile(f32(m, ROWS), 0.5, dim=1),
    "quantile_keepdim_all": lambda m: m.quantile(f32(m, DATA), 0.3, keepdim=True),
    "nanquantile": lambda m: m.nanquantile(f32(m, ROWS), f32(m, [0.25, 0.5]), dim=1),
    "nanquantile_all_nan": lambda m: m.nanquantile(f32(m, [NAN, NAN]), 0.5),
    "quantile_0d": lambda m: m.quantile(f32(m, 2.0), 0.5, dim=0),
    "unique": lambda m: m.unique(ints(m, [3, 1, 2, 3, 1]), return_inverse=True, return_counts=True),
    "unique_unsorted": lambda m: ints(m, [3, 1, 2, 3, 1]).unique(sorted=False),
    "unique_nan": lambda m: m.unique(f32(m, [NAN, 1.0, NAN, -2.0])),
    "unique_dim0": lambda m: m.unique(
        ints(m, [[1, 2], [3, 4], [1, 2]]), dim=0, return_inverse=True, return_counts=True
    ),
    "unique_dim1": lambda m: m.unique(ints(m, [[1, 2, 1], [3, 4, 3]]), dim=1),
    "unique_2d_inverse": lambda m: m.unique(ints(m, [[3, 1], [2, 3]]), return_inverse=True),
    "unique_bool": lambda m: m.unique(m.tensor([True, False, True])),
    "unique_empty": lambda m: m.unique(f32(m, []), return_inverse=True, return_counts=True),
    "unique_consecutive": lambda m: m.unique_consecutive(
        ints(m, [1, 1, 2, 2, 3, 1, 1, 2]), return_inverse=True, return_counts=True
    ),
    "unique_consecutive_dim": lambda m: m.unique_consecutive(
        ints(m, [[1, 2], [1, 2], [3, 4], [1, 2]]), dim=0, return_counts=True
    ),
    "unique_consecutive_nan": lambda m: f32(m, [NAN, NAN, 1.0, 1.0]).unique_consecutive(),
    "histc": lambda m: m.histc(f32(m, [1.0, 2, 1, 4, 2.5, 0.0, -1.0]), bins=4, min=0, max=3),
    "histc_auto": lambda m: f32(m, [1.0, 2, 1, 4, 2.5, 0.0]).histc(bins=4),
    "histc_same": lambda m: m.histc(f32(m, [2.0, 2.0]), bins=4),
    "histc_f64": lambda m: m.histc(f64(m, np.linspace(-1, 1, 11)), bins=3, min=-1, max=1),
    "histogram": lambda m: m.histogram(f32(m, [1.0, 2, 1, 4, 2.5, 0.0]), bins=4),
    "histogram_range_weight_density": lambda m: m.histogram(
        f32(m, [1.0, 2, 1, 4, 2.5, 0.0]),
        bins=3,
        range=(0.0, 3.0),
        weight=f32(m, [1.0, 2, 3, 4, 5, 6]),
        density=True,
    ),
    "histogram_edges": lambda m: m.histogram(
        f32(m, [1.0, 2, 1, 4, 2.5, 0.0]), bins=f32(m, [0.0, 1.0, 2.5, 5.0])
    ),
    "histogram_same": lambda m: f32(m, [2.0, 2.0]).histogram(2),
    "histogramdd": lambda m: m.histogramdd(f32(m, POINTS), bins=[2, 3]),
    "histogramdd_range_weight_density": lambda m: m.histogramdd(
        f32(m, POINTS),
        bins=2,
        range=[0.0, 3.0, 0.0, 2.0],
        weight=f32(m, [1, 2, 3, 4]),
        density=True,
    ),
    "histogramdd_edges": lambda m: m.histogramdd(
        f32(m, POINTS), bins=[f32(m, [0.0, 1.5, 3.0]), f32(m, [0.0, 1.0, 2.0])]
    ),
    "histogramdd_same": lambda m: m.histogramdd(f64(m, [[1.0, 1.0], [1.0, 1.0]]), bins=2),
    "bincount": lambda m: m.bincount(ints(m, [1, 1, 3, 0]), minlength=6),
    "bincount_weights": lambda m: m.bincount(ints(m, [1, 1, 3, 0]), f32(m, [0.5, 1.0, 2.0, 3.0])),
    "bincount_weights64": lambda m: ints(m, [1, 1, 3]).bincount(f64(m, [0.5, 1.0, 2.0])),
    "bincount_int_weights": lambda m: m.bincount(ints(m, [1, 1, 3, 0]), ints(m, [1, 1, 2, 3])),
    "bincount_empty": lambda m: m.bincount(ints(m, [])),
    "bincount_int32": lambda m: m.bincount(m.tensor([1, 2], dtype=m.int32)),
    "aminmax": lambda m: m.aminmax(f32(m, [[1.0, 5.0], [3.0, -2.0]]), dim=0, keepdim=True),
    "aminmax_all": lambda m: f32(m, [[1.0, 5.0], [3.0, -2.0]]).aminmax(),
    "cov": lambda m: m.cov(f32(m, [[0.0, 1, 2], [2, 1, 0.5]])),
    "cov_weights": lambda m: m.cov(
        f64(m, [[0.0, 1, 2], [2, 1, 0.5]]),
        correction=0,
        fweights=ints(m, [1, 2, 1]),
        aweights=f64(m, [0.5, 1.0, 2.0]),
    ),
    "cov_aweights_corrected": lambda m: m.cov(
        f64(m, [[0.0, 1, 2], [2, 1, 0.5]]), aweights=f64(m, [0.5, 1.0, 2.0])
    ),
    "cov_1d": lambda m: f32(m, [0.0, 1, 2.5]).cov(),
    "cov_int": lambda m: m.cov(ints(m, [[0, 1, 2], [2, 1, 0]])),
    "corrcoef": lambda m: m.corrcoef(f32(m, [[0.0, 1, 2], [2, 1, 0.5], [1, 1, 1]])),
    "median_out": lambda m: m.median(f32(m, DATA), 1, out=(m.zeros(2), m.zeros(2, dtype=m.int64))),
}

EXPECTED = {
    "median_all": ("float32", 2.0),
    "median_all_nan": ("float32", nan),
    "median_all_empty": ("float32", nan),
    "median_dim": [("float32", [1.0, nan, nan]), ("int64", [3, 0, 1])],
    "median_dim0_keepdim": [
        ("float32", [[1.0, 0.0, 3.0, 1.0, -2.0]]),
        ("int64", [[0, 1, 0, 1, 0]]),
    ],
    "median_ties": [("float32", 1.0), ("int64", 4)],
    "median_int": [("int64", [2, 0]), ("int64", [2, 3])],
    "median_0d": [("float32", 3.0), ("int64", 0)],
    "nanmedian_dim": [("float32", [1.0, 4.0, 0.5]), ("int64", [3, 3, 2])],
    "nanmedian_all": ("float32", 2.0),
    "nanmedian_all_nan": [("float32", [nan, 1.0]), ("int64", [0, 0])],
    "kthvalue": [("float32", 1.0), ("int64", 3)],
    "kthvalue_dim0": [("float32", [[2.0, 7.0, 5.0, 4.0, 2.5]]), ("int64", [[1, 0, 1, 0, 1]])],
    "kthvalue_nan": [("float32", nan), ("int64", 1)],
    "kthvalue_0d": [("float32", 3.0), ("int64", 0)],
    "mode": [("int64", [2, 1]), ("int64", [2, 3])],
    "mode_float_nan": [("float32", 1.0), ("int64", 0)],
    "mode_dim0": [("int64", [[1, 2]]), ("int64", [[2, 1]])],
    "mode_0d": [("float32", 4.0), ("int64", 0)],
    "msort": ("float32", [[1.0, 0.0, 3.0, 1.0, -2.0], [2.0, 7.0, 5.0, 4.0, 2.5]]),
    "quantile": ("float32", 2.2),
    "quantile_t": ("float64", [1.3, 2.5]),
    "quantile_linear": (
        "float32",
        [
            [[-2.0], [0.0]],
            [[-0.79999995], [0.40000001]],
            [[3.0], [2.0]],
            [[3.5], [2.25]],
            [[4.0], [2.5]],
            [[7.0], [5.0]],
        ],
    ),
    "quantile_lower": (
        "float32",
        [[-2.0, 0.0], [-2.0, 0.0], [3.0, 2.0], [3.0, 2.0], [4.0, 2.5], [7.0, 5.0]],
    ),
    "quantile_higher": (
        "float32",
        [
            [1.0, 0.0, 3.0, 1.0, -2.0],
            [2.0, 7.0, 5.0, 4.0, 2.5],
            [2.0, 7.0, 5.0, 4.0, 2.5],
            [2.0, 7.0, 5.0, 4.0, 2.5],
            [2.0, 7.0, 5.0, 4.0, 2.5],
            [2.0, 7.0, 5.0, 4.0, 2.5],
        ],
    ),
    "quantile_midpoint": ("float32", [-2.0, -1.0, 2.25, 2.75, 3.5, 7.0]),
    "quantile_nearest": (
        "float32",
        [[-2.0, 0.0], [-2.0, 0.0], [3.0, 2.0], [3.0, 2.0], [4.0, 2.5], [7.0, 5.0]],
    ),
    "quantile_nan": ("float32", [1.5, nan, nan]),
    "quantile_keepdim_all": ("float32", [[1.0]]),
    "nanquantile": ("float32", [[1.0, 4.0, 0.875], [1.5, 4.0, 1.25]]),
    "nanquantile_all_nan": ("float32", nan),
    "quantile_0d": ("float32", 2.0),
    "unique": [("int64", [1, 2, 3]), ("int64", [2, 0, 1, 2, 0]), ("int64", [2, 1, 2])],
    "unique_unsorted": ("int64", [1, 2, 3]),
    "unique_nan": ("float32", [-2.0, 1.0, nan, nan]),
    "unique_dim0": [("int64", [[1, 2], [3, 4]]), ("int64", [0, 1, 0]), ("int64", [2, 1])],
    "unique_dim1": ("int64", [[1, 2], [3, 4]]),
    "unique_2d_inverse": [("int64", [1, 2, 3]), ("int64", [[2, 0], [1, 2]])],
    "unique_bool": ("bool", [False, True]),
    "unique_empty": [("float32", [], [0]), ("int64", [], [0]), ("int64", [], [0])],
    "unique_consecutive": [
        ("int64", [1, 2, 3, 1, 2]),
        ("int64", [0, 0, 1, 1, 2, 3, 3, 4]),
        ("int64", [2, 2, 1, 2, 1]),
    ],
    "unique_consecutive_dim": [("int64", [[1, 2], [3, 4], [1, 2]]), ("int64", [2, 1, 1])],
    "unique_consecutive_nan": ("float32", [nan, nan, 1.0]),
    "histc": ("float32", [1.0, 2.0, 1.0, 1.0]),
    "histc_auto": ("float32", [1.0, 2.0, 2.0, 1.0]),
    "histc_same": ("float32", [0.0, 0.0, 2.0, 0.0]),
    "histc_f64": ("float64", [4.0, 3.0, 4.0]),
    "histogram": [("float32", [1.0, 2.0, 2.0, 1.0]), ("float32", [0.0, 1.0, 2.0, 3.0, 4.0])],
    "histogram_range_weight_density": [
        ("float32", [0.35294119, 0.23529412, 0.41176471]),
        ("float32", [0.0, 1.0, 2.0, 3.0]),
    ],
    "histogram_edges": [("float32", [1.0, 3.0, 2.0]), ("float32", [0.0, 1.0, 2.5, 5.0])],
    "histogram_same": [("float32", [0.0, 2.0]), ("float32", [1.5, 2.0, 2.5])],
    "histogramdd": [
        ("float32", [[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]]),
        [("float32", [0.0, 1.5, 3.0]), ("float32", [0.5, 1.0, 1.5, 2.0])],
    ],
    "histogramdd_range_weight_density": [
        ("float32", [[0.0, 0.2], [0.26666668, 0.2]]),
        [("float32", [0.0, 1.5, 3.0]), ("float32", [0.0, 1.0, 2.0])],
    ],
    "histogramdd_edges": [
        ("float32", [[0.0, 2.0], [1.0, 1.0]]),
        [("float32", [0.0, 1.5, 3.0]), ("float32", [0.0, 1.0, 2.0])],
    ],
    "histogramdd_same": [
        ("float64", [[0.0, 0.0], [0.0, 2.0]]),
        [("float64", [0.5, 1.0, 1.5]), ("float64", [0.5, 1.0, 1.5])],
    ],
    "bincount": ("int64", [1, 2, 0, 1, 0, 0]),
    "bincount_weights": ("float32", [3.0, 1.5, 0.0, 2.0]),
    "bincount_weights64": ("float64", [0.0, 1.5, 0.0, 2.0]),
    "bincount_int_weights": ("float64", [3.0, 2.0, 0.0, 2.0]),
    "bincount_empty": ("int64", [], [0]),
    "bincount_int32": ("int64", [0, 1, 1]),
    "aminmax": [("float32", [[1.0, -2.0]]), ("float32", [[3.0, 5.0]])],
    "aminmax_all": [("float32", -2.0), ("float32", 5.0)],
    "cov": ("float32", [[1.0, -0.75], [-0.75, 0.58333337]]),
    "cov_weights": ("float64", [[0.44444444, -0.2962963], [-0.2962963, 0.20987654]]),
    "cov_aweights_corrected": ("float64", [[0.92857143, -0.64285714], [-0.64285714, 0.46428571]]),
    "cov_1d": ("float32", 1.5833334),
    "cov_int": ("float32", [[1.0, -1.0], [-1.0, 1.0]]),
    "corrcoef": ("float32", [[1.0, -0.98198044, nan], [-0.98198044, 1.0, nan], [nan, nan, nan]]),
    "median_out": [("float32", [3.0, 2.0]), ("int64", [2, 0])],
}

ERRORS = {
    "median_empty_dim": (
        lambda m: m.median(m.zeros(0, 3), 0),
        "IndexError",
        r"median\(\): Expected reduction dim 0 to have non-zero size",
    ),
    "median_bad_dim": (
        lambda m: m.median(f32(m, [1.0]), 1),
        "IndexError",
        "Dimension out of range",
    ),
    "mode_empty": (
        lambda m: m.mode(m.zeros(2, 0), 1),
        "IndexError",
        r"mode\(\): Expected reduction dim 1 to have non-zero size",
    ),
    "kthvalue_k0": (
        lambda m: m.kthvalue(f32(m, [3.0, 1.0]), 0),
        "RuntimeError",
        r"kthvalue\(\): selected number k out of range for dimension 0",
    ),
    "kthvalue_k3": (
        lambda m: m.kthvalue(f32(m, [3.0, 1.0]), 3),
        "RuntimeError",
        r"kthvalue\(\): selected number k out of range for dimension 0",
    ),
    "quantile_int": (
        lambda m: m.quantile(ints(m, [1, 2]), 0.5),
        "RuntimeError",
        r"quantile\(\) input tensor must be either float or double dtype",
    ),
    "quantile_q_range": (
        lambda m: m.quantile(f32(m, [1.0, 2.0]), 1.5),
        "RuntimeError",
        r"quantile\(\) q must be in the range \[0, 1\] but got 1.5",
    ),
    "quantile_q_tensor_range": (
        lambda m: m.quantile(f32(m, [1.0, 2.0]), f32(m, [0.5, -0.1])),
        "RuntimeError",
        r"quantile\(\) q values must be in the range \[0, 1\]",
    ),
    "quantile_interpolation": (
        lambda m: m.quantile(f32(m, [1.0, 2.0]), 0.5, interpolation="x"),
        "RuntimeError",
        "interpolation must be one of linear, lower, higher, midpoint or nearest, but got x",
    ),
    "quantile_q_dtype": (
        lambda m: m.quantile(f32(m, [1.0, 2.0]), f64(m, [0.5])),
        "RuntimeError",
        r"quantile\(\) q tensor must be same dtype as the input tensor",
    ),
    "quantile_q_2d": (
        lambda m: m.quantile(f32(m, [1.0, 2.0]), f32(m, [[0.5]])),
        "RuntimeError",
        r"quantile\(\) q must be a scalar or 1D tensor",
    ),
    "quantile_empty": (
        lambda m: m.nanquantile(f32(m, []), 0.5),
        "RuntimeError",
        r"quantile\(\) input tensor must be non-empty",
    ),
    "histc_int": (
        lambda m: m.histc(ints(m, [2, 2]), bins=4),
        "NotImplementedError",
        "\"histogram_cpu\" not implemented for 'Long'",
    ),
    "histc_min_max": (
        lambda m: m.histc(f32(m, [2.0]), bins=4, min=3, max=1),
        "RuntimeError",
        "torch.histc: max must be larger than min",
    ),
    "histc_bins": (
        lambda m: m.histc(f32(m, [2.0]), bins=0),
        "RuntimeError",
        r"torch.histogram\(\): bins must be > 0, but got 0 for dimension 0",
    ),
    "histc_inf": (
        lambda m: m.histc(f32(m, [2.0, inf]), bins=2),
        "RuntimeError",
        r"torch.histc: range of \[2, inf\] is not finite",
    ),
    "histogram_int": (
        lambda m: m.histogram(ints(m, [1, 2]), bins=2),
        "NotImplementedError",
        "\"histogramdd\" not implemented for 'Long'",
    ),
    "histogramdd_bins": (
        lambda m: m.histogramdd(f32(m, POINTS), bins=[2]),
        "RuntimeError",
        "histogramdd: The size of bins must be equal to the innermost dimension of the input",
    ),
    "bincount_negative": (
        lambda m: m.bincount(ints(m, [1, -1])),
        "RuntimeError",
        "bincount only supports 1-d non-negative integral inputs",
    ),
    "bincount_2d": (
        lambda m: m.bincount(ints(m, [[1, 2]])),
        "RuntimeError",
        "bincount only supports 1-d non-negative integral inputs",
    ),
    "bincount_float": (
        lambda m: m.bincount(f32(m, [1.0])),
        "NotImplementedError",
        "\"bincount_cpu\" not implemented for 'Float'",
    ),
    "bincount_bool": (
        lambda m: m.bincount(m.tensor([True])),
        "NotImplementedError",
        "\"bincount_cpu\" not implemented for 'Bool'",
    ),
    "bincount_weights_length": (
        lambda m: m.bincount(ints(m, [1, 2]), weights=f32(m, [1.0])),
        "RuntimeError",
        "weights should be 1-d and have the same length as input",
    ),
    "bincount_minlength": (
        lambda m: m.bincount(ints(m, [1, 2]), minlength=-1),
        "RuntimeError",
        "minlength should be >= 0",
    ),
    "aminmax_empty": (
        lambda m: m.aminmax(m.zeros(0)),
        "RuntimeError",
        r"aminmax\(\): cannot compute aminmax over an empty dimension",
    ),
    "cov_3d": (
        lambda m: m.cov(m.zeros(2, 2, 2)),
        "RuntimeError",
        r"cov\(\): expected input to have two or fewer dimensions but got an input with 3",
    ),
    "cov_fweights_float": (
        lambda m: m.cov(f32(m, [[1.0, 2.0]]), fweights=f32(m, [1.0, 1.0])),
        "RuntimeError",
        r"cov\(\): expected fweights to have integral dtype",
    ),
    "cov_aweights_negative": (
        lambda m: m.cov(f32(m, [[1.0, 2.0]]), aweights=f32(m, [1.0, -1.0])),
        "RuntimeError",
        r"cov\(\): aweights cannot be negative",
    ),
    "cov_weights_numel": (
        lambda m: m.cov(f32(m, [[1.0, 2.0]]), fweights=ints(m, [1, 1, 1])),
        "RuntimeError",
        r"cov\(\): expected fweights to have the same numel as there are observations",
    ),
    "median_out_not_tuple": (
        lambda m: m.median(f32(m, [1.0]), 0, out=m.zeros(1)),
        "TypeError",
        "must be tuple of",
    ),
    "median_out_index_dtype": (
        lambda m: m.median(f32(m, [1.0]), 0, out=(m.zeros(()), m.zeros((), dtype=m.int32))),
        "RuntimeError",
        "(dtype long int, but got int|scalar type Long; but got torch.IntTensor)",
    ),
}

RNG = np.random.default_rng(7)
DISTINCT = RNG.permutation(np.linspace(-1.0, 1.0, 20)).reshape(4, 5)

GRADS = {
    "median": (lambda x: fg.median(x), [DISTINCT]),
    "median_dim": (lambda x: fg.median(x, 1).values, [DISTINCT]),
    "nanmedian_dim": (lambda x: fg.nanmedian(x, 0, keepdim=True).values, [DISTINCT]),
    "kthvalue": (lambda x: fg.kthvalue(x, 3, 1).values, [DISTINCT]),
    "mode": (lambda x: fg.mode(x, 0).values, [DISTINCT]),
    "msort": (fg.msort, [DISTINCT]),
    "quantile": (lambda x: fg.quantile(x, 0.3), [DISTINCT]),
    "quantile_dims": (
        lambda x: fg.quantile(x, fg.tensor([0.2, 0.9], dtype=fg.float64), dim=1),
        [DISTINCT],
    ),
    "quantile_midpoint": (
        lambda x: x.quantile(0.5, dim=0, interpolation="midpoint"),
        [DISTINCT],
    ),
    "nanquantile": (lambda x: fg.nanquantile(x, 0.7, dim=1, keepdim=True), [DISTINCT]),
    "aminmax": (lambda x: fg.aminmax(x, dim=1), [DISTINCT]),
    "cov": (fg.cov, [DISTINCT]),
    "cov_aweights": (lambda x, w: fg.cov(x, aweights=w), [DISTINCT, np.abs(DISTINCT[0]) + 0.5]),
    "corrcoef": (fg.corrcoef, [DISTINCT]),
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


def test_median_gradient_goes_to_the_index_picked():
    x = fg.tensor([[3.0, 1.0, 2.0, 1.0]], dtype=fg.float64, requires_grad=True)
    values, indices = fg.median(x, 1)
    values.sum().backward()
    assert indices.tolist() == [3]
    assert x.grad.tolist() == [[0.0, 0.0, 0.0, 1.0]]


def test_unique_is_not_differentiable():
    x = fg.tensor([1.0, 2.0, 1.0], requires_grad=True)
    assert not fg.unique(x).requires_grad
