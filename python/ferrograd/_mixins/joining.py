"""Splitting tensors into pieces: ``split``, ``chunk``, ``narrow``, ``unbind`` (joining is
``ferrograd.cat`` / ``ferrograd.stack``)."""

import math

from .._errors import ShapeError


def _slices(ndim: int, dim: int, start: int, stop: int):
    index = [slice(None)] * ndim
    index[dim] = slice(start, stop)
    return tuple(index)


def _dim(dim: int, ndim: int) -> int:
    """``dim`` in ``range(ndim)`` (``ndim`` > 0), counting from the end when negative; out of
    range is PyTorch's ``IndexError`` (never wrapped around)."""
    if not -ndim <= dim < ndim:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got "
            f"{dim})"
        )
    return dim % ndim


class JoiningMixin:
    __slots__ = ()

    def narrow(self, dim: int, start: int, length: int):
        """The ``length`` entries from ``start`` along ``dim`` (differentiable)."""
        if self.ndim == 0:
            raise ShapeError("narrow() cannot be applied to a 0-dim tensor.")
        dim = _dim(dim, self.ndim)
        size = self.shape[dim]
        if not -size <= start <= size:
            raise IndexError(
                f"start out of range (expected to be in range of [{-size}, {size}], but got "
                f"{start})"
            )
        if start < 0:
            start += size
        if length < 0:
            raise ShapeError("narrow(): length must be non-negative.")
        if start + length > size:
            raise ShapeError(
                f"start ({start}) + length ({length}) exceeds dimension size ({size})."
            )
        return self[_slices(self.ndim, dim, start, start + length)]

    def split(self, split_size_or_sections, dim: int = 0):
        """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the given
        sizes."""
        if self.ndim == 0:
            raise ShapeError("split expects at least a 1-dimensional tensor")
        dim = _dim(dim, self.ndim)
        size = self._shape[dim]
        if isinstance(split_size_or_sections, int):
            step = split_size_or_sections
            if step < 0:
                raise ShapeError(
                    f"split expects split_size be non-negative, but got split_size={step}"
                )
            if step == 0 and size > 0:
                raise ShapeError(
                    "split_size can only be 0 if dimension size is 0, but got dimension size of "
                    f"{size}"
                )
            sizes = [min(step, size - s) for s in range(0, size, step)] if size else [0]
        else:
            sizes = [int(s) for s in split_size_or_sections]
            if any(s < 0 for s in sizes):
                raise ShapeError(
                    "split_with_sizes expects split_sizes have only non-negative entries, but got "
                    f"split_sizes={sizes}"
                )
            if sum(sizes) != size:
                raise ShapeError(
                    f"split_with_sizes expects split_sizes to sum exactly to {size} (input "
                    f"tensor's size at dimension {dim}), but got split_sizes={sizes}"
                )
        # the engine's view of each piece directly: the bounds are known to be valid, and a
        # transformer block splits its query, key and value this way on every call
        index = [slice(None)] * self.ndim
        view, out, start = self._getitem, [], 0
        for s in sizes:
            index[dim] = slice(start, start + s)
            out.append(view(tuple(index)))
            start += s
        return tuple(out)

    def chunk(self, chunks: int, dim: int = 0):
        """At most ``chunks`` pieces of equal size (the last may be smaller) along ``dim``."""
        if self.ndim == 0:
            raise ShapeError("chunk expects at least a 1-dimensional tensor")
        if chunks <= 0:
            raise ShapeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        size = self.shape[_dim(dim, self.ndim)]
        return self.split(max(math.ceil(size / chunks), 1), dim)

    def unbind(self, dim: int = 0):
        """The slices along ``dim``, with that dimension removed."""
        if self.ndim == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        dim = _dim(dim, self.ndim)
        return tuple(self.select(dim, i) for i in range(self.shape[dim]))

    def select(self, dim: int, index: int):
        ndim = self.ndim
        if ndim == 0:
            raise IndexError("select() cannot be applied to a 0-dim tensor.")
        dim = _dim(dim, ndim)
        size = self.shape[dim]
        if not -size <= index < size:
            raise IndexError(
                f"select(): index {index} out of range for tensor of size {list(self.shape)} at "
                f"dimension {dim}"
            )
        items = [slice(None)] * ndim
        items[dim] = index
        return self[tuple(items)]
