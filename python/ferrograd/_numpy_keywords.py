"""NumPy's keyword names where PyTorch accepts them: ``axis=`` for ``dim=`` and ``keepdims=`` for
``keepdim=``. PyTorch's argument parser maps these for every function and method that has a
``dim`` / ``keepdim`` parameter, so ``x.sum(1, keepdims=True)`` and ``torch.cat(xs, axis=0)`` are
common in real code (e.g. Karpathy's makemore). Here the functions that take ``dim`` or
``keepdim`` are wrapped once, at import, in a check that renames those two keywords.

The wrapper sits in front of every call of ``sum``, ``size``, ``softmax``, ``unsqueeze`` and
~70 more, so it is made with the wrapped function's own parameters (generated source, as
``dataclasses`` and ``namedtuple`` make theirs): CPython 3.11 runs a call between two such
functions without building an argument tuple and dict, where a ``*args, **kwargs`` wrapper
costs 120-250 ns per call. Functions that take ``*args`` / ``**kwargs`` themselves, or whose
required ``dim`` comes before another required parameter, keep the general wrapper."""

from __future__ import annotations

import functools
import inspect
import types

_RENAMES = {"axis": "dim", "keepdims": "keepdim"}
#: The file name in the code of the generated wrappers (their tracebacks show it).
WRAPPER_FILENAME = "<ferrograd numpy keywords>"


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
    if not renames or getattr(function, "_accepts_numpy_keywords", False):
        return function
    wrapper = _same_parameters_wrapper(function, renames) or _general_wrapper(function, renames)
    functools.update_wrapper(wrapper, function)
    wrapper._accepts_numpy_keywords = True
    return wrapper


def _general_wrapper(function, renames: dict[str, str]):
    def wrapper(*args, **kwargs):
        if kwargs and not renames.keys().isdisjoint(kwargs):
            kwargs = _renamed(kwargs, renames, function.__name__)
        return function(*args, **kwargs)

    return wrapper


class _Missing:
    """The default of a renamed parameter in a generated wrapper: not given by the caller."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<not given>"


_MISSING = _Missing()


def _same_parameters_wrapper(function, renames: dict[str, str]):
    """A wrapper with ``function``'s parameters plus the keyword-only NumPy names, which passes
    them on as they came; ``None`` where ``function``'s parameters do not allow one."""
    code = function.__code__
    if code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS):
        return None
    positional = code.co_varnames[: code.co_argcount]
    keyword_only = code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount]
    if not renames.keys().isdisjoint(positional + keyword_only):
        return None  # a decorated function whose inner one names the parameters differently
    defaults = function.__defaults__ or ()
    first_default = len(positional) - len(defaults)
    renamed = set(renames.values())
    namespace = {"_function": function, "_MISSING": _MISSING, "_multiple": _multiple}
    header, passed, checks = [], [], []
    for i, name in enumerate(positional):
        if name in renamed:
            # The caller may give it under either name, so the wrapper's own default only says
            # "not given"; a later required parameter would then need a default too.
            if i < first_default and any(j < first_default for j in range(i + 1, len(positional))):
                return None
            header.append(f"{name}=_MISSING")
        elif i >= first_default:
            namespace[f"_default_{name}"] = defaults[i - first_default]
            header.append(f"{name}=_default_{name}")
        else:
            header.append(name)
        passed.append(name)
        if i + 1 == code.co_posonlyargcount:
            header.append("/")
    header.append("*")
    kwdefaults = function.__kwdefaults__ or {}
    for name in keyword_only:
        if name in renamed:
            header.append(f"{name}=_MISSING")
        elif name in kwdefaults:
            namespace[f"_default_{name}"] = kwdefaults[name]
            header.append(f"{name}=_default_{name}")
        else:
            header.append(name)
        passed.append(f"{name}={name}")
    op = function.__name__
    for numpy_name, name in renames.items():
        header.append(f"{numpy_name}=_MISSING")
        if name in positional and positional.index(name) < first_default:
            absent = f"raise TypeError(\"{op}() missing 1 required positional argument: '{name}'\")"
        else:
            namespace[f"_default_{name}"] = (
                kwdefaults[name]
                if name in keyword_only
                else defaults[positional.index(name) - first_default]
            )
            absent = f"{name} = _default_{name}"
        checks.append(
            f"    if {numpy_name} is not _MISSING:\n"
            f"        if {name} is not _MISSING:\n"
            f"            raise _multiple({op!r}, {name!r})\n"
            f"        {name} = {numpy_name}\n"
            f"    elif {name} is _MISSING:\n"
            f"        {absent}\n"
        )
    source = (
        f"def {op}({', '.join(header)}):\n"
        + "".join(checks)
        + f"    return _function({', '.join(passed)})\n"
    )
    # The source is built above from parameter names only.
    exec(compile(source, WRAPPER_FILENAME, "exec"), namespace)
    return namespace[op]


def _multiple(op: str, name: str) -> TypeError:
    return TypeError(f"{op}() got multiple values for argument '{name}'")


def _renamed(kwargs: dict, renames: dict[str, str], name: str) -> dict:
    out = {}
    for key, value in kwargs.items():
        target = renames.get(key, key)
        if target in out:
            raise _multiple(name, target)
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
