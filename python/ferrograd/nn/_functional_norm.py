"""Normalization: batch, instance, group, layer and RMS normalization, local response
normalization and ``normalize``. Layer normalization is one engine op (``_core.layer_norm``,
``NativeLayerNormBackward0``); the others are composed of recorded reductions and pointwise
operations; running statistics are updated in place under ``no_grad``."""

from __future__ import annotations

import math

from .. import _core
from .._base import TensorBase
from .._errors import ShapeError
from .._opmath import computes_in_float32
from .._ops_attributes import finfo
from ..autograd import no_grad
from ..overrides import _plain_tensors, has_torch_function
from ._functional_common import _check_tensor


def _affine(out, weight, bias, view):
    if weight is not None:
        out = out * weight.reshape(view)
    if bias is not None:
        out = out + bias.reshape(view)
    return out


def _check_channel_vectors(channels: int, **vectors) -> None:
    for name, t in vectors.items():
        if t is not None and t.numel() != channels:
            raise ShapeError(f"{name} should contain {channels} elements not {t.numel()}")


def _update_running(running, value, momentum: float) -> None:
    with no_grad():
        running.mul_(1 - momentum).add_(value.detach().to(running.dtype) * momentum)


def batch_norm(
    input,
    running_mean,
    running_var,
    weight=None,
    bias=None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
):
    """Normalizes over every dimension but the channels (dim 1): with the batch's statistics
    while ``training`` (and then updates the running ones, the variance unbiased), else with
    the running statistics."""
    _check_tensor(input, "input", "batch_norm")
    if input.ndim < 2:
        raise ValueError(
            f"batch_norm: expected at least 2-D input (N, C, ...), got shape {tuple(input.shape)}"
        )
    c = input.shape[1]
    dims = [0, *range(2, input.ndim)]
    view = [1, c] + [1] * (input.ndim - 2)
    _check_channel_vectors(
        c, running_mean=running_mean, running_var=running_var, weight=weight, bias=bias
    )
    if training:
        n = input.numel() // c if c else 0
        if n <= 1:
            raise ValueError(
                "Expected more than 1 value per channel when training, got input size "
                f"{tuple(input.shape)}"
            )
        mean = input.mean(dims)
        var = input.var(dims, unbiased=False)
        if running_mean is not None:
            _update_running(running_mean, mean, momentum)
        if running_var is not None:
            _update_running(running_var, var * (n / (n - 1)), momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("running_mean and running_var must be defined in evaluation mode")
        mean, var = running_mean, running_var
    out = (input - mean.reshape(view)) * (var.reshape(view) + eps).rsqrt()
    return _affine(out, weight, bias, view)


def instance_norm(
    input,
    running_mean=None,
    running_var=None,
    weight=None,
    bias=None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
):
    """Normalizes each channel of each sample over its spatial dimensions. With running
    statistics, they are updated with the batch average of the per-sample ones; with
    ``use_input_stats=False`` they are used instead."""
    _check_tensor(input, "input", "instance_norm")
    if input.ndim < 3:
        raise ValueError(
            f"instance_norm: expected an input of at least 3 dimensions (N, C, ...), got shape "
            f"{tuple(input.shape)}"
        )
    c = input.shape[1]
    view = [1, c] + [1] * (input.ndim - 2)
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise ValueError(
                "Expected running_mean and running_var to be defined when use_input_stats is false"
            )
        out = (input - running_mean.reshape(view)) * (running_var.reshape(view) + eps).rsqrt()
        return _affine(out, weight, bias, view)
    spatial = math.prod(input.shape[2:])
    if spatial <= 1:
        raise ValueError(
            f"Expected more than 1 spatial element when training, got input size "
            f"{list(input.shape)}"
        )
    dims = tuple(range(2, input.ndim))
    mean = input.mean(dims, keepdim=True)
    centered = input - mean
    var = (centered * centered).mean(dims, keepdim=True)
    if running_mean is not None:
        _update_running(running_mean, mean.detach().reshape(input.shape[0], c).mean(0), momentum)
    if running_var is not None:
        unbiased = var.detach().reshape(input.shape[0], c) * (spatial / (spatial - 1))
        _update_running(running_var, unbiased.mean(0), momentum)
    out = centered * (var + eps).rsqrt()
    return _affine(out, weight, bias, view)


@computes_in_float32
def group_norm(input, num_groups: int, weight=None, bias=None, eps: float = 1e-5):
    """Normalizes each sample over groups of ``C / num_groups`` channels (and the spatial
    dimensions), then applies a per-channel affine."""
    _check_tensor(input, "input", "group_norm")
    if input.ndim < 2:
        raise ShapeError(
            f"Expected at least 2 dimensions for input tensor but received {input.ndim}"
        )
    n, c = input.shape[:2]
    if num_groups <= 0 or c % num_groups:
        raise ShapeError(
            f"Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {list(input.shape)} and num_groups={num_groups}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.numel() != c):
            raise ShapeError(
                f"Expected {name} to be a vector of size equal to the number of channels in "
                f"input, but got {name} of shape {list(t.shape)} and input of shape "
                f"{list(input.shape)}"
            )
    grouped = input.reshape(n, num_groups, -1)
    mean = grouped.mean(-1, keepdim=True)
    centered = grouped - mean
    var = (centered * centered).mean(-1, keepdim=True)
    out = (centered * (var + eps).rsqrt()).reshape(input.shape)
    return _affine(out, weight, bias, [1, c] + [1] * (input.ndim - 2))


def _normalized_shape(input, normalized_shape) -> tuple:
    """``normalized_shape`` as a tuple, checked against the input's trailing sizes."""
    shape = (
        (int(normalized_shape),)
        if isinstance(normalized_shape, int)
        else tuple(map(int, normalized_shape))
    )
    # the engine's shape tuple: every LayerNorm call of a forward pass checks this
    sizes = input._shape
    ndim = len(sizes)
    if not shape or len(shape) > ndim or sizes[ndim - len(shape) :] != shape:
        raise ShapeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, "
            f"{', '.join(map(str, shape))}], but got input of size{list(sizes)}"
        )
    return shape


def _trailing_dims(input, count: int) -> tuple:
    return tuple(range(input.ndim - count, input.ndim))


@computes_in_float32
def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-5):
    """Normalizes over the last ``len(normalized_shape)`` dimensions."""
    _check_tensor(input, "input", "layer_norm")
    shape = _normalized_shape(input, normalized_shape)
    if _plain_tensors(input, weight, bias) or (
        all(isinstance(t, TensorBase) for t in (input, weight, bias) if t is not None)
        and not has_torch_function([t for t in (input, weight, bias) if t is not None])
    ):
        # One op; the engine falls back to the composed form for operands its kernel lacks.
        return _core.layer_norm(input, list(shape), weight, bias, float(eps))
    dims = _trailing_dims(input, len(shape))
    mean = input.mean(dims, keepdim=True)
    centered = input - mean
    var = (centered * centered).mean(dims, keepdim=True)
    out = centered * (var + eps).rsqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


