"""``ferrograd.func.vmap``: every batching rule against the per-sample loop it replaces, the
rule table's coverage, in_dims/out_dims trees, nesting, chunks, randomness, errors, and
per-sample gradients of an MLP and a convnet against PyTorch's (recorded numbers)."""

from __future__ import annotations

import operator

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
import ferrograd.nn.functional as F
from ferrograd.func import functional_call, grad, jacfwd, jacrev, vmap
from ferrograd.func._batched import BatchedTensor
from ferrograd.func._batching_rules import FUNCTIONS, METHODS

B = 3  # the batch size of the rule cases


def data(shape, k: float = 0.0, dtype=fg.float64):
    """Deterministic values (no RNG), the same as the reference scripts used for PyTorch."""
    n = int(np.prod(shape))
    return fg.tensor(np.sin(np.arange(n) * 0.7 + k).reshape(shape), dtype=dtype)


def positive(shape, k: float = 0.0):
    return data(shape, k).abs() + 0.5


def ints(shape, high: int, k: int = 0):
    n = int(np.prod(shape))
    return fg.tensor(((np.arange(n) * 7 + k) % high).reshape(shape), dtype=fg.int64)


def bools(shape, k: int = 0):
    return ints(shape, 2, k).bool()


def loop(fn, inputs, in_dims):
    """The reference: ``fn`` per sample, the results stacked."""
    size = next(x.shape[d] for x, d in zip(inputs, in_dims, strict=True) if d is not None)
    results = []
    for i in range(size):
        args = [x if d is None else x.select(d, i) for x, d in zip(inputs, in_dims, strict=True)]
        results.append(fn(*args))
    return stack_results(results)


def stack_results(results):
    first = results[0]
    if isinstance(first, (tuple, list)):
        items = [stack_results([r[k] for r in results]) for k in range(len(first))]
        return type(first)(*items) if hasattr(first, "_fields") else type(first)(items)
    if isinstance(first, fg.Tensor):
        return fg.stack(results)
    return results


def assert_same(actual, expected):
    if isinstance(expected, (tuple, list)):
        assert isinstance(actual, (tuple, list)) and len(actual) == len(expected)
        for a, e in zip(actual, expected, strict=True):
            assert_same(a, e)
        return
    assert type(actual) is fg.Tensor, type(actual)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    np.testing.assert_allclose(
        actual.detach().numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12
    )


class Case:
    def __init__(self, covers: str, fn, *inputs, in_dims=None):
        self.covers = covers.split()
        self.fn = fn
        self.inputs = inputs
        self.in_dims = in_dims if in_dims is not None else (0,) * len(inputs)

    def __repr__(self):
        return "-".join(self.covers)


X = data((B, 2, 3))
Y = data((B, 2, 3), 1.0)
P = positive((B, 2, 3))
V = data((B, 4))
M = data((B, 3, 4), 2.0)
S = data((B,), 3.0)

UNARY = """abs absolute neg negative exp log log1p expm1 sqrt rsqrt sin cos tan tanh sigmoid relu
erf reciprocal square sign floor ceil round trunc frac isnan isinf isfinite isposinf isneginf
nan_to_num clone detach contiguous float double long int bool cpu exp2 log2 log10 asin acos atan
sinh cosh asinh atanh erfc lgamma digamma sgn deg2rad rad2deg acosh angle positive signbit sinc
erfinv logit i0""".split()
INPLACE = """abs_ neg_ exp_ log_ sqrt_ sin_ cos_ tanh_ sigmoid_ relu_ floor_ ceil_ round_ trunc_
sign_ frac_ reciprocal_ log1p_ expm1_ rsqrt_ nan_to_num_ erf_ square_ zero_ detach_""".split()
BINARY = """add sub subtract mul multiply div divide true_divide floor_divide remainder pow atan2
maximum minimum fmax fmin eq ne lt le gt ge greater greater_equal less less_equal not_equal
logaddexp logaddexp2 rsub hypot copysign xlogy fmod float_power arctan2 heaviside""".split()
# the inputs a unary op is defined on
DOMAINS = {"acosh": P + 0.6, "logit": P / 3}
LOGICAL = "logical_and logical_or logical_xor bitwise_and bitwise_or bitwise_xor".split()
OPERATORS = {
    "__add__": operator.add, "__sub__": operator.sub, "__mul__": operator.mul,
    "__truediv__": operator.truediv, "__floordiv__": operator.floordiv, "__mod__": operator.mod,
    "__pow__": operator.pow, "__eq__": operator.eq, "__ne__": operator.ne, "__lt__": operator.lt,
    "__le__": operator.le, "__gt__": operator.gt, "__ge__": operator.ge,
    "__matmul__": lambda a, b: a @ b.mT,
}  # fmt: skip
REFLECTED = {
    "__radd__": operator.add, "__rsub__": operator.sub, "__rmul__": operator.mul,
    "__rtruediv__": operator.truediv, "__rfloordiv__": operator.floordiv,
    "__rmod__": operator.mod, "__rpow__": operator.pow,
}  # fmt: skip
INPLACE_OPERATORS = {
    "__iadd__": operator.iadd, "__isub__": operator.isub, "__imul__": operator.imul,
    "__itruediv__": operator.itruediv, "__ifloordiv__": operator.ifloordiv,
    "__imod__": operator.imod, "__ipow__": operator.ipow,
}  # fmt: skip
BITWISE_OPERATORS = {
    "__and__": operator.and_, "__or__": operator.or_, "__xor__": operator.xor,
    "__iand__": operator.iand, "__ior__": operator.ior, "__ixor__": operator.ixor,
}  # fmt: skip
REFLECTED_BITWISE = {"__rand__": operator.and_, "__ror__": operator.or_, "__rxor__": operator.xor}


def _present(name: str) -> bool:
    return hasattr(fg.Tensor, name)


def _inplace(name):
    return lambda x: getattr(x.clone(), name)()


def _binary_inplace(name):
    return lambda x, y: getattr(x.clone(), name)(y)


