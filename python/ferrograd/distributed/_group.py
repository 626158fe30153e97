"""Process groups on MPI: the default group (``init_process_group``), subgroups
(``new_group``), the rank and size queries, and what happens to the job when a rank fails.

A group owns an MPI communicator of its own (a duplicate, so that a program's own mpi4py
traffic on ``COMM_WORLD`` never matches ours) and counts its collectives, which the debug
checks and the timeout messages name. The world also has a control communicator, used only by
the liveness checks of ``_liveness`` (a rank that times out asks the others where they are).

Failure policy, with more than one rank: an exception that nobody catches on one rank aborts
the whole MPI job once its traceback is printed (as ``torchrun`` stops the other workers), and
a process whose group broke (a collective timed out) aborts at exit instead of waiting in
``MPI_Finalize`` for ranks that will never come."""

from __future__ import annotations

import atexit
import datetime
import os
import sys
import time
import warnings

from ._environment import set_torchrun_variables
from ._errors import DistBackendError
from ._mpi import mpi

__all__ = [
    "Backend",
    "DeviceBackends",
    "GroupMember",
    "ProcessGroup",
    "abort_job",
    "default_group",
    "destroy_process_group",
    "devices_backends",
    "get_backend",
    "get_global_rank",
    "get_group_rank",
    "get_process_group_ranks",
    "get_rank",
    "get_world_size",
    "group",
    "init_process_group",
    "is_initialized",
    "new_group",
    "resolve",
    "world",
]

NOT_INITIALIZED = (
    "Default process group has not been initialized, please make sure to call init_process_group."
)
# PyTorch's default for the CPU backends (gloo, mpi).
DEFAULT_TIMEOUT = datetime.timedelta(minutes=30)


class Backend(str):
    """Backend names, as strings: ``Backend.MPI == "mpi"``. ``gloo`` (PyTorch's CPU backend)
    is served by MPI; ``nccl`` serves CUDA tensors through CuPy's NCCL bindings (see
    docs/DISTRIBUTED.md)."""

    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    MPI = "mpi"

    def __new__(cls, name: str):
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, got {name!r}")
        value = name.lower()
        if value not in (cls.GLOO, cls.NCCL, cls.MPI, cls.UNDEFINED):
            raise ValueError(f"Invalid backend: '{name}'")
        return super().__new__(cls, value)


class ProcessGroup:
    """A set of ranks that run collectives together. ``rank()`` and ``size()`` are this
    process's rank in the group and the group's size; ``ranks`` are the members' global ranks,
    in group-rank order."""

    def __init__(self, comm, ranks, timeout: datetime.timedelta, description: str,
                 backends: DeviceBackends | None = None):  # fmt: skip
        self.comm = comm
        self.backends = backends or DeviceBackends(Backend.MPI, Backend.MPI)
        self.nccl: dict = {}  # CUDA device index -> NCCL communicator (made at first use)
        self.ranks = tuple(ranks)
        self.timeout = timeout
        self.description = description
        self.sequence = 0  # collectives issued so far
        self.inflight: list = []  # async work not yet seen complete
        self._rank = comm.Get_rank()
        self._size = comm.Get_size()

    def rank(self) -> int:
        return self._rank

    def size(self) -> int:
        return self._size

    def name(self) -> str:
        return self.description

    @property
    def group_desc(self) -> str:
        return self.description

    def global_rank(self, group_rank: int) -> int:
        return self.ranks[group_rank]

    def next_sequence(self) -> int:
        self.sequence += 1
        return self.sequence

    def __repr__(self) -> str:
        return f"ProcessGroup({self.description}, ranks={list(self.ranks)})"


class _NonGroupMember:
    """What ``new_group`` returns on a rank that is not in the new group."""

    def __repr__(self) -> str:
        return "GroupMember.NON_GROUP_MEMBER"


class GroupMember:
    """``GroupMember.WORLD`` (the default group, ``None`` before ``init_process_group``) and
    ``GroupMember.NON_GROUP_MEMBER``."""

    WORLD: ProcessGroup | None = None
    NON_GROUP_MEMBER = _NonGroupMember()


class _GroupNamespace:
    """``dist.group.WORLD``: the default group."""

    @property
    def WORLD(self):
        return GroupMember.WORLD


group = _GroupNamespace()


