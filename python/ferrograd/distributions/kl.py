"""``kl_divergence(p, q)``: the Kullback-Leibler divergence KL(p ‖ q), dispatched on the pair
of distribution types among the implementations registered with ``register_kl``. The most
specific registered pair wins (by the types' method resolution order); a tie between two
equally specific pairs warns and picks one, as PyTorch does."""

from __future__ import annotations

import math
import warnings
from functools import total_ordering

import numpy as np

from .. import special
from .._broadcast import broadcast_shapes
from .._mixins.structure import constant
from ..autograd import grad
from ..nn.functional import softplus
from ._linalg import solve_triangular
from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .categorical import Categorical
from .continuous_bernoulli import ContinuousBernoulli
from .dirichlet import Dirichlet
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .exponential import Exponential
from .gamma import Gamma
from .gumbel import Gumbel
from .independent import Independent
from .laplace import Laplace
from .lowrank_multivariate_normal import (
    LowRankMultivariateNormal,
    _lowrank_logdet,
    _lowrank_mahalanobis,
    _trace_xxt,
)
from .multivariate_normal import MultivariateNormal, _batch_mahalanobis
from .normal import Normal
from .one_hot_categorical import OneHotCategorical
from .pareto import Pareto
from .poisson import Poisson
from .transformed_distribution import TransformedDistribution
from .uniform import Uniform
from .utils import sum_rightmost

__all__ = ["kl_divergence", "register_kl"]

_KL_REGISTRY: dict = {}  # (type_p, type_q) -> function
_KL_MEMOIZE: dict = {}  # cache of the dispatch


def register_kl(type_p, type_q):
    """Decorator registering ``fn(p, q)`` as KL(p ‖ q) for ``p`` of ``type_p`` and ``q`` of
    ``type_q`` (subclasses of ``Distribution``)."""
    if not (isinstance(type_p, type) and issubclass(type_p, Distribution)):
        raise TypeError(f"Expected type_p to be a Distribution subclass but got {type_p}")
    if not (isinstance(type_q, type) and issubclass(type_q, Distribution)):
        raise TypeError(f"Expected type_q to be a Distribution subclass but got {type_q}")

    def decorator(fn):
        _KL_REGISTRY[type_p, type_q] = fn
        _KL_MEMOIZE.clear()
        return fn

    return decorator


@total_ordering
class _Match:
    """A registered pair, ordered by how specific it is for the pair being looked up."""

    __slots__ = ["types"]

    def __init__(self, *types):
        self.types = types

    def __eq__(self, other):
        return self.types == other.types

    def __le__(self, other):
        for x, y in zip(self.types, other.types, strict=True):
            if not issubclass(x, y):
                return False
            if x is not y:
                break
        return True


def _dispatch_kl(type_p, type_q):
    matches = [
        (super_p, super_q)
        for super_p, super_q in _KL_REGISTRY
        if issubclass(type_p, super_p) and issubclass(type_q, super_q)
    ]
    if not matches:
        return NotImplemented
    left_p, left_q = min(_Match(*m) for m in matches).types
    right_q, right_p = min(_Match(*reversed(m)) for m in matches).types
    left_fun = _KL_REGISTRY[left_p, left_q]
    right_fun = _KL_REGISTRY[right_p, right_q]
    if left_fun is not right_fun:
        warnings.warn(
            f"Ambiguous kl_divergence({type_p.__name__}, {type_q.__name__}). Please register_kl("
            f"{left_p.__name__}, {right_q.__name__})",
            RuntimeWarning,
            stacklevel=3,
        )
    return left_fun


def kl_divergence(p, q):
    """KL(p ‖ q) = E_p[log p(X) - log q(X)], per batch element; NotImplementedError when no
    formula is registered for the pair."""
    try:
        fun = _KL_MEMOIZE[type(p), type(q)]
    except KeyError:
        fun = _dispatch_kl(type(p), type(q))
        _KL_MEMOIZE[type(p), type(q)] = fun
    if fun is NotImplemented:
        raise NotImplementedError(
            f"No KL(p || q) is implemented for p type {type(p).__name__} and q type "
            f"{type(q).__name__}"
        )
    return fun(p, q)


