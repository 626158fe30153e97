"""``ferrograd.save`` / ``ferrograd.load`` in the safetensors format: tensors as raw buffers and
everything else (the nesting of dicts, lists and tuples, and plain ints, floats, strings, bools
and ``None``, such as an optimizer's step counts and hyperparameters) as JSON in the file's
metadata. Nothing is pickled, so loading a file cannot run code.

Whole objects (``torch.save(model, f)``) are stored as their class's module and qualified name
plus their ``__dict__``, recursively; an object held twice (a shared submodule) is stored once
and referred to after. ``load(f, weights_only=False)`` rebuilds them with ``object.__new__`` and
by filling their ``__dict__``, finding classes only among modules already imported
(``_serialization_globals`` says exactly what may be named and how it is found);
``weights_only=True``, the default, refuses objects whose class ``add_safe_globals`` has not
allowed, raising ``pickle.UnpicklingError`` as ``torch.load`` does. Files that hold only tensors,
containers and plain values keep format version 2, so older ferrograd reads them; those that
hold objects, sets, dtypes, devices, functions, ``Parameter``s or tensors on a GPU are version 3.

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
import re
import secrets
import stat
import struct
import types
import warnings
from collections import OrderedDict
from typing import NamedTuple

import numpy as np

from ._base import TensorBase
from ._serialization_globals import (
    UnpicklingError,
    add_safe_globals,
    allowed_by_name,
    clear_safe_globals,
    get_safe_globals,
    instance_dict_slot,
    is_ferrograd_global,
    locate,
    new_instance,
    safe_globals,
    saved_name,
    unrestorable_reason,
)

__all__ = [
    "SerializationError",
    "add_safe_globals",
    "clear_safe_globals",
    "get_safe_globals",
    "get_unsafe_globals_in_checkpoint",
    "load",
    "safe_globals",
    "save",
]

_FORMAT = "ferrograd"
_VERSION = "2"  # 2: tensor nodes record dtype and shape, and a tensor held twice is stored once
# 3: objects (class name and __dict__) and references to them, sets, dtypes, devices, functions
# and classes by name; tensor nodes also record their device and class (Parameter, Buffer)
_OBJECTS_VERSION = "3"
_READABLE = ("1", "2", "3")
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
_SETS = {"set": set, "frozenset": frozenset}
# "complex": a complex tensor, stored as the float tensor of its parts (..., 2)
_TENSOR_CLASSES = ("tensor", "parameter", "buffer", "transient_buffer", "complex")
_LOCATION = re.compile(r"cpu|cuda:[0-9]{1,9}")  # where a tensor was, as torch.load names it
_STORABLE = (
    "ferrograd.save stores tensors, NumPy arrays, numbers, strings, None, dtypes, devices, "
    "dicts, lists and tuples of them, sets of plain values, module-level functions and classes "
    "(by name), and objects of Python classes such as nn.Module (their class by name and their "
    "__dict__)"
)


class SerializationError(ValueError, RuntimeError):
    """A file that ``ferrograd.load`` cannot read: not safetensors, damaged, or edited so that its
    parts disagree. A ``ValueError`` (what ferrograd has always raised here) and a
    ``RuntimeError`` (what ``torch.load`` raises for a damaged file), so code written for either
    catches it."""


# ----------------------------------------------------------------------------- save


def _at(path: str) -> str:
    return f"at {path}" if path else "at the top level"


class _Encoder:
    """Turns an object into its structure record, collecting each distinct tensor once."""

    def __init__(self):
        # key -> the tensor's data, C-contiguous and little-endian
        self.arrays: dict[str, np.ndarray] = {}
        # id -> (its node, the object itself, kept alive so that its id stays unique)
        self.seen: dict[int, tuple[dict, object]] = {}
        # id -> (its record number, the object itself), for objects stored by class and state
        self.objects: dict[int, tuple[int, object]] = {}
        self.tensor_nodes: list[dict] = []
        self.needs_objects = False  # whether the file needs format version 3

    def node(self, obj, path: str, depth: int):
        if isinstance(obj, (TensorBase, np.ndarray)):
            return self.tensor(obj, path)
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return {"t": "value", "v": obj}
        if isinstance(obj, np.generic):
            return {"t": "value", "v": obj.item()}
        if isinstance(obj, (dict, list, tuple, set, frozenset)):
            self.check_depth(depth)
            if isinstance(obj, (set, frozenset)):
                return self.set(obj, path)
            return self.container(obj, path, depth + 1)
        return self.named(obj, path, depth)

    @staticmethod
    def check_depth(depth: int) -> None:
        if depth >= _MAX_DEPTH:
            raise ValueError(
                f"ferrograd.save: the object is nested more than {_MAX_DEPTH} levels deep (or "
                "contains itself)"
            )

    def named(self, obj, path: str, depth: int):
        """What version 3 adds: dtypes, devices, functions and classes by name, objects."""
        from ._device import device
        from ._dtype import dtype

        self.needs_objects = True
        if isinstance(obj, dtype):
            return {"t": "dtype", "name": obj.name}
        if isinstance(obj, device):
            return {"t": "device", "v": str(obj)}
        if isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType)):
            try:
                module, qualname = saved_name(obj)
            except TypeError as error:
                kind = "class" if isinstance(obj, type) else "function"
                name = getattr(obj, "__qualname__", None) or type(obj).__name__
                raise TypeError(
                    f"ferrograd.save cannot store the {kind} {name} {_at(path)}: {error}"
                ) from None
            return {"t": "global", "module": module, "qualname": qualname}
        return self.object(obj, path, depth)

    def object(self, obj, path: str, depth: int):
        known = self.objects.get(id(obj))
        if known is not None:
            return {"t": "ref", "id": known[0]}
        cls = type(obj)
        reason = unrestorable_reason(cls)
        if reason is None:
            try:
                module, qualname = saved_name(cls)
            except TypeError as error:
                reason = f"its class cannot be stored by name: {error}"
        if reason is not None:
            raise TypeError(
                f"ferrograd.save cannot store an object of type {cls.__qualname__} {_at(path)}: "
                f"{reason}. {_STORABLE}; or save model.state_dict() instead of the model"
            )
        self.check_depth(depth + 1)  # its state is one level further down
        record = len(self.objects)
        self.objects[id(obj)] = (record, obj)
        state = instance_dict_slot(cls).__get__(obj)
        return {
            "t": "object",
            "module": module,
            "qualname": qualname,
            "id": record,
            "state": self.container(state, path, depth + 2),  # the state is at depth + 1
        }

    def set(self, obj, path: str):
        values = []
        for v in obj:
            if isinstance(v, np.generic):
                v = v.item()
            if v is not None and not isinstance(v, (bool, int, float, str)):
                raise TypeError(
                    f"ferrograd.save cannot store the {type(obj).__name__} {_at(path)}: it holds "
                    f"a {type(v).__name__}, and sets are stored only when they hold numbers, "
                    "strings, bools or None"
                )
            values.append(v)
        self.needs_objects = True
        values.sort(key=lambda v: (type(v).__name__, repr(v)))  # the same file every time
        return {"t": type(obj).__name__, "items": [{"t": "value", "v": v} for v in values]}

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

    @staticmethod
    def tensor_class(obj, path: str) -> str:
        from .nn.parameter import (
            Buffer,
            Parameter,
            UninitializedBuffer,
            UninitializedParameter,
            _TransientBuffer,
        )

        if isinstance(obj, (UninitializedParameter, UninitializedBuffer)):
            raise TypeError(
                f"ferrograd.save cannot store the uninitialized parameter or buffer {_at(path)}: "
                "a lazy module makes its parameters at its first forward pass; run one before "
                "saving"
            )
        if isinstance(obj, Parameter):
            return "parameter"
        if isinstance(obj, _TransientBuffer):
            return "transient_buffer"
        return "buffer" if isinstance(obj, Buffer) else "tensor"

    def tensor(self, obj, path: str):
        if id(obj) in self.seen:
            return self.seen[id(obj)][0]
        kind, location = "tensor", "cpu"
        if isinstance(obj, TensorBase):
            kind, location = self.tensor_class(obj, path), obj.device.engine_name
            stored = obj
            if obj.dtype.is_complex:
                from ._complex import view_as_real

                kind, stored = "complex", view_as_real(obj)
            array, requires_grad = _stored_array(stored.detach().cpu()), bool(obj.requires_grad)
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
            "device": location,
            "cls": kind,
        }
        if kind != "tensor" or location != "cpu":
            self.needs_objects = True
        self.seen[id(obj)] = (node, obj)
        self.tensor_nodes.append(node)
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
    if not encoder.needs_objects:  # a version 2 file, as older ferrograd writes and reads
        for node in encoder.tensor_nodes:
            del node["device"], node["cls"]
    metadata = {
        "format": _FORMAT,
        "ferrograd_version": _OBJECTS_VERSION if encoder.needs_objects else _VERSION,
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
    """Writes a tensor or NumPy array, a (nested) dict / list / tuple of them and plain values,
    or a whole object such as an ``nn.Module`` (its class by name and its ``__dict__``), to
    ``f`` as safetensors. ``f`` is a path (written atomically: the old file stays whole until
    the new one is complete on disk) or a binary file object (written in place). Something that
    cannot be stored (a lambda, an open file, a generator, a C object) raises ``TypeError``
    naming its type and where it is. ``pickle_module`` and the other arguments of
    ``torch.save`` are accepted and change nothing."""
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


class _TensorInfo(NamedTuple):
    """What the structure says of one stored tensor."""

    requires_grad: bool
    location: str  # where it was saved from: 'cpu' or 'cuda:N'
    kind: str  # one of _TENSOR_CLASSES


class _Placement:
    """Where ``map_location`` puts each tensor, given the location it was saved from."""

    def __init__(self, map_location):
        from ._device import device

        self.map_location = map_location
        if map_location is None or callable(map_location):
            self.target = lambda location: location
        elif isinstance(map_location, dict):
            self.target = lambda location: map_location.get(location, location)
        elif isinstance(map_location, (str, bytes, device)):
            self.target = lambda location: map_location
        else:
            raise TypeError(
                "ferrograd.load: map_location must be a device ('cpu', 'cuda:0', a "
                "ferrograd.device), a dict from saved locations to new ones, or a callable "
                f"(tensor, location) -> tensor or None, got {type(map_location).__name__}"
            )

    def device(self, location: str):
        """The device a tensor saved at ``location`` goes to; ``RuntimeError`` when it cannot."""
        from . import cuda
        from ._device import device

        target = self.target(location)
        if isinstance(target, bytes):
            target = target.decode("utf-8", "replace")
        try:
            place = device(target)
        except (TypeError, RuntimeError):
            raise RuntimeError(
                f"ferrograd.load cannot put tensors saved on {location!r} on {target!r}: "
                "ferrograd's devices are 'cpu', 'cuda' ('cuda:N') and 'meta'; map the location to "
                "one of them with map_location"
            ) from None
        if place.type == "cuda":
            if not cuda.is_available():
                raise RuntimeError(
                    f"ferrograd.load: the file holds tensors saved on {location!r}, which would "
                    f"go to {str(target)!r}, but CUDA is not available here; to load them onto "
                    "the CPU pass map_location='cpu' (or ferrograd.device('cpu'))"
                )
            if (place.index or 0) >= cuda.device_count():
                raise RuntimeError(
                    f"ferrograd.load: the file holds tensors saved on {location!r}, which would "
                    f"go to {str(target)!r}, but there are only {cuda.device_count()} CUDA "
                    "device(s); choose one with map_location"
                )
        return place

    def check(self, locations) -> None:
        """Fails before any tensor data is read if a location has nowhere to go."""
        if not callable(self.map_location):
            for location in locations:
                self.device(location)

    def place(self, tensor, location: str):
        if callable(self.map_location):
            moved = self.map_location(tensor, location)
            if moved is not None:
                if not isinstance(moved, TensorBase) or tuple(moved.shape) != tuple(tensor.shape):
                    raise TypeError(
                        "ferrograd.load: a map_location callable is given each tensor (in place "
                        "of torch's storage) and its saved location, and must return a tensor of "
                        f"the same shape or None, got {_show(moved)}"
                    )
                return moved.detach()
        return tensor.to(self.device(location))


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
        self.tensor_info: dict[str, _TensorInfo] = {}  # key -> what its nodes say of it
        self.weights_only = True
        self.allowed = allowed_by_name()  # what add_safe_globals allows, by full name
        self.resolved: dict[tuple, object] = {}  # (kind, module, qualname) -> class or function
        self.building = False  # false in the checking pass, true while objects are made
        self.memo: dict[int, object] = {}  # object id -> its class (checking) or the object
        self.unsafe: list[str] | None = None  # collects names instead of refusing them

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
        checks) the tensor a tensor node names. In the checking pass (``self.building`` false)
        objects are not made: their classes are found and checked, and stand in for them."""
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
        if kind in ("dtype", "device", "global", "ref"):
            return self.named(node, place)
        if depth >= _MAX_DEPTH:
            self.damaged(place, f"nested more than {_MAX_DEPTH} levels deep")
        if kind == "object":
            return self.object(node, place, depth, on_tensor)
        items = node["items"]
        if type(items) is not list:
            self.damaged(place, f"'items' must be a list, got {_show(items)}")
        if kind in _SETS:
            for item in items:
                if type(item) is not dict or item.get("t") != "value":
                    self.damaged(place, f"a set may hold only value nodes, got {_show(item)}")
            return _SETS[kind](self.walk(v, place, depth + 1, on_tensor) for v in items)
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

    # -- version 3: objects and what is named

    def named(self, node, place):
        """A dtype, a device, a function or class by name, or a reference to an object."""
        from ._device import device
        from ._dtype import _BY_NAME

        kind = node["t"]
        if kind == "dtype":
            if type(node["name"]) is not str or node["name"] not in _BY_NAME:
                self.damaged(place, f"unknown dtype {_show(node['name'])}")
            return _BY_NAME[node["name"]]
        if kind == "device":
            if type(node["v"]) is not str or not _LOCATION.fullmatch(node["v"]):
                self.damaged(place, f"a device must be 'cpu' or 'cuda:N', got {_show(node['v'])}")
            return device(node["v"])
        if kind == "global":
            return self.resolve(node, place, "function")
        ref = node["id"]
        if type(ref) is not int or ref not in self.memo:
            self.damaged(place, f"a reference to {_show(ref)}, which no earlier object has as id")
        return self.memo[ref]

    def object(self, node, place, depth: int, on_tensor):
        record, state = node["id"], node["state"]
        if type(record) is not int or record in self.memo:
            self.damaged(place, f"an object's id must be an integer used once, got {_show(record)}")
        if type(state) is not dict or state.get("t") != "dict":
            self.damaged(place, f"an object's state must be a 'dict' node, got {_show(state)}")
        cls = self.resolve(node, place, "class")
        obj, attributes = new_instance(cls) if self.building else (cls, {})
        self.memo[record] = obj  # before its state, which may refer back to it
        values = self.walk(state, place, depth + 1, on_tensor)
        if any(type(name) is not str for name in values):
            self.damaged(place, "an object's attribute names must be strings")
        attributes.update(values)
        return obj

    def resolve(self, node, place, what: str):
        """The class (``what`` is "class") or function a node names; ``UnpicklingError`` when
        this load may not have it."""
        module, qualname = node["module"], node["qualname"]
        if type(module) is not str or type(qualname) is not str:
            self.damaged(place, f"a {what}'s module and qualname must be strings")
        key = (what, module, qualname)
        if key in self.resolved:
            return self.resolved[key]
        name = f"{module}.{qualname}"
        held = (
            f"an object of class {name}" if what == "class" else f"a reference to {name}"
        ) + f" {_where(place)}"
        found = self.allowed.get(name)
        if found is None and self.weights_only:
            if self.unsafe is not None:
                self.unsafe.append(name)
                self.resolved[key] = None
                return None
            raise UnpicklingError(
                f"Weights only load failed: {self.name} holds {held}, and weights_only=True loads "
                "only tensors, parameters, numbers, strings, dtypes, devices and containers of "
                "them. If you trust the source of the file, load it with weights_only=False "
                "(ferrograd then rebuilds objects of classes already imported, without running "
                "code from the file). Or allow what it names with "
                f"torch.serialization.add_safe_globals([{qualname}]) or within "
                f"torch.serialization.safe_globals([{qualname}]). Or save the model's "
                "state_dict() instead of the model, and load it into a new model with "
                "load_state_dict()."
            )
        if found is None:
            found = locate(module, qualname)
            if isinstance(found, str):
                raise UnpicklingError(f"ferrograd.load: {self.name} holds {held}, but {found}")
            if what == "function" and not is_ferrograd_global(found):
                raise UnpicklingError(
                    f"ferrograd.load: {self.name} holds {held}, which a program could call with "
                    "data from the file: without an allowlist, loads restore by name only "
                    "ferrograd's tensor functions and nn module classes. If you trust the "
                    f"file, allow it with torch.serialization.add_safe_globals([{qualname}])."
                )
        if what == "class":
            reason = (
                unrestorable_reason(found)
                if isinstance(found, type)
                else f"it is a {type(found).__name__}, not a class"
            )
            if reason is not None:
                raise UnpicklingError(
                    f"ferrograd.load: {self.name} holds {held}, which cannot be restored: {reason}"
                )
        self.resolved[key] = found
        return found

    # -- tensors

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
        location, kind = node.get("device", "cpu"), node.get("cls", "tensor")
        if type(location) is not str or not _LOCATION.fullmatch(location):
            self.damaged(
                place, f"tensor {key!r} has the device {_show(location)}, not 'cpu' or 'cuda:N'"
            )
        if kind not in _TENSOR_CLASSES:
            self.damaged(
                place, f"tensor {key!r} has the class {_show(kind)}, not one of {_TENSOR_CLASSES}"
            )
        info = _TensorInfo(wants_grad, location, kind)
        known = self.tensor_info.setdefault(key, info)
        if known != info:
            differ = [f for f in info._fields if getattr(known, f) != getattr(info, f)]
            self.damaged(place, f"tensor {key!r} is named twice, with different {differ[0]}")

    def tensors(self, entries: list[_Entry], placement: _Placement) -> dict:
        from ._creation import from_numpy
        from .nn.parameter import Buffer, Parameter

        plain = _TensorInfo(False, "cpu", "tensor")
        placement.check({self.tensor_info.get(e.key, plain).location for e in entries})
        out = {}
        for e in entries:
            info = self.tensor_info.get(e.key, plain)
            raw = self.source.read(e.end - e.begin, f"the data of tensor {e.key!r}")
            array = self.convert(e, np.frombuffer(raw, dtype=_STORED[e.code]).reshape(e.shape))
            t = from_numpy(array)
            if e.code == "BF16":
                t = t.bfloat16()  # from the float32 it was widened to, exactly
            t = placement.place(t, info.location)
            if info.kind == "complex":
                from ._complex import view_as_complex

                if t.ndim == 0 or t.shape[-1] != 2 or e.code not in ("F32", "F64"):
                    self.fail(f"is damaged: complex tensor {e.key!r} is not float parts (..., 2)")
                t = view_as_complex(t).requires_grad_(info.requires_grad)
            elif info.kind == "parameter":
                t = Parameter(t, requires_grad=info.requires_grad)
            else:
                if info.kind != "tensor":
                    t = Buffer(t, persistent=info.kind == "buffer")
                if info.requires_grad:
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

    def check(self) -> tuple[dict, list[_Entry], object]:
        """Reads and checks everything but the tensor data: the header, its entries and the
        structure record (``_PLAIN`` for a plain safetensors file), finding every class and
        function it names."""
        header = self.header()
        entries = self.entries(header)
        metadata = self.metadata(header)
        if metadata.get("format") != _FORMAT:  # plain safetensors: a dict of its tensors
            return header, entries, _PLAIN
        structure = self.structure(metadata)
        self.by_key = {e.key: e for e in entries}
        self.fields = _node_fields(metadata["ferrograd_version"])
        self.walk(structure, None, 0, self.check_tensor_node)
        unused = [e.key for e in entries if e.key not in self.tensor_info]
        if unused:
            self.fail(
                "has a damaged structure record: it does not use the file's tensor(s) "
                f"{_show(unused)}"
            )
        return header, entries, structure

    def load(self, placement: _Placement):
        header, entries, structure = self.check()
        tensors = self.tensors(entries, placement)
        if structure is _PLAIN:
            return OrderedDict((key, tensors[key]) for key in header if key != _METADATA)
        self.building, self.memo = True, {}
        return self.walk(structure, None, 0, lambda node, place: tensors[node["key"]])


