"""Custom differentiable operations: subclass ``Function`` with static ``forward(ctx, ...)`` and
``backward(ctx, *grads)`` (or ``forward(...)`` with a separate ``setup_context(ctx, inputs,
output)``) and call ``F.apply(...)``. The node is recorded in the engine's graph like any
built-in operation; saved tensors are kept by the engine (checked against in-place changes and
freed after backward), not by ``ctx``.

Forward-mode AD goes through the static ``jvp(ctx, *tangents)`` (tensors kept with
``ctx.save_for_forward`` are its ``ctx.saved_tensors``); ``vmap`` through the static
``vmap(info, in_dims, *args)`` or, with ``generate_vmap_rule = True``, through ``forward`` and
``backward`` themselves run under ``vmap`` (``ferrograd.func._function_vmap``)."""

from __future__ import annotations

import functools
from typing import Any

from .. import _core
from .._base import TensorBase
from .grad_mode import no_grad

__all__ = ["Function", "FunctionCtx", "once_differentiable"]


def _node_name(cls) -> str:
    """The ``grad_fn`` class name of ``cls``'s nodes: PyTorch's ``<Function>Backward``, or the
    built-in node name an engine-internal Function stands in for (``_grad_fn_name``)."""
    return getattr(cls, "_grad_fn_name", None) or cls.__name__ + "Backward"


class FunctionCtx:
    """The ``ctx`` passed to ``forward`` and ``backward``."""

    def __init__(self, needs_input_grad: tuple):
        self.needs_input_grad = needs_input_grad
        self.materialize_grads = True
        self._to_save: tuple = ()
        self._saved: tuple | None = None
        self._released = False
        self._dirty: tuple = ()
        self._non_differentiable: tuple = ()
        self._saved_for_forward: tuple = ()
        self._in_jvp = False

    def save_for_backward(self, *tensors) -> None:
        """Keeps tensors (inputs or outputs) for ``backward``; read them as ``saved_tensors``."""
        for t in tensors:
            if t is not None and not isinstance(t, TensorBase):
                raise TypeError(
                    f"save_for_backward can only save tensors or None, got {type(t).__name__}"
                )
        self._to_save = tensors

    def save_for_forward(self, *tensors) -> None:
        """Keeps tensors for ``jvp``, where ``saved_tensors`` returns them."""
        for t in tensors:
            if t is not None and not isinstance(t, TensorBase):
                raise TypeError(
                    f"save_for_forward expects all arguments to be tensors; but got {type(t)}"
                )
        self._saved_for_forward = tensors

    @property
    def saved_tensors(self) -> tuple:
        if self._in_jvp:
            return self._saved_for_forward
        if self._released:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved "
                "tensors after they have already been freed). Specify retain_graph=True if you "
                "need to backward through the graph a second time or if you need to access saved "
                "tensors after calling backward."
            )
        if self._saved is None:
            raise RuntimeError("saved_tensors is only available in backward")
        return self._saved

    def mark_dirty(self, *tensors) -> None:
        """Declares inputs that ``forward`` modified in place (and returns)."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors) -> None:
        """Declares outputs that have no gradient (e.g. indices)."""
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """Whether missing output gradients reach ``backward`` as zeros (default) or ``None``."""
        self.materialize_grads = bool(value)


def _contains(items, t) -> bool:
    return any(item is t for item in items)


class _Backward:
    """What the engine calls to run a Function's backward: ``(saved, grad_outputs) -> grads``."""

    def __init__(
        self,
        fn_cls,
        ctx: FunctionCtx,
        tensor_positions: list[int],
        n_args: int,
        outputs_meta: list,
        none_slots: list[int],
    ):
        self.fn_cls = fn_cls
        self.ctx = ctx
        self.tensor_positions = tensor_positions
        self.n_args = n_args
        # per output of forward: (shape, dtype, device) of a tensor output, None for another
        self.outputs_meta = outputs_meta
        # where save_for_backward was given None
        self.none_slots = none_slots

    def __call__(self, saved, grad_outputs):
        from .._creation import zeros

        ctx = self.ctx
        saved = list(saved)
        for k in self.none_slots:
            saved.insert(k, None)
        ctx._saved = tuple(saved)
        grads = []
        tensor_grads = iter(grad_outputs)
        for meta in self.outputs_meta:
            if meta is None:  # a non-tensor output: None, as PyTorch passes
                grads.append(None)
                continue
            g = next(tensor_grads)
            if g is not None:
                grads.append(g)
            elif ctx.materialize_grads:
                shape, dtype, device = meta
                grads.append(zeros(shape, dtype=dtype, device=device))
            else:
                grads.append(None)
        result = self.fn_cls.backward(ctx, *grads)
        result = result if isinstance(result, tuple) else (result,)
        name = _node_name(self.fn_cls)
        # Extra trailing Nones are accepted, as in PyTorch (gradients of arguments that were
        # not passed, say).
        if len(result) > self.n_args and all(g is None for g in result[self.n_args :]):
            result = result[: self.n_args]
        if len(result) != self.n_args:
            raise RuntimeError(
                f"function {name} returned an incorrect number of gradients (expected "
                f"{self.n_args}, got {len(result)})"
            )
        out = []
        for position in self.tensor_positions:
            g = result[position]
            if g is not None and not isinstance(g, TensorBase):
                raise TypeError(
                    f"function {name} returned a {type(g).__name__} as gradient {position}; "
                    "expected a Tensor or None"
                )
            out.append(g)
        return out

    def release(self) -> None:
        self.ctx._released = True
        self.ctx._saved = None


