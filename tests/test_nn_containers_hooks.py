"""Module machinery with PyTorch's semantics: containers, hooks (forward pre/post with kwargs
and always_call, full backward, global), state_dict loading (strict, assign, extra state,
hooks), conversions, lazy and parametrized modules, and the nn.utils helpers."""

from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn as nn
import ferrograd.nn.functional as F
from ferrograd.autograd import gradcheck
from ferrograd.nn.modules import module as module_mod
from ferrograd.nn.utils import parametrizations, parametrize


def linear64(i, o, bias=False, values=None):
    m = nn.Linear(i, o, bias=bias).double()
    if values is not None:
        with fg.no_grad():
            m.weight.copy_(fg.tensor(values, dtype=fg.float64))
    return m


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.blocks = nn.ModuleList([nn.Linear(3, 3), nn.ReLU()])
        self.register_buffer("steps", fg.zeros(1))
        self.register_buffer("scratch", fg.zeros(2), persistent=False)

    def forward(self, x):
        x = self.fc(x)
        for b in self.blocks:
            x = b(x)
        return x


# --- containers ---------------------------------------------------------------------------------


def test_parameter_list():
    params = nn.ParameterList([nn.Parameter(fg.ones(2, 3)), fg.zeros(3), "note"])
    assert len(params) == 3 and isinstance(params[1], nn.Parameter) and params[2] == "note"
    assert list(params.state_dict()) == ["0", "1"]
    params.append(fg.ones(1))
    params[0] = fg.full((2,), 5.0)
    assert params[0].tolist() == [5.0, 5.0] and isinstance(params[0], nn.Parameter)
    assert [p.shape for p in params.parameters()] == [(2,), (3,), (1,)]
    assert len(params[1:]) == 3 and params[-1].shape == (1,)
    text = repr(params)
    assert text.startswith(
        "ParameterList(\n    (0): Parameter containing: [ferrograd.float32 of size 2]"
    )
    assert "(2): Object of type: str" in text
    with pytest.raises(IndexError):
        params[7]
    with pytest.raises(RuntimeError, match="should not be called"):
        params()


def test_parameter_dict():
    d = nn.ParameterDict({"b": fg.ones(2), "a": nn.Parameter(fg.zeros(1))})
    assert list(d.keys()) == ["a", "b"]  # a plain dict is taken in sorted order
    assert list(d.state_dict()) == ["a", "b"]
    d["c"] = fg.ones(3)
    assert isinstance(d["c"], nn.Parameter) and "c" in d and len(d) == 3
    assert d.pop("b").shape == (2,) and "b" not in d
    d.update([("z", fg.ones(1))])
    assert list(d) == ["a", "c", "z"]
    merged = d | {"y": fg.ones(1)}
    assert list(merged) == ["a", "c", "z", "y"]
    assert d.get("missing", 7) == 7 and d.setdefault("w", fg.ones(1)).shape == (1,)
    assert d.popitem()[0] == "w"
    copied = d.copy()
    assert copied["a"] is d["a"]
    d.clear()
    assert len(d) == 0 and list(d.parameters()) == []


