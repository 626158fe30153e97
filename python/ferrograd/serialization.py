"""``ferrograd.save`` / ``ferrograd.load`` in the safetensors format: tensors as raw buffers and
everything else (the nesting of dicts, lists and tuples, and plain ints, floats, strings, bools
and ``None``, such as an optimizer's step counts and hyperparameters) as JSON in the file's
metadata. Nothing is pickled, so loading a file cannot run code.

Tensors are stored under dotted keys that follow the nesting (``fc1.weight``,
``optimizer.state.0.exp_avg``), so a saved state dict is also a plain safetensors file that other
tools can read; a plain safetensors file written elsewhere loads as a dict of tensors. An object
that holds the same tensor twice stores its data once, and loads with both places holding one
tensor.

What this module promises (docs/RELIABILITY.md, "Loading files", says how each is tested):

- ``save`` to a path is atomic: it writes a temporary file in the same folder, flushes and fsyncs
  it, renames it over the target and fsyncs the folder, so a crash or an error midway leaves the
  old file as it was (and a failed save removes its temporary file).
- ``load`` reads the 8-byte header length, a header of at most 100 MB, then exactly the byte range
  the header declares, never past the end of the file; what it allocates is bounded by the file's
  size (or, for a stream without a size, by the bytes that actually arrive).
- Every malformed file raises ``SerializationError`` with a message saying what is wrong: the
  header, each tensor entry (dtype, shape, byte range: the ranges must exactly cover the data, as
  the safetensors format requires) and the structure record (node types, fields and their types,
  nesting of at most ``_MAX_DEPTH`` levels, and agreement with the header's entries) are checked
  before any tensor data is read.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
import stat
import struct
from collections import OrderedDict
from typing import NamedTuple

import numpy as np

from ._base import TensorBase

__all__ = ["SerializationError", "load", "save"]

_FORMAT = "ferrograd"
_VERSION = "2"  # 2: tensor nodes record dtype and shape, and a tensor held twice is stored once
_READABLE = ("1", "2")
_METADATA = "__metadata__"
_MAX_HEADER_BYTES = 100_000_000  # the limit safetensors itself applies
_MAX_DEPTH = 100  # nesting levels of dicts, lists and tuples, for save and load alike
_MAX_RANK = 64  # NumPy's limit on the number of dimensions
_CHUNK = 1 << 24  # bytes per read from a file or stream

# safetensors dtype code -> the little-endian NumPy dtype of the stored elements
_STORED = {
    "BOOL": "|b1",
    "U8": "|u1",
    "I8": "|i1",
    "I16": "<i2",
    "U16": "<u2",
    "I32": "<i4",
    "U32": "<u4",
    "I64": "<i8",
    "U64": "<u8",
    "F16": "<f2",
    "BF16": "<u2",
    "F32": "<f4",
    "F64": "<f8",
}
_FLOAT_CODES = frozenset({"F16", "BF16", "F32", "F64"})
_CODE_OF = {
    "float16": "F16",
    "float32": "F32",
    "float64": "F64",
    "uint8": "U8",
    "int8": "I8",
    "int16": "I16",
    "int64": "I64",
    "int32": "I32",
    "bool": "BOOL",
    "uint16": "BF16",  # a bfloat16 tensor is saved as its bits (NumPy has no bfloat16)
}
_SCALARS = (type(None), bool, int, float, str)
_ENTRY_FIELDS = frozenset({"dtype", "shape", "data_offsets"})
_CONTAINERS = ("dict", "odict", "list", "tuple")


class SerializationError(ValueError, RuntimeError):
    """A file that ``ferrograd.load`` cannot read: not safetensors, damaged, or edited so that its
    parts disagree. A ``ValueError`` (what ferrograd has always raised here) and a
    ``RuntimeError`` (what ``torch.load`` raises for a damaged file), so code written for either
    catches it."""


# ----------------------------------------------------------------------------- save


class _Encoder:
    """Turns an object into its structure record, collecting each distinct tensor once."""

    def __init__(self):
        # key -> the tensor's data, C-contiguous and little-endian
        self.arrays: dict[str, np.ndarray] = {}
        # id -> (its node, the object itself, kept alive so that its id stays unique)
        self.seen: dict[int, tuple[dict, object]] = {}

    def node(self, obj, path: str, depth: int):
        if isinstance(obj, (TensorBase, np.ndarray)):
            return self.tensor(obj, path)
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return {"t": "value", "v": obj}
        if isinstance(obj, np.generic):
            return {"t": "value", "v": obj.item()}
        if isinstance(obj, (dict, list, tuple)):
            if depth >= _MAX_DEPTH:
                raise ValueError(
                    f"ferrograd.save: the object is nested more than {_MAX_DEPTH} levels deep (or "
                    "contains itself)"
                )
            return self.container(obj, path, depth + 1)
        raise TypeError(
            f"ferrograd.save cannot store an object of type {type(obj).__name__}: only tensors, "
            "NumPy arrays, numbers, strings, None and dicts, lists and tuples of them (save "
            "model.state_dict(), not the model)"
        )

    def container(self, obj, path: str, depth: int):
        def child(name, value):
            return self.node(value, f"{path}.{name}" if path else str(name), depth)

        if isinstance(obj, dict):
            for k in obj:
                if not isinstance(k, _SCALARS):
                    raise TypeError(
                        "ferrograd.save: dict keys must be strings or numbers, got "
                        f"{type(k).__name__}"
                    )
            items = [[k, child(k, v)] for k, v in obj.items()]
            return {
                "t": "odict" if isinstance(obj, OrderedDict) else "dict",
                "items": items,
            }
        items = [child(i, v) for i, v in enumerate(obj)]
        return {"t": "tuple" if isinstance(obj, tuple) else "list", "items": items}

    def tensor(self, obj, path: str):
        if id(obj) in self.seen:
            return self.seen[id(obj)][0]
        if isinstance(obj, TensorBase):
            array, requires_grad = _stored_array(obj.detach().cpu()), bool(obj.requires_grad)
        else:
            from ._creation import _infer_numpy  # the dtype ferrograd.tensor would pick

            array, requires_grad = _infer_numpy(obj, None), False
        array = np.asarray(array, dtype=array.dtype.newbyteorder("<"), order="C")
        key = base = path or "tensor"
        n = 1
        while key in self.arrays or key == _METADATA:
            n += 1
            key = f"{base}#{n}"
        self.arrays[key] = array
        node = {
            "t": "tensor",
            "key": key,
            "dtype": _CODE_OF[array.dtype.name],
            "shape": list(array.shape),
            "requires_grad": requires_grad,
        }
        self.seen[id(obj)] = (node, obj)
        return node


def _stored_array(t) -> np.ndarray:
    """The elements as saved: a bfloat16 tensor's as their 16 bits (the upper half of the
    float32 each converts to exactly)."""
    if t.dtype.name == "bfloat16":
        return (t.float().numpy().view("<u4") >> 16).astype("<u2")
    return t.numpy()


def _serialize(obj) -> tuple[bytes, list[np.ndarray]]:
    """The header (length prefix included) and the arrays whose bytes follow it."""
    encoder = _Encoder()
    structure = encoder.node(obj, "", 0)
    metadata = {
        "format": _FORMAT,
        "ferrograd_version": _VERSION,
        "structure": json.dumps(structure, allow_nan=True),
    }
    header: dict = {_METADATA: metadata}
    offset = 0
    for key, array in encoder.arrays.items():
        header[key] = {
            "dtype": _CODE_OF[array.dtype.name],
            "shape": list(array.shape),
            "data_offsets": [offset, offset + array.nbytes],
        }
        offset += array.nbytes
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    # pad so that the data starts 8-byte aligned, as safetensors does
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text, list(encoder.arrays.values())


def _write(out, header: bytes, arrays: list[np.ndarray]) -> None:
    out.write(header)
    for array in arrays:
        out.write(memoryview(array.reshape(-1).view(np.uint8)))


def _create_temporary(folder: str, name: str) -> tuple[str, int]:
    """A new file next to the target, created with the mode the umask gives a new file."""
    flags = (
        os.O_WRONLY
        | os.O_CREAT
        | os.O_EXCL
        | getattr(os, "O_BINARY", 0)
        | getattr(os, "O_CLOEXEC", 0)
    )
    for _ in range(100):
        path = os.path.join(folder, f".{name[:100]}.{secrets.token_hex(6)}.tmp")
        try:
            return path, os.open(path, flags, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(f"ferrograd.save: could not create a temporary file in {folder!r}")


def _fsync_folder(folder: str) -> None:
    """Makes the rename durable where the OS lets a folder be opened and synced (not Windows)."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _save_atomically(path, header: bytes, arrays: list[np.ndarray]) -> None:
    # through a symlink to the file it names, where open() would have written
    target = os.path.realpath(path)
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open(target, "wb") as out:  # /dev/null, a pipe: nothing to replace
            _write(out, header, arrays)
        return
    folder, name = os.path.split(target)
    temporary, fd = _create_temporary(folder, name)
    try:
        with os.fdopen(fd, "wb") as out:
            if existing is not None:
                os.chmod(temporary, stat.S_IMODE(existing.st_mode))
            _write(out, header, arrays)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(folder)