def _infinite_like(t):
    return t * 0 + math.inf


def _mask(condition, like):
    """A host bool array as a tensor on ``like``'s device."""
    return constant(np.asarray(condition, dtype=bool), like)


def _host(t) -> np.ndarray:
    return t.detach().cpu().numpy()


# ----------------------------------------------------------------------------- same family


@register_kl(Normal, Normal)
def _kl_normal_normal(p, q):
    var_ratio = (p.scale / q.scale).pow(2)
    t1 = ((p.loc - q.loc) / q.scale).pow(2)
    return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p, q):
    t1 = p.probs * (softplus(-q.logits) - softplus(-p.logits))
    t1 = t1.where(~_mask(_host(q.probs) == 0, t1), math.inf)
    t1 = t1.where(~_mask(_host(p.probs) == 0, t1), 0.0)
    t2 = (1 - p.probs) * (softplus(q.logits) - softplus(p.logits))
    t2 = t2.where(~_mask(_host(q.probs) == 1, t2), math.inf)
    t2 = t2.where(~_mask(_host(p.probs) == 1, t2), 0.0)
    return t1 + t2


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p, q):
    t = p.probs * (p.logits - q.logits)
    shape = tuple(t.shape)
    t = t.where(~_mask(np.broadcast_to(_host(q.probs) == 0, shape), t), math.inf)
    t = t.where(~_mask(np.broadcast_to(_host(p.probs) == 0, shape), t), 0.0)
    return t.sum(-1)


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_onehotcategorical_onehotcategorical(p, q):
    return _kl_categorical_categorical(p._categorical, q._categorical)


@register_kl(Beta, Beta)
def _kl_beta_beta(p, q):
    sum_p = p.concentration1 + p.concentration0
    sum_q = q.concentration1 + q.concentration0
    t1 = (
        special.gammaln(q.concentration1)
        + special.gammaln(q.concentration0)
        + special.gammaln(sum_p)
    )
    t2 = (
        special.gammaln(p.concentration1)
        + special.gammaln(p.concentration0)
        + special.gammaln(sum_q)
    )
    t3 = (p.concentration1 - q.concentration1) * special.digamma(p.concentration1)
    t4 = (p.concentration0 - q.concentration0) * special.digamma(p.concentration0)
    t5 = (sum_q - sum_p) * special.digamma(sum_p)
    return t1 - t2 + t3 + t4 + t5


@register_kl(Binomial, Binomial)
def _kl_binomial_binomial(p, q):
    # Between binomials of different counts KL is infinite (p puts mass where q has none) or
    # has no closed form.
    if (_host(p.total_count) < _host(q.total_count)).any():
        raise NotImplementedError(
            "KL between Binomials where q.total_count > p.total_count is not implemented"
        )
    kl = p.total_count * (p.probs * (p.logits - q.logits) + (-p.probs).log1p() - (-q.probs).log1p())
    return kl.where(~_mask(_host(p.total_count) > _host(q.total_count), kl), math.inf)


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(p, q):
    sum_p = p.concentration.sum(-1)
    sum_q = q.concentration.sum(-1)
    t1 = special.gammaln(sum_p) - special.gammaln(sum_q)
    t2 = (special.gammaln(p.concentration) - special.gammaln(q.concentration)).sum(-1)
    t3 = p.concentration - q.concentration
    t4 = special.digamma(p.concentration) - special.digamma(sum_p).unsqueeze(-1)
    return t1 - t2 + (t3 * t4).sum(-1)


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(p, q):
    rate_ratio = q.rate / p.rate
    return -rate_ratio.log() + rate_ratio - 1


@register_kl(Gamma, Gamma)
def _kl_gamma_gamma(p, q):
    t1 = q.concentration * (p.rate / q.rate).log()
    t2 = special.gammaln(q.concentration) - special.gammaln(p.concentration)
    t3 = (p.concentration - q.concentration) * special.digamma(p.concentration)
    t4 = (q.rate - p.rate) * (p.concentration / p.rate)
    return t1 + t2 + t3 + t4


