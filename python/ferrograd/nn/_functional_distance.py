"""Distances and similarities between vectors: ``pairwise_distance``, ``pdist``,
``cosine_similarity``."""

from __future__ import annotations

import numpy as np

from .._errors import ShapeError
from ._functional_common import _check_tensor, _from_numpy_like


def pairwise_distance(x1, x2, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
    """The ``p``-norm of ``x1 - x2 + eps`` along the last dimension."""
    _check_tensor(x1, "x1", "pairwise_distance")
    _check_tensor(x2, "x2", "pairwise_distance")
    diff = x1 - x2 + eps
    if diff.ndim == 0:
        return diff.abs()
    return diff.norm(p, -1, keepdim=keepdim)


def pdist(input, p: float = 2.0):
    """The ``p``-norm distances between all pairs of rows of ``(N, M)``, ``i < j`` in row-major
    order: ``N (N - 1) / 2`` values."""
    _check_tensor(input, "input", "pdist")
    if input.ndim != 2:
        raise ShapeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if p < 0:
        raise ShapeError("pdist only supports non-negative p values")
    rows, cols = np.triu_indices(input.shape[0], k=1)
    first = input.index_select(0, _from_numpy_like(input, rows))
    second = input.index_select(0, _from_numpy_like(input, cols))
    return (first - second).norm(p, -1)


def cosine_similarity(x1, x2, dim: int = 1, eps: float = 1e-8):
    """Cosine similarity along ``dim`` (``ferrograd.cosine_similarity``)."""
    from .._surface import cosine_similarity as similarity

    return similarity(x1, x2, dim, eps)
