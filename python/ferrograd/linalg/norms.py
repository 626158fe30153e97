"""Vector and matrix norms.

``vector_norm`` is one node with PyTorch's gradient (0 at the zero vector, ties of the max
norm sharing the gradient) and forward-mode tangent (that gradient's inner product with the
input's tangent); the matrix norms compose it with ``amax``/``amin`` and the
singular values, as PyTorch does."""

from __future__ import annotations

import math
import operator

from ..autograd.function import Function
from ..autograd.grad_mode import no_grad
from ._common import carries_tangent, check_float, check_matrix, check_tensor, is_inf, record
from .decompositions import svdvals

__all__ = ["cond", "matrix_norm", "norm", "vector_norm"]


def _dims(dim, ndim: int, name: str) -> list[int]:
    """``dim`` (None, an int or a sequence) as sorted non-negative dims; None is every dim."""
    if dim is None:
        return list(range(ndim))
    dims = [dim] if isinstance(dim, int) else list(dim)
    out = []
    for d in dims:
        d = operator.index(d)
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-max(ndim, 1)}, "
                f"{max(ndim, 1) - 1}], but got {d})"
            )
        out.append(d % max(ndim, 1))
    if len(set(out)) != len(out):
        raise RuntimeError(f"{name}: dim {out} appears multiple times in the list of dims")
    return sorted(out)


def _check_ord(name: str, ord) -> float:
    if isinstance(ord, bool) or not isinstance(ord, (int, float)):
        raise TypeError(f"{name}: argument 'ord' must be a number, not {type(ord).__name__}")
    return float(ord)


def vector_norm(x, ord=2, dim=None, keepdim: bool = False, *, dtype=None):
    """``(Σ |x|^ord)^(1/ord)`` over ``dim`` (every element by default); ``ord`` ``inf``/
    ``-inf`` give the largest/smallest ``|x|``, ``0`` the number of non-zero elements."""
    name = "linalg.vector_norm"
    check_tensor("vector_norm", x, "input")
    p = _check_ord(name, ord)
    if dtype is not None:
        x = x.to(dtype)
    check_float(name, x)
    dims = _dims(dim, x.ndim, name)
    if x.ndim == 0:
        dims = []
    if (p < 0 or p == math.inf) and any(x.shape[d] == 0 for d in dims):
        raise RuntimeError(
            f"{name} cannot compute the {ord} norm on an empty tensor because the operation "
            "does not have an identity"
        )
    if carries_tangent(x):
        return _VectorNorm.apply(x, p, tuple(dims), keepdim)
    # Without a tangent, the lighter node of `record` (a Function costs about 10 us more).
    with no_grad():
        value = _norm_value(x, p, dims, keepdim)

    def backward(saved, grads):
        x, norm = saved
        if grads[0] is None:
            return [None]
        return [_norm_derivative(x, norm, grads[0], p, dims, keepdim)]

    (value,) = record("LinalgVectorNormBackward0", backward, [x], [value], saved=[x, 0])
    return value


def _norm_derivative(x, norm, grad, p, dims, keepdim):
    """``grad`` (a number, or a tensor shaped as the norm) times the norm's derivative in
    ``x``."""
    if not keepdim:
        for d in dims:
            norm = norm.unsqueeze(d)
            if not isinstance(grad, float):
                grad = grad.unsqueeze(d)
    return _norm_backward(x, norm, grad, p, dims)


class _VectorNorm(Function):
    """``vector_norm`` of a dual tensor: the node of ``record`` has no tangent rule, this one
    has PyTorch's (the gradient's inner product with the input's tangent)."""

    _grad_fn_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, p, dims, keepdim):
        value = _norm_value(x, p, list(dims), keepdim)
        ctx.p, ctx.dims, ctx.keepdim = p, list(dims), keepdim
        ctx.save_for_backward(x, value)
        # `saved_tensors` is empty where nothing requires grad; `jvp` needs them anyway.
        ctx.jvp_inputs = (x, value)
        return value

    @staticmethod
    def backward(ctx, grad):
        x, norm = ctx.saved_tensors
        derivative = _norm_derivative(x, norm, grad, ctx.p, ctx.dims, ctx.keepdim)
        return derivative, None, None, None

    @staticmethod
    def jvp(ctx, tangent, *_):
        x, norm = ctx.jvp_inputs
        slope = _norm_derivative(x, norm, 1.0, ctx.p, ctx.dims, ctx.keepdim)
        if not ctx.dims:
            return slope * tangent
        return (slope * tangent).sum(ctx.dims, keepdim=ctx.keepdim)


def _norm_value(x, p, dims, keepdim):
    def reduce(t, reduction):
        # A 0-d input reduces over nothing.
        return getattr(t, reduction)(dims, keepdim=keepdim) if dims else t

    if p == 0:
        return reduce((x != 0).to(x.dtype), "sum")
    if p == 2:
        return reduce(x * x, "sum").sqrt()
    magnitude = x.abs()
    if p == math.inf:
        return reduce(magnitude, "amax")
    if p == -math.inf:
        return reduce(magnitude, "amin")
    if p == 1:
        return reduce(magnitude, "sum")
    return reduce(magnitude**p, "sum") ** (1.0 / p)


