"""``GeneralizedPareto``: the limit distribution of threshold exceedances, of location
``loc``, scale ``scale`` and shape ``concentration`` ξ (exponential at ξ = 0, bounded above for
ξ < 0); reparameterised samples by the inverse CDF."""

from __future__ import annotations

import math
from typing import ClassVar

from . import constraints
from .distribution import Distribution
from .utils import EMPTY_SIZE, broadcast_all, standard_uniform

__all__ = ["GeneralizedPareto"]


class GeneralizedPareto(Distribution):
    """``loc`` (real), ``scale`` (positive), ``concentration`` (real)."""

    arg_constraints: ClassVar[dict] = {
        "loc": constraints.real,
        "scale": constraints.positive,
        "concentration": constraints.real,
    }
    has_rsample = True

    def __init__(self, loc, scale, concentration, validate_args=None):
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        super().__init__(self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded(
            GeneralizedPareto, batch_shape, _instance, ("loc", "scale", "concentration")
        )

    def _zero_and_safe_concentration(self):
        """Where ξ is 0 (to ``isclose``'s tolerance) and ξ with those entries set to 1, so the
        closed forms for ξ != 0 stay finite there (their branch is not selected)."""
        eq_zero = self.concentration.abs() <= 1e-8
        return eq_zero, self.concentration.where(~eq_zero, 1.0)

    def _z(self, x):
        return (x - self.loc) / self.scale

    def rsample(self, sample_shape=EMPTY_SIZE):
        shape = self._extended_shape(sample_shape)
        return self.icdf(standard_uniform(shape, self.loc.dtype, self.loc.device))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        eq_zero, safe = self._zero_and_safe_concentration()
        y = 1 / safe + 1
        nonzero = y.where(y == 0, y * (safe * z).log1p())
        return -self.scale.log() - z.where(eq_zero, nonzero)

    def log_survival_function(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        eq_zero, safe = self._zero_and_safe_concentration()
        return (-z).where(eq_zero, -(safe * z).log1p() / safe)

    def log_cdf(self, value):
        return (-self.log_survival_function(value).exp()).log1p()

    def cdf(self, value):
        return self.log_cdf(value).exp()

    def icdf(self, value):
        eq_zero, safe = self._zero_and_safe_concentration()
        log_u = (-value).log1p()
        nonzero = self.loc + self.scale / safe * (-safe * log_u).expm1()
        return (self.loc - self.scale * log_u).where(eq_zero, nonzero)

    @property
    def mean(self):
        valid = self.concentration < 1
        safe = self.concentration.where(valid, 0.5)
        return (self.loc + self.scale / (1 - safe)).where(valid, math.nan)

    @property
    def variance(self):
        valid = self.concentration < 0.5
        safe = self.concentration.where(valid, 0.25)
        return (self.scale**2 / ((1 - safe) ** 2 * (1 - 2 * safe))).where(valid, math.nan)

    def entropy(self):
        return (self.scale.log() + self.concentration + 1).expand(*self._batch_shape)

    @property
    def mode(self):
        return self.loc

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        upper = (self.loc - self.scale / self.concentration).where(self.concentration < 0, math.inf)
        return constraints.interval(self.loc, upper)
