"""Factories: ``tensor``, ``zeros``, ``ones``, ``full``, ``empty``, ``arange``, ``linspace``,
``eye``, ``rand``, ``randn``, ``randint``, the ``*_like`` forms and ``from_numpy``."""

from __future__ import annotations

import math as _math

import numpy as np

from . import _core, _meta, _random
from ._base import TensorBase
from ._device import device as _device, get_default_device
from ._dtype import check_fits, get_default_dtype, to_dtype
from ._mixins.shape import _sizes

#: The arguments the factories share, described once (``{dtype}`` and the like in a factory's
#: docstring; ``_documented`` fills them in).
_SHARED_ARGS = {
    "sizes": "*sizes: the shape, as ints (``zeros(2, 3)``) or one sequence (``zeros((2, 3))``).\n"
    "        size: the shape as a keyword, instead of ``sizes``.",
    "dtype": "dtype: the result's dtype; by default the default dtype\n"
    "            (``get_default_dtype()``, float32 unless changed).",
    "device": "device: where the result lives (``'cpu'`` or ``'cuda'``); by default the default\n"
    "            device.",
    "requires_grad": "requires_grad: whether autograd records operations on the result.",
    "generator": "generator: the random number generator to draw from; by default the default\n"
    "            one (seeded by ``manual_seed``).",
    "like_dtype": "dtype: the result's dtype instead of ``input``'s.",
    "like_device": "device: the result's device instead of ``input``'s.",
}


def _complex():
    """The complex factories (imported late: they build on the Tensor class)."""
    from ._complex import _factories

    return _factories


def _documented(doc: str, **names) -> str:
    """``doc`` with the shared argument descriptions (and ``names``) filled in."""
    return doc.format(**_SHARED_ARGS, **names)


def _shared_args(function):
    function.__doc__ = _documented(function.__doc__)
    return function


def _place(t, device, requires_grad: bool):
    if device is None:
        device = get_default_device()
    if _device(device) != _device("cpu"):
        t = t.to(device)
    return _finish(t, requires_grad)


def _finish(t, requires_grad: bool):
    if requires_grad:
        t.requires_grad_(True)
    return t


def _engine_device(device) -> str:
    """The engine's name of a factory's ``device=`` (the default device when None), for
    factories that make their values there; a CUDA device is checked to exist first."""
    # the default device is a device already (each `arange` of a forward pass asks)
    device = get_default_device() if device is None else _device(device)
    if device.type == "cuda":
        from .cuda import _require

        _require(device.index or 0)
    return device.engine_name


def _dtype_name(dtype, default=None) -> str:
    if dtype is None:
        return (default or get_default_dtype()).name
    return to_dtype(dtype).name


#: NumPy dtypes a tensor can share (the engine's dtypes but bfloat16, which NumPy lacks).
_NUMPY_NAMES = ("float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool")


def _infer_numpy(data, dtype):
    """A NumPy array of ``data`` in the dtype PyTorch would pick (``dtype`` when given and NumPy
    has it; ``tensor`` casts to bfloat16 itself)."""
    if isinstance(data, TensorBase):
        data = data.detach().cpu()
        data = data.numpy() if data.dtype.name != "bfloat16" else data.float().numpy()
    given_array = isinstance(data, (np.ndarray, np.generic))
    array = np.asarray(data)
    if not given_array and _integers_beyond_int64(data, array, dtype):
        raise ValueError("Overflow when unpacking long long")
    if array.dtype == object:
        raise TypeError(
            f"can't build a tensor from {type(data).__name__} holding non-numeric or ragged data"
        )
    kind = array.dtype.kind
    if kind not in "fiub":
        raise TypeError(f"can't convert data of dtype {array.dtype} to a tensor")
    if dtype is not None:
        target = to_dtype(dtype)
        if not given_array:
            check_fits(array, target)
        return _numpy_for_cast(array, target)
    if given_array and array.dtype.name in _NUMPY_NAMES:
        target = array.dtype
    elif kind == "f":
        target = get_default_dtype().numpy
    elif kind in "iu":
        target = np.int64
    else:
        target = np.bool_
    return np.asarray(array, dtype=target, order="C")


