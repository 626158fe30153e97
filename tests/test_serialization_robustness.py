"""``ferrograd.save`` / ``ferrograd.load`` under damage: a corpus of crafted bad files (each must
raise ``SerializationError`` saying what is wrong), random mutations of a valid file, files and
streams that are endless or lie about their size, many references to one tensor, aliasing and
NumPy round trips, and saves that fail or are killed midway (the old file must survive).

``scripts/fuzz_serialization.sh`` runs the mutation test for longer (docs/RELIABILITY.md)."""

from __future__ import annotations

import copy
import io
import json
import os
import pickle
import random
import signal
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import ferrograd as fg
from ferrograd import nn
from ferrograd.serialization import SerializationError

# ----------------------------------------------------------------------------- builders


CODES = {
    "float32": "F32",
    "float64": "F64",
    "int32": "I32",
    "int64": "I64",
    "bool": "BOOL",
}


def safetensors_bytes(entries: dict, data: bytes = b"", metadata=None) -> bytes:
    """A file with the given header entries (any JSON) and data, laid out as safetensors."""
    header = dict(entries) if metadata is None else {"__metadata__": metadata, **entries}
    return raw_file(json.dumps(header, allow_nan=True).encode(), data)


def raw_file(header: bytes, data: bytes = b"") -> bytes:
    return struct.pack("<Q", len(header)) + header + data


def packed(arrays: dict[str, np.ndarray]) -> tuple[dict, bytes]:
    """Header entries and data for the arrays, back to back."""
    entries, chunks, offset = {}, [], 0
    for key, a in arrays.items():
        entries[key] = {
            "dtype": CODES[a.dtype.name],
            "shape": list(a.shape),
            "data_offsets": [offset, offset + a.nbytes],
        }
        chunks.append(a.tobytes())
        offset += a.nbytes
    return entries, b"".join(chunks)


def ferrograd_file(structure, arrays: dict[str, np.ndarray], version: str = "2") -> bytes:
    """A ferrograd file with the given structure record (JSON, or a raw string) and tensors."""
    entries, data = packed(arrays)
    text = structure if isinstance(structure, str) else json.dumps(structure)
    return safetensors_bytes(
        entries,
        data,
        {"format": "ferrograd", "ferrograd_version": version, "structure": text},
    )


_DROP = object()  # a field tensor_node leaves out


def tensor_node(key="w", dtype="F32", shape=(2,), requires_grad=False, **changes) -> dict:
    node = {
        "t": "tensor",
        "key": key,
        "dtype": dtype,
        "shape": list(shape),
        "requires_grad": requires_grad,
    }
    node.update(changes)
    return {k: v for k, v in node.items() if v is not _DROP}


def tensor_node_v3(**changes) -> dict:
    """A tensor node as version 3 writes it (with the tensor's device and class)."""
    return tensor_node(**{"device": "cpu", "cls": "tensor", **changes})


def object_node(record=0, state=None, **changes) -> dict:
    """A version 3 object node: an ``nn.Linear`` with the given state (empty by default)."""
    node = {
        "t": "object",
        "module": "ferrograd.nn.modules.linear",
        "qualname": "Linear",
        "id": record,
        "state": {"t": "dict", "items": []} if state is None else state,
    }
    node.update(changes)
    return {k: v for k, v in node.items() if v is not _DROP}


def nested(depth: int, leaf) -> dict:
    """A structure record of ``depth`` lists, one inside the other, around ``leaf``."""
    for _ in range(depth):
        leaf = {"t": "list", "items": [leaf]}
    return leaf


def nested_lists(depth: int) -> list:
    """``depth`` Python lists, one inside the other."""
    value = []
    for _ in range(depth - 1):
        value = [value]
    return value


W = {"w": np.arange(2, dtype=np.float32)}
W_ENTRY = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
W_DATA = W["w"].tobytes()


def w_file(**changes) -> bytes:
    """A file of one float32 tensor ``w`` of 2 elements, its header entry changed."""
    return safetensors_bytes({"w": {**W_ENTRY, **changes}}, W_DATA)


def saved(obj) -> bytes:
    buffer = io.BytesIO()
    fg.save(obj, buffer)
    return buffer.getvalue()


def state_dict_file() -> bytes:
    return saved({"a": fg.arange(4, dtype=fg.float32), "b": fg.ones(2, 2, dtype=fg.float64)})


def python_env() -> dict:
    """The environment for a child Python that imports this same ferrograd."""
    package_root = str(Path(fg.__file__).resolve().parent.parent)
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")]),
    }


# ----------------------------------------------------------------------------- the corpus

