"""The ``__torch_function__`` protocol (``torch.overrides``): an object whose type defines
``__torch_function__(cls, func, types, args, kwargs)`` takes over any function of the
``ferrograd`` namespace, ``nn.functional`` or ``linalg`` it is passed to, and a
``TorchFunctionMode`` takes over every such call made while it is entered.

Each public function of those namespaces is wrapped once, at import (``install``), by
``_overridable``. Its fast path checks the arguments' types against a set of types known not to
override (tensors, numbers, strings, None, ...) and, when no mode is active, calls the function:
one set lookup per argument. Anything else takes ``_dispatch``, which looks inside lists and
tuples (``cat([a, b])``), learns new plain types, and hands the call to the modes, then to the
overriding types, most derived first.

Tensor methods take part through ``routed_method``: a subclass that defines
``__torch_function__`` has its methods routed (``ferrograd._mixins.overrides``), and while
``tensor_methods_dispatch()`` is active (``vmap`` holds it while it runs) so do the methods of
every tensor that take other tensors, so that ``plain.gather(1, batched_index)`` reaches the
batched argument's handler. Outside it, ``Tensor``'s methods are its own, at no cost. Modes
see the namespaces' functions, not Tensor methods.

``ferrograd.func.vmap`` is built on this protocol: its batched tensors override every function
they reach, and a mode catches random functions.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sys
import threading
import types as _types
from collections.abc import Callable, Iterable

__all__ = [
    "TorchFunctionMode",
    "get_overridable_functions",
    "handle_torch_function",
    "has_torch_function",
    "has_torch_function_unary",
    "has_torch_function_variadic",
    "is_tensor_like",
    "resolve_name",
]

# Types whose instances never override: the fast path's one set lookup per argument. Tensor
# types are added when first seen (a type that inherits the default ``__torch_function__``).
_PLAIN: set[type] = {
    int,
    float,
    bool,
    complex,
    str,
    bytes,
    type(None),
    slice,
    type(Ellipsis),
    _types.FunctionType,
    _types.BuiltinFunctionType,
}
_CONTAINERS = (list, tuple)
# The tensor classes among them (Tensor, Parameter, ...), registered as they are defined.
_PLAIN_TENSORS: set[type] = set()


class _State(threading.local):
    def __init__(self):
        self.modes: list = []  # the TorchFunctionMode stack, innermost last
        self.subclass_disabled = 0  # inside a default __torch_function__


_state = _State()
# How many modes are entered on all threads: the fast path reads this int, not the thread-local
# stack; a thread with no mode of its own then finds its stack empty in _dispatch.
_active_modes = [0]


def _default_torch_function():
    from ._tensor import Tensor

    return Tensor.__torch_function__.__func__


def _override_of(cls: type):
    """``cls.__torch_function__`` when ``cls`` overrides the protocol, else None (and ``cls``
    is remembered as plain)."""
    handler = getattr(cls, "__torch_function__", None)
    if handler is None or getattr(handler, "__func__", None) is _default_torch_function():
        if not issubclass(cls, _CONTAINERS):
            _PLAIN.add(cls)
        return None
    return handler


def _overloaded_types(values: Iterable) -> list[type]:
    """The overriding types among ``values`` (and the items of lists and tuples among them),
    each once, a subclass before its base classes, otherwise in order of appearance."""
    found: list[type] = []

    def visit(value, nested: bool) -> None:
        cls = type(value)
        if cls in _PLAIN:
            return
        if isinstance(value, _CONTAINERS):
            if not nested:
                for item in value:
                    visit(item, True)
            return
        if cls not in found and _override_of(cls) is not None:
            position = next((i for i, f in enumerate(found) if issubclass(cls, f)), len(found))
            found.insert(position, cls)

    for value in values:
        visit(value, False)
    return found


def has_torch_function(relevant_args: Iterable) -> bool:
    """Whether any of ``relevant_args`` (or an active mode) takes calls over."""
    return bool(_state.modes) or bool(_overloaded_types(relevant_args))


def _plain_tensors(*values) -> bool:
    """Whether each of ``values`` is None or a tensor of a class that leaves
    ``__torch_function__`` to the default, with no mode active: then no handler takes the call
    over. A set lookup per value, for the fast paths of functions that each forward pass calls
    (False does not mean an override: other values go through ``has_torch_function``)."""
    if _active_modes[0]:
        return False
    tensors = _PLAIN_TENSORS
    for value in values:
        if value is not None and type(value) not in tensors:
            break
    else:
        return True
    return False


def has_torch_function_unary(arg) -> bool:
    return has_torch_function((arg,))


def has_torch_function_variadic(*args) -> bool:
    return has_torch_function(args)


def is_tensor_like(obj) -> bool:
    """A Tensor, or an object whose type implements ``__torch_function__``."""
    from ._base import TensorBase

    return isinstance(obj, TensorBase) or getattr(type(obj), "__torch_function__", None) is not None


def resolve_name(func) -> str | None:
    """``ferrograd.add``, ``ferrograd.nn.functional.linear``, ``Tensor.sum``: the public name of
    an overridable function (None for another callable)."""
    return getattr(func, "_overridable_name", None)


def aliases(func) -> list[str]:
    """Every public name of an overridable function (``vstack`` is also ``row_stack``)."""
    return getattr(func, "_overridable_aliases", None) or [resolve_name(func)]


def handle_torch_function(public_api: Callable, relevant_args: Iterable, *args, **kwargs):
    """Calls the active mode, or else the ``__torch_function__`` of the overriding types among
    ``relevant_args``, for ``public_api(*args, **kwargs)``; the first answer other than
    ``NotImplemented`` is the result."""
    overloaded = _overloaded_types(relevant_args)
    state = _state
    if state.modes:
        mode = state.modes.pop()
        _active_modes[0] -= 1
        try:
            result = mode.__torch_function__(public_api, tuple(overloaded), args, kwargs)
        finally:
            state.modes.append(mode)
            _active_modes[0] += 1
        if result is not NotImplemented:
            return result
    for cls in overloaded:
        result = cls.__torch_function__(public_api, tuple(overloaded), args, kwargs)
        if result is not NotImplemented:
            return result
    name = resolve_name(public_api) or getattr(public_api, "__name__", repr(public_api))
    handlers = "\n".join(f"  - {cls}" for cls in overloaded) or "  - (a mode)"
    raise TypeError(
        f"Multiple dispatch failed for '{name}'; all __torch_function__ handlers returned "
        f"NotImplemented:\n\n{handlers}"
    )


def _dispatch(public_api, implementation, args: tuple, kwargs: dict):
    """The slow path of an overridable function: modes first, then overriding arguments."""
    if _state.modes or (
        not _state.subclass_disabled and _overloaded_types((*args, *kwargs.values()))
    ):
        return handle_torch_function(public_api, (*args, *kwargs.values()), *args, **kwargs)
    return implementation(*args, **kwargs)


def _overridable(implementation: Callable, name: str) -> Callable:
    """``implementation`` behind the protocol: the same function unless an argument overrides
    or a mode is active. ``__wrapped__`` is the implementation itself.

    The wrapper is generated with the implementation's own parameters, so the common call
    costs one frame and one set lookup per argument (a list or tuple argument, as ``cat``
    takes, is looked into), with no packing of ``*args`` and ``**kwargs``."""
    try:
        # the callable's own parameters (a decorator's, such as ``with_out``'s, not those of
        # the function it wraps)
        signature = inspect.signature(implementation, follow_wrapped=False)
    except (TypeError, ValueError):  # pragma: no cover - every public function has one
        return _generic_overridable(implementation, name)
    namespace = {
        "_fg_impl": implementation,
        "_fg_plain": _PLAIN,
        "_fg_modes": _active_modes,
        "_fg_dispatch": _dispatch,
        "_fg_type": type,
    }
    parameters, positional, call_keywords, dict_keywords, checked = [], [], [], [], []
    named, defaults, keyword_defaults = [], [], {}
    varargs = varkw = None
    starred = slash = False
    for index, p in enumerate(signature.parameters.values()):
        default = ""
        if p.default is not p.empty:
            namespace[f"_fg_default{index}"] = p.default
            default = f"=_fg_default{index}"
        if p.kind is p.POSITIONAL_ONLY:
            slash = True
        elif slash:
            parameters.append("/")
            slash = False
        if p.kind is p.VAR_POSITIONAL:
            starred = True
            varargs = p.name
            parameters.append("*" + p.name)
            positional.append("*" + p.name)
            checked.append(("items", p.name))
        elif p.kind is p.VAR_KEYWORD:
            varkw = p.name
            parameters.append("**" + p.name)
            call_keywords.append(f"**{p.name}")
            checked.append(("items", p.name + ".values()"))
        else:
            if p.kind is p.KEYWORD_ONLY:
                if not starred:
                    parameters.append("*")
                    starred = True
                call_keywords.append(f"{p.name}={p.name}")
                dict_keywords.append(f"{p.name!r}: {p.name}")
                keyword_defaults[p.name] = p.default
            else:
                positional.append(p.name)
                named.append(p.name)
                defaults.append(p.default)
            parameters.append(p.name + default)
            if _may_be_tensor(p):
                checked.append(("value", p.name))
    if slash:
        parameters.append("/")
    namespace["_fg_slow"] = functools.partial(
        _dispatch_as_passed, namespace, implementation, tuple(defaults), keyword_defaults
    )
    slow = (
        f"return _fg_slow(({''.join(a + ', ' for a in named)}), {varargs or '()'}, "
        f"{{{', '.join(dict_keywords)}}}, {varkw or '{}'})"
    )
    lines = [f"def {implementation.__name__}({', '.join(parameters)}):"]
    lines.append(f"    if _fg_modes[0]: {slow}")
    for kind, expression in checked:
        if kind == "items":  # *args or **kwargs: each item plain, or a list or tuple of them
            # (a decorated function's ``*args`` holds layer_norm's shape and cat's tensors)
            lines += [
                f"    for _fg_item in {expression}:",
                "        _fg_kind = _fg_type(_fg_item)",
                "        if _fg_kind not in _fg_plain:",
                f"            if _fg_kind is not list and _fg_kind is not tuple: {slow}",
                "            for _fg_part in _fg_item:",
                f"                if _fg_type(_fg_part) not in _fg_plain: {slow}",
            ]
        else:  # a plain value, or a list or tuple of plain values (cat's tensors)
            lines += [
                f"    _fg_kind = _fg_type({expression})",
                "    if _fg_kind not in _fg_plain:",
                f"        if _fg_kind is not list and _fg_kind is not tuple: {slow}",
                f"        for _fg_item in {expression}:",
                f"            if _fg_type(_fg_item) not in _fg_plain: {slow}",
            ]
    lines.append(f"    return _fg_impl({', '.join([*positional, *call_keywords])})")
    source = "\n".join(lines) + "\n"
    exec(compile(source, f"<overridable {name}>", "exec"), namespace)
    public = namespace[implementation.__name__]
    namespace["_fg_public"] = public
    functools.update_wrapper(public, implementation)
    public._overridable_name = name
    return public


def _dispatch_as_passed(namespace, implementation, defaults, keyword_defaults, named, varargs,
                        keywords, varkw):  # fmt: skip
    """The slow path of a generated wrapper: ``_dispatch`` with the arguments as the caller
    (probably) passed them: trailing defaults and keyword-only defaults left out, so that
    handlers see ``f(x)`` rather than ``f(x, None, 1, False)``."""
    args = list(named)
    if not varargs:
        while args and args[-1] is defaults[len(args) - 1]:
            args.pop()
    args.extend(varargs)
    kwargs = {k: v for k, v in keywords.items() if v is not keyword_defaults[k]}
    kwargs.update(varkw)
    return _dispatch(namespace["_fg_public"], implementation, tuple(args), kwargs)


def _may_be_tensor(parameter: inspect.Parameter) -> bool:
    """Whether the protocol looks at this parameter: one without a default, or defaulting to
    None (``bias=None``); not an option with a number, string or flag as default
    (``inplace=False``, ``dim=1``, ``reduction="mean"``). PyTorch's functions likewise look
    only at their Tensor parameters."""
    default = parameter.default
    return default is parameter.empty or default is None or type(default) not in _PLAIN


def _generic_overridable(implementation: Callable, name: str) -> Callable:
    plain = _PLAIN
    modes = _active_modes

    @functools.wraps(implementation)
    def public(*args, **kwargs):
        if not modes[0]:
            for value in (*args, *kwargs.values()):
                if type(value) not in plain:
                    break
            else:
                return implementation(*args, **kwargs)
        return _dispatch(public, implementation, args, kwargs)

    public._overridable_name = name
    return public


_OVERRIDABLE: dict[str, list[Callable]] = {}
_WRAPPERS: dict[Callable, Callable] = {}


def install(module, names: Iterable[str], prefix: str) -> None:
    """Puts each function ``module.<name>`` behind the protocol, in place (its name resolves to
    ``prefix + name``), also in the module that defines it. Classes, modules and other objects
    are left as they are. A namespace installs itself before other modules keep references to
    its functions (``nn.functional`` does, at the end of its import)."""
    wrapped = _OVERRIDABLE.setdefault(prefix.rstrip("."), [])
    for name in names:
        value = getattr(module, name, None)
        if not isinstance(value, _types.FunctionType):
            continue
        if hasattr(value, "_overridable_name"):  # made protocol-aware where it was defined
            wrapped.append(value)
            continue
        # one wrapper per function, whatever the names it is exported under (an alias stays
        # the same object: special.gammaln is ferrograd.lgamma)
        public = _WRAPPERS.get(value)
        if public is None:
            public = _WRAPPERS[value] = _overridable(value, prefix + name)
            public._overridable_aliases = [prefix + name]
        else:
            public._overridable_aliases.append(prefix + name)
        setattr(module, name, public)
        # where it is defined too, so that the calls other functions there make (conv1d's of
        # conv2d) take the protocol as well
        defining = sys.modules.get(value.__module__)
        if defining is not None and getattr(defining, name, None) is value:
            setattr(defining, name, public)
        wrapped.append(public)


# Public functions that take no tensors and configure or transform rather than compute: they
# stay as they are (``ferrograd.vmap is ferrograd.func.vmap``).
_IGNORED = {
    "ferrograd." + name
    for name in (
        "vmap load save manual_seed seed initial_seed get_rng_state set_rng_state "
        "set_default_dtype get_default_dtype set_default_device get_default_device "
        "is_grad_enabled is_inference_mode_enabled set_grad_enabled set_printoptions"
    ).split()
}
_IGNORED_MODULES = {"ferrograd._ops_config"}  # settings: use_deterministic_algorithms, ...

# The namespaces whose public functions are overridable (those present in this build).
_NAMESPACES = ("ferrograd", "ferrograd.nn.functional", "ferrograd.linalg", "ferrograd.special",
               "ferrograd.fft")  # fmt: skip


def install_namespaces() -> None:
    """Puts the public functions (``__all__``) of ``_NAMESPACES`` behind the protocol; called
    once, at the end of ``ferrograd``'s import."""
    import importlib
    import importlib.util

    for namespace in _NAMESPACES:
        if namespace != "ferrograd" and importlib.util.find_spec(namespace) is None:
            continue
        module = importlib.import_module(namespace)
        names = [
            n
            for n in getattr(module, "__all__", ())
            if namespace + "." + n not in _IGNORED
            and getattr(getattr(module, n, None), "__module__", None) not in _IGNORED_MODULES
        ]
        install(module, names, namespace + ".")


