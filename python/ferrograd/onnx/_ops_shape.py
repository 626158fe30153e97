"""Translations of shape operations (reshape, view, flatten, transpose, permute, expand,
squeeze, ...), indexing and slicing, joining and splitting, and tensor creation.

Sizes given as ``SymInt`` s (read from a dynamic dimension) become graph values computed from
the tensors' shapes, so ``x.view(B * T, C)`` stays correct for other ``B`` and ``T``; ONNX's
``Reshape`` is always run with ``allowzero=1``, so a size 0 means 0, as in PyTorch."""

from __future__ import annotations

import numpy as np
from onnx import numpy_helper

from .._base import TensorBase
from .._dtype import bool_, int64
from ._graph import INT64_MAX, numpy_dtype
from ._registry import translates
from ._symbolic import Dynamic, SymInt, is_dynamic

INT64_MIN = -INT64_MAX - 1


def _norm_axis(axis: int, rank: int) -> int:
    return axis % rank if rank else 0


def _size_list(value) -> list:
    """The sizes of ``view(2, 3)``, ``view((2, 3))`` or ``view([2, 3])`` as one list."""
    value = list(value)
    if len(value) == 1 and isinstance(value[0], (list, tuple)):
        return list(value[0])
    return value


def _reshape(c, x, sizes) -> str:
    c.sizes_dims(sizes, like=x)
    return c.op("Reshape", c.value(x), c.vector(sizes), allowzero=1)


@translates("T.view", "T.reshape", "fg.reshape")
def _view(c):
    x = c.arg("input")
    sizes = _size_list(c.arg("shape"))
    if sizes and not isinstance(sizes[0], int):
        c.unsupported("view() as another dtype")
    return _reshape(c, x, sizes)


@translates("T.view_as", "T.reshape_as")
def _view_as(c):
    x, other = c.arg("input"), c.arg(1)
    c.same_dims(other)
    if is_dynamic(c.dims(other)):
        return c.op("Reshape", c.value(x), c.op("Shape", c.value(other)), allowzero=1)
    return c.op("Reshape", c.value(x), c.vector(list(other._shape)), allowzero=1)


@translates("T.flatten", "fg.flatten", "T.ravel", "fg.ravel")
def _flatten(c):
    x = c.arg("input")
    rank = c.rank(x)
    if rank == 0:
        return _reshape(c, x, [1])
    start = _norm_axis(c.arg("start_dim", 0), rank)
    end = _norm_axis(c.arg("end_dim", -1), rank)
    sizes = c.sizes(x)
    if start == end:
        c.same_dims(x)
        return c.op("Identity", c.value(x))
    merged = sizes[start : end + 1]
    if any(isinstance(s, SymInt) for s in merged):
        middle: int | SymInt = -1
    else:
        middle = int(np.prod([int(s) for s in merged]))
    new = [*sizes[:start], middle, *sizes[end + 1 :]]
    out = c.op("Reshape", c.value(x), c.vector(new), allowzero=1)
    dims = list(c.dims(x))
    flat = Dynamic() if is_dynamic(dims[start : end + 1]) else None
    c.set_dims(0, [*dims[:start], flat, *dims[end + 1 :]])
    return out


@translates("T.unflatten", "fg.unflatten")
def _unflatten(c):
    x = c.arg("input")
    rank = c.rank(x)
    axis = _norm_axis(c.arg("dim"), rank)
    sizes = c.sizes(x)
    parts = list(c.arg("sizes"))
    new = [*sizes[:axis], *parts, *sizes[axis + 1 :]]
    out = c.op("Reshape", c.value(x), c.vector(new), allowzero=1)
    dims = list(c.dims(x))
    inner = [
        p.dim if isinstance(p, SymInt) else (Dynamic() if p == -1 and dims[axis] else None)
        for p in parts
    ]
    c.set_dims(0, [*dims[:axis], *inner, *dims[axis + 1 :]])
    return out


