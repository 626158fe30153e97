"""Helpers shared by the distributions: broadcasting parameters, probabilities and logits,
lazily computed attributes, and the small tensor utilities they need."""

from __future__ import annotations

from numbers import Number

import numpy as np

from .. import _random
from .._base import TensorBase
from .._broadcast import broadcast_tensors
from .._creation import tensor as _tensor
from .._dtype import get_default_dtype
from .._mixins.structure import constant
from .._size import Size

__all__ = [
    "BinaryProbsLogits",
    "broadcast_all",
    "check_one_of",
    "clamp_probs",
    "euler_constant",
    "lazy_property",
    "logits_to_probs",
    "probs_to_logits",
    "tril_matrix_to_vec",
    "vec_to_tril_matrix",
]

euler_constant = 0.57721566490153286060  # Euler-Mascheroni constant

EMPTY_SIZE = Size()  # the default sample shape: one draw


def as_size(*parts) -> Size:
    """The concatenation of shapes as a ``Size``."""
    dims: list = []
    for part in parts:
        dims.extend(part)
    return Size(dims)


class _Finfo:
    __slots__ = ("eps", "max", "min", "tiny")

    def __init__(self, eps: float, tiny: float, max_: float):
        self.eps, self.tiny, self.max, self.min = eps, tiny, max_, -max_


_BFLOAT16 = _Finfo(2.0**-7, 2.0**-126, 3.3895313892515355e38)


def finfo(dtype) -> _Finfo:
    """Machine limits of a floating dtype: ``eps``, ``tiny``, ``max``, ``min``."""
    if dtype.name == "bfloat16":
        return _BFLOAT16
    info = np.finfo(np.dtype(dtype.name))
    return _Finfo(float(info.eps), float(info.tiny), float(info.max))


def broadcast_all(*values):
    """Tensors and numbers broadcast to one shape; numbers become tensors of the tensors'
    dtype and device (the default dtype when there is no tensor)."""
    tensors = [v for v in values if isinstance(v, TensorBase)]
    for v in values:
        if not isinstance(v, (TensorBase, Number)):
            raise ValueError(
                "Input arguments must all be instances of numbers.Number, torch.Tensor or objects "
                "implementing __torch_function__."
            )
    if not tensors:
        dtype = get_default_dtype()
        return tuple(_tensor(float(v), dtype=dtype) for v in values)
    like = tensors[0]
    dtype = like.dtype if like.is_floating_point() else get_default_dtype()
    made = [
        v
        if isinstance(v, TensorBase)
        else constant(np.asarray(v, dtype=np.float64), like).to(dtype)
        for v in values
    ]
    return broadcast_tensors(*made)


def standard_normal(shape, dtype, device):
    """Standard normal samples from the default generator (no gradient)."""
    return _random.randn(list(shape), dtype, device)


def standard_uniform(shape, dtype, device):
    return _random.rand(list(shape), dtype, device)


def sum_rightmost(value, dim: int):
    """``value`` summed over its ``dim`` rightmost dimensions (unchanged when ``dim`` is 0)."""
    if dim == 0:
        return value
    return value.reshape(*value.shape[: value.ndim - dim], -1).sum(-1)


def logits_to_probs(logits, is_binary: bool = False):
    """Probabilities from logits: ``sigmoid`` (binary) or ``softmax`` over the last dimension."""
    if is_binary:
        return logits.sigmoid()
    return logits.softmax(-1)


def clamp_probs(probs):
    """``probs`` clamped to ``[eps, 1 - eps]`` so their logits stay finite."""
    eps = finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary: bool = False):
    """Logits from probabilities (``log p - log(1 - p)`` when binary, ``log p`` otherwise),
    with the probabilities clamped away from 0 and 1."""
    clamped = clamp_probs(probs)
    if is_binary:
        return clamped.log() - (-clamped).log1p()
    return clamped.log()


class lazy_property:
    """An attribute computed on first access from the instance and then stored on it (so a
    distribution built from ``probs`` computes ``logits`` only when asked). Gradients flow
    through the computed value as through any other."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _LazyPropertyAndProperty(self.wrapped)
        value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _LazyPropertyAndProperty(lazy_property, property):
    """What ``Class.attribute`` returns for a lazy property: a property, so documentation
    tools and ``isinstance(..., property)`` see one."""

    def __init__(self, wrapped):
        property.__init__(self, wrapped)
        lazy_property.__init__(self, wrapped)


def check_one_of(probs, logits) -> None:
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")


class BinaryProbsLogits:
    """Mixin for families with one success probability per element, given as ``probs`` or as
    ``logits`` (log-odds): each is computed from the other on first use; ``_param`` is the one
    given."""

    def _init_param(self, probs, logits, *companions):
        """Stores whichever of ``probs``/``logits`` is given, broadcast with ``companions``
        (other parameters), and returns those broadcast and in its dtype."""
        check_one_of(probs, logits)
        name, given = ("probs", probs) if probs is not None else ("logits", logits)
        *companions, param = broadcast_all(*companions, given)
        setattr(self, name, param)
        self._param = param
        return [c.type_as(param) for c in companions]

    def _expanded_binary(self, cls, batch_shape, _instance, names=()):
        """``_expanded`` for such a family: ``names`` are its other parameters."""
        new = self._expanded(cls, batch_shape, _instance, (*names, "probs", "logits"))
        new._param = new.probs if "probs" in new.__dict__ else new.logits
        return new

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self) -> Size:
        return self._param.shape


def tril_matrix_to_vec(mat, diag: int = 0):
    """The lower triangle (from diagonal ``diag``) of the last two dimensions, row by row."""
    n = mat.shape[-1]
    if not -n <= diag < n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    rows, cols = np.tril_indices(n, diag)
    flat = rows * n + cols
    return mat.reshape(*mat.shape[:-2], n * n)[..., constant(flat.astype(np.int64), mat)]


def vec_to_tril_matrix(vec, diag: int = 0):
    """The inverse of ``tril_matrix_to_vec``: a vector of a triangle's entries as a matrix."""
    from .._creation import zeros

    m = vec.shape[-1]
    n = next(
        (k for k in range(1, m + abs(diag) + 2) if np.tril_indices(k, diag)[0].size >= m), None
    )
    rows, cols = np.tril_indices(n, diag)
    if rows.size != m:
        raise ValueError(f"{m} is not the size of a triangle below diagonal {diag}")
    batch = tuple(vec.shape[:-1])
    flat = constant((rows * n + cols).astype(np.int64), vec).expand(*batch, m)
    out = zeros(*batch, n * n, dtype=vec.dtype, device=vec.device)
    return out.scatter_add(-1, flat, vec).reshape(*batch, n, n)
