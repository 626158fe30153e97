"""Graph nodes as Python objects (``tensor.grad_fn``): ``name()``, ``next_functions``, the
values saved for backward (``_saved_self``, ``_saved_other``, ``_saved_result``, ...). Each node
type shows as its PyTorch class name, e.g. ``type(z.grad_fn).__name__ == "MulBackward0"``.
Also ``saved_tensors_hooks`` and ``save_on_cpu``: hooks applied to every value an operation
saves for backward."""

from __future__ import annotations

import functools

from .. import _core
from ._hook_results import named_like, node_hook_result

__all__ = ["Node", "node_from_handle", "render", "save_on_cpu", "saved_tensors_hooks", "to_dot"]

#: What ``name()`` says for a leaf's node: PyTorch's C++ class name (its Python type is
#: ``AccumulateGrad``).
ACCUMULATE_GRAD = "torch::autograd::AccumulateGrad"


class Node:
    """A node of the backward graph."""

    __slots__ = ("_n",)

    def name(self) -> str:
        return self._n.name()

    @property
    def next_functions(self) -> tuple:
        """``((node or None, input slot), ...)``: where this node sends each input's gradient."""
        return tuple((node_from_handle(n), nr) for n, nr in self._n.next_functions)

    def register_hook(self, hook):
        """Calls ``hook(grad_inputs, grad_outputs)`` after this node ran; a returned tuple
        replaces ``grad_inputs``."""
        from ..utils.hooks import RemovableHandle

        def call(grad_inputs, grad_outputs):
            result = hook(tuple(grad_inputs), tuple(grad_outputs))
            return node_hook_result(result, len(grad_inputs))

        return RemovableHandle(self._n, self._n.register_hook(named_like(call, hook)))

    def register_prehook(self, hook):
        """Calls ``hook(grad_outputs)`` before this node runs; a returned tuple replaces them."""
        from ..utils.hooks import RemovableHandle

        def call(grad_outputs):
            return node_hook_result(hook(tuple(grad_outputs)), len(grad_outputs))

        return RemovableHandle(self._n, self._n.register_prehook(named_like(call, hook)))

    @property
    def variable(self):
        """The leaf tensor of an ``AccumulateGrad`` node (``AttributeError`` on other nodes, as
        in PyTorch; ``None`` once the leaf is gone)."""
        if self.name() != ACCUMULATE_GRAD:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute 'variable'")

        return self._n.variable()

    def __getattr__(self, name: str):
        """``_saved_<name>``: a value this node saved for its backward, under PyTorch's name
        (None when the node did not need it); an error once backward has freed it."""
        if name.startswith("_saved_"):
            names = _saved_names().get(self.name())
            if names is not None and name[len("_saved_") :] in names:
                return self._n.saved_tensors()[names.index(name[len("_saved_") :])]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def saved_shapes(self) -> list:
        """The shapes of the values this node saved for its backward (empty once released)."""
        return [tuple(s) for s in self._n.saved_shapes()]

    def __eq__(self, other) -> bool:
        return isinstance(other, Node) and self._n.key() == other._n.key()

    def __hash__(self) -> int:
        return hash(self._n.key())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"


@functools.cache
def _saved_names() -> dict[str, tuple[str, ...]]:
    """PyTorch's names for the saved slots of each node class, in the order the node saves
    them: the op table's rows (one slot for a unary row, the operands for a binary one), and
    the other nodes whose slots are known to hold what PyTorch's hold."""
    names: dict[str, tuple[str, ...]] = {
        "SoftmaxBackward0": ("result",),
        "LogSoftmaxBackward0": ("result",),
        "LogsumexpBackward0": ("self", "result"),
        "CumprodBackward0": ("self", "result"),
        "LogcumsumexpBackward0": ("self", "result"),
        "CummaxBackward0": ("indices",),
        "CumminBackward0": ("indices",),
        "GatherBackward0": ("index",),
        "IndexSelectBackward0": ("index",),
        "WhereBackward0": ("condition",),
        "DotBackward0": ("self", "tensor"),
        "MvBackward0": ("self", "vec"),
    }
    for row in _core._op_table():
        if row["inputs"] == 1:
            saves = row["saves"]
            names[row["node"]] = {"input": ("self",), "output": ("result",)}.get(saves, ())
        else:
            second = "exponent" if row["node"].startswith("Pow") else "other"
            names.setdefault(row["node"], ("self", second))
    return names


