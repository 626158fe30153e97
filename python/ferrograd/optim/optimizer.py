"""``Optimizer``: parameter groups, per-parameter state, step hooks, ``zero_grad`` and
``state_dict`` round trips in PyTorch's format (parameters referred to by their index), plus the
small helpers every update rule shares (argument checks, the ``step`` counter, ``maximize``)."""

from __future__ import annotations

import copy
import functools
import itertools
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .. import _core
from .._base import TensorBase
from .._grad_zeroing import zero_grads
from ..autograd import enable_grad, no_grad
from ..utils.hooks import RemovableHandle

if TYPE_CHECKING:
    from typing import TypeAlias

    from .._tensor import Tensor

    #: What an optimizer is given: tensors, or parameter groups (dicts with a ``params`` entry).
    ParamsT: TypeAlias = Iterable[Tensor] | Iterable[dict[str, Any]]


class _Required:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()

_hook_ids = itertools.count()


class _HookTable(OrderedDict):
    """Hooks by id, in calling order; a ``RemovableHandle`` removes its own entry."""

    def add(self, hook, prepend: bool = False) -> RemovableHandle:
        hook_id = next(_hook_ids)
        self[hook_id] = hook
        if prepend:
            self.move_to_end(hook_id, last=False)
        return RemovableHandle(self, hook_id)

    def remove_hook(self, hook_id: int) -> bool:
        return self.pop(hook_id, None) is not None


_global_step_pre_hooks = _HookTable()
_global_step_post_hooks = _HookTable()


def register_optimizer_step_pre_hook(hook) -> RemovableHandle:
    """``hook(optimizer, args, kwargs)`` runs before every optimizer's ``step``; it may return
    ``(new_args, new_kwargs)``."""
    return _global_step_pre_hooks.add(hook)


def register_optimizer_step_post_hook(hook) -> RemovableHandle:
    """``hook(optimizer, args, kwargs)`` runs after every optimizer's ``step``."""
    return _global_step_post_hooks.add(hook)