def save(obj, f, **kwargs) -> None:
    """Writes a tensor or NumPy array, or a (nested) dict / list / tuple of them and plain values,
    to ``f`` as safetensors. ``f`` is a path (written atomically: the old file stays whole until
    the new one is complete on disk) or a binary file object (written in place)."""
    header, arrays = _serialize(obj)
    if isinstance(f, (str, os.PathLike)):
        _save_atomically(f, header, arrays)
    else:
        _write(f, header, arrays)


# ----------------------------------------------------------------------------- load


def _show(value, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _where(place) -> str:
    """``place`` is a linked list ``(parent, key)`` from a structure node up to the top."""
    keys = []
    while place is not None:
        place, key = place
        keys.append(f"[{key!r}]")
    return "at the top level" if not keys else "at " + "".join(reversed(keys))


def _unique_keys(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"the key {k!r} appears twice in one object")
        out[k] = v
    return out


def _is_shape(value) -> bool:
    return (
        type(value) is list
        and len(value) <= _MAX_RANK
        and all(type(d) is int and d >= 0 for d in value)
    )


class _Entry(NamedTuple):
    """One tensor of the header, checked: its safetensors dtype, shape and byte range."""

    key: str
    code: str
    shape: tuple
    begin: int
    end: int


class _Source:
    """Reads exact byte counts from a binary file: never past the end of a file whose size is
    known, and for a stream without one, never allocating more than has arrived."""

    def __init__(self, f, name: str):
        self.f, self.name = f, name
        self.left = self._size_left(f)

    @staticmethod
    def _size_left(f):
        try:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None  # /dev/zero, a pipe, a socket: its size says nothing
        except (AttributeError, OSError, ValueError):
            pass
        try:
            if f.seekable():
                here = f.tell()
                end = f.seek(0, os.SEEK_END)
                f.seek(here)
                return max(end - here, 0)
        except (AttributeError, OSError, ValueError):
            pass
        return None

    def read(self, n: int, what: str) -> bytearray:
        if self.left is not None and n > self.left:
            raise SerializationError(
                f"ferrograd.load: {self.name} is truncated: {what} needs {n} bytes, {self.left} "
                "are left"
            )
        out = bytearray(n) if self.left is not None else bytearray()
        got = 0
        while got < n:
            want = min(_CHUNK, n - got)
            if self.left is not None:
                k = self._read_into(memoryview(out)[got : got + want])
            else:  # grow only by what arrives
                piece = self._read(want)
                out += piece
                k = len(piece)
            if not k:
                raise SerializationError(
                    f"ferrograd.load: {self.name} is truncated: it ends {got} bytes into {what} "
                    f"({n} bytes)"
                )
            got += k
        if self.left is not None:
            self.left -= n
        return out

    def _read_into(self, view: memoryview) -> int:
        if hasattr(self.f, "readinto"):
            return self.f.readinto(view) or 0
        piece = self._read(len(view))
        view[: len(piece)] = piece
        return len(piece)

    def _read(self, n: int) -> bytes:
        piece = self.f.read(n)
        if not isinstance(piece, (bytes, bytearray, memoryview)):
            raise TypeError(
                "ferrograd.load needs a file opened in binary mode, its read() gave "
                f"{type(piece).__name__}"
            )
        return piece[:n]


class _Reader:
    """One ``load``: parses and checks the header and the structure, then reads the tensors."""

    def __init__(self, source: _Source, whole_file: bool):
        self.source, self.name = source, source.name
        # a path holds one file; a file object may hold more after the data
        self.whole_file = whole_file
        # structure node type -> its fields (set once the file's version is known)
        self.fields: dict[str, frozenset] = {}
        self.by_key: dict[str, _Entry] = {}
        self.requires_grad: dict[str, bool] = {}  # key -> the flag its nodes give it

    def fail(self, message: str):
        raise SerializationError(f"ferrograd.load: {self.name} {message}")

    def parse_json(self, raw: bytearray | str, what: str):
        """``raw`` (UTF-8 bytes or a string) parsed as JSON; ``what`` begins the message
        when it is not."""
        try:
            text = raw if isinstance(raw, str) else raw.decode("utf-8")
            return json.loads(text, object_pairs_hook=_unique_keys)
        except RecursionError:
            self.fail(f"{what} is nested too deeply to parse")
        # not UTF-8, not JSON, a repeated key, a number of thousands of digits
        except ValueError as e:
            self.fail(f"{what} is not valid JSON ({_show(str(e), 160)})")

    # -- the header

    def header(self) -> dict:
        left = self.source.left
        if left is not None and left < 8:
            self.fail(f"is not a safetensors file: it has only {left} bytes")
        prefix = self.source.read(8, "the 8-byte header length")
        (n,) = struct.unpack("<Q", prefix)
        if n == 0:
            self.fail(
                "is not a safetensors file: its first 8 bytes give a header length of "
                f"0{_kind_hint(prefix)}"
            )
        if n > _MAX_HEADER_BYTES or (left is not None and n > left - 8):
            room = (
                f"the {left - 8} bytes that follow"
                if left is not None and left - 8 < _MAX_HEADER_BYTES
                else f"the {_MAX_HEADER_BYTES // 10**6} MB limit"
            )
            self.fail(
                f"is not a safetensors file: its first 8 bytes give a header length of {n} bytes, "
                f"more than {room}{_kind_hint(prefix)}"
            )
        header = self.parse_json(
            self.source.read(n, "the header"), "is not a safetensors file: its header"
        )
        if type(header) is not dict:
            self.fail(
                f"is not a safetensors file: its header is a JSON {type(header).__name__}, not an "
                "object"
            )
        return header

    def entries(self, header: dict) -> list[_Entry]:
        """Every tensor entry, checked, in the order of its bytes."""
        entries = []
        for key, entry in header.items():
            if key == _METADATA:
                continue
            if type(entry) is not dict or entry.keys() != _ENTRY_FIELDS:
                self.fail(
                    f"is damaged: the header entry for {key!r} must be an object with exactly "
                    f"'dtype', 'shape' and 'data_offsets', got {_show(entry)}"
                )
            code, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
            if type(code) is not str or code not in _STORED:
                self.fail(
                    f"has tensor {key!r} of dtype {_show(code)}, which ferrograd cannot read "
                    f"(it reads {', '.join(_STORED)})"
                )
            if not _is_shape(shape):
                self.fail(
                    f"is damaged: tensor {key!r} has the shape {_show(shape)}, "
                    f"not a list of at most {_MAX_RANK} non-negative integers"
                )
            if not (
                type(offsets) is list
                and len(offsets) == 2
                and all(type(o) is int for o in offsets)
                and 0 <= offsets[0] <= offsets[1]
            ):
                self.fail(
                    f"is damaged: tensor {key!r} has data_offsets {_show(offsets)}, not [begin, "
                    "end] with 0 <= begin <= end"
                )
            itemsize = np.dtype(_STORED[code]).itemsize
            if math.prod(d for d in shape if d) * itemsize > np.iinfo(np.intp).max:
                self.fail(
                    f"is damaged: tensor {key!r} has the shape {_show(shape)}, too large to hold"
                )
            if math.prod(shape) * itemsize != offsets[1] - offsets[0]:
                self.fail(
                    f"is damaged: tensor {key!r} is {code} {shape}, {math.prod(shape) * itemsize} "
                    f"bytes, but its data_offsets {offsets} span {offsets[1] - offsets[0]} bytes"
                )
            entries.append(_Entry(key, code, tuple(shape), *offsets))
        entries.sort(key=lambda e: (e.begin, e.end))
        end = 0
        # the byte ranges must cover the data exactly, as the format requires
        for e in entries:
            if e.begin > end:
                self.fail(
                    f"is damaged: tensor {e.key!r} starts at byte {e.begin} of the data, leaving "
                    f"a gap after byte {end}"
                )
            if e.begin < end:
                self.fail(
                    f"is damaged: tensor {e.key!r} starts at byte {e.begin} of the data, "
                    f"overlapping a tensor that ends at {end}"
                )
            end = e.end
        left = self.source.left
        if left is not None and end > left:
            self.fail(
                f"is truncated: its header declares {end} bytes of tensor data, only {left} follow"
            )
        if left is not None and end < left and self.whole_file:
            self.fail(
                f"is damaged: {left - end} bytes follow the {end} bytes of tensor data its header "
                "declares"
            )
        return entries

    def metadata(self, header: dict) -> dict:
        metadata = header.get(_METADATA, {})
        if type(metadata) is not dict or not all(type(v) is str for v in metadata.values()):
            self.fail(
                f"is damaged: its __metadata__ must map strings to strings, got {_show(metadata)}"
            )
        return metadata

    # -- the structure record

    def structure(self, metadata: dict):
        version = metadata.get("ferrograd_version")
        if version is None:
            self.fail(
                "has a damaged structure record: its metadata says it is a ferrograd file but "
                "has no 'ferrograd_version'"
            )
        if version not in _READABLE:
            self.fail(
                f"was written by an unknown ferrograd file version {_show(version)} (this "
                f"ferrograd reads versions {', '.join(_READABLE)}): update ferrograd"
            )
        if "structure" not in metadata:
            self.fail(
                "has a damaged structure record: its metadata says it is a ferrograd file but "
                "has no 'structure'"
            )
        return self.parse_json(metadata["structure"], "has a damaged structure record: it")

    def walk(self, node, place, depth: int, on_tensor):
        """The object a structure node describes, every node checked; ``on_tensor`` gives (or
        checks) the tensor a tensor node names."""
        if type(node) is not dict or type(node.get("t")) is not str:
            self.damaged(place, f"expected a node object with a string 't', got {_show(node)}")
        kind = node["t"]
        fields = self.fields.get(kind)
        if fields is None:
            self.damaged(place, f"unknown node type {_show(kind)}")
        if node.keys() != fields:
            missing, extra = sorted(fields - node.keys()), sorted(node.keys() - fields)
            self.damaged(
                place,
                f"the {kind!r} node "
                f"{'lacks ' + str(missing) if missing else 'has unexpected fields ' + str(extra)}",
            )
        if kind == "tensor":
            return on_tensor(node, place)
        if kind == "value":
            if type(node["v"]) not in _SCALARS:
                self.damaged(
                    place,
                    f"a value must be a string, number, bool or null, got {_show(node['v'])}",
                )
            return node["v"]
        if depth >= _MAX_DEPTH:
            self.damaged(place, f"nested more than {_MAX_DEPTH} levels deep")
        items = node["items"]
        if type(items) is not list:
            self.damaged(place, f"'items' must be a list, got {_show(items)}")
        if kind in ("list", "tuple"):
            values = [self.walk(v, (place, i), depth + 1, on_tensor) for i, v in enumerate(items)]
            return tuple(values) if kind == "tuple" else values
        out = OrderedDict() if kind == "odict" else {}
        for item in items:
            if type(item) is not list or len(item) != 2 or type(item[0]) not in _SCALARS:
                self.damaged(
                    place,
                    "dict items must be [key, node] with a string, number, bool or null key, got "
                    f"{_show(item)}",
                )
            if item[0] in out:
                self.damaged(place, f"the dict has the key {item[0]!r} twice")
            out[item[0]] = self.walk(item[1], (place, item[0]), depth + 1, on_tensor)
        return out

    def damaged(self, place, message: str):
        self.fail(f"has a damaged structure record {_where(place)}: {message}")

    def check_tensor_node(self, node, place) -> None:
        """Checks a tensor node against the header entry it names."""
        key, wants_grad = node["key"], node["requires_grad"]
        if type(key) is not str or type(wants_grad) is not bool:
            self.damaged(
                place,
                f"a tensor node needs a string 'key' and a bool 'requires_grad', got {_show(node)}",
            )
        e = self.by_key.get(key)
        if e is None:
            self.damaged(place, f"it names a tensor {key!r} that the file does not contain")
        if "dtype" in node and (
            node["dtype"] != e.code
            or not _is_shape(node["shape"])
            or tuple(node["shape"]) != e.shape
        ):
            self.damaged(
                place,
                f"tensor {key!r} is {_show(node['dtype'])} {_show(node['shape'])} here but "
                f"{e.code} {list(e.shape)} in the header: the file was edited or damaged",
            )
        if wants_grad and e.code not in _FLOAT_CODES:
            self.damaged(
                place,
                f"tensor {key!r} is {e.code}, and only floating-point tensors can require grad",
            )
        if self.requires_grad.setdefault(key, wants_grad) != wants_grad:
            self.damaged(
                place,
                f"tensor {key!r} is named twice, with different requires_grad",
            )

    # -- the tensors

    def tensors(self, entries: list[_Entry], requires_grad: dict, map_location) -> dict:
        from ._creation import from_numpy

        out = {}
        for e in entries:
            raw = self.source.read(e.end - e.begin, f"the data of tensor {e.key!r}")
            array = self.convert(e, np.frombuffer(raw, dtype=_STORED[e.code]).reshape(e.shape))
            t = from_numpy(array)
            if e.code == "BF16":
                t = t.bfloat16()  # from the float32 it was widened to, exactly
            if map_location is not None and not callable(map_location):
                t = t.to(map_location)
            if requires_grad.get(e.key):
                t.requires_grad_(True)
            out[e.key] = t
        return out

    def convert(self, e: _Entry, array: np.ndarray) -> np.ndarray:
        """The array in the dtype ferrograd keeps (bfloat16 as float32, which ``tensors`` casts
        back; unsigned types beyond uint8 as int64)."""
        if e.code == "BOOL":
            if array.size and array.view(np.uint8).max() > 1:
                self.fail(f"is damaged: bool tensor {e.key!r} holds bytes other than 0 and 1")
        elif e.code == "U64":
            if array.size and array.max() > np.iinfo(np.int64).max:
                self.fail(
                    f"has U64 tensor {e.key!r} with values beyond int64, which ferrograd cannot "
                    "hold"
                )
            return array.astype(np.int64)
        elif e.code == "BF16":
            return (array.astype("<u4") << 16).view("<f4")
        elif e.code in ("U16", "U32"):
            return array.astype(np.int64)
        return array if array.dtype.isnative else array.astype(array.dtype.newbyteorder("="))

    def load(self, map_location):
        header = self.header()
        entries = self.entries(header)
        metadata = self.metadata(header)
        if metadata.get("format") != _FORMAT:  # plain safetensors: a dict of its tensors
            tensors = self.tensors(entries, {}, map_location)
            return OrderedDict((key, tensors[key]) for key in header if key != _METADATA)
        structure = self.structure(metadata)
        self.by_key = {e.key: e for e in entries}
        tensor_fields = {"t", "key", "requires_grad"}
        if metadata["ferrograd_version"] != "1":
            tensor_fields |= {"dtype", "shape"}
        self.fields = {
            "tensor": frozenset(tensor_fields),
            "value": frozenset({"t", "v"}),
            **dict.fromkeys(_CONTAINERS, frozenset({"t", "items"})),
        }
        self.walk(structure, None, 0, self.check_tensor_node)
        unused = [e.key for e in entries if e.key not in self.requires_grad]
        if unused:
            self.fail(
                "has a damaged structure record: it does not use the file's tensor(s) "
                f"{_show(unused)}"
            )
        tensors = self.tensors(entries, self.requires_grad, map_location)
        return self.walk(structure, None, 0, lambda node, place: tensors[node["key"]])


def _kind_hint(prefix: bytes) -> str:
    if prefix.startswith(b"PK\x03\x04"):
        return (
            " (it is a zip archive, as torch.save writes: ferrograd never unpickles, "
            "so it cannot load those)"
        )
    if prefix[:1] == b"\x80" or prefix[:1] in (b"(", b"]", b"}"):
        return (
            " (it looks like a pickle: ferrograd never unpickles, "
            "so files written by torch.save or pickle cannot be loaded)"
        )
    return ""


def load(f, map_location=None, weights_only: bool = True, **kwargs):
    """Reads what ``save`` wrote (or any safetensors file, as a dict of tensors) from a path or a
    binary file object. Never runs code from the file, and reads and allocates no more than the
    file holds; anything that is not a valid file raises ``SerializationError`` (a ``ValueError``
    and a ``RuntimeError``) saying what is wrong. A file object is read up to the end of the data
    its header declares."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as src:
            return _Reader(_Source(src, repr(os.fspath(f))), whole_file=True).load(map_location)
    return _Reader(_Source(f, "the given file"), whole_file=False).load(map_location)
