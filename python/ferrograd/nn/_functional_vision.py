"""Padding, resampling and rearranging of images: ``pad``, ``interpolate`` (and the ``upsample``
forms), ``grid_sample``, ``affine_grid``, ``pixel_shuffle``/``pixel_unshuffle`` and
``channel_shuffle``.

Non-constant padding and every interpolation mode are index gathers (``index_select`` along one
dimension, whose gradient adds back into the gathered positions): the source positions and
weights are computed once with NumPy following PyTorch's index rules, then applied one spatial
dimension at a time (PyTorch's linear and cubic kernels are products over dimensions, so the
separable form gives the same values). ``grid_sample`` gathers the corners of each sampling
point from the flattened planes and weights them with recorded operations on the grid, so the
gradient reaches both the input and the grid."""

from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _core
from .._base import TensorBase
from .._errors import ShapeError
from .._mixins.math import clamp_scalars
from ._functional_common import _check_tensor, _from_numpy_like

# --- padding ----------------------------------------------------------------------------------


def _pad_pairs(input, pad) -> list:
    """``[(before, after)]`` from the last dimension backwards, checked."""
    if not isinstance(pad, (list, tuple)) and not isinstance(pad, TensorBase):
        raise TypeError(f"pad(): argument 'pad' must be tuple of ints, not {type(pad).__name__}")
    widths = [int(p) for p in pad]
    if len(widths) % 2:
        raise ValueError("Padding length must be divisible by 2")
    if len(widths) // 2 > input.ndim:
        raise ValueError(
            "Padding length should be less than or equal to two times the input dimension"
        )
    return [(widths[2 * i], widths[2 * i + 1]) for i in range(len(widths) // 2)]


def _constant_pad(input, pairs, value: float):
    # negative widths crop first; the rest is a filled tensor with the input written inside
    index = [slice(None)] * input.ndim
    for i, (before, after) in enumerate(pairs):
        d = input.ndim - 1 - i
        size = input.shape[d]
        start, stop = max(0, -before), size - max(0, -after)
        if stop - start < 0 or size + before + after < 0:
            raise ShapeError(
                f"The input size {size}, plus negative padding {before} and {after} resulted in a "
                f"negative output size, which is invalid. Check dimension {d} of your input."
            )
        index[d] = slice(start, stop)
    if any(s != slice(None) for s in index):
        input = input[tuple(index)]
    shape = list(input.shape)
    index = [slice(None)] * input.ndim
    for i, (before, after) in enumerate(pairs):
        d = input.ndim - 1 - i
        b, a = max(0, before), max(0, after)
        index[d] = slice(b, b + shape[d])
        shape[d] += b + a
    if tuple(shape) == tuple(input.shape):
        return input.clone()
    out = _core.full(shape, float(value), input.dtype.name, input._device)
    out[tuple(index)] = input
    return out


def _source_positions(size: int, before: int, after: int, mode: str) -> np.ndarray:
    positions = np.arange(-before, size + after)
    if mode == "reflect":
        period = 2 * (size - 1)
        folded = np.mod(positions, period) if period else np.zeros_like(positions)
        return np.where(folded >= size, period - folded, folded)
    if mode == "replicate":
        return np.clip(positions, 0, size - 1)
    return np.mod(positions, size)  # circular


def _check_pad_widths(input, pairs, mode: str) -> None:
    for i, (before, after) in enumerate(pairs):
        d = input.ndim - 1 - i
        size = input.shape[d]
        if mode == "reflect" and (before >= size or after >= size):
            raise ShapeError(
                f"Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({before}, {after}) at dimension {d} of input "
                f"{list(input.shape)}"
            )
        if mode == "circular" and (before > size or after > size):
            raise ShapeError("Padding value causes wrapping around more than once.")
        if mode == "replicate" and size == 0 and (before or after):
            raise ShapeError(
                f"padding of a dimension of size 0 is not possible (dimension {d} of input "
                f"{list(input.shape)})"
            )


def pad(input, pad, mode: str = "constant", value=None):
    """Pads ``input``; ``pad`` lists (before, after) widths from the last dimension backwards.
    ``mode`` is ``'constant'`` (with ``value``, 0 by default; negative widths crop),
    ``'reflect'``, ``'replicate'`` or ``'circular'``."""
    _check_tensor(input, "input", "pad")
    pairs = _pad_pairs(input, pad)
    if mode == "constant":
        return _constant_pad(input, pairs, 0.0 if value is None else float(value))
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(
            f"Unrecognised padding mode {mode!r}: expected 'constant', 'reflect', 'replicate' or "
            "'circular'"
        )
    if value is not None and value != 0:
        raise ValueError(f'Padding mode "{mode}" doesn\'t take in value argument')
    dims = len(pairs)
    if dims > 3 or input.ndim not in (dims + 1, dims + 2):
        raise NotImplementedError(
            f"Padding size {2 * dims} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )
    _check_pad_widths(input, pairs, mode)
    out = input
    for i, (before, after) in enumerate(pairs):
        if before == 0 and after == 0:
            continue
        d = input.ndim - 1 - i
        positions = _source_positions(input.shape[d], before, after, mode)
        out = out.index_select(d, _from_numpy_like(input, positions))
    return out


# --- interpolation ----------------------------------------------------------------------------

_MODE_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
#: The cubic convolution constant PyTorch uses (Keys' kernel with a = -0.75).
_CUBIC_A = -0.75


def _output_geometry(input, size, scale_factor, recompute_scale_factor):
    """``(output sizes, scale factors or None per dimension)``."""
    n = input.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        sizes = [size] * n if isinstance(size, (int, np.integer)) else list(size)
        if len(sizes) != n:
            raise ValueError(
                f"Input and output must have the same number of spatial dimensions, but got input "
                f"with spatial dimensions of {list(input.shape[2:])} and output size of {sizes}. "
                "Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                "(o1, o2, ...,oK) format."
            )
        return [int(s) for s in sizes], None
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    scales = (
        [float(scale_factor)] * n
        if isinstance(scale_factor, (int, float))
        else [float(s) for s in scale_factor]
    )
    if len(scales) != n:
        raise ValueError(
            f"Input and scale_factor must have the same number of spatial dimensions, but got "
            f"input with spatial dimensions of {list(input.shape[2:])} and scale_factor of "
            f"shape {scales}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
            "scale_factor in (s1, s2, ...,sK) format."
        )
    sizes = [math.floor(float(s) * f) for s, f in zip(input.shape[2:], scales, strict=True)]
    return sizes, None if recompute_scale_factor else scales


def _source_scale(size: int, out: int, scale, align_corners: bool) -> float:
    """PyTorch's ratio from output to input coordinates."""
    if align_corners:
        return (size - 1) / (out - 1) if out > 1 else 0.0
    return 1.0 / scale if scale is not None and scale > 0 else size / out


def _nearest_positions(size: int, out: int, scale, exact: bool) -> np.ndarray:
    # in float32, as PyTorch computes them, so that ties fall the same way
    ratio = np.float32(1.0 / scale if scale is not None and scale > 0 else size / out)
    dst = np.arange(out, dtype=np.float32)
    src = np.floor((dst + np.float32(0.5)) * ratio) if exact else np.floor(dst * ratio)
    return np.minimum(src.astype(np.int64), size - 1)


def _linear_taps(size: int, out: int, scale, align_corners: bool):
    ratio = _source_scale(size, out, scale, align_corners)
    dst = np.arange(out, dtype=np.float64)
    src = dst * ratio if align_corners else np.maximum(ratio * (dst + 0.5) - 0.5, 0.0)
    low = np.minimum(np.floor(src).astype(np.int64), size - 1)
    high = np.minimum(low + 1, size - 1)
    frac = src - low
    return [(low, 1.0 - frac), (high, frac)]


def _cubic_taps(size: int, out: int, scale, align_corners: bool):
    ratio = _source_scale(size, out, scale, align_corners)
    dst = np.arange(out, dtype=np.float64)
    src = dst * ratio if align_corners else ratio * (dst + 0.5) - 0.5
    base = np.floor(src).astype(np.int64)
    t = src - base
    weights = _cubic_weights(t)
    return [(np.clip(base - 1 + i, 0, size - 1), weights[i]) for i in range(4)]


def _cubic_weights(t):
    """The four weights of Keys' cubic convolution at offset ``t`` in ``[0, 1)`` (arrays or
    tensors alike)."""
    a = _CUBIC_A

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _apply_taps(x, dim: int, taps):
    """``sum_i x[index_i] * weight_i`` along ``dim``."""
    shape = [1] * x.ndim
    out = None
    for index, weight in taps:
        picked = x.index_select(dim, _from_numpy_like(x, index))
        shape[dim] = len(index)
        term = picked * _from_numpy_like(x, np.asarray(weight).reshape(shape))
        out = term if out is None else out + term
    return out


def interpolate(
    input,
    size=None,
    scale_factor=None,
    mode: str = "nearest",
    align_corners=None,
    recompute_scale_factor=None,
    antialias: bool = False,
):
    """Resamples the spatial dimensions of ``(N, C, ...)`` to ``size`` or by ``scale_factor``.
    Modes: ``nearest``, ``nearest-exact``, ``linear`` (3-D input), ``bilinear``/``bicubic``
    (4-D), ``trilinear`` (5-D) and ``area`` (adaptive average pooling)."""
    _check_tensor(input, "input", "interpolate")
    if mode in ("nearest", "nearest-exact", "area"):
        if align_corners is not None:
            raise ValueError(
                "align_corners option can only be set with the interpolating modes: "
                "linear | bilinear | bicubic | trilinear"
            )
    elif mode in _MODE_DIMS:
        align_corners = bool(align_corners) if align_corners is not None else False
    else:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
            f"the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
            f"nearest-exact (got {mode})"
        )
    if input.ndim not in (3, 4, 5):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
            f"the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
            f"nearest-exact (got {mode})"
        )
    if mode in _MODE_DIMS and input.ndim - 2 != _MODE_DIMS[mode]:
        wanted = _MODE_DIMS[mode] + 2
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {wanted}D input")
    if antialias and mode not in ("bilinear", "bicubic"):
        raise ValueError(
            "Anti-alias option is restricted to bilinear and bicubic modes and requires a 4-D "
            "tensor as input"
        )
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported by ferrograd")
    sizes, scales = _output_geometry(input, size, scale_factor, recompute_scale_factor)
    if any(s <= 0 for s in sizes):
        raise ShapeError(
            f"Input and output sizes should be greater than 0, but got input "
            f"({', '.join(map(str, input.shape[2:]))}) and output ({', '.join(map(str, sizes))})"
        )
    if mode == "area":
        from ._functional_pool import (
            adaptive_avg_pool1d,
            adaptive_avg_pool2d,
            adaptive_avg_pool3d,
        )

        pool = (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[input.ndim - 3]
        return pool(input, sizes)
    if mode in _MODE_DIMS and not input.is_floating_point():
        raise TypeError(
            f"interpolate: mode {mode!r} needs a floating point input, got {input.dtype}"
        )
    out = input
    for i, o in enumerate(sizes):
        dim = 2 + i
        n = input.shape[dim]
        scale = None if scales is None else scales[i]
        if mode in ("nearest", "nearest-exact"):
            if o == n:
                continue
            positions = _nearest_positions(n, o, scale, mode == "nearest-exact")
            out = out.index_select(dim, _from_numpy_like(input, positions))
        elif mode == "bicubic":
            out = _apply_taps(out, dim, _cubic_taps(n, o, scale, align_corners))
        else:
            if o == n and (align_corners or scale is None or scale == 1.0):
                continue
            out = _apply_taps(out, dim, _linear_taps(n, o, scale, align_corners))
    return out


def upsample(input, size=None, scale_factor=None, mode: str = "nearest", align_corners=None):
    """Deprecated name of ``interpolate``."""
    warnings.warn(
        "nn.functional.upsample is deprecated. Use nn.functional.interpolate instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(..., mode='nearest')``."""
    warnings.warn(
        "nn.functional.upsample_nearest is deprecated. Use nn.functional.interpolate instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(..., mode='bilinear', align_corners=True)``."""
    warnings.warn(
        "nn.functional.upsample_bilinear is deprecated. Use nn.functional.interpolate instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# --- grid sampling ----------------------------------------------------------------------------


def _unnormalize(coord, size: int, align_corners: bool):
    """Grid coordinates in ``[-1, 1]`` to input positions."""
    if align_corners:
        return (coord + 1) * ((size - 1) / 2)
    return ((coord + 1) * size - 1) / 2


def _reflect(coord, twice_low: int, twice_high: int):
    """Coordinates reflected into ``[low, high]`` by the input's borders, as many times as
    needed (gradient -1 on reflected stretches, as in PyTorch)."""
    if twice_low == twice_high:
        return coord * 0.0
    low = twice_low / 2
    span = (twice_high - twice_low) / 2
    distance = (coord - low).where(coord >= low, low - coord)
    flips = (distance / span).detach().floor()
    extra = distance - flips * span
    even = flips.remainder(2) == 0
    return (extra + low).where(even, span - extra + low)


def _source_coordinates(coord, size: int, padding_mode: str, align_corners: bool):
    coord = _unnormalize(coord, size, align_corners)
    if padding_mode == "border":
        return clamp_scalars(coord, 0.0, float(size - 1))
    if padding_mode == "reflection":
        if align_corners:
            coord = _reflect(coord, 0, 2 * (size - 1))
        else:
            coord = _reflect(coord, -1, 2 * size - 1)
        return clamp_scalars(coord, 0.0, float(size - 1))
    return coord


def _gather_points(flat, positions, sizes):
    """Values of ``flat`` ``(N, C, prod(sizes))`` at integer positions (one ``(N, P)`` tensor
    per dimension, outermost first), zero where a position falls outside."""
    inside = None
    linear = None
    for position, size in zip(positions, sizes, strict=True):
        ok = (position >= 0).logical_and(position < size)
        inside = ok if inside is None else inside.logical_and(ok)
        clipped = position.clamp(0, size - 1)
        linear = clipped if linear is None else linear * size + clipped
    n, c = flat.shape[:2]
    values = flat.gather(2, linear.unsqueeze(1).expand(n, c, linear.shape[1]))
    return values.where(inside.unsqueeze(1), 0.0)


def _bounded_tap(position, size: int, padding_mode: str, align_corners: bool):
    """An integer tap position of bicubic sampling brought inside by the padding mode (as
    floats, since reflection works on coordinates)."""
    if padding_mode == "zeros":
        return position
    if padding_mode == "border":
        return position.clamp(0, size - 1)
    if align_corners:
        reflected = _reflect(position, 0, 2 * (size - 1))
    else:
        reflected = _reflect(position, -1, 2 * size - 1)
    return reflected.clamp(0, size - 1)


def _default_align_corners(align_corners) -> bool:
    if align_corners is None:
        warnings.warn(
            "Default grid_sample and affine_grid behavior has changed to align_corners=False "
            "since 1.3.0. Please specify align_corners=True if the old behavior is desired. See "
            "the documentation of grid_sample for details.",
            stacklevel=3,
        )
        return False
    return bool(align_corners)


def grid_sample(
    input, grid, mode: str = "bilinear", padding_mode: str = "zeros", align_corners=None
):
    """Samples ``input`` ``(N, C, H, W)`` (or ``(N, C, D, H, W)``) at the normalized
    positions of ``grid`` ``(N, H_out, W_out, 2)`` (or ``(..., 3)``), last coordinate first
    (x, then y, then z). Modes ``bilinear``, ``nearest`` and (4-D) ``bicubic``; padding modes
    ``zeros``, ``border`` and ``reflection``."""
    _check_tensor(input, "input", "grid_sample")
    _check_tensor(grid, "grid", "grid_sample")
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(
            f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or "
            f"'bicubic', but got: '{mode}'"
        )
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(
            f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
            f"'reflection', but got: '{padding_mode}'"
        )
    align_corners = _default_align_corners(align_corners)
    n_dims = input.ndim - 2
    if input.ndim not in (4, 5) or grid.ndim != input.ndim:
        raise ShapeError(
            f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, "
            f"but got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
        )
    if grid.shape[0] != input.shape[0] or grid.shape[-1] != n_dims:
        raise ShapeError(
            f"grid_sampler(): expected grid to have size {n_dims} in last dimension and the "
            f"input's batch size {input.shape[0]}, but got grid with sizes {list(grid.shape)}"
        )
    if mode == "bicubic" and n_dims != 2:
        raise ShapeError("grid_sampler(): bicubic interpolation only supports 4D input")
    n, c = input.shape[:2]
    sizes = tuple(input.shape[2:])  # outermost first: (H, W) or (D, H, W)
    out_spatial = tuple(grid.shape[1:-1])
    points = grid.reshape(n, -1, n_dims).to(input.dtype)
    flat = input.reshape(n, c, -1)
    # grid coordinates are innermost first (x, y, z); sizes are outermost first
    coords = [points[:, :, n_dims - 1 - i] for i in range(n_dims)]
    if mode == "bicubic":
        out = _bicubic_sample(flat, coords, sizes, padding_mode, align_corners)
    else:
        coords = [
            _source_coordinates(x, size, padding_mode, align_corners)
            for x, size in zip(coords, sizes, strict=True)
        ]
        if mode == "nearest":
            positions = [x.detach().round().long() for x in coords]
            out = _gather_points(flat, positions, sizes)
        else:
            out = _linear_sample(flat, coords, sizes)
    return out.reshape(n, c, *out_spatial)


def _linear_sample(flat, coords, sizes):
    """The sum over the 2^d corners around each point of value times weight."""
    lows = [x.detach().floor() for x in coords]
    fractions = [x - low for x, low in zip(coords, lows, strict=True)]
    out = None
    for corner in range(2 ** len(coords)):
        weight = None
        positions = []
        for i, (low, frac) in enumerate(zip(lows, fractions, strict=True)):
            upper = (corner >> (len(coords) - 1 - i)) & 1
            positions.append((low + upper).long())
            w = frac if upper else 1.0 - frac
            weight = w if weight is None else weight * w
        term = _gather_points(flat, positions, sizes) * weight.unsqueeze(1)
        out = term if out is None else out + term
    return out


def _bicubic_sample(flat, coords, sizes, padding_mode: str, align_corners: bool):
    coords = [_unnormalize(x, size, align_corners) for x, size in zip(coords, sizes, strict=True)]
    bases = [x.detach().floor() for x in coords]
    weights = [_cubic_weights(x - b) for x, b in zip(coords, bases, strict=True)]
    out = None
    for i in range(4):
        for j in range(4):
            y = _bounded_tap(bases[0] + (i - 1), sizes[0], padding_mode, align_corners)
            x = _bounded_tap(bases[1] + (j - 1), sizes[1], padding_mode, align_corners)
            values = _gather_points(flat, [y.round().long(), x.round().long()], sizes)
            term = values * (weights[0][i] * weights[1][j]).unsqueeze(1)
            out = term if out is None else out + term
    return out


def _base_coordinates(steps: int, align_corners: bool) -> np.ndarray:
    if steps <= 1:
        return np.zeros(steps)
    line = np.linspace(-1.0, 1.0, steps)
    return line if align_corners else line * (steps - 1) / steps


def affine_grid(theta, size, align_corners=None):
    """The sampling grid ``(N, H, W, 2)`` (or ``(N, D, H, W, 3)``) of the affine maps
    ``theta`` ``(N, 2, 3)`` (or ``(N, 3, 4)``) for an output of ``size``, for ``grid_sample``."""
    _check_tensor(theta, "theta", "affine_grid")
    align_corners = _default_align_corners(align_corners)
    size = [int(s) for s in size]
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) == 4:
        if theta.ndim != 3 or tuple(theta.shape[1:]) != (2, 3):
            raise ValueError(
                f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got "
                f"{list(theta.shape)}."
            )
    elif len(size) == 5:
        if theta.ndim != 3 or tuple(theta.shape[1:]) != (3, 4):
            raise ValueError(
                f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. Got "
                f"{list(theta.shape)}."
            )
    else:
        raise NotImplementedError(
            f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
            f"respectively. Got size {size}."
        )
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if theta.shape[0] != size[0]:
        raise ValueError(
            f"Expected theta's batch size {theta.shape[0]} to match size[0] = {size[0]}"
        )
    spatial = size[2:]  # (H, W) or (D, H, W)
    axes = [_base_coordinates(s, align_corners) for s in spatial]
    mesh = np.meshgrid(*axes, indexing="ij")
    # columns x, y(, z), 1: the innermost spatial axis first
    base = np.stack([*reversed(mesh), np.ones(mesh[0].shape)], axis=-1)
    base = _from_numpy_like(theta, base.reshape(1, -1, len(spatial) + 1))
    grid = base @ theta.transpose(1, 2)
    return grid.reshape(size[0], *spatial, len(spatial))


# --- rearranging ------------------------------------------------------------------------------


def pixel_shuffle(input, upscale_factor: int):
    """``(*, C r^2, H, W)`` to ``(*, C, H r, W r)``."""
    _check_tensor(input, "input", "pixel_shuffle")
    r = int(upscale_factor)
    if input.ndim < 3:
        raise ShapeError(
            f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
            f"{input.ndim} dimension(s)"
        )
    if r <= 0:
        raise ShapeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise ShapeError(
            f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
            f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
        )
    k = len(lead)
    out = input.reshape(*lead, c // (r * r), r, r, h, w)
    out = out.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return out.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor: int):
    """``(*, C, H r, W r)`` to ``(*, C r^2, H, W)``."""
    _check_tensor(input, "input", "pixel_unshuffle")
    r = int(downscale_factor)
    if input.ndim < 3:
        raise ShapeError(
            f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
            f"{input.ndim} dimension(s)"
        )
    if r <= 0:
        raise ShapeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise ShapeError(
            f"pixel_unshuffle expects height and width to be divisible by downscale_factor, but "
            f"got height={h} and width={w} for downscale_factor={r}"
        )
    k = len(lead)
    out = input.reshape(*lead, c, h // r, r, w // r, r)
    out = out.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return out.reshape(*lead, c * r * r, h // r, w // r)


def channel_shuffle(input, groups: int):
    """Interleaves the channels (dim 1) of ``groups`` equal groups."""
    _check_tensor(input, "input", "channel_shuffle")
    g = int(groups)
    if g <= 0:
        raise ShapeError(
            f"Number of groups to divide channels in must be positive. Value of groups:{g}"
        )
    if input.ndim < 3:
        raise ShapeError(
            f"channel_shuffle expects input to have at least 3 dimensions, but got input with "
            f"sizes {list(input.shape)}"
        )
    n, c = input.shape[:2]
    if c % g:
        raise ShapeError(
            f"Number of channels must be divisible by groups. Got {c} channels and {g} groups."
        )
    rest = tuple(input.shape[2:])
    return input.reshape(n, g, c // g, *rest).transpose(1, 2).reshape(n, c, *rest)


native_channel_shuffle = channel_shuffle
