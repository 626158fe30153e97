"""Pooling: max, average, power-average (LP), adaptive, fractional, and max-unpooling, in 1, 2
and 3 dimensions.

1-D and 2-D max and average pooling run the engine's 2-D kernels (1-D as height 1). 3-D pooling
reads the windows as a strided view (``Tensor.unfold`` per dimension) and reduces them, which
copies the input once per window element for max pooling: correct, not fast. ``ceil_mode``
pads the far side explicitly (with ``-inf`` for max, zeros for average) so that the floor rule
of the kernels gives PyTorch's ceil sizes. Average pooling divides window sums by a divisor
map computed as PyTorch does (the window clipped to the padded input, or to the input when
``count_include_pad=False``, or ``divisor_override``). Adaptive and fractional max pooling are
separable: each dimension in turn gathers its (possibly overlapping, unequal) windows, padded
to a common length by repeating their last element, and takes the maximum, carrying the
argmax's flat position along."""

from __future__ import annotations

import math

import numpy as np

from .. import _core, _random
from .._dtype import to_dtype
from .._errors import ShapeError
from ..autograd.function import Function
from ._functional_common import (
    _at_least,
    _check_tensor,
    _from_numpy_like,
    _ntuple,
)

# --- shared -----------------------------------------------------------------------------------


def _pool_input(input, n: int, op: str):
    """``input`` with batch and channel dimensions, and how many were added."""
    _check_tensor(input, "input", op)
    if input.ndim not in (n + 1, n + 2):
        raise ShapeError(
            f"{op}: Expected {n + 1}D or {n + 2}D input tensor, but got input of shape "
            f"{tuple(input.shape)}"
        )
    if any(s == 0 for s in input.shape[-n:]):
        raise ShapeError(
            f"{op}: Expected input's non-batch dimensions to have positive length, but input has "
            f"a shape of {tuple(input.shape)}"
        )
    return (input.unsqueeze(0), True) if input.ndim == n + 1 else (input, False)


def _window_args(kernel_size, stride, padding, dilation, n: int, op: str):
    kernel = _at_least(
        _ntuple(kernel_size, n, "kernel_size"), 1, "kernel_size should be greater than zero"
    )
    if stride is None or (not isinstance(stride, int) and len(stride) == 0):
        stride = kernel
    stride = _ntuple(stride, n, "stride")
    if 0 in stride:
        raise ShapeError("stride should not be zero")
    _at_least(stride, 1, "stride should be greater than zero")
    padding = _at_least(_ntuple(padding, n, "padding"), 0, "pad must be non-negative")
    dilation = _at_least(
        _ntuple(dilation, n, "dilation"), 1, "dilation should be greater than zero"
    )
    for p, k, d in zip(padding, kernel, dilation, strict=True):
        if p > ((k - 1) * d + 1) // 2:
            raise ShapeError(
                f"pad should be at most half of effective kernel size, but got pad={p}, "
                f"kernel_size={k} and dilation={d}"
            )
    return kernel, stride, padding, dilation


