"""The linear algebra functions of the ``torch`` namespace and their ``Tensor`` methods:
older names and signatures of ``torch.linalg`` functions (``torch.inverse``, ``torch.svd``
returning ``V``, ``torch.pinverse``, ...)."""

from __future__ import annotations

import warnings

from . import _returns
from ._common import check_tensor
from ._lu import lu_legacy as lu, lu_solve_legacy as lu_solve, lu_unpack
from .decompositions import legacy_svd, qr as linalg_qr
from .leastsquares import pinv
from .products import matrix_exp as linalg_matrix_exp, multi_dot
from .solvers import (
    cholesky as linalg_cholesky,
    cholesky_inverse,
    cholesky_solve,
    det as linalg_det,
    inv,
    logdet as linalg_logdet,
    matrix_power as linalg_matrix_power,
    slogdet as linalg_slogdet,
)


def inverse(input):
    """The inverse of each square matrix (``torch.linalg.inv``)."""
    return inv(input)


def det(input):
    return linalg_det(input)


def logdet(input):
    """``log(det(input))``: NaN for a negative determinant, -inf for 0."""
    return linalg_logdet(input)


def slogdet(input):
    sign, logabsdet = linalg_slogdet(input)
    return _returns.LegacySlogdet(sign, logabsdet)


def svd(input, some: bool = True, compute_uv: bool = True):
    """``(U, S, V)`` with ``input = U diag(S) Vᵀ`` (``V``, not ``Vh``: see ``linalg.svd``)."""
    return legacy_svd(input, some, compute_uv)


def pinverse(input, rcond: float = 1e-15):
    """The pseudo-inverse, singular values below ``rcond`` times the largest one counted as
    zero."""
    return pinv(input, rtol=rcond)


def matrix_exp(input):
    return linalg_matrix_exp(input)


def chain_matmul(*matrices):
    """The product of two or more matrices in the cheapest order (``linalg.multi_dot``, which
    PyTorch deprecates it for); one matrix is returned as it is."""
    warnings.warn(
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. "
        "Use torch.linalg.multi_dot instead, which accepts a list of two or more tensors "
        "rather than multiple parameters.",
        UserWarning,
        stacklevel=2,
    )
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for t in matrices:
        if check_tensor("chain_matmul", t, "matrices").ndim != 2:
            raise RuntimeError(f"Tensor dimension is {t.ndim}, expected 2 instead.")
    return matrices[0] if len(matrices) == 1 else multi_dot(matrices)


def matrix_power(input, n: int):
    return linalg_matrix_power(input, n)


def cholesky(input, upper: bool = False):
    """The Cholesky factor (``torch.linalg.cholesky``; ``upper`` returns ``U = Lᵀ``)."""
    return linalg_cholesky(input, upper=upper)


def qr(input, some: bool = True):
    """``(Q, R)``: reduced with ``some``, complete otherwise."""
    return linalg_qr(input, "reduced" if some else "complete")


__all__ = [
    "chain_matmul",
    "cholesky",
    "cholesky_inverse",
    "cholesky_solve",
    "det",
    "inverse",
    "logdet",
    "lu",
    "lu_solve",
    "lu_unpack",
    "matrix_exp",
    "matrix_power",
    "pinverse",
    "qr",
    "slogdet",
    "svd",
]


class LinalgMixin:
    """``Tensor`` methods for linear algebra, each the ``torch`` function of the same name."""

    __slots__ = ()

    def inverse(self):
        return inverse(self)

    def det(self):
        return det(self)

    def logdet(self):
        return logdet(self)

    def slogdet(self):
        return slogdet(self)

    def svd(self, some: bool = True, compute_uv: bool = True):
        return svd(self, some, compute_uv)

    def pinverse(self, rcond: float = 1e-15):
        return pinverse(self, rcond)

    def matrix_exp(self):
        return matrix_exp(self)

    def matrix_power(self, n: int):
        return matrix_power(self, n)

    def cholesky(self, upper: bool = False):
        return cholesky(self, upper)

    def cholesky_solve(self, input2, upper: bool = False):
        return cholesky_solve(self, input2, upper)

    def cholesky_inverse(self, upper: bool = False):
        return cholesky_inverse(self, upper)

    def qr(self, some: bool = True):
        return qr(self, some)

    def lu(self, pivot: bool = True, get_infos: bool = False):
        return lu(self, pivot, get_infos)

    def lu_solve(self, LU_data, LU_pivots):
        return lu_solve(self, LU_data, LU_pivots)
