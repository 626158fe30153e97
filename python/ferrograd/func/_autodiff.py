"""Differentiation transforms: ``grad``, ``grad_and_value``, ``vjp``, ``jacrev``, ``jvp``,
``jacfwd`` and ``hessian``, composable with each other and with ``vmap``.

Reverse mode runs the function on fresh leaves and calls ``autograd.grad``; forward mode runs
it on dual tensors (``autograd.forward_ad``). Under ``vmap`` the inputs may be batched
tensors: the leaves (or duals) are made of the *physical* tensors, given a batch dimension for
every open ``vmap`` level they lack (an input shared by the samples still gets one gradient per
sample), so one backward pass through the batched computation gives every sample's gradient.
A ``vjp_fn`` called with cotangents batched at a level its graph does not have (as
``jacrev`` calls it, under its own ``vmap``) runs the function again on leaves batched at that
level, then makes one backward pass: the batch of cotangents is never a loop.

Results are differentiable (the backward pass is recorded) when something may differentiate
them: an enclosing transform, an input that requires grad, an open dual level, or a tensor
the function closed over that requires grad.
"""

from __future__ import annotations

import contextlib
import functools
import threading

from .. import _core
from .._base import TensorBase
from ..autograd.graph import ACCUMULATE_GRAD
from ..utils._pytree import tree_flatten, tree_unflatten
from ._batched import active_levels, expand_to_levels, strip_levels, wrap_levels


class _Depth(threading.local):
    def __init__(self):
        self.value = 0  # differentiation transforms running on this thread


_depth = _Depth()


class _LeavesMade(threading.local):
    def __init__(self):
        self.open: list[list] = []  # per running jvp, innermost last: the leaves made inside it


_leaves_made = _LeavesMade()


class _Transform:
    """Marks a differentiation transform as running (its results may be differentiated)."""

    def __enter__(self):
        _depth.value += 1

    def __exit__(self, *exc):
        _depth.value -= 1


@contextlib.contextmanager
def _collecting_leaves():
    """The leaves (``_Leaf``) made while inside, by transforms run within."""
    made: list = []
    _leaves_made.open.append(made)
    try:
        yield made
    finally:
        _leaves_made.open.pop()


# ----------------------------------------------------------------------------- arguments


def _check_argnums(argnums, nargs: int) -> tuple[int, ...]:
    if isinstance(argnums, int) and not isinstance(argnums, bool):
        numbers = (argnums,)
    elif isinstance(argnums, tuple) and all(
        isinstance(a, int) and not isinstance(a, bool) for a in argnums
    ):
        numbers = argnums
        if not numbers:
            raise RuntimeError("argnums must be non-empty")
        if len(set(numbers)) != len(numbers):
            raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    else:
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    for a in numbers:
        if not -nargs <= a < nargs:
            raise RuntimeError(f"Got argnum={a}, but only {nargs} positional inputs")
    return tuple(a % nargs for a in numbers)


def _tensor_leaves(tree, what: str = "transform API") -> tuple[list, object]:
    leaves, spec = tree_flatten(tree)
    for leaf in leaves:
        if not isinstance(leaf, TensorBase):
            raise ValueError(f"Thing passed to {what} must be Tensor, got {type(leaf)}")
    return leaves, spec


# ----------------------------------------------------------------------------- leaves


class _Leaf:
    """A differentiable stand-in for one input: ``tensor`` (what the function sees, batched at
    ``levels``) over ``physical`` (what gradients are taken with respect to)."""

    __slots__ = ("levels", "physical", "tensor")

    def __init__(self, x, levels):
        from ..autograd import forward_ad

        p = expand_to_levels(x, levels)
        if p.requires_grad:  # keep the outer graph: gradients flow on to x's history
            leaf = p.view_as(p)
        else:
            tangent = forward_ad.unpack_dual(p).tangent
            leaf = p.detach().requires_grad_(True)
            if tangent is not None:
                leaf = forward_ad.make_dual(leaf, tangent)
        self.physical = leaf
        self.levels = levels
        self.tensor = wrap_levels(leaf, levels)
        for made in _leaves_made.open:
            made.append(self)


