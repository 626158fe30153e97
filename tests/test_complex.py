"""Complex tensors: dtypes and promotion, printing, the aliasing views, arithmetic and
functions against values recorded from PyTorch 2.15, gradients in PyTorch's convention
(``dL/dRe + i dL/dIm``) checked against finite differences, and the refusals."""

import numpy as np
import pytest

import ferrograd as torch
from ferrograd.autograd import gradcheck, gradgradcheck


def close(z, expected, tol=1e-4):
    got = np.asarray(z.detach().numpy() if z.requires_grad else z.numpy())
    np.testing.assert_allclose(got, np.asarray(expected), rtol=tol, atol=tol)


Z = [1 + 2j, 3 - 4j]


# ---------------------------------------------------------------------- dtypes and promotion


def test_dtypes_and_aliases():
    assert torch.cfloat is torch.complex64 and torch.cdouble is torch.complex128
    assert torch.complex64.is_complex and not torch.complex64.is_floating_point
    assert torch.complex64.itemsize == 8 and torch.complex128.itemsize == 16
    assert torch.complex128.to_real() is torch.float64
    assert torch.float32.to_complex() is torch.complex64
    z = torch.tensor(Z)
    assert z.dtype is torch.complex64 and z.is_complex() and torch.is_complex(z)
    assert not z.is_floating_point() and z.element_size() == 8
    assert isinstance(z, torch.Tensor)
    assert not torch.ones(1).is_complex()


def test_promotion_as_pytorch():
    # values from PyTorch 2.15
    z = torch.tensor(Z)
    assert (torch.ones(2) + z).dtype is torch.complex64
    assert (torch.ones(2, dtype=torch.float64) + z).dtype is torch.complex128
    assert (torch.tensor(1.0, dtype=torch.float64) + z).dtype is torch.complex64
    assert torch.promote_types(torch.float64, torch.complex64) is torch.complex128
    assert torch.result_type(torch.arange(2), 1j) is torch.complex64
    assert not torch.can_cast(torch.complex64, torch.float64)


# ---------------------------------------------------------------------- making and printing


def test_repr_as_pytorch():
    # strings from PyTorch 2.15 (its "torch." prefix is ours "ferrograd.")
    assert repr(torch.tensor(Z)) == "tensor([1.+2.j, 3.-4.j])"
    assert (
        repr(torch.tensor([1 + 2j], dtype=torch.complex128))
        == "tensor([1.+2.j], dtype=ferrograd.complex128)"
    )
    assert repr(torch.zeros(2, 2, dtype=torch.cfloat)) == (
        "tensor([[0.+0.j, 0.+0.j],\n        [0.+0.j, 0.+0.j]])"
    )
    assert repr(torch.tensor(2 + 3j)) == "tensor(2.+3.j)"
    assert repr(torch.tensor(Z).exp()) == "tensor([ -1.1312+2.4717j, -13.1288+15.2008j])"
    assert repr(torch.tensor([1e-5 + 1000j])) == "tensor([1.0000e-05+1000.j])"
    # PyTorch names the node MulBackward0; ours is the last real op on the parts
    shown = repr(torch.tensor([1 + 2j]).requires_grad_() * 2)
    assert shown.startswith("tensor([2.+4.j], grad_fn=<") and shown.endswith("Backward0>)")


def test_factories():
    assert torch.ones(2, dtype=torch.cdouble).tolist() == [1 + 0j, 1 + 0j]
    assert torch.full((2,), 1 - 1j).dtype is torch.complex64
    torch.manual_seed(0)
    z = torch.randn(20000, dtype=torch.cfloat)
    # PyTorch draws each part with variance 1/2, so E|z|^2 = 1
    assert abs(z.real.var().item() - 0.5) < 0.03 and abs(z.imag.var().item() - 0.5) < 0.03
    assert torch.zeros_like(z).dtype is torch.complex64
    assert torch.tensor(1j).item() == 1j


def test_numpy_round_trip_shares_memory():
    array = np.array([1 + 2j, 3 - 4j], dtype=np.complex128)
    z = torch.from_numpy(array)
    assert z.dtype is torch.complex128
    z[0] = 5j
    assert array[0] == 5j
    back = z.numpy()
    back[1] = 7
    assert z[1].item() == 7


