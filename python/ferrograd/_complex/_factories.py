"""Complex tensors from data and from the factories given a complex ``dtype``: each builds the
real tensor of parts and wraps it."""

from __future__ import annotations

import math

import numpy as np

from ._tensor import make


def is_complex_request(data=None, dtype=None) -> bool:
    """Whether a factory call asks for a complex tensor: a complex ``dtype``, or complex
    numbers in ``data`` with no dtype given."""
    if dtype is not None:
        from .._dtype import to_dtype

        return to_dtype(dtype).is_complex
    if data is None or getattr(data, "_parts", None) is not None:
        return data is not None
    if isinstance(data, np.ndarray | np.generic):
        return data.dtype.kind == "c"
    try:
        return np.asarray(data).dtype.kind == "c"
    except (ValueError, TypeError):
        return False


def _complex_dtype(dtype, array: np.ndarray | None = None):
    from .._dtype import get_default_dtype, to_dtype

    if dtype is not None:
        return to_dtype(dtype)
    if array is not None and array.dtype.name in ("complex64", "complex128"):
        return to_dtype(array.dtype.name)
    return get_default_dtype().to_complex()


def from_array(array: np.ndarray):
    """A complex tensor sharing a complex NumPy array's memory (``from_numpy``)."""
    from .._creation import from_numpy

    if array.dtype.name not in ("complex64", "complex128"):
        raise TypeError(f"can't convert np.ndarray of type numpy.{array.dtype.name}")
    # a new last axis of size 1, read as two reals: the parts, over the same memory
    return make(from_numpy(array[..., None].view(array.real.dtype)))


def tensor(data, dtype=None, device=None, requires_grad: bool = False):
    """``ferrograd.tensor`` of complex data or with a complex dtype (a copy)."""
    from .._creation import tensor as real_tensor

    if getattr(data, "_parts", None) is not None:
        array = data.detach().cpu()._numpy()
    else:
        array = np.asarray(data)
    given = isinstance(data, np.ndarray) or getattr(data, "_parts", None) is not None
    target = _complex_dtype(dtype, array if given else None)
    array = np.array(array, dtype=np.dtype(target.name), order="C")
    parts = real_tensor(array[..., None].view(array.real.dtype), device=device)
    return make(parts).requires_grad_(requires_grad) if requires_grad else make(parts)


def full(shape, fill_value, dtype, device=None, requires_grad: bool = False):
    from .._creation import full as real_full

    value = complex(fill_value)
    parts = real_full([*shape, 2], 0.0, dtype=dtype.to_real(), device=device)
    parts.select(-1, 0).fill_(value.real)
    parts.select(-1, 1).fill_(value.imag)
    return make(parts.requires_grad_(requires_grad))


def random(kind: str, shape, dtype, device=None, requires_grad: bool = False, generator=None):
    """``randn``: real and imaginary parts each normal with variance 1/2 (so ``E|z|^2 = 1``),
    as PyTorch draws them; ``rand``: each uniform on [0, 1)."""
    from .. import _random

    draw = _random.randn if kind == "randn" else _random.rand
    parts = draw([*shape, 2], dtype.to_real(), device, False, generator)
    if kind == "randn":
        parts.mul_(math.sqrt(0.5))
    return make(parts.requires_grad_(requires_grad))
