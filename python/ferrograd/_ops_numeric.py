"""Small numerical routines: ``dist``, ``inner``, ``vdot``, ``trapezoid``/``trapz``,
``cumulative_trapezoid``,
``gradient`` (finite differences), ``isin`` and ``unravel_index``.

The differentiable ones are compositions of the engine's operations (norms, ``tensordot``,
slices and products); ``isin`` and ``unravel_index`` only compare or divide indices, on the
host with NumPy.
"""

from __future__ import annotations

import numbers
import operator

import numpy as np

from . import _core
from ._base import TensorBase
from ._dtype import get_default_dtype
from ._mixins.structure import constant, wrap_dim
from ._ops_out import with_out

__all__ = [
    "cumulative_trapezoid",
    "dist",
    "gradient",
    "inner",
    "isin",
    "trapezoid",
    "trapz",
    "unravel_index",
    "vdot",
]


def _tensor(value, op: str, name: str = "input"):
    if not isinstance(value, TensorBase):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(value).__name__}")
    return value


def dist(input, other, p=2):
    """The ``p``-norm of ``input - other`` (broadcast)."""
    difference = _tensor(input, "dist") - _tensor(other, "dist", "other")
    return difference.norm(p)


def inner(input, other):
    """The sum of products over the last dimension of both (for a 0-d operand, the product)."""
    a, b = _tensor(input, "inner"), _tensor(other, "inner", "other")
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(
            "inner() the last dimension must match on both input tensors but got shapes "
            f"{list(a.shape)} and {list(b.shape)}"
        )
    from ._surface import tensordot

    return tensordot(a, b, ([-1], [-1]))


def vdot(input, other):
    """The dot product of two 1-D tensors (the first conjugated: the same for real ones)."""
    a, b = _tensor(input, "vdot"), _tensor(other, "vdot", "other")
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to "
            f"have the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements "
            "respectively"
        )
    return (a * b).sum()


def _trapezoid_parts(op: str, y, x, dx, dim: int):
    """What both trapezoid rules need along ``dim``: ``(pairs, spacing, d)``, the sums of
    neighbouring samples and their spacing, a number (``dx``, default 1) or a tensor of the
    steps between the points ``x``, which broadcasts against ``pairs``."""
    y = _tensor(y, op, "y")
    if not y.is_floating_point():
        y = y.to(get_default_dtype())
    if y.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = wrap_dim(dim, y.ndim, op)
    n = y.shape[d]
    if n == 0:
        return y, 1.0, d
    pairs = y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)
    if x is None or isinstance(x, numbers.Number):
        return pairs, 1.0 if dx is None and x is None else float(dx if dx is not None else x), d
    x = _tensor(x, op, "x")
    if x.ndim == 1:
        if x.shape[0] != n:
            raise RuntimeError(f"{op}: There must be one `x` value for each sample point")
        steps = (x.narrow(0, 1, n - 1) - x.narrow(0, 0, n - 1)).reshape(
            [n - 1 if i == d else 1 for i in range(y.ndim)]
        )
    else:
        steps = x.narrow(d, 1, n - 1) - x.narrow(d, 0, n - 1)
    return pairs, steps, d


def trapezoid(y, x=None, *, dx=None, dim: int = -1):
    """The integral of ``y`` along ``dim`` by the trapezoid rule, at the points ``x`` (a
    tensor) or spaced ``dx`` (default 1) apart."""
    pairs, spacing, d = _trapezoid_parts("trapezoid", y, x, dx, dim)
    if isinstance(spacing, float):
        return pairs.sum(d) * (spacing / 2)
    return (pairs * spacing).sum(d) / 2


def cumulative_trapezoid(y, x=None, *, dx=None, dim: int = -1):
    """The running integral of ``y`` along ``dim`` by the trapezoid rule (one entry fewer
    than ``y`` has samples), at the points ``x`` or spaced ``dx`` (default 1) apart."""
    pairs, spacing, d = _trapezoid_parts("cumulative_trapezoid", y, x, dx, dim)
    if isinstance(spacing, float):
        return pairs.cumsum(d) * (spacing / 2)
    return (pairs * spacing).cumsum(d) / 2


def trapz(y, x=None, *, dx=None, dim: int = -1):
    """``trapezoid`` (its older name)."""
    return trapezoid(y, x, dx=dx, dim=dim)


def _spacings(spacing, dims: list, y):
    """One spacing per differentiated dimension: a number or a 1-D tensor of coordinates."""
    if spacing is None:
        return [1.0] * len(dims)
    if isinstance(spacing, numbers.Number):
        return [float(spacing)] * len(dims)
    spacing = list(spacing)
    if len(spacing) == 1 and len(dims) > 1 and isinstance(spacing[0], numbers.Number):
        return [float(spacing[0])] * len(dims)
    if len(spacing) != len(dims):
        raise RuntimeError(
            f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing and "
            f"dim arguments to have the same length, but got a spacing argument of length "
            f"{len(spacing)} and a dim argument of length {len(dims)}."
        )
    return [s if isinstance(s, TensorBase) else float(s) for s in spacing]


