"""The batching rules of ``vmap``: for each operation, how to run it once on batched tensors.

A rule receives the ``Level`` it batches (the innermost level among its tensor arguments) and
the arguments as the user's function passed them (logical tensors). It unwraps the tensors
batched at that level into their ``value`` (batch dimension first), adjusts the rest of the
call for that dimension (shifting ``dim`` arguments by one, inserting size-1 dimensions so the
batch dimensions line up under broadcasting, folding the batch into a convolution's ``N``), calls
the same operation once, and wraps the result. Tensors not batched at the level (plain ones, or
ones batched at an outer level only) are passed as they are: broadcasting gives them to every
sample, and an outer level's batching happens when the call on the values reaches its rule.

The table is the dicts at the end: ``METHODS`` (Tensor methods and operators, by name) and
``FUNCTIONS`` (functions of the ``ferrograd`` namespace and of ``nn.functional``, by their
public name), built from the groups below, one line per kind of rule. ``RANDOM`` lists the
functions whose result depends on the random generator; ``vmap``'s mode sends them to their
rules here, which honour its ``randomness``. An operation missing from the table raises a
``RuntimeError`` naming it: there is no per-sample fallback.
"""

from __future__ import annotations

import functools
import inspect
import operator

import numpy as np

from .._base import TensorBase
from ._batched import BatchedTensor, Level, level_of, physical

# ----------------------------------------------------------------------------- plumbing


def _is_tensor(x) -> bool:
    return isinstance(x, TensorBase)  # a BatchedTensor passes (its __class__ is Tensor)


def find_level(values) -> Level | None:
    """The innermost level any of ``values`` (or the items of lists and tuples among them) is
    batched at."""
    best = 0
    for v in values:
        if type(v) is BatchedTensor:
            best = max(best, v.level)
        elif type(v) in (list, tuple):
            for item in v:
                if type(item) is BatchedTensor:
                    best = max(best, item.level)
    return level_of(best) if best else None


def _at(x, lv: Level) -> bool:
    """Whether ``x`` is batched at ``lv``."""
    return type(x) is BatchedTensor and x.level == lv.id


def _val(x, lv: Level):
    """``x``'s value at ``lv`` (batch dimension first); ``x`` itself when not batched there."""
    return x.value if type(x) is BatchedTensor and x.level == lv.id else x


def _materialize(x, lv: Level):
    """``x``'s value at ``lv``, with a broadcast batch dimension when ``x`` is not batched."""
    if _at(x, lv):
        return x.value
    return x.unsqueeze(0).expand(lv.size, *x.shape)


def _pad(value, have: int, want: int):
    """A value of logical rank ``have`` with size-1 dimensions after the batch dimension up to
    logical rank ``want``, so that it broadcasts against operands of that rank."""
    for _ in range(want - have):
        value = value.unsqueeze(1)
    return value


def _wrap(out, lv: Level):
    """Tensors in ``out`` (or in a tuple, named tuple or list) batched at ``lv``."""
    if _is_tensor(out):
        return BatchedTensor(out, lv.id)
    if isinstance(out, tuple):
        items = [_wrap(o, lv) for o in out]
        return type(out)(*items) if hasattr(out, "_fields") else tuple(items)
    if isinstance(out, list):
        return [_wrap(o, lv) for o in out]
    return out


def _wrap_dim(dim: int, ndim: int) -> int:
    """``dim`` of a logical tensor of rank ``ndim`` as a non-negative index, with PyTorch's
    error out of range (a 0-d tensor takes -1 and 0)."""
    dim = operator.index(dim)
    bound = max(ndim, 1)
    if not -bound <= dim < bound:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-bound}, {bound - 1}], but "
            f"got {dim})"
        )
    return dim % bound


def _shift(dim, ndim: int):
    """Logical dimension(s) ``dim`` (an int or a sequence) as dimensions of the value."""
    if isinstance(dim, (list, tuple)):
        return type(dim)(_wrap_dim(d, ndim) + 1 for d in dim)
    return _wrap_dim(dim, ndim) + 1


def _sizes(args) -> list:
    """``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])`` as ``[2, 3]``."""
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        return list(args[0])
    return list(args)


def _as_tensor(x, like):
    if _is_tensor(x):
        return x
    from .._creation import tensor

    return tensor(x, device=like.device if _is_tensor(like) else None)


def _unsupported(what: str, why: str):
    def rule(lv, *args, **kwargs):
        raise RuntimeError(f"vmap: {what} is not supported: {why}")

    return rule


def _data_dependent(name: str):
    return _unsupported(
        name,
        "its result's shape (or a Python value) depends on the data of each sample, so the "
        "samples of a batch cannot share one tensor",
    )


# ----------------------------------------------------------------------------- kinds of rules


def elementwise(name: str):
    """One tensor operand and plain arguments (``exp``, ``relu``, ``to(dtype)``, ``clone``):
    the same call on the value. In-place forms return the batched tensor itself."""
    inplace = name.endswith("_") and not name.endswith("__")

    def rule(lv, self, *args, **kwargs):
        if not _at(self, lv):
            raise RuntimeError(f"vmap: {name} with a batched tensor argument is not supported")
        out = getattr(self.value, name)(*args, **kwargs)
        return self if inplace else _wrap(out, lv)

    return rule


def metadata(name: str):
    """Tensor arguments read only for their dtype and device (``to(other)``, ``type_as``,
    ``new_zeros``): the call on the value with the arguments as they are."""

    def rule(lv, self, *args, **kwargs):
        args = [physical(a) for a in args]
        kwargs = {k: physical(v) for k, v in kwargs.items()}
        out = getattr(_val(self, lv), name)(*args, **kwargs)
        return _wrap(out, lv) if _at(self, lv) and not name.startswith("new_") else out

    return rule


def _logical_ndim(x) -> int:
    return x.ndim if _is_tensor(x) else 0


def broadcasting(name: str, self_shaped: bool = False):
    """Operands that broadcast (``add``, ``where``, ``lerp``, comparisons, ``clamp`` with tensor
    bounds): the batched ones get size-1 dimensions after the batch dimension up to the
    largest logical rank, so broadcasting aligns every other dimension as it would per sample.
    In-place forms need ``self`` batched (a plain tensor cannot hold a batch). With
    ``self_shaped`` the result has ``self``'s shape, which is then given a batch dimension when
    only another operand is batched."""
    inplace = name.endswith("_") and not name.endswith("__")
    if name.startswith("__i"):
        inplace = True

    def rule(lv, self, *args, **kwargs):
        if not _is_tensor(self):
            self = _as_tensor(self, next((a for a in args if _is_tensor(a)), None))
        operands = [self, *args, *kwargs.values()]
        rank = max(_logical_ndim(x) for x in operands)
        if inplace:
            if not _at(self, lv):
                raise RuntimeError(
                    f"vmap: {name}(self, *extra_args) is not possible because there exists a "
                    "Tensor in extra_args that is batched while `self` is not: an in-place "
                    "operation cannot give `self` a batch dimension. Use the out-of-place form."
                )
            rank = self.ndim

        def adjust(x):
            return _pad(x.value, x.ndim, rank) if _at(x, lv) else x

        head = _pad(_materialize(self, lv), self.ndim, rank) if self_shaped else adjust(self)
        out = getattr(head, name)(
            *[adjust(a) for a in args], **{k: adjust(v) for k, v in kwargs.items()}
        )
        if out is NotImplemented:
            return out
        return self if inplace else _wrap(out, lv)

    return rule


def _take(args: tuple, kwargs: dict, position: int, keyword: str, default):
    """The argument at ``position`` (or ``keyword``), with a setter that puts a new value back
    where it came from."""
    args = list(args)
    if keyword in kwargs:
        value = kwargs[keyword]

        def put(new):
            return args, {**kwargs, keyword: new}

    elif len(args) > position:
        value = args[position]

        def put(new):
            return [*args[:position], new, *args[position + 1 :]], kwargs

    else:
        value = default

        def put(new):
            return args, {**kwargs, keyword: new}

    return value, put


_ALL = object()  # a reduction's default: every dimension