def _integers_beyond_int64(data, array: np.ndarray, dtype) -> bool:
    """Whether Python ints in the data leave int64's range where PyTorch reads them as int64:
    NumPy then picks uint64 (up to 2**64) or object. A float among them, or a float dtype,
    makes every number a double instead."""
    if dtype is not None and to_dtype(dtype).is_floating_point:
        return False
    if array.dtype.kind == "u":
        return True
    if array.dtype == object:
        values = array.ravel().tolist()
    elif (
        array.dtype.kind == "f"
        and float(np.max(np.abs(array), initial=0.0, where=~np.isnan(array))) >= 2.0**63
    ):
        # NumPy turns ints that fit int64 beside ones that need uint64 into float64
        values = list(_leaves(data))
    else:
        return False
    return all(isinstance(v, int) for v in values) and any(
        not -(2**63) <= v < 2**63 for v in values
    )


def _leaves(data):
    """The numbers of nested lists and tuples, in order."""
    if isinstance(data, (list, tuple)):
        for item in data:
            yield from _leaves(item)
    else:
        yield data


def _numpy_for_cast(array: np.ndarray, target) -> np.ndarray:
    """``array`` in ``target``'s NumPy dtype where NumPy converts as PyTorch does; else in
    float64 or int64, which the engine then casts with PyTorch's rules (a double becomes a 16-bit
    float through float32; a float becomes an integer through int64 and wraps)."""
    float_to_int = array.dtype.kind == "f" and not target.is_floating_point
    if target.name in ("bfloat16", "float16") or (float_to_int and target.name != "bool"):
        return np.asarray(array, dtype=np.float64 if array.dtype.kind == "f" else np.int64)
    return np.asarray(array, dtype=target.numpy, order="C")


