"""``ferrograd.nn.utils.rnn``: batches of sequences of different lengths, padded to one length
or packed into ``PackedSequence`` (the time-major rows of every sequence still running at each
step), and the conversions between the two.

Every conversion is one ``index_select`` of the sequences' rows (with one extra row holding the
padding value): the row indices are worked out with NumPy from the lengths, which never need a
gradient, and the gradient of the selection is the scatter back into the sequences.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ... import _creation
from ..._base import TensorBase
from ..._tensor_functions import cat

__all__ = [
    "PackedSequence",
    "invert_permutation",
    "pack_padded_sequence",
    "pack_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpack_sequence",
    "unpad_sequence",
]


def _index_tensor(values, device) -> TensorBase:
    return _creation.tensor(np.asarray(values, dtype=np.int64), dtype="int64").to(device)


def _as_numpy_ints(t) -> np.ndarray:
    return np.asarray(t.detach().cpu().numpy() if isinstance(t, TensorBase) else t, dtype=np.int64)


def invert_permutation(permutation):
    """The inverse permutation (``inverse[permutation[i]] == i``); ``None`` stays ``None``."""
    if permutation is None:
        return None
    order = _as_numpy_ints(permutation)
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.size, dtype=np.int64)
    return _index_tensor(inverse, permutation.device)


class _PackedFields(NamedTuple):
    data: TensorBase
    batch_sizes: TensorBase
    sorted_indices: TensorBase | None
    unsorted_indices: TensorBase | None


class PackedSequence(_PackedFields):
    """A batch of sequences packed time step by time step.

    ``data`` holds, for each time step in turn, the rows of the sequences still running at that
    step; ``batch_sizes[t]`` (an int64 CPU tensor) is how many there are. The sequences are
    ordered longest first; ``sorted_indices`` says which sequence of the original batch each
    packed position is (``None`` when the batch was already sorted) and ``unsorted_indices`` is
    its inverse. Build one with ``pack_padded_sequence`` or ``pack_sequence``, not directly.
    """

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if batch_sizes is None:
            # the legacy form PackedSequence((data, batch_sizes))
            data, batch_sizes = data
        if not isinstance(batch_sizes, TensorBase):
            batch_sizes = _index_tensor(batch_sizes, "cpu")
        if batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. Instances of PackedSequence should never be "
                "created manually. They should be instantiated by functions like pack_sequence "
                "and pack_padded_sequences in nn.utils.rnn."
            )
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """The same packing with ``data`` converted by ``Tensor.to``; the indices follow its
        device, ``batch_sizes`` stays on the CPU. Returns ``self`` when nothing changes."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        sorted_indices, unsorted_indices = (
            None if index is None else index.to(data.device)
            for index in (self.sorted_indices, self.unsorted_indices)
        )
        return type(self)(data, self.batch_sizes, sorted_indices, unsorted_indices)

    def cuda(self, *args, **kwargs):
        return self.to(*args, device="cuda", **kwargs)

    def cpu(self, *args, **kwargs):
        return self.to(*args, device="cpu", **kwargs)

    def double(self):
        return self.to(dtype="float64")

    def float(self):
        return self.to(dtype="float32")

    def long(self):
        return self.to(dtype="int64")

    def int(self):
        return self.to(dtype="int32")

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        return False


def _padding_row(like, padding_value) -> TensorBase:
    return _creation.full((1, *like.shape[1:]), padding_value, dtype=like.dtype, device=like.device)


def _lengths_array(lengths, batch_size: int, max_steps: int) -> np.ndarray:
    array = _as_numpy_ints(lengths)
    if array.ndim != 1:
        raise RuntimeError(
            f"'lengths' argument should be a 1D CPU int64 tensor, but got {array.ndim}D tensor"
        )
    if array.size != batch_size:
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got {array.size} "
            f"(batch_size={batch_size})"
        )
    if array.size and array.min() <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in 'lengths' "
            "that is <= 0"
        )
    if array.size and array.max() > max_steps:
        raise RuntimeError(
            f"Expected every length to be at most the padded sequence length {max_steps}, but "
            f"got a length of {int(array.max())}"
        )
    return array


