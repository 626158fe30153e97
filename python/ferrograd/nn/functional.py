"""``ferrograd.nn.functional``: the functional form of every layer and loss. Convolution,
pooling, softmax and the index kernels behind the losses are Rust ops; the rest is composed
of differentiable tensor operations."""

from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _core
from .._base import TensorBase
from .._errors import ShapeError
from .._mixins.math import clamp_scalars
from ..autograd import no_grad
from ..autograd.function import Function

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "batch_norm",
    "bilinear",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv1d",
    "conv2d",
    "cosine_similarity",
    "cross_entropy",
    "dropout",
    "elu",
    "embedding",
    "fold",
    "gelu",
    "hardtanh",
    "huber_loss",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "logsigmoid",
    "max_pool1d",
    "max_pool2d",
    "mse_loss",
    "nll_loss",
    "normalize",
    "one_hot",
    "pad",
    "relu",
    "relu_",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softplus",
    "tanh",
    "unfold",
]


def _pair(v, name: str = "argument"):
    if isinstance(v, int):
        return (v, v)
    v = tuple(int(i) for i in v)
    if len(v) == 1:
        return (v[0], v[0])
    if len(v) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, got {v}")
    return v


def _at_least(values, minimum: int, message: str):
    """``values`` when each is at least ``minimum``; else PyTorch's error (a ``ShapeError``, so a
    ``RuntimeError`` as PyTorch raises, never the ``OverflowError`` a negative size gave)."""
    if any(v < minimum for v in values):
        raise ShapeError(message.format(*values))
    return values


def _conv_args(stride, padding, dilation, groups):
    _at_least(stride, 1, "non-positive stride is not supported")
    _at_least(padding, 0, "negative padding is not supported")
    _at_least(dilation, 1, "dilation should be greater than zero, but got [{}, {}]")
    if groups <= 0:
        raise ShapeError("non-positive groups is not supported")


def _pool_args(kernel, stride, padding, dilation=(1, 1)):
    _at_least(kernel, 1, "kernel_size should be greater than zero, but got kH: {} kW: {}")
    if 0 in stride:
        raise ShapeError("stride should not be zero")
    _at_least(stride, 1, "stride should be greater than zero, but got dH: {} dW: {}")
    _at_least(padding, 0, "pad must be non-negative, but got pad: {}")
    _at_least(
        dilation, 1, "dilation should be greater than zero, but got dilationH: {} dilationW: {}"
    )


def _window_args(kernel, stride, padding, dilation):
    _at_least(
        kernel,
        1,
        "kernel size should be greater than zero, but got kernel_height: {} kernel_width: {}",
    )
    _at_least(
        stride, 1, "stride should be greater than zero, but got stride_height: {} stride_width: {}"
    )
    _at_least(padding, 0, "padding should be non-negative, but got pad_height: {} pad_width: {}")
    _at_least(
        dilation,
        1,
        "dilation should be greater than zero, but got dilation_height: {} dilation_width: {}",
    )


def _single(v):
    if isinstance(v, int):
        return v
    (v,) = tuple(v)
    return int(v)


def _check_tensor(x, name: str, op: str):
    if not isinstance(x, TensorBase):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(x).__name__}")