def get_overridable_functions() -> dict[str, list[Callable]]:
    """The functions behind the protocol, by namespace."""
    return {namespace: list(functions) for namespace, functions in _OVERRIDABLE.items()}


def routed_method(implementation: Callable, name: str) -> Callable:
    """The Tensor method ``implementation`` behind the protocol: handed to the handlers when
    ``self`` or an argument overrides, the method itself otherwise (and inside a default
    handler). Handlers receive the routed method as ``func``; ``resolve_name`` gives
    ``Tensor.<name>``."""
    plain = _PLAIN

    def method(self, *args, **kwargs):
        if type(self) in plain:
            for value in args:
                if type(value) not in plain:
                    break
            else:
                for value in kwargs.values():
                    if type(value) not in plain:
                        break
                else:
                    return implementation(self, *args, **kwargs)
        if not _state.subclass_disabled:
            relevant = (self, *args, *kwargs.values())
            if _overloaded_types(relevant):
                return handle_torch_function(method, relevant, self, *args, **kwargs)
        return implementation(self, *args, **kwargs)

    method.__name__ = name
    method.__qualname__ = "Tensor." + name
    method.__doc__ = getattr(implementation, "__doc__", None)
    method.__wrapped__ = implementation
    method._overridable_name = "Tensor." + name
    return method