_PLAIN = object()  # the structure of a plain safetensors file, which has none


def _node_fields(version: str) -> dict[str, frozenset]:
    """Structure node type -> its fields, in files of ``version``."""
    tensor = {"t", "key", "requires_grad"}
    if version != "1":
        tensor |= {"dtype", "shape"}
    fields = {
        "value": frozenset({"t", "v"}),
        **dict.fromkeys(_CONTAINERS, frozenset({"t", "items"})),
    }
    if version not in ("1", "2"):
        tensor |= {"device", "cls"}
        fields |= {
            **dict.fromkeys(_SETS, frozenset({"t", "items"})),
            "object": frozenset({"t", "module", "qualname", "id", "state"}),
            "ref": frozenset({"t", "id"}),
            "global": frozenset({"t", "module", "qualname"}),
            "dtype": frozenset({"t", "name"}),
            "device": frozenset({"t", "v"}),
        }
    fields["tensor"] = frozenset(tensor)
    return fields


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


def _weights_only(weights_only, pickle_module) -> bool:
    """``torch.load``'s choice: ``None`` means True unless a ``pickle_module`` is given; the
    environment variables ``TORCH_FORCE_WEIGHTS_ONLY_LOAD`` and
    ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` (the latter only when the caller left it ``None``)
    override it."""
    chosen = weights_only
    if chosen is None:
        chosen = pickle_module is None
    truthy = ("1", "y", "yes", "true")
    force = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in truthy
    force_no = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in truthy
    if force and force_no:
        raise RuntimeError(
            "TORCH_FORCE_WEIGHTS_ONLY_LOAD and TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD are both set: "
            "set at most one"
        )
    if force:
        chosen = True
    elif force_no and weights_only is None:
        warnings.warn(
            "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD is set and weights_only was not given: loading "
            "with weights_only=False",
            UserWarning,
            stacklevel=3,
        )
        chosen = False
    if chosen and pickle_module is not None:
        raise RuntimeError(
            "ferrograd.load: weights_only=True cannot be combined with an explicit pickle_module "
            "(ferrograd never unpickles: leave pickle_module out)"
        )
    return bool(chosen)


