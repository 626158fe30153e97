"""CPU tensors in shared memory, and how they cross between processes.

``share_memory_`` copies a tensor's storage into an anonymous shared-memory file (``memfd``)
mapped into this process, and points the engine's storage at it (``_move_storage``): the
tensor, its base and every view of it made before or after then read and write that memory.
A process started with ``fork`` inherits the mapping; any other process receives the file
descriptor itself (``multiprocessing.reduction.DupFd``: passed to a ``spawn`` child at start,
or through the resource sharer for a queue) with the storage's dtype and the tensor's layout,
and maps the same memory. No data goes through a file or a pickle, and no name needs
unlinking: the memory is freed when the last mapping and descriptor close.

A process keeps each segment's descriptor open while the storage lives (to send it again), so
it holds one descriptor per shared storage, as PyTorch's ``file_descriptor`` strategy does.
"""

from __future__ import annotations

import mmap
import os
import tempfile
import weakref
from multiprocessing import reduction

import numpy as np

# Storage start address -> the segment's descriptor, for storages in shared memory. An entry
# leaves when the NumPy array that owns the mapping is freed (with the storage).
_segments: dict[int, int] = {}


def _new_descriptor(nbytes: int) -> int:
    """A descriptor of ``nbytes`` of zeroed shared memory that no name refers to."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("ferrograd-shared", os.MFD_CLOEXEC)
    else:
        folder = "/dev/shm" if os.path.isdir("/dev/shm") else None
        with tempfile.TemporaryFile(dir=folder) as file:
            fd = os.dup(file.fileno())
    try:
        os.ftruncate(fd, nbytes)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _map(fd: int, nbytes: int, dtype: np.dtype) -> np.ndarray:
    """The segment behind ``fd`` as a flat writeable array of ``dtype``; it owns the mapping and
    records the segment, whose descriptor closes when the array is freed."""
    memory = np.frombuffer(mmap.mmap(fd, nbytes), dtype=dtype)
    start = memory.ctypes.data
    _segments[start] = fd
    weakref.finalize(memory, _forget, start, fd)
    return memory


def _forget(start: int, fd: int) -> None:
    if _segments.get(start) == fd:
        del _segments[start]
    os.close(fd)


def _storage(tensor) -> tuple[int, int]:
    """The storage's start address and size in bytes."""
    _, start, nbytes = tensor._memory()
    return start, nbytes


def is_shared(tensor) -> bool:
    """True when ``tensor``'s storage is in shared memory (a CPU tensor)."""
    if tensor.device.type != "cpu":
        return False
    return _storage(tensor)[0] in _segments


def share_memory_(tensor):
    """Moves ``tensor``'s storage (and so its base's and every view's) into shared memory; a
    no-op when it is there already, for a tensor on another device, or for no elements."""
    if tensor.device.type != "cpu" or is_shared(tensor):
        return tensor
    _, nbytes = _storage(tensor)
    if nbytes == 0:
        return tensor
    fd = _new_descriptor(nbytes)
    try:
        memory = _map(fd, nbytes, np.dtype(np.uint8))
    except BaseException:
        os.close(fd)
        raise
    tensor._move_storage(memory)
    return tensor


def _numpy_dtype(tensor) -> np.dtype:
    name = tensor._dtype
    if name == "bfloat16":
        raise TypeError(
            "a bfloat16 tensor in shared memory cannot be sent to another process (NumPy, "
            "which rebuilds it there, has no bfloat16): convert it to float32 first"
        )
    return np.dtype(name)


def reduce_shared(tensor, parameter: bool):
    """The pickle reduction of a tensor in shared memory: the segment's descriptor, its size
    and dtype, and the tensor's place in it; the receiver maps the same memory."""
    start, nbytes = _storage(tensor)
    layout = (tuple(tensor.shape), tuple(tensor.stride()), tensor.storage_offset())
    descriptor = reduction.DupFd(_segments[start])
    dtype = _numpy_dtype(tensor).str
    return rebuild_shared, (descriptor, nbytes, dtype, layout, tensor.requires_grad, parameter)


def rebuild_shared(descriptor, nbytes: int, dtype: str, layout, requires_grad: bool, parameter):
    """A tensor over the shared memory a peer sent (see ``reduce_shared``)."""
    from .. import _core

    memory = _map(descriptor.detach(), nbytes, np.dtype(dtype))
    storage = _core.from_numpy(memory, True)
    shape, stride, offset = layout
    whole = (shape == (memory.size,)) and stride == (1,) and offset == 0
    tensor = storage if whole else storage.as_strided(shape, stride, offset).detach()
    if parameter:
        from ..nn.parameter import Parameter

        return Parameter(tensor, requires_grad)
    return tensor.requires_grad_(requires_grad)