def _norm_backward(x, norm, g, p, dims):
    """The gradient of the ``p``-norm (``norm`` and ``g`` with the reduced dims kept)."""
    if p == 0:
        return x * 0
    if p == 1:
        return x.sign() * g
    zero_norm = norm == 0
    if p == 2:
        return x * (g / norm.where(~zero_norm, 1.0)).where(~zero_norm, 0.0)
    if math.isinf(p):
        # Every element at the extreme shares the gradient equally.
        at_extreme = (x.abs() == norm).to(x.dtype)
        count = at_extreme.sum(dims, keepdim=True) if dims else at_extreme
        return x.sign() * at_extreme * (g / count)
    # d‖x‖_p / dx = sign(x) |x|^(p-1) / ‖x‖^(p-1); 0 where x or the norm is 0.
    magnitude = x.abs()
    nonzero = magnitude != 0
    power = magnitude.where(nonzero, 1.0) ** (p - 1)
    scale = (g / norm.where(~zero_norm, 1.0) ** (p - 1)).where(~zero_norm, 0.0)
    return x.sign() * power.where(nonzero, 0.0) * scale


_MATRIX_ORDS = ("fro", "nuc")


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None):
    """A matrix norm over the two dims ``dim``: ``'fro'`` (Frobenius), ``'nuc'`` (sum of the
    singular values), ``2``/``-2`` (largest/smallest singular value), ``1``/``-1`` (largest/
    smallest column sum of ``|A|``), ``inf``/``-inf`` (the same over rows)."""
    name = "linalg.matrix_norm"
    check_matrix(name, A)
    if dtype is not None:
        A = A.to(dtype)
    dims = [operator.index(d) for d in dim] if not isinstance(dim, int) else [dim]
    if len(dims) != 2:
        raise RuntimeError(f"{name}: dim must be a 2-tuple. Got {' '.join(map(str, dims))}")
    row, col = (d % A.ndim for d in dims)
    if row == col:
        raise RuntimeError(f"{name}: dims must be different. Got ({dims[0]}, {dims[1]})")
    if isinstance(ord, str):
        if ord not in _MATRIX_ORDS:
            raise RuntimeError(f"{name}: Order {ord} not supported.")
        if ord == "fro":
            return vector_norm(A, 2, (row, col), keepdim)
        return _spectral(A, "sum", row, col, keepdim)
    p = _check_ord(name, ord)
    if p not in (1, -1, 2, -2) and not math.isinf(p):
        raise RuntimeError(f"{name}: Order {ord} not supported.")
    if abs(p) == 2:
        return _spectral(A, "amax" if p > 0 else "amin", row, col, keepdim)
    # 1-norms sum |A| down the columns (over rows) first; inf-norms along the rows.
    summed, extreme = (col, row) if math.isinf(p) else (row, col)
    if not keepdim and summed < extreme:
        extreme -= 1
    sums = vector_norm(A, 1, summed, keepdim)
    return getattr(sums, "amax" if p > 0 else "amin")(extreme, keepdim=keepdim)


def _spectral(A, reduction: str, row: int, col: int, keepdim: bool):
    """A reduction of the singular values of the matrices in dims ``row``, ``col``."""
    S = svdvals(A.movedim((row, col), (-2, -1)))
    out = getattr(S, reduction)(-1)
    if keepdim:
        for d in sorted((row, col)):
            out = out.unsqueeze(d)
    return out


def norm(A, ord=None, dim=None, keepdim: bool = False, *, dtype=None):
    """A vector or matrix norm, as ``ord`` and ``dim`` say: with ``dim`` an int (or ``ord``
    given for a 1-D input) the vector norm; with ``dim`` a pair (or ``ord`` given for a 2-D
    input, or a string ``ord``) the matrix norm; with neither, the 2-norm of every element."""
    name = "linalg.norm"
    check_tensor("norm", A)
    if dim is not None and isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        dim = tuple(dim)
        if len(dim) == 1:
            if isinstance(ord, str):
                raise RuntimeError(f"{name}: ord={ord!r} is only supported for matrices")
            return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
        if len(dim) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
        raise RuntimeError(
            f"{name}: If dim is specified, it must be of length 1 or 2. Got {list(dim)}"
        )
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if isinstance(ord, str) or A.ndim == 2:
        if A.ndim != 2:
            raise RuntimeError(
                f"{name}: If dim is not specified but ord is, the input must be 1D or 2D. "
                f"Got {A.ndim}D."
            )
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if A.ndim != 1:
        raise RuntimeError(
            f"{name}: If dim is not specified but ord is, the input must be 1D or 2D. "
            f"Got {A.ndim}D."
        )
    return vector_norm(A, ord, None, keepdim, dtype=dtype)


def cond(A, p=None):
    """The condition number of each matrix in norm ``p`` (the 2-norm by default: the ratio of
    the largest to the smallest singular value)."""
    from .solvers import inv

    check_matrix("linalg.cond", A)
    if p is None or (not isinstance(p, str) and not is_inf(p) and abs(p) == 2):
        S = svdvals(A)
        if p is not None and p < 0:
            return S[..., -1] / S[..., 0]
        return S[..., 0] / S[..., -1]
    return matrix_norm(A, p) * matrix_norm(inv(A), p)
