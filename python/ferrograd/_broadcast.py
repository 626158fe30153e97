"""``broadcast_shapes`` and ``broadcast_tensors``: the shape several operands broadcast to, and
the operands expanded to it (views, so gradients flow back through ``expand``)."""

from __future__ import annotations

import operator

from ._base import TensorBase
from ._size import Size


def common_shape(shapes: list[tuple], tensor_message: bool) -> Size:
    """The broadcast shape of ``shapes``; a mismatch raises the message of tensor operations
    (``tensor_message``) or of ``broadcast_shapes``."""
    ndim = max((len(s) for s in shapes), default=0)
    result = [1] * ndim
    for k, shape in enumerate(shapes):
        for i, size in enumerate(shape, start=ndim - len(shape)):
            if size < 0:
                raise ValueError("Attempting to broadcast a dimension with negative length!")
            if size == result[i] or size == 1:
                continue
            if result[i] != 1:
                if tensor_message:
                    raise RuntimeError(
                        f"The size of tensor a ({result[i]}) must match the size of tensor b "
                        f"({size}) at non-singleton dimension {i}"
                    )
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {size} at {i - ndim}! "
                    f"Mismatching argument at index {k} had {shape}; but expected shape should "
                    f"be broadcastable to {result}"
                )
            result[i] = size
    return Size(result)


def broadcast_shapes(*shapes) -> Size:
    """The shape that operands of ``shapes`` broadcast to (an int counts as a 1-D shape)."""
    dims = [
        tuple(operator.index(n) for n in s) if hasattr(s, "__iter__") else (operator.index(s),)
        for s in shapes
    ]
    return common_shape(dims, tensor_message=False)


def broadcast_tensors(*tensors) -> tuple:
    """``tensors`` expanded to their common broadcast shape."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    for i, t in enumerate(tensors):
        if not isinstance(t, TensorBase):
            raise TypeError(
                f"broadcast_tensors(): expected Tensor as element {i}, got {type(t).__name__}"
            )
    shape = common_shape([tuple(t.shape) for t in tensors], tensor_message=True)
    return tuple(t if tuple(t.shape) == tuple(shape) else t.expand(shape) for t in tensors)
