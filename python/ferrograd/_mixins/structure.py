"""Rearranging elements: ``tril``/``triu``, ``flip``/``fliplr``/``flipud``, ``roll``,
``diag``/``diagflat``/``diag_embed``, ``trace``, ``repeat``/``tile``/``repeat_interleave`` and
``nonzero``/``argwhere``.

Each is a composition of the engine's differentiable operations (``where`` with a constant
mask, ``index_select``, ``index_add``, views, ``expand`` + ``reshape``), so backward, double
backward, forward-mode AD and device tensors work through them with no rule of their own. The
index and mask constants are built on the host with NumPy (from shapes, never from elements)
and moved to the tensor's device.
"""

import operator

import numpy as np

from .. import _core
from .._meta import data_dependent
from .shape import keyword_sizes, variadic_signature


def constant(array: np.ndarray, like):
    """``array`` as a tensor on ``like``'s device (a constant: it never requires grad). Next to
    a bfloat16 tensor, float32 values (what ``bfloat16.numpy`` holds them in) become bfloat16."""
    out = _core.from_numpy(np.asarray(array, order="C"), False)
    if like._dtype == "bfloat16" and out._dtype == "float32":
        out = out._to_dtype("bfloat16")
    return out if like._device == "cpu" else out.to(like.device)


def zero_of(t):
    """A 0-d zero of ``t``'s dtype and device (``where(mask, zero)`` keeps ``t``'s dtype)."""
    return _core.full([], 0.0, t._dtype, t._device)


def wrap_dim(dim: int, ndim: int, op: str = "") -> int:
    """``dim`` as a non-negative index into ``ndim`` dimensions (a 0-d tensor takes -1 and 0),
    with PyTorch's IndexError when it is out of range."""
    dim = operator.index(dim)
    rank = max(ndim, 1)
    if not -rank <= dim < rank:
        raise IndexError(
            f"{op + ': ' if op else ''}Dimension out of range (expected to be in range of "
            f"[{-rank}, {rank - 1}], but got {dim})"
        )
    return dim % rank


def _triangle(t, diagonal: int, lower: bool):
    op = "tril" if lower else "triu"
    if t.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions")
    rows, cols = t.shape[-2:]
    offsets = np.arange(cols)[None, :] - np.arange(rows)[:, None]
    keep = offsets <= diagonal if lower else offsets >= diagonal
    return t.where(constant(keep, t), zero_of(t))


def _index_along(t, dim: int, positions: np.ndarray):
    return t.index_select(dim, constant(positions.astype(np.int64), t))


def _embed_last(v, offset: int):
    """``v`` (..., n) as (..., m, m) matrices with ``v`` on diagonal ``offset`` (m = n + |offset|),
    by one ``index_add`` into zeros."""
    n = v.shape[-1]
    m = n + abs(offset)
    i = np.arange(n)
    rows, cols = (i, i + offset) if offset >= 0 else (i - offset, i)
    flat = _core.index_add_zeros(v, v.ndim - 1, constant(rows * m + cols, v), m * m)
    return flat.reshape([*v.shape[:-1], m, m])