@translates("T.unsqueeze", "fg.unsqueeze")
def _unsqueeze(c):
    x = c.arg("input")
    axis = _norm_axis(c.arg(1), c.rank(x) + 1)
    dims = list(c.dims(x))
    dims.insert(axis, None)
    c.set_dims(0, dims)
    return c.op("Unsqueeze", c.value(x), c.int64s([axis]))


@translates("T.squeeze", "fg.squeeze")
def _squeeze(c):
    x = c.arg("input")
    rank = c.rank(x)
    dim = c.arg("dim")
    if dim is None:
        candidates = list(range(rank))
    else:
        candidates = [_norm_axis(d, rank) for d in ([dim] if isinstance(dim, int) else dim)]
    dims = c.dims(x)
    shape = x._shape
    axes = [a for a in candidates if shape[a] == 1]
    for a in axes:
        if dims[a] is not None:
            c.unsupported(
                f"squeezing dimension {a}, which is dynamic: whether it has size 1 is known "
                "only when the graph runs"
            )
    c.set_dims(0, [d for a, d in enumerate(dims) if a not in axes])
    if not axes:
        return c.op("Identity", c.value(x))
    return c.op("Squeeze", c.value(x), c.int64s(sorted(set(axes))))


def _transpose_of(c, x, perm) -> str:
    dims = c.dims(x)
    c.set_dims(0, [dims[p] for p in perm])
    if list(perm) == list(range(len(perm))):
        return c.op("Identity", c.value(x))
    return c.op("Transpose", c.value(x), perm=list(perm))


@translates("T.transpose", "fg.transpose", "T.swapaxes", "fg.swapaxes", "T.swapdims",
            "fg.swapdims")  # fmt: skip
def _transpose(c):
    x = c.arg("input")
    rank = c.rank(x)
    perm = list(range(rank))
    if rank:
        a, b = _norm_axis(c.arg(1), rank), _norm_axis(c.arg(2), rank)
        perm[a], perm[b] = perm[b], perm[a]
    return _transpose_of(c, x, perm)


@translates("T.t", "fg.t")
def _t(c):
    x = c.arg("input")
    return _transpose_of(c, x, [1, 0] if c.rank(x) == 2 else list(range(c.rank(x))))


@translates("T.permute", "fg.permute")
def _permute(c):
    x = c.arg("input")
    rank = c.rank(x)
    perm = [_norm_axis(d, rank) for d in _size_list(c.arg("dims"))]
    return _transpose_of(c, x, perm)


@translates("T.movedim", "fg.movedim", "T.moveaxis", "fg.moveaxis")
def _movedim(c):
    x = c.arg("input")
    rank = c.rank(x)
    source, destination = c.arg(1), c.arg(2)
    source = [source] if isinstance(source, int) else list(source)
    destination = [destination] if isinstance(destination, int) else list(destination)
    source = [_norm_axis(s, rank) for s in source]
    destination = [_norm_axis(d, rank) for d in destination]
    order = [i for i in range(rank) if i not in source]
    for d, s in sorted(zip(destination, source, strict=True)):
        order.insert(d, s)
    return _transpose_of(c, x, order)


def _expand_of(c, x, sizes) -> str:
    rank = len(sizes)
    dims_in = [None] * (rank - c.rank(x)) + list(c.dims(x))
    dims = []
    target = []
    for k, s in enumerate(sizes):
        if not isinstance(s, SymInt) and s == -1:
            dims.append(dims_in[k])
            target.append(1)  # ONNX's Expand broadcasts both ways: 1 keeps the input's size
        else:
            dims.append(s.dim if isinstance(s, SymInt) else None)
            target.append(s)
    c.set_dims(0, dims)
    return c.op("Expand", c.value(x), c.vector(target))


@translates("T.expand", "fg.expand", "T.broadcast_to", "fg.broadcast_to")
def _expand(c):
    x = c.arg("input")
    sizes = c.arg("sizes") if c.arg("sizes") is not None else c.arg("shape")
    return _expand_of(c, x, _size_list(sizes))


