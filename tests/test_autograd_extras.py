"""Autograd features tutorials use: custom ``Function`` with ``jvp`` (forward mode), ``vmap``
(its staticmethod, or ``generate_vmap_rule``), ``setup_context``, extra trailing ``None``
gradients and None for non-tensor outputs; ``unpack_dual(make_dual(p, t)).tangent is t``;
``grad_fn._saved_*``; ``saved_tensors_hooks`` / ``save_on_cpu``; ``gradcheck(fast_mode=True,
check_forward_ad=True, check_batched_grad=True)``. Values are PyTorch's (recorded)."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.autograd.forward_ad as fwAD
from ferrograd.autograd import Function, gradcheck, gradgradcheck
from ferrograd.autograd.graph import save_on_cpu, saved_tensors_hooks
from ferrograd.func import grad, jacfwd, jvp, vmap


def t64(values, requires_grad=False):
    return fg.tensor(values, dtype=fg.float64, requires_grad=requires_grad)


def assert_close(actual, expected, rtol=1e-10):
    np.testing.assert_allclose(np.asarray(actual.detach().numpy()), expected, rtol=rtol, atol=1e-12)


# ----------------------------------------------------------------------------- custom Function


class MulWithJvp(Function):
    """x * y with a forward-mode rule that reads what ``save_for_forward`` kept."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_forward(x, y)
        ctx.save_for_backward(x, y)
        return x * y, x + 1

    @staticmethod
    def backward(ctx, g, h):
        x, y = ctx.saved_tensors
        return g * y + h, g * x

    @staticmethod
    def jvp(ctx, tx, ty):
        x, y = ctx.saved_tensors
        return tx * y + ty * x, tx


def test_function_jvp_gives_the_output_tangents():
    with fwAD.dual_level():
        x = fwAD.make_dual(t64([1.0, 2.0]), t64([1.0, 0.0]))
        y = t64([3.0, 4.0])  # no tangent: jvp receives zeros for it, as in PyTorch
        product, shifted = MulWithJvp.apply(x, y)
        assert_close(fwAD.unpack_dual(product).tangent, [3.0, 0.0])
        assert_close(fwAD.unpack_dual(shifted).tangent, [1.0, 0.0])
        assert_close(fwAD.unpack_dual(product).primal, [3.0, 8.0])


def test_function_jvp_through_func_transforms_and_backward_still_works():
    x, y = t64([1.0, 2.0]), t64([3.0, 4.0])
    _, tangents = jvp(lambda a: MulWithJvp.apply(a, y), (x,), (t64([1.0, 1.0]),))
    assert_close(tangents[0], [3.0, 4.0])
    # jacfwd runs jvp under vmap, which a Function without a vmap rule refuses (as PyTorch)
    with pytest.raises(RuntimeError, match="does not have vmap support"):
        jacfwd(lambda a: MulWithJvp.apply(a, y)[0])(x)
    a = t64([1.0, 2.0], requires_grad=True)
    product, shifted = MulWithJvp.apply(a, y)
    (product.sum() + shifted.sum()).backward()
    assert_close(a.grad, [4.0, 5.0])


