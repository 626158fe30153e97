"""DistributedDataParallel's options, each checked against gradients computed without DDP:
``no_sync``, ``find_unused_parameters`` (and the error without it), ``broadcast_buffers``,
``gradient_as_bucket_view``, a weight used twice, ``module`` and the ``module.`` state_dict
prefix. Prints ``PASS rank R``."""

from __future__ import annotations

import copy

import numpy as np

import ferrograd as fg
import ferrograd.distributed as dist
from ferrograd import nn
from ferrograd.nn.parallel import DistributedDataParallel as DDP


def averaged_local_gradients(model, loss_of) -> list:
    """What DDP must produce: each rank's own gradients (zeros where a parameter got none),
    averaged over the ranks by hand."""
    local = copy.deepcopy(model)
    loss_of(local).backward()
    result = []
    for p in local.parameters():
        g = fg.zeros_like(p) if p.grad is None else p.grad.detach().clone()
        dist.all_reduce(g)
        result.append(g.numpy() / dist.get_world_size())
    return result


def close(got, expected, what: str) -> None:
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12, err_msg=what)


class Branches(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 2)
        self.b = nn.Linear(3, 2)
        self.never = nn.Linear(3, 2)

    def forward(self, x, use_b: bool):
        out = self.a(x)
        return out + self.b(x) if use_b else out


def check_wrapping(rank: int) -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    ddp = DDP(model)
    assert ddp.module is model
    assert list(ddp.state_dict()) == ["module." + k for k in model.state_dict()]
    assert sorted(n for n, _ in ddp.named_parameters()) == [
        "module.0.bias", "module.0.weight", "module.1.bias", "module.1.weight",
    ]  # fmt: skip


def check_no_sync(rank: int, size: int) -> None:
    fg.manual_seed(0)
    model = nn.Linear(4, 3).double()
    ddp = DDP(model)
    rng = np.random.default_rng(rank)
    batches = [fg.tensor(rng.standard_normal((5, 4))) for _ in range(2)]
    reference = copy.deepcopy(model)
    with ddp.no_sync():
        ddp(batches[0]).pow(2).mean().backward()
    local = model.weight.grad.clone()
    everyone = [fg.zeros_like(local) for _ in range(size)]
    dist.all_gather(everyone, local)
    assert size == 1 or not np.array_equal(everyone[0].numpy(), everyone[1].numpy())
    ddp(batches[1]).pow(2).mean().backward()

    def both(m):
        return m(batches[0]).pow(2).mean() + m(batches[1]).pow(2).mean()

    expected = averaged_local_gradients(reference, both)
    for p, e in zip(model.parameters(), expected, strict=True):
        close(p.grad.numpy(), e, "no_sync then sync")


def check_unused(rank: int, size: int) -> None:
    fg.manual_seed(1)
    model = Branches().double()
    ddp = DDP(model, find_unused_parameters=True, bucket_cap_mb=0.0001)
    x = fg.tensor(np.random.default_rng(rank).standard_normal((4, 3)))
    use_b = rank == 0  # b is used on rank 0 only; `never` nowhere
    reference = copy.deepcopy(model)
    expected = averaged_local_gradients(reference, lambda m: m(x, use_b).sum())
    ddp(x, use_b).sum().backward()
    for (name, p), e in zip(model.named_parameters(), expected, strict=True):
        if name.startswith("never"):
            assert p.grad is None, name  # used by no rank: untouched
        else:
            close(p.grad.numpy(), e, name)
    # a forward whose output is dropped (its used-parameter exchange is still in flight), then
    # another iteration: nothing is left unfinished
    ddp(x, use_b)
    ddp.zero_grad()
    ddp(x, not use_b).sum().backward()
    expected = averaged_local_gradients(reference, lambda m: m(x, not use_b).sum())
    for (name, p), e in zip(model.named_parameters(), expected, strict=True):
        if not name.startswith("never"):
            close(p.grad.numpy(), e, f"second iteration {name}")
    # without find_unused_parameters, the next forward raises on every rank
    plain = DDP(Branches().double(), bucket_cap_mb=0.0001)
    plain(x, True).sum().backward()
    try:
        plain(x, True)
    except RuntimeError as error:
        assert "Expected to have finished reduction" in str(error), error
        assert "never.weight" in str(error), error
    else:
        raise AssertionError("an unused parameter without find_unused_parameters must raise")


def check_buffers(rank: int, size: int, broadcast: bool) -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3)).double()
    ddp = DDP(model, broadcast_buffers=broadcast)
    bn = model[1]
    with fg.no_grad():
        bn.running_mean.fill_(float(rank))
    ddp.eval()  # eval: the forward reads the statistics and leaves them alone
    ddp(fg.ones(2, 2, dtype=fg.float64))
    expected = 0.0 if broadcast else float(rank)
    assert bn.running_mean.tolist() == [expected] * 3, (broadcast, bn.running_mean)


def check_bucket_view(rank: int, size: int) -> None:
    fg.manual_seed(2)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)).double()
    ddp = DDP(model, gradient_as_bucket_view=True, bucket_cap_mb=0.0001)
    x = fg.tensor(np.random.default_rng(rank).standard_normal((4, 3)))
    expected = averaged_local_gradients(model, lambda m: m(x).pow(2).sum())
    for set_to_none in (True, False, False):
        ddp.zero_grad(set_to_none=set_to_none)
        ddp(x).pow(2).sum().backward()
        arrays = [b.array for b in ddp.reducer.buckets]
        for p, e in zip(model.parameters(), expected, strict=True):
            close(p.grad.numpy(), e, "gradient_as_bucket_view")
            assert any(np.shares_memory(p.grad.numpy(), a) for a in arrays)


def check_shared_weight(rank: int, size: int) -> None:
    fg.manual_seed(3)
    layer = nn.Linear(3, 3).double()
    model = nn.Sequential(layer, nn.Tanh(), layer)  # the same weights twice
    ddp = DDP(model)
    x = fg.tensor(np.random.default_rng(rank).standard_normal((2, 3)))
    expected = averaged_local_gradients(model, lambda m: m(x).sum())
    ddp(x).sum().backward()
    for p, e in zip(model.parameters(), expected, strict=True):
        close(p.grad.numpy(), e, "shared weight")


def main() -> None:
    dist.init_process_group("mpi")
    rank, size = dist.get_rank(), dist.get_world_size()
    check_wrapping(rank)
    check_no_sync(rank, size)
    check_unused(rank, size)
    check_buffers(rank, size, broadcast=True)
    check_buffers(rank, size, broadcast=False)
    check_bucket_view(rank, size)
    check_shared_weight(rank, size)
    dist.destroy_process_group()
    print(f"PASS rank {rank}", flush=True)


if __name__ == "__main__":
    main()
