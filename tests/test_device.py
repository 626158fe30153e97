"""The device path: `cuda` tensors through the engine's device seam.

Every test runs against the NumPy-backed test backend (arrays that pose as GPU arrays, through
the same kernel table as CuPy), so CI exercises routing, the kernel table, the derivative rules
across the seam, gradient accumulation in the arena and mixed-device errors without a GPU. The
same tests run again on a real GPU with CuPy (marked ``gpu``; skipped without one).
"""

from __future__ import annotations

import numpy as np
import pytest

import ferrograd as fg
from ferrograd import cuda
from ferrograd.cuda._numpy_backend import NumpyTable
from helpers import cupy_table_or_skip


@pytest.fixture(params=["numpy", pytest.param("cupy", marks=pytest.mark.gpu)])
def backend(request):
    table = NumpyTable() if request.param == "numpy" else cupy_table_or_skip()
    previous = cuda.use_backend(table)
    yield table
    cuda.use_backend(previous)
    fg.set_default_device(None)


@pytest.fixture
def numpy_backend():
    table = NumpyTable()
    previous = cuda.use_backend(table)
    yield table
    cuda.use_backend(previous)


def host(t) -> np.ndarray:
    return t.detach().cpu().numpy()


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(
        host(a) if isinstance(a, fg.Tensor) else a,
        host(b) if isinstance(b, fg.Tensor) else b,
        rtol=tol,
        atol=tol,
    )


RNG = np.random.default_rng(7)


def data(*shape, positive=False, dtype=np.float32):
    values = RNG.standard_normal(shape)
    if positive:
        values = np.abs(values) + 0.5
    return values.astype(dtype)


# ----------------------------------------------------------------------------- placement


def test_is_available_and_device_count(backend):
    assert cuda.is_available()
    assert cuda.device_count() >= 1
    assert isinstance(cuda.get_device_name(0), str)


def test_cuda_and_cpu_move_values(backend):
    x = fg.tensor(data(3, 4))
    y = x.cuda()
    assert y.device == fg.device("cuda:0") and y.is_cuda and not y.is_cpu
    assert y.device == "cuda" and str(y.device) == "cuda:0"
    assert y.get_device() == 0 and x.get_device() == -1
    z = y.cpu()
    assert z.device == fg.device("cpu")
    close(z, x, 0)
    assert y.cuda() is y and x.cpu() is x


@pytest.mark.parametrize("spec", ["cuda", "cuda:0", fg.device("cuda"), fg.device("cuda", 0)])
def test_to_device_forms(backend, spec):
    x = fg.tensor([1.0, 2.0])
    y = x.to(spec)
    assert y.device == fg.device("cuda:0")
    assert x.to(device=spec).is_cuda


def test_to_device_and_dtype(backend):
    x = fg.tensor([1.5, 2.5])
    y = x.to("cuda", fg.float64)
    assert y.is_cuda and y.dtype == fg.float64
    z = x.to(device="cuda", dtype=fg.int64)
    assert z.is_cuda and z.dtype == fg.int64 and z.tolist() == [1, 2]
    w = fg.zeros(2, dtype=fg.float64).to(y)
    assert w.is_cuda and w.dtype == fg.float64
    assert y.to(fg.float32).is_cuda


def test_creation_functions_take_device(backend):
    for t in [
        fg.zeros(2, 3, device="cuda"),
        fg.ones(2, device="cuda:0"),
        fg.full((2,), 3.0, device="cuda"),
        fg.empty(2, device="cuda"),
        fg.arange(5, device="cuda"),
        fg.linspace(0, 1, 5, device="cuda"),
        fg.eye(3, device="cuda"),
        fg.rand(2, device="cuda"),
        fg.randn(2, device="cuda"),
        fg.randint(0, 5, (3,), device="cuda"),
        fg.tensor([1, 2], device="cuda"),
        fg.tensor(3.0, device=fg.device("cuda")),
    ]:
        assert t.is_cuda, t
    x = fg.zeros(2, 2, device="cuda")
    for t in [
        fg.zeros_like(x),
        fg.ones_like(x),
        fg.rand_like(x),
        fg.randn_like(x),
        fg.full_like(x, 2.0),
    ]:
        assert t.is_cuda
    y = fg.randn(3, device="cuda", requires_grad=True)
    assert y.is_leaf and y.requires_grad and y.is_cuda


