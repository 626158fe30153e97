"""What a user's autograd hook may return, checked with PyTorch's exception classes and
messages before the engine sees it. The engine itself checks a returned gradient's size, dtype
and device, and a node hook's count of values; these checks cover what only Python can tell
(the Python type of the result)."""

from __future__ import annotations

from .._base import TensorBase


def named_like(wrapper, hook):
    """Gives `wrapper` the name of the user's `hook`, which errors about what the hook
    returned name (``hook 'NAME' has returned an incorrect number of values``), as PyTorch's
    do; ``<unknown>`` for a callable without one."""
    name = getattr(hook, "__name__", None)
    wrapper.__name__ = name if isinstance(name, str) else "<unknown>"
    return wrapper


def _check_tensor(value) -> None:
    if value is not None and not isinstance(value, TensorBase):
        raise TypeError(f"expected Variable, but hook returned '{type(value).__name__}'")


def tensor_hook_result(result):
    """A tensor hook's result: None (keep the gradient) or a tensor (replace it)."""
    _check_tensor(result)
    return result


def post_accumulate_hook_result(result, tensor) -> None:
    """A post-accumulate-grad hook returns nothing (or, as PyTorch lets pass, the tensor it was
    given). PyTorch checks that anything else returned is a tensor before saying that it should
    have been None, so a non-tensor is a TypeError."""
    if result is not None and result is not tensor:
        _check_tensor(result)
        raise RuntimeError("Tensor post accumulate grad hooks should return None.")


def node_hook_result(result, expected: int):
    """A ``grad_fn`` hook's or pre-hook's result: None, or a tuple of tensors or Nones."""
    if result is None:
        return None
    if not isinstance(result, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(result).__name__}'")
    if len(result) != expected:
        # PyTorch reports the count before looking at the items: only the count reaches the
        # engine, which raises its error naming the hook and both counts.
        return [None] * len(result)
    for value in result:
        _check_tensor(value)
    return list(result)