def pack_padded_sequence(input, lengths, batch_first: bool = False, enforce_sorted: bool = True):
    """Packs a padded batch ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``) of sequences with
    the given lengths. With ``enforce_sorted`` the lengths must not increase; otherwise the
    batch is sorted longest first and the order kept in ``sorted_indices``."""
    if not isinstance(input, TensorBase):
        raise TypeError(
            f"pack_padded_sequence(): argument 'input' must be Tensor, not {type(input).__name__}"
        )
    if input.ndim < 2:
        raise ValueError(
            f"pack_padded_sequence(): expected input of at least 2 dimensions, got {input.ndim}"
        )
    steps, batch = (input.shape[1], input.shape[0]) if batch_first else input.shape[:2]
    array = _lengths_array(lengths, batch, steps)
    if enforce_sorted:
        if np.any(array[1:] > array[:-1]):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence "
                "to sidestep this requirement if you do not need ONNX exportability."
            )
        order, sorted_indices = np.arange(batch), None
    else:
        order = np.argsort(-array, kind="stable")
        sorted_indices = _index_tensor(order, input.device)
    sorted_lengths = array[order]
    batch_sizes = [int((sorted_lengths > t).sum()) for t in range(int(sorted_lengths[0]))]
    rows = [
        int(order[b]) * steps + t if batch_first else t * batch + int(order[b])
        for t, size in enumerate(batch_sizes)
        for b in range(size)
    ]
    data = input.flatten(0, 1).index_select(0, _index_tensor(rows, input.device))
    return PackedSequence(data, _index_tensor(batch_sizes, "cpu"), sorted_indices, None)


def pad_packed_sequence(
    sequence, batch_first: bool = False, padding_value: float = 0.0, total_length=None
):
    """Undoes ``pack_padded_sequence``: returns the padded batch ``(T, B, *)`` (``(B, T, *)``
    with ``batch_first``) in the original batch order, and the lengths as an int64 tensor.
    ``total_length`` pads to that many steps instead of the longest sequence's."""
    data = sequence.data
    batch_sizes = _as_numpy_ints(sequence.batch_sizes)
    steps = batch_sizes.size
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{steps}"
            )
        steps = int(total_length)
    batch = int(batch_sizes[0])
    sorted_lengths = (batch_sizes[None, :] > np.arange(batch)[:, None]).sum(1)
    offsets = np.concatenate([[0], np.cumsum(batch_sizes)])
    unsorted = (
        np.arange(batch)
        if sequence.unsorted_indices is None
        else _as_numpy_ints(sequence.unsorted_indices)
    )
    padding = data.shape[0]
    shape = (batch, steps) if batch_first else (steps, batch)
    rows = np.full(shape, padding, dtype=np.int64)
    for j, s in enumerate(unsorted):
        length = sorted_lengths[s]
        column = offsets[:length] + s
        if batch_first:
            rows[j, :length] = column
        else:
            rows[:length, j] = column
    source = cat([data, _padding_row(data, padding_value)])
    padded = source.index_select(0, _index_tensor(rows.ravel(), data.device))
    lengths = _index_tensor(sorted_lengths[unsorted], "cpu")
    return padded.reshape(*shape, *data.shape[1:]), lengths


def pad_sequence(
    sequences, batch_first: bool = False, padding_value: float = 0.0, padding_side: str = "right"
):
    """Stacks sequences ``(L_i, *)`` into one batch ``(T, B, *)`` (``(B, T, *)`` with
    ``batch_first``), ``T`` the longest length, filling with ``padding_value`` after each
    sequence (``padding_side="right"``) or before it (``"left"``)."""
    if padding_side not in ("left", "right"):
        raise RuntimeError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    sequences = list(sequences.unbind(0) if isinstance(sequences, TensorBase) else sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    for s in sequences:
        if not isinstance(s, TensorBase):
            raise TypeError(
                f"pad_sequence(): expected a sequence of Tensors, got {type(s).__name__}"
            )
        if s.ndim == 0:
            raise RuntimeError("pad_sequence(): every sequence needs at least one dimension")
        if tuple(s.shape[1:]) != tuple(sequences[0].shape[1:]):
            raise RuntimeError(
                "pad_sequence(): every sequence must have the same trailing dimensions, got "
                f"{tuple(sequences[0].shape)} and {tuple(s.shape)}"
            )
    lengths = np.array([s.shape[0] for s in sequences], dtype=np.int64)
    steps, batch = int(lengths.max()), len(sequences)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    padding = int(offsets[-1])
    shape = (batch, steps) if batch_first else (steps, batch)
    rows = np.full(shape, padding, dtype=np.int64)
    for b, length in enumerate(lengths):
        start = 0 if padding_side == "right" else steps - length
        column = np.arange(offsets[b], offsets[b] + length)
        if batch_first:
            rows[b, start : start + length] = column
        else:
            rows[start : start + length, b] = column
    first = sequences[0]
    source = cat([*sequences, _padding_row(first, padding_value)])
    padded = source.index_select(0, _index_tensor(rows.ravel(), first.device))
    return padded.reshape(*shape, *first.shape[1:])


def unpad_sequence(padded_sequences, lengths, batch_first: bool = False):
    """The list of sequences of a padded batch, each cut to its length."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[b, : int(length)] for b, length in enumerate(_as_numpy_ints(lengths))]


def pack_sequence(sequences, enforce_sorted: bool = True):
    """Packs a list of sequences ``(L_i, *)`` (longest first unless ``enforce_sorted=False``)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences of a ``PackedSequence``, in the original batch order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
