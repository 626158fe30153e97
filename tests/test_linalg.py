"""torch.linalg (``ferrograd.linalg``) and its ``torch.*`` aliases: values against numbers
recorded from PyTorch 2 (CPU, float64) and against NumPy's linalg on batches in float32 and
float64; gradients against finite differences (gradcheck and gradgradcheck in float64),
including PyTorch's conventions where the gradient is a choice (symmetric inputs read through
one triangle, ties, zero vectors, singular matrices); and PyTorch's errors for bad input."""

import math

import numpy as np
import pytest

import ferrograd as fg
from ferrograd import linalg as LA
from ferrograd.autograd import gradcheck, gradgradcheck

# Computed with torch 2 on the CPU in float64 from the matrices below (tests import no torch).
TORCH = {
    "inv_G3": [
        [0.45161290322580644, 0.0967741935483871, 0.16129032258064516],
        [-0.12903225806451613, 0.25806451612903225, 0.09677419354838708],
        [-0.06451612903225806, 0.12903225806451613, -0.45161290322580644],
    ],
    "det_G3": -15.5,
    "slogdet_G3": (
        -1.0,
        2.740840023925201,
    ),
    "solve_G3_B3": [
        [0.9354838709677419, 0.967741935483871],
        [0.16129032258064513, -0.4193548387096774],
        [-1.4193548387096773, -0.7096774193548386],
    ],
    "solve_G3_b": [0.9354838709677419, 0.16129032258064513, -1.4193548387096773],
    "solve_right_G3": [
        [0.2580645161290323, 0.4838709677419354, -1.193548387096774],
        [0.967741935483871, 0.06451612903225806, -0.22580645161290322],
    ],
    "chol_A3": [[2.0, 0.0, 0.0], [0.5, 1.6583123951777, 0.0], [1.0, 0.0, 2.0]],
    "chol_upper_A3": [[2.0, 0.5, 1.0], [0.0, 1.6583123951777, 0.0], [0.0, 0.0, 2.0]],
    "qr_R32": (
        [
            [-0.16903085094570325, 0.8970852271450607],
            [-0.50709255283711, 0.27602622373694136],
            [-0.8451542547285166, -0.34503277967117696],
        ],
        [[-5.916079783099615, -7.437357441610946], [0.0, 0.828078671210825]],
    ),
    "qr_complete_R32": (
        [
            [-0.16903085094570325, 0.8970852271450607, 0.4082482904638627],
            [-0.50709255283711, 0.27602622373694136, -0.8164965809277263],
            [-0.8451542547285166, -0.34503277967117696, 0.40824829046386313],
        ],
        [[-5.916079783099615, -7.437357441610946], [0.0, 0.828078671210825], [0.0, 0.0]],
    ),
    "qr_M23": (
        [[-0.7071067811865472, 0.7071067811865475], [0.7071067811865475, 0.7071067811865475]],
        [
            [-1.4142135623730951, 2.1213203435596424, -0.707106781186547],
            [0.0, 2.121320343559643, 2.1213203435596424],
        ],
    ),
    "svdvals_R32": [9.525518091565107, 0.5143005806586441],
    "svdvals_M23": [3.3409995001748167, 2.1994822890470433],
    "eigvalsh_A3": [2.096521617296718, 3.072223952005075, 6.8312544306982055],
    "eigvals_T3": [-1.0514457673735924, 1.6493925726984484, 3.4020531946751422],
    "expm_half_G3": [
        [2.337276755339862, -1.6250517531225799, 0.053527808891692605],
        [1.7418206866102104, 4.312635308925326, 0.9244381521967973],
        [0.23353786697526074, 0.8076692187091667, 0.5078270823547555],
    ],
    "expm_4_G3": [
        [-37244.430406998144, -10334.236580420973, -7613.355765499116],
        [12300.463358222447, -21011.51349317278, -1463.1240863879007],
        [3932.453555602956, -3429.3508641893786, 67.69438337705205],
    ],
    "pinv_R32": [
        [-1.3333333333333337, -0.3333333333333328, 0.6666666666666665],
        [1.0833333333333335, 0.33333333333333287, -0.4166666666666664],
    ],
    "pinv_M23": [
        [0.2222222222222221, -0.1111111111111111],
        [-0.05555555555555553, 0.27777777777777785],
        [0.3888888888888886, 0.05555555555555558],
    ],
    "pinv_h_A3": [
        [0.33522727272727276, -0.09090909090909102, -0.12500000000000006],
        [-0.09090909090909105, 0.3636363636363637, 1.3877787807814457e-16],
        [-0.12500000000000006, 1.5265566588595902e-16, 0.2500000000000001],
    ],
    "lstsq_R32": (
        [0.6666666666666673, 0.0833333333333328],
        2,
    ),
    "lstsq_gelsd_R32": (
        [[0.6666666666666664], [0.08333333333333366]],
        [0.1666666666666668],
        2,
        [9.525518091565106, 0.5143005806586444],
    ),
    "rank_def": 2,
    "rank_def_atol": 2,
    "mnorm_fro": 4.6097722286464435,
    "mnorm_nuc": 7.740326170491033,
    "mnorm_1": 5.0,
    "mnorm_-1": 3.0,
    "mnorm_2": 3.359052880331835,
    "mnorm_-2": 1.7611102049136818,
    "mnorm_inf": 5.0,
    "mnorm_-inf": 3.0,
    "vnorm_0": 3.0,
    "vnorm_1": 8.0,
    "vnorm_2": 5.0990195135927845,
    "vnorm_3": 4.514357435474001,
    "vnorm_0.5": 22.392304845413257,
    "vnorm_inf": 4.0,
    "vnorm_-inf": 0.0,
    "mpow_m2": [
        [0.18106139438085325, 0.08949011446409988, 0.009365244536940681],
        [-0.09781477627471383, 0.06659729448491154, -0.03954214360041623],
        [-0.016649323621227886, -0.031217481789802288, 0.2060353798126951],
    ],
    "mpow_3": [[1.5, -17.5, -1.0], [19.0, 23.5, 8.5], [3.0, 7.0, -8.5]],
    "cond_G3": 1.9073496201201527,
    "g_chol": [
        [0.16552268915552723, -0.6068010505999363, -0.027644853011086323],
        [-0.6068010505999363, 1.2060453783110545, 2.1105794120443453],
        [-0.027644853011086323, 2.1105794120443453, 2.0],
    ],
    "g_chol_upper": [
        [0.6397670168666454, -0.8052897060221726, -0.8768891807222046],
        [-0.8052897060221728, 1.2060453783110545, 1.5075567228888183],
        [-0.8768891807222046, 1.5075567228888183, 2.0],
    ],
    "g_eigh": [
        [2.009082559339863, 0.6858630232332937, 0.6221338731622558],
        [0.6858630232332937, 1.5500315274900496, -0.01638311139415817],
        [0.622133873162256, -0.016383111394158063, 2.4408859131700877],
    ],
    "g_eigh_U": [
        [0.1426481218426871, 0.11474998815710756, -0.1193955094816439],
        [0.11474998815710756, -0.18605623119025985, 0.0186177210745279],
        [-0.1193955094816439, 0.018617721074527915, 0.04340810934757273],
    ],
    "g_svd_full": [
        [0.0022853386619142713, 0.3843493342819139],
        [-0.8707425506842088, 1.381388653501682],
        [1.308508646498678, -0.031172588241580257],
    ],
    "g_vnorm_inf_ties": [0.5, -0.5, 0.0],
    "g_vnorm_zero": [0.0, 0.0, 0.0],
    "g_qr_wide": [
        [-2.828427124746189, 2.220446049250313e-16, 2.220446049250313e-16],
        [-1.4142135623730945, 1.414213562373095, 1.414213562373095],
    ],
    "g_eig": [
        [0.09044405955847963, -0.8252619360325226, -0.5742317723862677],
        [2.3963482810116057, -0.4321204673271848, 0.7369915842549367],
        [-0.8424564656209527, 1.7362295095254088, 0.3416764077687037],
    ],
    "g_lstsq": [
        [0.4999999999999978, -0.2499999999999991],
        [-1.5000000000000027, 1.1250000000000013],
        [1.0000000000000013, -0.8749999999999993],
    ],
    "g_expm": [
        [1.8520176759544422, 9.888352554251288, 6.059732272985698],
        [9.430884376284297, 27.355728417768585, 12.506696454536812],
        [5.328070991256417, 20.187893299126372, 7.489980219107405],
    ],
    "g_pinv_wide": [
        [-0.23456790123456708, -0.5432098765432096, -0.6049382716049367],
        [-0.0493827160493826, -0.22839506172839527, -0.36419753086419737],
    ],
}

