"""Losses of ``nn.functional``. Each takes ``reduction='mean' | 'sum' | 'none'`` and, where
PyTorch has them, the deprecated ``size_average``/``reduce`` pair. The losses PyTorch computes
as one node (``MseLossBackward0``, ``NllLossBackward0``, ...) are one engine call each
(``_core.loss``, ``ops/loss.rs``); the ones PyTorch composes are composed here of the same
recorded operations, so that their ``grad_fn`` chains read as PyTorch's."""

from __future__ import annotations

import math
import warnings

from .. import _core
from .._autocast import float32_op
from .._base import TensorBase
from .._dtype import scalar_type_name
from .._errors import ShapeError
from ..autograd.grad_mode import no_grad
from ._functional_activation import logsigmoid
from ._functional_common import (
    _check_tensor,
    _legacy_reduction,
    _reduce,
)
from ._functional_distance import pairwise_distance

#: PyTorch's kernel names in its "not implemented for 'Long'" errors of the regression losses.
_KERNELS = {"mse_loss": "mse_cpu", "smooth_l1_loss": "smooth_l1_cpu", "huber_loss": "huber_cpu"}


def _check_float_target(input, target, op: str):
    _check_tensor(input, "input", op)
    _check_tensor(target, "target", op)
    if not input.is_floating_point():
        if op in _KERNELS:
            raise NotImplementedError(f'"{_KERNELS[op]}" not implemented for {_scalar_type(input)}')
        raise TypeError(f"{op}: expected a floating point input, got {input.dtype}")
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(
            f"Using a target size ({tuple(target.shape)}) that is different to the input size "
            f"({tuple(input.shape)}). This will likely lead to incorrect results due to "
            "broadcasting.",
            stacklevel=3,
        )
    if not target.is_floating_point():
        target = target.to(input.dtype)
    return target


def _weighted_mean(loss, weight, reduction: str):
    """``loss * weight`` reduced as PyTorch's weighted ``mse_loss``/``l1_loss``: the mean
    divides by the weights' sum."""
    if tuple(weight.shape) != tuple(loss.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "mean":
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


@float32_op
def mse_loss(input, target, size_average=None, reduce=None, reduction: str = "mean", weight=None):
    """The mean squared error ``(input - target) ** 2``, elementwise, reduced.

    Args:
        input: a floating tensor.
        target: a tensor of the same shape (it broadcasts, with PyTorch's warning when the
            shapes differ).
        size_average: deprecated (use ``reduction``).
        reduce: deprecated (use ``reduction``).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        weight: a weight multiplying each element's loss (the mean then divides by the
            weights' sum).

    Examples:
        >>> import ferrograd
        >>> import ferrograd.nn.functional as F
        >>> F.mse_loss(ferrograd.tensor([1.0, 2.0]), ferrograd.tensor([0.0, 0.0]))
        tensor(2.5000)
        >>> F.mse_loss(ferrograd.tensor([1.0, 2.0]), ferrograd.zeros(2), reduction="none")
        tensor([1., 4.])
    """
    target = _check_float_target(input, target, "mse_loss")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if weight is None:
        return _core.loss("mse_loss", input, target, reduction)
    return _weighted_mean((input - target) ** 2, weight, reduction)


@float32_op
def l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean", weight=None):
    target = _check_float_target(input, target, "l1_loss")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    loss = (input - target).abs()
    if weight is not None:
        return _weighted_mean(loss, weight, reduction)
    return _reduce(loss, reduction)


@float32_op
def smooth_l1_loss(
    input, target, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0
):
    target = _check_float_target(input, target, "smooth_l1_loss")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss does not support negative values for beta, got {beta}")
    if beta == 0:  # PyTorch's l1_loss then, composed
        return _reduce((input - target).abs(), reduction)
    return _core.loss("smooth_l1_loss", input, target, reduction, parameter=float(beta))


@float32_op
def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0, weight=None):
    target = _check_float_target(input, target, "huber_loss")
    if delta <= 0:
        raise ValueError(f"huber_loss does not support non-positive values for delta, got {delta}")
    if weight is None:
        return _core.loss("huber_loss", input, target, reduction, parameter=float(delta))
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    loss = _core.loss("huber_loss", input, target, "none", parameter=float(delta))
    return _reduce(loss * weight, reduction)


