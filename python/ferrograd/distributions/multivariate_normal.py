"""``MultivariateNormal``: the Gaussian over vectors with mean ``loc`` and a covariance given as
``covariance_matrix``, ``precision_matrix`` or its lower Cholesky factor ``scale_tril``.

Everything is computed from the Cholesky factor L (``_unbroadcasted_scale_tril``, kept at its
own batch shape): samples are ``loc + L ε``, the Mahalanobis term is ``|L⁻¹ (x - loc)|²`` by a
triangular solve, and ``log det Σ = 2 Σ log diag L``."""

from __future__ import annotations

import math
from typing import ClassVar

from .. import _creation
from .._broadcast import broadcast_shapes
from .._size import Size
from . import constraints
from ._linalg import cholesky, solve_triangular
from .distribution import Distribution
from .utils import EMPTY_SIZE, lazy_property, standard_normal

__all__ = ["MultivariateNormal"]


def _batch_mv(bmat, bvec):
    """Matrix-vector products over broadcast batches."""
    return (bmat @ bvec.unsqueeze(-1)).squeeze(-1)


def _batch_mahalanobis(bL, bx):
    """``|L⁻¹ x|²`` for lower-triangular ``L``, batches broadcast."""
    batch = broadcast_shapes(bL.shape[:-2], bx.shape[:-1])
    n = bx.shape[-1]
    solved = solve_triangular(
        bL.expand(*batch, n, n), bx.expand(*batch, n).unsqueeze(-1), upper=False
    )
    return solved.squeeze(-1).pow(2).sum(-1)


def _precision_to_scale_tril(precision):
    """The lower Cholesky factor of the inverse of ``precision``: with the flipped matrix's
    factor Lf, ``flip(Lf)ᵀ`` is an upper factor of P, whose inverse transposed is L."""
    n = precision.shape[-1]
    flipped = cholesky(precision.flip((-2, -1)))
    inverse_t = flipped.flip((-2, -1)).transpose(-2, -1)
    identity = _creation.eye(n, dtype=precision.dtype, device=precision.device)
    return solve_triangular(inverse_t, identity.expand(*inverse_t.shape), upper=False)


def scale_tril_of(covariance_matrix, precision_matrix, scale_tril):
    """The lower Cholesky factor of the covariance, from whichever of the three is given."""
    if scale_tril is not None:
        return scale_tril
    if covariance_matrix is not None:
        return cholesky(covariance_matrix)
    return _precision_to_scale_tril(precision_matrix)


class MultivariateNormal(Distribution):
    """Exactly one of ``covariance_matrix``, ``precision_matrix``, ``scale_tril`` (matrices
    ``(..., n, n)``) with ``loc`` ``(..., n)``; batch shapes broadcast."""

    arg_constraints: ClassVar[dict] = {
        "loc": constraints.real_vector,
        "covariance_matrix": constraints.positive_definite,
        "precision_matrix": constraints.positive_definite,
        "scale_tril": constraints.lower_cholesky,
    }
    support = constraints.real_vector
    has_rsample = True

    def __init__(
        self,
        loc,
        covariance_matrix=None,
        precision_matrix=None,
        scale_tril=None,
        validate_args=None,
    ):
        if loc.ndim < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = [m is not None for m in (covariance_matrix, precision_matrix, scale_tril)]
        if sum(given) != 1:
            raise ValueError(
                "Exactly one of covariance_matrix or precision_matrix or scale_tril may be "
                "specified."
            )
        name, matrix = next(
            (n, m)
            for n, m in (
                ("scale_tril", scale_tril),
                ("covariance_matrix", covariance_matrix),
                ("precision_matrix", precision_matrix),
            )
            if m is not None
        )
        if matrix.ndim < 2:
            noun = "scale_tril matrix" if name == "scale_tril" else name
            raise ValueError(
                f"{noun} must be at least two-dimensional, with optional leading batch dimensions"
            )
        batch_shape = broadcast_shapes(matrix.shape[:-2], loc.shape[:-1])
        n = loc.shape[-1]
        setattr(self, name, matrix.expand(*batch_shape, n, n))
        self.loc = loc.expand(*batch_shape, n)
        super().__init__(batch_shape, Size([n]), validate_args=validate_args)

        self._unbroadcasted_scale_tril = scale_tril_of(
            covariance_matrix, precision_matrix, scale_tril
        )

    def expand(self, batch_shape, _instance=None):
        new = self._expanded(
            MultivariateNormal,
            batch_shape,
            _instance,
            ("loc", "covariance_matrix", "scale_tril", "precision_matrix"),
        )
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        return new

    @lazy_property
    def scale_tril(self):
        n = self._event_shape[0]
        return self._unbroadcasted_scale_tril.expand(*self._batch_shape, n, n)

    @lazy_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        n = self._event_shape[0]
        return (L @ L.transpose(-2, -1)).expand(*self._batch_shape, n, n)

    @lazy_property
    def precision_matrix(self):
        L = self._unbroadcasted_scale_tril
        n = self._event_shape[0]
        identity = _creation.eye(n, dtype=L.dtype, device=L.device).expand(*L.shape)
        L_inv = solve_triangular(L, identity, upper=False)
        return (L_inv.transpose(-2, -1) @ L_inv).expand(*self._batch_shape, n, n)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return (
            self._unbroadcasted_scale_tril.pow(2)
            .sum(-1)
            .expand(*self._batch_shape, *self._event_shape)
        )

    def rsample(self, sample_shape=EMPTY_SIZE):
        shape = self._extended_shape(sample_shape)
        eps = standard_normal(shape, self.loc.dtype, self.loc.device)
        return self.loc + _batch_mv(self._unbroadcasted_scale_tril, eps)

    def _half_log_det(self):
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        diff = value - self.loc
        mahalanobis = _batch_mahalanobis(self._unbroadcasted_scale_tril, diff)
        n = self._event_shape[0]
        return -0.5 * (n * math.log(2 * math.pi) + mahalanobis) - self._half_log_det()

    def entropy(self):
        n = self._event_shape[0]
        entropy = 0.5 * n * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        if len(self._batch_shape) == 0:
            return entropy
        return entropy.expand(*self._batch_shape)