@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(p, q):
    scale_ratio = p.scale / q.scale
    loc_abs_diff = (p.loc - q.loc).abs()
    t1 = -scale_ratio.log()
    t2 = loc_abs_diff / q.scale
    t3 = scale_ratio * (-loc_abs_diff / p.scale).exp()
    return t1 + t2 + t3 - 1


@register_kl(Poisson, Poisson)
def _kl_poisson_poisson(p, q):
    return p.rate * (p.rate.log() - q.rate.log()) - (p.rate - q.rate)


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p, q):
    result = ((q.high - q.low) / (p.high - p.low)).log()
    outside = (_host(q.low) > _host(p.low)) | (_host(q.high) < _host(p.high))
    return result.where(~_mask(np.broadcast_to(outside, tuple(result.shape)), result), math.inf)


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_multivariatenormal_multivariatenormal(p, q):
    if tuple(p.event_shape) != tuple(q.event_shape):
        raise ValueError(
            "KL-divergence between two Multivariate Normals with different event shapes cannot "
            "be computed"
        )
    p_tril, q_tril = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
    half_term1 = q_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1) - p_tril.diagonal(
        dim1=-2, dim2=-1
    ).log().sum(-1)
    batch = broadcast_shapes(q_tril.shape[:-2], p_tril.shape[:-2])
    n = p.event_shape[0]
    solved = solve_triangular(q_tril.expand(*batch, n, n), p_tril.expand(*batch, n, n), upper=False)
    term2 = solved.pow(2).sum((-2, -1))  # trace of (Lq⁻¹ Lp)(Lq⁻¹ Lp)ᵀ
    term3 = _batch_mahalanobis(q_tril, q.loc - p.loc)
    return half_term1 + 0.5 * (term2 + term3 - n)


@register_kl(Independent, Independent)
def _kl_independent_independent(p, q):
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError
    result = kl_divergence(p.base_dist, q.base_dist)
    return sum_rightmost(result, p.reinterpreted_batch_ndims)


@register_kl(TransformedDistribution, TransformedDistribution)
def _kl_transformed_transformed(p, q):
    if p.transforms != q.transforms:
        raise NotImplementedError
    if tuple(p.event_shape) != tuple(q.event_shape):
        raise NotImplementedError
    extra_event_dim = len(p.event_shape) - len(p.base_dist.event_shape)
    return sum_rightmost(kl_divergence(p.base_dist, q.base_dist), extra_event_dim)


@register_kl(ExponentialFamily, ExponentialFamily)
def _kl_expfamily_expfamily(p, q):
    """The Bregman divergence of the log normaliser, for two members of one family."""
    if type(p) is not type(q):
        raise NotImplementedError(
            "The cross KL-divergence between different exponential families cannot be computed "
            "using Bregman divergences"
        )
    p_params = [param.detach().requires_grad_() for param in p._natural_params]
    q_params = q._natural_params
    p_normalizer = p._log_normalizer(*p_params)
    gradients = grad(p_normalizer.sum(), p_params, create_graph=True)
    result = q._log_normalizer(*q_params) - p_normalizer
    for pp, qp, g in zip(p_params, q_params, gradients, strict=True):
        term = (qp - pp) * g
        result = result - sum_rightmost(term, len(q.event_shape))
    return result


# ----------------------------------------------------------------------------- infinite pairs
# A q whose support misses part of p's (real line vs half line or interval) gives KL = inf.


def _kl_infinite(p, q):
    return _infinite_like(p.loc)


def _kl_infinite_by(name: str):
    """KL = inf shaped like ``p``'s parameter ``name``."""

    def kl(p, q):
        return _infinite_like(getattr(p, name))

    return kl


_INFINITE_PAIRS = [
    (_kl_infinite, (Normal, Laplace), (Beta, ContinuousBernoulli, Exponential, Gamma, Pareto)),
    (_kl_infinite, (Normal, Laplace), (Uniform,)),
    (_kl_infinite, (Gumbel,), (ContinuousBernoulli, Pareto)),
    (_kl_infinite_by("rate"), (Exponential,), (ContinuousBernoulli, Pareto)),
    (_kl_infinite_by("concentration"), (Gamma,), (ContinuousBernoulli, Pareto)),
    (_kl_infinite_by("scale"), (Pareto,), (Beta, ContinuousBernoulli, Uniform)),
    (_kl_infinite_by("probs"), (ContinuousBernoulli,), (Pareto,)),
    (_kl_infinite_by("concentration1"), (Beta,), (Pareto,)),
]
for _fn, _p_types, _q_types in _INFINITE_PAIRS:
    for _p_type in _p_types:
        for _q_type in _q_types:
            register_kl(_p_type, _q_type)(_fn)
