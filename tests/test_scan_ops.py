"""Scans along a dimension (``cumsum``, ``cumprod``, ``logcumsumexp``, ``cummax``, ``cummin``):
values against NumPy over shapes, dims and strided inputs; dtypes; gradients (gradcheck and
gradgradcheck in float64, ``cumprod`` with zeros); forward-mode tangents against finite
differences; indices on ties and gradients recorded from PyTorch; errors; ``out=`` and the
in-place forms; the NumPy-backed device."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.autograd.forward_ad as fwAD
from ferrograd import cuda
from ferrograd.autograd import gradcheck, gradgradcheck
from ferrograd.cuda._numpy_backend import NumpyTable

RNG = np.random.default_rng(7)


def t64(a, requires_grad=False):
    return fg.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def host(t) -> np.ndarray:
    return t.detach().cpu().numpy()


def running_index(x: np.ndarray, axis: int, pick) -> np.ndarray:
    """Where each running max/min (``pick`` = np.maximum / np.minimum) was reached: the last
    position along ``axis`` holding the running value."""
    running = pick.accumulate(x, axis=axis)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    positions = np.arange(x.shape[axis]).reshape(shape)
    return np.maximum.accumulate(np.where(x == running, positions, 0), axis=axis)


#: (name, NumPy reference of the values along an axis)
REFERENCES = {
    "cumsum": lambda x, axis: np.cumsum(x, axis=axis),
    "cumprod": lambda x, axis: np.cumprod(x, axis=axis),
    "logcumsumexp": lambda x, axis: np.logaddexp.accumulate(x, axis=axis),
    "cummax": lambda x, axis: np.maximum.accumulate(x, axis=axis),
    "cummin": lambda x, axis: np.minimum.accumulate(x, axis=axis),
}

SHAPES_AND_DIMS = [
    ((7,), 0),
    ((7,), -1),
    ((3, 5), 0),
    ((3, 5), 1),
    ((3, 5), -2),
    ((2, 3, 4), 1),
    ((2, 3, 4), -1),
    ((2, 3, 4), 0),
    ((2, 1, 3, 2), 2),
]


def check_values(name, t, x, dim, rtol=1e-12):
    """``t.<name>(dim)`` against NumPy on ``x`` (the same elements as ``t``)."""
    out = getattr(t, name)(dim)
    axis = dim % max(x.ndim, 1)
    expected = REFERENCES[name](x, axis)
    if name in ("cummax", "cummin"):
        values, indices = out
        np.testing.assert_allclose(host(values), expected, rtol=0)
        pick = np.maximum if name == "cummax" else np.minimum
        np.testing.assert_array_equal(host(indices), running_index(x, axis, pick))
        assert indices.dtype == fg.int64
        assert values.dtype == t.dtype
    else:
        np.testing.assert_allclose(host(out), expected, rtol=rtol)
        assert tuple(out.shape) == x.shape


@pytest.mark.parametrize("name", sorted(REFERENCES))
@pytest.mark.parametrize(("shape", "dim"), SHAPES_AND_DIMS)
def test_values_match_numpy(name, shape, dim):
    x = RNG.standard_normal(shape)
    check_values(name, t64(x), x, dim)
    x32 = x.astype(np.float32)
    out = getattr(fg.tensor(x32), name)(dim)
    out = out.values if name in ("cummax", "cummin") else out
    assert out.dtype == fg.float32
    expected = REFERENCES[name](x32.astype(np.float64), dim % len(shape))
    np.testing.assert_allclose(host(out), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_strided_inputs(name):
    base = RNG.standard_normal((6, 8, 5))
    t = t64(base)
    views = {
        "transposed": (t.transpose(0, 2), base.swapaxes(0, 2)),
        "stepped slice": (t[::2, 1::3, :], base[::2, 1::3, :]),
        "permuted and stepped": (t.permute(2, 0, 1)[:, :, ::2], base.transpose(2, 0, 1)[:, :, ::2]),
        "expanded": (t[:, :1, :].expand(6, 4, 5), np.broadcast_to(base[:, :1, :], (6, 4, 5))),
        "column of a matrix": (t[:, 3, :].t(), base[:, 3, :].T),
    }
    for label, (view, array) in views.items():
        assert not view.is_contiguous(), label
        for dim in range(-view.ndim, view.ndim):
            check_values(name, view, np.ascontiguousarray(array), dim)


def test_large_inputs_take_the_parallel_path():
    x = RNG.standard_normal((1100, 1000))
    t = t64(x)
    for dim in (0, 1):
        np.testing.assert_allclose(host(t.cumsum(dim)), np.cumsum(x, dim), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(
            host(t.logcumsumexp(dim)), np.logaddexp.accumulate(x, dim), rtol=1e-12
        )
        np.testing.assert_array_equal(
            host(t.cummax(dim).indices), running_index(x, dim, np.maximum)
        )
    np.testing.assert_allclose(host(t.t().cumsum(1)), np.cumsum(x.T, 1), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_empty_and_zero_dimensional(name):
    for shape in [(0,), (2, 0, 3), (0, 4)]:
        x = np.zeros(shape)
        for dim in range(-len(shape), len(shape)):
            out = getattr(t64(x), name)(dim)
            for part in out if name in ("cummax", "cummin") else (out,):
                assert tuple(part.shape) == shape
    for dim in (0, -1):
        out = getattr(t64(2.5), name)(dim)
        if name in ("cummax", "cummin"):
            assert out.values.shape == () and out.values.item() == 2.5
            assert out.indices.shape == () and out.indices.item() == 0
        else:
            assert out.shape == () and out.item() == 2.5


def test_integer_and_bool_inputs_accumulate_in_int64():
    for t in (fg.tensor([3, 2, 5], dtype=fg.int32), fg.tensor([3, 2, 5]), fg.tensor([True, False])):
        assert t.cumsum(0).dtype == fg.int64
        assert t.cumprod(0).dtype == fg.int64
    assert fg.tensor([True, True, False]).cumsum(0).tolist() == [1, 2, 2]
    assert fg.tensor([3, 2, 5], dtype=fg.int32).cumprod(0).tolist() == [3, 6, 30]
    wrapped = fg.tensor([2**62, 2**62, 1]).cumsum(0).tolist()
    assert wrapped == [2**62, -(2**63), -(2**63) + 1]
    assert fg.tensor([1, 2]).cummax(0).values.dtype == fg.int64


def test_dtype_argument():
    out = fg.tensor([1, 2, 3]).cumsum(0, dtype=fg.float32)
    assert out.dtype == fg.float32 and out.tolist() == [1.0, 3.0, 6.0]
    out = fg.cumprod(fg.tensor([1.5, 2.0]), 0, dtype=fg.float64)
    assert out.dtype == fg.float64 and out.tolist() == [1.5, 3.0]
    assert fg.cumsum(fg.tensor([1.7, 2.9]), 0, dtype=fg.int64).tolist() == [1, 3]
    narrow = fg.tensor([2**30, 2**30, 1], dtype=fg.int32).cumsum(0, dtype=fg.int32)
    assert narrow.dtype == fg.int32 and narrow.tolist() == [2**30, -(2**31), -(2**31) + 1]
    with pytest.raises(NotImplementedError, match="\"cumsum_out_cpu\" not implemented for 'Bool'"):
        fg.tensor([True]).cumsum(0, dtype=fg.bool)
    with pytest.raises(NotImplementedError, match='"cumprod_out_cpu" not implemented'):
        fg.cumprod(fg.tensor([1, 2]), 0, dtype=fg.bool)
    with pytest.raises(TypeError):
        fg.tensor([1.0, 2.0]).cumsum(0, fg.float64)  # keyword-only, as in PyTorch


def test_logcumsumexp_is_stable():
    x = t64([1000.0, 1000.0, -1000.0, 999.0])
    # PyTorch: values and the gradient for the weights 1, 2, 3, 4
    np.testing.assert_allclose(
        host(x.logcumsumexp(0)),
        [1000.0, 1000.6931471805599, 1000.6931471805599, 1000.8619948040582],
        rtol=1e-15,
    )
    x.requires_grad_(True)
    (grad,) = fg.autograd.grad(x.logcumsumexp(0), x, t64([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_allclose(
        host(grad),
        [5.1892751930065515, 4.1892751930064005, 0.0, 0.6214496139878803],
        rtol=1e-12,
        atol=1e-300,
    )
    f32 = fg.tensor([1000.0, 1000.0, -1000.0, 999.0]).logcumsumexp(0)
    np.testing.assert_allclose(
        host(f32), [1000.0, 1000.6931762695312, 1000.6931762695312, 1000.8619995117188], rtol=1e-7
    )
    inf, nan = math.inf, math.nan
    got = t64([-inf, -inf, 0.0, 1000.0, 1000.0, inf, 1.0]).logcumsumexp(0)
    np.testing.assert_allclose(
        host(got), [-inf, -inf, 0.0, 1000.0, 1000.0 + math.log(2), inf, inf], rtol=1e-15
    )
    got = host(t64([inf, inf, -inf, nan, 1.0]).logcumsumexp(0))
    np.testing.assert_array_equal(got, [inf, inf, inf, nan, nan])


def test_logcumsumexp_gradient_at_infinities_matches_pytorch():
    inf = math.inf
    g = t64([0.3, -0.7, 1.1])
    for values, expected in [
        ([-inf, 0.0, 1.0], [math.nan, -0.40416443649300526, 0.8041644364930055]),
        ([-inf, -inf, 0.0], [math.nan, math.nan, 1.1]),
        ([0.0, inf, 1.0], [0.3, math.nan, 0.0]),
    ]:
        x = t64(values, requires_grad=True)
        (grad,) = fg.autograd.grad(x.logcumsumexp(0), x, g)
        np.testing.assert_allclose(host(grad), expected, rtol=1e-12)


def test_sum_of_negative_zero_is_positive_zero():
    out = t64([-0.0, -0.0]).cumsum(0)
    assert np.all(np.signbit(host(out)) == [False, False])


# --- ties and NaN: indices recorded from PyTorch ------------------------------------------------


def test_cummax_cummin_indices_on_ties():
    x = fg.tensor([[3.0, 1.0, 3.0, 2.0, 3.0, 1.0], [0.0, 0.0, -1.0, 0.0, -1.0, -1.0]])
    assert x.cummax(1).indices.tolist() == [[0, 0, 2, 2, 4, 4], [0, 1, 1, 3, 3, 3]]
    assert x.cummin(1).indices.tolist() == [[0, 1, 1, 1, 1, 5], [0, 1, 2, 2, 4, 5]]
    assert x.cummax(0).indices.tolist() == [[0] * 6, [0] * 6]
    assert x.cummin(0).indices.tolist() == [[0] * 6, [1] * 6]
    ints = fg.tensor([1, 1, 0, 1, 2, 2])
    assert ints.cummax(0).indices.tolist() == [0, 1, 1, 3, 4, 5]
    assert ints.cummin(0).indices.tolist() == [0, 1, 2, 2, 2, 2]
    bools = fg.tensor([False, True, True, False, True])
    assert bools.cummax(0).indices.tolist() == [0, 1, 2, 2, 4]
    assert bools.cummin(0).indices.tolist() == [0, 0, 0, 3, 3]
    assert bools.cummax(0).values.tolist() == [False, True, True, True, True]


def test_nan_propagates_with_the_last_nan_index():
    nan = math.nan
    x = fg.tensor([2.0, nan, 5.0, nan, 1.0])
    for result in (x.cummax(0), fg.cummin(x, 0)):
        assert result.indices.tolist() == [0, 1, 1, 3, 3]
        values = host(result.values)
        assert values[0] == 2.0 and np.isnan(values[1:]).all()
    mixed = fg.tensor([1.0, 3.0, 3.0, 2.0, 3.0, nan, 1.0, nan, 5.0])
    assert mixed.cummax(0).indices.tolist() == [0, 1, 2, 2, 4, 5, 5, 7, 7]
    assert mixed.cummin(0).indices.tolist() == [0, 0, 0, 0, 0, 5, 5, 7, 7]


def test_result_is_a_named_tuple():
    result = fg.cummax(fg.tensor([1.0, 3.0, 2.0]), 0)
    values, indices = result
    assert result.values is values and result.indices is indices
    assert type(result).__name__ == "cummax"
    assert type(fg.cummin(fg.tensor([1.0]), 0)).__name__ == "cummin"


# --- gradients ---------------------------------------------------------------------------------


def differentiable(name, dim):
    if name in ("cummax", "cummin"):
        return lambda x: getattr(x, name)(dim).values
    return lambda x: getattr(x, name)(dim)


@pytest.mark.parametrize("name", sorted(REFERENCES))
@pytest.mark.parametrize(("shape", "dim"), [((6,), 0), ((3, 4), 1), ((3, 4), -2), ((2, 3, 2), 1)])
def test_gradcheck_and_gradgradcheck(name, shape, dim):
    x = t64(RNG.standard_normal(shape), requires_grad=True)
    f = differentiable(name, dim)
    assert gradcheck(f, (x,))
    assert gradgradcheck(f, (x,))


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_gradients_of_strided_inputs(name):
    base = t64(RNG.standard_normal((4, 6)), requires_grad=True)
    f = differentiable(name, 0)
    assert gradcheck(lambda b: f(b.t()[::2]), (base,))
    assert gradgradcheck(lambda b: f(b.t()[::2]), (base,))


@pytest.mark.parametrize(
    "values",
    [
        [2.0, 0.0, 3.0, 0.5, 4.0],  # one zero
        [2.0, 0.0, 3.0, 0.0, 4.0],  # several zeros
        [0.0, 1.5, -2.0, 0.7],  # a zero first
        [1.5, -2.0, 0.7, 0.0],  # a zero last
        [0.0, 0.0, 0.0],
    ],
)
def test_cumprod_gradient_with_zeros(values):
    x = t64(values, requires_grad=True)
    assert gradcheck(lambda a: a.cumprod(0), (x,))
    assert gradgradcheck(lambda a: a.cumprod(0), (x,))
    matrix = t64(np.stack([values, values[::-1]], axis=1), requires_grad=True)
    assert gradcheck(lambda a: a.cumprod(0), (matrix,))
    assert gradgradcheck(lambda a: a.cumprod(0), (matrix,))


def test_cumprod_gradient_with_zeros_matches_pytorch():
    x = t64([2.0, 0.0, 3.0, 0.0, 4.0], requires_grad=True)
    (grad,) = fg.autograd.grad(x.cumprod(0), x, t64([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert host(grad).tolist() == [1.0, 22.0, 0.0, 0.0, 0.0]
    x = t64([0.0, 5.0, 2.0, 3.0], requires_grad=True)
    (grad,) = fg.autograd.grad(x.cumprod(0), x, t64([1.0, 2.0, 3.0, 4.0]))
    assert host(grad).tolist() == [161.0, 0.0, 0.0, 0.0]
    x = t64([2.0, 0.0, 3.0, 0.0, 4.0], requires_grad=True)
    x.cumprod(0).sum().backward()
    assert host(x.grad).tolist() == [1.0, 8.0, 0.0, 0.0, 0.0]


def test_cummax_gradient_goes_to_the_chosen_index():
    x = t64([1.0, 3.0, 3.0, 2.0], requires_grad=True)
    values, _ = x.cummax(0)
    values.backward(t64([1.0, 10.0, 100.0, 1000.0]))
    assert host(x.grad).tolist() == [1.0, 10.0, 1100.0, 0.0]  # PyTorch's


def test_zero_dimensional_gradients():
    for name in REFERENCES:
        x = t64(0.75, requires_grad=True)
        (grad,) = fg.autograd.grad(differentiable(name, 0)(x), x)
        assert grad.item() == 1.0, name


def test_node_names():
    x = t64([1.0, 2.0], requires_grad=True)
    assert x.cumsum(0).grad_fn.name() == "CumsumBackward0"
    assert x.cumprod(0).grad_fn.name() == "CumprodBackward0"
    assert x.logcumsumexp(0).grad_fn.name() == "LogcumsumexpBackward0"
    values, indices = x.cummax(0)
    assert values.grad_fn.name() == "CummaxBackward0" and not indices.requires_grad
    assert x.cummin(0).values.grad_fn.name() == "CumminBackward0"


# --- forward mode ------------------------------------------------------------------------------


def check_tangent(f, x: np.ndarray, eps: float = 1e-6):
    """The tangent of ``f`` at ``x`` along a random direction against central differences."""
    v = RNG.standard_normal(x.shape)
    with fwAD.dual_level():
        primal, tangent = fwAD.unpack_dual(f(fwAD.make_dual(t64(x), t64(v))))
        got = host(tangent)
    expected = (host(f(t64(x + eps * v))) - host(f(t64(x - eps * v)))) / (2 * eps)
    assert tangent.shape == primal.shape
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(REFERENCES))
@pytest.mark.parametrize(("shape", "dim"), [((6,), 0), ((3, 4), 1), ((2, 3, 4), -2), ((), 0)])
def test_forward_mode_tangents(name, shape, dim):
    check_tangent(differentiable(name, dim), RNG.standard_normal(shape))


def test_forward_mode_special_inputs():
    check_tangent(lambda a: a.cumprod(0), np.array([2.0, 0.0, 3.0, 0.0, 4.0]))
    check_tangent(lambda a: a.cumprod(1), np.array([[0.0, 1.5, 2.0], [1.0, 0.0, -1.0]]))
    check_tangent(lambda a: a.logcumsumexp(0), np.array([1000.0, -1000.0, 999.5, 1001.0]))


def test_reverse_over_forward_and_double_backward_through_rules():
    x = t64(RNG.standard_normal(5), requires_grad=True)
    # d/dx of the tangent (reverse over forward) equals the Hessian-vector product
    v = t64(RNG.standard_normal(5))
    with fwAD.dual_level():
        _, tangent = fwAD.unpack_dual(fwAD.make_dual(x, v).cumprod(0).logcumsumexp(0))
        (hv,) = fg.autograd.grad(tangent.sum(), x)
    (g,) = fg.autograd.grad(x.cumprod(0).logcumsumexp(0).sum(), x, create_graph=True)
    (expected,) = fg.autograd.grad((g * v).sum(), x)
    np.testing.assert_allclose(host(hv), host(expected), rtol=1e-10, atol=1e-12)


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_dim_out_of_range(name):
    f = getattr(fg, name)
    with pytest.raises(
        IndexError,
        match=r"^Dimension out of range \(expected to be in range of \[-2, 1\], but got 5\)$",
    ):
        f(fg.ones(2, 3), 5)
    with pytest.raises(IndexError, match=r"\[-2, 1\], but got -3"):
        f(fg.ones(2, 3), -3)
    with pytest.raises(IndexError, match=r"\[-1, 0\], but got 1"):
        f(fg.tensor(1.0), 1)
    with pytest.raises(TypeError):
        f([1.0, 2.0], 0)
    with pytest.raises(TypeError):
        f(fg.ones(2))  # dim is required


def test_logcumsumexp_of_integers_is_not_implemented():
    message = "\"logcumsumexp_out_cpu\" not implemented for 'Long'"
    with pytest.raises(NotImplementedError, match=message):
        fg.tensor([1, 2]).logcumsumexp(0)


# --- out= and in place -------------------------------------------------------------------------


def test_out_argument():
    x = fg.tensor([1.0, 2.0, 3.0])
    out = fg.zeros(3)
    assert fg.cumsum(x, 0, out=out) is out and out.tolist() == [1.0, 3.0, 6.0]
    long_out = fg.zeros(3, dtype=fg.int64)  # PyTorch computes in the out's dtype
    assert fg.cumsum(x, 0, out=long_out).tolist() == [1, 3, 6]
    double = fg.zeros(3, dtype=fg.float64)
    assert fg.cumprod(x, 0, out=double).tolist() == [1.0, 2.0, 6.0]
    lse = fg.zeros(3)
    fg.logcumsumexp(fg.zeros(3), 0, out=lse)
    np.testing.assert_allclose(host(lse), np.log([1.0, 2.0, 3.0]), rtol=1e-6)
    values, indices = fg.zeros(3), fg.zeros(3, dtype=fg.int64)
    result = fg.cummax(fg.tensor([1.0, 3.0, 2.0]), 0, out=(values, indices))
    assert result.values is values and values.tolist() == [1.0, 3.0, 3.0]
    assert indices.tolist() == [0, 1, 1]
    with pytest.raises(RuntimeError):
        fg.cummin(fg.tensor([1.0, 3.0]), 0, out=(fg.zeros(2), fg.zeros(2)))


def test_in_place_forms():
    t = fg.tensor([1, 2, 3], dtype=fg.int32)
    assert t.cumsum_(0) is t and t.tolist() == [1, 3, 6] and t.dtype == fg.int32
    f = fg.tensor([1.5, 2.0, 2.0])
    f.cumprod_(0)
    assert f.tolist() == [1.5, 3.0, 6.0]
    f.cumsum_(0, dtype=fg.float32)
    assert f.tolist() == [1.5, 4.5, 10.5]
    with pytest.raises(
        RuntimeError,
        match="Bad in-place call: input tensor dtype float and "
        "output tensor dtype double should match",
    ):
        f.cumprod_(0, dtype=fg.float64)
    with pytest.raises(NotImplementedError, match="'Bool'"):
        fg.tensor([True, False]).cumsum_(0)
    view = fg.arange(6.0).reshape(2, 3)
    view[:, 1:].cumsum_(1)
    assert view.tolist() == [[0.0, 1.0, 3.0], [3.0, 4.0, 9.0]]


def test_in_place_forms_under_autograd():
    x = t64([2.0, 0.0, 3.0, 4.0], requires_grad=True)
    y = x * 1.0
    y.cumprod_(0)
    y.cumsum_(0)
    y.sum().backward()
    z = t64([2.0, 0.0, 3.0, 4.0], requires_grad=True)
    z.cumprod(0).cumsum(0).sum().backward()
    np.testing.assert_allclose(host(x.grad), host(z.grad), rtol=1e-15)
    leaf = t64([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        leaf.cumsum_(0)


# --- the NumPy-backed device -------------------------------------------------------------------


@pytest.fixture
def numpy_backend():
    table = NumpyTable()
    previous = cuda.use_backend(table)
    yield table
    cuda.use_backend(previous)


def test_device_kernels_run_in_the_table(numpy_backend):
    x = RNG.standard_normal((3, 5))
    numpy_backend.record = []
    before = numpy_backend.transfers["to_host"]
    d = fg.tensor(x, device="cuda", requires_grad=True)
    outputs = [d.cumsum(1), d.cumprod(0), d.logcumsumexp(-1), d.cummax(1).values, d.cummin(0)[0]]
    sum(o.sum() for o in outputs).backward()
    names = {name for name, _ in numpy_backend.record}
    assert {"scan", "scan_arg_extreme", "linear_scan"} <= names, names
    assert numpy_backend.transfers["to_host"] == before
    c = t64(x, requires_grad=True)
    expected = [c.cumsum(1), c.cumprod(0), c.logcumsumexp(-1), c.cummax(1).values, c.cummin(0)[0]]
    sum(o.sum() for o in expected).backward()
    for got, want in zip(outputs, expected, strict=True):
        assert got.is_cuda
        np.testing.assert_allclose(host(got), host(want), rtol=1e-12)
    np.testing.assert_allclose(host(d.grad), host(c.grad), rtol=1e-10)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_device_edge_cases_match_the_host(numpy_backend):
    inf, nan = math.inf, math.nan
    x = np.array([[1.0, nan, 3.0, 3.0], [-inf, -inf, 0.0, 1000.0]])
    c, d = t64(x), fg.tensor(x, device="cuda")
    for name in ("cumsum", "cumprod", "logcumsumexp", "cummax", "cummin"):
        for dim in (0, 1):
            got, want = getattr(d, name)(dim), getattr(c, name)(dim)
            pairs = zip(got, want, strict=True) if name.startswith("cumm") else [(got, want)]
            for g, w in pairs:
                np.testing.assert_allclose(host(g), host(w), rtol=1e-14, err_msg=f"{name} {dim}")
    ints = fg.tensor([[3, 1], [2, 5]], device="cuda")
    assert ints.cumsum(0).dtype == fg.int64 and host(ints.cumprod(1)).tolist() == [[3, 3], [2, 10]]
    assert host(fg.tensor(2.0, device="cuda").cumsum(0)).tolist() == 2.0
    assert host(fg.tensor(np.zeros((0, 3)), device="cuda").cumsum(0)).shape == (0, 3)
