"""Type stub of the compiled extension ``ferrograd._core`` (the binding in rust/ferrograd-py/src).

Written by hand; ``scripts/check_core_stub.py`` (run by ``scripts/lint.sh``) checks that it
declares exactly the binding's functions, classes and members, with the binding's parameters.

``ferrograd.Tensor`` subclasses ``TensorImpl``: its ``_``-prefixed methods are the engine's, the
mixins build the public API on them. Every tensor the binding returns is an instance of the
class registered with ``register_tensor_type`` (``ferrograd.Tensor``, from its import on).
dtype arguments are names: ``"bool"``, ``"int32"`` (or ``"int"``), ``"int64"`` (``"long"``),
``"float32"`` (``"float"``), ``"float64"`` (``"double"``).
"""

from collections.abc import Callable, Sequence
from types import EllipsisType
from typing import Any, Literal, Protocol, SupportsIndex, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt

from ferrograd._tensor import Tensor
from ferrograd.cuda._table import KernelTable

__version__: str  # the Cargo workspace's version

_T = TypeVar("_T", bound=TensorImpl)
_DTypeName: TypeAlias = Literal["bool", "int32", "int64", "float32", "float64"]
# The other operand of an arithmetic operation: a tensor, a Python or NumPy number (a 0-d
# tensor of the dtype PyTorch gives it), or a NumPy array (copied).
_Operand: TypeAlias = TensorImpl | bool | int | float | np.generic | npt.NDArray[Any]
_IndexItem: TypeAlias = SupportsIndex | slice | EllipsisType | None
_Index: TypeAlias = _IndexItem | tuple[_IndexItem, ...]
_Pair: TypeAlias = tuple[int, int]
# Gradients handed to hooks and to a custom Function's backward: one per slot, None for none.
_Grads: TypeAlias = list[Tensor | None]

class _CustomBackward(Protocol):
    """The backward of an ``autograd.Function`` as recorded by ``apply_function``."""

    def __call__(self, saved: _Grads, grad_outputs: _Grads, /) -> Sequence[TensorImpl | None]: ...
    def release(self) -> None: ...

class Node:
    """A graph node (a tensor's ``grad_fn``)."""

    def name(self) -> str: ...
    @property
    def next_functions(self) -> list[tuple[Node | None, int]]:
        """``((node or None, input slot), ...)``, one per input of the operation."""
    def key(self) -> tuple[int, int]:
        """Equal for two handles to the same node."""
    def saved_shapes(self) -> list[list[int]]: ...
    def saved_tensors(self) -> list[Tensor | None]:
        """The values saved for the node's backward, one per slot (None where none was
        saved); packed ones go through their unpack hook."""
    def variable(self) -> Tensor | None:
        """The leaf of an ``AccumulateGrad`` node (None for other nodes)."""
    def is_released(self) -> bool: ...
    def register_hook(
        self, hook: Callable[[_Grads, _Grads], Sequence[TensorImpl | None] | None]
    ) -> int:
        """``hook(grad_inputs, grad_outputs)``; returns the id for ``remove_hook``."""
    def register_prehook(self, hook: Callable[[_Grads], Sequence[TensorImpl | None] | None]) -> int:
        """``hook(grad_outputs)``; returns the id for ``remove_hook``."""
    def remove_hook(self, id: int) -> bool: ...