A3 = [[4.0, 1.0, 2.0], [1.0, 3.0, 0.5], [2.0, 0.5, 5.0]]  # symmetric positive definite
G3 = [[2.0, -1.0, 0.5], [1.0, 3.0, 1.0], [0.0, 1.0, -2.0]]  # general
R32 = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]  # tall
M23 = [[1.0, 0.0, 2.0], [-1.0, 3.0, 1.0]]  # wide
B3 = [[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]
T3 = [[2.0, 1.0, 0.0], [0.5, 3.0, 1.0], [0.0, 0.2, -1.0]]  # real, distinct eigenvalues
RANK2 = [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]]  # singular, rank 2


def t(values, dtype=fg.float64, requires_grad=False):
    return fg.tensor(values, dtype=dtype, requires_grad=requires_grad)


def arr(x):
    if isinstance(x, fg.Tensor):
        return x.detach().numpy()
    return np.asarray(x, dtype=np.float64)


def close(actual, expected, tol=1e-10):
    np.testing.assert_allclose(arr(actual), arr(expected), rtol=tol, atol=tol)


# ------------------------------------------------------------------ values against PyTorch

VALUES = {
    "inv_G3": lambda: LA.inv(t(G3)),
    "det_G3": lambda: LA.det(t(G3)),
    "slogdet_G3": lambda: tuple(LA.slogdet(t(G3))),
    "solve_G3_B3": lambda: LA.solve(t(G3), t(B3)),
    "solve_G3_b": lambda: LA.solve(t(G3), t(B3)[:, 0]),
    "solve_right_G3": lambda: LA.solve(t(G3), t(B3).mT, left=False),
    "chol_A3": lambda: LA.cholesky(t(A3)),
    "chol_upper_A3": lambda: LA.cholesky(t(A3), upper=True),
    "qr_R32": lambda: tuple(LA.qr(t(R32))),
    "qr_complete_R32": lambda: tuple(LA.qr(t(R32), mode="complete")),
    "qr_M23": lambda: tuple(LA.qr(t(M23))),
    "svdvals_R32": lambda: LA.svdvals(t(R32)),
    "svdvals_M23": lambda: LA.svdvals(t(M23)),
    "eigvalsh_A3": lambda: LA.eigvalsh(t(A3)),
    "eigvals_T3": lambda: LA.eigvals(t(T3)).real.sort().values,
    "expm_half_G3": lambda: LA.matrix_exp(0.5 * t(G3)),
    "expm_4_G3": lambda: LA.matrix_exp(4 * t(G3)),
    "pinv_R32": lambda: LA.pinv(t(R32)),
    "pinv_M23": lambda: LA.pinv(t(M23)),
    "pinv_h_A3": lambda: LA.pinv(t(A3), hermitian=True),
    "lstsq_R32": lambda: tuple(LA.lstsq(t(R32), t([1.0, 2.0, 4.0])))[::2],
    "lstsq_gelsd_R32": lambda: tuple(LA.lstsq(t(R32), t([[1.0], [2.0], [4.0]]), driver="gelsd")),
    "rank_def": lambda: LA.matrix_rank(t(RANK2)),
    "rank_def_atol": lambda: LA.matrix_rank(t(G3), atol=2.0),
    "mpow_m2": lambda: LA.matrix_power(t(G3), -2),
    "mpow_3": lambda: LA.matrix_power(t(G3), 3),
    "cond_G3": lambda: LA.cond(t(G3)),
}
for _ord in ["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf]:
    VALUES[f"mnorm_{_ord}"] = lambda o=_ord: LA.matrix_norm(t(G3), o)
for _ord in [0, 1, 2, 3, 0.5, math.inf, -math.inf]:
    VALUES[f"vnorm_{_ord}"] = lambda o=_ord: LA.vector_norm(t([3.0, -4.0, 0.0, 1.0]), o)


@pytest.mark.parametrize("key", sorted(VALUES))
def test_values_match_pytorch(key):
    actual, expected = VALUES[key](), TORCH[key]
    if isinstance(expected, tuple):
        assert len(actual) == len(expected)
        for a, e in zip(actual, expected, strict=True):
            close(a, e)
    else:
        close(actual, expected)


def test_integer_results_have_pytorch_dtypes():
    assert LA.matrix_rank(t(RANK2)).dtype == fg.int64
    lu_info = LA.inv_ex(t(G3)).info
    assert lu_info.dtype == fg.int32 and lu_info.shape == () and lu_info.item() == 0
    result = LA.lstsq(t(R32), t([1.0, 2.0, 4.0]))
    assert result.rank.dtype == fg.int64
    # gelsy (the default) reports no residuals and no singular values, as PyTorch's CPU does.
    assert result.residuals.shape == (0,) and result.singular_values.shape == (0,)


# ------------------------------------------------------------------ batches against NumPy

RNG = np.random.default_rng(16)


def well_conditioned(*batch, n=4):
    return RNG.standard_normal((*batch, n, n)) + n * np.eye(n)


def spd(*batch, n=4):
    m = RNG.standard_normal((*batch, n, n))
    return m @ np.swapaxes(m, -1, -2) + n * np.eye(n)


DTYPES = [(fg.float32, 2e-4), (fg.float64, 1e-10)]


@pytest.mark.parametrize("dtype,tol", DTYPES)
def test_batched_inverse_determinant_solve(dtype, tol):
    a = well_conditioned(2, 3)
    A = t(a, dtype)
    close(LA.inv(A), np.linalg.inv(a), tol)
    close(fg.inverse(A), np.linalg.inv(a), tol)
    close(LA.det(A), np.linalg.det(a), tol * 10)
    sign, logabsdet = np.linalg.slogdet(a)
    close(LA.slogdet(A).sign, sign)
    close(LA.slogdet(A).logabsdet, logabsdet, tol)
    # Batch dimensions broadcast: A is (2, 1, 4, 4), B is (3, 4, 2).
    a1, b = a[:, :1], RNG.standard_normal((3, 4, 2))
    X = LA.solve(t(a1, dtype), t(b, dtype))
    assert X.shape == (2, 3, 4, 2)
    close(X, np.linalg.solve(a1, b), tol)
    # A batch of vectors (B has A's shape without the last dimension).
    v = RNG.standard_normal((2, 3, 4))
    close(LA.solve(A, t(v, dtype)), np.linalg.solve(a, v[..., None])[..., 0], tol)
    # X A = B.
    bt = RNG.standard_normal((2, 3, 5, 4))
    close(LA.solve(A, t(bt, dtype), left=False), bt @ np.linalg.inv(a), tol * 10)


@pytest.mark.parametrize("dtype,tol", DTYPES)
def test_batched_factorizations(dtype, tol):
    s = spd(2)
    L = LA.cholesky(t(s, dtype))
    close(L, np.linalg.cholesky(s), tol * 10)
    close(
        LA.cholesky(t(s, dtype), upper=True), np.swapaxes(np.linalg.cholesky(s), -1, -2), tol * 10
    )
    w, V = LA.eigh(t(s, dtype))
    close(w, np.linalg.eigvalsh(s), tol * 10)
    close(V @ w.diag_embed() @ V.mT, s, tol * 10)
    g = RNG.standard_normal((3, 5, 3))
    Q, R = LA.qr(t(g, dtype))
    close(Q @ R, g, tol)
    close(Q.mT @ Q, np.broadcast_to(np.eye(3), (3, 3, 3)), tol)
    assert np.allclose(np.tril(arr(R), -1), 0)
    close(abs(arr(R)), abs(np.linalg.qr(g)[1]), tol)
    for full in (True, False):
        U, S, Vh = LA.svd(t(g, dtype), full_matrices=full)
        close(S, np.linalg.svd(g, compute_uv=False), tol)
        assert U.shape == ((3, 5, 5) if full else (3, 5, 3)) and Vh.shape == (3, 3, 3)
        close(U[..., :3] @ S.diag_embed() @ Vh, g, tol * 10)
    close(LA.pinv(t(g, dtype)), np.linalg.pinv(g), tol * 10)
    close(LA.pinv(t(s, dtype), hermitian=True), np.linalg.pinv(s), tol * 10)
    close(LA.matrix_rank(t(g, dtype)), np.linalg.matrix_rank(g))
    b = RNG.standard_normal((3, 5, 2))
    close(LA.lstsq(t(g, dtype), t(b, dtype)).solution, np.linalg.pinv(g) @ b, tol * 10)
    close(LA.svdvals(t(g, dtype)), np.linalg.svd(g, compute_uv=False), tol)


@pytest.mark.parametrize("dtype,tol", DTYPES)
def test_batched_norms_and_products(dtype, tol):
    g = RNG.standard_normal((2, 3, 4))
    G = t(g, dtype)
    for o in ["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf]:
        close(LA.matrix_norm(G, o), np.linalg.norm(g, o, axis=(-2, -1)), tol * 10)
        close(LA.norm(G, o, dim=(-2, -1)), np.linalg.norm(g, o, axis=(-2, -1)), tol * 10)
    close(
        LA.matrix_norm(G, 1, dim=(0, 2), keepdim=True),
        np.linalg.norm(g, 1, axis=(0, 2), keepdims=True),
        tol,
    )
    close(LA.matrix_norm(G, math.inf, dim=(2, 0)), np.linalg.norm(g, math.inf, axis=(2, 0)), tol)
    close(
        LA.matrix_norm(G, 2, dim=(0, 2), keepdim=True),
        np.linalg.norm(g, 2, axis=(0, 2), keepdims=True),
        tol,
    )
    for o in [0, 1, 2, 3.5, 0.5, -1, math.inf, -math.inf]:
        close(LA.vector_norm(G, o, dim=-1), np.linalg.norm(g, o, axis=-1), tol * 10)
    close(
        LA.vector_norm(G, 3, dim=(0, 2), keepdim=True),
        (np.abs(g) ** 3).sum((0, 2), keepdims=True) ** (1 / 3),
        tol,
    )
    close(LA.norm(G), np.linalg.norm(g.reshape(-1)), tol)
    close(LA.vector_norm(G, dtype=fg.float64), np.linalg.norm(g.reshape(-1)), tol)
    a = well_conditioned(2, n=3)
    close(LA.matrix_exp(t(np.zeros((2, 3, 3)), dtype)), np.broadcast_to(np.eye(3), (2, 3, 3)), tol)
    close(LA.matrix_power(t(a, dtype), 5), np.linalg.matrix_power(a, 5), tol * 100)
    close(LA.matrix_power(t(a, dtype), -3), np.linalg.matrix_power(a, -3), tol * 100)
    close(LA.matrix_power(t(a, dtype), 0), np.broadcast_to(np.eye(3), (2, 3, 3)))
    chain = [RNG.standard_normal(s) for s in [(5,), (5, 2), (2, 6), (6, 3), (3,)]]
    close(LA.multi_dot([t(c, dtype) for c in chain]), np.linalg.multi_dot(chain), tol * 10)
    x, y = RNG.standard_normal((4, 3)), RNG.standard_normal((3,))
    close(LA.cross(t(x, dtype), t(y, dtype)), np.cross(x, y), tol)
    close(LA.vecdot(t(x, dtype), t(y, dtype)), x @ y, tol)
    close(LA.diagonal(G, offset=1), np.diagonal(g, 1, -2, -1), tol)


def test_matrix_exp_against_its_series_and_eigen_decomposition():
    # A symmetric matrix: exp(A) = V diag(exp(w)) Vᵀ; the norms span several squarings.
    for scale in (1e-3, 1.0, 30.0):
        s = spd(2, n=3) * scale / 10
        w, v = np.linalg.eigh(s)
        expected = (v * np.exp(w)[..., None, :]) @ np.swapaxes(v, -1, -2)
        close(LA.matrix_exp(t(s)), expected, 1e-12 * np.abs(expected).max())
        close(fg.matrix_exp(t(s, fg.float32)), expected, 1e-5 * np.abs(expected).max())


def test_eig_of_matrices_with_real_eigenvalues():
    w, V = LA.eig(t(T3))
    assert w.dtype is fg.complex128 and V.dtype is fg.complex128
    close((t(T3) @ V - V * w.unsqueeze(-2)).abs(), np.zeros((3, 3)))
    close((V.abs() ** 2).sum(-2), [1.0, 1.0, 1.0])
    close(w.imag, [0.0, 0.0, 0.0])
    close(w.real.sort().values, TORCH["eigvals_T3"])


def test_eig_of_matrices_with_complex_eigenvalues():
    # values from PyTorch 2.15 (LAPACK's order and eigenvector phases)
    A = t([[0.0, 1.0, 2.0], [-1.0, 0.5, 0.0], [0.3, 0.2, 1.0]])
    w, V = LA.eig(A)
    tol = 1e-4
    np.testing.assert_allclose(
        w.numpy(), [0.3206 + 0.4965j, 0.3206 - 0.4965j, 0.8588], rtol=tol, atol=tol
    )
    np.testing.assert_allclose(
        V.numpy(),
        [
            [-0.1516 + 0.4195j, -0.1516 - 0.4195j, 0.2876],
            [-0.8448, -0.8448, -0.8015],
            [0.2940 + 0.0296j, 0.2940 - 0.0296j, 0.5243],
        ],
        rtol=tol,
        atol=tol,
    )
    close((A @ V - V * w.unsqueeze(-2)).abs(), np.zeros((3, 3)))
    np.testing.assert_allclose(LA.eigvals(t([[0.0, 1.0], [-1.0, 0.0]])).numpy(), [1j, -1j])
    # gradients from PyTorch 2.15, through eigenvalues and eigenvectors (phase-invariant loss)
    A.requires_grad_()
    w, V = LA.eig(A)
    weights = fg.tensor([1 + 2j, 0.5, -1j], dtype=fg.complex128)
    loss = (V.abs() * t(WEIGHTS)).sum() + (w * weights).real.sum()
    loss.backward()
    close(
        A.grad,
        [[-0.5555, -4.8455, 1.2557], [3.8404, 7.2733, -1.7042], [10.8008, 20.0170, -5.2178]],
        tol,
    )
    A.grad = None
    (LA.eigvals(A).abs() ** 2).sum().backward()
    close(
        A.grad,
        [[1.0790, 2.5670, -0.9708], [-0.9610, -2.6134, 1.4941], [-1.1191, -8.0299, 4.5344]],
        tol,
    )
    with pytest.raises(RuntimeError, match="specified up to multiplication by"):
        LA.eig(A).eigenvectors.real.sum().backward()


def test_cholesky_solve_and_inverse():
    s = spd(2, n=3)
    b = RNG.standard_normal((2, 3, 2))
    for upper in (False, True):
        factor = LA.cholesky(t(s), upper=upper)
        close(fg.cholesky_solve(t(b), factor, upper), np.linalg.solve(s, b))
        close(fg.cholesky_inverse(factor[0], upper), np.linalg.inv(s[0]))
    close(fg.cholesky(t(s)), np.linalg.cholesky(s))


def test_solve_triangular_reads_only_its_triangle():
    a = RNG.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    b = RNG.standard_normal((2, 3, 2))
    for upper in (False, True):
        tri = np.triu(a) if upper else np.tril(a)
        close(LA.solve_triangular(t(a), t(b), upper=upper), np.linalg.solve(tri, b))
        unit = tri.copy()
        unit[..., range(3), range(3)] = 1.0
        close(
            LA.solve_triangular(t(a), t(b), upper=upper, unitriangular=True),
            np.linalg.solve(unit, b),
        )
        right = RNG.standard_normal((2, 4, 3))
        close(
            LA.solve_triangular(t(a), t(right), upper=upper, left=False), right @ np.linalg.inv(tri)
        )


def test_legacy_svd_returns_v():
    g = RNG.standard_normal((4, 3))
    U, S, V = fg.svd(t(g))
    assert U.shape == (4, 3) and V.shape == (3, 3)
    close(U @ S.diag_embed() @ V.mT, g)
    U, S, V = t(g).svd(some=False)
    assert U.shape == (4, 4)
    U, S, V = fg.svd(t(g), compute_uv=False)
    close(U, np.zeros((4, 4)))
    close(V, np.zeros((3, 3)))
    close(S, np.linalg.svd(g, compute_uv=False))


def test_tensor_methods_and_torch_aliases():
    A = t(A3)
    close(A.inverse(), np.linalg.inv(A3))
    close(A.det(), np.linalg.det(A3))
    close(fg.det(A), np.linalg.det(A3))
    close(A.logdet(), np.log(np.linalg.det(A3)))
    assert math.isnan(fg.logdet(t([[-1.0]])).item())
    assert fg.logdet(t([[0.0]])).item() == -math.inf
    close(A.slogdet().logabsdet, np.log(np.linalg.det(A3)))
    close(A.pinverse(), np.linalg.pinv(A3))
    close(fg.pinverse(t(RANK2)), np.linalg.pinv(RANK2), 1e-8)
    close(A.matrix_power(2), np.linalg.matrix_power(A3, 2))
    close(A.cholesky(), np.linalg.cholesky(A3))
    Q, R = A.qr()
    close(Q @ R, A3)
    assert fg.qr(t(R32), some=False).Q.shape == (3, 3)


def test_determinants_of_matrices_with_a_zero_pivot():
    # LU meets an exact zero pivot: the determinant is exactly 0, not NaN.
    for singular in (np.zeros((4, 4)), [[0.0, 1.0, 2.0], [0.0, 3.0, 4.0], [0.0, 5.0, 7.0]]):
        assert LA.det(t(singular)).item() == 0.0
        sign, logabsdet = LA.slogdet(t(singular))
        assert sign.item() == 0.0 and logabsdet.item() == -math.inf
    close(LA.det(t([np.zeros((2, 2)), np.eye(2)])), [0.0, 1.0])


def test_empty_and_degenerate_shapes():
    assert LA.inv(t(np.zeros((2, 0, 0)))).shape == (2, 0, 0)
    close(LA.det(t(np.zeros((2, 0, 0)))), [1.0, 1.0])
    close(LA.slogdet(t(np.zeros((2, 0, 0)))).logabsdet, [0.0, 0.0])
    assert LA.det(t(np.zeros((0, 3, 3)))).shape == (0,)
    assert LA.slogdet(t(np.zeros((0, 3, 3)))).sign.shape == (0,)
    assert LA.svd(t(np.zeros((0, 3, 2)))).U.shape == (0, 3, 3)
    U, S, Vh = LA.svd(t(np.zeros((0, 3))))
    assert U.shape == (0, 0) and S.shape == (0,)
    close(Vh, np.eye(3))
    assert LA.pinv(t(np.zeros((2, 0)))).shape == (0, 2)
    close(LA.matrix_exp(t([[2.0]])), [[math.exp(2.0)]])


# ------------------------------------------------------------------------------ gradients


def sym(a):
    """A symmetric (positive definite) function of ``a``, for rules that read one triangle:
    gradcheck then sees the dependence on every element."""
    return a @ a.mT + 3 * fg.eye(a.shape[-1], dtype=a.dtype)


def inputs(*shapes, shift=0.0, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for shape in shapes:
        values = rng.standard_normal(shape)
        if shift and len(shape) >= 2 and shape[-1] == shape[-2]:
            values = values + shift * np.eye(shape[-1])
        out.append(t(values, requires_grad=True))
    return out


def svd_invariants(U, S, Vh):
    # Singular vectors are defined up to sign: |U| and |Vh| are not.
    return U.abs(), S, Vh.abs()


GRADIENTS = {
    "inv": (LA.inv, inputs((2, 3, 3), shift=3)),
    "det": (LA.det, inputs((2, 3, 3), shift=1)),
    "slogdet": (lambda a: LA.slogdet(a).logabsdet, inputs((2, 3, 3), shift=3)),
    "logdet": (lambda a: fg.logdet(sym(a)), inputs((2, 3, 3))),
    "solve": (LA.solve, inputs((2, 3, 3), (3, 2), shift=3)),
    "solve_vector": (LA.solve, inputs((2, 3, 3), (2, 3), shift=3)),
    "solve_right": (lambda a, b: LA.solve(a, b, left=False), inputs((3, 3), (2, 4, 3), shift=3)),
    "solve_triangular_upper": (
        lambda a, b: LA.solve_triangular(a, b, upper=True),
        inputs((2, 3, 3), (2, 3, 2), shift=3),
    ),
    "solve_triangular_lower_right_unit": (
        lambda a, b: LA.solve_triangular(a, b, upper=False, left=False, unitriangular=True),
        inputs((3, 3), (2, 3), shift=3),
    ),
    "cholesky": (lambda a: LA.cholesky(sym(a)), inputs((2, 3, 3))),
    "cholesky_upper": (lambda a: LA.cholesky(sym(a), upper=True), inputs((3, 3))),
    "cholesky_solve": (
        lambda a, b: fg.cholesky_solve(b, LA.cholesky(sym(a))),
        inputs((3, 3), (3, 2)),
    ),
    "cholesky_inverse": (lambda a: fg.cholesky_inverse(LA.cholesky(sym(a))), inputs((3, 3))),
    "qr_tall": (lambda a: tuple(LA.qr(a)), inputs((2, 4, 3))),
    "qr_wide": (lambda a: tuple(LA.qr(a)), inputs((2, 3, 5))),
    "qr_complete_square": (lambda a: tuple(LA.qr(a, mode="complete")), inputs((3, 3))),
    "svd_tall": (lambda a: svd_invariants(*LA.svd(a, full_matrices=False)), inputs((2, 4, 3))),
    "svd_wide": (lambda a: svd_invariants(*LA.svd(a, full_matrices=False)), inputs((3, 5))),
    "svd_full_square": (lambda a: svd_invariants(*LA.svd(a)), inputs((3, 3))),
    "svd_legacy": (lambda a: svd_invariants(*fg.svd(a)), inputs((4, 3))),
    "svdvals": (LA.svdvals, inputs((2, 3, 4))),
    "eigh": (
        lambda a: (LA.eigh(sym(a)).eigenvalues, LA.eigh(sym(a)).eigenvectors.abs()),
        inputs((2, 3, 3)),
    ),
    "eigh_upper": (lambda a: LA.eigh(sym(a), UPLO="U").eigenvectors.abs(), inputs((3, 3))),
    "eigvalsh": (lambda a: LA.eigvalsh(sym(a)), inputs((3, 3))),
    "eig": (
        lambda a: (fg.view_as_real(LA.eig(a).eigenvalues), LA.eig(a).eigenvectors.abs()),
        [t(T3, requires_grad=True)],
    ),
    "eig_complex_eigenvalues": (
        lambda a: (fg.view_as_real(LA.eig(a).eigenvalues), LA.eig(a).eigenvectors.abs()),
        [t([[0.0, 1.0, 2.0], [-1.0, 0.5, 0.0], [0.3, 0.2, 1.0]], requires_grad=True)],
    ),
    "eigvals": (lambda a: fg.view_as_real(LA.eigvals(a)), [t(T3, requires_grad=True)]),
    "pinv_tall": (LA.pinv, inputs((2, 4, 3))),
    "pinv_wide": (LA.pinv, inputs((3, 4))),
    "pinv_hermitian": (lambda a: LA.pinv(sym(a), hermitian=True), inputs((3, 3))),
    "lstsq": (lambda a, b: LA.lstsq(a, b).solution, inputs((2, 4, 3), (4, 2))),
    "lstsq_batch_of_vectors": (lambda a, b: LA.lstsq(a, b).solution, inputs((2, 4, 3), (2, 4))),
    "lstsq_vector": (lambda a, b: LA.lstsq(a, b).solution, inputs((4, 3), (4,))),
    "lstsq_residuals": (
        lambda a, b: LA.lstsq(a, b, driver="gelsd").residuals,
        inputs((4, 2), (4, 3)),
    ),
    "matrix_exp": (LA.matrix_exp, inputs((2, 3, 3))),
    "matrix_exp_large": (lambda a: LA.matrix_exp(4 * a), inputs((3, 3))),
    "matrix_power_3": (lambda a: LA.matrix_power(a, 3), inputs((2, 3, 3))),
    "matrix_power_negative": (lambda a: LA.matrix_power(a, -2), inputs((3, 3), shift=3)),
    "multi_dot": (lambda a, b, c: LA.multi_dot([a, b, c]), inputs((3,), (3, 4), (4, 2))),
    "vecdot": (lambda x, y: LA.vecdot(x, y, dim=0), inputs((3, 2), (3, 1))),
    "cross": (LA.cross, inputs((2, 3), (3,))),
    "cond": (LA.cond, inputs((3, 3), shift=2)),
    "householder_product": (LA.householder_product, inputs((2, 4, 3), (2, 2))),
    "tensorinv": (
        lambda a: LA.tensorinv(a, ind=1),
        [t(well_conditioned(n=6).reshape(6, 2, 3), requires_grad=True)],
    ),
    "tensorsolve": (
        LA.tensorsolve,
        [t(well_conditioned(n=6).reshape(2, 3, 6), requires_grad=True), *inputs((2, 3))],
    ),
    "vander": (lambda x: LA.vander(x, N=4), inputs((2, 3))),
}
for _ord in [1, 2, 3, 0.5, math.inf, -math.inf, -1.5]:
    GRADIENTS[f"vector_norm_{_ord}"] = (
        lambda x, o=_ord: LA.vector_norm(x, o, dim=-1),
        inputs((2, 4), seed=3),
    )
for _ord in ["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf]:
    GRADIENTS[f"matrix_norm_{_ord}"] = (
        lambda a, o=_ord: LA.matrix_norm(a, o),
        inputs((2, 3, 4), seed=4),
    )
GRADIENTS["norm_keepdim"] = (lambda a: LA.norm(a, dim=(0, 2), keepdim=True), inputs((2, 3, 4)))


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradcheck(name):
    fn, args = GRADIENTS[name]
    assert gradcheck(fn, args, eps=1e-6, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradgradcheck(name):
    fn, args = GRADIENTS[name]
    assert gradgradcheck(fn, args, eps=1e-6, atol=1e-4, rtol=1e-3)


def test_det_gradient_at_a_singular_matrix():
    # The gradient of det is the adjugate (the transposed cofactor matrix), which exists at a
    # singular matrix too; there it is computed through the SVD, without an inverse. (PyTorch
    # 2's first-order backward returns zeros at an exactly singular matrix, through its LU.)
    adjugate_t = [[4.0, 4.0, -4.0], [-2.0, -2.0, 2.0], [0.0, 0.0, 0.0]]
    A = t(RANK2, requires_grad=True)
    LA.det(A).backward()
    close(A.grad, adjugate_t, 1e-9)
    assert gradcheck(LA.det, [t(RANK2, requires_grad=True)], eps=1e-6, atol=1e-5)
    # A batch mixing a singular matrix with a regular one.
    B = t([RANK2, G3], requires_grad=True)
    LA.det(B).sum().backward()
    close(B.grad[0], adjugate_t, 1e-9)
    close(B.grad[1], np.linalg.det(G3) * np.linalg.inv(G3).T)


def grad_of(fn, values):
    x = t(values, requires_grad=True)
    fn(x).backward()
    return x.grad


WEIGHTS = np.arange(9.0).reshape(3, 3)

RECORDED_GRADIENTS = {
    # One triangle is read, the gradient is symmetric (PyTorch's convention).
    "g_chol": (lambda a: (LA.cholesky(a) * t(WEIGHTS)).sum(), A3),
    "g_chol_upper": (lambda a: (LA.cholesky(a, upper=True) * t(WEIGHTS)).sum(), A3),
    "g_eigh": (
        lambda a: (
            LA.eigh(a).eigenvectors.abs().sum()
            + (LA.eigh(a).eigenvalues * t([1.0, 2.0, 3.0])).sum()
        ),
        A3,
    ),
    "g_eigh_U": (lambda a: LA.eigh(a, UPLO="U").eigenvectors.abs().sum(), A3),
    # The columns of a full U beyond min(m, n) get no gradient.
    "g_svd_full": (lambda a: LA.svd(a).U.abs().sum() + LA.svd(a).S.sum(), R32),
    # Ties share the gradient of the max norm; the zero vector's 2-norm has gradient 0.
    "g_vnorm_inf_ties": (lambda x: LA.vector_norm(x, math.inf), [3.0, -3.0, 1.0]),
    "g_vnorm_zero": (lambda x: LA.vector_norm(x), [0.0, 0.0, 0.0]),
    "g_qr_wide": (
        lambda a: (LA.qr(a).Q * t([[1.0, 2.0], [3.0, 4.0]])).sum() + LA.qr(a).R.sum(),
        M23,
    ),
    "g_eig": (lambda a: (LA.eig(a).eigenvectors.abs() * t(WEIGHTS)).sum(), T3),
    "g_lstsq": (lambda a: LA.lstsq(a, t(B3)).solution.sum(), R32),
    "g_expm": (lambda a: (LA.matrix_exp(a) * t(WEIGHTS)).sum(), (0.5 * np.array(G3)).tolist()),
    "g_pinv_wide": (lambda a: (LA.pinv(a) * t(np.arange(6.0).reshape(3, 2))).sum(), M23),
}


@pytest.mark.parametrize("key", sorted(RECORDED_GRADIENTS))
def test_gradients_match_pytorch(key):
    fn, values = RECORDED_GRADIENTS[key]
    close(grad_of(fn, values), TORCH[key], 1e-9)


GRAD_FNS = {
    "LinalgInvExBackward0": lambda A: LA.inv(A),
    "LinalgDetBackward0": lambda A: LA.det(A),
    "LinalgSlogdetBackward0": lambda A: LA.slogdet(A).logabsdet,
    "LinalgSolveExBackward0": lambda A: LA.solve(A, fg.ones(3, dtype=fg.float64)),
    "LinalgSolveTriangularBackward0": lambda A: LA.solve_triangular(
        A, fg.ones(3, 1, dtype=fg.float64), upper=True
    ),
    "LinalgCholeskyExBackward0": lambda A: LA.cholesky(A),
    "LinalgQrBackward0": lambda A: LA.qr(A).Q,
    "LinalgSvdBackward0": lambda A: LA.svdvals(A),
    "LinalgEighBackward0": lambda A: LA.eigvalsh(A),
    "LinalgEigBackward0": lambda A: LA.eigvals(A),
    "LinalgPinvBackward0": lambda A: LA.pinv(A),
    "LinalgLstsqBackward0": lambda A: LA.lstsq(A, fg.ones(3, 1, dtype=fg.float64)).solution,
    "LinalgMatrixExpBackward0": lambda A: LA.matrix_exp(A),
    "LinalgVectorNormBackward0": lambda A: LA.matrix_norm(A),
}


@pytest.mark.parametrize("name", sorted(GRAD_FNS))
def test_grad_fn_names(name):
    A = t(A3, requires_grad=True)
    assert GRAD_FNS[name](A).grad_fn.name() == name


def test_no_graph_without_grad():
    out = LA.inv(t(A3))
    assert out.grad_fn is None and not out.requires_grad
    with fg.no_grad():
        assert not LA.inv(t(A3, requires_grad=True)).requires_grad


def test_float32_gradients_flow():
    A = t(A3, fg.float32, requires_grad=True)
    LA.det(A).backward()
    assert A.grad.dtype == fg.float32
    close(A.grad, np.linalg.det(A3) * np.linalg.inv(A3).T, 1e-4)


# ---------------------------------------------------------------------------------- errors


def test_singular_matrices_raise_linalg_error():
    assert issubclass(LA.LinAlgError, RuntimeError)
    singular = t([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(
        LA.LinAlgError,
        match=r"^linalg\.inv: The diagonal element 2 is zero, the inversion could not be "
        r"completed because the input matrix is singular\.$",
    ):
        LA.inv(singular)
    with pytest.raises(
        LA.LinAlgError, match=r"^linalg.inv: \(Batch element 1\): The diagonal element 2 is zero"
    ):
        LA.inv(fg.stack([fg.eye(2, dtype=fg.float64), singular]))
    with pytest.raises(
        LA.LinAlgError,
        match=r"^torch.linalg.solve: The solver failed because the input matrix is singular.$",
    ):
        LA.solve(singular, t([1.0, 1.0]))
    with pytest.raises(LA.LinAlgError, match=r"^torch.linalg.solve: \(Batch element 1\)"):
        LA.solve(fg.stack([fg.eye(2, dtype=fg.float64), singular]), t(np.ones((2, 2, 1))))
    with pytest.raises(RuntimeError, match="diagonal element 1 is zero"):
        LA.matrix_power(t(np.zeros((2, 2))), -1)
    # The _ex forms report instead of raising.
    assert LA.inv_ex(singular).info.item() == 2
    assert LA.solve_ex(singular, t([1.0, 1.0])).info.item() == 2
    assert LA.cholesky_ex(singular).info.item() == 2


def test_cholesky_of_a_matrix_that_is_not_positive_definite():
    with pytest.raises(
        LA.LinAlgError,
        match=r"^linalg\.cholesky: The factorization could not be completed because the input "
        r"is not positive-definite \(the leading minor of order 2 is not positive-definite\)\.$",
    ):
        LA.cholesky(t([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(LA.LinAlgError, match=r"\(Batch element 1\).*order 1 is"):
        LA.cholesky(t([np.eye(2), -np.eye(2)]))
    # The upper triangle is read with upper=True.
    with pytest.raises(LA.LinAlgError, match="order 2"):
        LA.cholesky(t([[4.0, 100.0], [2.0, 3.0]]), upper=True)
    close(LA.cholesky(t([[4.0, 100.0], [2.0, 3.0]])), [[2.0, 0.0], [1.0, math.sqrt(2.0)]])


@pytest.mark.parametrize(
    "fn,name",
    [
        (LA.inv, "linalg.inv"),
        (LA.det, "linalg.det"),
        (LA.slogdet, "linalg.slogdet"),
        (LA.cholesky, "linalg.cholesky"),
        (LA.eigh, "linalg.eigh"),
        (LA.eigvals, "linalg.eigvals"),
        (LA.matrix_exp, "linalg.matrix_exp"),
        (lambda a: LA.solve(a, fg.ones(2, 1, dtype=fg.float64)), "linalg.solve"),
    ],
)
def test_non_square_matrices_raise(fn, name):
    with pytest.raises(
        RuntimeError,
        match=rf"^{name}: A must be batches of square matrices, but they are 2 by 3 matrices$",
    ):
        fn(t(np.ones((2, 3))))


def test_wrong_dtypes_and_dimensions():
    # PyTorch raises NotImplementedError (a RuntimeError) for integer input.
    with pytest.raises(
        NotImplementedError,
        match=r"^linalg.inv: Expected a floating point or complex tensor as input. Got Long$",
    ):
        LA.inv(fg.ones(2, 2, dtype=fg.int64))
    with pytest.raises(
        NotImplementedError, match=r"linalg\.vector_norm: Expected a floating point"
    ):
        LA.vector_norm(fg.ones(2, dtype=fg.int64))
    with pytest.raises(
        RuntimeError, match=r"^linalg.svd: The input tensor A must have at least 2 dimensions.$"
    ):
        LA.svd(t([1.0, 2.0]))
    with pytest.raises(
        RuntimeError,
        match="Expected A and B to have the same dtype, but found A of type Float and B of type "
        "Double instead",
    ):
        LA.solve(fg.eye(2), fg.ones(2, dtype=fg.float64))
    with pytest.raises(
        RuntimeError,
        match=r"Incompatible shapes of A and B for the equation AX = B \(2x2 and 3x1\)",
    ):
        LA.solve(t(np.eye(2)), t([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError):
        LA.inv([[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(RuntimeError, match="expected a tensor with 2 or more dimensions"):
        LA.pinv(t([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="Order 3 not supported"):
        LA.matrix_norm(t(np.eye(2)), 3)
    with pytest.raises(
        RuntimeError,
        match=r"If dim is not specified but ord is, the input must be 1D or 2D\. Got 3D\.",
    ):
        LA.norm(t(np.ones((2, 2, 2))), 2)
    with pytest.raises(RuntimeError, match="expected at least 2 tensors but got 1"):
        LA.multi_dot([t(np.eye(2))])
    with pytest.raises(
        RuntimeError,
        match=r"tensors 0 and 1 with shapes \[2, 3\] and \[2, 2\] cannot be multiplied",
    ):
        LA.multi_dot([t(np.ones((2, 3))), t(np.ones((2, 2)))])
    with pytest.raises(RuntimeError, match="Expected UPLO argument to be 'L' or 'U', but got X"):
        LA.eigh(t(np.eye(2)), UPLO="X")
    with pytest.raises(RuntimeError, match="unrecognized mode 'full'"):
        LA.qr(t(np.eye(2)), mode="full")
    with pytest.raises(TypeError):
        LA.matrix_power(t(np.eye(2)), 1.5)


def test_decompositions_without_an_answer():
    nan = t([[math.nan, 1.0], [1.0, 1.0]])
    with pytest.raises(
        LA.LinAlgError,
        match=r"linalg\.svd: The algorithm failed to converge because the input matrix "
        r"contained non-finite values\.",
    ):
        LA.svd(nan)
    with pytest.raises(
        RuntimeError, match=r"torch\.linalg\.eig: input tensor should not contain infs or NaNs\."
    ):
        LA.eig(nan)
    # eigh of a non-finite matrix gives NaNs, as LAPACK's (and PyTorch's) does.
    assert np.isnan(arr(LA.eigh(nan).eigenvalues)).all()


def test_decompositions_that_are_not_differentiable():
    A = t(R32, requires_grad=True)
    with pytest.raises(RuntimeError, match="not computed when mode='r'"):
        LA.qr(A, mode="r").R.sum().backward()
    with pytest.raises(
        RuntimeError, match="not differentiable when mode='complete' and nrows > ncols"
    ):
        LA.qr(A, mode="complete").R.sum().backward()


def test_kernels_run_for_device_tensors():
    from ferrograd import cuda
    from ferrograd.cuda._numpy_backend import NumpyTable

    previous = cuda.use_backend(NumpyTable())
    try:
        A = t(A3).cuda().requires_grad_()
        inverse = LA.inv(A)
        assert inverse.device.type == "cuda"
        close(inverse.cpu(), np.linalg.inv(A3))
        LA.det(A).backward()
        assert A.grad.device.type == "cuda"
        close(A.grad.cpu(), np.linalg.det(A3) * np.linalg.inv(A3).T)
    finally:
        cuda.use_backend(previous)


def test_tolerances_of_pinv_and_matrix_rank():
    q1, _ = np.linalg.qr(RNG.standard_normal((3, 3)))
    q2, _ = np.linalg.qr(RNG.standard_normal((3, 3)))
    s = np.array([5.0, 1.0, 1e-3])
    a = (q1 * s) @ q2.T
    truncated = (q2[:, :2] / s[:2]) @ q1[:, :2].T
    close(LA.pinv(t(a), atol=0.01), truncated, 1e-9)
    close(LA.pinv(t(a), rtol=0.01), truncated, 1e-9)
    close(LA.pinv(t(a)), np.linalg.inv(a), 1e-8)
    close(fg.pinverse(t(a), rcond=0.01), truncated, 1e-9)
    assert LA.matrix_rank(t(a)).item() == 3
    assert LA.matrix_rank(t(a), atol=0.01).item() == 2
    assert LA.matrix_rank(t(a), rtol=0.01).item() == 2
    assert LA.matrix_rank(t(a), tol=2.0).item() == 1
    assert LA.matrix_rank(t(a), atol=0.01, rtol=0.5).item() == 1
    # Symmetric with a negative eigenvalue: magnitudes count.
    w = np.array([-4.0, 2.0, 1e-4])
    h = (q1 * w) @ q1.T
    assert LA.matrix_rank(t(h), hermitian=True, atol=1e-2).item() == 2
    close(LA.pinv(t(h), hermitian=True, atol=1e-2), (q1[:, :2] / w[:2]) @ q1[:, :2].T, 1e-9)


def test_lstsq_drivers_and_underdetermined_systems():
    a, b = RNG.standard_normal((2, 5, 3)), RNG.standard_normal((2, 5, 2))
    expected = np.linalg.lstsq(a[0], b[0], rcond=None)
    for driver in ("gelsd", "gelss"):
        result = LA.lstsq(t(a), t(b), driver=driver)
        close(result.solution[0], expected[0])
        close(result.residuals[0], expected[1])
        close(result.singular_values[0], expected[3])
        close(result.rank, [3, 3])
    gels = LA.lstsq(t(a), t(b), driver="gels")
    assert gels.rank.shape == (0,) and gels.singular_values.shape == (0,)
    close(gels.residuals[1], np.linalg.lstsq(a[1], b[1], rcond=None)[1])
    # Fewer equations than unknowns: the minimum-norm solution.
    wide, rhs = RNG.standard_normal((3, 5)), RNG.standard_normal(3)
    close(LA.lstsq(t(wide), t(rhs)).solution, np.linalg.pinv(wide) @ rhs)
    with pytest.raises(RuntimeError, match="parameter `driver` should be one of"):
        LA.lstsq(t(a), t(b), driver="gesv")
    with pytest.raises(RuntimeError, match="only supported on CUDA inputs"):
        LA.svd(t(a), driver="gesvd")


def test_householder_product_rebuilds_lapacks_q():
    a = RNG.standard_normal((5, 3))
    h, tau = np.linalg.qr(a, mode="raw")  # LAPACK's geqrf output, transposed
    Q = LA.householder_product(t(h.T.copy()), t(tau))
    close(Q, np.linalg.qr(a)[0])
    with pytest.raises(RuntimeError, match=r"must be greater than or equal to input\.shape"):
        LA.householder_product(t(np.ones((2, 3))), t(np.ones(2)))
    with pytest.raises(RuntimeError, match=r"must be greater than or equal to tau\.shape"):
        LA.householder_product(t(np.ones((4, 2))), t(np.ones(3)))


def test_tensor_systems_and_vandermonde():
    a = well_conditioned(n=6).reshape(6, 2, 3)
    inverse = LA.tensorinv(t(a), ind=1)
    assert inverse.shape == (2, 3, 6)
    close(inverse, np.linalg.tensorinv(a, ind=1))
    b = RNG.standard_normal((2, 3))
    system = well_conditioned(n=6).reshape(2, 3, 2, 3)
    close(LA.tensorsolve(t(system), t(b)), np.linalg.tensorsolve(system, b))
    close(LA.tensorsolve(t(system), t(b), dims=(0,)), np.linalg.tensorsolve(system, b, axes=(0,)))
    with pytest.raises(RuntimeError, match="strictly positive integer for 'ind', but got 0"):
        LA.tensorinv(t(a), ind=0)
    with pytest.raises(RuntimeError, match=r"but got 12 != 2"):
        LA.tensorinv(t(np.ones((2, 3, 4))), ind=1)
    x = t([0.0, 2.0, 3.0], requires_grad=True)
    V = LA.vander(x)
    close(V, np.vander([0.0, 2.0, 3.0], increasing=True))
    V.sum().backward()
    close(x.grad, [1.0, 5.0, 7.0])  # PyTorch's, exact at 0
    with pytest.raises(RuntimeError, match="N must be greater than 1"):
        LA.vander(x, N=1)


def test_matrix_power_zero_is_recorded_with_a_zero_gradient():
    A = t(G3, requires_grad=True)
    identity = LA.matrix_power(A, 0)
    assert identity.requires_grad and identity.grad_fn.name() == "CopyBackwards"
    (identity.sum() + LA.matrix_power(A, 1).sum()).backward()
    close(A.grad, np.ones((3, 3)))


def test_dual_tensors_are_refused_not_silently_dropped():
    from ferrograd.autograd import forward_ad as fwAD

    with fwAD.dual_level():
        dual = fwAD.make_dual(t(A3), t(np.ones((3, 3))))
        with pytest.raises(RuntimeError, match="LinalgInvExBackward0: forward-mode AD"):
            LA.inv(dual)
        # Compositions of ops with tangent rules keep working.
        product = LA.multi_dot([dual, t(A3)])
        close(fwAD.unpack_dual(product).tangent, np.ones((3, 3)) @ np.array(A3))
        # The values-only kernels (no grad wanted) refuse the tangent too: it gave 0.
        for fn, node in [
            (LA.svdvals, "LinalgSvdBackward0"),
            (LA.eigvalsh, "LinalgEighBackward0"),
            (LA.eigvals, "LinalgEigBackward0"),
        ]:
            with pytest.raises(RuntimeError, match=f"{node}: forward-mode AD"):
                fn(dual)


# PyTorch 2.15's forward-mode tangents of vector_norm at x = [3, -4, 0, 4] along
# v = [1, 2, 3, 0.5] (ties of the max norm share the tangent: -(2 - 0.5) / 2).
VECTOR_NORM_TANGENTS = {
    2: -0.4685212856658182,
    1: -0.5,
    math.inf: -0.75,
    -math.inf: 0.0,
    0: 0.0,
    3: -0.5198405182204677,
    0.5: -0.9896370289181544,
}


@pytest.mark.parametrize("ord", sorted(VECTOR_NORM_TANGENTS))
def test_vector_norm_forward_mode(ord):
    from ferrograd.func import jacfwd, jacrev, jvp

    x, v = t([3.0, -4.0, 0.0, 4.0]), t([1.0, 2.0, 3.0, 0.5])
    value, tangent = jvp(lambda x: LA.vector_norm(x, ord), (x,), (v,))
    close(value, LA.vector_norm(x, ord))
    close(tangent, VECTOR_NORM_TANGENTS[ord], 1e-12)
    # Over some dims, kept or not: forward and reverse Jacobians agree.
    A = t(RNG.standard_normal((2, 3, 4)))
    for dim, keepdim in [((0, 2), True), (1, False), (None, False)]:

        def norm(a, dim=dim, keepdim=keepdim):
            return LA.vector_norm(a, ord, dim, keepdim)

        close(jacfwd(norm)(A), jacrev(norm)(A), 1e-10)


def test_vector_norm_forward_mode_at_zero_is_zero():
    from ferrograd.func import jvp

    zero = fg.zeros(3, dtype=fg.float64)
    _, tangent = jvp(LA.vector_norm, (zero,), (fg.ones(3, dtype=fg.float64),))
    assert tangent.item() == 0.0


@pytest.mark.parametrize(
    "fn",
    [
        lambda a: LA.vector_norm(a),
        lambda a: LA.vector_norm(a, 1, dim=-1),
        lambda a: LA.vector_norm(a, math.inf, dim=(0, 1), keepdim=True),
        lambda a: LA.matrix_norm(a),
        lambda a: LA.matrix_norm(a, "nuc"),
        lambda a: LA.matrix_norm(a, -math.inf, keepdim=True),
        lambda a: LA.norm(a),
        lambda a: LA.norm(a, keepdim=True),
        lambda a: LA.norm(a, dim=1),
        lambda a: LA.norm(a, "fro"),
        lambda a: LA.norm(a[0], 3),
    ],
)
def test_norms_under_vmap_match_a_loop_over_samples(fn):
    from ferrograd.func import jacrev, vmap

    A = t(RNG.standard_normal((5, 3, 4)))
    close(vmap(fn)(A), fg.stack([fn(a) for a in A]), 1e-12)
    # jacrev runs the backward under vmap: its rows sum to the gradient of the outputs' sum.
    a = A[0].clone().requires_grad_()
    (gradient,) = fg.autograd.grad(fn(a).sum(), a)
    jacobian = jacrev(fn)(A[0])
    close(jacobian.reshape(-1, 3, 4).sum(0), gradient, 1e-12)
