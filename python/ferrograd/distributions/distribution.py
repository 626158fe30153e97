"""``Distribution``: the base class of every probability distribution.

A distribution has a ``batch_shape`` (independent, differently parameterised copies) and an
``event_shape`` (the shape of one draw: ``()`` for scalars, ``(k,)`` for vectors). ``sample``
and ``rsample`` return ``sample_shape + batch_shape + event_shape``; ``log_prob`` takes such a
value and returns ``sample_shape + batch_shape``. With argument validation on (the default,
``Distribution.set_default_validate_args``), parameters are checked against
``arg_constraints`` when the distribution is made and values against ``support`` in
``log_prob``, raising ValueError as PyTorch does.
"""

from __future__ import annotations

import warnings

from .._base import TensorBase
from .._size import Size
from ..autograd.grad_mode import no_grad
from . import constraints
from .utils import EMPTY_SIZE, as_size, lazy_property

__all__ = ["Distribution"]


class Distribution:
    """Base class: subclasses set ``arg_constraints`` and ``support`` and define the methods
    their family has (``rsample`` when it is reparameterisable, ``has_rsample = True``)."""

    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turns argument validation on or off for distributions made afterwards (an explicit
        ``validate_args=`` still wins)."""
        if value not in (True, False):
            raise ValueError
        Distribution._validate_args = value

    def __init__(self, batch_shape=EMPTY_SIZE, event_shape=EMPTY_SIZE, validate_args=None):
        self._batch_shape = Size(list(batch_shape))
        self._event_shape = Size(list(event_shape))
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            self._check_arguments()

    def _check_arguments(self) -> None:
        try:
            arg_constraints = self.arg_constraints
        except NotImplementedError:
            arg_constraints = {}
            warnings.warn(
                f"{type(self).__name__} does not define `arg_constraints`. Please set "
                "`arg_constraints = {}` or initialize the distribution with "
                "`validate_args=False` to turn off validation.",
                stacklevel=3,
            )
        for param, constraint in arg_constraints.items():
            if constraints.is_dependent(constraint):
                continue  # skip constraints that cannot be checked
            if param not in self.__dict__ and isinstance(
                getattr(type(self), param, None), lazy_property
            ):
                continue  # skip checking lazily-constructed args
            value = getattr(self, param)
            valid = constraint.check(value)
            if not bool(valid.all()):
                raise ValueError(
                    f"Expected parameter {param} ({type(value).__name__} of shape "
                    f"{tuple(value.shape)}) of distribution {self!r} to satisfy the constraint "
                    f"{constraint!r}, but found invalid values:\n{value}"
                )

    def expand(self, batch_shape, _instance=None):
        """A distribution of this family with its parameters expanded (views, no copies) to
        ``batch_shape``."""
        raise NotImplementedError

    @property
    def batch_shape(self) -> Size:
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        return self._event_shape

    @property
    def arg_constraints(self) -> dict:
        """The constraint each parameter must satisfy, by parameter name."""
        raise NotImplementedError

    @property
    def support(self):
        """The constraint every value of the distribution satisfies."""
        raise NotImplementedError

    @property
    def mean(self):
        raise NotImplementedError(f"{type(self)} does not implement mean")

    @property
    def mode(self):
        raise NotImplementedError(f"{type(self)} does not implement mode")

    @property
    def variance(self):
        raise NotImplementedError(f"{type(self)} does not implement variance")

    @property
    def stddev(self):
        return self.variance.sqrt()

    def sample(self, sample_shape=EMPTY_SIZE):
        """Draws ``sample_shape`` samples (no gradient flows through them)."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=EMPTY_SIZE):
        """Draws reparameterised samples: differentiable in the parameters."""
        raise NotImplementedError

    def sample_n(self, n: int):
        warnings.warn(
            "sample_n will be deprecated. Use .sample((n,)) instead", UserWarning, stacklevel=2
        )
        return self.sample(Size([n]))

    def log_prob(self, value):
        """The log of the density (or mass) at ``value``."""
        raise NotImplementedError

    def cdf(self, value):
        raise NotImplementedError

    def icdf(self, value):
        raise NotImplementedError

    def enumerate_support(self, expand: bool = True):
        """Every value of a discrete distribution, along a new leftmost dimension."""
        raise NotImplementedError

    def entropy(self):
        raise NotImplementedError

    def perplexity(self):
        return self.entropy().exp()

    def _extended_shape(self, sample_shape=EMPTY_SIZE) -> Size:
        """``sample_shape + batch_shape + event_shape``."""
        if not isinstance(sample_shape, (tuple, list, Size)):
            sample_shape = (sample_shape,)
        return as_size(sample_shape, self._batch_shape, self._event_shape)

    def _validate_sample(self, value) -> None:
        """Raises ValueError unless ``value`` is a tensor whose shape broadcasts with this
        distribution's and whose elements lie in its support."""
        if not isinstance(value, TensorBase):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_dim_start = value.ndim - len(self._event_shape)
        if tuple(value.shape[max(event_dim_start, 0) :]) != tuple(self._event_shape) or (
            event_dim_start < 0
        ):
            raise ValueError(
                f"The right-most size of value must match event_shape: {value.shape} vs "
                f"{self._event_shape}."
            )
        actual_shape = tuple(value.shape)
        expected_shape = tuple(self._batch_shape) + tuple(self._event_shape)
        for i, j in zip(reversed(actual_shape), reversed(expected_shape), strict=False):
            if i != 1 and j != 1 and i != j:
                raise ValueError(
                    f"Value is not broadcastable with batch_shape+event_shape: "
                    f"{Size(list(actual_shape))} vs {Size(list(expected_shape))}."
                )
        try:
            support = self.support
        except NotImplementedError:
            warnings.warn(
                f"{type(self).__name__} does not define `support` to enable sample validation. "
                "Please initialize the distribution with `validate_args=False` to turn off "
                "validation.",
                stacklevel=2,
            )
            return
        if support is None:
            return
        valid = support.check(value)
        if not bool(valid.all()):
            raise ValueError(
                f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) "
                f"to be within the support ({support!r}) of the distribution {self!r}, but found "
                f"invalid values:\n{value}"
            )

    def _expanded(self, cls, batch_shape, _instance, names):
        """The new instance for ``expand``: the parameters ``names`` that this instance holds
        (lazily computed ones only once computed) expanded to ``batch_shape`` plus their own
        trailing dimensions, the base class initialised without validation."""
        new = self._get_checked_instance(cls, _instance)
        batch_shape = Size(list(batch_shape))
        for name in names:
            if name in self.__dict__:
                value = self.__dict__[name]
                trailing = tuple(value.shape[len(self._batch_shape) :])
                new.__dict__[name] = value.expand(*batch_shape, *trailing)
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _get_checked_instance(self, cls, _instance=None):
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(
                f"Subclass {type(self).__name__} of {cls.__name__} that defines a custom "
                "__init__ method must also define a custom .expand() method."
            )
        return type(self).__new__(type(self)) if _instance is None else _instance

    def __repr__(self) -> str:
        names = [name for name in self.arg_constraints if name in self.__dict__]
        parts = []
        for name in names:
            value = self.__dict__[name]
            shown = _scalar_repr(value) if value.numel() == 1 else value.shape
            parts.append(f"{name}: {shown}")
        return f"{type(self).__name__}({', '.join(parts)})"


def _scalar_repr(value) -> str:
    """A one-element parameter as PyTorch shows it: the number for a 0-d tensor, the tensor
    otherwise."""
    if value.ndim == 0:
        item = value.item()
        return repr(float(item)) if value.is_floating_point() else repr(item)
    return str(value.detach())
