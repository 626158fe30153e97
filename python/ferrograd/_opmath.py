"""``computes_in_float32``: the 16-bit floats' "opmath" for ops written in Python.

The engine computes each float16/bfloat16 kernel in float32 and rounds its result once. An op
that PyTorch runs as one such kernel but that ferrograd composes from several (gelu, layer_norm,
lerp, ...) would round after every step instead; decorated with ``computes_in_float32`` it widens
its 16-bit tensor arguments, runs in float32 and rounds its result once, as PyTorch's does."""

from __future__ import annotations

import functools

from ._base import TensorBase

_REDUCED_FLOATS = ("float16", "bfloat16")


def computes_in_float32(function):
    """See the module docstring; ``function``'s first argument decides (a float16 or bfloat16
    tensor), and its result is rounded to that dtype."""

    @functools.wraps(function)
    def op(input, *args, **kwargs):
        if not isinstance(input, TensorBase) or input._dtype not in _REDUCED_FLOATS:
            return function(input, *args, **kwargs)

        def wide(v):
            if isinstance(v, TensorBase) and v._dtype in _REDUCED_FLOATS:
                return v.float()
            return v

        out = function(wide(input), *map(wide, args), **{k: wide(v) for k, v in kwargs.items()})
        return out.to(input.dtype)

    return op
