"""Pseudo-inverse, least squares and numerical rank, through the singular values."""

from __future__ import annotations

from .._base import TensorBase
from .._creation import tensor, zeros
from .._dtype import int64
from ..autograd.grad_mode import no_grad
from . import _returns
from ._common import (
    broadcast_batch,
    check_float,
    check_matrix,
    check_same_dtype,
    check_tensor,
    dtype_name,
    float_eps,
    kernel,
    raise_for_info,
    record,
)
from .decompositions import _svd_failed
from .solvers import is_vector_rhs

__all__ = ["lstsq", "matrix_rank", "pinv"]


def _tolerance(largest, atol, rtol, m: int, n: int, dtype):
    """``max(atol, rtol · s_max)`` per matrix (``s_max`` the largest singular value), with
    PyTorch's defaults: ``rtol = eps · max(m, n)`` unless only a positive ``atol`` is given,
    in which case ``rtol = 0``."""
    if rtol is None:
        positive_atol = atol is not None and (
            bool((atol > 0).all()) if isinstance(atol, TensorBase) else atol > 0
        )
        rtol = 0.0 if positive_atol else float_eps(dtype) * max(m, n)
    relative = largest * rtol
    if atol is None:
        return relative
    return relative.where(relative > atol, atol if isinstance(atol, TensorBase) else float(atol))


def _spectrum(A, hermitian: bool, vectors: bool):
    """``(U, s, Vh)`` with ``A = U diag(s) Vh``, ``|s|`` descending for an SVD; for a
    symmetric ``A`` (``hermitian``) its eigen decomposition ``(V, λ, Vᵀ)`` (no graph)."""
    if hermitian:
        values, V, info = kernel("linalg_eigh", A, upper=False, vectors=vectors)
        raise_for_info("linalg.eigh", info, _svd_failed)
        return V, values, (V.mT if vectors else V)
    U, S, Vh, info = kernel("linalg_svd", A, "thin" if vectors else "none")
    raise_for_info("linalg.svd", info, _svd_failed)
    return U, S, Vh


def _largest(magnitudes):
    return magnitudes.amax(-1, keepdim=True)


def _check_pinv_input(A):
    check_tensor("pinv", A)
    if A.ndim < 2 or not A.is_floating_point():
        dtype = dtype_name(A.dtype)
        raise RuntimeError(
            f"linalg.pinv({dtype}{{{list(A.shape)}}}): expected a tensor with 2 or more "
            "dimensions of float, double, cfloat or cdouble types"
        )


def pinv(A, rcond=None, hermitian: bool = False, *, atol=None, rtol=None):
    """The Moore-Penrose pseudo-inverse of each matrix of ``A``, from its singular values (or
    eigenvalues, for symmetric ``A`` with ``hermitian``); values below ``max(atol, rtol ·
    the largest singular value)`` count as zero. ``rcond`` is ``rtol``'s older name."""
    _check_pinv_input(A)
    if rcond is not None:
        rtol = rcond
    m, n = A.shape[-2], A.shape[-1]
    with no_grad():
        if min(m, n) == 0:
            value = zeros(*A.shape[:-2], n, m, dtype=A.dtype, device=A.device)
        else:
            U, s, Vh = _spectrum(A, hermitian, vectors=True)
            magnitude = s.abs()
            tol = _tolerance(_largest(magnitude), atol, rtol, m, n, A.dtype)
            kept = magnitude > tol
            inverse = (1 / s.where(kept, 1.0)).where(kept, 0.0)
            value = (Vh.mT * inverse.unsqueeze(-2)) @ U.mT
    (value,) = record("LinalgPinvBackward0", _pinv_rule, [A], [value], saved=[A, 0])
    return value


def _pinv_rule(saved, grads):
    A, pinv_A = saved
    g = grads[0]
    if g is None:
        return [None]
    return [_pinv_backward(g, pinv_A, A)]


def _pinv_backward(g, X, A):
    """The gradient of ``X = pinv(A)`` for a constant rank: the change of the inverse on the
    range, plus the changes of the two projections ``A X`` and ``X A``. The products are
    ordered to keep the intermediate matrices as small as ``min(m, n)`` squared."""
    m, n = A.shape[-2], A.shape[-1]
    Xt, gt = X.mT, g.mT
    if m <= n:
        K = gt @ X
        KXt = K @ Xt
        return -(X @ K).mT + KXt - (A @ X) @ KXt + (Xt @ X) @ (gt - K @ A)
    K = X @ gt
    XtK = Xt @ K
    return -(K @ X).mT + (gt - A @ K) @ X @ Xt + XtK - XtK @ X @ A