CASES = [
    *[Case(n, lambda x, n=n: getattr(x, n)(), DOMAINS.get(n, P if n in ("log", "sqrt", "rsqrt",
      "log1p", "log2", "log10", "lgamma", "digamma") else X * 0.9)) for n in UNARY if _present(n)],
    *[Case(n, _inplace(n), P if n in ("log_", "sqrt_", "rsqrt_", "log1p_") else X) for n in INPLACE
      if _present(n)],
    *[Case(n, lambda x, y, n=n: getattr(x, n)(y), P, Y) for n in BINARY if _present(n)],
    *[Case(n, lambda x, y, n=n: getattr(x, n)(y), P, Y[0], in_dims=(0, None))
      for n in ("add", "pow")],
    *[Case(n, lambda x, y, n=n: getattr(x, n)(y), bools((B, 4)), bools((4,), 1), in_dims=(0, None))
      for n in LOGICAL if _present(n)],
    Case("logical_not bitwise_not __invert__", lambda x: (x.logical_not(), x.bitwise_not(), ~x),
         bools((B, 4))),
    *[Case(n, lambda x, y, f=f: f(x, y), P, Y) for n, f in OPERATORS.items()],
    *[Case(n, lambda x, f=f: f(1.5, x), P) for n, f in REFLECTED.items()],
    Case("__rmatmul__", lambda x, w: w @ x, V, data((2, 4)), in_dims=(0, None)),
    *[Case(n, lambda x, y, f=f: f(x.clone(), y), P, Y) for n, f in INPLACE_OPERATORS.items()],
    *[Case(n, lambda x, y, f=f: f(x.clone(), y), bools((B, 4)), bools((B, 4), 3))
      for n, f in BITWISE_OPERATORS.items()],
    *[Case(n, lambda x, f=f: f(True, x), bools((B, 4))) for n, f in REFLECTED_BITWISE.items()
      if _present(n)],
    Case("__neg__ __pos__ __abs__", lambda x: (-x, +x, abs(x)), X),
    *[Case(n, _binary_inplace(n), P, Y) for n in ("add_ sub_ mul_ div_ pow_ copy_ atan2_ "
      "remainder_ floor_divide_ maximum_ minimum_").split() if _present(n)],
    *[Case(n, lambda x, n=n: getattr(x.clone(), n)(0.2), X) for n in ("clamp_min_", "clamp_max_")
      if _present(n)],
    Case("add_", lambda x, y: x.clone().add_(y, alpha=2.0), X, Y[0], in_dims=(0, None)),
    Case("lerp lerp_", lambda x, y, w: (x.lerp(y, w), x.clone().lerp_(y, 0.25)), X, Y, S),
    Case("addcmul addcdiv addcmul_ addcdiv_", lambda x, y, z: (x.addcmul(y, z, value=0.5),
         x.addcdiv(y, z), x.clone().addcmul_(y, z), x.clone().addcdiv_(y, z)), X, Y, P),
    Case("where", lambda x, y: x.where(x > 0, y), X, Y[0], in_dims=(0, None)),
    Case("clamp clip clamp_min clamp_max clamp_", lambda x, lo: (x.clamp(-0.5, 0.5),
         x.clip(min=lo), x.clamp_min(0.1), x.clamp_max(lo), x.clone().clamp_(-0.2, 0.3)), X, S),
    Case("isclose", lambda x, y: x.isclose(y, atol=0.3), X, Y),
    Case("to type_as type", lambda x, y: (x.to(fg.float32), x.type_as(y), x.type(fg.int64)),
         X, ints((B, 2), 5)),
    Case("fill_", lambda x, v: (x.clone().fill_(2.5), x.clone().fill_(v)), X, S),
    Case("requires_grad_", lambda x: x.detach().requires_grad_().detach(), X),
    Case("masked_fill masked_fill_", lambda x, m: (x.masked_fill(m, -1.0),
         x.clone().masked_fill_(m, 2.0), x.masked_fill(m[0], fg.tensor(3.0, dtype=fg.float64))),
         X, bools((B, 2, 3))),
    Case("masked_fill", lambda x, v: x.masked_fill(x > 0, v), X, S),
    # reductions
    *[Case(n, lambda x, n=n: (getattr(x, n)(), getattr(x, n)(1), getattr(x, n)(-1, keepdim=True)),
           P) for n in "sum mean nansum nanmean amax amin".split()],
    Case("sum", lambda x: (x.sum((0, 1)), x.sum(dtype=fg.float32), x.sum(keepdim=True)), X),
    Case("sum mean", lambda s: (s.sum(), s.mean(0), s.sum(-1, keepdim=True)), S),
    Case("prod", lambda x: (x.prod(), x.prod(1), x.prod(0, keepdim=True)), X),
    Case("max min", lambda x, y: (x.max(), x.min(), x.max(1), x.min(0, keepdim=True),
         x.max(y), x.min(y)), X, Y),
    Case("argmax argmin", lambda x: (x.argmax(), x.argmin(1), x.argmax(-1, keepdim=True)), X),
    Case("all any", lambda b: (b.all(), b.any(1), b.all(0, keepdim=True)), bools((B, 2, 3))),
    Case("var std var_mean std_mean", lambda x: (x.var(), x.std(1), x.var(0, unbiased=False),
         x.std(dim=-1, correction=0, keepdim=True), x.var_mean(1), x.std_mean()), X),
    Case("norm", lambda x: (x.norm(), x.norm(1, 1), x.norm(dim=0), x.norm(float("inf"), -1, True)),
         X),
    Case("logsumexp", lambda x: (x.logsumexp(1), x.logsumexp((0, 1), keepdim=True)), X),
    Case("softmax log_softmax", lambda x: (x.softmax(1), x.log_softmax(-1), x.softmax(0)), X),
    Case("softmax", lambda v: v.softmax(dim=None), V),
    Case("sort argsort topk", lambda x: (x.sort(), x.sort(0, descending=True), x.argsort(1),
         x.topk(2), x.topk(1, dim=0, largest=False)), X),
    Case("cumsum cumprod logcumsumexp cummax cummin", lambda x: tuple(
         getattr(x, n)(1) for n in ("cumsum", "cumprod", "logcumsumexp", "cummax", "cummin")
         if _present(n)), X),
    Case("median nanmedian mode kthvalue count_nonzero aminmax", lambda x: tuple(
         getattr(x, n)(*a) for n, a in (("median", ()), ("median", (1,)), ("nanmedian", ()),
         ("mode", ()), ("kthvalue", (2,)), ("count_nonzero", ()), ("aminmax", ()))
         if _present(n)), X),
    # shapes
    Case("view reshape flatten ravel", lambda x: (x.view(3, 2), x.reshape(-1), x.flatten(),
         x.ravel(), x.view(6, 1), x.reshape((1, 6))), X),
    Case("flatten", lambda s, x: (s.flatten(), x.unsqueeze(1).flatten(1), x.flatten(0, 1)), S, X),
    Case("squeeze", lambda x: (x.unsqueeze(1).squeeze(), x.unsqueeze(0).squeeze(0),
         x.unsqueeze(2).squeeze(2), x.squeeze(1)), X),
    Case("unsqueeze", lambda x: (x.unsqueeze(0), x.unsqueeze(-1), x.unsqueeze(1)), X),
    Case("expand expand_as broadcast_to", lambda x, y: (x[:1].expand(4, 2, 3),
         x[:, :1].expand(-1, 5), x[:1].expand_as(y), x.broadcast_to((2, 2, 3))), X, Y),
    Case("view_as reshape_as", lambda x, v: (x.view_as(v[:6].reshape(3, 2)), x.reshape_as(
         v[:6])), X, data((B, 8))),
    Case("permute transpose swapaxes swapdims t T mT", lambda x, m: (x.permute(1, 0),
         x.permute((1, 0)), x.transpose(0, 1), x.swapaxes(0, -1), x.swapdims(1, 0), x.t(), x.T,
         m.mT, m.T), X, data((B, 2, 3, 4))),
    Case("t", lambda v: v.t(), V),
    Case("movedim moveaxis", lambda m: (m.movedim(0, -1), m.moveaxis((0, 1), (1, 0))),
         data((B, 2, 3, 4))),
    Case("repeat tile", lambda x: (x.repeat(2, 1), x.repeat(2, 1, 2), x.tile(2), x.tile(2, 1, 1)),
         X),
    Case("flip fliplr flipud roll", lambda x: (x.flip(0), x.flip(0, 1), x.fliplr(), x.flipud(),
         x.roll(1), x.roll(1, 1), x.roll((1, 2), (0, 1))), X),
    Case("diag diagflat diagonal diag_embed trace", lambda x, v: (x.diag(), x.diag(1), v.diag(),
         v.diagflat(), x.diagonal(), x.diagonal(0, 1, 0), v.diag_embed(), x.trace()), X, V),
    Case("tril triu tril_ triu_", lambda x: (x.tril(), x.triu(1), x.clone().tril_(-1),
         x.clone().triu_()), X),
    Case("narrow select unbind split chunk tensor_split unflatten", lambda x: (x.narrow(1, 1, 2),
         x.select(1, 0), x.unbind(1), x.split(2, 1), x.chunk(2), x.unflatten(1, (3, 1)),
         *([x.tensor_split(2, 1)] if _present("tensor_split") else [])), X),
    Case("unfold", lambda v: v.unfold(0, 2, 1), V),
    Case("repeat_interleave", lambda x: (x.repeat_interleave(2), x.repeat_interleave(2, 1)), X),
    Case("__getitem__", lambda x: (x[0], x[:, 1], x[..., ::2], x[None, 1:], x[-1, -1]), X),
    Case("__getitem__", lambda x, i: (x[:, i], x[i], x[i, 0], x[0, i], x[[1, 0]]), X,
         ints((2,), 2), in_dims=(0, None)),
    Case("__getitem__", lambda m, i: (m[i], m[:, i], m[i, :, i], m[i, 1], m[:, 1, i]),
         data((B, 3, 4, 3)), ints((B, 2), 3)),
    Case("__getitem__", lambda x, i: x[i], X[0], ints((B, 2), 2), in_dims=(None, 0)),
    # ints select before the advanced indices are placed (PyTorch's rule, not NumPy's)
    Case("__getitem__", lambda m, i: (m[i, 1, i], m[1, :, i], m[i, :, 1], m[:, i, 0, None]),
         data((B, 3, 4, 3)), ints((B, 2), 3)),
    Case("__getitem__", lambda m: (m[[0, 1], 0, [1, 2]], m[0, :, [1, 2]], m[[0, 2], :, [1, 0]],
         m[fg.tensor(1), :, [2]], m[..., [0, 1], None, [1, 2]]), data((B, 3, 4, 3))),
    Case("__setitem__", lambda x, v: _set(x, v), X, S),
    Case("gather", lambda x, i: (x.gather(1, i), x.gather(0, i[:1] % 2)), X, ints((B, 2, 2), 3)),
    Case("gather", lambda x, i: x.gather(1, i), X[0], ints((B, 2, 2), 3), in_dims=(None, 0)),
    Case("scatter_add scatter_add_", lambda x, i, s: (x.scatter_add(1, i, s),
         x.clone().scatter_add_(1, i, s)), X, ints((B, 2, 2), 3), Y[:, :, :2]),
    *[Case("scatter scatter_", lambda x, i, s: (x.scatter(1, i, s), x.clone().scatter_(1, i, s)),
      X, ints((2, 2), 3), Y[:, :, :2], in_dims=(0, None, 0)) for _ in [0] if _present("scatter")],
    *[Case("scatter_reduce", lambda x, i, s: (x.scatter_reduce(1, i, s, "sum"),
      x.scatter_reduce(1, i, s, "amax", include_self=False)), X, ints((B, 2, 2), 3), Y[:, :, :2])
      for _ in [0] if _present("scatter_reduce")],
    Case("index_select", lambda x, i: (x.index_select(1, i), x.index_select(0, i[:1])), X,
         ints((2,), 3), in_dims=(0, None)),
    Case("index_select", lambda x, i: x.index_select(1, i), X, ints((B, 4), 3)),
    Case("index_add index_add_", lambda x, i, s: (x.index_add(1, i, s, alpha=2.0),
         x.clone().index_add_(1, i, s)), X, ints((2,), 3), Y[:, :, :2], in_dims=(0, None, 0)),
    Case("index_copy index_fill", lambda x, i, s: tuple(getattr(x, n)(1, i, *a) for n, a in (
         ("index_copy", (s,)), ("index_fill", (1.5,))) if _present(n)), X, fg.tensor([2, 0]),
         Y[:, :, :2], in_dims=(0, None, 0)),
    Case("take_along_dim", lambda x, i: (x.take_along_dim(i, 1), x.take_along_dim(i)), X,
         ints((B, 2, 2), 3)),
    # products
    Case("matmul mm", lambda a, b: (a.matmul(b), a.mm(b)), data((B, 2, 3)), data((B, 3, 4), 1)),
    Case("matmul", lambda a, b: (a @ b, b.mT @ a), data((B, 3)), data((B, 3, 2), 1)),
    Case("matmul", lambda a, b: (a @ b, a[0] @ b), data((B, 2, 2, 3)), data((3, 4), 1),
         in_dims=(0, None)),
    Case("matmul", lambda a, b: (a @ b, b[0] @ a), data((B, 3)), data((2, 3, 3), 1),
         in_dims=(0, None)),
    Case("matmul", lambda a, b: b @ a, data((B, 3, 2)), data((2, 5, 3), 1), in_dims=(0, None)),
    Case("bmm", lambda a, b: a.bmm(b), data((B, 2, 2, 3)), data((2, 3, 4), 1), in_dims=(0, None)),
    Case("mv dot", lambda m, v: (m.mv(v), v.dot(v), m[0].dot(v)), data((B, 2, 3)),
         data((B, 3), 1)),
    Case("outer ger kron cross", lambda a, b: (a.outer(b), a.ger(b), a.kron(b), a.cross(b),
         a.reshape(1, 3).cross(b.reshape(1, 3), dim=1)), data((B, 3)), data((B, 3), 1)),
    Case("addmm addmv addr baddbmm addbmm", lambda c, a, b, v: (c.addmm(a, b, beta=0.5),
         c[0].addmv(a, v), c.addr(v[:2], v[1:], alpha=2.0),
         c.baddbmm(a.unsqueeze(0), b.unsqueeze(0)),
         c.addbmm(a.unsqueeze(0), b.unsqueeze(0))), data((B, 2, 2)), data((B, 2, 3), 1),
         data((B, 3, 2), 2), data((B, 3), 3)),
    # creation from tensors
    Case("new_zeros new_ones new_full new_empty new_tensor", lambda x: tuple(
         getattr(x, n)(*a).shape and getattr(x, n)(*a) * 0 + x.sum() for n, a in (
         ("new_zeros", ((2,),)), ("new_ones", ((2,),)), ("new_full", ((2,), 1.0)))
         if _present(n)), X),
]  # fmt: skip


