"""Writes the type stubs of the parts of ferrograd that are assembled at import time, and of
its modules of plain functions, so type checkers and editors see real types where they would
otherwise see ``Any``:

* ``python/ferrograd/_tensor.pyi``: ``Tensor``, whose methods come from some thirty mixins, many of
  them generated (in-place forms, aliases, the NumPy-keyword wrappers);
* ``python/ferrograd/__init__.pyi``: the ``ferrograd`` namespace, whose functions are mostly
  generated (``ferrograd.exp(x)`` is ``x.exp()``) and star-imported;
* ``nn/functional.pyi``, ``special.pyi``, ``linalg/__init__.pyi`` (``FUNCTION_MODULES``).

Names, parameter names, kinds and defaults come from the runtime objects (``inspect``); types come
from the tables below (by parameter name, by (function, parameter), by return of a method or
function) and from the few hand-written signatures that need overloads or name parameters the
runtime hides behind ``*args``. Run ``python tools/generate_stubs.py`` after adding a method or
function; ``tests/test_stubs.py`` fails while the stubs and the runtime disagree.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "python" / "ferrograd"

# --- types by parameter name -----------------------------------------------------------------

_TENSOR_PARAMS = """
    input other_tensor tensor tensor1 tensor2 mat mat1 mat2 vec vec1 vec2 batch1 batch2 mask index
    src source indices values weights x y x1 x2 input1 input2 condition boundaries sorted_sequence
    elements test_elements running_mean running_var fweights aweights L B A the_template
    gradient_tensor
""".split()
_BOOL_PARAMS = """
    keepdim requires_grad pin_memory non_blocking copy descending stable largest sorted upper
    lower unbiased some return_inverse return_counts equal_nan inplace accumulate include_self
    create_graph density periodic ceil_mode return_indices train training replacement compute_uv
    out_int32 right sparse_grad assign as_tuple force assume_unique invert with_replacement
    increasing count_include_pad scale_grad_by_freq sparse use_input_stats cudnn_enabled
    masked_grad check_nan warn_only enabled fullgraph disable ambiguity_check wrap
""".split()
_INT_PARAMS = """
    dim0 dim1 dim2 diagonal offset k n chunks start_dim end_dim window_length minlength
    num_samples dimension groups num_groups padding_idx upscale_factor downscale_factor
    edge_order sparse_dim dense_dim storage_offset device_index seed num_threads edgeitems
    linewidth chunk_size debug_mode N r length split_size step_count decimals
""".split()
_FLOAT_PARAMS = """
    eps rtol atol lambd momentum maxnorm median sigma mean std nan rcond from_ to
    threshold
