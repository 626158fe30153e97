"""The meta device: tensors with a shape, a dtype and strides but no elements.

Every op on meta tensors must give PyTorch's output shape, dtype and strides without computing
anything; autograd records the graph and backward gives meta gradients; what needs values raises
PyTorch's errors. Expected shapes, dtypes, strides and texts were recorded from PyTorch 2.11 by
evaluating the same expressions there (``t`` is the library, ``F`` its ``nn.functional``, ``m``
a meta ``empty``).
"""

from __future__ import annotations

import copy
import re

import numpy as np
import pytest

import ferrograd as fg
import ferrograd.nn.functional as F
from ferrograd import nn
from ferrograd.func import functional_call, stack_module_state, vmap

NO_DATA = "Cannot copy out of meta tensor; no data!"


def meta(*size, **kwargs):
    return fg.empty(*size, device="meta", **kwargs)


def evaluate(expression: str):
    return eval(expression, {"t": fg, "F": F, "m": meta})


# (expression, shape, dtype, strides), as PyTorch gives them.
CASES = [
    ("m(2, 1, 3) + m(4, 1)", (2, 4, 3), "float32", (12, 3, 1)),
    ("m(3, dtype=t.int64) + m(3)", (3,), "float32", (1,)),
    ("m(3, dtype=t.int32) * 2.5", (3,), "float32", (1,)),
    ("m(3, dtype=t.int64) / m(3, dtype=t.int64)", (3,), "float32", (1,)),
    ("m(2, 3, dtype=t.float64) - m(3)", (2, 3), "float64", (3, 1)),
    ("m(2, 3) > 0", (2, 3), "bool", (3, 1)),
    ("t.where(m(2, 1, dtype=t.bool), m(3), 0.0)", (2, 3), "float32", (3, 1)),
    ("m(3, 1).exp() * m(4)", (3, 4), "float32", (4, 1)),
    ("m(2, 3).sigmoid()", (2, 3), "float32", (3, 1)),
    ("m(2, 3, dtype=t.float64).tanh()", (2, 3), "float64", (3, 1)),
    ("m(2, 3).clamp(0, 1)", (2, 3), "float32", (3, 1)),
    ("m(2, 3) ** 2", (2, 3), "float32", (3, 1)),
    ("m(3, dtype=t.bool) & m(3, dtype=t.bool)", (3,), "bool", (1,)),
    ("m(2, 3, dtype=t.int64).abs()", (2, 3), "int64", (3, 1)),
    ("-m(5)", (5,), "float32", (1,)),
    ("m(2, 3, 4).sum()", (), "float32", ()),
    ("m(2, 3, 4).sum(1)", (2, 4), "float32", (4, 1)),
    ("m(2, 3, 4).sum((0, 2), keepdim=True)", (1, 3, 1), "float32", (3, 1, 1)),
    ("m(2, 3, 4).mean(-1)", (2, 3), "float32", (3, 1)),
    ("m(2, 3, dtype=t.int32).sum()", (), "int64", ()),
    ("m(2, 3, dtype=t.bool).sum(0)", (3,), "int64", (1,)),
    ("m(2, 3, 4).max(dim=1).values", (2, 4), "float32", (4, 1)),
    ("m(2, 3, 4).max(dim=1).indices", (2, 4), "int64", (4, 1)),
    ("m(2, 3, 4).argmax(1)", (2, 4), "int64", (4, 1)),
    ("m(2, 3, 4).amax(0)", (3, 4), "float32", (4, 1)),
    ("m(2, 3, 4).prod(2)", (2, 3), "float32", (3, 1)),
    ("m(2, 3, 4).var(1)", (2, 4), "float32", (4, 1)),
    ("m(2, 3, 4).std()", (), "float32", ()),
    ("m(2, 3, 4).logsumexp(1)", (2, 4), "float32", (4, 1)),
    ("m(2, 3, 4).cumsum(1)", (2, 3, 4), "float32", (12, 4, 1)),
    ("m(2, 3).softmax(1)", (2, 3), "float32", (3, 1)),
    ("F.log_softmax(m(2, 3), dim=0)", (2, 3), "float32", (3, 1)),
    ("m(2, 3).norm()", (), "float32", ()),
    ("m(4, 5).sort(1).indices", (4, 5), "int64", (5, 1)),
    ("m(4, 5).topk(2).values", (4, 2), "float32", (2, 1)),
    ("m(2, 3) @ m(3, 4)", (2, 4), "float32", (4, 1)),
    ("m(5, 2, 3) @ m(3)", (5, 2), "float32", (2, 1)),
    ("m(3) @ m(3)", (), "float32", ()),
    ("m(3) @ m(3, 4)", (4,), "float32", (1,)),
    ("m(7, 1, 2, 3) @ m(5, 3, 4)", (7, 5, 2, 4), "float32", (40, 8, 4, 1)),
    ("t.bmm(m(6, 2, 3), m(6, 3, 5))", (6, 2, 5), "float32", (10, 5, 1)),
    ("t.mm(m(2, 3, dtype=t.float64), m(3, 1, dtype=t.float64))", (2, 1), "float64", (1, 1)),
    ("F.linear(m(8, 3), m(5, 3), m(5))", (8, 5), "float32", (5, 1)),
    ("F.linear(m(2, 8, 3), m(5, 3))", (2, 8, 5), "float32", (40, 5, 1)),
    ("t.outer(m(3), m(4))", (3, 4), "float32", (4, 1)),
    ("t.einsum('bij,bjk->bik', m(2, 3, 4), m(2, 4, 5))", (2, 3, 5), "float32", (15, 5, 1)),
    (
        "F.conv2d(m(2, 3, 8, 8), m(4, 3, 3, 3), stride=2, padding=1)",
        (2, 4, 4, 4),
        "float32",
        (64, 16, 4, 1),
    ),
    (
        "F.conv2d(m(2, 4, 9, 9), m(6, 2, 3, 3), m(6), groups=2, dilation=2)",
        (2, 6, 5, 5),
        "float32",
        (150, 25, 5, 1),
    ),
    ("F.conv1d(m(2, 3, 10), m(4, 3, 3))", (2, 4, 8), "float32", (32, 8, 1)),
    (
        "F.conv_transpose2d(m(1, 4, 5, 5), m(4, 2, 3, 3), stride=2)",
        (1, 2, 11, 11),
        "float32",
        (242, 121, 11, 1),
    ),
    ("F.max_pool2d(m(2, 3, 8, 8), 2)", (2, 3, 4, 4), "float32", (48, 16, 4, 1)),
    ("F.avg_pool2d(m(1, 3, 7, 7), 3, stride=2)", (1, 3, 3, 3), "float32", (27, 9, 3, 1)),
    ("F.adaptive_avg_pool2d(m(2, 3, 8, 8), (1, 1))", (2, 3, 1, 1), "float32", (3, 1, 1, 1)),
    ("m(2, 3, 4).permute(2, 0, 1)", (4, 2, 3), "float32", (1, 12, 4)),
    ("m(2, 3, 4).transpose(0, 1)", (3, 2, 4), "float32", (4, 12, 1)),
    ("m(2, 3, 4)[:, 1]", (2, 4), "float32", (12, 1)),
    ("m(2, 3, 4)[..., ::2]", (2, 3, 2), "float32", (12, 4, 2)),
    ("m(2, 3, 4)[None]", (1, 2, 3, 4), "float32", (24, 12, 4, 1)),
    ("m(2, 3, 4).unsqueeze(1)", (2, 1, 3, 4), "float32", (12, 12, 4, 1)),
    ("m(2, 3, 4).reshape(6, 4)", (6, 4), "float32", (4, 1)),
    ("m(2, 3, 4).view(-1)", (24,), "float32", (1,)),
    ("m(2, 3, 4).flatten(1)", (2, 12), "float32", (12, 1)),
    ("m(4, 1).expand(4, 5)", (4, 5), "float32", (1, 0)),
    ("m(3, 4).t()", (4, 3), "float32", (1, 4)),
    ("m(2, 3, 4).permute(2, 0, 1).contiguous()", (4, 2, 3), "float32", (6, 3, 1)),
    ("m(5, 3).narrow(0, 1, 2)", (2, 3), "float32", (3, 1)),
    ("m(1, 3, 1).squeeze()", (3,), "float32", (1,)),
    ("m(6, 2).chunk(3)[1]", (2, 2), "float32", (2, 1)),
    ("m(6, 2).split(4)[1]", (2, 2), "float32", (2, 1)),
    ("m(2, 3).repeat(2, 2)", (4, 6), "float32", (6, 1)),
    ("m(3, 1).flip(0)", (3, 1), "float32", (1, 1)),
    ("t.cat([m(2, 3), m(4, 3)])", (6, 3), "float32", (3, 1)),
    ("t.cat([m(2, 3), m(2, 1)], dim=1)", (2, 4), "float32", (4, 1)),
    ("t.stack([m(2, 3), m(2, 3), m(2, 3)], 1)", (2, 3, 3), "float32", (9, 3, 1)),
    ("m(5, 3)[1:4]", (3, 3), "float32", (3, 1)),
    ("m(5, 3)[[0, 2, 4]]", (3, 3), "float32", (3, 1)),
    ("m(5, 3)[:, 0]", (5,), "float32", (3,)),
    ("m(5, 3).index_select(0, m(2, dtype=t.int64))", (2, 3), "float32", (3, 1)),
    ("m(5, 3).gather(1, m(5, 2, dtype=t.int64))", (5, 2), "float32", (2, 1)),
    ("m(5, 3).masked_fill(m(5, 3, dtype=t.bool), 0.0)", (5, 3), "float32", (3, 1)),
    (
        "t.zeros(5, 3, device='meta').scatter_add(0, m(2, 3, dtype=t.int64), m(2, 3))",
        (5, 3),
        "float32",
        (3, 1),
    ),
    ("m(5, 3)[m(2, 4, dtype=t.int64)]", (2, 4, 3), "float32", (12, 3, 1)),
    ("m(4, 3).new_zeros(2, 5)", (2, 5), "float32", (5, 1)),
    ("m(3, 4).scatter(1, m(3, 2, dtype=t.int64), m(3, 2))", (3, 4), "float32", (4, 1)),
    ("m(3, 4).scatter(1, m(3, 2, dtype=t.int64), 1.0)", (3, 4), "float32", (4, 1)),
    ("t.fmod(m(3, 1), m(4))", (3, 4), "float32", (4, 1)),
    ("F.binary_cross_entropy(m(4), m(4))", (), "float32", ()),
    ("F.one_hot(m(3, dtype=t.int64), 5)", (3, 5), "int64", (5, 1)),
    ("F.interpolate(m(1, 3, 4, 4), scale_factor=2)", (1, 3, 8, 8), "float32", (192, 64, 8, 1)),
    (
        "F.scaled_dot_product_attention(m(2, 3, 4), m(2, 5, 4), m(2, 5, 6))",
        (2, 3, 6),
        "float32",
        (18, 6, 1),
    ),
    ("F.normalize(m(3, 4))", (3, 4), "float32", (4, 1)),
    ("t.baddbmm(m(2, 3, 5), m(2, 3, 4), m(2, 4, 5))", (2, 3, 5), "float32", (15, 5, 1)),
    ("t.tril(m(3, 4))", (3, 4), "float32", (4, 1)),
    ("t.cummax(m(3, 4), 1).indices", (3, 4), "int64", (4, 1)),
    ("F.relu(m(2, 3))", (2, 3), "float32", (3, 1)),
    ("F.gelu(m(2, 3))", (2, 3), "float32", (3, 1)),
    ("F.layer_norm(m(2, 5), (5,))", (2, 5), "float32", (5, 1)),
    ("F.embedding(m(4, dtype=t.int64), m(10, 3))", (4, 3), "float32", (3, 1)),
    ("F.dropout(m(2, 3), 0.5)", (2, 3), "float32", (3, 1)),
    ("F.mse_loss(m(4, 3), m(4, 3))", (), "float32", ()),
    ("F.l1_loss(m(4, 3), m(4, 3), reduction='none')", (4, 3), "float32", (3, 1)),
    ("F.cross_entropy(m(4, 5), m(4, dtype=t.int64))", (), "float32", ()),
    ("F.nll_loss(m(4, 5), m(4, dtype=t.int64))", (), "float32", ()),
    ("F.binary_cross_entropy_with_logits(m(4), m(4))", (), "float32", ()),
    ("F.pad(m(2, 3), (1, 2))", (2, 6), "float32", (6, 1)),
    ("t.zeros(2, 3, device='meta')", (2, 3), "float32", (3, 1)),
    ("t.ones(2, dtype=t.int64, device='meta')", (2,), "int64", (1,)),
    ("t.full((2, 2), 7, device='meta')", (2, 2), "int64", (2, 1)),
    ("t.randn(3, 4, device='meta')", (3, 4), "float32", (4, 1)),
    ("t.rand(3, device='meta', dtype=t.float64)", (3,), "float64", (1,)),
    ("t.randint(10, (6,), device='meta')", (6,), "int64", (1,)),
    ("t.arange(5, device='meta')", (5,), "int64", (1,)),
    ("t.arange(0, 1, 0.3, device='meta')", (4,), "float32", (1,)),
    ("t.linspace(0, 1, 7, device='meta')", (7,), "float32", (1,)),
    ("t.eye(3, 2, device='meta')", (3, 2), "float32", (2, 1)),
    ("t.empty_like(m(2, 3))", (2, 3), "float32", (3, 1)),
    ("t.zeros_like(m(2, 3, dtype=t.int32))", (2, 3), "int32", (3, 1)),
    ("t.randn_like(m(4))", (4,), "float32", (1,)),
    ("t.ones(2, 3).to('meta')", (2, 3), "float32", (3, 1)),
    ("t.tensor([1, 2, 3]).to('meta')", (3,), "int64", (1,)),
    ("t.tensor([1.0, 2.0], device='meta')", (2,), "float32", (1,)),
]


