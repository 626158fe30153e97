"""Splitting tensors into pieces: ``split``, ``chunk``, ``narrow``, ``unbind`` (joining is
``ferrograd.cat`` / ``ferrograd.stack``)."""

import math


def _slices(ndim: int, dim: int, start: int, stop: int):
    index = [slice(None)] * ndim
    index[dim] = slice(start, stop)
    return tuple(index)


class JoiningMixin:
    __slots__ = ()

    def narrow(self, dim: int, start: int, length: int):
        """The ``length`` entries from ``start`` along ``dim`` (differentiable)."""
        dim = dim % self.ndim
        size = self.shape[dim]
        if start < 0:
            start += size
        if not 0 <= start <= size or length < 0 or start + length > size:
            raise IndexError(
                f"narrow(): start ({start}) + length ({length}) exceeds dimension size ({size})."
            )
        return self[_slices(self.ndim, dim, start, start + length)]

    def split(self, split_size_or_sections, dim: int = 0):
        """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the given
        sizes."""
        if self.ndim == 0:
            raise ValueError("split expects at least a 1-dimensional tensor")
        dim = dim % self.ndim
        size = self.shape[dim]
        if isinstance(split_size_or_sections, int):
            step = split_size_or_sections
            if step <= 0 and size > 0:
                raise ValueError(
                    "split_size can only be 0 if dimension size is 0, but got dimension size of "
                    f"{size}"
                )
            sizes = [min(step, size - s) for s in range(0, size, step)] if size else [0]
        else:
            sizes = [int(s) for s in split_size_or_sections]
            if sum(sizes) != size:
                raise ValueError(
                    f"split_with_sizes expects split_sizes to sum exactly to {size} (input "
                    f"tensor's size at dimension {dim}), but got split_sizes={sizes}"
                )
        out, start = [], 0
        for s in sizes:
            out.append(self[_slices(self.ndim, dim, start, start + s)])
            start += s
        return tuple(out)

    def chunk(self, chunks: int, dim: int = 0):
        """At most ``chunks`` pieces of equal size (the last may be smaller) along ``dim``."""
        if chunks <= 0:
            raise ValueError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        size = self.shape[dim % self.ndim]
        return self.split(max(math.ceil(size / chunks), 1), dim)

    def unbind(self, dim: int = 0):
        """The slices along ``dim``, with that dimension removed."""
        dim = dim % self.ndim
        return tuple(self.select(dim, i) for i in range(self.shape[dim]))

    def select(self, dim: int, index: int):
        ndim = self.ndim
        dim = dim % ndim
        items = [slice(None)] * ndim
        items[dim] = index
        return self[tuple(items)]