def _spatial_nll(kind: str, input, target, weight, ignore_index: int, reduction: str):
    """``nll_loss`` (``kind``) as PyTorch runs it: inputs of 1, 2 or 4 dimensions directly (a
    4-D one is ``NllLoss2DBackward0``), others viewed as ``(N, C, 1, -1)`` with the target as
    ``(N, 1, -1)``, the unreduced loss viewed back."""
    _check_tensor(input, "input", kind)
    _check_tensor(target, "target", kind)
    if weight is not None:
        _check_tensor(weight, "weight", kind)
    if input.ndim in (0, 1, 2, 4):
        return _core.loss(kind, input, target, reduction, weight, ignore_index=int(ignore_index))
    expected = (input.shape[0], *input.shape[2:])
    if tuple(target.shape) != expected:
        raise ShapeError(f"Expected target size {list(expected)}, got {list(target.shape)}")
    n, c = input.shape[0], input.shape[1]
    if kind == "cross_entropy":
        input, kind = input.log_softmax(1), "nll_loss"
    flat = input.reshape(n, c, 1, -1)
    loss = _core.loss(
        kind, flat, target.reshape(n, 1, -1), reduction, weight, ignore_index=int(ignore_index)
    )
    return loss.reshape(target.shape) if reduction == "none" else loss


@float32_op
def nll_loss(
    input,
    target,
    weight=None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
):
    """Negative log likelihood of class indices given log-probabilities ``(N, C, ...)``."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    return _spatial_nll("nll_loss", input, target, weight, ignore_index, reduction)


@float32_op
def cross_entropy(
    input,
    target,
    weight=None,
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
):
    """``log_softmax`` + NLL over the class dimension (dim 1, or 0 for an unbatched input).
    ``target`` holds class indices (integer, shape ``(N, ...)``) or class probabilities (the
    input's shape, floating)."""
    _check_tensor(input, "input", "cross_entropy")
    _check_tensor(target, "target", "cross_entropy")
    if not input.is_floating_point():
        raise NotImplementedError(
            f'"log_softmax_lastdim_kernel_impl" not implemented for {_scalar_type(input)}'
        )
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    class_dim = 0 if input.ndim == 1 else 1
    c = input.shape[class_dim]
    if weight is not None and tuple(weight.shape) != (c,):
        raise RuntimeError(
            f"weight tensor should be defined either for all {c} classes or no classes but got "
            f"weight tensor of shape: {list(weight.shape)}"
        )
    if target.is_floating_point() and tuple(target.shape) == tuple(input.shape):
        return _probability_cross_entropy(input, target, weight, reduction, label_smoothing)
    if label_smoothing == 0:
        return _spatial_nll("cross_entropy", input, target, weight, ignore_index, reduction)
    # PyTorch's label smoothing: (1 - e) nll + e / C * (the reduced sum over the classes)
    logp = input.log_softmax(class_dim)
    nll = _spatial_nll("nll_loss", logp, target, weight, ignore_index, reduction)
    counted = target != ignore_index
    if weight is None:
        smooth = -logp.sum(class_dim)
    else:
        view = [1] * input.ndim
        view[class_dim] = c
        smooth = -(logp * weight.to(logp.dtype).reshape(view)).sum(class_dim)
    smooth = smooth.where(counted, 0.0)
    if reduction == "mean":
        if weight is None:
            total = counted.sum()
        else:
            total = weight.to(logp.dtype).index_select(0, target[counted].flatten()).sum()
        smooth = smooth.sum() / total
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / c)


