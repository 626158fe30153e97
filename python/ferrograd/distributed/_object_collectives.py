"""Collectives on Python objects: ``broadcast_object_list``, ``all_gather_object``,
``gather_object`` and ``scatter_object_list``. Objects travel in the safe encoding of
``_object_codec`` (no pickle: only data types, listed there, can be sent); each collective
exchanges the encoded sizes first, then the bytes. ``weights_only`` (PyTorch's switch for
restricted unpickling) is accepted and changes nothing: decoding is always restricted."""

from __future__ import annotations

import time

import numpy as np

from . import _liveness
from ._checks import begin
from ._collectives import group_root
from ._group import ProcessGroup, resolve
from ._object_codec import decode, encode

__all__ = [
    "all_gather_object",
    "broadcast_object_list",
    "gather_object",
    "scatter_object_list",
]


def _wait(pg: ProcessGroup, operation: str, sequence: int, request, started: float) -> None:
    deadline = started + pg.timeout.total_seconds()
    _liveness.wait([request], pg, operation, sequence, deadline)


def _bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.uint8)


def _offsets(sizes) -> list[int]:
    return [0, *np.cumsum(sizes)[:-1].tolist()] if len(sizes) else []


def _check_list(object_list, name: str) -> None:
    if not isinstance(object_list, list):
        raise TypeError(f"{name} must be a list, got {type(object_list).__name__}")


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None,
                          weights_only: bool = True) -> None:  # fmt: skip
    """Every rank's ``object_list`` receives the objects of rank ``src``'s list (each rank
    passes a list of the same length).

    Objects are encoded as data, never pickled: ``None``, ``bool``, ``int``, ``float``,
    ``complex``, ``str``, ``bytes``, ``list``, ``tuple``, ``dict``, ferrograd tensors (received
    on the CPU) and NumPy arrays or scalars of bool/integer/float/complex dtype, nested freely;
    anything else raises ``TypeError`` on the sending rank."""
    _check_list(object_list, "object_list")
    pg = resolve(group, "broadcast_object_list")
    if pg is None:
        return
    root = group_root(pg, src, group_src, "src")
    is_root = pg.rank() == root
    payloads = [encode(obj) for obj in object_list] if is_root else []
    sequence = begin(pg, "broadcast_object_list", root=root)
    started = time.monotonic()
    count = np.array([len(object_list)], dtype=np.int64)
    _wait(pg, "broadcast_object_list", sequence, pg.comm.Ibcast(count, root=root), started)
    sizes = np.array([len(p) for p in payloads] if is_root else [0] * count[0], dtype=np.int64)
    _wait(pg, "broadcast_object_list", sequence, pg.comm.Ibcast(sizes, root=root), started)
    data = (
        np.frombuffer(b"".join(payloads), dtype=np.uint8).copy()
        if is_root
        else np.empty(int(sizes.sum()), dtype=np.uint8)
    )
    _wait(pg, "broadcast_object_list", sequence, pg.comm.Ibcast(data, root=root), started)
    if is_root:
        return
    if len(object_list) != count[0]:
        raise ValueError(
            f"broadcast_object_list: object_list has {len(object_list)} entries on this rank "
            f"but {count[0]} on the source rank; every rank must pass a list of the same length"
        )
    for i, offset in enumerate(_offsets(sizes)):
        object_list[i] = decode(data[offset : offset + sizes[i]].tobytes())


