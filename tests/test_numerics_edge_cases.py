"""Silent wrong numbers at edge points (issue 15): values and gradients against PyTorch's.

The expected numbers were printed by PyTorch 2.15.0 (CPU) running the very functions in
CASES below (with ``fg`` bound to ``torch``); these tests never import torch. Each case runs
in float32 and float64 and backpropagates ``out.sum()``. Where the function is smooth at
the points sampled, gradcheck in float64 checks the gradient against finite differences.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.autograd.forward_ad as fwAD
import ferrograd.nn.functional as F
from ferrograd import cuda
from ferrograd.autograd import gradcheck, gradgradcheck
from ferrograd.cuda._numpy_backend import NumpyTable

inf, nan = math.inf, math.nan

# --- cases: name -> (function of the input tensors, the inputs as nested lists) ---------


def _like(t, values):
    return fg.tensor(values, dtype=t.dtype)


def _targets(values):
    return fg.tensor(values, dtype=fg.int64)


# elementwise: subgradients at boundaries, NaN, ops without a rule

STEPS = [2.5, -1.5, -0.5, inf, -inf, nan, 0.0]
NAN_PAIRS = [[nan, 1.0, nan, 2.0, 2.0, 3.0], [1.0, nan, nan, 2.0, 3.0, 2.0]]
BOUNDS = [-1.0, 1.0, 0.0, 2.0, -2.0, nan]

ELEMENTWISE = {
    "atan2_at_origin": (
        lambda a, b: fg.atan2(a, b),
        [[0.0, 0.0, 1.0, 1e-30, 0.0, -2.0], [0.0, -0.0, 0.0, 1e-30, 1e-30, 1.0]],
    ),
    "clamp_at_bounds": (lambda x: x.clamp(-1.0, 1.0), [BOUNDS]),
    "clamp_min_at_bound": (lambda x: x.clamp(min=1.0), [[1.0, 0.0, 2.0]]),
    "clamp_max_at_bound": (lambda x: x.clamp(max=1.0), [[1.0, 0.0, 2.0]]),
    "clamp_min_above_max": (lambda x: x.clamp(min=3.0, max=1.0), [[0.5, 2.0, -3.0]]),
    "clamp_tensor_bounds_ties": (
        lambda x, lo, hi: x.clamp(lo, hi),
        [[-1.0, 1.0, 0.0, 2.0], [-1.0, -1.0, -1.0, -1.0], [1.0, 1.0, 1.0, 1.0]],
    ),
    "hardtanh_at_bounds": (F.hardtanh, [BOUNDS]),
    "hardtanh_other_bounds": (
        lambda x: F.hardtanh(x, -2.0, 3.0),
        [[-2.0, 3.0, 0.0, 4.0, -2.5]],
    ),
    "elu_at_zero": (lambda x: F.elu(x, alpha=2.0), [[0.0, -1.0, 1.0, -inf]]),
    "maximum_nan": (lambda a, b: fg.maximum(a, b), NAN_PAIRS),
    "minimum_nan": (lambda a, b: fg.minimum(a, b), NAN_PAIRS),
    "fmax_nan": (lambda a, b: fg.fmax(a, b), NAN_PAIRS),
    "fmin_nan": (lambda a, b: fg.fmin(a, b), NAN_PAIRS),
    "fmax_broadcast": (lambda a, b: fg.fmax(a, b), [[[nan, 1.0, 4.0]], [[1.0], [5.0]]]),
    "floor": (lambda x: x.floor(), [STEPS]),
    "ceil": (lambda x: x.ceil(), [STEPS]),
    "round": (lambda x: x.round(), [STEPS]),
    "trunc": (lambda x: x.trunc(), [STEPS]),
    "sign": (lambda x: x.sign(), [STEPS]),
    "frac": (lambda x: x.frac(), [STEPS]),
}

# reductions: zero norms and deviations, ties, keepdim

TIES = [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]

REDUCTIONS = {
    "norm_of_zeros": (lambda x: x.norm(), [[0.0, 0.0, 0.0]]),
    "norm_of_rows_one_zero": (lambda x: x.norm(dim=1), [[[0.0, 0.0], [3.0, 4.0]]]),
    "norm_p1_of_zeros": (lambda x: x.norm(1), [[0.0, 0.0, 0.0]]),
    "norm_p3_of_zeros": (lambda x: x.norm(3), [[0.0, 0.0, 0.0]]),
    "norm_p3_one_zero": (lambda x: x.norm(3), [[0.0, 1.0, -2.0]]),
    "norm_p_half_one_zero": (lambda x: x.norm(0.5), [[0.0, 1.0, 4.0]]),
    "norm_inf_ties": (lambda x: x.norm(inf), [[3.0, -3.0, 1.0]]),
    "norm_inf_of_zeros": (lambda x: x.norm(inf), [[0.0, 0.0]]),
    "std_of_equal_values": (lambda x: x.std(), [[2.0, 2.0, 2.0]]),
    "std_of_rows_one_constant": (lambda x: x.std(dim=1), [[[2.0, 2.0], [1.0, 3.0]]]),
    "std_population_of_equal_values": (lambda x: x.std(unbiased=False), [[2.0, 2.0]]),
    "std_of_one_value": (lambda x: x.std(), [[2.0]]),
    "normalize_zero_row": (lambda x: F.normalize(x, dim=1), [[[0.0, 0.0], [3.0, 4.0]]]),
    "normalize_p1_zero_row": (
        lambda x: F.normalize(x, p=1, dim=1),
        [[[0.0, 0.0], [3.0, -4.0]]],
    ),
    "amax_dim_ties": (lambda x: x.amax(dim=1), [TIES]),
    "amin_dim_ties": (lambda x: x.amin(dim=0), [[[1.0, 3.0, 3.0], [1.0, 2.0, 2.0]]]),
    "amax_two_dims_ties": (
        lambda x: x.amax(dim=(0, 1)),
        [[[1.0, 3.0, 3.0], [1.0, 2.0, 3.0]]],
    ),
    "amax_keepdim_ties": (lambda x: x.amax(dim=1, keepdim=True), [TIES]),
    "amax_all_ties": (lambda x: x.amax(), [[1.0, 3.0, 3.0, 2.0]]),
    "amax_dim_nan": (lambda x: x.amax(dim=1), [[[1.0, nan, 3.0], [2.0, nan, nan]]]),
    "amax_dim_infinite_ties": (lambda x: x.amax(dim=1), [[[-inf, -inf], [inf, 1.0]]]),
    "max_dim_picks_one_index": (lambda x: x.max(dim=1).values, [TIES]),
}

# selection: broadcasting indices

SELECTION = {
    "take_along_dim_broadcast_index": (
        lambda x: fg.take_along_dim(x, _targets([[0, 2, 2]]), 1),
        [[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]],
    ),
    "take_along_dim_broadcast_input": (
        lambda x: fg.take_along_dim(x, _targets([[0], [2]]), 1),
        [[[0.0, 1.0, 2.0]]],
    ),
}

# losses and activations: saturated inputs, every target ignored

EXTREMES = [inf, -inf, 0.0, -100.0, 100.0, -800.0, 800.0, -30.0, -0.5, 0.5, 20.0, 21.0]
LOGITS = [[1.0, 2.0], [3.0, 4.0]]

LOSSES = {
    "bce_of_saturated_sigmoid": (
        lambda z: F.binary_cross_entropy(
            z.sigmoid(), _like(z, [0.0, 1.0, 1.0, 1.0, 0.0]), reduction="none"
        ),
        [[20.0, -20.0, 0.5, 40.0, -120.0]],
    ),
    "bce_at_0_and_1": (
        lambda x, t: F.binary_cross_entropy(x, t, reduction="none"),
        [
            [1.0, 0.0, 1.0, 0.0, 0.3, 0.3, 0.6, 1e-30, 1 - 1e-7],
            [0.0, 1.0, 1.0, 0.0, 0.3, 0.9, 0.2, 0.5, 0.5],
        ],
    ),
    "bce_weighted_mean": (
        lambda x, t: F.binary_cross_entropy(x, t, weight=_like(x, [2.0, 1.0, 1.0, 0.5])),
        [[1.0, 0.0, 0.3, 0.6], [0.0, 1.0, 0.9, 0.2]],
    ),
    "logsigmoid_extremes": (F.logsigmoid, [EXTREMES]),
    "softplus_extremes": (F.softplus, [EXTREMES]),
    "softplus_beta_threshold": (
        lambda x: F.softplus(x, beta=2.0, threshold=5.0),
        [[inf, -inf, 0.0, 2.4, 2.5, 3.0]],
    ),
    "softplus_beta_half": (
        lambda x: F.softplus(x, beta=0.5, threshold=10.0),
        [[-30.0, -0.5, 0.0, 19.9, 20.0, 21.0]],
    ),
    "cross_entropy_all_ignored": (
        lambda x: F.cross_entropy(x, _targets([-100, -100])),
        [LOGITS],
    ),
    "cross_entropy_all_ignored_weighted": (
        lambda x: F.cross_entropy(x, _targets([-100, -100]), weight=_like(x, [1.0, 2.0])),
        [LOGITS],
    ),
    "cross_entropy_all_ignored_label_smoothing": (
        lambda x: F.cross_entropy(x, _targets([-100, -100]), label_smoothing=0.1),
        [LOGITS],
    ),
    "cross_entropy_all_ignored_sum": (
        lambda x: F.cross_entropy(x, _targets([-100, -100]), reduction="sum"),
        [LOGITS],
    ),
    "cross_entropy_all_ignored_3d": (
        lambda x: F.cross_entropy(x, fg.full((2, 2), -100, dtype=fg.int64)),
        [[[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]]],
    ),
    "cross_entropy_partly_ignored": (
        lambda x: F.cross_entropy(x, _targets([1, -100])),
        [LOGITS],
    ),
    "cross_entropy_zero_class_weight": (
        lambda x: F.cross_entropy(x, _targets([0, 0]), weight=_like(x, [0.0, 1.0])),
        [LOGITS],
    ),
    "nll_loss_all_ignored": (lambda x: F.nll_loss(x, _targets([-100, -100])), [LOGITS]),
    "nll_loss_zero_class_weight": (
        lambda x: F.nll_loss(x, _targets([0, 0]), weight=_like(x, [0.0, 1.0])),
        [LOGITS],
    ),
}

CASES = {**ELEMENTWISE, **REDUCTIONS, **SELECTION, **LOSSES}

# --- end of cases -------------------------------------------------------------------------

# value of ``out``, then the gradient of each input, per dtype, from PyTorch
# fmt: off
EXPECTED = {
    "atan2_at_origin": {
        "float32": ([0.0, 3.1415927410125732, 1.5707963705062866, 0.7853981852531433, 0.0, -1.1071487665176392], [[0.0, -0.0, 0.0, 0.0, 0.0, 0.20000000298023224], [-0.0, -0.0, -1.0, -0.0, -0.0, 0.4000000059604645]]),
        "float64": ([0.0, 3.141592653589793, 1.5707963267948966, 0.7853981633974483, 0.0, -1.1071487177940904], [[0.0, -0.0, 0.0, 5e+29, 1e+30, 0.2], [-0.0, -0.0, -1.0, -5e+29, -0.0, 0.4]]),
    },
    "clamp_at_bounds": {
        "float32": ([-1.0, 1.0, 0.0, 1.0, -1.0, nan], [[0.0, 0.0, 1.0, 0.0, 0.0, 0.0]]),
        "float64": ([-1.0, 1.0, 0.0, 1.0, -1.0, nan], [[0.0, 0.0, 1.0, 0.0, 0.0, 0.0]]),
    },
    "clamp_min_at_bound": {
        "float32": ([1.0, 1.0, 2.0], [[0.0, 0.0, 1.0]]),
        "float64": ([1.0, 1.0, 2.0], [[0.0, 0.0, 1.0]]),
    },
    "clamp_max_at_bound": {
        "float32": ([1.0, 0.0, 1.0], [[0.0, 1.0, 0.0]]),
        "float64": ([1.0, 0.0, 1.0], [[0.0, 1.0, 0.0]]),
    },
    "clamp_min_above_max": {
        "float32": ([1.0, 1.0, 1.0], [[0.0, 0.0, 0.0]]),
        "float64": ([1.0, 1.0, 1.0], [[0.0, 0.0, 0.0]]),
    },
    "clamp_tensor_bounds_ties": {
        "float32": ([-1.0, 1.0, 0.0, 1.0], [[0.5, 0.5, 1.0, 0.0], [0.5, 0.0, 0.0, 0.0], [0.0, 0.5, 0.0, 1.0]]),
        "float64": ([-1.0, 1.0, 0.0, 1.0], [[0.5, 0.5, 1.0, 0.0], [0.5, 0.0, 0.0, 0.0], [0.0, 0.5, 0.0, 1.0]]),
    },
    "hardtanh_at_bounds": {
        "float32": ([-1.0, 1.0, 0.0, 1.0, -1.0, nan], [[0.0, 0.0, 1.0, 0.0, 0.0, 1.0]]),
        "float64": ([-1.0, 1.0, 0.0, 1.0, -1.0, nan], [[0.0, 0.0, 1.0, 0.0, 0.0, 1.0]]),
    },
    "hardtanh_other_bounds": {
        "float32": ([-2.0, 3.0, 0.0, 3.0, -2.0], [[0.0, 0.0, 1.0, 0.0, 0.0]]),
        "float64": ([-2.0, 3.0, 0.0, 3.0, -2.0], [[0.0, 0.0, 1.0, 0.0, 0.0]]),
    },
    "elu_at_zero": {
        "float32": ([0.0, -1.264241099357605, 1.0, -2.0], [[2.0, 0.735758900642395, 1.0, 0.0]]),
        "float64": ([0.0, -1.2642411176571153, 1.0, -2.0], [[2.0, 0.7357588823428847, 1.0, 0.0]]),
    },
    "maximum_nan": {
        "float32": ([nan, nan, nan, 2.0, 3.0, 3.0], [[1.0, 1.0, 1.0, 0.5, 0.0, 1.0], [1.0, 1.0, 1.0, 0.5, 1.0, 0.0]]),
        "float64": ([nan, nan, nan, 2.0, 3.0, 3.0], [[1.0, 1.0, 1.0, 0.5, 0.0, 1.0], [1.0, 1.0, 1.0, 0.5, 1.0, 0.0]]),
    },
    "minimum_nan": {
        "float32": ([nan, nan, nan, 2.0, 2.0, 2.0], [[1.0, 1.0, 1.0, 0.5, 1.0, 0.0], [1.0, 1.0, 1.0, 0.5, 0.0, 1.0]]),
        "float64": ([nan, nan, nan, 2.0, 2.0, 2.0], [[1.0, 1.0, 1.0, 0.5, 1.0, 0.0], [1.0, 1.0, 1.0, 0.5, 0.0, 1.0]]),
    },
    "fmax_nan": {
        "float32": ([1.0, 1.0, nan, 2.0, 3.0, 3.0], [[0.0, 1.0, 1.0, 0.5, 0.0, 1.0], [1.0, 0.0, 0.0, 0.5, 1.0, 0.0]]),
        "float64": ([1.0, 1.0, nan, 2.0, 3.0, 3.0], [[0.0, 1.0, 1.0, 0.5, 0.0, 1.0], [1.0, 0.0, 0.0, 0.5, 1.0, 0.0]]),
    },
    "fmin_nan": {
        "float32": ([1.0, 1.0, nan, 2.0, 2.0, 2.0], [[0.0, 1.0, 1.0, 0.5, 1.0, 0.0], [1.0, 0.0, 0.0, 0.5, 0.0, 1.0]]),
        "float64": ([1.0, 1.0, nan, 2.0, 2.0, 2.0], [[0.0, 1.0, 1.0, 0.5, 1.0, 0.0], [1.0, 0.0, 0.0, 0.5, 0.0, 1.0]]),
    },
    "fmax_broadcast": {
        "float32": ([[1.0, 1.0, 4.0], [5.0, 5.0, 5.0]], [[[0.0, 0.5, 1.0]], [[1.5], [3.0]]]),
        "float64": ([[1.0, 1.0, 4.0], [5.0, 5.0, 5.0]], [[[0.0, 0.5, 1.0]], [[1.5], [3.0]]]),
    },
    "floor": {
        "float32": ([2.0, -2.0, -1.0, inf, -inf, nan, 0.0], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]),
        "float64": ([2.0, -2.0, -1.0, inf, -inf, nan, 0.0], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]),
    },
    "ceil": {
        "float32": ([3.0, -1.0, -0.0, inf, -inf, nan, 0.0], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]),
        "float64": ([3.0, -1.0, -0.0, inf, -inf, nan, 0.0], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]),
    },
    "round": {
        "float32": ([2.0, -2.0, -0.0, inf, -inf, nan, 0.0], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]),
        "float64": ([2.0, -2.0, -0.0, inf, -inf, nan, 0.0], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]),
    },
    "trunc": {
        "float32": ([2.0, -1.0, -0.0, inf, -inf, nan, 0.0], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]),
        "float64": ([2.0, -1.0, -0.0, inf, -inf, nan, 0.0], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]),
    },
    "sign": {
        "float32": ([1.0, -1.0, -1.0, 1.0, -1.0, 0.0, 0.0], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]),
        "float64": ([1.0, -1.0, -1.0, 1.0, -1.0, 0.0, 0.0], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]),
    },
    "frac": {
        "float32": ([0.5, -0.5, -0.5, nan, nan, nan, 0.0], [[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]),
        "float64": ([0.5, -0.5, -0.5, nan, nan, nan, 0.0], [[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]),
    },
    "norm_of_zeros": {
        "float32": (0.0, [[0.0, 0.0, 0.0]]),
        "float64": (0.0, [[0.0, 0.0, 0.0]]),
    },
    "norm_of_rows_one_zero": {
        "float32": ([0.0, 5.0], [[[0.0, 0.0], [0.6000000238418579, 0.800000011920929]]]),
        "float64": ([0.0, 5.0], [[[0.0, 0.0], [0.6, 0.8]]]),
    },
    "norm_p1_of_zeros": {
        "float32": (0.0, [[0.0, 0.0, 0.0]]),
        "float64": (0.0, [[0.0, 0.0, 0.0]]),
    },
    "norm_p3_of_zeros": {
        "float32": (0.0, [[0.0, 0.0, 0.0]]),
        "float64": (0.0, [[0.0, 0.0, 0.0]]),
    },
    "norm_p3_one_zero": {
        "float32": (2.0800838470458984, [[0.0, 0.23112042248249054, -0.9244816899299622]]),
        "float64": (2.080083823051904, [[0.0, 0.2311204247835449, -0.9244816991341795]]),
    },
    "norm_p_half_one_zero": {
        "float32": (9.0, [[0.0, 3.0, 1.5]]),
        "float64": (9.0, [[0.0, 3.0, 1.5]]),
    },
    "norm_inf_ties": {
        "float32": (3.0, [[0.5, -0.5, 0.0]]),
        "float64": (3.0, [[0.5, -0.5, 0.0]]),
    },
    "norm_inf_of_zeros": {
        "float32": (0.0, [[0.0, 0.0]]),
        "float64": (0.0, [[0.0, 0.0]]),
    },
    "std_of_equal_values": {
        "float32": (0.0, [[0.0, 0.0, 0.0]]),
        "float64": (0.0, [[0.0, 0.0, 0.0]]),
    },
    "std_of_rows_one_constant": {
        "float32": ([0.0, 1.4142135381698608], [[[0.0, 0.0], [-0.7071067690849304, 0.7071067690849304]]]),
        "float64": ([0.0, 1.4142135623730951], [[[0.0, 0.0], [-0.7071067811865475, 0.7071067811865475]]]),
    },
    "std_population_of_equal_values": {
        "float32": (0.0, [[0.0, 0.0]]),
        "float64": (0.0, [[0.0, 0.0]]),
    },
    "std_of_one_value": {
        "float32": (nan, [[nan]]),
        "float64": (nan, [[nan]]),
    },
    "normalize_zero_row": {
        "float32": ([[0.0, 0.0], [0.6000000238418579, 0.800000011920929]], [[[999999995904.0, 999999995904.0], [0.031999990344047546, -0.024000003933906555]]]),
        "float64": ([[0.0, 0.0], [0.6, 0.8]], [[[1000000000000.0, 1000000000000.0], [0.032, -0.02400000000000002]]]),
    },
    "normalize_p1_zero_row": {
        "float32": ([[0.0, 0.0], [0.4285714328289032, -0.5714285969734192]], [[[999999995904.0, 999999995904.0], [0.16326531767845154, 0.12244898080825806]]]),
        "float64": ([[0.0, 0.0], [0.42857142857142855, -0.5714285714285714]], [[[1000000000000.0, 1000000000000.0], [0.16326530612244897, 0.12244897959183673]]]),
    },
    "amax_dim_ties": {
        "float32": ([3.0, 2.0], [[[0.0, 0.5, 0.5], [0.3333333432674408, 0.3333333432674408, 0.3333333432674408]]]),
        "float64": ([3.0, 2.0], [[[0.0, 0.5, 0.5], [0.3333333333333333, 0.3333333333333333, 0.3333333333333333]]]),
    },
    "amin_dim_ties": {
        "float32": ([1.0, 2.0, 2.0], [[[0.5, 0.0, 0.0], [0.5, 1.0, 1.0]]]),
        "float64": ([1.0, 2.0, 2.0], [[[0.5, 0.0, 0.0], [0.5, 1.0, 1.0]]]),
    },
    "amax_two_dims_ties": {
        "float32": (3.0, [[[0.0, 0.3333333432674408, 0.3333333432674408], [0.0, 0.0, 0.3333333432674408]]]),
        "float64": (3.0, [[[0.0, 0.3333333333333333, 0.3333333333333333], [0.0, 0.0, 0.3333333333333333]]]),
    },
    "amax_keepdim_ties": {
        "float32": ([[3.0], [2.0]], [[[0.0, 0.5, 0.5], [0.3333333432674408, 0.3333333432674408, 0.3333333432674408]]]),
        "float64": ([[3.0], [2.0]], [[[0.0, 0.5, 0.5], [0.3333333333333333, 0.3333333333333333, 0.3333333333333333]]]),
    },
    "amax_all_ties": {
        "float32": (3.0, [[0.0, 0.5, 0.5, 0.0]]),
        "float64": (3.0, [[0.0, 0.5, 0.5, 0.0]]),
    },
    "amax_dim_nan": {
        "float32": ([nan, nan], [[[nan, nan, nan], [nan, nan, nan]]]),
        "float64": ([nan, nan], [[[nan, nan, nan], [nan, nan, nan]]]),
    },
    "amax_dim_infinite_ties": {
        "float32": ([-inf, inf], [[[0.5, 0.5], [1.0, 0.0]]]),
        "float64": ([-inf, inf], [[[0.5, 0.5], [1.0, 0.0]]]),
    },
    "max_dim_picks_one_index": {
        "float32": ([3.0, 2.0], [[[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]]),
        "float64": ([3.0, 2.0], [[[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]]),
    },
    "take_along_dim_broadcast_index": {
        "float32": ([[0.0, 2.0, 2.0], [3.0, 5.0, 5.0]], [[[1.0, 0.0, 2.0], [1.0, 0.0, 2.0]]]),
        "float64": ([[0.0, 2.0, 2.0], [3.0, 5.0, 5.0]], [[[1.0, 0.0, 2.0], [1.0, 0.0, 2.0]]]),
    },
    "take_along_dim_broadcast_input": {
        "float32": ([[0.0], [2.0]], [[[1.0, 0.0, 1.0]]]),
        "float64": ([[0.0], [2.0]], [[[1.0, 0.0, 1.0]]]),
    },
    "bce_of_saturated_sigmoid": {
        "float32": ([100.0, 20.0, 0.4740769565105438, -0.0, 0.0], [[0.0, -1.0, -0.377540647983551, 0.0, 0.0]]),
        "float64": ([19.999999966169824, 20.000000002061153, 0.47407698418010663, -0.0, 7.667648073722e-53], [[0.9999999979388463, -0.9999999979388463, -0.3775406687981454, 0.0, 5.879282721737723e-93]]),
    },
    "bce_at_0_and_1": {
        "float32": ([100.0, 100.0, -0.0, 0.0, 0.6108643412590027, 1.1192430257797241, 0.8351977467536926, 34.53877639770508, 7.971192359924316], [[999999995904.0, -999999995904.0, 0.0, 0.0, 0.0, -2.857142686843872, 1.666666865348816, -499999997952.0, 4194303.5], [-inf, inf, -inf, inf, 0.8472977876663208, 0.8472977876663208, -0.40546518564224243, 69.07755279541016, -15.942384719848633]]),
        "float64": ([100.0, 100.0, -0.0, 0.0, 0.6108643020548934, 1.1192430182872157, 0.8351977102525222, 34.538776394910684, 8.05904787574234], [[1000000003995.8029, -1000000003995.8029, 0.0, 0.0, 0.0, -2.8571428571428577, 1.6666666666666665, -500000001997.9014, 4999999.502631729], [-inf, inf, -inf, inf, 0.8472978603872036, 0.8472978603872036, -0.4054651081081642, 69.07755278982137, -16.11809555148467]]),
    },
    "bce_weighted_mean": {
        "float32": (75.38420867919922, [[499999997952.0, -249999998976.0, -0.714285671710968, 0.208333358168602], [-inf, inf, 0.2118244469165802, -0.050683148205280304]]),
        "float64": (75.38421046835336, [[500000001997.9014, -250000000998.9507, -0.7142857142857144, 0.20833333333333331], [-inf, inf, 0.2118244650968009, -0.05068313851352053]]),
    },
    "logsigmoid_extremes": {
        "float32": ([0.0, -inf, -0.6931471824645996, -100.0, -3.923635700109488e-44, -800.0, 0.0, -30.0, -0.9740769863128662, -0.4740769863128662, -2.06115369216775e-09, -7.582560135332983e-10], [[0.0, 1.0, 0.5, 1.0, 3.783505853677006e-44, 1.0, 0.0, 1.0, 0.6224592924118042, 0.3775406777858734, 2.06115369216775e-09, 7.582560135332983e-10]]),
        "float64": ([0.0, -inf, -0.6931471805599453, -100.0, -3.720075976020836e-44, -800.0, 0.0, -30.000000000000092, -0.9740769841801067, -0.4740769841801067, -2.061153620314381e-09, -7.582560425037146e-10], [[0.0, 1.0, 0.5, 1.0, 3.720075976020836e-44, 1.0, 0.0, 0.9999999999999064, 0.6224593312018545, 0.37754066879814546, 2.0611536181902033e-09, 7.582560422162384e-10]]),
    },
    "softplus_extremes": {
        "float32": ([inf, 0.0, 0.6931471824645996, 3.783505853677006e-44, 100.0, 0.0, 800.0, 9.357622912219837e-14, 0.4740769863128662, 0.9740769863128662, 20.0, 21.0], [[1.0, 0.0, 0.5, 3.783505853677006e-44, 1.0, 0.0, 1.0, 9.357622912219837e-14, 0.3775406777858734, 0.622459352016449, 1.0, 1.0]]),
        "float64": ([inf, 0.0, 0.6931471805599453, 3.720075976020836e-44, 100.0, 0.0, 800.0, 9.357622968839737e-14, 0.4740769841801067, 0.9740769841801067, 20.000000002061153, 21.0], [[1.0, 0.0, 0.5, 3.720075976020836e-44, 1.0, 0.0, 1.0, 9.3576229688393e-14, 0.37754066879814546, 0.6224593312018546, 0.9999999979388464, 1.0]]),
    },
    "softplus_beta_threshold": {
        "float32": ([inf, 0.0, 0.3465735912322998, 2.4040980339050293, 2.5033576488494873, 3.0], [[1.0, 0.0, 0.5, 0.9918374419212341, 0.9933071732521057, 1.0]]),
        "float64": ([inf, 0.0, 0.34657359027997264, 2.404098033669134, 2.503357674244559, 3.0], [[1.0, 0.0, 0.5, 0.9918374288468401, 0.9933071490757152, 1.0]]),
    },
    "softplus_beta_half": {
        "float32": ([6.118045234870806e-07, 1.151878833770752, 1.3862943649291992, 19.900094985961914, 20.000091552734375, 21.0], [[3.0590220490012143e-07, 0.43782350420951843, 0.5, 0.9999522566795349, 0.9999545812606812, 1.0]]),
        "float64": ([6.11804547427441e-07, 1.1518788397576871, 1.3862943611198906, 19.90009545299002, 20.000090797798435, 21.0], [[3.059022269256247e-07, 0.4378234991142019, 0.5, 0.9999522746438815, 0.9999546021312976, 1.0]]),
    },
    "cross_entropy_all_ignored": {
        "float32": (nan, [[[0.0, 0.0], [0.0, 0.0]]]),
        "float64": (nan, [[[0.0, 0.0], [0.0, 0.0]]]),
    },
    "cross_entropy_all_ignored_weighted": {
        "float32": (nan, [[[0.0, 0.0], [0.0, 0.0]]]),
        "float64": (nan, [[[0.0, 0.0], [0.0, 0.0]]]),
    },
    "cross_entropy_all_ignored_label_smoothing": {
        "float32": (nan, [[[0.0, 0.0], [0.0, 0.0]]]),
        "float64": (nan, [[[0.0, 0.0], [0.0, 0.0]]]),
    },
    "cross_entropy_all_ignored_sum": {
        "float32": (0.0, [[[0.0, 0.0], [0.0, 0.0]]]),
        "float64": (0.0, [[[0.0, 0.0], [0.0, 0.0]]]),
    },
    "cross_entropy_all_ignored_3d": {
        "float32": (nan, [[[[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]]]),
        "float64": (nan, [[[[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]]]),
    },
    "cross_entropy_partly_ignored": {
        "float32": (0.31326165795326233, [[[0.2689414322376251, -0.26894140243530273], [0.0, 0.0]]]),
        "float64": (0.31326168751822286, [[[0.2689414213699951, -0.2689414213699951], [0.0, 0.0]]]),
    },
    "cross_entropy_zero_class_weight": {
        "float32": (nan, [[[nan, nan], [nan, nan]]]),
        "float64": (nan, [[[nan, nan], [nan, nan]]]),
    },
    "nll_loss_all_ignored": {
        "float32": (nan, [[[0.0, 0.0], [0.0, 0.0]]]),
        "float64": (nan, [[[0.0, 0.0], [0.0, 0.0]]]),
    },
    "nll_loss_zero_class_weight": {
        "float32": (nan, [[[nan, 0.0], [nan, 0.0]]]),
        "float64": (nan, [[[nan, 0.0], [nan, 0.0]]]),
    },
}
# fmt: on


# float32: a few ulp (the formulas are PyTorch's, their rounding order not always);
# subnormal results are compared to 1e-38, below which PyTorch's own kernels differ.
TOLERANCES = {"float32": (2e-6, 1e-38), "float64": (1e-12, 1e-300)}


def assert_matches(actual, expected, what: str, dtype: str, rtol=None):
    default_rtol, atol = TOLERANCES[dtype]
    rtol = default_rtol if rtol is None else rtol
    np.testing.assert_allclose(
        np.asarray(actual.detach().numpy(), dtype=np.float64),
        np.asarray(expected, dtype=np.float64),
        rtol=rtol,
        atol=atol,
        equal_nan=True,
        err_msg=f"{what} differs from PyTorch's",
    )


def test_every_case_has_pytorch_numbers():
    assert sorted(CASES) == sorted(EXPECTED)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_value_and_gradient_match_pytorch(name, dtype):
    fn, inputs = CASES[name]
    xs = [fg.tensor(x, dtype=getattr(fg, dtype), requires_grad=True) for x in inputs]
    out = fn(*xs)
    out.sum().backward()
    value, grads = EXPECTED[name][dtype]
    assert out.dtype == getattr(fg, dtype)
    assert_matches(out, value, f"{name}: the value", dtype)
    for i, (x, grad) in enumerate(zip(xs, grads, strict=True)):
        assert x.grad is not None, f"{name}: input {i} got no gradient"
        assert_matches(x.grad, grad, f"{name}: the gradient of input {i}", dtype)


@pytest.fixture
def on_device():
    """Tensors made on the "cuda" device of the NumPy-backed kernel table."""
    previous = cuda.use_backend(NumpyTable())
    fg.set_default_device("cuda")
    yield
    fg.set_default_device(None)
    cuda.use_backend(previous)


# NumPy warns of the inf and NaN arithmetic, which is on purpose here
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", sorted(CASES))
def test_cases_on_a_device_match_pytorch(name, on_device):
    """The compositions make their constants and masks on the input's device."""
    fn, inputs = CASES[name]
    xs = [fg.tensor(x, dtype=fg.float64, requires_grad=True) for x in inputs]
    assert xs[0].device.type == "cuda"
    out = fn(*xs)
    out.sum().backward()
    value, grads = EXPECTED[name]["float64"]
    assert out.device.type == "cuda"
    assert_matches(out.cpu(), value, f"{name}: the value", "float64")
    for i, (x, grad) in enumerate(zip(xs, grads, strict=True)):
        assert_matches(x.grad.cpu(), grad, f"{name}: the gradient of input {i}", "float64")


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_without_a_graph_match_pytorch(name):
    """Outside a recorded graph the gradient corrections are skipped: the same values."""
    fn, inputs = CASES[name]
    with fg.no_grad():
        out = fn(*[fg.tensor(x, dtype=fg.float64, requires_grad=True) for x in inputs])
    assert not out.requires_grad
    assert_matches(out, EXPECTED[name]["float64"][0], f"{name}: the value", "float64")