def _make_leaves(args: tuple, argnums: tuple[int, ...], levels):
    """The arguments with the differentiated ones replaced by leaves: ``(new_args, leaves per
    argnum, pytree spec per argnum)``."""
    args = list(args)
    leaves, specs = [], []
    for a in argnums:
        flat, spec = _tensor_leaves(args[a])
        made = [_Leaf(x, levels) for x in flat]
        args[a] = tree_unflatten([m.tensor for m in made], spec)
        leaves.append(made)
        specs.append(spec)
    return tuple(args), leaves, specs


def _reaches_other_leaves(outputs, leaves) -> bool:
    """Whether the graph of ``outputs`` reaches a tensor requiring grad other than ``leaves``
    (a parameter the function closed over, say): then the gradients must be recorded for it."""
    own = [leaf.physical for leaf in leaves]
    stack = [o._grad_fn for o in outputs if isinstance(o, TensorBase) and o._grad_fn is not None]
    seen = set()
    while stack:
        node = stack.pop()
        key = node.key()
        if key in seen:
            continue
        seen.add(key)
        if node.name() == ACCUMULATE_GRAD:
            variable = node.variable()
            if variable is not None and not any(variable._same(t) for t in own):
                return True
            continue
        stack.extend(child for child, _ in node.next_functions if child is not None)
    return False


def _record_backward(outputs, leaves, originals) -> bool:
    """Whether the backward pass must be recorded (see the module docstring)."""
    if not _core.is_grad_enabled():
        return False
    if _depth.value > 0 or _core.current_dual_level() is not None:
        return True
    if any(isinstance(x, TensorBase) and x.requires_grad for x in originals):
        return True
    return _reaches_other_leaves(outputs, leaves)


def _gradients(outputs, cotangents, leaves, create_graph: bool, retain_graph: bool):
    """Gradients of the physical ``outputs`` (with ``cotangents``) for each leaf, batched at
    the leaves' levels; zeros for a leaf the outputs do not depend on."""
    from ..autograd import grad as autograd_grad

    pairs = [(o, c) for o, c in zip(outputs, cotangents, strict=True) if o.requires_grad]
    if not pairs:
        grads = [None] * len(leaves)
    else:
        grads = autograd_grad(
            [o for o, _ in pairs],
            [leaf.physical for leaf in leaves],
            grad_outputs=[c for _, c in pairs],
            retain_graph=retain_graph,
            create_graph=create_graph,
            allow_unused=True,
        )
    out = []
    for g, leaf in zip(grads, leaves, strict=True):
        if g is None:
            from .._creation import zeros_like

            g = zeros_like(leaf.physical.detach())
        elif not create_graph:
            g = g.detach()
        out.append(wrap_levels(g, leaf.levels))
    return out


def _per_argnum(grads: list, leaves: list, specs: list, argnums):
    """Flat gradients regrouped into each differentiated argument's structure (a tuple of them
    for a tuple ``argnums``)."""
    result, start = [], 0
    for made, spec in zip(leaves, specs, strict=True):
        result.append(tree_unflatten(grads[start : start + len(made)], spec))
        start += len(made)
    return tuple(result) if isinstance(argnums, tuple) else result[0]


def _detached(tree, keep_graph: bool):
    if keep_graph:
        return tree
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([x.detach() if isinstance(x, TensorBase) else x for x in leaves], spec)


# ----------------------------------------------------------------------------- reverse mode


def grad_and_value(func, argnums=0, has_aux: bool = False):
    """``func`` (returning a scalar tensor) turned into a function that returns ``(gradient,
    value)``: the gradient with respect to the argument(s) ``argnums`` (their structure:
    a tensor, a dict of tensors, ...), and ``func``'s output. With ``has_aux``, ``func``
    returns ``(output, aux)`` and the result is ``(gradient, (value, aux))``."""

    @functools.wraps(func)
    def transformed(*args, **kwargs):
        numbers = _check_argnums(argnums, len(args))
        levels = list(active_levels())
        new_args, leaves, specs = _make_leaves(args, numbers, levels)
        flat_leaves = [leaf for made in leaves for leaf in made]
        from ..autograd import enable_grad

        with _Transform(), enable_grad():
            output = func(*new_args, **kwargs)
        if has_aux:
            if not (isinstance(output, tuple) and len(output) == 2):
                raise RuntimeError(
                    "grad_and_value(f)(*args): output of function f should be a tuple: (output, "
                    "aux) if has_aux is True"
                )
            output, aux = output
        if not isinstance(output, TensorBase):
            raise RuntimeError(
                "grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                f"{type(output)}"
            )
        if output.dim() != 0:
            raise RuntimeError(
                "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                f"tensor with {output.dim()} dims. Maybe you wanted to use the vjp or jacrev "
                "APIs instead?"
            )
        physical_output = expand_to_levels(output, levels)
        from .._creation import ones_like

        record = _record_backward(
            [physical_output], flat_leaves, [x for a in numbers for x in tree_flatten(args[a])[0]]
        )
        grads = _gradients(
            [physical_output],
            [ones_like(physical_output.detach())],
            flat_leaves,
            create_graph=record,
            retain_graph=record,
        )
        gradient = _per_argnum(grads, leaves, specs, argnums)
        value = _detached(output, record)
        if has_aux:
            return gradient, (value, aux)
        return gradient, value

    return transformed


