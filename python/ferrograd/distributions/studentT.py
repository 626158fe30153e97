"""``StudentT``: Student's t distribution with ``df`` degrees of freedom, location ``loc`` and
scale ``scale``; reparameterised as ``loc + scale · X / sqrt(Z / df)``, X standard normal and Z
chi-squared."""

from __future__ import annotations

import math
from typing import ClassVar

from .. import special
from . import constraints
from .chi2 import Chi2
from .distribution import Distribution
from .utils import EMPTY_SIZE, broadcast_all, standard_normal

__all__ = ["StudentT"]


class StudentT(Distribution):
    """Heavy-tailed: the mean exists for df > 1, the variance for df > 2."""

    arg_constraints: ClassVar[dict] = {
        "df": constraints.positive,
        "loc": constraints.real,
        "scale": constraints.positive,
    }
    support = constraints.real
    has_rsample = True

    def __init__(self, df, loc=0.0, scale=1.0, validate_args=None):
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        self._chi2 = Chi2(self.df)
        super().__init__(self.df.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expanded(StudentT, batch_shape, _instance, ("df", "loc", "scale"))
        new._chi2 = self._chi2.expand(batch_shape)
        return new

    @property
    def mean(self):
        return self.loc.where(self.df > 1, math.nan)

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        df = self.df
        finite = self.scale.pow(2) * df / (df - 2).where(df > 2, 1.0)
        infinite = finite.where(df > 2, math.inf)
        return infinite.where(df > 1, math.nan)

    def rsample(self, sample_shape=EMPTY_SIZE):
        shape = self._extended_shape(sample_shape)
        x = standard_normal(shape, self.df.dtype, self.df.device)
        z = self._chi2.rsample(sample_shape)
        y = x * (z / self.df).rsqrt()
        return self.loc + self.scale * y

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        y = (value - self.loc) / self.scale
        z = (
            self.scale.log()
            + 0.5 * self.df.log()
            + 0.5 * math.log(math.pi)
            + special.gammaln(0.5 * self.df)
            - special.gammaln(0.5 * (self.df + 1.0))
        )
        return -0.5 * (self.df + 1.0) * (y.pow(2) / self.df).log1p() - z

    def entropy(self):
        half_df = 0.5 * self.df
        half_df1 = 0.5 * (self.df + 1)
        log_beta = special.gammaln(half_df) + math.lgamma(0.5) - special.gammaln(half_df1)
        return (
            self.scale.log()
            + half_df1 * (special.digamma(half_df1) - special.digamma(half_df))
            + 0.5 * self.df.log()
            + log_beta
        )
