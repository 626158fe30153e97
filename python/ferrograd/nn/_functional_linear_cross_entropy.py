"""``nn.functional.linear_cross_entropy``: a linear layer's logits scored by ``cross_entropy``,
and ``LinearCrossEntropyOptions``, the knobs of PyTorch's chunked implementation (accepted and
checked here; the logits are always computed whole)."""

from __future__ import annotations

import dataclasses
import math

from ._functional_common import _check_tensor
from ._functional_conv import linear
from ._functional_loss import cross_entropy

__all__ = ["LinearCrossEntropyOptions", "linear_cross_entropy"]

_ACC_POLICIES = ("auto", "accurate", "compact")


@dataclasses.dataclass(frozen=True)
class LinearCrossEntropyOptions:
    """How PyTorch's chunked ``linear_cross_entropy`` splits the batch (``batch_chunk_size``,
    ``chunking_method`` ``'auto'`` or ``'aspect_ratio[:k]'``), accumulates (``acc_policy``
    ``'auto'``/``'accurate'``/``'compact'``, ``acc_dtype``) and whether its backward may run
    twice (``allow_retain_graph``). ferrograd checks them as PyTorch does and computes the
    logits whole, so they change no value (only PyTorch's memory use).

    Args:
        allow_retain_graph: let the backward pass run twice.
        batch_chunk_size: the batch rows per chunk (None: chosen by ``chunking_method``).
        chunking_method: ``'auto'`` or ``'aspect_ratio[:k]'``.
        acc_policy: ``'auto'``, ``'accurate'`` or ``'compact'``.
        acc_dtype: the accumulation dtype (a floating dtype, or None).

    Examples:
        >>> options = ferrograd.nn.LinearCrossEntropyOptions(batch_chunk_size=1024)
        >>> options.batch_chunk_size, options.chunking_method, options.acc_policy
        (1024, 'auto', 'auto')
    """

    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    chunking_method: str | None = "auto"
    acc_policy: str = "auto"
    acc_dtype: object | None = None

    def __post_init__(self):
        if self.acc_policy not in _ACC_POLICIES:
            raise ValueError(
                f"invalid acc_policy: {self.acc_policy!r}; expected one of "
                f"{', '.join(map(repr, _ACC_POLICIES))}"
            )
        if self.chunking_method not in (None, "auto"):
            name, sep, factor = self.chunking_method.partition(":")
            factor = factor if sep else "1"
            if not (name == "aspect_ratio" and factor.isdigit() and int(factor) > 0):
                raise ValueError(f"invalid chunking_method: {self.chunking_method!r}")
        size = self.batch_chunk_size
        if not (size is None or (isinstance(size, int) and size > 0)):
            raise ValueError(f"batch_chunk_size must be positive int or None, got {size!r}")
        self._check_acc_dtype()

    def _check_acc_dtype(self) -> None:
        from .._dtype import to_dtype

        floats = {to_dtype(n) for n in ("float16", "bfloat16", "float32", "float64")}
        if self.acc_dtype is not None and self.acc_dtype not in floats:
            raise ValueError(
                "acc_dtype must be one of {None, torch.float16, torch.bfloat16, torch.float32, "
                f"torch.float64}}, got {self.acc_dtype!r}. Pass acc_dtype=None to let the op "
                "pick automatically."
            )


def linear_cross_entropy(
    input,
    linear_weight,
    target,
    *,
    linear_bias=None,
    weight=None,
    reduction: str = "mean",
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
    options: LinearCrossEntropyOptions | None = None,
):
    """``cross_entropy(linear(input, W, b), target, ...)`` with ``W`` of shape
    ``(C, *out_features, in_features)`` (the logits are reshaped to ``(N, C, *out_features)``
    for a K-dimensional loss)."""
    _check_tensor(input, "input", "linear_cross_entropy")
    if not 1 <= input.dim() <= 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError(
            f"expected linear_weight with dimensionality at least 2, got {linear_weight.dim()}"
        )
    batches, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError(
            "expected equal input and linear_weight last dimensions (in_features), "
            f"got {in_features} and {linear_weight.shape[-1]}, respectively"
        )
    classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (classes, *out_features):
        raise RuntimeError(
            f"expected linear_bias shape {(classes, *out_features)}, got {tuple(linear_bias.shape)}"
        )
    if out_features and not batches:
        raise RuntimeError(
            f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} "
            f"requires batched input, (N, {in_features}), got unbatched input with shape "
            f"{tuple(input.shape)}"
        )
    logits_shape = (*batches, classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    rows = math.prod(out_features, start=classes)
    logits = linear(
        input,
        linear_weight.reshape(rows, in_features),
        None if linear_bias is None else linear_bias.reshape(rows),
    ).reshape(logits_shape)
    return cross_entropy(
        logits,
        target,
        weight=weight,
        reduction=reduction,
        ignore_index=-100 if ignore_index is None else ignore_index,
        label_smoothing=label_smoothing,
    )
