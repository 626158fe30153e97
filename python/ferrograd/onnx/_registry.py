"""Where translations are found: one function per operation (or family of operations),
registered under the operation's public names, and ``Call``, what a translation receives.

A translation reads the call's arguments (bound to the function's own signature, the first
parameter always named ``input``), emits ONNX nodes through ``Call.op`` and returns the names
of the values that hold its results, one per tensor in the result, in order. It may also say
which dimensions of each result are dynamic (``Call.set_dims``); otherwise a result is taken to
be dynamic in every dimension when any input is dynamic in one, which is always correct, only
less tidy (the graph then reads such sizes with ``Shape`` where a constant would do).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

from ._graph import numpy_dtype
from ._symbolic import Dynamic, SymInt, is_dynamic
from .errors import UnsupportedOperatorError

_PREFIXES = {"F.": "ferrograd.nn.functional.", "T.": "Tensor.", "fg.": "ferrograd."}

TRANSLATIONS: dict[str, Callable] = {}
# nn.Module classes recorded as one ONNX construct (their forward is not traced inside)
MODULE_TRANSLATIONS: dict[type, Callable] = {}


def _full_name(name: str) -> str:
    for short, full in _PREFIXES.items():
        if name.startswith(short):
            return full + name[len(short) :]
    return name


def translates(*names: str):
    """Registers the decorated translation under each of ``names`` (``F.relu``: a function of
    ``nn.functional``; ``T.relu``: the Tensor method; ``fg.relu``: ``ferrograd.relu``)."""

    def register(fn):
        for name in names:
            TRANSLATIONS[_full_name(name)] = fn
        return fn

    return register


def translates_module(*classes: type):
    def register(fn):
        for cls in classes:
            MODULE_TRANSLATIONS[cls] = fn
        return fn

    return register


def find(names) -> Callable | None:
    for name in names:
        fn = TRANSLATIONS.get(name)
        if fn is not None:
            return fn
    return None


_SIGNATURES: dict = {}


def _signature(fn):
    sig = _SIGNATURES.get(fn)
    if sig is None:
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            sig = None
        _SIGNATURES[fn] = sig
    return sig


def bind(target, args: tuple, kwargs: dict) -> dict:
    """The arguments by parameter name, defaults filled in, the first parameter renamed
    ``input`` and keyword extras (``**kwargs``) merged in; positions are kept as ``"#0"``,
    ``"#1"``, ... for the positional parameters."""
    sig = _signature(target)
    if kwargs.get("out", 0) is None:
        kwargs = {k: v for k, v in kwargs.items() if k != "out"}
    if sig is None:
        return {f"#{i}": a for i, a in enumerate(args)} | dict(kwargs)
    # NumPy's names, which PyTorch (and ferrograd's wrappers, _numpy_keywords) accept
    renames = {
        old: new
        for old, new in (("axis", "dim"), ("keepdims", "keepdim"))
        if old in kwargs and new in sig.parameters and old not in sig.parameters
    }
    if renames:
        kwargs = {renames.get(k, k): v for k, v in kwargs.items()}
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    out: dict = {}
    position = 0
    for index, (name, value) in enumerate(bound.arguments.items()):
        kind = sig.parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            out.update(value)
            continue
        out[name] = value
        if index == 0 and kind is not inspect.Parameter.VAR_POSITIONAL:
            out["input"] = value
        if kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            out[f"#{position}"] = value
            position += 1
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            for item in value:
                out[f"#{position}"] = item
                position += 1
    return out


class Call:
    """One call being translated: ``name`` (its public name), ``args`` (bound, see ``bind``),
    ``out`` (what it returned, computed by ferrograd) and the recorder, whose graph receives
    the nodes."""

    def __init__(self, recorder, name: str, args: dict, out, leaves: list):
        self.recorder = recorder
        self.graph = recorder.graph
        self.opset = recorder.graph.opset
        self.name = name
        self.args = args
        self.out = out
        self.leaves = leaves  # the tensors in ``out``, in order
        self.dims_out: dict[int, tuple] = {}

    # -- arguments ------------------------------------------------------------------------

    def arg(self, key, default=None):
        """An argument by name, or by position (an int)."""
        if isinstance(key, int):
            key = f"#{key}"
        return self.args.get(key, default)

    def unsupported(self, why: str):
        raise UnsupportedOperatorError(
            f"Exporting the operator '{self.name}'{self.recorder.where()} to ONNX opset version "
            f"{self.opset} is not supported: {why}."
        )

    # -- values ---------------------------------------------------------------------------

    def value(self, x, dtype=None) -> str:
        """The graph value of a tensor argument, or of a Python number as a constant of the
        ferrograd/NumPy dtype ``dtype``."""
        return self.recorder.value(x, dtype, self)

    def dims(self, x) -> tuple:
        return self.recorder.dims(x)

    def sizes(self, x) -> list:
        """The sizes of a tensor argument: ints, and ``SymInt`` s for dynamic dimensions."""
        return self.recorder.sizes(x)

    def rank(self, x) -> int:
        return len(x._shape)

    def vector(self, sizes) -> str:
        """A 1-D int64 value holding ``sizes`` (ints and ``SymInt`` s)."""
        return self.recorder.vector(sizes)

    def scalar(self, size) -> str:
        """A 0-d int64 value holding one size (an int or a ``SymInt``)."""
        return self.recorder.scalar(size)

    # -- emitting --------------------------------------------------------------------------

    def op(self, op_type: str, *inputs, outputs: int = 1, **attrs):
        return self.graph.op(op_type, *inputs, outputs=outputs, **attrs)

    def literal(self, value, dtype) -> str:
        return self.graph.literal(value, dtype)

    def int64s(self, values) -> str:
        return self.graph.int64s(values)

    def cast(self, name: str, source, target) -> str:
        """``name`` cast from dtype ``source`` to dtype ``target`` (ferrograd or NumPy
        dtypes); no node when they are equal."""
        source = np.dtype(source) if isinstance(source, np.dtype) else numpy_dtype(source)
        target = np.dtype(target) if isinstance(target, np.dtype) else numpy_dtype(target)
        if source == target:
            return name
        from ._graph import onnx_type

        return self.op("Cast", name, to=onnx_type(target))

    def as_dtype(self, x, target) -> str:
        """The value of ``x`` (a tensor or a number) in dtype ``target``."""
        if isinstance(x, (bool, int, float)) and not isinstance(x, SymInt):
            return self.value(x, target)
        if isinstance(x, SymInt):
            return self.cast(self.scalar(x), np.dtype(np.int64), target)
        return self.cast(self.value(x), x.dtype, target)

    def set_dims(self, index: int, dims) -> None:
        """The dynamic dimensions of result ``index`` (``None``: fixed, ``Dynamic``: not)."""
        self.dims_out[index] = tuple(dims)

    # -- rules for dynamic dimensions -----------------------------------------------------

    def same_dims(self, x, index: int = 0) -> None:
        self.set_dims(index, self.dims(x))

    def broadcast_dims(self, *xs, index: int = 0) -> None:
        rank = len(self.leaves[index]._shape)
        dims = [None] * rank
        for x in xs:
            if not hasattr(x, "_shape"):
                continue
            own = self.dims(x)
            for k, d in enumerate(own):
                position = rank - len(own) + k
                if d is None or dims[position] is d:
                    continue
                # two different dynamic sizes meet: the result is one of them, not known which
                dims[position] = d if dims[position] is None else Dynamic()
        self.set_dims(index, dims)

    def sizes_dims(self, sizes, index: int = 0, like=None) -> None:
        """Dimensions given by ``sizes``: a ``SymInt`` is dynamic, an int fixed; -1 (inferred)
        is dynamic when ``like`` (the input) has a dynamic dimension."""
        unknown = like is not None and is_dynamic(self.dims(like))
        self.set_dims(
            index,
            [
                s.dim if isinstance(s, SymInt) else (Dynamic() if s == -1 and unknown else None)
                for s in sizes
            ],
        )


def any_dynamic(recorder, values) -> bool:
    """Whether any tensor or size among ``values`` (looking into lists and tuples) is
    dynamic."""
    for v in values:
        if isinstance(v, SymInt):
            return True
        if isinstance(v, (list, tuple)):
            if any_dynamic(recorder, v):
                return True
        elif hasattr(v, "_shape") and is_dynamic(recorder.dims(v)):
            return True
    return False