@_shared_args
def tensor(data, dtype=None, device=None, requires_grad: bool = False):
    """Constructs a tensor with no autograd history by copying ``data``.

    The dtype is inferred as PyTorch infers it: Python ``bool`` gives ``bool``, ``int`` gives
    ``int64``, ``float`` the default floating dtype (float32 unless changed); a NumPy array
    keeps its dtype. The shape is that of the nested sequences.

    Args:
        data: a number, a (nested) list or tuple, a NumPy array or a tensor.
        dtype: the result's dtype, instead of the inferred one.
        {device}
        {requires_grad}

    Examples:
        >>> import ferrograd
        >>> ferrograd.tensor([[0.1, 1.2], [2.2, 3.1]])
        tensor([[0.1000, 1.2000],
                [2.2000, 3.1000]])
        >>> ferrograd.tensor([0, 1], dtype=ferrograd.float64, requires_grad=True)
        tensor([0., 1.], dtype=ferrograd.float64, requires_grad=True)
        >>> ferrograd.tensor(3)
        tensor(3)
    """
    if _complex().is_complex_request(data, dtype):
        return _complex().tensor(data, dtype, device, requires_grad)
    if dtype is None and isinstance(data, TensorBase):
        dtype = data.dtype  # kept, bfloat16 included (which NumPy cannot carry)
    array = _infer_numpy(data, dtype)
    t = _core.from_numpy(array, False)
    if dtype is not None and t.dtype is not to_dtype(dtype):
        t = t._to_dtype(to_dtype(dtype).name)
    return _place(t, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Converts ``data`` to a tensor, sharing memory where it can.

    A tensor of the requested dtype and device is returned as it is, and a NumPy array of a
    dtype ferrograd has becomes a tensor over the same memory (as ``from_numpy``); anything
    else is copied as by ``tensor``.

    Args:
        data: a tensor, a NumPy array, a number or a (nested) sequence.
        dtype: the result's dtype; by default ``data``'s own.
        device: the result's device; by default ``data``'s own, else the default device.

    Examples:
        >>> import numpy as np
        >>> import ferrograd
        >>> a = np.array([1.0, 2.0])
        >>> t = ferrograd.as_tensor(a)
        >>> a[0] = -1.0
        >>> t
        tensor([-1.,  2.], dtype=ferrograd.float64)
    """
    if isinstance(data, TensorBase) and dtype is None and device is None:
        return data
    if (
        isinstance(data, np.ndarray)
        and dtype is None
        and device is None
        and data.dtype.name in _NUMPY_NAMES
    ):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array: np.ndarray):
    """Creates a tensor from a NumPy array, sharing its memory.

    Writes to the tensor are seen in the array and the other way round; the tensor cannot be
    resized. An array that is not C-contiguous or not writeable is copied instead.

    Args:
        array: a NumPy array of a dtype ferrograd has (bool, uint8, int8-int64, float16,
            float32, float64).

    Raises:
        TypeError: ``array`` is not a NumPy array, or has a dtype ferrograd lacks.

    Examples:
        >>> import numpy as np
        >>> import ferrograd
        >>> a = np.array([1, 2, 3])
        >>> t = ferrograd.from_numpy(a)
        >>> t[0] = -1
        >>> a
        array([-1,  2,  3])
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    if array.dtype.kind == "c":
        return _complex().from_array(array)
    return _core.from_numpy(array, True)


def _size_arg(sizes: tuple, size, op: str) -> list:
    """The shape given positionally (``zeros(2, 3)``, ``zeros((2, 3))``) or as ``size=``."""
    if size is not None:
        if sizes:
            raise TypeError(f"{op}() received the size both positionally and as size=")
        sizes = (size,)
    return _sizes(sizes)


def _number(value):
    """A Python int as it is (the engine keeps int64 values exact past 2**53), else a float."""
    return value if isinstance(value, int) else float(value)


@_shared_args
def full(size, fill_value, *, dtype=None, device=None, requires_grad: bool = False):
    """Creates a tensor of size ``size`` filled with ``fill_value``.

    Without ``dtype``, the dtype is inferred from ``fill_value``: ``bool``, ``int64`` for an
    int, the default floating dtype for a float.

    Args:
        size: the shape, a sequence of ints.
        fill_value: the value of every element.
        {dtype}
        {device}
        {requires_grad}

    Examples:
        >>> import ferrograd
        >>> ferrograd.full((2, 3), 3.141592)
        tensor([[3.1416, 3.1416, 3.1416],
                [3.1416, 3.1416, 3.1416]])
        >>> ferrograd.full((2,), 7)
        tensor([7, 7])
    """
    if _complex().is_complex_request(None, dtype) or (
        dtype is None and isinstance(fill_value, complex)
    ):
        complex_dtype = to_dtype(dtype) if dtype is not None else get_default_dtype().to_complex()
        return _complex().full(_sizes((size,)), fill_value, complex_dtype, device, requires_grad)
    if dtype is None:
        dtype = (
            "bool"
            if isinstance(fill_value, bool)
            else ("int64" if isinstance(fill_value, int) else None)
        )
    elif isinstance(fill_value, (int, float)):
        check_fits(fill_value, to_dtype(dtype))
    if _meta.requested(device):
        return _meta.empty(_sizes((size,)), _dtype_name(dtype), requires_grad)
    made = _core.full(
        _sizes((size,)), _number(fill_value), _dtype_name(dtype), _engine_device(device)
    )
    return _finish(made, requires_grad)


@_shared_args
def zeros(*sizes, size=None, dtype=None, device=None, requires_grad: bool = False):
    """Returns a tensor filled with the scalar value 0, of the shape given by ``sizes``.

    Args:
        {sizes}
        {dtype}
        {device}
        {requires_grad}

    Examples:
        >>> import ferrograd
        >>> ferrograd.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
        >>> ferrograd.zeros(5, dtype=ferrograd.int64)
        tensor([0, 0, 0, 0, 0])
    """
    # Through `full`, whose meta path allocates nothing.
    return full(
        _size_arg(sizes, size, "zeros"),
        0.0,
        dtype=dtype,
        device=device,
        requires_grad=requires_grad,
    )


@_shared_args
def ones(*sizes, size=None, dtype=None, device=None, requires_grad: bool = False):
    """Returns a tensor filled with the scalar value 1, of the shape given by ``sizes``.

    Args:
        {sizes}
        {dtype}
        {device}
        {requires_grad}

    Examples:
        >>> import ferrograd
        >>> ferrograd.ones(2, 3)
        tensor([[1., 1., 1.],
                [1., 1., 1.]])
        >>> ferrograd.ones((2,), dtype=ferrograd.bool)
        tensor([True, True])
    """
    return full(
        _size_arg(sizes, size, "ones"), 1.0, dtype=dtype, device=device, requires_grad=requires_grad
    )


@_shared_args
def empty(*sizes, size=None, dtype=None, device=None, requires_grad: bool = False):
    """Returns a tensor of the shape given by ``sizes`` whose values are not meant to be read.

    PyTorch leaves the memory unwritten; ferrograd's elements are zero (it costs little and
    makes programs repeatable). Code should not depend on either.

    Args:
        {sizes}
        {dtype}
        {device}
        {requires_grad}

    Examples:
        >>> import ferrograd
        >>> ferrograd.empty(2, 3).shape
        ferrograd.Size([2, 3])
    """
    shape = _size_arg(sizes, size, "empty")
    return zeros(shape, dtype=dtype, device=device, requires_grad=requires_grad)


@_shared_args
def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad: bool = False):
    """Returns a 1-D tensor of the values from ``start`` up to ``end`` (excluded) by ``step``.

    ``arange(end)`` starts at 0. The result has ``ceil((end - start) / step)`` elements. Without
    ``dtype``, it is ``int64`` when ``start``, ``end`` and ``step`` are all ints, else the
    default floating dtype.

    Args:
        start: the first value (or, alone, ``end`` with ``start`` 0).
        end: the bound, not included.
        step: the difference between neighbouring values; may be negative.
        {dtype}
        {device}
        {requires_grad}

    Examples:
        >>> import ferrograd
        >>> ferrograd.arange(5)
        tensor([0, 1, 2, 3, 4])
        >>> ferrograd.arange(1, 2.5, 0.5)
        tensor([1.0000, 1.5000, 2.0000])
    """
    if end is None:
        start, end = 0, start
    values = (start, end, step)
    if dtype is None:
        dtype = "int64" if all(isinstance(v, int) for v in values) else None
    if _meta.requested(device):
        if step == 0:
            raise RuntimeError("step must be nonzero")
        count = max(0, _math.ceil((end - start) / step))
        return _meta.empty((count,), _dtype_name(dtype), requires_grad)
    made = _core.arange(
        _number(start), _number(end), _number(step), _dtype_name(dtype), _engine_device(device)
    )
    return _finish(made, requires_grad)