def test_integer_clamp_with_float_bounds_promotes_like_pytorch():
    ints = fg.tensor([-3, 0, 3])
    out = ints.clamp(-1.5, 2.5)
    assert out.dtype == fg.float32
    assert out.tolist() == [-1.5, 0.0, 2.5]
    assert ints.clamp(max=2.5).tolist() == [-3.0, 0.0, 2.5]
    assert fg.clamp(ints, -1.0, 2.0).dtype == fg.float32
    stays = ints.clamp(-1, 2)
    assert stays.dtype == fg.int64
    assert stays.tolist() == [-1, 0, 2]
    with pytest.raises(RuntimeError, match="can't be cast"):
        ints.clamp_(-1.5, 2.5)
    assert ints.tolist() == [-3, 0, 3]


def test_stepwise_ops_record_only_when_the_input_requires_grad():
    x = fg.tensor([2.5, -1.5])
    for name in ("floor", "ceil", "round", "trunc", "sign", "frac"):
        assert not getattr(x, name)().requires_grad, name
        y = getattr(x.clone().requires_grad_(), name)()
        assert y.requires_grad and y.grad_fn is not None, name
    assert fg.tensor([-3, 0, 2]).sign().tolist() == [-1, 0, 1]
    assert fg.tensor([-3, 0, 2]).floor().dtype == fg.int64