# ---------------------------------------------------------------------- views alias


def test_view_as_real_and_complex_alias():
    x = torch.tensor([[1.0, 2.0], [3.0, -4.0]])
    z = torch.view_as_complex(x)
    assert z.shape == (2,) and z.stride() == (1,)
    r = torch.view_as_real(z)
    r[0, 1] = 9.0
    assert x[0, 1].item() == 9.0 and z[0].item() == 1 + 9j
    z.real.mul_(10)
    assert x[:, 0].tolist() == [10.0, 30.0]
    z.imag[1] = 0.5
    assert x[1, 1].item() == 0.5


def test_shape_operations():
    z = torch.tensor([[1 + 1j, 2 - 1j, 3j], [4, 5 + 5j, -6j]])
    assert z.shape == (2, 3) and z.stride() == (3, 1) and z.numel() == 6 and len(z) == 2
    assert z.t().shape == (3, 2) and z.t()[2, 1].item() == -6j
    assert z.reshape(3, 2)[2, 0].item() == 5 + 5j
    assert z.view(-1).shape == (6,) and z.flatten().shape == (6,)
    assert z.unsqueeze(0).shape == (1, 2, 3) and z.unsqueeze(-1).shape == (2, 3, 1)
    assert z[:, None].squeeze(1).shape == (2, 3)
    assert z.permute(1, 0)[0, 1].item() == 4
    assert z[..., 1].tolist() == [2 - 1j, 5 + 5j]
    assert torch.cat([z, z], 1).shape == (2, 6) and torch.stack([z, z], -1).shape == (2, 3, 2)
    assert torch.cat([z, torch.ones(1, 3)]).dtype is torch.complex64
    assert z.contiguous().is_contiguous() and not z.t().is_contiguous()


# ---------------------------------------------------------------------- values


