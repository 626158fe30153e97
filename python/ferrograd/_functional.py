"""Module-level forms of tensor methods (``ferrograd.exp(x)`` is ``x.exp()``), plus the few
functions that are not methods (``where``, ``is_tensor``)."""

from __future__ import annotations

import inspect

from . import overrides
from ._base import TensorBase
from ._ops_out import with_out, write_out

_METHODS = """
    abs absolute add sub subtract mul multiply div divide true_divide floor_divide remainder pow
    neg negative
    matmul mm bmm mv dot exp log sqrt rsqrt sin cos tan tanh sigmoid relu log1p expm1 erf
    reciprocal square
    sign floor ceil round trunc frac clamp clip clamp_min clamp_max maximum minimum fmax fmin atan2
    sum mean max min amax amin argmax argmin all any
    isnan eq ne lt le gt ge greater greater_equal less less_equal not_equal equal
    logical_and logical_or logical_xor logical_not bitwise_and bitwise_or bitwise_xor bitwise_not
    reshape flatten ravel unflatten unsqueeze squeeze transpose swapaxes swapdims permute t
    movedim moveaxis
    broadcast_to
    clone detach numel
    tril triu flip fliplr flipud roll diag diagflat diag_embed diagonal trace repeat_interleave tile
    nonzero argwhere
    isinf isfinite isposinf isneginf nan_to_num nan_to_num_ prod nansum nanmean logaddexp
    logaddexp2 lerp addcmul addcdiv
    addmm addmv addr addbmm baddbmm outer ger kron cross
    isclose allclose
    abs_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ cos_ erf_ exp_ expm1_ fill_ floor_ frac_ log1p_
    log_ neg_ negative_ reciprocal_ relu_ round_ rsqrt_ sigmoid_ sin_ sqrt_ square_ tan_ tanh_
    trunc_ zero_ addmv_ detach_ is_inference get_device adjoint resize_as_ as_strided as_strided_
""".split()


# The functions made from methods whose PyTorch function has no ``out=`` (besides the in-place
# ones, named with a trailing underscore): views, and those that return no new tensor.
_WITHOUT_OUT = set(
    """
    reshape flatten ravel unflatten unsqueeze squeeze transpose swapaxes swapdims permute t movedim
    moveaxis broadcast_to diagonal adjoint as_strided clone detach numel isclose allclose equal
    is_inference get_device split chunk narrow unbind select softmax log_softmax
    """.split()
)


#: Every function _method_function made, by name (here and in _tensor_functions).
_MADE: dict[str, object] = {}


def _method_function(name: str):
    plain, tensors, modes = overrides._PLAIN, overrides._PLAIN_TENSORS, overrides._active_modes

    def implementation(input, *args, out=None, **kwargs):
        if not isinstance(input, TensorBase):
            from ._creation import tensor

            input = tensor(input)
        result = getattr(input, name)(*args, **kwargs)
        return result if out is None else write_out(name, result, out)

    def function(input, *args, **kwargs):
        # The __torch_function__ protocol (ferrograd.overrides), inline: a set lookup per
        # argument, and the method call itself, on the common path.
        if modes[0] or type(input) not in tensors or kwargs:
            return overrides._dispatch(function, implementation, (input, *args), kwargs)
        for value in args:
            if type(value) not in plain:
                return overrides._dispatch(function, implementation, (input, *args), kwargs)
        return getattr(input, name)(*args)

    for f in (function, implementation):
        f.__name__ = name
        f.__qualname__ = name
        f.__doc__ = f"``input.{name}(...)`` as a function."
    function.__wrapped__ = implementation
    function._overridable_name = "ferrograd." + name
    _MADE[name] = function
    return function


for _name in _METHODS:
    globals()[_name] = _method_function(_name)
del _name


