"""Order statistics and uniqueness: ``median``/``nanmedian``, ``kthvalue``, ``mode``,
``quantile``/``nanquantile``, ``msort``, ``unique`` and ``unique_consecutive``.

The order statistics pick their elements through the engine's stable ``sort`` (NaN sorts
last): the sort gives each element's rank, the wanted ranks are gathered from the sort's
indices, and the values are gathered from the input with those indices, so the gradient goes
to the elements picked (as in PyTorch) and double backward and devices work. Ties resolve as
the stable sort orders them, which is where PyTorch's CPU kernels land too. ``mode`` and
``unique`` depend on equal runs of values, found on the host with NumPy (the values they
return are again gathered from the input); ``unique`` is not differentiable.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import return_types
from ._base import TensorBase
from ._meta import data_dependent
from ._mixins.structure import constant, wrap_dim
from ._ops_out import with_out

median_result = return_types.median
nanmedian_result = return_types.nanmedian
kthvalue_result = return_types.kthvalue
mode_result = return_types.mode

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _tensor(value, op: str, name: str = "input"):
    if not isinstance(value, TensorBase):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(value).__name__}")
    return value


def _along(x, dim, op: str):
    """``(x as at least 1-D, the wrapped dim)``, with PyTorch's error for an empty dim."""
    d = wrap_dim(dim, x.ndim, op)
    if x.ndim == 0:
        x = x.reshape(1)
    if x.shape[d] == 0:
        raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size.")
    return x, d


def _nan_count(x, d: int):
    if not x.is_floating_point():
        return constant(np.zeros((1,) * x.ndim, dtype=np.int64), x)
    return x.detach().isnan().to("int64").sum(d, keepdim=True)


def _pick(source, x, d: int, ranks, keepdim: bool, result_type):
    """The elements of ``x`` whose ranks along ``d`` (in sorted order) are ``ranks`` (int64,
    size 1 along ``d``), and their indices."""
    order = x.detach().sort(d).indices
    indices = order.gather(d, ranks.expand([1 if i == d else n for i, n in enumerate(x.shape)]))
    values = x.gather(d, indices)
    if source.ndim == 0:
        values, indices = values.reshape([]), indices.reshape([])
    elif not keepdim:
        values, indices = values.squeeze(d), indices.squeeze(d)
    return result_type(values, indices)


