"""``nn.utils.parametrizations``: ``weight_norm``, ``spectral_norm`` and ``orthogonal``,
registered with ``nn.utils.parametrize`` under PyTorch's ``state_dict`` keys
(``parametrizations.weight.original0``/``original1``; ``parametrizations.weight.original``
with ``parametrizations.weight.0._u``/``_v``; ``parametrizations.weight.0.base``).

``orthogonal`` computes its maps from products of the weight only (no linear-algebra kernels
are needed): the matrix exponential by scaling and squaring of a Taylor series, the Cayley
map by Gauss-Jordan elimination (its matrix ``I - A/2`` has a positive definite symmetric
part, so no pivoting is needed), and Householder products column by column. The QR
factorization that makes a weight orthogonal when it is assigned runs in NumPy (no gradient
flows through an assignment)."""

from __future__ import annotations

import math

import numpy as np

from ... import _core, _random
from ..._base import TensorBase
from ...autograd import no_grad
from .. import functional as F
from .._functional_common import _from_numpy_like
from ..modules.module import Module
from .parametrize import register_parametrization

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


# --- weight norm ------------------------------------------------------------------------------


def _norm_except_dim(v, dim: int):
    """The 2-norm of ``v`` over every dimension but ``dim`` (all of them for ``dim=-1``),
    shaped to broadcast against ``v``."""
    if dim == -1:
        return v.norm()
    dims = [d for d in range(v.ndim) if d != dim]
    return (v * v).sum(dims, keepdim=True).sqrt()


class _WeightNorm(Module):
    """``weight = g * v / ||v||`` with the norm over all dimensions but ``dim``."""

    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return weight_v * (weight_g / _norm_except_dim(weight_v, self.dim))

    def right_inverse(self, weight):
        return _norm_except_dim(weight, self.dim), weight


def weight_norm(module, name: str = "weight", dim=0):
    """Reparametrizes ``module.<name>`` as magnitude ``original0`` times direction
    ``original1 / ||original1||``."""
    return register_parametrization(module, name, _WeightNorm(dim), unsafe=True)


# --- spectral norm ----------------------------------------------------------------------------


