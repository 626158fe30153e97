"""``Linear``, ``Bilinear`` and ``Identity``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ... import _creation
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module

if TYPE_CHECKING:
    from ..._tensor import Tensor

__all__ = ["Bilinear", "Identity", "Linear"]


class Identity(Module):
    """Returns its input unchanged (accepts and ignores any constructor arguments)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input

    if TYPE_CHECKING:

        def __call__(self, input: Tensor) -> Tensor: ...


class Linear(Module):
    """Applies an affine transformation to the last dimension of its input: ``y = x @ W.T + b``.

    Args:
        in_features: the size of each input sample (the last dimension).
        out_features: the size of each output sample.
        bias: learn the additive bias ``b``.
        device: where the parameters are created (the default device otherwise).
        dtype: the parameters' floating dtype (the default dtype otherwise).

    Shape:
        - Input: ``(*, in_features)``, any number of leading dimensions.
        - Output: ``(*, out_features)``.

    Attributes:
        weight: the learnable ``(out_features, in_features)`` weight, initialised from
            ``U(-1/sqrt(in_features), 1/sqrt(in_features))`` (Kaiming-uniform with
            ``a = sqrt(5)``, PyTorch's initialisation).
        bias: the learnable ``(out_features,)`` bias, from the same distribution, or ``None``.

    Examples:
        >>> import ferrograd
        >>> from ferrograd import nn
        >>> m = nn.Linear(20, 30)
        >>> m(ferrograd.randn(128, 20)).shape
        ferrograd.Size([128, 30])
    """

    weight: Parameter
    bias: Parameter | None

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(
            _creation.empty(out_features, in_features, dtype=dtype, device=device)
        )
        if bias:
            self.bias = Parameter(_creation.empty(out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_features
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor) -> Tensor: ...

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Bilinear(Module):
    weight: Parameter
    bias: Parameter | None

    def __init__(
        self,
        in1_features: int,
        in2_features: int,
        out_features: int,
        bias: bool = True,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = (
            in1_features,
            in2_features,
            out_features,
        )
        self.weight = Parameter(
            _creation.empty(out_features, in1_features, in2_features, dtype=dtype, device=device)
        )
        if bias:
            self.bias = Parameter(_creation.empty(out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        bound = 1 / math.sqrt(in1_features)
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    if TYPE_CHECKING:

        def __call__(self, input1: Tensor, input2: Tensor) -> Tensor: ...

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )
