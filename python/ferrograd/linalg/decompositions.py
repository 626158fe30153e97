"""QR, singular value and eigen decompositions, with PyTorch's derivative rules (written with
differentiable operations, so they differentiate again)."""

from __future__ import annotations

from .._creation import eye, zeros
from ..autograd.grad_mode import no_grad
from . import _returns
from ._common import (
    check_matrix,
    check_square,
    kernel,
    needs_full_decomposition,
    raise_for_info,
    record,
)
from .solvers import solve_triangular

__all__ = ["eig", "eigh", "eigvals", "eigvalsh", "qr", "svd", "svdvals"]

# ------------------------------------------------------------------------------------- QR


def qr(A, mode: str = "reduced"):
    """``A = Q R`` with ``Q`` orthonormal columns and ``R`` upper triangular. ``mode``:
    ``'reduced'`` (``Q`` is m×k, ``R`` k×n, k = min(m, n)), ``'complete'`` (``Q`` m×m, ``R``
    m×n) or ``'r'`` (``R`` only; ``Q`` is empty)."""
    check_matrix("linalg.qr", A)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
            "'r', or 'complete'"
        )
    with no_grad():
        Q, R = kernel("linalg_qr", A, mode)
    m, n = A.shape[-2], A.shape[-1]

    def backward(saved, grads):
        if mode == "r":
            raise RuntimeError(
                "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                "Please use linalg.qr(A, mode='reduced') if you are going to differentiate "
                "through linalg.qr."
            )
        if mode == "complete" and m > n:
            raise RuntimeError(
                "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
            )
        Q, R = saved
        gQ, gR = grads
        gQ = Q * 0 if gQ is None else gQ
        gR = R * 0 if gR is None else gR
        if m >= n:
            return [_qr_backward_tall(Q, R, gQ, gR)]
        # A = [X | Y] with X = Q U (U square) and Y = Q V: X's factors get the gradient of Q
        # moved by Y gVᵀ, and Y's is Q gV.
        Y = Q @ R[..., m:]
        gV = gR[..., m:]
        gX = _qr_backward_tall(Q, R[..., :m], gQ + Y @ gV.mT, gR[..., :m])
        return [_cat_last(gX, Q @ gV)]

    Q, R = record("LinalgQrBackward0", backward, [A], [Q, R], saved=[0, 1])
    return _returns.Qr(Q, R)


def _cat_last(a, b):
    from .. import _core

    return _core.cat([a, b], a.ndim - 1)


def _qr_backward_tall(Q, R, gQ, gR):
    """The gradient of ``A = Q R`` (m ≥ n, ``R`` square and invertible):
    ``(gQ + Q copyltu(M)) R⁻ᵀ`` with ``M = R gRᵀ - gQᵀ Q`` and ``copyltu`` the symmetric matrix
    with ``M``'s lower triangle."""
    M = R @ gR.mT - gQ.mT @ Q
    lower = M.tril()
    symmetric = lower + lower.tril(-1).mT
    b = gQ + Q @ symmetric
    return solve_triangular(R.mT, b, upper=False, left=False)


# -------------------------------------------------------------------------------- SVD


def _svd_failed(code) -> str:
    if code == 1:
        return (
            "The algorithm failed to converge because the input matrix contained non-finite values."
        )
    return (
        "The algorithm failed to converge because the input matrix is ill-conditioned or has "
        "too many repeated singular values (error code: 2)."
    )


def _check_no_driver(driver) -> None:
    if driver is not None:
        raise RuntimeError(
            "torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
            "cuSOLVER backend."
        )


def svd(A, full_matrices: bool = True, *, driver=None):
    """``A = U diag(S) Vh`` with singular values ``S`` non-negative, in descending order.
    ``full_matrices`` gives square ``U`` (m×m) and ``Vh`` (n×n); otherwise they have
    k = min(m, n) columns / rows. Singular vectors are unique only up to sign: the gradient is
    defined for functions that do not depend on those signs (and is infinite where singular
    values repeat, as in PyTorch)."""
    check_matrix("linalg.svd", A)
    _check_no_driver(driver)
    with no_grad():
        U, S, Vh, info = kernel("linalg_svd", A, "full" if full_matrices else "thin")
    raise_for_info("linalg.svd", info, _svd_failed)
    m, n = A.shape[-2], A.shape[-1]
    k = min(m, n)

    def backward(saved, grads):
        U, S, Vh = saved
        gU, gS, gVh = grads
        if full_matrices and m != n:
            # Only the first k columns of U (rows of Vh) are determined by A; the gradient of
            # the others is ignored, as in PyTorch.
            U, Vh = U[..., :k], Vh[..., :k, :]
            gU = None if gU is None else gU[..., :k]
            gVh = None if gVh is None else gVh[..., :k, :]
        return [_svd_backward(U, S, Vh, gU, gS, gVh, m, n)]

    U, S, Vh = record("LinalgSvdBackward0", backward, [A], [U, S, Vh], saved=[0, 1, 2])
    return _returns.Svd(U, S, Vh)


