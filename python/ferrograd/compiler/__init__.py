"""``ferrograd.compiler`` and ``ferrograd.compile``: PyTorch's compiler entry points.

ferrograd has no graph compiler: its graph is rebuilt as the code runs, and every op already
dispatches straight to a Rust kernel. ``compile`` therefore returns what it is given, so that
programs written for ``torch.compile`` run unchanged and give the eager results (which is what
a compiled program must give too). Its arguments are checked as PyTorch checks them, so a
misspelt mode fails here as it would there.
"""

from __future__ import annotations

import contextlib

__all__ = [
    "compile",
    "disable",
    "is_compiling",
    "is_dynamo_compiling",
    "list_backends",
    "reset",
    "set_stance",
]

_MODES = ("default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs")
_BACKENDS = ("inductor", "eager", "aot_eager", "cudagraphs")


def list_backends(exclude_tags=("debug", "experimental")) -> list[str]:
    """The backend names ``compile`` accepts (all of them run eagerly here)."""
    del exclude_tags
    return sorted(_BACKENDS)


def _check_arguments(mode, options, backend) -> None:
    if mode is not None and options is not None:
        raise RuntimeError(
            "Either mode or options can be specified, but both can't be specified at the same time."
        )
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if isinstance(backend, str) and backend not in _BACKENDS:
        raise ValueError(
            f"Invalid backend: {backend!r}, see `ferrograd.compiler.list_backends()` for "
            "available backends."
        )
    if backend is not None and not isinstance(backend, str) and not callable(backend):
        raise TypeError(f"backend must be a string or a callable, got {type(backend).__name__}")


def compile(
    model=None,
    *,
    fullgraph: bool = False,
    dynamic: bool | None = None,
    backend="inductor",
    mode: str | None = None,
    options: dict | None = None,
    name: str | None = None,
    disable: bool = False,
    **kwargs,
):
    """``model`` itself (a module or a function), after checking the arguments as PyTorch
    does; ``@compile`` and ``@compile(mode=...)`` work as decorators. See the module docstring
    for why nothing is compiled."""
    del fullgraph, dynamic, name, disable, kwargs
    _check_arguments(mode, options, backend)
    if model is None:
        return lambda fn: compile(fn, backend=backend, mode=mode, options=options)
    if not callable(model):
        raise RuntimeError("compile(): the model argument must be callable (a module or function)")
    return model


def disable(fn=None, recursive: bool = True, *, reason: str | None = None):
    """Marks ``fn`` as not to be compiled: it runs as written (as everything does here)."""
    del recursive, reason
    if fn is None:
        return lambda f: f
    return fn


def is_compiling() -> bool:
    """False: ferrograd never traces a program to compile it."""
    return False


is_dynamo_compiling = is_compiling


def reset() -> None:
    """Clears compilation caches; there are none."""


def set_stance(
    stance: str = "default", *, skip_guard_eval_unsafe: bool = False, force_backend=None
):
    """Accepted for PyTorch compatibility (also as a context manager); every stance runs
    eagerly here."""
    del stance, skip_guard_eval_unsafe, force_backend
    return contextlib.nullcontext()
