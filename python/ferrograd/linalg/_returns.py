"""The named tuples ``linalg`` functions return, with PyTorch's field names
(``torch.return_types.linalg_*``)."""

from collections import namedtuple

InvEx = namedtuple("linalg_inv_ex", ["inverse", "info"])
SolveEx = namedtuple("linalg_solve_ex", ["result", "info"])
CholeskyEx = namedtuple("linalg_cholesky_ex", ["L", "info"])
Slogdet = namedtuple("linalg_slogdet", ["sign", "logabsdet"])
LegacySlogdet = namedtuple("slogdet", ["sign", "logabsdet"])
Qr = namedtuple("linalg_qr", ["Q", "R"])
Svd = namedtuple("linalg_svd", ["U", "S", "Vh"])
LegacySvd = namedtuple("svd", ["U", "S", "V"])
Eigh = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
Eig = namedtuple("linalg_eig", ["eigenvalues", "eigenvectors"])
Lstsq = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
LuFactor = namedtuple("linalg_lu_factor", ["LU", "pivots"])
LuFactorEx = namedtuple("linalg_lu_factor_ex", ["LU", "pivots", "info"])
Lu = namedtuple("linalg_lu", ["P", "L", "U"])
LuUnpack = namedtuple("lu_unpack", ["P", "L", "U"])
LuWithInfo = namedtuple("_lu_with_info", ["LU", "pivots", "info"])
