"""Module-level forms of tensor methods (``ferrograd.exp(x)`` is ``x.exp()``), plus the few
functions that are not methods (``where``, ``is_tensor``)."""

from __future__ import annotations

from ._base import TensorBase

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
    broadcast_to
    clone detach numel
    tril triu flip fliplr flipud roll diag diagflat diag_embed diagonal trace repeat_interleave tile
    nonzero argwhere
    isinf isfinite isposinf isneginf nan_to_num nan_to_num_ prod nansum nanmean logaddexp
    logaddexp2 lerp addcmul addcdiv
    addmm addmv addr addbmm baddbmm outer ger kron cross
    isclose allclose
""".split()


def _method_function(name: str):
    def function(input, *args, **kwargs):
        if not isinstance(input, TensorBase):
            from ._creation import tensor

            input = tensor(input)
        return getattr(input, name)(*args, **kwargs)

    function.__name__ = name
    function.__qualname__ = name
    function.__doc__ = f"``input.{name}(...)`` as a function."
    return function


for _name in _METHODS:
    globals()[_name] = _method_function(_name)
del _name


def where(condition, input=None, other=None):
    """``input`` where ``condition`` holds, else ``other`` (broadcast; differentiable in both).
    With ``condition`` alone, ``condition.nonzero(as_tuple=True)``."""
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
