"""Writing values at computed places: ``scatter`` (with a tensor or a value, ``reduce=``),
``scatter_reduce`` (``sum``, ``prod``, ``mean``, ``amax``, ``amin``, ``include_self``),
``index_put``/``index_fill``/``index_copy``/``index_reduce``, ``masked_scatter``,
``take``/``put``, and ``slice_scatter``/``select_scatter``/``diagonal_scatter``; each with its
in-place form.

All of them reduce to one operation, ``_write``: given the flat positions (into the input)
that the elements of a source tensor go to, combine them with the input. The positions come
from the index tensors on the host (NumPy), as the engine's indexing does. The values move on
the tensors' device through differentiable operations only (``index_add`` into zeros,
``where``, products), so backward, double backward and forward-mode AD need no rules here:

* replacing: each position takes the last element written to it (PyTorch leaves the order of
  duplicates unspecified; its CPU kernel also ends with the last); as in PyTorch's derivative,
  every element's gradient is the output's gradient at its position, an overwritten element's
  included (``overwrite``, the one custom ``Function`` here: no composition of differentiable
  operations gives that gradient and an exact forward);
* ``sum``/``mean``: one ``index_add``; ``prod``: one product per round, a round holding at
  most one element per position, so the gradient is exact even with zeros;
* ``amax``/``amin``: the extreme is found on the host; the gradient is shared evenly by the
  elements equal to it (the input's included), as in PyTorch.
"""

from __future__ import annotations

import functools
import operator

import numpy as np

from . import _core
from ._base import TensorBase, is_operand
from ._dtype import scalar_type_name
from ._functional import in_place_signature
from ._index_plan import positions as _index_positions
from ._mixins.structure import constant, wrap_dim
from ._ops_out import with_out

_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def _tensor(value, op: str, name: str = "input"):
    if not isinstance(value, TensorBase):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(value).__name__}")
    return value


def _host(x) -> np.ndarray:
    return x.detach().cpu().numpy()


def _index_array(index, op: str) -> np.ndarray:
    _tensor(index, op, "index")
    if index.dtype.name not in ("int32", "int64"):
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index")
    return _host(index).astype(np.int64)


def _same_dtype(x, src, op: str):
    if src.dtype != x.dtype:
        raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype")


# ----------------------------------------------------------------------------- the write


def _last_writes(positions: np.ndarray) -> np.ndarray:
    """Which elements of ``positions`` are the last to write their position."""
    reversed_unique, first_in_reversed = np.unique(positions[::-1], return_index=True)
    keep = np.zeros(positions.size, dtype=bool)
    keep[positions.size - 1 - first_in_reversed] = True
    del reversed_unique
    return keep


def _placed(values, positions: np.ndarray, like, numel: int):
    """``values`` (1-D) added at ``positions`` into zeros of ``numel`` elements."""
    return _core.index_add_zeros(values, 0, constant(positions, like), numel)


def _overwritten(flat, values, positions: np.ndarray, written: np.ndarray):
    """``flat`` with ``values`` (1-D) at ``positions``, the last of repeated ones winning."""
    last = _last_writes(positions)
    if not last.all():
        values = values.where(constant(last, flat), 0)
    return flat.where(constant(~written, flat), _placed(values, positions, flat, flat.numel()))


@functools.cache
def _overwrite_function():
    from .autograd.function import Function

    class Overwrite(Function):
        """``_overwritten`` with PyTorch's gradients: the output's gradient where nothing was
        written for ``flat``, and at its position for every element of ``values``."""

        @staticmethod
        def forward(ctx, flat, values, positions, written):
            ctx.positions, ctx.written = positions, written
            return _overwritten(flat, values, positions, written)

        @staticmethod
        def backward(ctx, grad):
            kept = grad.where(constant(~ctx.written, grad), 0)
            return kept, grad.index_select(0, constant(ctx.positions, grad)), None, None

        @staticmethod
        def jvp(ctx, flat_tangent, values_tangent, _positions, _written):
            return _overwritten(flat_tangent, values_tangent, ctx.positions, ctx.written)

    return Overwrite


