"""Short-time Fourier transforms: ``stft`` (frames cut with ``unfold``, windowed, transformed
by ``fft.rfft``/``fft.fft``) and its inverse ``istft`` (frames transformed back, windowed and
overlap-added with ``index_add``, divided by the summed squared window). Both are compositions
of differentiable operations, so their gradients come from those."""

from __future__ import annotations

import warnings

from ._complex._tensor import ComplexTensor

__all__ = ["istft", "stft"]


def _window(window, n_fft: int, win_length, like):
    """The window centred in ``n_fft`` samples (``win_length`` ones when none is given)."""
    win_length = n_fft if win_length is None else win_length
    if not 0 < win_length <= n_fft:
        raise RuntimeError(
            f"stft: expected 0 < win_length <= n_fft, but got win_length={win_length}"
        )
    if window is None:
        window = like.new_ones(win_length)
    elif window.ndim != 1 or window.shape[0] != win_length:
        raise RuntimeError(
            f"stft: expected a 1D window tensor of size equal to win_length={win_length}, but "
            f"got window with size {list(window.shape)}"
        )
    left = (n_fft - win_length) // 2
    if left or win_length < n_fft:
        from ._tensor_functions import cat

        window = cat([window.new_zeros(left), window, window.new_zeros(n_fft - win_length - left)])
    return window


