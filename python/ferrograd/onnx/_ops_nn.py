"""Translations of ``nn.functional``: linear layers, convolutions, pooling, normalization,
embeddings, dropout, activations, softmax, padding.

Each maps to the ONNX operator with the same meaning where one exists (``Gemm``, ``Conv``,
``MaxPool``, ``LayerNormalization``, ``Gather``, ...) and to a short composition otherwise
(``silu`` is ``x * Sigmoid(x)``; ``group_norm`` normalizes a reshaped view). Attention needs no
entry: ``scaled_dot_product_attention`` and ``multi_head_attention_forward`` are ferrograd
Python code that the trace goes through, recording their matrix products, masking and
softmax."""

from __future__ import annotations

import math

import numpy as np

from ._graph import numpy_dtype
from ._ops_math import reduce
from ._registry import translates
from ._symbolic import Dynamic


def _tuple(value, n: int) -> list[int]:
    if isinstance(value, (list, tuple)):
        return [int(v) for v in value] if len(value) == n else [int(value[0])] * n
    return [int(value)] * n


def _batched(c, x, spatial: int):
    """``x`` with a batch dimension (unbatched inputs have one fewer); returns the value, its
    dims and whether a batch dimension was added."""
    value, dims = c.value(x), list(c.dims(x))
    if c.rank(x) == spatial + 1:
        return c.op("Unsqueeze", value, c.int64s([0])), [None, *dims], True
    return value, dims, False


def _unbatched(c, out: str, added: bool) -> str:
    return c.op("Squeeze", out, c.int64s([0])) if added else out


def _spatial_dims(c, dims, added: bool, channels=None) -> None:
    """Output dims of a convolution or pooling: the batch as the input's, the channels
    ``channels`` (the input's when not given), spatial sizes dynamic where the input's are."""
    channels = dims[1] if channels is None else channels[0]
    out = [dims[0], channels, *(Dynamic() if d is not None else None for d in dims[2:])]
    c.set_dims(0, out[1:] if added else out)


# --- linear and convolution --------------------------------------------------------------------


@translates("F.linear")
def _linear(c):
    x, weight, bias = c.arg("input"), c.arg("weight"), c.arg("bias")
    dims = list(c.dims(x))
    c.set_dims(0, [*dims[:-1], c.dims(weight)[0]] if c.rank(weight) == 2 else dims[:-1])
    if c.rank(x) == 2 and c.rank(weight) == 2:
        args = [c.value(x), c.value(weight)] + ([c.value(bias)] if bias is not None else [])
        return c.op("Gemm", *args, transB=1)
    w = c.value(weight)
    if c.rank(weight) == 2:
        w = c.op("Transpose", w, perm=[1, 0])
    out = c.op("MatMul", c.value(x), w)
    return out if bias is None else c.op("Add", out, c.value(bias))