class Function:
    """Base class of operations with a derivative of their own.

    A subclass defines two static methods: ``forward(ctx, *args)`` computes the result from
    its arguments (with recording off) and ``backward(ctx, *grad_outputs)`` returns, for each
    argument of ``forward``, the gradient with respect to it (``None`` for non-tensors or
    arguments that need none). ``ctx`` carries state between them: ``ctx.save_for_backward``
    keeps tensors (checked against in-place changes, as the saved tensors of built-in
    operations are) and any attribute can hold other values. ``forward`` may instead take no
    ``ctx`` and leave the saving to ``setup_context(ctx, inputs, output)``, as in PyTorch.
    ``jvp`` adds forward-mode AD, ``vmap`` (or ``generate_vmap_rule = True``) ``vmap`` support.

    The operation is used through ``apply``, never by calling ``forward`` directly; its result's
    ``grad_fn`` is a node named after the class (``CubeBackward``).

    Examples:
        >>> import ferrograd
        >>> class Cube(ferrograd.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x ** 3
        ...
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return grad * 3 * x ** 2
        >>> x = ferrograd.tensor([1.0, 2.0], requires_grad=True)
        >>> y = Cube.apply(x)
        >>> y.sum().backward()
        >>> x.grad
        tensor([ 3., 12.])
        >>> x64 = ferrograd.tensor([0.5, -1.5], dtype=ferrograd.float64, requires_grad=True)
        >>> ferrograd.autograd.gradcheck(Cube.apply, (x64,))
        True
    """

    #: Set to True to run ``forward`` and ``backward`` themselves under ``vmap`` (they must be
    #: made of operations that have batching rules, and use ``setup_context``).
    generate_vmap_rule = False

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("a Function subclass must define a static forward(ctx, *args)")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Any) -> Any:
        """With ``forward(*args)`` (no ctx), saves what ``backward`` needs: ``inputs`` is the
        tuple of arguments, ``output`` forward's result."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "a Function subclass must define a static backward(ctx, *grad_outputs)"
        )

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        """The output tangents given the inputs' tangents (one per argument of ``forward``,
        None for a non-tensor one), for forward-mode AD."""
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it with "
            "forward mode AD."
        )

    @staticmethod
    def vmap(info: Any, in_dims: Any, *args: Any) -> Any:
        """``(outputs, out_dims)`` for ``args`` batched along ``in_dims`` (None for an
        unbatched argument); ``info.batch_size`` and ``info.randomness`` describe the vmap."""
        raise NotImplementedError

    @classmethod
    def _uses_setup_context(cls) -> bool:
        return cls.setup_context is not Function.setup_context

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        if _batched(args):
            from ..func._function_vmap import apply_batched

            return apply_batched(cls, args, kwargs)
        if _core.current_dual_level() is not None and _has_tangent(args):
            return _apply_with_tangents(cls, args, kwargs)
        return _record(cls, args, kwargs)[0]


def _batched(args) -> bool:
    """Whether an argument is a batched tensor of ``vmap`` (whose class poses as Tensor)."""
    return any(
        isinstance(a, TensorBase) and not issubclass(type(a), _core.TensorImpl) for a in args
    )


def _has_tangent(args) -> bool:
    from .forward_ad import unpack_dual

    return any(isinstance(a, TensorBase) and unpack_dual(a).tangent is not None for a in args)


def _run_forward(cls, ctx, args, kwargs):
    with no_grad():
        if cls._uses_setup_context():
            output = cls.forward(*args, **kwargs)
            cls.setup_context(ctx, args, output)
            return output
        return cls.forward(ctx, *args, **kwargs)


def _record(cls, args, kwargs):
    """Runs ``forward`` and records the node: ``(result, ctx)``."""
    positions = [i for i, a in enumerate(args) if isinstance(a, TensorBase)]
    ctx = FunctionCtx(tuple(isinstance(a, TensorBase) and a.requires_grad for a in args))
    raw = _run_forward(cls, ctx, args, kwargs)
    is_tuple = isinstance(raw, tuple)
    outputs = raw if is_tuple else (raw,)
    tensor_outputs = [o for o in outputs if isinstance(o, TensorBase)]
    saved = []
    # None is a valid entry (an optional input such as a missing bias); the engine keeps only
    # tensors, so the Nones' places are remembered and restored for ``saved_tensors``.
    none_slots = [k for k, t in enumerate(ctx._to_save) if t is None]
    for t in ctx._to_save:
        if t is None:
            continue
        index = next((i for i, o in enumerate(tensor_outputs) if o is t), None)
        saved.append(index if index is not None else t)
    dirty = list(ctx._dirty)
    for t in dirty:
        if t.is_leaf and t.requires_grad:
            raise RuntimeError(
                "a leaf Variable that requires grad has been used in an in-place operation."
            )
    backward = _Backward(
        cls,
        ctx,
        positions,
        len(args),
        [
            (tuple(o.shape), o.dtype, o.device) if isinstance(o, TensorBase) else None
            for o in outputs
        ],
        none_slots,
    )
    recorded = _core.apply_function(
        _node_name(cls),
        backward,
        [args[i] for i in positions],
        list(tensor_outputs),
        saved,
        [_contains(ctx._non_differentiable, o) for o in tensor_outputs],
    )
    results = iter(recorded)
    wrapped = []
    for o in outputs:
        if not isinstance(o, TensorBase):
            wrapped.append(o)
            continue
        handle = next(results)
        if _contains(dirty, o):
            o._rebase_onto(handle)
            wrapped.append(o)
        else:
            wrapped.append(handle)
    ctx._to_save = ()
    return (tuple(wrapped) if is_tuple else wrapped[0]), ctx


def _apply_with_tangents(cls, args, kwargs):
    """Forward-mode AD through a Function: ``forward`` on the primals (recorded for backward as
    usual), then ``jvp`` with the inputs' tangents (zeros for an input without one), whose
    results become the outputs' tangents."""
    from .._creation import zeros_like
    from .forward_ad import make_dual, unpack_dual

    if cls.jvp is Function.jvp:
        Function.jvp(None)  # raises PyTorch's NotImplementedError
    primals, tangents = [], []
    for a in args:
        if isinstance(a, TensorBase):
            primal, tangent = unpack_dual(a)
            primals.append(primal)
            tangents.append(tangent if tangent is not None else zeros_like(primal))
        else:
            primals.append(a)
            tangents.append(None)
    result, ctx = _record(cls, tuple(primals), kwargs)
    if ctx._dirty:
        raise NotImplementedError(
            f"{cls.__name__}: forward-mode AD through an in-place custom Function (mark_dirty) "
            "is not supported"
        )
    ctx._in_jvp = True
    try:
        out_tangents = cls.jvp(ctx, *tangents)
    finally:
        ctx._in_jvp = False
    is_tuple = isinstance(result, tuple)
    outputs = result if is_tuple else (result,)
    out_tangents = out_tangents if isinstance(out_tangents, tuple) else (out_tangents,)
    if len(out_tangents) != len(outputs):
        raise RuntimeError(
            f"function {cls.__name__}.jvp returned an incorrect number of tangents (expected "
            f"{len(outputs)}, got {len(out_tangents)})"
        )
    duals = [
        make_dual(o, t) if isinstance(o, TensorBase) and t is not None else o
        for o, t in zip(outputs, out_tangents, strict=True)
    ]
    return tuple(duals) if is_tuple else duals[0]


def once_differentiable(backward):
    """Marks a ``backward`` that is not itself differentiable: it runs without recording."""

    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with no_grad():
            return backward(ctx, *grads)

    return wrapper