class TensorImpl:
    """The engine's tensor. ``TensorImpl(source)`` is another object for ``source``'s tensor."""

    def __new__(cls: type[_T], source: TensorImpl) -> _T: ...

    # ------------------------------------------------------------------ attributes
    @property
    def _shape(self) -> tuple[int, ...]: ...
    @property
    def _dtype(self) -> _DTypeName: ...
    @property
    def _device(self) -> str:
        """``"cpu"`` or ``"cuda:N"``."""
    @property
    def _ndim(self) -> int: ...
    @property
    def _strides(self) -> list[int]: ...
    @property
    def _storage_offset(self) -> int: ...
    @property
    def _base(self) -> Tensor | None:
        """The tensor this one is a view of, or None."""
    @property
    def _requires_grad(self) -> bool: ...
    @_requires_grad.setter
    def _requires_grad(self, value: bool) -> None: ...
    @property
    def _is_leaf(self) -> bool: ...
    @property
    def _grad(self) -> Tensor | None: ...
    @_grad.setter
    def _grad(self, grad: TensorImpl | None) -> None: ...
    @property
    def _grad_fn(self) -> Node | None: ...
    @property
    def _version_counter(self) -> int: ...
    @property
    def _output_nr(self) -> int: ...
    @property
    def _retains_grad(self) -> bool: ...

    # ------------------------------------------------------------------ operators
    def __add__(self, value: _Operand, /) -> Tensor: ...
    def __radd__(self, value: _Operand, /) -> Tensor: ...
    def __sub__(self, value: _Operand, /) -> Tensor: ...
    def __rsub__(self, value: _Operand, /) -> Tensor: ...
    def __mul__(self, value: _Operand, /) -> Tensor: ...
    def __rmul__(self, value: _Operand, /) -> Tensor: ...
    def __truediv__(self, value: _Operand, /) -> Tensor: ...
    def __rtruediv__(self, value: _Operand, /) -> Tensor: ...
    def __matmul__(self, value: TensorImpl, /) -> Tensor: ...
    def __rmatmul__(self, value: TensorImpl, /) -> Tensor: ...
    def __neg__(self) -> Tensor: ...

    # ------------------------------------------------------------------ identity and data
    def _numel(self) -> int: ...
    def _same(self, other: TensorImpl) -> bool:
        """Same tensor (not just equal values)."""
    def _shares_data(self, other: TensorImpl) -> bool: ...
    def _memory(self) -> tuple[int, int, int]:
        """The addresses of the first element and of the storage's start, and the storage's
        size in bytes (host tensors; 0 for device tensors)."""
    def _is_contiguous(self) -> bool: ...
    def _is_inference(self) -> bool: ...
    def _numpy(self) -> npt.NDArray[Any]:
        """A copy of the elements on the host."""
    def _item(self) -> bool | int | float: ...
    def _detach(self) -> Tensor: ...
    def _detach_(self) -> None: ...
    def _set_data(self, other: TensorImpl) -> None: ...
    def _move_storage(self, memory: npt.NDArray[Any]) -> bool:
        """Moves the storage this tensor views (with its base and every view) into ``memory``,
        a writeable C-contiguous array of exactly its bytes (shared memory); False when it was
        moved before."""
    def _clone_tensor(self) -> Tensor: ...
    def _contiguous(self) -> Tensor: ...
    def _to_dtype(self, dtype: str) -> Tensor: ...

    # ------------------------------------------------------------------ arithmetic
    def _unary(self, name: str) -> Tensor:
        """``name``: neg, abs, exp, log, sqrt, rsqrt, sin, cos, tan, tanh, sigmoid, relu, log1p,
        expm1, erf, reciprocal, sign, floor, ceil, round, trunc, bitwise_not, logical_not."""
    def _binary(self, name: str, other: _Operand) -> Tensor:
        """``name``: add, sub, rsub, mul, div, pow, remainder, floor_divide, atan2, maximum,
        minimum, matmul, eq, ne, lt, le, gt, ge, bitwise_and/or/xor, logical_and/or/xor."""
    def _rbinary(self, name: str, other: _Operand) -> Tensor:
        """``other <op> self``, for the reflected operators."""
    def _matmul(self, other: TensorImpl) -> Tensor: ...
    def _clamp(self, min: float | None = None, max: float | None = None) -> Tensor: ...
    def _where_(self, condition: TensorImpl, other: _Operand) -> Tensor: ...

    # ------------------------------------------------------------------ in place
    def _inplace(self, name: str, other: _Operand) -> None:
        """``name``: add, sub, mul, div, pow, remainder, floor_divide, bitwise_and/or/xor,
        copy."""
    def _inplace_unary(self, name: str) -> None: ...
    def _inplace_clamp(self, min: float | None = None, max: float | None = None) -> None: ...
    def _add_scaled_(self, other: _Operand, alpha: float) -> None:
        """``self += alpha * other``."""
    def _fill_(self, value: int | float) -> None: ...
    def _rebase_onto(self, result: TensorImpl) -> None:
        """Makes this tensor the output ``result`` of a recorded in-place operation."""

    # ------------------------------------------------------------------ shape and views
    def _reshape(self, shape: Sequence[int]) -> Tensor: ...
    def _view(self, shape: Sequence[int]) -> Tensor: ...
    def _flatten(self, start_dim: int, end_dim: int) -> Tensor: ...
    def _unsqueeze(self, dim: int) -> Tensor: ...
    def _squeeze(self, dim: int | None = None) -> Tensor: ...
    def _transpose(self, dim0: int, dim1: int) -> Tensor: ...
    def _permute(self, dims: Sequence[int]) -> Tensor: ...
    def _t_all(self) -> Tensor: ...
    def _expand(self, shape: Sequence[int]) -> Tensor: ...
    def _diagonal(self, offset: int, dim1: int, dim2: int) -> Tensor: ...
    def _unfold(self, dim: int, size: int, step: int) -> Tensor: ...
    def _as_strided(
        self, size: Sequence[int], stride: Sequence[int], storage_offset: int | None = None
    ) -> Tensor: ...
    def _getitem(self, index: _Index) -> Tensor: ...
    def _setitem(self, index: _Index, value: _Operand) -> None: ...

    # ------------------------------------------------------------------ reductions
    def _sum(self, dims: Sequence[int] | None = None, keepdim: bool = False) -> Tensor: ...
    def _nansum(self, dims: Sequence[int] | None = None, keepdim: bool = False) -> Tensor: ...
    def _mean(self, dims: Sequence[int] | None = None, keepdim: bool = False) -> Tensor: ...
    def _max_all(self) -> Tensor: ...
    def _min_all(self) -> Tensor: ...
    def _max_dim(self, dim: int, keepdim: bool) -> tuple[Tensor, Tensor]:
        """``(values, indices)``."""
    def _min_dim(self, dim: int, keepdim: bool) -> tuple[Tensor, Tensor]:
        """``(values, indices)``."""
    def _argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor: ...
    def _argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor: ...

    # ------------------------------------------------------------------ autograd
    def _backward(
        self,
        gradient: TensorImpl | None = None,
        retain_graph: bool = False,
        create_graph: bool = False,
        inputs: Sequence[TensorImpl] | None = None,
    ) -> None: ...
    def _retain_grad(self) -> None: ...
    def _register_hook(self, hook: Callable[[Tensor], TensorImpl | None]) -> tuple[Node, int]:
        """``hook(grad) -> grad or None``; returns ``(node, hook id)`` for removal."""
    def _register_post_accumulate_grad_hook(self, hook: Callable[[], object]) -> tuple[Node, int]:
        """``hook()`` after the leaf's gradient was accumulated; returns ``(node, hook id)``."""

