"""``ferrograd.random``: the default generator's state, and ``fork_rng`` to run code without
moving it."""

from __future__ import annotations

import contextlib

from ._random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)

__all__ = [
    "Generator",
    "default_generator",
    "fork_rng",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "seed",
    "set_rng_state",
]


@contextlib.contextmanager
def fork_rng(
    devices=None,
    enabled: bool = True,
    _caller: str = "fork_rng",
    _devices_kw: str = "devices",
    device_type: str | None = None,
):
    """Runs the ``with`` block and then puts the default generator back in the state it had
    before, so draws inside the block do not change the numbers drawn after it. Every device
    samples from the one default generator here, so ``devices`` and ``device_type`` only
    select what PyTorch would fork and change nothing. ``enabled=False`` forks nothing."""
    if not enabled:
        yield
        return
    saved = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(saved)
