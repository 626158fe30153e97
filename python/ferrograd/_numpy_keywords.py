"""NumPy's keyword names where PyTorch accepts them: ``axis=`` for ``dim=`` and ``keepdims=`` for
``keepdim=``. PyTorch's argument parser maps these for every function and method that has a
``dim`` / ``keepdim`` parameter, so ``x.sum(1, keepdims=True)`` and ``torch.cat(xs, axis=0)`` are
common in real code (e.g. Karpathy's makemore). Here the functions that take ``dim`` or
``keepdim`` are wrapped once, at import, in a check that renames those two keywords."""

from __future__ import annotations

import functools
import inspect
import types

_RENAMES = {"axis": "dim", "keepdims": "keepdim"}


def _parameter_names(function) -> tuple[str, ...]:
    """The named parameters of ``function``, or of the function it wraps (``out=`` and other
    decorators take ``*args, **kwargs``)."""
    code = inspect.unwrap(function).__code__
    return code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]


def _renames_for(function) -> dict[str, str]:
    """The NumPy names this function should accept: those whose PyTorch name it has as a
    parameter and whose NumPy name it does not already use itself."""
    names = _parameter_names(function)
    return {old: new for old, new in _RENAMES.items() if new in names and old not in names}


def accepting_numpy_keywords(function):
    """``function``, also taking ``axis=`` / ``keepdims=`` for its ``dim`` / ``keepdim``; the
    function itself when it has neither parameter."""
    renames = _renames_for(function)
    if not renames:
        return function

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if kwargs and not renames.keys().isdisjoint(kwargs):
            kwargs = _renamed(kwargs, renames, function.__name__)
        return function(*args, **kwargs)

    return wrapper


def _renamed(kwargs: dict, renames: dict[str, str], name: str) -> dict:
    out = {}
    for key, value in kwargs.items():
        target = renames.get(key, key)
        if target in out:
            raise TypeError(f"{name}() got multiple values for argument '{target}'")
        out[target] = value
    return out


def _is_plain_function(value) -> bool:
    return isinstance(value, types.FunctionType)


def install_on_class(cls) -> None:
    """Wraps every plain method of ``cls`` and its bases that takes ``dim`` or ``keepdim``, the
    wrapped form set on ``cls`` itself."""
    for klass in reversed(cls.__mro__):
        for name, value in list(vars(klass).items()):
            if name.startswith("__") or not _is_plain_function(value):
                continue
            if getattr(cls, name, None) is not value:
                continue  # overridden further down the hierarchy
            wrapped = accepting_numpy_keywords(value)
            if wrapped is not value:
                setattr(cls, name, wrapped)


def install_in_namespace(namespace: dict, also=()) -> None:
    """Wraps the module-level functions in ``namespace`` that take ``dim`` or ``keepdim``. A
    module in ``also`` that holds the same function under some name gets the same wrapper, so
    names that are one function (``torch.pairwise_distance`` and ``F.pairwise_distance``) stay
    one."""
    wrapper_of = {}
    for name, value in list(namespace.items()):
        if not name.startswith("_") and _is_plain_function(value):
            wrapped = accepting_numpy_keywords(value)
            if wrapped is not value:
                namespace[name] = wrapper_of[id(value)] = wrapped
    for module in also:
        for name, value in list(vars(module).items()):
            if id(value) in wrapper_of and wrapper_of[id(value)].__wrapped__ is value:
                setattr(module, name, wrapper_of[id(value)])
