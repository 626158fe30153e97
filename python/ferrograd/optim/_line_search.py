"""The strong-Wolfe line search L-BFGS uses (Nocedal & Wright, *Numerical Optimization*,
algorithms 3.5 and 3.6), with safeguarded cubic interpolation between trial steps.

``evaluate(t)`` returns ``(loss, flat_gradient)`` at ``x + t·d``; losses, slopes and steps are
Python floats, gradients flat tensors.
"""

from __future__ import annotations

import math


def cubic_minimizer(x1, f1, g1, x2, f2, g2, bounds=None) -> float:
    """The minimizer of the cubic through ``(x1, f1)`` and ``(x2, f2)`` with slopes ``g1``,
    ``g2``, clamped to ``bounds`` (default: the interval between the points); the bounds'
    midpoint when the cubic has no minimizer."""
    lo, hi = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    discriminant = d1 * d1 - g1 * g2
    if discriminant < 0:
        return (lo + hi) / 2.0
    d2 = math.sqrt(discriminant)
    if x1 <= x2:
        point = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        point = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(point, lo), hi)


class _Trial:
    """One evaluated step: its length, loss, gradient and slope along the direction."""

    __slots__ = ("f", "g", "gtd", "t")

    def __init__(self, t, f, g, gtd) -> None:
        self.t, self.f, self.g, self.gtd = t, f, g, gtd


def strong_wolfe(
    evaluate, d, t, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25
) -> tuple[float, object, float, int]:
    """Finds a step ``t`` along ``d`` that satisfies the strong Wolfe conditions (sufficient
    decrease with ``c1``, curvature with ``c2``), starting from the trial ``t``; ``f``, ``g`` and
    ``gtd`` describe the start point. Returns ``(loss, gradient, t, evaluations)``."""
    d_scale = d.abs().max().item()
    start = _Trial(0.0, f, g.clone(), gtd)

    def trial(step):
        loss, grad = evaluate(step)
        return _Trial(step, loss, grad, grad.dot(d).item())

    new = trial(t)
    evaluations = 1
    previous = start
    found = False
    bracket = None
    tries = 0
    # Phase 1: grow the step until an interval is known to contain an acceptable one.
    while tries < max_ls:
        if new.f > f + c1 * new.t * gtd or (tries > 1 and new.f >= previous.f):
            bracket = [previous, new]
            break
        if abs(new.gtd) <= -c2 * gtd:
            bracket = [new]
            found = True
            break
        if new.gtd >= 0:
            bracket = [previous, new]
            break
        step = cubic_minimizer(
            previous.t,
            previous.f,
            previous.gtd,
            new.t,
            new.f,
            new.gtd,
            bounds=(new.t + 0.01 * (new.t - previous.t), new.t * 10),
        )
        previous = new
        new = trial(step)
        evaluations += 1
        tries += 1
    if tries == max_ls:
        bracket = [start, new]

    # Phase 2 ("zoom"): shrink the interval until a point satisfies both conditions.
    stalled = False
    low, high = (0, 1) if bracket[0].f <= bracket[-1].f else (1, 0)
    while not found and tries < max_ls:
        a, b = bracket
        if abs(b.t - a.t) * d_scale < tolerance_change:
            break
        step = cubic_minimizer(a.t, a.f, a.gtd, b.t, b.f, b.gtd)
        left, right = min(a.t, b.t), max(a.t, b.t)
        margin = 0.1 * (right - left)
        if min(right - step, step - left) < margin:
            # Too close to an end of the interval: move inside if that happened twice in a row
            # or the step is at (or beyond) an end.
            if stalled or step >= right or step <= left:
                step = right - margin if abs(step - right) < abs(step - left) else left + margin
                stalled = False
            else:
                stalled = True
        else:
            stalled = False
        new = trial(step)
        evaluations += 1
        tries += 1
        if new.f > f + c1 * new.t * gtd or new.f >= bracket[low].f:
            bracket[high] = new
            low, high = (0, 1) if bracket[0].f <= bracket[1].f else (1, 0)
        else:
            if abs(new.gtd) <= -c2 * gtd:
                found = True
            elif new.gtd * (bracket[high].t - bracket[low].t) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = new

    best = bracket[low] if len(bracket) > 1 else bracket[0]
    return best.f, best.g, best.t, evaluations
