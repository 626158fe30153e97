"""``Module``: the base class of layers and models, with PyTorch's bookkeeping: parameters,
buffers and submodules registered by attribute assignment, hooks (forward, forward pre, full
backward, state-dict), ``state_dict``/``load_state_dict`` round trips, ``train``/``eval``
modes, dtype and device conversion and a PyTorch-style ``repr``."""

from __future__ import annotations

import contextlib
import functools
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ... import _core, _meta
from ..._base import TensorBase
from ..._grad_zeroing import zero_grads
from ...autograd import no_grad
from ..parameter import Buffer, Parameter, _TransientBuffer
from . import _hooks
from ._hooks import RemovableHandle, add_hook

# The global hook tables (filled and emptied in place, never rebound), read by every call.
_GLOBAL_FORWARD_PRE_HOOKS = _hooks.global_forward_pre_hooks
_GLOBAL_FORWARD_HOOKS = _hooks.global_forward_hooks
_GLOBAL_BACKWARD_HOOKS = _hooks.global_backward_hooks
_GLOBAL_BACKWARD_PRE_HOOKS = _hooks.global_backward_pre_hooks

if TYPE_CHECKING:
    from typing_extensions import Self

    from ..._tensor import Tensor

__all__ = [
    "Module",
    "register_module_backward_hook",
    "register_module_buffer_registration_hook",
    "register_module_forward_hook",
    "register_module_forward_pre_hook",
    "register_module_full_backward_hook",
    "register_module_full_backward_pre_hook",
    "register_module_module_registration_hook",
    "register_module_parameter_registration_hook",
]

_EXTRA_STATE_KEY_SUFFIX = "_extra_state"


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it missed and the ones it did not expect."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _addindent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


# --- global hooks -----------------------------------------------------------------------------


def register_module_forward_pre_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """``hook(module, args)`` before every module's forward (before its own pre-hooks)."""
    return add_hook(_hooks.global_forward_pre_hooks, hook, False)


def register_module_forward_hook(
    hook, *, with_kwargs: bool = False, always_call: bool = False
) -> RemovableHandle:
    """``hook(module, args, output)`` after every module's forward (before its own hooks)."""
    if with_kwargs:
        raise NotImplementedError("global forward hooks do not take with_kwargs")
    handle = add_hook(
        _hooks.global_forward_hooks, hook, False, _hooks.global_forward_hooks_always_called
    )
    if always_call:
        _hooks.global_forward_hooks_always_called.add(handle.id)
    return handle


def register_module_full_backward_pre_hook(hook: Callable[..., Any]) -> RemovableHandle:
    return add_hook(_hooks.global_backward_pre_hooks, hook, False)


def register_module_full_backward_hook(hook: Callable[..., Any]) -> RemovableHandle:
    return add_hook(_hooks.global_backward_hooks, hook, False)


def register_module_backward_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """PyTorch's deprecated non-full backward hook; here the same as the full one."""
    return register_module_full_backward_hook(hook)


def register_module_buffer_registration_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """``hook(module, name, buffer)`` whenever a buffer is registered; a returned tensor
    replaces it."""
    return add_hook(_hooks.global_buffer_registration_hooks, hook, False)


def register_module_module_registration_hook(hook: Callable[..., Any]) -> RemovableHandle:
    return add_hook(_hooks.global_module_registration_hooks, hook, False)


def register_module_parameter_registration_hook(hook: Callable[..., Any]) -> RemovableHandle:
    return add_hook(_hooks.global_parameter_registration_hooks, hook, False)


def _registered(hooks: OrderedDict, module, name: str, value):
    for hook in hooks.values():
        result = hook(module, name, value)
        if result is not None:
            value = result
    return value


