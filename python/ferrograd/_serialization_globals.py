"""The classes and functions a ferrograd file may name, and how ``load`` finds them.

A file written by ``save`` names a class (for each object it holds) or a function (for an
attribute such as a transformer layer's ``activation``) by its module and qualified name. This
module turns such a name back into the class or function without importing anything and without
running any code: names are looked up only in modules already in ``sys.modules``, by reading
their ``__dict__`` (never ``getattr``, so no module ``__getattr__`` or descriptor runs), and a
class is accepted only if an instance can be made with ``object.__new__`` and restored by
filling its ``__dict__`` (no ``__init__``, ``__setstate__`` or ``__del__`` ever runs).

It also keeps PyTorch's allowlist for ``weights_only`` loads: ``add_safe_globals``,
``get_safe_globals``, ``clear_safe_globals`` and the ``safe_globals`` context manager.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterable
from pickle import UnpicklingError

__all__ = [
    "UnpicklingError",
    "add_safe_globals",
    "clear_safe_globals",
    "get_safe_globals",
    "safe_globals",
]

# Read through the descriptors of ``type`` and ``ModuleType`` themselves, so that neither a
# metaclass nor a module subclass can run code while a name is looked up.
_module_dict = types.ModuleType.__dict__["__dict__"].__get__
_class_dict = type.__dict__["__dict__"].__get__
_class_mro = type.__dict__["__mro__"].__get__
_class_module = type.__dict__["__module__"].__get__
_class_qualname = type.__dict__["__qualname__"].__get__
_class_flags = type.__dict__["__flags__"].__get__
_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: set for classes made at run time, not built-in ones

# ----------------------------------------------------------------------------- the allowlist

_marked_safe: list = []  # what add_safe_globals was given, in order, without repeats


def _checked_entry(entry):
    if isinstance(entry, tuple):
        if len(entry) != 2:
            raise ValueError(
                "add_safe_globals: a tuple entry must be (class or function, 'module.qualname'), "
                f"got a tuple of length {len(entry)}"
            )
        if type(entry[1]) is not str:
            raise TypeError(
                "add_safe_globals: the second item of a tuple entry must be the full name as a "
                f"str, got {type(entry[1]).__name__}"
            )
        if not callable(entry[0]):
            raise TypeError(
                f"add_safe_globals: expected a class or function, got {type(entry[0]).__name__}"
            )
        return entry
    if not callable(entry):
        raise TypeError(
            f"add_safe_globals: expected a class or function, got {type(entry).__name__}"
        )
    return entry


def add_safe_globals(safe_globals: Iterable[Callable | tuple[Callable, str]]) -> None:
    """Allows the given classes and functions in files loaded with ``weights_only=True``. An
    entry is a class or function, or ``(class_or_function, "module.qualname")`` to match a file
    that names it differently (a class that has moved since the file was written)."""
    for entry in safe_globals:
        entry = _checked_entry(entry)
        if entry not in _marked_safe:
            _marked_safe.append(entry)


def get_safe_globals() -> list[Callable | tuple[Callable, str]]:
    """The classes and functions ``add_safe_globals`` has allowed (a copy)."""
    return list(_marked_safe)


def clear_safe_globals() -> None:
    """Forgets every class and function ``add_safe_globals`` allowed."""
    _marked_safe.clear()


class safe_globals:
    """``with safe_globals([cls, ...]):`` allows those classes and functions for the loads made
    inside the block, and forgets the ones it added when the block ends."""

    def __init__(self, safe_globals: Iterable[Callable | tuple[Callable, str]]):
        self.safe_globals = [_checked_entry(entry) for entry in safe_globals]
        self._added: list = []

    def __enter__(self):
        self._added = [entry for entry in self.safe_globals if entry not in _marked_safe]
        add_safe_globals(self._added)
        return self

    def __exit__(self, *exc) -> None:
        for entry in self._added:
            if entry in _marked_safe:
                _marked_safe.remove(entry)
        self._added = []


def full_name(obj) -> str:
    if isinstance(obj, type):
        return f"{_class_module(obj)}.{_class_qualname(obj)}"
    return f"{getattr(obj, '__module__', None)}.{getattr(obj, '__qualname__', None)}"


def allowed_by_name() -> dict[str, object]:
    """Full name -> the class or function ``add_safe_globals`` allowed under it."""
    named = {}
    for entry in _marked_safe:
        if isinstance(entry, tuple):
            named[entry[1]] = entry[0]
        else:
            named[full_name(entry)] = entry
    return named


# ----------------------------------------------------------------------------- looking names up


def locate(module_name: str, qualname: str):
    """What ``module_name`` (already imported) holds under ``qualname`` (``Outer.Inner`` walks
    into classes), or a string saying why there is nothing there. Imports nothing, runs
    nothing."""
    module = sys.modules.get(module_name)
    if not isinstance(module, types.ModuleType):
        return (
            f"the module {module_name!r} is not imported (ferrograd.load never imports: import "
            "it before loading)"
        )
    found = module
    namespace = _module_dict(module)
    for part in qualname.split("."):
        if not part.isidentifier():
            return f"{qualname!r} is not the name of something defined at a module's top level"
        if part not in namespace:
            return f"the module {module_name!r} has no {qualname!r}"
        found = namespace[part]
        namespace = _class_dict(found) if isinstance(found, type) else {}
    return found


def saved_name(obj) -> tuple[str, str]:
    """The (module, qualname) under which ``save`` records a class or function, checked to lead
    back to ``obj``; raises ``TypeError`` when it does not (a lambda, a nested function or
    class, something defined under another name)."""
    if isinstance(obj, type):
        module, qualname = _class_module(obj), _class_qualname(obj)
    else:
        module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str):
        raise TypeError("it has no module and qualified name to be found by")
    if "<" in qualname:
        raise TypeError(
            "it is defined inside a function or is a lambda, which load could not find by name; "
            "define it at the top level of a module"
        )
    if locate(module, qualname) is not obj:
        raise TypeError(
            f"{module}.{qualname} does not lead back to it (it was renamed or replaced after it "
            "was defined)"
        )
    return module, qualname


# ----------------------------------------------------------------------------- restorable classes


def instance_dict_slot(cls: type):
    """The ``__dict__`` descriptor instances of ``cls`` have, if it is the one Python makes
    (a class that overrides ``__dict__`` could run code when it is read), else ``None``."""
    for klass in _class_mro(cls):
        own = _class_dict(klass)
        if "__dict__" in own:
            slot = own["__dict__"]
            return slot if isinstance(slot, types.GetSetDescriptorType) else None
    return None


def unrestorable_reason(cls: type) -> str | None:
    """Why objects of ``cls`` cannot be stored as a class name plus their ``__dict__`` (and so
    not be rebuilt by ``load`` without running code), or ``None`` when they can."""
    from ._base import TensorBase

    mro = _class_mro(cls)
    if any(klass is TensorBase for klass in mro):  # by identity: no metaclass __eq__ runs
        return "it is a tensor subclass that ferrograd does not store"
    for klass in mro[:-1]:
        if not _class_flags(klass) & _HEAP_TYPE:
            if klass is cls:
                return "it is a built-in (C) type, not a Python class with a __dict__"
            return f"it is built on the C type {_class_qualname(klass)}"
    if instance_dict_slot(cls) is None:
        return "its instances have no plain __dict__ to hold their state (a built-in or C type)"
    for klass in mro[:-1]:
        if "__del__" in _class_dict(klass):
            return (
                f"{_class_qualname(klass)} defines __del__, which would run on state taken from "
                "a file"
            )
    for klass in mro[:-1]:
        slots = _class_dict(klass).get("__slots__", ())
        if isinstance(slots, str):
            slots = (slots,)
        if [s for s in slots if s not in ("__dict__", "__weakref__")]:
            return f"{_class_qualname(klass)} keeps state in __slots__, which is not stored"
    try:  # harmless: no __del__ runs when this empty instance is dropped
        object.__new__(cls)
    except TypeError as error:  # built on a C type other than object, or abstract
        return f"object.__new__ cannot make one ({error})"
    return None


def new_instance(cls: type):
    """An empty instance made by ``object.__new__`` (never ``cls.__new__`` or ``__init__``), and
    its ``__dict__``. Raises ``TypeError`` for a class whose layout ``object.__new__`` refuses
    (one built on a C type other than ``object``, or one with abstract methods)."""
    obj = object.__new__(cls)
    return obj, instance_dict_slot(cls).__get__(obj)


# ----------------------------------------------------------------------------- default-trusted


_tensor_functions: dict[int, Callable] | None = None


def is_ferrograd_global(obj) -> bool:
    """Whether ``obj`` is one of ferrograd's tensor functions (``torch.tanh``, ``F.relu``,
    ``torch.linalg.norm`` ...: those the ``__torch_function__`` protocol covers) or one of its
    ``nn`` module classes, which ``weights_only=False`` loads restore by name without an
    allowlist. Other functions and classes named as values (any of which a program might call
    with the file's data) need ``add_safe_globals``."""
    global _tensor_functions
    if _tensor_functions is None:
        from .overrides import get_overridable_functions

        _tensor_functions = {
            id(f): f for functions in get_overridable_functions().values() for f in functions
        }
    if _tensor_functions.get(id(obj)) is obj:
        return True
    if isinstance(obj, type):
        from .nn.modules.module import Module

        module = _class_module(obj)
        return (
            any(klass is Module for klass in _class_mro(obj))
            and isinstance(module, str)
            and module.startswith("ferrograd.nn.")
        )
    return False