@translates("T.expand_as")
def _expand_as(c):
    x, other = c.arg("input"), c.arg(1)
    c.same_dims(other)
    return c.op("Expand", c.value(x), c.op("Shape", c.value(other)))


def _tile_of(c, x, repeats) -> str:
    rank = c.rank(x)
    value = c.value(x)
    dims = list(c.dims(x))
    if len(repeats) > rank:
        extra = len(repeats) - rank
        value = c.op("Unsqueeze", value, c.int64s(list(range(extra))))
        dims = [None] * extra + dims
    elif len(repeats) < rank:
        repeats = [1] * (rank - len(repeats)) + list(repeats)
    out_dims = []
    for d, r in zip(dims, repeats, strict=True):
        if isinstance(r, SymInt):
            out_dims.append(Dynamic())
        elif r == 1 or d is None:
            out_dims.append(d)
        else:
            out_dims.append(Dynamic())
    c.set_dims(0, out_dims)
    return c.op("Tile", value, c.vector(repeats))


@translates("T.repeat", "fg.tile", "T.tile")
def _repeat(c):
    x = c.arg("input")
    repeats = _size_list(c.arg("sizes") if c.arg("sizes") is not None else c.arg("dims"))
    return _tile_of(c, x, repeats)


@translates("T.repeat_interleave", "fg.repeat_interleave")
def _repeat_interleave(c):
    x, repeats, dim = c.arg("input"), c.arg("repeats"), c.arg("dim")
    if not isinstance(repeats, int) or isinstance(repeats, SymInt) or dim is None:
        c.unsupported("repeat_interleave() other than a fixed count along a given dim")
    rank = c.rank(x)
    axis = _norm_axis(dim, rank)
    sizes = c.sizes(x)
    spread = c.op("Unsqueeze", c.value(x), c.int64s([axis + 1]))
    target = [*sizes[: axis + 1], repeats, *sizes[axis + 1 :]]
    expanded = c.op("Expand", spread, c.vector(target))
    new = [*sizes[:axis], sizes[axis] * repeats, *sizes[axis + 1 :]]
    c.sizes_dims(new, like=x)
    return c.op("Reshape", expanded, c.vector(new), allowzero=1)


@translates("T.flip", "fg.flip")
def _flip(c):
    x = c.arg("input")
    rank = c.rank(x)
    axes = sorted({_norm_axis(d, rank) for d in _size_list(c.arg("dims"))})
    c.same_dims(x)
    if not axes:
        return c.op("Identity", c.value(x))
    n = len(axes)
    return c.op(
        "Slice",
        c.value(x),
        c.int64s([-1] * n),
        c.int64s([INT64_MIN] * n),
        c.int64s(axes),
        c.int64s([-1] * n),
    )


@translates("T.tril", "fg.tril", "T.triu", "fg.triu")
def _trilu(c):
    x = c.arg("input")
    c.same_dims(x)
    k = c.arg("diagonal", 0)
    upper = int(c.name.endswith("triu"))
    value, dtype = c.value(x), x.dtype
    if dtype == bool_:  # Trilu's kernels take numbers
        out = c.op("Trilu", c.cast(value, bool_, int64), c.scalar(k), upper=upper)
        return c.cast(out, int64, bool_)
    return c.op("Trilu", value, c.scalar(k), upper=upper)


# --- joining and splitting ---------------------------------------------------------------------


def _tensors_arg(c) -> list:
    return list(c.arg("input"))


@translates("fg.cat", "fg.concat", "fg.concatenate")
def _cat(c):
    tensors = _tensors_arg(c)
    dtype = c.leaves[0].dtype
    # PyTorch lets empty 1-D tensors join anything
    kept = [t for t in tensors if not (len(t._shape) == 1 and t._shape[0] == 0)]
    if not kept:
        kept = tensors[:1]
    rank = c.rank(c.leaves[0])
    axis = _norm_axis(c.arg("dim", 0), rank)
    dims: list = [None] * rank
    for t in kept:
        for k, d in enumerate(c.dims(t)):
            if d is not None and dims[k] is None:
                dims[k] = d
    if len(kept) > 1 and dims[axis] is not None:
        dims[axis] = Dynamic()  # a sum of sizes, none of them
    c.set_dims(0, dims)
    values = [c.as_dtype(t, dtype) for t in kept]
    if len(values) == 1:
        return c.op("Identity", values[0])
    return c.op("Concat", *values, axis=axis)


