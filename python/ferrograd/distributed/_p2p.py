"""Point-to-point messages: ``send``, ``recv``, ``isend``, ``irecv`` and
``batch_isend_irecv``. Peers are global ranks (``group_dst``/``group_src``/``group_peer``: ranks
in ``group``); ``tag`` tells messages between the same pair apart. A message is received into
the tensor's own storage when it is contiguous. CUDA tensors on a group whose CUDA backend is
NCCL go through ``ncclSend``/``ncclRecv`` (no tags, no receive from any source), and
``batch_isend_irecv`` posts them as one NCCL group."""

from __future__ import annotations

from . import _nccl_collectives as nccl
from ._buffers import Buffer, check_tensor
from ._checks import begin
from ._group import GroupMember, ProcessGroup, resolve
from ._mpi import mpi
from ._nccl_collectives import route
from ._work import launch

__all__ = ["P2POp", "batch_isend_irecv", "irecv", "isend", "recv", "send"]


def _peer(pg: ProcessGroup, rank, group_rank, name: str, required: bool) -> int | None:
    """The peer's rank in ``pg`` (None: any source)."""
    if rank is not None and group_rank is not None:
        raise ValueError(f"Can not specify both {name} and group_{name}")
    if group_rank is not None:
        if not 0 <= group_rank < pg.size():
            raise ValueError(f"Group rank {group_rank} is not part of group {pg}")
        return int(group_rank)
    if rank is None:
        if required:
            raise ValueError(f"Must specify either {name} or group_{name}")
        return None
    if rank not in pg.ranks:
        raise ValueError(f"Global rank {rank} is not part of group {pg}")
    return pg.ranks.index(rank)


def _tag(tag) -> int:
    MPI = mpi()
    if (
        isinstance(tag, bool)
        or not isinstance(tag, int)
        or not 0 <= tag <= MPI.COMM_WORLD.Get_attr(MPI.TAG_UB)
    ):
        raise ValueError(f"tag must be a non-negative int within MPI's tag range, got {tag!r}")
    return tag


def isend(tensor, dst=None, group=None, tag: int = 0, group_dst=None):
    """Starts sending ``tensor`` to rank ``dst``; returns its ``Work``."""
    check_tensor(tensor, "tensor")
    pg = resolve(group, "isend")
    if pg is None:
        return None
    peer = _peer(pg, dst, group_dst, "dst", required=True)
    if peer == pg.rank():
        raise ValueError(
            "Invalid destination rank: should not be the same as rank of the current process."
        )
    tag = _tag(tag)
    on_nccl = route(pg, [tensor], "isend")
    sequence = begin(pg, f"send to rank {pg.global_rank(peer)} (tag {tag})")
    if on_nccl:  # NCCL has no tags: messages between two ranks arrive in order
        return nccl.point_to_point(pg, sequence, tensor, peer, "send", receive=False)
    buffer = Buffer(tensor, write=False)
    request = pg.comm.Isend(buffer.array, peer, tag)
    return launch(pg, "send", sequence, [request], True, result=[tensor])


def irecv(tensor, src=None, group=None, tag: int = 0, group_src=None):
    """Starts receiving into ``tensor`` from rank ``src`` (any rank when None); returns its
    ``Work`` (``source_rank()`` says who sent)."""
    check_tensor(tensor, "tensor")
    pg = resolve(group, "irecv")
    if pg is None:
        return None
    MPI = mpi()
    peer = _peer(pg, src, group_src, "src", required=False)
    if peer is not None and peer == pg.rank():
        raise ValueError(
            "Invalid source rank: should not be the same as rank of the current process."
        )
    tag = _tag(tag)
    source = "any rank" if peer is None else f"rank {pg.global_rank(peer)}"
    operation = f"recv from {source} (tag {tag})"
    on_nccl = route(pg, [tensor], "irecv")
    if on_nccl and peer is None:
        raise RuntimeError(
            "irecv: the NCCL backend cannot receive from any source; pass src (CUDA tensors "
            "of a group whose CUDA backend is NCCL)"
        )
    sequence = begin(pg, operation)
    if on_nccl:
        return nccl.point_to_point(pg, sequence, tensor, peer, operation, receive=True)
    buffer = Buffer(tensor, write=True)
    request = pg.comm.Irecv(buffer.array, MPI.ANY_SOURCE if peer is None else peer, tag)
    status = MPI.Status()
    return launch(
        pg, operation, sequence, [request], True, buffer.finish, [tensor], statuses=[status]
    )


def send(tensor, dst=None, group=None, tag: int = 0, group_dst=None) -> None:
    """Sends ``tensor`` to rank ``dst`` and waits until it is sent."""
    work = isend(tensor, dst, group, tag, group_dst)
    if work is not None:
        work.wait()


def recv(tensor, src=None, group=None, tag: int = 0, group_src=None) -> int:
    """Receives into ``tensor`` from rank ``src`` (any rank when None); returns the sender's
    global rank (-1 on a rank outside ``group``)."""
    work = irecv(tensor, src, group, tag, group_src)
    if work is None:
        return -1
    return work.source_rank()


class P2POp:
    """One operation of ``batch_isend_irecv``: ``op`` is ``isend`` or ``irecv``."""

    def __init__(self, op, tensor, peer=None, group=None, tag: int = 0, group_peer=None):
        if op not in (isend, irecv):
            raise ValueError(
                "Invalid ``op``. Expected ``op`` to be of type ``torch.distributed.isend`` or "
                "``torch.distributed.irecv``."
            )
        check_tensor(tensor, "tensor")
        self.op = op
        self.tensor = tensor
        self.peer = peer
        self.group = group
        self.tag = tag
        self.group_peer = group_peer


def batch_isend_irecv(p2p_op_list) -> list:
    """Starts every operation of ``p2p_op_list`` (all posted before any is waited for, so
    exchanges in any order do not deadlock); returns their ``Work``s."""
    if not isinstance(p2p_op_list, (list, tuple)) or not all(
        isinstance(p, P2POp) for p in p2p_op_list
    ):
        raise ValueError(
            "Invalid ``p2p_op_list``. Each op is expected to to be of type "
            "``torch.distributed.P2POp``."
        )
    on_nccl = []
    for p in p2p_op_list:
        if p.group is GroupMember.NON_GROUP_MEMBER:
            continue  # the operation itself warns and does nothing
        pg = resolve(p.group, "batch_isend_irecv")
        if p.tensor.is_cuda and pg.backends.cuda == "nccl":
            on_nccl.append((pg, p.tensor.device.index or 0))
    if not on_nccl:
        return [p.op(p.tensor, p.peer, p.group, p.tag, p.group_peer) for p in p2p_op_list]
    from ._nccl import P2PBatch

    with P2PBatch(list(dict.fromkeys(on_nccl))):
        return [p.op(p.tensor, p.peer, p.group, p.tag, p.group_peer) for p in p2p_op_list]
