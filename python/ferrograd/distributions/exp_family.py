"""``ExponentialFamily``: distributions with densities ``h(x) exp(<θ, t(x)> - F(θ))``. Knowing the
natural parameters ``θ`` and the log normaliser ``F`` gives the entropy (and, in ``kl``, the KL
divergence between two members of one family) through the gradient of ``F``."""

from __future__ import annotations

from ..autograd import grad
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """Subclasses define ``_natural_params`` (a tuple of tensors), ``_log_normalizer(*θ)`` and
    ``_mean_carrier_measure`` (``E[log h(X)]``)."""

    @property
    def _natural_params(self) -> tuple:
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError

    def entropy(self):
        """``F(θ) - <θ, ∇F(θ)> - E[log h(X)]`` (the Bregman form of the entropy)."""
        result = -self._mean_carrier_measure
        params = [p.detach().requires_grad_() for p in self._natural_params]
        normalizer = self._log_normalizer(*params)
        gradients = grad(normalizer.sum(), params, create_graph=True)
        result = result + normalizer
        for param, gradient in zip(params, gradients, strict=True):
            result = result - (param * gradient).reshape(*self._batch_shape, -1).sum(-1)
        return result
