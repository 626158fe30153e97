"""``ferrograd.from_dlpack``: tensors that share memory with NumPy, CuPy or PyTorch arrays."""

from __future__ import annotations

import numpy as np

from . import _core
from ._base import TensorBase

_SUPPORTED = ("float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool")
# DLPack device types.
_CPU, _CUDA, _CUDA_HOST, _CUDA_MANAGED = 1, 2, 3, 13


def from_dlpack(ext):
    """A tensor sharing the memory of ``ext``, any object with ``__dlpack__`` and
    ``__dlpack_device__`` (a NumPy array, a CuPy array, a PyTorch tensor, ...). Host memory is
    shared when it is C-contiguous and writeable, else copied; device memory goes to the CUDA
    backend (CuPy) without a copy."""
    if isinstance(ext, TensorBase):
        return ext
    if not hasattr(ext, "__dlpack__"):
        raise TypeError(f"from_dlpack expects an object with __dlpack__, got {type(ext).__name__}")
    kind, index = ext.__dlpack_device__() if hasattr(ext, "__dlpack_device__") else (_CPU, 0)
    if kind in (_CPU, _CUDA_HOST):
        array = np.from_dlpack(ext)
        _check_dtype(array.dtype)
        return _core.from_numpy(array, True)
    if kind in (_CUDA, _CUDA_MANAGED):
        from . import cuda

        table = cuda._require(int(index))
        array = table.from_dlpack(ext)
        _check_dtype(np.dtype(array.dtype))
        return _core.from_device_array(array, f"cuda:{int(index)}", False)
    raise RuntimeError(f"from_dlpack: unsupported DLPack device type {kind}")


def _check_dtype(dtype) -> None:
    if np.dtype(dtype).name not in _SUPPORTED:
        raise TypeError(
            f"from_dlpack: unsupported dtype {np.dtype(dtype).name}; supported are "
            f"{', '.join(_SUPPORTED)}"
        )