del _fn, _p_types, _q_types, _p_type, _q_type


# ----------------------------------------------------------------------------- low-rank normals


def _check_same_event(p, q, names: str) -> None:
    if tuple(p.event_shape) != tuple(q.event_shape):
        raise ValueError(
            f"KL-divergence between two {names} with different event shapes cannot be computed"
        )


def _lowrank_logdet_of(d):
    return _lowrank_logdet(
        d._unbroadcasted_cov_factor, d._unbroadcasted_cov_diag, d._capacitance_tril
    )


def _lowrank_mahalanobis_of(q, diff):
    return _lowrank_mahalanobis(
        q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag, diff, q._capacitance_tril
    )


@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
def _kl_lowrank_lowrank(p, q):
    _check_same_event(p, q, "Low Rank Multivariate Normals")
    term1 = _lowrank_logdet_of(q) - _lowrank_logdet_of(p)
    term3 = _lowrank_mahalanobis_of(q, q.loc - p.loc)
    # trace(Σq⁻¹ Σp) with Σq⁻¹ = Dq⁻¹ - Aᵀ A and Σp = Wp Wpᵀ + Dp, term by term.
    A = q._woodbury_factor()
    p_w, p_d = p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag
    q_d = q._unbroadcasted_cov_diag
    term2 = (
        (p_d / q_d).sum(-1)
        + _trace_xxt(p_w * q_d.rsqrt().unsqueeze(-1))
        - _trace_xxt(A * p_d.sqrt().unsqueeze(-2))
        - _trace_xxt(A @ p_w)
    )
    return 0.5 * (term1 + term2 + term3 - p.event_shape[0])


@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _kl_multivariatenormal_lowrank(p, q):
    _check_same_event(p, q, "(Low Rank) Multivariate Normals")
    p_tril = p._unbroadcasted_scale_tril
    term1 = _lowrank_logdet_of(q) - 2 * p_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
    term3 = _lowrank_mahalanobis_of(q, q.loc - p.loc)
    A = q._woodbury_factor()
    term2 = _trace_xxt(p_tril * q._unbroadcasted_cov_diag.rsqrt().unsqueeze(-1)) - _trace_xxt(
        A @ p_tril
    )
    return 0.5 * (term1 + term2 + term3 - p.event_shape[0])


@register_kl(LowRankMultivariateNormal, MultivariateNormal)
def _kl_lowrank_multivariatenormal(p, q):
    _check_same_event(p, q, "(Low Rank) Multivariate Normals")
    q_tril = q._unbroadcasted_scale_tril
    term1 = 2 * q_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1) - _lowrank_logdet_of(p)
    term3 = _batch_mahalanobis(q_tril, q.loc - p.loc)
    p_w = p._unbroadcasted_cov_factor
    batch = broadcast_shapes(q_tril.shape[:-2], p_w.shape[:-2])
    n, rank = p_w.shape[-2:]
    q_tril = q_tril.expand(*batch, n, n)
    p_sqrt_diag = p._unbroadcasted_cov_diag.sqrt().diag_embed().expand(*batch, n, n)
    term2 = _trace_xxt(
        solve_triangular(q_tril, p_w.expand(*batch, n, rank), upper=False)
    ) + _trace_xxt(solve_triangular(q_tril, p_sqrt_diag, upper=False))
    return 0.5 * (term1 + term2 + term3 - p.event_shape[0])


# ----------------------------------------------------------------------------- Pareto


@register_kl(Pareto, Pareto)
def _kl_pareto_pareto(p, q):
    scale_ratio = p.scale / q.scale
    alpha_ratio = q.alpha / p.alpha
    result = q.alpha * scale_ratio.log() - alpha_ratio.log() + alpha_ratio - 1
    return result.where(p.scale >= q.scale, math.inf)  # p has mass below q's support