def _set(x, v):
    y = x.clone()
    y[0] = v
    y[1, 1:] = 5.0
    y[:, 0] = x[:, 1]
    return y


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_rule_matches_the_per_sample_loop(case):
    expected = loop(case.fn, case.inputs, case.in_dims)
    actual = vmap(case.fn, in_dims=case.in_dims)(*case.inputs)
    assert_same(actual, expected)


# Entries exercised elsewhere in this file, or that only raise (their own tests below).
_EXEMPT = {
    "item tolist numpy nonzero argwhere masked_select unique unique_consecutive bincount histc "
    "equal allclose __bool__ __float__ __int__ __index__ __contains__ uniform_ normal_ "
    "bernoulli_ exponential_ geometric_ random_ cauchy_ log_normal_ cuda half bfloat16 byte "
    "short char"
}


def test_every_rule_of_the_table_is_exercised():
    """A rule for a method that exists must appear in a case above (or in the exempt list,
    with a test of its own)."""
    exempt = set(" ".join(_EXEMPT).split())
    covered = {name for case in CASES for name in case.covers}
    rules = {n for n in METHODS if hasattr(fg.Tensor, n) or n in ("T", "mT")}
    assert rules - covered - exempt == set()


# ----------------------------------------------------------------------------- functions


def _fn(name: str) -> bool:
    return hasattr(F, name)


