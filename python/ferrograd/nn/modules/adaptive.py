"""``AdaptiveLogSoftmaxWithLoss``: Grave et al.'s adaptive softmax for large vocabularies."""

from __future__ import annotations

from collections import namedtuple

from ... import _core
from .. import functional as F
from .container import ModuleList, Sequential
from .linear import Linear
from .module import Module

__all__ = ["AdaptiveLogSoftmaxWithLoss"]

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """Frequent classes (below ``cutoffs[0]``) and one entry per cluster of rarer classes share
    a head softmax; a class in cluster ``i`` gets the head's cluster log-probability plus its
    log-probability in a smaller tail softmax computed through a ``div_value``-times narrower
    projection."""

    def __init__(
        self,
        in_features: int,
        n_classes: int,
        cutoffs,
        div_value: float = 4.0,
        head_bias: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (
            cutoffs != sorted(cutoffs)
            or min(cutoffs) <= 0
            or max(cutoffs) > n_classes - 1
            or len(set(cutoffs)) != len(cutoffs)
            or any(int(c) != c for c in cutoffs)
        ):
            raise ValueError(
                "cutoffs should be a sequence of unique, positive integers sorted in an "
                "increasing order, where each value is between 1 and n_classes-1"
            )
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = [*cutoffs, n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        factory = {"device": device, "dtype": dtype}
        self.head = Linear(in_features, self.head_size, bias=head_bias, **factory)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(
                Sequential(
                    Linear(in_features, hidden, bias=False, **factory),
                    Linear(hidden, size, bias=False, **factory),
                )
            )

    def reset_parameters(self) -> None:
        self.head.reset_parameters()
        for projection, output in self.tail:
            projection.reset_parameters()
            output.reset_parameters()

    def forward(self, input_, target_):
        """``(output, loss)``: each sample's log-probability of its target, and their negated
        mean."""
        if target_.ndim == 1:
            if input_.shape[0] != target_.shape[0]:
                raise RuntimeError(
                    "Input and target should have the same size in the batch dimension."
                )
            if input_.ndim != 2:
                raise RuntimeError(
                    "1D target tensor expects 2D input tensors, but found inputs with size "
                    f"{tuple(input_.shape)}"
                )
        elif target_.ndim == 0:
            if input_.ndim != 1:
                raise RuntimeError(
                    "0D target tensor expects 1D input tensors, but found inputs with size "
                    f"{tuple(input_.shape)}"
                )
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        batched = target_.ndim > 0
        input = input_ if batched else input_.unsqueeze(0)
        target = target_ if batched else target_.unsqueeze(0)
        batch = target.shape[0]
        if batch and (int(target.min().item()) < 0 or int(target.max().item()) >= self.n_classes):
            raise RuntimeError(
                f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                f"[{int(target.min().item())}, {int(target.max().item())}] were found. "
            )
        head_column = target
        output = None
        for i in range(self.n_clusters):
            low, high = self.cutoffs[i], self.cutoffs[i + 1]
            in_cluster = (target >= low).logical_and(target < high)
            rows = in_cluster.nonzero().reshape(-1)
            if rows.numel() == 0:
                continue
            head_column = head_column.where(in_cluster.logical_not(), self.shortlist_size + i)
            tail = F.log_softmax(self.tail[i](input.index_select(0, rows)), dim=1)
            picked = tail.gather(1, (target.index_select(0, rows) - low).unsqueeze(1)).squeeze(1)
            placed = _core.index_add_zeros(picked, 0, rows, batch)
            output = placed if output is None else output + placed
        head = F.log_softmax(self.head(input), dim=1)
        head_part = head.gather(1, head_column.unsqueeze(1)).squeeze(1)
        output = head_part if output is None else output + head_part
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def _full_log_prob(self, input, head_output):
        head = F.log_softmax(head_output, dim=1)
        blocks = [head[:, : self.shortlist_size]]
        for i in range(self.n_clusters):
            tail = F.log_softmax(self.tail[i](input), dim=1)
            blocks.append(tail + head[:, self.shortlist_size + i].unsqueeze(1))
        return _core.cat(blocks, 1)

    def log_prob(self, input):
        """Log-probabilities of every class, ``(N, n_classes)`` (or ``(n_classes,)``)."""
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        out = self._full_log_prob(x, self.head(x))
        return out if batched else out.squeeze(0)

    def predict(self, input):
        """The most likely class of each sample (the head alone decides when it picks a
        frequent class)."""
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        head_output = self.head(x)
        output = head_output.argmax(1)
        rare = output >= self.shortlist_size
        if bool(rare.any()):
            full = self._full_log_prob(x, head_output).argmax(1)
            output = full.where(rare, output)
        return output if batched else output.squeeze(0)
