"""The sparse COO tensor type.

A sparse tensor of ``size`` with ``nnz`` stored entries holds an int64 index tensor
``(sparse_dim, nnz)`` and a values tensor ``(nnz, *size[sparse_dim:])`` (PyTorch's layout; the
trailing dimensions of the values are the dense dimensions of a hybrid tensor). Its autograd
identity is its values tensor's: ``requires_grad``, ``is_leaf``, ``grad_fn`` and ``.grad`` are
the values', so every sparse operation is a composition of ordinary differentiable ops on the
values, with the indices worked out on the host. The gradient of a sparse leaf is the gradient
of its stored values, shown as a sparse tensor with the leaf's indices.

The class is not a subclass of the engine's tensor class, so the engine refuses it wherever it
expects a dense tensor (a ``TypeError``, never arithmetic on the values alone), while
``isinstance(s, ferrograd.Tensor)`` holds, as for PyTorch's sparse tensors: ``__class__``
reports ``Tensor``, which ``isinstance`` consults. ``Tensor`` attributes the class does not
define exist as methods that raise ``NotImplementedError`` (PyTorch's exception for an
operator without a sparse kernel)."""

from __future__ import annotations

import inspect
import operator

from .._ops_attributes import sparse_coo
from .._size import Size
from .._tensor import Tensor
from . import _indices, _ops, _repr


def plain(s) -> Tensor:
    """The values of ``s``: the dense tensor that carries its autograd identity."""
    return s._coo_values


def own(values) -> Tensor:
    """A new engine tensor for ``values`` (a view: its elements, graph and forward-mode
    tangent), so a sparse tensor built on it has an autograd identity of its own."""
    return values.view_as(values)


def make(values, indices, size, coalesced: bool) -> SparseCooTensor:
    """The sparse tensor with these values (not copied: pass a tensor no one else holds, see
    ``own``) and indices."""
    s = object.__new__(SparseCooTensor)
    s._coo_values = values
    s._coo_indices = indices
    s._coo_size = Size(size)
    s._coo_coalesced = bool(coalesced) or values.shape[0] < 2
    return s


def same_pattern(s, other) -> bool:
    """Whether ``other`` is a sparse tensor with ``s``'s size and stored positions, in order."""
    if not isinstance(other, SparseCooTensor) or other.shape != s.shape:
        return False
    if other._coo_indices is s._coo_indices:
        return True
    ours, theirs = _indices.host(s._coo_indices), _indices.host(other._coo_indices)
    return ours.shape == theirs.shape and bool((ours == theirs).all())


def refusal(s, name: str) -> NotImplementedError:
    backend = "SparseCPU" if s.is_cpu else "SparseCUDA"
    operator_name = name.strip("_")
    what = f"the dense engine method {name}" if name.startswith("_") else operator_name
    return NotImplementedError(
        f"Could not run 'aten::{operator_name}' with arguments from the '{backend}' backend: "
        f"{what} is not implemented for sparse tensors (convert with to_dense() first)"
    )


def _refused_method(name: str):
    def refused(self, *args, **kwargs):
        raise refusal(self, name)

    refused.__name__ = name
    return refused


def _cast(dtype_name: str):
    def method(self, memory_format=None):
        return self.to(dtype_name)

    method.__doc__ = f"The tensor with its values as {dtype_name}."
    return method


