"""``DistributedDataParallel``: data-parallel training over the ranks of a process group.

Every rank holds a whole copy of the model and runs it on its own part of the batch; backward
averages the gradients over the ranks (see ``_reducer``: gradient buckets all-reduced while
backward runs), so that every rank takes the same optimizer step."""

from __future__ import annotations

import contextlib
import hashlib
import json

import numpy as np

from ... import distributed as dist
from ...autograd.grad_mode import is_grad_enabled, no_grad
from ...distributed._group import resolve
from ..modules.module import Module
from ._reducer import Reducer

__all__ = ["DistributedDataParallel"]

_DEFAULT_BUCKET_CAP_MB = 25


def _describe(module) -> list:
    return [
        [name, list(p.shape), str(p.dtype).rsplit(".", 1)[-1]]
        for name, p in module.named_parameters()
    ]


def _verify_same_model(module, pg) -> None:
    """Every rank must hold the same parameters (names, shapes, dtypes): a digest is all-gathered
    and compared; when they differ every rank gathers the descriptions and raises the same
    ``RuntimeError`` saying where they differ."""
    description = _describe(module)
    digest = hashlib.blake2b(json.dumps(description).encode(), digest_size=16).digest()
    mine = np.frombuffer(digest, dtype=np.int64).copy()
    from ... import from_numpy

    # a group without a CPU backend (pure NCCL) exchanges the digest on the model's device
    device = "cpu" if pg.backends.cpu is not None else next(module.parameters()).device
    everyone = from_numpy(np.zeros((pg.size(), 2), dtype=np.int64)).to(device)
    dist.all_gather_into_tensor(everyone, from_numpy(mine).to(device), group=pg)
    table = everyone.cpu().numpy()
    if (table == table[0]).all():
        return
    descriptions = [None] * pg.size()
    dist.all_gather_object(descriptions, description, group=pg)
    reference = descriptions[0]
    for rank, other in enumerate(descriptions[1:], start=1):
        if other == reference:
            continue
        if len(other) != len(reference):
            detail = f"rank 0 has {len(reference)} parameters, rank {rank} has {len(other)}"
        else:
            k = next(k for k in range(len(other)) if other[k] != reference[k])

            def show(entry):
                return f"'{entry[0]}' {entry[2]}{entry[1]}"

            detail = (
                f"parameter {k}: rank 0 has {show(reference[k])}, rank {rank} has {show(other[k])}"
            )
        raise RuntimeError(
            "DistributedDataParallel expects the same model (parameter names, shapes and "
            f"dtypes) on every rank, but rank {rank} differs from rank 0: {detail}"
        )


def _broadcast_on_device(group: list, pg) -> None:
    """One NCCL broadcast of the CUDA tensors ``group`` (one dtype and device), concatenated
    on the device."""
    from ... import cat

    with no_grad():
        flat = cat([t.detach().reshape(-1) for t in group])
    dist.broadcast(flat, src=pg.global_rank(0), group=pg)
    offset = 0
    with no_grad():
        for t in group:
            n = t.numel()
            t.copy_(flat[offset : offset + n].view(tuple(t.shape)))
            offset += n


def _broadcast_coalesced(tensors: list, pg) -> None:
    """Copies rank 0's values of ``tensors`` to every rank: one broadcast per dtype (and per
    device for the CUDA tensors that NCCL broadcasts)."""
    from ... import from_numpy

    by_dtype: dict = {}
    for t in tensors:
        on_device = t.is_cuda and pg.backends.cuda == "nccl"
        by_dtype.setdefault((t.dtype, t.device if on_device else None), []).append(t)
    for (dtype, device), group in by_dtype.items():
        if device is not None:
            _broadcast_on_device(group, pg)
            continue
        flat = np.concatenate([t.detach().cpu().numpy().reshape(-1) for t in group])
        dist.broadcast(from_numpy(flat), src=pg.global_rank(0), group=pg)
        offset = 0
        with no_grad():
            for t in group:
                n = t.numel()
                values = flat[offset : offset + n].reshape(tuple(t.shape))
                offset += n
                if t.device.type == "cpu":
                    np.copyto(t.detach().numpy(), values)
                else:
                    t.copy_(from_numpy(values))
        del dtype


