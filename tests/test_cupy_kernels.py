"""The CuPy backend's vectorised elementwise kernels (``ferrograd.cuda._cupy_kernels``).

Without a GPU, the path runs against a stand-in for CuPy whose "kernels" compute with NumPy: what
is tested there is which inputs take the path and the launch geometry. The kernels themselves,
compiled by NVRTC, run in the ``gpu`` tests against NumPy's results.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from ferrograd.cuda._cupy_kernels import (
    BINARY_EXPRESSIONS,
    MAX_BLOCKS,
    THREADS,
    UNARY_EXPRESSIONS,
    FastElementwise,
)
from helpers import cupy_table_or_skip

NUMPY_OPS = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.true_divide,
    "neg": np.negative,
    "exp": np.exp,
    "tanh": np.tanh,
    "relu": lambda x: np.where(np.isnan(x), x, np.maximum(x, 0)).astype(x.dtype),
    "sigmoid": lambda x: (1 / (1 + np.exp(-x))).astype(x.dtype),
}


def reference(op, *arrays):
    with np.errstate(all="ignore"):
        return NUMPY_OPS[op](*arrays)


# ----------------------------------------------------------------------------- a stand-in for CuPy


class FakeArray(np.ndarray):
    """A NumPy array that answers ``.data.ptr`` and ``.data.device_id`` as a CuPy array does."""

    @property
    def data(self):
        return SimpleNamespace(ptr=self.ctypes.data, device_id=0)


class FakeKernel:
    def __init__(self, source, name, launches):
        assert f"void {name}(" in source
        self.op = name.split("_")[1]
        self.launches = launches

    def __call__(self, grid, block, args):
        *inputs, out, n = args
        assert int(n) == out.size
        self.launches.append((grid, block))
        out[...] = reference(self.op, *(np.asarray(a) for a in inputs))


def fake_cupy():
    launches = []
    cuda = SimpleNamespace(runtime=SimpleNamespace(getDevice=lambda: 0))
    module = SimpleNamespace(
        cuda=cuda,
        empty_like=lambda a: np.empty_like(a),
        RawKernel=lambda source, name: FakeKernel(source, name, launches),
        launches=launches,
    )
    return module


def array(values, dtype=np.float32):
    return np.ascontiguousarray(values, dtype=dtype).view(FakeArray)


@pytest.fixture
def fast():
    return FastElementwise(fake_cupy())


RNG = np.random.default_rng(3)
LARGE = FastElementwise.MIN_ELEMENTS


# ----------------------------------------------------------------------------- which inputs


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("op", sorted(BINARY_EXPRESSIONS))
def test_binary_ops_take_the_path(fast, op, dtype):
    a, b = (
        array(RNG.standard_normal(LARGE + 37), dtype),
        array(RNG.standard_normal(LARGE + 37) + 3, dtype),
    )
    out = fast.binary(a, b, op)
    assert out is not None and out.dtype == dtype and out.shape == a.shape
    np.testing.assert_allclose(
        np.asarray(out), reference(op, np.asarray(a), np.asarray(b)), rtol=1e-6
    )


@pytest.mark.parametrize("op", sorted(UNARY_EXPRESSIONS))
def test_unary_ops_take_the_path(fast, op):
    x = array(RNG.standard_normal((3, LARGE // 2)))
    out = fast.unary(x, op)
    assert out is not None and out.shape == x.shape
    np.testing.assert_allclose(np.asarray(out), reference(op, np.asarray(x)), rtol=1e-6)


def test_other_inputs_are_left_to_the_ufuncs(fast):
    small = array(RNG.standard_normal(LARGE - 1))
    assert fast.binary(small, small, "add") is None  # the launch cost dominates: ufunc
    a = array(RNG.standard_normal((4, LARGE // 4)))
    assert fast.binary(a, array(RNG.standard_normal(LARGE // 4)), "add") is None  # broadcasting
    assert (
        fast.binary(a, array(RNG.standard_normal(a.shape), np.float64), "add") is None
    )  # mixed dtypes
    ints = array(np.arange(LARGE), np.int64)
    assert fast.binary(ints, ints, "add") is None  # integers
    assert fast.binary(a, a, "pow") is None  # an op without a kernel
    assert fast.unary(a.T, "neg") is None  # not C-contiguous
    flat = array(RNG.standard_normal(LARGE + 8))
    assert fast.unary(flat[1:], "neg") is None  # 4 bytes past an aligned address
    assert fast.unary(flat[4:], "neg") is not None  # 16 bytes past: aligned


def test_launch_geometry(fast):
    grid = MAX_BLOCKS * THREADS * 4  # elements one launch covers before the loop strides
    for n, blocks in [
        (LARGE, LARGE // 1024),
        (LARGE + 1, LARGE // 1024 + 1),
        (grid, MAX_BLOCKS),
        (grid + 1, MAX_BLOCKS),
    ]:
        x = array(np.zeros(n))
        fast.unary(x, "neg")
        assert fast.cupy.launches[-1] == ((blocks,), (THREADS,))


# ----------------------------------------------------------------------------- on a GPU


@pytest.fixture
def cupy_fast():
    table = cupy_table_or_skip()
    return table._fast, table.xp


# Sizes around the 16-byte packs, and past one grid of 4096 x 256 threads x 4 elements.
SIZES = [LARGE, LARGE + 1, LARGE + 3, LARGE + 5, MAX_BLOCKS * THREADS * 4 + 7]


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_compiled_kernels_match_numpy(cupy_fast, dtype):
    fast, cupy = cupy_fast
    for n in SIZES:
        x = RNG.standard_normal(n).astype(dtype)
        y = (RNG.standard_normal(n) + 3).astype(dtype)
        gx, gy = cupy.asarray(x), cupy.asarray(y)
        for op in BINARY_EXPRESSIONS:
            out = fast.binary(gx, gy, op)
            assert out is not None
            np.testing.assert_allclose(
                cupy.asnumpy(out), reference(op, x, y), rtol=1e-6, err_msg=f"{op} n={n}"
            )
        for op in UNARY_EXPRESSIONS:
            out = fast.unary(gx, op)
            assert out is not None
            np.testing.assert_allclose(
                cupy.asnumpy(out), reference(op, x), rtol=2e-6, atol=1e-7, err_msg=f"{op} n={n}"
            )
