"""``Gamma``: the gamma distribution of shape ``concentration`` and inverse scale ``rate``, with
reparameterised samples differentiable in both.

Samples are drawn by NumPy's standard gamma sampler; their gradient in the concentration is the
implicit reparameterisation gradient dx/dα = -(∂F/∂α) / p at fixed CDF value F (F the
regularized incomplete gamma function, differentiated exactly in ``_special_math``), as PyTorch
uses (whose version approximates it, within about 1 % in the far tails)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .. import _random, _special_math, special
from .._mixins.structure import constant
from ..autograd.function import Function
from . import constraints
from .exp_family import ExponentialFamily
from .utils import EMPTY_SIZE, broadcast_all, finfo

__all__ = ["Gamma"]


def _host(t) -> np.ndarray:
    return t.detach().cpu().numpy().astype(np.float64)


class _StandardGammaGrad(Function):
    """dx/dα of standard gamma samples x (a constant of the sampler: it has no derivative
    itself, as in PyTorch)."""

    @staticmethod
    def forward(ctx, alpha, x):
        values = _special_math.standard_gamma_grad(_host(x), _host(alpha))
        return constant(values, x).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        raise NotImplementedError("the derivative for '_standard_gamma_grad' is not implemented.")


class _StandardGamma(Function):
    @staticmethod
    def forward(ctx, alpha):
        draws = _random.numpy_rng().standard_gamma(_host(alpha))
        # A tiny concentration can give 0, whose log-density is -inf; PyTorch clamps likewise.
        draws = np.maximum(draws, finfo(alpha.dtype).tiny)
        out = constant(draws, alpha).to(alpha.dtype)
        ctx.save_for_backward(alpha, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        alpha, x = ctx.saved_tensors
        return grad * _StandardGammaGrad.apply(alpha, x)


def standard_gamma(concentration):
    """Gamma(concentration, 1) samples, one per element, differentiable in the concentration."""
    return _StandardGamma.apply(concentration)


class Gamma(ExponentialFamily):
    """The gamma distribution: density ``rate^α x^(α-1) e^(-rate x) / Γ(α)`` on x > 0."""

    arg_constraints: ClassVar[dict] = {
        "concentration": constraints.positive,
        "rate": constraints.positive,
    }
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(self.concentration.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded(Gamma, batch_shape, _instance, ("concentration", "rate"))

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape=EMPTY_SIZE):
        shape = self._extended_shape(sample_shape)
        return standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (
            special.xlogy(self.concentration, self.rate)
            + special.xlogy(self.concentration - 1, value)
            - self.rate * value
            - special.gammaln(self.concentration)
        )

    def entropy(self):
        return (
            self.concentration
            - self.rate.log()
            + special.gammaln(self.concentration)
            + (1.0 - self.concentration) * special.digamma(self.concentration)
        )

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return special.gammainc(self.concentration, self.rate * value)

    @property
    def _natural_params(self):
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x, y):
        return special.gammaln(x + 1) + (x + 1) * (-y.reciprocal()).log()
