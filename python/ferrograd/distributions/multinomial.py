"""``Multinomial``: the category counts of ``total_count`` independent ``Categorical`` draws."""

from __future__ import annotations

import math
from typing import ClassVar

from .. import _creation, special
from .._size import Size
from . import constraints
from .binomial import Binomial
from .categorical import Categorical
from .distribution import Distribution
from .utils import EMPTY_SIZE, as_size, broadcast_all

__all__ = ["Multinomial"]


class Multinomial(Distribution):
    """``total_count`` (one integer for the whole batch) and ``probs`` or ``logits`` over the
    last dimension; values are count vectors summing to ``total_count``."""

    arg_constraints: ClassVar[dict] = {
        "probs": constraints.simplex,
        "logits": constraints.independent(constraints.real, 1),
    }

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        self._binomial = Binomial(total_count=total_count, probs=self.probs)
        batch_shape = self._categorical.batch_shape
        event_shape = self._categorical.param_shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Multinomial, _instance)
        batch_shape = Size(list(batch_shape))
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch_shape)
        new._binomial = self._binomial.expand(as_size(batch_shape, self.event_shape))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return constraints.multinomial(self.total_count)

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def param_shape(self) -> Size:
        return self._categorical.param_shape

    @property
    def mean(self):
        return self.probs * self.total_count

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=EMPTY_SIZE):
        sample_shape = Size(list(sample_shape))
        draws = self._categorical.sample(as_size((self.total_count,), sample_shape))
        # (total_count, *sample, *batch) -> (*sample, *batch, total_count)
        draws = draws.permute(*range(1, draws.ndim), 0)
        counts = _creation.zeros(*self._extended_shape(sample_shape), dtype=draws.dtype)
        counts = counts.scatter_add(-1, draws, _creation.ones_like(draws))
        return counts.to(self.probs.dtype)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_factorial_n = special.gammaln(value.sum(-1) + 1)
        log_factorial_xs = special.gammaln(value + 1).sum(-1)
        # A category of probability 0 that is never drawn contributes 0 (not 0 · -inf).
        logits = logits.where(~((value == 0) & (logits == -math.inf)), 0.0)
        log_powers = (logits * value).sum(-1)
        return log_factorial_n - log_factorial_xs + log_powers

    def entropy(self):
        n = _creation.tensor(float(self.total_count), dtype=self.probs.dtype)
        support = self._binomial.enumerate_support()
        binomial_probs = self._binomial.log_prob(support).exp()
        weights = special.gammaln(support + 1)
        return (
            n * self._categorical.entropy()
            - special.gammaln(n + 1)
            + (binomial_probs * weights).sum(0).sum(-1)
        )