""".split()
_INTS = "_int | Sequence[_int]"
PARAM_TYPES: dict[str, str] = {
    **dict.fromkeys(_TENSOR_PARAMS, "Tensor"),
    **dict.fromkeys(_BOOL_PARAMS, "_bool"),
    **dict.fromkeys(_INT_PARAMS, "_int"),
    **dict.fromkeys(_FLOAT_PARAMS, "_float"),
    "other": "Tensor | _Number",
    "value": "Tensor | _Number",
    "out": "Tensor",
    "self": "Tensor",  # a method exported as a function keeps its parameter name
    "gradient": "Tensor",
    "fill_value": "_Number",
    "alpha": "_Number",
    "beta": "_Number",
    "exponent": "Tensor | _Number",
    "min": "Tensor | _Number | None",
    "max": "Tensor | _Number | None",
    "start": "_Number",
    "end": "Tensor | _Number",
    "step": "_Number",
    "steps": "_int",
    "low": "_int",
    "high": "_int",
    "base": "_float",
    "posinf": "_float | None",
    "neginf": "_float | None",
    "dim": "_int",
    "dims": _INTS,
    "size": _INTS,
    "sizes": _INTS,
    "shape": _INTS,
    "stride": _INTS,
    "output_size": _INTS,
    "normalized_shape": _INTS,
    "kernel_size": _INTS,
    "padding": _INTS,
    "dilation": _INTS,
    "output_padding": _INTS,
    "shifts": _INTS,
    "repeats": "Tensor | _int",
    "split_size": "_int | Sequence[_int]",
    "split_sizes": "Sequence[_int]",
    "split_size_or_sections": "_int | Sequence[_int]",
    "indices_or_sections": "Tensor | _int | Sequence[_int]",
    "tensors": "Tensor",
    "operands": "Tensor",
    "shapes": _INTS,
    "dtype": "_DType | None",
    "device": "_DeviceLike",
    "layout": "_Layout | None",
    "memory_format": "_MemoryFormat | None",
    "generator": "Generator | None",
    "rounding_mode": "_str | None",
    "reduce": "_str",
    "interpolation": "_str",
    "mode": "_str",
    "side": "_str | None",
    "indexing": "_str | None",
    "equation": "_str",
    "compute_mode": "_str",
    "correction": "_Number | None",
    "p": "_float",
    "q": "Tensor | _float | Sequence[_float]",
    "bins": "Tensor | _int",
    "range": "tuple[_float, _float] | None",
    "weight": "Tensor",
    "bias": "Tensor",
    "prepend": "Tensor | None",
    "append": "Tensor | None",
    "sorter": "Tensor | None",
    "spacing": "_Number | Sequence[_Number] | Tensor | None",
    "retain_graph": "_bool | None",
    "inputs": "Tensor | Sequence[Tensor] | None",
    "precision": "_int | _str | None",
    "profile": "_str | None",
    "sci_mode": "_bool | None",
    "name": "_str | None",
    "obj": "object",
    "spec": "_DeviceLike",
    "d": "_DType",
    "type1": "_DType",
    "type2": "_DType",
    "data": "Any",
    "array": "Any",
    "ext": "Any",
    "new_state": "Tensor",
    "blocksize": "_int | Sequence[_int] | None",
    "device_type": "_str | None",
    "destination": "_DeviceLike",
    "row": "_int",
    "col": "_int",
    "s": "_int | Sequence[_int] | None",
    "count": "_int",
    "buffer": "Any",
    "physical_layout": "Tensor",
}
# Whose ``other`` is a tensor, never a number.
_TENSOR_OTHER = set(
    "matmul mm bmm dot inner outer ger kron mv cross type_as expand_as view_as reshape_as "
    "broadcast_to is_same_size is_set_to equal allclose isclose copysign".split()
)
# Parameters whose type differs from what their name means elsewhere: (function, parameter).
_INDICES = "Sequence[Tensor | None]"
PARAM_OVERRIDES: dict[tuple[str, str], str] = {
    ("scaled_dot_product_attention", "value"): "Tensor",
    ("multi_head_attention_forward", "value"): "Tensor",
    ("scaled_dot_product_attention", "scale"): "_float | None",
    ("normal", "mean"): "Tensor | _float",
    ("normal", "std"): "Tensor | _float",
    ("norm", "p"): "_float | _str | None",  # an order, or "fro" / "nuc"
    ("index_put", "indices"): _INDICES,
    ("index_put_", "indices"): _INDICES,
    ("tensordot", "a"): "Tensor",
    ("tensordot", "b"): "Tensor",
    ("trapezoid", "dx"): "_float | None",
    ("cumulative_trapezoid", "dx"): "_float | None",
    ("vmap", "func"): "Callable[..., Any]",
    ("save", "f"): "_FileLike",
    ("load", "f"): "_FileLike",
    ("load", "weights_only"): "_bool | None",
    ("load", "mmap"): "_bool | None",
    ("apply_", "callable"): "Callable[[_Number], _Number]",
    ("map_", "callable"): "Callable[[_Number, _Number], _Number]",
    ("map2_", "callable"): "Callable[[_Number, _Number, _Number], _Number]",
    ("register_hook", "hook"): "Callable[[Tensor], Tensor | None]",
    ("register_post_accumulate_grad_hook", "hook"): "Callable[[Tensor], None]",
}
# Given one by one as ``*tensors`` or together as a sequence.
_TENSOR_SEQUENCES = {"tensors", "operands"}
# The ``dim`` of these is an int, a sequence of ints or None (every dimension).
_MULTI_DIM = set(
    "sum mean nansum nanmean amax amin std var std_mean var_mean logsumexp norm count_nonzero "
    "all any squeeze flip".split()
)

# --- return types (default: Tensor) ----------------------------------------------------------

_BOOL_RETURNS = """
    allclose equal is_complex is_contiguous is_floating_point is_inference is_nonzero is_pinned
    is_same_size is_set_to is_signed is_coalesced is_conj is_neg is_shared has_names is_tensor
    is_storage is_grad_enabled is_inference_mode_enabled can_cast
    are_deterministic_algorithms_enabled
    is_anomaly_enabled is_anomaly_check_nan_enabled is_autocast_enabled
    is_deterministic_algorithms_warn_only_enabled is_warn_always_enabled set_flush_denormal
    is_floating_point is_nonzero is_complex is_conj is_neg is_vulkan_available
""".split()
_INT_RETURNS = """
    const_data_ptr data_ptr dense_dim dim element_size get_device ndimension nelement numel
    sparse_dim storage_offset initial_seed seed get_num_threads get_deterministic_debug_mode
    get_num_interop_threads
""".split()
_TUPLE_RETURNS = """
    chunk dsplit hsplit vsplit split split_with_sizes tensor_split unbind unsafe_chunk
    unsafe_split unsafe_split_with_sizes gradient broadcast_tensors meshgrid atleast_1d
    atleast_2d atleast_3d unravel_index
""".split()
_NONE_RETURNS = """
    backward retain_grad set_default_dtype set_default_device set_rng_state manual_seed_all
    set_num_threads set_num_interop_threads use_deterministic_algorithms set_printoptions save
    set_anomaly_enabled set_deterministic_debug_mode set_float32_matmul_precision
    set_warn_always record_stream