@pytest.mark.parametrize(("expression", "shape", "dtype", "strides"), CASES)
def test_ops_give_pytorchs_shape_dtype_and_strides(expression, shape, dtype, strides):
    out = evaluate(expression)
    assert out.device.type == "meta"
    assert out.is_meta
    assert tuple(out.shape) == shape
    assert out.dtype.name == dtype
    assert out.stride() == strides


def test_the_device_object():
    device = fg.device("meta")
    assert (device.type, device.index) == ("meta", None)
    assert (str(device), repr(device)) == ("meta", "device(type='meta')")
    assert meta(2).device == device
    assert meta(2).get_device() == -1
    assert not meta(2).is_cuda and not meta(2).is_cpu
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda, meta device type"):
        fg.device("metal")


def test_a_tensor_of_a_trillion_elements_costs_nothing():
    x = fg.empty(10**12, device="meta", requires_grad=True)
    y = (x * 2 + 1).reshape(10**6, 10**6) @ meta(10**6, 3)
    assert tuple(y.shape) == (10**6, 3)
    y.sum().backward()
    assert tuple(x.grad.shape) == (10**12,)
    assert x.grad.is_meta


def test_device_as_context_manager_sets_the_default_device():
    with fg.device("meta"):
        layer = nn.Linear(3, 4)
        assert fg.randn(2).is_meta
        with fg.device("cpu"):
            assert not fg.zeros(1).is_meta
        assert fg.arange(3).is_meta
    assert layer.weight.is_meta and layer.bias.is_meta
    assert fg.get_default_device() == fg.device("cpu")
    assert not fg.ones(2).is_meta
    assert tuple(layer(meta(5, 3)).shape) == (5, 4)


