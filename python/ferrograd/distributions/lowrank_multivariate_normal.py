"""``LowRankMultivariateNormal``: the Gaussian over vectors whose covariance is
``cov_factor @ cov_factorᵀ + diag(cov_diag)`` (W Wᵀ + D, W of shape ``(n, m)`` with m small).

Nothing ``n x n`` is factorised: the Woodbury identity and the matrix determinant lemma reduce
the inverse and the determinant to the ``m x m`` capacitance matrix C = I + Wᵀ D⁻¹ W, whose
Cholesky factor is computed once (``_capacitance_tril``)."""

from __future__ import annotations

import math
from typing import ClassVar

from .. import _creation
from .._broadcast import broadcast_shapes, broadcast_tensors
from .._size import Size
from . import constraints
from ._linalg import cholesky, solve_triangular
from .distribution import Distribution
from .multivariate_normal import _batch_mahalanobis, _batch_mv
from .utils import EMPTY_SIZE, lazy_property, standard_normal

__all__ = ["LowRankMultivariateNormal"]


def _with_unit_diagonal_added(matrix):
    """``matrix + I`` for a batch of square matrices."""
    n = matrix.shape[-1]
    return matrix + _creation.eye(n, dtype=matrix.dtype, device=matrix.device)


def _capacitance_tril(W, D):
    """The lower Cholesky factor of I + Wᵀ D⁻¹ W."""
    Wt_Dinv = W.mT / D.unsqueeze(-2)
    return cholesky(_with_unit_diagonal_added(Wt_Dinv @ W))


def _lowrank_logdet(W, D, capacitance_tril):
    """log det(W Wᵀ + D) = log det C + log det D (the matrix determinant lemma)."""
    return 2 * capacitance_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1) + D.log().sum(-1)


def _lowrank_mahalanobis(W, D, x, capacitance_tril):
    """xᵀ (W Wᵀ + D)⁻¹ x = xᵀ D⁻¹ x - |L_C⁻¹ Wᵀ D⁻¹ x|² (the Woodbury identity)."""
    Wt_Dinv_x = _batch_mv(W.mT / D.unsqueeze(-2), x)
    return (x.pow(2) / D).sum(-1) - _batch_mahalanobis(capacitance_tril, Wt_Dinv_x)


def _trace_xxt(x):
    """trace(X Xᵀ) over batches: the sum of squares of each matrix."""
    return x.pow(2).sum((-2, -1))


