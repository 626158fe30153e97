"""Module-level functions added with ``nn``: joining (``cat``, ``stack``), splitting, selection
and statistics (``ferrograd.gather(x, 1, i)`` is ``x.gather(1, i)``), and ``Generator``."""

from __future__ import annotations

from . import _core
from ._base import TensorBase
from ._functional import _method_function
from ._ops_out import with_out

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


@with_out
def cat(tensors, dim: int = 0):
    """Concatenates tensors along ``dim`` (differentiable)."""
    tensors = _tensor_list(tensors, "cat")
    if any(t.is_sparse for t in tensors):
        from .sparse._ops import cat as sparse_cat

        return sparse_cat(tensors, dim)
    return _core.cat(tensors, dim)


concat = cat
concatenate = cat


@with_out
def stack(tensors, dim: int = 0):
    """Joins same-shaped tensors along a new dimension ``dim`` (differentiable)."""
    tensors = _tensor_list(tensors, "stack")
    if any(t.is_sparse for t in tensors):
        from .sparse._ops import stack as sparse_stack

        return sparse_stack(tensors, dim)
    return _core.stack(tensors, dim)


# The words of _METHODS are bound by the loop above, where ruff cannot see them.
__all__ = [*_METHODS, "cat", "concat", "concatenate", "stack"]  # noqa: PLE0604