# ---------------------------------------------------------------------- creation

def from_numpy(array: npt.NDArray[Any], share: bool = False) -> Tensor:
    """A tensor from a NumPy array; ``share`` keeps the array's memory when its layout
    allows."""

def full(shape: Sequence[int], value: int | float, dtype: str, device: str = "cpu") -> Tensor: ...
def arange(
    start: int | float, end: int | float, step: int | float, dtype: str, device: str = "cpu"
) -> Tensor: ...
def linspace(start: float, end: float, steps: int, dtype: str) -> Tensor: ...
def eye(n: int, m: int, dtype: str) -> Tensor: ...
def rand(shape: Sequence[int], dtype: str) -> Tensor: ...
def randn(shape: Sequence[int], dtype: str) -> Tensor: ...
def randint(low: int, high: int, shape: Sequence[int], dtype: str) -> Tensor: ...
def bernoulli(shape: Sequence[int], p: float, dtype: str) -> Tensor: ...
def manual_seed(seed: int) -> None: ...

# The op table (one dict per pointwise op: name, inputs, node, kernel, result, differentiable,
# and for a one-input op saves: "input", "output" or "nothing").
def _op_table() -> list[dict[str, Any]]: ...

# ---------------------------------------------------------------------- autograd

def is_grad_enabled() -> bool: ...
def set_grad_enabled(enabled: bool) -> bool:
    """Sets this thread's grad mode; returns the previous one."""

def set_inference_mode(enabled: bool) -> bool: ...
def is_inference_mode_enabled() -> bool: ...
def set_anomaly_enabled(enabled: bool) -> bool: ...
def is_anomaly_enabled() -> bool: ...
def set_anomaly_check_nan(check_nan: bool) -> bool: ...
def is_anomaly_check_nan_enabled() -> bool: ...
def set_trace_provider(provider: Callable[[], str] | None = None) -> None:
    """Installs the function that formats the Python stack for nodes made in anomaly mode."""

