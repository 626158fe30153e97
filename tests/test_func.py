"""``ferrograd.func``'s differentiation transforms and ``functional_call``: values against
PyTorch's (recorded numbers, float64), their composition (with each other, with ``vmap`` and
with ordinary autograd), and PyTorch's errors for bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
from ferrograd.func import (
    functional_call,
    grad,
    grad_and_value,
    hessian,
    jacfwd,
    jacrev,
    jvp,
    stack_module_state,
    vjp,
    vmap,
)


def data(shape, k: float = 0.0):
    """Deterministic values, as in the reference script run with PyTorch."""
    n = int(np.prod(shape))
    return fg.tensor(np.sin(np.arange(n) * 0.7 + k).reshape(shape), dtype=fg.float64)


def check(actual, name: str):
    """``actual`` (a tensor, a number, or a nest of them) against PyTorch's ``name`` entries."""
    if isinstance(actual, (tuple, list)):
        for i, item in enumerate(actual):
            check(item, f"{name}.{i}")
        return
    if isinstance(actual, dict):
        for key, item in actual.items():
            check(item, f"{name}.{key}")
        return
    expected = np.asarray(PYTORCH[name], dtype=np.float64)
    got = actual.detach().numpy() if isinstance(actual, fg.Tensor) else np.asarray(actual)
    assert got.shape == expected.shape, (name, got.shape, expected.shape)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-11, err_msg=name)


x = data((3,))
y = data((3,), 1.0)
W = data((2, 3), 2.0)


def h(x):
    return (x**3).sum() + x[0] * x[1] * x[2].exp()


def test_grad_and_its_options():
    check(grad(lambda x: (x.sin() * x).sum())(x), "grad")
    check(grad(lambda x, y: (x * y.exp()).sum(), argnums=(0, 1))(x, y), "grad_argnums")
    check(grad_and_value(lambda x: (x**2).sum())(x), "grad_and_value")
    check(grad(lambda x: ((x**3).sum(), x.cos()), has_aux=True)(x), "grad_aux")
    params = {"w": W, "b": data((2,), 3.0)}
    out = grad(lambda p, x: ((p["w"] @ x + p["b"]).tanh() ** 2).sum())(params, x)
    assert set(out) == {"w", "b"}
    check(out, "grad_dict")


def test_grad_results_do_not_require_grad_and_inputs_are_untouched():
    inp = data((3,))
    g = grad(lambda t: (t**2).sum())(inp)
    assert not g.requires_grad and g.grad_fn is None
    assert not inp.requires_grad and inp.grad is None
    g, value = grad_and_value(lambda t: (t**2).sum())(inp)
    assert not value.requires_grad


def test_grad_of_an_unused_argument_is_zero():
    out = grad(lambda a, b: b.sum() * 0 + a.sum(), argnums=(0, 1))(x, y)
    np.testing.assert_array_equal(out[0].numpy(), np.ones(3))
    out = grad(lambda a, b: a.sum(), argnums=1)(x, y)
    np.testing.assert_array_equal(out.numpy(), np.zeros(3))


def test_vjp():
    out, fn = vjp(lambda x: x.tanh() @ W.T, x)
    check(out, "vjp_out")
    check(fn(data((2,), 4.0)), "vjp")
    check(fn(data((2,), 4.0)), "vjp")  # vjp_fn may be called again
    _, fn = vjp(lambda x, y: (x * y, (x + y).sin()), x, y)
    check(fn((data((3,), 5.0), data((3,), 6.0))), "vjp2")
    out, fn, aux = vjp(lambda x: (x * 2, "aux"), x, has_aux=True)
    assert aux == "aux"


def test_jvp():
    check(jvp(lambda x, y: (x * y, x.sin()), (x, y), (data((3,), 7.0), data((3,), 8.0))), "jvp")
    out, tangent, aux = jvp(lambda x: (x.exp(), x), (x,), (fg.ones(3, dtype=fg.float64),),
                            has_aux=True)  # fmt: skip
    np.testing.assert_allclose(out.numpy(), x.exp().numpy())
    np.testing.assert_allclose(tangent.numpy(), x.exp().numpy())
    np.testing.assert_allclose(aux.numpy(), x.numpy())
    # an output that does not depend on the inputs has a zero tangent
    _, tangent = jvp(lambda x: fg.ones(2, dtype=fg.float64), (x,), (x,))
    np.testing.assert_array_equal(tangent.numpy(), np.zeros(2))