def overwrite(x, positions: np.ndarray, values):
    """``x`` with the elements of ``values`` written at the flat ``positions`` (same number
    of elements), the last of repeated positions winning."""
    flat = x.reshape(-1)
    positions = positions.reshape(-1)
    values = values.reshape(-1)
    written = np.zeros(flat.numel(), dtype=bool)
    written[positions] = True
    if flat.requires_grad or values.requires_grad or _has_tangent(flat, values):
        out = _overwrite_function().apply(flat, values, positions, written)
    else:
        out = _overwritten(flat, values, positions, written)
    return out.reshape(list(x.shape))


def _has_tangent(*tensors) -> bool:
    if _core.current_dual_level() is None:
        return False
    from .autograd.forward_ad import unpack_dual

    return any(unpack_dual(t).tangent is not None for t in tensors)


def _rounds(positions: np.ndarray) -> np.ndarray:
    """For each element, how many earlier elements write the same position (its round)."""
    order = np.argsort(positions, kind="stable")
    ordered = positions[order]
    starts = np.ones(ordered.size, dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    run_start = np.maximum.accumulate(np.where(starts, np.arange(ordered.size), 0))
    rounds = np.empty(ordered.size, dtype=np.int64)
    rounds[order] = np.arange(ordered.size) - run_start
    return rounds


def _extreme(flat, values, positions, written, include_self: bool, largest: bool):
    """``amax``/``amin``: the extreme per position (computed on the host, exact), with the
    gradient shared evenly by the elements equal to it."""
    pick = np.maximum if largest else np.minimum
    x_host, v_host = _host(flat), _host(values)
    result = x_host.copy()
    if not include_self:
        fill = -np.inf if largest else np.inf
        if x_host.dtype.kind != "f":
            info = np.iinfo(x_host.dtype)
            fill = info.min if largest else info.max
        result[written] = fill
    pick.at(result, positions, v_host)
    result_t = constant(result, flat).where(constant(written, flat), flat)
    if not flat.is_floating_point():  # no gradient: the exact values
        return result_t
    ties_src = constant(v_host == result[positions], flat)
    ties_self = constant((x_host == result) & (written if include_self else False), flat)
    count = _placed(ties_src.to(flat.dtype), positions, flat, flat.numel()) + ties_self.to(
        flat.dtype
    )
    shared = _placed(values.where(ties_src, 0), positions, flat, flat.numel())
    shared = (shared + flat.where(ties_self, 0)) / count.where(count > 0, 1)
    # The exact extreme, with the gradient of the tied elements' mean (result_t passes the
    # input's where nothing was written); an infinite extreme passes no gradient, as inf - inf
    # would be NaN.
    tangent = (shared - shared.detach()).where(shared.detach().isfinite(), 0)
    return result_t + tangent.where(constant(written, flat), 0)


def _write(x, positions: np.ndarray, values, reduce=None, include_self: bool = True):
    """``x`` with the elements of ``values`` written at the flat ``positions`` (same number
    of elements), combined as ``reduce`` says (None: replace)."""
    if reduce is None:
        return overwrite(x, positions, values)
    shape = list(x.shape)
    flat = x.reshape(-1)
    numel = flat.numel()
    positions = positions.reshape(-1)
    values = values.reshape(-1)
    written = np.zeros(numel, dtype=bool)
    written[positions] = True
    written_t = constant(written, x)
    if reduce in ("sum", "mean"):
        total = _placed(values, positions, x, numel)
        base = flat if include_self else flat.where(~written_t, 0)
        out = base + total
        if reduce == "mean":
            counts = np.bincount(positions, minlength=numel) + int(include_self)
            counts = constant(np.maximum(counts, 1).astype(x.dtype.numpy), x)
            out = out / counts if x.is_floating_point() else out.div(counts, rounding_mode="floor")
            out = flat.where(~written_t, out)
    elif reduce == "prod":
        out = flat if include_self else flat.where(~written_t, 1)
        rounds = _rounds(positions)
        for r in range(int(rounds.max(initial=-1)) + 1):
            chosen = rounds == r
            factor = _placed(values.where(constant(chosen, x), 0), positions, x, numel)
            hit = np.zeros(numel, dtype=bool)
            hit[positions[chosen]] = True
            out = out * factor.where(constant(hit, x), 1)
    else:
        out = _extreme(flat, values, positions, written, include_self, reduce == "amax")
    return out.reshape(shape)


# ----------------------------------------------------------------------------- scatter


def _scatter_positions(x, dim: int, index: np.ndarray, op: str) -> np.ndarray:
    """The flat positions in ``x`` of ``scatter``'s targets: each element's own coordinates
    with the one along ``dim`` replaced by its index."""
    shape = tuple(x.shape) if x.ndim else (1,)
    size = shape[dim]
    bad = (index < 0) | (index >= size)
    if bad.any():
        raise RuntimeError(
            f"index {int(index[bad].flat[0])} is out of bounds for dimension {dim} with size {size}"
        )
    coordinates = list(np.indices(index.shape, sparse=True))
    coordinates[dim] = index
    return np.ravel_multi_index(tuple(coordinates), shape)


def _scatter_source(x, dim, index, src, op: str):
    """``(positions, the part of src that index covers)`` after PyTorch's shape checks."""
    _tensor(x, op)
    idx = _index_array(index, op)
    if idx.size == 0:
        return None, None
    d = wrap_dim(dim, x.ndim, op)
    if idx.ndim != max(x.ndim, 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    x_shape = list(x.shape) or [1]
    if isinstance(src, TensorBase):
        src_shape = list(src.shape) or [1]
        too_big = any(
            i > s or (a != d and i > t)
            for a, (i, s, t) in enumerate(zip(idx.shape, src_shape, x_shape, strict=True))
        )
        if too_big:
            raise RuntimeError(
                f"Expected index {list(idx.shape)} to be no larger than self {x_shape} apart "
                f"from dimension {d} and to be no larger size than src {src_shape}"
            )
        part = src.reshape(src_shape)
        for a, n in enumerate(idx.shape):
            if part.shape[a] != n:
                part = part.narrow(a, 0, n)
    else:
        if any(i > t for a, (i, t) in enumerate(zip(idx.shape, x_shape, strict=True)) if a != d):
            raise RuntimeError(
                f"Expected index {list(idx.shape)} to be no larger than self {x_shape} apart "
                f"from dimension {d}"
            )
        part = constant(np.full(idx.shape, src, dtype=x.dtype.numpy), x)
    return _scatter_positions(x, d, idx, op), part


def scatter(input, dim: int, index, src=None, *, value=None, reduce=None):
    """``input`` with ``src``'s elements (or the number ``value``) written along ``dim`` at
    ``index``: for ``dim=0``, ``out[index[i][j]][j] = src[i][j]``. With ``reduce='add'`` or
    ``'multiply'`` they are combined with what is there instead."""
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() missing required argument 'src' (or 'value')")
    if isinstance(src, TensorBase):
        _same_dtype(input, src, "scatter")
    elif not is_operand(src):
        raise TypeError(f"scatter(): argument 'src' must be Tensor or a number, got {type(src)}")
    if isinstance(input, TensorBase) and input.is_meta:
        # Without index values there are no positions to write; scatter_add has scatter's
        # shapes (of its result and of its gradients) and runs as a meta kernel.
        if not isinstance(src, TensorBase):
            src = input.new_full(tuple(index.shape), src)
        return input.scatter_add(dim, index, src)
    positions, part = _scatter_source(input, dim, index, src, "scatter")
    if positions is None:
        return input.clone()
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    mode = {None: None, "add": "sum", "multiply": "prod"}[reduce]
    return _write(input, positions, part, mode)


def scatter_reduce(input, dim: int, index, src, reduce: str, *, include_self: bool = True):
    """``input`` with ``src``'s elements combined along ``dim`` at ``index`` by ``reduce``:
    ``sum``, ``prod``, ``mean``, ``amax`` or ``amin`` (with the input's own element unless
    ``include_self=False``; places no element goes to keep the input's)."""
    _tensor(src, "scatter_reduce", "src")
    if reduce not in _REDUCTIONS:
        raise RuntimeError(
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        )
    _same_dtype(input, src, "scatter_reduce")
    positions, part = _scatter_source(input, dim, index, src, "scatter_reduce")
    if positions is None:
        return input.clone()
    return _write(input, positions, part, reduce, include_self)


# ----------------------------------------------------------------------------- index_*


def _along_positions(x, dim: int, index, op: str, *, wrap_negative: bool):
    """``(wrapped dim, the flat positions of the slices of x along dim at index)``: an array
    of shape ``x.shape`` with ``len(index)`` along ``dim``."""
    d = wrap_dim(dim, x.ndim, op)
    idx = _index_array(index, op).reshape(-1)
    shape = tuple(x.shape) if x.ndim else (1,)
    size = shape[d]
    bad = (idx < -size if wrap_negative else idx < 0) | (idx >= size)
    if bad.any():
        raise IndexError(
            f"{op + '(): ' if op == 'index_copy_' else ''}index {int(idx[bad][0])} is out of "
            f"bounds for dimension {d} with size {size}"
        )
    idx = idx % size if size else idx
    flat = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    return d, np.take(flat, idx, axis=d)


def index_fill(input, dim: int, index, value):
    """``input`` with the slices along ``dim`` at ``index`` set to ``value`` (a number or a
    0-d tensor, whose gradient is the sum over the slices)."""
    x = _tensor(input, "index_fill")
    d, positions = _along_positions(x, dim, index, "index_fill", wrap_negative=True)
    # A repeated index fills its slice once: the value's gradient counts each place once.
    positions = np.unique(positions, axis=d) if positions.size else positions
    if isinstance(value, TensorBase):
        if value.ndim != 0:
            raise RuntimeError(
                "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.ndim} dimension(s)."
            )
        values = value.to(x.dtype).expand(list(positions.shape))
    else:
        values = constant(np.full(positions.shape, value).astype(x.dtype.numpy), x)
    return _write(x, positions, values)


def index_copy(input, dim: int, index, source):
    """``input`` with the slices along ``dim`` at ``index`` replaced by ``source``'s."""
    x = _tensor(input, "index_copy")
    _tensor(source, "index_copy", "source")
    d = wrap_dim(dim, x.ndim, "index_copy")
    count = index.numel() if isinstance(index, TensorBase) else len(index)
    source_size = source.shape[d] if source.ndim else 1
    if count != source_size:
        raise IndexError(
            f"index_copy_(): Number of indices ({count}) should be equal to source.size(dim) "
            f"({source_size})"
        )
    _, positions = _along_positions(x, dim, index, "index_copy_", wrap_negative=False)
    if source.dtype != x.dtype:
        raise RuntimeError(
            "index_copy_(): self and source expected to have the same dtype, but got (self) "
            f"{scalar_type_name(x.dtype)} and (source) {scalar_type_name(source.dtype)}"
        )
    return _write(x, positions, source.reshape(list(positions.shape)))


def index_reduce(input, dim: int, index, source, reduce: str, *, include_self: bool = True):
    """``input`` with ``source``'s slices along ``dim`` combined into the slices at ``index``
    by ``reduce``: ``prod``, ``mean``, ``amax`` or ``amin``."""
    x = _tensor(input, "index_reduce")
    _tensor(source, "index_reduce", "source")
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(
            "index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
            f"{reduce}."
        )
    _, positions = _along_positions(x, dim, index, "index_reduce", wrap_negative=False)
    _same_dtype(x, source, "index_reduce")
    return _write(x, positions, source.reshape(list(positions.shape)), reduce, include_self)


def index_put(input, indices, values, accumulate: bool = False):
    """``input`` with ``input[indices] = values`` (``indices`` a tuple of index tensors, as in
    advanced indexing); with ``accumulate``, added instead (repeated places add up)."""
    x = _tensor(input, "index_put")
    if not isinstance(indices, (tuple, list)):
        raise TypeError(
            "index_put_(): argument 'indices' (position 1) must be tuple of Tensors, not "
            f"{type(indices).__name__}"
        )
    for k, index in enumerate(indices):
        if not isinstance(index, TensorBase):
            raise TypeError(
                f"expected Tensor as element {k} in argument 0, but got {type(index).__name__}"
            )
    _tensor(values, "index_put", "values")
    if values.dtype != x.dtype:
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{scalar_type_name(x.dtype)} for the destination and "
            f"{scalar_type_name(values.dtype)} for the source."
        )
    positions = _index_positions(tuple(x.shape), tuple(indices))
    try:
        placed = values.expand(list(positions.shape))
    except (ValueError, RuntimeError):
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(values.shape)} cannot be broadcast to "
            f"indexing result of shape {list(positions.shape)}"
        ) from None
    return _write(x, positions, placed, "sum" if accumulate else None)


