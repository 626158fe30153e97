"""In-place sampling: ``uniform_``, ``normal_``, ``exponential_``, ``geometric_``, ``cauchy_``,
``log_normal_``, ``random_``, ``bernoulli_``, and ``bernoulli``/``multinomial`` as methods.

Samples are drawn on the host from the given ``generator`` (the default generator when None; see
``ferrograd._random``) and written with ``copy_``, so the usual in-place rules apply (a leaf that
requires grad refuses outside ``no_grad``; the tensor's earlier value gets no gradient)."""

from __future__ import annotations

import operator
import warnings

import numpy as np

from .. import _random
from .._base import TensorBase
from .._dtype import kernel_not_implemented, scalar_type_name
from .._meta import values_skipped_on_meta
from ..autograd.grad_mode import is_grad_enabled
from .structure import constant


def _require_float(t, kernel: str) -> None:
    if not t.is_floating_point():
        raise kernel_not_implemented(kernel, t.dtype)


def _require_continuous(t, name: str) -> None:
    if not t.is_floating_point():
        raise RuntimeError(
            f"{name} distribution is a continuous probability distribution. dtype must be a "
            f"floating point but you specified {scalar_type_name(t.dtype)}"
        )


def _fill(t, values: np.ndarray):
    samples = _random.samples_as_tensor(values, t.dtype, t.device)
    if t.requires_grad and is_grad_enabled():
        # ``copy_`` of a constant keeps the tensor's old history (and so its old gradient);
        # selecting the samples with ``where`` records a zero gradient for the old value, as
        # PyTorch's sampling nodes do.
        samples = t.where(constant(np.zeros(t.shape, dtype=bool), t), samples)
    t.copy_(samples)
    return t


def _uniform(t, generator) -> np.ndarray:
    return _random.uniform_samples(t.shape, t.dtype, generator)


# The largest integer each dtype holds exactly: ``random_()``'s default upper end.
_RANDOM_TOP = {"float16": 1 << 11, "bfloat16": 1 << 8, "float32": 1 << 24, "float64": 1 << 53}


def _integer_bounds(dtype) -> tuple[int, int]:
    """The lowest and highest value of an integer dtype (bool: 0 and 1)."""
    if dtype.name == "bool":
        return 0, 1
    info = np.iinfo(dtype.numpy)
    return int(info.min), int(info.max)


class SamplingMixin:
    __slots__ = ()

    @values_skipped_on_meta
    def uniform_(self, from_: float = 0.0, to: float = 1.0, *, generator=None, **kwargs):
        """Fills with samples uniform on ``[from, to)``."""
        from_ = kwargs.pop("from", from_)
        _no_extra(kwargs, "uniform_")
        _require_float(self, "check_uniform_bounds")
        low, high = float(from_), float(to)
        if low > high:
            raise RuntimeError(
                f"uniform_ expects to return a [from, to) range, but found from={low:g} > "
                f"to={high:g}"
            )
        return _fill(self, _uniform(self, generator) * (high - low) + low)

    @values_skipped_on_meta
    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator=None):
        """Fills with normal samples of mean ``mean`` and standard deviation ``std``."""
        _require_float(self, "normal_kernel_cpu")
        std = float(std)
        if not std >= 0.0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        samples = _random.normal_samples(self.shape, self.dtype, generator)
        return _fill(self, samples * std + float(mean))

    @values_skipped_on_meta
    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *, generator=None):
        """Fills with ``exp(N(mean, std**2))`` samples."""
        _require_float(self, "log_normal_cpu")
        std = float(std)
        if not std > 0.0:
            raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
        samples = _random.normal_samples(self.shape, self.dtype, generator)
        return _fill(self, np.exp(samples * std + float(mean)))

    @values_skipped_on_meta
    def exponential_(self, lambd: float = 1.0, *, generator=None):
        """Fills with exponential samples of rate ``lambd``."""
        _require_continuous(self, "Exponential")
        lambd = float(lambd)
        if not lambd > 0.0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
        rng = _random.numpy_rng(generator)
        samples = _random.draw(rng.standard_exponential, self.shape, _random.host_float(self.dtype))
        return _fill(self, samples / lambd)

    @values_skipped_on_meta
    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator=None):
        """Fills with Cauchy samples of location ``median`` and scale ``sigma``."""
        _require_continuous(self, "Cauchy")
        sigma = float(sigma)
        if not sigma > 0.0:
            raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
        u = _uniform(self, generator)
        return _fill(self, float(median) + sigma * np.tan(np.pi * (u - 0.5)))

    @values_skipped_on_meta
    def geometric_(self, p: float, *, generator=None):
        """Fills with the number of Bernoulli(``p``) trials up to the first success (1, 2, ...)."""
        p = float(p)
        if not 0.0 < p < 1.0:
            raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
        trials = _random.draw(_random.numpy_rng(generator).geometric, self.shape, p=p)
        return _fill(self, trials)

    @values_skipped_on_meta
    def random_(self, *args, generator=None, **kwargs):
        """Fills with integers uniform on ``[from, to)``: ``random_(to)`` draws from
        ``[0, to)``, ``random_(from, None)`` from ``[from, top]`` and ``random_()`` from
        ``[0, top]``, top the dtype's largest (exactly held) integer."""
        if len(args) > 2:
            raise TypeError(f"random_() takes at most 2 positional arguments ({len(args)} given)")
        from_, to = {0: (0, None), 1: (0, *args), 2: args}[len(args)]
        from_ = kwargs.pop("from", from_)
        to = kwargs.pop("to", to)
        _no_extra(kwargs, "random_")
        low = operator.index(from_)
        if self.is_floating_point():
            lowest, top = None, _RANDOM_TOP.get(self.dtype.name, 1 << 24)
        else:
            lowest, top = _integer_bounds(self.dtype)
        high = top + 1 if to is None else operator.index(to)
        if lowest is not None:
            name = scalar_type_name(self.dtype, lower=True)
            if low < lowest:
                raise RuntimeError(f"from is out of bounds for {name}")
            if high - 1 > top:
                raise RuntimeError(f"to - 1 is out of bounds for {name}")
        elif max(abs(low), abs(high - 1)) > top:
            warnings.warn(
                f"random_: [{low}, {high}) goes beyond +-2^{top.bit_length() - 1}, where "
                f"{self.dtype.name} no longer holds every integer",
                stacklevel=2,
            )
        if low >= high:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
            )
        return _fill(self, _random.integer_samples(low, high, self.shape, generator))

    @values_skipped_on_meta
    def bernoulli_(self, p=0.5, *, generator=None):
        """Fills with 0/1 samples, 1 with probability ``p`` (a number, or a tensor broadcast
        to this one's shape)."""
        if isinstance(p, TensorBase):
            probs = _random._probabilities(p, "bernoulli_")
        else:
            probs = _random._check_probability(p, "bernoulli_")
        return _fill(self, _random.bernoulli_values(self.shape, probs, self.dtype, generator))

    def bernoulli(self, p=None, *, generator=None):
        """0/1 samples, 1 with probability given by each element (or ``p`` for all)."""
        return _random.bernoulli(self, p, generator=generator)

    def multinomial(self, num_samples: int, replacement: bool = False, *, generator=None):
        """Category indices drawn with the weights in the last dimension (see
        ``ferrograd.multinomial``)."""
        from .._surface import multinomial

        return multinomial(self, num_samples, replacement, generator=generator)


def _no_extra(kwargs: dict, op: str) -> None:
    if kwargs:
        name = next(iter(kwargs))
        raise TypeError(f"{op}() got an unexpected keyword argument '{name}'")
