"""``Weibull``: ``scale · E^(1/concentration)`` for E standard exponential (a
``TransformedDistribution`` of it), with reparameterised samples."""

from __future__ import annotations

from typing import ClassVar

from .. import _creation
from . import constraints
from .exponential import Exponential
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform, PowerTransform
from .utils import broadcast_all, euler_constant

__all__ = ["Weibull"]


def _weibull_transforms(scale, concentration_reciprocal):
    return [PowerTransform(exponent=concentration_reciprocal), AffineTransform(0, scale)]


class Weibull(TransformedDistribution):
    """Density ``(k/λ) (x/λ)^(k-1) exp(-(x/λ)^k)`` on x > 0, λ = ``scale``, k =
    ``concentration``."""

    arg_constraints: ClassVar[dict] = {
        "scale": constraints.positive,
        "concentration": constraints.positive,
    }
    support = constraints.positive

    def __init__(self, scale, concentration, validate_args=None):
        self.scale, self.concentration = broadcast_all(scale, concentration)
        self.concentration_reciprocal = self.concentration.reciprocal()
        base_dist = Exponential(_creation.ones_like(self.scale), validate_args=validate_args)
        transforms = _weibull_transforms(self.scale, self.concentration_reciprocal)
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Weibull, _instance)
        new.scale = self.scale.expand(*batch_shape)
        new.concentration = self.concentration.expand(*batch_shape)
        new.concentration_reciprocal = new.concentration.reciprocal()
        base_dist = self.base_dist.expand(batch_shape)
        transforms = _weibull_transforms(new.scale, new.concentration_reciprocal)
        TransformedDistribution.__init__(new, base_dist, transforms, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self.scale * (1 + self.concentration_reciprocal).lgamma().exp()

    @property
    def mode(self):
        k = self.concentration
        return self.scale * ((k - 1) / k) ** k.reciprocal()

    @property
    def variance(self):
        first = (1 + self.concentration_reciprocal).lgamma()
        second = (1 + 2 * self.concentration_reciprocal).lgamma()
        return self.scale.pow(2) * (second.exp() - (2 * first).exp())

    def entropy(self):
        return (
            euler_constant * (1 - self.concentration_reciprocal)
            + (self.scale * self.concentration_reciprocal).log()
            + 1
        )
