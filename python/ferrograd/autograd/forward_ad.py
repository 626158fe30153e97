"""Forward-mode automatic differentiation, with PyTorch's ``torch.autograd.forward_ad`` API.

Inside a ``dual_level()``, ``make_dual(x, v)`` gives a dual tensor: ``x``'s values with the
tangent ``v``. Every operation on dual tensors computes its output's tangent (J·v) as it runs,
whatever the grad mode; ``unpack_dual(y)`` returns ``(primal, tangent)``. Tangents are dropped
when their level exits. One level can be open per thread at a time (as in PyTorch).

>>> import ferrograd as fg
>>> import ferrograd.autograd.forward_ad as fwAD
>>> x, v = fg.tensor([1.0, 2.0]), fg.tensor([1.0, 0.0])
>>> with fwAD.dual_level():
...     y = (fwAD.make_dual(x, v) ** 2).sum()
...     fwAD.unpack_dual(y).tangent
tensor(2.)
"""

from __future__ import annotations

import functools
import weakref
from typing import NamedTuple

from .. import _core
from .._base import TensorBase

__all__ = [
    "UnpackedDualTensor",
    "dual_level",
    "enter_dual_level",
    "exit_dual_level",
    "make_dual",
    "unpack_dual",
]


def enter_dual_level() -> int:
    """Opens a dual level on this thread and returns its index (use ``dual_level()`` instead
    where a ``with`` block fits)."""
    return _core.enter_dual_level()


def exit_dual_level(*, level: int | None = None) -> None:
    """Closes the dual level (the open one when ``level`` is None) and drops its tangents."""
    closing = _current_level() if level is None else level
    _core.exit_dual_level(level)
    for key, (_, _, entry_level) in list(_given_tangents.items()):
        if entry_level == closing:
            _given_tangents.pop(key, None)


def _current_level() -> int | None:
    return _core.current_dual_level()


class dual_level:
    """Context manager (and decorator) for a dual level: tangents made inside live until it exits.

    ``with dual_level() as level: ...``
    """

    def __enter__(self) -> int:
        self._level = enter_dual_level()
        return self._level

    def __exit__(self, *exc) -> None:
        exit_dual_level(level=self._level)

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with dual_level():
                return func(*args, **kwargs)

        return wrapper


def _check_tensor(value, what: str) -> None:
    if not isinstance(value, TensorBase):
        raise TypeError(f"{what} must be a Tensor, got {type(value).__name__}")


def make_dual(tensor, tangent, *, level: int | None = None):
    """A dual tensor: ``tensor``'s values (and autograd history) with ``tangent`` (same shape),
    at the open dual level. ``tensor`` itself is left unchanged."""
    _check_tensor(tensor, "make_dual: tensor")
    _check_tensor(tangent, "make_dual: tangent")
    if _current_level() is None:
        raise RuntimeError(
            "make_dual: there is no dual level open: create dual tensors inside "
            "`with forward_ad.dual_level():` (or after enter_dual_level())"
        )
    if _batched(tensor) or _batched(tangent):
        return _batched_dual(tensor, tangent, level)
    dual = _core.make_dual(tensor, tangent, level)
    key = id(dual)
    forget = functools.partial(_forget, key)
    _given_tangents[key] = (weakref.ref(dual, forget), tangent, _current_level())
    return dual


# The tangent objects given to ``make_dual``, by the dual tensor made (its id, a weak reference
# to it and the level): ``unpack_dual`` of that dual returns the very object, as PyTorch does,
# while the engine's tangent is still that tensor (not a copy made for a dtype change).
_given_tangents: dict[int, tuple] = {}


def _forget(key: int, _ref) -> None:
    _given_tangents.pop(key, None)


class UnpackedDualTensor(NamedTuple):
    """``(primal, tangent)`` of a dual tensor; ``tangent`` is None for a tensor without one."""

    primal: object
    tangent: object


def unpack_dual(tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """``(primal, tangent)`` at the open level: the primal keeps the values and autograd history
    (but no tangent); the tangent is None when ``tensor`` has none (or no level is open)."""
    _check_tensor(tensor, "unpack_dual: tensor")
    if _current_level() is None:
        return UnpackedDualTensor(tensor, None)
    if _batched(tensor):
        return _batched_unpack(tensor, level)
    primal, tangent = _core.unpack_dual(tensor, level)
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    given = _given_tangents.get(id(tensor))
    if given is not None and given[0]() is tensor and tangent._same(given[1]):
        tangent = given[1]
    return UnpackedDualTensor(primal, tangent)


# ----------------------------------------------------------------------------- under vmap


def _batched(x) -> bool:
    """A batched tensor of ``vmap`` (whose class only poses as Tensor)."""
    return not issubclass(type(x), _core.TensorImpl)


def _batched_dual(tensor, tangent, level):
    """``make_dual`` of batched tensors: the physical tensors, given the batch dimensions of
    either, made dual and batched again."""
    from ..func._batched import active_levels, batch_levels, expand_to_levels, wrap_levels

    present = set(batch_levels(tensor)) | set(batch_levels(tangent))
    levels = [lv for lv in active_levels() if lv.id in present]
    dual = _core.make_dual(
        expand_to_levels(tensor, levels), expand_to_levels(tangent, levels), level
    )
    return wrap_levels(dual, levels)


def _batched_unpack(tensor, level) -> UnpackedDualTensor:
    from ..func._batched import active_levels, strip_levels, wrap_levels

    physical, levels = strip_levels(tensor, list(active_levels()))
    primal, tangent = _core.unpack_dual(physical, level)
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    return UnpackedDualTensor(wrap_levels(primal, levels), wrap_levels(tangent, levels))