def _svd_backward(U, S, Vh, gU, gS, gVh, m, n):
    if gU is None and gVh is None:
        return None if gS is None else (U * gS.unsqueeze(-2)) @ Vh
    k = S.shape[-1]
    S_row, S_col = S.unsqueeze(-2), S.unsqueeze(-1)
    squared = S * S
    # E[i, j] = s_j² - s_i², with ones on the diagonal (where the skew parts vanish).
    E = squared.unsqueeze(-2) - squared.unsqueeze(-1) + eye(k, dtype=S.dtype, device=S.device)
    core = 0
    if gU is not None:
        UtgU = U.mT @ gU
        core = core + (UtgU - UtgU.mT) * S_row
    if gVh is not None:
        VtgV = Vh @ gVh.mT
        core = core + S_col * (VtgV - VtgV.mT)
    core = core / E
    if gS is not None:
        core = core + gS.diag_embed()
    if m > n and gU is not None:
        # The part of gU outside U's columns.
        gU_scaled = gU / S_row
        return (U @ core + gU_scaled - U @ (U.mT @ gU_scaled)) @ Vh
    if m < n and gVh is not None:
        gVh_scaled = gVh / S_col
        return U @ (core @ Vh + gVh_scaled - (gVh_scaled @ Vh.mT) @ Vh)
    return U @ core @ Vh


def svdvals(A, *, driver=None):
    """The singular values of each matrix of ``A``, in descending order."""
    check_matrix("linalg.svdvals", A)
    _check_no_driver(driver)
    if needs_full_decomposition(A):
        return svd(A, full_matrices=False).S
    with no_grad():
        _, S, _, info = kernel("linalg_svd", A, "none")
    raise_for_info("linalg.svd", info, _svd_failed)
    return S


def legacy_svd(input, some: bool = True, compute_uv: bool = True):
    """``torch.svd``: ``(U, S, V)`` with ``V`` (not ``Vh``); ``some=False`` gives full square
    factors; without ``compute_uv``, ``U`` and ``V`` are zero-filled m×m and n×n matrices."""
    check_matrix("svd", input, "input")
    if not compute_uv:
        m, n = input.shape[-2], input.shape[-1]
        batch = tuple(input.shape[:-2])
        options = {"dtype": input.dtype, "device": input.device}
        S = svdvals(input)
        return _returns.LegacySvd(zeros(*batch, m, m, **options), S, zeros(*batch, n, n, **options))
    U, S, Vh = svd(input, full_matrices=not some)
    return _returns.LegacySvd(U, S, Vh.mT)


# ------------------------------------------------------------------------------ eigen


def _check_uplo(name: str, UPLO) -> bool:
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO == "U"


def _eig_failed(code) -> str:
    if code == 1:
        return (
            "The algorithm failed to converge because the input matrix contained non-finite values."
        )
    return (
        "The algorithm failed to converge because the input matrix is ill-conditioned or has "
        "too many repeated eigenvalues (error code: 2)."
    )


def eigh(A, UPLO: str = "L"):
    """Eigenvalues (ascending) and orthonormal eigenvectors (columns) of each symmetric matrix
    of ``A``, read from its lower (``UPLO='L'``) or upper triangle. Eigenvectors are unique only
    up to sign (and within repeated eigenvalues): the gradient is defined for functions that do
    not depend on that choice."""
    check_square("linalg.eigh", A)
    upper = _check_uplo("linalg.eigh", UPLO)
    with no_grad():
        values, vectors, info = kernel("linalg_eigh", A, upper=upper, vectors=True)
    raise_for_info("linalg.eigh", info, _eig_failed)
    values, vectors = record(
        "LinalgEighBackward0", _eigh_backward, [A], [values, vectors], saved=[0, 1]
    )
    return _returns.Eigh(values, vectors)


def _eigenvalue_gaps(values):
    """``E[i, j] = λ_j - λ_i``, with ones on the diagonal."""
    n = values.shape[-1]
    return (
        values.unsqueeze(-2)
        - values.unsqueeze(-1)
        + eye(n, dtype=values.dtype.to_real(), device=values.device)
    )


def _eigh_backward(saved, grads):
    values, vectors = saved
    g_values, g_vectors = grads
    V = vectors
    if g_vectors is None:
        return [(V * g_values.unsqueeze(-2)) @ V.mT]
    VtgV = V.mT @ g_vectors
    # Projected on the skew-symmetric matrices (the tangent space of orthogonal V).
    core = 0.5 * (VtgV - VtgV.mT) / _eigenvalue_gaps(values)
    if g_values is not None:
        core = core + g_values.diag_embed()
    return [V @ core @ V.mT]