""".split()
RETURN_TYPES: dict[str, str] = {
    **dict.fromkeys(_BOOL_RETURNS, "_bool"),
    **dict.fromkeys(_INT_RETURNS, "_int"),
    **dict.fromkeys(_TUPLE_RETURNS, "tuple[Tensor, ...]"),
    **dict.fromkeys(_NONE_RETURNS, "None"),
    "tolist": "Any",
    "numpy": "numpy.ndarray[tuple[_int, ...], numpy.dtype[Any]]",
    "dim_order": "tuple[_int, ...]",
    "broadcast_shapes": "Size",
    "get_default_dtype": "_DType",
    "promote_types": "_DType",
    "result_type": "_DType",
    "get_default_device": "device",
    "get_float32_matmul_precision": "_str",
    "typename": "_str",
    "get_rng_state": "Tensor",
    "manual_seed": "Generator",
    "aminmax": "_MinMax",
    "cummax": "_ValuesIndices",
    "cummin": "_ValuesIndices",
    "kthvalue": "_ValuesIndices",
    "mode": "_ValuesIndices",
    "sort": "_ValuesIndices",
    "topk": "_ValuesIndices",
    "frexp": "_Frexp",
    "histogram": "_Histogram",
    "histogramdd": "_HistogramDD",
    "slogdet": "_Slogdet",
    "svd": "_Svd",
    "qr": "_Qr",
    "lu": "tuple[Tensor, ...]",
    "lu_unpack": "tuple[Tensor, Tensor, Tensor]",
    "std_mean": "tuple[Tensor, Tensor]",
    "var_mean": "tuple[Tensor, Tensor]",
    "unique_consecutive": "Any",
    "as_subclass": "Any",
    "untyped_storage": "Any",
    "storage": "Any",
    "register_hook": "RemovableHandle",
    "register_post_accumulate_grad_hook": "RemovableHandle",
    "__dlpack__": "Any",
    "to_dlpack": "Any",
    "einsum": "Tensor",
    "load": "Any",
    "compile": "Any",
    "vmap": "Callable[..., Any]",
    "from_dlpack": "Tensor",
    "get_device": "_int",
    "type": "Tensor",
    "dequantize": "Tensor",
    "element_size": "_int",
    "itemsize": "_int",
}

# --- hand-written signatures -------------------------------------------------------------------
# Methods whose types depend on their arguments (overloads) or whose runtime signature hides the
# parameters behind *args. Parameter names follow the runtime's (the test checks them).

TENSOR_METHODS = """
    @overload
    def size(self, dim: None = None) -> Size: ...
    @overload
    def size(self, dim: _int) -> _int: ...
    @overload
    def max(self) -> Tensor: ...
    @overload
    def max(self, dim: _int, keepdim: _bool = False) -> _ValuesIndices: ...
    @overload
    def max(self, other: Tensor, /) -> Tensor: ...
    @overload
    def min(self) -> Tensor: ...
    @overload
    def min(self, dim: _int, keepdim: _bool = False) -> _ValuesIndices: ...
    @overload
    def min(self, other: Tensor, /) -> Tensor: ...
    @overload
    def median(self) -> Tensor: ...
    @overload
    def median(self, dim: _int, keepdim: _bool = False) -> _ValuesIndices: ...
    @overload
    def nanmedian(self) -> Tensor: ...
    @overload
    def nanmedian(self, dim: _int, keepdim: _bool = False) -> _ValuesIndices: ...
    def item(self) -> _Number: ...
    @overload
    def unique(
        self,
        sorted: _bool = True,
        return_inverse: Literal[False] = False,
        return_counts: Literal[False] = False,
        dim: _int | None = None,
    ) -> Tensor: ...
    @overload
    def unique(
        self,
        sorted: _bool = True,
        return_inverse: _bool = False,
        return_counts: _bool = False,
        dim: _int | None = None,
    ) -> Any: ...
    @overload
    def stride(self, dim: None = None) -> tuple[_int, ...]: ...
    @overload
    def stride(self, dim: _int) -> _int: ...
    @overload
    def to(
        self,
        dtype: _DType,
        non_blocking: _bool = False,
        copy: _bool = False,
        *,
        memory_format: _MemoryFormat | None = None,
    ) -> Tensor: ...
    @overload
    def to(
        self,
        device: _DeviceLike = None,
        dtype: _DType | None = None,
        non_blocking: _bool = False,
        copy: _bool = False,
        *,
        memory_format: _MemoryFormat | None = None,
    ) -> Tensor: ...
    @overload
    def to(
        self,
        other: Tensor,
        non_blocking: _bool = False,
        copy: _bool = False,
        *,
        memory_format: _MemoryFormat | None = None,
    ) -> Tensor: ...
    @overload
    def type(self, dtype: None = None, non_blocking: _bool = False, **kwargs: Any) -> _str: ...
    @overload
    def type(
        self, dtype: _DType | _str | type, non_blocking: _bool = False, **kwargs: Any
    ) -> Tensor: ...
    def new(self, *args: Any, **kwargs: Any) -> Tensor: ...
    @overload
    def nonzero(self, *, as_tuple: Literal[False] = False) -> Tensor: ...
    @overload
    def nonzero(self, *, as_tuple: Literal[True]) -> tuple[Tensor, ...]: ...
    def random_(
        self,
        from_: _int = 0,
        to: _int | None = None,
        *,
        generator: Generator | None = None,
        **kwargs: Any,
    ) -> Tensor: ...