# The pooling functions of each dimension (those this build has take part).
POOLS = {
    d: [f"{kind}{d}d{suffix}" for kind in ("max_pool", "avg_pool", "adaptive_avg_pool",
        "adaptive_max_pool", "lp_pool") for suffix in ("", "_with_indices")]
    for d in (1, 2, 3)
}  # fmt: skip

FUNCTION_CASES = [
    Case("ferrograd.exp ferrograd.add ferrograd.matmul ferrograd.sum", lambda x, y: (
         fg.exp(x), fg.add(y, x, alpha=2.0), fg.matmul(y, x.mT), fg.sum(x, 1)), X, Y[0],
         in_dims=(0, None)),
    Case("ferrograd.cat ferrograd.concat ferrograd.stack ferrograd.hstack ferrograd.vstack",
         lambda x, y: (fg.cat([x, y], 1), fg.concat([y, x]), fg.stack([x, y], -1),
         fg.hstack([x, y]), fg.vstack([x, y])), X, Y[0], in_dims=(0, None)),
    Case("ferrograd.where", lambda x, y: (fg.where(x > 0, x, y), fg.where(y > 0, 1.0, x)), X,
         Y[0], in_dims=(0, None)),
    Case("ferrograd.zeros_like ferrograd.ones_like ferrograd.full_like ferrograd.empty_like",
         lambda x: (fg.zeros_like(x), fg.ones_like(x), fg.full_like(x, 2.0),
         fg.empty_like(x).shape and fg.zeros_like(x)), X),
    Case("ferrograd.numel ferrograd.is_tensor ferrograd.is_floating_point", lambda x: x * (
         fg.numel(x) + fg.is_tensor(x) + fg.is_floating_point(x)), X),
    Case("ferrograd.einsum ferrograd.tensordot ferrograd.cdist ferrograd.cosine_similarity "
         "ferrograd.nn.functional.cosine_similarity",
         lambda a, b: (fg.einsum("ij,kj->ik", a, b), fg.tensordot(a, b, ([1], [1])),
         fg.cdist(a, b), fg.cosine_similarity(a, b[:2], dim=1), F.cosine_similarity(a, a.flip(0))),
         data((B, 2, 3)), data((B, 4, 3), 1)),
    Case("ferrograd.nn.functional.linear", lambda x, w, b: (F.linear(x, w, b), F.linear(x, w)),
         data((B, 2, 3)), data((4, 3), 1), data((4,), 2), in_dims=(0, None, None)),
    Case("ferrograd.nn.functional.linear", lambda x, w, b: F.linear(x, w, b), data((3,)),
         data((B, 4, 3), 1), data((B, 4,), 2), in_dims=(None, 0, 0)),
    Case("ferrograd.nn.functional.bilinear", lambda a, b, w: F.bilinear(a, b, w), data((B, 2, 3)),
         data((B, 2, 4), 1), data((5, 3, 4), 2), in_dims=(0, 0, None)),
    Case("ferrograd.nn.functional.conv2d", lambda x, w, b: (F.conv2d(x, w, b, padding=1),
         F.conv2d(x, w, stride=2), F.conv2d(x[0], w, b)), data((B, 2, 2, 5, 5)),
         data((3, 2, 3, 3), 1), data((3,), 2), in_dims=(0, None, None)),
    Case("ferrograd.nn.functional.conv2d", lambda x, w, b: (F.conv2d(x, w, b),
         F.conv2d(x[0], w, b, padding=1, groups=1)), data((2, 2, 5, 5)), data((B, 3, 2, 3, 3), 1),
         data((B, 3), 2), in_dims=(None, 0, 0)),
    Case("ferrograd.nn.functional.conv2d", lambda x, w: F.conv2d(x, w, groups=2, dilation=2),
         data((B, 1, 4, 7, 7)), data((B, 2, 2, 3, 3), 1)),
    Case("ferrograd.nn.functional.conv1d", lambda x, w: (F.conv1d(x, w, padding=1),
         F.conv1d(x[0], w, stride=2)), data((B, 2, 2, 6)), data((3, 2, 3), 1), in_dims=(0, None)),
    Case("ferrograd.nn.functional.conv1d", lambda x, w, b: F.conv1d(x, w, b), data((2, 2, 6)),
         data((B, 3, 2, 3), 1), data((B, 3), 2), in_dims=(None, 0, 0)),
    *[Case("ferrograd.nn.functional.conv3d", lambda x, w: (F.conv3d(x, w), F.conv3d(x[0], w)),
      data((B, 2, 2, 4, 4, 4)), data((B, 3, 2, 2, 2, 2), 1)) for _ in [0] if _fn("conv3d")],
    Case("ferrograd.nn.functional.max_pool2d ferrograd.nn.functional.avg_pool2d "
         "ferrograd.nn.functional.adaptive_avg_pool2d", lambda x: (F.max_pool2d(x, 2),
         F.max_pool2d(x[0], 3, 1, 1, return_indices=True), F.avg_pool2d(x, 2, 1),
         F.adaptive_avg_pool2d(x, 2), F.adaptive_avg_pool2d(x[1], (3, 2))),
         data((B, 2, 2, 6, 6))),
    *[Case(" ".join(f"ferrograd.nn.functional.{n}" for n in POOLS[d] if _fn(n)),
      lambda x, d=d: tuple(_pool(n, x) for n in POOLS[d] if _fn(n)) + tuple(
      _pool(n, x[0]) for n in POOLS[d] if _fn(n)), data((B, 2, 2, *[6] * d)))
      for d in (1, 2, 3)],
    Case("ferrograd.nn.functional.unfold ferrograd.nn.functional.fold", lambda x: (
         F.unfold(x, 2), F.fold(F.unfold(x, 2), (4, 4), 2)), data((B, 2, 2, 4, 4))),
    Case("ferrograd.nn.functional.relu ferrograd.nn.functional.relu_ "
         "ferrograd.nn.functional.logsigmoid ferrograd.nn.functional.hardtanh "
         "ferrograd.nn.functional.softplus ferrograd.nn.functional.gelu "
         "ferrograd.nn.functional.silu ferrograd.nn.functional.elu "
         "ferrograd.nn.functional.leaky_relu ferrograd.nn.functional.tanh "
         "ferrograd.nn.functional.sigmoid ferrograd.nn.functional.softmax "
         "ferrograd.nn.functional.log_softmax ferrograd.nn.functional.normalize",
         lambda x: (F.relu(x), F.relu_(x.clone()), F.logsigmoid(x), F.hardtanh(x, -0.5, 0.5),
         F.softplus(x, beta=2.0), F.gelu(x), F.gelu(x, approximate="tanh"), F.silu(x),
         F.elu(x), F.leaky_relu(x, 0.2), F.tanh(x), F.sigmoid(x), F.softmax(x, 1),
         F.log_softmax(x, 0), F.normalize(x, dim=1)), X),
    *[Case(f"ferrograd.nn.functional.{n}", lambda x, n=n, a=a: getattr(F, n)(x.clone(), *a), X)
      for n, a in (("threshold", (0.1, 2.0)), ("threshold_", (0.1, 2.0)), ("relu6", ()),
      ("hardtanh_", ()), ("hardswish", ()), ("hardsigmoid", ()), ("elu_", ()), ("selu", ()),
      ("selu_", ()), ("celu", (0.5,)), ("celu_", ()), ("leaky_relu_", ()), ("hardshrink", ()),
      ("softshrink", ()), ("tanhshrink", ()), ("softsign", ()), ("mish", ())) if _fn(n)],
    Case("ferrograd.nn.functional.mse_loss ferrograd.nn.functional.l1_loss "
         "ferrograd.nn.functional.smooth_l1_loss ferrograd.nn.functional.huber_loss",
         lambda x, t: (F.mse_loss(x, t), F.l1_loss(x, t, reduction="sum"),
         F.smooth_l1_loss(x, t, reduction="none"), F.huber_loss(x, t, delta=0.5),
         F.mse_loss(x, t, weight=t.abs())), X, Y),
    Case("ferrograd.nn.functional.binary_cross_entropy "
         "ferrograd.nn.functional.binary_cross_entropy_with_logits",
         lambda x, t, w: (F.binary_cross_entropy(x.sigmoid(), t), F.binary_cross_entropy(
         x.sigmoid(), t, weight=w, reduction="sum"), F.binary_cross_entropy_with_logits(x, t),
         F.binary_cross_entropy_with_logits(x, t, pos_weight=w, reduction="none")), X,
         positive((B, 2, 3)) / 2, positive((3,), 1), in_dims=(0, 0, None)),
    Case("ferrograd.nn.functional.cross_entropy ferrograd.nn.functional.nll_loss",
         lambda x, t, w: (F.cross_entropy(x, t), F.cross_entropy(x[0], t[0]),
         F.cross_entropy(x, t, weight=w), F.cross_entropy(x, t, reduction="none"),
         F.cross_entropy(x, t, ignore_index=1, reduction="sum"),
         F.cross_entropy(x, t, label_smoothing=0.1, weight=w),
         F.cross_entropy(x, x.softmax(1)), F.nll_loss(x.log_softmax(1), t),
         F.nll_loss(x.log_softmax(1), t, weight=w, ignore_index=0)),
         data((B, 4, 3)), ints((B, 4), 3), positive((3,), 1), in_dims=(0, 0, None)),
    Case("ferrograd.nn.functional.cross_entropy", lambda x, t: F.cross_entropy(x, t),
         data((B, 2, 3, 4)), ints((B, 2, 4), 3)),
    Case("ferrograd.nn.functional.embedding", lambda i, w: (F.embedding(i, w),
         F.embedding(i, w, padding_idx=1)), ints((B, 2, 3), 4), data((4, 5)), in_dims=(0, None)),
    Case("ferrograd.nn.functional.embedding", lambda i, w: F.embedding(i, w), ints((2, 3), 4),
         data((B, 4, 5)), in_dims=(None, 0)),
    Case("ferrograd.nn.functional.one_hot ferrograd.nn.functional.pad", lambda i, x: (
         F.one_hot(i, 5), F.pad(x, (1, 2)), F.pad(x, (1, 0, 0, 1), value=2.0)), ints((B, 3), 5),
         X),
    Case("ferrograd.nn.functional.layer_norm", lambda x, w, b: (F.layer_norm(x, (3,)),
         F.layer_norm(x, (2, 3), eps=1e-3), F.layer_norm(x, (3,), w, b)), X, data((B, 3), 1),
         data((3,), 2), in_dims=(0, 0, None)),
    Case("ferrograd.nn.functional.batch_norm", lambda x, m, v, w: (F.batch_norm(x, m, v, w),
         F.batch_norm(x, None, None, training=True)), data((B, 4, 2, 3)), data((2,), 1),
         positive((2,), 2), data((2,), 3), in_dims=(0, None, None, None)),
]  # fmt: skip


