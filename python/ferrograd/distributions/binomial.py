"""``Binomial``: the number of successes in ``total_count`` independent Bernoulli(``probs``)
trials."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .. import _creation, _random, special
from .._mixins.structure import constant
from . import constraints
from .distribution import Distribution
from .utils import (
    EMPTY_SIZE,
    BinaryProbsLogits,
)

__all__ = ["Binomial"]


def _clamp_by_zero(x):
    """``max(x, 0)`` with gradient 1/2 at 0 (so log_prob's gradient is right at logits 0)."""
    return (x.clamp(min=0) + x - x.clamp(max=0)) / 2


class Binomial(BinaryProbsLogits, Distribution):
    """``total_count`` (a non-negative integer, or a tensor of them) and ``probs`` or
    ``logits``."""

    arg_constraints: ClassVar[dict] = {
        "total_count": constraints.nonnegative_integer,
        "probs": constraints.unit_interval,
        "logits": constraints.real,
    }
    has_enumerate_support = True

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        (self.total_count,) = self._init_param(probs, logits, total_count)
        super().__init__(self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded_binary(Binomial, batch_shape, _instance, ("total_count",))

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self.total_count)

    @property
    def mean(self):
        return self.total_count * self.probs

    @property
    def mode(self):
        return ((self.total_count + 1) * self.probs).floor().clamp(max=self.total_count)

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=EMPTY_SIZE):
        shape = tuple(self._extended_shape(sample_shape))
        counts = np.broadcast_to(self.total_count.detach().cpu().numpy(), shape)
        probs = np.broadcast_to(self.probs.detach().cpu().numpy().astype(np.float64), shape)
        draws = _random.numpy_rng().binomial(counts.astype(np.int64), probs)
        # NumPy answers a 0-d draw with a Python int, so the result is made an array again
        return constant(np.asarray(draws, dtype=np.float64), self.probs).to(self.probs.dtype)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        n = self.total_count
        log_factorial_n = special.gammaln(n + 1)
        log_factorial_k = special.gammaln(value + 1)
        log_factorial_nmk = special.gammaln(n - value + 1)
        # n log(1 + e^logits) written to stay finite for large |logits|.
        normalize_term = (
            n * _clamp_by_zero(self.logits)
            + n * (-self.logits.abs()).exp().log1p()
            - log_factorial_n
        )
        return value * self.logits - log_factorial_k - log_factorial_nmk - normalize_term

    def _homogeneous_count(self, method: str) -> int:
        counts = self.total_count.detach().cpu().numpy()
        top = int(counts.max()) if counts.size else 0
        if counts.size and not (counts == top).all():
            raise NotImplementedError(f"Inhomogeneous total count not supported by `{method}`.")
        return top

    def entropy(self):
        self._homogeneous_count("entropy")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(log_prob.exp() * log_prob).sum(0)

    def enumerate_support(self, expand: bool = True):
        top = self._homogeneous_count("enumerate_support")
        values = _creation.arange(1 + top, dtype=self._param.dtype, device=self._param.device)
        values = values.reshape(-1, *([1] * len(self._batch_shape)))
        if expand:
            values = values.expand(-1, *self._batch_shape)
        return values
