"""How the object collectives turn objects into bytes and back, without pickle.

PyTorch pickles the objects of ``broadcast_object_list`` and friends, so a rank that receives
them runs whatever the sender's bytes say. Here the bytes describe data only, and decoding
builds nothing but these types:

* ``None``, ``bool``, ``int``, ``float``, ``complex``, ``str``, ``bytes`` (``bytearray`` comes
  back as ``bytes``);
* ``list``, ``tuple`` and ``dict`` of allowed values (dict keys too: hashable ones);
* ferrograd tensors (dense, strided; they arrive on the CPU with their dtype, shape, values and
  ``requires_grad``), NumPy arrays and NumPy scalars of bool, integer, float or complex
  dtype.

Subclasses are sent as their base type (an ``IntEnum`` arrives as an ``int``, a ``namedtuple``
as a ``tuple``); anything else raises ``TypeError`` on the sending rank, before any
communication. Format: an 8-byte little-endian length, a JSON header (the value tree, floats as
exact hexadecimal), then the raw bytes of the ``bytes``, arrays and tensors the tree points
into. Decoding checks every tag, type, offset and size and raises ``ValueError`` on anything
malformed."""

from __future__ import annotations

import json
import math
import re
import struct

import numpy as np

from .._base import TensorBase

__all__ = ["ALLOWED", "decode", "encode"]

ALLOWED = (
    "None, bool, int, float, complex, str, bytes, list, tuple, dict, ferrograd tensors, and "
    "NumPy arrays or scalars of bool/integer/float/complex dtype"
)
_NUMPY_KINDS = "biufc"
_NUMPY_DTYPE = re.compile(r"^[<>|=][biufc][0-9]{1,2}$")
_MAX_DEPTH = 200


class _Encoder:
    def __init__(self):
        self.blobs: list[bytes] = []
        self.size = 0
        self.open: set[int] = set()  # containers being encoded, to refuse cycles

    def blob(self, data: bytes) -> list:
        offset = self.size
        self.blobs.append(data)
        self.size += len(data)
        return [offset, len(data)]

    def value(self, obj, depth: int = 0):
        if depth > _MAX_DEPTH:
            raise ValueError(f"object nested deeper than {_MAX_DEPTH} levels")
        if obj is None:
            return ["n"]
        if isinstance(obj, bool):
            return ["b", obj]
        if isinstance(obj, int):
            return ["i", str(int(obj))]
        if isinstance(obj, float):
            return ["f", float(obj).hex()]
        if isinstance(obj, complex):
            return ["c", obj.real.hex(), obj.imag.hex()]
        if isinstance(obj, str):
            return ["s", str(obj)]
        if isinstance(obj, (bytes, bytearray)):
            return ["y", *self.blob(bytes(obj))]
        if isinstance(obj, TensorBase):
            return self.tensor(obj)
        if isinstance(obj, np.ndarray):
            array = self.numpy(obj)
            return ["a", array.dtype.str, list(array.shape), *self.blob(array.tobytes())]
        if isinstance(obj, np.generic):
            array = self.numpy(np.asarray(obj))
            return ["g", array.dtype.str, *self.blob(array.tobytes())]
        if isinstance(obj, (list, tuple, dict)):
            if id(obj) in self.open:
                raise ValueError("cannot send an object that contains itself")
            self.open.add(id(obj))
            try:
                if isinstance(obj, dict):
                    items = [[self.value(k, depth + 1), self.value(v, depth + 1)]
                             for k, v in obj.items()]  # fmt: skip
                    return ["d", items]
                return ["t" if isinstance(obj, tuple) else "l",
                        [self.value(v, depth + 1) for v in obj]]  # fmt: skip
            finally:
                self.open.discard(id(obj))
        raise TypeError(
            f"ferrograd.distributed cannot send an object of type {type(obj).__qualname__}: the "
            f"object collectives send {ALLOWED} (no pickle)"
        )

    @staticmethod
    def numpy(array: np.ndarray) -> np.ndarray:
        if array.dtype.kind not in _NUMPY_KINDS:
            raise TypeError(
                f"ferrograd.distributed cannot send NumPy arrays of dtype {array.dtype}: only "
                "bool, integer, float and complex dtypes"
            )
        return _c_order(array)

    def tensor(self, tensor) -> list:
        if tensor.layout != _strided():
            raise TypeError("ferrograd.distributed can only send dense (strided) tensors")
        array = _c_order(tensor.detach().cpu().numpy())
        name = str(tensor.dtype).rsplit(".", 1)[-1]
        grad = bool(tensor.requires_grad)
        return ["T", name, list(array.shape), grad, *self.blob(array.tobytes())]


def _ferrograd():
    import ferrograd

    return ferrograd


def _strided():
    return _ferrograd().strided


