"""The triangular linear algebra ``MultivariateNormal`` needs, with gradients: Cholesky
factors and triangular solves over batches of matrices.

Forward values come from NumPy on the host; each backward is written with these same functions
and differentiable tensor operations, so second derivatives work too. (Kept private to the
distributions until ``ferrograd.linalg`` provides them.)
"""

from __future__ import annotations

import numpy as np

from .._mixins.structure import constant
from ..autograd.function import Function
from ..linalg._common import LinAlgError


def _host(t) -> np.ndarray:
    return t.detach().cpu().numpy()


def _as_tensor(array: np.ndarray, like):
    return constant(np.ascontiguousarray(array, dtype=like.dtype.numpy), like)


def _half_diagonal_tril(x):
    """The lower triangle of ``x`` with its diagonal halved."""
    n = x.shape[-1]
    weights = np.tril(np.ones((n, n))) - 0.5 * np.eye(n)
    return x * _as_tensor(weights, x)


def _tri_mask(n: int, upper: bool) -> np.ndarray:
    return np.triu(np.ones((n, n))) if upper else np.tril(np.ones((n, n)))


class _Cholesky(Function):
    @staticmethod
    def forward(ctx, a):
        try:
            factor = np.linalg.cholesky(_host(a))
        except np.linalg.LinAlgError:
            raise LinAlgError(
                "linalg.cholesky: The factorization could not be completed because the input is "
                "not positive-definite."
            ) from None
        out = _as_tensor(factor, a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # With A = L Lᵀ and dL = L Φ(L⁻¹ dA L⁻ᵀ) (Φ: lower triangle, halved diagonal), the
        # gradient is L⁻ᵀ Φ(Lᵀ tril(gL)) L⁻¹, symmetrised.
        (factor,) = ctx.saved_tensors
        factor_t = factor.transpose(-2, -1)
        phi = _half_diagonal_tril(factor_t @ grad.tril())
        left = solve_triangular(factor_t, phi, upper=True)
        grad_a = solve_triangular(factor_t, left.transpose(-2, -1), upper=True).transpose(-2, -1)
        return (grad_a + grad_a.transpose(-2, -1)) * 0.5


def cholesky(a):
    """The lower Cholesky factor of each symmetric positive-definite matrix in ``a``."""
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise RuntimeError(
            f"linalg.cholesky: A must be batches of square matrices, but they are "
            f"{a.shape[-2] if a.ndim >= 2 else 1} by {a.shape[-1]} matrices"
        )
    return _Cholesky.apply(a)


class _SolveTriangular(Function):
    @staticmethod
    def forward(ctx, a, b, upper):
        n = a.shape[-1]
        system = _host(a) * _tri_mask(n, upper)  # only the named triangle is read
        try:
            solution = _solve(system, _host(b))
        except np.linalg.LinAlgError:
            raise RuntimeError("solve_triangular: the triangular matrix is singular") from None
        out = _as_tensor(solution, b if b.dtype.itemsize >= a.dtype.itemsize else a)
        ctx.upper = upper
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        upper = ctx.upper
        grad_b = solve_triangular(a.transpose(-2, -1), grad, upper=not upper)
        grad_a = None
        if ctx.needs_input_grad[0]:
            full = -(grad_b @ x.transpose(-2, -1))
            grad_a = full * _as_tensor(_tri_mask(a.shape[-1], upper), full)
        return grad_a, grad_b, None


def _solve(system: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    batch = np.broadcast_shapes(system.shape[:-2], rhs.shape[:-2])
    system = np.broadcast_to(system, batch + system.shape[-2:])
    rhs = np.broadcast_to(rhs, batch + rhs.shape[-2:])
    return np.linalg.solve(system, rhs)


def solve_triangular(a, b, *, upper: bool):
    """``X`` with ``A X = B`` for triangular ``A`` (its upper or lower triangle; the other
    is not read), batched and broadcast over leading dimensions."""
    return _SolveTriangular.apply(a, b, upper)
