"""Grad modes: ``no_grad``, ``enable_grad`` and ``set_grad_enabled``, usable as context managers
and as decorators. The mode is per thread, like PyTorch's."""

from __future__ import annotations

import functools
import inspect

from .. import _core


class _GradMode:
    """Base of the grad-mode switches: sets the mode on entry and restores it on exit."""

    enabled: bool = True

    def __init__(self) -> None:
        self._previous: list[bool] = []

    def __enter__(self):
        self._previous.append(_core.set_grad_enabled(self.enabled))
        return self

    def __exit__(self, *exc) -> None:
        _core.set_grad_enabled(self._previous.pop())

    def __call__(self, func):
        if inspect.isgeneratorfunction(func):
            raise TypeError(f"{type(self).__name__} cannot decorate generator functions")

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)

        return wrapper

    def clone(self):
        return type(self)()


class no_grad(_GradMode):
    """Operations inside do not record the graph: for inference and parameter updates."""

    enabled = False


class enable_grad(_GradMode):
    """Turns recording back on inside a ``no_grad`` region."""

    enabled = True


class set_grad_enabled(_GradMode):
    """Sets recording on or off: ``set_grad_enabled(False)`` works as a call, a context manager
    or a decorator."""

    def __init__(self, mode: bool) -> None:
        super().__init__()
        self.enabled = bool(mode)
        self._previous.append(_core.set_grad_enabled(self.enabled))
        self._entered = False

    def __enter__(self):
        self._entered = True
        return self

    def __exit__(self, *exc) -> None:
        _core.set_grad_enabled(self._previous.pop())

    def clone(self):
        clone = _GradMode()
        clone.enabled = self.enabled
        return clone

    def __call__(self, func):
        # Used as a decorator, the call that built this object must not change the mode.
        _core.set_grad_enabled(self._previous.pop())
        return super().__call__(func)


def is_grad_enabled() -> bool:
    return _core.is_grad_enabled()