def _c_order(array: np.ndarray) -> np.ndarray:
    """``array`` with its elements in row-major order (a copy only when needed; unlike
    ``np.ascontiguousarray``, a 0-d array stays 0-d)."""
    return np.asarray(array, order="C")


def encode(obj) -> bytes:
    encoder = _Encoder()
    header = json.dumps(encoder.value(obj), separators=(",", ":"), allow_nan=False).encode()
    return struct.pack("<Q", len(header)) + header + b"".join(encoder.blobs)


class _Decoder:
    def __init__(self, data: bytes, blobs_start: int):
        self.data = data
        self.start = blobs_start

    def blob(self, offset, length) -> bytes:
        numbers = isinstance(offset, int) and isinstance(length, int)
        if not (numbers and offset >= 0 and length >= 0):
            raise ValueError("malformed object message: bad data offset")
        begin = self.start + offset
        if begin + length > len(self.data):
            raise ValueError("malformed object message: data out of range")
        return self.data[begin : begin + length]

    @staticmethod
    def shape(shape) -> tuple:
        if not isinstance(shape, list) or not all(isinstance(s, int) and s >= 0 for s in shape):
            raise ValueError("malformed object message: bad shape")
        return tuple(shape)

    def array(self, dtype_text, shape, offset, length) -> np.ndarray:
        if not isinstance(dtype_text, str) or not _NUMPY_DTYPE.match(dtype_text):
            raise ValueError(f"malformed object message: dtype {dtype_text!r} not allowed")
        dtype = np.dtype(dtype_text)
        if math.prod(shape) * dtype.itemsize != length:
            raise ValueError("malformed object message: size does not match shape")
        return np.frombuffer(self.blob(offset, length), dtype=dtype).reshape(shape).copy()

    def value(self, node, depth: int = 0):
        if depth > _MAX_DEPTH or not isinstance(node, list) or not node:
            raise ValueError("malformed object message")
        tag, *rest = node
        try:
            return self._value(tag, rest, depth)
        except (TypeError, KeyError, IndexError, OverflowError) as error:
            raise ValueError(f"malformed object message: {error}") from None

    def _value(self, tag, rest, depth):
        if tag == "n" and not rest:
            return None
        if tag == "b" and len(rest) == 1 and isinstance(rest[0], bool):
            return rest[0]
        if tag == "i" and len(rest) == 1 and isinstance(rest[0], str):
            return int(rest[0])
        if tag == "f" and len(rest) == 1:
            return float.fromhex(rest[0])
        if tag == "c" and len(rest) == 2:
            return complex(float.fromhex(rest[0]), float.fromhex(rest[1]))
        if tag == "s" and len(rest) == 1 and isinstance(rest[0], str):
            return rest[0]
        if tag == "y" and len(rest) == 2:
            return bytes(self.blob(*rest))
        if tag in ("l", "t") and len(rest) == 1 and isinstance(rest[0], list):
            items = [self.value(v, depth + 1) for v in rest[0]]
            return items if tag == "l" else tuple(items)
        if tag == "d" and len(rest) == 1 and isinstance(rest[0], list):
            result = {}
            for pair in rest[0]:
                if not isinstance(pair, list) or len(pair) != 2:
                    raise ValueError("malformed object message: bad dict entry")
                result[self.value(pair[0], depth + 1)] = self.value(pair[1], depth + 1)
            return result
        if tag == "a" and len(rest) == 4:
            return self.array(rest[0], self.shape(rest[1]), rest[2], rest[3])
        if tag == "g" and len(rest) == 3:
            return self.array(rest[0], (), rest[1], rest[2])[()]
        if tag == "T" and len(rest) == 5:
            return self.tensor(*rest)
        raise ValueError(f"malformed object message: unknown entry {tag!r}")

    def tensor(self, dtype_name, shape, requires_grad, offset, length):
        from .. import _dtype, from_numpy

        dtype = getattr(_ferrograd(), dtype_name, None) if isinstance(dtype_name, str) else None
        if not isinstance(dtype, _dtype.dtype) or not isinstance(requires_grad, bool):
            raise ValueError(f"malformed object message: tensor dtype {dtype_name!r}")
        numpy_dtype = np.dtype(dtype.numpy).newbyteorder("<")
        array = self.array(numpy_dtype.str, self.shape(shape), offset, length)
        tensor = from_numpy(array.astype(np.dtype(dtype.numpy), copy=False))
        return tensor.requires_grad_(True) if requires_grad else tensor


def decode(data: bytes):
    data = bytes(data)
    if len(data) < 8:
        raise ValueError("malformed object message: too short")
    (header_length,) = struct.unpack("<Q", data[:8])
    if 8 + header_length > len(data):
        raise ValueError("malformed object message: header out of range")
    try:
        tree = json.loads(data[8 : 8 + header_length].decode())
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ValueError(f"malformed object message: {error}") from None
    return _Decoder(data, 8 + header_length).value(tree)