@translates("fg.stack")
def _stack(c):
    tensors = _tensors_arg(c)
    dtype = c.leaves[0].dtype
    rank = c.rank(c.leaves[0])
    axis = _norm_axis(c.arg("dim", 0), rank)
    dims: list = [None] * (rank - 1)
    for t in tensors:
        for k, d in enumerate(c.dims(t)):
            if d is not None and dims[k] is None:
                dims[k] = d
    dims.insert(axis, None)
    c.set_dims(0, dims)
    values = [c.op("Unsqueeze", c.as_dtype(t, dtype), c.int64s([axis])) for t in tensors]
    if len(values) == 1:
        return values[0]
    return c.op("Concat", *values, axis=axis)


def _split_pieces(c, x, axis: int, squeeze: bool = False) -> list:
    """``x`` split along ``axis`` into the pieces ferrograd returned (their sizes along the
    axis), squeezed for ``unbind``."""
    dims = list(c.dims(x))
    if dims[axis] is not None:
        c.unsupported(
            f"splitting along dimension {axis}, which is dynamic (the pieces' sizes would be fixed)"
        )
    sizes = [1 if squeeze else leaf._shape[axis] for leaf in c.leaves]
    pieces = c.op("Split", c.value(x), c.int64s(sizes), axis=axis, outputs=len(sizes))
    if isinstance(pieces, str):
        pieces = [pieces]
    for index in range(len(sizes)):
        c.set_dims(index, [d for k, d in enumerate(dims) if not (squeeze and k == axis)])
    if squeeze:
        return [c.op("Squeeze", p, c.int64s([axis])) for p in pieces]
    return pieces


@translates("T.split", "fg.split", "T.chunk", "fg.chunk", "T.tensor_split", "fg.tensor_split",
            "T.split_with_sizes")  # fmt: skip
def _split(c):
    x = c.arg("input")
    return _split_pieces(c, x, _norm_axis(c.arg("dim", 0), c.rank(x)))


@translates("T.unbind", "fg.unbind")
def _unbind(c):
    x = c.arg("input")
    return _split_pieces(c, x, _norm_axis(c.arg("dim", 0), c.rank(x)), squeeze=True)


@translates("T.narrow", "fg.narrow")
def _narrow(c):
    x, dim, start, length = c.arg("input"), c.arg(1), c.arg(2), c.arg(3)
    if isinstance(start, TensorBase):
        c.unsupported("narrow() with a tensor start")
    axis = _norm_axis(dim, c.rank(x))
    dims = list(c.dims(x))
    dims[axis] = length.dim if isinstance(length, SymInt) else None
    c.set_dims(0, dims)
    if start < 0:
        start = start + c.sizes(x)[axis]
    return c.op(
        "Slice", c.value(x), c.vector([start]), c.vector([start + length]), c.int64s([axis])
    )


@translates("T.index_select", "fg.index_select")
def _index_select(c):
    x, dim, index = c.arg("input"), c.arg(1), c.arg(2)
    axis = _norm_axis(dim, c.rank(x))
    dims = list(c.dims(x))
    dims[axis] = c.dims(index)[0] if c.rank(index) else None
    c.set_dims(0, dims)
    return c.op("Gather", c.value(x), c.value(index), axis=axis)


@translates("T.gather", "fg.gather")
def _gather(c):
    x, dim, index = c.arg("input"), c.arg(1), c.arg(2)
    c.same_dims(index)
    return c.op("GatherElements", c.value(x), c.value(index), axis=_norm_axis(dim, c.rank(x)))