def adopt_method_signatures(tensor_class) -> None:
    """Gives each function _method_function made the signature and docstring of its ``Tensor``
    method, ``self`` named ``input`` and ``out=None`` added where PyTorch's function has it, so that
    ``help(ferrograd.exp)`` shows ``exp(input, *, out=None)`` rather than the ``*args,
    **kwargs`` the functions are written with. Called once ``Tensor`` exists."""
    for name, function in _MADE.items():
        method = getattr(tensor_class, name)
        signature = inspect.signature(method)
        if name.endswith("_") and _is_generic(signature):
            # An in-place method written as a wrapper of its out-of-place form, which it takes
            # the arguments of.
            signature = inspect.signature(getattr(tensor_class, name[:-1]))
        # on the implementation too: documentation tools unwrap to it (``__wrapped__``)
        function.__signature__ = function.__wrapped__.__signature__ = _function_signature(
            name, signature
        )
        if method.__doc__:
            function.__doc__ = function.__wrapped__.__doc__ = method.__doc__


def _is_generic(signature: inspect.Signature) -> bool:
    # (`any` here is ferrograd.any, made above)
    return inspect.Parameter.VAR_KEYWORD in {p.kind for p in signature.parameters.values()}


def in_place_signature(function) -> inspect.Signature:
    """The signature of the in-place form of ``function``: its own, less ``out=``."""
    signature = inspect.signature(function)
    return signature.replace(
        parameters=[p for name, p in signature.parameters.items() if name != "out"]
    )


def _function_signature(name: str, method: inspect.Signature) -> inspect.Signature:
    self_parameter, *parameters = method.parameters.values()
    parameters.insert(0, self_parameter.replace(name="input"))
    takes_out = not name.endswith("_") and name not in _WITHOUT_OUT
    if takes_out and "out" not in method.parameters:
        out = inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None)
        if name == "nonzero":  # PyTorch's order: nonzero(input, *, out=None, as_tuple=False)
            parameters.insert(1, out)
        else:
            variadic = parameters[-1].kind == inspect.Parameter.VAR_KEYWORD
            parameters.insert(len(parameters) - variadic, out)
    return method.replace(parameters=parameters)


@with_out
def where(condition, input=None, other=None):
    """Returns a tensor of elements chosen from ``input`` where ``condition`` is true and from
    ``other`` elsewhere.

    The three broadcast to one shape; ``input`` and ``other`` (tensors or numbers) are
    promoted to one dtype. The gradient goes to the operand chosen at each position. With
    ``condition`` alone, ``where(condition)`` is ``condition.nonzero(as_tuple=True)``.

    Args:
        condition: a bool tensor.
        input: the values where ``condition`` holds.
        other: the values elsewhere.

    Examples:
        >>> import ferrograd
        >>> x = ferrograd.tensor([1.0, -2.0, 3.0])
        >>> ferrograd.where(x > 0, x, 0.0)
        tensor([1., 0., 3.])
        >>> ferrograd.where(x > 0)
        (tensor([0, 2]),)
    """
    if input is None and other is None:
        if not isinstance(condition, TensorBase):
            raise TypeError(
                f"where(): argument 'condition' must be Tensor, not {type(condition).__name__}"
            )
        return condition.nonzero(as_tuple=True)
    if input is None or other is None:
        raise TypeError("where() takes 1 or 3 arguments: where(condition[, input, other])")
    if not isinstance(input, TensorBase):
        from ._creation import tensor

        input = tensor(
            input,
            dtype=other.dtype if isinstance(other, TensorBase) else None,
            device=other.device if isinstance(other, TensorBase) else None,
        )
    return input.where(condition, other)


def is_tensor(obj) -> bool:
    return isinstance(obj, TensorBase)


def is_floating_point(input) -> bool:
    return input.is_floating_point()


# The words of _METHODS are bound by the loop above, where ruff cannot see them.
__all__ = [*_METHODS, "where", "is_tensor", "is_floating_point"]  # noqa: PLE0604