def _probability_cross_entropy(input, target, weight, reduction: str, label_smoothing: float):
    """Cross-entropy against class probabilities, composed as PyTorch composes it."""
    class_dim = 0 if input.ndim == 1 else 1
    c = input.shape[class_dim]
    t = target.to(input.dtype)
    if label_smoothing > 0:
        t = t * (1 - label_smoothing) + label_smoothing / c
    terms = input.log_softmax(class_dim) * t
    if weight is not None:
        view = [1] * input.ndim
        view[class_dim] = c
        terms = terms * weight.to(input.dtype).reshape(view)
    if reduction == "none":
        return -terms.sum(class_dim)
    total = -terms.sum()
    if reduction == "sum":
        return total
    # PyTorch divides by the count as a number (`div.Scalar`, DivBackward1)
    return total._binary("div_scalar", input.numel() // max(c, 1))


def _scalar_type(t) -> str:
    """PyTorch's quoted scalar-type name (``'Long'``) in its "not implemented for" errors."""
    return "'" + scalar_type_name(t.dtype) + "'"


@float32_op
def binary_cross_entropy(
    input, target, weight=None, size_average=None, reduce=None, reduction: str = "mean"
):
    """``-(t·log(x) + (1-t)·log(1-x))`` for probabilities ``x`` (logs clamped at -100)."""
    _check_tensor(input, "input", "binary_cross_entropy")
    _check_tensor(target, "target", "binary_cross_entropy")
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({tuple(target.shape)}) that is different to the input size "
            f"({tuple(input.shape)}) is deprecated. Please ensure they have the same size."
        )
    if not target.is_floating_point():
        raise TypeError(
            "binary_cross_entropy: expected a floating point target (probabilities), got "
            f"{target.dtype}"
        )
    checked = input.numel() > 0 and not input.is_meta  # a meta input has no values to check
    if checked and (bool((input.detach() < 0).any()) or bool((input.detach() > 1).any())):
        raise ValueError("all elements of input should be between 0 and 1")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    return _core.loss("binary_cross_entropy", input, target.to(input.dtype), reduction, weight)


@float32_op
def binary_cross_entropy_with_logits(
    input,
    target,
    weight=None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    pos_weight=None,
):
    """``binary_cross_entropy(sigmoid(x), t)`` computed stably from logits ``x``."""
    _check_tensor(input, "input", "binary_cross_entropy_with_logits")
    _check_tensor(target, "target", "binary_cross_entropy_with_logits")
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({tuple(target.shape)}) must be the same as input size "
            f"({tuple(input.shape)})"
        )
    if not target.is_floating_point():
        raise TypeError(
            "binary_cross_entropy_with_logits: expected a floating point target, got "
            f"{target.dtype}"
        )
    if not input.is_floating_point():
        raise NotImplementedError(f'"log_sigmoid_cpu" not implemented for {_scalar_type(input)}')
    reduction = _legacy_reduction(size_average, reduce, reduction)
    t = target.to(input.dtype)
    return _core.loss("binary_cross_entropy_with_logits", input, t, reduction, weight, pos_weight)


@float32_op
def kl_div(
    input,
    target,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    log_target: bool = False,
):
    """The pointwise Kullback-Leibler divergence ``target * (log(target) - input)`` of
    log-probabilities ``input`` (``exp(t) * (t - input)`` when the target is given as logs too);
    ``reduction='batchmean'`` divides the sum by the batch size, the divergence's value."""
    _check_tensor(input, "input", "kl_div")
    _check_tensor(target, "target", "kl_div")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size. 'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition. 'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.",
            stacklevel=2,
        )
    if log_target:
        loss = target.exp() * (target - input)
    else:
        # target * log(target) is 0 where target is 0 (xlogy), NaN below 0 as in PyTorch
        loss = target * target.where(target != 0, 1.0).log() - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction)


