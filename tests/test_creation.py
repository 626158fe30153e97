"""Tensor creation, attributes and conversions (PyTorch semantics)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
from helpers import T, assert_close, assert_equal, to_np

# ----------------------------------------------------------------------------- tensor()


class TestTensorConstructor:
    def test_python_float_scalar_is_0d_float32(self):
        t = fg.tensor(1.5)
        assert t.dtype == fg.float32
        assert t.shape == ()
        assert t.ndim == 0
        assert t.dim() == 0
        assert t.numel() == 1
        assert t.item() == 1.5

    def test_python_int_scalar_is_int64(self):
        t = fg.tensor(7)
        assert t.dtype == fg.int64
        assert t.item() == 7
        assert isinstance(t.item(), int)

    def test_python_bool_scalar_is_bool(self):
        t = fg.tensor(True)
        assert t.dtype == fg.bool
        assert t.item() is True

    def test_nested_list_shape(self):
        t = fg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        assert t.shape == (2, 3)
        assert t.dtype == fg.float32
        assert t.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]

    def test_int_list_is_int64(self):
        t = fg.tensor([1, 2, 3])
        assert t.dtype == fg.int64
        assert t.tolist() == [1, 2, 3]

    def test_mixed_int_float_list_is_float32(self):
        t = fg.tensor([1, 2.5, 3])
        assert t.dtype == fg.float32
        assert t.tolist() == [1.0, 2.5, 3.0]

    def test_bool_list_is_bool(self):
        t = fg.tensor([True, False, True])
        assert t.dtype == fg.bool
        assert t.tolist() == [True, False, True]

    def test_mixed_bool_int_list_is_int64(self):
        t = fg.tensor([True, 2])
        assert t.dtype == fg.int64
        assert t.tolist() == [1, 2]

    def test_tuple_input(self):
        t = fg.tensor((1.0, 2.0))
        assert t.shape == (2,)

    def test_3d_nested(self):
        data = [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]]
        t = fg.tensor(data)
        assert t.shape == (3, 2, 2)
        assert t.tolist() == data

    def test_empty_list(self):
        t = fg.tensor([])
        assert t.shape == (0,)
        assert t.numel() == 0
        assert t.dtype == fg.float32

    @pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "bool"])
    def test_explicit_dtype(self, dtype):
        dt = getattr(fg, dtype)
        t = fg.tensor([0, 1, 2], dtype=dt)
        assert t.dtype == dt
        if dtype == "bool":
            assert t.tolist() == [False, True, True]
        else:
            assert t.tolist() == [0, 1, 2]

    def test_float_to_int_dtype_truncates_toward_zero(self):
        t = fg.tensor([-1.7, 1.7, 2.2], dtype=fg.int64)
        assert t.tolist() == [-1, 1, 2]

    def test_float64_keeps_precision(self):
        t = fg.tensor([0.1], dtype=fg.float64)
        assert t.tolist() == [0.1]
        t32 = fg.tensor([0.1])
        assert t32.tolist() != [0.1]
        assert t32.tolist()[0] == pytest.approx(0.1, rel=1e-6)

    def test_requires_grad_flag(self):
        t = fg.tensor([1.0, 2.0], requires_grad=True)
        assert t.requires_grad
        assert t.is_leaf
        assert t.grad is None
        assert t.grad_fn is None

    def test_default_does_not_require_grad(self):
        t = fg.tensor([1.0, 2.0])
        assert not t.requires_grad
        assert t.is_leaf

    @pytest.mark.parametrize(
        "np_dtype, fg_name",
        [
            (np.float32, "float32"),
            (np.float64, "float64"),
            (np.int64, "int64"),
            (np.int32, "int32"),
            (np.bool_, "bool"),
        ],
    )
    def test_from_numpy_array_keeps_dtype(self, np_dtype, fg_name):
        a = np.array([[1, 0, 3], [4, 5, 0]]).astype(np_dtype)
        t = fg.tensor(a)
        assert t.dtype == getattr(fg, fg_name)
        assert t.shape == (2, 3)
        np.testing.assert_array_equal(t.numpy(), a)

    def test_tensor_copies_numpy_data(self):
        a = np.array([1.0, 2.0])
        t = fg.tensor(a)
        a[0] = 100.0
        assert t.tolist() == [1.0, 2.0]

    def test_from_tensor_of_noncontiguous_numpy(self):
        a = np.arange(12, dtype=np.float64).reshape(3, 4).T
        t = fg.tensor(a)
        assert t.shape == (4, 3)
        np.testing.assert_array_equal(t.numpy(), a)


class TestFromNumpy:
    @pytest.mark.parametrize(
        "np_dtype, fg_name",
        [
            (np.float32, "float32"),
            (np.float64, "float64"),
            (np.int64, "int64"),
            (np.int32, "int32"),
            (np.bool_, "bool"),
        ],
    )
    def test_dtype_and_values(self, np_dtype, fg_name):
        a = (np.arange(6).reshape(2, 3) % 4).astype(np_dtype)
        t = fg.from_numpy(a)
        assert t.dtype == getattr(fg, fg_name)
        assert t.shape == (2, 3)
        np.testing.assert_array_equal(t.numpy(), a)
        assert not t.requires_grad

    def test_0d(self):
        t = fg.from_numpy(np.array(3.5))
        assert t.shape == ()
        assert t.item() == 3.5


# ----------------------------------------------------------------------------- factories


class TestFactories:
    @pytest.mark.parametrize("factory, value", [("zeros", 0.0), ("ones", 1.0)])
    def test_zeros_ones_tuple_and_varargs(self, factory, value):
        f = getattr(fg, factory)
        a = f((2, 3))
        b = f(2, 3)
        for t in (a, b):
            assert t.shape == (2, 3)
            assert t.dtype == fg.float32
            assert_equal(t, np.full((2, 3), value, dtype=np.float32))

    def test_zeros_list_size(self):
        assert fg.zeros([4, 1]).shape == (4, 1)

    def test_zeros_0d_and_empty(self):
        assert fg.zeros(()).shape == ()
        assert fg.zeros(()).item() == 0.0
        z = fg.zeros(0, 3)
        assert z.shape == (0, 3)
        assert z.numel() == 0

    @pytest.mark.parametrize("dtype", ["float64", "int64", "int32", "bool"])
    def test_zeros_ones_dtype(self, dtype):
        dt = getattr(fg, dtype)
        z = fg.zeros(3, dtype=dt)
        o = fg.ones(3, dtype=dt)
        assert z.dtype == dt and o.dtype == dt
        assert to_np(z).tolist() == [0, 0, 0]
        assert to_np(o).tolist() == [1, 1, 1]

    def test_requires_grad_kwarg(self):
        z = fg.zeros(2, 2, requires_grad=True)
        assert z.requires_grad and z.is_leaf

    def test_full(self):
        t = fg.full((2, 2), 3.5)
        assert t.dtype == fg.float32
        assert_equal(t, np.full((2, 2), 3.5, dtype=np.float32))

    def test_full_infers_int_and_bool(self):
        assert fg.full((2,), 3).dtype == fg.int64
        assert fg.full((2,), 3).tolist() == [3, 3]
        assert fg.full((2,), True).dtype == fg.bool

    def test_full_dtype(self):
        t = fg.full((3,), 2, dtype=fg.float64)
        assert t.dtype == fg.float64
        assert t.tolist() == [2.0, 2.0, 2.0]

    def test_empty(self):
        t = fg.empty(2, 3)
        assert t.shape == (2, 3)
        assert t.dtype == fg.float32
        t2 = fg.empty((4,), dtype=fg.int64)
        assert t2.shape == (4,) and t2.dtype == fg.int64

    def test_arange_int(self):
        t = fg.arange(5)
        assert t.dtype == fg.int64
        assert t.tolist() == [0, 1, 2, 3, 4]

    def test_arange_start_end_step(self):
        assert fg.arange(1, 10, 3).tolist() == [1, 4, 7]
        assert fg.arange(5, 0, -2).tolist() == [5, 3, 1]
        assert fg.arange(2, 2).shape == (0,)

    def test_arange_float(self):
        t = fg.arange(0, 1, 0.25)
        assert t.dtype == fg.float32
        assert t.tolist() == [0.0, 0.25, 0.5, 0.75]
        assert fg.arange(3.0).dtype == fg.float32

    def test_arange_dtype(self):
        t = fg.arange(4, dtype=fg.float64)
        assert t.dtype == fg.float64
        assert t.tolist() == [0.0, 1.0, 2.0, 3.0]

    def test_linspace(self):
        t = fg.linspace(0, 1, 5)
        assert t.dtype == fg.float32
        assert_close(t, [0.0, 0.25, 0.5, 0.75, 1.0])
        assert_close(fg.linspace(-1, 1, 3), [-1.0, 0.0, 1.0])
        assert fg.linspace(2, 3, 1).tolist() == [2.0]

    def test_linspace_many(self):
        t = fg.linspace(-math.pi, math.pi, 2000)
        assert t.shape == (2000,)
        assert_close(
            t, np.linspace(-math.pi, math.pi, 2000).astype(np.float32), rtol=1e-5, atol=1e-5
        )

    def test_eye(self):
        assert_equal(fg.eye(3), np.eye(3, dtype=np.float32))
        assert_equal(fg.eye(2, 3), np.eye(2, 3, dtype=np.float32))
        assert fg.eye(2, dtype=fg.float64).dtype == fg.float64


class TestRandom:
    def test_rand_shape_range_dtype(self):
        t = fg.rand(100, 50)
        assert t.shape == (100, 50)
        assert t.dtype == fg.float32
        a = to_np(t)
        assert a.min() >= 0.0 and a.max() < 1.0
        assert 0.45 < a.mean() < 0.55
        assert fg.rand((3, 2)).shape == (3, 2)

    def test_randn_stats(self):
        a = to_np(fg.randn(20000))
        assert abs(a.mean()) < 0.05
        assert 0.95 < a.std() < 1.05
        assert fg.randn(2, 3).shape == (2, 3)
        assert fg.randn((2, 3), dtype=fg.float64).dtype == fg.float64

    def test_randint(self):
        t = fg.randint(0, 10, (1000,))
        assert t.dtype == fg.int64
        a = to_np(t)
        assert a.min() >= 0 and a.max() <= 9
        assert len(np.unique(a)) == 10
        t2 = fg.randint(3, (5, 2))
        assert t2.shape == (5, 2)
        assert to_np(t2).max() < 3 and to_np(t2).min() >= 0

    def test_randint_low_high(self):
        a = to_np(fg.randint(-5, -2, (500,)))
        assert set(np.unique(a).tolist()) == {-5, -4, -3}

    def test_manual_seed_reproducible(self):
        fg.manual_seed(1234)
        a = to_np(fg.rand(10))
        b = to_np(fg.randn(10))
        c = to_np(fg.randint(0, 100, (10,)))
        fg.manual_seed(1234)
        np.testing.assert_array_equal(to_np(fg.rand(10)), a)
        np.testing.assert_array_equal(to_np(fg.randn(10)), b)
        np.testing.assert_array_equal(to_np(fg.randint(0, 100, (10,))), c)

    def test_different_draws_differ(self):
        fg.manual_seed(0)
        a = to_np(fg.rand(10))
        b = to_np(fg.rand(10))
        assert not np.array_equal(a, b)
        fg.manual_seed(1)
        c = to_np(fg.rand(10))
        assert not np.array_equal(a, c)

    def test_random_requires_grad(self):
        t = fg.randn(3, requires_grad=True)
        assert t.requires_grad and t.is_leaf


class TestLikeFactories:
    def test_zeros_ones_full_like(self):
        x = fg.tensor([[1.0, 2.0, 3.0]], dtype=fg.float64)
        z = fg.zeros_like(x)
        o = fg.ones_like(x)
        f = fg.full_like(x, 7)
        for t, v in ((z, 0.0), (o, 1.0), (f, 7.0)):
            assert t.shape == (1, 3)
            assert t.dtype == fg.float64
            assert t.tolist() == [[v, v, v]]

    def test_like_keeps_int_dtype(self):
        x = fg.tensor([1, 2], dtype=fg.int32)
        assert fg.ones_like(x).dtype == fg.int32
        assert fg.ones_like(x).tolist() == [1, 1]
        assert fg.empty_like(x).dtype == fg.int32
        assert fg.empty_like(x).shape == (2,)

    def test_like_dtype_override(self):
        x = fg.tensor([1, 2])
        t = fg.zeros_like(x, dtype=fg.float32)
        assert t.dtype == fg.float32

    def test_like_does_not_inherit_requires_grad(self):
        x = fg.tensor([1.0, 2.0], requires_grad=True)
        assert not fg.zeros_like(x).requires_grad
        assert fg.ones_like(x, requires_grad=True).requires_grad

    def test_rand_like_randn_like(self):
        x = fg.zeros(4, 5, dtype=fg.float64)
        r = fg.rand_like(x)
        n = fg.randn_like(x)
        assert r.shape == (4, 5) and n.shape == (4, 5)
        assert r.dtype == fg.float64 and n.dtype == fg.float64
        a = to_np(r)
        assert a.min() >= 0 and a.max() < 1


# ----------------------------------------------------------------------------- attributes


class TestAttributes:
    def test_shape_is_size_tuple(self):
        t = fg.zeros(2, 3, 4)
        assert isinstance(t.shape, fg.Size)
        assert isinstance(t.shape, tuple)
        assert t.shape == (2, 3, 4)
        assert t.shape[1] == 3
        assert list(t.shape) == [2, 3, 4]
        assert len(t.shape) == 3

    def test_size_method(self):
        t = fg.zeros(2, 3, 4)
        assert t.size() == (2, 3, 4)
        assert isinstance(t.size(), fg.Size)
        assert t.size(0) == 2
        assert t.size(-1) == 4
        assert t.size(dim=1) == 3

    def test_ndim_dim_numel(self):
        t = fg.zeros(2, 3, 4)
        assert t.ndim == 3 and t.dim() == 3
        assert t.numel() == 24

    def test_device(self):
        t = fg.zeros(2)
        assert str(t.device) == "cpu"

    def test_size_of_scalar(self):
        t = fg.tensor(2.0)
        assert t.shape == () and t.size() == ()
        assert t.numel() == 1


# ----------------------------------------------------------------------------- conversions


class TestConversions:
    def test_numpy_roundtrip(self):
        a = np.array([[1.5, -2.0], [3.0, 4.25]], dtype=np.float32)
        t = T(a)
        out = t.numpy()
        assert isinstance(out, np.ndarray)
        assert out.dtype == np.float32
        np.testing.assert_array_equal(out, a)

    @pytest.mark.parametrize(
        "fg_name, np_dtype",
        [
            ("float32", np.float32),
            ("float64", np.float64),
            ("int64", np.int64),
            ("int32", np.int32),
            ("bool", np.bool_),
        ],
    )
    def test_numpy_dtype(self, fg_name, np_dtype):
        t = fg.zeros(3, dtype=getattr(fg, fg_name))
        assert t.numpy().dtype == np_dtype

    def test_numpy_raises_when_requires_grad(self):
        t = fg.tensor([1.0], requires_grad=True)
        with pytest.raises(
            RuntimeError,
            match=r"Can't call numpy\(\) on Tensor that requires "
            r"grad",
        ):
            t.numpy()
        np.testing.assert_array_equal(t.detach().numpy(), [1.0])

    def test_array_protocol(self):
        t = fg.tensor([[1, 2], [3, 4]])
        a = np.asarray(t)
        np.testing.assert_array_equal(a, [[1, 2], [3, 4]])
        assert np.array(fg.tensor([1.0], dtype=fg.float64)).dtype == np.float64

    def test_numpy_of_transposed_view(self):
        a = np.arange(6, dtype=np.float32).reshape(2, 3)
        t = T(a).T
        np.testing.assert_array_equal(t.numpy(), a.T)

    def test_item_types(self):
        assert isinstance(fg.tensor(2.5).item(), float)
        assert isinstance(fg.tensor(2).item(), int)
        assert isinstance(fg.tensor(True).item(), bool)
        assert fg.tensor([[3.0]]).item() == 3.0

    def test_item_on_requires_grad_tensor(self):
        t = fg.tensor(2.0, requires_grad=True)
        assert t.item() == 2.0

    def test_item_multi_element_raises(self):
        with pytest.raises((RuntimeError, ValueError)):
            fg.tensor([1.0, 2.0]).item()

    def test_tolist(self):
        assert fg.tensor(3.0).tolist() == 3.0
        assert fg.tensor([[1, 2]], dtype=fg.int32).tolist() == [[1, 2]]
        assert fg.tensor([True]).tolist() == [True]
        assert isinstance(fg.tensor([1]).tolist()[0], int)

    def test_float_python_builtin(self):
        assert float(fg.tensor(2.5)) == 2.5
        assert int(fg.tensor(3)) == 3
        assert float(fg.tensor([1.5], requires_grad=True)) == 1.5

    def test_bool_of_tensor(self):
        assert bool(fg.tensor([1.0])) is True
        assert bool(fg.tensor(0)) is False
        assert bool(fg.tensor(2.0) > 1)
        with pytest.raises((RuntimeError, ValueError)):
            bool(fg.tensor([1.0, 2.0]))

    def test_tensors_are_hashable_by_identity(self):
        a = fg.tensor([1.0])
        b = fg.tensor([1.0])
        d = {a: "a", b: "b"}
        assert d[a] == "a" and d[b] == "b"
        assert len({a, b, a}) == 2

    def test_clone_is_independent(self):
        x = fg.tensor([1.0, 2.0])
        y = x.clone()
        assert y is not x
        assert y.tolist() == [1.0, 2.0]
        y += 1
        assert x.tolist() == [1.0, 2.0]
        assert y.tolist() == [2.0, 3.0]

    def test_clone_is_differentiable(self):
        x = fg.tensor([1.0, 2.0], requires_grad=True)
        y = x.clone()
        assert y.requires_grad and not y.is_leaf
        (y * 3).sum().backward()
        assert x.grad.tolist() == [3.0, 3.0]

    @pytest.mark.parametrize(
        "method, dtype",
        [
            ("float", "float32"),
            ("double", "float64"),
            ("long", "int64"),
            ("int", "int32"),
            ("bool", "bool"),
        ],
    )
    def test_dtype_methods(self, method, dtype):
        x = fg.tensor([-1.5, 0.0, 2.7])
        y = getattr(x, method)()
        assert y.dtype == getattr(fg, dtype)
        expected = {
            "float": [-1.5, 0.0, 2.7],
            "double": [-1.5, 0.0, 2.7],
            "long": [-1, 0, 2],
            "int": [-1, 0, 2],
            "bool": [True, False, True],
        }[method]
        assert_close(y, np.array(expected))

    def test_to_dtype(self):
        x = fg.tensor([1, 0, 3])
        y = x.to(fg.float64)
        assert y.dtype == fg.float64
        assert y.tolist() == [1.0, 0.0, 3.0]
        assert x.to(fg.bool).tolist() == [True, False, True]
        assert x.to(dtype=fg.float32).dtype == fg.float32

    def test_bool_to_float(self):
        b = fg.tensor([True, False])
        assert b.float().tolist() == [1.0, 0.0]
        assert b.long().tolist() == [1, 0]

    def test_to_float64_is_differentiable(self):
        x = fg.tensor([1.0, 2.0], requires_grad=True)
        y = x.double()
        assert y.dtype == fg.float64
        assert y.requires_grad
        (y * y).sum().backward()
        assert x.grad.dtype == fg.float32
        assert_close(x.grad, [2.0, 4.0])

    def test_to_int_does_not_require_grad(self):
        x = fg.tensor([1.5, 2.5], requires_grad=True)
        assert not x.long().requires_grad


# ----------------------------------------------------------------------------- repr


class TestRepr:
    def test_repr_requires_grad(self):
        assert (
            repr(fg.tensor([1.0, 2.0], requires_grad=True))
            == "tensor([1., 2.], requires_grad=True)"
        )

    def test_repr_grad_fn(self):
        x = fg.tensor(1.0, requires_grad=True)
        y = fg.tensor(2.0)
        assert repr(x * y) == "tensor(2., grad_fn=<MulBackward0>)"

    def test_repr_plain(self):
        assert repr(fg.tensor([1.0, 2.0])) == "tensor([1., 2.])"
        assert repr(fg.tensor([1, 2])) == "tensor([1, 2])"

    def test_repr_float64_shows_dtype(self):
        r = repr(fg.tensor([1.0, 2.0], dtype=fg.float64))
        assert r.startswith("tensor([1., 2.]")
        assert "dtype=ferrograd.float64" in r

    def test_repr_int32_shows_dtype(self):
        assert "dtype=ferrograd.int32" in repr(fg.tensor([1, 2], dtype=fg.int32))

    def test_repr_2d(self):
        r = repr(fg.tensor([[1.0, 2.0], [3.0, 4.0]]))
        assert r.startswith("tensor([[1., 2.],")
        assert "[3., 4.]])" in r

    def test_str_works(self):
        s = str(fg.tensor([1.0, 2.0], requires_grad=True))
        assert "tensor(" in s


def test_deepcopy_of_a_leaf_copies_values_flag_and_grad():
    import copy

    x = fg.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    y = copy.deepcopy(x)
    assert y is not x and y.is_leaf and y.requires_grad
    assert y.tolist() == [1.0, 2.0] and y.grad.tolist() == [3.0, 3.0]
    with fg.no_grad():
        y.add_(1.0)
    y.grad.zero_()
    assert x.tolist() == [1.0, 2.0] and x.grad.tolist() == [3.0, 3.0]  # nothing shared
    pair = copy.deepcopy([x, x])
    assert pair[0] is pair[1]  # the memo keeps one copy per tensor
    plain = copy.deepcopy(fg.arange(3))
    assert not plain.requires_grad and plain.grad is None and plain.tolist() == [0, 1, 2]


def test_deepcopy_of_a_non_leaf_is_refused():
    import copy

    x = fg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        copy.deepcopy(x * 2)
