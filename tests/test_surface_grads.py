"""Gradients of the PyTorch-surface operations: ``gradcheck`` and ``gradgradcheck`` in float64
for every differentiable one, and forward-mode tangents (dual numbers) against central
differences for a representative set. Inputs stay away from kinks (ties, zeros of ``abs``)
except where a case is about them (``prod`` with zeros)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.autograd.forward_ad as fwAD
import ferrograd.nn.functional as F
from ferrograd.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(2026)


def spread(*shape, low=0.3, high=1.3):
    """Distinct values in ±[low, high) (random signs): no ties, no zeros."""
    n = math.prod(shape)
    magnitude = np.linspace(low, high, n, endpoint=False)
    RNG.shuffle(magnitude)
    sign = np.where(RNG.random(n) < 0.5, -1.0, 1.0)
    return (magnitude * sign).reshape(shape)


def positive(*shape):
    return np.abs(spread(*shape)) + 0.2


def t64(a, requires_grad=True):
    return fg.tensor(np.asarray(a, dtype=np.float64), dtype=fg.float64, requires_grad=requires_grad)


IDX = [0, 2, 1]

# name -> (function, input arrays)
CASES = {
    "tril": (lambda x: x.tril(), [spread(3, 4)]),
    "triu_batched": (lambda x: fg.triu(x, -1), [spread(2, 3, 3)]),
    "flip": (lambda x: x.flip(0, 2), [spread(2, 3, 2)]),
    "fliplr": (lambda x: fg.fliplr(x), [spread(2, 3)]),
    "flipud": (lambda x: x.flipud(), [spread(3, 2)]),
    "roll": (lambda x: x.roll((1, -2), (0, 1)), [spread(3, 4)]),
    "roll_flat": (lambda x: fg.roll(x, 3), [spread(2, 3)]),
    "diag_vector": (lambda x: fg.diag(x, -1), [spread(3)]),
    "diag_matrix": (lambda x: x.diag(1), [spread(3, 4)]),
    "diagflat": (lambda x: fg.diagflat(x, 1), [spread(2, 2)]),
    "diag_embed": (lambda x: fg.diag_embed(x, -1, 0, 2), [spread(2, 3)]),
    "trace": (lambda x: fg.trace(x), [spread(3, 4)]),
    "repeat": (lambda x: x.repeat(2, 1, 3), [spread(2, 2)]),
    "tile": (lambda x: fg.tile(x, (2,)), [spread(2, 3)]),
    "repeat_interleave": (lambda x: x.repeat_interleave(2, dim=0), [spread(2, 3)]),
    "repeat_interleave_counts": (
        lambda x: fg.repeat_interleave(x, fg.tensor([1, 0, 3]), dim=1),
        [spread(2, 3)],
    ),
    "nan_to_num": (
        lambda x: fg.nan_to_num(x.where(fg.tensor([True, False, True]), math.inf)),
        [spread(2, 3)],
    ),
    "prod_all": (lambda x: x.prod(), [spread(2, 3)]),
    "prod_dim": (lambda x: fg.prod(x, 1), [spread(3, 5)]),
    "prod_keepdim": (lambda x: x.prod(0, keepdim=True), [spread(4, 2)]),
    "prod_one_zero": (lambda x: x.prod(1), [[[0.0, 1.5, -0.7, 2.0], [0.9, -1.1, 0.6, 1.3]]]),
    "prod_two_zeros": (lambda x: x.prod(-1), [[[0.0, 1.5, 0.0], [0.9, 0.0, 0.6]]]),
    "prod_all_zero": (lambda x: x.prod(), [[0.0, 0.0, 1.2]]),
    "nansum": (
        lambda x: x.where(fg.tensor([True, False, True]), math.nan).nansum(1),
        [spread(2, 3)],
    ),
    "nanmean": (
        lambda x: fg.nanmean(
            x.where(fg.tensor([[False, True, True], [True, True, False]]), math.nan), 0
        ),
        [spread(2, 3)],
    ),
    "logaddexp": (lambda a, b: fg.logaddexp(a, b), [spread(2, 3), spread(3)]),
    "logaddexp2": (lambda a, b: a.logaddexp2(b), [spread(2, 3), spread(2, 3)]),
    "lerp_scalar": (lambda a, b: fg.lerp(a, b, 0.3), [spread(2, 3), spread(2, 3)]),
    "lerp_tensor": (lambda a, b, w: a.lerp(b, w), [spread(2, 3), spread(3), spread(2, 1)]),
    "addmm": (
        lambda c, a, b: fg.addmm(c, a, b, beta=0.5, alpha=-2),
        [spread(3), spread(2, 4), spread(4, 3)],
    ),
    "addmv": (lambda c, a, x: c.addmv(a, x, alpha=3), [spread(2), spread(2, 3), spread(3)]),
    "addr": (lambda c, x, y: fg.addr(c, x, y, beta=2), [spread(2, 3), spread(2), spread(3)]),
    "addbmm": (
        lambda c, a, b: fg.addbmm(c, a, b, alpha=0.5),
        [spread(2, 3), spread(3, 2, 4), spread(3, 4, 3)],
    ),
    "baddbmm": (
        lambda c, a, b: c.baddbmm(a, b, beta=-1),
        [spread(1, 2, 3), spread(2, 2, 4), spread(2, 4, 3)],
    ),
    "addcmul": (
        lambda c, a, b: fg.addcmul(c, a, b, value=0.5),
        [spread(2, 3), spread(3), spread(2, 1)],
    ),
    "addcdiv": (
        lambda c, a, b: c.addcdiv(a, b, value=2),
        [spread(2, 3), spread(2, 3), positive(3)],
    ),
    "outer": (lambda a, b: fg.outer(a, b), [spread(3), spread(4)]),
    "kron": (lambda a, b: fg.kron(a, b), [spread(2, 3), spread(2, 2)]),
    "kron_ranks": (lambda a, b: a.kron(b), [spread(3), spread(2, 2)]),
    "cross": (lambda a, b: fg.cross(a, b, dim=0), [spread(3, 2), spread(3, 2)]),
    "block_diag": (lambda a, b, c: fg.block_diag(a, b, c), [spread(2, 3), spread(2), spread(1, 1)]),
    "cosine_similarity": (
        lambda a, b: fg.cosine_similarity(a, b, dim=-1),
        [spread(2, 4), spread(4)],
    ),
    "F_cosine_similarity": (lambda a, b: F.cosine_similarity(a, b), [spread(3, 2), spread(3, 2)]),
    "cdist_p2": (lambda a, b: fg.cdist(a, b), [spread(3, 2), spread(4, 2)]),
    "cdist_p2_mm": (
        lambda a, b: fg.cdist(a, b, compute_mode="use_mm_for_euclid_dist"),
        [spread(3, 2), spread(4, 2)],
    ),
    "cdist_p1": (lambda a, b: fg.cdist(a, b, p=1), [spread(2, 3), spread(2, 3, high=2.3)]),
    "cdist_p3_batched": (lambda a, b: fg.cdist(a, b, p=3), [spread(2, 2, 3), spread(2, 3, 3)]),
    "einsum_matmul": (lambda a, b: fg.einsum("ij,jk->ik", a, b), [spread(2, 3), spread(3, 4)]),
    "einsum_batched_ellipsis": (
        lambda a, b: fg.einsum("...ij,...jk", a, b),
        [spread(2, 2, 3), spread(3, 2)],
    ),
    "einsum_diagonal": (lambda a: fg.einsum("ii->i", a), [spread(3, 3)]),
    "einsum_trace_and_sum": (lambda a, b: fg.einsum("ii,jk->", a, b), [spread(3, 3), spread(2, 2)]),
    "einsum_three": (
        lambda a, b, c: fg.einsum("ij,jk,k->i", a, b, c),
        [spread(2, 3), spread(3, 4), spread(4)],
    ),
    "einsum_bilinear": (
        lambda x, w, y: fg.einsum("bi,oij,bj->bo", x, w, y),
        [spread(2, 3), spread(4, 3, 2), spread(2, 2)],
    ),
    "einsum_broadcast_one": (
        lambda a, b: fg.einsum("ij,ij->j", a, b),
        [spread(3, 4), spread(1, 4)],
    ),
    "tensordot": (lambda a, b: fg.tensordot(a, b, 2), [spread(2, 3, 4), spread(3, 4, 2)]),
    "tensordot_lists": (
        lambda a, b: fg.tensordot(a, b, ([0, 2], [2, 0])),
        [spread(2, 3, 4), spread(4, 2, 2)],
    ),
    "meshgrid": (
        lambda a, b: sum(g * (i + 1) for i, g in enumerate(fg.meshgrid(a, b, indexing="xy"))),
        [spread(2), spread(3)],
    ),
    "index_by_range": (lambda x: x[range(0, 3, 2), 1:], [spread(3, 3)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name):
    f, arrays = CASES[name]
    assert gradcheck(f, tuple(t64(a) for a in arrays))


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradgradcheck(name):
    f, arrays = CASES[name]
    assert gradgradcheck(f, tuple(t64(a) for a in arrays))


def test_prod_gradient_with_zeros_is_the_product_of_the_others():
    x = t64([[0.0, 2.0, 3.0], [0.0, 0.0, 4.0], [1.5, -2.0, 0.5]])
    (g,) = fg.autograd.grad(x.prod(1).sum(), x)
    # PyTorch 2.15: torch.autograd.grad(x.prod(1).sum(), x)
    np.testing.assert_array_equal(g.numpy(), [[6.0, 0.0, 0.0], [0.0, 0.0, 0.0], [-1.0, 0.75, -3.0]])


# ----------------------------------------------------------------------------- forward mode


def _numerical_jvp(f, arrays, tangents, eps=1e-6):
    plus = [a + eps * t for a, t in zip(arrays, tangents, strict=True)]
    minus = [a - eps * t for a, t in zip(arrays, tangents, strict=True)]
    fp = f(*[t64(a, False) for a in plus]).detach().numpy()
    fm = f(*[t64(a, False) for a in minus]).detach().numpy()
    return (fp - fm) / (2 * eps)


FORWARD = [
    "tril",
    "flip",
    "roll",
    "diag_vector",
    "diag_embed",
    "repeat",
    "repeat_interleave_counts",
    "prod_dim",
    "prod_one_zero",
    "nansum",
    "logaddexp",
    "lerp_tensor",
    "addmm",
    "addbmm",
    "addcdiv",
    "kron",
    "cross",
    "block_diag",
    "cosine_similarity",
    "cdist_p2",
    "cdist_p3_batched",
    "einsum_batched_ellipsis",
    "einsum_bilinear",
    "tensordot_lists",
]


@pytest.mark.parametrize("name", FORWARD)
def test_forward_mode_tangent_matches_finite_differences(name):
    f, arrays = CASES[name]
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    tangents = [RNG.standard_normal(a.shape) for a in arrays]
    with fwAD.dual_level():
        duals = [
            fwAD.make_dual(t64(a, False), t64(t, False))
            for a, t in zip(arrays, tangents, strict=True)
        ]
        _, tangent = fwAD.unpack_dual(f(*duals))
        assert tangent is not None
        got = tangent.numpy().copy()
    np.testing.assert_allclose(got, _numerical_jvp(f, arrays, tangents), rtol=1e-5, atol=1e-7)