def reduction(name: str, position: int = 0, default=_ALL, keyword: str = "dim", function=None):
    """Operations with a ``dim`` argument (reductions, ``softmax``, ``cumsum``, ``sort``,
    ``topk``): the dimension(s) shifted past the batch dimension. With ``dim`` None (every
    dimension), the value is flattened per sample and reduced along dimension 1. A 0-d
    logical tensor gets a size-1 dimension for the call, removed after it. The method ``name``
    is called, or ``function`` (a function taking the tensor first) where given."""
    tuple_result_on_all = name in ("median", "nanmedian", "max", "min")

    def invoke(value, call: str, *args, **kwargs):
        if function is not None:
            return function(value, *args, **kwargs)
        return getattr(value, call)(*args, **kwargs)

    def rule(lv, self, *args, **kwargs):
        value = self.value
        ndim = self.ndim
        dim, put = _take(args, kwargs, position, keyword, default)
        if _is_tensor(dim):  # max(other) / min(other): the elementwise form
            return broadcasting("maximum" if name == "max" else "minimum")(lv, self, dim)
        if dim is _MISSING:
            raise TypeError(f"{name}() missing 1 required positional argument: '{keyword}'")
        if dim is _ALL or (dim is None and default is _ALL):
            flat = value.reshape(value.shape[0], -1)
            call = "amax" if name == "max" else "amin" if name == "min" else name
            new_args, new_kwargs = put(1)
            out = invoke(flat, call, *new_args, **new_kwargs)
            if tuple_result_on_all and isinstance(out, tuple):
                out = out[0]
            if _is_tensor(out) and out.ndim == 2:  # keepdim=True
                out = out.reshape(out.shape[0], *[1] * ndim)
            return _wrap(out, lv)
        if dim is None:  # softmax's legacy choice of dimension
            dim = 0 if ndim in (0, 1, 3) else 1
        if ndim == 0:
            value = value.unsqueeze(1)
            new_args, new_kwargs = put(_shift(dim, 1))
            out = invoke(value, name, *new_args, **new_kwargs)
            return _wrap(_squeeze_second(out), lv)
        new_args, new_kwargs = put(_shift(dim, ndim))
        return _wrap(invoke(value, name, *new_args, **new_kwargs), lv)

    return rule


def _vector_norm(lv, x, *args, **kwargs):
    """``linalg.vector_norm``, a reduction over ``dim`` (its second argument)."""
    from ..linalg import vector_norm

    return reduction("vector_norm", 1, _ALL, function=vector_norm)(lv, x, *args, **kwargs)


def _matrix_norm(lv, A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """``linalg.matrix_norm`` takes batch dimensions: its two dimensions shifted past vmap's."""
    from ..linalg import matrix_norm

    dims = _shift(dim, A.ndim)
    return _wrap(matrix_norm(A.value, ord, dims, keepdim, dtype=dtype), lv)


def _linalg_norm(lv, A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """``linalg.norm``: the vector norm of every element without ``ord`` and ``dim``; else the
    vector or matrix norm over its dimension(s) (the logical tensor's one or two dimensions
    where ``dim`` is None), shifted past vmap's."""
    from ..linalg import norm

    if dim is None and ord is None:
        return _vector_norm(lv, A, 2, None, keepdim, dtype=dtype)
    if dim is None:
        dim = (0,) if A.ndim == 1 else (0, 1)
    dims = _shift(dim, A.ndim)
    return _wrap(norm(A.value, ord, dims, keepdim, dtype=dtype), lv)


def _squeeze_second(out):
    if _is_tensor(out):
        return out.squeeze(1) if out.ndim == 2 else out
    if isinstance(out, tuple):
        items = [_squeeze_second(o) for o in out]
        return type(out)(*items) if hasattr(out, "_fields") else tuple(items)
    return out


def along(name: str, *positions: tuple[int, str, object], extra: int = 0):
    """Operations whose arguments at ``positions`` (index, keyword, default) are dimensions of
    the logical tensor (``transpose``, ``narrow``, ``unbind``, ``diagonal``), or of the result
    when it has ``extra`` more dimensions (``unsqueeze``, ``diag_embed``): each shifted by one
    (a default too, since the value's own default would name the batch dimension)."""

    def rule(lv, self, *args, **kwargs):
        ndim = self.ndim + extra
        for position, keyword, default in positions:
            dim, put = _take(args, kwargs, position, keyword, default)
            if dim is not _MISSING:
                args, kwargs = put(_shift(dim, ndim))
        return _wrap(getattr(self.value, name)(*args, **kwargs), lv)

    return rule


_MISSING = object()


def last_dims(name: str, at_least: int):
    """Operations on the last ``at_least`` dimensions (``tril``, ``mT``, ``pad``): the same
    call on the value, once the logical tensor has those dimensions (the value always has one
    more, so the check cannot be left to the call)."""

    def rule(lv, self, *args, **kwargs):
        if self.ndim < at_least:
            raise RuntimeError(
                f"{name}: expected a tensor with at least {at_least} dimensions, got {self.ndim}"
            )
        out = getattr(self.value, name)(*args, **kwargs)
        return self if name.endswith("_") else _wrap(out, lv)

    return rule


# ----------------------------------------------------------------------------- shapes


def _fill_(lv, self, value):
    if not _at(self, lv):
        return broadcasting("fill_")(lv, self, value)  # raises its in-place error
    if _at(value, lv):
        self.value.copy_(_pad(value.value, 0, self.ndim).expand_as(self.value))
    else:
        self.value.fill_(value)
    return self


def _reshape(lv, self, *shape):
    value = self.value
    return _wrap(value.reshape(value.shape[0], *_sizes(shape)), lv)


def _flatten(lv, self, start_dim: int = 0, end_dim: int = -1):
    value = self.value
    if self.ndim == 0:
        return _wrap(value.reshape(value.shape[0], 1), lv)
    return _wrap(value.flatten(_shift(start_dim, self.ndim), _shift(end_dim, self.ndim)), lv)


def _squeeze(lv, self, dim=None):
    shape = list(self.shape)
    if dim is None:
        drop = {i for i, s in enumerate(shape) if s == 1}
    else:
        dims = dim if isinstance(dim, (list, tuple)) else (dim,)
        drop = {_wrap_dim(d, len(shape)) for d in dims} if shape else set()
        drop = {d for d in drop if shape[d] == 1}
    kept = [s for i, s in enumerate(shape) if i not in drop]
    return _wrap(self.value.reshape(self.value.shape[0], *kept), lv)


def _expand(lv, self, *sizes):
    sizes = _sizes(sizes)
    if len(sizes) < self.ndim:
        raise RuntimeError(
            f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to "
            f"the number of dimensions in the tensor ({self.ndim})"
        )
    value = _pad(self.value, self.ndim, len(sizes))
    return _wrap(value.expand(value.shape[0], *sizes), lv)


def _expand_as(lv, self, other):
    return _expand(lv, self, *other.shape)


def _reshape_as(lv, self, other):
    return _reshape(lv, self, *other.shape)


def _permute(lv, self, *dims):
    dims = _sizes(dims)
    if len(dims) != self.ndim:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {self.ndim} is not "
            f"equal to len(dims) = {len(dims)}"
        )
    return _wrap(self.value.permute(0, *_shift(list(dims), self.ndim)), lv)


def _t(lv, self):
    if self.ndim > 2:
        raise ValueError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
    return _wrap(self.value.transpose(1, 2), lv) if self.ndim == 2 else self


def _all_dims_reversed(lv, self):
    return _wrap(self.value.permute(0, *range(self.ndim, 0, -1)), lv)


def _matrix_transpose(lv, self):
    return last_dims("transpose", 2)(lv, self, -2, -1)


def _repeat(lv, self, *sizes):
    sizes = _sizes(sizes)
    if len(sizes) < self.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            "of tensor"
        )
    value = _pad(self.value, self.ndim, len(sizes))
    return _wrap(value.repeat(1, *sizes), lv)


def _tile(lv, self, *dims):
    dims = _sizes(dims)
    dims = [1] * (self.ndim - len(dims)) + dims
    return _repeat(lv, self, *dims)


def _flip(lv, self, *dims):
    return _wrap(self.value.flip(_shift(list(_sizes(dims)), self.ndim)), lv)


