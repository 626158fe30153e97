"""Activation functions of ``nn.functional``. The ones PyTorch records as one node are one
engine node here too for float32 and float64 CPU tensors (``_core.activation``, ``_core.gelu``,
...: one kernel each way); other tensors get the same function composed of recorded tensor
operations, piecewise functions written with ``where`` so that the gradient at a breakpoint is
the branch PyTorch's derivative takes there. ``inplace=True`` writes the result into the input
(``copy_``, which rewrites the input's history as PyTorch's in-place ops do)."""

from __future__ import annotations

import math

from .. import _core, _random
from .._autocast import lower_precision
from .._dtype import kernel_not_implemented
from .._errors import ShapeError
from .._mixins.math import clamp_scalars
from .._opmath import computes_in_float32
from ._functional_common import _check_tensor

#: SELU's constants (Klambauer et al., 2017), as PyTorch has them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


#: The activations PyTorch computes for floating-point tensors only, and the kernel its
#: "not implemented for 'Long'" error names. hardtanh (relu6) and threshold take integer
#: tensors too and keep their dtype.
_FLOAT_ONLY_KERNELS = {
    "elu": "elu_cpu",
    "selu": "elu_cpu",
    "celu": "elu_cpu",
    "leaky_relu": "leaky_relu_cpu",
    "hardswish": "hardswish_cpu",
    "hardsigmoid": "hardsigmoid_cpu",
    "logsigmoid": "log_sigmoid_cpu",
    "hardshrink": "hardshrink_cpu",
    "softshrink": "softshrink_check",
    "mish": "mish_cpu",
    "gelu": "GeluKernelImpl",
    "silu": "silu_cpu",
    "softplus": "softplus_cpu",
}
_KEEPS_INTEGER_DTYPE = ("hardtanh", "threshold")


def _check_dtype(x, name: str) -> None:
    """PyTorch's error for an activation of an integer or bool tensor that it has no kernel
    for (elu, gelu, silu, ...); hardtanh and threshold reject bool only."""
    if x.is_floating_point() or x.is_complex():
        return
    if name in _FLOAT_ONLY_KERNELS:
        raise kernel_not_implemented(_FLOAT_ONLY_KERNELS[name], x.dtype)
    if x._dtype == "bool":
        if name == "threshold":
            raise kernel_not_implemented("threshold_cpu", x.dtype)
        raise NotImplementedError(f"Bool inputs not supported for {name}")


def _fused(input) -> bool:
    """Whether the engine's fused kernels (one node, one pass each way) compute this
    activation of ``input``: float32 and float64 CPU tensors. Other tensors get the same
    function composed of recorded operations."""
    return input._dtype in ("float32", "float64") and input._device == "cpu"


def _source(input, inplace: bool):
    """What an in-place activation computes from: a recorded copy of the input when the
    result will overwrite an input whose value the gradient still needs."""
    if inplace and input._requires_grad and _core.is_grad_enabled():
        return input.clone()
    return input


def _result(input, out, inplace: bool):
    return input.copy_(out) if inplace else out


def _one_node(input, inplace: bool, name: str, params, composed):
    """``input``'s activation ``name`` with its ``params``, as PyTorch records it (one node)
    where the engine's kernels take the tensor, else ``composed(x)``; written into ``input``
    with ``inplace``."""
    x = _source(input, inplace)
    if _fused(x):
        out = _core.activation(name, x, *map(float, params))
    else:
        _check_dtype(x, name)
        out = composed(x)
        if name in _KEEPS_INTEGER_DTYPE and out.dtype != x.dtype:
            out = out.to(x.dtype)
    return _result(input, out, inplace)


def _threshold(input, bound: float, value: float, inplace: bool):
    def composed(x):
        return x.where(x > bound, float(value))

    return _one_node(input, inplace, "threshold", (bound, value), composed)


def threshold(input, threshold: float, value: float, inplace: bool = False):
    """``input`` where it is greater than ``threshold``, else ``value``."""
    return _threshold(input, threshold, value, inplace)


