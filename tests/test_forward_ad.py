"""Forward-mode AD (``ferrograd.autograd.forward_ad``): the tangent of every core operation
against a numerical Jacobian times the tangent (float64, central differences), for each set of
dual inputs; dual levels; grad modes; in-place updates; forward-over-reverse and
reverse-over-forward."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.autograd.forward_ad as fwAD
import ferrograd.nn.functional as F

RNG = np.random.default_rng(1234)


def away_from_kinks(*shape):
    """Values in ±[0.3, 1.3): no ties, no zeros (abs, relu, clamp, max are smooth there)."""
    magnitude = 0.3 + RNG.random(shape)
    sign = np.where(RNG.random(shape) < 0.5, -1.0, 1.0)
    return magnitude * sign


def positive(*shape):
    return 0.3 + RNG.random(shape)


def t64(a, requires_grad=False):
    return fg.tensor(np.asarray(a, dtype=np.float64), dtype=fg.float64, requires_grad=requires_grad)


def as_np(t):
    return np.array(t.detach().numpy(), dtype=np.float64, copy=True)


def numerical_jacobian(f, arrays, j, eps=1e-6):
    """d f / d arrays[j] as a (out.size, in.size) matrix, by central differences."""
    base = [np.array(a, dtype=np.float64, copy=True) for a in arrays]
    cols = []
    for k in range(base[j].size):
        plus = [a.copy() for a in base]
        minus = [a.copy() for a in base]
        plus[j].reshape(-1)[k] += eps
        minus[j].reshape(-1)[k] -= eps
        fp = as_np(f(*[t64(a) for a in plus])).reshape(-1)
        fm = as_np(f(*[t64(a) for a in minus])).reshape(-1)
        cols.append((fp - fm) / (2 * eps))
    return np.stack(cols, axis=1)


def check_jvp(f, *arrays, rtol=1e-6, atol=1e-7):
    """Checks the tangent of ``f`` (J·v) for every non-empty set of dual inputs."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    tangents = [RNG.standard_normal(a.shape) for a in arrays]
    jacobians = [numerical_jacobian(f, arrays, j) for j in range(len(arrays))]
    for count in range(1, len(arrays) + 1):
        for dual_set in itertools.combinations(range(len(arrays)), count):
            with fwAD.dual_level():
                args = [
                    fwAD.make_dual(t64(a), t64(v)) if i in dual_set else t64(a)
                    for i, (a, v) in enumerate(zip(arrays, tangents, strict=True))
                ]
                primal, tangent = fwAD.unpack_dual(f(*args))
                assert tangent is not None, f"no tangent for dual inputs {dual_set}"
                assert tuple(tangent.shape) == tuple(primal.shape)
                got = as_np(tangent).reshape(-1)
            expected = sum(jacobians[i] @ tangents[i].reshape(-1) for i in dual_set)
            np.testing.assert_allclose(
                got, expected, rtol=rtol, atol=atol, err_msg=f"dual inputs {dual_set}"
            )


UNARY = {
    "neg": lambda x: -x,
    "abs": lambda x: x.abs(),
    "exp": lambda x: x.exp(),
    "log": lambda x: x.abs().log(),
    "sqrt": lambda x: x.abs().sqrt(),
    "rsqrt": lambda x: x.abs().rsqrt(),
    "sin": lambda x: x.sin(),
    "cos": lambda x: x.cos(),
    "tan": lambda x: x.tan(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(),
    "log1p": lambda x: x.abs().log1p(),
    "expm1": lambda x: x.expm1(),
    "erf": lambda x: x.erf(),
    "reciprocal": lambda x: x.reciprocal(),
    "square": lambda x: x.square(),
    "clamp": lambda x: x.clamp(-0.9, 0.8),
    "clamp_min": lambda x: x.clamp(min=0.5),
    "pow_scalar": lambda x: x.abs() ** 2.5,
    "rpow_scalar": lambda x: 2.0**x,
    "rsub_scalar": lambda x: 2.0 - x,
    "rdiv_scalar": lambda x: 3.0 / x,
    "clone": lambda x: x.clone(),
    "gelu": lambda x: F.gelu(x),
    "softplus": lambda x: F.softplus(x),
    "silu": lambda x: F.silu(x),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_tangents(name):
    check_jvp(UNARY[name], away_from_kinks(2, 3))


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "rsub": lambda a, b: a.rsub(b),
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a.abs() ** b,
    "remainder": lambda a, b: a % b,
    "atan2": lambda a, b: fg.atan2(a, b),
    "maximum": lambda a, b: fg.maximum(a, b),
    "minimum": lambda a, b: fg.minimum(a, b),
    "where": lambda a, b: fg.where(a > b, a, b),
}


@pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3))])
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_tangents_with_broadcasting(name, shapes):
    check_jvp(BINARY[name], away_from_kinks(*shapes[0]), away_from_kinks(*shapes[1]))


