"""``ferrograd.linalg``: PyTorch's ``torch.linalg`` on batches of float32/float64 matrices.

The factorizations (LU, Cholesky, QR, SVD, eigen, triangular solves) are Rust kernels over
the ``faer`` crate (``rust/ferrograd/src/linalg/``); everything else, and every gradient, is
written here with differentiable ``ferrograd`` operations (see ``_common.record``)."""

from ._common import LinAlgError
from .decompositions import eig, eigh, eigvals, eigvalsh, qr, svd, svdvals
from .leastsquares import lstsq, matrix_rank, pinv
from ._lu import lu, lu_factor, lu_factor_ex, lu_solve
from .norms import cond, matrix_norm, norm, vector_norm
from .products import (
    cross,
    diagonal,
    householder_product,
    matmul,
    matrix_exp,
    multi_dot,
    tensorinv,
    tensorsolve,
    vander,
    vecdot,
)
from .solvers import (
    cholesky,
    cholesky_ex,
    det,
    inv,
    inv_ex,
    matrix_power,
    slogdet,
    solve,
    solve_ex,
    solve_triangular,
)

__all__ = [
    "LinAlgError",
    "cholesky",
    "cholesky_ex",
    "cond",
    "cross",
    "det",
    "diagonal",
    "eig",
    "eigh",
    "eigvals",
    "eigvalsh",
    "householder_product",
    "inv",
    "inv_ex",
    "lstsq",
    "lu",
    "lu_factor",
    "lu_factor_ex",
    "lu_solve",
    "matmul",
    "matrix_exp",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "multi_dot",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "solve_ex",
    "solve_triangular",
    "svd",
    "svdvals",
    "tensorinv",
    "tensorsolve",
    "vander",
    "vecdot",
    "vector_norm",
]
from . import _aliases  # noqa: F401 - the torch-namespace names, read by ferrograd/__init__
