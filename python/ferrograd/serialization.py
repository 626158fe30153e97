"""``ferrograd.save`` / ``ferrograd.load`` in the safetensors format: tensors as raw buffers and
everything else (the nesting of dicts, lists and tuples, and plain ints, floats, strings, bools
and ``None``, such as an optimizer's step counts and hyperparameters) as JSON in the file's
metadata. Nothing is pickled, so loading a file cannot run code: a file that is not a valid
safetensors file fails with a ``ValueError`` that says so.

Tensors are stored under dotted keys that follow the nesting (``fc1.weight``,
``optimizer.state.0.exp_avg``), so a saved state dict is also a plain safetensors file that other
tools can read; a plain safetensors file written elsewhere loads as a dict of tensors."""

from __future__ import annotations

import io
import json
import os
import struct
from collections import OrderedDict

import numpy as np

from ._base import TensorBase

__all__ = ["save", "load", "SerializationError"]

_FORMAT = "ferrograd"
_VERSION = "1"


class SerializationError(ValueError):
    """A file that ``ferrograd.load`` cannot read (not safetensors, or a damaged structure)."""


def _encode(obj, path: str, tensors: dict):
    if isinstance(obj, TensorBase):
        key = path or "tensor"
        n = 1
        while key in tensors:
            n += 1
            key = f"{path or 'tensor'}#{n}"
        array = np.array(obj.detach().cpu().numpy(), order="C", copy=True)
        tensors[key] = array
        return {"t": "tensor", "key": key, "requires_grad": bool(obj.requires_grad)}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return {"t": "value", "v": obj}
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            if not (k is None or isinstance(k, (bool, int, float, str))):
                raise TypeError(f"ferrograd.save: dict keys must be strings or numbers, got {type(k).__name__}")
            items.append([k, _encode(v, f"{path}.{k}" if path else str(k), tensors)])
        return {"t": "odict" if isinstance(obj, OrderedDict) else "dict", "items": items}
    if isinstance(obj, (list, tuple)):
        kind = "tuple" if isinstance(obj, tuple) else "list"
        return {"t": kind, "items": [_encode(v, f"{path}.{i}" if path else str(i), tensors) for i, v in enumerate(obj)]}
    if isinstance(obj, np.generic):
        return {"t": "value", "v": obj.item()}
    raise TypeError(
        f"ferrograd.save cannot store an object of type {type(obj).__name__}: only tensors, numbers, strings, None "
        "and dicts, lists and tuples of them (save model.state_dict(), not the model)"
    )


def _decode(node, tensors: dict):
    from ._creation import tensor

    kind = node.get("t") if isinstance(node, dict) else None
    if kind == "tensor":
        key = node["key"]
        if key not in tensors:
            raise SerializationError(f"ferrograd.load: the file's structure names a tensor '{key}' that it does not contain")
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
    raise SerializationError(f"ferrograd.load: unknown entry in the file's structure: {str(node)[:80]}")


def save(obj, f, **kwargs) -> None:
    """Writes a tensor, or a (nested) dict / list / tuple of tensors and plain values, to ``f``
    (a path or a binary file object) as safetensors."""
    from safetensors.numpy import save as st_save

    tensors: dict = {}
    structure = _encode(obj, "", tensors)
    metadata = {"format": _FORMAT, "ferrograd_version": _VERSION, "structure": json.dumps(structure, allow_nan=True)}
    data = st_save(tensors, metadata=metadata)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as out:
            out.write(data)
    else:
        f.write(data)


def _read_header(data: bytes, name: str) -> dict:
    if len(data) < 8:
        raise SerializationError(f"ferrograd.load: {name} is not a safetensors file (only {len(data)} bytes)")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8 or n > 100_000_000:
        raise SerializationError(
            f"ferrograd.load: {name} is not a safetensors file (its first 8 bytes do not give a valid header length); "
            "ferrograd never unpickles, so files written by torch.save or pickle cannot be loaded"
        )
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SerializationError(f"ferrograd.load: {name} is not a safetensors file (its header is not JSON: {e})") from None
    if not isinstance(header, dict):
        raise SerializationError(f"ferrograd.load: {name} is not a safetensors file (its header is not a JSON object)")
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
        raise SerializationError(f"ferrograd.load: {name} is not a valid safetensors file: {e}") from None
    metadata = header.get("__metadata__") or {}
    if metadata.get("format") != _FORMAT or "structure" not in metadata:
        from ._creation import tensor

        return OrderedDict((k, tensor(v)) for k, v in tensors.items())
    try:
        structure = json.loads(metadata["structure"])
    except json.JSONDecodeError as e:
        raise SerializationError(f"ferrograd.load: {name} has a damaged structure record: {e}") from None
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
