"""Constants for device tensors are made on the device: the engine's constants (a backward's
seed, a rule's zeros, a scan's edge, `max(dim)`'s positions, mean's count), Python-number
operands and the creation functions with ``device=`` ask the backend's ``full`` and ``arange``
kernels instead of filling host memory and copying it over.

Each test counts the backend's host-to-device copies (its ``to_device`` calls, cached 0-d
constants included) while it runs and expects none, and checks the values against the same code
on the CPU. They run on the NumPy-backed test backend and, marked ``gpu``, on CuPy.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.autograd.forward_ad as fwAD
from ferrograd import cuda, nn
from ferrograd.cuda._numpy_backend import NumpyTable
from helpers import cupy_table_or_skip


@pytest.fixture(params=["numpy", pytest.param("cupy", marks=pytest.mark.gpu)])
def table(request):
    table = NumpyTable() if request.param == "numpy" else cupy_table_or_skip()
    previous = cuda.use_backend(table)
    yield table
    cuda.use_backend(previous)


@contextlib.contextmanager
def no_uploads(table, device="cuda"):
    """Fails when anything inside is copied from the host to the device (on the CPU, just
    runs it)."""
    if device == "cpu":
        yield
        return
    uploads = []
    upload = table.to_device

    def counted(host, index):
        uploads.append(host.shape)
        return upload(host, index)

    table.to_device = counted
    try:
        yield
    finally:
        del table.to_device
    assert not uploads, f"host-to-device copies of shapes {uploads}"


def host(t) -> np.ndarray:
    return t.detach().cpu().numpy()


def on(device, values, requires_grad=False):
    return fg.tensor(values, device=device, requires_grad=requires_grad)


RNG = np.random.default_rng(3)
X = RNG.standard_normal((5, 4)).astype(np.float32)


def run_on_both(f):
    """``f(device)`` on the CPU and on the device: the results are equal."""
    expected, got = f("cpu"), f("cuda")
    for e, g in zip(expected, got, strict=True):
        assert g.is_cuda and g.dtype == e.dtype and g.shape == e.shape
        np.testing.assert_allclose(host(g), host(e), rtol=1e-6, atol=1e-6)


def test_a_small_model_trains_a_step_without_uploads(table):
    def step(device):
        fg.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).to(device)
        x, target = on(device, X), on(device, [0, 2, 1, 1, 0])
        with no_uploads(table, device):
            logits = model(x)
            loss = nn.functional.cross_entropy(logits, target) + (logits**2).mean() * 0.1
            loss.backward()
        return [loss, *(p.grad for p in model.parameters())]

    expected, got = step("cpu"), step("cuda")
    for e, g in zip(expected, got, strict=True):
        assert g.is_cuda
        np.testing.assert_allclose(host(g), host(e), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("scan", ["cumprod", "cummax", "cummin", "logcumsumexp"])
def test_scan_backward_makes_its_edges_on_the_device(table, scan):
    def f(device):
        x = on(device, X, requires_grad=True)
        with no_uploads(table, device):
            out = getattr(x, scan)(1)
            out = out[0] if isinstance(out, tuple) else out
            out.backward(fg.ones_like(out))
        return [out, x.grad]

    run_on_both(f)


@pytest.mark.parametrize("extreme", ["max", "min"])
def test_max_dim_backward_makes_its_positions_on_the_device(table, extreme):
    def f(device):
        x = on(device, X, requires_grad=True)
        with no_uploads(table, device):
            values, _ = getattr(x, extreme)(1)
            values.sum().backward()
        return [values, x.grad]

    run_on_both(f)


def test_python_numbers_are_made_on_the_device(table):
    def f(device):
        y = on(device, [1.0, 2.0, 4.0])
        n = on(device, [1, 2, 4])
        with no_uploads(table, device):
            return [
                y + 2.0,
                2 * y,
                1 - y,
                y / 3,
                y**2,
                2**y,
                y > 1,
                n * 3,
                n + True,
                y.clamp(1.5, 3),
            ]

    run_on_both(f)


def test_creation_functions_make_their_values_on_the_device(table):
    def f(device):
        with no_uploads(table, device):
            return [
                fg.zeros(2, 3, device=device),
                fg.ones(4, dtype=fg.int32, device=device),
                fg.full((2, 2), 2.5, device=device),
                fg.full((), 7, device=device),
                fg.full((3,), True, device=device),
                fg.full((2,), 2**62 + 1, device=device),
                fg.empty(3, device=device),
                fg.arange(5, device=device),
                fg.arange(2**62, 2**62 + 3, device=device),
                fg.arange(1, 2.5, 0.5, device=device),
                fg.arange(0.1, 1.0, 0.1, dtype=fg.float32, device=device),
                fg.arange(-3, 4, 2, dtype=fg.float64, device=device),
            ]

    run_on_both(f)


def test_like_functions_make_their_values_on_the_device(table):
    def f(device):
        x = on(device, X)
        with no_uploads(table, device):
            return [
                fg.zeros_like(x),
                fg.ones_like(x),
                fg.empty_like(x),
                fg.full_like(x, -1.5),
                fg.full_like(x, 3, dtype=fg.int64),
            ]

    run_on_both(f)


def test_fill_and_zero_run_on_the_device(table):
    def f(device):
        x = on(device, X)
        w = on(device, X, requires_grad=True)
        with no_uploads(table, device):
            x.fill_(0.25)
            y = w * 1.0
            y.zero_()
            y.sum().backward()
        return [x, y, w.grad]

    run_on_both(f)


def test_forward_mode_makes_its_constants_on_the_device(table):
    def f(device):
        x, v = on(device, X), on(device, np.ones_like(X))
        with no_uploads(table, device), fwAD.dual_level():
            out = fwAD.make_dual(x, v).relu().exp().max(1).values
            return list(fwAD.unpack_dual(out))

    run_on_both(f)


def test_the_device_fill_is_exact_in_every_dtype(table):
    # Values a float64 detour would change: large int64s and float32 roundings.
    for dtype, value in [
        (fg.int64, 2**62 + 1),
        (fg.int64, -(2**63)),
        (fg.float32, 0.1),
        (fg.float16, 1 / 3),
        (fg.uint8, 255),
        (fg.bool, True),
    ]:
        with no_uploads(table):
            got = fg.full((3,), value, dtype=dtype, device="cuda")
        assert got.cpu().tolist() == fg.full((3,), value, dtype=dtype).tolist()


def test_a_device_without_creation_kernels_still_gets_its_constants():
    # A backend may leave out any kernel: the host makes the values and copies them over.
    class Partial(NumpyTable):
        def full(self, **kwargs):
            return None

        def arange(self, **kwargs):
            return None

    previous = cuda.use_backend(Partial())
    try:
        y = fg.arange(4, device="cuda") * 2
        assert y.is_cuda and y.tolist() == [0, 2, 4, 6]
        assert fg.zeros(2, device="cuda").tolist() == [0.0, 0.0]
    finally:
        cuda.use_backend(previous)