def _pool(name, x):
    if "adaptive" in name:
        return getattr(F, name)(x, 3)
    return getattr(F, name)(x, 2, 2) if "lp_pool" not in name else getattr(F, name)(x, 2.0, 2)


@pytest.mark.parametrize("case", FUNCTION_CASES, ids=repr)
def test_function_rule_matches_the_per_sample_loop(case):
    expected = loop(case.fn, case.inputs, case.in_dims)
    actual = vmap(case.fn, in_dims=case.in_dims)(*case.inputs)
    assert_same(actual, expected)


def test_every_function_rule_of_nn_functional_is_exercised():
    covered = {name for case in FUNCTION_CASES for name in case.covers}
    prefix = "ferrograd.nn.functional."
    rules = {n for n in FUNCTIONS if n.startswith(prefix) and _fn(n[len(prefix) :])}
    assert rules - covered == set()


def test_a_tensor_subclass_argument_still_batches():
    w = nn.Parameter(data((4, 3)))
    out = vmap(lambda x: F.linear(x, w).sum())(X[:, 0])
    assert_same(out, (X[:, 0] @ w.T).sum(1))


# ----------------------------------------------------------------------------- in_dims, out_dims


def test_in_dims_and_out_dims():
    x = data((3, B, 2))
    assert_same(vmap(lambda a: a * 2, in_dims=1)(x), (x * 2).movedim(1, 0))
    assert_same(vmap(lambda a: a.sum(0), in_dims=-2, out_dims=-1)(x), x.sum(0).T)
    out = vmap(lambda a: (a, a.sum()), out_dims=(1, 0))(X)
    assert_same(out[0], X.movedim(0, 1))
    assert_same(out[1], X.sum((1, 2)))


