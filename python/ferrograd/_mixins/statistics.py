"""Statistics and normalized exponentials: ``var``, ``std``, ``norm``, ``logsumexp``,
``softmax``, ``log_softmax`` (the last three are numerically stable Rust kernels)."""

import math

from .. import _core


def _dim_list(dim, ndim):
    if dim is None:
        return list(range(ndim))
    if isinstance(dim, int):
        return [dim]
    return list(dim)


def _legacy_softmax_dim(ndim: int) -> int:
    # PyTorch's implicit choice when ``dim`` is omitted.
    return 0 if ndim in (0, 1, 3) else 1


class StatisticsMixin:
    __slots__ = ()

    def var(self, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
        """Variance over ``dim`` (all elements by default) with Bessel's correction unless
        ``unbiased=False`` / ``correction=0``."""
        if isinstance(dim, bool) and unbiased is None:  # var(False): the old ``unbiased`` position
            dim, unbiased = None, dim
        if correction is None:
            correction = 0 if unbiased is False else 1
        if not self.is_floating_point():
            raise TypeError(f"var(): input dtype should be floating point, got {self.dtype}")
        dims = _dim_list(dim, self.ndim) if self.ndim else None
        n = math.prod(self.shape[d] for d in dims) if dims else 1
        centered = self - self.mean(dims, keepdim=True)
        total = (centered * centered).sum(dims, keepdim=keepdim)
        return total / float(max(n - correction, 0))

    def std(self, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
        """Standard deviation: ``var(...).sqrt()``, with gradient 0 where it is 0."""
        var = self.var(dim, unbiased, keepdim, correction=correction)
        return _power_flat_at_zero(var, 0.5)

    def var_mean(self, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
        return self.var(dim, unbiased, keepdim, correction=correction), self.mean(
            dim, keepdim=keepdim
        )

    def std_mean(self, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
        var, mean = self.var_mean(dim, unbiased, keepdim, correction=correction)
        return _power_flat_at_zero(var, 0.5), mean

    def norm(self, p="fro", dim=None, keepdim: bool = False, dtype=None):
        """Vector p-norm over ``dim`` (all elements by default); ``'fro'`` is the 2-norm."""
        x = self if dtype is None else self.to(dtype)
        if not x.is_floating_point():
            raise TypeError(f"norm(): input dtype should be floating point, got {x.dtype}")
        dims = None if dim is None else _dim_list(dim, x.ndim)
        if p in ("fro", 2, 2.0):
            return _power_flat_at_zero((x * x).sum(dims, keepdim=keepdim), 0.5)
        if p in (1, 1.0):
            return x.abs().sum(dims, keepdim=keepdim)
        if p == math.inf:
            return x.abs().amax(dims, keepdim)
        if p == -math.inf:
            return x.abs().amin(dims, keepdim)
        if p == 0:
            return (x != 0).to(x.dtype).sum(dims, keepdim=keepdim)
        if isinstance(p, str):
            raise ValueError(f"norm(): unsupported norm type {p!r}")
        if p < 0:
            return (x.abs() ** p).sum(dims, keepdim=keepdim) ** (1.0 / p)
        powers = _power_flat_at_zero(x.abs(), p) if p < 1 else x.abs() ** p
        return _power_flat_at_zero(powers.sum(dims, keepdim=keepdim), 1.0 / p)

    def logsumexp(self, dim, keepdim: bool = False):
        """``log(sum(exp(self), dim))`` without overflow."""
        dims = _dim_list(dim, self.ndim)
        if len(dims) == 1:
            return _core.logsumexp(self, dims[0], keepdim)
        out = self
        for d in sorted((d % max(self.ndim, 1) for d in dims), reverse=True):
            out = _core.logsumexp(out, d, True)
        return out if keepdim else _squeeze_all(out, dims)

    def softmax(self, dim=None, dtype=None):
        """``exp(x) / sum(exp(x), dim)``, computed stably."""
        x = self if dtype is None else self.to(dtype)
        if not x.is_floating_point():
            raise TypeError(f"softmax(): expected a floating point tensor, got {x.dtype}")
        return _core.softmax(x, _legacy_softmax_dim(x.ndim) if dim is None else dim, False)

    def log_softmax(self, dim=None, dtype=None):
        """``x - logsumexp(x, dim)``, computed stably."""
        x = self if dtype is None else self.to(dtype)
        if not x.is_floating_point():
            raise TypeError(f"log_softmax(): expected a floating point tensor, got {x.dtype}")
        return _core.softmax(x, _legacy_softmax_dim(x.ndim) if dim is None else dim, True)


def _power_flat_at_zero(v, exponent: float):
    """``v ** exponent`` (``sqrt`` for 0.5) of ``v >= 0`` with ``exponent > 0``, with PyTorch's
    gradient 0 where ``v`` is 0: the power rule gives inf there (for ``exponent < 1``), and
    inf times the zero gradient of the elements below makes NaN. Recorded, those points take
    the constant 0 and the power is of ``v`` set to 1 there."""

    def power(t):
        return t.sqrt() if exponent == 0.5 else t**exponent

    if not v._requires_grad:
        return power(v)
    nonzero = v != 0
    return power(v.where(nonzero, 1.0)).where(nonzero, 0.0)


def _squeeze_all(t, dims):
    nd = t.ndim
    drop = {d % max(nd, 1) for d in dims}
    shape = [s for i, s in enumerate(t.shape) if i not in drop]
    return t.reshape(shape)