@register_kl(Pareto, Exponential)
def _kl_pareto_exponential(p, q):
    scale_rate = p.scale * q.rate
    t1 = (p.alpha / scale_rate).log()
    t3 = p.alpha * scale_rate / (p.alpha - 1)
    result = t1 - p.alpha.reciprocal() + t3 - 1
    return result.where(p.alpha > 1, math.inf)  # p's mean is infinite


@register_kl(Pareto, Gamma)
def _kl_pareto_gamma(p, q):
    common = p.scale.log() + p.alpha.reciprocal()
    t1 = p.alpha.log() - common
    t2 = special.gammaln(q.concentration) - q.concentration * q.rate.log()
    t3 = (1 - q.concentration) * common
    t4 = q.rate * p.alpha * p.scale / (p.alpha - 1)
    return (t1 + t2 + t3 + t4 - 1).where(p.alpha > 1, math.inf)


@register_kl(Pareto, Normal)
def _kl_pareto_normal(p, q):
    var_normal = 2 * q.scale.pow(2)
    common = p.scale / (p.alpha - 1)
    t1 = (math.sqrt(2 * math.pi) * q.scale * p.alpha / p.scale).log()
    t3 = p.alpha * common.pow(2) / (p.alpha - 2)
    t4 = (p.alpha * common - q.loc).pow(2)
    result = t1 - p.alpha.reciprocal() + (t3 + t4) / var_normal - 1
    return result.where(p.alpha > 2, math.inf)  # p's variance is infinite


def _x_log_x(t):
    return t * t.log()


@register_kl(Uniform, Pareto)
def _kl_uniform_pareto(p, q):
    width = p.high - p.low
    t1 = (q.alpha * q.scale.pow(q.alpha) * width).log()
    t2 = (_x_log_x(p.high) - _x_log_x(p.low) - width) / width
    result = t2 * (q.alpha + 1) - t1
    return result.where(p.low >= q.scale, math.inf)


# ----------------------------------------------------------------------------- continuous Bernoulli


def _cross_entropy_to_continuous_bernoulli(p, q):
    """-E_p[log q(X)] for q continuous Bernoulli, given p's mean."""
    return -p.mean * q.logits - (-q.probs).log1p() - q._cont_bern_log_norm()


@register_kl(ContinuousBernoulli, ContinuousBernoulli)
def _kl_continuous_bernoulli_continuous_bernoulli(p, q):
    t1 = p.mean * (p.logits - q.logits)
    t2 = p._cont_bern_log_norm() + (-p.probs).log1p()
    t3 = -q._cont_bern_log_norm() - (-q.probs).log1p()
    return t1 + t2 + t3


@register_kl(Beta, ContinuousBernoulli)
def _kl_beta_continuous_bernoulli(p, q):
    return -p.entropy() + _cross_entropy_to_continuous_bernoulli(p, q)


@register_kl(Uniform, ContinuousBernoulli)
def _kl_uniform_continuous_bernoulli(p, q):
    result = -p.entropy() + _cross_entropy_to_continuous_bernoulli(p, q)
    return result.where((p.high < 1) & (p.low > 0), math.inf)


@register_kl(ContinuousBernoulli, Exponential)
def _kl_continuous_bernoulli_exponential(p, q):
    return -p.entropy() - q.rate.log() + q.rate * p.mean


@register_kl(ContinuousBernoulli, Normal)
def _kl_continuous_bernoulli_normal(p, q):
    t1 = -p.entropy()
    t2 = 0.5 * (math.log(2.0 * math.pi) + (q.loc / q.scale).square()) + q.scale.log()
    t3 = (p.variance + p.mean.square() - 2.0 * q.loc * p.mean) / (2.0 * q.scale.square())
    return t1 + t2 + t3


@register_kl(ContinuousBernoulli, Uniform)
def _kl_continuous_bernoulli_uniform(p, q):
    result = -p.entropy() + (q.high - q.low).log()
    # As PyTorch: infinite unless q's support strictly contains [0, 1].
    return result.where((q.low < 0) & (q.high > 1), math.inf)
