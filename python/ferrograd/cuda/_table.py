"""The kernel table the engine calls for device tensors, written once against the array API
that NumPy and CuPy share (``xp``).

The Rust binding turns each kernel the engine dispatches to a device into one call
``table.<name>(*inputs, **params)`` (see ``rust/ferrograd-py/src/device_backend.rs``). Inputs
and results are arrays of the backend (``xp.ndarray``); results must have the dtype the engine's
CPU kernel gives (float32, float64, int64, int32 or bool). A method that is missing, or that
returns ``None``, makes the engine compute that kernel on the host and copy the result back.

Two backends use this table: CuPy on a GPU (``_cupy_backend``) and, in CI, NumPy arrays posing
as device arrays (``_numpy_backend``), so the whole device path is tested without a GPU.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np

_UNARY = {
    "neg": "negative",
    "abs": "absolute",
    "sign": "sign",
    "exp": "exp",
    "log": "log",
    "sqrt": "sqrt",
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "atan": "arctan",
    "asin": "arcsin",
    "acos": "arccos",
    "log2": "log2",
    "log10": "log10",
    "exp2": "exp2",
    "tanh": "tanh",
    "floor": "floor",
    "ceil": "ceil",
    "round": "rint",
    "trunc": "trunc",
    "log1p": "log1p",
    "expm1": "expm1",
    "reciprocal": "reciprocal",
    "square": "square",
}

_BINARY = {
    "add": "add",
    "sub": "subtract",
    "mul": "multiply",
    "div": "true_divide",
    "floor_div": "floor_divide",
    "rem": "remainder",
    "pow": "power",
    "maximum": "maximum",
    "minimum": "minimum",
    "atan2": "arctan2",
    "logaddexp": "logaddexp",
    "logaddexp2": "logaddexp2",
    "eq": "equal",
    "ne": "not_equal",
    "lt": "less",
    "le": "less_equal",
    "gt": "greater",
    "ge": "greater_equal",
    "and": "bitwise_and",
    "or": "bitwise_or",
    "xor": "bitwise_xor",
}

_HOST_INTEGER_OPS = frozenset(("pow", "floor_div", "rem"))

#: Every unary and binary kernel name the table answers (``tests/test_op_table.py`` checks
#: that each pointwise op of the engine's table is here). ``erf`` answers ``None`` where the
#: array library has no erf: the host computes it.
UNARY_OPS = frozenset(_UNARY) | {"not", "relu", "sigmoid", "rsqrt", "erf"}
BINARY_OPS = frozenset(_BINARY)
_COMPARISONS = frozenset(("eq", "ne", "lt", "le", "gt", "ge"))

_REDUCE = {"sum": "sum", "prod": "prod", "max": "max", "min": "min"}


class KernelTable:
    """Kernels over ``xp`` arrays. Subclasses set ``xp`` and may override single kernels with
    faster ones (fused CUDA kernels in the CuPy backend)."""

    xp = np
    #: Index kernels check their indices (an out-of-range index raises ``IndexError`` as on the
    #: CPU). On a GPU the check costs a device synchronisation.
    check_indices = True
    #: How many 0-d constants (``x * 2``, ``mean``'s divisor) stay cached on the device.
    scalar_cache_size = 1024

    def __init__(self):
        self._scalars: dict = {}
        # The array module's functions looked up once: every small op goes through these.
        xp = self.xp
        self._unary_fns = {op: getattr(xp, name) for op, name in _UNARY.items()}
        self._binary_fns = {op: getattr(xp, name) for op, name in _BINARY.items()}

    # ------------------------------------------------------------------ transfers

    def to_device(self, host: np.ndarray, index: int):
        """A device copy of a host array (0-d constants come from a small cache: they are
        never written to)."""
        if host.ndim == 0:
            key = (host.dtype.str, host.tobytes(), index)
            return self._cached_scalar(key, lambda: self._upload(host, index))
        return self._upload(host, index)

    def _cached_scalar(self, key, make):
        cached = self._scalars.get(key)
        if cached is None:
            if len(self._scalars) >= self.scalar_cache_size:
                self._scalars.clear()
            cached = self._scalars[key] = self._shared(make())
        return cached

    def _shared(self, constant):
        """A 0-d constant about to be cached (and so shared by every op that uses it)."""
        return constant

    def _upload(self, host: np.ndarray, index: int):
        return self.xp.array(host, copy=True)

    def _on(self, index: int):
        """A context in which new arrays are made on device ``index``."""
        return contextlib.nullcontext()

    # ------------------------------------------------------------------ creation

    def full(self, *, shape: tuple, value, dtype: str, device: int):
        """An array of ``shape`` whose every element is ``value`` (a bool, int or float that
        ``dtype`` holds exactly), on device ``device``; 0-d ones are cached constants."""
        if not shape:
            # Keyed by the bits, so that -0.0 and 0.0 stay apart.
            key = (dtype, value, math.copysign(1.0, value), device)
            return self._cached_scalar(key, lambda: self._full((), value, dtype, device))
        return self._full(shape, value, dtype, device)

    def _full(self, shape, value, dtype, device):
        with self._on(device):
            return self.xp.full(shape, value, dtype=dtype)

    def arange(self, *, start, step, length: int, dtype: str, device: int):
        """The ``length`` values ``start + i * step`` as ``dtype``, on device ``device``:
        computed in int64 for int ``start`` and ``step``, else in float64 (as the host does,
        so the values are the same), then converted."""
        xp = self.xp
        wide = xp.int64 if isinstance(start, int) else xp.float64
        with self._on(device):
            out = xp.arange(length, dtype=wide) * step + start
            return out.astype(dtype, copy=False)

    def to_host(self, x) -> np.ndarray:
        """A fresh, C-contiguous host copy."""
        return np.array(x, copy=True, order="C")

    def copy(self, x):
        """A C-contiguous copy of ``x`` (a strided view) in memory of its own."""
        return self.xp.array(x, copy=True, order="C")

    def copy_into(self, dst, src):
        """Writes ``src`` (broadcast) into the view ``dst``, in place; returns ``dst``."""
        dst[...] = src
        return dst

    # ------------------------------------------------------------------ elementwise

    def unary(self, x, op: str):
        fn = self._unary_fns.get(op)
        if fn is not None and (op != "sign" or x.dtype.kind != "b"):
            return fn(x)
        xp = self.xp
        if op == "not":
            return xp.logical_not(x) if x.dtype == xp.bool_ else xp.invert(x)
        if op == "relu":
            return self._relu(x)
        if op == "sigmoid":
            return self._sigmoid(x)
        if op == "rsqrt":
            return xp.reciprocal(xp.sqrt(x))
        if op == "erf":
            return self._erf(x)
        if op == "sign":
            return x.copy()  # bool
        return None

    def _relu(self, x):
        xp = self.xp
        zero = x.dtype.type(0)
        # NaN stays NaN, as in PyTorch.
        return (
            xp.where(xp.isnan(x), x, xp.maximum(x, zero))
            if x.dtype.kind == "f"
            else xp.maximum(x, zero)
        )

    def _sigmoid(self, x):
        xp = self.xp
        return xp.reciprocal(x.dtype.type(1) + xp.exp(-x))

    def _erf(self, x):
        return None  # the host computes it unless the backend has an erf

    def binary(self, a, b, op: str):
        fn = self._binary_fns.get(op)
        if fn is None:
            return None
        if op in _HOST_INTEGER_OPS and a.dtype.kind in "iu":
            # pow: negative integer exponents; floor_div, rem: division by zero (the host
            # kernel's semantics and errors).
            return None
        out = fn(a, b)
        return out if out.dtype == a.dtype or op in _COMPARISONS else out.astype(a.dtype)

    def where(self, cond, a, b):
        return self.xp.where(cond, a, b)

    def cast(self, x, dtype: str):
        return x.astype(dtype)

    # ------------------------------------------------------------------ reductions

    def reduce(self, x, op: str, axes: tuple, keepdim: bool):
        xp = self.xp
        if not axes:
            return x.copy()
        if op in ("max", "min") and any(x.shape[a] == 0 for a in axes):
            return None  # the host kernel's error for an empty reduction
        if op in ("sum", "prod"):
            dtype = x.dtype if x.dtype != xp.bool_ else xp.int64
            return getattr(xp, op)(x, axis=axes, keepdims=keepdim, dtype=dtype)
        name = _REDUCE.get(op)
        if name is None:
            return None
        return getattr(xp, name)(x, axis=axes, keepdims=keepdim)

    def arg_reduce(self, x, op: str, axis: int, keepdim: bool):
        xp = self.xp
        if x.shape[axis] == 0:
            return None
        out = (xp.argmax if op == "argmax" else xp.argmin)(x, axis=axis)
        if keepdim:
            out = xp.expand_dims(out, axis)
        return out.astype(xp.int64)

    def matmul(self, a, b):
        return self.xp.matmul(a, b)

    def matmul_transposed(self, a, b, bias=None, *, transpose_a: bool, transpose_b: bool):
        """``bias + op(a) @ op(b)``, ``op`` swapping the last two axes where asked (a view)."""
        xp = self.xp
        a = xp.swapaxes(a, -1, -2) if transpose_a else a
        b = xp.swapaxes(b, -1, -2) if transpose_b else b
        out = xp.matmul(a, b)
        return out if bias is None else out + bias

    # ------------------------------------------------------------------ strided views

    def _flat_positions(self, shape, strides, offset):
        """``offset + Σ i_k · strides_k`` for every index of ``shape``, as an int64 array."""
        xp = self.xp
        pos = xp.full(tuple(shape), offset, dtype=xp.int64)
        for k, (size, stride) in enumerate(zip(shape, strides, strict=True)):
            view = [1] * len(shape)
            view[k] = size
            pos = pos + (xp.arange(size, dtype=xp.int64) * stride).reshape(view)
        return pos

    def gather(self, x, shape, strides, offset):
        xp = self.xp
        flat = xp.ascontiguousarray(x).reshape(-1)
        if 0 in shape:
            return xp.zeros(tuple(shape), dtype=x.dtype)
        if all(s >= 0 for s in strides):
            itemsize = flat.dtype.itemsize
            view = xp.lib.stride_tricks.as_strided(
                flat[offset:], shape=tuple(shape), strides=tuple(s * itemsize for s in strides)
            )
            return view.copy()
        return flat[self._flat_positions(shape, strides, offset)]

    def scatter_add(self, src, out_shape, shape, strides, offset):
        xp = self.xp
        size = math.prod(out_shape)
        if src.size == 0:
            return xp.zeros(tuple(out_shape), dtype=src.dtype)
        src = src.reshape(tuple(shape))
        # Broadcast dimensions (stride 0) collapse into a sum first.
        zero_axes = tuple(
            k for k, (n, s) in enumerate(zip(shape, strides, strict=True)) if s == 0 and n > 1
        )
        if zero_axes:
            src = src.sum(axis=zero_axes, keepdims=True, dtype=src.dtype)
            shape = [1 if k in zero_axes else n for k, n in enumerate(shape)]
            if offset == 0 and _covers_contiguously(shape, strides, out_shape):
                return src.reshape(tuple(out_shape))  # the gradient of a broadcast: the sum is all
        out = xp.zeros(size, dtype=src.dtype)
        if _distinct_positions(shape, strides):
            positions = self._flat_positions(shape, strides, offset).reshape(-1)
            out[positions] = src.reshape(-1)
        else:
            self._add_at(
                out, self._flat_positions(shape, strides, offset).reshape(-1), src.reshape(-1)
            )
        return out.reshape(tuple(out_shape))

    def _add_at(self, out, index, values):
        """``out[index] += values`` with repeated indices accumulating."""
        np.add.at(out, index, values)

    # ------------------------------------------------------------------ index kernels

    def _resolved(self, idx, size: int, axis: int):
        xp = self.xp
        if self.check_indices and idx.size:
            bad = xp.logical_or(idx < -size, idx >= size)
            if bool(bad.any()):
                first = int(idx.reshape(-1)[int(xp.argmax(bad.reshape(-1)))])
                raise IndexError(
                    f"index {first} is out of bounds for dimension {axis} with size {size}"
                )
        return xp.where(idx < 0, idx + size, idx).astype(xp.int64)

    def index_select(self, a, indices, axis: int):
        if indices.ndim > 1:
            return None
        return self.xp.take(a, self._resolved(indices, a.shape[axis], axis), axis=axis)

    def index_add(self, src, indices, axis: int, size: int):
        xp = self.xp
        if indices.ndim > 1 or indices.size != src.shape[axis]:
            return None
        shape = list(src.shape)
        shape[axis] = size
        out = xp.zeros(tuple(shape), dtype=src.dtype)
        idx = self._resolved(indices, size, axis)
        moved = xp.moveaxis(out, axis, 0)
        self._add_at(moved, idx, xp.moveaxis(src, axis, 0))
        return out

    # ------------------------------------------------------------------ nn kernels

    def softmax(self, x, axis: int, log: bool):
        xp = self.xp
        shifted = x - x.max(axis=axis, keepdims=True)
        if log:
            return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
        e = xp.exp(shifted)
        return e / e.sum(axis=axis, keepdims=True)

    def logsumexp(self, x, axis: int, keepdim: bool):
        xp = self.xp
        if x.shape[axis] == 0:
            return None
        m = x.max(axis=axis, keepdims=True)
        m = xp.where(xp.isfinite(m), m, xp.zeros((), dtype=x.dtype))
        out = xp.log(xp.exp(x - m).sum(axis=axis, keepdims=True)) + m
        return out if keepdim else out.squeeze(axis)

    def _along(self, index, axis: int):
        """Open-mesh index arrays for every position of ``index``, with ``index`` at ``axis``."""
        xp = self.xp
        grids = []
        for k, n in enumerate(index.shape):
            if k == axis:
                grids.append(index.astype(xp.int64))
            else:
                view = [1] * index.ndim
                view[k] = n
                grids.append(xp.arange(n, dtype=xp.int64).reshape(view))
        return tuple(grids)

    def _check_dim_index(self, index, size: int, axis: int, op: str):
        if self.check_indices and index.size:
            bad = self.xp.logical_or(index < 0, index >= size)
            if bool(bad.any()):
                raise IndexError(
                    f"{op}(): index out of bounds for dimension {axis} with size {size}"
                )

    def gather_dim(self, a, index, axis: int):
        if (
            index.ndim != a.ndim
            or index.ndim == 0
            or any(index.shape[k] > a.shape[k] for k in range(a.ndim) if k != axis)
        ):
            return None
        self._check_dim_index(index, a.shape[axis], axis, "gather")
        return a[self._along(index, axis)]

    def scatter_add_dim(self, a, index, src, axis: int):
        if (
            index.ndim != a.ndim
            or index.ndim == 0
            or src.ndim != index.ndim
            or any(
                (index.shape[k] > a.shape[k] and k != axis) or index.shape[k] > src.shape[k]
                for k in range(a.ndim)
            )
        ):
            return None
        self._check_dim_index(index, a.shape[axis], axis, "scatter_add")
        out = a.copy()
        src = src[tuple(slice(0, n) for n in index.shape)]
        self._add_at(out, self._along(index, axis), src)
        return out

    def cat(self, *arrays, axis: int):
        return self.xp.concatenate(arrays, axis=axis)

    def argsort(self, x, axis: int, descending: bool):
        """Stable; NaN sorts as the largest value (last ascending, first descending)."""
        xp = self.xp
        if x.dtype.kind != "f":
            key = -x.astype(xp.int64) if descending else x
            return xp.argsort(key, axis=axis, kind="stable").astype(xp.int64)
        nan = xp.isnan(x)
        key = xp.where(nan, xp.zeros((), dtype=x.dtype), -x if descending else x)
        order = xp.argsort(key, axis=axis, kind="stable")
        if bool(nan.any()):
            # A second stable sort by group puts NaN first (descending) or last (ascending).
            group = (~nan if descending else nan).astype(xp.int8)
            regroup = xp.argsort(
                xp.take_along_axis(group, order, axis=axis), axis=axis, kind="stable"
            )
            order = xp.take_along_axis(order, regroup, axis=axis)
        return order.astype(xp.int64)

    # ------------------------------------------------------------------ scans

    def _scan_loop(self, first, n: int, step):
        """The lanes of a scan along the leading axis: ``out[0] = first``,
        ``out[j] = step(out[j - 1], j)``."""
        out = self.xp.empty((n, *first.shape), dtype=first.dtype)
        if n:
            out[0] = first
            for j in range(1, n):
                out[j] = step(out[j - 1], j)
        return out

    def scan(self, x, op: str, axis: int, reverse: bool):
        """The running sum, product or log-sum-exp along ``axis`` (from the end when
        ``reverse``); float32 accumulates in float64, as the host kernel does."""
        xp = self.xp
        lanes = xp.moveaxis(x.reshape(1) if x.ndim == 0 else x, axis, 0)
        if reverse:
            lanes = xp.flip(lanes, 0)
        wide = xp.float64 if lanes.dtype == xp.float32 else lanes.dtype
        if op == "logsumexp":
            lanes = lanes.astype(wide)
            out = self._scan_loop(lanes[0], lanes.shape[0], lambda h, j: xp.logaddexp(h, lanes[j]))
        else:
            out = (xp.cumsum if op == "sum" else xp.cumprod)(lanes, axis=0, dtype=wide)
        if reverse:
            out = xp.flip(out, 0)
        out = xp.moveaxis(out, 0, axis).astype(x.dtype, copy=False)
        return xp.ascontiguousarray(out).reshape(x.shape)

    def scan_arg_extreme(self, x, op: str, axis: int):
        """The index of the running max (``op="max"``) or min along ``axis``: the last of equal
        values, and the last NaN once one is met."""
        xp = self.xp
        lanes = xp.moveaxis(x.reshape(1) if x.ndim == 0 else x, axis, 0)
        n = lanes.shape[0]
        pick = xp.maximum if op == "max" else xp.minimum
        running = self._scan_loop(lanes[0], n, lambda m, j: pick(m, lanes[j]))
        reached = lanes == running
        if lanes.dtype.kind == "f":
            reached = reached | xp.isnan(lanes)
        where = xp.arange(n, dtype=xp.int64).reshape((n,) + (1,) * (lanes.ndim - 1))
        positions = xp.where(reached, where, xp.zeros((), dtype=xp.int64))
        indices = self._scan_loop(positions[0], n, lambda i, j: xp.maximum(i, positions[j]))
        return xp.ascontiguousarray(xp.moveaxis(indices, 0, axis)).reshape(x.shape)

    def linear_scan(self, a, b, axis: int, reverse: bool):
        """``h_i = a_i * h_(i-1) + b_i`` along ``axis`` (``h_(i+1)`` when ``reverse``),
        accumulated in float64."""
        xp = self.xp
        if b.ndim == 0:
            return b.copy()
        coef = xp.moveaxis(a, axis, 0).astype(xp.float64)
        term = xp.moveaxis(b, axis, 0).astype(xp.float64)
        if reverse:
            coef, term = xp.flip(coef, 0), xp.flip(term, 0)
        out = self._scan_loop(term[0], term.shape[0], lambda h, j: coef[j] * h + term[j])
        if reverse:
            out = xp.flip(out, 0)
        out = xp.moveaxis(out, 0, axis).astype(b.dtype)
        return xp.ascontiguousarray(out)

    def _windows(self, x, kernel, stride, padding, dilation, fill):
        """``(N, C, kh, kw, oh, ow)``: every window of the padded input."""
        xp = self.xp
        n, c, h, w = x.shape
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
        oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
        ow = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
        if oh <= 0 or ow <= 0:
            return None, 0, 0
        if ph or pw:
            padded = xp.full((n, c, h + 2 * ph, w + 2 * pw), fill, dtype=x.dtype)
            padded[:, :, ph : ph + h, pw : pw + w] = x
        else:
            padded = x
        rows = []
        for i in range(kh):
            row = []
            for j in range(kw):
                y0, x0 = i * dh, j * dw
                row.append(
                    padded[:, :, y0 : y0 + sh * (oh - 1) + 1 : sh, x0 : x0 + sw * (ow - 1) + 1 : sw]
                )
            rows.append(xp.stack(row, axis=2))
        return xp.stack(rows, axis=2), oh, ow

    def im2col(self, x, kernel, stride, padding, dilation):
        if x.ndim != 4:
            return None
        windows, oh, ow = self._windows(x, kernel, stride, padding, dilation, 0)
        if windows is None:
            return None
        n, c = x.shape[:2]
        return self.xp.ascontiguousarray(windows).reshape(n, c * kernel[0] * kernel[1], oh * ow)

    def col2im(self, cols, kernel, stride, padding, dilation, size):
        xp = self.xp
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
        h, w = size
        oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
        ow = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
        if (
            cols.ndim != 3
            or oh <= 0
            or ow <= 0
            or cols.shape[1] % (kh * kw)
            or cols.shape[2] != oh * ow
        ):
            return None
        n, c = cols.shape[0], cols.shape[1] // (kh * kw)
        cols = cols.reshape(n, c, kh, kw, oh, ow)
        out = xp.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
        for i in range(kh):
            for j in range(kw):
                y0, x0 = i * dh, j * dw
                out[:, :, y0 : y0 + sh * (oh - 1) + 1 : sh, x0 : x0 + sw * (ow - 1) + 1 : sw] += (
                    cols[:, :, i, j]
                )
        return xp.ascontiguousarray(out[:, :, ph : ph + h, pw : pw + w])

    def max_pool2d_indices(self, x, kernel, stride, padding, dilation):
        xp = self.xp
        if x.ndim != 4 or x.dtype.kind not in "fi":
            return None
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        windows, oh, ow = self._windows(x, kernel, stride, padding, dilation, fill)
        if windows is None:
            return None
        n, c, _, w = x.shape
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
        flat = windows.reshape(n, c, kh * kw, oh, ow)
        best = xp.argmax(flat, axis=2)  # first on ties
        ki, kj = best // kw, best % kw
        ys = xp.arange(oh, dtype=xp.int64).reshape(oh, 1) * sh + ki * dh - ph
        xs = xp.arange(ow, dtype=xp.int64).reshape(1, ow) * sw + kj * dw - pw
        return (ys * w + xs).astype(xp.int64)

    # ------------------------------------------------------------------ exchange

    def dlpack(self, x, **kwargs):
        return x.__dlpack__(**kwargs)

    def dlpack_device(self, x):
        return x.__dlpack_device__()

    def cuda_array_interface(self, x):
        return x.__cuda_array_interface__

    def from_dlpack(self, obj):
        return self.xp.from_dlpack(obj)

    def synchronize(self):
        pass

    def empty_cache(self):
        """Returns cached, unused device memory to the device (nothing is cached here)."""


def _covers_contiguously(shape, strides, out_shape) -> bool:
    """Whether a view (size-1 dimensions aside) walks ``out_shape`` in C order, once."""
    kept = [(n, s) for n, s in zip(shape, strides, strict=True) if n > 1]
    expected = 1
    for n, s in reversed(kept):
        if s != expected:
            return False
        expected *= n
    return expected == math.prod(out_shape)


def _distinct_positions(shape, strides) -> bool:
    """Whether a strided view (non-negative strides) reaches each position at most once."""
    dims = sorted((abs(s), n) for n, s in zip(shape, strides, strict=True) if n > 1)
    reach = 0
    for stride, n in dims:
        if stride <= reach:
            return False
        reach += stride * (n - 1)
    return True