def _median(input, dim, keepdim: bool, ignore_nan: bool):
    op = "nanmedian" if ignore_nan else "median"
    source = _tensor(input, op)
    if dim is None:
        flat = source.reshape(-1)
        if flat.numel() == 0:
            return constant(np.array(np.nan, dtype=source.dtype.numpy), source)
        return _median(flat, 0, False, ignore_nan).values
    x, d = _along(source, dim, op)
    n = x.shape[d]
    nans = _nan_count(x, d)
    if ignore_nan:  # the lower median of the numbers; the first NaN when there are none
        ranks = ((n - nans - 1) // 2).clamp_min(0)
    else:  # the lower median, or the first NaN: NaN propagates
        ranks = ((n - 1) // 2 + nans * 0).where(nans == 0, n - nans)
    return _pick(source, x, d, ranks, keepdim, nanmedian_result if ignore_nan else median_result)


def median(input, dim=None, keepdim: bool = False):
    """The lower median (of two middle values, the smaller): of all elements, or with ``dim``
    ``(values, indices)`` along it. NaN if the elements include NaN."""
    return _median(input, dim, keepdim, False)


def nanmedian(input, dim=None, keepdim: bool = False):
    """``median`` of the elements that are not NaN (NaN where all are)."""
    return _median(input, dim, keepdim, True)


def kthvalue(input, k: int, dim: int = -1, keepdim: bool = False):
    """The ``k``-th smallest element along ``dim`` (``k`` from 1; NaN counts as the largest)
    and its index."""
    source = _tensor(input, "kthvalue")
    d = wrap_dim(dim, source.ndim, "kthvalue")
    x = source.reshape(1) if source.ndim == 0 else source
    if not 1 <= k <= x.shape[d]:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    ranks = constant(np.full((1,) * x.ndim, k - 1, dtype=np.int64), x)
    return _pick(source, x, d, ranks, keepdim, kthvalue_result)


def _mode_indices(values: np.ndarray) -> np.ndarray:
    """For each row (last axis) of ``values``: the index of the last occurrence of its most
    frequent value (the smallest such value when several are as frequent; NaNs never equal)."""
    order = np.argsort(values, axis=-1, kind="stable")
    ordered = np.take_along_axis(values, order, axis=-1)
    starts = np.ones(ordered.shape, dtype=bool)
    starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    run = np.cumsum(starts, axis=-1) - 1
    rows = run.reshape(-1, run.shape[-1])
    counts = np.zeros(rows.shape, dtype=np.int64)
    np.add.at(counts, (np.arange(rows.shape[0])[:, None], rows), 1)
    best = counts.argmax(axis=-1).reshape(run.shape[:-1])[..., None]
    return np.where(run == best, order, -1).max(axis=-1)


def mode(input, dim: int = -1, keepdim: bool = False):
    """The most frequent value along ``dim`` (the smallest of equally frequent ones) and the
    index of its last occurrence."""
    source = _tensor(input, "mode")
    x, d = _along(source, dim, "mode")
    moved = x.detach().cpu().numpy().swapaxes(d, -1)
    indices = np.expand_dims(_mode_indices(moved), -1).swapaxes(d, -1)
    indices = constant(np.ascontiguousarray(indices), x)
    values = x.gather(d, indices)
    if source.ndim == 0:
        values, indices = values.reshape([]), indices.reshape([])
    elif not keepdim:
        values, indices = values.squeeze(d), indices.squeeze(d)
    return mode_result(values, indices)


def msort(input):
    """``sort(input, dim=0).values``."""
    return _tensor(input, "msort").sort(0).values


# ----------------------------------------------------------------------------- quantiles


def _check_quantile(x, q, interpolation: str, op: str):
    if x.numel() == 0:
        raise RuntimeError(f"{op}() input tensor must be non-empty")
    if x.dtype.name not in ("float32", "float64"):
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(
            f"{op}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
            f"but got {interpolation}"
        )
    if isinstance(q, TensorBase):
        if q.ndim > 1:
            raise RuntimeError(f"{op}() q must be a scalar or 1D tensor")
        if q.dtype != x.dtype:
            raise RuntimeError(f"{op}() q tensor must be same dtype as the input tensor")
        values = q.detach().cpu().numpy()
        if values.size and not ((values >= 0) & (values <= 1)).all():
            raise RuntimeError(f"{op}() q values must be in the range [0, 1]")
        return q.detach()
    if not isinstance(q, numbers.Real):
        raise TypeError(f"{op}(): argument 'q' must be a float or a Tensor")
    if not 0 <= q <= 1:
        raise RuntimeError(f"{op}() q must be in the range [0, 1] but got {q}")
    return constant(np.asarray(q, dtype=x.dtype.numpy), x)


def _quantile(input, q, dim, keepdim: bool, interpolation: str, ignore_nan: bool):
    op = "nanquantile" if ignore_nan else "quantile"
    x = _tensor(input, op)
    qs = _check_quantile(x, q, interpolation, "quantile")  # PyTorch's messages say quantile()
    if dim is None:
        out_shape = [1] * x.ndim if keepdim else []
        x, d = x.reshape(-1), 0
    else:
        d = wrap_dim(dim, x.ndim, op)
        x = x.reshape(1) if x.ndim == 0 else x
        out_shape = [1 if i == d else s for i, s in enumerate(x.shape)]
        if not keepdim:
            out_shape.pop(d)
    # The reduced dimension last, a trailing axis of size 1 for the ranks.
    moved = x.movedim(d, -1)
    n = moved.shape[-1]
    ordered = moved.gather(-1, moved.detach().sort(-1).indices)
    nans = _nan_count(moved, -1).to(x.dtype)
    q_flat = qs.reshape(-1)
    if q_flat.numel() == 0:
        return constant(np.zeros([0, *out_shape], dtype=x.dtype.numpy), x)
    q_axis = q_flat.reshape([-1] + [1] * moved.ndim)  # (len(q), 1, ..., 1)
    if ignore_nan:  # ranks among the numbers; all NaN: the last element (a NaN)
        valid = n - nans
        ranks = (q_axis * (valid - 1)).where(valid > 0, float(n - 1))
    else:  # any NaN: the last element (a NaN)
        ranks = (q_axis * (n - 1)).where(nans == 0, float(n - 1))
    if interpolation == "lower":
        ranks = ranks.floor()
    elif interpolation == "higher":
        ranks = ranks.ceil()
    elif interpolation == "nearest":
        ranks = ranks.round()
    below = ranks.floor().to("int64")
    above = ranks.ceil().to("int64")
    leading = list(ranks.shape[:-1])
    ordered = ordered.unsqueeze(0).expand([len(q_flat), *ordered.shape])
    values_below = ordered.gather(-1, below.expand([*leading, 1]))
    values_above = ordered.gather(-1, above.expand([*leading, 1]))
    if interpolation == "midpoint":
        weights = constant(np.asarray(0.5, dtype=x.dtype.numpy), x)
    else:
        weights = ranks - below.to(x.dtype)
    result = values_below + weights * (values_above - values_below)
    result = result.reshape([len(q_flat), *out_shape])
    return result if qs.ndim == 1 else result.reshape(out_shape)


def quantile(input, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear"):
    """The ``q``-quantiles (a number or a 1-D tensor; its values become the first dimension of
    the result) of all elements or along ``dim``: between the sorted elements around rank
    ``q * (n - 1)``, as ``interpolation`` says (``linear``, ``lower``, ``higher``,
    ``midpoint`` or ``nearest``). NaN where the elements include NaN."""
    return _quantile(input, q, dim, keepdim, interpolation, False)


def nanquantile(input, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear"):
    """``quantile`` of the elements that are not NaN."""
    return _quantile(input, q, dim, keepdim, interpolation, True)


# ----------------------------------------------------------------------------- unique


def _unique_results(x, values, inverse, counts, return_inverse, return_counts):
    out = [constant(np.ascontiguousarray(values.astype(x.dtype.numpy)), x)]
    if return_inverse:
        out.append(constant(inverse.astype(np.int64), x))
    if return_counts:
        out.append(constant(counts.astype(np.int64), x))
    return out[0] if len(out) == 1 else tuple(out)


def _runs(keys: np.ndarray):
    """Start flags of the runs of equal rows of ``keys`` (rows along axis 0; NaN never equal)."""
    starts = np.ones(keys.shape[0], dtype=bool)
    if keys.shape[0] > 1:
        different = keys[1:] != keys[:-1]
        starts[1:] = different.reshape(different.shape[0], int(np.prod(different.shape[1:]))).any(
            axis=1
        )
    return starts


def _unique_along(x, dim, consecutive: bool, return_inverse: bool, return_counts: bool):
    host = x.detach().cpu().numpy()
    if dim is None:
        rows = host.reshape(-1, 1)
        shape = host.shape
    else:
        d = wrap_dim(dim, x.ndim, "unique")
        rows = np.moveaxis(host, d, 0)
        shape = None
    if consecutive:
        order = np.arange(rows.shape[0])
    else:  # rows in lexicographic order (stable, NaN last)
        flat = rows.reshape(rows.shape[0], int(np.prod(rows.shape[1:])))
        order = np.lexsort(flat.T[::-1]) if flat.shape[1] else np.arange(rows.shape[0])
    ordered = rows[order]
    starts = _runs(ordered)
    run = np.cumsum(starts) - 1
    inverse = np.empty(rows.shape[0], dtype=np.int64)
    inverse[order] = run
    counts = np.diff(np.append(np.flatnonzero(starts), rows.shape[0]))
    values = ordered[starts]
    if dim is None:
        values = values.reshape(-1)
        inverse = inverse.reshape(shape)
    else:
        values = np.moveaxis(values, 0, d)
    return _unique_results(x, values, inverse, counts, return_inverse, return_counts)


def unique(
    input,
    sorted: bool = True,
    return_inverse: bool = False,
    return_counts: bool = False,
    dim=None,
):
    """The distinct elements (with ``dim``, the distinct slices along it) in ascending order;
    optionally where each input element went (``return_inverse``) and how many each stands
    for (``return_counts``). NaNs are all distinct, as in PyTorch."""
    x = _tensor(input, "unique")
    if x.is_meta:
        raise data_dependent("_unique2")
    return _unique_along(x, dim, False, return_inverse, return_counts)


def unique_consecutive(input, return_inverse: bool = False, return_counts: bool = False, dim=None):
    """Each run of equal consecutive elements (or slices along ``dim``) kept once."""
    x = _tensor(input, "unique_consecutive")
    if x.is_meta:
        raise data_dependent("unique_consecutive")
    return _unique_along(x, dim, True, return_inverse, return_counts)


FUNCTIONS = {
    "median": median,
    "nanmedian": nanmedian,
    "kthvalue": kthvalue,
    "mode": mode,
    "msort": msort,
    "quantile": quantile,
    "nanquantile": nanquantile,
    "unique": unique,
    "unique_consecutive": unique_consecutive,
}
_NO_OUT = {"unique", "unique_consecutive"}


class SortingMixin:
    __slots__ = ()


for _name, _function in FUNCTIONS.items():
    setattr(SortingMixin, _name, _function)
    globals()[_name] = _function if _name in _NO_OUT else with_out(_function)
del _name, _function

__all__ = list(FUNCTIONS)