def threshold_(input, threshold: float, value: float):
    return _threshold(input, threshold, value, True)


def relu(input, inplace: bool = False):
    """Applies the rectified linear unit ``max(x, 0)`` elementwise.

    Args:
        input: a tensor.
        inplace: write the result into ``input``.

    Examples:
        >>> import ferrograd
        >>> import ferrograd.nn.functional as F
        >>> F.relu(ferrograd.tensor([-1.0, 0.5]))
        tensor([0.0000, 0.5000])
    """
    return input.relu_() if inplace else input.relu()


def relu_(input):
    return input.relu_()


def relu6(input, inplace: bool = False):
    return hardtanh(input, 0.0, 6.0, inplace)


def hardtanh(input, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
    """``clamp(input, min_val, max_val)`` with hardtanh's gradient: 0 at the bounds, 1 at NaN."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")

    def composed(x):
        return clamp_scalars(x, min_val, max_val, nan_passes=True)

    return _one_node(input, inplace, "hardtanh", (min_val, max_val), composed)


def hardtanh_(input, min_val: float = -1.0, max_val: float = 1.0):
    return hardtanh(input, min_val, max_val, inplace=True)


def hardswish(input, inplace: bool = False):
    """``x * relu6(x + 3) / 6``; at the breakpoints the gradient is the outer piece's (0 at
    -3, 1 at 3), as PyTorch's."""

    def composed(x):
        middle = x * (x + 3.0) / 6.0
        return x.where(x >= 3.0, middle).where(x > -3.0, 0.0)

    return _one_node(input, inplace, "hardswish", (), composed)


def hardsigmoid(input, inplace: bool = False):
    """``relu6(x + 3) / 6``; the gradient 1/6 strictly inside ``(-3, 3)`` only."""

    def composed(x):
        inside = (x > -3.0).logical_and(x < 3.0)
        outside = (x >= 3.0).to(x.dtype)
        return (x / 6.0 + 0.5).where(inside, outside)

    return _one_node(input, inplace, "hardsigmoid", (), composed)


def elu(input, alpha: float = 1.0, inplace: bool = False):
    """``x`` for positive ``x``, ``alpha (exp(x) - 1)`` elsewhere; the gradient at 0 is the
    negative branch's, as in PyTorch."""
    return _one_node(input, inplace, "elu", (alpha,), lambda x: _elu(x, alpha, 1.0, 1.0))


def elu_(input, alpha: float = 1.0):
    return elu(input, alpha, inplace=True)


@computes_in_float32
def _elu(x, alpha: float, scale: float, input_scale: float):
    """PyTorch's general ELU: ``scale * x`` above 0, ``scale * alpha * (exp(input_scale * x) -
    1)`` at and below it. The exponential reads ``x`` with positives set to 0, so it cannot
    overflow on the branch not taken."""
    negative = x.where(x <= 0, 0.0)
    if input_scale != 1.0:
        negative = negative * input_scale
    negative = negative.expm1() * (alpha * scale)
    positive = x * scale if scale != 1.0 else x
    return positive.where(x > 0, negative)


def selu(input, inplace: bool = False):
    return _one_node(input, inplace, "selu", (), lambda x: _elu(x, SELU_ALPHA, SELU_SCALE, 1.0))


def selu_(input):
    return selu(input, inplace=True)


