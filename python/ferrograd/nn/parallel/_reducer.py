"""The gradient reducer of ``DistributedDataParallel``: buckets of gradients, all-reduced while
backward is still running.

The parameters that require grad are put in buckets in reverse registration order (the order in
which backward usually produces their gradients), one dtype per bucket, each bucket holding up
to ``bucket_cap_mb`` (the first one 1 MiB, so that communication starts early), as PyTorch does.
Each bucket is one contiguous NumPy array. A post-accumulate-grad hook on every parameter copies
its gradient into its bucket slot as soon as the engine has accumulated it; when a bucket's last
gradient has arrived, the bucket is divided by the world size and its all-reduce (``SUM``,
nonblocking ``MPI_Iallreduce``) starts, buckets always starting in the same order on every rank.
The first hook of a backward pass queues a final callback (``Variable._execution_engine``) that
waits for every bucket and writes the averaged gradients back into ``.grad`` before
``backward()`` returns. With ``gradient_as_bucket_view`` the ``.grad`` of each parameter is a
view of its bucket slot: the engine accumulates straight into the bucket, and nothing is copied
back.

On a group whose CUDA backend is NCCL, the buckets of CUDA parameters are CUDA tensors instead
(``_DeviceBucket``): gradients are copied into them on the device, and each bucket, divided by
the world size, is all-reduced by NCCL (``dist.all_reduce(..., async_op=True)``, on the current
stream); the final callback waits for their events.

``find_unused_parameters``: after each forward the reducer walks the autograd graph from the
outputs; parameters it does not reach count as ready (with a zero gradient) once backward starts,
and a map of which parameters were used anywhere is all-reduced alongside, so that a parameter
no rank used keeps its ``.grad`` untouched, as in PyTorch."""

from __future__ import annotations

import time
import weakref

import numpy as np

from ... import distributed as dist
from ...distributed import _liveness
from ...distributed._checks import begin

__all__ = ["Reducer"]

FIRST_BUCKET_BYTES = 1024 * 1024

_UNFINISHED = (
    "Expected to have finished reduction in the prior iteration before starting a new one. "
    "This error indicates that your module has parameters that were not used in producing "
    "loss. You can enable unused parameter detection by passing the keyword argument "
    "`find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`, and by "
    "making sure all `forward` function outputs participate in calculating loss. Parameter "
    "indices which did not receive grad for rank {rank}: {indices}"
)


def _host(tensor) -> np.ndarray:
    """``tensor``'s elements as NumPy (its own storage on the CPU)."""
    detached = tensor.detach()
    return detached.numpy() if detached.device.type == "cpu" else detached.cpu().numpy()


def _address(array: np.ndarray) -> int:
    return array.__array_interface__["data"][0]


class _Bucket:
    """A bucket in host memory, all-reduced by MPI."""

    __slots__ = ("array", "indices", "launched", "pending", "request", "slots")

    def __init__(self, indices: list[int], params: list, dtype: np.dtype):
        self.indices = indices
        sizes = [p.numel() for p in (params[i] for i in indices)]
        self.array = np.zeros(sum(sizes), dtype=dtype)
        offsets = np.cumsum([0, *sizes])
        # each parameter's slot, shaped like it
        self.slots = {
            i: self.array[offsets[k] : offsets[k + 1]].reshape(tuple(params[i].shape))
            for k, i in enumerate(indices)
        }
        self.pending = len(indices)
        self.launched = False
        self.request = None


class _DeviceBucket:
    """A bucket of CUDA parameters on an NCCL group: one flat CUDA tensor, ``slots`` views of
    it shaped like the parameters; ``request`` is the ``Work`` of its all-reduce."""

    __slots__ = ("flat", "indices", "launched", "pending", "request", "slots")

    def __init__(self, indices: list[int], params: list):
        from ... import zeros
        from ...autograd.grad_mode import no_grad

        self.indices = indices
        first = params[indices[0]]
        sizes = [params[i].numel() for i in indices]
        with no_grad():
            self.flat = zeros(sum(sizes), dtype=first.dtype, device=first.device)
            offsets = np.cumsum([0, *sizes])
            self.slots = {
                i: self.flat[int(offsets[k]) : int(offsets[k + 1])].view(tuple(params[i].shape))
                for k, i in enumerate(indices)
            }
        self.pending = len(indices)
        self.launched = False
        self.request = None


def _same_memory(a, b) -> bool:
    """Whether the CUDA tensors ``a`` and ``b`` start at the same device address."""
    from ... import cuda
    from ...distributed._nccl import device_pointer

    return device_pointer(cuda.device_array(a)) == device_pointer(cuda.device_array(b))


def _on_nccl(pg, params: list, indices: list[int]) -> bool:
    return pg.backends.cuda == "nccl" and all(params[i].is_cuda for i in indices)


