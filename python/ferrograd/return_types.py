"""The tuples with named fields that functions returning several tensors give, as
``torch.return_types``: ``values, indices = x.max(dim=1)`` unpacks one, ``result.indices`` reads
a field, and each prints as PyTorch's, one field a line, under its operation's name::

    ferrograd.return_types.max(
    values=tensor([5., 4.]),
    indices=tensor([1, 1]))
"""

from __future__ import annotations

from collections import namedtuple

_FIELDS = {
    "max": ("values", "indices"),
    "min": ("values", "indices"),
    "sort": ("values", "indices"),
    "topk": ("values", "indices"),
    "kthvalue": ("values", "indices"),
    "mode": ("values", "indices"),
    "median": ("values", "indices"),
    "nanmedian": ("values", "indices"),
    "cummax": ("values", "indices"),
    "cummin": ("values", "indices"),
    "aminmax": ("min", "max"),
    "frexp": ("mantissa", "exponent"),
    "histogram": ("hist", "bin_edges"),
    "histogramdd": ("hist", "bin_edges"),
    "slogdet": ("sign", "logabsdet"),
    "svd": ("U", "S", "V"),
    "linalg_inv_ex": ("inverse", "info"),
    "linalg_solve_ex": ("result", "info"),
    "linalg_cholesky_ex": ("L", "info"),
    "linalg_slogdet": ("sign", "logabsdet"),
    "linalg_qr": ("Q", "R"),
    "linalg_svd": ("U", "S", "Vh"),
    "linalg_eigh": ("eigenvalues", "eigenvectors"),
    "linalg_eig": ("eigenvalues", "eigenvectors"),
    "linalg_lstsq": ("solution", "residuals", "rank", "singular_values"),
    "linalg_lu_factor": ("LU", "pivots"),
    "linalg_lu_factor_ex": ("LU", "pivots", "info"),
    "linalg_lu": ("P", "L", "U"),
    "lu_unpack": ("P", "L", "U"),
    "_lu_with_info": ("LU", "pivots", "info"),
}


def _repr(self) -> str:
    fields = ",\n".join(f"{name}={value!r}" for name, value in zip(self._fields, self, strict=True))
    return f"ferrograd.return_types.{type(self).__name__}(\n{fields})"


def _return_type(name: str, fields: tuple[str, ...]) -> type:
    """A named tuple class ``ferrograd.return_types.<name>`` (found there by pickle)."""
    return type(
        name,
        (namedtuple(name, fields),),
        {"__slots__": (), "__repr__": _repr, "__str__": _repr, "__module__": __name__},
    )


globals().update({name: _return_type(name, fields) for name, fields in _FIELDS.items()})

__all__ = list(_FIELDS)
