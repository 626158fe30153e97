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


# The MPI operation's name per (op, element kind: "b" bool, "i" integer, "f" floating); a missing
# pair is an error. Bool tensors reduce logically; AVG is a sum, divided afterwards.
_LOGICAL = {RedOpType.SUM: "LOR", RedOpType.MAX: "LOR", RedOpType.BOR: "LOR",
            RedOpType.PRODUCT: "LAND", RedOpType.MIN: "LAND", RedOpType.BAND: "LAND",
            RedOpType.BXOR: "LXOR"}  # fmt: skip
_ARITHMETIC = {RedOpType.SUM: "SUM", RedOpType.AVG: "SUM", RedOpType.PRODUCT: "PROD",
               RedOpType.MIN: "MIN", RedOpType.MAX: "MAX"}  # fmt: skip
_BITWISE = {RedOpType.BAND: "BAND", RedOpType.BOR: "BOR", RedOpType.BXOR: "BXOR"}
_NAMES = {
    **{(op, "b"): name for op, name in _LOGICAL.items()},
    **{(op, "i"): name for op, name in {**_ARITHMETIC, **_BITWISE}.items() if op != RedOpType.AVG},
    **{(op, "f"): name for op, name in _ARITHMETIC.items()},
}


def mpi_op(MPI, op: RedOpType, dtype: np.dtype):
    """The MPI operation for ``op`` on elements of ``dtype``."""
    name = _NAMES.get((op, "i" if dtype.kind == "u" else dtype.kind))
    if name is not None:
        return getattr(MPI, name)
    if dtype.kind == "b":
        raise RuntimeError("Cannot use ReduceOp.AVG with a bool tensor")
    if op in _BITWISE:
        raise RuntimeError(f"Cannot use ReduceOp.{op.name} with non-integral dtype")
    raise RuntimeError("ReduceOp.AVG is only supported for floating-point tensors")
