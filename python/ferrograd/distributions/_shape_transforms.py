"""Transforms that rearrange or split their input: ``ReshapeTransform`` (a reshape of the
event, bijective with zero log-determinant), and ``CatTransform`` / ``StackTransform``, which
apply a different transform to each slice of a dimension (consecutive runs of given lengths,
or single indices) and put the results back together."""

from __future__ import annotations

from .._size import Size
from .._tensor_functions import cat, stack
from . import constraints
from .transforms import Transform
from .utils import sum_rightmost

__all__ = ["CatTransform", "ReshapeTransform", "StackTransform"]


class ReshapeTransform(Transform):
    """Events of ``in_shape`` reshaped to ``out_shape`` (the same number of elements)."""

    bijective = True

    def __init__(self, in_shape, out_shape, cache_size: int = 0):
        self.in_shape = Size(list(in_shape))
        self.out_shape = Size(list(out_shape))
        if self.in_shape.numel() != self.out_shape.numel():
            raise ValueError("in_shape, out_shape have different numbers of elements")
        super().__init__(cache_size=cache_size)

    @constraints.dependent_property
    def domain(self):
        return constraints.independent(constraints.real, len(self.in_shape))

    @constraints.dependent_property
    def codomain(self):
        return constraints.independent(constraints.real, len(self.out_shape))

    def with_cache(self, cache_size: int = 1):
        if self._cache_size == cache_size:
            return self
        return ReshapeTransform(self.in_shape, self.out_shape, cache_size=cache_size)

    def _call(self, x):
        batch_shape = tuple(x.shape[: x.ndim - len(self.in_shape)])
        return x.reshape(*batch_shape, *self.out_shape)

    def _inverse(self, y):
        batch_shape = tuple(y.shape[: y.ndim - len(self.out_shape)])
        return y.reshape(*batch_shape, *self.in_shape)

    def log_abs_det_jacobian(self, x, y):
        batch_shape = tuple(x.shape[: x.ndim - len(self.in_shape)])
        return x.new_zeros(batch_shape)

    @staticmethod
    def _replace_event(shape, old, new):
        if len(shape) < len(old):
            raise ValueError("Too few dimensions on input")
        cut = len(shape) - len(old)
        if tuple(shape[cut:]) != tuple(old):
            raise ValueError(f"Shape mismatch: expected {shape[cut:]} but got {old}")
        return Size([*tuple(shape)[:cut], *new])

    def forward_shape(self, shape):
        return self._replace_event(shape, self.in_shape, self.out_shape)

    def inverse_shape(self, shape):
        return self._replace_event(shape, self.out_shape, self.in_shape)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(in_shape={self.in_shape}, out_shape={self.out_shape})"


def _check_transforms(tseq) -> None:
    if not all(isinstance(t, Transform) for t in tseq):
        raise AssertionError("All elements of tseq must be Transform instances")


def _check_dim(dim: int, value, name: str = "tensor") -> None:
    if not -value.ndim <= dim < value.ndim:
        raise AssertionError(f"dim {dim} out of range for {name} with {value.ndim} dimensions")