def masked_scatter(input, mask, source):
    """``input`` with the places where ``mask`` (bool, broadcast) is true filled with
    ``source``'s first elements, in row-major order."""
    x = _tensor(input, "masked_scatter")
    _tensor(mask, "masked_scatter", "mask")
    _tensor(source, "masked_scatter", "source")
    if mask.dtype.name != "bool":
        raise RuntimeError(
            "masked_scatter_ only supports boolean masks, but got mask with dtype "
            f"{scalar_type_name(mask.dtype)}"
        )
    if source.dtype != x.dtype:
        raise RuntimeError(
            "masked_scatter: expected self and source to have same dtypes but got"
            f"{scalar_type_name(x.dtype)} and {scalar_type_name(source.dtype)}"
        )
    chosen = np.broadcast_to(_host(mask), tuple(x.shape))
    positions = np.flatnonzero(chosen)
    if positions.size > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    values = source.reshape(-1).narrow(0, 0, positions.size)
    return _write(x, positions, values)


def take(input, index):
    """The elements of ``input`` as if flattened, at ``index`` (any shape; negative counts
    from the end)."""
    x = _tensor(input, "take")
    idx = _index_array(index, "take")
    n = x.numel()
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        raise IndexError(
            f"out of range: tried to access index {int(idx[bad].flat[0])} on a tensor of {n} "
            "elements."
        )
    flat_index = constant((idx % max(n, 1)).reshape(-1), x)
    return x.reshape(-1).index_select(0, flat_index).reshape(list(idx.shape))