def backward(
    outputs: Sequence[TensorImpl],
    grad_outputs: Sequence[TensorImpl | None],
    inputs: Sequence[TensorImpl],
    retain_graph: bool,
    create_graph: bool,
) -> None: ...
def grad(
    outputs: Sequence[TensorImpl],
    inputs: Sequence[TensorImpl],
    grad_outputs: Sequence[TensorImpl | None],
    retain_graph: bool,
    create_graph: bool,
    allow_unused: bool,
) -> list[Tensor | None]: ...
def queue_callback(callback: Callable[[], Any]) -> None:
    """Queues ``callback`` to run when the backward pass running on this thread finishes
    (``Variable._execution_engine.queue_callback``); RuntimeError outside a pass."""

def apply_function(
    name: str,
    backward: _CustomBackward,
    inputs: Sequence[TensorImpl],
    outputs: Sequence[TensorImpl],
    saved: Sequence[TensorImpl | int],
    non_differentiable: Sequence[bool],
) -> list[Tensor]:
    """Records a custom Function: ``outputs`` are its forward's results; ``saved`` holds tensors
    or (ints) indices of outputs to keep for ``backward(saved, grad_outputs)``."""

def push_saved_tensor_hooks(pack: Callable[[Tensor], Any], unpack: Callable[[Any], Tensor]) -> None:
    """Installs saved-tensor hooks on this thread (``autograd.graph.saved_tensors_hooks``)."""

def pop_saved_tensor_hooks() -> bool:
    """Removes the innermost saved-tensor hooks of this thread; false when there were none."""

def live_nodes() -> int:
    """Number of live nodes in the graph arena (diagnostics and leak tests)."""

def _debug_panic(message: str, place: str = "here") -> None:
    """Panics on purpose (tests of the panic boundary): ``here``, ``arena`` (holding the arena
    lock) or ``pool`` (in a kernel thread-pool task). Raises ``RuntimeError``."""

# ---------------------------------------------------------------------- forward-mode AD

def enter_dual_level() -> int:
    """Opens a dual level on this thread; returns its index."""

def exit_dual_level(level: int | None = None) -> None:
    """Closes the dual level (the open one when ``level`` is None), dropping its tangents."""

def current_dual_level() -> int | None: ...
def make_dual(primal: TensorImpl, tangent: TensorImpl, level: int | None = None) -> Tensor: ...
def unpack_dual(tensor: TensorImpl, level: int | None = None) -> tuple[Tensor, Tensor | None]:
    """``(primal, tangent or None)`` at the open level."""

# ------------------------------------------------------------------------ linear algebra
# Dense factorizations (rust/ferrograd/src/linalg/), without autograd: ferrograd.linalg
# records the nodes. `info` results are int32, 0 where a matrix succeeded.
def linalg_lu_factor(a: TensorImpl) -> tuple[Tensor, Tensor, Tensor]: ...
def linalg_lu_solve(
    lu: TensorImpl, pivots: TensorImpl, b: TensorImpl, transpose: bool
) -> Tensor: ...
def linalg_solve_triangular(
    a: TensorImpl, b: TensorImpl, upper: bool, left: bool, unitriangular: bool
) -> Tensor: ...
def linalg_cholesky(a: TensorImpl, upper: bool) -> tuple[Tensor, Tensor]: ...
def linalg_qr(a: TensorImpl, mode: str) -> tuple[Tensor, Tensor]: ...
def linalg_svd(a: TensorImpl, vectors: str) -> tuple[Tensor, Tensor, Tensor, Tensor]: ...
def linalg_eigh(a: TensorImpl, upper: bool, vectors: bool) -> tuple[Tensor, Tensor, Tensor]: ...
def linalg_eig(a: TensorImpl) -> tuple[Tensor, Tensor, Tensor, Tensor]: ...

# ---------------------------------------------------------------------- neural-network operations

def activation(name: str, input: TensorImpl, *params: float) -> Tensor:
    """An activation PyTorch records as one node (``"elu"``, ``"selu"``, ``"celu"``,
    ``"leaky_relu"``, ``"hardtanh"``, ``"relu6"``, ``"hardswish"``, ``"hardsigmoid"``,
    ``"mish"``, ``"logsigmoid"``, ``"softshrink"``, ``"hardshrink"``, ``"threshold"``) of a
    float32 or float64 CPU tensor, with its parameters in PyTorch's order."""

def gelu(input: TensorImpl, approximate: str = "none") -> Tensor: ...
def silu(input: TensorImpl) -> Tensor: ...
def softplus(input: TensorImpl, beta: float = 1.0, threshold: float = 20.0) -> Tensor: ...