def eigvalsh(A, UPLO: str = "L"):
    """The eigenvalues (ascending) of each symmetric matrix of ``A``."""
    check_square("linalg.eigvalsh", A)
    upper = _check_uplo("linalg.eigvalsh", UPLO)
    if needs_full_decomposition(A):
        return eigh(A, UPLO).eigenvalues
    with no_grad():
        values, _, info = kernel("linalg_eigh", A, upper=upper, vectors=False)
    raise_for_info("linalg.eigvalsh", info, _eig_failed)
    return values


def eig(A):
    """Eigenvalues and eigenvectors (columns) of each square matrix of ``A``, complex as in
    PyTorch: each eigenvector has unit norm, and a complex one is turned so that its largest
    component is real (LAPACK's convention). The order of the eigenvalues is the solver's."""
    check_square("linalg.eig", A)
    values, vectors = _complex_eig(A, "linalg.eig")
    values, vectors = record(
        "LinalgEigBackward0",
        _eig_backward,
        [A],
        [values._parts, vectors._parts],
        saved=[0, 1],
        non_differentiable=[False, False],
    )
    return _returns.Eig(make_complex(values), make_complex(vectors))


def _complex_eig(A, name):
    """The eigenvalues and eigenvectors as complex tensors (no graph)."""
    import numpy as np

    from .._creation import from_numpy

    with no_grad():
        re, im, packed, info = kernel("linalg_eig", A)
    if bool((info == 1).any()):
        raise RuntimeError(f"torch.{name}: input tensor should not contain infs or NaNs.")
    raise_for_info(name, info, _eig_failed)
    real_parts, imag_parts = re.cpu().numpy(), im.cpu().numpy()
    columns = packed.cpu().numpy()
    vectors = columns.astype(np.result_type(columns.dtype, np.complex64))
    n = A.shape[-1]
    flat_vectors = vectors.reshape(-1, n, n)
    flat_columns, flat_imag = columns.reshape(-1, n, n), imag_parts.reshape(-1, n)
    for b in range(flat_vectors.shape[0]):
        j = 0
        while j < n:
            if flat_imag[b, j] == 0 or j + 1 == n:
                j += 1
                continue
            # a conjugate pair is packed as the real and imaginary parts of the first vector
            pair = flat_columns[b, :, j] + 1j * flat_columns[b, :, j + 1]
            flat_vectors[b, :, j], flat_vectors[b, :, j + 1] = pair, pair.conj()
            j += 2
    # LAPACK turns a complex vector so that its largest component is real, keeping the sign
    # of that component's real part (a rotation, DLARTG); it is then exactly real.
    complex_columns = (imag_parts != 0)[..., None, :]
    where_largest = np.abs(vectors).argmax(-2)[..., None, :]
    largest = np.take_along_axis(vectors, where_largest, -2)
    sign = np.where(largest.real < 0, -1.0, 1.0)
    phase = np.conj(largest) / np.maximum(np.abs(largest), np.finfo(columns.dtype).tiny) * sign
    vectors = vectors * np.where(complex_columns, phase, 1)
    np.put_along_axis(
        vectors, where_largest, np.take_along_axis(vectors, where_largest, -2).real, -2
    )
    values = real_parts + 1j * imag_parts
    dtype = A.dtype.to_complex()
    return (
        from_numpy(np.ascontiguousarray(values, dtype=dtype.name)).to(A.device),
        from_numpy(np.ascontiguousarray(vectors, dtype=dtype.name)).to(A.device),
    )


def make_complex(parts):
    from .._complex._tensor import make

    return make(parts)


def _eig_backward(saved, grads):
    """PyTorch's rule: ``gA = V^-H (V^H gV - V^H V Re(diag(V^H gV)) / conj(E) + diag(gL))
    V^H``, real part for a real ``A``; the loss must not depend on the eigenvectors' phases."""
    from .._complex._linalg import solve as complex_solve

    values, V = (make_complex(p) for p in saved)
    g_values, g_vectors = (None if g is None else make_complex(g) for g in grads)
    Vh = V.mH
    if g_vectors is None:
        core = g_values.diag_embed()
    else:
        VhgV = Vh @ g_vectors
        diag = VhgV.diagonal(0, -2, -1)
        if not bool((diag.imag.detach().abs() <= 1e-2 + 1e-2 * diag.abs().detach()).all()):
            raise RuntimeError(
                "linalg_eig_backward: The eigenvectors in the complex case are specified up to "
                "multiplication by e^{i phi}. The specified loss function depends on this "
                "quantity, so it is ill-defined."
            )
        # Projected on the tangent space of unit-norm columns.
        VhgV = VhgV - Vh @ (V * diag.real.unsqueeze(-2))
        core = VhgV / _eigenvalue_gaps(values.conj())
        if g_values is not None:
            core = core + g_values.diag_embed()
    return [complex_solve(Vh, core @ Vh).real]


def eigvals(A):
    """The eigenvalues of each square matrix of ``A``, complex (see ``eig``)."""
    check_square("linalg.eigvals", A)
    if needs_full_decomposition(A):
        return eig(A).eigenvalues
    return _complex_eig(A, "linalg.eigvals")[0]
