"""``torch.fft``: discrete Fourier transforms of real and complex tensors, differentiable.

Every transform is the complex-to-complex transform of ``_transform`` (NumPy's pocketfft on
the host, with the adjoint transform as its gradient) composed with differentiable real
operations: zero-padding or trimming to ``n``, keeping half a spectrum (``rfft``), extending a
half spectrum by Hermitian symmetry and keeping the real part (``irfft``)."""

from __future__ import annotations

from .._complex._functions import as_complex
from .._complex._tensor import ComplexTensor, make
from .._dtype import scalar_type_name
from .._mixins.structure import wrap_dim
from ._transform import _ADJOINT_NORM, c2c, check_norm

__all__ = [
    "fft",
    "fft2",
    "fftfreq",
    "fftn",
    "fftshift",
    "hfft",
    "ifft",
    "ifft2",
    "ifftn",
    "ifftshift",
    "ihfft",
    "irfft",
    "irfft2",
    "irfftn",
    "rfft",
    "rfft2",
    "rfftfreq",
    "rfftn",
]


def _resized(t, dim: int, n):
    """``t`` (a real tensor, or a complex tensor's parts) trimmed or zero-padded to ``n``
    along ``dim``."""
    if n is None:
        return t
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    size = t.shape[dim]
    if n <= size:
        return t.narrow(dim, 0, n) if n < size else t
    from .._tensor_functions import cat

    shape = list(t.shape)
    shape[dim] = n - size
    return cat([t, t.new_zeros(shape)], dim)


def _complex_input(input):
    if isinstance(input, ComplexTensor):
        return input
    return as_complex(input)


def _real_input(input, op: str):
    if isinstance(input, ComplexTensor):
        raise TypeError(
            f"{op} expects a real input tensor, but got {scalar_type_name(input.dtype)}"
        )
    if not input.dtype.is_floating_point:
        from .._dtype import get_default_dtype

        input = input.to(get_default_dtype())
    return input


def _dims_and_sizes(input, s, dim, default_dim=None):
    """The transformed dimensions (non-negative) and their output sizes (None: as they are),
    PyTorch's way: ``dim`` given, or the last ``len(s)`` dimensions, or all."""
    ndim = input.ndim
    if dim is None:
        dim = default_dim
    if dim is None:
        dims = list(range(ndim - len(s), ndim)) if s is not None else list(range(ndim))
    else:
        dims = [wrap_dim(d, ndim) for d in ((dim,) if isinstance(dim, int) else dim)]
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
    if s is None:
        sizes = [None] * len(dims)
    else:
        sizes = [None if n == -1 else n for n in s]
        if len(sizes) != len(dims):
            raise RuntimeError(
                f"When given, dim and shape arguments must have the same length (got {len(dims)} "
                f"dims and {len(sizes)} sizes)"
            )
    return dims, sizes


def _complex_transform(input, s, dim, norm, forward: bool, default_dim=None):
    z = _complex_input(input)
    dims, sizes = _dims_and_sizes(z, s, dim, default_dim)
    parts = z._parts
    for d, n in zip(dims, sizes, strict=True):
        parts = _resized(parts, d, n)
    return c2c(make(parts), tuple(dims), forward, check_norm(norm))


def fft(input, n=None, dim: int = -1, norm=None):
    """The one-dimensional discrete Fourier transform along ``dim``.

    Args:
        input: a real or complex tensor.
        n: the signal length: ``input`` is zero-padded or trimmed to it along ``dim``.
        dim: the transformed dimension.
        norm: ``"backward"`` (default: no scaling), ``"ortho"`` (``1/sqrt(n)``) or
            ``"forward"`` (``1/n``).

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.fft(ferrograd.tensor([0.0, 1.0, 2.0, 3.0]))
        tensor([ 6.+0.j, -2.+2.j, -2.+0.j, -2.-2.j])
    """
    return _complex_transform(input, None if n is None else (n,), dim, norm, True)


def ifft(input, n=None, dim: int = -1, norm=None):
    """The one-dimensional inverse discrete Fourier transform along ``dim`` (scaled by ``1/n``
    with the default ``norm="backward"``).

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.ifft(ferrograd.tensor([6 + 0j, -2 + 2j, -2 + 0j, -2 - 2j]))
        tensor([0.+0.j, 1.+0.j, 2.+0.j, 3.+0.j])
    """
    return _complex_transform(input, None if n is None else (n,), dim, norm, False)


