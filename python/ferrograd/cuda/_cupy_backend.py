"""The CUDA backend: the shared kernel table over CuPy, with fused CUDA kernels where the
array-API form would launch several (sigmoid, rsqrt, relu, erf), and vectorised kernels for the
commonest elementwise ops on large arrays (``_cupy_kernels``).

Matrix products go to cuBLAS through ``cupy.matmul``; reductions use CuPy's (CUB) reductions.
"""

from __future__ import annotations

import numpy as np

from ._cupy_kernels import FastElementwise
from ._table import KernelTable


def load():
    """A ``CupyTable`` when CuPy imports and sees a GPU, else ``None``."""
    # No CuPy (ImportError), a CuPy whose CUDA libraries do not load (ImportError, OSError), no
    # driver or no device (CuPy's CUDARuntimeError is a RuntimeError): CUDA is not available.
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None
    except (ImportError, OSError, RuntimeError):
        return None
    return CupyTable()


class CupyTable(KernelTable):
    name = "cupy"

    def __init__(self):
        import cupy
        import cupyx
        import cupyx.scipy.special

        self.xp = cupy  # before the table's init, which looks up the kernels in xp
        super().__init__()
        self._cupyx = cupyx
        self._special = cupyx.scipy.special
        self._fast = FastElementwise(cupy)
        self._fused_sigmoid = cupy.ElementwiseKernel(
            "T x", "T y", "y = T(1) / (T(1) + exp(-x))", "ferrograd_sigmoid"
        )
        self._fused_rsqrt = cupy.ElementwiseKernel("T x", "T y", "y = rsqrt(x)", "ferrograd_rsqrt")
        self._fused_relu = cupy.ElementwiseKernel(
            "T x", "T y", "y = (x > T(0) || x != x) ? x : T(0)", "ferrograd_relu"
        )

    def _upload(self, host, index):
        with self._on(index):
            return self.xp.array(host, copy=True)

    def _on(self, index):
        return self.xp.cuda.Device(index)

    def to_host(self, x):
        return np.ascontiguousarray(self.xp.asnumpy(x))

    def unary(self, x, op):
        # Small arrays (every op of a small model) go straight to the ufuncs.
        if x.size >= FastElementwise.MIN_ELEMENTS:
            out = self._fast.unary(x, op)
            if out is not None:
                return out
        if op == "rsqrt" and x.dtype.kind == "f":
            return self._fused_rsqrt(x)
        return super().unary(x, op)

    def binary(self, a, b, op):
        if a.size >= FastElementwise.MIN_ELEMENTS:
            out = self._fast.binary(a, b, op)
            if out is not None:
                return out
        return super().binary(a, b, op)

    def _relu(self, x):
        return self._fused_relu(x)

    def _sigmoid(self, x):
        return self._fused_sigmoid(x)

    def _erf(self, x):
        return self._special.erf(x).astype(x.dtype, copy=False)

    def _add_at(self, out, index, values):
        self._cupyx.scatter_add(out, index, values)

    def device_count(self) -> int:
        return self.xp.cuda.runtime.getDeviceCount()

    def device_name(self, index: int) -> str:
        props = self.xp.cuda.runtime.getDeviceProperties(index)
        name = props["name"]
        return name.decode() if isinstance(name, bytes) else str(name)

    def synchronize(self):
        self.xp.cuda.Device().synchronize()

    def empty_cache(self):
        self.xp.get_default_memory_pool().free_all_blocks()

    def from_dlpack(self, obj):
        return self.xp.from_dlpack(obj)