def test_modules_built_on_meta_then_materialized_with_to_empty():
    model = nn.Sequential(nn.Linear(3, 8, device="meta"), nn.ReLU(), nn.Linear(8, 2, device="meta"))
    assert all(p.is_meta for p in model.parameters())
    weight = model[0].weight
    assert model.to_empty(device="cpu") is model
    assert model[0].weight is weight  # the same Parameter, now with host storage
    assert all(p.device.type == "cpu" for p in model.parameters())
    for layer in (model[0], model[2]):
        layer.reset_parameters()
    out = model(fg.ones(4, 3))
    assert tuple(out.shape) == (4, 2) and np.isfinite(out.detach().numpy()).all()


def test_a_meta_built_module_takes_a_checkpoint_with_assign():
    with fg.device("meta"):
        model = nn.Linear(3, 4)
    trained = nn.Linear(3, 4)
    model.load_state_dict(trained.state_dict(), assign=True)
    assert model.weight.device.type == "cpu" and model.weight.requires_grad
    x = fg.randn(2, 3)
    np.testing.assert_array_equal(model(x).detach().numpy(), trained(x).detach().numpy())


def test_set_default_device_meta():
    fg.set_default_device("meta")
    try:
        assert fg.zeros(2).is_meta and fg.tensor([1.0, 2.0]).is_meta
    finally:
        fg.set_default_device(None)
    assert not fg.zeros(2).is_meta


