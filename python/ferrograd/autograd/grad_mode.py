"""Grad modes: ``no_grad``, ``enable_grad`` and ``set_grad_enabled``, usable as context managers
and as decorators. The mode is per thread, like PyTorch's."""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .. import _core

if TYPE_CHECKING:
    from typing_extensions import Self

_F = TypeVar("_F", bound=Callable[..., Any])

__all__ = [
    "detect_anomaly",
    "enable_grad",
    "inference_mode",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    "no_grad",
    "set_detect_anomaly",
    "set_grad_enabled",
]


class _GradMode:
    """Base of the grad-mode switches: sets the mode on entry and restores it on exit."""

    enabled: bool = True

    def __init__(self) -> None:
        self._previous: list[bool] = []

    def __enter__(self) -> Self:
        self._previous.append(_core.set_grad_enabled(self.enabled))
        return self

    def __exit__(self, *exc: object) -> None:
        _core.set_grad_enabled(self._previous.pop())

    def __call__(self, func: _F) -> _F:
        if inspect.isgeneratorfunction(func):
            raise TypeError(f"{type(self).__name__} cannot decorate generator functions")

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature

    def clone(self) -> _GradMode:
        return type(self)()


class no_grad(_GradMode):
    """Context manager (and decorator) that turns off the recording of operations.

    Inside it, results of operations do not require gradients even when their inputs do, so no
    graph is kept: it saves memory and time in evaluation and in parameter updates. In-place
    updates of leaves that require gradients are allowed inside. The mode is per thread, and
    is restored on exit, also when an exception leaves the block.

    Examples:
        >>> import ferrograd
        >>> x = ferrograd.tensor([1.0], requires_grad=True)
        >>> with ferrograd.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
        >>> @ferrograd.no_grad()
        ... def doubler(x):
        ...     return x * 2
        >>> doubler(x).requires_grad
        False
    """

    enabled = False


class enable_grad(_GradMode):
    """Context manager (and decorator) that turns recording back on, inside a ``no_grad`` or
    ``set_grad_enabled(False)`` region.

    Examples:
        >>> import ferrograd
        >>> x = ferrograd.tensor([1.0], requires_grad=True)
        >>> with ferrograd.no_grad():
        ...     with ferrograd.enable_grad():
        ...         y = x * 2
        >>> y.requires_grad
        True
    """

    enabled = True


class set_grad_enabled(_GradMode):
    """Turns recording on or off: as a function call (for the rest of the thread's work), a
    context manager (until the block ends) or a decorator.

    Args:
        mode: whether operations are recorded.

    Examples:
        >>> import ferrograd
        >>> x = ferrograd.tensor([1.0], requires_grad=True)
        >>> with ferrograd.set_grad_enabled(False):
        ...     y = x * 2
        >>> y.requires_grad
        False
        >>> _ = ferrograd.set_grad_enabled(False)
        >>> (x * 2).requires_grad
        False
        >>> _ = ferrograd.set_grad_enabled(True)
    """

    def __init__(self, mode: bool) -> None:
        super().__init__()
        self.enabled = bool(mode)
        self._previous.append(_core.set_grad_enabled(self.enabled))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        _core.set_grad_enabled(self._previous.pop())

    def clone(self) -> _GradMode:
        clone = _GradMode()
        clone.enabled = self.enabled
        return clone

    def __call__(self, func: _F) -> _F:
        # Used as a decorator, the call that built this object must not change the mode.
        _core.set_grad_enabled(self._previous.pop())
        return super().__call__(func)


def is_grad_enabled() -> bool:
    return _core.is_grad_enabled()


class inference_mode(_GradMode):
    """Like ``no_grad``, and tensors made inside are inference tensors: using one where autograd
    would have to save it later raises, so nothing needs to be tracked for them."""

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        self.mode = bool(mode)

    def __enter__(self) -> Self:
        grad = _core.is_grad_enabled()
        inference = _core.set_inference_mode(self.mode)
        _core.set_grad_enabled(grad and not self.mode)
        self._previous.append((inference, grad))
        return self

    def __exit__(self, *exc: object) -> None:
        inference, grad = self._previous.pop()
        _core.set_inference_mode(inference)
        _core.set_grad_enabled(grad)

    def clone(self) -> _GradMode:
        return inference_mode(self.mode)


def is_inference_mode_enabled() -> bool:
    return _core.is_inference_mode_enabled()


def _format_stack() -> str:
    import traceback

    # Drop the frames of ferrograd itself so the trace ends at the user's operation.
    frames = [
        f
        for f in traceback.extract_stack()[:-1]
        if "/ferrograd/" not in f.filename.replace("\\", "/")
    ]
    return "".join(traceback.format_list(frames))


def _set_anomaly(enabled: bool, check_nan: bool) -> None:
    """Anomaly mode and its NaN check for this thread (``torch.set_anomaly_enabled``)."""
    _core.set_trace_provider(_format_stack)
    _core.set_anomaly_enabled(bool(enabled))
    _core.set_anomaly_check_nan(bool(check_nan))


class detect_anomaly:
    """Inside, every node remembers the Python stack that created it, and (with ``check_nan``)
    a backward that produces NaN raises an error naming the node and showing that stack. Slow:
    for debugging, as the warning given on creation says."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self._previous: list[tuple[bool, bool]] = []
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should "
            "only be enabled for debugging.",
            stacklevel=2,
        )

    def __enter__(self) -> Self:
        self._previous.append((is_anomaly_enabled(), is_anomaly_check_nan_enabled()))
        _set_anomaly(True, self.check_nan)
        return self

    def __exit__(self, *exc: object) -> None:
        _set_anomaly(*self._previous.pop())

    def __call__(self, func: _F) -> _F:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self:
                return func(*args, **kwargs)

        return wrapper


class set_detect_anomaly:
    """Turns anomaly detection on or off for this thread (see ``detect_anomaly``) when called;
    used as a context manager, the previous settings come back on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._previous = (is_anomaly_enabled(), is_anomaly_check_nan_enabled())
        _set_anomaly(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _set_anomaly(*self._previous)


def is_anomaly_enabled() -> bool:
    return _core.is_anomaly_enabled()


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly mode checks backward for NaN (True by default, as in PyTorch)."""
    return _core.is_anomaly_check_nan_enabled()
