"""CUDA devices.

GPU tensors are held by a device backend registered with the engine: a table of CuPy kernels
(``_cupy_backend``), written once against the array API NumPy and CuPy share (``_table``). The
engine routes every kernel of a ``cuda`` tensor to that table and runs the same derivative rules
as on the CPU; gradients of ``cuda`` leaves are accumulated in the engine's arena.

Without a GPU or without CuPy, ``is_available()`` is false and moving a tensor to CUDA raises a
``RuntimeError`` that says what to install. ``use_backend`` installs another backend, such as the
NumPy-backed test backend (``FERROGRAD_CUDA_BACKEND=numpy`` does that for a whole process).
"""

from __future__ import annotations

import os

from .. import _core

__all__ = [
    "as_tensor",
    "current_device",
    "device_array",
    "device_count",
    "empty_cache",
    "get_device_name",
    "is_available",
    "manual_seed",
    "manual_seed_all",
    "move",
    "synchronize",
    "use_backend",
]

_INSTALL_HINT = (
    "Install a matching CuPy (pip install 'ferrograd[cuda12]' or 'ferrograd[cuda13]') on a machine "
    "with an NVIDIA GPU."
)

_registered = None  # the registered kernel table
_probed = False  # whether CuPy was looked for


def use_backend(table):
    """Registers ``table`` as the backend for ``cuda`` tensors (``None`` removes it); returns the
    previous one. Tensors made by the previous backend must not be used afterwards."""
    global _registered, _probed
    previous = _registered
    _registered = table
    _probed = True
    _core.register_cuda_backend(table)
    return previous


def _backend():
    """The registered table, looking for CuPy the first time."""
    global _probed
    if _registered is None and not _probed:
        _probed = True
        choice = os.environ.get("FERROGRAD_CUDA_BACKEND", "").strip().lower()
        if choice == "numpy":
            from ._numpy_backend import NumpyTable

            use_backend(NumpyTable())
        elif choice != "none":
            from ._cupy_backend import load

            table = load()
            if table is not None:
                use_backend(table)
    return _registered


def is_available() -> bool:
    """Whether ``cuda`` tensors can be made (CuPy found a GPU, or a test backend is installed)."""
    return _backend() is not None


def device_count() -> int:
    table = _backend()
    return 0 if table is None else int(table.device_count())


def current_device() -> int:
    return 0


def get_device_name(device=None) -> str:
    return _require(_index(device)).device_name(_index(device))


def synchronize(device=None) -> None:
    """Waits for the GPU's queued work (a no-op without a backend)."""
    table = _backend()
    if table is not None:
        table.synchronize()


def empty_cache() -> None:
    """Returns the device memory the backend holds cached but unused (CuPy's memory pool) to the
    GPU; a no-op without a backend, as PyTorch's is before CUDA is initialised."""
    table = _backend()
    if table is not None:
        table.empty_cache()


def manual_seed(seed: int) -> None:
    """Seeds random numbers for CUDA tensors (they are drawn on the host, from the one
    generator)."""
    from .._creation import manual_seed as seed_all

    seed_all(seed)


manual_seed_all = manual_seed


def _index(device) -> int:
    from .._device import device as device_type

    if device is None:
        return 0
    if isinstance(device, int):
        return device
    return device_type(device).index or 0


def _require(index: int = 0):
    table = _backend()
    if table is None:
        raise RuntimeError(
            f"CUDA is not available: ferrograd found no GPU with CuPy. {_INSTALL_HINT}"
        )
    count = int(table.device_count())
    if index >= count:
        raise RuntimeError(
            f"CUDA error: invalid device ordinal: cuda:{index} requested but {count} device(s) "
            "are available"
        )
    return table


def move(t, target):
    """``t`` on ``target`` (differentiable: gradients flow back to ``t``'s device)."""

    if target.type == "cuda":
        _require(target.index or 0)
    return _core.to_device(t, target.engine_name)


def device_array(t):
    """The backend array (a CuPy array on a GPU) behind a ``cuda`` tensor, without a copy."""
    array = _core.device_array(t)
    if array is None:
        raise RuntimeError(f"expected a cuda tensor, got one on {t.device}")
    return array


def as_tensor(array, device=None, requires_grad: bool = False):
    """A ``cuda`` tensor around a backend array (a CuPy array), without a copy."""

    _require(_index(device))
    name = f"cuda:{_index(device)}"
    return _core.from_device_array(array, name, requires_grad)


def __getattr__(name: str):
    # torch.cuda.amp (PyTorch's deprecated AMP names) is imported on first use: it builds on
    # ferrograd.amp, which itself asks this module whether CUDA is available
    if name == "amp":
        import importlib

        return importlib.import_module(f"{__name__}.amp")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _reset_for_tests():
    """Forgets the registered backend (so the next use probes for CuPy again)."""
    global _registered, _probed
    _registered = None
    _probed = False
    _core.register_cuda_backend(None)
