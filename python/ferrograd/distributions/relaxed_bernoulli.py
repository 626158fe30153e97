"""``RelaxedBernoulli``: the Concrete (Gumbel-softmax) relaxation of a Bernoulli, a density on
(0, 1) that concentrates at 0 and 1 as ``temperature`` goes to 0, with reparameterised samples.
It is ``sigmoid`` of a ``LogitRelaxedBernoulli``: (logit u + logits) / temperature for
uniform u."""

from __future__ import annotations

from typing import ClassVar

from . import constraints
from .distribution import Distribution
from .transformed_distribution import TransformedDistribution
from .transforms import SigmoidTransform
from .utils import (
    EMPTY_SIZE,
    BinaryProbsLogits,
    broadcast_all,
    clamp_probs,
    standard_uniform,
)

__all__ = ["LogitRelaxedBernoulli", "RelaxedBernoulli"]


class RelaxedParameters:
    """Mixin for a relaxed distribution made by transforming a base one: its ``temperature``,
    ``logits`` and ``probs`` are the base distribution's."""

    @property
    def temperature(self):
        return self.base_dist.temperature

    @property
    def logits(self):
        return self.base_dist.logits

    @property
    def probs(self):
        return self.base_dist.probs


class LogitRelaxedBernoulli(BinaryProbsLogits, Distribution):
    """The logit of a ``RelaxedBernoulli`` draw: ``temperature`` (a positive tensor) and one
    of ``probs`` or ``logits``; values are real."""

    arg_constraints: ClassVar[dict] = {
        "probs": constraints.unit_interval,
        "logits": constraints.real,
    }
    support = constraints.real

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        self.temperature = temperature
        self._init_param(probs, logits)
        super().__init__(self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expanded_binary(LogitRelaxedBernoulli, batch_shape, _instance)
        new.temperature = self.temperature
        return new

    def rsample(self, sample_shape=EMPTY_SIZE):
        shape = self._extended_shape(sample_shape)
        probs = clamp_probs(self.probs.expand(*shape))
        u = clamp_probs(standard_uniform(shape, probs.dtype, probs.device))
        return (u.log() - (-u).log1p() + probs.log() - (-probs).log1p()) / self.temperature

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        diff = logits - value * self.temperature
        return self.temperature.log() + diff - 2 * diff.exp().log1p()


class RelaxedBernoulli(RelaxedParameters, TransformedDistribution):
    """``temperature`` and one of ``probs`` or ``logits``; values lie in (0, 1)."""

    arg_constraints: ClassVar[dict] = {
        "probs": constraints.unit_interval,
        "logits": constraints.real,
    }
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base_dist = LogitRelaxedBernoulli(temperature, probs, logits)
        super().__init__(base_dist, SigmoidTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(RelaxedBernoulli, _instance)
        return super().expand(batch_shape, _instance=new)