"""

# Namespace functions written by hand, for the same reasons.
FUNCTIONS = """
@overload
def max(input: Tensor) -> Tensor: ...
@overload
def max(input: Tensor, dim: _int, keepdim: _bool = False, *, out: Any = None) -> _ValuesIndices: ...
@overload
def max(input: Tensor, other: Tensor, /, *, out: Tensor | None = None) -> Tensor: ...
@overload
def min(input: Tensor) -> Tensor: ...
@overload
def min(input: Tensor, dim: _int, keepdim: _bool = False, *, out: Any = None) -> _ValuesIndices: ...
@overload
def min(input: Tensor, other: Tensor, /, *, out: Tensor | None = None) -> Tensor: ...
@overload
def median(input: Tensor) -> Tensor: ...
@overload
def median(input: Tensor, dim: _int, keepdim: _bool = False) -> _ValuesIndices: ...
@overload
def nanmedian(input: Tensor) -> Tensor: ...
@overload
def nanmedian(input: Tensor, dim: _int, keepdim: _bool = False) -> _ValuesIndices: ...
@overload
def nonzero(
    input: Tensor, *, out: Tensor | None = None, as_tuple: Literal[False] = False
) -> Tensor: ...
@overload
def nonzero(
    input: Tensor, *, out: Tensor | None = None, as_tuple: Literal[True]
) -> tuple[Tensor, ...]: ...
@overload
def unique(
    input: Tensor,
    sorted: _bool = True,
    return_inverse: Literal[False] = False,
    return_counts: Literal[False] = False,
    dim: _int | None = None,
) -> Tensor: ...
@overload
def unique(
    input: Tensor,
    sorted: _bool = True,
    return_inverse: _bool = False,
    return_counts: _bool = False,
    dim: _int | None = None,
) -> Any: ...
@overload
def where(condition: Tensor) -> tuple[Tensor, ...]: ...
@overload
def where(condition: Tensor, input: Tensor | _Number, other: Tensor | _Number) -> Tensor: ...
"""

TENSOR_DUNDERS = """
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...
    def __add__(self, other: Tensor | _Number) -> Tensor: ...
    def __radd__(self, other: Tensor | _Number) -> Tensor: ...
    def __iadd__(self, other: Tensor | _Number) -> Tensor: ...
    def __sub__(self, other: Tensor | _Number) -> Tensor: ...
    def __rsub__(self, other: Tensor | _Number) -> Tensor: ...
    def __isub__(self, other: Tensor | _Number) -> Tensor: ...
    def __mul__(self, other: Tensor | _Number) -> Tensor: ...
    def __rmul__(self, other: Tensor | _Number) -> Tensor: ...
    def __imul__(self, other: Tensor | _Number) -> Tensor: ...
    def __truediv__(self, other: Tensor | _Number) -> Tensor: ...
    def __rtruediv__(self, other: Tensor | _Number) -> Tensor: ...
    def __itruediv__(self, other: Tensor | _Number) -> Tensor: ...
    def __floordiv__(self, other: Tensor | _Number) -> Tensor: ...
    def __rfloordiv__(self, other: Tensor | _Number) -> Tensor: ...
    def __ifloordiv__(self, other: Tensor | _Number) -> Tensor: ...
    def __mod__(self, other: Tensor | _Number) -> Tensor: ...
    def __rmod__(self, other: Tensor | _Number) -> Tensor: ...
    def __imod__(self, other: Tensor | _Number) -> Tensor: ...
    def __pow__(self, other: Tensor | _Number) -> Tensor: ...
    def __rpow__(self, other: Tensor | _Number) -> Tensor: ...
    def __ipow__(self, other: Tensor | _Number) -> Tensor: ...
    def __matmul__(self, other: Tensor) -> Tensor: ...
    def __rmatmul__(self, other: Tensor) -> Tensor: ...
    def __and__(self, other: Tensor | _int | _bool) -> Tensor: ...
    def __rand__(self, other: Tensor | _int | _bool) -> Tensor: ...
    def __iand__(self, other: Tensor | _int | _bool) -> Tensor: ...
    def __or__(self, other: Tensor | _int | _bool) -> Tensor: ...
    def __ror__(self, other: Tensor | _int | _bool) -> Tensor: ...
    def __ior__(self, other: Tensor | _int | _bool) -> Tensor: ...
    def __xor__(self, other: Tensor | _int | _bool) -> Tensor: ...
    def __rxor__(self, other: Tensor | _int | _bool) -> Tensor: ...
    def __ixor__(self, other: Tensor | _int | _bool) -> Tensor: ...
    def __lshift__(self, other: Tensor | _int) -> Tensor: ...
    def __rlshift__(self, other: Tensor | _int) -> Tensor: ...
    def __ilshift__(self, other: Tensor | _int) -> Tensor: ...
    def __rshift__(self, other: Tensor | _int) -> Tensor: ...
    def __rrshift__(self, other: Tensor | _int) -> Tensor: ...
    def __irshift__(self, other: Tensor | _int) -> Tensor: ...
    def __eq__(self, other: object) -> Tensor: ...  # type: ignore[override]
    def __ne__(self, other: object) -> Tensor: ...  # type: ignore[override]
    def __lt__(self, other: Tensor | _Number) -> Tensor: ...
    def __le__(self, other: Tensor | _Number) -> Tensor: ...
    def __gt__(self, other: Tensor | _Number) -> Tensor: ...
    def __ge__(self, other: Tensor | _Number) -> Tensor: ...
    def __neg__(self) -> Tensor: ...
    def __pos__(self) -> Tensor: ...
    def __abs__(self) -> Tensor: ...
    def __invert__(self) -> Tensor: ...
    def __getitem__(self, indices: Any) -> Tensor: ...
    def __setitem__(self, indices: Any, value: Tensor | _Number) -> None: ...
    def __iter__(self) -> Iterator[Tensor]: ...
    def __len__(self) -> _int: ...
    def __contains__(self, element: object) -> _bool: ...
    def __bool__(self) -> _bool: ...
    def __float__(self) -> _float: ...
    def __int__(self) -> _int: ...
    def __index__(self) -> _int: ...
    def __hash__(self) -> _int: ...
    def __array__(
        self, dtype: Any = None, copy: _bool | None = None
    ) -> numpy.ndarray[tuple[_int, ...], numpy.dtype[Any]]: ...
    def __dlpack__(self, *args: Any, **kwargs: Any) -> Any: ...
    def __dlpack_device__(self) -> tuple[_int, _int]: ...
    def __deepcopy__(self, memo: dict[_int, Any]) -> Tensor: ...
    @classmethod
    def __torch_function__(
        cls,
        func: Callable[..., Any],
        types: Iterable[type],
        args: Sequence[Any] = ...,
        kwargs: Mapping[str, Any] | None = None,
    ) -> Any: ...