def _pooled_size(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's output length: floor or ceil, and with ceil no window starting past the
    input and its left padding."""
    span = size + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _pooled_sizes(x, kernel, stride, padding, dilation, ceil_mode: bool):
    spatial = tuple(x.shape[2:])
    sizes = tuple(
        _pooled_size(*args, ceil_mode)
        for args in zip(spatial, kernel, stride, padding, dilation, strict=True)
    )
    if any(o < 1 for o in sizes):
        raise ShapeError(
            "Given input size: ({}). Calculated output size: ({}). Output size is too small".format(
                "x".join(map(str, x.shape[1:])),
                "x".join(map(str, (x.shape[1], *sizes))),
            )
        )
    return sizes


def _far_padding(x, sizes, kernel, stride, padding, dilation):
    """How many elements past ``input + padding`` the last window of each dimension reads."""
    return tuple(
        max(0, (o - 1) * s + d * (k - 1) + 1 - (n + 2 * p))
        for n, o, k, s, p, d in zip(
            x.shape[2:], sizes, kernel, stride, padding, dilation, strict=True
        )
    )


def _pad_far(x, extra, value: float):
    """``x`` padded after its last ``len(extra)`` dimensions with ``value``."""
    if not any(extra):
        return x
    from ._functional_vision import pad

    widths = []
    for e in reversed(extra):
        widths += [0, e]
    return pad(x, widths, value=value)


def _pad_both(x, before, after, value: float):
    if not any(before) and not any(after):
        return x
    from ._functional_vision import pad

    widths = []
    for b, a in zip(reversed(before), reversed(after), strict=True):
        widths += [b, a]
    return pad(x, widths, value=value)


def _windows(x, kernel, stride, dilation):
    """The view ``(N, C, *out, *kernel)`` of the windows of an already padded ``x``."""
    n = len(kernel)
    view = x
    for i, (k, s, d) in enumerate(zip(kernel, stride, dilation, strict=True)):
        view = view.unfold(2 + i, d * (k - 1) + 1, s)
    if any(d > 1 for d in dilation):
        index = [slice(None)] * (view.ndim - n) + [slice(None, None, d) for d in dilation]
        view = view[tuple(index)]
    return view


def _restore(out, unbatched: bool):
    return out.squeeze(0) if unbatched else out


# --- max pooling ------------------------------------------------------------------------------


def _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, n: int, op: str):
    """``(values, indices)``, indices flat within each input plane, as PyTorch returns."""
    x, unbatched = _pool_input(input, n, op)
    kernel, stride, padding, dilation = _window_args(kernel_size, stride, padding, dilation, n, op)
    sizes = _pooled_sizes(x, kernel, stride, padding, dilation, ceil_mode)
    extra = _far_padding(x, sizes, kernel, stride, padding, dilation)
    if n <= 2:
        values, indices = _max_pool_kernel(x, kernel, stride, padding, dilation, extra, n)
    else:
        values, indices = _max_pool_windows(x, kernel, stride, padding, dilation, extra, sizes)
    return _restore(values, unbatched), _restore(indices, unbatched)


def _max_pool_kernel(x, kernel, stride, padding, dilation, extra, n: int):
    if n == 1:
        x = x.unsqueeze(2)
        kernel, stride, padding, dilation, extra = (
            (1, *kernel),
            (1, *stride),
            (0, *padding),
            (1, *dilation),
            (0, *extra),
        )
    widened = _pad_far(x, extra, -math.inf)
    values, indices = _core.max_pool2d(widened, kernel, stride, padding, dilation)
    if extra[1]:
        # flat positions in the widened plane back to positions in the input's
        width = x.shape[3]
        indices = (indices // widened.shape[3]) * width + indices % widened.shape[3]
    if n == 1:
        values, indices = values.squeeze(2), indices.squeeze(2)
    return values, indices


def _max_pool_windows(x, kernel, stride, padding, dilation, extra, sizes):
    padded = _pad_both(x, padding, [p + e for p, e in zip(padding, extra, strict=True)], -math.inf)
    windows = _windows(padded, kernel, stride, dilation)
    lead = tuple(windows.shape[: 2 + len(kernel)])
    values, local = windows.reshape(*lead, -1).max(-1)
    # the window element's position in the input, one dimension at a time
    flat = None
    remainder = local
    spatial = x.shape[2:]
    for i, (s, p, d) in enumerate(zip(stride, padding, dilation, strict=True)):
        inner = math.prod(kernel[i + 1 :])
        tap = remainder // inner
        remainder = remainder % inner
        starts = np.arange(sizes[i]) * s - p
        shape = [1] * len(lead)
        shape[2 + i] = sizes[i]
        position = _from_numpy_like(x, starts.reshape(shape)) + tap * d
        flat = position if flat is None else flat * spatial[i] + position
    return values, flat


def max_pool1d_with_indices(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 1, "max_pool1d")


def max_pool2d_with_indices(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 2, "max_pool2d")


def max_pool3d_with_indices(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 3, "max_pool3d")


def max_pool1d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """Maximum over each window of ``(N, C, L)``; with ``return_indices``, also its position."""
    out = max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return out if return_indices else out[0]


def max_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """Maximum over each window of ``(N, C, H, W)``; with ``return_indices``, also the flat
    position of the maximum within its input plane."""
    out = max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return out if return_indices else out[0]


def max_pool3d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """Maximum over each window of ``(N, C, D, H, W)``; with ``return_indices``, also the flat
    position of the maximum within its input volume."""
    out = max_pool3d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return out if return_indices else out[0]


# --- average pooling --------------------------------------------------------------------------


def _divisors(x, sizes, kernel, stride, padding, count_include_pad: bool):
    """Per output position, PyTorch's divisor: the window clipped to the padded input (or to
    the input when padding does not count), a product over the dimensions."""
    divisor = np.ones((), dtype=np.float64)
    for size, o, k, s, p in zip(x.shape[2:], sizes, kernel, stride, padding, strict=True):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, size + p)
        if not count_include_pad:
            end = np.minimum(end, size)
            start = np.maximum(start, 0)
        divisor = np.multiply.outer(divisor, (end - start).astype(np.float64))
    return divisor


def _avg_pool(
    input,
    kernel_size,
    stride,
    padding,
    ceil_mode,
    count_include_pad,
    divisor_override,
    n: int,
    op: str,
):
    x, unbatched = _pool_input(input, n, op)
    if not x.is_floating_point():
        raise TypeError(f"{op}: expected a floating point input, got {x.dtype}")
    kernel, stride, padding, _ = _window_args(kernel_size, stride, padding, 1, n, op)
    if divisor_override is not None and divisor_override == 0:
        raise ShapeError("divisor must be not zero")
    ones = (1,) * n
    sizes = _pooled_sizes(x, kernel, stride, padding, ones, ceil_mode)
    extra = _far_padding(x, sizes, kernel, stride, padding, ones)
    padded = _pad_both(x, padding, [p + e for p, e in zip(padding, extra, strict=True)], 0.0)
    area = math.prod(kernel)
    if n <= 2:
        plane = padded if n == 2 else padded.unsqueeze(2)
        k2, s2 = (kernel, stride) if n == 2 else ((1, *kernel), (1, *stride))
        means = _core.avg_pool2d(plane, k2, s2, (0, 0))
        means = means if n == 2 else means.squeeze(2)
        sums = None
    else:
        windows = _windows(padded, kernel, stride, ones)
        sums = windows.sum(tuple(range(-n, 0)))
        means = None
    if divisor_override is not None:
        divisor = float(divisor_override)
        return _restore(sums / divisor if means is None else means * (area / divisor), unbatched)
    divisor = _divisors(x, sizes, kernel, stride, padding, count_include_pad)
    if means is not None and np.all(divisor == area):
        return _restore(means, unbatched)
    if means is not None:
        out = means * _from_numpy_like(x, area / divisor)
    else:
        out = sums / _from_numpy_like(x, divisor)
    return _restore(out, unbatched)


def avg_pool1d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
):
    """Mean over each window of ``(N, C, L)``."""
    return _avg_pool(
        input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1, "avg_pool1d"
    )


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override=None,
):
    """Mean over each window of ``(N, C, H, W)`` (or the sum over ``divisor_override``)."""
    return _avg_pool(
        input,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
        2,
        "avg_pool2d",
    )


def avg_pool3d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override=None,
):
    """Mean over each window of ``(N, C, D, H, W)`` (or the sum over ``divisor_override``)."""
    return _avg_pool(
        input,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
        3,
        "avg_pool3d",
    )


# --- power-average pooling --------------------------------------------------------------------


def _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, n: int, op: str):
    """``(sum over the window of x^p)^(1/p)``, PyTorch's way: the average of ``x^p`` times the
    window's size (so a window clipped by ``ceil_mode`` is scaled as a whole one)."""
    kernel = _ntuple(kernel_size, n, "kernel_size")
    pool = (avg_pool1d, avg_pool2d, avg_pool3d)[n - 1]
    means = pool(input.pow(norm_type), kernel, stride, 0, ceil_mode)
    return (means.sign() * means.abs().relu()).mul(math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode: bool = False):
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1, "lp_pool1d")


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode: bool = False):
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2, "lp_pool2d")


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode: bool = False):
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3, "lp_pool3d")