def test_in_dims_trees_match_dicts_lists_and_none():
    params = {"w": data((3,)), "b": data((), 1)}
    xs = [data((B, 3), 2), data((3, B), 3)]

    def f(p, pair, scale):
        return (pair[0] * p["w"]).sum() + pair[1].sum() * p["b"] * scale

    out = vmap(f, in_dims=(None, [0, 1], None))(params, xs, 2.0)
    expected = (xs[0] * params["w"]).sum(1) + xs[1].sum(0) * params["b"] * 2.0
    assert_same(out, expected)
    out = vmap(lambda d: d["a"] + d["b"], in_dims=({"a": 0, "b": None},))(
        {"b": data((3,)), "a": data((B, 3), 1)}
    )
    assert_same(out, data((B, 3), 1) + data((3,)))


def test_outputs_in_a_dict_and_unbatched_outputs_are_broadcast():
    out = vmap(lambda x: {"double": x * 2, "constant": fg.ones(2, dtype=fg.float64)})(S)
    assert_same(out["double"], S * 2)
    assert_same(out["constant"], fg.ones(B, 2, dtype=fg.float64))


def test_out_dims_none_for_a_non_tensor_output():
    out, label = vmap(lambda x: (x * 2, "label"), out_dims=(0, None))(S)
    assert label == "label"
    assert_same(out, S * 2)


def test_keyword_arguments_are_not_batched():
    assert_same(vmap(lambda x, *, scale: x * scale)(S, scale=S[0]), S * S[0])


def test_chunk_size_gives_the_same_result():
    f = vmap(lambda x, w: (x @ w).tanh().sum(), in_dims=(0, None), chunk_size=2)
    w = data((3, 4), 5)
    assert_same(f(data((5, 2, 3)), w), (data((5, 2, 3)) @ w).tanh().sum((1, 2)))


def test_nested_vmap():
    x = data((2, 3, 4))
    assert_same(vmap(vmap(lambda a: a.exp().sum()))(x), x.exp().sum(-1))
    assert_same(vmap(vmap(lambda a: a * 2), in_dims=1)(x), (x * 2).movedim(1, 0))
    y = data((3, 4), 1)
    out = vmap(lambda a: vmap(lambda b: (a * b).sum())(y))(x)
    expected = x.sum(1) @ y.T
    assert_same(out, expected)
    # the outer tensor enters the inner function through a closure
    out = vmap(lambda a: vmap(lambda b: a @ b, in_dims=1)(a))(data((2, 3, 3)))
    m = data((2, 3, 3))
    assert_same(out, fg.stack([(m[i] @ m[i]).T for i in range(2)]))


def test_the_function_sees_the_logical_tensor():
    seen = {}

    def probe(x):
        seen.update(
            shape=tuple(x.shape), size1=x.size(1), dim=x.dim(), ndim=x.ndim, numel=x.numel(),
            len=len(x), dtype=x.dtype, is_tensor=isinstance(x, fg.Tensor), nbytes=x.nbytes,
            itemsize=x.itemsize, sparse=x.is_sparse, floating=x.is_floating_point(),
            rows=[tuple(r.shape) for r in x],
        )  # fmt: skip
        return x

    vmap(probe)(data((B, 2, 3)))
    assert seen == dict(
        shape=(2, 3), size1=3, dim=2, ndim=2, numel=6, len=2, dtype=fg.float64, is_tensor=True,
        nbytes=48, itemsize=8, sparse=False, floating=True, rows=[(3,), (3,)],
    )  # fmt: skip
    with pytest.raises(IndexError, match="Dimension out of range"):
        vmap(lambda x: x.size(2))(data((B, 2)))


def test_torch_vmap_is_the_same_function():
    assert fg.vmap is vmap


# ----------------------------------------------------------------------------- errors


def test_bad_in_dims_raise_valueerror_as_pytorch():
    f = lambda x: x  # noqa: E731
    with pytest.raises(ValueError, match="in_dims is not compatible with the structure"):
        vmap(f, in_dims=(0,))(S, S)
    with pytest.raises(ValueError, match="expected `in_dims` to be int or a"):
        vmap(f, in_dims="a")(S)
    with pytest.raises(ValueError, match="Expected at least one Tensor to vmap over"):
        vmap(f, in_dims=(None,))(S)
    with pytest.raises(ValueError, match="expected in_dim to satisfy -1 <= in_dim < 1"):
        vmap(f, in_dims=1)(S)
    with pytest.raises(ValueError, match="same size in the mapped dimension, got sizes"):
        vmap(lambda a, b: a + b)(S, data((4,)))
    with pytest.raises(ValueError, match="We cannot vmap over non-Tensor arguments"):
        vmap(f)(3.0)
    with pytest.raises(ValueError, match="got no inputs"):
        vmap(lambda: 1)()
    with pytest.raises(ValueError, match="in_dim must be either an integer dimension or None"):
        vmap(f, in_dims=(1.0,))(S)
    with pytest.raises(RuntimeError, match="Only allowed values for randomness"):
        vmap(f, randomness="x")
    with pytest.raises(ValueError, match="chunk_size should be None or greater than 0"):
        vmap(f, chunk_size=0)


def test_bad_outputs_raise_valueerror_as_pytorch():
    with pytest.raises(ValueError, match="must only return Tensors, got type <class 'float'>"):
        vmap(lambda x: 3.0)(S)
    with pytest.raises(ValueError, match="can not return a BatchedTensor when out_dim is None"):
        vmap(lambda x: x, out_dims=None)(S)
    with pytest.raises(ValueError, match="out_dims is not compatible with the structure"):
        vmap(lambda x: x, out_dims=(0, 0))(S)


def test_an_operation_without_a_rule_raises_naming_it():
    with pytest.raises(RuntimeError, match=r"no batching rule for ferrograd\.block_diag"):
        vmap(lambda x: fg.block_diag(x, x))(X)
    methods = {n for n in dir(fg.Tensor) if not n.startswith("_")}
    without = sorted(methods - set(dir(BatchedTensor)))
    assert without, "expected some Tensor methods without a batching rule"
    seen = []

    def probe(x):
        for name in without:
            with pytest.raises(RuntimeError, match=rf"no batching rule for Tensor\.{name}\b"):
                getattr(x, name)
            seen.append(name)
        return x

    vmap(probe)(S)
    assert seen == without


@pytest.mark.parametrize(
    "fn, what",
    [
        (lambda x: x.item(), r"\.item\(\)"),
        (lambda x: x.tolist(), r"\.tolist\(\)"),
        (lambda x: float(x), "float()"),
        (lambda x: bool(x > 0), "bool()"),
        (lambda x: x.nonzero(), "nonzero"),
        (lambda x: x.masked_select(x > 0), "masked_select"),
        (lambda x: x[x > 0], "boolean mask"),
        (lambda x: fg.tensor(x), "ferrograd.tensor"),
        (lambda x: F.one_hot(x.long()), "one_hot without num_classes"),
    ],
)
def test_data_dependent_operations_raise(fn, what):
    with pytest.raises(RuntimeError, match=what):
        vmap(fn)(S)


