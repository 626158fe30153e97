"""``vmap`` over a custom ``autograd.Function``: its ``vmap`` staticmethod, or, with
``generate_vmap_rule = True``, its ``forward`` and ``backward`` run under ``vmap`` inside one
recorded node of the physical (batched) tensors."""

from __future__ import annotations

from typing import NamedTuple

from .._base import TensorBase
from ..utils._pytree import tree_flatten, tree_unflatten
from ._batched import BatchedTensor
from ._batching_rules import find_level


class VmapInfo(NamedTuple):
    """What a Function's ``vmap`` staticmethod is told about the vmap."""

    batch_size: int
    randomness: str


def apply_batched(cls, args: tuple, kwargs: dict):
    """``cls.apply(*args)`` where some arguments are batched tensors."""
    from ..autograd.function import Function

    level = find_level(args)
    values, in_dims = [], []
    for a in args:
        batched = type(a) is BatchedTensor and a.level == level.id
        values.append(a.value if batched else a)
        in_dims.append(0 if batched else None)
    info = VmapInfo(level.size, level.randomness)
    if cls.vmap is not Function.vmap:
        outputs, out_dims = cls.vmap(info, tuple(in_dims), *values, **kwargs)
    elif cls.generate_vmap_rule:
        if not cls._uses_setup_context():
            raise RuntimeError(
                "In order to use an autograd.Function with functorch transforms (vmap, grad, "
                "jvp, jacrev, ...), it must override the setup_context staticmethod."
            )
        outputs = _generated(cls, info, tuple(in_dims)).apply(*values, **kwargs)
        out_dims = 0
    else:
        raise RuntimeError(
            f"You tried to vmap over {cls.__name__}, but it does not have vmap support. Please "
            "override and implement the vmap staticmethod or set generate_vmap_rule=True."
        )
    return _wrap_outputs(cls, outputs, out_dims, level)


def _wrap_outputs(cls, outputs, out_dims, level):
    flat, spec = tree_flatten(outputs)
    if isinstance(out_dims, int) or out_dims is None:
        dims = [out_dims] * len(flat)
    else:
        dims, dims_spec = tree_flatten(out_dims)
        if dims_spec != spec:
            raise RuntimeError(
                f"{cls.__name__}.vmap: out_dims has structure {dims_spec} but the outputs have "
                f"structure {spec}"
            )
    wrapped = [
        o
        if d is None or not isinstance(o, TensorBase)
        else BatchedTensor(o.movedim(d, 0), level.id)
        for o, d in zip(flat, dims, strict=True)
    ]
    return tree_unflatten(wrapped, spec)


def _generated(cls, info: VmapInfo, in_dims: tuple):
    """A Function of the physical tensors whose forward is ``vmap(cls.forward)`` and whose
    backward is ``vmap`` of ``setup_context`` + ``cls.backward`` per sample (an unbatched
    input's gradient summed over the batch, as it was shared by every sample)."""
    from .._creation import zeros_like
    from ..autograd.function import Function, FunctionCtx
    from ._vmap import vmap

    class Generated(Function):
        @staticmethod
        def forward(ctx, *args):
            outputs = vmap(cls.forward, in_dims=in_dims, randomness=info.randomness)(*args)
            flat, _ = tree_flatten(outputs)
            tensors = [a for a in args if isinstance(a, TensorBase)]
            ctx.save_for_backward(*tensors, *flat)
            ctx.args = args
            ctx.n_inputs = len(tensors)
            ctx.output_spec = tree_flatten(outputs)[1]
            return outputs

        @staticmethod
        def backward(ctx, *grads):
            saved = ctx.saved_tensors
            tensors, flat_outputs = saved[: ctx.n_inputs], saved[ctx.n_inputs :]
            supplied = iter(tensors)
            args = [next(supplied) if isinstance(a, TensorBase) else a for a in ctx.args]
            needs = ctx.needs_input_grad

            positions = [i for i, a in enumerate(args) if isinstance(a, TensorBase)]

            def per_sample(inputs, outputs, output_grads):
                inner = FunctionCtx(needs)
                cls.setup_context(inner, tuple(inputs), tree_unflatten(outputs, ctx.output_spec))
                inner._saved = inner._to_save  # kept here, batched, not by the engine
                result = cls.backward(inner, *output_grads)
                result = result if isinstance(result, tuple) else (result,)
                # a tensor for every tensor input (the batch needs one), zeros for None
                return tuple(
                    zeros_like(inputs[i]) if result[i] is None else result[i] for i in positions
                )

            arg_dims = [
                d if isinstance(a, TensorBase) else None for a, d in zip(args, in_dims, strict=True)
            ]
            computed = vmap(per_sample, in_dims=(arg_dims, 0, 0))(
                args, list(flat_outputs), list(grads)
            )
            out = [None] * len(args)
            for i, g in zip(positions, computed, strict=True):
                if needs[i]:
                    out[i] = g if in_dims[i] is not None else g.sum(0)
            return tuple(out)

    Generated.__name__ = cls.__name__
    return Generated