def test_functions_match_pytorch():
    # values from PyTorch 2.15
    z = torch.tensor(Z)
    close(z.abs(), [2.2361, 5.0])
    close(z.angle(), [1.1071, -0.9273])
    close(z.exp(), [-1.1312 + 2.4717j, -13.1288 + 15.2008j])
    close(z.log(), [0.8047 + 1.1071j, 1.6094 - 0.9273j])
    close(z.sqrt(), [1.2720 + 0.7862j, 2.0 - 1.0j])
    close(z.reciprocal(), [0.2 - 0.4j, 0.12 + 0.16j])
    close(z.conj(), [1 - 2j, 3 + 4j])
    close(z.sum(), 4 - 2j)
    close(z.mean(), 2 - 1j)
    close(z**2, [-3 + 4j, -7 - 24j])
    close(z**0.5, [1.2720 + 0.7862j, 2.0 - 1.0j])
    close(2 / z, [0.4 - 0.8j, 0.24 + 0.32j])
    close(2 - z, [1 - 2j, -1 + 4j])
    a = torch.tensor([[1 + 1j, 2 - 1j], [0.5j, 3]])
    b = torch.tensor([[2 - 1j], [1 + 0.5j]])
    close(a @ b, [[5.5 + 1j], [3.5 + 2.5j]])
    close(
        torch.polar(torch.tensor([1.0, 2.0]), torch.tensor([0.5, 1.0])),
        [0.8776 + 0.4794j, 1.0806 + 1.6829j],
    )
    close(torch.complex(torch.tensor([1.0, 2.0]), torch.tensor([0.5, 1.0])), [1 + 0.5j, 2 + 1j])
    assert (torch.tensor([1.5 + 0j, -2j]) == torch.tensor([1.5 + 0j, 2j])).tolist() == [True, False]
    assert torch.view_as_complex(torch.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().item() == 4 + 6j


def test_real_operands_broadcast():
    z = torch.tensor([[1 + 1j], [2 - 1j]])
    r = torch.tensor([1.0, 2.0, 3.0])
    close(z * r, [[1 + 1j, 2 + 2j, 3 + 3j], [2 - 1j, 4 - 2j, 6 - 3j]])
    close(r + z, [[2 + 1j, 3 + 1j, 4 + 1j], [3 - 1j, 4 - 1j, 5 - 1j]])
    close(z * 1j, [[-1 + 1j], [1 + 2j]])
    close(torch.mul(r, z[0]), [1 + 1j, 2 + 2j, 3 + 3j])


def test_real_tensor_with_python_complex_number():
    # PyTorch 2.15: each result below, and the dtypes (float64 gives complex128; float32 and
    # integers the default complex64).
    r = torch.tensor([1.0, 2.0])
    close(r * 1j, [1j, 2j])
    close(1j * r, [1j, 2j])
    close(r + 1j, [1 + 1j, 2 + 1j])
    close(1j + r, [1 + 1j, 2 + 1j])
    close(r - 1j, [1 - 1j, 2 - 1j])
    close(1j - r, [-1 + 1j, -2 + 1j])
    close(r / 1j, [-1j, -2j])
    close(2j / r, [2j, 1j])
    assert (r * 1j).dtype is torch.complex64
    assert (r.double() * 1j).dtype is torch.complex128
    assert (torch.tensor([1, 2]) * 1j).dtype is torch.complex64
    with pytest.raises(TypeError, match="unsupported operand"):
        r @ 1j


def test_real_tensor_methods_take_complex_operands():
    r = torch.tensor([1.0, 2.0])
    z = torch.complex(r, r)
    close(r.mul(z), [1 + 1j, 4 + 4j])
    close(r.multiply(1j), [1j, 2j])
    close(r.add(1j), [1 + 1j, 2 + 1j])
    close(r.sub(z), [-1j, -2j])
    close(r.div(z), [0.5 - 0.5j, 0.5 - 0.5j])
    with pytest.raises(TypeError, match="mul"):
        r.mul("a")


def test_exp_of_imaginary_multiple_differentiates():
    x = torch.tensor([0.5, 1.0], dtype=torch.float64, requires_grad=True)
    torch.exp(1j * x).real.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), -np.sin([0.5, 1.0]), rtol=1e-12)
    assert gradcheck(lambda t: torch.view_as_real(torch.exp(t * 1j)), (x,))


def test_to_and_type_as():
    z = torch.tensor(Z)
    assert z.to(torch.complex128).dtype is torch.complex128
    assert z.type_as(torch.zeros(1, dtype=torch.complex128)).dtype is torch.complex128
    with pytest.warns(UserWarning, match="discards the imaginary part"):
        assert z.to(torch.float32).tolist() == [1.0, 3.0]


# ---------------------------------------------------------------------- gradients


def test_gradient_convention_as_pytorch():
    # values from PyTorch 2.15
    w = torch.tensor([0.5 - 1j, 2 + 0.25j])
    z = torch.tensor(Z, requires_grad=True)
    (z * w).real.sum().backward()
    close(z.grad, [0.5 + 1j, 2 - 0.25j])
    z.grad = None
    (z.abs() ** 2).sum().backward()
    close(z.grad, [2 + 4j, 6 - 8j])
    z.grad = None
    z.exp().imag.sum().backward()
    close(z.grad, [2.4717 - 1.1312j, 15.2008 - 13.1288j])
    (g,) = torch.autograd.grad((z / w).abs().sum(), [z])
    close(g, [0.4 + 0.8j, 0.2977 - 0.3969j])
    at_zero = torch.tensor([0j, 3 + 4j], requires_grad=True)
    at_zero.abs().sum().backward()
    close(at_zero.grad, [0, 0.6 + 0.8j])  # PyTorch: sgn(0) = 0


def _through_real(op):
    """``op`` on complex tensors as a function of real float64 tensors of parts."""

    def f(*parts):
        out = op(*(torch.view_as_complex(p) for p in parts))
        return torch.view_as_real(out) if out.is_complex() else out

    return f


