"""Dropout: elementwise, per channel (``dropout1d/2d/3d``), and the self-normalizing alpha
forms. A mask is drawn from the default generator, one value per element or per
channel, and broadcast over the rest."""

from __future__ import annotations

import warnings

from .. import _random
from ._functional_common import _check_tensor

#: ``-SELU_SCALE * SELU_ALPHA``: the value alpha dropout drops to.
_ALPHA = 1.7580993408473766


def _check_probability(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _mask(input, shape, keep: float):
    mask = _random.bernoulli_values(tuple(shape), keep, input.dtype)
    return _random.samples_as_tensor(mask, input.dtype, input.device)


def _result(input, out, inplace: bool):
    return input.copy_(out) if inplace else out


def _dropout(input, p: float, training: bool, inplace: bool, mask_shape):
    _check_probability(p)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return _result(input, input * 0.0, inplace)
    scale = _mask(input, mask_shape, 1.0 - p) * (1.0 / (1.0 - p))
    return _result(input, input * scale, inplace)


def _alpha_dropout(input, p: float, training: bool, inplace: bool, mask_shape):
    """Keeps the mean and variance of SELU activations: dropped elements take SELU's
    saturation value, then everything is rescaled."""
    _check_probability(p)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return _result(input, input * 0.0, inplace)
    a = 1.0 / ((_ALPHA * _ALPHA * p + 1) * (1 - p)) ** 0.5
    keep = _mask(input, mask_shape, 1.0 - p)
    shift = (keep - 1.0) * (_ALPHA * a) + _ALPHA * a * p
    return _result(input, input * (keep * a) + shift, inplace)


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zeros each element with probability ``p`` while training, scaling the rest by
    ``1/(1-p)``."""
    _check_tensor(input, "input", "dropout")
    return _dropout(input, p, training, inplace, input.shape)


def _channel_dropout(input, p, training, inplace, batched_dims: int, op: str):
    """Per-channel dropout of an input whose batched form has ``batched_dims`` dimensions."""
    _check_tensor(input, "input", op)
    if input.ndim not in (batched_dims - 1, batched_dims):
        raise RuntimeError(
            f"{op}: Expected {batched_dims - 1}D or {batched_dims}D input, but received a "
            f"{input.ndim}D input"
        )
    if input.ndim == batched_dims:
        shape = list(input.shape[:2]) + [1] * (input.ndim - 2)
    else:
        shape = [input.shape[0]] + [1] * (input.ndim - 1)
    return _dropout(input, p, training, inplace, shape)


def dropout1d(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zeros whole channels of ``(N, C, L)`` (or ``(C, L)``) with probability ``p``."""
    return _channel_dropout(input, p, training, inplace, 3, "dropout1d")


def dropout2d(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zeros whole channels of ``(N, C, H, W)`` (or ``(C, H, W)``) with probability ``p``. A
    3-D input is taken as ``(N, C, L)``, as PyTorch does (with its warning)."""
    _check_tensor(input, "input", "dropout2d")
    if input.ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and "
            "will result in an error in a future release. To retain the behavior and silence "
            "this warning, please use dropout instead. Note that dropout2d exists to provide "
            "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2,
        )
    if input.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
    shape = list(input.shape[:2]) + [1] * (input.ndim - 2) if input.ndim >= 2 else input.shape
    return _dropout(input, p, training, inplace, shape)


def dropout3d(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zeros whole channels of ``(N, C, D, H, W)`` (or ``(C, D, H, W)``) with probability
    ``p``."""
    _check_tensor(input, "input", "dropout3d")
    if input.ndim not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is deprecated and "
            "will result in an error in a future release. To retain the behavior and silence "
            "this warning, please use dropout instead. Note that dropout3d exists to provide "
            "channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 4D or 5D inputs).",
            stacklevel=2,
        )
    if input.ndim == 4:
        shape = [input.shape[0], 1, 1, 1]
    else:
        shape = list(input.shape[:2]) + [1] * (input.ndim - 2) if input.ndim >= 2 else input.shape
    return _dropout(input, p, training, inplace, shape)


def alpha_dropout(input, p: float = 0.5, training: bool = False, inplace: bool = False):
    """Dropout for SELU networks: keeps zero mean and unit variance."""
    _check_tensor(input, "input", "alpha_dropout")
    return _alpha_dropout(input, p, training, inplace, input.shape)


def feature_alpha_dropout(input, p: float = 0.5, training: bool = False, inplace: bool = False):
    """Alpha dropout of whole channels (dim 1)."""
    _check_tensor(input, "input", "feature_alpha_dropout")
    if input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = list(input.shape[:2]) + [1] * (input.ndim - 2)
    return _alpha_dropout(input, p, training, inplace, shape)
