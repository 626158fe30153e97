"""Strided views of a device backend's arrays: the engine's layout (shape, strides and offset
in elements, from the array's first element) as an array of the backend that shares memory."""

import importlib


def strided_view(array, shape, strides, offset):
    """``array`` (C-contiguous) seen through ``(shape, strides, offset)``, without a copy."""
    own = getattr(array, "strided_view", None)
    if own is not None:  # an array type with views of its own (the meta device's)
        return own(shape, strides, offset)
    xp = importlib.import_module(type(array).__module__.split(".")[0])
    flat = array.reshape(-1)[offset:]
    itemsize = flat.dtype.itemsize
    return xp.lib.stride_tricks.as_strided(
        flat, shape=tuple(shape), strides=tuple(s * itemsize for s in strides)
    )
