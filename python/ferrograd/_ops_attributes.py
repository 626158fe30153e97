"""What a tensor or a dtype says about itself, and the methods that work on its elements with
Python callbacks: ``finfo``/``iinfo``, ``layout``/``memory_format`` objects, ``typename``,
``is_nonzero``/``is_same_size``/``is_signed``/``is_complex``, ``element_size``/``itemsize``/
``nbytes``, ``H``/``mT``/``mH``/``adjoint``, ``dim_order``, ``sum_to_size``, ``resize_``,
``apply_``/``map_``/``map2_``; and the numeric constants ``e``, ``pi``, ``inf``, ``nan``."""

from __future__ import annotations

import math
import warnings

import numpy as np

from ._base import TensorBase
from ._dtype import get_default_dtype, to_dtype

__all__ = [
    "channels_last",
    "channels_last_3d",
    "contiguous_format",
    "e",
    "finfo",
    "iinfo",
    "inf",
    "is_complex",
    "is_nonzero",
    "is_same_size",
    "is_signed",
    "layout",
    "legacy_contiguous_format",
    "memory_format",
    "nan",
    "newaxis",
    "pi",
    "preserve_format",
    "sparse_coo",
    "strided",
    "typename",
]

e = math.e
pi = math.pi
inf = math.inf
nan = math.nan
newaxis = None


class _Named:
    """An enumeration value that prints as ``ferrograd.<name>``."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"ferrograd.{self.name}"

    def __reduce__(self):
        return (getattr, (__import__("ferrograd"), self.name))


class layout(_Named):
    """How a tensor's elements are stored: ``strided`` (dense) or ``sparse_coo``."""


class memory_format(_Named):
    """An order of a tensor's dimensions in memory. ferrograd stores tensors row-major; the
    other formats are accepted where PyTorch takes them and give the same values."""


strided = layout("strided")
sparse_coo = layout("sparse_coo")
contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")
legacy_contiguous_format = memory_format("legacy_contiguous_format")

# numpy has no bfloat16; its limits, as PyTorch reports them.
_BFLOAT16 = {
    "bits": 16,
    "eps": 0.0078125,
    "max": 3.3895313892515355e38,
    "tiny": 1.1754943508222875e-38,
    "resolution": 0.01,
}


class finfo:
    """The limits of a floating point dtype: ``bits``, ``eps``, ``max``, ``min``, ``tiny``
    (= ``smallest_normal``), ``resolution`` and ``dtype`` (its name)."""

    def __init__(self, type=None):
        d = get_default_dtype() if type is None else to_dtype(type)
        if not d.is_floating_point:
            raise TypeError(
                "torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                "'torch.finfo'"
            )
        if d.name == "bfloat16":
            limits = _BFLOAT16
        else:
            info = np.finfo(d.numpy)
            limits = {
                "bits": int(info.bits),
                "eps": float(info.eps),
                "max": float(info.max),
                "tiny": float(info.smallest_normal),
                "resolution": 10.0 ** -int(info.precision),
            }
        self.bits = limits["bits"]
        self.eps = limits["eps"]
        self.max = limits["max"]
        self.min = -limits["max"]
        self.tiny = self.smallest_normal = limits["tiny"]
        self.resolution = limits["resolution"]
        self.dtype = d.name

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, "
            f"dtype={self.dtype})"
        )


class iinfo:
    """The limits of an integer dtype: ``bits``, ``min``, ``max`` and ``dtype`` (its name)."""

    def __init__(self, type):
        d = to_dtype(type)
        if d.is_floating_point:
            raise TypeError(
                "torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                "'torch.iinfo'"
            )
        info = np.iinfo(np.uint8 if d.name == "bool" else d.numpy)
        self.bits, self.min, self.max = int(info.bits), int(info.min), int(info.max)
        self.dtype = d.name

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


def typename(obj) -> str:
    """PyTorch's name of ``obj``'s type: ``'torch.FloatTensor'`` for a float32 tensor (the
    legacy names, as ``Tensor.type()``), the qualified class name otherwise."""
    if isinstance(obj, TensorBase):
        return obj.type()
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module == "builtins" else f"{module}.{name}"


def is_nonzero(input) -> bool:
    """Whether a one-element tensor is nonzero."""
    return input.is_nonzero()


def is_same_size(input, other) -> bool:
    return input.is_same_size(other)


def is_signed(input) -> bool:
    return input.is_signed()


def is_complex(input) -> bool:
    """Whether ``input``'s dtype is complex."""
    if not isinstance(input, TensorBase):
        raise TypeError(
            f"is_complex(): argument 'input' must be Tensor, not {type(input).__name__}"
        )
    return input.dtype.is_complex


def _matrix_transpose(t, attribute: str, matrices_only: bool):
    if matrices_only and t.ndim != 2:
        raise RuntimeError(
            f"tensor.{attribute} is only supported on matrices (2-D tensors). Got {t.ndim}-D "
            "tensor."
        )
    if t.ndim < 2:
        raise RuntimeError(
            f"tensor.{attribute} is only supported on matrices or batches of matrices. Got "
            f"{t.ndim}-D tensor."
        )
    return t.transpose(-2, -1)


