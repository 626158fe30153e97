"""Loss layers. Each takes ``reduction='mean' | 'sum' | 'none'`` (and, where PyTorch has them,
the deprecated ``size_average``/``reduce``); class weights are buffers, so they follow
``.to()`` and appear in ``state_dict`` as in PyTorch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import functional as F
from .._functional_common import _legacy_reduction
from .distance import PairwiseDistance
from .module import Module

if TYPE_CHECKING:
    from ..._tensor import Tensor

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "CTCLoss",
    "CosineEmbeddingLoss",
    "CrossEntropyLoss",
    "GaussianNLLLoss",
    "HingeEmbeddingLoss",
    "HuberLoss",
    "KLDivLoss",
    "L1Loss",
    "MSELoss",
    "MarginRankingLoss",
    "MultiLabelMarginLoss",
    "MultiLabelSoftMarginLoss",
    "MultiMarginLoss",
    "NLLLoss",
    "NLLLoss2d",
    "PoissonNLLLoss",
    "SmoothL1Loss",
    "SoftMarginLoss",
    "TripletMarginLoss",
    "TripletMarginWithDistanceLoss",
]


class _Loss(Module):
    #: Checked when the layer is made (PyTorch checks at the first call).
    _reductions = ("mean", "sum", "none")

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = _legacy_reduction(size_average, reduce, reduction)
        if reduction not in self._reductions:
            raise ValueError(f"{reduction} is not a valid value for reduction")
        self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(
        self, weight=None, size_average=None, reduce=None, reduction: str = "mean"
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class L1Loss(_Loss):
    """The mean absolute error between each element of the input ``x`` and the target ``y``:
    ``|x - y|``, reduced.

    Args:
        reduction: ``"mean"`` (the default) averages the per-element losses, ``"sum"`` adds
            them, ``"none"`` returns them.
        size_average: deprecated (use ``reduction``).
        reduce: deprecated (use ``reduction``).

    Shape:
        - Input and target: the same shape, any.
        - Output: a scalar, or the input's shape with ``reduction="none"``.

    Examples:
        >>> import ferrograd
        >>> from ferrograd import nn
        >>> nn.L1Loss()(ferrograd.tensor([1.0, 2.0, 3.0]), ferrograd.tensor([1.5, 2.0, 2.0]))
        tensor(0.5000)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, target: Tensor) -> Tensor: ...


