"""Argument handling shared by the ``nn.functional`` modules: n-tuples of sizes, tensor and
range checks with PyTorch's exception classes, and the reductions of the losses."""

from __future__ import annotations

import warnings

from .._base import TensorBase
from .._errors import ShapeError


def _ntuple(value, n: int, name: str = "argument") -> tuple:
    """``value`` as a tuple of ``n`` ints: an int is repeated, a 1-sequence too."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int or a tuple of ints, got bool")
    if isinstance(value, int):
        return (value,) * n
    try:
        items = tuple(int(v) for v in value)
    except TypeError:
        raise TypeError(
            f"{name} must be an int or a tuple of {n} ints, got {type(value).__name__}"
        ) from None
    if len(items) == 1:
        return items * n
    if len(items) != n:
        raise ValueError(f"{name} must be an int or a tuple of {n} ints, got {items}")
    return items


def _pair(value, name: str = "argument") -> tuple:
    return _ntuple(value, 2, name)


def _single(value) -> int:
    if isinstance(value, int):
        return value
    (value,) = tuple(value)
    return int(value)


def _at_least(values, minimum: int, message: str):
    """``values`` when each is at least ``minimum``; else PyTorch's error (a ``ShapeError``, so a
    ``RuntimeError`` as PyTorch raises)."""
    if any(v < minimum for v in values):
        raise ShapeError(message.format(*values))
    return values


def _check_tensor(x, name: str, op: str) -> None:
    if not isinstance(x, TensorBase):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(x).__name__}")


def _check_float(x, op: str) -> None:
    if not x.is_floating_point():
        raise TypeError(f"{op}: expected a floating point input, got {x.dtype}")


def _check_dims(x, allowed: tuple, op: str, layout: str) -> bool:
    """Whether ``x`` lacks the batch dimension; raises unless ``x.ndim`` is in ``allowed``
    (``(unbatched, batched)`` ranks)."""
    _check_tensor(x, "input", op)
    if x.ndim not in allowed:
        raise ShapeError(
            f"{op}: expected a {allowed[0]}-D or {allowed[1]}-D input ({layout}), got input of "
            f"shape {tuple(x.shape)}"
        )
    return x.ndim == allowed[0]


def _reduce(loss, reduction: str):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _legacy_reduction(size_average, reduce, reduction: str) -> str:
    """The reduction the deprecated ``size_average``/``reduce`` pair names, as PyTorch maps it
    (either given overrides ``reduction``)."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    legacy = "none" if not reduce else ("mean" if size_average else "sum")
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{legacy}' "
        "instead.",
        stacklevel=3,
    )
    return legacy


def _full_like_const(x, shape, value: float, dtype=None):
    """A constant tensor (no grad) of ``shape`` on ``x``'s device, with ``x``'s dtype or
    ``dtype``."""
    from .. import _core

    name = (x.dtype if dtype is None else dtype).name
    return _core.full(list(shape), float(value), name, x._device)


def _from_numpy_like(x, array, dtype=None):
    """A NumPy array as a constant tensor on ``x``'s device (float arrays take ``x``'s dtype
    unless ``dtype`` says otherwise)."""
    from .. import _core

    if dtype is None and array.dtype.kind == "f":
        array = array.astype(x.dtype.name)
    elif dtype is not None:
        array = array.astype(dtype)
    out = _core.from_numpy(array, False)
    return out if x.device.type == "cpu" else out.to(x.device)
