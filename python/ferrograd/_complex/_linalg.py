"""Complex linear algebra the eigen-decomposition's gradient needs, on the real engine: a
complex system ``M Z = Y`` is the real system of twice the size ``[[Mr, -Mi], [Mi, Mr]]
[Zr; Zi] = [Yr; Yi]``, solved by the differentiable real ``solve``."""

from __future__ import annotations

from ._tensor import make


def solve(M, Y):
    """``Z`` with ``M @ Z = Y`` for complex (batches of) square ``M`` and matrices ``Y``."""
    from .._tensor_functions import cat
    from ..linalg import solve as real_solve

    n = M.shape[-1]
    Mr, Mi = M.real, M.imag
    block = cat([cat([Mr, -Mi], -1), cat([Mi, Mr], -1)], -2)
    Yr, Yi = Y.real, Y.imag
    Z = real_solve(block, cat([Yr, Yi], -2))
    from ._math import join

    return make(join(Z[..., :n, :], Z[..., n:, :]))


def diagonal(z, offset: int = 0, dim1: int = -2, dim2: int = -1):
    """The diagonal of complex matrices (a view, as ``Tensor.diagonal``)."""
    from .._mixins.structure import wrap_dim

    dim1, dim2 = wrap_dim(dim1, z.ndim), wrap_dim(dim2, z.ndim)
    # the parts' diagonal comes last, after the parts' dimension: put that back at the end
    return make(z._parts.diagonal(offset, dim1, dim2).movedim(-2, -1))


def diag_embed(z):
    """Square matrices with ``z``'s last dimension on their diagonals."""
    return make(z._parts.movedim(-1, -2).diag_embed().movedim(-3, -1).contiguous())
