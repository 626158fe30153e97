"""Inverses, determinants and linear solves, built on the LU and Cholesky kernels.

Each function computes its result with the Rust kernels and records one node whose backward
rule is written below with differentiable ``ferrograd`` operations (``solve`` and
``solve_triangular`` among them), so that the rules can themselves be differentiated."""

from __future__ import annotations

import math
import operator

from .._creation import eye, full
from ..autograd.grad_mode import no_grad
from . import _returns
from ._common import (
    broadcast_batch,
    check_float,
    check_same_dtype,
    check_square,
    check_tensor,
    float_eps,
    kernel,
    raise_for_info,
    record,
)

__all__ = [
    "cholesky",
    "cholesky_ex",
    "cholesky_inverse",
    "cholesky_solve",
    "det",
    "inv",
    "inv_ex",
    "logdet",
    "matrix_power",
    "slogdet",
    "solve",
    "solve_ex",
    "solve_triangular",
]

# ------------------------------------------------------------------------------------- LU


def _lu(A):
    """``(LU, pivots, info)`` of LAPACK's ``getrf`` for each matrix of ``A`` (no graph)."""
    return kernel("linalg_lu_factor", A)


def _permutation_sign(pivots):
    """``det(P)`` for LAPACK pivots: -1 to the number of rows actually swapped."""
    n = pivots.shape[-1]
    position = _arange_like(pivots, n)
    swaps = (pivots != position).to(pivots.dtype).sum(-1)
    return 1 - 2 * (swaps % 2)


def _arange_like(pivots, n):
    from .._creation import arange

    return arange(1, n + 1, dtype=pivots.dtype, device=pivots.device)


def _diagonal_reduce(LU, reduction: str, empty: float):
    """``prod`` or ``sum`` of the diagonals of a batch of square matrices; ``empty`` (the
    reduction's identity) for 0×0 matrices or an empty batch, which the strided kernels are
    not asked to reduce."""
    if LU.numel() == 0:
        return full(tuple(LU.shape[:-2]), empty, dtype=LU.dtype, device=LU.device)
    return getattr(LU.diagonal(0, -2, -1), reduction)(-1)


def _identity_like(A):
    n = A.shape[-1]
    return eye(n, dtype=A.dtype, device=A.device).expand(*A.shape)


def _singular_message(code) -> str:
    return (
        f"The diagonal element {code} is zero, the inversion could not be completed because "
        "the input matrix is singular."
    )


# ------------------------------------------------------------------------------------ inv


def inv_ex(A, *, check_errors: bool = False):
    """``(inverse, info)``: the inverse of each square matrix of ``A``, and ``info`` (0, or
    ``i`` when the ``i``-th pivot of its LU factorization is zero: the matrix is singular and
    its inverse holds infinities or NaNs). With ``check_errors``, a singular matrix raises
    ``LinAlgError``."""
    return _inv(A, check_errors, "linalg.inv_ex")


def inv(A):
    """The inverse of each square matrix of ``A``; a singular matrix raises ``LinAlgError``."""
    return _inv(A, True, "linalg.inv").inverse


def _inv(A, check_errors, name):
    check_square(name, A)
    with no_grad():
        LU, pivots, info = _lu(A)
        inverse = kernel("linalg_lu_solve", LU, pivots, _identity_like(A), transpose=False)
    if check_errors:
        raise_for_info(name, info, _singular_message)
    inverse, info = record("LinalgInvExBackward0", _inv_backward, [A], [inverse, info], saved=[0])
    return _returns.InvEx(inverse, info)


def _inv_backward(saved, grads):
    (inverse,) = saved
    g = grads[0]
    if g is None:
        return [None]
    # d(A⁻¹) = -A⁻¹ dA A⁻¹, so the gradient is -A⁻ᵀ g A⁻ᵀ.
    return [-(inverse.mT @ g @ inverse.mT)]


# ------------------------------------------------------------------------ determinants


def det(A):
    """The determinant of each square matrix of ``A`` (the product of its LU pivots)."""
    check_square("linalg.det", A)
    with no_grad():
        LU, pivots, info = _lu(A)
        sign = _permutation_sign(pivots).to(A.dtype)
        # A zero pivot makes the determinant 0 (the factors after it are not finite).
        value = (_diagonal_reduce(LU, "prod", 1.0) * sign).where(info == 0, 0.0)
    (value,) = record("LinalgDetBackward0", _det_backward, [A], [value], saved=[A, 0])
    return value