# Methods that are not routed: the Python protocols that must stay plain (a routed
# __init_subclass__ or __torch_function__ would recurse).
_UNROUTED = {"__init_subclass__", "__torch_function__", "__new__", "__init__", "__repr__"}


def tensor_methods(cls) -> dict[str, Callable]:
    """The methods of ``cls`` (a Tensor class) that can be routed: its public functions and
    the indexing protocol, by name, as found through its bases."""
    found: dict[str, Callable] = {}
    for base in reversed(cls.__mro__):
        for name, value in vars(base).items():
            public = not name.startswith("_") or name in ("__getitem__", "__setitem__")
            if public and isinstance(value, _types.FunctionType) and name not in _UNROUTED:
                found[name] = value
    return found


def _takes_other_tensors(method: Callable) -> bool:
    """Whether a method has a parameter besides ``self`` that may be a tensor (only then can
    an overriding object reach it as an argument)."""
    try:
        parameters = list(inspect.signature(method).parameters.values())[1:]
    except (TypeError, ValueError):  # pragma: no cover
        return True
    return any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or _may_be_tensor(p) for p in parameters)


_armed = [0]
_arm_lock = threading.Lock()
_shadowed: dict[str, object] = {}
_routed_cache: dict[str, tuple[Callable, Callable]] = {}  # name -> (method, its routed form)
_routed_now: dict[str, Callable] = {}