def celu(input, alpha: float = 1.0, inplace: bool = False):
    """``max(0, x) + min(0, alpha (exp(x / alpha) - 1))``."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: celu's alpha must not be 0")
    return _one_node(input, inplace, "celu", (alpha,), lambda x: _elu(x, alpha, 1.0, 1.0 / alpha))


def celu_(input, alpha: float = 1.0):
    return celu(input, alpha, inplace=True)


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False):
    def composed(x):
        return x.where(x > 0, x * negative_slope)

    return _one_node(input, inplace, "leaky_relu", (negative_slope,), composed)


def leaky_relu_(input, negative_slope: float = 0.01):
    return leaky_relu(input, negative_slope, inplace=True)


def prelu(input, weight):
    """Leaky ReLU with a learned slope per channel (dim 1), or one slope for all."""
    _check_tensor(input, "input", "prelu")
    _check_tensor(weight, "weight", "prelu")
    input, weight = lower_precision(input, weight)
    n = weight.numel()
    if weight.ndim > 1:
        raise ShapeError(f"prelu: weight must be 0-D or 1-D, got shape {tuple(weight.shape)}")
    if n != 1:
        channels = input.shape[1] if input.ndim >= 2 else 1
        if input.ndim < 2 or n != channels:
            raise ShapeError(
                f"Mismatch of parameter numbers and input channel size. Found parameter numbers "
                f"= {n} and channel size = {channels}."
            )
        slope = weight.reshape([1, n] + [1] * (input.ndim - 2))
    else:
        slope = weight.reshape([])
    return input.where(input > 0, input * slope)


def rrelu(
    input,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    inplace: bool = False,
):
    """Leaky ReLU whose negative slope is drawn from ``U(lower, upper)`` per element while
    training, and is ``(lower + upper) / 2`` otherwise."""
    if training:
        u = _random.rand(input.shape, input.dtype, input.device)
        slope = u * (upper - lower) + lower
    else:
        slope = (lower + upper) / 2
    return _result(input, input.where(input > 0, input * slope), inplace)


def rrelu_(input, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False):
    return rrelu(input, lower, upper, training, inplace=True)


def glu(input, dim: int = -1):
    """``a * sigmoid(b)`` for the halves ``a``, ``b`` of ``input`` along ``dim``."""
    _check_tensor(input, "input", "glu")
    if input.ndim == 0:
        raise ShapeError("glu does not support scalars because halving size must be even")
    size = input.shape[dim]
    if size % 2:
        raise ShapeError(
            f"Halving dimension must be even, but dimension {dim % input.ndim} is size {size}"
        )
    a, b = input.split(size // 2, dim)
    return a * b.sigmoid()


@computes_in_float32
def gelu(input, approximate: str = "none"):
    """``x Φ(x)``; with ``approximate='tanh'``, Hendrycks and Gimpel's tanh approximation."""
    if approximate in ("none", "tanh") and _fused(input):
        return _core.gelu(input, approximate)
    _check_dtype(input, "gelu")
    if approximate == "tanh":
        inner = math.sqrt(2.0 / math.pi) * (input + 0.044715 * input * input * input)
        return 0.5 * input * (1.0 + inner.tanh())
    if approximate != "none":
        raise ValueError(f"approximate argument must be either none or tanh, got {approximate!r}")
    return 0.5 * input * (1.0 + (input * (1.0 / math.sqrt(2.0))).erf())


def logsigmoid(input):
    """``min(x, 0) - log1p(exp(-|x|))``, PyTorch's formula: finite for every finite ``x``,
    ``0`` at ``+inf`` and ``-inf`` at ``-inf``; the (engine's) minimum's tie at 0 gives the
    gradient 1/2, PyTorch's there."""

    def composed(x):
        return x._binary("minimum", 0.0) - (-x.abs()).exp().log1p()

    return _one_node(input, False, "logsigmoid", (), composed)


def hardshrink(input, lambd: float = 0.5):
    """``x`` where ``|x| > lambd``, else 0."""
    return _one_node(input, False, "hardshrink", (lambd,), lambda x: x.where(x.abs() > lambd, 0.0))


