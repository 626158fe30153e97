"""``ferrograd.jit``: the TorchScript names programs call on their way to running eagerly.

ferrograd has no TorchScript: ``script`` and ``trace`` return what they are given (a module or
function that runs as written, with the results a scripted one would give), and the markers
(``ignore``, ``unused``, ``export``, ``Final``) are accepted. What only TorchScript can do,
saving and loading a scripted program, raises ``NotImplementedError`` saying what to use.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "Final",
    "export",
    "ignore",
    "is_scripting",
    "is_tracing",
    "load",
    "save",
    "script",
    "script_if_tracing",
    "trace",
    "unused",
]


def _callable_or_error(obj, name: str):
    if not callable(obj):
        raise RuntimeError(
            f"jit.{name}(): expected a module or a function, got {type(obj).__name__}"
        )
    return obj


def script(obj, optimize=None, _frames_up: int = 0, _rcb=None, example_inputs=None):
    """``obj`` itself: it runs eagerly, as every ferrograd program does."""
    del optimize, _frames_up, _rcb, example_inputs
    return _callable_or_error(obj, "script")


def trace(func, example_inputs=None, *args, **kwargs):
    """``func`` itself (no trace is recorded; its Python control flow stays live)."""
    del example_inputs, args, kwargs
    return _callable_or_error(func, "trace")


def script_if_tracing(fn):
    return fn


def is_scripting() -> bool:
    """False: code never runs under TorchScript here."""
    return False


def is_tracing() -> bool:
    """False: code never runs under the TorchScript tracer here."""
    return False


def ignore(drop=False, **kwargs):
    """Leaves a function to Python, as TorchScript's ``@ignore`` does (here everything is)."""
    del kwargs
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn):
    return fn


def export(fn):
    return fn


def save(m, f, _extra_files=None) -> None:
    raise NotImplementedError(
        "ferrograd has no TorchScript: save the model's state_dict with ferrograd.save "
        "(or the whole module with ferrograd.save(model, f)) instead of jit.save"
    )


def load(f, map_location=None, _extra_files=None):
    raise NotImplementedError(
        "ferrograd has no TorchScript and cannot load a TorchScript archive; load a state_dict "
        "saved with ferrograd.save (or safetensors) into the model's class instead"
    )
