"""The CTC forward recursion behind ``nn.functional.ctc_loss``.

Graves et al.'s alpha recursion over the label sequence with blanks between and around the
labels, in log space, for the whole batch at once: one step is a handful of tensor operations
on ``(N, 2S + 1)`` values, recorded, so the backward pass is the recursion's own derivative.
Unreachable states hold a large finite negative number rather than ``-inf``: a log-sum-exp of
three ``-inf`` terms has a 0/0 derivative, which would turn every gradient into NaN."""

from __future__ import annotations

import math

import numpy as np

from .. import _core
from .._base import TensorBase
from .._errors import ShapeError
from ._functional_common import _from_numpy_like

#: The log-probability of an unreachable state; a total below ``_IMPOSSIBLE`` means the
#: target cannot be aligned with the input (PyTorch's infinite loss).
_UNREACHABLE = -1e30
_IMPOSSIBLE = -1e29


def _lengths(lengths, n: int, name: str) -> np.ndarray:
    values = lengths.tolist() if isinstance(lengths, TensorBase) else lengths
    array = np.asarray(values, dtype=np.int64).reshape(-1)
    if array.size != n:
        raise ShapeError(f"ctc_loss: expected {n} {name}, got {array.size}")
    if (array < 0).any():
        raise ShapeError(f"ctc_loss: {name} must be non-negative, got {array.tolist()}")
    return array


def _padded_targets(targets, target_lengths: np.ndarray, n: int) -> np.ndarray:
    """``(N, S)`` label indices, whether given padded or concatenated."""
    if not isinstance(targets, TensorBase):
        raise TypeError(
            f"ctc_loss(): argument 'targets' must be Tensor, not {type(targets).__name__}"
        )
    if targets.is_floating_point() or targets.dtype.name == "bool":
        raise TypeError(f"ctc_loss: expected targets of integer dtype, got {targets.dtype}")
    values = np.asarray(targets.tolist(), dtype=np.int64)
    longest = int(target_lengths.max()) if n else 0
    if values.ndim == 2 and n > 0 and values.shape[0] == n:
        if values.shape[1] < longest:
            raise ShapeError(
                f"Expected tensor to have size at least {longest} at dimension 1, but got size "
                f"{values.shape[1]} for argument #2 'targets' (while checking arguments for "
                "ctc_loss_allocate_outputs)"
            )
        return values[:, :longest]
    if values.ndim != 1:
        raise ShapeError(f"ctc_loss: expected 1-D or (N, S) targets, got shape {values.shape}")
    if n == 1 and values.size >= longest and values.size != target_lengths.sum():
        return values[None, :longest]  # one unbatched, padded sequence
    if values.size != target_lengths.sum():
        raise ShapeError(
            f"ctc_loss: concatenated targets hold {values.size} labels but target_lengths sum "
            f"to {int(target_lengths.sum())}"
        )
    padded = np.zeros((n, longest), dtype=np.int64)
    start = 0
    for row, length in enumerate(target_lengths):
        padded[row, :length] = values[start : start + length]
        start += length
    return padded


def _log_add(terms):
    """``log(sum(exp(terms)))`` over dim 0, shifted by the (constant) maximum."""
    top = terms.detach().amax(0)
    return top + (terms - top).exp().sum(0).log()


def ctc_negative_log_likelihood(log_probs, targets, input_lengths, target_lengths, blank: int):
    """Per-sample ``-log p(target | input)`` as an ``(N,)`` tensor (``inf`` where no alignment
    exists), and the target lengths as an int64 tensor."""
    lp = log_probs.unsqueeze(1) if log_probs.ndim == 2 else log_probs
    if lp.ndim != 3:
        raise ShapeError(
            f"ctc_loss: expected log_probs of shape (T, N, C) or (T, C), got "
            f"{tuple(log_probs.shape)}"
        )
    if not lp.is_floating_point():
        raise TypeError(f"ctc_loss: expected floating point log_probs, got {lp.dtype}")
    steps, n, classes = lp.shape
    if not 0 <= blank < classes:
        raise ShapeError("blank must be in label range")
    in_len = _lengths(input_lengths, n, "input_lengths")
    tg_len = _lengths(target_lengths, n, "target_lengths")
    if n and in_len.max() > steps:
        raise ShapeError(
            f"Expected input_lengths to have value at most {steps}, but got value "
            f"{int(in_len.max())} (while checking arguments for ctc_loss_allocate_outputs)"
        )
    labels = _padded_targets(targets, tg_len, n)
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise IndexError(f"ctc_loss: target labels must be in [0, {classes - 1}]")
    lengths_tensor = _from_numpy_like(lp, tg_len)
    states = 2 * labels.shape[1] + 1
    extended = np.full((n, states), blank, dtype=np.int64)
    extended[:, 1::2] = labels
    # a state may be reached from two back when it is a label unlike the label two back
    skip = np.zeros((n, states), dtype=bool)
    skip[:, 2:] = (extended[:, 2:] != blank) & (extended[:, 2:] != extended[:, :-2])
    first = np.zeros((n, states), dtype=bool)
    first[:, 0] = True
    first[:, 1:2] = (tg_len > 0)[:, None]

    if steps == 0 or n == 0:
        empty = (tg_len == 0).astype(np.float64)
        losses = np.where(empty > 0, 0.0, math.inf)
        return lp.sum((0, 2)) * 0.0 + _from_numpy_like(lp, losses), lengths_tensor

    index = _from_numpy_like(lp, extended)
    picked = lp.gather(2, index.unsqueeze(0).expand(steps, n, states))  # (T, N, S')
    if bool((picked.detach() < _UNREACHABLE).any()):
        picked = picked.clamp(min=_UNREACHABLE)
    can_skip = _from_numpy_like(lp, skip)
    unreachable = _core.full([n, 1], _UNREACHABLE, lp.dtype.name, lp._device)
    alpha = picked[0].where(_from_numpy_like(lp, first), _UNREACHABLE)
    for t in range(1, int(in_len.max())):
        one_back = _core.cat([unreachable, alpha[:, :-1]], 1)
        two_back = _core.cat([unreachable, unreachable, alpha[:, :-2]], 1)[:, :states]
        two_back = two_back.where(can_skip, _UNREACHABLE)
        step = _log_add(_core.stack([alpha, one_back, two_back], 0)) + picked[t]
        running = in_len > t
        alpha = step if running.all() else step.where(_from_numpy_like(lp, running[:, None]), alpha)
    last = _from_numpy_like(lp, (2 * tg_len)[:, None])
    before_last = _from_numpy_like(lp, np.maximum(2 * tg_len - 1, 0)[:, None])
    end = alpha.gather(1, last).squeeze(1)
    end_label = alpha.gather(1, before_last).squeeze(1)
    end_label = end_label.where(_from_numpy_like(lp, tg_len > 0), _UNREACHABLE)
    total = _log_add(_core.stack([end, end_label], 0))
    losses = -total
    no_input = _from_numpy_like(lp, in_len == 0)
    losses = losses.where(
        no_input.logical_not(), _from_numpy_like(lp, np.where(tg_len == 0, 0.0, math.inf))
    )
    losses = losses.where(total.detach() > _IMPOSSIBLE, math.inf)
    return losses, lengths_tensor
