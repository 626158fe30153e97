"""Special functions as tensor methods: ``lgamma``, ``digamma``, ``polygamma``, ``mvlgamma``,
``erfinv``, ``erfc``, ``xlogy``, ``logit``, ``i0``, ``igamma``, ``igammac`` and their in-place
forms (``ferrograd.special`` holds the implementations)."""

from __future__ import annotations


def _special():
    from .. import special

    return special


class SpecialMixin:
    __slots__ = ()

    def lgamma(self):
        """``log |Γ(self)|``."""
        return _special().gammaln(self)

    def digamma(self):
        """``ψ(self)``, the derivative of ``lgamma``."""
        return _special().digamma(self)

    def polygamma(self, n: int):
        """The ``n``-th derivative of ``digamma`` at ``self``."""
        return _special().polygamma(n, self)

    def mvlgamma(self, p: int):
        """The log multivariate gamma function of dimension ``p``."""
        return _special().multigammaln(self, p)

    def erfinv(self):
        """The inverse error function."""
        return _special().erfinv(self)

    def erfc(self):
        """The complementary error function ``1 - erf``."""
        return _special().erfc(self)

    def xlogy(self, other):
        """``self * log(other)``, 0 where ``self == 0``."""
        return _special().xlogy(self, other)

    def logit(self, eps=None):
        """``log(p / (1 - p))`` of ``self`` (clamped to ``[eps, 1 - eps]`` if ``eps`` is given)."""
        return _special().logit(self, eps)

    def i0(self):
        """The modified Bessel function ``I₀(self)``."""
        return _special().i0(self)

    def igamma(self, other):
        """The regularized lower incomplete gamma function ``P(self, other)``."""
        return _special().gammainc(self, other)

    def igammac(self, other):
        """The regularized upper incomplete gamma function ``Q(self, other) = 1 - P``."""
        return _special().gammaincc(self, other)

    def i0_(self):
        return self.copy_(self.i0())

    def igamma_(self, other):
        return self.copy_(self.igamma(other))

    def igammac_(self, other):
        return self.copy_(self.igammac(other))

    def lgamma_(self):
        return self.copy_(self.lgamma())

    def digamma_(self):
        return self.copy_(self.digamma())

    def polygamma_(self, n: int):
        return self.copy_(self.polygamma(n))

    def mvlgamma_(self, p: int):
        return self.copy_(self.mvlgamma(p))

    def erfinv_(self):
        return self.copy_(self.erfinv())

    def erfc_(self):
        return self.copy_(self.erfc())

    def xlogy_(self, other):
        return self.copy_(self.xlogy(other))

    def logit_(self, eps=None):
        return self.copy_(self.logit(eps))
