"""Batched tensors: what a function transformed by ``vmap`` sees in place of its inputs.

A ``BatchedTensor`` holds ``value``, the tensor one level down with this level's batch
dimension first, and shows the function the *logical* tensor: ``value`` without that dimension
(``shape``, ``dim()``, ``dtype``, ...). Every operation on it (a method, an operator, or a
function of ``ferrograd`` / ``nn.functional`` through ``__torch_function__``) runs the
operation's batching rule (``_batching_rules.py``), which calls the same operation once on
``value`` with the batch dimension accounted for, and wraps the result. There is no per-sample
loop: an operation without a rule raises.

Levels nest: inside ``vmap(vmap(f))`` the inner level's ``value`` is itself a batched tensor of
the outer level, so a rule's call on ``value`` goes through the outer level's rule in turn, and
the physical tensor at the bottom holds the outer batch dimension first, then the inner one.
Each ``vmap`` call pushes a ``Level`` (its batch size and randomness) on a per-thread stack;
levels are numbered in creation order, so an inner level's number is larger.
"""

from __future__ import annotations

import itertools
import threading

from .._size import Size

_level_ids = itertools.count(1)


class Level:
    """One active ``vmap``: its number, batch size and randomness mode."""

    __slots__ = ("id", "randomness", "size")

    def __init__(self, size: int, randomness: str):
        self.id = next(_level_ids)
        self.size = size
        self.randomness = randomness


class _Stack(threading.local):
    def __init__(self):
        self.levels: list[Level] = []


_stack = _Stack()


def active_levels() -> list[Level]:
    """The ``vmap`` levels open on this thread, outermost first."""
    return _stack.levels


def push_level(level: Level) -> None:
    _stack.levels.append(level)


def pop_level(level: Level) -> None:
    levels = _stack.levels
    if not levels or levels[-1] is not level:
        raise RuntimeError("vmap: levels exited out of order")
    levels.pop()


def level_of(level_id: int) -> Level:
    """The open level numbered ``level_id``; a tensor batched at a level that has returned is
    an error (it escaped its ``vmap``, e.g. through a global or a closure)."""
    for level in reversed(_stack.levels):
        if level.id == level_id:
            return level
    raise RuntimeError(
        "vmap: a batched tensor was used after the vmap that made it returned (did it escape "
        "through a global variable, a closure or a mutable argument?). Return it from the "
        "vmapped function instead."
    )


def _data_dependent(what: str):
    def method(self, *args, **kwargs):
        raise RuntimeError(
            f"vmap: It looks like you're calling {what} on a Tensor. We don't support vmap over "
            f"calling {what} on a Tensor, please try to rewrite what you're doing with other "
            "operations (a value that differs between the samples of a batch cannot become a "
            "Python value)."
        )

    method.__name__ = what.strip(".()")
    return method


