"""Translations of elementwise math, comparisons, logic, ``where``, dtype conversions, matrix
products and reductions.

Operands are cast to the dtype ferrograd computed in (the result's dtype for arithmetic, the
promoted dtype for comparisons), since ONNX operators take one element type."""

from __future__ import annotations

import math

import numpy as np

from .._base import TensorBase
from .._dtype import bool_, int64
from ._graph import numpy_dtype
from ._registry import translates
from ._symbolic import SymInt


def _is_tensor(x) -> bool:
    return isinstance(x, TensorBase)


def _out_dtype(c, index: int = 0):
    return c.leaves[index].dtype


def _common_dtype(c, a, b):
    """The dtype PyTorch's promotion gives ``a`` and ``b`` (tensors or numbers)."""
    from .._ops_dtypes import result_type

    plain = c.recorder.unwrap
    if not _is_tensor(a):
        a, b = b, a
    if isinstance(b, SymInt):
        b = int(b)
    return result_type(plain(a), plain(b))


def _same_dims(c, x):
    if _is_tensor(x):
        c.same_dims(x)


# --- unary --------------------------------------------------------------------------------------

# name -> ONNX operator; the input is cast to the result's dtype first (exp of an int tensor is a
# float).
_UNARY = {
    "abs": "Abs", "absolute": "Abs", "neg": "Neg", "negative": "Neg", "exp": "Exp",
    "log": "Log", "sqrt": "Sqrt", "reciprocal": "Reciprocal", "sin": "Sin", "cos": "Cos",
    "tan": "Tan", "asin": "Asin", "arcsin": "Asin", "acos": "Acos", "arccos": "Acos",
    "atan": "Atan", "arctan": "Atan", "sinh": "Sinh", "cosh": "Cosh", "tanh": "Tanh",
    "asinh": "Asinh", "arcsinh": "Asinh", "acosh": "Acosh", "arccosh": "Acosh",
    "atanh": "Atanh", "arctanh": "Atanh", "sigmoid": "Sigmoid", "relu": "Relu", "erf": "Erf",
    "floor": "Floor", "ceil": "Ceil", "sign": "Sign",
}  # fmt: skip


def _unary(onnx_op: str):
    def translate(c):
        x = c.arg("input")
        c.same_dims(x)
        return c.op(onnx_op, c.as_dtype(x, _out_dtype(c)))

    return translate


for _name, _op in _UNARY.items():
    translates(f"T.{_name}", f"fg.{_name}", f"T.{_name}_", f"F.{_name}")(_unary(_op))
translates("T.__neg__")(_unary("Neg"))
translates("T.__abs__")(_unary("Abs"))


def _float_input(c) -> tuple:
    x = c.arg("input")
    c.same_dims(x)
    dtype = _out_dtype(c)
    return c.as_dtype(x, dtype), numpy_dtype(dtype)


@translates("T.rsqrt", "fg.rsqrt")
def _rsqrt(c):
    x, _ = _float_input(c)
    return c.op("Reciprocal", c.op("Sqrt", x))


@translates("T.square", "fg.square")
def _square(c):
    x, _ = _float_input(c)
    return c.op("Mul", x, x)


@translates("T.log1p", "fg.log1p")
def _log1p(c):
    x, dt = _float_input(c)
    return c.op("Log", c.op("Add", x, c.literal(1, dt)))


@translates("T.expm1", "fg.expm1")
def _expm1(c):
    x, dt = _float_input(c)
    return c.op("Sub", c.op("Exp", x), c.literal(1, dt))


def _log_base(base: float):
    def translate(c):
        x, dt = _float_input(c)
        return c.op("Div", c.op("Log", x), c.literal(math.log(base), dt))

    return translate


translates("T.log2", "fg.log2")(_log_base(2.0))
translates("T.log10", "fg.log10")(_log_base(10.0))


@translates("T.exp2", "fg.exp2")
def _exp2(c):
    x, dt = _float_input(c)
    return c.op("Pow", c.literal(2, dt), x)