def test_a_function_without_jvp_refuses_dual_inputs_as_pytorch():
    class NoJvp(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    expected = "You must implement the jvp function"
    with fwAD.dual_level(), pytest.raises(NotImplementedError, match=expected):
        NoJvp.apply(fwAD.make_dual(t64([1.0]), t64([1.0])))


def test_backward_may_return_extra_trailing_nones():
    class Scaled(Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.k = k
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None, None, None

    x = t64([1.0, 2.0], requires_grad=True)
    Scaled.apply(x, 3.0).sum().backward()
    assert_close(x.grad, [3.0, 3.0])

    class TooMany(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    expected = r"returned an incorrect number of gradients \(expected 1, got 2\)"
    with pytest.raises(RuntimeError, match=expected):
        TooMany.apply(x).sum().backward()


class LinearWithOptionalBias(Function):
    """Saves None for a missing bias, as PyTorch's custom-Function tutorial does."""

    @staticmethod
    def forward(ctx, x, w, b=None):
        ctx.save_for_backward(x, w, b)
        y = x @ w.t()
        return y if b is None else y + b

    @staticmethod
    def backward(ctx, g):
        x, w, b = ctx.saved_tensors
        return g @ w, g.t() @ x, (None if b is None else g.sum(0))


def test_save_for_backward_keeps_none_in_its_place():
    x = t64([[1.0, 2.0], [3.0, 4.0], [5.0, -1.0]], requires_grad=True)
    w = t64([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    b = t64([0.1, -0.2], requires_grad=True)
    assert gradcheck(LinearWithOptionalBias.apply, (x, w))
    assert gradcheck(LinearWithOptionalBias.apply, (x, w, b))
    LinearWithOptionalBias.apply(x, w).sum().backward()
    assert_close(w.grad, [[9.0, 5.0], [9.0, 5.0]])


def test_backward_receives_none_for_a_non_tensor_output():
    received = []

    class WithCount(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, 5, x * 3

        @staticmethod
        def backward(ctx, g1, g2, g3):
            received.append(g2)
            return g1 * 2 + g3 * 3

    x = t64([1.0, 2.0], requires_grad=True)
    a, count, b = WithCount.apply(x)
    assert count == 5
    (a + b).sum().backward()
    assert received == [None]
    assert_close(x.grad, [5.0, 5.0])


class Exp(Function):
    """exp in the setup_context style (forward without ctx)."""

    @staticmethod
    def forward(x):
        return x.exp()

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y


class ExpBatched(Exp):
    generate_vmap_rule = True


class Scale(Function):
    @staticmethod
    def forward(x, k):
        return x * k

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.k = inputs[1]

    @staticmethod
    def backward(ctx, g):
        return g * ctx.k, None

    @staticmethod
    def vmap(info, in_dims, x, k):
        Scale.seen = (info.batch_size, info.randomness, in_dims)
        return Scale.apply(x, k), in_dims[0]


def test_setup_context_style_forward_and_backward():
    x = t64([0.0, 1.0], requires_grad=True)
    Exp.apply(x).sum().backward()
    assert_close(x.grad, np.exp([0.0, 1.0]))


def test_vmap_over_a_function_needs_a_rule():
    with pytest.raises(RuntimeError, match="does not have vmap support"):
        vmap(Exp.apply)(t64([[1.0], [2.0]]))

    class OldStyle(Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    with pytest.raises(RuntimeError, match="must override the setup_context staticmethod"):
        vmap(OldStyle.apply)(t64([[1.0], [2.0]]))


def test_vmap_staticmethod_and_generated_rule():
    x = t64([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    out = vmap(Scale.apply, in_dims=(1, None))(x, 2.0)
    assert Scale.seen == (2, "error", (0, None))
    assert_close(out, (x * 2).T.numpy())
    assert_close(vmap(ExpBatched.apply)(x), np.exp(x.numpy()))
    # grad inside vmap runs the backward under vmap too: per-sample gradients
    per_sample = vmap(grad(lambda v: ExpBatched.apply(v).sum()))(x)
    assert_close(per_sample, np.exp(x.numpy()))
    shared = t64([0.5, -0.5], requires_grad=True)
    vmap(lambda v: ExpBatched.apply(v * shared).sum())(x).sum().backward()
    assert_close(shared.grad, (x * np.exp((x * shared).detach().numpy())).sum(0).numpy())


# ----------------------------------------------------------------------------- forward_ad


def test_unpack_dual_returns_the_tangent_given_to_make_dual():
    with fwAD.dual_level():
        tangent = t64([1.0, 2.0])
        dual = fwAD.make_dual(t64([0.0, 0.0]), tangent)
        assert fwAD.unpack_dual(dual).tangent is tangent
        assert fwAD.unpack_dual(dual * 1).tangent is not tangent  # a result: its own tangent
        converted = fg.ones(2, dtype=fg.float32)
        dual = fwAD.make_dual(t64([0.0, 0.0]), converted)  # the engine keeps a float64 copy
        assert fwAD.unpack_dual(dual).tangent.dtype == fg.float64
    assert fwAD.unpack_dual(dual).tangent is None
    assert fwAD._given_tangents == {}


# ----------------------------------------------------------------------------- saved values


def test_grad_fn_saved_values_under_pytorch_names():
    x = fg.tensor([0.5, 1.0, 2.0], requires_grad=True)
    y = fg.tensor([1.5, -1.0, 0.25], requires_grad=True)
    product = x * y
    assert product.grad_fn._saved_self is not None
    assert_close(product.grad_fn._saved_self, [0.5, 1.0, 2.0])
    assert_close(product.grad_fn._saved_other, [1.5, -1.0, 0.25])
    assert_close(x.exp().grad_fn._saved_result, [1.6487212707, 2.7182818285, 7.3890560989], 1e-6)
    power = x.pow(y)
    assert type(power.grad_fn).__name__ == "PowBackward1"
    assert_close(power.grad_fn._saved_exponent, [1.5, -1.0, 0.25])
    assert_close(x.softmax(0).grad_fn._saved_result, [0.1402, 0.2312, 0.6285], 1e-3)
    assert fg.where(x > 1, x, y).grad_fn._saved_condition.tolist() == [False, False, True]
    assert (x * 2).grad_fn._saved_self is None  # not needed: only the constant is
    assert not hasattr(x.sum().grad_fn, "_saved_nothing")
    sine = x.sin()
    sine.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        _ = sine.grad_fn._saved_self


def test_saved_tensors_hooks_pack_and_unpack_every_saved_value():
    x = fg.tensor([0.5, 1.0, 2.0], requires_grad=True)
    y = fg.tensor([1.5, -1.0, 0.25], requires_grad=True)
    packed, unpacked = [], []

    def pack(t):
        packed.append(tuple(t.shape))
        return t * 1  # an operation inside the hook is not packed again

    def unpack(t):
        unpacked.append(tuple(t.shape))
        return t

    with saved_tensors_hooks(pack, unpack):
        z = (x * y).sin().exp().sum()
    assert packed == [(3,)] * 4  # mul: both operands; sin: its input; exp: its output
    z.backward()
    assert len(unpacked) == 4
    # PyTorch's gradients (recorded)
    assert_close(x.grad, [2.1699, -0.2329, 0.3544], 1e-3)
    assert_close(y.grad, [0.7233, 0.2329, 2.8348], 1e-3)


def test_saved_tensors_hooks_nest_and_unpack_what_pack_made():
    x = t64([1.0, 2.0], requires_grad=True)
    log = []
    with saved_tensors_hooks(lambda t: ("outer", t), lambda p: p[1]):
        with saved_tensors_hooks(lambda t: log.append("inner") or ("inner", t * 2), lambda p: p[1]):
            y = x * x
        z = x.sin()
    assert log == ["inner", "inner"]
    (y.sum() + z.sum()).backward()
    # the inner hooks doubled the saved x: each factor's gradient reads the other, 2x
    assert_close(x.grad, [4.0 + np.cos(1.0), 8.0 + np.cos(2.0)])
    with saved_tensors_hooks(lambda t: t, lambda p: "not a tensor"):
        w = x * x
    with pytest.raises(TypeError, match="unpack_hook expected to be a Tensor"):
        w.sum().backward()


def test_saved_tensors_hooks_errors_propagate_and_leave_no_hooks():
    x = t64([1.0], requires_grad=True)

    def failing(t):
        raise ValueError("pack failed")

    with pytest.raises(ValueError, match="pack failed"), saved_tensors_hooks(failing, lambda p: p):
        _ = x * x
    y = x * x  # no hooks left installed
    y.backward()
    assert_close(x.grad, [2.0])


def test_save_on_cpu_gives_the_same_gradients():
    x = fg.tensor([0.5, 1.0, 2.0], requires_grad=True)
    y = fg.tensor([1.5, -1.0, 0.25], requires_grad=True)
    with save_on_cpu(pin_memory=False):
        z = (x * y).tanh().sum()
    z.backward()
    expected = (1 - np.tanh(x.detach().numpy() * y.detach().numpy()) ** 2) * y.detach().numpy()
    assert_close(x.grad, expected, 1e-6)


def test_double_backward_through_a_packed_output():
    x = t64([0.5, 1.0], requires_grad=True)
    with saved_tensors_hooks(lambda t: t, lambda t: t):
        y = x.exp()  # saves its output
    (g,) = fg.autograd.grad(y.sum(), x, create_graph=True)
    g.sum().backward()
    assert_close(x.grad, np.exp([0.5, 1.0]))


# ----------------------------------------------------------------------------- gradcheck


class WrongBackward(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 3

    @staticmethod
    def jvp(ctx, t):
        return t * 3


def test_gradcheck_fast_mode():
    x = t64([0.3, -1.2, 2.0], requires_grad=True)
    y = t64([1.0, 0.5, -0.5], requires_grad=True)
    assert gradcheck(lambda a, b: (a.sin() * b, a @ b), (x, y), fast_mode=True)
    assert gradgradcheck(lambda a: (a.sin() ** 2).sum(), (x,), fast_mode=True)
    with pytest.raises(fg.autograd.GradcheckError, match="computed \nin fast mode"):
        gradcheck(WrongBackward.apply, (x,), fast_mode=True)
    assert gradcheck(WrongBackward.apply, (x,), fast_mode=True, raise_exception=False) is False


def test_gradcheck_forward_ad_and_batched_grad():
    x = t64([0.3, -1.2, 2.0], requires_grad=True)
    y = t64([1.0, 0.5, -0.5], requires_grad=True)
    for fast in (False, True):
        assert gradcheck(
            lambda a, b: (a.sin() * b, a @ b),
            (x, y),
            check_forward_ad=True,
            check_batched_grad=True,
            check_batched_forward_grad=True,
            fast_mode=fast,
        )
    assert gradgradcheck(lambda a: (a.exp() * a).sum(), (x,), check_fwd_over_rev=True)
    # the backward is right, the jvp is not: only the forward check fails
    assert gradcheck(lambda a: WrongBackward.apply(a) * 1.5, (x,), check_backward_ad=False,
                     check_forward_ad=True, raise_exception=False) is False  # fmt: skip


def test_gradcheck_batched_grad_catches_a_wrong_batching_rule():
    class BadRule(Function):
        @staticmethod
        def forward(x):
            return x * 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g):
            return g * 2

        @staticmethod
        def vmap(info, in_dims, x):
            return BadRule.apply(x).flip(0), in_dims[0]  # mixes the samples up

    x = t64([0.3, -1.2, 2.0], requires_grad=True)
    assert gradcheck(BadRule.apply, (x,))
    assert gradcheck(BadRule.apply, (x,), check_batched_grad=True, raise_exception=False) is False