def grad(func, argnums=0, has_aux: bool = False):
    """``func`` (returning a scalar tensor) turned into a function that returns its gradient
    with respect to the argument(s) ``argnums`` (``(gradient, aux)`` with ``has_aux``)."""
    both = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def transformed(*args, **kwargs):
        gradient, value = both(*args, **kwargs)
        if has_aux:
            return gradient, value[1]
        return gradient

    return transformed


def _check_outputs(outputs, api: str):
    flat, spec = tree_flatten(outputs)
    for o in flat:
        if not isinstance(o, TensorBase):
            raise RuntimeError(
                f"{api}: expected f(*primals) to return only tensors, got unsupported type "
                f"{type(o)}"
            )
    return flat, spec


def vjp(func, *primals, has_aux: bool = False):
    """``(func(*primals), vjp_fn)``: ``vjp_fn(cotangents)`` gives the vector-Jacobian products
    with respect to each primal (a tuple, in the primals' structure); ``cotangents`` has the
    structure of the output. ``vjp_fn`` may be called many times, and under ``vmap`` (a batch
    of cotangents). With ``has_aux``: ``(output, vjp_fn, aux)``."""
    argnums = tuple(range(len(primals)))
    levels = list(active_levels())
    new_args, leaves, specs = _make_leaves(primals, argnums, levels)
    flat_leaves = [leaf for made in leaves for leaf in made]
    from ..autograd import enable_grad

    with _Transform(), enable_grad():
        result = func(*new_args)
    if has_aux:
        if not (isinstance(result, tuple) and len(result) == 2):
            raise RuntimeError(
                "vjp(f, *primals): output of function f should be a tuple: (output, aux) if "
                "has_aux is True"
            )
        result, aux = result
    flat_out, out_spec = _check_outputs(result, "vjp(f, *primals)")
    originals = [x for p in primals for x in tree_flatten(p)[0]]
    record = _record_backward(
        [expand_to_levels(o, levels) for o in flat_out], flat_leaves, originals
    )

    def vjp_fn(cotangents):
        flat_cot, cot_spec = tree_flatten(cotangents)
        if cot_spec != out_spec:
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree structure of "
                f"outputs to the function. cotangents: {cot_spec}, primal output: {out_spec}"
            )
        for k, (o, c) in enumerate(zip(flat_out, flat_cot, strict=True)):
            if not isinstance(c, TensorBase):
                raise RuntimeError(f"vjp: cotangent {k} must be a Tensor, got {type(c)}")
            if tuple(o.shape) != tuple(c.shape):
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{k}] has a shape of {c.shape} and "
                    f"output[{k}] has a shape of {o.shape}."
                )
        now = list(active_levels())
        known = {level.id for level in levels}
        cot_levels = {lv for c in flat_cot for lv in _levels_of(c)}
        if cot_levels <= known:
            grads = _gradients(
                [expand_to_levels(o, levels) for o in flat_out],
                [expand_to_levels(c, levels) for c in flat_cot],
                flat_leaves,
                create_graph=record,
                retain_graph=True,
            )
        else:
            grads = _vjp_again(func, primals, has_aux, flat_cot, now)
        return _per_argnum(grads, leaves, specs, argnums)

    output = _detached(result, record)
    if has_aux:
        return output, vjp_fn, aux
    return output, vjp_fn


def _levels_of(x) -> list[int]:
    from ._batched import batch_levels

    return batch_levels(x)


