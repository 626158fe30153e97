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


def _tensor_list(
    tensors, op: str, empty=(ValueError, "{op}(): expected a non-empty list of Tensors")
):
    """``tensors`` as a list of tensors, checked; ``empty`` is the exception class and message
    for an empty sequence (PyTorch's differ by function)."""
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
        error, message = empty
        raise error(message.format(op=op))
    return out


@with_out
def cat(tensors, dim: int = 0):
    """Concatenates tensors along an existing dimension.

    The tensors must have the same shape except along ``dim`` (1-D empty tensors are skipped,
    as in PyTorch), and are promoted to one dtype. The gradient of the result is split back
    into the pieces.

    Args:
        tensors: a sequence of tensors.
        dim: the dimension to concatenate along.

    Raises:
        TypeError: ``tensors`` is a tensor rather than a sequence, or holds something else.
        ValueError: ``tensors`` is empty.
    RuntimeError: the shapes differ outside ``dim``.

    Examples:
        >>> import ferrograd
        >>> ferrograd.cat([ferrograd.tensor([[1, 2]]), ferrograd.tensor([[3, 4], [5, 6]])])
        tensor([[1, 2],
                [3, 4],
                [5, 6]])
        >>> ferrograd.cat((ferrograd.zeros(2, 1), ferrograd.ones(2, 2)), dim=1)
        tensor([[0., 1., 1.],
                [0., 1., 1.]])
    """
    tensors = _tensor_list(tensors, "cat")
    if any(t.is_sparse for t in tensors):
        from .sparse._ops import cat as sparse_cat

        return sparse_cat(tensors, dim)
    return _core.cat(tensors, dim)


concat = cat
concatenate = cat


@with_out
def stack(tensors, dim: int = 0):
    """Joins tensors of one shape along a new dimension inserted at ``dim``.

    Args:
        tensors: a sequence of tensors of the same shape.
        dim: where the new dimension goes, in ``[-ndim - 1, ndim]``.

    Raises:
        RuntimeError: the shapes differ, or ``tensors`` is empty.

    Examples:
        >>> import ferrograd
        >>> a, b = ferrograd.tensor([1, 2]), ferrograd.tensor([3, 4])
        >>> ferrograd.stack([a, b])
        tensor([[1, 2],
                [3, 4]])
        >>> ferrograd.stack([a, b], dim=1)
        tensor([[1, 3],
                [2, 4]])
    """
    tensors = _tensor_list(tensors, "stack", (RuntimeError, "stack expects a non-empty TensorList"))
    if any(t.is_sparse for t in tensors):
        from .sparse._ops import stack as sparse_stack

        return sparse_stack(tensors, dim)
    return _core.stack(tensors, dim)


# The words of _METHODS are bound by the loop above, where ruff cannot see them.
__all__ = [*_METHODS, "cat", "concat", "concatenate", "stack"]  # noqa: PLE0604