# (id, file bytes (built when the test runs), a regex the message must match)
CORPUS = [
    # the container
    ("empty file", lambda: b"", r"not a safetensors file: it has only 0 bytes"),
    ("five bytes", lambda: b"\x01\x02\x03\x04\x05", r"only 5 bytes"),
    ("header length zero", lambda: b"\0" * 64, r"header length of 0"),
    (
        "header longer than file",
        lambda: struct.pack("<Q", 10**6) + b"{}",
        r"header length of 1000000 bytes, more than the 2 bytes",
    ),
    (
        "header length 2**63",
        lambda: struct.pack("<Q", 2**63) + b"{}" * 8,
        r"more than the \d+ bytes that follow",
    ),
    (
        "header not UTF-8",
        lambda: raw_file(b'{"\xff": 1}'),
        r"its header is not valid JSON .*utf-8",
    ),
    (
        "header not JSON",
        lambda: raw_file(b"\x80\x04K."),
        r"its header is not valid JSON",
    ),
    (
        "header truncated JSON",
        lambda: raw_file(b'{"w": {"dtype": "F3'),
        r"its header is not valid JSON",
    ),
    (
        "header is a list",
        lambda: raw_file(b"[1, 2]"),
        r"header is a JSON list, not an object",
    ),
    (
        "header is a string",
        lambda: raw_file(b'"hi"'),
        r"header is a JSON str, not an object",
    ),
    (
        "header repeats a key",
        lambda: raw_file(b'{"w": {}, "w": {}}'),
        r"the key 'w' appears twice",
    ),
    (
        "header nested 100k deep",
        lambda: raw_file(b'{"w": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
        r"header is nested too deeply",
    ),
    (
        "header number of 5000 digits",
        lambda: raw_file(b'{"w": ' + b"9" * 5000 + b"}"),
        r"not valid JSON .*digits",
    ),
    # tensor entries
    (
        "entry not an object",
        lambda: safetensors_bytes({"w": 3}),
        r"entry for 'w' must be an object with exactly",
    ),
    (
        "entry lacks data_offsets",
        lambda: safetensors_bytes({"w": {"dtype": "F32", "shape": [0]}}),
        r"exactly 'dtype', 'shape' and 'data_offsets'",
    ),
    (
        "entry has an extra field",
        lambda: w_file(x=1),
        r"exactly 'dtype'",
    ),
    (
        "unknown dtype",
        lambda: w_file(dtype="F33"),
        r"dtype 'F33', which ferrograd cannot read \(it reads BOOL",
    ),
    (
        "unsupported dtype F8",
        lambda: w_file(dtype="F8_E4M3"),
        r"dtype 'F8_E4M3'",
    ),
    (
        "lower-case dtype",
        lambda: w_file(dtype="f32"),
        r"dtype 'f32'",
    ),
    (
        "dtype is a list",
        lambda: w_file(dtype=["F32"]),
        r"dtype \['F32'\]",
    ),
    (
        "negative dim",
        lambda: w_file(shape=[-2]),
        r"shape \[-2\], not a list of at most 64 non-negative integers",
    ),
    (
        "float dim",
        lambda: w_file(shape=[2.0]),
        r"shape \[2.0\]",
    ),
    (
        "bool dim",
        lambda: w_file(shape=[True, 2]),
        r"shape \[True, 2\]",
    ),
    (
        "shape not a list",
        lambda: w_file(shape="2"),
        r"shape '2'",
    ),
    (
        "rank 65",
        lambda: w_file(shape=[1] * 65),
        r"at most 64",
    ),
    (
        "huge dims",
        lambda: w_file(shape=[2**40, 2**40]),
        r"too large to hold",
    ),
    (
        "huge dims of zero size",
        lambda: safetensors_bytes(
            {"w": {"dtype": "F32", "shape": [0, 2**62, 2**62], "data_offsets": [0, 0]}}
        ),
        r"too large to hold",
    ),
    (
        "shape x dtype != bytes",
        lambda: w_file(shape=[3]),
        r"F32 \[3\], 12 bytes, but its data_offsets \[0, 8\] span 8 bytes",
    ),
    (
        "same size, wrong count",
        lambda: w_file(dtype="F64"),
        r"F64 \[2\], 16 bytes",
    ),
    (
        "offsets reversed",
        lambda: w_file(data_offsets=[8, 0]),
        r"data_offsets \[8, 0\], not \[begin, end\]",
    ),
    (
        "offsets negative",
        lambda: w_file(data_offsets=[-8, 0]),
        r"data_offsets \[-8, 0\]",
    ),
    (
        "three offsets",
        lambda: safetensors_bytes({"w": {**W_ENTRY, "data_offsets": [0, 4, 8]}}, W_DATA),
        r"data_offsets \[0, 4, 8\]",
    ),
    (
        "string offsets",
        lambda: safetensors_bytes({"w": {**W_ENTRY, "data_offsets": ["0", "8"]}}, W_DATA),
        r"data_offsets \['0', '8'\]",
    ),
    (
        "offsets past the data",
        lambda: safetensors_bytes(
            {"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, W_DATA
        ),
        r"truncated: its header declares 16 bytes of tensor data, only 8 follow",
    ),
    (
        "offsets far past the file",
        lambda: safetensors_bytes(
            {"w": {"dtype": "U8", "shape": [2**40], "data_offsets": [0, 2**40]}}
        ),
        r"declares 1099511627776 bytes of tensor data, only 0",
    ),
    (
        "overlapping tensors",
        lambda: safetensors_bytes({"a": W_ENTRY, "b": W_ENTRY}, W_DATA),
        r"tensor 'b' starts at byte 0 of the data, overlapping a tensor that ends at 8",
    ),
    (
        "gap between tensors",
        lambda: safetensors_bytes({"a": {**W_ENTRY, "data_offsets": [8, 16]}}, W_DATA * 2),
        r"tensor 'a' starts at byte 8 of the data, leaving a gap after byte 0",
    ),
    ("truncated data", lambda: state_dict_file()[:-5], r"truncated"),
    (
        "truncated header",
        lambda: state_dict_file()[:20],
        r"header length of \d+ bytes, more than the 12 bytes",
    ),
    (
        "bool byte 2",
        lambda: safetensors_bytes(
            {"m": {"dtype": "BOOL", "shape": [2], "data_offsets": [0, 2]}}, b"\x01\x02"
        ),
        r"bool tensor 'm' holds bytes other than 0 and 1",
    ),
    (
        "U64 beyond int64",
        lambda: safetensors_bytes(
            {"u": {"dtype": "U64", "shape": [1], "data_offsets": [0, 8]}}, b"\xff" * 8
        ),
        r"U64 tensor 'u' with values beyond int64",
    ),
    (
        "metadata not an object",
        lambda: safetensors_bytes({"w": W_ENTRY}, W_DATA, metadata=[1]),
        r"__metadata__ must map strings to strings",
    ),
    (
        "metadata value not a string",
        lambda: safetensors_bytes({"w": W_ENTRY}, W_DATA, metadata={"format": 1}),
        r"__metadata__ must map strings to strings",
    ),
    # the structure record
    (
        "no version",
        lambda: safetensors_bytes(
            {"w": W_ENTRY}, W_DATA, {"format": "ferrograd", "structure": "{}"}
        ),
        r"has no 'ferrograd_version'",
    ),
    (
        "future version",
        lambda: ferrograd_file(tensor_node(), W, version="99"),
        r"unknown ferrograd file version '99' .*update ferrograd",
    ),
    (
        "no structure",
        lambda: safetensors_bytes(
            {"w": W_ENTRY}, W_DATA, {"format": "ferrograd", "ferrograd_version": "2"}
        ),
        r"has no 'structure'",
    ),
    (
        "structure not JSON",
        lambda: ferrograd_file("{not json", W),
        r"damaged structure record: it is not valid JSON",
    ),
    (
        "structure nested 100k deep",
        lambda: ferrograd_file("[" * 100_000 + "]" * 100_000, W),
        r"structure record: it is nested too deeply",
    ),
    (
        "structure 150 levels deep",
        lambda: ferrograd_file(nested(150, tensor_node()), W),
        r"nested more than 100 levels deep",
    ),
    (
        "structure repeats a key",
        lambda: ferrograd_file('{"t": "value", "t": "list", "v": 1}', {}),
        r"the key 't' appears twice",
    ),
    (
        "structure node is a list",
        lambda: ferrograd_file([1, 2], {}),
        r"at the top level: expected a node object with a string 't', got \[1, 2\]",
    ),
    (
        "structure node type not a string",
        lambda: ferrograd_file({"t": 7, "v": 1}, {}),
        r"expected a node object with a string 't'",
    ),
    (
        "unknown node type",
        lambda: ferrograd_file({"t": "set", "items": []}, {}),
        r"unknown node type 'set'",
    ),
    (
        "pickle node type",
        lambda: ferrograd_file({"t": "pickle", "v": "gASVAA=="}, {}),
        r"unknown node type 'pickle'",
    ),
    (
        "tensor node lacks key",
        lambda: ferrograd_file(tensor_node(key=_DROP), W),
        r"the 'tensor' node lacks \['key'\]",
    ),
    (
        "v1 tensor node with dtype",
        lambda: ferrograd_file(tensor_node(), W, version="1"),
        r"has unexpected fields \['dtype', 'shape'\]",
    ),
    (
        "node with extra field",
        lambda: ferrograd_file({"t": "value", "v": 1, "code": "rm -rf"}, {}),
        r"has unexpected fields \['code'\]",
    ),
    (
        "tensor key not a string",
        lambda: ferrograd_file(tensor_node(key=0), W),
        r"needs a string 'key' and a bool 'requires_grad'",
    ),
    (
        "requires_grad not a bool",
        lambda: ferrograd_file(tensor_node(requires_grad="yes"), W),
        r"a bool 'requires_grad'",
    ),
    (
        "value is a list",
        lambda: ferrograd_file({"t": "value", "v": [1]}, {}),
        r"a value must be a string, number, bool or null, got \[1\]",
    ),
    (
        "items not a list",
        lambda: ferrograd_file({"t": "list", "items": {"0": 1}}, {}),
        r"'items' must be a list",
    ),
    (
        "dict item of three",
        lambda: ferrograd_file({"t": "dict", "items": [["a", {"t": "value", "v": 1}, 3]]}, {}),
        r"dict items must be \[key, node\]",
    ),
    (
        "dict key is a list",
        lambda: ferrograd_file({"t": "dict", "items": [[["a"], {"t": "value", "v": 1}]]}, {}),
        r"dict items must be \[key, node\]",
    ),
    (
        "dict repeats a key",
        lambda: ferrograd_file({"t": "dict", "items": [["a", {"t": "value", "v": 1}]] * 2}, {}),
        r"the dict has the key 'a' twice",
    ),
    (
        "bad node deep inside",
        lambda: ferrograd_file(
            {
                "t": "dict",
                "items": [["x", {"t": "list", "items": [{"t": "value", "v": 1}, {"t": "?"}]}]],
            },
            {},
        ),
        r"at \['x'\]\[1\]: unknown node type '\?'",
    ),
    (
        "names a missing tensor",
        lambda: ferrograd_file(tensor_node(key="zz"), W),
        r"names a tensor 'zz' that the file does not contain",
    ),
    (
        "leaves a tensor unused",
        lambda: ferrograd_file({"t": "value", "v": None}, W),
        r"does not use the file's tensor\(s\) \['w'\]",
    ),
    (
        "same-size dtype edit",
        lambda: ferrograd_file(tensor_node(dtype="I32"), W),
        r"tensor 'w' is 'I32' \[2\] here but F32 \[2\] in the header: the file was edited or "
        r"damaged",
    ),
    (
        "shape edit",
        lambda: ferrograd_file(tensor_node(shape=(1, 2)), W),
        r"is 'F32' \[1, 2\] here but F32 \[2\]",
    ),
    (
        "requires_grad on an int tensor",
        lambda: ferrograd_file(
            tensor_node(dtype="I64", shape=(1,), requires_grad=True),
            {"w": np.zeros(1, np.int64)},
        ),
        r"only floating-point tensors can require grad",
    ),
    (
        "conflicting requires_grad",
        lambda: ferrograd_file(
            {"t": "list", "items": [tensor_node(), tensor_node(requires_grad=True)]}, W
        ),
        r"named twice, with different requires_grad",
    ),
    # version 3: objects, references, sets, dtypes, devices, names
    (
        "v3 tensor node without device and class",
        lambda: ferrograd_file(tensor_node(), W, version="3"),
        r"the 'tensor' node lacks \['cls', 'device'\]",
    ),
    (
        "tensor on an unknown device",
        lambda: ferrograd_file(tensor_node_v3(device="tpu:0"), W, version="3"),
        r"tensor 'w' has the device 'tpu:0', not 'cpu' or 'cuda:N'",
    ),
    (
        "tensor of an unknown class",
        lambda: ferrograd_file(tensor_node_v3(cls="Module"), W, version="3"),
        r"tensor 'w' has the class 'Module'",
    ),
    (
        "conflicting tensor device",
        lambda: ferrograd_file(
            {"t": "list", "items": [tensor_node_v3(), tensor_node_v3(device="cuda:0")]},
            W,
            version="3",
        ),
        r"named twice, with different location",
    ),
    (
        "object lacks its state",
        lambda: ferrograd_file(object_node(state=_DROP), {}, version="3"),
        r"the 'object' node lacks \['state'\]",
    ),
    (
        "object id not an integer",
        lambda: ferrograd_file(object_node(record="0"), {}, version="3"),
        r"an object's id must be an integer used once, got '0'",
    ),
    (
        "object id used twice",
        lambda: ferrograd_file({"t": "list", "items": [object_node()] * 2}, {}, version="3"),
        r"at \[1\]: an object's id must be an integer used once, got 0",
    ),
    (
        "object state not a dict node",
        lambda: ferrograd_file(object_node(state={"t": "list", "items": []}), {}, version="3"),
        r"an object's state must be a 'dict' node",
    ),
    (
        "attribute name not a string",
        lambda: ferrograd_file(
            object_node(state={"t": "dict", "items": [[1, {"t": "value", "v": 1}]]}),
            {},
            version="3",
        ),
        r"an object's attribute names must be strings",
    ),
    (
        "reference to no object",
        lambda: ferrograd_file({"t": "ref", "id": 3}, {}, version="3"),
        r"a reference to 3, which no earlier object has as id",
    ),
    (
        "reference before its object",
        lambda: ferrograd_file(
            {"t": "list", "items": [{"t": "ref", "id": 0}, object_node()]}, {}, version="3"
        ),
        r"at \[0\]: a reference to 0, which no earlier object has as id",
    ),
    (
        "set holding a list",
        lambda: ferrograd_file(
            {"t": "set", "items": [{"t": "list", "items": []}]}, {}, version="3"
        ),
        r"a set may hold only value nodes",
    ),
    (
        "unknown dtype",
        lambda: ferrograd_file({"t": "dtype", "name": "complex32"}, {}, version="3"),
        r"unknown dtype 'complex32'",
    ),
    (
        "unknown device",
        lambda: ferrograd_file({"t": "device", "v": "mps"}, {}, version="3"),
        r"a device must be 'cpu' or 'cuda:N', got 'mps'",
    ),
    (
        "function named by numbers",
        lambda: ferrograd_file({"t": "global", "module": 1, "qualname": 2}, {}, version="3"),
        r"a function's module and qualname must be strings",
    ),
    # files from elsewhere
    (
        "pickle",
        lambda: pickle.dumps({"w": [1.0, 2.0]}),
        r"not a safetensors file.*looks like a pickle: ferrograd never unpickles",
    ),
    (
        "pickle protocol 0",
        lambda: pickle.dumps({"w": 1}, protocol=0),
        r"looks like a pickle",
    ),
    (
        "torch.save zip",
        lambda: torch_save_like_zip(),
        r"zip archive, as torch.save writes",
    ),
    (
        "text file",
        lambda: b"hello, world\n" * 10,
        r"not a safetensors file: its first 8 bytes give a header length of \d+",
    ),
]


def torch_save_like_zip() -> bytes:
    """The layout torch.save writes: a zip archive holding a pickle and raw storages."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"w": "storage 0"}, protocol=2))
        archive.writestr("archive/data/0", np.arange(4, dtype=np.float32).tobytes())
        archive.writestr("archive/version", "3\n")
    return buffer.getvalue()


@pytest.mark.parametrize(("build", "message"), [pytest.param(b, m, id=i) for i, b, m in CORPUS])
def test_every_crafted_file_raises_serialization_error_saying_why(tmp_path, build, message):
    # weights_only=False, the most permissive load: the damage itself must be caught, not the
    # classes a version 3 file names (weights_only=True would refuse those first)
    blob = build()
    path = tmp_path / "bad.safetensors"
    path.write_bytes(blob)
    with pytest.raises(SerializationError, match=message) as from_path:
        fg.load(path, weights_only=False)
    assert str(from_path.value).startswith(f"ferrograd.load: {str(path)!r} ")
    with pytest.raises(SerializationError, match=message):
        fg.load(io.BytesIO(blob), weights_only=False)


def test_serialization_error_is_a_value_error_and_a_runtime_error():
    """Code written for ferrograd (ValueError) or for torch.load (RuntimeError) catches it."""
    for kind in (ValueError, RuntimeError):
        with pytest.raises(kind, match="not a safetensors file"):
            fg.load(io.BytesIO(b""))


def test_bytes_after_the_data_are_an_error_in_a_file_and_the_next_record_in_a_stream(
    tmp_path,
):
    blob = safetensors_bytes({"w": W_ENTRY}, W_DATA + b"junk")
    path = tmp_path / "long.safetensors"
    path.write_bytes(blob)
    with pytest.raises(
        SerializationError,
        match="4 bytes follow the 8 bytes of tensor data its header declares",
    ):
        fg.load(path)
    stream = io.BytesIO(blob)
    assert fg.load(stream)["w"].tolist() == [0.0, 1.0] and stream.read() == b"junk"


# --------------------------------------------------------------------- endless, huge or lying input


class Endless(io.RawIOBase):
    """A stream without a size that never ends: ``prefix``, then ``filler`` bytes forever."""

    def __init__(self, prefix: bytes = b"", filler: bytes = b"a"):
        self.prefix, self.filler, self.served = prefix, filler, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = len(buffer)
        head, self.prefix = self.prefix[:n], self.prefix[n:]
        buffer[:n] = head + self.filler * (n - len(head))
        self.served += n
        return n


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_and_endless_streams_fail_at_once():
    start = time.perf_counter()
    with pytest.raises(SerializationError, match="header length of 0"):
        fg.load("/dev/zero")
    with (
        open("/dev/zero", "rb") as zeros,
        pytest.raises(SerializationError, match="header length of 0"),
    ):
        fg.load(zeros)
    with open("/dev/urandom", "rb") as noise, pytest.raises(SerializationError):
        fg.load(noise)
    with pytest.raises(
        SerializationError,
        match=r"header length of \d+ bytes, more than the 100 MB limit",
    ):
        fg.load(Endless())
    with pytest.raises(SerializationError, match="header is not valid JSON"):
        fg.load(Endless(struct.pack("<Q", 1000), filler=b"{"))
    assert time.perf_counter() - start < 10


def test_an_endless_stream_with_a_valid_header_is_read_only_as_far_as_the_header_declares():
    entries, _ = packed({"w": np.zeros(2**20, np.float32)})
    header = json.dumps(entries).encode()
    stream = Endless(raw_file(header), filler=b"\0")
    assert fg.load(stream)["w"].shape == (2**20,)
    assert stream.served == 8 + len(header) + 4 * 2**20


class Trickle:
    """A stream without ``seek`` or ``readinto`` that serves ``data`` a few bytes at a time."""

    def __init__(self, data: bytes):
        self.data, self.position = data, 0

    def read(self, n: int) -> bytes:
        n = min(n, 7)
        out = self.data[self.position : self.position + n]
        self.position += len(out)
        return out


def test_a_file_that_declares_far_more_than_it_holds_allocates_nothing_big(tmp_path):
    """The header of a 1 KB file claims a 1 GiB tensor: refused before any allocation, for a
    file with a size and for a stream without one (which reads only what arrives)."""
    claim = safetensors_bytes(
        {"w": {"dtype": "U8", "shape": [2**30], "data_offsets": [0, 2**30]}},
        b"\0" * 1000,
    )
    path = tmp_path / "liar.safetensors"
    path.write_bytes(claim)
    tracemalloc.start()
    try:
        with pytest.raises(
            SerializationError,
            match=r"declares 1073741824 bytes of tensor data, only 1000",
        ):
            fg.load(path)
        with pytest.raises(
            SerializationError,
            match=r"truncated: it ends 1000 bytes into the data of tensor 'w'",
        ):
            fg.load(Trickle(claim))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, f"peak {peak} bytes"


def test_streams_without_a_size_load_and_stop_at_the_end_of_the_data():
    obj = {"a": fg.arange(5, dtype=fg.float32), "meta": ["x", 1]}
    blob = saved(obj)
    stream = Trickle(blob + b"the next record")
    back = fg.load(stream)
    assert back["a"].tolist() == [0, 1, 2, 3, 4] and back["meta"] == ["x", 1]
    assert stream.position == len(blob)  # nothing read past the declared data
    # two records in one file object, read one after the other
    buffer = io.BytesIO(blob + blob)
    assert fg.load(buffer)["meta"] == ["x", 1] and fg.load(buffer)["meta"] == ["x", 1]
    with pytest.raises(TypeError, match="binary mode"):
        fg.load(io.StringIO("text" * 10))


def test_two_thousand_references_to_one_tensor_load_as_one_tensor(tmp_path):
    """The file that once made the loader ask for 8 GB: 2,000 references to one 4 MB tensor."""
    weight = fg.ones(1024, 1024)
    path = tmp_path / "many.safetensors"
    fg.save([weight] * 2000, path)
    size = path.stat().st_size
    assert 4 * 2**20 < size < 4 * 2**20 + 400_000  # the data is stored once
    tracemalloc.start()
    try:
        start = time.perf_counter()
        back = fg.load(path)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(back) == 2000 and all(t is back[0] for t in back)
    assert back[0].shape == (1024, 1024) and back[0].sum().item() == 1024 * 1024
    assert peak < 3 * size, f"peak {peak} bytes for a {size}-byte file"
    assert seconds < 10


# ----------------------------------------------------------------------------- round trips


def test_aliasing_round_trips_as_one_tensor_stored_once(tmp_path):
    t = fg.randn(3, 3, requires_grad=True)
    u = fg.arange(4)
    obj = {"pair": [t, t], "again": t, "ints": (u, u), "other": fg.randn(3, 3)}
    blob = saved(obj)
    header = json.loads(blob[8 : 8 + struct.unpack("<Q", blob[:8])[0]])
    assert sorted(k for k in header if k != "__metadata__") == [
        "ints.0",
        "other",
        "pair.0",
    ]
    back = fg.load(io.BytesIO(blob))
    assert (
        back["pair"][0] is back["pair"][1] is back["again"] and back["ints"][0] is back["ints"][1]
    )
    assert back["pair"][0] is not back["other"]
    assert back["again"].requires_grad and not back["ints"][0].requires_grad
    assert np.array_equal(back["again"].detach().numpy(), t.detach().numpy())
    moved = fg.load(io.BytesIO(blob), map_location="cpu")
    assert moved["pair"][0] is moved["again"]


def test_numpy_arrays_are_saved_as_tensors():
    values = np.arange(6, dtype=np.float64).reshape(2, 3)
    obj = {
        "f64": values,
        "f32": values.astype(np.float32),
        "i32": np.array([1, -2], np.int32),
        "i64": np.array([3], np.int64),
        "bool": np.array([True, False]),
        "f16": values.astype(np.float16),
        "u8": np.array([250], np.uint8),
        "big_endian": values.astype(">f4"),
        "transposed": values.T,
        "strided": values[:, ::2],
        "scalar": np.array(2.5),
        "empty": np.zeros((0, 4), np.float32),
        "generic": np.float32(1.5),  # a NumPy scalar stays a number
    }
    obj["same"] = obj["f64"]
    back = fg.load(io.BytesIO(saved(obj)))
    expected_dtypes = {
        "f64": fg.float64,
        "f32": fg.float32,
        "i32": fg.int32,
        "i64": fg.int64,
        "bool": fg.bool,
        "f16": fg.float16,
        "u8": fg.uint8,
        "big_endian": fg.float32,
        "transposed": fg.float64,
        "strided": fg.float64,
        "scalar": fg.float64,
        "empty": fg.float32,
    }
    for key, dtype in expected_dtypes.items():
        assert isinstance(back[key], fg.Tensor) and back[key].dtype == dtype, key
        assert np.array_equal(back[key].numpy(), obj[key].astype(back[key].numpy().dtype)), key
        assert back[key].shape == obj[key].shape, key
    assert back["generic"] == 1.5 and back["same"] is back["f64"]
    for bad in (np.array(["text"]), np.array([1 + 2j]), np.array([object()])):
        with pytest.raises(TypeError):
            fg.save(bad, io.BytesIO())


class Holder:
    """A plain object holding another."""

    def __init__(self, inner):
        self.inner = inner


def test_objects_without_a_restorable_state_are_refused_with_their_place():
    # whole modules are stored (tests/test_serialization_modules.py); these are not
    for obj, message in (
        (object(), r"type object at the top level: its instances have no plain __dict__"),
        ({"blob": b"bytes"}, r"type bytes at blob: it is a built-in \(C\) type"),
        ([1, (i for i in range(2))], r"type generator at 1: it is a built-in \(C\) type"),
        (
            {"f": [lambda: 0]},
            r"the function .*<lambda> at f\.0: it is defined inside a function",
        ),
        ({"s": {(1, 2)}}, r"the set at s: it holds a tuple"),
    ):
        with pytest.raises(TypeError, match=message):
            fg.save(obj, io.BytesIO())
    with pytest.raises(TypeError, match="dict keys must be strings or numbers"):
        fg.save({(1, 2): fg.zeros(1)}, io.BytesIO())
    with pytest.raises(ValueError, match="nested more than 100 levels deep"):
        fg.save(nested_lists(101), io.BytesIO())
    itself = []
    itself.append(itself)
    with pytest.raises(ValueError, match="contains itself"):
        fg.save(itself, io.BytesIO())
    deepest = nested_lists(100)  # the deepest save writes is the deepest load reads
    assert fg.load(io.BytesIO(saved(deepest))) == deepest
    # objects too: each is two levels (the object and its attributes)
    chain = [{"leaf": 1}]
    while True:
        try:
            blob = saved(chain[0])
        except ValueError as error:
            assert "nested more than 100 levels deep" in str(error)
            break
        fg.load(io.BytesIO(blob), weights_only=False)
        chain.insert(0, Holder(chain[0]))
    assert len(chain) == 51  # a dict inside 49 holders saves and loads; inside 50, no save


def test_files_from_other_writers_and_older_ferrograd_load():
    from safetensors.numpy import load as st_load, save as st_save

    arrays = {
        "f16": np.array([1.5, -2], np.float16),
        "i8": np.array([-3], np.int8),
        "u32": np.array([7], np.uint32),
        "u64": np.array([2**40], np.uint64),
        "i16": np.array([5, 6], np.int16),
    }
    back = fg.load(io.BytesIO(st_save(arrays, metadata={"format": "pt"})))
    assert set(back) == set(arrays)
    assert back["f16"].dtype == fg.float16 and back["f16"].tolist() == [1.5, -2.0]
    assert [back[k].dtype for k in ("i8", "u32", "u64", "i16")] == [
        fg.int8,
        fg.int64,
        fg.int64,
        fg.int16,
    ]
    assert back["u64"].tolist() == [2**40] and back["i8"].tolist() == [-3]
    # bfloat16 is the high half of a float32: these values (8 significant bits) are exact
    exact = np.array([1.0, -2.5, 65536.0, 0.15625], np.float32)
    bf16 = (exact.view(np.uint32) >> 16).astype("<u2")
    blob = safetensors_bytes(
        {"b": {"dtype": "BF16", "shape": [4], "data_offsets": [0, 8]}}, bf16.tobytes()
    )
    loaded = fg.load(io.BytesIO(blob))["b"]
    assert loaded.dtype == fg.bfloat16 and loaded.tolist() == exact.tolist()
    # what ferrograd's first file version wrote (no dtype or shape in the structure)
    v1 = st_save(
        {"fc.weight": np.ones((2, 2), np.float32), "step": np.array(3, np.int64)},
        metadata={
            "format": "ferrograd",
            "ferrograd_version": "1",
            "structure": json.dumps(
                {
                    "t": "dict",
                    "items": [
                        [
                            "fc.weight",
                            {"t": "tensor", "key": "fc.weight", "requires_grad": True},
                        ],
                        [
                            "step",
                            {"t": "tensor", "key": "step", "requires_grad": False},
                        ],
                        ["lr", {"t": "value", "v": 0.1}],
                    ],
                }
            ),
        },
    )
    old = fg.load(io.BytesIO(v1))
    assert old["fc.weight"].requires_grad and old["step"].item() == 3 and old["lr"] == 0.1
    # and what ferrograd writes, other readers read
    ours = st_load(saved({"x": fg.arange(3, dtype=fg.float32), "y": [fg.ones(2, dtype=fg.bool)]}))
    assert ours["x"].tolist() == [0, 1, 2] and ours["y.0"].tolist() == [True, True]


def test_tensor_keys_never_clash_with_the_metadata_entry():
    back = fg.load(
        io.BytesIO(saved({"__metadata__": fg.ones(1), "a": {"b": fg.zeros(1)}, "a.b": fg.ones(2)}))
    )
    assert (
        back["__metadata__"].tolist() == [1.0]
        and back["a"]["b"].tolist() == [0.0]
        and back["a.b"].tolist() == [1, 1]
    )


# ------------------------------------------------------------------------ mutations of a valid file


def _valid_file() -> bytes:
    t = fg.arange(6, dtype=fg.float32).reshape(2, 3)
    return saved(
        {
            "w": t,
            "alias": [t, t],
            "mask": fg.tensor([True, False, True]),
            "i": fg.tensor([1, -2], dtype=fg.int32),
            "step": fg.tensor(7),
            "lr": fg.tensor(0.5, dtype=fg.float64, requires_grad=True),
            "empty": fg.zeros(0, 3),
            "hyper": OrderedDict(betas=(0.9, 0.999), name="adam", eps=None, flag=True),
        }
    )


def _valid_objects_file() -> bytes:
    """A version 3 file: modules, a shared submodule, a set, a dtype, a device, a function."""
    fg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    model.extra = {
        "dtype": fg.float64,
        "device": fg.device("cpu"),
        "tags": {"a", 1},
        "act": nn.functional.relu,
        "again": model[0],
    }
    return saved(model)


class _Base(NamedTuple):
    """A valid file and its parts, the starting point of the mutations."""

    blob: bytes
    header: dict
    data: bytes
    structure: object

    @classmethod
    def of(cls, blob: bytes) -> _Base:
        n = struct.unpack("<Q", blob[:8])[0]
        header = json.loads(blob[8 : 8 + n])
        return cls(blob, header, blob[8 + n :], json.loads(header["__metadata__"]["structure"]))


VALID = _valid_file()
VALID_BASE = _Base.of(VALID)
OBJECTS_BASE = _Base.of(_valid_objects_file())
_FUZZ_EXAMPLES = int(os.environ.get("FERROGRAD_FUZZ_EXAMPLES", "0"))
_LOADABLE_DTYPES = {fg.float32, fg.float64, fg.int32, fg.int64, fg.bool}

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=6)
    | st.sampled_from(
        [
            "F32",
            "I32",
            "I64",
            "BOOL",
            "F16",
            "U64",
            "tensor",
            "value",
            "list",
            "dict",
            "odict",
            "w",
            "alias.0",
            # version 3
            "object",
            "ref",
            "set",
            "frozenset",
            "global",
            "dtype",
            "device",
            "parameter",
            "buffer",
            "cuda:0",
            "float64",
            "ferrograd.nn.modules.linear",
            "Linear",
            "ReLU",
            "os",
            "system",
        ]
    )
    | st.integers(-2, 64),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "t",
                    "v",
                    "key",
                    "items",
                    "dtype",
                    "shape",
                    "data_offsets",
                    "requires_grad",
                    "device",
                    "cls",
                    "module",
                    "qualname",
                    "id",
                    "state",
                    "name",
                ]
            )
            | st.text(max_size=4),
            inner,
            max_size=4,
        )
    ),
    max_leaves=8,
)


@st.composite
def byte_mutations(draw, base: _Base) -> bytes:
    """The valid file with bytes set, inserted, deleted or cut off."""
    blob = bytearray(base.blob)
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, len(blob)))
        what = draw(st.sampled_from(["set", "insert", "delete", "cut"]))
        if what == "set" and where < len(blob):
            blob[where] = draw(st.integers(0, 255))
        elif what == "insert":
            blob[where:where] = draw(st.binary(min_size=1, max_size=8))
        elif what == "delete":
            del blob[where : where + draw(st.integers(1, 8))]
        elif what == "cut":
            del blob[where:]
    return bytes(blob)


def _slots(value):
    """Every (container, key) in a JSON value, so that an edit can replace or remove one."""
    stack = [value]
    while stack:
        container = stack.pop()
        keys = (
            container.keys()
            if isinstance(container, dict)
            else range(len(container))
            if isinstance(container, list)
            else ()
        )
        for k in keys:
            yield container, k
            stack.append(container[k])


@st.composite
def json_edits(draw, base: _Base) -> bytes:
    """The valid file with JSON values of its header or structure record replaced or removed,
    the header length kept right: what an editor or a bug would write."""
    doc = copy.deepcopy({"header": base.header, "structure": base.structure})
    for _ in range(draw(st.integers(1, 3))):
        slots = list(_slots(doc))
        if not slots:  # both parts removed
            break
        container, key = draw(st.sampled_from(slots))
        if isinstance(container, dict) and draw(st.booleans()):
            del container[key]
        else:
            container[key] = draw(_json)
    header = doc.get("header")
    meta = header.get("__metadata__") if isinstance(header, dict) else None
    if isinstance(meta, dict) and meta.get("structure") == base.header["__metadata__"]["structure"]:
        meta["structure"] = json.dumps(doc.get("structure"), allow_nan=True)
    return raw_file(json.dumps(header, allow_nan=True).encode(), base.data)


def _check_loaded(value, depth=0, seen=None) -> None:
    """Whatever loaded is made of plain values, containers, readable tensors and (from a
    version 3 file) dtypes, devices, ferrograd's tensor functions and nn modules."""
    seen = set() if seen is None else seen
    assert depth <= 210
    if isinstance(value, fg.Tensor):
        array = value.detach().numpy()
        assert value.dtype in _LOADABLE_DTYPES and tuple(value.shape) == array.shape
        if value.dtype == fg.bool and array.size:
            assert array.view(np.uint8).max() <= 1
    elif isinstance(value, dict):
        for v in value.values():
            _check_loaded(v, depth + 1, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            _check_loaded(v, depth + 1, seen)
    elif isinstance(value, nn.Module):
        if id(value) not in seen:
            seen.add(id(value))
            _check_loaded(vars(value), depth + 1, seen)
    elif callable(value):
        assert value is nn.functional.relu or value in (nn.Linear, nn.ReLU, nn.Sequential)
    else:
        assert value is None or isinstance(value, (bool, int, float, str, fg.dtype, fg.device))


_MUTATIONS = settings(
    max_examples=_FUZZ_EXAMPLES or 300,
    derandomize=not _FUZZ_EXAMPLES,  # FERROGRAD_FUZZ_EXAMPLES set: a new seed each run
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@_MUTATIONS
@given(st.one_of(byte_mutations(VALID_BASE), json_edits(VALID_BASE)))
def test_mutated_files_load_or_raise_serialization_error(blob):
    try:
        back = fg.load(io.BytesIO(blob))
    except SerializationError:
        return
    _check_loaded(back)


@_MUTATIONS
@given(st.one_of(byte_mutations(OBJECTS_BASE), json_edits(OBJECTS_BASE)))
def test_mutated_files_with_objects_load_or_are_refused(blob):
    """With weights_only=False, the most permissive load: a damaged file raises
    SerializationError, one that names something it may not have raises UnpicklingError, and
    anything that loads is made of what the file may hold."""
    try:
        back = fg.load(io.BytesIO(blob), weights_only=False)
    except (SerializationError, pickle.UnpicklingError):
        return
    _check_loaded(back)


def test_the_unmutated_files_load():
    """The mutation tests' starting points are valid (else every mutation would fail
    trivially)."""
    back = fg.load(io.BytesIO(VALID))
    assert back["alias"][0] is back["alias"][1] is back["w"] and back["lr"].requires_grad
    assert back["hyper"] == OrderedDict(betas=(0.9, 0.999), name="adam", eps=None, flag=True)
    _check_loaded(back)
    model = fg.load(io.BytesIO(OBJECTS_BASE.blob), weights_only=False)
    assert model.extra["again"] is model[0] and model.extra["tags"] == {"a", 1}
    _check_loaded(model)


# ----------------------------------------------------------------------------- atomic save


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def checkpoint(tmp_path):
    """A folder holding one checkpoint, ``old.safetensors``, and its contents."""
    path = tmp_path / "old.safetensors"
    fg.save({"version": "old", "w": fg.zeros(3)}, path)
    return path


def _assert_old(path: Path):
    back = fg.load(path)
    assert back["version"] == "old" and back["w"].tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    "failure",
    [OSError("disk full"), KeyboardInterrupt()],
    ids=["OSError", "KeyboardInterrupt"],
)
@pytest.mark.parametrize("where", ["fsync", "replace"])
def test_a_failed_save_leaves_the_old_file_and_no_temporary(
    checkpoint, monkeypatch, failure, where
):
    def fail(*args):
        raise failure

    monkeypatch.setattr(os, where, fail)
    with pytest.raises(type(failure)):
        fg.save({"version": "new", "w": fg.ones(1000)}, checkpoint)
    monkeypatch.undo()
    assert _names(checkpoint.parent) == ["old.safetensors"]
    _assert_old(checkpoint)


def _child(script: str, *args, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)], env=python_env(), **popen
    )


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_write_failing_midway_leaves_the_old_file_and_no_temporary(checkpoint):
    """A real failure inside the write: the child may not write files over 64 KB, so saving
    4 MB fails with EFBIG after 64 KB of the temporary file are written."""
    script = (
        "import resource, sys, ferrograd as fg\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 16, resource.RLIM_INFINITY))\n"
        "try:\n"
        "    fg.save({'version': 'new', 'w': fg.ones(1 << 20)}, sys.argv[1])\n"
        "except OSError as e:\n"
        "    print('failed', e.errno)\n"
    )
    child = _child(script, checkpoint, stdout=subprocess.PIPE)
    out, _ = child.communicate(timeout=120)
    assert child.returncode == 0 and out.split()[0] == b"failed", out
    assert _names(checkpoint.parent) == ["old.safetensors"]
    _assert_old(checkpoint)


@pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")
def test_a_save_killed_before_the_rename_leaves_the_old_file(checkpoint):
    """The child is killed at the last moment before the rename: the new file fully written
    and synced to its temporary name. The old checkpoint must still be what loads."""
    script = (
        "import os, sys, time, ferrograd as fg\n"
        "synced = os.fsync\n"
        "def stall(fd):\n"
        "    synced(fd)\n"
        "    print('synced', flush=True)\n"
        "    time.sleep(120)\n"
        "os.fsync = stall\n"
        "fg.save({'version': 'new', 'w': fg.ones(1 << 20)}, sys.argv[1])\n"
    )
    child = _child(script, checkpoint, stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline() == b"synced\n"
    finally:
        child.kill()
        child.communicate()
    _assert_old(checkpoint)
    stray = [p for p in checkpoint.parent.iterdir() if p.name != "old.safetensors"]
    assert (
        len(stray) == 1
        and stray[0].name.startswith(".old.safetensors.")
        and stray[0].name.endswith(".tmp")
    )
    # the whole new file was written, under the other name
    assert stray[0].stat().st_size > 4 * 2**20


@pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")
def test_killing_repeated_large_saves_at_random_moments_never_leaves_a_partial_file(
    tmp_path,
):
    path = tmp_path / "ckpt.safetensors"
    script = (
        "import sys, ferrograd as fg\n"
        "versions = [fg.full((1 << 21,), float(v)) for v in (1, 2)]\n"
        "for i in range(10**6):\n"
        "    fg.save({'v': versions[i % 2]}, sys.argv[1])\n"
        "    print(i, flush=True)\n"
    )
    rng = random.Random(0)
    for _ in range(3):
        child = _child(script, path, stdout=subprocess.PIPE)
        try:
            assert child.stdout.readline()  # one save is complete
            time.sleep(rng.uniform(0.0, 0.3))
        finally:
            child.send_signal(signal.SIGKILL)
            child.communicate()
        v = fg.load(path)["v"].numpy()
        assert v.shape == (1 << 21,) and v[0] in (1.0, 2.0) and (v == v[0]).all()


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks and modes are POSIX here")
def test_save_writes_through_symlinks_keeps_the_mode_and_can_write_to_devices(
    checkpoint,
):
    os.chmod(checkpoint, 0o640)
    link = checkpoint.parent / "latest.safetensors"
    link.symlink_to(checkpoint.name)
    fg.save({"version": "new"}, link)
    assert link.is_symlink() and fg.load(checkpoint) == {"version": "new"}
    assert checkpoint.stat().st_mode & 0o777 == 0o640
    assert _names(checkpoint.parent) == ["latest.safetensors", "old.safetensors"]
    if os.path.exists("/dev/null"):
        fg.save({"x": fg.ones(2)}, "/dev/null")  # not replaced by a regular file
        assert not Path("/dev/null").is_file()
