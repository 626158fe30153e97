"""Matrix functions and products: the matrix exponential, chained products, vector dot and
cross products, diagonals."""

from __future__ import annotations

import math

from .. import _core
from .._creation import eye, zeros
from .._dtype import float64
from ..autograd.grad_mode import no_grad
from ._common import (
    broadcast_shapes,
    check_float,
    check_matrix,
    check_square,
    check_tensor,
    kernel,
    record,
)

__all__ = [
    "cross",
    "diagonal",
    "householder_product",
    "matrix_exp",
    "multi_dot",
    "tensorinv",
    "tensorsolve",
    "vander",
    "vecdot",
]

# --------------------------------------------------------------------------- matrix_exp

# Higham (2005), "The scaling and squaring method for the matrix exponential revisited": the
# [13/13] Padé approximant's coefficients, and the largest 1-norm for which it is accurate to
# double precision without scaling.
_PADE_13 = (
    64764752532480000.0,
    32382376266240000.0,
    7771770303897600.0,
    1187353796428800.0,
    129060195264000.0,
    10559470521600.0,
    670442572800.0,
    33522128640.0,
    1323241920.0,
    40840800.0,
    960960.0,
    16380.0,
    182.0,
    1.0,
)
_THETA_13 = 5.371920351148152


def matrix_exp(A):
    """``exp(A) = Σ Aᵏ / k!`` of each square matrix, by scaling and squaring with a [13/13]
    Padé approximant (in float64, whatever ``A``'s dtype)."""
    check_square("linalg.matrix_exp", A)
    with no_grad():
        value = _exp_value(A.detach())
    (value,) = record("LinalgMatrixExpBackward0", _matrix_exp_backward, [A], [value], saved=[A])
    return value


def _exp_value(A):
    n = A.shape[-1]
    if n == 0:
        return A.clone()
    work = A.to(float64)
    norms = work.abs().sum(-2).amax(-1)
    # Each matrix is divided by 2^s with s the fewest halvings that bring its norm under θ13,
    # and its approximant squared s times; a matrix that needs fewer keeps its value.
    halvings = [
        max(0, math.ceil(math.log2(v / _THETA_13))) if math.isfinite(v) and v > 0 else 0
        for v in norms.reshape(-1).tolist()
    ]
    shape = tuple(norms.shape)
    steps = _as_tensor(halvings, shape, work)
    scaled = work / (2.0**steps).unsqueeze(-1).unsqueeze(-1)
    result = _pade_13(scaled)
    for step in range(max(halvings, default=0)):
        squaring = (steps > step).unsqueeze(-1).unsqueeze(-1)
        result = (result @ result).where(squaring, result)
    return result.to(A.dtype)


def _as_tensor(values, shape, like):
    from .._creation import tensor

    return tensor(values, dtype=like.dtype, device=like.device).reshape(shape)


def _pade_13(A):
    b = _PADE_13
    identity = eye(A.shape[-1], dtype=A.dtype, device=A.device)
    A2 = A @ A
    A4 = A2 @ A2
    A6 = A4 @ A2
    U = A @ (
        A6 @ (b[13] * A6 + b[11] * A4 + b[9] * A2)
        + b[7] * A6
        + b[5] * A4
        + b[3] * A2
        + b[1] * identity
    )
    V = (
        A6 @ (b[12] * A6 + b[10] * A4 + b[8] * A2)
        + b[6] * A6
        + b[4] * A4
        + b[2] * A2
        + b[0] * identity
    )
    LU, pivots, _ = kernel("linalg_lu_factor", V - U)
    return kernel("linalg_lu_solve", LU, pivots, V + U, transpose=False)


def _matrix_exp_backward(saved, grads):
    (A,) = saved
    g = grads[0]
    if g is None:
        return [None]
    # The derivative of exp at A in direction E is the top-right block of
    # exp([[A, E], [0, A]]); its adjoint applied to g is that block for Aᵀ and g.
    n = A.shape[-1]
    At = A.mT
    last = At.ndim - 1
    top = _core.cat([At, g], last)
    bottom = _core.cat([zeros(*At.shape, dtype=At.dtype, device=At.device), At], last)
    return [matrix_exp(_core.cat([top, bottom], last - 1))[..., :n, n:]]


# ----------------------------------------------------------------------------- products