def test_fmax_fmin_on_integers_and_zero_dim_tensors():
    assert fg.fmax(fg.tensor([1, 5]), fg.tensor([3, 2])).tolist() == [3, 5]
    assert fg.fmax(fg.tensor([1, 5]), fg.tensor([3, 2])).dtype == fg.int64
    mixed = fg.fmin(fg.tensor([1, 5]), fg.tensor([3.5, nan]))
    assert mixed.dtype == fg.float32
    assert mixed.tolist() == [1.0, 5.0]
    assert fg.fmax(fg.tensor([1.0, nan]), fg.tensor(2.0)).tolist() == [2.0, 2.0]
    assert fg.fmax(fg.tensor([1.0, nan]), 0.5).tolist() == [1.0, 0.5]


KEEPDIM_REDUCTIONS = {
    "sum": lambda x: x.sum(dim=None, keepdim=True),
    "mean": lambda x: x.mean(dim=None, keepdim=True),
    "amax": lambda x: x.amax(dim=None, keepdim=True),
    "amin": lambda x: x.amin(dim=None, keepdim=True),
    "norm": lambda x: x.norm(dim=None, keepdim=True),
    "norm_p1": lambda x: x.norm(1, dim=None, keepdim=True),
    "norm_p3": lambda x: x.norm(3, dim=None, keepdim=True),
    "norm_inf": lambda x: x.norm(inf, dim=None, keepdim=True),
    "norm_p0": lambda x: x.norm(0, dim=None, keepdim=True),
    "var": lambda x: x.var(dim=None, keepdim=True),
    "std": lambda x: x.std(dim=None, keepdim=True),
    "var_mean": lambda x: fg.var_mean(x, dim=None, keepdim=True),
    "std_mean": lambda x: fg.std_mean(x, dim=None, keepdim=True),
}


