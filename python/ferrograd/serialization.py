"""``ferrograd.save`` / ``ferrograd.load`` in the safetensors format: tensors as raw buffers and
everything else (the nesting of dicts, lists and tuples, and plain ints, floats, strings, bools
and ``None``, such as an optimizer's step counts and hyperparameters) as JSON in the file's
metadata. Nothing is pickled, so loading a file cannot run code: a file that is not a valid
safetensors file fails with a ``ValueError`` that says so.

Tensors are stored under dotted keys that follow the nesting (``fc1.weight``,
``optimizer.state.0.exp_avg``), so a saved state dict is also a plain safetensors file that other
tools can read; a plain safetensors file written elsewhere loads as a dict of tensors. An object
that holds the same tensor twice stores its data once.

``save`` to a path is atomic: it writes a temporary file in the same folder, flushes and fsyncs
it, renames it over the target and fsyncs the folder, so a crash or an error midway leaves the
old file as it was (and a failed save removes its temporary file)."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
import struct
from collections import OrderedDict

import numpy as np

from ._base import TensorBase

__all__ = ["SerializationError", "load", "save"]

_FORMAT = "ferrograd"
_VERSION = "2"  # 2: tensor nodes record dtype and shape, and a tensor held twice is stored once
_METADATA = "__metadata__"
_MAX_DEPTH = 100  # nesting levels of dicts, lists and tuples
_CODE_OF = {
    "float32": "F32",
    "float64": "F64",
    "int64": "I64",
    "int32": "I32",
    "bool": "BOOL",
}
_SCALARS = (type(None), bool, int, float, str)


class SerializationError(ValueError):
    """A file that ``ferrograd.load`` cannot read (not safetensors, or a damaged structure)."""


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
                    f"ferrograd.save: the object is nested more than {_MAX_DEPTH} levels deep (or contains itself)"
                )
            return self.container(obj, path, depth + 1)
        raise TypeError(
            f"ferrograd.save cannot store an object of type {type(obj).__name__}: only tensors, NumPy arrays, numbers, "
            "strings, None and dicts, lists and tuples of them (save model.state_dict(), not the model)"
        )

    def container(self, obj, path: str, depth: int):
        def child(name, value):
            return self.node(value, f"{path}.{name}" if path else str(name), depth)

        if isinstance(obj, dict):
            for k in obj:
                if not isinstance(k, _SCALARS):
                    raise TypeError(
                        f"ferrograd.save: dict keys must be strings or numbers, got {type(k).__name__}"
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
            array, requires_grad = obj.detach().cpu().numpy(), bool(obj.requires_grad)
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
    raise FileExistsError(
        f"ferrograd.save: could not create a temporary file in {folder!r}"
    )


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


def _decode(node, tensors: dict):
    from ._creation import tensor

    kind = node.get("t") if isinstance(node, dict) else None
    if kind == "tensor":
        key = node["key"]
        if key not in tensors:
            raise SerializationError(
                f"ferrograd.load: the file's structure names a tensor '{key}' that it does not contain"
            )
        t = tensor(tensors[key])
        if node.get("requires_grad"):
            t.requires_grad_(True)
        return t
    if kind == "value":
        return node["v"]
    if kind in ("dict", "odict"):
        out = OrderedDict() if kind == "odict" else {}
        for k, v in node["items"]:
            out[k] = _decode(v, tensors)
        return out
    if kind in ("list", "tuple"):
        items = [_decode(v, tensors) for v in node["items"]]
        return tuple(items) if kind == "tuple" else items
    raise SerializationError(
        f"ferrograd.load: unknown entry in the file's structure: {str(node)[:80]}"
    )


def _read_header(data: bytes, name: str) -> dict:
    if len(data) < 8:
        raise SerializationError(
            f"ferrograd.load: {name} is not a safetensors file (only {len(data)} bytes)"
        )
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8 or n > 100_000_000:
        raise SerializationError(
            f"ferrograd.load: {name} is not a safetensors file (its first 8 bytes do not give a valid header length); "
            "ferrograd never unpickles, so files written by torch.save or pickle cannot be loaded"
        )
    try:
        header = json.loads(data[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SerializationError(
            f"ferrograd.load: {name} is not a safetensors file (its header is not JSON: {e})"
        ) from None
    if not isinstance(header, dict):
        raise SerializationError(
            f"ferrograd.load: {name} is not a safetensors file (its header is not a JSON object)"
        )
    return header


def load(f, map_location=None, weights_only: bool = True, **kwargs):
    """Reads what ``save`` wrote (or any safetensors file, as a dict of tensors). Never runs
    code from the file; anything that is not valid safetensors raises ``SerializationError``
    (a ``ValueError``)."""
    from safetensors import SafetensorError
    from safetensors.numpy import load as st_load

    if isinstance(f, (str, os.PathLike)):
        name = repr(os.fspath(f))
        with open(f, "rb") as src:
            data = src.read()
    else:
        name = "the given file"
        data = f.read()
    header = _read_header(data, name)
    try:
        tensors = st_load(data)
    except (SafetensorError, ValueError, TypeError) as e:
        raise SerializationError(
            f"ferrograd.load: {name} is not a valid safetensors file: {e}"
        ) from None
    metadata = header.get("__metadata__") or {}
    if metadata.get("format") != _FORMAT or "structure" not in metadata:
        from ._creation import tensor

        return OrderedDict((k, tensor(v)) for k, v in tensors.items())
    try:
        structure = json.loads(metadata["structure"])
    except json.JSONDecodeError as e:
        raise SerializationError(
            f"ferrograd.load: {name} has a damaged structure record: {e}"
        ) from None
    out = _decode(structure, tensors)
    if map_location is not None and not callable(map_location):
        out = _move(out, map_location)
    return out


def _move(obj, device):
    if isinstance(obj, TensorBase):
        return obj.to(device)
    if isinstance(obj, dict):
        return type(obj)((k, _move(v, device)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(_move(v, device) for v in obj)
    return obj