REDUCTIONS = {
    "sum": lambda x: x.sum(),
    "sum_dim": lambda x: x.sum(dim=(0, 2)),
    "sum_keepdim": lambda x: x.sum(1, keepdim=True),
    "mean": lambda x: x.mean(),
    "mean_dim": lambda x: x.mean(-1),
    "mean_keepdim": lambda x: x.mean((0, 1), keepdim=True),
    "max": lambda x: x.max(),
    "min": lambda x: x.min(),
    "max_dim": lambda x: x.max(1).values,
    "min_dim_keepdim": lambda x: x.min(2, keepdim=True).values,
    "logsumexp": lambda x: x.logsumexp(1),
    "logsumexp_keepdim": lambda x: x.logsumexp(-1, keepdim=True),
    "softmax": lambda x: x.softmax(1),
    "log_softmax": lambda x: x.log_softmax(-1),
    "var": lambda x: x.var(1),
    "norm": lambda x: x.norm(),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reduction_tangents(name):
    check_jvp(REDUCTIONS[name], away_from_kinks(2, 3, 4))


def _setitem(x, y):
    z = x.clone()
    z[0, 1:] = y
    return z


SHAPE = {
    "reshape": (lambda x: x.reshape(4, -1), [(2, 3, 4)]),
    "flatten": (lambda x: x.flatten(1), [(2, 3, 4)]),
    "unsqueeze_squeeze": (lambda x: x.unsqueeze(1).squeeze(1).unsqueeze(0), [(2, 3, 4)]),
    "transpose": (lambda x: x.transpose(0, 2), [(2, 3, 4)]),
    "permute": (lambda x: x.permute(1, 2, 0), [(2, 3, 4)]),
    "T": (lambda x: x.T, [(3, 4)]),
    "expand": (lambda x: x.expand(5, 2, 3, 4), [(2, 3, 4)]),
    "getitem": (lambda x: x[1, ::2, None], [(2, 3, 4)]),
    "getitem_advanced": (lambda x: x[[0, 1, 1]], [(2, 3)]),
    "setitem": (_setitem, [(2, 3, 4), (2, 4)]),
    "cat": (lambda a, b: fg.cat([a, b], dim=1), [(2, 3), (2, 2)]),
    "stack": (lambda a, b: fg.stack([a, b], dim=0), [(2, 3), (2, 3)]),
    "gather": (lambda x: x.gather(1, fg.tensor([[2, 0, 1], [1, 1, 0]])), [(2, 3)]),
    "scatter_add": (
        lambda a, b: a.scatter_add(1, fg.tensor([[0, 1, 0, 1], [1, 0, 0, 1]]), b),
        [(2, 3), (2, 4)],
    ),
    "index_select": (lambda x: x.index_select(1, fg.tensor([2, 0, 2])), [(2, 3)]),
    "sort": (lambda x: x.sort(-1, descending=True).values, [(2, 5)]),
}


@pytest.mark.parametrize("name", sorted(SHAPE))
def test_shape_and_index_tangents(name):
    f, shapes = SHAPE[name]
    check_jvp(f, *[away_from_kinks(*s) for s in shapes])


LINALG_NN = {
    "mm": (lambda a, b: a @ b, [(2, 3), (3, 4)]),
    "mv": (lambda a, b: a @ b, [(2, 3), (3,)]),
    "vm": (lambda a, b: a @ b, [(3,), (3, 2)]),
    "dot": (lambda a, b: a @ b, [(3,), (3,)]),
    "bmm_broadcast": (lambda a, b: a @ b, [(2, 2, 3), (3, 2)]),
    "linear": (lambda x, w, b: F.linear(x, w, b), [(2, 3), (4, 3), (4,)]),
    "linear_wide_batch": (lambda x, w, b: F.linear(x, w, b), [(5, 3), (2, 3), (2,)]),
    "linear_batched": (lambda x, w, b: F.linear(x, w, b), [(2, 2, 3), (4, 3), (4,)]),
    "linear_no_bias": (lambda x, w: F.linear(x, w), [(5, 3), (2, 3)]),
    "conv2d": (lambda x, w, b: F.conv2d(x, w, b, padding=1), [(1, 2, 3, 3), (2, 2, 2, 2), (2,)]),
    "conv2d_groups": (
        lambda x, w: F.conv2d(x, w, stride=2, groups=2),
        [(1, 2, 4, 4), (4, 1, 2, 2)],
    ),
    "max_pool2d": (lambda x: F.max_pool2d(x, 2), [(1, 2, 4, 4)]),
    "avg_pool2d": (lambda x: F.avg_pool2d(x, 2, padding=1), [(1, 1, 4, 4)]),
    "unfold": (lambda x: F.unfold(x, 2, padding=1), [(1, 2, 3, 3)]),
    "fold": (lambda x: F.fold(x, (3, 3), 2), [(1, 8, 4)]),
    "layer_norm": (lambda x, w, b: F.layer_norm(x, (3,), w, b), [(2, 3), (3,), (3,)]),
    "cross_entropy": (lambda x: F.cross_entropy(x, fg.tensor([0, 2])), [(2, 3)]),
    "mse_loss": (lambda a, b: F.mse_loss(a, b), [(2, 3), (2, 3)]),
}


@pytest.mark.parametrize("name", sorted(LINALG_NN))
def test_matmul_and_nn_tangents(name):
    f, shapes = LINALG_NN[name]
    check_jvp(f, *[away_from_kinks(*s) for s in shapes])


def test_dtype_conversion_tangent():
    x, v = t64([0.5, -1.5]), t64([1.0, 2.0])
    with fwAD.dual_level():
        y = fwAD.make_dual(x, v).to(fg.float32) * 2
        tangent = fwAD.unpack_dual(y).tangent
    assert tangent.dtype == fg.float32
    np.testing.assert_allclose(as_np(tangent), [2.0, 4.0])


def test_tangent_crosses_devices():
    from ferrograd import cuda
    from ferrograd.cuda._numpy_backend import NumpyTable

    previous = cuda.use_backend(NumpyTable())
    try:
        check_jvp(lambda x: (x.to("cuda") * 2).exp().to("cpu"), away_from_kinks(3))
    finally:
        cuda.use_backend(previous)


# ----------------------------------------------------------------------------- API and semantics


def test_unpack_dual_returns_a_namedtuple_and_make_dual_leaves_the_primal_alone():
    x, v = t64([1.0, 2.0]), t64([3.0, 4.0])
    with fwAD.dual_level():
        dual = fwAD.make_dual(x, v)
        unpacked = fwAD.unpack_dual(dual)
        assert isinstance(unpacked, fwAD.UnpackedDualTensor) and isinstance(unpacked, tuple)
        primal, tangent = unpacked
        assert unpacked.primal is primal and unpacked.tangent is tangent
        np.testing.assert_array_equal(as_np(primal), [1.0, 2.0])
        np.testing.assert_array_equal(as_np(tangent), [3.0, 4.0])
        assert fwAD.unpack_dual(primal).tangent is None
        assert fwAD.unpack_dual(x).tangent is None
        assert fwAD.unpack_dual(x).primal is x


def test_tangents_are_dropped_when_the_level_exits():
    x, v = t64([1.0, 2.0]), t64([1.0, 1.0])
    with fwAD.dual_level():
        dual = fwAD.make_dual(x, v)
        y = dual.exp()
        assert fwAD.unpack_dual(y).tangent is not None
    assert fwAD.unpack_dual(dual).tangent is None
    assert fwAD.unpack_dual(y).tangent is None
    with fwAD.dual_level():
        assert fwAD.unpack_dual(dual).tangent is None
        assert fwAD.unpack_dual(dual.exp()).tangent is None


def test_enter_and_exit_dual_level_functions():
    level = fwAD.enter_dual_level()
    try:
        assert level == 0
        dual = fwAD.make_dual(t64([1.0]), t64([2.0]), level=level)
        assert fwAD.unpack_dual(dual * 3, level=level).tangent.item() == 6.0
        with pytest.raises(RuntimeError, match=r"[Nn]ested"):
            fwAD.enter_dual_level()
        with pytest.raises(RuntimeError):
            fwAD.make_dual(t64([1.0]), t64([2.0]), level=5)
    finally:
        fwAD.exit_dual_level(level=level)
    with pytest.raises(RuntimeError):
        fwAD.exit_dual_level()


def test_dual_level_as_a_decorator():
    @fwAD.dual_level()
    def directional(x, v):
        return fwAD.unpack_dual(fwAD.make_dual(x, v).sin()).tangent

    np.testing.assert_allclose(
        as_np(directional(t64([0.0, 1.0]), t64([1.0, 1.0]))), [1.0, np.cos(1.0)]
    )


def test_make_dual_errors():
    with pytest.raises(RuntimeError, match="dual level"):
        fwAD.make_dual(t64([1.0]), t64([1.0]))
    with fwAD.dual_level():
        with pytest.raises(ValueError, match="size"):
            fwAD.make_dual(t64([1.0, 2.0]), t64([1.0]))
        with pytest.raises(TypeError, match="floating"):
            fwAD.make_dual(fg.tensor([1, 2]), t64([1.0, 2.0]))
        with pytest.raises(TypeError):
            fwAD.make_dual([1.0], t64([1.0]))


def test_tangents_propagate_under_no_grad_and_without_requires_grad():
    x, v = t64([0.5, 1.5]), t64([1.0, -1.0])
    with fwAD.dual_level():
        dual = fwAD.make_dual(x, v)
        with fg.no_grad():
            y = (dual * dual).sum()
        assert not y.requires_grad
        assert fwAD.unpack_dual(y).tangent.item() == pytest.approx(2 * (0.5 - 1.5))


def test_float32_tangents():
    x = fg.tensor([0.5, 1.5])
    with fwAD.dual_level():
        out = fwAD.make_dual(x, fg.ones(2)).exp()
        tangent = fwAD.unpack_dual(out).tangent
    assert tangent.dtype == fg.float32
    np.testing.assert_allclose(tangent.numpy(), np.exp([0.5, 1.5]), rtol=1e-6)


def test_inplace_updates_carry_the_tangent():
    x, v = t64([1.0, 2.0, 3.0]), t64([1.0, 0.0, -1.0])
    y_np = t64([2.0, 3.0, 4.0])
    with fwAD.dual_level():
        dual = fwAD.make_dual(x, v)
        z = dual * 1.0
        z.mul_(y_np)  # tangent v * y
        z.add_(dual)  # + v
        z.exp_()  # * exp(z)
        expected = (as_np(v) * as_np(y_np) + as_np(v)) * as_np(z)  # z is exp(...) now
        np.testing.assert_allclose(as_np(fwAD.unpack_dual(z).tangent), expected)
        w = fg.zeros(3, dtype=fg.float64)
        w.copy_(dual)  # a plain tensor takes the dual's tangent
        np.testing.assert_allclose(as_np(fwAD.unpack_dual(w).tangent), as_np(v))
        w.fill_(2.0)  # a constant: tangent zero
        t = fwAD.unpack_dual(w).tangent
        assert t is None or not as_np(t).any()


def test_custom_function_with_dual_inputs_is_refused():
    class Double(fg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    with fwAD.dual_level():
        dual = fwAD.make_dual(t64([1.0]), t64([1.0]))
        # PyTorch's NotImplementedError, a RuntimeError
        with pytest.raises(RuntimeError, match="You must implement the jvp function"):
            Double.apply(dual)


def test_dual_of_a_leaf_that_requires_grad_sends_gradients_to_the_leaf():
    x = t64([1.0, 2.0], requires_grad=True)
    with fwAD.dual_level():
        dual = fwAD.make_dual(x, t64([1.0, 1.0]))
        (dual * dual).sum().backward()
    np.testing.assert_allclose(as_np(x.grad), [2.0, 4.0])


def test_forward_over_reverse_hessian_vector_product():
    def f(x):
        return (x.exp() * x.tanh())[1:].sum() + x.sigmoid().sum() + x.softmax(0)[0] + (x @ x) ** 1.5

    a, v = positive(4), RNG.standard_normal(4)
    with fwAD.dual_level():
        x = fwAD.make_dual(t64(a, requires_grad=True), t64(v))
        (g,) = fg.autograd.grad(f(x), x)
        hv = as_np(fwAD.unpack_dual(g).tangent)

    def grad_at(arr):
        x = t64(arr, requires_grad=True)
        return as_np(fg.autograd.grad(f(x), x)[0])

    eps = 1e-6
    expected = (grad_at(a + eps * v) - grad_at(a - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hv, expected, rtol=1e-5, atol=1e-7)


def test_reverse_over_forward_differentiates_the_tangent():
    x = t64([0.3, 1.2], requires_grad=True)
    with fwAD.dual_level():
        dual = fwAD.make_dual(x, t64([1.0, 1.0]))
        jv = fwAD.unpack_dual(dual.sin().sum()).tangent  # sum(cos x)
        (g,) = fg.autograd.grad(jv, x)
    np.testing.assert_allclose(as_np(g), -np.sin([0.3, 1.2]))


def test_amax_amin_over_a_dim_share_the_tangent_among_ties():
    # PyTorch 2.15's tangents: the mean of the tied elements' tangents.
    x = fg.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], dtype=fg.float64)
    t = fg.tensor([[1.0, 2.0, 4.0], [1.0, 2.0, 6.0]], dtype=fg.float64)
    with fwAD.dual_level():
        d = fwAD.make_dual(x, t)
        assert fwAD.unpack_dual(d.amax(1)).tangent.tolist() == [3.0, 3.0]
        assert fwAD.unpack_dual(d.amin(1)).tangent.tolist() == [1.0, 3.0]
        kept = fwAD.unpack_dual(d.amax(1, keepdim=True)).tangent
        assert kept.tolist() == [[3.0], [3.0]]
    forward = fg.func.jacfwd(lambda a: a.amax(1))(x)
    backward = fg.func.jacrev(lambda a: a.amax(1))(x)
    assert forward.tolist() == backward.tolist()
