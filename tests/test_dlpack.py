"""Zero-copy exchange: ``__dlpack__``, ``__dlpack_device__``, ``ferrograd.from_dlpack`` and
``__cuda_array_interface__`` (CPU here; CuPy and PyTorch on a GPU, marked ``gpu``)."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
from ferrograd import cuda
from ferrograd.cuda._numpy_backend import NumpyTable
from helpers import cupy_table_or_skip


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32, np.bool_])
def test_numpy_from_dlpack_of_a_cpu_tensor(dtype):
    t = fg.tensor(np.arange(6).reshape(2, 3).astype(dtype))
    assert t.__dlpack_device__() == (1, 0)
    a = np.from_dlpack(t)
    assert a.dtype == dtype and a.shape == (2, 3)
    np.testing.assert_array_equal(a, t.numpy())


def test_cpu_export_shares_memory():
    t = fg.tensor([1.0, 2.0, 3.0])
    a = np.from_dlpack(t)
    a[0] = 7.0
    assert t.tolist() == [7.0, 2.0, 3.0]


def test_from_dlpack_of_numpy_shares_memory():
    a = np.arange(4, dtype=np.float32)
    t = fg.from_dlpack(a)
    assert t.is_cpu and t.dtype == fg.float32
    a[1] = 10.0
    assert t.tolist() == [0.0, 10.0, 2.0, 3.0]


def test_from_dlpack_round_trip_and_identity():
    t = fg.tensor([[1, 2], [3, 4]])
    assert fg.from_dlpack(t) is t
    u = fg.from_dlpack(np.from_dlpack(t))
    assert u.tolist() == [[1, 2], [3, 4]] and u.dtype == fg.int64


def test_from_dlpack_copies_non_contiguous_arrays():
    a = np.arange(6, dtype=np.float64).reshape(2, 3).T
    t = fg.from_dlpack(a)
    assert t.shape == (3, 2) and t.tolist() == a.tolist()


def test_from_dlpack_rejects_unsupported_dtypes():
    with pytest.raises(TypeError, match="uint16"):
        fg.from_dlpack(np.zeros(2, dtype=np.uint16))
    with pytest.raises(TypeError):
        fg.from_dlpack([1, 2])


def test_export_of_a_tensor_that_requires_grad_raises():
    t = fg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        np.from_dlpack(t)
    np.testing.assert_array_equal(np.from_dlpack(t.detach()), [1.0, 1.0])


def test_cuda_array_interface_is_absent_on_the_cpu():
    assert not hasattr(fg.ones(2), "__cuda_array_interface__")


# ------------------------------------------------------------------------- through the test backend


@pytest.fixture
def fake_cuda():
    table = NumpyTable()
    previous = cuda.use_backend(table)
    yield table
    cuda.use_backend(previous)


def test_device_tensor_exports_through_the_table(fake_cuda):
    t = fg.tensor([1.0, 2.0], device="cuda")
    assert t.__dlpack_device__() == (1, 0)  # the test backend's arrays live on the host
    np.testing.assert_array_equal(np.from_dlpack(t), [1.0, 2.0])
    s = fg.tensor(3.0, device="cuda")  # 0-d constants are exported as copies
    assert np.from_dlpack(s) == 3.0


def test_cuda_array_interface_delegates_to_the_table(fake_cuda):
    fake_cuda.cuda_array_interface = lambda x: {
        "shape": x.shape,
        "typestr": x.dtype.str,
        "version": 3,
    }
    t = fg.tensor([[1.0, 2.0]], device="cuda")
    assert t.__cuda_array_interface__["shape"] == (1, 2)
    with pytest.raises(AttributeError):
        NumpyTable.cuda_array_interface(fake_cuda, np.zeros(1))


def test_wrapping_backend_arrays(fake_cuda):
    a = np.arange(3, dtype=np.float64)
    t = cuda.as_tensor(a, requires_grad=True)
    assert t.is_cuda and t.requires_grad
    (t * t).sum().backward()
    assert t.grad.is_cuda and t.grad.tolist() == [0.0, 2.0, 4.0]
    assert cuda.device_array(t.detach()) is a


# ----------------------------------------------------------------------------- real GPU


@pytest.fixture
def cupy_cuda():
    table = cupy_table_or_skip()
    previous = cuda.use_backend(table)
    yield table
    cuda.use_backend(previous)


@pytest.mark.gpu
def test_cupy_exchange(cupy_cuda):
    cp = cupy_cuda.xp
    t = fg.tensor([1.0, 2.0, 3.0], device="cuda")
    assert t.__dlpack_device__() == (2, 0)
    a = cp.from_dlpack(t)
    cp.testing.assert_array_equal(a, cp.asarray([1.0, 2.0, 3.0], dtype=cp.float32))
    assert t.__cuda_array_interface__["shape"] == (3,)
    assert cp.asarray(t).data.ptr == a.data.ptr
    b = cp.arange(4, dtype=cp.float32)
    u = fg.from_dlpack(b)
    assert u.is_cuda and u.tolist() == [0.0, 1.0, 2.0, 3.0]
    b[0] = 5.0
    assert u.tolist()[0] == 5.0  # shared memory


@pytest.mark.gpu
def test_torch_exchange(cupy_cuda):
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("PyTorch without CUDA")
    t = fg.tensor([1.0, 2.0], device="cuda")
    p = torch.from_dlpack(t)
    assert p.is_cuda and p.tolist() == [1.0, 2.0]
    back = fg.from_dlpack(torch.arange(3, dtype=torch.float32, device="cuda"))
    assert back.is_cuda and back.tolist() == [0.0, 1.0, 2.0]
    host = fg.from_dlpack(torch.arange(3, dtype=torch.int64))
    assert host.is_cpu and host.tolist() == [0, 1, 2]