"""

# The properties: type, and whether assignment is allowed (from the runtime's setter).
PROPERTY_TYPES: dict[str, str] = {
    "H": "Tensor",
    "T": "Tensor",
    "mH": "Tensor",
    "mT": "Tensor",
    "real": "Tensor",
    "imag": "Tensor",
    "data": "Tensor",
    "grad": "Tensor | None",
    "grad_fn": "Node | None",
    "device": "device",
    "dtype": "_DType",
    "layout": "_Layout",
    "shape": "Size",
    "ndim": "_int",
    "output_nr": "_int",
    "nbytes": "_int",
    "itemsize": "_int",
    "requires_grad": "_bool",
    "retains_grad": "_bool",
    "is_leaf": "_bool",
    "is_cpu": "_bool",
    "is_cuda": "_bool",
    "is_meta": "_bool",
    "is_sparse": "_bool",
    "is_sparse_csr": "_bool",
    "is_quantized": "_bool",
    "is_mps": "_bool",
    "is_nested": "_bool",
    "name": "_str | None",
    "names": "tuple[_str | None, ...]",
}

# What the stubs start with: the classes the types name (the namespace stub imports its public
# classes with the rest of its names).
TENSOR_HEADER = """
import builtins
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from os import PathLike
from typing import IO, Any, Literal, NamedTuple, TypeAlias, overload

import numpy

from ._device import device as device
from ._dtype import dtype as _DType
from ._ops_attributes import layout as _Layout, memory_format as _MemoryFormat
from ._random import Generator as Generator
from ._size import Size as Size
from .autograd.graph import Node
from .utils.hooks import RemovableHandle
"""
NAMESPACE_HEADER = """
import builtins
from collections.abc import Callable, Sequence
from os import PathLike
from typing import IO, Any, Literal, TypeAlias, overload

from ._dtype import dtype as _DType
from ._ops_attributes import layout as _Layout, memory_format as _MemoryFormat
"""

# The classes the headers import under private names.
_HEADER_ALIASES = {"dtype": "_DType", "layout": "_Layout", "memory_format": "_MemoryFormat"}

ALIASES = """
_int: TypeAlias = builtins.int
_float: TypeAlias = builtins.float
_bool: TypeAlias = builtins.bool
_str: TypeAlias = builtins.str
_Number: TypeAlias = builtins.int | builtins.float | builtins.bool
_DeviceLike: TypeAlias = device | builtins.str | builtins.int | None
_FileLike: TypeAlias = builtins.str | PathLike[builtins.str] | IO[bytes]
"""

RESULT_TUPLE_NAMES = (
    "_Frexp _Histogram _HistogramDD _MinMax _Qr _Slogdet _Svd _ValuesIndices".split()
)
RESULT_TUPLES = """
class _ValuesIndices(NamedTuple):
    values: Tensor
    indices: Tensor

class _MinMax(NamedTuple):
    min: Tensor
    max: Tensor

class _Frexp(NamedTuple):
    mantissa: Tensor
    exponent: Tensor

class _Histogram(NamedTuple):
    hist: Tensor
    bin_edges: Tensor

class _HistogramDD(NamedTuple):
    hist: Tensor
    bin_edges: list[Tensor]

class _Slogdet(NamedTuple):
    sign: Tensor
    logabsdet: Tensor

class _Svd(NamedTuple):
    U: Tensor
    S: Tensor
    V: Tensor

class _Qr(NamedTuple):
    Q: Tensor
    R: Tensor
