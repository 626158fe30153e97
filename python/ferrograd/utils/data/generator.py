"""``Generator`` (defined in ``ferrograd._random``) and the permutations and seeds that
shuffling, sampling and ``random_split`` draw from it."""

from __future__ import annotations

import numpy as np

from ..._random import Generator, numpy_rng

__all__ = ["Generator", "randperm"]


def _seed_from_global() -> int:
    """A seed drawn from the default generator (so ``manual_seed`` applies)."""
    return int(numpy_rng().integers(0, 2**62))


def _default_rng() -> np.random.Generator:
    """The NumPy generator behind the default generator."""
    return numpy_rng()


def randperm(n: int, generator: Generator | None = None) -> np.ndarray:
    """A permutation of ``range(n)`` from ``generator`` (the default generator when None)."""
    return numpy_rng(generator).permutation(n)