def _roll(lv, self, shifts, dims=None):
    value = self.value
    if dims is None:
        flat = value.reshape(value.shape[0], -1)
        return _wrap(flat.roll(shifts, 1).reshape(value.shape), lv)
    return _wrap(value.roll(shifts, _shift(dims, self.ndim)), lv)


def _diag(lv, self, diagonal: int = 0):
    if self.ndim == 1:
        return _wrap(self.value.diag_embed(diagonal, 1, 2), lv)
    if self.ndim == 2:
        return _wrap(self.value.diagonal(diagonal, 1, 2), lv)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.ndim}D")


def _diagflat(lv, self, offset: int = 0):
    value = self.value
    return _wrap(value.reshape(value.shape[0], -1).diag_embed(offset, 1, 2), lv)


def _trace(lv, self):
    if self.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self.ndim}")
    return _wrap(self.value.diagonal(0, 1, 2).sum(-1), lv)


def _fliplr(lv, self):
    if self.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return _flip(lv, self, 1)


def _flipud(lv, self):
    if self.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return _flip(lv, self, 0)


def _movedim(lv, self, source, destination):
    return _wrap(self.value.movedim(_shift(source, self.ndim), _shift(destination, self.ndim)), lv)


def _unflatten(lv, self, dim: int, sizes):
    return _wrap(self.value.unflatten(_shift(dim, self.ndim), sizes), lv)


def _repeat_interleave(lv, self, repeats=None, dim=None, *, output_size=None):
    if _is_tensor(repeats) and repeats.ndim > 0:
        raise RuntimeError(
            "vmap: repeat_interleave with a tensor of repeats is not supported (its result's "
            "shape depends on the data)"
        )
    value = self.value
    if dim is None:
        value, dim = value.reshape(value.shape[0], -1), 1
    else:
        dim = _shift(dim, self.ndim)
    return _wrap(value.repeat_interleave(repeats, dim), lv)


# ----------------------------------------------------------------------------- indexing


def _index_items(index) -> tuple:
    items = index if isinstance(index, tuple) else (index,)
    return tuple(list(i) if isinstance(i, range) else i for i in items)  # a range is a list of ints


def _is_int(item) -> bool:
    return isinstance(item, int) and not isinstance(item, bool)


def _is_advanced(item) -> bool:
    return _is_tensor(item) or isinstance(item, list)


def _getitem(lv, self, index):
    """``self[index]``: a leading ``:`` for the batch dimension. Integer tensors (or lists)
    index as in PyTorch; batched ones get the batch's ``arange`` as a first index, so every
    sample reads its own. Where the index dimensions go is decided per sample (PyTorch's
    rule, ``_index_plan``), and the batch dimension is put back in front."""
    items = _index_items(index)
    for item in items:
        if _is_tensor(item) and not item.dtype.is_floating_point and item.dtype.name == "bool":
            raise RuntimeError(
                "vmap: indexing with a boolean mask is not supported: the result's shape "
                "depends on the data of each sample"
            )
        if isinstance(item, bool):
            raise RuntimeError("vmap: indexing with True/False is not supported")
    if not _is_tensor(self) or not _at(self, lv):
        # Only an index is batched: index a broadcast copy of self.
        self = BatchedTensor(_materialize(self, lv), lv.id)
    value = self.value
    sample = _sample_plan(value, items, lv)
    if sample.is_basic and not any(_at(item, lv) for item in items):
        return _wrap(value[(slice(None), *items)], lv)
    advanced = [k for k, item in enumerate(items) if _is_advanced(item)]
    if any(_at(items[k], lv) for k in advanced):
        from .._creation import arange, tensor

        tensors = {
            k: items[k] if _is_tensor(items[k]) else tensor(items[k], device=value.device)
            for k in advanced
        }
        rank = max(t.ndim for t in tensors.values())
        lifted = {k: _pad(t.value, t.ndim, rank) if _at(t, lv) else t for k, t in tensors.items()}
        batch = arange(lv.size, device=value.device).reshape(lv.size, *[1] * rank)
        # The batch's arange indexes dimension 0, so the index dimensions (batch first) lead.
        out = value[(batch, *(lifted.get(k, item) for k, item in enumerate(items)))]
        if not sample.is_basic:
            adjacent, first, sample_rank = sample.layout()
            if adjacent and first > 0:
                # Per sample, the dimensions before the index ones stay in front of them.
                start = 1 + max(rank, sample_rank)
                out = out.movedim(list(range(start, start + first)), list(range(1, first + 1)))
        return _wrap(out, lv)
    out = value[(slice(None), *items)]
    adjacent, _, sample_rank = sample.layout()
    if not adjacent:  # the index dimensions went in front of the batch dimension
        out = out.movedim(sample_rank, 0)
    return _wrap(out, lv)


def _sample_plan(value, items, lv):
    """How one sample is indexed (PyTorch's rule for a tensor of the sample's shape), with a
    batched index standing for its per-sample shape."""
    from .._index_plan import plan

    per_sample = [
        np.zeros(tuple(item.value.shape[1:]), dtype=np.int64) if _at(item, lv) else item
        for item in items
    ]
    return plan(tuple(value.shape[1:]), tuple(per_sample))


def _setitem(lv, self, index, value):
    if not _at(self, lv):
        raise RuntimeError(
            "vmap: index assignment into a tensor that is not batched, with a batched value, is "
            "not possible (the tensor cannot hold a batch); build the result out of place"
        )
    items = _index_items(index)
    if any(_at(i, lv) for i in items if _is_tensor(i)):
        raise RuntimeError("vmap: index assignment with a batched index tensor is not supported")
    if any(_is_advanced(i) for i in items):
        advanced = [k for k, item in enumerate(items) if _is_advanced(item)]
        if advanced != list(range(advanced[0], advanced[-1] + 1)):
            raise RuntimeError(
                "vmap: index assignment with advanced indices that are not next to each other "
                "is not supported"
            )
    target = self.value[(slice(None), *items)]
    if _at(value, lv):
        value = _pad(value.value, value.ndim, target.ndim - 1)
    self.value[(slice(None), *items)] = value
    return None


def _gather(lv, self, dim: int, index, *, sparse_grad: bool = False):
    return _wrap(_materialize(self, lv).gather(_shift(dim, self.ndim), _materialize(index, lv)), lv)


def _scatter_like(name: str):
    inplace = name.endswith("_")

    def rule(lv, self, dim: int, index, src, *args, **kwargs):
        if inplace and not _at(self, lv):
            return broadcasting(name)(lv, self, dim, index, src)  # raises its error
        target = _materialize(self, lv)
        source = _materialize(src, lv) if _is_tensor(src) else src
        out = getattr(target, name)(
            _shift(dim, self.ndim), _materialize(index, lv), source, *args, **kwargs
        )
        return self if inplace else _wrap(out, lv)

    return rule


def _index_select(lv, self, dim: int, index):
    ndim = self.ndim
    d = _shift(dim, ndim)
    if not _at(index, lv):
        return _wrap(self.value.index_select(d, index), lv)
    source = _materialize(self, lv)
    picks = index.value  # (B, k)
    shape = list(source.shape)
    view = [lv.size] + [1] * ndim
    view[d] = picks.shape[1]
    shape[d] = picks.shape[1]
    return _wrap(source.gather(d, picks.reshape(view).expand(shape)), lv)


def _index_along(name: str):
    """``index_add`` / ``index_copy`` / ``index_fill``: one index shared by the samples."""
    inplace = name.endswith("_")

    def rule(lv, self, dim: int, index, *args, **kwargs):
        if _at(index, lv):
            raise RuntimeError(f"vmap: {name} with a batched index is not supported")
        if inplace and not _at(self, lv):
            return broadcasting(name)(lv, self, dim, index, *args)  # raises its error
        target = _materialize(self, lv)
        args = [_materialize(a, lv) if _at(a, lv) else a for a in args]
        out = getattr(target, name)(_shift(dim, self.ndim), index, *args, **kwargs)
        return self if inplace else _wrap(out, lv)

    return rule