"""

_SIMPLE_ANNOTATIONS = {
    "int": "_int",
    "float": "_float",
    "bool": "_bool",
    "str": "_str",
    "int | None": "_int | None",
    "float | None": "_float | None",
    "bool | None": "_bool | None",
    "str | None": "_str | None",
}


def _annotation_text(annotation) -> str | None:
    """A source annotation the stub can use as is (builtins, optionally None), else None."""
    if annotation is inspect.Parameter.empty:
        return None
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return _SIMPLE_ANNOTATIONS.get(text)


def parameter_type(
    function_name: str, parameter: inspect.Parameter, table: dict[str, str] = PARAM_TYPES
) -> str:
    """The stub's type of one parameter: from the table by name, else the source's annotation,
    else ``Any``; ``| None`` added when the default is None."""
    name = parameter.name
    if (function_name, name) in PARAM_OVERRIDES:
        text = PARAM_OVERRIDES[function_name, name]
    elif name == "dim" and function_name in _MULTI_DIM:
        text = "_int | Sequence[_int]"
    elif name == "other" and function_name in _TENSOR_OTHER:
        text = "Tensor"
    elif name in table:
        text = table[name]
    else:
        text = _annotation_text(parameter.annotation) or "Any"
    if parameter.default is None and "None" not in text and text not in ("Any", "_DeviceLike"):
        text += " | None"
    if parameter.kind is parameter.VAR_POSITIONAL and name not in table:
        text = "Any"
    elif name in _TENSOR_SEQUENCES and parameter.kind is not parameter.VAR_POSITIONAL:
        text = "Sequence[Tensor]"
    if parameter.kind is parameter.VAR_KEYWORD:
        text = "Any"
    return text


def render_parameters(
    function_name: str,
    parameters: list[inspect.Parameter],
    table: dict[str, str] = PARAM_TYPES,
    method: bool = False,
) -> str:
    """A stub's parameter list (defaults as ``...``); a method's first parameter is left bare."""
    parts = []
    previous_kind = None
    for p in parameters:
        if p.kind is p.KEYWORD_ONLY and previous_kind not in (p.VAR_POSITIONAL, p.KEYWORD_ONLY):
            parts.append("*")
        if method and previous_kind is None:
            parts.append(p.name)
        elif p.kind is p.VAR_POSITIONAL:
            parts.append(f"*{p.name}: {parameter_type(function_name, p, table)}")
        elif p.kind is p.VAR_KEYWORD:
            parts.append(f"**{p.name}: {parameter_type(function_name, p, table)}")
        else:
            default = "" if p.default is p.empty else " = ..."
            parts.append(f"{p.name}: {parameter_type(function_name, p, table)}{default}")
        if p.kind is p.POSITIONAL_ONLY and (
            parameters.index(p) + 1 == len(parameters)
            or parameters[parameters.index(p) + 1].kind is not p.POSITIONAL_ONLY
        ):
            parts.append("/")
        previous_kind = p.kind
    return ", ".join(parts)


def runtime_parameters(function) -> list[inspect.Parameter]:
    """The parameters as ``inspect.signature`` sees them (it follows ``__wrapped__``)."""
    return list(inspect.signature(function).parameters.values())


def hides_parameters(parameters: list[inspect.Parameter]) -> bool:
    """Whether a signature passes its arguments on unnamed (``*args, **kwargs``)."""
    kinds = {p.kind for p in parameters}
    return {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD} <= kinds


def _tensor_method_names() -> list[str]:
    import ferrograd

    return sorted(n for n in dir(ferrograd.Tensor) if not n.startswith("_"))


def _hand_written_names(text: str) -> set[str]:
    return {line.split("def ", 1)[1].split("(")[0] for line in text.splitlines() if "def " in line}


def _method_parameters(tensor_class, name: str) -> list[inspect.Parameter]:
    """A method's parameters; an in-place form generated as ``(*args, **kwargs)`` takes its
    out-of-place form's."""
    params = runtime_parameters(inspect.getattr_static(tensor_class, name))
    if hides_parameters(params) and name.endswith("_"):
        base = getattr(tensor_class, name[:-1], None)
        if base is not None and not hides_parameters(runtime_parameters(base)):
            return runtime_parameters(base)
    return params


def render_tensor_stub() -> str:
    import ferrograd

    tensor_class = ferrograd.Tensor
    hand_written = _hand_written_names(TENSOR_METHODS)
    body = [TENSOR_DUNDERS.strip("\n")]
    for name in _tensor_method_names():
        static = inspect.getattr_static(tensor_class, name)
        if isinstance(static, property):
            kind = PROPERTY_TYPES[name]
            body.append(f"    @property\n    def {name}(self) -> {kind}: ...")
            if static.fset is not None:
                body.append(f"    @{name}.setter\n    def {name}(self, value: {kind}) -> None: ...")
            continue
        if name in hand_written:
            continue
        params = _method_parameters(tensor_class, name)
        if not isinstance(static, (staticmethod, classmethod)):
            # Functions installed as methods name their tensor ``input``; a stub's is ``self``.
            params[0] = params[0].replace(name="self")
        returns = RETURN_TYPES.get(name, "Tensor")
        decorator = ""
        if isinstance(static, staticmethod):
            decorator = "    @staticmethod\n"
        elif isinstance(static, classmethod):
            decorator = "    @classmethod\n"
        rendered = render_parameters(name, params, method=not isinstance(static, staticmethod))
        body.append(f"{decorator}    def {name}({rendered}) -> {returns}: ...")
    body.append(TENSOR_METHODS.strip("\n"))
    header = '"""Generated by tools/generate_stubs.py from the runtime class: do not edit."""\n'
    return (
        header
        + TENSOR_HEADER
        + ALIASES
        + '\n__all__ = ["Tensor"]\n'
        + RESULT_TUPLES
        + "\nclass Tensor:\n"
        + "\n".join(body)
        + "\n"
    )


def _method_form_parameters(method_params, runtime_params) -> list[inspect.Parameter]:
    """The parameters of ``ferrograd.f(input, ...)`` made from the method ``Tensor.f``:
    ``self`` takes the function's name for it, and ``out=`` is added where the function takes it."""
    first = runtime_params[0].name  # ``input``, or ``self`` where the method itself is exported
    params = [method_params[0].replace(name=first), *method_params[1:]]
    if any(p.name == "out" for p in runtime_params) and not any(p.name == "out" for p in params):
        out = inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None)
        if params and params[-1].kind is inspect.Parameter.VAR_KEYWORD:
            params.insert(len(params) - 1, out)
        else:
            params.append(out)
    return params


def namespace_names() -> list[str]:
    import ferrograd

    return sorted(set(ferrograd.__all__))