def test_module_dict_flatten_unflatten_identity():
    md = nn.ModuleDict({"act": nn.ReLU(), "lin": nn.Linear(2, 2)})
    assert list(md.keys()) == ["act", "lin"] and "lin" in md
    assert list(md.state_dict()) == ["lin.weight", "lin.bias"]
    x = fg.randn(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    assert nn.Unflatten(1, (3, 1))(fg.randn(2, 3)).shape == (2, 3, 1)
    with pytest.raises(TypeError, match="unflattened_size must be tuple of ints"):
        nn.Unflatten(1, 3)
    ident = nn.Identity(54, unused="argument")
    assert ident(x) is x and repr(ident) == "Identity()"


# --- hooks --------------------------------------------------------------------------------------


def test_forward_pre_hooks_and_forward_hooks():
    m = linear64(2, 2, values=[[1.0, 0.0], [0.0, 1.0]])
    calls = []

    def double_input(module, args):
        calls.append("pre")
        return args[0] * 2

    def add_kwarg(module, args, kwargs):
        calls.append("pre_kwargs")
        return args, kwargs

    def offset(module, args, output):
        calls.append("post")
        return output + 1

    def see_kwargs(module, args, kwargs, output):
        calls.append(("post_kwargs", kwargs))

    h1 = m.register_forward_pre_hook(double_input)
    m.register_forward_pre_hook(add_kwarg, with_kwargs=True, prepend=True)
    h3 = m.register_forward_hook(offset)
    m.register_forward_hook(see_kwargs, with_kwargs=True)
    out = m(fg.tensor([1.0, 2.0], dtype=fg.float64))
    assert out.tolist() == [3.0, 5.0]
    assert calls == ["pre_kwargs", "pre", "post", ("post_kwargs", {})]
    h1.remove()
    h3.remove()
    assert m(fg.tensor([1.0, 2.0], dtype=fg.float64)).tolist() == [1.0, 2.0]


def test_forward_hook_always_call_runs_when_forward_raises():
    class Broken(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    m = Broken()
    seen = []
    m.register_forward_hook(lambda mod, args, out: seen.append(("always", out)), always_call=True)
    m.register_forward_hook(lambda mod, args, out: seen.append("normal"))
    with pytest.raises(ValueError, match="boom"):
        m(fg.ones(1))
    assert seen == [("always", None)]


def test_full_backward_hooks_see_and_replace_gradients():
    w = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    m = linear64(3, 2, values=w)
    x = fg.tensor([[1.0, -1.0, 0.5]], dtype=fg.float64, requires_grad=True)
    c = fg.tensor([[1.0, 10.0]], dtype=fg.float64)
    seen = {}

    def pre(module, grad_output):
        seen["pre"] = grad_output[0].tolist()
        return (grad_output[0] * 3,)

    def post(module, grad_input, grad_output):
        seen["grad_input"] = grad_input[0].tolist()
        seen["grad_output"] = grad_output[0].tolist()
        return (grad_input[0] * 2,)

    m.register_full_backward_pre_hook(pre)
    m.register_full_backward_hook(post)
    (m(x) * c).sum().backward()
    expected_input = (np.array([[3.0, 30.0]]) @ np.array(w)).tolist()
    assert seen["pre"] == [[1.0, 10.0]]
    assert seen["grad_output"] == [[3.0, 30.0]]
    assert seen["grad_input"] == expected_input
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.array(expected_input))
    np.testing.assert_allclose(m.weight.grad.numpy(), 3 * np.outer([1.0, 10.0], [1.0, -1.0, 0.5]))


def test_full_backward_hook_without_input_gradients():
    m = linear64(2, 1, values=[[2.0, 3.0]])
    seen = []
    m.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, go[0].tolist())))
    m(fg.ones(1, 2, dtype=fg.float64)).sum().backward()
    assert seen == [((None,), [[1.0]])]
    with pytest.raises(RuntimeError, match="invalid number of grad_input"):
        m2 = linear64(2, 1)
        m2.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
        m2(fg.ones(1, 2, dtype=fg.float64, requires_grad=True)).sum().backward()


def test_global_hooks():
    seen = []
    handle = module_mod.register_module_forward_hook(lambda m, a, o: seen.append(type(m).__name__))
    try:
        nn.Sequential(nn.ReLU(), nn.Tanh())(fg.ones(2))
    finally:
        handle.remove()
    assert seen == ["ReLU", "Tanh", "Sequential"]
    nn.ReLU()(fg.ones(1))
    assert len(seen) == 3
    registered = []
    h = module_mod.register_module_parameter_registration_hook(
        lambda m, name, p: registered.append(name)
    )
    try:
        nn.Linear(2, 2)
    finally:
        h.remove()
    assert registered == ["weight", "bias"]


# --- state dicts --------------------------------------------------------------------------------