class MSELoss(_Loss):
    """The mean squared error between each element of the input ``x`` and the target ``y``:
    ``(x - y) ** 2``, reduced.

    Args:
        reduction: ``"mean"`` (the default) averages the per-element losses, ``"sum"`` adds
            them, ``"none"`` returns them.
        size_average: deprecated (use ``reduction``).
        reduce: deprecated (use ``reduction``).

    Shape:
        - Input and target: the same shape, any.
        - Output: a scalar, or the input's shape with ``reduction="none"``.

    Examples:
        >>> import ferrograd
        >>> from ferrograd import nn
        >>> loss = nn.MSELoss()
        >>> x = ferrograd.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> output = loss(x, ferrograd.tensor([1.5, 2.0, 2.0]))
        >>> output
        tensor(0.4167, grad_fn=<...>)
        >>> output.backward()
        >>> x.grad
        tensor([-0.3333,  0.0000,  0.6667])
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, target: Tensor) -> Tensor: ...


class SoftMarginLoss(_Loss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.soft_margin_loss(input, target, reduction=self.reduction)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, target: Tensor) -> Tensor: ...


class MultiLabelMarginLoss(_Loss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, target: Tensor) -> Tensor: ...


class SmoothL1Loss(_Loss):
    def __init__(
        self, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, target: Tensor) -> Tensor: ...


class HuberLoss(_Loss):
    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, target: Tensor) -> Tensor: ...


class KLDivLoss(_Loss):
    _reductions = ("mean", "sum", "none", "batchmean")

    def __init__(
        self, size_average=None, reduce=None, reduction: str = "mean", log_target: bool = False
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, target: Tensor) -> Tensor: ...


class PoissonNLLLoss(_Loss):
    def __init__(
        self,
        log_input: bool = True,
        full: bool = False,
        size_average=None,
        eps: float = 1e-8,
        reduce=None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return F.poisson_nll_loss(
            log_input,
            target,
            log_input=self.log_input,
            full=self.full,
            eps=self.eps,
            reduction=self.reduction,
        )

    if TYPE_CHECKING:

        def __call__(self, log_input: Tensor, target: Tensor) -> Tensor: ...


class GaussianNLLLoss(_Loss):
    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(None, None, reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Tensor, target: Tensor, var: Tensor | float) -> Tensor:
        return F.gaussian_nll_loss(
            input, target, var, full=self.full, eps=self.eps, reduction=self.reduction
        )

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, target: Tensor, var: Tensor | float) -> Tensor: ...


class HingeEmbeddingLoss(_Loss):
    def __init__(
        self, margin: float = 1.0, size_average=None, reduce=None, reduction: str = "mean"
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, target: Tensor) -> Tensor: ...


class CosineEmbeddingLoss(_Loss):
    def __init__(
        self, margin: float = 0.0, size_average=None, reduce=None, reduction: str = "mean"
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.cosine_embedding_loss(
            input1, input2, target, margin=self.margin, reduction=self.reduction
        )

    if TYPE_CHECKING:

        def __call__(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor: ...


class MarginRankingLoss(_Loss):
    def __init__(
        self, margin: float = 0.0, size_average=None, reduce=None, reduction: str = "mean"
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.margin_ranking_loss(
            input1, input2, target, margin=self.margin, reduction=self.reduction
        )

    if TYPE_CHECKING:

        def __call__(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor: ...


class TripletMarginLoss(_Loss):
    def __init__(
        self,
        margin: float = 1.0,
        p: float = 2.0,
        eps: float = 1e-6,
        swap: bool = False,
        size_average=None,
        reduce=None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(
                f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead"
            )
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_loss(
            anchor,
            positive,
            negative,
            margin=self.margin,
            p=self.p,
            eps=self.eps,
            swap=self.swap,
            reduction=self.reduction,
        )

    if TYPE_CHECKING:

        def __call__(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor: ...


class TripletMarginWithDistanceLoss(_Loss):
    def __init__(
        self,
        *,
        distance_function=None,
        margin: float = 1.0,
        swap: bool = False,
        reduction: str = "mean",
    ) -> None:
        super().__init__(None, None, reduction)
        if margin <= 0:
            raise ValueError(
                f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got "
                f"{margin} instead"
            )
        self.distance_function = (
            distance_function if distance_function is not None else PairwiseDistance()
        )
        self.margin, self.swap = margin, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_with_distance_loss(
            anchor,
            positive,
            negative,
            distance_function=self.distance_function,
            margin=self.margin,
            swap=self.swap,
            reduction=self.reduction,
        )

    if TYPE_CHECKING:

        def __call__(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor: ...


class CTCLoss(_Loss):
    def __init__(
        self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False
    ) -> None:
        super().__init__(reduction=reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(
        self, log_probs: Tensor, targets: Tensor, input_lengths: Tensor, target_lengths: Tensor
    ) -> Tensor:
        return F.ctc_loss(
            log_probs,
            targets,
            input_lengths,
            target_lengths,
            self.blank,
            self.reduction,
            self.zero_infinity,
        )

    if TYPE_CHECKING:

        def __call__(
            self, log_probs: Tensor, targets: Tensor, input_lengths: Tensor, target_lengths: Tensor
        ) -> Tensor: ...


class NLLLoss(_WeightedLoss):
    """The negative log likelihood loss, for classification with ``C`` classes: ``-x[n, y[n]]``
    for each sample ``n``, where the input ``x`` holds log-probabilities (``log_softmax``'s
    output) and the target ``y`` class indices.

    Args:
        weight: a ``(C,)`` tensor of per-class weights; with ``reduction="mean"`` the result is
            divided by the sum of the targets' weights.
        size_average: deprecated (use ``reduction``).
        ignore_index: a target value that contributes neither loss nor gradient.
        reduce: deprecated (use ``reduction``).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Shape:
        - Input: ``(N, C)``, ``(C,)`` or ``(N, C, d1, d2, ...)``.
        - Target: ``(N,)``, ``()`` or ``(N, d1, d2, ...)``, int64 in ``[0, C)``.
        - Output: a scalar, or the target's shape with ``reduction="none"``.

    Examples:
        >>> import ferrograd
        >>> from ferrograd import nn
        >>> logits = ferrograd.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
        >>> nn.NLLLoss()(logits.log_softmax(dim=1), ferrograd.tensor([0, 2]))
        tensor(0.1755)
    """

    def __init__(
        self,
        weight=None,
        size_average=None,
        ignore_index: int = -100,
        reduce=None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
        )

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, target: Tensor) -> Tensor: ...


class NLLLoss2d(NLLLoss):
    """Deprecated: ``NLLLoss`` (which takes any number of spatial dimensions)."""


class CrossEntropyLoss(_WeightedLoss):
    """The cross entropy between unnormalised scores (logits) and a target, for classification
    with ``C`` classes: ``log_softmax`` over the class dimension followed by ``NLLLoss``.

    The target is either class indices (int64), or class probabilities of the input's shape
    (floating), for soft labels.

    Args:
        weight: a ``(C,)`` tensor of per-class weights.
        size_average: deprecated (use ``reduction``).
        ignore_index: a target index that contributes neither loss nor gradient (class
            indices only).
        reduce: deprecated (use ``reduction``).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        label_smoothing: in ``[0, 1]``: the share of the target spread evenly over all
            classes.

    Shape:
        - Input: ``(N, C)``, ``(C,)`` or ``(N, C, d1, d2, ...)``.
        - Target: class indices ``(N,)``, ``()`` or ``(N, d1, d2, ...)`` in ``[0, C)``; or
          probabilities of the input's shape.
        - Output: a scalar, or ``(N, ...)`` with ``reduction="none"``.

    Examples:
        >>> import ferrograd
        >>> from ferrograd import nn
        >>> loss = nn.CrossEntropyLoss()
        >>> logits = ferrograd.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]], requires_grad=True)
        >>> loss(logits, ferrograd.tensor([0, 2]))
        tensor(0.1755, grad_fn=<...>)
        >>> nn.CrossEntropyLoss(reduction="none")(logits, ferrograd.tensor([0, 2]))
        tensor([0.2413, 0.1096], grad_fn=<...>)
        >>> loss(logits[:1], ferrograd.tensor([[0.5, 0.5, 0.0]]))  # class probabilities
        tensor(0.9913, grad_fn=<...>)
    """

    def __init__(
        self,
        weight=None,
        size_average=None,
        ignore_index: int = -100,
        reduce=None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, target: Tensor) -> Tensor: ...


class BCELoss(_WeightedLoss):
    """The binary cross entropy between probabilities ``x`` (in ``[0, 1]``, e.g. ``sigmoid``'s
    output) and targets ``y``: ``-(y * log(x) + (1 - y) * log(1 - x))``, each log clamped to
    ``-100`` as in PyTorch, reduced. ``BCEWithLogitsLoss`` is the stabler choice after a
    sigmoid.

    Args:
        weight: a weight for each element, broadcast to the input's shape.
        size_average: deprecated (use ``reduction``).
        reduce: deprecated (use ``reduction``).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Examples:
        >>> import ferrograd
        >>> from ferrograd import nn
        >>> nn.BCELoss()(ferrograd.tensor([0.8, 0.1, 0.6]), ferrograd.tensor([1.0, 0.0, 1.0]))
        tensor(0.2798)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, target: Tensor) -> Tensor: ...


