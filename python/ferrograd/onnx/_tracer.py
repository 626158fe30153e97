"""Recording a forward pass as an ONNX graph.

The model runs once, for real, on tensors of the class ``Traced``: ferrograd tensors that also
carry the name of the graph value that holds them. A ``Recorder`` (a ``TorchFunctionMode``)
sees every public ferrograd function the forward pass calls and, because ``Traced`` defines
``__torch_function__``, every Tensor method and operator called on a traced tensor. For each
call it computes the result with ferrograd (on plain tensors), finds the call's translation
(``_registry``), which emits the ONNX nodes, and returns the result as ``Traced`` tensors named
after those nodes' outputs. Calls are recorded at the level they are made: ``F.layer_norm`` is
one ``LayerNormalization`` node, not the arithmetic ferrograd computes it with; functions that
are not public (attention's Python code, say) are traced through, into the public calls they
make. A few modules are recorded whole, as one ONNX construct (``nn.LSTM`` as ``LSTM``), since
tracing their Python loop would fix the sequence length in the graph.

What keeps the graph faithful:

* the parameters and buffers of the model are swapped for ``Traced`` aliases while it runs (so
  methods called on them are recorded too) and become initializers named by their state-dict
  keys;
* sizes of dynamic dimensions are ``SymInt`` s (see ``_symbolic``);
* a tensor that reaches a recorded call without having been recorded is accepted only if it
  existed before the export started (a constant the model holds, made by code the trace does
  not concern); one made during the export behind the recorder's back (by a ``_core`` call, a
  NumPy round trip, ...) stops the export with an error rather than being frozen into the
  graph as a constant;
* reading the values of a tensor computed from the inputs (``bool(t)``, ``t.item()``,
  ``t.tolist()``) stops the export: the graph could not follow what Python does with them;
* in-place operations rebind the traced tensor to the new value, and are refused on tensors
  that share memory with another traced tensor (a view), whose value the graph would not
  update.
"""

from __future__ import annotations

import contextlib
import weakref

import numpy as np

from .. import _core
from .._base import TensorBase
from .._mixins.shape import check_size_dim
from .._size import Size
from .._tensor import Tensor
from ..overrides import TorchFunctionMode, aliases, disable_subclass_dispatch, resolve_name
from . import _registry
from ._graph import numpy_dtype
from ._symbolic import Dynamic, SymInt, is_dynamic
from .errors import OnnxExporterError, UnsupportedOperatorError

# Calls that return facts about a tensor, not its values: allowed on any traced tensor.
_METADATA = {
    f"Tensor.{name}"
    for name in (
        "is_floating_point is_complex is_signed dim ndimension stride is_contiguous element_size "
        "get_device is_inference storage_offset data_ptr is_same_size type untyped_storage "
        "is_shared is_pinned"
    ).split()
} | {"ferrograd.is_tensor", "ferrograd.is_floating_point", "ferrograd.is_complex",
     "ferrograd.result_type", "ferrograd.is_storage", "ferrograd.get_device",
     "ferrograd.is_inference"}  # fmt: skip
_INPLACE_DUNDERS = {
    f"__i{op}__" for op in "add sub mul truediv floordiv mod pow and or xor".split()
}