def _conv_padding(c, padding, kernel, dilation, n: int) -> list[int]:
    """ONNX ``pads`` (all begins, then all ends)."""
    if isinstance(padding, str):
        if padding == "valid":
            return [0] * (2 * n)
        totals = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
        # the odd element after, as PyTorch puts it
        return [t // 2 for t in totals] + [t - t // 2 for t in totals]
    pads = _tuple(padding, n)
    return pads + pads


def _conv(n: int):
    def translate(c):
        x, weight, bias = c.arg("input"), c.arg("weight"), c.arg("bias")
        kernel = list(weight._shape[2:])
        dilation = _tuple(c.arg("dilation", 1), n)
        value, dims, added = _batched(c, x, n)
        inputs = [value, c.value(weight)] + ([c.value(bias)] if bias is not None else [])
        out = c.op(
            "Conv",
            *inputs,
            kernel_shape=kernel,
            strides=_tuple(c.arg("stride", 1), n),
            pads=_conv_padding(c, c.arg("padding", 0), kernel, dilation, n),
            dilations=dilation,
            group=int(c.arg("groups", 1)),
        )
        _spatial_dims(c, dims, added, channels=c.dims(weight))
        return _unbatched(c, out, added)

    return translate


def _conv_transpose(n: int):
    def translate(c):
        x, weight, bias = c.arg("input"), c.arg("weight"), c.arg("bias")
        kernel = list(weight._shape[2:])
        value, dims, added = _batched(c, x, n)
        inputs = [value, c.value(weight)] + ([c.value(bias)] if bias is not None else [])
        pads = _tuple(c.arg("padding", 0), n)
        out = c.op(
            "ConvTranspose",
            *inputs,
            kernel_shape=kernel,
            strides=_tuple(c.arg("stride", 1), n),
            pads=pads + pads,
            output_padding=_tuple(c.arg("output_padding", 0), n),
            dilations=_tuple(c.arg("dilation", 1), n),
            group=int(c.arg("groups", 1)),
        )
        # (C_in, C_out / groups, ...): the output's channels are fixed when the weight's are
        _spatial_dims(c, dims, added, channels=c.dims(weight)[1:2])
        return _unbatched(c, out, added)

    return translate


for _n in (1, 2, 3):
    translates(f"F.conv{_n}d", f"fg.conv{_n}d")(_conv(_n))
    translates(f"F.conv_transpose{_n}d", f"fg.conv_transpose{_n}d")(_conv_transpose(_n))


# --- pooling ------------------------------------------------------------------------------------


def _ceil_pads(c, x, n: int, kernel, strides, pads, dilations) -> list[int] | None:
    """End paddings that make floor-mode pooling give PyTorch's ceil-mode sizes, or None when
    ONNX's own ceil mode already does. PyTorch drops a last window that would start in the end
    padding; ONNX's ceil mode keeps it."""
    sizes, wanted = x._shape[-n:], c.leaves[0]._shape[-n:]
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilations, strict=True)]
    onnx_sizes = [
        -(-(size + 2 * p - span) // s) + 1
        for size, p, span, s in zip(sizes, pads, spans, strides, strict=True)
    ]
    if list(onnx_sizes) == list(wanted):
        return None
    # the least end padding (>= 0) with which floor mode gives `out` windows
    return [
        max((out - 1) * s + span - size - p, 0)
        for out, s, span, size, p in zip(wanted, strides, spans, sizes, pads, strict=True)
    ]


def _pool(n: int, kind: str):
    def translate(c):
        x = c.arg("input")
        kernel = _tuple(c.arg("kernel_size"), n)
        stride = c.arg("stride")
        strides = kernel if stride is None or stride == [] or stride == () else _tuple(stride, n)
        pads = _tuple(c.arg("padding", 0), n)
        dilations = _tuple(c.arg("dilation", 1), n) if kind == "max" else [1] * n
        value, dims, added = _batched(c, x, n)
        ceil = bool(c.arg("ceil_mode", False))
        ends = pads
        spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilations, strict=True)]
        # with padding + stride <= the window's span, no window can start in the end padding,
        # so ONNX's ceil mode is PyTorch's, whatever the input's size
        if ceil and any(p + s > w for p, s, w in zip(pads, strides, spans, strict=True)):
            if any(d is not None for d in dims[2:]):
                c.unsupported("this ceil_mode pooling over dynamic spatial dimensions")
            grown = _ceil_pads(c, x, n, kernel, strides, pads, dilations)
            if grown is not None:
                if kind != "max":
                    c.unsupported("ceil_mode average pooling whose last window PyTorch drops")
                ends, ceil = grown, False  # padding is ignored by MaxPool, as PyTorch's is
        attrs = dict(kernel_shape=kernel, strides=strides, pads=pads + ends,
                     ceil_mode=int(ceil))  # fmt: skip
        if kind == "max":
            if c.arg("return_indices", False):
                c.unsupported("max pooling's indices")
            out = c.op("MaxPool", value, dilations=dilations, **attrs)
        else:
            if c.arg("divisor_override") is not None:
                c.unsupported("avg_pool with divisor_override")
            include = int(bool(c.arg("count_include_pad", True)))
            out = c.op("AveragePool", value, count_include_pad=include, **attrs)
        _spatial_dims(c, dims, added)
        return _unbatched(c, out, added)

    return translate