def _vjp_again(func, primals, has_aux: bool, flat_cot: list, levels):
    """The vector-Jacobian products for cotangents batched at levels the first run did not
    have: ``func`` run again on leaves batched at every open level, then one backward pass."""
    argnums = tuple(range(len(primals)))
    new_args, leaves, _ = _make_leaves(primals, argnums, levels)
    flat_leaves = [leaf for made in leaves for leaf in made]
    from ..autograd import enable_grad

    with _Transform(), enable_grad():
        result = func(*new_args)
    if has_aux:
        result = result[0]
    flat_out, _ = _check_outputs(result, "vjp(f, *primals)")
    record = _record_backward(
        [expand_to_levels(o, levels) for o in flat_out],
        flat_leaves,
        [x for p in primals for x in tree_flatten(p)[0]],
    )
    return _gradients(
        [expand_to_levels(o, levels) for o in flat_out],
        [expand_to_levels(c, levels) for c in flat_cot],
        flat_leaves,
        create_graph=record,
        retain_graph=record,
    )


def _basis(flat: list):
    """The rows of the identity over the elements of ``flat`` (tensors), split per tensor and
    shaped like it: ``[(N, *t.shape) for t in flat]``, ``N`` the total element count."""
    import ferrograd

    sizes = [t.numel() for t in flat]
    total = sum(sizes)
    first = flat[0]
    eye = ferrograd.eye(total, dtype=first.dtype, device=first.device)
    pieces, start = [], 0
    for t, n in zip(flat, sizes, strict=True):
        pieces.append(eye[:, start : start + n].reshape(total, *t.shape))
        start += n
    return pieces


def jacrev(func, argnums=0, *, has_aux: bool = False, chunk_size=None,
           _preallocate_and_copy: bool = False):  # fmt: skip
    """The Jacobian of ``func`` with respect to the argument(s) ``argnums`` by reverse mode:
    ``vjp`` with the rows of the identity as cotangents, under ``vmap``. For an output of shape
    ``o`` and an input of shape ``i`` the Jacobian has shape ``o + i``; the result follows the
    structure of the output (and of the inputs: a tuple per output for a tuple ``argnums``)."""
    from ._vmap import vmap

    @functools.wraps(func)
    def transformed(*args, **kwargs):
        numbers = _check_argnums(argnums, len(args))

        def restricted(*chosen):
            full = list(args)
            for a, value in zip(numbers, chosen, strict=True):
                full[a] = value
            return func(*full, **kwargs)

        vjp_out = vjp(restricted, *[args[a] for a in numbers], has_aux=has_aux)
        output, vjp_fn = vjp_out[0], vjp_out[1]
        flat_out, out_spec = tree_flatten(output)
        basis = _basis(flat_out)
        rows = vmap(vjp_fn, chunk_size=chunk_size)(tree_unflatten(basis, out_spec))
        # rows: one per argnum, each in its argument's structure, leaves (N, *input shape)
        per_input = [tree_flatten(r) for r in rows]
        jacobians = []
        start = 0
        for o in flat_out:
            n = o.numel()
            blocks = []
            for flat_rows, spec in per_input:
                pieces = [r[start : start + n].reshape(*o.shape, *r.shape[1:]) for r in flat_rows]
                blocks.append(tree_unflatten(pieces, spec))
            jacobians.append(tuple(blocks) if isinstance(argnums, tuple) else blocks[0])
            start += n
        result = tree_unflatten(jacobians, out_spec)
        if has_aux:
            return result, vjp_out[2]
        return result

    return transformed


# ----------------------------------------------------------------------------- forward mode