def _trunc_of(c, x: str, dt) -> str:
    negative = c.op("Less", x, c.literal(0, dt))
    return c.op("Where", negative, c.op("Ceil", x), c.op("Floor", x))


@translates("T.trunc", "fg.trunc", "T.fix", "fg.fix")
def _trunc(c):
    x, dt = _float_input(c)
    if not np.issubdtype(dt, np.floating):
        return c.op("Identity", x)
    return _trunc_of(c, x, dt)


@translates("T.frac", "fg.frac")
def _frac(c):
    x, dt = _float_input(c)
    return c.op("Sub", x, _trunc_of(c, x, dt))


@translates("T.round", "fg.round")
def _round(c):
    if c.arg("decimals", 0):
        c.unsupported("round() with decimals")
    x, _ = _float_input(c)
    return c.op("Round", x)  # half to even, as PyTorch


@translates("T.isnan", "fg.isnan")
def _isnan(c):
    x = c.arg("input")
    c.same_dims(x)
    if not x.is_floating_point():
        return c.op("Equal", c.value(x), c.value(x))  # never NaN: all True
    return c.op("IsNaN", c.value(x))


@translates("T.isinf", "fg.isinf", "T.isfinite", "fg.isfinite")
def _isinf(c):
    x = c.arg("input")
    c.same_dims(x)
    finite = c.name.endswith("isfinite")
    if not x.is_floating_point():
        same = c.op("Equal", c.value(x), c.value(x))
        return same if finite else c.op("Not", same)
    inf = c.op("IsInf", c.value(x))
    if not finite:
        return inf
    return c.op("Not", c.op("Or", inf, c.op("IsNaN", c.value(x))))


@translates("T.logical_not", "fg.logical_not", "T.__invert__", "T.bitwise_not", "fg.bitwise_not")
def _not(c):
    x = c.arg("input")
    c.same_dims(x)
    if c.name.endswith("logical_not") or x.dtype == bool_:
        return c.cast(c.op("Not", c.as_dtype(x, bool_)), bool_, _out_dtype(c))
    _bitwise_opset(c)
    return c.op("BitwiseNot", c.value(x))


def _bitwise_opset(c) -> None:
    if c.opset < 18:
        c.unsupported("bitwise operations on integers before opset 18")


# --- binary arithmetic -------------------------------------------------------------------------


def _operands(c, reverse: bool):
    a, b = c.arg(0), c.arg(1)
    return (b, a) if reverse else (a, b)


def _arith(onnx_op: str, reverse: bool = False):
    def translate(c):
        a, b = _operands(c, reverse)
        dtype = _out_dtype(c)
        alpha = c.arg("alpha", 1)
        bn = c.as_dtype(b, dtype)
        if alpha != 1:
            bn = c.op("Mul", bn, c.value(alpha, dtype))
        c.broadcast_dims(a, b)
        return c.op(onnx_op, c.as_dtype(a, dtype), bn)

    return translate


for _names, _op, _rev in (
    (("add", "__add__"), "Add", False),
    (("__radd__",), "Add", True),
    (("sub", "subtract", "__sub__"), "Sub", False),
    (("__rsub__", "rsub"), "Sub", True),
    (("mul", "multiply", "__mul__"), "Mul", False),
    (("__rmul__",), "Mul", True),
    (("maximum", "fmax"), "Max", False),
    (("minimum", "fmin"), "Min", False),
    (("pow", "__pow__", "float_power"), "Pow", False),
    (("__rpow__",), "Pow", True),
):
    for _name in _names:
        translates(f"T.{_name}", f"fg.{_name}")(_arith(_op, _rev))