class _World:
    """Everything ``init_process_group`` sets up, torn down by ``destroy_process_group``."""

    def __init__(self):
        self.default: ProcessGroup | None = None
        self.control = None  # the liveness checks' communicator
        self.groups: list[ProcessGroup] = []
        self.broken: str | None = None  # why the job can no longer communicate
        self.detail = False  # FERROGRAD_DISTRIBUTED_DEBUG=DETAIL, read by init_process_group
        self.previous_excepthook = None


world = _World()


def _seconds(timeout) -> datetime.timedelta:
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, datetime.timedelta):
        if timeout.total_seconds() <= 0:
            raise ValueError(f"timeout must be positive, got {timeout}")
        return timeout
    raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got {timeout}")


class DeviceBackends:
    """Which backend serves each device type on a group: ``cpu`` is ``"mpi"`` or None (a pure
    ``"nccl"`` group refuses CPU tensors, as PyTorch's does), ``cuda`` is ``"mpi"`` (staged
    through host memory) or ``"nccl"``."""

    __slots__ = ("cpu", "cuda")

    def __init__(self, cpu: str | None, cuda: str):
        self.cpu = cpu
        self.cuda = cuda

    @property
    def name(self) -> str:
        if self.cuda == Backend.MPI:
            return Backend.MPI
        if self.cpu is None:
            return Backend.NCCL
        return f"cpu:{self.cpu},cuda:{self.cuda}"


def devices_backends(backend) -> DeviceBackends:
    """``backend`` (``"mpi"``, ``"gloo"``, ``"nccl"``, None, or ``"cpu:gloo,cuda:nccl"``) read
    per device; NCCL is checked to be importable."""
    if backend is None:
        return DeviceBackends(Backend.MPI, Backend.MPI)
    if not isinstance(backend, str):
        raise ValueError(f"Invalid backend: '{backend}'")
    cpu: str | None = None
    cuda: str | None = None
    for part in backend.split(","):
        device, _, name = part.strip().rpartition(":")
        name = Backend(name.strip())  # raises on unknown names
        if name == Backend.UNDEFINED:
            raise ValueError(f"Invalid backend: '{backend}'")
        served = Backend.MPI if name == Backend.GLOO else str(name)
        device = device.strip().lower()
        if device not in ("", "cpu", "cuda"):
            raise ValueError(
                f"Invalid backend string {backend!r}: device type {device!r} is not 'cpu' or 'cuda'"
            )
        if device in ("", "cpu"):
            if served == Backend.NCCL and device == "cpu":
                raise ValueError("The NCCL backend does not support device type cpu")
            if served != Backend.NCCL:
                cpu = served
        if device in ("", "cuda"):
            cuda = served
    if cuda is None:
        cuda = Backend.MPI
    if cuda == Backend.NCCL:
        from ._nccl import require_nccl

        require_nccl()
    elif cpu is None:
        cpu = Backend.MPI
    return DeviceBackends(cpu, cuda)


def _check_launch(name: str, asked, env_name: str, actual: int) -> None:
    """A rank or world size given as an argument or in the environment must be MPI's."""
    claims = []
    if asked is not None and asked != -1:
        claims.append((f"{name}={asked}", int(asked)))
    text = os.environ.get(env_name)
    if text:
        try:
            claims.append((f"{env_name}={text} in the environment", int(text)))
        except ValueError:
            raise ValueError(f"environment variable {env_name}={text!r} is not a number") from None
    for source, value in claims:
        if value != actual:
            raise ValueError(
                f"init_process_group: {source}, but MPI started this process with {name} "
                f"{actual}. The MPI backend takes ranks and the world size from the MPI "
                "launcher: start the processes with `python -m ferrograd.distributed.run "
                "--nproc-per-node N script.py` or `mpiexec -n N python script.py`."
            )