# --- adaptive pooling -------------------------------------------------------------------------


def _output_size(x, output_size, n: int, op: str):
    sizes = (output_size,) * n if isinstance(output_size, int) else tuple(output_size)
    if len(sizes) != n:
        raise ValueError(f"{op}: output_size must be an int or a tuple of {n}, got {output_size}")
    sizes = tuple(x.shape[2 + i] if s is None else int(s) for i, s in enumerate(sizes))
    _at_least(
        sizes,
        0,
        f"{op}: elements of output_size must be greater than or equal to 0 but received "
        "{{" + ", ".join(["{}"] * n) + "}}",
    )
    return sizes


def _bins(size: int, out: int):
    """PyTorch's adaptive windows: ``[floor(i L / O), ceil((i + 1) L / O))``."""
    starts = (np.arange(out) * size) // out
    ends = -((-(np.arange(out) + 1) * size) // out)
    return starts, ends


def _averaging_matrix(size: int, out: int) -> np.ndarray:
    matrix = np.zeros((out, size))
    for i, (start, end) in enumerate(zip(*_bins(size, out), strict=True)):
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


def _adaptive_avg_pool(input, output_size, n: int, op: str):
    """One averaging matrix product per dimension (the bins are separable)."""
    x, unbatched = _pool_input(input, n, op)
    if not x.is_floating_point():
        raise TypeError(f"{op}: expected a floating point input, got {x.dtype}")
    sizes = _output_size(x, output_size, n, op)
    spatial = tuple(x.shape[2:])
    if 0 in sizes:
        # an empty output, still attached to the graph (its gradient is zeros), as PyTorch's
        out = x.reshape(-1)[:0].reshape(*x.shape[:2], *sizes)
    elif all(o == 1 for o in sizes):
        out = x.mean(tuple(range(2, 2 + n)), keepdim=True)
    else:
        out = x
        for i, (size, o) in enumerate(zip(spatial, sizes, strict=True)):
            if size == o:
                continue
            matrix = _from_numpy_like(x, _averaging_matrix(size, o).T.copy())
            dim = 2 + i
            out = (out.movedim(dim, -1) @ matrix).movedim(-1, dim)
    return _restore(out, unbatched)


def adaptive_avg_pool1d(input, output_size):
    return _adaptive_avg_pool(input, output_size, 1, "adaptive_avg_pool1d")


def adaptive_avg_pool2d(input, output_size):
    return _adaptive_avg_pool(input, output_size, 2, "adaptive_avg_pool2d")


def adaptive_avg_pool3d(input, output_size):
    return _adaptive_avg_pool(input, output_size, 3, "adaptive_avg_pool3d")


def _separable_max(x, windows_per_dim):
    """The maximum of ``x`` over the product of per-dimension windows, and its flat position in
    the input plane/volume. ``windows_per_dim[i]`` is an ``(out_i, K_i)`` int array of positions
    along spatial dimension ``i``."""
    n = len(windows_per_dim)
    spatial = tuple(x.shape[2:])
    positions = np.arange(math.prod(spatial)).reshape(spatial)
    flat = _from_numpy_like(x, positions).reshape(1, 1, *spatial)
    values = x
    for i in reversed(range(n)):
        dim = 2 + i
        window = windows_per_dim[i]
        out, k = window.shape
        index = _from_numpy_like(x, window.reshape(-1))
        values = values.index_select(dim, index)
        flat = flat.index_select(dim, index)
        shape = list(values.shape)
        shape[dim : dim + 1] = [out, k]
        values, arg = values.reshape(shape).max(dim + 1)
        flat = flat.reshape([*flat.shape[:dim], out, k, *flat.shape[dim + 1 :]])
        flat = flat.expand([*values.shape[:dim], out, k, *values.shape[dim + 1 :]])
        flat = flat.gather(dim + 1, arg.unsqueeze(dim + 1)).squeeze(dim + 1)
    return values, flat


def _bin_windows(size: int, out: int) -> np.ndarray:
    starts, ends = _bins(size, out)
    longest = int((ends - starts).max())
    window = starts[:, None] + np.arange(longest)[None, :]
    return np.minimum(window, ends[:, None] - 1)  # short bins repeat their last element


def _adaptive_max_pool(input, output_size, n: int, op: str):
    x, unbatched = _pool_input(input, n, op)
    sizes = _output_size(x, output_size, n, op)
    if 0 in sizes:
        raise ShapeError(f"{op}: output_size must be positive, got {sizes}")
    windows = [_bin_windows(s, o) for s, o in zip(x.shape[2:], sizes, strict=True)]
    values, indices = _separable_max(x, windows)
    return _restore(values, unbatched), _restore(indices, unbatched)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices: bool = False):
    return _adaptive_max_pool(input, output_size, 1, "adaptive_max_pool1d")


