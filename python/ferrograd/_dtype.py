"""Element types: ``ferrograd.float32`` and friends, PyTorch-style."""

from __future__ import annotations

import builtins

import numpy as np

from . import _core


class dtype:
    """An element type of tensors (``ferrograd.float32``, ``ferrograd.int64``, ...)."""

    __slots__ = ("is_complex", "is_floating_point", "is_signed", "itemsize", "name")

    def __init__(
        self,
        name: str,
        is_floating_point: builtins.bool,
        itemsize: builtins.int,
        is_signed: builtins.bool,
        is_complex: builtins.bool = False,
    ):
        self.name = name
        self.is_floating_point = is_floating_point
        self.itemsize = itemsize
        self.is_signed = is_signed
        self.is_complex = is_complex

    def to_real(self) -> dtype:
        """The real dtype of a complex one's parts (``complex64`` -> ``float32``); a real dtype
        is its own.

        >>> import ferrograd
        >>> ferrograd.complex128.to_real()
        ferrograd.float64
        """
        return _COMPLEX_PARTS.get(self, self)

    def to_complex(self) -> dtype:
        """The complex dtype whose parts are this floating dtype (``float32`` -> ``complex64``);
        a complex dtype is its own.

        >>> import ferrograd
        >>> ferrograd.float32.to_complex()
        ferrograd.complex64
        """
        if self.is_complex:
            return self
        found = _COMPLEX_OF.get(self.name)
        if found is None:
            raise RuntimeError(f"to_complex is not supported for {self} (no complex dtype has it)")
        return found

    def __repr__(self) -> str:
        return f"ferrograd.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))

    @property
    def numpy(self) -> np.dtype:
        """The NumPy dtype that holds this dtype's values: its own, but float32 for bfloat16,
        which NumPy lacks (every bfloat16 is a float32; ``Tensor.numpy()`` still refuses a
        bfloat16 tensor, as PyTorch's does)."""
        return np.dtype("float32" if self.name == "bfloat16" else self.name)


# The dtypes, as the engine defines them (name, kind, width, sign and PyTorch's scalar type name
# come from the Rust core, which also promotes them: one definition for both sides).
_TABLE = {row[0]: row for row in _core.dtype_table()}
_BY_NAME = {name: dtype(name, row[1], row[2], row[3]) for name, row in _TABLE.items()}

bool_ = _BY_NAME["bool"]
uint8 = _BY_NAME["uint8"]
int8 = _BY_NAME["int8"]
int16 = _BY_NAME["int16"]
int32 = _BY_NAME["int32"]
int64 = _BY_NAME["int64"]
float16 = _BY_NAME["float16"]
bfloat16 = _BY_NAME["bfloat16"]
float32 = _BY_NAME["float32"]
float64 = _BY_NAME["float64"]
# Complex dtypes are not the engine's: a complex tensor is held as a real tensor of its parts
# (``ferrograd._complex``), so they live only here.
complex64 = dtype("complex64", False, 8, True, is_complex=True)
complex128 = dtype("complex128", False, 16, True, is_complex=True)
_COMPLEX_PARTS = {complex64: float32, complex128: float64}
_COMPLEX_OF = {"float32": complex64, "float64": complex128}
_COMPLEX_NAMES = {"complex64": "ComplexFloat", "complex128": "ComplexDouble"}
_BY_NAME.update({"complex64": complex64, "complex128": complex128})

#: PyTorch's other names of dtypes (``torch.half``, ``torch.short``, ...).
_ALIASES = {
    "float": float32,
    "double": float64,
    "half": float16,
    "long": int64,
    "int": int32,
    "short": int16,
    "cfloat": complex64,
    "cdouble": complex128,
}
_PYTHON_TYPES = {
    builtins.float: float32,
    builtins.int: int64,
    builtins.bool: bool_,
    builtins.complex: complex64,
}

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
    raise TypeError(f"unsupported dtype {value!r}: ferrograd supports " + ", ".join(_BY_NAME))


#: The C++ element type PyTorch names in some messages (``expected dtype float ...``).
_CPP_NAMES = {
    "bool": "bool",
    "uint8": "unsigned char",
    "int8": "signed char",
    "int16": "short int",
    "int32": "int",
    "int64": "long",
    "float16": "c10::Half",
    "bfloat16": "c10::BFloat16",
    "float32": "float",
    "float64": "double",
    "complex64": "c10::complex<float>",
    "complex128": "c10::complex<double>",
}


def scalar_type_name(d: dtype, lower: builtins.bool = False) -> str:
    """PyTorch's name of a dtype in messages: ``Float``, ``Half``, ``Byte``, ... (``lower``: the
    C++ type, ``float``, ``c10::Half``, ...), so messages read as PyTorch's do."""
    if lower:
        return _CPP_NAMES[d.name]
    return _COMPLEX_NAMES[d.name] if d.is_complex else _TABLE[d.name][4]


def kernel_not_implemented(kernel: str, d: dtype) -> NotImplementedError:
    """PyTorch's error for a kernel that has no version for ``d``:
    ``"cumsum_out_cpu" not implemented for 'Bool'``."""
    return NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_type_name(d)}'")


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


def check_fits(values, d: dtype) -> None:
    """Python numbers given for an integer dtype (``tensor(data, dtype=)``, ``full``, ``fill_``,
    ``t[i] = v``) must fit it, as PyTorch checks them: uint8 also takes -255..-1 (which wrap),
    and a float must truncate into the range (NaN and infinities never fit)."""
    if d.is_floating_point or d.name == "bool":
        return
    array = np.asarray(values)
    if array.size == 0 or array.dtype.kind not in "fiu":
        return
    info = np.iinfo(d.numpy)
    if array.dtype.kind == "f":
        bad = ~np.isfinite(array) | (array < info.min) | (array >= info.max + 1)
    else:
        low = -info.max if d.name == "uint8" else info.min
        bad = (array < low) | (array > info.max)
    if bad.any():
        raise RuntimeError(f"value cannot be converted to type {d.name} without overflow")