# --- linear and convolution ------------------------------------------------------------------


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``: one product reading the weight transposed in place, the bias
    added in the same pass."""
    _check_tensor(input, "input", "linear")
    _check_tensor(weight, "weight", "linear")
    if bias is not None:
        _check_tensor(bias, "bias", "linear")
    if weight.ndim != 2:
        raise ValueError(
            "linear(): weight must be 2-D (out_features, in_features), got shape "
            f"{tuple(weight.shape)}"
        )
    if input.ndim == 0 or input.shape[-1] != weight.shape[-1]:
        raise ValueError(
            f"linear(): input of shape {tuple(input.shape)} does not match weight of shape "
            f"{tuple(weight.shape)} (expected the last dimension of input to be "
            f"{weight.shape[-1]})"
        )
    if bias is not None and tuple(bias.shape) not in ((), (weight.shape[0],)):
        raise ValueError(
            f"linear(): bias of shape {tuple(bias.shape)} does not match weight of shape "
            f"{tuple(weight.shape)} (expected ({weight.shape[0]},))"
        )
    if input.ndim == 2 and input.shape[0] < weight.shape[0]:
        # The same product transposed, `(weight @ input.T + bias[:, None]).T`: gemm copies
        # (packs) the operand that runs along the rows of the output's layout, here the small
        # input rather than the large weight (docs/PERFORMANCE.md).
        column = None if bias is None else bias.reshape(-1, 1)
        return _core.linear(weight, input, column).t()
    x = input.unsqueeze(0) if input.ndim == 1 else input
    out = _core.linear(x, weight, bias)
    return out.squeeze(0) if input.ndim == 1 else out


def bilinear(input1, input2, weight, bias=None):
    # (N, in1) x (O, in1, in2) x (N, in2) -> (N, O)
    tmp = input1.unsqueeze(1).unsqueeze(-2) @ weight  # (N, O, 1, in2)
    out = (tmp.squeeze(-2) * input2.unsqueeze(1)).sum(-1)
    return out if bias is None else out + bias


def _same_padding(kernel, dilation):
    total = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
    return [(t // 2, t - t // 2) for t in total]


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
    """2-D cross-correlation of ``(N, C, H, W)`` (or ``(C, H, W)``) with ``(O, C/groups, kH,
    kW)``."""
    _check_tensor(input, "input", "conv2d")
    if input.ndim not in (3, 4):
        raise ValueError(
            "conv2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got input of shape "
            f"{tuple(input.shape)}"
        )
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0, 0)
        elif padding == "same":
            if stride != (1, 1):
                raise ValueError("padding='same' is not supported for strided convolutions")
            pads = _same_padding(kernel, dilation)
            if any(a != b for a, b in pads):
                x = pad(x, (pads[1][0], pads[1][1], pads[0][0], pads[0][1]))
                padding = (0, 0)
            else:
                padding = (pads[0][0], pads[1][0])
        else:
            raise ValueError(
                f"Invalid padding string '{padding}', should be one of ('valid', 'same')"
            )
    padding = _pair(padding, "padding")
    _conv_args(stride, padding, dilation, int(groups))
    out = _core.conv2d(
        x,
        weight,
        None if bias is None else bias,
        stride,
        padding,
        dilation,
        int(groups),
    )
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
    """1-D cross-correlation of ``(N, C, L)`` (or ``(C, L)``) with ``(O, C/groups, k)``."""
    _check_tensor(input, "input", "conv1d")
    if input.ndim not in (2, 3):
        raise ValueError(
            "conv1d: expected a 2-D (C, L) or 3-D (N, C, L) input, got input of shape "
            f"{tuple(input.shape)}"
        )
    if weight.ndim != 3:
        raise ValueError(
            "conv1d: expected a 3-D weight (out_channels, in_channels/groups, k), got "
            f"{tuple(weight.shape)}"
        )
    x = input.unsqueeze(-2)
    pad2 = padding if isinstance(padding, str) else (0, _single(padding))
    out = conv2d(
        x, weight.unsqueeze(2), bias, (1, _single(stride)), pad2, (1, _single(dilation)), groups
    )
    return out.squeeze(-2)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding windows of ``(N, C, H, W)`` as columns ``(N, C·kh·kw, L)``."""
    args = _pair(kernel_size), _pair(stride), _pair(padding), _pair(dilation)
    _window_args(*args)
    return _core.im2col(input, *args)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The adjoint of ``unfold``: columns back to ``(N, C, H, W)``, overlaps summed."""
    args = _pair(kernel_size), _pair(stride), _pair(padding), _pair(dilation)
    _window_args(*args)
    size = _at_least(_pair(output_size), 0, "fold: output_size must be non-negative, got ({}, {})")
    return _core.col2im(input, size, *args)


# --- pooling ---------------------------------------------------------------------------------


def _pool_input(input, op: str):
    _check_tensor(input, "input", op)
    if input.ndim not in (3, 4):
        raise ValueError(
            f"{op}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got input of shape "
            f"{tuple(input.shape)}"
        )
    return (input.unsqueeze(0), True) if input.ndim == 3 else (input, False)


def max_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """Max over each window; with ``return_indices``, also the flat argmax within each plane."""
    if ceil_mode:
        raise ValueError("max_pool2d: ceil_mode=True is not supported")
    x, unbatched = _pool_input(input, "max_pool2d")
    kernel = _pair(kernel_size, "kernel_size")
    stride = kernel if stride is None or stride == [] else _pair(stride, "stride")
    padding, dilation = _pair(padding, "padding"), _pair(dilation, "dilation")
    _pool_args(kernel, stride, padding, dilation)
    values, indices = _core.max_pool2d(x, kernel, stride, padding, dilation)
    if unbatched:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return (values, indices) if return_indices else values


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override=None,
):
    """Mean over each window."""
    if ceil_mode:
        raise ValueError("avg_pool2d: ceil_mode=True is not supported")
    x, unbatched = _pool_input(input, "avg_pool2d")
    kernel = _pair(kernel_size, "kernel_size")
    stride = kernel if stride is None or stride == [] else _pair(stride, "stride")
    padding = _pair(padding, "padding")
    _pool_args(kernel, stride, padding)
    if any(2 * p > k for p, k in zip(padding, kernel, strict=True)):
        raise ValueError(
            f"avg_pool2d: pad should be at most half of kernel size, but got pad={padding} and "
            f"kernel_size={kernel}"
        )
    out = _core.avg_pool2d(x, kernel, stride, padding)
    area = kernel[0] * kernel[1]
    if divisor_override is not None:
        out = out * (area / divisor_override)
    elif not count_include_pad and any(padding):
        ones = _core.full([1, 1, *x.shape[2:]], 1.0, x.dtype.name).to(x.device)
        counts = _core.avg_pool2d(ones, kernel, stride, padding)
        out = out / counts
    return out.squeeze(0) if unbatched else out


def _adaptive_matrix(size: int, out: int, dtype_name: str):
    m = np.zeros((out, size))
    for i in range(out):
        start = (i * size) // out
        end = -((-(i + 1) * size) // out)
        m[i, start:end] = 1.0 / (end - start)
    return _core.from_numpy(m.astype(dtype_name), False, False)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed output size (PyTorch's bin boundaries), as two averaging
    matrix products."""
    x, unbatched = _pool_input(input, "adaptive_avg_pool2d")
    if not x.is_floating_point():
        raise TypeError(f"adaptive_avg_pool2d: expected a floating point input, got {x.dtype}")
    oh, ow = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    h, w = x.shape[2], x.shape[3]
    oh = h if oh is None else int(oh)
    ow = w if ow is None else int(ow)
    _at_least(
        (oh, ow),
        0,
        "adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but "
        "received {{{}, {}}}",
    )
    if oh == 0 or ow == 0:
        # An empty output, still attached to the graph (its gradient is zeros), as PyTorch's.
        out = x[:, :, :0, :0].reshape(x.shape[0], x.shape[1], oh, ow)
    elif h % oh == 0 and w % ow == 0:
        out = avg_pool2d(x, (h // oh, w // ow))
    else:
        ph = _adaptive_matrix(h, oh, x.dtype.name).to(x.device)
        pw = _adaptive_matrix(w, ow, x.dtype.name).to(x.device)
        out = ph @ x @ pw.t()
    return out.squeeze(0) if unbatched else out


def max_pool1d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    k = _single(kernel_size)
    s = k if stride is None else _single(stride)
    out = max_pool2d(
        input.unsqueeze(-2),
        (1, k),
        (1, s),
        (0, _single(padding)),
        (1, _single(dilation)),
        ceil_mode,
        return_indices,
    )
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def avg_pool1d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
):
    k = _single(kernel_size)
    s = k if stride is None else _single(stride)
    return avg_pool2d(
        input.unsqueeze(-2), (1, k), (1, s), (0, _single(padding)), ceil_mode, count_include_pad
    ).squeeze(-2)


def adaptive_avg_pool1d(input, output_size):
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, _single(output_size))).squeeze(-2)