@computes_in_float32
def rms_norm(input, normalized_shape, weight=None, eps=None):
    """``x / sqrt(mean(x^2) + eps)`` over the last ``len(normalized_shape)`` dimensions, times
    ``weight``; ``eps`` defaults to the machine epsilon of the dtype it computes in (float32 for
    the 16-bit floats, as PyTorch's)."""
    _check_tensor(input, "input", "rms_norm")
    if eps is None:
        eps = finfo(input.dtype if input.is_floating_point() else None).eps
    dims = _trailing_dims(input, len(_normalized_shape(input, normalized_shape)))
    out = input * ((input * input).mean(dims, keepdim=True) + eps).rsqrt()
    return out if weight is None else out * weight


def local_response_norm(input, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0):
    """Divides each element by ``(k + alpha * mean of squares over size neighbouring channels)
    ** beta``; the window is centred, zero-padded at the channel ends."""
    _check_tensor(input, "input", "local_response_norm")
    if input.ndim < 3:
        raise ValueError(
            f"Expected 3D or higher dimensionality input (got {input.ndim} dimensions)"
        )
    if input.numel() == 0:
        return input
    from ._functional_vision import pad

    squares = (input * input).movedim(1, -1)
    squares = pad(squares, (size // 2, (size - 1) // 2))
    window_mean = squares.unfold(-1, size, 1).mean(-1).movedim(-1, 1)
    return input / (window_mean * alpha + k).pow(beta)


def normalize(input, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None):
    """``input`` divided by its ``p``-norm along ``dim`` (at least ``eps``)."""
    _check_tensor(input, "input", "normalize")
    result = input / input.norm(p, dim, keepdim=True).clamp(min=eps)
    if out is not None:
        out.copy_(result)
        return out
    return result
