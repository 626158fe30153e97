"""Module-level functions added with ``nn``: joining (``cat``, ``stack``), splitting, selection
and statistics (``ferrograd.gather(x, 1, i)`` is ``x.gather(1, i)``), and ``Generator``."""

from __future__ import annotations

from . import _core
from ._base import TensorBase
from ._functional import _method_function

_METHODS = """
    gather scatter_add index_select index_add masked_fill masked_select take_along_dim
    sort argsort topk split chunk narrow unbind select
    var std var_mean std_mean norm logsumexp softmax log_softmax
""".split()

for _name in _METHODS:
    globals()[_name] = _method_function(_name)
del _name


def _tensor_list(tensors, op: str):
    if isinstance(tensors, TensorBase):
        raise TypeError(f"{op}(): argument 'tensors' must be a sequence of Tensors, not Tensor")
    out = []
    for t in tensors:
        if not isinstance(t, TensorBase):
            raise TypeError(
                f"{op}(): expected a sequence of Tensors, got an element of type {type(t).__name__}"
            )
        out.append(t)
    if not out:
        raise ValueError(f"{op}(): expected a non-empty list of Tensors")
    return out


def cat(tensors, dim: int = 0, *, out=None):
    """Concatenates tensors along ``dim`` (differentiable)."""
    return _core.cat(_tensor_list(tensors, "cat"), dim)


concat = cat
concatenate = cat


def stack(tensors, dim: int = 0, *, out=None):
    """Joins same-shaped tensors along a new dimension ``dim`` (differentiable)."""
    return _core.stack(_tensor_list(tensors, "stack"), dim)


def hstack(tensors):
    tensors = list(tensors)
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    return cat([t if t.ndim > 1 else t.reshape(1, -1) for t in tensors], 0)


# The words of _METHODS are bound by the loop above, where ruff cannot see them.
__all__ = [*_METHODS, "cat", "concat", "concatenate", "stack", "hstack", "vstack"]  # noqa: PLE0604
