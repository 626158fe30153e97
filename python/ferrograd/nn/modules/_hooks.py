"""Module hook machinery: handles, the global (all-module) hook registries, and the full
backward hooks.

Full backward hooks work as PyTorch's do: the module's tensor inputs and outputs pass through an
identity ``Function`` (one node for all inputs, one for all outputs). A pre-hook on the output
node sees the gradients of the outputs (``grad_output``; backward pre-hooks may replace them),
and a hook on the input node sees the gradients of the inputs (``grad_input``), when the module's
full backward hooks run and may replace them. When no input needs a gradient the hooks run at
the output node, with ``grad_input`` all ``None``."""

from __future__ import annotations

import itertools
from collections import OrderedDict

from ..._base import TensorBase
from ...autograd.function import Function

_handle_ids = itertools.count()


class RemovableHandle:
    """Removes a module hook: ``handle.remove()`` or leaving a ``with`` block."""

    def __init__(self, hooks: dict, *extra: dict) -> None:
        self.hooks_dict_ref = hooks
        self.extra = extra
        self.id = next(_handle_ids)

    def remove(self) -> None:
        self.hooks_dict_ref.pop(self.id, None)
        for d in self.extra:
            if isinstance(d, dict):
                d.pop(self.id, None)
            else:
                d.discard(self.id)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def add_hook(hooks: OrderedDict, hook, prepend: bool, *extra) -> RemovableHandle:
    handle = RemovableHandle(hooks, *extra)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


#: Hooks every module runs (``register_module_forward_pre_hook`` and friends), before its own.
global_forward_pre_hooks: OrderedDict = OrderedDict()
global_forward_hooks: OrderedDict = OrderedDict()
global_forward_hooks_always_called: set = set()
global_backward_pre_hooks: OrderedDict = OrderedDict()
global_backward_hooks: OrderedDict = OrderedDict()
global_buffer_registration_hooks: OrderedDict = OrderedDict()
global_module_registration_hooks: OrderedDict = OrderedDict()
global_parameter_registration_hooks: OrderedDict = OrderedDict()


class _Identity(Function):
    """Passes tensors through unchanged; its node is where the module's hooks attach."""

    @staticmethod
    def forward(ctx, *tensors):
        return tuple(t.view_as(t) for t in tensors)

    @staticmethod
    def backward(ctx, *grads):
        return grads


def _tensor_positions(values) -> list:
    """Where the tensors that need a gradient are (the others' gradients are None)."""
    return [i for i, v in enumerate(values) if isinstance(v, TensorBase) and v.requires_grad]


def _wrap(values, positions):
    """``values`` with the tensors at ``positions`` passed through one identity node; the
    node (None when there are none)."""
    tensors = [values[i] for i in positions]
    if not tensors:
        return values, None
    wrapped = _Identity.apply(*tensors)
    wrapped = wrapped if isinstance(wrapped, tuple) else (wrapped,)
    out = list(values)
    for i, t in zip(positions, wrapped, strict=True):
        out[i] = t
    node = next((t.grad_fn for t in wrapped if t.grad_fn is not None), None)
    return (out, node) if node is not None else (values, None)


def _spread(grads, positions, size: int) -> tuple:
    """Gradients of the tensors at ``positions`` as a tuple over all ``size`` values."""
    out = [None] * size
    for i, g in zip(positions, grads, strict=True):
        out[i] = g
    return tuple(out)


def _gather(values, positions) -> tuple:
    return tuple(values[i] for i in positions)


class BackwardHook:
    """The state of one forward call's full backward hooks."""

    def __init__(self, module, user_hooks: list, user_pre_hooks: list) -> None:
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.n_inputs = 0
        self.input_positions = None
        self.grad_outputs = None
        self.n_outputs = 0

    @staticmethod
    def _check(result, expected: int, which: str, what: str) -> tuple:
        """A user hook's replacement: any sequence of the right length (as in PyTorch, a
        tensor counts as the sequence of its rows; a non-sequence is a TypeError from
        ``len``). Its items are checked when the identity node hands them to the engine."""
        if len(result) != expected:
            raise RuntimeError(
                f"{which} returned an invalid number of {what}, got {len(result)}, but "
                f"expected {expected}"
            )
        return tuple(result)

    def setup_input_hook(self, args: tuple) -> tuple:
        if not self.user_hooks:
            return args
        positions = _tensor_positions(args)
        self.n_inputs = len(args)
        wrapped, node = _wrap(args, positions)
        if node is None:
            return args
        self.input_positions = positions

        # Named `hook`, like PyTorch's wrapper, because engine errors about the replaced
        # gradients ("hook 'hook' has changed the size of value") name the node hook.
        def hook(grad_inputs, _grad_outputs):
            grads = _spread(grad_inputs, positions, self.n_inputs)
            outputs = self.grad_outputs if self.grad_outputs is not None else ()
            for user_hook in self.user_hooks:
                result = user_hook(self.module, grads, outputs)
                if result is not None:
                    grads = self._check(result, self.n_inputs, "Backward hook", "grad_input")
            self.grad_outputs = None
            return _gather(grads, positions)

        node.register_hook(hook)
        return tuple(wrapped)

    def setup_output_hook(self, result):
        if not (self.user_hooks or self.user_pre_hooks):
            return result
        single = not isinstance(result, tuple)
        values = (result,) if single else result
        positions = _tensor_positions(values)
        wrapped, node = _wrap(values, positions)
        if node is None:
            return result
        self.n_outputs = len(values)

        def hook(grad_outputs):
            grads = _spread(grad_outputs, positions, self.n_outputs)
            for user_pre_hook in self.user_pre_hooks:
                replaced = user_pre_hook(self.module, grads)
                if replaced is not None:
                    grads = self._check(
                        replaced, self.n_outputs, "Backward pre hook", "grad_output"
                    )
            self.grad_outputs = grads
            if self.input_positions is None and self.user_hooks:
                # no input needs a gradient: the hooks run now, with no grad_input
                empty = (None,) * self.n_inputs
                for user_hook in self.user_hooks:
                    if user_hook(self.module, empty, grads) is not None:
                        raise RuntimeError(
                            "Backward hook for Modules where no input requires gradient should "
                            "always return None or None for all gradients."
                        )
                self.grad_outputs = None
            return _gather(grads, positions)

        node.register_prehook(hook)
        return wrapped[0] if single else tuple(wrapped)