class CatTransform(Transform):
    """``tseq[i]`` applied to the i-th run of ``lengths[i]`` entries (1 each by default) along
    ``dim``, the results concatenated along it."""

    def __init__(self, tseq, dim: int = 0, lengths=None, cache_size: int = 0):
        _check_transforms(tseq)
        if cache_size:
            tseq = [t.with_cache(cache_size) for t in tseq]
        super().__init__(cache_size=cache_size)
        self.transforms = list(tseq)
        self.lengths = [1] * len(self.transforms) if lengths is None else list(lengths)
        if len(self.lengths) != len(self.transforms):
            raise AssertionError(
                f"lengths ({len(self.lengths)}) must match transforms ({len(self.transforms)})"
            )
        self.dim = dim

    @property
    def event_dim(self) -> int:
        return max(t.event_dim for t in self.transforms)

    @property
    def length(self) -> int:
        return sum(self.lengths)

    def with_cache(self, cache_size: int = 1):
        if self._cache_size == cache_size:
            return self
        return CatTransform(self.transforms, self.dim, self.lengths, cache_size)

    def _check(self, value, name: str, dim_name: str = "tensor") -> None:
        _check_dim(self.dim, value, dim_name)
        if value.shape[self.dim] != self.length:
            raise AssertionError(
                f"{name}.size({self.dim}) = {value.shape[self.dim]} must equal length {self.length}"
            )

    def _slices(self, value):
        start = 0
        for length in self.lengths:
            yield value.narrow(self.dim, start, length)
            start += length

    def _call(self, x):
        self._check(x, "x")
        return cat([t(s) for t, s in zip(self.transforms, self._slices(x), strict=True)], self.dim)

    def _inverse(self, y):
        self._check(y, "y")
        return cat(
            [t.inv(s) for t, s in zip(self.transforms, self._slices(y), strict=True)], self.dim
        )

    def log_abs_det_jacobian(self, x, y):
        self._check(x, "x", "x")
        self._check(y, "y", "y")
        event_dim = self.event_dim
        terms = []
        for t, xs, ys in zip(self.transforms, self._slices(x), self._slices(y), strict=True):
            term = t.log_abs_det_jacobian(xs, ys)
            if t.event_dim < event_dim:
                term = sum_rightmost(term, event_dim - t.event_dim)
            terms.append(term)
        dim = self.dim - x.ndim if self.dim >= 0 else self.dim
        dim += event_dim
        if dim < 0:  # the concatenated dimension is a batch dimension of the log-determinant
            return cat(terms, dim)
        return sum(terms[1:], terms[0])

    @property
    def bijective(self):
        return all(t.bijective for t in self.transforms)

    @constraints.dependent_property
    def domain(self):
        return constraints.cat([t.domain for t in self.transforms], self.dim, self.lengths)

    @constraints.dependent_property
    def codomain(self):
        return constraints.cat([t.codomain for t in self.transforms], self.dim, self.lengths)


class StackTransform(Transform):
    """``tseq[i]`` applied to index ``i`` of ``dim``, the results stacked along it."""

    def __init__(self, tseq, dim: int = 0, cache_size: int = 0):
        _check_transforms(tseq)
        if cache_size:
            tseq = [t.with_cache(cache_size) for t in tseq]
        super().__init__(cache_size=cache_size)
        self.transforms = list(tseq)
        self.dim = dim

    def with_cache(self, cache_size: int = 1):
        if self._cache_size == cache_size:
            return self
        return StackTransform(self.transforms, self.dim, cache_size)

    def _check(self, value, name: str, dim_name: str = "tensor") -> None:
        _check_dim(self.dim, value, dim_name)
        if value.shape[self.dim] != len(self.transforms):
            raise AssertionError(
                f"{name}.size({self.dim}) = {value.shape[self.dim]} must equal len(transforms) "
                f"{len(self.transforms)}"
            )

    def _slices(self, value):
        return [value.select(self.dim, i) for i in range(value.shape[self.dim])]

    def _call(self, x):
        self._check(x, "x")
        return stack(
            [t(s) for t, s in zip(self.transforms, self._slices(x), strict=True)], self.dim
        )

    def _inverse(self, y):
        self._check(y, "y")
        return stack(
            [t.inv(s) for t, s in zip(self.transforms, self._slices(y), strict=True)], self.dim
        )

    def log_abs_det_jacobian(self, x, y):
        self._check(x, "x", "x")
        self._check(y, "y", "y")
        pieces = zip(self.transforms, self._slices(x), self._slices(y), strict=True)
        return stack([t.log_abs_det_jacobian(xs, ys) for t, xs, ys in pieces], self.dim)

    @property
    def bijective(self):
        return all(t.bijective for t in self.transforms)

    @constraints.dependent_property
    def domain(self):
        return constraints.stack([t.domain for t in self.transforms], self.dim)

    @constraints.dependent_property
    def codomain(self):
        return constraints.stack([t.codomain for t in self.transforms], self.dim)
