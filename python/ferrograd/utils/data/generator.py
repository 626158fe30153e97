"""``Generator``: a seedable source of random permutations (for shuffling and splitting)."""

from __future__ import annotations

import numpy as np


class Generator:
    """Like ``torch.Generator``: ``Generator().manual_seed(0)`` gives reproducible shuffles."""

    def __init__(self, device="cpu"):
        self.device = device
        self._seed = int(np.random.SeedSequence().entropy % (1 << 63))
        self._rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        return self.manual_seed(int(np.random.SeedSequence().entropy % (1 << 63)))._seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self):
        return self._rng.bit_generator.state

    def set_state(self, state) -> Generator:
        self._rng.bit_generator.state = state
        return self

    def permutation(self, n: int) -> np.ndarray:
        return self._rng.permutation(n)


def _default_rng():
    """A NumPy generator seeded from ferrograd's global generator (so ``manual_seed`` applies)."""
    from ... import _creation

    seed = int(_creation.randint(0, 2**62, (1,)).item())
    return np.random.default_rng(seed)


def randperm(n: int, generator: Generator | None = None) -> np.ndarray:
    if generator is not None:
        return generator.permutation(n)
    return _default_rng().permutation(n)
