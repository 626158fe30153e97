"""``Tensor.__torch_function__``: the protocol's default handler, and method dispatch for Tensor
subclasses that override it (see ``ferrograd.overrides``)."""

from __future__ import annotations

# The operators a subclass's handler sees, besides the public methods.
_OPERATORS = """
    __add__ __radd__ __iadd__ __sub__ __rsub__ __isub__ __mul__ __rmul__ __imul__
    __truediv__ __rtruediv__ __itruediv__ __floordiv__ __rfloordiv__ __mod__ __rmod__
    __pow__ __rpow__ __matmul__ __rmatmul__ __neg__ __abs__ __getitem__ __setitem__
    __eq__ __ne__ __lt__ __le__ __gt__ __ge__ __and__ __or__ __xor__ __invert__
""".split()


def _convert(result, cls):
    """Tensors in ``result`` (or in a tuple or list of results) as instances of ``cls``."""
    from .._base import TensorBase
    from .._core import TensorImpl

    if isinstance(result, TensorBase) and not isinstance(result, cls):
        return TensorImpl.__new__(cls, result)
    if isinstance(result, (tuple, list)) and not hasattr(result, "_fields"):
        return type(result)(_convert(r, cls) for r in result)
    return result


class TorchFunctionMixin:
    __slots__ = ()

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        """The default handler: runs ``func`` as if no argument overrode it, and gives tensor
        results the class ``cls`` (a subclass calls it through ``super()``)."""
        from ..overrides import disable_subclass_dispatch

        if not all(issubclass(cls, t) for t in types):
            return NotImplemented
        with disable_subclass_dispatch():
            result = func(*args, **(kwargs or {}))
        return _convert(result, cls)

    def __init_subclass__(cls, **kwargs):
        """A subclass that defines ``__torch_function__`` gets its methods routed through it;
        the others are plain to the protocol (its fast paths skip them)."""
        super().__init_subclass__(**kwargs)
        from .. import overrides

        if "__torch_function__" not in cls.__dict__:
            if getattr(cls.__torch_function__, "__func__", None) is _DEFAULT:
                overrides._PLAIN.add(cls)
                overrides._PLAIN_TENSORS.add(cls)
            return
        methods = overrides.tensor_methods(cls)
        for name in {*methods, *_OPERATORS}:
            if name in cls.__dict__:
                continue
            implementation = methods.get(name) or getattr(cls, name, None)
            if implementation is None or isinstance(implementation, type):
                continue
            setattr(cls, name, overrides.routed_method(implementation, name))


_DEFAULT = TorchFunctionMixin.__torch_function__.__func__
