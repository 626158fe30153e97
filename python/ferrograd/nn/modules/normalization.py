"""Normalization layers: ``BatchNorm1d/2d/3d`` and ``InstanceNorm1d/2d/3d`` (one base with
running statistics as buffers), ``GroupNorm``, ``LayerNorm``, ``RMSNorm``,
``LocalResponseNorm`` and ``CrossMapLRN2d``."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from ... import _creation
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module

if TYPE_CHECKING:
    from ..._tensor import Tensor

__all__ = [
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNorm3d",
    "CrossMapLRN2d",
    "GroupNorm",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "InstanceNorm3d",
    "LayerNorm",
    "LocalResponseNorm",
    "RMSNorm",
]


def _shape(normalized_shape) -> tuple:
    if isinstance(normalized_shape, int):
        return (normalized_shape,)
    return tuple(int(s) for s in normalized_shape)


class _NormBase(Module):
    """Per-channel affine parameters (``weight``, ``bias``) and running statistics
    (``running_mean``, ``running_var``, ``num_batches_tracked``), as PyTorch names them."""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum=0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device=None,
        dtype=None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        factory = {"dtype": dtype, "device": device}
        if affine:
            self.weight = Parameter(_creation.empty(num_features, **factory))
            if bias:
                self.bias = Parameter(_creation.empty(num_features, **factory))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", _creation.zeros(num_features, **factory))
            self.register_buffer("running_var", _creation.ones(num_features, **factory))
            self.register_buffer(
                "num_batches_tracked", _creation.tensor(0, dtype="int64", device=device)
            )
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class _BatchNorm(_NormBase):
    _expected_dims: tuple = ()

    def _check_input_dim(self, input):
        if input.ndim not in self._expected_dims:
            dims = " or ".join(f"{d}D" for d in self._expected_dims)
            raise ValueError(f"expected {dims} input (got {input.ndim}D input)")

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # a cumulative average
                momentum = 1.0 / float(self.num_batches_tracked.item())
        use_batch_stats = self.training or (self.running_mean is None and self.running_var is None)
        keep_running = not self.training or self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if keep_running else None,
            self.running_var if keep_running else None,
            self.weight,
            self.bias,
            use_batch_stats,
            momentum,
            self.eps,
        )

    if TYPE_CHECKING:

        def __call__(self, input: Tensor) -> Tensor: ...


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over a 2-D or 3-D input: each channel is normalised by the mean and
    variance over the batch (and length) dimensions, then scaled and shifted by learned
    ``weight`` and ``bias``: ``y = (x - mean) / sqrt(var + eps) * weight + bias``.

    In training, the batch's statistics are used (the biased variance) and the running
    estimates updated: ``running = (1 - momentum) * running + momentum * batch`` (unbiased
    variance), or a cumulative average with ``momentum=None``. In evaluation, the running
    estimates are used.

    Args:
        num_features: the number of channels ``C``.
        eps: added to the variance for stability.
        momentum: the weight of each batch in the running estimates, or ``None``.
        affine: learn ``weight`` and ``bias``.
        track_running_stats: keep running estimates (else batch statistics are used in
            evaluation too).
        device: where the parameters and buffers are created.
        dtype: their floating dtype.

    Shape:
        - Input: ``(N, C)`` or ``(N, C, L)``.
        - Output: the input's shape.

    Examples:
        >>> import ferrograd
        >>> from ferrograd import nn
        >>> bn = nn.BatchNorm1d(2)
        >>> bn(ferrograd.tensor([[1.0, 2.0], [3.0, 6.0]]))
        tensor([[-1.0000, -1.0000],
                [ 1.0000,  1.0000]], grad_fn=<...>)
        >>> bn.running_mean
        tensor([0.2000, 0.4000])
    """

    _expected_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization of ``(N, C, H, W)`` inputs."""

    _expected_dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalization of ``(N, C, D, H, W)`` inputs."""

    _expected_dims = (5,)


