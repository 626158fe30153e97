"""Values of the PyTorch-surface operations (``tril``, ``flip``, ``roll``, ``diag``, ``prod``,
``logaddexp``, ``addmm``, ``einsum``, ``cdist``, ...) against PyTorch's.

The expected numbers were computed once with PyTorch 2.15 on the same inputs (rounded to 7
decimals) and are recorded here: the tests do not import torch.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn.functional as F

inf, nan = math.inf, math.nan


def f64(a):
    return fg.tensor(np.asarray(a, dtype=np.float64), dtype=fg.float64)


A = f64(np.linspace(-1.3, 2.1, 12).reshape(3, 4))
B = f64(np.linspace(0.7, -1.9, 12).reshape(3, 4))
v32 = fg.tensor([0.5, -1.25, 2.0])
w32 = fg.tensor([1.5, 0.25, -0.75])
v = v32.double()
M = f64(np.linspace(-0.5, 1.0, 6).reshape(3, 2))
N = f64(np.linspace(1.2, -0.3, 8).reshape(2, 4))
b1 = f64(np.linspace(-1, 1, 12).reshape(2, 3, 2))
b2 = f64(np.linspace(0.5, -1.5, 8).reshape(2, 2, 2))
C = f64(np.linspace(-2, 2, 30 * 4).reshape(30, 4))
T3 = f64(np.linspace(-1, 1, 24).reshape(2, 3, 4))
X = fg.tensor([1.0, inf, -inf, nan])
NANS = fg.tensor([[1.0, nan, 2.0], [nan, nan, 3.0]])
Z = f64([[0.0, 2.0, 3.0], [0.0, 0.0, 4.0], [1.5, -2.0, 0.5]])
ones32 = f64(np.ones((3, 2)))


def _prod_zero_grad():
    z = Z.clone().requires_grad_(True)
    (g,) = fg.autograd.grad(z.prod(1).sum(), z)
    return g


CASES = {
    "tril_m1": lambda: A.tril(-1),
    "triu_1": lambda: fg.triu(A, 1),
    "tril_2": lambda: fg.tril(A, diagonal=2),
    "tril_indices": lambda: fg.tril_indices(3, 4, 1),
    "triu_indices": lambda: fg.triu_indices(4, 3, -1),
    "flip01": lambda: fg.flip(A, (0, 1)),
    "roll": lambda: A.roll((1, -1), (0, 1)),
    "roll_flat": lambda: fg.roll(A, 5),
    "diag_v1": lambda: fg.diag(v32, 1),
    "diag_vm2": lambda: fg.diag(v32, -2),
    "diag_A1": lambda: A.diag(1),
    "diag_Am1": lambda: fg.diag(A, -1),
    "diagflat": lambda: fg.diagflat(A[:2, :2], -1),
    "diag_embed": lambda: fg.diag_embed(A[:2, :2], 1, 0, 2),
    "repeat": lambda: v32.repeat(2, 2),
    "tile": lambda: fg.tile(A[:2, :2], (2,)),
    "rep_int": lambda: fg.repeat_interleave(A[:2, :2], 2, dim=1),
    "rep_t": lambda: fg.repeat_interleave(v32, fg.tensor([2, 0, 1])),
    "rep_counts": lambda: fg.repeat_interleave(fg.tensor([1, 0, 3])),
    "isinf": lambda: fg.isinf(X),
    "nan_to_num_f32": lambda: X.nan_to_num(),
    "nan_to_num_args": lambda: fg.nan_to_num(X.double(), 1.5, 7.0, -8.0),
    "prod": lambda: A.prod(),
    "prod_d1": lambda: fg.prod(A, 1),
    "prod_d0k": lambda: A.prod(0, keepdim=True),
    "prod_int": lambda: fg.tensor([[2, 3], [4, 5]], dtype=fg.int32).prod(1),
    "prod_zero_grad": _prod_zero_grad,
    "nansum": lambda: NANS.nansum(1),
    "nanmean": lambda: fg.nanmean(NANS, 1),
    "nanmean_all": lambda: NANS.nanmean(),
    "logaddexp": lambda: fg.logaddexp(A, B),
    "logaddexp2": lambda: A.logaddexp2(B),
    "logaddexp_big": lambda: fg.logaddexp(
        fg.tensor([1000.0, -1000.0, -inf, inf]), fg.tensor([999.0, -1001.0, -inf, inf])
    ),
    "lerp": lambda: fg.lerp(A, B, 0.3),
    "lerp_t": lambda: A.lerp(B, f64([0.2, 0.5, 0.9, 1.3])),
    "addmm": lambda: fg.addmm(A, M, N, beta=0.5, alpha=2.0),
    "addmv": lambda: fg.addmv(v, A, f64([1.0, -1.0, 0.5, 2.0]), beta=2, alpha=-1),
    "addbmm": lambda: fg.addbmm(ones32, b1, b2, beta=0.5, alpha=3),
    "baddbmm": lambda: ones32.baddbmm(b1, b2, beta=-1, alpha=0.5),
    "addcmul": lambda: fg.addcmul(A, A, B, value=0.5),
    "addcdiv": lambda: A.addcdiv(A, B, value=-2),
    "outer": lambda: fg.outer(v32, w32),
    "kron": lambda: fg.kron(A[:2, :2], f64([[1.0, -1.0, 2.0]])),
    "trace": lambda: fg.trace(A),
    "block_diag": lambda: fg.block_diag(A[:2, :3], v, f64(7.0)),
    "cross": lambda: fg.cross(A[:, :3], B[:, :3], dim=1),
    "cross_dim0": lambda: A[:, :2].cross(B[:, :2], dim=0),
    "isclose": lambda: fg.isclose(
        fg.tensor([1.0, 1.0001, inf, nan, 2.0]),
        fg.tensor([1.0, 1.0, inf, nan, inf]),
        rtol=1e-4,
        atol=0,
        equal_nan=True,
    ),
    "cos": lambda: fg.cosine_similarity(A, B),
    "cos_d0": lambda: F.cosine_similarity(A, B[:1], dim=1),
    "cdist2": lambda: fg.cdist(A, B),
    "cdist1": lambda: fg.cdist(A, B, p=1),
    "cdist3": lambda: fg.cdist(A, B, p=3.0),
    "cdist_inf": lambda: fg.cdist(A, B, p=inf),
    "cdist_mm": lambda: fg.cdist(C, A),
    "einsum_bij_bjk": lambda: fg.einsum("bij,jk->bik", T3, A.T),
    "einsum_ell": lambda: fg.einsum("...ij,...j->...i", T3, A[0]),
    "einsum_diag": lambda: fg.einsum("ii->i", A[:, :3]),
    "einsum_trace": lambda: fg.einsum("ii", A[:, :3]),
    "einsum_implicit": lambda: fg.einsum("ij,kj", A, B),
    "einsum_sum": lambda: fg.einsum("bij->j", T3),
    "einsum_three": lambda: fg.einsum("ij,jk,k->i", [A, A.T, v]),
    "einsum_outer": lambda: fg.einsum("i, j -> ij", v32, w32),
    "einsum_bcast": lambda: fg.einsum("ij,ij->i", A, B[:1]),
    "tensordot2": lambda: fg.tensordot(T3, A, 2),
    "tensordot_l": lambda: fg.tensordot(T3, A, ([1, 2], [0, 1])),
    "bucketize": lambda: fg.bucketize(
        fg.tensor([[0.5, 1.0], [2.5, 9.0]]), fg.tensor([1.0, 2.0, 3.0])
    ),
    "bucketize_r": lambda: fg.bucketize(
        fg.tensor([[0.5, 1.0], [2.5, 9.0]]), fg.tensor([1.0, 2.0, 3.0]), right=True
    ),
    "searchsorted2d": lambda: fg.searchsorted(
        fg.tensor([[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]),
        fg.tensor([[3.0, 6.0], [1.0, 4.0]]),
        side="right",
    ),
    "searchsorted_scalar": lambda: fg.searchsorted(fg.tensor([1.0, 3.0, 5.0]), 4.0),
    "nonzero": lambda: fg.nonzero(A > 0.5),
    "where1": lambda: fg.stack(list(fg.where(A > 1.0))),
    "meshgrid_xy": lambda: fg.stack(
        list(fg.meshgrid(fg.tensor([1, 2]), fg.tensor([3, 4, 5]), fg.tensor([6]), indexing="xy"))
    ),
}

# PyTorch 2.15's results for the cases above.
EXPECTED = {
    "tril_m1": [
        [0.0, 0.0, 0.0, 0.0],
        [-0.0636364, 0.0, 0.0, 0.0],
        [1.1727273, 1.4818182, 0.0, 0.0],
    ],
    "triu_1": [
        [0.0, -0.9909091, -0.6818182, -0.3727273],
        [0.0, 0.0, 0.5545455, 0.8636364],
        [0.0, 0.0, 0.0, 2.1],
    ],
    "tril_2": [
        [-1.3, -0.9909091, -0.6818182, 0.0],
        [-0.0636364, 0.2454545, 0.5545455, 0.8636364],
        [1.1727273, 1.4818182, 1.7909091, 2.1],
    ],
    "tril_indices": [[0, 0, 1, 1, 1, 2, 2, 2, 2], [0, 1, 0, 1, 2, 0, 1, 2, 3]],
    "triu_indices": [[0, 0, 0, 1, 1, 1, 2, 2, 3], [0, 1, 2, 0, 1, 2, 1, 2, 2]],
    "flip01": [
        [2.1, 1.7909091, 1.4818182, 1.1727273],
        [0.8636364, 0.5545455, 0.2454545, -0.0636364],
        [-0.3727273, -0.6818182, -0.9909091, -1.3],
    ],
    "roll": [
        [1.4818182, 1.7909091, 2.1, 1.1727273],
        [-0.9909091, -0.6818182, -0.3727273, -1.3],
        [0.2454545, 0.5545455, 0.8636364, -0.0636364],
    ],
    "roll_flat": [
        [0.8636364, 1.1727273, 1.4818182, 1.7909091],
        [2.1, -1.3, -0.9909091, -0.6818182],
        [-0.3727273, -0.0636364, 0.2454545, 0.5545455],
    ],
    "diag_v1": [
        [0.0, 0.5, 0.0, 0.0],
        [0.0, 0.0, -1.25, 0.0],
        [0.0, 0.0, 0.0, 2.0],
        [0.0, 0.0, 0.0, 0.0],
    ],
    "diag_vm2": [
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [0.5, 0.0, 0.0, 0.0, 0.0],
        [0.0, -1.25, 0.0, 0.0, 0.0],
        [0.0, 0.0, 2.0, 0.0, 0.0],
    ],
    "diag_A1": [-0.9909091, 0.5545455, 2.1],
    "diag_Am1": [-0.0636364, 1.4818182],
    "diagflat": [
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [-1.3, 0.0, 0.0, 0.0, 0.0],
        [0.0, -0.9909091, 0.0, 0.0, 0.0],
        [0.0, 0.0, -0.0636364, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.2454545, 0.0],
    ],
    "diag_embed": [
        [[0.0, -1.3, 0.0], [0.0, -0.0636364, 0.0]],
        [[0.0, 0.0, -0.9909091], [0.0, 0.0, 0.2454545]],
        [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
    ],
    "repeat": [[0.5, -1.25, 2.0, 0.5, -1.25, 2.0], [0.5, -1.25, 2.0, 0.5, -1.25, 2.0]],
    "tile": [[-1.3, -0.9909091, -1.3, -0.9909091], [-0.0636364, 0.2454545, -0.0636364, 0.2454545]],
    "rep_int": [
        [-1.3, -1.3, -0.9909091, -0.9909091],
        [-0.0636364, -0.0636364, 0.2454545, 0.2454545],
    ],
    "rep_t": [0.5, 0.5, 2.0],
    "rep_counts": [0, 2, 2, 2],
    "isinf": [False, True, True, False],
    "nan_to_num_f32": [1.0, 3.4028234663852886e38, -3.4028234663852886e38, 0.0],
    "nan_to_num_args": [1.0, 7.0, -8.0, 1.5],
    "prod": -0.0160054,
    "prod_d1": [0.3273685, -0.0074807, 6.5355897],
    "prod_d0k": [[0.0970165, -0.3604125, -0.6771412, -0.6759917]],
    "prod_int": [6, 20],
    "prod_zero_grad": [[6.0, 0.0, 0.0], [0.0, 0.0, 0.0], [-1.0, 0.75, -3.0]],
    "nansum": [3.0, 3.0],
    "nanmean": [1.5, 3.0],
    "nanmean_all": 2.0,
    "logaddexp": [
        [0.826928, 0.6734973, 0.5658074, 0.5186767],
        [0.5427283, 0.6396734, 0.8014577, 1.0140549],
        [1.2626388, 1.5349089, 1.8220217, 2.1181499],
    ],
    "logaddexp2": [
        [1.0219281, 0.9123999, 0.8431791, 0.8205177],
        [0.8483169, 0.9271689, 1.0542017, 1.2238075],
        [1.4288935, 1.6621317, 1.9168478, 2.1874628],
    ],
    "logaddexp_big": [1000.3132324, -999.6867676, -inf, inf],
    "lerp": [
        [-0.7, -0.5545455, -0.4090909, -0.2636364],
        [-0.1181818, 0.0272727, 0.1727273, 0.3181818],
        [0.4636364, 0.6090909, 0.7545455, 0.9],
    ],
    "lerp_t": [
        [-0.9, -0.2636364, 0.1363636, 0.1],
        [-0.1, -0.1181818, -0.5909091, -1.5],
        [0.7, 0.0272727, -1.3181818, -3.1],
    ],
    "addmm": [
        [-1.9871429, -1.5325974, -1.0780519, -0.6235065],
        [0.4824675, 0.4227273, 0.362987, 0.3032468],
        [2.9520779, 2.3780519, 1.804026, 1.23],
    ],
    "addmv": [2.3954545, -4.1954545, -0.7863636],
    "addbmm": [[-1.9935065, -0.7467532], [-3.5519481, -3.5519481], [-5.1103896, -6.3571429]],
    "baddbmm": [
        [[-1.2207792, -0.961039], [-1.1428571, -0.987013], [-1.0649351, -1.012987]],
        [[-1.1948052, -1.2467532], [-1.5324675, -1.6883117], [-1.8701299, -2.1298701]],
    ],
    "addcmul": [
        [-1.755, -1.2206198, -0.7592975, -0.3710331],
        [-0.0558264, 0.1863223, 0.3554132, 0.4514463],
        [0.4744215, 0.4243388, 0.3011983, 0.105],
    ],
    "addcdiv": [
        [2.4142857, 3.2836007, 5.3181818, -82.3727273],
        [-0.5821549, 1.2643225, 2.0988493, 2.6731602],
        [3.1421929, 3.5582513, 3.9439146, 4.3105263],
    ],
    "outer": [[0.75, 0.125, -0.375], [-1.875, -0.3125, 0.9375], [3.0, 0.5, -1.5]],
    "kron": [
        [-1.3, 1.3, -2.6, -0.9909091, 0.9909091, -1.9818182],
        [-0.0636364, 0.0636364, -0.1272727, 0.2454545, -0.2454545, 0.4909091],
    ],
    "trace": 0.7363636,
    "block_diag": [
        [-1.3, -0.9909091, -0.6818182, 0.0, 0.0, 0.0, 0.0],
        [-0.0636364, 0.2454545, 0.5545455, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.5, -1.25, 2.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 7.0],
    ],
    "cross": [
        [0.0909091, -0.1818182, 0.0909091],
        [0.0909091, -0.1818182, 0.0909091],
        [0.0909091, -0.1818182, 0.0909091],
    ],
    "cross_dim0": [[0.3636364, 0.3636364], [-0.7272727, -0.7272727], [0.3636364, 0.3636364]],
    "isclose": [True, False, True, True, False],
    "cos": [-0.966083, -0.9560267, -0.9992485],
    "cos_d0": [-0.966083, 0.2038157, 0.6515733],
    "cdist2": [
        [2.6597707, 1.3080804, 1.8705194],
        [1.2245424, 2.3425634, 4.0775945],
        [2.8554139, 4.6360428, 6.4794653],
    ],
    "cdist1": [
        [4.7272727, 2.1818182, 3.0545455],
        [2.1818182, 4.0, 7.7818182],
        [5.1636364, 8.9454545, 12.7272727],
    ],
    "cdist3": [
        [2.2815656, 1.1451384, 1.662294],
        [1.0493456, 2.0378468, 3.3659452],
        [2.4309648, 3.796478, 5.2299351],
    ],
    "cdist_inf": [
        [2.0, 1.0545455, 1.5272727],
        [0.8727273, 1.8181818, 2.7636364],
        [2.1090909, 3.0545455, 4.0],
    ],
    "cdist_mm": [
        [2.3100737, 4.7393608, 7.1982916],
        [2.0521556, 4.4728708, 6.9304086],
        [1.7974614, 4.2066884, 6.6626082],
        [1.5475835, 3.9408761, 6.3949007],
        [1.3052911, 3.6755142, 6.1272983],
        [1.0757217, 3.4107077, 5.8598154],
        [0.869018, 3.1465969, 5.5924692],
        [0.7055706, 2.8833729, 5.3252802],
        [0.6205562, 2.621303, 5.0582733],
        [0.6457342, 2.3607715, 4.791479],
        [0.7703752, 2.1023503, 4.524935],
        [0.9563502, 1.8469257, 4.2586881],
        [1.1748856, 1.595937, 3.9927978],
        [1.410932, 1.3518571, 3.7273404],
        [1.6570228, 1.1192154, 3.4624156],
        [1.909278, 0.9068577, 3.1981557],
        [2.1655445, 0.73264, 2.9347402],
        [2.4245507, 0.6290901, 2.6724189],
        [2.685504, 0.6319572, 2.4115489],
        [2.9478874, 0.7400055, 2.152658],
        [3.2113503, 0.9167708, 1.8965566],
        [3.4756473, 1.1304654, 1.6445486],
        [3.7406016, 1.3638393, 1.398848],
        [4.0060827, 1.6083489, 1.1634577],
        [4.2719925, 1.8596067, 0.9461049],
        [4.5382555, 2.1152093, 0.7623765],
        [4.8048132, 2.3737537, 0.6418284],
        [5.0716189, 2.6343737, 0.622328],
        [5.3386355, 2.8965093, 0.7122241],
        [5.605833, 3.1597832, 0.8785538],
    ],
    "einsum_bij_bjk": [
        [
            [3.0434783, -1.256917, -5.5573123],
            [1.8798419, -0.7003953, -3.2806324],
            [0.7162055, -0.1438735, -1.0039526],
        ],
        [
            [-0.4474308, 0.4126482, 1.2727273],
            [-1.6110672, 0.96917, 3.5494071],
            [-2.7747036, 1.5256917, 5.826087],
        ],
    ],
    "einsum_ell": [[3.0434783, 1.8798419, 0.7162055], [-0.4474308, -1.6110672, -2.7747036]],
    "einsum_diag": [-1.3, 0.2454545, 1.7909091],
    "einsum_trace": 0.7363636,
    "einsum_implicit": [
        [-1.5209917, 1.6419835, 4.8049587],
        [0.187438, -1.3252893, -2.8380165],
        [1.8958678, -4.292562, -10.4809917],
    ],
    "einsum_sum": [-0.7826087, -0.2608696, 0.2608696, 0.7826087],
    "einsum_three": [-7.2799174, 4.3643802, 16.0086777],
    "einsum_outer": [[0.75, 0.125, -0.375], [-1.875, -0.3125, 0.9375], [3.0, 0.5, -1.5]],
    "einsum_bcast": [-1.5209917, 0.187438, 1.8958678],
    "tensordot2": [1.3391304, 6.3478261],
    "tensordot_l": [1.3391304, 6.3478261],
    "bucketize": [[0, 0], [2, 3]],
    "bucketize_r": [[0, 1], [2, 3]],
    "searchsorted2d": [[2, 3], [0, 2]],
    "searchsorted_scalar": 2,
    "nonzero": [[1, 2], [1, 3], [2, 0], [2, 1], [2, 2], [2, 3]],
    "where1": [[2, 2, 2, 2], [0, 1, 2, 3]],
    "meshgrid_xy": [
        [[[1], [2]], [[1], [2]], [[1], [2]]],
        [[[3], [3]], [[4], [4]], [[5], [5]]],
        [[[6], [6]], [[6], [6]], [[6], [6]]],
    ],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_value_matches_pytorch(name):
    got = CASES[name]()
    expected = np.asarray(EXPECTED[name])
    array = got.detach().cpu().numpy()
    assert array.shape == expected.shape, f"shape {array.shape} != {expected.shape}"
    if expected.dtype.kind in "biu":
        assert array.dtype.kind == expected.dtype.kind
        np.testing.assert_array_equal(array, expected)
    else:
        assert got.is_floating_point()
        np.testing.assert_allclose(array, expected, rtol=1e-6, atol=1e-6)


def test_every_case_has_a_recorded_value():
    assert set(CASES) == set(EXPECTED)