def _det_backward(saved, grads):
    A, value = saved
    g = grads[0]
    if g is None:
        return [None]
    n = A.shape[-1]
    if n == 0:
        return [A * 0]
    scaled = g * value
    # d det(A) = det(A) tr(A⁻¹ dA): the gradient is g det(A) A⁻ᵀ, a solve with A ...
    singular = value.detach().abs() < float_eps(A.dtype)
    if not bool(singular.any()):
        return [_solve_with_diagonal(A, scaled)]
    # ... except where A is (nearly) singular: there det = det(U) det(Vᵀ) ∏ S, whose
    # derivative, U diag(∏_{j≠i} s_j) Vᵀ, needs no inverse.
    from .decompositions import svd

    U, S, Vh = svd(A, full_matrices=False)
    alpha = det(U) * det(Vh) * g
    cofactors = (U * (_products_of_others(S) * alpha.unsqueeze(-1)).unsqueeze(-2)) @ Vh
    if bool(singular.all()):
        return [cofactors]
    mask = singular.unsqueeze(-1).unsqueeze(-1)
    regular = _solve_with_diagonal(A.where(~mask, _identity_like(A)), scaled)
    return [cofactors.where(mask, regular)]


def _solve_with_diagonal(A, d):
    """``d A⁻ᵀ`` for a batch of numbers ``d``: a solve with ``Aᵀ`` against ``diag(d)``."""
    n = A.shape[-1]
    return solve(A.mT, d.unsqueeze(-1).expand(*d.shape, n).diag_embed())


def _products_of_others(S):
    """``∏_{j≠i} S_j`` for each ``i`` along the last dimension, without dividing by ``S_i``
    (exact where an element is 0)."""
    k = S.shape[-1]
    square = S.unsqueeze(-2).expand(*S.shape[:-1], k, k)
    others = square.masked_fill(eye(k, dtype=S.dtype, device=S.device) != 0, 1.0)
    return others.prod(-1)


def slogdet(A):
    """``(sign, logabsdet)`` with ``det(A) = sign · exp(logabsdet)``, for each square matrix;
    accurate where the determinant itself would under- or overflow."""
    check_square("linalg.slogdet", A)
    with no_grad():
        LU, pivots, info = _lu(A)
        regular = info == 0
        sign = _diagonal_reduce(LU.sign(), "prod", 1.0) * _permutation_sign(pivots).to(A.dtype)
        sign = sign.where(regular, 0.0)
        logabsdet = _diagonal_reduce(LU.abs().log(), "sum", 0.0).where(regular, -math.inf)
    sign, logabsdet = record(
        "LinalgSlogdetBackward0",
        _slogdet_backward,
        [A],
        [sign, logabsdet],
        saved=[A],
        non_differentiable=[False, False],
    )
    return _returns.Slogdet(sign, logabsdet)


def _slogdet_backward(saved, grads):
    (A,) = saved
    g = grads[1]  # the sign is piecewise constant: its gradient is 0
    if g is None:
        return [None]
    # d log|det A| = tr(A⁻¹ dA): the gradient is g A⁻ᵀ.
    return [_solve_with_diagonal(A, g)]


def logdet(A):
    """``log(det(A))``: NaN where the determinant is negative, -inf where it is 0."""
    check_square("linalg.logdet", A)
    sign, logabsdet = slogdet(A)
    return logabsdet.where(sign >= 0, float("nan"))


# ---------------------------------------------------------------------------------- solve


def is_vector_rhs(A, B) -> bool:
    """PyTorch's rule: ``B`` is a vector (or a batch of them) when it is 1-D, or when its shape
    is ``A``'s without the last dimension."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def solve_ex(A, B, *, left: bool = True, check_errors: bool = False):
    """``(result, info)``: the solution ``X`` of ``A X = B`` (``X A = B`` when not ``left``)
    for each square ``A`` (batch dimensions broadcast; ``B`` may be a vector), and
    ``info`` as ``inv_ex``'s."""
    return _solve(A, B, left, check_errors, "linalg.solve_ex")


