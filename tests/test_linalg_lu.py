"""The LU family (``linalg.lu_factor(_ex)``, ``linalg.lu``, ``linalg.lu_solve``, ``torch.lu``,
``torch.lu_unpack``, ``torch.lu_solve``): values recorded from PyTorch 2.x as literals,
gradients by gradcheck/gradgradcheck, PyTorch's exceptions for bad input."""

import numpy as np
import pytest

import ferrograd as torch
from ferrograd.autograd import gradcheck, gradgradcheck

SQUARE = [[2.0, -1.0, 0.5], [4.0, 1.0, -3.0], [-1.0, 2.5, 1.5]]
WIDE = [[1.0, 2.0, 3.0, 4.0], [0.5, -1.0, 1.5, -2.0]]
TALL = [[1.0, 2.0], [3.0, -1.0], [0.5, 4.0], [-2.0, 1.0]]
RHS = [[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]]

# PyTorch's results: LU, pivots, P, L, U, the gradient of sum(LU * sin(arange)) and that of
# L.sum() + (U * U).sum(), all in float64.
EXPECTED = {
    "square": (
        SQUARE,
        [[4.0, 1.0, -3.0], [-0.25, 2.75, 0.75], [0.5, -0.5454545454545454, 2.409090909090909]],
        [2, 3, 3],
        [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
        [[1.0, 0.0, 0.0], [-0.25, 1.0, 0.0], [0.5, -0.5454545454545454, 1.0]],
        [[4.0, 1.0, -3.0], [0.0, 2.75, 0.75], [0.0, 0.0, 2.409090909090909]],
        [[0.6798950000767818, -0.030920758635908093, 0.9893582466233817],
         [-0.36138716217362665, 0.6635142732121538, 0.30979972302412184],
         [-0.08575864854094306, -0.7736683636547873, -0.4192743219594758]],
        [[4.101239669421488, -0.9504132231404958, 4.8181818181818175],
         [6.4745492111194585, 3.7206048084147256, -7.377066115702479],
         [2.1006761833208114, 4.981592787377911, 4.128099173553718]],
    ),
    "wide": (
        WIDE,
        [[1.0, 2.0, 3.0, 4.0], [0.5, -2.0, 0.0, -4.0]],
        [1, 2],
        [[1.0, 0.0], [0.0, 1.0]],
        [[1.0, 0.0], [0.5, 1.0]],
        [[1.0, 2.0, 3.0, 4.0], [0.0, -2.0, 0.0, -4.0]],
        [[0.314326923130015, 1.3209331221394658, 1.0490051759251446, -0.18737329129952732],
         [-0.62865384626003, -0.9589242746631385, -0.27941549819892586, 0.6569865987187891]],
        [[-18.5, 6.0, 6.0, 12.0], [41.0, -4.0, 0.0, -8.0]],
    ),
    "tall": (
        TALL,
        [[3.0, -1.0], [0.16666666666666666, 4.166666666666667], [0.3333333333333333, 0.56],
         [-0.6666666666666666, 0.08]],
        [2, 3],
        [[0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0],
         [0.0, 0.0, 0.0, 1.0]],
        [[1.0, 0.0], [0.16666666666666666, 1.0], [0.3333333333333333, 0.56],
         [-0.6666666666666666, 0.08]],
        [[3.0, -1.0], [0.0, 4.166666666666667]],
        [[-0.3289814404090271, -0.23014182591915322], [0.01779172609575689, 0.9804052345960886],
         [0.38889423823495795, 0.2573852878791923], [-0.040579571502138825, 0.15767678369250937]],
        [[0.41333333333333333, 0.24], [5.627792592592592, -3.283288888888889],
         [3.0599111111111115, 8.179733333333335], [0.41333333333333333, 0.24]],
    ),
}  # fmt: skip


def _close(actual, expected, tol=1e-12):
    np.testing.assert_allclose(actual.detach().numpy(), np.array(expected), rtol=tol, atol=tol)


def _random(*shape, seed=0):
    """A well-conditioned random matrix (batch): Gaussian entries plus a multiple of the
    identity on its leading square block."""
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(shape)
    k = min(shape[-2:])
    values[..., range(k), range(k)] += 3.0
    return torch.tensor(values, dtype=torch.float64, requires_grad=True)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_values_and_gradients_match_pytorch(case):
    A_values, LU_e, piv_e, P_e, L_e, U_e, grad_lu_e, grad_plu_e = EXPECTED[case]
    A = torch.tensor(A_values, dtype=torch.float64, requires_grad=True)
    LU, pivots = torch.linalg.lu_factor(A)
    _close(LU, LU_e)
    assert pivots.dtype == torch.int32 and pivots.tolist() == piv_e
    P, L, U = torch.linalg.lu(A)
    _close(P, P_e)
    _close(L, L_e)
    _close(U, U_e)
    weights = torch.arange(LU.numel(), dtype=torch.float64).reshape(LU.shape).sin()
    (grad,) = torch.autograd.grad((LU * weights).sum(), A)
    _close(grad, grad_lu_e)
    (grad,) = torch.autograd.grad(L.sum() + (U * U).sum(), A)
    _close(grad, grad_plu_e)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize(
    "shape", [(3, 3), (2, 5, 5), (2, 3, 6), (3, 6, 2), (0, 3, 3), (3, 0), (0, 3)]
)
def test_factors_reconstruct_the_matrix(shape, dtype):
    A = _random(*shape).detach().to(dtype)
    P, L, U = torch.linalg.lu(A)
    k = min(shape[-2:])
    assert L.shape == (*shape[:-1], k) and U.shape == (*shape[:-2], k, shape[-1])
    assert P.shape == (*shape[:-2], shape[-2], shape[-2]) and P.dtype == dtype
    tol = 1e-5 if dtype == torch.float32 else 1e-12
    _close(P @ L @ U, A.numpy(), tol)
    LU, pivots, info = torch.linalg.lu_factor_ex(A)
    assert info.shape == shape[:-2] and (info == 0).all()
    unpacked = torch.lu_unpack(LU, pivots)
    for a, b in zip(unpacked, (P, L, U), strict=True):
        _close(a, b.numpy(), 0)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (2, 4, 6), (3, 5, 2)])