class BCEWithLogitsLoss(_Loss):
    """``sigmoid`` followed by the binary cross entropy, computed in one numerically stable
    expression from the logits ``x`` and targets ``y`` in ``[0, 1]``.

    Args:
        weight: a weight for each element, broadcast to the input's shape.
        size_average: deprecated (use ``reduction``).
        reduce: deprecated (use ``reduction``).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        pos_weight: a weight of the positive term per class (the last dimension), to trade
            recall against precision.

    Shape:
        - Input and target: the same shape, any.
        - Output: a scalar, or the input's shape with ``reduction="none"``.

    Examples:
        >>> import ferrograd
        >>> from ferrograd import nn
        >>> loss = nn.BCEWithLogitsLoss()
        >>> loss(ferrograd.tensor([0.5, -1.0, 2.0]), ferrograd.tensor([1.0, 0.0, 1.0]))
        tensor(0.3048)
    """

    def __init__(
        self, weight=None, size_average=None, reduce=None, reduction: str = "mean", pos_weight=None
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, target: Tensor) -> Tensor: ...


class MultiLabelSoftMarginLoss(_WeightedLoss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_soft_margin_loss(
            input, target, weight=self.weight, reduction=self.reduction
        )

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, target: Tensor) -> Tensor: ...


class MultiMarginLoss(_WeightedLoss):
    def __init__(
        self,
        p: int = 1,
        margin: float = 1.0,
        weight=None,
        size_average=None,
        reduce=None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError("only p == 1 and p == 2 supported")
        if weight is not None and weight.ndim != 1:
            raise ValueError(
                f"MultiMarginLoss: expected weight to be None or 1D tensor, got {weight.ndim}D "
                "instead"
            )
        self.p, self.margin = p, margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multi_margin_loss(
            input,
            target,
            p=self.p,
            margin=self.margin,
            weight=self.weight,
            reduction=self.reduction,
        )

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, target: Tensor) -> Tensor: ...