def test_load_state_dict_strict_false_reports_keys():
    net = Net()
    state = net.state_dict()
    # a module's own buffers come before its children's entries, as in PyTorch
    assert list(state) == ["steps", "fc.weight", "fc.bias", "blocks.0.weight", "blocks.0.bias"]
    result = net.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    partial = OrderedDict(state)
    del partial["fc.bias"]
    partial["head.weight"] = fg.ones(1)
    partial["fc.weight.extra"] = fg.ones(1)
    result = net.load_state_dict(partial, strict=False)
    assert result.missing_keys == ["fc.bias"]
    assert result.unexpected_keys == ["fc.weight.extra", "head.weight"] or set(
        result.unexpected_keys
    ) == {"fc.weight.extra", "head.weight"}
    assert isinstance(result, tuple) and result._fields == ("missing_keys", "unexpected_keys")
    with pytest.raises(RuntimeError) as error:
        net.load_state_dict(partial)
    message = str(error.value)
    assert message.startswith("Error(s) in loading state_dict for Net:")
    assert 'Missing key(s) in state_dict: "fc.bias".' in message
    assert '"head.weight"' in message and "Unexpected key(s)" in message
    wrong = OrderedDict(state)
    wrong["fc.weight"] = fg.ones(5, 5)
    with pytest.raises(RuntimeError, match=r"size mismatch for fc\.weight"):
        net.load_state_dict(wrong, strict=False)


def test_load_state_dict_copies_or_assigns():
    net = Net()
    source = Net()
    weight = source.fc.weight
    net.load_state_dict(source.state_dict())
    assert net.fc.weight is not weight and net.fc.weight.tolist() == weight.tolist()
    new = {k: v.clone() for k, v in source.state_dict().items()}
    net.load_state_dict(new, assign=True)
    assert net.fc.weight.data_ptr() == new["fc.weight"].data_ptr()
    assert isinstance(net.fc.weight, nn.Parameter) and net.fc.weight.requires_grad


def test_extra_state_and_state_dict_hooks():
    class WithExtra(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(1, 1)
            self.counter = 3

        def get_extra_state(self):
            return {"counter": self.counter}

        def set_extra_state(self, state):
            self.counter = state["counter"]

    a, b = WithExtra(), WithExtra()
    a.counter = 9
    state = a.state_dict()
    assert list(state) == ["_extra_state", "lin.weight", "lin.bias"]
    b.load_state_dict(state)
    assert b.counter == 9
    post = []
    b.register_load_state_dict_post_hook(lambda module, keys: post.append(list(keys.missing_keys)))
    b.load_state_dict({"lin.weight": fg.ones(1, 1)}, strict=False)
    assert post == [["_extra_state", "lin.bias"]]


def test_custom_load_from_state_dict_signature():
    class Renamed(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(fg.zeros(2))

        def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, *rest):
            if prefix + "old_w" in state_dict:
                state_dict[prefix + "w"] = state_dict.pop(prefix + "old_w")
            super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, *rest)

    m = Renamed()
    m.load_state_dict({"old_w": fg.ones(2)})
    assert m.w.tolist() == [1.0, 1.0]


# --- traversal, conversions, modes ----------------------------------------------------------------


def test_module_traversal_and_access():
    shared = nn.Linear(2, 2)
    seq = nn.Sequential(shared, nn.ReLU(), shared)
    assert [name for name, _ in seq.named_modules()] == ["", "0", "1"]
    assert [name for name, _ in seq.named_modules(remove_duplicate=False)] == ["", "0", "1", "2"]
    net = Net()
    assert net.get_submodule("blocks.0") is net.blocks[0]
    assert net.get_parameter("blocks.0.bias") is net.blocks[0].bias
    assert net.get_buffer("steps") is net.steps
    with pytest.raises(AttributeError, match="has no attribute `missing`"):
        net.get_submodule("blocks.missing")
    with pytest.raises(AttributeError, match="is not a buffer"):
        net.get_buffer("fc.weight")
    net.register_module("extra", nn.Tanh())
    assert "extra" in dict(net.named_children())
    visited = []
    net.apply(lambda m: visited.append(type(m).__name__))
    assert visited[-1] == "Net" and visited[0] == "Linear"