class Traced(Tensor):
    """A tensor of the traced forward pass. Besides its value it carries ``_onnx_name`` (the
    graph value holding it), ``_onnx_dims`` (which dimensions are dynamic) and ``_onnx_dep``
    (whether its values depend on the model's inputs)."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        # reached only while no recorder is listening (a translation reading an argument, a
        # module recorded whole computing its result): compute as a plain tensor would
        with disable_subclass_dispatch():
            return func(*args, **(kwargs or {}))

    def _recorder(self):
        recorder = getattr(self, "_onnx_recorder", None)
        return recorder if recorder is not None and recorder.active else None

    def _sizes(self) -> list:
        recorder = self._recorder()
        return recorder.sizes(self) if recorder is not None else list(self._shape)

    @property
    def shape(self) -> Size:
        return Size(self._sizes())

    def size(self, dim=None):
        if dim is None:
            return Size(self._sizes())
        check_size_dim(dim, len(self._shape))
        return self._sizes()[dim]

    def __len__(self) -> int:
        if not self._shape:
            raise TypeError("len() of a 0-d tensor")
        return self._sizes()[0]

    def numel(self):
        total = 1
        for s in self._sizes():
            total = total * s
        return total

    nelement = numel

    def __iter__(self):
        recorder = self._recorder()
        if recorder is not None and self._shape and recorder.dims(self)[0] is not None:
            raise OnnxExporterError(
                f"iterating over a tensor's dynamic first dimension{recorder.where()} would "
                "fix its length in the exported graph"
            )
        if not self._shape:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def _read(self, what: str) -> None:
        recorder = self._recorder()
        if recorder is not None and getattr(self, "_onnx_dep", False):
            recorder.refuse_read(what)

    def __bool__(self):
        self._read("bool()")
        return super().__bool__()

    def __int__(self):
        self._read("int()")
        return super().__int__()

    def __float__(self):
        self._read("float()")
        return super().__float__()

    def __index__(self):
        self._read("using it as an index")
        return super().__index__()

    def __array__(self, *args, **kwargs):
        self._read("conversion to a NumPy array")
        return super().__array__(*args, **kwargs)

    def item(self):
        self._read("Tensor.item()")
        return super().item()

    def tolist(self):
        self._read("Tensor.tolist()")
        return super().tolist()

    def numpy(self, *, force: bool = False):
        self._read("Tensor.numpy()")
        return super().numpy(force=force)


def _tensor_leaves(value, out: list) -> None:
    if isinstance(value, TensorBase):
        out.append(value)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _tensor_leaves(item, out)
    elif isinstance(value, dict):
        for item in value.values():
            _tensor_leaves(item, out)


def _map(value, fn):
    """``value`` with ``fn`` applied to everything in it that is not a list, tuple or dict
    (those are rebuilt, named tuples included)."""
    if isinstance(value, TensorBase):
        return fn(value)
    if isinstance(value, list):
        return [_map(v, fn) for v in value]
    if isinstance(value, tuple):
        items = [_map(v, fn) for v in value]
        if hasattr(value, "_fields"):
            return type(value)(*items)
        return type(value)(items) if type(value) is not tuple else tuple(items)
    if isinstance(value, dict):
        return type(value)((k, _map(v, fn)) for k, v in value.items())
    return fn(value)


def _rebuild(value, replace):
    """``value`` with each tensor ``t`` in it replaced by ``replace(t)``."""
    return _map(value, lambda v: replace(v) if isinstance(v, TensorBase) else v)


class Recorder(TorchFunctionMode):
    """Turns the calls of one forward pass into nodes of ``graph`` (see the module docs)."""

    def __init__(self, graph, snapshot: set[int]):
        self.graph = graph
        self.active = False
        self.scopes: list[tuple[str, str]] = []
        self._snapshot = snapshot
        self._params: dict[int, str] = {}  # id(parameter or its alias) -> initializer name
        self._constants: dict[int, str] = {}
        self._traced: list[weakref.ref] = []
        self._symints: dict[tuple[str, int], SymInt] = {}

    # -- where we are ----------------------------------------------------------------------

    def where(self) -> str:
        """`` in module 'path' (Class)`` for messages; empty at the top level."""
        for path, cls in reversed(self.scopes):
            if path:
                return f" in module '{path}' ({cls})"
        return f" in the model's forward ({self.scopes[0][1]})" if self.scopes else ""

    def refuse_read(self, what: str):
        raise OnnxExporterError(
            f"{what}{self.where()} reads the values of a tensor computed from the model's "
            "inputs; the exported graph cannot follow Python code that depends on them "
            "(branch on shapes, or compute with tensor operations instead)"
        )

    # -- traced values ----------------------------------------------------------------------

    def wrap(self, tensor, name: str, dims, dep: bool) -> Traced:
        traced = _core.TensorImpl.__new__(Traced, tensor)
        self.label(traced, name, dims, dep)
        self._traced.append(weakref.ref(traced))
        return traced

    def label(self, traced, name: str, dims, dep: bool) -> None:
        traced._onnx_recorder = self
        traced._onnx_name = name
        traced._onnx_dims = tuple(dims)
        traced._onnx_dep = dep

    def add_parameter(self, tensor, name: str) -> Traced:
        """A ``Traced`` alias of a parameter or buffer, its values stored as the initializer
        ``name``."""
        array = tensor.detach().cpu().numpy().copy()
        self.graph.param(name, array)
        alias = self.wrap(tensor, name, [None] * array.ndim, False)
        self._params[id(tensor)] = name
        self._params[id(alias)] = name
        return alias

    def _plain(self, traced) -> Tensor:
        """The plain tensor (same elements) a traced one is computed with, one per tensor, so
        identity tests in the code computing results still hold."""
        plain = traced.__dict__.get("_onnx_plain")
        if plain is None:
            plain = traced._onnx_plain = _core.TensorImpl.__new__(Tensor, traced)
        return plain

    def unwrap(self, value):
        """``value`` as ferrograd computes with it: plain tensors and ints."""

        def plain(v):
            if isinstance(v, Traced):
                return self._plain(v)
            return int(v) if isinstance(v, SymInt) else v

        return _map(value, plain)

    def dims(self, x) -> tuple:
        if isinstance(x, Traced) and getattr(x, "_onnx_recorder", None) is self:
            return x._onnx_dims
        return (None,) * len(x._shape)

    def depends(self, values) -> bool:
        """Whether any traced tensor among ``values`` holds values computed from the inputs."""
        found: list = []
        _tensor_leaves(list(values), found)
        return any(getattr(t, "_onnx_dep", False) for t in found if isinstance(t, Traced))

    def value(self, x, dtype=None, call=None) -> str:
        """The graph value of ``x``: a traced tensor's name, a parameter's initializer, a
        constant made of a tensor that existed before the export, or a number as a constant of
        ``dtype``."""
        if isinstance(x, Traced):
            if getattr(x, "_onnx_recorder", None) is self and x._onnx_name is not None:
                return x._onnx_name
            self._unrecorded(call)
        if isinstance(x, TensorBase):
            key = id(x)
            if key in self._params:
                return self._params[key]
            if key in self._constants:
                return self._constants[key]
            if key in self._snapshot:
                name = self.graph.literal(x.detach().cpu().numpy().copy(), numpy_dtype(x.dtype))
                self._constants[key] = name
                return name
            self._unrecorded(call)
        if isinstance(x, SymInt):
            name = self.scalar(x)
            return name if dtype is None else call.cast(name, numpy_dtype("int64"), dtype)
        if isinstance(x, (bool, int, float)):
            if dtype is None:
                raise TypeError(f"a number ({x!r}) needs a dtype to become a graph constant")
            target = dtype if isinstance(dtype, np.dtype) else numpy_dtype(dtype)
            return self.graph.literal(x, target)
        raise TypeError(f"cannot use {type(x).__name__} as a graph value")

    def _unrecorded(self, call):
        what = f"'{call.name}'{self.where()} received" if call is not None else "the model returned"
        raise OnnxExporterError(
            f"{what} a tensor that was computed during the export without passing through "
            "ferrograd's public functions (a private or `_core` call, an operation on a tensor "
            "the model made that way, ...); the exporter cannot tell how it depends on the "
            "inputs and will not freeze it into the graph as a constant"
        )

    # -- sizes -----------------------------------------------------------------------------

    def sizes(self, x) -> list:
        dims = self.dims(x)
        shape = list(x._shape)
        if not is_dynamic(dims):
            return shape
        name = self.value(x)
        out = []
        for axis, (size, dim) in enumerate(zip(shape, dims, strict=True)):
            if dim is None:
                out.append(size)
                continue
            key = (name, axis)
            sym = self._symints.get(key)
            if sym is None:

                def make(name=name, axis=axis):
                    return self.graph.op("Shape", name, start=axis, end=axis + 1)

                sym = self._symints[key] = SymInt(size, self, make, dim)
            out.append(sym)
        return out

    def size_value(self, size) -> str:
        """A size as a 1-D int64 value of one element."""
        if isinstance(size, SymInt):
            return size.onnx()
        return self.graph.int64s([int(size)])

    def vector(self, sizes) -> str:
        sizes = list(sizes)
        if not any(isinstance(s, SymInt) for s in sizes):
            return self.graph.int64s([int(s) for s in sizes])
        parts, run = [], []
        for s in sizes:
            if isinstance(s, SymInt):
                if run:
                    parts.append(self.graph.int64s(run))
                    run = []
                parts.append(s.onnx())
            else:
                run.append(int(s))
        if run:
            parts.append(self.graph.int64s(run))
        return parts[0] if len(parts) == 1 else self.graph.op("Concat", *parts, axis=0)

    def scalar(self, size) -> str:
        if isinstance(size, SymInt):
            return self.graph.op("Squeeze", size.onnx(), self.graph.int64s([0]))
        return self.graph.literal(int(size), numpy_dtype("int64"))

    # -- the mode --------------------------------------------------------------------------

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        names = aliases(func) if resolve_name(func) else [getattr(func, "__qualname__", "?")]
        result = func(*self.unwrap(args), **self.unwrap(kwargs))
        leaves: list = []
        _tensor_leaves(result, leaves)
        if not leaves:
            if names[0] == "ferrograd.numel" and isinstance(args[0], Traced):
                return args[0].numel()
            if not any(n in _METADATA for n in names) and self.depends((args, kwargs)):
                self.refuse_read(f"'{names[0]}'")
            if _holds(result, int) and _holds((args, kwargs), SymInt):
                # sizes computed from dynamic sizes outside the graph (broadcast_shapes, say)
                raise UnsupportedOperatorError(
                    f"'{names[0]}'{self.where()} computes sizes from dynamic dimensions outside "
                    "the graph, which would fix them in it"
                )
            return result
        return self._record(func, names, args, kwargs, result, leaves)

    def _record(self, func, names, args, kwargs, result, leaves):
        name = names[0]
        translate = _registry.find(names)
        if translate is None:
            translate = _registry.find(b for b in map(_functional_name, names) if b)
        if translate is None:
            raise UnsupportedOperatorError(
                f"Exporting the operator '{name}'{self.where()} to ONNX opset version "
                f"{self.graph.opset} is not supported: it has no ONNX translation in "
                "ferrograd.onnx"
            )
        if kwargs.get("out") is not None:
            raise UnsupportedOperatorError(f"'{name}'{self.where()}: out= cannot be exported")
        try:
            bound = _registry.bind(_binding_target(func, name), args, kwargs)
        except TypeError as error:
            raise UnsupportedOperatorError(
                f"'{name}'{self.where()}: its arguments could not be read for export ({error})"
            ) from error
        target = None
        if _functional_name(name) is not None or bound.get("inplace") is True:
            target = args[0] if args else bound.get("input")
            if not isinstance(target, Traced):
                raise OnnxExporterError(
                    f"the in-place operation '{name}'{self.where()} writes to a tensor the "
                    "exporter does not trace (a constant held by the model)"
                )
            self._check_inplace(target, name)
        call = _registry.Call(self, name, bound, result, leaves)
        produced = translate(call)
        if isinstance(produced, str):
            produced = [produced]
        produced = list(produced)
        if len(produced) != len(leaves):  # pragma: no cover - a translation's own error
            raise OnnxExporterError(
                f"the translation of '{name}' gave {len(produced)} values for {len(leaves)} results"
            )
        dynamic = _registry.any_dynamic(self, bound.values())
        dep = self.depends((args, kwargs))
        inputs = {id(self._plain(a)): a for a in _traced_in((args, kwargs))}
        replaced: dict[int, object] = {}
        for index, (leaf, value_name) in enumerate(zip(leaves, produced, strict=True)):
            dims = call.dims_out.get(index)
            if dims is None:
                dims = [Dynamic() if dynamic else None] * len(leaf._shape)
            if index == 0 and target is not None:
                self.label(target, value_name, dims, dep)
                replaced[id(leaf)] = target
            elif id(leaf) in inputs:
                # the call returned one of its inputs unchanged (``x.to(x.dtype)``)
                replaced[id(leaf)] = inputs[id(leaf)]
            else:
                replaced[id(leaf)] = self.wrap(leaf, value_name, dims, dep)
        return _rebuild(result, lambda t: replaced[id(t)])

    def _check_inplace(self, target, name: str) -> None:
        storage = target._memory()[1]
        for ref in self._traced:
            other = ref()
            if other is None or other is target:
                continue
            if other._memory()[1] == storage:
                raise OnnxExporterError(
                    f"the in-place operation '{name}'{self.where()} writes to a tensor that "
                    "shares memory with another one (a view); the exported graph would not see "
                    "the write through the other tensor. Use the out-of-place operation"
                )

    # -- modules ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def instrument(self, model):
        """While active: the model's parameters and buffers are ``Traced`` aliases, and each
        submodule's forward records its module path (for node names and messages), or, for the
        modules recorded whole, records that module."""
        restore: list = []
        aliases_by_id: dict[int, Traced] = {}
        try:
            for path, module in model.named_modules():
                for store in (module._parameters, module._buffers):
                    for key, tensor in list(store.items()):
                        if tensor is None:
                            continue
                        alias = aliases_by_id.get(id(tensor))
                        if alias is None:
                            full = f"{path}.{key}" if path else key
                            alias = aliases_by_id[id(tensor)] = self.add_parameter(tensor, full)
                        restore.append((store, key, tensor))
                        store[key] = alias
                own = module.__dict__.get("forward")
                original = own if own is not None else type(module).forward.__get__(module)
                restore.append((module, "forward", own))
                object.__setattr__(module, "forward", self._scoped(path, module, original))
            yield
        finally:
            for target, key, previous in reversed(restore):
                if isinstance(target, dict):
                    target[key] = previous
                elif previous is None:
                    del target.__dict__[key]
                else:
                    object.__setattr__(target, key, previous)

    def _scoped(self, path: str, module, original):
        translate = _module_translation(module)

        def forward(*args, **kwargs):
            self.scopes.append((path, type(module).__name__))
            outer = self.graph.scope
            self.graph.scope = path
            try:
                if translate is not None:
                    return translate(self, module, original, args, kwargs)
                return original(*args, **kwargs)
            finally:
                self.scopes.pop()
                self.graph.scope = outer

        return forward

    @contextlib.contextmanager
    def suspended(self):
        """Not recording: calls compute plain results (a module recorded whole uses this to
        compute its output)."""
        self.__exit__(None, None, None)
        try:
            yield
        finally:
            self.__enter__()


def _holds(value, kind) -> bool:
    """Whether ``value`` is, or holds in its lists, tuples and dicts, a ``kind`` (not a
    bool)."""
    found = []
    _map(value, lambda v: found.append(v) if isinstance(v, kind) and not isinstance(v, bool) else v)
    return bool(found)


def _traced_in(values) -> list:
    found: list = []
    _tensor_leaves(values, found)
    return [t for t in found if isinstance(t, Traced)]


def _functional_name(name: str) -> str | None:
    """The out-of-place form of an in-place operation's name (``Tensor.add_`` ->
    ``Tensor.add``, ``Tensor.__iadd__`` -> ``Tensor.__add__``), or None."""
    head, _, short = name.rpartition(".")
    if short in _INPLACE_DUNDERS:
        return f"{head}.__{short[3:]}"
    if short.endswith("_") and not short.endswith("__"):
        return f"{head}.{short[:-1]}"
    return None


def _binding_target(func, name: str):
    """What to bind a call's arguments against: the Tensor method for the module-level forms
    of methods (``ferrograd.exp(x)`` is ``x.exp()``, with the method's parameters)."""
    if getattr(func, "__module__", None) == "ferrograd._functional":
        method = getattr(Tensor, name.rpartition(".")[2], None)
        if method is not None:
            return getattr(method, "__wrapped__", method)
    return func


def _module_translation(module):
    for cls in type(module).__mro__:
        translate = _registry.MODULE_TRANSLATIONS.get(cls)
        if translate is not None:
            # only when the module runs that class's own forward
            if type(module).forward is cls.forward:
                return translate
            return None
    return None
