"""``ReduceOp``: how a reducing collective combines the ranks' tensors, and the MPI operation
that does it for a given element type."""

from __future__ import annotations

import enum

import numpy as np

__all__ = ["RedOpType", "ReduceOp", "mpi_op", "normalize"]


class RedOpType(enum.IntEnum):
    """PyTorch's numbering (``ReduceOp.SUM`` is ``RedOpType.SUM``, value 0, and so on)."""

    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8


class ReduceOp:
    """``ReduceOp.SUM``, ``AVG``, ``PRODUCT``, ``MIN``, ``MAX``, ``BAND``, ``BOR``, ``BXOR``.
    ``AVG`` sums, then divides by the group's size (floating-point tensors only). Bool tensors
    reduce logically: ``SUM``/``MAX``/``BOR`` as or, ``PRODUCT``/``MIN``/``BAND`` as and,
    ``BXOR`` as exclusive or. ``PREMUL_SUM`` is not supported."""

    RedOpType = RedOpType
    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR
    PREMUL_SUM = RedOpType.PREMUL_SUM

    def __init__(self, op: RedOpType = RedOpType.SUM):
        self.op = normalize(op)

    def __eq__(self, other) -> bool:
        if isinstance(other, ReduceOp):
            return self.op == other.op
        return self.op == other

    def __hash__(self) -> int:
        return hash(self.op)

    def __repr__(self) -> str:
        return f"ReduceOp({self.op.name})"


def normalize(op) -> RedOpType:
    """``op`` (a ``RedOpType``, a ``ReduceOp`` instance) as a ``RedOpType``."""
    if isinstance(op, ReduceOp):
        return op.op
    if isinstance(op, RedOpType):
        if op == RedOpType.PREMUL_SUM:
            raise NotImplementedError("ReduceOp.PREMUL_SUM is not supported by ferrograd")
        return op
    raise TypeError(f"op must be a ReduceOp, got {type(op).__name__}")


def mpi_op(MPI, op: RedOpType, dtype: np.dtype):
    """The MPI operation for ``op`` on elements of ``dtype`` (``AVG`` is a sum, divided after)."""
    kind = dtype.kind
    if kind == "b":
        if op == RedOpType.AVG:
            raise RuntimeError("Cannot use ReduceOp.AVG with a bool tensor")
        logical = {
            RedOpType.SUM: MPI.LOR,
            RedOpType.MAX: MPI.LOR,
            RedOpType.BOR: MPI.LOR,
            RedOpType.PRODUCT: MPI.LAND,
            RedOpType.MIN: MPI.LAND,
            RedOpType.BAND: MPI.LAND,
            RedOpType.BXOR: MPI.LXOR,
        }
        return logical[op]
    if op in (RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR) and kind != "i":
        raise RuntimeError(f"Cannot use ReduceOp.{op.name} with non-integral dtype")
    if op == RedOpType.AVG and kind != "f":
        raise RuntimeError("ReduceOp.AVG is only supported for floating-point tensors")
    arithmetic = {
        RedOpType.SUM: MPI.SUM,
        RedOpType.AVG: MPI.SUM,
        RedOpType.PRODUCT: MPI.PROD,
        RedOpType.MIN: MPI.MIN,
        RedOpType.MAX: MPI.MAX,
        RedOpType.BAND: MPI.BAND,
        RedOpType.BOR: MPI.BOR,
        RedOpType.BXOR: MPI.BXOR,
    }
    return arithmetic[op]