def render_namespace_stub() -> str:
    import ferrograd

    imports, values, functions = [], [], []
    hand_written = _hand_written_names(FUNCTIONS)
    value_types = set()
    for name in namespace_names():
        obj = getattr(ferrograd, name)
        if isinstance(obj, types.ModuleType):
            module = obj.__name__.removeprefix("ferrograd.")
            imports.append(f"from . import {module} as {name}")
        elif isinstance(obj, type):
            imports.append(_import_line(obj, name))
        elif name in hand_written:
            continue
        elif isinstance(obj, types.FunctionType):
            functions.append(_render_function(ferrograd, name, obj))
        else:
            kind = type(obj)
            if obj is None:
                values.append(f"{name}: None")
                continue
            if kind.__module__ == "builtins":
                values.append(f"{name}: _{kind.__name__}")
                continue
            # the value's class under a private name: its public one may be a dtype's alias
            alias = _HEADER_ALIASES.get(kind.__name__) or "_" + kind.__name__.title()
            if kind.__name__ not in _HEADER_ALIASES:
                value_types.add(_import_line(kind, alias))
            values.append(f"{name}: {alias}")
    header = '"""Generated by tools/generate_stubs.py from the runtime namespace: do not edit."""\n'
    return (
        header
        + NAMESPACE_HEADER
        + "\n".join(sorted(set(imports) | value_types))
        + "\nfrom ._tensor import (\n"
        + "".join(f"    {t} as {t},\n" for t in RESULT_TUPLE_NAMES)
        + ")\n"
        + ALIASES
        + "\n"
        + "\n".join(values)
        + "\n\n"
        + "\n".join(functions)
        + "\n"
        + FUNCTIONS.lstrip("\n")
    )


def _defining_module(cls) -> str:
    """The module a class is defined in; classes that present themselves as ``ferrograd.X``
    (the legacy tensor types) are looked up among the package's modules."""
    if cls.__module__ != "ferrograd":
        return cls.__module__
    for module_name, module in sorted(sys.modules.items()):
        if module_name.startswith("ferrograd.") and vars(module).get(cls.__name__) is cls:
            return module_name
    raise LookupError(f"no module of ferrograd defines {cls.__name__}")


def _import_line(cls, name: str) -> str:
    module = _defining_module(cls)
    relative = "." + module.removeprefix("ferrograd.") if module != "ferrograd" else "."
    if name == cls.__qualname__:
        return f"from {relative} import {name} as {name}"
    return f"from {relative} import {cls.__qualname__} as {name}"


def _render_function(namespace, name: str, function) -> str:
    params = runtime_parameters(function)
    method = getattr(namespace.Tensor, name, None)
    if (
        hides_parameters(params)
        and method is not None
        and not isinstance(inspect.getattr_static(namespace.Tensor, name), property)
    ):
        if name in _hand_written_names(TENSOR_METHODS):
            return f"def {name}({params[0].name}: Tensor, *args: Any, **kwargs: Any) -> Any: ..."
        params = _method_form_parameters(_method_parameters(namespace.Tensor, name), params)
    returns = RETURN_TYPES.get(name, "Tensor")
    return f"def {name}({render_parameters(name, params)}) -> {returns}: ..."


# ferrograd.nn.functional: the names that differ in meaning there.
_FUNCTIONAL_TENSORS = """
    target targets log_probs input_lengths target_lengths anchor positive negative grid theta
    pos_weight offsets per_sample_weights logits var _random_samples query key in_proj_weight
    in_proj_bias bias_k bias_v out_proj_weight out_proj_bias key_padding_mask attn_mask
    q_proj_weight k_proj_weight v_proj_weight static_k static_v
""".split()
_FUNCTIONAL_FLOATS = """
    margin negative_slope min_val max_val lower upper norm_type label_smoothing tau delta
    max_norm value alpha beta threshold p
""".split()
_FUNCTIONAL_BOOLS = """
    size_average reduce align_corners hard full swap log_target log_input include_last_offset
    antialias recompute_scale_factor zero_infinity
""".split()
FUNCTIONAL_PARAM_TYPES: dict[str, str] = {
    **PARAM_TYPES,
    **dict.fromkeys(_FUNCTIONAL_TENSORS, "Tensor"),
    **dict.fromkeys(_FUNCTIONAL_FLOATS, "_float"),
    **dict.fromkeys(_FUNCTIONAL_BOOLS, "_bool"),
    "reduction": "_str",
    "padding": "_int | Sequence[_int] | _str",
    "pad": "Sequence[_int]",
    "scale_factor": "_float | Sequence[_float]",
    "output_ratio": "_float | Sequence[_float]",
    "ignore_index": "_int",
    "num_classes": "_int",
    "blank": "_int",
    "divisor_override": "_int",
    "_stacklevel": "_int",
    "approximate": "_str",
    "padding_mode": "_str",
    "distance_function": "Callable[[Tensor, Tensor], Tensor]",
    "dim": "_int",
}
FUNCTIONAL_RETURN_TYPES: dict[str, str] = {
    "multi_head_attention_forward": "tuple[Tensor, Tensor | None]",
}


# ferrograd.linalg: matrices are ``A``/``B``; the ``_ex`` forms and factorizations return named
# tuples (declared in the stub, as the runtime's are plain namedtuples).
FFT_PARAM_TYPES: dict[str, str] = {
    **PARAM_TYPES,
    "d": "_float",
    "dim": "_int | Sequence[_int] | None",
    "norm": "_str | None",
}

