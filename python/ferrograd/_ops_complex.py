"""The complex surface at the top level and on real tensors: ``real``, ``imag``, ``conj``,
``conj_physical``, ``resolve_conj``, ``is_conj`` and the casts ``cfloat``/``cdouble``. On a
real tensor they do what PyTorch's do (``conj`` is the tensor itself, ``imag`` raises); complex
tensors (``ferrograd._complex``) have their own methods, which the functions reach through
``__torch_function__``."""

from __future__ import annotations

__all__ = ["conj", "conj_physical", "conj_physical_", "imag", "is_conj", "real", "resolve_conj"]


def real(input):
    """The real part: a view of a complex tensor's real parts, a real tensor itself.

    Examples:
        >>> import ferrograd
        >>> ferrograd.real(ferrograd.tensor([1 + 2j]))
        tensor([1.])
    """
    return input.real


def imag(input):
    """The imaginary part of a complex tensor, a view (a real tensor has none: TypeError).

    Examples:
        >>> import ferrograd
        >>> ferrograd.imag(ferrograd.tensor([1 + 2j]))
        tensor([2.])
    """
    return input.imag


def conj(input):
    """The complex conjugate (written out: ferrograd has no lazy conjugate bit); a real tensor
    is returned as it is.

    Examples:
        >>> import ferrograd
        >>> ferrograd.conj(ferrograd.tensor([1 + 2j]))
        tensor([1.-2.j])
    """
    return input.conj()


def conj_physical(input):
    """The complex conjugate, computed (the same as ``conj`` here); a real tensor is returned
    as it is.

    Examples:
        >>> import ferrograd
        >>> ferrograd.conj_physical(ferrograd.tensor([1 - 1j]))
        tensor([1.+1.j])
    """
    return input.conj_physical()


def conj_physical_(input):
    """Conjugates ``input`` in place (a real tensor is left as it is) and returns it.

    Examples:
        >>> import ferrograd
        >>> z = ferrograd.tensor([1 - 1j])
        >>> ferrograd.conj_physical_(z)
        tensor([1.+1.j])
    """
    return input.conj_physical_()


def resolve_conj(input):
    """``input`` itself: a conjugate is always written out in ferrograd.

    Examples:
        >>> import ferrograd
        >>> x = ferrograd.tensor([1 + 2j])
        >>> ferrograd.resolve_conj(x) is x
        True
    """
    return input.resolve_conj()


def is_conj(input) -> bool:
    """False: ferrograd never sets PyTorch's lazy conjugate bit (PyTorch's ``conj()`` does).

    Examples:
        >>> import ferrograd
        >>> ferrograd.is_conj(ferrograd.tensor([1 + 2j]))
        False
    """
    return input.is_conj()


class ComplexSurfaceMixin:
    """What a real tensor answers to the complex surface."""

    __slots__ = ()

    @property
    def imag(self):
        raise TypeError("imag is not implemented for tensors with non-complex dtypes.")

    def conj(self):
        return self

    def conj_physical(self):
        return self

    def conj_physical_(self):
        return self

    def resolve_conj(self):
        return self

    def stft(self, *args, **kwargs):
        from ._spectral import stft

        return stft(self, *args, **kwargs)

    def istft(self, *args, **kwargs):
        from ._spectral import istft

        return istft(self, *args, **kwargs)

    def is_conj(self) -> bool:
        return False

    def cfloat(self, memory_format=None):
        from ._dtype import complex64

        return self.to(complex64)

    def cdouble(self, memory_format=None):
        from ._dtype import complex128

        return self.to(complex128)
