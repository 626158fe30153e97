"""Autograd beyond plain backward: grad(), higher order, hooks, custom Functions, in-place
version checks, grad modes, anomaly detection, checkpointing and threads."""

from __future__ import annotations

import gc
import threading

import numpy as np
import pytest

import ferrograd as fg
from ferrograd.autograd import Function, gradcheck, gradgradcheck, once_differentiable


def f64(values, requires_grad=True):
    return fg.tensor(values, dtype=fg.float64, requires_grad=requires_grad)


# --- grad() -------------------------------------------------------------------------------


def test_grad_returns_gradients_without_touching_dot_grad():
    x = f64([1.0, 2.0, 3.0])
    (g,) = fg.autograd.grad((x**2).sum(), x)
    np.testing.assert_allclose(g.numpy(), [2.0, 4.0, 6.0])
    assert x.grad is None


def test_grad_of_unused_input_raises_unless_allowed():
    x, y = f64([1.0]), f64([2.0])
    with pytest.raises(RuntimeError, match="allow_unused"):
        fg.autograd.grad((x * 3).sum(), [x, y], retain_graph=True)
    gx, gy = fg.autograd.grad((x * 3).sum(), [x, y], allow_unused=True, retain_graph=True)
    assert gy is None and gx.item() == 3.0
    gx, gy = fg.autograd.grad((x * 3).sum(), [x, y], materialize_grads=True)
    assert gy.tolist() == [0.0]


def test_grad_runs_only_the_part_of_the_graph_it_needs():
    x = f64([2.0])
    y = f64([3.0])
    unrelated = (y.exp() * 2).sum()
    unrelated.backward()  # frees y's branch
    out = (x * 5).sum() + unrelated.detach()
    (g,) = fg.autograd.grad(out, x)
    assert g.item() == 5.0


def test_backward_inputs_restricts_accumulation():
    a, b = f64([1.0]), f64([2.0])
    (a * b).sum().backward(inputs=[a])
    assert a.grad.item() == 2.0 and b.grad is None


def test_retain_grad_keeps_non_leaf_gradients():
    x = f64([1.0, 2.0])
    h = x * 3
    h.retain_grad()
    assert h.retains_grad
    (h**2).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), 2 * h.detach().numpy())


# --- higher order --------------------------------------------------------------------------


def test_third_derivative_of_x_to_the_fourth_is_24x():
    x = f64(1.7)
    g = x**4
    for _ in range(3):
        (g,) = fg.autograd.grad(g, x, create_graph=True)
    assert g.item() == pytest.approx(24 * 1.7)


def _two_layer(params, x):
    w1, w2 = params[:6].reshape(3, 2), params[6:].reshape(2, 1)
    return ((x @ w1).tanh() @ w2).sum()


def test_hessian_of_a_two_layer_network_matches_finite_differences():
    rng = np.random.default_rng(0)
    x = fg.tensor(rng.normal(size=(4, 3)), dtype=fg.float64)
    p0 = rng.normal(size=8)
    params = f64(p0)
    (g,) = fg.autograd.grad(_two_layer(params, x), params, create_graph=True)
    hessian = np.stack(
        [fg.autograd.grad(g[i], params, retain_graph=True)[0].numpy() for i in range(8)]
    )

    def gradient(p):
        t = f64(p)
        return fg.autograd.grad(_two_layer(t, x), t)[0].numpy()

    eps = 1e-6
    numeric = np.stack(
        [(gradient(p0 + eps * e) - gradient(p0 - eps * e)) / (2 * eps) for e in np.eye(8)]
    )
    np.testing.assert_allclose(hessian, numeric, atol=1e-6)
    np.testing.assert_allclose(hessian, hessian.T, atol=1e-10)


@pytest.mark.parametrize(
    "fn",
    [
        lambda a, b: a * b + a / b,
        lambda a, b: (a.exp() + b.sin()).log(),
        lambda a, b: (a @ b.T).tanh().sigmoid(),
        lambda a, b: (a**2).sqrt() * b.cos(),
        lambda a, b: a.pow(b.abs() + 1.0),
        lambda a, b: a.max(dim=1).values * b.sum(dim=1),
        lambda a, b: a[:, ::2].relu() * b[:, 1:2] - a.mean(),
        lambda a, b: a.transpose(0, 1).reshape(-1) * b.flatten(),
        lambda a, b: a.clamp(-0.5, 0.5) * b,
    ],
)
def test_gradgradcheck_of_compositions(fn):
    rng = np.random.default_rng(1)
    a = f64(rng.uniform(0.5, 1.5, (3, 4)))
    b = f64(rng.uniform(0.5, 1.5, (3, 4)))
    assert gradgradcheck(fn, (a, b))


# --- hooks --------------------------------------------------------------------------------


def test_tensor_hook_sees_and_replaces_the_gradient():
    x = f64([1.0, 2.0])
    y = x * 2
    seen = []
    handle = y.register_hook(lambda g: seen.append(g.tolist()) or g * 10)
    y.sum().backward()
    assert seen == [[1.0, 1.0]]
    np.testing.assert_allclose(x.grad.numpy(), [20.0, 20.0])
    handle.remove()
    x.grad = None
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def test_leaf_hook_runs_before_accumulation():
    x = f64([1.0])
    x.register_hook(lambda g: g + 1)
    (x * 3).sum().backward()
    assert x.grad.item() == 4.0


