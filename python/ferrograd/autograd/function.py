"""Custom differentiable operations: subclass ``Function`` with static ``forward(ctx, ...)`` and
``backward(ctx, *grads)`` and call ``F.apply(...)``. The node is recorded in the engine's graph
like any built-in operation; saved tensors are kept by the engine (checked against in-place
changes and freed after backward), not by ``ctx``."""

from __future__ import annotations

import functools

from .. import _core
from .._base import TensorBase
from .grad_mode import no_grad


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

    def save_for_backward(self, *tensors) -> None:
        """Keeps tensors (inputs or outputs) for ``backward``; read them as ``saved_tensors``."""
        for t in tensors:
            if t is not None and not isinstance(t, TensorBase):
                raise TypeError(
                    f"save_for_backward can only save tensors or None, got {type(t).__name__}"
                )
        self._to_save = tensors

    @property
    def saved_tensors(self) -> tuple:
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
        self, fn_cls, ctx: FunctionCtx, tensor_positions: list[int], n_args: int, outputs_meta: list
    ):
        self.fn_cls = fn_cls
        self.ctx = ctx
        self.tensor_positions = tensor_positions
        self.n_args = n_args
        self.outputs_meta = outputs_meta

    def __call__(self, saved, grad_outputs):
        from .._creation import zeros

        ctx = self.ctx
        ctx._saved = tuple(saved)
        grads = []
        for g, (shape, dtype, device) in zip(grad_outputs, self.outputs_meta, strict=True):
            if g is not None:
                grads.append(g)
            elif ctx.materialize_grads:
                grads.append(zeros(shape, dtype=dtype, device=device))
            else:
                grads.append(None)
        result = self.fn_cls.backward(ctx, *grads)
        result = result if isinstance(result, tuple) else (result,)
        name = self.fn_cls.__name__ + "Backward"
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
    """Base class of custom autograd operations (see the module docstring)."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("a Function subclass must define a static forward(ctx, *args)")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "a Function subclass must define a static backward(ctx, *grad_outputs)"
        )

    @classmethod
    def apply(cls, *args, **kwargs):
        positions = [i for i, a in enumerate(args) if isinstance(a, TensorBase)]
        ctx = FunctionCtx(tuple(isinstance(a, TensorBase) and a.requires_grad for a in args))
        with no_grad():
            raw = cls.forward(ctx, *args, **kwargs)
        is_tuple = isinstance(raw, tuple)
        outputs = raw if is_tuple else (raw,)
        tensor_outputs = [o for o in outputs if isinstance(o, TensorBase)]
        saved = []
        for t in ctx._to_save:
            index = next((i for i, o in enumerate(tensor_outputs) if o is t), None)
            saved.append(index if index is not None else t)
        if any(s is None for s in saved):
            raise TypeError(
                f"{cls.__name__}: save_for_backward(None) is not supported; save tensors only"
            )
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
            [(tuple(o.shape), o.dtype, o.device) for o in tensor_outputs],
        )
        recorded = _core.apply_function(
            cls.__name__ + "Backward",
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
        return tuple(wrapped) if is_tuple else wrapped[0]


def once_differentiable(backward):
    """Marks a ``backward`` that is not itself differentiable: it runs without recording."""

    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with no_grad():
            return backward(ctx, *grads)

    return wrapper