def jvp(func, primals, tangents, *, strict: bool = False, has_aux: bool = False):
    """``(func(*primals), J·tangents)`` by forward mode: ``primals`` and ``tangents`` are tuples
    of the same structure and shapes. With ``has_aux``: ``(output, jvp_out, aux)``."""
    from ..autograd import forward_ad

    if not isinstance(primals, tuple):
        raise RuntimeError(
            "jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid "
            "to call f(*primals)."
        )
    flat_primals, primal_spec = _tensor_leaves(primals, "jvp(f, primals, tangents)")
    flat_tangents, tangent_spec = tree_flatten(tangents)
    if not isinstance(tangents, tuple) or tangent_spec != primal_spec:
        raise RuntimeError(
            "jvp(f, primals, tangents): Expected primals and tangents to have the same python "
            "structure. For example, if primals is a tuple of 3 tensors, tangents also must "
            f"be. Got primals with structure {primal_spec} and tangents with structure "
            f"{tangent_spec}"
        )
    for p, t in zip(flat_primals, flat_tangents, strict=True):
        if not isinstance(t, TensorBase):
            raise RuntimeError(f"jvp: tangents must be Tensors, got {type(t)}")
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(
                "Trying to set a forward gradient that has a different size than that of the "
                f"original Tensor, this is not supported. Tensor is of size {list(p.shape)} while "
                f"the given forward gradient is of size {list(t.shape)}."
            )
    if _core.current_dual_level() is not None:
        raise RuntimeError(
            "jvp: nested forward-mode transforms (jvp or jacfwd inside jvp or jacfwd) are not "
            "supported: ferrograd has one dual level per thread. Use reverse mode for the inner "
            "or the outer derivative (e.g. hessian = jacfwd(jacrev(f)))."
        )
    levels = list(active_levels())
    enclosed = _depth.value > 0
    with forward_ad.dual_level(), _Transform(), _collecting_leaves() as made:
        duals = []
        for p, t in zip(flat_primals, flat_tangents, strict=True):
            physical_primal = expand_to_levels(p, levels)
            physical_tangent = expand_to_levels(t, levels).to(physical_primal.dtype)
            duals.append(
                wrap_levels(forward_ad.make_dual(physical_primal, physical_tangent), levels)
            )
        result = func(*tree_unflatten(duals, primal_spec))
        if has_aux:
            if not (isinstance(result, tuple) and len(result) == 2):
                raise RuntimeError(
                    "jvp(f, primals, tangents): output of function f should be a tuple: "
                    "(output, aux) if has_aux is True"
                )
            result, aux = result
        flat_out, out_spec = _check_outputs(result, "jvp(f, primals, tangents)")
        unpacked = []
        for o in flat_out:
            physical_out, out_levels = strip_levels(o, levels)
            primal, tangent = forward_ad.unpack_dual(physical_out)
            if tangent is None:
                from .._creation import zeros_like

                tangent = zeros_like(primal)
            unpacked.append((primal, tangent, out_levels))
        # A transform inside (jacrev in hessian) records its backward pass for the tangents to
        # flow through, on leaves of its own: that graph is no one's to differentiate unless
        # something outside this call may (as for the transforms' results, module docstring).
        if not (
            enclosed
            or any(x.requires_grad for x in flat_primals + flat_tangents)
            or _reaches_other_leaves([t for p, d, _ in unpacked for t in (p, d)], made)
        ):
            unpacked = [(p.detach(), d.detach(), lv) for p, d, lv in unpacked]
        values = [wrap_levels(p, lv) for p, _, lv in unpacked]
        derivatives = [wrap_levels(d, lv) for _, d, lv in unpacked]
    output = tree_unflatten(values, out_spec)
    jvp_out = tree_unflatten(derivatives, out_spec)
    if has_aux:
        return output, jvp_out, aux
    return output, jvp_out


def jacfwd(func, argnums=0, has_aux: bool = False, *, randomness: str = "error"):
    """The Jacobian of ``func`` with respect to the argument(s) ``argnums`` by forward mode:
    ``jvp`` with the columns of the identity as tangents, under ``vmap``. Same shapes and
    structure as ``jacrev``."""
    from ._vmap import vmap

    @functools.wraps(func)
    def transformed(*args, **kwargs):
        numbers = _check_argnums(argnums, len(args))
        chosen = [args[a] for a in numbers]
        flat_in, in_specs = [], []
        for c in chosen:
            flat, spec = _tensor_leaves(c)
            flat_in.extend(flat)
            in_specs.append((len(flat), spec))
        basis = _basis(flat_in)

        def restricted(*values):
            full = list(args)
            position = 0
            for a, (count, spec) in zip(numbers, in_specs, strict=True):
                full[a] = tree_unflatten(list(values[position : position + count]), spec)
                position += count
            return func(*full, **kwargs)

        def push_forward(*columns):
            out = jvp(restricted, tuple(flat_in), tuple(columns), has_aux=has_aux)
            return (out[1], out[2]) if has_aux else out[1]

        pushed = vmap(push_forward, randomness=randomness)(*basis)
        if has_aux:
            pushed, aux = pushed
            aux = _first_of_batch(aux)
        flat_out, out_spec = tree_flatten(pushed)
        sizes = [t.numel() for t in flat_in]
        jacobians = []
        for o in flat_out:
            out_shape = tuple(o.shape[1:])
            blocks, start = [], 0
            for t, n in zip(flat_in, sizes, strict=True):
                block = o[start : start + n].movedim(0, -1)
                blocks.append(block.reshape(*out_shape, *t.shape))
                start += n
            grouped, position = [], 0
            for count, spec in in_specs:
                grouped.append(tree_unflatten(blocks[position : position + count], spec))
                position += count
            jacobians.append(tuple(grouped) if isinstance(argnums, tuple) else grouped[0])
        result = tree_unflatten(jacobians, out_spec)
        if has_aux:
            return result, aux
        return result

    return transformed