def test_jacobians():
    f = lambda x: (W @ x).tanh()  # noqa: E731
    check(jacrev(f)(x), "jacrev")
    check(jacfwd(f)(x), "jacfwd")
    g2 = lambda x, y: ((x * y).sum(), x.outer(y))  # noqa: E731
    check(jacrev(g2, argnums=(0, 1))(x, y), "jacrev_tuple")
    check(jacfwd(g2, argnums=(0, 1))(x, y), "jacfwd_tuple")
    check(jacrev(f, chunk_size=1)(x), "jacrev")


def test_jacobian_of_a_dict_of_parameters():
    params = {"w": W, "b": data((2,), 3.0)}
    jac = jacrev(lambda p: p["w"] @ x + p["b"])(params)
    assert jac["w"].shape == (2, 2, 3) and jac["b"].shape == (2, 2)
    np.testing.assert_allclose(jac["b"].numpy(), np.eye(2))
    for i in range(2):
        np.testing.assert_allclose(jac["w"][i, i].numpy(), x.numpy())
    fwd = jacfwd(lambda p: p["w"] @ x + p["b"])(params)
    np.testing.assert_allclose(fwd["w"].numpy(), jac["w"].numpy())


def test_hessians_and_higher_orders():
    check(hessian(h)(x), "hessian")
    check(jacrev(jacrev(h))(x), "jacrev_jacrev")
    check(vmap(hessian(h))(data((2, 3), 9.0)), "vmap_hessian")
    check(grad(grad(lambda t: t.sin() * t**2))(fg.tensor(0.7, dtype=fg.float64)), "grad_grad")
    check(vmap(jacrev(lambda x: (W @ x).tanh()))(data((2, 3), 13.0)), "vmap_jacrev")


