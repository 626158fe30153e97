"""``Poisson``: counts of events at rate ``rate``."""

from __future__ import annotations

from typing import ClassVar

from .. import _random, special
from . import constraints
from .exp_family import ExponentialFamily
from .utils import EMPTY_SIZE, broadcast_all

__all__ = ["Poisson"]


class Poisson(ExponentialFamily):
    """Mass ``rate^k e^(-rate) / k!`` on k = 0, 1, 2, ..."""

    arg_constraints: ClassVar[dict] = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded(Poisson, batch_shape, _instance, ("rate",))

    @property
    def mean(self):
        return self.rate

    @property
    def mode(self):
        return self.rate.floor()

    @property
    def variance(self):
        return self.rate

    def sample(self, sample_shape=EMPTY_SIZE):
        shape = self._extended_shape(sample_shape)
        return _random.poisson(self.rate.detach().expand(*shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return special.xlogy(value, rate) - rate - special.gammaln(value + 1)

    @property
    def _natural_params(self):
        return (self.rate.log(),)

    def _log_normalizer(self, x):
        return x.exp()