def _with_step_hooks(step):
    """Wraps a subclass's ``step`` so the global and per-optimizer hooks run around it. A
    ``step`` that calls its parent's ``step`` runs the hooks once (the outermost call)."""

    @functools.wraps(step)
    def hooked_step(self, *args, **kwargs):
        if self.__dict__.get("_in_step"):
            return step(self, *args, **kwargs)
        for hook in (*_global_step_pre_hooks.values(), *self._optimizer_step_pre_hooks.values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(
                        f"{step} must return None or a tuple of (new_args, new_kwargs), but got "
                        f"{result}."
                    )
                args, kwargs = result
        self._in_step = True
        try:
            out = step(self, *args, **kwargs)
        finally:
            self._in_step = False
        # Read by LR schedulers to warn about `scheduler.step()` before `optimizer.step()`.
        self._opt_called = True
        for hook in (*self._optimizer_step_post_hooks.values(), *_global_step_post_hooks.values()):
            hook(self, args, kwargs)
        return out

    hooked_step.hooked = True
    return hooked_step


class Optimizer:
    """Base class of the optimizers: holds the parameters in groups and the state of each.

    A subclass implements ``step``, which updates the parameters of ``self.param_groups`` (each
    a dict: ``'params'`` and the group's options) from their ``.grad``, keeping what it needs
    between steps in ``self.state[param]``. ``zero_grad``, ``state_dict``,
    ``load_state_dict``, ``add_param_group`` and the step hooks are PyTorch's.

    Args:
        params: an iterable of tensors, or of dicts defining parameter groups.
        defaults: the options of a group that does not set them itself.

    Examples:
        >>> import ferrograd
        >>> class Halve(ferrograd.optim.Optimizer):
        ...     def __init__(self, params):
        ...         super().__init__(params, {"factor": 0.5})
        ...     def step(self, closure=None):
        ...         for group in self.param_groups:
        ...             for p in group["params"]:
        ...                 p.data.mul_(group["factor"])
        >>> w = ferrograd.ones(2, requires_grad=True)
        >>> Halve([w]).step()
        >>> w
        tensor([0.5000, 0.5000], requires_grad=True)
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "hooked", False):
            cls.step = _with_step_hooks(step)

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._init_hooks()
        if isinstance(params, TensorBase):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                "dicts, but got " + type(params).__name__
            )
        if isinstance(params, set):
            warnings.warn(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead.",
                FutureWarning,
                stacklevel=2,
            )
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def _init_hooks(self) -> None:
        self._optimizer_step_pre_hooks = _HookTable()
        self._optimizer_step_post_hooks = _HookTable()
        self._optimizer_state_dict_pre_hooks = _HookTable()
        self._optimizer_state_dict_post_hooks = _HookTable()
        self._optimizer_load_state_dict_pre_hooks = _HookTable()
        self._optimizer_load_state_dict_post_hooks = _HookTable()

    # -- parameter groups ------------------------------------------------------------------------

    def add_param_group(self, param_group: dict) -> None:
        """Adds a group of parameters (a dict with ``'params'`` and optional per-group options;
        missing options take the optimizer's defaults). Parameters may be given as
        ``(name, tensor)`` pairs, as ``named_parameters()`` yields; the names are kept under
        ``'param_names'``."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, TensorBase):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        group = dict(param_group)
        group["params"] = params
        if names:
            if len(names) != len(params):
                raise ValueError(
                    "all optimizer params should be with/without names. Some param names are "
                    "missing"
                )
            group["param_names"] = names
        for p in params:
            if not isinstance(p, TensorBase):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    f"{type(p).__name__}"
                )
            if not self.defaults.get("differentiable") and not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization parameter "
                    f"{name}"
                )
            group.setdefault(name, default)
        if len({id(p) for p in params}) != len(params):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, this "
                "will cause an error",
                stacklevel=3,
            )
        existing = set()
        for other in self.param_groups:
            existing.update(id(p) for p in other["params"])
            if ("param_names" in group) != ("param_names" in other):
                kind = "with names" if "param_names" in group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. cannot add param "
                    f"group {kind} to the optimizer"
                )
        if any(id(p) in existing for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clears every parameter's ``.grad``: to ``None`` (the default) or to zeros."""
        zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        raise NotImplementedError

    def _closure_loss(self, closure):
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _step_groups(self, closure):
        """A step of an optimizer whose ``_update(group)`` updates one parameter group: the
        closure's loss (evaluated with grad enabled), then each group updated under
        ``no_grad``."""
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                self._update(group)
        return loss

    def _grads(self, group):
        """``(param, gradient)`` for the group's parameters that have one; the gradient is
        negated when the group maximizes."""
        for p in group["params"]:
            if p.grad is not None:
                yield p, _update_direction(p, group)

    # -- hooks -----------------------------------------------------------------------------------

    def register_step_pre_hook(self, hook) -> RemovableHandle:
        """``hook(optimizer, args, kwargs)`` runs before ``step``; it may return
        ``(new_args, new_kwargs)``."""
        return self._optimizer_step_pre_hooks.add(hook)

    def register_step_post_hook(self, hook) -> RemovableHandle:
        """``hook(optimizer, args, kwargs)`` runs after ``step``."""
        return self._optimizer_step_post_hooks.add(hook)

    def register_state_dict_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer)`` runs before ``state_dict`` builds its result."""
        return self._optimizer_state_dict_pre_hooks.add(hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer, state_dict)`` runs on ``state_dict``'s result and may return a
        replacement."""
        return self._optimizer_state_dict_post_hooks.add(hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer, state_dict)`` runs before loading and may return a replacement."""
        return self._optimizer_load_state_dict_pre_hooks.add(hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer)`` runs after ``load_state_dict``."""
        return self._optimizer_load_state_dict_post_hooks.add(hook, prepend)

    # -- state dict ------------------------------------------------------------------------------

    def state_dict(self) -> dict:
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [index, ...]}]}``:
        parameters are numbered in the order the groups list them. The state's tensors are the
        optimizer's own (not copies)."""
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {
            (index[id(key)] if isinstance(key, TensorBase) else key): value
            for key, value in self.state.items()
        }
        result = {"state": state, "param_groups": groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            replaced = hook(self, result)
            if replaced is not None:
                result = replaced
        return result

    def load_state_dict(self, state_dict: dict) -> None:
        """Restores hyperparameters and state saved by ``state_dict``. State tensors are copied;
        floating point ones are cast to their parameter's dtype and device, except ``step``."""
        state_dict = dict(state_dict)
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            replaced = hook(self, state_dict)
            if replaced is not None:
                state_dict = replaced
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for mine, saved in zip(self.param_groups, saved_groups, strict=True):
            if len(mine["params"]) != len(saved["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size of "
                    "optimizer's group"
                )
        params_by_index = {}
        for mine, saved in zip(self.param_groups, saved_groups, strict=True):
            params_by_index.update(zip(saved["params"], mine["params"], strict=True))
        state: defaultdict = defaultdict(dict)
        for key, value in state_dict["state"].items():
            p = params_by_index.get(key)
            if p is None:
                state[key] = value
            else:
                state[p] = _cast_state(value, p)
        for mine, saved in zip(self.param_groups, saved_groups, strict=True):
            saved["params"] = mine["params"]
            if "param_names" in mine and "param_names" not in saved:
                saved["param_names"] = mine["param_names"]
        self.state = state
        self.param_groups = saved_groups
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)

    def __repr__(self) -> str:
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._init_hooks()


def _cast_state(value, param, key=None):
    """A copy of one parameter's saved state with its tensors on ``param``'s device, floating
    point ones in ``param``'s dtype (``step`` counters keep theirs); containers are rebuilt."""
    if isinstance(value, TensorBase):
        value = value.detach()
        if key != "step" and param.is_floating_point() and value.is_floating_point():
            value = value.to(dtype=param.dtype)
        return value.to(device=param.device).clone()
    if isinstance(value, dict):
        return {k: _cast_state(v, param, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_state(v, param) for v in value)
    return value


# -- helpers shared by the update rules ------------------------------------------------------------


def _check(condition: bool, message: str) -> None:
    """Raises ``ValueError(message)`` unless ``condition``: the constructors' argument checks."""
    if not condition:
        raise ValueError(message)


def _check_common(lr=0.0, eps=0.0, weight_decay=0.0, betas=None) -> None:
    """The checks most constructors share, with PyTorch's messages."""
    _check(_to_scalar(lr) >= 0.0, f"Invalid learning rate: {lr}")
    _check(eps >= 0.0, f"Invalid epsilon value: {eps}")
    _check(weight_decay >= 0.0, f"Invalid weight_decay value: {weight_decay}")
    if betas is not None:
        for i, beta in enumerate(betas):
            _check(0.0 <= beta < 1.0, f"Invalid beta parameter at index {i}: {beta}")


def _with_grads(group) -> list:
    """The group's parameters that have a gradient."""
    return [p for p in group["params"] if p.grad is not None]


def _update_direction(p, group):
    """``p``'s gradient as the update rules read it: detached, negated when maximizing."""
    g = p.grad.detach()
    return -g if group.get("maximize") else g


def _fused_step(group, rule: str, params, buffers, **hyperparameters) -> bool:
    """Updates every parameter of ``params`` with one call of the binding's fused kernel for
    ``rule`` (``_core.fused_step("adam", ...)``: one pass over each parameter's elements, the
    GIL released); ``buffers`` holds one list per state buffer of the rule, and
    ``hyperparameters`` its scalars, with lists for the state kept per parameter (``step``).
    False, with nothing changed, when the group is ``differentiable`` or a tensor is not a
    plain float32/float64 host tensor (a sparse gradient, another device, a gradient that
    requires grad): the caller then runs its update as tensor operations, which give the same
    values."""
    if group.get("differentiable"):
        return False
    return _core.fused_step(rule, params, [p.grad for p in params], buffers, **hyperparameters)


def _check_fused(fused, foreach, differentiable) -> None:
    """``fused`` is accepted (the update is the same); PyTorch's incompatibilities still raise."""
    if fused and foreach:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
    if fused and differentiable:
        raise RuntimeError("`fused` does not support `differentiable`")


def _to_scalar(value):
    """A learning rate (or other hyperparameter) given as a one-element tensor, as a float."""
    if isinstance(value, TensorBase):
        if value.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        return float(value.item())
    return value


def _scalar_dtype():
    """The dtype of scalar state (``step``, NAdam's ``mu_product``, ...): float32, or float64
    when that is the default dtype."""
    from .._dtype import get_default_dtype, to_dtype

    default = get_default_dtype()
    return default if default == to_dtype("float64") else to_dtype("float32")


def _scalar_state(value: float):
    """A 0-d tensor of scalar state."""
    from .._creation import tensor

    return tensor(float(value), dtype=_scalar_dtype())


def _advance_step(state: dict) -> float:
    """Adds one to ``state['step']`` (a 0-d tensor, as PyTorch keeps it; a plain number loaded
    from an older checkpoint is converted) and returns the new count."""
    step = state["step"]
    if not isinstance(step, TensorBase):
        step = state["step"] = _scalar_state(step)
    step.add_(1)
    return step.item()


def _start_steps(optimizer, params, **initial) -> list[float]:
    """Advances each parameter's ``step`` and returns the new counts; a parameter without state
    first gets ``step`` 0 and, for each ``name=make`` of ``initial``, ``state[name] = make(p)``
    (the state buffers, in the order given)."""
    steps = []
    for p in params:
        state = optimizer.state[p]
        if not state:
            state["step"] = _scalar_state(0)
            for name, make in initial.items():
                state[name] = make(p)
        steps.append(_advance_step(state))
    return steps


def _buffers(optimizer, params, *names) -> list[list]:
    """The state buffers ``names`` of ``params``, one list per name (a fused kernel's
    ``buffers``)."""
    return [[optimizer.state[p][name] for p in params] for name in names]


def _adam_hyperparameters(group) -> tuple:
    """``(lr, (beta1, beta2), eps, weight_decay)`` of an Adam-family group."""
    return _to_scalar(group["lr"]), group["betas"], group["eps"], group["weight_decay"]


def _adam_keywords(lr, beta1, beta2, eps, weight_decay) -> dict:
    """The hyperparameters an Adam-family fused rule reads."""
    return dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)


def _decayed_direction(p, group, lr: float, weight_decay: float, decoupled: bool):
    """``p``'s update direction with weight decay: decoupled, ``p`` scaled by ``1 - lr·wd`` in
    place; otherwise ``wd·p`` added to the gradient."""
    g = _update_direction(p, group)
    if weight_decay == 0:
        return g
    if decoupled:
        p.mul_(1 - lr * weight_decay)
        return g
    return g.add(p, alpha=weight_decay)


def _update_moments(state: dict, g, beta1: float, beta2: float) -> tuple:
    """Adam's moments ``exp_avg``, ``exp_avg_sq`` of ``state`` moved towards ``g`` and ``g²``,
    in place; returns them."""
    m, v = state["exp_avg"], state["exp_avg_sq"]
    _moving_average(m, g, beta1)
    _moving_average(v, g * g, beta2)
    return m, v


def _moving_average(average, value, beta: float):
    """``average = beta·average + (1-beta)·value``, in place. (Cheaper here than ``lerp_`` and
    ``addcmul_``, and equal to them up to rounding.)"""
    return average.mul_(beta).add_(value, alpha=1 - beta)


def _with_weight_decay(g, p, weight_decay: float):
    """``g + weight_decay·p`` (L2 regularisation folded into the gradient)."""
    return g.add(p, alpha=weight_decay) if weight_decay != 0 else g


__all__ = [
    "Optimizer",
    "no_grad",
    "register_optimizer_step_post_hook",
    "register_optimizer_step_pre_hook",
    "required",
]