def stft(
    input,
    n_fft: int,
    hop_length=None,
    win_length=None,
    window=None,
    center: bool = True,
    pad_mode: str = "reflect",
    normalized: bool = False,
    onesided=None,
    return_complex=None,
):
    """The short-time Fourier transform: the Fourier transform of each window-weighted frame of
    ``n_fft`` samples, frames ``hop_length`` apart, as a ``(..., n_fft // 2 + 1, n_frames)``
    complex tensor (``n_fft`` frequencies when not ``onesided``).

    Args:
        input: a 1-D signal or a 2-D batch of signals (real or complex).
        n_fft: the frame length.
        hop_length: the distance between frames (default ``n_fft // 4``).
        win_length: the window's length, centred in the frame (default ``n_fft``).
        window: the window (default ones).
        center: pad ``n_fft // 2`` samples on each side first, with ``pad_mode``.
        pad_mode: ``'reflect'``, ``'constant'``, ``'replicate'`` or ``'circular'``.
        normalized: scale by ``n_fft ** -0.5``.
        onesided: only the non-negative frequencies (default: for real input).
        return_complex: must be given for real input; ``False`` returns ``view_as_real`` of
            the result (deprecated in PyTorch).

    Examples:
        >>> import ferrograd
        >>> ferrograd.stft(ferrograd.arange(8.0), 4, hop_length=2, return_complex=True)
        tensor([[ 4.+0.j,  6.+0.j, 14.+0.j, 22.+0.j, 24.+0.j],
                [ 2.+0.j, -2.+2.j, -2.+2.j, -2.+2.j,  0.-2.j],
                [ 0.+0.j, -2.+0.j, -2.+0.j, -2.+0.j,  0.+0.j]])
    """
    from . import fft
    from .nn.functional import pad

    is_complex = isinstance(input, ComplexTensor)
    if return_complex is None:
        if not is_complex:
            raise RuntimeError(
                "stft requires the return_complex parameter be given for real inputs, and will "
                "further require that return_complex=True in a future PyTorch release."
            )
        return_complex = True
    if input.ndim not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {input.ndim}D tensor")
    hop_length = n_fft // 4 if hop_length is None else hop_length
    if hop_length <= 0:
        raise RuntimeError(f"stft: expected hop_length > 0, but got hop_length={hop_length}")
    if center:
        if is_complex:
            raise NotImplementedError("stft: center=True padding of complex signals")
        batched = input if input.ndim == 2 else input.unsqueeze(0)
        padded = pad(batched.unsqueeze(1), (n_fft // 2, n_fft // 2), mode=pad_mode).squeeze(1)
        input = padded if input.ndim == 2 else padded.squeeze(0)
    length = input.shape[-1]
    if not 0 < n_fft <= length:
        raise RuntimeError(f"stft: expected 0 < n_fft < {length}, but got n_fft={n_fft}")
    frames = input.unfold(-1, n_fft, hop_length)
    weights = _window(window, n_fft, win_length, frames if not is_complex else frames.real)
    frames = frames * weights
    onesided = not is_complex if onesided is None else onesided
    if onesided and is_complex:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    norm = "ortho" if normalized else "backward"
    spectrum = (fft.rfft if onesided else fft.fft)(frames, dim=-1, norm=norm)
    spectrum = spectrum.transpose(-1, -2)
    if not return_complex:
        warnings.warn(
            "stft with return_complex=False is deprecated. In a future pytorch release, stft "
            "will return complex tensors for all inputs, and return_complex=False will raise "
            "an error.",
            UserWarning,
            stacklevel=2,
        )
        from ._complex import view_as_real

        return view_as_real(spectrum.contiguous())
    return spectrum.contiguous()


def istft(
    input,
    n_fft: int,
    hop_length=None,
    win_length=None,
    window=None,
    center: bool = True,
    normalized: bool = False,
    onesided=None,
    length=None,
    return_complex: bool = False,
):
    """The inverse of ``stft``: each frame transformed back, windowed and overlap-added,
    divided by the overlap-added squared window.

    Args:
        input: the ``(..., frequencies, n_frames)`` complex spectrum ``stft`` returned.
        n_fft, hop_length, win_length, window, center, normalized, onesided: as given to
            ``stft``.
        length: the signal's length (trimmed or zero-padded to it).
        return_complex: keep the complex signal (``onesided`` must then be False).

    Examples:
        >>> import ferrograd
        >>> x = ferrograd.arange(8.0)
        >>> w = ferrograd.hann_window(4)
        >>> S = ferrograd.stft(x, 4, hop_length=1, window=w, return_complex=True)
        >>> ferrograd.istft(S, 4, hop_length=1, window=w)
        tensor([0., 1., 2., 3., 4., 5., 6., 7.])
    """
    from . import fft
    from ._creation import arange

    if not isinstance(input, ComplexTensor):
        raise RuntimeError(
            "istft requires a complex-valued input tensor matching the output from stft with "
            "return_complex=True."
        )
    hop_length = n_fft // 4 if hop_length is None else hop_length
    frames = input.transpose(-1, -2)
    n_frequencies = frames.shape[-1]
    if onesided is None:
        onesided = n_frequencies != n_fft
    if onesided and return_complex:
        raise RuntimeError("cannot have onesided output if window or input is complex")
    if onesided and n_frequencies != n_fft // 2 + 1:
        raise RuntimeError(
            "istft: expected the frequency dimension (3rd to the last) of the input tensor to "
            f"match n_fft / 2 + 1 when onesided=True, but got {n_frequencies}"
        )
    norm = "ortho" if normalized else "backward"
    if onesided:
        signal_frames = fft.irfft(frames, n=n_fft, dim=-1, norm=norm)
    else:
        signal_frames = fft.ifft(frames, n=n_fft, dim=-1, norm=norm)
        if not return_complex:
            signal_frames = signal_frames.real
    real_like = signal_frames if not return_complex else signal_frames.real
    weights = _window(window, n_fft, win_length, real_like)
    signal_frames = signal_frames * weights
    n_frames = frames.shape[-2]
    expected = n_fft + hop_length * (n_frames - 1)
    positions = (
        arange(n_frames, device=weights.device).unsqueeze(-1) * hop_length
        + arange(n_fft, device=weights.device)
    ).flatten()
    leading = tuple(signal_frames.shape[:-2])
    flat_frames = signal_frames.reshape(*leading, n_frames * n_fft)
    zeros = (flat_frames.real if return_complex else flat_frames).new_zeros(*leading, expected)
    if return_complex:
        from ._complex import complex as make_complex

        signal = make_complex(
            zeros.index_add(-1, positions, flat_frames.real),
            zeros.index_add(-1, positions, flat_frames.imag),
        )
    else:
        signal = zeros.index_add(-1, positions, flat_frames)
    envelope = weights.new_zeros(expected).index_add(
        0, positions, (weights * weights).expand(n_frames, n_fft).flatten()
    )
    start = n_fft // 2 if center else 0
    end = expected - (n_fft // 2 if center else 0) if length is None else start + length
    end = min(end, expected)
    envelope = envelope[start:end]
    if bool((envelope.abs() < 1e-11).any()):
        raise RuntimeError(
            "istft: window overlap add min: the sum of the squared window is zero somewhere "
            "(the window and hop_length do not satisfy the NOLA condition)"
        )
    signal = signal[..., start:end] / envelope
    if length is not None and signal.shape[-1] < length:
        from ._tensor_functions import cat

        padding = signal.new_zeros(*signal.shape[:-1], length - signal.shape[-1])
        signal = cat([signal, padding], -1)
    return signal
