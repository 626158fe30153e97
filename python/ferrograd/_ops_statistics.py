"""Statistics of data: ``aminmax``, ``cov``, ``corrcoef`` (differentiable compositions) and the
counting functions ``histc``, ``histogram`` and ``bincount``.

Counting has no gradient in PyTorch either, and its output size can depend on the data
(``bincount``), so the counts are made on the host with NumPy and moved to the input's device.
Bin edges are computed in the input's dtype, and an element falls in the bin ``[e_i, e_i+1)``
whose edges enclose it (the last bin also takes its right edge), as PyTorch's kernel decides
after its local search.
"""

from __future__ import annotations

import operator
import warnings

import numpy as np

from . import return_types
from ._base import TensorBase
from ._dtype import get_default_dtype, kernel_not_implemented, scalar_type_name
from ._meta import data_dependent
from ._mixins.structure import constant
from ._ops_out import with_out

aminmax_result = return_types.aminmax
histogram_result = return_types.histogram
histogramdd_result = return_types.histogramdd


def _tensor(value, op: str, name: str = "input"):
    if not isinstance(value, TensorBase):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(value).__name__}")
    return value


def _host(x) -> np.ndarray:
    return x.detach().cpu().numpy()


def aminmax(input, *, dim=None, keepdim: bool = False):
    """``(amin, amax)`` over all elements or along ``dim``."""
    x = _tensor(input, "aminmax")
    empty = x.numel() == 0 if dim is None else x.ndim and x.shape[dim] == 0
    if empty:
        raise RuntimeError(
            "aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
            "identity."
        )
    return aminmax_result(x.amin(dim, keepdim), x.amax(dim, keepdim))


# ----------------------------------------------------------------------------- covariance


def _weights(w, name: str, n: int, integral: bool):
    if w is None:
        return None
    _tensor(w, "cov", name)
    if w.ndim > 1:
        raise RuntimeError(
            f"cov(): expected {name} to have one or fewer dimensions but got {name} with "
            f"{w.ndim} dimensions"
        )
    if integral and w.is_floating_point():
        raise RuntimeError(
            f"cov(): expected {name} to have integral dtype but got {name} with "
            f"{scalar_type_name(w.dtype)} dtype"
        )
    if not integral and not w.is_floating_point():
        raise RuntimeError(
            f"cov(): expected {name} to have floating point dtype but got {name} with "
            f"{scalar_type_name(w.dtype)} dtype"
        )
    if w.numel() != n:
        raise RuntimeError(
            f"cov(): expected {name} to have the same numel as there are observations in the "
            f"input but got {w.numel()} != {n}"
        )
    if bool((w.detach() < 0).any()):
        raise RuntimeError(f"cov(): {name} cannot be negative")
    return w


def cov(input, *, correction: int = 1, fweights=None, aweights=None):
    """The covariance matrix of the variables in the rows of ``input`` (observations in the
    columns; a 1-D input is one variable), with frequency weights ``fweights`` (integers) and
    observation weights ``aweights``, and ``correction`` subtracted from the (weighted) count
    of observations."""
    x = _tensor(input, "cov")
    if x.ndim > 2:
        raise RuntimeError(
            "cov(): expected input to have two or fewer dimensions but got an input with "
            f"{x.ndim} dimensions"
        )
    if not x.is_floating_point():
        x = x.to(get_default_dtype())
    x = x.reshape(1, -1) if x.ndim < 2 else x
    n = x.shape[1]
    fw = _weights(fweights, "fweights", n, True)
    aw = _weights(aweights, "aweights", n, False)
    w = fw if aw is None else (aw if fw is None else fw * aw)
    if w is None:
        total = float(n)
        mean = x.mean(1, keepdim=True)
        factor = total - correction
    else:
        w = w.to(x.dtype)
        total = w.sum()
        mean = (x * w).sum(1, keepdim=True) / total
        if correction == 0:
            factor = total
        elif aw is None:
            factor = total - correction
        else:
            factor = total - correction * (w * aw.to(x.dtype)).sum() / total
    if float(factor) <= 0:
        warnings.warn(
            "cov(): degrees of freedom is <= 0. Correction should be strictly less "
            "than the number of observations.",
            UserWarning,
            stacklevel=2,
        )
        factor = factor * 0 if isinstance(factor, TensorBase) else 0.0
    centered = x - mean
    weighted = centered if w is None else centered * w
    product = centered @ weighted.transpose(0, 1)
    result = product / factor
    return result.reshape([]) if input.ndim < 2 else result


