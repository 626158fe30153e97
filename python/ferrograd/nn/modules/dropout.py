"""Dropout layers: active in training mode, the identity in evaluation mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import functional as F
from .module import Module

if TYPE_CHECKING:
    from ..._tensor import Tensor

__all__ = ["AlphaDropout", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "FeatureAlphaDropout"]


class _DropoutNd(Module):
    _function = staticmethod(F.dropout)

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._function(input, self.p, self.training, self.inplace)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor) -> Tensor: ...

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """During training, zeroes each element of the input with probability ``p`` (drawn from the
    default generator) and scales the others by ``1 / (1 - p)``, so that the expected value is
    unchanged; in evaluation mode (``eval()``) it returns its input.

    Args:
        p: the probability of zeroing an element.
        inplace: write the result into the input.

    Raises:
        ValueError: ``p`` is outside ``[0, 1]``.

    Examples:
        >>> import ferrograd
        >>> from ferrograd import nn
        >>> drop = nn.Dropout(p=0.5)
        >>> y = drop(ferrograd.ones(1000))
        >>> sorted(set(y.tolist()))
        [0.0, 2.0]
        >>> drop.eval()(ferrograd.ones(4))
        tensor([1., 1., 1., 1.])
    """

    _function = staticmethod(F.dropout)


class Dropout1d(_DropoutNd):
    """Zeros whole channels of ``(N, C, L)`` inputs."""

    _function = staticmethod(F.dropout1d)


class Dropout2d(_DropoutNd):
    """Zeros whole channels of ``(N, C, H, W)`` inputs."""

    _function = staticmethod(F.dropout2d)


class Dropout3d(_DropoutNd):
    """Zeros whole channels of ``(N, C, D, H, W)`` inputs."""

    _function = staticmethod(F.dropout3d)


class AlphaDropout(_DropoutNd):
    """Dropout that keeps SELU activations' mean and variance."""

    _function = staticmethod(F.alpha_dropout)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels."""

    _function = staticmethod(F.feature_alpha_dropout)