@pytest.mark.parametrize("name", sorted(KEEPDIM_REDUCTIONS))
def test_keepdim_without_dim_keeps_every_dimension(name):
    x = fg.arange(24.0).reshape(2, 3, 4) - 5.0
    kept = KEEPDIM_REDUCTIONS[name](x)
    plain = KEEPDIM_REDUCTIONS[name](x.reshape(-1))  # the same numbers, one dimension
    for got, flat in zip(
        *((kept, plain) if isinstance(kept, tuple) else ((kept,), (plain,))), strict=True
    ):
        assert tuple(got.shape) == (1, 1, 1), f"{name}: shape {tuple(got.shape)}"
        assert got.reshape(-1).tolist() == pytest.approx(flat.reshape(-1).tolist())


def test_take_along_dim_needs_matching_ranks_and_broadcastable_shapes():
    x = fg.arange(6.0).reshape(2, 3)
    assert fg.take_along_dim(x, _targets([5, 0])).tolist() == [5.0, 0.0]
    assert fg.take_along_dim(x, _targets([[-1]]), 1).tolist() == [[2.0], [5.0]]
    with pytest.raises(ValueError, match="same number of dimensions"):
        fg.take_along_dim(x, _targets([0, 2]), 1)
    with pytest.raises(ValueError, match="do not broadcast"):
        fg.take_along_dim(x, _targets([[0], [1], [2]]), 1)
    with pytest.raises(TypeError, match="int64"):
        fg.take_along_dim(x, fg.tensor([[0.0]]), 1)