# --- padding, dropout, normalization, embedding ----------------------------------------------


def pad(input, pad, mode: str = "constant", value=None):
    """Constant padding; ``pad`` lists (before, after) pairs starting from the last dimension."""
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, got {mode!r}")
    if len(pad) % 2 or len(pad) // 2 > input.ndim:
        raise ValueError(f"pad: padding length must be even and at most 2*ndim, got {len(pad)}")
    shape = list(input.shape)
    index = [slice(None)] * input.ndim
    for i in range(len(pad) // 2):
        d = input.ndim - 1 - i
        before, after = int(pad[2 * i]), int(pad[2 * i + 1])
        if before < 0 or after < 0:
            raise ValueError("pad: negative padding is not supported")
        index[d] = slice(before, before + shape[d])
        shape[d] += before + after
    out = _core.full(shape, 0.0 if value is None else float(value), input.dtype.name).to(
        input.device
    )
    out[tuple(index)] = input
    return out


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zeros each element with probability ``p`` while training, scaling the rest by ``1/(1-p)``."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    mask = _core.bernoulli(list(input.shape), 1.0 - p, input.dtype.name).to(input.device)
    return input * (mask / (1.0 - p))


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
    """Normalizes over every dimension but the channels (dim 1)."""
    if input.ndim < 2:
        raise ValueError(
            f"batch_norm: expected at least 2-D input (N, C, ...), got shape {tuple(input.shape)}"
        )
    c = input.shape[1]
    dims = [0, *range(2, input.ndim)]
    view = [1, c] + [1] * (input.ndim - 2)
    if training:
        n = input.numel() // c
        if n <= 1:
            raise ValueError(
                "Expected more than 1 value per channel when training, got input size "
                f"{tuple(input.shape)}"
            )
        mean = input.mean(dims)
        var = input.var(dims, unbiased=False)
        if running_mean is not None:
            with no_grad():
                running_mean.mul_(1 - momentum).add_(mean.detach() * momentum)
        if running_var is not None:
            with no_grad():
                running_var.mul_(1 - momentum).add_(var.detach() * (momentum * n / (n - 1)))
    else:
        if running_mean is None or running_var is None:
            raise ValueError(
                "batch_norm: running_mean and running_var are needed in evaluation mode"
            )
        mean, var = running_mean, running_var
    out = (input - mean.reshape(view)) * (var.reshape(view) + eps).rsqrt()
    if weight is not None:
        out = out * weight.reshape(view)
    if bias is not None:
        out = out + bias.reshape(view)
    return out


def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-5):
    """Normalizes over the last ``len(normalized_shape)`` dimensions."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape) :]) != shape:
        raise ValueError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, "
            f"{', '.join(map(str, shape))}], but got input of size {list(input.shape)}"
        )
    dims = list(range(input.ndim - len(shape), input.ndim))
    mean = input.mean(dims, keepdim=True)
    centered = input - mean
    var = (centered * centered).mean(dims, keepdim=True)
    out = centered * (var + eps).rsqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def embedding(
    input,
    weight,
    padding_idx=None,
    max_norm=None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
):
    """Rows of ``weight`` at the integer indices ``input``."""
    if not isinstance(input, TensorBase):
        from .._creation import tensor

        input = tensor(input)
    if input.is_floating_point() or input.dtype.name == "bool":
        raise TypeError(
            "embedding(): Expected tensor for argument 'indices' to have integer dtype, but got "
            f"{input.dtype}"
        )
    out = weight.index_select(0, input.reshape(-1)).reshape(*input.shape, weight.shape[1])
    if padding_idx is not None:
        if padding_idx < 0:
            padding_idx += weight.shape[0]
        keep = (input != padding_idx).unsqueeze(-1)
        out = out.where(keep, out.detach())
    return out


def one_hot(tensor, num_classes: int = -1):
    """``(..., num_classes)`` int64 with a one at each index."""
    if tensor.is_floating_point() or tensor.dtype.name == "bool":
        raise TypeError(
            f"one_hot is only applicable to index tensor of integer dtype, got {tensor.dtype}"
        )
    if num_classes < 0:
        num_classes = int(tensor.max().item()) + 1 if tensor.numel() else 0
    if tensor.numel() and (int(tensor.min().item()) < 0 or int(tensor.max().item()) >= num_classes):
        raise ValueError("one_hot: class values must be non-negative and smaller than num_classes")
    classes = _core.arange(0.0, float(num_classes), 1.0, "int64").to(tensor.device)
    return (tensor.unsqueeze(-1) == classes).long()


def cosine_similarity(x1, x2, dim: int = 1, eps: float = 1e-8):
    """Cosine similarity along ``dim`` (``ferrograd.cosine_similarity``)."""
    from .._surface import cosine_similarity as similarity

    return similarity(x1, x2, dim, eps)


def normalize(input, p: float = 2.0, dim: int = 1, eps: float = 1e-12):
    return input / input.norm(p, dim, keepdim=True).clamp(min=eps)


# --- activations -----------------------------------------------------------------------------


def relu(input, inplace: bool = False):
    return input.relu_() if inplace else input.relu()


def relu_(input):
    return input.relu_()


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False):
    out = input.where(input > 0, input * negative_slope)
    return input.copy_(out) if inplace else out


def gelu(input, approximate: str = "none"):
    if approximate == "tanh":
        inner = math.sqrt(2.0 / math.pi) * (input + 0.044715 * input * input * input)
        return 0.5 * input * (1.0 + inner.tanh())
    if approximate != "none":
        raise ValueError(f"approximate argument must be either none or tanh, got {approximate!r}")
    return 0.5 * input * (1.0 + (input * (1.0 / math.sqrt(2.0))).erf())


def silu(input, inplace: bool = False):
    return input * input.sigmoid()


def elu(input, alpha: float = 1.0, inplace: bool = False):
    # where, not clamp(max=0): the gradient at 0 is alpha (the negative branch's), as in PyTorch
    negative = input.where(input <= 0, 0.0).expm1() * alpha
    out = input.where(input > 0, negative)
    return input.copy_(out) if inplace else out


def tanh(input):
    return input.tanh()


def sigmoid(input):
    return input.sigmoid()


def hardtanh(input, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
    """``clamp(input, min_val, max_val)`` with hardtanh's gradient: 0 at the bounds, 1 at NaN."""
    return clamp_scalars(input, min_val, max_val, nan_passes=True)