def _check_callback(t, name: str):
    if t.requires_grad:
        raise RuntimeError(
            f"Can't call {name}() on Variable that requires grad. Use var.detach().{name}() "
            "instead."
        )
    if t.device.type != "cpu":
        raise TypeError(f"{name}_ is only implemented on CPU tensors")


def _mapped(t, function, *others):
    """``function`` applied to each element (and the matching elements of ``others``,
    broadcast to ``t``), written into ``t``."""
    values = t.numpy()
    columns = [np.broadcast_to(o.detach().numpy(), values.shape) for o in others]
    elements = zip(values.flat, *(c.flat for c in columns), strict=True)
    out = np.array([function(*(v.item() for v in items)) for items in elements])
    out = out.astype(values.dtype).reshape(values.shape)
    from ._mixins.structure import constant

    return t.copy_(constant(out, t))


class AttributesMixin:
    __slots__ = ()

    @property
    def layout(self):
        return strided

    def as_subclass(self, cls):
        """This tensor as an instance of ``cls`` (a subclass of ``Tensor``): the same elements
        and the same place in the graph."""
        from . import _core

        if not (isinstance(cls, type) and issubclass(cls, TensorBase)):
            raise TypeError(f"as_subclass(): cls must be a subclass of Tensor, got {cls!r}")
        return _core.TensorImpl.__new__(cls, self)

    def const_data_ptr(self) -> int:
        """``data_ptr()``: the address of the first element."""
        return self.data_ptr()

    def is_pinned(self, device=None) -> bool:
        return False

    def pin_memory(self, device=None):
        """``self``: ferrograd's host tensors need no pinning for copies to its devices."""
        return self

    def is_complex(self) -> bool:
        return False

    def is_signed(self) -> bool:
        return self.dtype.is_signed

    def is_nonzero(self) -> bool:
        n = self.numel()
        if n == 0:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
        if n > 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def is_same_size(self, other) -> bool:
        return tuple(self.shape) == tuple(other.shape)

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.numel() * self.dtype.itemsize

    @property
    def H(self):
        """The conjugate transpose of a matrix: its transpose (real tensors)."""
        return _matrix_transpose(self, "H", True)

    @property
    def mH(self):
        """The conjugate transpose of the last two dimensions: their transpose."""
        return _matrix_transpose(self, "mH", False)

    def adjoint(self):
        return _matrix_transpose(self, "adjoint()", False)

    def dim_order(self, *, ambiguity_check=False):
        """The dimensions from the outermost in memory to the innermost (by stride)."""
        strides = self.stride()
        return tuple(sorted(range(self.ndim), key=lambda d: -strides[d]))

    def sum_to_size(self, *size):
        """Summed over the dimensions that ``size`` (which must expand to this shape) has as
        1 or lacks."""
        from ._mixins.shape import _sizes

        target = _sizes(size)
        shape = list(self.shape)
        lead = len(shape) - len(target)
        fits = lead >= 0 and all(t in (s, 1) for t, s in zip(target, shape[lead:], strict=True))
        if not fits:
            raise RuntimeError(f"size {{{target}}} is not expandable to size {{{shape}}}.")
        dims = list(range(lead)) + [
            lead + i for i, t in enumerate(target) if t == 1 and shape[lead + i] != 1
        ]
        out = self.sum(dims, keepdim=True) if dims else self
        return out.reshape(target)

    def resize_(self, *sizes, memory_format=None):
        """Changes the shape in place; the first elements (in row-major order) are kept and
        new ones are zero."""
        if self.requires_grad:
            raise RuntimeError("cannot resize variables that require grad")
        from ._mixins.shape import _sizes

        shape = _sizes(sizes)
        count = int(np.prod(shape, dtype=np.int64))
        flat = self.detach().reshape(-1)
        if count <= flat.numel():
            kept = flat.narrow(0, 0, count).clone()
        else:
            from . import _core

            tail = _core.full([count - flat.numel()], 0.0, self.dtype.name).to(self.device)
            kept = _core.cat([flat, tail], 0)
        self.data = kept.reshape(shape)
        return self

    def resize_as_(self, the_template, *, memory_format=None):
        return self.resize_(the_template.shape)

    def resize(self, *sizes):
        """A view of another shape with the same number of elements (deprecated in PyTorch,
        which warns)."""
        warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
        from ._mixins.shape import _sizes

        return self.reshape(_sizes(sizes))

    def resize_as(self, tensor):
        warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
        return self.reshape(tensor.shape)

    def module_load(self, other, assign: bool = False):
        """What ``load_state_dict`` stores for this tensor: ``other`` itself (detached) with
        ``assign``, else this tensor with ``other``'s values copied in."""
        if assign:
            return other.detach()
        return self.copy_(other).detach()

    def apply_(self, callable):
        """Each element replaced by ``callable(element)`` (host tensors, no autograd)."""
        _check_callback(self, "apply_")
        return _mapped(self, callable)

    def map_(self, tensor, callable):
        """Each element replaced by ``callable(element, tensor's element)``."""
        _check_callback(self, "map_")
        return _mapped(self, callable, tensor)

    def map2_(self, x, y, callable):
        """Each element replaced by ``callable(element, x's element, y's element)``."""
        _check_callback(self, "map2_")
        return _mapped(self, callable, x, y)
