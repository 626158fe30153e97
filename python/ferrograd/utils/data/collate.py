"""``default_collate`` (a list of samples to a batch) and ``default_convert`` (NumPy arrays in a
sample to tensors), with PyTorch's rules for nested dicts, tuples, lists, namedtuples, NumPy
arrays and scalars, numbers and strings."""

from __future__ import annotations

import collections.abc
import copy

import numpy as np

from ..._base import TensorBase

__all__ = ["default_collate", "default_convert"]

_COLLATE_ERROR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)
_CONVERT_ERROR = "default_convert: numpy arrays of strings or objects are not supported; found {}"


def _is_namedtuple(value) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields")


def _numeric_numpy(value) -> bool:
    """A NumPy array (or scalar) of numbers or booleans, which becomes a tensor."""
    return value.dtype.kind in "biuf"


def _stack(batch):
    from ..._tensor_functions import stack

    first = batch[0]
    for i, t in enumerate(batch):
        if t.shape != first.shape:
            raise RuntimeError(
                "stack expects each tensor to be equal size, but got "
                f"{list(first.shape)} at entry 0 and {list(t.shape)} at entry {i}"
            )
    return stack(list(batch), 0)


def _rebuild_like(sample, fields: dict):
    """A mapping of ``sample``'s type holding ``fields`` (a plain dict if it cannot be made)."""
    if isinstance(sample, collections.abc.MutableMapping):
        clone = copy.copy(sample)
        clone.update(fields)
        return clone
    try:
        return type(sample)(fields)
    except TypeError:
        return fields


def default_collate(batch):
    """Puts a list of samples together: tensors are stacked along a new first dimension,
    NumPy arrays and scalars become stacked tensors, Python floats a float64 tensor, ints an
    int64 tensor (bools a bool tensor), strings and bytes stay a list; mappings, namedtuples
    and sequences are collated field by field (a tuple sample gives a list, as in PyTorch).

    Examples:
        >>> import ferrograd
        >>> samples = [(ferrograd.tensor([1.0, 2.0]), 0), (ferrograd.tensor([3.0, 4.0]), 1)]
        >>> ferrograd.utils.data.default_collate(samples)
        [tensor([[1., 2.],
                [3., 4.]]), tensor([0, 1])]
    """
    from ... import _creation

    first = batch[0]
    if isinstance(first, TensorBase):
        return _stack(batch)
    if isinstance(first, (str, bytes)):  # NumPy's string scalars too
        return batch
    if isinstance(first, np.ndarray) or (isinstance(first, np.generic) and first.shape == ()):
        if not _numeric_numpy(first):
            raise TypeError(_COLLATE_ERROR.format(first.dtype))
        if isinstance(first, np.ndarray):
            return _stack([_creation.as_tensor(np.asarray(b)) for b in batch])
        return _creation.as_tensor(np.asarray(batch))
    if isinstance(first, float):
        return _creation.tensor(list(batch), dtype="float64")
    if isinstance(first, bool):
        return _creation.tensor(list(batch), dtype="bool")
    if isinstance(first, int):
        return _creation.tensor(list(batch), dtype="int64")
    if isinstance(first, collections.abc.Mapping):
        return _rebuild_like(
            first, {key: default_collate([d[key] for d in batch]) for key in first}
        )
    if _is_namedtuple(first):
        return type(first)(*(default_collate(field) for field in zip(*batch, strict=True)))
    if isinstance(first, collections.abc.Sequence):
        if any(len(sample) != len(first) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields = [default_collate(field) for field in zip(*batch, strict=True)]
        if isinstance(first, tuple):
            return fields
        if isinstance(first, collections.abc.MutableSequence):
            clone = copy.copy(first)
            for i, field in enumerate(fields):
                clone[i] = field
            return clone
        try:
            return type(first)(fields)
        except TypeError:
            return fields
    raise TypeError(_COLLATE_ERROR.format(type(first)))


def default_convert(data):
    """Converts the NumPy arrays and scalars in ``data`` (through mappings, namedtuples and
    sequences) to tensors, leaving everything else as it is; a tuple becomes a list, as in
    PyTorch. The ``collate_fn`` a loader uses when batching is off (``batch_size=None``).

    Examples:
        >>> import ferrograd
        >>> import numpy as np
        >>> ferrograd.utils.data.default_convert({'x': np.array([1, 2])})
        {'x': tensor([1, 2])}
    """
    from ... import _creation

    if isinstance(data, TensorBase):
        return data
    if isinstance(data, (np.ndarray, np.generic)) and not isinstance(data, (np.str_, np.bytes_)):
        if not _numeric_numpy(data):
            if isinstance(data, np.ndarray):
                return data
            raise TypeError(_CONVERT_ERROR.format(data.dtype))
        return _creation.as_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return _rebuild_like(data, {key: default_convert(data[key]) for key in data})
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        converted = [default_convert(d) for d in data]
        if isinstance(data, collections.abc.MutableSequence):
            clone = copy.copy(data)
            for i, value in enumerate(converted):
                clone[i] = value
            return clone
        try:
            return type(data)(converted)
        except TypeError:
            return converted
    return data
