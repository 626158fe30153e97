"""The LU family: ``linalg.lu_factor(_ex)``, ``linalg.lu``, ``linalg.lu_solve`` and the older
``torch.lu``, ``torch.lu_unpack``, ``torch.lu_solve``.

The factorization is the Rust kernel ``linalg_lu_factor`` (LAPACK's ``getrf``: ``A = P L U``
with partial pivoting, for any ``m × n`` matrix), recorded as one node whose backward is
written below with differentiable operations (so it has a second derivative). Everything else
(unpacking the factors, solving with them) is a composition of differentiable operations on
the packed ``LU`` tensor, so gradients reach ``LU`` and ``B`` without further rules.

The backward of ``A = P L U`` (k = min(m, n); ``gL`` the strictly lower part of the gradient of
the packed ``LU``, ``gU`` its upper part, ``⟨·,·⟩`` the trace inner product):

* ``m <= n`` (square or wide, ``U = [U₁ U₂]`` with ``U₁`` k × k): put ``X = L⁻¹ Pᵀ dA``. Then
  ``M = L⁻¹ dL = (X₁ U₁⁻¹)`` strictly lower part and ``dU = X - M U``, so the loss changes by
  ``⟨gU, X⟩ + ⟨Lᵀ gL - gU Uᵀ, M⟩``, hence ``gX = gU + [(Lᵀ gL - gU Uᵀ)₋ U₁⁻ᵀ | 0]`` (``Z₋``
  the strictly lower part of ``Z``) and ``gA = P L⁻ᵀ gX``.
* ``m > n`` (tall, ``L = [L₁; L₂]`` with ``L₁`` k × k): put ``Y = Pᵀ dA U⁻¹``. Then
  ``N = dU U⁻¹ = (L₁⁻¹ Y₁)`` upper part and ``dL = Y - L N``, so the loss changes by
  ``⟨gL, Y⟩ + ⟨gU Uᵀ - Lᵀ gL, N⟩``, hence ``gY = gL + [L₁⁻ᵀ (gU Uᵀ - Lᵀ gL)₊; 0]`` (``Z₊`` the
  upper part) and ``gA = P gY U⁻ᵀ``.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._creation import empty, eye
from .._dtype import kernel_not_implemented
from .._mixins.structure import constant
from .._tensor_functions import cat
from ..autograd.grad_mode import no_grad
from . import _returns
from ._common import broadcast_batch, check_tensor, dtype_name, kernel, raise_for_info, record
from .solvers import solve_triangular

# ---------------------------------------------------------------------------------- checks


def _check_factor_input(name: str, A, pivot: bool):
    check_tensor(name.split(".")[-1], A)
    if A.ndim < 2:
        raise RuntimeError(
            f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: "
            f"{list(A.shape)} instead"
        )
    if not A.is_floating_point():
        raise kernel_not_implemented("lu_cpu", A.dtype)
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")


def _zero_pivot_message(code) -> str:
    return (
        f"U[{code},{code}] is zero and using it on lu_solve would result in a division by zero. "
        "If you still want to perform the factorization, consider calling linalg.lu(A, pivot) "
        "or linalg.lu_factor_ex(A, pivot)"
    )


# ----------------------------------------------------------------------------- factorization


def lu_factor_ex(A, *, pivot: bool = True, check_errors: bool = False, out=None):
    """``(LU, pivots, info)``: the packed LU factorization ``A = P L U`` of each ``m × n``
    matrix of ``A`` (``L`` below the diagonal of ``LU`` with an implicit unit diagonal, ``U`` on
    and above it), LAPACK's 1-based ``pivots`` (int32) and ``info`` (0, or ``i`` when ``U[i, i]``
    is the first zero pivot). With ``check_errors`` a zero pivot raises. Only ``pivot=True``
    exists on the CPU, as in PyTorch."""
    result = _lu_factor(A, pivot, check_errors, "torch.linalg.lu_factor_ex")
    return _write(result, out, "linalg_lu_factor_ex")


def lu_factor(A, *, pivot: bool = True, out=None):
    """``(LU, pivots)`` of ``lu_factor_ex``; a zero pivot (a singular matrix) raises."""
    LU, pivots, _ = _lu_factor(A, pivot, True, "torch.linalg.lu_factor")
    return _write(_returns.LuFactor(LU, pivots), out, "linalg_lu_factor")


def _lu_factor(A, pivot, check_errors, name):
    _check_factor_input(name.removeprefix("torch."), A, pivot)
    with no_grad():
        LU, pivots, info = kernel("linalg_lu_factor", A)
        if bool((info != 0).any()):
            LU, pivots = _refactor_singular(A, LU, pivots, info)
    if check_errors:
        raise_for_info(name, info, _zero_pivot_message)
    LU, pivots, info = record(
        "LinalgLuFactorExBackward0",
        _lu_factor_backward,
        [A],
        [LU, pivots, info],
        saved=[0, 1],
    )
    return _returns.LuFactorEx(LU, pivots, info)


def _refactor_singular(A, LU, pivots, info):
    """``(LU, pivots)`` with the matrices that have a zero pivot factored again on the host:
    the kernel divides by that pivot (filling the rest with NaN, which also spoils the later
    pivot choices), where LAPACK skips the division and carries on, as PyTorch's results
    show."""
    factors = LU.detach().cpu().numpy().copy()
    swaps = pivots.detach().cpu().numpy().copy()
    matrices = A.detach().cpu().numpy().reshape(-1, *A.shape[-2:])
    flat_factors = factors.reshape(-1, *A.shape[-2:])
    flat_swaps = swaps.reshape(-1, swaps.shape[-1])
    for index in np.flatnonzero(info.detach().cpu().numpy().reshape(-1)):
        packed, rows = _getf2(matrices[index].astype(np.float64))
        flat_factors[index] = packed
        flat_swaps[index] = rows
    return constant(factors, LU).to(LU.dtype), constant(swaps, pivots)


def _getf2(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The packed LU factors of one matrix and LAPACK's 1-based pivots, column by column with
    partial pivoting; a column with a zero pivot is left as it is."""
    m, n = a.shape
    pivots = np.empty(min(m, n), dtype=np.int32)
    for j in range(min(m, n)):
        p = j + int(np.argmax(np.abs(a[j:, j])))
        pivots[j] = p + 1
        a[[j, p]] = a[[p, j]]
        if a[j, j] != 0:
            a[j + 1 :, j] /= a[j, j]
        a[j + 1 :, j + 1 :] -= np.outer(a[j + 1 :, j], a[j, j + 1 :])
    return a, pivots


