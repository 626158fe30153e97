"""``export``: checking the arguments as PyTorch does, running the trace, and assembling,
folding, checking and writing the ONNX model."""

from __future__ import annotations

import contextlib
import enum
import gc
import inspect
import os
import warnings
from collections.abc import Mapping

from .._base import TensorBase
from ..autograd import no_grad
from ..overrides import tensor_methods_dispatch
from .errors import OnnxExporterError

MIN_OPSET = 17
_TWO_GIGABYTES = 2**31


class TrainingMode(enum.IntEnum):
    """The mode the model is exported in: ``EVAL`` (the default; dropout off, batch norm on its
    running statistics), ``PRESERVE`` (as it is) or ``TRAINING``."""

    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


_exporting = [False]


def is_in_onnx_export() -> bool:
    """Whether an ``export`` is running (its forward pass is being recorded)."""
    return _exporting[0]


def _import_onnx():
    try:
        import onnx
    except ImportError as error:
        raise OnnxExporterError(
            "Module onnx is not installed! ferrograd.onnx.export needs it: "
            "pip install 'ferrograd[onnx]'"
        ) from error
    return onnx


def _check_file(f) -> None:
    if f is None or isinstance(f, (str, os.PathLike)):
        return
    if callable(getattr(f, "write", None)):
        return
    raise TypeError(
        f"export(): f must be a file path (str or os.PathLike) or a binary file object, not "
        f"{type(f).__name__}"
    )


def _check_names(names, what: str) -> list[str] | None:
    if names is None:
        return None
    if isinstance(names, str) or not all(isinstance(n, str) for n in names):
        raise TypeError(f"export(): {what} must be a list of strings, got {names!r}")
    names = list(names)
    if len(set(names)) != len(names):
        raise ValueError(f"export(): {what} has duplicates: {names}")
    return names


def _opset(onnx, opset_version) -> int:
    newest = onnx.defs.onnx_opset_version()
    if opset_version is None:
        return newest
    if isinstance(opset_version, bool) or not isinstance(opset_version, int):
        raise TypeError(
            f"export(): opset_version must be an int, not {type(opset_version).__name__}"
        )
    if not MIN_OPSET <= opset_version <= newest:
        raise RuntimeError(
            f"Unsupported onnx_opset_version: {opset_version} (ferrograd exports opsets "
            f"{MIN_OPSET} to {newest}, the newest the installed onnx package knows)"
        )
    return opset_version