def _masked_fill(lv, self, mask, value):
    if _at(value, lv):  # a batched 0-d fill value: a where over the broadcast operands
        return broadcasting("where")(lv, value.expand_as(self), mask, self)
    return broadcasting("masked_fill", self_shaped=True)(lv, self, mask, value)


def _masked_fill_(lv, self, mask, value):
    return broadcasting("masked_fill_")(lv, self, mask, value)


def _take_along_dim(lv, self, indices, dim=None):
    source, picks = _materialize(self, lv), _materialize(indices, lv)
    if dim is None:
        flat = source.reshape(source.shape[0], -1)
        return _wrap(flat.take_along_dim(picks.reshape(picks.shape[0], -1), 1), lv)
    rank = max(self.ndim, indices.ndim)
    source, picks = _pad(source, self.ndim, rank), _pad(picks, indices.ndim, rank)
    return _wrap(source.take_along_dim(picks, _shift(dim, rank)), lv)


# ----------------------------------------------------------------------------- products


def _matmul(lv, a, b):
    """``a @ b`` per sample. Vectors become matrices (a row for ``a``, a column for ``b``) and
    the batched operands get size-1 dimensions so their batch dimension lines up in front of
    the broadcast batch of matrices; a plain matrix on the right needs none of that."""
    a, b = _as_tensor(a, b), _as_tensor(b, a)
    na, nb = a.ndim, b.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D"
        )
    if not _at(b, lv) and nb == 2:  # (B, ..., k) @ (k, m): one product, rows batched
        return _wrap(a.value @ b, lv)
    if not _at(a, lv) and na == 2 and nb == 1:  # (n, k) @ (B, k): (B, k) @ (k, n)
        return _wrap(b.value @ a.t(), lv)
    av, bv = _val(a, lv), _val(b, lv)
    if na == 1:
        av = av.unsqueeze(-2)
    if nb == 1:
        bv = bv.unsqueeze(-1)
    la, lb = max(na, 2), max(nb, 2)
    rank = max(la, lb)
    if _at(a, lv):
        av = _pad(av, la, rank)
    if _at(b, lv):
        bv = _pad(bv, lb, rank)
    out = av @ bv
    if na == 1 and nb == 1:
        out = out.squeeze(-1).squeeze(-1)
    elif na == 1:
        out = out.squeeze(-2)
    elif nb == 1:
        out = out.squeeze(-1)
    return _wrap(out, lv)


def _checked_matmul(name: str, ranks: tuple[int, int]):
    def rule(lv, a, b):
        for what, t, rank in (("self", a, ranks[0]), ("mat2", b, ranks[1])):
            if t.ndim != rank:
                raise RuntimeError(f"{name}: {what} must be a {rank}D tensor, got {t.ndim}D")
        return _matmul(lv, a, b)

    return rule


def _rmatmul(lv, self, other):
    return _matmul(lv, other, self)


def _dot(lv, a, b):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    return _matmul(lv, a, b)


def _cross(lv, self, other, dim=None):
    """The cross product along ``dim`` of the broadcast operands (the first dimension of size
    3 when None)."""
    rank = max(self.ndim, other.ndim)
    if dim is None:
        shape = _broadcast_shape(self.shape, other.shape)
        sizes = [d for d, s in enumerate(shape) if s == 3]
        if not sizes:
            raise RuntimeError("no dimension of size 3 in input")
        dim = sizes[0]
    a = _pad(_materialize(self, lv), self.ndim, rank)
    b = _pad(_materialize(other, lv), other.ndim, rank)
    return _wrap(a.cross(b, dim=_shift(dim, rank)), lv)


def _broadcast_shape(a, b) -> list:
    a, b = list(a), list(b)
    n = max(len(a), len(b))
    a, b = [1] * (n - len(a)) + a, [1] * (n - len(b)) + b
    return [max(x, y) for x, y in zip(a, b, strict=True)]


def _linear(lv, input, weight, bias=None):
    """``input @ weight.T + bias``: one ``linear`` call when only the input is batched (its
    batch dimension is one more leading dimension), else the same product through the matmul
    rule (a batched weight: a stack of models, or per-sample weights)."""
    import ferrograd
    import ferrograd.nn.functional as F

    if not _at(weight, lv) and not _at(bias, lv):
        return _wrap(F.linear(input.value, weight, bias), lv)
    out = ferrograd.matmul(input, weight.transpose(-2, -1))
    return out if bias is None else out + bias


def _recurrent_cell(lv, mode: str, x, state, w_ih, w_hh, b_ih, b_hh):
    """One step of an ``RNNCell``/``LSTMCell``/``GRUCell`` (``nn.modules.rnn._cell``, the
    modules' step on a 2-D input and state) for every sample at once: the vmapped dimension
    joins the cell's own batch dimension (``(B, N, ·)`` runs as ``(B·N, ·)``), so the step
    stays the cell's one fused gate kernel. With weights batched at this level (a stack of
    models, or ``vmap(grad)`` differentiating them per sample) the two projections are batched
    matrix products and the gate math one step on the ``B·N`` rows."""
    import ferrograd

    from ..nn.modules.rnn import _cell as cell, _cell_gates

    def fold(t):
        return _materialize(t, lv).flatten(0, 1)

    flat_state = tuple(fold(s) for s in state)
    if not any(_at(w, lv) for w in (w_ih, w_hh, b_ih, b_hh)):
        out = cell(mode, fold(x), flat_state, w_ih, w_hh, b_ih, b_hh)
    else:

        def project(input, weight, bias):
            out = ferrograd.matmul(_materialize(input, lv), _val(weight, lv).transpose(-2, -1))
            if bias is not None:
                out = out + (_val(bias, lv).unsqueeze(1) if _at(bias, lv) else bias)
            return out.flatten(0, 1)

        gx, gh = project(x, w_ih, b_ih), project(state[0], w_hh, b_hh)
        out = _cell_gates(mode, gx, gh, flat_state)
    return _wrap(tuple(o.unflatten(0, (lv.size, x.shape[0])) for o in out), lv)


# ----------------------------------------------------------------------------- joining


def _cat(lv, tensors, dim: int = 0, *, out=None):
    import ferrograd

    tensors = list(tensors)
    ndim = next((t.ndim for t in tensors if t.ndim > 0), 0)
    values = [_materialize(t, lv) for t in tensors]
    return _wrap(ferrograd.cat(values, _shift(dim, ndim)), lv)


def _stack(lv, tensors, dim: int = 0, *, out=None):
    import ferrograd

    tensors = list(tensors)
    values = [_materialize(t, lv) for t in tensors]
    return _wrap(ferrograd.stack(values, _shift(dim, tensors[0].ndim + 1)), lv)


def _hstack(lv, tensors):
    tensors = list(tensors)
    return _cat(lv, tensors, 0 if tensors[0].ndim == 1 else 1)


def _vstack(lv, tensors):
    tensors = [t if t.ndim > 1 else t.reshape(1, -1) for t in tensors]
    return _cat(lv, tensors, 0)


def _where(lv, condition, input=None, other=None):
    if input is None and other is None:
        return _data_dependent("where(condition) (nonzero)")(lv)
    if not _is_tensor(input):
        input = _as_tensor(input, other)
    return broadcasting("where")(lv, input, condition, other)


# ----------------------------------------------------------------------------- creation


def _like(name: str):
    """``zeros_like`` and friends of a batched tensor: batched, from the value."""

    def rule(lv, input, *args, **kwargs):
        import ferrograd

        return _wrap(getattr(ferrograd, name)(input.value, *args, **kwargs), lv)

    return rule


def _numel(lv, input) -> int:
    return input.numel()


def _is_tensor_rule(lv, obj) -> bool:
    return True


def _is_floating_point(lv, input) -> bool:
    return input.is_floating_point()


# ----------------------------------------------------------------------------- nn.functional


@functools.cache
def _signature(func) -> inspect.Signature:
    return inspect.signature(func)