class DistributedDataParallel(Module):
    """Wraps ``module`` for data-parallel training: construction copies rank 0's parameters
    and buffers to every rank; each backward averages the gradients across the ranks
    (all-reduced in buckets of ``bucket_cap_mb`` while backward runs) before it returns.

    ``no_sync()``: backward passes inside it only accumulate local gradients (the next syncing
    backward averages the sum). ``find_unused_parameters``: allow parameters that some forward
    passes do not use. ``broadcast_buffers``: copy rank 0's buffers (e.g. batch-norm statistics)
    to every rank at the start of each forward. ``gradient_as_bucket_view``: gradients live in
    the communication buckets (no copy back). ``static_graph`` is accepted and handled like
    ``find_unused_parameters``. The wrapped model is ``.module``; ``state_dict`` keys have
    PyTorch's ``module.`` prefix."""

    def __init__(
        self,
        module,
        device_ids=None,
        output_device=None,
        dim: int = 0,
        broadcast_buffers: bool = True,
        init_sync: bool = True,
        process_group=None,
        bucket_cap_mb=None,
        find_unused_parameters: bool = False,
        check_reduction: bool = False,
        gradient_as_bucket_view: bool = False,
        static_graph: bool = False,
        delay_all_reduce_named_params=None,
        param_to_hook_all_reduce=None,
        mixed_precision=None,
        device_mesh=None,
    ):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"module must be an nn.Module, got {type(module).__name__}")
        for name, value in (
            ("delay_all_reduce_named_params", delay_all_reduce_named_params),
            ("param_to_hook_all_reduce", param_to_hook_all_reduce),
            ("mixed_precision", mixed_precision),
            ("device_mesh", device_mesh),
        ):
            if value is not None:
                raise NotImplementedError(
                    f"DistributedDataParallel({name}=...) is not supported by ferrograd"
                )
        devices = {p.device for p in module.parameters()}
        if device_ids and all(d.type == "cpu" for d in devices):
            raise ValueError(
                "DistributedDataParallel device_ids and output_device arguments only work with "
                "single-device/multiple-device GPU modules or CPU modules, but got device_ids "
                f"{device_ids}, output_device {output_device}, and module parameters {devices}."
            )
        pg = resolve(process_group, "DistributedDataParallel")
        if pg is None:
            raise ValueError("DistributedDataParallel: this rank is not in process_group")
        named = [(n, p) for n, p in module.named_parameters() if p.requires_grad]
        if not named:
            raise RuntimeError(
                "DistributedDataParallel is not needed when a module doesn't have any parameter "
                "that requires a gradient."
            )
        self.module = module
        self.process_group = pg
        self.device_ids = device_ids
        self.output_device = output_device
        self.dim = dim
        self.broadcast_buffers = bool(broadcast_buffers)
        self.find_unused_parameters = bool(find_unused_parameters or static_graph)
        self.static_graph = bool(static_graph)
        self.gradient_as_bucket_view = bool(gradient_as_bucket_view)
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        cap_mb = _DEFAULT_BUCKET_CAP_MB if bucket_cap_mb is None else bucket_cap_mb
        if cap_mb <= 0:
            raise ValueError(f"bucket_cap_mb must be positive, got {bucket_cap_mb}")
        self.bucket_bytes_cap = int(cap_mb * 1024 * 1024)
        _verify_same_model(module, pg)
        if init_sync:
            state = [*module.parameters(), *module.buffers()]
            _broadcast_coalesced(state, pg)
        self.reducer = Reducer(
            [p for _, p in named],
            [n for n, _ in named],
            pg,
            self.bucket_bytes_cap,
            self.find_unused_parameters,
            self.gradient_as_bucket_view,
        )

    def forward(self, *inputs, **kwargs):
        reducer = self.reducer
        reducer.check_finished()
        buffers = list(self.module.buffers())
        if self.broadcast_buffers and buffers and self.require_forward_param_sync:
            _broadcast_coalesced(buffers, self.process_group)
        outputs = self.module(*inputs, **kwargs)
        syncing = is_grad_enabled() and self.require_backward_grad_sync
        if syncing:
            reducer.prepare(outputs)
        self.require_forward_param_sync = syncing
        return outputs

    @contextlib.contextmanager
    def no_sync(self):
        """Backward passes of forwards run inside this block do not average gradients; they
        accumulate in ``.grad`` until the first syncing backward after it."""
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous

    def register_comm_hook(self, state, hook):
        raise NotImplementedError(
            "DistributedDataParallel.register_comm_hook is not supported by ferrograd"
        )

    def join(self, *args, **kwargs):
        raise NotImplementedError(
            "DistributedDataParallel.join (uneven inputs) is not supported by ferrograd"
        )

    def __del__(self):
        reducer = self.__dict__.get("reducer")
        if reducer is not None:
            reducer.remove_hooks()
