"""``vmap``: a function of one sample, run once on a whole batch.

The inputs' mapped dimensions are moved to the front and wrapped as batched tensors of a new
level (``_batched.py``); the function runs once, every operation it calls going through its
batching rule (``_batching_rules.py``); the outputs are unwrapped and their batch dimension
moved to ``out_dims``. While the function runs, a ``TorchFunctionMode`` of the level sends the
random functions to their rules, which follow ``randomness``."""

from __future__ import annotations

import functools

from .._base import TensorBase
from ..overrides import TorchFunctionMode, aliases, tensor_methods_dispatch
from ..utils._pytree import broadcast_prefix, tree_flatten, tree_unflatten
from . import _batching_rules as rules
from ._batched import BatchedTensor, Level, pop_level, push_level

_RANDOMNESS = ("error", "different", "same")


class _RandomnessMode(TorchFunctionMode):
    """Catches the random functions called inside one level's function."""

    def __init__(self, level: Level):
        self.level = level

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = next((a for a in aliases(func) if a in rules.RANDOM), None)
        if name is not None:
            return rules.random_rule(name, self.level, func, args, kwargs or {})
        return func(*args, **(kwargs or {}))


def _func_name(func) -> str:
    return getattr(func, "__name__", repr(func))


def _call_text(func, in_dims=None, out_dims=None) -> str:
    parts = [_func_name(func)]
    parts.append(f"in_dims={in_dims}" if in_dims is not None else "...")
    if out_dims is not None:
        parts.append(f"out_dims={out_dims}")
    elif in_dims is not None:
        parts.append("...")
    return f"vmap({', '.join(parts)})(<inputs>)"


def _check_options(randomness: str, chunk_size) -> None:
    if randomness not in _RANDOMNESS:
        raise RuntimeError(
            "Only allowed values for randomness are 'error', 'different', or 'same'. Got "
            f"{randomness}"
        )
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")


def _flat_in_dims(func, in_dims, args: tuple) -> list:
    """One in_dim per leaf of ``args``."""
    if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
        raise ValueError(
            f"{_call_text(func, in_dims)}: expected `in_dims` to be int or a (potentially "
            f"nested) tuple matching the structure of inputs, got: {type(in_dims)}."
        )
    if not args:
        raise ValueError(
            f"vmap({_func_name(func)})(<inputs>): got no inputs. Maybe you forgot to add inputs, "
            "or you are trying to vmap over a function with no inputs. The latter is "
            "unsupported."
        )
    prefix = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args)
    dims = broadcast_prefix(prefix, args)
    if dims is None:
        raise ValueError(
            f"{_call_text(func, in_dims)}: in_dims is not compatible with the structure of "
            f"`inputs`. in_dims has structure {tree_flatten(prefix)[1]} but inputs has "
            f"structure {tree_flatten(args)[1]}."
        )
    return dims


def _batch_size(func, in_dims, flat_args: list, flat_dims: list) -> int:
    sizes = []
    for arg, dim in zip(flat_args, flat_dims, strict=True):
        if dim is None:
            continue
        if not isinstance(dim, int) or isinstance(dim, bool):
            raise ValueError(
                f"{_call_text(func, in_dims)}: Got in_dim={dim} for an input but in_dim must be "
                "either an integer dimension or None."
            )
        if not isinstance(arg, TensorBase):
            raise ValueError(
                f"{_call_text(func, in_dims)}: Got in_dim={dim} for an input but the input is of "
                f"type {type(arg)}. We cannot vmap over non-Tensor arguments, please use None as "
                "the respective in_dim"
            )
        ndim = arg.ndim
        if not -ndim <= dim < ndim:
            raise ValueError(
                f"{_call_text(func, in_dims)}: Got in_dim={dim} for some input, but that input "
                f"is a Tensor of dimensionality {ndim} so expected in_dim to satisfy -{ndim} <= "
                f"in_dim < {ndim}."
            )
        sizes.append(arg.shape[dim])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError(
            "vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
            f"{sizes} for the mapped dimension"
        )
    return sizes[0]


def _unwrap_output(func, out, out_dim, level: Level):
    """An output leaf with the level's batch dimension at ``out_dim`` (a broadcast one for an
    output that does not depend on the batch)."""
    if out_dim is None:
        if type(out) is BatchedTensor and out.level == level.id:
            raise ValueError(
                f"vmap({_func_name(func)}, ...): `{_func_name(func)}` can not return a "
                "BatchedTensor when out_dim is None"
            )
        return out
    if not isinstance(out, TensorBase):
        raise ValueError(
            f"vmap({_func_name(func)}, ...): `{_func_name(func)}` must only return Tensors, got "
            f"type {type(out)}. Did you mean to set out_dims= to None for output?"
        )
    if type(out) is BatchedTensor and out.level == level.id:
        value = out.value
    else:
        value = out.unsqueeze(0).expand(level.size, *out.shape)
    if not isinstance(out_dim, int) or isinstance(out_dim, bool):
        raise ValueError(
            f"vmap({_func_name(func)}, ..., out_dims={out_dim}): `out_dims` must be an int, "
            "None or a python collection of ints representing where in the outputs the "
            "vmapped dimension should appear."
        )
    ndim = value.ndim
    if not -ndim <= out_dim < ndim:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got "
            f"{out_dim})"
        )
    return value.movedim(0, out_dim)