def _input_tensors(model, args: tuple, kwargs: dict) -> list[tuple[TensorBase, str]]:
    """The tensors among the arguments (looking into lists, tuples and dicts), in order, each
    with a default name: the forward parameter it is passed as (``x``, ``hidden_0``)."""
    found: list[tuple[TensorBase, str]] = []

    def visit(value, hint: str) -> None:
        if isinstance(value, TensorBase):
            found.append((value, hint))
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                visit(item, f"{hint}_{i}")
        elif isinstance(value, dict):
            for key, item in value.items():
                visit(item, f"{hint}_{key}")

    try:
        parameters = list(inspect.signature(model.forward).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    positional = [
        p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    for i, value in enumerate(args):
        visit(value, positional[i] if i < len(positional) else f"input_{i}")
    for key, value in kwargs.items():
        visit(value, key)
    return found


def _dynamic_axes(dynamic_axes, names: dict, warn: bool = True) -> dict[str, dict[int, str]]:
    """``dynamic_axes`` as ``{value name: {axis: symbol}}``; ``names`` maps the inputs' and
    outputs' names to their ranks (None: not known yet, for outputs)."""
    if dynamic_axes is None:
        return {}
    if not isinstance(dynamic_axes, Mapping):
        raise TypeError(
            "export(): dynamic_axes must be a dict of input/output names to a list of axes or a "
            f"dict of axis -> name, not {type(dynamic_axes).__name__}"
        )
    out: dict[str, dict[int, str]] = {}
    for key, value in dynamic_axes.items():
        if key not in names:
            if not warn:
                continue
            warnings.warn(
                f"Provided key {key} for dynamic axes is not a valid input/output name",
                stacklevel=4,
            )
            continue
        if isinstance(value, Mapping):
            axes = dict(value)
        elif isinstance(value, (list, tuple)):
            axes = {axis: f"{key}_dynamic_axes_{i + 1}" for i, axis in enumerate(value)}
        else:
            raise TypeError(
                f"export(): dynamic_axes['{key}'] must be a list of axes or a dict of axis -> "
                f"name, not {type(value).__name__}"
            )
        rank = names[key]
        checked: dict[int, str] = {}
        for axis, symbol in axes.items():
            if isinstance(axis, bool) or not isinstance(axis, int):
                raise TypeError(f"export(): dynamic axis {axis!r} of '{key}' must be an int")
            if not isinstance(symbol, str):
                raise TypeError(
                    f"export(): the name of dynamic axis {axis} of '{key}' must be a string, "
                    f"not {type(symbol).__name__}"
                )
            if rank is not None:
                if not -rank <= axis < rank:
                    raise RuntimeError(
                        f"Dynamic shape axis should be no more than the shape dimension for {key}"
                    )
                axis %= rank
            checked[axis] = symbol
        out[key] = checked
    return out


@contextlib.contextmanager
def _mode(model, training: TrainingMode):
    flags = [(m, m.training) for m in model.modules()]
    if training == TrainingMode.EVAL:
        model.train(False)
    elif training == TrainingMode.TRAINING:
        model.train(True)
    try:
        yield
    finally:
        for module, flag in flags:
            module.training = flag


def _snapshot() -> tuple[set[int], list]:
    """The tensors that exist now (their ids, and the objects, held so the ids stay theirs)."""
    tensors = [o for o in gc.get_objects() if isinstance(o, TensorBase)]
    return {id(t) for t in tensors}, tensors


class ONNXProgram:
    """An exported model: ``model_proto`` (the ``onnx.ModelProto``), ``save(path)``, and calling
    it runs the graph with ONNX Runtime (when installed), returning ferrograd tensors."""

    def __init__(self, model_proto):
        self.model_proto = model_proto

    def save(self, destination) -> None:
        _import_onnx().save_model(self.model_proto, destination)

    def __call__(self, *args):
        import numpy as np

        try:
            import onnxruntime
        except ImportError as error:
            raise OnnxExporterError(
                "running an exported model needs onnxruntime: pip install 'ferrograd[onnx]'"
            ) from error
        from .._creation import from_numpy

        session = onnxruntime.InferenceSession(
            self.model_proto.SerializeToString(), providers=["CPUExecutionProvider"]
        )
        names = [i.name for i in session.get_inputs()]
        feeds = {n: np.asarray(a.detach().numpy()) for n, a in zip(names, args, strict=False)}
        return [from_numpy(np.array(r)) for r in session.run(None, feeds)]

    def __repr__(self) -> str:
        graph = self.model_proto.graph
        return (
            f"ONNXProgram(inputs={[i.name for i in graph.input]}, "
            f"outputs={[o.name for o in graph.output]}, nodes={len(graph.node)})"
        )


def export(
    model,
    args=(),
    f=None,
    *,
    kwargs=None,
    verbose=None,
    input_names=None,
    output_names=None,
    opset_version=None,
    dynamo=True,
    external_data=True,
    dynamic_shapes=None,
    custom_translation_table=None,
    report=False,
    optimize=True,
    verify=False,
    profile=False,
    dump_exported_program=False,
    artifacts_dir=".",
    export_params=True,
    keep_initializers_as_inputs=False,
    dynamic_axes=None,
    training=TrainingMode.EVAL,
    operator_export_type=None,
    do_constant_folding=True,
    custom_opsets=None,
    export_modules_as_functions=False,
    autograd_inlining=True,
):
    """Exports ``model`` to ONNX by running it once on ``args`` (and ``kwargs``) and recording
    what it computes; writes the model to ``f`` (a path or a binary file) unless ``f`` is None,
    and returns an ``ONNXProgram``.

    Like PyTorch's: tensors among ``args`` become the graph's inputs (named ``input_names``,
    else after the forward's parameters), outputs are named ``output_names``;
    ``dynamic_axes`` (``{"x": {0: "batch"}}`` or ``{"x": [0]}``) makes those dimensions
    symbolic, and the graph computes every size that depends on them at run time.
    Parameters and buffers are initializers named by their state-dict keys
    (``export_params=False``: graph inputs instead); ``do_constant_folding`` evaluates nodes
    whose inputs are all constants. ``opset_version`` defaults to the newest the installed
    ``onnx`` supports (17 or newer). The model runs in eval mode unless ``training`` says
    otherwise. The result passes ``onnx.checker.check_model``.

    ``dynamo``, ``report``, ``optimize``, ``profile``, ``dump_exported_program``,
    ``artifacts_dir`` and ``autograd_inlining`` select parts of PyTorch's exporters and have no
    effect here; ``verify=True`` runs the graph with ONNX Runtime and compares its outputs with
    ferrograd's.
    """
    from ..nn import Module

    _check_file(f)
    if not isinstance(model, Module):
        raise TypeError(
            f"export(): model must be a ferrograd.nn.Module, not {type(model).__name__}"
        )
    if dynamic_shapes is not None:
        raise NotImplementedError(
            "export(): dynamic_shapes is not supported; name the dynamic dimensions with "
            "dynamic_axes"
        )
    if custom_translation_table or custom_opsets:
        raise NotImplementedError("export(): custom translations and opsets are not supported")
    if export_modules_as_functions:
        raise NotImplementedError("export(): export_modules_as_functions is not supported")
    if (
        operator_export_type not in (None, 0)
        and getattr(operator_export_type, "name", "") != "ONNX"
    ):
        raise ValueError("export(): only operator_export_type ONNX is supported")
    if isinstance(training, bool):  # the older form: True trains, False evaluates
        training = TrainingMode.TRAINING if training else TrainingMode.EVAL
    training = TrainingMode(training)
    input_names = _check_names(input_names, "input_names")
    output_names = _check_names(output_names, "output_names")
    kwargs = dict(kwargs or {})
    if not isinstance(args, tuple):  # one argument (a tensor, a list, ...), as PyTorch reads it
        args = (args,)
    if args and isinstance(args[-1], dict) and not kwargs:
        args, kwargs = args[:-1], dict(args[-1])

    onnx = _import_onnx()
    opset = _opset(onnx, opset_version)
    model_proto, inputs, outputs = _trace(
        model, args, kwargs, opset, input_names, output_names, dynamic_axes, export_params,
        keep_initializers_as_inputs, do_constant_folding, training,
    )  # fmt: skip
    if verbose:
        print(onnx.helper.printable_graph(model_proto.graph))
    large = model_proto.ByteSize() >= _TWO_GIGABYTES
    if large and not isinstance(f, (str, os.PathLike)):
        raise OnnxExporterError(
            "the model is larger than 2 GB, which a single ONNX file cannot hold; pass a file "
            "path as f so the weights can be written next to it"
        )
    if not large:
        onnx.checker.check_model(model_proto, full_check=True)
    if f is not None:
        if large and external_data:
            location = os.path.basename(os.fspath(f)) + ".data"
            onnx.save_model(model_proto, f, save_as_external_data=True, location=location)
            onnx.checker.check_model(os.fspath(f), full_check=True)
        else:
            onnx.save_model(model_proto, f)
    program = ONNXProgram(model_proto)
    if verify:
        _verify(program, inputs, outputs)
    return program


def _verify(program, inputs, outputs) -> None:
    import numpy as np

    got = program(*inputs)
    for index, (expected, actual) in enumerate(zip(outputs, got, strict=True)):
        a, b = expected.detach().numpy(), actual.numpy()
        if a.shape != b.shape or not np.allclose(a, b, rtol=1e-4, atol=1e-5, equal_nan=True):
            raise OnnxExporterError(
                f"verify: output {index} of the exported graph differs from ferrograd's "
                f"(largest difference {np.max(np.abs(a - b)) if a.shape == b.shape else 'shape'})"
            )


def _trace(model, args, kwargs, opset, input_names, output_names, dynamic_axes, export_params,
           keep_initializers_as_inputs, do_constant_folding, training):  # fmt: skip
    from . import _graph, _ops_math, _ops_nn, _ops_rnn, _ops_shape  # noqa: F401 - translations
    from ._symbolic import Dynamic
    from ._tracer import Recorder, Traced, _rebuild, _tensor_leaves

    graph = _graph.GraphBuilder(opset)
    snapshot, held = _snapshot()
    recorder = Recorder(graph, snapshot)

    found = _input_tensors(model, args, kwargs)
    tensors = [t for t, _ in found]
    if input_names is not None and len(input_names) > len(tensors):
        raise RuntimeError(
            f"number of input names provided ({len(input_names)}) exceeded number of inputs "
            f"({len(tensors)})"
        )
    names = [
        input_names[i] if input_names is not None and i < len(input_names) else hint
        for i, (_, hint) in enumerate(found)
    ]
    declared = {n: len(t._shape) for n, t in zip(names, tensors, strict=True)}
    axes = _dynamic_axes(dynamic_axes, declared, warn=False)

    for name in output_names or []:
        if name in names:
            raise ValueError(f"export(): '{name}' names both an input and an output")
        graph.reserve(name)
    graph_inputs = []
    traced_inputs: dict[int, Traced] = {}
    for tensor, name in zip(tensors, names, strict=True):
        graph.reserve(name)
        symbols = axes.get(name, {})
        dims = [Dynamic(symbols[k]) if k in symbols else None for k in range(len(tensor._shape))]
        traced_inputs[id(tensor)] = recorder.wrap(tensor, name, dims, True)
        shown = [symbols.get(k, s) for k, s in enumerate(tensor._shape)]
        graph_inputs.append(_graph.value_info(name, tensor.dtype, shown))

    def traced(t):
        return traced_inputs.get(id(t), t)

    call_args = _rebuild(args, traced)
    call_kwargs = _rebuild(kwargs, traced)
    _exporting[0] = True
    recorder.active = True
    try:
        # tensor_methods_dispatch: a plain tensor's method given a traced tensor
        # (``constant.where(mask, x)``) reaches the recorder too
        with _mode(model, training), no_grad(), recorder.instrument(model), \
                tensor_methods_dispatch(), recorder:  # fmt: skip
            result = model(*call_args, **call_kwargs)
            leaves: list = []
            _tensor_leaves(result, leaves)
            if output_names is not None and len(output_names) > len(leaves):
                raise RuntimeError(
                    f"number of output names provided ({len(output_names)}) exceeded number of "
                    f"outputs ({len(leaves)})"
                )
            produced = [recorder.value(t) for t in leaves]
            out_dims = [recorder.dims(t) for t in leaves]
            plain_outputs = [recorder.unwrap(t) for t in leaves]
    finally:
        recorder.active = False
        _exporting[0] = False
    del held

    out_names = []
    for i in range(len(leaves)):
        if output_names is not None and i < len(output_names):
            out_names.append(output_names[i])
        else:
            out_names.append("output" if len(leaves) == 1 else f"output_{i}")
    ranks = {n: len(t._shape) for n, t in zip(out_names, leaves, strict=True)}
    axes = _dynamic_axes(dynamic_axes, declared | ranks)
    nodes = _name_outputs(graph, produced, out_names, set(names))
    graph_outputs = []
    for name, leaf, dims in zip(out_names, leaves, out_dims, strict=True):
        symbols = axes.get(name, {})
        shown = []
        for k, (size, dim) in enumerate(zip(leaf._shape, dims, strict=True)):
            if k in symbols:
                shown.append(symbols[k])
            elif dim is None:
                shown.append(int(size))
            else:
                shown.append(dim.name)
        graph_outputs.append(_graph.value_info(name, leaf.dtype, shown))

    model_proto = _assemble(graph, nodes, graph_inputs, graph_outputs, out_names, export_params,
                            keep_initializers_as_inputs, do_constant_folding)  # fmt: skip
    inputs = list(tensors)
    return model_proto, inputs, plain_outputs


def _name_outputs(graph, produced: list[str], out_names: list[str], input_names: set) -> list:
    """The graph's nodes, each output value renamed as asked (through an ``Identity`` where a
    value is an input, a constant, or listed twice)."""
    import onnx.helper as helper

    nodes = list(graph.nodes)
    renamed: dict[str, str] = {}
    producers = {o: n for n in nodes for o in n.output}
    for value, name in zip(produced, out_names, strict=True):
        if value in producers and value not in renamed and value not in input_names:
            renamed[value] = name
        else:
            nodes.append(helper.make_node("Identity", [value], [name], name=f"/Identity_{name}"))
    for node in nodes:
        for i, v in enumerate(node.input):
            if v in renamed:
                node.input[i] = renamed[v]
        for i, v in enumerate(node.output):
            if v in renamed:
                node.output[i] = renamed[v]
    return nodes


def _assemble(graph, nodes, graph_inputs, graph_outputs, out_names, export_params,
              keep_initializers_as_inputs, do_constant_folding):  # fmt: skip
    import onnx.helper as helper

    from .. import __version__
    from . import _graph

    nodes = _graph.prune(nodes, out_names)
    if do_constant_folding:
        constants = dict(graph.literals)
        if export_params:
            constants.update(graph.params)
        nodes = _graph.fold_constants(nodes, constants, graph.opset)
        nodes = _graph.prune(nodes, out_names)
    else:
        constants = dict(graph.literals) | (dict(graph.params) if export_params else {})
    used = {i for n in nodes for i in n.input} | set(out_names)
    initializers = []
    inputs = list(graph_inputs)
    for name, array in constants.items():
        if name in used and (export_params or name not in graph.params):
            initializers.append(_graph.tensor_proto(name, array))
    if not export_params:
        for name, array in graph.params.items():
            if name in used:
                inputs.append(_graph.value_info(name, array.dtype, list(array.shape)))
    if keep_initializers_as_inputs:
        inputs += [
            _graph.value_info(t.name, helper.tensor_dtype_to_np_dtype(t.data_type), list(t.dims))
            for t in initializers
        ]
    g = helper.make_graph(nodes, "main_graph", inputs, graph_outputs, initializer=initializers)
    opsets = [helper.make_opsetid("", graph.opset)]
    model = helper.make_model(
        g,
        opset_imports=opsets,
        producer_name="ferrograd",
        producer_version=__version__,
        ir_version=helper.find_min_ir_version_for(opsets),
    )
    return model
