"""Element types: ``ferrograd.float32`` and friends, PyTorch-style."""

from __future__ import annotations

import builtins

import numpy as np


class dtype:
    """An element type of tensors (``ferrograd.float32``, ``ferrograd.int64``, ...)."""

    __slots__ = ("is_floating_point", "is_signed", "itemsize", "name")

    def __init__(
        self,
        name: str,
        is_floating_point: builtins.bool,
        itemsize: builtins.int,
        is_signed: builtins.bool,
    ):
        self.name = name
        self.is_floating_point = is_floating_point
        self.itemsize = itemsize
        self.is_signed = is_signed

    def __repr__(self) -> str:
        return f"ferrograd.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))

    @property
    def numpy(self) -> np.dtype:
        return np.dtype(self.name)


float32 = dtype("float32", True, 4, True)
float64 = dtype("float64", True, 8, True)
int64 = dtype("int64", False, 8, True)
int32 = dtype("int32", False, 4, True)
bool_ = dtype("bool", False, 1, False)

_BY_NAME = {d.name: d for d in (float32, float64, int64, int32, bool_)}
_ALIASES = {"float": float32, "double": float64, "long": int64, "int": int32, "half": None}
_PYTHON_TYPES = {builtins.float: float32, builtins.int: int64, builtins.bool: bool_}

_default_float = float32


def _by_name(name: str) -> dtype:
    return _BY_NAME[name]


def to_dtype(value) -> dtype:
    """Resolves a dtype given as a ferrograd dtype, a name, a Python type or a NumPy dtype."""
    if isinstance(value, dtype):
        return value
    if isinstance(value, str):
        found = _BY_NAME.get(value) or _ALIASES.get(value)
        if found is not None:
            return found
    elif value in _PYTHON_TYPES:
        return _PYTHON_TYPES[value]
    else:
        try:
            name = np.dtype(value).name
        except TypeError:
            name = None
        if name in _BY_NAME:
            return _BY_NAME[name]
    raise TypeError(
        f"unsupported dtype {value!r}: ferrograd supports float32, float64, int64, int32 and bool"
    )


_SCALAR_TYPE_NAMES = {
    "float32": ("Float", "float"),
    "float64": ("Double", "double"),
    "int64": ("Long", "long"),
    "int32": ("Int", "int"),
    "bool": ("Bool", "bool"),
}


def scalar_type_name(d: dtype, lower: builtins.bool = False) -> str:
    """PyTorch's name of a dtype in messages: ``Float``, ``Double``, ``Long``, ... (``lower``:
    ``float``, ``double``, ...), so messages read as PyTorch's do."""
    names = _SCALAR_TYPE_NAMES.get(d.name, (d.name, d.name))
    return names[1] if lower else names[0]


def is_dtype_name(value) -> bool:
    """Whether a string names a dtype (``"float32"``, ``"long"``, ...) rather than a device."""
    return isinstance(value, str) and (value in _BY_NAME or value in _ALIASES)


def get_default_dtype() -> dtype:
    """The dtype of tensors made from Python floats."""
    return _default_float


def set_default_dtype(d) -> None:
    global _default_float
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type (got {d})")
    _default_float = d