def test_lu_factor_and_lu_gradients(shape):
    A = _random(*shape)
    assert gradcheck(lambda A: torch.linalg.lu_factor(A).LU, (A,))
    assert gradgradcheck(lambda A: torch.linalg.lu_factor(A).LU, (A,))
    assert gradcheck(lambda A: tuple(torch.linalg.lu(A)[1:]), (A,))
    assert gradgradcheck(lambda A: tuple(torch.linalg.lu(A)[1:]), (A,))


SOLUTIONS = {  # PyTorch's linalg.lu_solve(lu_factor(SQUARE), RHS (or RHSᵀ), left, adjoint)
    (True, False): [[0.622641509433962, 0.622641509433962],
                    [0.7924528301886794, -0.20754716981132068],
                    [1.0943396226415092, 1.0943396226415092]],
    (True, True): [[1.5849056603773584, 1.0], [-0.34905660377358494, 0.0],
                   [0.7735849056603772, 0.0]],
    (False, False): [[1.5849056603773584, -0.34905660377358494, 0.7735849056603772],
                     [1.0, 0.0, 0.0]],
    (False, True): [[0.622641509433962, 0.7924528301886794, 1.0943396226415092],
                    [0.622641509433962, -0.20754716981132068, 1.0943396226415092]],
}  # fmt: skip


@pytest.mark.parametrize(("left", "adjoint"), sorted(SOLUTIONS))
def test_lu_solve_values(left, adjoint):
    A = torch.tensor(SQUARE, dtype=torch.float64)
    B = torch.tensor(RHS, dtype=torch.float64)
    LU, pivots = torch.linalg.lu_factor(A)
    X = torch.linalg.lu_solve(LU, pivots, B if left else B.mT, left=left, adjoint=adjoint)
    _close(X, SOLUTIONS[(left, adjoint)])


def test_lu_solve_gradient_matches_pytorch():
    A = torch.tensor(SQUARE, dtype=torch.float64, requires_grad=True)
    X = torch.linalg.lu_solve(*torch.linalg.lu_factor(A), torch.tensor(RHS, dtype=torch.float64))
    (grad,) = torch.autograd.grad((X * X).sum(), A)
    expected = [
        [-1.5755556600415097, -0.6268261719405953, -2.7691584328002294],
        [0.15427500554148715, -0.059612969095293455, 0.2711500097395835],
        [-0.9832815008362603, -0.7637311337547104, -1.7281917287425181],
    ]
    _close(grad, expected)


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [True, False])
def test_lu_solve_batched_and_gradients(left, adjoint):
    A = _random(2, 4, 4)
    B = _random(2, 4, 3, seed=1) if left else _random(1, 3, 4, seed=1)
    X = torch.linalg.lu_solve(*torch.linalg.lu_factor(A), B, left=left, adjoint=adjoint)
    op = A.mT if adjoint else A
    _close(op @ X if left else X @ op, B.expand_as(X).detach().numpy(), 1e-12)

    def solve(A, B):
        return torch.linalg.lu_solve(*torch.linalg.lu_factor(A), B, left=left, adjoint=adjoint)

    assert gradcheck(solve, (A, B))
    assert gradgradcheck(solve, (A, B))


def test_gradient_reaches_lu_directly():
    LU, pivots = torch.linalg.lu_factor(_random(3, 3).detach())
    LU.requires_grad_(True)
    B = _random(3, 2, seed=2)
    assert gradcheck(lambda LU, B: torch.linalg.lu_solve(LU, pivots, B), (LU, B))
    assert gradcheck(lambda LU: tuple(torch.lu_unpack(LU, pivots)[1:]), (LU,))