def softplus(input, beta: float = 1.0, threshold: float = 20.0):
    """``log1p(exp(beta*x)) / beta``, and ``x`` where ``beta*x > threshold``, as in PyTorch.
    The exponential is of ``beta*x`` set to 0 where ``x`` is taken, so it neither overflows
    nor sends NaN (0 * inf) back through the branch not taken."""
    z = input * beta if beta != 1 else input
    soft = z <= threshold
    out = z.where(soft, 0.0).exp().log1p()
    out = out / beta if beta != 1 else out
    return out.where(soft, input)


def logsigmoid(input):
    """``min(x, 0) - log1p(exp(-|x|))``, PyTorch's formula: finite for every finite ``x``,
    ``0`` at ``+inf`` and ``-inf`` at ``-inf``; the (engine's) minimum's tie at 0 gives the
    gradient 1/2, PyTorch's there."""
    return input._binary("minimum", 0.0) - (-input.abs()).exp().log1p()


def softmax(input, dim=None, _stacklevel: int = 3, dtype=None):
    return input.softmax(dim, dtype)


def log_softmax(input, dim=None, _stacklevel: int = 3, dtype=None):
    return input.log_softmax(dim, dtype)


# --- losses ----------------------------------------------------------------------------------


def _reduce(loss, reduction: str):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _legacy_reduction(size_average, reduce, reduction):
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else ("mean" if size_average else "sum")