def _read(f, job):
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as src:
            return job(_Reader(_Source(src, repr(os.fspath(f))), whole_file=True))
    return job(_Reader(_Source(f, "the given file"), whole_file=False))


def load(
    f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args
):
    """Reads what ``save`` wrote (or any safetensors file, as a dict of tensors) from a path or a
    binary file object. Never runs code from the file, and reads and allocates no more than the
    file holds; anything that is not a valid file raises ``SerializationError`` (a ``ValueError``
    and a ``RuntimeError``) saying what is wrong. A file object is read up to the end of the data
    its header declares.

    ``weights_only`` (``None`` means True, as in ``torch.load``): a file holding objects (a whole
    saved model) raises ``pickle.UnpicklingError`` unless their classes were allowed with
    ``add_safe_globals``; with ``weights_only=False`` they are rebuilt from classes already
    imported. ``map_location`` is a device (``'cpu'``, ``'cuda:0'``, a ``ferrograd.device``), a
    dict from saved locations to new ones, or a callable ``(tensor, location)`` returning a
    tensor or ``None``; without one, tensors go back to the device they were saved from.
    ``pickle_module``, ``mmap`` and the other arguments of ``torch.load`` are accepted."""
    only_weights = _weights_only(weights_only, pickle_module)
    placement = _Placement(map_location)

    def job(reader: _Reader):
        reader.weights_only = only_weights
        return reader.load(placement)

    return _read(f, job)


def get_unsafe_globals_in_checkpoint(f) -> list[str]:
    """The classes and functions (as ``"module.qualname"``) that a file names and that a
    ``weights_only=True`` load would refuse: those ``add_safe_globals`` has not allowed. Reads
    no tensor data."""

    def job(reader: _Reader):
        reader.weights_only, reader.unsafe = True, []
        reader.check()
        return list(dict.fromkeys(reader.unsafe))

    return _read(f, job)