class _SpectralNorm(Module):
    """``weight / sigma``, with ``sigma`` the largest singular value estimated by power
    iteration on the weight as a matrix (``_u``, ``_v`` kept as buffers; one step per training
    forward)."""

    def __init__(self, weight, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(
                "Dimension out of range (expected to be in range of "
                f"[-{ndim}, {ndim - 1}] but got {dim})"
            )
        if n_power_iterations <= 0:
            raise ValueError(
                "Expected n_power_iterations to be positive, but got "
                f"n_power_iterations={n_power_iterations}"
            )
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            matrix = self._reshape_weight_to_matrix(weight)
            h, w = matrix.shape
            u = F.normalize(_random.randn((h,), weight.dtype, weight.device), dim=0, eps=eps)
            v = F.normalize(_random.randn((w,), weight.dtype, weight.device), dim=0, eps=eps)
            self.register_buffer("_u", u)
            self.register_buffer("_v", v)
            self._power_method(matrix, 15)

    def _reshape_weight_to_matrix(self, weight):
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.ndim) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, matrix, n_power_iterations: int) -> None:
        with no_grad():
            for _ in range(n_power_iterations):
                self._u.copy_(F.normalize(matrix @ self._v, dim=0, eps=self.eps))
                self._v.copy_(F.normalize(matrix.t() @ self._u, dim=0, eps=self.eps))

    def forward(self, weight):
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        matrix = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(matrix, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()
        sigma = (u * (matrix @ v)).sum()
        return weight / sigma

    def right_inverse(self, value):
        return value


def spectral_norm(
    module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12, dim=None
):
    """Divides ``module.<name>`` by its spectral norm (its largest singular value), estimated
    by power iteration."""
    weight = getattr(module, name, None)
    if not isinstance(weight, TensorBase):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        from ..modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d

        transposed = (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)
        dim = 1 if isinstance(module, transposed) else 0
    register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


# --- orthogonal -------------------------------------------------------------------------------


def _eye_like(x, n: int):
    return _core.eye(n, n, x.dtype.name).to(x.device)


def _matrix_exp(a):
    """``exp(a)`` of square matrices: a degree-18 Taylor series of ``a / 2^s`` squared ``s``
    times, ``s`` chosen so that the scaled norm is below 1/2."""
    n = a.shape[-1]
    norm = float(a.detach().abs().sum(-2).amax().item()) if a.numel() else 0.0
    squarings = max(0, math.ceil(math.log2(norm)) + 1) if norm > 0 else 0
    scaled = a / (2.0**squarings)
    result = term = _eye_like(a, n).expand(a.shape)
    for k in range(1, 19):
        term = (term @ scaled) / k
        result = result + term
    for _ in range(squarings):
        result = result @ result
    return result


def _solve(m, b):
    """``m^{-1} b`` by Gauss-Jordan elimination without pivoting (for matrices whose symmetric
    part is positive definite), recorded so that it has a gradient."""
    n = m.shape[-1]
    for i in range(n):
        pivot = m[..., i : i + 1, i : i + 1]
        row_m = m[..., i : i + 1, :] / pivot
        row_b = b[..., i : i + 1, :] / pivot
        mask = np.zeros((n, 1))
        mask[i] = 1.0
        at_i = _from_numpy_like(m, mask)
        column = m[..., :, i : i + 1] * (1.0 - at_i)
        m = (m - column * row_m) * (1.0 - at_i) + row_m * at_i
        b = (b - column * row_b) * (1.0 - at_i) + row_b * at_i
    return b


def _householder_product(a, tau):
    """``H_1 H_2 ... H_k`` restricted to its first ``k`` columns, ``H_i = I - tau_i v_i
    v_i^T`` with ``v_i`` column ``i`` of ``a`` below the diagonal and 1 on it."""
    n, k = a.shape[-2], a.shape[-1]
    below = np.tril(np.ones((n, k)), -1)
    diagonal = np.eye(n, k)
    vectors = a * _from_numpy_like(a, below) + _from_numpy_like(a, diagonal)
    q = _eye_like(a, n).expand(*a.shape[:-2], n, n)
    for i in range(k):
        v = vectors[..., :, i : i + 1]
        q = q - (q @ v) @ v.transpose(-2, -1) * tau[..., i : i + 1].unsqueeze(-1)
    return q[..., :, :k]


def _make_orthogonal(a):
    """The Q of ``a = QR`` with R's diagonal made positive (no gradient)."""
    values = np.asarray(a.detach().cpu().numpy(), dtype=np.float64)
    q, r = np.linalg.qr(values)
    signs = np.sign(np.diagonal(r, axis1=-2, axis2=-1))
    signs = np.where(signs == 0, 1.0, signs)
    return _from_numpy_like(a, q * signs[..., None, :])


def _is_orthogonal(q) -> bool:
    n = q.shape[-1]
    eps = 10 * n * float(np.finfo(q.dtype.name).eps)
    return bool((q.transpose(-2, -1) @ q - _eye_like(q, n)).abs().max().item() <= eps)


class _Orthogonal(Module):
    _MAPS = ("matrix_exp", "cayley", "householder")

    def __init__(self, weight, orthogonal_map: str, *, use_trivialization: bool = True):
        super().__init__()
        self.shape = tuple(weight.shape)
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, x):
        n, k = x.shape[-2], x.shape[-1]
        transposed = n < k
        if transposed:
            x = x.transpose(-2, -1)
            n, k = k, n
        if self.orthogonal_map in ("matrix_exp", "cayley"):
            x = x.tril()
            if n != k:
                zeros = _core.full([*x.shape[:-2], n, n - k], 0.0, x.dtype.name, x._device)
                x = _core.cat([x, zeros], -1)
            a = x - x.transpose(-2, -1)
            if self.orthogonal_map == "matrix_exp":
                q = _matrix_exp(a)
            else:
                eye = _eye_like(a, n)
                q = _solve(eye - a * 0.5, eye + a * 0.5)
            if n != k:
                q = q[..., :k]
        else:
            a = x.tril(-1)
            tau = 2.0 / (1.0 + (a * a).sum(-2))
            q = _householder_product(a, tau)
            q = q * x.diagonal(0, -2, -1).detach().trunc().unsqueeze(-2)
        if self._buffers.get("base") is not None:
            q = self.base @ q
        if transposed:
            q = q.transpose(-2, -1)
        return q

    def right_inverse(self, q):
        if tuple(q.shape) != self.shape:
            raise ValueError(
                f"Expected a matrix or batch of matrices of shape {self.shape}. Got a tensor of "
                f"shape {tuple(q.shape)}."
            )
        q_init = q
        n, k = q.shape[-2], q.shape[-1]
        if n < k:
            q = q.transpose(-2, -1)
            n, k = k, n
        if "base" not in self._buffers:
            if self.orthogonal_map != "householder":
                raise NotImplementedError(
                    "It is not possible to assign to the matrix exponential or the Cayley "
                    "parametrizations when use_trivialization=False."
                )
            raise NotImplementedError(
                "orthogonal(..., use_trivialization=False) with householder cannot be assigned "
                "to in ferrograd (it needs geqrf)"
            )
        if n == k:
            q = q.clone() if _is_orthogonal(q) else _make_orthogonal(q)
        else:
            extra = _random.randn((*q.shape[:-2], n, n - k), q.dtype, q.device)
            q = _make_orthogonal(_core.cat([q, extra], -1))
        self.base = q
        negative_identity = np.zeros(tuple(q_init.shape))
        idx = np.arange(min(q_init.shape[-2:]))
        negative_identity[..., idx, idx] = -1.0
        return _from_numpy_like(q_init, negative_identity)


def orthogonal(
    module, name: str = "weight", orthogonal_map=None, *, use_trivialization: bool = True
):
    """Constrains ``module.<name>`` (a matrix or batch of matrices) to be orthogonal: its value
    is an orthogonal map (``matrix_exp``, ``cayley`` or ``householder``) of the stored tensor,
    times the weight's initial orthogonalization (``use_trivialization``)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, TensorBase):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(
            f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions."
        )
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.shape[-2] == weight.shape[-1] else "householder"
    if orthogonal_map not in _Orthogonal._MAPS:
        raise ValueError(
            'orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: '
            f"{orthogonal_map}"
        )
    parametrization = _Orthogonal(weight, orthogonal_map, use_trivialization=use_trivialization)
    register_parametrization(module, name, parametrization, unsafe=True)
    return module