UNARY = {
    "exp": lambda z: z.exp(),
    "log": lambda z: z.log(),
    "sqrt": lambda z: z.sqrt(),
    "reciprocal": lambda z: z.reciprocal(),
    "abs": lambda z: z.abs(),
    "angle": lambda z: z.angle(),
    "conj": lambda z: z.conj(),
    "sum": lambda z: z.sum(0),
    "mean": lambda z: z.mean(),
    "pow": lambda z: z**2.5,
    "square": lambda z: z * z,
}
BINARY = {
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "matmul": lambda a, b: a @ b.t(),
}


def _parts(seed: int, *shape):
    torch.manual_seed(seed)
    # away from the origin and the negative real axis (log/sqrt/angle branch cut)
    x = torch.rand(*shape, 2, dtype=torch.float64) + 0.5
    return x.requires_grad_()


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_gradcheck(name):
    f = _through_real(UNARY[name])
    x = _parts(0, 3, 2)
    assert gradcheck(f, (x,), check_forward_ad=True)
    assert gradgradcheck(f, (x,))


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_gradcheck(name):
    f = _through_real(BINARY[name])
    a, b = _parts(1, 2, 3), _parts(2, 2, 3)
    assert gradcheck(f, (a, b), check_forward_ad=True)
    assert gradgradcheck(f, (a, b))


def test_polar_and_complex_gradcheck():
    magnitude = torch.rand(4, dtype=torch.float64, requires_grad=True)
    phase = torch.rand(4, dtype=torch.float64, requires_grad=True)
    for make in (torch.polar, torch.complex):
        f = lambda m, p, make=make: torch.view_as_real(make(m, p))  # noqa: E731
        assert gradcheck(f, (magnitude, phase), check_forward_ad=True)
        assert gradgradcheck(f, (magnitude, phase))


def test_complex_leaf_gradient_and_hooks():
    z = torch.randn(3, dtype=torch.cdouble, requires_grad=True)
    assert z.is_leaf and z.grad_fn is None
    seen = []
    z.register_hook(lambda g: seen.append(g.dtype))
    (z.abs() ** 2).sum().backward()
    close(z.grad, 2 * z.detach().numpy())
    assert seen == [torch.complex128]
    out = z * 2
    out.backward(torch.ones(3, dtype=torch.cdouble))
    close(z.grad, 2 * z.detach().numpy() + 2)


# ---------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda z: z.max(), NotImplementedError, "\"max\" not implemented for 'ComplexFloat'"),
        (lambda z: z < z.conj(), NotImplementedError, '"lt_cpu" not implemented for'),
        (lambda z: torch.relu(z), NotImplementedError, "not implemented for 'ComplexFloat'"),
        (lambda z: z.sort(), NotImplementedError, "not implemented for 'ComplexFloat'"),
        (lambda z: z.sum().backward(), RuntimeError, "real scalar outputs"),
        (lambda z: torch.view_as_real(z.real), TypeError, "only supported for complex tensors"),
    ],
)
def test_unsupported_operations_raise(call, error, words):
    z = torch.tensor(Z, requires_grad=True)
    with pytest.raises(error, match=words.replace("(", r"\(")):
        call(z)


def test_view_as_complex_checks():
    # messages from PyTorch 2.15
    with pytest.raises(RuntimeError, match="last dimension of size 2"):
        torch.view_as_complex(torch.ones(3, 3))
    with pytest.raises(RuntimeError, match="last dimension with stride 1"):
        torch.view_as_complex(torch.ones(2, 4)[:, ::2])
    with pytest.raises(RuntimeError, match="only supported for float and double"):
        torch.view_as_complex(torch.ones(3, 2, dtype=torch.int64))
    with pytest.raises(RuntimeError, match="Expected object of scalar type Double"):
        torch.polar(torch.ones(3, dtype=torch.float64), torch.ones(3))