class LowRankMultivariateNormal(Distribution):
    """``loc`` ``(..., n)``, ``cov_factor`` ``(..., n, m)`` and ``cov_diag`` ``(..., n)``
    (positive); batch shapes broadcast."""

    arg_constraints: ClassVar[dict] = {
        "loc": constraints.real_vector,
        "cov_factor": constraints.independent(constraints.real, 2),
        "cov_diag": constraints.independent(constraints.positive, 1),
    }
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, cov_factor, cov_diag, validate_args=None):
        if loc.ndim < 1:
            raise ValueError("loc must be at least one-dimensional.")
        event_shape = Size([loc.shape[-1]])
        if cov_factor.ndim < 2:
            raise ValueError(
                "cov_factor must be at least two-dimensional, with optional leading batch "
                "dimensions"
            )
        if tuple(cov_factor.shape[-2:-1]) != tuple(event_shape):
            raise ValueError(
                f"cov_factor must be a batch of matrices with shape {event_shape[0]} x m"
            )
        if tuple(cov_diag.shape[-1:]) != tuple(event_shape):
            raise ValueError(f"cov_diag must be a batch of vectors with shape {event_shape}")
        try:
            loc_, self.cov_factor, cov_diag_ = broadcast_tensors(
                loc.unsqueeze(-1), cov_factor, cov_diag.unsqueeze(-1)
            )
        except RuntimeError as e:
            raise ValueError(
                f"Incompatible batch shapes: loc {loc.shape}, cov_factor {cov_factor.shape}, "
                f"cov_diag {cov_diag.shape}"
            ) from e
        self.loc = loc_[..., 0]
        self.cov_diag = cov_diag_[..., 0]
        self._unbroadcasted_cov_factor = cov_factor
        self._unbroadcasted_cov_diag = cov_diag
        self._capacitance_tril = _capacitance_tril(cov_factor, cov_diag)
        super().__init__(self.loc.shape[:-1], event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LowRankMultivariateNormal, _instance)
        batch_shape = Size(list(batch_shape))
        n = self._event_shape[0]
        new.loc = self.loc.expand(*batch_shape, n)
        new.cov_diag = self.cov_diag.expand(*batch_shape, n)
        new.cov_factor = self.cov_factor.expand(*batch_shape, n, self.cov_factor.shape[-1])
        new._unbroadcasted_cov_factor = self._unbroadcasted_cov_factor
        new._unbroadcasted_cov_diag = self._unbroadcasted_cov_diag
        new._capacitance_tril = self._capacitance_tril
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _full_shape(self):
        n = self._event_shape[0]
        return (*self._batch_shape, n, n)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @lazy_property
    def variance(self):
        variance = self._unbroadcasted_cov_factor.pow(2).sum(-1) + self._unbroadcasted_cov_diag
        return variance.expand(*self._batch_shape, *self._event_shape)

    @lazy_property
    def scale_tril(self):
        # W Wᵀ + D = D^½ (D^-½ W Wᵀ D^-½ + I) D^½: the Cholesky factor of the middle
        # matrix scaled by D^½ row by row.
        sqrt_diag = self._unbroadcasted_cov_diag.sqrt().unsqueeze(-1)
        scaled = self._unbroadcasted_cov_factor / sqrt_diag
        inner = cholesky(_with_unit_diagonal_added(scaled @ scaled.mT))
        return (sqrt_diag * inner).expand(*self._full_shape())

    @lazy_property
    def covariance_matrix(self):
        W = self._unbroadcasted_cov_factor
        covariance = W @ W.mT + self._unbroadcasted_cov_diag.diag_embed()
        return covariance.expand(*self._full_shape())

    @lazy_property
    def precision_matrix(self):
        # (W Wᵀ + D)⁻¹ = D⁻¹ - Aᵀ A with A = L_C⁻¹ Wᵀ D⁻¹.
        A = self._woodbury_factor()
        precision = self._unbroadcasted_cov_diag.reciprocal().diag_embed() - A.mT @ A
        return precision.expand(*self._full_shape())

    def _woodbury_factor(self):
        Wt_Dinv = self._unbroadcasted_cov_factor.mT / self._unbroadcasted_cov_diag.unsqueeze(-2)
        C = self._capacitance_tril
        batch = broadcast_shapes(C.shape[:-2], Wt_Dinv.shape[:-2])
        m, n = Wt_Dinv.shape[-2:]
        return solve_triangular(C.expand(*batch, m, m), Wt_Dinv.expand(*batch, m, n), upper=False)

    def rsample(self, sample_shape=EMPTY_SIZE):
        shape = self._extended_shape(sample_shape)
        factor_shape = (*shape[:-1], self.cov_factor.shape[-1])
        eps_w = standard_normal(factor_shape, self.loc.dtype, self.loc.device)
        eps_d = standard_normal(shape, self.loc.dtype, self.loc.device)
        return (
            self.loc
            + _batch_mv(self._unbroadcasted_cov_factor, eps_w)
            + self._unbroadcasted_cov_diag.sqrt() * eps_d
        )

    def _log_det(self):
        return _lowrank_logdet(
            self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag, self._capacitance_tril
        )

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        mahalanobis = _lowrank_mahalanobis(
            self._unbroadcasted_cov_factor,
            self._unbroadcasted_cov_diag,
            value - self.loc,
            self._capacitance_tril,
        )
        n = self._event_shape[0]
        return -0.5 * (n * math.log(2 * math.pi) + self._log_det() + mahalanobis)

    def entropy(self):
        n = self._event_shape[0]
        entropy = 0.5 * (n * (1.0 + math.log(2 * math.pi)) + self._log_det())
        if len(self._batch_shape) == 0:
            return entropy
        return entropy.expand(*self._batch_shape)