def multi_dot(tensors):
    """The product of a chain of matrices, multiplied in the order that costs the fewest
    operations; the first and last may be vectors (treated as a row and a column)."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        check_tensor("multi_dot", t, "tensors")
        edge = i in (0, len(tensors) - 1)
        if edge and t.ndim not in (1, 2):
            which = "first" if i == 0 else "last"
            raise RuntimeError(
                f"multi_dot(): the {which} tensor must be 1D or 2D but got {t.ndim}D"
            )
        if not edge and t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    first_vector, last_vector = tensors[0].ndim == 1, tensors[-1].ndim == 1
    matrices = list(tensors)
    if first_vector:
        matrices[0] = matrices[0].unsqueeze(0)
    if last_vector:
        matrices[-1] = matrices[-1].unsqueeze(-1)
    for i in range(len(matrices) - 1):
        if matrices[i].shape[-1] != matrices[i + 1].shape[0]:
            raise RuntimeError(
                f"multi_dot(): tensors {i} and {i + 1} with shapes {list(tensors[i].shape)} and "
                f"{list(tensors[i + 1].shape)} cannot be multiplied"
            )
    dims = [m.shape[0] for m in matrices] + [matrices[-1].shape[1]]
    order = _chain_order(dims)
    result = _multiply(matrices, order, 0, len(matrices) - 1)
    if first_vector:
        result = result.squeeze(0)
    if last_vector:
        result = result.squeeze(-1)
    return result


def _chain_order(dims):
    """The matrix-chain split points that minimise the multiply-adds (the classic dynamic
    programme over sub-chains)."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _multiply(matrices, split, i, j):
    if i == j:
        return matrices[i]
    k = split[i][j]
    return _multiply(matrices, split, i, k) @ _multiply(matrices, split, k + 1, j)


def matmul(input, other, *, out=None):
    """``torch.matmul`` under its ``torch.linalg`` name."""
    check_tensor("matmul", input, "input")
    result = input.matmul(other)
    if out is None:
        return result
    from .._ops_out import write_out

    return write_out("matmul", result, out)


def vecdot(x, y, *, dim: int = -1):
    """The dot product of ``x`` and ``y`` along ``dim`` (broadcast)."""
    check_tensor("vecdot", x, "x")
    check_tensor("vecdot", y, "y")
    return (x * y).sum(dim)


def cross(input, other, *, dim: int = -1):
    """The cross product of 3-vectors along ``dim`` (inputs broadcast)."""
    check_tensor("cross", input, "input")
    check_tensor("cross", other, "other")
    shape = broadcast_shapes(tuple(input.shape), tuple(other.shape))
    return input.expand(*shape).cross(other.expand(*shape), dim)


def diagonal(A, *, offset: int = 0, dim1: int = -2, dim2: int = -1):
    """The diagonal ``offset`` of the matrices in dims ``dim1``, ``dim2`` (a view)."""
    check_tensor("diagonal", A)
    return A.diagonal(offset, dim1, dim2)


def householder_product(A, tau):
    """The first n columns of ``H_1 ⋯ H_k`` (LAPACK's ``orgqr``), where ``H_i = I - τ_i v_i v_iᵀ``
    and ``v_i`` is column ``i`` of ``A`` below the diagonal with 1 on it (``A`` m×n with
    m ≥ n ≥ k, ``tau`` of length k). Composed of differentiable products."""
    name = "torch.linalg.householder_product"
    check_matrix(name, A, "input")
    check_tensor("householder_product", tau, "tau")
    check_float(name, tau)
    m, n = A.shape[-2], A.shape[-1]
    if m < n:
        raise RuntimeError(
            f"{name}: input.shape[-2] must be greater than or equal to input.shape[-1]"
        )
    if tau.ndim != A.ndim - 1:
        raise RuntimeError(f"{name}: input.dim() - tau.dim() must be equal to 1")
    k = tau.shape[-1]
    if k > n:
        raise RuntimeError(
            f"{name}: input.shape[-1] must be greater than or equal to tau.shape[-1]"
        )
    if tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise RuntimeError(
            f"{name}: Expected batch dimensions of tau to be equal to input.shape[:-2], but "
            f"got {list(tau.shape[:-1])}"
        )
    return _orgqr(A, tau, k)


