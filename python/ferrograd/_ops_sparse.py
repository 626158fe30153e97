"""The sparse COO surface at the top level and on dense tensors: ``sparse_coo_tensor``,
``spmm``, and the methods ``to_sparse``, ``to_dense``, ``sparse_mask``, ``is_sparse``,
``sparse_dim``/``dense_dim`` of a dense tensor. The sparse type itself lives in
``ferrograd.sparse``."""

from __future__ import annotations

__all__ = ["sparse_coo_tensor", "spmm"]


def sparse_coo_tensor(indices, values=None, size=None, **kwargs):
    """A sparse COO tensor from ``indices`` ``(sparse_dim, nnz)`` and ``values``
    ``(nnz, *dense sizes)``; see ``ferrograd.sparse._construct.sparse_coo_tensor``."""
    from .sparse._construct import sparse_coo_tensor as make

    return make(indices, values, size, **kwargs)


def spmm(input, mat2):
    """``input @ mat2`` for a sparse COO ``input`` and a dense ``mat2`` (``sparse.mm``)."""
    from .sparse import mm

    return mm(input, mat2)


def _strided_only(name: str) -> RuntimeError:
    return RuntimeError(f"{name} expected sparse coordinate tensor layout but got Strided")


class SparseMixin:
    """What a dense (strided) tensor says and does about the sparse layout."""

    __slots__ = ()

    @property
    def is_sparse(self) -> bool:
        return False

    @property
    def is_sparse_csr(self) -> bool:
        return False

    def sparse_dim(self) -> int:
        return 0

    def dense_dim(self) -> int:
        return self.ndim

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        """The sparse COO form: the first ``sparse_dim`` dimensions (all by default) indexed,
        an entry stored wherever its slice has a nonzero; coalesced, differentiable."""
        from .sparse._construct import dense_to_sparse

        return dense_to_sparse(
            self, sparse_dim, layout=layout, blocksize=blocksize, dense_dim=dense_dim
        )

    def to_dense(self, dtype=None, *, masked_grad=None):
        """``self`` (already dense)."""
        return self if dtype is None else self.to(dtype)

    def sparse_mask(self, mask):
        """This tensor's elements at the positions the sparse ``mask`` stores, as a sparse
        tensor with ``mask``'s indices (differentiable in ``self``)."""
        from .sparse._ops import sparse_mask

        return sparse_mask(self, mask)

    def coalesce(self):
        raise _strided_only("coalesce")

    def is_coalesced(self):
        raise _strided_only("is_coalesced")