def adaptive_max_pool2d_with_indices(input, output_size, return_indices: bool = False):
    return _adaptive_max_pool(input, output_size, 2, "adaptive_max_pool2d")


def adaptive_max_pool3d_with_indices(input, output_size, return_indices: bool = False):
    return _adaptive_max_pool(input, output_size, 3, "adaptive_max_pool3d")


def adaptive_max_pool1d(input, output_size, return_indices: bool = False):
    out = _adaptive_max_pool(input, output_size, 1, "adaptive_max_pool1d")
    return out if return_indices else out[0]


def adaptive_max_pool2d(input, output_size, return_indices: bool = False):
    out = _adaptive_max_pool(input, output_size, 2, "adaptive_max_pool2d")
    return out if return_indices else out[0]


def adaptive_max_pool3d(input, output_size, return_indices: bool = False):
    out = _adaptive_max_pool(input, output_size, 3, "adaptive_max_pool3d")
    return out if return_indices else out[0]


# --- fractional max pooling -------------------------------------------------------------------


def _fractional_starts(size: int, out: int, k: int, sample: float) -> np.ndarray:
    """PyTorch's pseudo-random window starts for one dimension and one sample in ``[0, 1)``."""
    if out == 1:
        return np.array([size - k])
    alpha = (size - k) / (out - 1)
    starts = [int((i + sample) * alpha) - int(sample * alpha) for i in range(out - 1)]
    return np.array([*starts, size - k])