def test_modes_grads_and_dtypes():
    net = Net()
    net.eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    net.requires_grad_()
    net(fg.randn(3, 2)).sum().backward()
    net.zero_grad(set_to_none=False)
    assert all(p.grad is not None and p.grad.abs().sum().item() == 0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    weight = net.fc.weight
    net.double()
    assert net.fc.weight is weight and weight.dtype == fg.float64 and net.steps.dtype == fg.float64
    net.float()
    assert weight.dtype == fg.float32
    net.half()
    assert weight.dtype == fg.float16 and net.steps.dtype == fg.float16


def test_to_empty_and_extra_repr():
    net = Net()
    weight = net.fc.weight
    net.to_empty(device="cpu")
    assert net.fc.weight is weight and tuple(weight.shape) == (3, 2)

    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = 2.0
            self.inner = nn.ReLU()

        def extra_repr(self):
            return f"scale={self.scale}"

    assert repr(Scaled()) == "Scaled(\n  scale=2.0\n  (inner): ReLU()\n)"


def test_buffer_assignment_and_deepcopy():
    m = nn.Module()
    m.kept = nn.Buffer(fg.ones(2))
    m.dropped = nn.Buffer(fg.zeros(1), persistent=False)
    assert list(m.state_dict()) == ["kept"] and [n for n, _ in m.named_buffers()] == [
        "kept",
        "dropped",
    ]
    net = Net()
    clone = copy.deepcopy(net)
    assert (
        clone.fc.weight is not net.fc.weight and clone.fc.weight.tolist() == net.fc.weight.tolist()
    )


# --- nn.utils -----------------------------------------------------------------------------------


def test_register_parametrization_and_remove():
    class Symmetric(nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).t()

        def right_inverse(self, a):
            return a.triu()

    m = nn.Linear(3, 3).double()
    parametrize.register_parametrization(m, "weight", Symmetric())
    assert type(m).__name__ == "ParametrizedLinear" and parametrize.is_parametrized(m, "weight")
    assert list(m.state_dict()) == ["bias", "parametrizations.weight.original"]
    w = m.weight
    np.testing.assert_allclose(w.detach().numpy(), w.detach().numpy().T)
    m.weight = fg.eye(3, dtype=fg.float64) * 2  # right_inverse
    assert m.weight.tolist() == (fg.eye(3, dtype=fg.float64) * 2).tolist()
    x = fg.randn(2, 3, dtype=fg.float64)
    m(x).sum().backward()
    assert m.parametrizations.weight.original.grad is not None
    with parametrize.cached():
        assert m.weight is m.weight
    assert m.weight is not m.weight
    assert parametrize.type_before_parametrizations(m) is nn.Linear
    parametrize.remove_parametrizations(m, "weight")
    assert type(m) is nn.Linear and list(m.state_dict()) == ["bias", "weight"]
    assert isinstance(m.weight, nn.Parameter)
    with pytest.raises(ValueError, match="does not have a parametrization on weight"):
        parametrize.remove_parametrizations(m, "weight")
    with pytest.raises(ValueError, match="may not change the shape"):
        parametrize.register_parametrization(m, "weight", nn.Flatten(0))


def test_weight_norm_forms():
    m = nn.Linear(3, 2).double()
    w = m.weight.detach().clone()
    parametrizations.weight_norm(m)
    keys = list(m.state_dict())
    assert keys == [
        "bias",
        "parametrizations.weight.original0",
        "parametrizations.weight.original1",
    ]
    np.testing.assert_allclose(m.weight.detach().numpy(), w.numpy())
    g = m.parametrizations.weight.original0
    np.testing.assert_allclose(g.detach().numpy().ravel(), np.linalg.norm(w.numpy(), axis=1))
    legacy = nn.Linear(3, 2).double()
    w2 = legacy.weight.detach().clone()
    nn.utils.weight_norm(legacy, dim=None)
    assert list(legacy.state_dict()) == ["bias", "weight_g", "weight_v"]
    assert legacy.weight_g.shape == ()
    np.testing.assert_allclose(legacy.weight.detach().numpy(), w2.numpy())
    x = fg.randn(4, 3, dtype=fg.float64)
    legacy(x).sum().backward()
    assert legacy.weight_g.grad is not None and legacy.weight_v.grad is not None
    nn.utils.remove_weight_norm(legacy)
    assert list(legacy.state_dict()) == ["bias", "weight"]
    assert gradcheck(
        lambda v, g: v * (g / v.norm()),
        (
            fg.randn(2, 3, dtype=fg.float64, requires_grad=True),
            fg.randn(1, dtype=fg.float64, requires_grad=True),
        ),
    )


def test_spectral_norm_forms():
    fg.manual_seed(0)
    m = nn.Linear(5, 4).double()
    parametrizations.spectral_norm(m, n_power_iterations=20)
    assert list(m.state_dict()) == [
        "bias",
        "parametrizations.weight.original",
        "parametrizations.weight.0._u",
        "parametrizations.weight.0._v",
    ]
    for _ in range(5):
        m(fg.randn(1, 5, dtype=fg.float64))
    top = np.linalg.svd(m.weight.detach().numpy(), compute_uv=False)[0]
    assert top == pytest.approx(1.0, rel=1e-6)
    conv = nn.ConvTranspose2d(3, 2, 2)
    parametrizations.spectral_norm(conv)
    assert conv.parametrizations.weight[0].dim == 1
    legacy = nn.Linear(5, 4).double()
    nn.utils.spectral_norm(legacy, n_power_iterations=30)
    assert list(legacy.state_dict()) == ["bias", "weight_orig", "weight_u", "weight_v"]
    legacy(fg.randn(1, 5, dtype=fg.float64))
    assert np.linalg.svd(legacy.weight.detach().numpy(), compute_uv=False)[0] == pytest.approx(
        1.0, rel=1e-6
    )
    nn.utils.remove_spectral_norm(legacy)
    assert list(legacy.state_dict()) == ["bias", "weight"]


@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (2, 4)])
def test_orthogonal(orthogonal_map, shape):
    fg.manual_seed(1)
    m = nn.Linear(shape[1], shape[0]).double()
    parametrizations.orthogonal(m, orthogonal_map=orthogonal_map)
    assert list(m.state_dict()) == [
        "bias",
        "parametrizations.weight.original",
        "parametrizations.weight.0.base",
    ]
    q = m.weight.detach().numpy()
    gram = q.T @ q if shape[0] >= shape[1] else q @ q.T
    np.testing.assert_allclose(gram, np.eye(min(shape)), atol=1e-12)
    optimizer = fg.optim.SGD(m.parameters(), lr=0.1)
    for _ in range(3):
        optimizer.zero_grad()
        (m(fg.randn(3, shape[1], dtype=fg.float64)) ** 2).sum().backward()
        optimizer.step()
    q = m.weight.detach().numpy()
    gram = q.T @ q if shape[0] >= shape[1] else q @ q.T
    np.testing.assert_allclose(gram, np.eye(min(shape)), atol=1e-10)


