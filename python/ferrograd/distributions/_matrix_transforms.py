"""Transforms onto matrix constraints: ``CorrCholeskyTransform`` (vectors to Cholesky factors
of correlation matrices, bijective), ``LowerCholeskyTransform`` (square matrices to lower
triangular ones with a positive diagonal) and ``PositiveDefiniteTransform`` (to positive
definite matrices, through the latter)."""

from __future__ import annotations

import math

from .. import _creation
from ..nn.functional import pad, softplus
from . import constraints
from ._linalg import cholesky
from .transforms import Transform
from .utils import finfo, tril_matrix_to_vec, vec_to_tril_matrix

__all__ = ["CorrCholeskyTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform"]


class CorrCholeskyTransform(Transform):
    """A vector of ``d(d-1)/2`` reals to the ``d x d`` lower Cholesky factor of a correlation
    matrix: tanh maps each to a partial correlation in (-1, 1), placed below the diagonal row
    by row, and each row is completed by stick-breaking so that its norm is 1."""

    domain = constraints.real_vector
    codomain = constraints.corr_cholesky
    bijective = True

    def __eq__(self, other):
        return isinstance(other, CorrCholeskyTransform)

    __hash__ = object.__hash__

    def _call(self, x):
        eps = finfo(x.dtype).eps
        r = vec_to_tril_matrix(x.tanh().clamp(min=-1 + eps, max=1 - eps), diag=-1)
        # Entry (i, j) takes the fraction r_ij of what row i has left after its first j
        # entries: sqrt(Π_{k<j} (1 - r_ik²)).
        remaining = (1 - r.pow(2)).sqrt().cumprod(-1)
        identity = _creation.eye(r.shape[-1], dtype=r.dtype, device=r.device)
        return (r + identity) * pad(remaining[..., :-1], [1, 0], value=1)

    def _inverse(self, y):
        left = 1 - (y * y).cumsum(-1)
        left_before = pad(left[..., :-1], [1, 0], value=1)
        partial = tril_matrix_to_vec(y, diag=-1) / tril_matrix_to_vec(left_before, diag=-1).sqrt()
        return (partial.log1p() - (-partial).log1p()) / 2  # atanh

    def log_abs_det_jacobian(self, x, y, intermediates=None):
        left = 1 - (y * y).cumsum(-1)
        stick_breaking = 0.5 * tril_matrix_to_vec(left, diag=-2).log().sum(-1)
        # log(1 - tanh(x)²), written to stay accurate for large |x|.
        tanh = -2 * (x + softplus(-2 * x) - math.log(2.0)).sum(-1)
        return stick_breaking + tanh

    def forward_shape(self, shape):
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        n = shape[-1]
        d = round((0.25 + 2 * n) ** 0.5 + 0.5)
        if d * (d - 1) // 2 != n:
            raise ValueError("Input is not a flattened lower-diagonal number")
        return (*tuple(shape)[:-1], d, d)

    def inverse_shape(self, shape):
        if len(shape) < 2:
            raise ValueError("Too few dimensions on input")
        if shape[-2] != shape[-1]:
            raise ValueError("Input is not square")
        d = shape[-1]
        return (*tuple(shape)[:-2], d * (d - 1) // 2)


class LowerCholeskyTransform(Transform):
    """A square matrix to a lower triangular one with a positive diagonal: the strict lower
    triangle kept, the diagonal exponentiated, the upper triangle dropped (not bijective)."""

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.lower_cholesky

    def __eq__(self, other):
        return isinstance(other, LowerCholeskyTransform)

    __hash__ = object.__hash__

    def _call(self, x):
        return x.tril(-1) + x.diagonal(dim1=-2, dim2=-1).exp().diag_embed()

    def _inverse(self, y):
        return y.tril(-1) + y.diagonal(dim1=-2, dim2=-1).log().diag_embed()


class PositiveDefiniteTransform(Transform):
    """A square matrix to the positive definite ``L Lᵀ``, L its ``LowerCholeskyTransform``."""

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.positive_definite

    def __eq__(self, other):
        return isinstance(other, PositiveDefiniteTransform)

    __hash__ = object.__hash__

    def _call(self, x):
        factor = LowerCholeskyTransform()(x)
        return factor @ factor.mT

    def _inverse(self, y):
        return LowerCholeskyTransform().inv(cholesky(y))
