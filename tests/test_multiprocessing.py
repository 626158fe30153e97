"""ferrograd.multiprocessing and Tensor.share_memory_: one storage seen by several processes.

The cross-process tests hand over with events (never sleeps or timeouts as the check), so they
pass or fail the same way however loaded the machine is."""

import multiprocessing as std_multiprocessing
import pickle
from multiprocessing.reduction import ForkingPickler

import pytest

import ferrograd as fg
import ferrograd.multiprocessing as mp
from ferrograd import nn

START_METHODS = ["fork", "spawn"]

# ----------------------------------------------------------------------------- in one process


def test_share_memory_moves_the_storage_under_every_view():
    base = fg.arange(6.0).reshape(2, 3)
    row = base[1]  # a view made before the move
    before = base.data_ptr()
    assert not base.is_shared()
    assert base.share_memory_() is base
    assert base.data_ptr() != before
    assert base.is_shared() and row.is_shared()
    assert row.data_ptr() == base.data_ptr() + 3 * 4
    assert base.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    row.add_(10)
    assert base[1].tolist() == [13.0, 14.0, 15.0]
    base[0, 0] = -1.0
    column = base[:, 0]  # a view made after
    column.mul_(2)
    assert base.tolist() == [[-2.0, 1.0, 2.0], [26.0, 14.0, 15.0]]
    assert base.share_memory_().data_ptr() == base.data_ptr()  # moves once


def test_share_memory_of_scalars_empty_and_non_float_tensors():
    scalar = fg.tensor(2.5).share_memory_()
    assert scalar.is_shared() and scalar.item() == 2.5
    flags = fg.tensor([True, False, True]).share_memory_()
    assert flags.is_shared() and flags.tolist() == [True, False, True]
    empty = fg.zeros(0).share_memory_()
    assert not empty.is_shared() and empty.shape == (0,)


def test_in_place_updates_and_optimizers_keep_shared_parameters_shared():
    model = nn.Linear(3, 2)
    assert model.share_memory() is model
    shared = {name: p.data_ptr() for name, p in model.named_parameters()}
    assert all(p.is_shared() for p in model.parameters())
    optimizer = fg.optim.SGD(model.parameters(), lr=0.1)
    model(fg.ones(4, 3)).pow(2).sum().backward()
    optimizer.step()
    with fg.no_grad():
        model.weight.copy_(model.weight * 2)
        model.bias.zero_()
    assert {name: p.data_ptr() for name, p in model.named_parameters()} == shared
    assert all(p.is_shared() for p in model.parameters())


def test_a_shared_tensor_pickles_as_a_reference_to_its_memory():
    shared = fg.arange(4.0).share_memory_()
    leaf = nn.Parameter(fg.zeros(2)).share_memory_()
    twin, twin_leaf = pickle.loads(ForkingPickler.dumps((shared[1:3], leaf)))
    assert twin.is_shared() and twin.tolist() == [1.0, 2.0]
    assert isinstance(twin_leaf, nn.Parameter) and twin_leaf.requires_grad
    twin.fill_(7.0)
    twin_leaf.data.fill_(3.0)
    assert shared.tolist() == [0.0, 7.0, 7.0, 3.0] and leaf.tolist() == [3.0, 3.0]


def test_sharing_strategies():
    assert mp.get_sharing_strategy() == "file_descriptor"
    assert mp.get_all_sharing_strategies() == {"file_descriptor"}
    mp.set_sharing_strategy("file_descriptor")
    with pytest.raises(AssertionError, match="invalid sharing strategy 'file_system'"):
        mp.set_sharing_strategy("file_system")


def test_the_standard_module_is_reexported():
    for name in ("Process", "Queue", "Pool", "get_context", "set_start_method", "Event"):
        assert getattr(mp, name) is getattr(std_multiprocessing, name)
    assert "spawn" in mp.__all__ and "Process" in mp.__all__


# ----------------------------------------------------------------------------- across processes