@_shared_args
def linspace(start, end, steps: int, *, dtype=None, device=None, requires_grad: bool = False):
    """Returns a 1-D tensor of ``steps`` values evenly spaced from ``start`` to ``end``, both
    included.

    Args:
        start: the first value.
        end: the last value.
        steps: how many values.
        {dtype}
        {device}
        {requires_grad}

    Examples:
        >>> import ferrograd
        >>> ferrograd.linspace(-10, 10, steps=5)
        tensor([-10.,  -5.,   0.,   5.,  10.])
    """
    if _meta.requested(device):
        return _meta.empty((int(steps),), _dtype_name(dtype), requires_grad)
    return _place(
        _core.linspace(float(start), float(end), int(steps), _dtype_name(dtype)),
        device,
        requires_grad,
    )


@_shared_args
def eye(n: int, m: int | None = None, *, dtype=None, device=None, requires_grad: bool = False):
    """Returns a 2-D tensor with ones on the diagonal and zeros elsewhere.

    Args:
        n: the number of rows.
        m: the number of columns; ``n`` by default.
        {dtype}
        {device}
        {requires_grad}

    Examples:
        >>> import ferrograd
        >>> ferrograd.eye(2, 3)
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if _meta.requested(device):
        return _meta.empty((n, n if m is None else m), _dtype_name(dtype), requires_grad)
    return _place(_core.eye(n, n if m is None else m, _dtype_name(dtype)), device, requires_grad)


@_shared_args
def rand(*sizes, size=None, dtype=None, device=None, requires_grad: bool = False, generator=None):
    """Returns a tensor of random numbers drawn uniformly from ``[0, 1)``.

    Args:
        {sizes}
        {dtype}
        {device}
        {requires_grad}
        {generator}

    Examples:
        >>> import ferrograd
        >>> x = ferrograd.rand(2, 3)
        >>> x.shape, bool(((x >= 0) & (x < 1)).all())
        (ferrograd.Size([2, 3]), True)
    """
    shape = _size_arg(sizes, size, "rand")
    if _complex().is_complex_request(None, dtype):
        return _complex().random("rand", shape, to_dtype(dtype), device, requires_grad, generator)
    return _random.rand(shape, dtype, device, requires_grad, generator)


@_shared_args
def randn(*sizes, size=None, dtype=None, device=None, requires_grad: bool = False, generator=None):
    """Returns a tensor of random numbers from the standard normal distribution (mean 0,
    variance 1).

    Args:
        {sizes}
        {dtype}
        {device}
        {requires_grad}
        {generator}

    Examples:
        >>> import ferrograd
        >>> _ = ferrograd.manual_seed(0)
        >>> x = ferrograd.randn(10000)
        >>> abs(x.mean().item()) < 0.05, abs(x.std().item() - 1) < 0.05
        (True, True)
    """
    shape = _size_arg(sizes, size, "randn")
    if _complex().is_complex_request(None, dtype):
        return _complex().random("randn", shape, to_dtype(dtype), device, requires_grad, generator)
    return _random.randn(shape, dtype, device, requires_grad, generator)


@_shared_args
def randint(
    low, high=None, size=None, *, dtype=None, device=None, requires_grad=False, generator=None
):
    """Returns a tensor of random integers drawn uniformly from ``[low, high)``.

    ``randint(high, size)`` draws from ``[0, high)``. The dtype is ``int64`` unless given.

    Args:
        low: the lowest value that can be drawn (0 when only ``high`` is given).
        high: one above the highest value that can be drawn.
        size: the shape, a sequence of ints.
        dtype: the result's dtype (``int64`` by default).
        device: the result's device.
        requires_grad: whether autograd records operations on the result (floating dtypes
            only).
        {generator}

    Examples:
        >>> import ferrograd
        >>> x = ferrograd.randint(3, 10, (2, 2))
        >>> x.dtype, bool(((x >= 3) & (x < 10)).all())
        (ferrograd.int64, True)
    """
    if size is None:
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    return _random.randint(low, high, _sizes((size,)), dtype, device, requires_grad, generator)


def manual_seed(seed: int):
    """Sets the seed of the default random number generator, so that the random numbers that
    follow (``rand``, ``randn``, initialisation, dropout, shuffling) repeat from run to run.

    The draws are ferrograd's own: the same seed does not give PyTorch's numbers.

    Args:
        seed: an int.

    Returns:
        The default ``Generator``.

    Examples:
        >>> import ferrograd
        >>> _ = ferrograd.manual_seed(42)
        >>> a = ferrograd.rand(3)
        >>> _ = ferrograd.manual_seed(42)
        >>> ferrograd.equal(a, ferrograd.rand(3))
        True
    """
    return _random.manual_seed(seed)


def _like(factory):
    def make(input, *, dtype=None, device=None, requires_grad: bool = False, **kwargs):
        return factory(
            input.shape,
            dtype=dtype or input.dtype,
            device=device or input.device,
            requires_grad=requires_grad,
            **kwargs,
        )

    make.__name__ = factory.__name__ + "_like"
    name = factory.__name__
    make.__doc__ = _documented(
        """Returns ``{name}(input.shape)``, with ``input``'s dtype and device unless
    given.

    Args:
        input: the tensor whose shape, dtype and device the result takes.
        {like_dtype}
        {like_device}
        {requires_grad}

    Examples:
        >>> import ferrograd
        >>> ferrograd.{name}_like(ferrograd.ones(2, dtype=ferrograd.float64)).shape
        ferrograd.Size([2])
    """,
        name=name,
    )
    return make


@_shared_args
def full_like(input, fill_value, *, dtype=None, device=None, requires_grad: bool = False):
    """Returns a tensor of ``input``'s shape filled with ``fill_value``, with ``input``'s dtype
    and device unless given.

    Args:
        input: the tensor whose shape, dtype and device the result takes.
        fill_value: the value of every element.
        {like_dtype}
        {like_device}
        {requires_grad}

    Examples:
        >>> import ferrograd
        >>> ferrograd.full_like(ferrograd.zeros(2, dtype=ferrograd.int64), 7)
        tensor([7, 7])
    """
    return full(
        input.shape,
        fill_value,
        dtype=dtype or input.dtype,
        device=device or input.device,
        requires_grad=requires_grad,
    )


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)
rand_like = _like(rand)
randn_like = _like(randn)


def randint_like(input, low, high=None, *, generator=None, dtype=None, device=None):
    if high is None:
        low, high = 0, low
    return randint(
        low,
        high,
        input.shape,
        dtype=dtype or input.dtype,
        device=device or input.device,
        generator=generator,
    )


def numel(input) -> int:
    return _math.prod(input.shape)