def test_random_numbers_match_the_cpu_stream(backend):
    fg.manual_seed(3)
    a = fg.randn(4)
    fg.manual_seed(3)
    b = fg.randn(4, device="cuda")
    close(a, b, 0)


def test_set_default_device(backend):
    fg.set_default_device("cuda")
    try:
        assert fg.get_default_device() == fg.device("cuda")
        assert fg.zeros(2).is_cuda and fg.tensor([1.0]).is_cuda and fg.randn(2).is_cuda
        assert fg.zeros(2, device="cpu").is_cpu
    finally:
        fg.set_default_device(None)
    assert fg.zeros(2).is_cpu


def test_repr_and_conversions(backend):
    y = fg.tensor([1.0, 2.0], device="cuda")
    assert "device='cuda:0'" in repr(y)
    assert y.tolist() == [1.0, 2.0]
    assert y.sum().item() == 3.0
    assert float(y[1]) == 2.0
    with pytest.raises(TypeError, match="cuda:0"):
        y.numpy()
    with pytest.raises(TypeError, match=r"cpu\(\)"):
        np.asarray(y)


# ----------------------------------------------------------------------------- routing


def test_kernels_run_in_the_table(numpy_backend):
    x = fg.tensor(data(4, 3), device="cuda")
    w = fg.tensor(data(3, 2), device="cuda")
    numpy_backend.record = []
    before = dict(numpy_backend.transfers)
    out = ((x @ w) * 2).sigmoid().sum(1).mean()
    names = [name for name, _ in numpy_backend.record]
    assert {"matmul", "binary", "unary", "reduce"} <= set(names)
    # Nothing came back to the host on the way (the constant 2 and mean's count went up once).
    assert numpy_backend.transfers["to_host"] == before["to_host"]
    assert out.is_cuda


def test_python_scalars_land_on_the_tensor_device(backend):
    y = fg.tensor([1.0, 2.0, 4.0], device="cuda")
    for out in [y * 2, 2 * y, y + 1, 1 - y, y / 2, 2 / y, y**2, 2**y, y > 1, y == 2.0, -y, abs(y)]:
        assert out.is_cuda
    close(1 - y, np.array([0.0, -1.0, -3.0]), 0)


def test_a_zero_dim_cpu_tensor_takes_part_as_a_number(backend):
    # PyTorch: a 0-d CPU tensor combines with tensors on any device; its gradient comes back on
    # the CPU. A CPU tensor with dimensions still refuses.
    y = fg.tensor([1.0, 2.0, 4.0], device="cuda", requires_grad=True)
    s = fg.tensor(3.0, requires_grad=True)
    out = y * s + s
    assert out.is_cuda
    close(out, np.array([6.0, 9.0, 15.0]), 0)
    out.sum().backward()
    assert not s.grad.is_cuda
    assert s.grad.item() == 10.0  # sum(y) + 3
    close(y.grad, np.array([3.0, 3.0, 3.0]), 0)
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        y + fg.tensor([1.0, 2.0, 3.0])


def test_a_zero_dim_cpu_tensor_next_to_meta():
    out = fg.ones(3, device="meta") * fg.tensor(2.0)
    assert out.device.type == "meta" and out.shape == (3,)


# ----------------------------------------------------------------------------- forward ops