# Fused optimizer steps: one call per parameter group of the rule named ("adam", "sgd",
# "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "radam", "asgd", "rprop"), its
# hyperparameters as keywords (lists for per-parameter state: step, first, mu_product, eta, mu);
# False (nothing changed) when a tensor is not a plain float32/float64 CPU tensor (the optimizer
# then uses tensor operations).
def fused_step(
    rule: str,
    params: Sequence[TensorImpl],
    grads: Sequence[object],
    buffers: Sequence[Sequence[TensorImpl]],
    **hyper: float | bool | Sequence[float] | Sequence[bool],
) -> bool: ...
def softmax(input: TensorImpl, dim: int, log: bool = False) -> Tensor: ...
def layer_norm(
    input: TensorImpl,
    normalized_shape: list[int],
    weight: TensorImpl | None,
    bias: TensorImpl | None,
    eps: float,
) -> Tensor: ...
def logsumexp(input: TensorImpl, dim: int, keepdim: bool = False) -> Tensor: ...
def gather(input: TensorImpl, dim: int, index: TensorImpl) -> Tensor: ...
def scatter_add(input: TensorImpl, dim: int, index: TensorImpl, src: TensorImpl) -> Tensor: ...
def index_select(input: TensorImpl, dim: int, index: TensorImpl) -> Tensor: ...
def index_add_zeros(source: TensorImpl, dim: int, index: TensorImpl, size: int) -> Tensor: ...
def cat(tensors_: Sequence[TensorImpl], dim: int) -> Tensor: ...
def stack(tensors_: Sequence[TensorImpl], dim: int) -> Tensor: ...
def sort(input: TensorImpl, dim: int, descending: bool = False) -> tuple[Tensor, Tensor]:
    """``(values, indices)``."""

# ----------------------------------------------------------------------------- scans
# Along one dimension (rust/ferrograd/src/ops/scan.rs); integer and bool inputs to cumsum and
# cumprod accumulate in int64.

def cumsum(input: TensorImpl, dim: int) -> Tensor: ...
def cumprod(input: TensorImpl, dim: int) -> Tensor: ...
def logcumsumexp(input: TensorImpl, dim: int) -> Tensor: ...
def cum_extreme(input: TensorImpl, dim: int, max: bool) -> tuple[Tensor, Tensor]:
    """``(values, indices)`` of the running maximum (``max``) or minimum."""

def conv2d(
    input: TensorImpl,
    weight: TensorImpl,
    bias: TensorImpl | None,
    stride: _Pair,
    padding: _Pair,
    dilation: _Pair,
    groups: int,
) -> Tensor: ...
def max_pool2d(
    input: TensorImpl, kernel: _Pair, stride: _Pair, padding: _Pair, dilation: _Pair
) -> tuple[Tensor, Tensor]:
    """``(values, indices)``."""

def avg_pool2d(input: TensorImpl, kernel: _Pair, stride: _Pair, padding: _Pair) -> Tensor: ...
def im2col(
    input: TensorImpl, kernel: _Pair, stride: _Pair, padding: _Pair, dilation: _Pair
) -> Tensor: ...
def col2im(
    input: TensorImpl,
    size: _Pair,
    kernel: _Pair,
    stride: _Pair,
    padding: _Pair,
    dilation: _Pair,
) -> Tensor: ...
def linear(input: TensorImpl, weight: TensorImpl, bias: TensorImpl | None = None) -> Tensor:
    """``input @ weight.T + bias`` as one product."""

def loss(
    kind: str,
    input: TensorImpl,
    target: TensorImpl,
    reduction: str,
    weight: TensorImpl | None = None,
    pos_weight: TensorImpl | None = None,
    parameter: float = 1.0,
    ignore_index: int = -100,
    p: int = 1,
) -> Tensor:
    """A loss PyTorch computes as one node, by its functional name (``"mse_loss"``,
    ``"nll_loss"``, ``"cross_entropy"``, ``"smooth_l1_loss"``, ``"huber_loss"``,
    ``"soft_margin_loss"``, ``"binary_cross_entropy"``, ``"binary_cross_entropy_with_logits"``,
    ``"multi_margin_loss"``, ``"multilabel_margin_loss"``); ``parameter`` is ``beta``, ``delta``
    or ``margin`` (``p`` multi_margin's power); ``reduction``: ``"none"``, ``"mean"`` or
    ``"sum"``."""

def lstm_cell(gates: TensorImpl, c: TensorImpl) -> tuple[Tensor, Tensor]:
    """The LSTM cell's pointwise step, one kernel: ``(h', c')`` from the gates'
    pre-activations ``(B, 4H)`` (input, forget, cell, output) and the cell state ``(B, H)``."""