def _lu_factor_backward(saved, grads):
    LU, pivots = saved
    g = grads[0]
    if g is None:
        return [None]
    m, n = LU.shape[-2], LU.shape[-1]
    k = min(m, n)
    P = _permutation(pivots, m, LU)
    L, U = _unpack_data(LU)
    gL, gU = _unpack_parts(g)
    if m <= n:
        U1 = U[..., :, :k]
        lower = (L.mT @ gL - gU @ U.mT).tril(-1)
        correction = solve_triangular(U1.mT, lower, upper=False, left=False)
        if n > k:
            correction = cat([correction, (gU[..., :, k:] * 0)], -1)
        gX = gU + correction
        return [P @ solve_triangular(L.mT, gX, upper=True, unitriangular=True)]
    L1 = L[..., :k, :]
    upper = (gU @ U.mT - L.mT @ gL).triu()
    correction = solve_triangular(L1.mT, upper, upper=True, unitriangular=True)
    correction = cat([correction, gL[..., k:, :] * 0], -2)
    gY = gL + correction
    return [P @ solve_triangular(U.mT, gY, upper=False, left=False)]


# ----------------------------------------------------------------------------- unpacking


def _unpack_parts(LU):
    """The strictly lower ``m × k`` part and the upper ``k × n`` part of ``LU`` (no unit
    diagonal added): where the gradients of ``L`` and ``U`` sit in a packed gradient."""
    m, n = LU.shape[-2], LU.shape[-1]
    k = min(m, n)
    return LU[..., :, :k].tril(-1), LU[..., :k, :].triu()


def _unpack_data(LU):
    """``L`` (``m × k``, unit diagonal) and ``U`` (``k × n``) from the packed ``LU``."""
    lower, upper = _unpack_parts(LU)
    m, k = lower.shape[-2], lower.shape[-1]
    return lower + eye(m, k, dtype=LU.dtype, device=LU.device), upper