class StructureMixin:
    __slots__ = ()

    # ------------------------------------------------------------------ triangles

    def tril(self, diagonal: int = 0):
        """The lower triangle of the last two dimensions (the elements on and below diagonal
        ``diagonal``; the others are 0)."""
        return _triangle(self, operator.index(diagonal), True)

    def triu(self, diagonal: int = 0):
        """The upper triangle of the last two dimensions (on and above diagonal ``diagonal``)."""
        return _triangle(self, operator.index(diagonal), False)

    def tril_(self, diagonal: int = 0):
        return self.copy_(self.tril(diagonal))

    def triu_(self, diagonal: int = 0):
        return self.copy_(self.triu(diagonal))

    # ------------------------------------------------------------------ reordering

    @variadic_signature
    def flip(self, *dims, **keyword):
        """The elements in reverse order along each of ``dims`` (ints, one sequence, or the keyword
        ``dims=``; a copy, as in PyTorch)."""
        if keyword:
            dims = keyword_sizes(dims, keyword, "dims", "flip")
        if len(dims) == 1 and not isinstance(dims[0], int):
            dims = tuple(dims[0])
        wrapped = [wrap_dim(d, self.ndim, "flip") for d in dims]
        if len(set(wrapped)) != len(wrapped):
            raise RuntimeError(f"dim {wrapped[0]} appears multiple times in the list of dims")
        out = self
        if self.ndim == 0:
            return self.clone()
        for d in wrapped:
            out = _index_along(out, d, np.arange(self.shape[d] - 1, -1, -1))
        return out if wrapped else self.clone()

    def fliplr(self):
        """``flip(1)``: columns in reverse order (at least 2-D)."""
        if self.ndim < 2:
            raise RuntimeError("Input must be >= 2-d.")
        return self.flip(1)

    def flipud(self):
        """``flip(0)``: rows in reverse order (at least 1-D)."""
        if self.ndim < 1:
            raise RuntimeError("Input must be >= 1-d.")
        return self.flip(0)

    def roll(self, shifts, dims=None):
        """Elements shifted by ``shifts`` along ``dims``, those past the end coming back at the
        start; with ``dims=None`` the tensor is rolled as if flattened."""
        shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
        if dims is None:
            if len(shifts) != 1:
                raise RuntimeError(
                    f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0"
                )
            return self.flatten().roll(shifts, 0).reshape(self.shape)
        dims = (dims,) if isinstance(dims, int) else tuple(dims)
        if len(shifts) != len(dims):
            raise RuntimeError(
                f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
            )
        out = self
        for shift, d in zip(shifts, dims, strict=True):
            d = wrap_dim(d, self.ndim, "roll")
            size = self.shape[d] if self.ndim else 1
            if size:
                out = _index_along(out, d, (np.arange(size) - operator.index(shift)) % size)
        return out if out is not self else self.clone()

    # ------------------------------------------------------------------ diagonals

    def diag(self, diagonal: int = 0):
        """A 1-D tensor as a square matrix with it on diagonal ``diagonal``; a matrix's diagonal
        ``diagonal`` as a 1-D tensor (a copy)."""
        diagonal = operator.index(diagonal)
        if self.ndim == 1:
            return _embed_last(self, diagonal)
        if self.ndim == 2:
            return self.diagonal(diagonal).clone()
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.ndim}D")

    def diagflat(self, offset: int = 0):
        """The flattened input on diagonal ``offset`` of a square matrix."""
        return _embed_last(self.reshape(-1), operator.index(offset))

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1):
        """Each last-dimension vector on diagonal ``offset`` of a matrix in dimensions ``dim1``,
        ``dim2`` of the result (one dimension more than the input)."""
        out_ndim = self.ndim + 1
        d1 = wrap_dim(dim1, out_ndim, "diag_embed")
        d2 = wrap_dim(dim2, out_ndim, "diag_embed")
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        source = self if self.ndim else self.reshape(1)
        out = _embed_last(source, operator.index(offset))
        return out.movedim((out_ndim - 2, out_ndim - 1), (d1, d2))

    def trace(self):
        """The sum of the main diagonal of a matrix."""
        if self.ndim != 2:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self.ndim}")
        return self.diagonal().sum()

    # ------------------------------------------------------------------ repetition

    @variadic_signature
    def repeat(self, *sizes, **keyword):
        """The tensor tiled ``sizes[i]`` times along dimension ``i`` (leading sizes add new
        dimensions; ``sizes`` may be ints, one sequence or the keyword ``repeats=``)."""
        if keyword:
            sizes = keyword_sizes(sizes, keyword, "repeats", "repeat")
        if len(sizes) == 1 and not isinstance(sizes[0], int):
            sizes = tuple(sizes[0])
        sizes = [operator.index(s) for s in sizes]
        if len(sizes) < self.ndim:
            raise RuntimeError(
                "Number of dimensions of repeat dims can not be smaller than number of "
                "dimensions of tensor"
            )
        if any(s < 0 for s in sizes):
            raise RuntimeError(f"Trying to create tensor with negative dimension: {sizes}")
        shape = [1] * (len(sizes) - self.ndim) + list(self.shape)
        interleaved = [n for s in shape for n in (1, s)]
        expanded = [n for r, s in zip(sizes, shape, strict=True) for n in (r, s)]
        out = self.reshape(interleaved).expand(expanded)
        return out.reshape([r * s for r, s in zip(sizes, shape, strict=True)])

    @variadic_signature
    def tile(self, *dims, **keyword):
        """``repeat`` with ``dims`` padded with leading 1s to the tensor's rank (``dims`` as ints,
        one sequence or the keyword ``dims=``)."""
        if keyword:
            dims = keyword_sizes(dims, keyword, "dims", "tile")
        if len(dims) == 1 and not isinstance(dims[0], int):
            dims = tuple(dims[0])
        dims = (1,) * (self.ndim - len(dims)) + tuple(dims)
        return self.repeat(dims)

    def repeat_interleave(self, repeats=None, dim=None, *, output_size=None):
        """Each element repeated ``repeats`` times (an int, or a 1-D tensor of counts, one per
        element along ``dim``); the tensor is flattened first when ``dim`` is None."""
        from .._base import TensorBase

        if repeats is None:  # torch.repeat_interleave(counts): the indices repeated
            counts = self
            if counts.ndim > 1 or counts.is_floating_point():
                raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
            host = counts.detach().cpu().numpy().astype(np.int64)
            return constant(np.repeat(np.arange(host.size), host), counts)
        x = self.reshape(-1) if dim is None else self
        dim = 0 if dim is None else wrap_dim(dim, x.ndim, "repeat_interleave")
        if x.ndim == 0:
            x = x.reshape(1)
        size = x.shape[dim]
        if isinstance(repeats, TensorBase):
            if repeats.is_floating_point() or repeats.ndim > 1:
                raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
            counts = repeats.detach().cpu().numpy().astype(np.int64).reshape(-1)
            if counts.size == 1:
                repeats = int(counts[0])
            else:
                if counts.size != size:
                    raise RuntimeError("repeats must have the same size as input along dim")
                if (counts < 0).any():
                    raise RuntimeError("Repeats must be non-negative")
                return _index_along(x, dim, np.repeat(np.arange(size), counts))
        repeats = operator.index(repeats)
        if repeats < 0:
            raise RuntimeError("Repeats must be non-negative")
        shape = list(x.shape)
        out = x.unsqueeze(dim + 1).expand([*shape[: dim + 1], repeats, *shape[dim + 1 :]])
        return out.reshape([*shape[:dim], size * repeats, *shape[dim + 1 :]])

    def multinomial(self, num_samples: int, replacement: bool = False, *, generator=None):
        """``ferrograd.multinomial(self, ...)``: category indices drawn from the weights."""
        from .._surface import multinomial

        return multinomial(self, num_samples, replacement, generator=generator)

    # ------------------------------------------------------------------ nonzero

    def nonzero(self, *, as_tuple: bool = False):
        """The indices of the nonzero elements: an ``(n, ndim)`` int64 tensor, or with
        ``as_tuple`` one 1-D tensor per dimension (the size depends on the data, so the
        elements are read on the host)."""
        if self.is_meta:
            raise data_dependent("nonzero")
        host = self.detach().cpu().numpy()
        if as_tuple:
            found = np.nonzero(host.reshape(1) if host.ndim == 0 else host)
            return tuple(constant(i.astype(np.int64), self) for i in found)
        return constant(np.argwhere(host).astype(np.int64), self)

    def argwhere(self):
        """``nonzero()``: the indices of the nonzero elements as an ``(n, ndim)`` tensor."""
        return self.nonzero()
