"""The ``meta`` device: tensors with a shape, a dtype and strides but no elements.

The engine treats ``meta`` as one more device behind the device seam (``Device::Meta``), so every
op, view and derivative rule runs unchanged; only the kernels differ. The kernel table here
answers each kernel with a ``MetaArray`` (a shape and a NumPy dtype, nothing else) whose shape
and dtype are those the CPU kernel would give: a handful of shape rules (broadcast, reduce,
matmul, windows, gather) serve every kernel. Nothing is ever allocated, so a meta tensor of
10**12 elements costs a few hundred bytes, and nothing can be read back: moving a meta tensor to
another device raises PyTorch's ``NotImplementedError``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np

from . import _core, _device

NO_DATA = "Cannot copy out of meta tensor; no data!"


class _Flags:
    __slots__ = ()
    c_contiguous = True


class MetaArray:
    """An array of ``shape`` and ``dtype`` without elements (the meta backend's storage). It
    offers what the binding reads from a backend array: ``shape``, ``dtype``, ``flags`` and
    ``reshape``."""

    __slots__ = ("dtype", "shape")
    flags = _Flags()

    def __init__(self, shape, dtype):
        self.shape = tuple(int(n) for n in shape)
        try:
            self.dtype = np.dtype(dtype)
        except TypeError:
            # The binding reads a backend array's dtype as NumPy's; NumPy has no bfloat16.
            raise TypeError(f"the meta device has no {dtype} tensors yet") from None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def reshape(self, *shape):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        if -1 in shape:
            known = math.prod(n for n in shape if n != -1)
            shape = tuple(self.size // known if n == -1 else n for n in shape)
        return MetaArray(shape, self.dtype)

    def strided_view(self, shape, strides, offset):
        """The engine's view of this storage: only its shape matters here."""
        return MetaArray(shape, self.dtype)

    def __repr__(self) -> str:
        return f"MetaArray(shape={self.shape}, dtype={self.dtype.name})"


_BOOL = np.dtype(np.bool_)
_INT64 = np.dtype(np.int64)
_COMPARISONS = frozenset(("eq", "ne", "lt", "le", "gt", "ge"))


def _like(x, shape=None, dtype=None) -> MetaArray:
    return MetaArray(x.shape if shape is None else shape, x.dtype if dtype is None else dtype)


def _broadcast(*arrays) -> tuple:
    return np.broadcast_shapes(*(a.shape for a in arrays))


def _reduced(shape, axes, keepdim: bool) -> tuple:
    axes = {a % len(shape) for a in axes} if shape else set()
    if keepdim:
        return tuple(1 if k in axes else n for k, n in enumerate(shape))
    return tuple(n for k, n in enumerate(shape) if k not in axes)


def _matmul_shape(a: tuple, b: tuple) -> tuple:
    """``np.matmul``'s result shape (1-D operands get a dimension that is dropped again)."""
    if not a or not b:
        raise RuntimeError("both arguments to matmul need to be at least 1D")
    left = (1, *a) if len(a) == 1 else a
    right = (*b, 1) if len(b) == 1 else b
    if left[-1] != right[-2]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({math.prod(left[:-1])}x{left[-1]} and "
            f"{right[-2]}x{right[-1]})"
        )
    out = (*np.broadcast_shapes(left[:-2], right[:-2]), left[-2], right[-1])
    if len(b) == 1:
        out = out[:-1]
    if len(a) == 1:
        out = out[:-2] + out[-1:] if len(b) > 1 else out[:-1]
    return out


def _window_counts(size, kernel, stride, padding, dilation) -> tuple:
    """Output positions along each of the two window axes."""
    counts = tuple(
        (n + 2 * p - d * (k - 1) - 1) // s + 1
        for n, k, s, p, d in zip(size, kernel, stride, padding, dilation, strict=True)
    )
    if min(counts) <= 0:
        raise RuntimeError(
            f"Given input size per channel: ({size[0]} x {size[1]}). Calculated output size: "
            f"({counts[0]} x {counts[1]}). Output size is too small"
        )
    return counts


class MetaTable:
    """The meta device's kernel table: each kernel returns its result's shape and dtype as a
    ``MetaArray`` (never ``None``, which would send the kernel to the host)."""

    name = "meta"

    # ------------------------------------------------------------------ transfers

    def to_device(self, host: np.ndarray, index: int) -> MetaArray:
        return _like(host)

    def to_host(self, x):
        raise NotImplementedError(NO_DATA)

    def copy(self, x):
        return _like(x)

    def full(self, *, shape, value, dtype: str, device: int):
        return MetaArray(shape, dtype)

    def arange(self, *, start, step, length: int, dtype: str, device: int):
        return MetaArray((length,), dtype)

    def copy_into(self, dst, src):
        np.broadcast_shapes(dst.shape, src.shape)
        return dst

    # ------------------------------------------------------------------ elementwise

    def unary(self, x, op: str):
        return _like(x)

    def binary(self, a, b, op: str):
        return _like(a, _broadcast(a, b), _BOOL if op in _COMPARISONS else None)

    def where(self, cond, a, b):
        return _like(a, _broadcast(cond, a, b))

    def cast(self, x, dtype: str):
        return _like(x, dtype=dtype)

    # ------------------------------------------------------------------ reductions

    def reduce(self, x, op: str, axes: tuple, keepdim: bool):
        dtype = _INT64 if op in ("sum", "prod") and x.dtype == _BOOL else None
        return _like(x, _reduced(x.shape, axes, keepdim), dtype)

    def arg_reduce(self, x, op: str, axis: int, keepdim: bool):
        return _like(x, _reduced(x.shape, (axis,), keepdim), _INT64)

    def logsumexp(self, x, axis: int, keepdim: bool):
        return _like(x, _reduced(x.shape, (axis,), keepdim))

    def softmax(self, x, axis: int, log: bool):
        return _like(x)

    # ------------------------------------------------------------------ products

    def matmul(self, a, b):
        return _like(a, _matmul_shape(a.shape, b.shape))

    def matmul_transposed(self, a, b, bias=None, *, transpose_a: bool, transpose_b: bool):
        def op(shape, swap):
            return (*shape[:-2], shape[-1], shape[-2]) if swap else shape

        out = _matmul_shape(op(a.shape, transpose_a), op(b.shape, transpose_b))
        if bias is not None:
            out = np.broadcast_shapes(out, bias.shape)
        return _like(a, out)

    # ------------------------------------------------------------------ views and indexing

    def gather(self, x, shape, strides, offset):
        return _like(x, shape)

    def scatter_add(self, src, out_shape, shape, strides, offset):
        return _like(src, out_shape)

    def index_select(self, a, indices, axis: int):
        return _like(a, (*a.shape[:axis], *indices.shape, *a.shape[axis + 1 :]))

    def index_add(self, src, indices, axis: int, size: int):
        return _like(src, (*src.shape[:axis], size, *src.shape[axis + 1 :]))

    def gather_dim(self, a, index, axis: int):
        return _like(a, index.shape)

    def scatter_add_dim(self, a, index, src, axis: int):
        return _like(a)

    def cat(self, *arrays, axis: int):
        first = arrays[0]
        total = sum(a.shape[axis] for a in arrays)
        return _like(first, (*first.shape[:axis], total, *first.shape[axis + 1 :]))

    def argsort(self, x, axis: int, descending: bool):
        return _like(x, dtype=_INT64)

    # ------------------------------------------------------------------ scans

    def scan(self, x, op: str, axis: int, reverse: bool):
        return _like(x)

    def scan_arg_extreme(self, x, op: str, axis: int):
        return _like(x, dtype=_INT64)

    def linear_scan(self, a, b, axis: int, reverse: bool):
        return _like(b)

    # ------------------------------------------------------------------ windows

    def im2col(self, x, kernel, stride, padding, dilation):
        n, c, h, w = x.shape
        oh, ow = _window_counts((h, w), kernel, stride, padding, dilation)
        return _like(x, (n, c * kernel[0] * kernel[1], oh * ow))

    def col2im(self, cols, kernel, stride, padding, dilation, size):
        n, rows, _ = cols.shape
        return _like(cols, (n, rows // (kernel[0] * kernel[1]), *size))

    def max_pool2d_indices(self, x, kernel, stride, padding, dilation):
        n, c, h, w = x.shape
        return _like(x, (n, c, *_window_counts((h, w), kernel, stride, padding, dilation)), _INT64)


_core.register_meta_backend(MetaTable())


def empty(shape, dtype_name: str, requires_grad: bool = False):
    """A meta tensor of ``shape`` and dtype ``dtype_name`` (nothing is allocated)."""
    return _core.from_device_array(MetaArray(shape, dtype_name), "meta", requires_grad)


def requested(device) -> bool:
    """Whether a factory's ``device=`` (or, when None, the default device) is ``meta``."""
    if device is None:
        return _device.get_default_device().type == "meta"
    return _device.device(device).type == "meta"


def data_dependent(op: str):
    """PyTorch's error for an op whose output shape depends on values a meta tensor lacks."""
    return NotImplementedError(
        f"aten::{op}: attempted to run this operator with Meta tensors, but there was no fake "
        "impl or Meta kernel registered (its output shape depends on the tensor's values)."
    )


_Fill = TypeVar("_Fill", bound=Callable[..., Any])


def values_skipped_on_meta(fill: _Fill) -> _Fill:
    """``fill(tensor, ...)`` (an in-place initializer or sampler) that leaves a meta tensor as it
    is, as PyTorch's do: it has no values, and drawing samples of its size on the host would
    allocate them."""

    @functools.wraps(fill)
    def run(tensor, *args, **kwargs):
        if tensor.is_meta:
            return tensor
        return fill(tensor, *args, **kwargs)

    return cast(_Fill, run)