def _division(reverse: bool = False, rounding=None, always: bool = False):
    def translate(c):
        a, b = _operands(c, reverse)
        mode = rounding if always else c.arg("rounding_mode", rounding)
        dtype = _out_dtype(c)
        dt = numpy_dtype(dtype)
        c.broadcast_dims(a, b)
        an, bn = c.as_dtype(a, dtype), c.as_dtype(b, dtype)
        floating = np.issubdtype(dt, np.floating)
        if mode is None or (mode == "trunc" and not floating):
            return c.op("Div", an, bn)  # integer Div truncates
        if mode == "trunc":
            return _trunc_of(c, c.op("Div", an, bn), dt)
        if floating:
            return c.op("Floor", c.op("Div", an, bn))
        # floor division of integers: (a - a mod b) / b is exact, with Python's mod
        return c.op("Div", c.op("Sub", an, c.op("Mod", an, bn, fmod=0)), bn)

    return translate


translates("T.div", "fg.div", "T.divide", "fg.divide", "T.true_divide", "fg.true_divide",
           "T.__truediv__", "T.__div__")(_division())  # fmt: skip
translates("T.__rtruediv__", "T.__rdiv__")(_division(reverse=True))
translates("T.floor_divide", "fg.floor_divide", "T.__floordiv__")(
    _division(rounding="floor", always=True)
)
translates("T.__rfloordiv__")(_division(reverse=True, rounding="floor", always=True))


def _remainder(reverse: bool = False, fmod: bool = False):
    def translate(c):
        a, b = _operands(c, reverse)
        dtype = _out_dtype(c)
        dt = numpy_dtype(dtype)
        c.broadcast_dims(a, b)
        an, bn = c.as_dtype(a, dtype), c.as_dtype(b, dtype)
        if fmod or not np.issubdtype(dt, np.floating):
            return c.op("Mod", an, bn, fmod=int(fmod))
        # Python's remainder of floats (ONNX's Mod takes floats only as fmod)
        return c.op("Sub", an, c.op("Mul", c.op("Floor", c.op("Div", an, bn)), bn))

    return translate


translates("T.remainder", "fg.remainder", "T.__mod__")(_remainder())
translates("T.__rmod__")(_remainder(reverse=True))
translates("T.fmod", "fg.fmod")(_remainder(fmod=True))


@translates("T.atan2", "fg.atan2", "T.arctan2", "fg.arctan2")
def _atan2(c):
    a, b = c.arg(0), c.arg(1)
    dtype = _out_dtype(c)
    dt = numpy_dtype(dtype)
    c.broadcast_dims(a, b)
    y, x = c.as_dtype(a, dtype), c.as_dtype(b, dtype)
    base = c.op("Atan", c.op("Div", y, x))
    # atan(y/x) is off by pi where x < 0 (towards the sign of y)
    pi = c.op("Where", c.op("Less", y, c.literal(0, dt)), c.literal(-math.pi, dt),
              c.literal(math.pi, dt))  # fmt: skip
    shifted = c.op("Add", base, pi)
    return c.op("Where", c.op("Less", x, c.literal(0, dt)), shifted, base)


# --- comparisons and logic ---------------------------------------------------------------------

_COMPARE = {
    "eq": ("Equal", False), "__eq__": ("Equal", False), "ne": ("Equal", True),
    "__ne__": ("Equal", True), "not_equal": ("Equal", True), "lt": ("Less", False),
    "__lt__": ("Less", False), "less": ("Less", False), "le": ("LessOrEqual", False),
    "__le__": ("LessOrEqual", False), "less_equal": ("LessOrEqual", False),
    "gt": ("Greater", False), "__gt__": ("Greater", False), "greater": ("Greater", False),
    "ge": ("GreaterOrEqual", False), "__ge__": ("GreaterOrEqual", False),
    "greater_equal": ("GreaterOrEqual", False),
}  # fmt: skip


def _compare(onnx_op: str, negate: bool):
    def translate(c):
        a, b = c.arg(0), c.arg(1)
        dtype = _common_dtype(c, a, b)
        c.broadcast_dims(a, b)
        if dtype == bool_ and onnx_op != "Equal":
            dtype = int64  # ONNX orders numbers, not booleans
        out = c.op(onnx_op, c.as_dtype(a, dtype), c.as_dtype(b, dtype))
        return c.op("Not", out) if negate else out

    return translate