def _permutation(pivots, m: int, like):
    """The ``m × m`` permutation matrix ``P`` with ``A = P L U`` for LAPACK's sequential row
    swaps ``pivots`` (row ``i`` swapped with row ``pivots[i] - 1``), in ``like``'s dtype."""
    swaps = pivots.detach().cpu().numpy().astype(np.int64) - 1
    batch = swaps.shape[:-1]
    flat = swaps.reshape(int(np.prod(batch)), swaps.shape[-1])
    order = np.tile(np.arange(m), (flat.shape[0], 1))
    rows = np.arange(flat.shape[0])
    for i in range(flat.shape[-1]):
        target = flat[:, i]
        order[rows, i], order[rows, target] = order[rows, target], order[rows, i].copy()
    # Row i of Pᵀ A is row order[i] of A: P[order[i], i] = 1.
    P = np.zeros((flat.shape[0], m, m))
    P[rows[:, None], order, np.arange(m)[None, :]] = 1.0
    return constant(P.reshape(*batch, m, m), like).to(like.dtype)


def _check_pivots(name: str, LU, pivots):
    check_tensor(name.split(".")[-1], pivots, "pivots")
    if str(pivots.dtype) != "ferrograd.int32":
        raise RuntimeError(f"{name}: pivots should be a Tensor of scalar type torch.int32")
    k = min(LU.shape[-2], LU.shape[-1])
    if tuple(pivots.shape) != (*LU.shape[:-2], k):
        raise RuntimeError(
            f"{name}: Expected pivots of shape {[*LU.shape[:-2], k]} for an LU of shape "
            f"{list(LU.shape)}, got {list(pivots.shape)}"
        )
    values = pivots.detach().cpu().numpy()
    if values.size and (values.min() < 1 or values.max() > LU.shape[-2]):
        raise RuntimeError(f"{name}: pivots must be between 1 and {LU.shape[-2]}")


def lu_unpack(
    LU_data, LU_pivots, unpack_data: bool = True, unpack_pivots: bool = True, *, out=None
):
    """``(P, L, U)`` from ``lu_factor``'s packed result (``A = P L U``); a part not asked for
    is an empty tensor. ``L`` and ``U`` are differentiable in ``LU_data``."""
    name = "torch.lu_unpack"
    check_tensor("lu_unpack", LU_data, "LU_data")
    if LU_data.ndim < 2:
        raise RuntimeError(
            f"{name}: Expected tensor with 2 or more dimensions. Got size: "
            f"{list(LU_data.shape)} instead"
        )
    nothing = empty(0, dtype=LU_data.dtype, device=LU_data.device)
    L, U = _unpack_data(LU_data) if unpack_data else (nothing, nothing)
    P = nothing
    if unpack_pivots:
        _check_pivots(name, LU_data, LU_pivots)
        P = _permutation(LU_pivots, LU_data.shape[-2], LU_data)
    return _write(_returns.LuUnpack(P, L, U), out, "lu_unpack")


def lu(A, *, pivot: bool = True, out=None):
    """``(P, L, U)`` with ``A = P L U`` for each ``m × n`` matrix of ``A``: ``P`` a
    permutation, ``L`` ``m × k`` unit lower triangular, ``U`` ``k × n`` upper triangular
    (``k = min(m, n)``). Differentiable in ``A``."""
    LU, pivots, _ = _lu_factor(A, pivot, False, "torch.linalg.lu")
    P, L, U = lu_unpack(LU, pivots)
    return _write(_returns.Lu(P, L, U), out, "linalg_lu")


# ----------------------------------------------------------------------------------- solve