def _bind(func, args, kwargs) -> dict:
    """The arguments of a call to ``func`` (its implementation's signature) by name, defaults
    filled in."""
    bound = _signature(getattr(func, "__wrapped__", func)).bind(*args, **kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


def _reduction_of(arguments: dict) -> str:
    size_average, reduce = arguments.pop("size_average", None), arguments.pop("reduce", None)
    reduction = arguments.get("reduction", "mean")
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else ("mean" if size_average else "sum")


def _reduce_samples(losses, ndim: int, reduction: str, lv: Level):
    """Per-sample ``mean`` / ``sum`` of element losses ``(B, *logical)``."""
    if reduction == "none":
        return _wrap(losses, lv)
    flat = losses.reshape(losses.shape[0], -1)
    if reduction == "sum":
        return _wrap(flat.sum(1), lv)
    if reduction == "mean":
        return _wrap(flat.mean(1), lv)
    raise ValueError(f"{reduction} is not a valid value for reduction")


def pointwise_loss(name: str, tensors: tuple[str, ...] = ("input", "target")):
    """An elementwise loss (``mse_loss``, ``l1_loss``, ``binary_cross_entropy``, ...): each
    sample's element losses in one call with ``reduction='none'`` on the values, broadcast to
    a common logical rank, then each sample's mean or sum."""

    def rule(lv, *args, **kwargs):
        import ferrograd.nn.functional as F

        func = getattr(F, name)
        arguments = _bind(func, args, kwargs)
        reduction = _reduction_of(arguments)
        present = [k for k in tensors if _is_tensor(arguments.get(k))]
        rank = max(arguments[k].ndim for k in present)
        # mse_loss/l1_loss weights must have the input's (here batched) shape; their mean
        # divides by the sample's weight sum
        weighted_mean = name in ("mse_loss", "l1_loss") and "weight" in present
        batched_too = ("input", "target", "weight") if weighted_mean else ("input", "target")
        for k in present:
            x = arguments[k]
            if _at(x, lv):
                arguments[k] = _pad(x.value, x.ndim, rank)
            elif k in batched_too:
                arguments[k] = _pad(_materialize(x, lv), x.ndim, rank)
        arguments["reduction"] = "none"
        losses = func(**arguments)
        if weighted_mean and reduction == "mean":
            weight = arguments["weight"].expand(*losses.shape).reshape(losses.shape[0], -1)
            per_sample = losses.reshape(losses.shape[0], -1).sum(1) / weight.sum(1)
            return _wrap(per_sample, lv)
        return _reduce_samples(losses, rank, reduction, lv)

    return rule


def _class_loss(name: str):
    """``cross_entropy`` / ``nll_loss``: the batch folded into ``N`` (an unbatched ``(C,)``
    input becomes ``(B, C)``), element losses with ``reduction='none'``, then each sample's
    reduction: a ``mean`` divides by the sample's total weight of counted targets (or its
    count of elements, for class probabilities), as the loss does for one sample."""

    def rule(lv, *args, **kwargs):
        import ferrograd.nn.functional as F

        func = getattr(F, name)
        arguments = _bind(func, args, kwargs)
        reduction = _reduction_of(arguments)
        input, target, weight = arguments["input"], arguments["target"], arguments["weight"]
        if _at(weight, lv):
            raise RuntimeError(f"vmap: {name} with a batched class weight is not supported")
        x, t = _materialize(input, lv), _materialize(target, lv)
        folded = input.ndim >= 2
        if folded:
            x, t = x.flatten(0, 1), t.flatten(0, 1)
        arguments.update(input=x, target=t, reduction="none")
        losses = func(**arguments)
        if folded:
            losses = losses.unflatten(0, (lv.size, input.shape[0]))
        if reduction != "mean" or target.is_floating_point():
            return _reduce_samples(losses, input.ndim - 1, reduction, lv)
        labels = _materialize(target, lv)
        counted = labels != arguments["ignore_index"]
        if weight is None:
            weights = counted.to(losses.dtype)
        else:
            safe = labels.where(counted, 0)
            weights = weight.to(losses.dtype)[safe] * counted.to(losses.dtype)
        total = weights.reshape(lv.size, -1).sum(1)
        return _wrap(losses.reshape(lv.size, -1).sum(1) / total, lv)

    return rule


def _fold_batch(name: str, unbatched_ndim: int, weights: tuple[str, ...] = ()):
    """Layers that treat the samples of ``N`` independently (pooling, ``unfold``): an input
    with ``N`` gets the batch folded into it, one without (``(C, H, W)``) takes the batch as
    its ``N``. Tensor arguments in ``weights`` must not be batched."""

    def rule(lv, *args, **kwargs):
        import ferrograd.nn.functional as F

        func = getattr(F, name)
        arguments = _bind(func, args, kwargs)
        for k in weights:
            if _at(arguments.get(k), lv):
                raise RuntimeError(f"vmap: {name} with a batched {k} is not supported")
        input = arguments["input"]
        x = _materialize(input, lv)
        folded = input.ndim > unbatched_ndim
        if folded:
            x = x.flatten(0, 1)
        arguments["input"] = x
        out = func(**arguments)

        def unfold(o):
            return o.unflatten(0, (lv.size, input.shape[0])) if folded else o

        if isinstance(out, tuple):
            return _wrap(tuple(unfold(o) for o in out), lv)
        return _wrap(unfold(out), lv)

    return rule


def convolution(name: str, spatial: int):
    """``conv1d``/``conv2d``/``conv3d``. With a plain weight, the batch folded into ``N``.
    With a batched weight (a stack of models, or per-sample weights under ``grad``), one
    grouped convolution: the samples' channels side by side (``(N, B*C, *spatial)``) against
    their weights stacked (``(B*O, C/g, *kernel)``), ``B*groups`` groups."""
    fold = _fold_batch(name, spatial + 1, ("weight",))

    def rule(lv, input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
        import ferrograd.nn.functional as F

        if not _at(weight, lv):
            plain_bias = not _at(bias, lv)
            kept = bias if plain_bias else None
            out = fold(lv, input, weight, kept, stride, padding, dilation, groups)
            return out if plain_bias else out + _bias_view(bias, spatial)
        if input.ndim not in (spatial + 1, spatial + 2):
            raise ValueError(
                f"{name}: expected a {spatial + 1}-D or {spatial + 2}-D input, got input of "
                f"shape {tuple(input.shape)}"
            )
        b = lv.size
        x = _materialize(input, lv)  # (B, [N,] C, *spatial)
        if input.ndim == spatial + 1:
            x = x.unsqueeze(1)
        n, c = x.shape[1], x.shape[2]
        x = x.movedim(0, 1).reshape(n, b * c, *x.shape[3:])
        kernels = weight.value  # (B, O, C/g, *kernel)
        o = kernels.shape[1]
        kernels = kernels.reshape(b * o, *kernels.shape[2:])
        out = getattr(F, name)(x, kernels, None, stride, padding, dilation, groups * b)
        out = out.reshape(n, b, o, *out.shape[2:]).movedim(1, 0)
        if input.ndim == spatial + 1:
            out = out.squeeze(1)
        out = _wrap(out, lv)
        return out if bias is None else out + _bias_view(bias, spatial)

    return rule


def _bias_view(bias, trailing: int):
    """A ``(O,)`` bias shaped to add along the channel dimension of ``(..., O, *spatial)``."""
    return bias.reshape(bias.shape[0], *[1] * trailing)


def _embedding(lv, input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
               scale_grad_by_freq=False, sparse=False):  # fmt: skip
    import ferrograd.nn.functional as F

    if max_norm is not None:
        raise RuntimeError("vmap: embedding with max_norm (an in-place renormalization)")
    if not _at(weight, lv):
        return _wrap(F.embedding(input.value, weight, padding_idx), lv)
    table = weight.value  # (B, V, D)
    picks = _materialize(input, lv)  # (B, *s)
    flat = picks.reshape(lv.size, -1, 1).expand(lv.size, -1, table.shape[2])
    rows = table.gather(1, flat).reshape(*picks.shape, table.shape[2])
    if padding_idx is not None:
        index = padding_idx + table.shape[1] if padding_idx < 0 else padding_idx
        rows = rows.where((picks != index).unsqueeze(-1), rows.detach())
    return _wrap(rows, lv)


def _one_hot(lv, tensor, num_classes: int = -1):
    import ferrograd.nn.functional as F

    if num_classes < 0:
        return _data_dependent("one_hot without num_classes")(lv)
    return _wrap(F.one_hot(tensor.value, num_classes), lv)


def _pad_rule(lv, input, pad, mode: str = "constant", value=None):
    import ferrograd.nn.functional as F

    if len(pad) // 2 > input.ndim:
        raise ValueError(f"pad: padding length must be even and at most 2*ndim, got {len(pad)}")
    return _wrap(F.pad(input.value, pad, mode, value), lv)


def _layer_norm(lv, input, normalized_shape, weight=None, bias=None, eps: float = 1e-5):
    import ferrograd.nn.functional as F

    out = F.layer_norm(_val(input, lv), normalized_shape, None, None, eps)
    out = _wrap(out, lv) if _at(input, lv) else out
    if weight is not None:
        out = out * weight
    return out if bias is None else out + bias


def _batch_norm(lv, input, running_mean, running_var, weight=None, bias=None, training=False,
                momentum=0.1, eps=1e-5):  # fmt: skip
    import ferrograd.nn.functional as F

    if training and (running_mean is not None or running_var is not None):
        raise RuntimeError(
            "vmap: batch_norm in training mode with running statistics is not supported: each "
            "sample would update the shared running_mean/running_var. Use "
            "ferrograd.func.replace_all_batch_norm_modules_(model) (or track_running_stats="
            "False), or evaluation mode."
        )
    return F.batch_norm.__wrapped__(
        input, running_mean, running_var, weight, bias, training, momentum, eps
    )


def _elementwise_function(name: str):
    """A function of ``nn.functional`` that works elementwise on its one tensor argument."""

    def rule(lv, input, *args, **kwargs):
        import ferrograd.nn.functional as F

        return _wrap(getattr(F, name)(input.value, *args, **kwargs), lv)

    return rule


def composite(func_name: str):
    """A function made of operations that have rules: it runs as it is, on the batched
    tensors (each operation inside batches itself)."""

    def rule(lv, *args, **kwargs):
        return _resolve(func_name).__wrapped__(*args, **kwargs)

    return rule


def method_composite(name: str):
    """A Tensor method made of operations that have rules: ``Tensor.<name>`` run with the
    batched tensor as ``self``."""

    def rule(lv, self, *args, **kwargs):
        from .._tensor import Tensor

        method = getattr(Tensor, name)
        # the method itself, not its routed form (which would hand the call back to us)
        return getattr(method, "__wrapped__", method)(self, *args, **kwargs)

    return rule


def _resolve(qualified: str):
    import importlib

    module, _, attr = qualified.rpartition(".")
    return getattr(importlib.import_module(module), attr)


# ----------------------------------------------------------------------------- randomness


def _random_error():
    raise RuntimeError(
        "vmap: called random operation while in randomness error mode. Please either use the "
        "'same' or 'different' randomness flags on vmap or perform the randomness operation "
        "out of vmap"
    )


def _random_factory(size_position: int, size_keyword: str = "size"):
    """``rand(*size)``-style factories: ``different`` draws ``(B, *size)``."""

    def rule(lv, func, args, kwargs):
        if lv.randomness == "same":
            return func(*args, **kwargs)
        if size_position == 0:  # rand(2, 3) / rand((2, 3)) / rand(size=(2, 3))
            given = kwargs.pop(size_keyword, None)
            size = list(given) if given is not None else _sizes(args)
            return _wrap(func(lv.size, *size, **kwargs), lv)
        args = list(args)
        if size_keyword in kwargs:
            kwargs = {**kwargs, size_keyword: (lv.size, *kwargs[size_keyword])}
        else:
            args[size_position] = (lv.size, *args[size_position])
        return _wrap(func(*args, **kwargs), lv)

    return rule


def _randint(lv, func, args, kwargs):
    """``randint(high, size)`` / ``randint(low, high, size)``: ``different`` draws ``(B,
    *size)``."""
    if lv.randomness == "same":
        return func(*args, **kwargs)
    low, high, size = (*args, None, None)[:3]
    size = kwargs.pop("size", size)
    if size is None:
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    return _wrap(func(low, high, (lv.size, *size), **kwargs), lv)


def _randperm(lv, func, args, kwargs):
    if lv.randomness == "same":
        return func(*args, **kwargs)
    import ferrograd

    n = args[0] if args else kwargs.pop("n")
    dtype = kwargs.get("dtype") or ferrograd.int64
    keys = ferrograd.rand(lv.size, n, device=kwargs.get("device"))
    return _wrap(keys.argsort(1).to(dtype), lv)


def _random_like(lv, func, args, kwargs):
    """``rand_like(x)``, ``randn_like(x)``, ``randint_like(x, ...)``, ``bernoulli(p)``:
    ``different`` draws for the whole batch, ``same`` draws one sample and broadcasts it."""
    input, rest = args[0], args[1:]
    if lv.randomness == "different":
        return _wrap(func(_materialize(input, lv), *rest, **kwargs), lv)
    if not _at(input, lv):
        return func(*args, **kwargs)
    if func.__name__ == "bernoulli" and _bind(func, args, kwargs).get("p") is None:
        # one uniform draw for every sample, compared with each sample's probabilities
        import ferrograd

        noise = ferrograd.rand_like(input.value[0])
        return _wrap((noise < input.value).to(input.dtype), lv)
    one = func(input.value[0], *rest, **kwargs)
    return _wrap(one.unsqueeze(0).expand(lv.size, *one.shape), lv)


def _multinomial(lv, func, args, kwargs):
    input, rest = args[0], args[1:]
    if lv.randomness == "same":
        if _at(input, lv):
            raise RuntimeError(
                "vmap: multinomial of batched probabilities with randomness='same' is not supported"
            )
        return func(*args, **kwargs)
    probs = _materialize(input, lv)
    rows = probs.reshape(-1, probs.shape[-1])
    drawn = func(rows, *rest, **kwargs)
    return _wrap(drawn.reshape(*probs.shape[:-1], drawn.shape[-1]), lv)


def _poisson(lv, func, args, kwargs):
    """Poisson draws of per-sample rates: ``different`` draws the batch at once; ``same``
    has no common draw to share between different rates."""
    input, rest = args[0], args[1:]
    if lv.randomness == "same":
        if _at(input, lv):
            raise RuntimeError(
                "vmap: poisson of batched rates with randomness='same' is not supported"
            )
        return func(*args, **kwargs)
    return _wrap(func(_materialize(input, lv), *rest, **kwargs), lv)


def _normal(lv, func, args, kwargs):
    """``normal(mean, std)`` of tensors (broadcast), or of numbers with a ``size``:
    ``different`` draws for the whole batch, ``same`` one standard draw shared by the
    samples, scaled by each sample's ``std`` and moved by its ``mean``."""
    import ferrograd

    arguments = _bind(func, args, kwargs)
    mean, std = arguments["mean"], arguments["std"]
    tensors = [t for t in (mean, std) if _is_tensor(t)]
    if lv.randomness == "same" and not any(_at(t, lv) for t in tensors):
        return func(**arguments)
    if not tensors:
        arguments["size"] = (lv.size, *_sizes((arguments["size"],)))
        return _wrap(func(**arguments), lv)
    rank = max(t.ndim for t in tensors)
    if lv.randomness == "different":
        for key in ("mean", "std"):
            x = arguments[key]
            if _is_tensor(x):
                arguments[key] = _pad(_materialize(x, lv), x.ndim, rank)
        return _wrap(func(**arguments), lv)
    shape = (
        _broadcast_shape(*(list(t.shape) for t in tensors))
        if len(tensors) == 2
        else list(tensors[0].shape)
    )
    noise = ferrograd.randn(*shape, dtype=tensors[0].dtype, device=tensors[0].device)
    return mean + std * noise


def _dropout(lv, func, args, kwargs):
    arguments = _bind(func, args, kwargs)
    input, p, training = arguments["input"], arguments["p"], arguments["training"]
    if not training or p == 0.0:
        return input
    if lv.randomness == "error":
        _random_error()
    arguments["inplace"] = False
    if lv.randomness == "different":
        arguments["input"] = _materialize(input, lv)
        return _wrap(func(**arguments), lv)
    import ferrograd

    sample = _val(input, lv)[0] if _at(input, lv) else input
    arguments["input"] = ferrograd.ones_like(sample)
    return input * func(**arguments)


def _random_dropout(lv, func, args, kwargs):
    arguments = _bind(func, args, kwargs)
    if not arguments.get("training", True) or arguments.get("p", 0.5) == 0.0:
        return func(*args, **kwargs)
    if lv.randomness == "error":
        _random_error()
    return _random_without_rule(lv, func, args, kwargs)


def _random_method(name: str):
    """In-place sampling methods (``uniform_``, ``normal_``, ``bernoulli_``, ...)."""

    def rule(lv, self, *args, **kwargs):
        if lv.randomness == "error":
            _random_error()
        if lv.randomness == "different":
            getattr(self.value, name)(*args, **kwargs)
            return self
        sample = getattr(self.value[0].clone(), name)(*args, **kwargs)
        self.value.copy_(sample.unsqueeze(0).expand_as(self.value))
        return self

    return rule


def _random_without_rule(lv, func, args, kwargs):
    """A random function with no batching rule: with ``same`` randomness and no argument
    batched at the level it runs once for every sample; otherwise it raises (drawing once
    for the batch would silently give every sample the same values)."""
    if lv.randomness == "same" and find_level((*args, *kwargs.values())) is not lv:
        return func(*args, **kwargs)
    from ..overrides import resolve_name

    raise RuntimeError(
        f"vmap: there is no batching rule for the random function {resolve_name(func)} (with "
        f"randomness={lv.randomness!r}); call it outside vmap, or with randomness='same' on "
        "unbatched arguments"
    )


def random_rule(func_name: str, lv: Level, func, args, kwargs):
    """The result of the random function ``func_name`` at ``lv``, per its randomness."""
    rule = RANDOM[func_name]
    if lv.randomness == "error" and rule is not _dropout and rule is not _random_dropout:
        _random_error()
    return rule(lv, func, args, dict(kwargs))


# ----------------------------------------------------------------------------- the table

METHODS: dict = {}
FUNCTIONS: dict = {}


def _methods(kind, names: str, **options) -> None:
    for name in names.split():
        METHODS[name] = kind(name, **options)


def _functions(kind, names: str, namespace: str = "ferrograd.nn.functional") -> None:
    for name in names.split():
        FUNCTIONS[f"{namespace}.{name}"] = kind(name)


_methods(
    elementwise,
    """abs absolute neg negative exp exp2 log log2 log10 log1p expm1 sqrt rsqrt sin cos tan asin
    acos atan sinh cosh tanh asinh acosh atanh sigmoid relu erf erfc erfinv reciprocal square sign
    sgn floor ceil round trunc frac isnan isinf isfinite isposinf isneginf nan_to_num
    logical_not bitwise_not lgamma digamma logit i0 sinc deg2rad rad2deg positive angle signbit
    __neg__ __pos__ __abs__ __invert__ clone detach contiguous float double long int bool half
    bfloat16 byte short char cpu cuda type requires_grad_ fill_ zero_ abs_ neg_ exp_ log_ sqrt_
    sin_ cos_ tanh_ sigmoid_ relu_ floor_ ceil_ round_ trunc_ sign_ frac_ reciprocal_ log1p_
    expm1_ rsqrt_ nan_to_num_ erf_ square_ detach_""",
)
_methods(metadata, "to type_as new_zeros new_ones new_full new_empty new_tensor")
METHODS["fill_"] = _fill_
_methods(
    broadcasting,
    """add sub subtract mul multiply div divide true_divide floor_divide remainder fmod pow
    float_power atan2 arctan2 maximum minimum fmax fmin eq ne lt le gt ge greater greater_equal
    less less_equal not_equal logical_and logical_or logical_xor bitwise_and bitwise_or
    bitwise_xor lerp addcmul addcdiv where logaddexp logaddexp2 hypot copysign xlogy rsub isclose
    clamp clip clamp_min clamp_max heaviside
    __add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ __truediv__ __rtruediv__ __floordiv__
    __rfloordiv__ __mod__ __rmod__ __pow__ __rpow__ __eq__ __ne__ __lt__ __le__ __gt__ __ge__
    __and__ __rand__ __or__ __ror__ __xor__ __rxor__
    __iadd__ __isub__ __imul__ __itruediv__ __ifloordiv__ __imod__ __ipow__ __iand__ __ior__
    __ixor__ add_ sub_ mul_ div_ pow_ lerp_ addcmul_ addcdiv_ clamp_ clamp_min_ clamp_max_ copy_
    remainder_ floor_divide_ atan2_ maximum_ minimum_""",
)
for _name, _position, _default in [
    ("sum", 0, _ALL), ("mean", 0, _ALL), ("nansum", 0, _ALL), ("nanmean", 0, _ALL),
    ("prod", 0, _ALL), ("amax", 0, _ALL), ("amin", 0, _ALL), ("max", 0, _ALL), ("min", 0, _ALL),
    ("argmax", 0, _ALL), ("argmin", 0, _ALL), ("all", 0, _ALL), ("any", 0, _ALL),
    ("var", 0, _ALL), ("std", 0, _ALL), ("var_mean", 0, _ALL), ("std_mean", 0, _ALL),
    ("norm", 1, _ALL), ("count_nonzero", 0, _ALL), ("median", 0, _ALL), ("nanmedian", 0, _ALL),
    ("logsumexp", 0, _MISSING), ("mode", 0, -1), ("kthvalue", 1, -1), ("aminmax", 0, _ALL),
    ("softmax", 0, None), ("log_softmax", 0, None), ("cumsum", 0, _MISSING),
    ("cumprod", 0, _MISSING), ("logcumsumexp", 0, _MISSING), ("cummax", 0, _MISSING),
    ("cummin", 0, _MISSING), ("sort", 0, -1), ("argsort", 0, -1), ("topk", 1, -1),
]:  # fmt: skip
    METHODS[_name] = reduction(_name, _position, _default)
for _name, _positions, _extra in [
    ("transpose", ((0, "dim0", _MISSING), (1, "dim1", _MISSING)), 0),
    ("swapaxes", ((0, "axis0", _MISSING), (1, "axis1", _MISSING)), 0),
    ("swapdims", ((0, "dim0", _MISSING), (1, "dim1", _MISSING)), 0),
    ("narrow", ((0, "dim", _MISSING),), 0),
    ("select", ((0, "dim", _MISSING),), 0),
    ("unbind", ((0, "dim", 0),), 0),
    ("split", ((1, "dim", 0),), 0),
    ("chunk", ((1, "dim", 0),), 0),
    ("tensor_split", ((1, "dim", 0),), 0),
    ("diagonal", ((1, "dim1", 0), (2, "dim2", 1)), 0),
    ("unfold", ((0, "dimension", _MISSING),), 0),
    ("unsqueeze", ((0, "dim", _MISSING),), 1),
    ("diag_embed", ((1, "dim1", -2), (2, "dim2", -1)), 1),
]:
    METHODS[_name] = along(_name, *_positions, extra=_extra)
for _name, _at_least in [("tril", 2), ("triu", 2), ("tril_", 2), ("triu_", 2)]:
    METHODS[_name] = last_dims(_name, _at_least)
METHODS.update(
    view=_reshape, reshape=_reshape, flatten=_flatten, ravel=_flatten, squeeze=_squeeze,
    expand=_expand, expand_as=_expand_as, broadcast_to=_expand, view_as=_reshape_as,
    reshape_as=_reshape_as, permute=_permute, t=_t, repeat=_repeat, tile=_tile, flip=_flip,
    fliplr=_fliplr, flipud=_flipud, roll=_roll, diag=_diag, diagflat=_diagflat, trace=_trace,
    movedim=_movedim, moveaxis=_movedim, unflatten=_unflatten,
    repeat_interleave=_repeat_interleave,
    __getitem__=_getitem, __setitem__=_setitem, gather=_gather,
    scatter_add=_scatter_like("scatter_add"), scatter_add_=_scatter_like("scatter_add_"),
    scatter=_scatter_like("scatter"), scatter_=_scatter_like("scatter_"),
    scatter_reduce=_scatter_like("scatter_reduce"), index_select=_index_select,
    index_add=_index_along("index_add"), index_add_=_index_along("index_add_"),
    index_copy=_index_along("index_copy"), index_fill=_index_along("index_fill"),
    masked_fill=_masked_fill, masked_fill_=_masked_fill_, take_along_dim=_take_along_dim,
    matmul=_matmul, __matmul__=_matmul, __rmatmul__=_rmatmul,
    mm=_checked_matmul("mm", (2, 2)), bmm=_checked_matmul("bmm", (3, 3)),
    mv=_checked_matmul("mv", (2, 1)), dot=_dot, cross=_cross,
    uniform_=_random_method("uniform_"), normal_=_random_method("normal_"),
    bernoulli_=_random_method("bernoulli_"), exponential_=_random_method("exponential_"),
    geometric_=_random_method("geometric_"), random_=_random_method("random_"),
    cauchy_=_random_method("cauchy_"), log_normal_=_random_method("log_normal_"),
)  # fmt: skip
for _name in "addmm addmv addr baddbmm addbmm outer ger kron".split():
    METHODS[_name] = method_composite(_name)
for _name in (
    "nonzero argwhere masked_select unique unique_consecutive bincount histc equal allclose "
    "__contains__"
).split():
    METHODS[_name] = _data_dependent(f"Tensor.{_name}")
METHODS["T"] = _all_dims_reversed
METHODS["mT"] = _matrix_transpose

# The ferrograd namespace: the functional forms of methods share their rules.
for _name in list(METHODS):
    if not _name.startswith("_") and _name not in ("T", "mT"):
        FUNCTIONS["ferrograd." + _name] = METHODS[_name]
FUNCTIONS.update({
    "ferrograd.cat": _cat, "ferrograd.concat": _cat, "ferrograd.concatenate": _cat,
    "ferrograd.stack": _stack, "ferrograd.hstack": _hstack, "ferrograd.vstack": _vstack,
    "ferrograd.where": _where, "ferrograd.numel": _numel, "ferrograd.is_tensor": _is_tensor_rule,
    "ferrograd.is_floating_point": _is_floating_point,
    "ferrograd.zeros_like": _like("zeros_like"), "ferrograd.ones_like": _like("ones_like"),
    "ferrograd.empty_like": _like("empty_like"), "ferrograd.full_like": _like("full_like"),
})  # fmt: skip
for _name in "einsum tensordot cosine_similarity cdist".split():
    FUNCTIONS["ferrograd." + _name] = composite("ferrograd." + _name)
for _name in "tensor as_tensor nonzero argwhere unique bincount".split():
    FUNCTIONS["ferrograd." + _name] = _data_dependent(f"ferrograd.{_name}")

# nn.functional
_functions(
    _elementwise_function,
    "relu relu_ logsigmoid hardtanh softplus gelu silu elu leaky_relu tanh sigmoid threshold "
    "threshold_ relu6 hardtanh_ hardswish hardsigmoid elu_ selu selu_ celu celu_ leaky_relu_ "
    "hardshrink softshrink tanhshrink softsign mish",
)
for _name in "bilinear normalize cosine_similarity softmax log_softmax".split():
    FUNCTIONS["ferrograd.nn.functional." + _name] = composite("ferrograd.nn.functional." + _name)
for _name in ("mse_loss l1_loss smooth_l1_loss huber_loss binary_cross_entropy").split():
    FUNCTIONS["ferrograd.nn.functional." + _name] = pointwise_loss(
        _name, ("input", "target", "weight")
    )
FUNCTIONS["ferrograd.nn.functional.binary_cross_entropy_with_logits"] = pointwise_loss(
    "binary_cross_entropy_with_logits", ("input", "target", "weight", "pos_weight")
)
FUNCTIONS.update({
    "ferrograd.nn.functional.linear": _linear,
    "ferrograd.nn.functional.unfold": _fold_batch("unfold", 3),
    "ferrograd.nn.functional.fold": _fold_batch("fold", 2),
    "ferrograd.nn.functional.cross_entropy": _class_loss("cross_entropy"),
    "ferrograd.nn.functional.nll_loss": _class_loss("nll_loss"),
    "ferrograd.nn.functional.embedding": _embedding,
    "ferrograd.nn.functional.one_hot": _one_hot,
    "ferrograd.nn.functional.pad": _pad_rule,
    "ferrograd.nn.functional.layer_norm": _layer_norm,
    "ferrograd.nn.functional.batch_norm": _batch_norm,
    "ferrograd.nn.modules.rnn._cell": _recurrent_cell,
    "ferrograd.linalg.vector_norm": _vector_norm,
    "ferrograd.linalg.matrix_norm": _matrix_norm,
    "ferrograd.linalg.norm": _linalg_norm,
})  # fmt: skip


# Convolutions, and pooling (each sample of N on its own: the batch folds into N).
for _spatial in (1, 2, 3):
    _name = f"conv{_spatial}d"
    FUNCTIONS["ferrograd.nn.functional." + _name] = convolution(_name, _spatial)
    for _pool in "max_pool avg_pool adaptive_avg_pool adaptive_max_pool lp_pool".split():
        _name = f"{_pool}{_spatial}d"
        FUNCTIONS["ferrograd.nn.functional." + _name] = _fold_batch(_name, _spatial + 1)
        FUNCTIONS[f"ferrograd.nn.functional.{_name}_with_indices"] = _fold_batch(
            f"{_name}_with_indices", _spatial + 1
        )


RANDOM: dict = {
    "ferrograd.rand": _random_factory(0),
    "ferrograd.randn": _random_factory(0),
    "ferrograd.randint": _randint,
    "ferrograd.randperm": _randperm,
    "ferrograd.rand_like": _random_like,
    "ferrograd.randn_like": _random_like,
    "ferrograd.randint_like": _random_like,
    "ferrograd.bernoulli": _random_like,
    "ferrograd.multinomial": _multinomial,
    "ferrograd.poisson": _poisson,
    "ferrograd.normal": _normal,
    "ferrograd.nn.functional.dropout": _dropout,
}
# Random functions (of this build) without a rule of their own; those that draw nothing
# outside training (dropout variants, rrelu) are let through then.
for _name in (
    "nn.functional.gumbel_softmax "
    "nn.functional.fractional_max_pool2d nn.functional.fractional_max_pool3d "
    "nn.functional.fractional_max_pool2d_with_indices "
    "nn.functional.fractional_max_pool3d_with_indices"
).split():
    RANDOM["ferrograd." + _name] = _random_without_rule
for _name in ("dropout1d dropout2d dropout3d alpha_dropout feature_alpha_dropout").split():
    RANDOM["ferrograd.nn.functional." + _name] = _random_dropout


# ----------------------------------------------------------------------------- dispatch


def apply_method(name: str, self, args: tuple, kwargs: dict):
    lv = find_level((self, *args, *kwargs.values()))
    return METHODS[name](lv, self, *args, **kwargs)


def apply_function(func, args: tuple, kwargs: dict):
    from ..overrides import aliases, resolve_name

    name = resolve_name(func) or getattr(func, "__qualname__", repr(func))
    # "Tensor.<name>": a plain tensor's method with a batched argument
    method = name[len("Tensor.") :] if name.startswith("Tensor.") else None
    if method:
        rule = METHODS.get(method)
    else:
        rule = next((FUNCTIONS[a] for a in aliases(func) if a in FUNCTIONS), None)
    if rule is None:
        raise RuntimeError(
            f"vmap: there is no batching rule for {name}, so it cannot run on a batched tensor "
            "(ferrograd.func.vmap has no per-sample fallback)."
        )
    lv = find_level((*args, *kwargs.values()))
    return rule(lv, *args, **kwargs)


def _method(name: str):
    def method(self, *args, **kwargs):
        return apply_method(name, self, args, kwargs)

    method.__name__ = name
    return method


def install_methods() -> None:
    """Gives ``BatchedTensor`` a method for every entry of ``METHODS`` (``T`` and ``mT`` as
    properties)."""
    for name in METHODS:
        if name in ("T", "mT"):
            setattr(BatchedTensor, name, property(_method(name)))
        else:
            setattr(BatchedTensor, name, _method(name))


install_methods()
