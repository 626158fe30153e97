"""``Parameter``: a tensor that a ``Module`` registers as one of its learnable weights."""

from .. import _core
from .._base import TensorBase
from .._tensor import Tensor

__all__ = ["Buffer", "Parameter", "UninitializedBuffer", "UninitializedParameter"]


class Parameter(Tensor):
    """A tensor that is a module parameter: assigned as an attribute of a ``Module``, it is added
    to the module's ``parameters()`` (and so to what an optimizer updates and
    ``state_dict()`` saves). It shares its elements with ``data`` and requires gradients
    unless told otherwise. It prints with a ``Parameter containing:`` line first.

    Args:
        data: the parameter's tensor (an empty tensor by default).
        requires_grad: whether the parameter requires gradients.

    Examples:
        >>> import ferrograd
        >>> from ferrograd import nn
        >>> p = nn.Parameter(ferrograd.tensor([1.0, 2.0]))
        >>> p
        Parameter containing:
        tensor([1., 2.], requires_grad=True)
        >>> layer = nn.Module()
        >>> layer.scale = p
        >>> [name for name, _ in layer.named_parameters()]
        ['scale']
    """

    # Attributes, as programs tag parameters (`p.no_decay = True`); a plain Tensor has none.
    __slots__ = ("__dict__",)

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

    def __init__(self, data=None, requires_grad: bool = True) -> None:
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce__(self):
        raise TypeError("ferrograd parameters are not pickled: use ferrograd.save")

    def __deepcopy__(self, memo):
        copy = Parameter(self.detach().clone(), self.requires_grad)
        memo[id(self)] = copy
        return copy


class Buffer(Tensor):
    """A tensor that, assigned as a ``Module`` attribute, is registered as a buffer;
    ``Buffer(t, persistent=False)`` keeps it out of ``state_dict``."""

    __slots__ = ("__dict__",)

    def __new__(cls, data=None, *, persistent: bool = True):
        if data is None:
            from .._creation import empty

            data = empty(0)
        kind = Buffer if persistent else _TransientBuffer
        return _core.TensorImpl.__new__(kind, data._detach())

    def __init__(self, data=None, *, persistent: bool = True) -> None:
        pass


class _TransientBuffer(Buffer):
    """A ``Buffer(..., persistent=False)``."""

    __slots__ = ()


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet (a lazy module's, until its first forward);
    ``materialize(shape)`` gives it elements and makes it a ``Parameter``."""

    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device=None, dtype=None):
        from .._creation import empty

        return super().__new__(cls, empty(0, dtype=dtype, device=device), requires_grad)

    def __init__(self, requires_grad: bool = True, device=None, dtype=None) -> None:
        pass

    def materialize(self, shape, device=None, dtype=None) -> None:
        from .._creation import empty

        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        dtype = self.dtype if dtype is None else dtype
        device = self.device if device is None else device
        self.data = empty(shape, dtype=dtype, device=device)
        self.__class__ = self.cls_to_become

    def __repr__(self) -> str:
        return "<UninitializedParameter>"


class UninitializedBuffer(Tensor):
    """A buffer whose shape is not known yet; ``materialize(shape)`` gives it elements."""

    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None):
        from .._creation import empty

        return _core.TensorImpl.__new__(cls, empty(0, dtype=dtype, device=device))

    def __init__(self, requires_grad: bool = False, device=None, dtype=None) -> None:
        pass

    def materialize(self, shape, device=None, dtype=None) -> None:
        from .._creation import empty

        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        dtype = self.dtype if dtype is None else dtype
        device = self.device if device is None else device
        self.data = empty(shape, dtype=dtype, device=device)
        self.__class__ = self.cls_to_become

    def __repr__(self) -> str:
        return "<UninitializedBuffer>"
