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
    _core.exit_dual_level(level)


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
    return _core.make_dual(tensor, tangent, level)


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
    primal, tangent = _core.unpack_dual(tensor, level)
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    return UnpackedDualTensor(primal, tangent)