for _name, (_op, _neg) in _COMPARE.items():
    translates(f"T.{_name}", f"fg.{_name}")(_compare(_op, _neg))


def _logical(onnx_op: str, bitwise: str | None = None):
    def translate(c):
        a, b = c.arg(0), c.arg(1)
        c.broadcast_dims(a, b)
        dtype = _out_dtype(c)
        if dtype == bool_ or bitwise is None:
            out = c.op(onnx_op, c.as_dtype(a, bool_), c.as_dtype(b, bool_))
            return c.cast(out, bool_, dtype)
        _bitwise_opset(c)
        return c.op(bitwise, c.as_dtype(a, dtype), c.as_dtype(b, dtype))

    return translate


translates("T.logical_and", "fg.logical_and")(_logical("And"))
translates("T.logical_or", "fg.logical_or")(_logical("Or"))
translates("T.logical_xor", "fg.logical_xor")(_logical("Xor"))
translates("T.bitwise_and", "fg.bitwise_and", "T.__and__", "T.__rand__")(
    _logical("And", "BitwiseAnd")
)
translates("T.bitwise_or", "fg.bitwise_or", "T.__or__", "T.__ror__")(_logical("Or", "BitwiseOr"))
translates("T.bitwise_xor", "fg.bitwise_xor", "T.__xor__", "T.__rxor__")(
    _logical("Xor", "BitwiseXor")
)


def _where_of(c, condition, a, b) -> str:
    dtype = _out_dtype(c)
    c.broadcast_dims(condition, a, b)
    return c.op("Where", c.as_dtype(condition, bool_), c.as_dtype(a, dtype), c.as_dtype(b, dtype))


@translates("fg.where")
def _where(c):
    return _where_of(c, c.arg("input"), c.arg("#1"), c.arg("#2"))


@translates("T.where")
def _where_method(c):
    return _where_of(c, c.arg(1), c.arg("input"), c.arg(2))


@translates("T.masked_fill", "fg.masked_fill")
def _masked_fill(c):
    return _where_of(c, c.arg(1), c.arg(2), c.arg("input"))


def _clamp_of(c, x, low, high) -> str:
    dtype = _out_dtype(c)
    dt = numpy_dtype(dtype)
    out = c.as_dtype(x, dtype)
    c.broadcast_dims(x, low, high)
    bounds = [v for v in (low, high) if v is not None]
    if not any(_is_tensor(v) for v in bounds) and np.issubdtype(dt, np.floating):
        return c.op(
            "Clip",
            out,
            None if low is None else c.literal(low, dt),
            None if high is None else c.literal(high, dt),
        )
    if low is not None:
        out = c.op("Max", out, c.as_dtype(low, dtype))
    if high is not None:
        out = c.op("Min", out, c.as_dtype(high, dtype))
    return out


@translates("T.clamp", "fg.clamp", "T.clip", "fg.clip")
def _clamp(c):
    return _clamp_of(c, c.arg("input"), c.arg("min"), c.arg("max"))


@translates("T.clamp_min", "fg.clamp_min")
def _clamp_min(c):
    return _clamp_of(c, c.arg("input"), c.arg(1), None)


@translates("T.clamp_max", "fg.clamp_max")
def _clamp_max(c):
    return _clamp_of(c, c.arg("input"), None, c.arg(1))


# --- dtype conversions and copies --------------------------------------------------------------


@translates(
    *"T.to T.type T.type_as T.float T.double T.long T.int T.bool T.contiguous T.clone fg.clone "
    "T.detach fg.detach T.cpu T.cuda".split()
)
def _convert(c):
    x = c.arg("input")
    c.same_dims(x)
    out = c.cast(c.value(x), x.dtype, _out_dtype(c))
    return out if out != c.value(x) else c.op("Identity", out)


