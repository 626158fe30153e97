"""Classical orthogonal polynomials ``p_n(x)`` on NumPy float64 arrays, with PyTorch's
conventions: ``n`` is truncated to an integer, a negative ``n`` gives 0, and the values come
from the three-term recurrence of each family (for Chebyshev polynomials of high degree on
(-1, 1), from their trigonometric forms, as PyTorch documents), with PyTorch's exact values at
the interval ends ±1. ``x`` and ``n`` broadcast against each other.
"""

from __future__ import annotations

import numpy as np


def _recurrence(x, n, first, step) -> np.ndarray:
    """``p_n(x)`` from ``p_0 = 1``, ``p_1 = first(x)``, ``p_{k+1} = step(k, x, p_k, p_{k-1})``
    for each element's own ``n`` (0 where ``n < 0``)."""
    x, n = np.broadcast_arrays(np.asarray(x, dtype=np.float64), _degree(n))
    out = np.where(n == 0, 1.0, 0.0)
    previous, current = np.ones(x.shape), first(x)
    out = np.where(n == 1, current, out)
    top = int(n.max()) if n.size else 0
    with np.errstate(all="ignore"):
        for k in range(1, top):
            previous, current = current, step(k, x, current, previous)
            out = np.where(n == k + 1, current, out)
    return out


def _degree(n) -> np.ndarray:
    """``n`` as integers, truncated toward zero (PyTorch casts it to int64)."""
    n = np.asarray(n)
    return n.astype(np.int64) if n.dtype.kind != "f" else np.trunc(n).astype(np.int64)


def _chebyshev(x, n, first, trigonometric, threshold: int, at_one, at_minus_one):
    """A Chebyshev family: the recurrence ``p_{k+1} = 2x p_k - p_{k-1}`` (from ``p_1 =
    first(x)``), ``trigonometric(θ, n)`` with ``x = cos θ`` for ``|x| < 1`` and
    ``n > threshold``, and the values ``at_one(n)``, ``at_minus_one(n)`` at ±1."""
    x, n = np.broadcast_arrays(np.asarray(x, dtype=np.float64), _degree(n))
    out = _recurrence(x, n, first, lambda k, x, p, q: 2.0 * x * p - q)
    inside = (np.abs(x) < 1) & (n > threshold)
    if inside.any():
        with np.errstate(all="ignore"):
            out = np.where(inside, trigonometric(np.arccos(np.where(inside, x, 0.0)), n), out)
    valid = n >= 0
    out = np.where(valid & (x == 1), at_one(n), out)
    return np.where(valid & (x == -1), at_minus_one(n), out)


def _alternating(n) -> np.ndarray:
    return np.where(n % 2 == 0, 1.0, -1.0)


def chebyshev_t(x, n) -> np.ndarray:
    """``T_n(x)``, with ``T_n(cos θ) = cos(nθ)``."""
    return _chebyshev(
        x,
        n,
        lambda x: x,
        lambda theta, n: np.cos(n * theta),
        6,
        lambda n: np.ones(n.shape),
        _alternating,
    )


def chebyshev_u(x, n) -> np.ndarray:
    """``U_n(x)``, with ``U_n(cos θ) = sin((n+1)θ) / sin θ``."""

    def trigonometric(theta, n):
        sine = np.sin(theta)
        ratio = np.sin((n + 1) * theta) / np.where(sine != 0, sine, 1.0)
        return np.where(sine != 0, ratio, (n + 1) * np.cos((n + 1) * theta) / np.cos(theta))

    return _chebyshev(
        x,
        n,
        lambda x: 2.0 * x,
        trigonometric,
        8,
        lambda n: n + 1.0,
        lambda n: _alternating(n) * (n + 1.0),
    )


def chebyshev_v(x, n) -> np.ndarray:
    """``V_n(x)`` (third kind), with ``V_n(cos θ) = cos((n+½)θ) / cos(θ/2)``."""
    return _chebyshev(
        x,
        n,
        lambda x: 2.0 * x - 1.0,
        lambda theta, n: np.cos((n + 0.5) * theta) / np.cos(theta / 2.0),
        8,
        lambda n: np.ones(n.shape),
        lambda n: _alternating(n) * (2.0 * n + 1.0),
    )


def chebyshev_w(x, n) -> np.ndarray:
    """``W_n(x)`` (fourth kind), with ``W_n(cos θ) = sin((n+½)θ) / sin(θ/2)``."""
    return _chebyshev(
        x,
        n,
        lambda x: 2.0 * x + 1.0,
        lambda theta, n: np.sin((n + 0.5) * theta) / np.sin(theta / 2.0),
        8,
        lambda n: 2.0 * n + 1.0,
        _alternating,
    )


def shifted(family):
    """The shifted family ``p*_n(x) = p_n(2x - 1)`` on [0, 1]."""

    def evaluate(x, n):
        return family(2.0 * np.asarray(x, dtype=np.float64) - 1.0, n)

    evaluate.__doc__ = f"``{family.__name__}`` at ``2x - 1``."
    return evaluate


def hermite_h(x, n) -> np.ndarray:
    """The physicists' Hermite ``H_n``: ``H_{k+1} = 2x H_k - 2k H_{k-1}``."""
    return _recurrence(x, n, lambda x: 2.0 * x, lambda k, x, p, q: 2.0 * x * p - 2.0 * k * q)


def hermite_he(x, n) -> np.ndarray:
    """The probabilists' Hermite ``He_n``: ``He_{k+1} = x He_k - k He_{k-1}``."""
    return _recurrence(x, n, lambda x: x, lambda k, x, p, q: x * p - k * q)


def laguerre_l(x, n) -> np.ndarray:
    """Laguerre ``L_n``: ``(k+1) L_{k+1} = (2k + 1 - x) L_k - k L_{k-1}`` (1 at x = 0)."""
    x, n = np.broadcast_arrays(np.asarray(x, dtype=np.float64), _degree(n))
    out = _recurrence(
        x, n, lambda x: 1.0 - x, lambda k, x, p, q: ((2 * k + 1 - x) * p - k * q) / (k + 1)
    )
    return np.where((n >= 0) & (x == 0), 1.0, out)


def legendre_p(x, n) -> np.ndarray:
    """Legendre ``P_n``: ``(k+1) P_{k+1} = (2k+1) x P_k - k P_{k-1}`` (±1 at x = ±1)."""
    x, n = np.broadcast_arrays(np.asarray(x, dtype=np.float64), _degree(n))
    out = _recurrence(x, n, lambda x: x, lambda k, x, p, q: ((2 * k + 1) * x * p - k * q) / (k + 1))
    valid = n >= 0
    out = np.where(valid & (x == 1), 1.0, out)
    return np.where(valid & (x == -1), _alternating(n), out)