def test_in_place_ops_and_writes_keep_meta_tensors():
    x = meta(4, 3)
    x[0] = 1.0
    x[1:3] = meta(3)
    x.add_(1).mul_(meta(4, 1))
    assert x.is_meta and tuple(x.shape) == (4, 3)


def test_indexing_with_a_meta_index_and_its_gradient():
    x = meta(5, 3, requires_grad=True)
    y = x[meta(2, 4, dtype=fg.int64)]
    assert y.is_meta and tuple(y.shape) == (2, 4, 3)
    y.sum().backward()
    assert x.grad.is_meta and tuple(x.grad.shape) == (5, 3)


def test_module_to_meta_keeps_shapes_and_drops_values():
    model = nn.Conv2d(3, 4, 3).to("meta")
    assert model.weight.is_meta and tuple(model.weight.shape) == (4, 3, 3, 3)
    assert tuple(model(meta(2, 3, 8, 8)).shape) == (2, 4, 6, 6)


def test_a_meta_module_does_not_move_with_to():
    model = nn.Linear(2, 3).to("meta")
    hint = "Please use torch.nn.Module.to_empty() instead of torch.nn.Module.to()"
    with pytest.raises(NotImplementedError, match=re.escape(f"{NO_DATA} {hint}")):
        model.to("cpu")
    with pytest.raises(NotImplementedError, match=re.escape(NO_DATA)):
        model.cpu()