def _check_float_target(input, target, op: str):
    _check_tensor(input, "input", op)
    _check_tensor(target, "target", op)
    if not input.is_floating_point():
        raise TypeError(f"{op}: expected a floating point input, got {input.dtype}")
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(
            f"Using a target size ({tuple(target.shape)}) that is different to the input size "
            f"({tuple(input.shape)}). This will likely lead to incorrect results due to "
            "broadcasting.",
            stacklevel=3,
        )
    if not target.is_floating_point():
        target = target.to(input.dtype)
    return target


def mse_loss(input, target, size_average=None, reduce=None, reduction: str = "mean", weight=None):
    target = _check_float_target(input, target, "mse_loss")
    diff = input - target
    loss = diff * diff
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, _legacy_reduction(size_average, reduce, reduction))


def l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean", weight=None):
    target = _check_float_target(input, target, "l1_loss")
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, _legacy_reduction(size_average, reduce, reduction))


def smooth_l1_loss(
    input, target, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0
):
    target = _check_float_target(input, target, "smooth_l1_loss")
    if beta < 0:
        raise ValueError(f"smooth_l1_loss does not support negative values for beta, got {beta}")
    d = (input - target).abs()
    loss = d if beta == 0 else (d * d * (0.5 / beta)).where(d < beta, d - 0.5 * beta)
    return _reduce(loss, _legacy_reduction(size_average, reduce, reduction))


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0, weight=None):
    target = _check_float_target(input, target, "huber_loss")
    if delta <= 0:
        raise ValueError(f"huber_loss does not support non-positive values for delta, got {delta}")
    d = (input - target).abs()
    loss = (d * d * 0.5).where(d < delta, (d - 0.5 * delta) * delta)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _check_class_target(target, op: str):
    _check_tensor(target, "target", op)
    if target.is_floating_point() or target.dtype.name == "bool":
        raise TypeError(
            f"{op}: expected target of integer dtype (class indices, int64) but got {target.dtype}"
            + (
                "; for class probabilities use cross_entropy with a target of the input's shape"
                if target.is_floating_point()
                else ""
            )
        )