def _fractional_max_pool(
    input, kernel_size, output_size, output_ratio, random_samples, n: int, op: str
):
    x, unbatched = _pool_input(input, n, op)
    kernel = _ntuple(kernel_size, n, "kernel_size")
    spatial = tuple(x.shape[2:])
    if output_size is None:
        if output_ratio is None:
            raise ValueError(f"{op} requires specifying either an output_size or an output_ratio")
        ratio = _ntuple_float(output_ratio, n)
        output_size = tuple(int(s * r) for s, r in zip(spatial, ratio, strict=True))
    sizes = _ntuple(output_size, n, "output_size")
    for s, o, k in zip(spatial, sizes, kernel, strict=True):
        if o + k - 1 > s:
            raise ShapeError(
                f"{op}(): pool size {k} too large relative to input size {s} and output size {o}"
            )
    batch, channels = x.shape[:2]
    if random_samples is None:
        samples = _random.uniform_samples((batch, channels, n), to_dtype("float64"))
    else:
        samples = np.asarray(random_samples.tolist(), dtype=np.float64)
        if samples.shape != (batch, channels, n):
            raise ShapeError(
                f"{op}: expected _random_samples of shape {(batch, channels, n)}, got "
                f"{samples.shape}"
            )
    # each (sample, channel) plane has windows of its own: pool the planes one at a time
    values, indices = [], []
    planes = x.reshape(batch * channels, 1, *spatial)
    # PyTorch reads a 2-D plane's samples width first, a 3-D one's depth first
    order = samples.reshape(-1, n)[:, ::-1] if n == 2 else samples.reshape(-1, n)
    for plane_index, plane_samples in enumerate(order):
        windows = [
            _fractional_starts(s, o, k, u)[:, None] + np.arange(k)[None, :]
            for s, o, k, u in zip(spatial, sizes, kernel, plane_samples, strict=True)
        ]
        v, i = _separable_max(planes[plane_index : plane_index + 1], windows)
        values.append(v)
        indices.append(i)
    values = _core.cat(values, 0).reshape(batch, channels, *sizes)
    indices = _core.cat(indices, 0).reshape(batch, channels, *sizes)
    return _restore(values, unbatched), _restore(indices, unbatched)


def _ntuple_float(value, n: int) -> tuple:
    if isinstance(value, (int, float)):
        return (float(value),) * n
    return tuple(float(v) for v in value)


def fractional_max_pool2d_with_indices(
    input,
    kernel_size,
    output_size=None,
    output_ratio=None,
    return_indices: bool = False,
    _random_samples=None,
):
    return _fractional_max_pool(
        input, kernel_size, output_size, output_ratio, _random_samples, 2, "fractional_max_pool2d"
    )


def fractional_max_pool3d_with_indices(
    input,
    kernel_size,
    output_size=None,
    output_ratio=None,
    return_indices: bool = False,
    _random_samples=None,
):
    return _fractional_max_pool(
        input, kernel_size, output_size, output_ratio, _random_samples, 3, "fractional_max_pool3d"
    )


