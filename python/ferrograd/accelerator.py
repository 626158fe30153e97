"""``torch.accelerator``: the device-generic view of the current accelerator, which for ferrograd is
CUDA (through ``ferrograd.cuda``). Newer PyTorch examples choose their device with it::

    device = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else "cpu"
"""

from __future__ import annotations

from . import cuda
from ._device import device

__all__ = [
    "current_accelerator",
    "current_device_index",
    "device_count",
    "empty_cache",
    "is_available",
    "synchronize",
]


def is_available() -> bool:
    """Whether an accelerator device can be used (a GPU with CuPy, or a test backend)."""
    return cuda.is_available()


def current_accelerator(check_available: bool = False):
    """``device('cuda')``, the accelerator type ferrograd supports; with ``check_available=True``,
    None when no such device can be used."""
    if check_available and not is_available():
        return None
    return device("cuda")


def device_count() -> int:
    return cuda.device_count()


def current_device_index() -> int:
    """The index of the current accelerator device; RuntimeError when there is none."""
    cuda._require()
    return cuda.current_device()


def synchronize(device=None) -> None:
    """Waits for the accelerator's queued work (a no-op without one)."""
    cuda.synchronize(device)


def empty_cache() -> None:
    cuda.empty_cache()
