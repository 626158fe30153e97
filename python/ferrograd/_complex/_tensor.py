"""The complex tensor type.

A complex tensor of shape ``S`` is held as a real tensor ``parts`` of shape ``(*S, 2)``, the
real and imaginary parts interleaved, exactly as PyTorch stores complex numbers. Its autograd
identity is that real tensor's: ``requires_grad``, ``is_leaf``, ``grad_fn`` and ``.grad`` are
the parts', and its gradient read as complex numbers is PyTorch's ``dL/dRe + i dL/dIm``.
Views of a complex tensor are views of the parts that keep the last dimension, so
``view_as_real``/``view_as_complex`` and ``.real``/``.imag`` alias the same elements.

Like the sparse type, the class is not a subclass of the engine's tensor class: the engine
refuses it wherever it expects a real tensor (never computing on the parts as if they were
values), ``__class__`` reports ``Tensor`` so ``isinstance(z, ferrograd.Tensor)`` holds, and a
``Tensor`` method without a complex version raises PyTorch's ``NotImplementedError``
(``"max" not implemented for 'ComplexFloat'``)."""

from __future__ import annotations

import inspect
import numbers

import numpy as np

from .._dtype import kernel_not_implemented
from .._size import Size
from .._tensor import Tensor
from . import _math


def make(parts) -> ComplexTensor:
    """The complex tensor whose parts are ``parts`` (not copied: ``(..., 2)``, last stride 1)."""
    z = object.__new__(ComplexTensor)
    z._parts = parts
    return z


def parts_of(value, real_dtype, like):
    """``value`` (a complex tensor, a real tensor or a Python number) as parts in
    ``real_dtype``, on ``like``'s device."""
    if isinstance(value, ComplexTensor):
        parts = value._parts
    elif isinstance(value, numbers.Number):
        return _math.scalar_parts(value, like.to(real_dtype))
    else:
        parts = _math.from_real(value)
    return parts if parts.dtype == real_dtype else parts.to(real_dtype)


def _operand(value) -> bool:
    return isinstance(value, (ComplexTensor, numbers.Number)) or (
        isinstance(value, Tensor) and type(value) is not ComplexTensor
    )


def _binary(function, name: str, reflected: bool = False):
    def method(self, other):
        if not _operand(other):
            return NotImplemented
        from .._ops_dtypes import result_type

        real_dtype = result_type(self, other).to_real()
        ours = parts_of(self, real_dtype, self._parts)
        theirs = parts_of(other, real_dtype, self._parts)
        return make(function(theirs, ours) if reflected else function(ours, theirs))

    method.__name__ = name
    return method


def _checked(method, name: str):
    """The method form of a binary operator: PyTorch's TypeError for an unsupported operand."""

    def checked(self, other, *args, **kwargs):
        result = method(self, other)
        if result is NotImplemented:
            raise TypeError(
                f"{name}(): argument 'other' must be Tensor or Number, not {type(other).__name__}"
            )
        return result

    checked.__name__ = name
    return checked


def _refused(name: str):
    def refused(self, *args, **kwargs):
        raise kernel_not_implemented(name.strip("_"), self.dtype)

    refused.__name__ = name
    return refused


def _parts_attribute(name: str):
    """A read-only attribute that is the parts' own (device, autograd identity, ...)."""
    return property(lambda self: getattr(self._parts, name), doc=f"The parts' ``{name}``.")


def _part_dims(self, dims):
    """``dims`` (of the complex tensor) as non-negative dims of the parts."""
    from .._mixins.structure import wrap_dim

    return [wrap_dim(d, self.ndim) for d in dims]


def _sizes(args) -> list:
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        return list(args[0])
    return list(args)


class ComplexTensor:
    """A tensor of dtype ``complex64`` or ``complex128``. Made by ``view_as_complex``,
    ``polar``, ``complex``, ``tensor`` of complex numbers, and the factories with a complex
    ``dtype``."""

    __slots__ = ("__weakref__", "_parts")
    __array_priority__ = 1000

    def __new__(cls, *args, **kwargs):
        raise TypeError(
            "complex tensors are made by ferrograd.tensor(...), ferrograd.complex(real, imag), "
            "ferrograd.polar(abs, angle) or ferrograd.view_as_complex(x)"
        )

    @property
    def __class__(self):
        return Tensor

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        from ._functions import apply_function

        return apply_function(func, args, kwargs or {})

    def __getattr__(self, name: str):
        """A ``Tensor`` method without a complex version: one that raises."""
        if name.startswith("__") or inspect.getattr_static(Tensor, name, None) is None:
            raise AttributeError(f"'Tensor' object (complex) has no attribute '{name}'")
        if not callable(inspect.getattr_static(Tensor, name)):
            raise kernel_not_implemented(name, self.dtype)
        return _refused(name).__get__(self)

    # ------------------------------------------------------------------ what it is

    @property
    def dtype(self):
        return self._parts.dtype.to_complex()

    device = _parts_attribute("device")

    is_cpu = _parts_attribute("is_cpu")

    is_cuda = _parts_attribute("is_cuda")

    @property
    def is_meta(self) -> bool:
        return False

    @property
    def is_sparse(self) -> bool:
        return False

    layout = _parts_attribute("layout")

    def is_complex(self) -> bool:
        return True

    def is_floating_point(self) -> bool:
        return False

    def is_signed(self) -> bool:
        return True

    def is_conj(self) -> bool:
        # conj() writes the conjugate out: a complex tensor never has PyTorch's lazy bit set.
        return False

    def resolve_conj(self):
        return self

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    def element_size(self) -> int:
        return self.dtype.itemsize

    nbytes = _parts_attribute("nbytes")

    @property
    def shape(self) -> Size:
        return Size(self._parts.shape[:-1])

    def size(self, dim=None):
        if dim is None:
            return self.shape
        from .._mixins.structure import wrap_dim

        return self.shape[wrap_dim(dim, self.ndim)]

    def dim(self) -> int:
        return self._parts.ndim - 1

    ndimension = dim

    @property
    def ndim(self) -> int:
        return self._parts.ndim - 1

    def numel(self) -> int:
        return self.shape.numel()

    nelement = numel

    def __len__(self) -> int:
        if not self.ndim:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def stride(self, dim=None):
        """Strides in complex elements (the parts' halved)."""
        strides = tuple(s // 2 for s in self._parts.stride()[:-1])
        if dim is None:
            return strides
        from .._mixins.structure import wrap_dim

        return strides[wrap_dim(dim, self.ndim)]

    def storage_offset(self) -> int:
        return self._parts.storage_offset() // 2

    def is_contiguous(self, memory_format=None) -> bool:
        return self._parts.is_contiguous()

    def data_ptr(self) -> int:
        return self._parts.data_ptr()

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def item(self) -> complex:
        if self.numel() != 1:
            raise RuntimeError(
                f"a Tensor with {self.numel()} elements cannot be converted to Scalar"
            )
        real, imag = self._parts.reshape(2).tolist()
        return complex(real, imag)

    def __complex__(self) -> complex:
        return self.item()

    def tolist(self):
        values = self._parts.tolist()

        def convert(v):
            if v and isinstance(v[0], list):
                return [convert(x) for x in v]
            return complex(v[0], v[1])

        if not self.ndim:
            return convert(values)
        if not self.numel():
            return np.empty(tuple(self.shape)).tolist()
        return convert(values)

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The elements as a complex NumPy array sharing the tensor's memory."""
        parts = self._parts.numpy(force=force)
        return parts.view(np.dtype(self.dtype.name))[..., 0]

    def _numpy(self) -> np.ndarray:
        return self._parts.detach().cpu().numpy().view(np.dtype(self.dtype.name))[..., 0]

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array if dtype is None else array.astype(dtype)

    def __repr__(self) -> str:
        from ._repr import format_complex

        return format_complex(self)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self.ndim == 0 and spec:
            return format(self.item(), spec)
        return repr(self)

    def __reduce__(self):
        raise TypeError(
            "ferrograd tensors are not pickled: use ferrograd.save, which cannot run code when "
            "loading"
        )

    __hash__ = object.__hash__

    # ------------------------------------------------------------------ autograd identity

    @property
    def requires_grad(self) -> bool:
        return self._parts.requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self._parts.requires_grad = value

    def requires_grad_(self, requires_grad: bool = True):
        self._parts.requires_grad_(requires_grad)
        return self

    is_leaf = _parts_attribute("is_leaf")

    grad_fn = _parts_attribute("grad_fn")

    _version = _parts_attribute("_version")

    retains_grad = _parts_attribute("retains_grad")

    def retain_grad(self) -> None:
        self._parts.retain_grad()

    @property
    def grad(self):
        """The gradient, ``dL/dRe + i dL/dIm`` (None until a backward pass reaches it)."""
        parts_grad = self._parts.grad
        return None if parts_grad is None else make(parts_grad)

    @grad.setter
    def grad(self, value) -> None:
        self._parts.grad = None if value is None else value._parts

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        if gradient is None:
            raise RuntimeError("grad can be implicitly created only for real scalar outputs")
        from ._autograd import engine_tensors

        self._parts.backward(
            parts_of(gradient, self._parts.dtype, self._parts),
            retain_graph=retain_graph,
            create_graph=create_graph,
            inputs=None if inputs is None else engine_tensors(inputs),
        )

    def register_hook(self, hook):
        """Calls ``hook(grad)`` with the complex gradient; a complex tensor it returns
        replaces it."""

        def on_parts(parts_grad):
            replaced = hook(make(parts_grad))
            return None if replaced is None else replaced._parts

        return self._parts.register_hook(on_parts)

    def detach(self):
        return make(self._parts.detach())

    def detach_(self):
        self._parts.detach_()
        return self

    @property
    def data(self):
        return self.detach()

    def clone(self, *, memory_format=None):
        return make(self._parts.clone())

    def contiguous(self, memory_format=None):
        return make(self._parts.contiguous())

    def __deepcopy__(self, memo):
        copy = make(self._parts.detach().clone())
        memo[id(self)] = copy
        if self.requires_grad:
            copy.requires_grad_(True)
        return copy

    # ------------------------------------------------------------------ conversions

    def to(self, *args, **kwargs):
        """Converted to another dtype and/or device. A real dtype keeps the real part (PyTorch
        warns that the imaginary part is discarded)."""
        from .._dtype import dtype as dtype_type

        target = kwargs.pop("dtype", None)
        rest = []
        for a in args:
            if isinstance(a, dtype_type):
                target = a
            elif isinstance(a, Tensor):
                target = a.dtype
                rest.append(a.device)
            else:
                rest.append(a)
        parts = self._parts.to(*rest, **kwargs) if rest or kwargs else self._parts
        if target is not None and not target.is_complex:
            import warnings

            warnings.warn(
                "Casting complex values to real discards the imaginary part", UserWarning,
                stacklevel=2,
            )  # fmt: skip
            return parts.select(-1, 0).to(target)
        if target is not None and target.to_real() != parts.dtype:
            parts = parts.to(target.to_real())
        return self if parts is self._parts else make(parts)

    def type_as(self, other):
        return self.to(other.dtype)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None, non_blocking: bool = False):
        return make(self._parts.cuda(device))

    def cfloat(self):
        return self.to(_complex_dtype("complex64"))

    def cdouble(self):
        return self.to(_complex_dtype("complex128"))

    # ------------------------------------------------------------------ views

    @property
    def real(self):
        """The real parts, a view."""
        return self._parts.select(-1, 0)

    @property
    def imag(self):
        """The imaginary parts, a view."""
        return self._parts.select(-1, 1)

    def __getitem__(self, index):
        if not isinstance(index, tuple):
            index = (index,)
        if any(i is Ellipsis for i in index):
            return make(self._parts[(*index, slice(None))])
        return make(self._parts[(*index, Ellipsis, slice(None))])

    def __setitem__(self, index, value) -> None:
        if not isinstance(index, tuple):
            index = (index,)
        key = (
            (*index, slice(None))
            if any(i is Ellipsis for i in index)
            else (*index, ..., slice(None))
        )
        self._parts[key] = parts_of(value, self._parts.dtype, self._parts)

    def view(self, *shape):
        from .._dtype import dtype as dtype_type

        if len(shape) == 1 and isinstance(shape[0], dtype_type):
            raise RuntimeError("view(dtype) is not supported for complex tensors")
        return make(self._parts.view(*_sizes(shape), 2))

    def reshape(self, *shape):
        return make(self._parts.reshape(*_sizes(shape), 2))

    def view_as(self, other):
        return self.view(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        if self.ndim == 0:
            return self.reshape(1)
        start, end = _part_dims(self, (start_dim, end_dim))
        return make(self._parts.flatten(start, end))

    def unflatten(self, dim: int, sizes):
        (dim,) = _part_dims(self, (dim,))
        return make(self._parts.unflatten(dim, sizes))

    def unsqueeze(self, dim: int):
        from .._mixins.structure import wrap_dim

        return make(self._parts.unsqueeze(wrap_dim(dim, self.ndim + 1)))

    def squeeze(self, dim=None):
        if dim is None:
            dims = [d for d, n in enumerate(self.shape) if n == 1]
        else:
            dims = _part_dims(self, dim if isinstance(dim, (tuple, list)) else (dim,))
        return (
            make(self._parts.squeeze(tuple(dims)))
            if dims
            else make(self._parts.view_as(self._parts))
        )

    def transpose(self, dim0: int, dim1: int):
        a, b = _part_dims(self, (dim0, dim1))
        return make(self._parts.transpose(a, b))

    swapaxes = swapdims = transpose

    def permute(self, *dims):
        order = _part_dims(self, _sizes(dims))
        return make(self._parts.permute(*order, self.ndim))

    def t(self):
        if self.ndim > 2:
            raise RuntimeError(
                f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D"
            )
        return self.transpose(0, 1) if self.ndim == 2 else make(self._parts.view_as(self._parts))

    @property
    def T(self):
        return self.permute(*reversed(range(self.ndim)))

    @property
    def mT(self):
        return self.transpose(-2, -1)

    @property
    def mH(self):
        return self.transpose(-2, -1).conj()

    H = mH

    def adjoint(self):
        return self.mH

    def expand(self, *sizes):
        return make(self._parts.expand(*_sizes(sizes), 2))

    def expand_as(self, other):
        return self.expand(other.shape)

    def narrow(self, dim: int, start: int, length: int):
        (dim,) = _part_dims(self, (dim,))
        return make(self._parts.narrow(dim, start, length))

    def select(self, dim: int, index: int):
        (dim,) = _part_dims(self, (dim,))
        return make(self._parts.select(dim, index))

    def unbind(self, dim: int = 0):
        (dim,) = _part_dims(self, (dim,))
        return tuple(make(p) for p in self._parts.unbind(dim))

    def split(self, split_size, dim: int = 0):
        (dim,) = _part_dims(self, (dim,))
        return tuple(make(p) for p in self._parts.split(split_size, dim))

    def chunk(self, chunks: int, dim: int = 0):
        (dim,) = _part_dims(self, (dim,))
        return tuple(make(p) for p in self._parts.chunk(chunks, dim))

    def flip(self, *dims):
        return make(self._parts.flip(_part_dims(self, _sizes(dims))))

    def roll(self, shifts, dims=None):
        if dims is None:
            return make(self._parts.flatten(0, -2).roll(shifts, 0).view(self._parts.shape))
        dims = _part_dims(self, dims if isinstance(dims, (tuple, list)) else (dims,))
        return make(self._parts.roll(shifts, dims))

    def unfold(self, dimension: int, size: int, step: int):
        (dimension,) = _part_dims(self, (dimension,))
        # the parts' windows come after the parts' dimension: put that back at the end
        return make(self._parts.unfold(dimension, size, step).movedim(-2, -1))

    def repeat(self, *sizes):
        return make(self._parts.repeat(*_sizes(sizes), 1))

    # ------------------------------------------------------------------ in place

    def zero_(self):
        self._parts.zero_()
        return self

    def fill_(self, value):
        self._parts.copy_(parts_of(value, self._parts.dtype, self._parts).expand_as(self._parts))
        return self

    def copy_(self, src, non_blocking: bool = False):
        self._parts.copy_(parts_of(src, self._parts.dtype, self._parts).expand_as(self._parts))
        return self

    # ------------------------------------------------------------------ math

    __add__ = _binary(lambda a, b: a + b, "__add__")
    __radd__ = _binary(lambda a, b: a + b, "__radd__", reflected=True)
    __sub__ = _binary(lambda a, b: a - b, "__sub__")
    __rsub__ = _binary(lambda a, b: a - b, "__rsub__", reflected=True)
    __mul__ = _binary(_math.mul, "__mul__")
    __rmul__ = _binary(_math.mul, "__rmul__", reflected=True)
    __truediv__ = _binary(_math.div, "__truediv__")
    __rtruediv__ = _binary(_math.div, "__rtruediv__", reflected=True)
    __matmul__ = _binary(_math.matmul, "__matmul__")
    __rmatmul__ = _binary(_math.matmul, "__rmatmul__", reflected=True)

    def add(self, other, *, alpha=1):
        return _checked(ComplexTensor.__add__, "add")(self, other * alpha if alpha != 1 else other)

    def sub(self, other, *, alpha=1):
        return _checked(ComplexTensor.__sub__, "sub")(self, other * alpha if alpha != 1 else other)

    subtract = sub
    mul = multiply = _checked(__mul__, "mul")
    div = divide = true_divide = _checked(__truediv__, "div")
    matmul = _checked(__matmul__, "matmul")
    mm = _checked(__matmul__, "mm")
    bmm = _checked(__matmul__, "bmm")

    def __neg__(self):
        return make(-self._parts)

    neg = negative = __neg__

    def __pos__(self):
        return self

    def __pow__(self, exponent):
        if isinstance(exponent, numbers.Real) and not isinstance(exponent, bool):
            return make(_math.power(self._parts, exponent))
        if isinstance(exponent, (numbers.Number, Tensor)):
            return (self.log() * exponent).exp()
        return NotImplemented

    pow = __pow__

    def __rpow__(self, base):
        if isinstance(base, numbers.Number):
            from ._functions import as_complex

            return (as_complex(self._parts.new_tensor(base)).log() * self).exp()
        return NotImplemented

    def __eq__(self, other):
        if not _operand(other):
            return NotImplemented
        return self.eq(other)

    def __ne__(self, other):
        if not _operand(other):
            return NotImplemented
        return self.ne(other)

    def eq(self, other):
        from .._ops_dtypes import result_type

        real_dtype = result_type(self, other).to_real()
        same = parts_of(self, real_dtype, self._parts) == parts_of(other, real_dtype, self._parts)
        return same.all(-1)

    def ne(self, other):
        return self.eq(other).logical_not()

    def isclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
        """``|self - other| <= atol + rtol * |other|`` with complex magnitudes (as PyTorch)."""
        if equal_nan:
            raise NotImplementedError("isclose with equal_nan=True is not implemented for complex")
        difference = (self - other).abs()
        tolerance = atol + rtol * (other.abs() if isinstance(other, Tensor) else abs(other))
        return (difference <= tolerance) | (self == other)

    def allclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
        return bool(self.isclose(other, rtol, atol, equal_nan).all())

    def abs(self):
        return _math.abs(self._parts)

    __abs__ = absolute = abs

    def angle(self):
        return _math.angle(self._parts)

    def conj(self):
        return make(_math.conj(self._parts))

    conj_physical = conj

    def conj_physical_(self):
        self._parts.select(-1, 1).neg_()
        return self

    def stft(self, *args, **kwargs):
        from .._spectral import stft

        return stft(self, *args, **kwargs)

    def istft(self, *args, **kwargs):
        from .._spectral import istft

        return istft(self, *args, **kwargs)

    def exp(self):
        return make(_math.exp(self._parts))

    def log(self):
        return make(_math.log(self._parts))

    def sqrt(self):
        return make(_math.sqrt(self._parts))

    def reciprocal(self):
        return make(_math.reciprocal(self._parts))

    def square(self):
        return make(_math.mul(self._parts, self._parts))

    def sgn(self):
        magnitude = self.abs()
        safe = magnitude.masked_fill(magnitude == 0, 1.0)
        return make(self._parts / safe.unsqueeze(-1) * (magnitude != 0).unsqueeze(-1))

    def sum(self, dim=None, keepdim: bool = False, *, dtype=None):
        return make(self._reduce("sum", dim, keepdim, dtype))

    def mean(self, dim=None, keepdim: bool = False, *, dtype=None):
        return make(self._reduce("mean", dim, keepdim, dtype))

    def _reduce(self, name: str, dim, keepdim: bool, dtype):
        parts = self._parts if dtype is None else self.to(dtype)._parts
        if dim is None:
            dims = list(range(self.ndim))
        else:
            dims = _part_dims(self, dim if isinstance(dim, (tuple, list)) else (dim,))
        if not dims:
            return parts.clone()
        return getattr(parts, name)(tuple(dims), keepdim=keepdim)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1):
        from ._linalg import diagonal

        return diagonal(self, offset, dim1, dim2)

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1):
        if (offset, dim1, dim2) != (0, -2, -1):
            raise NotImplementedError(
                "diag_embed of complex tensors supports the default offset and dims only"
            )
        from ._linalg import diag_embed

        return diag_embed(self)

    def isnan(self):
        return self._parts.isnan().any(-1)

    def isfinite(self):
        return self._parts.isfinite().all(-1)

    def isinf(self):
        return self._parts.isinf().any(-1)


def _complex_dtype(name: str):
    from .._dtype import to_dtype

    return to_dtype(name)


# Operators Python looks up on the type (never through __getattr__): refused as PyTorch does.
for _name, _kernel in (
    ("__lt__", "lt_cpu"),
    ("__le__", "le_cpu"),
    ("__gt__", "gt_cpu"),
    ("__ge__", "ge_cpu"),
    ("__floordiv__", "div_floor_cpu"),
    ("__rfloordiv__", "div_floor_cpu"),
    ("__mod__", "remainder_cpu"),
    ("__rmod__", "remainder_cpu"),
    ("__and__", "bitwise_and_cpu"),
    ("__or__", "bitwise_or_cpu"),
    ("__xor__", "bitwise_xor_cpu"),
    ("__invert__", "bitwise_not_cpu"),
):
    setattr(ComplexTensor, _name, _refused(_kernel))