class SparseCooTensor:
    """A tensor in the sparse COO layout (``layout == ferrograd.sparse_coo``). Made by
    ``ferrograd.sparse_coo_tensor`` and ``Tensor.to_sparse()``."""

    __slots__ = ("__weakref__", "_coo_coalesced", "_coo_indices", "_coo_size", "_coo_values")
    # NumPy defers to the tensor in mixed arithmetic, as for dense tensors.
    __array_priority__ = 1000

    def __new__(cls, *args, **kwargs):
        raise TypeError(
            "sparse tensors are made by ferrograd.sparse_coo_tensor(indices, values, size) or "
            "Tensor.to_sparse()"
        )

    @property
    def __class__(self):
        return Tensor

    def __getattr__(self, name: str):
        """A ``Tensor`` method this class does not implement: one that raises; another name:
        the usual AttributeError."""
        if name.startswith("__") or inspect.getattr_static(Tensor, name, None) is None:
            raise AttributeError(f"'Tensor' object (sparse) has no attribute '{name}'")
        if not callable(inspect.getattr_static(Tensor, name)):
            raise refusal(self, name)
        return _refused_method(name).__get__(self)

    # ------------------------------------------------------------------ layout and shape

    @property
    def layout(self):
        return sparse_coo

    @property
    def is_sparse(self) -> bool:
        return True

    @property
    def is_sparse_csr(self) -> bool:
        return False

    @property
    def shape(self) -> Size:
        return self._coo_size

    def size(self, dim=None):
        if dim is None:
            return self._coo_size
        from .._mixins.structure import wrap_dim

        return self._coo_size[wrap_dim(dim, len(self._coo_size))]

    def dim(self) -> int:
        return len(self._coo_size)

    ndimension = dim

    @property
    def ndim(self) -> int:
        return len(self._coo_size)

    def numel(self) -> int:
        return self._coo_size.numel()

    nelement = numel

    def __len__(self) -> int:
        if not self._coo_size:
            raise TypeError("len() of a 0-d tensor")
        return self._coo_size[0]

    def sparse_dim(self) -> int:
        """How many leading dimensions the indices address."""
        return self._coo_indices.shape[0]

    def dense_dim(self) -> int:
        """How many trailing dimensions each stored value has (a hybrid tensor's)."""
        return len(self._coo_size) - self._coo_indices.shape[0]

    def _nnz(self) -> int:
        """The number of stored entries (duplicates and explicit zeros included)."""
        return self._coo_indices.shape[1]

    def is_coalesced(self) -> bool:
        """Whether the indices are known to be sorted and free of duplicates."""
        return self._coo_coalesced

    def _coalesced_(self, coalesced: bool):
        """Marks the tensor as coalesced or not, without checking (as PyTorch)."""
        self._coo_coalesced = bool(coalesced)
        return self

    def _indices(self):
        """The ``(sparse_dim, nnz)`` int64 indices, as stored (possibly uncoalesced)."""
        return self._coo_indices

    def _values(self):
        """The ``(nnz, *dense sizes)`` values, as stored; differentiable, sharing elements."""
        return self._coo_values.view_as(self._coo_values)

    def indices(self):
        """The indices of a coalesced tensor."""
        self._require_coalesced("indices")
        return self._indices()

    def values(self):
        """The values of a coalesced tensor; differentiable, sharing elements."""
        self._require_coalesced("values")
        return self._values()

    def _require_coalesced(self, what: str) -> None:
        if not self._coo_coalesced:
            raise RuntimeError(
                f"Cannot get {what} on an uncoalesced tensor, please call .coalesce() first"
            )

    def stride(self, dim=None):
        raise RuntimeError("sparse tensors do not have strides")

    def is_contiguous(self, memory_format=None) -> bool:
        return False

    def contiguous(self, memory_format=None):
        raise RuntimeError("sparse tensors do not have a contiguous layout; use to_dense()")

    @property
    def nbytes(self):
        raise RuntimeError(
            "nbytes is not defined for sparse tensors. If you want the size of the constituent "
            "tensors, add the nbytes of the indices and values. If you want the size of the "
            "equivalent dense tensor, multiply numel() by element_size()"
        )

    def data_ptr(self) -> int:
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    def numpy(self, *, force: bool = False):
        raise TypeError("can't convert Sparse layout tensor to numpy. Use Tensor.to_dense() first.")

    def __array__(self, dtype=None, copy=None):
        return self.numpy()

    def tolist(self):
        raise RuntimeError(
            "Cannot access data pointer of Tensor that doesn't have storage (sparse tensors "
            "convert with to_dense() first)"
        )

    def item(self):
        if self.numel() != 1:
            raise RuntimeError(
                f"a Tensor with {self.numel()} elements cannot be converted to Scalar"
            )
        return self.to_dense().item()

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    # ------------------------------------------------------------------ what the values say

    @property
    def dtype(self):
        return self._coo_values.dtype

    @property
    def device(self):
        return self._coo_values.device

    @property
    def is_cuda(self) -> bool:
        return self._coo_values.is_cuda

    @property
    def is_cpu(self) -> bool:
        return self._coo_values.is_cpu

    @property
    def is_meta(self) -> bool:
        return False

    @property
    def itemsize(self) -> int:
        return self._coo_values.itemsize

    def element_size(self) -> int:
        return self._coo_values.element_size()

    def is_floating_point(self) -> bool:
        return self._coo_values.is_floating_point()

    def is_complex(self) -> bool:
        return False

    def is_signed(self) -> bool:
        return self._coo_values.is_signed()

    def get_device(self) -> int:
        return self._coo_values.get_device()

    def is_inference(self) -> bool:
        return self._coo_values.is_inference()

    def is_pinned(self, device=None) -> bool:
        return False

    def pin_memory(self, device=None):
        return self

    # ------------------------------------------------------------------ autograd identity

    @property
    def requires_grad(self) -> bool:
        return self._coo_values.requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self._coo_values.requires_grad = value

    def requires_grad_(self, requires_grad: bool = True):
        self._coo_values.requires_grad_(requires_grad)
        return self

    @property
    def is_leaf(self) -> bool:
        return self._coo_values.is_leaf

    @property
    def grad_fn(self):
        return self._coo_values.grad_fn

    @property
    def output_nr(self) -> int:
        return self._coo_values.output_nr

    @property
    def _version(self) -> int:
        return self._coo_values._version

    @property
    def retains_grad(self) -> bool:
        return self._coo_values.retains_grad

    def retain_grad(self) -> None:
        self._coo_values.retain_grad()

    def detach_(self):
        self._coo_values.detach_()
        return self

    @property
    def grad(self):
        """The gradient of the stored values, as a sparse tensor with this tensor's indices
        (``None`` until a backward pass reaches it)."""
        values_grad = self._coo_values.grad
        if values_grad is None:
            return None
        return make(values_grad, self._coo_indices, self._coo_size, self._coo_coalesced)

    @grad.setter
    def grad(self, value) -> None:
        self._coo_values.grad = (
            None if value is None else self._values_gradient(value, "assigned grad")
        )

    @grad.deleter
    def grad(self) -> None:
        self._coo_values.grad = None

    def _values_gradient(self, gradient, what: str):
        """The values of ``gradient``, which must be stored at this tensor's positions."""
        if not same_pattern(self, gradient):
            raise RuntimeError(
                f"{what} of a sparse tensor must be a sparse tensor with its size and indices "
                "(ferrograd keeps a sparse tensor's gradient on its own stored entries)"
            )
        return plain(gradient)

    @property
    def data(self):
        """This tensor outside the graph, sharing its values."""
        return self.detach()

    @data.setter
    def data(self, value) -> None:
        # The values' elements are shared with every alias (detach(), .grad views), whose
        # indices would then no longer match them: only a tensor stored at the same positions
        # can take their place.
        if not same_pattern(self, value):
            raise RuntimeError(
                "the data of a sparse tensor can only be set to a sparse tensor with the same "
                "size and indices"
            )
        self._coo_values.data = plain(value)

    def detach(self):
        """A sparse tensor outside the graph with the same indices and values (shared)."""
        return make(
            self._coo_values.detach(), self._coo_indices, self._coo_size, self._coo_coalesced
        )

    def clone(self, *, memory_format=None):
        """A copy with indices and values of its own; differentiable in the values."""
        return make(
            self._coo_values.clone(), self._coo_indices.clone(), self._coo_size, self._coo_coalesced
        )

    def __deepcopy__(self, memo):
        """A new leaf with copied indices and values, the same ``requires_grad`` and a copy of
        ``.grad`` (leaves only, as for dense tensors)."""
        if not self.is_leaf:
            raise RuntimeError(
                "only leaf tensors (created by the user, not by an operation) support copy.deepcopy"
            )
        copy = self.detach().clone()
        memo[id(self)] = copy
        if self.requires_grad:
            copy.requires_grad_(True)
        if self._coo_values.grad is not None:
            copy._coo_values.grad = self._coo_values.grad.detach().clone()
        return copy

    def __reduce__(self):
        raise TypeError(
            "ferrograd tensors are not pickled: use ferrograd.save, which cannot run code when "
            "loading"
        )

    def register_hook(self, hook):
        """Calls ``hook(grad)`` with the gradient as a sparse tensor with this tensor's indices;
        a returned sparse tensor with those indices replaces it."""
        indices, size, coalesced = self._coo_indices, self._coo_size, self._coo_coalesced

        from ..autograd._hook_results import tensor_hook_result

        def on_values(values_grad):
            replaced = tensor_hook_result(hook(make(values_grad, indices, size, coalesced)))
            if replaced is None:
                return None
            return self._values_gradient(replaced, "the gradient a hook returns")

        return self._coo_values.register_hook(on_values)

    def register_post_accumulate_grad_hook(self, hook):
        """Calls ``hook(self)`` after a gradient was accumulated into this leaf's ``.grad``."""
        import weakref

        from ..autograd._hook_results import post_accumulate_hook_result

        target = weakref.ref(self)

        def call(_values):
            tensor = target()
            if tensor is not None:
                post_accumulate_hook_result(hook(tensor), tensor)

        return self._coo_values.register_post_accumulate_grad_hook(call)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Backward from this sparse tensor, with ``gradient`` a sparse tensor with its
        indices."""
        if gradient is None:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        self._coo_values.backward(
            self._values_gradient(gradient, "the gradient passed to backward"),
            retain_graph=retain_graph,
            create_graph=create_graph,
            inputs=inputs,
        )

    # ------------------------------------------------------------------ conversions

    def to(self, *args, **kwargs):
        """The tensor with its values converted (dtype and/or device) and its indices moved
        along; ``self`` when nothing changes."""
        values = self._coo_values
        converted = values.to(*args, **kwargs)
        if converted is values:
            return self
        indices = self._coo_indices
        if converted.device != indices.device:
            indices = indices.to(converted.device)
        return make(converted, indices, self._coo_size, self._coo_coalesced)

    float = _cast("float32")
    double = _cast("float64")
    long = _cast("int64")
    int = _cast("int32")
    bool = _cast("bool")

    def type_as(self, other):
        return self.to(other.dtype)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None, non_blocking: bool = False):
        from .._device import device as device_type

        if isinstance(device, (str, device_type)):
            return self.to(device_type(device))
        return self.to(device_type("cuda", device))

    def type(self, dtype=None, non_blocking: bool = False, **kwargs):
        """The legacy type name (``'torch.sparse.FloatTensor'``), or the tensor converted."""
        if dtype is not None:
            return Tensor.type(self, dtype, non_blocking, **kwargs)
        module, name = Tensor.type(self._coo_values).rsplit(".", 1)
        return f"{module}.sparse.{name}"

    def to_dense(self, dtype=None, *, masked_grad=None):
        """The dense tensor (duplicate entries summed); differentiable in the values."""
        if dtype is not None:
            raise RuntimeError("dtype argument is not supported by sparse_to_dense")
        return _ops.to_dense(self)

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        """``self`` (already sparse COO)."""
        from ._construct import check_layout

        check_layout(layout)
        if sparse_dim is not None and sparse_dim != self.sparse_dim():
            raise RuntimeError(
                "to_sparse: conversion from Sparse to Sparse with sparse_dim argument "
                "!=self.sparse_dim() is not supported"
            )
        return self

    def __repr__(self) -> str:
        return _repr.format_sparse(self)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    # ------------------------------------------------------------------ operations

    def coalesce(self):
        """Duplicates summed and entries sorted by position; ``self`` if already coalesced."""
        return _ops.coalesce(self)

    def mm(self, mat2):
        """The product with a matrix ``mat2``: dense for a dense ``mat2``, sparse for a
        sparse one."""
        return _ops.mm(self, mat2)

    def matmul(self, other):
        return _operand_checked(_ops.matmul(self, other), "matmul", other)

    def __matmul__(self, other):
        return _ops.matmul(self, other)

    def __rmatmul__(self, other):
        return _ops.rmatmul(self, other)

    def sum(self, dim=None, keepdim: bool = False, *, dtype=None):
        """With no ``dim``, the dense 0-d sum; otherwise sparse while sparse dimensions remain
        (coalesced), dense once all are summed."""
        return _ops.sum(self, dim, keepdim=keepdim, dtype=dtype)

    def add(self, other, *, alpha=1):
        return _operand_checked(_ops.add(self, other, alpha), "add", other)

    def sub(self, other, *, alpha=1):
        return _operand_checked(_ops.add(self, other, -alpha), "sub", other)

    def __add__(self, other):
        return _ops.add(self, other, 1)

    def __radd__(self, other):
        return _ops.add_to_dense(other, self, 1)

    def __sub__(self, other):
        return _ops.add(self, other, -1)

    def __rsub__(self, other):
        return _ops.add_to_dense(other, self, -1)

    def mul(self, other):
        return _operand_checked(_ops.mul(self, other), "mul", other)

    def __mul__(self, other):
        return _ops.mul(self, other)

    __rmul__ = __mul__

    def div(self, other, *, rounding_mode=None):
        return _operand_checked(_ops.div(self, other, rounding_mode), "div", other)

    def __truediv__(self, other):
        return _ops.div(self, other, None)

    def __floordiv__(self, other):
        return _ops.div(self, other, "floor")

    def neg(self):
        return _ops.scale(self, -1)

    negative = neg

    def __neg__(self):
        return _ops.scale(self, -1)

    def __abs__(self):
        return self.abs()

    def pow(self, exponent):
        """Each stored value to a nonzero scalar power (coalesced first)."""
        return _ops.pow(self, exponent)

    __pow__ = pow

    def t(self):
        """The transpose of a matrix (at most 2 sparse and no dense dimensions)."""
        return _ops.t(self)

    @property
    def T(self):
        return _ops.t(self)

    @property
    def mT(self):
        return _ops.transpose(self, -2, -1)

    def transpose(self, dim0: int, dim1: int):
        """Two sparse (or two dense) dimensions swapped."""
        return _ops.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def unsqueeze(self, dim: int):
        """A dimension of size 1 inserted at ``dim`` (sparse if among the sparse ones)."""
        return _ops.unsqueeze(self, dim)

    def select(self, dim: int, index: int):
        """The slice at ``index`` along ``dim``: sparse, one dimension fewer."""
        return _ops.select(self, dim, index)

    def __getitem__(self, index):
        if isinstance(index, tuple) and len(index) == 1:
            index = index[0]
        try:
            position = operator.index(index)
        except TypeError:
            raise refusal(self, "as_strided") from None
        return _ops.select(self, 0, position)

    def zero_(self):
        """Sets every stored value to zero (the indices stay; PyTorch also drops them)."""
        self._coo_values.zero_()
        return self

    def sparse_mask(self, mask):
        return _ops.sparse_mask(self.to_dense(), mask)


def _operand_checked(result, name: str, other):
    """The result of a method whose operand type was not accepted (the operator's
    ``NotImplemented``) as PyTorch's TypeError."""
    if result is NotImplemented:
        raise TypeError(
            f"{name}(): argument 'other' must be Tensor or Number, not {type(other).__name__}"
        )
    return result


for _name in _ops.ZERO_PRESERVING:
    if hasattr(Tensor, _name):
        setattr(SparseCooTensor, _name, _ops.elementwise_method(_name))

# Operators Python looks up on the type (never through __getattr__): refused as PyTorch does,
# rather than falling back to object's identity comparison.
for _name in (
    "__eq__",
    "__ne__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__and__",
    "__or__",
    "__xor__",
    "__invert__",
    "__mod__",
    "__rtruediv__",
    "__rpow__",
    "__rfloordiv__",
):
    setattr(SparseCooTensor, _name, _refused_method(_name))
SparseCooTensor.__hash__ = object.__hash__


def autograd_inputs(tensors: list) -> list:
    """``tensors`` as the engine's autograd takes them: a sparse tensor as its values (its
    autograd identity), for ``grad``/``backward``'s ``inputs``."""
    return [t._coo_values if isinstance(t, SparseCooTensor) else t for t in tensors]


def gradient_for(t, gradient):
    """The gradient the engine computed for ``t`` (``autograd_inputs``), as ``t``'s layout."""
    if gradient is None or not isinstance(t, SparseCooTensor):
        return gradient
    return make(gradient, t._coo_indices, t._coo_size, t._coo_coalesced)
