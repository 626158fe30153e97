"""``Wishart``: the distribution of ``Σ_i x_i x_iᵀ`` for ``df`` normal vectors of covariance
Σ, over positive definite matrices; reparameterised samples by the Bartlett decomposition
(L A Aᵀ Lᵀ with A lower triangular: square roots of chi-squared draws on the diagonal, standard
normals below)."""

from __future__ import annotations

import math
import warnings
from numbers import Number

from .. import _creation
from .._broadcast import broadcast_shapes
from .._size import Size
from ..linalg import slogdet
from ..linalg.solvers import cholesky_solve
from . import constraints
from .chi2 import Chi2
from .exp_family import ExponentialFamily
from .multivariate_normal import scale_tril_of
from .utils import EMPTY_SIZE, finfo, lazy_property, standard_normal, vec_to_tril_matrix

__all__ = ["Wishart"]

_LOG_2 = math.log(2)


def _mvdigamma(x, p: int):
    """The multivariate digamma function: Σ_{i<p} ψ(x - i/2)."""
    halves = _creation.arange(p, dtype=x.dtype, device=x.device) / 2
    return (x.unsqueeze(-1) - halves).digamma().sum(-1)


class Wishart(ExponentialFamily):
    """``df`` (greater than n - 1) and exactly one of ``covariance_matrix``,
    ``precision_matrix`` or ``scale_tril`` (``(..., n, n)``)."""

    support = constraints.positive_definite
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def arg_constraints(self):
        return {
            "covariance_matrix": constraints.positive_definite,
            "precision_matrix": constraints.positive_definite,
            "scale_tril": constraints.lower_cholesky,
            "df": constraints.greater_than(self.event_shape[-1] - 1),
        }

    def __init__(
        self, df, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None
    ):
        given = [m is not None for m in (covariance_matrix, precision_matrix, scale_tril)]
        if sum(given) != 1:
            raise AssertionError(
                "Exactly one of covariance_matrix or precision_matrix or scale_tril may be "
                "specified."
            )
        param = next(m for m in (covariance_matrix, precision_matrix, scale_tril) if m is not None)
        if param.ndim < 2:
            raise ValueError(
                "scale_tril must be at least two-dimensional, with optional leading batch "
                "dimensions"
            )
        if isinstance(df, Number):
            batch_shape = Size(list(param.shape[:-2]))
            self.df = _creation.tensor(df, dtype=param.dtype, device=param.device)
        else:
            batch_shape = broadcast_shapes(param.shape[:-2], df.shape)
            self.df = df.expand(*batch_shape)
        event_shape = Size(list(param.shape[-2:]))
        n = event_shape[-1]
        if bool((self.df <= n - 1).any()):
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = {n - 1}.")
        expanded = param.expand(*batch_shape, n, n)
        if scale_tril is not None:
            self.scale_tril = expanded
        elif covariance_matrix is not None:
            self.covariance_matrix = expanded
        else:
            self.precision_matrix = expanded
        if bool((self.df < n).any()):
            warnings.warn(
                "Low df values detected. Singular samples are highly likely to occur for "
                "ndim - 1 < df < ndim.",
                stacklevel=2,
            )
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        self._unbroadcasted_scale_tril = scale_tril_of(
            covariance_matrix, precision_matrix, scale_tril
        )
        self._dist_chi2 = self._bartlett_chi2()

    def _bartlett_chi2(self):
        """Chi-squared laws of the squared diagonal of the Bartlett factor: df - i, i < n."""
        n = self._event_shape[-1]
        L = self._unbroadcasted_scale_tril
        steps = _creation.arange(n, dtype=L.dtype, device=L.device)
        return Chi2(df=(self.df.unsqueeze(-1) - steps).expand(*self._batch_shape, n))

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Wishart, _instance)
        batch_shape = Size(list(batch_shape))
        matrix_shape = (*batch_shape, *self._event_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(*matrix_shape)
        new.df = self.df.expand(*batch_shape)
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                new.__dict__[name] = self.__dict__[name].expand(*matrix_shape)
        ExponentialFamily.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._dist_chi2 = new._bartlett_chi2()
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self):
        return (*self._batch_shape, *self._event_shape)

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(*self._matrix_shape())

    @lazy_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        return (L @ L.mT).expand(*self._matrix_shape())

    @lazy_property
    def precision_matrix(self):
        L = self._unbroadcasted_scale_tril
        identity = _creation.eye(self._event_shape[-1], dtype=L.dtype, device=L.device)
        return cholesky_solve(identity.expand(*L.shape), L).expand(*self._matrix_shape())

    def _df_as_matrix(self):
        return self.df.reshape(*self._batch_shape, 1, 1)

    @property
    def mean(self):
        return self._df_as_matrix() * self.covariance_matrix

    @property
    def mode(self):
        factor = self.df - self._event_shape[-1] - 1
        factor = factor.where(factor > 0, math.nan)
        return factor.reshape(*self._batch_shape, 1, 1) * self.covariance_matrix

    @property
    def variance(self):
        V = self.covariance_matrix
        diagonal = V.diagonal(dim1=-2, dim2=-1)
        return self._df_as_matrix() * (V.pow(2) + diagonal.unsqueeze(-1) * diagonal.unsqueeze(-2))

    def _bartlett_sampling(self, sample_shape):
        n = self._event_shape[-1]
        eps = finfo(self.df.dtype).eps
        diagonal = self._dist_chi2.rsample(sample_shape).sqrt().clamp(min=eps)
        below_shape = (*sample_shape, *self._batch_shape, n * (n - 1) // 2)
        below = standard_normal(below_shape, diagonal.dtype, diagonal.device)
        factor = diagonal.diag_embed()
        if n > 1:
            factor = factor + vec_to_tril_matrix(below, diag=-1)
        chol = self._unbroadcasted_scale_tril @ factor
        return chol @ chol.mT

    def rsample(self, sample_shape=EMPTY_SIZE, max_try_correction=None):
        if max_try_correction is None:
            max_try_correction = 10
        sample_shape = Size(list(sample_shape))
        sample = self._bartlett_sampling(sample_shape)
        singular = self._singular(sample, sample_shape)
        if bool(singular.any()):
            warnings.warn("Singular sample detected.", stacklevel=2)
            for _ in range(max_try_correction):
                sample = self._bartlett_sampling(sample_shape).where(singular, sample)
                singular = self._singular(sample, sample_shape)
                if not bool(singular.any()):
                    break
        return sample

    def _singular(self, sample, sample_shape):
        """Per draw (over the sample and batch), whether it missed the support; shaped to
        broadcast against the samples."""
        singular = ~self.support.check(sample)
        return singular.reshape(*sample_shape, *self._batch_shape, 1, 1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        nu = self.df
        p = self._event_shape[-1]
        L = self._unbroadcasted_scale_tril
        half_log_det = L.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        batch = broadcast_shapes(value.shape[:-2], L.shape[:-2])
        trace = cholesky_solve(value.expand(*batch, p, p), L.expand(*batch, p, p))
        return (
            -nu * (p * _LOG_2 / 2 + half_log_det)
            - (nu / 2).mvlgamma(p)
            + (nu - p - 1) / 2 * slogdet(value).logabsdet
            - trace.diagonal(dim1=-2, dim2=-1).sum(-1) / 2
        )

    def entropy(self):
        nu = self.df
        p = self._event_shape[-1]
        half_log_det = self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        return (
            (p + 1) * (p * _LOG_2 / 2 + half_log_det)
            + (nu / 2).mvlgamma(p)
            - (nu - p - 1) / 2 * _mvdigamma(nu / 2, p)
            + nu * p / 2
        )

    @property
    def _natural_params(self):
        p = self._event_shape[-1]
        return (-self.precision_matrix / 2, (self.df - p - 1) / 2)

    def _log_normalizer(self, x, y):
        p = self._event_shape[-1]
        return (y + (p + 1) / 2) * (-slogdet(-2 * x).logabsdet + _LOG_2 * p) + (
            y + (p + 1) / 2
        ).mvlgamma(p)
