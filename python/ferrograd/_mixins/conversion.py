"""Conversions: ``numpy()``, ``__array__``, ``item()``, ``tolist()``, dtype casts (``float()``,
``long()``, ``to(dtype)``) and Python number protocols."""

import numpy as np

from .._dtype import (
    bfloat16,
    bool_,
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    is_dtype_name,
    to_dtype,
    uint8,
)


def _cast(name: str, target):
    def method(self, memory_format=None):
        return self.to(target)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"""Returns ``self.to({target})``: the tensor itself when it already has that
    dtype, else a converted copy (recorded by autograd when both dtypes are floating).

    Args:
        memory_format: accepted for compatibility.
    """
    return method


class ConversionMixin:
    __slots__ = ()

    @property
    def dtype(self):
        """The data type of the elements, a ``ferrograd.dtype`` (``ferrograd.float32``, ``int64``,
        ``bool``, ...). ``to()`` converts to another.

        Examples:
            >>> import ferrograd
            >>> ferrograd.tensor([1, 2]).dtype, ferrograd.tensor([1.0]).dtype
            (ferrograd.int64, ferrograd.float32)
        """
        return to_dtype(self._dtype)

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    # NumPy defers to tensors in mixed arithmetic (``np.float64(.5) * t`` is a Tensor that
    # keeps its graph), as PyTorch's Tensor makes it do.
    __array_priority__ = 1000

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """Returns this tensor as a NumPy array that shares its memory.

        Writes through either are seen by the other. The tensor must be on the CPU and must not
        require gradients (call ``detach()`` first), as in PyTorch.

        Args:
            force: copy instead when sharing is not possible: a tensor that requires gradients is
                detached and a device tensor is copied to the host first.

        Raises:
            RuntimeError: the tensor requires gradients (without ``force``).
            TypeError: the tensor is not on the CPU (without ``force``).

        Examples:
            >>> import ferrograd
            >>> t = ferrograd.tensor([1.0, 2.0])
            >>> a = t.numpy()
            >>> a[0] = 5.0
            >>> t
            tensor([5., 2.])
        """
        if force:
            return self.detach().cpu().numpy()
        if self.requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        if self._device != "cpu":
            raise TypeError(
                f"can't convert {self._device} device type tensor to numpy. Use Tensor.cpu() to "
                "copy the tensor to host memory first."
            )
        from .. import _core

        return _core.numpy_view(self)

    def __array__(self, dtype=None, copy=None):
        array = self.numpy().copy() if copy is True else self.numpy()
        return array if dtype is None else array.astype(dtype, copy=bool(copy))

    def item(self):
        """Returns the value of this one-element tensor as a Python number (``float``, ``int`` or
        ``bool``, from the dtype). Reading it is not recorded by autograd.

        Raises:
            RuntimeError: the tensor has more than one element.

        Examples:
            >>> import ferrograd
            >>> ferrograd.tensor([1.5]).item()
            1.5
            >>> ferrograd.tensor(3).item()
            3
        """
        if self.is_meta:
            n = self.numel()
            raise RuntimeError(
                "Tensor.item() cannot be called on meta tensors"
                if n == 1
                else f"a Tensor with {n} elements cannot be converted to Scalar"
            )
        try:
            return self._item()
        except ValueError as error:  # the engine's value error; PyTorch raises RuntimeError
            raise RuntimeError(str(error)) from None

    def tolist(self):
        # bfloat16 has no NumPy dtype: its values are listed from float32 (exactly the same).
        """Returns this tensor's elements as (nested) Python lists of Python numbers; a 0-d tensor
        gives a number. Not recorded by autograd.

        Examples:
            >>> import ferrograd
            >>> ferrograd.tensor([[1, 2], [3, 4]]).tolist()
            [[1, 2], [3, 4]]
            >>> ferrograd.tensor(0.5).tolist()
            0.5
        """
        return (self.float() if self.dtype.name == "bfloat16" else self)._numpy().tolist()

    def _scalar(self):
        """The one element, for ``float()`` and ``int()`` (PyTorch's ValueError otherwise)."""
        if self.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def to(self, *args, **kwargs):
        """Returns this tensor with another dtype and/or on another device.

        Called as ``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)`` (``other``'s
        dtype and device) or with the ``dtype=`` and ``device=`` keywords. When nothing changes,
        the tensor itself is returned; otherwise a copy, recorded by autograd (the gradient is
        converted back).

        Args:
            dtype: the dtype of the result.
            device: the device of the result (``'cpu'``, ``'cuda'``, ``'cuda:1'`` or a
                ``ferrograd.device``).
            non_blocking: accepted for compatibility (ignored).
            copy: accepted for compatibility.

        Examples:
            >>> import ferrograd
            >>> x = ferrograd.tensor([1.7, -2.2])
            >>> x.to(ferrograd.int32)
            tensor([ 1, -2], dtype=ferrograd.int32)
            >>> x.to("cpu") is x
            True
        """
        from .._base import TensorBase
        from .._device import device as device_type

        target_dtype = kwargs.pop("dtype", None)
        target_device = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("copy", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for arg in args:
            if isinstance(arg, TensorBase):
                target_dtype, target_device = arg.dtype, arg.device
            elif isinstance(arg, (str, device_type)) and not is_dtype_name(arg):
                target_device = arg
            else:
                target_dtype = arg
        out = self
        if target_device is not None:
            out = out._to_device(device_type(target_device))
        if target_dtype is not None:
            target_dtype = to_dtype(target_dtype)
            if target_dtype.is_complex:
                from .._complex._functions import as_complex

                out = as_complex(out, target_dtype)
            elif target_dtype is not out.dtype:
                out = out._to_dtype(target_dtype.name)
        return out

    float = _cast("float", float32)
    double = _cast("double", float64)
    half = _cast("half", float16)
    bfloat16 = _cast("bfloat16", bfloat16)
    long = _cast("long", int64)
    int = _cast("int", int32)
    short = _cast("short", int16)
    char = _cast("char", int8)
    byte = _cast("byte", uint8)
    bool = _cast("bool", bool_)

    def type(self, dtype=None, non_blocking: bool = False, **kwargs):
        """With no argument, the legacy type name (``'torch.FloatTensor'``, ``'torch.cuda.
        LongTensor'``, ... : PyTorch's strings, which programs compare against); with a dtype,
        a type name or a legacy class (``ferrograd.FloatTensor``), the tensor converted to it
        (``self`` when nothing changes)."""
        from .._legacy import legacy_type_name, parse_legacy_type

        if dtype is None:
            return legacy_type_name(self.dtype, self.is_cuda)
        target_dtype, cuda = parse_legacy_type(dtype)
        out = self
        if cuda is True and not self.is_cuda:
            out = out.cuda()
        elif cuda is False and self.is_cuda:
            out = out.cpu()
        return out.to(target_dtype)

    def type_as(self, other):
        return self.to(other.dtype)

    def clone(self, *, memory_format=None):
        """Returns a copy of this tensor with its own memory. The copy is recorded by autograd: the
        gradient flows back to this tensor.

        Args:
            memory_format: accepted for compatibility; the copy is always contiguous.

        Examples:
            >>> import ferrograd
            >>> a = ferrograd.tensor([1.0, 2.0])
            >>> b = a.clone()
            >>> b[0] = 9.0
            >>> a
            tensor([1., 2.])
        """
        return self._clone_tensor()