def test_an_escaped_batched_tensor_raises():
    leaked = []
    vmap(lambda x: leaked.append(x) or x)(S)
    with pytest.raises(RuntimeError, match="used after the vmap that made it returned"):
        leaked[0] + 1


def test_inplace_into_an_unbatched_tensor_raises():
    def f(x):
        y = fg.zeros(3, dtype=fg.float64)
        y[0] = x[0]
        return y

    with pytest.raises((RuntimeError, TypeError)):
        vmap(f)(data((B, 3)))
    with pytest.raises(RuntimeError, match="in-place"):
        vmap(lambda x, y: y.add_(x), in_dims=(0, None))(S, data(()))


def test_batch_norm_with_running_stats_in_training_raises():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(RuntimeError, match="replace_all_batch_norm_modules_"):
        vmap(bn)(data((B, 4, 3)))
    fg.func.replace_all_batch_norm_modules_(bn)
    out = vmap(bn)(data((B, 4, 3)))
    assert_same(out, loop(bn, (data((B, 4, 3)),), (0,)))


# ----------------------------------------------------------------------------- randomness


def test_random_operations_follow_randomness():
    x = fg.zeros(4, 3, dtype=fg.float64)

    def draws(a):
        return (fg.randn(3, dtype=fg.float64) + a, fg.rand_like(a), fg.randint(0, 1000, (3,)),
                fg.randint(1000, size=(3,)), F.dropout(a + 1.0, 0.5), fg.randn_like(a))  # fmt: skip

    for f in [lambda a: fg.randn(3) + a, fg.rand_like, lambda a: F.dropout(a, 0.3)]:
        with pytest.raises(RuntimeError, match="randomness error mode"):
            vmap(f)(x)
    fg.manual_seed(0)
    for out in vmap(draws, randomness="same")(x):
        assert out.shape[0] == 4
        assert (out == out[0]).all()
    fg.manual_seed(0)
    for out in vmap(draws, randomness="different")(x):
        assert out.shape[0] == 4
        assert not (out == out[0]).all()
    assert_same(vmap(lambda a: F.dropout(a, 0.5, training=False))(x), x)


def test_random_values_are_distributed_per_sample():
    fg.manual_seed(3)
    out = vmap(lambda a: fg.randn(2000, dtype=fg.float64) + a, randomness="different")(
        fg.zeros(3, 1, dtype=fg.float64)
    )
    for row in out:
        assert abs(float(row.mean())) < 0.1 and abs(float(row.std()) - 1) < 0.1
    perms = vmap(lambda a: fg.randperm(5) + a, randomness="different")(fg.zeros(6, 1).long())
    for p in perms:
        assert sorted(p.tolist()) == [0, 1, 2, 3, 4]


def test_random_methods_follow_randomness():
    x = fg.zeros(4, 3, dtype=fg.float64)
    present = [n for n in ("uniform_", "normal_", "bernoulli_") if hasattr(fg.Tensor, n)]
    for name in present:
        with pytest.raises(RuntimeError, match="randomness error mode"):
            vmap(lambda a, n=name: getattr(a.clone(), n)())(x)
        same = vmap(lambda a, n=name: getattr(a.clone(), n)(), randomness="same")(x)
        assert (same == same[0]).all()


# ----------------------------------------------------------------------------- per-sample grads


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(3, 4)
        self.l2 = nn.Linear(4, 2)

    def forward(self, x):
        return self.l2(fg.tanh(self.l1(x)))


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        return self.fc(x.flatten(1))


def _deterministic(model):
    """Parameters set as in the PyTorch reference script (float64)."""
    model.double()
    with fg.no_grad():
        for k, (_, p) in enumerate(model.named_parameters()):
            p.copy_(data(tuple(p.shape), k + 1) * 0.5)
    return {n: p.detach() for n, p in model.named_parameters()}


def _per_sample_grads(model, params, x, y):
    def loss(p, sample, target):
        out = functional_call(model, p, (sample.unsqueeze(0),))
        return F.cross_entropy(out, target.unsqueeze(0))

    batched = vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)
    looped = {
        k: fg.stack([grad(loss)(params, x[i], y[i])[k] for i in range(len(x))]) for k in params
    }
    return batched, looped


@pytest.mark.parametrize(
    "make, x, y, key",
    [
        (MLP, data((3, 3), 10), fg.tensor([0, 1, 1]), "mlp"),
        (ConvNet, data((2, 1, 6, 6), 20), fg.tensor([2, 0]), "cnn"),
    ],
)
def test_per_sample_gradients_match_the_loop_and_pytorch(make, x, y, key):
    model = make()
    params = _deterministic(model)
    batched, looped = _per_sample_grads(model, params, x, y)
    for name in params:
        assert_same(batched[name], looped[name])
        np.testing.assert_allclose(
            batched[name].numpy(), np.array(PYTORCH_PER_SAMPLE[key][name]), rtol=1e-8, atol=1e-10
        )
    # the parameters passed were left as they were, and the module's own are back in place
    assert all(p is q for p, q in zip(model.parameters(), model.parameters(), strict=True))


def test_per_sample_gradients_of_float32_parameters_that_require_grad():
    model = MLP()
    params = dict(model.named_parameters())  # Parameters that require grad
    x, y = data((5, 3), dtype=fg.float32), fg.tensor([0, 1, 0, 1, 1])

    def loss(p, sample, target):
        return F.cross_entropy(functional_call(model, p, (sample,)), target)

    batched = vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)
    for name, p in params.items():
        looped = fg.stack([grad(loss)(params, x[i], y[i])[name] for i in range(5)])
        np.testing.assert_allclose(
            batched[name].detach().numpy(), looped.detach().numpy(), rtol=1e-5, atol=1e-6
        )
        assert batched[name].shape == (5, *p.shape)


def test_model_ensemble_with_stack_module_state():
    models = [MLP().double() for _ in range(3)]
    params, buffers = fg.func.stack_module_state(models)
    x = data((4, 3), 7)

    def run(p, b, inp):
        return functional_call(models[0], (p, b), (inp,))

    out = vmap(run, in_dims=(0, 0, None))(params, buffers, x)
    assert_same(out, fg.stack([m(x) for m in models]).detach())


@pytest.fixture(params=["numpy", pytest.param("cupy", marks=pytest.mark.gpu)])
def device_backend(request):
    from ferrograd import cuda
    from ferrograd.cuda._numpy_backend import NumpyTable
    from helpers import cupy_table_or_skip

    table = NumpyTable() if request.param == "numpy" else cupy_table_or_skip()
    previous = cuda.use_backend(table)
    yield table
    cuda.use_backend(previous)