def put(input, index, source, accumulate: bool = False):
    """``input`` with ``source``'s elements written at ``index`` into it as if flattened
    (added with ``accumulate``)."""
    x = _tensor(input, "put")
    _tensor(source, "put", "source")
    idx = _index_array(index, "put").reshape(-1)
    if idx.size != source.numel():
        raise IndexError(
            "put_(): Expected source and index to have the same number of elements, but got "
            f"source.numel() = {source.numel()}, index.numel() = {idx.size}"
        )
    n = x.numel()
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        raise IndexError(
            f"out of range: tried to access index {int(idx[bad][0])} on a tensor of {n} elements."
        )
    return _write(x, idx % max(n, 1), source.to(x.dtype), "sum" if accumulate else None)


# ----------------------------------------------------------------------------- *_scatter


def _embed(x, src, positions: np.ndarray):
    if list(src.shape) != list(positions.shape):
        raise RuntimeError(
            "expected src to have a size equal to the slice of self. src size = "
            f"{list(src.shape)}, slice size = {list(positions.shape)}"
        )
    return _write(x, positions, src.to(x.dtype))


def _flat_index(x) -> np.ndarray:
    return np.arange(x.numel(), dtype=np.int64).reshape(tuple(x.shape))


def slice_scatter(input, src, dim: int = 0, start=None, end=None, step: int = 1):
    """``input`` with ``input[start:end:step]`` along ``dim`` replaced by ``src``."""
    x = _tensor(input, "slice_scatter")
    _tensor(src, "slice_scatter", "src")
    d = wrap_dim(dim, x.ndim, "slice_scatter")
    if operator.index(step) <= 0:
        raise RuntimeError("slice step must be positive")
    window = [slice(None)] * x.ndim
    window[d] = slice(start, end, step)
    return _embed(x, src, _flat_index(x)[tuple(window)])