def test_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        fg.ones(2).register_hook(lambda g: g)


def test_post_accumulate_grad_hook_sees_the_leaf():
    x = f64([1.0, 1.0])
    grads = []
    x.register_post_accumulate_grad_hook(lambda t: grads.append(t.grad.tolist()))
    (x * 4).sum().backward()
    assert grads == [[4.0, 4.0]]


def test_grad_fn_hooks_and_prehooks():
    x = f64([2.0])
    y = x * 3
    calls = []
    y.grad_fn.register_prehook(lambda gout: calls.append(("pre", gout[0].item())))
    y.grad_fn.register_hook(
        lambda gin, gout: (
            calls.append(("post", gin[0].item(), gout[0].item())) or (gin[0] * 2, None)
        )
    )
    y.sum().backward()
    assert calls == [("pre", 1.0), ("post", 3.0, 1.0)]
    assert x.grad.item() == 6.0


def test_hook_errors_propagate_as_the_original_exception():
    x = f64([1.0])
    y = x * 2

    def broken(grad):
        raise KeyError("from the hook")

    y.register_hook(broken)
    with pytest.raises(KeyError, match="from the hook"):
        y.sum().backward()


def test_graphs_with_hooks_are_freed():
    gc.collect()
    before = fg._core.live_nodes()
    for _ in range(200):
        x = f64(np.ones(8))
        y = (x * 2).exp()
        y.register_hook(lambda g: g * 0.5)
        y.sum().backward()
        del x, y
    gc.collect()
    assert fg._core.live_nodes() - before < 5


# --- custom Functions ----------------------------------------------------------------------


class Cube(Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(x)
        ctx.scale = scale
        return x**3 * scale

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x**2 * ctx.scale, None


def test_custom_function_gradient_and_double_backward():
    x = f64([0.5, -1.0, 2.0])
    assert gradcheck(lambda t: Cube.apply(t, 2.0), (x,))
    assert gradgradcheck(lambda t: Cube.apply(t, 2.0), (x,))
    y = Cube.apply(x, 2.0)
    assert type(y.grad_fn).__name__ == "CubeBackward"


class SplitSign(Function):
    @staticmethod
    def forward(ctx, x):
        positive = x.clamp(min=0.0)
        mask = x > 0
        ctx.mark_non_differentiable(mask)
        ctx.save_for_backward(mask)
        return positive, mask

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_positive, grad_mask):
        (mask,) = ctx.saved_tensors
        assert ctx.needs_input_grad == (True,)
        return grad_positive * mask.double()


def test_several_outputs_and_non_differentiable_outputs():
    x = f64([-1.0, 2.0])
    positive, mask = SplitSign.apply(x)
    assert not mask.requires_grad and positive.requires_grad
    positive.sum().backward()
    assert x.grad.tolist() == [0.0, 1.0]


def test_wrong_number_of_gradients_names_the_function():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, grad):
            return grad

    with pytest.raises(RuntimeError, match="BadBackward returned an incorrect number of gradients"):
        Bad.apply(f64([1.0]), f64([2.0])).sum().backward()


