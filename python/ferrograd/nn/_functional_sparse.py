"""Lookup tables: ``embedding``, ``embedding_bag`` and ``one_hot``.

Rows are gathered with ``index_select``, whose gradient adds into the rows used (a dense
gradient: ``sparse=True`` is accepted and gives the same values in a dense tensor). Bags are
reduced with one ``index_add`` into the bags (sum, mean) or by padding the bags to a common
length and taking the maximum."""

from __future__ import annotations

import math

import numpy as np

from .. import _core
from .._base import TensorBase
from .._errors import ShapeError
from ..autograd import no_grad
from ._functional_common import _check_tensor, _from_numpy_like


def _indices(input, op: str):
    if not isinstance(input, TensorBase):
        from .._creation import tensor

        input = tensor(input)
    if input._dtype in ("int64", "int32"):  # the usual indices, without a dtype object
        return input
    if input.is_floating_point() or input.dtype.name == "bool":
        raise TypeError(
            f"{op}(): Expected tensor for argument 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {input.dtype} instead"
        )
    return input


def _padding_index(padding_idx, rows: int):
    if padding_idx is None:
        return None
    if not -rows <= padding_idx < rows:
        raise ValueError("Padding_idx must be within num_embeddings")
    return padding_idx % rows


def _renorm_rows(weight, indices, max_norm: float, norm_type: float) -> None:
    """Scales, in place, each row used whose ``norm_type``-norm exceeds ``max_norm`` down to
    ``max_norm`` (PyTorch's ``embedding_renorm_``, with its 1e-7 in the divisor)."""
    if indices.numel() == 0:
        return
    used = np.unique(np.asarray(indices.reshape(-1).tolist(), dtype=np.int64))
    with no_grad():
        index = _from_numpy_like(weight, used)
        rows = weight.index_select(0, index)
        norms = rows.norm(norm_type, 1, keepdim=True)
        scale = (max_norm / (norms + 1e-7)).where(norms > max_norm, 1.0)
        weight[index] = rows * scale


def _scale_gradient_by_frequency(rows, flat_indices):
    """``rows`` unchanged, with the gradient of each row divided by how often its index occurs
    in the batch."""
    values = np.asarray(flat_indices.tolist(), dtype=np.int64)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    scale = _from_numpy_like(rows, (1.0 / counts[inverse]).reshape(-1, 1))
    return rows * scale + (rows - rows * scale).detach()


def embedding(
    input,
    weight,
    padding_idx=None,
    max_norm=None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
):
    """Rows of ``weight`` at the integer indices ``input``: ``(*input.shape, D)``. The row at
    ``padding_idx`` gets no gradient; ``max_norm`` renormalizes the rows used, in place."""
    input = _indices(input, "embedding")
    _check_tensor(weight, "weight", "embedding")
    if weight.ndim != 2:
        raise ShapeError(f"'weight' must be 2-D, got shape {tuple(weight.shape)}")
    padding_idx = _padding_index(padding_idx, weight._shape[0])
    if max_norm is not None:
        _renorm_rows(weight, input, float(max_norm), float(norm_type))
    flat = input.reshape(-1)
    # the indices are checked above (index_select's own check would read the dtype again)
    rows = _core.index_select(weight, 0, flat)
    if scale_grad_by_freq and rows._requires_grad:
        rows = _scale_gradient_by_frequency(rows, flat)
    if padding_idx is not None and rows._requires_grad:
        rows = rows.where((flat != padding_idx).unsqueeze(-1), rows.detach())
    return rows.reshape(*input._shape, weight._shape[1])


def _bags(input, offsets, include_last_offset: bool):
    """``(flat indices, bag of each index as an array, number of bags)``."""
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError(
                f"if input is 2D, then offsets has to be None, as input is treated is a "
                f"mini-batch of fixed length sequences. However, found offsets of type "
                f"{type(offsets).__name__}"
            )
        bags, length = input.shape
        return input.reshape(-1), np.repeat(np.arange(bags), length), bags
    if input.ndim != 1:
        raise ValueError(
            f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}"
        )
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    starts = np.asarray(offsets.tolist() if isinstance(offsets, TensorBase) else offsets)
    if starts.ndim != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    starts = starts.astype(np.int64)
    total = input.shape[0]
    if starts.size and starts[0] != 0:
        raise ValueError(
            "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
            f"from position 0. However, got {starts[0]}"
        )
    if starts.size and starts[-1] > total:
        raise ValueError(
            f"offsets[-1] can not be greater than input's length ({total}), but got offsets[-1] "
            f"of {starts[-1]}"
        )
    if np.any(np.diff(starts) < 0):
        raise ValueError("offsets must be non-decreasing")
    if include_last_offset:
        ends = starts[1:]
        starts = starts[:-1]
    else:
        ends = np.append(starts[1:], total)
    bag_of = np.repeat(np.arange(starts.size), ends - starts)
    return input[: int(ends[-1]) if ends.size else 0], bag_of, starts.size