def _run_level(func, flat_args, flat_dims, spec, kwargs, size: int, randomness: str):
    """``func`` at a new level of batch ``size``: ``(outputs, level)``."""
    level = Level(size, randomness)
    wrapped = [
        arg if dim is None else BatchedTensor(arg.movedim(dim, 0), level.id)
        for arg, dim in zip(flat_args, flat_dims, strict=True)
    ]
    push_level(level)
    try:
        with tensor_methods_dispatch(), _RandomnessMode(level):
            outputs = func(*tree_unflatten(wrapped, spec), **kwargs)
    finally:
        pop_level(level)
    return outputs, level


def _unwrap_outputs(func, outputs, out_dims, level: Level):
    flat_outputs, out_spec = tree_flatten(outputs)
    if isinstance(out_dims, (int, type(None))) and not isinstance(out_dims, bool):
        flat_out_dims = [out_dims] * len(flat_outputs)
    else:
        flat_out_dims = broadcast_prefix(out_dims, outputs)
        if flat_out_dims is None:
            raise ValueError(
                f"vmap({_func_name(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
                "compatible with the structure of `outputs`. out_dims has structure "
                f"{tree_flatten(out_dims)[1]} but outputs has structure {out_spec}."
            )
    # The level has returned: unwrapping must not dispatch to its rules any more.
    unwrapped = [
        _unwrap_output(func, o, d, level) for o, d in zip(flat_outputs, flat_out_dims, strict=True)
    ]
    return tree_unflatten(unwrapped, out_spec)


def _chunks(flat_args, flat_dims, size: int, chunk_size: int):
    """The arguments split into chunks of ``chunk_size`` along their mapped dimensions."""
    for start in range(0, size, chunk_size):
        length = min(chunk_size, size - start)
        yield (
            [
                arg if dim is None else arg.narrow(dim, start, length)
                for arg, dim in zip(flat_args, flat_dims, strict=True)
            ],
            length,
        )


def vmap(func, in_dims=0, out_dims=0, randomness: str = "error", *, chunk_size=None):
    """``func`` vectorized over a batch dimension: ``vmap(f)(x)`` is ``stack([f(x[0]),
    f(x[1]), ...])``, computed by running ``f`` once on the whole batch (every operation it
    calls has a batching rule; one without raises). ``in_dims`` gives each argument's batch
    dimension (an int, None for an argument shared by every sample, or a tuple, possibly
    nested, matching the arguments); ``out_dims`` where to put it in each output.
    ``randomness``: ``'error'`` (random operations raise), ``'different'`` (each sample draws
    its own values) or ``'same'`` (every sample gets the same draw). ``chunk_size`` runs the
    batch in chunks of that many samples, to bound memory."""
    _check_options(randomness, chunk_size)

    @functools.wraps(func)
    def vectorized(*args, **kwargs):
        flat_dims = _flat_in_dims(func, in_dims, args)
        flat_args, spec = tree_flatten(args)
        size = _batch_size(func, in_dims, flat_args, flat_dims)
        if chunk_size is None or chunk_size >= size:
            outputs, level = _run_level(func, flat_args, flat_dims, spec, kwargs, size, randomness)
            return _unwrap_outputs(func, outputs, out_dims, level)
        pieces = []
        for chunk, length in _chunks(flat_args, flat_dims, size, chunk_size):
            outputs, level = _run_level(func, chunk, flat_dims, spec, kwargs, length, randomness)
            pieces.append(_unwrap_outputs(func, outputs, out_dims, level))
        return _concatenate(pieces, out_dims)

    return vectorized


def _concatenate(pieces: list, out_dims):
    """The chunks' outputs joined along their ``out_dims``."""
    import ferrograd

    flat_pieces = [tree_flatten(p)[0] for p in pieces]
    spec = tree_flatten(pieces[0])[1]
    if isinstance(out_dims, (int, type(None))):
        flat_out_dims = [out_dims] * len(flat_pieces[0])
    else:
        flat_out_dims = broadcast_prefix(out_dims, pieces[0])
    joined = []
    for position, dim in enumerate(flat_out_dims):
        items = [p[position] for p in flat_pieces]
        joined.append(items[0] if dim is None else ferrograd.cat(items, dim))
    return tree_unflatten(joined, spec)