class _InstanceNorm(_NormBase):
    _unbatched_dims = 2

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum=0.1,
        affine: bool = False,
        track_running_stats: bool = False,
        device=None,
        dtype=None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__(
            num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias
        )

    def forward(self, input: Tensor) -> Tensor:
        n = self._unbatched_dims
        if input.ndim not in (n, n + 1):
            raise ValueError(f"expected {n}D or {n + 1}D input (got {input.ndim}D input)")
        feature_dim = input.ndim - n
        if input.shape[feature_dim] != self.num_features:
            if self.affine:
                raise ValueError(
                    f"expected input's size at dim={feature_dim} to match num_features "
                    f"({self.num_features}), but got: {input.shape[feature_dim]}."
                )
            warnings.warn(
                f"input's size at dim={feature_dim} does not match num_features. You can silence "
                "this warning by not passing in num_features, which is not used because "
                "affine=False",
                stacklevel=2,
            )
        x = input.unsqueeze(0) if input.ndim == n else input
        out = F.instance_norm(
            x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            self.training or not self.track_running_stats,
            self.momentum if self.momentum is not None else 0.0,
            self.eps,
        )
        return out.squeeze(0) if input.ndim == n else out

    if TYPE_CHECKING:

        def __call__(self, input: Tensor) -> Tensor: ...


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of ``(N, C, L)`` or ``(C, L)`` inputs."""

    _unbatched_dims = 2


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of ``(N, C, H, W)`` or ``(C, H, W)`` inputs."""

    _unbatched_dims = 3


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` inputs."""

    _unbatched_dims = 4


class GroupNorm(Module):
    """Normalization over groups of channels, with a per-channel affine."""

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        device=None,
        dtype=None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError("num_channels must be divisible by num_groups")
        self.num_groups, self.num_channels, self.eps, self.affine = (
            num_groups,
            num_channels,
            eps,
            affine,
        )
        factory = {"dtype": dtype, "device": device}
        if affine:
            self.weight = Parameter(_creation.empty(num_channels, **factory))
            if bias:
                self.bias = Parameter(_creation.empty(num_channels, **factory))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor) -> Tensor: ...

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )


class LayerNorm(Module):
    """Layer normalisation: normalises over the last ``len(normalized_shape)`` dimensions of each
    sample, ``y = (x - mean) / sqrt(var + eps) * weight + bias`` with the biased variance,
    and the same computation in training and evaluation.

    Args:
        normalized_shape: the trailing shape to normalise over (an int for the last
            dimension).
        eps: added to the variance for stability.
        elementwise_affine: learn ``weight`` (ones) and ``bias`` (zeros) of
            ``normalized_shape``.
        bias: learn ``bias`` (with ``elementwise_affine``).
        device: where the parameters are created.
        dtype: their floating dtype.

    Shape:
        - Input: ``(*, *normalized_shape)``.
        - Output: the input's shape.

    Examples:
        >>> import ferrograd
        >>> from ferrograd import nn
        >>> norm = nn.LayerNorm(3)
        >>> norm
        LayerNorm((3,), eps=1e-05, elementwise_affine=True, bias=True)
        >>> norm(ferrograd.tensor([[1.0, 2.0, 3.0]]))
        tensor([[-1.2247,  0.0000,  1.2247]], grad_fn=<...>)
    """

    def __init__(
        self,
        normalized_shape,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        self.normalized_shape = _shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        factory = {"dtype": dtype, "device": device}
        if elementwise_affine:
            self.weight = Parameter(_creation.ones(*self.normalized_shape, **factory))
            if bias:
                self.bias = Parameter(_creation.zeros(*self.normalized_shape, **factory))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor) -> Tensor: ...

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )


class RMSNorm(Module):
    """Root-mean-square normalization over the trailing ``normalized_shape`` dimensions."""

    def __init__(
        self,
        normalized_shape,
        eps=None,
        elementwise_affine: bool = True,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        self.normalized_shape = _shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(
                _creation.ones(*self.normalized_shape, dtype=dtype, device=device)
            )
        else:
            self.register_parameter("weight", None)

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x: Tensor) -> Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    if TYPE_CHECKING:

        def __call__(self, x: Tensor) -> Tensor: ...

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )


class LocalResponseNorm(Module):
    """Normalization by the squares of ``size`` neighbouring channels."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor) -> Tensor: ...

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class CrossMapLRN2d(LocalResponseNorm):
    """Lua Torch's local response normalization of 4-D inputs. Its channel window is
    PyTorch's (inherited) one: channel ``c`` sums the squares of channels up to
    ``c + (size - 1) // 2 + 1 - 1``, starting after ``c - (size - 1) // 2 - 1``, except that
    channel 0 is never dropped from the running sum. Written here as one constant 0/1 matrix
    over the channels."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__(size, alpha, beta, k)

    def _window(self, channels: int, like):
        import numpy as np

        from .._functional_common import _from_numpy_like

        reach = int((self.size - 1) / 2 + 1)
        c = np.arange(channels)[:, None]
        j = np.arange(channels)[None, :]
        summed = (j <= c + reach - 1) & ~((j >= 1) & (j <= c - reach))
        return _from_numpy_like(like, summed.astype(np.float64))

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.ndim}D instead.")
        squares = (input * input).movedim(1, -1)
        window = self._window(input.shape[1], input)
        sums = (squares @ window.t()).movedim(-1, 1)
        return input * (sums * (self.alpha / self.size) + self.k).pow(-self.beta)

    if TYPE_CHECKING:

        def __call__(self, input: Tensor) -> Tensor: ...