class Module:
    """Base class for all neural network modules.

    A model subclasses it: ``__init__`` calls ``super().__init__()`` and then assigns layers
    (other modules), ``Parameter``s and buffers as attributes, which registers them;
    ``forward`` computes the output. Calling the module (``model(x)``) runs ``forward`` with
    the registered hooks. Registered members are found by ``parameters()``, saved by
    ``state_dict()``, moved by ``to()`` and switched by ``train()``/``eval()``, recursively.

    Examples:
        >>> import ferrograd
        >>> from ferrograd import nn
        >>> class Model(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.hidden = nn.Linear(4, 8)
        ...         self.out = nn.Linear(8, 2)
        ...
        ...     def forward(self, x):
        ...         return self.out(self.hidden(x).relu())
        >>> model = Model()
        >>> model(ferrograd.ones(3, 4)).shape
        ferrograd.Size([3, 2])
        >>> [name for name, _ in model.named_parameters()]
        ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
        >>> model
        Model(
          (hidden): Linear(in_features=4, out_features=8, bias=True)
          (out): Linear(in_features=8, out_features=2, bias=True)
        )
    """

    training: bool
    _version = 1
    call_super_init = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected arguments")
        setattr_ = object.__setattr__
        setattr_(self, "training", True)
        setattr_(self, "_parameters", OrderedDict())
        setattr_(self, "_buffers", OrderedDict())
        setattr_(self, "_non_persistent_buffers_set", set())
        setattr_(self, "_modules", OrderedDict())
        setattr_(self, "_forward_hooks", OrderedDict())
        setattr_(self, "_forward_hooks_with_kwargs", set())
        setattr_(self, "_forward_hooks_always_called", set())
        setattr_(self, "_forward_pre_hooks", OrderedDict())
        setattr_(self, "_forward_pre_hooks_with_kwargs", set())
        setattr_(self, "_backward_hooks", OrderedDict())
        setattr_(self, "_backward_pre_hooks", OrderedDict())
        setattr_(self, "_state_dict_hooks", OrderedDict())
        setattr_(self, "_state_dict_pre_hooks", OrderedDict())
        setattr_(self, "_load_state_dict_pre_hooks", OrderedDict())
        setattr_(self, "_load_state_dict_post_hooks", OrderedDict())

    # -- forward and hooks ---------------------------------------------------------------------

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Computes the module's output; every subclass defines it. Call the module itself
        (``module(x)``) rather than ``forward``, so that the hooks run.
        """
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # every module call of a forward pass asks this: checked inline, no method frame
        if (
            self._forward_pre_hooks
            or self._forward_hooks
            or self._backward_hooks
            or self._backward_pre_hooks
            or _GLOBAL_FORWARD_PRE_HOOKS
            or _GLOBAL_FORWARD_HOOKS
            or _GLOBAL_BACKWARD_HOOKS
            or _GLOBAL_BACKWARD_PRE_HOOKS
        ):
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    def _call_with_hooks(self, args: tuple, kwargs: dict):
        for hook_id, hook in (
            *_hooks.global_forward_pre_hooks.items(),
            *self._forward_pre_hooks.items(),
        ):
            if hook_id in self._forward_pre_hooks_with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(
                            "forward pre-hook must return None or a tuple of (new_args, "
                            f"new_kwargs), but got {result}."
                        )
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        backward_hooks = [*_hooks.global_backward_hooks.values(), *self._backward_hooks.values()]
        backward_pre_hooks = [
            *_hooks.global_backward_pre_hooks.values(),
            *self._backward_pre_hooks.values(),
        ]
        recorder = None
        if (backward_hooks or backward_pre_hooks) and _core.is_grad_enabled():
            recorder = _hooks.BackwardHook(self, backward_hooks, backward_pre_hooks)
            args = recorder.setup_input_hook(tuple(args))
        forward_hooks = [
            *[
                (i, h, i in _hooks.global_forward_hooks_always_called)
                for i, h in _hooks.global_forward_hooks.items()
            ],
            *[
                (i, h, i in self._forward_hooks_always_called)
                for i, h in self._forward_hooks.items()
            ],
        ]
        try:
            result = self.forward(*args, **kwargs)
        except BaseException:
            for hook_id, hook, always in forward_hooks:
                if always:
                    # the forward's error is the one to report
                    with contextlib.suppress(Exception):
                        self._run_forward_hook(hook_id, hook, args, kwargs, None)
            raise
        for hook_id, hook, _ in forward_hooks:
            replaced = self._run_forward_hook(hook_id, hook, args, kwargs, result)
            if replaced is not None:
                result = replaced
        if recorder is not None:
            result = recorder.setup_output_hook(result)
        return result

    def _run_forward_hook(self, hook_id, hook, args, kwargs, result):
        if hook_id in self._forward_hooks_with_kwargs:
            return hook(self, args, kwargs, result)
        return hook(self, args, result)

    def register_forward_pre_hook(
        self, hook, *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """``hook(module, args)`` (or ``hook(module, args, kwargs)`` with ``with_kwargs``)
        before ``forward``; a returned value replaces the arguments."""
        handle = add_hook(
            self._forward_pre_hooks, hook, prepend, self._forward_pre_hooks_with_kwargs
        )
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs.add(handle.id)
        return handle

    def register_forward_hook(
        self,
        hook,
        *,
        prepend: bool = False,
        with_kwargs: bool = False,
        always_call: bool = False,
    ) -> RemovableHandle:
        """``hook(module, args, output)`` (or ``hook(module, args, kwargs, output)``) after
        ``forward``; a returned value replaces the output. ``always_call`` runs it even when
        ``forward`` raises."""
        handle = add_hook(
            self._forward_hooks,
            hook,
            prepend,
            self._forward_hooks_with_kwargs,
            self._forward_hooks_always_called,
        )
        if with_kwargs:
            self._forward_hooks_with_kwargs.add(handle.id)
        if always_call:
            self._forward_hooks_always_called.add(handle.id)
        return handle

    def register_full_backward_pre_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """``hook(module, grad_output)`` when the gradients of the outputs are known; a
        returned tuple replaces them."""
        return add_hook(self._backward_pre_hooks, hook, prepend)

    def register_full_backward_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """``hook(module, grad_input, grad_output)`` when the gradients of the inputs are
        known; a returned tuple replaces ``grad_input``."""
        return add_hook(self._backward_hooks, hook, prepend)

    def register_backward_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """PyTorch's deprecated backward hook; here the full backward hook."""
        return self.register_full_backward_hook(hook)

    def _register_state_dict_hook(self, hook) -> RemovableHandle:
        return add_hook(self._state_dict_hooks, hook, False)

    register_state_dict_post_hook = _register_state_dict_hook

    def register_state_dict_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """``hook(module, prefix, keep_vars)`` before ``state_dict`` collects this module."""
        return add_hook(self._state_dict_pre_hooks, hook, False)

    def _register_load_state_dict_pre_hook(self, hook, with_module: bool = False):
        if with_module:
            hook = functools.partial(hook, self)
        return add_hook(self._load_state_dict_pre_hooks, hook, False)

    def register_load_state_dict_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """``hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)`` before this module loads its entries."""
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    def register_load_state_dict_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """``hook(module, incompatible_keys)`` after ``load_state_dict``; it may edit the
        key lists in place."""
        return add_hook(self._load_state_dict_post_hooks, hook, False)

    # -- registration --------------------------------------------------------------------------

    def _check_init(self, what: str = "parameters, buffers or modules"):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign {what} before Module.__init__() call")

    @staticmethod
    def _check_name(name, kind: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        self._check_init("parameter")
        self._check_name(name, "parameter")
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required)"
            )
        param = _registered(_hooks.global_parameter_registration_hooks, self, name, param)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Adds a tensor to the module that is not a parameter (not trained), such as
        ``BatchNorm``'s running mean: it is moved by ``to()`` and, when ``persistent``, saved in
        ``state_dict()``.

        Args:
            name: the attribute name of the buffer.
            tensor: the tensor, or ``None`` (a buffer slot that ``state_dict`` skips).
            persistent: whether the buffer belongs to ``state_dict()``.

        Raises:
            KeyError: ``name`` is empty, contains ``"."`` or is already another attribute.
            TypeError: ``tensor`` is neither a tensor nor ``None``.

        Examples:
            >>> import ferrograd
            >>> from ferrograd import nn
            >>> m = nn.Module()
            >>> m.register_buffer("running_mean", ferrograd.zeros(3))
            >>> list(m.state_dict())
            ['running_mean']
        """
        self._check_init("buffer")
        self._check_name(name, "buffer")
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, TensorBase):
            raise TypeError(
                f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                "(torch Tensor or None required)"
            )
        tensor = _registered(_hooks.global_buffer_registration_hooks, self, name, tensor)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        self._check_init("module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_name(name, "module")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        module = _registered(_hooks.global_module_registration_hooks, self, name, module)
        self._modules[name] = module

    def register_module(self, name: str, module: Module | None) -> None:
        """``add_module``'s other name."""
        self.add_module(name, module)

    def get_submodule(self, target: str) -> Module:
        """The submodule at the dotted path ``target`` (``""`` is this module)."""
        module = self
        if target == "":
            return module
        for item in target.split("."):
            if not hasattr(module, item):
                raise AttributeError(f"{module._get_name()} has no attribute `{item}`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return module

    def set_submodule(self, target: str, module: Module, strict: bool = False) -> None:
        """Replaces (or with ``strict=False`` adds) the submodule at the dotted path."""
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        parent_path, _, name = target.rpartition(".")
        parent = self.get_submodule(parent_path)
        if strict and not hasattr(parent, name):
            raise AttributeError(f"{parent._get_name()} has no attribute `{name}`")
        if hasattr(parent, name) and not isinstance(getattr(parent, name), Module):
            raise AttributeError(f"`{name}` is not an nn.Module")
        setattr(parent, name, module)

    def get_parameter(self, target: str) -> Parameter:
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
        if name not in module._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return module._buffers[name]

    def get_extra_state(self) -> Any:
        """Extra state to save in ``state_dict`` (define with ``set_extra_state``)."""
        raise RuntimeError(
            "Reached a code path in Module.get_extra_state() that should never be called."
        )

    def set_extra_state(self, state: Any) -> None:
        raise RuntimeError(
            "Reached a code path in Module.set_extra_state() that should never be called."
        )

    def _has_extra_state(self) -> bool:
        return type(self).get_extra_state is not Module.get_extra_state

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._remove_from(name, "_buffers", "_modules")
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)"
                )
            self.register_parameter(name, value)
        elif isinstance(value, Buffer):
            if params is None:
                raise AttributeError("cannot assign buffer before Module.__init__() call")
            self._remove_from(name, "_parameters", "_modules")
            self.register_buffer(name, value, persistent=not isinstance(value, _TransientBuffer))
        elif isinstance(value, Module):
            if params is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._remove_from(name, "_parameters", "_buffers")
            value = _registered(_hooks.global_module_registration_hooks, self, name, value)
            self._modules[name] = value
        elif d.get("_modules") is not None and name in d["_modules"]:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as child module '{name}' "
                    "(torch.nn.Module or None expected)"
                )
            d["_modules"][name] = None
        elif d.get("_buffers") is not None and name in d["_buffers"]:
            if value is not None and not isinstance(value, TensorBase):
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                    "(torch.Tensor or None expected)"
                )
            value = _registered(_hooks.global_buffer_registration_hooks, self, name, value)
            d["_buffers"][name] = value
        else:
            object.__setattr__(self, name, value)

    def _remove_from(self, name: str, *stores: str) -> None:
        """Forgets ``name`` as a plain attribute and in ``stores``; a store that keeps the name
        keeps its place in the order (``state_dict`` follows it), as in PyTorch."""
        for key in stores:
            self.__dict__[key].pop(name, None)
        self.__dict__.pop(name, None)
        if "_buffers" in stores:
            self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name: str) -> Any:
        # every `self.weight` and `self.layer` of a forward pass comes here: unrolled, with the
        # stores looked up once (they are missing only during __init__)
        d = self.__dict__
        store = d.get("_parameters")
        if store is not None and name in store:
            return store[name]
        store = d.get("_buffers")
        if store is not None and name in store:
            return store[name]
        store = d.get("_modules")
        if store is not None and name in store:
            return store[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for key in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__.get(key, {}):
                del self.__dict__[key][name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        return sorted(
            set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules)
        )

    # -- traversal -----------------------------------------------------------------------------

    def named_modules(
        self, memo: set[int] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """``(dotted name, module)`` for this module and every submodule, depth first; a module
        reached twice is listed once unless ``remove_duplicate=False``."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """Returns an iterator over this module and all modules under it, each once, depth first.

        Examples:
            >>> from ferrograd import nn
            >>> model = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
            >>> [type(m).__name__ for m in model.modules()]
            ['Sequential', 'Linear', 'ReLU']
        """
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """Returns an iterator over the immediate submodules.

        Examples:
            >>> from ferrograd import nn
            >>> [type(m).__name__ for m in nn.Sequential(nn.Linear(2, 2), nn.ReLU()).children()]
            ['Linear', 'ReLU']
        """
        for _, module in self.named_children():
            yield module

    def _named_members(
        self, get, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ):
        seen = set()
        modules = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
            if recurse
            else [(prefix, self)]
        )
        for module_prefix, module in modules:
            for name, value in get(module):
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                if remove_duplicate:
                    seen.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Returns an iterator over ``(name, parameter)`` pairs, the names dotted paths from this
        module (``"0.weight"``).

        Args:
            prefix: a prefix for every name.
            recurse: include the parameters of submodules (else only this module's own).
            remove_duplicate: yield a parameter shared by several modules once.

        Examples:
            >>> from ferrograd import nn
            >>> [(name, tuple(p.shape)) for name, p in nn.Linear(3, 2).named_parameters()]
            [('weight', (2, 3)), ('bias', (2,))]
        """
        yield from self._named_members(
            lambda m: m._parameters.items(), prefix, recurse, remove_duplicate
        )

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Returns an iterator over the module's parameters, usually passed to an optimizer.

        Args:
            recurse: include the parameters of submodules.

        Examples:
            >>> import ferrograd
            >>> from ferrograd import nn
            >>> model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 1))
            >>> sum(p.numel() for p in model.parameters())
            21
            >>> optimizer = ferrograd.optim.SGD(model.parameters(), lr=0.1)
        """
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        yield from self._named_members(
            lambda m: m._buffers.items(), prefix, recurse, remove_duplicate
        )

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # -- modes and conversions -----------------------------------------------------------------

    def train(self, mode: bool = True) -> Self:
        """Sets the module and its submodules in training mode (``mode=True``) or evaluation mode.
        The mode changes what some modules do (``Dropout``, ``BatchNorm``).

        Args:
            mode: True for training, False for evaluation.

        Returns:
            The module itself.

        Examples:
            >>> from ferrograd import nn
            >>> model = nn.Sequential(nn.Dropout(0.5))
            >>> model.train().training, model[0].training
            (True, True)
        """
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> Self:
        """Sets the module and its submodules in evaluation mode (``train(False)``): ``Dropout``
        passes its input through and ``BatchNorm`` uses its running statistics. Recording is a
        separate switch: evaluate under ``ferrograd.no_grad()`` too.

        Returns:
            The module itself.

        Examples:
            >>> from ferrograd import nn
            >>> model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5)).eval()
            >>> model.training, model[1].training
            (False, False)
        """
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Self:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Resets the gradients of all parameters: sets them to ``None`` (the default), or fills
        them with zeros.

        Args:
            set_to_none: set each ``.grad`` to ``None`` instead of zeroing it (saves memory, and an
                optimizer then skips the parameter).

        Examples:
            >>> import ferrograd
            >>> from ferrograd import nn
            >>> layer = nn.Linear(2, 1)
            >>> layer(ferrograd.ones(1, 2)).sum().backward()
            >>> layer.zero_grad()
            >>> layer.weight.grad is None
            True
        """
        zero_grads(self.parameters(), set_to_none)

    def share_memory(self) -> Self:
        """Moves every parameter, buffer and gradient into shared memory
        (``Tensor.share_memory_``), so that processes given this module train the same
        parameters in place (``ferrograd.multiprocessing``, Hogwild)."""
        for tensor in (*self.parameters(), *self.buffers()):
            tensor.share_memory_()
            if tensor.grad is not None:
                tensor.grad.share_memory_()
        return self

    def apply(self, fn: Callable[[Module], None]) -> Self:
        """Calls ``fn`` on every submodule (children first), then on this module."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def _apply(self, fn, recurse: bool = True):
        """Replaces every parameter's elements and every buffer with ``fn(tensor)``; parameters
        stay the same objects (their ``.data`` changes), and so do their gradients'."""
        if recurse:
            for module in self.children():
                module._apply(fn)
        for p in self._parameters.values():
            if p is None:
                continue
            with no_grad():
                new = fn(p)
            if new is not p:
                grad = p.grad
                p.grad = None
                p.data = new.detach()
                if grad is not None:
                    with no_grad():
                        p.grad = fn(grad).detach()
        for name, b in list(self._buffers.items()):
            if b is not None:
                self._buffers[name] = fn(b)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Self:
        """Moves and/or converts the parameters and buffers, in place, and returns the module.

        Called as ``to(device)``, ``to(dtype)``, ``to(device, dtype)``, ``to(tensor)`` or with the
        ``device=``/``dtype=`` keywords. A dtype converts only floating parameters and buffers.

        Returns:
            The module itself.

        Examples:
            >>> import ferrograd
            >>> from ferrograd import nn
            >>> layer = nn.Linear(2, 2).to(ferrograd.float64)
            >>> layer.weight.dtype
            ferrograd.float64
        """
        from ..._dtype import dtype as dtype_type, to_dtype

        target_dtype = kwargs.pop("dtype", None)
        target_device = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        for arg in args:
            if isinstance(arg, dtype_type):
                target_dtype = arg
            elif isinstance(arg, TensorBase):
                target_dtype, target_device = arg.dtype, arg.device
            elif isinstance(arg, str) and arg in ("float32", "float64", "float", "double"):
                target_dtype = to_dtype(arg)
            elif isinstance(arg, bool):
                continue  # non_blocking given by position
            else:
                target_device = arg
        if target_dtype is not None:
            target_dtype = to_dtype(target_dtype)
            if not target_dtype.is_floating_point:
                raise TypeError(
                    "nn.Module.to only accepts floating point or complex dtypes, but got desired "
                    f"dtype={target_dtype}"
                )

        def convert(t):
            out = t
            if target_device is not None:
                out = out.to(target_device)
            if target_dtype is not None and out.is_floating_point():
                out = out.to(target_dtype)
            return out

        try:
            return self._apply(convert)
        except NotImplementedError as error:
            if str(error) != _meta.NO_DATA:
                raise
            raise NotImplementedError(
                f"{_meta.NO_DATA} Please use torch.nn.Module.to_empty() instead of "
                "torch.nn.Module.to() when moving module from meta to a different device."
            ) from None

    def _to_float_dtype(self, dtype: str):
        from ..._dtype import to_dtype

        target = to_dtype(dtype)
        return self._apply(lambda t: t.to(target) if t.is_floating_point() else t)

    def float(self) -> Self:
        return self._to_float_dtype("float32")

    def double(self) -> Self:
        return self._to_float_dtype("float64")

    def half(self) -> Self:
        """Floating parameters and buffers to float16 (raises while ferrograd has no float16)."""
        return self._to_float_dtype("float16")

    def bfloat16(self) -> Self:
        """Floating parameters and buffers to bfloat16 (raises while ferrograd has none)."""
        return self._to_float_dtype("bfloat16")

    def cpu(self) -> Self:
        return self._apply(lambda t: t.cpu())

    def cuda(self, device: int | str | None = None) -> Self:
        return self.to(
            "cuda" if device is None else f"cuda:{device}" if isinstance(device, int) else device
        )

    def type(self, dst_type: Any) -> Self:
        return self._apply(lambda t: t.type(dst_type))

    def to_empty(self, *, device: Any, recurse: bool = True) -> Self:
        """Moves parameters and buffers to ``device`` without copying their values (they are
        uninitialized there)."""
        from ... import _creation

        def fresh(t):
            return _creation.empty(tuple(t.shape), dtype=t.dtype, device=device)

        return self._apply(fresh, recurse=recurse)

    # -- state dict ----------------------------------------------------------------------------

    def _save_to_state_dict(self, destination, prefix: str, keep_vars: bool) -> None:
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if keep_vars else b.detach()
        if self._has_extra_state():
            destination[prefix + _EXTRA_STATE_KEY_SUFFIX] = self.get_extra_state()

    def state_dict(
        self,
        *args: Any,
        destination: dict[str, Any] | None = None,
        prefix: str = "",
        keep_vars: bool = False,
    ) -> dict[str, Any]:
        """Returns an ordered dict of every parameter and persistent buffer by dotted name, for
        saving (``ferrograd.save(model.state_dict(), path)``). The tensors are detached and share
        memory with the module's.

        Args:
            destination: a dict to fill instead of a new one.
            prefix: a prefix for every key.
            keep_vars: return the parameters themselves rather than detached tensors.

        Examples:
            >>> from ferrograd import nn
            >>> list(nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3)).state_dict())
            ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var',
            '1.num_batches_tracked']
        """
        if args:
            destination = args[0] if len(args) > 0 else destination
            prefix = args[1] if len(args) > 1 else prefix
            keep_vars = args[2] if len(args) > 2 else keep_vars
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        metadata = getattr(destination, "_metadata", None)
        if metadata is not None:
            metadata[prefix[:-1]] = {"version": self._version}
        for hook in self._state_dict_pre_hooks.values():
            hook(self, prefix, keep_vars)
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(
                    destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars
                )
        for hook in self._state_dict_hooks.values():
            result = hook(self, destination, prefix, {"version": self._version})
            if result is not None:
                destination = result
        return destination

    def _load_from_state_dict(
        self,
        state_dict,
        prefix,
        local_metadata,
        strict,
        missing_keys,
        unexpected_keys,
        error_msgs,
    ):
        """Copies this module's own entries (``prefix + name``) from ``state_dict``, recording
        missing keys, unexpected keys under this prefix, and errors (PyTorch's signature, so
        subclasses that override it keep working)."""
        for hook in self._load_state_dict_pre_hooks.values():
            hook(
                state_dict,
                prefix,
                local_metadata,
                strict,
                missing_keys,
                unexpected_keys,
                error_msgs,
            )
        persistent = {
            k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set
        }
        local = {k: v for k, v in {**self._parameters, **persistent}.items() if v is not None}
        assign = bool(local_metadata.get("assign_to_params_buffers", False))
        for name, target in local.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = state_dict[key]
            if not isinstance(value, TensorBase):
                error_msgs.append(
                    f'While copying the parameter named "{key}", expected torch.Tensor or '
                    f"Tensor-like object from checkpoint but received {type(value)}"
                )
                continue
            if tuple(value.shape) != tuple(target.shape):
                error_msgs.append(
                    f"size mismatch for {key}: copying a param with shape {value.shape} from "
                    f"checkpoint, the shape in current model is {target.shape}."
                )
                continue
            try:
                if assign:
                    self._assign(name, target, value)
                else:
                    with no_grad():
                        target.copy_(value)
            except Exception as e:  # noqa: BLE001 - reported as PyTorch reports it
                error_msgs.append(
                    f'While copying the parameter named "{key}", whose dimensions in the model '
                    f"are {target.shape} and whose dimensions in the checkpoint are "
                    f"{value.shape}, an exception occurred : {e.args}."
                )
        extra_key = prefix + _EXTRA_STATE_KEY_SUFFIX
        if self._has_extra_state():
            if extra_key in state_dict:
                self.set_extra_state(state_dict[extra_key])
            elif strict:
                missing_keys.append(extra_key)
        elif strict and extra_key in state_dict:
            unexpected_keys.append(extra_key)
        if strict:
            for key in state_dict:
                if not key.startswith(prefix) or key == extra_key:
                    continue
                parts = key[len(prefix) :].split(".", 1)
                known = self._modules if len(parts) > 1 else local
                if parts[0] not in known:
                    unexpected_keys.append(key)

    def _assign(self, name: str, target, value) -> None:
        if name in self._parameters:
            if not isinstance(value, Parameter):
                value = Parameter(value, requires_grad=target.requires_grad)
            self._parameters[name] = value
        else:
            self._buffers[name] = value

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False
    ) -> _IncompatibleKeys:
        """Copies parameters and buffers from ``state_dict`` into this module (the values are copied
        into the existing tensors, so optimizers holding them keep working).

        Args:
            state_dict: a mapping from dotted names to tensors, such as ``state_dict()`` returns or
                ``ferrograd.load`` reads.
            strict: require the keys to be exactly this module's.
            assign: take the given tensors as the parameters instead of copying into them.

        Returns:
            A named tuple ``(missing_keys, unexpected_keys)``.

        Raises:
            RuntimeError: with ``strict``, keys are missing or unexpected; or a shape differs
                (always). The message lists every problem.

        Examples:
            >>> from ferrograd import nn
            >>> source, target = nn.Linear(2, 2), nn.Linear(2, 2)
            >>> target.load_state_dict(source.state_dict())
            <All keys matched successfully>
        """
        from collections.abc import Mapping

        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing, unexpected, errors = [], [], []
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)

        def load(module, local_state, prefix=""):
            local_metadata = {} if metadata is None else dict(metadata.get(prefix[:-1], {}))
            if assign:
                local_metadata["assign_to_params_buffers"] = True
            module._load_from_state_dict(
                local_state, prefix, local_metadata, True, missing, unexpected, errors
            )
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    child_state = {
                        k: v for k, v in local_state.items() if k.startswith(child_prefix)
                    }
                    load(child, child_state, child_prefix)
            incompatible = _IncompatibleKeys(missing, unexpected)
            for hook in module._load_state_dict_post_hooks.values():
                if hook(module, incompatible) is not None:
                    raise RuntimeError(
                        "Hooks registered with ``register_load_state_dict_post_hook`` are not "
                        "expected to return new values, if incompatible_keys need to be modified, "
                        "it should be done inplace."
                    )

        load(self, state_dict)
        if strict:
            if unexpected:
                errors.insert(
                    0,
                    "Unexpected key(s) in state_dict: {}. ".format(
                        ", ".join(f'"{k}"' for k in unexpected)
                    ),
                )
            if missing:
                errors.insert(
                    0,
                    "Missing key(s) in state_dict: {}. ".format(
                        ", ".join(f'"{k}"' for k in missing)
                    ),
                )
        if errors:
            raise RuntimeError(
                "Error(s) in loading state_dict for {}:\n\t{}".format(
                    self._get_name(), "\n\t".join(errors)
                )
            )
        return _IncompatibleKeys(missing, unexpected)

    # -- printing ------------------------------------------------------------------------------

    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        for name, module in self._modules.items():
            lines.append(f"({name}): " + _addindent(repr(module), 2))
        main = self._get_name() + "("
        if lines:
            if len(lines) == 1 and not self._modules:
                main += lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"
