"""``Categorical``: a draw of one of ``K`` categories (indices ``0 .. K-1``) with probabilities
``probs`` or unnormalised log-probabilities ``logits`` along the last dimension."""

from __future__ import annotations

import math
from typing import ClassVar

from .. import _creation
from .._broadcast import broadcast_shapes
from .._size import Size
from .._surface import multinomial
from . import constraints
from .distribution import Distribution
from .utils import EMPTY_SIZE, as_size, finfo, lazy_property, logits_to_probs, probs_to_logits

__all__ = ["Categorical"]


def _check_one_of(probs, logits) -> None:
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")


class Categorical(Distribution):
    """Either ``probs`` (non-negative, normalised here along the last dimension) or ``logits``
    (normalised so that ``logits.logsumexp(-1) == 0``)."""

    arg_constraints: ClassVar[dict] = {
        "probs": constraints.simplex,
        "logits": constraints.independent(constraints.real, 1),
    }
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        _check_one_of(probs, logits)
        if probs is not None:
            if probs.ndim < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            if logits.ndim < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        self._param = self.probs if probs is not None else self.logits
        self._num_events = self._param.shape[-1]
        batch_shape = self._param.shape[:-1] if self._param.ndim > 1 else Size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expanded(Categorical, batch_shape, _instance, ("probs", "logits"))
        new._param = new.probs if "probs" in new.__dict__ else new.logits
        new._num_events = self._num_events
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self._num_events - 1)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits)

    @property
    def param_shape(self) -> Size:
        return self._param.shape

    @property
    def mean(self):
        return _creation.full(self._extended_shape(), math.nan, dtype=self.probs.dtype)

    @property
    def mode(self):
        return self.probs.argmax(-1)

    @property
    def variance(self):
        return _creation.full(self._extended_shape(), math.nan, dtype=self.probs.dtype)

    def sample(self, sample_shape=EMPTY_SIZE):
        if not isinstance(sample_shape, (tuple, list, Size)):
            sample_shape = Size([sample_shape])
        sample_shape = Size(list(sample_shape))
        rows = self.probs.detach().reshape(-1, self._num_events)
        count = max(sample_shape.numel(), 1)
        draws = multinomial(rows, count, True).transpose(0, 1)
        if sample_shape.numel() == 0:
            draws = draws[:0]
        return draws.reshape(*self._extended_shape(sample_shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        index = value.long().unsqueeze(-1)
        batch = broadcast_shapes(index.shape[:-1], self.logits.shape[:-1])
        shape = as_size(batch, (self._num_events,))
        log_pmf = self.logits.expand(*shape)
        index = index.expand(*shape[:-1], 1)
        return log_pmf.gather(-1, index).squeeze(-1)

    def entropy(self):
        lowest = finfo(self.logits.dtype).min
        logits = self.logits.clamp(min=lowest)
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True):
        values = _creation.arange(self._num_events, device=self._param.device)
        values = values.reshape(-1, *([1] * len(self._batch_shape)))
        if expand:
            values = values.expand(-1, *self._batch_shape)
        return values