UNARY = [
    "neg",
    "abs",
    "exp",
    "log",
    "sqrt",
    "rsqrt",
    "sin",
    "cos",
    "tan",
    "tanh",
    "sigmoid",
    "relu",
    "floor",
    "ceil",
    "round",
    "trunc",
    "log1p",
    "expm1",
    "erf",
    "reciprocal",
    "sign",
    "square",
]


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unary_matches_cpu(backend, name, dtype):
    positive = name in ("log", "sqrt", "rsqrt", "log1p", "reciprocal")
    a = data(3, 5, positive=positive, dtype=dtype)
    a[0, 0] = 2.5  # a rounding tie
    x = fg.tensor(a)
    expected = getattr(x, name)()
    got = getattr(x.cuda(), name)()
    assert got.is_cuda and got.dtype == expected.dtype
    close(got, expected, 1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize(
    "op",
    [
        "add",
        "sub",
        "mul",
        "div",
        "pow",
        "remainder",
        "floor_divide",
        "maximum",
        "minimum",
        "atan2",
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
    ],
)
def test_binary_matches_cpu_with_broadcasting(backend, op):
    a, b = data(4, 1, 3, positive=True), data(2, 3, positive=True)
    x, y = fg.tensor(a), fg.tensor(b)
    expected = getattr(fg, op)(x, y)
    got = getattr(fg, op)(x.cuda(), y.cuda())
    assert got.is_cuda and got.dtype == expected.dtype and got.shape == expected.shape
    close(got, expected)


@pytest.mark.parametrize("dtype", [fg.int64, fg.int32, fg.bool])
def test_integer_and_bool_ops_match_cpu(backend, dtype):
    a = fg.tensor([[0, 1, 2], [3, 4, 5]]).to(dtype)
    b = fg.tensor([1, 0, 1]).to(dtype)
    c = a.cuda(), b.cuda()
    for f in [
        lambda p, q: p & q,
        lambda p, q: p | q,
        lambda p, q: p ^ q,
        lambda p, q: p == q,
        lambda p, q: p + q,
    ]:
        expected, got = f(a, b), f(*c)
        assert got.dtype == expected.dtype
        assert got.tolist() == expected.tolist()
    assert (~c[0]).tolist() == (~a).tolist()
    assert c[0].sum().tolist() == a.sum().tolist() and c[0].sum().dtype == a.sum().dtype
    if dtype != fg.bool:
        assert (c[0] // 2).tolist() == (a // 2).tolist()
        assert (c[0] % 3).tolist() == (a % 3).tolist()


def test_reductions_match_cpu(backend):
    a = data(3, 4, 5)
    x, y = fg.tensor(a), fg.tensor(a).cuda()
    for f in [
        lambda t: t.sum(),
        lambda t: t.sum(1),
        lambda t: t.sum((0, 2), keepdim=True),
        lambda t: t.mean(),
        lambda t: t.mean(-1, keepdim=True),
        lambda t: t.max(),
        lambda t: t.min(),
        lambda t: t.max(1)[0],
        lambda t: t.min(2, keepdim=True)[0],
        lambda t: t.argmax(),
        lambda t: t.argmin(1),
        lambda t: t.max(0)[1],
        lambda t: t.prod(1) if hasattr(t, "prod") else t.sum(1),
    ]:
        expected, got = f(x), f(y)
        assert got.is_cuda and got.dtype == expected.dtype and got.shape == expected.shape
        close(got, expected, 1e-4)


def test_shape_and_index_ops_match_cpu(backend):
    a = data(2, 3, 4)
    x, y = fg.tensor(a), fg.tensor(a).cuda()
    for f in [
        lambda t: t.transpose(0, 2),
        lambda t: t.permute(1, 2, 0),
        lambda t: t.reshape(4, 6),
        lambda t: t.T,
        lambda t: t[1],
        lambda t: t[:, 1:3],
        lambda t: t[..., ::2],
        lambda t: t[None, 0, :, -1],
        lambda t: t[:, :, 1:2].expand(2, 3, 5),
        lambda t: t.flatten(),
        lambda t: t.unsqueeze(1).squeeze(),
        lambda t: t.clamp(-0.5, 0.5),
        lambda t: t.clamp(min=0.0),
        lambda t: t.where(t > 0, -t),
        lambda t: t.clone(),
        lambda t: t.to(fg.float64),
        lambda t: t.to(fg.int64),
        lambda t: t[fg.tensor([1, 0, 1], device=t.device)],
    ]:
        expected, got = f(x), f(y)
        assert got.is_cuda and got.shape == expected.shape and got.dtype == expected.dtype
        close(got, expected)


@pytest.mark.parametrize(
    "shapes",
    [
        ((3,), (3,)),
        ((2, 3), (3,)),
        ((3,), (3, 4)),
        ((2, 3), (3, 4)),
        ((5, 2, 3), (3, 4)),
        ((5, 2, 3), (5, 3, 4)),
    ],
)
def test_matmul_matches_cpu(backend, shapes):
    a, b = data(*shapes[0]), data(*shapes[1])
    expected = fg.tensor(a) @ fg.tensor(b)
    got = fg.tensor(a, device="cuda") @ fg.tensor(b, device="cuda")
    assert got.is_cuda and got.shape == expected.shape
    close(got, expected, 1e-4)


@pytest.mark.parametrize("batch", [2, 9])  # both orientations of F.linear's product
def test_linear_and_matmul_gradients_run_in_the_table(numpy_backend, batch):
    F = _nn().functional
    x, w, b = data(batch, 5), data(4, 5), data(4)
    expected = [fg.tensor(v, requires_grad=True) for v in (x, w, b)]
    got = [fg.tensor(v, device="cuda", requires_grad=True) for v in (x, w, b)]
    F.linear(*expected).sum().backward()
    numpy_backend.record = []
    before = numpy_backend.transfers["to_host"]
    out = F.linear(*got)
    out.sum().backward()
    assert "matmul_transposed" in {name for name, _ in numpy_backend.record}
    assert numpy_backend.transfers["to_host"] == before
    close(out, F.linear(*expected), 1e-4)
    for e, g in zip(expected, got, strict=True):
        assert g.grad.is_cuda
        close(g.grad, e.grad, 1e-4)


def test_inplace_ops_on_device(backend):
    y = fg.tensor([1.0, 2.0, 3.0], device="cuda")
    y += 1
    y *= fg.tensor([2.0, 2.0, 2.0], device="cuda")
    y.sub_(1)
    assert y.is_cuda and y.tolist() == [3.0, 5.0, 7.0]
    y[1] = 0.0
    y[0:1] = fg.tensor([9.0], device="cuda")
    assert y.is_cuda and y.tolist() == [9.0, 0.0, 7.0]
    y.fill_(4.0)
    assert y.tolist() == [4.0] * 3
    y.zero_()
    assert y.is_cuda and y.tolist() == [0.0] * 3
    y.copy_(fg.tensor([1.0, 2.0, 3.0], device="cuda"))
    assert y.tolist() == [1.0, 2.0, 3.0]


# ----------------------------------------------------------------------------- autograd


def _functions():
    return [
        lambda a, b: (a * b).sum(),
        lambda a, b: (a / (b * b + 1)).mean(),
        lambda a, b: (a @ b.T).tanh().sum(),
        lambda a, b: a.sigmoid().mul(b.exp()).sum(),
        lambda a, b: (a.relu() + b.abs()).pow(2).sum(),
        lambda a, b: a.max() + b.min(),
        lambda a, b: a.max(1)[0].sum() * b.sum(0).mean(),
        lambda a, b: (
            (a.clamp(-0.3, 0.3) - b.sqrt().log()).sum()
            if False
            else (a.clamp(-0.3, 0.3) - (b * b + 1).sqrt().log()).sum()
        ),
        lambda a, b: a[:, 1:].sum() + b[0].sum() + a.transpose(0, 1)[2].sum(),
        lambda a, b: a.expand(2, 3, 4).sum() + b.unsqueeze(0).reshape(-1).sum(),
        lambda a, b: a.where(a > b, b).sum(),
        lambda a, b: (a.maximum(b) * a.minimum(b)).sum() + a.atan2(b).sum(),
        lambda a, b: (a.to(fg.float64) * 2).sum() + b.erf().sum(),
    ]


@pytest.mark.parametrize("k", range(13))
def test_gradients_match_cpu(backend, k):
    f = _functions()[k]
    a, b = data(3, 4), data(3, 4)
    xa, xb = fg.tensor(a, requires_grad=True), fg.tensor(b, requires_grad=True)
    ya, yb = (
        fg.tensor(a, device="cuda", requires_grad=True),
        fg.tensor(b, device="cuda", requires_grad=True),
    )
    f(xa, xb).backward()
    out = f(ya, yb)
    assert out.is_cuda
    out.backward()
    for cpu_leaf, gpu_leaf in [(xa, ya), (xb, yb)]:
        assert gpu_leaf.grad is not None and gpu_leaf.grad.is_cuda
        close(gpu_leaf.grad, cpu_leaf.grad, 1e-4)


def test_gradients_accumulate_in_the_arena(backend):
    x = fg.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    assert x.grad.is_cuda
    assert x.grad.tolist() == [5.0, 7.0]
    x.grad = None
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_gradients_flow_back_across_devices(backend):
    x = fg.tensor([1.0, -2.0, 3.0], requires_grad=True)  # a CPU leaf
    y = x.cuda()
    assert y.grad_fn.name() == "ToCopyBackward0"
    loss = (y * y).sum().cpu() + x.sum()
    loss.backward()
    assert x.grad.is_cpu and x.grad.tolist() == [3.0, -3.0, 7.0]

    w = fg.tensor([2.0, 4.0], device="cuda", requires_grad=True)  # a GPU leaf used on the CPU
    (w.cpu() ** 2).sum().backward()
    assert w.grad.is_cuda and w.grad.tolist() == [4.0, 8.0]

    v = fg.tensor([1.0, 2.0], requires_grad=True)
    v.to("cuda", fg.float64).to("cpu").sum().backward()
    assert v.grad.dtype == fg.float32 and v.grad.tolist() == [1.0, 1.0]


def test_gradcheck_across_the_seam(backend):
    x = fg.tensor(data(2, 3, dtype=np.float64), requires_grad=True)
    assert fg.autograd.gradcheck(
        lambda t: (t.cuda().tanh() * t.cuda().sigmoid()).sum(1).cpu(), (x,)
    )
    assert fg.autograd.gradcheck(lambda t: (t.cuda() @ t.cuda().T).exp().cpu(), (x,))


def test_double_backward_on_device(backend):
    x = fg.tensor([0.5, 1.5], device="cuda", requires_grad=True)
    y = (x**3).sum()
    (g,) = fg.autograd.grad(y, x, create_graph=True)
    assert g.is_cuda
    g.sum().backward()
    close(x.grad, 6 * np.array([0.5, 1.5]))


def test_backward_with_explicit_gradient(backend):
    x = fg.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    (x * 2).backward(fg.tensor([1.0, 10.0], device="cuda"))
    assert x.grad.tolist() == [2.0, 20.0]
    (x * 2).backward([1.0, 1.0])
    assert x.grad.tolist() == [4.0, 22.0]


def test_training_on_device_matches_cpu(backend):
    def train(device):
        fg.manual_seed(0)
        w1 = fg.randn(1, 16, device=device).mul(0.5).requires_grad_()
        b1 = fg.zeros(16, device=device, requires_grad=True)
        w2 = fg.randn(16, 1, device=device).mul(0.5).requires_grad_()
        xs = fg.linspace(-2, 2, 32, device=device).reshape(32, 1)
        ys = xs.sin()
        losses = []
        for _ in range(30):
            loss = ((((xs @ w1) + b1).tanh() @ w2 - ys) ** 2).mean()
            for p in (w1, b1, w2):
                p.grad = None
            loss.backward()
            with fg.no_grad():
                for p in (w1, b1, w2):
                    p -= 0.1 * p.grad
            losses.append(loss.item())
        assert all(p.is_cuda == (device == "cuda") for p in (w1, b1, w2))
        return losses

    cpu, gpu = train("cpu"), train("cuda")
    assert gpu[-1] < gpu[0] * 0.5
    np.testing.assert_allclose(gpu, cpu, rtol=1e-4)


# ----------------------------------------------------------------------------- mixed devices


def test_mixed_device_ops_raise_naming_both(backend):
    a, b = fg.ones(2), fg.ones(2, device="cuda")
    for f in [
        lambda: a + b,
        lambda: b * a,
        lambda: a @ b,
        lambda: b.where(b > 0, a),
        lambda: fg.maximum(a, b),
    ]:
        with pytest.raises(RuntimeError, match=r"cpu.*cuda:0|cuda:0.*cpu"):
            f()


def test_two_cuda_devices_do_not_mix(numpy_backend):
    a, b = fg.ones(2, device="cuda:0"), fg.ones(2, device="cuda:1")
    assert b.device == fg.device("cuda:1") and b.get_device() == 1
    with pytest.raises(RuntimeError, match=r"cuda:0.*cuda:1"):
        a + b
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        fg.ones(2, device="cuda:7")


def test_grad_on_another_device_is_rejected(backend):
    x = fg.ones(2, device="cuda", requires_grad=True)
    with pytest.raises(RuntimeError, match="device"):
        x.grad = fg.ones(2)


# ---------------------------------------------------------------------------- errors from the table


def test_table_exceptions_reach_python_unchanged(numpy_backend):
    class Boom(Exception):
        pass

    def unary(x, op):
        raise Boom(f"no {op} today")

    numpy_backend.unary = unary
    y = fg.ones(2, device="cuda")
    with pytest.raises(Boom, match="no exp today"):
        y.exp()


def test_missing_kernels_fall_back_to_the_host(numpy_backend):
    numpy_backend.matmul = lambda a, b: None
    x = fg.tensor(data(2, 3), device="cuda")
    w = fg.tensor(data(3, 2), device="cuda")
    before = numpy_backend.transfers["to_host"]
    out = x @ w
    assert out.is_cuda and numpy_backend.transfers["to_host"] == before + 2
    close(out, host(x) @ host(w))


def test_index_errors_on_device(backend):
    y = fg.ones(3, device="cuda")
    with pytest.raises(IndexError):
        y[fg.tensor([5], device="cuda")]


# ----------------------------------------------------------------------------- without a backend


def test_without_cuda(monkeypatch):
    previous = cuda.use_backend(None)
    monkeypatch.setenv("FERROGRAD_CUDA_BACKEND", "none")
    cuda._reset_for_tests()
    try:
        assert not cuda.is_available()
        assert cuda.device_count() == 0
        x = fg.ones(2)
        with pytest.raises(RuntimeError, match=r"CUDA is not available.*cuda12"):
            x.cuda()
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            fg.zeros(2, device="cuda")
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            x.to("cuda:0")
        assert x.cpu() is x and x.to("cpu") is x
    finally:
        cuda.use_backend(previous)


# ----------------------------------------------------------------------------- nn on the device


def _nn():
    return pytest.importorskip("ferrograd.nn")


def test_module_to_moves_parameters(backend):
    nn = _nn()
    fg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    assert model.to("cuda") is model
    assert all(p.is_cuda and p.is_leaf and p.requires_grad for p in model.parameters())
    out = model(fg.randn(3, 4, device="cuda"))
    assert out.is_cuda
    out.sum().backward()
    assert all(p.grad.is_cuda for p in model.parameters())
    model.cpu()
    assert all(p.is_cpu and p.grad.is_cpu for p in model.parameters())
    model.cuda()
    assert all(p.is_cuda for p in model.parameters())


def _conv_net(nn):
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 4, 3, stride=2, padding=1),
        nn.Flatten(),
        nn.Linear(16, 3),
    )