def _first_of_batch(tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([x[0] if isinstance(x, TensorBase) else x for x in leaves], spec)


def hessian(func, argnums=0):
    """The Hessian of a scalar ``func``: ``jacfwd(jacrev(func, argnums), argnums)``
    (forward-over-reverse)."""
    return jacfwd(jacrev(func, argnums), argnums)


def batched_autograd_grad(
    outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused, materialize_grads
):
    """``autograd.grad`` where some tensors are batched (called inside ``vmap``): one backward
    pass of the physical tensors. Samples are independent, so each input's physical gradient
    holds its samples' gradients, provided the input is batched wherever the outputs are (an
    input shared by the samples would get their sum: that raises; ``func.grad`` or ``vjp``
    give such an input a batch dimension first)."""
    from .._creation import ones_like, zeros_like
    from ..autograd import grad as autograd_grad
    from ._batched import batch_levels

    levels = [
        level
        for level in active_levels()
        if any(level.id in batch_levels(t) for t in (*outputs, *inputs, *grad_outputs))
    ]
    out_levels = {lv for o in outputs for lv in batch_levels(o)}
    physical_inputs = []
    for k, x in enumerate(inputs):
        if not out_levels <= set(batch_levels(x)):
            raise RuntimeError(
                f"autograd.grad inside vmap: input {k} is not batched like the outputs, so its "
                "per-sample gradients cannot be told apart; use ferrograd.func.grad or "
                "ferrograd.func.vjp inside vmap instead"
            )
        physical_inputs.append(strip_levels(x, levels)[0])
    physical_outputs = [expand_to_levels(o, levels) for o in outputs]
    if not grad_outputs:
        grad_outputs = [None] * len(outputs)
    cotangents = [
        ones_like(p.detach()) if g is None else expand_to_levels(g, levels)
        for p, g in zip(physical_outputs, grad_outputs, strict=True)
    ]
    grads = autograd_grad(
        physical_outputs,
        physical_inputs,
        grad_outputs=cotangents,
        retain_graph=retain_graph,
        create_graph=create_graph,
        allow_unused=allow_unused,
    )
    result = []
    for g, x, p in zip(grads, inputs, physical_inputs, strict=True):
        if g is None and materialize_grads:
            g = zeros_like(p.detach())
        present = set(batch_levels(x))
        result.append(
            None if g is None else wrap_levels(g, [lv for lv in levels if lv.id in present])
        )
    return tuple(result)


def linearize(func, *primals):
    """``(func(*primals), jvp_fn)``: ``jvp_fn(*tangents)`` gives ``J·tangents`` at ``primals``
    (tangents in the primals' structure and shapes). Each call runs ``func`` forward again with
    dual tensors (ferrograd records no trace to replay)."""
    flat_primals, primal_spec = _tensor_leaves(primals, "linearize")
    output = func(*primals)

    def jvp_fn(*tangents):
        flat_tangents, tangent_spec = tree_flatten(tangents)
        if tangent_spec != primal_spec:
            raise RuntimeError(
                f"Expected the tangents {tangent_spec} to have the same argspec as the primals "
                f"{primal_spec}"
            )
        for k, (p, t) in enumerate(zip(flat_primals, flat_tangents, strict=True)):
            if not isinstance(t, TensorBase) or tuple(t.shape) != tuple(p.shape):
                shape = getattr(t, "shape", type(t).__name__)
                raise RuntimeError(
                    f"tangent:{k} with shape {shape} in flattened pytree doesn't match the "
                    f"shape {p.shape} of the corresponding primal."
                )
        return jvp(func, primals, tangents)[1]

    return _detached(output, _core.is_grad_enabled() and _depth.value > 0), jvp_fn