def test_initializers_leave_meta_tensors_as_they_are():
    w = meta(4, 3)
    assert nn.init.kaiming_uniform_(w, a=5**0.5) is w
    assert nn.init.trunc_normal_(w) is w
    assert w.uniform_() is w and w.normal_() is w
    assert w.zero_() is w and w.fill_(2.0) is w


@pytest.mark.parametrize(
    ("build", "grad_shapes"),
    [
        (lambda x, w, b: F.linear(x, w, b).relu().sum(), [(7, 3), (5, 3), (5,)]),
        (lambda x, w, b: (x[:, None, :1] + b[:, None]).sum(), [(7, 3), (5, 3), (5,)]),
        (lambda x, w, b: (x @ w.t()).softmax(1).mean() + w.norm(), [(7, 3), (5, 3), (5,)]),
    ],
)
def test_backward_gives_meta_gradients_of_the_inputs_shapes(build, grad_shapes):
    leaves = [meta(7, 3, requires_grad=True), meta(5, 3, requires_grad=True)]
    leaves.append(meta(5, requires_grad=True))
    loss = build(*leaves)
    assert loss.is_meta and loss.grad_fn is not None
    loss.backward()
    for leaf, shape in zip(leaves, grad_shapes, strict=True):
        if leaf.grad is not None:
            assert leaf.grad.is_meta
            assert tuple(leaf.grad.shape) == shape


def test_convolution_backward_on_meta():
    x = meta(2, 3, 8, 8, requires_grad=True)
    conv = nn.Conv2d(3, 4, 3, stride=2, padding=1, device="meta")
    loss = F.max_pool2d(conv(x), 2).pow(2).mean()
    loss.backward()
    assert tuple(x.grad.shape) == (2, 3, 8, 8)
    assert tuple(conv.weight.grad.shape) == (4, 3, 3, 3) and conv.weight.grad.is_meta
    assert tuple(conv.bias.grad.shape) == (4,)
    (gx,) = fg.autograd.grad(conv(x).sum(), x)
    assert gx.is_meta and tuple(gx.shape) == (2, 3, 8, 8)


def test_a_training_step_on_meta():
    with fg.device("meta"):
        model = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(8 * 4 * 4, 10),
        )
    optimizer = fg.optim.Adam(model.parameters())
    loss = F.cross_entropy(model(meta(2, 3, 8, 8)), meta(2, dtype=fg.int64))
    assert loss.is_meta and tuple(loss.shape) == ()
    loss.backward()
    optimizer.step()
    for p in model.parameters():
        assert p.is_meta and p.grad.is_meta and p.grad.shape == p.shape