def test_conv_net_forward_and_backward_match_cpu(backend):
    nn = _nn()
    F = nn.functional
    fg.manual_seed(1)
    cpu_model = _conv_net(nn)
    fg.manual_seed(1)
    gpu_model = _conv_net(nn).to("cuda")
    x = fg.tensor(data(5, 1, 8, 8))
    target = fg.tensor([0, 2, 1, 1, 0])
    cpu_loss = F.cross_entropy(cpu_model(x), target)
    gpu_loss = F.cross_entropy(gpu_model(x.cuda()), target.cuda())
    assert gpu_loss.is_cuda
    close(gpu_loss, cpu_loss, 1e-4)
    cpu_loss.backward()
    gpu_loss.backward()
    for p, q in zip(cpu_model.parameters(), gpu_model.parameters(), strict=True):
        assert q.grad.is_cuda
        close(q.grad, p.grad, 1e-4)


def test_nn_kernels_run_in_the_table(numpy_backend):
    nn = _nn()
    F = nn.functional
    x = fg.tensor(data(2, 3, 6, 6), device="cuda")
    w = fg.tensor(data(4, 3, 3, 3), device="cuda")
    numpy_backend.record = []
    before = numpy_backend.transfers["to_host"]
    F.max_pool2d(F.conv2d(x, w, padding=1), 2).softmax(1).log().sum()
    names = {name for name, _ in numpy_backend.record}
    assert {"im2col", "matmul", "max_pool2d_indices", "softmax"} <= names, names
    assert numpy_backend.transfers["to_host"] == before