def solve(A, B, *, left: bool = True):
    """The solution ``X`` of ``A X = B`` (``X A = B`` when not ``left``); a singular ``A``
    raises ``LinAlgError``."""
    return _solve(A, B, left, True, "linalg.solve").result


def _solve(A, B, left, check_errors, name):
    check_square(name, A)
    check_tensor(name.split(".")[-1], B, "B")
    check_float(name, B)
    check_same_dtype(name, A, B)
    vector = is_vector_rhs(A, B)
    if vector and not left:
        raise RuntimeError(
            f"{name}: Vector broadcasting of the left hand side is not supported for left=False. "
            "In this case linalg.solve is equivalent to B / A.squeeze(-1)"
        )
    B_matrix = B.unsqueeze(-1) if vector else B
    n = A.shape[-1]
    if B_matrix.ndim < 2 or (B_matrix.shape[-2] if left else B_matrix.shape[-1]) != n:
        rows, cols = (
            (B_matrix.shape[-2], B_matrix.shape[-1])
            if B_matrix.ndim >= 2
            else (
                B.shape[-1],
                1,
            )
        )
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(
            f"{name}: Incompatible shapes of A and B for the equation {equation} "
            f"({A.shape[-2]}x{n} and {rows}x{cols})"
        )
    with no_grad():
        LU, pivots, info = _lu(A)
        LU_b, B_b = broadcast_batch(LU, B_matrix)
        pivots_b = pivots.expand(*LU_b.shape[:-1])
        if left:
            X = kernel("linalg_lu_solve", LU_b, pivots_b, B_b, transpose=False)
        else:
            X = kernel("linalg_lu_solve", LU_b, pivots_b, B_b.mT, transpose=True).mT
        if vector:
            X = X.squeeze(-1)
    if check_errors:
        raise_for_info(
            "torch.linalg.solve" if name == "linalg.solve" else name,
            info,
            lambda code: "The solver failed because the input matrix is singular.",
        )

    def backward(saved, grads):
        A, X = saved
        g = grads[0]
        if g is None:
            return [None, None]
        g_m, X_m = (g.unsqueeze(-1), X.unsqueeze(-1)) if vector else (g, X)
        # X = A⁻¹ B: gB = A⁻ᵀ g, gA = -gB Xᵀ (and the mirror image for X A = B).
        gB = solve(A.mT, g_m, left=left)
        gA = -(gB @ X_m.mT) if left else -(X_m.mT @ gB)
        return [gA, gB.squeeze(-1) if vector else gB]

    X, info = record("LinalgSolveExBackward0", backward, [A, B], [X, info], saved=[A, 0])
    return _returns.SolveEx(X, info)


def solve_triangular(A, B, *, upper: bool, left: bool = True, unitriangular: bool = False):
    """The solution ``X`` of ``A X = B`` (``X A = B`` when not ``left``) with ``A`` upper or
    lower triangular (only that triangle is read; its diagonal taken as ones when
    ``unitriangular``). Batch dimensions broadcast."""
    name = "linalg.solve_triangular"
    check_square(name, A)
    check_tensor("solve_triangular", B, "B")
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    check_float(name, B)
    check_same_dtype(name, A, B)
    n = A.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(
            f"{name}: Incompatible shapes of A and B for the equation {equation} "
            f"({A.shape[-2]}x{n} and {B.shape[-2]}x{B.shape[-1]})"
        )
    options = {"upper": bool(upper), "left": bool(left), "unitriangular": bool(unitriangular)}
    with no_grad():
        A_b, B_b = broadcast_batch(A, B)
        X = kernel("linalg_solve_triangular", A_b, B_b, **options)

    def backward(saved, grads):
        A, X = saved
        g = grads[0]
        if g is None:
            return [None, None]
        gB = solve_triangular(A.mT, g, upper=not upper, left=left, unitriangular=unitriangular)
        gA = -(gB @ X.mT) if left else -(X.mT @ gB)
        # Only one triangle of A is read (and not its diagonal when unitriangular).
        offset = 1 if unitriangular else 0
        gA = gA.triu(offset) if upper else gA.tril(-offset)
        return [gA, gB]

    (X,) = record("LinalgSolveTriangularBackward0", backward, [A, B], [X], saved=[A, 0])
    return X


