"""The ONNX graph under construction (nodes, parameters, literal constants) and the passes that
finish it: removing nodes no output needs and folding nodes whose inputs are all constants.

Only this module and ``_export`` touch the ``onnx`` package's objects; the translators ask the
builder for nodes by operator name and attributes."""

from __future__ import annotations

import itertools

import numpy as np
import onnx
from onnx import helper, numpy_helper

INT64_MAX = int(np.iinfo(np.int64).max)

# Operators whose result is not a function of their inputs: never folded.
_RANDOM = {"RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike",
           "Multinomial", "Bernoulli", "Dropout"}  # fmt: skip
# A folded result larger than this many elements (and larger than every input) stays a node, so
# folding never inflates the file (an Expand of a scalar to a large shape, say).
_FOLD_LIMIT = 1 << 16


def numpy_dtype(dtype) -> np.dtype:
    """The NumPy dtype of a ferrograd dtype (``ferrograd.float32`` -> ``float32``)."""
    return np.dtype(str(dtype).rsplit(".", 1)[-1])


def onnx_type(dtype) -> int:
    """The ``TensorProto`` element type of a ferrograd or NumPy dtype."""
    if not isinstance(dtype, np.dtype):
        dtype = numpy_dtype(dtype)
    return helper.np_dtype_to_tensor_dtype(dtype)


class GraphBuilder:
    """Nodes in execution order, with every value name unique. ``scope`` (the module path of the
    code being recorded) prefixes node names, as PyTorch's exporter does."""

    def __init__(self, opset: int):
        self.opset = opset
        self.nodes: list[onnx.NodeProto] = []
        self.literals: dict[str, np.ndarray] = {}
        self.params: dict[str, np.ndarray] = {}
        self.scope = ""
        self._taken: set[str] = set()
        self._counter = itertools.count()
        self._literal_names: dict[tuple, str] = {}

    def unique(self, hint: str) -> str:
        name = hint
        while name in self._taken:
            name = f"{hint}_{next(self._counter)}"
        self._taken.add(name)
        return name

    def reserve(self, name: str) -> str:
        """Claims ``name`` exactly (a graph input's or a parameter's)."""
        if name in self._taken:
            raise ValueError(f"the name '{name}' is used twice in the graph")
        self._taken.add(name)
        return name

    def op(self, op_type: str, *inputs, outputs: int = 1, **attrs):
        """Appends a node and returns its output name (a list of names when ``outputs > 1``).
        ``None`` among the inputs is an omitted optional input; ``None`` attributes are left
        out."""
        prefix = "/" + self.scope.replace(".", "/") if self.scope else ""
        node_name = self.unique(f"{prefix}/{op_type}")
        names = [self.unique(f"{node_name}_output_{i}") for i in range(outputs)]
        attributes = {k: v for k, v in attrs.items() if v is not None}
        node = helper.make_node(
            op_type, ["" if i is None else i for i in inputs], names, name=node_name, **attributes
        )
        self.nodes.append(node)
        return names[0] if outputs == 1 else names

    def literal(self, value, dtype) -> str:
        """A constant of NumPy dtype ``dtype``; equal small constants share one name."""
        array = np.asarray(value, dtype=dtype)
        key = None
        if array.size <= 64:
            key = (array.dtype.str, array.shape, array.tobytes())
            if key in self._literal_names:
                return self._literal_names[key]
        name = self.unique(f"const_{array.dtype.name}")
        self.literals[name] = array
        if key is not None:
            self._literal_names[key] = name
        return name

    def int64s(self, values) -> str:
        """A 1-D int64 constant."""
        return self.literal(np.asarray(list(values), dtype=np.int64).reshape(-1), np.int64)

    def param(self, name: str, array: np.ndarray) -> str:
        self.params[self.reserve(name)] = array
        return name


def prune(nodes: list, outputs: list[str]) -> list:
    """The nodes some output depends on, in their order."""
    needed = set(outputs)
    kept = []
    for node in reversed(nodes):
        if any(o in needed for o in node.output):
            kept.append(node)
            needed.update(i for i in node.input if i)
    kept.reverse()
    return kept


def _evaluate(node, constants: dict, opset: int) -> list[np.ndarray]:
    from onnx.reference import ReferenceEvaluator

    inputs = [
        helper.make_tensor_value_info(name, onnx_type(constants[name].dtype), None)
        for name in dict.fromkeys(i for i in node.input if i)
    ]
    outputs = [helper.make_empty_tensor_value_info(o) for o in node.output]
    graph = helper.make_graph([node], "fold", inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    feeds = {vi.name: constants[vi.name] for vi in inputs}
    return ReferenceEvaluator(model).run(None, feeds)


def fold_constants(nodes: list, constants: dict[str, np.ndarray], opset: int) -> list:
    """Evaluates, once, every node whose inputs are all in ``constants`` (parameters and
    literals): its outputs join ``constants`` and the node goes. Returns the nodes that stay."""
    kept = []
    for node in nodes:
        inputs = [i for i in node.input if i]
        if node.op_type in _RANDOM or not all(i in constants for i in inputs):
            kept.append(node)
            continue
        results = _evaluate(node, constants, opset)
        largest = max((constants[i].size for i in inputs), default=0)
        if any(np.asarray(r).size > max(_FOLD_LIMIT, largest) for r in results):
            kept.append(node)
            continue
        for name, value in zip(node.output, results, strict=True):
            constants[name] = np.asarray(value)
    return kept


def tensor_proto(name: str, array: np.ndarray) -> onnx.TensorProto:
    return numpy_helper.from_array(np.array(array, order="C"), name)


def value_info(name: str, dtype, dims) -> onnx.ValueInfoProto:
    """``dims``: per dimension an int, a symbol name, or None (unknown)."""
    return helper.make_tensor_value_info(name, onnx_type(dtype), list(dims))