def _derivative(y, d: int, h, edge_order: int):
    n = y.shape[d]

    def part(start, length):
        return y.narrow(d, start, length)

    def shaped(t):
        return t.reshape([t.shape[0] if i == d else 1 for i in range(y.ndim)])

    if isinstance(h, TensorBase):
        x = h.to(y.dtype)
        left = shaped(x.narrow(0, 1, n - 2) - x.narrow(0, 0, n - 2))
        right = shaped(x.narrow(0, 2, n - 2) - x.narrow(0, 1, n - 2))
        a = -right / (left * (left + right))
        b = (right - left) / (left * right)
        c = left / (right * (left + right))
        interior = a * part(0, n - 2) + b * part(1, n - 2) + c * part(2, n - 2)
        h0 = shaped(x.narrow(0, 1, 1) - x.narrow(0, 0, 1))
        hn = shaped(x.narrow(0, n - 1, 1) - x.narrow(0, n - 2, 1))
        if edge_order == 1:
            first = (part(1, 1) - part(0, 1)) / h0
            last = (part(n - 1, 1) - part(n - 2, 1)) / hn
        else:
            h1 = shaped(x.narrow(0, 2, 1) - x.narrow(0, 1, 1))
            hm = shaped(x.narrow(0, n - 2, 1) - x.narrow(0, n - 3, 1))
            first = (
                -(2 * h0 + h1) / (h0 * (h0 + h1)) * part(0, 1)
                + (h0 + h1) / (h0 * h1) * part(1, 1)
                - h0 / (h1 * (h0 + h1)) * part(2, 1)
            )
            last = (
                hn / (hm * (hm + hn)) * part(n - 3, 1)
                - (hm + hn) / (hm * hn) * part(n - 2, 1)
                + (2 * hn + hm) / (hn * (hm + hn)) * part(n - 1, 1)
            )
    else:
        interior = (part(2, n - 2) - part(0, n - 2)) / (2 * h)
        if edge_order == 1:
            first = (part(1, 1) - part(0, 1)) / h
            last = (part(n - 1, 1) - part(n - 2, 1)) / h
        else:
            first = (part(0, 1) * -1.5 + part(1, 1) * 2 - part(2, 1) * 0.5) / h
            last = (part(n - 3, 1) * 0.5 - part(n - 2, 1) * 2 + part(n - 1, 1) * 1.5) / h
    return _core.cat([first, interior, last], d)


def gradient(input, *, spacing=1, dim=None, edge_order: int = 1):
    """The derivative of ``input`` along each of ``dim`` (all by default) by central
    differences inside and one-sided differences of order ``edge_order`` (1 or 2) at the
    ends; ``spacing`` is the distance between samples or, per dimension, their coordinates.
    Returns one tensor per dimension."""
    y = _tensor(input, "gradient")
    if edge_order not in (1, 2):
        raise RuntimeError(
            f"torch.gradient only supports edge_order=1 and edge_order=2, but got {edge_order}"
        )
    if not y.is_floating_point():
        y = y.to(get_default_dtype())
    if dim is None:
        dims = list(range(y.ndim))
    else:
        dims = [dim] if isinstance(dim, int) else list(dim)
        dims = [wrap_dim(d, y.ndim, "gradient") for d in dims]
    for d in dims:
        if y.shape[d] < edge_order + 1:
            raise RuntimeError(
                "torch.gradient expected each dimension size to be at least edge_order+1"
            )
    spacings = _spacings(spacing, dims, y)
    return tuple(_derivative(y, d, h, edge_order) for d, h in zip(dims, spacings, strict=True))


def isin(elements, test_elements, *, assume_unique: bool = False, invert: bool = False):
    """Whether each of ``elements`` is among ``test_elements`` (either may be a number; NaN
    is never found)."""
    if not isinstance(elements, TensorBase) and not isinstance(test_elements, TensorBase):
        raise TypeError("isin(): expected at least one Tensor argument")
    like = elements if isinstance(elements, TensorBase) else test_elements
    values = (
        elements.detach().cpu().numpy()
        if isinstance(elements, TensorBase)
        else np.asarray(elements)
    )
    tests = (
        test_elements.detach().cpu().numpy()
        if isinstance(test_elements, TensorBase)
        else np.asarray(test_elements)
    )
    found = np.isin(values, tests, invert=invert)
    return constant(np.asarray(found, dtype=bool), like)


def unravel_index(indices, shape):
    """The coordinates, one tensor per dimension of ``shape``, of flat ``indices``."""
    if not isinstance(indices, TensorBase):
        raise TypeError(
            f"unravel_index(): argument 'indices' must be Tensor, not {type(indices).__name__}"
        )
    if indices.is_floating_point() or indices.dtype.name == "bool":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (
        [operator.index(shape)] if not isinstance(shape, (list, tuple)) else list(map(int, shape))
    )
    if any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {tuple(shape)}")
    remainder = indices.detach().cpu().numpy().astype(np.int64)
    coordinates = []
    for size in reversed(shape):
        coordinates.append(remainder % size if size else remainder)
        remainder = remainder // size if size else remainder
    return tuple(constant(c, indices) for c in reversed(coordinates))


FUNCTIONS = {"dist": dist, "inner": inner, "vdot": vdot}


class NumericMixin:
    __slots__ = ()

    dist = dist
    inner = inner
    vdot = vdot


for _name in ("inner", "vdot"):
    globals()[_name] = with_out(FUNCTIONS[_name])
del _name