def select_scatter(input, src, dim: int, index: int):
    """``input`` with ``input.select(dim, index)`` replaced by ``src``."""
    x = _tensor(input, "select_scatter")
    _tensor(src, "select_scatter", "src")
    d = wrap_dim(dim, x.ndim, "select_scatter")
    size = x.shape[d]
    index = operator.index(index)
    if not -size <= index < size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(x.shape)} at "
            f"dimension {d}"
        )
    return _embed(x, src, np.take(_flat_index(x), index % size, axis=d))


def diagonal_scatter(input, src, offset: int = 0, dim1: int = 0, dim2: int = 1):
    """``input`` with ``input.diagonal(offset, dim1, dim2)`` replaced by ``src``."""
    x = _tensor(input, "diagonal_scatter")
    _tensor(src, "diagonal_scatter", "src")
    d1 = wrap_dim(dim1, x.ndim, "diagonal_scatter")
    d2 = wrap_dim(dim2, x.ndim, "diagonal_scatter")
    return _embed(x, src, np.diagonal(_flat_index(x), offset, d1, d2))


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """``input`` with ``input.as_strided(size, stride, storage_offset)`` (on its row-major
    elements) replaced by ``src``."""
    x = _tensor(input, "as_strided_scatter")
    _tensor(src, "as_strided_scatter", "src")
    size = [operator.index(s) for s in size]
    stride = [operator.index(s) for s in stride]
    offset = operator.index(storage_offset or 0)
    reach = offset + sum((n - 1) * s for n, s in zip(size, stride, strict=True)) if all(size) else 0
    if offset < 0 or (reach >= max(x.numel(), 1) and all(size)):
        raise RuntimeError(
            f"setStorage: sizes {size}, strides {stride}, storage offset {offset} are out of "
            f"bounds for a tensor of {x.numel()} elements"
        )
    flat = _flat_index(x).reshape(-1)
    positions = np.lib.stride_tricks.as_strided(
        flat[offset:], size, [s * flat.itemsize for s in stride], writeable=False
    )
    return _embed(x, src, np.array(positions))