def fftn(input, s=None, dim=None, norm=None):
    """The n-dimensional discrete Fourier transform over ``dim`` (by default the last
    ``len(s)`` dimensions, or all), each zero-padded or trimmed to ``s``.

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.fftn(ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[10.+0.j, -2.+0.j],
                [-4.+0.j,  0.+0.j]])
    """
    return _complex_transform(input, s, dim, norm, True)


def ifftn(input, s=None, dim=None, norm=None):
    """The n-dimensional inverse discrete Fourier transform (see ``fftn``).

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.ifftn(ferrograd.tensor([[10 + 0j, -2], [-4, 0]]))
        tensor([[1.+0.j, 2.+0.j],
                [3.+0.j, 4.+0.j]])
    """
    return _complex_transform(input, s, dim, norm, False)


def fft2(input, s=None, dim=(-2, -1), norm=None):
    """The two-dimensional discrete Fourier transform (``fftn`` over the last two dimensions).

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.fft2(ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[10.+0.j, -2.+0.j],
                [-4.+0.j,  0.+0.j]])
    """
    return _complex_transform(input, s, dim, norm, True)


def ifft2(input, s=None, dim=(-2, -1), norm=None):
    """The two-dimensional inverse discrete Fourier transform.

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.ifft2(ferrograd.tensor([[10 + 0j, -2], [-4, 0]]))
        tensor([[1.+0.j, 2.+0.j],
                [3.+0.j, 4.+0.j]])
    """
    return _complex_transform(input, s, dim, norm, False)


