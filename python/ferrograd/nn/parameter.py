"""``Parameter``: a tensor that a ``Module`` registers as one of its learnable weights."""

from .. import _core
from .._base import TensorBase
from .._tensor import Tensor


class Parameter(Tensor):
    """A ``Tensor`` that, assigned as a ``Module`` attribute, is added to its parameters.
    Requires grad by default; shares its elements with ``data``."""

    __slots__ = ()

    def __new__(cls, data=None, requires_grad: bool = True):
        if data is None:
            from .._creation import empty

            data = empty(0)
        if not isinstance(data, TensorBase):
            raise TypeError(f"Parameter(): expected a Tensor as data, got {type(data).__name__}")
        p = _core.TensorImpl.__new__(cls, data._detach())
        if requires_grad:
            p.requires_grad_(True)
        return p

    def __init__(self, data=None, requires_grad: bool = True):
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce__(self):
        raise TypeError("ferrograd parameters are not pickled: use ferrograd.save")

    def __deepcopy__(self, memo):
        copy = Parameter(self.detach().clone(), self.requires_grad)
        memo[id(self)] = copy
        return copy
