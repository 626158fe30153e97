"""pytest configuration: the hypothesis profile and shared fixtures.

Helper functions live in helpers.py (``from helpers import ...``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import ferrograd as fg

settings.register_profile(
    "ferrograd",
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
settings.load_profile("ferrograd")

# ----------------------------------------------------------------------------- fixtures


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture(autouse=True)
def _grad_mode_is_restored():
    """Every test must end with grad mode on (a leaked no_grad would poison later tests)."""
    is_enabled = getattr(fg, "is_grad_enabled", None)
    yield
    if is_enabled is not None and not is_enabled():
        fg.set_grad_enabled(True)
        pytest.fail("test left grad mode off")