LINALG_PARAM_TYPES: dict[str, str] = {
    **PARAM_TYPES,
    "A": "Tensor",
    "B": "Tensor",
    "tau": "Tensor",
    "ord": "_float | _str | None",
    "p": "_float | _str | None",
    "UPLO": "_str",
    "driver": "_str",
    "check_errors": "_bool",
    "left": "_bool",
    "unitriangular": "_bool",
    "hermitian": "_bool",
    "full_matrices": "_bool",
    "atol": "_float | Tensor",
    "rtol": "_float | Tensor",
    "tol": "_float | Tensor",
    "rcond": "_float | Tensor",
    "ind": "_int",
    "dim": "_int | Sequence[_int]",
    "dims": "Sequence[_int]",
    "mode": "_str",
}
LINALG_RESULTS = """
class _CholeskyEx(NamedTuple):
    L: Tensor
    info: Tensor

class _Eig(NamedTuple):
    eigenvalues: Tensor
    eigenvectors: Tensor

class _InvEx(NamedTuple):
    inverse: Tensor
    info: Tensor

class _Lstsq(NamedTuple):
    solution: Tensor
    residuals: Tensor
    rank: Tensor
    singular_values: Tensor

class _Qr(NamedTuple):
    Q: Tensor
    R: Tensor

class _Slogdet(NamedTuple):
    sign: Tensor
    logabsdet: Tensor

class _SolveEx(NamedTuple):
    result: Tensor
    info: Tensor

class _Svd(NamedTuple):
    U: Tensor
    S: Tensor
    Vh: Tensor
"""
LINALG_RETURN_TYPES: dict[str, str] = {
    "cholesky_ex": "_CholeskyEx",
    "eig": "_Eig",
    "eigh": "_Eig",
    "inv_ex": "_InvEx",
    "lstsq": "_Lstsq",
    "lu": "tuple[Tensor, Tensor, Tensor]",
    "lu_factor": "tuple[Tensor, Tensor]",
    "lu_factor_ex": "tuple[Tensor, Tensor, Tensor]",
    "qr": "_Qr",
    "slogdet": "_Slogdet",
    "solve_ex": "_SolveEx",
    "svd": "_Svd",
}


@dataclass(frozen=True)
class FunctionModule:
    """A public module of plain functions (and classes), stubbed from its ``__all__``."""

    name: str  # the module, e.g. "ferrograd.nn.functional"
    stub: str  # the stub's path under python/ferrograd
    parameter_types: dict[str, str]
    return_types: dict[str, str]
    declarations: str = ""  # what the returns name (result tuples)
    # public functions kept out of ``__all__`` (there, ``__all__`` also decides which functions
    # the ``__torch_function__`` protocol wraps)
    unlisted: tuple[str, ...] = ()

    def module(self) -> types.ModuleType:
        return importlib.import_module(self.name)

    def public_names(self) -> list[str]:
        return sorted({*self.module().__all__, *self.unlisted})


FUNCTION_MODULES = [
    FunctionModule(
        "ferrograd.nn.functional",
        "nn/functional.pyi",
        FUNCTIONAL_PARAM_TYPES,
        FUNCTIONAL_RETURN_TYPES,
        # attention's Python code: public, yet traced through by the ONNX exporter
        unlisted=("multi_head_attention_forward", "scaled_dot_product_attention"),
    ),
    FunctionModule("ferrograd.special", "special.pyi", PARAM_TYPES, {}),
    FunctionModule("ferrograd.fft", "fft/__init__.pyi", FFT_PARAM_TYPES, {}),
    FunctionModule(
        "ferrograd.linalg",
        "linalg/__init__.pyi",
        LINALG_PARAM_TYPES,
        LINALG_RETURN_TYPES,
        LINALG_RESULTS,
    ),
]


def render_function_module_stub(spec: FunctionModule) -> str:
    module = spec.module()
    package = "." * spec.stub.count("/") + "."  # the relative prefix back to ferrograd/
    lines, imports = [], []
    for name in spec.public_names():
        obj = getattr(module, name)
        if isinstance(obj, type):
            imports.append(_import_line(obj, name).replace("from .", f"from {package}", 1))
            continue
        params = runtime_parameters(obj)
        if any(p.name == "return_indices" for p in params):
            returns = "Any"  # Tensor, or (Tensor, indices) with return_indices=True
        else:
            returns = spec.return_types.get(name, "Tensor")
        rendered = render_parameters(name, params, spec.parameter_types)
        lines.append(f"def {name}({rendered}) -> {returns}: ...")
    header = f'"""Generated by tools/generate_stubs.py from {spec.name}: do not edit."""\n'
    return (
        header
        + "\nimport builtins\nfrom collections.abc import Callable, Sequence\n"
        + "from os import PathLike\nfrom typing import IO, Any, NamedTuple, TypeAlias\n\n"
        + f"from {package}_device import device\nfrom {package}_dtype import dtype as _DType\n"
        + f"from {package}_tensor import Tensor\n"
        + "".join(line + "\n" for line in sorted(imports))
        + ALIASES
        + spec.declarations
        + "\n"
        + "\n".join(lines)
        + "\n"
    )


def generated_stubs() -> dict[str, Callable[[], str]]:
    """Each stub this script writes (its path under python/ferrograd) and what renders it."""
    stubs = {"_tensor.pyi": render_tensor_stub, "__init__.pyi": render_namespace_stub}
    for spec in FUNCTION_MODULES:
        stubs[spec.stub] = functools.partial(render_function_module_stub, spec)
    return stubs


def write(path: Path, text: str) -> None:
    path.write_text(text)


def main() -> int:
    sys.path.insert(0, str(ROOT / "python"))
    for relative, render in generated_stubs().items():
        write(PACKAGE / relative, render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