def _take_turns(rank, shared, turns):
    """Rank 0 writes, rank 1 checks it and writes back, rank 0 checks that."""
    if rank == 0:
        shared[0] += 1.0
        turns[0].set()
        turns[1].wait()
        if shared[1].item() != 2.0:
            raise AssertionError(f"rank 0 saw {shared.tolist()}")
    else:
        turns[0].wait()
        if shared[0].item() != 1.0:
            raise AssertionError(f"rank 1 saw {shared.tolist()}")
        shared[1] += 2.0
        turns[1].set()


@pytest.mark.parametrize("method", START_METHODS)
def test_two_processes_see_each_others_writes(method):
    context = mp.get_context(method)
    shared = fg.zeros(3).share_memory_()
    view = shared[:2]  # the processes get a view: it still aliases the whole storage
    turns = (context.Event(), context.Event())
    workers = [context.Process(target=_take_turns, args=(r, view, turns)) for r in (0, 1)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert [w.exitcode for w in workers] == [0, 0]
    assert shared.tolist() == [1.0, 2.0, 0.0]


def _double_from_queue(inbox, done):
    tensor = inbox.get()
    tensor.mul_(2)
    done.set()


def test_a_shared_tensor_sent_through_a_queue_is_the_same_memory():
    context = mp.get_context("spawn")
    shared = fg.tensor([1.0, 2.0]).share_memory_()
    inbox, done = context.Queue(), context.Event()
    worker = context.Process(target=_double_from_queue, args=(inbox, done))
    worker.start()
    inbox.put(shared)
    done.wait()
    worker.join()
    assert worker.exitcode == 0
    assert shared.tolist() == [2.0, 4.0]


def _hogwild_train(rank, model, steps):
    fg.manual_seed(rank)
    optimizer = fg.optim.SGD(model.parameters(), lr=0.05)
    for _ in range(steps):
        x = fg.randn(16, 2)
        target = x @ fg.tensor([[2.0], [-3.0]]) + 0.5
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), target).backward()
        optimizer.step()


@pytest.mark.parametrize("method", START_METHODS)
def test_hogwild_training_of_a_shared_model(method):
    fg.manual_seed(0)
    model = nn.Linear(2, 1)
    model.share_memory()
    context = mp.get_context(method)
    workers = [context.Process(target=_hogwild_train, args=(r, model, 150)) for r in (0, 1)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert [w.exitcode for w in workers] == [0, 0]
    # The parent never trained: what it sees is the children's work on the shared parameters.
    x = fg.randn(64, 2)
    loss = nn.functional.mse_loss(model(x), x @ fg.tensor([[2.0], [-3.0]]) + 0.5)
    assert loss.item() < 1e-3
    assert model.weight.tolist()[0] == pytest.approx([2.0, -3.0], abs=0.05)


def _fill_rank(rank, shared):
    shared[rank] = rank + 1.0


def _fail_on_rank_one(rank):
    if rank == 1:
        raise ValueError("rank one cannot go on")


def _exit_with_three(rank):
    raise SystemExit(3)


def test_spawn_runs_fn_with_the_index_and_args():
    shared = fg.zeros(3).share_memory_()
    context = mp.spawn(_fill_rank, args=(shared,), nprocs=2, join=False)
    assert isinstance(context, mp.ProcessContext) and len(context.pids()) == 2
    while not context.join():
        pass
    assert context.join() is True
    assert shared.tolist() == [1.0, 2.0, 0.0]


def test_spawn_raises_the_childs_exception_in_the_parent():
    with pytest.raises(mp.ProcessRaisedException) as caught:
        mp.spawn(_fail_on_rank_one, nprocs=2)
    error = caught.value
    assert error.error_index == 1 and isinstance(error.error_pid, int)
    message = str(error)
    assert message.startswith("\n\n-- Process 1 terminated with the following error:\n")
    assert "Traceback" in message and "ValueError: rank one cannot go on" in message


def test_spawn_reports_a_child_that_exits_without_raising():
    with pytest.raises(mp.ProcessExitedException, match="process 0 terminated with exit code 3"):
        mp.spawn(_exit_with_three, nprocs=1)


def test_spawn_joins_and_warns_for_another_start_method():
    shared = fg.zeros(1).share_memory_()
    with pytest.warns(FutureWarning, match="only supports start_method=spawn"):
        assert mp.spawn(_fill_rank, args=(shared,), start_method="fork") is None
    assert shared.tolist() == [1.0]