class saved_tensors_hooks:
    """Within the ``with`` block, every value an operation saves for backward (on this
    thread) goes through ``pack_hook(tensor)``, whose result is kept instead, and comes back
    through ``unpack_hook(packed)`` when backward needs it. The innermost hooks apply. An
    output saved by its own node is packed without its history (it gets it back on unpack),
    and packed values are not checked against later in-place changes."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        _core.push_saved_tensor_hooks(self.pack_hook, self.unpack_hook)
        return self

    def __exit__(self, *exc) -> None:
        _core.pop_saved_tensor_hooks()


class save_on_cpu(saved_tensors_hooks):
    """Saved values are moved to the host when saved and back to their device when backward
    needs them (for GPU memory); ``pin_memory`` is accepted for PyTorch's signature (host
    memory is not pinned)."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda"):
        def pack(tensor):
            return tensor.device, tensor.cpu()

        def unpack(packed):
            device, tensor = packed
            return tensor.to(device)

        super().__init__(pack, unpack)


_NODE_TYPES: dict[str, type] = {}


def node_from_handle(handle):
    """Wraps an engine node in the ``Node`` subclass named after its operation."""
    if handle is None:
        return None
    name = handle.name()
    cls = _NODE_TYPES.get(name)
    if cls is None:
        # a C++ node's name is qualified (``torch::autograd::AccumulateGrad``), its class not
        cls = _NODE_TYPES[name] = type(name.rpartition("::")[2], (Node,), {"__slots__": ()})
    node = object.__new__(cls)
    node._n = handle
    return node


# ----------------------------------------------------------------------------- drawing


def _shape_label(shape) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ")"


def _quote(text: str) -> str:
    """A DOT string literal (newlines become DOT's ``\\n`` line breaks)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_id(node) -> str:
    index, generation = node._n.key()
    return f"node_{index}_{generation}"


def to_dot(tensor, show_saved: bool = True) -> str:
    """The backward graph ending at ``tensor`` (a Tensor, or a sequence of Tensors) as Graphviz
    DOT source, in the style of torchviz: the output tensor (green, labelled with its shape), one
    box per node named like ``MulBackward0``, leaves as their ``AccumulateGrad`` node (blue,
    labelled with the leaf's shape), and, with ``show_saved``, the values each node saved for
    its backward (orange, with their shapes; dashed links). Edges point from inputs towards the
    output, as the forward computation ran. Walks the graph with a stack, so deep graphs are fine.
    """
    from .._base import TensorBase

    roots = [tensor] if isinstance(tensor, TensorBase) else list(tensor)
    lines = [
        "digraph {",
        '\tgraph [size="12,12"]',
        "\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box "
        "style=filled]",
    ]
    stack = []
    for i, root in enumerate(roots):
        root_id = f"tensor_{i}"
        color = (
            "darkolivegreen1" if root.grad_fn is not None or not root.requires_grad else "lightblue"
        )
        lines.append(f"\t{root_id} [label={_quote(_shape_label(root.shape))} fillcolor={color}]")
        if root.grad_fn is not None:
            lines.append(f"\t{_dot_id(root.grad_fn)} -> {root_id}")
            stack.append(root.grad_fn)
    seen: set = set()
    while stack:
        node = stack.pop()
        node_id = _dot_id(node)
        if node_id in seen:
            continue
        seen.add(node_id)
        name = type(node).__name__
        if node.name() == ACCUMULATE_GRAD:
            leaf = node._n.variable()
            label = name if leaf is None else f"{name}\n{_shape_label(leaf.shape)}"
            lines.append(f"\t{node_id} [label={_quote(label)} fillcolor=lightblue]")
        else:
            lines.append(f"\t{node_id} [label={_quote(name)}]")
            if show_saved:
                for k, shape in enumerate(node.saved_shapes()):
                    saved_id = f"{node_id}_saved_{k}"
                    label = f"saved {k}\n{_shape_label(shape)}"
                    lines.append(f"\t{saved_id} [label={_quote(label)} fillcolor=orange]")
                    lines.append(f"\t{saved_id} -> {node_id} [dir=none style=dashed]")
        for child, _slot in node.next_functions:
            if child is not None:
                lines.append(f"\t{_dot_id(child)} -> {node_id}")
                stack.append(child)
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(tensor, path, format: str = "svg", show_saved: bool = True) -> str:
    """Draws ``to_dot(tensor)`` into ``path`` (``format`` ``"svg"`` or ``"png"``; the extension
    is added when ``path`` lacks it) with the ``graphviz`` package, and returns the file written.
    Needs ``pip install 'ferrograd[viz]'`` and Graphviz's ``dot`` program."""
    import os

    if format not in ("svg", "png"):
        raise ValueError(f"render: format must be 'svg' or 'png', got {format!r}")
    try:
        import graphviz
    except ImportError as error:
        raise ImportError(
            "ferrograd.autograd.graph.render needs the 'graphviz' Python package (and Graphviz's "
            "'dot' program): pip install 'ferrograd[viz]'. to_dot() returns the DOT source "
            "without it."
        ) from error
    path = os.fspath(path)
    stem, ext = os.path.splitext(path)
    filename = stem if ext.lower() == "." + format else path
    source = graphviz.Source(to_dot(tensor, show_saved=show_saved))
    return source.render(filename=filename, format=format, cleanup=True)