@pytest.mark.parametrize(
    ("dtype", "grads", "second"),
    [
        (
            "float32",
            [[0.4761905074119568, -0.41666653752326965, -50.0], [0.8472977876663208, -0.40546518564224243, 3.8918204307556152]],
            [[-0.9070296287536621, -0.34722280502319336, 2448.9794921875], [-4.761904716491699, -4.1666669845581055, -51.020408630371094]],
        ),
        (
            "float64",
            [[0.4761904761904761, -0.4166666666666666, -50.0], [0.8472978603872036, -0.4054651081081642, 3.8918202981106265]],
            [[-0.9070294784947612, -0.3472222222540515, 2448.9795915816326], [-4.761904761904762, -4.166666666666667, -51.02040816326531]],
        ),
    ],
)  # fmt: skip
def test_binary_cross_entropy_second_derivatives_match_pytorch(dtype, grads, second):
    x = fg.tensor([0.3, 0.6, 0.02], dtype=getattr(fg, dtype), requires_grad=True)
    t = fg.tensor([0.2, 0.7, 1.0], dtype=getattr(fg, dtype), requires_grad=True)
    loss = F.binary_cross_entropy(x, t, reduction="sum")
    first = fg.autograd.grad(loss, (x, t), create_graph=True)
    for which, got, expected in zip("xt", first, grads, strict=True):
        assert_matches(got, expected, f"d loss / d {which}", dtype)
    again = fg.autograd.grad(first[0].sum() + first[1].sum(), (x, t))
    # PyTorch's second derivative adds 1e-12 to x and 1 - x in its denominator (1e-10 apart)
    for which, got, expected in zip("xt", again, second, strict=True):
        what = f"d (sum of first derivatives) / d {which}"
        assert_matches(got, expected, what, dtype, rtol=max(TOLERANCES[dtype][0], 1e-9))