def softshrink(input, lambd: float = 0.5):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, 0 between."""
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {float(lambd)}.")

    def composed(x):
        # x * 0 between, as PyTorch computes it: -0 for a negative x, NaN for NaN.
        inside = x * 0
        return (x - lambd).where(x > lambd, (x + lambd).where(x < -lambd, inside))

    return _one_node(input, False, "softshrink", (lambd,), composed)


def tanhshrink(input):
    return input - input.tanh()


def softsign(input):
    return input / (input.abs() + 1.0)


@computes_in_float32
def softplus(input, beta: float = 1.0, threshold: float = 20.0):
    """``log1p(exp(beta*x)) / beta``, and ``x`` where ``beta*x > threshold``, as in PyTorch.
    The exponential is of ``beta*x`` set to 0 where ``x`` is taken, so it neither overflows
    nor sends NaN (0 * inf) back through the branch not taken."""
    if _fused(input):
        return _core.softplus(input, float(beta), float(threshold))
    _check_dtype(input, "softplus")
    z = input * beta if beta != 1 else input
    soft = z <= threshold
    out = z.where(soft, 0.0).exp().log1p()
    out = out / beta if beta != 1 else out
    return out.where(soft, input)


def softmax(input, dim=None, _stacklevel: int = 3, dtype=None):
    """Applies softmax along ``dim``: ``exp(x_i) / sum_j exp(x_j)``, computed stably (the maximum
    is subtracted first). The results along ``dim`` are positive and sum to 1.

    Args:
        input: a floating tensor.
        dim: the dimension to normalise along (give it: without it, PyTorch's deprecated
                implicit choice is made).
        dtype: convert the input to this dtype first.

    Examples:
        >>> import ferrograd
        >>> import ferrograd.nn.functional as F
        >>> F.softmax(ferrograd.tensor([[1.0, 2.0, 3.0]]), dim=1)
        tensor([[0.0900, 0.2447, 0.6652]])
    """
    return input.softmax(dim, dtype)


def log_softmax(input, dim=None, _stacklevel: int = 3, dtype=None):
    """Applies ``log(softmax(x))`` along ``dim``, computed as ``x - logsumexp(x)`` (stable where
    the logarithm of softmax's result would underflow).

    Args:
        input: a floating tensor.
        dim: the dimension to normalise along.
        dtype: convert the input to this dtype first.

    Examples:
        >>> import ferrograd
        >>> import ferrograd.nn.functional as F
        >>> F.log_softmax(ferrograd.tensor([[1.0, 2.0, 3.0]]), dim=1)
        tensor([[-2.4076, -1.4076, -0.4076]])
    """
    return input.log_softmax(dim, dtype)


def softmin(input, dim=None, _stacklevel: int = 3, dtype=None):
    """``softmax(-input)``."""
    x = input if dtype is None else input.to(dtype)
    return (-x).softmax(dim)


def gumbel_softmax(logits, tau: float = 1.0, hard: bool = False, eps: float = 1e-10, dim: int = -1):
    """A sample from the Gumbel-softmax distribution: ``softmax((logits + g) / tau)`` with
    Gumbel noise ``g``; with ``hard``, the one-hot of its argmax whose gradient is the soft
    sample's (straight-through)."""
    u = _random.rand(logits.shape, logits.dtype, logits.device)
    # -log(Exponential(1)) is Gumbel(0, 1); an exponential draw is -log(1 - U)
    gumbels = -(-(1.0 - u).log()).log()
    soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return soft
    index = soft.argmax(dim, keepdim=True)
    positions = _core.arange(0, soft.shape[dim], 1, "int64", soft._device)
    shape = [1] * soft.ndim
    shape[dim] = soft.shape[dim]
    one_hot = (positions.reshape(shape) == index).to(soft.dtype)
    return one_hot - soft.detach() + soft


def tanh(input):
    return input.tanh()


def sigmoid(input):
    return input.sigmoid()


@computes_in_float32
def _silu(x):
    if _fused(x):
        return _core.silu(x)
    _check_dtype(x, "silu")
    return x * x.sigmoid()


@computes_in_float32
def _mish(x):
    return x * softplus(x).tanh()


def silu(input, inplace: bool = False):
    return _result(input, _silu(_source(input, inplace)), inplace)


def mish(input, inplace: bool = False):
    """``x * tanh(softplus(x))``."""
    return _one_node(input, inplace, "mish", (), _mish)