def embedding_bag(
    input,
    weight,
    offsets=None,
    max_norm=None,
    norm_type: float = 2,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights=None,
    include_last_offset: bool = False,
    padding_idx=None,
):
    """The sum, mean or maximum of the rows of each bag: bags are the rows of a 2-D ``input``,
    or the runs of a 1-D ``input`` that ``offsets`` start. Indices equal to ``padding_idx``
    are left out; an empty bag gives zeros."""
    input = _indices(input, "embedding_bag")
    _check_tensor(weight, "weight", "embedding_bag")
    if weight.ndim != 2:
        raise ShapeError(f"'weight' must be 2-D, got shape {tuple(weight.shape)}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, got {mode!r}")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(
                f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                "GitHub."
            )
        if tuple(per_sample_weights.shape) != tuple(input.shape):
            raise ValueError(
                f"embedding_bag: If per_sample_weights ({tuple(per_sample_weights.shape)}) is not "
                f"None, then it must have the same shape as the input ({tuple(input.shape)})"
            )
    rows_count = weight.shape[0]
    padding_idx = _padding_index(padding_idx, rows_count)
    flat, bag_of, bags = _bags(input, offsets, include_last_offset)
    if flat.numel() and (int(flat.min().item()) < 0 or int(flat.max().item()) >= rows_count):
        raise IndexError(f"embedding_bag: index out of range in self (num_embeddings={rows_count})")
    if max_norm is not None:
        _renorm_rows(weight, flat, float(max_norm), float(norm_type))
    rows = weight.index_select(0, flat)
    if scale_grad_by_freq and rows._requires_grad:
        rows = _scale_gradient_by_frequency(rows, flat)
    counted = np.ones(bag_of.size, dtype=bool)
    if padding_idx is not None:
        counted = np.asarray(flat.tolist(), dtype=np.int64) != padding_idx
    if mode == "max":
        return _bag_maximum(rows, bag_of, counted, bags)
    if per_sample_weights is not None:
        psw = per_sample_weights.reshape(-1)[: rows.shape[0]].to(rows.dtype)
        rows = rows * psw.unsqueeze(1)
    if not counted.all():
        rows = rows.where(_from_numpy_like(rows, counted[:, None]), 0.0)
    sums = _core.index_add_zeros(rows, 0, _from_numpy_like(rows, bag_of), bags)
    if mode == "sum":
        return sums
    counts = np.bincount(bag_of[counted], minlength=bags).astype(np.float64)
    return sums / _from_numpy_like(sums, np.maximum(counts, 1.0)[:, None])


def _bag_maximum(rows, bag_of, counted, bags: int):
    members = [np.flatnonzero((bag_of == b) & counted) for b in range(bags)]
    longest = max((m.size for m in members), default=0)
    width = rows.shape[1]
    if longest == 0:  # every bag empty: zeros, still attached to the graph
        zeros = _core.full([bags, width], 0.0, rows.dtype.name, rows._device)
        return rows.sum() * 0.0 + zeros
    positions = np.zeros((bags, longest), dtype=np.int64)
    present = np.zeros((bags, longest), dtype=bool)
    for b, m in enumerate(members):
        positions[b, : m.size] = m
        present[b, : m.size] = True
    gathered = rows.index_select(0, _from_numpy_like(rows, positions.reshape(-1)))
    gathered = gathered.reshape(bags, longest, width)
    gathered = gathered.where(_from_numpy_like(rows, present[:, :, None]), -math.inf)
    values = gathered.max(1)[0]
    nonempty = _from_numpy_like(rows, present.any(1)[:, None])
    return values.where(nonempty, 0.0)


def one_hot(tensor, num_classes: int = -1):
    """``(..., num_classes)`` int64 with a one at each index."""
    _check_tensor(tensor, "tensor", "one_hot")
    if tensor.is_floating_point() or tensor.dtype.name == "bool":
        raise TypeError(
            f"one_hot is only applicable to index tensor of integer dtype, got {tensor.dtype}"
        )
    if num_classes < 0:
        num_classes = int(tensor.max().item()) + 1 if tensor.numel() else 0
    checked = tensor.numel() > 0 and not tensor.is_meta  # a meta tensor has no values to check
    if checked and (int(tensor.min().item()) < 0 or int(tensor.max().item()) >= num_classes):
        raise ValueError("one_hot: class values must be non-negative and smaller than num_classes")
    classes = _core.arange(0, num_classes, 1, "int64", tensor._device)
    return (tensor.unsqueeze(-1) == classes).long()
