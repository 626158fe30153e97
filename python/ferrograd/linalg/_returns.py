"""The named tuples ``linalg`` functions return, with PyTorch's field names
(``torch.return_types.linalg_*``)."""

from .. import return_types

InvEx = return_types.linalg_inv_ex
SolveEx = return_types.linalg_solve_ex
CholeskyEx = return_types.linalg_cholesky_ex
Slogdet = return_types.linalg_slogdet
LegacySlogdet = return_types.slogdet
Qr = return_types.linalg_qr
Svd = return_types.linalg_svd
LegacySvd = return_types.svd
Eigh = return_types.linalg_eigh
Eig = return_types.linalg_eig
Lstsq = return_types.linalg_lstsq
LuFactor = return_types.linalg_lu_factor
LuFactorEx = return_types.linalg_lu_factor_ex
Lu = return_types.linalg_lu
LuUnpack = return_types.lu_unpack
LuWithInfo = return_types._lu_with_info