def _classes_last(input, target, op: str):
    """``input`` as ``(M, C)`` and ``target`` as ``(M,)``, with the target's original shape."""
    if input.ndim == 1:
        if target.ndim != 0:
            raise ValueError(
                f"{op}: for an unbatched input of shape {tuple(input.shape)} the target must be "
                f"0-d, got shape {tuple(target.shape)}"
            )
        return input.unsqueeze(0), target.reshape(1), ()
    expected = (input.shape[0], *input.shape[2:])
    if tuple(target.shape) != expected:
        raise ValueError(
            f"{op}: expected target of shape {expected} for input of shape {tuple(input.shape)}, "
            f"got {tuple(target.shape)}"
        )
    if input.ndim == 2:
        return input, target, tuple(target.shape)
    c = input.shape[1]
    perm = [0, *range(2, input.ndim), 1]
    return input.permute(*perm).reshape(-1, c), target.reshape(-1), tuple(target.shape)


def _unweighted_nll(flat, t, ignore_index: int, reduction: str, target_shape, log_softmax: bool):
    """The loss without class weights in one engine call (``ops/loss.rs``); ``log_softmax``
    first for cross-entropy."""
    loss = _core.nll_loss(flat, t, int(ignore_index), reduction, log_softmax)
    if reduction == "none":
        return loss.reshape(target_shape)
    if reduction == "mean" and loss._requires_grad and math.isnan(loss.item()):
        # NaN: no sample counted (all ignored), or NaN/inf inputs. The engine's mean then
        # sends 0 * (1/0) = NaN into the ignored rows too; PyTorch leaves them at 0. Only
        # here (a 0-d read otherwise) the mean is rebuilt with the ignored rows cut off.
        losses = _core.nll_loss(flat, t, int(ignore_index), "none", log_softmax)
        counted = t != ignore_index
        return losses.where(counted, 0.0).sum() / counted.sum().to(losses.dtype)
    return loss


def _nll_parts(logp, target, weight, ignore_index: int, op: str):
    """Per-element ``-w[t] * logp[t]`` (zero where ignored) and the weights ``w[t]``."""
    c = logp.shape[1]
    valid = target != ignore_index
    safe = target.where(valid, 0)
    if target.numel():
        bad = safe.lt(0).logical_or(safe.ge(c))
        if bool(bad.any()):
            wrong = int(safe[bad][0].item())
            raise IndexError(
                f"{op}: Target {wrong} is out of bounds (expected class indices in [0, {c - 1}])."
            )
    picked = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
    mask = valid.to(logp.dtype)
    if weight is None:
        return (-picked).where(valid, 0.0), mask
    class_weight = weight.to(logp.dtype).index_select(0, safe)
    # where, not a product with the mask: an ignored row's gradient stays 0 even when the
    # mean divides by a zero total weight (PyTorch's), where 0 * inf would be NaN
    return (-picked * class_weight).where(valid, 0.0), class_weight * mask


def nll_loss(
    input,
    target,
    weight=None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
):
    """Negative log likelihood of class indices given log-probabilities ``(N, C, ...)``."""
    _check_tensor(input, "input", "nll_loss")
    _check_class_target(target, "nll_loss")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    logp, t, target_shape = _classes_last(input, target, "nll_loss")
    if weight is not None and tuple(weight.shape) != (logp.shape[1],):
        raise ValueError(
            f"nll_loss: weight tensor should be defined either for all {logp.shape[1]} classes or "
            f"no classes but got weight tensor of shape: {tuple(weight.shape)}"
        )
    if weight is None:
        return _unweighted_nll(logp, t, ignore_index, reduction, target_shape, log_softmax=False)
    losses, w = _nll_parts(logp, t, weight, ignore_index, "nll_loss")
    if reduction == "none":
        return losses.reshape(target_shape)
    if reduction == "sum":
        return losses.sum()
    if reduction == "mean":
        return losses.sum() / w.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def cross_entropy(
    input,
    target,
    weight=None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
):
    """``log_softmax`` + NLL over the class dimension (dim 1, or 0 for an unbatched input).
    ``target`` holds class indices (integer, shape ``(N, ...)``) or class probabilities (the
    input's shape, floating)."""
    _check_tensor(input, "input", "cross_entropy")
    _check_tensor(target, "target", "cross_entropy")
    if not input.is_floating_point():
        raise TypeError(f"cross_entropy: expected a floating point input, got {input.dtype}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    class_dim = 0 if input.ndim == 1 else 1
    c = input.shape[class_dim]
    if weight is None and label_smoothing == 0 and not target.is_floating_point():
        _check_class_target(target, "cross_entropy")
        flat, t, target_shape = _classes_last(input, target, "cross_entropy")
        return _unweighted_nll(flat, t, ignore_index, reduction, target_shape, log_softmax=True)
    logp = input.log_softmax(class_dim)
    if target.is_floating_point():
        if tuple(target.shape) != tuple(input.shape):
            raise ValueError(
                "cross_entropy: a probability target must have the input's shape "
                f"{tuple(input.shape)}, got {tuple(target.shape)}"
            )
        t = target.to(input.dtype)
        if label_smoothing > 0:
            t = t * (1 - label_smoothing) + label_smoothing / c
        terms = logp * t
        if weight is not None:
            view = [1] * input.ndim
            view[class_dim] = c
            terms = terms * weight.to(input.dtype).reshape(view)
        losses = -terms.sum(class_dim)
        if reduction == "mean":
            return losses.sum() / float(max(losses.numel(), 1))
        return _reduce(losses, reduction)
    _check_class_target(target, "cross_entropy")
    flat, t, target_shape = _classes_last(logp, target, "cross_entropy")
    if weight is not None and tuple(weight.shape) != (c,):
        raise ValueError(
            f"cross_entropy: weight tensor should be defined for all {c} classes, got shape "
            f"{tuple(weight.shape)}"
        )
    losses, w = _nll_parts(flat, t, weight, ignore_index, "cross_entropy")
    if label_smoothing > 0:
        per_class = flat if weight is None else flat * weight.to(flat.dtype)
        smooth = (-per_class.sum(1)).where(t != ignore_index, 0.0)
        losses = losses * (1 - label_smoothing) + smooth * (label_smoothing / c)
    if reduction == "none":
        return losses.reshape(target_shape)
    if reduction == "sum":
        return losses.sum()
    if reduction == "mean":
        return losses.sum() / w.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


#: The floor of ``x (1 - x)`` in the derivative of binary cross-entropy: PyTorch's is the
#: float32 1e-12, which float64 computations see as 9.99999996e-13.
_BCE_EPSILON = float(np.float32(1e-12))


class _BinaryCrossEntropy(Function):
    """The elementwise loss with PyTorch's forward and derivatives, which are not those of
    its forward: the logs are clamped at -100, and the input's gradient is
    ``(x - t) / max(x (1 - x), eps)``, finite at a saturated ``x`` of 0 or 1 (the clamped
    logs' own rule gives 0 * inf = NaN there). The backward is made of recorded operations,
    so it has a derivative too."""

    @staticmethod
    def value(x, t):
        return (t - 1) * (-x).log1p().clamp(min=-100.0) - t * x.log().clamp(min=-100.0)

    @staticmethod
    def forward(ctx, x, t):
        ctx.save_for_backward(x, t)
        return _BinaryCrossEntropy.value(x, t)

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_tensors
        grad_x = grad_t = None
        if ctx.needs_input_grad[0]:
            grad_x = grad * (x - t) / ((1 - x) * x).clamp(min=_BCE_EPSILON)
        if ctx.needs_input_grad[1]:
            grad_t = grad * -(x / (1 - x)).log()
        return grad_x, grad_t


def binary_cross_entropy(
    input, target, weight=None, size_average=None, reduce=None, reduction: str = "mean"
):
    """``-(t·log(x) + (1-t)·log(1-x))`` for probabilities ``x`` (logs clamped at -100)."""
    _check_tensor(input, "input", "binary_cross_entropy")
    _check_tensor(target, "target", "binary_cross_entropy")
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({tuple(target.shape)}) that is different to the input size "
            f"({tuple(input.shape)}) is deprecated. Please ensure they have the same size."
        )
    if not target.is_floating_point():
        raise TypeError(
            "binary_cross_entropy: expected a floating point target (probabilities), got "
            f"{target.dtype}"
        )
    if input.numel() and (bool((input.detach() < 0).any()) or bool((input.detach() > 1).any())):
        raise ValueError("all elements of input should be between 0 and 1")
    t = target.to(input.dtype)
    if _core.current_dual_level() is None:
        loss = _BinaryCrossEntropy.apply(input, t)
    else:  # forward-mode AD has no tangent rule for a Function: the formula, recorded
        loss = _BinaryCrossEntropy.value(input, t)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, _legacy_reduction(size_average, reduce, reduction))


def binary_cross_entropy_with_logits(
    input,
    target,
    weight=None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    pos_weight=None,
):
    """``binary_cross_entropy(sigmoid(x), t)`` computed stably from logits ``x``."""
    _check_tensor(input, "input", "binary_cross_entropy_with_logits")
    _check_tensor(target, "target", "binary_cross_entropy_with_logits")
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({tuple(target.shape)}) must be the same as input size "
            f"({tuple(input.shape)})"
        )
    if not target.is_floating_point():
        raise TypeError(
            "binary_cross_entropy_with_logits: expected a floating point target, got "
            f"{target.dtype}"
        )
    t = target.to(input.dtype)
    # -log(sigmoid(x)) = softplus(-x);  -log(1 - sigmoid(x)) = softplus(x)
    if pos_weight is None:
        loss = (1.0 - t) * input + softplus(-input)
    else:
        log_weight = (pos_weight - 1.0) * t + 1.0
        loss = (1.0 - t) * input + log_weight * softplus(-input)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, _legacy_reduction(size_average, reduce, reduction))
