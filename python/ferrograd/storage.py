"""``torch.storage``: the storage a tensor views, as ``Tensor.untyped_storage()`` (bytes) and
``Tensor.storage()`` (elements of the tensor's dtype; deprecated in PyTorch, which warns once
per process on first use, as here).

A storage object here is a window on a tensor's memory, not an owner of it: it keeps the
tensor alive and reads and writes its storage's elements through a flat view of them.
"""

from __future__ import annotations

import warnings

__all__ = ["TypedStorage", "UntypedStorage", "is_storage"]

_warned_typed_storage = False


def _warn_typed_storage_removal(stacklevel: int = 2) -> None:
    """PyTorch's deprecation warning for ``TypedStorage``: once per process."""
    global _warned_typed_storage
    if _warned_typed_storage:
        return
    _warned_typed_storage = True
    warnings.warn(
        "TypedStorage is deprecated. It will be removed in the future and UntypedStorage will "
        "be the only storage class. This should only matter to you if you are using storages "
        "directly.  To access UntypedStorage directly, use tensor.untyped_storage() instead "
        "of tensor.storage()",
        UserWarning,
        stacklevel=stacklevel + 1,
    )


class _Storage:
    __slots__ = ("_tensor",)

    def __init__(self, tensor) -> None:
        self._tensor = tensor.detach()

    def data_ptr(self) -> int:
        """The address of the storage's first byte (0 on a device)."""
        return self._tensor._memory()[1]

    def nbytes(self) -> int:
        return self._tensor._memory()[2]

    @property
    def device(self):
        return self._tensor.device

    @property
    def is_cuda(self) -> bool:
        return self._tensor.device.type == "cuda"

    is_sparse = False

    def get_device(self) -> int:
        return self._tensor.get_device()

    def is_shared(self) -> bool:
        """True when the storage is in shared memory (see ``Tensor.share_memory_``)."""
        return self._tensor.is_shared()

    def share_memory_(self):
        """Moves the storage into shared memory (every tensor viewing it follows)."""
        self._tensor.share_memory_()
        return self

    def is_pinned(self, device=None) -> bool:
        return False


class UntypedStorage(_Storage):
    """The bytes a tensor views, shared by its base and every view of it.

    Examples:
        >>> import ferrograd
        >>> x = ferrograd.zeros(2, 3)
        >>> x[1].untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
        True
        >>> x.untyped_storage().nbytes()
        24
    """

    __slots__ = ()

    def size(self) -> int:
        return self.nbytes()

    def __len__(self) -> int:
        return self.nbytes()

    def element_size(self) -> int:
        return 1

    def __repr__(self) -> str:
        return f"UntypedStorage(data_ptr={self.data_ptr():#x}, nbytes={self.nbytes()})"


class TypedStorage(_Storage):
    """The elements of a tensor's storage in the tensor's dtype, flat, from the storage's start
    (``Tensor.storage()``; PyTorch deprecates it in favour of ``untyped_storage()``).

    Examples:
        >>> import ferrograd
        >>> import warnings
        >>> x = ferrograd.arange(6.0).reshape(2, 3)
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")  # the deprecation warning, given once
        ...     s = x[1].storage()
        >>> len(s), s[4], s.dtype
        (6, 4.0, ferrograd.float32)
    """

    __slots__ = ()

    def _elements(self):
        """Every element of the storage as a flat view."""
        return self._tensor.as_strided((self.size(),), (1,), 0)

    @property
    def dtype(self):
        return self._tensor.dtype

    @property
    def _untyped_storage(self) -> UntypedStorage:
        return UntypedStorage(self._tensor)

    def untyped(self) -> UntypedStorage:
        return self._untyped_storage

    def element_size(self) -> int:
        return self._tensor.element_size()

    def size(self) -> int:
        return self.nbytes() // self.element_size()

    def __len__(self) -> int:
        return self.size()

    def _index(self, idx) -> int:
        if isinstance(idx, slice):
            raise RuntimeError("slices are only supported in UntypedStorage.__getitem__")
        if isinstance(idx, bool) or not hasattr(idx, "__index__"):
            raise RuntimeError(f"can't index a {type(self)} with {type(idx)}")
        size = self.size()
        index = idx.__index__()
        if not -size <= index < size:
            raise IndexError(f"index {index} out of range for storage of size {size}")
        return index % size

    def __getitem__(self, idx):
        return self._elements()[self._index(idx)].item()

    def __setitem__(self, idx, value) -> None:
        self._elements()[self._index(idx)] = value

    def __iter__(self):
        return iter(self.tolist())

    def tolist(self) -> list:
        return self._elements().tolist()

    def type(self, dtype=None, non_blocking: bool = False):
        if dtype is None:
            return f"ferrograd.{_legacy_storage_name(self.dtype)}"
        return self._tensor.type(dtype, non_blocking).storage()

    def pickle_storage_type(self) -> str:
        return _legacy_storage_name(self.dtype)

    def __repr__(self) -> str:
        info = (
            f"[{type(self).__module__}.{type(self).__qualname__}(dtype={self.dtype}, "
            f"device={self.device}) of size {self.size()}]"
        )
        if self.device.type == "meta":
            return "...\n" + info
        return " " + "\n ".join(str(v) for v in self.tolist()) + "\n" + info

    __str__ = __repr__


def _legacy_storage_name(dtype) -> str:
    """``FloatStorage``, ``LongStorage``, ...: PyTorch's name of a dtype's old storage class."""
    names = {
        "float32": "Float",
        "float64": "Double",
        "float16": "Half",
        "bfloat16": "BFloat16",
        "int64": "Long",
        "int32": "Int",
        "int16": "Short",
        "int8": "Char",
        "uint8": "Byte",
        "bool": "Bool",
    }
    return names[str(dtype).rsplit(".", 1)[-1]] + "Storage"


def is_storage(obj) -> bool:
    """True for a storage object (``UntypedStorage`` or ``TypedStorage``)."""
    return isinstance(obj, _Storage)


class StorageMixin:
    """The Tensor methods about storage: ``storage``, ``untyped_storage``, ``share_memory_``,
    ``is_shared``."""

    __slots__ = ()

    def untyped_storage(self) -> UntypedStorage:
        """The storage this tensor views (shared by its base and every view of it), as bytes."""
        return UntypedStorage(self)

    def storage(self) -> TypedStorage:
        """The storage this tensor views, as elements of its dtype (from the storage's start,
        not the tensor's). Deprecated in PyTorch, which warns once per process: prefer
        ``untyped_storage()``.

        Examples:
            >>> import ferrograd
            >>> import warnings
            >>> x = ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]])
            >>> with warnings.catch_warnings():
            ...     warnings.simplefilter("ignore")  # the deprecation warning, given once
            ...     x[1].storage().tolist()
            [1.0, 2.0, 3.0, 4.0]
        """
        _warn_typed_storage_removal()
        return TypedStorage(self)

    def share_memory_(self):
        """Moves this tensor's storage into shared memory, where other processes can map it
        (``ferrograd.multiprocessing``); its base and every view of it move with it. A no-op
        when it is there already, and for a tensor on another device than the CPU.

        Examples:
            >>> import ferrograd
            >>> x = ferrograd.zeros(3)
            >>> row = x[1:]
            >>> x.share_memory_() is x, x.is_shared(), row.is_shared()
            (True, True, True)
        """
        from .multiprocessing import _shared_memory

        return _shared_memory.share_memory_(self)

    def is_shared(self) -> bool:
        """True when this tensor's storage is in shared memory (``share_memory_``)."""
        from .multiprocessing import _shared_memory

        return _shared_memory.is_shared(self)