def test_wrong_gradient_shape_names_the_function():
    class BadShape(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return fg.ones(5, dtype=fg.float64)

    with pytest.raises(ValueError, match="BadShapeBackward"):
        BadShape.apply(f64([1.0, 2.0])).sum().backward()


def test_mark_dirty_rebases_the_input():
    class AddOneInPlace(Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1.0)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad

    a = f64([1.0, 2.0])
    b = a * 1.0
    out = AddOneInPlace.apply(b)
    assert out is b and b.grad_fn.name() == "AddOneInPlaceBackward"
    (b * 2).sum().backward()
    assert a.grad.tolist() == [2.0, 2.0]


def test_materialize_grads_switch():
    seen = []

    class Two(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 1.0, x * 2.0

        @staticmethod
        def backward(ctx, g1, g2):
            seen.append((g1 is None, g2 is None))
            return g1

    x = f64([1.0])
    first, _ = Two.apply(x)
    first.sum().backward()
    assert seen == [(False, True)]


# --- in-place safety ------------------------------------------------------------------------


def test_modifying_a_saved_value_in_place_raises_with_versions():
    x = f64([1.0, 2.0])
    y = x * 1.0
    z = (y * y).sum()
    assert y._version == 0
    y.add_(1.0)
    assert y._version == 1
    with pytest.raises(
        RuntimeError, match=r"modified by an inplace operation.*version 1; expected version 0"
    ):
        z.backward()


def test_detached_alias_shares_the_version_counter():
    x = f64([1.0])
    y = x.exp()
    alias = y.detach()
    alias.zero_()
    assert y._version == 1
    with pytest.raises(RuntimeError, match="inplace"):
        y.sum().backward()


# --- grad modes ----------------------------------------------------------------------------


def test_inference_mode_tensors_cannot_be_saved_later():
    with fg.inference_mode():
        t = fg.ones(3) * 2
        assert not fg.is_grad_enabled() and fg.is_inference_mode_enabled()
    assert t.is_inference() and fg.is_grad_enabled()
    w = fg.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="Inference tensors cannot be saved for backward"):
        w * t
    (w + t).sum().backward()  # nothing saved: allowed, as in PyTorch
    with pytest.raises(RuntimeError, match="Inplace update to inference tensor"):
        t.add_(1.0)


def test_inference_flag_is_fixed_at_creation_and_kept_by_detach():
    with fg.inference_mode():
        t = fg.ones(2)
    u = fg.ones(2)
    with fg.inference_mode():
        assert not u.is_inference() and not u.detach().is_inference()
    assert (
        t.is_inference() and t.detach().is_inference()
    )  # PyTorch: a detached inference tensor is one
    assert not (u * 2).is_inference()


def test_inference_mode_as_decorator():
    @fg.inference_mode()
    def infer(x):
        return x * 2

    assert not infer(fg.ones(2, requires_grad=True)).requires_grad


def test_grad_mode_is_thread_local():
    seen = {}

    def worker():
        seen["worker"] = fg.is_grad_enabled()

    with fg.no_grad():
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert seen["worker"] is True


def test_anomaly_mode_names_the_node_and_shows_the_forward_trace():
    with fg.autograd.detect_anomaly():
        x = f64([0.0])
        y = (x.sqrt() * 0.0).sqrt()  # 0 * inf -> nan in backward
        with pytest.raises(
            RuntimeError, match=r"(?s)returned nan values.*test_autograd_features.py"
        ):
            y.sum().backward()
    assert not fg.autograd.is_anomaly_enabled()


# --- checkpoint ----------------------------------------------------------------------------


def test_checkpoint_gives_the_same_gradients_and_keeps_fewer_nodes():
    from ferrograd.utils.checkpoint import checkpoint

    rng = np.random.default_rng(3)
    w = f64(rng.normal(size=(8, 8)) * 0.3)
    x = f64(rng.normal(size=(4, 8)))

    def segment(t):
        for _ in range(20):
            t = (t @ w).tanh()
        return t

    baseline_nodes = fg._core.live_nodes()
    out = segment(x).sum()
    plain_nodes = fg._core.live_nodes() - baseline_nodes
    out.backward()
    expected = (w.grad.numpy().copy(), x.grad.numpy().copy())
    del out
    w.grad = None
    x.grad = None

    out = checkpoint(segment, x).sum()
    checkpointed_nodes = fg._core.live_nodes() - baseline_nodes
    out.backward()
    np.testing.assert_allclose(w.grad.numpy(), expected[0], atol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), expected[1], atol=1e-12)
    assert checkpointed_nodes < plain_nodes / 5


def test_checkpoint_pairs_gradients_with_tensor_outputs_after_a_non_tensor_one():
    from ferrograd.utils.checkpoint import checkpoint

    x = f64([1.0, 2.0])
    count, doubled = checkpoint(lambda t: (3, t * 2.0), x)
    assert count == 3
    doubled.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


# --- threads -------------------------------------------------------------------------------


def _work(seed):
    rng = np.random.default_rng(seed)
    w = f64(rng.normal(size=(16, 16)))
    x = fg.tensor(rng.normal(size=(8, 16)), dtype=fg.float64)
    for _ in range(30):
        loss = ((x @ w).tanh() ** 2).mean()
        loss.backward()
    return w.grad.numpy()


def test_backward_from_eight_threads_matches_one_thread():
    expected = [_work(seed) for seed in range(8)]
    results = [None] * 8

    def run(i):
        results[i] = _work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got, want in zip(results, expected, strict=True):
        np.testing.assert_array_equal(got, want)


# --- add_(other, alpha=...) ------------------------------------------------------------------


def test_add_with_alpha_in_place_values_and_gradients():
    p = fg.tensor([1.0, 2.0, 3.0])
    p.add_(fg.tensor([1.0, 1.0, 1.0]), alpha=-0.5)
    assert p.tolist() == [0.5, 1.5, 2.5]
    p.add_(p, alpha=2.0)  # aliasing operands
    assert p.tolist() == [1.5, 4.5, 7.5]
    p.sub_(fg.tensor(1.0), alpha=2.0)  # broadcast scalar tensor
    assert p.tolist() == [-0.5, 2.5, 5.5]
    version = p._version
    p.add_(fg.ones(3), alpha=3)
    assert p._version == version + 1

    # On a recorded tensor the update is recorded: d/dx of (x * 1 + 2 * w) is 1, d/dw is 2.
    x, w = f64([1.0, 2.0]), f64([3.0, 4.0])
    y = x * 1.0
    y.add_(w, alpha=2.0)
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0] and w.grad.tolist() == [2.0, 2.0]

    leaf = f64([1.0])
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        leaf.add_(fg.ones(1, dtype=fg.float64), alpha=2.0)
    with pytest.raises(ValueError, match="broadcast"):
        fg.zeros(3).add_(fg.ones(2, 3), alpha=2.0)