def lstm_layer(
    projected: TensorImpl, h0: TensorImpl, c0: TensorImpl, w_hh: TensorImpl, reverse: bool
) -> tuple[Tensor, Tensor, Tensor]:
    """One direction of an LSTM layer over a sequence, one node: ``(outputs, h, c)`` from the
    input's projection ``(T, B, 4H)`` (with both biases), the initial state ``(B, H)`` each and
    the hidden weights ``(4H, H)``; ``reverse`` runs from the last step to the first."""

def gru_cell(gx: TensorImpl, gh: TensorImpl, h: TensorImpl) -> Tensor:
    """The GRU cell's pointwise step, one kernel: ``h'`` from the input's projection (with
    ``b_ih``), the state's (with ``b_hh``), both ``(B, 3H)``, and the state ``(B, H)``."""

def scaled_dot_product_attention(
    query: TensorImpl,
    key: TensorImpl,
    value: TensorImpl,
    attn_mask: TensorImpl | None,
    is_causal: bool,
    scale: float,
    dropout_p: float = 0.0,
    seed: int = 0,
    offset: int = 0,
) -> Tensor:
    """``softmax(query·keyᵀ·scale + attn_mask)·value`` as one fused op (float32/float64):
    query ``(..., L, E)``, key ``(..., S, E)``, value ``(..., S, Ev)`` with equal batch
    dimensions, except that key and value may have a divisor of the query's heads (dim -3);
    ``attn_mask`` is additive, in the query's dtype, broadcastable to ``(..., L, S)``. With
    ``dropout_p`` in (0, 1), weights are dropped by the mask ``seed`` (64 bits) and ``offset``
    (32 bits) pick, and the rest scaled by ``1/(1-dropout_p)``."""

def attention_dropout_factors(
    like: TensorImpl, shape: list[int], dropout_p: float, seed: int, offset: int
) -> Tensor:
    """The factors the fused attention's dropout multiplies weights of ``shape`` ``(..., L,
    S)`` by: ``1/(1-dropout_p)`` where kept, 0 where dropped (in ``like``'s dtype and on its
    device); the whole mask, for tests."""

# ---------------------------------------------------------------------- devices and exchange

def register_cuda_backend(table: KernelTable | None) -> None:
    """Installs the kernel table of ``cuda`` tensors (None removes it)."""

def register_meta_backend(table: object | None) -> None:
    """Installs the kernel table of ``meta`` tensors (None removes it)."""

def to_device(tensor: TensorImpl, device: str) -> Tensor:
    """``tensor`` on ``device`` (differentiable: the gradient goes back to its device)."""

def from_device_array(array: Any, device: str, requires_grad: bool = False) -> Tensor:
    """A tensor around an array of the device backend (no copy), e.g. a CuPy array."""

def device_array(tensor: TensorImpl) -> Any | None:
    """The backend's array of a device tensor (None for a host tensor)."""

def numpy_view(tensor: TensorImpl) -> npt.NDArray[Any]:
    """A NumPy array over a host tensor's elements, sharing its memory."""

# ---------------------------------------------------------------------- the Python layer

def register_tensor_type(cls: type[TensorImpl]) -> None:
    """Makes ``cls`` the class of every tensor returned from now on (called once, by
    ``ferrograd._tensor``)."""

def join_thread_pool(num_threads: int = 0) -> bool:
    """Makes the calling thread worker 0 of the kernels' thread pool (of ``num_threads``
    threads, 0: the default); false when the pool was already built."""

def set_num_threads(num_threads: int) -> int:
    """Limits how many of the pool's threads one kernel uses (0: all); returns the number now
    used."""

def get_num_threads() -> int:
    """How many threads a kernel started now may use."""

# dtypes (rust/ferrograd-py/src/dtypes.rs): the engine's dtype facts and promotion rules
def dtype_table() -> list[tuple[str, bool, int, bool, str]]:
    """Every dtype as ``(name, is_floating_point, itemsize, is_signed, scalar type name)``."""

def promote_types(a: str, b: str) -> str:
    """PyTorch's ``promote_types`` of two dtype names."""

def result_type(operands: Sequence[tuple[str, int]]) -> str:
    """PyTorch's ``result_type`` of ``(dtype name, priority)`` operands (0: a tensor with
    dimensions, 1: a 0-d tensor, 2: a Python number)."""