def test_orthogonal_of_an_orthogonal_square_weight_keeps_it():
    # PyTorch: the square weight is orthogonalized by QR with a positive R diagonal; its
    # parametrized value is then exactly that Q
    m = nn.Linear(3, 3, bias=False).double()
    with fg.no_grad():
        m.weight.copy_(
            fg.tensor([[2.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 1.0, 3.0]], dtype=fg.float64)
        )
    q_expected, r = np.linalg.qr(m.weight.detach().numpy())
    q_expected = q_expected * np.sign(np.diag(r))
    parametrizations.orthogonal(m)
    np.testing.assert_allclose(m.weight.detach().numpy(), q_expected, atol=1e-12)


def test_clip_grad_and_parameter_vectors():
    a = nn.Parameter(fg.tensor([3.0, -4.0]))
    b = nn.Parameter(fg.tensor([0.5]))
    a.grad = fg.tensor([3.0, -4.0])
    b.grad = fg.tensor([12.0])
    nn.utils.clip_grad_value_([a, b], 3.5)
    assert a.grad.tolist() == [3.0, -3.5] and b.grad.tolist() == [3.5]
    total = nn.utils.clip_grad_norm_([a, b], 1.0)
    assert total.item() == pytest.approx(np.sqrt(9 + 3.5**2 + 3.5**2))
    assert nn.utils.get_total_norm([a.grad, b.grad]).item() == pytest.approx(1.0, rel=1e-5)
    vec = nn.utils.parameters_to_vector([a, b])
    assert vec.tolist() == [3.0, -4.0, 0.5]
    new = fg.tensor([1.0, 2.0, 3.0])
    nn.utils.vector_to_parameters(new, [a, b])
    assert a.tolist() == [1.0, 2.0] and b.tolist() == [3.0]
    with pytest.raises(TypeError, match=r"expected torch\.Tensor"):
        nn.utils.vector_to_parameters([1.0], [a])