def corrcoef(input):
    """Pearson's correlation coefficients of the variables in the rows of ``input``, clipped
    to [-1, 1]."""
    c = cov(_tensor(input, "corrcoef"))
    if c.ndim == 0:
        return c / c
    std = c.diagonal().sqrt()
    c = c / std.unsqueeze(1) / std.unsqueeze(0)
    return c.clamp(-1, 1)


# ----------------------------------------------------------------------------- counting


def _counts(values: np.ndarray, edges: np.ndarray, weights):
    """Per bin of ``edges``, the (weighted) count of ``values`` inside ``[edges[0],
    edges[-1]]``: bin ``i`` holds ``edges[i] <= v < edges[i+1]``, the last one also its right
    edge."""
    inside = (values >= edges[0]) & (values <= edges[-1])
    v = values[inside]
    bins = np.searchsorted(edges, v, side="right") - 1
    bins = np.minimum(bins, len(edges) - 2)
    w = None if weights is None else weights[inside]
    return np.bincount(bins, weights=w, minlength=len(edges) - 1)


def _float_input(x, kernel: str):
    if x.dtype.name not in ("float32", "float64"):
        raise kernel_not_implemented(f"{kernel}", x.dtype)


def _check_bins(bins: int) -> int:
    bins = operator.index(bins)
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    return bins


def histc(input, bins: int = 100, min=0, max=0):
    """The counts of ``input``'s elements in ``bins`` equal bins between ``min`` and ``max``
    (when both are 0, the elements' own minimum and maximum); elements outside are ignored.
    The counts have ``input``'s dtype."""
    x = _tensor(input, "histc")
    _float_input(x, "histogram_cpu")
    bins = _check_bins(bins)
    values = _host(x).reshape(-1)
    lo, hi = float(min), float(max)
    if lo == hi and values.size:
        lo, hi = float(values.min()), float(values.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo:g}, {hi:g}] is not finite")
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    edges = np.linspace(lo, hi, bins + 1).astype(x.dtype.numpy)
    return constant(_counts(values, edges, None).astype(x.dtype.numpy), x)


def histogram(input, bins, *, range=None, weight=None, density: bool = False):
    """``(hist, bin_edges)``: the (``weight``-ed) counts of ``input``'s elements in ``bins``
    (a number of equal bins over ``range``, by default the elements' extent, or a 1-D tensor
    of increasing edges); with ``density``, scaled to integrate to 1."""
    x = _tensor(input, "histogram")
    _float_input(x, "histogramdd")
    values = _host(x).reshape(-1)
    if isinstance(bins, TensorBase):
        if bins.ndim != 1:
            raise RuntimeError(
                "torch.histogram(): bins tensor should have one dimension, but got "
                f"{bins.ndim} dimensions"
            )
        edges = _host(bins).astype(x.dtype.numpy)
    else:
        count = _check_bins(bins)
        if range is not None:
            lo, hi = (float(v) for v in range)
        elif values.size:
            lo, hi = float(values.min()), float(values.max())
        else:
            lo, hi = 0.0, 0.0
        if lo > hi:
            raise RuntimeError(
                "torch.histogram(): min should not exceed max, but got min "
                f"{lo:g} max {hi:g} for dimension 0"
            )
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = np.linspace(lo, hi, count + 1).astype(x.dtype.numpy)
    w = None
    if weight is not None:
        _tensor(weight, "histogram", "weight")
        if tuple(weight.shape) != tuple(x.shape):
            raise RuntimeError(
                "torch.histogram(): if weight tensor is provided it should have the same shape "
                f"as the input tensor excluding its innermost dimension, but got input with "
                f"shape {list(x.shape)} and weight with shape {list(weight.shape)}"
            )
        w = _host(weight).reshape(-1).astype(np.float64)
    hist = _counts(values, edges, w).astype(np.float64)
    if density:
        hist = hist / (hist.sum() * np.diff(edges.astype(np.float64)))
    return histogram_result(
        constant(hist.astype(x.dtype.numpy), x), constant(np.ascontiguousarray(edges), x)
    )


def _equal_bins(values: np.ndarray, count: int, bounds, dtype) -> np.ndarray:
    """``count + 1`` equal-width edges over ``bounds`` (default: the values' extent; a single
    value gets ±0.5 around it), in ``dtype``."""
    if bounds is not None:
        lo, hi = (float(v) for v in bounds)
    elif values.size:
        lo, hi = float(values.min()), float(values.max())
    else:
        lo, hi = 0.0, 0.0
    if lo > hi:
        raise RuntimeError(
            f"torch.histogramdd(): min should not exceed max, but got min {lo:g} max {hi:g}"
        )
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    return np.linspace(lo, hi, count + 1).astype(dtype)


