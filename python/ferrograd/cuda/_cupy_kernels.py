"""Vectorised CUDA kernels for the commonest elementwise ops on large arrays.

CuPy's ufuncs move one element per thread; these move 16 bytes per thread and iteration, which
is what lifts ``a * b`` on 64M float32 elements from 0.58 to 0.96 of PyTorch's bandwidth on the
H200 measured (docs/DEVICES.md). For small arrays a launch costs what a ufunc call costs
(~8-11 µs of host time there, ``benches/gpu_overhead.py``), so they stay with the ufuncs, as do
broadcasting operands, integer dtypes and every other op.
"""

from __future__ import annotations

import numpy as np

# op -> C expression of x (and y), T being the element type.
BINARY_EXPRESSIONS = {"add": "x + y", "sub": "x - y", "mul": "x * y", "div": "x / y"}
UNARY_EXPRESSIONS = {
    "neg": "-x",
    "exp": "exp(x)",
    "tanh": "tanh(x)",
    "relu": "(x > T(0) || x != x) ? x : T(0)",  # NaN stays NaN, as in PyTorch
    "sigmoid": "T(1) / (T(1) + exp(-x))",
}
_C_TYPES = {"f": "float", "d": "double"}

_SOURCE = r"""
template <typename T> struct alignas(16) Pack { T v[16 / sizeof(T)]; };

template <typename T> __device__ __forceinline__ T op(T x, T y) { return EXPRESSION; }

// Vectors of 16 bytes through a grid-stride loop, then the scalar tail.
extern "C" __global__ void NAME(ARGS, CTYPE* __restrict__ out, long long n) {
    typedef CTYPE T;
    const int width = 16 / sizeof(T);
    long long start = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long stride = (long long)blockDim.x * gridDim.x;
    long long packs = n / width;
    for (long long i = start; i < packs; i += stride) {
        LOAD_PACKS
        Pack<T> r;
#pragma unroll
        for (int k = 0; k < width; ++k) r.v[k] = op<T>(PACK_X, PACK_Y);
        reinterpret_cast<Pack<T>*>(out)[i] = r;
    }
    for (long long i = packs * width + start; i < n; i += stride)
        out[i] = op<T>(SCALAR_X, SCALAR_Y);
}
"""

THREADS = 256
MAX_BLOCKS = 4096  # enough to fill the largest GPUs; the loop strides over the rest


def kernel_source(name: str, expression: str, ctype: str, arity: int) -> str:
    """The CUDA C++ source of one elementwise kernel (``arity`` 1 or 2)."""
    if arity == 2:
        args = "const CTYPE* __restrict__ a, const CTYPE* __restrict__ b"
        load = (
            "Pack<T> pa = reinterpret_cast<const Pack<T>*>(a)[i], "
            "pb = reinterpret_cast<const Pack<T>*>(b)[i];"
        )
        pack_y, scalar_y = "pb.v[k]", "b[i]"
    else:
        args = "const CTYPE* __restrict__ a"
        load = "Pack<T> pa = reinterpret_cast<const Pack<T>*>(a)[i];"
        pack_y, scalar_y = "T(0)", "T(0)"
    replacements = [
        ("ARGS", args),
        ("LOAD_PACKS", load),
        ("PACK_X", "pa.v[k]"),
        ("PACK_Y", pack_y),
        ("SCALAR_X", "a[i]"),
        ("SCALAR_Y", scalar_y),
        ("EXPRESSION", expression),
        ("NAME", name),
        ("CTYPE", ctype),
    ]
    source = _SOURCE
    for key, value in replacements:
        source = source.replace(key, value)
    return source


class FastElementwise:
    """Compiled kernels (made on first use) for large, C-contiguous float arrays."""

    #: Arrays with fewer elements go to the ufuncs (the launch cost dominates either way).
    MIN_ELEMENTS = 1 << 18

    def __init__(self, cupy):
        self.cupy = cupy
        self._int64 = np.int64
        self._kernels: dict = {}

    def _kernel(self, op: str, expression: str, dtype_char: str, arity: int):
        key = (op, dtype_char)
        kernel = self._kernels.get(key)
        if kernel is None:
            ctype = _C_TYPES[dtype_char]
            name = f"ferrograd_{op}_{ctype}"
            kernel = self._kernels[key] = self.cupy.RawKernel(
                kernel_source(name, expression, ctype, arity), name
            )
        return kernel

    def _takes(self, arrays) -> bool:
        """Whether the arrays are large, of one shape and float dtype, C-contiguous, 16-byte
        aligned and on the current device (where the kernel is launched)."""
        first = arrays[0]
        if first.size < self.MIN_ELEMENTS or first.dtype.char not in _C_TYPES:
            return False
        device = self.cupy.cuda.runtime.getDevice()
        for a in arrays:
            data = a.data
            if (
                data.device_id != device
                or data.ptr & 15
                or a.shape != first.shape
                or a.dtype != first.dtype
                or not a.flags.c_contiguous
            ):
                return False
        return True

    def _launch(self, kernel, inputs):
        out = self.cupy.empty_like(inputs[0])
        n = out.size
        blocks = min(MAX_BLOCKS, -(-n // (THREADS * 4)))
        kernel((blocks,), (THREADS,), (*inputs, out, self._int64(n)))
        return out

    def binary(self, a, b, op: str):
        """``op(a, b)`` when this path takes it, else ``None``."""
        expression = BINARY_EXPRESSIONS.get(op)
        if expression is None or not self._takes((a, b)):
            return None
        return self._launch(self._kernel(op, expression, a.dtype.char, 2), (a, b))

    def unary(self, x, op: str):
        expression = UNARY_EXPRESSIONS.get(op)
        if expression is None or not self._takes((x,)):
            return None
        return self._launch(self._kernel(op, expression, x.dtype.char, 1), (x,))
