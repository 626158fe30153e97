"""``nn.LinearCrossEntropyLoss``: a classifier head's linear layer and its cross entropy as one
loss module, as in PyTorch."""

from __future__ import annotations

import math

from .. import functional as F
from .._functional_linear_cross_entropy import LinearCrossEntropyOptions
from .linear import Linear
from .loss import _WeightedLoss

__all__ = ["LinearCrossEntropyLoss", "LinearCrossEntropyOptions"]


class LinearCrossEntropyLoss(_WeightedLoss):
    """``F.linear_cross_entropy(input, W, target, ...)`` with its own ``Linear`` (``linear``:
    ``in_features`` to ``num_classes · prod(out_features)``, stored 2-D and reshaped to
    ``(num_classes, *out_features, in_features)`` for the call).

    Args:
        in_features: the size of each input sample.
        num_classes: the number of classes ``C``.
        out_features: the extra dimensions of a K-dimensional loss (``()`` for ``(N, C)``
            logits).
        bias: give the linear layer a bias.
        device: where the parameters are made.
        dtype: the parameters' dtype.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        weight: a ``(C,)`` tensor of per-class weights.
        ignore_index: a target index that contributes neither loss nor gradient (None: none).
        label_smoothing: in ``[0, 1]``: the share of the target spread evenly over all classes.
        options: a ``LinearCrossEntropyOptions`` (accepted; the logits are computed whole).

    Examples:
        >>> import ferrograd
        >>> from ferrograd import nn
        >>> loss = nn.LinearCrossEntropyLoss(2, 3)
        >>> w = ferrograd.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])
        >>> with ferrograd.no_grad():
        ...     _ = loss.linear.weight.copy_(w)
        >>> loss(ferrograd.tensor([[1.0, 2.0], [0.5, -1.0]]), ferrograd.tensor([1, 2]))
        tensor(0.3603, grad_fn=<...>)
    """

    def __init__(
        self,
        in_features: int,
        num_classes: int,
        *,
        out_features: tuple[int, ...] = (),
        bias: bool = False,
        device=None,
        dtype=None,
        reduction: str = "mean",
        weight=None,
        ignore_index: int | None = None,
        label_smoothing: float = 0.0,
        options: LinearCrossEntropyOptions | None = None,
    ) -> None:
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise RuntimeError(
                f"expected weight shape to be {(num_classes,)}, got {tuple(weight.shape)}"
            )
        if not 0 <= label_smoothing <= 1.0:
            raise RuntimeError(
                f"expected label_smoothing to be in range [0, 1], got {label_smoothing}"
            )
        super().__init__(weight=weight, reduction=reduction)
        self.num_classes, self.out_features = num_classes, out_features
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing
        # stored 2-D (a Linear), reshaped for each call
        rows = math.prod(out_features, start=num_classes)
        self.linear = Linear(in_features, rows, bias=bias, device=device, dtype=dtype)
        self.options = options

    def forward(self, input, target):
        shape = (self.num_classes, *self.out_features)
        bias = self.linear.bias
        return F.linear_cross_entropy(
            input,
            self.linear.weight.reshape(*shape, self.linear.in_features),
            target,
            linear_bias=None if bias is None else bias.reshape(shape),
            weight=self.weight,
            reduction=self.reduction,
            ignore_index=self.ignore_index,
            label_smoothing=self.label_smoothing,
            options=self.options,
        )

    def extra_repr(self) -> str:
        return (
            f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
            f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
            f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
            f"label_smoothing={self.label_smoothing}, options={self.options}"
        )