def matrix_rank(A, *, atol=None, rtol=None, hermitian: bool = False, tol=None):
    """The number of singular values (eigenvalue magnitudes, with ``hermitian``) of each matrix
    above ``max(atol, rtol · s_max)`` (``tol`` is the older name of ``atol``), as int64."""
    check_matrix("linalg.matrix_rank", A)
    if tol is not None:
        atol, rtol = tol, 0.0
    m, n = A.shape[-2], A.shape[-1]
    with no_grad():
        if min(m, n) == 0:
            return zeros(*A.shape[:-2], dtype=int64, device=A.device)
        _, s, _ = _spectrum(A, hermitian, vectors=False)
        magnitude = s.abs()
        tol = _tolerance(_largest(magnitude), atol, rtol, m, n, A.dtype)
        return (magnitude > tol).to(int64).sum(-1)


_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):
    """``(solution, residuals, rank, singular_values)``: the minimum-norm ``X`` minimising
    ``‖A X - B‖`` for each matrix (batch dimensions broadcast; ``B`` may be a batch of
    vectors), with singular values below ``rcond · s_max`` counted as zero (``rcond``
    defaults to ``eps · max(m, n)``). The other results follow PyTorch's CPU drivers: ``rank``
    for all but ``gels``; ``singular_values`` for ``gelsd`` and ``gelss``; ``residuals`` (the
    squared residual norm of each column) for drivers other than ``gelsy`` when m > n and
    every matrix has full rank. Computed through the SVD whatever the driver, so the rank is
    that of the singular values."""
    name = "torch.linalg.lstsq"
    check_tensor("lstsq", A, "self")
    check_tensor("lstsq", B, "b")
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    check_float("linalg.lstsq", A)
    check_float("linalg.lstsq", B)
    check_same_dtype("linalg.lstsq", A, B)
    if not (A.ndim - 1 <= B.ndim <= A.ndim):
        raise RuntimeError(
            f"{name}: input.dim() must be greater or equal to other.dim() and "
            "(input.dim() - other.dim()) <= 1"
        )
    driver = "gelsy" if driver is None else driver
    if driver not in _DRIVERS:
        raise RuntimeError(
            f"{name}: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"
        )
    vector = is_vector_rhs(A, B)
    B_matrix = B.unsqueeze(-1) if vector else B
    m, n = A.shape[-2], A.shape[-1]
    if B_matrix.shape[-2] != m:
        raise RuntimeError(f"{name}: input.size(-2) should match other.size(-2)")
    rcond = float_eps(A.dtype) * max(m, n) if rcond is None else float(rcond)
    options = {"dtype": A.dtype, "device": A.device}
    with no_grad():
        if min(m, n) == 0:
            S = zeros(*A.shape[:-2], 0, **options)
            rank = zeros(*A.shape[:-2], dtype=int64, device=A.device)
            A_b, B_b = broadcast_batch(A, B_matrix)
            X = zeros(*A_b.shape[:-2], n, B_b.shape[-1], **options)
        else:
            U, S, Vh = _spectrum(A, False, vectors=True)
            kept = S[..., :1] * rcond < S
            rank = kept.to(int64).sum(-1)
            inverse = (1 / S.where(kept, 1.0)).where(kept, 0.0)
            pinv_A = (Vh.mT * inverse.unsqueeze(-2)) @ U.mT
            X = pinv_A @ B_matrix
        if vector:
            X = X.squeeze(-1)

    def backward(saved, grads):
        A, B = saved
        g = grads[0]
        if g is None:
            return [None, None]
        g_m = g.unsqueeze(-1) if vector else g
        B_m = B.unsqueeze(-1) if vector else B
        # The solution is pinv(A) B.
        pinv_A = pinv(A)
        gA = _pinv_backward(g_m @ B_m.mT, pinv_A, A)
        gB = pinv_A.mT @ g_m
        return [gA, gB.squeeze(-1) if vector else gB]

    (X,) = record("LinalgLstsqBackward0", backward, [A, B], [X], saved=[A, B])
    empty = tensor([], **options)
    full_rank = min(m, n) > 0 and bool((rank == n).all())
    if driver != "gelsy" and m > n and full_rank:
        X_m = X.unsqueeze(-1) if vector else X
        residuals = ((A @ X_m - B_matrix) ** 2).sum(-2)
        if vector:
            residuals = residuals.squeeze(-1)
    else:
        residuals = empty
    return _returns.Lstsq(
        X,
        residuals,
        tensor([], dtype=int64, device=A.device) if driver == "gels" else rank,
        S if driver in ("gelsd", "gelss") else empty,
    )
