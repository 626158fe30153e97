"""``LKJCholesky``: the LKJ distribution over correlation matrices (density proportional to
``det(R)^(η-1)``), expressed on their lower Cholesky factors. Samples come from the onion
method (Ghosh & Henderson, 2003): each row is a uniform direction scaled by the square root of a
Beta draw, the diagonal completing the row to unit norm."""

from __future__ import annotations

import math
from typing import ClassVar

from .. import _creation, _random
from .._size import Size
from .._tensor_functions import cat
from ..autograd.grad_mode import no_grad
from . import constraints
from .beta import Beta
from .distribution import Distribution
from .utils import EMPTY_SIZE, broadcast_all, finfo

__all__ = ["LKJCholesky"]


class LKJCholesky(Distribution):
    """``dim`` (>= 2) and ``concentration`` η (positive)."""

    arg_constraints: ClassVar[dict] = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim, concentration=1.0, validate_args=None):
        if dim < 2:
            raise ValueError(
                f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}."
            )
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        conc = self.concentration
        # Row i (from 0) of the factor has squared off-diagonal norm y_i ~ Beta(i/2, η + (d-2-i)/2)
        # (row 0 has none: its Beta draw is ignored).
        marginal = conc + 0.5 * (dim - 2)
        offset = _creation.arange(dim - 1, dtype=conc.dtype, device=conc.device)
        offset = cat([offset.new_zeros((1,)), offset])
        self._beta = Beta(offset + 0.5, marginal.unsqueeze(-1) - 0.5 * offset)
        super().__init__(conc.shape, Size([dim, dim]), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expanded(LKJCholesky, batch_shape, _instance, ("concentration",))
        new.dim = self.dim
        new._beta = self._beta.expand((*batch_shape, self.dim))
        return new

    def sample(self, sample_shape=EMPTY_SIZE):
        with no_grad():
            y = self._beta.sample(sample_shape).unsqueeze(-1)
            shape = self._extended_shape(sample_shape)
            normal = _random.randn(list(shape), y.dtype, y.device).tril(-1)
            # Rows of the strict lower triangle as unit directions (row 0 stays zero).
            norms = normal.norm(dim=-1, keepdim=True)
            directions = normal / norms.where(norms > 0, 1.0)
            w = y.sqrt() * directions
            tiny = finfo(w.dtype).tiny
            diagonal = (1 - w.pow(2).sum(-1)).clamp(min=tiny).sqrt()
            return w + diagonal.diag_embed()

    def log_prob(self, value):
        # The density of L is that of R = L Lᵀ times the Jacobian of the map, which gives
        # the exponents 2(η - 1) + d - i on the diagonal entries i = 2..d.
        if self._validate_args:
            self._validate_sample(value)
        diagonal = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = _creation.arange(2, self.dim + 1, dtype=value.dtype, device=value.device)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized = (order * diagonal.log()).sum(-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        denominator = alpha.lgamma() * dm1
        numerator = (alpha - 0.5).mvlgamma(dm1)
        normalizer = 0.5 * dm1 * math.log(math.pi) + numerator - denominator
        return unnormalized - normalizer
