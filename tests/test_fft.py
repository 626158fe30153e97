"""``ferrograd.fft``: values against PyTorch 2.15's (recorded) and NumPy's transforms,
gradients against float64 finite differences (gradcheck, gradgradcheck) and against PyTorch's
recorded gradients for real and complex inputs, and the argument errors."""

import numpy as np
import pytest

import ferrograd as torch
from ferrograd.autograd import gradcheck, gradgradcheck


def close(t, expected, tol=1e-5):
    np.testing.assert_allclose(t.detach().numpy(), np.asarray(expected), rtol=tol, atol=tol)


def signal(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def complex_signal(*shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


# ---------------------------------------------------------------------- values


def test_values_recorded_from_pytorch():
    # values from PyTorch 2.15
    x = torch.arange(6.0)
    close(torch.fft.fft(x), [15, -3 + 5.1962j, -3 + 1.7321j, -3, -3 - 1.7321j, -3 - 5.1962j], 1e-4)
    close(torch.fft.rfft(x), [15, -3 + 5.1962j, -3 + 1.7321j, -3], 1e-4)
    close(torch.fft.hfft(torch.tensor([1 + 1j, 2 - 1j, 3j])), [5.0, -1.0, -3.0, 3.0])
    close(torch.fft.ihfft(x), [2.5, -0.5 - 0.8660j, -0.5 - 0.2887j, -0.5], 1e-4)
    close(torch.fft.fft(x, n=4, norm="ortho"), [3, -1 + 1j, -1, -1 - 1j])
    close(
        torch.fft.ifft(x, n=8, norm="forward"),
        [15, -8.9497 + 1.2929j, 2 + 3j, 0.9497 - 2.7071j, -3, 0.9497 + 2.7071j, 2 - 3j,
         -8.9497 - 1.2929j],
        1e-4,
    )  # fmt: skip
    close(torch.fft.fftfreq(5), [0.0, 0.2, 0.4, -0.4, -0.2])
    close(torch.fft.rfftfreq(6, d=0.5), [0.0, 1 / 3, 2 / 3, 1.0])
    assert torch.fft.fftshift(torch.arange(5)).tolist() == [3, 4, 0, 1, 2]
    assert torch.fft.ifftshift(torch.arange(6).reshape(2, 3)).tolist() == [[4, 5, 3], [1, 2, 0]]
    a = torch.arange(12.0).reshape(3, 4)
    close(torch.fft.irfftn(torch.fft.rfftn(a), s=(3, 4)), a.numpy())
    assert torch.fft.fft(torch.arange(4)).dtype is torch.complex64
    assert torch.fft.fft(x.double()).dtype is torch.complex128
    assert (
        torch.fft.rfft(x).dtype is torch.complex64
        and torch.fft.irfft(torch.fft.rfft(x)).dtype is torch.float32
    )


@pytest.mark.parametrize("norm", [None, "backward", "ortho", "forward"])
def test_against_numpy(norm):
    x = signal(4, 6)
    z = complex_signal(4, 6, seed=1)
    tx, tz = torch.tensor(x), torch.tensor(z)
    close(torch.fft.fft(tz, n=5, norm=norm), np.fft.fft(z, n=5, norm=norm))
    close(torch.fft.ifft(tz, n=8, dim=0, norm=norm), np.fft.ifft(z, n=8, axis=0, norm=norm))
    close(torch.fft.fft2(tz, norm=norm), np.fft.fft2(z, norm=norm))
    close(
        torch.fft.ifft2(tz, s=(3, 7), norm=norm), np.fft.ifft2(z, s=(3, 7), axes=(0, 1), norm=norm)
    )
    close(torch.fft.fftn(tz, dim=(0,), norm=norm), np.fft.fftn(z, axes=(0,), norm=norm))
    close(torch.fft.ifftn(tz, norm=norm), np.fft.ifftn(z, norm=norm))
    close(torch.fft.rfft(tx, n=7, norm=norm), np.fft.rfft(x, n=7, norm=norm))
    close(torch.fft.rfft2(tx, norm=norm), np.fft.rfft2(x, norm=norm))
    close(
        torch.fft.rfftn(tx, s=(5, 5), norm=norm), np.fft.rfftn(x, s=(5, 5), axes=(0, 1), norm=norm)
    )
    close(torch.fft.irfft(tz, norm=norm), np.fft.irfft(z, norm=norm))
    close(torch.fft.irfft(tz, n=7, dim=0, norm=norm), np.fft.irfft(z, n=7, axis=0, norm=norm))
    close(torch.fft.irfft2(tz, norm=norm), np.fft.irfft2(z, norm=norm))
    close(
        torch.fft.irfftn(tz, s=(4, 9), norm=norm),
        np.fft.irfftn(z, s=(4, 9), axes=(0, 1), norm=norm),
    )
    close(torch.fft.hfft(tz, n=9, norm=norm), np.fft.hfft(z, n=9, norm=norm))
    close(torch.fft.ihfft(tx, norm=norm), np.fft.ihfft(x, norm=norm))


def test_shifts_of_complex_tensors():
    z = complex_signal(3, 4)
    close(torch.fft.fftshift(torch.tensor(z)), np.fft.fftshift(z))
    close(torch.fft.ifftshift(torch.tensor(z), dim=1), np.fft.ifftshift(z, axes=1))


# ---------------------------------------------------------------------- gradients


def test_gradients_recorded_from_pytorch():
    # values from PyTorch 2.15
    x = torch.tensor([0.5, -1.0, 2.0, 0.25, 1.5], dtype=torch.float64, requires_grad=True)
    torch.fft.fft(x).abs().sum().backward()
    close(x.grad, [0.181635, -2.379008, 3.164004, 1.254329, 2.779040])
    z = torch.tensor([1 + 1j, 2 - 1j, 0.5j, -1 + 0.25j], dtype=torch.complex128, requires_grad=True)
    weights = torch.arange(6.0, dtype=torch.float64)
    (torch.fft.irfft(z, n=6) ** 2 * weights).sum().backward()
    close(z.grad, [-0.147792, 2.762892 - 0.845299j, -0.852208 + 2.924501j, -1.762892])
    z.grad = None
    (torch.fft.hfft(z) * weights).sum().backward()
    close(z.grad, [15, -6 - 10.392305j, -6 - 3.464102j, -3])
    x.grad = None
    torch.fft.ihfft(x, norm="ortho").imag.sum().backward()
    close(x.grad, [0.0, 0.688191, -0.162460, 0.162460, -0.688191])
    x.grad = None
    torch.fft.rfft(x, n=8).real.cos().sum().backward()
    close(x.grad, [2.174731, -0.300288, 1.107488, -1.481908, 0.040245])


def _real_out(out):
    return torch.view_as_real(out) if out.is_complex() else out


COMPLEX_INPUT = {
    "fft": lambda z: torch.fft.fft(z, n=5),
    "ifft": lambda z: torch.fft.ifft(z, dim=0, norm="ortho"),
    "fft2": lambda z: torch.fft.fft2(z, norm="forward"),
    "ifft2": lambda z: torch.fft.ifft2(z, s=(2, 4)),
    "fftn": lambda z: torch.fft.fftn(z),
    "ifftn": lambda z: torch.fft.ifftn(z, norm="ortho"),
    "irfft": lambda z: torch.fft.irfft(z),
    "irfft_odd": lambda z: torch.fft.irfft(z, n=5, norm="forward"),
    "irfft2": lambda z: torch.fft.irfft2(z),
    "irfftn": lambda z: torch.fft.irfftn(z, s=(3, 5), norm="ortho"),
    "hfft": lambda z: torch.fft.hfft(z, n=5),
    "fftshift": lambda z: torch.fft.fftshift(z),
}
REAL_INPUT = {
    "fft_real": lambda x: torch.fft.fft(x),
    "rfft": lambda x: torch.fft.rfft(x, n=6),
    "rfft2": lambda x: torch.fft.rfft2(x, norm="ortho"),
    "rfftn": lambda x: torch.fft.rfftn(x, s=(2, 5)),
    "ihfft": lambda x: torch.fft.ihfft(x, norm="forward"),
    "ifftshift": lambda x: torch.fft.ifftshift(x),
}


@pytest.mark.parametrize("name", sorted(COMPLEX_INPUT))
def test_complex_input_gradcheck(name):
    parts = torch.tensor(signal(3, 4, 2, seed=2), requires_grad=True)

    def f(p):
        return _real_out(COMPLEX_INPUT[name](torch.view_as_complex(p)))

    assert gradcheck(f, (parts,), check_forward_ad=True)
    assert gradgradcheck(f, (parts,))


@pytest.mark.parametrize("name", sorted(REAL_INPUT))
def test_real_input_gradcheck(name):
    x = torch.tensor(signal(3, 4, seed=3), requires_grad=True)

    def f(t):
        return _real_out(REAL_INPUT[name](t))

    assert gradcheck(f, (x,), check_forward_ad=True)
    assert gradgradcheck(f, (x,))


# ---------------------------------------------------------------------- errors


def test_argument_errors():
    # messages from PyTorch 2.15
    x = torch.arange(6.0)
    with pytest.raises(RuntimeError, match='Invalid normalization mode: "bad"'):
        torch.fft.fft(x, norm="bad")
    with pytest.raises(TypeError, match="rfft expects a real input tensor, but got ComplexFloat"):
        torch.fft.rfft(torch.fft.fft(x))
    with pytest.raises(RuntimeError, match=r"Invalid number of data points \(0\) specified"):
        torch.fft.fft(x, n=0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        torch.fft.fft(x, dim=3)
    with pytest.raises(RuntimeError, match="FFT dims must be unique"):
        torch.fft.fftn(torch.ones(2, 2), dim=(0, -2))
