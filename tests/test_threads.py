"""``set_num_threads``/``get_num_threads`` and ``FERROGRAD_NUM_THREADS``: how many threads the
CPU kernels use (the pool is sized at import; the setting limits how many of its threads a
kernel keeps busy)."""

import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import ferrograd as fg

POOL = fg.get_num_threads()  # this process's pool, at the default setting


@pytest.fixture(autouse=True)
def _whole_pool():
    yield
    fg.set_num_threads(POOL)


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=120,
    )


def test_set_num_threads_sets_what_get_num_threads_reports():
    assert POOL >= 1
    fg.set_num_threads(1)
    assert fg.get_num_threads() == 1
    fg.set_num_threads(POOL)
    assert fg.get_num_threads() == POOL


def test_more_threads_than_the_pool_has_uses_the_pool_and_warns():
    with pytest.warns(UserWarning, match="FERROGRAD_NUM_THREADS"):
        fg.set_num_threads(POOL + 1)
    assert fg.get_num_threads() == POOL


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "set_num_threads expects a positive integer"),
        (-1, "set_num_threads expects a positive integer"),
        (2.0, "set_num_threads expects an int, but got float"),
        ("2", "set_num_threads expects an int, but got str"),
        (True, "set_num_threads expects an int, but got bool"),
    ],
)
def test_bad_counts_raise_as_pytorch(value, message):
    # PyTorch 2.15 raises RuntimeError with these messages.
    with pytest.raises(RuntimeError, match=message):
        fg.set_num_threads(value)
    assert fg.get_num_threads() == POOL


def test_environment_variable_sizes_the_pool():
    code = """
        import warnings
        import ferrograd as fg
        print(fg.get_num_threads())
        fg.set_num_threads(1)
        print(fg.get_num_threads())
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fg.set_num_threads(3)  # the pool has 3: no warning
        print(fg.get_num_threads())
    """
    result = _run(code, FERROGRAD_NUM_THREADS="3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "1", "3"]


def test_environment_variable_applies_when_imported_on_another_thread():
    code = """
        import threading
        counts = []
        def start():
            import ferrograd as fg
            counts.append(fg.get_num_threads())
        worker = threading.Thread(target=start)
        worker.start()
        worker.join()
        print(counts[0])
    """
    result = _run(code, FERROGRAD_NUM_THREADS="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1"]


@pytest.mark.parametrize("value", ["abc", "0", "-2"])
def test_a_bad_environment_variable_is_ignored_with_a_warning(value):
    code = """
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import ferrograd as fg
        print([str(w.message) for w in caught if w.category is RuntimeWarning])
        print(fg.get_num_threads())
    """
    result = _run(code, FERROGRAD_NUM_THREADS=value)
    assert result.returncode == 0, result.stderr
    shown, count = result.stdout.strip().splitlines()
    assert "is not a positive integer; ignored" in shown and repr(value) in shown
    assert int(count) == POOL


def _large_results() -> list[np.ndarray]:
    """Results of kernels that split their work across threads: a full sum (partial sums per
    chunk), a column sum (pairwise halves), an elementwise product and a matrix product."""
    rng = np.random.default_rng(0)
    x = fg.from_numpy(rng.standard_normal(1 << 22).astype(np.float32))
    m = fg.from_numpy(rng.standard_normal((4096, 512)).astype(np.float32))
    a = fg.from_numpy(rng.standard_normal((384, 384)).astype(np.float32))
    return [
        r.numpy()
        for r in (x.sum(), m.sum(0), x * x, a @ a @ a, (a @ a).sum(1), x.reshape(-1, 4).amax(1))
    ]


def test_results_do_not_depend_on_the_thread_count():
    default = _large_results()
    fg.set_num_threads(1)
    single = _large_results()
    for d, s in zip(default, single, strict=True):
        np.testing.assert_array_equal(d, s)


def _cpu_ticks_of_other_threads() -> int:
    """User + system clock ticks of this process's threads other than the calling one."""
    me = str(threading.get_native_id())
    total = 0
    for task in os.listdir("/proc/self/task"):
        if task == me:
            continue
        try:
            with open(f"/proc/self/task/{task}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # the thread ended meanwhile
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def _pool_ticks_over_100_products(threads: int) -> int:
    x = fg.ones(1 << 23)
    fg.set_num_threads(threads)
    before = _cpu_ticks_of_other_threads()
    for _ in range(100):
        (x * x).sum()
    return _cpu_ticks_of_other_threads() - before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/task")
def test_one_thread_keeps_the_pool_idle():
    # 100 passes over 32 MiB: a few tenths of a second of work (the product's buffer reused,
    # not faulted in again each pass), none of it on the pool's other threads.
    assert _pool_ticks_over_100_products(1) <= 2
    if POOL > 1:  # and with the whole pool, the other threads take a share
        assert _pool_ticks_over_100_products(POOL) > 2


# A forked child has only the thread that called fork, not the pool's threads: a kernel that
# handed work to them waited forever. The child now runs its kernels on one thread. The parent
# below waits for its child against a deadline and kills it, so a hang fails, never stalls.
_FORK_CODE = """
    import os, signal, sys, threading, time
    import ferrograd as fg

    x = fg.ones(1 << 21)
    assert float((x * 2).sum()) == 2.0 * (1 << 21)  # the pool has started and run a kernel

    def kernel_in_child():
        value = float((x * 3).sum())
        os._exit(0 if value == 3.0 * (1 << 21) and fg.get_num_threads() == 1 else 3)

    def fork(from_thread):
        if not from_thread:
            pid = os.fork()
            if pid == 0:
                worker = threading.Thread(target=kernel_in_child)
                worker.start()
                worker.join()
            return pid
        box = []
        def forker():
            box.append(os.fork())
            if box[0] == 0:
                kernel_in_child()
        t = threading.Thread(target=forker)
        t.start()
        t.join()
        return box[0]

    pid = fork(sys.argv[1] == "thread")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            print("exit", os.waitstatus_to_exitcode(status))
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        print("hung")
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
@pytest.mark.parametrize("forked_from", ["main", "thread"])
def test_a_forked_child_runs_large_kernels_instead_of_hanging(forked_from):
    environment = {**os.environ, "FERROGRAD_NUM_THREADS": "2"}
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", textwrap.dedent(_FORK_CODE), forked_from],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["exit", "0"]


def test_interop_threads_are_set_once_as_in_pytorch():
    # Its own process: the count can be set once per process.
    result = _run(
        """
        import os
        import ferrograd as fg
        assert fg.get_num_interop_threads() == (os.cpu_count() or 1)
        for bad, message in [
            (0, "expects a positive integer"),
            (2.0, "expects an int, but got float"),
            (True, "expects an int, but got bool"),
        ]:
            try:
                fg.set_num_interop_threads(bad)
            except RuntimeError as error:
                assert message in str(error), error
            else:
                raise AssertionError(bad)
        fg.set_num_interop_threads(3)
        assert fg.get_num_interop_threads() == 3
        try:
            fg.set_num_interop_threads(2)
        except RuntimeError as error:
            assert "cannot set number of interop threads" in str(error), error
        else:
            raise AssertionError("set twice")
        assert fg.get_num_interop_threads() == 3
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
