"""How much of PyTorch's public API ferrograd has: writes docs/API_COVERAGE.md.

Run it where PyTorch is installed, with ferrograd importable (it is not a test dependency):

    PYTHONPATH=python /path/to/python-with-torch tools/api_coverage.py [--output FILE]

For each namespace below it lists PyTorch's public names, drops those that cannot apply to
ferrograd (the ``EXCLUSIONS`` table: every entry says why), and checks which of the rest exist
on ferrograd's counterpart (``hasattr``). A name that exists counts whatever it does; the tests
say whether it does it right.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import inspect
import re
import sys
import types
from pathlib import Path

import torch


@dataclasses.dataclass(frozen=True)
class Namespace:
    title: str
    torch_path: str  # "torch.linalg", or "torch.Tensor" for the class's attributes
    ferrograd_path: str
    use_all: bool  # list ``__all__`` (the namespace's own declaration) instead of ``dir()``


NAMESPACES = [
    Namespace("torch", "torch", "ferrograd", False),
    Namespace("Tensor", "torch.Tensor", "ferrograd.Tensor", False),
    Namespace("torch.linalg", "torch.linalg", "ferrograd.linalg", False),
    Namespace("torch.func", "torch.func", "ferrograd.func", True),
    Namespace("torch.distributions", "torch.distributions", "ferrograd.distributions", True),
    Namespace("torch.special", "torch.special", "ferrograd.special", True),
    Namespace("torch.fft", "torch.fft", "ferrograd.fft", True),
    Namespace("torch.nn.functional", "torch.nn.functional", "ferrograd.nn.functional", False),
    Namespace("torch.nn", "torch.nn", "ferrograd.nn", False),
    Namespace("torch.optim", "torch.optim", "ferrograd.optim", True),
    Namespace(
        "torch.optim.lr_scheduler", "torch.optim.lr_scheduler", "ferrograd.optim.lr_scheduler", True
    ),
    Namespace("torch.utils.data", "torch.utils.data", "ferrograd.utils.data", True),
]


@dataclasses.dataclass(frozen=True)
class Exclusion:
    reason: str
    names: frozenset = frozenset()
    pattern: str | None = None  # a regular expression searched in the name
    namespaces: tuple = ()  # titles it applies to; empty: all
    keep: frozenset = frozenset()  # names the pattern matches that stay counted

    def applies(self, namespace: str, name: str) -> bool:
        if self.namespaces and namespace not in self.namespaces:
            return False
        if name in self.keep:
            return False
        return name in self.names or (
            self.pattern is not None and re.search(self.pattern, name) is not None
        )


def _names(text: str) -> frozenset:
    return frozenset(text.split())


# Checked in order; a name is reported under the first reason that applies.
EXCLUSIONS = [
    Exclusion(
        "Device backends ferrograd does not have (cuDNN, MIOpen, oneDNN/MKL-DNN, FBGEMM, NNPACK, "
        "XPU, MPS, MTIA, MAIA, IPU, XLA, Vulkan, HIP) or CUDA-only features (streams, events, "
        "pinned-memory bookkeeping, low-precision GPU matmuls). ferrograd's CUDA device (CuPy) "
        "is reached through the device-neutral names, which stay counted.",
        pattern=r"cudnn|miopen|mkldnn|fbgemm|nnpack|(^|_)(xpu|mps|mtia|maia|ipu|xla|vulkan)(_|$)|"
        r"_gpu_|cudagraph|^record_stream$|^Stream$|^Event$|^AcceleratorError$|scaled_(grouped_)?mm|"
        r"scaled_addmm|^grouped_mm$|^ScalingType$|^SwizzleType$",
    ),
    Exclusion(
        "Quantization (quantized dtypes, qparams, fake quantization): out of scope.",
        pattern=r"quantiz|^q_|qscheme|^qint|^quint|int_repr|choose_qparams|fake_quant|"
        r"^per_(tensor|channel)_",
    ),
    Exclusion(
        "Named tensors (a prototype in PyTorch): out of scope.",
        names=_names("names name refine_names rename rename_ align_to align_as has_names"),
        namespaces=("Tensor",),
    ),
    Exclusion(
        "Complex half precision (complex32/chalf) and the lazy negation bit: ferrograd's complex "
        "dtypes are complex64 and complex128, and it writes conjugates and negations out.",
        pattern=r"complex32|^chalf$|^resolve_neg$|^is_neg$",
    ),
    Exclusion(
        "Sparse compressed layouts (CSR/CSC/BSR/BSC) and the legacy sparse kernels behind them "
        "(sparse COO stays counted).",
        pattern=r"csr|csc|bsr|bsc|crow_indices|col_indices|row_indices|sparse_compressed|"
        r"sparse_resize|resize_as_sparse|^hsmm$|^dsmm$|^saddmm$|^sspaddmm$|^hspmm$",
    ),
    Exclusion(
        "Nested/jagged tensors (a prototype layout).",
        names=_names("jagged is_nested to_padded_tensor"),
    ),
    Exclusion(
        "TorchScript, torch.compile, torch.fx and torch.export: compilers and their IR types, "
        "symbolic sizes, control-flow operators and graph-only view copies (``*_copy`` are the "
        "out-of-place views functionalization emits; ``narrow_copy`` predates them and stays).",
        pattern=r"^sym_|^Sym|_copy$|^Script|^parse_(ir|schema|type_comment)$|^import_ir_module",
        names=_names(
            """compile compiled_with_cxx11_abi fork wait while_loop cond classproperty
            merge_type_from_type_comment unify_type_list nonzero_static slice_inverse
            AliasDb AnyType Argument ArgumentSpec AwaitType Block BoolType CallStack Capsule
            ClassType Code CompilationUnit CompleteArgumentSpec ComplexType ConcreteModuleType
            ConcreteModuleTypeBuilder DeepCopyMemoTable DeserializationStorageContext
            DeviceObjType DictType DispatchKey DispatchKeySet DisableTorchFunction
            DisableTorchFunctionSubclass EnumType ErrorReport ExcludeDispatchKeyGuard
            ExecutionPlan FileCheck FloatType FunctionSchema Future FutureType Gradient Graph
            GraphExecutorState IODescriptor InferredType IntType InterfaceType JITException
            ListType LiteScriptModule Node NoneType NumberType OperatorInfo OptionalType
            PyObjectType PyTorchFileReader PyTorchFileWriter RRefType SerializationStorageContext
            StaticModule StreamObjType StringType Tag TensorType TracingState TupleType Type
            UnionType Use Value BufferDict ModuleDict ParameterDict AggregationType AVG SUM
            ThroughputBenchmark BenchmarkConfig BenchmarkExecutionStats LoggerBase
            LockingLogger NoopLogger FatalError PRIVATE_OPS get_file_path
            autocast_increment_nesting autocast_decrement_nesting"""
        ),
        keep=_names("narrow_copy index_copy"),
        namespaces=("torch", "Tensor"),
    ),
    Exclusion(
        "The legacy storage classes (``FloatStorage``, ..., deprecated in PyTorch) and putting a "
        "tensor over another storage or a file (ferrograd shares memory through NumPy, DLPack "
        "and ``share_memory_`` instead).",
        pattern=r"Storage|^from_file$|^set_$|^storage_type$",
        keep=_names("TypedStorage UntypedStorage"),
        namespaces=("torch", "Tensor"),
    ),
    Exclusion(
        "ATen entry points that PyTorch exposes at the top level but documents only under "
        "torch.nn.functional or the modules that call them (counted there): batch-norm "
        "statistics kernels of SyncBatchNorm, ``native_*`` kernels, RNN cell kernels, "
        "convolution/grid-sampler internals.",
        pattern=r"^batch_norm_(backward|elemt|gather|stats|update)|^native_",
        names=_names(
            """conv_tbc convolution constant_pad_nd affine_grid_generator grid_sampler
            grid_sampler_2d grid_sampler_3d embedding_renorm_ norm_except_dim frobenius_norm
            rnn_relu rnn_tanh rnn_relu_cell rnn_tanh_cell lstm lstm_cell gru gru_cell
            segment_reduce feature_dropout feature_dropout_ feature_alpha_dropout_
            alpha_dropout_ dropout_ rrelu_ celu_ selu_ threshold_ relu_ max_pool1d_with_indices
            multi_head_attention_forward"""
        ),
        namespaces=("torch", "torch.nn.functional"),
        keep=_names("relu_"),
    ),
    Exclusion(
        "Removed from PyTorch (calling them raises there) or deprecated with a named "
        "replacement: symeig/eig/lstsq/solve/matrix_rank (torch.linalg.*), chain_matmul "
        "(torch.linalg.multi_dot), range (arange), set_default_tensor_type (set_default_dtype), "
        "nuclear_norm (linalg.matrix_norm), Tensor.volatile/reinforce (removed autograd API), "
        "nn.Container (nn.Module), nn.NLLLoss2d (nn.NLLLoss), F.upsample* (F.interpolate).",
        names=_names(
            """symeig eig lstsq solve matrix_rank chain_matmul range set_default_tensor_type
            nuclear_norm volatile reinforce Container NLLLoss2d upsample upsample_bilinear
            upsample_nearest"""
        ),
        namespaces=("torch", "Tensor", "torch.nn", "torch.nn.functional"),
    ),
    Exclusion(
        "Shell dtypes PyTorch itself barely computes with (sub-byte, float8/float4, unsigned "
        "16-64-bit, bit types).",
        pattern=r"^(u?int[1-7]|uint(16|32|64)|bits?\d*x?\d*|float8_\w+|float4_\w+)$",
        namespaces=("torch",),
    ),
    Exclusion(
        "Build and import configuration flags of the PyTorch binary.",
        names=_names(
            "TYPE_CHECKING USE_GLOBAL_DEPS USE_RTLD_GLOBAL_WITH_LIBTORCH has_lapack has_mkl "
            "has_openmp has_spectral"
        ),
        namespaces=("torch",),
    ),
    Exclusion(
        "Not API: a typing import and the documentation fragments (shared docstring notes) "
        "that torch.nn.functional's module namespace holds.",
        names=_names("TYPE_CHECKING reproducibility_notes sparse_support_notes tf32_notes"),
        namespaces=("torch.nn.functional",),
    ),
    Exclusion(
        "Multi-device training in one process and distributed extras that ferrograd.distributed "
        "does not provide (see docs/DISTRIBUTED.md).",
        names=_names(
            "is_distributed prepare_multiprocessing_environment DataParallel SyncBatchNorm"
        ),
    ),
    Exclusion(
        "DataPipes (deprecated in torch.utils.data and moved to torchdata).",
        pattern=r"DataPipe|datapipe|^DataChunk$|^argument_validation$|^non_deterministic$|"
        r"^runtime_validation",
        namespaces=("torch.utils.data",),
    ),
    Exclusion(
        "Helpers imported into the namespace that are not its API (type aliases, dispatch "
        "helpers, argument checkers, a re-export of torch.Tensor).",
        names=_names(
            """BroadcastingList1 BroadcastingList2 BroadcastingList3 Callable DType Optional
            boolean_dispatch assert_int_or_pair handle_torch_function has_torch_function
            has_torch_function_unary has_torch_function_variadic Tensor factory_kwargs
            GRID_SAMPLE_INTERPOLATION_MODES GRID_SAMPLE_PADDING_MODES"""
        ),
        namespaces=("torch.nn.functional", "torch.nn", "torch.special", "torch.linalg"),
    ),
]


def _resolve(path: str):
    parts = path.split(".")
    obj = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], 1):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            obj = importlib.import_module(".".join(parts[: i + 1]))
    return obj


def _kind(obj) -> str:
    if inspect.isclass(obj):
        return "class"
    if callable(obj) or isinstance(obj, (property, types.GetSetDescriptorType)):
        return "function"
    return "constant"


def _candidates(ns: Namespace) -> dict[str, str]:
    """The namespace's public names (no modules, no documentation strings, no names starting
    with ``_``) and their kinds."""
    source = _resolve(ns.torch_path)
    names = source.__all__ if ns.use_all else dir(source)
    found = {}
    for name in names:
        if name.startswith("_"):
            continue
        obj = inspect.getattr_static(source, name) if inspect.isclass(source) else None
        if obj is None:
            obj = getattr(source, name, None)
        if isinstance(obj, (types.ModuleType, str)):
            continue  # submodules are namespaces of their own; strings are docs fragments
        module = getattr(obj, "__module__", "") or ""
        if module.startswith(("typing", "collections", "functools", "bisect", "weakref")):
            continue  # imported into the module for its own use
        found[name] = _kind(obj)
    return found


def _exclusion_for(ns: str, name: str):
    for exclusion in EXCLUSIONS:
        if exclusion.applies(ns, name):
            return exclusion
    return None


def _ferrograd(path: str):
    try:
        return _resolve(path)
    except (ImportError, AttributeError):
        return None


@dataclasses.dataclass
class Report:
    ns: Namespace
    present: dict  # name -> kind
    missing: dict
    excluded: dict  # reason -> [names]

    @property
    def counted(self) -> int:
        return len(self.present) + len(self.missing)

    def percent(self, kind: str | None = None) -> float:
        present = [k for k in self.present.values() if kind in (None, k)]
        missing = [k for k in self.missing.values() if kind in (None, k)]
        total = len(present) + len(missing)
        return 100.0 * len(present) / total if total else 100.0


def measure(ns: Namespace) -> Report:
    target = _ferrograd(ns.ferrograd_path)
    report = Report(ns, {}, {}, {})
    for name, kind in sorted(_candidates(ns).items()):
        exclusion = _exclusion_for(ns.title, name)
        if exclusion is not None:
            report.excluded.setdefault(exclusion.reason, []).append(name)
        elif target is not None and hasattr(target, name):
            report.present[name] = kind
        else:
            report.missing[name] = kind
    return report


def _name_list(names) -> str:
    return ", ".join(f"`{n}`" for n in sorted(names)) if names else "(none)"


def render(reports: list[Report]) -> str:
    lines = [
        "# PyTorch API coverage",
        "",
        "Generated by `tools/api_coverage.py` against PyTorch "
        f"{torch.__version__.split('+')[0]}; do not edit by hand. A name counts as present when "
        "ferrograd's counterpart has an attribute of that name (what it does is the tests' "
        "business). Names that cannot apply to ferrograd are excluded, each with its reason "
        "(the `EXCLUSIONS` table in the tool).",
        "",
        "| Namespace | Present | Counted | Coverage | Functions | Excluded |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in reports:
        excluded = sum(len(v) for v in r.excluded.values())
        lines.append(
            f"| `{r.ns.title}` | {len(r.present)} | {r.counted} | {r.percent():.1f} % | "
            f"{r.percent('function'):.1f} % | {excluded} |"
        )
    lines.append("")
    lines.append(
        "*Functions*: the share among functions and methods alone (classes and constants such "
        "as dtypes left out)."
    )
    for r in reports:
        lines += [
            "",
            f"## `{r.ns.title}` ({r.percent():.1f} %)",
            "",
            f"**Missing ({len(r.missing)})**: {_name_list(r.missing)}",
            "",
            f"**Present ({len(r.present)})**: {_name_list(r.present)}",
        ]
        if r.excluded:
            lines += ["", "**Excluded**:", ""]
            for reason, names in r.excluded.items():
                lines.append(f"- {reason} {_name_list(names)}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parent.parent
    parser.add_argument("--output", type=Path, default=root / "docs" / "API_COVERAGE.md")
    args = parser.parse_args(argv)
    reports = [measure(ns) for ns in NAMESPACES]
    args.output.write_text(render(reports))
    for r in reports:
        print(
            f"{r.ns.title:28s} {len(r.present):4d}/{r.counted:<4d} {r.percent():5.1f} %  "
            f"(functions {r.percent('function'):5.1f} %)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