def test_diagonal_diag_embed_and_solve():
    from ferrograd._complex._linalg import solve

    z = torch.tensor([[1 + 1j, 2j], [3, 4 - 1j]])
    d = z.diagonal()
    assert d.tolist() == [1 + 1j, 4 - 1j]
    d[0] = 5  # a view
    assert z[0, 0].item() == 5
    assert d.diag_embed().tolist() == [[5, 0], [0, 4 - 1j]]
    M = torch.tensor([[2 + 1j, 1], [0.5j, 3 - 1j]], dtype=torch.cdouble)
    Y = torch.tensor([[1 - 1j], [2]], dtype=torch.cdouble)
    close((M @ solve(M, Y) - Y).abs(), [[0.0], [0.0]], 1e-12)
    f = _through_real(solve)
    # the real solve under it is a linalg node, reverse mode only
    assert gradcheck(f, (_parts(3, 2, 2), _parts(4, 2, 1)))
    assert gradgradcheck(f, (_parts(3, 2, 2), _parts(4, 2, 1)))


def test_save_and_load(tmp_path):
    z = torch.tensor([1 + 2j, 3 - 4j], dtype=torch.cdouble)
    leaf = torch.randn(2, dtype=torch.cfloat, requires_grad=True)
    path = tmp_path / "complex.pt"
    torch.save({"z": z, "leaf": leaf, "dtype": torch.complex64}, path)
    loaded = torch.load(path)
    assert loaded["z"].dtype is torch.complex128 and loaded["z"].tolist() == z.tolist()
    assert loaded["leaf"].requires_grad and loaded["leaf"].dtype is torch.complex64
    assert loaded["leaf"].tolist() == leaf.tolist()
    assert loaded["dtype"] is torch.complex64


def test_real_tensors_on_the_complex_surface():
    # as PyTorch 2.15
    x = torch.tensor([1.0, 2.0])
    assert x.conj() is x and x.resolve_conj() is x and torch.conj_physical(x) is x
    assert not x.is_conj()
    with pytest.raises(TypeError, match="imag is not implemented for tensors with non-complex"):
        x.imag  # noqa: B018
    assert x.to(torch.cfloat).tolist() == [1 + 0j, 2 + 0j]
    assert x.cdouble().dtype is torch.complex128
    assert x.type(torch.complex64).dtype is torch.complex64
    assert x.type_as(torch.tensor([1j])).dtype is torch.complex64
    z = torch.tensor([1 + 2j, 3j])
    assert torch.real(z).tolist() == [1.0, 0.0] and torch.imag(z).tolist() == [2.0, 3.0]
    assert torch.conj(z).tolist() == [1 - 2j, -3j]
    assert torch.isclose(z, z + 1e-9).tolist() == [True, True]
    assert torch.allclose(z, z * 1.0000001) and not torch.allclose(z, z + 0.1)
    mask = torch.tensor([True, False])
    assert torch.where(mask, z, torch.tensor([5j, 6.0])).tolist() == [1 + 2j, 6]
    assert torch.where(mask, z, 0).tolist() == [1 + 2j, 0]


def test_on_the_numpy_backed_device():
    from ferrograd import cuda
    from ferrograd.cuda._numpy_backend import NumpyTable

    previous = cuda.use_backend(NumpyTable())
    try:
        z = torch.tensor([1 + 2j, 3 - 4j]).cuda()
        assert z.is_cuda and z.dtype is torch.complex64
        w = (z * z.conj()).exp()
        assert w.is_cuda
        close(w.cpu(), np.exp(np.array([5.0, 25.0], dtype=np.complex64)), 1e-2)
        spectrum = torch.fft.fft(z)
        assert spectrum.is_cuda
        close(spectrum.cpu(), [4 - 2j, -2 + 6j])
        leaf = torch.tensor([1 + 1j], device="cuda", requires_grad=True)
        (leaf.abs() ** 2).sum().backward()
        assert leaf.grad.is_cuda
        close(leaf.grad.cpu(), [2 + 2j])
        assert "device='cuda:0'" in repr(z)
    finally:
        cuda.use_backend(previous)


def test_conj_physical_in_place():
    z = torch.tensor([1 - 1j, 2 + 3j])
    parts = torch.view_as_real(z)
    assert torch.conj_physical_(z) is z
    assert z.tolist() == [1 + 1j, 2 - 3j] and parts[1, 1].item() == -3.0
    x = torch.ones(2)
    assert x.conj_physical_() is x and x.tolist() == [1.0, 1.0]