def _routed_methods(cls) -> dict[str, Callable]:
    """The routed forms of ``cls``'s methods that take other tensors, made once per method."""
    out = {}
    for name, implementation in tensor_methods(cls).items():
        cached = _routed_cache.get(name)
        if cached is None or cached[0] is not implementation:
            routed = routed_method(implementation, name)
            takes = _takes_other_tensors(implementation)
            cached = _routed_cache[name] = (implementation, routed if takes else None)
        if cached[1] is not None:
            out[name] = cached[1]
    return out


@contextlib.contextmanager
def tensor_methods_dispatch():
    """While active (on any thread), the Tensor methods that take other tensors check their
    arguments for handlers (see the module docstring). Nests; the methods are restored when
    the last one exits."""
    from ._tensor import Tensor

    with _arm_lock:
        if _armed[0] == 0:
            if not _routed_now:  # Tensor's methods are final once ferrograd is imported
                _routed_now.update(_routed_methods(Tensor))
            for name, routed in _routed_now.items():
                _shadowed[name] = Tensor.__dict__.get(name, _NOTHING)
                setattr(Tensor, name, routed)
        _armed[0] += 1
    try:
        yield
    finally:
        with _arm_lock:
            _armed[0] -= 1
            if _armed[0] == 0:
                for name, previous in _shadowed.items():
                    if previous is _NOTHING:
                        delattr(Tensor, name)
                    else:
                        setattr(Tensor, name, previous)
                _shadowed.clear()


_NOTHING = object()


class TorchFunctionMode:
    """Entered (``with mode:``), its ``__torch_function__(func, types, args, kwargs)`` receives
    every overridable call on this thread; inside it the mode is off, so calling
    ``func(*args, **kwargs)`` runs the call as usual (or reaches the next mode)."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError

    def __enter__(self):
        _state.modes.append(self)
        _active_modes[0] += 1
        return self

    def __exit__(self, *exc) -> None:
        modes = _state.modes
        if not modes or modes[-1] is not self:
            raise RuntimeError("TorchFunctionMode exited out of order")
        modes.pop()
        _active_modes[0] -= 1


class _SubclassDispatchDisabled:
    """Inside a default ``__torch_function__``: calls run their implementation even when an
    argument is a Tensor subclass that overrides (modes still apply)."""

    def __enter__(self):
        _state.subclass_disabled += 1

    def __exit__(self, *exc) -> None:
        _state.subclass_disabled -= 1


disable_subclass_dispatch = _SubclassDispatchDisabled
