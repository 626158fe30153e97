"""``biject_to`` and ``transform_to``: from a constraint to a transform that maps unconstrained
reals into the constrained set (``biject_to``'s transforms are bijective, ``transform_to``'s
need not be), for optimising constrained parameters in unconstrained space:
``scale = transform_to(constraints.positive)(unconstrained)``."""

from __future__ import annotations

from . import constraints, transforms

__all__ = ["ConstraintRegistry", "biject_to", "transform_to"]


class ConstraintRegistry:
    """Constraint classes to transform factories (``factory(constraint) -> Transform``)."""

    def __init__(self):
        self._registry: dict = {}

    def register(self, constraint, factory=None):
        """Registers ``factory`` for a constraint class (or the class of a constraint
        instance); usable as a decorator."""
        if factory is None:
            return lambda factory: self.register(constraint, factory)
        if isinstance(constraint, constraints.Constraint):
            constraint = type(constraint)
        if not isinstance(constraint, type) or not issubclass(constraint, constraints.Constraint):
            raise TypeError(
                "Expected constraint to be either a Constraint subclass or instance, but got "
                f"{constraint}"
            )
        self._registry[constraint] = factory
        return factory

    def __call__(self, constraint):
        try:
            factory = self._registry[type(constraint)]
        except KeyError:
            raise NotImplementedError(
                f"Cannot transform {type(constraint).__name__} constraints"
            ) from None
        return factory(constraint)


biject_to = ConstraintRegistry()
transform_to = ConstraintRegistry()


def _register_both(constraint, factory) -> None:
    biject_to.register(constraint, factory)
    transform_to.register(constraint, factory)


_register_both(constraints.real, lambda c: transforms.identity_transform)
_register_both(
    constraints.independent,
    lambda c: transforms.IndependentTransform(
        biject_to(c.base_constraint), c.reinterpreted_batch_ndims
    ),
)
_register_both(constraints.positive, lambda c: transforms.ExpTransform())
_register_both(constraints.nonnegative, lambda c: transforms.ExpTransform())
_register_both(
    constraints.greater_than,
    lambda c: transforms.ComposeTransform(
        [transforms.ExpTransform(), transforms.AffineTransform(c.lower_bound, 1)]
    ),
)
_register_both(
    constraints.greater_than_eq,
    lambda c: transforms.ComposeTransform(
        [transforms.ExpTransform(), transforms.AffineTransform(c.lower_bound, 1)]
    ),
)
_register_both(
    constraints.less_than,
    lambda c: transforms.ComposeTransform(
        [transforms.ExpTransform(), transforms.AffineTransform(c.upper_bound, -1)]
    ),
)


def _interval(c):
    """The sigmoid, scaled to the interval (just the sigmoid for [0, 1])."""
    lower_is_0 = isinstance(c.lower_bound, (int, float)) and c.lower_bound == 0
    upper_is_1 = isinstance(c.upper_bound, (int, float)) and c.upper_bound == 1
    if lower_is_0 and upper_is_1:
        return transforms.SigmoidTransform()
    return transforms.ComposeTransform(
        [
            transforms.SigmoidTransform(),
            transforms.AffineTransform(c.lower_bound, c.upper_bound - c.lower_bound),
        ]
    )


_register_both(constraints.interval, _interval)
_register_both(constraints.half_open_interval, _interval)
biject_to.register(constraints.simplex, lambda c: transforms.StickBreakingTransform())
transform_to.register(constraints.simplex, lambda c: transforms.SoftmaxTransform())
transform_to.register(constraints.lower_cholesky, lambda c: transforms.LowerCholeskyTransform())
transform_to.register(
    constraints.positive_definite, lambda c: transforms.PositiveDefiniteTransform()
)
transform_to.register(
    constraints.positive_semidefinite, lambda c: transforms.PositiveDefiniteTransform()
)
_register_both(constraints.corr_cholesky, lambda c: transforms.CorrCholeskyTransform())


def _register_joined(registry) -> None:
    """``cat`` and ``stack`` constraints map to the transforms of their parts, joined."""
    registry.register(
        constraints.cat,
        lambda c: transforms.CatTransform([registry(p) for p in c.cseq], c.dim, c.lengths),
    )
    registry.register(
        constraints.stack,
        lambda c: transforms.StackTransform([registry(p) for p in c.cseq], c.dim),
    )


_register_joined(biject_to)
_register_joined(transform_to)