MODELS = [
    (MLP, data((3, 3), 10), fg.tensor([0, 1, 1])),
    (ConvNet, data((2, 1, 6, 6), 20), fg.tensor([2, 0])),
]


@pytest.mark.parametrize("make, x, y", MODELS)
def test_per_sample_gradients_on_a_device(device_backend, make, x, y):
    """The device path (the NumPy-backed test backend, or CuPy on a GPU) gives the host's
    per-sample gradients."""
    model = make()
    params = _deterministic(model)
    batched, _ = _per_sample_grads(model, params, x, y)
    model.cuda()
    on_device = {k: v.cuda() for k, v in params.items()}

    def loss(p, sample, target):
        out = functional_call(model, p, (sample.unsqueeze(0),))
        return F.cross_entropy(out, target.unsqueeze(0))

    result = vmap(grad(loss), in_dims=(None, 0, 0))(on_device, x.cuda(), y.cuda())
    for name in params:
        assert result[name].is_cuda
        np.testing.assert_allclose(
            result[name].cpu().numpy(), batched[name].numpy(), rtol=1e-10, atol=1e-12
        )


# ----------------------------------------------------------------------------- with transforms


def test_vmap_of_jacrev_and_jacrev_of_vmap():
    w = data((3, 3), 4)

    def f(x):
        return (w @ x).tanh()

    xs = data((B, 3), 5)
    batched = vmap(jacrev(f))(xs)
    assert_same(batched, fg.stack([jacrev(f)(xs[i]) for i in range(B)]))
    assert_same(vmap(jacfwd(f))(xs), batched)
    # jacrev of a vmapped function: block-diagonal in the batch
    whole = jacrev(vmap(f))(xs)
    assert whole.shape == (B, 3, B, 3)
    for i in range(B):
        for j in range(B):
            expected = batched[i] if i == j else fg.zeros(3, 3, dtype=fg.float64)
            assert_same(whole[i, :, j], expected)


def test_vmap_of_grad_of_grad():
    f = lambda x: (x**3).sum()  # noqa: E731
    xs = data((B, 2), 6)
    out = vmap(grad(lambda x: grad(f)(x).sum()))(xs)
    assert_same(out, 6 * xs)


# PyTorch 2.15's vmap(grad(loss), in_dims=(None, 0, 0)) for the models above (float64).
PYTORCH_PER_SAMPLE = {
    "cnn": {
        "conv.bias": [[-0.724662262352, 0.708057937361], [1.039679581741, -1.08979858146]],
        "conv.weight": [
            [
                [
                    [
                        [-0.375657642905, -0.56336062173, -0.486106297403],
                        [0.557633041849, 0.35090780472, -0.020854856055],
                        [-0.171113623302, 0.219287924617, 0.50655493512],
                    ]
                ],
                [
                    [
                        [0.254619849563, 0.464324058407, 0.455649407318],
                        [-0.489550711569, -0.363628470425, -0.066686077789],
                        [0.22539521832, -0.10777847326, -0.39026226478],
                    ]
                ],
            ],
            [
                [
                    [
                        [0.679975941006, 0.887627387822, 0.677813804584],
                        [-0.830635950269, -0.433706332087, 0.167202150924],
                        [0.134480585422, -0.462368942642, -0.841759132268],
                    ]
                ],
                [
                    [
                        [-0.53758033184, -0.803823203807, -0.692015462939],
                        [0.794791381764, 0.498552306267, -0.032163708963],
                        [-0.241729819396, 0.314981877504, 0.723552675686],
                    ]
                ],
            ],
        ],
        "fc.bias": [
            [0.261710063121, 0.273854659286, -0.535564722407],
            [-0.736221514134, 0.274243228898, 0.461978285236],
        ],
        "fc.weight": [
            [
                [
                    0.359695375451,
                    0.373288486082,
                    0.355957830156,
                    0.098746326382,
                    0.294749276621,
                    0.311285352283,
                    0.290878576805,
                    0.040092931747,
                ],
                [
                    0.376386957826,
                    0.390610853676,
                    0.372475972589,
                    0.103328627278,
                    0.30842705,
                    0.325730478506,
                    0.304376731236,
                    0.041953435158,
                ],
                [
                    -0.736082333277,
                    -0.763899339758,
                    -0.728433802745,
                    -0.20207495366,
                    -0.603176326621,
                    -0.637015830789,
                    -0.595255308042,
                    -0.082046366905,
                ],
            ],
            [
                [
                    -0.990083681843,
                    -1.061509945289,
                    -0.978074576887,
                    -0.327578580907,
                    -0.806639846734,
                    -0.886270742057,
                    -0.794269417233,
                    -0.162597002438,
                ],
                [
                    0.368807132874,
                    0.395413485363,
                    0.364333729617,
                    0.122023339472,
                    0.300474126169,
                    0.330136712,
                    0.295866129168,
                    0.060567541292,
                ],
                [
                    0.621276548969,
                    0.666096459925,
                    0.613740847271,
                    0.205555241435,
                    0.506165720566,
                    0.556134030058,
                    0.498403288065,
                    0.102029461146,
                ],
            ],
        ],
    },
    "mlp": {
        "l1.bias": [
            [-0.089144591009, 0.067389756464, 0.338367882427, 0.07979067437],
            [0.124981362718, -0.214056417291, -0.523662325914, -0.563543999318],
            [0.051959356416, -0.235161760142, -0.355760362971, -0.517279644495],
        ],
        "l1.weight": [
            [
                [0.04849653943, 0.08527883727, 0.081953165423],
                [-0.036661450174, -0.064467400771, -0.061953325455],
                [-0.184079271287, -0.323694564711, -0.311071246484],
                [-0.043407811309, -0.076330553074, -0.07335384303],
            ],
            [
                [-0.05619755286, 0.028934413424, 0.100458072962],
                [0.096249925302, -0.049556163729, -0.172055214622],
                [0.235463437119, -0.121232973485, -0.420911622341],
                [0.253396130447, -0.130465972719, -0.452967890329],
            ],
            [
                [0.051856822561, 0.037560449686, 0.005598810425],
                [-0.234697704321, -0.169994050525, -0.025339538536],
                [-0.355058324225, -0.257172531287, -0.038334478454],
                [-0.516258872114, -0.373931807488, -0.055738770955],
            ],
        ],
        "l2.bias": [
            [-0.396329087665, 0.396329087665],
            [0.614209569559, -0.614209569559],
            [0.632323367086, -0.632323367086],
        ],
        "l2.weight": [
            [
                [0.201048860851, -0.292184524775, -0.058296429476, 0.352444515832],
                [-0.201048860851, 0.292184524775, 0.058296429476, -0.352444515832],
            ],
            [
                [0.351835460181, -0.155814785514, 0.093114975721, -0.132619564972],
                [-0.351835460181, 0.155814785514, -0.093114975721, 0.132619564972],
            ],
            [
                [0.539768825341, -0.024886328335, -0.376887199765, 0.244863369046],
                [-0.539768825341, 0.024886328335, 0.376887199765, -0.244863369046],
            ],
        ],
    },
}
