"""Convolutions ``Conv1d/2d/3d`` and transposed convolutions ``ConvTranspose1d/2d/3d``, with
PyTorch's parameters, initialization, padding modes and ``repr``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ... import _creation
from .. import functional as F, init
from .._functional_common import _ntuple
from ..parameter import Parameter
from .module import Module

if TYPE_CHECKING:
    from ..._tensor import Tensor

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    weight: Parameter
    bias: Parameter | None
    _dims = 2
    _transposed = False

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device=None,
        dtype=None,
        output_padding=0,
    ) -> None:
        super().__init__()
        n = self._dims
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {list(_PADDING_MODES)}, but got "
                f"padding_mode='{padding_mode}'"
            )
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _ntuple(kernel_size, n, "kernel_size")
        self.stride = _ntuple(stride, n, "stride")
        self.dilation = _ntuple(dilation, n, "dilation")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"Invalid padding string {padding!r}, should be one of ('valid', 'same')"
                )
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = _ntuple(padding, n, "padding")
        self.transposed = self._transposed
        self.output_padding = _ntuple(output_padding, n, "output_padding")
        self.groups = groups
        self.padding_mode = padding_mode
        self._reversed_padding_repeated_twice = self._explicit_padding()
        if self._transposed:
            shape = (in_channels, out_channels // groups, *self.kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = Parameter(_creation.empty(*shape, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(_creation.empty(out_channels, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _explicit_padding(self) -> list:
        """The widths ``F.pad`` takes (last dimension first) for a non-zero padding mode."""
        widths = []
        for i in reversed(range(self._dims)):
            if self.padding == "same":
                total = self.dilation[i] * (self.kernel_size[i] - 1)
                widths += [total // 2, total - total // 2]
            elif self.padding == "valid":
                widths += [0, 0]
            else:
                widths += [self.padding[i], self.padding[i]]
        return widths

    def reset_parameters(self) -> None:
        # Kaiming-uniform with a = sqrt(5): uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)), as PyTorch
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        s = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,) * self._dims:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._dims:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._dims:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    _function = staticmethod(F.conv2d)

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            bias,
            padding_mode,
            device,
            dtype,
        )

    def _conv_forward(self, input, weight, bias):
        conv = type(self)._function
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return conv(padded, weight, bias, self.stride, 0, self.dilation, self.groups)
        return conv(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor) -> Tensor: ...


class Conv1d(_Conv):
    """1-D convolution over ``(N, C, L)`` (or ``(C, L)``) inputs."""

    _dims = 1
    _function = staticmethod(F.conv1d)


class Conv2d(_Conv):
    """Applies a 2-D convolution (PyTorch's: a cross-correlation) over an input of several
    channels.

    Each output channel is the sum over its group's input channels of that channel
    correlated with a learned ``kernel_size`` kernel, plus a bias. Output sizes follow
    ``H_out = floor((H + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1)``, and
    the same for ``W``.

    Args:
        in_channels: the number of channels of the input.
        out_channels: the number of channels of the output.
        kernel_size: the size of the kernel, an int or a pair ``(kH, kW)``.
        stride: the step between applications of the kernel, an int or a pair.
        padding: zeros added on both sides: an int, a pair, ``"valid"`` (none) or ``"same"``
            (output size equals input size; stride 1 only).
        dilation: the spacing between kernel elements, an int or a pair.
        groups: split the channels into this many groups, each convolved with its own
            kernels; ``in_channels`` and ``out_channels`` must be divisible by it.
        bias: learn an additive bias per output channel.
        padding_mode: ``"zeros"``, ``"reflect"``, ``"replicate"`` or ``"circular"``.
        device: where the parameters are created.
        dtype: the parameters' floating dtype.

    Shape:
        - Input: ``(N, C_in, H, W)`` or ``(C_in, H, W)``.
        - Output: ``(N, C_out, H_out, W_out)`` or ``(C_out, H_out, W_out)``.

    Attributes:
        weight: the learnable ``(out_channels, in_channels / groups, kH, kW)`` kernels,
            initialised as PyTorch's (Kaiming-uniform with ``a = sqrt(5)``).
        bias: the learnable ``(out_channels,)`` bias, or ``None``.

    Raises:
        ValueError: ``groups`` does not divide the channels, ``padding`` or ``padding_mode``
            is unknown, or ``padding="same"`` is combined with a stride.

    Examples:
        >>> import ferrograd
        >>> from ferrograd import nn
        >>> conv = nn.Conv2d(3, 8, 3, padding=1)
        >>> conv
        Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
        >>> conv(ferrograd.ones(2, 3, 16, 16)).shape
        ferrograd.Size([2, 8, 16, 16])
        >>> nn.Conv2d(3, 8, (3, 5), stride=2)(ferrograd.ones(2, 3, 16, 16)).shape
        ferrograd.Size([2, 8, 7, 6])
    """

    _dims = 2
    _function = staticmethod(F.conv2d)


class Conv3d(_Conv):
    """3-D convolution over ``(N, C, D, H, W)`` (or ``(C, D, H, W)``) inputs."""

    _dims = 3
    _function = staticmethod(F.conv3d)


class _ConvTranspose(_ConvNd):
    _transposed = True
    _function = staticmethod(F.conv_transpose2d)

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        output_padding=0,
        groups: int = 1,
        bias: bool = True,
        dilation=1,
        padding_mode: str = "zeros",
        device=None,
        dtype=None,
    ) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        if isinstance(padding, str):
            raise ValueError(f"{type(self).__name__} does not accept padding={padding!r}")
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            bias,
            padding_mode,
            device,
            dtype,
            output_padding,
        )

    def _output_padding(self, input, output_size) -> tuple:
        """The ``output_padding`` that gives ``output_size`` (PyTorch's rule: any size from the
        smallest output up to ``stride - 1`` more)."""
        if output_size is None:
            return self.output_padding
        n = self._dims
        batch_dims = 2 if input.ndim == n + 2 else 1
        sizes = [int(s) for s in output_size]
        if len(sizes) == batch_dims + n:
            sizes = sizes[batch_dims:]
        if len(sizes) != n:
            raise ValueError(
                f"ConvTranspose{n}D: for {input.ndim}D input, output_size must have {n} or "
                f"{batch_dims + n} elements (got {len(sizes)})"
            )
        smallest = [
            (input.shape[batch_dims + d] - 1) * self.stride[d]
            - 2 * self.padding[d]
            + self.dilation[d] * (self.kernel_size[d] - 1)
            + 1
            for d in range(n)
        ]
        largest = [s + self.stride[d] - 1 for d, s in enumerate(smallest)]
        for size, low, high in zip(sizes, smallest, largest, strict=True):
            if not low <= size <= high:
                raise ValueError(
                    f"requested an output size of {sizes}, but valid sizes range from "
                    f"{smallest} to {largest} (for an input of {list(input.shape[batch_dims:])})"
                )
        return tuple(s - low for s, low in zip(sizes, smallest, strict=True))

    def forward(self, input: Tensor, output_size: list[int] | None = None) -> Tensor:
        output_padding = self._output_padding(input, output_size)
        return type(self)._function(
            input,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            output_padding,
            self.groups,
            self.dilation,
        )

    if TYPE_CHECKING:

        def __call__(self, input: Tensor, output_size: list[int] | None = None) -> Tensor: ...


class ConvTranspose1d(_ConvTranspose):
    """The transpose of ``Conv1d`` (weight ``(C_in, C_out/groups, k)``)."""

    _dims = 1
    _function = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTranspose):
    """The transpose of ``Conv2d`` (weight ``(C_in, C_out/groups, kH, kW)``)."""

    _dims = 2
    _function = staticmethod(F.conv_transpose2d)


class ConvTranspose3d(_ConvTranspose):
    """The transpose of ``Conv3d`` (weight ``(C_in, C_out/groups, kD, kH, kW)``)."""

    _dims = 3
    _function = staticmethod(F.conv_transpose3d)
