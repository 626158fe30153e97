"""Linear maps, convolutions and their transposes, and ``unfold``/``fold``.

Only the 2-D convolution (im2col + one product per group) and ``col2im`` are engine kernels;
every other rank is brought to them:

* 1-D: a 2-D convolution of height 1.
* 3-D: the kernel's depth taps become input channels. The input's depth slices that each tap
  reads (a strided view per tap) are stacked as channels of ``N * D_out`` planes, and one 2-D
  convolution with the weight's depth folded into its channels sums all taps at once. This
  copies the input ``kD`` times.
* Transposed: the adjoint of the convolution. Each input pixel's product with the weight is a
  column of ``kH * kW`` values per output channel; ``col2im`` (fold) adds the columns into
  the output at stride ``s`` with dilation ``d``, over the whole uncropped extent
  ``(H - 1) s + d (k - 1) + 1``, which is then cropped by ``padding`` (and grown by
  ``output_padding``). The 3-D transpose adds its depth taps with a second fold along depth.
"""

from __future__ import annotations

from .. import _core
from .._autocast import lower_precision
from .._errors import ShapeError
from ._functional_common import (
    _at_least,
    _check_tensor,
    _ntuple,
    _pair,
)

# --- linear ------------------------------------------------------------------------------------


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``: one product reading the weight transposed in place, the bias
    added in the same pass."""
    _check_tensor(input, "input", "linear")
    _check_tensor(weight, "weight", "linear")
    if bias is not None:
        _check_tensor(bias, "bias", "linear")
    input, weight, bias = lower_precision(input, weight, bias)
    # the engine's shape tuples, read once: this runs for every Linear call
    shape, weight_shape = input._shape, weight._shape
    if len(weight_shape) != 2:
        raise ShapeError(
            f"linear(): weight must be 2-D (out_features, in_features), got shape {weight_shape}"
        )
    if not shape or shape[-1] != weight_shape[1]:
        raise ShapeError(
            f"linear(): input of shape {shape} does not match weight of shape "
            f"{weight_shape} (expected the last dimension of input to be {weight_shape[1]})"
        )
    if bias is not None and bias._shape not in ((), weight_shape[:1]):
        return _linear_broadcast_bias(input, weight, bias)
    if len(shape) == 1:
        return _core.linear(input.unsqueeze(0), weight, bias).squeeze(0)
    return _core.linear(input, weight, bias)


def _linear_broadcast_bias(input, weight, bias):
    """``linear`` with a bias other than ``(out_features,)``, which PyTorch adds with
    broadcasting: any shape that broadcasts to the output's (e.g. a ``(batch, out)`` bias per
    row), without growing it."""
    out_shape = (*input._shape[:-1], weight._shape[0])
    if len(input._shape) == 1:
        # PyTorch multiplies a vector as one row: a bias (1, out) still gives (out,).
        return linear(input.unsqueeze(0), weight, bias).squeeze(0)
    bias_shape = bias._shape
    fits = len(bias_shape) <= len(out_shape) and all(
        b in (1, o) for b, o in zip(reversed(bias_shape), reversed(out_shape), strict=False)
    )
    if not fits:
        raise ShapeError(
            f"linear(): bias of shape {bias_shape} does not broadcast to the output's shape "
            f"{out_shape} (expected ({weight._shape[0]},) or a shape broadcastable to the "
            "output's)"
        )
    return linear(input, weight) + bias


def bilinear(input1, input2, weight, bias=None):
    """``y[..., o] = x1 W[o] x2 + b[o]`` for inputs ``(..., in1)`` and ``(..., in2)``."""
    _check_tensor(input1, "input1", "bilinear")
    _check_tensor(input2, "input2", "bilinear")
    _check_tensor(weight, "weight", "bilinear")
    if weight.ndim != 3:
        raise ShapeError(f"bilinear(): weight must be 3-D, got shape {tuple(weight.shape)}")
    if input1.shape[-1] != weight.shape[1] or input2.shape[-1] != weight.shape[2]:
        raise ShapeError(
            f"bilinear(): input1 {tuple(input1.shape)} and input2 {tuple(input2.shape)} do not "
            f"match weight {tuple(weight.shape)} in their last dimensions"
        )
    if tuple(input1.shape[:-1]) != tuple(input2.shape[:-1]):
        raise ShapeError(
            "bilinear(): input1 and input2 must have the same size except in the last "
            f"dimension, got {tuple(input1.shape)} and {tuple(input2.shape)}"
        )
    lead = tuple(input1.shape[:-1])
    x1 = input1.reshape(-1, weight.shape[1])
    x2 = input2.reshape(-1, weight.shape[2])
    # (M, in1) @ (O, in1, in2) -> (O, M, in2), then a row-wise dot with x2
    left = x1.unsqueeze(0) @ weight
    out = (left * x2.unsqueeze(0)).sum(-1).t()
    if bias is not None:
        out = out + bias
    return out.reshape(*lead, weight.shape[0])


# --- convolution -------------------------------------------------------------------------------


def _conv_checks(x, weight, groups: int, n: int, op: str) -> None:
    _check_tensor(weight, "weight", op)
    if weight.ndim != n + 2:
        raise ShapeError(
            f"{op}: expected a {n + 2}-D weight, got weight of shape {tuple(weight.shape)}"
        )
    if groups <= 0:
        raise ShapeError("non-positive groups is not supported")
    if x.shape[1] != weight.shape[1] * groups:
        raise ShapeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
            f"input{list(x.shape)} to have {weight.shape[1] * groups} channels, but got "
            f"{x.shape[1]} channels instead"
        )
    if weight.shape[0] % groups:
        raise ShapeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size {list(weight.shape)} instead"
        )


def _batched(input, n: int, op: str):
    """``input`` with its batch dimension, and whether it had none."""
    _check_tensor(input, "input", op)
    if input.ndim not in (n + 1, n + 2):
        raise ShapeError(
            f"{op}: Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {op}, but got "
            f"input of size: {list(input.shape)}"
        )
    unbatched = input.ndim == n + 1
    return (input.unsqueeze(0) if unbatched else input), unbatched


def _resolve_padding(x, padding, kernel, stride, dilation, n: int):
    """Numeric padding per dimension, padding ``x`` itself for an uneven ``'same'``."""
    if not isinstance(padding, str):
        return x, _at_least(_ntuple(padding, n, "padding"), 0, "negative padding is not supported")
    if padding == "valid":
        return x, (0,) * n
    if padding != "same":
        raise ValueError(f"Invalid padding string '{padding}', should be one of ('valid', 'same')")
    if any(s != 1 for s in stride):
        raise ValueError("padding='same' is not supported for strided convolutions")
    totals = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
    if any(t % 2 for t in totals):
        from ._functional_vision import pad

        # the odd element goes after, as in PyTorch
        extra = []
        for t in reversed(totals):
            extra += [0, t % 2]
        x = pad(x, extra)
    return x, tuple(t // 2 for t in totals)


def _output_extent(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _check_extent(x, kernel, stride, padding, dilation):
    padded = [s + 2 * p for s, p in zip(x.shape[2:], padding, strict=True)]
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
    if any(p < s for p, s in zip(padded, spans, strict=True)):
        raise ShapeError(
            "Calculated padded input size per channel: ({}). Kernel size: ({}). Kernel size "
            "can't be greater than actual input size".format(
                " x ".join(map(str, padded)), " x ".join(map(str, spans))
            )
        )


def _convnd(input, weight, bias, stride, padding, dilation, groups, n: int, op: str):
    input, weight, bias = lower_precision(input, weight, bias)
    x, unbatched = _batched(input, n, op)
    groups = int(groups)
    _conv_checks(x, weight, groups, n, op)
    kernel = tuple(weight.shape[2:])
    stride = _at_least(_ntuple(stride, n, "stride"), 1, "non-positive stride is not supported")
    dilation = _at_least(
        _ntuple(dilation, n, "dilation"), 1, "dilation should be greater than zero"
    )
    x, padding = _resolve_padding(x, padding, kernel, stride, dilation, n)
    _check_extent(x, kernel, stride, padding, dilation)
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ShapeError(
            f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
            f"{weight.shape[0]} elements, but got bias of size {list(bias.shape)} instead"
        )
    if n == 1:
        out = _core.conv2d(
            x.unsqueeze(2),
            weight.unsqueeze(2),
            bias,
            (1, stride[0]),
            (0, padding[0]),
            (1, dilation[0]),
            groups,
        ).squeeze(2)
    elif n == 2:
        out = _core.conv2d(x, weight, bias, stride, padding, dilation, groups)
    else:
        out = _conv3d_by_planes(x, weight, bias, stride, padding, dilation, groups)
    return out.squeeze(0) if unbatched else out


def _conv3d_by_planes(x, weight, bias, stride, padding, dilation, groups: int):
    from ._functional_vision import pad

    n, c, depth = x.shape[:3]
    taps = weight.shape[2]
    if padding[0]:
        x = pad(x, [0, 0, 0, 0, padding[0], padding[0]])
        depth += 2 * padding[0]
    out_depth = (depth - dilation[0] * (taps - 1) - 1) // stride[0] + 1
    reach = stride[0] * (out_depth - 1) + 1
    slabs = _core.stack(
        [x[:, :, k * dilation[0] : k * dilation[0] + reach : stride[0]] for k in range(taps)], 2
    )  # (N, C, kD, D_out, H, W)
    h, w = x.shape[3:]
    planes = (
        slabs.reshape(n, groups, c // groups, taps, out_depth, h, w)
        .permute(0, 4, 1, 3, 2, 5, 6)
        .reshape(n * out_depth, groups * taps * (c // groups), h, w)
    )
    o = weight.shape[0]
    flat_weight = weight.permute(0, 2, 1, 3, 4).reshape(
        o, taps * weight.shape[1], *weight.shape[3:]
    )
    out = _core.conv2d(planes, flat_weight, bias, stride[1:], padding[1:], dilation[1:], groups)
    return out.reshape(n, out_depth, o, *out.shape[2:]).permute(0, 2, 1, 3, 4)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
    """1-D cross-correlation of ``(N, C, L)`` (or ``(C, L)``) with ``(O, C/groups, k)``."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
    """2-D cross-correlation of ``(N, C, H, W)`` (or ``(C, H, W)``) with ``(O, C/groups, kH,
    kW)``."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
    """3-D cross-correlation of ``(N, C, D, H, W)`` (or ``(C, D, H, W)``) with ``(O,
    C/groups, kD, kH, kW)``."""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def conv_tbc(input, weight, bias, pad: int = 0):
    """1-D convolution of a time-batch-channel ``(T, B, C)`` input with a ``(k, C, O)``
    weight."""
    out = conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad)
    return out.permute(2, 0, 1)


# --- transposed convolution --------------------------------------------------------------------


def _transposed_args(x, weight, stride, padding, output_padding, dilation, groups, n, op):
    _check_tensor(weight, "weight", op)
    if weight.ndim != n + 2:
        raise ShapeError(
            f"{op}: expected a {n + 2}-D weight, got weight of shape {tuple(weight.shape)}"
        )
    if groups <= 0:
        raise ShapeError("non-positive groups is not supported")
    if x.shape[1] != weight.shape[0]:
        raise ShapeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected input"
            f"{list(x.shape)} to have {weight.shape[0]} channels, but got {x.shape[1]} channels "
            "instead"
        )
    if weight.shape[0] % groups:
        raise ShapeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size {list(weight.shape)} instead"
        )
    if isinstance(padding, str):
        raise ValueError(f"{op}: padding must be an int or a tuple of ints, got {padding!r}")
    stride = _at_least(_ntuple(stride, n, "stride"), 1, "non-positive stride is not supported")
    padding = _at_least(_ntuple(padding, n, "padding"), 0, "negative padding is not supported")
    output_padding = _at_least(
        _ntuple(output_padding, n, "output_padding"), 0, "negative output padding is not supported"
    )
    dilation = _at_least(
        _ntuple(dilation, n, "dilation"), 1, "dilation should be greater than zero"
    )
    for op_, s, d in zip(output_padding, stride, dilation, strict=True):
        if op_ >= s and op_ >= d:
            raise ShapeError(
                f"output padding must be smaller than either stride or dilation, but got "
                f"output_padding={output_padding}, stride={stride}, dilation={dilation}"
            )
    return stride, padding, output_padding, dilation


def _crop(full, dims, padding, output_padding):
    """``full`` cut to ``[p, p + size)`` along ``dims``, where ``size`` is the uncropped
    extent ``- 2p + output_padding``; positions past the uncropped extent are zeros."""
    from ._functional_vision import pad

    tails = {d: max(0, e - p) for d, p, e in zip(dims, padding, output_padding, strict=True)}
    if any(tails.values()):
        widths = []
        for d in range(full.ndim - 1, min(dims) - 1, -1):
            widths += [0, tails.get(d, 0)]
        full = pad(full, widths)
    index = [slice(None)] * full.ndim
    for d, p, extra in zip(dims, padding, output_padding, strict=True):
        size = full.shape[d] - tails[d] - 2 * p + extra
        index[d] = slice(p, p + size)
    return full[tuple(index)]


def _transpose2d(x, weight, bias, stride, padding, output_padding, dilation, groups: int):
    """The 2-D transposed convolution of a batched input, by ``col2im``."""
    n, c, h, w = x.shape
    og = weight.shape[1]
    kh, kw = weight.shape[2:]
    # (G, Cg, Og*kh*kw) transposed to (G, Og*kh*kw, Cg), against (N, G, Cg, H*W)
    cols = weight.reshape(groups, c // groups, og * kh * kw).transpose(1, 2) @ x.reshape(
        n, groups, c // groups, h * w
    )
    cols = cols.reshape(n, groups * og * kh * kw, h * w)
    full_size = (
        (h - 1) * stride[0] + dilation[0] * (kh - 1) + 1,
        (w - 1) * stride[1] + dilation[1] * (kw - 1) + 1,
    )
    full = _core.col2im(cols, full_size, (kh, kw), stride, (0, 0), dilation)
    out = _crop(full, (2, 3), padding, output_padding)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    return out


def _transpose3d(x, weight, bias, stride, padding, output_padding, dilation, groups: int):
    """Each depth tap is a 2-D transposed convolution of every input plane (one call, the taps
    as extra output channels); a fold along depth then adds tap ``k`` of plane ``i`` at depth
    ``i * stride + k * dilation``."""
    n, c, depth = x.shape[:3]
    og, taps = weight.shape[1], weight.shape[2]
    planes = x.permute(0, 2, 1, 3, 4).reshape(n * depth, c, *x.shape[3:])
    tap_weight = weight.permute(0, 2, 1, 3, 4).reshape(c, taps * og, *weight.shape[3:])
    y = _transpose2d(
        planes, tap_weight, None, stride[1:], padding[1:], output_padding[1:], dilation[1:], groups
    )
    ho, wo = y.shape[2:]
    cols = (
        y.reshape(n, depth, groups, taps, og, ho, wo)
        .permute(0, 2, 4, 5, 6, 3, 1)
        .reshape(n, groups * og * ho * wo * taps, depth)
    )
    full_depth = (depth - 1) * stride[0] + dilation[0] * (taps - 1) + 1
    full = _core.col2im(cols, (full_depth, 1), (taps, 1), (stride[0], 1), (0, 0), (dilation[0], 1))
    full = full.reshape(n, groups * og, ho, wo, full_depth).permute(0, 1, 4, 2, 3)
    out = _crop(full, (2,), padding[:1], output_padding[:1])
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1, 1)
    return out


def _conv_transposend(
    input, weight, bias, stride, padding, output_padding, groups, dilation, n: int, op: str
):
    input, weight, bias = lower_precision(input, weight, bias)
    x, unbatched = _batched(input, n, op)
    groups = int(groups)
    stride, padding, output_padding, dilation = _transposed_args(
        x, weight, stride, padding, output_padding, dilation, groups, n, op
    )
    if bias is not None and tuple(bias.shape) != (weight.shape[1] * groups,):
        raise ShapeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected bias to be "
            f"1-dimensional with {weight.shape[1] * groups} elements, but got bias of size "
            f"{list(bias.shape)} instead"
        )
    if n == 1:
        out = _transpose2d(
            x.unsqueeze(2),
            weight.unsqueeze(2),
            bias,
            (1, *stride),
            (0, *padding),
            (0, *output_padding),
            (1, *dilation),
            groups,
        ).squeeze(2)
    elif n == 2:
        out = _transpose2d(x, weight, bias, stride, padding, output_padding, dilation, groups)
    else:
        out = _transpose3d(x, weight, bias, stride, padding, output_padding, dilation, groups)
    if any(s <= 0 for s in out.shape[2:]):
        raise ShapeError(
            f"{op}: the output size {list(out.shape[2:])} is not positive (input "
            f"{list(x.shape)}, padding {padding})"
        )
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups: int = 1, dilation=1
):
    """The adjoint of ``conv1d`` (a "deconvolution") with a ``(C_in, C_out/groups, k)``
    weight."""
    return _conv_transposend(
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
        1,
        "conv_transpose1d",
    )


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups: int = 1, dilation=1
):
    """The adjoint of ``conv2d`` with a ``(C_in, C_out/groups, kH, kW)`` weight."""
    return _conv_transposend(
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
        2,
        "conv_transpose2d",
    )


def conv_transpose3d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups: int = 1, dilation=1
):
    """The adjoint of ``conv3d`` with a ``(C_in, C_out/groups, kD, kH, kW)`` weight."""
    return _conv_transposend(
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
        3,
        "conv_transpose3d",
    )


# --- unfold / fold -----------------------------------------------------------------------------


def _window_args(kernel, stride, padding, dilation):
    args = _pair(kernel, "kernel_size"), _pair(stride, "stride")
    args += _pair(padding, "padding"), _pair(dilation, "dilation")
    _at_least(
        args[0],
        1,
        "kernel size should be greater than zero, but got kernel_height: {} kernel_width: {}",
    )
    _at_least(
        args[1], 1, "stride should be greater than zero, but got stride_height: {} stride_width: {}"
    )
    _at_least(args[2], 0, "padding should be non-negative, but got pad_height: {} pad_width: {}")
    _at_least(
        args[3],
        1,
        "dilation should be greater than zero, but got dilation_height: {} dilation_width: {}",
    )
    return args


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding windows of ``(N, C, H, W)`` (or ``(C, H, W)``) as columns ``(N, C·kh·kw, L)``."""
    _check_tensor(input, "input", "unfold")
    if input.ndim not in (3, 4):
        raise ShapeError(
            f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)"
        )
    kernel, stride, padding, dilation = _window_args(kernel_size, stride, padding, dilation)
    x = input.unsqueeze(0) if input.ndim == 3 else input
    out = _core.im2col(x, kernel, stride, padding, dilation)
    return out.squeeze(0) if input.ndim == 3 else out


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The adjoint of ``unfold``: columns ``(N, C·kh·kw, L)`` (or ``(C·kh·kw, L)``) back to
    ``(N, C, H, W)``, overlaps summed."""
    _check_tensor(input, "input", "fold")
    if input.ndim not in (2, 3):
        raise ShapeError(
            "Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got "
            f"{input.ndim}D)"
        )
    kernel, stride, padding, dilation = _window_args(kernel_size, stride, padding, dilation)
    size = _at_least(
        _pair(output_size, "output_size"), 0, "fold: output_size must be non-negative, got ({}, {})"
    )
    x = input.unsqueeze(0) if input.ndim == 2 else input
    out = _core.col2im(x, size, kernel, stride, padding, dilation)
    return out.squeeze(0) if input.ndim == 2 else out