def test_binary_cross_entropy_has_a_tangent_in_forward_mode():
    """Forward-mode AD has no rule for the Function: the formula is recorded instead,
    whose tangent is PyTorch's derivative away from saturation."""
    x = fg.tensor([0.3, 0.6, 0.02], dtype=fg.float64)
    t = fg.tensor([0.2, 0.7, 1.0], dtype=fg.float64)
    with fwAD.dual_level():
        dual = fwAD.make_dual(x, fg.ones(3, dtype=fg.float64))
        loss = F.binary_cross_entropy(dual, t, reduction="none")
        tangent = fwAD.unpack_dual(loss).tangent
    # PyTorch's d loss / d x
    expected = [0.4761904761904761, -0.4166666666666666, -50.0]
    assert_matches(tangent, expected, "the tangent", "float64")


# --- gradcheck (float64, at points where the function is smooth) ---------------------------


def _rand(shape, low=-2.0, high=2.0, seed=0):
    rng = np.random.default_rng(seed)
    values = rng.uniform(low, high, shape)
    return fg.tensor(values, dtype=fg.float64, requires_grad=True)


def _distinct(shape, seed=0):
    """Values at least 0.3 apart, so that extrema have no ties within the finite step."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    values = (rng.permutation(n) - n / 2) * 0.37 + rng.uniform(0, 0.05, n)
    return fg.tensor(values.reshape(shape), dtype=fg.float64, requires_grad=True)


def _probabilities(shape, seed=0):
    return _rand(shape, 0.05, 0.95, seed)


# elementwise
GRADCHECKS_ELEMENTWISE = {
    "atan2": (
        lambda a, b: fg.atan2(a, b),
        lambda: (_rand((5,), seed=1), _rand((5,), seed=2)),
        False,
    ),
    "atan2_number": (lambda a: fg.atan2(a, 0.5), lambda: (_rand((5,)),), False),
    "clamp": (lambda x: x.clamp(-0.5, 0.5), lambda: (_distinct((6,)),), False),
    "hardtanh": (lambda x: F.hardtanh(x, -0.5, 0.5), lambda: (_distinct((6,)),), False),
    "elu": (lambda x: F.elu(x, alpha=2.0), lambda: (_distinct((6,)),), False),
    "maximum": (
        lambda a, b: fg.maximum(a, b),
        lambda: (_distinct((4,)), _distinct((3, 1), 1)),
        False,
    ),
    "fmax": (
        lambda a, b: fg.fmax(a, b),
        lambda: (_distinct((4,)), _distinct((3, 1), 1)),
        False,
    ),
    "fmin": (
        lambda a, b: fg.fmin(a, b),
        lambda: (_distinct((4,)), _distinct((3, 1), 1)),
        False,
    ),
    "frac": (lambda x: x.frac(), lambda: (_distinct((6,)),), False),
    "floor": (lambda x: x.floor() * x, lambda: (_distinct((6,)),), False),
}

# reductions
GRADCHECKS_REDUCTIONS = {
    "norm_p2_dims": (
        lambda x: x.norm(dim=(0, 2), keepdim=True),
        lambda: (_rand((2, 3, 2)),),
        True,
    ),
    "norm_p3": (lambda x: x.norm(3, dim=1), lambda: (_rand((3, 4)),), False),
    "norm_p_half": (lambda x: x.norm(0.5), lambda: (_rand((5,), 0.5, 2.0),), False),
    "norm_inf_dims": (
        lambda x: x.norm(inf, dim=(0, 1)),
        lambda: (_distinct((2, 3, 2)),),
        False,
    ),
    "std_dim": (lambda x: x.std(dim=1), lambda: (_rand((3, 4)),), True),
    "std_mean": (lambda x: fg.std_mean(x, dim=0), lambda: (_rand((4, 2)),), False),
    "normalize": (lambda x: F.normalize(x, dim=1), lambda: (_rand((3, 4)),), False),
    "amax_dims": (lambda x: x.amax(dim=(0, 2)), lambda: (_distinct((2, 3, 2)),), True),
    "amin_dim_keepdim": (
        lambda x: x.amin(dim=1, keepdim=True),
        lambda: (_distinct((3, 4)),),
        False,
    ),
}

# selection
GRADCHECKS_SELECTION = {
    "take_along_dim": (
        lambda x: fg.take_along_dim(x, _targets([[0, 2, 2, 1]]), 1),
        lambda: (_rand((2, 3)),),
        False,
    ),
}

# losses and activations
GRADCHECKS_LOSSES = {
    "bce": (
        lambda x, t: F.binary_cross_entropy(x, t),
        lambda: (_probabilities((3, 4)), _probabilities((3, 4), seed=1)),
        True,
    ),
    "bce_weighted_sum": (
        lambda x: F.binary_cross_entropy(
            x,
            _like(x, [0.0, 1.0, 0.3]),
            weight=_like(x, [2.0, 1.0, 0.5]),
            reduction="sum",
        ),
        lambda: (_probabilities((3,)),),
        False,
    ),
    "logsigmoid": (F.logsigmoid, lambda: (_rand((6,), -30.0, 30.0),), False),
    "softplus": (
        lambda x: F.softplus(x, beta=2.0, threshold=5.0),
        lambda: (_rand((8,), -4.0, 4.0),),
        True,
    ),
    "cross_entropy_partly_ignored": (
        lambda x: F.cross_entropy(x, _targets([1, -100, 0])),
        lambda: (_rand((3, 2)),),
        False,
    ),
    "cross_entropy_weighted_smoothing": (
        lambda x: F.cross_entropy(
            x,
            _targets([2, -100, 0]),
            weight=_like(x, [1.0, 2.0, 0.5]),
            label_smoothing=0.2,
        ),
        lambda: (_rand((3, 3)),),
        False,
    ),
}

GRADCHECKS = {
    **GRADCHECKS_ELEMENTWISE,
    **GRADCHECKS_REDUCTIONS,
    **GRADCHECKS_SELECTION,
    **GRADCHECKS_LOSSES,
}


@pytest.mark.parametrize("name", sorted(GRADCHECKS))
def test_gradcheck(name):
    fn, inputs, _ = GRADCHECKS[name]
    assert gradcheck(fn, inputs())


@pytest.mark.parametrize("name", sorted(n for n, (*_, twice) in GRADCHECKS.items() if twice))
def test_gradgradcheck(name):
    fn, inputs, _ = GRADCHECKS[name]
    assert gradgradcheck(fn, inputs())