def test_fuse_conv_bn_eval_matches_the_pair():
    conv = nn.Conv2d(2, 3, 3).double().eval()
    bn = nn.BatchNorm2d(3).double()
    bn.train()
    bn(fg.randn(4, 3, 5, 5, dtype=fg.float64) * 2 + 1)
    bn.eval()
    x = fg.randn(1, 2, 6, 6, dtype=fg.float64)
    fused = nn.utils.fuse_conv_bn_eval(conv, bn)
    np.testing.assert_allclose(fused(x).detach().numpy(), bn(conv(x)).detach().numpy(), atol=1e-12)
    linear = nn.Linear(4, 3).double().eval()
    fused_linear = nn.utils.fuse_linear_bn_eval(linear, nn.BatchNorm1d(3).double().eval())
    y = fg.randn(2, 4, dtype=fg.float64)
    np.testing.assert_allclose(
        fused_linear(y).detach().numpy(),
        F.batch_norm(linear(y), fg.zeros(3, dtype=fg.float64), fg.ones(3, dtype=fg.float64))
        .detach()
        .numpy(),
        atol=1e-12,
    )


def test_data_parallel_is_documented_as_absent():
    assert not hasattr(nn, "DataParallel")
    assert "DataParallel" in nn.__doc__


# --- nn.init additions --------------------------------------------------------------------------


def test_init_dirac_orthogonal_sparse_and_deprecated_names():
    weight = fg.empty(4, 2, 3, 3)
    nn.init.dirac_(weight, groups=2)
    x = fg.randn(1, 2, 5, 5)
    out = F.conv2d(x, weight, padding=1, groups=1)
    np.testing.assert_allclose(out[:, :2].numpy(), x.numpy(), atol=1e-6)
    np.testing.assert_allclose(out[:, 2:].numpy(), x.numpy(), atol=1e-6)
    for shape in ((3, 5), (5, 3), (4, 2, 2)):
        w = fg.empty(*shape, dtype=fg.float64)
        nn.init.orthogonal_(w, gain=2.0)
        flat = w.numpy().reshape(shape[0], -1)
        gram = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
        np.testing.assert_allclose(gram, 4.0 * np.eye(min(flat.shape)), atol=1e-10)
    s = fg.empty(8, 5)
    nn.init.sparse_(s, 0.3, std=0.1)
    assert ((s.numpy() == 0).sum(0) == 3).all()
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions"):
        nn.init.sparse_(fg.empty(2, 2, 2), 0.5)
    with pytest.warns(FutureWarning, match="nn.init.constant_"):
        assert nn.init.constant(fg.empty(2), 3.0).tolist() == [3.0, 3.0]