class BatchedTensor:
    """A tensor batched at one ``vmap`` level (see the module docstring). ``isinstance(x,
    Tensor)`` holds for it, as user code and ``nn`` modules expect of their inputs."""

    __slots__ = ("__weakref__", "level", "value")
    __array_ufunc__ = None  # NumPy defers to our reflected operators instead of converting
    __hash__ = object.__hash__

    def __init__(self, value, level: int):
        self.value = value
        self.level = level

    @property
    def __class__(self):
        from .._tensor import Tensor

        return Tensor

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        from ._batching_rules import apply_function

        return apply_function(func, args, kwargs or {})

    # ------------------------------------------------------------------ logical metadata
    @property
    def shape(self) -> Size:
        return Size(self.value.shape[1:])

    def size(self, dim=None):
        shape = self.shape
        if dim is None:
            return shape
        ndim = len(shape)
        if not -max(ndim, 1) <= dim < max(ndim, 1) or ndim == 0:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but "
                f"got {dim})"
            )
        return shape[dim]

    @property
    def ndim(self) -> int:
        return self.value.ndim - 1

    def dim(self) -> int:
        return self.value.ndim - 1

    ndimension = dim

    def numel(self) -> int:
        n = 1
        for s in self.shape:
            n *= s
        return n

    nelement = numel

    def __len__(self) -> int:
        shape = self.shape
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    @property
    def dtype(self):
        return self.value.dtype

    @property
    def device(self):
        return self.value.device

    @property
    def is_cuda(self) -> bool:
        return self.value.is_cuda

    @property
    def is_cpu(self) -> bool:
        return self.value.is_cpu

    def is_floating_point(self) -> bool:
        return self.value.is_floating_point()

    def is_complex(self) -> bool:
        return False

    def element_size(self) -> int:
        return self.value.element_size()

    @property
    def itemsize(self) -> int:
        return self.value.element_size()

    @property
    def nbytes(self) -> int:
        return self.numel() * self.value.element_size()

    @property
    def layout(self):
        return self.value.layout

    is_sparse = False
    is_quantized = False

    @property
    def is_meta(self) -> bool:
        return self.value.is_meta

    @property
    def requires_grad(self) -> bool:
        return self.value.requires_grad

    @property
    def is_leaf(self) -> bool:
        return self.value.is_leaf

    @property
    def grad_fn(self):
        return self.value.grad_fn

    def __repr__(self) -> str:
        return f"BatchedTensor(lvl={self.level}, bdim=0, value=\n{self.value!r}\n)"

    item = _data_dependent(".item()")
    tolist = _data_dependent(".tolist()")
    numpy = _data_dependent(".numpy()")
    __bool__ = _data_dependent("bool()")
    __float__ = _data_dependent("float()")
    __int__ = _data_dependent("int()")
    __index__ = _data_dependent("an index from a Tensor (__index__)")
    __array__ = _data_dependent("__array__ (a conversion to NumPy)")
    data_ptr = _data_dependent(".data_ptr()")

    def __getattr__(self, name: str):
        from .._tensor import Tensor

        if not name.startswith("_") and hasattr(Tensor, name):
            raise RuntimeError(
                f"vmap: there is no batching rule for Tensor.{name}, so it cannot run on a "
                "batched tensor (ferrograd.func.vmap has no per-sample fallback)."
            )
        raise AttributeError(f"'Tensor' object has no attribute '{name}'")


def batch_levels(x) -> list[int]:
    """The levels ``x`` is batched at, innermost (largest) first."""
    levels = []
    while type(x) is BatchedTensor:
        levels.append(x.level)
        x = x.value
    return levels


def physical(x):
    """The tensor under every level of ``x``: the batch dimensions first, outermost first."""
    while type(x) is BatchedTensor:
        x = x.value
    return x


def expand_to_levels(x, levels: list[Level]):
    """``x`` batched at every level of ``levels`` (outermost first): the physical tensor gets a
    broadcast (stride 0) dimension for each level it is not batched at. Returns the physical
    tensor; wrap it back with ``wrap_levels``."""
    present = set(batch_levels(x))
    p = physical(x)
    for position, level in enumerate(levels):
        if level.id not in present:
            p = p.unsqueeze(position)
            p = p.expand(*p.shape[:position], level.size, *p.shape[position + 1 :])
    return p


def wrap_levels(p, levels: list[Level]):
    """The physical tensor ``p`` (one leading dimension per level, outermost first) as a
    batched tensor at those levels."""
    for level in levels:
        p = BatchedTensor(p, level.id)
    return p


def strip_levels(x, levels: list[Level]):
    """``(physical tensor, levels)`` of ``x`` where ``x`` may be batched at any of ``levels``;
    a plain tensor comes back as it is with no levels."""
    present = set(batch_levels(x))
    return physical(x), [level for level in levels if level.id in present]


def debug_unwrap(tensor, *, recurse: bool = True):
    """The tensor inside a batched tensor (for debugging): one level down, or with
    ``recurse`` the physical tensor under every level. Other objects come back as they are."""
    if type(tensor) is not BatchedTensor:
        return tensor
    return physical(tensor) if recurse else tensor.value