def _adaptive(n: int, kind: str):
    def translate(c):
        x = c.arg("input")
        if kind == "max" and c.arg("return_indices", False):
            c.unsupported("max pooling's indices")
        value, dims, added = _batched(c, x, n)
        sizes = list(x._shape[-n:])
        wanted = c.arg("output_size")
        wanted = list(wanted) if isinstance(wanted, (list, tuple)) else [wanted] * n
        wanted = [s if w is None else int(w) for s, w in zip(sizes, wanted, strict=True)]
        out_dims = [dims[0], dims[1]] + [None] * n
        c.set_dims(0, out_dims[1:] if added else out_dims)
        if all(w == 1 for w in wanted):
            out = c.op("GlobalMaxPool" if kind == "max" else "GlobalAveragePool", value)
            return _unbatched(c, out, added)
        if any(d is not None for d in dims[2:]) or any(
            s % w for s, w in zip(sizes, wanted, strict=True)
        ):
            c.unsupported(
                "adaptive pooling to a size other than 1 unless the input's spatial sizes are "
                "fixed multiples of it"
            )
        kernel = [s // w for s, w in zip(sizes, wanted, strict=True)]
        op = "MaxPool" if kind == "max" else "AveragePool"
        out = c.op(op, value, kernel_shape=kernel, strides=kernel)
        return _unbatched(c, out, added)

    return translate


for _n in (1, 2, 3):
    translates(f"F.max_pool{_n}d", f"fg.max_pool{_n}d")(_pool(_n, "max"))
    translates(f"F.avg_pool{_n}d", f"fg.avg_pool{_n}d")(_pool(_n, "avg"))
    translates(f"F.adaptive_avg_pool{_n}d", f"fg.adaptive_avg_pool{_n}d")(_adaptive(_n, "avg"))
    translates(f"F.adaptive_max_pool{_n}d", f"fg.adaptive_max_pool{_n}d")(_adaptive(_n, "max"))


# --- normalization ------------------------------------------------------------------------------


def _channel_shape(c, x) -> list[int]:
    """``[C, 1, ...]``: a per-channel vector broadcast against ``(N, C, ...)``."""
    return [int(x._shape[1])] + [1] * (c.rank(x) - 2)


def _per_channel(c, t, x, fill: float) -> str:
    """A per-channel parameter (or ``fill`` where it is None) as a ``(C,)`` value."""
    if t is not None:
        return c.as_dtype(t, x.dtype)
    return c.literal(np.full([int(x._shape[1])], fill), numpy_dtype(x.dtype))


def _normalize_stats(c, x, value: str, axes, eps: float) -> str:
    """``(x - mean) / sqrt(var + eps)`` over ``axes`` (biased variance)."""
    dt = numpy_dtype(x.dtype)
    mean = reduce(c, "ReduceMean", value, axes, True)
    centered = c.op("Sub", value, mean)
    var = reduce(c, "ReduceMean", c.op("Mul", centered, centered), axes, True)
    return c.op("Div", centered, c.op("Sqrt", c.op("Add", var, c.literal(eps, dt))))


def _affine(c, x, out: str, weight, bias) -> str:
    shape = c.int64s(_channel_shape(c, x))
    if weight is not None:
        out = c.op("Mul", out, c.op("Reshape", c.as_dtype(weight, x.dtype), shape))
    if bias is not None:
        out = c.op("Add", out, c.op("Reshape", c.as_dtype(bias, x.dtype), shape))
    return out


@translates("F.batch_norm", "fg.batch_norm")
def _batch_norm(c):
    x = c.arg("input")
    mean, var = c.arg("running_mean"), c.arg("running_var")
    weight, bias, eps = c.arg("weight"), c.arg("bias"), float(c.arg("eps", 1e-5))
    c.same_dims(x)
    if c.arg("training", False) or mean is None:
        axes = [0, *range(2, c.rank(x))]
        out = _normalize_stats(c, x, c.value(x), axes, eps)
        return _affine(c, x, out, weight, bias)
    return c.op(
        "BatchNormalization",
        c.value(x),
        _per_channel(c, weight, x, 1.0),
        _per_channel(c, bias, x, 0.0),
        c.as_dtype(mean, x.dtype),
        c.as_dtype(var, x.dtype),
        epsilon=eps,
    )


@translates("F.instance_norm", "fg.instance_norm")
def _instance_norm(c):
    x = c.arg("input")
    weight, bias, eps = c.arg("weight"), c.arg("bias"), float(c.arg("eps", 1e-5))
    c.same_dims(x)
    if not c.arg("use_input_stats", True):
        mean, var = c.arg("running_mean"), c.arg("running_var")
        return c.op(
            "BatchNormalization",
            c.value(x),
            _per_channel(c, weight, x, 1.0),
            _per_channel(c, bias, x, 0.0),
            c.as_dtype(mean, x.dtype),
            c.as_dtype(var, x.dtype),
            epsilon=eps,
        )
    return c.op(
        "InstanceNormalization",
        c.value(x),
        _per_channel(c, weight, x, 1.0),
        _per_channel(c, bias, x, 0.0),
        epsilon=eps,
    )


@translates("F.layer_norm", "fg.layer_norm")
def _layer_norm(c):
    x = c.arg("input")
    shape = c.arg("normalized_shape")
    shape = [shape] if isinstance(shape, int) else list(shape)
    weight, bias, eps = c.arg("weight"), c.arg("bias"), float(c.arg("eps", 1e-5))
    dt = numpy_dtype(x.dtype)
    c.same_dims(x)
    scale = c.as_dtype(weight, x.dtype) if weight is not None else c.literal(np.ones(shape), dt)
    inputs = [c.value(x), scale] + ([c.as_dtype(bias, x.dtype)] if bias is not None else [])
    return c.op("LayerNormalization", *inputs, axis=-len(shape), epsilon=eps)


@translates("F.group_norm", "fg.group_norm")
def _group_norm(c):
    x = c.arg("input")
    groups = int(c.arg("num_groups"))
    weight, bias, eps = c.arg("weight"), c.arg("bias"), float(c.arg("eps", 1e-5))
    c.same_dims(x)
    grouped = c.op("Reshape", c.value(x), c.int64s([0, groups, -1]))  # 0: the batch, as is
    normalized = _normalize_stats(c, x, grouped, [2], eps)
    shape = c.op("Shape", c.value(x))
    return _affine(c, x, c.op("Reshape", normalized, shape), weight, bias)


@translates("F.rms_norm", "fg.rms_norm")
def _rms_norm(c):
    x = c.arg("input")
    shape = c.arg("normalized_shape")
    shape = [shape] if isinstance(shape, int) else list(shape)
    weight, eps = c.arg("weight"), c.arg("eps")
    dt = numpy_dtype(x.dtype)
    if eps is None:
        eps = float(np.finfo(dt).eps)
    c.same_dims(x)
    value = c.value(x)
    axes = list(range(c.rank(x) - len(shape), c.rank(x)))
    mean_square = reduce(c, "ReduceMean", c.op("Mul", value, value), axes, True)
    out = c.op("Div", value, c.op("Sqrt", c.op("Add", mean_square, c.literal(eps, dt))))
    return out if weight is None else c.op("Mul", out, c.as_dtype(weight, x.dtype))


@translates("F.normalize")
def _normalize(c):
    from ._ops_math import norm_of

    x = c.arg("input")
    p, dim, eps = c.arg("p", 2.0), c.arg("dim", 1), float(c.arg("eps", 1e-12))
    dt = numpy_dtype(x.dtype)
    c.same_dims(x)
    value = c.value(x)
    axis = dim % max(c.rank(x), 1)
    norm = norm_of(c, value, p, [axis], True, dt)
    return c.op("Div", value, c.op("Max", norm, c.literal(eps, dt)))


# --- embeddings and dropout ----------------------------------------------------------------------


@translates("F.embedding")
def _embedding(c):
    indices, weight = c.arg("input"), c.arg("weight")
    if c.arg("max_norm") is not None:
        c.unsupported("embedding with max_norm (it rescales the weight in place)")
    c.set_dims(0, [*c.dims(indices), *c.dims(weight)[1:]])
    return c.op("Gather", c.value(weight), c.value(indices), axis=0)


@translates("fg.embedding")
def _embedding_function(c):
    weight, indices = c.arg("input"), c.arg("indices")
    c.set_dims(0, [*c.dims(indices), *c.dims(weight)[1:]])
    return c.op("Gather", c.value(weight), c.value(indices), axis=0)


@translates("F.dropout", "F.dropout1d", "F.dropout2d", "F.dropout3d", "F.alpha_dropout",
            "F.feature_alpha_dropout", "fg.dropout", "fg.alpha_dropout",
            "fg.feature_dropout")  # fmt: skip
def _dropout(c):
    x = c.arg("input")
    training = c.arg("training", c.arg("train", True))
    if training and c.arg("p", 0.5) > 0:
        c.unsupported("dropout in training mode (export the model in eval mode)")
    c.same_dims(x)
    return c.op("Identity", c.value(x))


@translates("F.one_hot")
def _one_hot(c):
    x = c.arg("input")
    depth = c.leaves[0]._shape[-1]
    if c.arg("num_classes", -1) == -1 and getattr(x, "_onnx_dep", False):
        c.unsupported("one_hot without num_classes on values computed from the inputs")
    c.set_dims(0, [*c.dims(x), None])
    values = c.int64s([0, 1])
    return c.op("OneHot", c.value(x), c.int64s([depth]), values, axis=-1)


@translates("F.pixel_shuffle", "fg.pixel_shuffle")
def _pixel_shuffle(c):
    x = c.arg("input")
    if c.rank(x) != 4:
        c.unsupported("pixel_shuffle of a tensor that is not 4-D")
    r = int(c.arg("upscale_factor"))
    dims = c.dims(x)
    c.set_dims(0, [dims[0], *(Dynamic() if d is not None else None for d in dims[1:])])
    return c.op("DepthToSpace", c.value(x), blocksize=r, mode="CRD")


@translates("F.pad")
def _pad(c):
    x, pad = c.arg("input"), list(c.arg("pad"))
    mode, value = c.arg("mode", "constant"), c.arg("value")
    rank = c.rank(x)
    begins, ends = [0] * rank, [0] * rank
    for k in range(len(pad) // 2):
        axis = rank - 1 - k
        begins[axis], ends[axis] = pad[2 * k], pad[2 * k + 1]
    modes = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
    if mode not in modes:
        c.unsupported(f"padding mode '{mode}'")
    if mode == "circular" and c.opset < 19:
        c.unsupported("circular padding before opset 19")
    dims = list(c.dims(x))
    c.set_dims(0, [Dynamic() if d is not None else None for d in dims])
    dt = numpy_dtype(x.dtype)
    fill = c.literal(0 if value is None else value, dt) if mode == "constant" else None
    return c.op("Pad", c.value(x), c.vector(begins + ends), fill, mode=modes[mode])


# --- activations ---------------------------------------------------------------------------------


def _activation(build):
    """A translation from ``build(c, x_value, np_dtype)`` for an elementwise activation."""

    def translate(c):
        x = c.arg("input")
        c.same_dims(x)
        return build(c, c.as_dtype(x, c.leaves[0].dtype), numpy_dtype(c.leaves[0].dtype))

    return translate


def _register(names: str, build) -> None:
    full = []
    for name in names.split():
        full += [f"F.{name}", f"fg.{name}", f"T.{name}", f"F.{name}_", f"T.{name}_"]
    translates(*full)(_activation(build))


_register("relu6", lambda c, x, dt: c.op("Clip", x, c.literal(0, dt), c.literal(6, dt)))
_register(
    "leaky_relu",
    lambda c, x, dt: c.op("LeakyRelu", x, alpha=float(c.arg("negative_slope", 0.01))),
)
_register("elu", lambda c, x, dt: c.op("Elu", x, alpha=float(c.arg("alpha", 1.0))))
# PyTorch's SELU constants, in full (ONNX's defaults are their float32 roundings)
_register(
    "selu",
    lambda c, x, dt: c.op("Selu", x, alpha=1.6732632423543772, gamma=1.0507009873554805),
)
_register("silu", lambda c, x, dt: c.op("Mul", x, c.op("Sigmoid", x)))
_register("mish", lambda c, x, dt: c.op("Mul", x, c.op("Tanh", c.op("Softplus", x))))
_register("hardsigmoid", lambda c, x, dt: c.op("HardSigmoid", x, alpha=1.0 / 6.0, beta=0.5))
_register("hardswish", lambda c, x, dt: c.op("HardSwish", x))
_register("softsign", lambda c, x, dt: c.op("Softsign", x))
_register("logsigmoid", lambda c, x, dt: c.op("Neg", c.op("Softplus", c.op("Neg", x))))
_register("tanhshrink", lambda c, x, dt: c.op("Sub", x, c.op("Tanh", x)))


def _celu(c, x, dt):
    alpha = float(c.arg("alpha", 1.0))
    if dt == np.float32:
        return c.op("Celu", x, alpha=alpha)  # ONNX defines Celu on float32 only
    scaled = c.op("Div", x, c.literal(alpha, dt))
    negative = c.op("Mul", c.literal(alpha, dt), c.op("Sub", c.op("Exp", scaled), c.literal(1, dt)))
    return c.op("Add", c.op("Relu", x), c.op("Min", c.literal(0, dt), negative))


_register("celu", _celu)


@translates("F.hardtanh", "F.hardtanh_", "fg.hardtanh")
def _hardtanh(c):
    x = c.arg("input")
    dt = numpy_dtype(x.dtype)
    c.same_dims(x)
    low, high = c.arg("min_val", -1.0), c.arg("max_val", 1.0)
    return c.op("Clip", c.value(x), c.literal(low, dt), c.literal(high, dt))


@translates("F.gelu", "fg.gelu")
def _gelu(c):
    x = c.arg("input")
    approximate = c.arg("approximate", "none")
    dt = numpy_dtype(x.dtype)
    c.same_dims(x)
    value = c.value(x)
    if c.opset >= 20:
        return c.op("Gelu", value, approximate=approximate)
    half = c.op("Mul", value, c.literal(0.5, dt))
    if approximate == "tanh":
        cube = c.op("Mul", c.op("Mul", value, value), value)
        inner = c.op("Add", value, c.op("Mul", cube, c.literal(0.044715, dt)))
        scaled = c.op("Mul", inner, c.literal(math.sqrt(2.0 / math.pi), dt))
        return c.op("Mul", half, c.op("Add", c.op("Tanh", scaled), c.literal(1, dt)))
    erf = c.op("Erf", c.op("Div", value, c.literal(math.sqrt(2.0), dt)))
    return c.op("Mul", half, c.op("Add", erf, c.literal(1, dt)))


@translates("F.softplus", "fg.softplus")
def _softplus(c):
    x = c.arg("input")
    beta, threshold = float(c.arg("beta", 1.0)), float(c.arg("threshold", 20.0))
    dt = numpy_dtype(x.dtype)
    c.same_dims(x)
    value = c.value(x)
    scaled = c.op("Mul", value, c.literal(beta, dt)) if beta != 1 else value
    soft = c.op("Softplus", scaled)
    if beta != 1:
        soft = c.op("Div", soft, c.literal(beta, dt))
    # PyTorch returns x itself where beta * x > threshold
    return c.op("Where", c.op("Greater", scaled, c.literal(threshold, dt)), value, soft)


@translates("F.threshold", "F.threshold_", "fg.threshold")
def _threshold(c):
    x = c.arg("input")
    dt = numpy_dtype(x.dtype)
    c.same_dims(x)
    value = c.value(x)
    above = c.op("Greater", value, c.literal(c.arg("threshold"), dt))
    return c.op("Where", above, value, c.literal(c.arg("value"), dt))


@translates("F.hardshrink", "T.hardshrink", "F.softshrink", "T.softshrink")
def _shrink(c):
    x = c.arg("input")
    lambd = float(c.arg("lambd", 0.5))
    c.same_dims(x)
    if c.name.endswith("softshrink"):
        return c.op("Shrink", c.value(x), lambd=lambd, bias=lambd)
    return c.op("Shrink", c.value(x), lambd=lambd)


@translates("F.prelu", "fg.prelu")
def _prelu(c):
    x, weight = c.arg("input"), c.arg("weight")
    c.same_dims(x)
    slope = c.value(weight)
    if weight._numel() > 1 and c.rank(x) > 2:
        slope = c.op("Reshape", slope, c.int64s(_channel_shape(c, x)))
    return c.op("PRelu", c.value(x), slope)


@translates("F.glu", "fg.glu")
def _glu(c):
    x = c.arg("input")
    axis = c.arg("dim", -1) % c.rank(x)
    half = x._shape[axis] // 2
    a, b = c.op("Split", c.value(x), c.int64s([half, half]), axis=axis, outputs=2)
    dims = list(c.dims(x))
    if dims[axis] is not None:
        c.unsupported("glu along a dynamic dimension")
    c.set_dims(0, dims)
    return c.op("Mul", a, c.op("Sigmoid", b))


# --- softmax -------------------------------------------------------------------------------------


def _softmax(onnx_op: str, negate: bool = False):
    def translate(c):
        x = c.arg("input")
        dim = c.arg("dim")
        rank = c.rank(x)
        if dim is None:  # PyTorch's implicit choice
            dim = 0 if rank in (0, 1, 3) else 1
        dtype = c.leaves[0].dtype
        value = c.as_dtype(x, dtype)
        if negate:
            value = c.op("Neg", value)
        c.same_dims(x)
        if rank == 0:
            one = c.op(onnx_op, c.op("Unsqueeze", value, c.int64s([0])), axis=0)
            return c.op("Squeeze", one, c.int64s([0]))
        return c.op(onnx_op, value, axis=dim % rank)

    return translate


translates("F.softmax", "T.softmax", "fg.softmax")(_softmax("Softmax"))
translates("F.log_softmax", "T.log_softmax", "fg.log_softmax")(_softmax("LogSoftmax"))
translates("F.softmin", "fg.softmin")(_softmax("Softmax", negate=True))