# --- indexing ------------------------------------------------------------------------------------


def _is_index_tensor(item) -> bool:
    return isinstance(item, TensorBase) or (
        isinstance(item, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in item)
    )


@translates("T.__getitem__")
def _getitem(c):
    x, index = c.arg("input"), c.arg(1)
    items = list(index) if isinstance(index, tuple) else [index]
    for item in items:
        if isinstance(item, bool) or (isinstance(item, TensorBase) and item.dtype == bool_):
            c.unsupported("indexing with booleans (a mask): the result's size depends on values")
        if isinstance(item, list) and not _is_index_tensor(item):
            c.unsupported(f"indexing with {item!r}")
    rank = c.rank(x)
    used = sum(1 for i in items if i is not None and i is not Ellipsis)
    expanded: list = []
    for item in items:
        if item is Ellipsis:
            expanded.extend([slice(None)] * (rank - used))
        else:
            expanded.append(item)
    expanded.extend([slice(None)] * (rank - sum(1 for i in expanded if i is not None)))

    dims_in = list(c.dims(x))
    starts, ends, steps, axes = [], [], [], []
    integers: list[tuple[int, object]] = []
    tensor = None  # (input axis, index)
    nones: list[int] = []
    out_dims: list = []
    axis = 0
    for item in expanded:
        if item is None:
            nones.append(len(out_dims))
            out_dims.append(None)
            continue
        if isinstance(item, slice):
            start, stop, step = item.start, item.stop, item.step
            if isinstance(step, int) and step <= 0:
                c.unsupported("slicing with a non-positive step")
            if start in (None, 0) and stop is None and step in (None, 1):
                out_dims.append(dims_in[axis])
            else:
                starts.append(0 if start is None else start)
                ends.append(INT64_MAX if stop is None else stop)
                steps.append(1 if step is None else step)
                axes.append(axis)
                bounds_dynamic = isinstance(start, SymInt) or isinstance(stop, SymInt)
                out_dims.append(Dynamic() if dims_in[axis] is not None or bounds_dynamic else None)
        elif _is_index_tensor(item):
            if tensor is not None:
                c.unsupported("indexing with more than one tensor")
            tensor = (axis, item, len(out_dims))
            if isinstance(item, TensorBase):
                out_dims.extend(c.dims(item))
            else:
                out_dims.append(None)
        elif isinstance(item, int):
            integers.append((axis, item))
        else:
            c.unsupported(f"indexing with {type(item).__name__}")
        axis += 1
    if tensor is not None and (nones or integers):
        advanced = sorted([tensor[0], *(a for a, _ in integers)])
        if nones or advanced != list(range(advanced[0], advanced[0] + len(advanced))):
            c.unsupported("a tensor index mixed with None or with integers that are not next to it")

    value = c.value(x)
    if axes:
        value = c.op(
            "Slice", value, c.vector(starts), c.vector(ends), c.int64s(axes), c.vector(steps)
        )
    for a, i in sorted(integers, key=lambda pair: -pair[0]):  # last first: axes stay valid
        value = c.op("Gather", value, c.scalar(i), axis=a)
    if tensor is not None:
        t_axis, item, _ = tensor
        t_axis -= sum(1 for a, _ in integers if a < t_axis)
        index_value = c.value(item) if isinstance(item, TensorBase) else c.int64s(item)
        value = c.op("Gather", value, index_value, axis=t_axis)
    if nones:
        value = c.op("Unsqueeze", value, c.int64s(nones))
    if value == c.value(x):
        value = c.op("Identity", value)
    c.set_dims(0, out_dims)
    return value


# --- creation ------------------------------------------------------------------------------------


def _fill(c, shape_value: str, fill, dims) -> str:
    dtype = numpy_dtype(c.leaves[0].dtype)
    c.set_dims(0, dims)
    tensor = numpy_helper.from_array(np.array([fill], dtype=dtype), "value")
    return c.op("ConstantOfShape", shape_value, value=tensor)


