"""PyTorch's legacy tensor types (``FloatTensor``, ``HalfTensor``, ``ByteTensor``, ``LongTensor``,
... one per dtype) as constructors (``FloatTensor(2, 3)`` of
sizes, ``FloatTensor([1, 2])`` of data) and as ``isinstance`` checks, and the type names of
``Tensor.type()``.

The names a tensor reports are PyTorch's (``'torch.FloatTensor'``): programs written for
PyTorch compare ``x.type()`` against those strings. ``'ferrograd.FloatTensor'`` is accepted too.
"""

from __future__ import annotations

from ._dtype import (
    bfloat16,
    bool_,
    dtype,
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    uint8,
)

_DTYPES = {
    "FloatTensor": float32,
    "DoubleTensor": float64,
    "HalfTensor": float16,
    "BFloat16Tensor": bfloat16,
    "ByteTensor": uint8,
    "CharTensor": int8,
    "ShortTensor": int16,
    "IntTensor": int32,
    "LongTensor": int64,
    "BoolTensor": bool_,
}
_BY_DTYPE = {d.name: name for name, d in _DTYPES.items()}


def legacy_type_name(d: dtype, cuda: bool = False) -> str:
    """``'torch.FloatTensor'`` for float32 on the CPU, ``'torch.cuda.FloatTensor'`` on a GPU."""
    return ("torch.cuda." if cuda else "torch.") + _BY_DTYPE[d.name]


def parse_legacy_type(value) -> tuple[dtype, bool | None]:
    """``(dtype, on_cuda)`` for what ``Tensor.type`` accepts: a dtype (device kept: None), a
    legacy class or a type name (``'torch.FloatTensor'`` is on the CPU,
    ``'torch.cuda.FloatTensor'`` on a GPU)."""
    if isinstance(value, _LegacyType):
        return _DTYPES[value.__name__], False
    if isinstance(value, str):
        parts = value.split(".")
        cuda = len(parts) == 3 and parts[1] == "cuda"
        name = parts[-1]
        if (
            parts[0] in ("torch", "ferrograd")
            and len(parts) in (2, 3)
            and (len(parts) == 2 or cuda)
            and name in _DTYPES
        ):
            return _DTYPES[name], cuda
        raise ValueError(f"invalid type: '{value}'")
    if isinstance(value, dtype):
        return value, None
    raise TypeError(
        f"type(): argument 'dtype' must be a dtype or a type name, not {type(value).__name__}"
    )


class _LegacyType(type):
    """The metaclass of the legacy types: calling one builds a tensor, ``isinstance`` checks a
    tensor's dtype (and that it is on the CPU)."""

    def __call__(cls, *args, device=None):
        from ._creation import empty, tensor
        from ._size import Size
        from ._tensor import Tensor

        name = cls.__name__
        d = _DTYPES[name]
        if not args:
            return empty(0, dtype=d, device=device)
        if len(args) == 1 and not isinstance(args[0], int) and not isinstance(args[0], Size):
            data = args[0]
            if isinstance(data, Tensor):
                if data.dtype is not d:
                    raise TypeError(f"expected {name[:-6]} (got {_BY_DTYPE[data.dtype.name][:-6]})")
                return data
            if isinstance(data, float):
                raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
            return tensor(data, dtype=d, device=device)
        sizes = args[0] if len(args) == 1 and isinstance(args[0], Size) else args
        for s in sizes:
            if not isinstance(s, int) or isinstance(s, bool):
                raise TypeError(
                    f"new(): argument 'size' must be tuple of ints, but found element of type "
                    f"{type(s).__name__}"
                )
        return empty(*sizes, dtype=d, device=device)

    def __instancecheck__(cls, obj) -> bool:
        from ._tensor import Tensor

        d = _DTYPES.get(cls.__name__)
        return isinstance(obj, Tensor) and obj.dtype is d and not obj.is_cuda

    def __repr__(cls) -> str:
        return f"<class 'ferrograd.{cls.__name__}'>"


def _legacy(name: str, doc: str):
    return _LegacyType(name, (), {"__doc__": doc, "__module__": "ferrograd"})


FloatTensor = _legacy("FloatTensor", "A float32 tensor: ``FloatTensor(sizes...)`` or ``(data)``.")
DoubleTensor = _legacy("DoubleTensor", "A float64 tensor (legacy constructor).")
HalfTensor = _legacy("HalfTensor", "A float16 tensor (legacy constructor).")
BFloat16Tensor = _legacy("BFloat16Tensor", "A bfloat16 tensor (legacy constructor).")
ByteTensor = _legacy("ByteTensor", "A uint8 tensor (legacy constructor).")
CharTensor = _legacy("CharTensor", "An int8 tensor (legacy constructor).")
ShortTensor = _legacy("ShortTensor", "An int16 tensor (legacy constructor).")
IntTensor = _legacy("IntTensor", "An int32 tensor (legacy constructor).")
LongTensor = _legacy("LongTensor", "An int64 tensor (legacy constructor).")
BoolTensor = _legacy("BoolTensor", "A bool tensor (legacy constructor).")

__all__ = [
    "BFloat16Tensor",
    "BoolTensor",
    "ByteTensor",
    "CharTensor",
    "DoubleTensor",
    "FloatTensor",
    "HalfTensor",
    "IntTensor",
    "LongTensor",
    "ShortTensor",
]
