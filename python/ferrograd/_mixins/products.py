"""Products built on ``matmul`` and broadcasting: ``addmm``, ``addmv``, ``addr``, ``addbmm``,
``baddbmm``, ``outer``, ``kron``, ``cross`` (each differentiable through the operations it is
made of)."""

from .._autocast import lower_precision
from .._base import TensorBase
from .structure import wrap_dim


def _require_dims(t, ndim: int, what: str, op: str):
    if not isinstance(t, TensorBase):
        raise TypeError(f"{op}(): argument '{what}' must be Tensor, not {type(t).__name__}")
    if t.ndim != ndim:
        kind = {1: "a vector", 2: "a matrix", 3: "a 3D tensor"}[ndim]
        raise RuntimeError(f"{what} must be {kind}, got {t.ndim}-D tensor")


def _scaled_sum(input, product, beta, alpha):
    """``beta * input + alpha * product``; with ``beta == 0`` ``input`` is ignored (its NaN and
    inf do not propagate), as PyTorch documents."""
    if alpha != 1:
        product = product * alpha
    if beta == 0:
        shape = _broadcast(input.shape, product.shape)
        return product if list(product.shape) == shape else product.expand(shape).clone()
    return (input if beta == 1 else input * beta) + product


def _broadcast(a, b):
    a, b = list(a), list(b)
    n = max(len(a), len(b))
    a, b = [1] * (n - len(a)) + a, [1] * (n - len(b)) + b
    return [max(x, y) if min(x, y) != 0 else 0 for x, y in zip(a, b, strict=True)]


class ProductsMixin:
    __slots__ = ()

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        """``beta * self + alpha * (mat1 @ mat2)``."""
        self, mat1, mat2 = lower_precision(self, mat1, mat2)
        _require_dims(mat1, 2, "mat1", "addmm")
        _require_dims(mat2, 2, "mat2", "addmm")
        if mat1.shape[1] != mat2.shape[0]:
            raise RuntimeError(
                f"addmm: mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x"
                f"{mat1.shape[1]} and {mat2.shape[0]}x{mat2.shape[1]})"
            )
        return _scaled_sum(self, mat1 @ mat2, beta, alpha)

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        """``beta * self + alpha * (mat @ vec)``."""
        _require_dims(mat, 2, "mat", "addmv")
        _require_dims(vec, 1, "vec", "addmv")
        return _scaled_sum(self, mat @ vec, beta, alpha)

    def addr(self, vec1, vec2, *, beta=1, alpha=1):
        """``beta * self + alpha * outer(vec1, vec2)``."""
        return _scaled_sum(self, vec1.outer(vec2), beta, alpha)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        """``beta * self + alpha * (batch1 @ batch2)`` for batches of matrices."""
        self, batch1, batch2 = lower_precision(self, batch1, batch2)
        _require_dims(batch1, 3, "batch1", "baddbmm")
        _require_dims(batch2, 3, "batch2", "baddbmm")
        return _scaled_sum(self, batch1 @ batch2, beta, alpha)

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        """``beta * self + alpha * sum_b(batch1[b] @ batch2[b])``, as one matrix product of the
        batches laid side by side."""
        self, batch1, batch2 = lower_precision(self, batch1, batch2)
        _require_dims(batch1, 3, "batch1", "addbmm")
        _require_dims(batch2, 3, "batch2", "addbmm")
        b, n, m = batch1.shape
        if batch2.shape[0] != b or batch2.shape[1] != m:
            raise RuntimeError(
                f"addbmm: batch1 and batch2 do not match: {tuple(batch1.shape)} and "
                f"{tuple(batch2.shape)}"
            )
        wide = batch1.permute(1, 0, 2).reshape(n, b * m)
        tall = batch2.reshape(b * m, batch2.shape[2])
        return _scaled_sum(self, wide @ tall, beta, alpha)

    def addmm_(self, mat1, mat2, *, beta=1, alpha=1):
        return self.copy_(self.addmm(mat1, mat2, beta=beta, alpha=alpha))

    def addmv_(self, mat, vec, *, beta=1, alpha=1):
        return self.copy_(self.addmv(mat, vec, beta=beta, alpha=alpha))

    def addr_(self, vec1, vec2, *, beta=1, alpha=1):
        return self.copy_(self.addr(vec1, vec2, beta=beta, alpha=alpha))

    def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        return self.copy_(self.baddbmm(batch1, batch2, beta=beta, alpha=alpha))

    def addbmm_(self, batch1, batch2, *, beta=1, alpha=1):
        return self.copy_(self.addbmm(batch1, batch2, beta=beta, alpha=alpha))

    def outer(self, vec2):
        """The outer product ``self[i] * vec2[j]`` of two vectors."""
        if not isinstance(vec2, TensorBase):
            raise TypeError(f"outer(): argument 'vec2' must be Tensor, not {type(vec2).__name__}")
        for name, v in (("self", self), ("vec2", vec2)):
            if v.ndim != 1:
                raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.ndim}-D")
        return self.reshape(-1, 1) * vec2.reshape(1, -1)

    ger = outer

    def kron(self, other):
        """The Kronecker product: blocks ``self[i, j, ...] * other`` laid out in a grid."""
        if not isinstance(other, TensorBase):
            raise TypeError(f"kron(): argument 'other' must be Tensor, not {type(other).__name__}")
        n = max(self.ndim, other.ndim)
        a = [1] * (n - self.ndim) + list(self.shape)
        b = [1] * (n - other.ndim) + list(other.shape)
        left = self.reshape([s for d in a for s in (d, 1)])
        right = other.reshape([s for d in b for s in (1, d)])
        return (left * right).reshape([x * y for x, y in zip(a, b, strict=True)])

    def cross(self, other, dim=None):
        """The cross product of 3-vectors along ``dim`` (the first dimension of size 3 when
        None, as ``torch.cross``; ``torch.linalg.cross`` uses -1)."""
        if not isinstance(other, TensorBase):
            raise TypeError(f"cross(): argument 'other' must be Tensor, not {type(other).__name__}")
        if self.ndim != other.ndim:
            raise RuntimeError(
                f"linalg.cross: inputs must have the same number of dimensions (got {self.ndim} "
                f"and {other.ndim})"
            )
        shape = _broadcast(self.shape, other.shape)
        if dim is None:
            sizes = [d for d, s in enumerate(shape) if s == 3]
            if not sizes:
                raise RuntimeError("no dimension of size 3 in input")
            dim = sizes[0]
        dim = wrap_dim(dim, len(shape), "cross")
        if self.shape[dim] != 3 or other.shape[dim] != 3:
            raise RuntimeError(
                f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                f"{self.shape[dim]} and {other.shape[dim]}"
            )
        a = self.expand(shape)
        b = other.expand(shape)
        a1, a2, a3 = (a.narrow(dim, i, 1) for i in range(3))
        b1, b2, b3 = (b.narrow(dim, i, 1) for i in range(3))
        from .. import _core

        return _core.cat([a2 * b3 - a3 * b2, a3 * b1 - a1 * b3, a1 * b2 - a2 * b1], dim)