def test_nn_functions_match_cpu(backend):
    nn = _nn()
    F = nn.functional
    a = data(4, 5)
    target = fg.tensor([1, 0, 4, 2])
    for f in [
        lambda t, y: F.softmax(t, 1),
        lambda t, y: F.log_softmax(t, 0),
        lambda t, y: F.cross_entropy(t, y),
        lambda t, y: F.mse_loss(t, t * 0.5),
        lambda t, y: fg.cat([t, t * 2], 1),
        lambda t, y: fg.stack([t, t]),
        lambda t, y: t.gather(1, y.unsqueeze(1)),
        lambda t, y: F.gelu(t),
        lambda t, y: F.layer_norm(t, (5,)),
        lambda t, y: t.logsumexp(1) if hasattr(t, "logsumexp") else t.sum(),
        lambda t, y: t.sort(1)[0] if hasattr(t, "sort") else t.sum(),
    ]:
        x = fg.tensor(a, requires_grad=True)
        y = fg.tensor(a, device="cuda", requires_grad=True)
        expected, got = f(x, target), f(y, target.cuda())
        assert got.is_cuda
        close(got, expected, 1e-5)
        expected.sum().backward()
        got.sum().backward()
        close(y.grad, x.grad, 1e-5)


def test_optimizer_step_on_device(backend):
    nn = _nn()
    optim = pytest.importorskip("ferrograd.optim")
    for make in [lambda p: optim.SGD(p, lr=0.1, momentum=0.9), lambda p: optim.Adam(p, lr=0.01)]:
        results = []
        for device in ("cpu", "cuda"):
            fg.manual_seed(2)
            model = nn.Linear(3, 1).to(device)
            opt = make(model.parameters())
            xs = fg.tensor(
                data(8, 3) * 0 + np.arange(24, dtype=np.float32).reshape(8, 3) / 24, device=device
            )
            for _ in range(5):
                opt.zero_grad()
                loss = ((model(xs) - 1.0) ** 2).mean()
                loss.backward()
                opt.step()
            assert all(p.device == fg.device(device) for p in model.parameters())
            results.append([host(p) for p in model.parameters()])
        for p, q in zip(*results, strict=True):
            np.testing.assert_allclose(q, p, rtol=1e-4, atol=1e-5)


def test_linear_creates_its_parameters_on_the_device_given(numpy_backend):
    layer = _nn().Linear(3, 2, device="cuda")
    assert layer.weight.is_cuda and layer.bias.is_cuda
    assert layer(fg.ones(4, 3, device="cuda")).shape == (4, 2)