def test_singular_matrices_follow_lapack():
    S = torch.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    LU, pivots, info = torch.linalg.lu_factor_ex(S)
    _close(LU, [[2.0, 4.0, 6.0], [0.5, -2.0, -2.0], [0.5, 0.0, 0.0]])
    assert pivots.tolist() == [2, 3, 3] and info.item() == 3
    LU, pivots, info = torch.linalg.lu_factor_ex(torch.zeros(2, 3))
    _close(LU, np.zeros((2, 3)))
    assert pivots.tolist() == [1, 2] and info.item() == 1
    # A zero first column: LAPACK (and PyTorch) skip the division and carry on pivoting.
    first_zero = torch.tensor([[0.0, 1.0, 2.0], [0.0, 3.0, 4.0], [0.0, 5.0, 7.0]])
    LU, pivots, info = torch.linalg.lu_factor_ex(first_zero.double())
    _close(LU, [[0.0, 1.0, 2.0], [0.0, 5.0, 7.0], [0.0, 0.6, -0.19999999999999984]])
    assert pivots.tolist() == [1, 3, 3] and info.item() == 1
    with pytest.raises(RuntimeError, match=r"U\[1,1\] is zero"):
        torch.linalg.lu_factor(torch.zeros(3, 3))
    with pytest.raises(RuntimeError, match=r"\(Batch element 1\): U\[3,3\] is zero"):
        torch.linalg.lu_factor_ex(torch.stack([torch.eye(3), S]), check_errors=True)
    # torch.lu reports through infos instead of raising.
    with pytest.warns(UserWarning, match="deprecated"):
        LU, pivots, infos = torch.lu(S, get_infos=True)
    assert infos.item() == 3


def test_bad_input_raises_like_pytorch():
    A = torch.tensor(SQUARE)
    with pytest.raises(RuntimeError, match="LU without pivoting is not implemented on the CPU"):
        torch.linalg.lu(A, pivot=False)
    with pytest.raises(RuntimeError, match="LU without pivoting"):
        torch.linalg.lu_factor(A, pivot=False)
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        torch.linalg.lu_factor(torch.ones(3, 3, dtype=torch.int64))
    with pytest.raises(RuntimeError, match="Expected tensor with 2 or more dimensions"):
        torch.linalg.lu_factor(torch.ones(3))
    with pytest.raises(TypeError, match="must be Tensor"):
        torch.linalg.lu_factor([[1.0]])
    LU, pivots = torch.linalg.lu_factor(A)
    with pytest.raises(RuntimeError, match=r"Incompatible shapes .* \(3x3 and 4x2\)"):
        torch.linalg.lu_solve(LU, pivots, torch.ones(4, 2))
    with pytest.raises(RuntimeError, match="B must have at least 2 dimensions"):
        torch.linalg.lu_solve(LU, pivots, torch.ones(3))
    with pytest.raises(RuntimeError, match="must be batches of square matrices"):
        torch.linalg.lu_solve(LU[:2], pivots, torch.ones(3, 2))
    with pytest.raises(RuntimeError, match=r"scalar type torch\.int32"):
        torch.linalg.lu_solve(LU, pivots.long(), torch.ones(3, 2))
    with pytest.raises(RuntimeError, match="same dtype"):
        torch.linalg.lu_solve(LU, pivots, torch.ones(3, 2, dtype=torch.float64))


def test_torch_namespace_and_methods():
    A = torch.tensor(SQUARE, dtype=torch.float64)
    B = torch.tensor(RHS, dtype=torch.float64)
    with pytest.warns(UserWarning, match="deprecated"):
        LU, pivots = torch.lu(A)
    with pytest.warns(UserWarning, match="deprecated"):
        X = torch.lu_solve(B, LU, pivots)
    _close(X, SOLUTIONS[(True, False)])
    with pytest.warns(UserWarning):
        _close(B.lu_solve(*A.lu()), SOLUTIONS[(True, False)])
    P, L, U = torch.lu_unpack(LU, pivots, unpack_data=False)
    assert L.numel() == 0 and U.numel() == 0 and P.shape == (3, 3)
    P, L, U = torch.lu_unpack(LU, pivots, unpack_pivots=False)
    assert P.numel() == 0 and L.shape == (3, 3)
    _close(torch.linalg.matmul(A, B), (A @ B).numpy(), 0)


def test_out_arguments_are_filled_and_resized():
    A = torch.tensor(SQUARE, dtype=torch.float64)
    LU_out, pivots_out = torch.empty(0, dtype=torch.float64), torch.empty(0, dtype=torch.int32)
    result = torch.linalg.lu_factor(A, out=(LU_out, pivots_out))
    assert result.LU is LU_out and result.pivots is pivots_out
    _close(LU_out, EXPECTED["square"][1])
    P, L, U = (torch.empty(0, dtype=torch.float64) for _ in range(3))
    torch.linalg.lu(A, out=(P, L, U))
    _close(P @ L @ U, SQUARE)
    X = torch.empty(0, dtype=torch.float64)
    torch.linalg.lu_solve(LU_out, pivots_out, torch.tensor(RHS, dtype=torch.float64), out=X)
    _close(X, SOLUTIONS[(True, False)])