# ------------------------------------------------------------------------------- Cholesky


def _not_positive_definite(code) -> str:
    return (
        "The factorization could not be completed because the input is not positive-definite "
        f"(the leading minor of order {code} is not positive-definite)."
    )


def cholesky_ex(A, *, upper: bool = False, check_errors: bool = False):
    """``(L, info)``: the Cholesky factor of each symmetric positive-definite matrix, read from
    its lower triangle (``A = L Lᵀ``), or from its upper one giving ``U`` with ``A = Uᵀ U``
    when ``upper``; ``info`` is 0, or the order of the first leading minor that is not
    positive definite."""
    return _cholesky(A, upper, check_errors, "linalg.cholesky_ex")


def cholesky(A, *, upper: bool = False):
    """The Cholesky factor (see ``cholesky_ex``); a matrix that is not positive definite
    raises ``LinAlgError``."""
    return _cholesky(A, upper, True, "linalg.cholesky").L


def _cholesky(A, upper, check_errors, name):
    check_square(name, A)
    with no_grad():
        factor, info = kernel("linalg_cholesky", A, upper=bool(upper))
    if check_errors:
        raise_for_info(name, info, _not_positive_definite)

    def backward(saved, grads):
        (factor,) = saved
        g = grads[0]
        if g is None:
            return [None]
        L, gL = (factor.mT, g.mT) if upper else (factor, g)
        # A = L Lᵀ gives L⁻¹ dA L⁻ᵀ = X + Xᵀ with X = L⁻¹ dL lower triangular: the gradient is
        # L⁻ᵀ Φ L⁻¹, Φ the symmetric part of tril(Lᵀ gL) with its diagonal counted once.
        phi = (L.mT @ gL).tril()
        phi = 0.5 * (phi + phi.tril(-1).mT)
        gA = solve_triangular(L.mT, phi, upper=True)
        return [solve_triangular(L, gA, upper=False, left=False)]

    factor, info = record("LinalgCholeskyExBackward0", backward, [A], [factor, info], saved=[0])
    return _returns.CholeskyEx(factor, info)


def cholesky_solve(B, L, upper: bool = False):
    """The solution of ``A X = B`` given the Cholesky factor ``L`` of ``A`` (``A = L Lᵀ``, or
    ``Lᵀ L`` when ``upper``): two triangular solves."""
    check_tensor("cholesky_solve", B, "input")
    check_tensor("cholesky_solve", L, "input2")
    if B.ndim < 2 or L.ndim < 2:
        raise RuntimeError(
            "cholesky_solve: b should have at least 2 dimensions, but has "
            f"{B.ndim} dimensions instead"
        )
    if upper:
        return solve_triangular(L, solve_triangular(L.mT, B, upper=False), upper=True)
    return solve_triangular(L.mT, solve_triangular(L, B, upper=False), upper=True)


def cholesky_inverse(L, upper: bool = False):
    """The inverse of ``A`` given its Cholesky factor ``L``."""
    check_square("cholesky_inverse", L, "input")
    return cholesky_solve(_identity_like(L), L, upper)


# ----------------------------------------------------------------------------- powers


def matrix_power(A, n: int):
    """``A`` multiplied by itself ``n`` times (by repeated squaring); ``n = 0`` gives the
    identity and a negative ``n`` the power of ``inv(A)``."""
    name = "linalg.matrix_power"
    check_tensor("matrix_power", A)
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(
            f"matrix_power(): argument 'n' must be int, not {type(n).__name__}"
        ) from None
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
            f"{A.shape[-1]} matrices"
        )
    if n == 0:
        # The identity, recorded (with a zero gradient) like PyTorch's copy of it.
        (identity,) = record(
            "CopyBackwards", lambda saved, grads: [None], [A], [_identity_like(A).clone()]
        )
        return identity
    if n < 0:
        A = inv(A)
        n = -n
    result = None
    power = A
    while n:
        if n & 1:
            result = power if result is None else result @ power
        n >>= 1
        if n:
            power = power @ power
    return result
