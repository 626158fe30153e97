"""``NegativeBinomial``: the number of successes before ``total_count`` failures of Bernoulli
trials with success probability ``probs``; sampled as a gamma-Poisson mixture."""

from __future__ import annotations

from typing import ClassVar

from .. import _random
from ..autograd.grad_mode import no_grad
from ..nn.functional import logsigmoid
from . import constraints
from .distribution import Distribution
from .gamma import Gamma
from .utils import (
    EMPTY_SIZE,
    BinaryProbsLogits,
    lazy_property,
)

__all__ = ["NegativeBinomial"]


class NegativeBinomial(BinaryProbsLogits, Distribution):
    """``total_count`` (non-negative, real) and one of ``probs`` in [0, 1) or ``logits``."""

    arg_constraints: ClassVar[dict] = {
        "total_count": constraints.greater_than_eq(0),
        "probs": constraints.half_open_interval(0.0, 1.0),
        "logits": constraints.real,
    }
    support = constraints.nonnegative_integer

    def __init__(self, total_count, probs=None, logits=None, validate_args=None):
        (self.total_count,) = self._init_param(probs, logits, total_count)
        super().__init__(self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded_binary(NegativeBinomial, batch_shape, _instance, ("total_count",))

    @property
    def mean(self):
        return self.total_count * self.logits.exp()

    @property
    def mode(self):
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self):
        return self.mean / (-self.logits).sigmoid()

    @lazy_property
    def _gamma(self):
        # The Poisson rate of each draw: Gamma(total_count, scale = p / (1 - p)).
        return Gamma(self.total_count, (-self.logits).exp(), validate_args=False)

    def sample(self, sample_shape=EMPTY_SIZE):
        with no_grad():
            rate = self._gamma.sample(sample_shape)
            return _random.poisson(rate)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        log_unnormalized = self.total_count * logsigmoid(-self.logits) + value * logsigmoid(
            self.logits
        )
        total = self.total_count
        log_normalization = -(total + value).lgamma() + (1.0 + value).lgamma() + total.lgamma()
        # total_count = value = 0 is the certain event, whose log-normaliser is 0 (not nan).
        log_normalization = log_normalization.masked_fill(total + value == 0.0, 0.0)
        return log_unnormalized - log_normalization
