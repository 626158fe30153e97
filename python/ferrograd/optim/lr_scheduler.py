"""``ferrograd.optim.lr_scheduler``: learning-rate schedules with PyTorch's names, arguments
and sequences. Call ``scheduler.step()`` after ``optimizer.step()`` (once per epoch, or per
batch for ``CyclicLR`` and ``OneCycleLR``; ``ReduceLROnPlateau.step(metric)``)."""

from .schedulers.base import EPOCH_DEPRECATION_WARNING, LRScheduler, _LRScheduler
from .schedulers.composite import ChainedScheduler, SequentialLR
from .schedulers.cyclic import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from .schedulers.decay import (
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from .schedulers.plateau import ReduceLROnPlateau

__all__ = [
    "EPOCH_DEPRECATION_WARNING",
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
    "_LRScheduler",
]