def _orgqr(A, tau, k: int):
    """LAPACK's ``orgqr`` (its unblocked ``org2r``) step by step, so that the result has
    PyTorch's values down to the signs of its zeros: from the last reflector to the first,
    ``H_i`` is applied to the columns right of ``i`` (``C + v (-τ_i wᵀ)``, ``w = Cᵀv``), then
    column ``i`` becomes ``(0, 1 - τ_i, -τ_i v)``."""
    m, n = A.shape[-2], A.shape[-1]
    Q = eye(m, n, dtype=A.dtype, device=A.device).expand(*A.shape)
    below = [*A.shape[:-2], 1, 1]
    one = eye(1, dtype=A.dtype, device=A.device).expand(*below)
    for i in reversed(range(k)):
        t = tau[..., i : i + 1].unsqueeze(-1)
        tail = A[..., i + 1 :, i : i + 1]
        if i < n - 1:
            v = _stack_rows(one, tail)
            C = Q[..., i:, i + 1 :]
            w = v.mT @ C
            updated = C + v * (-t * w)
            # LAPACK leaves C as it is where this adds nothing: τ_i = 0, a column whose w is 0,
            # rows past v's last nonzero. Adding a zero could flip the sign of a zero in C, so
            # those entries keep C's value, with the gradient of the update all the same.
            applied = (t != 0) & (w != 0) & _up_to_last_nonzero(v)
            gap = C - updated
            C = updated.where(applied, C - (gap - gap.detach()))
            Q = _stack_columns(Q[..., :, : i + 1], _stack_rows(Q[..., :i, i + 1 :], C))
        column = _stack_rows(zeros(*A.shape[:-2], i, 1, dtype=A.dtype, device=A.device), 1 - t)
        column = _stack_rows(column, tail * -t)
        Q = _stack_columns(_stack_columns(Q[..., :, :i], column), Q[..., :, i + 1 :])
    return Q


def _stack_rows(top, bottom):
    from .._tensor_functions import cat

    return cat([top, bottom], -2)


def _stack_columns(left, right):
    from .._tensor_functions import cat

    return cat([left, right], -1)


def _up_to_last_nonzero(v):
    """Rows of the column ``v`` up to its last nonzero entry (``iladlr``)."""
    return v.ne(0).to(v.dtype).flip(-2).cummax(-2).values.flip(-2).ne(0)


# ------------------------------------------------------------------- tensor-shaped systems


def _product(shape) -> int:
    return math.prod(int(d) for d in shape)


def tensorinv(A, ind: int = 2):
    """The inverse of ``A`` seen as a matrix from its first ``ind`` dims to the others:
    ``tensordot(tensorinv(A, ind), A, ind)`` is the identity. Shape ``A.shape[ind:] +
    A.shape[:ind]``."""
    from .solvers import inv

    check_tensor("tensorinv", A)
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = _product(A.shape[:ind]), _product(A.shape[ind:])
    if rows != cols:
        raise RuntimeError(
            "Expected self to satisfy the requirement prod(self.shape[ind:]) == "
            f"prod(self.shape[:ind]), but got {cols} != {rows}"
        )
    return inv(A.reshape(rows, cols)).reshape(*A.shape[ind:], *A.shape[:ind])


def tensorsolve(A, B, dims=None):
    """The ``X`` with ``tensordot(A, X, X.ndim) = B``: ``A``'s first ``B.ndim`` dims index the
    equations, the rest the unknowns (``dims`` of ``A`` are moved to the end first)."""
    from .solvers import solve

    check_tensor("tensorsolve", A)
    check_tensor("tensorsolve", B, "other")
    if dims is not None:
        dims = [d % A.ndim for d in ([dims] if isinstance(dims, int) else dims)]
        A = A.movedim(dims, list(range(A.ndim - len(dims), A.ndim)))
    unknowns = A.shape[B.ndim :]
    rows, cols = _product(A.shape[: B.ndim]), _product(unknowns)
    if rows != cols:
        raise RuntimeError(
            "Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
            f"prod(self.shape[:other.ndim]), but got {cols} != {rows}"
        )
    return solve(A.reshape(rows, cols), B.reshape(rows)).reshape(*unknowns)


def vander(x, *, N=None):
    """The Vandermonde matrix of ``x`` (batched over its leading dims): column ``j`` is
    ``x ** j`` for ``j < N`` (``N`` defaults to ``x``'s length), built by repeated products so
    the gradient is exact at ``x = 0``."""
    check_tensor("vander", x)
    N = (x.shape[-1] if x.ndim else 1) if N is None else N
    if N <= 1:
        raise RuntimeError("N must be greater than 1.")
    column = x.unsqueeze(-1)
    columns = [column * 0 + 1, column]
    for _ in range(N - 2):
        columns.append(columns[-1] * column)
    return _core.cat(columns, column.ndim - 1)
