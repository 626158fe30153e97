"""``stft``/``istft``: values recorded from PyTorch 2.15, round trips, gradients against
float64 finite differences, and the argument errors."""

import numpy as np
import pytest

import ferrograd as torch
from ferrograd.autograd import gradcheck, gradgradcheck


def close(t, expected, tol=1e-5):
    np.testing.assert_allclose(t.detach().numpy(), np.asarray(expected), rtol=tol, atol=tol)


def test_values_recorded_from_pytorch():
    # values from PyTorch 2.15
    x = torch.arange(10.0)
    S = torch.stft(x, 4, hop_length=2, return_complex=True)
    close(
        S,
        [
            [4, 6, 14, 22, 30, 32],
            [2, -2 + 2j, -2 + 2j, -2 + 2j, -2 + 2j, -2j],
            [0, -2, -2, -2, -2, 0],
        ],
    )
    w = torch.hann_window(4)
    S2 = torch.stft(x, 4, hop_length=1, window=w, return_complex=True, normalized=True)
    assert S2.shape == (3, 11)
    close(S2[:, :3], [[0.5, 1, 2], [0, -0.5 + 0.5j, -1 + 0.5j], [-0.5, 0, 0]])
    close(torch.istft(S2, 4, hop_length=1, window=w, normalized=True), x.numpy())
    close(torch.istft(S2, 4, hop_length=1, window=w, normalized=True, length=8), x[:8].numpy())
    close(
        torch.stft(x, 4, hop_length=3, center=False, onesided=False, return_complex=True),
        [[6, 18, 30], [-2 + 2j, -2 + 2j, -2 + 2j], [-2, -2, -2], [-2 - 2j, -2 - 2j, -2 - 2j]],
    )
    batch = torch.stack([x, x * 2])
    padded_with_zeros = torch.stft(
        batch, 4, hop_length=2, win_length=3, return_complex=True, pad_mode="constant"
    )
    close(
        padded_with_zeros[1],
        [[0, 6, 18, 30, 42, 34], [0, -4 - 2j, -4 - 6j, -4 - 10j, -4 - 14j, 16 - 18j],
         [0, 2, 6, 10, 14, -2]],
    )  # fmt: skip
    with pytest.warns(UserWarning, match="return_complex=False is deprecated"):
        assert torch.stft(x, 4, hop_length=2, return_complex=False).shape == (3, 6, 2)


def test_complex_signals():
    # values from PyTorch 2.15
    z = torch.complex(torch.arange(8.0), torch.ones(8))
    Sz = torch.stft(z, 4, hop_length=2, center=False, return_complex=True)
    assert Sz.shape == (4, 3)
    close(Sz[:, 0], [6 + 4j, -2 + 2j, -2, -2 - 2j])
    close(torch.istft(Sz, 4, hop_length=2, center=False, return_complex=True), z.numpy())


@pytest.mark.parametrize("center", [True, False])
def test_round_trip_batched(center):
    x = torch.tensor(np.random.default_rng(0).standard_normal((2, 40)))
    # without centring, a Hann window's zero first sample would leave sample 0 unrecoverable
    w = torch.hann_window(16, dtype=torch.float64) if center else torch.ones(16).double()
    S = torch.stft(x, 16, hop_length=4, window=w, center=center, return_complex=True)
    back = torch.istft(S, 16, hop_length=4, window=w, center=center, length=40 if center else None)
    close(back, x.numpy()[:, : back.shape[-1]], 1e-10)


def test_gradcheck():
    x = torch.tensor(np.random.default_rng(1).standard_normal(12), requires_grad=True)
    w = torch.hann_window(6, dtype=torch.float64)

    def forward(signal):
        return torch.view_as_real(
            torch.stft(signal, 6, hop_length=2, window=w, return_complex=True)
        )

    assert gradcheck(forward, (x,), check_forward_ad=True)
    assert gradgradcheck(forward, (x,))
    spectrum = torch.stft(x.detach(), 6, hop_length=2, window=w, return_complex=True)
    parts = torch.view_as_real(spectrum).clone().requires_grad_()

    def inverse(p):
        return torch.istft(torch.view_as_complex(p), 6, hop_length=2, window=w, length=12)

    assert gradcheck(inverse, (parts,), check_forward_ad=True)
    assert gradgradcheck(inverse, (parts,))


def test_argument_errors():
    x = torch.arange(10.0)
    with pytest.raises(RuntimeError, match="requires the return_complex parameter"):
        torch.stft(x, 4)
    with pytest.raises(RuntimeError, match="expected a 1D or 2D tensor"):
        torch.stft(torch.ones(2, 2, 8), 4, return_complex=True)
    with pytest.raises(RuntimeError, match="requires a complex-valued input"):
        torch.istft(x, 4)
    with pytest.raises(RuntimeError, match="window overlap add min"):
        S = torch.stft(x, 4, hop_length=4, window=torch.hann_window(4), return_complex=True)
        torch.istft(S, 4, hop_length=4, window=torch.hann_window(4))


def test_tensor_methods():
    x = torch.arange(8.0)
    w = torch.hann_window(4)
    S = x.stft(4, hop_length=1, window=w, return_complex=True)
    close(S, torch.stft(x, 4, hop_length=1, window=w, return_complex=True).numpy())
    close(S.istft(4, hop_length=1, window=w), x.numpy())
