"""Index arithmetic for COO tensors, done on the host with NumPy: which stored entries share a
position, in what order positions sort, and whether indices fit their sizes. Values never pass
through here, so every result about them stays a differentiable op in the callers."""

from __future__ import annotations

import math

import numpy as np

_INT64_MAX = np.iinfo(np.int64).max


def host(indices) -> np.ndarray:
    """The ``(sparse_dim, nnz)`` index tensor as an int64 NumPy array (copied off a device)."""
    return indices.detach().cpu().numpy()


def to_device(array: np.ndarray, device):
    """An int64 NumPy array as a tensor on ``device``."""
    from .._creation import from_numpy

    out = from_numpy(np.ascontiguousarray(array, dtype=np.int64))
    return out if device.type == "cpu" else out.to(device)


def linear(indices: np.ndarray, sizes) -> np.ndarray | None:
    """Each entry's row-major position among ``sizes`` (one index row per size), or None when
    positions could overflow int64 (the callers then compare index columns instead)."""
    if math.prod(sizes) > _INT64_MAX:
        return None
    position = np.zeros(indices.shape[1], dtype=np.int64)
    for row, size in zip(indices, sizes, strict=True):
        position *= size
        position += row
    return position


def unique_positions(indices: np.ndarray, sizes) -> tuple[np.ndarray, np.ndarray]:
    """The distinct index columns in row-major order, and for each entry the number of its
    column among them (NumPy's ``unique`` with ``return_inverse``)."""
    if indices.shape[1] == 0:
        return indices.copy(), np.zeros(0, dtype=np.int64)
    position = linear(indices, sizes)
    if position is None:
        columns, inverse = np.unique(indices.T, axis=0, return_inverse=True)
        return np.ascontiguousarray(columns.T), inverse.reshape(-1).astype(np.int64)
    distinct, inverse = np.unique(position, return_inverse=True)
    return unravel(distinct, sizes), inverse.reshape(-1).astype(np.int64)


def unravel(position: np.ndarray, sizes) -> np.ndarray:
    """The index columns of row-major positions (the inverse of ``linear``)."""
    rows = np.empty((len(sizes), position.size), dtype=np.int64)
    rest = position.copy()
    for d in range(len(sizes) - 1, -1, -1):
        rows[d] = rest % sizes[d] if sizes[d] else 0
        rest //= max(sizes[d], 1)
    return rows


def is_sorted_unique(indices: np.ndarray, sizes) -> bool:
    """Whether the columns are strictly increasing in row-major order (a coalesced tensor's)."""
    if indices.shape[1] < 2:
        return True
    position = linear(indices, sizes)
    if position is not None:
        return bool(np.all(position[1:] > position[:-1]))
    order = np.lexsort(indices[::-1])
    distinct = np.any(indices[:, 1:] != indices[:, :-1], axis=0)
    return bool(np.array_equal(order, np.arange(indices.shape[1])) and distinct.all())


def check_bounds(indices: np.ndarray, sizes) -> None:
    """PyTorch's invariant checks on index values: none negative, each below its size."""
    if indices.shape[1] == 0:
        return
    smallest, largest = indices.min(axis=1), indices.max(axis=1)
    for d, size in enumerate(sizes):
        if smallest[d] < 0:
            raise RuntimeError(f"found negative index {smallest[d]} for dim {d}")
        if largest[d] >= size:
            raise RuntimeError(
                f"size is inconsistent with indices: for dim {d}, size is {size} but found index "
                f"{largest[d]}"
            )