def init_process_group(
    backend=None,
    init_method=None,
    timeout=None,
    world_size: int = -1,
    rank: int = -1,
    store=None,
    group_name: str = "",
    pg_options=None,
    device_id=None,
) -> None:
    """Joins this process to the default group of all the processes MPI started.

    The rank and world size come from MPI (``mpiexec``, ``srun``, or
    ``python -m ferrograd.distributed.run``); ``rank``/``world_size`` arguments and the
    ``env://`` variables ``RANK``/``WORLD_SIZE``, when given, must agree with them.
    ``MASTER_ADDR``/``MASTER_PORT`` and the ``tcp://``/``file://`` init methods are not needed
    (MPI has already connected the processes) and are ignored. ``backend`` may be ``"mpi"``,
    ``"gloo"`` (served by MPI) or None; ``"nccl"`` runs the collectives of CUDA tensors on
    NCCL through CuPy (and refuses CPU tensors, as PyTorch's does), ``"cpu:gloo,cuda:nccl"``
    (or ``"cpu:mpi,cuda:nccl"``) runs CPU tensors on MPI and CUDA tensors on NCCL; MPI starts
    and connects the processes in every case. ``timeout``: how long any collective may wait for the
    other ranks before this rank reports which ranks are missing and fails (default 30
    minutes)."""
    if world.default is not None:
        raise ValueError("trying to initialize the default process group twice!")
    backends = devices_backends(backend)
    if store is not None:
        raise ValueError("store= is not used by ferrograd's MPI backend; leave it out")
    if init_method is not None and not isinstance(init_method, str):
        raise TypeError(f"init_method must be a string, got {type(init_method).__name__}")
    timeout = _seconds(timeout)
    MPI = mpi()
    comm_world = MPI.COMM_WORLD
    _check_launch("world_size", world_size, "WORLD_SIZE", comm_world.Get_size())
    _check_launch("rank", rank, "RANK", comm_world.Get_rank())
    node = comm_world.Split_type(MPI.COMM_TYPE_SHARED)
    set_torchrun_variables(
        comm_world.Get_rank(), comm_world.Get_size(), node.Get_rank(), node.Get_size()
    )
    node.Free()
    world.control = comm_world.Dup()
    default = ProcessGroup(
        comm_world.Dup(),
        range(comm_world.Get_size()),
        timeout,
        group_name or "default_pg",
        backends,
    )
    world.default = default
    world.groups = [default]
    world.broken = None
    from ._checks import detail_from_environment

    world.detail = detail_from_environment()
    GroupMember.WORLD = default
    if default.size() > 1:
        world.previous_excepthook = sys.excepthook
        sys.excepthook = _abort_on_uncaught_exception


def is_initialized() -> bool:
    """Whether ``init_process_group`` has run (and ``destroy_process_group`` has not)."""
    return world.default is not None


def default_group() -> ProcessGroup:
    if world.default is None:
        raise ValueError(NOT_INITIALIZED)
    return world.default


def resolve(group_arg, operation: str) -> ProcessGroup | None:
    """The group a collective runs on; None (after PyTorch's warning) on a rank that is not a
    member, for which the collective does nothing."""
    pg = default_group()
    if group_arg is None:
        return pg
    if group_arg is GroupMember.NON_GROUP_MEMBER:
        warnings.warn(
            f"Running {operation} on global rank {pg.rank()} which does not belong to the given "
            "group.",
            stacklevel=3,
        )
        return None
    if not isinstance(group_arg, ProcessGroup):
        raise TypeError(f"group must be a ProcessGroup, got {type(group_arg).__name__}")
    if group_arg.comm is None:
        raise ValueError(f"{group_arg!r} has been destroyed")
    return group_arg


def new_group(
    ranks=None,
    timeout=None,
    backend=None,
    pg_options=None,
    use_local_synchronization: bool = False,
    group_desc: str | None = None,
    device_id=None,
):
    """A group of the given global ``ranks`` (all ranks when None). Every rank of the default
    group must call it, members or not, in the same order as the other ranks, unless
    ``use_local_synchronization`` (then only the members call it). Returns the group, or
    ``GroupMember.NON_GROUP_MEMBER`` on a rank outside it."""
    parent = default_group()
    backends = parent.backends if backend is None else devices_backends(backend)
    timeout = parent.timeout if timeout is None else _seconds(timeout)
    world_size = parent.size()
    if ranks is None:
        members = list(range(world_size))
    else:
        members = sorted(int(r) for r in ranks)
        for r in members:
            if not 0 <= r < world_size:
                raise ValueError(
                    f"new_group: rank {r} is not a valid global rank (world size {world_size})"
                )
        if len(set(members)) != len(members):
            raise ValueError(f"new_group: ranks must be distinct, got {list(ranks)}")
    description = group_desc or f"group{len(world.groups)}"
    mpi_group = parent.comm.Get_group().Incl(members)
    try:
        if use_local_synchronization:
            if parent.rank() not in members:
                return GroupMember.NON_GROUP_MEMBER
            comm = parent.comm.Create_group(mpi_group)
        else:
            comm = parent.comm.Create(mpi_group)
    finally:
        mpi_group.Free()
    MPI = mpi()
    if comm == MPI.COMM_NULL:
        return GroupMember.NON_GROUP_MEMBER
    pg = ProcessGroup(comm, members, timeout, description, backends)
    world.groups.append(pg)
    return pg