def fractional_max_pool2d(
    input,
    kernel_size,
    output_size=None,
    output_ratio=None,
    return_indices: bool = False,
    _random_samples=None,
):
    """Max pooling over pseudo-random overlapping windows (Graham, 2014)."""
    out = fractional_max_pool2d_with_indices(
        input, kernel_size, output_size, output_ratio, False, _random_samples
    )
    return out if return_indices else out[0]


def fractional_max_pool3d(
    input,
    kernel_size,
    output_size=None,
    output_ratio=None,
    return_indices: bool = False,
    _random_samples=None,
):
    out = fractional_max_pool3d_with_indices(
        input, kernel_size, output_size, output_ratio, False, _random_samples
    )
    return out if return_indices else out[0]


# --- max unpooling ----------------------------------------------------------------------------


class _MaxUnpool(Function):
    """Values ``(N, C, S)`` written at flat positions of zero planes ``(N, C, plane)``; the
    gradient of each value is the output's gradient at its position (every duplicate gets it,
    as in PyTorch)."""

    @staticmethod
    def forward(ctx, values, indices, plane: int):
        rows = values.reshape(-1, values.shape[-1])
        idx = indices.reshape(rows.shape)
        out = _core.full([rows.shape[0], plane], 0.0, values.dtype.name, values._device)
        row_index = _core.arange(0, rows.shape[0], 1, "int64", values._device).reshape(-1, 1)
        out[row_index, idx] = rows
        ctx.save_for_backward(idx)
        ctx.values_shape = tuple(values.shape)
        return out.reshape(*values.shape[:-1], plane)

    @staticmethod
    def backward(ctx, grad):
        (idx,) = ctx.saved_tensors
        rows = grad.reshape(idx.shape[0], -1).gather(1, idx)
        return rows.reshape(ctx.values_shape), None, None


def _max_unpool(input, indices, kernel_size, stride, padding, output_size, n: int, op: str):
    x, unbatched = _pool_input(input, n, op)
    _check_tensor(indices, "indices", op)
    if indices.is_floating_point() or indices.dtype.name == "bool":
        raise TypeError(f"{op}: expected indices of dtype int64, got {indices.dtype}")
    idx = indices.unsqueeze(0) if unbatched else indices
    if tuple(idx.shape) != tuple(x.shape):
        raise ShapeError(
            f"Expected shape of indices to be same as that of the input tensor "
            f"({tuple(x.shape)}) but got indices tensor with shape: {tuple(idx.shape)}"
        )
    kernel = _ntuple(kernel_size, n, "kernel_size")
    stride = kernel if stride is None else _ntuple(stride, n, "stride")
    padding = _ntuple(padding, n, "padding")
    default = tuple(
        (size - 1) * s - 2 * p + k
        for size, k, s, p in zip(x.shape[2:], kernel, stride, padding, strict=True)
    )
    if output_size is None:
        sizes = default
    else:
        sizes = tuple(int(s) for s in output_size)
        if len(sizes) == n + 2 or len(sizes) == n + 1:
            sizes = sizes[-n:]
        if len(sizes) != n:
            raise ValueError(
                f"output_size should be a sequence containing {n} or {n + 2} elements, but it has "
                f"a length of '{len(sizes)}'"
            )
        for size, lowest, s in zip(sizes, default, stride, strict=True):
            if not lowest - s < size < lowest + s:
                raise ValueError(
                    f"invalid output_size {sizes} (dim must be between {lowest - s} and "
                    f"{lowest + s})"
                )
    plane = math.prod(sizes)
    if idx.numel() and (int(idx.min().item()) < 0 or int(idx.max().item()) >= plane):
        raise ShapeError(
            f"Found an invalid max index: {int(idx.max().item())} (output volumes are of size "
            f"{'x'.join(map(str, sizes))}"
        )
    spatial = math.prod(x.shape[2:])
    flat = _MaxUnpool.apply(
        x.reshape(*x.shape[:2], spatial), idx.reshape(*x.shape[:2], spatial), plane
    )
    return _restore(flat.reshape(*x.shape[:2], *sizes), unbatched)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of ``max_pool1d``: each value back at its index, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1, "max_unpool1d")


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of ``max_pool2d``: each value back at its index, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2, "max_unpool2d")


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of ``max_pool3d``: each value back at its index, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3, "max_unpool3d")