def test_composes_with_autograd_through_closures_and_inputs():
    """A gradient penalty: the transform's result is differentiated again by backward(), both
    with respect to a parameter the function closed over and to the input itself."""
    wp = data((3,), 10.0).requires_grad_()
    xp = data((3,), 11.0)
    u_x = grad(lambda x: (wp * x.sin()).pow(2).sum())(xp)
    assert u_x.requires_grad
    (u_x**2).sum().backward()
    check(wp.grad, "penalty_grad")
    xr = data((3,), 12.0).requires_grad_()
    grad(lambda x: (x**3).sum())(xr).sum().backward()
    check(xr.grad, "grad_backward")


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: grad(lambda x: x)(x), RuntimeError, "Expected f\\(\\*args\\) to return a scalar"),
        (lambda: grad(lambda x: 3.0)(x), RuntimeError, "to return a Tensor, got <class 'float'>"),
        (lambda: grad(lambda x: x.sum(), argnums=1)(x), RuntimeError,
         "Got argnum=1, but only 1 positional inputs"),
        (lambda: grad(lambda x: x.sum(), argnums=1.0)(x), RuntimeError,
         "argnums must be int or Tuple"),
        (lambda: grad(lambda x: x.sum(), argnums=())(x), RuntimeError, "argnums must be non-empty"),
        (lambda: grad(lambda x: x.sum(), argnums=(0, 0))(x), RuntimeError,
         "argnums elements must be unique"),
        (lambda: grad(lambda x: x.sum(), has_aux=True)(x), RuntimeError,
         "output of function f should be a tuple: \\(output, aux\\)"),
        (lambda: grad(lambda x: x.sum())(3.0), ValueError,
         "Thing passed to transform API must be Tensor, got <class 'float'>"),
        (lambda: jvp(lambda x: x, x, x), RuntimeError, "Expected primals to be a tuple"),
        (lambda: jvp(lambda x: x, (x,), (x, x)), RuntimeError,
         "Expected primals and tangents to have the same python structure"),
        (lambda: jvp(lambda x: x, (x,), (fg.ones(2),)), RuntimeError,
         "Trying to set a forward gradient that has a different size"),
        (lambda: jvp(lambda x: 2.0, (x,), (x,)), RuntimeError,
         "expected f\\(\\*primals\\) to return only tensors"),
        (lambda: vjp(lambda x: x, x)[1](fg.ones(2)), RuntimeError, "Mismatch in shape"),
        (lambda: vjp(lambda x: x, x)[1]((fg.ones(3),)), RuntimeError,
         "Expected pytree structure of cotangents"),
        (lambda: vjp(lambda x: 1.0, x), RuntimeError, "expected f\\(\\*primals\\) to return only"),
        (lambda: jacrev(lambda x: x)(3.0), ValueError, "Thing passed to transform API"),
        (lambda: jvp(lambda x: jvp(lambda y: y, (x,), (x,))[1], (x,), (x,)), RuntimeError,
         "nested forward-mode"),
    ],
)  # fmt: skip
def test_errors_as_pytorch(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_linearize_and_debug_unwrap():
    from ferrograd.func import debug_unwrap, linearize

    out, fn = linearize(lambda x: (x.sin(), x**2), fg.tensor([1.0, 2.0], dtype=fg.float64))
    # PyTorch's values
    np.testing.assert_allclose(out[0].numpy(), [0.841470984808, 0.909297426826], rtol=1e-10)
    np.testing.assert_allclose(fn(fg.ones(2, dtype=fg.float64))[0].numpy(),
                               [0.540302305868, -0.416146836547], rtol=1e-10)  # fmt: skip
    np.testing.assert_allclose(fn(fg.ones(2, dtype=fg.float64))[1].numpy(), [2.0, 4.0])
    with pytest.raises(RuntimeError, match="doesn't match the shape"):
        fn(fg.ones(3))
    with pytest.raises(RuntimeError, match="to have the same argspec as the primals"):
        fn(fg.ones(2), fg.ones(2))
    shapes = []
    vmap(lambda t: shapes.append(tuple(debug_unwrap(t).shape)) or t)(fg.ones(3, 2))
    assert shapes == [(3, 2)]
    assert debug_unwrap(x) is x


# ----------------------------------------------------------------------------- functional_call


class TwoLayers(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.Linear(2, 2)
        self.second = nn.Linear(2, 2)
        self.register_buffer("offset", fg.zeros(2))

    def forward(self, x):
        return self.second(self.first(x)) + self.offset


def test_functional_call_replaces_and_restores():
    model = TwoLayers()
    before = dict(model.state_dict(keep_vars=True))
    inp = fg.ones(1, 2)
    params = {
        "first.weight": fg.eye(2),
        "first.bias": fg.zeros(2),
        "second.weight": 2 * fg.eye(2),
        "second.bias": fg.ones(2),
        "offset": fg.full((2,), 10.0),
    }
    out = functional_call(model, params, (inp,))
    np.testing.assert_allclose(out.numpy(), [[13.0, 13.0]])
    out = functional_call(model, params, inp)  # a single argument need not be a tuple
    np.testing.assert_allclose(out.numpy(), [[13.0, 13.0]])
    after = model.state_dict(keep_vars=True)
    assert all(after[k] is before[k] for k in before)
    # a partial dict keeps the module's own tensors for the rest
    partial = functional_call(model, {"offset": fg.full((2,), 10.0)}, (inp,))
    np.testing.assert_allclose(partial.detach().numpy(), (model(inp) + 10).detach().numpy())


def test_functional_call_restores_after_an_error():
    model = TwoLayers()
    weight = model.first.weight
    with pytest.raises(ValueError):
        functional_call(model, {"first.weight": fg.zeros(2, 5)}, (fg.ones(1, 2),))
    assert model.first.weight is weight


def test_functional_call_dict_tuples_tied_weights_and_strict():
    model = TwoLayers()
    model.second.weight = model.first.weight
    inp = fg.ones(1, 2)
    out = functional_call(model, ({"first.weight": fg.zeros(2, 2)}, {"offset": fg.ones(2)}), inp)
    np.testing.assert_allclose(out.detach().numpy(), (model.second.bias + 1).detach().numpy()[None])
    untied = functional_call(model, {"first.weight": fg.zeros(2, 2)}, inp, tie_weights=False)
    assert not np.allclose(untied.detach().numpy(), out.detach().numpy())
    with pytest.raises(ValueError, match="appeared in multiple dictionaries"):
        functional_call(model, ({"offset": fg.ones(2)}, {"offset": fg.ones(2)}), inp)
    with pytest.raises(ValueError, match=r"which are tied\. Consider using tie_weights=False"):
        functional_call(model, {"first.weight": fg.eye(2), "second.weight": fg.eye(2)}, inp)
    with pytest.raises(RuntimeError, match=r"Missing key\(s\): 'first\.bias', 'offset', "):
        functional_call(model, {"first.weight": fg.eye(2)}, inp, strict=True)
    with pytest.raises(RuntimeError, match="Unexpected key\\(s\\): 'extra'"):
        params = dict(model.named_parameters(remove_duplicate=False))
        params["offset"], params["extra"] = fg.ones(2), fg.ones(1)
        functional_call(model, params, inp, strict=True)


def test_functional_call_with_batch_norm_buffers():
    bn = nn.BatchNorm1d(2)
    running = fg.ones(2)
    functional_call(bn, {"running_mean": running}, (data((4, 2)).float(),))
    assert not np.allclose(running.numpy(), 1.0)  # the given buffer was updated
    np.testing.assert_array_equal(bn.running_mean.numpy(), np.zeros(2))


def test_stack_module_state():
    models = [nn.Linear(3, 2) for _ in range(3)]
    params, buffers = stack_module_state(models)
    assert params["weight"].shape == (3, 2, 3) and params["weight"].is_leaf
    assert params["weight"].requires_grad and buffers == {}
    np.testing.assert_array_equal(
        params["bias"][1].detach().numpy(), models[1].bias.detach().numpy()
    )
    with pytest.raises(RuntimeError, match="at least one model"):
        stack_module_state([])


def test_tensor_methods_are_restored_after_vmap():
    methods = {name: getattr(fg.Tensor, name) for name in ("gather", "__getitem__", "add")}
    vmap(lambda v: v * 2)(data((2, 3)))
    with pytest.raises(ValueError):
        vmap(lambda v: v * 2, in_dims=5)(data((2, 3)))
    with pytest.raises(RuntimeError):
        vmap(lambda v: v.item())(data((2, 3)))
    assert all(getattr(fg.Tensor, name) is m for name, m in methods.items())


# PyTorch 2.15's results for the same calls (float64), from a script run where it is installed.
PYTORCH = {
    "grad": [0.0, 1.115670146652, 1.37797010227],
    "grad_and_value.0": [0.0, 1.288435374475, 1.970899459977],
    "grad_and_value.1": 1.386127598884,
    "grad_argnums.0": [2.319776824716, 2.695718599204, 1.964942888557],
    "grad_argnums.1": [0.0, 1.736629601423, 1.936352438971],
    "grad_aux.0": [0.0, 1.24504928565, 2.913333511003],
    "grad_aux.1": [1.0, 0.799569847576, 0.552488311103],
    "grad_backward": [-3.219437508003, 0.79939224852, 4.442255339715],
    "grad_dict.b": [0.31761750438, -0.17388943137],
    "grad_dict.w": [
        [0.0, 0.204614814098, 0.312996083931],
        [-0.0, -0.112022647313, -0.171359293192],
    ],
    "grad_grad": 3.114326832125,
    "hessian": [
        [0.0, 2.679016447573, 1.725869779927],
        [2.679016447573, 3.865306123426, 0.0],
        [1.725869779927, 0.0, 5.912698379931],
    ],
    "jacfwd": [
        [0.908795333925, 0.427143890999, -0.255399998171],
        [-0.197562744507, -0.240511449534, -0.17034386175],
    ],
    "jacfwd_tuple.0.0": [0.841470984808, 0.991664810452, 0.675463180551],
    "jacfwd_tuple.0.1": [0.0, 0.644217687238, 0.985449729988],
    "jacfwd_tuple.1.0": [
        [[0.841470984808, 0.0, 0.0], [0.991664810452, 0.0, 0.0], [0.675463180551, 0.0, 0.0]],
        [[0.0, 0.841470984808, 0.0], [0.0, 0.991664810452, 0.0], [0.0, 0.675463180551, 0.0]],
        [[0.0, 0.0, 0.841470984808], [0.0, 0.0, 0.991664810452], [0.0, 0.0, 0.675463180551]],
    ],
    "jacfwd_tuple.1.1": [
        [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
        [[0.644217687238, 0.0, 0.0], [0.0, 0.644217687238, 0.0], [0.0, 0.0, 0.644217687238]],
        [[0.985449729988, 0.0, 0.0], [0.0, 0.985449729988, 0.0], [0.0, 0.0, 0.985449729988]],
    ],
    "jacrev": [
        [0.908795333925, 0.427143890999, -0.255399998171],
        [-0.197562744507, -0.240511449534, -0.17034386175],
    ],
    "jacrev_jacrev": [
        [0.0, 2.679016447573, 1.725869779927],
        [2.679016447573, 3.865306123426, 0.0],
        [1.725869779927, 0.0, 5.912698379931],
    ],
    "jacrev_tuple.0.0": [0.841470984808, 0.991664810452, 0.675463180551],
    "jacrev_tuple.0.1": [0.0, 0.644217687238, 0.985449729988],
    "jacrev_tuple.1.0": [
        [[0.841470984808, 0.0, 0.0], [0.991664810452, 0.0, 0.0], [0.675463180551, 0.0, 0.0]],
        [[0.0, 0.841470984808, 0.0], [0.0, 0.991664810452, 0.0], [0.0, 0.675463180551, 0.0]],
        [[0.0, 0.0, 0.841470984808], [0.0, 0.0, 0.991664810452], [0.0, 0.0, 0.675463180551]],
    ],
    "jacrev_tuple.1.1": [
        [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
        [[0.644217687238, 0.0, 0.0], [0.0, 0.644217687238, 0.0], [0.0, 0.0, 0.644217687238]],
        [[0.985449729988, 0.0, 0.0], [0.0, 0.985449729988, 0.0], [0.0, 0.0, 0.985449729988]],
    ],
    "jvp.0.0": [0.0, 0.638848010705, 0.665635008891],
    "jvp.0.1": [0.0, 0.600573108661, 0.833520645272],
    "jvp.1.0": [0.552835160229, 1.407028168456, 0.601665032876],
    "jvp.1.1": [0.656986598719, 0.790109524141, 0.4721559074],
    "penalty_grad": [-0.532509009847, -3.494186398847, -0.328651581115],
    "vjp.0": [0.130055752887, 0.455814183567, 0.385932109906],
    "vjp2.0": [-0.993100149904, -0.572427005166, -0.00215423336],
    "vjp2.1": [-0.186193196147, -0.381092897595, 0.033974452492],
    "vjp_out": [0.049611438141, -1.098562900664],
    "vmap_hessian": [
        [
            [2.472710911451, 0.436998083672, -0.118758872959],
            [0.436998083672, -1.630563758466, 0.180094988297],
            [-0.118758872959, 0.180094988297, -5.015901541347],
        ],
        [
            [-5.967315529224, 0.935829574741, -0.649021285159],
            [0.935829574741, -4.161150508663, -0.930731725676],
            [-0.649021285159, -0.930731725676, 0.247554414847],
        ],
    ],
    "vmap_jacrev": [
        [
            [0.700135106532, 0.329071268817, -0.196759928504],
            [-0.066446136395, -0.080891043603, -0.057291629047],
        ],
        [
            [0.603734266881, 0.28376180451, -0.169668268422],
            [-0.805351595956, -0.980429180669, -0.694395602085],
        ],
    ],
}