def _real_forward(input, s, dim, norm, op: str, default_dim=None):
    """``rfftn``: the transform of a real tensor, the last transformed dimension halved."""
    x = _real_input(input, op)
    dims, sizes = _dims_and_sizes(x, s, dim, default_dim)
    for d, n in zip(dims, sizes, strict=True):
        x = _resized(x, d, n)
    full = c2c(as_complex(x), tuple(dims), True, check_norm(norm))
    last = dims[-1]
    return make(full._parts.narrow(last, 0, x.shape[last] // 2 + 1))


def rfft(input, n=None, dim: int = -1, norm=None):
    """The discrete Fourier transform of a real signal: its ``n // 2 + 1`` non-negative
    frequencies (the others are their conjugates).

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.rfft(ferrograd.tensor([0.0, 1.0, 2.0, 3.0]))
        tensor([ 6.+0.j, -2.+2.j, -2.+0.j])
    """
    return _real_forward(input, None if n is None else (n,), dim, norm, "rfft")


def rfftn(input, s=None, dim=None, norm=None):
    """The n-dimensional transform of a real tensor, the last dimension halved as by ``rfft``.

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.rfftn(ferrograd.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[10.+0.j, -2.+0.j],
                [-4.+0.j,  0.+0.j]])
    """
    return _real_forward(input, s, dim, norm, "rfftn")


def rfft2(input, s=None, dim=(-2, -1), norm=None):
    """``rfftn`` over the last two dimensions.

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.rfft2(ferrograd.tensor([[1.0, 2.0, 0.0], [3.0, 4.0, 0.0]]))
        tensor([[10.+0.0000j,  1.-5.1962j],
                [-4.+0.0000j, -1.+1.7321j]])
    """
    return _real_forward(input, s, dim, norm, "rfft2")


def _hermitian_inverse(z, dim: int, n, norm: str):
    """``irfft`` of the complex tensor ``z`` along ``dim``: its half spectrum extended to
    ``n`` by Hermitian symmetry, transformed back, the real part kept (the imaginary parts of
    the zero and Nyquist frequencies drop out, as in NumPy and PyTorch)."""
    from .._tensor_functions import cat

    if n is None:
        n = 2 * (z.shape[dim] - 1)
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    half = n // 2 + 1
    parts = _resized(z._parts, dim, half)
    mirrored = parts.narrow(dim, 1, n - half).flip([dim])
    mirrored = mirrored * mirrored.new_tensor([1.0, -1.0])
    full = make(cat([parts, mirrored], dim))
    return c2c(full, (dim,), False, norm).real.contiguous()


def _real_inverse(input, s, dim, norm, default_dim=None):
    z = _complex_input(input)
    dims, sizes = _dims_and_sizes(z, s, dim, default_dim)
    norm = check_norm(norm)
    parts = z._parts
    for d, n in zip(dims[:-1], sizes[:-1], strict=True):
        parts = _resized(parts, d, n)
    z = make(parts)
    if len(dims) > 1:
        z = c2c(z, tuple(dims[:-1]), False, norm)
    return _hermitian_inverse(z, dims[-1], sizes[-1], norm)


def irfft(input, n=None, dim: int = -1, norm=None):
    """The inverse of ``rfft``: a real signal of length ``n`` (default ``2 * (m - 1)`` for
    ``m`` frequencies) from its non-negative frequencies.

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.irfft(ferrograd.tensor([6 + 0j, -2 + 2j, -2 + 0j]))
        tensor([0., 1., 2., 3.])
    """
    return _real_inverse(input, None if n is None else (n,), dim, norm)


def irfftn(input, s=None, dim=None, norm=None):
    """The inverse of ``rfftn``.

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.irfftn(ferrograd.tensor([[10 + 0j, -2], [-4, 0]]))
        tensor([[1., 2.],
                [3., 4.]])
    """
    return _real_inverse(input, s, dim, norm)


def irfft2(input, s=None, dim=(-2, -1), norm=None):
    """The inverse of ``rfft2``.

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.irfft2(ferrograd.tensor([[10 + 0j, -2], [-4, 0]]))
        tensor([[1., 2.],
                [3., 4.]])
    """
    return _real_inverse(input, s, dim, norm)


def hfft(input, n=None, dim: int = -1, norm=None):
    """The transform of a signal with Hermitian symmetry given by its first half: a real
    spectrum of length ``n`` (default ``2 * (m - 1)``).

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.hfft(ferrograd.tensor([1 + 1j, 2 - 1j, 3j]))
        tensor([ 5., -1., -3.,  3.])
    """
    z = _complex_input(input).conj()
    dim = wrap_dim(dim, z.ndim)
    return _hermitian_inverse(z, dim, n, _ADJOINT_NORM[check_norm(norm)])


def ihfft(input, n=None, dim: int = -1, norm=None):
    """The inverse of ``hfft``: the first half of the Hermitian signal whose transform is the
    real ``input``.

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.ihfft(ferrograd.tensor([0.0, 1.0, 2.0, 3.0]))
        tensor([ 1.5000-0.0000j, -0.5000-0.5000j, -0.5000-0.0000j])
    """
    norm = _ADJOINT_NORM[check_norm(norm)]
    return _real_forward(input, None if n is None else (n,), dim, norm, "ihfft").conj()


def _frequencies(values, scale: float, dtype, device, requires_grad: bool):
    from .._creation import tensor

    t = tensor(values, dtype=dtype, device=device).mul_(scale) if values else None
    if t is None:
        t = tensor([], dtype=dtype, device=device)
    if dtype is None and not t.is_floating_point():
        t = t.float()
    return t.requires_grad_(requires_grad)


def fftfreq(n: int, d: float = 1.0, *, dtype=None, device=None, requires_grad: bool = False):
    """The sample frequencies of ``fft`` for a signal of length ``n`` with sample spacing
    ``d``: ``[0, 1, ..., (n - 1) // 2, -(n // 2), ..., -1] / (d * n)``.

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.fftfreq(5)
        tensor([ 0.0000,  0.2000,  0.4000, -0.4000, -0.2000])
    """
    values = [float(k) for k in (*range((n - 1) // 2 + 1), *range(-(n // 2), 0))]
    return _frequencies(values, 1.0 / (d * n), dtype, device, requires_grad)


def rfftfreq(n: int, d: float = 1.0, *, dtype=None, device=None, requires_grad: bool = False):
    """The sample frequencies of ``rfft``: ``[0, 1, ..., n // 2] / (d * n)``.

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.rfftfreq(6, d=0.5)
        tensor([0.0000, 0.3333, 0.6667, 1.0000])
    """
    values = [float(k) for k in range(n // 2 + 1)]
    return _frequencies(values, 1.0 / (d * n), dtype, device, requires_grad)


def _shifted(input, dim, sign: int):
    dims = list(range(input.ndim)) if dim is None else [dim] if isinstance(dim, int) else list(dim)
    dims = [wrap_dim(d, input.ndim) for d in dims]
    if not dims:
        return input
    shifts = [sign * (input.shape[d] // 2) for d in dims]
    return input.roll(shifts, dims)


def fftshift(input, dim=None):
    """The spectrum with the zero frequency moved to the centre (a roll by half the size along
    each of ``dim``, by default all dimensions).

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.fftshift(ferrograd.fft.fftfreq(5))
        tensor([-0.4000, -0.2000,  0.0000,  0.2000,  0.4000])
    """
    return _shifted(input, dim, 1)


def ifftshift(input, dim=None):
    """The inverse of ``fftshift``.

    Examples:
        >>> import ferrograd
        >>> ferrograd.fft.ifftshift(ferrograd.arange(6).reshape(2, 3))
        tensor([[4, 5, 3],
                [1, 2, 0]])
    """
    return _shifted(input, dim, -1)