# --- matrix products ---------------------------------------------------------------------------


def _matmul_dims(c, a, b) -> list:
    da, db = list(c.dims(a)), list(c.dims(b))
    rows = [da[-2]] if len(da) >= 2 else []
    cols = [db[-1]] if len(db) >= 2 else []
    ba, bb = da[:-2], db[:-2]
    width = max(len(ba), len(bb))
    ba = [None] * (width - len(ba)) + ba
    bb = [None] * (width - len(bb)) + bb
    batch = [x if x is not None else y for x, y in zip(ba, bb, strict=True)]
    return batch + rows + cols


def _matmul_of(c, a, b) -> str:
    dtype = _out_dtype(c)
    c.set_dims(0, _matmul_dims(c, a, b))
    return c.op("MatMul", c.as_dtype(a, dtype), c.as_dtype(b, dtype))


@translates("T.matmul", "fg.matmul", "T.mm", "fg.mm", "T.bmm", "fg.bmm", "T.__matmul__",
            "T.mv", "fg.mv", "T.dot", "fg.dot")  # fmt: skip
def _matmul(c):
    return _matmul_of(c, c.arg(0), c.arg(1))


@translates("T.__rmatmul__")
def _rmatmul(c):
    return _matmul_of(c, c.arg(1), c.arg(0))


@translates("T.outer", "fg.outer", "T.ger", "fg.ger")
def _outer(c):
    a, b = c.arg(0), c.arg(1)
    dtype = _out_dtype(c)
    column = c.op("Unsqueeze", c.as_dtype(a, dtype), c.int64s([1]))
    c.set_dims(0, [c.dims(a)[0], c.dims(b)[0]])
    return c.op("Mul", column, c.as_dtype(b, dtype))


@translates("T.addmm", "fg.addmm")
def _addmm(c):
    bias, a, b = c.arg(0), c.arg(1), c.arg(2)
    dtype = _out_dtype(c)
    c.set_dims(0, [c.dims(a)[0], c.dims(b)[1]])
    dt = numpy_dtype(dtype)
    product = c.op("MatMul", c.as_dtype(a, dtype), c.as_dtype(b, dtype))
    alpha, beta = c.arg("alpha", 1), c.arg("beta", 1)
    if alpha != 1:
        product = c.op("Mul", product, c.literal(alpha, dt))
    if beta == 0:
        return product
    added = c.as_dtype(bias, dtype)
    if beta != 1:
        added = c.op("Mul", added, c.literal(beta, dt))
    return c.op("Add", product, added)


@translates("fg.einsum")
def _einsum(c):
    equation = c.arg("input")
    operands = [c.arg(i) for i in range(1, len(c.args)) if c.arg(i) is not None]
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = list(operands[0])
    # ONNX's equations use lower-case letters; PyTorch's may use upper-case too
    letters = sorted({ch for ch in equation if ch.isalpha()})
    free = [ch for ch in "abcdefghijklmnopqrstuvwxyz" if ch not in letters]
    mapping = {}
    for ch in letters:
        if ch.isupper():
            if not free:
                c.unsupported("more than 26 distinct subscripts")
            mapping[ch] = free.pop(0)
    equation = "".join(mapping.get(ch, ch) for ch in equation.replace(" ", ""))
    dtype = _out_dtype(c)
    return c.op("Einsum", *(c.as_dtype(x, dtype) for x in operands), equation=equation)


# --- reductions --------------------------------------------------------------------------------


def _axes(c, x, dim) -> list[int] | None:
    """``dim`` (None, an int or a sequence) as non-negative axes; None: every axis."""
    if dim is None:
        return None
    rank = c.rank(x)
    dims = [dim] if isinstance(dim, int) else list(dim)
    if not dims:
        return None
    return sorted(d % max(rank, 1) for d in dims)


