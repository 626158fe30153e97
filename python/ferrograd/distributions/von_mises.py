"""``VonMises``: the circular normal distribution of angles, of mean direction ``loc`` and
``concentration`` κ: density ``exp(κ cos(x - loc)) / (2π I0(κ))`` on (-π, π]. Samples come from
the Best-Fisher rejection sampler (not reparameterised, as in PyTorch)."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from .. import _random
from .._mixins.structure import constant
from ..special import i0e, i1e
from . import constraints
from .distribution import Distribution
from .utils import EMPTY_SIZE, broadcast_all, lazy_property

__all__ = ["VonMises"]


def _log_i0(x):
    """log I0(x) = log(I0(x) e^-x) + x, accurate for large x."""
    return i0e(x).log() + x


def _log_i1(x):
    return i1e(x).log() + x


def _rejection_sample(loc: np.ndarray, kappa: np.ndarray, rng) -> np.ndarray:
    """Best & Fisher (1979): a wrapped Cauchy envelope, accepted per element until every
    element has its draw."""
    tau = 1 + np.sqrt(1 + 4 * kappa**2)
    rho = (tau - np.sqrt(2 * tau)) / (2 * kappa)
    # Small κ loses all precision in the exact r; its Taylor expansion is used there.
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(kappa < 1e-5, 1 / kappa + kappa, (1 + rho**2) / (2 * rho))
    x = np.zeros(loc.shape)
    done = np.zeros(loc.shape, dtype=bool)
    while not done.all():
        u1, u2, u3 = rng.random((3, *loc.shape))
        z = np.cos(math.pi * u1)
        f = (1 + r * z) / (r + z)
        c = kappa * (r - f)
        with np.errstate(divide="ignore", invalid="ignore"):
            accept = (c * (2 - c) - u2 > 0) | (np.log(c / u2) + 1 - c >= 0)
        accept &= ~done
        x = np.where(accept, np.sign(u3 - 0.5) * np.arccos(np.clip(f, -1, 1)), x)
        done |= accept
    return (x + math.pi + loc) % (2 * math.pi) - math.pi


class VonMises(Distribution):
    """``loc`` (real, radians) and ``concentration`` (positive)."""

    arg_constraints: ClassVar[dict] = {
        "loc": constraints.real,
        "concentration": constraints.positive,
    }
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded(VonMises, batch_shape, _instance, ("loc", "concentration"))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (
            self.concentration * (value - self.loc).cos()
            - math.log(2 * math.pi)
            - _log_i0(self.concentration)
        )

    def sample(self, sample_shape=EMPTY_SIZE):
        shape = tuple(self._extended_shape(sample_shape))
        loc = np.broadcast_to(self.loc.detach().cpu().numpy().astype(np.float64), shape)
        kappa = np.broadcast_to(self.concentration.detach().cpu().numpy().astype(np.float64), shape)
        draws = _rejection_sample(loc, kappa, _random.numpy_rng())
        return constant(np.array(draws, dtype=np.float64), self.loc).to(self.loc.dtype)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @lazy_property
    def variance(self):
        """The circular variance 1 - I1(κ) / I0(κ)."""
        return 1 - (_log_i1(self.concentration) - _log_i0(self.concentration)).exp()