def all_gather_object(object_list, obj, group=None, weights_only: bool = True) -> None:
    """``object_list[i]`` receives ``obj`` of the group's rank ``i`` (``object_list`` has one
    entry per rank). ``obj`` may hold what ``broadcast_object_list`` sends (data only, no
    pickle)."""
    _check_list(object_list, "object_list")
    pg = resolve(group, "all_gather_object")
    if pg is None:
        return
    payload = encode(obj)
    sequence = begin(pg, "all_gather_object")
    started = time.monotonic()
    sizes = np.empty(pg.size(), dtype=np.int64)
    mine = np.array([len(payload)], dtype=np.int64)
    _wait(pg, "all_gather_object", sequence, pg.comm.Iallgather(mine, sizes), started)
    data = np.empty(int(sizes.sum()), dtype=np.uint8)
    offsets = _offsets(sizes)
    request = pg.comm.Iallgatherv(_bytes(payload), [data, (sizes.tolist(), offsets)])
    _wait(pg, "all_gather_object", sequence, request, started)
    if len(object_list) != pg.size():
        raise ValueError(
            f"all_gather_object: object_list must have one entry per rank ({pg.size()}), got "
            f"{len(object_list)}"
        )
    for i, offset in enumerate(offsets):
        object_list[i] = decode(data[offset : offset + sizes[i]].tobytes())


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None,
                  weights_only: bool = True) -> None:  # fmt: skip
    """``object_gather_list[i]`` on rank ``dst`` receives ``obj`` of the group's rank ``i``
    (``object_gather_list`` is None on the other ranks)."""
    pg = resolve(group, "gather_object")
    if pg is None:
        return
    root = group_root(pg, dst, group_dst, "dst")
    is_root = pg.rank() == root
    if is_root:
        _check_list(object_gather_list, "object_gather_list")
        if len(object_gather_list) != pg.size():
            raise ValueError(
                f"gather_object: object_gather_list must have one entry per rank ({pg.size()}), "
                f"got {len(object_gather_list)}"
            )
    elif object_gather_list is not None:
        raise ValueError(
            "Argument ``object_gather_list`` must NOT be specified on non-destination ranks."
        )
    payload = encode(obj)
    sequence = begin(pg, "gather_object", root=root)
    started = time.monotonic()
    sizes = np.empty(pg.size(), dtype=np.int64) if is_root else None
    mine = np.array([len(payload)], dtype=np.int64)
    _wait(pg, "gather_object", sequence, pg.comm.Igather(mine, sizes, root=root), started)
    if is_root:
        offsets = _offsets(sizes)
        data = np.empty(int(sizes.sum()), dtype=np.uint8)
        receive = [data, (sizes.tolist(), offsets)]
    else:
        receive = None
    request = pg.comm.Igatherv(_bytes(payload), receive, root=root)
    _wait(pg, "gather_object", sequence, request, started)
    if is_root:
        for i, offset in enumerate(offsets):
            object_gather_list[i] = decode(data[offset : offset + sizes[i]].tobytes())


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None,
                        group=None, group_src=None, weights_only: bool = True) -> None:  # fmt: skip
    """``scatter_object_output_list[0]`` on the group's rank ``i`` receives
    ``scatter_object_input_list[i]`` of rank ``src``."""
    if not isinstance(scatter_object_output_list, list) or not scatter_object_output_list:
        raise ValueError(
            "Expected argument scatter_object_output_list to be a list of size at least 1."
        )
    pg = resolve(group, "scatter_object_list")
    if pg is None:
        return
    root = group_root(pg, src, group_src, "src")
    is_root = pg.rank() == root
    payloads = []
    if is_root:
        if (
            not isinstance(scatter_object_input_list, (list, tuple))
            or len(scatter_object_input_list) != pg.size()
        ):
            raise ValueError(
                f"scatter_object_list: scatter_object_input_list must hold one object per rank "
                f"({pg.size()}) on the source rank"
            )
        payloads = [encode(obj) for obj in scatter_object_input_list]
    sequence = begin(pg, "scatter_object_list", root=root)
    started = time.monotonic()
    sizes = np.array([len(p) for p in payloads], dtype=np.int64) if is_root else None
    mine = np.empty(1, dtype=np.int64)
    _wait(pg, "scatter_object_list", sequence, pg.comm.Iscatter(sizes, mine, root=root), started)
    send = None
    if is_root:
        joined = np.frombuffer(b"".join(payloads), dtype=np.uint8).copy()
        send = [joined, (sizes.tolist(), _offsets(sizes))]
    data = np.empty(int(mine[0]), dtype=np.uint8)
    request = pg.comm.Iscatterv(send, data, root=root)
    _wait(pg, "scatter_object_list", sequence, request, started)
    scatter_object_output_list[0] = decode(data.tobytes())
