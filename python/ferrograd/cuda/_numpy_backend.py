"""A device backend whose "device arrays" are NumPy arrays: CI runs the whole device path
(routing, the kernel table, derivative rules across the seam, gradients accumulated in the
arena, mixed-device errors) through it on machines without a GPU.

Turn it on for a test with ``ferrograd.cuda.use_backend(NumpyTable())``, or for a whole process
with the environment variable ``FERROGRAD_CUDA_BACKEND=numpy``.
"""

from __future__ import annotations

import math

import numpy as np

from ._table import KernelTable

_erf = np.frompyfunc(math.erf, 1, 1)


class NumpyTable(KernelTable):
    """The shared kernel table over ``numpy``. ``devices`` says how many CUDA devices it poses
    as."""

    xp = np
    name = "numpy (test backend)"

    def __init__(self, devices: int = 2):
        super().__init__()
        self.devices = devices
        #: (kernel name, op) of every call the engine routed here, when ``record`` is a list.
        self.record: list | None = None
        self.transfers = {"to_device": 0, "to_host": 0}

    def _upload(self, host, index):
        self._check_ordinal(index)
        self.transfers["to_device"] += 1
        return np.array(host, copy=True)

    def _shared(self, constant):
        constant.flags.writeable = False
        return constant

    def _on(self, index):
        self._check_ordinal(index)
        return super()._on(index)

    def _check_ordinal(self, index):
        if index >= self.devices:
            raise RuntimeError(
                f"CUDA error: invalid device ordinal (cuda:{index}; this backend has "
                f"{self.devices})"
            )

    def to_host(self, x):
        self.transfers["to_host"] += 1
        return super().to_host(x)

    def __getattribute__(self, name):
        value = object.__getattribute__(self, name)
        record = object.__getattribute__(self, "__dict__").get("record")
        if record is not None and name in _KERNELS:

            def logged(*args, **kwargs):
                record.append((name, kwargs.get("op")))
                return value(*args, **kwargs)

            return logged
        return value

    def _erf(self, x):
        return _erf(x).astype(x.dtype)

    def device_count(self) -> int:
        return self.devices

    def device_name(self, index: int) -> str:
        return f"ferrograd NumPy test device {index}"


_KERNELS = frozenset(
    "unary binary where cast reduce arg_reduce matmul matmul_transposed gather scatter_add "
    "index_select index_add softmax "
    "logsumexp gather_dim scatter_add_dim cat argsort im2col col2im max_pool2d_indices "
    "scan scan_arg_extreme linear_scan full arange".split()
)