def fill_diagonal_(self, fill_value, wrap: bool = False):
    """Sets the main diagonal (of a matrix, or where all indices are equal) to
    ``fill_value``; with ``wrap``, a tall matrix's diagonal restarts every ``columns + 1``
    rows."""
    if self.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if self.ndim > 2 and len(set(self.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    marked = np.zeros(tuple(self.shape), dtype=bool)
    np.fill_diagonal(marked, True, wrap=wrap)
    positions = np.flatnonzero(marked)
    values = constant(np.full(positions.size, fill_value).astype(self.dtype.numpy), self)
    return self.copy_(_write(self, positions, values))


# ----------------------------------------------------------------------------- the surface

FUNCTIONS = {
    "scatter": scatter,
    "scatter_reduce": scatter_reduce,
    "index_fill": index_fill,
    "index_copy": index_copy,
    "index_reduce": index_reduce,
    "index_put": index_put,
    "masked_scatter": masked_scatter,
    "take": take,
    "put": put,
    "slice_scatter": slice_scatter,
    "select_scatter": select_scatter,
    "diagonal_scatter": diagonal_scatter,
    "as_strided_scatter": as_strided_scatter,
}
#: Those with an in-place method (``x.scatter_(...)``).
_IN_PLACE = (
    "scatter scatter_reduce index_fill index_copy index_reduce index_put masked_scatter put"
).split()
#: Those with an ``out=`` in PyTorch.
_WITH_OUT = {"scatter", "scatter_reduce", "index_copy", "index_reduce", "take"}


def _in_place(function):
    def method(self, *args, **kwargs):
        return self.copy_(function(self, *args, **kwargs))

    method.__name__ = function.__name__ + "_"
    method.__doc__ = f"In-place ``{function.__name__}``."
    method.__signature__ = in_place_signature(function)
    return method


class ScatterMixin:
    __slots__ = ()

    fill_diagonal_ = fill_diagonal_


for _name, _function in FUNCTIONS.items():
    setattr(ScatterMixin, _name, _function)
    if _name in _IN_PLACE:
        setattr(ScatterMixin, _name + "_", _in_place(_function))
    globals()[_name] = with_out(_function) if _name in _WITH_OUT else _function
del _name, _function

index_put_ = ScatterMixin.index_put_
__all__ = [*FUNCTIONS, "index_put_"]  # noqa: PLE0604