def assign_buckets(params: list, cap_bytes: int, first_cap_bytes: int) -> list[list[int]]:
    """Parameter indices per bucket: reverse order, one dtype per bucket, closed once it holds
    ``first_cap_bytes`` (the first bucket) or ``cap_bytes``."""
    buckets: list[list[int]] = []
    open_buckets: dict = {}  # dtype -> (indices, bytes)
    for i in reversed(range(len(params))):
        p = params[i]
        key = p.dtype
        indices, size = open_buckets.get(key, ([], 0))
        indices.append(i)
        size += p.numel() * p.element_size()
        limit = first_cap_bytes if not buckets else cap_bytes
        if size >= limit:
            buckets.append(indices)
            open_buckets.pop(key, None)
        else:
            open_buckets[key] = (indices, size)
    buckets.extend(indices for indices, _ in open_buckets.values())
    return buckets


class Reducer:
    def __init__(self, params: list, names: list[str], pg, cap_bytes: int,
                 find_unused_parameters: bool, gradient_as_bucket_view: bool):  # fmt: skip
        self.params = params
        self.names = names
        self.pg = pg
        self.world_size = pg.size()
        self.find_unused = find_unused_parameters
        self.as_view = gradient_as_bucket_view
        assignment = assign_buckets(params, cap_bytes, min(FIRST_BUCKET_BYTES, cap_bytes))
        self.buckets = [
            _DeviceBucket(indices, params)
            if _on_nccl(pg, params, indices)
            else _Bucket(indices, params, np.dtype(params[indices[0]].dtype.numpy))
            for indices in assignment
        ]
        self.bucket_of = {i: b for b in self.buckets for i in b.indices}
        self.grad_views = {}  # parameter index -> tensor over its bucket slot
        if gradient_as_bucket_view:
            from ... import from_numpy

            for bucket in self.buckets:
                for i, slot in bucket.slots.items():
                    device = isinstance(bucket, _DeviceBucket)
                    self.grad_views[i] = slot if device else from_numpy(slot)
        self.armed = False  # a syncing forward ran: the next backward reduces
        self.started = False  # a hook of that backward has fired
        self.next_bucket = 0
        self.unfinished: str | None = None
        self.locally_used = np.ones(len(params), dtype=np.int32)
        self.globally_used = np.ones(len(params), dtype=np.int32)
        self.used_request = None
        self.accumulate_keys: dict = {}  # AccumulateGrad node key -> parameter index
        self.handles = []
        this = weakref.ref(self)
        for i, p in enumerate(params):
            handle = p.register_post_accumulate_grad_hook(_hook(this, i))
            self.handles.append(handle)
            self.accumulate_keys[handle._node.key()] = i

    def remove_hooks(self) -> None:
        for handle in self.handles:
            handle.remove()
        self.handles = []

    # ----------------------------------------------------------------- forward

    def check_finished(self) -> None:
        if self.unfinished is not None:
            message, self.unfinished = self.unfinished, None
            raise RuntimeError(message)

    def prepare(self, outputs) -> None:
        """Called after a forward that will be followed by a syncing backward."""
        self._wait_leftovers()
        for bucket in self.buckets:
            bucket.pending = len(bucket.indices)
            bucket.launched = False
            bucket.request = None
        self.next_bucket = 0
        self.started = False
        self.armed = True
        if self.find_unused:
            self.locally_used[:] = 0
            for i in self._reachable(outputs):
                self.locally_used[i] = 1
            self.globally_used = self.locally_used.copy()
            self.used_request = self.pg.comm.Iallreduce(
                dist._mpi.mpi().IN_PLACE, self.globally_used, dist._mpi.mpi().MAX
            )

    def _reachable(self, outputs) -> set[int]:
        """The parameters the autograd graph of ``outputs`` reaches."""
        from ..._base import TensorBase

        stack, seen, found = [], set(), set()
        pending = [outputs]
        while pending:
            item = pending.pop()
            if isinstance(item, TensorBase):
                if item._grad_fn is not None:
                    stack.append(item._grad_fn)
            elif isinstance(item, dict):
                pending.extend(item.values())
            elif isinstance(item, (list, tuple)):
                pending.extend(item)
        while stack:
            node = stack.pop()
            key = node.key()
            if key in seen:
                continue
            seen.add(key)
            index = self.accumulate_keys.get(key)
            if index is not None:
                found.add(index)
                continue
            stack.extend(child for child, _ in node.next_functions if child is not None)
        return found

    def _wait_leftovers(self) -> None:
        """Completes what the previous iteration started and did not wait for (a forward
        without backward, a backward that raised): the same on every rank, and MPI must see
        each request through before its buffer is reused."""
        leftovers = [b.request for b in self.buckets if isinstance(b, _Bucket) and b.request]
        if self.used_request is not None:
            leftovers.append(self.used_request)
        for bucket in self.buckets:
            if isinstance(bucket, _DeviceBucket) and bucket.request is not None:
                bucket.request.wait()
        if leftovers:
            deadline = time.monotonic() + self.pg.timeout.total_seconds()
            _liveness.wait(leftovers, self.pg, "DistributedDataParallel leftovers", 0, deadline)
        self.used_request = None
        for bucket in self.buckets:
            bucket.request = None

    # ----------------------------------------------------------------- backward

    def grad_ready(self, index: int) -> None:
        if not self.armed:
            return
        if not self.started:
            self.started = True
            from ...autograd import Variable

            Variable._execution_engine.queue_callback(self.finalize)
            if self.find_unused:
                for i in np.flatnonzero(self.locally_used == 0):
                    self._mark_ready(int(i), None)
        self._mark_ready(index, self.params[index])
        self._progress()

    def _mark_ready(self, index: int, param) -> None:
        bucket = self.bucket_of[index]
        slot = bucket.slots[index]
        grad = None if param is None else param.grad
        if isinstance(bucket, _DeviceBucket):
            from ...autograd.grad_mode import no_grad

            with no_grad():
                if grad is None:
                    slot.zero_()
                elif not _same_memory(grad, slot):
                    slot.copy_(grad)
        elif grad is None:
            slot[...] = 0
        else:
            source = _host(grad)
            if _address(source) != _address(slot) or source.shape != slot.shape:
                np.copyto(slot, source)
        bucket.pending -= 1
        while self.next_bucket < len(self.buckets):
            nxt = self.buckets[self.next_bucket]
            if nxt.pending:
                break
            self._launch(nxt)
            self.next_bucket += 1

    def _launch(self, bucket) -> None:
        if isinstance(bucket, _DeviceBucket):
            from ...autograd.grad_mode import no_grad

            with no_grad():
                bucket.flat.div_(self.world_size)
            bucket.request = dist.all_reduce(bucket.flat, group=self.pg, async_op=True)
            bucket.launched = True
            return
        MPI = dist._mpi.mpi()
        np.divide(bucket.array, self.world_size, out=bucket.array)
        bucket.request = self.pg.comm.Iallreduce(MPI.IN_PLACE, bucket.array, MPI.SUM)
        bucket.launched = True

    def _progress(self) -> None:
        """Lets MPI move the buckets in flight along (MPI progresses only inside its calls)."""
        for bucket in self.buckets[: self.next_bucket]:
            if isinstance(bucket, _DeviceBucket):
                continue  # NCCL progresses on the device
            if bucket.request is not None and bucket.request.Test():
                bucket.request = None

    def finalize(self) -> None:
        """The final callback: waits for every bucket, then writes the gradients back."""
        self.armed = False
        sequence = begin(self.pg, "DistributedDataParallel gradient all-reduce")
        requests = [b.request for b in self.buckets if isinstance(b, _Bucket) and b.request]
        if self.used_request is not None:
            requests.append(self.used_request)
            self.used_request = None
        for bucket in self.buckets:
            if isinstance(bucket, _DeviceBucket) and bucket.request is not None:
                bucket.request.wait()
        deadline = time.monotonic() + self.pg.timeout.total_seconds()
        _liveness.wait(
            requests, self.pg, "DistributedDataParallel gradient all-reduce", sequence, deadline
        )
        missing = [i for b in self.buckets if not b.launched for i in b.indices]
        for bucket in self.buckets:
            bucket.request = None
            if bucket.launched:
                self._write_back(bucket)
        if missing:
            self.unfinished = (
                _UNFINISHED.format(rank=dist.get_rank(), indices=sorted(missing))
                + " (parameters: "
                + ", ".join(self.names[i] for i in sorted(missing))
                + ")"
            )

    def _write_back(self, bucket) -> None:
        from ...autograd.grad_mode import no_grad

        for i in bucket.indices:
            if not self.globally_used[i]:
                continue  # no rank used it: .grad stays as it was
            param, slot = self.params[i], bucket.slots[i]
            grad = param.grad
            if isinstance(bucket, _DeviceBucket):
                if self.as_view:
                    if grad is None or not _same_memory(grad, slot):
                        param.grad = slot
                elif grad is None:
                    param.grad = slot.clone()
                else:
                    with no_grad():
                        grad.copy_(slot)
            elif self.as_view:
                view = self.grad_views[i]
                if grad is None or _address(_host(grad)) != _address(slot):
                    param.grad = view
            elif grad is None:
                from ... import from_numpy

                param.grad = from_numpy(slot.copy()).to(param.device)
            elif grad.device.type == "cpu":
                np.copyto(_host(grad), slot)
            else:
                from ... import from_numpy

                with no_grad():
                    grad.copy_(from_numpy(slot))


def _hook(reducer_ref, index: int):
    def hook(_param):
        reducer = reducer_ref()
        if reducer is not None:
            reducer.grad_ready(index)

    return hook
