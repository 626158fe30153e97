"""Complex arithmetic on the real representation: a complex tensor's ``parts`` is a real tensor
whose last dimension (size 2) holds the real and imaginary parts. Every function here is a
composition of the engine's differentiable real operations, so gradients (of any order) and
forward-mode tangents come from their rules; the gradient of a real loss with respect to the
parts, read as a complex number, is PyTorch's convention ``dL/dRe + i dL/dIm``."""

from __future__ import annotations


def split(parts):
    """The real and imaginary parts (views)."""
    return parts.select(-1, 0), parts.select(-1, 1)


def join(real, imag):
    """The parts of ``real + i imag`` (broadcast to one shape)."""
    from .._tensor_functions import stack

    if real.shape != imag.shape:
        from .._broadcast import broadcast_tensors

        real, imag = broadcast_tensors(real, imag)
    return stack((real, imag), -1)


def from_real(real):
    """The parts of a real tensor as a complex one (imaginary part zero)."""
    return join(real, real.new_zeros(()).expand_as(real))


def mul(a, b):
    ar, ai = split(a)
    br, bi = split(b)
    return join(ar * br - ai * bi, ar * bi + ai * br)


def squared_abs(a):
    return (a * a).sum(-1)


def conj(a):
    real, imag = split(a)
    return join(real, -imag)


def div(a, b):
    br, bi = split(b)
    ar, ai = split(a)
    scale = br * br + bi * bi
    return join((ar * br + ai * bi) / scale, (ai * br - ar * bi) / scale)


def reciprocal(a):
    real, imag = split(a)
    scale = real * real + imag * imag
    return join(real / scale, -imag / scale)


def abs(a):
    """``|a|``, with gradient 0 at 0 (PyTorch's ``sgn(0) = 0``), in operations that also carry
    forward-mode tangents."""
    squared = squared_abs(a)
    zero = squared == 0
    return squared.masked_fill(zero, 1.0).sqrt().masked_fill(zero, 0.0)


def angle(a):
    real, imag = split(a)
    return imag.atan2(real)


def exp(a):
    real, imag = split(a)
    magnitude = real.exp()
    return join(magnitude * imag.cos(), magnitude * imag.sin())


def log(a):
    return join(abs(a).log(), angle(a))


def sqrt(a):
    half_angle = angle(a) * 0.5
    root = abs(a).sqrt()
    return join(root * half_angle.cos(), root * half_angle.sin())


def polar(magnitude, phase):
    return join(magnitude * phase.cos(), magnitude * phase.sin())


def matmul(a, b):
    ar, ai = split(a)
    br, bi = split(b)
    return join(ar @ br - ai @ bi, ar @ bi + ai @ br)


def power(a, exponent):
    """``a ** exponent`` for a real number ``exponent``, through the polar form (principal
    branch, as PyTorch)."""
    if isinstance(exponent, int) and 0 <= exponent <= 4:
        result = from_real(a.new_ones(()).expand(a.shape[:-1]))
        for _ in range(exponent):
            result = mul(result, a)
        return result
    magnitude = abs(a) ** exponent
    phase = angle(a) * exponent
    return polar(magnitude, phase)


def scalar_parts(value: complex, like):
    """The parts of a Python number, in ``like``'s dtype and device."""
    value = complex(value)
    return like.new_tensor([value.real, value.imag])