def lu_solve(LU, pivots, B, *, left: bool = True, adjoint: bool = False, out=None):
    """The solution ``X`` of ``A X = B`` for ``A = P L U`` given as ``lu_factor(A)``;
    ``adjoint`` solves with ``Aᵀ``, ``left=False`` solves ``X A = B`` (or ``X Aᵀ = B``).
    Batch dimensions broadcast. Differentiable in ``LU`` and ``B``."""
    name = "linalg.lu_solve"
    check_tensor("lu_solve", LU, "LU")
    check_tensor("lu_solve", B, "B")
    for argument, value in (("LU", LU), ("B", B)):
        if value.ndim < 2:
            raise RuntimeError(
                f"{name}: The input tensor {argument} must have at least 2 dimensions."
            )
    if LU.shape[-1] != LU.shape[-2]:
        raise RuntimeError(
            f"torch.{name}: A must be batches of square matrices, but they are "
            f"{LU.shape[-2]} by {LU.shape[-1]} matrices"
        )
    if not LU.is_floating_point():
        raise NotImplementedError(
            f"{name}: Expected a floating point or complex tensor as input. "
            f"Got {dtype_name(LU.dtype)}"
        )
    if LU.dtype != B.dtype:
        raise RuntimeError(
            f"{name}: Expected LU and B to have the same dtype, but found LU of type "
            f"{dtype_name(LU.dtype)} and B of type {dtype_name(B.dtype)} instead"
        )
    n = LU.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(
            f"{name}: Incompatible shapes of A and B for the equation {equation} "
            f"({n}x{n} and {B.shape[-2]}x{B.shape[-1]})"
        )
    _check_pivots(name, LU, pivots)
    P = _permutation(pivots, n, LU)
    L, U = _unpack_data(LU)
    P, _ = broadcast_batch(P, B)

    def lower(M, on_left):
        return solve_triangular(L, M, upper=False, left=on_left, unitriangular=True)

    def lower_t(M, on_left):
        return solve_triangular(L.mT, M, upper=True, left=on_left, unitriangular=True)

    def upper(M, on_left):
        return solve_triangular(U, M, upper=True, left=on_left)

    def upper_t(M, on_left):
        return solve_triangular(U.mT, M, upper=False, left=on_left)

    if left and not adjoint:  # U⁻¹ L⁻¹ Pᵀ B
        X = upper(lower(P.mT @ B, True), True)
    elif left:  # Aᵀ X = B: X = P L⁻ᵀ U⁻ᵀ B
        X = P @ lower_t(upper_t(B, True), True)
    elif not adjoint:  # X P L U = B: X = B U⁻¹ L⁻¹ Pᵀ
        X = lower(upper(B, False), False) @ P.mT
    else:  # X Uᵀ Lᵀ Pᵀ = B: X = B P L⁻ᵀ U⁻ᵀ
        X = upper_t(lower_t(B @ P, False), False)
    return _write(X, out, "linalg_lu_solve")


# --------------------------------------------------------------------------- torch.* names


def lu_solve_legacy(b, LU_data, LU_pivots, *, out=None):
    """``torch.lu_solve(b, LU_data, LU_pivots)``: ``linalg.lu_solve(LU_data, LU_pivots, b)``
    (deprecated in PyTorch; note the argument order)."""
    warnings.warn(
        "torch.lu_solve is deprecated in favor of torch.linalg.lu_solve and will be removed in "
        "a future PyTorch release. Note that torch.linalg.lu_solve has its arguments reversed: "
        "X = torch.lu_solve(B, LU, pivots) should be replaced with "
        "X = torch.linalg.lu_solve(LU, pivots, B)",
        UserWarning,
        stacklevel=2,
    )
    return _write(lu_solve(LU_data, LU_pivots, b), out, "lu_solve")


def lu_legacy(A, pivot: bool = True, get_infos: bool = False, out=None):
    """``torch.lu``: ``(LU, pivots)``, or ``(LU, pivots, infos)`` with ``get_infos`` (deprecated
    in PyTorch in favour of ``linalg.lu_factor(_ex)``). A singular matrix does not raise."""
    warnings.warn(
        "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex "
        "and will be removed in a future PyTorch release.",
        UserWarning,
        stacklevel=2,
    )
    LU, pivots, info = _lu_factor(A, pivot, False, "torch.linalg.lu_factor_ex")
    result = _returns.LuWithInfo(LU, pivots, info) if get_infos else (LU, pivots)
    return _write(result, out, "lu")


def _write(result, out, op: str):
    """``result`` (a tensor or a named tuple of them) copied into ``out`` when it is given."""
    if out is None:
        return result
    from .._ops_out import write_out

    return write_out(op, result, out)
