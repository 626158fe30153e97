"""``Dirichlet``: the distribution over the probability simplex with parameter vector
``concentration``. Reparameterised samples are independent gamma draws normalised to sum 1,
differentiable through the gamma sampler's implicit gradient."""

from __future__ import annotations

from typing import ClassVar

from .. import special
from .._creation import zeros_like
from . import constraints
from .exp_family import ExponentialFamily
from .gamma import standard_gamma
from .utils import EMPTY_SIZE

__all__ = ["Dirichlet"]


class Dirichlet(ExponentialFamily):
    """Density ``Γ(Σα) / ΠΓ(α_i) · Π x_i^(α_i - 1)`` on the simplex; ``concentration`` has
    shape ``batch_shape + (k,)``."""

    arg_constraints: ClassVar[dict] = {
        "concentration": constraints.independent(constraints.positive, 1)
    }
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        if concentration.ndim < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        batch_shape, event_shape = concentration.shape[:-1], concentration.shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded(Dirichlet, batch_shape, _instance, ("concentration",))

    def rsample(self, sample_shape=EMPTY_SIZE):
        shape = self._extended_shape(sample_shape)
        gammas = standard_gamma(self.concentration.expand(shape))
        return gammas / gammas.sum(-1, keepdim=True)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        c = self.concentration
        return (
            special.xlogy(c - 1.0, value).sum(-1)
            + special.gammaln(c.sum(-1))
            - special.gammaln(c).sum(-1)
        )

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self):
        excess = (self.concentration - 1).clamp(min=0.0)
        mode = excess / excess.sum(-1, keepdim=True)
        # With every concentration below 1 the density is unbounded at every vertex; like
        # PyTorch (whose argmax there meets NaNs only), take the first vertex.
        below_one = (self.concentration < 1).all(-1, keepdim=True)
        first_vertex = zeros_like(mode)
        first_vertex[..., 0] = 1.0
        return mode.where(~below_one, first_vertex)

    @property
    def variance(self):
        total = self.concentration.sum(-1, keepdim=True)
        return self.concentration * (total - self.concentration) / (total.pow(2) * (total + 1))

    def entropy(self):
        c = self.concentration
        k = c.shape[-1]
        total = c.sum(-1)
        return (
            special.gammaln(c).sum(-1)
            - special.gammaln(total)
            - (k - total) * special.digamma(total)
            - ((c - 1.0) * special.digamma(c)).sum(-1)
        )

    @property
    def _natural_params(self):
        return (self.concentration,)

    def _log_normalizer(self, x):
        return special.gammaln(x).sum(-1) - special.gammaln(x.sum(-1))