@float32_op
def poisson_nll_loss(
    input,
    target,
    log_input: bool = True,
    full: bool = False,
    size_average=None,
    eps: float = 1e-8,
    reduce=None,
    reduction: str = "mean",
):
    """Negative log likelihood of ``target`` under a Poisson distribution of rate ``input``
    (``exp(input)`` when ``log_input``); ``full`` adds Stirling's approximation of
    ``log(target!)`` for targets above 1."""
    _check_tensor(input, "input", "poisson_nll_loss")
    _check_tensor(target, "target", "poisson_nll_loss")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        above_one = target > 1
        t = target.where(above_one, 2.0)  # any value whose logs are finite; masked below
        stirling = t * t.log() - t + 0.5 * (t * (2 * math.pi)).log()
        loss = loss + stirling.where(above_one, 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(
    input, target, var, full: bool = False, eps: float = 1e-6, reduction: str = "mean"
):
    """Negative log likelihood of ``target`` under ``N(input, var)``: ``0.5 (log(var) +
    (input - target)^2 / var)``. ``var`` is clamped to at least ``eps`` for the value only (its
    gradient passes unchanged, as in PyTorch); it may have the input's shape, or lack its last
    dimension, or have 1 there (one variance per sample)."""
    _check_tensor(input, "input", "gaussian_nll_loss")
    _check_tensor(target, "target", "gaussian_nll_loss")
    if not isinstance(var, TensorBase):
        if float(var) < 0:
            raise ValueError("var has negative entry/entries")
        var = input.detach() * 0.0 + float(var)
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif tuple(input.shape[:-1]) != tuple(var.shape[:-1]) or var.shape[-1] != 1:
            raise ValueError("var is of incorrect size")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(reduction + " is not valid")
    if bool((var.detach() < 0).any()):
        raise ValueError("var has negative entry/entries")
    # PyTorch's clamp: of a clone, in place and unrecorded (the gradient passes unchanged)
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    diff = input - target
    loss = 0.5 * (var.log() + diff * diff / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


@float32_op
def margin_ranking_loss(
    input1,
    input2,
    target,
    margin: float = 0.0,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
):
    """``max(0, -target * (input1 - input2) + margin)`` with targets of 1 or -1."""
    for name, t in (("input1", input1), ("input2", input2), ("target", target)):
        _check_tensor(t, name, "margin_ranking_loss")
    if not input1.ndim == input2.ndim == target.ndim:
        raise ShapeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {tuple(input1.shape)}, input2: {tuple(input2.shape)}, target: "
            f"{tuple(target.shape)} "
        )
    loss = (-target * (input1 - input2) + margin).clamp(min=0.0)
    return _reduce(loss, _legacy_reduction(size_average, reduce, reduction))


@float32_op
def hinge_embedding_loss(
    input,
    target,
    margin: float = 1.0,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
):
    """``input`` where the target is 1 and ``max(0, margin - input)`` where it is -1."""
    _check_tensor(input, "input", "hinge_embedding_loss")
    _check_tensor(target, "target", "hinge_embedding_loss")
    margin_part = (margin - input).clamp(min=0.0).where(target != 1, 0.0)
    self_part = input.where(target != -1, 0.0)
    return _reduce(margin_part + self_part, _legacy_reduction(size_average, reduce, reduction))


#: Added to the squared norms in ``cosine_embedding_loss``, as in PyTorch.
_COSINE_EPSILON = 1e-12


@float32_op
def cosine_embedding_loss(
    input1,
    input2,
    target,
    margin: float = 0.0,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
):
    """``1 - cos(x1, x2)`` where the target is 1, ``max(0, cos(x1, x2) - margin)`` where it is
    -1; rows are samples (or one unbatched sample of 1-D inputs)."""
    for name, t in (("input1", input1), ("input2", input2), ("target", target)):
        _check_tensor(t, name, "cosine_embedding_loss")
    if input1.ndim != input2.ndim or tuple(input1.shape) != tuple(input2.shape):
        raise ShapeError(
            f"cosine_embedding_loss: input1 {tuple(input1.shape)} and input2 "
            f"{tuple(input2.shape)} must have the same shape"
        )
    if input1.ndim not in (1, 2) or target.ndim != input1.ndim - 1:
        raise ShapeError(
            f"{input1.ndim - 1}D target tensor expects {input1.ndim}D input tensors, but found "
            f"inputs with sizes {tuple(input1.shape)} and {tuple(input2.shape)}."
            if input1.ndim in (1, 2)
            else "0D target tensor expects 1D input tensors, or 1D target tensor expects 2D "
            f"input tensors, got inputs of shape {tuple(input1.shape)}"
        )
    dim = input1.ndim - 1
    dot = (input1 * input2).sum(dim)
    square1 = (input1 * input1).sum(dim) + _COSINE_EPSILON
    square2 = (input2 * input2).sum(dim) + _COSINE_EPSILON
    cos = dot / (square1 * square2).sqrt()
    # a tensor of ones minus cos (SubBackward0), as PyTorch's C++ `1 - cos` records it
    loss = (cos.new_ones(()) - cos).where(target == 1, 0.0) + (cos - margin).clamp(min=0.0).where(
        target == -1, 0.0
    )
    return _reduce(loss, _legacy_reduction(size_average, reduce, reduction))


def _triplet_loss(distance, anchor, positive, negative, margin, swap, reduction, op):
    for name, t in (("anchor", anchor), ("positive", positive), ("negative", negative)):
        _check_tensor(t, name, op)
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise ShapeError(
            f"The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and "
            f"negative {negative.ndim}D inputs"
        )
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    to_positive = distance(anchor, positive)
    to_negative = distance(anchor, negative)
    if swap:
        to_negative = to_negative._binary("minimum", distance(positive, negative))
    loss = (margin + to_positive - to_negative).clamp(min=0.0)
    return _reduce(loss, reduction)


@float32_op
def triplet_margin_loss(
    anchor,
    positive,
    negative,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
):
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))`` with ``d`` the pairwise
    ``p``-distance; ``swap`` uses ``d(positive, negative)`` when it is smaller."""

    def distance(a, b):
        return pairwise_distance(a, b, p, eps)

    reduction = _legacy_reduction(size_average, reduce, reduction)
    return _triplet_loss(
        distance, anchor, positive, negative, margin, swap, reduction, "triplet_margin_loss"
    )


def triplet_margin_with_distance_loss(
    anchor,
    positive,
    negative,
    *,
    distance_function=None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
):
    """``triplet_margin_loss`` with any distance (``pairwise_distance`` by default)."""
    distance = pairwise_distance if distance_function is None else distance_function
    return _triplet_loss(
        distance,
        anchor,
        positive,
        negative,
        margin,
        swap,
        reduction,
        "triplet_margin_with_distance_loss",
    )


def _class_rows(input, target, op: str):
    """``input`` as ``(N, C)`` and ``target`` as ``(N,)`` for losses over classes (dim 1),
    accepting an unbatched ``(C,)`` input with a 0-d target."""
    _check_tensor(input, "input", op)
    _check_tensor(target, "target", op)
    if input.ndim == 1 or input.ndim == 0:
        rows = input.reshape(1, -1)
        expected = ((), (1,))
    elif input.ndim == 2:
        rows = input
        expected = ((input.shape[0],),)
    else:
        raise ShapeError(
            f"{op}: expected a 1-D or 2-D input, got input of shape {tuple(input.shape)}"
        )
    if tuple(target.shape) not in expected:
        raise ShapeError(
            f"inconsistent target size, expected {expected[-1]} but got {tuple(target.shape)} "
            f"for input of shape {tuple(input.shape)}"
        )
    return rows, target.reshape(-1)


@float32_op
def multi_margin_loss(
    input,
    target,
    p: int = 1,
    margin: float = 1.0,
    weight=None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
):
    """Multi-class hinge loss: per sample, ``sum over i != y of w[y] max(0, margin - x[y] +
    x[i])^p / C``."""
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    rows, t = _class_rows(input, target, "multi_margin_loss")
    c = rows.shape[1]
    _check_class_indices(t, c, "multi_margin_loss")
    if weight is not None and (weight.ndim != 1 or weight.numel() != c):
        raise ShapeError(f"inconsistent weight size, expected {c} but got {tuple(weight.shape)}")
    return _core.loss(
        "multi_margin_loss", input, target, reduction, weight, parameter=float(margin), p=p
    )


def _check_class_indices(t, c: int, op: str) -> None:
    if t.is_floating_point() or t.dtype.name == "bool":
        raise TypeError(f"{op}: expected target of integer dtype, got {t.dtype}")
    if t.numel() and (int(t.min().item()) < 0 or int(t.max().item()) >= c):
        raise RuntimeError(f"{op}: target out of range (expected class indices in [0, {c - 1}])")


@float32_op
def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction: str = "mean"):
    """Multi-label hinge loss. Each row of ``target`` lists the sample's classes and ends at
    its first -1; per sample, ``sum over listed j and unlisted i of max(0, 1 - (x[j] - x[i]))
    / C``."""
    _check_tensor(input, "input", "multilabel_margin_loss")
    _check_tensor(target, "target", "multilabel_margin_loss")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if input.ndim > 2 or tuple(target.shape) != tuple(input.shape):
        raise ShapeError(
            f"multilabel_margin_loss: expected a 0-D, 1-D or 2-D input and a target of the same "
            f"shape, got input {tuple(input.shape)} and target {tuple(target.shape)}"
        )
    rows = input.reshape(-1, input.shape[-1]) if input.ndim else input.reshape(1, 1)
    t = target.reshape(rows.shape)
    c = rows.shape[1]
    if t.is_floating_point() or t.dtype.name == "bool":
        raise TypeError(f"multilabel_margin_loss: expected target of integer dtype, got {t.dtype}")
    if t.numel() and (int(t.min().item()) < -1 or int(t.max().item()) >= c):
        raise RuntimeError(
            f"multilabel_margin_loss: argument #2 'target' is out of range [-1, {c - 1}]"
        )
    return _core.loss("multilabel_margin_loss", input, target, reduction)


def multilabel_soft_margin_loss(
    input,
    target,
    weight=None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
):
    """Per-class logistic loss averaged over the classes (the last dimension)."""
    _check_tensor(input, "input", "multilabel_soft_margin_loss")
    _check_tensor(target, "target", "multilabel_soft_margin_loss")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    return _reduce(loss, reduction)


@float32_op
def soft_margin_loss(input, target, size_average=None, reduce=None, reduction: str = "mean"):
    """Two-class logistic loss ``log(1 + exp(-target * input))`` with targets of 1 or -1."""
    _check_tensor(input, "input", "soft_margin_loss")
    _check_tensor(target, "target", "soft_margin_loss")
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if input.is_floating_point() and not target.is_floating_point():
        target = target.to(input.dtype)
    return _core.loss("soft_margin_loss", input, target, reduction)


@float32_op
def ctc_loss(
    log_probs,
    targets,
    input_lengths,
    target_lengths,
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
):
    """Connectionist temporal classification loss of ``(T, N, C)`` (or ``(T, C)``)
    log-probabilities. The forward (alpha) recursion runs over time with one set of tensor
    operations per step over the whole batch, so its gradient is the recursion's own."""
    from ._functional_ctc import ctc_negative_log_likelihood

    _check_tensor(log_probs, "log_probs", "ctc_loss")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    losses, lengths = ctc_negative_log_likelihood(
        log_probs, targets, input_lengths, target_lengths, int(blank)
    )
    if zero_infinity:
        losses = losses.where(losses != math.inf, 0.0)
    if reduction == "mean":
        return (losses / lengths.clamp(min=1).to(losses.dtype)).mean()
    if reduction == "sum":
        return losses.sum()
    return losses if log_probs.ndim == 3 else losses.reshape(())