def reduce(c, onnx_op: str, x: str, axes, keepdims: bool) -> str:
    """``onnx_op`` (a ``Reduce*``) over ``axes`` (None: all), with the axes as an input from
    the opset that made them one (13 for ReduceSum, 18 for the others)."""
    keep = int(bool(keepdims))
    if axes is None:
        return c.op(onnx_op, x, keepdims=keep)
    as_input = c.opset >= (13 if onnx_op == "ReduceSum" else 18)
    if as_input:
        return c.op(onnx_op, x, c.int64s(axes), keepdims=keep)
    return c.op(onnx_op, x, keepdims=keep, axes=list(axes))


def _reduced_dims(c, x, axes, keepdim: bool) -> list:
    dims = list(c.dims(x))
    if axes is None:
        return [None] * len(dims) if keepdim else []
    if keepdim:
        return [None if i in axes else d for i, d in enumerate(dims)]
    return [d for i, d in enumerate(dims) if i not in axes]


def _reduction(onnx_op: str, through=None):
    """``sum``, ``mean``, ``prod``, ``amax``, ...; the input is cast to the result's dtype (or
    to ``through`` first, for reductions ONNX does not define on booleans)."""

    def translate(c):
        x = c.arg("input")
        axes = _axes(c, x, c.arg("dim"))
        keepdim = bool(c.arg("keepdim", False))
        dtype = _out_dtype(c)
        c.set_dims(0, _reduced_dims(c, x, axes, keepdim))
        if through is not None:
            value = c.cast(c.as_dtype(x, bool_), bool_, through) if dtype == bool_ else None
            value = value or c.as_dtype(x, through)
            return c.cast(reduce(c, onnx_op, value, axes, keepdim), through, dtype)
        return reduce(c, onnx_op, c.as_dtype(x, dtype), axes, keepdim)

    return translate


translates("T.sum", "fg.sum")(_reduction("ReduceSum"))
translates("T.mean", "fg.mean")(_reduction("ReduceMean"))
translates("T.prod", "fg.prod")(_reduction("ReduceProd"))
translates("T.amax", "fg.amax")(_reduction("ReduceMax"))
translates("T.amin", "fg.amin")(_reduction("ReduceMin"))
translates("T.all", "fg.all")(_reduction("ReduceMin", through=int64))
translates("T.any", "fg.any")(_reduction("ReduceMax", through=int64))
translates("T.logsumexp", "fg.logsumexp")(_reduction("ReduceLogSumExp"))


def _extreme(onnx_op: str, arg_op: str, elementwise: str):
    def translate(c):
        x, dim = c.arg("input"), c.arg("dim")
        if _is_tensor(dim):  # max(a, b): the elementwise maximum
            return _arith(elementwise)(c)
        if dim is None:
            c.set_dims(0, [])
            return reduce(c, onnx_op, c.value(x), None, False)
        keepdim = bool(c.arg("keepdim", False))
        axis = dim % max(c.rank(x), 1)
        dims = _reduced_dims(c, x, [axis], keepdim)
        c.set_dims(0, dims)
        c.set_dims(1, dims)
        values = reduce(c, onnx_op, c.value(x), [axis], keepdim)
        indices = c.op(arg_op, c.value(x), axis=axis, keepdims=int(keepdim))
        return values, indices

    return translate


translates("T.max", "fg.max")(_extreme("ReduceMax", "ArgMax", "Max"))
translates("T.min", "fg.min")(_extreme("ReduceMin", "ArgMin", "Min"))


def _arg_extreme(arg_op: str):
    def translate(c):
        x, dim = c.arg("input"), c.arg("dim")
        keepdim = bool(c.arg("keepdim", False))
        value = c.value(x)
        if dim is None:  # over the flattened tensor
            rank = c.rank(c.leaves[0])
            c.set_dims(0, [None] * rank)
            flat = c.op("Reshape", value, c.int64s([-1]))
            out = c.op(arg_op, flat, axis=0, keepdims=0)
            return c.op("Reshape", out, c.int64s([1] * rank)) if rank else out
        axis = dim % max(c.rank(x), 1)
        c.set_dims(0, _reduced_dims(c, x, [axis], keepdim))
        return c.op(arg_op, value, axis=axis, keepdims=int(keepdim))

    return translate