def histogramdd(input, bins, *, range=None, weight=None, density: bool = False):
    """``(hist, bin_edges)`` of the points in the rows of ``input`` (its last dimension holds
    the coordinates): ``bins`` is a count for every dimension, one count per dimension, or one
    tensor of edges per dimension; ``range`` is ``[min0, max0, min1, max1, ...]``."""
    x = _tensor(input, "histogramdd")
    _float_input(x, "histogramdd")
    points = _host(x).reshape(-1, x.shape[-1] if x.ndim else 1)
    dims = points.shape[1]
    if isinstance(bins, int):
        bins = [bins] * dims
    bins = list(bins)
    if len(bins) != dims:
        raise RuntimeError(
            "histogramdd: The size of bins must be equal to the innermost dimension of the input."
        )
    if range is not None and len(range) != 2 * dims:
        raise RuntimeError(
            "histogramdd: The size of range must be equal to twice the innermost dimension of "
            "the input."
        )
    edges = []
    for d, b in enumerate(bins):
        if isinstance(b, TensorBase):
            edges.append(_host(b).astype(x.dtype.numpy))
        else:
            bounds = None if range is None else range[2 * d : 2 * d + 2]
            edges.append(_equal_bins(points[:, d], _check_bins(b), bounds, x.dtype.numpy))
    w = None
    if weight is not None:
        _tensor(weight, "histogramdd", "weight")
        w = _host(weight).reshape(-1).astype(np.float64)
    inside = np.ones(points.shape[0], dtype=bool)
    for d, e in enumerate(edges):
        inside &= (points[:, d] >= e[0]) & (points[:, d] <= e[-1])
    cells = []
    for d, e in enumerate(edges):
        found = np.searchsorted(e, points[inside, d], side="right") - 1
        cells.append(np.minimum(found, len(e) - 2))
    shape = tuple(len(e) - 1 for e in edges)
    flat = np.ravel_multi_index(tuple(cells), shape) if cells else np.zeros(0, np.int64)
    hist = np.bincount(
        flat, weights=None if w is None else w[inside], minlength=int(np.prod(shape))
    ).reshape(shape)
    if density:
        volume = np.ones(shape)
        for d, e in enumerate(edges):
            widths = np.diff(e.astype(np.float64))
            volume = volume * widths.reshape([-1 if i == d else 1 for i in np.arange(dims)])
        hist = hist / (hist.sum() * volume)
    return histogramdd_result(
        constant(np.ascontiguousarray(hist.astype(x.dtype.numpy)), x),
        tuple(constant(np.ascontiguousarray(e), x) for e in edges),
    )


def bincount(input, weights=None, minlength: int = 0):
    """How often each value ``0, 1, ...`` occurs in the 1-D non-negative integer ``input``
    (at least ``minlength`` bins); with ``weights``, their sums instead of counts (float64
    unless the weights are float32)."""
    x = _tensor(input, "bincount")
    if x.is_meta:
        raise data_dependent("bincount")
    if x.is_floating_point() or x.dtype.name == "bool":
        raise kernel_not_implemented("bincount_cpu", x.dtype)
    minlength = operator.index(minlength)
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    values = _host(x)
    if values.ndim != 1 or (values.size and values.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        counts = np.bincount(values, minlength=minlength).astype(np.int64)
        return constant(counts, x)
    _tensor(weights, "bincount", "weights")
    if weights.ndim != 1 or weights.shape[0] != values.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dtype = np.float32 if weights.dtype.name == "float32" else np.float64
    sums = np.bincount(values, weights=_host(weights).astype(np.float64), minlength=minlength)
    return constant(sums.astype(dtype), x)


FUNCTIONS = {
    "aminmax": aminmax,
    "cov": cov,
    "corrcoef": corrcoef,
    "histc": histc,
    "histogram": histogram,
    "histogramdd": histogramdd,
    "bincount": bincount,
}
_NO_OUT = {"cov", "corrcoef", "bincount", "histogramdd"}


class StatisticsExtraMixin:
    __slots__ = ()


for _name, _function in FUNCTIONS.items():
    setattr(StatisticsExtraMixin, _name, _function)
    globals()[_name] = _function if _name in _NO_OUT else with_out(_function)
del _name, _function

__all__ = list(FUNCTIONS)
