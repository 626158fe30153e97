"""Elementwise math of ``ferrograd._ops_math_extra`` (inverse and hyperbolic trigonometry,
``log2``/``exp2``, ``erfinv``, ``xlogy``, ``hypot``, ``fmod``, ``gcd``, ``diff``, ...): values
and errors against PyTorch's (recorded with tools/record_torch_values.py; see more_cases.py),
gradients against finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
from more_cases import assert_matches, check_error, check_forward, check_grads, inf, nan

U = [-0.9, -0.5, -0.1, 0.0, 0.3, 0.75, 0.99]  # inside (-1, 1)
W = [0.0, 1.0, 2.5, -3.0, 1e-8, 700.0, -1e20]  # wide range
P = [0.01, 0.2, 0.5, 0.8, 0.999]  # probabilities


def f32(m, values):
    return m.tensor(np.asarray(values, dtype=np.float32))


def f64(m, values):
    return m.tensor(np.asarray(values, dtype=np.float64), dtype=m.float64)


def ints(m, values):
    return m.tensor(np.asarray(values, dtype=np.int64))


CASES = {
    "asin": lambda m: m.asin(f64(m, U)),
    "asin_f32": lambda m: f32(m, [*U, 1.0, -1.0, 1.5]).asin(),
    "arcsin_int": lambda m: m.arcsin(ints(m, [0, 1, -1])),
    "acos": lambda m: m.acos(f64(m, U)),
    "acos_f32": lambda m: f32(m, [*U, 1.0, -1.0]).arccos(),
    "atan": lambda m: m.atan(f64(m, W)),
    "arctan_bool": lambda m: m.arctan(m.tensor([True, False])),
    "sinh": lambda m: m.sinh(f64(m, [0.0, 1e-10, -0.5, 3.0, -20.0])),
    "cosh": lambda m: f64(m, [0.0, 1e-10, -0.5, 3.0, -20.0]).cosh(),
    "asinh": lambda m: m.asinh(f64(m, W)),
    "asinh_f32": lambda m: m.arcsinh(f32(m, [0.0, -1e-30, 0.5, -3e20, 1e30])),
    "acosh": lambda m: m.acosh(f64(m, [1.0, 1.0 + 1e-12, 1.5, 10.0, 1e200, 0.5])),
    "atanh": lambda m: m.atanh(f64(m, [*U, 1.0, -1.0, 2.0])),
    "deg2rad": lambda m: m.deg2rad(f32(m, [0.0, 90.0, -180.0, 45.0])),
    "rad2deg_int": lambda m: m.rad2deg(ints(m, [1, 2, -3])),
    "sinc": lambda m: m.sinc(f64(m, [0.0, 1e-20, 0.5, 1.0, -2.5, 3.3])),
    "sinc_int": lambda m: m.sinc(ints(m, [0, 1, 2])),
    "log2": lambda m: m.log2(f64(m, [8.0, 1024.0, 0.1, 0.0, -1.0, 2.0**-30, 3.0])),
    "log2_f32": lambda m: f32(m, [8.0, 1.0, 0.5, 7.0]).log2(),
    "log10": lambda m: m.log10(f64(m, [1000.0, 1e-5, 1e22, 2.0, 0.0])),
    "exp2": lambda m: m.exp2(f64(m, [0.0, 10.0, -3.0, 0.5, 1100.0])),
    "exp2_int": lambda m: m.exp2(ints(m, [0, 3, 62])),
    "erfinv": lambda m: m.erfinv(f64(m, [*U, 0.999999, -1.0, 1.0, 1.5, -1e-10])),
    "erfinv_f32": lambda m: f32(m, [-0.5, 0.0, 0.25, 0.9999, 1.0]).erfinv(),
    "logit": lambda m: m.logit(f64(m, [0.0, *P, 1.0])),
    "logit_eps": lambda m: m.logit(f32(m, [0.0, 0.3, 1.0, 0.05]), eps=0.1),
    "xlogy": lambda m: m.xlogy(
        f64(m, [0.0, 0.0, 0.0, 0.0, 2.0, -1.5, 3.0, 0.0]),
        f64(m, [0.0, -1.0, np.inf, np.nan, 3.0, 0.5, -1.0, 2.0]),
    ),
    "xlogy_scalar_self": lambda m: m.xlogy(2, f32(m, [0.5, -1.0, 2.0])),
    "xlogy_scalar_other": lambda m: m.xlogy(f32(m, [0.5, -1.0, 0.0]), 3),
    "xlogy_int": lambda m: ints(m, [0, 2, 3]).xlogy(ints(m, [5, 2, 3])),
    "hypot": lambda m: m.hypot(
        f64(m, [3.0, 0.0, -5.0, 1e300, 1e-300, 0.0]), f64(m, [4.0, 2.0, 12.0, 1e300, 1e-300, 0.0])
    ),
    "hypot_f32_big": lambda m: f32(m, [3e30, 1e-30]).hypot(f32(m, [4e30, 1e-30])),
    "hypot_promote": lambda m: m.hypot(f32(m, [0.5, -1.0]), f64(m, [1.0, 1.0])),
    "fmod": lambda m: m.fmod(
        f64(m, [5.3, -5.3, 5.3, -5.3, 4.0, 1.0]), f64(m, [2, 2, -2, -2, 2, 0])
    ),
    "fmod_int": lambda m: m.fmod(ints(m, [7, -7, 7, -7]), ints(m, [3, 3, -3, -3])),
    "fmod_scalar": lambda m: ints(m, [7, -7, 8]).fmod(3),
    "remainder_int": lambda m: m.remainder(ints(m, [7, -7, 7, -7]), ints(m, [3, 3, -3, -3])),
    "copysign": lambda m: m.copysign(
        f32(m, [1.0, -2.0, 3.0, 0.0]), f32(m, [-1.0, 2.0, -0.0, -3.0])
    ),
    "copysign_scalar": lambda m: m.copysign(ints(m, [1, -2, 3]), -1),
    "heaviside": lambda m: m.heaviside(f32(m, [-1.5, 0.0, 2.0, 0.0]), f32(m, [7.0])),
    "heaviside_int": lambda m: ints(m, [-1, 0, 5]).heaviside(ints(m, [3, 4, 5])),
    "gcd": lambda m: m.gcd(ints(m, [12, -18, 0, 7]), ints(m, [8, 12, 0, -21])),
    "lcm": lambda m: m.lcm(ints(m, [12, -18, 0, 7]), ints(m, [8, 12, 5, -21])),
    "gcd_scalar_int32": lambda m: m.gcd(m.tensor([12, 9], dtype=m.int32), m.tensor(6)),
    "ldexp": lambda m: m.ldexp(f32(m, [0.5, -1.0, 2.0]), ints(m, [1, 2, -3])),
    "ldexp_int": lambda m: m.ldexp(ints(m, [1, 2, 3]), ints(m, [1, 2, 3])),
    "float_power": lambda m: m.float_power(ints(m, [1, 2, 3]), 2),
    "float_power_t": lambda m: m.float_power(f32(m, [4.0, 9.0]), f32(m, [0.5, -1.0])),
    "float_power_scalar_base": lambda m: m.float_power(2, ints(m, [1, 2, -1])),
    "nextafter": lambda m: m.nextafter(f32(m, [0.5, -1.0, 2.0]), f32(m, [1.0, 1.0, 1.0])),
    "nextafter_f64": lambda m: m.nextafter(f64(m, [0.0, 1.0]), f64(m, [1.0, 0.0])),
    "frexp": lambda m: m.frexp(f32(m, [0.5, -1.0, 2.0, 0.0, 10.0])),
    "frexp_method": lambda m: f64(m, [3.0, -0.125]).frexp(),
    "signbit": lambda m: m.signbit(f32(m, [1.0, -1.0, 0.0, -0.0, np.inf, -np.inf])),
    "signbit_int": lambda m: m.signbit(ints(m, [1, -1, 0])),
    "isreal": lambda m: m.isreal(f32(m, [1.0, np.nan])),
    "count_nonzero": lambda m: m.count_nonzero(ints(m, [[0, 1, 3], [2, 0, 0]])),
    "count_nonzero_dim": lambda m: m.count_nonzero(f32(m, [[0, 1, 3], [2, 0, 0]]), dim=0),
    "count_nonzero_dims": lambda m: ints(m, [[0, 1, 3], [2, 0, 0]]).count_nonzero(dim=(0, 1)),
    "sgn": lambda m: m.sgn(f32(m, [-2.0, 0.0, 3.0])),
    "sgn_bool": lambda m: m.sgn(m.tensor([True, False])),
    "positive": lambda m: m.positive(ints(m, [1, -2])),
    "fix": lambda m: m.fix(f32(m, [-1.5, 2.7, 0.2])),
    "renorm": lambda m: m.renorm(m.arange(6.0).reshape(2, 3), 2, 0, 3),
    "renorm_dim1_p1": lambda m: f64(m, np.linspace(-2, 2, 12).reshape(3, 4)).renorm(1, 1, 1.5),
    "diff": lambda m: m.diff(f32(m, [1.0, 4.0, 9.0, 16.0])),
    "diff_n2_dim0": lambda m: m.diff(ints(m, [[1, 2], [4, 8], [9, 1]]), n=2, dim=0),
    "diff_bool": lambda m: m.diff(m.tensor([True, False, False, True])),
    "diff_prepend_append": lambda m: m.diff(
        f32(m, [1.0, 4.0]), prepend=f32(m, [0.0]), append=f32(m, [10.0, 20.0])
    ),
    "diff_n0": lambda m: m.diff(f32(m, [1.0, 3.0]), n=0),
    "diff_n5": lambda m: m.diff(f32(m, [1.0, 3.0]), n=5),
    "arctan2": lambda m: m.arctan2(f32(m, [1.0, -1.0]), f32(m, [-1.0, -1.0])),
    "asin_inplace": lambda m: f32(m, [0.5, -0.25]).asin_(),
    "torch_cosh_inplace": lambda m: m.cosh_(f32(m, [0.5, -0.25])),
    "xlogy_inplace": lambda m: f32(m, [2.0, 0.0]).xlogy_(f32(m, [3.0, 0.0])),
    "fmod_inplace": lambda m: ints(m, [7, -7]).fmod_(3),
    "float_power_inplace": lambda m: f64(m, [2.0, 3.0]).float_power_(2),
    "out": lambda m: m.asin(f32(m, [0.5]), out=m.zeros(1, dtype=m.float64)),
}

EXPECTED = {
    "asin": (
        "float64",
        [-1.1197695, -0.52359878, -0.10016742, 0.0, 0.30469265, 0.84806208, 1.4292569],
    ),
    "asin_f32": (
        "float32",
        [
            -1.1197695,
            -0.52359879,
            -0.10016742,
            0.0,
            0.30469266,
            0.8480621,
            1.4292569,
            1.5707964,
            -1.5707964,
            nan,
        ],
    ),
    "arcsin_int": ("float32", [0.0, 1.5707964, -1.5707964]),
    "acos": (
        "float64",
        [2.6905658, 2.0943951, 1.6709637, 1.5707963, 1.2661037, 0.72273425, 0.14153947],
    ),
    "acos_f32": (
        "float32",
        [
            2.6905658,
            2.0943952,
            1.6709638,
            1.5707964,
            1.2661036,
            0.72273427,
            0.14153941,
            0.0,
            3.1415927,
        ],
    ),
    "atan": ("float64", [0.0, 0.78539816, 1.1902899, -1.2490458, 1e-08, 1.5693678, -1.5707963]),
    "arctan_bool": ("float32", [0.78539819, 0.0]),
    "sinh": ("float64", [0.0, 1e-10, -0.52109531, 10.017875, -242582600.0]),
    "cosh": ("float64", [1.0, 1.0, 1.127626, 10.067662, 242582600.0]),
    "asinh": ("float64", [0.0, 0.88137359, 1.6472311, -1.8184465, 1e-08, 7.244228, -46.744849]),
    "asinh_f32": ("float32", [0.0, -1e-30, 0.48121184, -47.84346, 69.770699]),
    "acosh": ("float64", [0.0, 1.4142764e-06, 0.96242365, 2.9932228, 461.21017, nan]),
    "atanh": (
        "float64",
        [
            -1.4722195,
            -0.54930614,
            -0.10033535,
            0.0,
            0.3095196,
            0.97295507,
            2.6466524,
            inf,
            -inf,
            nan,
        ],
    ),
    "deg2rad": ("float32", [0.0, 1.5707964, -3.1415927, 0.78539819]),
    "rad2deg_int": ("float32", [57.29578, 114.59156, -171.88734]),
    "sinc": ("float64", [1.0, 1.0, 0.63661977, 3.8981718e-17, 0.12732395, -0.07803579]),
    "sinc_int": ("float32", [1.0, -2.7827534e-08, 2.7827534e-08]),
    "log2": ("float64", [3.0, 10.0, -3.3219281, -inf, nan, -30.0, 1.5849625]),
    "log2_f32": ("float32", [3.0, 0.0, -1.0, 2.8073549]),
    "log10": ("float64", [3.0, -5.0, 22.0, 0.30103, -inf]),
    "exp2": ("float64", [1.0, 1024.0, 0.125, 1.4142136, inf]),
    "exp2_int": ("float32", [1.0, 8.0, 4.611686e18]),
    "erfinv": (
        "float64",
        [
            -1.1630872,
            -0.47693628,
            -0.08885599,
            0.0,
            0.27246271,
            0.81341985,
            1.8213864,
            3.4589107,
            -inf,
            inf,
            nan,
            -8.8622693e-11,
        ],
    ),
    "erfinv_f32": ("float32", [-0.47693628, 0.0, 0.22531205, 2.7510355, inf]),
    "logit": ("float64", [-inf, -4.5951199, -1.3862944, 0.0, 1.3862944, 6.9067548, inf]),
    "logit_eps": ("float32", [-2.1972246, -0.84729779, 2.1972244, -2.1972246]),
    "xlogy": ("float64", [0.0, 0.0, 0.0, nan, 2.1972246, 1.0397208, nan, 0.0]),
    "xlogy_scalar_self": ("float32", [-1.3862944, nan, 1.3862944]),
    "xlogy_scalar_other": ("float32", [0.54930615, -1.0986123, 0.0]),
    "xlogy_int": ("float32", [0.0, 1.3862944, 3.2958369]),
    "hypot": ("float64", [5.0, 2.0, 13.0, 1.4142136e300, 1.4142136e-300, 0.0]),
    "hypot_f32_big": ("float32", [4.9999999e30, 1.4142136e-30]),
    "hypot_promote": ("float64", [1.118034, 1.4142136]),
    "fmod": ("float64", [1.3, -1.3, 1.3, -1.3, 0.0, nan]),
    "fmod_int": ("int64", [1, -1, 1, -1]),
    "fmod_scalar": ("int64", [1, -1, 2]),
    "remainder_int": ("int64", [1, 2, -2, -1]),
    "copysign": ("float32", [-1.0, 2.0, -3.0, -0.0]),
    "copysign_scalar": ("float32", [-1.0, -2.0, -3.0]),
    "heaviside": ("float32", [0.0, 7.0, 1.0, 7.0]),
    "heaviside_int": ("int64", [0, 4, 1]),
    "gcd": ("int64", [4, 6, 0, 7]),
    "lcm": ("int64", [24, 36, 0, 21]),
    "gcd_scalar_int32": ("int32", [6, 3]),
    "ldexp": ("float32", [1.0, -4.0, 0.25]),
    "ldexp_int": ("float32", [2.0, 8.0, 24.0]),
    "float_power": ("float64", [1.0, 4.0, 9.0]),
    "float_power_t": ("float64", [2.0, 0.11111111]),
    "float_power_scalar_base": ("float64", [2.0, 4.0, 0.5]),
    "nextafter": ("float32", [0.50000006, -0.99999994, 1.9999999]),
    "nextafter_f64": ("float64", [5e-324, 1.0]),
    "frexp": [("float32", [0.5, -0.5, 0.5, 0.0, 0.625]), ("int32", [0, 1, 2, 0, 4])],
    "frexp_method": [("float64", [0.75, -0.5]), ("int32", [2, -2])],
    "signbit": ("bool", [False, True, False, True, False, True]),
    "signbit_int": ("bool", [False, True, False]),
    "isreal": ("bool", [True, True]),
    "count_nonzero": ("int64", 3),
    "count_nonzero_dim": ("int64", [1, 1, 1]),
    "count_nonzero_dims": ("int64", 3),
    "sgn": ("float32", [-1.0, 0.0, 1.0]),
    "sgn_bool": ("bool", [True, False]),
    "positive": ("int64", [1, -2]),
    "fix": ("float32", [-1.0, 2.0, 0.0]),
    "renorm": ("float32", [[0.0, 1.0, 2.0], [1.2727922, 1.6970563, 2.1213202]]),
    "renorm_dim1_p1": (
        "float64",
        [
            [-0.86842103, -0.79411762, -0.61764704, -0.39473683],
            [-0.2368421, -0.088235291, 0.088235291, 0.2368421],
            [0.39473683, 0.61764704, 0.79411762, 0.86842103],
        ],
    ),
    "diff": ("float32", [3.0, 5.0, 7.0]),
    "diff_n2_dim0": ("int64", [[2, -13]]),
    "diff_bool": ("bool", [True, False, True]),
    "diff_prepend_append": ("float32", [1.0, 3.0, 6.0, 10.0]),
    "diff_n0": ("float32", [1.0, 3.0]),
    "diff_n5": ("float32", [], [0]),
    "arctan2": ("float32", [2.3561945, -2.3561945]),
    "asin_inplace": ("float32", [0.52359879, -0.25268024]),
    "torch_cosh_inplace": ("float32", [1.1276259, 1.0314131]),
    "xlogy_inplace": ("float32", [2.1972246, 0.0]),
    "fmod_inplace": ("int64", [1, -1]),
    "float_power_inplace": ("float64", [4.0, 9.0]),
    "out": ("float64", [0.52359879]),
}

ERRORS = {
    "asin_inplace_int": (
        lambda m: ints(m, [1]).asin_(),
        "RuntimeError",
        "result type Float can't be cast to the desired output type Long",
    ),
    "positive_bool": (
        lambda m: m.positive(m.tensor([True])),
        "NotImplementedError",
        r"The `\+` operator, on a bool tensor is not supported",
    ),
    "fix_bool": (
        lambda m: m.fix(m.tensor([True])),
        "NotImplementedError",
        "not implemented for 'Bool'",
    ),
    "hypot_int": (
        lambda m: m.hypot(ints(m, [1]), ints(m, [2])),
        "NotImplementedError",
        "\"hypot_cpu\" not implemented for 'Long'",
    ),
    "fmod_int_zero": (lambda m: m.fmod(ints(m, [1]), 0), "RuntimeError", "ZeroDivisionError"),
    "heaviside_dtypes": (
        lambda m: m.heaviside(f32(m, [1.0]), f64(m, [1.0])),
        "RuntimeError",
        "heaviside is not yet implemented for tensors with different dtypes",
    ),
    "heaviside_grad": (
        lambda m: m.heaviside(f32(m, [1.0]).requires_grad_(), f32(m, [1.0])).sum().backward(),
        "RuntimeError",
        "derivative for aten::heaviside is not implemented",
    ),
    "gcd_float": (
        lambda m: m.gcd(f32(m, [1.0]), f32(m, [2.0])),
        "NotImplementedError",
        "\"gcd_cpu\" not implemented for 'Float'",
    ),
    "gcd_bool": (
        lambda m: m.gcd(m.tensor([True]), m.tensor([True])),
        "NotImplementedError",
        "\"gcd_cpu\" not implemented for 'Bool'",
    ),
    "nextafter_int": (
        lambda m: m.nextafter(ints(m, [1]), ints(m, [2])),
        "NotImplementedError",
        "\"nextafter_cpu\" not implemented for 'Long'",
    ),
    "frexp_int": (
        lambda m: m.frexp(ints(m, [1])),
        "RuntimeError",
        r"torch.frexp\(\) only supports floating-point dtypes",
    ),
    "float_power_inplace_f32": (
        lambda m: f32(m, [2.0]).float_power_(2),
        "RuntimeError",
        "the base given to float_power_ has dtype Float but the operation's result requires "
        "dtype Double",
    ),
    "renorm_p0": (
        lambda m: m.renorm(f32(m, [[1.0]]), 0, 0, 1.0),
        "RuntimeError",
        "renorm: non-positive-norm not supported",
    ),
    "renorm_negative_maxnorm": (
        lambda m: m.renorm(f32(m, [[1.0]]), 2, 0, -3),
        "RuntimeError",
        "renorm: expected maxnorm to be >= 0 but got -3",
    ),
    "renorm_1d": (
        lambda m: m.renorm(f32(m, [1.0]), 2, 0, 3),
        "RuntimeError",
        "renorm: input needs at least 2 dimensions, got 1 dimensions",
    ),
    "renorm_int": (
        lambda m: m.renorm(ints(m, [[1]]), 2, 0, 3),
        "NotImplementedError",
        "Expected a floating point or complex tensor as input. Got Long",
    ),
    "diff_0d": (
        lambda m: m.diff(f32(m, 1.0)),
        "RuntimeError",
        "diff expects input to be at least one-dimensional",
    ),
    "diff_negative_order": (
        lambda m: m.diff(f32(m, [1.0]), n=-1),
        "RuntimeError",
        "order must be non-negative but got -1",
    ),
    "diff_prepend_rank": (
        lambda m: m.diff(f32(m, [1.0]), prepend=f32(m, [[1.0]])),
        "RuntimeError",
        "diff expects prepend or append to be the same dimension as input",
    ),
    "out_int": (
        lambda m: m.asin(f32(m, [0.5]), out=ints(m, [0])),
        "RuntimeError",
        "result type Float can't be cast to the desired output type Long",
    ),
    "asin_not_tensor": (lambda m: m.asin([0.5]), "TypeError", "must be Tensor, not list"),
}

RNG = np.random.default_rng(16)
INSIDE = RNG.uniform(-0.8, 0.8, (2, 3))
POSITIVE = RNG.uniform(0.2, 2.0, (2, 3))

GRADS = {
    "asin": (fg.asin, [INSIDE]),
    "acos": (fg.acos, [INSIDE]),
    "atan": (fg.atan, [INSIDE * 3]),
    "sinh": (fg.sinh, [INSIDE * 3]),
    "cosh": (fg.cosh, [INSIDE * 3]),
    "asinh": (fg.asinh, [INSIDE * 3]),
    "acosh": (fg.acosh, [POSITIVE + 1.05]),
    "atanh": (fg.atanh, [INSIDE]),
    "deg2rad": (fg.deg2rad, [INSIDE]),
    "rad2deg": (fg.rad2deg, [INSIDE]),
    "sinc": (fg.sinc, [INSIDE * 3]),
    "log2": (fg.log2, [POSITIVE]),
    "log10": (fg.log10, [POSITIVE]),
    "exp2": (fg.exp2, [INSIDE * 3]),
    "erfinv": (fg.erfinv, [INSIDE]),
    "logit": (fg.logit, [POSITIVE / 2.1]),
    "logit_eps": (lambda x: fg.logit(x, eps=0.3), [POSITIVE / 2.1]),
    "xlogy": (fg.xlogy, [INSIDE, POSITIVE]),
    "hypot": (fg.hypot, [INSIDE, POSITIVE]),
    "fmod": (fg.fmod, [INSIDE * 3, POSITIVE * np.array([1, -1, 1])]),
    "copysign": (fg.copysign, [INSIDE, POSITIVE * np.array([1, -1, 1])]),
    "ldexp": (lambda x: fg.ldexp(x, fg.tensor([1, -2, 3])), [INSIDE]),
    "float_power": (fg.float_power, [POSITIVE, INSIDE]),
    "renorm": (lambda x: fg.renorm(x, 2, 1, 0.9), [INSIDE]),
    "renorm_p3": (lambda x: x.renorm(3, 0, 1.0), [INSIDE * 2]),
    "diff": (lambda x: fg.diff(x, n=2, dim=1), [INSIDE]),
    "diff_append": (lambda x, y: fg.diff(x, dim=0, append=y), [INSIDE, POSITIVE[:1]]),
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


def test_gradients_at_removable_points():
    """PyTorch's gradients where a formula has a removable point: sinc at 0, asinh at 0 (the
    odd extension keeps f'(0) = 1), xlogy at x = 0 (log(y) while y > 0, else 0)."""
    x = fg.tensor([0.0, 0.0], dtype=fg.float64, requires_grad=True)
    (g,) = fg.autograd.grad(fg.sinc(x).sum(), x)
    assert g.tolist() == [0.0, 0.0]
    (g,) = fg.autograd.grad(fg.asinh(x).sum(), x)
    assert g.tolist() == [1.0, 1.0]
    y = fg.tensor([2.0, -1.0], dtype=fg.float64, requires_grad=True)
    gx, gy = fg.autograd.grad(fg.xlogy(x, y).sum(), (x, y))
    assert gx.tolist() == [np.log(2.0), 0.0]
    assert gy.tolist() == [0.0, 0.0]


def test_out_requires_no_grad():
    x = fg.tensor([0.5], requires_grad=True)
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        fg.asin(x, out=fg.zeros(1))
    with fg.no_grad():
        out = fg.zeros(1)
        assert fg.asin(x, out=out) is out