@pytest.mark.parametrize(
    ("make", "text"),
    [
        (lambda: meta(2, 3), "tensor(..., device='meta', size=(2, 3))"),
        (
            lambda: meta(2, dtype=fg.int64),
            "tensor(..., device='meta', size=(2,), dtype=torch.int64)",
        ),
        (lambda: meta(2, dtype=fg.bool), "tensor(..., device='meta', size=(2,), dtype=torch.bool)"),
        (lambda: meta(()), "tensor(..., device='meta', size=())"),
        (lambda: meta(0), "tensor(..., device='meta', size=(0,))"),
        (
            lambda: meta(2, 3, requires_grad=True),
            "tensor(..., device='meta', size=(2, 3), requires_grad=True)",
        ),
        (
            lambda: meta(2, 3, requires_grad=True) * 2,
            "tensor(..., device='meta', size=(2, 3), grad_fn=<MulBackward0>)",
        ),
        (
            lambda: meta(2, 3, requires_grad=True).sum(),
            "tensor(..., device='meta', size=(), grad_fn=<SumBackward0>)",
        ),
    ],
)
def test_printing(make, text):
    shown = make()
    expected = text.replace("torch.", "ferrograd.") if "dtype=" in text else text
    assert repr(shown) == expected
    assert str(shown) == expected


@pytest.mark.parametrize(
    ("action", "error", "message"),
    [
        (lambda x: x.sum().item(), RuntimeError, "Tensor.item() cannot be called on meta tensors"),
        (lambda x: float(x[0, 0]), RuntimeError, "Tensor.item() cannot be called on meta tensors"),
        (
            lambda x: x.item(),
            RuntimeError,
            "a Tensor with 6 elements cannot be converted to Scalar",
        ),
        (lambda x: x.tolist(), NotImplementedError, NO_DATA),
        (lambda x: x.cpu(), NotImplementedError, NO_DATA),
        (lambda x: x.to("cpu"), NotImplementedError, NO_DATA),
        (lambda x: x.numpy(), TypeError, "can't convert meta device type tensor to numpy"),
        (lambda x: x.nonzero(), NotImplementedError, "nonzero"),
        (lambda x: x.masked_select(x > 0), NotImplementedError, "masked_select"),
        (lambda x: fg.unique(x), NotImplementedError, "unique"),
        (lambda x: x[x > 0], NotImplementedError, "nonzero"),
        (lambda x: fg.unique_consecutive(x), NotImplementedError, "unique_consecutive"),
        (lambda x: fg.bincount(x[0].long()), NotImplementedError, "bincount"),
        (lambda x: x.__dlpack__(), BufferError, "Cannot pack tensors on meta"),
        (lambda x: x + fg.ones(2, 3), RuntimeError, "meta"),
        (lambda x: fg.ones(2, 3) * x, RuntimeError, "meta"),
    ],
)
def test_what_needs_values_raises_pytorchs_errors(action, error, message):
    with pytest.raises(error, match=re.escape(message)):
        action(meta(2, 3))


def test_model_ensembling_with_a_meta_base_model():
    """PyTorch's "Model ensembling" tutorial: stacked parameters, a meta copy as the base."""
    fg.manual_seed(0)
    models = [nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 2)) for _ in range(3)]
    params, buffers = stack_module_state(models)
    base = copy.deepcopy(models[0]).to("meta")
    assert all(p.is_meta for p in base.parameters())

    def fmodel(params, buffers, x):
        return functional_call(base, (params, buffers), (x,))

    batches = fg.randn(3, 4, 6)
    stacked = vmap(fmodel)(params, buffers, batches)
    expected = np.stack([m(b).detach().numpy() for m, b in zip(models, batches, strict=True)])
    np.testing.assert_allclose(stacked.detach().numpy(), expected, rtol=1e-5, atol=1e-6)
    shared = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, batches[0])
    expected = np.stack([m(batches[0]).detach().numpy() for m in models])
    np.testing.assert_allclose(shared.detach().numpy(), expected, rtol=1e-5, atol=1e-6)