def _member(group_arg) -> ProcessGroup | None:
    if group_arg is GroupMember.NON_GROUP_MEMBER:
        default_group()
        return None
    return default_group() if group_arg is None else group_arg


def get_rank(group=None) -> int:
    """This process's rank in ``group`` (the default group when None); -1 outside it."""
    pg = _member(group)
    return -1 if pg is None else pg.rank()


def get_world_size(group=None) -> int:
    """The number of processes in ``group`` (the default group when None); -1 outside it."""
    pg = _member(group)
    return -1 if pg is None else pg.size()


def get_backend(group=None) -> str:
    """The group's backend: ``"mpi"``, ``"nccl"`` or ``"cpu:mpi,cuda:nccl"``."""
    pg = _member(group)
    if pg is None:
        raise ValueError("Invalid process group specified")
    return pg.backends.name


def get_process_group_ranks(group) -> list[int]:
    """The global ranks of ``group``'s members, in group-rank order."""
    pg = _member(group)
    if pg is None:
        raise ValueError("Group GroupMember.NON_GROUP_MEMBER is not registered")
    return list(pg.ranks)


def get_global_rank(group, group_rank: int) -> int:
    pg = _member(group)
    if pg is None or not 0 <= group_rank < pg.size():
        raise ValueError(f"Group rank {group_rank} is not part of group {group}")
    return pg.ranks[group_rank]


def get_group_rank(group, global_rank: int) -> int:
    pg = _member(group)
    if pg is None or global_rank not in pg.ranks:
        raise ValueError(f"Global rank {global_rank} is not part of group {group}")
    return pg.ranks.index(global_rank)


def _release(pg: ProcessGroup) -> None:
    """Finishes ``pg``'s outstanding async work (unless the job is broken) and frees its
    communicator."""
    if world.broken is None:
        for work in list(pg.inflight):
            work.wait()
    pg.inflight.clear()
    if pg.nccl:
        from ._nccl import release_communicators

        release_communicators(pg, abort=world.broken is not None)
    if pg.comm is not None:
        if world.broken is None:
            pg.comm.Free()
        pg.comm = None


def destroy_process_group(group=None) -> None:
    """Frees ``group`` (every group, and the default one, when None)."""
    if group is GroupMember.NON_GROUP_MEMBER:
        return
    if world.default is None:
        raise AssertionError("Process group cannot be None")
    if group is not None and group is not world.default:
        _release(group)
        if group in world.groups:
            world.groups.remove(group)
        return
    for pg in reversed(world.groups):
        _release(pg)
    if world.control is not None and world.broken is None:
        world.control.Free()
    world.control = None
    world.groups = []
    world.default = None
    GroupMember.WORLD = None
    if world.previous_excepthook is not None:
        sys.excepthook = world.previous_excepthook
        world.previous_excepthook = None


_OUTPUT_GRACE_SECONDS = 0.5


def abort_job(message: str, code: int = 1) -> None:
    """Prints ``message`` and ends every rank of the MPI job (``MPI_Abort``; this MPICH may
    return from it, hence the exit after)."""
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.stderr.flush()
    sys.stdout.flush()
    # mpiexec forwards each rank's output asynchronously; aborting at once can kill the
    # forwarding before this rank's error (the reason for the abort) reaches the user.
    time.sleep(_OUTPUT_GRACE_SECONDS)
    try:
        mpi().COMM_WORLD.Abort(code)
    finally:
        os._exit(code)


def _abort_on_uncaught_exception(exc_type, exc, traceback) -> None:
    hook = world.previous_excepthook or sys.__excepthook__
    hook(exc_type, exc, traceback)
    if world.default is None:
        return
    rank = world.default.rank()
    abort_job(
        f"ferrograd.distributed: rank {rank} stopped on an uncaught {exc_type.__name__}; "
        f"aborting all {world.default.size()} ranks of the job"
    )


def mark_broken(message: str) -> DistBackendError:
    """Records that this process can no longer communicate; returns the error to raise."""
    world.broken = message
    return DistBackendError(message)


@atexit.register
def _abort_if_broken() -> None:
    if world.broken is not None:
        abort_job("ferrograd.distributed: exiting after a failed collective; aborting the job")