translates("T.argmax", "fg.argmax")(_arg_extreme("ArgMax"))
translates("T.argmin", "fg.argmin")(_arg_extreme("ArgMin"))


def reduced_count(c, x, axes, dtype) -> str:
    """How many elements each reduction over ``axes`` (None: all) sees, as a ``dtype``
    constant, or computed from the shape when a reduced dimension is dynamic."""
    sizes = c.sizes(x)
    picked = sizes if axes is None else [sizes[a] for a in axes]
    if not any(isinstance(s, SymInt) for s in picked):
        return c.literal(math.prod(int(s) for s in picked), dtype)
    count = reduce(c, "ReduceProd", c.vector(picked), None, False)
    return c.cast(count, numpy_dtype(int64), dtype)


@translates("T.var", "fg.var", "T.std", "fg.std")
def _variance(c):
    x = c.arg("input")
    dim = c.arg("dim")
    if isinstance(dim, bool):  # the old var(unbiased) form
        c.unsupported("var/std with a positional unbiased flag")
    axes = _axes(c, x, dim)
    keepdim = bool(c.arg("keepdim", False))
    correction = c.arg("correction")
    if correction is None:
        unbiased = c.arg("unbiased")
        correction = 1 if unbiased is None or unbiased else 0
    dtype = _out_dtype(c)
    dt = numpy_dtype(dtype)
    value = c.as_dtype(x, dtype)
    mean = reduce(c, "ReduceMean", value, axes, True)
    centered = c.op("Sub", value, mean)
    total = reduce(c, "ReduceSum", c.op("Mul", centered, centered), axes, keepdim)
    count = reduced_count(c, x, axes, dt)
    if correction:
        count = c.op("Sub", count, c.literal(correction, dt))
        count = c.op("Max", count, c.literal(0, dt))  # PyTorch: inf/nan past the count
    out = c.op("Div", total, count)
    c.set_dims(0, _reduced_dims(c, x, axes, keepdim))
    return c.op("Sqrt", out) if c.name.endswith("std") else out


def norm_of(c, x: str, p, axes, keepdim: bool, dt) -> str:
    if p in ("fro", 2, 2.0, None):
        return reduce(c, "ReduceL2", x, axes, keepdim)
    if p in (1, 1.0):
        return reduce(c, "ReduceL1", x, axes, keepdim)
    if p == math.inf:
        return reduce(c, "ReduceMax", c.op("Abs", x), axes, keepdim)
    if p == -math.inf:
        return reduce(c, "ReduceMin", c.op("Abs", x), axes, keepdim)
    if p == 0:
        nonzero = c.cast(c.op("Not", c.op("Equal", x, c.literal(0, dt))), bool_, dt)
        return reduce(c, "ReduceSum", nonzero, axes, keepdim)
    if isinstance(p, str):
        c.unsupported(f"the '{p}' norm")
    powered = c.op("Pow", c.op("Abs", x), c.literal(p, dt))
    return c.op("Pow", reduce(c, "ReduceSum", powered, axes, keepdim), c.literal(1.0 / p, dt))


@translates("T.norm", "fg.norm", "ferrograd.linalg.vector_norm")
def _norm(c):
    x = c.arg("input")
    p = c.arg("ord", 2) if c.name.endswith("vector_norm") else c.arg("p", "fro")
    axes = _axes(c, x, c.arg("dim"))
    keepdim = bool(c.arg("keepdim", False))
    dtype = _out_dtype(c)
    c.set_dims(0, _reduced_dims(c, x, axes, keepdim))
    return norm_of(c, c.as_dtype(x, dtype), p, axes, keepdim, numpy_dtype(dtype))


@translates("T.requires_grad_")
def _identity(c):
    x = c.arg("input")
    c.same_dims(x)
    return c.op("Identity", c.value(x))