def _creation_sizes(c) -> list:
    given = c.arg("size")
    sizes = c.arg("sizes")
    return _size_list(given if given is not None else sizes)


def _fill_value(c, default):
    if c.name.rpartition(".")[2] in ("full", "new_full", "full_like"):
        value = c.arg("fill_value")
        if isinstance(value, TensorBase):
            c.unsupported("a tensor fill value")
        return value
    return default


def _fills(default):
    def translate(c):
        sizes = _creation_sizes(c)
        dims = [s.dim if isinstance(s, SymInt) else None for s in sizes]
        return _fill(c, c.vector(sizes), _fill_value(c, default), dims)

    return translate


translates("fg.zeros", "fg.empty", "T.new_zeros", "T.new_empty")(_fills(0))
translates("fg.ones", "T.new_ones")(_fills(1))
translates("fg.full", "T.new_full")(_fills(None))


def _fills_like(default):
    def translate(c):
        x = c.arg("input")
        dims = c.dims(x)
        shape = c.op("Shape", c.value(x)) if is_dynamic(dims) else c.vector(list(x._shape))
        return _fill(c, shape, _fill_value(c, default), dims)

    return translate


translates("fg.zeros_like", "fg.empty_like")(_fills_like(0))
translates("fg.ones_like")(_fills_like(1))
translates("fg.full_like")(_fills_like(None))


@translates("T.zero_", "T.fill_")
def _fill_in_place(c):
    x = c.arg("input")
    dims = c.dims(x)
    if c.name.endswith("zero_"):
        value = 0
    else:
        value = c.arg(1)
        if isinstance(value, TensorBase):  # a 0-d tensor: spread over x's shape
            c.same_dims(x)
            shape = c.op("Shape", c.value(x))
            return c.op("Expand", c.as_dtype(value, x.dtype), shape)
    shape = c.op("Shape", c.value(x)) if is_dynamic(dims) else c.vector(list(x._shape))
    return _fill(c, shape, value, dims)


@translates("fg.arange")
def _arange(c):
    start, end, step = c.arg("input"), c.arg("end"), c.arg("step", 1)
    if end is None:
        start, end = 0, start
    for v in (start, end, step):
        if isinstance(v, TensorBase):
            c.unsupported("arange() with tensor bounds")
    dtype = c.leaves[0].dtype
    dynamic = any(isinstance(v, SymInt) for v in (start, end, step))
    c.set_dims(0, [Dynamic() if dynamic else None])
    scalars = [c.as_dtype(v, dtype) for v in (start, end, step)]
    return c.op("Range", *scalars)


def _flat_sizes(data) -> bool:
    return isinstance(data, (list, tuple)) and any(isinstance(v, SymInt) for v in data)


@translates("fg.tensor", "fg.as_tensor", "fg.from_numpy", "T.new_tensor", "fg.asarray",
            "fg.eye", "fg.linspace", "fg.logspace")  # fmt: skip
def _constant(c):
    data = c.arg(1) if c.name.endswith("new_tensor") else c.arg("input")
    out = c.leaves[0]
    if isinstance(data, TensorBase):  # a copy of a tensor
        c.same_dims(data)
        return c.op("Identity", c.cast(c.value(data), data.dtype, out.dtype))
    if _flat_sizes(data) and all(isinstance(v, int) for v in data):
        # a tensor of sizes read from dynamic dimensions
        c.set_dims(0, [None])
        return c.cast(c.vector(data), np.dtype(np.int64), out.dtype)
    for key, v in c.args.items():
        if key in ("input", "self") and c.name.endswith("new_tensor"):
            continue
        if isinstance(v, SymInt) or (isinstance(v, (list, tuple)) and _flat_sizes(v)):
            c.unsupported("a tensor built from a dynamic size")
        if isinstance(v, (list, tuple)) and any(isinstance(i, TensorBase) for i in v):
            c.unsupported("a new tensor built from a list of tensors (use stack)")
    return c.literal(out.detach().numpy().copy(), numpy_dtype(out.dtype))
